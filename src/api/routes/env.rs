//! `/env/observe`, `/env/step` and `/env/scrape`: one operation on a session's page,
//! answered with an observation.
//!
//! Every call follows one path ([`run`]): take the caller's session (or start one for
//! the call), run the operation with the page to itself, then close the session unless
//! `keep_alive`. A refused action (`400`, `409`) and a page that cannot be loaded (`502`)
//! leave the session as it was; any other browser failure ends the session as `error`
//! and is `500`.

use std::sync::Arc;
use std::time::Instant;

use axum::extract::State;
use axum::Json;
use chrono::Utc;

use crate::act::{self, ActError, FreshRead};
use crate::api::error::ApiError;
use crate::api::extract::{Caller, JsonBody};
use crate::api::telemetry;
use crate::api::wire::{
    self, ActionResponse, ActionStatus, DataResponse, EnvSession, ErrorBody, ImageResponse,
    Metadata, ObserveRequest, ObserveResponse, ParamResponse, ScrapeRequest, SessionChoice,
    SessionResponse, SpaceResponse, StepRequest,
};
use crate::browser::{BrowserError, Dialog, PageInfo, Tab};
use crate::page_url::PageUrl;
use crate::perception::{self, ActionId, ActionSpace, Param, Prefix};
use crate::scrape::{self, ScrapeOptions};
use crate::session::{Access, Ending, Owner, SessionError, SessionGuard, Sessions};
use crate::store::StepRecord;

/// What an operation produced, before the session part is added.
#[derive(Default)]
struct Outcome {
    data: Option<DataResponse>,
    space: Option<Arc<ActionSpace>>,
    /// A screenshot even if the call did not ask for one (`S3`).
    screenshot: bool,
    /// End the session after answering (`S8`).
    terminate: bool,
    /// Facts for the agent beyond the page's own description.
    notes: Vec<String>,
    /// The page as an action read it when it settled, for the observation that follows.
    fresh: Option<FreshRead>,
    /// The page's URL and title as the observation read them.
    page: Option<PageInfo>,
}

/// Why an operation failed.
enum Failure {
    /// Refused before anything happened to the session (`400`, `409`, `502`).
    Refused(ApiError),
    /// The browser failed: the session ends as `error`.
    Browser(BrowserError),
}

impl From<BrowserError> for Failure {
    fn from(error: BrowserError) -> Self {
        match error {
            BrowserError::Navigation(reason) => Failure::Refused(ApiError::BadGateway(format!(
                "the page could not be loaded: {reason}"
            ))),
            other => Failure::Browser(other),
        }
    }
}

impl From<ActError> for Failure {
    fn from(error: ActError) -> Self {
        match error {
            ActError::Browser(browser) => browser.into(),
            other => Failure::Refused(other.into()),
        }
    }
}

impl From<SessionError> for Failure {
    fn from(error: SessionError) -> Self {
        Failure::Refused(error.into())
    }
}

/// The failures every `/env/*` call can answer with, for the OpenAPI document (the
/// answers themselves are [`ApiError`]s).
#[derive(utoipa::IntoResponses)]
#[allow(dead_code)]
enum EnvFailures {
    /// No or unknown API key.
    #[response(status = 401)]
    Unauthorized(ErrorBody),
    /// No such session for this key.
    #[response(status = 404)]
    NotFound(ErrorBody),
    /// The session has ended; the body carries its `status`.
    #[response(status = 410)]
    Gone(ErrorBody),
    /// Request body over 1 MiB.
    #[response(status = 413)]
    PayloadTooLarge(ErrorBody),
    /// At the session limit (when the call starts a session).
    #[response(status = 429, headers(("Retry-After" = u32, description = "Seconds to wait.")))]
    TooManySessions(ErrorBody),
    /// The browser failed; the session has ended with status `error`.
    #[response(status = 500)]
    Internal(ErrorBody),
    /// The page at `url` could not be loaded; the body carries the browser's reason and
    /// the session stays usable.
    #[response(status = 502)]
    BadGateway(ErrorBody),
    /// A crashed browser is being relaunched.
    #[response(status = 503, headers(("Retry-After" = u32, description = "Seconds to wait.")))]
    Unavailable(ErrorBody),
}

