//! The session endpoints, row by row of `API.md`.

use crate::helpers::{spawn_app, spawn_app_with, KEY, OTHER_KEY};

#[tokio::test]
async fn health_needs_no_key_and_counts_active_sessions() {
    let app = spawn_app().await;
    let (status, body) = app.get("/health", None).await;
    assert_eq!(status, 200);
    assert_eq!(body["status"], "ok");
    assert_eq!(body["active_sessions"], 0);
    assert!(body["version"].as_str().is_some_and(|v| !v.is_empty()));
    app.start_session("{}").await;
    assert_eq!(app.get("/health", None).await.1["active_sessions"], 1);
}

#[tokio::test]
async fn every_other_endpoint_needs_a_known_key() {
    let app = spawn_app().await;
    for key in [None, Some("wrong-key")] {
        let (status, body, _) = app.post("/session/start", key, Some("{}")).await;
        assert_eq!(status, 401, "{key:?}");
        assert!(body["error"].as_str().unwrap().contains("API key"));
        assert_eq!(app.get("/sessions", key).await.0, 401);
        assert_eq!(
            app.post("/session/close", key, Some(r#"{"session_id":"x"}"#))
                .await
                .0,
            401
        );
    }
    assert_eq!(
        app.get("/health", None).await.1["active_sessions"],
        0,
        "a refused start changes nothing"
    );
}

#[tokio::test]
async fn start_returns_an_active_session_with_the_right_defaults() {
    let app = spawn_app().await;
    let (status, body, _) = app.post("/session/start", Some(KEY), Some("{}")).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["status"], "active");
    assert_eq!(
        body["timeout_minutes"], 5,
        "a JSON body defaults to 5 minutes"
    );
    assert_eq!(body["error"], serde_json::Value::Null);
    assert!(body["duration"].as_str().unwrap().starts_with("PT"));
    assert!(body["created_at"].as_str().unwrap().ends_with("+00:00"));
    assert!(body.get("screenshot").is_none());

    let (_, from_query, _) = app.post("/session/start", Some(KEY), None).await;
    assert_eq!(
        from_query["timeout_minutes"], 10,
        "query parameters default to 10 minutes"
    );
    let (_, query_timeout, _) = app
        .post(
            "/session/start?session_timeout=7&keep_alive=true",
            Some(KEY),
            None,
        )
        .await;
    assert_eq!(query_timeout["timeout_minutes"], 7);
    let (_, body_wins, _) = app
        .post(
            "/session/start?session_timeout=7",
            Some(KEY),
            Some(r#"{"session_timeout_minutes": 3}"#),
        )
        .await;
    assert_eq!(body_wins["timeout_minutes"], 3);
}

#[tokio::test]
async fn the_notte_client_request_shape_is_accepted() {
    let app = spawn_app().await;
    let body = r#"{"session_id": null, "keep_alive": true, "session_timeout_minutes": 5, "screenshot": null}"#;
    let (status, json, _) = app.post("/session/start", Some(KEY), Some(body)).await;
    assert_eq!(status, 200, "{json}");
    let close = format!(
        r#"{{"session_id": "{}", "keep_alive": true, "session_timeout_minutes": 5, "screenshot": null}}"#,
        json["session_id"].as_str().unwrap()
    );
    let (status, closed, _) = app.post("/session/close", Some(KEY), Some(&close)).await;
    assert_eq!(status, 200);
    assert_eq!(
        closed["status"], "closed",
        "close closes whatever keep_alive says"
    );
}

#[tokio::test]
async fn start_with_screenshot_carries_a_png() {
    let app = spawn_app().await;
    let (status, body, _) = app
        .post("/session/start", Some(KEY), Some(r#"{"screenshot": true}"#))
        .await;
    assert_eq!(status, 200, "{body}");
    // The base64 of the PNG signature.
    assert!(body["screenshot"]
        .as_str()
        .unwrap()
        .starts_with("iVBORw0KGgo"));
    let (_, query, _) = app
        .post("/session/start?screenshot=true", Some(KEY), None)
        .await;
    assert!(query["screenshot"]
        .as_str()
        .unwrap()
        .starts_with("iVBORw0KGgo"));
}

#[tokio::test]
async fn invalid_start_input_is_a_400_that_changes_nothing() {
    let app = spawn_app().await;
    let cases = [
        (
            None,
            Some(r#"{"session_timeout_minutes": 0}"#),
            "session_timeout_minutes",
        ),
        (
            None,
            Some(r#"{"session_timeout_minutes": 31}"#),
            "session_timeout_minutes",
        ),
        (
            None,
            Some(r#"{"session_timeout_minutes": -1}"#),
            "session_timeout_minutes",
        ),
        (
            None,
            Some(r#"{"session_timeout_minutes": "5"}"#),
            "session_timeout_minutes",
        ),
        (
            None,
            Some(r#"{"session_timeout_minutes": 5.5}"#),
            "session_timeout_minutes",
        ),
        (None, Some(r#"{"keep_alive": "yes"}"#), "keep_alive"),
        (None, Some(r#"{"session_timeout_minutes": 5"#), "JSON"),
        (None, Some("[1, 2]"), "JSON"),
        (None, Some("not json"), "JSON"),
        (
            None,
            Some(r#"{"session_id": "abc"}"#),
            "cannot provide a session ID",
        ),
        (Some("?session_id=abc"), None, "cannot provide a session ID"),
        (Some("?session_timeout=0"), None, "session_timeout"),
        (Some("?session_timeout=31"), None, "session_timeout"),
        (Some("?session_timeout=-1"), None, "session_timeout"),
        (Some("?session_timeout=five"), None, "query"),
        (Some("?keep_alive=maybe"), None, "query"),
    ];
    for (query, body, expected) in cases {
        let path = format!("/session/start{}", query.unwrap_or(""));
        let (status, json, _) = app.post(&path, Some(KEY), body).await;
        assert_eq!(status, 400, "{path} {body:?}: {json}");
        let message = json["error"].as_str().unwrap();
        assert!(
            message.contains(expected),
            "{path} {body:?}: {message:?} should mention {expected:?}"
        );
    }
    assert_eq!(
        app.get("/sessions", Some(KEY)).await.1,
        serde_json::json!([]),
        "no session was created"
    );
}

#[tokio::test]
async fn close_ends_the_session_once_and_reports_how_it_ended() {
    let app = spawn_app().await;
    let id = app.start_session("{}").await;
    let body = format!(r#"{{"session_id": "{id}"}}"#);
    let (status, closed, _) = app.post("/session/close", Some(KEY), Some(&body)).await;
    assert_eq!(status, 200);
    assert_eq!(closed["status"], "closed");
    let (status, again, _) = app.post("/session/close", Some(KEY), Some(&body)).await;
    assert_eq!(status, 200, "closing an ended session is not an error");
    assert_eq!(again["status"], "closed");
    assert_eq!(
        again["duration"], closed["duration"],
        "an ended session's duration stops at its end"
    );
    assert_eq!(app.session(&id).await["status"], "closed");
    assert_eq!(app.get("/health", None).await.1["active_sessions"], 0);
}

#[tokio::test]
async fn close_needs_a_session_id_of_the_caller() {
    let app = spawn_app().await;
    let id = app.start_session("{}").await;
    let (status, json, _) = app.post("/session/close", Some(KEY), Some("{}")).await;
    assert_eq!(status, 400);
    assert!(json["error"].as_str().unwrap().contains("session_id"));
    let (status, _, _) = app
        .post("/session/close", Some(KEY), Some(r#"{"session_id": 42}"#))
        .await;
    assert_eq!(status, 400);
    for unknown in ["not-a-uuid", "00000000-0000-4000-8000-000000000000"] {
        let (status, _, _) = app
            .post(
                "/session/close",
                Some(KEY),
                Some(&format!(r#"{{"session_id": "{unknown}"}}"#)),
            )
            .await;
        assert_eq!(status, 404);
    }
    let (status, json, _) = app
        .post(
            "/session/close",
            Some(OTHER_KEY),
            Some(&format!(r#"{{"session_id": "{id}"}}"#)),
        )
        .await;
    assert_eq!(status, 404, "another key's session is not found: {json}");
    assert_eq!(
        app.session(&id).await["status"],
        "active",
        "and it is left alone"
    );
}

#[tokio::test]
async fn sessions_are_private_to_their_key_and_listed_newest_first() {
    let app = spawn_app().await;
    let first = app.start_session("{}").await;
    let second = app.start_session("{}").await;
    app.post(
        "/session/close",
        Some(KEY),
        Some(&format!(r#"{{"session_id": "{first}"}}"#)),
    )
    .await;

    let (status, all) = app.get("/sessions", Some(KEY)).await;
    assert_eq!(status, 200);
    let ids: Vec<&str> = all
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["session_id"].as_str().unwrap())
        .collect();
    assert_eq!(ids, vec![second.as_str(), first.as_str()]);
    let (_, active) = app.get("/sessions?status=active", Some(KEY)).await;
    assert_eq!(active.as_array().unwrap().len(), 1);
    assert_eq!(active[0]["session_id"], second.as_str());
    let (_, closed) = app.get("/sessions?status=closed", Some(KEY)).await;
    assert_eq!(closed[0]["session_id"], first.as_str());

    assert_eq!(
        app.get("/sessions", Some(OTHER_KEY)).await.1,
        serde_json::json!([])
    );
    assert_eq!(
        app.get(&format!("/session/{second}"), Some(OTHER_KEY))
            .await
            .0,
        404
    );
    assert_eq!(
        app.get("/session/00000000-0000-4000-8000-000000000000", Some(KEY))
            .await
            .0,
        404
    );
    assert_eq!(app.get("/sessions?status=sleeping", Some(KEY)).await.0, 400);
    assert_eq!(app.get("/sessions?limit=0", Some(KEY)).await.0, 400);
}

#[tokio::test]
async fn a_start_beyond_the_session_limit_is_429_with_retry_after() {
    let app = spawn_app_with(|settings| settings.max_sessions = 2).await;
    app.start_session("{}").await;
    let id = app.start_session("{}").await;
    let (status, json, headers) = app.post("/session/start", Some(KEY), Some("{}")).await;
    assert_eq!(status, 429, "{json}");
    assert!(headers.get("retry-after").is_some());
    assert!(json["error"].as_str().unwrap().contains("limit"));
    app.post(
        "/session/close",
        Some(KEY),
        Some(&format!(r#"{{"session_id": "{id}"}}"#)),
    )
    .await;
    app.start_session("{}").await;
}

#[tokio::test]
async fn one_key_cannot_take_all_the_sessions_nor_all_the_requests() {
    let app = spawn_app_with(|settings| {
        settings.max_sessions_per_key = 2;
        settings.requests_per_minute_per_key = 6;
    })
    .await;
    app.start_session("{}").await;
    let id = app.start_session("{}").await;
    let (status, json, headers) = app.post("/session/start", Some(KEY), Some("{}")).await;
    assert_eq!(status, 429, "{json}");
    assert_eq!(
        headers.get("retry-after").map(|v| v.to_str().unwrap()),
        Some("5")
    );
    assert!(
        json["error"].as_str().unwrap().contains("this API key"),
        "{json}"
    );
    // Another key has its own share.
    let (status, json, _) = app
        .post("/session/start", Some(OTHER_KEY), Some("{}"))
        .await;
    assert_eq!(status, 200, "{json}");
    let close = format!(r#"{{"session_id": "{id}"}}"#);
    let (status, _, _) = app.post("/session/close", Some(KEY), Some(&close)).await;
    assert_eq!(status, 200);
    // Six requests a minute: four so far, two more pass, the seventh waits its turn.
    for _ in 0..2 {
        let (status, _) = app.get("/sessions", Some(KEY)).await;
        assert_eq!(status, 200);
    }
    let (status, json, headers) = app.post("/session/start", Some(KEY), Some("{}")).await;
    assert_eq!(status, 429, "{json}");
    let wait: u32 = headers["retry-after"].to_str().unwrap().parse().unwrap();
    assert!((1..=10).contains(&wait), "{wait}");
    assert!(json["error"].as_str().unwrap().contains("rate"), "{json}");
    let (status, _) = app.get("/sessions", Some(OTHER_KEY)).await;
    assert_eq!(status, 200, "the other key is not slowed");
}

#[tokio::test]
async fn errors_outside_the_routes_are_json_too() {
    let app = spawn_app().await;
    let (status, json) = app.get("/no/such/endpoint", Some(KEY)).await;
    assert_eq!(status, 404);
    assert!(json["error"]
        .as_str()
        .unwrap()
        .contains("/no/such/endpoint"));
    let (status, json) = app.get("/session/start", Some(KEY)).await;
    assert_eq!(status, 405);
    assert!(json["error"].is_string());
    let huge = format!(
        r#"{{"keep_alive": false, "pad": "{}"}}"#,
        "x".repeat(2 * 1024 * 1024)
    );
    let (status, json, _) = app.post("/session/start", Some(KEY), Some(&huge)).await;
    assert_eq!(status, 413);
    assert!(json["error"].as_str().unwrap().contains("limit"));
}

#[tokio::test]
async fn an_answer_that_leaves_the_body_unread_closes_the_connection() {
    let app = spawn_app().await;
    let closes = |headers: &reqwest::header::HeaderMap| {
        headers
            .get("connection")
            .is_some_and(|value| value == "close")
    };
    let (status, _, headers) = app
        .post("/no/such/endpoint", Some(KEY), Some(r#"{"a": 1}"#))
        .await;
    assert_eq!((status, closes(&headers)), (404, true));
    let (status, _, headers) = app.post("/session/start", Some(KEY), Some("{}")).await;
    assert_eq!((status, closes(&headers)), (200, false));
    let (status, _, headers) = app
        .post("/session/start", Some(KEY), Some("{not json"))
        .await;
    assert_eq!((status, closes(&headers)), (400, false));

    // Without the header, about one request in twelve sent right after a 413 went into
    // the connection the server was dropping, and failed.
    let huge = "x".repeat(2 * 1024 * 1024);
    for _ in 0..50 {
        let (status, _, headers) = app.post("/session/start", Some(KEY), Some(&huge)).await;
        assert_eq!((status, closes(&headers)), (413, true));
        let (status, _) = app.get("/health", None).await;
        assert_eq!(status, 200);
    }
}
