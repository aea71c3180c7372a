//! What one CDP client may say and hear: the rules that confine it to one browser
//! context, as pure message rewriting.
//!
//! The client speaks to the browser as if it had it to itself; the context is its only
//! (default) context. Every message it sends is checked here and either forwarded to the
//! browser (its id renumbered, a context id filled in), answered here, or refused with a
//! CDP error; every message the browser sends on this client's connection is forwarded,
//! rewritten (target lists cut to the context) or dropped. The proxy never asks the
//! browser to auto-attach browser-wide — that would attach to, and with
//! `waitForDebuggerOnStart` pause, every other session's new pages — but discovers targets
//! itself and attaches to those of the context, as auto-attach would.
//!
//! Owns no socket and no clock: the proxy (`super`) carries the messages. What each
//! command may do is `rules.rs`.

mod rules;

use std::collections::{HashMap, HashSet, VecDeque};

use serde_json::{json, Map, Value};

use self::rules::Rule;

/// A message to send on.
#[derive(Debug, Clone, PartialEq)]
pub enum Route {
    /// To the browser.
    Upstream(String),
    /// To the client.
    Client(String),
}

/// Which kinds of target a client asked to discover or auto-attach to: CDP's
/// `TargetFilter`, where the first entry whose `type` matches (or that has none) decides,
/// `exclude` saying no. Absent, every type but `browser` and `tab`.
#[derive(Debug, Clone)]
struct TargetFilter(Vec<(Option<String>, bool)>);

impl TargetFilter {
    fn of(params: &Map<String, Value>) -> Self {
        match params.get("filter").and_then(Value::as_array) {
            Some(entries) => Self(
                entries
                    .iter()
                    .map(|entry| {
                        (
                            entry["type"].as_str().map(str::to_owned),
                            entry["exclude"].as_bool().unwrap_or(false),
                        )
                    })
                    .collect(),
            ),
            None => Self(vec![
                (Some("browser".to_owned()), true),
                (Some("tab".to_owned()), true),
                (None, false),
            ]),
        }
    }

    fn wants(&self, kind: &str) -> bool {
        for (of, exclude) in &self.0 {
            if of.as_deref().is_none_or(|of| of == kind) {
                return !exclude;
            }
        }
        false
    }
}

/// What to do with the browser's answer to a forwarded command.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Then {
    Forward,
    /// Keep only the context's targets.
    FilterTargets,
    /// A session the client may use from now on.
    Attached,
    /// A page the client opened: attached first when the client auto-attaches.
    Created,
    /// A window of the context's.
    Window,
}

#[derive(Debug)]
enum Origin {
    Client {
        id: Value,
        session: Option<String>,
        then: Then,
    },
    /// The proxy's discovery of targets, before the client is served.
    Discover,
    /// The proxy attaching to a target of the context for the client's auto-attach.
    AutoAttach { target: String },
}

/// A client's view of the browser: its root connection (`None`), or a session it opened on
/// the browser target (`Target.attachToBrowserTarget`), which the proxy keeps itself: a
/// real one would not be confined.
type View = Option<String>;

/// What one view asked for.
#[derive(Debug, Default)]
struct ViewState {
    discover: Option<TargetFilter>,
    auto_attach: Option<TargetFilter>,
}

/// An answer held back until the proxy has attached to `waiting` targets: the browser
/// announces a target's attachment before it answers the command that caused it.
#[derive(Debug)]
struct Held {
    waiting: HashSet<String>,
    answer: String,
}

/// One client's view of the browser: its context, its sessions, its targets.
#[derive(Debug)]
pub struct Confinement {
    context: String,
    downloads: String,
    next_id: u64,
    pending: HashMap<u64, Origin>,
    /// The context's targets, by id: their last `TargetInfo`.
    targets: HashMap<String, Value>,
    /// The flat sessions this client may use.
    sessions: HashSet<String>,
    /// Targets the proxy attached (or is attaching) to for a view's auto-attach, and which.
    auto_attached: HashMap<String, View>,
    /// Attaches under way, by target, in the order they were sent: the view each is for.
    /// The browser announces an attach (`Target.attachedToTarget`) in that order.
    attaching: HashMap<String, VecDeque<View>>,
    /// The view each of the client's top-level sessions was announced to.
    session_views: HashMap<String, View>,
    /// What each view of the browser asked to discover and auto-attach to.
    views: HashMap<View, ViewState>,
    browser_sessions: u64,
    windows: HashSet<i64>,
    downloads_watched: bool,
    held: Vec<Held>,
    /// Client messages that came before the discovery of targets was done.
    early: VecDeque<String>,
    ready: bool,
}

