//! What a page declares about itself: JSON-LD, microdata, OpenGraph and a few `<meta>`s.
//!
//! Owns: reading those four sources from the parsed DOM into one JSON value (its shape
//! is documented on [`collect`]), and the bounds that keep that value small on any
//! input. Does not own: parsing HTML (`dom.rs`), URL rules (`urls.rs`), choosing main
//! content (`extract.rs`), or putting the value into an API response. Nothing here
//! interprets the vocabularies (schema.org, OpenGraph): the page's own words are passed
//! on, so a price is wherever the page put it.

use serde_json::{Map, Value};

use super::dom::{is_json_ld, Dom, NONE};
use super::urls::Base;

/// JSON-LD scripts read per page; pages repeat the same block, rarely more than a few.
const MAX_JSON_LD: usize = 32;
/// A JSON-LD script longer than this (bytes) is skipped: it is a data dump, not a
/// description of the page, and would dwarf the rest of the response.
const MAX_JSON_LD_BYTES: usize = 256 * 1024;
/// Microdata items in all, at any depth.
const MAX_ITEMS: usize = 256;
/// Nesting of microdata items kept; deeper items become their text.
const MAX_ITEM_DEPTH: usize = 8;
/// Properties kept per microdata item.
const MAX_PROPS: usize = 128;
/// Characters of one text value (microdata text, meta content).
const MAX_TEXT: usize = 2000;
/// OpenGraph / meta entries per page.
const MAX_META: usize = 128;

/// The page's structured data as one JSON object:
///
/// ```json
/// {
///   "json_ld":   [ { "@context": "https://schema.org", "@type": "Product", … }, … ],
///   "microdata": [ { "type": ["https://schema.org/Product"], "id": "…",
///                    "properties": { "name": ["…"], "offers": [ { "type": […], "properties": {…} } ] } } ],
///   "opengraph": { "og:title": "…", "og:image": ["…", "…"], "article:author": "…", "twitter:card": "…" },
///   "meta":      { "title": "…", "description": "…", "author": "…", "canonical": "https://…", "lang": "en" }
/// }
/// ```
///
/// - `json_ld`: every `<script type="application/ld+json">` parsed as JSON, a top-level
///   array spread into the list; scripts that are not JSON (even after the usual
///   repairs: HTML comment wrappers, raw line breaks in strings) are left out.
/// - `microdata`: the top-level items (`itemscope` without `itemprop`) in the shape of
///   the WHATWG microdata-to-JSON algorithm; each property is a list of values, a value
///   is a string (text, or the absolute URL of `href`/`src`, or `content`/`datetime`/
///   `value`) or a nested item.
/// - `opengraph`: `<meta property|name>` whose key starts with `og:`, `article:`,
///   `product:`, `book:`, `profile:`, `music:`, `video:` or `twitter:`; a repeated
///   key gives a list in document order.
/// - `meta`: `<title>`, `<html lang>`, `<link rel=canonical>` and the `<meta name>`s
///   that describe the content (description, author, keywords, dates, Dublin Core,
///   citation_*); same rule for repeats.
///
/// Keys are always present; empty when the page declares nothing.
pub(super) fn collect(dom: &Dom, base: &Base) -> Value {
    let mut out = Map::new();
    out.insert("json_ld".into(), Value::Array(json_ld(dom)));
    out.insert("microdata".into(), Value::Array(microdata(dom, base)));
    let (og, meta) = metas(dom, base);
    out.insert("opengraph".into(), Value::Object(og));
    out.insert("meta".into(), Value::Object(meta));
    Value::Object(out)
}

/// Whether the page declares itself a product (schema.org `Product` in JSON-LD or
/// microdata, or OpenGraph `og:type` product): a generic signal that its main content
/// is spread over several blocks (name, price, facts, description).
pub(super) fn declares_product(structured: &Value) -> bool {
    og_type_has(structured, "product") || declares(structured, is_product_type)
}

