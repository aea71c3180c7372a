//! A session's CDP endpoint over HTTP: the WebSocket that Playwright's `connectOverCDP`,
//! Puppeteer's `connect` and other DevTools clients open, the discovery path they probe
//! (`…/json/version`), and `GET /session/{id}/debug`, which gives the links.
//!
//! A client proves itself with the session's token (in the query, `?token=…`, or in the
//! path, `/session/{id}/cdp/{token}`, for clients that build discovery URLs by appending
//! to the one they were given) or with its owner's API key as a Bearer header. Then the
//! socket's frames are carried to and from the operations room, which confines the client
//! to the session.

use axum::extract::ws::rejection::WebSocketUpgradeRejection;
use axum::extract::ws::{CloseFrame, Message, WebSocket, WebSocketUpgrade};
use axum::extract::{Path, Query, State};
use axum::response::Response;
use axum::Json;
use chrono::Utc;
use futures_util::{SinkExt, StreamExt};
use serde::{Deserialize, Serialize};
use tokio::sync::mpsc;
use utoipa::ToSchema;

use crate::api::error::{ApiError, ErrorBody};
use crate::api::extract::{Caller, OptionalCaller, PublicOrigin};
use crate::api::wire::{self, SessionResponse};
use crate::browser::{ClientFrame, ServerFrame};
use crate::domain::{SessionId, SessionRecord, SessionStatus};
use crate::ops::Operations;
use crate::session::{self, CdpClient, Credential};

/// The largest CDP message a client may send (a page's HTML set in one command fits): a
/// larger one closes the socket with code 1009 and says so.
const MAX_MESSAGE: usize = 32 * 1024 * 1024;
/// What the WebSocket reads at all before it gives up on a client without a word: room
/// for a message just over [`MAX_MESSAGE`] to be read and answered with a reason.
const MAX_READ: usize = 2 * MAX_MESSAGE;
/// Frames in flight each way between the socket and the proxy.
const FRAMES_IN_FLIGHT: usize = 256;

#[derive(Debug, Deserialize)]
pub struct TokenQuery {
    pub(super) token: Option<String>,
}

/// The links to a session's CDP endpoint.
#[derive(Debug, Serialize, ToSchema)]
pub struct DebugResponse {
    /// The WebSocket a DevTools client connects to (`connectOverCDP`,
    /// `puppeteer.connect({browserWSEndpoint})`).
    #[schema(format = "uri")]
    pub cdp_url: String,
    /// The same endpoint for clients that take an HTTP address and discover the WebSocket
    /// at `…/json/version` (`connectOverCDP("http://…")`, `puppeteer.connect({browserURL})`).
    #[schema(format = "uri")]
    pub cdp_http_url: String,
    /// A page that shows the session live (`&control=1` to take over).
    #[schema(format = "uri")]
    pub viewer_url: String,
    pub status: SessionStatus,
}

/// The session object, with its `cdp_url` and `viewer_url` while it is active, and its
/// `replay_url`.
pub fn session_json(
    record: &SessionRecord,
    origin: &PublicOrigin,
    operations: &Operations,
) -> SessionResponse {
    let mut response = SessionResponse::new(record, Utc::now());
    let token = operations.cdp_token(&record.id);
    let page = |name: &str| {
        format!(
            "{}/session/{}/{name}?token={token}",
            origin.http(),
            record.id
        )
    };
    if record.status == SessionStatus::Active {
        response.cdp_url = Some(cdp_url(origin, operations, &record.id));
        response.viewer_url = Some(page("live"));
    }
    response.replay_url = Some(page("replay"));
    response
}

/// The WebSocket URL of session `id`'s CDP endpoint, as `origin` reaches this server.
pub fn cdp_url(origin: &PublicOrigin, operations: &Operations, id: &SessionId) -> String {
    format!(
        "{}/session/{id}/cdp?token={}",
        origin.websocket(),
        operations.cdp_token(id)
    )
}

fn cdp_http_url(origin: &PublicOrigin, operations: &Operations, id: &SessionId) -> String {
    // The slash at the end makes a client that resolves `json/version/` against it (as
    // Playwright does) stay under the token.
    format!(
        "{}/session/{id}/cdp/{}/",
        origin.http(),
        operations.cdp_token(id)
    )
}

