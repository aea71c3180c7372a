//! Requests in flight on one page, counted from the Network domain's events, so that
//! "ready" can mean "no request pending" and not just "`load` fired".

use std::collections::HashSet;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

use chromiumoxide::cdp::browser_protocol::network::{
    EventLoadingFailed, EventLoadingFinished, EventRequestWillBeSent, RequestId, ResourceType,
};
use chromiumoxide::Page;
use futures_util::StreamExt;
use tokio::sync::watch;

/// The number of requests the page is waiting for.
#[derive(Clone)]
pub(super) struct InFlight {
    count: watch::Receiver<usize>,
    started: Arc<AtomicU64>,
}

impl InFlight {
    /// How many requests the page has started so far.
    pub(super) fn started(&self) -> u64 {
        self.started.load(Ordering::SeqCst)
    }

    pub(super) fn pending(&self) -> usize {
        *self.count.borrow()
    }

    /// Waits until no request is pending (returns at once if none is).
    pub(super) async fn idle(&self) {
        let mut count = self.count.clone();
        let _ = count.wait_for(|pending| *pending == 0).await;
    }
}

/// Starts counting the page's requests; the returned task runs until aborted.
pub(super) async fn track(
    page: &Page,
) -> Result<(InFlight, tokio::task::JoinHandle<()>), chromiumoxide::error::CdpError> {
    let mut sent = page.event_listener::<EventRequestWillBeSent>().await?;
    let mut finished = page.event_listener::<EventLoadingFinished>().await?;
    let mut failed = page.event_listener::<EventLoadingFailed>().await?;
    let (count_tx, count) = watch::channel(0usize);
    let pending: Arc<Mutex<HashSet<RequestId>>> = Arc::default();
    let started = Arc::new(AtomicU64::new(0));
    let counter = Arc::clone(&started);
    let task = tokio::spawn(async move {
        let update = |change: &dyn Fn(&mut HashSet<RequestId>)| {
            let mut pending = pending.lock().unwrap_or_else(|p| p.into_inner());
            change(&mut pending);
            count_tx.send_replace(pending.len());
        };
        loop {
            tokio::select! {
                Some(event) = sent.next() => {
                    // Streams that never finish would keep a page "busy" for ever.
                    let endless = matches!(event.r#type, Some(ResourceType::WebSocket | ResourceType::EventSource));
                    if !endless {
                        counter.fetch_add(1, Ordering::SeqCst);
                        update(&|pending| { pending.insert(event.request_id.clone()); });
                    }
                }
                Some(event) = finished.next() => update(&|pending| { pending.remove(&event.request_id); }),
                Some(event) = failed.next() => update(&|pending| { pending.remove(&event.request_id); }),
                else => break,
            }
        }
    });
    Ok((InFlight { count, started }, task))
}
