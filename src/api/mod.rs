//! The HTTP room: router, authentication, wire types, the one mapping from errors to
//! statuses, the OpenAPI document and the request telemetry.
//!
//! Owns everything HTTP: parsing requests into domain values at the edge, and turning
//! results and errors into JSON responses. It knows nothing of CDP or SQL.

mod error;
mod extract;
pub mod forward;
mod openapi;
mod rate;
pub mod routes;
pub mod sdk;
mod telemetry;
mod unread_body;
pub mod wire;

use axum::extract::{DefaultBodyLimit, FromRef};
use axum::http::{Method, Uri};
use axum::response::Redirect;
use axum::routing::get;
use axum::{Extension, Router};
use tower_http::catch_panic::CatchPanicLayer;
use tower_http::request_id::{MakeRequestUuid, PropagateRequestIdLayer, SetRequestIdLayer};
use utoipa::OpenApi;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub use error::{ApiError, ErrorBody};
pub use extract::{ApiKeys, Caller, JsonBody};
pub use rate::KeyRates;
pub use telemetry::Metrics;

use crate::ops::Operations;
use crate::session::Sessions;

/// Largest request body accepted (413 beyond).
pub const BODY_LIMIT: usize = 1024 * 1024;

/// Largest storage state a profile takes (`POST /profiles`, its import): a site's local
/// storage alone may pass [`BODY_LIMIT`].
pub const STATE_LIMIT: usize = 16 * 1024 * 1024;

/// The largest upload `POST /session/{id}/files` takes, in bytes (413 beyond).
#[derive(Debug, Clone, Copy)]
pub struct UploadLimit(pub usize);

/// What every handler can reach.
#[derive(Clone, FromRef)]
pub struct AppState {
    pub sessions: Sessions,
    pub operations: Operations,
    pub upload_limit: UploadLimit,
    pub api_keys: ApiKeys,
    pub rates: KeyRates,
    pub metrics: Metrics,
    /// This node's cluster, with `--database-url`: requests for sessions held by other
    /// nodes are sent there (`forward.rs`).
    pub cluster: Option<crate::cluster::Cluster>,
}

/// The API's OpenAPI document, as `/openapi.json` serves it.
pub fn openapi() -> utoipa::openapi::OpenApi {
    described_routes().split_for_parts().1
}

/// Every endpoint with its handler and its description.
fn described_routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::with_openapi(openapi::ApiDoc::openapi())
        .routes(routes!(routes::sessions::start))
        .routes(routes!(routes::sessions::close))
        .routes(routes!(routes::sessions::get))
        .routes(routes!(routes::sessions::list))
        .routes(routes!(routes::sessions::steps))
        .routes(routes!(routes::env::observe))
        .routes(routes!(routes::env::step))
        .routes(routes!(routes::env::scrape))
        .routes(routes!(routes::files::list))
        .routes(routes!(routes::files::read))
        .routes(with_body_limit(
            routes!(routes::files::upload),
            DefaultBodyLimit::disable(),
        ))
        .routes(with_body_limit(
            routes!(routes::profiles::create),
            DefaultBodyLimit::max(STATE_LIMIT),
        ))
        .routes(routes!(routes::profiles::list))
        .routes(routes!(routes::profiles::get))
        .routes(routes!(routes::profiles::delete))
        .routes(routes!(routes::profiles::export))
        .routes(with_body_limit(
            routes!(routes::profiles::import),
            DefaultBodyLimit::max(STATE_LIMIT),
        ))
        .routes(routes!(routes::profiles::save))
        .routes(routes!(routes::cdp::debug))
        .routes(routes!(routes::cdp::connect))
        .routes(routes!(routes::live::page))
        .routes(routes!(routes::live::stream))
        .routes(routes!(routes::replay::replay))
        .routes(routes!(routes::replay::picture))
        .routes(routes!(sdk::sessions::start))
        .routes(routes!(sdk::sessions::get))
        .routes(routes!(sdk::sessions::stop))
        .routes(routes!(sdk::sessions::debug))
        .routes(routes!(sdk::sessions::replay))
        .routes(routes!(sdk::page::observe))
        .routes(routes!(sdk::page::execute))
        .routes(routes!(sdk::page::scrape))
        .routes(routes!(sdk::page::screenshot))
        .routes(routes!(sdk::files::cookies, sdk::files::set_cookies))
        .routes(routes!(sdk::files::files, sdk::files::upload))
        .routes(routes!(sdk::files::create_profile))
        .routes(routes!(sdk::files::save_profile))
        .routes(routes!(routes::health::health))
        .routes(routes!(telemetry::metrics))
        .routes(routes!(openapi::document))
}