/// The links to the session's CDP endpoint.
#[utoipa::path(
    get,
    path = "/session/{id}/debug",
    operation_id = "session_debug",
    tag = "cdp",
    params(("id" = String, Path, format = "uuid", description = "The session's id.")),
    responses(
        (status = 200, description = "The links; a DevTools client connects to `cdp_url`.", body = DebugResponse),
        (status = 401, description = "No or unknown API key.", body = ErrorBody),
        (status = 404, description = "No such session for this key.", body = ErrorBody),
        (status = 410, description = "The session has ended.", body = ErrorBody),
        (status = 500, description = "The session's record could not be read.", body = ErrorBody),
    ),
    security(("api_key" = []))
)]
pub async fn debug(
    State(operations): State<Operations>,
    Caller(owner): Caller,
    origin: PublicOrigin,
    Path(id): Path<String>,
) -> Result<Json<DebugResponse>, ApiError> {
    let id = wire::session_id(&id)?;
    session::note_session(&id);
    let record = operations.sessions().get(&owner, &id).await?;
    if record.status != SessionStatus::Active {
        return Err(session::SessionError::Ended(Box::new(record)).into());
    }
    let json = session_json(&record, &origin, &operations);
    Ok(Json(DebugResponse {
        cdp_url: cdp_url(&origin, &operations, &id),
        cdp_http_url: cdp_http_url(&origin, &operations, &id),
        viewer_url: json.viewer_url.unwrap_or_default(),
        status: record.status,
    }))
}

/// Connect a DevTools client to the session (a WebSocket upgrade).
///
/// The client sees the session's browser context as the browser's only one: its pages,
/// its cookies; it cannot reach other sessions or close the browser. When the session
/// ends, the socket is closed with the reason.
#[utoipa::path(
    get,
    path = "/session/{id}/cdp",
    operation_id = "session_cdp",
    tag = "cdp",
    params(
        ("id" = String, Path, format = "uuid", description = "The session's id."),
    ),
    responses(
        (status = 101, description = "Switching to the WebSocket; CDP messages follow."),
        (status = 400, description = "Not a WebSocket upgrade.", body = ErrorBody),
        (status = 401, description = "A missing or wrong token (and no API key).", body = ErrorBody),
        (status = 404, description = "No such session for this key.", body = ErrorBody),
        (status = 410, description = "The session has ended.", body = ErrorBody),
        (status = 500, description = "The session's record could not be read.", body = ErrorBody),
    ),
    security(("api_key" = []), ("session_token" = []))
)]
pub async fn connect(
    State(operations): State<Operations>,
    OptionalCaller(owner): OptionalCaller,
    Path(id): Path<String>,
    Query(query): Query<TokenQuery>,
    upgrade: Result<WebSocketUpgrade, WebSocketUpgradeRejection>,
) -> Result<Response, ApiError> {
    let id = wire::session_id(&id)?;
    let credential = credential(query.token, owner)?;
    open(operations, id, credential, upgrade).await
}

/// [`connect`], with the token in the path.
pub async fn connect_with_token(
    State(operations): State<Operations>,
    Path((id, token)): Path<(String, String)>,
    upgrade: Result<WebSocketUpgrade, WebSocketUpgradeRejection>,
) -> Result<Response, ApiError> {
    let id = wire::session_id(&id)?;
    open(operations, id, Credential::Token(token), upgrade).await
}

/// What DevTools clients read at `/json/version` to find the browser's WebSocket.
#[derive(Debug, Serialize)]
pub struct VersionResponse {
    #[serde(rename = "Browser")]
    browser: String,
    #[serde(rename = "Protocol-Version")]
    protocol_version: &'static str,
    #[serde(rename = "webSocketDebuggerUrl")]
    web_socket_debugger_url: String,
}

