//! Hostile input, found by machines: the parser and the extraction on the html5lib test
//! suite's inputs (an external corpus of malformed HTML), on generated input (proptest),
//! and on the extremes (100,000 levels deep, a million siblings, huge attributes, bad
//! UTF-8 and entities). None may panic; memory is bounded by a cap on the parsed tree
//! (nodes ≤ input bytes + 1) and the output by the input's size; on generated
//! well-formed documents the whole-page text is the documents' text. Time is not
//! asserted (machines are noisy): quadratic work shows as a test that does not finish.
//! Does not own: the hand-written cases of `tests.rs`.

use std::path::PathBuf;

use proptest::prelude::*;

use super::*;

const URL: &str = "https://example.org/dir/page.html";

/// Every output bound one page must keep, in both modes, with images. Returns the
/// whole-page markdown.
fn check_bounded(html: &str) -> String {
    let nodes = dom::parse(html).len();
    assert!(
        nodes <= html.len() + 1,
        "{nodes} nodes for {} bytes",
        html.len()
    );
    let mut whole = String::new();
    for main in [true, false] {
        let r = scrape(
            html,
            URL,
            &ScrapeOptions {
                only_main_content: main,
                scrape_images: true,
            },
        );
        assert!(
            r.markdown.len() <= 4 * html.len() + 1000,
            "{} bytes of markdown for {} of input",
            r.markdown.len(),
            html.len()
        );
        assert!(!r.markdown.contains("\n\n\n"), "blank-line run");
        assert!(
            r.images.len() <= html.len() / 4 + 1,
            "{} images",
            r.images.len()
        );
        let structured = serde_json::to_string(&r.structured).unwrap_or_default();
        assert!(structured.len() <= 2 * html.len() + 2_000_000);
        let text = markdown_to_text(&r.markdown);
        assert!(text.len() <= r.markdown.len() + 1);
        if !main {
            whole = r.markdown;
        }
    }
    whole
}

/// Runs `check` on a thread with a 1 MiB stack (server worker threads have 2 MiB): deep
/// input must not need a deep stack.
fn on_small_stack<T: Send + 'static>(check: impl FnOnce() -> T + Send + 'static) -> T {
    let handle = std::thread::Builder::new()
        .stack_size(1 << 20)
        .spawn(check)
        .expect("thread");
    match handle.join() {
        Ok(value) => value,
        Err(panic) => std::panic::resume_unwind(panic),
    }
}

// ------------------------------------------------------------------ the html5lib corpus

/// Where the html5lib test suite's data is: `BROWSERD_HTML5LIB_TESTS`, or where
/// `make html5lib-tests` (part of `make test`) unpacks it.
fn html5lib_dir() -> PathBuf {
    std::env::var_os("BROWSERD_HTML5LIB_TESTS")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("target/html5lib-tests"))
}

/// The `#data` sections of a tree-construction `.dat` file.
fn tree_construction_inputs(text: &str) -> Vec<String> {
    let mut inputs = Vec::new();
    let mut current: Option<Vec<&str>> = None;
    for line in text.split('\n') {
        if line == "#data" {
            current = Some(Vec::new());
        } else if line.starts_with('#') && current.is_some() {
            inputs.push(current.take().unwrap_or_default().join("\n"));
        } else if let Some(lines) = current.as_mut() {
            lines.push(line);
        }
    }
    inputs
}

/// The `input`s of a tokenizer `.test` file (JSON).
fn tokenizer_inputs(text: &str) -> Vec<String> {
    let Ok(json) = serde_json::from_str::<serde_json::Value>(text) else {
        return Vec::new();
    };
    ["tests", "xmlViolationTests"]
        .iter()
        .filter_map(|key| json[key].as_array())
        .flatten()
        .filter_map(|test| test["input"].as_str().map(String::from))
        .collect()
}

fn html5lib_corpus() -> Vec<String> {
    let root = html5lib_dir();
    let mut inputs = Vec::new();
    for (folder, read) in [
        (
            "tree-construction",
            tree_construction_inputs as fn(&str) -> Vec<String>,
        ),
        ("tokenizer", tokenizer_inputs),
    ] {
        let Ok(entries) = std::fs::read_dir(root.join(folder)) else {
            continue;
        };
        let mut paths: Vec<PathBuf> = entries.filter_map(|e| e.ok().map(|e| e.path())).collect();
        paths.sort();
        for path in paths {
            if let Ok(bytes) = std::fs::read(&path) {
                inputs.extend(read(&String::from_utf8_lossy(&bytes)));
            }
        }
    }
    inputs
}