/// Observe the page: its title, URL and the numbered actions an agent can take.
///
/// Navigates to `url` first when one is given and waits until the page is ready. The
/// observation's ids are what `/env/step` acts on.
#[utoipa::path(
    post,
    path = "/env/observe",
    operation_id = "env_observe",
    tag = "env",
    request_body(content = Option<ObserveRequest>, description = "Session fields and what to observe. Read as JSON whatever the `Content-Type`; an empty body or `null` counts as `{}`."),
    responses(
        (status = 200, description = "The observation, with `space` filled.", body = ObserveResponse),
        (status = 400, description = "Invalid input: bad JSON, wrong type, out-of-range value, a URL that is not `http:`, `https:` or `about:blank`.", body = ErrorBody),
        EnvFailures,
    ),
    security(("api_key" = []))
)]
pub async fn observe(
    State(sessions): State<Sessions>,
    Caller(owner): Caller,
    JsonBody(request): JsonBody<ObserveRequest>,
) -> Result<Json<ObserveResponse>, ApiError> {
    let env = EnvSession::parse(&request.session)?;
    let url = wire::page_url(request.url.as_deref())?;
    let max_actions = wire::action_limit(request.min_nb_actions, request.max_nb_actions)?;
    run(
        &sessions,
        owner,
        env,
        async move |guard: &mut SessionGuard| {
            let (tab, fresh) = page_at(guard, url.as_ref(), true).await?;
            let (space, page) = observe_space(tab, max_actions, fresh).await?;
            Ok(Outcome {
                space: Some(space),
                page: Some(page),
                ..Outcome::default()
            })
        },
    )
    .await
}

/// Scrape the page into markdown: its main content (or the whole visible page), with
/// absolute links, tables and code blocks.
#[utoipa::path(
    post,
    path = "/env/scrape",
    operation_id = "env_scrape",
    tag = "env",
    request_body(content = Option<ScrapeRequest>, description = "Session fields and what to scrape. Read as JSON whatever the `Content-Type`; an empty body or `null` counts as `{}`."),
    responses(
        (status = 200, description = "The observation, with `data.markdown` (and `data.images` when asked).", body = ObserveResponse),
        (status = 400, description = "Invalid input: bad JSON, wrong type, out-of-range value, a URL that is not `http:`, `https:` or `about:blank`.", body = ErrorBody),
        EnvFailures,
    ),
    security(("api_key" = []))
)]
pub async fn scrape(
    State(sessions): State<Sessions>,
    Caller(owner): Caller,
    JsonBody(request): JsonBody<ScrapeRequest>,
) -> Result<Json<ObserveResponse>, ApiError> {
    let env = EnvSession::parse(&request.session)?;
    let url = wire::page_url(request.url.as_deref())?;
    wire::action_limit(request.min_nb_actions, request.max_nb_actions)?;
    let options = ScrapeOptions {
        only_main_content: request.only_main_content.unwrap_or(true),
        scrape_images: request.scrape_images.unwrap_or(false),
    };
    run(
        &sessions,
        owner,
        env,
        async move |guard: &mut SessionGuard| {
            let (tab, _) = page_at(guard, url.as_ref(), false).await?;
            Ok(Outcome {
                data: Some(scrape_page(tab, &options).await?),
                ..Outcome::default()
            })
        },
    )
    .await
}

/// The page's content as `data`.
async fn scrape_page(tab: &Tab, options: &ScrapeOptions) -> Result<DataResponse, BrowserError> {
    let html = tab.evaluate(scrape::RENDERED_HTML_JS).await?;
    let info = tab.info().await?;
    let scraped = scrape::scrape(html.as_str().unwrap_or_default(), &info.url, options);
    let images = options.scrape_images.then(|| {
        scraped
            .images
            .into_iter()
            .map(|image| ImageResponse {
                id: image.id,
                url: image.url,
                category: image.category.into(),
            })
            .collect()
    });
    Ok(DataResponse {
        markdown: Some(scraped.markdown),
        images,
        structured: None,
    })
}

