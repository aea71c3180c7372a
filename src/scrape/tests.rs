//! End-to-end tests of the public API (`scrape`, `markdown_to_text`, serde names) on
//! small pages written here. Does not own: unit tests of the parser, entities and
//! URL resolution, which sit beside their code.

use super::*;

const URL: &str = "https://news.example.org/world/2024/story.html";

fn md(html: &str, main: bool) -> String {
    scrape(
        html,
        URL,
        &ScrapeOptions {
            only_main_content: main,
            scrape_images: false,
        },
    )
    .markdown
}

fn full(html: &str) -> String {
    md(html, false)
}

fn images(html: &str) -> Vec<ScrapedImage> {
    scrape(
        html,
        URL,
        &ScrapeOptions {
            only_main_content: false,
            scrape_images: true,
        },
    )
    .images
}

const LOREM: &str = "The committee met on Tuesday to discuss the new budget, which includes funding for schools, roads and hospitals across the region.";

/// A news page with an article among the usual boilerplate.
fn news_page() -> String {
    format!(
        r#"<!doctype html><html><head><title>T</title><style>.x{{color:red}}</style></head><body>
<div id="cookie-banner">We use cookies to improve your experience. Accept all cookies or manage your settings here.</div>
<header class="site-header"><nav><ul><li><a href="/">Home</a></li><li><a href="/world">World</a></li><li><a href="/sport">Sport</a></li></ul></nav></header>
<div class="layout">
<main><article>
<h1>Budget approved after long debate</h1>
<div class="share-buttons"><a href="https://facebook.com/x">Share on Facebook</a> <a href="https://twitter.com/x">Share on Twitter</a></div>
<div class="article-body">
<p>{LOREM}</p>
<p>Officials said the plan, drafted over six months, would be reviewed again next spring by an independent panel of experts.</p>
<h2>What changes</h2>
<p>Most of the new money goes to maintenance, with a smaller share for new projects, according to the finance department.</p>
</div>
<section class="related-articles"><h3>Related</h3><ul><li><a href="/a">Another budget story from last year</a></li><li><a href="/b">Schools get new funding round</a></li><li><a href="/c">Road works delayed again</a></li></ul></section>
<div id="comments" class="comments"><h3>Comments</h3><p>I think this budget is a disaster for everyone who lives in the north of the region, honestly, and so do my neighbours.</p></div>
</article></main>
<aside class="sidebar"><h3>Most read</h3><p>A very long teaser paragraph about something else entirely, written to look like an article paragraph, with commas, words and more words.</p></aside>
</div>
<footer class="site-footer"><p>Copyright 2024 Example News Ltd. All rights reserved. Contact us, privacy policy, terms of use and more.</p></footer>
</body></html>"#
    )
}

#[test]
fn main_content_keeps_article_and_drops_boilerplate() {
    let m = md(&news_page(), true);
    assert!(m.contains(LOREM), "{m}");
    assert!(m.contains("independent panel of experts"), "{m}");
    assert!(m.contains("## What changes"), "{m}");
    for gone in [
        "cookies",
        "Home",
        "Share on Facebook",
        "Another budget story",
        "disaster",
        "Most read",
        "teaser",
        "Copyright",
        "color:red",
    ] {
        assert!(!m.contains(gone), "{gone} should be dropped:\n{m}");
    }
}

#[test]
fn whole_page_keeps_boilerplate() {
    let m = full(&news_page());
    for kept in [
        LOREM,
        "[Home](https://news.example.org/)",
        "Share on Facebook",
        "Another budget story",
        "disaster",
        "Most read",
        "Copyright",
        "# Budget approved after long debate",
    ] {
        assert!(m.contains(kept), "{kept} should be kept:\n{m}");
    }
    assert!(!m.contains("color:red"), "{m}");
    assert!(!m.contains("<title>") && !m.starts_with('T'), "{m}");
}

