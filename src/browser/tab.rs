//! One session's page in its own isolated browser context, and the commands sent to it.
//!
//! Every command is bounded: by the operation timeout, by a crash of the page and by the
//! death of its browser, whichever comes first, so no request hangs on a broken page.

use std::collections::{HashMap, HashSet};
use std::future::Future;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::Duration;

use chromiumoxide::cdp::browser_protocol::browser::BrowserContextId;
use chromiumoxide::cdp::browser_protocol::page::{
    EventFrameStartedLoading, EventFrameStoppedLoading, EventLoadEventFired,
    EventNavigatedWithinDocument, FrameId,
};
use chromiumoxide::cdp::browser_protocol::target::{EventTargetCreated, TargetId};
use chromiumoxide::cdp::js_protocol::runtime::EventBindingCalled;
use chromiumoxide::listeners::EventStream;
use chromiumoxide::Page;
use futures_util::StreamExt;
use serde_json::json;
use tokio::sync::watch;

use super::cdp::RawCommand;
use super::network::InFlight;
use super::pool::Running;
use super::{BrowserError, BrowserId};

/// The watch [`Tab::arm`] sets up before an input: the page's navigation events and the
/// browser's new targets, listened to from then on.
pub struct Armed {
    started: EventStream<EventFrameStartedLoading>,
    loaded: EventStream<EventLoadEventFired>,
    stopped: EventStream<EventFrameStoppedLoading>,
    within: EventStream<EventNavigatedWithinDocument>,
    created: EventStream<EventTargetCreated>,
}

/// A context and its page as prepared in advance, not yet handed to anyone.
pub(super) struct TabParts {
    pub(super) context: BrowserContextId,
    pub(super) page: Page,
    pub(super) crashed: watch::Receiver<bool>,
    pub(super) crash_listener: tokio::task::JoinHandle<()>,
    pub(super) in_flight: InFlight,
    pub(super) network_tracker: tokio::task::JoinHandle<()>,
    /// The dialogs accepted on this page, not yet reported.
    pub(super) dialogs: Arc<std::sync::Mutex<Vec<Dialog>>>,
    pub(super) dialog_handler: tokio::task::JoinHandle<()>,
}

/// A dialog the page opened and that was accepted: its kind as CDP names it (`alert`,
/// `confirm`, `prompt`, `beforeunload`) and its message, empty when the page gave none
/// (Chromium never passes on a `beforeunload` one).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Dialog {
    pub kind: String,
    pub message: String,
}

impl TabParts {
    fn stop_listeners(&self) {
        self.crash_listener.abort();
        self.network_tracker.abort();
        self.dialog_handler.abort();
    }
}

/// What a page is, as a person sees it in the tab strip and the address bar.
#[derive(Debug, Clone, serde::Deserialize)]
pub struct PageInfo {
    pub url: String,
    pub title: String,
}

/// How long a freshly loaded page must stay still to count as rendered.
const NAVIGATION_QUIET: Duration = Duration::from_millis(200);
/// How long a page must stay still after an input that did not navigate, counted from
/// when the page saw the input (`input_watch.js`); a navigation the input causes must
/// have started by then.
const ACTION_QUIET: Duration = Duration::from_millis(30);
/// The longest wait for a page to settle after `load`.
const SETTLE_MAX: Duration = Duration::from_secs(3);
/// The page-side half of [`Tab::settle_reading`].
const SETTLE: PageScript = PageScript::new("settle", include_str!("settle.js"));
/// Notes when the page sees an input, for [`SETTLE`].
const INPUT_WATCH: PageScript = PageScript::new("inputWatch", include_str!("input_watch.js"));
/// Name of our isolated world: page scripts cannot see or tamper with what runs there.
pub(super) const WORLD_NAME: &str = "browserd";
/// A function of our worlds (a CDP binding) through which `settle.js` sends what it read
/// while the page is still being watched, ahead of the answer to the wait.
pub(super) const READ_BINDING: &str = "__browserdSend";
/// How long the driver looks for a read sent ahead once the wait's answer says it was
/// sent: it is in the event stream before that answer, so this only bounds a lost event.
const SENT_READ_WAIT: Duration = Duration::from_millis(500);

