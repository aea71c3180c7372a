//! `/env/observe` and `/env/scrape`: one operation on a session's page, answered with an
//! observation.
//!
//! Every call follows one path ([`run`]): take the caller's session (or start one for
//! the call), run the operation with the page to itself, then close the session unless
//! `keep_alive`. A page that cannot be loaded is `502` and leaves the session as it was;
//! any other browser failure ends the session as `error` and is `500`.

use axum::extract::State;
use axum::Json;
use chrono::Utc;

use crate::api::error::ApiError;
use crate::api::extract::{Caller, JsonBody};
use crate::api::wire::{
    self, ActionResponse, DataResponse, EnvSession, ImageResponse, Metadata, ObserveRequest,
    ObserveResponse, ParamResponse, ScrapeRequest, SessionChoice, SessionResponse, SpaceResponse,
};
use crate::browser::{BrowserError, Tab};
use crate::perception::{self, ActionId, ActionSpace, PageSnapshot, Param};
use crate::scrape::{self, ImageCategory, ScrapeOptions};
use crate::session::{Ending, Owner, SessionError, SessionGuard, Sessions};

/// What an operation produced, before the session part is added.
#[derive(Default)]
struct Outcome {
    data: Option<DataResponse>,
    space: Option<SpaceResponse>,
}

pub async fn observe(
    State(sessions): State<Sessions>,
    Caller(owner): Caller,
    JsonBody(request): JsonBody<ObserveRequest>,
) -> Result<Json<ObserveResponse>, ApiError> {
    let env = EnvSession::parse(&request.session)?;
    let url = wire::page_url(request.url.as_deref())?;
    let max_actions = wire::action_limit(request.min_nb_actions, request.max_nb_actions)?;
    run(&sessions, owner, env, async move |tab: &mut Tab| {
        if let Some(url) = &url {
            tab.goto(url.as_str()).await?;
        }
        let space = observe_space(tab, max_actions).await?;
        Ok(Outcome {
            data: None,
            space: Some(space_to_wire(&space)),
        })
    })
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
    run(&sessions, owner, env, async move |tab: &mut Tab| {
        if let Some(url) = &url {
            tab.goto(url.as_str()).await?;
        }
        let (html, info) = (tab.html().await?, tab.info().await?);
        let scraped = scrape::scrape(&html, &info.url, &options);
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
        Ok(Outcome {
            data: Some(DataResponse {
                markdown: Some(scraped.markdown),
                images,
                structured: None,
            }),
            space: None,
        })
    })
    .await
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

/// The wire form of an action space.
fn space_to_wire(space: &ActionSpace) -> SpaceResponse {
    SpaceResponse {
        description: space.description.clone(),
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
async fn observe_space(tab: &Tab, max_actions: usize) -> Result<ActionSpace, BrowserError> {
    let raw = tab.evaluate(perception::COLLECT_JS).await?;
    let snapshot = PageSnapshot::from_json(raw.as_str().unwrap_or_default())
        .map_err(|e| BrowserError::Protocol(format!("page snapshot: {e}")))?;
    Ok(perception::perceive(&snapshot, max_actions))
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
    operation: impl AsyncFnOnce(&mut Tab) -> Result<Outcome, BrowserError>,
) -> Result<Json<ObserveResponse>, ApiError> {
    let mut guard = take_session(sessions, &owner, &env).await?;
    let Some(tab) = guard.tab_mut() else {
        return Err(SessionError::Ended(Box::new(guard.record())).into());
    };
    let result = async {
        let outcome = operation(tab).await?;
        let info = tab.info().await?;
        let screenshot = if env.screenshot {
            Some(tab.screenshot().await?)
        } else {
            None
        };
        Ok::<_, BrowserError>((outcome, info, screenshot))
    }
    .await;
    match result {
        Ok((outcome, info, screenshot)) => {
            let record = if env.keep_alive {
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
                space: outcome.space,
            }))
        }
        Err(BrowserError::Navigation(reason)) => {
            if !env.keep_alive {
                sessions.end_guarded(guard, Ending::closed()).await?;
            }
            Err(ApiError::BadGateway(format!(
                "the page could not be loaded: {reason}"
            )))
        }
        Err(error) => {
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
