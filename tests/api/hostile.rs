//! Hostile pages — an endless loop, allocation until the renderer dies, a hundred
//! pop-ups, dialogs in a loop, a million nodes, a page that never stops loading, frames
//! in frames, a hundred thousand levels of nesting — each run in one session while
//! another session keeps stepping: the hostile request fails (or answers) within the
//! server's own bounds, its session stays usable or ends as `error` with a reason, and
//! every step of the other session succeeds.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::Duration;

use axum::extract::Path;
use axum::http::{header, StatusCode};
use axum::response::{Html, IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use serde_json::{json, Value};

use crate::helpers::{action_described, spawn_app_with, TestApp, KEY};
use crate::site::{serve_site, Site};

/// The hostile pages, on 127.0.0.1: the files of `tests/fixtures/hostile/`, `/page.html`
/// (what the pop-ups open) and `/endless` (answers, and never stops).
struct Hostile {
    address: String,
    task: tokio::task::JoinHandle<()>,
}

impl Hostile {
    fn url(&self, path: &str) -> String {
        format!("{}{path}", self.address)
    }
}

impl Drop for Hostile {
    fn drop(&mut self) {
        self.task.abort();
    }
}

async fn hostile_file(Path(name): Path<String>) -> Response {
    let root = std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/hostile");
    match tokio::fs::read(root.join(name.replace("..", ""))).await {
        Ok(bytes) => ([(header::CONTENT_TYPE, "text/html; charset=utf-8")], bytes).into_response(),
        Err(_) => StatusCode::NOT_FOUND.into_response(),
    }
}

/// Its head at once, then a line of its body every 200 ms, for ever.
async fn endless() -> Response {
    let lines = futures_util::stream::unfold(0u64, |n| async move {
        if n > 0 {
            tokio::time::sleep(Duration::from_millis(200)).await;
        }
        let line = match n {
            0 => "<!doctype html><title>Endless</title><h1>Never stops loading</h1>\n".to_string(),
            n => format!("<p>line {n}</p>\n"),
        };
        Some((Ok::<_, std::convert::Infallible>(line), n + 1))
    });
    (
        [(header::CONTENT_TYPE, "text/html; charset=utf-8")],
        axum::body::Body::from_stream(lines),
    )
        .into_response()
}

async fn serve_hostile() -> Hostile {
    let app = Router::new()
        .route("/endless", get(endless))
        .route(
            "/page.html",
            get(|| async { Html("<!doctype html><title>A page</title><p>A page") }),
        )
        .route("/{name}", get(hostile_file));
    let (address, task) = crate::site::serve_router(app).await;
    Hostile { address, task }
}

/// The operation timeout of these servers, in seconds: the bound a hostile request fails by.
const OPERATION_TIMEOUT_SECS: u64 = 6;
/// The cap of tabs per session of these servers.
const MAX_TABS: usize = 5;

async fn post(app: &TestApp, path: &str, body: Value) -> (u16, Value) {
    // A hang is a failure, not a slow pass: far past the server's own bound.
    let sent = tokio::time::timeout(
        Duration::from_secs(OPERATION_TIMEOUT_SECS * 10),
        app.post(path, Some(KEY), Some(&body.to_string())),
    )
    .await;
    let (status, json, _) = sent.unwrap_or_else(|_| panic!("{path} {body} never answered"));
    (status, json)
}

/// A session that fills a form field step after step until told to stop; the statuses
/// of its steps.
struct Bystander {
    stop: Arc<AtomicBool>,
    task: tokio::task::JoinHandle<Vec<(u16, Value)>>,
}

impl Bystander {
    async fn start(app: &Arc<TestApp>, site: &Site) -> Self {
        let id = app.start_session(r#"{"keep_alive": true}"#).await;
        let (status, page) = post(
            app,
            "/env/observe",
            json!({"session_id": id, "keep_alive": true, "url": site.url("/form.html")}),
        )
        .await;
        assert_eq!(status, 200, "{page}");
        let email = action_described(&page, "Email");
        let stop = Arc::new(AtomicBool::new(false));
        let (app, stopped) = (Arc::clone(app), Arc::clone(&stop));
        let task = tokio::spawn(async move {
            let mut steps = Vec::new();
            let mut n = 0;
            while !stopped.load(Ordering::SeqCst) || steps.is_empty() {
                n += 1;
                let step = json!({"session_id": id, "keep_alive": true, "action_id": email, "value": format!("ada{n}@example.com")});
                steps.push(post(&app, "/env/step", step).await);
            }
            steps
        });
        Bystander { stop, task }
    }

    /// Stops it; asserts that every step it took succeeded.
    async fn every_step_succeeded(self) {
        self.stop.store(true, Ordering::SeqCst);
        let steps = self.task.await.expect("the bystander ran");
        for (status, json) in &steps {
            assert_eq!(*status, 200, "a bystander's step failed: {json}");
        }
    }
}

async fn hostile_app() -> (Arc<TestApp>, Site) {
    let app = spawn_app_with(|settings| {
        settings.operation_timeout_secs = OPERATION_TIMEOUT_SECS;
        settings.browser.page_heap_mb = 256;
        settings.browser.max_tabs_per_session = MAX_TABS as u64;
    })
    .await;
    (Arc::new(app), serve_site().await)
}

async fn observe_in(app: &TestApp, id: &str, url: &str) -> (u16, Value) {
    post(
        app,
        "/env/observe",
        json!({"session_id": id, "keep_alive": true, "url": url}),
    )
    .await
}

/// The answers to `commands`, sent one after the other on a client of the session's CDP
/// endpoint.
async fn cdp_calls(app: &TestApp, id: &str, commands: &[Value]) -> Vec<Value> {
    use futures_util::StreamExt;
    let cdp_url = app.session(id).await["cdp_url"]
        .as_str()
        .expect("cdp_url")
        .to_string();
    let (mut socket, _) = async_tungstenite::tokio::connect_async(cdp_url)
        .await
        .expect("the CDP endpoint lets the client in");
    let mut answers = Vec::new();
    for (n, command) in commands.iter().enumerate() {
        let mut command = command.clone();
        command["id"] = json!(n + 1);
        socket
            .send(async_tungstenite::tungstenite::Message::text(
                command.to_string(),
            ))
            .await
            .expect("sent");
        loop {
            let message = socket.next().await.expect("an answer").expect("a message");
            let Ok(text) = message.to_text() else {
                continue;
            };
            let answer: Value = serde_json::from_str(text).unwrap_or_default();
            if answer["id"] == json!(n + 1) {
                answers.push(answer);
                break;
            }
        }
    }
    answers
}

/// The pages open in the session's browser context, as its CDP endpoint lists them.
/// Waits (a few seconds at most) for the session's pages to be within `cap`: the cap
/// closes a page past it as soon as the browser announces it, so a count taken while
/// pages open may be over by those not yet closed.
async fn pages_come_to_at_most(app: &TestApp, id: &str, cap: usize) {
    let mut pages = pages_of(app, id).await;
    for _ in 0..50 {
        if pages <= cap {
            return;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
        pages = pages_of(app, id).await;
    }
    panic!("the session still has {pages} pages, over its cap of {cap}");
}

async fn pages_of(app: &TestApp, id: &str) -> usize {
    let answers = cdp_calls(app, id, &[json!({"method": "Target.getTargets"})]).await;
    answers[0]["result"]["targetInfos"]
        .as_array()
        .expect("targets")
        .iter()
        .filter(|target| target["type"] == "page")
        .count()
}

async fn step_in(app: &TestApp, id: &str, action: &str) -> (u16, Value) {
    post(
        app,
        "/env/step",
        json!({"session_id": id, "keep_alive": true, "action_id": action}),
    )
    .await
}

/// The session ended as `error` with a reason that says `why`.
async fn ended_with(app: &TestApp, id: &str, why: &str) {
    let session = app.session(id).await;
    assert_eq!(session["status"], "error", "{session}");
    let reason = session["error"].as_str().unwrap_or_default();
    assert!(reason.contains(why), "{why:?} in the reason: {session}");
}

/// A hostile request's failure within the server's bounds: `500` with the session ended
/// as `error` saying `why`, or — on a machine too loaded for the page to get that far
/// before the operation timeout — `502` at the navigation's bound, the session usable.
async fn failed_within_bounds(
    app: &TestApp,
    site: &Site,
    id: &str,
    (status, json): (u16, Value),
    why: &str,
) {
    match status {
        500 => ended_with(app, id, why).await,
        502 => {
            timed_out(status, &json);
            still_usable(app, site, id).await;
        }
        other => panic!("{other}: {json}"),
    }
}

/// The navigation failed at the operation timeout (`502`, `net::ERR_TIMED_OUT`).
fn timed_out(status: u16, json: &Value) {
    assert_eq!(status, 502, "{json}");
    assert!(
        json["error"]
            .as_str()
            .unwrap_or_default()
            .contains("ERR_TIMED_OUT"),
        "{json}"
    );
}

/// The session is active and takes the next page.
async fn still_usable(app: &TestApp, site: &Site, id: &str) {
    assert_eq!(app.session(id).await["status"], "active");
    let (status, json) = observe_in(app, id, &site.url("/form.html")).await;
    assert_eq!(status, 200, "the session still works: {json}");
}

/// A session at its cap of tabs keeps a page when its navigation hangs: the fresh page
/// that replaces the hung one is not closed by the session's own cap. One more tab is
/// refused as the agent's mistake, and the session goes on.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_session_at_its_cap_of_tabs_keeps_a_page_through_a_hung_navigation() {
    let (app, site) = hostile_app().await;
    let hostile = serve_hostile().await;
    let id = app.start_session(r#"{"keep_alive": true}"#).await;
    let new_page = json!({"method": "Target.createTarget", "params": {"url": "about:blank"}});
    cdp_calls(&app, &id, &vec![new_page; MAX_TABS]).await;
    pages_come_to_at_most(&app, &id, MAX_TABS).await;
    assert_eq!(pages_of(&app, &id).await, MAX_TABS);

    let (status, json) = observe_in(&app, &id, &hostile.url("/loop.html")).await;
    timed_out(status, &json);
    still_usable(&app, &site, &id).await;
    // The hung page is closed after its replacement came in; its renderer may take a
    // moment to let it go.
    pages_come_to_at_most(&app, &id, MAX_TABS).await;

    let (status, json) = post(
        &app,
        &format!("/sessions/{id}/page/execute"),
        json!({"type": "goto_new_tab", "url": site.url("/article.html")}),
    )
    .await;
    assert!(
        json.to_string().contains("most tabs open (5)"),
        "{status}: {json}"
    );
    assert_ne!(status, 500, "{json}");
    still_usable(&app, &site, &id).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn hostile_pages_fail_their_own_requests_while_another_session_keeps_stepping() {
    let (app, site) = hostile_app().await;
    let hostile = serve_hostile().await;
    let bystander = Bystander::start(&app, &site).await;
    let start = || app.start_session(r#"{"keep_alive": true}"#);

    // An endless loop: the navigation fails at the operation timeout, on a fresh page.
    let id = start().await;
    let (status, json) = observe_in(&app, &id, &hostile.url("/loop.html")).await;
    timed_out(status, &json);
    still_usable(&app, &site, &id).await;

    // A page that never stops loading: the same.
    let id = start().await;
    let (status, json) = observe_in(&app, &id, &hostile.url("/endless")).await;
    assert_eq!(status, 502, "{json}");
    still_usable(&app, &site, &id).await;

    // Allocation until the renderer dies, at the page's heap cap.
    let id = start().await;
    let answer = observe_in(&app, &id, &hostile.url("/memory.html")).await;
    failed_within_bounds(&app, &site, &id, answer, "crashed").await;

    // Dialogs in a loop, from the start and from a click: the page is stopped.
    let id = start().await;
    let answer = observe_in(&app, &id, &hostile.url("/dialogs-onload.html")).await;
    failed_within_bounds(&app, &site, &id, answer, "dialogs without end").await;
    let id = start().await;
    let (status, page) = observe_in(&app, &id, &hostile.url("/dialogs.html")).await;
    assert_eq!(status, 200, "{page}");
    let (status, json) = step_in(&app, &id, &action_described(&page, "Alert forever")).await;
    assert_eq!(status, 500, "{json}");
    ended_with(&app, &id, "dialogs without end").await;

    // A hundred pop-ups: whether or not the browser blocks those a page opens without a
    // click (the full Chromium does, the headless shell does not), the session's pages
    // stop at its cap of tabs; so do a click's hundred and a CDP client's hundred. Each
    // `window.open` waits for the browser, so on a loaded machine the page may not load
    // within the bound: then it fails its own request, and the session goes on.
    let id = start().await;
    let (status, json) = observe_in(&app, &id, &hostile.url("/popups.html")).await;
    match status {
        200 => {}
        502 => timed_out(status, &json),
        _ => panic!("{status}: {json}"),
    }
    pages_come_to_at_most(&app, &id, MAX_TABS).await;
    still_usable(&app, &site, &id).await;
    let (status, page) = observe_in(&app, &id, &hostile.url("/popups.html?click")).await;
    assert_eq!(status, 200, "{page}");
    let (status, json) = step_in(&app, &id, &action_described(&page, "Open a hundred")).await;
    let id = match status {
        200 => id,
        // The same wait for the browser, a hundred times, from a click: past the bound,
        // the step fails at it and the session ends saying so.
        500 => {
            ended_with(&app, &id, "did not answer within").await;
            start().await
        }
        _ => panic!("{status}: {json}"),
    };
    pages_come_to_at_most(&app, &id, MAX_TABS).await;
    let new_page = json!({"method": "Target.createTarget", "params": {"url": "about:blank"}});
    cdp_calls(&app, &id, &vec![new_page; 100]).await;
    pages_come_to_at_most(&app, &id, MAX_TABS).await;
    assert_eq!(pages_of(&app, &id).await, MAX_TABS);
    still_usable(&app, &site, &id).await;

    // A million nodes: observed within the bound, or failed at it (building the page, and
    // the session goes on; or reading it, and the session ends saying so).
    let id = start().await;
    let (status, json) = observe_in(&app, &id, &hostile.url("/nodes.html")).await;
    match status {
        200 => assert!(
            json["space"]["markdown"]
                .as_str()
                .unwrap()
                .contains("cell 0.0"),
            "{json}"
        ),
        _ => failed_within_bounds(&app, &site, &id, (status, json), "did not answer within").await,
    }

    // Frames in frames, past the thousand a page may hold: observed, or failed at a bound.
    let id = start().await;
    let (status, json) = observe_in(&app, &id, &hostile.url("/frames.html")).await;
    match status {
        200 => assert!(json.to_string().contains("Frames in frames"), "{json}"),
        _ => failed_within_bounds(&app, &site, &id, (status, json), "did not answer within").await,
    }

    // A hundred thousand levels of nesting: observed, or the page crashes alone.
    let id = start().await;
    let (status, json) = observe_in(&app, &id, &hostile.url("/deep.html")).await;
    match status {
        200 => assert!(json.to_string().contains("Top button"), "{json}"),
        _ => failed_within_bounds(&app, &site, &id, (status, json), "crashed").await,
    }

    bystander.every_step_succeeded().await;
}

/// At the longest operation timeout, the browser client's own bound on a command meets
/// ours: a page that never loads still fails as a navigation past its bound (`502`), and
/// its session goes on, rather than ending on the client's timeout.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_page_that_never_loads_fails_at_the_longest_operation_timeout_and_the_session_goes_on() {
    let app = spawn_app_with(|settings| {
        settings.operation_timeout_secs = browserd::config::OPERATION_TIMEOUT_MAX_SECS;
    })
    .await;
    let (site, hostile) = (serve_site().await, serve_hostile().await);
    let id = app.start_session(r#"{"keep_alive": true}"#).await;
    let (status, json) = observe_in(&app, &id, &hostile.url("/endless")).await;
    timed_out(status, &json);
    still_usable(&app, &site, &id).await;
}