/// Refusals: the codes Chromium uses for the same cases.
const INVALID_REQUEST: i64 = -32600;
const PARSE_ERROR: i64 = -32700;
const SERVER_ERROR: i64 = -32000;
const NO_SESSION: i64 = -32001;

impl Confinement {
    /// Confines a client to `context`; downloads it allows land in `downloads`. Returns the
    /// messages that open the connection to the browser.
    pub fn new(context: String, downloads: String) -> (Self, Vec<Route>) {
        let mut confinement = Self {
            context,
            downloads,
            next_id: 0,
            pending: HashMap::new(),
            targets: HashMap::new(),
            sessions: HashSet::new(),
            auto_attached: HashMap::new(),
            attaching: HashMap::new(),
            session_views: HashMap::new(),
            views: HashMap::from([(None, ViewState::default())]),
            browser_sessions: 0,
            windows: HashSet::new(),
            downloads_watched: false,
            held: Vec::new(),
            early: VecDeque::new(),
            ready: false,
        };
        // Every kind of target, tabs included: a client may ask for any of them.
        let discover = confinement.own(
            Origin::Discover,
            "Target.setDiscoverTargets",
            json!({ "discover": true, "filter": [{}] }),
        );
        (confinement, vec![discover])
    }

    fn own(&mut self, origin: Origin, method: &str, params: Value) -> Route {
        self.next_id += 1;
        self.pending.insert(self.next_id, origin);
        Route::Upstream(
            json!({ "id": self.next_id, "method": method, "params": params }).to_string(),
        )
    }

    /// The context's targets that `filter` takes, in the order of their ids.
    fn targets_of(&self, filter: &TargetFilter) -> Vec<&Value> {
        let mut known: Vec<&Value> = self
            .targets
            .values()
            .filter(|info| filter.wants(info["type"].as_str().unwrap_or_default()))
            .collect();
        known.sort_by_key(|info| info["targetId"].as_str().map(str::to_owned));
        known
    }

    /// The views that asked to hear of targets like `info`.
    fn discovering(&self, info: &Value) -> Vec<View> {
        let kind = info["type"].as_str().unwrap_or_default();
        let mut views: Vec<View> = self
            .views
            .iter()
            .filter(|(_, state)| state.discover.as_ref().is_some_and(|f| f.wants(kind)))
            .map(|(view, _)| view.clone())
            .collect();
        views.sort();
        views
    }

    /// The view that auto-attaches to targets of `kind`, the root first.
    fn auto_attaching(&self, kind: &str) -> Option<View> {
        let mut views: Vec<&View> = self
            .views
            .iter()
            .filter(|(_, state)| state.auto_attach.as_ref().is_some_and(|f| f.wants(kind)))
            .map(|(view, _)| view)
            .collect();
        views.sort();
        views.first().map(|view| (*view).clone())
    }

    fn ours(&self, target: Option<&str>) -> bool {
        target.is_some_and(|target| self.targets.contains_key(target))
    }

    fn in_context(&self, info: &Value) -> bool {
        info["browserContextId"].as_str() == Some(self.context.as_str())
    }

    /// A message from the client.
    pub fn client_said(&mut self, text: &str) -> Vec<Route> {
        if !self.ready {
            self.early.push_back(text.to_owned());
            return Vec::new();
        }
        let Ok(Value::Object(mut message)) = serde_json::from_str::<Value>(text) else {
            return vec![error(
                Value::Null,
                None,
                PARSE_ERROR,
                "Message must be a valid JSON object",
            )];
        };
        let id = message.get("id").cloned().unwrap_or(Value::Null);
        let session = message
            .get("sessionId")
            .and_then(Value::as_str)
            .map(str::to_owned);
        let (Some(_), Some(method)) = (
            id.as_u64(),
            message
                .get("method")
                .and_then(Value::as_str)
                .map(str::to_owned),
        ) else {
            return vec![error(
                id,
                session,
                INVALID_REQUEST,
                "Message must have an integer `id` and a string `method`",
            )];
        };
        let view: View = session
            .clone()
            .filter(|session| self.views.contains_key(&Some(session.clone())));
        if let Some(session) = session.as_ref().filter(|_| view.is_none()) {
            if !self.sessions.contains(session) {
                return vec![error(
                    id,
                    Some(session.clone()),
                    NO_SESSION,
                    "Session with given id not found.",
                )];
            }
        }
        let mut params = match message.remove("params") {
            Some(Value::Object(params)) => params,
            None | Some(Value::Null) => Map::new(),
            Some(_) => {
                return vec![error(
                    id,
                    session,
                    INVALID_REQUEST,
                    "`params` must be an object",
                )]
            }
        };
        // A view of the browser is the browser to the rules, and is not sent upstream.
        let page_session = session.clone().filter(|_| view.is_none());
        match self.rule(&method, &mut params, page_session.as_deref()) {
            Rule::Forward(then) => {
                if then == Then::Attached {
                    if let Some(target) = params.get("targetId").and_then(Value::as_str) {
                        self.attaching
                            .entry(target.to_owned())
                            .or_default()
                            .push_back(view.clone());
                    }
                }
                vec![self.forward(id, session, page_session, &method, params, then)]
            }
            Rule::Answer(result) => vec![answer(id, session, result)],
            Rule::Refuse(why) => vec![error(id, session, SERVER_ERROR, &why)],
            Rule::Discover(filter) => self.set_discover(id, session, view, filter),
            Rule::AutoAttach(filter) => self.set_auto_attach(id, session, view, filter),
            Rule::BrowserSession => {
                self.browser_sessions += 1;
                let browser_session = format!("BROWSERD-BROWSER-SESSION-{}", self.browser_sessions);
                self.views
                    .insert(Some(browser_session.clone()), ViewState::default());
                vec![answer(id, session, json!({ "sessionId": browser_session }))]
            }
        }
    }

