//! Page analysis and main-content selection.
//!
//! Owns: which nodes are never output (scripts, styles, form controls, hidden elements,
//! unless a saved page shows only a shell beside them), per-node text statistics (text
//! length, link text, "good" paragraph text), look-alike siblings (posts, items) judged
//! as a group, the choice of the main-content container (grown to a run of items, to a
//! product's title, to the page around a shop's grid of products, or replaced by a
//! discussion's marked posts), and the pruning of boilerplate (navigation,
//! share/related/comment blocks, link lists, captions, bylines) inside it; the parts of
//! the content beside the main block that join it; and the doubt of a choice that shows
//! little of the page and little prose, which then gives way to the page minus its
//! furniture. Does not own: HTML parsing (`dom.rs`), reading what the page declares about
//! itself (`structured.rs`, which gives the `Hints`), markdown output (`markdown.rs`),
//! images (`images.rs`). All rules are generic (tags, ARIA roles, class/id words,
//! schema.org types and microdata, text and link density, repeated structure); none is
//! keyed to a site.

mod analyse;
mod signals;
mod visibility;

pub(crate) use visibility::{is_block, is_hidden};

use self::analyse::{analyse, look};
use self::signals::*;
use super::dom::{Data, Dom, NONE};

/// Result of the analysis: what to render, from where.
pub(super) struct Selection {
    /// Node to render (body, document, or the main-content container).
    pub root: u32,
    /// End (exclusive) of `root`'s subtree in the arena.
    pub end: usize,
    /// Nodes (with their subtrees) left out of the output.
    pub skip: Vec<bool>,
}

/// Per-node statistics over the visible text.
struct Stats {
    /// Own paragraph text of a block (its inline text, if long and not link-heavy).
    para: Vec<u32>,
    /// Boilerplate by name/tag/role: 0 no, 1 weakly, 2 yes (see `negativity`).
    neg: Vec<u8>,
    /// Visible text outside links and boilerplate blocks.
    plain: Vec<u32>,
    removed: Vec<bool>,
    text: Vec<u32>,
    link: Vec<u32>,
    good: Vec<u32>,
    has_block: Vec<bool>,
    boiler: Vec<bool>,
    end: Vec<u32>,
}

/// What the page says about itself that changes what its main content is.
#[derive(Debug, Clone, Copy, Default)]
pub(super) struct Hints {
    /// A product page: its name, price and facts belong with its description.
    pub product: bool,
    /// An article (not a discussion): comments under it are not its content.
    pub article: bool,
    /// A discussion (thread, question and answers): its posts are its content.
    pub discussion: bool,
}

/// Picks what to render. `main_only == false`: the whole visible body.
pub(super) fn select(dom: &Dom, main_only: bool, hints: Hints) -> Selection {
    let st = analyse(dom, hints);
    let body = dom.find_tag("body").unwrap_or(0);
    if !main_only {
        let end = st.end[body as usize] as usize;
        return Selection {
            root: body,
            end,
            skip: st.removed,
        };
    }
    if st.good[body as usize] < MIN_ARTICLE {
        // No paragraphs of prose (a catalogue, a form, a list of links): keep the page
        // minus its evident boilerplate rather than guess a "main" block.
        let end = st.end[body as usize] as usize;
        return Selection {
            root: body,
            end,
            skip: light_prune(&st, body),
        };
    }
    if !hints.article {
        if let Some(sel) = post_texts(dom, &st, body, hints.discussion) {
            return sel;
        }
    }
    let mut root = main_container(dom, &st, body);
    // A block the page declares its content (`article`, `main`, `itemprop=articleBody`)
    // is all of it: it does not grow to a product's title, to a run of items outside
    // it (reviews, recommendations, other products) or to its siblings.
    let chosen_declared = root != body && is_semantic(dom, root, dom.tag(root));
    // A short text block (a product description, a short notice) often sits in a
    // container with its title, price or facts: climb while the parent adds little
    // plain (non-link, non-boilerplate) text.
    while st.good[root as usize] < SHORT_ARTICLE && root != body {
        let p = dom.parent(root);
        if p == NONE || (st.plain[p as usize] as f64) > 1.5 * st.plain[root as usize] as f64 + 100.0
        {
            break;
        }
        root = p;
    }
    if hints.product && !chosen_declared {
        root = join_title(dom, &st, root, body);
    }
    let mut list = None;
    if let Some((items, text)) = item_list(dom, &st) {
        let r = root as usize;
        let over = if hints.article {
            ITEMS_OVER_ARTICLE
        } else {
            ITEMS_OVER_PROSE
        };
        let inside = (r..st.end[r] as usize).contains(&(items as usize));
        if text as f64 > over * st.good[r] as f64
            && text >= MIN_ITEMS_TEXT
            && (inside || !chosen_declared)
        {
            if !inside {
                root = common_ancestor(dom, &st, root, items, body);
            }
            list = Some(items);
        }
    }
    // A shop's category page is its grid with the filters, sort options and counts
    // around it (what the grid is of, and how to narrow it), not the grid alone.
    if let Some(items) = list {
        if !hints.product && !hints.article && shop_grid(dom, &st, items) {
            return Selection {
                root: body,
                end: st.end[body as usize] as usize,
                skip: light_prune(&st, body),
            };
        }
    }
    let mut base = st.removed.clone();
    if list.is_none() && !chosen_declared {
        root = join_siblings(dom, &st, root, body, &mut base);
    }
    // A product's short lines (price, availability, options, ratings) are what the
    // page is for; only evident boilerplate goes.
    let skip = if hints.product {
        light_prune_from(&st, root, base)
    } else {
        prune(dom, &st, root, list, base)
    };
    // A page that declares a discussion says its posts, names and dates with them, are
    // its content.
    if !hints.discussion {
        if let Some(page) = doubted(dom, &st, root, &skip, body) {
            return page;
        }
    }
    let end = st.end[root as usize] as usize;
    Selection { root, end, skip }
}

