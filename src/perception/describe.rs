//! Per-element wording: which prefix and step kind an element gets, the one-line
//! description a person (or model) reads, and the single parameter of an I action.
//!
//! Owns: role -> (prefix, kind), description text, `Param`. Does not own: visibility
//! (decided in the page by collect.js), grouping (`group.rs`), numbering (`mod.rs`).
use super::snapshot::ElementSnapshot;
use super::text::{cut, fold, host, key, scheme, slug};
use super::types::{ActionKind, Param, Prefix};

/// Longest accessible name kept in a description.
const NAME_MAX: usize = 90;
/// Options shown inline in the markdown for a choice (all of them go into `values`).
const INLINE_OPTIONS: usize = 8;

/// Prefix and step kind for an element, or `None` when it is not actionable.
pub fn kind_of(el: &ElementSnapshot) -> Option<(Prefix, ActionKind)> {
    let t = el.input_type.as_deref().unwrap_or("");
    Some(match el.role.as_str() {
        "link" => (Prefix::L, ActionKind::Link),
        // a file input takes the name of a file of the session as its value
        "button" if el.tag == "input" && t == "file" => (Prefix::I, ActionKind::Upload),
        "button" | "tab" | "menuitem" | "option" | "treeitem" => (Prefix::B, ActionKind::Click),
        // a focusable row or cell of a grid: a date picker's day, a message row
        "row" | "gridcell" | "cell" | "columnheader" | "rowheader" => {
            (Prefix::B, ActionKind::Click)
        }
        "checkbox" | "radio" | "switch" | "menuitemcheckbox" | "menuitemradio" => {
            (Prefix::B, ActionKind::Toggle)
        }
        "textbox" | "searchbox" => {
            if matches!(
                t,
                "date" | "time" | "datetime-local" | "month" | "week" | "color"
            ) {
                (Prefix::I, ActionKind::SetValue)
            } else {
                (Prefix::I, ActionKind::Type)
            }
        }
        // an ARIA spin button (a div) takes arrow keys, not typing
        "spinbutton" if el.tag != "input" => (Prefix::I, ActionKind::SetValue),
        "spinbutton" => (Prefix::I, ActionKind::Type),
        "slider" | "separator" => (Prefix::I, ActionKind::SetValue),
        "combobox" if el.tag == "input" => (Prefix::I, ActionKind::Type),
        // a select-only ARIA combobox (a div) cannot be typed into: choose (its options may
        // only exist once it is opened; choose.js then reports the values it finds)
        "combobox" | "listbox" => (Prefix::I, ActionKind::Choose),
        _ => return None,
    })
}

/// The element's accessible name, folded and cut ("" when it has none).
pub fn name(el: &ElementSnapshot) -> String {
    cut(&fold(el.name.as_deref().unwrap_or("")), NAME_MAX)
}

fn name_is_placeholder(el: &ElementSnapshot) -> bool {
    el.name_from.as_deref() == Some("placeholder")
}

/// Label-ish fallback for an unnamed link: its target path's last segment or host.
fn link_fallback(href: &str) -> String {
    if href.is_empty() || href == "javascript:" {
        return "(unnamed)".to_string();
    }
    if let Some(s) = scheme(href) {
        if s == "mailto" || s == "tel" {
            return href.to_string();
        }
    }
    let p = super::text::path(href);
    let seg = p
        .trim_end_matches('/')
        .rsplit('/')
        .next()
        .unwrap_or("")
        .trim_end_matches(".html")
        .trim_end_matches(".htm")
        .trim_end_matches(".php");
    let seg = fold(&seg.replace(['-', '_', '+'], " "));
    if !seg.is_empty() && seg.chars().any(|c| c.is_alphabetic()) {
        return format!("to \"{}\"", cut(&seg, 50));
    }
    match host(href) {
        Some(h) => format!("to {h}"),
        None => format!("to {}", cut(href, 50)),
    }
}

/// Everything perception needs to know about the page to word a link.
pub struct LinkContext<'a> {
    /// Hosts that count as "this site" (page host, canonical host), without `www.`.
    pub own_hosts: &'a [String],
}

fn registrable(h: &str) -> &str {
    // last two labels, or three when the second-level label is short (co.uk, com.au)
    let parts: Vec<&str> = h.rsplitn(4, '.').collect();
    let n = if parts.len() >= 3 && parts[1].len() <= 3 && parts[0].len() == 2 {
        3
    } else {
        2
    };
    if parts.len() <= n {
        return h;
    }
    let keep: usize = parts[..n].iter().map(|p| p.len()).sum::<usize>() + n - 1;
    &h[h.len() - keep..]
}

