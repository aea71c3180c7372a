//! A session's CDP endpoint driven by the real clients — Playwright (`playwright-core`) and
//! Puppeteer (`puppeteer-core`) from npm, on the server's own Chromium — through
//! `tests/cdp/clients.mjs`; what they did is then seen by observe and step on the same
//! session. Two sessions' clients cannot reach each other.

use std::time::Duration;

use serde_json::Value;
use tokio::io::{AsyncBufReadExt, BufReader};
use tokio::process::{Child, Command};

use crate::helpers::{
    action_described, node_result as result_of, node_script, run_node, spawn_app, spawn_app_with,
    TestApp, KEY, OTHER_KEY,
};
use crate::site::serve_site;

fn node(mode: &str, args: &[&str]) -> Command {
    node_script("clients.mjs", mode, args)
}

async fn run(mode: &str, args: &[&str]) -> Value {
    run_node("clients.mjs", mode, args).await
}

/// Starts a client that stays connected; returns once it says it is.
async fn connected(mode: &str, url: &str) -> Child {
    let mut child = node(mode, &[url]).spawn().expect("node runs");
    let stdout = child.stdout.take().expect("stdout");
    let mut lines = BufReader::new(stdout).lines();
    let ready = tokio::time::timeout(Duration::from_secs(60), async {
        while let Ok(Some(line)) = lines.next_line().await {
            if line == "CONNECTED" {
                return true;
            }
        }
        false
    })
    .await;
    assert_eq!(ready, Ok(true), "the client connected");
    // What it prints later is read through this.
    child.stdout = Some(lines.into_inner().into_inner());
    child
}

async fn finished(child: Child) -> Value {
    let output = tokio::time::timeout(Duration::from_secs(30), child.wait_with_output())
        .await
        .expect("the client ends when the session does")
        .expect("node ran");
    result_of(&String::from_utf8_lossy(&output.stdout))
}

