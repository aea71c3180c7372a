//! The statistics of every node that the selection reads: what is output at all, what
//! its name says, how much (paragraph) text it holds, what is boilerplate; and look-alike
//! siblings (posts, items) judged as a group.

use super::signals::{
    bad_role, class_id_flags, is_semantic, measure, negativity, F_NEGATIVE, F_POSITIVE, F_STRONG,
    F_WEAK,
};
use super::visibility::{is_block, is_hidden, never_output};
use super::{Hints, Stats};
use crate::scrape::dom::{Data, Dom, NONE};

/// The statistics of every node, in passes: what is output at all, what its name says,
/// how much text and paragraph text it holds, what is boilerplate, and what is left.
pub(super) fn analyse(dom: &Dom, hints: Hints) -> Stats {
    let removed = removed(dom);
    let n = dom.len();
    let mut neg = vec![0u8; n];
    for i in 1..n {
        let id = i as u32;
        let tag = dom.tag(id);
        if !tag.is_empty() && !removed[i] {
            neg[i] = negativity(dom, id, tag);
        }
    }
    let Measures {
        text,
        link,
        para,
        loose,
        has_block,
        end,
    } = measures(dom, &removed);
    let boiler = boilerplate(dom, hints, &neg, &loose);
    let (good, plain) = kept_text(dom, &removed, &boiler, &para, &text, &link);
    Stats {
        para,
        neg,
        plain,
        removed,
        text,
        link,
        good,
        has_block,
        boiler,
        end,
    }
}

/// The nodes never output: tags without content, and what the page hides or keeps for
/// scripts off, unless what shows is only a shell beside it.
fn removed(dom: &Dom) -> Vec<bool> {
    let n = dom.len();
    let mut removed = vec![false; n];
    let mut hidden = vec![false; n];
    let mut in_noscript = vec![false; n];
    let (mut outside, mut inside, mut unseen) = (0u64, 0u64, 0u64);
    for i in 1..n {
        let id = i as u32;
        let p = dom.parent(id) as usize;
        let tag = dom.tag(id);
        in_noscript[i] = in_noscript[p] || tag == "noscript";
        removed[i] = removed[p] || (never_output(tag) && tag != "noscript");
        hidden[i] = hidden[p] || (!removed[i] && is_hidden(dom, id));
        if !removed[i] {
            if let Some(t) = dom.text(id) {
                let len = measure(t).0 as u64;
                if hidden[i] {
                    unseen += len;
                } else if in_noscript[i] {
                    inside += len;
                } else {
                    outside += len;
                }
            }
        }
    }
    // A page that shows its content only without scripts (a saved page of a script
    // app, a crawler view) has far more text in `<noscript>` than outside it; anywhere
    // else `<noscript>` holds tracking pixels and "enable JavaScript" notes.
    let show_noscript = inside > 2 * outside + 200;
    // Likewise a page saved before its scripts ran can hold all its text in hidden
    // parts that the scripts move into place (streamed server rendering): when the
    // hidden text dwarfs what shows, what shows is only the shell.
    let shown = outside + if show_noscript { inside } else { 0 };
    let show_hidden = unseen > 4 * shown + 500;
    for i in 1..n {
        removed[i] |= (hidden[i] && !show_hidden) || (in_noscript[i] && !show_noscript);
    }
    removed
}

/// Text sums over each subtree.
struct Measures {
    text: Vec<u32>,
    link: Vec<u32>,
    para: Vec<u32>,
    loose: Vec<u32>,
    has_block: Vec<bool>,
    end: Vec<u32>,
}

