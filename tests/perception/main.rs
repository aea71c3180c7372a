//! Integration tests over snapshots recorded with `node/record.mjs` from real pages
//! (`/work/shared/bench/pages`) and from our own fixture pages (`tests/perception/fixtures/pages`).
use browserd::domain::PageCategory;
use browserd::perception::{perceive, Action, ActionSpace, PageSnapshot, Prefix};
use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};

fn dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/perception/fixtures")
}

fn load(name: &str) -> PageSnapshot {
    let p = dir().join("snapshots").join(format!("{name}.json"));
    let text = std::fs::read_to_string(&p).unwrap_or_else(|e| panic!("{}: {e}", p.display()));
    PageSnapshot::from_json(&text).unwrap_or_else(|e| panic!("{}: {e}", p.display()))
}

fn all_names() -> Vec<String> {
    let mut v: Vec<String> = std::fs::read_dir(dir().join("snapshots"))
        .unwrap()
        .filter_map(|e| e.ok())
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == "json"))
        .map(|p| p.file_stem().unwrap().to_string_lossy().to_string())
        .collect();
    v.sort();
    v
}

fn lines(space: &ActionSpace) -> Vec<String> {
    space
        .actions
        .iter()
        .map(|a| format!("{} {}", a.id, a.description))
        .collect()
}

fn find<'a>(space: &'a ActionSpace, id: &str) -> &'a Action {
    space
        .actions
        .iter()
        .find(|a| a.id.to_string() == id)
        .unwrap_or_else(|| panic!("no {id} in\n{}", space.markdown))
}

#[test]
fn every_snapshot_meets_the_notte_constraints() {
    let names = all_names();
    assert!(
        names.len() >= 30,
        "expected bench + fixture snapshots, got {}",
        names.len()
    );
    for name in names {
        let snap = load(&name);
        let space = perceive(&snap, 100_000);
        assert!(space.category.is_some(), "{name}");
        assert!(!space.description.is_empty(), "{name}");
        let mut seen = HashSet::new();
        let mut last: HashMap<Prefix, (u32, u32)> = HashMap::new();
        for a in &space.actions {
            assert!(seen.insert(a.id), "{name}: duplicate id {}", a.id);
            assert_ne!(a.id.prefix, Prefix::S, "{name}: S ids are special only");
            // exactly one parameter for I actions, none for the others
            assert_eq!(
                a.param.is_some(),
                a.id.prefix == Prefix::I,
                "{name}: {}",
                a.id
            );
            if let Some(p) = &a.param {
                assert!(
                    !p.name.is_empty() && !p.r#type.is_empty(),
                    "{name}: {}",
                    a.id
                );
            }
            assert!(!a.category.is_empty(), "{name}: {}", a.id);
            assert!(!a.description.is_empty(), "{name}: {}", a.id);
            assert!(!a.description.contains('\n'), "{name}: {}", a.id);
            // numbered 1, 2, 3 … per prefix, in document order (handles grow with ids)
            let (n, h) = last.get(&a.id.prefix).copied().unwrap_or((0, 0));
            assert_eq!(a.id.number, n + 1, "{name}: {} out of sequence", a.id);
            assert!(
                n == 0 || a.handle > h,
                "{name}: {} not in document order",
                a.id
            );
            last.insert(a.id.prefix, (a.id.number, a.handle));
            // the markdown has the action on its own line (a shared external host may be
            // said once on the group line instead)
            let md = format!("\n{}", space.markdown);
            let line = format!("\n{} {}\n", a.id, a.description);
            let short = a
                .description
                .rsplit_once(" → ")
                .map(|(d, _)| format!("\n{} {}\n", a.id, d))
                .unwrap_or_else(|| line.clone());
            assert!(
                md.contains(&line) || md.contains(&short),
                "{name}: {} missing from markdown",
                a.id
            );
        }
        assert!(space.markdown.contains("S1 goto(url)"), "{name}");
        // JSON round trip of the category uses the allowed spellings
        let cat = serde_json::to_value(space.category).unwrap();
        let allowed = [
            "homepage",
            "search-results",
            "data-feed",
            "item",
            "auth",
            "form",
            "manage-cookies",
            "payment",
            "captcha",
            "other",
        ];
        assert!(allowed.contains(&cat.as_str().unwrap()), "{name}: {cat}");
    }
}