/// The host to show for an external link, if it is external.
pub fn external_host(href: &str, ctx: &LinkContext) -> Option<String> {
    let h = host(href)?;
    let reg = registrable(&h);
    if ctx
        .own_hosts
        .iter()
        .any(|o| o == &h || registrable(o) == reg)
    {
        return None;
    }
    Some(h)
}

fn input_type_word(el: &ElementSnapshot) -> Option<String> {
    let t = el.input_type.as_deref().unwrap_or("");
    let w = match (el.role.as_str(), t) {
        ("searchbox", _) => "search",
        (_, "email") => "email",
        (_, "password") => "password",
        (_, "tel") => "phone",
        (_, "url") => "URL",
        (_, "number") | ("spinbutton", _) => "number",
        (_, "date") => "date",
        (_, "time") => "time",
        (_, "datetime-local") => "date and time",
        (_, "month") => "month",
        (_, "week") => "week",
        (_, "color") => "colour",
        (_, "file") => "file upload",
        ("slider", _) => "slider",
        ("separator", _) => "splitter",
        ("combobox", _) if el.tag == "input" => "autocomplete",
        _ if el.multiline => "multi-line",
        _ => return None,
    };
    let range = match (el.min.as_deref(), el.max.as_deref()) {
        (Some(a), Some(b)) if !a.is_empty() && !b.is_empty() => format!(" {a}-{b}"),
        _ => String::new(),
    };
    Some(format!("{w}{range}"))
}

fn option_label(o: &super::snapshot::OptionSnapshot) -> String {
    let l = fold(&o.label);
    if l.is_empty() {
        fold(&o.value)
    } else {
        l
    }
}

/// Allowed values of a choice: option labels (value when unlabeled), disabled ones left out.
pub fn choice_values(el: &ElementSnapshot) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for o in &el.options {
        if o.disabled {
            continue;
        }
        let l = option_label(o);
        if !l.is_empty() && !out.contains(&l) {
            out.push(l);
        }
    }
    out
}

fn selected_label(el: &ElementSnapshot) -> Option<String> {
    let sel: Vec<String> = el
        .options
        .iter()
        .filter(|o| o.selected)
        .map(option_label)
        .filter(|l| !l.is_empty())
        .collect();
    (!sel.is_empty()).then(|| sel.join(", "))
}

/// A choice among listed options: a `<select>`, an ARIA listbox, a select-only combobox.
fn is_choice(el: &ElementSnapshot) -> bool {
    el.tag == "select"
        || (el.role == "listbox" && !el.options.is_empty())
        || (el.role == "combobox" && el.tag != "input" && !el.options.is_empty())
}

/// One-line description (without the id) as the agent reads it.
pub fn describe(el: &ElementSnapshot, prefix: Prefix, ctx: &LinkContext) -> String {
    let n = name(el);
    let mut s = String::new();
    let mut notes: Vec<String> = Vec::new();
    match prefix {
        Prefix::L => link(el, n, ctx, &mut s, &mut notes),
        Prefix::B => {
            button(el, n, &mut s, &mut notes);
            button_state(el, &mut notes);
        }
        Prefix::I | Prefix::S => {
            input(el, &n, &mut s, &mut notes);
            input_value(el, &mut s);
        }
    }
    if !notes.is_empty() {
        s.push_str(&format!(" ({})", notes.join(", ")));
    }
    s
}

/// A link: its name (or what its address says), where it leads when that is another site.
fn link(
    el: &ElementSnapshot,
    n: String,
    ctx: &LinkContext,
    s: &mut String,
    notes: &mut Vec<String>,
) {
    let href = el.href.as_deref().unwrap_or("");
    if n.is_empty() {
        s.push_str(&link_fallback(href));
        if let Some(h) = el.hint.as_deref().map(fold).filter(|h| !h.is_empty()) {
            notes.push(format!("looks like \"{}\"", cut(&h, 30)));
        }
    } else {
        s.push_str(&n);
    }
    if let Some(h) = external_host(href, ctx) {
        if !key(&n).contains(&key(&h)) {
            s.push_str(" → ");
            s.push_str(&h);
        }
    } else if scheme(href).as_deref() == Some("mailto") && !n.contains('@') {
        notes.push("email".into());
    }
    if el.current {
        notes.push("current".into());
    }
}

