//! Input as a person gives it — a click at a point, text, a key — and the watch for what it
//! causes: a navigation, a new page, or the page's own reaction, settled.

use chromiumoxide::cdp::browser_protocol::page::{
    EventFrameStartedLoading, EventFrameStoppedLoading, EventLoadEventFired,
    EventNavigatedWithinDocument,
};
use chromiumoxide::cdp::browser_protocol::target::EventTargetCreated;
use chromiumoxide::listeners::EventStream;
use futures_util::StreamExt;
use serde_json::json;
use std::future::Future;

use super::navigation::{ACTION_QUIET, NAVIGATION_QUIET};
use super::popups::Popup;
use super::{Settled, Tab};
use crate::browser::BrowserError;
use crate::domain::KeyName;
use crate::injected::{self, PageScript};

/// The watch [`Tab::arm`] sets up before an input: the page's navigation events and the
/// browser's new targets, listened to from then on.
pub struct Armed {
    started: EventStream<EventFrameStartedLoading>,
    loaded: EventStream<EventLoadEventFired>,
    stopped: EventStream<EventFrameStoppedLoading>,
    within: EventStream<EventNavigatedWithinDocument>,
    created: EventStream<EventTargetCreated>,
}

/// Keys a step can press.
#[derive(Debug, Clone, Copy)]
pub enum Key {
    Enter,
    Delete,
    ArrowUp,
    ArrowDown,
    ArrowLeft,
    ArrowRight,
}

impl Tab {
    /// A left click at `(x, y)` in CSS pixels of the viewport, as a mouse makes it: moved
    /// there, pressed, released.
    ///
    /// The three events are sent at once rather than each after the last one's answer:
    /// the browser keeps their order, and on a page whose input is buffered (one that
    /// refused the overlay domain, see `pool.rs`) a move waits for the page's next frame,
    /// so waiting on each would cost a frame per event instead of one.
    pub async fn click(&self, x: f64, y: f64) -> Result<(), BrowserError> {
        let button = |kind: &str| json!({ "type": kind, "x": x, "y": y, "button": "left", "buttons": 1, "clickCount": 1 });
        let (moved, pressed, released) = futures_util::join!(
            self.call(
                "Input.dispatchMouseEvent",
                json!({ "type": "mouseMoved", "x": x, "y": y })
            ),
            self.call("Input.dispatchMouseEvent", button("mousePressed")),
            self.call("Input.dispatchMouseEvent", button("mouseReleased")),
        );
        moved?;
        pressed?;
        released?;
        Ok(())
    }

    /// Presses and releases a key.
    pub async fn press_key(&self, key: Key) -> Result<(), BrowserError> {
        let (name, code, text) = match key {
            Key::Enter => ("Enter", 13, Some("\r")),
            Key::Delete => ("Delete", 46, None),
            Key::ArrowUp => ("ArrowUp", 38, None),
            Key::ArrowDown => ("ArrowDown", 40, None),
            Key::ArrowLeft => ("ArrowLeft", 37, None),
            Key::ArrowRight => ("ArrowRight", 39, None),
        };
        let mut down =
            json!({ "type": "keyDown", "key": name, "code": name, "windowsVirtualKeyCode": code });
        if let Some(text) = text {
            down["text"] = json!(text);
        }
        let up =
            json!({ "type": "keyUp", "key": name, "code": name, "windowsVirtualKeyCode": code });
        // Sent at once, as `click` sends its events: a wait for the page sent behind them
        // finds the release on its way, not still in the driver.
        let (pressed, released) = futures_util::join!(
            self.call("Input.dispatchKeyEvent", down),
            self.call("Input.dispatchKeyEvent", up),
        );
        pressed?;
        released.map(|_| ())
    }

    /// Presses and releases `key` on whatever has focus, as a keyboard does.
    pub async fn press(&self, key: &KeyName) -> Result<(), BrowserError> {
        let mut down = json!({
            "type": if key.text().is_some() { "keyDown" } else { "rawKeyDown" },
            "key": key.as_str(),
            "code": key.code(),
            "windowsVirtualKeyCode": key.key_code(),
        });
        if let Some(text) = key.text() {
            down["text"] = json!(text);
        }
        let up = json!({ "type": "keyUp", "key": key.as_str(), "code": key.code(), "windowsVirtualKeyCode": key.key_code() });
        let (pressed, released) = futures_util::join!(
            self.call("Input.dispatchKeyEvent", down),
            self.call("Input.dispatchKeyEvent", up),
        );
        pressed?;
        released.map(|_| ())
    }

