//! `/env/step`: acting by id as a person would, on pages of the fixture site.

use serde_json::{json, Value};

use crate::helpers::{spawn_app, TestApp, KEY};
use crate::site::serve_site;

async fn call(app: &TestApp, path: &str, body: Value) -> (u16, Value) {
    let (status, json, _) = app.post(path, Some(KEY), Some(&body.to_string())).await;
    (status, json)
}

/// The id of the listed action whose description mentions `name`.
fn id_of(observation: &Value, name: &str) -> String {
    observation["space"]["actions"]
        .as_array()
        .expect("actions")
        .iter()
        .find(|a| a["description"].as_str().unwrap().contains(name))
        .unwrap_or_else(|| {
            panic!(
                "no action mentions {name:?}: {}",
                observation["space"]["markdown"]
            )
        })["id"]
        .as_str()
        .unwrap()
        .to_string()
}

async fn step(
    app: &TestApp,
    session: &str,
    action: &str,
    value: Option<&str>,
    enter: bool,
) -> (u16, Value) {
    call(app, "/env/step", json!({"session_id": session, "keep_alive": true, "action_id": action, "value": value, "enter": enter})).await
}

/// Observes `url` in a new kept-alive session; returns the session and the observation.
async fn open(app: &TestApp, url: &str) -> (String, Value) {
    let (status, page) = call(app, "/env/observe", json!({"url": url, "keep_alive": true})).await;
    assert_eq!(status, 200, "{page}");
    (
        page["session"]["session_id"].as_str().unwrap().to_string(),
        page,
    )
}

async fn page_text(app: &TestApp, session: &str) -> String {
    let (status, scraped) = call(
        app,
        "/env/scrape",
        json!({"session_id": session, "keep_alive": true, "only_main_content": false}),
    )
    .await;
    assert_eq!(status, 200, "{scraped}");
    scraped["data"]["markdown"].as_str().unwrap().to_string()
}

#[tokio::test]
async fn a_whole_form_is_filled_and_submitted_through_steps() {
    let (app, site) = (spawn_app().await, serve_site().await);
    let (session, form) = open(&app, &site.url("/form.html")).await;

    assert_eq!(
        step(
            &app,
            &session,
            &id_of(&form, "Email"),
            Some("ada@example.com"),
            false
        )
        .await
        .0,
        200
    );
    assert_eq!(
        step(
            &app,
            &session,
            &id_of(&form, "Password"),
            Some("s3cret!"),
            false
        )
        .await
        .0,
        200
    );
    assert_eq!(
        step(
            &app,
            &session,
            &id_of(&form, "Country"),
            Some("France"),
            false
        )
        .await
        .0,
        200
    );
    assert_eq!(
        step(&app, &session, &id_of(&form, "Remember me"), None, false)
            .await
            .0,
        200
    );
    assert_eq!(
        step(&app, &session, &id_of(&form, "Pro"), None, false)
            .await
            .0,
        200
    );
    let (status, done) = step(&app, &session, &id_of(&form, "Sign in"), None, false).await;
    assert_eq!(status, 200, "{done}");
    let url = done["metadata"]["url"].as_str().unwrap();
    assert!(
        url.starts_with(&site.url("/echo?")),
        "the form was submitted: {url}"
    );
    for field in [
        "email=ada%40example.com",
        "password=s3cret%21",
        "country=fr",
        "remember=on",
        "plan=pro",
    ] {
        assert!(url.contains(field), "{field} in {url}");
    }
    assert_eq!(done["metadata"]["title"], "Echo");

    let (status, history) = app
        .get(&format!("/session/{session}/steps"), Some(KEY))
        .await;
    assert_eq!(status, 200);
    let steps = history.as_array().unwrap();
    assert_eq!(steps.len(), 6);
    assert_eq!(steps[0]["value"], "ada@example.com");
    assert_eq!(steps[1]["value"], "********", "a password is never stored");
    assert_eq!(steps[5]["url_after"].as_str().unwrap(), url);
    assert!(steps.iter().all(|s| s["outcome"] == "ok"), "{history}");
    // The GET form puts it in the page's own URL; the history's values never hold it.
    assert!(
        steps
            .iter()
            .all(|s| !s["value"].to_string().contains("s3cret")),
        "{history}"
    );
}

