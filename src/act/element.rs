//! An element action of the agent's list (`L`, `B`, `I`) carried out as a person would:
//! a click at the element's visible centre, a text box focused and typed into, an option
//! chosen or a slider moved, a file chosen for a file input; then the wait for what it
//! caused.

use serde_json::json;

use serde::Deserialize;

use super::{follow, frames, locate, settled_read, top_point, unusable, ActError, FreshRead};
use crate::browser::{BrowserError, Key, Tab};
use crate::injected::{ARIA_VALUE, CHOOSE, COLLECT, SELECT_CONTENT};
use crate::perception::{Action, ActionKind};

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
    /// It moves with the up and down arrows (a spin button, a vertical slider).
    #[serde(default)]
    vertical: bool,
}

/// Presses at most this many arrow keys to move an ARIA slider to its value.
const MAX_KEY_PRESSES: usize = 200;

/// Carries out an element action (`L`, `B`, `I`) and waits for the page to settle.
pub async fn element(
    tab: &mut Tab,
    action: &Action,
    value: Option<&str>,
    enter: bool,
) -> Result<Option<FreshRead>, ActError> {
    let needs_value = matches!(
        action.kind,
        ActionKind::Type | ActionKind::SetValue | ActionKind::Choose | ActionKind::Upload
    );
    let value = match (needs_value, value) {
        (true, None) => {
            let hint = match action.param.as_ref().map(|p| p.values.as_slice()) {
                _ if action.kind == ActionKind::Upload => {
                    "the name of a file of the session (upload one with POST /session/{id}/files)"
                        .to_string()
                }
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
        ActionKind::Link | ActionKind::Click | ActionKind::Toggle => click(tab, action).await,
        ActionKind::Upload => {
            // `value` is the file's path, which the operations room resolved from its name.
            locate(tab, action).await?;
            let frame = frames::innermost(&action.world);
            if !tab
                .set_input_file(frame, action.handle, std::path::Path::new(value))
                .await?
            {
                return Err(unusable(action, "it is no longer a file input".into()));
            }
            settled_read(tab).await
        }
        ActionKind::Type => {
            type_text(tab, action, value).await?;
            finish_input(tab, enter).await
        }
        ActionKind::SetValue | ActionKind::Choose => {
            choose(tab, action, value).await?;
            finish_input(tab, enter).await
        }
    }
}

/// A click on the element, and what it caused.
async fn click(tab: &mut Tab, action: &Action) -> Result<Option<FreshRead>, ActError> {
    // The watch for what the click causes is set up while the element is located.
    let (point, armed) = tokio::join!(locate(tab, action), tab.arm());
    let (x, y) = point?;
    let settled = tab
        .act_armed(armed?, async { tab.click(x, y).await }, Some(&COLLECT))
        .await?;
    follow(tab, settled).await
}

/// Focuses a text box with a click and types `value` over its content.
async fn type_text(tab: &Tab, action: &Action, value: &str) -> Result<(), ActError> {
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
        tab.type_text(value).await?;
    }
    Ok(())
}

/// Enters `value` into a choice or a slider as `choose.js` says: at once, by a click on
/// the option (after a click that opens a closed popup), or with the arrow keys.
async fn choose(tab: &mut Tab, action: &Action, value: &str) -> Result<(), ActError> {
    let mut chosen = ask_choose(tab, action, value).await?;
    if chosen.status == "open" {
        let (x, y) = locate(tab, action).await?;
        let settled = tab
            .act_and_settle(async { tab.click(x, y).await }, None)
            .await?;
        follow(tab, settled).await?;
        chosen = ask_choose(tab, action, value).await?;
    }
    match chosen.status.as_str() {
        "ok" => Ok(()),
        "click" => {
            let (x, y) = top_point(tab, action, chosen.x, chosen.y).await?;
            let settled = tab
                .act_and_settle(async { tab.click(x, y).await }, None)
                .await?;
            follow(tab, settled).await.map(|_| ())
        }
        "keys" => move_with_keys(tab, action, chosen.target, chosen.vertical).await,
        "open" => Err(unusable(
            action,
            "its options did not show when it was clicked".into(),
        )),
        "no-match" => Err(ActError::NotAllowed {
            id: action.id.to_string(),
            description: action.description.clone(),
            value: value.to_string(),
            allowed: chosen.values.join(", "),
        }),
        "invalid" => Err(ActError::BadValue(format!(
            "{} ({}): {}",
            action.id,
            action.description,
            chosen
                .message
                .unwrap_or_else(|| format!("{value:?} is not a valid value"))
        ))),
        other => Err(unusable(action, format!("it is {other}"))),
    }
}

/// What `choose.js` says of `value` for the action's element, once it is in view.
async fn ask_choose(tab: &Tab, action: &Action, value: &str) -> Result<Chosen, ActError> {
    locate(tab, action).await?;
    let chosen = tab
        .run_in(
            frames::innermost(&action.world),
            &CHOOSE,
            &[json!(action.handle), json!(value)],
        )
        .await?;
    Ok(serde_json::from_value(chosen)
        .map_err(|e| BrowserError::Protocol(format!("choose: {e}")))?)
}

/// Moves a focused ARIA slider, spin button or splitter to `target` with the arrow keys,
/// reading its value after each press, as a keyboard user watches the thumb: up and down
/// for a spin button, right and left for a slider, the other pair when the first moves
/// nothing, and the other key of the pair when the first moves it away from the target.
async fn move_with_keys(
    tab: &Tab,
    action: &Action,
    target: f64,
    vertical: bool,
) -> Result<(), ActError> {
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
    // (vertical, forward): the arrow pressed; forward is the key that should raise the
    // value when the target is above it (a splitter's may lower it: then the other is)
    let key = |vertical: bool, raise: bool| match (vertical, raise) {
        (true, true) => Key::ArrowUp,
        (true, false) => Key::ArrowDown,
        (false, true) => Key::ArrowRight,
        (false, false) => Key::ArrowLeft,
    };
    let (mut vertical, mut raise) = (vertical, up);
    let (mut other_pair, mut flipped) = (false, false);
    for _ in 0..MAX_KEY_PRESSES {
        if now == target || (up && now > target) || (!up && now < target) {
            return Ok(());
        }
        tab.press_key(key(vertical, raise)).await?;
        let Some(next) = value_now().await? else {
            break;
        };
        if next == now {
            if !other_pair {
                other_pair = true;
                vertical = !vertical;
                continue;
            }
            return Err(unusable(
                action,
                format!("it stays at {now} when the arrow keys are pressed"),
            ));
        }
        if (next > now) != up && !flipped {
            flipped = true;
            raise = !raise;
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
