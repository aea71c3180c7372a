//! A live view of a session, as an operation: what a person watching sees (the page as it
//! changes, its tabs, the agent's steps as they happen) and, when they take over, their
//! input to the page.
//!
//! Owns one screencast per page however many watch it (started by the first viewer,
//! stopped when the last goes, so no screencast runs when no one watches) and following
//! the session to whichever page it operates on. A viewer never slows the agent: it holds
//! no lock of the session, and frames it cannot take in time are replaced, not queued. The
//! transport a viewer came on is the front end's.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, Weak};
use std::time::Duration;

use tokio::sync::{broadcast, watch};

use super::{Operations, OpsError};
use crate::browser::{BrowserError, Frame, PageTab, Screen, Screencast, Touch};
use crate::domain::{SessionId, StepRecord};
use crate::session::{Credential, Watch};

/// JPEG quality of the live pictures.
const QUALITY: u8 = 70;
/// The largest live picture, in device pixels.
const MAX_SIZE: (u32, u32) = (1600, 1200);
/// How often the page's tabs are read while nothing else says they changed.
const TABS_EVERY: Duration = Duration::from_secs(1);

/// The running screencasts, by page: each shared by that page's viewers.
#[derive(Clone, Default)]
pub(super) struct Feeds(Arc<Mutex<HashMap<String, Feed>>>);

struct Feed {
    running: Weak<Screencast>,
    /// Turns `true` once the screencast has stopped in the browser.
    stopped: watch::Receiver<bool>,
}

/// The longest a new screencast waits for the last one of its page to stop.
const STOP_WAIT: Duration = Duration::from_secs(5);

impl Feeds {
    async fn of(&self, screen: &Screen) -> Result<Arc<Screencast>, BrowserError> {
        let page = screen.page_id().to_owned();
        let previous = {
            let feeds = self.0.lock().unwrap_or_else(|p| p.into_inner());
            match feeds.get(&page) {
                Some(feed) => match feed.running.upgrade() {
                    Some(running) => return Ok(running),
                    None => Some(feed.stopped.clone()),
                },
                None => None,
            }
        };
        // The page's last screencast stops as its last viewer leaves; a start that
        // overtook that stop would be ended by it.
        if let Some(mut stopped) = previous {
            let _ = tokio::time::timeout(STOP_WAIT, stopped.wait_for(|stopped| *stopped)).await;
        }
        let started = Arc::new(screen.screencast(QUALITY, MAX_SIZE.0, MAX_SIZE.1).await?);
        let mut feeds = self.0.lock().unwrap_or_else(|p| p.into_inner());
        forget_stopped(&mut feeds);
        // Another viewer of the page may have started one meanwhile: keep a single one.
        if let Some(running) = feeds.get(&page).and_then(|feed| feed.running.upgrade()) {
            return Ok(running);
        }
        let stopped = started.stopped();
        feeds.insert(
            page,
            Feed {
                running: Arc::downgrade(&started),
                stopped,
            },
        );
        Ok(started)
    }
}

impl Feeds {
    /// One picture of `screen`'s page at most `max` device pixels: the latest frame of
    /// its running screencast when one runs, else a screencast of one frame. Either way
    /// only one screencast of the page runs at a time: a viewer that comes meanwhile
    /// starts its own once the one-frame screencast has stopped.
    pub(super) async fn picture(
        &self,
        screen: &Screen,
        quality: u8,
        max: (u32, u32),
    ) -> Result<Vec<u8>, BrowserError> {
        let page = screen.page_id().to_owned();
        let (done, stopped) = watch::channel(false);
        let previous = {
            let mut feeds = self.0.lock().unwrap_or_else(|p| p.into_inner());
            let existing = feeds.get(&page);
            match existing.and_then(|feed| feed.running.upgrade()) {
                // A viewer watches: its latest frame is the picture.
                Some(running) => Err(running.frames().borrow().clone()),
                None => {
                    let previous = existing.map(|feed| feed.stopped.clone());
                    let running = Weak::new();
                    feeds.insert(page, Feed { running, stopped });
                    Ok(previous)
                }
            }
        };
        let previous = match previous {
            Ok(previous) => previous,
            Err(Some(frame)) => return Ok(frame.jpeg.clone()),
            // The viewer's screencast has no frame yet.
            Err(None) => return screen.picture(quality).await,
        };
        if let Some(mut previous) = previous {
            let _ = tokio::time::timeout(STOP_WAIT, previous.wait_for(|stopped| *stopped)).await;
        }
        let taken = screen.frame(quality, max.0, max.1).await;
        done.send_replace(true);
        // Its entry (or an older stopped one) goes now: every step of every session
        // takes a picture, and pages that no viewer ever opens would otherwise be kept
        // for the server's life.
        forget_stopped(&mut self.0.lock().unwrap_or_else(|p| p.into_inner()));
        taken
    }
}

/// Drops the entries of pages whose screencast has stopped and has no viewer left.
fn forget_stopped(feeds: &mut HashMap<String, Feed>) {
    feeds.retain(|_, feed| feed.running.strong_count() > 0 || !*feed.stopped.borrow());
}

/// What a viewer is shown next.
pub enum Seen {
    Frame(Arc<Frame>),
    /// The session's tabs, the one it operates on first; sent when they change.
    Tabs(Vec<PageTab>),
    Step(StepRecord),
    /// Steps the viewer fell too far behind to be shown.
    Missed(u64),
    /// The session ended, for this reason.
    Ended(String),
}

