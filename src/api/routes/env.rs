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

use crate::act::{self, ActError};
use crate::api::error::ApiError;
use crate::api::extract::{Caller, JsonBody};
use crate::api::wire::{
    self, ActionResponse, DataResponse, EnvSession, ImageResponse, Metadata, ObserveRequest,
    ObserveResponse, ParamResponse, ScrapeRequest, SessionChoice, SessionResponse, SpaceResponse,
    StepRequest,
};
use crate::browser::{BrowserError, Tab};
use crate::page_url::PageUrl;
use crate::perception::{self, ActionId, ActionSpace, Param, Prefix};
use crate::scrape::{self, ImageCategory, ScrapeOptions};
use crate::session::{Ending, Owner, SessionError, SessionGuard, Sessions};
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
            let tab = page_at(guard, url.as_ref()).await?;
            let space = observe_space(tab, max_actions).await?;
            Ok(Outcome {
                space: Some(space),
                ..Outcome::default()
            })
        },
    )
    .await
}

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
            let tab = page_at(guard, url.as_ref()).await?;
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
                category: image_category(image.category),
            })
            .collect()
    });
    Ok(DataResponse {
        markdown: Some(scraped.markdown),
        images,
        structured: None,
    })
}

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
            let url_before = tab.info().await.ok().map(|info| info.url);
            let listed = match action_id.prefix {
                Prefix::S => None,
                _ => Some(act::find(space.as_deref(), &action_id.to_string())?.clone()),
            };
            let performed =
                perform(tab, &action_id, listed.as_ref(), value.as_deref(), enter).await;
            let url_after = tab.info().await.ok().map(|info| info.url);
            let sensitive = listed.as_ref().is_some_and(|action| action.sensitive);
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
                outcome: step_outcome(&performed).to_string(),
                error: performed.as_ref().err().map(|e| e.to_string()),
                duration_ms: started.elapsed().as_millis() as u64,
            };
            history.record_step(&session_id, &record).await?;
            let mut outcome = performed?;
            if outcome.space.is_none() {
                outcome.space = Some(observe_space(page_of(guard)?, max_actions).await?);
            }
            Ok(outcome)
        },
    )
    .await
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
        act::element(tab, action, value, enter).await?;
        return Ok(outcome);
    }
    match id.number {
        1 => act::goto(tab, value).await?,
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
            if !tab.go_history(offset).await? {
                outcome.notes.push(format!(
                    "There was no page to go {word} to; the page did not change."
                ));
            }
        }
        6 => tab.reload().await?,
        7 => {
            tokio::time::sleep(act::wait_seconds(value)?).await;
            tab.settle_after_input().await?;
        }
        _ => outcome.terminate = true,
    }
    Ok(outcome)
}

/// The API's name for an image category.
fn image_category(category: ImageCategory) -> &'static str {
    match category {
        ImageCategory::Icon => "icon",
        ImageCategory::ContentImage => "content_image",
        ImageCategory::Decorative => "decorative",
        ImageCategory::SvgIcon => "svg_icon",
        ImageCategory::SvgContent => "svg_content",
    }
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
        status: "valid",
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
        category: space.category.map(|category| category.as_str().to_string()),
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

/// The action space of the page as it is now.
async fn observe_space(tab: &Tab, max_actions: usize) -> Result<Arc<ActionSpace>, BrowserError> {
    let snapshot = act::snapshot(tab).await?;
    Ok(Arc::new(perception::perceive(&snapshot, max_actions)))
}

/// The session's page, after navigating it to `url` when one is given.
async fn page_at<'a>(
    guard: &'a mut SessionGuard,
    url: Option<&PageUrl>,
) -> Result<&'a mut Tab, Failure> {
    let tab = page_of(guard)?;
    if let Some(url) = url {
        tab.goto(url.as_str()).await?;
    }
    Ok(tab)
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
) -> Result<SessionGuard, ApiError> {
    let id = match &env.choice {
        SessionChoice::Existing(id) => id.clone(),
        SessionChoice::New(options) => sessions.start(owner.clone(), *options).await?.record.id,
    };
    Ok(sessions.acquire(owner, &id).await?)
}

async fn run(
    sessions: &Sessions,
    owner: Owner,
    env: EnvSession,
    operation: impl AsyncFnOnce(&mut SessionGuard) -> Result<Outcome, Failure>,
) -> Result<Json<ObserveResponse>, ApiError> {
    let mut guard = take_session(sessions, &owner, &env).await?;
    let result = async {
        let mut outcome = operation(&mut guard).await?;
        let tab = page_of(&mut guard)?;
        let info = tab.info().await?;
        let screenshot = if env.screenshot || outcome.screenshot {
            Some(tab.screenshot().await?)
        } else {
            None
        };
        outcome.notes.extend(
            tab.take_dialogs()
                .into_iter()
                .map(|dialog| format!("A dialog was accepted: {dialog}.")),
        );
        Ok::<_, Failure>((outcome, info, screenshot))
    }
    .await;
    match result {
        Ok((outcome, info, screenshot)) => {
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