/// Whether the page declares itself an article (news, blog post) and not a discussion:
/// its comments are then not its content.
pub(super) fn declares_article(structured: &Value) -> bool {
    (og_type_has(structured, "article") || declares(structured, is_article_type))
        && !declares(structured, is_discussion_type)
}

/// Whether the page declares a discussion (a forum thread, a question and its answers).
pub(super) fn declares_discussion(structured: &Value) -> bool {
    declares(structured, is_discussion_type)
}

fn og_type_has(structured: &Value, word: &str) -> bool {
    structured["opengraph"]["og:type"]
        .as_str()
        .is_some_and(|t| t.to_ascii_lowercase().contains(word))
}

/// Whether a JSON-LD node or a microdata item at the top names a type `is`.
fn declares(structured: &Value, is: fn(&str) -> bool) -> bool {
    let ld = structured["json_ld"]
        .as_array()
        .is_some_and(|items| items.iter().any(|v| ld_has_type(v, 0, is)));
    let md = structured["microdata"].as_array().is_some_and(|items| {
        items.iter().any(|it| {
            it["type"].as_array().is_some_and(|ts| {
                ts.iter().any(|t| {
                    t.as_str()
                        .is_some_and(|t| is(t.rsplit('/').next().unwrap_or(t)))
                })
            })
        })
    });
    ld || md
}

fn is_product_type(t: &str) -> bool {
    matches!(
        t,
        "Product" | "ProductGroup" | "IndividualProduct" | "ProductModel"
    )
}

fn is_article_type(t: &str) -> bool {
    matches!(
        t,
        "Article"
            | "NewsArticle"
            | "BlogPosting"
            | "ReportageNewsArticle"
            | "AnalysisNewsArticle"
            | "OpinionNewsArticle"
            | "BackgroundNewsArticle"
    )
}

fn is_discussion_type(t: &str) -> bool {
    matches!(
        t,
        "DiscussionForumPosting" | "QAPage" | "Question" | "SocialMediaPosting"
    )
}

/// A JSON-LD node or its `@graph` names a type `is` at the top (not, say, a product
/// as an offer's `itemOffered` deep inside an article).
fn ld_has_type(v: &Value, depth: usize, is: fn(&str) -> bool) -> bool {
    if depth > 2 {
        return false;
    }
    match v {
        Value::Array(items) => items.iter().take(64).any(|x| ld_has_type(x, depth + 1, is)),
        Value::Object(o) => {
            let own = match o.get("@type") {
                Some(Value::String(t)) => is(t),
                Some(Value::Array(ts)) => ts.iter().any(|t| t.as_str().is_some_and(is)),
                _ => false,
            };
            own || o
                .get("@graph")
                .is_some_and(|g| ld_has_type(g, depth + 1, is))
        }
        _ => false,
    }
}

fn json_ld(dom: &Dom) -> Vec<Value> {
    let mut found = Vec::new();
    for id in 0..dom.len() as u32 {
        if found.len() >= MAX_JSON_LD {
            break;
        }
        if dom.tag(id) != "script" || !dom.attr(id, "type").is_some_and(is_json_ld) {
            continue;
        }
        let Some(text) = dom.children(id).find_map(|c| dom.text(c)) else {
            continue;
        };
        if text.len() > MAX_JSON_LD_BYTES {
            continue;
        }
        match parse_json_ld(text) {
            Some(Value::Array(items)) => found.extend(items),
            Some(v) => found.push(v),
            None => {}
        }
    }
    found.truncate(MAX_JSON_LD * 4);
    found
}

