//! One live browser process, and the contexts and pages it makes.
//!
//! Owns creating a context with one blank page, wrapping a page with its listeners (a
//! crash, the requests in flight, the dialogs it opens), the contexts kept ready ahead of
//! demand, and the count of open tabs. A [`Tab`](super::Tab) holds the `Running` its page
//! lives in; the pool ([`Browsers`](super::Browsers)) launches and supervises them.

use std::future::Future;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;

use chromiumoxide::cdp::browser_protocol::browser::BrowserContextId;
use chromiumoxide::cdp::browser_protocol::dom::EnableParams as DomEnable;
use chromiumoxide::cdp::browser_protocol::inspector::EventTargetCrashed;
use chromiumoxide::cdp::browser_protocol::overlay::EnableParams as OverlayEnable;
use chromiumoxide::cdp::browser_protocol::target::{
    CreateBrowserContextParams, CreateTargetParams,
};
use chromiumoxide::cdp::js_protocol::runtime::AddBindingParams;
use chromiumoxide::{Browser, Page};
use futures_util::StreamExt;
use tokio::sync::watch;

use super::cdp::RawCommand;
use super::dialogs::{accept_dialogs, Dialog, DialogWatch};
use super::network::InFlight;
use super::warm::Warm;
use super::{BrowserError, BrowserId};
use crate::injected;

/// A context and its page as prepared in advance, not yet handed to anyone.
pub(super) struct TabParts {
    pub(super) context: BrowserContextId,
    pub(super) page: Page,
    pub(super) crashed: watch::Receiver<bool>,
    pub(super) crash_listener: tokio::task::JoinHandle<()>,
    pub(super) in_flight: InFlight,
    pub(super) network_tracker: tokio::task::JoinHandle<()>,
    /// The dialogs accepted on this page, not yet reported.
    pub(super) dialogs: Arc<std::sync::Mutex<Vec<Dialog>>>,
    pub(super) dialog_handler: tokio::task::JoinHandle<()>,
    /// Set when the page was stopped for opening dialogs without end.
    pub(super) dialog_storm: watch::Receiver<bool>,
    /// When the page was taken in, as a rank: a session's tabs are in this order.
    pub(super) opened: u64,
    /// The event through which the page's own world answers what work it has scheduled
    /// (`injected::PAGE_WORK`), a random name per page; `None` when it could not be
    /// installed.
    pub(super) work_channel: Option<String>,
}

/// The rank the next page taken in gets.
static NEXT_OPENED: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);

impl TabParts {
    pub(super) fn stop_listeners(&self) {
        self.crash_listener.abort();
        self.network_tracker.abort();
        self.dialog_handler.abort();
    }
}

/// One live browser process.
pub(super) struct Running {
    pub(super) id: BrowserId,
    pub(super) browser: Browser,
    /// The browser's own DevTools endpoint, on loopback: what a session's CDP clients are
    /// proxied to, each on a connection of its own.
    pub(super) websocket_url: String,
    pub(super) pid: u32,
    pub(super) alive: AtomicBool,
    pub(super) open_tabs: AtomicUsize,
    /// Tabs ever handed out, against `BrowserConfig::retire_after`.
    pub(super) served: AtomicUsize,
    /// Told once the browser has served its share; its supervisor retires it.
    pub(super) retire: tokio::sync::Notify,
    pub(super) warm: Warm<TabParts>,
    pub(super) operation_timeout: Duration,
    /// Where each context's downloads go (see `downloads.rs`).
    pub(super) downloads: Arc<super::downloads::Downloads>,
    /// Each context's pages, against the cap (see `tab_cap.rs`).
    pub(super) tab_cap: super::tab_cap::TabCap,
}

impl Running {
    pub(super) fn is_alive(&self) -> bool {
        self.alive.load(Ordering::SeqCst)
    }

    pub(super) fn tab_closed(&self) {
        self.open_tabs.fetch_sub(1, Ordering::SeqCst);
    }

    /// A ready context whose page is still alive. A warm page's renderer can die before
    /// anyone uses it (killed, out of memory); such a page would hand its session a page
    /// that fails the first operation, so it goes, context and all.
    pub(super) fn take_warm(self: &Arc<Self>) -> Option<TabParts> {
        loop {
            let parts = self.warm.take()?;
            if !*parts.crashed.borrow() {
                return Some(parts);
            }
            parts.stop_listeners();
            let running = Arc::clone(self);
            tokio::spawn(async move {
                let _ = bounded(
                    running.operation_timeout,
                    running.browser.dispose_browser_context(parts.context),
                )
                .await;
            });
        }
    }

    /// A fresh context with one blank page.
    pub(super) async fn create_parts(&self) -> Result<TabParts, BrowserError> {
        let timeout = self.operation_timeout;
        let context: BrowserContextId = bounded(
            timeout,
            self.browser
                .create_browser_context(CreateBrowserContextParams::default()),
        )
        .await?;
        let prepared = async {
            // Until a session keeps its downloads (`Tab::keep_downloads`), a download must
            // never wedge the page: refuse them. Whether the connection hears of downloads
            // is the last call's `eventsEnabled`, for every context at once: each call
            // keeps it on, or the sessions' downloads would go unheard.
            self.browser
                .execute(RawCommand::new(
                    "Browser.setDownloadBehavior",
                    serde_json::json!({
                        "behavior": "deny",
                        "browserContextId": context.inner(),
                        "eventsEnabled": true,
                    }),
                ))
                .await?;
            self.create_page(context.clone()).await
        };
        match bounded(timeout, prepared).await {
            Ok(parts) => Ok(parts),
            Err(error) => {
                let _ = bounded(timeout, self.browser.dispose_browser_context(context)).await;
                Err(error)
            }
        }
    }

