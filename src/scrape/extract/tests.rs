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

fn main_markdown(html: &str) -> String {
    crate::scrape::scrape(
        html,
        "https://example.org/page",
        &crate::scrape::ScrapeOptions {
            only_main_content: true,
            scrape_images: false,
        },
    )
    .markdown
}

const PROSE: &str = "The committee met on Tuesday to discuss the new budget, which includes funding for schools, roads and hospitals across the region.";

#[test]
fn an_article_split_by_a_widget_is_joined_without_the_widget() {
    let first = format!("<p>{PROSE}</p>").repeat(6);
    let html = format!(
        "<body><nav><a href=/>Home</a> <a href=/world>World</a></nav><div class=story>\
         <div class=part>{first}</div><div class=ad-slot>Advertisement</div>\
         <div class=rest><p>After the vote, the mayor said the money would reach the first schools by spring, and the roads by autumn. The opposition called the plan late but voted for it.</p></div>\
         </div><footer>Imprint</footer></body>"
    );
    let m = main_markdown(&html);
    assert!(
        m.contains(PROSE) && m.contains("reach the first schools"),
        "{m}"
    );
    assert!(
        !m.contains("Advertisement") && !m.contains("World") && !m.contains("Imprint"),
        "{m}"
    );
}

#[test]
fn a_blurb_among_short_lines_gives_way_to_the_page_minus_furniture() {
    // A landing page: its only prose is an introduction beside buttons; its features,
    // short lines, are most of its text.
    let features: String = (1..=16)
        .map(|k| format!("<li>Feature number {k} runs on every plan</li>"))
        .collect();
    let html = format!(
        "<body><nav><a href=/>Home</a> <a href=/pricing>Pricing</a></nav><h1>Ship faster</h1>\
         <div class=intro><h2>Why teams choose us</h2><p>{PROSE}</p><p>{PROSE}</p>\
         <ul><li>Start for free today</li><li>Talk to our sales team</li><li>No credit card needed</li><li>Cancel at any time</li></ul></div>\
         <section><h2>Everything included</h2><ul>{features}</ul></section>\
         <footer class=footer>© Example Inc.</footer></body>"
    );
    let m = main_markdown(&html);
    assert!(
        m.contains(PROSE) && m.contains("Feature number 12 runs"),
        "{m}"
    );
    assert!(!m.contains("Pricing") && !m.contains("Example Inc."), "{m}");
}

#[test]
fn an_article_among_many_teasers_stays_the_content() {
    // The same share of the page as above, but what the choice shows is prose.
    let teasers: String = (1..=30)
        .map(|k| format!("<div class=teaser>Other story number {k} of today</div>"))
        .collect();
    let article = format!("<p>{PROSE}</p>").repeat(3);
    let html = format!("<body><article><h1>Budget agreed</h1>{article}</article><div class=more>{teasers}</div></body>");
    let m = main_markdown(&html);
    assert!(m.contains(PROSE), "{m}");
    assert!(!m.contains("Other story number"), "{m}");
}

#[test]
fn a_declared_article_is_content_whatever_its_wrappers_are_named() {
    // A newsletter site names its issue's wrappers "newsletter"; the `article` inside
    // says what the content is. Quotes from readers, plain prose, sit beside it.
    let issue = format!("<p>{PROSE}</p>").repeat(8);
    let quotes: String = (1..=3)
        .map(|k| format!("<div class=quote><p>Reader number {k} says this is a very helpful and clear letter, thank you for writing it every month.</p></div>"))
        .collect();
    let about = format!("<p>{PROSE}</p>").repeat(4);
    let html = format!(
        "<body><nav><a href=/>Home</a></nav><main><section class=\"hero newsletter\">\
         <div class=wrap><article class=issue><div class=\"rich-text-newsletter\">{issue}</div></article></div>\
         </section><section class=quotes>{quotes}</section></main><footer>{about}</footer></body>"
    );
    let m = main_markdown(&html);
    assert!(m.contains(PROSE), "{m}");
    assert!(!m.contains("Reader number"), "{m}");
}