    /// Turns the mouse wheel at the middle of the viewport, down (or up) by `pixels`, or
    /// by most of a screen's height.
    pub async fn wheel(&self, down: bool, pixels: Option<f64>) -> Result<(), BrowserError> {
        let metrics = self.call("Page.getLayoutMetrics", json!({})).await?;
        let width = metrics["cssLayoutViewport"]["clientWidth"]
            .as_f64()
            .unwrap_or(800.0);
        let height = metrics["cssLayoutViewport"]["clientHeight"]
            .as_f64()
            .unwrap_or(600.0);
        let delta = pixels.unwrap_or(height * 0.8) * if down { 1.0 } else { -1.0 };
        self.call(
            "Input.dispatchMouseEvent",
            json!({ "type": "mouseWheel", "x": width / 2.0, "y": height / 2.0, "deltaX": 0, "deltaY": delta }),
        )
        .await
        .map(|_| ())
    }

    /// Types `text` into the focused element key by key, as a person types: for each
    /// character a key goes down (producing it) and up, so pages that filter, complete or
    /// validate on key events see each one. A character no key of a US keyboard types
    /// (accents, other scripts, emoji) is inserted as an input method inserts it; a line
    /// break is Enter.
    ///
    /// The events are sent at once, in order, as `click` sends its own: the browser keeps
    /// their order, and a 30-character value costs one round trip, not sixty.
    pub async fn type_text(&self, text: &str) -> Result<(), BrowserError> {
        let mut commands: Vec<(&'static str, serde_json::Value)> = Vec::new();
        for character in text.chars() {
            match typed_key(character) {
                Some(down) => {
                    let mut up = down.clone();
                    up["type"] = json!("keyUp");
                    if let Some(fields) = up.as_object_mut() {
                        fields.remove("text");
                    }
                    commands.push(("Input.dispatchKeyEvent", down));
                    commands.push(("Input.dispatchKeyEvent", up));
                }
                None => {
                    commands.push(("Input.insertText", json!({ "text": character.to_string() })))
                }
            }
        }
        futures_util::future::try_join_all(
            commands
                .into_iter()
                .map(|(method, params)| self.call(method, params)),
        )
        .await
        .map(|_| ())
    }

    /// Starts watching for what an input may cause (a navigation, a new page, the page's
    /// own reaction), before the input is sent: a wait that starts after a click misses a
    /// fast navigation. It may run while the input is being aimed.
    pub async fn arm(&self) -> Result<Armed, BrowserError> {
        let page = &self.parts()?.page;
        let browser = &self.browser.browser;
        let listening = self.guarded(async {
            Ok(futures_util::try_join!(
                page.event_listener::<EventFrameStartedLoading>(),
                page.event_listener::<EventLoadEventFired>(),
                page.event_listener::<EventFrameStoppedLoading>(),
                page.event_listener::<EventNavigatedWithinDocument>(),
                browser.event_listener::<EventTargetCreated>(),
            )?)
        });
        // A page that cannot be watched (no document yet) settles from when we heard back.
        let (listeners, _) = futures_util::join!(listening, self.run(&injected::INPUT_WATCH, &[]));
        let (started, loaded, stopped, within, created) = listeners?;
        Ok(Armed {
            started,
            loaded,
            stopped,
            within,
            created,
        })
    }

    /// Runs `action` (an input that may navigate) and waits for what it caused: a
    /// navigation if one starts within a moment, then a settled page, read with `read` as
    /// [`settle_reading`](Self::settle_reading) does; or a new page it opened.
    pub async fn act_and_settle(
        &self,
        action: impl Future<Output = Result<(), BrowserError>>,
        read: Option<&PageScript>,
    ) -> Result<Settled, BrowserError> {
        let armed = self.arm().await?;
        self.act_armed(armed, action, read).await
    }

    /// [`act_and_settle`](Self::act_and_settle), watching with what [`arm`](Self::arm)
    /// set up before.
    ///
    /// The wait for the page is sent behind the action's first commands, before they are
    /// acknowledged: an `action` sends all its input events at once (as [`click`](Self::click)
    /// and [`press_key`](Self::press_key) do), or an event it sends later may reach the page
    /// after the page was found still.
    pub async fn act_armed(
        &self,
        armed: Armed,
        action: impl Future<Output = Result<(), BrowserError>>,
        read: Option<&PageScript>,
    ) -> Result<Settled, BrowserError> {
        let page = &self.parts()?.page;
        let Armed {
            mut started,
            mut loaded,
            mut stopped,
            mut within,
            mut created,
        } = armed;
        let own_target = page.target_id().clone();
        // The wait for the page is sent right behind the input, not after the input's
        // acknowledgement, which comes a frame or more after the page handled it; the
        // page-side wait counts from the input when it arrives (`settle.js`).
        tokio::pin!(action);
        let mut acted = false;
        // The page settling in place and a navigation starting are watched at once: an
        // input that changes the page in place costs one quiet period, not a grace period
        // for a navigation and then a quiet period. A move within the document (an
        // anchor, `history.pushState`) keeps the page, so the same wait goes on for it.
        let in_place = self.settle_reading(ACTION_QUIET, read);
        tokio::pin!(in_place);
        // Set once a load starts: until it is known to stay within the document, a page
        // found still is the old page, held back.
        let mut loading: Option<tokio::time::Instant> = None;
        let mut held = None;
        loop {
            let bound = loading.map_or_else(tokio::time::Instant::now, |since| {
                since + self.browser.operation_timeout
            });
            tokio::select! {
                // a navigation or a new page wins over a page that seems still at the
                // same moment, and a move within the document over the end of a load
                biased;
                acknowledged = &mut action, if !acted => {
                    acknowledged?;
                    acted = true;
                    if loading.is_none() {
                        if let Some(settled) = held.take() {
                            return settled;
                        }
                    }
                }
                Some(_) = started.next(), if loading.is_none() => {
                    loading = Some(tokio::time::Instant::now());
                }
                Some(event) = created.next() => {
                    let info = &event.target_info;
                    if info.r#type == "page" && info.opener_id.as_ref() == Some(&own_target) {
                        return Ok(Settled::Opened(Popup(info.target_id.clone())));
                    }
                }
                Some(_) = within.next(), if loading.is_some() => {
                    loading = None;
                    if acted {
                        if let Some(settled) = held.take() {
                            return settled;
                        }
                    }
                }
                // A page restored from the back/forward cache stops loading without a
                // `load`; one that never finishes is observed as it is when the bound ends.
                Some(_) = loaded.next(), if loading.is_some() => break,
                Some(_) = stopped.next(), if loading.is_some() => break,
                _ = tokio::time::sleep_until(bound), if loading.is_some() => break,
                settled = &mut in_place, if held.is_none() => {
                    let settled = settled.map(Settled::InPlace);
                    if loading.is_none() && acted {
                        return settled;
                    }
                    held = Some(settled);
                }
            }
        }
        if !acted {
            action.await?;
        }
        self.settle_reading(NAVIGATION_QUIET, read)
            .await
            .map(Settled::InPlace)
    }
}