/// A route that reads its body under a limit of its own instead of [`BODY_LIMIT`]: an
/// upload (none here: the handler counts against [`UploadLimit`]), a storage state
/// ([`STATE_LIMIT`]).
fn with_body_limit(
    route: utoipa_axum::router::UtoipaMethodRouter<AppState>,
    limit: DefaultBodyLimit,
) -> utoipa_axum::router::UtoipaMethodRouter<AppState> {
    let (schemas, paths, method_router) = route;
    (schemas, paths, method_router.layer(limit))
}

pub fn router(state: AppState) -> Router {
    let (api, document) = described_routes().split_for_parts();
    let forwarder = state.cluster.clone().map(forward::Forwarder::new);
    let routed = api
        .merge(openapi::reference())
        .route("/", get(|| async { Redirect::to(openapi::DOCS_HOME) }))
        // The Notte SDK lists sessions at `/sessions/`.
        .route("/sessions/", get(routes::sessions::list))
        .route("/sessions/{id}/files/{name}", get(routes::files::read))
        .route("/ui", get(routes::ui::sessions))
        .route("/ui/", get(routes::ui::sessions))
        .route("/ui/style.css", get(routes::ui::style))
        .route(
            "/session/{id}/cdp/{token}",
            get(routes::cdp::connect_with_token),
        )
        .route(
            "/session/{id}/cdp/{token}/",
            get(routes::cdp::connect_with_token),
        )
        .route(
            "/session/{id}/cdp/{token}/json/version",
            get(routes::cdp::version),
        )
        .route(
            "/session/{id}/cdp/{token}/json/version/",
            get(routes::cdp::version),
        )
        // Clients that append `/json/version` to the address they were given, slash and all.
        .route(
            "/session/{id}/cdp/{token}//json/version",
            get(routes::cdp::version),
        )
        .fallback(unknown_endpoint)
        .method_not_allowed_fallback(method_not_allowed)
        .layer(Extension(openapi::Document::new(&document)))
        .layer(DefaultBodyLimit::max(BODY_LIMIT))
        .layer(axum::middleware::from_fn(
            unread_body::close_when_body_unread,
        ))
        .layer(CatchPanicLayer::custom(
            |_: Box<dyn std::any::Any + Send>| {
                axum::response::IntoResponse::into_response(ApiError::Internal(
                    "internal error: the server hit a bug while handling this request".into(),
                ))
            },
        ));
    let routed = match forwarder {
        Some(forwarder) => routed.layer(axum::middleware::from_fn_with_state(
            forwarder,
            forward::route,
        )),
        None => routed,
    };
    routed
        .layer(axum::middleware::from_fn(telemetry::observe_request))
        .layer(PropagateRequestIdLayer::new(telemetry::REQUEST_ID))
        .layer(SetRequestIdLayer::new(
            telemetry::REQUEST_ID,
            MakeRequestUuid,
        ))
        .with_state(state)
}

async fn unknown_endpoint(method: Method, uri: Uri) -> ApiError {
    ApiError::NotFound(format!("no endpoint {method} {}", uri.path()))
}

async fn method_not_allowed(method: Method, uri: Uri) -> ApiError {
    ApiError::MethodNotAllowed(format!("{method} is not allowed on {}", uri.path()))
}