#[test]
fn a_newsletter_box_beside_a_declared_article_stays_boilerplate() {
    // The rule above spares what holds or makes up the declared content, not the
    // furniture beside it, and not a thread's comments under it.
    let body = format!("<p>{PROSE}</p>").repeat(5);
    let html = format!(
        "<body><article><h1>Budget agreed</h1>{body}\
         <div class=newsletter-signup><p>Get our newsletter every morning with the news of the region, the weather and the sport, free of charge.</p></div>\
         </article></body>"
    );
    let m = main_markdown(&html);
    assert!(m.contains(PROSE), "{m}");
    assert!(!m.contains("Get our newsletter"), "{m}");
}

#[test]
fn a_declared_description_does_not_grow_to_the_reviews_beside_it() {
    // A product page whose description is an `article`; its reviews, a run of
    // look-alike items with more text than the description, sit outside it.
    let description = format!("<p>{PROSE}</p>").repeat(5);
    let reviews: String = (1..=10)
        .map(|k| format!("<div class=review><p>Review number {k}: the product arrived quickly, works as described and the build quality is better than expected for the price.</p></div>"))
        .collect();
    let html = format!(
        "<body><script type=application/ld+json>{{\"@type\":\"Product\",\"name\":\"Lamp\"}}</script>\
         <div class=product><h1>Desk lamp</h1><div class=price>$49</div>\
         <article id=desc>{description}</article>\
         <div class=list>{reviews}</div></div></body>"
    );
    let m = main_markdown(&html);
    assert!(m.contains(PROSE), "{m}");
    assert!(!m.contains("Review number"), "{m}");
}

#[test]
fn a_shop_grid_keeps_the_page_around_it() {
    // A category page: a grid of priced tiles without prose, and a buying guide. Its
    // filters (links) and result count are what the page is for, beside the grid.
    let tiles: String = (1..=30)
        .map(|k| format!("<li class=tile><a href=/p/{k}>Sleeping bag model {k}, rated for cold nights</a><span>${k}9.99</span></li>"))
        .collect();
    let guide = format!("<p>{PROSE}</p>").repeat(3);
    let html = format!(
        "<body><nav><a href=/>Home</a> <a href=/sale>Sale</a></nav><h1>Sleeping bags</h1>\
         <div class=layout><div class=filters><h2>Filter by brand</h2><ul><li><a href=?b=1>Northwind (12)</a></li><li><a href=?b=2>Summit (8)</a></li></ul></div>\
         <div class=results><p>96 results</p><ul class=grid>{tiles}</ul></div></div>\
         <div class=guide>{guide}</div><footer class=footer>© Example Outdoor</footer></body>"
    );
    let m = main_markdown(&html);
    assert!(
        m.contains("Sleeping bag model 17") && m.contains("Northwind (12)") && m.contains(PROSE),
        "{m}"
    );
    assert!(!m.contains("Example Outdoor"), "{m}");
}

#[test]
fn prices_in_prose_do_not_make_a_shop_grid() {
    assert!(shows_price("$19.99") && shows_price("19,99 €") && shows_price("from £ 5"));
    assert!(!shows_price("US$") && !shows_price("Price on request"));
    // A thread whose posts quote prices is prose, and stays its posts.
    let posts: String = (1..=5)
        .map(|k| format!("<div class=post><p>Post {k}: I paid $450 for the card last year, {PROSE}</p></div>"))
        .collect();
    let html = format!(
        "<body><div class=side><ul><li>Forum rules and the list of moderators</li><li>Members online now</li></ul></div>\
         <div class=thread>{posts}</div></body>"
    );
    let m = main_markdown(&html);
    assert!(m.contains("Post 5: I paid $450"), "{m}");
    assert!(!m.contains("Forum rules"), "{m}");
}
