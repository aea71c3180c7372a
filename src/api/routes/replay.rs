//! A session's replay over HTTP: its steps with a picture after each, as a page or as
//! JSON (`/session/{id}/replay`), and the pictures themselves
//! (`/session/{id}/replay/{n}.jpg`, `…/latest.jpg`). A token in the query (from the
//! session's `replay_url`) or the owner's key opens them, for a live or an ended session.

use axum::extract::{Path, Query, State};
use axum::http::{header, HeaderMap};
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::cdp::{credential, session_json};
use crate::api::error::{ApiError, ErrorBody};
use crate::api::extract::{OptionalCaller, PublicOrigin};
use crate::api::wire::{self, SessionResponse, StepResponse};
use crate::ops::{Operations, Picture, Replay};
use crate::session;

/// The replay's page: self-contained, it reads the JSON beside it.
pub const REPLAY_PAGE: &str = include_str!("../pages/replay.html");

#[derive(Debug, Deserialize)]
pub struct ReplayQuery {
    token: Option<String>,
    /// `json` or `html`; without it, the `Accept` header decides (HTML unless it asks for
    /// JSON).
    format: Option<String>,
}

/// A session's replay.
#[derive(Debug, Serialize, ToSchema)]
pub struct ReplayResponse {
    pub session: SessionResponse,
    /// The steps, oldest first.
    pub steps: Vec<ReplayStepResponse>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ReplayStepResponse {
    #[serde(flatten)]
    pub step: StepResponse,
    /// A JPEG of the page after the step; null when none is kept (past the session's
    /// cap or the retention period, or the page could not be pictured).
    #[schema(format = "uri", required = true)]
    pub picture_url: Option<String>,
}

/// The session's steps, each with a picture of the page after it.
#[utoipa::path(
    get,
    path = "/session/{id}/replay",
    operation_id = "session_replay",
    tag = "viewer",
    params(
        ("id" = String, Path, format = "uuid", description = "The session's id."),
        ("token" = Option<String>, Query, description = "The session's token, as its `replay_url` carries it (or an API key as a Bearer header)."),
        ("format" = Option<String>, Query, description = "`json` or `html`; by default the `Accept` header decides."),
    ),
    responses(
        (status = 200, description = "The replay: JSON when asked for, else a page (`text/html`).", content(
            (ReplayResponse = "application/json"),
            (String = "text/html"),
        )),
        (status = 400, description = "An unknown `format`.", body = ErrorBody),
        (status = 401, description = "A missing or wrong token (and no API key).", body = ErrorBody),
        (status = 404, description = "No such session for this key.", body = ErrorBody),
        (status = 500, description = "The records could not be read.", body = ErrorBody),
    ),
    security(("api_key" = []), ("session_token" = []))
)]
pub async fn replay(
    State(operations): State<Operations>,
    OptionalCaller(owner): OptionalCaller,
    origin: PublicOrigin,
    headers: HeaderMap,
    Path(id): Path<String>,
    Query(query): Query<ReplayQuery>,
) -> Result<Response, ApiError> {
    let id = wire::session_id(&id)?;
    session::note_session(&id);
    let wants_json = match query.format.as_deref() {
        Some("json") => true,
        Some("html") => false,
        Some(other) => {
            return Err(ApiError::BadRequest(format!(
                "`format` is `json` or `html`; got {other:?}"
            )))
        }
        None => headers
            .get(header::ACCEPT)
            .and_then(|accept| accept.to_str().ok())
            .is_some_and(|accept| {
                accept.contains("application/json") && !accept.contains("text/html")
            }),
    };
    let replay = operations
        .replay(&id, &credential(query.token, owner)?)
        .await?;
    if !wants_json {
        return Ok(super::ui::page(REPLAY_PAGE));
    }
    Ok(Json(replay_json(&replay, &origin, &operations)).into_response())
}

/// A replay as JSON, with its pictures' URLs (carrying the session's token).
pub fn replay_json(
    replay: &Replay,
    origin: &PublicOrigin,
    operations: &Operations,
) -> ReplayResponse {
    let id = &replay.record.id;
    let token = operations.cdp_token(id);
    let steps = replay
        .steps
        .iter()
        .map(|step| ReplayStepResponse {
            step: StepResponse::new(&step.step),
            picture_url: step.picture.then(|| {
                format!(
                    "{}/session/{id}/replay/{}.jpg?token={token}",
                    origin.http(),
                    step.step.seq
                )
            }),
        })
        .collect();
    ReplayResponse {
        session: session_json(&replay.record, origin, operations),
        steps,
    }
}

/// A picture of the replay: the page after step `n` (`{n}.jpg`), or after the latest step
/// that has one (`latest.jpg`).
#[utoipa::path(
    get,
    path = "/session/{id}/replay/{picture}",
    operation_id = "session_replay_picture",
    tag = "viewer",
    params(
        ("id" = String, Path, format = "uuid", description = "The session's id."),
        ("picture" = String, Path, description = "`{n}.jpg` for step n, or `latest.jpg`."),
        ("token" = Option<String>, Query, description = "The session's token (or an API key as a Bearer header)."),
    ),
    responses(
        (status = 200, description = "The JPEG.", content_type = "image/jpeg", body = Vec<u8>),
        (status = 400, description = "Not `{n}.jpg` or `latest.jpg`.", body = ErrorBody),
        (status = 401, description = "A missing or wrong token (and no API key).", body = ErrorBody),
        (status = 404, description = "No such session for this key, or no such picture.", body = ErrorBody),
        (status = 500, description = "The session's record could not be read.", body = ErrorBody),
    ),
    security(("api_key" = []), ("session_token" = []))
)]
pub async fn picture(
    State(operations): State<Operations>,
    OptionalCaller(owner): OptionalCaller,
    Path((id, picture)): Path<(String, String)>,
    Query(query): Query<ReplayQuery>,
) -> Result<Response, ApiError> {
    let id = wire::session_id(&id)?;
    session::note_session(&id);
    let which = picture_name(&picture)?;
    let jpeg = operations
        .replay_picture(&id, &credential(query.token, owner)?, which)
        .await?
        .ok_or_else(|| ApiError::NotFound(format!("no picture {picture} in this replay")))?;
    // A step's picture never changes; the latest does with every step.
    let cache = match which {
        Picture::Step(_) => "private, max-age=86400, immutable",
        Picture::Latest => "private, no-cache",
    };
    Ok((
        [
            (header::CONTENT_TYPE, "image/jpeg"),
            (header::CACHE_CONTROL, cache),
        ],
        jpeg,
    )
        .into_response())
}

fn picture_name(name: &str) -> Result<Picture, ApiError> {
    let bad = || {
        ApiError::BadRequest(format!(
            "a replay picture is `{{n}}.jpg` or `latest.jpg`; got {name:?}"
        ))
    };
    let stem = name.strip_suffix(".jpg").ok_or_else(bad)?;
    if stem == "latest" {
        return Ok(Picture::Latest);
    }
    if stem.is_empty() || !stem.bytes().all(|b| b.is_ascii_digit()) {
        return Err(bad());
    }
    match stem.parse::<u32>() {
        Ok(seq) if seq > 0 => Ok(Picture::Step(seq)),
        _ => Err(bad()),
    }
}
