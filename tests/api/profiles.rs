//! Profiles: a login made in one session (an HttpOnly cookie and a local-storage token)
//! is there in the next one started from the profile, and not without it; it survives a
//! restart, is sealed in the database, belongs to its key, has one writer at a time, and
//! goes to Playwright and back.

use serde_json::{json, Value};

use crate::helpers::{action_described, spawn_app, spawn_app_on, TestApp, KEY, OTHER_KEY};
use crate::site::{serve_site, Site};

async fn call(app: &TestApp, path: &str, body: Value) -> (u16, Value) {
    let (status, json, _) = app.post(path, Some(KEY), Some(&body.to_string())).await;
    (status, json)
}

async fn create_profile(app: &TestApp, body: Value) -> String {
    let (status, profile) = call(app, "/profiles", body).await;
    assert_eq!(status, 200, "{profile}");
    profile["profile_id"].as_str().unwrap().to_string()
}

/// Starts a session (from `profile`, if given) and observes the account page in it.
async fn account_page(app: &TestApp, site: &Site, profile: Option<Value>) -> (String, Value) {
    let mut start = json!({"keep_alive": true});
    if let Some(profile) = profile {
        start["profile"] = profile;
    }
    let (status, session, _) = app
        .post("/session/start", Some(KEY), Some(&start.to_string()))
        .await;
    assert_eq!(status, 200, "{session}");
    let id = session["session_id"].as_str().unwrap().to_string();
    let (status, page) = call(
        app,
        "/env/observe",
        json!({"session_id": id, "keep_alive": true, "url": site.url("/account")}),
    )
    .await;
    assert_eq!(status, 200, "{page}");
    (id, page)
}

async fn step(app: &TestApp, session: &str, action: &str, value: Option<&str>) -> Value {
    let (status, page) = call(
        app,
        "/env/step",
        json!({"session_id": session, "keep_alive": true, "action_id": action, "value": value}),
    )
    .await;
    assert_eq!(status, 200, "{page}");
    page
}

/// Signs in on the sign-in form the page shows.
async fn sign_in(app: &TestApp, session: &str, form: &Value) -> Value {
    step(
        app,
        session,
        &action_described(form, "User name"),
        Some("alice"),
    )
    .await;
    let page = step(
        app,
        session,
        &action_described(form, "Password"),
        Some("pw"),
    )
    .await;
    step(app, session, &action_described(&page, "Sign in"), None).await
}

async fn close(app: &TestApp, session: &str) {
    let (status, body) = call(app, "/session/close", json!({"session_id": session})).await;
    assert_eq!(status, 200, "{body}");
}

#[tokio::test]
async fn a_login_kept_in_a_profile_is_there_in_the_next_session_and_after_a_restart() {
    let site = serve_site().await;
    let data = tempfile::tempdir().unwrap();
    let app = spawn_app_on(data.path(), |_| {}).await;
    let profile = create_profile(&app, json!({"name": "alice at the fixture"})).await;

    let (session, form) =
        account_page(&app, &site, Some(json!({"id": profile, "persist": true}))).await;
    assert_eq!(form["metadata"]["title"], "Sign in");
    let signed_in = sign_in(&app, &session, &form).await;
    assert_eq!(
        signed_in["metadata"]["title"], "Account of alice",
        "{signed_in}"
    );

    // While it writes the profile, a second writer is refused; a reader is not.
    let (status, refused, _) = app
        .post(
            "/session/start",
            Some(KEY),
            Some(&json!({"profile": {"id": profile, "persist": true}}).to_string()),
        )
        .await;
    assert_eq!(status, 409, "{refused}");
    let (reader, _) = account_page(&app, &site, Some(json!({"id": profile}))).await;
    close(&app, &reader).await;
    // The session ends on another origin: the one it signed in at is kept all the same.
    let elsewhere = site.address.replace("127.0.0.1", "localhost") + "/article.html";
    let (status, page) = call(
        &app,
        "/env/observe",
        json!({"session_id": session, "keep_alive": true, "url": elsewhere}),
    )
    .await;
    assert_eq!(status, 200, "{page}");
    close(&app, &session).await;

    let (_, page) = account_page(&app, &site, None).await;
    assert_eq!(page["metadata"]["title"], "Sign in", "no profile, no login");

    let (status, read) = app.get(&format!("/profiles/{profile}"), Some(KEY)).await;
    assert_eq!(status, 200, "{read}");
    assert!(read["cookies"].as_u64().unwrap() >= 1, "{read}");
    assert_eq!(read["origins"], json!([site.address]));
    let (status, _) = app
        .get(&format!("/profiles/{profile}"), Some(OTHER_KEY))
        .await;
    assert_eq!(status, 404, "another key's profile");
    app.stop().await;

    let database = std::fs::read(data.path().join("browserd.sqlite3")).unwrap();
    let wal = std::fs::read(data.path().join("browserd.sqlite3-wal")).unwrap_or_default();
    for secret in [&site.secrets.cookie, &site.secrets.token] {
        let found = |bytes: &[u8]| bytes.windows(secret.len()).any(|w| w == secret.as_bytes());
        assert!(
            !found(&database) && !found(&wal),
            "{secret} is in the database"
        );
    }

    let app = spawn_app_on(data.path(), |_| {}).await;
    let (session, page) = account_page(&app, &site, Some(json!({"id": profile}))).await;
    assert_eq!(page["metadata"]["title"], "Account of alice", "{page}");
    close(&app, &session).await;
    let (status, listed) = app.get("/profiles", Some(KEY)).await;
    assert_eq!(status, 200);
    assert_eq!(listed[0]["name"], "alice at the fixture");
}