/// The key that types `character` on a US keyboard, as a `keyDown` that produces it;
/// `None` for a character no key types.
fn typed_key(character: char) -> Option<serde_json::Value> {
    const SHIFTED: &str = "~!@#$%^&*()_+{}|:\"<>?";
    const SHIFT: u8 = 8;
    let (key, code, virtual_key) = match character {
        '\n' => ("Enter".to_string(), "Enter".to_string(), 13),
        ' ' => (" ".to_string(), "Space".to_string(), 32),
        'a'..='z' | 'A'..='Z' => (
            character.to_string(),
            format!("Key{}", character.to_ascii_uppercase()),
            character.to_ascii_uppercase() as u32,
        ),
        '0'..='9' => (
            character.to_string(),
            format!("Digit{character}"),
            character as u32,
        ),
        '!'..='~' => (character.to_string(), String::new(), 0),
        _ => return None,
    };
    let shifted = character.is_ascii_uppercase() || SHIFTED.contains(character);
    let text = if character == '\n' {
        "\r".to_string()
    } else {
        character.to_string()
    };
    Some(json!({
        "type": "keyDown",
        "key": key,
        "code": code,
        "windowsVirtualKeyCode": virtual_key,
        "text": text,
        "unmodifiedText": text,
        "modifiers": if shifted { SHIFT } else { 0 },
    }))
}
