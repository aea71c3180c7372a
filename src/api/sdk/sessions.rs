//! The Notte SDK's sessions: `POST /sessions/start`, `GET /sessions/{id}`,
//! `DELETE /sessions/{id}/stop`, `GET /sessions/{id}/debug`, `GET /sessions/{id}/replay`.
//! (`GET /sessions`, the list, is the v1.2 route, which reads the SDK's query too.)

use axum::extract::{Path, Query, State};
use axum::Json;
use serde::Deserialize;

use super::wire::{
    self as sdk, unsupported, SdkDebugResponse, SdkDebugSockets, SdkDebugTab, SdkSessionResponse,
    SdkStartRequest,
};
use crate::api::error::{ApiError, ErrorBody};
use crate::api::extract::{Caller, OptionalJsonBody, PublicOrigin};
use crate::api::routes::cdp::session_json;
use crate::api::routes::replay::ReplayResponse;
use crate::api::wire;
use crate::domain::{Owner, SessionId, SessionStatus, SessionTimeout, StartOptions};
use crate::ops::{Operations, SessionChoice, Target};
use crate::session;

/// Start a session (the Notte SDK's `client.Session()`).
///
/// `idle_timeout_minutes` is honoured; what browserd has no capability behind (proxies,
/// captcha solving, another browser, a viewport or user agent of the caller's, Chrome
/// flags, an external CDP browser, vaults…) is refused with `422` naming the field.
#[utoipa::path(
    post,
    path = "/sessions/start",
    operation_id = "sdk_session_start",
    tag = "notte-sdk",
    request_body(content = Option<SdkStartRequest>, description = "The SDK's `SessionStartRequest`: only the fields its caller gave."),
    responses(
        (status = 200, description = "The new session.", body = SdkSessionResponse),
        (status = 400, description = "Invalid input.", body = ErrorBody),
        (status = 401, description = "No or unknown API key.", body = ErrorBody),
        (status = 422, description = "A setting browserd does not have.", body = ErrorBody),
        (status = 429, description = "At the session limit.", body = ErrorBody),
        (status = 500, description = "The browser failed while starting the session.", body = ErrorBody),
    ),
    security(("api_key" = []))
)]
pub async fn start(
    State(operations): State<Operations>,
    origin: PublicOrigin,
    Caller(owner): Caller,
    OptionalJsonBody(request): OptionalJsonBody<SdkStartRequest>,
) -> Result<Json<SdkSessionResponse>, ApiError> {
    let options = start_options(request.unwrap_or_default(), &operations)?;
    let started = operations.sessions().start(owner, options).await?;
    session::note_session(&started.record.id);
    Ok(Json(answer(&started.record, &origin, &operations)))
}

fn start_options(
    request: SdkStartRequest,
    operations: &Operations,
) -> Result<StartOptions, ApiError> {
    let max = operations.sessions().max_session_minutes();
    if let Some(minutes) = request.max_duration_minutes {
        if minutes != i64::from(max) {
            return Err(unsupported(
                "max_duration_minutes",
                &format!("every session ends after the server's --max-session-minutes ({max}); leave it out"),
            ));
        }
    }
    match request.proxies {
        None | Some(serde_json::Value::Bool(false)) => {}
        Some(serde_json::Value::Array(list)) if list.is_empty() => {}
        Some(_) => return Err(unsupported("proxies", "browserd has no proxies")),
    }
    if request.solve_captchas == Some(true) {
        return Err(unsupported(
            "solve_captchas",
            "browserd does not solve captchas; take over in the live view (`viewer_url`) instead",
        ));
    }
    if let Some(browser) = request.browser_type.as_deref() {
        if browser != "chromium" && browser != "chrome" {
            return Err(unsupported(
                "browser_type",
                "sessions run in Chromium (`chromium`)",
            ));
        }
    }
    if request.headless == Some(false) {
        return Err(unsupported(
            "headless",
            "sessions are headless; watch them in the live view (`viewer_url`)",
        ));
    }
    if let Some((field, _)) = request.other.iter().find(|(_, value)| !is_off(value)) {
        return Err(unsupported(field, "browserd has no such setting"));
    }
    let timeout = match request.idle_timeout_minutes {
        Some(minutes) => SessionTimeout::try_from(minutes)
            .map_err(|e| ApiError::BadRequest(format!("`idle_timeout_minutes`: {e}")))?,
        None => SessionTimeout::BODY_DEFAULT,
    };
    // A session of the SDK's lives until stopped or idle: it is never closed after a call.
    Ok(StartOptions {
        timeout,
        keep_alive: false,
        screenshot: false,
        profile: request.profile.as_ref().map(|p| p.parse()).transpose()?,
    })
}