#[tokio::test]
async fn saving_on_demand_keeps_the_login_while_the_session_goes_on() {
    let (app, site) = (spawn_app().await, serve_site().await);
    let profile = create_profile(&app, json!({"name": "on demand"})).await;
    let (session, form) =
        account_page(&app, &site, Some(json!({"id": profile, "persist": true}))).await;
    sign_in(&app, &session, &form).await;
    let (status, saved, _) = app
        .post(&format!("/session/{session}/profile/save"), Some(KEY), None)
        .await;
    assert_eq!(status, 200, "{saved}");
    let (reader, page) = account_page(&app, &site, Some(json!({"id": profile}))).await;
    assert_eq!(page["metadata"]["title"], "Account of alice", "{page}");
    let (status, refused, _) = app
        .post(&format!("/session/{reader}/profile/save"), Some(KEY), None)
        .await;
    assert_eq!(status, 409, "a reader has nothing to save into: {refused}");
    let (status, _) = app
        .client
        .delete(app.url(&format!("/profiles/{profile}")))
        .bearer_auth(KEY)
        .send()
        .await
        .map(|r| (r.status().as_u16(), ()))
        .unwrap();
    assert_eq!(status, 409, "a profile being written is not deleted");
    close(&app, &session).await;
    let (status, deleted) = delete(&app, &profile, OTHER_KEY).await;
    assert_eq!(status, 404, "{deleted}");
    let (status, deleted) = delete(&app, &profile, KEY).await;
    assert_eq!(status, 200, "{deleted}");
    let (status, _) = app.get(&format!("/profiles/{profile}"), Some(KEY)).await;
    assert_eq!(status, 404);
}

async fn delete(app: &TestApp, profile: &str, key: &str) -> (u16, Value) {
    let response = app
        .client
        .delete(app.url(&format!("/profiles/{profile}")))
        .bearer_auth(key)
        .send()
        .await
        .unwrap();
    (response.status().as_u16(), response.json().await.unwrap())
}

#[tokio::test]
async fn a_tampered_or_keyless_profile_is_a_clear_error_and_starts_nothing() {
    let site = serve_site().await;
    let data = tempfile::tempdir().unwrap();
    let app = spawn_app_on(data.path(), |_| {}).await;
    let state = json!({"cookies": [{"name": "sid", "value": site.secrets.cookie, "domain": "127.0.0.1",
        "path": "/", "expires": -1, "httpOnly": true, "secure": false, "sameSite": "Lax"}], "origins": []});
    let profile = create_profile(&app, json!({"name": "to tamper", "storage_state": state})).await;
    app.stop().await;

    let connection = rusqlite::Connection::open(data.path().join("browserd.sqlite3")).unwrap();
    let mut sealed: Vec<u8> = connection
        .query_row(
            "SELECT state FROM profiles WHERE id = ?1",
            [&profile],
            |row| row.get(0),
        )
        .unwrap();
    let last = sealed.len() - 1;
    sealed[last] ^= 0x01;
    connection
        .execute(
            "UPDATE profiles SET state = ?1 WHERE id = ?2",
            rusqlite::params![sealed, profile],
        )
        .unwrap();
    drop(connection);

    let app = spawn_app_on(data.path(), |_| {}).await;
    let (status, error) = app.get(&format!("/profiles/{profile}"), Some(KEY)).await;
    assert_eq!(status, 422, "{error}");
    assert!(
        error["error"].as_str().unwrap().contains("cannot be read"),
        "{error}"
    );
    let start = json!({"profile": {"id": profile}}).to_string();
    let (status, error, _) = app.post("/session/start", Some(KEY), Some(&start)).await;
    assert_eq!(status, 422, "{error}");
    let (_, sessions) = app.get("/sessions", Some(KEY)).await;
    assert_eq!(sessions, json!([]), "no session was started");
    app.stop().await;

    // A store without its key reveals nothing either, and says so.
    std::fs::remove_file(data.path().join("profile_key")).unwrap();
    let app = spawn_app_on(data.path(), |_| {}).await;
    let fresh = create_profile(
        &app,
        json!({"name": "after the key", "storage_state": state}),
    )
    .await;
    let (status, _) = app.get(&format!("/profiles/{fresh}"), Some(KEY)).await;
    assert_eq!(status, 200);
    let (status, error) = app
        .get(&format!("/profiles/{profile}/storage_state"), Some(KEY))
        .await;
    assert_eq!(status, 422, "{error}");
}

