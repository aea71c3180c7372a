//! The tools for page actions without an element id, as the Notte SDK types them: a key
//! on what has focus (`browser_press_key`), a scroll (`browser_scroll`), and the session's
//! tabs (`browser_tab`: open one at a URL, switch, close). Each is a step like
//! `browser_step`'s: recorded, replayed, and answered with the page that follows.

use rmcp::handler::server::router::tool::ToolRouter;
use rmcp::model::{CallToolResult, JsonObject};
use rmcp::schemars::{self, JsonSchema};
use rmcp::service::RequestContext;
use rmcp::{tool, tool_router, RoleServer};
use serde::Deserialize;

use super::render;
use super::tools::{input_schema, BrowserTools};
use crate::domain::KeyName;
use crate::ops::{self, PageAction, StepAction};

const PRESS_KEY: &str = "Press one key on what has focus, as a keyboard does: Enter, Tab, \
Escape, Backspace, Delete, ArrowUp/Down/Left/Right, Home, End, PageUp, PageDown, Space, or \
one character. Enter in a field may submit its form. Returns the page that follows.";

const SCROLL: &str = "Scroll the page with the mouse wheel, down or up, by `pixels` (default: \
most of a screen). Returns the page that follows, with what came into view.";

const TAB: &str = "The browser session's tabs: `new` opens one at `url` and shows it, \
`switch` shows tab `index` (0 the oldest, as observations list them), `close` closes the \
one shown and shows the most recent other. Returns the page shown.";

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
struct PressKeyArgs {
    /// The key: a name (Enter, Tab, Escape, ArrowDown...) or one character.
    key: String,
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
struct ScrollArgs {
    /// "down" (default) or "up".
    direction: Option<String>,
    /// How far, in CSS pixels (default: most of a screen).
    pixels: Option<u32>,
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
struct TabArgs {
    /// "new", "switch" or "close".
    action: String,
    /// For "new": the page to open (http:, https: or about:blank).
    url: Option<String>,
    /// For "switch": the tab's number, 0 the oldest.
    index: Option<usize>,
}

#[tool_router(router = page_tools, vis = "pub(super)")]
impl BrowserTools {
    #[tool(
        name = "browser_press_key",
        title = "Press a key",
        description = PRESS_KEY,
        input_schema = input_schema::<PressKeyArgs>(),
        annotations(read_only_hint = false, destructive_hint = true, open_world_hint = true)
    )]
    async fn press_key(
        &self,
        context: RequestContext<RoleServer>,
        arguments: JsonObject,
    ) -> CallToolResult {
        let (args, session) = match self.prepare::<PressKeyArgs>(arguments, &context).await {
            Ok(prepared) => prepared,
            Err(error) => return error,
        };
        match KeyName::parse(&args.key) {
            Ok(key) => self.page_step(&session, PageAction::Press(key)).await,
            Err(message) => render::refused(&format!("`key`: {message}"), session.note()),
        }
    }

    #[tool(
        name = "browser_scroll",
        title = "Scroll the page",
        description = SCROLL,
        input_schema = input_schema::<ScrollArgs>(),
        annotations(read_only_hint = false, destructive_hint = false, open_world_hint = true)
    )]
    async fn scroll(
        &self,
        context: RequestContext<RoleServer>,
        arguments: JsonObject,
    ) -> CallToolResult {
        let (args, session) = match self.prepare::<ScrollArgs>(arguments, &context).await {
            Ok(prepared) => prepared,
            Err(error) => return error,
        };
        let down = match args.direction.as_deref() {
            None | Some("down") => true,
            Some("up") => false,
            Some(other) => {
                return render::refused(
                    &format!("`direction` is \"down\" or \"up\"; got {other:?}"),
                    session.note(),
                )
            }
        };
        let action = PageAction::Scroll {
            down,
            pixels: args.pixels,
        };
        self.page_step(&session, action).await
    }

    #[tool(
        name = "browser_tab",
        title = "Open, switch or close a tab",
        description = TAB,
        input_schema = input_schema::<TabArgs>(),
        annotations(read_only_hint = false, destructive_hint = true, open_world_hint = true)
    )]
    async fn tab(
        &self,
        context: RequestContext<RoleServer>,
        arguments: JsonObject,
    ) -> CallToolResult {
        let (args, session) = match self.prepare::<TabArgs>(arguments, &context).await {
            Ok(prepared) => prepared,
            Err(error) => return error,
        };
        let action =
            match (args.action.as_str(), args.url, args.index) {
                ("new", Some(url), None) => match ops::page_url(Some(&url)) {
                    Ok(Some(url)) => PageAction::NewTab(url),
                    Ok(None) => return render::refused("`url`: the page to open", session.note()),
                    Err(message) => {
                        return render::refused(&format!("`url`: {message}"), session.note())
                    }
                },
                ("switch", None, Some(index)) => PageAction::SwitchTab(index),
                ("close", None, None) => PageAction::CloseTab,
                _ => return render::refused(
                    "give `action` \"new\" with `url`, \"switch\" with `index`, or \"close\" alone",
                    session.note(),
                ),
            };
        self.page_step(&session, action).await
    }
}

impl BrowserTools {
    /// Runs `action` as a step of the connection's session and renders the page after it.
    async fn page_step(
        &self,
        session: &super::tools::InSession,
        action: PageAction,
    ) -> CallToolResult {
        let request = ops::Step {
            action: StepAction::Page(action),
            value: None,
            enter: false,
            max_actions: ops::ACTION_LIMIT_DEFAULT,
            diff: false,
        };
        let answer = self
            .operations()
            .step(self.owner().clone(), session.target(), request)
            .await;
        render::observation(answer, session.note())
    }
}

pub(super) fn router() -> ToolRouter<BrowserTools> {
    BrowserTools::page_tools()
}
