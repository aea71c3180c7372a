//! Perception: turns a page snapshot (what the page script `collect` returns) into the numbered
//! action space an agent reads — ids by prefix (`L` links, `B` buttons and toggles, `I`
//! inputs), numbered in document order on a page's first observation and kept by each
//! element from one observation of its document to the next (`ids.rs`), a description per action, groups from the page's landmarks and
//! headings, the page category and description, and the markdown.
//!
//! Owns: the pure functions from `PageSnapshot` to `ActionSpace`. Does not own: talking to
//! the browser (the driver evaluates `collect.js`, `locate.js`, `choose.js`), the HTTP wire
//! format, or performing steps. Never panics on odd input; no I/O.
//!
//! The JavaScript that reads the page lives in the page-side room (`injected`:
//! `collect.js`, `locate.js`, `choose.js`, `frame_point.js`). A frame of another origin is
//! collected in its own world and spliced in with [`PageSnapshot::embed`].
pub mod describe;
pub mod diff;
pub mod group;
pub mod ids;
pub mod page;
pub mod snapshot;
pub mod text;
pub mod types;

pub use snapshot::{ElementSnapshot, FrameHop, PageSnapshot};
pub use types::{
    special_actions, Action, ActionId, ActionKind, ActionSpace, BadActionId, Bounds, Param, Prefix,
    SpecialAction, SPECIAL_LINE,
};

use describe::LinkContext;
pub use diff::{diff, SpaceDiff};
pub use ids::IdMemory;
use std::collections::HashMap;
use text::{host, key};

/// An element that will become an action, before selection.
struct Candidate<'a> {
    el: &'a ElementSnapshot,
    id: ActionId,
    kind: ActionKind,
}

/// Elements a person can use, in document order, deduplicated, with ids.
fn candidates<'a>(snap: &'a PageSnapshot, memory: &mut IdMemory) -> Vec<Candidate<'a>> {
    let mut kept: Vec<Option<(&ElementSnapshot, Prefix, ActionKind)>> = Vec::new();
    let mut seen_handles: Vec<(usize, u32)> = Vec::new();
    // links to the same target with the same (or no) name do the same thing: keep one
    let mut by_href: HashMap<String, Vec<(String, usize)>> = HashMap::new();
    for el in &snap.elements {
        if el.disabled {
            continue;
        }
        let Some((prefix, kind)) = describe::kind_of(el) else {
            continue;
        };
        // a grid's cell or row with nothing in it (a calendar's day of another month) is
        // no choice a person makes
        let grid_part = matches!(
            el.role.as_str(),
            "row" | "gridcell" | "cell" | "columnheader" | "rowheader"
        );
        if grid_part && describe::name(el).is_empty() {
            continue;
        }
        if seen_handles.contains(&(el.frame.unwrap_or(0), el.handle)) && seen_handles.len() < 64 {
            continue;
        }
        if prefix == Prefix::L {
            let href = el.href.as_deref().unwrap_or("").trim();
            let dedupable = !href.is_empty()
                && href != "javascript:"
                && !href.starts_with('#')
                && el.frame.unwrap_or(0) == 0;
            if dedupable {
                let h = href.trim_end_matches('/').to_string();
                let nk = key(&describe::name(el));
                let entry = by_href.entry(h).or_default();
                if let Some(pos) = entry.iter().position(|(k, _)| k == &nk || nk.is_empty()) {
                    let _ = pos;
                    continue;
                }
                if let Some(pos) = entry.iter().position(|(k, _)| k.is_empty()) {
                    // an earlier unnamed link to the same target (an image): the named one
                    // replaces it, at its own place in document order
                    let idx = entry[pos].1;
                    if let Some(slot) = kept.get_mut(idx) {
                        *slot = None;
                    }
                    entry[pos] = (nk, kept.len());
                } else {
                    entry.push((nk, kept.len()));
                }
            }
        }
        if seen_handles.len() < 64 {
            seen_handles.push((el.frame.unwrap_or(0), el.handle));
        }
        kept.push(Some((el, prefix, kind)));
    }
    kept.into_iter()
        .flatten()
        .filter_map(|(el, prefix, kind)| {
            Some(Candidate {
                el,
                id: memory.id_of(snap, el, prefix)?,
                kind,
            })
        })
        .collect()
}