/// Take one action by its id, as a person would, and observe the page that follows.
///
/// Links and buttons get a real mouse click at the element's visible centre; text boxes
/// get the text typed; a `<select>` takes an option's label or value. `S1`…`S8` are the
/// special actions (goto, scrape, screenshot, back, forward, refresh, wait, terminate).
#[utoipa::path(
    post,
    path = "/env/step",
    operation_id = "env_step",
    tag = "env",
    request_body(content = StepRequest, description = "Session fields and the action. Read as JSON whatever the `Content-Type`."),
    responses(
        (status = 200, description = "A fresh observation, with `space` (and `data` after `S2`).", body = ObserveResponse),
        (status = 400, description = "Invalid input: bad JSON, wrong type, out-of-range value, no `action_id`, an id the last observation did not list (the body names the valid ones), a missing `value` for an input, an option that is not allowed.", body = ErrorBody),
        (status = 409, description = "The action id was listed, but its element is gone, hidden, disabled or covered now; observe again for fresh ids.", body = ErrorBody),
        EnvFailures,
    ),
    security(("api_key" = []))
)]
pub async fn step(
    State(sessions): State<Sessions>,
    Caller(owner): Caller,
    JsonBody(request): JsonBody<StepRequest>,
) -> Result<Json<ObserveResponse>, ApiError> {
    let env = EnvSession::parse(&request.session)?;
    let action_id = request.action_id()?;
    let max_actions = wire::action_limit(request.min_nb_actions, request.max_nb_actions)?;
    let (value, enter) = (request.value, request.enter.unwrap_or(false));
    let history = sessions.clone();
    run(
        &sessions,
        owner,
        env,
        async move |guard: &mut SessionGuard| {
            let session_id = guard.id();
            let space = guard.last_space();
            let tab = page_of(guard)?;
            let started = Instant::now();
            let url_before = tab.url().await.ok().flatten();
            let listed = match action_id.prefix {
                Prefix::S => None,
                _ => match act::find(space.as_deref(), &action_id.to_string()) {
                    Ok(action) => Some(action.clone()),
                    Err(error) => {
                        metrics::counter!("browserd_steps_total", "kind" => action_kind(&action_id), "outcome" => "rejected").increment(1);
                        return Err(error.into());
                    }
                },
            };
            let mut performed =
                perform(tab, &action_id, listed.as_ref(), value.as_deref(), enter).await;
            let tab: &Tab = tab;
            // The page after the step is observed while the step is written down: the
            // record must be on disk before the answer, not before the observation.
            let observe = matches!(&performed, Ok(outcome) if outcome.space.is_none());
            let fresh = performed.as_mut().ok().and_then(|outcome| outcome.fresh.take());
            let observation = async {
                if observe {
                    Some(observe_space(tab, max_actions, fresh).await)
                } else {
                    None
                }
            };
            let url_after = tab.url().await.ok().flatten();
            let record = async {
                let sensitive = listed.as_ref().is_some_and(|action| action.sensitive);
                let outcome = step_outcome(&performed);
                metrics::counter!("browserd_steps_total", "kind" => action_kind(&action_id), "outcome" => outcome).increment(1);
                let record = StepRecord {
                    seq: 0,
                    at: crate::session::now(),
                    action_id: action_id.to_string(),
                    element: listed.as_ref().map(|action| action.description.clone()),
                    value: value.as_ref().map(|v| {
                        if sensitive {
                            "********".to_string()
                        } else {
                            v.clone()
                        }
                    }),
                    url_before,
                    url_after,
                    outcome: outcome.to_string(),
                    error: performed.as_ref().err().map(|e| e.to_string()),
                    duration_ms: started.elapsed().as_millis() as u64,
                };
                history.record_step(&session_id, &record).await
            };
            // The record is polled first, and hands its write to the blocking pool at once:
            // the observation's perception then runs for a millisecond without yielding.
            let (recorded, observed) = tokio::join!(record, observation);
            recorded?;
            let mut outcome = performed?;
            if let Some(observed) = observed {
                let (space, page) = observed?;
                outcome.space = Some(space);
                outcome.page = Some(page);
            }
            Ok(outcome)
        },
    )
    .await
}

