//! The page side: every script browserd runs inside pages, their names, and the one
//! object they share there.
//!
//! As Playwright keeps its injected scripts apart from its protocol client and its driver,
//! the JavaScript lives here and only here, one file a script, each opening with its
//! signature. The scripts run in browserd's own isolated worlds, never in the page's: the
//! page cannot see or tamper with them. They share one object per world, `__browserd`,
//! whose whole shape `page_api.js` declares (the scripts defined there, the elements and
//! frames `collect` listed, the last input's watch); no script reads another's data by any
//! other way.
//!
//! Owns the sources and their names. Does not own running them (the browser room's
//! `Tab` defines a script once per world and calls it by name), nor
//! what their answers mean (`act`, `perception` and `scrape` read those).

/// A function of our own that runs in pages. It is defined once in each world that runs
/// it and called by name after, so that its source is sent and compiled once per document
/// rather than per call: compiling the tens of kilobytes of `collect.js` costs
/// milliseconds each time.
#[derive(Debug, Clone, Copy)]
pub struct PageScript {
    name: &'static str,
    /// A function expression: `(a, b) => …`.
    function: &'static str,
}

impl PageScript {
    /// `name` must be a JavaScript identifier, unique among the page scripts.
    const fn new(name: &'static str, function: &'static str) -> Self {
        Self { name, function }
    }

    pub fn name(&self) -> &'static str {
        self.name
    }

    /// A statement that defines the script in a world (making the world's `__browserd`
    /// first, if this is the world's first script) and evaluates to `true`.
    pub fn definition(&self) -> String {
        format!(
            "{PAGE_API};\nglobalThis.__browserd.scripts.{} = ({}\n); true",
            self.name, self.function
        )
    }

    /// A function declaration that calls the defined script with its arguments.
    pub fn call(&self) -> String {
        format!(
            "function (...args) {{ return globalThis.__browserd.scripts.{}(...args); }}",
            self.name
        )
    }
}

/// The statement that makes a world's `__browserd` object, with its declared shape.
const PAGE_API: &str = include_str!("page_api.js");

/// The name of our isolated worlds: page scripts cannot see or tamper with what runs there.
pub const WORLD_NAME: &str = "browserd";

/// A function of our worlds (a CDP binding) through which `settle` sends what its reader
/// read while the page is still being watched, ahead of the answer to the wait.
pub const SEND_BINDING: &str = "__browserdSend";

/// Perception's snapshot of a world's document: `collect(watch?)` → JSON string.
/// Its accessible names and descriptions are `accname.js`'s: that factory is bound as
/// `accnameFactory` around it, and each read makes its own (its caches live one read).
pub const COLLECT: PageScript = PageScript::new(
    "collect",
    concat!(
        "((accnameFactory) => ",
        include_str!("collect.js"),
        ")(",
        include_str!("accname.js"),
        ")"
    ),
);
/// Scrolls a collected element into view and says where to act on it, or why not.
pub const LOCATE: PageScript = PageScript::new("locate", include_str!("locate.js"));
/// Enters a value into a collected choice or slider, or says how to.
pub const CHOOSE: PageScript = PageScript::new("choose", include_str!("choose.js"));
/// A point of a frame in the viewport of the world that found the frame.
pub const FRAME_POINT: PageScript = PageScript::new("framePoint", include_str!("frame_point.js"));
/// The `<iframe>` `collect` could not read, by its index, as a remote object.
pub const FRAME_ELEMENT: PageScript =
    PageScript::new("frameElement", include_str!("frame_element.js"));
/// A collected file input, by its handle, as a remote object.
pub const FILE_INPUT: PageScript = PageScript::new("fileInput", include_str!("file_input.js"));
/// The `aria-valuenow` of a collected element, as a number.
pub const ARIA_VALUE: PageScript = PageScript::new("ariaValue", include_str!("aria_value.js"));
/// Selects the content of a collected editable element, so that typing replaces it.
pub const SELECT_CONTENT: PageScript =
    PageScript::new("selectContent", include_str!("select_content.js"));
/// Waits until the page is still, reading it with another script meanwhile.
pub const SETTLE: PageScript = PageScript::new("settle", include_str!("settle.js"));
/// Notes when the page sees an input, for [`SETTLE`].
pub const INPUT_WATCH: PageScript = PageScript::new("inputWatch", include_str!("input_watch.js"));
/// The rendered DOM as HTML, with what the page's styles hide marked for scrape.
pub const RENDERED_HTML: PageScript =
    PageScript::new("renderedHtml", include_str!("rendered_html.js"));
/// The page's URL and title.
pub const PAGE_INFO: PageScript = PageScript::new("pageInfo", include_str!("page_info.js"));
/// The document's `readyState`.
pub const READY_STATE: PageScript = PageScript::new("readyState", include_str!("ready_state.js"));
/// Draws the listed actions' ids at their boxes for a screenshot, or removes them.
pub const MARKS: PageScript = PageScript::new("marks", include_str!("marks.js"));

/// The one script of ours in the page's own world (`page_work.js`): installed before the
/// page's scripts in every document, it counts the timers, animation frames and idle
/// callbacks the page scheduled, and answers [`SETTLE`] on the DOM event `channel`. Its
/// source, as the statement to install.
pub fn page_work(channel: &str) -> String {
    format!(
        "({})({});",
        include_str!("page_work.js"),
        serde_json::Value::String(channel.to_owned())
    )
}

/// Every page script, for the checks that hold them to their contract.
pub const ALL: [PageScript; 14] = [
    COLLECT,
    LOCATE,
    CHOOSE,
    FRAME_POINT,
    FRAME_ELEMENT,
    FILE_INPUT,
    ARIA_VALUE,
    SELECT_CONTENT,
    SETTLE,
    INPUT_WATCH,
    RENDERED_HTML,
    PAGE_INFO,
    READY_STATE,
    MARKS,
];

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    #[test]
    fn names_are_unique_identifiers() {
        let mut seen = HashSet::new();
        for script in ALL {
            let name = script.name();
            assert!(seen.insert(name), "{name} twice");
            assert!(
                name.chars().all(|c| c.is_ascii_alphanumeric())
                    && !name.starts_with(char::is_numeric),
                "{name}"
            );
        }
    }

    /// Each source, comments aside, is one function expression: what `definition` assigns.
    #[test]
    fn every_script_is_a_function_expression() {
        for script in ALL {
            let code: Vec<&str> = script
                .function
                .lines()
                .filter(|line| !line.trim_start().starts_with("//") && !line.trim().is_empty())
                .collect();
            let first = code.first().copied().unwrap_or_default();
            assert!(
                first.starts_with('(') && first.contains("=>"),
                "{}: {first}",
                script.name()
            );
        }
    }

    /// Scripts reach the shared object only through `globalThis.__browserd`, whose shape
    /// `page_api.js` declares: no other page global of ours.
    #[test]
    fn scripts_share_only_the_declared_object() {
        for script in ALL {
            let mut rest = script.function;
            while let Some(at) = rest.find("globalThis.__browserd") {
                let after = &rest[at + "globalThis.__browserd".len()..];
                assert!(
                    !after.starts_with(|c: char| c.is_ascii_alphanumeric()),
                    "{} reaches a global of its own",
                    script.name()
                );
                rest = after;
            }
        }
        for field in [
            "scripts", "elements", "ids", "doc", "frames", "input", "marks",
        ] {
            assert!(PAGE_API.contains(&format!("{field}:")), "{field}");
        }
    }
}
