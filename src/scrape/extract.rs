//! Page analysis and main-content selection.
//!
//! Owns: which nodes are never output (scripts, styles, form controls, hidden
//! elements, unless a saved page shows only a shell beside them), per-node text
//! statistics (text length, link text, "good" paragraph text), look-alike siblings
//! (posts, items) judged as a group, the choice of the main-content container (grown to
//! a run of items, to a product's title, or replaced by a discussion's marked posts), and
//! the pruning of boilerplate (navigation, share/related/comment blocks, link lists,
//! captions, bylines) inside it. Does not own: HTML parsing (`dom.rs`), reading what the
//! page declares about itself (`structured.rs`, which gives the `Hints`), markdown
//! output (`markdown.rs`), images (`images.rs`). All rules are generic (tags, ARIA
//! roles, class/id words, schema.org types and microdata, text and link density,
//! repeated structure); none is keyed to a site.

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

pub(super) fn is_block(tag: &str) -> bool {
    matches!(
        tag,
        "address"
            | "article"
            | "aside"
            | "blockquote"
            | "details"
            | "dialog"
            | "dd"
            | "div"
            | "dl"
            | "dt"
            | "fieldset"
            | "figcaption"
            | "figure"
            | "footer"
            | "form"
            | "h1"
            | "h2"
            | "h3"
            | "h4"
            | "h5"
            | "h6"
            | "header"
            | "hgroup"
            | "hr"
            | "li"
            | "main"
            | "nav"
            | "ol"
            | "p"
            | "pre"
            | "section"
            | "table"
            | "ul"
            | "tr"
            | "td"
            | "th"
            | "tbody"
            | "thead"
            | "tfoot"
            | "caption"
            | "center"
            | "summary"
            | "menu"
            | "body"
            | "html"
            | "listing"
    )
}

/// Tags whose content is never output.
fn never_output(tag: &str) -> bool {
    matches!(
        tag,
        "script"
            | "style"
            | "noscript"
            | "template"
            | "head"
            | "title"
            | "meta"
            | "link"
            | "iframe"
            | "object"
            | "embed"
            | "canvas"
            | "svg"
            | "math"
            | "select"
            | "option"
            | "optgroup"
            | "datalist"
            | "textarea"
            | "input"
            | "audio"
            | "video"
            | "source"
            | "track"
            | "map"
            | "dialog"
            | "noembed"
            | "noframes"
            | "frameset"
            | "xmp"
            | "plaintext"
    )
}

/// Whether an element is hidden by its own attributes.
/// `html`, `body`, `main` and wrappers directly in `body`: while a modal dialog is
/// open, sites set `aria-hidden` on the page wrapper although the page stays visible
/// behind it, so `aria-hidden` is not trusted there.
fn page_level(dom: &Dom, id: u32) -> bool {
    match dom.tag(id) {
        "html" | "body" | "main" => true,
        "div" | "section" | "article" => {
            let p = dom.parent(id);
            p != NONE && dom.tag(p) == "body"
        }
        _ => false,
    }
}

pub(super) fn is_hidden(dom: &Dom, id: u32) -> bool {
    // Few elements are hidden: whether one can be revealed is asked only of those.
    hidden_by_attrs(dom, id) && !revealable(dom, id)
}

fn hidden_by_attrs(dom: &Dom, id: u32) -> bool {
    let Data::Element { attrs, .. } = &dom.nodes[id as usize].data else {
        return false;
    };
    for (k, v) in attrs {
        match &**k {
            // `data-browserd-hidden`: set by the server on elements the browser computed as
            // not rendered (stylesheet rules cannot be seen in the HTML).
            "hidden" | "data-browserd-hidden" => return true,
            "aria-hidden" if v.trim().eq_ignore_ascii_case("true") && !page_level(dom, id) => {
                return true
            }
            "style" if style_hides(v) => return true,
            "type" if v.eq_ignore_ascii_case("hidden") => return true,
            "class"
                if v.split_ascii_whitespace().any(|c| {
                    matches!(
                        c,
                        "hidden"
                            | "sr-only"
                            | "visually-hidden"
                            | "visuallyhidden"
                            | "screen-reader-text"
                            | "screen-reader-only"
                            | "d-none"
                            | "hide"
                    )
                }) =>
            {
                return true
            }
            _ => {}
        }
    }
    false
}