/// A page in an isolated context (own cookies, storage, cache). Closing it — or dropping
/// it — disposes the context and everything in it.
pub struct Tab {
    browser: Arc<Running>,
    parts: Option<TabParts>,
    /// Pages this tab's page was opened from, kept alive (and their dialogs answered)
    /// until the context is disposed.
    openers: Vec<TabParts>,
    /// Our isolated worlds in the current documents: the main frame's (key `None`) and
    /// those of frames it cannot read (their frame id).
    worlds: std::sync::Mutex<HashMap<Option<String>, World>>,
    /// Marks each wait's read sent ahead, so that one wait never takes another's.
    next_token: AtomicU64,
}

/// One of our isolated worlds, and the page scripts defined in it so far.
struct World {
    context: i64,
    defined: HashSet<&'static str>,
}

/// A function of our own that runs in pages. It is defined once in each world that runs
/// it and called by name after, so that its source is sent and compiled once per document
/// rather than per call: compiling the tens of kilobytes of `collect.js` costs
/// milliseconds each time.
#[derive(Debug, Clone, Copy)]
pub struct PageScript {
    name: &'static str,
    /// A function expression: `(a, b) => …`.
    function: &'static str,
}

impl PageScript {
    /// `name` must be a JavaScript identifier, unique among the page scripts.
    pub const fn new(name: &'static str, function: &'static str) -> Self {
        Self { name, function }
    }

    fn definition(&self) -> String {
        format!(
            "(globalThis.__browserdScripts ||= {{}}).{} = ({}\n); true",
            self.name, self.function
        )
    }

    fn call(&self) -> String {
        format!(
            "function (...args) {{ return globalThis.__browserdScripts.{}(...args); }}",
            self.name
        )
    }
}

/// The value a Runtime command produced, or the exception the script threw.
fn script_value(result: serde_json::Value) -> Result<serde_json::Value, BrowserError> {
    if let Some(exception) = result.get("exceptionDetails") {
        let text = exception["exception"]["description"]
            .as_str()
            .or(exception["text"].as_str())
            .unwrap_or("exception");
        return Err(BrowserError::Protocol(format!(
            "script failed in the page: {text}"
        )));
    }
    Ok(result["result"].clone())
}

/// A page that an input opened (a popup or a new tab), for [`Tab::follow`].
#[derive(Debug)]
pub struct Popup(TargetId);

/// How an input ended: the page settled (with what was read from it then), or the input
/// opened a new page, which the tab has not followed yet.
#[derive(Debug)]
pub enum Settled {
    InPlace(Option<serde_json::Value>),
    Opened(Popup),
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

/// Runs a browser command with an upper bound on its time.
pub(super) async fn bounded<T, E>(
    timeout: Duration,
    command: impl Future<Output = Result<T, E>>,
) -> Result<T, BrowserError>
where
    E: Into<BrowserError>,
{
    match tokio::time::timeout(timeout, command).await {
        Ok(result) => result.map_err(Into::into),
        Err(_) => Err(BrowserError::Timeout(timeout)),
    }
}

impl Tab {
    pub(super) fn new(browser: Arc<Running>, parts: TabParts) -> Self {
        Self {
            browser,
            parts: Some(parts),
            openers: Vec::new(),
            worlds: std::sync::Mutex::new(HashMap::new()),
            next_token: AtomicU64::new(0),
        }
    }

    pub fn browser_id(&self) -> BrowserId {
        self.browser.id
    }

    fn parts(&self) -> Result<&TabParts, BrowserError> {
        self.parts
            .as_ref()
            .ok_or(BrowserError::Protocol("the tab is closed".into()))
    }

    /// Runs `command` against this tab, failing at once when the page crashes or the
    /// browser dies, and after the operation timeout at the latest.
    async fn guarded<T>(
        &self,
        command: impl Future<Output = Result<T, BrowserError>>,
    ) -> Result<T, BrowserError> {
        let parts = self.parts()?;
        if !self.browser.is_alive() {
            return Err(BrowserError::Died("the browser is gone".into()));
        }
        let mut crashed = parts.crashed.clone();
        tokio::select! {
            result = bounded(self.browser.operation_timeout, command) => result,
            _ = crashed.wait_for(|crashed| *crashed) => Err(BrowserError::PageCrashed),
        }
    }

