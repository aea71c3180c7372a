//! The work on one page, whoever holds it: a session's tab, or a one-shot command's
//! throwaway one. Navigation, the action space and the page's content.

use std::collections::HashSet;
use std::sync::Arc;

use crate::act::{self, FreshRead};
use crate::browser::{BrowserError, Dialog, Tab};
use crate::domain::PageInfo;
use crate::injected;
use crate::perception::{self, ActionSpace};
use crate::scrape::{self, ScrapeOptions};

use super::types::{Mark, PageContent};

/// The action space of the page as it is now (as `fresh` read it, when an action just
/// did), with the page's URL and title as read then; its elements keep the ids `previous`
/// gave them, when that observed the same document.
pub async fn observe_page(
    tab: &Tab,
    max_actions: usize,
    fresh: Option<FreshRead>,
    previous: Option<&ActionSpace>,
) -> Result<(Arc<ActionSpace>, PageInfo), BrowserError> {
    let snapshot = act::snapshot(tab, fresh).await?;
    let page = PageInfo {
        url: snapshot.url.clone(),
        title: snapshot.title.clone(),
    };
    let space = perception::perceive_after(&snapshot, max_actions, previous);
    Ok((Arc::new(space), page))
}

/// The page's content: its rendered HTML, scraped.
pub async fn content(tab: &Tab, options: &ScrapeOptions) -> Result<PageContent, BrowserError> {
    let html = tab.run(&injected::RENDERED_HTML, &[]).await?;
    let info = tab.info().await?;
    let scraped = scrape::scrape(html.as_str().unwrap_or_default(), &info.url, options);
    Ok(PageContent {
        markdown: scraped.markdown,
        images: options.scrape_images.then_some(scraped.images),
        structured: scraped.structured,
    })
}

/// Draws the ids of `space`'s actions in view at their boxes, over the page; the marks
/// drawn, in the order of the list.
pub(super) async fn draw_marks(tab: &Tab, space: &ActionSpace) -> Result<Vec<Mark>, BrowserError> {
    let boxes: Vec<serde_json::Value> = space
        .actions
        .iter()
        .map(|action| {
            serde_json::json!({
                "id": action.id.to_string(),
                "x": action.bounds.x,
                "y": action.bounds.y,
                "width": action.bounds.width,
                "height": action.bounds.height,
            })
        })
        .collect();
    let drawn = tab
        .run(&injected::MARKS, &[serde_json::Value::Array(boxes)])
        .await?;
    let drawn: HashSet<&str> = drawn
        .as_array()
        .map(|ids| ids.iter().filter_map(|id| id.as_str()).collect())
        .unwrap_or_default();
    Ok(space
        .actions
        .iter()
        .filter(|action| drawn.contains(action.id.to_string().as_str()))
        .map(|action| Mark {
            id: action.id,
            bounds: action.bounds,
        })
        .collect())
}

/// Removes the marks [`draw_marks`] drew.
pub(super) async fn clear_marks(tab: &Tab) -> Result<(), BrowserError> {
    tab.run(&injected::MARKS, &[serde_json::Value::Null])
        .await
        .map(|_| ())
}

/// How an accepted dialog is reported in the next description.
pub(super) fn dialog_note(dialog: &Dialog) -> String {
    match (dialog.kind.as_str(), dialog.message.is_empty()) {
        // Chromium passes on no message for it: a person never sees the page's own text.
        ("beforeunload", true) => "A dialog was accepted: beforeunload (the page asked to \
             confirm leaving it; it was left)."
            .to_string(),
        (kind, true) => format!("A dialog was accepted: {kind}."),
        (kind, false) => format!("A dialog was accepted: {kind} \"{}\".", dialog.message),
    }
}
