//! Page-level judgement: the page `category` (homepage, search-results, data-feed, item,
//! auth, form, manage-cookies, payment, captcha, other) and the one-paragraph
//! `description` built from the page itself.
//!
//! Owns: those two rules. Does not own: the per-action wording (`describe.rs`).
use std::collections::HashSet;

use super::snapshot::PageSnapshot;
use super::text::{cut, fold, host, key, path, query};
use super::types::{Action, ActionKind, Prefix};
use crate::domain::PageCategory;

fn contains_any(hay: &str, needles: &[&str]) -> bool {
    let h = hay.to_lowercase();
    needles.iter().any(|n| h.contains(n))
}

const COOKIE_WORDS: &[&str] = &[
    "cookie",
    "consent",
    "gdpr",
    "datenschutzeinstellungen",
    "privacy settings",
    "privacy preferences",
    "einwilligung",
];

/// Guess the page category from its structure and its actions.
pub fn category(snap: &PageSnapshot, actions: &[Action]) -> PageCategory {
    let url = snap.url.as_str();
    let p = path(url).to_lowercase();
    let q = query(url).to_lowercase();
    let inputs: Vec<&Action> = actions
        .iter()
        .filter(|a| a.id.prefix == Prefix::I)
        .collect();
    if let Some(gate) = gate(snap, actions, inputs.len()) {
        return gate;
    }
    let links = actions
        .iter()
        .filter(|a| a.kind == ActionKind::Link)
        .count();
    if search_url(&p, &q) && links >= 10 {
        return PageCategory::SearchResults;
    }
    let home_path = matches!(
        p.as_str(),
        "" | "/" | "/index.html" | "/index.php" | "/home"
    ) || (p.len() <= 4
        && p.trim_matches('/').chars().all(|c| c.is_ascii_alphabetic()));
    let form_fields = inputs
        .iter()
        .filter(|a| !contains_any(&a.category, &["search"]))
        .count();
    if !home_path && declares_item(snap) {
        return PageCategory::Item;
    }
    if form_fields >= 3 && snap.paragraphs < 8 && snap.counts.forms > 0 && links < 40 {
        return PageCategory::Form;
    }
    if snap.counts.articles >= 5 {
        return PageCategory::DataFeed;
    }
    if home_path {
        return PageCategory::Homepage;
    }
    if snap.h1.is_some() && snap.paragraphs >= 6 && snap.counts.articles <= 2 {
        return PageCategory::Item;
    }
    if listing(snap, actions) {
        return PageCategory::DataFeed;
    }
    if form_fields >= 3 {
        return PageCategory::Form;
    }
    PageCategory::Other
}

/// A page that stands between the agent and what it came for: a challenge, a cookie
/// consent, a payment or a sign-in form.
fn gate(snap: &PageSnapshot, actions: &[Action], text_inputs: usize) -> Option<PageCategory> {
    let title_h1 = format!("{} {}", snap.title, snap.h1.as_deref().unwrap_or_default());
    let fields_of = |words: &[&str]| {
        snap.elements
            .iter()
            .filter(|e| {
                let hay = format!(
                    "{} {} {}",
                    e.field.as_deref().unwrap_or(""),
                    e.autocomplete.as_deref().unwrap_or(""),
                    e.name.as_deref().unwrap_or("")
                );
                contains_any(&hay, words)
            })
            .count()
    };
    // captcha: a challenge widget on an otherwise small page, or a page that says so
    if snap.counts.captcha > 0
        && (actions.len() < 40
            || contains_any(
                &title_h1,
                &["captcha", "robot", "human", "verify", "security check"],
            ))
    {
        return Some(PageCategory::Captcha);
    }
    // cookie consent that blocks the page, or a page about cookie settings
    let cookie_dialog = snap.modal
        && actions.iter().any(|a| {
            contains_any(&a.category, COOKIE_WORDS) || contains_any(&a.description, COOKIE_WORDS)
        });
    if cookie_dialog
        || (contains_any(&title_h1, COOKIE_WORDS)
            && contains_any(&title_h1, &["setting", "preferen", "manage", "einstellung"]))
    {
        return Some(PageCategory::ManageCookies);
    }
    if fields_of(&[
        "cc-number",
        "cardnumber",
        "card-number",
        "card_number",
        "cc-csc",
        "cvc",
        "cvv",
        "iban",
        "cc-exp",
    ]) >= 2
    {
        return Some(PageCategory::Payment);
    }
    let password = snap
        .elements
        .iter()
        .filter(|e| e.input_type.as_deref() == Some("password") && !e.disabled)
        .count();
    if password > 0 && text_inputs <= 8 {
        return Some(PageCategory::Auth);
    }
    None
}

