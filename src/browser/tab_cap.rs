//! The most pages one context (one session) may have open at once: a page opened past
//! the cap — a hundred pop-ups, a CDP client's hundredth `newPage` — is closed as soon as
//! the browser announces it, so that one page cannot fill the browser with its own.
//!
//! Owns the count of each context's pages, kept from the browser's target events, and the
//! set of pages it closed, which a tab following a popup asks about.

use std::collections::{HashMap, HashSet};
use std::sync::{Arc, Mutex};

use chromiumoxide::cdp::browser_protocol::target::{
    CloseTargetParams, EventTargetCreated, EventTargetDestroyed, TargetId,
};
use futures_util::StreamExt;

use super::running::Running;

/// The pages of every context, and those closed for being past the cap.
#[derive(Default)]
pub(super) struct TabCap {
    state: Mutex<CapState>,
}

#[derive(Default)]
struct CapState {
    /// Each context's open pages.
    pages: HashMap<String, HashSet<TargetId>>,
    /// The context of each open page.
    context_of: HashMap<TargetId, String>,
    /// Pages closed for being past the cap (until the browser says they are gone).
    closed: HashSet<TargetId>,
}

impl TabCap {
    fn lock(&self) -> std::sync::MutexGuard<'_, CapState> {
        self.state.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Whether `target` was closed for being past its context's cap.
    pub(super) fn closed(&self, target: &TargetId) -> bool {
        self.lock().closed.contains(target)
    }

    /// Counts a new page of `context`; `false` (and not counted) when it is past the cap.
    fn admit(&self, context: &str, target: &TargetId, max: usize) -> bool {
        let mut state = self.lock();
        let pages = state.pages.entry(context.to_owned()).or_default();
        if pages.len() >= max {
            state.closed.insert(target.clone());
            return false;
        }
        pages.insert(target.clone());
        state.context_of.insert(target.clone(), context.to_owned());
        true
    }

    fn gone(&self, target: &TargetId) {
        let mut state = self.lock();
        state.closed.remove(target);
        if let Some(context) = state.context_of.remove(target) {
            if let Some(pages) = state.pages.get_mut(&context) {
                pages.remove(target);
                if pages.is_empty() {
                    state.pages.remove(&context);
                }
            }
        }
    }

    /// Follows the browser's targets until its connection ends, closing every page opened
    /// in a context that already has `max`.
    pub(super) async fn enforce(running: Arc<Running>, max: usize) {
        let browser = &running.browser;
        let (created, destroyed) = match tokio::try_join!(
            browser.event_listener::<EventTargetCreated>(),
            browser.event_listener::<EventTargetDestroyed>()
        ) {
            Ok(listeners) => listeners,
            Err(error) => {
                tracing::warn!(%error, "cannot count the browser's pages");
                return;
            }
        };
        enum Event {
            Created(Arc<EventTargetCreated>),
            Destroyed(Arc<EventTargetDestroyed>),
        }
        let mut events = futures_util::stream::select(
            created.map(Event::Created),
            destroyed.map(Event::Destroyed),
        );
        while let Some(event) = events.next().await {
            match event {
                Event::Created(event) => {
                    let info = &event.target_info;
                    let Some(context) = info.browser_context_id.as_ref() else {
                        continue;
                    };
                    if info.r#type != "page"
                        || running.tab_cap.admit(context.inner(), &info.target_id, max)
                    {
                        continue;
                    }
                    tracing::info!(max, "a page past its session's cap of tabs was closed");
                    let close = CloseTargetParams::new(info.target_id.clone());
                    if let Err(error) = browser.execute(close).await {
                        tracing::debug!(%error, "cannot close a page past the cap");
                    }
                }
                Event::Destroyed(event) => running.tab_cap.gone(&event.target_id),
            }
        }
    }
}
