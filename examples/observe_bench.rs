//! Observe and step latency over HTTP on the real pages of `../shared/bench/pages/`.
//!
//! `cargo run --release --example observe_bench [-- PAGES_DIR]` starts an in-process
//! server and a static server for the pages on 127.0.0.1, then per page: observe with
//! `url` (navigation included), and five observations of the loaded page (`url: null`),
//! reporting the median of those five, the number of actions and the markdown's size.
//! Then the median of 20 steps (a click on a button that changes the page with
//! JavaScript, plus the fresh observation) on the test fixture `actions.html`. A bench,
//! not a test: the machine's load is printed beside the figures.

use std::path::PathBuf;
use std::time::{Duration, Instant};

use axum::extract::Path;
use axum::http::header;
use axum::response::IntoResponse;
use browserd::config::Settings;
use browserd::shutdown::Shutdown;
use browserd::startup::Application;
use serde_json::{json, Value};

const KEY: &str = "bench-key";

fn median(mut values: Vec<f64>) -> f64 {
    values.sort_by(f64::total_cmp);
    values[values.len() / 2]
}

fn load_average() -> String {
    std::fs::read_to_string("/proc/loadavg")
        .map(|l| l.split_whitespace().take(3).collect::<Vec<_>>().join(" "))
        .unwrap_or_default()
}

async fn serve_dir(dirs: Vec<PathBuf>) -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let address = format!("http://{}", listener.local_addr().expect("addr"));
    let app = axum::Router::new().route(
        "/{name}",
        axum::routing::get(move |Path(name): Path<String>| {
            let dirs = dirs.clone();
            async move {
                for dir in &dirs {
                    if let Ok(bytes) = tokio::fs::read(dir.join(&name)).await {
                        return ([(header::CONTENT_TYPE, "text/html; charset=utf-8")], bytes)
                            .into_response();
                    }
                }
                axum::http::StatusCode::NOT_FOUND.into_response()
            }
        }),
    );
    tokio::spawn(async move {
        let _ = axum::serve(listener, app).await;
    });
    address
}

async fn post(client: &reqwest::Client, url: String, body: Value) -> (Value, f64) {
    let began = Instant::now();
    let response = client
        .post(url)
        .bearer_auth(KEY)
        .json(&body)
        .send()
        .await
        .expect("sent");
    let json: Value = response.json().await.expect("json");
    (json, began.elapsed().as_secs_f64() * 1000.0)
}

#[tokio::main]
async fn main() {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let pages = std::env::args()
        .nth(1)
        .map(PathBuf::from)
        .unwrap_or_else(|| root.join("../shared/bench/pages"));
    let site = serve_dir(vec![pages.clone(), root.join("tests/fixtures/site")]).await;

    let data_dir = tempfile::tempdir().expect("temp dir");
    let mut settings = Settings::for_data_dir(data_dir.path().to_path_buf());
    settings.addr = "127.0.0.1:0".parse().expect("addr");
    settings.api_keys = vec![KEY.into()];
    settings.browser.chromium_args = browserd::config::ChromiumArgs(vec![
        "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1".into(),
    ]);
    let application = Application::build(&settings).await.expect("server");
    let base = format!("http://{}", application.local_addr().expect("addr"));
    let shutdown = Shutdown::new();
    let server = tokio::spawn(application.run_until_stopped(shutdown.clone()));
    let client = reqwest::Client::new();
    let (started, _) = post(
        &client,
        format!("{base}/session/start"),
        json!({"keep_alive": true, "session_timeout_minutes": 30}),
    )
    .await;
    let session = started["session_id"].as_str().expect("session").to_string();

    let mut names: Vec<String> = std::fs::read_dir(&pages)
        .expect("pages dir")
        .filter_map(|e| e.ok())
        .map(|e| e.file_name().to_string_lossy().to_string())
        .filter(|n| n.ends_with(".html"))
        .collect();
    names.sort();
    println!("load before: {}", load_average());
    println!(
        "{:40} {:>9} {:>9} {:>7} {:>8}",
        "page", "goto+obs", "observe", "actions", "md bytes"
    );
    let mut real_medians = Vec::new();
    for name in &names {
        let body = json!({"session_id": session, "keep_alive": true, "url": format!("{site}/{name}"), "max_nb_actions": 10000});
        let (first, first_ms) = post(&client, format!("{base}/env/observe"), body).await;
        if first.get("error").is_some() {
            println!("{name:40} error: {}", first["error"]);
            continue;
        }
        let mut again = Vec::new();
        let mut last = Value::Null;
        for _ in 0..5 {
            let body = json!({"session_id": session, "keep_alive": true, "max_nb_actions": 10000});
            let (observation, ms) = post(&client, format!("{base}/env/observe"), body).await;
            again.push(ms);
            last = observation;
        }
        let observe_ms = median(again);
        let actions = last["space"]["actions"]
            .as_array()
            .map(|a| a.len())
            .unwrap_or(0);
        let markdown = last["space"]["markdown"]
            .as_str()
            .map(str::len)
            .unwrap_or(0);
        println!("{name:40} {first_ms:8.0}ms {observe_ms:8.1}ms {actions:7} {markdown:8}");
        if !name.starts_with("zz-synthetic") {
            real_medians.push(observe_ms);
        }
    }
    println!(
        "median observe (page loaded) over {} real pages: {:.1} ms",
        real_medians.len(),
        median(real_medians)
    );

    let body =
        json!({"session_id": session, "keep_alive": true, "url": format!("{site}/actions.html")});
    let (page, _) = post(&client, format!("{base}/env/observe"), body).await;
    let button = page["space"]["actions"]
        .as_array()
        .and_then(|actions| {
            actions.iter().find(|a| {
                a["description"]
                    .as_str()
                    .unwrap_or("")
                    .contains("Change text")
            })
        })
        .and_then(|a| a["id"].as_str())
        .expect("the Change text button")
        .to_string();
    let mut steps = Vec::new();
    for _ in 0..20 {
        let body = json!({"session_id": session, "keep_alive": true, "action_id": button});
        steps.push(post(&client, format!("{base}/env/step"), body).await.1);
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    println!(
        "median step (click + settle + fresh observation) on actions.html: {:.1} ms",
        median(steps)
    );
    println!("load after: {}", load_average());
    shutdown.trigger();
    let _ = server.await;
}
