//! The OpenAPI 3.1 document of the API and the interactive reference rendered from it.
//!
//! The document is generated from the wire types (`ToSchema`) and the handlers'
//! `#[utoipa::path]` attributes, collected by the same router that serves them, so a
//! route cannot exist without its description. It is served at `/openapi.json`; `/docs`
//! renders it with Swagger UI, whose assets are compiled into the binary (no network).

use std::sync::Arc;

use axum::http::header;
use axum::response::{IntoResponse, Response};
use axum::{Extension, Router};
use utoipa::openapi::security::{ApiKey, ApiKeyValue, HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::{Modify, OpenApi};
use utoipa_swagger_ui::{Config, SwaggerUi};

/// Where the document is served.
pub const DOCUMENT_PATH: &str = "/openapi.json";
/// Where the reference is served (`/docs` redirects to `/docs/`, its page).
pub const DOCS_PATH: &str = "/docs";
pub const DOCS_HOME: &str = "/docs/";

#[derive(OpenApi)]
#[openapi(
    info(
        title = "browserd",
        description = "Real headless-browser sessions for programs and LLM agents, in the wire format of the Notte v1.2 API.\n\n\
Start a session, **observe** a page as a numbered list of actions (`L3` a link, `B2` a button, `I1` a text box, `S1`…`S8` browser actions), **step** by id, **scrape** the page into markdown, and close the session.\n\n\
Every endpoint but `/health`, `/metrics` and this document needs `Authorization: Bearer <api key>` (a session's CDP endpoint also takes the session's own token, as its `cdp_url` carries it). \
With `--requests-per-minute-per-key` set, any request with a key may be answered `429` with `Retry-After` (seconds); with `--max-sessions-per-key`, a start beyond a key's share likewise. \
Every error is JSON `{\"error\": \"…\"}`. Every response carries an `x-request-id` header (the client's own, when it sent one), which the server's log line for the request repeats.",
        license(name = "MIT", identifier = "MIT")
    ),
    modifiers(&ApiKeyScheme),
    tags(
        (name = "sessions", description = "Start, read, list and close sessions."),
        (name = "env", description = "Act in a session's page: observe, step, scrape."),
        (name = "files", description = "A session's files: its downloads, and uploads for its file inputs."),
        (name = "profiles", description = "Logins kept across sessions: cookies and local storage, sealed at rest; Playwright's storage state in and out."),
        (name = "cdp", description = "A session's Chrome DevTools Protocol endpoint, for Playwright, Puppeteer and other DevTools clients."),
        (name = "notte-sdk", description = "The Notte SDK 1.10 dialect (`/sessions/…`, `/sessions/{id}/page/…`): the same operations as v1.2, for `NotteClient(api_key=…, server_url=…)`."),
        (name = "viewer", description = "See what a session does: its live view (and take-over), its replay. The sessions page for people is `/ui`."),
        (name = "service", description = "Health, metrics and this document; no key needed."),
    )
)]
pub struct ApiDoc;

/// The API key, sent as a bearer token (see `extract::Caller`).
struct ApiKeyScheme;

impl Modify for ApiKeyScheme {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        openapi
            .components
            .get_or_insert_with(Default::default)
            .add_security_scheme(
                "api_key",
                SecurityScheme::Http(
                    HttpBuilder::new()
                        .scheme(HttpAuthScheme::Bearer)
                        .description(Some(
                            "An API key of the server (`--api-keys`, or the key generated into `<data-dir>/api_key`).",
                        ))
                        .build(),
                ),
            );
        openapi
            .components
            .get_or_insert_with(Default::default)
            .add_security_scheme(
                "session_token",
                SecurityScheme::ApiKey(ApiKey::Query(ApiKeyValue::with_description(
                    "token",
                    "A session's own token, as its `cdp_url` carries it: it opens that session's CDP endpoint and nothing else.",
                ))),
            );
    }
}

/// The document, serialised once.
#[derive(Clone)]
pub struct Document(Arc<str>);

impl Document {
    pub fn new(document: &utoipa::openapi::OpenApi) -> Self {
        let json = serde_json::to_string(document).unwrap_or_else(|error| {
            format!(r#"{{"error": "the document cannot be written: {error}"}}"#)
        });
        Self(json.into())
    }
}

/// This document: the API in OpenAPI 3.1.
#[utoipa::path(
    get,
    path = "/openapi.json",
    operation_id = "openapi",
    tag = "service",
    responses((status = 200, description = "The OpenAPI 3.1 document of this API.", body = Object))
)]
pub async fn document(Extension(document): Extension<Document>) -> Response {
    (
        [(header::CONTENT_TYPE, "application/json")],
        document.0.to_string(),
    )
        .into_response()
}

/// Swagger UI at `/docs/`, reading the document from `/openapi.json`, with "Try it out"
/// on and the key kept across reloads.
pub fn reference<S: Clone + Send + Sync + 'static>() -> Router<S> {
    let config = Config::new([DOCUMENT_PATH])
        .try_it_out_enabled(true)
        .persist_authorization(true)
        .display_request_duration(true)
        .validator_url("none");
    SwaggerUi::new(DOCS_PATH).config(config).into()
}