    /// Sends a raw CDP command to the page and returns its result.
    async fn call(
        &self,
        method: &'static str,
        params: serde_json::Value,
    ) -> Result<serde_json::Value, BrowserError> {
        let page = &self.parts()?.page;
        self.guarded(async move {
            let response = page.execute(RawCommand::new(method, params)).await?;
            Ok(response.result)
        })
        .await
    }

    /// A PNG of the viewport, base64-encoded as CDP gives it.
    pub async fn screenshot(&self) -> Result<String, BrowserError> {
        let result = self
            .call("Page.captureScreenshot", json!({ "format": "png" }))
            .await?;
        result["data"]
            .as_str()
            .map(str::to_owned)
            .ok_or_else(|| BrowserError::Protocol("screenshot reply without data".into()))
    }

    /// Navigates the page to `url` and waits until it is ready: `load` fired, no request
    /// pending and the DOM quiet, within bounds; then reads `read` as
    /// [`settle_reading`](Self::settle_reading) does. A URL that cannot be loaded is
    /// [`BrowserError::Navigation`] with the browser's reason.
    pub async fn goto(
        &mut self,
        url: &str,
        read: Option<&PageScript>,
    ) -> Result<Option<serde_json::Value>, BrowserError> {
        let page = &self.parts()?.page;
        let navigation = async {
            let mut loaded = page.event_listener::<EventLoadEventFired>().await?;
            let result = page
                .execute(RawCommand::new("Page.navigate", json!({ "url": url })))
                .await?
                .result;
            if let Some(reason) = result["errorText"]
                .as_str()
                .filter(|reason| !reason.is_empty())
            {
                return Err(BrowserError::Navigation(reason.to_string()));
            }
            // No loader means a same-document navigation (a fragment): there is no `load`.
            if result["loaderId"]
                .as_str()
                .is_some_and(|loader| !loader.is_empty())
            {
                loaded.next().await;
            }
            Ok(())
        };
        match self.guarded(navigation).await {
            Err(BrowserError::Timeout(limit)) => {
                // Chromium answers no further navigation while one hangs: give the session
                // a fresh page in the same context (cookies and storage stay).
                self.replace_page().await?;
                Err(BrowserError::Navigation(format!(
                    "net::ERR_TIMED_OUT: the page did not load within {} s",
                    limit.as_secs()
                )))
            }
            Err(error) => Err(error),
            Ok(()) => self.settle_reading(NAVIGATION_QUIET, read).await,
        }
    }

    /// Waits until the page has been still — no request pending or started, no node
    /// added, removed or retexted (attribute churn such as carousels does not count) —
    /// for `quiet`, and shows no loading indicator, within [`SETTLE_MAX`]: pages that
    /// fetch and render after `load` are seen rendered.
    pub async fn settle(&self, quiet: Duration) -> Result<(), BrowserError> {
        self.settle_reading(quiet, None).await.map(|_| ())
    }