/// How an accepted dialog is reported in the next description.
fn dialog_note(dialog: &Dialog) -> String {
    match (dialog.kind.as_str(), dialog.message.is_empty()) {
        // Chromium passes on no message for it: a person never sees the page's own text.
        ("beforeunload", true) => "A dialog was accepted: beforeunload (the page asked to \
             confirm leaving it; it was left)."
            .to_string(),
        (kind, true) => format!("A dialog was accepted: {kind}."),
        (kind, false) => format!("A dialog was accepted: {kind} \"{}\".", dialog.message),
    }
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

/// The kind of action an id names, for the step metrics.
fn action_kind(id: &ActionId) -> &'static str {
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

/// Carries out one step: a special action, or the listed element action.
async fn perform(
    tab: &mut Tab,
    id: &ActionId,
    listed: Option<&perception::Action>,
    value: Option<&str>,
    enter: bool,
) -> Result<Outcome, ActError> {
    let mut outcome = Outcome::default();
    if let Some(action) = listed {
        outcome.fresh = act::element(tab, action, value, enter).await?;
        return Ok(outcome);
    }
    match id.number {
        1 => outcome.fresh = act::goto(tab, value).await?,
        2 => {
            let options = ScrapeOptions {
                only_main_content: true,
                scrape_images: false,
            };
            outcome.data = Some(scrape_page(tab, &options).await?);
        }
        3 => outcome.screenshot = true,
        4 | 5 => {
            let (offset, word) = if id.number == 4 {
                (-1, "back")
            } else {
                (1, "forward")
            };
            match act::history(tab, offset).await? {
                Some(fresh) => outcome.fresh = fresh,
                None => outcome.notes.push(format!(
                    "There was no page to go {word} to; the page did not change."
                )),
            }
        }
        6 => outcome.fresh = act::reload(tab).await?,
        7 => outcome.fresh = act::wait(tab, act::wait_seconds(value)?).await?,
        _ => outcome.terminate = true,
    }
    Ok(outcome)
}

fn action_to_wire(
    id: &ActionId,
    description: &str,
    category: &str,
    param: Option<&Param>,
) -> ActionResponse {
    ActionResponse {
        id: id.to_string(),
        description: description.to_string(),
        category: category.to_string(),
        params: param
            .map(|param| ParamResponse {
                name: param.name.clone(),
                kind: param.r#type.clone(),
                default: param.default.clone(),
                values: param.values.clone(),
            })
            .into_iter()
            .collect(),
        status: ActionStatus::Valid,
    }
}

/// The wire form of an action space, with `notes` added to its description.
fn space_to_wire(space: &ActionSpace, notes: &[String]) -> SpaceResponse {
    let mut description = space.description.clone();
    for note in notes {
        description.push(' ');
        description.push_str(note);
    }
    SpaceResponse {
        description,
        category: space.category.map(Into::into),
        markdown: space.markdown.clone(),
        actions: space
            .actions
            .iter()
            .map(|a| action_to_wire(&a.id, &a.description, &a.category, a.param.as_ref()))
            .collect(),
        special_actions: perception::special_actions()
            .iter()
            .map(|a| action_to_wire(&a.id, &a.description, &a.category, a.param.as_ref()))
            .collect(),
    }
}

/// The action space of the page as it is now (as `fresh` read it, when an action just
/// did), with the page's URL and title as read then.
async fn observe_space(
    tab: &Tab,
    max_actions: usize,
    fresh: Option<FreshRead>,
) -> Result<(Arc<ActionSpace>, PageInfo), BrowserError> {
    let snapshot = act::snapshot(tab, fresh).await?;
    let page = PageInfo {
        url: snapshot.url.clone(),
        title: snapshot.title.clone(),
    };
    Ok((Arc::new(perception::perceive(&snapshot, max_actions)), page))
}

/// The session's page, after navigating it to `url` when one is given (with the page as
/// read when it was ready, if `observe`).
async fn page_at<'a>(
    guard: &'a mut SessionGuard,
    url: Option<&PageUrl>,
    observe: bool,
) -> Result<(&'a mut Tab, Option<FreshRead>), Failure> {
    let tab = page_of(guard)?;
    let fresh = match url {
        Some(url) => act::open(tab, url, observe).await?,
        None => None,
    };
    Ok((tab, fresh))
}

