//! The private network is off limits to pages unless `--allow-private-network` lets a
//! destination through: navigations (a URL, a redirect, a link) are refused with `403`
//! naming the rule and the setting; subresources, fetch, XHR and WebSockets fail in the
//! page as network errors, and the refused server never sees a connection.

use std::process::Command;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;

use axum::extract::Query;
use axum::response::{Html, IntoResponse, Redirect};
use axum::routing::get;
use axum::Router;
use browserd::domain::PrivateNetworkAllowance;
use serde_json::{json, Value};

use crate::helpers::{action_described, spawn_app_with, TestApp, KEY};
use crate::site::serve_site;

/// A server that counts the connections it accepts and answers none: where a refused
/// request would have gone.
struct Counted {
    address: String,
    accepted: Arc<AtomicUsize>,
    task: tokio::task::JoinHandle<()>,
}

impl Drop for Counted {
    fn drop(&mut self) {
        self.task.abort();
    }
}

async fn counted_server() -> Counted {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let address = format!("http://{}", listener.local_addr().expect("addr"));
    let accepted = Arc::new(AtomicUsize::new(0));
    let counter = Arc::clone(&accepted);
    let task = tokio::spawn(async move {
        let mut held = Vec::new();
        while let Ok((stream, _)) = listener.accept().await {
            counter.fetch_add(1, Ordering::SeqCst);
            held.push(stream);
        }
    });
    Counted {
        address,
        accepted,
        task,
    }
}

/// The pages of these tests, on 127.0.0.1: a redirect, a link, and a page that reaches
/// for `target` by every means a page has, writing each outcome into a list.
async fn serve_pages() -> (String, tokio::task::JoinHandle<()>) {
    #[derive(serde::Deserialize)]
    struct To {
        to: String,
    }
    let app = Router::new()
        .route("/data", get(|| async { "same-origin data" }))
        .route(
            "/redirect",
            get(|Query(To { to }): Query<To>| async move { Redirect::temporary(&to) }),
        )
        .route(
            "/link",
            get(|Query(To { to }): Query<To>| async move {
                Html(format!(
                    "<!doctype html><title>Links</title><a href=\"{to}\">Refused link</a>"
                ))
            }),
        )
        .route(
            "/reach",
            get(|Query(To { to }): Query<To>| async move {
                Html(REACH.replace("TARGET", &to)).into_response()
            }),
        );
    let (address, task) = crate::site::serve_router(app).await;
    (address, task)
}

const REACH: &str = r#"<!doctype html><title>Reach</title><ul id="results"></ul><script>
const target = "TARGET";
const report = (name, text) => {
  const item = document.createElement("li");
  item.textContent = `${name}: ${text}`;
  document.getElementById("results").append(item);
};
fetch("/data").then(r => r.text()).then(t => report("same origin", t), () => report("same origin", "network error"));
fetch(target + "/data").then(r => report("fetch", "status " + r.status), () => report("fetch", "network error"));
const xhr = new XMLHttpRequest();
xhr.open("GET", target + "/data");
xhr.onload = () => report("xhr", "status " + xhr.status);
xhr.onerror = () => report("xhr", "network error");
xhr.send();
const socket = new WebSocket(target.replace("http", "ws") + "/socket");
socket.onopen = () => report("websocket", "open");
socket.onerror = () => report("websocket", "network error");
const image = new Image();
image.onload = () => report("image", "loaded");
image.onerror = () => report("image", "network error");
image.src = target + "/pixel.png";
</script>"#;

async fn observe(app: &TestApp, body: Value) -> (u16, Value) {
    let (status, json, _) = app
        .post("/env/observe", Some(KEY), Some(&body.to_string()))
        .await;
    (status, json)
}

fn assert_refused(status: u16, json: &Value, what: &str) {
    assert_eq!(status, 403, "{what}: {json}");
    let error = json["error"].as_str().unwrap_or_default();
    assert!(
        error.contains("private network") && error.contains("--allow-private-network"),
        "{what}: the rule and the setting that lifts it: {error}"
    );
}