/// Parses a script's JSON, repairing what pages commonly get wrong.
fn parse_json_ld(text: &str) -> Option<Value> {
    let mut t = text.trim();
    for (open, close) in [
        ("<!--", "-->"),
        ("//<![CDATA[", "//]]>"),
        ("<![CDATA[", "]]>"),
    ] {
        if let Some(inner) = t.strip_prefix(open) {
            t = inner.strip_suffix(close).unwrap_or(inner).trim();
        }
    }
    t = t.trim_end_matches(';').trim_end();
    if let Ok(v) = serde_json::from_str::<Value>(t) {
        return Some(v);
    }
    // Raw line breaks and tabs inside strings are invalid JSON, and the commonest
    // error; as spaces they change nothing outside strings either.
    if t.bytes().any(|b| b < 0x20) {
        let fixed: String = t
            .chars()
            .map(|c| if c.is_control() { ' ' } else { c })
            .collect();
        return serde_json::from_str(&fixed).ok();
    }
    None
}

/// End (exclusive) of every node's subtree in the arena.
fn subtree_ends(dom: &Dom) -> Vec<u32> {
    let n = dom.len();
    let mut end: Vec<u32> = (1..=n as u32).collect();
    for i in (1..n).rev() {
        let p = dom.parent(i as u32);
        if p != NONE {
            let (pi, e) = (p as usize, end[i]);
            if end[pi] < e {
                end[pi] = e;
            }
        }
    }
    end
}

fn microdata(dom: &Dom, base: &Base) -> Vec<Value> {
    // Most pages have no microdata: find the first item before indexing subtrees.
    let Some(first) = (0..dom.len()).find(|&i| dom.attr(i as u32, "itemscope").is_some()) else {
        return Vec::new();
    };
    let ends = subtree_ends(dom);
    let mut budget = MAX_ITEMS;
    let mut items = Vec::new();
    let mut i = first;
    while i < dom.len() && budget > 0 {
        let id = i as u32;
        if dom.attr(id, "itemscope").is_some() && dom.attr(id, "itemprop").is_none() {
            items.push(item(dom, base, &ends, id, 0, &mut budget));
            // Items inside this one are its properties or were reached from it.
            i = ends[i] as usize;
            continue;
        }
        i += 1;
    }
    items
}

fn item(dom: &Dom, base: &Base, ends: &[u32], id: u32, depth: usize, budget: &mut usize) -> Value {
    *budget = budget.saturating_sub(1);
    let mut obj = Map::new();
    if let Some(t) = dom.attr(id, "itemtype") {
        let types: Vec<Value> = t
            .split_ascii_whitespace()
            .take(8)
            .map(|s| Value::String(clip(s)))
            .collect();
        if !types.is_empty() {
            obj.insert("type".into(), Value::Array(types));
        }
    }
    if let Some(v) = dom.attr(id, "itemid") {
        obj.insert("id".into(), Value::String(clip(v.trim())));
    }
    let mut props = Map::new();
    let mut count = 0usize;
    let end = ends[id as usize] as usize;
    let mut i = id as usize + 1;
    while i < end {
        let c = i as u32;
        let nested = dom.attr(c, "itemscope").is_some();
        if let Some(names) = dom.attr(c, "itemprop") {
            let value = if nested && depth + 1 < MAX_ITEM_DEPTH && *budget > 0 {
                item(dom, base, ends, c, depth + 1, budget)
            } else {
                Value::String(prop_value(dom, base, ends, c))
            };
            for name in names.split_ascii_whitespace().take(4) {
                if count >= MAX_PROPS {
                    break;
                }
                count += 1;
                push_value(&mut props, name, value.clone());
            }
        }
        // A nested item's descendants are its own properties, not this item's.
        i = if nested { ends[i] as usize } else { i + 1 };
    }
    obj.insert("properties".into(), Value::Object(props));
    Value::Object(obj)
}

