//! `/session/start`, `/session/close`, `GET /session/{id}`, `GET /sessions`.

use axum::extract::{Path, State};
use axum::Json;

use crate::api::error::{ApiError, ErrorBody};
use crate::api::extract::{Caller, JsonBody, OptionalJsonBody, PublicOrigin, QueryParams};
use crate::api::routes::cdp::session_json;
use crate::api::wire::{
    self, CloseRequest, ListQuery, SessionResponse, StartQuery, StartRequest, StepResponse,
};
use crate::ops::Operations;
use crate::session::{self, Sessions};

/// Start a session: an isolated browser context (own cookies, storage, cache) with one
/// blank page.
///
/// Parameters come as query parameters, as a JSON body, or both (the body wins). A
/// `session_id` in either place is `400`: use `/env/observe` to act in an existing session.
#[utoipa::path(
    post,
    path = "/session/start",
    operation_id = "session_start",
    tag = "sessions",
    params(StartQuery),
    request_body(content = Option<StartRequest>, description = "Optional. Read as JSON whatever the `Content-Type`; with no body (or `null`) the query's defaults apply."),
    responses(
        (status = 200, description = "The new session (with `screenshot` when asked).", body = SessionResponse,
            links(
                ("read" = (operation_id = "session_get", parameters(("id" = "$response.body#/session_id")), description = "Read the session.")),
                ("steps" = (operation_id = "session_steps", parameters(("id" = "$response.body#/session_id")), description = "Its history of steps.")),
                ("observe" = (operation_id = "env_observe", request_body = json!({"session_id": "$response.body#/session_id", "keep_alive": true, "url": "about:blank"}), description = "Observe its page.")),
                ("close" = (operation_id = "session_close", request_body = json!({"session_id": "$response.body#/session_id"}), description = "Close it.")),
            )),
        (status = 400, description = "Invalid input: bad JSON, wrong type, out-of-range value, a `session_id`.", body = ErrorBody),
        (status = 401, description = "No or unknown API key.", body = ErrorBody),
        (status = 404, description = "No profile `profile.id` for this key.", body = ErrorBody),
        (status = 413, description = "Request body over 1 MiB.", body = ErrorBody),
        (status = 429, description = "The server is at its session limit.", body = ErrorBody,
            headers(("Retry-After" = u32, description = "Seconds to wait."))),
        (status = 500, description = "The browser failed while starting the session.", body = ErrorBody),
        (status = 503, description = "A crashed browser is being relaunched.", body = ErrorBody,
            headers(("Retry-After" = u32, description = "Seconds to wait."))),
    ),
    security(("api_key" = []))
)]
pub async fn start(
    State(sessions): State<Sessions>,
    State(operations): State<Operations>,
    origin: PublicOrigin,
    Caller(owner): Caller,
    QueryParams(query): QueryParams<StartQuery>,
    OptionalJsonBody(body): OptionalJsonBody<StartRequest>,
) -> Result<Json<SessionResponse>, ApiError> {
    let options = wire::start_options(query, body)?;
    let started = sessions.start(owner, options).await?;
    session::note_session(&started.record.id);
    let mut response = session_json(&started.record, &origin, &operations);
    response.screenshot = started.screenshot;
    Ok(Json(response))
}

/// Close a session and free its browser context.
///
/// Closing an ended session is not an error: it returns the session as it ended.
#[utoipa::path(
    post,
    path = "/session/close",
    operation_id = "session_close",
    tag = "sessions",
    request_body(content = CloseRequest, description = "Read as JSON whatever the `Content-Type`."),
    responses(
        (status = 200, description = "The session, `closed` (or as it ended before).", body = SessionResponse),
        (status = 400, description = "Invalid input: bad JSON, wrong type, no `session_id`.", body = ErrorBody),
        (status = 401, description = "No or unknown API key.", body = ErrorBody),
        (status = 404, description = "No such session for this key.", body = ErrorBody),
        (status = 413, description = "Request body over 1 MiB.", body = ErrorBody),
        (status = 500, description = "The session's record could not be written.", body = ErrorBody),
    ),
    security(("api_key" = []))
)]
pub async fn close(
    State(sessions): State<Sessions>,
    State(operations): State<Operations>,
    origin: PublicOrigin,
    Caller(owner): Caller,
    JsonBody(request): JsonBody<CloseRequest>,
) -> Result<Json<SessionResponse>, ApiError> {
    let id = request.session_id()?;
    session::note_session(&id);
    let record = sessions.close(&owner, &id).await?;
    Ok(Json(session_json(&record, &origin, &operations)))
}

