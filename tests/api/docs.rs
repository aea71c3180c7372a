//! `/docs` in a real headless Chromium that can reach nothing but 127.0.0.1: the API
//! reference renders from the binary's own assets and lists every endpoint.

use std::process::{Command, Stdio};
use std::time::Duration;

use serde_json::{json, Value};

use crate::helpers::{action_described, spawn_app, wait_gone, TestApp, KEY};

/// The page's DOM after its scripts ran, as Chromium's `--dump-dom` prints it.
async fn rendered_dom(url: &str) -> String {
    let executable = browserd::browser::find_executable(None).expect("a Chromium");
    let profile = tempfile::tempdir().expect("profile dir");
    let child = Command::new(executable)
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--no-first-run",
            "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1",
            "--virtual-time-budget=20000",
            "--dump-dom",
        ])
        .arg(format!("--user-data-dir={}", profile.path().display()))
        .arg(url)
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("chromium starts");
    let pid = child.id();
    let output = tokio::time::timeout(
        Duration::from_secs(90),
        tokio::task::spawn_blocking(move || child.wait_with_output()),
    )
    .await;
    let Ok(output) = output else {
        // SAFETY: plain syscall on the process this test started.
        unsafe { libc::kill(pid as libc::pid_t, libc::SIGKILL) };
        wait_gone(&[pid], Duration::from_secs(5)).await;
        panic!("chromium did not render {url} within 90 s");
    };
    let output = output.expect("join").expect("chromium output");
    String::from_utf8_lossy(&output.stdout).into_owned()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_docs_page_renders_offline_and_lists_every_endpoint() {
    let app = spawn_app().await;
    let root = app.client.get(app.url("/")).send().await.expect("sent");
    assert_eq!(root.url().path(), "/docs/", "/ leads to the docs");
    assert!(root.status().is_success());

    let document: Value = app
        .client
        .get(app.url("/openapi.json"))
        .send()
        .await
        .expect("sent")
        .json()
        .await
        .expect("JSON");
    let dom = rendered_dom(&app.url("/docs/")).await;
    assert!(
        dom.contains("browserd") && !dom.contains("Failed to load API definition"),
        "the reference did not render:\n{}",
        &dom[..dom.len().min(2000)]
    );
    for (path, item) in document["paths"].as_object().expect("paths") {
        assert!(
            dom.contains(&format!("data-path=\"{path}\"")),
            "{path} is not listed on /docs"
        );
        for method in item.as_object().expect("operations").keys() {
            assert!(
                dom.contains(&format!("opblock-{method}")),
                "no {method} operation on /docs"
            );
        }
    }
    assert!(dom.contains("Authorize"), "no way to give the API key");
}

async fn step(app: &TestApp, session: &str, action_id: &str, value: Option<&str>) -> Value {
    let body = json!({"session_id": session, "keep_alive": true, "action_id": action_id, "value": value, "max_nb_actions": 1000});
    let (status, page, _) = app
        .post("/env/step", Some(KEY), Some(&body.to_string()))
        .await;
    assert_eq!(status, 200, "{page}");
    page
}

/// A person's way through the reference, driven through browserd's own API: authorize
/// with the key, open `GET /sessions`, execute it, and read the answer on the page.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_endpoint_can_be_called_from_the_docs_page_with_a_key() {
    let app = spawn_app().await;
    let body = json!({"url": app.url("/docs/"), "keep_alive": true, "max_nb_actions": 1000});
    let (status, page, _) = app
        .post("/env/observe", Some(KEY), Some(&body.to_string()))
        .await;
    assert_eq!(status, 200, "{page}");
    let session = page["session"]["session_id"]
        .as_str()
        .expect("id")
        .to_string();

    let page = step(&app, &session, &action_described(&page, "Authorize"), None).await;
    let page = step(
        &app,
        &session,
        &action_described(&page, "auth-bearer-value"),
        Some(KEY),
    )
    .await;
    let page = step(
        &app,
        &session,
        &action_described(&page, "Apply credentials"),
        None,
    )
    .await;
    let page = step(&app, &session, &action_described(&page, "Close"), None).await;
    let page = step(
        &app,
        &session,
        &action_described(&page, "GET /sessions"),
        None,
    )
    .await;
    step(&app, &session, &action_described(&page, "Execute"), None).await;

    let body = json!({"session_id": session, "keep_alive": true, "only_main_content": false});
    let (status, scraped, _) = app
        .post("/env/scrape", Some(KEY), Some(&body.to_string()))
        .await;
    assert_eq!(status, 200, "{scraped}");
    let text = scraped["data"]["markdown"].as_str().expect("markdown");
    let answer = &text[text.find("Server response").expect("an answer on the page")..];
    assert!(answer.contains("200"), "{answer}");
    assert!(
        answer.contains(&session),
        "the answer lists the session driving the page:\n{answer}"
    );
}
