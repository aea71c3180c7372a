//! A session's live view over HTTP: the page a person opens (`/session/{id}/live`) and
//! the WebSocket it draws from (`/session/{id}/live/ws`).
//!
//! The socket sends the session's screencast as binary JPEG messages (each after a
//! `viewport` message when the size changes) and JSON text messages for what else a
//! person follows: `hello`, `tabs`, `step`, `missed`, `ended`, `error`. A viewer opened
//! with `control=1` sends the person's input back as JSON (`mouse`, `wheel`, `key`),
//! parsed here into the operations room's [`Touch`]. A token in the query (from the
//! session's `viewer_url`) or the owner's key opens both.

use axum::extract::ws::rejection::WebSocketUpgradeRejection;
use axum::extract::ws::{CloseFrame, Message, WebSocket, WebSocketUpgrade};
use axum::extract::{Path, Query, State};
use axum::response::Response;
use futures_util::{SinkExt, StreamExt};
use serde::Deserialize;
use serde_json::json;
use tokio::sync::mpsc;
use tokio::sync::mpsc::error::TrySendError;

use super::cdp::credential;
use crate::api::error::{ApiError, ErrorBody};
use crate::api::extract::OptionalCaller;
use crate::api::wire::{self, StepResponse};
use crate::domain::SessionId;
use crate::ops::{Hands, MouseButton, MouseKind, Operations, Seen, Touch, Viewer};
use crate::session;

/// The live view's page: self-contained, it draws from the socket beside it.
pub const LIVE_PAGE: &str = include_str!("../pages/live.html");
/// The largest input message a viewer sends (a key's text, a click): anything bigger is
/// not input.
const MAX_INPUT: usize = 4096;
/// A person's inputs waiting for the page, and their failures waiting for the socket.
const INPUTS_IN_FLIGHT: usize = 256;
/// Steps shown to a viewer that arrives after them.
const RECENT_STEPS: usize = 20;

#[derive(Debug, Deserialize)]
pub struct ViewQuery {
    token: Option<String>,
    /// `1` or `true`: the person may take over with mouse, wheel and keys.
    control: Option<String>,
}

impl ViewQuery {
    fn controls(&self) -> Result<bool, ApiError> {
        match self.control.as_deref() {
            None | Some("0") | Some("false") => Ok(false),
            Some("1") | Some("true") => Ok(true),
            Some(other) => Err(ApiError::BadRequest(format!(
                "`control` is `1` (take over) or `0` (watch); got {other:?}"
            ))),
        }
    }
}

/// The live view of a session: its page as it changes, its tabs and the agent's steps.
#[utoipa::path(
    get,
    path = "/session/{id}/live",
    operation_id = "session_live",
    tag = "viewer",
    params(
        ("id" = String, Path, format = "uuid", description = "The session's id."),
        ("token" = Option<String>, Query, description = "The session's token, as its `viewer_url` carries it (or an API key as a Bearer header)."),
        ("control" = Option<String>, Query, description = "`1` to take over: clicks, wheel and keys go to the page."),
    ),
    responses(
        (status = 200, description = "The page (HTML).", content_type = "text/html", body = String),
        (status = 400, description = "A `control` other than `0`/`1`.", body = ErrorBody),
        (status = 401, description = "A missing or wrong token (and no API key).", body = ErrorBody),
        (status = 404, description = "No such session for this key.", body = ErrorBody),
        (status = 500, description = "The session's record could not be read.", body = ErrorBody),
    ),
    security(("api_key" = []), ("session_token" = []))
)]
pub async fn page(
    State(operations): State<Operations>,
    OptionalCaller(owner): OptionalCaller,
    Path(id): Path<String>,
    Query(query): Query<ViewQuery>,
) -> Result<Response, ApiError> {
    let id = wire::session_id(&id)?;
    session::note_session(&id);
    query.controls()?;
    operations
        .session_for(&id, &credential(query.token, owner)?)
        .await?;
    Ok(super::ui::page(LIVE_PAGE))
}

