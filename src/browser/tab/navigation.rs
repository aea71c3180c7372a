//! Navigation and settling: going to a URL, back, forward or again, and waiting until the
//! page is ready — `load`, no request that can change the page, the DOM still, after a
//! load no timer, frame or idle callback the page scheduled still pending, no loading
//! indicator — within bounds, reading the page at the moment it was found still.

use std::sync::atomic::Ordering;
use std::time::Duration;

use chromiumoxide::cdp::browser_protocol::page::EventLoadEventFired;
use chromiumoxide::cdp::js_protocol::runtime::EventBindingCalled;
use chromiumoxide::listeners::EventStream;
use futures_util::StreamExt;
use serde_json::json;

use super::{Settled, Tab};
use crate::browser::cdp::RawCommand;
use crate::browser::running::bounded;
use crate::browser::BrowserError;
use crate::injected::{self, PageScript};

/// How long a freshly loaded page must stay still to count as rendered, besides having
/// no timer, frame or idle callback of its own pending (`injected::page_work`): what that
/// watch cannot see (a message channel's task, a frame's own timers) renders within it.
/// It counts from when the document last changed, or the last XHR or fetch started or
/// ended, whichever is later: a page still since before its load has served part of it.
pub(super) const NAVIGATION_QUIET: Duration = Duration::from_millis(50);
/// The quiet period after a load on a page whose own world could not be watched
/// (`TabParts::work_channel` is `None`): long enough for a short timer of the page's.
const UNWATCHED_NAVIGATION_QUIET: Duration = Duration::from_millis(200);
/// How long a page must stay still after an input that did not navigate, counted from
/// when the page saw the input (`input_watch.js`); a navigation the input causes must
/// have started by then.
pub(super) const ACTION_QUIET: Duration = Duration::from_millis(30);
/// The longest wait for a page to settle after `load`.
const SETTLE_MAX: Duration = Duration::from_secs(3);
/// How long the driver looks for a read sent ahead once the wait's answer says it was
/// sent: it is in the event stream before that answer, so this only bounds a lost event.
const SENT_READ_WAIT: Duration = Duration::from_millis(500);

