//! One session's page in its own isolated browser context, and the commands sent to it.
//!
//! Every command is bounded: by the operation timeout, by a crash of the page and by the
//! death of its browser, whichever comes first, so no request hangs on a broken page.

use std::future::Future;
use std::sync::Arc;
use std::time::Duration;

use chromiumoxide::cdp::browser_protocol::browser::BrowserContextId;
use chromiumoxide::Page;
use serde_json::json;
use tokio::sync::watch;

use super::cdp::RawCommand;
use super::pool::Running;
use super::{BrowserError, BrowserId};

/// A context and its page as prepared in advance, not yet handed to anyone.
pub(super) struct TabParts {
    pub(super) context: BrowserContextId,
    pub(super) page: Page,
    pub(super) crashed: watch::Receiver<bool>,
    pub(super) crash_listener: tokio::task::JoinHandle<()>,
}

/// A page in an isolated context (own cookies, storage, cache). Closing it — or dropping
/// it — disposes the context and everything in it.
pub struct Tab {
    browser: Arc<Running>,
    parts: Option<TabParts>,
}

/// Runs a browser command with an upper bound on its time.
pub(super) async fn bounded<T, E>(
    timeout: Duration,
    command: impl Future<Output = Result<T, E>>,
) -> Result<T, BrowserError>
where
    E: Into<BrowserError>,
{
    match tokio::time::timeout(timeout, command).await {
        Ok(result) => result.map_err(Into::into),
        Err(_) => Err(BrowserError::Timeout(timeout)),
    }
}

impl Tab {
    pub(super) fn new(browser: Arc<Running>, parts: TabParts) -> Self {
        Self {
            browser,
            parts: Some(parts),
        }
    }

    pub fn browser_id(&self) -> BrowserId {
        self.browser.id
    }

    fn parts(&self) -> Result<&TabParts, BrowserError> {
        self.parts
            .as_ref()
            .ok_or(BrowserError::Protocol("the tab is closed".into()))
    }

    /// Runs `command` against this tab, failing at once when the page crashes or the
    /// browser dies, and after the operation timeout at the latest.
    async fn guarded<T>(
        &self,
        command: impl Future<Output = Result<T, BrowserError>>,
    ) -> Result<T, BrowserError> {
        let parts = self.parts()?;
        if !self.browser.is_alive() {
            return Err(BrowserError::Died("the browser is gone".into()));
        }
        let mut crashed = parts.crashed.clone();
        tokio::select! {
            result = bounded(self.browser.operation_timeout, command) => result,
            _ = crashed.wait_for(|crashed| *crashed) => Err(BrowserError::PageCrashed),
        }
    }

    /// Sends a raw CDP command to the page and returns its result.
    async fn call(
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

    /// Disposes the context and its pages.
    pub async fn close(mut self) -> Result<(), BrowserError> {
        let Some(parts) = self.parts.take() else {
            return Ok(());
        };
        self.browser.tab_closed();
        parts.crash_listener.abort();
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
        parts.crash_listener.abort();
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
