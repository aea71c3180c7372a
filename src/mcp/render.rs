//! What a model receives: an observation, a scrape or a screenshot as MCP content, and a
//! failed operation as a tool error with the operation's message.
//!
//! An observation is the page's title and URL, the action space's description and its
//! markdown: the list an agent reads, nothing of the wire format around it (the JSON
//! action list repeats the markdown and would double the tokens).

use rmcp::model::{CallToolResult, ContentBlock};

use crate::domain::SessionStatus;
use crate::ops::{Observation, OpsError};

type Answer = Result<Observation, OpsError>;

pub fn text(text: String) -> CallToolResult {
    CallToolResult::success(vec![ContentBlock::text(text)])
}

pub fn error(message: &str) -> CallToolResult {
    CallToolResult::error(vec![ContentBlock::text(message)])
}

pub fn ops_error(error: &OpsError) -> CallToolResult {
    self::error(&error.to_string())
}

/// Arguments refused before the operation, after the note about the session if there is
/// one.
pub fn refused(message: &str, note: Option<&str>) -> CallToolResult {
    match note {
        Some(note) => self::error(&format!("{note}\n{message}")),
        None => self::error(message),
    }
}

/// The page's title and URL, and the note about the session if there is one.
fn heading(observation: &Observation, note: Option<&str>) -> String {
    let mut text = String::new();
    if let Some(note) = note {
        text.push_str(note);
        text.push('\n');
    }
    text.push_str(&format!(
        "Page: {}\nURL: {}\n",
        observation.page.title, observation.page.url
    ));
    text
}

/// The screenshot an observation carries, as an image block.
fn image(observation: &Observation) -> Option<ContentBlock> {
    observation
        .screenshot
        .as_ref()
        .map(|png| ContentBlock::image(png.clone(), "image/png"))
}

/// An observation (`browser_observe`, `browser_step`): heading, description, action list,
/// and what a special action produced (`S2`'s markdown, `S3`'s screenshot).
pub fn observation(answer: Answer, note: Option<&str>) -> CallToolResult {
    let observation = match answer {
        Ok(observation) => observation,
        Err(error) => return refused(&error.to_string(), note),
    };
    let mut text = heading(&observation, note);
    if let (Some(space), Some(description)) = (&observation.space, observation.description()) {
        text.push('\n');
        text.push_str(description.trim());
        text.push_str("\n\n");
        let markdown = observation.changes.as_deref().unwrap_or(&space.markdown);
        text.push_str(markdown.trim_end());
        text.push('\n');
    }
    if let Some(content) = &observation.content {
        text.push_str("\nPage content:\n\n");
        text.push_str(content.markdown.trim_end());
        text.push('\n');
    }
    if observation.session.status != SessionStatus::Active {
        text.push_str("\nThe browser session has ended; the next browser tool opens a new one.\n");
    }
    let mut content = vec![ContentBlock::text(text)];
    content.extend(image(&observation));
    CallToolResult::success(content)
}

/// A scrape: heading and the page's markdown.
pub fn scraped(answer: Answer, note: Option<&str>) -> CallToolResult {
    let observation = match answer {
        Ok(observation) => observation,
        Err(error) => return refused(&error.to_string(), note),
    };
    let mut text = heading(&observation, note);
    let markdown = observation
        .content
        .as_ref()
        .map(|content| content.markdown.as_str())
        .unwrap_or_default();
    text.push('\n');
    text.push_str(markdown.trim_end());
    text.push('\n');
    CallToolResult::success(vec![ContentBlock::text(text)])
}

/// A screenshot: the heading as text, then the image.
pub fn screenshot(answer: Answer, note: Option<&str>) -> CallToolResult {
    let observation = match answer {
        Ok(observation) => observation,
        Err(error) => return refused(&error.to_string(), note),
    };
    let mut text = heading(&observation, note);
    if let Some(marks) = &observation.marks {
        let ids: Vec<String> = marks.iter().map(|mark| mark.id.to_string()).collect();
        text.push_str(&match ids.is_empty() {
            true => "No action of the latest observation is in view to mark.\n".to_string(),
            false => format!("Marked on the picture: {}\n", ids.join(", ")),
        });
    }
    match image(&observation) {
        Some(image) => CallToolResult::success(vec![ContentBlock::text(text), image]),
        None => self::error("the browser returned no screenshot"),
    }
}
