//! What a model receives: an observation, a scrape or a screenshot as MCP content, and an
//! API error as a tool error with the API's message.
//!
//! An observation is the page's title and URL, the action space's description and its
//! markdown: the list an agent reads, nothing of the wire format around it (the JSON
//! action list repeats the markdown and would double the tokens).

use axum::Json;
use rmcp::model::{CallToolResult, ContentBlock};

use crate::api::wire::{ObserveResponse, WireStatus};
use crate::api::ApiError;

type Answer = Result<Json<ObserveResponse>, ApiError>;

pub fn text(text: String) -> CallToolResult {
    CallToolResult::success(vec![ContentBlock::text(text)])
}

pub fn error(message: &str) -> CallToolResult {
    CallToolResult::error(vec![ContentBlock::text(message)])
}

pub fn api_error(error: &ApiError) -> CallToolResult {
    self::error(&error.to_string())
}

/// The page's title and URL, and the note about the session if there is one.
fn heading(response: &ObserveResponse, note: Option<&str>) -> String {
    let mut text = String::new();
    if let Some(note) = note {
        text.push_str(note);
        text.push('\n');
    }
    text.push_str(&format!(
        "Page: {}\nURL: {}\n",
        response.metadata.title, response.metadata.url
    ));
    text
}

/// A failed call: the API's message, after the note about the session if there is one.
fn failed(error: &ApiError, note: Option<&str>) -> CallToolResult {
    match note {
        Some(note) => self::error(&format!("{note}\n{error}")),
        None => api_error(error),
    }
}

/// The screenshot a response carries, as an image block.
fn image(response: &ObserveResponse) -> Option<ContentBlock> {
    response
        .screenshot
        .as_ref()
        .map(|png| ContentBlock::image(png.clone(), "image/png"))
}

/// An observation (`browser_observe`, `browser_step`): heading, description, action list,
/// and what a special action produced (`S2`'s markdown, `S3`'s screenshot).
pub fn observation(answer: Answer, note: Option<&str>) -> CallToolResult {
    let response = match answer {
        Ok(Json(response)) => response,
        Err(error) => return failed(&error, note),
    };
    let mut text = heading(&response, note);
    if let Some(space) = &response.space {
        text.push('\n');
        text.push_str(space.description.trim());
        text.push_str("\n\n");
        text.push_str(space.markdown.trim_end());
        text.push('\n');
    }
    if let Some(markdown) = response
        .data
        .as_ref()
        .and_then(|data| data.markdown.as_ref())
    {
        text.push_str("\nPage content:\n\n");
        text.push_str(markdown.trim_end());
        text.push('\n');
    }
    if response.session.status != WireStatus::Active {
        text.push_str("\nThe browser session has ended; the next browser tool opens a new one.\n");
    }
    let mut content = vec![ContentBlock::text(text)];
    content.extend(image(&response));
    CallToolResult::success(content)
}

/// A scrape: heading and the page's markdown.
pub fn scraped(answer: Answer, note: Option<&str>) -> CallToolResult {
    let response = match answer {
        Ok(Json(response)) => response,
        Err(error) => return failed(&error, note),
    };
    let mut text = heading(&response, note);
    let markdown = response
        .data
        .as_ref()
        .and_then(|data| data.markdown.as_deref())
        .unwrap_or_default();
    text.push('\n');
    text.push_str(markdown.trim_end());
    text.push('\n');
    CallToolResult::success(vec![ContentBlock::text(text)])
}

/// A screenshot: the heading as text, then the image.
pub fn screenshot(answer: Answer, note: Option<&str>) -> CallToolResult {
    let response = match answer {
        Ok(Json(response)) => response,
        Err(error) => return failed(&error, note),
    };
    match image(&response) {
        Some(image) => {
            CallToolResult::success(vec![ContentBlock::text(heading(&response, note)), image])
        }
        None => self::error("the browser returned no screenshot"),
    }
}
