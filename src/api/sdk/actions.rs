//! The Notte SDK's typed actions (`{"type":"click","id":"B1"}`, `{"type":"goto","url":…}`)
//! parsed into the operations room's step: an element id with its value, a special action
//! (`S1` goto, `S4`/`S5` history, `S6` reload, `S7` wait), or a page action (a key, a
//! scroll, the tabs). What browserd cannot do as a person would (running script, reading
//! e-mail, solving captchas) is refused with the reason.

use serde::Deserialize;
use serde_json::Value;

use super::wire::unsupported;
use crate::api::error::ApiError;
use crate::domain::{KeyName, PageUrl};
use crate::ops::{PageAction, StepAction};
use crate::perception::{ActionId, Prefix};

/// The typed actions the SDK sends, by `type`. Their other fields (`category`,
/// `description`, `timeout`…) are the SDK's own and read by no one here.
#[derive(Debug, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
enum Typed {
    Goto {
        url: String,
    },
    GotoNewTab {
        url: String,
    },
    CloseTab {},
    SwitchTab {
        tab_index: i64,
    },
    GoBack {},
    GoForward {},
    Reload {},
    Wait {
        time_ms: i64,
    },
    PressKey {
        key: String,
    },
    ScrollUp {
        amount: Option<i64>,
    },
    ScrollDown {
        amount: Option<i64>,
    },
    Click(Element),
    Fill(Filled),
    MultiFactorFill(Filled),
    FallbackFill(Filled),
    Check(Checked),
    SelectDropdownOption(Filled),
    UploadFile(Upload),
    DownloadFile(Element),
    #[serde(other)]
    Other,
}

#[derive(Debug, Deserialize)]
struct Element {
    id: Option<String>,
    selector: Option<Value>,
    press_enter: Option<bool>,
}

#[derive(Debug, Deserialize)]
struct Filled {
    id: Option<String>,
    selector: Option<Value>,
    value: Value,
    press_enter: Option<bool>,
}

#[derive(Debug, Deserialize)]
struct Upload {
    id: Option<String>,
    selector: Option<Value>,
    /// The name of a file put into the session (`POST /sessions/{id}/files`).
    file_path: String,
}

#[derive(Debug, Deserialize)]
struct Checked {
    id: Option<String>,
    selector: Option<Value>,
    value: bool,
}

/// What a typed action asks of a step: the action, its value, Enter after it.
pub struct Parsed {
    pub action: StepAction,
    pub value: Option<String>,
    pub enter: bool,
}

impl Parsed {
    fn of(action: StepAction) -> Self {
        Self {
            action,
            value: None,
            enter: false,
        }
    }
}

