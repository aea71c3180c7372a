//! A step: one action of the agent's list (or a special one) carried out, written down in
//! the session's history, and followed by a fresh observation.

use std::path::Path;
use std::time::Instant;

use super::live::Feeds;
use super::page::{content, observe_page};
use super::reach;
use super::replay::ReplaySettings;
use super::run::{page_of, Failure, Outcome};
use super::types::{Step, StepAction};
use crate::act::{self, ActError, Effect, PageAction};
use crate::browser::{BrowserError, Tab};
use crate::domain::{FileName, PageUrl, StepRecord};
use crate::egress::{Egress, Refusal};
use crate::perception::{self, ActionKind, Prefix};
use crate::scrape::ScrapeOptions;
use crate::session::{SessionGuard, Sessions};

/// What a step needs besides its session: where it is written down and pictured, and
/// what its pages may reach.
pub(super) struct StepContext<'a> {
    pub history: &'a Sessions,
    pub replays: &'a ReplaySettings,
    pub feeds: &'a Feeds,
    pub egress: &'a Egress,
    /// The session's files, for a file input.
    pub files: &'a Path,
}

/// Carries out `request` on the guarded session's page and observes the page after it,
/// while the step's record is written. A step whose navigation the private-network rule
/// refused is written down as such and answered with the refusal.
pub(super) async fn step(
    guard: &mut SessionGuard,
    context: &StepContext<'_>,
    request: Step,
) -> Result<Outcome, Failure> {
    let StepContext {
        history,
        replays,
        feeds,
        egress,
        files,
    } = *context;
    let Step {
        action,
        value,
        enter,
        max_actions,
        diff,
    } = request;
    let session_id = guard.id();
    let space = guard.last_space();
    let tab = page_of(guard)?;
    let started = Instant::now();
    let url_before = tab.url().await.ok().flatten();
    let kind = action_kind(&action);
    let listed = listed_action(space.as_deref(), &action).inspect_err(|_| {
        metrics::counter!("browserd_steps_total", "kind" => kind, "outcome" => "rejected")
            .increment(1);
    })?;
    let entered = match listed.as_ref() {
        Some(action) if action.kind == ActionKind::Upload => match value.as_deref() {
            Some(name) => Some(session_file(files, name)?),
            None => None,
        },
        _ => value.clone(),
    };
    check_destination(egress, &action, value.as_deref()).await?;
    let mut performed = perform(tab, &action, listed.as_ref(), entered.as_deref(), enter).await;
    let tab: &Tab = tab;
    let refusal = refusal_after(egress, tab, &performed, started).await;
    reach::unproxied_failure(egress, tab, started, &mut performed).await;
    // The page after the step is observed while the step is written down: the record must
    // be on disk before the answer, not before the observation.
    let observe = refusal.is_none() && matches!(&performed, Ok(outcome) if outcome.space.is_none());
    let fresh = performed
        .as_mut()
        .ok()
        .and_then(|outcome| outcome.fresh.take());
    let observation = async {
        if observe {
            Some(observe_page(tab, max_actions, fresh, space.as_deref()).await)
        } else {
            None
        }
    };
    let url_after = tab.url().await.ok().flatten();
    let record = async {
        let outcome = match refusal {
            Some(_) => "private_network",
            None => step_outcome(&performed),
        };
        metrics::counter!("browserd_steps_total", "kind" => kind, "outcome" => outcome)
            .increment(1);
        let failure = match &refusal {
            Some(refusal) => Some(refusal.to_string()),
            None => performed.as_ref().err().map(|e| e.to_string()),
        };
        let record = step_record(
            &action,
            listed.as_ref(),
            value.as_ref(),
            (outcome, failure),
            (url_before, url_after),
            started,
        );
        history.record_step(&session_id, &record).await
    };
    // The record is polled first, and hands its write to the blocking pool at once: the
    // observation's perception then runs for a millisecond without yielding.
    let (recorded, observed) = tokio::join!(record, observation);
    let seq = recorded?;
    replays.keep_picture(session_id, seq, tab.screen(), feeds);
    if let Some(refusal) = refusal {
        return Err(refusal.into());
    }
    let mut outcome = performed?;
    outcome.diff = diff;
    if let Some(observed) = observed {
        let (space, page) = observed?;
        outcome.space = Some(space);
        outcome.page = Some(page);
    }
    Ok(outcome)
}

/// The action of the last observation (or an earlier one of the same page) a step's id
/// names; none for a special action or a page action without an id.
fn listed_action(
    space: Option<&perception::ActionSpace>,
    action: &StepAction,
) -> Result<Option<perception::Action>, ActError> {
    match action {
        StepAction::Id(id) | StepAction::Set { id, .. } if id.prefix != Prefix::S => {
            act::find(space, &id.to_string()).map(|listed| Some(listed.clone()))
        }
        _ => Ok(None),
    }
}