/// A button, checkbox, radio, switch, tab or option: its mark and name.
fn button(el: &ElementSnapshot, n: String, s: &mut String, notes: &mut Vec<String>) {
    let n = if n.is_empty() {
        match el.hint.as_deref().map(fold).filter(|h| !h.is_empty()) {
            Some(h) => format!("(unnamed, looks like \"{}\")", cut(&h, 30)),
            None => "(unnamed)".to_string(),
        }
    } else {
        n
    };
    match el.role.as_str() {
        "checkbox" | "menuitemcheckbox" => {
            let mark = if el.mixed {
                "[-]"
            } else if el.checked == Some(true) {
                "[x]"
            } else {
                "[ ]"
            };
            s.push_str(mark);
            s.push(' ');
            s.push_str(&n);
        }
        "radio" | "menuitemradio" => {
            s.push_str(if el.checked == Some(true) {
                "(x) "
            } else {
                "( ) "
            });
            s.push_str(&n);
        }
        "switch" => {
            s.push_str(&n);
            notes.push(if el.checked == Some(true) || el.pressed == Some(true) {
                "switch on".into()
            } else {
                "switch off".into()
            });
        }
        "tab" => {
            s.push_str(&n);
            notes.push(if el.selected { "tab, selected" } else { "tab" }.into());
        }
        "option" | "treeitem" | "row" | "gridcell" | "cell" | "columnheader" | "rowheader" => {
            s.push_str(&n);
            if el.selected {
                notes.push("selected".into());
            }
        }
        _ => s.push_str(&n),
    }
}

/// What a button's state tells beyond its mark: pressed, expanded, current, required.
fn button_state(el: &ElementSnapshot, notes: &mut Vec<String>) {
    if el.pressed == Some(true) && el.role != "switch" {
        notes.push("pressed".into());
    }
    match el.expanded {
        Some(true) => notes.push("expanded".into()),
        Some(false) => notes.push(
            match el.popup.as_deref() {
                Some("menu") => "opens menu",
                Some("dialog") => "opens dialog",
                Some("listbox") => "opens list",
                _ => "collapsed",
            }
            .into(),
        ),
        None => {}
    }
    if el.current {
        notes.push("current".into());
    }
    if el.required {
        notes.push("required".into());
    }
}

/// A field's name and what kind of field it is.
fn input(el: &ElementSnapshot, n: &str, s: &mut String, notes: &mut Vec<String>) {
    let from_ph = name_is_placeholder(el);
    if n.is_empty() {
        let f = el.field.as_deref().map(fold).unwrap_or_default();
        if f.is_empty() {
            s.push_str("(unnamed)");
        } else {
            s.push_str(&format!("(field \"{}\")", cut(&f, 40)));
        }
    } else if from_ph {
        s.push_str(&format!("\"{n}\""));
        notes.push("placeholder".into());
    } else {
        s.push_str(n);
    }
    if let Some(w) = input_type_word(el) {
        notes.push(w);
    }
    if el.required {
        notes.push("required".into());
    }
    if el.readonly {
        notes.push("read-only".into());
    }
    if el.multiple {
        notes.push("multiple".into());
    }
    if let Some(p) = el.placeholder.as_deref() {
        // placeholder when there is no other name: already the name; otherwise a hint
        // only when it adds something (an example format)
        if !from_ph && !n.is_empty() && el.value.is_none() {
            let pk = key(p);
            if !pk.is_empty() && !key(n).contains(&pk) && !pk.contains(&key(n)) {
                notes.push(format!("e.g. \"{}\"", cut(&fold(p), 40)));
            }
        }
    }
    if let Some(d) = el.description.as_deref().map(|d| {
        let d = fold(d);
        // "(mm/dd/yyyy)" reads as well without its brackets, inside the line's own
        match d.strip_prefix('(').and_then(|d| d.strip_suffix(')')) {
            Some(inner) if !inner.contains(['(', ')']) => inner.to_string(),
            _ => d,
        }
    }) {
        // a field's description says its format or rule ("mm/dd/yyyy", "8 characters or
        // more"): worth the words when the name does not say it already
        let dk = key(&d);
        if !dk.is_empty() && !key(n).contains(&dk) {
            notes.push(format!("\"{}\"", cut(&d, 60)));
        }
    }
    if !notes.is_empty() {
        s.push_str(&format!(" ({})", notes.join(", ")));
        notes.clear();
    }
}

