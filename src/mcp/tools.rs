//! The tools, their arguments, and the session each MCP connection uses.
//!
//! A tool call parses its arguments into the tool's argument type and then into the
//! operation's domain values (a bad one is a tool error naming the field, in the words the
//! HTTP API uses too), takes the connection's session (opened on first use, and again
//! after it ended), and calls the operations room.

use std::collections::HashMap;
use std::sync::Arc;

use rmcp::handler::server::common::{schema_for_input, schema_for_type};
use rmcp::handler::server::router::tool::ToolRouter;
use rmcp::model::{
    CallToolResult, Extensions, Implementation, JsonObject, ServerCapabilities, ServerConfig,
};
use rmcp::schemars::{self, JsonSchema};
use rmcp::service::RequestContext;
use rmcp::{tool, tool_handler, tool_router, RoleServer, ServerHandler};
use serde::de::DeserializeOwned;
use serde::Deserialize;

use super::render;
use crate::domain::{Owner, ProfileUse, SessionId, SessionStatus, SessionTimeout, StartOptions};
use crate::ops::{self, Operations, OpsError, SessionChoice, Target};
use crate::scrape::ScrapeOptions;

/// Who owns the sessions of MCP connections (there is no API key on this side).
const OWNER: &str = "browserd-mcp";

/// Which MCP connection a call came on: the `Mcp-Session-Id` of an HTTP session, or none.
/// A stdio process serves one connection; HTTP requests without a session (the
/// sessionless protocol of 2026-07-28) all share the one browser session of the server.
type Connection = Option<String>;

/// How the transport tells which connection a call came on, from what it put in the
/// call's extensions: the HTTP transport reads the request's `Mcp-Session-Id` header
/// (`startup` gives that reader, since it owns the HTTP side); stdio has one connection.
pub type ConnectionOf = fn(&Extensions) -> Connection;

/// The idle timeout of a connection's session: the longest the API allows, since an
/// agent may think for minutes between calls.
const IDLE: SessionTimeout = SessionTimeout::MAX;

const INSTRUCTIONS: &str = "A real web browser. browser_observe opens a page and lists what \
can be done on it, each with an id; browser_step acts by id; browser_scrape reads the page as \
markdown; browser_screenshot shows it. The browser session (page, cookies, history) lasts \
for this connection; browser_close ends it. browser_use_profile keeps a login across sessions; \
downloads land in the session's files (browser_files, browser_read_file), and browser_upload \
puts a file there for a file input.";

const OBSERVE: &str = "Look at the browser's page: its title, URL, and a numbered list of \
what can be done on it, grouped by the page's sections: links (L1, L2, ...), buttons, \
checkboxes and radios (B...), text fields and selects (I...). Give `url` to open that page \
first; without it, observes the current page. Act on an id with browser_step.";

const STEP: &str = "Act on the page by an id from the latest observation: click a link or \
button (L..., B...), type `value` into a text field or choose the option named `value` in a \
select (I...; `enter: true` then presses Enter, e.g. to submit a search). Returns the page's \
fresh observation, whose ids replace the earlier ones. Special ids: S1 go to the URL in \
`value`, S4 back, S5 forward, S6 reload, S7 wait `value` seconds.";

const SCRAPE: &str = "Read the browser's page as markdown: its main content (text, tables, \
lists, links), without navigation, headers and footers unless `only_main_content` is false. \
Give `url` to open that page first; without it, reads the current page.";

const SCREENSHOT: &str = "A PNG screenshot of the visible part of the browser's page, for \
when layout or images matter. With `marks: true`, the ids of the latest observation are drawn \
on it at their elements.";

const CLOSE: &str = "End the browser session: closes the page and forgets its cookies and \
history. The next browser tool opens a new session on a blank page.";