/// A field the SDK sends with its "off" value (`false`, `null`, `[]`, `{}`) asks for
/// nothing.
fn is_off(value: &serde_json::Value) -> bool {
    match value {
        serde_json::Value::Null | serde_json::Value::Bool(false) => true,
        serde_json::Value::Array(items) => items.is_empty(),
        serde_json::Value::Object(fields) => fields.is_empty(),
        _ => false,
    }
}

pub fn answer(
    record: &crate::domain::SessionRecord,
    origin: &PublicOrigin,
    operations: &Operations,
) -> SdkSessionResponse {
    SdkSessionResponse::new(
        record,
        operations.sessions().max_session_minutes(),
        origin,
        operations,
    )
}

/// The caller's session `id` to act on, kept open after the call.
pub fn target(id: SessionId, screenshot: bool, details: bool) -> Target {
    Target {
        choice: SessionChoice::Existing(id),
        keep_alive: true,
        screenshot,
        marks: false,
        details,
    }
}

/// A session (the SDK's `session.status()`).
#[utoipa::path(
    get,
    path = "/sessions/{id}",
    operation_id = "sdk_session_get",
    tag = "notte-sdk",
    params(("id" = String, Path, format = "uuid", description = "The session's id.")),
    responses(
        (status = 200, description = "The session.", body = SdkSessionResponse),
        (status = 401, description = "No or unknown API key.", body = ErrorBody),
        (status = 404, description = "No such session for this key.", body = ErrorBody),
        (status = 500, description = "The records could not be read.", body = ErrorBody),
    ),
    security(("api_key" = []))
)]
pub async fn get(
    State(operations): State<Operations>,
    origin: PublicOrigin,
    Caller(owner): Caller,
    Path(id): Path<String>,
) -> Result<Json<SdkSessionResponse>, ApiError> {
    let id = wire::session_id(&id)?;
    session::note_session(&id);
    let record = operations.sessions().get(&owner, &id).await?;
    Ok(Json(answer(&record, &origin, &operations)))
}

#[derive(Debug, Deserialize)]
pub struct StopQuery {
    /// `manual` or `error` (how the SDK's `with` block ended); either closes the session.
    close_reason: Option<String>,
}

/// Stop a session; it answers `closed`. A session that had already ended is `409`, with a
/// message that says it is already closed (the SDK logs that and goes on).
#[utoipa::path(
    delete,
    path = "/sessions/{id}/stop",
    operation_id = "sdk_session_stop",
    tag = "notte-sdk",
    params(
        ("id" = String, Path, format = "uuid", description = "The session's id."),
        ("close_reason" = Option<String>, Query, description = "`manual` or `error`."),
    ),
    responses(
        (status = 200, description = "The session, `closed`.", body = SdkSessionResponse),
        (status = 400, description = "An unknown `close_reason`.", body = ErrorBody),
        (status = 401, description = "No or unknown API key.", body = ErrorBody),
        (status = 404, description = "No such session for this key.", body = ErrorBody),
        (status = 409, description = "The session had already ended.", body = ErrorBody),
        (status = 500, description = "The session's record could not be written.", body = ErrorBody),
    ),
    security(("api_key" = []))
)]
pub async fn stop(
    State(operations): State<Operations>,
    origin: PublicOrigin,
    Caller(owner): Caller,
    Path(id): Path<String>,
    Query(query): Query<StopQuery>,
) -> Result<Json<SdkSessionResponse>, ApiError> {
    let id = wire::session_id(&id)?;
    session::note_session(&id);
    if let Some(reason) = query.close_reason.as_deref() {
        if reason != "manual" && reason != "error" {
            return Err(ApiError::BadRequest(format!(
                "`close_reason` is `manual` or `error`; got {reason:?}"
            )));
        }
    }
    let before = operations.sessions().get(&owner, &id).await?;
    if before.status != SessionStatus::Active {
        return Err(already_ended(&before));
    }
    let record = operations.close(&owner, &id).await?;
    if record.status != SessionStatus::Closed {
        return Err(already_ended(&record));
    }
    Ok(Json(answer(&record, &origin, &operations)))
}

