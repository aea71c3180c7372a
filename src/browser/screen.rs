//! A session's page seen and touched from outside its operations: the picture of it, its
//! screencast, a person's input to it and the tabs of its context.
//!
//! A [`Screen`] is a handle on the page a [`Tab`](super::Tab) shows, taken without the
//! session's lock: a live viewer and a replay picture must never wait for (or hold up) an
//! agent's operation. It does not follow the tab to a new page; whoever holds one asks the
//! tab for a fresh one after an operation (`Tab::screen`). Every command is bounded like a
//! tab's: the operation timeout, a crash of the page, the death of its browser.

use std::sync::Arc;
use std::time::Duration;

use base64::Engine;
use chromiumoxide::cdp::browser_protocol::browser::BrowserContextId;
use chromiumoxide::cdp::browser_protocol::page::EventScreencastFrame;
use chromiumoxide::Page;
use futures_util::StreamExt;
use serde_json::json;
use tokio::sync::watch;

use super::cdp::RawCommand;
use super::running::{bounded, Running};
use super::BrowserError;
use crate::domain::virtual_key_code;

/// A handle on one page of a session, usable beside the session's operations.
#[derive(Clone)]
pub struct Screen {
    browser: Arc<Running>,
    page: Page,
    context: BrowserContextId,
    crashed: watch::Receiver<bool>,
}

/// One picture of a screencast.
#[derive(Debug, Clone)]
pub struct Frame {
    pub jpeg: Vec<u8>,
    /// The viewport the picture shows, in CSS pixels: what a point on the picture is
    /// scaled to for input.
    pub viewport_width: f64,
    pub viewport_height: f64,
}

/// A person's input, at a point of the viewport in CSS pixels.
#[derive(Debug, Clone, PartialEq)]
pub enum Touch {
    Mouse {
        kind: MouseKind,
        x: f64,
        y: f64,
        button: MouseButton,
        clicks: u8,
    },
    Wheel {
        x: f64,
        y: f64,
        delta_x: f64,
        delta_y: f64,
    },
    /// A key, as `KeyboardEvent.key` and `.code` name it; `text` is what it types.
    Key {
        down: bool,
        key: String,
        code: String,
        text: Option<String>,
    },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MouseKind {
    Moved,
    Pressed,
    Released,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MouseButton {
    None,
    Left,
    Middle,
    Right,
}

/// Where the viewport is on the page and how big both are, in CSS pixels.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Viewport {
    pub scroll_x: i64,
    pub scroll_y: i64,
    pub width: i64,
    pub height: i64,
    pub page_width: i64,
    pub page_height: i64,
}

/// A page of the session's context, as the browser lists it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PageTab {
    pub url: String,
    pub title: String,
    /// Whether it is the page the session operates on.
    pub current: bool,
}

/// A running screencast of a page: its latest frame, replaced (never queued) as new ones
/// come. Dropping it stops the screencast.
pub struct Screencast {
    frames: watch::Receiver<Option<Arc<Frame>>>,
    stop: Option<tokio::sync::oneshot::Sender<()>>,
    stopped: watch::Receiver<bool>,
}

/// The fastest a screencast sends frames: enough for a person to follow a scroll, without
/// the browser encoding pictures nobody can see.
const FRAME_INTERVAL: Duration = Duration::from_millis(40);
/// How long a one-frame screencast waits for its frame before a screenshot is taken.
const FIRST_FRAME_WAIT: Duration = Duration::from_secs(2);

impl Screen {
    pub(super) fn new(
        browser: Arc<Running>,
        page: Page,
        context: BrowserContextId,
        crashed: watch::Receiver<bool>,
    ) -> Self {
        Self {
            browser,
            page,
            context,
            crashed,
        }
    }

    /// Which page this is (its target id): two screens of the same page are the same.
    pub fn page_id(&self) -> &str {
        self.page.target_id().inner()
    }

