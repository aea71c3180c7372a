//! Public result types of perception: `ActionSpace`, `Action`, `Param`, `ActionId`,
//! `ActionKind`, `SpecialAction` (the page's kind, `PageCategory`, is the ground floor's).
//!
//! Owns: the shapes and their (de)serialisation, id parsing. Does not own: deciding which
//! elements become actions (`mod.rs`), wording (`describe.rs`), or the HTTP wire format
//! (the server maps these onto Notte's `ActionSpace` JSON).
use serde::{Deserialize, Serialize, Serializer};
use std::fmt;
use std::str::FromStr;

use super::snapshot::FrameHop;
use crate::domain::PageCategory;

/// What perception says about a page.
#[derive(Debug, Clone, Serialize)]
pub struct ActionSpace {
    /// One paragraph: what this page is and what can be done on it.
    pub description: String,
    pub category: Option<PageCategory>,
    /// The action list as the agent should read it (grouped, one line per action).
    pub markdown: String,
    /// Listed element actions in document order (never the S actions).
    pub actions: Vec<Action>,
    /// Usable actions left out because of `max_nb_actions`.
    pub omitted: usize,
    /// The ids given in this document so far, for the next observation and for a step on
    /// an id of an earlier one.
    #[serde(skip)]
    pub ids: super::ids::IdMemory,
    /// The URL of the page observed: with the document, what makes two observations
    /// comparable (`diff.rs`).
    #[serde(skip)]
    pub url: String,
}

/// One element action (L, B or I).
#[derive(Debug, Clone, Serialize)]
pub struct Action {
    pub id: ActionId,
    pub description: String,
    pub category: String,
    /// `Some` for I actions only: exactly one parameter.
    pub param: Option<Param>,
    /// Index into `globalThis.__browserd.elements` of the isolated world that ran collect.js.
    pub handle: u32,
    /// The hops from the top document's world to the one `handle` belongs to (empty but
    /// for elements of another origin's frames).
    pub world: Vec<FrameHop>,
    pub kind: ActionKind,
    /// Password field: never store or log the value typed into it.
    pub sensitive: bool,
    /// Where the element was when observed, in CSS pixels of the top viewport.
    pub bounds: Bounds,
}

impl Action {
    /// Whether a checkbox, radio or switch is on, as its description says (`[x]`, `(x)`,
    /// `switch on`); `None` for other actions.
    pub fn checked(&self) -> Option<bool> {
        let text = self.description.as_str();
        if text.starts_with("[x]") || text.starts_with("(x)") || text.contains("switch on") {
            Some(true)
        } else if text.starts_with("[ ]")
            || text.starts_with("( )")
            || text.starts_with("[-]")
            || text.contains("switch off")
        {
            Some(false)
        } else {
            None
        }
    }
}

/// A box in CSS pixels of the top viewport.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Bounds {
    pub x: f64,
    pub y: f64,
    pub width: f64,
    pub height: f64,
}

/// The single parameter of an I action (or of S1 / S7).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Param {
    pub name: String,
    /// string, number, date, time, datetime, month, week, email, url, tel, password, color,
    /// file (the name of a file of the session, see `POST /session/{id}/files`).
    pub r#type: String,
    pub default: Option<String>,
    /// Allowed values for a choice (select, listbox); empty otherwise.
    pub values: Vec<String>,
}

/// What a step does with the element.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ActionKind {
    /// Click a link (may navigate).
    Link,
    /// Click a button, tab, menu item, option, summary.
    Click,
    /// Click a checkbox, radio or switch (flips / sets its state).
    Toggle,
    /// Give a file input the session's file named by `value`, as choosing it would.
    Upload,
    /// Focus and type `value` (text boxes, search boxes, text areas, number fields, editable regions).
    Type,
    /// Set `value` directly and fire input/change (sliders, date/time/colour inputs).
    SetValue,
    /// Choose the option whose label or value is `value` (`choose.js` for `<select>`).
    Choose,
}

/// Id prefix.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Prefix {
    /// Links.
    L,
    /// Buttons, checkboxes, radios, switches, tabs, menu items.
    B,
    /// Text boxes, selects, sliders …
    I,
    /// Special browser actions S1..S8.
    S,
}

impl Prefix {
    pub fn letter(self) -> char {
        match self {
            Prefix::L => 'L',
            Prefix::B => 'B',
            Prefix::I => 'I',
            Prefix::S => 'S',
        }
    }
}

/// An action id such as `L3`: a prefix and a number >= 1 (S only 1..=8).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ActionId {
    pub prefix: Prefix,
    pub number: u32,
}

