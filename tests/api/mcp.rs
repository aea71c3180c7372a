//! `browserd mcp` driven by the official MCP Python SDK (`mcp`, in `.venv`), over stdio as
//! an agent host spawns it, and over streamable HTTP (`--http`).

use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use serde_json::Value;

use crate::helpers::{descendants, free_port, spawn_app, test_python, wait_gone, KEY};
use crate::site::serve_site;

const HOST_RULES: &str = "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1";

/// Runs `tests/mcp/client_session.py` with `env`; returns the tool errors it printed.
async fn run_client(env: Vec<(&'static str, String)>) -> Value {
    let script = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/mcp/client_session.py");
    let python = test_python();
    let output = tokio::task::spawn_blocking(move || {
        Command::new(python)
            .arg(script)
            .envs(env)
            .env("BROWSERD_CHROMIUM_ARGS", HOST_RULES)
            .env("BROWSERD_ALLOW_PRIVATE_NETWORK", "all")
            .output()
    })
    .await
    .expect("join")
    .expect("python runs");
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        output.status.success(),
        "client_session.py failed:\n{stdout}\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let errors = stdout
        .lines()
        .find_map(|line| line.strip_prefix("ERRORS "))
        .expect("the script prints the errors it got");
    serde_json::from_str(errors).expect("errors are JSON")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_mcp_host_fills_a_form_by_ids_over_stdio_and_gets_the_apis_errors() {
    let site = serve_site().await;
    let errors = run_client(vec![
        ("BROWSERD_BIN", env!("CARGO_BIN_EXE_browserd").to_string()),
        ("BROWSERD_SITE", site.address.clone()),
        // Meant for `serve`, and invalid: `mcp` does not read it.
        ("BROWSERD_MAX_SESSIONS", "none".to_string()),
    ])
    .await;

    // The same refusals through the HTTP API carry the same messages.
    let app = spawn_app().await;
    let id = app.start_session(r#"{"keep_alive": true}"#).await;
    let observe = format!(
        r#"{{"session_id": "{id}", "keep_alive": true, "url": "{}"}}"#,
        site.url("/form.html")
    );
    let (status, _, _) = app.post("/env/observe", Some(KEY), Some(&observe)).await;
    assert_eq!(status, 200);
    let step = format!(r#"{{"session_id": "{id}", "keep_alive": true, "action_id": "L99"}}"#);
    let (status, body, _) = app.post("/env/step", Some(KEY), Some(&step)).await;
    assert_eq!(status, 400);
    assert_eq!(body["error"], errors["unknown_id"]);
    let bad_url =
        format!(r#"{{"session_id": "{id}", "keep_alive": true, "url": "file:///etc/passwd"}}"#);
    let (status, body, _) = app.post("/env/observe", Some(KEY), Some(&bad_url)).await;
    assert_eq!(status, 400);
    assert_eq!(body["error"], errors["bad_url"]);
}

/// `browserd mcp --http` as a child process, killed if the test fails before it stops.
struct McpOverHttp {
    child: Child,
}

impl Drop for McpOverHttp {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_mcp_host_fills_a_form_by_ids_over_streamable_http_and_sigterm_cleans_up() {
    let site = serve_site().await;
    let temp = tempfile::tempdir().expect("temp dir");
    let addr = format!("127.0.0.1:{}", free_port());
    let mut server = McpOverHttp {
        child: Command::new(env!("CARGO_BIN_EXE_browserd"))
            .args(["mcp", "--http", &addr])
            .env("TMPDIR", temp.path())
            .env("BROWSERD_CHROMIUM_ARGS", HOST_RULES)
            .env("BROWSERD_ALLOW_PRIVATE_NETWORK", "all")
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("browserd mcp starts"),
    };
    let deadline = tokio::time::Instant::now() + Duration::from_secs(30);
    while tokio::net::TcpStream::connect(&addr).await.is_err() {
        assert!(
            tokio::time::Instant::now() < deadline,
            "browserd mcp --http did not come up"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let data_dirs = || {
        std::fs::read_dir(temp.path())
            .expect("temp dir")
            .filter_map(|entry| entry.ok())
            .filter(|entry| {
                entry
                    .file_name()
                    .to_string_lossy()
                    .starts_with("browserd-mcp-")
            })
            .count()
    };
    assert_eq!(
        data_dirs(),
        1,
        "the server keeps its data in a directory of its own"
    );

    run_client(vec![
        ("BROWSERD_MCP_URL", format!("http://{addr}/mcp")),
        ("BROWSERD_SITE", site.address.clone()),
    ])
    .await;

    let browsers = descendants(server.child.id());
    assert!(!browsers.is_empty(), "the server runs its own browser");
    // SAFETY: plain syscall on our own child.
    unsafe {
        libc::kill(server.child.id() as libc::pid_t, libc::SIGTERM);
    }
    let status = tokio::task::spawn_blocking(move || server.child.wait())
        .await
        .expect("join")
        .expect("browserd mcp exits");
    assert!(status.success(), "{status}");
    assert_eq!(
        wait_gone(&browsers, Duration::from_secs(10)).await,
        Vec::<u32>::new()
    );
    assert_eq!(
        data_dirs(),
        0,
        "the server removes its data directory when it stops"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_mcp_host_keeps_a_login_in_a_profile_and_handles_files() {
    let site = serve_site().await;
    let data = tempfile::tempdir().expect("temp dir");
    let script = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/mcp/files_session.py");
    let python = test_python();
    let site_address = site.address.clone();
    let data_dir = data.path().to_path_buf();
    let output = tokio::task::spawn_blocking(move || {
        Command::new(python)
            .arg(script)
            .env("BROWSERD_BIN", env!("CARGO_BIN_EXE_browserd"))
            .env("BROWSERD_SITE", site_address)
            .env("BROWSERD_MCP_DATA_DIR", data_dir)
            .env("BROWSERD_CHROMIUM_ARGS", HOST_RULES)
            .env("BROWSERD_ALLOW_PRIVATE_NETWORK", "all")
            .output()
    })
    .await
    .expect("join")
    .expect("python runs");
    assert!(
        output.status.success(),
        "files_session.py failed:\n{}\n{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
}