/// A closed tab, accordion panel or collapsed section: hidden until a click, and
/// content all the same (a product's specifications, a FAQ's answers).
fn revealable(dom: &Dom, id: u32) -> bool {
    if matches!(dom.attr(id, "role"), Some("tabpanel"))
        || dom.attr(id, "hidden") == Some("until-found")
    {
        return true;
    }
    ["class", "id"].iter().any(|a| {
        dom.attr(id, a).is_some_and(|v| {
            for_each_word(v, |w| {
                let w = w.as_bytes();
                let starts = |p: &[u8]| w.len() >= p.len() && w[..p.len()].eq_ignore_ascii_case(p);
                starts(b"collaps")
                    || starts(b"accordion")
                    || starts(b"tabpanel")
                    || starts(b"tabcontent")
            })
        })
    })
}

fn style_hides(style: &str) -> bool {
    let plain = |s: &str| s.contains("display:none") || s.contains("visibility:hidden");
    if !style
        .bytes()
        .any(|b| b.is_ascii_uppercase() || b.is_ascii_whitespace())
    {
        return plain(style);
    }
    let s: String = style
        .chars()
        .filter(|c| !c.is_whitespace())
        .map(|c| c.to_ascii_lowercase())
        .collect();
    plain(&s)
}

/// Counts characters that are not whitespace, and commas.
fn measure(t: &str) -> (u32, u32) {
    let mut n = 0u32;
    let mut commas = 0u32;
    for &b in t.as_bytes() {
        if b & 0xC0 != 0x80 && !b.is_ascii_whitespace() {
            n += 1;
            if b == b',' {
                commas += 1;
            }
        }
    }
    (n, commas)
}

/// Splits class/id text into words: on non-alphanumerics and camelCase humps.
fn for_each_word(s: &str, mut f: impl FnMut(&str) -> bool) -> bool {
    let b = s.as_bytes();
    let mut start = 0;
    let mut k = 0;
    while k <= b.len() {
        let split_here = k == b.len()
            || !b[k].is_ascii_alphanumeric()
            || (k > start && b[k].is_ascii_uppercase() && b[k - 1].is_ascii_lowercase());
        if split_here {
            if k > start && f(&s[start..k]) {
                return true;
            }
            start = if k < b.len() && b[k].is_ascii_alphanumeric() {
                k
            } else {
                k + 1
            };
        }
        k += 1;
    }
    false
}

/// Flags of one lowercase class/id word (generated from the word lists, which the
/// tests keep as the reference).
fn word_flags(w: &[u8]) -> u8 {
    let mut f = match w {
        b"ad" | b"bio" | b"dateline" | b"header" | b"hidden" | b"likes" | b"login" | b"meta"
        | b"posted" | b"print" | b"pubdate" | b"published" | b"rail" | b"skip" | b"tag"
        | b"taglist" | b"tags" | b"time" | b"timestamp" | b"toc" | b"tools" | b"updated"
        | b"utility" => F_WEAK,
        b"ads" | b"adslot" | b"adunit" | b"gdpr" | b"legal" | b"masthead" | b"most" | b"nav"
        | b"navigation" | b"pager" | b"pagination" | b"promoted" | b"readmore" | b"sharing"
        | b"signup" => F_NEGATIVE,
        b"body" | b"hentry" | b"prose" => F_POSITIVE,
        b"disqus" | b"replies" | b"respond" => F_STRONG,
        _ => 0,
    };
    let Some(&first) = w.first() else {
        return f;
    };
    let prefixes: &[(&[u8], u8)] = match first {
        b'a' => &[
            (b"advert", F_NEGATIVE),
            (b"alert", F_WEAK),
            (b"article", F_POSITIVE),
            (b"author", F_WEAK),
        ],
        b'b' => &[
            (b"banner", F_WEAK),
            (b"breadcrumb", F_NEGATIVE),
            (b"byline", F_WEAK),
        ],
        b'c' => &[
            (b"caption", F_WEAK),
            (b"comment", F_STRONG),
            (b"consent", F_NEGATIVE),
            (b"content", F_POSITIVE),
            (b"cookie", F_NEGATIVE),
            (b"copyright", F_NEGATIVE),
            (b"credit", F_WEAK),
        ],
        b'd' => &[
            (b"date", F_WEAK),
            (b"disclaimer", F_NEGATIVE),
            (b"donate", F_WEAK),
        ],
        b'e' => &[(b"embed", F_POSITIVE)],
        b'f' => &[
            (b"feedback", F_WEAK),
            (b"follow", F_WEAK),
            (b"footer", F_NEGATIVE),
        ],
        b'g' => &[(b"gallery", F_WEAK)],
        b'm' => &[
            (b"main", F_POSITIVE),
            (b"menu", F_NEGATIVE),
            (b"modal", F_WEAK),
        ],
        b'n' => &[
            (b"navbar", F_NEGATIVE),
            (b"newsletter", F_NEGATIVE),
            (b"notification", F_WEAK),
        ],
        b'o' => &[(b"outbrain", F_NEGATIVE), (b"overlay", F_WEAK)],
        b'p' => &[
            (b"paragraph", F_POSITIVE),
            (b"partner", F_WEAK),
            (b"paywall", F_NEGATIVE),
            (b"popular", F_NEGATIVE),
            (b"popup", F_WEAK),
            (b"promo", F_NEGATIVE),
        ],
        b'r' => &[
            (b"rating", F_WEAK),
            (b"reaction", F_WEAK),
            (b"recirc", F_NEGATIVE),
            (b"recommend", F_NEGATIVE),
            (b"related", F_NEGATIVE),
        ],
        b's' => &[
            (b"share", F_NEGATIVE),
            (b"sidebar", F_NEGATIVE),
            (b"signature", F_NEGATIVE),
            (b"slideshow", F_WEAK),
            (b"social", F_NEGATIVE),
            (b"sponsor", F_NEGATIVE),
            (b"subscri", F_NEGATIVE),
            (b"survey", F_WEAK),
        ],
        b't' => &[
            (b"taboola", F_NEGATIVE),
            (b"tweet", F_POSITIVE),
            (b"teaser", F_WEAK),
            (b"toolbar", F_WEAK),
            (b"tooltip", F_WEAK),
            (b"trending", F_NEGATIVE),
        ],
        b'u' => &[(b"upsell", F_NEGATIVE)],
        b'w' => &[(b"widget", F_WEAK)],
        _ => &[],
    };
    for (pre, flag) in prefixes {
        if w.starts_with(pre) {
            f |= flag;
        }
    }
    f
}

