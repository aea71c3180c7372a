//! `scrape`: a rendered page's HTML + URL → markdown of its main content (or of the
//! whole visible page) and the list of its images.
//!
//! Owns: the public API (`scrape`, `markdown_to_text`, the option and output types)
//! and the order of the steps: parse (`dom.rs`), select what to show (`extract.rs`),
//! render markdown (`markdown.rs`), list images (`images.rs`), read the page's
//! structured data (`structured.rs`). Does not own: fetching
//! or rendering pages (the browser side of the server) or HTTP/JSON wiring. Pure
//! functions, no I/O, no global state; never panics on any input.

mod dom;
mod entities;
mod extract;
mod images;
mod markdown;
mod structured;
mod urls;

#[cfg(test)]
mod robustness_tests;
#[cfg(test)]
mod tests;

use serde::Serialize;

use crate::domain::ImageCategory;
pub use markdown::markdown_to_text;

/// What to scrape.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ScrapeOptions {
    /// true: only the main content (article, product, answer…), no menus, banners,
    /// share buttons, related links, comments or footers. false: the whole visible page.
    pub only_main_content: bool,
    /// Fill `Scraped::images`.
    pub scrape_images: bool,
}

impl Default for ScrapeOptions {
    fn default() -> Self {
        ScrapeOptions {
            only_main_content: true,
            scrape_images: false,
        }
    }
}

/// One image of the scraped part of the page.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ScrapedImage {
    /// `F1`, `F2`, … in document order.
    pub id: String,
    /// Absolute URL (`data:image/svg+xml,…` for an inline SVG).
    pub url: String,
    /// Alt text (for an SVG: `aria-label` or `<title>`), whitespace collapsed; None when empty.
    pub alt: Option<String>,
    /// What kind of image it is.
    pub category: ImageCategory,
}

/// Result of a scrape.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Scraped {
    /// The scraped part of the page as markdown (absolute links, no blank-line runs).
    pub markdown: String,
    /// Empty unless `scrape_images`.
    pub images: Vec<ScrapedImage>,
    /// What the page declares about itself, from the whole page (not only the main
    /// content): `{"json_ld": [..], "microdata": [..], "opengraph": {..}, "meta": {..}}`.
    /// Every key is always there; see `structured::collect` for each part's shape.
    pub structured: serde_json::Value,
}

/// Scrapes `html` (the page as rendered, e.g. the browser's serialised DOM) whose
/// address is `page_url` (for making links and image URLs absolute). Never fails:
/// unparsable input gives empty or best-effort output.
pub fn scrape(html: &str, page_url: &str, options: &ScrapeOptions) -> Scraped {
    let dom = dom::parse(html);
    let base = urls::Base::new(&dom, page_url);
    let structured = structured::collect(&dom, &base);
    let hints = extract::Hints {
        product: structured::declares_product(&structured),
        article: structured::declares_article(&structured),
        discussion: structured::declares_discussion(&structured),
    };
    let sel = extract::select(&dom, options.only_main_content, hints);
    let markdown = markdown::Renderer {
        dom: &dom,
        skip: &sel.skip,
        base: &base,
    }
    .render(sel.root);
    let images = if options.scrape_images {
        images::collect(&dom, sel.root, sel.end, &sel.skip, &base, page_url)
    } else {
        Vec::new()
    };
    Scraped {
        markdown,
        images,
        structured,
    }
}