#[tokio::test]
async fn bad_profile_requests_are_refused() {
    let app = spawn_app().await;
    for body in [
        json!({}),
        json!({"name": ""}),
        json!({"name": "x", "storage_state": {"origins": [{"origin": "file:///etc", "localStorage": []}]}}),
        json!({"name": "x", "storage_state": {"cookies": [{"name": "a", "value": "b", "domain": "x", "path": "/", "sameSite": "Often"}]}}),
    ] {
        let (status, error) = call(&app, "/profiles", body.clone()).await;
        assert_eq!(status, 400, "{body}: {error}");
    }
    let missing = "6f1c2f7e-0000-4000-8000-000000000000";
    let (status, _, _) = app
        .post(
            "/session/start",
            Some(KEY),
            Some(&json!({"profile": {"id": missing}}).to_string()),
        )
        .await;
    assert_eq!(status, 404);
    let (status, _) = app.get("/profiles/not-a-uuid", Some(KEY)).await;
    assert_eq!(status, 404);

    // A storage state may pass the API's 1 MiB (a site's local storage), up to 16 MiB.
    let state = |bytes: usize| {
        json!({"name": "big", "storage_state": {"origins": [{"origin": "http://127.0.0.1:9",
            "localStorage": [{"name": "blob", "value": "x".repeat(bytes)}]}]}})
    };
    let (status, made) = call(&app, "/profiles", state(2 * 1024 * 1024)).await;
    assert_eq!(status, 200, "{made}");
    let (status, refused) = call(&app, "/profiles", state(17 * 1024 * 1024)).await;
    assert_eq!(status, 413, "{refused}");
}

/// Runs `storage_state.mjs MODE` with the tests' Chromium; the account page's title.
async fn playwright(mode: &str, site: &Site, file: &std::path::Path) -> String {
    let chromium = browserd::browser::find_executable(None).expect("chromium");
    let script =
        std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/cdp/storage_state.mjs");
    let output = tokio::time::timeout(
        std::time::Duration::from_secs(90),
        tokio::process::Command::new("node")
            .arg(script)
            .arg(mode)
            .arg(chromium)
            .arg(&site.address)
            .arg(file)
            .kill_on_drop(true)
            .output(),
    )
    .await
    .expect("the script finishes")
    .expect("node runs");
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        output.status.success(),
        "storage_state.mjs {mode}:\n{stdout}\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let line = stdout
        .lines()
        .find_map(|line| line.strip_prefix("RESULT "))
        .unwrap_or_else(|| panic!("no RESULT in {stdout}"));
    let value: Value = serde_json::from_str(line).expect("JSON");
    value["title"].as_str().expect("title").to_string()
}

#[tokio::test]
async fn a_login_made_in_playwright_logs_browserd_in_and_goes_back() {
    let (app, site) = (spawn_app().await, serve_site().await);
    let files = tempfile::tempdir().unwrap();
    let made = files.path().join("made.json");
    assert_eq!(playwright("signin", &site, &made).await, "Account of alice");

    let state: Value = serde_json::from_slice(&std::fs::read(&made).unwrap()).unwrap();
    let profile = create_profile(&app, json!({"name": "from playwright"})).await;
    let response = app
        .client
        .put(app.url(&format!("/profiles/{profile}/storage_state")))
        .bearer_auth(KEY)
        .json(&state)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status().as_u16(), 200);

    let (session, page) =
        account_page(&app, &site, Some(json!({"id": profile, "persist": true}))).await;
    assert_eq!(page["metadata"]["title"], "Account of alice", "{page}");
    close(&app, &session).await;

    // And back: browserd's export opens Playwright's context signed in; without it, not.
    let (status, exported) = app
        .get(&format!("/profiles/{profile}/storage_state"), Some(KEY))
        .await;
    assert_eq!(status, 200);
    let back = files.path().join("back.json");
    std::fs::write(&back, exported.to_string()).unwrap();
    assert_eq!(playwright("check", &site, &back).await, "Account of alice");
    let empty = files.path().join("empty.json");
    std::fs::write(&empty, r#"{"cookies": [], "origins": []}"#).unwrap();
    assert_eq!(playwright("check", &site, &empty).await, "Sign in");
}

#[tokio::test]
async fn an_origin_the_browser_will_not_open_is_left_out_and_the_rest_restored() {
    let (app, site) = (spawn_app().await, serve_site().await);
    let state = json!({
        "cookies": [{"name": "sid", "value": site.secrets.cookie, "domain": "127.0.0.1", "path": "/",
            "expires": -1, "httpOnly": true, "secure": false, "sameSite": "Lax"}],
        "origins": [
            // Port 1 is one Chromium never opens (net::ERR_UNSAFE_PORT).
            {"origin": "http://127.0.0.1:1", "localStorage": [{"name": "x", "value": "y"}]},
            {"origin": site.address, "localStorage": [{"name": "token", "value": site.secrets.token}]},
        ],
    });
    let profile = create_profile(&app, json!({"name": "odd origin", "storage_state": state})).await;
    let (_, page) = account_page(&app, &site, Some(json!({"id": profile}))).await;
    assert_eq!(page["metadata"]["title"], "Account of alice", "{page}");
}