/// The live view's stream (a WebSocket upgrade): JPEG frames and JSON messages; with
/// `control=1`, the person's input back.
#[utoipa::path(
    get,
    path = "/session/{id}/live/ws",
    operation_id = "session_live_stream",
    tag = "viewer",
    params(
        ("id" = String, Path, format = "uuid", description = "The session's id."),
        ("token" = Option<String>, Query, description = "The session's token (or an API key as a Bearer header)."),
        ("control" = Option<String>, Query, description = "`1` to take over."),
    ),
    responses(
        (status = 101, description = "Switching to the WebSocket."),
        (status = 400, description = "Not a WebSocket upgrade, or a bad `control`.", body = ErrorBody),
        (status = 401, description = "A missing or wrong token (and no API key).", body = ErrorBody),
        (status = 404, description = "No such session for this key.", body = ErrorBody),
        (status = 410, description = "The session has ended.", body = ErrorBody),
        (status = 500, description = "The session's record could not be read.", body = ErrorBody),
    ),
    security(("api_key" = []), ("session_token" = []))
)]
pub async fn stream(
    State(operations): State<Operations>,
    OptionalCaller(owner): OptionalCaller,
    Path(id): Path<String>,
    Query(query): Query<ViewQuery>,
    upgrade: Result<WebSocketUpgrade, WebSocketUpgradeRejection>,
) -> Result<Response, ApiError> {
    let id = wire::session_id(&id)?;
    session::note_session(&id);
    let controls = query.controls()?;
    let credential = credential(query.token, owner)?;
    let viewer = operations.view(&id, &credential, controls).await?;
    let upgrade = upgrade.map_err(|rejection| {
        ApiError::BadRequest(format!(
            "this is a live view's stream: connect with a WebSocket ({rejection}), or open /session/{id}/live"
        ))
    })?;
    // The viewer was let in above: the history needs no check of its own, and no look
    // at the replay's pictures.
    let history = operations.sessions().history(&id).await?;
    let recent: Vec<StepResponse> = history
        .iter()
        .skip(history.len().saturating_sub(RECENT_STEPS))
        .map(StepResponse::new)
        .collect();
    Ok(upgrade
        .max_message_size(MAX_INPUT)
        .on_upgrade(move |socket| show(socket, viewer, id, recent)))
}

/// Shows the session to the socket, and hands its input to the page, until either ends.
async fn show(socket: WebSocket, mut viewer: Viewer, id: SessionId, recent: Vec<StepResponse>) {
    let (mut sink, mut stream) = socket.split();
    let hello = json!({ "type": "hello", "session_id": id.as_str(), "control": viewer.controls(), "steps": recent });
    if sink.send(text(&hello)).await.is_err() {
        return;
    }
    let (problems, mut problem) = mpsc::channel::<String>(INPUTS_IN_FLIGHT);
    let inputs = viewer.hands().map(|hands| {
        let (inputs, queued) = mpsc::channel(INPUTS_IN_FLIGHT);
        tokio::spawn(apply(hands, queued, problems.clone()));
        inputs
    });
    let mut viewport = (0.0, 0.0);
    loop {
        let messages = tokio::select! {
            seen = viewer.next() => {
                if let Seen::Ended(reason) = &seen {
                    let _ = sink.send(text(&json!({ "type": "ended", "reason": reason }))).await;
                    let _ = sink.send(Message::Close(Some(CloseFrame { code: 1001, reason: "the session ended".into() }))).await;
                    return;
                }
                shown(seen, &mut viewport)
            }
            Some(problem) = problem.recv() => vec![error(&problem)],
            message = stream.next() => {
                let input = match message {
                    Some(Ok(Message::Text(input))) => input,
                    Some(Ok(Message::Ping(_) | Message::Pong(_) | Message::Binary(_))) => continue,
                    Some(Ok(Message::Close(_)) | Err(_)) | None => return,
                };
                match (parse_touch(&input), &inputs) {
                    (Err(problem), _) => vec![error(&problem)],
                    (Ok(_), Err(refused)) => vec![error(&refused.to_string())],
                    (Ok(touch), Ok(inputs)) => match inputs.try_send(touch) {
                        Ok(()) => continue,
                        // A pointer's moves and a wheel's turns can go; a click or a key is said.
                        Err(TrySendError::Full(Touch::Mouse { kind: MouseKind::Moved, .. } | Touch::Wheel { .. })) => continue,
                        Err(_) => vec![error("input arrives faster than the page takes it: this one was dropped")],
                    },
                }
            }
        };
        for message in messages {
            if sink.send(message).await.is_err() {
                return;
            }
        }
    }
}

/// The messages that show the viewer what it saw (its end aside, which ends the socket).
fn shown(seen: Seen, viewport: &mut (f64, f64)) -> Vec<Message> {
    match seen {
        Seen::Frame(frame) => {
            let size = (frame.viewport_width, frame.viewport_height);
            let mut messages = Vec::new();
            if size != *viewport {
                *viewport = size;
                messages.push(text(
                    &json!({ "type": "viewport", "width": size.0, "height": size.1 }),
                ));
            }
            messages.push(Message::Binary(frame.jpeg.clone().into()));
            messages
        }
        Seen::Tabs(tabs) => {
            let tabs: Vec<_> = tabs
                .iter()
                .map(|tab| json!({ "url": tab.url, "title": tab.title, "current": tab.current }))
                .collect();
            vec![text(&json!({ "type": "tabs", "tabs": tabs }))]
        }
        Seen::Step(step) => vec![text(
            &json!({ "type": "step", "step": StepResponse::new(&step) }),
        )],
        Seen::Missed(count) => vec![text(&json!({ "type": "missed", "count": count }))],
        Seen::Ended(_) => Vec::new(),
    }
}