/// One session. Reading a session does not count as an access.
#[utoipa::path(
    get,
    path = "/session/{id}",
    operation_id = "session_get",
    tag = "sessions",
    params(("id" = String, Path, format = "uuid", description = "The session's id; a value that is not a UUID names no session (`404`).")),
    responses(
        (status = 200, description = "The session.", body = SessionResponse),
        (status = 401, description = "No or unknown API key.", body = ErrorBody),
        (status = 404, description = "No such session for this key.", body = ErrorBody),
        (status = 500, description = "The session's record could not be read.", body = ErrorBody),
    ),
    security(("api_key" = []))
)]
pub async fn get(
    State(sessions): State<Sessions>,
    State(operations): State<Operations>,
    origin: PublicOrigin,
    Caller(owner): Caller,
    Path(id): Path<String>,
) -> Result<Json<SessionResponse>, ApiError> {
    let id = wire::session_id(&id)?;
    session::note_session(&id);
    let record = sessions.get(&owner, &id).await?;
    Ok(Json(session_json(&record, &origin, &operations)))
}

/// The caller's sessions, newest first.
#[utoipa::path(
    get,
    path = "/sessions",
    operation_id = "sessions_list",
    tag = "sessions",
    params(ListQuery),
    responses(
        (status = 200, description = "The caller's sessions, newest first.", body = Vec<SessionResponse>),
        (status = 400, description = "An unknown `status` or a `limit` outside 1..=1000.", body = ErrorBody),
        (status = 401, description = "No or unknown API key.", body = ErrorBody),
        (status = 500, description = "The records could not be read.", body = ErrorBody),
    ),
    security(("api_key" = []))
)]
pub async fn list(
    State(sessions): State<Sessions>,
    State(operations): State<Operations>,
    origin: PublicOrigin,
    Caller(owner): Caller,
    QueryParams(query): QueryParams<ListQuery>,
) -> Result<Json<Vec<SessionResponse>>, ApiError> {
    let offset = query.offset()?;
    let records = sessions
        .list(
            &owner,
            query.status()?,
            offset.saturating_add(query.limit()?).min(100_000),
        )
        .await?;
    Ok(Json(
        records
            .iter()
            .skip(offset as usize)
            .map(|record| session_json(record, &origin, &operations))
            .collect(),
    ))
}

/// The session's history of steps, oldest first.
#[utoipa::path(
    get,
    path = "/session/{id}/steps",
    operation_id = "session_steps",
    tag = "sessions",
    params(("id" = String, Path, format = "uuid", description = "The session's id; a value that is not a UUID names no session (`404`).")),
    responses(
        (status = 200, description = "The steps, oldest first.", body = Vec<StepResponse>),
        (status = 401, description = "No or unknown API key.", body = ErrorBody),
        (status = 404, description = "No such session for this key.", body = ErrorBody),
        (status = 500, description = "The records could not be read.", body = ErrorBody),
    ),
    security(("api_key" = []))
)]
pub async fn steps(
    State(sessions): State<Sessions>,
    Caller(owner): Caller,
    Path(id): Path<String>,
) -> Result<Json<Vec<StepResponse>>, ApiError> {
    let id = wire::session_id(&id)?;
    session::note_session(&id);
    let steps = sessions.steps(&owner, &id).await?;
    Ok(Json(steps.iter().map(StepResponse::new).collect()))
}