#[test]
fn headings_paragraphs_and_emphasis() {
    let m = full("<h1>Title</h1><p>One <b>bold</b> and <em>soft</em> word.</p><h3>Sub</h3><p>Two<br>lines</p><hr><p>End</p>");
    assert_eq!(
        m,
        "# Title\n\nOne **bold** and *soft* word.\n\n### Sub\n\nTwo\nlines\n\n---\n\nEnd"
    );
}

#[test]
fn nested_and_ordered_lists() {
    let m = full("<ul><li>a<ul><li>a1</li><li>a2<ol><li>x</li></ol></li></ul></li><li>b</li></ul><ol start=3><li>c</li><li>d</li></ol>");
    assert_eq!(m, "- a\n  - a1\n  - a2\n    1. x\n- b\n\n3. c\n4. d");
}

#[test]
fn tables_become_markdown_tables() {
    let m = full("<table><thead><tr><th>Name</th><th>Score</th></tr></thead><tbody><tr><td>Ann</td><td>3 | 4</td></tr><tr><td colspan=2>total</td></tr></tbody></table>");
    assert_eq!(
        m,
        "| Name | Score |\n| --- | --- |\n| Ann | 3 \\| 4 |\n| total | |"
    );
    // A table without header cells gets an empty header row.
    let m = full("<table><tr><td>a</td><td>b</td></tr><tr><td>c</td><td>d</td></tr></table>");
    assert_eq!(m, "| | |\n| --- | --- |\n| a | b |\n| c | d |");
    // A layout table is read as blocks.
    let m = full("<table><tr><td><p>para one</p><p>para two</p></td></tr></table>");
    assert_eq!(m, "para one\n\npara two");
}

#[test]
fn block_quotes_and_code() {
    let m = full("<blockquote><p>Quoted</p><p>twice</p></blockquote><pre><code class=\"language-rust\">fn main() {\n    let x = 1 < 2;\n}</code></pre><p>Use <code>cargo run</code> now.</p>");
    assert_eq!(m, "> Quoted\n>\n> twice\n\n```rust\nfn main() {\n    let x = 1 < 2;\n}\n```\n\nUse `cargo run` now.");
    let m = full("<pre class=\"highlight-source-python\">print(1)</pre><pre data-lang=\"js\">f()</pre><pre>plain</pre>");
    assert_eq!(
        m,
        "```python\nprint(1)\n```\n\n```js\nf()\n```\n\n```\nplain\n```"
    );
}

#[test]
fn links_are_absolute() {
    let m = full("<p><a href=\"../a.html\">rel</a> <a href=\"/b\">root</a> <a href=\"https://x.org/c\">abs</a> <a href=\"#top\">anchor</a> <a href=\"javascript:void(0)\">js</a> <a href=\"q?x=(1)\">paren</a></p>");
    assert_eq!(
        m,
        "[rel](https://news.example.org/world/a.html) [root](https://news.example.org/b) [abs](https://x.org/c) anchor js [paren](https://news.example.org/world/2024/q?x=%281%29)"
    );
    let m = full("<p><a href=\"/f\" aria-label=\"Follow us on Facebook\"><svg><path d=\"M0\"/></svg></a> <a href=\"/g\" title=\"Go\"></a> <a href=\"/h\"></a></p>");
    assert_eq!(
        m,
        "[Follow us on Facebook](https://news.example.org/f) [Go](https://news.example.org/g)"
    );
    let m = full("<head><base href=\"https://cdn.example.com/base/\"></head><body><a href=\"p\">x</a></body>");
    assert_eq!(m, "[x](https://cdn.example.com/base/p)");
}

#[test]
fn images_keep_alt_text() {
    let m = full("<p><img src=\"/i/cat.jpg\" alt=\"A  cat\"> <a href=\"/p\"><img src=\"x.png\" alt=\"\"></a></p>");
    assert_eq!(m, "![A cat](https://news.example.org/i/cat.jpg) [![](https://news.example.org/world/2024/x.png)](https://news.example.org/p)");
}