    /// A new blank page in `context` to replace the tab's page, which the caller closes
    /// next: it comes in even when the context is at its cap of tabs.
    pub(super) async fn create_replacement_page(
        &self,
        context: BrowserContextId,
    ) -> Result<TabParts, BrowserError> {
        self.tab_cap
            .make_room(context.inner(), self.operation_timeout);
        let created = self.create_page(context.clone()).await;
        self.tab_cap.unmake_room(context.inner());
        created
    }

    /// A new blank page in `context`, with its listeners.
    pub(super) async fn create_page(
        &self,
        context: BrowserContextId,
    ) -> Result<TabParts, BrowserError> {
        let mut params = CreateTargetParams::new("about:blank");
        params.browser_context_id = Some(context.clone());
        let page: Page = self.browser.new_page(params).await?;
        self.wrap_page(context, page).await
    }

    /// A page of `context` with its listeners (crash, requests, dialogs).
    pub(super) async fn wrap_page(
        &self,
        context: BrowserContextId,
        page: Page,
    ) -> Result<TabParts, BrowserError> {
        let (crashed_tx, crashed) = watch::channel(false);
        let mut crashes = page.event_listener::<EventTargetCrashed>().await?;
        let crash_listener = tokio::spawn(async move {
            if crashes.next().await.is_some() {
                crashed_tx.send_replace(true);
            }
        });
        let (in_flight, network_tracker) = super::network::track(&page).await?;
        let DialogWatch {
            dialogs,
            stormed: dialog_storm,
            handler: dialog_handler,
        } = accept_dialogs(&page).await?;
        // With the overlay domain on (it needs the DOM domain), Chromium delivers a page's
        // input unbuffered, as it does for a debugger: a mouse move reaches the page at once
        // instead of at its next animation frame, and the press and release queued behind
        // it with it. That frame cost every click 10 to 20 ms; a page that refuses the
        // domains is only slower to click, so it is used all the same.
        let unbuffered = async {
            page.execute(DomEnable::default()).await?;
            page.execute(OverlayEnable::default()).await
        };
        // Without the binding, what a wait reads comes back with the wait's answer instead.
        let mut binding = AddBindingParams::new(injected::SEND_BINDING);
        binding.execution_context_name = Some(injected::WORLD_NAME.into());
        // The page's timers and frames are seen only from its own world, before its
        // scripts run: every document of this page gets the watch first.
        let channel = format!("browserd-{}", uuid::Uuid::new_v4().simple());
        let watch_work = page.execute(RawCommand::new(
            "Page.addScriptToEvaluateOnNewDocument",
            serde_json::json!({ "source": injected::page_work(&channel), "runImmediately": true }),
        ));
        let (unbuffered, bound, watched) =
            futures_util::join!(unbuffered, page.execute(binding), watch_work);
        let work_channel = match watched {
            Ok(_) => Some(channel),
            Err(error) => {
                tracing::debug!(%error, "readiness does not see this page's timers");
                None
            }
        };
        if let Err(error) = unbuffered {
            tracing::debug!(%error, "input to this page stays buffered");
        }
        if let Err(error) = bound {
            tracing::debug!(%error, "reads come back with the wait's answer");
        }
        Ok(TabParts {
            context,
            page,
            crashed,
            crash_listener,
            in_flight,
            network_tracker,
            dialogs,
            dialog_handler,
            dialog_storm,
            opened: NEXT_OPENED.fetch_add(1, Ordering::Relaxed),
            work_channel,
        })
    }

    /// Tops the ready contexts up to the pool's target in the background, a few at a
    /// time: each context made claims the next.
    pub(super) fn refill(self: &Arc<Self>) {
        while self.is_alive() && self.warm.claim() {
            let running = Arc::clone(self);
            tokio::spawn(async move {
                match running.create_parts().await {
                    Ok(parts) => {
                        running.warm.made(parts);
                        running.refill();
                    }
                    Err(error) => {
                        running.warm.failed();
                        // A browser going away fails every context being made; that is
                        // the supervisor's news to tell, not this one's.
                        if running.is_alive() {
                            tracing::warn!(%error, browser = ?running.id, "cannot prepare a browser context");
                        }
                    }
                }
            });
        }
    }

    /// Every [`QUIET`](super::warm::QUIET) spell, lets the pool down towards its floor,
    /// disposing of the contexts beyond it, until the browser is gone.
    pub(super) async fn relax_warm(running: std::sync::Weak<Self>) {
        let mut ticks = tokio::time::interval(super::warm::QUIET / 4);
        loop {
            ticks.tick().await;
            let Some(running) = running.upgrade() else {
                return;
            };
            if !running.is_alive() {
                return;
            }
            for parts in running.warm.relax(std::time::Instant::now()) {
                parts.stop_listeners();
                let _ = bounded(
                    running.operation_timeout,
                    running.browser.dispose_browser_context(parts.context),
                )
                .await;
            }
        }
    }
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
