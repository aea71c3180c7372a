//! One live browser process, and the contexts and pages it makes.
//!
//! Owns creating a context with one blank page, wrapping a page with its listeners (a
//! crash, the requests in flight, the dialogs it opens), the contexts kept ready ahead of
//! demand, and the count of open tabs. A [`Tab`](super::Tab) holds the `Running` its page
//! lives in; the pool ([`Browsers`](super::Browsers)) launches and supervises them.

use std::future::Future;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
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
use super::dialogs::{accept_dialogs, Dialog};
use super::network::InFlight;
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
    /// When the page was taken in, as a rank: a session's tabs are in this order.
    pub(super) opened: u64,
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
    pub(super) warm: Mutex<Vec<TabParts>>,
    pub(super) refilling: AtomicBool,
    pub(super) warm_target: usize,
    pub(super) operation_timeout: Duration,
    /// Where each context's downloads go (see `downloads.rs`).
    pub(super) downloads: Arc<super::downloads::Downloads>,
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
            let parts = self.warm.lock().unwrap_or_else(|p| p.into_inner()).pop()?;
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

    pub(super) fn warm_count(&self) -> usize {
        self.warm.lock().unwrap_or_else(|p| p.into_inner()).len()
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
        let (dialogs, dialog_handler) = accept_dialogs(&page).await?;
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
        let (unbuffered, bound) = futures_util::join!(unbuffered, page.execute(binding));
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
            opened: NEXT_OPENED.fetch_add(1, Ordering::Relaxed),
        })
    }

    /// Tops the ready contexts up to the target, one at a time, in the background.
    pub(super) fn refill(self: &Arc<Self>) {
        if self.warm_target == 0 || self.refilling.swap(true, Ordering::SeqCst) {
            return;
        }
        let running = Arc::clone(self);
        tokio::spawn(async move {
            while running.is_alive() && running.warm_count() < running.warm_target {
                match running.create_parts().await {
                    Ok(parts) => running
                        .warm
                        .lock()
                        .unwrap_or_else(|p| p.into_inner())
                        .push(parts),
                    Err(error) => {
                        tracing::warn!(%error, browser = ?running.id, "cannot prepare a browser context");
                        break;
                    }
                }
            }
            running.refilling.store(false, Ordering::SeqCst);
        });
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