#[test]
fn scripts_styles_and_hidden_elements_are_dropped() {
    let html = "<body><script>var a = '<p>no</p>';</script><style>p{}</style><noscript>enable js</noscript><template><p>tpl</p></template>\
        <p hidden>h1</p><p aria-hidden=\"true\">h2</p><p style=\"display: none\">h3</p><p style=\"VISIBILITY:hidden\">h4</p><div class=\"sr-only\">h5</div><nav data-browserd-hidden>h6</nav>\
        <p>shown</p><select><option>opt</option></select></body>";
    assert_eq!(full(html), "shown");
    // A page wrapper hidden from assistive technology while a dialog is open stays.
    let html = "<body><div id=app aria-hidden=true><p>page text</p><p aria-hidden=true>icon</p></div><div role=dialog>Accept cookies?</div></body>";
    assert_eq!(full(html), "page text\n\nAccept cookies?");
}

#[test]
fn whitespace_is_clean() {
    let m = full("<div>\n\n  <p>  a \n\t b  </p>\n\n\n<div><div><p>c</p></div></div>\n<p>   </p><span> d </span>&nbsp;e</div>");
    assert_eq!(m, "a b\n\nc\n\nd e");
    assert!(!m.contains("\n\n\n"));
}

#[test]
fn text_that_looks_like_markdown_is_escaped() {
    let m = full("<p>2 * 3 = [six] and a_b _c_ *d* C:\\dir 1 < 2 <b>x</b> &lt;i&gt; `q`</p><p># not a heading</p><p>1. not a list</p>");
    assert_eq!(
        m,
        "2 * 3 = \\[six\\] and a_b \\_c_ \\*d\\* C:\\dir 1 < 2 **x** \\<i> \\`q\\`\n\n\\# not a heading\n\n1\\. not a list"
    );
    assert_eq!(
        markdown_to_text(&m),
        "2 * 3 = [six] and a_b _c_ *d* C:\\dir 1 < 2 x <i> `q`\n\n# not a heading\n\n1. not a list"
    );
}

#[test]
fn markdown_to_text_strips_syntax_and_urls() {
    let m = "# Title\n\nSome **bold** and *it* with [a link](https://x.org/a_(b)) and ![img](https://x.org/i.png).\n\n- item `code`\n  1. sub\n\n> quote\n\n| a | b |\n| --- | --- |\n| c | d |\n\n```rust\nlet x = 1;\n```\n\n---\n\nend <https://x.org>";
    assert_eq!(markdown_to_text(m), "Title\n\nSome bold and it with a link and .\n\nitem code\nsub\n\nquote\n\na b\n\nc d\n\nlet x = 1;\n\nend");
}

#[test]
fn image_categories() {
    let html = r#"<body>
        <img src="/photo.jpg" alt="Harbour at dawn" width="800" height="600">
        <img src="/ui/search.png" width="16" height="16" alt="search">
        <img src="/x/arrow.png" class="nav-icon" alt="next">
        <img src="/favicon.ico">
        <img src="/spacer.png" alt="">
        <img src="/deco.png" role="presentation" alt="flourish">
        <img src="/pixel.gif" width="1" height="1" alt="">
        <img src="data:image/gif;base64,R0lGOD" data-src="/lazy.jpg" alt="Lazy">
        <img src="/photo.jpg" alt="same url again">
        <img src="/hidden.jpg" style="display:none" alt="hidden">
        <figure><img src="/fig.jpg" alt=""><figcaption>A figure</figcaption></figure>
        <img src="/big.jpg" alt="" width="640" height="360">
        <svg width="24" height="24"><path d="M0 0h24v24H0z"/></svg>
        <svg viewBox="0 0 400 300"><title>Chart</title><rect width="400" height="300"/></svg>
    </body>"#;
    let imgs = images(html);
    let got: Vec<(&str, &str, ImageCategory)> = imgs
        .iter()
        .map(|i| (i.id.as_str(), i.url.as_str(), i.category))
        .collect();
    use ImageCategory::*;
    assert_eq!(
        got[0],
        ("F1", "https://news.example.org/photo.jpg", ContentImage)
    );
    assert_eq!(
        got[1],
        ("F2", "https://news.example.org/ui/search.png", Icon)
    );
    assert_eq!(got[2], ("F3", "https://news.example.org/x/arrow.png", Icon));
    assert_eq!(got[3], ("F4", "https://news.example.org/favicon.ico", Icon));
    assert_eq!(
        got[4],
        ("F5", "https://news.example.org/spacer.png", Decorative)
    );
    assert_eq!(
        got[5],
        ("F6", "https://news.example.org/deco.png", Decorative)
    );
    assert_eq!(
        got[6],
        ("F7", "https://news.example.org/pixel.gif", Decorative)
    );
    assert_eq!(
        got[7],
        ("F8", "https://news.example.org/lazy.jpg", ContentImage)
    );
    assert_eq!(
        got[8],
        ("F9", "https://news.example.org/fig.jpg", ContentImage)
    );
    assert_eq!(
        got[9],
        ("F10", "https://news.example.org/big.jpg", ContentImage)
    );
    assert_eq!(got[10].2, SvgIcon);
    assert!(
        got[10].1.starts_with("data:image/svg+xml,%3Csvg"),
        "{}",
        got[10].1
    );
    assert_eq!(got[11].2, SvgContent);
    assert_eq!(imgs[11].alt.as_deref(), Some("Chart"));
    assert_eq!(imgs.len(), 12, "{imgs:#?}");
    assert_eq!(imgs[0].alt.as_deref(), Some("Harbour at dawn"));
    assert_eq!(imgs[4].alt, None);
}

