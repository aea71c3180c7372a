//! One session's page in its own isolated browser context, and the commands sent to it.
//!
//! Every command is bounded: by the operation timeout, by a crash of the page and by the
//! death of its browser, whichever comes first, so no request hangs on a broken page.
//! The commands are kept by concern: navigation and settling (`navigation.rs`), input
//! (`input.rs`), our isolated worlds and the page scripts run in them (`worlds.rs`),
//! pages an input opens (`popups.rs`), the session's tabs (`tabs.rs`), files in and out
//! (`files.rs`), and the cookies and storage a profile keeps (`storage.rs`); this file
//! holds the tab itself, its guard on every
//! command, and its end.

mod files;
mod input;
mod navigation;
mod popups;
mod storage;
mod tabs;
mod worlds;

use std::collections::HashMap;
use std::future::Future;
use std::sync::atomic::AtomicU64;
use std::sync::Arc;

use chromiumoxide::cdp::browser_protocol::page::FrameId;
use serde_json::json;

use super::cdp::RawCommand;
use super::dialogs::Dialog;
use super::running::{bounded, Running, TabParts};
use super::{BrowserError, BrowserId, CdpEndpoint, Screen};
use crate::domain::PageInfo;
use crate::injected;

pub use input::{Armed, Key};
pub use popups::Popup;
use worlds::World;

/// A page in an isolated context (own cookies, storage, cache). Closing it — or dropping
/// it — disposes the context and everything in it.
pub struct Tab {
    browser: Arc<Running>,
    parts: Option<TabParts>,
    /// Pages this tab's page was opened from, kept alive (and their dialogs answered)
    /// until the context is disposed.
    openers: Vec<TabParts>,
    /// Our isolated worlds in the current documents: the main frame's (key `None`) and
    /// those of frames it cannot read (their frame id).
    worlds: std::sync::Mutex<HashMap<Option<String>, World>>,
    /// Marks each wait's read sent ahead, so that one wait never takes another's.
    next_token: AtomicU64,
    /// Where the context's downloads go, once it keeps them (`files.rs`).
    downloads: Option<Arc<super::downloads::ContextDownloads>>,
    /// The web origins the page was seen at (each read of its URL): whose local storage
    /// a profile keeps (`storage.rs`).
    visited: std::sync::Mutex<std::collections::BTreeSet<String>>,
}

/// How an input ended: the page settled (with what was read from it then), or the input
/// opened a new page, which the tab has not followed yet.
#[derive(Debug)]
pub enum Settled {
    InPlace(Option<serde_json::Value>),
    Opened(Popup),
}

impl Tab {
    pub(super) fn new(browser: Arc<Running>, parts: TabParts) -> Self {
        Self {
            browser,
            parts: Some(parts),
            openers: Vec::new(),
            worlds: std::sync::Mutex::new(HashMap::new()),
            next_token: AtomicU64::new(0),
            downloads: None,
            visited: Default::default(),
        }
    }

    pub fn browser_id(&self) -> BrowserId {
        self.browser.id
    }

    /// A handle on the page the tab shows now, for what watches it beside the session's
    /// operations (a live view, a replay's pictures).
    pub fn screen(&self) -> Option<Screen> {
        let parts = self.parts.as_ref()?;
        Some(Screen::new(
            Arc::clone(&self.browser),
            parts.page.clone(),
            parts.context.clone(),
            parts.crashed.clone(),
        ))
    }

    /// Where a CDP client of this tab's session is proxied to: the browser's endpoint and
    /// the tab's context.
    pub fn cdp_endpoint(&self) -> Option<CdpEndpoint> {
        let parts = self.parts.as_ref()?;
        Some(CdpEndpoint {
            browser_url: self.browser.websocket_url.clone(),
            context: parts.context.inner().clone(),
        })
    }

    pub(super) fn parts(&self) -> Result<&TabParts, BrowserError> {
        self.parts
            .as_ref()
            .ok_or(BrowserError::Protocol("the tab is closed".into()))
    }