async fn start(app: &TestApp, key: &str) -> Value {
    let (status, session, _) = app
        .post("/session/start", Some(key), Some(r#"{"keep_alive": true}"#))
        .await;
    assert_eq!(status, 200, "{session}");
    session
}

fn text<'a>(value: &'a Value, field: &str) -> &'a str {
    value[field]
        .as_str()
        .unwrap_or_else(|| panic!("no {field} in {value}"))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn playwright_and_puppeteer_drive_a_session_that_observe_and_step_then_see() {
    let app = spawn_app().await;
    let site = serve_site().await;
    let session = start(&app, KEY).await;
    let id = text(&session, "session_id");
    let cdp_url = text(&session, "cdp_url");
    assert!(
        cdp_url.starts_with("ws://127.0.0.1:") && cdp_url.contains("token="),
        "{cdp_url}"
    );

    let done = run("playwright", &[cdp_url, &site.address]).await;
    assert_eq!(done["contexts"], 1, "{done}");
    assert_eq!(done["found"], serde_json::json!(["about:blank"]), "{done}");
    assert!(
        done["cookies"]
            .as_array()
            .unwrap()
            .contains(&"from_playwright".into()),
        "{done}"
    );
    assert!(done["screenshot"].as_u64().unwrap() > 1000, "{done}");
    assert_eq!(done["pages"], 2, "{done}");
    assert_eq!(done["secondTitle"], "Fixture article", "{done}");

    // The session's page is the one the client was given, as the client left it.
    let body = format!(r#"{{"session_id": "{id}", "keep_alive": true}}"#);
    let (status, page, _) = app.post("/env/observe", Some(KEY), Some(&body)).await;
    assert_eq!(status, 200, "{page}");
    assert!(
        text(&page["metadata"], "url").ends_with("/form.html"),
        "{page}"
    );
    let markdown = text(&page["space"], "markdown");
    assert!(markdown.contains("ada@example.com"), "{markdown}");
    assert!(markdown.contains("[x] Remember me"), "{markdown}");
    let sign_in = action_described(&page, "Sign in");
    let step = format!(r#"{{"session_id": "{id}", "keep_alive": true, "action_id": "{sign_in}"}}"#);
    let (status, after, _) = app.post("/env/step", Some(KEY), Some(&step)).await;
    assert_eq!(status, 200, "{after}");
    assert!(
        text(&after["metadata"], "url").contains("email=ada%40example.com"),
        "{after}"
    );

    // Puppeteer, by the WebSocket and by discovery from the HTTP address.
    let (status, debug) = app.get(&format!("/session/{id}/debug"), Some(KEY)).await;
    assert_eq!(status, 200, "{debug}");
    let done = run(
        "puppeteer",
        &[
            text(&debug, "cdp_url"),
            text(&debug, "cdp_http_url"),
            &site.address,
        ],
    )
    .await;
    assert_eq!(done["sum"], 42, "{done}");
    assert_eq!(done["title"], "Fixture article", "{done}");
    assert_eq!(
        done["after"].as_u64(),
        done["before"].as_u64().map(|n| n + 1),
        "{done}"
    );
    assert!(
        done["titles"]
            .as_array()
            .unwrap()
            .contains(&"Fixture article".into()),
        "{done}"
    );
    app.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_clients_share_one_session() {
    let app = spawn_app().await;
    let site = serve_site().await;
    let session = start(&app, KEY).await;
    let done = run("two", &[text(&session, "cdp_url"), &site.address]).await;
    assert_eq!(done["seenBySecond"], "Fixture article", "{done}");
    // The page the second opened reached the first as well.
    assert_eq!(done["pagesOfFirst"], 2, "{done}");
    assert_eq!(done["stillThere"], "Sign in — Fixture Shop", "{done}");
    assert_eq!(
        app.session(text(&session, "session_id")).await["status"],
        "active"
    );
    app.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn when_a_client_closes_the_sessions_page_the_session_takes_another() {
    let app = spawn_app().await;
    let site = serve_site().await;
    let session = start(&app, KEY).await;
    let id = text(&session, "session_id");
    let done = run("close-first", &[text(&session, "cdp_url"), &site.address]).await;
    assert_eq!(done["left"].as_array().map(Vec::len), Some(1), "{done}");

    let body = format!(r#"{{"session_id": "{id}", "keep_alive": true}}"#);
    let (status, page, _) = app.post("/env/observe", Some(KEY), Some(&body)).await;
    assert_eq!(status, 200, "{page}");
    assert_eq!(page["metadata"]["title"], "Fixture article", "{page}");
    assert_eq!(page["session"]["status"], "active");
    app.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn clients_of_two_sessions_cannot_reach_each_other() {
    let app = spawn_app().await;
    let site = serve_site().await;
    let own = start(&app, KEY).await;
    let other = start(&app, OTHER_KEY).await;

    // Playwright asks for browser-wide auto-attach with `waitForDebuggerOnStart` at
    // connect: another session's new pages must neither be attached to nor paused.
    let watcher = connected("attached", text(&own, "cdp_url")).await;
    let fresh = start(&app, OTHER_KEY).await;
    let body = format!(
        r#"{{"session_id": "{}", "keep_alive": true, "url": "{}"}}"#,
        text(&fresh, "session_id"),
        site.url("/article.html")
    );
    let (status, page, _) = app.post("/env/observe", Some(OTHER_KEY), Some(&body)).await;
    assert_eq!(status, 200, "a new page of another session runs: {page}");

    let done = run(
        "isolation",
        &[text(&own, "cdp_url"), text(&other, "cdp_url")],
    )
    .await;
    for (attempt, outcome) in done["refused"].as_object().expect("attempts") {
        // A session on the browser target is given, but it is the proxy's own, confined as
        // the connection is (the attempts above run through it).
        let expected = attempt != "attachToBrowserTarget";
        assert_eq!(outcome["refused"], expected, "{attempt}: {outcome}");
    }
    assert_eq!(done["leaked"], serde_json::json!([]), "{done}");
    assert!(
        !done["cookieNames"]
            .as_array()
            .unwrap()
            .contains(&"other_secret".into()),
        "{done}"
    );
    assert_eq!(done["browserContextIds"], serde_json::json!([]), "{done}");
    assert!(done["seen"].as_u64().unwrap() > 0, "{done}");
    assert_eq!(done["otherStill"], true, "{done}");

    let close = format!(r#"{{"session_id": "{}"}}"#, text(&own, "session_id"));
    let (status, _, _) = app.post("/session/close", Some(KEY), Some(&close)).await;
    assert_eq!(status, 200);
    let ended = finished(watcher).await;
    assert_eq!(ended["disconnected"], true, "{ended}");
    app.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_endpoint_refuses_wrong_tokens_other_keys_and_ended_sessions() {
    let app = spawn_app().await;
    let session = start(&app, KEY).await;
    let id = text(&session, "session_id");
    let cdp = |query: &str| format!("/session/{id}/cdp{query}");
    let token = text(&session, "cdp_url")
        .split("token=")
        .nth(1)
        .unwrap()
        .to_string();

    for (path, key, expected) in [
        (cdp("?token=0123456789abcdef0123456789abcdef"), None, 401),
        (cdp("?token=not-a-token"), None, 401),
        (cdp(""), None, 401),
        (cdp(""), Some(OTHER_KEY), 404),
        (cdp(""), Some("no-such-key"), 401),
        // Let in, but this is no WebSocket upgrade.
        (cdp(&format!("?token={token}")), None, 400),
        (cdp(""), Some(KEY), 400),
        (format!("/session/{id}/debug"), Some(OTHER_KEY), 404),
        (format!("/session/{id}/debug"), None, 401),
    ] {
        let (status, body) = app.get(&path, key).await;
        assert_eq!(status, expected, "{path} {key:?}: {body}");
        assert!(body["error"].is_string(), "{body}");
    }
    let (status, version) = app
        .get(&format!("/session/{id}/cdp/{token}/json/version/"), None)
        .await;
    assert_eq!(status, 200, "{version}");
    assert_eq!(
        text(&version, "webSocketDebuggerUrl"),
        text(&session, "cdp_url")
    );
    let (status, doubled) = app
        .get(&format!("/session/{id}/cdp/{token}//json/version"), None)
        .await;
    assert_eq!(status, 200, "{doubled}");
    let (status, _) = app
        .get(
            &format!("/session/{id}/cdp/{}/json/version", "f".repeat(32)),
            None,
        )
        .await;
    assert_eq!(status, 401);

    let close = format!(r#"{{"session_id": "{id}"}}"#);
    let (status, closed, _) = app.post("/session/close", Some(KEY), Some(&close)).await;
    assert_eq!(status, 200);
    assert!(
        closed.get("cdp_url").is_none(),
        "an ended session has no endpoint: {closed}"
    );
    let (status, body) = app.get(&cdp(&format!("?token={token}")), None).await;
    assert_eq!(status, 410, "{body}");
    assert_eq!(body["status"], "closed");
    let (status, _) = app.get(&format!("/session/{id}/debug"), Some(KEY)).await;
    assert_eq!(status, 410);
    app.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn frames_that_are_not_cdp_get_errors_and_an_oversized_one_a_close() {
    let app = spawn_app().await;
    let session = start(&app, KEY).await;
    let done = run("raw", &[text(&session, "cdp_url")]).await;
    let replies = done["replies"].as_array().expect("replies");
    let code = |at: usize| replies[at]["error"]["code"].as_i64();
    assert_eq!(code(0), Some(-32700), "{done}");
    assert_eq!(code(1), Some(-32600), "{done}");
    assert_eq!(code(2), Some(-32001), "{done}");
    assert_eq!(replies[3]["id"], 8, "{done}");
    assert!(replies[3]["result"]["product"].is_string(), "{done}");
    assert_eq!(done["close"]["code"], 1009, "{done}");
    assert!(text(&done["close"], "reason").contains("32 MiB"), "{done}");

    // The server, the browser and the session are as they were.
    let id = text(&session, "session_id");
    let body = format!(r#"{{"session_id": "{id}", "keep_alive": true, "url": "about:blank"}}"#);
    let (status, page, _) = app.post("/env/observe", Some(KEY), Some(&body)).await;
    assert_eq!(status, 200, "{page}");
    app.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_connected_client_keeps_its_session_from_idling_and_hears_why_it_ended() {
    // A two-second "minute": an idle session of three minutes would end within seconds,
    // and a client started on a loaded machine still has the time to connect.
    let app = spawn_app_with(|settings| settings.timeout_unit_secs = 2).await;
    let (status, session, _) = app
        .post(
            "/session/start",
            Some(KEY),
            Some(r#"{"session_timeout_minutes": 3}"#),
        )
        .await;
    assert_eq!(status, 200);
    let id = text(&session, "session_id").to_string();
    let client = connected("hold", text(&session, "cdp_url")).await;
    tokio::time::sleep(Duration::from_secs(10)).await;
    assert_eq!(app.session(&id).await["status"], "active");

    let close = format!(r#"{{"session_id": "{id}"}}"#);
    let (status, _, _) = app.post("/session/close", Some(KEY), Some(&close)).await;
    assert_eq!(status, 200);
    let ended = finished(client).await;
    assert_eq!(ended["close"]["code"], 1001, "{ended}");
    assert_eq!(ended["close"]["reason"], "session closed", "{ended}");
    app.stop().await;
}