/// Below this share of the page's visible text (evident furniture aside) the choice
/// of a main block is doubted: a landing page, a list or a table page whose largest
/// run of prose is a blurb among its real content…
const DOUBT_SHARE: f64 = 0.5;
/// …unless this much of what the choice shows is paragraphs of prose: an article
/// among teasers and short links is the page's content even when it is a small part
/// of the page's text.
const SURE_PROSE: f64 = 0.8;

/// The page minus its evident furniture, when the chosen block is doubted (see
/// `DOUBT_SHARE`, `SURE_PROSE`): on the tuning half of web-2026 the block chosen in
/// such pages held a blurb or a part of the content, not the content.
fn doubted(dom: &Dom, st: &Stats, root: u32, skip: &[bool], body: u32) -> Option<Selection> {
    let shown = shown_text(dom, st, root, skip);
    if st.good[root as usize] as f64 >= SURE_PROSE * shown as f64 {
        return None;
    }
    let page_skip = light_prune(st, body);
    let page = shown_text(dom, st, body, &page_skip);
    if shown as f64 >= DOUBT_SHARE * page as f64 {
        return None;
    }
    Some(Selection {
        root: body,
        end: st.end[body as usize] as usize,
        skip: page_skip,
    })
}

/// Visible text (chars) under `root` that `skip` leaves in.
fn shown_text(dom: &Dom, st: &Stats, root: u32, skip: &[bool]) -> u64 {
    let r = root as usize;
    (r..st.end[r] as usize)
        .filter(|&i| !skip[i] && dom.text(i as u32).is_some())
        .map(|i| st.text[i] as u64)
        .sum()
}

/// Share of the main block's paragraph text a sibling needs to join it.
const JOIN_SHARE: f64 = 0.1;
/// Least paragraph text (chars) of a sibling that joins the main block.
const JOIN_MIN: u32 = 100;
/// Most link text of a sibling that joins, as a share of its text.
const JOIN_LINKS: f64 = 0.3;

