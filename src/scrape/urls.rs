//! URL resolution for links and images.
//!
//! Owns: the document base (`<base href>` resolved against the page URL), making
//! `href`/`src` values absolute, dropping ones that lead nowhere (`javascript:`,
//! empty), and escaping a URL for use inside markdown `( )`. Does not own: choosing
//! which attribute holds an image's URL (`images.rs`).

use super::dom::Dom;
use url::Url;

pub(super) struct Base {
    base: Option<Url>,
}

impl Base {
    pub fn new(dom: &Dom, page_url: &str) -> Self {
        let page = Url::parse(page_url.trim()).ok();
        let mut base = page.clone();
        if let Some(b) = dom.find_tag("base") {
            if let Some(href) = dom.attr(b, "href") {
                let joined = match &page {
                    Some(p) => p.join(href.trim()).ok(),
                    None => Url::parse(href.trim()).ok(),
                };
                if joined.is_some() {
                    base = joined;
                }
            }
        }
        Base { base }
    }

    /// An absolute URL for `raw`, or None when it leads nowhere.
    pub fn resolve(&self, raw: &str) -> Option<String> {
        let raw = raw.trim();
        if raw.is_empty() {
            return None;
        }
        let lower_start: String = raw
            .chars()
            .take(11)
            .collect::<String>()
            .to_ascii_lowercase();
        if lower_start.starts_with("javascript:") || lower_start.starts_with("about:") {
            return None;
        }
        let u = match &self.base {
            Some(b) => b.join(raw).ok()?,
            None => Url::parse(raw).ok()?,
        };
        Some(u.into())
    }
}

/// Escapes characters that would end a markdown link destination early.
pub(super) fn for_markdown(url: &str) -> String {
    let mut s = String::with_capacity(url.len());
    for c in url.chars() {
        match c {
            ' ' => s.push_str("%20"),
            '(' => s.push_str("%28"),
            ')' => s.push_str("%29"),
            '<' => s.push_str("%3C"),
            '>' => s.push_str("%3E"),
            c if c.is_whitespace() => {}
            c => s.push(c),
        }
    }
    s
}

#[cfg(test)]
mod tests {
    use super::super::dom::parse;
    use super::*;

    #[test]
    fn resolves_against_page_and_base() {
        let dom = parse("<p>x</p>");
        let b = Base::new(&dom, "https://ex.com/a/b.html");
        assert_eq!(
            b.resolve("c.html").as_deref(),
            Some("https://ex.com/a/c.html")
        );
        assert_eq!(b.resolve("/d").as_deref(), Some("https://ex.com/d"));
        assert_eq!(
            b.resolve("//cdn.ex.org/i.png").as_deref(),
            Some("https://cdn.ex.org/i.png")
        );
        assert_eq!(b.resolve("javascript:void(0)"), None);
        assert_eq!(b.resolve("  "), None);
        let dom = parse("<head><base href='/root/'></head><p>x</p>");
        let b = Base::new(&dom, "https://ex.com/a/b.html");
        assert_eq!(b.resolve("c").as_deref(), Some("https://ex.com/root/c"));
        let b = Base::new(&dom, "not a url");
        assert_eq!(b.resolve("c"), None);
        assert_eq!(b.resolve("http://x.org/").as_deref(), Some("http://x.org/"));
    }
}
