//! The most pages one context (one session) may have open at once: a page opened past
//! the cap — a hundred pop-ups, a CDP client's hundredth `newPage` — is closed as soon as
//! the browser announces it, so that one page cannot fill the browser with its own.
//!
//! Owns the count of each context's pages, kept from the browser's target events, and the
//! pages it closed lately, which a tab following a popup asks about: the tab hears of its
//! popup on a stream of its own, often before the cap has decided. A tab that swaps its
//! page for a fresh one (a hung navigation, a page a CDP client closed) is given room for
//! one more first: the old page goes only once the new one is there, and a session at its
//! cap would otherwise lose its page to its own cap. That room is for a page nobody opened
//! (the old page, still running, may be opening pop-ups meanwhile).

use std::collections::{HashMap, HashSet, VecDeque};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use chromiumoxide::cdp::browser_protocol::target::{
    CloseTargetParams, EventTargetCreated, EventTargetDestroyed, TargetId,
};
use futures_util::StreamExt;

use super::running::Running;

/// The pages of every context, and those closed for being past the cap.
pub(super) struct TabCap {
    /// Most pages of one context.
    max: usize,
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
    /// Contexts whose next page is admitted past the cap, until when: a page the tab
    /// itself is making to replace one.
    room: HashMap<String, Instant>,
    /// Pages the browser said were gone before the cap heard they were made (the two
    /// come on streams of their own): not to be counted when they are.
    gone_unseen: VecDeque<TargetId>,
}

/// How many pages gone before they were seen are remembered.
const GONE_UNSEEN_KEPT: usize = 256;

/// How many of the pages closed for being past the cap are remembered.
const CLOSED_KEPT: usize = 1024;

/// What the cap made of a page.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Decision {
    Admitted,
    Closed,
}

impl TabCap {
    pub(super) fn new(max: usize) -> Self {
        Self {
            max: max.max(1),
            state: Mutex::default(),
        }
    }

    pub(super) fn max(&self) -> usize {
        self.max
    }

    /// Whether `context` may open another page.
    pub(super) fn has_room(&self, context: &str) -> bool {
        self.lock().pages.get(context).map_or(0, HashSet::len) < self.max
    }

    /// Lets the next page of `context` in past the cap, within `for_`: the tab makes it to
    /// replace its page, which it closes next.
    pub(super) fn make_room(&self, context: &str, for_: Duration) {
        let mut state = self.lock();
        let now = Instant::now();
        state.room.retain(|_, until| *until > now);
        state.room.insert(context.to_owned(), now + for_);
    }

    /// Takes back room made for `context` that no page used (the page came in within the
    /// cap, or was never made).
    pub(super) fn unmake_room(&self, context: &str) {
        self.lock().room.remove(context);
    }

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
    /// `popup`: another page opened it, so room made for a replacement is not for it.
    fn admit(&self, context: &str, target: &TargetId, popup: bool) -> bool {
        let mut state = self.lock();
        if let Some(at) = state.gone_unseen.iter().position(|gone| gone == target) {
            state.gone_unseen.remove(at);
            return true;
        }
        let full = state.pages.get(context).map_or(0, HashSet::len) >= self.max;
        let room = full
            && !popup
            && state
                .room
                .remove(context)
                .is_some_and(|until| until > Instant::now());
        if full && !room {
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
        state
            .pages
            .entry(context.to_owned())
            .or_default()
            .insert(target.clone());
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
                    state.room.remove(&context);
                }
            }
        } else if !state.closed.contains(target) {
            state.gone_unseen.push_back(target.clone());
            if state.gone_unseen.len() > GONE_UNSEEN_KEPT {
                state.gone_unseen.pop_front();
            }
        }
    }

    /// Follows the browser's targets until its connection ends, closing every page opened
    /// in a context that already has its most.
    pub(super) async fn enforce(running: Arc<Running>) {
        let max = running.tab_cap.max;
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
                        || running.tab_cap.admit(
                            context.inner(),
                            &info.target_id,
                            info.opener_id.is_some(),
                        )
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
        let cap = TabCap::new(2);
        assert_eq!(cap.decision(&page(0)), None);
        assert!(cap.admit("context", &page(0), false));
        assert!(cap.admit("context", &page(1), false));
        assert!(!cap.admit("context", &page(2), false));
        assert_eq!(cap.decision(&page(1)), Some(Decision::Admitted));
        assert_eq!(cap.decision(&page(2)), Some(Decision::Closed));
        cap.gone(&page(2));
        assert_eq!(cap.decision(&page(2)), Some(Decision::Closed));
        cap.gone(&page(1));
        assert_eq!(cap.decision(&page(1)), None);
        assert!(
            cap.admit("context", &page(3), false),
            "a gone page frees its place"
        );
    }

    #[test]
    fn the_pages_closed_are_remembered_within_a_bound() {
        let cap = TabCap::new(1);
        assert!(cap.admit("context", &page(0), false));
        for n in 1..=3 * CLOSED_KEPT {
            assert!(!cap.admit("context", &page(n), false));
        }
        let state = cap.lock();
        assert_eq!(state.closed.len(), CLOSED_KEPT);
        assert_eq!(state.closed_order.len(), CLOSED_KEPT);
        drop(state);
        assert_eq!(cap.decision(&page(3 * CLOSED_KEPT)), Some(Decision::Closed));
        assert_eq!(cap.decision(&page(1)), None);
    }

    #[test]
    fn room_made_for_a_replacement_lets_one_page_past_the_cap_once() {
        let cap = TabCap::new(2);
        assert!(cap.admit("context", &page(0), false));
        assert!(cap.admit("context", &page(1), false));
        assert!(!cap.has_room("context"));
        cap.make_room("context", Duration::from_secs(60));
        assert!(
            !cap.admit("context", &page(8), true),
            "a pop-up does not take the room"
        );
        assert!(
            cap.admit("context", &page(2), false),
            "the replacement comes in"
        );
        assert!(!cap.admit("context", &page(3), false), "and only it");
        cap.make_room("other", Duration::from_secs(60));
        cap.unmake_room("other");
        assert!(cap.admit("other", &page(4), false));
        assert!(cap.admit("other", &page(5), false));
        assert!(
            !cap.admit("other", &page(6), false),
            "room taken back is not used"
        );
        cap.make_room("context", Duration::ZERO);
        assert!(
            !cap.admit("context", &page(7), false),
            "room that expired is not used"
        );
    }

    #[test]
    fn a_page_gone_before_it_was_seen_is_not_counted() {
        let cap = TabCap::new(1);
        cap.gone(&page(0));
        assert!(cap.admit("context", &page(0), false));
        assert!(cap.has_room("context"));
        assert!(cap.admit("context", &page(1), false));
        assert!(!cap.has_room("context"));
    }
}
