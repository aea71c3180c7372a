//! `/session/start`, `/session/close`, `GET /session/{id}`, `GET /sessions`.

use axum::extract::{Path, State};
use axum::Json;
use chrono::Utc;

use crate::api::error::ApiError;
use crate::api::extract::{Caller, JsonBody, OptionalJsonBody, QueryParams};
use crate::api::wire::{
    self, CloseRequest, ListQuery, SessionFields, SessionResponse, StartQuery, StepResponse,
};
use crate::session::Sessions;

pub async fn start(
    State(sessions): State<Sessions>,
    Caller(owner): Caller,
    QueryParams(query): QueryParams<StartQuery>,
    OptionalJsonBody(body): OptionalJsonBody<SessionFields>,
) -> Result<Json<SessionResponse>, ApiError> {
    let options = wire::start_options(query, body)?;
    let started = sessions.start(owner, options).await?;
    let mut response = SessionResponse::new(&started.record, Utc::now());
    response.screenshot = started.screenshot;
    Ok(Json(response))
}

pub async fn close(
    State(sessions): State<Sessions>,
    Caller(owner): Caller,
    JsonBody(request): JsonBody<CloseRequest>,
) -> Result<Json<SessionResponse>, ApiError> {
    let id = request.session_id()?;
    let record = sessions.close(&owner, &id).await?;
    Ok(Json(SessionResponse::new(&record, Utc::now())))
}

pub async fn get(
    State(sessions): State<Sessions>,
    Caller(owner): Caller,
    Path(id): Path<String>,
) -> Result<Json<SessionResponse>, ApiError> {
    let id = wire::session_id(&id)?;
    let record = sessions.get(&owner, &id).await?;
    Ok(Json(SessionResponse::new(&record, Utc::now())))
}

pub async fn list(
    State(sessions): State<Sessions>,
    Caller(owner): Caller,
    QueryParams(query): QueryParams<ListQuery>,
) -> Result<Json<Vec<SessionResponse>>, ApiError> {
    let records = sessions
        .list(&owner, query.status()?, query.limit()?)
        .await?;
    let now = Utc::now();
    Ok(Json(
        records
            .iter()
            .map(|record| SessionResponse::new(record, now))
            .collect(),
    ))
}

pub async fn steps(
    State(sessions): State<Sessions>,
    Caller(owner): Caller,
    Path(id): Path<String>,
) -> Result<Json<Vec<StepResponse>>, ApiError> {
    let id = wire::session_id(&id)?;
    let steps = sessions.steps(&owner, &id).await?;
    Ok(Json(steps.iter().map(StepResponse::new).collect()))
}
