//! The selection's rules on small pages, and the word lists behind the class/id signals.

use super::*;
use crate::scrape::dom::parse;

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