#[test]
fn html5lib_corpus_never_panics_and_stays_bounded() {
    let inputs = html5lib_corpus();
    // The suite has about 1,700 tree-construction and 5,000 tokenizer cases: far fewer
    // means the corpus is missing, not that the parser passed.
    assert!(
        inputs.len() >= 3000,
        "only {} html5lib inputs under {}: run `make html5lib-tests` (part of `make test`) \
         or set BROWSERD_HTML5LIB_TESTS to the suite's testdata folder",
        inputs.len(),
        html5lib_dir().display()
    );
    on_small_stack(move || {
        for input in &inputs {
            check_bounded(input);
        }
        // All of them as one page: every malformation after every other.
        check_bounded(&inputs.concat());
    });
}

// ------------------------------------------------------------------ the extremes

#[test]
fn a_hundred_thousand_levels_deep() {
    on_small_stack(|| {
        for open in ["<div>", "<b>", "<ul><li>", "<table><tr><td>", "<span><p>"] {
            let html = format!("{}text at the bottom", open.repeat(100_000));
            let whole = check_bounded(&html);
            assert!(whole.contains("text at the bottom"), "{open}: {whole:.200}");
        }
        // An SVG's text is part of a picture, not of the page's text: bounded, not kept.
        check_bounded(&format!("{}text", "<svg><g>".repeat(100_000)));
    });
}

#[test]
fn a_million_siblings() {
    on_small_stack(|| {
        let html = format!("<body>{}</body>", "<p>w</p>".repeat(1_000_000));
        let whole = check_bounded(&html);
        assert_eq!(whole.matches('w').count(), 1_000_000);
        check_bounded(&"<br>".repeat(1_000_000));
        check_bounded(&"<li>x".repeat(1_000_000));
    });
}

#[test]
fn huge_attributes_unclosed_constructs_and_bad_entities() {
    let huge = "x".repeat(4_000_000);
    let pages = [
        format!("<div title=\"{huge}\" class='{huge}' data-a={huge}>after</div>"),
        format!("<img src=\"{huge}\" alt=\"{huge}\"><a href=\"javascript:{huge}\">link</a>"),
        format!("<p>{}</p>", "&".repeat(1_000_000)),
        format!("<p>{}</p>", "&#".repeat(500_000)),
        format!(
            "<p>{}</p>",
            "&#x1F600;&#xD800;&#x110000;&#0;&#99999999999999999999;&amp&lt&gt;&notin;&notit;&zzzz;"
                .repeat(50_000)
        ),
        format!("<div a{}>", "=".repeat(1_000_000)),
        format!("<{}>", "a".repeat(1_000_000)),
        format!("</{}", "a ".repeat(1_000_000)),
        format!("<!--{}", "-".repeat(1_000_000)),
        format!("<script>{}", "</scrip".repeat(200_000)),
        format!("<title>{}", "<".repeat(1_000_000)),
        format!("<textarea>{}", "&amp;".repeat(200_000)),
        format!("<p {}>", "a=1 ".repeat(500_000)),
        "<".repeat(2_000_000),
        "<!".repeat(1_000_000),
        "<a href=".repeat(300_000),
    ];
    for html in pages {
        on_small_stack(move || {
            check_bounded(&html);
        });
    }
}

#[test]
fn bad_utf8_becomes_text_not_trouble() {
    // The browser hands over a `String`; bad bytes reach the parser as U+FFFD.
    let mut bytes: Vec<u8> = Vec::new();
    for i in 0..200_000u32 {
        bytes.extend_from_slice(match i % 7 {
            0 => b"<p>ok ",
            1 => &[0xC3, 0x28],
            2 => &[0xE2, 0x82],
            3 => &[0xF0, 0x28, 0x8C, 0xBC],
            4 => &[0xFF, 0xFE, 0x00],
            5 => &[0xED, 0xA0, 0x80],
            _ => b"&#xFFFD;</p>",
        });
    }
    let html = String::from_utf8_lossy(&bytes).into_owned();
    on_small_stack(move || {
        let whole = check_bounded(&html);
        assert!(whole.contains("ok"));
    });
}

// ------------------------------------------------------------------ generated input

