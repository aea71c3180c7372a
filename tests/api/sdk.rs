//! The published Notte SDK 1.10 (`notte-sdk` from PyPI, in `.venv-sdk`), unchanged,
//! against the `/sessions/…` dialect: a form filled by ids, a box checked, an option
//! chosen, Enter pressed, tabs switched, a scrape, a stop; and a session's `cdp_url()`
//! taken into Playwright and back. Then the dialect's refusals.

use std::time::Duration;

use serde_json::Value;
use tokio::process::Command;

use crate::helpers::{node_result, sdk_python, spawn_app, KEY, OTHER_KEY};
use crate::site::serve_site;

async fn sdk(mode: &str, server: &str, site: &str) -> Value {
    let script =
        std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/notte/sdk_session.py");
    let output = tokio::time::timeout(
        Duration::from_secs(120),
        Command::new(sdk_python())
            .arg(script)
            .args([mode, server, KEY, site])
            .kill_on_drop(true)
            .output(),
    )
    .await
    .expect("the SDK script finishes")
    .expect("python runs");
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        output.status.success(),
        "sdk_session.py {mode} failed:\n{stdout}\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
    node_result(&stdout)
}

#[tokio::test]
async fn the_notte_sdk_fills_a_form_switches_tabs_scrapes_and_stops() {
    let app = spawn_app().await;
    let site = serve_site().await;
    let done = sdk("form", &app.address, &site.address).await;
    let submitted = done["submitted_url"].as_str().expect("url");
    assert!(submitted.contains("/echo?"), "{done}");
    for part in [
        "name=Ada+Lovelace",
        "gift=on",
        "size=Large",
        "email=ada%40example.com",
    ] {
        assert!(submitted.contains(part), "{part} in {submitted}");
    }
    assert!(
        done["again"].as_str().unwrap().contains("already on"),
        "{done}"
    );
    assert_eq!(done["tabs"].as_array().map(Vec::len), Some(2), "{done}");
    assert!(
        done["back_url"].as_str().unwrap().contains("/echo?"),
        "{done}"
    );
    assert!(
        done["markdown"].as_str().unwrap().contains("size=Large"),
        "{done}"
    );
    assert_eq!(done["refused"]["success"], false, "{done}");
    assert_eq!(done["status"], "active");
    assert!(done["viewer_url"]
        .as_str()
        .unwrap()
        .contains("/live?token="));
    assert_eq!(done["stopped"], "closed");
}

#[tokio::test]
async fn a_session_s_cdp_url_goes_into_playwright_and_back() {
    let app = spawn_app().await;
    let site = serve_site().await;
    let done = sdk("cdp", &app.address, &site.address).await;
    assert_eq!(done["title"], "Order — Fixture Shop");
    let described = done["described"].to_string();
    assert!(
        described.contains("Grace Hopper"),
        "what Playwright typed is observed: {described}"
    );
    assert!(
        done["after_url"]
            .as_str()
            .unwrap()
            .contains("name=Grace+Hopper"),
        "{done}"
    );
    assert!(
        done["after_url"].as_str().unwrap().contains("size=Medium"),
        "{done}"
    );
}

#[tokio::test]
async fn the_notte_sdk_uploads_chooses_downloads_and_sets_cookies() {
    let app = spawn_app().await;
    let site = serve_site().await;
    let done = sdk("files", &app.address, &site.address).await;
    assert_eq!(done["uploaded"]["filename"], "cv.txt", "{done}");
    assert_eq!(done["uploaded"]["size"], 12, "{done}");
    assert!(
        done["chosen"].as_str().unwrap().contains("input,change"),
        "{done}"
    );
    let listed = done["listed"].to_string();
    assert!(
        listed.contains("cv.txt") && listed.contains("user_upload"),
        "{listed}"
    );
    assert!(listed.contains("session_download"), "{listed}");
    assert!(done["saved_size"].as_u64() > Some(0), "{done}");
    assert!(done["cookies"].to_string().contains("seen"), "{done}");
}

#[tokio::test]
async fn the_sdk_dialect_refuses_what_browserd_does_not_have() {
    let app = spawn_app().await;
    let start = |body: &'static str| {
        let app = &app;
        async move { app.post("/sessions/start", Some(KEY), Some(body)).await }
    };
    for (body, field) in [
        (r#"{"proxies": true}"#, "proxies"),
        (r#"{"solve_captchas": true}"#, "solve_captchas"),
        (r#"{"browser_type": "firefox"}"#, "browser_type"),
        (r#"{"user_agent": "x"}"#, "user_agent"),
        (r#"{"max_duration_minutes": 5}"#, "max_duration_minutes"),
    ] {
        let (status, json, _) = start(body).await;
        assert_eq!(status, 422, "{body}: {json}");
        assert!(json["error"].as_str().unwrap().contains(field), "{json}");
    }
    let (status, json, _) = start(r#"{"idle_timeout_minutes": 99}"#).await;
    assert_eq!(status, 400, "{json}");
    let (status, started, _) = start(r#"{"idle_timeout_minutes": 7, "proxies": false}"#).await;
    assert_eq!(status, 200, "{started}");
    assert_eq!(started["idle_timeout_minutes"], 7);
    let id = started["session_id"].as_str().unwrap().to_string();
    let execute = |body: &'static str| {
        let app = &app;
        let path = format!("/sessions/{id}/page/execute");
        async move { app.post(&path, Some(KEY), Some(body)).await }
    };
    let (status, json, _) = execute(r#"{"type": "evaluate_js", "code": "1"}"#).await;
    assert_eq!(status, 422, "{json}");
    let (status, json, _) = execute(r#"{"type": "click", "selector": "css=button"}"#).await;
    assert_eq!(status, 422, "{json}");
    let (status, json, _) = execute(r#"{"type": "teleport"}"#).await;
    assert_eq!(status, 400, "{json}");
    let (status, json, _) = execute(r#"{"type": "switch_tab", "tab_index": 3}"#).await;
    assert_eq!(
        (status, &json["success"]),
        (200, &Value::Bool(false)),
        "{json}"
    );
    let (status, json, _) = execute(r#"{"type": "press_key", "key": "Hyper"}"#).await;
    assert_eq!(status, 400, "{json}");
    let (status, json, _) = app
        .post(
            &format!("/sessions/{id}/page/scrape"),
            Some(KEY),
            Some(r#"{"instructions": "prices"}"#),
        )
        .await;
    assert_eq!(status, 422, "{json}");
    let (status, _) = app.get(&format!("/sessions/{id}"), Some(OTHER_KEY)).await;
    assert_eq!(status, 404);
    let stop = app
        .client
        .delete(app.url(&format!("/sessions/{id}/stop?close_reason=manual")))
        .bearer_auth(KEY)
        .send()
        .await
        .expect("sent");
    assert_eq!(stop.status().as_u16(), 200);
    let again = app
        .client
        .delete(app.url(&format!("/sessions/{id}/stop")))
        .bearer_auth(KEY)
        .send()
        .await
        .expect("sent");
    assert_eq!(again.status().as_u16(), 409);
    assert!(again.text().await.unwrap().contains("already closed"));
    let (status, listed) = app
        .get(
            "/sessions/?only_active=False&page_size=10&page=1",
            Some(KEY),
        )
        .await;
    assert_eq!(status, 200, "{listed}");
    assert_eq!(listed.as_array().map(Vec::len), Some(1));
}
