//! The act room: carrying out one action of the agent's list on a page, as a person
//! would, and waiting for what it caused.
//!
//! Owns the meaning of each action kind — an element action: click a link or button,
//! focus and type into a text box, choose an option (`element.rs`); a special action `S1`…
//! `S8`: go to, back, forward, refresh, wait, and what it leaves to the session
//! (`special.rs`); a page action without an id: a key, a scroll, the session's tabs
//! (`browse.rs`) — the checks that come before it (listed? still there, visible,
//! enabled, not covered?), and the taking of the snapshot that perception turns into that
//! list, across every frame of the page (`frames.rs`). It speaks to the page only through
//! [`Tab`] and the page side's scripts, and knows nothing of HTTP or of sessions.

use serde::Deserialize;
use serde_json::json;

mod browse;
mod element;
mod frames;
mod special;

pub use browse::{browse, PageAction};
pub use element::element;
pub use frames::snapshot;
pub use special::{special, Effect};

use crate::browser::{BrowserError, Settled, Tab};
use crate::domain::PageUrl;
use crate::injected::{COLLECT, LOCATE};
use crate::perception::{Action, ActionId, ActionSpace};

/// The top document's snapshot as `collect.js` read it the moment the page was found
/// settled after an action: the observation that follows the action starts from it
/// instead of reading the page again.
#[derive(Debug)]
pub struct FreshRead(serde_json::Value);

impl FreshRead {
    fn from_settle(read: Option<serde_json::Value>) -> Option<Self> {
        read.filter(|value| value.is_string()).map(Self)
    }
}

#[derive(Debug, thiserror::Error)]
pub enum ActError {
    #[error("{id} is not an action of this page's observations; valid ids: {valid}. Observe again for fresh ids")]
    NotListed { id: String, valid: String },
    #[error("{id} ({description}) needs a `value`: {hint}")]
    MissingValue {
        id: String,
        description: String,
        hint: String,
    },
    #[error("{id} ({description}) has no option {value:?}; allowed values: {allowed}")]
    NotAllowed {
        id: String,
        description: String,
        value: String,
        allowed: String,
    },
    #[error("{id} ({description}) cannot be used now: {why}. Observe again for fresh ids")]
    Unusable {
        id: String,
        description: String,
        why: String,
    },
    #[error("{0}")]
    BadValue(String),
    #[error(transparent)]
    Browser(#[from] BrowserError),
}

/// What `locate.js` says of an element after scrolling it into view.
#[derive(Debug, Deserialize)]
struct Located {
    status: String,
    #[serde(default)]
    x: f64,
    #[serde(default)]
    y: f64,
    #[serde(default)]
    covered_by: Option<String>,
}

/// The element action `id` of the last observation, or of an earlier observation of the
/// same document (ids stay put there: the element is reached, or found gone); or why
/// there is none.
pub fn find<'a>(space: Option<&'a ActionSpace>, id: &str) -> Result<&'a Action, ActError> {
    let found = space.and_then(|space| {
        space
            .actions
            .iter()
            .find(|action| action.id.to_string() == id)
            .or_else(|| {
                id.parse::<ActionId>()
                    .ok()
                    .and_then(|id| space.ids.recall(&id))
            })
    });
    found.ok_or_else(|| ActError::NotListed {
        id: id.to_string(),
        valid: valid_ids(space),
    })
}

fn valid_ids(space: Option<&ActionSpace>) -> String {
    let mut ids: Vec<String> = space
        .map(|s| s.actions.iter().map(|a| a.id.to_string()).collect())
        .unwrap_or_default();
    if ids.len() > 40 {
        let more = ids.len() - 40;
        ids.truncate(40);
        ids.push(format!("… ({more} more)"));
    }
    ids.push("S1…S8".into());
    ids.join(", ")
}

/// Scrolls the action's element into view and returns the point to act at, in the top
/// viewport.
async fn locate(tab: &Tab, action: &Action) -> Result<(f64, f64), ActError> {
    let value = tab
        .run_in(
            frames::innermost(&action.world),
            &LOCATE,
            &[json!(action.handle)],
        )
        .await
        .map_err(|e| gone_with_frame(action, e))?;
    let located: Located = serde_json::from_value(value)
        .map_err(|e| BrowserError::Protocol(format!("locate: {e}")))?;
    if located.status == "ok" {
        return top_point(tab, action, located.x, located.y).await;
    }
    Err(refusal(action, &located.status, located.covered_by))
}

/// A point of the action's frame in the top viewport (the same point for the top's own).
async fn top_point(tab: &Tab, action: &Action, x: f64, y: f64) -> Result<(f64, f64), ActError> {
    if action.world.is_empty() {
        return Ok((x, y));
    }
    let point = frames::to_top(tab, &action.world, x, y)
        .await
        .map_err(|e| gone_with_frame(action, e))?;
    match point.status.as_str() {
        "ok" => Ok((point.x, point.y)),
        status => Err(refusal(action, status, point.covered_by)),
    }
}

/// A frame that is no more fails its scripts: its element is gone with it.
fn gone_with_frame(action: &Action, error: BrowserError) -> ActError {
    match error {
        BrowserError::Protocol(_) if !action.world.is_empty() => refusal(action, "gone", None),
        other => other.into(),
    }
}

/// Why the action's element cannot be used, from a `locate.js` or `frame_point.js` status.
fn refusal(action: &Action, status: &str, covered_by: Option<String>) -> ActError {
    let why = match status {
        "gone" => "it is no longer on the page".to_string(),
        "hidden" => "it is hidden".to_string(),
        "disabled" => "it is disabled".to_string(),
        "covered" => format!(
            "it is covered by {}",
            covered_by.as_deref().unwrap_or("another element")
        ),
        other => format!("it cannot be located ({other})"),
    };
    unusable(action, why)
}

fn unusable(action: &Action, why: String) -> ActError {
    ActError::Unusable {
        id: action.id.to_string(),
        description: action.description.clone(),
        why,
    }
}

/// Lets the page settle after an input that does not navigate by itself, reading it then.
async fn settled_read(tab: &Tab) -> Result<Option<FreshRead>, ActError> {
    let read = tab.settle_after_input(Some(&COLLECT)).await?;
    Ok(FreshRead::from_settle(read))
}

/// Moves the tab to the page an input opened, if it opened one; else what was read when
/// the page settled.
async fn follow(tab: &mut Tab, settled: Settled) -> Result<Option<FreshRead>, ActError> {
    match settled {
        Settled::InPlace(read) => Ok(FreshRead::from_settle(read)),
        Settled::Opened(popup) => {
            tab.follow(popup).await?;
            Ok(None)
        }
    }
}

/// Navigates the tab to `url` and waits until the page is ready (`observe` or `scrape`
/// with a `url`); with the page as read then, if it is to be `observed`.
pub async fn open(
    tab: &mut Tab,
    url: &PageUrl,
    observed: bool,
) -> Result<Option<FreshRead>, ActError> {
    let read = tab.goto(url.as_str(), observed.then_some(&COLLECT)).await?;
    Ok(FreshRead::from_settle(read))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_unlisted_id_names_the_valid_ones() {
        let error = find(None, "L3").unwrap_err().to_string();
        assert!(error.contains("L3") && error.contains("S1…S8"), "{error}");
    }
}