#[test]
fn perceiving_twice_gives_the_same_and_a_second_observation_the_same_ids() {
    for name in all_names() {
        let snap = load(&name);
        let a = serde_json::to_string(&perceive(&snap, 100)).unwrap();
        let b = serde_json::to_string(&perceive(&snap, 100)).unwrap();
        assert_eq!(a, b, "{name}");
    }
    let again_dir = dir().join("snapshots/again");
    let mut n = 0;
    for e in std::fs::read_dir(&again_dir)
        .unwrap()
        .filter_map(|e| e.ok())
    {
        let name = e.path().file_stem().unwrap().to_string_lossy().to_string();
        let second = PageSnapshot::from_json(&std::fs::read_to_string(e.path()).unwrap()).unwrap();
        let first = perceive(&load(&name), 100);
        let second = perceive(&second, 100);
        assert_eq!(lines(&first), lines(&second), "{name}");
        n += 1;
    }
    assert!(n >= 5);
}

#[test]
fn forms_page_lists_every_kind_of_control() {
    let s = perceive(&load("forms"), 100);
    let expected = [
        "L1 Home",
        "L2 Shop",
        "L3 Help → help.example.net",
        "I1 \"Search products\" (placeholder, search)",
        "B1 Search",
        "I2 Email (email, required)",
        "I3 Password (password, required) = (filled)",
        "B2 [x] Remember me",
        "B3 Sign in",
        "B4 (x) Standard",
        "B5 ( ) Express",
        "I4 Country = Germany: Choose… | Germany | France",
        "I5 Notes for the courier (multi-line) = \"Ring twice\"",
        "I6 Boxes (number 1-10) = \"2\"",
        "I7 Delivery date (date)",
        "I8 Volume (slider 0-100) = \"40\"",
        "I9 \"Voucher code\" (placeholder)",
        "I10 Reference (read-only) = \"A-17\"",
        "I11 CV (file upload)",
        "B6 Newsletter (switch on)",
        "I12 Gift wrap = None: None | Paper | Box",
        "I13 Card message (multi-line)",
        "B7 Save preferences",
        "B8 Orders (tab, selected)",
        "B9 Returns (tab)",
        "B10 More options (collapsed)",
        "L4 About us",
        "L5 Contact (email)",
    ];
    assert_eq!(lines(&s), expected);
    // groups from the page's structure
    assert_eq!(find(&s, "L1").category, "Main navigation");
    assert_eq!(find(&s, "I1").category, "Search");
    assert_eq!(find(&s, "I2").category, "Sign in");
    assert_eq!(find(&s, "B4").category, "Delivery preferences / Speed");
    assert_eq!(find(&s, "L4").category, "Footer / Company");
    // parameters
    let p = |id: &str| find(&s, id).param.clone().unwrap();
    assert_eq!(p("I2").r#type, "email");
    assert_eq!(p("I2").name, "email");
    assert_eq!(p("I3").r#type, "password");
    assert_eq!(p("I3").default, None);
    assert!(find(&s, "I3").sensitive);
    assert_eq!(p("I4").values, vec!["Choose…", "Germany", "France"]);
    assert_eq!(p("I4").default.as_deref(), Some("Germany"));
    assert_eq!(p("I6").r#type, "number");
    assert_eq!(p("I7").r#type, "date");
    assert_eq!(p("I12").values, vec!["None", "Paper", "Box"]);
    assert_eq!(p("I11").r#type, "file");
    assert_eq!(p("I11").default, None);
    use browserd::perception::ActionKind::*;
    let kinds: Vec<_> = ["L1", "B2", "I11", "I2", "I4", "I8"]
        .iter()
        .map(|id| find(&s, id).kind)
        .collect();
    assert_eq!(kinds, vec![Link, Toggle, Upload, Type, Choose, SetValue]);
    // the password's value never leaves the page
    let json = serde_json::to_string(&s).unwrap();
    assert!(!json.contains("secret-value"));
    assert!(!serde_json::to_string(&load("forms"))
        .unwrap()
        .contains("secret-value"));
    assert_eq!(s.category, Some(PageCategory::Form));
}

#[test]
fn hidden_and_disabled_controls_are_not_listed() {
    let s = perceive(&load("hidden"), 100);
    assert_eq!(
        lines(&s),
        vec![
            "B1 Visible button",
            "B2 [ ] Accept terms",
            "B3 Dark mode (switch off)",
            "B4 ( ) Size S",
            "B5 ( ) Size M",
            "L1 Card headline",
            "L2 Scroll container link",
            "L3 Far below link"
        ]
    );
    for word in [
        "Display none",
        "Visibility hidden",
        "Hidden attribute",
        "Aria hidden",
        "Inert",
        "Disabled",
        "disabled",
        "Transparent",
        "Zero size",
        "Offscreen",
        "Clipped",
        "Skip to content",
        "Template",
        "Inside display none",
        "Search label",
    ] {
        assert!(!s.markdown.contains(word), "{word} listed:\n{}", s.markdown);
    }
    // the styled checkbox is clicked through its visible label
    let snap = load("hidden");
    let terms = snap
        .elements
        .iter()
        .find(|e| e.field.as_deref() == Some("terms"))
        .unwrap();
    assert!(terms.via_label && terms.w > 2.0);
    // the transparent switch over the box drawn for it is clicked where the box is
    let switch = snap
        .elements
        .iter()
        .find(|e| e.name.as_deref() == Some("Dark mode"))
        .unwrap();
    assert!(!switch.via_label && switch.w == 40.0 && switch.h == 20.0);
}

#[test]
fn open_modal_dialog_hides_the_page_behind() {
    let s = perceive(&load("dialog"), 100);
    assert_eq!(
        lines(&s),
        vec![
            "B1 [ ] Advertising cookies",
            "B2 Accept all",
            "B3 Reject all",
            "L1 Privacy policy"
        ]
    );
    assert!(s
        .actions
        .iter()
        .all(|a| a.category.starts_with("Cookie consent")));
    assert_eq!(s.category, Some(PageCategory::ManageCookies));
    assert!(s.description.contains("dialog is open"));
}

#[test]
fn same_origin_frames_are_entered_and_offset() {
    let snap = load("frames");
    let s = perceive(&snap, 100);
    assert_eq!(
        lines(&s),
        vec![
            "L1 Before frame",
            "I1 Your email (email)",
            "B1 Subscribe",
            "L2 Terms",
            "B2 Srcdoc button",
            "L3 After frame"
        ]
    );
    assert_eq!(find(&s, "I1").category, "Frame: Newsletter");
    // coordinates are in the top viewport: inside the iframe's box (border 2 + padding 5)
    let frame = &snap.frames[1];
    let email = snap
        .elements
        .iter()
        .find(|e| e.handle == find(&s, "I1").handle)
        .unwrap();
    assert!(
        email.x >= frame.x && email.y >= frame.y,
        "{email:?} {frame:?}"
    );
    assert!(frame.x >= 7.0);
}

#[test]
fn open_shadow_roots_are_entered_closed_ones_are_not() {
    let s = perceive(&load("shadow"), 100);
    assert_eq!(
        lines(&s),
        vec![
            "I1 Nickname",
            "B1 Save nickname",
            "L1 Slotted link",
            "B2 Nested shadow button",
            "L2 Div shadow link",
            "L3 After widgets"
        ]
    );
    assert_eq!(find(&s, "I1").param.as_ref().unwrap().name, "nick");
    assert!(!s.markdown.contains("Closed shadow"));
    assert!(!s.markdown.contains("Hidden in shadow"));
}

#[test]
fn late_rendered_content_is_seen() {
    let s = perceive(&load("late"), 100);
    assert_eq!(
        lines(&s),
        vec![
            "L1 Inbox",
            "L2 Sent",
            "B1 Compose",
            "I1 Filter messages (search)",
            "L3 Lunch plans See you at noon",
            "L4 Invoice 42 Attached"
        ]
    );
    assert_eq!(find(&s, "L1").category, "App navigation");
    // headings inside the links name the links, not the group of the next link
    assert_eq!(find(&s, "L3").category, "Today");
    assert_eq!(find(&s, "L4").category, "Today");
}

#[test]
fn huge_page_is_cut_at_max_and_says_so() {
    let snap = load("zz-synthetic-large");
    assert!(snap.elements.len() >= 2200);
    let full = perceive(&snap, 100_000);
    assert!(full.actions.len() >= 2200);
    let s = perceive(&snap, 100);
    assert_eq!(s.actions.len(), 100);
    assert_eq!(s.omitted, full.actions.len() - 100);
    assert!(s
        .markdown
        .contains(&format!("{} more actions not listed", s.omitted)));
    // what is in view and the form fields come first; ids are those of the full list
    for a in &s.actions {
        let f = full.actions.iter().find(|b| b.handle == a.handle).unwrap();
        assert_eq!(a.id, f.id);
    }
    assert!(s
        .actions
        .iter()
        .any(|a| a.description.starts_with("Search site")));
}

/// Parse Playwright's AI snapshot: (role, name, hidden-or-disabled) of interactive nodes.
fn parse_aria(text: &str) -> Vec<(String, String, bool)> {
    const ROLES: &[&str] = &[
        "link",
        "button",
        "checkbox",
        "radio",
        "switch",
        "tab",
        "menuitem",
        "textbox",
        "searchbox",
        "combobox",
        "slider",
        "spinbutton",
    ];
    let mut out = Vec::new();
    let mut stack: Vec<(usize, bool)> = Vec::new();
    for line in text.lines() {
        let indent = line.len() - line.trim_start().len();
        let Some(rest) = line.trim_start().strip_prefix("- ") else {
            continue;
        };
        let role: String = rest
            .chars()
            .take_while(|c| c.is_ascii_lowercase())
            .collect();
        if role.is_empty() {
            continue;
        }
        while stack.last().is_some_and(|(i, _)| *i >= indent) {
            stack.pop();
        }
        let after = &rest[role.len()..];
        let flagged = after.contains("[disabled]") || after.contains("[aria-hidden]");
        let off = flagged || stack.iter().any(|(_, f)| *f);
        stack.push((indent, off));
        if !ROLES.contains(&role.as_str()) {
            continue;
        }
        let name = after
            .strip_prefix(" \"")
            .and_then(|r| {
                let mut esc = false;
                let mut s = String::new();
                for c in r.chars() {
                    match (esc, c) {
                        (true, c) => {
                            s.push(c);
                            esc = false
                        }
                        (false, '\\') => esc = true,
                        (false, '"') => return Some(s),
                        (false, c) => s.push(c),
                    }
                }
                None
            })
            .unwrap_or_default();
        out.push((role, name, off));
    }
    out
}

fn key(s: &str) -> String {
    s.chars()
        .filter(|c| c.is_alphanumeric())
        .flat_map(|c| c.to_lowercase())
        .collect()
}

/// Named interactive elements of Playwright's snapshot that we list with the same role
/// family and name. (Unnamed ones are matched by target in node/compare.mjs.)
#[test]
fn covers_playwrights_named_interactive_elements_on_real_pages() {
    let mut ratios = Vec::new();
    for e in std::fs::read_dir(dir().join("aria"))
        .unwrap()
        .filter_map(|e| e.ok())
    {
        let file = e.path();
        let name = file
            .file_name()
            .unwrap()
            .to_string_lossy()
            .trim_end_matches(".aria.txt")
            .to_string();
        let aria = std::fs::read_to_string(&file).unwrap();
        let snap = load(&name);
        let space = perceive(&snap, 100_000);
        let by_handle: HashMap<u32, &browserd::perception::ElementSnapshot> =
            snap.elements.iter().map(|e| (e.handle, e)).collect();
        let mut ours: HashSet<(char, String)> = HashSet::new();
        for a in &space.actions {
            if let Some(el) = by_handle.get(&a.handle) {
                ours.insert((a.id.prefix.letter(), key(el.name.as_deref().unwrap_or(""))));
            }
        }
        let mut total = 0;
        let mut hit = 0;
        for (role, n, off) in parse_aria(&aria) {
            let k = key(&n);
            if off || k.is_empty() {
                continue;
            }
            let fam = match role.as_str() {
                "link" => 'L',
                "textbox" | "searchbox" | "combobox" | "slider" | "spinbutton" => 'I',
                _ => 'B',
            };
            total += 1;
            let ok = ours.contains(&(fam, k.clone()))
                || (k.len() >= 8
                    && ours.iter().any(|(f, o)| {
                        *f == fam
                            && o.len() >= 8
                            && (o.starts_with(&k) || k.starts_with(o.as_str()))
                    }));
            if ok {
                hit += 1;
            }
        }
        if total >= 20 {
            let r = hit as f64 / total as f64;
            ratios.push((r, name.clone()));
            let pw_tokens_proxy = aria.len() as f64;
            let ours_proxy = space.markdown.len() as f64;
            assert!(
                ours_proxy < 0.5 * pw_tokens_proxy,
                "{name}: markdown {ours_proxy} bytes vs Playwright {pw_tokens_proxy}"
            );
        }
    }
    ratios.sort_by(|a, b| a.0.total_cmp(&b.0));
    assert!(ratios.len() >= 20, "{ratios:?}");
    let median = ratios[ratios.len() / 2].0;
    assert!(median >= 0.98, "median named coverage {median}: {ratios:?}");
    assert!(ratios[0].0 >= 0.75, "worst page: {:?}", ratios[0]);
}

#[test]
fn more_controls_get_their_roles_names_and_states() {
    let s = perceive(&load("controls"), 100);
    assert_eq!(
        lines(&s),
        vec![
            "I1 Tags (multiple) = Red, Blue: Red | Green | Blue",
            "I2 City (autocomplete) suggests Berlin | Paris",
            "B1 Dark mode (switch on)",
            "I3 Colour (colour) = \"#ff0000\"",
            "B2 ( ) Small",
            "B3 (x) Large",
            "B4 Filters (collapsed)",
            "B5 [ ] I agree (required)",
            "B6 Go",
            "I4 Promo code",
            "I5 Age in years (number)",
            "I6 Phone (phone, e.g. \"+49 …\")",
            "I7 Website (URL)",
            "I8 Airport",
            "I9 Seat = \"Window\"",
            "B7 Show details",
            "B8 Close",
            "L1 Your profile",
            "L2 Company logo",
            "L3 North",
            "L4 Same site as canonical",
        ]
    );
    use browserd::perception::ActionKind::*;
    assert_eq!(find(&s, "I1").kind, Choose);
    assert_eq!(find(&s, "I2").kind, Type);
    assert_eq!(find(&s, "I3").kind, SetValue);
    assert_eq!(find(&s, "I3").param.as_ref().unwrap().r#type, "color");
    assert_eq!(find(&s, "I4").param.as_ref().unwrap().name, "promo");
    assert_eq!(find(&s, "I6").param.as_ref().unwrap().r#type, "tel");
    assert_eq!(find(&s, "I7").param.as_ref().unwrap().r#type, "url");
    assert_eq!(find(&s, "B3").kind, Toggle);
    assert_eq!(find(&s, "I1").category, "Trip");
    assert_eq!(find(&s, "I8").kind, Type);
    assert_eq!(find(&s, "I9").kind, Choose);
}

#[test]
fn payment_fields_are_secret_and_the_page_is_a_payment_page() {
    let snap = load("payment");
    let s = perceive(&snap, 100);
    assert_eq!(
        lines(&s),
        vec![
            "I1 Card number = (filled)",
            "I2 Expiry (e.g. \"MM/YY\")",
            "I3 Security code = (filled)",
            "I4 Name on card = \"Ada Lovelace\"",
            "B1 Pay 20 €",
        ]
    );
    assert!(find(&s, "I1").sensitive && find(&s, "I3").sensitive);
    assert!(!find(&s, "I4").sensitive);
    assert_eq!(find(&s, "I1").param.as_ref().unwrap().default, None);
    let all = serde_json::to_string(&snap).unwrap() + &serde_json::to_string(&s).unwrap();
    assert!(!all.contains("4111") && !all.contains("\"123\""));
    assert_eq!(s.category, Some(PageCategory::Payment));
}
