//! Timeouts, browser crashes, stopping and restarting: the life of sessions beyond one request.

use std::time::Duration;

use browserd::startup::Application;

use crate::helpers::{
    descendants, process_alive, spawn_app_on, spawn_app_with, test_settings, wait_gone, KEY,
};
use crate::site::serve_site;

/// With a one-second "minute", an idle session of one minute must be gone within a few.
#[tokio::test]
async fn an_idle_session_times_out() {
    let app = spawn_app_with(|settings| settings.timeout_unit_secs = 1).await;
    let idle = app.start_session(r#"{"session_timeout_minutes": 1}"#).await;
    let patient = app
        .start_session(r#"{"session_timeout_minutes": 30}"#)
        .await;
    let session = app
        .wait_for_session(&idle, Duration::from_secs(20), |s| s["status"] != "active")
        .await;
    assert_eq!(session["status"], "timed_out", "{session}");
    assert_eq!(app.session(&patient).await["status"], "active");
    assert_eq!(app.get("/health", None).await.1["active_sessions"], 1);
}

#[tokio::test]
async fn keep_alive_outlives_the_idle_timeout_but_not_the_maximum_lifetime() {
    let app = spawn_app_with(|settings| {
        settings.timeout_unit_secs = 1;
        // Room for the second session's start, idle minute and reaping before this
        // lifetime ends, on a loaded machine too.
        settings.max_session_minutes = 6;
    })
    .await;
    let kept = app
        .start_session(r#"{"session_timeout_minutes": 1, "keep_alive": true}"#)
        .await;
    let idle = app.start_session(r#"{"session_timeout_minutes": 1}"#).await;
    app.wait_for_session(&idle, Duration::from_secs(20), |s| s["status"] != "active")
        .await;
    assert_eq!(
        app.session(&kept).await["status"],
        "active",
        "keep_alive survives its idle timeout"
    );
    let session = app
        .wait_for_session(&kept, Duration::from_secs(30), |s| s["status"] != "active")
        .await;
    assert_eq!(session["status"], "timed_out");
    assert!(
        session["error"]
            .as_str()
            .unwrap()
            .contains("maximum session lifetime"),
        "{session}"
    );
}

#[tokio::test]
async fn a_dead_browser_fails_its_sessions_and_a_new_one_serves_new_sessions() {
    let app = spawn_app_with(|_| {}).await;
    let first = app.start_session(r#"{"keep_alive": true}"#).await;
    let second = app.start_session("{}").await;
    let browser = app.browser_pids[0];
    let helpers = descendants(browser);
    // SAFETY: plain syscall on the test's own browser.
    unsafe {
        libc::kill(browser as libc::pid_t, libc::SIGKILL);
    }
    for id in [&first, &second] {
        let session = app
            .wait_for_session(id, Duration::from_secs(10), |s| s["status"] != "active")
            .await;
        assert_eq!(session["status"], "error", "{session}");
        assert!(
            session["error"]
                .as_str()
                .unwrap()
                .contains("browser crashed"),
            "{session}"
        );
    }
    assert_eq!(
        app.get("/health", None).await.1["active_sessions"],
        0,
        "the server is still up"
    );
    let (status, json, _) = app
        .post("/session/start", Some(KEY), Some(r#"{"screenshot": true}"#))
        .await;
    assert_eq!(status, 200, "a new browser serves new sessions: {json}");
    assert!(json["screenshot"].as_str().unwrap().starts_with("iVBOR"));
    assert!(
        wait_gone(&helpers, Duration::from_secs(10))
            .await
            .is_empty(),
        "no process of the dead browser is left"
    );
}

/// A browser that has served its share is retired: a new one takes the next sessions, the
/// sessions it holds go on working, and it is closed once the last of them has ended.
#[tokio::test]
async fn a_browser_that_served_its_share_is_closed_once_its_sessions_end() {
    let (app, site) = (
        spawn_app_with(|settings| settings.browser.browser_retire_after = 2).await,
        serve_site().await,
    );
    let old = app.browser_pids[0];
    let first = app.start_session(r#"{"keep_alive": true}"#).await;
    let second = app.start_session(r#"{"keep_alive": true}"#).await;
    let deadline = tokio::time::Instant::now() + Duration::from_secs(30);
    while app.browsers_now() == vec![old] {
        assert!(
            tokio::time::Instant::now() < deadline,
            "no browser replaced the one that served its 2 sessions"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let old_tree = descendants(old);
    let observe = |id: &str| {
        serde_json::json!({"session_id": id, "url": site.url("/article.html"), "keep_alive": true})
            .to_string()
    };
    let (status, json, _) = app
        .post("/env/observe", Some(KEY), Some(&observe(&first)))
        .await;
    assert_eq!(status, 200, "a retired browser's session goes on: {json}");
    let third = app.start_session(r#"{"keep_alive": true}"#).await;
    let close = |id: &str| format!(r#"{{"session_id": "{id}"}}"#);
    let (status, json, _) = app
        .post("/session/close", Some(KEY), Some(&close(&first)))
        .await;
    assert_eq!(status, 200, "{json}");
    assert!(process_alive(old), "closed with a session still on it");
    let (status, json, _) = app
        .post("/session/close", Some(KEY), Some(&close(&second)))
        .await;
    assert_eq!(status, 200, "{json}");
    assert!(
        wait_gone(&[vec![old], old_tree].concat(), Duration::from_secs(20))
            .await
            .is_empty(),
        "the retired browser is closed once its sessions have ended"
    );
    let (status, json, _) = app
        .post("/env/observe", Some(KEY), Some(&observe(&third)))
        .await;
    assert_eq!(status, 200, "the new browser serves: {json}");
    let session = app.session(&third).await;
    assert_eq!(session["status"], "active", "{session}");
}

/// The soak's finding: a command running when the browser died failed with "the page
/// opened dialogs without end" or "the page crashed", since the page's watches lost their
/// senders with it. It says what went away.
#[tokio::test]
async fn a_command_under_a_dying_browser_says_the_browser_went_away() {
    let (app, site) = (spawn_app_with(|_| {}).await, serve_site().await);
    let id = app.start_session(r#"{"keep_alive": true}"#).await;
    let body = serde_json::json!({"session_id": id, "url": site.url("/slow?ms=20000")}).to_string();
    let browser = app.browser_pids[0];
    let observe = app.post("/env/observe", Some(KEY), Some(&body));
    let kill = async {
        tokio::time::sleep(Duration::from_millis(500)).await;
        // SAFETY: plain syscall on the test's own browser.
        unsafe { libc::kill(browser as libc::pid_t, libc::SIGKILL) };
    };
    let ((status, json, _), ()) = tokio::join!(observe, kill);
    assert!(status >= 500, "{status} {json}");
    let error = json["error"].as_str().expect("an error");
    assert!(
        !error.contains("dialogs") && !error.contains("page crashed"),
        "{error}"
    );
    assert!(error.contains("browser"), "{error}");
}

#[tokio::test]
async fn stopping_closes_every_session_records_it_and_stops_the_browser() {
    let data_dir = tempfile::tempdir().unwrap();
    let app = spawn_app_on(data_dir.path(), |_| {}).await;
    let id = app.start_session(r#"{"keep_alive": true}"#).await;
    let mut browser_tree = app.browser_pids.clone();
    browser_tree.extend(app.browser_pids.iter().flat_map(|pid| descendants(*pid)));
    app.stop().await;
    assert!(
        wait_gone(&browser_tree, Duration::from_secs(10))
            .await
            .is_empty(),
        "the browser stopped with the server"
    );

    let again = spawn_app_on(data_dir.path(), |_| {}).await;
    let (status, session) = again.get(&format!("/session/{id}"), Some(KEY)).await;
    assert_eq!(status, 200);
    assert_eq!(session["status"], "closed", "{session}");
}

#[tokio::test]
async fn a_second_server_cannot_share_a_data_dir() {
    let app = spawn_app_with(|_| {}).await;
    let settings = test_settings(&app.data_dir);
    let error = Application::build(&settings)
        .await
        .err()
        .expect("the second server is refused");
    assert!(error.to_string().contains("already using"), "{error}");
}

/// The soak's finding: a context kept ready for the next start whose renderer died (killed,
/// out of memory) was handed to that start, whose first operation then failed with "the
/// page crashed". A start now takes only a ready page that is alive.
#[tokio::test]
async fn a_ready_page_whose_renderer_died_is_not_handed_to_a_start() {
    let site = serve_site().await;
    let app = spawn_app_with(|_| {}).await;
    let first = app.start_session(r#"{"keep_alive": true}"#).await;
    let page = format!(
        r#"{{"session_id": "{first}", "keep_alive": true, "url": "{}"}}"#,
        site.url("/article.html")
    );
    let (status, json, _) = app.post("/env/observe", Some(KEY), Some(&page)).await;
    assert_eq!(status, 200, "{json}");
    // Every renderer: the first session's and the ready context's.
    let renderers: Vec<u32> = descendants(app.browser_pids[0])
        .into_iter()
        .filter(|pid| {
            std::fs::read(format!("/proc/{pid}/cmdline"))
                .is_ok_and(|line| String::from_utf8_lossy(&line).contains("--type=renderer"))
        })
        .collect();
    assert!(renderers.len() >= 2, "{renderers:?}");
    for pid in &renderers {
        // SAFETY: plain syscall on the test's own browser's helpers.
        unsafe {
            libc::kill(*pid as libc::pid_t, libc::SIGKILL);
        }
    }
    // The first session learns of its crash from the same connection that tells of the
    // ready page's.
    let (status, json, _) = app.post("/env/observe", Some(KEY), Some(&page)).await;
    assert_eq!(status, 500, "{json}");
    assert!(
        json["error"]
            .as_str()
            .unwrap_or_default()
            .contains("crashed"),
        "{json}"
    );

    let second = app.start_session(r#"{"keep_alive": true}"#).await;
    let (status, json, _) = app
        .post(
            "/env/observe",
            Some(KEY),
            Some(&format!(
                r#"{{"session_id": "{second}", "url": "{}"}}"#,
                site.url("/article.html")
            )),
        )
        .await;
    assert_eq!(status, 200, "the new session's page is alive: {json}");
}
