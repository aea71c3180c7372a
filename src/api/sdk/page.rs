//! The Notte SDK's page: `POST /sessions/{id}/page/observe`, `…/execute`, `…/scrape` and
//! `…/screenshot`, each one operation of the operations room on the session's page.

use axum::extract::{Path, State};
use axum::Json;
use chrono::Utc;
use serde_json::Value;

use super::actions;
use super::sessions::target;
use super::wire::{
    self as sdk, unsupported, SdkData, SdkExecutionResult, SdkObservation, SdkObserveRequest,
    SdkScrapeRequest,
};
use crate::api::error::{ApiError, ErrorBody};
use crate::api::extract::{Caller, JsonBody, OptionalJsonBody};
use crate::api::wire::{self, time_text};
use crate::ops::{self, Operations, OpsError};
use crate::scrape::ScrapeOptions;
use crate::session;

/// Observe the page: its metadata, tabs, viewport, a screenshot, and its actions as typed
/// interaction actions.
#[utoipa::path(
    post,
    path = "/sessions/{id}/page/observe",
    operation_id = "sdk_page_observe",
    tag = "notte-sdk",
    params(("id" = String, Path, format = "uuid", description = "The session's id.")),
    request_body(content = Option<SdkObserveRequest>, description = "The SDK's `ObserveRequest`."),
    responses(
        (status = 200, description = "The observation.", body = SdkObservation),
        (status = 400, description = "Invalid input.", body = ErrorBody),
        (status = 401, description = "No or unknown API key.", body = ErrorBody),
        (status = 404, description = "No such session for this key.", body = ErrorBody),
        (status = 410, description = "The session has ended.", body = ErrorBody),
        (status = 422, description = "`instructions` or `url`, which browserd does not take here.", body = ErrorBody),
        (status = 500, description = "The browser failed; the session has ended.", body = ErrorBody),
    ),
    security(("api_key" = []))
)]
pub async fn observe(
    State(operations): State<Operations>,
    Caller(owner): Caller,
    Path(id): Path<String>,
    OptionalJsonBody(request): OptionalJsonBody<SdkObserveRequest>,
) -> Result<Json<SdkObservation>, ApiError> {
    let started_at = time_text(Utc::now());
    let id = wire::session_id(&id)?;
    session::note_session(&id);
    let request = request.unwrap_or_default();
    if request.instructions.is_some() {
        return Err(unsupported(
            "instructions",
            "browserd lists every action; pick from `interaction_actions`",
        ));
    }
    if request.url.is_some() {
        return Err(unsupported("url", "navigate with a `goto` action first"));
    }
    let observe = ops::Observe {
        url: None,
        max_actions: wire::action_limit(request.min_nb_actions, request.max_nb_actions)?,
        diff: false,
    };
    let observation = operations
        .observe(owner, target(id, true, true), observe)
        .await?;
    Ok(Json(sdk::observation(&observation, started_at)))
}

/// Execute one typed action as a person would, on the element an observation listed (or
/// on the page: go to, back, forward, reload, wait, a key, a scroll, the tabs).
///
/// An action the page refuses (an id not listed, an element gone or covered, a tab that
/// is not there) answers `200` with `success: false` and the reason, as the SDK expects.
#[utoipa::path(
    post,
    path = "/sessions/{id}/page/execute",
    operation_id = "sdk_page_execute",
    tag = "notte-sdk",
    params(("id" = String, Path, format = "uuid", description = "The session's id.")),
    request_body(content = Object, description = "The SDK's typed action: `{\"type\": \"click\", \"id\": \"B1\"}`, `{\"type\": \"goto\", \"url\": …}`, `fill`, `check`, `select_dropdown_option`, `press_key`, `scroll_down`, `switch_tab`…"),
    responses(
        (status = 200, description = "What the action did.", body = SdkExecutionResult),
        (status = 400, description = "An action that is not well formed.", body = ErrorBody),
        (status = 401, description = "No or unknown API key.", body = ErrorBody),
        (status = 404, description = "No such session for this key.", body = ErrorBody),
        (status = 410, description = "The session has ended.", body = ErrorBody),
        (status = 422, description = "An action browserd does not perform (script, e-mail, captcha…).", body = ErrorBody),
        (status = 500, description = "The browser failed; the session has ended.", body = ErrorBody),
    ),
    security(("api_key" = []))
)]
pub async fn execute(
    State(operations): State<Operations>,
    Caller(owner): Caller,
    Path(id): Path<String>,
    JsonBody(action): JsonBody<Value>,
) -> Result<Json<SdkExecutionResult>, ApiError> {
    let started_at = time_text(Utc::now());
    let id = wire::session_id(&id)?;
    session::note_session(&id);
    let parsed = actions::parse(&action)?;
    let step = ops::Step {
        action: parsed.action,
        value: parsed.value,
        enter: parsed.enter,
        max_actions: ops::ACTION_LIMIT_DEFAULT,
        diff: false,
    };
    let kind = action["type"].as_str().unwrap_or_default().to_owned();
    let (success, message) = match operations.step(owner, target(id, false, false), step).await {
        Ok(observation) => {
            let mut message = format!("`{kind}` done: the page is {}", observation.page.url);
            for note in &observation.notes {
                message.push(' ');
                message.push_str(note);
            }
            (true, message)
        }
        // The page refused the action: the session is as it was, and the SDK reports it.
        Err(OpsError::Refused(refused)) => (false, refused.to_string()),
        Err(OpsError::PrivateNetwork(refusal)) => (false, refusal.to_string()),
        Err(OpsError::PageLoad(reason)) => {
            (false, format!("the page could not be loaded: {reason}"))
        }
        Err(other) => return Err(other.into()),
    };
    Ok(Json(SdkExecutionResult {
        started_at,
        ended_at: time_text(Utc::now()),
        action,
        success,
        message,
        data: None,
        exception: None,
    }))
}