    /// [`settle`](Self::settle), then the value of the page script `read` (run in our
    /// world of the main frame) as the page was when it was found still; `None` when the
    /// page never settled within the bound, or when a value sent ahead never arrived (the
    /// caller reads the page itself).
    ///
    /// The script runs once while the page is being watched, a frame after the wait
    /// begins, and again at its end only if the page changed meanwhile (`settle.js` says
    /// what counts): reading a page that stays still costs no time beyond the quiet period.
    /// The first value is sent ahead through [`READ_BINDING`] while the wait goes on.
    pub async fn settle_reading(
        &self,
        quiet: Duration,
        read: Option<&PageScript>,
    ) -> Result<Option<serde_json::Value>, BrowserError> {
        let deadline = tokio::time::Instant::now() + SETTLE_MAX;
        let parts = self.parts()?;
        let page = &parts.page;
        let in_flight = parts.in_flight.clone();
        loop {
            let _ = tokio::time::timeout_at(deadline, in_flight.idle()).await;
            let requests_before = in_flight.started();
            let remaining = deadline.saturating_duration_since(tokio::time::Instant::now());
            if remaining.is_zero() {
                return Ok(None);
            }
            let network_still = in_flight.still_for().min(SETTLE_MAX);
            // A read sent ahead comes back through the binding, marked with this call's
            // token; a wait that reads nothing needs no stream.
            let mut sent_reads = match read {
                Some(_) => Some(page.event_listener::<EventBindingCalled>().await?),
                None => None,
            };
            let token = format!("{}:", self.next_token.fetch_add(1, Ordering::Relaxed));
            let arguments = [
                json!(quiet.as_millis() as u64),
                json!(remaining.as_millis() as u64),
                json!(read.map(|script| script.name)),
                json!(network_still.as_millis() as u64),
                json!(sent_reads.as_ref().map(|_| (READ_BINDING, &token))),
            ];
            let needs: &[&PageScript] = match read {
                Some(read) => &[read],
                None => &[],
            };
            let still = match self.run_needing(None, &SETTLE, needs, &arguments).await {
                Ok(still) => still,
                // The document went away under the script (a redirect, a script's own
                // navigation): wait for the next one, within the bound.
                Err(BrowserError::Protocol(_)) => {
                    tokio::time::sleep(Duration::from_millis(20)).await;
                    continue;
                }
                Err(other) => return Err(other),
            };
            let busy = still["busy"].as_bool().unwrap_or(false);
            if in_flight.started() == requests_before && in_flight.pending() == 0 && !busy {
                let mut still = still;
                return match (still["sent"].as_bool(), sent_reads.as_mut()) {
                    (Some(true), Some(sent)) => Ok(Self::sent_read(sent, &token).await),
                    _ => Ok(read.map(|_| {
                        still
                            .get_mut("read")
                            .map(serde_json::Value::take)
                            .unwrap_or_default()
                    })),
                };
            }
        }
    }

    /// The read `settle.js` sent ahead with `token`, from the binding's events; `None` (the
    /// caller reads again) if it never came.
    async fn sent_read(
        sent: &mut EventStream<EventBindingCalled>,
        token: &str,
    ) -> Option<serde_json::Value> {
        let found = async {
            while let Some(event) = sent.next().await {
                if event.name != READ_BINDING {
                    continue;
                }
                if let Some(read) = event.payload.strip_prefix(token) {
                    return Some(serde_json::Value::String(read.to_owned()));
                }
            }
            None
        };
        tokio::time::timeout(SENT_READ_WAIT, found)
            .await
            .ok()
            .flatten()
    }

    /// The page's URL as the browser last reported it (navigations, fragments and
    /// `pushState` included), without asking the page.
    pub async fn url(&self) -> Result<Option<String>, BrowserError> {
        let page = &self.parts()?.page;
        self.guarded(async { Ok(page.url().await?) }).await
    }

    /// The URL of the document in `frame` as the browser last reported it, without asking
    /// the page; a frame that failed to load shows the browser's error page
    /// (`chrome-error://…`).
    pub async fn frame_url(&self, frame: &str) -> Result<Option<String>, BrowserError> {
        let page = &self.parts()?.page;
        let frame = FrameId::new(frame);
        self.guarded(async { Ok(page.frame_url(frame).await?) })
            .await
    }

    /// The page's URL and title.
    pub async fn info(&self) -> Result<PageInfo, BrowserError> {
        let value = self
            .evaluate("({ url: location.href, title: document.title || '' })")
            .await?;
        serde_json::from_value(value).map_err(|e| BrowserError::Protocol(format!("page info: {e}")))
    }

    /// Evaluates `expression` in our isolated world of the main frame and returns its
    /// value (awaited if it is a promise) as JSON.
    pub async fn evaluate(&self, expression: &str) -> Result<serde_json::Value, BrowserError> {
        let result = self
            .in_world(None, &[], "Runtime.evaluate", |context| {
                json!({ "expression": expression, "contextId": context, "returnByValue": true, "awaitPromise": true })
            })
            .await?;
        Ok(result["value"].clone())
    }