#[derive(Debug, thiserror::Error)]
pub enum TouchError {
    #[error("this viewer only watches: open the live view with `control=1` to take over")]
    NotInControl,
    #[error("the session has no page right now")]
    NoPage,
    #[error(transparent)]
    Browser(#[from] BrowserError),
}

/// One person's view of a live session.
pub struct Viewer {
    watch: Watch,
    feeds: Feeds,
    screen: Option<Screen>,
    feed: Option<Arc<Screencast>>,
    frames: Option<watch::Receiver<Option<Arc<Frame>>>>,
    tabs: Option<Vec<PageTab>>,
    tick: tokio::time::Interval,
}

impl Operations {
    /// Lets a person watch live session `id` (and, with `controls`, act on it), or says
    /// why not: a wrong token, another key's session, an ended one.
    pub async fn view(
        &self,
        id: &SessionId,
        credential: &Credential,
        controls: bool,
    ) -> Result<Viewer, OpsError> {
        let watch = self.sessions.watch(id, credential, controls).await?;
        let mut tick = tokio::time::interval(TABS_EVERY);
        tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        Ok(Viewer {
            watch,
            feeds: self.feeds.clone(),
            screen: None,
            feed: None,
            frames: None,
            tabs: None,
            tick,
        })
    }
}

impl Operations {
    /// Session `id`'s record, live or ended, if `credential` opens it.
    pub async fn session_for(
        &self,
        id: &SessionId,
        credential: &Credential,
    ) -> Result<crate::domain::SessionRecord, OpsError> {
        Ok(self.sessions.record_for(id, credential).await?)
    }
}

impl Viewer {
    pub fn controls(&self) -> bool {
        self.watch.control.is_some()
    }

    /// The next thing to show: waits for a frame, a step, a change of tabs or the end.
    pub async fn next(&mut self) -> Seen {
        loop {
            if let Some(reason) = self.watch.ended.borrow().clone() {
                return Seen::Ended(reason);
            }
            if self.watch.screen.has_changed().unwrap_or(false) || self.screen.is_none() {
                self.follow().await;
            }
            let watching = self.frames.is_some();
            let frames = self.frames.as_mut();
            let next_frame = async move {
                let frames = frames.ok_or(())?;
                frames.changed().await.map_err(|_| ())?;
                Ok::<_, ()>(frames.borrow_and_update().clone())
            };
            tokio::select! {
                frame = next_frame, if watching => match frame {
                    Ok(Some(frame)) => return Seen::Frame(frame),
                    Ok(None) => {}
                    // The screencast stopped (its page went): follow the session again.
                    Err(()) => { self.screen = None; self.frames = None; }
                },
                step = self.watch.steps.recv() => match step {
                    Ok(step) => return Seen::Step(step),
                    Err(broadcast::error::RecvError::Lagged(missed)) => return Seen::Missed(missed),
                    Err(broadcast::error::RecvError::Closed) => {}
                },
                _ = self.watch.screen.changed() => {}
                _ = self.watch.ended.changed() => {}
                _ = self.tick.tick() => {
                    if let Some(tabs) = self.changed_tabs().await {
                        return Seen::Tabs(tabs);
                    }
                }
            }
        }
    }

    /// Moves the view to the page the session operates on now. Until it has, the view
    /// has no page: if this is cancelled midway, the next call starts over.
    async fn follow(&mut self) {
        let screen = self.watch.screen.borrow_and_update().clone();
        self.screen = None;
        self.feed = None;
        self.frames = None;
        let Some(screen) = screen else { return };
        match self.feeds.of(&screen).await {
            Ok(feed) => {
                let mut frames = feed.frames();
                frames.mark_changed();
                self.frames = Some(frames);
                self.feed = Some(feed);
            }
            Err(error) => tracing::debug!(%error, "no screencast of the session's page"),
        }
        self.screen = Some(screen);
        self.tick.reset_immediately();
    }

    async fn changed_tabs(&mut self) -> Option<Vec<PageTab>> {
        let tabs = self.screen.as_ref()?.tabs().await.ok()?;
        if self.tabs.as_ref() == Some(&tabs) {
            return None;
        }
        self.tabs = Some(tabs.clone());
        Some(tabs)
    }

    /// What sends a person's input to the session's page: only for a viewer in control.
    /// It works beside [`next`](Self::next), so that input waiting for the page never
    /// holds up the frames.
    pub fn hands(&self) -> Result<Hands, TouchError> {
        if !self.controls() {
            return Err(TouchError::NotInControl);
        }
        Ok(Hands {
            screen: self.watch.screen.clone(),
        })
    }
}

/// A person's input to the page a session operates on now.
pub struct Hands {
    screen: watch::Receiver<Option<Screen>>,
}

impl Hands {
    pub async fn touch(&self, touch: &Touch) -> Result<(), TouchError> {
        let screen = self.screen.borrow().clone().ok_or(TouchError::NoPage)?;
        Ok(screen.touch(touch).await?)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn feed(stopped: bool) -> (Feed, watch::Sender<bool>) {
        let (sender, receiver) = watch::channel(stopped);
        let feed = Feed {
            running: Weak::new(),
            stopped: receiver,
        };
        (feed, sender)
    }

    #[test]
    fn a_picture_taken_and_done_leaves_no_entry_and_one_under_way_stays() {
        let mut feeds = HashMap::new();
        let (done, _done) = feed(true);
        let (taking, taking_sender) = feed(false);
        feeds.insert("done".to_string(), done);
        feeds.insert("taking".to_string(), taking);
        forget_stopped(&mut feeds);
        assert_eq!(feeds.keys().collect::<Vec<_>>(), ["taking"]);
        taking_sender.send_replace(true);
        forget_stopped(&mut feeds);
        assert!(feeds.is_empty());
    }
}
