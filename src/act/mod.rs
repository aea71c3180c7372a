//! The act room: carrying out one action of the agent's list on a page, as a person
//! would, and waiting for what it caused.
//!
//! Owns the meaning of each action kind (click a link or button, focus and type into a
//! text box, choose an option, go to, back, forward, refresh, wait) and the checks that
//! come before it (listed? still there, visible, enabled, not covered?), and the taking of
//! the snapshot that perception turns into that list, across every frame of the page
//! (`frames.rs`). It speaks to the page only through [`Tab`] and knows nothing of HTTP or
//! of sessions.

use std::time::Duration;

use serde::Deserialize;
use serde_json::json;

mod frames;

pub use frames::snapshot;

use crate::browser::{BrowserError, Key, PageScript, Settled, Tab};
use crate::page_url::PageUrl;
use crate::perception::{self, Action, ActionKind, ActionSpace};

/// Perception's snapshot of a world's document.
const COLLECT: PageScript = PageScript::new("collect", perception::COLLECT_JS);
/// Scrolls a collected element into view and says where to act on it, or why not.
const LOCATE: PageScript = PageScript::new("locate", perception::LOCATE_JS);
/// Enters a value into a collected choice or slider, or says how to.
const CHOOSE: PageScript = PageScript::new("choose", perception::CHOOSE_JS);
/// A point of a frame in the viewport of the world that found the frame.
const FRAME_POINT: PageScript = PageScript::new("framePoint", perception::FRAME_POINT_JS);

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
    #[error("{id} is not an action of the last observation; valid ids: {valid}. Observe again for fresh ids")]
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

/// What `choose.js` did with a value.
#[derive(Debug, Deserialize)]
struct Chosen {
    status: String,
    #[serde(default)]
    x: f64,
    #[serde(default)]
    y: f64,
    #[serde(default)]
    values: Vec<String>,
    #[serde(default)]
    message: Option<String>,
    /// The value an ARIA slider or spin button must be moved to.
    #[serde(default)]
    target: f64,
}

/// Presses at most this many arrow keys to move an ARIA slider to its value.
const MAX_KEY_PRESSES: usize = 200;

/// The `aria-valuenow` of an element, as a number (`null` when it has none).
const ARIA_VALUE: PageScript = PageScript::new("ariaValue", "(handle) => { const el = globalThis.__browserd && globalThis.__browserd.elements[handle];
  const v = el ? parseFloat(el.getAttribute('aria-valuenow')) : NaN; return Number.isFinite(v) ? v : null; }");

/// Selects the current content of an editable element, so that typing replaces it.
const SELECT_CONTENT: PageScript = PageScript::new("selectContent", "(handle) => { const el = globalThis.__browserd && globalThis.__browserd.elements[handle];
  if (!el) return false;
  if (typeof el.select === 'function') { el.select(); return true; }
  const range = el.ownerDocument.createRange(); range.selectNodeContents(el);
  const selection = el.ownerDocument.getSelection(); selection.removeAllRanges(); selection.addRange(range); return true; }");