/// A property's value, as the microdata algorithm defines it per element.
fn prop_value(dom: &Dom, base: &Base, ends: &[u32], id: u32) -> String {
    let url_attr = match dom.tag(id) {
        "meta" => return clip(dom.attr(id, "content").unwrap_or("").trim()),
        "audio" | "embed" | "iframe" | "img" | "source" | "track" | "video" => Some("src"),
        "a" | "area" | "link" => Some("href"),
        "object" => Some("data"),
        "data" | "meter" => return clip(dom.attr(id, "value").unwrap_or("").trim()),
        "time" => match dom.attr(id, "datetime") {
            Some(v) => return clip(v.trim()),
            None => None,
        },
        _ => None,
    };
    if let Some(a) = url_attr {
        let raw = dom.attr(id, a).unwrap_or("");
        return clip(&base.resolve(raw).unwrap_or_default());
    }
    // Pages also put `content` on spans and divs for a machine-readable value.
    if let Some(v) = dom.attr(id, "content") {
        return clip(v.trim());
    }
    text_of(dom, ends, id)
}

/// The visible-or-not text of a subtree, whitespace collapsed, at most `MAX_TEXT` chars.
fn text_of(dom: &Dom, ends: &[u32], id: u32) -> String {
    let mut out = String::new();
    let mut chars = 0usize;
    let end = ends[id as usize] as usize;
    let mut i = id as usize + 1;
    while i < end && chars < MAX_TEXT {
        if matches!(dom.tag(i as u32), "script" | "style" | "template") {
            i = ends[i] as usize;
            continue;
        }
        if let Some(t) = dom.text(i as u32) {
            for w in t.split_whitespace() {
                if chars >= MAX_TEXT {
                    break;
                }
                if !out.is_empty() {
                    out.push(' ');
                }
                out.push_str(w);
                chars += w.chars().count() + 1;
            }
        }
        i += 1;
    }
    clip(&out)
}

fn clip(s: &str) -> String {
    match s.char_indices().nth(MAX_TEXT) {
        Some((at, _)) => s[..at].to_string(),
        None => s.to_string(),
    }
}

/// Adds a value under `key`; a key seen before becomes a list (microdata: always a list).
fn push_value(map: &mut Map<String, Value>, key: &str, value: Value) {
    match map.get_mut(key) {
        Some(Value::Array(list)) => list.push(value),
        _ => {
            map.insert(key.to_string(), Value::Array(vec![value]));
        }
    }
}

/// Adds a string under `key`; a repeated key becomes a list in document order.
fn push_meta(map: &mut Map<String, Value>, key: &str, value: String) {
    if map.len() >= MAX_META && !map.contains_key(key) {
        return;
    }
    match map.get_mut(key) {
        Some(Value::Array(list)) => {
            if list.len() < MAX_META {
                list.push(Value::String(value));
            }
        }
        Some(old) => {
            let first = old.take();
            *old = Value::Array(vec![first, Value::String(value)]);
        }
        None => {
            map.insert(key.to_string(), Value::String(value));
        }
    }
}

fn is_opengraph(key: &str) -> bool {
    [
        "og:", "article:", "product:", "book:", "profile:", "music:", "video:", "twitter:",
    ]
    .iter()
    .any(|p| key.starts_with(p))
}

/// `<meta name>`s that describe the content, not the page's machinery.
fn is_descriptive(key: &str) -> bool {
    matches!(
        key,
        "description"
            | "author"
            | "keywords"
            | "news_keywords"
            | "date"
            | "publish-date"
            | "publish_date"
            | "pubdate"
            | "last-modified"
            | "creator"
            | "publisher"
            | "subject"
            | "copyright"
            | "application-name"
    ) || key.starts_with("dc.")
        || key.starts_with("dcterms.")
        || key.starts_with("citation_")
}

