//! The tools for what outlives a page: a profile the connection's session starts from
//! (`browser_use_profile`), the session's files (`browser_files`, `browser_read_file`)
//! and putting a file into it for a file input (`browser_upload`).

use base64::engine::general_purpose::STANDARD as BASE64;
use base64::Engine as _;
use rmcp::handler::server::router::tool::ToolRouter;
use rmcp::model::{CallToolResult, ContentBlock, JsonObject};
use rmcp::schemars::{self, JsonSchema};
use rmcp::service::RequestContext;
use rmcp::{tool, tool_router, RoleServer};
use serde::Deserialize;
use tokio::io::AsyncReadExt;

use super::render;
use super::tools::{input_schema, parse, BrowserTools};
use crate::domain::{FileName, ProfileName, ProfileUse, StorageState};
use crate::ops::OpsError;

/// The most of a file `browser_read_file` shows.
const READ_MAX: u64 = 256 * 1024;

const USE_PROFILE: &str = "Use a named profile: a login kept across sessions (cookies and \
each site's local storage). Ends the current browser session and opens a new one from the \
profile (made, empty, the first time a name is used). With `persist` (default true), what \
the session holds when it closes (browser_close) is saved back, so a sign-in done once is \
there next time.";

const FILES: &str = "List the browser session's files: what its pages downloaded (a step \
that starts a download says so) and what was uploaded with browser_upload.";

const READ_FILE: &str = "Read one of the browser session's files by name (from browser_files): \
text as text, an image as an image; other files are described, not shown.";

const UPLOAD: &str = "Put a file into the browser session, for a file input: then step on the \
input's I action with the file's name as `value`, as choosing the file would. Give the \
content as `text`, or (over stdio only) a `path` on this machine.";

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
struct UseProfileArgs {
    /// The profile's name (1 to 100 characters).
    name: String,
    /// Save what the session holds back into the profile when it closes (default true).
    persist: Option<bool>,
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
struct FileArgs {
    /// The file's name, as browser_files lists it.
    name: String,
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
struct UploadArgs {
    /// The file's name in the session (a plain name, no path).
    name: String,
    /// The file's content, as text.
    text: Option<String>,
    /// A file on the machine running browserd to copy in (stdio only).
    path: Option<String>,
}

#[tool_router(router = file_tools, vis = "pub(super)")]
impl BrowserTools {
    #[tool(
        name = "browser_use_profile",
        title = "Use a profile",
        description = USE_PROFILE,
        input_schema = input_schema::<UseProfileArgs>(),
        annotations(read_only_hint = false, destructive_hint = false, open_world_hint = false)
    )]
    async fn use_profile(
        &self,
        context: RequestContext<RoleServer>,
        arguments: JsonObject,
    ) -> CallToolResult {
        let args = match parse::<UseProfileArgs>(arguments) {
            Ok(args) => args,
            Err(error) => return error,
        };
        let name: ProfileName = match args.name.parse() {
            Ok(name) => name,
            Err(message) => return render::error(&format!("`name`: {message}")),
        };
        let sessions = self.operations().sessions();
        let existing = match sessions.profiles(self.owner()).await {
            Ok(profiles) => profiles.into_iter().find(|p| p.name == name),
            Err(error) => return render::ops_error(&OpsError::from(error)),
        };
        let (record, made) = match existing {
            Some(record) => (record, false),
            None => match sessions
                .create_profile(self.owner(), name, &StorageState::default())
                .await
            {
                Ok(record) => (record, true),
                Err(error) => return render::ops_error(&OpsError::from(error)),
            },
        };
        let persist = args.persist.unwrap_or(true);
        let profile = ProfileUse {
            id: record.id.clone(),
            persist,
        };
        if let Err(error) = self.reopen_with(&context, profile).await {
            return render::ops_error(&error);
        }
        render::text(format!(
            "A new browser session was opened from profile \"{}\"{}, on a blank page. {}",
            record.name.as_str(),
            if made { " (new and empty)" } else { "" },
            if persist {
                "What it holds when it closes (browser_close) is saved back into the profile."
            } else {
                "Nothing is saved back into the profile."
            }
        ))
    }

