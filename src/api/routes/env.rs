//! `/env/observe`, `/env/step` and `/env/scrape`: one operation on a session's page,
//! answered with an observation.
//!
//! Each handler parses its body into the operation's domain values, calls the operations
//! room, and turns the [`Observation`] into the wire's. What a failure does to the session
//! is the operations room's policy; its status is `error.rs`'s.

use axum::extract::State;
use axum::Json;
use chrono::Utc;

use crate::api::error::{ApiError, ErrorBody};
use crate::api::extract::{Caller, JsonBody, PublicOrigin};
use crate::api::routes::cdp::session_json;
use crate::api::wire::{
    self, ActionResponse, ActionStatus, DataResponse, ImageResponse, MarkResponse, Metadata,
    ObserveRequest, ObserveResponse, ParamResponse, ScrapeRequest, SpaceResponse, StepRequest,
};
use crate::ops::{self, Observation, Operations, PageContent};
use crate::perception::{self, ActionId, Param};
use crate::scrape::ScrapeOptions;

/// The failures every `/env/*` call can answer with, for the OpenAPI document (the
/// answers themselves are [`ApiError`]s).
#[derive(utoipa::IntoResponses)]
#[allow(dead_code)]
enum EnvFailures {
    /// No or unknown API key.
    #[response(status = 401)]
    Unauthorized(ErrorBody),
    /// `url`, or where a step led (a link, a redirect), is on the private network, which
    /// the server does not let pages reach; the body names the rule and the setting that
    /// lifts it, and the session stays usable.
    #[response(status = 403)]
    Forbidden(ErrorBody),
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
    State(operations): State<Operations>,
    Caller(owner): Caller,
    origin: PublicOrigin,
    JsonBody(request): JsonBody<ObserveRequest>,
) -> Result<Json<ObserveResponse>, ApiError> {
    let target = wire::target(&request.session)?;
    let observe = ops::Observe {
        url: wire::page_url(request.url.as_deref())?,
        max_actions: wire::action_limit(request.min_nb_actions, request.max_nb_actions)?,
        diff: request.diff.unwrap_or(false),
    };
    let observation = operations.observe(owner, target, observe).await?;
    Ok(Json(observation_to_wire(observation, &origin, &operations)))
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
    State(operations): State<Operations>,
    Caller(owner): Caller,
    origin: PublicOrigin,
    JsonBody(request): JsonBody<ScrapeRequest>,
) -> Result<Json<ObserveResponse>, ApiError> {
    let target = wire::target(&request.session)?;
    let url = wire::page_url(request.url.as_deref())?;
    wire::action_limit(request.min_nb_actions, request.max_nb_actions)?;
    let scrape = ops::Scrape {
        url,
        options: ScrapeOptions {
            only_main_content: request.only_main_content.unwrap_or(true),
            scrape_images: request.scrape_images.unwrap_or(false),
        },
    };
    let observation = operations.scrape(owner, target, scrape).await?;
    Ok(Json(observation_to_wire(observation, &origin, &operations)))
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
        (status = 400, description = "Invalid input: bad JSON, wrong type, out-of-range value, no `action_id`, an id no observation of this page listed (the body names the valid ones), a missing `value` for an input, an option that is not allowed.", body = ErrorBody),
        (status = 409, description = "The action id was listed, but its element is gone, hidden, disabled or covered now; observe again for fresh ids.", body = ErrorBody),
        EnvFailures,
    ),
    security(("api_key" = []))
)]
pub async fn step(
    State(operations): State<Operations>,
    Caller(owner): Caller,
    origin: PublicOrigin,
    JsonBody(request): JsonBody<StepRequest>,
) -> Result<Json<ObserveResponse>, ApiError> {
    let target = wire::target(&request.session)?;
    let step = ops::Step {
        action: ops::StepAction::Id(request.action_id()?),
        max_actions: wire::action_limit(request.min_nb_actions, request.max_nb_actions)?,
        value: request.value,
        enter: request.enter.unwrap_or(false),
        diff: request.diff.unwrap_or(false),
    };
    let observation = operations.step(owner, target, step).await?;
    Ok(Json(observation_to_wire(observation, &origin, &operations)))
}

/// The wire form of an observation.
fn observation_to_wire(
    observation: Observation,
    origin: &PublicOrigin,
    operations: &Operations,
) -> ObserveResponse {
    let space = observation.space.as_deref().map(|space| SpaceResponse {
        description: observation.description().unwrap_or_default(),
        category: space.category,
        markdown: observation
            .changes
            .clone()
            .unwrap_or_else(|| space.markdown.clone()),
        diff: observation.changes.is_some(),
        actions: space
            .actions
            .iter()
            .map(|a| action_to_wire(&a.id, &a.description, &a.category, a.param.as_ref()))
            .collect(),
        special_actions: perception::special_actions()
            .iter()
            .map(|a| action_to_wire(&a.id, &a.description, &a.category, a.param.as_ref()))
            .collect(),
    });
    ObserveResponse {
        session: session_json(&observation.session, origin, operations),
        metadata: Metadata {
            title: observation.page.title,
            url: observation.page.url,
            timestamp: wire::time_text(Utc::now()),
        },
        screenshot: observation.screenshot,
        data: observation.content.map(content_to_wire),
        space,
        downloads: observation
            .downloads
            .iter()
            .map(wire::DownloadResponse::new)
            .collect(),
        marks: observation.marks.map(|marks| {
            marks
                .into_iter()
                .map(|mark| MarkResponse {
                    id: mark.id.to_string(),
                    x: mark.bounds.x,
                    y: mark.bounds.y,
                    width: mark.bounds.width,
                    height: mark.bounds.height,
                })
                .collect()
        }),
    }
}

fn content_to_wire(content: PageContent) -> DataResponse {
    DataResponse {
        markdown: Some(content.markdown),
        images: content.images.map(|images| {
            images
                .into_iter()
                .map(|image| ImageResponse {
                    id: image.id,
                    url: image.url,
                    category: image.category,
                })
                .collect()
        }),
        // The wire's list of objects: one, with each source the page declares under its key.
        structured: Some(vec![content.structured]),
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
        status: ActionStatus::Valid,
    }
}