#[tokio::test]
async fn what_a_click_changes_a_moment_later_is_in_the_observation_that_follows() {
    let (app, site) = (spawn_app().await, serve_site().await);
    let (session, page) = open(&app, &site.url("/reveal.html")).await;
    let markdown = page["space"]["markdown"].as_str().unwrap();
    for absent in ["Read the details", "Menu entry one", "Loaded item"] {
        assert!(
            !markdown.contains(absent),
            "{absent} listed before: {markdown}"
        );
    }
    // An attribute removed 20 ms after the click, a class added two frames after it, a
    // node added 15 ms after it: each is in the observation the step answers with.
    for (button, revealed) in [
        ("Show the details", "Read the details"),
        ("Open the menu", "Menu entry one"),
        ("Load more", "Loaded item"),
    ] {
        let (status, after) = step(&app, &session, &id_of(&page, button), None, false).await;
        assert_eq!(status, 200, "{after}");
        let markdown = after["space"]["markdown"].as_str().unwrap();
        assert!(
            markdown.contains(revealed),
            "{revealed} missing after {button}: {markdown}"
        );
        // and it is the page as it is: observing again lists the same actions
        let (status, again) = call(
            &app,
            "/env/observe",
            json!({"session_id": session, "keep_alive": true}),
        )
        .await;
        assert_eq!(status, 200, "{again}");
        assert_eq!(again["space"]["actions"], after["space"]["actions"]);
    }
}

#[tokio::test]
async fn bad_step_input_is_400_and_says_what_to_do() {
    let (app, site) = (spawn_app().await, serve_site().await);
    let (session, form) = open(&app, &site.url("/form.html")).await;

    let (status, json) = step(&app, &session, "L99", None, false).await;
    assert_eq!(status, 400);
    assert!(
        json["error"].as_str().unwrap().contains("L1"),
        "names the valid ids: {json}"
    );
    for bad in ["X1", "L0", "", "S9", "l1"] {
        assert_eq!(
            step(&app, &session, bad, None, false).await.0,
            400,
            "{bad:?}"
        );
    }
    let (status, json) = call(
        &app,
        "/env/step",
        json!({"session_id": session, "keep_alive": true}),
    )
    .await;
    assert_eq!(status, 400, "action_id is required: {json}");
    let (status, json) = step(&app, &session, &id_of(&form, "Email"), None, false).await;
    assert_eq!(status, 400);
    assert!(json["error"].as_str().unwrap().contains("value"), "{json}");
    let (status, json) = step(
        &app,
        &session,
        &id_of(&form, "Country"),
        Some("Atlantis"),
        false,
    )
    .await;
    assert_eq!(status, 400);
    assert!(
        json["error"].as_str().unwrap().contains("France"),
        "lists the allowed values: {json}"
    );
    assert_eq!(step(&app, &session, "S7", Some("31"), false).await.0, 400);
    assert_eq!(
        step(&app, &session, "S1", Some("file:///etc/passwd"), false)
            .await
            .0,
        400
    );
    assert_eq!(
        app.session(&session).await["status"],
        "active",
        "refused steps change nothing"
    );
}

#[tokio::test]
async fn a_covered_element_is_409_until_the_cover_is_gone() {
    let (app, site) = (spawn_app().await, serve_site().await);
    let (session, page) = open(&app, &site.url("/covered.html")).await;
    let (status, json) = step(&app, &session, &id_of(&page, "Buy now"), None, false).await;
    assert_eq!(status, 409, "{json}");
    assert!(
        json["error"].as_str().unwrap().contains("covered"),
        "{json}"
    );
    let (status, after) = step(&app, &session, &id_of(&page, "Accept cookies"), None, false).await;
    assert_eq!(status, 200, "{after}");
    let (status, bought) = step(&app, &session, &id_of(&after, "Buy now"), None, false).await;
    assert_eq!(status, 200, "{bought}");
    assert_eq!(bought["metadata"]["title"], "Clicked");
}