#[test]
fn images_only_when_asked_and_only_from_main_content() {
    let page = format!("<body><nav><img src=\"/logo.png\" alt=\"Logo\"></nav><article><p>{LOREM}</p><p>{LOREM}</p><img src=\"/story.jpg\" alt=\"Story\"></article></body>");
    let r = scrape(&page, URL, &ScrapeOptions::default());
    assert!(r.images.is_empty());
    let r = scrape(
        &page,
        URL,
        &ScrapeOptions {
            only_main_content: true,
            scrape_images: true,
        },
    );
    assert_eq!(r.images.len(), 1, "{:?}", r.images);
    assert_eq!(r.images[0].url, "https://news.example.org/story.jpg");
}

#[test]
fn serde_names() {
    let img = ScrapedImage {
        id: "F1".into(),
        url: "https://x.org/a.png".into(),
        alt: None,
        category: ImageCategory::ContentImage,
    };
    let json = serde_json::to_string(&Scraped {
        markdown: "m".into(),
        images: vec![img],
        structured: serde_json::json!({"json_ld": []}),
    })
    .unwrap_or_default();
    assert_eq!(
        json,
        r#"{"markdown":"m","images":[{"id":"F1","url":"https://x.org/a.png","alt":null,"category":"content_image"}],"structured":{"json_ld":[]}}"#
    );
    let names: Vec<String> = [
        ImageCategory::Icon,
        ImageCategory::ContentImage,
        ImageCategory::Decorative,
        ImageCategory::SvgIcon,
        ImageCategory::SvgContent,
    ]
    .iter()
    .map(|c| serde_json::to_string(c).unwrap_or_default())
    .collect();
    assert_eq!(
        names,
        [
            "\"icon\"",
            "\"content_image\"",
            "\"decorative\"",
            "\"svg_icon\"",
            "\"svg_content\""
        ]
    );
}