/// The parts of the content beside the main block (an article's body split by a
/// widget, a second section after a figure): the siblings of `root` with prose of
/// their own (see `JOIN_SHARE`), and what lies between them unless it is boilerplate,
/// join it as in Readability. Their parent becomes the root; its other children are
/// left out in `skip`. Returns `root` itself when no sibling joins.
fn join_siblings(dom: &Dom, st: &Stats, root: u32, body: u32, skip: &mut [bool]) -> u32 {
    let p = dom.parent(root);
    if root == body || p == NONE {
        return root;
    }
    let least = (JOIN_SHARE * st.good[root as usize] as f64).max(JOIN_MIN as f64);
    let joins = |c: u32| {
        let ci = c as usize;
        c == root
            || (!st.removed[ci]
                && !st.boiler[ci]
                && st.good[ci] as f64 >= least
                && (st.link[ci] as f64) < JOIN_LINKS * st.text[ci] as f64)
    };
    let kids: Vec<u32> = dom.children(p).collect();
    let (Some(first), Some(last)) = (
        kids.iter().position(|&c| joins(c)),
        kids.iter().rposition(|&c| joins(c)),
    ) else {
        return root;
    };
    if first == last {
        return root;
    }
    for (k, &c) in kids.iter().enumerate() {
        let ci = c as usize;
        if !(first..=last).contains(&k) || st.boiler[ci] {
            for s in &mut skip[ci..st.end[ci] as usize] {
                *s = true;
            }
        }
    }
    p
}

/// Item text (chars) that outweighs the prose chosen, as a multiple of it: a shop's
/// category page or a list of posts has a paragraph of blurb beside its items.
const ITEMS_OVER_PROSE: f64 = 1.0;
/// The same on a page that declares itself an article, whose prose is its content
/// even beside a long list of related stories (1.0 and 1.5 cost the article benchmark).
const ITEMS_OVER_ARTICLE: f64 = 2.0;
/// Least text of a run of items to be taken for the page's content.
const MIN_ITEMS_TEXT: u32 = 1000;
/// Least number of look-alike siblings that make a run of items.
const MIN_ITEMS: usize = 4;

/// The largest run of look-alike items on the page (product tiles, posts, results):
/// the container whose children of one look hold the most text, links included,
/// outside boilerplate. Returns the container and that text.
fn item_list(dom: &Dom, st: &Stats) -> Option<(u32, u32)> {
    let mut best: Option<(u32, u32)> = None;
    let mut kids: Vec<(u64, u32)> = Vec::new();
    for p in 0..dom.len() {
        if st.removed[p] || st.boiler[p] || !st.has_block[p] {
            continue;
        }
        let item = |c: u32| {
            let ci = c as usize;
            !st.removed[ci] && !st.boiler[ci] && st.text[ci] >= 20 && dom.text(c).is_none()
        };
        // Counted before any hashing: few containers have enough items.
        if dom
            .children(p as u32)
            .filter(|&c| item(c))
            .take(MIN_ITEMS)
            .count()
            < MIN_ITEMS
        {
            continue;
        }
        kids.clear();
        for c in dom.children(p as u32).filter(|&c| item(c)) {
            kids.push((look(dom, c), st.text[c as usize]));
        }
        kids.sort_unstable();
        let mut k = 0;
        while k < kids.len() {
            let mut e = k;
            let mut sum = 0u32;
            while e < kids.len() && kids[e].0 == kids[k].0 {
                sum = sum.saturating_add(kids[e].1);
                e += 1;
            }
            if e - k >= MIN_ITEMS && best.is_none_or(|(_, t)| sum > t) {
                best = Some((p as u32, sum));
            }
            k = e;
        }
    }
    best
}

/// Share of a run's items that must show a price for it to be a shop's grid.
const PRICED_SHARE: f64 = 0.5;
/// Most paragraph prose of a shop's grid, as a share of its text: a thread whose posts
/// quote prices is prose.
const GRID_PROSE: f64 = 0.3;

/// Whether the run of items under `items` is a shop's grid of products: most of its
/// items show a price, and it holds little prose.
fn shop_grid(dom: &Dom, st: &Stats, items: u32) -> bool {
    let it = items as usize;
    if st.good[it] as f64 >= GRID_PROSE * st.text[it] as f64 {
        return false;
    }
    let (mut all, mut priced) = (0usize, 0usize);
    for c in dom.children(items) {
        let ci = c as usize;
        if st.removed[ci] || st.text[ci] < 20 || dom.text(c).is_some() {
            continue;
        }
        all += 1;
        if (ci..st.end[ci] as usize)
            .any(|i| !st.removed[i] && dom.text(i as u32).is_some_and(shows_price))
        {
            priced += 1;
        }
    }
    all >= MIN_ITEMS && priced as f64 >= PRICED_SHARE * all as f64
}