fn own_hosts(snap: &PageSnapshot) -> Vec<String> {
    let mut v = Vec::new();
    for u in [Some(snap.url.as_str()), snap.canonical.as_deref()]
        .into_iter()
        .flatten()
    {
        if let Some(h) = host(u) {
            if !v.contains(&h) {
                v.push(h);
            }
        }
    }
    for f in &snap.frames {
        if let Some(h) = host(&f.url) {
            if !v.contains(&h) {
                v.push(h);
            }
        }
    }
    v
}

/// 0: in view now, or part of a dialog / form / search; 1: main content; 2: the rest.
fn priority(el: &ElementSnapshot, category: &str, snap: &PageSnapshot) -> u8 {
    let vh = if snap.viewport.h > 0.0 {
        snap.viewport.h
    } else {
        800.0
    };
    let vw = if snap.viewport.w > 0.0 {
        snap.viewport.w
    } else {
        1280.0
    };
    let in_view = el.y < vh && el.y + el.h > 0.0 && el.x < vw && el.x + el.w > 0.0;
    let c = category.to_ascii_lowercase();
    if in_view
        || c.starts_with("dialog")
        || c.starts_with("search")
        || c.starts_with("sign ")
        || el.role != "link"
    {
        return 0;
    }
    if c.starts_with("navigation")
        || c.contains(" navigation")
        || c.starts_with("header")
        || c.starts_with("footer")
        || c.starts_with("sidebar")
    {
        return 2;
    }
    1
}

/// Perceive a page: the listed actions (at most `max_nb_actions` of them, chosen by what is
/// in view and in forms first, then main content), grouped markdown, page category and
/// description.
pub fn perceive(snapshot: &PageSnapshot, max_nb_actions: usize) -> ActionSpace {
    perceive_after(snapshot, max_nb_actions, None)
}

/// [`perceive`], after `previous` observed the page: an element of the same document keeps
/// its id, a new one gets a number not given before in this document.
pub fn perceive_after(
    snapshot: &PageSnapshot,
    max_nb_actions: usize,
    previous: Option<&ActionSpace>,
) -> ActionSpace {
    let mut memory = previous
        .map(|space| space.ids.clone())
        .unwrap_or_default()
        .for_page(snapshot);
    let cands = candidates(snapshot, &mut memory);
    let hosts = own_hosts(snapshot);
    let ctx = LinkContext { own_hosts: &hosts };
    let grouper = group::Grouper::new(snapshot);

    let mut all: Vec<Action> = cands
        .iter()
        .map(|c| {
            let param = (c.id.prefix == Prefix::I).then(|| describe::param(c.el));
            Action {
                id: c.id,
                description: describe::describe(c.el, c.id.prefix, &ctx),
                category: grouper.category(c.el),
                param,
                handle: c.el.handle,
                world: c
                    .el
                    .frame
                    .and_then(|f| snapshot.frames.get(f))
                    .map(|f| f.world.clone())
                    .unwrap_or_default(),
                kind: c.kind,
                sensitive: c.el.input_type.as_deref() == Some("password") || c.el.secret,
                bounds: Bounds {
                    x: c.el.x,
                    y: c.el.y,
                    width: c.el.w,
                    height: c.el.h,
                },
            }
        })
        .collect();

    // a heading group holding one action that only repeats the heading says nothing new
    let mut i = 0;
    while i < all.len() {
        let mut j = i + 1;
        while j < all.len() && all[j].category == all[i].category {
            j += 1;
        }
        if j - i == 1 {
            let coarse = grouper.coarse_category(cands[i].el);
            if coarse != all[i].category {
                let heading = all[i]
                    .category
                    .rsplit(" / ")
                    .next()
                    .unwrap_or("")
                    .to_string();
                let hk = key(&heading);
                let nk = key(&describe::name(cands[i].el));
                let prev_coarse = i > 0 && all[i - 1].category == coarse;
                if (!hk.is_empty() && (nk.contains(&hk) || hk.contains(&nk))) || prev_coarse {
                    all[i].category = coarse;
                }
            }
        }
        i = j;
    }

    // choose what to list
    let total = all.len();
    let mut order: Vec<usize> = (0..total).collect();
    order.sort_by_key(|&i| (priority(cands[i].el, &all[i].category, snapshot), i));
    let mut keep = vec![false; total];
    for &i in order.iter().take(max_nb_actions) {
        keep[i] = true;
    }
    let actions: Vec<Action> = all
        .into_iter()
        .zip(keep)
        .filter_map(|(a, k)| k.then_some(a))
        .collect();
    // candidates collect.js stopped gathering at its element cap are left out too
    let omitted = total - actions.len() + snapshot.counts.over_limit as usize;

    let category = page::category(snapshot, &actions);
    let description = page::description(snapshot, category, &actions, omitted);
    let markdown = render_markdown(&actions, omitted, max_nb_actions);
    memory.remember(&actions);
    ActionSpace {
        description,
        category: Some(category),
        markdown,
        actions,
        omitted,
        ids: memory,
        url: snapshot.url.clone(),
    }
}

