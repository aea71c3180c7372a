//! The rules for each command a client sends: forwarded as it is, scoped to the session's
//! context or one of its targets, answered by the proxy, or refused.

use serde_json::{json, Map, Value};

use super::{not_ours, Confinement, TargetFilter, Then};

/// Browser-level methods a client may call as they are.
const BROWSER_LEVEL: &[&str] = &["Browser.getVersion", "Target.getTargetInfo"];

/// Methods that take a `browserContextId` and act on a whole context: always this one.
const CONTEXT_SCOPED: &[&str] = &[
    "Browser.setDownloadBehavior",
    "Browser.grantPermissions",
    "Browser.resetPermissions",
    "Browser.setPermission",
    "Browser.cancelDownload",
    "Storage.getCookies",
    "Storage.setCookies",
    "Storage.clearCookies",
];

/// Methods that name a target by `targetId`: only the context's.
const TARGET_SCOPED: &[&str] = &[
    "Target.activateTarget",
    "Target.closeTarget",
    "Target.autoAttachRelated",
];

/// What the rules say of one client command.
pub(super) enum Rule {
    Forward(Then),
    Answer(Value),
    Refuse(String),
    Discover(Option<TargetFilter>),
    AutoAttach(Option<TargetFilter>),
    /// A session on the browser target, kept by the proxy.
    BrowserSession,
}

impl Confinement {
    /// What to do with the client's `method`.
    pub(super) fn rule(
        &mut self,
        method: &str,
        params: &mut Map<String, Value>,
        session: Option<&str>,
    ) -> Rule {
        let target = params
            .get("targetId")
            .and_then(Value::as_str)
            .map(str::to_owned);
        if CONTEXT_SCOPED.contains(&method) {
            // A page's own session keeps cookies to the page's context by itself, and
            // takes no context id.
            if session.is_some() && method.starts_with("Storage.") {
                return match params.get("browserContextId") {
                    None => Rule::Forward(Then::Forward),
                    Some(_) => Rule::Refuse(not_ours("browser context")),
                };
            }
            return self.scope_to_context(method, params);
        }
        if TARGET_SCOPED.contains(&method) {
            return self.scope_to_target(target.as_deref(), Then::Forward);
        }
        match method {
            "Target.getTargets" => Rule::Forward(Then::FilterTargets),
            "Target.getBrowserContexts" => Rule::Answer(json!({ "browserContextIds": [] })),
            "Target.createTarget" => match self.scope_to_context(method, params) {
                Rule::Forward(_) => Rule::Forward(Then::Created),
                other => other,
            },
            "Target.attachToTarget" => {
                if params.get("flatten").and_then(Value::as_bool) != Some(true) {
                    return Rule::Refuse("browserd's CDP endpoint serves flat sessions only: attach with `flatten: true`".into());
                }
                self.scope_to_target(target.as_deref(), Then::Attached)
            }
            "Target.detachFromTarget" => {
                let by_session = params.get("sessionId").and_then(Value::as_str);
                if by_session.is_some_and(|s| self.sessions.contains(s)) || self.ours(target.as_deref()) {
                    Rule::Forward(Then::Forward)
                } else {
                    Rule::Refuse(not_ours("target or session"))
                }
            }
            "Target.getTargetInfo" if target.is_some() => self.scope_to_target(target.as_deref(), Then::Forward),
            "Target.setDiscoverTargets" if session.is_none() => Rule::Discover(
                (params.get("discover").and_then(Value::as_bool) == Some(true))
                    .then(|| TargetFilter::of(params)),
            ),
            "Target.setAutoAttach" if session.is_none() => Rule::AutoAttach(
                (params.get("autoAttach").and_then(Value::as_bool) == Some(true))
                    .then(|| TargetFilter::of(params)),
            ),
            // On a page's own session these reach only that page and what it opens.
            "Target.setAutoAttach" | "Target.getTargetInfo" if session.is_some() => {
                Rule::Forward(Then::Forward)
            }
            "Browser.getWindowForTarget" => match (session, target) {
                (Some(_), None) => Rule::Forward(Then::Window),
                (_, target) => self.scope_to_target(target.as_deref(), Then::Window),
            },
            "Browser.getWindowBounds" | "Browser.setWindowBounds" => {
                let window = params.get("windowId").and_then(Value::as_i64);
                if window.is_some_and(|w| self.windows.contains(&w)) {
                    Rule::Forward(Then::Forward)
                } else {
                    Rule::Refuse(not_ours("window"))
                }
            }
            "Browser.close" | "Browser.crash" | "Browser.crashGpuProcess" => Rule::Refuse(
                "a session's CDP client cannot close the browser: it is shared; disconnect, or end the session (POST /session/close)".into(),
            ),
            "Target.attachToBrowserTarget" => Rule::BrowserSession,
            "Target.createBrowserContext" | "Target.disposeBrowserContext" => Rule::Refuse(
                "a session's CDP client has one browser context, its session's: it cannot create or dispose contexts".into(),
            ),
            _ if session.is_none() && BROWSER_LEVEL.contains(&method) => Rule::Forward(Then::Forward),
            _ if session.is_none() || method.starts_with("Target.") || method.starts_with("Browser.") => {
                Rule::Refuse(format!(
                    "`{method}` is not available on a session's CDP endpoint: it would reach beyond the session's browser context"
                ))
            }
            _ => Rule::Forward(Then::Forward),
        }
    }

    /// A context-wide command, on this context whatever the client named.
    fn scope_to_context(&mut self, method: &str, params: &mut Map<String, Value>) -> Rule {
        match params.get("browserContextId").and_then(Value::as_str) {
            Some(named) if named != self.context => {
                return Rule::Refuse(not_ours("browser context"))
            }
            _ => {}
        }
        params.insert("browserContextId".into(), json!(self.context));
        if method == "Browser.setDownloadBehavior" {
            if params.contains_key("downloadPath") {
                // A path on the server's disk is the server's to choose.
                params.insert("downloadPath".into(), json!(self.downloads));
            }
            self.downloads_watched =
                params.get("eventsEnabled").and_then(Value::as_bool) == Some(true);
        }
        Rule::Forward(Then::Forward)
    }

    fn scope_to_target(&self, target: Option<&str>, then: Then) -> Rule {
        if self.ours(target) {
            Rule::Forward(then)
        } else {
            Rule::Refuse(not_ours("target"))
        }
    }
}