#[test]
fn garbage_never_panics() {
    let mut inputs: Vec<String> = vec![
        String::new(),
        "<".into(),
        "<<<<>>>>".into(),
        "<a href='".into(),
        "<table><td><li><pre><code class='language-".into(),
        "</div></p></body></html>".into(),
        "<ul><li><ul><li><ul>".repeat(50),
        "<div>".repeat(20_000),
        "<b><i><a href=x>".repeat(1000),
        "&#x;&#99999999999;&;&&&amp".into(),
        "\u{0}\u{feff}<p>\u{202e}x</p>".into(),
        "<svg><svg><svg width=abc viewBox='1 2'>".into(),
        "<img src=\"\">".into(),
        "<table><tr><td colspan=99999>x</td></tr></table>".into(),
        "<ol start=-5><li>x</ol><ol start=99999999999999999999><li>y</ol>".into(),
    ];
    let mut seed = 12345u64;
    for _ in 0..200 {
        let mut s = String::new();
        for _ in 0..200 {
            seed = seed
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            let pieces = [
                "<p>",
                "</p>",
                "<a href=/x>",
                "</a>",
                "<table>",
                "<td>",
                "<li>",
                "<pre>",
                "&amp;",
                "<!--",
                "-->",
                "<script>",
                "é",
                " ",
                "x",
                "<br/>",
                "<",
                ">",
                "\"",
                "<h2>",
                "<img src=a.png>",
            ];
            s.push_str(pieces[(seed >> 33) as usize % pieces.len()]);
        }
        inputs.push(s);
    }
    for html in &inputs {
        for main in [true, false] {
            for url in [URL, "", "not a url"] {
                let r = scrape(
                    html,
                    url,
                    &ScrapeOptions {
                        only_main_content: main,
                        scrape_images: true,
                    },
                );
                assert!(!r.markdown.contains("\n\n\n"), "{html:?}\n{:?}", r.markdown);
                let _ = markdown_to_text(&r.markdown);
            }
        }
    }
}

#[test]
fn deep_nesting_fits_a_small_thread_stack() {
    // Server worker threads often have 2 MiB stacks; nesting is capped by the parser.
    let mut html = String::new();
    for k in 0..5000 {
        html.push_str(
            [
                "<div>",
                "<b>",
                "<a href=/x>",
                "<ul><li>",
                "<table><tr><td>",
                "<blockquote>",
                "<em>",
                "<svg>",
            ][k % 8],
        );
        html.push('x');
    }
    let handle = std::thread::Builder::new()
        .stack_size(1 << 20)
        .spawn(move || {
            let mut n = 0;
            for main in [true, false] {
                let r = scrape(
                    &html,
                    URL,
                    &ScrapeOptions {
                        only_main_content: main,
                        scrape_images: true,
                    },
                );
                n += r.markdown.len();
            }
            n
        });
    let joined = handle.map(|h| h.join().is_ok()).unwrap_or(false);
    assert!(joined);
}

#[test]
fn page_without_prose_keeps_content_minus_furniture() {
    let html = "<body><nav><a href=/a>Menu A</a><a href=/b>Menu B</a></nav><h1>Catalogue</h1><ul><li><a href=/i/1>Item one</a></li><li><a href=/i/2>Item two</a></li></ul><footer>Imprint</footer></body>";
    let m = md(html, true);
    assert_eq!(m, "# Catalogue\n\n- [Item one](https://news.example.org/i/1)\n- [Item two](https://news.example.org/i/2)");
}

#[test]
fn short_main_text_grows_to_its_container() {
    // A product: the description is the only prose; name, price and facts sit beside it.
    let html = format!(
        "<body><nav><a href=/>Shop</a> <a href=/wine>Wine</a></nav><div class=product><h2>Zinfandel Rosé</h2><p class=price>7,49 €</p>\
         <ul><li>sweet</li><li>USA</li></ul><div class=description><p>{LOREM}</p><p>{LOREM}</p></div></div>\
         <div class=related><h3>Customers also bought</h3><p><a href=/x>Another wine with a long name</a></p></div></body>"
    );
    let m = md(&html, true);
    assert!(
        m.contains("## Zinfandel Rosé")
            && m.contains("7,49 €")
            && m.contains("- USA")
            && m.contains(LOREM),
        "{m}"
    );
    assert!(
        !m.contains("Shop") && !m.contains("Customers also bought"),
        "{m}"
    );
}

