//! `GET /health`: no key needed.

use axum::extract::State;
use axum::Json;

use crate::api::wire::HealthResponse;
use crate::session::Sessions;

/// Whether the server is up, and how many sessions it holds.
#[utoipa::path(
    get,
    path = "/health",
    tag = "service",
    responses((status = 200, description = "The server is up.", body = HealthResponse))
)]
pub async fn health(State(sessions): State<Sessions>) -> Json<HealthResponse> {
    Json(HealthResponse {
        status: "ok",
        active_sessions: sessions.active_count(),
        version: env!("CARGO_PKG_VERSION"),
    })
}
