//! The most pages one context (one session) may have open at once: a page opened past
//! the cap — a hundred pop-ups, a CDP client's hundredth `newPage` — is closed as soon as
//! the browser announces it, so that one page cannot fill the browser with its own.
//!
//! Owns the count of each context's pages, kept from the browser's target events, and the
//! pages it closed lately, which a tab following a popup asks about: the tab hears of its
//! popup on a stream of its own, often before the cap has decided.

use std::collections::{HashMap, HashSet, VecDeque};
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
    /// The latest pages closed for being past the cap, at most [`CLOSED_KEPT`], oldest
    /// first.
    closed: HashSet<TargetId>,
    closed_order: VecDeque<TargetId>,
}

/// How many of the pages closed for being past the cap are remembered.
const CLOSED_KEPT: usize = 1024;

/// What the cap made of a page.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Decision {
    Admitted,
    Closed,
}

impl TabCap {
    fn lock(&self) -> std::sync::MutexGuard<'_, CapState> {
        self.state.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// What the cap made of `target`; `None` before it heard of it (or once an admitted
    /// page is gone).
    pub(super) fn decision(&self, target: &TargetId) -> Option<Decision> {
        let state = self.lock();
        if state.closed.contains(target) {
            Some(Decision::Closed)
        } else if state.context_of.contains_key(target) {
            Some(Decision::Admitted)
        } else {
            None
        }
    }

    /// Counts a new page of `context`; `false` (and not counted) when it is past the cap.
    fn admit(&self, context: &str, target: &TargetId, max: usize) -> bool {
        let mut state = self.lock();
        let pages = state.pages.entry(context.to_owned()).or_default();
        if pages.len() >= max {
            if state.closed.insert(target.clone()) {
                state.closed_order.push_back(target.clone());
            }
            if state.closed_order.len() > CLOSED_KEPT {
                if let Some(oldest) = state.closed_order.pop_front() {
                    state.closed.remove(&oldest);
                }
            }
            return false;
        }
        pages.insert(target.clone());
        state.context_of.insert(target.clone(), context.to_owned());
        true
    }

    fn gone(&self, target: &TargetId) {
        let mut state = self.lock();
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

#[cfg(test)]
mod tests {
    use super::*;

    fn page(n: usize) -> TargetId {
        TargetId::new(format!("page-{n}"))
    }

    #[test]
    fn a_page_past_the_cap_is_closed_and_remembered_as_such_after_it_is_gone() {
        let cap = TabCap::default();
        assert_eq!(cap.decision(&page(0)), None);
        assert!(cap.admit("context", &page(0), 2));
        assert!(cap.admit("context", &page(1), 2));
        assert!(!cap.admit("context", &page(2), 2));
        assert_eq!(cap.decision(&page(1)), Some(Decision::Admitted));
        assert_eq!(cap.decision(&page(2)), Some(Decision::Closed));
        cap.gone(&page(2));
        assert_eq!(cap.decision(&page(2)), Some(Decision::Closed));
        cap.gone(&page(1));
        assert_eq!(cap.decision(&page(1)), None);
        assert!(
            cap.admit("context", &page(3), 2),
            "a gone page frees its place"
        );
    }

    #[test]
    fn the_pages_closed_are_remembered_within_a_bound() {
        let cap = TabCap::default();
        assert!(cap.admit("context", &page(0), 1));
        for n in 1..=3 * CLOSED_KEPT {
            assert!(!cap.admit("context", &page(n), 1));
        }
        let state = cap.lock();
        assert_eq!(state.closed.len(), CLOSED_KEPT);
        assert_eq!(state.closed_order.len(), CLOSED_KEPT);
        drop(state);
        assert_eq!(cap.decision(&page(3 * CLOSED_KEPT)), Some(Decision::Closed));
        assert_eq!(cap.decision(&page(1)), None);
    }
}