    /// Runs `script` with `arguments` in our isolated world of `frame` (a frame id from
    /// [`frame_owned_by`](Self::frame_owned_by)), or of the main frame for `None`, and
    /// returns its value (awaited if it is a promise) as JSON. State that earlier scripts
    /// left in the world's globals is there, until the page navigates.
    pub async fn run_in(
        &self,
        frame: Option<&str>,
        script: &PageScript,
        arguments: &[serde_json::Value],
    ) -> Result<serde_json::Value, BrowserError> {
        self.run_needing(frame, script, &[], arguments).await
    }

    /// [`run_in`](Self::run_in), with the page scripts `needs` defined in the world too:
    /// `script` calls them.
    async fn run_needing(
        &self,
        frame: Option<&str>,
        script: &PageScript,
        needs: &[&PageScript],
        arguments: &[serde_json::Value],
    ) -> Result<serde_json::Value, BrowserError> {
        let scripts: Vec<&PageScript> = needs.iter().copied().chain([script]).collect();
        let arguments: Vec<serde_json::Value> = arguments
            .iter()
            .map(|value| json!({ "value": value }))
            .collect();
        let call = script.call();
        let result = self
            .in_world(frame, &scripts, "Runtime.callFunctionOn", |context| {
                json!({
                    "functionDeclaration": call,
                    "executionContextId": context,
                    "arguments": arguments,
                    "returnByValue": true,
                    "awaitPromise": true,
                })
            })
            .await?;
        Ok(result["value"].clone())
    }

    /// The id of the frame whose `<iframe>` element `expression` evaluates to in our world
    /// of `frame`; `None` when it is no element or holds no frame.
    pub async fn frame_owned_by(
        &self,
        frame: Option<&str>,
        expression: &str,
    ) -> Result<Option<String>, BrowserError> {
        let owner = self
            .in_world(frame, &[], "Runtime.evaluate", |context| {
                json!({ "expression": expression, "contextId": context, "returnByValue": false })
            })
            .await?;
        let Some(object) = owner["objectId"].as_str() else {
            return Ok(None);
        };
        let described = self
            .call("DOM.describeNode", json!({ "objectId": object }))
            .await;
        // Released whatever describeNode said, and without waiting for the answer: the
        // handle pins nothing we need, and waiting cost each frame of a snapshot a round
        // trip.
        if let Ok(parts) = self.parts() {
            let page = parts.page.clone();
            let release = RawCommand::new("Runtime.releaseObject", json!({ "objectId": object }));
            tokio::spawn(async move {
                let _ = page.execute(release).await;
            });
        }
        Ok(described?["node"]["frameId"].as_str().map(str::to_owned))
    }

    /// Runs a Runtime command in our isolated world of `frame`, with the page `scripts`
    /// defined there, and returns the remote object it produced. Creates the world when
    /// the document has none (first use, or a navigation destroyed it).
    async fn in_world(
        &self,
        frame: Option<&str>,
        scripts: &[&PageScript],
        method: &'static str,
        params: impl Fn(i64) -> serde_json::Value,
    ) -> Result<serde_json::Value, BrowserError> {
        let known = self
            .worlds()
            .get(&frame.map(str::to_owned))
            .map(|w| w.context);
        let context = match known {
            Some(context) => context,
            None => self.create_world(frame).await?,
        };
        let attempt = async |context: i64| {
            self.define(frame, context, scripts).await?;
            self.call(method, params(context)).await
        };
        let result = match attempt(context).await {
            // The world died with the document it belonged to ("Cannot find context",
            // "Inspected target navigated or closed"): make a new one, once.
            Err(BrowserError::Protocol(message))
                if message.contains("context") || message.contains("navigated") =>
            {
                let context = self.create_world(frame).await?;
                attempt(context).await?
            }
            other => other?,
        };
        script_value(result)
    }