fn metas(dom: &Dom, base: &Base) -> (Map<String, Value>, Map<String, Value>) {
    let mut og = Map::new();
    let mut meta = Map::new();
    let mut title_seen = false;
    for id in 0..dom.len() as u32 {
        match dom.tag(id) {
            "html" => {
                if let Some(lang) = dom
                    .attr(id, "lang")
                    .map(str::trim)
                    .filter(|l| !l.is_empty())
                {
                    if !meta.contains_key("lang") {
                        meta.insert("lang".into(), Value::String(clip(lang)));
                    }
                }
            }
            // The document's title, not an SVG's.
            "title" if !title_seen && !in_svg(dom, id) => {
                title_seen = true;
                let t: String = dom
                    .children(id)
                    .filter_map(|c| dom.text(c))
                    .collect::<Vec<_>>()
                    .join(" ");
                let t = t.split_whitespace().collect::<Vec<_>>().join(" ");
                if !t.is_empty() {
                    meta.insert("title".into(), Value::String(clip(&t)));
                }
            }
            "link" => {
                let canonical = dom.attr(id, "rel").is_some_and(|r| {
                    r.split_ascii_whitespace()
                        .any(|w| w.eq_ignore_ascii_case("canonical"))
                });
                if canonical && !meta.contains_key("canonical") {
                    if let Some(u) = dom.attr(id, "href").and_then(|h| base.resolve(h)) {
                        meta.insert("canonical".into(), Value::String(clip(&u)));
                    }
                }
            }
            "meta" => {
                let Some(content) = dom.attr(id, "content").map(str::trim) else {
                    continue;
                };
                if content.is_empty() {
                    continue;
                }
                let key = dom
                    .attr(id, "property")
                    .or_else(|| dom.attr(id, "name"))
                    .map(|k| k.trim().to_ascii_lowercase());
                let Some(key) = key.filter(|k| !k.is_empty() && k.len() <= 64) else {
                    continue;
                };
                if is_opengraph(&key) {
                    push_meta(&mut og, &key, clip(content));
                } else if is_descriptive(&key) {
                    push_meta(&mut meta, &key, clip(content));
                }
            }
            _ => {}
        }
    }
    (og, meta)
}

fn in_svg(dom: &Dom, id: u32) -> bool {
    let mut a = dom.parent(id);
    let mut steps = 0;
    while a != NONE && steps < 64 {
        if dom.tag(a) == "svg" {
            return true;
        }
        a = dom.parent(a);
        steps += 1;
    }
    false
}

#[cfg(test)]
mod tests {
    use super::super::dom::parse;
    use super::*;

    fn run(html: &str) -> Value {
        let dom = parse(html);
        let base = Base::new(&dom, "https://shop.example/p/1");
        collect(&dom, &base)
    }

    #[test]
    fn json_ld_is_parsed_and_repaired() {
        let v = run(concat!(
            "<script type=\"application/ld+json\">{\"@type\":\"Product\",\"name\":\"Lamp\",",
            "\"offers\":{\"price\":\"19.90\",\"availability\":\"https://schema.org/InStock\"}}</script>",
            "<script type='application/ld+json'><!--\n[{\"@type\":\"BreadcrumbList\"},{\"@type\":\"Organization\"}]\n--></script>",
            "<script type=\"application/ld+json\">{\"description\":\"two\nlines\"}</script>",
            "<script type=\"application/ld+json\">{not json</script>",
            "<script>{\"@type\":\"Ignored\"}</script>"
        ));
        let ld = v["json_ld"].as_array().cloned().unwrap_or_default();
        assert_eq!(ld.len(), 4, "{ld:?}");
        assert_eq!(ld[0]["offers"]["price"], "19.90");
        assert_eq!(ld[1]["@type"], "BreadcrumbList");
        assert_eq!(ld[3]["description"], "two lines");
    }