    /// Runs `command` against this tab, failing at once when the page crashes, was stopped
    /// for a storm of dialogs, or the browser dies, and after the operation timeout at the
    /// latest.
    pub(super) async fn guarded<T>(
        &self,
        command: impl Future<Output = Result<T, BrowserError>>,
    ) -> Result<T, BrowserError> {
        let parts = self.parts()?;
        if !self.browser.is_alive() {
            return Err(BrowserError::Died("the browser is gone".into()));
        }
        let mut crashed = parts.crashed.clone();
        let mut stormed = parts.dialog_storm.clone();
        // A watch whose sender is gone (the page's event streams ended: its browser died,
        // its listeners were stopped) says nothing of a crash or a storm: the command
        // fails by itself then, saying what went away.
        tokio::select! {
            result = bounded(self.browser.operation_timeout, command) => result,
            Ok(_) = crashed.wait_for(|crashed| *crashed) => Err(BrowserError::PageCrashed),
            Ok(_) = stormed.wait_for(|stormed| *stormed) => Err(BrowserError::DialogStorm(super::dialogs::STORM_DIALOGS)),
        }
    }

    /// Sends a raw CDP command to the page and returns its result.
    pub(super) async fn call(
        &self,
        method: &'static str,
        params: serde_json::Value,
    ) -> Result<serde_json::Value, BrowserError> {
        let page = &self.parts()?.page;
        self.guarded(async move {
            let response = page.execute(RawCommand::new(method, params)).await?;
            Ok(response.result)
        })
        .await
    }

    /// A PNG of the viewport, base64-encoded as CDP gives it.
    pub async fn screenshot(&self) -> Result<String, BrowserError> {
        let result = self
            .call("Page.captureScreenshot", json!({ "format": "png" }))
            .await?;
        result["data"]
            .as_str()
            .map(str::to_owned)
            .ok_or_else(|| BrowserError::Protocol("screenshot reply without data".into()))
    }

    /// The page's URL as the browser last reported it (navigations, fragments and
    /// `pushState` included), without asking the page.
    pub async fn url(&self) -> Result<Option<String>, BrowserError> {
        let page = &self.parts()?.page;
        let url = self.guarded(async { Ok(page.url().await?) }).await?;
        if let Some(url) = &url {
            self.visited(url);
        }
        Ok(url)
    }

    /// The URL of the document in `frame` as the browser last reported it, without asking
    /// the page; a frame that failed to load shows the browser's error page
    /// (`chrome-error://…`).
    pub async fn frame_url(&self, frame: &str) -> Result<Option<String>, BrowserError> {
        let page = &self.parts()?.page;
        let frame = FrameId::new(frame);
        self.guarded(async { Ok(page.frame_url(frame).await?) })
            .await
    }

    /// The URL the top frame failed to load, when it shows the browser's error page
    /// (after a redirect, the URL that failed, not the one asked for).
    pub async fn unreachable_url(&self) -> Result<Option<String>, BrowserError> {
        let tree = self.call("Page.getFrameTree", json!({})).await?;
        Ok(tree["frameTree"]["frame"]["unreachableUrl"]
            .as_str()
            .filter(|url| !url.is_empty())
            .map(str::to_owned))
    }

    /// The page's URL and title.
    pub async fn info(&self) -> Result<PageInfo, BrowserError> {
        let value = self.run(&injected::PAGE_INFO, &[]).await?;
        let info: PageInfo = serde_json::from_value(value)
            .map_err(|e| BrowserError::Protocol(format!("page info: {e}")))?;
        self.visited(&info.url);
        Ok(info)
    }

    /// Dialogs (`alert`, `confirm`, `beforeunload`…) accepted since the last call.
    pub fn take_dialogs(&self) -> Vec<Dialog> {
        self.parts
            .as_ref()
            .map(|parts| {
                std::mem::take(&mut *parts.dialogs.lock().unwrap_or_else(|p| p.into_inner()))
            })
            .unwrap_or_default()
    }

    /// Disposes the context and its pages.
    pub async fn close(mut self) -> Result<(), BrowserError> {
        let Some(parts) = self.parts.take() else {
            return Ok(());
        };
        self.browser.tab_closed();
        parts.stop_listeners();
        self.forget_downloads(parts.context.inner());
        if !self.browser.is_alive() {
            return Ok(());
        }
        bounded(
            self.browser.operation_timeout,
            self.browser.browser.dispose_browser_context(parts.context),
        )
        .await
    }
}

impl Drop for Tab {
    fn drop(&mut self) {
        let Some(parts) = self.parts.take() else {
            return;
        };
        self.browser.tab_closed();
        parts.stop_listeners();
        self.forget_downloads(parts.context.inner());
        if !self.browser.is_alive() {
            return;
        }
        if let Ok(runtime) = tokio::runtime::Handle::try_current() {
            let browser = Arc::clone(&self.browser);
            runtime.spawn(async move {
                let _ = bounded(
                    browser.operation_timeout,
                    browser.browser.dispose_browser_context(parts.context),
                )
                .await;
            });
        }
    }
}