/// Each node's text, link text, own paragraph text and paragraph text below, and where
/// its subtree ends.
fn measures(dom: &Dom, removed: &[bool]) -> Measures {
    let n = dom.len();
    let in_link = in_links(dom);
    let mut text = vec![0u32; n];
    let mut link = vec![0u32; n];
    let mut para = vec![0u32; n];
    let mut loose = vec![0u32; n];
    let mut inline = vec![0u32; n];
    let mut inline_link = vec![0u32; n];
    let mut commas = vec![0u32; n];
    let mut has_block = vec![false; n];
    let mut end: Vec<u32> = (0..n as u32).map(|i| i + 1).collect();
    for i in (1..n).rev() {
        let p = dom.parent(i as u32) as usize;
        end[p] = end[p].max(end[i]);
        if removed[i] {
            continue;
        }
        match &dom.nodes[i].data {
            Data::Text(t) => {
                let (len, c) = measure(t);
                text[i] = len;
                inline[i] = len;
                commas[i] = c;
                if in_link[i] {
                    link[i] = len;
                    inline_link[i] = len;
                }
            }
            Data::Element { name, .. } => {
                if matches!(&**name, "td" | "th") {
                    // A table row, not a cell, is the unit of text of a data table.
                    has_block[p] = true;
                } else if is_block(name) {
                    has_block[p] = true;
                    // This block's own inline text forms one paragraph.
                    let len = inline[i];
                    let words_ok =
                        len >= 60 || (len >= 30 && commas[i] > 0) || (&**name == "tr" && len >= 20);
                    if words_ok
                        && inline_link[i] * 3 < len
                        && !matches!(
                            &**name,
                            "h1" | "h2" | "h3" | "h4" | "h5" | "h6" | "figcaption"
                        )
                    {
                        para[i] = len - inline_link[i];
                    }
                    inline[i] = 0;
                    inline_link[i] = 0;
                    commas[i] = 0;
                }
            }
            Data::Document => {}
        }
        loose[i] += para[i];
        text[p] += text[i];
        link[p] += link[i];
        loose[p] += loose[i];
        inline[p] += inline[i];
        inline_link[p] += inline_link[i];
        commas[p] += commas[i];
    }
    Measures {
        text,
        link,
        para,
        loose,
        has_block,
        end,
    }
}

/// Whether each node is inside a link.
fn in_links(dom: &Dom) -> Vec<bool> {
    let n = dom.len();
    let mut in_link = vec![false; n];
    for i in 1..n {
        let p = dom.parent(i as u32) as usize;
        in_link[i] = in_link[p] || dom.tag(i as u32) == "a";
    }
    in_link
}

/// Least paragraph text (chars) of a declared content container that keeps the
/// blocks around it from being boilerplate by name.
const MIN_DECLARED: u32 = 500;
/// Share of a block's paragraph text its declared content container must hold: a
/// "related" block of many `article` teasers holds no one of them mostly.
const DECLARED_SHARE: f64 = 0.5;
/// Share of a declared content container's paragraph text that makes a block its body.
const BODY_SHARE: f64 = 0.7;

/// Which nodes are boilerplate, by name or by being inside boilerplate.
fn boilerplate(dom: &Dom, hints: Hints, neg: &[u8], loose: &[u32]) -> Vec<bool> {
    let n = dom.len();
    // Boilerplate by name, unless the block holds most of the page's paragraph text
    // (wrappers are often named "widget", "header-style", "has-sidebar"…), alone or
    // with its look-alike siblings: the posts of a thread are often each named
    // "comment", and together they are the page.
    let total = loose[0].max(1) as f64;
    let group = sibling_groups(dom, neg, loose);
    let mut boiler = vec![false; n];
    // Inside posts kept as a group (named "comment", "reply"…), their parts' names
    // ("comment-body", "reply-meta") say what they are part of, not that they are
    // furniture.
    let mut in_posts = vec![false; n];
    // The paragraph text of the largest container below each node that declares
    // itself the content (`article`, `main`, `itemprop=articleBody`…) and holds at
    // least `MIN_DECLARED` of it (asked only of those: most elements hold less).
    let mut declared = vec![0u32; n];
    let mut semantic = vec![false; n];
    for i in (1..n).rev() {
        let tag = dom.tag(i as u32);
        if loose[i] >= MIN_DECLARED && !tag.is_empty() && is_semantic(dom, i as u32, tag) {
            semantic[i] = true;
            declared[i] = declared[i].max(loose[i]);
        }
        let p = dom.parent(i as u32) as usize;
        declared[p] = declared[p].max(declared[i]);
    }
    // The paragraph text of the nearest such container above each node.
    let mut within = vec![0u32; n];
    for i in 1..n {
        let p = dom.parent(i as u32) as usize;
        let tag = dom.tag(i as u32);
        within[i] = if semantic[i] { loose[i] } else { within[p] };
        let share = group[i] as f64 / total;
        // A block that holds the page's declared content, or is most of it, is not
        // furniture whatever its class says ("section-hero cc-newsletter" around the
        // `article` of a newsletter issue, "rich-text-newsletter" inside it): the tag
        // is the page's own word for what the content is, a class word only a guess.
        // Tags, roles and thread words ("comment") are the page's word too, and stay.
        let holds_declared = neg[i] > 0
            && !matches!(tag, "nav" | "aside" | "footer")
            && !bad_role(dom, i as u32)
            && class_id_flags(dom, i as u32) & F_STRONG == 0
            && ((declared[i] >= MIN_DECLARED
                && declared[i] as f64 >= DECLARED_SHARE * loose[i] as f64)
                || (within[p] >= MIN_DECLARED && loose[i] as f64 >= BODY_SHARE * within[p] as f64));
        let named =
            !holds_declared && ((neg[i] == 2 && share < 0.7) || (neg[i] == 1 && share < 0.4));
        // Within posts, only the thread words are discounted: a share bar or a
        // signature is furniture there too.
        let furniture = if in_posts[p] && neg[i] > 0 {
            let tag = dom.tag(i as u32);
            let f = class_id_flags(dom, i as u32);
            matches!(tag, "nav" | "aside" | "footer")
                || bad_role(dom, i as u32)
                || (f & F_POSITIVE == 0 && f & (F_NEGATIVE | F_WEAK) != 0)
        } else {
            named
        };
        boiler[i] = boiler[p] || furniture;
        in_posts[i] = in_posts[p]
            || (!hints.article
                && neg[i] == 2
                && !named
                && group[i] != loose[i]
                && class_id_flags(dom, i as u32) & F_STRONG != 0);
    }
    boiler
}

