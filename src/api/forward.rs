//! Routing a request to the node of the cluster that holds its session (`cluster`),
//! transparently: HTTP requests are sent on as they came (method, path, headers — `Host`
//! too, so the links an answer carries point where the client went — and body, streamed),
//! and a WebSocket's upgrade (a CDP client, a live viewer) is sent on and then its bytes
//! are carried both ways. A start goes where placement says. Installed only with
//! `--database-url`.
//!
//! Owns which requests name a session (the path's `/session/{id}` or `/sessions/{id}`, or
//! `session_id` in the body of `/env/*` and `/session/close`) and which start one. `GET
//! /session/{id}` and the lists answer from the shared store on any node.

use std::str::FromStr;

use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::{header, HeaderName, HeaderValue, Method, StatusCode, Uri};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::client::legacy::Client;
use hyper_util::rt::{TokioExecutor, TokioIo};

use super::{ApiError, BODY_LIMIT};
use crate::cluster::{Cluster, Placement};
use crate::domain::{NodeId, SessionId};

/// Set on a request one node sends another: the receiver serves it itself, never sends
/// it on again.
pub const FORWARDED_BY: HeaderName = HeaderName::from_static("browserd-forwarded-by");

/// A caller's choice of node for a start.
pub const NODE: HeaderName = HeaderName::from_static("browserd-node");

/// The cluster and the connections to the other nodes; cheap to clone.
#[derive(Clone)]
pub struct Forwarder {
    cluster: Cluster,
    client: Client<HttpConnector, Body>,
}

impl Forwarder {
    pub fn new(cluster: Cluster) -> Self {
        let mut connector = HttpConnector::new();
        // A forwarded observe is a short request on a kept connection: no Nagle delay.
        connector.set_nodelay(true);
        let client = Client::builder(TokioExecutor::new())
            .pool_idle_timeout(std::time::Duration::from_secs(60))
            .build(connector);
        Self { cluster, client }
    }
}

/// What a request is, for routing.
enum Aim {
    /// Served here whatever the cluster.
    Here,
    /// Starts a session.
    Start,
    /// Names a session.
    Session(SessionId),
}

/// The middleware: serves here, or sends the request to the node it belongs on.
pub async fn route(State(forwarder): State<Forwarder>, request: Request, next: Next) -> Response {
    if request.headers().contains_key(FORWARDED_BY) {
        return next.run(request).await;
    }
    let (request, aim) = match aim(request).await {
        Ok(aimed) => aimed,
        Err(refused) => return refused.into_response(),
    };
    match aim {
        Aim::Here => next.run(request).await,
        Aim::Start => {
            let named = match named_node(&request) {
                Ok(named) => named,
                Err(refused) => return refused.into_response(),
            };
            match forwarder.cluster.place(named.as_ref()).await {
                Ok(Placement::Here) => next.run(request).await,
                Ok(Placement::There(node)) => forwarder.forward(request, &node.url, None).await,
                Err(error) => ApiError::from(error).into_response(),
            }
        }
        Aim::Session(id) => match forwarder.cluster.holder(&id).await {
            Ok(None) => next.run(request).await,
            Ok(Some(holder)) => forwarder.forward(request, &holder.url, Some(&id)).await,
            Err(error) => ApiError::from(error).into_response(),
        },
    }
}

fn named_node(request: &Request) -> Result<Option<NodeId>, ApiError> {
    request
        .headers()
        .get(&NODE)
        .map(|value| {
            value
                .to_str()
                .map_err(|_| "not text".to_string())
                .and_then(NodeId::from_str)
                .map_err(|e| ApiError::BadRequest(format!("`{NODE}` header: {e}")))
        })
        .transpose()
}

/// Reads what a request is aimed at; the body of the few routes that carry the session's
/// id in it is read (under [`BODY_LIMIT`]) and put back.
async fn aim(request: Request) -> Result<(Request, Aim), ApiError> {
    let path = request.uri().path().trim_end_matches('/').to_string();
    let segments: Vec<&str> = path.split('/').skip(1).collect();
    let post = request.method() == Method::POST;
    let aim = match segments.as_slice() {
        ["session" | "sessions", "start"] if post => Aim::Start,
        ["session", _] if request.method() == Method::GET => Aim::Here,
        ["env", "observe" | "step" | "scrape"] | ["session", "close"] if post => {
            return in_body(request, segments[0] == "env").await;
        }
        ["session" | "sessions", id, ..] => match id.parse() {
            Ok(id) => Aim::Session(id),
            Err(_) => Aim::Here,
        },
        _ => Aim::Here,
    };
    Ok((request, aim))
}