#[tokio::test]
async fn styled_switches_checkboxes_and_radios_are_listed_and_toggled() {
    let (app, site) = (spawn_app().await, serve_site().await);
    let (session, page) = open(&app, &site.url("/styled.html")).await;
    let (status, dark) = step(&app, &session, &id_of(&page, "Dark mode"), None, false).await;
    assert_eq!(status, 200, "{dark}");
    assert_eq!(dark["metadata"]["title"], "dark true, newsletter false");
    assert!(id_of(&dark, "Dark mode").starts_with('B'));
    assert!(
        dark["space"]["markdown"]
            .as_str()
            .unwrap()
            .contains("Dark mode (switch on)"),
        "{dark}"
    );
    let (status, news) = step(&app, &session, &id_of(&dark, "Newsletter"), None, false).await;
    assert_eq!(status, 200, "{news}");
    assert_eq!(news["metadata"]["title"], "dark true, newsletter true");
    // radios that are not rendered at all, chosen through their labels
    let (status, large) = step(&app, &session, &id_of(&news, "Size L"), None, false).await;
    assert_eq!(status, 200, "{large}");
    assert_eq!(
        large["metadata"]["title"],
        "dark true, newsletter true, size L"
    );
    assert!(
        large["space"]["markdown"]
            .as_str()
            .unwrap()
            .contains("(x) Size L"),
        "{large}"
    );
}

#[tokio::test]
async fn an_element_in_view_is_clicked_where_it_is_and_one_under_a_fixed_bar_is_scrolled_clear() {
    let (app, site) = (spawn_app().await, serve_site().await);
    let (session, page) = open(&app, &site.url("/inview.html")).await;
    let (status, clicked) = step(&app, &session, &id_of(&page, "Report scroll"), None, false).await;
    assert_eq!(status, 200, "{clicked}");
    assert_eq!(clicked["metadata"]["title"], "Clicked at 0");
    let (status, reached) = step(
        &app,
        &session,
        &id_of(&clicked, "Under the bar"),
        None,
        false,
    )
    .await;
    assert_eq!(status, 200, "{reached}");
    assert_eq!(reached["metadata"]["title"], "Reached under the bar");
}

#[tokio::test]
async fn dialogs_are_accepted_and_reported_and_far_elements_are_scrolled_to() {
    let (app, site) = (spawn_app().await, serve_site().await);
    let (session, page) = open(&app, &site.url("/actions.html")).await;
    let (status, after) = step(
        &app,
        &session,
        &id_of(&page, "Delete everything"),
        None,
        false,
    )
    .await;
    assert_eq!(status, 200, "{after}");
    assert!(
        after["space"]["description"]
            .as_str()
            .unwrap()
            .contains("Really delete?"),
        "{after}"
    );
    assert!(page_text(&app, &session).await.contains("confirmed"));
    let (status, _) = step(&app, &session, &id_of(&page, "Bottom button"), None, false).await;
    assert_eq!(status, 200);
    assert!(page_text(&app, &session).await.contains("bottom clicked"));
    let (status, _) = step(&app, &session, &id_of(&page, "Change text"), None, false).await;
    assert_eq!(status, 200);
    assert!(page_text(&app, &session)
        .await
        .contains("changed by script"));
}