const F_STRONG: u8 = 1;
const F_POSITIVE: u8 = 2;
const F_NEGATIVE: u8 = 4;
const F_WEAK: u8 = 8;

/// A layout utility class whose words say nothing of the block: Bootstrap's and
/// Tailwind's alignment classes (`justify-content-between`, `content-center`) hold the
/// word "content".
fn is_layout_utility(class: &str) -> bool {
    let c = class.as_bytes();
    let starts = |p: &str| c.len() > p.len() && c[..p.len()].eq_ignore_ascii_case(p.as_bytes());
    starts("justify-") || starts("align-") || starts("place-") || {
        matches!(
            class,
            "content-center"
                | "content-start"
                | "content-end"
                | "content-between"
                | "content-around"
                | "content-evenly"
                | "content-baseline"
                | "content-stretch"
                | "content-normal"
                | "content-none"
        )
    }
}

/// Which word lists the class and id words of an element fall in (one pass).
fn class_id_flags(dom: &Dom, id: u32) -> u8 {
    let mut flags = 0u8;
    for a in ["class", "id"] {
        let Some(v) = dom.attr(id, a) else {
            continue;
        };
        // Utility classes with a variant or an arbitrary value
        // (`hover:[text-decoration-skip-ink:none]`, `md:group-hover/hash:opacity-1`)
        // describe a style, not what the block is.
        for name in v
            .split_ascii_whitespace()
            .filter(|c| !c.contains([':', '[', '(']) && !is_layout_utility(c))
        {
            for_each_word(name, |w| {
                let mut buf = [0u8; 24];
                let n = w.len().min(buf.len());
                for (d, s) in buf.iter_mut().zip(w.as_bytes()) {
                    *d = s.to_ascii_lowercase();
                }
                flags |= word_flags(&buf[..n]);
                false
            });
        }
    }
    flags
}

/// 0: not boilerplate by name; 1: weakly (wrapper-ish words); 2: boilerplate tag,
/// role or name.
fn negativity(dom: &Dom, id: u32, tag: &str) -> u8 {
    if matches!(tag, "nav" | "aside" | "footer") || bad_role(dom, id) {
        return 2;
    }
    let f = class_id_flags(dom, id);
    if f & F_STRONG != 0 {
        2
    } else if f & F_POSITIVE != 0 {
        0
    } else if f & F_NEGATIVE != 0 {
        2
    } else if f & F_WEAK != 0 {
        1
    } else {
        0
    }
}

