//! Action categories from the page's own structure: the innermost meaningful landmark
//! (dialog, form, search, navigation, header, footer, sidebar, region, fieldset, frame)
//! and the nearest heading inside it.
//!
//! Owns: naming the group an element belongs to. Does not own: the order of the
//! markdown (`mod.rs`) or landmark detection (collect.js records landmarks and headings).
use super::snapshot::{ElementSnapshot, PageSnapshot};
use super::text::{cut, fold, key};

const HEADING_MAX: usize = 60;

/// Group names for every element of a snapshot, computed once per page.
pub struct Grouper<'a> {
    snap: &'a PageSnapshot,
    /// Per landmark: contains a password field / a search field.
    has_password: Vec<bool>,
    has_search: Vec<bool>,
    /// Per landmark: how many fields one types into or chooses in it holds.
    fields: Vec<u32>,
    /// Per landmark: itself and its enclosing landmarks, innermost first.
    chains: Vec<Vec<usize>>,
    /// Per landmark: the group name it gives, if it names one.
    labels: Vec<Option<String>>,
}

/// Landmark `start` and its enclosing landmarks, innermost first (cut at a cycle or 64).
fn chain_from(snap: &PageSnapshot, start: usize) -> Vec<usize> {
    let mut out = Vec::new();
    let mut cur = Some(start);
    while let Some(i) = cur {
        if i >= snap.landmarks.len() || out.len() > 64 || out.contains(&i) {
            break;
        }
        out.push(i);
        cur = snap.landmarks[i].parent;
    }
    out
}

/// A search form holds its search box and a filter or two; a form with more fields that
/// happens to hold a search box (an order form's product search) is not a search.
const SEARCH_FORM_FIELDS: u32 = 3;

fn is_field(el: &ElementSnapshot) -> bool {
    matches!(
        el.role.as_str(),
        "textbox" | "searchbox" | "combobox" | "listbox" | "spinbutton" | "slider"
    )
}

fn is_search_field(el: &ElementSnapshot) -> bool {
    if el.role == "searchbox" {
        return true;
    }
    if el.tag != "input" || !matches!(el.role.as_str(), "textbox" | "combobox") {
        return false;
    }
    let f = el.field.as_deref().unwrap_or("").to_ascii_lowercase();
    let n = el.name.as_deref().unwrap_or("").to_lowercase();
    f == "q"
        || f == "s"
        || f.contains("search")
        || f.contains("query")
        || n.contains("search")
        || n.contains("suche")
}

impl<'a> Grouper<'a> {
    pub fn new(snap: &'a PageSnapshot) -> Self {
        let n = snap.landmarks.len();
        let mut has_password = vec![false; n];
        let mut has_search = vec![false; n];
        let mut fields = vec![0u32; n];
        for el in &snap.elements {
            let pw = el.input_type.as_deref() == Some("password");
            let se = is_search_field(el);
            let field = is_field(el);
            if !(pw || se || field) {
                continue;
            }
            let mut cur = el.landmark;
            let mut guard = 0;
            while let Some(i) = cur {
                if i >= n || guard > 64 {
                    break;
                }
                has_password[i] |= pw;
                has_search[i] |= se;
                fields[i] += u32::from(field);
                cur = snap.landmarks[i].parent;
                guard += 1;
            }
        }
        let chains = (0..n).map(|i| chain_from(snap, i)).collect();
        let mut grouper = Grouper {
            snap,
            has_password,
            has_search,
            fields,
            chains,
            labels: Vec::new(),
        };
        // Every element asks for the labels of its landmarks and of those of up to 200
        // headings before it: computed once per landmark, not once per question.
        grouper.labels = (0..n).map(|i| grouper.label_uncached(i)).collect();
        grouper
    }

    /// The landmark `start` and its enclosing landmarks, innermost first.
    fn chain(&self, start: Option<usize>) -> &[usize] {
        start
            .and_then(|i| self.chains.get(i))
            .map_or(&[], Vec::as_slice)
    }

    fn landmark_label(&self, i: usize) -> Option<&str> {
        self.labels.get(i).and_then(|label| label.as_deref())
    }