const CLOSED: &str = "Closed the browser session. The next browser tool opens a new one, on a \
blank page.";

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
struct ObserveArgs {
    /// The page to open first (http:, https: or about:blank). Omit to observe the current page.
    url: Option<String>,
    /// List at most this many element actions (1 to 10000, default 100).
    max_nb_actions: Option<i64>,
    /// true: list only what changed since the previous observation of this page (the whole
    /// list when the page changed).
    diff: Option<bool>,
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
struct StepArgs {
    /// An id from the latest observation ("L3", "B1", "I2", ...) or a special one (S1 to S8).
    action_id: String,
    /// For I...: the text to type or the option to choose. S1: the URL; S7: seconds.
    value: Option<String>,
    /// For I...: press Enter after typing.
    enter: Option<bool>,
    /// true: list only what changed since the previous observation of this page (the whole
    /// list when the step led to another page).
    diff: Option<bool>,
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
struct ScrapeArgs {
    /// The page to open first (http:, https: or about:blank). Omit to read the current page.
    url: Option<String>,
    /// true (default): the main content only; false: the whole visible page.
    only_main_content: Option<bool>,
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub(super) struct NoArgs {}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
struct ScreenshotArgs {
    /// Draw the latest observation's ids on the screenshot, at their elements.
    marks: Option<bool>,
}

/// The tool's input schema, from its argument type (an object, so the SDK's check passes;
/// a test holds it to that).
pub(super) fn input_schema<T: JsonSchema + 'static>() -> Arc<JsonObject> {
    schema_for_input::<T>().unwrap_or_else(|_| schema_for_type::<T>())
}

/// The arguments as `T`, or a tool error naming what is wrong with them.
pub(super) fn parse<T: DeserializeOwned>(arguments: JsonObject) -> Result<T, CallToolResult> {
    serde_path_to_error::deserialize(serde_json::Value::Object(arguments)).map_err(|error| {
        let path = error.path().to_string();
        let inner = error.into_inner();
        render::error(&if path == "." || path.is_empty() {
            format!("invalid arguments: {inner}")
        } else {
            format!("invalid arguments: field `{path}`: {inner}")
        })
    })
}

/// The MCP server: browserd's operations as tools. Cheap to clone; every clone shares the
/// sessions of the connections.
#[derive(Clone)]
pub struct BrowserTools {
    operations: Operations,
    owner: Owner,
    open: Arc<tokio::sync::Mutex<HashMap<Connection, SessionId>>>,
    /// The profile each connection's sessions start from, once it chose one.
    profiles: Arc<std::sync::Mutex<HashMap<Connection, ProfileUse>>>,
    connection_of: ConnectionOf,
    /// Whether a tool may read a file of this machine (`browser_upload`'s `path`): over
    /// stdio the host is this machine's; over HTTP it may be anyone's.
    local_files: bool,
    tool_router: ToolRouter<Self>,
}

/// The session a call acts in, and what the model should know about it.
pub(super) struct InSession {
    pub(super) id: SessionId,
    /// Set when the connection's earlier session had ended and a new one was opened.
    note: Option<String>,
}

impl InSession {
    /// What the model is told about the session besides the answer, if anything.
    pub(super) fn note(&self) -> Option<&str> {
        self.note.as_deref()
    }

    /// This session, kept open after the call.
    pub(super) fn target(&self) -> Target {
        Target {
            choice: SessionChoice::Existing(self.id.clone()),
            keep_alive: true,
            screenshot: false,
            marks: false,
            details: false,
        }
    }
}

#[tool_router]
impl BrowserTools {
    /// The tools over `operations`; `local_files` lets `browser_upload` read files of this
    /// machine (stdio only).
    pub fn new(operations: Operations, connection_of: ConnectionOf, local_files: bool) -> Self {
        Self {
            operations,
            owner: Owner::of_api_key(OWNER),
            open: Arc::default(),
            profiles: Arc::default(),
            connection_of,
            local_files,
            tool_router: Self::tool_router() + super::files::router() + super::page::router(),
        }
    }

    #[tool(
        name = "browser_observe",
        title = "Observe the page",
        description = OBSERVE,
        input_schema = input_schema::<ObserveArgs>(),
        annotations(read_only_hint = true, open_world_hint = true)
    )]
    async fn observe(
        &self,
        context: RequestContext<RoleServer>,
        arguments: JsonObject,
    ) -> CallToolResult {
        let (args, session) = match self.prepare::<ObserveArgs>(arguments, &context).await {
            Ok(prepared) => prepared,
            Err(error) => return error,
        };
        let request = match (|| {
            Ok::<_, String>(ops::Observe {
                url: ops::page_url(args.url.as_deref())?,
                max_actions: ops::action_limit(None, args.max_nb_actions)?,
                diff: args.diff.unwrap_or(false),
            })
        })() {
            Ok(request) => request,
            Err(message) => return render::refused(&message, session.note.as_deref()),
        };
        let answer = self
            .operations
            .observe(self.owner.clone(), session.target(), request)
            .await;
        render::observation(answer, session.note.as_deref())
    }