/// Scrape the page into markdown (the main content, or all of it), with its images when
/// asked.
#[utoipa::path(
    post,
    path = "/sessions/{id}/page/scrape",
    operation_id = "sdk_page_scrape",
    tag = "notte-sdk",
    params(("id" = String, Path, format = "uuid", description = "The session's id.")),
    request_body(content = Option<SdkScrapeRequest>, description = "The SDK's `ScrapeRequest`."),
    responses(
        (status = 200, description = "The page's markdown.", body = SdkData),
        (status = 400, description = "Invalid input.", body = ErrorBody),
        (status = 401, description = "No or unknown API key.", body = ErrorBody),
        (status = 404, description = "No such session for this key.", body = ErrorBody),
        (status = 410, description = "The session has ended.", body = ErrorBody),
        (status = 422, description = "`instructions` or `response_format`: browserd does not extract with a language model.", body = ErrorBody),
        (status = 500, description = "The browser failed; the session has ended.", body = ErrorBody),
    ),
    security(("api_key" = []))
)]
pub async fn scrape(
    State(operations): State<Operations>,
    Caller(owner): Caller,
    Path(id): Path<String>,
    OptionalJsonBody(request): OptionalJsonBody<SdkScrapeRequest>,
) -> Result<Json<SdkData>, ApiError> {
    let id = wire::session_id(&id)?;
    session::note_session(&id);
    let request = request.unwrap_or_default();
    if request.instructions.is_some() || request.response_format.is_some() {
        return Err(unsupported(
            "instructions",
            "browserd does not extract with a language model; use the markdown (and its `structured` page data)",
        ));
    }
    if let Some((field, _)) = request
        .other
        .iter()
        .find(|(_, v)| !v.is_null() && **v != Value::Bool(false))
    {
        return Err(unsupported(field, "browserd has no such scrape option"));
    }
    let scrape = ops::Scrape {
        url: None,
        options: ScrapeOptions {
            only_main_content: request.only_main_content.unwrap_or(true),
            scrape_images: request.scrape_images.unwrap_or(false),
        },
    };
    let observation = operations
        .scrape(owner, target(id, false, false), scrape)
        .await?;
    let content = observation.content.unwrap_or_else(|| ops::PageContent {
        markdown: String::new(),
        images: None,
        structured: Value::Null,
    });
    Ok(Json(SdkData {
        markdown: Some(content.markdown),
        images: content.images.map(|images| {
            images
                .into_iter()
                .map(|image| serde_json::json!({ "url": image.url, "category": image.category, "id": image.id }))
                .collect()
        }),
        structured: None,
    }))
}

/// A screenshot of the page as it is.
#[utoipa::path(
    post,
    path = "/sessions/{id}/page/screenshot",
    operation_id = "sdk_page_screenshot",
    tag = "notte-sdk",
    params(("id" = String, Path, format = "uuid", description = "The session's id.")),
    responses(
        (status = 200, description = "`{screenshot: {raw, bboxes}}`: a base64 PNG.", body = Object),
        (status = 401, description = "No or unknown API key.", body = ErrorBody),
        (status = 404, description = "No such session for this key.", body = ErrorBody),
        (status = 410, description = "The session has ended.", body = ErrorBody),
        (status = 500, description = "The browser failed; the session has ended.", body = ErrorBody),
    ),
    security(("api_key" = []))
)]
pub async fn screenshot(
    State(operations): State<Operations>,
    Caller(owner): Caller,
    Path(id): Path<String>,
) -> Result<Json<Value>, ApiError> {
    let id = wire::session_id(&id)?;
    session::note_session(&id);
    let observation = operations.screenshot(owner, id, false).await?;
    Ok(Json(serde_json::json!({
        "screenshot": { "raw": observation.screenshot.unwrap_or_default(), "bboxes": [] }
    })))
}