fn bad_role(dom: &Dom, id: u32) -> bool {
    dom.attr(id, "role").is_some_and(|role| {
        matches!(
            role,
            "navigation"
                | "complementary"
                | "banner"
                | "contentinfo"
                | "dialog"
                | "alertdialog"
                | "menu"
                | "menubar"
                | "search"
                | "toolbar"
                | "tablist"
        )
    })
}

/// A container that names itself the main content.
fn is_semantic(dom: &Dom, id: u32, tag: &str) -> bool {
    if matches!(tag, "main" | "article")
        || matches!(dom.attr(id, "role"), Some("main") | Some("article"))
    {
        return true;
    }
    if dom.attr(id, "itemprop").is_some_and(|v| {
        v.eq_ignore_ascii_case("articleBody") || v.eq_ignore_ascii_case("reviewBody")
    }) {
        return true;
    }
    ["class", "id"].iter().any(|a| {
        dom.attr(id, a).is_some_and(|v| {
            let mut prev_first = false;
            for_each_word(v, |w| {
                let second = ["body", "content", "text"]
                    .iter()
                    .any(|x| w.eq_ignore_ascii_case(x));
                if prev_first && second {
                    return true;
                }
                prev_first = ["article", "post", "entry", "story"]
                    .iter()
                    .any(|x| w.eq_ignore_ascii_case(x));
                false
            })
        })
    })
}