    /// Defines in the world `context` of `frame` those of `scripts` it lacks.
    async fn define(
        &self,
        frame: Option<&str>,
        context: i64,
        scripts: &[&PageScript],
    ) -> Result<(), BrowserError> {
        let key = frame.map(str::to_owned);
        for script in scripts {
            let defined = self
                .worlds()
                .get(&key)
                .is_some_and(|w| w.context == context && w.defined.contains(script.name));
            if defined {
                continue;
            }
            let result = self
                .call(
                    "Runtime.evaluate",
                    json!({ "expression": script.definition(), "contextId": context, "returnByValue": true }),
                )
                .await?;
            script_value(result)?;
            if let Some(world) = self.worlds().get_mut(&key) {
                if world.context == context {
                    world.defined.insert(script.name);
                }
            }
        }
        Ok(())
    }

    fn worlds(&self) -> std::sync::MutexGuard<'_, HashMap<Option<String>, World>> {
        self.worlds.lock().unwrap_or_else(|p| p.into_inner())
    }

    async fn create_world(&self, frame: Option<&str>) -> Result<i64, BrowserError> {
        let frame_id = match frame {
            Some(frame) => frame.to_owned(),
            None => {
                // A new main document has new frames: the other worlds went with the old.
                self.worlds().clear();
                let tree = self.call("Page.getFrameTree", json!({})).await?;
                tree["frameTree"]["frame"]["id"]
                    .as_str()
                    .map(str::to_owned)
                    .ok_or_else(|| {
                        BrowserError::Protocol("frame tree without a main frame".into())
                    })?
            }
        };
        let world = self
            .call(
                "Page.createIsolatedWorld",
                // The protocol spells the parameter this way.
                json!({ "frameId": frame_id, "worldName": WORLD_NAME, "grantUniveralAccess": true }),
            )
            .await?;
        let context = world["executionContextId"]
            .as_i64()
            .ok_or_else(|| BrowserError::Protocol("isolated world without a context".into()))?;
        self.worlds().insert(
            frame.map(str::to_owned),
            World {
                context,
                defined: HashSet::new(),
            },
        );
        Ok(context)
    }

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