/// The listed element action `id`, or why there is none.
pub fn find<'a>(space: Option<&'a ActionSpace>, id: &str) -> Result<&'a Action, ActError> {
    let found = space.and_then(|space| {
        space
            .actions
            .iter()
            .find(|action| action.id.to_string() == id)
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

/// Carries out an element action (`L`, `B`, `I`) and waits for the page to settle.
pub async fn element(
    tab: &mut Tab,
    action: &Action,
    value: Option<&str>,
    enter: bool,
) -> Result<Option<FreshRead>, ActError> {
    let needs_value = matches!(
        action.kind,
        ActionKind::Type | ActionKind::SetValue | ActionKind::Choose
    );
    let value = match (needs_value, value) {
        (true, None) => {
            let hint = match action.param.as_ref().map(|p| p.values.as_slice()) {
                Some(values) if !values.is_empty() => format!("one of {}", values.join(", ")),
                _ => "the text to type".to_string(),
            };
            return Err(ActError::MissingValue {
                id: action.id.to_string(),
                description: action.description.clone(),
                hint,
            });
        }
        (_, value) => value.unwrap_or_default(),
    };
    match action.kind {
        ActionKind::Link | ActionKind::Click | ActionKind::Toggle | ActionKind::Upload => {
            // The watch for what the click causes is set up while the element is located.
            let (point, armed) = tokio::join!(locate(tab, action), tab.arm());
            let (x, y) = point?;
            let settled = tab
                .act_armed(armed?, async { tab.click(x, y).await }, Some(&COLLECT))
                .await?;
            follow(tab, settled).await
        }
        ActionKind::Type => {
            let number = action.param.as_ref().is_some_and(|p| p.r#type == "number");
            if number && !value.is_empty() && value.trim().parse::<f64>().is_err() {
                return Err(ActError::BadValue(format!(
                    "{} ({}) takes a number, not {value:?}",
                    action.id, action.description
                )));
            }
            let (x, y) = locate(tab, action).await?;
            tab.click(x, y).await?;
            tab.run_in(
                frames::innermost(&action.world),
                &SELECT_CONTENT,
                &[json!(action.handle)],
            )
            .await?;
            if value.is_empty() {
                tab.press_key(Key::Delete).await?;
            } else {
                tab.insert_text(value).await?;
                // Pages that react to keys rather than to input (suggestion lists on
                // `keyup`) see the last key of the text go down and up.
                if let Some(last) = value.chars().last() {
                    tab.echo_key(last).await?;
                }
            }
            finish_input(tab, enter).await
        }
        ActionKind::SetValue | ActionKind::Choose => {
            locate(tab, action).await?;
            let chosen = tab
                .run_in(
                    frames::innermost(&action.world),
                    &CHOOSE,
                    &[json!(action.handle), json!(value)],
                )
                .await?;
            let chosen: Chosen = serde_json::from_value(chosen)
                .map_err(|e| BrowserError::Protocol(format!("choose: {e}")))?;
            match chosen.status.as_str() {
                "ok" => {}
                "click" => {
                    let (x, y) = top_point(tab, action, chosen.x, chosen.y).await?;
                    let settled = tab
                        .act_and_settle(async { tab.click(x, y).await }, None)
                        .await?;
                    follow(tab, settled).await?;
                }
                "keys" => move_with_keys(tab, action, chosen.target).await?,
                "no-match" => {
                    return Err(ActError::NotAllowed {
                        id: action.id.to_string(),
                        description: action.description.clone(),
                        value: value.to_string(),
                        allowed: chosen.values.join(", "),
                    })
                }
                "invalid" => {
                    return Err(ActError::BadValue(format!(
                        "{} ({}): {}",
                        action.id,
                        action.description,
                        chosen
                            .message
                            .unwrap_or_else(|| format!("{value:?} is not a valid value"))
                    )))
                }
                other => return Err(unusable(action, format!("it is {other}"))),
            }
            finish_input(tab, enter).await
        }
    }
}

/// Moves a focused ARIA slider or spin button to `target` with the arrow keys, reading its
/// value after each press, as a keyboard user watches the thumb.
async fn move_with_keys(tab: &Tab, action: &Action, target: f64) -> Result<(), ActError> {
    let frame = frames::innermost(&action.world);
    let value_now = async || -> Result<Option<f64>, ActError> {
        let value = tab
            .run_in(frame, &ARIA_VALUE, &[json!(action.handle)])
            .await?;
        Ok(value.as_f64())
    };
    let Some(mut now) = value_now().await? else {
        return Err(unusable(action, "it has no current value".into()));
    };
    let up = target > now;
    let key = if up { Key::ArrowRight } else { Key::ArrowLeft };
    for _ in 0..MAX_KEY_PRESSES {
        if now == target || (up && now > target) || (!up && now < target) {
            return Ok(());
        }
        tab.press_key(key).await?;
        let Some(next) = value_now().await? else {
            break;
        };
        if next == now {
            return Err(unusable(
                action,
                format!("it stays at {now} when the arrow keys are pressed"),
            ));
        }
        now = next;
    }
    if now == target || (up && now > target) || (!up && now < target) {
        Ok(())
    } else {
        Err(unusable(action, format!("it only reached {now}")))
    }
}

/// After a value was entered: presses Enter if asked (which may submit a form and
/// navigate), else lets the page react.
async fn finish_input(tab: &mut Tab, enter: bool) -> Result<Option<FreshRead>, ActError> {
    if enter {
        let settled = tab
            .act_and_settle(async { tab.press_key(Key::Enter).await }, Some(&COLLECT))
            .await?;
        follow(tab, settled).await
    } else {
        settled_read(tab).await
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

/// `S1`: go to `value`, a URL.
pub async fn goto(tab: &mut Tab, value: Option<&str>) -> Result<Option<FreshRead>, ActError> {
    let url: PageUrl = value
        .ok_or_else(|| {
            ActError::BadValue(
                "S1 (go to a URL) needs `value`: the URL, like https://example.com/".into(),
            )
        })?
        .parse()
        .map_err(|e| ActError::BadValue(format!("S1: {e}")))?;
    open(tab, &url, true).await
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

/// `S4`, `S5`: one entry back (`-1`) or forward (`1`) in the tab's history. `None` when
/// there is no such entry and nothing happened.
pub async fn history(tab: &mut Tab, offset: i64) -> Result<Option<Option<FreshRead>>, ActError> {
    match tab.go_history(offset, Some(&COLLECT)).await? {
        None => Ok(None),
        Some(settled) => Ok(Some(follow(tab, settled).await?)),
    }
}

/// `S6`: reloads the page.
pub async fn reload(tab: &mut Tab) -> Result<Option<FreshRead>, ActError> {
    let settled = tab.reload(Some(&COLLECT)).await?;
    follow(tab, settled).await
}

/// `S7`: waits `seconds`, then lets the page settle.
pub async fn wait(tab: &Tab, seconds: Duration) -> Result<Option<FreshRead>, ActError> {
    tokio::time::sleep(seconds).await;
    settled_read(tab).await
}

/// `S7`: wait `value` seconds (0 < s <= 30), then let the page settle.
pub fn wait_seconds(value: Option<&str>) -> Result<Duration, ActError> {
    let seconds: f64 = value.and_then(|v| v.trim().parse().ok()).ok_or_else(|| {
        ActError::BadValue("S7 (wait) needs `value`: a number of seconds, 0 < s <= 30".into())
    })?;
    if seconds > 0.0 && seconds <= 30.0 {
        Ok(Duration::from_secs_f64(seconds))
    } else {
        Err(ActError::BadValue(format!(
            "S7 (wait): seconds must be within 0 < s <= 30, got {seconds}"
        )))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wait_takes_seconds_within_0_and_30() {
        assert_eq!(
            wait_seconds(Some("1.5")).unwrap(),
            Duration::from_millis(1500)
        );
        assert_eq!(wait_seconds(Some("30")).unwrap(), Duration::from_secs(30));
        for bad in [
            None,
            Some("0"),
            Some("-1"),
            Some("31"),
            Some("soon"),
            Some("NaN"),
        ] {
            assert!(wait_seconds(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn an_unlisted_id_names_the_valid_ones() {
        let error = find(None, "L3").unwrap_err().to_string();
        assert!(error.contains("L3") && error.contains("S1…S8"), "{error}");
    }
}