/// The session's page, which a guard holds unless the session ended meanwhile.
fn page_of(guard: &mut SessionGuard) -> Result<&mut Tab, Failure> {
    let record = guard.record();
    guard
        .tab_mut()
        .ok_or_else(|| SessionError::Ended(Box::new(record)).into())
}

/// Takes the session named in the call, or starts one for it.
async fn take_session(
    sessions: &Sessions,
    owner: &Owner,
    env: &EnvSession,
) -> Result<(SessionGuard, Access), ApiError> {
    let id = match &env.choice {
        SessionChoice::Existing(id) => id.clone(),
        SessionChoice::New(options) => sessions.start(owner.clone(), *options).await?.record.id,
    };
    telemetry::note_session(&id);
    Ok(sessions.acquire(owner, &id).await?)
}

async fn run(
    sessions: &Sessions,
    owner: Owner,
    env: EnvSession,
    operation: impl AsyncFnOnce(&mut SessionGuard) -> Result<Outcome, Failure>,
) -> Result<Json<ObserveResponse>, ApiError> {
    let (mut guard, access) = take_session(sessions, &owner, &env).await?;
    let operated = async {
        let mut outcome = operation(&mut guard).await?;
        let tab = page_of(&mut guard)?;
        let info = match outcome.page.take() {
            Some(page) => page,
            None => tab.info().await?,
        };
        let screenshot = if env.screenshot || outcome.screenshot {
            Some(tab.screenshot().await?)
        } else {
            None
        };
        outcome
            .notes
            .extend(tab.take_dialogs().iter().map(dialog_note));
        Ok::<_, Failure>((outcome, info, screenshot))
    };
    // The session's use is written down while the operation runs: on disk before an
    // answer that reports the session, while a failure is reported as it is.
    let (result, persisted) = tokio::join!(operated, access.persist());
    match result {
        Ok((outcome, info, screenshot)) => {
            persisted?;
            if let Some(space) = &outcome.space {
                guard.set_last_space(Arc::clone(space));
            }
            let record = if env.keep_alive && !outcome.terminate {
                guard.record()
            } else {
                sessions.end_guarded(guard, Ending::closed()).await?
            };
            Ok(Json(ObserveResponse {
                session: SessionResponse::new(&record, Utc::now()),
                metadata: Metadata {
                    title: info.title,
                    url: info.url,
                    timestamp: wire::time_text(Utc::now()),
                },
                screenshot,
                data: outcome.data,
                space: outcome
                    .space
                    .as_deref()
                    .map(|space| space_to_wire(space, &outcome.notes)),
            }))
        }
        Err(Failure::Refused(error)) => {
            if !env.keep_alive {
                sessions.end_guarded(guard, Ending::closed()).await?;
            }
            Err(error)
        }
        Err(Failure::Browser(error)) => {
            let message = error.to_string();
            sessions
                .end_guarded(guard, Ending::error(message.clone()))
                .await?;
            Err(ApiError::Internal(format!(
                "{message}; the session has ended with status `error`"
            )))
        }
    }
}
