//! The one-shot commands (`browserd observe URL`, `browserd scrape …`): one page, one
//! answer on standard output, no server and no database.
//!
//! Owns putting a throwaway browser (behind its own egress proxy) together and taking it
//! down again; the work on the
//! page is the operations room's own (`ops::open`, `ops::observe_page`, `ops::content`),
//! the same as the server's.

use std::path::Path;
use std::time::Duration;

use crate::act::ActError;
use crate::browser::{find_executable, BrowserConfig, BrowserError, Browsers, Tab};
use crate::config::BrowserArgs;
use crate::domain::{PageUrl, StorageState};
use crate::egress::{Egress, Refusal};
use crate::ops;
use crate::scrape::{self, ScrapeOptions};
use crate::shutdown::Shutdown;

#[derive(Debug, thiserror::Error)]
pub enum OneShotError {
    #[error("{0}")]
    BadInput(String),
    #[error(transparent)]
    Browser(#[from] BrowserError),
    #[error(transparent)]
    Page(#[from] ActError),
    #[error(transparent)]
    PrivateNetwork(#[from] Refusal),
    #[error("cannot start the egress proxy on 127.0.0.1: {0}")]
    Egress(std::io::Error),
    #[error("cannot read {path}: {source}")]
    Read {
        path: String,
        source: std::io::Error,
    },
}

/// Runs `work` on a fresh tab of a throwaway browser, then stops the browser.
async fn with_tab<T>(
    args: &BrowserArgs,
    url: &str,
    storage_state: Option<&Path>,
    work: impl AsyncFnOnce(&Tab) -> Result<T, BrowserError>,
) -> Result<T, OneShotError> {
    let url: PageUrl = url.parse().map_err(OneShotError::BadInput)?;
    let state = storage_state.map(read_state).transpose()?;
    let user_data = std::env::temp_dir().join(format!("browserd-oneshot-{}", std::process::id()));
    let stop = Shutdown::new();
    let egress = Egress::start(args.allow_private_network.clone(), stop.clone())
        .await
        .map_err(OneShotError::Egress)?;
    let config = BrowserConfig {
        executable: find_executable(args.chromium.as_deref())?,
        extra_args: args.chromium_args.0.clone(),
        user_data_dir: user_data.clone(),
        processes: 1,
        warm_contexts: 0,
        warm_contexts_max: 0,
        operation_timeout: Duration::from_secs(30),
        proxy_server: Some(egress.proxy_server()),
        page_heap_mb: args.page_heap_mb,
        max_tabs: args.max_tabs_per_session as usize,
        // One session: nothing to retire.
        retire_after: None,
    };
    let (browsers, _events) = Browsers::start(config, stop.clone()).await?;
    let result = async {
        let mut tab = browsers.open_tab().await?;
        if let Some(state) = &state {
            tab.restore_state(state).await?;
        }
        let value = match ops::open(&egress, &mut tab, &url, false).await {
            Ok(_) => work(&tab).await.map_err(OneShotError::from),
            Err(ops::Reached::Refused(refusal)) => Err(refusal.into()),
            Err(ops::Reached::Act(error)) => Err(error.into()),
        };
        let _ = tab.close().await;
        value
    }
    .await;
    stop.trigger();
    browsers.stopped().await;
    let _ = std::fs::remove_dir_all(user_data);
    result
}

/// A Playwright storage state from a file, checked.
fn read_state(path: &Path) -> Result<StorageState, OneShotError> {
    let text = std::fs::read(path).map_err(|source| OneShotError::Read {
        path: path.display().to_string(),
        source,
    })?;
    let state: StorageState = serde_json::from_slice(&text).map_err(|e| {
        OneShotError::BadInput(format!("{} is not a storage state: {e}", path.display()))
    })?;
    state
        .check()
        .map_err(|e| OneShotError::BadInput(format!("{}: {e}", path.display())))?;
    Ok(state)
}

/// The action list of the page at `url` (in a browser holding `storage_state`, if given),
/// as `space.markdown` gives it.
pub async fn observe(
    args: &BrowserArgs,
    url: &str,
    storage_state: Option<&Path>,
) -> Result<String, OneShotError> {
    with_tab(args, url, storage_state, async |tab: &Tab| {
        let (space, _) = ops::observe_page(tab, ops::ACTION_LIMIT_DEFAULT, None, None).await?;
        Ok(space.markdown.clone())
    })
    .await
}

/// The markdown of the page at `url`, rendered in the browser.
pub async fn scrape_url(
    args: &BrowserArgs,
    url: &str,
    storage_state: Option<&Path>,
    options: &ScrapeOptions,
) -> Result<String, OneShotError> {
    with_tab(args, url, storage_state, async |tab: &Tab| {
        Ok(ops::content(tab, options).await?.markdown)
    })
    .await
}

/// The markdown of a saved page.
pub fn scrape_file(
    path: &Path,
    base_url: Option<&str>,
    options: &ScrapeOptions,
) -> Result<String, OneShotError> {
    let html = std::fs::read(path).map_err(|source| OneShotError::Read {
        path: path.display().to_string(),
        source,
    })?;
    let html = String::from_utf8_lossy(&html);
    let base = base_url
        .map(str::to_owned)
        .unwrap_or_else(|| format!("file://{}", path.display()));
    Ok(scrape::scrape(&html, &base, options).markdown)
}