fn analyse(dom: &Dom, hints: Hints) -> Stats {
    let n = dom.len();
    let mut removed = vec![false; n];
    let mut hidden = vec![false; n];
    let mut in_noscript = vec![false; n];
    let mut in_link = vec![false; n];
    let (mut outside, mut inside, mut unseen) = (0u64, 0u64, 0u64);
    for i in 1..n {
        let id = i as u32;
        let p = dom.parent(id) as usize;
        let tag = dom.tag(id);
        in_noscript[i] = in_noscript[p] || tag == "noscript";
        removed[i] = removed[p] || (never_output(tag) && tag != "noscript");
        hidden[i] = hidden[p] || (!removed[i] && is_hidden(dom, id));
        in_link[i] = in_link[p] || tag == "a";
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
    let mut neg = vec![0u8; n];
    for i in 1..n {
        let id = i as u32;
        let tag = dom.tag(id);
        if !tag.is_empty() && !removed[i] {
            neg[i] = negativity(dom, id, tag);
        }
    }
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
    // Boilerplate by name, unless the block holds most of the page's paragraph text
    // (wrappers are often named "widget", "header-style", "has-sidebar"…), alone or
    // with its look-alike siblings: the posts of a thread are often each named
    // "comment", and together they are the page.
    let total = loose[0].max(1) as f64;
    let group = sibling_groups(dom, &neg, &loose);
    let mut boiler = vec![false; n];
    // Inside posts kept as a group (named "comment", "reply"…), their parts' names
    // ("comment-body", "reply-meta") say what they are part of, not that they are
    // furniture.
    let mut in_posts = vec![false; n];
    for i in 1..n {
        let p = dom.parent(i as u32) as usize;
        let share = group[i] as f64 / total;
        let named = (neg[i] == 2 && share < 0.7) || (neg[i] == 1 && share < 0.4);
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

/// A sibling's "look": its tag and first class word. Posts, comments and listing
/// items repeat it; one-off blocks do not.
fn look(dom: &Dom, id: u32) -> u64 {
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
fn sibling_groups(dom: &Dom, neg: &[u8], loose: &[u32]) -> Vec<u32> {
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
    if hints.product {
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
        if text as f64 > over * st.good[r] as f64 && text >= MIN_ITEMS_TEXT {
            if !(r..st.end[r] as usize).contains(&(items as usize)) {
                root = common_ancestor(dom, &st, root, items, body);
            }
            list = Some(items);
        }
    }
    // A product's short lines (price, availability, options, ratings) are what the
    // page is for; only evident boilerplate goes.
    let skip = if hints.product {
        light_prune(&st, root)
    } else {
        prune(dom, &st, root, list)
    };
    let end = st.end[root as usize] as usize;
    Selection { root, end, skip }
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
    let mut skip = st.removed.clone();
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

fn prune(dom: &Dom, st: &Stats, root: u32, list: Option<u32>) -> Vec<bool> {
    // A run of items is mostly links and short lines by nature: it is kept whole
    // from the link-density and tail rules below.
    let items = list.map_or(0..0, |l| l as usize..st.end[l as usize] as usize);
    let mut skip = st.removed.clone();
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
mod tests {
    use super::super::dom::parse;
    use super::*;

    // The word lists (reference for `word_flags`). A word matches a token equal to
    // it or, for entries ending in `*`, a token starting with it.
    const STRONG_NEGATIVE: &[&str] = &["comment*", "disqus", "replies", "respond"];
    /// Words that cancel a boilerplate word in the same class/id ("article-footer" is not
    /// the page footer). Deliberately not "post"/"story": "post-meta", "storyDate".
    const POSITIVE: &[&str] = &[
        "article*",
        "body",
        "content*",
        "main*",
        "hentry",
        "prose",
        "paragraph*",
        "embed*",
        "tweet*",
    ];
    /// Class/id words of boilerplate blocks. A word matches a token equal to it or,
    /// for entries ending in `*`, a token starting with it.
    const NEGATIVE: &[&str] = &[
        "share*",
        "sharing",
        "social*",
        "related*",
        "recommend*",
        "newsletter*",
        "subscri*",
        "signup",
        "promo*",
        "sponsor*",
        "advert*",
        "ads",
        "adslot",
        "adunit",
        "cookie*",
        "consent*",
        "gdpr",
        "sidebar*",
        "signature*",
        "breadcrumb*",
        "pagination",
        "pager",
        "footer*",
        "masthead",
        "navbar*",
        "nav",
        "navigation",
        "menu*",
        "outbrain*",
        "taboola*",
        "popular*",
        "trending*",
        "readmore",
        "paywall*",
        "disclaimer*",
        "copyright*",
        "legal",
        "upsell*",
        "recirc*",
        "most",
        "promoted",
    ];
    /// Words that also name layout wrappers: boilerplate only for blocks without much text.
    const WEAK_NEGATIVE: &[&str] = &[
        "ad",
        "banner*",
        "popup*",
        "modal*",
        "widget*",
        "toolbar*",
        "byline*",
        "author*",
        "tags",
        "tag",
        "taglist",
        "follow*",
        "print",
        "caption*",
        "credit*",
        "dateline",
        "timestamp",
        "meta",
        "skip",
        "login",
        "header",
        "hidden",
        "overlay*",
        "rating*",
        "reaction*",
        "toc",
        "partner*",
        "donate*",
        "rail",
        "teaser*",
        "slideshow*",
        "gallery*",
        "tooltip*",
        "alert*",
        "notification*",
        "bio",
        "utility",
        "tools",
        "likes",
        "feedback*",
        "survey*",
        "date*",
        "time",
        "posted",
        "updated",
        "published",
        "pubdate",
    ];

    fn word_in(word: &[u8], list: &[&str]) -> bool {
        list.iter().any(|pat| match pat.strip_suffix('*') {
            Some(prefix) => word.starts_with(prefix.as_bytes()),
            None => word == pat.as_bytes(),
        })
    }

    #[test]
    fn word_flags_match_the_lists() {
        let mut words: Vec<String> = Vec::new();
        for list in [STRONG_NEGATIVE, POSITIVE, NEGATIVE, WEAK_NEGATIVE] {
            for w in list {
                let w = w.trim_end_matches('*');
                words.push(w.to_string());
                words.push(format!("{w}s"));
                words.push(w[..w.len() - 1].to_string());
            }
        }
        words.extend(["x", "", "container", "row", "col"].map(String::from));
        for w in &words {
            let b = w.as_bytes();
            let mut want = 0;
            for (list, flag) in [
                (STRONG_NEGATIVE, F_STRONG),
                (POSITIVE, F_POSITIVE),
                (NEGATIVE, F_NEGATIVE),
                (WEAK_NEGATIVE, F_WEAK),
            ] {
                if word_in(b, list) {
                    want |= flag;
                }
            }
            assert_eq!(word_flags(b), want, "{w}");
        }
    }

    #[test]
    fn class_words() {
        let dom = parse("<div class=\"post-meta\">x</div><div class=\"PageBuilder-pageRow\">y</div><div id=\"GlobalFooter\">z</div>");
        let ids: Vec<u32> = (0..dom.len() as u32)
            .filter(|&i| dom.tag(i) == "div")
            .collect();
        assert_eq!(negativity(&dom, ids[0], "div"), 1);
        assert_eq!(negativity(&dom, ids[1], "div"), 0);
        assert_eq!(negativity(&dom, ids[2], "div"), 2);
    }
}