/// The step `action` (the SDK's typed action, as JSON) asks for.
pub fn parse(action: &Value) -> Result<Parsed, ApiError> {
    let kind = action["type"].as_str().unwrap_or_default().to_owned();
    let typed: Typed = serde_json::from_value(action.clone())
        .map_err(|e| ApiError::BadRequest(format!("action `{kind}`: {e}")))?;
    Ok(match typed {
        Typed::Goto { url } => special(1, Some(page_url(&url)?.as_str().to_owned())),
        Typed::GotoNewTab { url } => {
            Parsed::of(StepAction::Page(PageAction::NewTab(page_url(&url)?)))
        }
        Typed::CloseTab {} => Parsed::of(StepAction::Page(PageAction::CloseTab)),
        Typed::SwitchTab { tab_index } => {
            let index = usize::try_from(tab_index).map_err(|_| {
                ApiError::BadRequest(format!("`tab_index` counts from 0; got {tab_index}"))
            })?;
            Parsed::of(StepAction::Page(PageAction::SwitchTab(index)))
        }
        Typed::GoBack {} => special(4, None),
        Typed::GoForward {} => special(5, None),
        Typed::Reload {} => special(6, None),
        Typed::Wait { time_ms } => {
            if !(0..=30_000).contains(&time_ms) {
                return Err(ApiError::BadRequest(format!(
                    "`time_ms` must be within 0..=30000; got {time_ms}"
                )));
            }
            // The wait's own unit is seconds, more than none.
            special(7, Some(format!("{}", (time_ms.max(1) as f64) / 1000.0)))
        }
        Typed::PressKey { key } => {
            let key =
                KeyName::parse(&key).map_err(|e| ApiError::BadRequest(format!("`key`: {e}")))?;
            Parsed::of(StepAction::Page(PageAction::Press(key)))
        }
        Typed::ScrollUp { amount } => scroll(false, amount)?,
        Typed::ScrollDown { amount } => scroll(true, amount)?,
        Typed::UploadFile(upload) => Parsed {
            action: StepAction::Id(element_id(upload.id, upload.selector)?),
            value: Some(upload.file_path),
            enter: false,
        },
        // A download is a click on what starts it; the file lands in the session's files.
        Typed::Click(element) | Typed::DownloadFile(element) => {
            let id = element_id(element.id, element.selector)?;
            Parsed {
                action: StepAction::Id(id),
                value: None,
                enter: element.press_enter.unwrap_or(false),
            }
        }
        Typed::Fill(filled)
        | Typed::MultiFactorFill(filled)
        | Typed::FallbackFill(filled)
        | Typed::SelectDropdownOption(filled) => {
            let id = element_id(filled.id, filled.selector)?;
            let value = match filled.value {
                Value::String(text) => text,
                Value::Number(number) => number.to_string(),
                other => {
                    return Err(ApiError::BadRequest(format!(
                        "action `{kind}`: `value` is the text to enter; got {other}"
                    )))
                }
            };
            Parsed {
                action: StepAction::Id(id),
                value: Some(value),
                enter: filled.press_enter.unwrap_or(false),
            }
        }
        Typed::Check(checked) => Parsed::of(StepAction::Set {
            id: element_id(checked.id, checked.selector)?,
            on: checked.value,
        }),
        Typed::Other => return Err(refused(&kind)),
    })
}

fn special(number: u32, value: Option<String>) -> Parsed {
    Parsed {
        action: StepAction::Id(ActionId {
            prefix: Prefix::S,
            number,
        }),
        value,
        enter: false,
    }
}

fn scroll(down: bool, amount: Option<i64>) -> Result<Parsed, ApiError> {
    let pixels = amount
        .map(|amount| {
            u32::try_from(amount)
                .ok()
                .filter(|p| *p <= 100_000)
                .ok_or_else(|| {
                    ApiError::BadRequest(format!("`amount` is pixels, 0..=100000; got {amount}"))
                })
        })
        .transpose()?;
    Ok(Parsed::of(StepAction::Page(PageAction::Scroll {
        down,
        pixels,
    })))
}

fn page_url(url: &str) -> Result<PageUrl, ApiError> {
    url.parse()
        .map_err(|e| ApiError::BadRequest(format!("`url`: {e}")))
}

/// The element an action names: by the id an observation listed. A selector is refused:
/// browserd acts on what it listed, where a person would.
fn element_id(id: Option<String>, selector: Option<Value>) -> Result<ActionId, ApiError> {
    match (id, selector) {
        (Some(id), _) => id
            .trim()
            .parse()
            .map_err(|e| ApiError::BadRequest(format!("`id`: {e}"))),
        (None, Some(_)) => Err(unsupported(
            "selector",
            "browserd acts on the ids an observation lists; observe, then use an `id`",
        )),
        (None, None) => Err(ApiError::BadRequest(
            "this action needs the `id` of an element from the latest observation".into(),
        )),
    }
}

/// Why browserd does not perform an action type it knows of (or does not know).
fn refused(kind: &str) -> ApiError {
    let why = match kind {
        "evaluate_js" => "running script is not a person's action; use the session's CDP endpoint (`cdp_url`)",
        "captcha_solve" => "browserd does not solve captchas; a person can take over in the live view (`viewer_url`)",
        "form_fill" => "fill the fields one by one with `fill`",
        "email_verification_read" | "email_read" | "sms_read" => "browserd has no mailbox or phone",
        "help" | "completion" | "scrape" => "an agent's bookkeeping, not a page action (use /page/scrape to scrape)",
        "" => return ApiError::BadRequest("an action needs a `type`".into()),
        _ => return ApiError::BadRequest(format!("unknown action type `{kind}`")),
    };
    unsupported(&format!("type: {kind}"), why)
}
