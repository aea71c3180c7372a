//! Three real `browserd` nodes sharing a throwaway PostgreSQL (`tests/support/postgres.rs`)
//! on loopback ports: a session started through one node and driven through the others
//! (HTTP, a CDP client and the live view over forwarded WebSockets) behaves as on one
//! node; every node lists every session; a node killed with `kill -9` is declared lost and
//! its sessions end as `error` while the others keep serving; PostgreSQL stopped and
//! started under the running nodes loses no record, and starts meanwhile are `503`.

#[path = "../support/postgres.rs"]
mod throwaway;

use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::{json, Value};

use crate::helpers::{
    action_described, descendants, free_port, run_node, wait_gone, wait_until_up, KEY,
};
use crate::site::serve_site;

/// The bound a silent node is declared lost within, as the nodes are told.
const LOST_AFTER_SECS: u64 = 5;

struct Node {
    child: Child,
    address: String,
}

impl Node {
    async fn spawn(id: &str, database: &str, keys: &Path, dir: &Path) -> Node {
        let port = free_port();
        let data = dir.join(id);
        let log = std::fs::File::create(dir.join(format!("{id}.log"))).expect("a log file");
        let child = Command::new(env!("CARGO_BIN_EXE_browserd"))
            .args(["serve", "--addr", &format!("127.0.0.1:{port}")])
            .arg("--data-dir")
            .arg(&data)
            .arg("--keys-dir")
            .arg(keys)
            .args(["--database-url", database, "--node-id", id])
            .args(["--node-lost-after-secs", &LOST_AFTER_SECS.to_string()])
            .args([
                "--warm-contexts",
                "1",
                "--warm-contexts-max",
                "1",
                "--max-sessions",
                "20",
            ])
            // The fixture site is on 127.0.0.1, which pages may not reach by default.
            .args(["--allow-private-network", "all"])
            .env("BROWSERD_API_KEYS", KEY)
            .env("RUST_LOG", "warn")
            .stdout(Stdio::null())
            .stderr(log)
            .spawn()
            .expect("browserd starts");
        let address = format!("http://127.0.0.1:{port}");
        wait_until_up(&address).await;
        Node { child, address }
    }

    fn signal(&self, signal: i32) {
        // SAFETY: a plain syscall on our own child.
        unsafe {
            libc::kill(self.child.id() as libc::pid_t, signal);
        }
    }
}

/// The nodes' logs, printed when the test fails (their directory is removed after).
struct Logs(std::path::PathBuf);

impl Drop for Logs {
    fn drop(&mut self) {
        if !std::thread::panicking() {
            return;
        }
        for id in ["node-a", "node-b", "node-c"] {
            let log = std::fs::read_to_string(self.0.join(format!("{id}.log"))).unwrap_or_default();
            eprintln!("---- {id}'s log ----\n{log}");
        }
    }
}

impl Drop for Node {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

async fn call(
    method: &str,
    url: String,
    body: Option<Value>,
    headers: &[(&str, &str)],
) -> (u16, Value) {
    let client = reqwest::Client::new();
    let mut request = client
        .request(method.parse().expect("a method"), url)
        .bearer_auth(KEY);
    for (name, value) in headers {
        request = request.header(*name, *value);
    }
    if let Some(body) = body {
        request = request.json(&body);
    }
    let response = request.send().await.expect("the request is answered");
    let status = response.status().as_u16();
    let text = response.text().await.expect("a body");
    let json = serde_json::from_str(&text)
        .unwrap_or_else(|_| panic!("status {status}: not JSON: {text:?}"));
    (status, json)
}

async fn post(node: &Node, path: &str, body: Value) -> Value {
    let (status, json) = call("POST", format!("{}{path}", node.address), Some(body), &[]).await;
    assert_eq!(status, 200, "POST {path} on {}: {json}", node.address);
    json
}

async fn get(node: &Node, path: &str) -> Value {
    let (status, json) = call("GET", format!("{}{path}", node.address), None, &[]).await;
    assert_eq!(status, 200, "GET {path} on {}: {json}", node.address);
    json
}

async fn start_on(through: &Node, named: Option<&str>) -> String {
    let headers: Vec<(&str, &str)> = named.map(|n| ("browserd-node", n)).into_iter().collect();
    let (status, json) = call(
        "POST",
        format!("{}/session/start", through.address),
        Some(json!({"keep_alive": true})),
        &headers,
    )
    .await;
    assert_eq!(status, 200, "{json}");
    json["session_id"].as_str().expect("an id").to_string()
}

fn listed(sessions: &Value) -> Vec<String> {
    sessions
        .as_array()
        .unwrap_or_else(|| panic!("a list: {sessions}"))
        .iter()
        .map(|s| s["session_id"].as_str().expect("an id").to_string())
        .collect()
}

fn text<'a>(json: &'a Value, field: &str) -> &'a str {
    json[field]
        .as_str()
        .unwrap_or_else(|| panic!("no {field} in {json}"))
}

