//! Page actions that need no element id: a key pressed on what has focus, a scroll, and
//! the session's tabs (open one at a URL, switch, close). The Notte SDK's typed browser
//! actions are these; like the special actions they return an [`Effect`].

use super::{follow, open, settled_read, ActError, Effect};
use crate::browser::Tab;
use crate::domain::{KeyName, PageUrl};
use crate::injected::COLLECT;

/// A page action without an element.
#[derive(Debug, Clone, PartialEq)]
pub enum PageAction {
    /// A key, on whatever has focus (Enter may submit a form).
    Press(KeyName),
    /// The wheel, down (or up) by so many pixels; `None` for most of a screen.
    Scroll { down: bool, pixels: Option<u32> },
    /// A new tab at a URL, which becomes the current one.
    NewTab(PageUrl),
    /// Tab `n` (0 the oldest) becomes the current one.
    SwitchTab(usize),
    /// The current tab closes; the most recent other one becomes current.
    CloseTab,
}

impl PageAction {
    /// The name the step's record and replay give the action.
    pub fn name(&self) -> &'static str {
        match self {
            PageAction::Press(_) => "press_key",
            PageAction::Scroll { down: true, .. } => "scroll_down",
            PageAction::Scroll { down: false, .. } => "scroll_up",
            PageAction::NewTab(_) => "goto_new_tab",
            PageAction::SwitchTab(_) => "switch_tab",
            PageAction::CloseTab => "close_tab",
        }
    }

    /// Its parameter, as the step's record keeps it.
    pub fn value(&self) -> Option<String> {
        match self {
            PageAction::Press(key) => Some(key.to_string()),
            PageAction::Scroll { pixels, .. } => pixels.map(|p| p.to_string()),
            PageAction::NewTab(url) => Some(url.as_str().to_owned()),
            PageAction::SwitchTab(index) => Some(index.to_string()),
            PageAction::CloseTab => None,
        }
    }
}

/// Carries out `action` on the tab's page (or its tabs).
pub async fn browse(tab: &mut Tab, action: &PageAction) -> Result<Effect, ActError> {
    Ok(match action {
        PageAction::Press(key) => {
            let settled = tab
                .act_and_settle(async { tab.press(key).await }, Some(&COLLECT))
                .await?;
            Effect::Page(follow(tab, settled).await?)
        }
        PageAction::Scroll { down, pixels } => {
            tab.wheel(*down, pixels.map(f64::from)).await?;
            Effect::Page(settled_read(tab).await?)
        }
        PageAction::NewTab(url) => {
            tab.open_tab().await.map_err(mistake_is_refusal)?;
            Effect::Page(open(tab, url, true).await?)
        }
        PageAction::SwitchTab(index) => {
            tab.switch_tab(*index).await.map_err(mistake_is_refusal)?;
            Effect::Page(None)
        }
        PageAction::CloseTab => {
            tab.close_tab().await.map_err(mistake_is_refusal)?;
            Effect::Page(None)
        }
    })
}

/// A tab that is not there, or one more than the session may have, is the agent's
/// mistake, not the browser's failure.
fn mistake_is_refusal(error: crate::browser::BrowserError) -> ActError {
    match error {
        crate::browser::BrowserError::NotFound(message) => ActError::BadValue(message),
        full @ crate::browser::BrowserError::TabsFull(_) => ActError::BadValue(full.to_string()),
        other => other.into(),
    }
}