    /// Sends a client command on to the browser, on `upstream` (a page's session, or the
    /// browser's own); its answer goes back as `session`'s.
    fn forward(
        &mut self,
        id: Value,
        session: Option<String>,
        upstream: Option<String>,
        method: &str,
        params: Map<String, Value>,
        then: Then,
    ) -> Route {
        self.next_id += 1;
        let mut message = json!({ "id": self.next_id, "method": method, "params": params });
        if let Some(upstream) = &upstream {
            message["sessionId"] = json!(upstream);
        }
        self.pending
            .insert(self.next_id, Origin::Client { id, session, then });
        Route::Upstream(message.to_string())
    }

    fn set_discover(
        &mut self,
        id: Value,
        session: Option<String>,
        view: View,
        filter: Option<TargetFilter>,
    ) -> Vec<Route> {
        let mut routes = Vec::new();
        let state = self.views.entry(view.clone()).or_default();
        if let (Some(filter), None) = (&filter, &state.discover) {
            routes.extend(
                self.targets_of(filter).into_iter().map(|info| {
                    event("Target.targetCreated", json!({ "targetInfo": info }), &view)
                }),
            );
        }
        self.views.entry(view).or_default().discover = filter;
        routes.push(answer(id, session, json!({})));
        routes
    }

    fn set_auto_attach(
        &mut self,
        id: Value,
        session: Option<String>,
        view: View,
        filter: Option<TargetFilter>,
    ) -> Vec<Route> {
        let reply = answer_text(id, session, json!({}));
        let mut routes = Vec::new();
        let mut waiting = HashSet::new();
        let wanted: Vec<String> = filter
            .as_ref()
            .map(|filter| self.targets_of(filter))
            .unwrap_or_default()
            .into_iter()
            .filter_map(|info| info["targetId"].as_str().map(str::to_owned))
            .collect();
        self.views.entry(view.clone()).or_default().auto_attach = filter;
        for target in wanted {
            if let Some(route) = self.attach(&target, &view) {
                routes.push(route);
                waiting.insert(target);
            }
        }
        self.hold_or_send(waiting, reply, &mut routes);
        routes
    }

    /// The proxy's own attach to a target of the context for `view`, once per target.
    fn attach(&mut self, target: &str, view: &View) -> Option<Route> {
        if self.auto_attached.contains_key(target) {
            return None;
        }
        self.auto_attached.insert(target.to_owned(), view.clone());
        self.attaching
            .entry(target.to_owned())
            .or_default()
            .push_back(view.clone());
        Some(self.own(
            Origin::AutoAttach {
                target: target.to_owned(),
            },
            "Target.attachToTarget",
            json!({ "targetId": target, "flatten": true }),
        ))
    }

    fn hold_or_send(&mut self, waiting: HashSet<String>, answer: String, routes: &mut Vec<Route>) {
        if waiting.is_empty() && self.held.is_empty() {
            routes.push(Route::Client(answer));
        } else {
            // Held answers leave in order: one that waits for nothing still waits for those
            // before it.
            self.held.push(Held { waiting, answer });
        }
    }

    /// Releases the answers no longer waiting for an attach, in order.
    fn release(&mut self, attached: &str, routes: &mut Vec<Route>) {
        for held in &mut self.held {
            held.waiting.remove(attached);
        }
        while self
            .held
            .first()
            .is_some_and(|held| held.waiting.is_empty())
        {
            let held = self.held.remove(0);
            routes.push(Route::Client(held.answer));
        }
    }