    /// Types `text` into the focused element, as an input method inserts it.
    pub async fn insert_text(&self, text: &str) -> Result<(), BrowserError> {
        self.call("Input.insertText", json!({ "text": text }))
            .await
            .map(|_| ())
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

    /// Sends the key events of typing `character` without typing it: a key down that
    /// produces no text, then a key up, for pages that listen to keys after text was
    /// inserted.
    pub async fn echo_key(&self, character: char) -> Result<(), BrowserError> {
        let key = character.to_string();
        let code = if character.is_ascii_alphanumeric() {
            character.to_ascii_uppercase() as u32
        } else if character == ' ' {
            32
        } else {
            0
        };
        for kind in ["rawKeyDown", "keyUp"] {
            self.call(
                "Input.dispatchKeyEvent",
                json!({ "type": kind, "key": key, "windowsVirtualKeyCode": code }),
            )
            .await?;
        }
        Ok(())
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
        let (listeners, _) = futures_util::join!(listening, self.run_in(None, &INPUT_WATCH, &[]));
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

    /// Makes the popup or new tab an input opened the tab's page, as a person's eyes
    /// follow it, and waits until it is ready. The opener stays open behind it.
    pub async fn follow(&mut self, popup: Popup) -> Result<(), BrowserError> {
        let context = self.parts()?.context.clone();
        let deadline = tokio::time::Instant::now() + self.browser.operation_timeout;
        let page = loop {
            match self.browser.browser.get_page(popup.0.clone()).await {
                Ok(page) => break page,
                Err(_) if tokio::time::Instant::now() < deadline => {
                    tokio::time::sleep(Duration::from_millis(20)).await
                }
                Err(_) => return Err(BrowserError::Timeout(self.browser.operation_timeout)),
            }
        };
        let fresh = bounded(
            self.browser.operation_timeout,
            self.browser.wrap_page(context, page),
        )
        .await?;
        if let Some(opener) = self.parts.replace(fresh) {
            self.openers.push(opener);
        }
        self.worlds().clear();
        // The popup may still be loading: wait as after a navigation.
        let _ = tokio::time::timeout(self.browser.operation_timeout, async {
            loop {
                let ready = self.evaluate("document.readyState").await;
                if matches!(
                    ready.as_ref().ok().and_then(|v| v.as_str()),
                    Some("complete")
                ) {
                    break;
                }
                tokio::time::sleep(Duration::from_millis(25)).await;
            }
        })
        .await;
        self.settle(NAVIGATION_QUIET).await
    }

    /// Waits for the page to settle after an input that does not navigate by itself, and
    /// reads `read` as [`settle_reading`](Self::settle_reading) does.
    pub async fn settle_after_input(
        &self,
        read: Option<&PageScript>,
    ) -> Result<Option<serde_json::Value>, BrowserError> {
        self.settle_reading(ACTION_QUIET, read).await
    }

    /// Goes one entry back (`-1`) or forward (`1`) in the tab's history and reads `read`
    /// once it settled. `None` when there is no such entry.
    pub async fn go_history(
        &self,
        offset: i64,
        read: Option<&PageScript>,
    ) -> Result<Option<Settled>, BrowserError> {
        let history = self.call("Page.getNavigationHistory", json!({})).await?;
        let index = history["currentIndex"].as_i64().unwrap_or(0) + offset;
        let Some(entry) = history["entries"]
            .as_array()
            .and_then(|entries| usize::try_from(index).ok().and_then(|i| entries.get(i)))
        else {
            return Ok(None);
        };
        let entry_id = entry["id"].clone();
        let settled = self
            .act_and_settle(
                async {
                    self.call(
                        "Page.navigateToHistoryEntry",
                        json!({ "entryId": entry_id }),
                    )
                    .await
                    .map(|_| ())
                },
                read,
            )
            .await?;
        Ok(Some(settled))
    }

    /// Reloads the page, waits until it is ready and reads `read`.
    pub async fn reload(&self, read: Option<&PageScript>) -> Result<Settled, BrowserError> {
        self.act_and_settle(
            async { self.call("Page.reload", json!({})).await.map(|_| ()) },
            read,
        )
        .await
    }

    /// Dialogs (`alert`, `confirm`, `beforeunload`…) accepted since the last call.
    pub fn take_dialogs(&self) -> Vec<Dialog> {
        self.parts
            .as_ref()
            .map(|parts| {
                std::mem::take(&mut *parts.dialogs.lock().unwrap_or_else(|p| p.into_inner()))
            })
            .unwrap_or_default()
    }

    /// Swaps the page for a new blank one in the same context and closes the old one.
    async fn replace_page(&mut self) -> Result<(), BrowserError> {
        let context = self.parts()?.context.clone();
        let fresh = bounded(
            self.browser.operation_timeout,
            self.browser.create_page(context),
        )
        .await?;
        if let Some(old) = self.parts.replace(fresh) {
            old.stop_listeners();
            let close = RawCommand::new(
                "Target.closeTarget",
                json!({ "targetId": old.page.target_id().inner() }),
            );
            if let Err(error) = bounded(
                self.browser.operation_timeout,
                self.browser.browser.execute(close),
            )
            .await
            {
                tracing::warn!(%error, "cannot close a hung page");
            }
        }
        self.worlds().clear();
        Ok(())
    }

    /// Disposes the context and its pages.
    pub async fn close(mut self) -> Result<(), BrowserError> {
        let Some(parts) = self.parts.take() else {
            return Ok(());
        };
        self.browser.tab_closed();
        parts.stop_listeners();
        if !self.browser.is_alive() {
            return Ok(());
        }
        bounded(
            self.browser.operation_timeout,
            self.browser.browser.dispose_browser_context(parts.context),
        )
        .await
    }
}

impl Drop for Tab {
    fn drop(&mut self) {
        let Some(parts) = self.parts.take() else {
            return;
        };
        self.browser.tab_closed();
        parts.stop_listeners();
        if !self.browser.is_alive() {
            return;
        }
        if let Ok(runtime) = tokio::runtime::Handle::try_current() {
            let browser = Arc::clone(&self.browser);
            runtime.spawn(async move {
                let _ = bounded(
                    browser.operation_timeout,
                    browser.browser.dispose_browser_context(parts.context),
                )
                .await;
            });
        }
    }
}
