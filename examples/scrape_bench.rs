//! Benchmark and scoring driver for `scrape` on a benchmark corpus (`article-extraction`,
//! `web-2026`: any directory with `html/<id>.html.gz` and `ground-truth.json`).
//!
//! `cargo run --release --example scrape_bench -- BENCH_DIR OUTDIR [--full] [--passes N] [--json]`
//! reads BENCH_DIR/html/<id>.html.gz (+ URLs from ground-truth.json), writes
//! OUTDIR/<id>.txt (the text of the markdown, for eval_extraction.py) and
//! OUTDIR/<id>.md, and prints pages per second of parse + extraction + markdown
//! (gunzip and file I/O excluded; one warm-up pass discarded, then the median of the
//! passes, one thread), by wall clock and by the thread's CPU time (the latter does not
//! depend on other load). `--json` prints one JSON line instead, the counterpart of
//! `bench/trafilatura_bench.py`'s, for `make bench`.

use std::io::Read;
use std::time::Instant;

use browserd::scrape::{markdown_to_text, scrape, ScrapeOptions};

fn main() {
    let args: Vec<String> = std::env::args().collect();
    if args.len() < 3 {
        eprintln!("usage: scrape_bench BENCH_DIR OUTDIR [--full] [--passes N] [--json]");
        std::process::exit(2);
    }
    let (dir, out) = (&args[1], &args[2]);
    let full = args.iter().any(|a| a == "--full");
    let json = args.iter().any(|a| a == "--json");
    let passes: usize = args
        .iter()
        .position(|a| a == "--passes")
        .and_then(|k| args.get(k + 1))
        .and_then(|v| v.parse().ok())
        .unwrap_or(7);
    std::fs::create_dir_all(out).expect("create OUTDIR");
    let gt: serde_json::Value = std::fs::read_to_string(format!("{dir}/ground-truth.json"))
        .ok()
        .and_then(|s| serde_json::from_str(&s).ok())
        .unwrap_or_default();
    let mut pages = Vec::new();
    let mut entries: Vec<_> = std::fs::read_dir(format!("{dir}/html"))
        .expect("read BENCH_DIR/html")
        .filter_map(Result::ok)
        .map(|e| e.path())
        .collect();
    entries.sort();
    for path in entries {
        let name = path
            .file_name()
            .and_then(|n| n.to_str())
            .unwrap_or("")
            .to_string();
        let Some(id) = name.strip_suffix(".html.gz") else {
            continue;
        };
        let mut bytes = Vec::new();
        let f = std::fs::File::open(&path).expect("open page");
        flate2::read::GzDecoder::new(f)
            .read_to_end(&mut bytes)
            .expect("gunzip page");
        let html = String::from_utf8_lossy(&bytes).into_owned();
        let url = gt
            .get(id)
            .and_then(|v| v.get("url"))
            .and_then(|u| u.as_str())
            .unwrap_or("https://example.com/")
            .to_string();
        pages.push((id.to_string(), url, html));
    }
    let opts = ScrapeOptions {
        only_main_content: !full,
        scrape_images: false,
    };
    let results: Vec<String> = pages
        .iter()
        .map(|(_, url, html)| scrape(html, url, &opts).markdown)
        .collect();
    let mut times = Vec::new();
    let mut cpu_times = Vec::new();
    for _ in 0..passes.max(1) {
        let cpu0 = thread_cpu_seconds();
        let t = Instant::now();
        for (_, url, html) in &pages {
            std::hint::black_box(scrape(html, url, &opts));
        }
        times.push(t.elapsed().as_secs_f64());
        if let (Some(a), Some(b)) = (cpu0, thread_cpu_seconds()) {
            cpu_times.push(b - a);
        }
    }
    for ((id, _, _), md) in pages.iter().zip(&results) {
        std::fs::write(format!("{out}/{id}.md"), md).expect("write md");
        std::fs::write(format!("{out}/{id}.txt"), markdown_to_text(md)).expect("write txt");
    }
    let median = |mut v: Vec<f64>| {
        v.sort_by(|a, b| a.total_cmp(b));
        v.get(v.len() / 2).copied().unwrap_or(f64::NAN)
    };
    let n = pages.len() as f64;
    let mb = pages.iter().map(|p| p.2.len()).sum::<usize>() as f64 / 1e6;
    let wall = median(times.clone());
    if json {
        let cpu = median(cpu_times.clone());
        let line = serde_json::json!({
            "extractor": format!("browserd {}", env!("CARGO_PKG_VERSION")),
            "pages": pages.len(),
            "passes": passes,
            "cpu_pages_per_s": n / cpu,
            "wall_pages_per_s": n / wall,
            "cpu_pass_s": cpu_times,
            "wall_pass_s": times,
        });
        println!("{line}");
        return;
    }
    println!(
        "{} pages, {mb:.1} MB, {passes} passes, one thread",
        pages.len()
    );
    println!(
        "wall clock: median pass {wall:.3}s = {:.0} pages/s ({:.0} MB/s)",
        n / wall,
        mb / wall
    );
    if !cpu_times.is_empty() {
        // CPU time of this thread: the figure that does not depend on other load.
        let cpu = median(cpu_times);
        println!(
            "thread CPU: median pass {cpu:.3}s = {:.0} pages/s ({:.0} MB/s)",
            n / cpu,
            mb / cpu
        );
    }
}

/// CPU time consumed by the calling thread (Linux `/proc/thread-self/schedstat`).
fn thread_cpu_seconds() -> Option<f64> {
    let s = std::fs::read_to_string("/proc/thread-self/schedstat").ok()?;
    let ns: u64 = s.split_whitespace().next()?.parse().ok()?;
    Some(ns as f64 / 1e9)
}
