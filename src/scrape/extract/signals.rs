//! What a block's name says of it: the words of its class and id (boilerplate, content,
//! a thread's posts), its tag and ARIA role; and the measure of a text (its length and
//! commas).

use crate::scrape::dom::Dom;

/// Counts characters that are not whitespace, and commas.
pub(super) fn measure(t: &str) -> (u32, u32) {
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
pub(super) fn for_each_word(s: &str, mut f: impl FnMut(&str) -> bool) -> bool {
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
pub(super) fn word_flags(w: &[u8]) -> u8 {
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

pub(super) const F_STRONG: u8 = 1;
pub(super) const F_POSITIVE: u8 = 2;
pub(super) const F_NEGATIVE: u8 = 4;
pub(super) const F_WEAK: u8 = 8;

/// A layout utility class whose words say nothing of the block: Bootstrap's and
/// Tailwind's alignment classes (`justify-content-between`, `content-center`) hold the
/// word "content".
pub(super) fn is_layout_utility(class: &str) -> bool {
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
pub(super) fn class_id_flags(dom: &Dom, id: u32) -> u8 {
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
pub(super) fn negativity(dom: &Dom, id: u32, tag: &str) -> u8 {
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

pub(super) fn bad_role(dom: &Dom, id: u32) -> bool {
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
pub(super) fn is_semantic(dom: &Dom, id: u32, tag: &str) -> bool {
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