/// `…/cdp/{token}/json/version`: discovery for clients given an HTTP address.
pub async fn version(
    State(operations): State<Operations>,
    origin: PublicOrigin,
    Path((id, token)): Path<(String, String)>,
) -> Result<Json<VersionResponse>, ApiError> {
    let id = wire::session_id(&id)?;
    session::note_session(&id);
    operations.check_cdp(&id, &Credential::Token(token)).await?;
    Ok(Json(VersionResponse {
        browser: format!("browserd/{} (Chromium)", env!("CARGO_PKG_VERSION")),
        protocol_version: "1.3",
        web_socket_debugger_url: cdp_url(&origin, &operations, &id),
    }))
}

/// The session's token when one is given, else the caller's key.
pub(super) fn credential(
    token: Option<String>,
    owner: Option<crate::domain::Owner>,
) -> Result<Credential, ApiError> {
    match (token, owner) {
        (Some(token), _) => Ok(Credential::Token(token)),
        (None, Some(owner)) => Ok(Credential::Owner(owner)),
        (None, None) => Err(session::SessionError::BadToken.into()),
    }
}

/// Checks the client's right to the session, then upgrades and serves it.
async fn open(
    operations: Operations,
    id: SessionId,
    credential: Credential,
    upgrade: Result<WebSocketUpgrade, WebSocketUpgradeRejection>,
) -> Result<Response, ApiError> {
    session::note_session(&id);
    let client = operations.cdp_client(&id, &credential).await?;
    let upgrade = upgrade.map_err(|rejection| {
        ApiError::BadRequest(format!(
            "this is a session's CDP endpoint: connect with a WebSocket ({rejection}); \
             clients that take an HTTP address find it at …/cdp/{{token}}/json/version"
        ))
    })?;
    Ok(upgrade
        .max_message_size(MAX_READ)
        .max_frame_size(MAX_READ)
        .on_upgrade(move |socket| carry(socket, operations, id, client)))
}

/// Carries frames between the socket and the proxy until either ends.
async fn carry(socket: WebSocket, operations: Operations, id: SessionId, client: CdpClient) {
    let (mut sink, mut stream) = socket.split();
    let (to_proxy, from_client) = mpsc::channel::<ClientFrame>(FRAMES_IN_FLIGHT);
    let (to_client, mut from_proxy) = mpsc::channel::<ServerFrame>(FRAMES_IN_FLIGHT);
    let proxy = tokio::spawn({
        let id = id.clone();
        async move {
            operations
                .serve_cdp(&id, client, from_client, to_client)
                .await
        }
    });
    // Owns the way to the proxy: once it is dropped, the proxy sees the client gone.
    let reading = async move {
        while let Some(message) = stream.next().await {
            let text = match message {
                Ok(Message::Text(text)) => text.to_string(),
                Ok(Message::Binary(bytes)) => String::from_utf8_lossy(&bytes).into_owned(),
                Ok(Message::Close(_)) => return None,
                Ok(Message::Ping(_) | Message::Pong(_)) => continue,
                // A protocol error (1002): the socket may be past answering, but it is told
                // if it can be.
                Err(error) => return Some((1002, format!("the connection failed: {error}"))),
            };
            if text.len() > MAX_MESSAGE {
                let reason = format!(
                    "a CDP message is limited to {} MiB",
                    MAX_MESSAGE / 1024 / 1024
                );
                return Some((1009, reason));
            }
            if to_proxy.send(text).await.is_err() {
                return None;
            }
        }
        None
    };
    let writing = async {
        while let Some(frame) = from_proxy.recv().await {
            let message = match frame {
                ServerFrame::Text(text) => Message::Text(text.into()),
                ServerFrame::Close(reason) => return Some(close(1001, &reason)),
            };
            if sink.send(message).await.is_err() {
                return None;
            }
        }
        None
    };
    let last = tokio::select! {
        failed = reading => failed.map(|(code, reason)| close(code, &reason)),
        closing = writing => closing,
    };
    if let Some(last) = last {
        let _ = sink.send(last).await;
    }
    if let Err(error) = proxy.await {
        tracing::warn!(session_id = %id, %error, "a CDP client's proxy stopped");
    }
}

/// A close frame; its reason cut to what the protocol allows (123 bytes).
fn close(code: u16, reason: &str) -> Message {
    let mut end = reason.len().min(123);
    while !reason.is_char_boundary(end) {
        end -= 1;
    }
    Message::Close(Some(CloseFrame {
        code,
        reason: reason[..end].into(),
    }))
}