/// Paragraph text outside boilerplate (`good`) and text outside links and boilerplate
/// (`plain`), summed over each subtree.
fn kept_text(
    dom: &Dom,
    removed: &[bool],
    boiler: &[bool],
    para: &[u32],
    text: &[u32],
    link: &[u32],
) -> (Vec<u32>, Vec<u32>) {
    let n = dom.len();
    let mut good = vec![0u32; n];
    let mut plain = vec![0u32; n];
    for i in (1..n).rev() {
        if removed[i] {
            continue;
        }
        if !boiler[i] {
            good[i] += para[i];
            if dom.nodes[i].first_child == NONE {
                plain[i] = text[i] - link[i];
            }
        }
        let p = dom.parent(i as u32) as usize;
        good[p] += good[i];
        plain[p] += plain[i];
    }
    (good, plain)
}

/// A sibling's "look": its tag and first class word. Posts, comments and listing
/// items repeat it; one-off blocks do not.
pub(super) fn look(dom: &Dom, id: u32) -> u64 {
    // FNV-1a: called for most elements of a page, and needs no resistance to collisions.
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    let first_class = dom
        .attr(id, "class")
        .and_then(|c| c.split_ascii_whitespace().next())
        .unwrap_or("");
    for b in dom.tag(id).bytes().chain([0u8]).chain(first_class.bytes()) {
        h = (h ^ b as u64).wrapping_mul(0x0100_0000_01b3);
    }
    h
}

/// For each boilerplate-named element, `loose` summed over it and its siblings of the
/// same look; for the others, their own `loose`.
pub(super) fn sibling_groups(dom: &Dom, neg: &[u8], loose: &[u32]) -> Vec<u32> {
    let n = dom.len();
    let mut group = loose.to_vec();
    let mut kids: Vec<(u64, u32)> = Vec::new();
    for p in 0..n as u32 {
        if dom.nodes[p as usize].first_child == NONE {
            continue;
        }
        if !dom.children(p).any(|c| neg[c as usize] > 0) {
            continue;
        }
        kids.clear();
        for c in dom.children(p) {
            let tag = dom.tag(c);
            // Only names join a group: `nav`, `aside`, `footer` and landmark roles
            // are furniture however many there are.
            if !tag.is_empty() && !matches!(tag, "nav" | "aside" | "footer") && !bad_role(dom, c) {
                kids.push((look(dom, c), c));
            }
        }
        if kids.len() < 2 {
            continue;
        }
        kids.sort_unstable();
        let mut k = 0;
        while k < kids.len() {
            let mut e = k;
            let mut sum = 0u32;
            while e < kids.len() && kids[e].0 == kids[k].0 {
                sum = sum.saturating_add(loose[kids[e].1 as usize]);
                e += 1;
            }
            if e - k >= 2 {
                for &(_, c) in &kids[k..e] {
                    group[c as usize] = sum;
                }
            }
            k = e;
        }
    }
    group
}
