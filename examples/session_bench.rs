//! Session start latency over HTTP and memory per idle session, for each Chromium build.
//!
//! `cargo run --release --example session_bench [-- STARTS]` starts an in-process server
//! per browser build on a temporary data directory and prints, over HTTP on loopback:
//! `POST /session/start` p50/p95 (each start followed by its close, paced as an agent
//! would, then back to back), and the PSS of the browser's process tree per idle session
//! at 10 and 50 sessions. A bench, not a test: figures vary with the machine's load,
//! which is printed beside them.

use std::path::Path;
use std::time::{Duration, Instant};

use browserd::config::Settings;
use browserd::shutdown::Shutdown;
use browserd::startup::Application;

const KEY: &str = "bench-key";

fn percentile(sorted: &[f64], p: f64) -> f64 {
    sorted[((sorted.len() as f64 - 1.0) * p).round() as usize]
}

fn load_average() -> String {
    std::fs::read_to_string("/proc/loadavg")
        .map(|l| l.split_whitespace().take(3).collect::<Vec<_>>().join(" "))
        .unwrap_or_default()
}

/// Proportional set size of `pid` and all its descendants, in KiB.
fn pss_tree_kib(pid: u32) -> u64 {
    let mut total = 0;
    let mut frontier = vec![pid];
    let mut all = Vec::new();
    while let Some(parent) = frontier.pop() {
        all.push(parent);
        if let Ok(entries) = std::fs::read_dir("/proc") {
            for entry in entries.flatten() {
                let Ok(child) = entry.file_name().to_string_lossy().parse::<u32>() else {
                    continue;
                };
                let Ok(stat) = std::fs::read_to_string(format!("/proc/{child}/stat")) else {
                    continue;
                };
                let ppid = stat
                    .rsplit(')')
                    .next()
                    .and_then(|r| r.split_whitespace().nth(1))
                    .and_then(|p| p.parse::<u32>().ok());
                if ppid == Some(parent) {
                    frontier.push(child);
                }
            }
        }
    }
    for pid in all {
        if let Ok(rollup) = std::fs::read_to_string(format!("/proc/{pid}/smaps_rollup")) {
            total += rollup
                .lines()
                .find(|line| line.starts_with("Pss:"))
                .and_then(|line| line.split_whitespace().nth(1))
                .and_then(|kib| kib.parse::<u64>().ok())
                .unwrap_or(0);
        }
    }
    total
}

async fn start(client: &reqwest::Client, base: &str) -> (String, f64) {
    let began = Instant::now();
    let response = client
        .post(format!("{base}/session/start"))
        .bearer_auth(KEY)
        .body("{}")
        .send()
        .await
        .expect("start");
    let json: serde_json::Value = response.json().await.expect("json");
    let elapsed = began.elapsed().as_secs_f64() * 1000.0;
    (
        json["session_id"].as_str().expect("id").to_string(),
        elapsed,
    )
}

async fn close(client: &reqwest::Client, base: &str, id: &str) {
    client
        .post(format!("{base}/session/close"))
        .bearer_auth(KEY)
        .body(format!(r#"{{"session_id":"{id}"}}"#))
        .send()
        .await
        .expect("close");
}

async fn bench(executable: &Path, starts: usize) {
    let data_dir = tempfile::tempdir().expect("temp dir");
    let mut settings = Settings::for_data_dir(data_dir.path().to_path_buf());
    settings.addr = "127.0.0.1:0".parse().expect("addr");
    settings.api_keys = vec![KEY.into()];
    settings.browser.chromium = Some(executable.to_path_buf());
    let application = Application::build(&settings).await.expect("server");
    let base = format!("http://{}", application.local_addr().expect("addr"));
    let browser = application.browser_pids()[0];
    let shutdown = Shutdown::new();
    let server = tokio::spawn(application.run_until_stopped(shutdown.clone()));
    let client = reqwest::Client::new();
    tokio::time::sleep(Duration::from_secs(1)).await;
    for _ in 0..5 {
        let (id, _) = start(&client, &base).await;
        close(&client, &base, &id).await;
    }

    for (label, pause) in [
        ("paced 100 ms", Duration::from_millis(100)),
        ("back to back", Duration::ZERO),
    ] {
        let load = load_average();
        let mut times = Vec::with_capacity(starts);
        for _ in 0..starts {
            let (id, ms) = start(&client, &base).await;
            times.push(ms);
            close(&client, &base, &id).await;
            tokio::time::sleep(pause).await;
        }
        times.sort_by(f64::total_cmp);
        println!(
            "  start {label:13} n={starts}: p50 {:6.1} ms  p95 {:6.1} ms  (load {load})",
            percentile(&times, 0.5),
            percentile(&times, 0.95)
        );
    }

    tokio::time::sleep(Duration::from_secs(2)).await;
    let baseline = pss_tree_kib(browser);
    let mut ids = Vec::new();
    for target in [10usize, 50] {
        while ids.len() < target {
            ids.push(start(&client, &base).await.0);
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        tokio::time::sleep(Duration::from_secs(3)).await;
        let pss = pss_tree_kib(browser);
        println!(
            "  memory at {target:2} idle sessions: browser tree {:6.1} MiB, {:5.1} MiB per session over the {:5.1} MiB of no session",
            pss as f64 / 1024.0,
            (pss.saturating_sub(baseline)) as f64 / 1024.0 / target as f64,
            baseline as f64 / 1024.0
        );
    }
    shutdown.trigger();
    let _ = server.await;
}

#[tokio::main]
async fn main() {
    let starts = std::env::args()
        .nth(1)
        .and_then(|n| n.parse().ok())
        .unwrap_or(200);
    for executable in [
        "/usr/lib/chromium/chromium",
        "/usr/lib/chromium/chromium-headless-shell",
    ] {
        println!("{executable}:");
        bench(Path::new(executable), starts).await;
    }
}