#[test]
fn furniture_after_the_article_and_ad_labels_are_dropped() {
    let html = format!(
        "<body><article><p>{LOREM}</p><div class=x9><span>Advertisement</span></div><p>{LOREM} Again.</p>\
         <blockquote class=twitter-tweet><p>An embedded post that belongs to the story, quoted in full here.</p></blockquote>\
         <div class=social-media-embed><blockquote><p>Another embedded post quoted inside a social embed box.</p></blockquote></div>\
         <p>Read more</p><p><b>Filed under:</b> Politics</p><hr><h3>The next story in our series about the city budget</h3></article></body>"
    );
    let m = md(&html, true);
    assert!(
        m.contains("Again.")
            && m.contains("> An embedded post")
            && m.contains("> Another embedded post"),
        "{m}"
    );
    assert!(
        !m.contains("Advertisement") && !m.contains("Read more") && !m.contains("Filed under"),
        "{m}"
    );
}

#[test]
fn data_table_is_main_content() {
    let mut rows = String::new();
    for k in 0..30 {
        rows.push_str(&format!(
            "<tr><td>Station {k}</td><td>{k}.5 mm</td><td>north-east wind</td></tr>"
        ));
    }
    let html = format!(
        "<body><nav><a href=/>Home</a> <a href=/w>Weather</a></nav><div class=page><h1>Rainfall</h1><p>Rainfall by station, yesterday.</p>\
         <table><tr><th>Station</th><th>Rain</th><th>Wind</th></tr>{rows}</table></div><footer>About us</footer></body>"
    );
    let m = md(&html, true);
    assert!(m.starts_with("Rainfall by station, yesterday.\n\n| Station | Rain | Wind |\n| --- | --- | --- |\n| Station 0 | 0.5 mm | north-east wind |"), "{m}");
    assert!(
        m.ends_with("| Station 29 | 29.5 mm | north-east wind |"),
        "{m}"
    );
    assert!(!m.contains("Home") && !m.contains("About us"), "{m}");
}

/// Generated hostile pages: none panics, each fits a 1 MiB stack, and the output stays
/// proportional to the input (markdown) or capped (structured data). Time is not
/// asserted (machines are noisy); the inputs are sized so that quadratic work would
/// show as a test that does not finish.
#[test]
fn generated_pages_stay_bounded() {
    let big = "a".repeat(2_000_000);
    let pages: Vec<String> = vec![
        // Very wide: 100,000 siblings, and as many look-alike "comment" blocks.
        "<div><p>word and more words, here.</p></div>".repeat(100_000),
        "<div class=\"comment\"><p>A reply that says something, at length.</p></div>"
            .repeat(50_000),
        // Very deep, of every kind of container.
        "<div><section><article><ul><li><table><tr><td>".repeat(20_000),
        // Unclosed and stray tags.
        "<p><span><div><li><td><a href=x><h2><pre><code>".repeat(20_000),
        "</div></li></td></tr></table></a></p>x".repeat(20_000),
        // Huge attribute values, closed and unclosed, and one huge text node.
        format!("<div class=\"{big}\" id='{big}'><p>text</p></div>"),
        format!("<a href=\"{big}"),
        format!("<p>{big}</p>"),
        format!("<meta property=\"og:title\" content=\"{big}\"><title>{big}</title>"),
        // Structured data in bulk.
        "<script type=\"application/ld+json\">{\"@type\":\"Product\",\"name\":\"x\"}</script>"
            .repeat(10_000),
        "<div itemscope itemprop=\"a\"><span itemprop=\"b\">v</span>".repeat(20_000),
        // A declared thread of many marked posts, each named as boilerplate.
        format!(
            "<script type=\"application/ld+json\">{{\"@type\":\"QAPage\"}}</script>{}",
            "<div class=comment itemprop=text><p>An answer of some length, with words.</p><div class=signature>sig</div></div>"
                .repeat(30_000)
        ),
        // Content only in noscript, deeply nested there.
        format!(
            "<noscript>{}</noscript>",
            "<div><p>Some words in a paragraph here.".repeat(20_000)
        ),
    ];
    for html in pages {
        let len = html.len();
        let handle = std::thread::Builder::new()
            .stack_size(1 << 20)
            .spawn(move || {
                let mut sizes = Vec::new();
                for main in [true, false] {
                    let r = scrape(
                        &html,
                        URL,
                        &ScrapeOptions {
                            only_main_content: main,
                            scrape_images: true,
                        },
                    );
                    let structured = serde_json::to_string(&r.structured).unwrap_or_default();
                    sizes.push((r.markdown.len(), structured.len(), r.images.len()));
                }
                sizes
            });
        let sizes = handle.ok().and_then(|h| h.join().ok()).unwrap_or_default();
        assert_eq!(sizes.len(), 2, "panicked on a page of {len} bytes");
        for (markdown, structured, _) in sizes {
            assert!(markdown <= 4 * len + 1000, "{markdown} for {len}");
            assert!(structured <= 2_000_000, "{structured} for {len}");
        }
    }
}