/// Whether a text holds a price: a currency sign next to a digit ("$19.99", "19,99 €").
fn shows_price(t: &str) -> bool {
    let digit = |d: char| d.is_ascii_digit();
    t.char_indices().any(|(k, c)| {
        matches!(c, '$' | '€' | '£' | '¥' | '₹')
            && (t[k + c.len_utf8()..]
                .trim_start_matches(' ')
                .starts_with(digit)
                || t[..k].trim_end_matches(' ').ends_with(digit))
    })
}

/// The lowest element holding both `a` and `b`, at most `body`.
fn common_ancestor(dom: &Dom, st: &Stats, a: u32, b: u32, body: u32) -> u32 {
    let mut x = a;
    while x != NONE && x != body {
        let xi = x as usize;
        if (xi..st.end[xi] as usize).contains(&(b as usize)) {
            return x;
        }
        x = dom.parent(x);
    }
    body
}

/// On a page that declares a discussion, the posts' texts as the page marks them
/// (microdata `itemprop="text"`, as forum software and Q&A sites emit it): the thread
/// without its per-post furniture (names, dates, counters, signatures, buttons).
/// None when fewer than two posts are marked or they hold little text.
fn post_texts(dom: &Dom, st: &Stats, body: u32, declared: bool) -> Option<Selection> {
    let end = st.end[body as usize] as usize;
    let mut posts = Vec::new();
    let mut i = body as usize;
    while i < end {
        let marked = !st.removed[i]
            && dom.attr(i as u32, "itemprop").is_some_and(|v| {
                v.split_ascii_whitespace().any(|w| {
                    w.eq_ignore_ascii_case("text") || w.eq_ignore_ascii_case("articleBody")
                })
            });
        if marked {
            posts.push(i as u32);
            i = st.end[i] as usize;
        } else {
            i += 1;
        }
    }
    let text: u32 = posts
        .iter()
        .map(|&p| st.text[p as usize] - st.link[p as usize])
        .sum();
    if posts.len() < 2 || text < MIN_ARTICLE {
        return None;
    }
    // Undeclared, the marks must be many and hold most of the page's prose.
    if !declared {
        let good: u32 = posts.iter().map(|&p| st.good[p as usize]).sum();
        if posts.len() < 3 || (good as f64) < 0.6 * st.good[body as usize] as f64 {
            return None;
        }
    }
    let mut root = posts[0];
    for &p in &posts[1..] {
        root = common_ancestor(dom, st, root, p, body);
    }
    // Everything under the root is left out but the posts and the path to them.
    let mut skip = st.removed.clone();
    let r = root as usize;
    let r_end = st.end[r] as usize;
    let mut keep = vec![false; r_end - r];
    for &p in &posts {
        let p = p as usize;
        for k in &mut keep[p - r..st.end[p] as usize - r] {
            *k = true;
        }
        let mut a = dom.parent(p as u32);
        while a != NONE && (a as usize) >= r && !keep[a as usize - r] {
            keep[a as usize - r] = true;
            a = dom.parent(a);
        }
    }
    for (k, s) in keep.iter().zip(&mut skip[r..r_end]) {
        *s |= !*k;
    }
    // A signature or a share bar inside a post's text is still furniture.
    let mut i = r;
    while i < r_end {
        if keep[i - r] && st.neg[i] == 2 && posts.binary_search(&(i as u32)).is_err() {
            let e = st.end[i] as usize;
            for s in &mut skip[i..e] {
                *s = true;
            }
            i = e;
            continue;
        }
        i += 1;
    }
    Some(Selection {
        root,
        end: r_end,
        skip,
    })
}

/// The page's title heading: its first visible `h1` outside boilerplate.
fn title_heading(dom: &Dom, st: &Stats, body: u32) -> Option<u32> {
    let end = st.end[body as usize] as usize;
    (body as usize..end)
        .find(|&i| dom.tag(i as u32) == "h1" && !st.removed[i] && !st.boiler[i] && st.text[i] > 0)
        .map(|i| i as u32)
}

/// Grows `root` to the container it shares with the page's title: a product's name,
/// price and facts sit beside its description, not in it.
fn join_title(dom: &Dom, st: &Stats, root: u32, body: u32) -> u32 {
    let Some(h1) = title_heading(dom, st, body) else {
        return root;
    };
    let h = h1 as usize;
    let mut a = root;
    while a != NONE && a != body {
        let ai = a as usize;
        if (ai..st.end[ai] as usize).contains(&h) {
            return a;
        }
        a = dom.parent(a);
    }
    root
}

