//! What an operator watches: `/metrics` moving with the work, the log line of each
//! request (and what never gets into one), and settings from a file.

use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use serde_json::{json, Value};

use crate::helpers::{
    action_described, free_port, spawn_app, wait_gone, wait_until_up, TestApp, KEY,
};
use crate::site::serve_site;

async fn scrape_metrics(app: &TestApp) -> String {
    let response = app
        .client
        .get(app.url("/metrics"))
        .send()
        .await
        .expect("sent");
    assert_eq!(response.status().as_u16(), 200, "/metrics needs no key");
    let content_type = response.headers()["content-type"]
        .to_str()
        .unwrap_or_default()
        .to_string();
    assert!(content_type.starts_with("text/plain"), "{content_type}");
    response.text().await.expect("text")
}

/// The sum of the series of `name` whose labels include `labels` (0 when none).
fn metric(text: &str, name: &str, labels: &[(&str, &str)]) -> f64 {
    text.lines()
        .filter(|line| !line.starts_with('#'))
        .filter_map(|line| {
            let (series, value) = line.rsplit_once(' ')?;
            let (series_name, series_labels) = match series.split_once('{') {
                Some((series_name, rest)) => (series_name, rest.trim_end_matches('}')),
                None => (series, ""),
            };
            let wanted = series_name == name
                && labels
                    .iter()
                    .all(|(key, value)| series_labels.contains(&format!("{key}=\"{value}\"")));
            wanted.then(|| value.parse::<f64>().ok()).flatten()
        })
        .sum()
}

