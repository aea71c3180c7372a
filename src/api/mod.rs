//! The HTTP room: router, authentication, wire types, and the one mapping from errors
//! to statuses.
//!
//! Owns everything HTTP: parsing requests into domain values at the edge, and turning
//! results and errors into JSON responses. It knows nothing of CDP or SQL.

mod error;
mod extract;
pub mod routes;
pub mod wire;

use axum::extract::{DefaultBodyLimit, FromRef};
use axum::http::{Method, Uri};
use axum::routing::{get, post};
use axum::Router;
use tower_http::catch_panic::CatchPanicLayer;
use tower_http::trace::TraceLayer;

pub use error::ApiError;
pub use extract::{ApiKeys, Caller, JsonBody};

use crate::session::Sessions;

/// Largest request body accepted (413 beyond).
pub const BODY_LIMIT: usize = 1024 * 1024;

/// What every handler can reach.
#[derive(Clone, FromRef)]
pub struct AppState {
    pub sessions: Sessions,
    pub api_keys: ApiKeys,
}

pub fn router(state: AppState) -> Router {
    Router::new()
        .route("/health", get(routes::health::health))
        .route("/session/start", post(routes::sessions::start))
        .route("/session/close", post(routes::sessions::close))
        .route("/session/{id}", get(routes::sessions::get))
        .route("/sessions", get(routes::sessions::list))
        .route("/env/observe", post(routes::env::observe))
        .route("/env/step", post(routes::env::step))
        .route("/env/scrape", post(routes::env::scrape))
        .route("/session/{id}/steps", get(routes::sessions::steps))
        .fallback(unknown_endpoint)
        .method_not_allowed_fallback(method_not_allowed)
        .layer(DefaultBodyLimit::max(BODY_LIMIT))
        .layer(CatchPanicLayer::custom(
            |_: Box<dyn std::any::Any + Send>| {
                axum::response::IntoResponse::into_response(ApiError::Internal(
                    "internal error: the server hit a bug while handling this request".into(),
                ))
            },
        ))
        .layer(TraceLayer::new_for_http())
        .with_state(state)
}

async fn unknown_endpoint(method: Method, uri: Uri) -> ApiError {
    ApiError::NotFound(format!("no endpoint {method} {}", uri.path()))
}

async fn method_not_allowed(method: Method, uri: Uri) -> ApiError {
    ApiError::MethodNotAllowed(format!("{method} is not allowed on {}", uri.path()))
}
