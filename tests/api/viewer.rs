//! browserd's pages for people — the live view (and take-over), the replay and the
//! sessions page — opened in a real Chromium by Playwright (`tests/cdp/viewer.mjs`) while
//! the session is driven through the API; and their endpoints' refusals.

use std::time::Duration;

use serde_json::Value;

use crate::helpers::{run_node, spawn_app, spawn_app_on, spawn_app_with, TestApp, KEY, OTHER_KEY};
use crate::site::serve_site;

async fn viewer(mode: &str, args: &[&str]) -> Value {
    run_node("viewer.mjs", mode, args).await
}

fn text<'a>(json: &'a Value, field: &str) -> &'a str {
    json[field]
        .as_str()
        .unwrap_or_else(|| panic!("no {field} in {json}"))
}

async fn observe(app: &TestApp, id: &str, url: &str) {
    let body = format!(r#"{{"session_id":"{id}","url":"{url}","keep_alive":true}}"#);
    let (status, json, _) = app.post("/env/observe", Some(KEY), Some(&body)).await;
    assert_eq!(status, 200, "{json}");
}

async fn step(app: &TestApp, id: &str, action: &str, value: Option<&str>) -> Value {
    let value = value
        .map(|v| format!(r#","value":"{v}""#))
        .unwrap_or_default();
    let body =
        format!(r#"{{"session_id":"{id}","action_id":"{action}"{value},"keep_alive":true}}"#);
    let (status, json, _) = app.post("/env/step", Some(KEY), Some(&body)).await;
    assert_eq!(status, 200, "{json}");
    json
}

async fn replay_json(app: &TestApp, id: &str) -> Value {
    let (status, json) = app
        .get(&format!("/session/{id}/replay?format=json"), Some(KEY))
        .await;
    assert_eq!(status, 200, "{json}");
    json
}

/// The replay once every step has its picture (they are written after the answer).
async fn replay_with_pictures(app: &TestApp, id: &str, steps: usize) -> Value {
    for _ in 0..200 {
        let json = replay_json(app, id).await;
        let pictured = json["steps"]
            .as_array()
            .expect("steps")
            .iter()
            .filter(|step| step["picture_url"].is_string())
            .count();
        if pictured >= steps {
            return json;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!(
        "the pictures of {steps} steps were not kept: {}",
        replay_json(app, id).await
    );
}

#[tokio::test]
async fn the_live_view_shows_the_page_as_the_session_navigates_and_its_steps() {
    let app = spawn_app().await;
    let site = serve_site().await;
    let id = app.start_session(r#"{"keep_alive":true}"#).await;
    observe(&app, &id, &site.url("/form.html")).await;
    let session = app.session(&id).await;
    let done = viewer(
        "live",
        &[
            text(&session, "viewer_url"),
            &app.address,
            KEY,
            &id,
            &site.address,
        ],
    )
    .await;
    // The picture changed where the page did (a form, then a page-wide green button).
    assert!(done["share"].as_f64().unwrap() > 0.2, "{done}");
    assert!(
        done["framesAfter"].as_u64() > done["framesBefore"].as_u64(),
        "{done}"
    );
    assert!(text(&done, "url").ends_with("/takeover.html"), "{done}");
    assert!(text(&done, "stepShown").contains("B1"), "{done}");
    assert!(done["viewport"]["width"].as_f64().unwrap() > 0.0, "{done}");
}

#[tokio::test]
async fn a_person_takes_over_through_the_live_view_and_a_watcher_cannot() {
    let app = spawn_app().await;
    let site = serve_site().await;
    let id = app.start_session(r#"{"keep_alive":true}"#).await;
    observe(&app, &id, &site.url("/takeover.html")).await;
    let session = app.session(&id).await;
    let done = viewer(
        "takeover",
        &[text(&session, "viewer_url"), &app.address, KEY, &id],
    )
    .await;
    // The page counts trusted clicks only: the person's click arrived as real input, and
    // their keys typed into the field they clicked.
    let markdown = text(&done, "markdown");
    assert!(markdown.contains("Pressed 1 by a person"), "{markdown}");
    assert!(markdown.contains("Typed: hi there"), "{markdown}");
    // A viewer without `control=1` that sends a click anyway is refused, and the page
    // saw nothing.
    assert!(text(&done, "refusal").contains("only watches"), "{done}");
    let watched = text(&done, "watchedMarkdown");
    assert!(watched.contains("Pressed 1 by a person"), "{watched}");
}

#[tokio::test]
async fn a_five_step_session_replays_its_steps_with_pictures_after_a_restart_too() {
    let data_dir = tempfile::tempdir().expect("temp dir");
    let app = spawn_app_on(data_dir.path(), |_| {}).await;
    let site = serve_site().await;
    let id = app.start_session(r#"{"keep_alive":true}"#).await;
    observe(&app, &id, &site.url("/form.html")).await;
    step(&app, &id, "I1", Some("ada@example.com")).await;
    step(&app, &id, "I2", Some("hunter2")).await;
    step(&app, &id, "B1", None).await;
    step(&app, &id, "B3", None).await;
    step(&app, &id, "L2", None).await;
    let replay = replay_with_pictures(&app, &id, 5).await;
    let steps = replay["steps"].as_array().expect("steps");
    assert_eq!(steps.len(), 5, "{replay}");
    assert_eq!(
        steps[1]["value"], "********",
        "a typed password stays masked"
    );
    assert_eq!(steps[4]["url_after"], site.url("/about.html"));
    assert_eq!(replay["session"]["last_url"], site.url("/about.html"));
    let picture = app
        .client
        .get(text(&steps[0], "picture_url"))
        .send()
        .await
        .expect("picture");
    assert_eq!(picture.headers()["content-type"], "image/jpeg");
    let bytes = picture.bytes().await.expect("bytes");
    assert_eq!(&bytes[..2], [0xFF, 0xD8], "a JPEG");
    let on_disk = std::fs::read_dir(data_dir.path().join("sessions").join(&id).join("replay"))
        .expect("the session's replay folder")
        .count();
    assert_eq!(on_disk, 5);

    let replay_url = text(&app.session(&id).await, "replay_url").to_string();
    let query = &replay_url[replay_url.find('?').expect("token")..];
    app.stop().await;
    let app = spawn_app_on(data_dir.path(), |_| {}).await;
    let replay_url = format!("{}/session/{id}/replay{query}", app.address);
    let done = viewer("replay", &[&replay_url]).await;
    let shown = done["steps"].as_array().expect("steps");
    assert_eq!(shown.len(), 5, "{done}");
    assert!(
        shown.iter().all(|step| step["picture"].as_u64() > Some(0)),
        "{done}"
    );
    assert!(
        shown[1]["text"].as_str().unwrap().contains("********"),
        "{done}"
    );
    assert!(!shown
        .iter()
        .any(|step| step["text"].as_str().unwrap().contains("hunter2")));
    assert_eq!(
        done["position"], "Step 2 of 5",
        "the arrow keys move through the steps"
    );
    assert!(done["picture"].as_u64() > Some(0), "{done}");
    app.stop().await;
}

#[tokio::test]
async fn the_sessions_page_lists_the_key_s_sessions_and_never_another_key_s() {
    let app = spawn_app().await;
    let mine = app.start_session(r#"{"keep_alive":true}"#).await;
    let ended = app.start_session(r#"{"keep_alive":true}"#).await;
    let (status, _, _) = app
        .post(
            "/session/close",
            Some(KEY),
            Some(&format!(r#"{{"session_id":"{ended}"}}"#)),
        )
        .await;
    assert_eq!(status, 200);
    let (status, other, _) = app
        .post(
            "/session/start",
            Some(OTHER_KEY),
            Some(r#"{"keep_alive":true}"#),
        )
        .await;
    assert_eq!(status, 200);
    let other = text(&other, "session_id").to_string();

    let done = viewer("ui", &[&app.address, KEY]).await;
    let listed: Vec<&str> = done["listed"]
        .as_array()
        .expect("listed")
        .iter()
        .filter_map(Value::as_str)
        .collect();
    assert_eq!(listed.len(), 2, "{done}");
    assert!(listed.contains(&mine.as_str()) && listed.contains(&ended.as_str()));
    assert!(
        !text(&done, "fetched").contains(&other),
        "another key's session was fetched"
    );
    assert_eq!(
        done["active"],
        serde_json::json!([mine]),
        "the status filter"
    );
    assert_eq!(done["afterReload"], 2, "the key is remembered");
    assert_eq!(done["overflow"], false, "the page fits a phone's width");
}

#[tokio::test]
async fn the_viewer_endpoints_refuse_bad_tokens_keys_and_input() {
    let app = spawn_app_with(|settings| settings.replay_max_mib = 0).await;
    let id = app.start_session(r#"{"keep_alive":true}"#).await;
    let session = app.session(&id).await;
    let token = text(&session, "viewer_url")
        .split("token=")
        .nth(1)
        .expect("token")
        .to_string();

    let status = |path: String, key: Option<&'static str>| {
        let app = &app;
        async move { app.get(&path, key).await.0 }
    };
    let page = |status: u16, path: String| {
        let app = &app;
        async move {
            let response = app.client.get(app.url(&path)).send().await.expect("sent");
            assert_eq!(response.status().as_u16(), status, "{path}");
            response.headers().clone()
        }
    };
    let headers = page(200, format!("/session/{id}/live?token={token}")).await;
    assert_eq!(headers["referrer-policy"], "no-referrer");
    page(200, format!("/session/{id}/replay?token={token}")).await;
    page(200, "/ui".into()).await;
    assert_eq!(
        status(format!("/session/{id}/live?token=wrong"), None).await,
        401
    );
    assert_eq!(status(format!("/session/{id}/live"), None).await, 401);
    assert_eq!(
        status(format!("/session/{id}/live"), Some(OTHER_KEY)).await,
        404
    );
    assert_eq!(
        status(
            format!("/session/{id}/live?control=maybe&token={token}"),
            None
        )
        .await,
        400
    );
    assert_eq!(
        status(format!("/session/{id}/live/ws?token={token}"), None).await,
        400,
        "not a WebSocket"
    );
    assert_eq!(
        status(
            format!("/session/{id}/replay?format=xml&token={token}"),
            None
        )
        .await,
        400
    );
    assert_eq!(
        status(format!("/session/{id}/replay?format=json"), Some(OTHER_KEY)).await,
        404
    );
    assert_eq!(
        status(
            format!("/session/{id}/replay/..%2Fx.jpg?token={token}"),
            None
        )
        .await,
        400
    );
    assert_eq!(
        status(format!("/session/{id}/replay/0.jpg?token={token}"), None).await,
        400
    );
    assert_eq!(
        status(
            format!("/session/{id}/replay/latest.jpg?token={token}"),
            None
        )
        .await,
        404
    );

    // With no room for pictures, steps are kept without one.
    let (status_code, _, _) = app
        .post(
            "/env/step",
            Some(KEY),
            Some(&format!(
                r#"{{"session_id":"{id}","action_id":"S7","value":"0.1","keep_alive":true}}"#
            )),
        )
        .await;
    assert_eq!(status_code, 200);
    tokio::time::sleep(Duration::from_millis(300)).await;
    let replay = replay_json(&app, &id).await;
    assert_eq!(
        replay["steps"].as_array().map(Vec::len),
        Some(1),
        "{replay}"
    );
    assert!(replay["steps"][0]["picture_url"].is_null(), "{replay}");

    // An ended session keeps its replay, and its live view says it ended.
    app.post(
        "/session/close",
        Some(KEY),
        Some(&format!(r#"{{"session_id":"{id}"}}"#)),
    )
    .await;
    assert!(app.session(&id).await.get("viewer_url").is_none());
    assert_eq!(
        status(
            format!("/session/{id}/replay?format=json&token={token}"),
            None
        )
        .await,
        200
    );
    let upgrade = app
        .client
        .get(app.url(&format!("/session/{id}/live/ws?token={token}")))
        .header("connection", "upgrade")
        .header("upgrade", "websocket")
        .header("sec-websocket-version", "13")
        .header("sec-websocket-key", "dGhlIHNhbXBsZSBub25jZQ==")
        .send()
        .await
        .expect("sent");
    assert_eq!(upgrade.status().as_u16(), 410);
}