/// An address that carries a search: a query parameter with a value, or a search path.
fn search_url(p: &str, q: &str) -> bool {
    ["q=", "query=", "search=", "s=", "k=", "keyword"]
        .iter()
        .any(|k| {
            q.split('&')
                .any(|kv| kv.starts_with(k) && kv.len() > k.len())
        })
        || p.contains("/search")
        || p.contains("/suche")
}

/// The page says it is one item: an article, a product, a video… (Open Graph or JSON-LD).
/// A comment or cart form on it does not make it a form page.
fn declares_item(snap: &PageSnapshot) -> bool {
    let og = snap.og_type.as_deref().unwrap_or("").to_lowercase();
    let ld_item = snap.ld_types.iter().any(|t| {
        matches!(
            t.as_str(),
            "Article"
                | "NewsArticle"
                | "BlogPosting"
                | "Product"
                | "Recipe"
                | "Report"
                | "TechArticle"
                | "ScholarlyArticle"
                | "Event"
                | "JobPosting"
                | "Book"
                | "Movie"
                | "QAPage"
                | "Question"
                | "VideoObject"
                | "Review"
                | "SocialMediaPosting"
        )
    });
    let item_og = og == "article" || og == "product" || og.starts_with("video") || og == "book";
    item_og || ld_item
}

/// Many headings that are themselves links, or teaser cards: a listing.
fn listing(snap: &PageSnapshot, actions: &[Action]) -> bool {
    let heading_keys: HashSet<String> = snap
        .headings
        .iter()
        .filter(|h| h.level >= 2)
        .map(|h| key(&h.text))
        .collect();
    let heading_links = actions
        .iter()
        .filter(|a| a.kind == ActionKind::Link && heading_keys.contains(&key(&a.description)))
        .count();
    // teaser cards: headings wrapped in links
    let teasers = snap.headings.iter().filter(|h| h.in_action).count();
    heading_links >= 6 || teasers >= 6
}

fn phrase(c: PageCategory) -> &'static str {
    match c {
        PageCategory::Homepage => "a home page",
        PageCategory::SearchResults => "a page of search results",
        PageCategory::DataFeed => "a listing / feed page",
        PageCategory::Item => "a page about a single item (article, product or post)",
        PageCategory::Auth => "a sign-in page",
        PageCategory::Form => "a form to fill in",
        PageCategory::ManageCookies => "a cookie consent screen",
        PageCategory::Payment => "a payment page",
        PageCategory::Captcha => "a captcha challenge",
        PageCategory::Other => "a web page",
    }
}

fn plural(n: usize, one: &str, many: &str) -> String {
    if n == 1 {
        format!("1 {one}")
    } else {
        format!("{n} {many}")
    }
}

