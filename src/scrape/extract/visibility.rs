//! What is never output: tags that hold no content, and elements the page hides (by
//! attribute, style or ARIA), unless a saved page shows only a shell beside them.

use super::signals::for_each_word;
use crate::scrape::dom::{Data, Dom, NONE};

pub(crate) fn is_block(tag: &str) -> bool {
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
pub(super) fn never_output(tag: &str) -> bool {
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
pub(super) fn page_level(dom: &Dom, id: u32) -> bool {
    match dom.tag(id) {
        "html" | "body" | "main" => true,
        "div" | "section" | "article" => {
            let p = dom.parent(id);
            p != NONE && dom.tag(p) == "body"
        }
        _ => false,
    }
}

pub(crate) fn is_hidden(dom: &Dom, id: u32) -> bool {
    // Few elements are hidden: whether one can be revealed is asked only of those.
    hidden_by_attrs(dom, id) && !revealable(dom, id)
}

pub(super) fn hidden_by_attrs(dom: &Dom, id: u32) -> bool {
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
pub(super) fn revealable(dom: &Dom, id: u32) -> bool {
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

pub(super) fn style_hides(style: &str) -> bool {
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