/// A name other than `localhost` that this machine's hosts file maps to loopback.
fn loopback_name() -> String {
    let hosts = std::fs::read_to_string("/etc/hosts").expect("/etc/hosts");
    hosts
        .lines()
        .filter_map(|line| {
            let mut words = line.split('#').next()?.split_whitespace();
            let address = words.next()?;
            address
                .starts_with("127.")
                .then(|| words.find(|name| *name != "localhost" && !name.contains("localhost")))
                .flatten()
                .map(str::to_owned)
        })
        .next()
        .expect("/etc/hosts maps a name besides localhost to 127.x (Debian's 127.0.1.1 <hostname>)")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn by_default_every_spelling_of_the_private_network_is_refused_and_the_session_stays() {
    let app = spawn_app_with(|settings| {
        settings.browser.allow_private_network = PrivateNetworkAllowance::Nothing;
    })
    .await;
    let site = serve_site().await;
    let port = site.address.rsplit(':').next().expect("port").to_string();
    let id = app.start_session(r#"{"keep_alive": true}"#).await;
    for url in [
        site.url("/form.html"),
        format!("http://localhost:{port}/form.html"),
        format!("http://{}:{port}/form.html", loopback_name()),
        format!("http://[::1]:{port}/"),
        format!("http://2130706433:{port}/"),
        format!("http://0.0.0.0:{port}/"),
        format!("http://[::ffff:127.0.0.1]:{port}/"),
        "http://169.254.169.254/latest/meta-data/".to_string(),
        "http://10.0.0.5/".to_string(),
        "https://192.168.1.1/".to_string(),
        "http://[fd00::1]/".to_string(),
    ] {
        let (status, json) = observe(
            &app,
            json!({"session_id": id, "url": url, "keep_alive": true}),
        )
        .await;
        assert_refused(status, &json, &url);
        assert_eq!(app.session(&id).await["status"], "active", "{url}");
    }
    // A step's goto is refused the same way.
    let (status, json, _) = app
        .post(
            "/env/step",
            Some(KEY),
            Some(
                &json!({"session_id": id, "keep_alive": true, "action_id": "S1", "value": site.url("/")})
                    .to_string(),
            ),
        )
        .await;
    assert_refused(status, &json, "S1");
    // Refused before it began, like any refused input: nothing happened to write down.
    let (_, steps) = app.get(&format!("/session/{id}/steps"), Some(KEY)).await;
    assert_eq!(steps, json!([]));
    // `file:` and `chrome:` stay refused as before, as bad input.
    for url in ["file:///etc/passwd", "chrome://version"] {
        let (status, json) = observe(
            &app,
            json!({"session_id": id, "url": url, "keep_alive": true}),
        )
        .await;
        assert_eq!(status, 400, "{url}: {json}");
    }
    let (status, json) = observe(
        &app,
        json!({"session_id": id, "url": "about:blank", "keep_alive": true}),
    )
    .await;
    assert_eq!(status, 200, "the session still works: {json}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_listed_destination_is_let_through_and_nothing_else_even_by_redirect_link_or_script() {
    let (pages, _pages_task) = serve_pages().await;
    let refused = counted_server().await;
    let listed = pages.trim_start_matches("http://").to_string();
    let app = spawn_app_with(|settings| {
        settings.browser.allow_private_network = listed.parse().expect("allowance");
    })
    .await;
    let id = app.start_session(r#"{"keep_alive": true}"#).await;

    // Another port of the same address is not listed.
    let (status, json) = observe(
        &app,
        json!({"session_id": id, "url": format!("{}/data", refused.address), "keep_alive": true}),
    )
    .await;
    assert_refused(status, &json, "an unlisted port");

    // A redirect from the listed origin to an unlisted one.
    let redirect = format!("{pages}/redirect?to={}/data", refused.address);
    let (status, json) = observe(
        &app,
        json!({"session_id": id, "url": redirect, "keep_alive": true}),
    )
    .await;
    assert_refused(status, &json, "a redirect");
    assert!(
        json["error"]
            .as_str()
            .unwrap()
            .contains(&refused.address[7..]),
        "names where the redirect led: {json}"
    );

    // A link on a listed page to an unlisted one.
    let link = format!("{pages}/link?to={}/data", refused.address);
    let (status, page) = observe(
        &app,
        json!({"session_id": id, "url": link, "keep_alive": true}),
    )
    .await;
    assert_eq!(status, 200, "the listed page loads: {page}");
    let click = action_described(&page, "Refused link");
    let (status, json, _) = app
        .post(
            "/env/step",
            Some(KEY),
            Some(&json!({"session_id": id, "keep_alive": true, "action_id": click}).to_string()),
        )
        .await;
    assert_refused(status, &json, "a link");
    let (_, steps) = app.get(&format!("/session/{id}/steps"), Some(KEY)).await;
    let last = &steps.as_array().expect("steps")[steps.as_array().unwrap().len() - 1];
    assert_eq!(last["outcome"], "private_network", "{steps}");

    // A listed page whose fetch, XHR, WebSocket and image reach for an unlisted address:
    // the page loads, and each of them fails as a network error.
    let reach = format!("{pages}/reach?to={}", refused.address);
    let (status, json) = observe(
        &app,
        json!({"session_id": id, "url": reach, "keep_alive": true}),
    )
    .await;
    assert_eq!(status, 200, "the page itself loads: {json}");
    let results = reach_results(&app, &id).await;
    for line in [
        "same origin: same-origin data",
        "fetch: network error",
        "xhr: network error",
        "websocket: network error",
        "image: network error",
    ] {
        assert!(results.contains(line), "{line:?} in:\n{results}");
    }
    assert_eq!(
        refused.accepted.load(Ordering::SeqCst),
        0,
        "the unlisted server never saw a connection"
    );
}

/// The page's list of outcomes once all five are in (or as it is after a while).
async fn reach_results(app: &TestApp, id: &str) -> String {
    let mut markdown = String::new();
    for _ in 0..50 {
        let (status, json, _) = app
            .post(
                "/env/scrape",
                Some(KEY),
                Some(&json!({"session_id": id, "keep_alive": true}).to_string()),
            )
            .await;
        assert_eq!(status, 200, "{json}");
        markdown = json["data"]["markdown"]
            .as_str()
            .unwrap_or_default()
            .to_string();
        if markdown.matches(": ").count() >= 5 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    markdown
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_one_shot_commands_refuse_it_too_unless_allowed() {
    let site = serve_site().await;
    let url = site.url("/form.html");
    let run = |allowance: Option<String>| {
        let url = url.clone();
        tokio::task::spawn_blocking(move || {
            let mut command = Command::new(env!("CARGO_BIN_EXE_browserd"));
            command
                .args(["observe", &url])
                .env_remove("BROWSERD_ALLOW_PRIVATE_NETWORK");
            if let Some(allowance) = allowance {
                command.args(["--allow-private-network", &allowance]);
            }
            command.output().expect("browserd runs")
        })
    };
    let refused = run(None).await.expect("join");
    assert!(!refused.status.success());
    let stderr = String::from_utf8_lossy(&refused.stderr);
    assert!(
        stderr.contains("private network") && stderr.contains("--allow-private-network"),
        "{stderr}"
    );
    let port = site.address.rsplit(':').next().expect("port");
    let allowed = run(Some(format!("127.0.0.1:{port}"))).await.expect("join");
    let stdout = String::from_utf8_lossy(&allowed.stdout);
    assert!(
        allowed.status.success() && stdout.contains("Email"),
        "{stdout}\n{}",
        String::from_utf8_lossy(&allowed.stderr)
    );
}

/// Through the proxy, Chromium reports every connection it could not make as one
/// `ERR_SOCKS_CONNECTION_FAILED`; a navigation that reached nothing says instead what the
/// browser says without a proxy, and the session goes on.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_navigation_that_reaches_nothing_says_why_as_the_browser_would() {
    let app = spawn_app_with(|_| {}).await;
    let closed_port = std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|listener| listener.local_addr())
        .expect("a free port")
        .port();
    let id = app.start_session(r#"{"keep_alive": true}"#).await;
    let tries = [
        (
            format!("http://127.0.0.1:{closed_port}/"),
            "net::ERR_CONNECTION_REFUSED",
        ),
        (
            "http://no-such-host.invalid/".to_string(),
            "net::ERR_NAME_NOT_RESOLVED",
        ),
    ];
    for (url, reason) in tries {
        let (status, json) = observe(
            &app,
            json!({"session_id": id, "keep_alive": true, "url": url}),
        )
        .await;
        assert_eq!(status, 502, "{url}: {json}");
        let error = json["error"].as_str().unwrap_or_default();
        assert!(error.contains(reason), "{url}: {reason} in {error}");
    }
    let site = serve_site().await;
    let (status, json) = observe(
        &app,
        json!({"session_id": id, "keep_alive": true, "url": site.url("/form.html")}),
    )
    .await;
    assert_eq!(status, 200, "{json}");
    let step = json!({"session_id": id, "keep_alive": true, "action_id": "S1", "value": format!("http://127.0.0.1:{closed_port}/")});
    let (status, json, _) = app
        .post("/env/step", Some(KEY), Some(&step.to_string()))
        .await;
    assert_eq!(status, 502, "{json}");
    let error = json["error"].as_str().unwrap_or_default();
    assert!(error.contains("net::ERR_CONNECTION_REFUSED"), "{error}");
    assert_eq!(app.session(&id).await["status"], "active");
}