    #[tool(
        name = "browser_step",
        title = "Act on the page",
        description = STEP,
        input_schema = input_schema::<StepArgs>(),
        annotations(read_only_hint = false, destructive_hint = true, open_world_hint = true)
    )]
    async fn step(
        &self,
        context: RequestContext<RoleServer>,
        arguments: JsonObject,
    ) -> CallToolResult {
        let (args, session) = match self.prepare::<StepArgs>(arguments, &context).await {
            Ok(prepared) => prepared,
            Err(error) => return error,
        };
        let action = match args.action_id.trim_ascii().parse::<ops::ActionId>() {
            Ok(action) => ops::StepAction::Id(action),
            Err(error) => {
                return render::refused(&format!("`action_id`: {error}"), session.note.as_deref())
            }
        };
        let request = ops::Step {
            action,
            value: args.value,
            enter: args.enter.unwrap_or(false),
            max_actions: ops::ACTION_LIMIT_DEFAULT,
            diff: args.diff.unwrap_or(false),
        };
        let answer = self
            .operations
            .step(self.owner.clone(), session.target(), request)
            .await;
        render::observation(answer, session.note.as_deref())
    }

    #[tool(
        name = "browser_scrape",
        title = "Read the page as markdown",
        description = SCRAPE,
        input_schema = input_schema::<ScrapeArgs>(),
        annotations(read_only_hint = true, open_world_hint = true)
    )]
    async fn scrape(
        &self,
        context: RequestContext<RoleServer>,
        arguments: JsonObject,
    ) -> CallToolResult {
        let (args, session) = match self.prepare::<ScrapeArgs>(arguments, &context).await {
            Ok(prepared) => prepared,
            Err(error) => return error,
        };
        let url = match ops::page_url(args.url.as_deref()) {
            Ok(url) => url,
            Err(message) => return render::refused(&message, session.note.as_deref()),
        };
        let request = ops::Scrape {
            url,
            options: ScrapeOptions {
                only_main_content: args.only_main_content.unwrap_or(true),
                scrape_images: false,
            },
        };
        let answer = self
            .operations
            .scrape(self.owner.clone(), session.target(), request)
            .await;
        render::scraped(answer, session.note.as_deref())
    }

    /// A screenshot and nothing else: unlike an observe, it leaves the ids of the latest
    /// observation as the model last saw them.
    #[tool(
        name = "browser_screenshot",
        title = "Screenshot the page",
        description = SCREENSHOT,
        input_schema = input_schema::<ScreenshotArgs>(),
        annotations(read_only_hint = true, open_world_hint = false)
    )]
    async fn screenshot(
        &self,
        context: RequestContext<RoleServer>,
        arguments: JsonObject,
    ) -> CallToolResult {
        let (args, session) = match self.prepare::<ScreenshotArgs>(arguments, &context).await {
            Ok(prepared) => prepared,
            Err(error) => return error,
        };
        let answer = self
            .operations
            .screenshot(self.owner.clone(), session.id, args.marks.unwrap_or(false))
            .await;
        render::screenshot(answer, session.note.as_deref())
    }

    #[tool(
        name = "browser_close",
        title = "Close the browser session",
        description = CLOSE,
        input_schema = input_schema::<NoArgs>(),
        annotations(
            read_only_hint = false,
            destructive_hint = false,
            idempotent_hint = true,
            open_world_hint = false
        )
    )]
    async fn close(
        &self,
        context: RequestContext<RoleServer>,
        arguments: JsonObject,
    ) -> CallToolResult {
        if let Err(error) = parse::<NoArgs>(arguments) {
            return error;
        }
        let connection = (self.connection_of)(&context.extensions);
        let Some(id) = self.open.lock().await.remove(&connection) else {
            return render::text("No browser session was open.".into());
        };
        match self.operations.close(&self.owner, &id).await {
            Ok(session) if session.status == SessionStatus::Closed => render::text(CLOSED.into()),
            Ok(session) => render::text(format!(
                "The browser session had already ended ({}).",
                session.status.as_str()
            )),
            Err(error) => render::ops_error(&error),
        }
    }
}

impl BrowserTools {
    /// The connection's session: opened on first use, and anew when the earlier one has
    /// ended (timed out, or failed with the browser), saying so.
    /// A tool call's arguments, parsed, and the connection's session: what every tool
    /// but close starts with, or the tool error that ends it.
    pub(super) async fn prepare<T: DeserializeOwned>(
        &self,
        arguments: JsonObject,
        context: &RequestContext<RoleServer>,
    ) -> Result<(T, InSession), CallToolResult> {
        let args = parse(arguments)?;
        let session = self
            .session_for(context)
            .await
            .map_err(|error| render::ops_error(&error))?;
        Ok((args, session))
    }