#[tokio::test]
async fn a_page_that_asks_before_it_is_left_is_left_and_the_question_reported() {
    let (app, site) = (spawn_app().await, serve_site().await);
    let (session, page) = open(&app, &site.url("/unsaved.html")).await;
    let asked = "beforeunload (the page asked to confirm leaving it; it was left)";
    let (status, edited) = step(&app, &session, &id_of(&page, "Mark edited"), None, false).await;
    assert_eq!(status, 200, "{edited}");
    assert_eq!(edited["metadata"]["title"], "Edited draft");
    let (status, reloaded) = step(&app, &session, "S6", None, false).await;
    assert_eq!(status, 200, "{reloaded}");
    assert_eq!(reloaded["metadata"]["title"], "Unsaved draft");
    assert!(
        reloaded["space"]["description"]
            .as_str()
            .unwrap()
            .contains(asked),
        "{reloaded}"
    );
    let (status, edited) = step(
        &app,
        &session,
        &id_of(&reloaded, "Mark edited"),
        None,
        false,
    )
    .await;
    assert_eq!(status, 200, "{edited}");
    let (status, home) = step(
        &app,
        &session,
        &id_of(&edited, "Leave for home"),
        None,
        false,
    )
    .await;
    assert_eq!(status, 200, "{home}");
    assert_eq!(home["metadata"]["title"], "Home");
    assert!(
        home["space"]["description"]
            .as_str()
            .unwrap()
            .contains(asked),
        "{home}"
    );
}

