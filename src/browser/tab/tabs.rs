//! A session's tabs and the viewport of the current one: the pages its tab keeps (the one it shows and those it left open
//! behind it, such as a popup's opener), in the order they were opened, and moving
//! between them — open a new one, switch to another, close the current one.
//!
//! A page a CDP client opened on its own is not a tab of the session's until the session
//! takes it (when the client closes the session's page).

use serde_json::json;

use super::Tab;
use crate::browser::cdp::RawCommand;
use crate::browser::running::{bounded, TabParts};
use crate::browser::{BrowserError, PageTab, Viewport};

impl Tab {
    /// The session's tabs, oldest first, with the URL and title the browser lists.
    pub async fn tabs(&self) -> Result<Vec<PageTab>, BrowserError> {
        let listing = RawCommand::new("Target.getTargets", json!({}));
        let listed = self
            .guarded(async { Ok(self.browser.browser.execute(listing).await?.result) })
            .await?;
        let infos = listed["targetInfos"]
            .as_array()
            .cloned()
            .unwrap_or_default();
        let current = self.parts()?.page.target_id().inner().clone();
        Ok(self
            .ordered()
            .into_iter()
            .map(|target| {
                let info = infos
                    .iter()
                    .find(|info| info["targetId"] == target.as_str());
                let field = |name: &str| {
                    info.and_then(|info| info[name].as_str())
                        .unwrap_or_default()
                        .to_owned()
                };
                PageTab {
                    url: field("url"),
                    title: field("title"),
                    current: target == current,
                }
            })
            .collect())
    }

    /// Where the viewport is on the page, and the sizes of both.
    pub async fn viewport(&self) -> Result<Viewport, BrowserError> {
        let metrics = self.call("Page.getLayoutMetrics", json!({})).await?;
        let number = |section: &str, field: &str| {
            metrics[section][field].as_f64().unwrap_or(0.0).round() as i64
        };
        Ok(Viewport {
            scroll_x: number("cssLayoutViewport", "pageX"),
            scroll_y: number("cssLayoutViewport", "pageY"),
            width: number("cssLayoutViewport", "clientWidth"),
            height: number("cssLayoutViewport", "clientHeight"),
            page_width: number("cssContentSize", "width"),
            page_height: number("cssContentSize", "height"),
        })
    }

    /// The target ids of the tabs, oldest first.
    fn ordered(&self) -> Vec<String> {
        let mut pages: Vec<&TabParts> = self.openers.iter().chain(self.parts.as_ref()).collect();
        pages.sort_by_key(|parts| parts.opened);
        pages
            .into_iter()
            .map(|parts| parts.page.target_id().inner().clone())
            .collect()
    }

    /// Opens a new blank tab in the session's context and makes it the current one; the
    /// one it leaves stays open behind.
    pub async fn open_tab(&mut self) -> Result<(), BrowserError> {
        let context = self.parts()?.context.clone();
        if !self.browser.tab_cap.has_room(context.inner()) {
            return Err(BrowserError::TabsFull(self.browser.tab_cap.max()));
        }
        let fresh = bounded(
            self.browser.operation_timeout,
            self.browser.create_page(context),
        )
        .await?;
        if let Some(left) = self.parts.replace(fresh) {
            self.openers.push(left);
        }
        self.worlds().clear();
        Ok(())
    }

    /// Makes tab `index` (0 the oldest, as [`tabs`](Self::tabs) lists them) the current
    /// one and brings it to the front.
    pub async fn switch_tab(&mut self, index: usize) -> Result<(), BrowserError> {
        let order = self.ordered();
        let target = order.get(index).ok_or_else(|| {
            BrowserError::NotFound(format!(
                "no tab {index}: the session has {} tab(s), numbered from 0",
                order.len()
            ))
        })?;
        if self.parts()?.page.target_id().inner() == target {
            return Ok(());
        }
        let position = self
            .openers
            .iter()
            .position(|parts| parts.page.target_id().inner() == target)
            .ok_or_else(|| BrowserError::NotFound(format!("tab {index} is gone")))?;
        let chosen = self.openers.remove(position);
        if let Some(left) = self.parts.replace(chosen) {
            self.openers.push(left);
        }
        self.worlds().clear();
        self.call("Page.bringToFront", json!({})).await?;
        Ok(())
    }

    /// Closes the current tab and makes the most recently opened of the others current; a
    /// session's last tab cannot be closed (end the session instead).
    pub async fn close_tab(&mut self) -> Result<(), BrowserError> {
        let newest = self
            .openers
            .iter()
            .enumerate()
            .max_by_key(|(_, parts)| parts.opened)
            .map(|(position, _)| position)
            .ok_or_else(|| {
                BrowserError::NotFound(
                    "this is the session's only tab: end the session to close it".into(),
                )
            })?;
        let next = self.openers.remove(newest);
        let Some(closing) = self.parts.replace(next) else {
            return Ok(());
        };
        self.worlds().clear();
        closing.stop_listeners();
        let close = RawCommand::new(
            "Target.closeTarget",
            json!({ "targetId": closing.page.target_id().inner() }),
        );
        bounded(
            self.browser.operation_timeout,
            self.browser.browser.execute(close),
        )
        .await?;
        self.call("Page.bringToFront", json!({})).await?;
        Ok(())
    }
}
