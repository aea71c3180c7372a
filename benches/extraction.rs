//! Criterion benchmarks of main-content extraction alone: saved HTML → markdown, over the
//! 91 pages of `../shared/bench/article-extraction/` (decompressed before timing).
//!
//! `cargo bench --bench extraction`. `make bench` compares the same extraction with
//! trafilatura (speed and F1); this shows a slowdown of the pure part on its own.

use std::hint::black_box;
use std::io::Read;
use std::path::Path;

use browserd::scrape::{scrape, ScrapeOptions};
use criterion::{criterion_group, criterion_main, Criterion, Throughput};

/// (url, html) of every page of the benchmark set.
fn pages() -> Vec<(String, String)> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/bench/article-extraction");
    let truth: serde_json::Value = std::fs::read_to_string(dir.join("ground-truth.json"))
        .ok()
        .and_then(|text| serde_json::from_str(&text).ok())
        .unwrap_or_else(|| panic!("{}: no ground-truth.json", dir.display()));
    let mut files: Vec<_> = std::fs::read_dir(dir.join("html"))
        .unwrap_or_else(|e| panic!("{}/html: {e}", dir.display()))
        .filter_map(Result::ok)
        .map(|entry| entry.path())
        .collect();
    files.sort();
    files
        .into_iter()
        .filter_map(|path| {
            let name = path
                .file_name()?
                .to_str()?
                .strip_suffix(".html.gz")?
                .to_string();
            let mut bytes = Vec::new();
            let file = std::fs::File::open(&path).ok()?;
            flate2::read::GzDecoder::new(file)
                .read_to_end(&mut bytes)
                .ok()?;
            let url = truth[&name]["url"]
                .as_str()
                .unwrap_or("https://example.com/");
            Some((
                url.to_string(),
                String::from_utf8_lossy(&bytes).into_owned(),
            ))
        })
        .collect()
}

fn extraction(c: &mut Criterion) {
    let pages = pages();
    assert!(!pages.is_empty(), "no pages in the article-extraction set");
    let mut group = c.benchmark_group("extraction");
    group.throughput(Throughput::Elements(pages.len() as u64));
    for (label, only_main_content) in [("main content", true), ("whole page", false)] {
        let options = ScrapeOptions {
            only_main_content,
            scrape_images: false,
        };
        group.bench_function(format!("{label}, {} pages", pages.len()), |b| {
            b.iter(|| {
                for (url, html) in &pages {
                    black_box(scrape(black_box(html), url, &options));
                }
            })
        });
    }
    group.finish();
}

criterion_group! {
    name = benches;
    config = Criterion::default().sample_size(10).warm_up_time(std::time::Duration::from_secs(1));
    targets = extraction
}
criterion_main!(benches);