/// One paragraph: what the page is (title, site, summary, main heading) and what can be done.
pub fn description(
    snap: &PageSnapshot,
    cat: PageCategory,
    actions: &[Action],
    omitted: usize,
) -> String {
    let mut out = String::new();
    let title = cut(&fold(&snap.title), 120);
    let site = snap
        .canonical
        .as_deref()
        .and_then(host)
        .or_else(|| host(&snap.url));
    if title.is_empty() {
        out.push_str("Untitled page");
    } else {
        out.push_str(&format!("\"{title}\""));
    }
    if let Some(s) = site {
        out.push_str(&format!(" on {s}"));
    }
    out.push_str(&format!(", {}.", phrase(cat)));
    let summary = snap
        .description
        .as_deref()
        .or(snap.lead.as_deref())
        .map(fold)
        .unwrap_or_default();
    if !summary.is_empty() {
        let s = cut(&summary, 220);
        out.push(' ');
        out.push_str(&s);
        if !s.ends_with(['.', '!', '?', '…']) {
            out.push('.');
        }
    }
    if let Some(h1) = snap.h1.as_deref().map(fold) {
        if !h1.is_empty() && !key(&title).contains(&key(&h1)) {
            out.push_str(&format!(" Main heading: \"{}\".", cut(&h1, 100)));
        }
    }
    if snap.modal {
        out.push_str(" A dialog is open; only its controls are usable.");
    }
    let links = actions.iter().filter(|a| a.id.prefix == Prefix::L).count();
    let buttons = actions.iter().filter(|a| a.id.prefix == Prefix::B).count();
    let fields: Vec<&Action> = actions
        .iter()
        .filter(|a| a.id.prefix == Prefix::I)
        .collect();
    let mut can: Vec<String> = Vec::new();
    if !fields.is_empty() {
        let mut groups: Vec<&str> = Vec::new();
        for f in &fields {
            if !groups.contains(&f.category.as_str()) && groups.len() < 3 {
                groups.push(&f.category);
            }
        }
        can.push(format!(
            "fill {} ({})",
            plural(fields.len(), "field", "fields"),
            groups.join(", ")
        ));
    }
    if buttons > 0 {
        can.push(format!("press {}", plural(buttons, "button", "buttons")));
    }
    if links > 0 {
        can.push(format!("follow {}", plural(links, "link", "links")));
    }
    if can.is_empty() {
        out.push_str(" Nothing on it can be clicked or filled in; use the special actions.");
    } else {
        out.push_str(&format!(" You can {}", can.join(", ")));
        if omitted > 0 {
            out.push_str(&format!(" ({omitted} more not listed)"));
        }
        out.push('.');
    }
    if snap.counts.frames_unreachable > 0 {
        out.push_str(&format!(
            " {} embedded frame(s) could not be read.",
            snap.counts.frames_unreachable
        ));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::super::perceive;
    use super::super::snapshot::{ElementSnapshot, PageSnapshot};
    use crate::domain::PageCategory;

    fn input(t: &str, field: &str, name: &str) -> ElementSnapshot {
        ElementSnapshot {
            tag: "input".into(),
            role: if t == "search" {
                "searchbox"
            } else {
                "textbox"
            }
            .into(),
            input_type: Some(t.into()),
            field: Some(field.into()),
            name: Some(name.into()),
            w: 100.0,
            h: 20.0,
            ..Default::default()
        }
    }

    fn page(url: &str, elements: Vec<ElementSnapshot>) -> PageSnapshot {
        let mut s = PageSnapshot {
            url: url.into(),
            title: "T".into(),
            elements,
            ..Default::default()
        };
        for (i, e) in s.elements.iter_mut().enumerate() {
            e.handle = i as u32;
        }
        s
    }

    fn links(n: usize) -> Vec<ElementSnapshot> {
        (0..n)
            .map(|i| ElementSnapshot {
                tag: "a".into(),
                role: "link".into(),
                name: Some(format!("Result {i}")),
                href: Some(format!("/r/{i}")),
                ..Default::default()
            })
            .collect()
    }

    fn cat(s: &PageSnapshot) -> PageCategory {
        perceive(s, 100).category.unwrap()
    }

    #[test]
    fn categories_from_structure() {
        let login = page(
            "https://x.org/login",
            vec![
                input("email", "user", "Email"),
                input("password", "pass", "Password"),
            ],
        );
        assert_eq!(cat(&login), PageCategory::Auth);

        let mut pay = page(
            "https://x.org/checkout",
            vec![
                input("text", "cardnumber", "Card number"),
                input("text", "cvc", "CVC"),
            ],
        );
        pay.elements[0].autocomplete = Some("cc-number".into());
        assert_eq!(cat(&pay), PageCategory::Payment);

        let results = page("https://x.org/search?q=rust", links(20));
        assert_eq!(cat(&results), PageCategory::SearchResults);

        let home = page("https://x.org/", links(5));
        assert_eq!(cat(&home), PageCategory::Homepage);

        let mut article = page("https://x.org/news/2024/a-story", links(5));
        article.og_type = Some("article".into());
        assert_eq!(cat(&article), PageCategory::Item);

        let mut feed = page("https://x.org/blog", links(30));
        feed.counts.articles = 12;
        assert_eq!(cat(&feed), PageCategory::DataFeed);

        let mut captcha = page("https://x.org/verify", vec![]);
        captcha.counts.captcha = 1;
        assert_eq!(cat(&captcha), PageCategory::Captcha);

        let mut form = page(
            "https://x.org/contact",
            vec![
                input("text", "name", "Name"),
                input("email", "email", "Email"),
                input("tel", "phone", "Phone"),
            ],
        );
        form.counts.forms = 1;
        assert_eq!(cat(&form), PageCategory::Form);

        assert_eq!(
            cat(&page("https://x.org/misc/page", links(3))),
            PageCategory::Other
        );
    }

    #[test]
    fn description_says_what_and_how_much() {
        let mut s = page("https://www.x.org/a/b", links(3));
        s.title = "A title".into();
        s.description = Some("What the page is about".into());
        s.h1 = Some("Different heading".into());
        let d = perceive(&s, 2).description;
        assert!(d.starts_with("\"A title\" on x.org"), "{d}");
        assert!(d.contains("What the page is about."), "{d}");
        assert!(d.contains("Main heading: \"Different heading\""), "{d}");
        assert!(d.contains("follow 2 links (1 more not listed)"), "{d}");
    }
}