/// A request whose body (or query) names its session; without one, an `/env/*` call
/// starts a session.
async fn in_body(request: Request, starts_without: bool) -> Result<(Request, Aim), ApiError> {
    #[derive(serde::Deserialize)]
    struct Named {
        session_id: Option<String>,
    }
    let from_query = request.uri().query().and_then(query_session_id);
    let (parts, body) = request.into_parts();
    let bytes = axum::body::to_bytes(body, BODY_LIMIT)
        .await
        .map_err(|_| ApiError::PayloadTooLarge)?;
    let from_body = serde_json::from_slice::<Option<Named>>(&bytes)
        .ok()
        .flatten()
        .and_then(|named| named.session_id);
    let request = Request::from_parts(parts, Body::from(bytes));
    let aim = match from_body.or(from_query) {
        Some(id) => id.parse().map(Aim::Session).unwrap_or(Aim::Here),
        None if starts_without => Aim::Start,
        None => Aim::Here,
    };
    Ok((request, aim))
}

/// `session_id` from a query string.
fn query_session_id(query: &str) -> Option<String> {
    url::form_urlencoded::parse(query.as_bytes())
        .find(|(key, _)| key == "session_id")
        .map(|(_, value)| value.into_owned())
}

impl Forwarder {
    /// Sends `request` to the node at `base` and answers what it answers; a WebSocket's
    /// upgrade is carried through.
    async fn forward(
        &self,
        mut request: Request,
        base: &str,
        session: Option<&SessionId>,
    ) -> Response {
        let upgrading = request.headers().contains_key(header::UPGRADE);
        let incoming = upgrading.then(|| hyper::upgrade::on(&mut request));
        let path = request
            .uri()
            .path_and_query()
            .map(|p| p.as_str())
            .unwrap_or("/");
        let uri = match format!("{base}{path}").parse::<Uri>() {
            Ok(uri) => uri,
            Err(error) => {
                return ApiError::Internal(format!("the node address {base:?}: {error}"))
                    .into_response()
            }
        };
        let (mut parts, body) = request.into_parts();
        parts.uri = uri;
        parts.version = axum::http::Version::HTTP_11;
        parts.extensions = Default::default();
        parts.headers.remove(header::TRANSFER_ENCODING);
        if let Ok(me) = HeaderValue::from_str(self.cluster.me().id.as_str()) {
            parts.headers.insert(FORWARDED_BY, me);
        }
        let sent = self.client.request(Request::from_parts(parts, body)).await;
        let mut response = match sent {
            Ok(response) => response,
            Err(error) => {
                if let Some(id) = session {
                    self.cluster.forget(id);
                }
                tracing::warn!(%error, node = base, "cannot reach the node a request belongs on");
                let held = session
                    .map(|id| format!("session {id} "))
                    .unwrap_or_default();
                return ApiError::Unavailable(format!(
                    "the node holding {held}cannot be reached now; retry shortly (if it does not come back, its sessions end as `error`)"
                ))
                .into_response();
            }
        };
        if response.status() == StatusCode::SWITCHING_PROTOCOLS {
            if let Some(incoming) = incoming {
                let outgoing = hyper::upgrade::on(&mut response);
                tokio::spawn(async move {
                    let (Ok(client), Ok(node)) = tokio::join!(incoming, outgoing) else {
                        return;
                    };
                    let (mut client, mut node) = (TokioIo::new(client), TokioIo::new(node));
                    let _ = tokio::io::copy_bidirectional(&mut client, &mut node).await;
                });
            }
            return response.map(|_| Body::empty());
        }
        response.headers_mut().remove(header::TRANSFER_ENCODING);
        response.headers_mut().remove(header::CONNECTION);
        response.map(Body::new)
    }
}