    #[test]
    fn microdata_items_nest() {
        let v = run(concat!(
            "<div itemscope itemtype=\"https://schema.org/Product\">",
            "<h1 itemprop=\"name\">Desk <b>lamp</b></h1>",
            "<img itemprop=\"image\" src=\"/i/lamp.jpg\">",
            "<div itemprop=\"offers\" itemscope itemtype=\"https://schema.org/Offer\">",
            "<span itemprop=\"price\" content=\"19.90\">19,90 €</span>",
            "<link itemprop=\"availability\" href=\"https://schema.org/InStock\">",
            "</div>",
            "<span itemprop=\"brand\">Acme</span>",
            "</div>",
            "<time itemscope itemprop=\"x\" datetime=\"2026-01-01\">orphan</time>"
        ));
        let items = v["microdata"].as_array().cloned().unwrap_or_default();
        assert_eq!(items.len(), 1);
        let p = &items[0]["properties"];
        assert_eq!(items[0]["type"][0], "https://schema.org/Product");
        assert_eq!(p["name"][0], "Desk lamp");
        assert_eq!(p["image"][0], "https://shop.example/i/lamp.jpg");
        assert_eq!(p["brand"][0], "Acme");
        let offer = &p["offers"][0]["properties"];
        assert_eq!(offer["price"][0], "19.90");
        assert_eq!(offer["availability"][0], "https://schema.org/InStock");
        // The offer's own properties are not the product's.
        assert!(p.get("price").is_none());
    }

    #[test]
    fn opengraph_and_meta() {
        let v = run(concat!(
            "<html lang=\"de\"><head><title> A  page </title>",
            "<meta property=\"og:title\" content=\"OG title\">",
            "<meta property=\"og:image\" content=\"a.jpg\"><meta property=\"og:image\" content=\"b.jpg\">",
            "<meta property=\"article:published_time\" content=\"2026-02-01\">",
            "<meta name=\"twitter:card\" content=\"summary\">",
            "<meta name=\"description\" content=\"What it is.\">",
            "<meta name=\"author\" content=\"Ann\"><meta name=\"viewport\" content=\"width=device-width\">",
            "<link rel=\"canonical\" href=\"/p/1?ref=x\"></head><body><svg><title>icon</title></svg></body></html>"
        ));
        assert_eq!(v["opengraph"]["og:title"], "OG title");
        assert_eq!(v["opengraph"]["og:image"][1], "b.jpg");
        assert_eq!(v["opengraph"]["article:published_time"], "2026-02-01");
        assert_eq!(v["opengraph"]["twitter:card"], "summary");
        assert_eq!(v["meta"]["title"], "A page");
        assert_eq!(v["meta"]["description"], "What it is.");
        assert_eq!(v["meta"]["author"], "Ann");
        assert_eq!(v["meta"]["lang"], "de");
        assert_eq!(v["meta"]["canonical"], "https://shop.example/p/1?ref=x");
        assert!(v["meta"].get("viewport").is_none());
    }

    #[test]
    fn nothing_declared_gives_empty_parts() {
        let v = run("<p>plain</p>");
        assert_eq!(
            v,
            serde_json::json!({"json_ld": [], "microdata": [], "opengraph": {}, "meta": {}})
        );
    }

    #[test]
    fn hostile_input_stays_bounded() {
        // Deep JSON: serde_json's recursion limit refuses it instead of overflowing.
        let deep = format!(
            "<script type=\"application/ld+json\">{}{}</script>",
            "[".repeat(100_000),
            "]".repeat(100_000)
        );
        let v = run(&deep);
        assert_eq!(v["json_ld"].as_array().map(Vec::len), Some(0));
        // Deeply nested items: kept to MAX_ITEM_DEPTH, then text.
        let nested = "<div itemscope itemprop=\"p\">x".repeat(5_000);
        let v = run(&format!("<div itemscope>{nested}"));
        let s = serde_json::to_string(&v).unwrap_or_default();
        assert!(s.len() < 200_000, "{}", s.len());
        // Many items and huge values.
        let many = "<span itemscope><meta itemprop=\"a\" content=\"b\"></span>".repeat(10_000);
        let v = run(&many);
        assert!(v["microdata"].as_array().map_or(0, Vec::len) <= MAX_ITEMS);
        let huge = format!(
            "<meta name=\"description\" content=\"{}\">",
            "x".repeat(1_000_000)
        );
        let v = run(&huge);
        assert_eq!(
            v["meta"]["description"].as_str().map(str::len),
            Some(MAX_TEXT)
        );
    }
}
