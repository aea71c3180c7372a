//! One operation on a session, from taking the session to answering: the failure policy.
//!
//! Every operation follows [`run`]: take the caller's session (or start one for the call),
//! run the operation with the page to itself, then close the session unless `keep_alive`.
//! A refused action and a page that cannot be loaded leave the session as it was; any
//! other browser failure ends the session as `error`.

use std::sync::Arc;

use super::error::OpsError;
use super::page::{self, dialog_note};
use super::reach::Reached;
use super::types::{download_note, Observation, PageContent, SessionChoice, Target};
use crate::act::{ActError, FreshRead};
use crate::browser::{BrowserError, Tab};
use crate::domain::{Ending, Owner, PageInfo};
use crate::egress::Refusal;
use crate::perception::{self, ActionSpace};
use crate::session::{self, Access, SessionError, SessionGuard, Sessions};

/// What the agent reads while a download goes on past the operation.
const DOWNLOAD_UNDER_WAY: &str =
    "A download is still under way; it will be in the session's files when it is done.";

/// What an operation produced, before the session part is added.
#[derive(Default)]
pub(super) struct Outcome {
    pub content: Option<PageContent>,
    pub space: Option<Arc<ActionSpace>>,
    /// A screenshot even if the call did not ask for one (`S3`).
    pub screenshot: bool,
    /// End the session after answering (`S8`).
    pub terminate: bool,
    /// Facts for the agent beyond the page's own description.
    pub notes: Vec<String>,
    /// The page as an action read it when it settled, for the observation that follows.
    pub fresh: Option<FreshRead>,
    /// The page's URL and title as the observation read them.
    pub page: Option<PageInfo>,
    /// The action space whose ids a marked screenshot draws, when it is not `space` (an
    /// earlier observation's, for a screenshot alone).
    pub marked: Option<Arc<ActionSpace>>,
    /// Answer with what changed in `space` since the session's previous observation.
    pub diff: bool,
}

/// Why an operation failed.
pub(super) enum Failure {
    /// Refused before anything happened to the session.
    Refused(OpsError),
    /// The browser failed: the session ends as `error`.
    Browser(BrowserError),
}

impl From<BrowserError> for Failure {
    fn from(error: BrowserError) -> Self {
        match error {
            BrowserError::Navigation(reason) => Failure::Refused(OpsError::PageLoad(reason)),
            other => Failure::Browser(other),
        }
    }
}

impl From<Reached> for Failure {
    fn from(error: Reached) -> Self {
        match error {
            Reached::Refused(refusal) => refusal.into(),
            Reached::Act(act) => act.into(),
        }
    }
}

impl From<Refusal> for Failure {
    fn from(refusal: Refusal) -> Self {
        Failure::Refused(OpsError::PrivateNetwork(refusal))
    }
}

impl From<ActError> for Failure {
    fn from(error: ActError) -> Self {
        match error {
            ActError::Browser(browser) => browser.into(),
            other => Failure::Refused(OpsError::Refused(other)),
        }
    }
}

impl From<SessionError> for Failure {
    fn from(error: SessionError) -> Self {
        Failure::Refused(error.into())
    }
}

/// The session's page, which a guard holds unless the session ended meanwhile.
pub(super) fn page_of(guard: &mut SessionGuard) -> Result<&mut Tab, Failure> {
    let record = guard.record();
    guard
        .tab_mut()
        .ok_or_else(|| SessionError::Ended(Box::new(record)).into())
}

/// Takes the session named in the call, or starts one for it.
async fn take_session(
    sessions: &Sessions,
    owner: &Owner,
    target: &Target,
) -> Result<(SessionGuard, Access), SessionError> {
    let id = match &target.choice {
        SessionChoice::Existing(id) => id.clone(),
        SessionChoice::New(options) => {
            sessions
                .start(owner.clone(), options.clone())
                .await?
                .record
                .id
        }
    };
    session::note_session(&id);
    sessions.acquire(owner, &id).await
}

/// Runs `operation` on the target's session and answers with what it produced, ending or
/// keeping the session as the call and the failure policy say.
pub(super) async fn run(
    sessions: &Sessions,
    owner: Owner,
    target: Target,
    operation: impl AsyncFnOnce(&mut SessionGuard) -> Result<Outcome, Failure>,
) -> Result<Observation, OpsError> {
    let (mut guard, access) = take_session(sessions, &owner, &target).await?;
    let operated = async {
        // A CDP client of the session may have closed its page since the last operation.
        page_of(&mut guard)?.replace_closed_page().await?;
        let mark = page_of(&mut guard)?.download_mark();
        let mut outcome = operation(&mut guard).await?;
        let tab = page_of(&mut guard)?;
        let info = match outcome.page.take() {
            Some(page) => page,
            None => tab.info().await?,
        };
        let (screenshot, marks) = if target.screenshot || target.marks || outcome.screenshot {
            let listed = outcome.space.as_ref().or(outcome.marked.as_ref());
            let marks = match (listed, target.marks) {
                (Some(space), true) => Some(page::draw_marks(tab, space).await?),
                (None, true) => Some(Vec::new()),
                (_, false) => None,
            };
            let shot = tab.screenshot().await;
            if marks.is_some() {
                page::clear_marks(tab).await?;
            }
            (Some(shot?), marks)
        } else {
            (None, None)
        };
        outcome
            .notes
            .extend(tab.take_dialogs().iter().map(dialog_note));
        let (downloads, under_way) = tab.take_downloads(mark).await;
        outcome.notes.extend(downloads.iter().map(download_note));
        if under_way {
            outcome.notes.push(DOWNLOAD_UNDER_WAY.into());
        }
        let details = if target.details {
            Some((tab.tabs().await?, tab.viewport().await?))
        } else {
            None
        };
        Ok::<_, Failure>((outcome, info, screenshot, marks, downloads, details))
    };
    // The session's use is written down while the operation runs: on disk before an
    // answer that reports the session, while a failure is reported as it is.
    let (result, persisted) = tokio::join!(operated, access.persist());
    guard.publish_screen();
    match result {
        Ok((outcome, page, screenshot, marks, downloads, details)) => {
            persisted?;
            let mut changes = None;
            if let Some(space) = &outcome.space {
                if outcome.diff {
                    changes = guard
                        .last_space()
                        .and_then(|previous| perception::diff(&previous, space))
                        .map(|diff| diff.markdown());
                }
                guard.set_last_space(Arc::clone(space));
            }
            let session = if target.keep_alive && !outcome.terminate {
                guard.record()
            } else {
                sessions.end_guarded(guard, Ending::closed()).await?
            };
            Ok(Observation {
                session,
                page,
                screenshot,
                content: outcome.content,
                space: outcome.space,
                changes,
                notes: outcome.notes,
                marks,
                downloads,
                details,
            })
        }
        Err(Failure::Refused(error)) => {
            if !target.keep_alive {
                sessions.end_guarded(guard, Ending::closed()).await?;
            }
            Err(error)
        }
        Err(Failure::Browser(error)) => {
            let message = error.to_string();
            sessions
                .end_guarded(guard, Ending::error(message.clone()))
                .await?;
            Err(OpsError::Broke(message))
        }
    }
}