    /// A message from the browser.
    pub fn browser_said(&mut self, text: &str) -> Vec<Route> {
        if let Some(passed) = self.passed_as_it_is(text) {
            return passed;
        }
        let Ok(Value::Object(message)) = serde_json::from_str::<Value>(text) else {
            return Vec::new();
        };
        match message.get("id").and_then(Value::as_u64) {
            Some(id) => self.answered(id, message),
            None => self.event(message),
        }
    }

    /// Most of what the browser says on a page's session goes to the client as it is (its
    /// events) or with only its id changed back (answers to commands forwarded as they
    /// were): it is read for its envelope alone, not turned into a tree and written again,
    /// which for a screenshot's megabyte of base64 is most of the proxy's cost.
    fn passed_as_it_is(&mut self, text: &str) -> Option<Vec<Route>> {
        #[derive(serde::Deserialize)]
        struct Envelope<'a> {
            id: Option<u64>,
            #[serde(rename = "sessionId", borrow)]
            session: Option<&'a str>,
            #[serde(borrow)]
            method: Option<&'a str>,
        }
        let envelope: Envelope = serde_json::from_str(text).ok()?;
        let session = envelope.session?;
        if !self.sessions.contains(session) {
            return None;
        }
        match (envelope.id, envelope.method) {
            (None, Some(method)) if !method.starts_with("Target.") => {
                Some(vec![Route::Client(text.to_owned())])
            }
            (Some(id), None) => {
                let Some(Origin::Client {
                    id: client_id,
                    session: Some(asked_on),
                    then: Then::Forward,
                }) = self.pending.get(&id)
                else {
                    return None;
                };
                let prefix = format!("{{\"id\":{id},");
                if asked_on != session || !self.held.is_empty() || !text.starts_with(&prefix) {
                    return None;
                }
                let answer = format!("{{\"id\":{client_id},{}", &text[prefix.len()..]);
                self.pending.remove(&id);
                Some(vec![Route::Client(answer)])
            }
            _ => None,
        }
    }

    fn answered(&mut self, id: u64, mut message: Map<String, Value>) -> Vec<Route> {
        let mut routes = Vec::new();
        match self.pending.remove(&id) {
            None => {}
            Some(Origin::Discover) => {
                self.ready = true;
                while let Some(early) = self.early.pop_front() {
                    routes.extend(self.client_said(&early));
                }
            }
            Some(Origin::AutoAttach { target }) => {
                if let Some(session) = message.get("result").and_then(|r| r["sessionId"].as_str()) {
                    self.sessions.insert(session.to_owned());
                }
                self.release(&target, &mut routes);
            }
            Some(Origin::Client { id, session, then }) => {
                message.insert("id".into(), id);
                let result = message.get_mut("result");
                let mut waiting = HashSet::new();
                if let Some(result) = result {
                    self.apply(then, result, &mut waiting, &mut routes);
                }
                match session {
                    Some(session) => message.insert("sessionId".into(), json!(session)),
                    None => message.remove("sessionId"),
                };
                let answer = Value::Object(message).to_string();
                self.hold_or_send(waiting, answer, &mut routes);
            }
        }
        routes
    }

    fn apply(
        &mut self,
        then: Then,
        result: &mut Value,
        waiting: &mut HashSet<String>,
        routes: &mut Vec<Route>,
    ) {
        match then {
            Then::Forward => {}
            Then::FilterTargets => {
                if let Some(infos) = result["targetInfos"].as_array_mut() {
                    infos.retain(|info| {
                        info["browserContextId"].as_str() == Some(self.context.as_str())
                    });
                }
            }
            Then::Attached => {
                if let Some(session) = result["sessionId"].as_str() {
                    self.sessions.insert(session.to_owned());
                }
            }
            Then::Created => {
                let Some(target) = result["targetId"].as_str().map(str::to_owned) else {
                    return;
                };
                if let Some(view) = self.auto_attaching("page") {
                    if let Some(route) = self.attach(&target, &view) {
                        routes.push(route);
                    }
                    if self.held_for(&target) {
                        waiting.insert(target);
                    }
                }
            }
            Then::Window => {
                if let Some(window) = result["windowId"].as_i64() {
                    self.windows.insert(window);
                }
            }
        }
    }

    /// Whether an own attach to `target` is still under way.
    fn held_for(&self, target: &str) -> bool {
        self.pending
            .values()
            .any(|origin| matches!(origin, Origin::AutoAttach { target: t } if t == target))
    }

    fn event(&mut self, message: Map<String, Value>) -> Vec<Route> {
        let method = message
            .get("method")
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_owned();
        let params = message.get("params").cloned().unwrap_or(Value::Null);
        if let Some(session) = message.get("sessionId").and_then(Value::as_str) {
            if !self.sessions.contains(session) {
                return Vec::new();
            }
            match method.as_str() {
                "Target.attachedToTarget" => {
                    if let Some(child) = params["sessionId"].as_str() {
                        self.sessions.insert(child.to_owned());
                    }
                }
                "Target.detachedFromTarget" => {
                    if let Some(child) = params["sessionId"].as_str() {
                        self.sessions.remove(child);
                    }
                }
                _ => {}
            }
            return vec![Route::Client(Value::Object(message).to_string())];
        }
        match method.as_str() {
            "Target.targetCreated" | "Target.targetInfoChanged" => {
                self.target_seen(&method, &params, &message)
            }
            "Target.targetDestroyed" | "Target.targetCrashed" => {
                let target = params["targetId"].as_str().unwrap_or_default().to_owned();
                let Some(info) = self.targets.get(&target) else {
                    return Vec::new();
                };
                let views = self.discovering(info);
                if method == "Target.targetDestroyed" {
                    self.targets.remove(&target);
                    self.auto_attached.remove(&target);
                    self.attaching.remove(&target);
                }
                views.iter().map(|view| tagged(&message, view)).collect()
            }
            "Target.attachedToTarget" if self.in_context(&params["targetInfo"]) => {
                let target = params["targetInfo"]["targetId"]
                    .as_str()
                    .unwrap_or_default();
                let view = self
                    .attaching
                    .get_mut(target)
                    .and_then(VecDeque::pop_front)
                    .unwrap_or_default();
                if let Some(session) = params["sessionId"].as_str() {
                    self.sessions.insert(session.to_owned());
                    self.session_views.insert(session.to_owned(), view.clone());
                }
                vec![tagged(&message, &view)]
            }
            "Target.detachedFromTarget" => {
                let session = params["sessionId"].as_str().unwrap_or_default();
                if !self.sessions.remove(session) {
                    return Vec::new();
                }
                let view = self.session_views.remove(session).unwrap_or_default();
                vec![tagged(&message, &view)]
            }
            "Browser.downloadWillBegin" | "Browser.downloadProgress" if self.downloads_watched => {
                vec![tagged(&message, &None)]
            }
            _ => Vec::new(),
        }
    }

    fn target_seen(
        &mut self,
        method: &str,
        params: &Value,
        message: &Map<String, Value>,
    ) -> Vec<Route> {
        let info = &params["targetInfo"];
        if !self.in_context(info) {
            return Vec::new();
        }
        let Some(target) = info["targetId"].as_str().map(str::to_owned) else {
            return Vec::new();
        };
        self.targets.insert(target.clone(), info.clone());
        let mut routes: Vec<Route> = self
            .discovering(info)
            .iter()
            .map(|view| tagged(message, view))
            .collect();
        let kind = info["type"].as_str().unwrap_or_default();
        if method == "Target.targetCreated" {
            if let Some(view) = self.auto_attaching(kind) {
                routes.extend(self.attach(&target, &view));
            }
        }
        routes
    }
}