    fn label_uncached(&self, i: usize) -> Option<String> {
        let lm = &self.snap.landmarks[i];
        let name = lm.name.as_deref().map(fold).unwrap_or_default();
        let name = cut(&name, HEADING_MAX);
        let named = |default: &str| {
            if name.is_empty() {
                default.to_string()
            } else {
                name.clone()
            }
        };
        Some(match lm.role.as_str() {
            "dialog" | "alertdialog" => named("Dialog"),
            "search" => "Search".to_string(),
            "form" => {
                if self.has_password[i] {
                    let h = self.heading_in(i).unwrap_or_default().to_lowercase();
                    let nl = name.to_lowercase();
                    if ["regist", "sign up", "signup", "create", "konto erstellen"]
                        .iter()
                        .any(|w| h.contains(w) || nl.contains(w))
                    {
                        "Sign up".to_string()
                    } else {
                        "Sign in".to_string()
                    }
                } else if self.has_search[i] && self.fields[i] <= SEARCH_FORM_FIELDS {
                    "Search".to_string()
                } else if !name.is_empty() {
                    name
                } else {
                    // an unnamed form without a heading says nothing: the surrounding
                    // landmark or heading names it
                    self.heading_in(i)?
                }
            }
            "navigation" => {
                if name.is_empty() {
                    "Navigation".to_string()
                } else {
                    let l = name.to_lowercase();
                    if ["nav", "menu", "breadcrumb", "pagination", "links"]
                        .iter()
                        .any(|w| l.contains(w))
                    {
                        name
                    } else {
                        format!("{name} navigation")
                    }
                }
            }
            "banner" => "Header".to_string(),
            "contentinfo" => "Footer".to_string(),
            "complementary" => named("Sidebar"),
            "group" if !name.is_empty() => {
                // a fieldset: "Delivery preferences / Speed"
                match lm
                    .parent
                    .and_then(|p| {
                        // a parent comes before its children, which also rules out cycles
                        (p < i).then(|| self.label_uncached(p))
                    })
                    .flatten()
                {
                    Some(parent) if !matches!(parent.as_str(), "Header" | "Footer") => {
                        format!("{parent} / {name}")
                    }
                    _ => name,
                }
            }
            "region" | "group" | "menu" | "menubar" | "toolbar" | "tablist" => {
                if name.is_empty() {
                    match lm.role.as_str() {
                        "menu" | "menubar" => "Menu".to_string(),
                        "tablist" => "Tabs".to_string(),
                        "toolbar" => "Toolbar".to_string(),
                        _ => return None,
                    }
                } else {
                    name
                }
            }
            "iframe" => {
                if name.is_empty() {
                    "Frame".to_string()
                } else {
                    format!("Frame: {name}")
                }
            }
            _ => return None, // main and anything else: use headings
        })
    }

    /// First heading inside landmark `i` (directly or in a nested landmark).
    fn heading_in(&self, i: usize) -> Option<String> {
        self.snap.headings.iter().find_map(|h| {
            (h.landmark >= 0 && self.chain(Some(h.landmark as usize)).contains(&i))
                .then(|| cut(&fold(&h.text), HEADING_MAX))
        })
    }

    /// The group an element belongs to, e.g. "Navigation", "Footer / Company", "Sign in",
    /// "Related articles".
    pub fn category(&self, el: &ElementSnapshot) -> String {
        let chain = self.chain(el.landmark);
        // innermost landmark with a label; dialogs, forms and search win over what surrounds them
        let mut label: Option<(usize, &str)> = None;
        for &i in chain {
            if let Some(l) = self.landmark_label(i) {
                label = Some((i, l));
                break;
            }
        }
        // nearest preceding heading, if it lies inside the chosen landmark (or, for content
        // outside any labelled landmark, anywhere outside labelled landmarks)
        // (walking back over headings that belong to other labelled parts of the page)
        let acceptable = |h: &super::snapshot::Heading| {
            if h.in_action {
                return false;
            }
            let hchain = if h.landmark >= 0 {
                self.chain(Some(h.landmark as usize))
            } else {
                &[]
            };
            match &label {
                Some((li, _)) => hchain.contains(li),
                None => hchain.iter().all(|&i| self.landmark_label(i).is_none()),
            }
        };
        let heading = el.heading.and_then(|hi| {
            let hi = hi.min(self.snap.headings.len().checked_sub(1)?);
            self.snap.headings[..=hi]
                .iter()
                .rev()
                .take(200)
                .find(|h| acceptable(h))
                .map(|h| cut(&fold(&h.text), HEADING_MAX))
        });
        match (label, heading) {
            (Some((_, l)), Some(h))
                if key(l) != key(&h) && !matches!(l, "Sign in" | "Sign up" | "Search") =>
            {
                format!("{l} / {h}")
            }
            (Some((_, l)), _) => l.to_string(),
            (None, Some(h)) => h,
            (None, None) => "Page".to_string(),
        }
    }

    /// The category an element would have without its heading (used to fold away
    /// one-link groups whose heading only repeats the link).
    pub fn coarse_category(&self, el: &ElementSnapshot) -> String {
        for &i in self.chain(el.landmark) {
            if let Some(l) = self.landmark_label(i) {
                return l.to_string();
            }
        }
        "Page".to_string()
    }
}