/// The text the agent reads: `# Group` lines, then `ID description` lines, then the omitted
/// count and the special actions on one line.
///
/// When every link of a group goes to the same other site, the ` → host` is said once on the
/// group line instead of on each link.
pub fn render_markdown(actions: &[Action], omitted: usize, max_nb_actions: usize) -> String {
    let mut md = String::new();
    render_groups(&mut md, actions);
    if actions.is_empty() {
        md.push_str("No clickable or fillable elements on this page.\n");
    }
    if omitted > 0 {
        md.push_str(&format!(
            "({omitted} more actions not listed; max_nb_actions={max_nb_actions})\n"
        ));
    }
    md.push_str(SPECIAL_LINE);
    md.push('\n');
    md
}

/// `actions` as `# Group` lines and `ID description` lines under them.
pub(crate) fn render_groups(md: &mut String, actions: &[Action]) {
    let mut i = 0;
    while i < actions.len() {
        let mut j = i + 1;
        while j < actions.len() && actions[j].category == actions[i].category {
            j += 1;
        }
        let run = &actions[i..j];
        let ext = |a: &Action| {
            (a.id.prefix == Prefix::L)
                .then(|| a.description.rsplit_once(" → ").map(|(_, h)| h.to_string()))
                .flatten()
        };
        let links: Vec<&Action> = run.iter().filter(|a| a.id.prefix == Prefix::L).collect();
        let shared = match links.first().and_then(|a| ext(a)) {
            Some(h) if links.len() >= 2 && links.iter().all(|a| ext(a).as_deref() == Some(&h)) => {
                Some(h)
            }
            _ => None,
        };
        md.push_str("# ");
        md.push_str(&run[0].category);
        if let Some(h) = &shared {
            md.push_str(" (links → ");
            md.push_str(h);
            md.push(')');
        }
        md.push('\n');
        for a in run {
            md.push_str(&a.id.to_string());
            md.push(' ');
            let d = match &shared {
                Some(h) if a.id.prefix == Prefix::L => a
                    .description
                    .strip_suffix(&format!(" → {h}"))
                    .unwrap_or(&a.description),
                _ => &a.description,
            };
            md.push_str(d);
            md.push('\n');
        }
        i = j;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn link(handle: u32, name: &str, href: &str) -> ElementSnapshot {
        ElementSnapshot {
            handle,
            tag: "a".into(),
            role: "link".into(),
            name: Some(name.into()),
            href: Some(href.into()),
            w: 50.0,
            h: 10.0,
            ..Default::default()
        }
    }

    #[test]
    fn ids_by_prefix_in_order_and_dedup() {
        let mut snap = PageSnapshot {
            url: "https://example.org/".into(),
            ..Default::default()
        };
        snap.elements = vec![
            link(0, "", "/a"),
            link(1, "Alpha", "/a"),
            ElementSnapshot {
                handle: 2,
                tag: "button".into(),
                role: "button".into(),
                name: Some("Go".into()),
                ..Default::default()
            },
            link(3, "Alpha", "/a/"),
            link(4, "Beta", "/b"),
            ElementSnapshot {
                handle: 5,
                tag: "input".into(),
                role: "textbox".into(),
                name: Some("Name".into()),
                ..Default::default()
            },
            ElementSnapshot {
                handle: 6,
                tag: "button".into(),
                role: "button".into(),
                name: Some("Off".into()),
                disabled: true,
                ..Default::default()
            },
        ];
        let s = perceive(&snap, 100);
        let ids: Vec<String> = s
            .actions
            .iter()
            .map(|a| format!("{}:{}", a.id, a.handle))
            .collect();
        assert_eq!(ids, vec!["L1:1", "B1:2", "L2:4", "I1:5"]);
        assert_eq!(s.omitted, 0);
        assert!(s
            .actions
            .iter()
            .all(|a| (a.id.prefix == Prefix::I) == a.param.is_some()));
        assert!(s.markdown.contains("L1 Alpha\n"));
        assert!(s.markdown.ends_with(&format!("{SPECIAL_LINE}\n")));
    }

    #[test]
    fn omitted_is_counted_and_said() {
        let snap = PageSnapshot {
            elements: (0..10)
                .map(|i| link(i, &format!("Item {i}"), &format!("/i{i}")))
                .collect(),
            ..Default::default()
        };
        let s = perceive(&snap, 4);
        assert_eq!(s.actions.len(), 4);
        assert_eq!(s.omitted, 6);
        assert!(s.markdown.contains("6 more actions not listed"));
        // ids do not depend on the limit
        let full = perceive(&snap, 100);
        for a in &s.actions {
            let b = full.actions.iter().find(|b| b.handle == a.handle).unwrap();
            assert_eq!(a.id, b.id);
        }
    }

    #[test]
    fn elements_beyond_the_collect_cap_count_as_omitted() {
        let mut snap = PageSnapshot {
            elements: vec![link(0, "A", "/a")],
            ..Default::default()
        };
        snap.counts.over_limit = 7;
        let s = perceive(&snap, 100);
        assert_eq!(s.omitted, 7);
        assert!(s.markdown.contains("7 more actions not listed"));
    }

    #[test]
    fn empty_snapshot_is_fine() {
        let s = perceive(&PageSnapshot::default(), 100);
        assert!(s.actions.is_empty());
        assert!(s.markdown.contains("S1 goto"));
        assert!(!s.description.is_empty());
        let bad: Result<PageSnapshot, _> =
            PageSnapshot::from_json("{\"elements\": [{\"role\": 3}]}");
        assert!(bad.is_err());
        let odd = PageSnapshot::from_json(
            "{\"elements\": [{\"role\": \"link\", \"landmark\": 99, \"heading\": 7}], \"landmarks\": [{\"role\":\"nav\",\"parent\":0}]}",
        )
        .unwrap();
        let s = perceive(&odd, 0);
        assert_eq!(s.omitted, 1);
    }

    #[test]
    fn a_frame_read_in_its_own_world_takes_its_place_in_document_order() {
        let partner = snapshot::FrameSnapshot {
            url: "https://partner.example/widget".into(),
            name: Some("Partner".into()),
            x: 100.0,
            y: 2000.0,
            owner: Some(0),
            at: Some(1),
            landmark: Some(0),
            ..Default::default()
        };
        let mut top = PageSnapshot {
            url: "https://example.org/".into(),
            frames: vec![Default::default(), partner],
            landmarks: vec![snapshot::Landmark {
                role: "iframe".into(),
                name: Some("Partner".into()),
                frame: Some(1),
                ..Default::default()
            }],
            elements: vec![link(0, "Before", "/before"), link(1, "After", "/after")],
            ..Default::default()
        };
        top.counts.frames_unreachable = 1;
        assert_eq!(top.unread_frames(), vec![(1, 0)]);
        let child = PageSnapshot {
            doc: "partner-world".into(),
            frames: vec![Default::default()],
            // the same handles as the top's: each world numbers its own elements
            elements: vec![
                ElementSnapshot {
                    y: 5.0,
                    ..link(0, "Partner terms", "/terms")
                },
                ElementSnapshot {
                    handle: 1,
                    tag: "button".into(),
                    role: "button".into(),
                    name: Some("Accept".into()),
                    ..Default::default()
                },
            ],
            ..Default::default()
        };
        top.embed(1, "FRAME-1", child);
        assert!(top.unread_frames().is_empty());
        assert_eq!(top.counts.frames_unreachable, 0);

        let space = perceive(&top, 100);
        let listed: Vec<String> = space
            .actions
            .iter()
            .map(|a| {
                format!(
                    "{} {} {:?}",
                    a.id,
                    a.description,
                    a.world
                        .iter()
                        .map(|h| (h.frame_id.as_str(), h.owner))
                        .collect::<Vec<_>>()
                )
            })
            .collect();
        assert_eq!(
            listed,
            [
                "L1 Before []",
                "L2 Partner terms [(\"FRAME-1\", 0)]",
                "B1 Accept [(\"FRAME-1\", 0)]",
                "L3 After []",
            ]
        );
        let terms = &top.elements[1];
        assert_eq!((terms.x, terms.y, terms.frame), (100.0, 2005.0, Some(1)));
        assert_eq!(terms.landmark, Some(0), "under the frame's landmark");
        assert!(
            space.markdown.contains("Frame: Partner"),
            "{}",
            space.markdown
        );
    }
}