async fn post(app: &TestApp, path: &str, body: Value) -> (u16, Value) {
    let (status, body, _) = app.post(path, Some(KEY), Some(&body.to_string())).await;
    (status, body)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn metrics_move_with_sessions_requests_steps_store_writes_and_crashes() {
    let (app, site) = (spawn_app().await, serve_site().await);
    // Other tests of this process share the recorder: compare growth, never totals.
    let before = scrape_metrics(&app).await;

    let (status, form) = post(
        &app,
        "/env/observe",
        json!({"url": site.url("/form.html"), "keep_alive": true}),
    )
    .await;
    assert_eq!(status, 200, "{form}");
    let session = form["session"]["session_id"]
        .as_str()
        .expect("id")
        .to_string();
    let email = action_described(&form, "Email");
    let (status, _) = post(&app, "/env/step", json!({"session_id": session, "keep_alive": true, "action_id": email, "value": "ada@example.org"})).await;
    assert_eq!(status, 200);
    let (status, _) = post(
        &app,
        "/env/step",
        json!({"session_id": session, "keep_alive": true, "action_id": "L999"}),
    )
    .await;
    assert_eq!(status, 400);
    let (status, _) = post(
        &app,
        "/env/step",
        json!({"session_id": session, "keep_alive": true, "action_id": "S6"}),
    )
    .await;
    assert_eq!(status, 200);
    let (status, _) = post(&app, "/session/close", json!({"session_id": session})).await;
    assert_eq!(status, 200);

    let after = scrape_metrics(&app).await;
    let grew = |name: &str, labels: &[(&str, &str)]| {
        metric(&after, name, labels) - metric(&before, name, labels)
    };
    assert!(
        grew("browserd_sessions_started_total", &[]) >= 1.0,
        "{after}"
    );
    assert!(grew("browserd_sessions_ended_total", &[("status", "closed")]) >= 1.0);
    assert!(after.contains("# TYPE browserd_sessions_active gauge"));
    let observe = [
        ("endpoint", "/env/observe"),
        ("method", "POST"),
        ("status", "200"),
    ];
    assert!(grew("browserd_http_requests_total", &observe) >= 1.0);
    assert!(grew("browserd_http_request_duration_seconds_count", &observe) >= 1.0);
    assert!(
        after.contains("browserd_http_request_duration_seconds_bucket{endpoint=\"/env/step\",method=\"POST\",status=\"400\",le=\"+Inf\"}"),
        "latency is a histogram per endpoint and status:\n{after}"
    );
    assert!(
        grew(
            "browserd_steps_total",
            &[("kind", "input"), ("outcome", "ok")]
        ) >= 1.0
    );
    assert!(
        grew(
            "browserd_steps_total",
            &[("kind", "link"), ("outcome", "rejected")]
        ) >= 1.0
    );
    assert!(
        grew(
            "browserd_steps_total",
            &[("kind", "refresh"), ("outcome", "ok")]
        ) >= 1.0
    );
    for operation in [
        "insert_session",
        "touch_session",
        "insert_step",
        "end_session",
    ] {
        assert!(
            grew(
                "browserd_store_write_duration_seconds_count",
                &[("operation", operation)]
            ) >= 1.0,
            "no store write {operation}"
        );
    }
    assert!(metric(&after, "browserd_browser_launches_total", &[]) >= 1.0);

    // A browser killed under the server is counted as a crash, and its replacement as a launch.
    let (crashes, launches) = (
        metric(&after, "browserd_browser_crashes_total", &[]),
        metric(&after, "browserd_browser_launches_total", &[]),
    );
    for pid in &app.browser_pids {
        // SAFETY: plain syscall on the browser this test's server started.
        unsafe { libc::kill(*pid as libc::pid_t, libc::SIGKILL) };
    }
    let deadline = tokio::time::Instant::now() + Duration::from_secs(30);
    loop {
        let now = scrape_metrics(&app).await;
        if metric(&now, "browserd_browser_crashes_total", &[]) > crashes
            && metric(&now, "browserd_browser_launches_total", &[]) > launches
        {
            break;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "no crash counted:\n{now}"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// The real binary, with its log going to a file.
struct LoggedServer {
    child: Child,
    address: String,
}

impl LoggedServer {
    async fn spawn(args: &[&str], log: &Path, env: &[(&str, &str)]) -> Self {
        let port = free_port();
        let mut command = Command::new(env!("CARGO_BIN_EXE_browserd"));
        command
            .arg("serve")
            .args(args)
            .arg(format!("--addr=127.0.0.1:{port}"))
            .env_remove("BROWSERD_API_KEYS")
            .env_remove("BROWSERD_CONFIG")
            .env("BROWSERD_ALLOW_PRIVATE_NETWORK", "all")
            .stdout(Stdio::null())
            .stderr(std::fs::File::create(log).expect("log file"));
        for (name, value) in env {
            command.env(name, value);
        }
        let child = command.spawn().expect("browserd starts");
        let address = format!("http://127.0.0.1:{port}");
        wait_until_up(&address).await;
        Self { child, address }
    }

    /// Stops the server as an operator would (SIGTERM), and waits for it.
    async fn stop(mut self) {
        let pid = self.child.id();
        // SAFETY: plain syscall on our own child.
        unsafe { libc::kill(pid as libc::pid_t, libc::SIGTERM) };
        let alive = wait_gone(&[pid], Duration::from_secs(30)).await;
        assert!(alive.is_empty(), "browserd did not stop on SIGTERM");
        let _ = self.child.wait();
    }
}

impl Drop for LoggedServer {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn each_request_logs_one_json_line_that_says_why_it_failed_and_no_secret() {
    let site = serve_site().await;
    let dir = tempfile::tempdir().expect("temp dir");
    let config = dir.path().join("browserd.toml");
    std::fs::write(
        &config,
        format!(
            "log_format = \"json\"\napi_keys = [\"{KEY}\"]\nwarm_contexts = 1\nchromium_args = \"--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1\"\ndata_dir = \"{}\"\n",
            dir.path().join("data").display()
        ),
    )
    .expect("config");
    let log = dir.path().join("browserd.log");
    // Trace level for everything: even then no secret may reach the log.
    let server = LoggedServer::spawn(
        &[&format!("--config={}", config.display())],
        &log,
        &[("RUST_LOG", "trace")],
    )
    .await;
    let client = reqwest::Client::new();
    let send = |path: &str, body: Value, request_id: Option<&str>| {
        let mut request = client
            .post(format!("{}{path}", server.address))
            .bearer_auth(KEY)
            .header("cookie", "visitor=cookie-value-77")
            .body(body.to_string());
        if let Some(id) = request_id {
            request = request.header("x-request-id", id);
        }
        async move {
            let response = request.send().await.expect("sent");
            let request_id = response.headers()["x-request-id"]
                .to_str()
                .expect("ascii")
                .to_string();
            let status = response.status().as_u16();
            (
                status,
                response.json::<Value>().await.expect("JSON"),
                request_id,
            )
        }
    };

    let (status, form, observe_id) = send(
        "/env/observe",
        json!({"url": site.url("/form.html"), "keep_alive": true}),
        None,
    )
    .await;
    assert_eq!(status, 200, "{form}");
    let session = form["session"]["session_id"]
        .as_str()
        .expect("id")
        .to_string();
    let password = action_described(&form, "Password");
    let (status, _, _) = send(
        "/env/step",
        json!({"session_id": session, "keep_alive": true, "action_id": password, "value": "typed-password-55"}),
        None,
    )
    .await;
    assert_eq!(status, 200);
    let (status, refused, echoed) = send(
        "/env/step",
        json!({"session_id": session, "keep_alive": true, "action_id": "B99"}),
        Some("client-chosen-id-1"),
    )
    .await;
    assert_eq!((status, echoed.as_str()), (400, "client-chosen-id-1"));
    server.stop().await;

    let text = std::fs::read_to_string(&log).expect("log");
    for secret in [KEY, "typed-password-55", "cookie-value-77"] {
        assert!(!text.contains(secret), "{secret} is in the log:\n{text}");
    }
    let lines: Vec<Value> = text
        .lines()
        .map(|line| serde_json::from_str(line).unwrap_or_else(|_| panic!("not JSON: {line}")))
        .collect();
    let request_lines = |id: &str| -> Vec<&Value> {
        lines
            .iter()
            .filter(|line| line["span"]["request_id"] == id && line.get("status").is_some())
            .collect()
    };
    let failed = request_lines("client-chosen-id-1");
    assert_eq!(failed.len(), 1, "one line per request:\n{text}");
    let failed = failed[0];
    assert_eq!(failed["span"]["method"], "POST");
    assert_eq!(failed["span"]["path"], "/env/step");
    assert_eq!(failed["span"]["session_id"], session.as_str());
    assert_eq!(failed["status"], 400);
    assert!(failed["latency_ms"].is_number());
    assert_eq!(failed["error"], refused["error"], "the line says why");
    let observed = request_lines(&observe_id);
    assert_eq!(observed.len(), 1, "{text}");
    assert_eq!(observed[0]["status"], 200);
    assert_eq!(observed[0]["span"]["session_id"], session.as_str());
}

#[tokio::test]
async fn config_prints_flags_over_environment_over_file_over_defaults() {
    let dir = tempfile::tempdir().expect("temp dir");
    let file = dir.path().join("browserd.toml");
    std::fs::write(
        &file,
        "max_sessions = 3\nbrowsers = 2\nwarm-contexts = 9\napi_keys = [\"file-key-abcdefgh\"]\n",
    )
    .expect("config");
    let output = Command::new(env!("CARGO_BIN_EXE_browserd"))
        .args(["config", "--warm-contexts", "4"])
        .env("BROWSERD_CONFIG", &file)
        .env("BROWSERD_MAX_SESSIONS", "5")
        .env_remove("BROWSERD_API_KEYS")
        .output()
        .expect("browserd runs");
    let printed = String::from_utf8_lossy(&output.stdout);
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    for line in [
        "max_sessions = 5  # environment",
        "browsers = 2  # file",
        "warm_contexts = 4  # flag",
        "addr = \"127.0.0.1:8000\"  # default",
        "# api_keys = [\"fil…\"]  # file, masked",
    ] {
        assert!(printed.contains(line), "{line:?} not in:\n{printed}");
    }
    assert!(!printed.contains("file-key-abcdefgh"));

    let output = Command::new(env!("CARGO_BIN_EXE_browserd"))
        .args(["serve", "--config"])
        .arg(dir.path().join("missing.toml"))
        .output()
        .expect("browserd runs");
    assert!(!output.status.success());
    assert!(String::from_utf8_lossy(&output.stderr).contains("missing.toml"));
}

#[tokio::test]
async fn every_answer_carries_a_request_id() {
    let app = spawn_app().await;
    let response = app
        .client
        .get(app.url("/health"))
        .header("x-request-id", "x".repeat(20))
        .send()
        .await
        .expect("sent");
    assert_eq!(response.headers()["x-request-id"], "x".repeat(20).as_str());
    let generated = app
        .client
        .get(app.url("/health"))
        .send()
        .await
        .expect("sent");
    let id = generated.headers()["x-request-id"].to_str().expect("ascii");
    assert_eq!(id.len(), 36, "a UUID when the client sent none: {id}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_generated_key_is_kept_in_the_data_directory_not_in_the_log() {
    let dir = tempfile::tempdir().expect("temp dir");
    let data = dir.path().join("data");
    let log = dir.path().join("browserd.log");
    let data_arg = format!("--data-dir={}", data.display());
    let server = LoggedServer::spawn(
        &[&data_arg, "--log-format=json"],
        &log,
        &[(
            "BROWSERD_CHROMIUM_ARGS",
            "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1",
        )],
    )
    .await;
    let key = std::fs::read_to_string(data.join("api_key")).expect("generated key");
    let response = reqwest::Client::new()
        .get(format!("{}/sessions", server.address))
        .bearer_auth(key.trim())
        .send()
        .await
        .expect("sent");
    assert_eq!(response.status().as_u16(), 200, "the generated key works");
    server.stop().await;
    let text = std::fs::read_to_string(&log).expect("log");
    assert!(!text.contains(key.trim()), "the key is in the log:\n{text}");
    assert!(text.contains("generated one"), "{text}");
    for line in text.lines() {
        serde_json::from_str::<Value>(line).unwrap_or_else(|_| panic!("not JSON: {line}"));
    }
}