/// What the step history keeps of a step: its action, element and value (a sensitive one
/// masked), how it went, the page's URL before and after, how long it took.
fn step_record(
    action: &StepAction,
    listed: Option<&perception::Action>,
    value: Option<&String>,
    (outcome, error): (&str, Option<String>),
    (url_before, url_after): (Option<String>, Option<String>),
    started: Instant,
) -> StepRecord {
    let sensitive = listed.is_some_and(|action| action.sensitive);
    StepRecord {
        seq: 0,
        at: crate::domain::now(),
        action_id: match action {
            StepAction::Id(id) | StepAction::Set { id, .. } => id.to_string(),
            StepAction::Page(page) => page.name().to_string(),
        },
        element: listed.map(|action| action.description.clone()),
        value: match action {
            StepAction::Page(page) => page.value(),
            StepAction::Set { on, .. } => Some(on.to_string()),
            StepAction::Id(_) if sensitive => value.map(|_| "********".to_string()),
            StepAction::Id(_) => value.cloned(),
        },
        url_before,
        url_after,
        outcome: outcome.to_string(),
        error,
        duration_ms: started.elapsed().as_millis() as u64,
    }
}

/// Refuses a step that goes to a URL (`S1`, a new tab) on the private network, before it
/// starts. A value that is not a URL is left to the step, which says so.
async fn check_destination(
    egress: &Egress,
    action: &StepAction,
    value: Option<&str>,
) -> Result<(), Failure> {
    let url = match (action, value) {
        (StepAction::Page(PageAction::NewTab(url)), _) => Some(url.clone()),
        (StepAction::Id(id), Some(value)) if id.prefix == Prefix::S && id.number == 1 => {
            value.parse::<PageUrl>().ok()
        }
        _ => None,
    };
    match url {
        Some(url) => Ok(egress.check(&url).await?),
        None => Ok(()),
    }
}

/// The proxy's refusal behind a step's failed navigation, or behind the browser's error
/// page the step led to (a link, a redirect, a form).
async fn refusal_after(
    egress: &Egress,
    tab: &Tab,
    performed: &Result<Outcome, ActError>,
    since: Instant,
) -> Option<Refusal> {
    let failed = matches!(
        performed,
        Err(ActError::Browser(BrowserError::Navigation(_)))
    );
    reach::refused_navigation(egress, tab, since, failed).await
}

/// Carries out one step: the listed element action, a special action or a page action,
/// and what it leaves to the session (a scrape, a screenshot, the end).
async fn perform(
    tab: &mut Tab,
    action: &StepAction,
    listed: Option<&perception::Action>,
    value: Option<&str>,
    enter: bool,
) -> Result<Outcome, ActError> {
    let mut outcome = Outcome::default();
    if let (StepAction::Set { on, .. }, Some(listed)) = (action, listed) {
        match listed.checked() {
            None => {
                return Err(ActError::BadValue(format!(
                    "{} is not a checkbox, radio or switch: click it instead",
                    listed.id
                )))
            }
            Some(state) if state == *on => {
                outcome.notes.push(format!(
                    "{} was already {}; nothing was clicked.",
                    listed.id,
                    if *on { "on" } else { "off" }
                ));
                return Ok(outcome);
            }
            Some(_) => {}
        }
    }
    if let Some(listed) = listed {
        outcome.fresh = act::element(tab, listed, value, enter).await?;
        return Ok(outcome);
    }
    let effect = match action {
        StepAction::Page(page) => act::browse(tab, page).await?,
        StepAction::Id(id) => act::special(tab, id.number, value).await?,
        StepAction::Set { id, .. } => {
            return Err(ActError::BadValue(format!(
                "{id} is not a checkbox, radio or switch"
            )))
        }
    };
    match effect {
        Effect::Page(fresh) => outcome.fresh = fresh,
        Effect::Unchanged(note) => outcome.notes.push(note),
        Effect::Scrape => {
            outcome.content = Some(content(tab, &ScrapeOptions::default()).await?);
        }
        Effect::Screenshot => outcome.screenshot = true,
        Effect::Terminate => outcome.terminate = true,
    }
    Ok(outcome)
}

/// The path of the session's file `name`, for a file input; refused when the name is not
/// a file name or no such file was uploaded or downloaded.
fn session_file(files: &Path, name: &str) -> Result<String, Failure> {
    let refuse = |message: String| Failure::from(ActError::BadValue(message));
    let name: FileName = name.parse().map_err(|e| refuse(format!("`value`: {e}")))?;
    let path = files.join(name.as_str());
    if !path.is_file() {
        return Err(refuse(format!(
            "no file \"{name}\" in this session: upload it first (POST /session/{{id}}/files), or name one GET /session/{{id}}/files lists"
        )));
    }
    Ok(path.to_string_lossy().into_owned())
}

/// The word the step history keeps for how a step went.
fn step_outcome(performed: &Result<Outcome, ActError>) -> &'static str {
    match performed {
        Ok(_) => "ok",
        Err(ActError::Unusable { .. }) => "conflict",
        Err(ActError::Browser(BrowserError::Navigation(_))) => "navigation_failed",
        Err(ActError::Browser(_)) => "browser_error",
        Err(_) => "rejected",
    }
}

/// The kind of action a step takes, for the step metrics.
fn action_kind(action: &StepAction) -> &'static str {
    let id = match action {
        StepAction::Page(page) => return page.name(),
        StepAction::Id(id) | StepAction::Set { id, .. } => id,
    };
    match (id.prefix, id.number) {
        (Prefix::L, _) => "link",
        (Prefix::B, _) => "button",
        (Prefix::I, _) => "input",
        (Prefix::S, 1) => "goto",
        (Prefix::S, 2) => "scrape",
        (Prefix::S, 3) => "screenshot",
        (Prefix::S, 4) => "back",
        (Prefix::S, 5) => "forward",
        (Prefix::S, 6) => "refresh",
        (Prefix::S, 7) => "wait",
        (Prefix::S, _) => "terminate",
    }
}