/// Share of a container's paragraph text a child must hold to become the main block
/// instead of it. Below 0.7, the parts of a thread, a product or a documentation page
/// that sit beside its largest block were lost (tuning half of web-2026).
const DESCEND: f64 = 0.7;
/// Paragraph text (chars) below which a page is not treated as an article.
const MIN_ARTICLE: u32 = 200;
/// Below this much paragraph text the main container may grow to its parent.
const SHORT_ARTICLE: u32 = 600;

fn light_prune(st: &Stats, root: u32) -> Vec<bool> {
    light_prune_from(st, root, st.removed.clone())
}

/// Leaves out, besides what `skip` already does, the evident boilerplate under `root`.
fn light_prune_from(st: &Stats, root: u32, mut skip: Vec<bool>) -> Vec<bool> {
    let end = st.end[root as usize] as usize;
    let mut i = root as usize + 1;
    while i < end {
        if st.neg[i] == 2 && !skip[i] {
            let e = st.end[i] as usize;
            for s in &mut skip[i..e] {
                *s = true;
            }
            i = e;
            continue;
        }
        i += 1;
    }
    skip
}

fn is_table_part(tag: &str) -> bool {
    matches!(tag, "table" | "thead" | "tbody" | "tfoot" | "tr")
}

fn main_container(dom: &Dom, st: &Stats, body: u32) -> u32 {
    let mut cur = body;
    // Where the walk entered a table: a data table is kept whole with what surrounds
    // it; only a layout table (its cells hold blocks) is walked into.
    let mut before_table = NONE;
    loop {
        let total = st.good[cur as usize] as f64;
        if total == 0.0 {
            break;
        }
        let mut best = NONE;
        let mut best_good = 0.0;
        let mut best_sem = NONE;
        let mut best_sem_good = 0.0;
        let mut sem_count = 0;
        for c in dom.children(cur) {
            let ci = c as usize;
            if st.removed[ci] || !st.has_block[ci] {
                continue;
            }
            let g = st.good[ci] as f64;
            if g > best_good {
                best_good = g;
                best = c;
            }
            if g >= 0.2 * total && is_semantic(dom, c, dom.tag(c)) {
                sem_count += 1;
                if g > best_sem_good {
                    best_sem_good = g;
                    best_sem = c;
                }
            }
        }
        if best != NONE && best_good >= DESCEND * total {
            if before_table == NONE && is_table_part(dom.tag(best)) {
                before_table = cur;
            }
            cur = best;
        } else if best_sem != NONE
            && best_sem_good >= 0.3 * total
            && sem_count == 1
            && !is_semantic(dom, cur, dom.tag(cur))
        {
            if before_table == NONE && is_table_part(dom.tag(best_sem)) {
                before_table = cur;
            }
            cur = best_sem;
        } else {
            break;
        }
    }
    if before_table != NONE && is_table_part(dom.tag(cur)) {
        return before_table;
    }
    cur
}

