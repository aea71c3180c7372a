//! Frames and shadow roots: what is inside a same-origin frame, another origin's frame and
//! an open shadow root is listed in document order and can be used by id, in Chromium.

use serde_json::{json, Value};

use crate::helpers::{spawn_app, TestApp, KEY};
use crate::site::serve_site;

async fn call(app: &TestApp, path: &str, body: Value) -> (u16, Value) {
    let (status, json, _) = app.post(path, Some(KEY), Some(&body.to_string())).await;
    (status, json)
}

/// `(id, description)` of every listed action, in order.
fn listed(observation: &Value) -> Vec<(String, String)> {
    observation["space"]["actions"]
        .as_array()
        .expect("actions")
        .iter()
        .map(|a| {
            (
                a["id"].as_str().unwrap_or_default().to_string(),
                a["description"].as_str().unwrap_or_default().to_string(),
            )
        })
        .collect()
}

/// The id of the one action that mentions `name`.
fn only_id(observation: &Value, name: &str) -> String {
    let matching: Vec<_> = listed(observation)
        .into_iter()
        .filter(|(_, description)| description.contains(name))
        .collect();
    assert_eq!(
        matching.len(),
        1,
        "{name:?} must be listed once: {}",
        observation["space"]["markdown"]
    );
    matching[0].0.clone()
}

async fn step(app: &TestApp, session: &str, action: &str, value: Option<&str>) -> Value {
    let (status, page) = call(
        app,
        "/env/step",
        json!({"session_id": session, "keep_alive": true, "action_id": action, "value": value}),
    )
    .await;
    assert_eq!(status, 200, "{action}: {page}");
    page
}

#[tokio::test]
async fn controls_inside_frames_of_any_origin_and_shadow_roots_are_listed_and_usable() {
    let (app, site) = (spawn_app().await, serve_site().await);
    let (status, page) = call(
        &app,
        "/env/observe",
        json!({"url": site.url("/frames.html"), "keep_alive": true}),
    )
    .await;
    assert_eq!(status, 200, "{page}");
    let session = page["session"]["session_id"].as_str().unwrap().to_string();
    let markdown = page["space"]["markdown"].as_str().unwrap_or_default();
    assert!(
        !markdown.contains("could not be read") && !markdown.contains("Hidden partner button"),
        "{markdown}"
    );
    // document order across the frames: top, same-origin frame, partner frame, shadow root
    let buttons: Vec<String> = [
        "Top button",
        "Same button",
        "Send to partner",
        "Shadow button",
    ]
    .iter()
    .map(|name| only_id(&page, name))
    .collect();
    assert_eq!(buttons, ["B1", "B2", "B4", "B5"], "{markdown}");
    let agree = only_id(&page, "Agree to partner terms");
    assert_eq!(agree, "B3", "{markdown}");
    let email = only_id(&page, "Partner email");
    only_id(&page, "After frames");

    // another origin's frame, below the fold and scrolled inside: type, tick, press
    step(&app, &session, &email, Some("ann@example.com")).await;
    step(&app, &session, &agree, None).await;
    let after = step(&app, &session, &buttons[2], None).await;
    only_id(&after, "Sent ann@example.com agreed");

    // the same ids again, as the page did not change its structure
    for (id, pressed) in [
        (&buttons[0], "Top pressed"),
        (&buttons[1], "Same pressed"),
        (&buttons[3], "Shadow pressed"),
    ] {
        let after = step(&app, &session, id, None).await;
        assert_eq!(only_id(&after, pressed), *id);
    }
}

#[tokio::test]
async fn a_frame_that_failed_to_load_is_reported_unread_and_the_page_stays_usable() {
    let (app, site) = (spawn_app().await, serve_site().await);
    let (status, page) = call(
        &app,
        "/env/observe",
        json!({"url": site.url("/broken-frame.html"), "keep_alive": true}),
    )
    .await;
    assert_eq!(status, 200, "{page}");
    // the browser's error page in the frame is not read as if it were the page's
    let description = page["space"]["description"].as_str().unwrap_or_default();
    assert!(
        description.contains("1 embedded frame(s) could not be read"),
        "{description}"
    );
    assert_eq!(listed(&page).len(), 1, "{}", page["space"]["markdown"]);
    let session = page["session"]["session_id"].as_str().unwrap().to_string();
    let after = step(&app, &session, &only_id(&page, "Press me"), None).await;
    only_id(&after, "Pressed");
}