#[tokio::test]
async fn special_actions_go_back_forward_refresh_wait_scrape_and_terminate() {
    let (app, site) = (spawn_app().await, serve_site().await);
    let session = app.start_session(r#"{"keep_alive": true}"#).await;
    let (status, first) = step(
        &app,
        &session,
        "S1",
        Some(&site.url("/actions.html")),
        false,
    )
    .await;
    assert_eq!(status, 200, "{first}");
    assert_eq!(first["metadata"]["title"], "Actions");
    let (_, second) = step(
        &app,
        &session,
        &id_of(&first, "Go to the form"),
        None,
        false,
    )
    .await;
    assert_eq!(second["metadata"]["url"], site.url("/form.html"));
    assert_eq!(
        step(&app, &session, "S4", None, false).await.1["metadata"]["url"],
        site.url("/actions.html")
    );
    assert_eq!(
        step(&app, &session, "S5", None, false).await.1["metadata"]["url"],
        site.url("/form.html")
    );
    assert_eq!(
        step(&app, &session, "S6", None, false).await.1["metadata"]["url"],
        site.url("/form.html")
    );
    assert_eq!(step(&app, &session, "S7", Some("0.2"), false).await.0, 200);
    let (_, shot) = step(&app, &session, "S3", None, false).await;
    assert!(shot["screenshot"]
        .as_str()
        .unwrap()
        .starts_with("iVBORw0KGgo"));
    let (_, scraped) = step(&app, &session, "S2", None, false).await;
    assert!(
        scraped["data"]["markdown"]
            .as_str()
            .unwrap()
            .contains("Sign in"),
        "{scraped}"
    );
    let (status, ended) = step(&app, &session, "S8", None, false).await;
    assert_eq!(status, 200);
    assert_eq!(ended["session"]["status"], "closed");
    assert_eq!(step(&app, &session, "S6", None, false).await.0, 410);
}

#[tokio::test]
async fn the_session_follows_a_new_tab_or_a_popup() {
    let (app, site) = (spawn_app().await, serve_site().await);
    let (session, page) = open(&app, &site.url("/actions.html")).await;
    let (status, tab) = step(&app, &session, &id_of(&page, "in a new tab"), None, false).await;
    assert_eq!(status, 200, "{tab}");
    assert_eq!(
        tab["metadata"]["url"],
        site.url("/form.html"),
        "the new tab is the session's page"
    );
    let (status, typed) = step(
        &app,
        &session,
        &id_of(&tab, "Email"),
        Some("x@example.com"),
        false,
    )
    .await;
    assert_eq!(status, 200, "ids of the new tab work: {typed}");

    let (_, page) = step(
        &app,
        &session,
        "S1",
        Some(&site.url("/actions.html")),
        false,
    )
    .await;
    let (status, popup) = step(&app, &session, &id_of(&page, "Open a popup"), None, false).await;
    assert_eq!(status, 200, "{popup}");
    assert_eq!(popup["metadata"]["title"], "Fixture article");
}

#[tokio::test]
async fn a_download_does_not_wedge_the_session() {
    let (app, site) = (spawn_app().await, serve_site().await);
    let (session, page) = open(&app, &site.url("/actions.html")).await;
    let (status, after) = step(
        &app,
        &session,
        &id_of(&page, "Download the report"),
        None,
        false,
    )
    .await;
    assert_eq!(status, 200, "{after}");
    assert_eq!(
        after["metadata"]["url"],
        site.url("/actions.html"),
        "the page stays"
    );
    let (status, next) = step(
        &app,
        &session,
        &id_of(&after, "Go to the form"),
        None,
        false,
    )
    .await;
    assert_eq!(status, 200, "the session goes on: {next}");
    assert_eq!(next["metadata"]["url"], site.url("/form.html"));
}

#[tokio::test]
async fn enter_submits_a_field_and_the_page_that_answers_in_place_is_observed() {
    let (app, site) = (spawn_app().await, serve_site().await);
    let (session, page) = open(&app, &site.url("/search.html")).await;
    let search = id_of(&page, "Search");
    let (status, after) = step(&app, &session, &search, Some("teapots"), true).await;
    assert_eq!(status, 200, "{after}");
    // the results show 20 ms after the key is released, in the same page
    let markdown = after["space"]["markdown"].as_str().unwrap_or_default();
    assert!(markdown.contains("Result for teapots"), "{markdown}");
    assert_eq!(after["metadata"]["url"], site.url("/search.html"));
}

#[tokio::test]
async fn widgets_move_with_keys_suggestions_follow_keys_and_numbers_are_checked() {
    let (app, site) = (spawn_app().await, serve_site().await);
    let (session, page) = open(&app, &site.url("/widgets.html")).await;
    let rating = id_of(&page, "Rating");
    let (status, after) = step(&app, &session, &rating, Some("8"), false).await;
    assert_eq!(status, 200, "{after}");
    let (status, after) = step(&app, &session, &rating, Some("2"), false).await;
    assert_eq!(status, 200, "{after}");
    assert!(
        after["space"]["markdown"]
            .as_str()
            .unwrap_or_default()
            .contains(&format!("{rating} Rating (slider 0-10) = \"2\"")),
        "{}",
        after["space"]["markdown"]
    );
    for bad in ["eleven", "11"] {
        let (status, refused) = step(&app, &session, &rating, Some(bad), false).await;
        assert_eq!(status, 400, "{bad}: {refused}");
    }

    let gift = id_of(&page, "Gift wrap");
    let (status, after) = step(&app, &session, &gift, None, false).await;
    assert_eq!(status, 200, "{after}");
    assert!(
        after["space"]["markdown"]
            .as_str()
            .unwrap_or_default()
            .contains(&format!("{gift} [x] Gift wrap")),
        "{}",
        after["space"]["markdown"]
    );

    let city = id_of(&page, "City");
    let (status, after) = step(&app, &session, &city, Some("Par"), false).await;
    assert_eq!(status, 200, "{after}");
    id_of(&after, "Paris, France");

    let guests = id_of(&page, "Guests");
    let (status, refused) = step(&app, &session, &guests, Some("many"), false).await;
    assert_eq!(status, 400, "{refused}");
    assert!(
        refused["error"]
            .as_str()
            .unwrap_or_default()
            .contains("takes a number"),
        "{refused}"
    );
    let (status, after) = step(&app, &session, &guests, Some("3"), false).await;
    assert_eq!(status, 200, "{after}");
    assert!(
        after["space"]["markdown"]
            .as_str()
            .unwrap_or_default()
            .contains("= \"3\""),
        "{}",
        after["space"]["markdown"]
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn text_is_typed_key_by_key_and_a_suggestion_it_brings_can_be_chosen() {
    let (app, site) = (spawn_app().await, serve_site().await);
    let (session, page) = open(&app, &site.url("/typing.html")).await;
    let fruit = id_of(&page, "Fruit");
    let (status, after) = step(&app, &session, &fruit, Some("Straw"), false).await;
    assert_eq!(status, 200, "{after}");
    let markdown = after["space"]["markdown"].as_str().unwrap_or_default();
    assert!(
        markdown.contains("Strawberry | Straw hat melon"),
        "{markdown}"
    );
    assert!(!markdown.contains("Banana"), "{markdown}");
    // The page builds its query from key events alone: it saw each of the five keys.
    let body = json!({"session_id": session, "keep_alive": true, "only_main_content": false});
    let (status, scraped, _) = app
        .post("/env/scrape", Some(KEY), Some(&body.to_string()))
        .await;
    assert_eq!(status, 200, "{scraped}");
    let text = scraped["data"]["markdown"].as_str().unwrap_or_default();
    assert!(text.contains(r#"Keys seen: 5, query "Straw""#), "{text}");

    let suggestions = id_of(&after, "Fruits");
    let (status, chosen) = step(&app, &session, &suggestions, Some("Strawberry"), false).await;
    assert_eq!(status, 200, "{chosen}");
    let markdown = chosen["space"]["markdown"].as_str().unwrap_or_default();
    assert!(
        markdown.contains(r#"Fruit (autocomplete) = "Strawberry""#),
        "{markdown}"
    );
}

/// The ids of actions whose descriptions are `names`, in that order.
fn ids_of(observation: &Value, names: &[&str]) -> Vec<String> {
    names.iter().map(|name| id_of(observation, name)).collect()
}

#[tokio::test]
async fn ids_stay_put_while_the_page_re_renders_and_an_older_id_reaches_its_element_or_says_it_is_gone(
) {
    let (app, site) = (spawn_app().await, serve_site().await);
    let (session, first) = open(&app, &site.url("/rerender.html")).await;
    let names = ["Add task", "Write report", "Call Ada", "Book room"];
    let before = ids_of(&first, &names);
    assert_eq!(before, ["B1", "B2", "B3", "B4"]);

    // the list re-renders: a new task first, the first one moved last
    let (status, second) = step(&app, &session, &before[0], None, false).await;
    assert_eq!(status, 200, "{second}");
    assert_eq!(
        ids_of(&second, &names),
        before,
        "{}",
        second["space"]["markdown"]
    );
    let new_task = id_of(&second, "New task 1");
    assert_eq!(new_task, "B5", "a new element gets a number never given");
    let markdown = second["space"]["markdown"].as_str().unwrap_or_default();
    assert!(
        markdown.find("New task 1") < markdown.find("Call Ada")
            && markdown.find("Book room") < markdown.find("Write report"),
        "the list reads in document order: {markdown}"
    );

    // an id of the first observation, still on the page, reaches its element
    let (status, third) = step(&app, &session, &before[2], None, false).await;
    assert_eq!(status, 200, "{third}");
    assert!(page_text(&app, &session)
        .await
        .contains("Finished: Call Ada"));
    // ... and once its element is gone, says so, and is never given to another
    let (status, gone) = step(&app, &session, &before[2], None, false).await;
    assert_eq!(status, 409, "{gone}");
    let error = gone["error"].as_str().unwrap_or_default();
    assert!(
        error.contains("Call Ada") && error.contains("no longer on the page"),
        "{error}"
    );
    let (status, fourth) = step(&app, &session, &before[0], None, false).await;
    assert_eq!(status, 200, "{fourth}");
    assert_eq!(id_of(&fourth, "New task 2"), "B6");
    assert!(!fourth["space"]["markdown"]
        .as_str()
        .unwrap_or_default()
        .contains("B3 "));

    // a new document numbers afresh; the old ids are not this page's
    let (status, reloaded) = step(&app, &session, "S6", None, false).await;
    assert_eq!(status, 200, "{reloaded}");
    assert_eq!(ids_of(&reloaded, &names), before);
    let (status, stale) = step(&app, &session, "B6", None, false).await;
    assert_eq!(status, 400, "{stale}");
}