/// What a field holds now: a choice's selection and options, a filled secret, a value, a
/// combobox's suggestions.
fn input_value(el: &ElementSnapshot, s: &mut String) {
    if is_choice(el) {
        if let Some(sel) = selected_label(el) {
            s.push_str(&format!(" = {}", cut(&sel, 60)));
        }
        let vals = choice_values(el);
        if !vals.is_empty() {
            let shown: Vec<String> = vals
                .iter()
                .take(INLINE_OPTIONS)
                .map(|v| cut(v, 40))
                .collect();
            s.push_str(": ");
            s.push_str(&shown.join(" | "));
            if vals.len() > INLINE_OPTIONS {
                s.push_str(&format!(" | +{} more", vals.len() - INLINE_OPTIONS));
            }
        }
    } else if el.input_type.as_deref() == Some("password") || el.secret {
        if el.has_value {
            s.push_str(" = (filled)");
        }
    } else if let Some(v) = el.value.as_deref() {
        let v = fold(v);
        if !v.is_empty() {
            s.push_str(&format!(" = \"{}\"", cut(&v, 60)));
        }
    }
    if el.role == "combobox" && el.tag == "input" && !el.options.is_empty() {
        let vals = choice_values(el);
        let shown: Vec<String> = vals.iter().take(5).map(|v| cut(v, 30)).collect();
        s.push_str(&format!(" suggests {}", shown.join(" | ")));
    }
}

/// The parameter of an I action.
pub fn param(el: &ElementSnapshot) -> Param {
    let t = el.input_type.as_deref().unwrap_or("");
    let r#type = match (el.role.as_str(), t) {
        ("spinbutton", _) | ("slider", _) | ("separator", _) | (_, "number") | (_, "range") => {
            "number"
        }
        (_, "email") => "email",
        (_, "url") => "url",
        (_, "tel") => "tel",
        (_, "password") => "password",
        (_, "date") => "date",
        (_, "time") => "time",
        (_, "datetime-local") => "datetime",
        (_, "month") => "month",
        (_, "week") => "week",
        (_, "color") => "color",
        (_, "file") => "file",
        _ => "string",
    }
    .to_string();
    let field = el.field.as_deref().unwrap_or("");
    let simple_field = !field.is_empty()
        && field.len() <= 30
        && field
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-' || c == '.');
    let name = if simple_field {
        field.to_string()
    } else {
        let s = slug(&name(el));
        if s.is_empty() {
            "value".to_string()
        } else {
            s
        }
    };
    let (default, values) = if t == "file" {
        (None, Vec::new())
    } else if is_choice(el) {
        (selected_label(el), choice_values(el))
    } else if t == "password" || el.secret {
        (None, Vec::new())
    } else {
        (
            el.value.as_deref().map(fold).filter(|v| !v.is_empty()),
            Vec::new(),
        )
    };
    Param {
        name,
        r#type,
        default,
        values,
    }
}

#[cfg(test)]
mod tests {
    use super::super::snapshot::OptionSnapshot;
    use super::*;

    fn el(role: &str, tag: &str, name: &str) -> ElementSnapshot {
        ElementSnapshot {
            role: role.into(),
            tag: tag.into(),
            name: Some(name.into()),
            ..Default::default()
        }
    }
    const CTX: LinkContext = LinkContext { own_hosts: &[] };

    #[test]
    fn checkbox_and_radio_states() {
        let mut c = el("checkbox", "input", "Remember me");
        c.checked = Some(true);
        assert_eq!(describe(&c, Prefix::B, &CTX), "[x] Remember me");
        c.checked = Some(false);
        c.required = true;
        assert_eq!(describe(&c, Prefix::B, &CTX), "[ ] Remember me (required)");
        let mut r = el("radio", "input", "Express");
        r.checked = Some(true);
        assert_eq!(describe(&r, Prefix::B, &CTX), "(x) Express");
    }

    #[test]
    fn select_lists_options_and_value() {
        let mut s = el("combobox", "select", "Country");
        for (i, l) in ["Germany", "France", "Italy"].iter().enumerate() {
            s.options.push(OptionSnapshot {
                label: l.to_string(),
                value: l.to_lowercase(),
                selected: i == 1,
                disabled: false,
            });
        }
        assert_eq!(kind_of(&s), Some((Prefix::I, ActionKind::Choose)));
        assert_eq!(
            describe(&s, Prefix::I, &CTX),
            "Country = France: Germany | France | Italy"
        );
        let p = param(&s);
        assert_eq!(p.values, vec!["Germany", "France", "Italy"]);
        assert_eq!(p.default.as_deref(), Some("France"));
        assert_eq!(p.name, "country");
    }

