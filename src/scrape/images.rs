//! Images of the scraped part of the page, with their category.
//!
//! Owns: finding `<img>` and inline `<svg>` elements that are rendered in the
//! output scope, picking the real URL of lazy-loaded images, and the category
//! rules (icon, decorative, content image, svg icon, svg content). Does not own:
//! visibility and main-content decisions (`extract.rs`, via the skip mask) or URL
//! resolution (`urls.rs`).

use super::dom::{Data, Dom};
use super::urls::Base;
use super::{ImageCategory, ScrapedImage};

/// The attribute that holds an image's real URL (lazy-loading placeholders skipped).
pub(super) fn image_source<'d>(dom: &'d Dom<'_>, id: u32) -> Option<&'d str> {
    let src = dom.attr(id, "src").map(str::trim).filter(|s| !s.is_empty());
    let placeholder = src.is_none_or(|s| {
        s.starts_with("data:")
            || s.contains("blank.gif")
            || s.contains("spacer.gif")
            || s.contains("pixel.gif")
    });
    if placeholder {
        for attr in [
            "data-src",
            "data-lazy-src",
            "data-original",
            "data-url",
            "data-hi-res-src",
            "data-full-src",
        ] {
            if let Some(v) = dom.attr(id, attr).map(str::trim).filter(|s| !s.is_empty()) {
                return Some(v);
            }
        }
        for attr in ["srcset", "data-srcset"] {
            if let Some(v) = dom.attr(id, attr) {
                if let Some(first) = v
                    .split(',')
                    .next()
                    .and_then(|c| c.split_whitespace().next())
                {
                    return Some(first);
                }
            }
        }
    }
    src
}

fn dimension(dom: &Dom, id: u32, attr: &str) -> Option<f64> {
    let v = dom.attr(id, attr)?.trim();
    let num: String = v
        .chars()
        .take_while(|c| c.is_ascii_digit() || *c == '.')
        .collect();
    if v.ends_with('%') {
        return None;
    }
    num.parse().ok()
}

fn svg_size(dom: &Dom, id: u32) -> Option<f64> {
    let w = dimension(dom, id, "width");
    let h = dimension(dom, id, "height");
    match (w, h) {
        (Some(w), Some(h)) => Some(w.max(h)),
        (Some(x), None) | (None, Some(x)) => Some(x),
        (None, None) => {
            let vb = dom.attr(id, "viewbox")?;
            let nums: Vec<f64> = vb
                .split(|c: char| c == ',' || c.is_whitespace())
                .filter_map(|x| x.parse().ok())
                .collect();
            if nums.len() == 4 {
                Some(nums[2].max(nums[3]))
            } else {
                None
            }
        }
    }
}

fn mentions_icon(dom: &Dom, id: u32) -> bool {
    ["class", "id"].iter().any(|a| {
        dom.attr(id, a).is_some_and(|v| {
            let v = v.to_ascii_lowercase();
            v.contains("icon")
                || v.contains("emoji")
                || v.contains("favicon")
                || v.contains("glyph")
        })
    })
}

fn img_category(dom: &Dom, id: u32, url: &str) -> ImageCategory {
    let w = dimension(dom, id, "width");
    let h = dimension(dom, id, "height");
    let tiny = matches!((w, h), (Some(w), Some(h)) if w <= 2.0 && h <= 2.0);
    if tiny {
        return ImageCategory::Decorative;
    }
    let small = match (w, h) {
        (Some(w), Some(h)) => w <= 32.0 && h <= 32.0,
        (Some(x), None) | (None, Some(x)) => x <= 24.0,
        _ => false,
    };
    let lower = url.to_ascii_lowercase();
    let path = lower.split(['?', '#']).next().unwrap_or("");
    let favicon = path.ends_with(".ico")
        || path.contains("favicon")
        || path.contains("/icons/")
        || path.contains("apple-touch-icon")
        || path.contains("emoji");
    if small || favicon || mentions_icon(dom, id) {
        return ImageCategory::Icon;
    }
    let role = dom.attr(id, "role").unwrap_or("");
    if matches!(role, "presentation" | "none") {
        return ImageCategory::Decorative;
    }
    // Empty alt marks decoration, except where the markup says otherwise: a figure's
    // image, or one drawn large.
    let large = w.is_some_and(|w| w >= 200.0) || h.is_some_and(|h| h >= 200.0);
    if dom.attr(id, "alt").is_some_and(|a| a.trim().is_empty()) && !large && !in_figure(dom, id) {
        return ImageCategory::Decorative;
    }
    ImageCategory::ContentImage
}

fn in_figure(dom: &Dom, id: u32) -> bool {
    let mut a = dom.parent(id);
    for _ in 0..4 {
        if a == u32::MAX {
            return false;
        }
        if dom.tag(a) == "figure" {
            return true;
        }
        a = dom.parent(a);
    }
    false
}

