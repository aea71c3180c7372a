//! Criterion benchmarks of perception alone, without a browser: the page snapshot that
//! collect.js returns (JSON) → the action space an observation lists, on the snapshots
//! recorded from the real bench pages (`tests/perception/fixtures/snapshots/`).
//!
//! `cargo bench --bench perception`. `make bench` measures the same work through the
//! browser and beside Playwright; this shows a slowdown of the pure part on its own.

use std::hint::black_box;
use std::path::Path;

use browserd::perception::{perceive, PageSnapshot};
use criterion::{criterion_group, criterion_main, Criterion, Throughput};

/// The recorded snapshots of the real pages (named after their site, so with a dot; the
/// fixture pages of the perception tests have none) and of the synthetic large page.
fn snapshots() -> (Vec<String>, String) {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/perception/fixtures/snapshots");
    let mut real = Vec::new();
    let mut synthetic = None;
    let mut entries: Vec<_> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .filter_map(Result::ok)
        .map(|entry| entry.path())
        .filter(|path| path.extension().is_some_and(|ext| ext == "json"))
        .collect();
    entries.sort();
    for path in entries {
        let stem = path
            .file_stem()
            .and_then(|s| s.to_str())
            .unwrap_or_default();
        let text =
            std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        if stem.starts_with("zz-synthetic") {
            synthetic = Some(text);
        } else if stem.contains('.') {
            real.push(text);
        }
    }
    assert!(
        !real.is_empty(),
        "no recorded real-page snapshots in {}",
        dir.display()
    );
    (real, synthetic.expect("the synthetic page's snapshot"))
}

fn perception(c: &mut Criterion) {
    let (real, synthetic) = snapshots();
    let parsed: Vec<PageSnapshot> = real
        .iter()
        .map(|text| PageSnapshot::from_json(text).expect("snapshot"))
        .collect();
    let large = PageSnapshot::from_json(&synthetic).expect("snapshot");

    let mut group = c.benchmark_group("perception");
    group.throughput(Throughput::Elements(real.len() as u64));
    group.bench_function(format!("parse {} real pages", real.len()), |b| {
        b.iter(|| {
            for text in &real {
                black_box(PageSnapshot::from_json(black_box(text)).ok());
            }
        })
    });
    for max in [100, 10_000] {
        group.bench_function(
            format!("perceive {} real pages, max_nb_actions {max}", real.len()),
            |b| {
                b.iter(|| {
                    for snapshot in &parsed {
                        black_box(perceive(black_box(snapshot), max));
                    }
                })
            },
        );
    }
    group.throughput(Throughput::Elements(1));
    group.bench_function(
        "parse + perceive the synthetic page (2,202 elements)",
        |b| {
            b.iter(|| {
                let snapshot = PageSnapshot::from_json(black_box(&synthetic)).expect("snapshot");
                black_box(perceive(&snapshot, 100))
            })
        },
    );
    group.bench_function("perceive the synthetic page, max_nb_actions 10000", |b| {
        b.iter(|| black_box(perceive(black_box(&large), 10_000)))
    });
    group.finish();
}

criterion_group! {
    name = benches;
    config = Criterion::default().sample_size(20).warm_up_time(std::time::Duration::from_secs(1));
    targets = perception
}
criterion_main!(benches);