    #[test]
    fn password_value_never_shown() {
        let mut p = el("textbox", "input", "Password");
        p.input_type = Some("password".into());
        p.has_value = true;
        p.value = Some("hunter2".into()); // even if a snapshot carried one
        let d = describe(&p, Prefix::I, &CTX);
        assert!(!d.contains("hunter2"), "{d}");
        assert_eq!(d, "Password (password) = (filled)");
        let prm = param(&p);
        assert_eq!(prm.default, None);
        assert_eq!(prm.r#type, "password");
    }

    #[test]
    fn placeholder_only_when_unnamed() {
        let mut s = el("searchbox", "input", "Search docs");
        s.name_from = Some("placeholder".into());
        s.placeholder = Some("Search docs".into());
        assert_eq!(
            describe(&s, Prefix::I, &CTX),
            "\"Search docs\" (placeholder, search)"
        );
        let mut e = el("textbox", "input", "Email");
        e.input_type = Some("email".into());
        e.placeholder = Some("name@example.com".into());
        e.required = true;
        assert_eq!(
            describe(&e, Prefix::I, &CTX),
            "Email (email, required, e.g. \"name@example.com\")"
        );
    }

    #[test]
    fn grid_rows_and_cells_are_buttons_with_their_state() {
        let mut day = el("gridcell", "td", "14");
        day.selected = true;
        assert_eq!(kind_of(&day), Some((Prefix::B, ActionKind::Click)));
        assert_eq!(describe(&day, Prefix::B, &CTX), "14 (selected)");
        let mut row = el("row", "tr", "Treegrids are awesome");
        row.expanded = Some(false);
        assert_eq!(
            describe(&row, Prefix::B, &CTX),
            "Treegrids are awesome (collapsed)"
        );
    }

    #[test]
    fn a_select_only_combobox_offers_its_options_and_an_aria_spin_button_takes_keys() {
        let mut c = el("combobox", "div", "Favorite Fruit");
        c.value = Some("Apple".into());
        for (i, l) in ["Apple", "Banana"].iter().enumerate() {
            c.options.push(OptionSnapshot {
                label: l.to_string(),
                value: l.to_string(),
                selected: i == 0,
                disabled: false,
            });
        }
        assert_eq!(kind_of(&c), Some((Prefix::I, ActionKind::Choose)));
        assert_eq!(
            describe(&c, Prefix::I, &CTX),
            "Favorite Fruit = Apple: Apple | Banana"
        );
        assert_eq!(param(&c).values, vec!["Apple", "Banana"]);
        let spin = el("spinbutton", "div", "Day");
        assert_eq!(kind_of(&spin), Some((Prefix::I, ActionKind::SetValue)));
        let mut number = el("spinbutton", "input", "Guests");
        number.input_type = Some("number".into());
        assert_eq!(kind_of(&number), Some((Prefix::I, ActionKind::Type)));
    }

    #[test]
    fn a_window_splitter_is_a_number_set_with_keys() {
        let mut split = el("separator", "div", "Message list height");
        split.min = Some("20".into());
        split.max = Some("80".into());
        split.value = Some("40".into());
        assert_eq!(kind_of(&split), Some((Prefix::I, ActionKind::SetValue)));
        assert_eq!(
            describe(&split, Prefix::I, &CTX),
            "Message list height (splitter 20-80) = \"40\""
        );
        assert_eq!(param(&split).r#type, "number");
    }

    #[test]
    fn a_fields_description_is_said_when_its_name_does_not_say_it() {
        let mut d = el("textbox", "input", "Date");
        d.description = Some("(date format: mm/dd/yyyy)".into());
        assert_eq!(
            describe(&d, Prefix::I, &CTX),
            "Date (\"date format: mm/dd/yyyy\")"
        );
        d.description = Some("Date".into());
        assert_eq!(describe(&d, Prefix::I, &CTX), "Date");
    }

    #[test]
    fn external_link_host() {
        let own = vec!["example.org".to_string()];
        let ctx = LinkContext { own_hosts: &own };
        let mut l = el("link", "a", "Docs");
        l.href = Some("https://github.com/x/y".into());
        assert_eq!(describe(&l, Prefix::L, &ctx), "Docs → github.com");
        l.href = Some("https://blog.example.org/p".into());
        assert_eq!(describe(&l, Prefix::L, &ctx), "Docs");
        l.href = Some("/about".into());
        assert_eq!(describe(&l, Prefix::L, &ctx), "Docs");
        let mut u = el("link", "a", "");
        u.href = Some("/products/red-shoes.html".into());
        assert_eq!(describe(&u, Prefix::L, &ctx), "to \"red shoes\"");
        assert_eq!(registrable("a.b.co.uk"), "b.co.uk");
        assert_eq!(registrable("x.y.example.com"), "example.com");
    }
}
