//! One session's page in its own isolated browser context, and the commands sent to it.
//!
//! Every command is bounded: by the operation timeout, by a crash of the page and by the
//! death of its browser, whichever comes first, so no request hangs on a broken page.

use std::future::Future;
use std::sync::Arc;
use std::time::Duration;

use chromiumoxide::cdp::browser_protocol::browser::BrowserContextId;
use chromiumoxide::cdp::browser_protocol::page::EventLoadEventFired;
use chromiumoxide::Page;
use futures_util::StreamExt;
use serde_json::json;
use tokio::sync::watch;

use super::cdp::RawCommand;
use super::network::InFlight;
use super::pool::Running;
use super::{BrowserError, BrowserId};

/// A context and its page as prepared in advance, not yet handed to anyone.
pub(super) struct TabParts {
    pub(super) context: BrowserContextId,
    pub(super) page: Page,
    pub(super) crashed: watch::Receiver<bool>,
    pub(super) crash_listener: tokio::task::JoinHandle<()>,
    pub(super) in_flight: InFlight,
    pub(super) network_tracker: tokio::task::JoinHandle<()>,
}

impl TabParts {
    fn stop_listeners(&self) {
        self.crash_listener.abort();
        self.network_tracker.abort();
    }
}

/// What a page is, as a person sees it in the tab strip and the address bar.
#[derive(Debug, Clone, serde::Deserialize)]
pub struct PageInfo {
    pub url: String,
    pub title: String,
}

/// How long the DOM must stay unchanged to count as rendered.
const DOM_QUIET: Duration = Duration::from_millis(100);
/// The longest wait for a page to settle after `load`.
const SETTLE_MAX: Duration = Duration::from_secs(3);
/// Name of our isolated world: page scripts cannot see or tamper with what runs there.
const WORLD_NAME: &str = "browserd";

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

    /// Navigates the page to `url` and waits until it is ready: `load` fired, no request
    /// pending and the DOM quiet, within bounds. A URL that cannot be loaded is
    /// [`BrowserError::Navigation`] with the browser's reason.
    pub async fn goto(&self, url: &str) -> Result<(), BrowserError> {
        let page = &self.parts()?.page;
        let navigation = async {
            let mut loaded = page.event_listener::<EventLoadEventFired>().await?;
            let result = page
                .execute(RawCommand::new("Page.navigate", json!({ "url": url })))
                .await?
                .result;
            if let Some(reason) = result["errorText"]
                .as_str()
                .filter(|reason| !reason.is_empty())
            {
                return Err(BrowserError::Navigation(reason.to_string()));
            }
            // No loader means a same-document navigation (a fragment): there is no `load`.
            if result["loaderId"]
                .as_str()
                .is_some_and(|loader| !loader.is_empty())
            {
                loaded.next().await;
            }
            Ok(())
        };
        match self.guarded(navigation).await {
            Err(BrowserError::Timeout(limit)) => {
                let _ = self.call("Page.stopLoading", json!({})).await;
                Err(BrowserError::Navigation(format!(
                    "net::ERR_TIMED_OUT: the page did not load within {} s",
                    limit.as_secs()
                )))
            }
            Err(error) => Err(error),
            Ok(()) => self.settle().await,
        }
    }

    /// Waits until no request is pending and the DOM has been quiet for a moment, for
    /// [`SETTLE_MAX`] at most: pages that render with JavaScript after `load` are seen
    /// rendered.
    pub async fn settle(&self) -> Result<(), BrowserError> {
        let started = tokio::time::Instant::now();
        let in_flight = self.parts()?.in_flight.clone();
        let _ = tokio::time::timeout(SETTLE_MAX, in_flight.idle()).await;
        let remaining = SETTLE_MAX.saturating_sub(started.elapsed()).max(DOM_QUIET);
        let script = format!(
            "new Promise(resolve => {{ let timer; const done = () => {{ observer.disconnect(); clearTimeout(cap); resolve(true); }};\
             const observer = new MutationObserver(() => {{ clearTimeout(timer); timer = setTimeout(done, {quiet}); }});\
             observer.observe(document, {{ subtree: true, childList: true, attributes: true, characterData: true }});\
             timer = setTimeout(done, {quiet}); const cap = setTimeout(done, {max}); }})",
            quiet = DOM_QUIET.as_millis(),
            max = remaining.as_millis(),
        );
        self.evaluate(&script).await.map(|_| ())
    }

    /// The page's URL and title.
    pub async fn info(&self) -> Result<PageInfo, BrowserError> {
        let value = self
            .evaluate("({ url: location.href, title: document.title || '' })")
            .await?;
        serde_json::from_value(value).map_err(|e| BrowserError::Protocol(format!("page info: {e}")))
    }

    /// The rendered DOM as HTML.
    pub async fn html(&self) -> Result<String, BrowserError> {
        let value = self
            .evaluate("document.documentElement ? document.documentElement.outerHTML : ''")
            .await?;
        Ok(value.as_str().unwrap_or_default().to_string())
    }

    /// Evaluates `expression` in our isolated world of the main frame and returns its
    /// value (awaited if it is a promise) as JSON.
    pub async fn evaluate(&self, expression: &str) -> Result<serde_json::Value, BrowserError> {
        let tree = self.call("Page.getFrameTree", json!({})).await?;
        let frame_id = tree["frameTree"]["frame"]["id"]
            .as_str()
            .ok_or_else(|| BrowserError::Protocol("frame tree without a main frame".into()))?;
        let world = self
            .call(
                "Page.createIsolatedWorld",
                json!({ "frameId": frame_id, "worldName": WORLD_NAME, "grantUniveralAccess": true }),
            )
            .await?;
        let context = world["executionContextId"]
            .as_i64()
            .ok_or_else(|| BrowserError::Protocol("isolated world without a context".into()))?;
        let result = self
            .call(
                "Runtime.evaluate",
                json!({ "expression": expression, "contextId": context, "returnByValue": true, "awaitPromise": true }),
            )
            .await?;
        if let Some(exception) = result.get("exceptionDetails") {
            let text = exception["exception"]["description"]
                .as_str()
                .or(exception["text"].as_str())
                .unwrap_or("exception");
            return Err(BrowserError::Protocol(format!(
                "script failed in the page: {text}"
            )));
        }
        Ok(result["result"]["value"].clone())
    }

    /// Disposes the context and its pages.
    pub async fn close(mut self) -> Result<(), BrowserError> {
        let Some(parts) = self.parts.take() else {
            return Ok(());
        };
        self.browser.tab_closed();
        parts.stop_listeners();
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