#[tokio::test]
async fn three_nodes_share_postgres_and_route_each_session_to_its_browser() {
    let postgres = throwaway::ThrowawayPostgres::start();
    postgres.create_database("browserd");
    let database = postgres.url("browserd");
    let dir = tempfile::tempdir().unwrap();
    let keys = dir.path().join("keys");
    let _logs = Logs(dir.path().to_path_buf());
    let a = Node::spawn("node-a", &database, &keys, dir.path()).await;
    let b = Node::spawn("node-b", &database, &keys, dir.path()).await;
    let c = Node::spawn("node-c", &database, &keys, dir.path()).await;
    let site = serve_site().await;

    // Started through A (which has room: it holds it), driven through B and C.
    let id = start_on(&a, None).await;
    let observed = post(
        &b,
        "/env/observe",
        json!({"session_id": id, "url": site.url("/form.html"), "keep_alive": true}),
    )
    .await;
    assert!(
        text(&observed["metadata"], "url").ends_with("/form.html"),
        "{observed}"
    );
    let email = action_described(&observed, "Email");
    let filled = post(&c, "/env/step", json!({"session_id": id, "action_id": email, "value": "ada@example.com", "keep_alive": true})).await;
    assert!(
        text(&filled["space"], "markdown").contains("ada@example.com"),
        "{filled}"
    );
    let scraped = post(
        &b,
        "/env/scrape",
        json!({"session_id": id, "keep_alive": true}),
    )
    .await;
    assert!(
        text(&scraped["data"], "markdown").contains("Remember me"),
        "{scraped}"
    );
    let steps = get(&c, &format!("/session/{id}/steps")).await;
    assert_eq!(steps.as_array().map(Vec::len), Some(1), "{steps}");
    let record = get(&b, &format!("/session/{id}")).await;
    assert_eq!(record["status"], "active", "{record}");

    let through_c = get(&c, &format!("/session/{id}")).await;
    // The live view through C (page and WebSocket forwarded), driven through B. Before
    // the CDP client: once a client has opened a second page, the session's live view
    // gets no new frames (one node alone does the same; left to the live view's owners).
    let live = run_node(
        "viewer.mjs",
        "live",
        &[
            text(&through_c, "viewer_url"),
            &b.address,
            KEY,
            &id,
            &site.address,
        ],
    )
    .await;
    assert!(text(&live, "url").ends_with("/takeover.html"), "{live}");
    assert!(text(&live, "stepShown").contains("B1"), "{live}");

    // A CDP client through C's address, its WebSocket forwarded to A.
    let cdp_url = text(&through_c, "cdp_url").to_string();
    assert!(
        cdp_url.contains(&c.address.replace("http://", "")),
        "{cdp_url}"
    );
    let done = run_node("clients.mjs", "playwright", &[&cdp_url, &site.address]).await;
    assert_eq!(done["contexts"], 1, "{done}");
    assert_eq!(done["pages"], 2, "{done}");
    assert_eq!(done["secondTitle"], "Fixture article", "{done}");
    let after = post(
        &b,
        "/env/observe",
        json!({"session_id": id, "keep_alive": true}),
    )
    .await;
    assert!(
        text(&after["space"], "markdown").contains("[x] Remember me"),
        "{after}"
    );

    // Placement: a caller names C; B has room, so B holds what it starts.
    let on_c = start_on(&a, Some("node-c")).await;
    let on_b = start_on(&b, None).await;
    let (status, unknown) = call(
        "POST",
        format!("{}/session/start", a.address),
        Some(json!({})),
        &[("browserd-node", "node-z")],
    )
    .await;
    assert_eq!(status, 404, "{unknown}");
    for node in [&a, &b, &c] {
        let all = listed(&get(node, "/sessions").await);
        for session in [&id, &on_c, &on_b] {
            assert!(all.contains(session), "{} lists {all:?}", node.address);
        }
    }
    post(
        &b,
        "/env/observe",
        json!({"session_id": on_c, "url": site.url("/article.html"), "keep_alive": true}),
    )
    .await;

    // kill -9 of C: its session ends as `error` ("node lost") within the bound; A's and
    // B's keep working.
    let browsers = descendants(c.child.id());
    let killed = Instant::now();
    c.signal(libc::SIGKILL);
    drop(c);
    assert!(wait_gone(&browsers, Duration::from_secs(10))
        .await
        .is_empty());
    let lost = loop {
        let record = get(&a, &format!("/session/{on_c}")).await;
        if record["status"] != "active" {
            break record;
        }
        assert!(
            killed.elapsed() < Duration::from_secs(LOST_AFTER_SECS * 4),
            "node C was not declared lost: {record}"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    };
    let took = killed.elapsed();
    assert_eq!(lost["status"], "error", "{lost}");
    assert!(text(&lost, "error").contains("node lost"), "{lost}");
    eprintln!("node C declared lost {took:?} after kill -9 (bound {LOST_AFTER_SECS} s)");
    let (status, gone) = call(
        "POST",
        format!("{}/env/observe", b.address),
        Some(json!({"session_id": on_c})),
        &[],
    )
    .await;
    assert_eq!(status, 410, "{gone}");
    post(
        &b,
        "/env/observe",
        json!({"session_id": id, "keep_alive": true}),
    )
    .await;
    post(
        &a,
        "/env/observe",
        json!({"session_id": on_b, "url": site.url("/article.html"), "keep_alive": true}),
    )
    .await;

    // PostgreSQL stopped under the running nodes: starts are 503 with a clear error…
    postgres.stop();
    let (status, refused) = call(
        "POST",
        format!("{}/session/start", a.address),
        Some(json!({})),
        &[],
    )
    .await;
    assert_eq!(status, 503, "{refused}");
    assert!(text(&refused, "error").contains("database"), "{refused}");
    // …and it comes back by itself when PostgreSQL does.
    postgres.start_again();
    let restarted = Instant::now();
    let fresh = loop {
        let (status, json) = call(
            "POST",
            format!("{}/session/start", b.address),
            Some(json!({"keep_alive": true})),
            &[],
        )
        .await;
        if status == 200 {
            break json["session_id"].as_str().expect("an id").to_string();
        }
        assert_eq!(status, 503, "{json}");
        assert!(
            restarted.elapsed() < Duration::from_secs(60),
            "no recovery: {json}"
        );
        tokio::time::sleep(Duration::from_millis(200)).await;
    };
    // No record lost, no node taken for lost after the outage.
    tokio::time::sleep(Duration::from_secs(LOST_AFTER_SECS + 2)).await;
    let steps = get(&a, &format!("/session/{id}/steps")).await;
    assert_eq!(steps.as_array().map(Vec::len), Some(2), "{steps}");
    let all = listed(&get(&a, "/sessions").await);
    for session in [&id, &on_c, &on_b, &fresh] {
        assert!(all.contains(session), "{all:?}");
    }
    for session in [&id, &on_b, &fresh] {
        assert_eq!(
            get(&b, &format!("/session/{session}")).await["status"],
            "active"
        );
    }
    assert_eq!(
        get(&b, &format!("/session/{on_c}")).await["status"],
        "error"
    );
    post(
        &b,
        "/env/observe",
        json!({"session_id": id, "keep_alive": true}),
    )
    .await;

    // B frozen (SIGSTOP: alive, silent, as behind a cut network) is declared lost; when
    // it wakes it ends what it held instead of resurrecting it, and joins again empty.
    b.signal(libc::SIGSTOP);
    let frozen = Instant::now();
    while get(&a, &format!("/session/{on_b}")).await["status"] == "active" {
        assert!(
            frozen.elapsed() < Duration::from_secs(LOST_AFTER_SECS * 4),
            "node B was not declared lost"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    b.signal(libc::SIGCONT);
    let woke = Instant::now();
    while get(&b, "/health").await["active_sessions"] != 0 {
        assert!(
            woke.elapsed() < Duration::from_secs(30),
            "B kept its sessions"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    for session in [&on_b, &fresh] {
        let record = get(&b, &format!("/session/{session}")).await;
        assert_eq!(record["status"], "error", "{record}");
        assert!(text(&record, "error").contains("node lost"), "{record}");
        let (status, gone) = call(
            "POST",
            format!("{}/env/observe", b.address),
            Some(json!({"session_id": session})),
            &[],
        )
        .await;
        assert_eq!(status, 410, "{gone}");
    }
    let rejoined = loop {
        let (status, json) = call(
            "POST",
            format!("{}/session/start", a.address),
            Some(json!({"keep_alive": true})),
            &[("browserd-node", "node-b")],
        )
        .await;
        if status == 200 {
            break json["session_id"].as_str().expect("an id").to_string();
        }
        assert_eq!(status, 404, "{json}");
        assert!(woke.elapsed() < Duration::from_secs(30), "B did not rejoin");
        tokio::time::sleep(Duration::from_millis(100)).await;
    };
    post(
        &a,
        "/env/observe",
        json!({"session_id": rejoined, "url": site.url("/article.html"), "keep_alive": true}),
    )
    .await;
    assert_eq!(get(&b, "/health").await["active_sessions"], 1);

    // Stopped cleanly: their sessions closed and recorded.
    for node in [a, b] {
        node.signal(libc::SIGTERM);
        let mut node = node;
        let status = node.child.wait().expect("an exit status");
        assert!(status.success(), "{status}");
    }
}