/// Hands the person's input to the page in order, one at a time, telling the viewer of
/// what failed.
async fn apply(hands: Hands, mut queued: mpsc::Receiver<Touch>, problems: mpsc::Sender<String>) {
    while let Some(touch) = queued.recv().await {
        if let Err(problem) = hands.touch(&touch).await {
            let _ = problems.try_send(problem.to_string());
        }
    }
}

fn error(problem: &str) -> Message {
    text(&json!({ "type": "error", "message": problem }))
}

fn text(value: &serde_json::Value) -> Message {
    Message::Text(value.to_string().into())
}

/// A person's input as the live view sends it.
#[derive(Debug, Deserialize)]
#[serde(tag = "type", rename_all = "lowercase", deny_unknown_fields)]
enum ViewerInput {
    Mouse {
        event: MouseEvent,
        x: f64,
        y: f64,
        #[serde(default)]
        button: Button,
        #[serde(default)]
        clicks: u8,
    },
    Wheel {
        x: f64,
        y: f64,
        #[serde(default)]
        dx: f64,
        #[serde(default)]
        dy: f64,
    },
    Key {
        event: KeyEvent,
        key: String,
        #[serde(default)]
        code: String,
        text: Option<String>,
    },
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "lowercase")]
enum MouseEvent {
    Move,
    Down,
    Up,
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "lowercase")]
enum Button {
    #[default]
    None,
    Left,
    Middle,
    Right,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "lowercase")]
enum KeyEvent {
    Down,
    Up,
}

/// The largest coordinate or scroll a viewer may send, in CSS pixels.
const MAX_COORDINATE: f64 = 100_000.0;

fn parse_touch(input: &str) -> Result<Touch, String> {
    let input: ViewerInput =
        serde_json::from_str(input).map_err(|e| format!("not a viewer input: {e}"))?;
    let finite = |value: f64, name: &str| {
        if value.is_finite() && value.abs() <= MAX_COORDINATE {
            Ok(value)
        } else {
            Err(format!("`{name}` is out of range: {value}"))
        }
    };
    Ok(match input {
        ViewerInput::Mouse {
            event,
            x,
            y,
            button,
            clicks,
        } => Touch::Mouse {
            kind: match event {
                MouseEvent::Move => MouseKind::Moved,
                MouseEvent::Down => MouseKind::Pressed,
                MouseEvent::Up => MouseKind::Released,
            },
            x: finite(x, "x")?,
            y: finite(y, "y")?,
            button: match button {
                Button::None => MouseButton::None,
                Button::Left => MouseButton::Left,
                Button::Middle => MouseButton::Middle,
                Button::Right => MouseButton::Right,
            },
            clicks: clicks.min(3),
        },
        ViewerInput::Wheel { x, y, dx, dy } => Touch::Wheel {
            x: finite(x, "x")?,
            y: finite(y, "y")?,
            delta_x: finite(dx, "dx")?,
            delta_y: finite(dy, "dy")?,
        },
        ViewerInput::Key {
            event,
            key,
            code,
            text,
        } => {
            if key.is_empty() || key.chars().count() > 32 {
                return Err(format!("`key` names one key: got {key:?}"));
            }
            Touch::Key {
                down: matches!(event, KeyEvent::Down),
                key,
                code,
                text: text.filter(|t| !t.is_empty() && t.chars().count() <= 4),
            }
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn viewer_input_becomes_a_touch_or_a_reason() {
        assert_eq!(
            parse_touch(
                r#"{"type":"mouse","event":"down","x":10,"y":20,"button":"left","clicks":1}"#
            ),
            Ok(Touch::Mouse {
                kind: MouseKind::Pressed,
                x: 10.0,
                y: 20.0,
                button: MouseButton::Left,
                clicks: 1
            })
        );
        assert_eq!(
            parse_touch(r#"{"type":"key","event":"down","key":"a","code":"KeyA","text":"a"}"#),
            Ok(Touch::Key {
                down: true,
                key: "a".into(),
                code: "KeyA".into(),
                text: Some("a".into())
            })
        );
        assert!(parse_touch(r#"{"type":"wheel","x":1e309,"y":0}"#).is_err());
        assert!(parse_touch(r#"{"type":"mouse","event":"down","x":1,"y":2,"extra":1}"#).is_err());
        assert!(parse_touch(r#"{"type":"key","event":"down","key":""}"#).is_err());
        assert!(parse_touch("not json").is_err());
    }
}