fn already_ended(record: &crate::domain::SessionRecord) -> ApiError {
    ApiError::Conflict(format!(
        "session {} is already closed (it ended as `{}`)",
        record.id,
        record.status.as_str()
    ))
}

/// The session's debugging links: its live view, CDP endpoint and tabs.
#[utoipa::path(
    get,
    path = "/sessions/{id}/debug",
    operation_id = "sdk_session_debug",
    tag = "notte-sdk",
    params(("id" = String, Path, format = "uuid", description = "The session's id.")),
    responses(
        (status = 200, description = "The links.", body = SdkDebugResponse),
        (status = 401, description = "No or unknown API key.", body = ErrorBody),
        (status = 404, description = "No such session for this key.", body = ErrorBody),
        (status = 410, description = "The session has ended.", body = ErrorBody),
        (status = 500, description = "The browser failed.", body = ErrorBody),
    ),
    security(("api_key" = []))
)]
pub async fn debug(
    State(operations): State<Operations>,
    origin: PublicOrigin,
    Caller(owner): Caller,
    Path(id): Path<String>,
) -> Result<Json<SdkDebugResponse>, ApiError> {
    let id = wire::session_id(&id)?;
    session::note_session(&id);
    let record = operations.sessions().get(&owner, &id).await?;
    let links = session_json(&record, &origin, &operations);
    let (Some(cdp), Some(viewer)) = (links.cdp_url, links.viewer_url) else {
        return Err(session::SessionError::Ended(Box::new(record)).into());
    };
    let recording = viewer
        .replacen("http", "ws", 1)
        .replacen("/live?", "/live/ws?", 1);
    let tabs = tabs_of(&operations, owner, id).await?;
    Ok(Json(SdkDebugResponse {
        debug_url: viewer.clone(),
        ws: SdkDebugSockets {
            cdp: cdp.clone(),
            recording: recording.clone(),
            logs: recording.clone(),
        },
        tabs: tabs
            .into_iter()
            .map(|metadata| SdkDebugTab {
                metadata,
                debug_url: viewer.clone(),
                ws_url: cdp.clone(),
            })
            .collect(),
    }))
}

async fn tabs_of(
    operations: &Operations,
    owner: Owner,
    id: SessionId,
) -> Result<Vec<sdk::SdkTab>, ApiError> {
    let observation = operations.details(owner, id).await?;
    let (tabs, _) = observation.details.unwrap_or_default();
    Ok(sdk::tabs(&tabs))
}

/// The session's replay: its steps with a picture after each (as
/// `GET /session/{id}/replay?format=json`).
#[utoipa::path(
    get,
    path = "/sessions/{id}/replay",
    operation_id = "sdk_session_replay",
    tag = "notte-sdk",
    params(("id" = String, Path, format = "uuid", description = "The session's id.")),
    responses(
        (status = 200, description = "The replay.", body = ReplayResponse),
        (status = 401, description = "No or unknown API key.", body = ErrorBody),
        (status = 404, description = "No such session for this key.", body = ErrorBody),
        (status = 500, description = "The records could not be read.", body = ErrorBody),
    ),
    security(("api_key" = []))
)]
pub async fn replay(
    State(operations): State<Operations>,
    origin: PublicOrigin,
    Caller(owner): Caller,
    Path(id): Path<String>,
) -> Result<Json<ReplayResponse>, ApiError> {
    let id = wire::session_id(&id)?;
    session::note_session(&id);
    let replay = operations
        .replay(&id, &session::Credential::Owner(owner))
        .await?;
    Ok(Json(crate::api::routes::replay::replay_json(
        &replay,
        &origin,
        &operations,
    )))
}