#[test]
fn thread_posts_named_comment_are_the_content() {
    // On a forum every post is a "comment"; together they are the page.
    let post = |who: &str| {
        format!("<article class=\"ipsComment post\"><div class=author>{who}</div><div class=comment-body><p>{LOREM}</p></div></article>")
    };
    let html = format!(
        "<body><nav><a href=/>Forums</a></nav><main><h1>Which budget?</h1><div id=comments>{}{}{}</div></main>\
         <aside><p><a href=/t/2>Another topic with a title</a></p></aside></body>",
        post("ann"),
        post("bob"),
        post("cy")
    );
    let m = md(&html, true);
    assert_eq!(m.matches(LOREM).count(), 3, "{m}");
    assert!(!m.contains("Another topic"), "{m}");
    // On a news page, the comments under a long article stay out.
    let article = format!(
        "<body><article><h1>Budget</h1>{}</article><div class=comments>{}{}</div></body>",
        format!("<p>{LOREM} {LOREM}</p>").repeat(8),
        "<div class=comment><p>What a waste of money, again and again and again!</p></div>",
        "<div class=comment><p>Finally some good news for the schools in our area.</p></div>"
    );
    let m = md(&article, true);
    assert!(m.contains(LOREM) && !m.contains("waste of money"), "{m}");
}

#[test]
fn listing_items_outweigh_a_blurb() {
    // A category page: a paragraph of blurb, and the items, each a link and a price.
    let items: String = (1..=12)
        .map(|k| format!("<div class=\"tile card\"><h3><a href=/p/{k}>Desk lamp model {k} with dimmer</a></h3><span class=price>{k}9.00 €</span></div>"))
        .collect();
    let html = format!(
        "<body><nav><a href=/>Home</a> <a href=/lamps>Lamps</a></nav><main><h1>Desk lamps</h1>\
         <div class=grid>{items}</div><div class=seo><p>{LOREM}</p></div></main><footer><a href=/imprint>Imprint</a></footer></body>"
    );
    let m = md(&html, true);
    assert!(
        m.contains("Desk lamp model 1 with dimmer") && m.contains("Desk lamp model 12 with dimmer"),
        "{m}"
    );
    assert!(m.contains("129.00 €"), "{m}");
    assert!(!m.contains("Imprint") && !m.contains("Home"), "{m}");
}

#[test]
fn product_page_keeps_name_and_facts_beside_its_description() {
    let html = format!(
        "<head><script type=\"application/ld+json\">{{\"@context\":\"https://schema.org\",\"@type\":\"Product\",\"name\":\"Summit 24\",\
         \"offers\":{{\"price\":\"499.00\",\"priceCurrency\":\"EUR\",\"availability\":\"https://schema.org/InStock\"}}}}</script></head>\
         <body><nav><a href=/>Shop</a></nav><div class=pdp><div class=buybox><h1>Summit 24 fire pit</h1><p class=price>499,00 €</p>\
         <table><tr><th>Weight</th><td>20 kg</td></tr><tr><th>Height</th><td>45 cm</td></tr></table></div>\
         <div class=details><h2>Description</h2>{}</div></div></body>",
        format!("<p>{LOREM}</p>").repeat(6)
    );
    let r = scrape(&html, URL, &ScrapeOptions::default());
    let m = &r.markdown;
    assert!(
        m.contains("Summit 24 fire pit") && m.contains("499,00 €") && m.contains("20 kg"),
        "{m}"
    );
    assert!(m.contains(LOREM) && !m.contains("Shop"), "{m}");
    assert_eq!(r.structured["json_ld"][0]["offers"]["price"], "499.00");
}

