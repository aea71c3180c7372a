//! Late content (#19 item 4, #27 item 1): a page that renders its controls after `load` —
//! from a timer, an interval, idle callbacks, a slow fetch — or that shows "Loading…"
//! beside its heading is observed rendered, in the first observation after navigating.

use serde_json::json;

use crate::helpers::{spawn_app, TestApp, KEY};
use crate::site::serve_site;

async fn first_observation(app: &TestApp, url: String) -> String {
    let (status, observation, _) = app
        .post(
            "/env/observe",
            Some(KEY),
            Some(&json!({ "url": url }).to_string()),
        )
        .await;
    assert_eq!(status, 200, "{observation}");
    observation["space"]["markdown"]
        .as_str()
        .expect("markdown")
        .to_owned()
}

fn listed(markdown: &str, what: &str) -> bool {
    markdown.lines().any(|line| line.contains(what))
}

#[tokio::test]
async fn controls_a_page_renders_from_a_timer_after_load_are_in_the_first_observation() {
    let (app, site) = (spawn_app().await, serve_site().await);
    for ms in [300, 1000, 2000] {
        let markdown = first_observation(
            &app,
            site.url(&format!("/late-content.html?via=timeout&ms={ms}")),
        )
        .await;
        for control in [
            "Late timeout button",
            "Late timeout link",
            "Late timeout field",
        ] {
            assert!(
                listed(&markdown, control),
                "{control} after {ms} ms:\n{markdown}"
            );
        }
    }
}

#[tokio::test]
async fn controls_from_an_interval_idle_callbacks_awaited_sleeps_a_slow_fetch_or_message_tasks_are_in_the_first_observation(
) {
    let (app, site) = (spawn_app().await, serve_site().await);
    for (via, query) in [
        ("interval", "via=interval&ms=700"),
        ("idle", "via=idle"),
        ("fetch", "via=fetch&ms=600"),
        ("await", "via=await&ms=150"),
        ("message", "via=message"),
    ] {
        let markdown =
            first_observation(&app, site.url(&format!("/late-content.html?{query}"))).await;
        assert!(
            listed(&markdown, &format!("Late {via} button")),
            "{via}:\n{markdown}"
        );
        assert!(
            listed(&markdown, &format!("Late {via} field")),
            "{via}:\n{markdown}"
        );
    }
}

#[tokio::test]
async fn a_page_showing_loading_beside_its_heading_is_waited_for() {
    let (app, site) = (spawn_app().await, serve_site().await);
    let markdown = first_observation(&app, site.url("/loading-beside.html")).await;
    assert!(listed(&markdown, "Order 1042"), "{markdown}");
    assert!(listed(&markdown, "Track order 1042"), "{markdown}");
}

/// The page's own scripts still see timers that behave as timers: a page that checks its
/// `setTimeout` and cancels a timer is observed as it means to be.
#[tokio::test]
async fn the_watch_on_timers_changes_nothing_the_page_sees() {
    let (app, site) = (spawn_app().await, serve_site().await);
    let markdown = first_observation(&app, site.url("/timers-intact.html")).await;
    assert!(listed(&markdown, "Timers intact"), "{markdown}");
    assert!(!listed(&markdown, "Cancelled"), "{markdown}");
}