impl Tab {
    /// Navigates the page to `url` and waits until it is ready: `load` fired, no request
    /// pending and the DOM quiet, within bounds; then reads `read` as
    /// [`settle_reading`](Self::settle_reading) does. A URL that cannot be loaded is
    /// [`BrowserError::Navigation`] with the browser's reason.
    pub async fn goto(
        &mut self,
        url: &str,
        read: Option<&PageScript>,
    ) -> Result<Option<serde_json::Value>, BrowserError> {
        let page = &self.parts()?.page;
        let began = tokio::time::Instant::now();
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
                // Chromium answers no further navigation while one hangs: give the session
                // a fresh page in the same context (cookies and storage stay).
                self.replace_page().await?;
                Err(BrowserError::Navigation(format!(
                    "net::ERR_TIMED_OUT: the page did not load within {} s",
                    limit.as_secs()
                )))
            }
            Err(error) => Err(error),
            Ok(()) => {
                let loaded = began.elapsed();
                let ready = self.settle_reading(NAVIGATION_QUIET, read).await;
                // Where a navigation's time goes: the browser's load, then the wait for
                // the page to be done (its read included when it was sent ahead).
                tracing::debug!(
                    load_ms = loaded.as_secs_f64() * 1e3,
                    settle_ms = (began.elapsed() - loaded).as_secs_f64() * 1e3,
                    read = ready.as_ref().is_ok_and(|read| read.is_some()),
                    "navigated and settled"
                );
                ready
            }
        }
    }

    /// Waits until the page has been still — no request pending or started, no node
    /// added, removed or retexted (attribute churn such as carousels does not count) —
    /// for `quiet`, and shows no loading indicator, within [`SETTLE_MAX`]: pages that
    /// fetch and render after `load` are seen rendered.
    pub async fn settle(&self, quiet: Duration) -> Result<(), BrowserError> {
        self.settle_reading(quiet, None).await.map(|_| ())
    }

    /// [`settle`](Self::settle), then the value of the page script `read` (run in our
    /// world of the main frame) as the page was when it was found still; `None` when the
    /// page never settled within the bound, or when a value sent ahead never arrived (the
    /// caller reads the page itself).
    ///
    /// The script runs once while the page is being watched, a frame after the wait
    /// begins, and again at its end only if the page changed meanwhile (`settle.js` says
    /// what counts): reading a page that stays still costs no time beyond the quiet period.
    /// The first value is sent ahead through [`injected::SEND_BINDING`] while the wait goes on.
    pub async fn settle_reading(
        &self,
        quiet: Duration,
        read: Option<&PageScript>,
    ) -> Result<Option<serde_json::Value>, BrowserError> {
        let deadline = tokio::time::Instant::now() + SETTLE_MAX;
        let parts = self.parts()?;
        let after_load = quiet >= NAVIGATION_QUIET;
        let quiet = match &parts.work_channel {
            None if after_load => quiet.max(UNWATCHED_NAVIGATION_QUIET),
            _ => quiet,
        };
        let page = &parts.page;
        let in_flight = parts.in_flight.clone();
        loop {
            let _ = tokio::time::timeout_at(deadline, in_flight.idle()).await;
            let requests_before = in_flight.started();
            let remaining = deadline.saturating_duration_since(tokio::time::Instant::now());
            if remaining.is_zero() {
                return Ok(None);
            }
            // After a load only the answers a script awaits can still change the page.
            let network_still = match after_load {
                true => in_flight.answers_still_for(),
                false => in_flight.still_for(),
            }
            .min(SETTLE_MAX);
            // A read sent ahead comes back through the binding, marked with this call's
            // token; a wait that reads nothing needs no stream.
            let mut sent_reads = match read {
                Some(_) => Some(page.event_listener::<EventBindingCalled>().await?),
                None => None,
            };
            let token = format!("{}:", self.next_token.fetch_add(1, Ordering::Relaxed));
            let arguments = [
                json!(quiet.as_millis() as u64),
                json!(remaining.as_millis() as u64),
                json!(read.map(|script| script.name())),
                json!(network_still.as_millis() as u64),
                json!(sent_reads
                    .as_ref()
                    .map(|_| (injected::SEND_BINDING, &token))),
                // After a load the page's own scheduled work is waited for too (late
                // content); after an input only its quiet period, as a person would.
                json!(parts.work_channel.as_ref().filter(|_| after_load)),
            ];
            let needs: &[&PageScript] = match read {
                Some(read) => &[read],
                None => &[],
            };
            let still = match self
                .run_needing(None, &injected::SETTLE, needs, &arguments)
                .await
            {
                Ok(still) => still,
                // The document went away under the script (a redirect, a script's own
                // navigation): wait for the next one, within the bound.
                Err(BrowserError::Protocol(_)) => {
                    tokio::time::sleep(Duration::from_millis(20)).await;
                    continue;
                }
                Err(other) => return Err(other),
            };
            let busy = still["busy"].as_bool().unwrap_or(false);
            if in_flight.started() == requests_before && in_flight.pending() == 0 && !busy {
                let mut still = still;
                return match (still["sent"].as_bool(), sent_reads.as_mut()) {
                    (Some(true), Some(sent)) => Ok(Self::sent_read(sent, &token).await),
                    _ => Ok(read.map(|_| {
                        still
                            .get_mut("read")
                            .map(serde_json::Value::take)
                            .unwrap_or_default()
                    })),
                };
            }
        }
    }

    /// The read `settle.js` sent ahead with `token`, from the binding's events; `None` (the
    /// caller reads again) if it never came.
    pub(super) async fn sent_read(
        sent: &mut EventStream<EventBindingCalled>,
        token: &str,
    ) -> Option<serde_json::Value> {
        let found = async {
            while let Some(event) = sent.next().await {
                if event.name != injected::SEND_BINDING {
                    continue;
                }
                if let Some(read) = event.payload.strip_prefix(token) {
                    return Some(serde_json::Value::String(read.to_owned()));
                }
            }
            None
        };
        tokio::time::timeout(SENT_READ_WAIT, found)
            .await
            .ok()
            .flatten()
    }

    /// Waits for the page to settle after an input that does not navigate by itself, and
    /// reads `read` as [`settle_reading`](Self::settle_reading) does.
    pub async fn settle_after_input(
        &self,
        read: Option<&PageScript>,
    ) -> Result<Option<serde_json::Value>, BrowserError> {
        self.settle_reading(ACTION_QUIET, read).await
    }

    /// Goes one entry back (`-1`) or forward (`1`) in the tab's history and reads `read`
    /// once it settled. `None` when there is no such entry.
    pub async fn go_history(
        &self,
        offset: i64,
        read: Option<&PageScript>,
    ) -> Result<Option<Settled>, BrowserError> {
        let history = self.call("Page.getNavigationHistory", json!({})).await?;
        let index = history["currentIndex"].as_i64().unwrap_or(0) + offset;
        let Some(entry) = history["entries"]
            .as_array()
            .and_then(|entries| usize::try_from(index).ok().and_then(|i| entries.get(i)))
        else {
            return Ok(None);
        };
        let entry_id = entry["id"].clone();
        let settled = self
            .act_and_settle(
                async {
                    self.call(
                        "Page.navigateToHistoryEntry",
                        json!({ "entryId": entry_id }),
                    )
                    .await
                    .map(|_| ())
                },
                read,
            )
            .await?;
        Ok(Some(settled))
    }

    /// Reloads the page, waits until it is ready and reads `read`.
    pub async fn reload(&self, read: Option<&PageScript>) -> Result<Settled, BrowserError> {
        self.act_and_settle(
            async { self.call("Page.reload", json!({})).await.map(|_| ()) },
            read,
        )
        .await
    }

    /// Swaps the page for a new blank one in the same context and closes the old one.
    pub(super) async fn replace_page(&mut self) -> Result<(), BrowserError> {
        let context = self.parts()?.context.clone();
        let fresh = bounded(
            self.browser.operation_timeout,
            self.browser.create_replacement_page(context),
        )
        .await?;
        if let Some(old) = self.parts.replace(fresh) {
            old.stop_listeners();
            let close = RawCommand::new(
                "Target.closeTarget",
                json!({ "targetId": old.page.target_id().inner() }),
            );
            if let Err(error) = bounded(
                self.browser.operation_timeout,
                self.browser.browser.execute(close),
            )
            .await
            {
                tracing::warn!(%error, "cannot close a hung page");
            }
        }
        self.note_page();
        self.worlds().clear();
        Ok(())
    }
}