pub(super) fn not_ours(what: &str) -> String {
    format!("no such {what} in this session: a session's CDP client reaches only its own browser context")
}

fn event(method: &str, params: Value, view: &View) -> Route {
    let mut message = json!({ "method": method, "params": params });
    if let Some(view) = view {
        message["sessionId"] = json!(view);
    }
    Route::Client(message.to_string())
}

/// A browser-level event for `view`: as it came for the root, on its session for another.
fn tagged(message: &Map<String, Value>, view: &View) -> Route {
    let mut message = message.clone();
    if let Some(view) = view {
        message.insert("sessionId".into(), json!(view));
    }
    Route::Client(Value::Object(message).to_string())
}

fn answer_text(id: Value, session: Option<String>, result: Value) -> String {
    let mut message = json!({ "id": id, "result": result });
    if let Some(session) = session {
        message["sessionId"] = json!(session);
    }
    message.to_string()
}

fn answer(id: Value, session: Option<String>, result: Value) -> Route {
    Route::Client(answer_text(id, session, result))
}

fn error(id: Value, session: Option<String>, code: i64, message: &str) -> Route {
    let mut reply = json!({ "id": id, "error": { "code": code, "message": message } });
    if let Some(session) = session {
        reply["sessionId"] = json!(session);
    }
    Route::Client(reply.to_string())
}

#[cfg(test)]
mod tests;
