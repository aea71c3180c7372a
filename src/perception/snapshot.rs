//! The page snapshot as `js/collect.js` returns it (serde mirror, all fields optional or
//! defaulted so odd or older snapshots still parse).
//!
//! Owns: the data types only. Does not own: deciding what is listed (see `mod.rs`), nor
//! running the script (the browser driver evaluates `collect.js` and hands the JSON here).
use serde::{Deserialize, Serialize};

/// What `collect.js` returns for one page (top frame plus reachable frames and open shadow roots).
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(default)]
pub struct PageSnapshot {
    pub version: u32,
    /// A token of the document's world (`__browserd.doc`): handles are that world's own,
    /// and a new document has a new token.
    pub doc: String,
    pub url: String,
    pub title: String,
    pub lang: Option<String>,
    /// `<meta name=description>` or `og:description`.
    pub description: Option<String>,
    pub og_type: Option<String>,
    /// `<link rel=canonical>` or `og:url` (the site's own address when served elsewhere).
    pub canonical: Option<String>,
    /// `@type` values found in JSON-LD scripts (Article, Product, …).
    pub ld_types: Vec<String>,
    /// Text of the first visible `<h1>`.
    pub h1: Option<String>,
    /// First visible paragraph of 80+ characters in main/article (cut to 240).
    pub lead: Option<String>,
    pub viewport: Size,
    pub scroll: Scroll,
    /// A modal dialog (`dialog:modal` or visible `aria-modal=true`) is open: only its content is listed.
    pub modal: bool,
    pub paragraphs: u32,
    pub counts: Counts,
    /// Frame 0 is the top document; reachable iframes follow in document order.
    pub frames: Vec<FrameSnapshot>,
    pub landmarks: Vec<Landmark>,
    pub headings: Vec<Heading>,
    /// Candidate elements that are rendered and visible (or reachable by scrolling).
    pub elements: Vec<ElementSnapshot>,
    /// Candidates found but not visible (reason only), capped; for diagnostics and tests.
    pub hidden: Vec<HiddenElement>,
    /// Time collect.js spent in the page, milliseconds.
    pub time_ms: f64,
}

#[derive(Debug, Clone, Copy, Default, Deserialize, Serialize)]
#[serde(default)]
pub struct Size {
    pub w: f64,
    pub h: f64,
}

#[derive(Debug, Clone, Copy, Default, Deserialize, Serialize)]
#[serde(default)]
pub struct Scroll {
    pub x: f64,
    pub y: f64,
    pub w: f64,
    pub h: f64,
}

/// Counts used to guess the page category.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(default)]
pub struct Counts {
    pub forms: u32,
    pub password: u32,
    pub search: u32,
    pub articles: u32,
    pub captcha: u32,
    pub shadow_roots: u32,
    pub frames_unreachable: u32,
    pub hidden: u32,
    pub disabled: u32,
    pub aria_hidden_subtrees: u32,
    pub inert_subtrees: u32,
    /// Option lists cut at 300 options.
    pub truncated: u32,
    /// Candidates not gathered because the snapshot already held 6,000 elements.
    pub over_limit: u32,
    pub nodes: u32,
}

#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(default)]
pub struct FrameSnapshot {
    pub url: String,
    pub name: Option<String>,
    /// Origin of the frame's viewport in top-viewport CSS pixels.
    pub x: f64,
    pub y: f64,
    /// Its document was read (by the world that read its parent, or by its own world).
    pub reachable: bool,
    /// An unread frame's `<iframe>`: index in `globalThis.__browserd.frames` of the world
    /// that found it.
    pub owner: Option<u32>,
    /// An unread frame's place in document order: the number of elements before it.
    pub at: Option<usize>,
    /// The `iframe` landmark that stands for an unread frame.
    pub landmark: Option<usize>,
    /// The heading in force where an unread frame sits.
    pub heading: Option<usize>,
    /// An unread frame behind a modal dialog: nothing in it can be used.
    pub outside: bool,
    /// The hops from the top document's world to the world that holds the handles of this
    /// frame's elements; empty for frames the top world reads.
    pub world: Vec<FrameHop>,
}