/// Inline SVG as a `data:` URL (text of the markup, percent-escaped where needed).
fn svg_data_url(dom: &Dom, id: u32) -> String {
    let mut markup = String::new();
    serialize(dom, id, &mut markup);
    let mut url = String::with_capacity(markup.len() + 32);
    url.push_str("data:image/svg+xml,");
    for c in markup.chars() {
        match c {
            '%' => url.push_str("%25"),
            '#' => url.push_str("%23"),
            '<' => url.push_str("%3C"),
            '>' => url.push_str("%3E"),
            '"' => url.push('\''),
            '\n' | '\r' | '\t' => url.push(' '),
            c => url.push(c),
        }
    }
    url
}

fn serialize(dom: &Dom, id: u32, out: &mut String) {
    match &dom.nodes[id as usize].data {
        Data::Text(t) => out.push_str(&t.replace('&', "&amp;").replace('<', "&lt;")),
        Data::Element { name, attrs } => {
            out.push('<');
            out.push_str(if &**name == "svg" {
                "svg xmlns=\"http://www.w3.org/2000/svg\""
            } else {
                name
            });
            for (k, v) in attrs {
                if &**k == "xmlns" {
                    continue;
                }
                out.push(' ');
                out.push_str(if &**k == "viewbox" { "viewBox" } else { k });
                out.push_str("=\"");
                out.push_str(&v.replace('&', "&amp;").replace('"', "&quot;"));
                out.push('"');
            }
            out.push('>');
            for c in dom.children(id) {
                serialize(dom, c, out);
            }
            out.push_str("</");
            out.push_str(name);
            out.push('>');
        }
        Data::Document => {}
    }
}

/// Largest inline SVG kept as markup; bigger ones get the page URL with a fragment.
const MAX_SVG_URL: usize = 32 * 1024;

/// Images inside `root` not covered by `skip`, in document order, one per URL.
/// `skip` marks `<svg>` itself (its text is never output), so an svg counts when
/// its parent is shown.
pub(super) fn collect(
    dom: &Dom,
    root: u32,
    end: usize,
    skip: &[bool],
    base: &Base,
    page_url: &str,
) -> Vec<ScrapedImage> {
    let mut out: Vec<ScrapedImage> = Vec::new();
    let mut seen = std::collections::HashSet::new();
    for i in (root as usize)..end.min(dom.len()) {
        let id = i as u32;
        let tag = dom.tag(id);
        let (url, category, alt) = match tag {
            "img" if !skip[i] => {
                let Some(url) = image_source(dom, id).and_then(|s| base.resolve(s)) else {
                    continue;
                };
                let cat = img_category(dom, id, &url);
                let alt = dom
                    .attr(id, "alt")
                    .map(|a| a.split_whitespace().collect::<Vec<_>>().join(" "))
                    .filter(|a| !a.is_empty());
                (url, cat, alt)
            }
            "svg" => {
                let parent = dom.parent(id);
                if parent == u32::MAX
                    || skip[parent as usize]
                    || super::extract::is_hidden(dom, id)
                    || dom.tag(parent) == "svg"
                {
                    continue;
                }
                let size = svg_size(dom, id);
                let cat = match size {
                    Some(s) if s > 48.0 => ImageCategory::SvgContent,
                    Some(_) => ImageCategory::SvgIcon,
                    None if mentions_icon(dom, id) => ImageCategory::SvgIcon,
                    None => ImageCategory::SvgIcon,
                };
                let use_href = dom
                    .children(id)
                    .find(|&c| dom.tag(c) == "use")
                    .and_then(|u| dom.attr(u, "href").or_else(|| dom.attr(u, "xlink:href")));
                let url = match use_href.and_then(|h| base.resolve(h)) {
                    Some(u) => u,
                    None => {
                        let u = svg_data_url(dom, id);
                        if u.len() > MAX_SVG_URL {
                            format!(
                                "{}#svg-{}",
                                page_url.split('#').next().unwrap_or(""),
                                out.len() + 1
                            )
                        } else {
                            u
                        }
                    }
                };
                let alt = dom
                    .attr(id, "aria-label")
                    .map(str::to_string)
                    .or_else(|| {
                        dom.children(id)
                            .find(|&c| dom.tag(c) == "title")
                            .and_then(|t| {
                                dom.children(t)
                                    .find_map(|x| dom.text(x))
                                    .map(|s| s.trim().to_string())
                            })
                    })
                    .filter(|a| !a.is_empty());
                (url, cat, alt)
            }
            _ => continue,
        };
        if !seen.insert(url.clone()) {
            continue;
        }
        out.push(ScrapedImage {
            id: format!("F{}", out.len() + 1),
            url,
            alt,
            category,
        });
    }
    out
}