/// Pieces of HTML that combine into every kind of malformation.
fn soup_piece() -> impl Strategy<Value = String> {
    let fixed = prop::sample::select(vec![
        "<p>",
        "</p>",
        "<div>",
        "</div>",
        "<a href=/x>",
        "</a>",
        "<table>",
        "<tr>",
        "<td>",
        "</td>",
        "<li>",
        "<ul>",
        "</ul>",
        "<ol start=-3>",
        "<pre>",
        "<code class='language-",
        "<!--",
        "-->",
        "<script>",
        "</script>",
        "<style>",
        "</style>",
        "<title>",
        "<textarea>",
        "<svg>",
        "<math>",
        "<template>",
        "<noscript>",
        "<br/>",
        "<img src=a.png alt=\"",
        "<h2>",
        "<h7>",
        "<blockquote>",
        "<",
        ">",
        "</",
        "\"",
        "'",
        "=",
        "&",
        "&amp;",
        "&#",
        "&#x",
        ";",
        "&nbsp",
        "<![CDATA[",
        "]]>",
        "<!DOCTYPE",
        "<?xml",
        "\u{0}",
        "\u{feff}",
        "\r\n",
        "\t",
        " ",
        "é",
        "<meta property=og:title content=",
        "<script type=application/ld+json>{\"@type\":",
        "<div itemscope itemtype=",
        "itemprop=name",
        "<base href=",
        "hidden",
        "aria-hidden=true",
        "class=comment",
        "<nav>",
        "<footer>",
        "<main>",
        "<article>",
    ])
    .prop_map(String::from);
    prop_oneof![
        4 => fixed,
        1 => "[a-z]{1,12}",
        1 => any::<String>(),
        1 => "<[a-zA-Z][a-zA-Z0-9-]{0,10}( [a-z]{1,5}(=(\"[^\"]{0,20}\"|'[^']{0,20}'|[a-z0-9]{1,5}))?){0,3}/?>",
        1 => "&#?[xX]?[0-9a-fA-F]{0,12};?",
    ]
}

/// A well-formed document's body: nested blocks and inline elements around words of
/// lowercase letters, and the same words in order.
fn well_formed() -> impl Strategy<Value = (String, String)> {
    let word = "[a-z]{1,8}".prop_map(|w| (w.clone(), w));
    word.prop_recursive(6, 120, 6, |inner| {
        (
            prop::sample::select(vec![
                ("<div>", "</div>"),
                ("<p>", "</p>"),
                ("<section>", "</section>"),
                ("<article>", "</article>"),
                ("<blockquote>", "</blockquote>"),
                ("<h2>", "</h2>"),
                ("<ul><li>", "</li></ul>"),
                ("<ol><li>", "</li></ol>"),
                ("<span>", "</span>"),
                ("<b>", "</b>"),
                ("<em>", "</em>"),
                ("<a href=\"/p\">", "</a>"),
            ]),
            prop::collection::vec(inner, 1..5),
        )
            .prop_map(|((open, close), children)| {
                let html: Vec<&str> = children.iter().map(|(h, _)| h.as_str()).collect();
                let text: Vec<&str> = children.iter().map(|(_, t)| t.as_str()).collect();
                (format!("{open}{}{close}", html.join(" ")), text.join(" "))
            })
    })
}

/// The lowercase letters of a text, in order: what survives any markdown syntax,
/// spacing or line breaking.
fn letters(text: &str) -> String {
    text.chars().filter(char::is_ascii_lowercase).collect()
}

proptest! {
    // 300 cases each unless PROPTEST_CASES says otherwise.
    #![proptest_config(ProptestConfig::with_cases(
        std::env::var("PROPTEST_CASES").ok().and_then(|n| n.parse().ok()).unwrap_or(300)
    ))]

    #[test]
    fn generated_soup_never_panics_and_stays_bounded(pieces in prop::collection::vec(soup_piece(), 0..300)) {
        check_bounded(&pieces.concat());
    }

    #[test]
    fn arbitrary_bytes_never_panic(bytes in prop::collection::vec(any::<u8>(), 0..4000)) {
        check_bounded(&String::from_utf8_lossy(&bytes));
    }

    #[test]
    fn well_formed_text_is_kept_whole_and_in_order((body, text) in well_formed()) {
        let html = format!("<!doctype html><html><head><title>1</title></head><body>{body}</body></html>");
        let whole = check_bounded(&html);
        prop_assert_eq!(letters(&markdown_to_text(&whole)), letters(&text), "{}", whole);
        // The main content is a part of the page: its letters come from the page, in order.
        let main = scrape(&html, URL, &ScrapeOptions::default()).markdown;
        let page = letters(&text);
        let mut rest = page.as_str();
        for c in letters(&markdown_to_text(&main)).chars() {
            let found = rest.find(c);
            prop_assert!(found.is_some(), "main content {:?} is not in the page {:?}", main, text);
            rest = &rest[found.unwrap_or(0) + c.len_utf8()..];
        }
    }
}
