//! `/env/observe` and `/env/scrape` on pages of the fixture site, in a real Chromium.

use serde_json::{json, Value};

use crate::helpers::{action_described, spawn_app, spawn_app_with, TestApp, KEY};
use crate::site::serve_site;

async fn observe(app: &TestApp, body: Value) -> (u16, Value) {
    let (status, json, _) = app
        .post("/env/observe", Some(KEY), Some(&body.to_string()))
        .await;
    (status, json)
}

fn actions(observation: &Value) -> Vec<(String, String)> {
    observation["space"]["actions"]
        .as_array()
        .expect("actions")
        .iter()
        .map(|a| {
            (
                a["id"].as_str().unwrap().to_string(),
                a["description"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

fn count_mentions(actions: &[(String, String)], name: &str) -> usize {
    actions
        .iter()
        .filter(|(_, description)| description.contains(name))
        .count()
}

#[tokio::test]
async fn observe_lists_every_usable_control_once_and_nothing_hidden() {
    let (app, site) = (spawn_app().await, serve_site().await);
    let (status, observation) = observe(
        &app,
        json!({"url": site.url("/form.html"), "keep_alive": true}),
    )
    .await;
    assert_eq!(status, 200, "{observation}");
    assert_eq!(observation["metadata"]["title"], "Sign in — Fixture Shop");
    assert_eq!(observation["metadata"]["url"], site.url("/form.html"));
    let listed = actions(&observation);
    for name in [
        "Home",
        "About us",
        "Help",
        "Privacy",
        "Email",
        "Password",
        "Country",
        "Remember me",
        "Free",
        "Pro",
        "Sign in",
    ] {
        assert_eq!(
            count_mentions(&listed, name),
            1,
            "{name} must be listed exactly once: {listed:?}"
        );
    }
    for hidden in [
        "Disabled action",
        "Invisible action",
        "Hidden link",
        "Inert action",
        "token",
    ] {
        assert_eq!(
            count_mentions(&listed, hidden),
            0,
            "{hidden} must not be listed: {listed:?}"
        );
    }
    let prefix_of = |name: &str| {
        listed
            .iter()
            .find(|(_, d)| d.contains(name))
            .map(|(id, _)| id.chars().next().unwrap())
            .unwrap()
    };
    assert_eq!(prefix_of("About us"), 'L');
    assert_eq!(prefix_of("Email"), 'I');
    assert_eq!(prefix_of("Country"), 'I');
    assert_eq!(prefix_of("Remember me"), 'B');
    assert_eq!(prefix_of("Sign in"), 'B');

    let space = &observation["space"];
    for action in space["actions"].as_array().unwrap() {
        let id = action["id"].as_str().unwrap();
        assert!(
            !id.starts_with('S'),
            "special actions stay out of `actions`"
        );
        let params = action["params"].as_array().unwrap();
        assert_eq!(params.len(), usize::from(id.starts_with('I')), "{action}");
        assert!(
            space["markdown"].as_str().unwrap().contains(id),
            "markdown lists {id}"
        );
        assert_eq!(action["status"], "valid");
    }
    let country = space["actions"]
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["description"].as_str().unwrap().contains("Country"))
        .unwrap();
    let values: Vec<&str> = country["params"][0]["values"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_str().unwrap())
        .collect();
    assert!(
        values.contains(&"France") && values.contains(&"Germany"),
        "{values:?}"
    );
    let special: Vec<&str> = space["special_actions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["id"].as_str().unwrap())
        .collect();
    assert_eq!(special, ["S1", "S2", "S3", "S4", "S5", "S6", "S7", "S8"]);
    let allowed = [
        "homepage",
        "search-results",
        "data-feed",
        "item",
        "auth",
        "form",
        "manage-cookies",
        "payment",
        "captcha",
        "other",
    ];
    assert!(space["category"].is_null() || allowed.contains(&space["category"].as_str().unwrap()));
    assert!(!space["description"].as_str().unwrap().is_empty());

    let session_id = observation["session"]["session_id"].as_str().unwrap();
    assert_eq!(
        observation["session"]["status"], "active",
        "keep_alive keeps the session"
    );
    let (status, again) =
        observe(&app, json!({"session_id": session_id, "keep_alive": true})).await;
    assert_eq!(status, 200);
    assert_eq!(actions(&again), listed, "the same page gets the same ids");
}

#[tokio::test]
async fn observe_sees_a_page_that_renders_after_load() {
    let (app, site) = (spawn_app().await, serve_site().await);
    let (status, observation) = observe(&app, json!({"url": site.url("/late.html")})).await;
    assert_eq!(status, 200, "{observation}");
    let listed = actions(&observation);
    assert_eq!(count_mentions(&listed, "Late button"), 1, "{listed:?}");
    assert_eq!(count_mentions(&listed, "Late link"), 1, "{listed:?}");
}

#[tokio::test]
async fn observe_waits_while_a_page_shows_a_loading_spinner() {
    let (app, site) = (spawn_app().await, serve_site().await);
    let (status, observation) = observe(&app, json!({"url": site.url("/spinner.html")})).await;
    assert_eq!(status, 200, "{observation}");
    let listed = actions(&observation);
    assert_eq!(count_mentions(&listed, "Spinner done"), 1, "{listed:?}");
}

#[tokio::test]
async fn an_env_call_without_a_session_runs_in_a_new_one_closed_after_unless_kept() {
    let (app, site) = (spawn_app().await, serve_site().await);
    let (status, observation) = observe(
        &app,
        json!({"url": site.url("/form.html"), "screenshot": true}),
    )
    .await;
    assert_eq!(status, 200);
    assert_eq!(observation["session"]["status"], "closed");
    assert!(observation["screenshot"]
        .as_str()
        .unwrap()
        .starts_with("iVBORw0KGgo"));
    let id = observation["session"]["session_id"].as_str().unwrap();
    let (status, gone) = observe(&app, json!({"session_id": id})).await;
    assert_eq!(status, 410, "an ended session is gone: {gone}");
    assert_eq!(gone["status"], "closed");
    assert_eq!(app.get("/health", None).await.1["active_sessions"], 0);
}

#[tokio::test]
async fn a_page_that_cannot_load_is_502_and_leaves_the_session_active() {
    let app = spawn_app_with(|settings| settings.operation_timeout_secs = 3).await;
    let site = serve_site().await;
    let id = app.start_session(r#"{"keep_alive": true}"#).await;
    for url in [
        "http://127.0.0.1:1/".to_string(),
        "http://no-such-host.invalid/".to_string(),
        site.url("/hang"),
    ] {
        let (status, json) = observe(
            &app,
            json!({"session_id": id, "url": url, "keep_alive": true}),
        )
        .await;
        assert_eq!(status, 502, "{url}: {json}");
        assert!(
            json["error"].as_str().unwrap().contains("ERR_"),
            "the browser's reason: {json}"
        );
        assert_eq!(app.session(&id).await["status"], "active");
    }
    let (status, json) = observe(
        &app,
        json!({"session_id": id, "url": site.url("/form.html"), "keep_alive": true}),
    )
    .await;
    assert_eq!(status, 200, "the session still works: {json}");
}

#[tokio::test]
async fn urls_other_than_web_pages_are_400_and_start_nothing() {
    let app = spawn_app().await;
    for url in [
        "file:///etc/passwd",
        "chrome://settings",
        "javascript:alert(1)",
        "data:text/html,hi",
        "view-source:http://127.0.0.1/",
        "not a url",
    ] {
        let (status, json) = observe(&app, json!({"url": url})).await;
        assert_eq!(status, 400, "{url}: {json}");
        let (status, json, _) = app
            .post(
                "/env/scrape",
                Some(KEY),
                Some(&json!({"url": url}).to_string()),
            )
            .await;
        assert_eq!(status, 400, "{url}: {json}");
    }
    for bad in [
        json!({"max_nb_actions": 0}),
        json!({"max_nb_actions": "9"}),
        json!({"session_timeout_minutes": 31}),
        json!({"session_id": 5}),
    ] {
        assert_eq!(observe(&app, bad.clone()).await.0, 400, "{bad}");
    }
    assert_eq!(app.get("/sessions", Some(KEY)).await.1, json!([]));
}

#[tokio::test]
async fn scrape_keeps_the_article_and_drops_what_surrounds_it() {
    let (app, site) = (spawn_app().await, serve_site().await);
    let body = json!({"url": site.url("/article.html"), "scrape_images": true, "keep_alive": true});
    let (status, observation, _) = app
        .post("/env/scrape", Some(KEY), Some(&body.to_string()))
        .await;
    assert_eq!(status, 200, "{observation}");
    assert!(
        observation["space"].is_null(),
        "no action space unless asked"
    );
    let markdown = observation["data"]["markdown"].as_str().unwrap();
    assert!(markdown.contains("# The fixture article"), "{markdown}");
    assert!(
        markdown.contains("main content that a scrape must keep intact"),
        "{markdown}"
    );
    assert!(
        markdown.contains(&format!("({})", site.url("/more.html"))),
        "links become absolute: {markdown}"
    );
    assert!(
        markdown.contains("| alpha | 1 |"),
        "tables stay tables: {markdown}"
    );
    for boilerplate in [
        "We use cookies",
        "Related one",
        "All rights reserved",
        "Sports",
    ] {
        assert!(
            !markdown.contains(boilerplate),
            "{boilerplate} is not main content: {markdown}"
        );
    }
    let images = observation["data"]["images"].as_array().unwrap();
    assert_eq!(images[0]["id"], "F1");
    assert_eq!(images[0]["url"], site.url("/photo.jpg"));
    assert_eq!(images[0]["category"], "content_image");

    let id = observation["session"]["session_id"].as_str().unwrap();
    let body = json!({"session_id": id, "only_main_content": false});
    let (status, full, _) = app
        .post("/env/scrape", Some(KEY), Some(&body.to_string()))
        .await;
    assert_eq!(status, 200);
    let markdown = full["data"]["markdown"].as_str().unwrap();
    assert!(
        markdown.contains("Sports") && markdown.contains("All rights reserved"),
        "the whole page: {markdown}"
    );
    assert!(full["data"]["images"].is_null(), "images only when asked");
    assert_eq!(
        full["session"]["status"], "closed",
        "keep_alive false closes after the call"
    );
}

/// One session's operations wait for each other; another session's do not wait for them.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn operations_on_one_session_run_in_turn_and_sessions_run_in_parallel() {
    let (app, site) = (std::sync::Arc::new(spawn_app().await), serve_site().await);
    let first = app.start_session(r#"{"keep_alive": true}"#).await;
    let second = app.start_session(r#"{"keep_alive": true}"#).await;
    let finished = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
    let run = |label: &'static str, body: Value| {
        let (app, finished) = (app.clone(), finished.clone());
        tokio::spawn(async move {
            let (status, json) = observe(&app, body).await;
            assert_eq!(status, 200, "{label}: {json}");
            finished.lock().unwrap().push(label);
        })
    };
    let slow = run(
        "slow page on the first session",
        json!({"session_id": first, "keep_alive": true, "url": site.url("/gate")}),
    );
    site.gate_reached().await;
    let other = run(
        "call on the second session",
        json!({"session_id": second, "keep_alive": true, "url": site.url("/form.html")}),
    );
    other.await.unwrap();
    let queued = run(
        "next call on the first session",
        json!({"session_id": first, "keep_alive": true}),
    );
    // Time for the queued call to finish, were it not waiting for the slow page.
    tokio::time::sleep(std::time::Duration::from_millis(500)).await;
    site.open_gate();
    for task in [slow, queued] {
        task.await.unwrap();
    }
    assert_eq!(
        *finished.lock().unwrap(),
        [
            "call on the second session",
            "slow page on the first session",
            "next call on the first session"
        ]
    );
}

#[tokio::test]
async fn scrape_returns_what_the_page_declares_about_itself() {
    let (app, site) = (spawn_app().await, serve_site().await);
    let body = json!({"url": site.url("/product.html")});
    let (status, observation, _) = app
        .post("/env/scrape", Some(KEY), Some(&body.to_string()))
        .await;
    assert_eq!(status, 200, "{observation}");
    let markdown = observation["data"]["markdown"].as_str().unwrap();
    assert!(
        markdown.contains("€19.99") && markdown.contains("2200 W"),
        "{markdown}"
    );
    let structured = &observation["data"]["structured"][0];
    let product = &structured["json_ld"][0];
    assert_eq!(product["@type"], "Product", "{structured}");
    assert_eq!(product["offers"]["price"], "19.99", "{structured}");
    assert_eq!(
        product["offers"]["availability"],
        "https://schema.org/InStock"
    );
    assert_eq!(
        structured["opengraph"]["og:title"], "Blue kettle",
        "{structured}"
    );
    assert_eq!(structured["opengraph"]["product:price:amount"], "19.99");
    let crumbs = &structured["microdata"][0];
    assert_eq!(
        crumbs["type"],
        json!(["https://schema.org/BreadcrumbList"]),
        "{structured}"
    );
    let first = &crumbs["properties"]["itemListElement"][0]["properties"];
    assert_eq!(first["name"], json!(["Kitchen"]), "{structured}");
    assert_eq!(first["item"], json!([site.url("/kitchen")]), "{structured}");
    assert_eq!(structured["meta"]["lang"], "en", "{structured}");
}

#[tokio::test]
async fn a_marked_screenshot_draws_the_ids_at_their_boxes_and_leaves_the_page_as_it_was() {
    let (app, site) = (spawn_app().await, serve_site().await);
    let body = json!({"url": site.url("/form.html"), "keep_alive": true, "screenshot": true});
    let (status, plain, _) = app
        .post("/env/observe", Some(KEY), Some(&body.to_string()))
        .await;
    assert_eq!(status, 200, "{plain}");
    assert!(
        plain.get("marks").is_none(),
        "no marks unless asked: {plain}"
    );
    let session = plain["session"]["session_id"].as_str().unwrap().to_string();

    let body = json!({"session_id": session, "keep_alive": true, "screenshot_marks": true});
    let (status, marked, _) = app
        .post("/env/observe", Some(KEY), Some(&body.to_string()))
        .await;
    assert_eq!(status, 200, "{marked}");
    let marks = marked["marks"].as_array().expect("marks");
    let listed: Vec<&str> = marked["space"]["actions"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|a| a["id"].as_str())
        .collect();
    assert!(!marks.is_empty(), "{marked}");
    for mark in marks {
        assert!(listed.contains(&mark["id"].as_str().unwrap()), "{mark}");
        assert!(mark["width"].as_f64().unwrap() > 0.0 && mark["height"].as_f64().unwrap() > 0.0);
        assert!(mark["x"].as_f64().unwrap() < 1280.0 && mark["y"].as_f64().unwrap() < 800.0);
    }
    let email = action_described(&marked, "Email");
    assert!(marks.iter().any(|m| m["id"] == email.as_str()), "{marks:?}");
    let shot = marked["screenshot"].as_str().expect("a screenshot");
    assert_ne!(
        shot,
        plain["screenshot"].as_str().unwrap(),
        "the marks are drawn"
    );

    // Drawn for the screenshot only: the page is as it was.
    let body = json!({"session_id": session, "keep_alive": true, "screenshot": true});
    let (_, after, _) = app
        .post("/env/observe", Some(KEY), Some(&body.to_string()))
        .await;
    assert_eq!(after["screenshot"], plain["screenshot"]);
    assert_eq!(after["space"]["markdown"], plain["space"]["markdown"]);
}