    #[tool(
        name = "browser_files",
        title = "List the session's files",
        description = FILES,
        input_schema = input_schema::<super::tools::NoArgs>(),
        annotations(read_only_hint = true, open_world_hint = false)
    )]
    async fn files(
        &self,
        context: RequestContext<RoleServer>,
        arguments: JsonObject,
    ) -> CallToolResult {
        let (_, session) = match self
            .prepare::<super::tools::NoArgs>(arguments, &context)
            .await
        {
            Ok(prepared) => prepared,
            Err(error) => return error,
        };
        match self.operations().files(self.owner(), &session.id).await {
            Ok(files) if files.is_empty() => render::text("The session has no files.".into()),
            Ok(files) => render::text(
                files
                    .iter()
                    .map(|f| format!("{} ({} bytes, {})", f.name, f.size, f.media_type))
                    .collect::<Vec<_>>()
                    .join("\n"),
            ),
            Err(error) => render::ops_error(&error),
        }
    }

    #[tool(
        name = "browser_read_file",
        title = "Read a file of the session",
        description = READ_FILE,
        input_schema = input_schema::<FileArgs>(),
        annotations(read_only_hint = true, open_world_hint = false)
    )]
    async fn read_file(
        &self,
        context: RequestContext<RoleServer>,
        arguments: JsonObject,
    ) -> CallToolResult {
        let (args, session) = match self.prepare::<FileArgs>(arguments, &context).await {
            Ok(prepared) => prepared,
            Err(error) => return error,
        };
        let name: FileName = match args.name.parse() {
            Ok(name) => name,
            Err(message) => return render::error(&format!("`name`: {message}")),
        };
        let (file, content) = match self
            .operations()
            .file(self.owner(), &session.id, &name)
            .await
        {
            Ok(found) => found,
            Err(error) => return render::ops_error(&error),
        };
        let mut bytes = Vec::new();
        if let Err(error) = content.take(READ_MAX).read_to_end(&mut bytes).await {
            return render::error(&format!("cannot read {name}: {error}"));
        }
        let about = format!("{} ({} bytes, {})", file.name, file.size, file.media_type);
        if file.media_type.starts_with("image/") && file.size <= READ_MAX {
            return CallToolResult::success(vec![
                ContentBlock::text(about),
                ContentBlock::image(BASE64.encode(&bytes), file.media_type),
            ]);
        }
        match String::from_utf8(bytes) {
            Ok(text) => {
                let cut = if file.size > READ_MAX {
                    format!("\n[the first {READ_MAX} bytes of {}]", file.size)
                } else {
                    String::new()
                };
                render::text(format!("{about}\n\n{text}{cut}"))
            }
            Err(_) => render::text(format!(
                "{about}: not text; fetch it with GET /session/{{id}}/files/{{name}} of `browserd serve`, or give it to a file input by name."
            )),
        }
    }

    #[tool(
        name = "browser_upload",
        title = "Put a file into the session",
        description = UPLOAD,
        input_schema = input_schema::<UploadArgs>(),
        annotations(read_only_hint = false, destructive_hint = false, open_world_hint = false)
    )]
    async fn upload(
        &self,
        context: RequestContext<RoleServer>,
        arguments: JsonObject,
    ) -> CallToolResult {
        let (args, session) = match self.prepare::<UploadArgs>(arguments, &context).await {
            Ok(prepared) => prepared,
            Err(error) => return error,
        };
        let name: FileName = match args.name.parse() {
            Ok(name) => name,
            Err(message) => return render::error(&format!("`name`: {message}")),
        };
        let content = match (args.text, args.path) {
            (Some(text), None) => text.into_bytes(),
            (None, Some(path)) if self.local_files() => match tokio::fs::read(&path).await {
                Ok(bytes) => bytes,
                Err(error) => return render::error(&format!("`path` {path}: {error}")),
            },
            (None, Some(_)) => {
                return render::error("`path` is read only over stdio; give the content as `text`")
            }
            _ => {
                return render::error("give the file's content as `text` or a `path`, one of them")
            }
        };
        let stream = futures_util::stream::iter([Ok::<_, String>(content)]);
        match self
            .operations()
            .upload(self.owner(), &session.id, name, u64::MAX, stream)
            .await
        {
            Ok(file) => render::text(format!(
                "Put {} ({} bytes) into the session: step on the file input's I action with value \"{}\".",
                file.name, file.size, file.name
            )),
            Err(error) => render::ops_error(&error),
        }
    }
}

/// The tools of this file, for the server's router.
pub(super) fn router() -> ToolRouter<BrowserTools> {
    BrowserTools::file_tools()
}