impl ActionId {
    pub fn new(prefix: Prefix, number: u32) -> Option<Self> {
        let ok = number >= 1 && (prefix != Prefix::S || number <= 8);
        ok.then_some(ActionId { prefix, number })
    }
}

/// Why a string is not an action id.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BadActionId(pub String);

impl fmt::Display for BadActionId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "'{}' is not an action id (expected L, B or I followed by a number >= 1, or S1..S8)",
            self.0
        )
    }
}

impl std::error::Error for BadActionId {}

impl FromStr for ActionId {
    type Err = BadActionId;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let bad = || BadActionId(s.chars().take(40).collect());
        let mut chars = s.chars();
        let prefix = match chars.next() {
            Some('L') => Prefix::L,
            Some('B') => Prefix::B,
            Some('I') => Prefix::I,
            Some('S') => Prefix::S,
            _ => return Err(bad()),
        };
        let digits = chars.as_str();
        if digits.is_empty()
            || digits.len() > 9
            || digits.starts_with('0')
            || !digits.bytes().all(|b| b.is_ascii_digit())
        {
            return Err(bad());
        }
        let number: u32 = digits.parse().map_err(|_| bad())?;
        ActionId::new(prefix, number).ok_or_else(bad)
    }
}

impl fmt::Display for ActionId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}{}", self.prefix.letter(), self.number)
    }
}

impl Serialize for ActionId {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for ActionId {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        s.parse().map_err(serde::de::Error::custom)
    }
}

/// One of the eight always-available special actions.
#[derive(Debug, Clone, Serialize)]
pub struct SpecialAction {
    pub id: ActionId,
    pub description: String,
    pub category: String,
    pub param: Option<Param>,
}

/// S1..S8 in order: goto(url), scrape, screenshot, back, forward, refresh, wait(seconds), terminate.
pub fn special_actions() -> Vec<SpecialAction> {
    let p = |name: &str, t: &str| {
        Some(Param {
            name: name.to_string(),
            r#type: t.to_string(),
            default: None,
            values: Vec::new(),
        })
    };
    let rows: [(&str, Option<Param>); 8] = [
        ("Go to a specific URL", p("url", "string")),
        ("Scrape data from the current page", None),
        ("Take a screenshot of the current page", None),
        ("Go back to the previous page", None),
        ("Go forward to the next page", None),
        ("Refresh the current page", None),
        (
            "Wait for a specific amount of time (in seconds)",
            p("seconds", "number"),
        ),
        ("Terminate the current session", None),
    ];
    rows.into_iter()
        .enumerate()
        .map(|(i, (d, param))| SpecialAction {
            id: ActionId {
                prefix: Prefix::S,
                number: i as u32 + 1,
            },
            description: d.to_string(),
            category: "Special Browser Actions".to_string(),
            param,
        })
        .collect()
}

/// The one-line mention of the special actions at the end of the markdown.
pub const SPECIAL_LINE: &str =
    "Always: S1 goto(url) S2 scrape S3 screenshot S4 back S5 forward S6 refresh S7 wait(seconds) S8 end session";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_parse_and_print() {
        for s in ["L1", "B22", "I3", "S8", "L4000"] {
            let id: ActionId = s.parse().unwrap();
            assert_eq!(id.to_string(), s);
        }
        for s in [
            "",
            "L",
            "L0",
            "L01",
            "l1",
            "X1",
            "S9",
            "S0",
            "B-1",
            "B1.5",
            " L1",
            "L1 ",
            "I1a",
            "L99999999999",
            "Ⅼ1",
        ] {
            assert!(s.parse::<ActionId>().is_err(), "{s:?} should be rejected");
        }
    }

    #[test]
    fn special_actions_are_eight_with_params() {
        let s = special_actions();
        assert_eq!(s.len(), 8);
        assert_eq!(s[0].id.to_string(), "S1");
        assert_eq!(s[0].param.as_ref().unwrap().name, "url");
        assert_eq!(s[6].param.as_ref().unwrap().name, "seconds");
        assert!(s
            .iter()
            .enumerate()
            .all(|(i, a)| a.id.number == i as u32 + 1));
        assert_eq!(s.iter().filter(|a| a.param.is_some()).count(), 2);
    }

    #[test]
    fn category_serialises_kebab() {
        let j = serde_json::to_string(&PageCategory::SearchResults).unwrap();
        assert_eq!(j, "\"search-results\"");
        let j = serde_json::to_string(&PageCategory::ManageCookies).unwrap();
        assert_eq!(j, "\"manage-cookies\"");
        assert_eq!(PageCategory::DataFeed.as_str(), "data-feed");
    }
}