    async fn guarded<T>(
        &self,
        command: impl std::future::Future<Output = Result<T, BrowserError>>,
    ) -> Result<T, BrowserError> {
        if !self.browser.is_alive() {
            return Err(BrowserError::Died("the browser is gone".into()));
        }
        let mut crashed = self.crashed.clone();
        tokio::select! {
            result = bounded(self.browser.operation_timeout, command) => result,
            // A watch whose sender is gone is no crash (see `Tab::guarded`).
            Ok(_) = crashed.wait_for(|crashed| *crashed) => Err(BrowserError::PageCrashed),
        }
    }

    async fn call(
        &self,
        method: &'static str,
        params: serde_json::Value,
    ) -> Result<serde_json::Value, BrowserError> {
        self.guarded(async {
            let response = self.page.execute(RawCommand::new(method, params)).await?;
            Ok(response.result)
        })
        .await
    }

    /// A JPEG of the viewport at `quality` (0–100).
    ///
    /// The viewport as it is, unscaled: a capture with a clip (the way to scale one down)
    /// leaves the page's compositor slower to scroll for as long as the page lives.
    pub async fn picture(&self, quality: u8) -> Result<Vec<u8>, BrowserError> {
        let result = self
            .call(
                "Page.captureScreenshot",
                json!({ "format": "jpeg", "quality": quality, "optimizeForSpeed": true }),
            )
            .await?;
        let data = result["data"]
            .as_str()
            .ok_or_else(|| BrowserError::Protocol("picture without data".into()))?;
        decode(data)
    }

    /// One JPEG of the viewport at `quality`, at most `max_width` × `max_height` device
    /// pixels: the first frame of a screencast started and stopped for it. The browser
    /// scales it as it reads it back, which costs a fraction of a full-size screenshot
    /// (15 against 35 ms at 640 pixels wide of 1280). The caller keeps another screencast
    /// of the page from running meanwhile: there is one per page.
    pub async fn frame(
        &self,
        quality: u8,
        max_width: u32,
        max_height: u32,
    ) -> Result<Vec<u8>, BrowserError> {
        let mut events = self
            .guarded(async { Ok(self.page.event_listener::<EventScreencastFrame>().await?) })
            .await?;
        self.call(
            "Page.startScreencast",
            json!({ "format": "jpeg", "quality": quality, "maxWidth": max_width, "maxHeight": max_height }),
        )
        .await?;
        let first = tokio::time::timeout(FIRST_FRAME_WAIT, events.next()).await;
        let stop = self.call("Page.stopScreencast", json!({})).await;
        let event = match first {
            Ok(Some(event)) => event,
            Ok(None) => return Err(BrowserError::Protocol("the page's events ended".into())),
            // A page that draws no frame (hidden, frozen) is pictured the slow way.
            Err(_) => return self.picture(quality).await,
        };
        stop?;
        decode(AsRef::<str>::as_ref(&event.data))
    }

    /// Starts a screencast of the page: JPEG frames at `quality`, at most `max_width` ×
    /// `max_height` device pixels, as the page changes.
    pub async fn screencast(
        &self,
        quality: u8,
        max_width: u32,
        max_height: u32,
    ) -> Result<Screencast, BrowserError> {
        let mut events = self
            .guarded(async { Ok(self.page.event_listener::<EventScreencastFrame>().await?) })
            .await?;
        self.call(
            "Page.startScreencast",
            json!({ "format": "jpeg", "quality": quality, "maxWidth": max_width, "maxHeight": max_height }),
        )
        .await?;
        let (sender, frames) = watch::channel(None);
        let (stop, mut stopping) = tokio::sync::oneshot::channel::<()>();
        let (ended, stopped) = watch::channel(false);
        let page = self.page.clone();
        tokio::spawn(async move {
            loop {
                let event = tokio::select! {
                    event = events.next() => event,
                    _ = &mut stopping => None,
                };
                let Some(event) = event else { break };
                let arrived = tokio::time::Instant::now();
                if let Ok(jpeg) = decode(AsRef::<str>::as_ref(&event.data)) {
                    sender.send_replace(Some(Arc::new(Frame {
                        jpeg,
                        viewport_width: event.metadata.device_width,
                        viewport_height: event.metadata.device_height,
                    })));
                }
                // The browser sends the next frame once this one is acknowledged: waiting
                // here caps the rate, and a frame no one took is replaced, not queued.
                tokio::time::sleep_until(arrived + FRAME_INTERVAL).await;
                let ack = RawCommand::new(
                    "Page.screencastFrameAck",
                    json!({ "sessionId": event.session_id }),
                );
                if page.execute(ack).await.is_err() {
                    break;
                }
            }
            let stop = RawCommand::new("Page.stopScreencast", json!({}));
            let _ = tokio::time::timeout(Duration::from_secs(5), page.execute(stop)).await;
            ended.send_replace(true);
        });
        Ok(Screencast {
            frames,
            stop: Some(stop),
            stopped,
        })
    }