/// One hop from a script world into the world of a frame it cannot read (another origin's
/// document).
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize, Serialize)]
#[serde(default)]
pub struct FrameHop {
    /// The browser's id of the frame; opaque here.
    pub frame_id: String,
    /// The frame's `<iframe>` in the parent world: index in `globalThis.__browserd.frames`.
    pub owner: u32,
}

/// A landmark or grouping container (navigation, banner, contentinfo, main, complementary,
/// search, form, region, dialog, alertdialog, menu, menubar, tablist, toolbar, group, iframe).
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(default)]
pub struct Landmark {
    pub role: String,
    pub name: Option<String>,
    /// Index of the enclosing landmark.
    pub parent: Option<usize>,
    pub frame: Option<usize>,
}

#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(default)]
pub struct Heading {
    pub text: String,
    pub level: u8,
    /// Index of the landmark the heading is in, -1 for none.
    pub landmark: i64,
    /// The heading is inside a link or button (a teaser card): it names that action, not a group.
    pub in_action: bool,
}

/// One option of a `<select>`, datalist or ARIA listbox.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(default)]
pub struct OptionSnapshot {
    pub label: String,
    pub value: String,
    pub selected: bool,
    pub disabled: bool,
}

/// One candidate element (link, button, form control, ARIA widget) that a person can see.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(default)]
pub struct ElementSnapshot {
    /// The element's key in `globalThis.__browserd.elements` of the isolated world that
    /// read it (for locate.js / choose.js): the same in every read while its document lasts.
    pub handle: u32,
    /// The token of the world that read it, when that is not the top document's (an
    /// element of another origin's frame, spliced in by [`PageSnapshot::embed`]).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub doc: Option<String>,
    pub tag: String,
    /// Explicit or implicit ARIA role.
    pub role: String,
    pub name: Option<String>,
    /// Where the name came from when it is a stand-in for a label: title, placeholder.
    pub name_from: Option<String>,
    /// The accessible description (`aria-describedby`, `aria-description`), when the
    /// element has one of its own.
    pub description: Option<String>,
    /// For an unnamed element: a word from its icon / test id / id / class / image file
    /// ("search", "menu toggle") that hints at what it does.
    pub hint: Option<String>,
    /// `<input type>`.
    #[serde(rename = "type")]
    pub input_type: Option<String>,
    pub autocomplete: Option<String>,
    /// The form field's `name` attribute.
    pub field: Option<String>,
    pub placeholder: Option<String>,
    /// Current value (never for password fields).
    pub value: Option<String>,
    /// Password (or secret) field that holds a value; its value is never gathered.
    pub has_value: bool,
    /// Not a password field but a secret one (card number, security code, one-time code):
    /// its value is never gathered either.
    pub secret: bool,
    pub checked: Option<bool>,
    pub mixed: bool,
    pub pressed: Option<bool>,
    pub selected: bool,
    pub expanded: Option<bool>,
    pub popup: Option<String>,
    pub current: bool,
    pub required: bool,
    pub readonly: bool,
    pub disabled: bool,
    pub multiple: bool,
    pub multiline: bool,
    pub min: Option<String>,
    pub max: Option<String>,
    pub step: Option<String>,
    pub options: Vec<OptionSnapshot>,
    /// Raw `href` attribute (relative as written), `javascript:` for script links.
    pub href: Option<String>,
    pub new_tab: bool,
    /// The control itself is visually hidden; its `<label>` is what is clicked (box is the label's).
    pub via_label: bool,
    /// Box in top-viewport CSS pixels.
    pub x: f64,
    pub y: f64,
    pub w: f64,
    pub h: f64,
    pub landmark: Option<usize>,
    pub heading: Option<usize>,
    pub frame: Option<usize>,
}

#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(default)]
pub struct HiddenElement {
    pub tag: String,
    pub role: String,
    /// css, size, opacity, tiny, offscreen, clipped, modal.
    pub hidden: String,
}

impl PageSnapshot {
    /// Parse collect.js output; errors are serde's.
    pub fn from_json(text: &str) -> Result<Self, serde_json::Error> {
        serde_json::from_str(text)
    }