fn prune(dom: &Dom, st: &Stats, root: u32, list: Option<u32>, base: Vec<bool>) -> Vec<bool> {
    // A run of items is mostly links and short lines by nature: it is kept whole
    // from the link-density and tail rules below.
    let items = list.map_or(0..0, |l| l as usize..st.end[l as usize] as usize);
    let mut skip = base;
    let r = root as usize;
    let end = st.end[r] as usize;
    let root_good = st.good[r].max(1) as f64;
    let mut seen_good = false;
    let mut last_good_end = end;
    let mut i = r + 1;
    while i < end {
        let id = i as u32;
        let tag = dom.tag(id);
        let in_items = items.contains(&i) && !st.boiler[i];
        let drop = !skip[i]
            && !tag.is_empty()
            && !in_items
            && should_drop(dom, st, id, tag, root_good, seen_good);
        if drop || skip[i] {
            // Skip the whole subtree.
            for s in skip.iter_mut().take(st.end[i] as usize).skip(i) {
                *s = true;
            }
            i = st.end[i] as usize;
            continue;
        }
        if st.good[i] > 0 && !st.has_block[i] {
            seen_good = true;
        }
        if st.para[i] > 0 && !st.boiler[i] {
            last_good_end = st.end[i] as usize;
        }
        i += 1;
    }
    if items.end > 0 && items.end <= end {
        last_good_end = last_good_end.max(items.end);
    }
    // After the last paragraph of prose, short lines are almost always furniture:
    // "Read more", "Filed under", "Follow us", ad labels, credits.
    let mut i = last_good_end.max(r + 1);
    while i < end {
        let id = i as u32;
        let loose = st.has_block[dom.parent(id) as usize];
        let tail_line = match &dom.nodes[i].data {
            Data::Element { name, .. } => {
                !st.has_block[i]
                    && (matches!(
                        &**name,
                        "p" | "div" | "section" | "h2" | "h3" | "h4" | "h5" | "h6" | "center"
                    ) || (loose
                        && !is_block(name)
                        && !matches!(&**name, "img" | "picture" | "br")))
            }
            Data::Text(_) => loose,
            Data::Document => false,
        };
        if !skip[i] && tail_line && st.text[i] < TAIL_LINE {
            let e = st.end[i] as usize;
            for s in &mut skip[i..e] {
                *s = true;
            }
            i = e;
            continue;
        }
        i += 1;
    }
    // A heading that ends the content introduces nothing (a teaser or the next story).
    let mut k = end;
    while k > last_good_end.max(r + 1) {
        k -= 1;
        if skip[k] || st.text[k] == 0 || dom.text(k as u32).is_none() {
            continue;
        }
        let mut a = dom.parent(k as u32);
        while a != NONE
            && a != root
            && !matches!(dom.tag(a), "h1" | "h2" | "h3" | "h4" | "h5" | "h6")
        {
            a = dom.parent(a);
        }
        if a == NONE || a == root {
            break;
        }
        let a = a as usize;
        for s in &mut skip[a..st.end[a] as usize] {
            *s = true;
        }
        k = a;
    }
    skip
}

/// Whether the whole text of `id` is an advertising label ("Advertisement", "Anzeige"…).
fn is_ad_label(dom: &Dom, st: &Stats, id: u32) -> bool {
    let mut t = String::new();
    for i in id as usize..st.end[id as usize] as usize {
        if st.removed[i] {
            continue;
        }
        if let Some(x) = dom.text(i as u32) {
            t.push_str(x);
        }
    }
    let t = t
        .trim_matches(|c: char| !c.is_alphanumeric())
        .to_lowercase();
    matches!(
        t.as_str(),
        "advertisement"
            | "advertisements"
            | "advert"
            | "adverts"
            | "ad"
            | "ads"
            | "sponsored"
            | "sponsored content"
            | "anzeige"
            | "werbung"
            | "publicité"
            | "publicidad"
            | "pubblicità"
            | "reklama"
            | "reklame"
            | "iklan"
            | "advertentie"
            | "annonse"
            | "mainos"
            | "publicidade"
            | "story continues below advertisement"
            | "continue reading below"
            | "article continues below"
    )
}

/// Longest line (chars) dropped after the last paragraph of prose.
const TAIL_LINE: u32 = 30;

fn should_drop(dom: &Dom, st: &Stats, id: u32, tag: &str, root_good: f64, seen_good: bool) -> bool {
    let i = id as usize;
    let good = st.good[i] as f64;
    let text = st.text[i];
    let link = st.link[i];
    match tag {
        "nav" | "aside" | "footer" | "form" | "button" | "figcaption" | "menu" => {
            return good < 0.3 * root_good
        }
        "h1" if !seen_good => return true,
        "header" if good < 0.3 * root_good => return true,
        _ => {}
    }
    if st.boiler[i] && st.neg[i] > 0 && good < 0.3 * root_good {
        return true;
    }
    if text > 0 && text <= 24 && is_ad_label(dom, st, id) {
        return true;
    }
    if text > 0
        && matches!(
            tag,
            "ul" | "ol"
                | "div"
                | "section"
                | "p"
                | "table"
                | "dl"
                | "h2"
                | "h3"
                | "h4"
                | "h5"
                | "h6"
        )
    {
        let density = link as f64 / text as f64;
        let limit = if matches!(tag, "ul" | "ol" | "dl") {
            0.4
        } else {
            0.5
        };
        if density > limit && good < 0.3 * root_good {
            return true;
        }
    }
    false
}

#[cfg(test)]
mod tests;
