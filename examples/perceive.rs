//! Print the action space of recorded snapshots.
//!
//! `cargo run --release --example perceive -- SNAPSHOT.json` prints the description, the
//! markdown and the actions as JSON. `--json` prints one JSON line per file instead
//! (`{"file", "category", "description", "markdown", "actions", "omitted"}`);
//! `--max N` sets max_nb_actions (default 100000).
use browserd::perception::{perceive, PageSnapshot};

fn main() {
    let mut json = false;
    let mut max = 100_000usize;
    let mut files = Vec::new();
    let mut args = std::env::args().skip(1);
    while let Some(a) = args.next() {
        match a.as_str() {
            "--json" => json = true,
            "--max" => max = args.next().and_then(|v| v.parse().ok()).unwrap_or(max),
            _ => files.push(a),
        }
    }
    for f in files {
        let text = match std::fs::read_to_string(&f) {
            Ok(t) => t,
            Err(e) => {
                eprintln!("{f}: {e}");
                continue;
            }
        };
        let snap = match PageSnapshot::from_json(&text) {
            Ok(s) => s,
            Err(e) => {
                eprintln!("{f}: {e}");
                continue;
            }
        };
        let t = std::time::Instant::now();
        let space = perceive(&snap, max);
        let us = t.elapsed().as_micros();
        if json {
            let v = serde_json::json!({
                "file": f, "category": space.category, "description": space.description,
                "markdown": space.markdown, "actions": space.actions, "omitted": space.omitted,
                "perceive_us": us,
            });
            println!("{v}");
        } else {
            println!(
                "== {f} ({us} µs)\n{}\ncategory: {:?}\n\n{}",
                space.description, space.category, space.markdown
            );
            println!(
                "{}",
                serde_json::to_string_pretty(&space.actions).unwrap_or_default()
            );
        }
    }
}