    /// Frames whose document this snapshot could not read and that may be read in their
    /// own world, last in document order first (the order [`embed`](Self::embed) needs).
    pub fn unread_frames(&self) -> Vec<(usize, u32)> {
        let mut slots: Vec<(usize, u32)> = self
            .frames
            .iter()
            .enumerate()
            .filter(|(_, frame)| !frame.reachable && !frame.outside)
            .filter_map(|(slot, frame)| frame.owner.map(|owner| (slot, owner)))
            .collect();
        slots.reverse();
        slots
    }

    /// Splices `child`, the snapshot of unread frame `slot` taken in that frame's own
    /// world (reached through `frame_id`), into this one: its elements at the frame's place
    /// in document order, boxes moved to top-viewport pixels, landmarks under the frame's,
    /// and every element's world recorded so that it can be located later. Slots must be
    /// embedded last first, as [`unread_frames`](Self::unread_frames) lists them.
    pub fn embed(&mut self, slot: usize, frame_id: &str, child: PageSnapshot) {
        let Some(frame) = self.frames.get(slot) else {
            return;
        };
        let (Some(owner), false) = (frame.owner, frame.reachable) else {
            return;
        };
        let (dx, dy) = (frame.x, frame.y);
        let (slot_landmark, slot_heading) = (frame.landmark, frame.heading);
        let at = frame.at.unwrap_or(self.elements.len());
        let mut world = frame.world.clone();
        world.push(FrameHop {
            frame_id: frame_id.to_string(),
            owner,
        });

        let frame_base = self.frames.len();
        let map_frame = |f: usize| if f == 0 { slot } else { frame_base + f - 1 };
        let landmark_base = self.landmarks.len();
        let map_landmark = |l: Option<usize>| l.map(|l| l + landmark_base).or(slot_landmark);
        let heading_base = self.headings.len();

        let target = &mut self.frames[slot];
        target.reachable = true;
        target.world = world.clone();
        for mut inner in child.frames.into_iter().skip(1) {
            inner.x += dx;
            inner.y += dy;
            inner.landmark = inner.landmark.map(|l| l + landmark_base);
            inner.heading = inner.heading.map(|h| h + heading_base);
            inner.world = world.iter().cloned().chain(inner.world).collect();
            self.frames.push(inner);
        }
        for mut landmark in child.landmarks {
            landmark.parent = map_landmark(landmark.parent);
            landmark.frame = Some(map_frame(landmark.frame.unwrap_or(0)));
            self.landmarks.push(landmark);
        }
        for mut heading in child.headings {
            heading.landmark =
                match map_landmark((heading.landmark >= 0).then_some(heading.landmark as usize)) {
                    Some(l) => l as i64,
                    None => -1,
                };
            self.headings.push(heading);
        }
        let child_doc = child.doc;
        let elements = child.elements.into_iter().map(|mut el| {
            el.doc.get_or_insert_with(|| child_doc.clone());
            el.x += dx;
            el.y += dy;
            el.landmark = map_landmark(el.landmark);
            el.heading = el.heading.map(|h| h + heading_base).or(slot_heading);
            el.frame = Some(map_frame(el.frame.unwrap_or(0)));
            el
        });
        let at = at.min(self.elements.len());
        self.elements.splice(at..at, elements);
        self.hidden.extend(child.hidden);
        self.counts.add(&child.counts);
        self.counts.frames_unreachable = self.counts.frames_unreachable.saturating_sub(1);
        self.time_ms += child.time_ms;
    }
}

impl Counts {
    fn add(&mut self, other: &Counts) {
        self.forms += other.forms;
        self.password += other.password;
        self.search += other.search;
        self.articles += other.articles;
        self.captcha += other.captcha;
        self.shadow_roots += other.shadow_roots;
        self.frames_unreachable += other.frames_unreachable;
        self.hidden += other.hidden;
        self.disabled += other.disabled;
        self.aria_hidden_subtrees += other.aria_hidden_subtrees;
        self.inert_subtrees += other.inert_subtrees;
        self.truncated += other.truncated;
        self.over_limit += other.over_limit;
        self.nodes += other.nodes;
    }
}