#[test]
fn content_only_in_noscript_is_shown() {
    // A saved page of a script app: the crawler view is in <noscript>.
    let html = format!(
        "<body><div id=app></div><noscript><div role=main><h1>Topic</h1><p>{LOREM}</p><p>{LOREM}</p></div></noscript></body>"
    );
    assert!(md(&html, true).contains(LOREM));
    // Elsewhere <noscript> is a note for browsers without scripts.
    let html = format!("<body><p>{LOREM}</p><p>{LOREM}</p><noscript><p>Please enable JavaScript to use this site.</p></noscript></body>");
    assert!(!md(&html, true).contains("enable JavaScript"));
}

#[test]
fn closed_tabs_and_accordions_are_content() {
    let html = format!(
        "<body><main><h1>Fire pit</h1><p>{LOREM}</p><div class=accordion><button>Specifications</button>\
         <div class=\"chakra-collapse\" style=\"display:none\"><p>Weight: 20 kg, height 45 cm, steel.</p></div></div>\
         <div role=tabpanel hidden><p>Care: wipe with a dry cloth after each use.</p></div>\
         <div style=\"display:none\"><p>A modal nobody opened.</p></div></main></body>"
    );
    let m = md(&html, true);
    assert!(
        m.contains("Weight: 20 kg") && m.contains("Care: wipe"),
        "{m}"
    );
    assert!(!m.contains("modal nobody"), "{m}");
}

#[test]
fn hidden_content_shows_when_the_visible_page_is_only_a_shell() {
    // Streamed server rendering saved before its scripts ran: the page is in hidden parts.
    let body = format!(
        "<h1>Protein shake</h1>{}",
        format!("<p>{LOREM}</p>").repeat(6)
    );
    let html = format!("<body><a href=#main>Skip to content</a><div hidden id=\"S:1\"><main>{body}</main></div></body>");
    assert!(md(&html, true).contains(LOREM));
    // Hidden text beside a real page stays hidden.
    let html = format!("<body><main>{body}</main><div hidden><p>A hidden draft that must not show.</p></div></body>");
    assert!(!md(&html, true).contains("hidden draft"));
}

#[test]
fn a_declared_discussion_is_its_marked_posts() {
    let post = |who: &str, text: &str| {
        format!("<li class=post><div class=\"post-header d-flex\"><a href=/u/{who}>{who}</a> wrote on 2024-04-17</div>\
                 <div class=content itemprop=text><p>{text}</p></div><div class=tools><a href=#>Reply</a> <a href=#>Quote</a></div></li>")
    };
    let html = format!(
        "<head><script type=\"application/ld+json\">{{\"@type\":\"DiscussionForumPosting\",\"headline\":\"Which Qt6?\"}}</script></head>\
         <body><main><h1>Which Qt6?</h1><ul class=posts>{}{}</ul></main></body>",
        post("JonB", &format!("{LOREM} {LOREM}")),
        post(
            "JoeCFD",
            "Take the one your distribution packages, and build the rest from source when needed; it saves a day.",
        )
    );
    let m = md(&html, true);
    assert!(
        m.contains(LOREM) && m.contains("build the rest from source"),
        "{m}"
    );
    assert!(!m.contains("wrote on") && !m.contains("Quote"), "{m}");
}

#[test]
fn links_back_to_back_are_spaced() {
    let m = full("<p><a href=/t/a>Open World</a><a href=/t/b>Multiplayer</a>, and <a href=/c>one</a> more.</p>");
    assert_eq!(
        markdown_to_text(&m),
        "Open World Multiplayer, and one more."
    );
}

#[test]
fn inline_labels_glued_by_markup_are_spaced() {
    let m = full("<div><span class=badge>Genuine Part</span><span>Lifetime Guarantee</span></div><p>x<span>yz</span> and <b>A</b>BC</p>");
    assert_eq!(
        markdown_to_text(&m),
        "Genuine Part Lifetime Guarantee\n\nxyz and ABC"
    );
}
