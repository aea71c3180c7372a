//! The operations room: what an agent can do with a session, for every front end.
//!
//! Owns observe, step, scrape, screenshot and close on a session's page: taking the
//! session (or starting one for the call), navigation before the operation, the special
//! actions' effects that reach past the page (a scrape, a screenshot, the end of the
//! session), the failure policy (what ends a session and what leaves it as it was), the
//! step record, and closing the session after a call that does not keep it. It takes and
//! returns domain values — an [`Observation`] of action space, page, screenshot and
//! content — and knows nothing of HTTP, JSON bodies or MCP: `api`, `mcp` and the
//! one-shot commands each turn those values into their own answers.
//!
//! A session's files (`files.rs`) are its folder's: downloads, uploads, retention.
//!
//! The work on one page, without a session (`page.rs`), is shared with the one-shot
//! commands, which hold a throwaway tab instead of a session. A session's CDP endpoint
//! (`cdp.rs`) is an operation too: a client let in, and served until it or the session
//! goes. So are a live view of a session (`live.rs`) and its replay (`replay.rs`).

mod cdp;
mod cookies;
mod error;
mod files;
mod live;
mod page;
mod reach;
mod replay;
mod run;
mod step;
mod types;

use std::path::PathBuf;

use crate::domain::{Owner, SessionId, SessionRecord};
use crate::egress::Egress;
use crate::session::Sessions;

pub use crate::act::PageAction;
pub use crate::browser::{Frame, MouseButton, MouseKind, PageTab, Touch, Viewport};
pub use crate::perception::ActionId;
pub use error::OpsError;
pub use files::{media_type, FileLimits};
pub use live::{Hands, Seen, TouchError, Viewer};
pub use page::{content, observe_page};
pub use reach::{open, Reached};
pub use replay::{Picture, Replay, ReplaySettings, ReplayStep};
pub use types::{
    action_limit, page_url, Mark, Observation, Observe, PageContent, Scrape, SessionChoice, Step,
    StepAction, Target, ACTION_LIMIT_DEFAULT,
};

/// browserd's operations on sessions. Cheap to clone; every clone shares the sessions.
#[derive(Clone)]
pub struct Operations {
    sessions: Sessions,
    /// What pages may reach: checked before a navigation, asked after a failed one.
    egress: Egress,
    /// The data directory, under which each session has its folder (`files.rs`).
    data_dir: PathBuf,
    file_limits: FileLimits,
    replays: ReplaySettings,
    feeds: live::Feeds,
}

impl Operations {
    pub fn new(
        sessions: Sessions,
        egress: Egress,
        data_dir: PathBuf,
        file_limits: FileLimits,
        replays: ReplaySettings,
    ) -> Self {
        Self {
            sessions,
            egress,
            data_dir,
            file_limits,
            replays,
            feeds: live::Feeds::default(),
        }
    }

    /// Where and how much of the replays' pictures are kept.
    pub fn replays(&self) -> &ReplaySettings {
        &self.replays
    }

    /// The session registry the operations run on, for what is only bookkeeping (start,
    /// read, list, history).
    pub fn sessions(&self) -> &Sessions {
        &self.sessions
    }

    /// The page's action space (after navigating to `url` when one is given).
    pub async fn observe(
        &self,
        owner: Owner,
        target: Target,
        request: Observe,
    ) -> Result<Observation, OpsError> {
        let egress = &self.egress;
        run::run(&self.sessions, owner, target, async move |guard| {
            let previous = guard.last_space();
            let tab = run::page_of(guard)?;
            let fresh = match &request.url {
                Some(url) => open(egress, tab, url, true).await?,
                None => None,
            };
            let (space, page) =
                observe_page(tab, request.max_actions, fresh, previous.as_deref()).await?;
            Ok(run::Outcome {
                space: Some(space),
                page: Some(page),
                diff: request.diff,
                ..run::Outcome::default()
            })
        })
        .await
    }

    /// The page's content as markdown (after navigating to `url` when one is given).
    pub async fn scrape(
        &self,
        owner: Owner,
        target: Target,
        request: Scrape,
    ) -> Result<Observation, OpsError> {
        let egress = &self.egress;
        run::run(&self.sessions, owner, target, async move |guard| {
            let tab = run::page_of(guard)?;
            if let Some(url) = &request.url {
                open(egress, tab, url, false).await?;
            }
            Ok(run::Outcome {
                content: Some(content(tab, &request.options).await?),
                ..run::Outcome::default()
            })
        })
        .await
    }

    /// One action by its id, as a person would take it, then a fresh observation.
    pub async fn step(
        &self,
        owner: Owner,
        target: Target,
        request: Step,
    ) -> Result<Observation, OpsError> {
        let history = self.sessions.clone();
        let data_dir = self.data_dir.clone();
        let replays = self.replays.clone();
        let feeds = self.feeds.clone();
        let egress = &self.egress;
        run::run(&self.sessions, owner, target, async move |guard| {
            let files = crate::session::files_folder(&data_dir, &guard.id());
            let context = step::StepContext {
                history: &history,
                replays: &replays,
                feeds: &feeds,
                egress,
                files: &files,
            };
            step::step(guard, &context, request).await
        })
        .await
    }

    /// A screenshot of the page as it is, and nothing else: no read of the page's content,
    /// and the latest observation's ids stay as they were. With `marks`, those ids are
    /// drawn at the boxes where that observation saw their elements.
    pub async fn screenshot(
        &self,
        owner: Owner,
        id: SessionId,
        marks: bool,
    ) -> Result<Observation, OpsError> {
        let target = Target {
            choice: SessionChoice::Existing(id),
            keep_alive: true,
            screenshot: true,
            marks,
            details: false,
        };
        run::run(&self.sessions, owner, target, async |guard| {
            Ok(run::Outcome {
                marked: guard.last_space(),
                ..run::Outcome::default()
            })
        })
        .await
    }

    /// The session's tabs and the viewport's place on its page, and nothing else.
    pub async fn details(&self, owner: Owner, id: SessionId) -> Result<Observation, OpsError> {
        let target = Target {
            choice: SessionChoice::Existing(id),
            keep_alive: true,
            screenshot: false,
            marks: false,
            details: true,
        };
        run::run(&self.sessions, owner, target, async |_| {
            Ok(run::Outcome::default())
        })
        .await
    }

    /// Closes the session; an ended one is returned as it ended.
    pub async fn close(&self, owner: &Owner, id: &SessionId) -> Result<SessionRecord, OpsError> {
        Ok(self.sessions.close(owner, id).await?)
    }
}