    /// Sends a person's input to the page, as the browser's own input events.
    pub async fn touch(&self, touch: &Touch) -> Result<(), BrowserError> {
        match touch {
            Touch::Mouse {
                kind,
                x,
                y,
                button,
                clicks,
            } => {
                let kind = match kind {
                    MouseKind::Moved => "mouseMoved",
                    MouseKind::Pressed => "mousePressed",
                    MouseKind::Released => "mouseReleased",
                };
                let (button, buttons) = match button {
                    MouseButton::None => ("none", 0),
                    MouseButton::Left => ("left", 1),
                    MouseButton::Right => ("right", 2),
                    MouseButton::Middle => ("middle", 4),
                };
                self.call(
                    "Input.dispatchMouseEvent",
                    json!({ "type": kind, "x": x, "y": y, "button": button, "buttons": buttons, "clickCount": clicks }),
                )
                .await?;
            }
            Touch::Wheel {
                x,
                y,
                delta_x,
                delta_y,
            } => {
                self.call(
                    "Input.dispatchMouseEvent",
                    json!({ "type": "mouseWheel", "x": x, "y": y, "deltaX": delta_x, "deltaY": delta_y }),
                )
                .await?;
            }
            Touch::Key {
                down,
                key,
                code,
                text,
            } => {
                let mut params = json!({
                    "type": if *down { if text.is_some() { "keyDown" } else { "rawKeyDown" } } else { "keyUp" },
                    "key": key,
                    "code": code,
                    "windowsVirtualKeyCode": virtual_key_code(key),
                });
                if let (true, Some(text)) = (*down, text) {
                    params["text"] = json!(text);
                }
                self.call("Input.dispatchKeyEvent", params).await?;
            }
        }
        Ok(())
    }

    /// The pages of the session's context, the session's own first.
    pub async fn tabs(&self) -> Result<Vec<PageTab>, BrowserError> {
        let listed = self
            .guarded(async {
                Ok(self
                    .browser
                    .browser
                    .execute(RawCommand::new("Target.getTargets", json!({})))
                    .await?
                    .result)
            })
            .await?;
        let mut tabs: Vec<PageTab> = listed["targetInfos"]
            .as_array()
            .into_iter()
            .flatten()
            .filter(|info| {
                info["type"] == "page" && info["browserContextId"] == self.context.inner().as_str()
            })
            .map(|info| PageTab {
                url: info["url"].as_str().unwrap_or_default().to_owned(),
                title: info["title"].as_str().unwrap_or_default().to_owned(),
                current: info["targetId"] == self.page_id(),
            })
            .collect();
        tabs.sort_by_key(|tab| !tab.current);
        Ok(tabs)
    }
}

impl Screencast {
    /// The latest frame, and a way to wait for the next.
    pub fn frames(&self) -> watch::Receiver<Option<Arc<Frame>>> {
        self.frames.clone()
    }

    /// Turns `true` once this screencast has stopped in the browser (after it is
    /// dropped): a new one of the same page must not start before, or the old one's stop
    /// ends it.
    pub fn stopped(&self) -> watch::Receiver<bool> {
        self.stopped.clone()
    }
}

impl Drop for Screencast {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
    }
}

fn decode(text: &str) -> Result<Vec<u8>, BrowserError> {
    base64::engine::general_purpose::STANDARD
        .decode(text)
        .map_err(|e| BrowserError::Protocol(format!("picture data: {e}")))
}