    async fn session_for(
        &self,
        context: &RequestContext<RoleServer>,
    ) -> Result<InSession, OpsError> {
        let connection = (self.connection_of)(&context.extensions);
        let mut open = self.open.lock().await;
        let mut note = None;
        if let Some(id) = open.get(&connection) {
            let record = self.operations.sessions().get(&self.owner, id).await?;
            if record.status == SessionStatus::Active {
                return Ok(InSession {
                    id: id.clone(),
                    note: None,
                });
            }
            note = Some(format!(
                "The browser session had ended ({}{}); a new one was opened, on a blank page.",
                record.status.as_str(),
                record
                    .error
                    .map(|reason| format!(": {reason}"))
                    .unwrap_or_default()
            ));
        }
        let profile = self
            .profiles
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .get(&connection)
            .cloned();
        let options = StartOptions {
            timeout: IDLE,
            keep_alive: false,
            screenshot: false,
            profile,
        };
        let started = self
            .operations
            .sessions()
            .start(self.owner.clone(), options)
            .await?;
        let id = started.record.id;
        open.insert(connection, id.clone());
        Ok(InSession { id, note })
    }
}

impl BrowserTools {
    pub(super) fn operations(&self) -> &Operations {
        &self.operations
    }

    pub(super) fn owner(&self) -> &Owner {
        &self.owner
    }

    pub(super) fn local_files(&self) -> bool {
        self.local_files
    }

    /// Ends the connection's session, if it has one, and opens a new one from `profile`,
    /// which the connection's later sessions start from too.
    pub(super) async fn reopen_with(
        &self,
        context: &RequestContext<RoleServer>,
        profile: ProfileUse,
    ) -> Result<(), OpsError> {
        let connection = (self.connection_of)(&context.extensions);
        if let Some(id) = self.open.lock().await.remove(&connection) {
            self.operations.close(&self.owner, &id).await?;
        }
        let previous = self
            .profiles
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .insert(connection.clone(), profile);
        match self.session_for(context).await {
            Ok(_) => Ok(()),
            Err(error) => {
                let mut profiles = self.profiles.lock().unwrap_or_else(|p| p.into_inner());
                match previous {
                    Some(previous) => profiles.insert(connection, previous),
                    None => profiles.remove(&connection),
                };
                Err(error)
            }
        }
    }
}

#[tool_handler(router = self.tool_router)]
impl ServerHandler for BrowserTools {
    fn get_info(&self) -> ServerConfig {
        ServerConfig::new(ServerCapabilities::builder().enable_tools().build())
            .with_server_info(Implementation::new("browserd", env!("CARGO_PKG_VERSION")))
            .with_instructions(INSTRUCTIONS)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn argument_schemas_are_objects_without_titles() {
        for schema in [
            input_schema::<ObserveArgs>(),
            input_schema::<StepArgs>(),
            input_schema::<ScrapeArgs>(),
            input_schema::<ScreenshotArgs>(),
            input_schema::<NoArgs>(),
        ] {
            assert_eq!(schema.get("type"), Some(&serde_json::json!("object")));
            assert!(schema.get("title").is_none(), "{schema:?}");
        }
        let step = input_schema::<StepArgs>();
        assert_eq!(
            step.get("required"),
            Some(&serde_json::json!(["action_id"]))
        );
    }

    #[test]
    fn bad_arguments_name_the_field() {
        let arguments = |value: serde_json::Value| match value {
            serde_json::Value::Object(map) => map,
            _ => unreachable!(),
        };
        let message = |result: CallToolResult| {
            assert_eq!(result.is_error, Some(true));
            serde_json::to_string(&result.content).unwrap()
        };
        let wrong_type = parse::<StepArgs>(arguments(
            serde_json::json!({"action_id": "I1", "enter": "yes"}),
        ));
        assert!(message(wrong_type.unwrap_err()).contains("field `enter`: invalid type"));
        let unknown = parse::<StepArgs>(arguments(serde_json::json!({"id": "I1"})));
        assert!(message(unknown.unwrap_err()).contains("unknown field `id`"));
        let missing = parse::<StepArgs>(arguments(serde_json::json!({})));
        assert!(message(missing.unwrap_err()).contains("missing field `action_id`"));
    }
}
