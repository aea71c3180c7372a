//! Observations as diffs (#19 item 6): with `diff: true`, observe and step answer with
//! what changed since the session's previous observation of the same page, and with the
//! whole list when the page changed.

use serde_json::{json, Value};

use crate::helpers::{action_described, spawn_app, TestApp, KEY};
use crate::site::serve_site;

async fn call(app: &TestApp, route: &str, body: Value) -> Value {
    let (status, answer, _) = app.post(route, Some(KEY), Some(&body.to_string())).await;
    assert_eq!(status, 200, "{route} {body}: {answer}");
    answer
}

fn markdown(answer: &Value) -> &str {
    answer["space"]["markdown"].as_str().expect("markdown")
}

/// `body` for `session`, kept alive, asking for a diff.
fn asking_diff(session: &str, mut body: Value) -> Value {
    body["session_id"] = json!(session);
    body["keep_alive"] = json!(true);
    body["diff"] = json!(true);
    body
}

fn is_diff(answer: &Value) -> bool {
    answer["space"]["diff"] == json!(true)
}

#[tokio::test]
async fn a_diff_says_what_was_added_removed_and_nothing_else() {
    let (app, site) = (spawn_app().await, serve_site().await);
    let session = app.start_session("{}").await;
    let at = |body: Value| asking_diff(&session, body);
    // the session's first observation is whole, diff or not
    let first = call(
        &app,
        "/env/observe",
        at(json!({"url": site.url("/rerender.html")})),
    )
    .await;
    assert!(!is_diff(&first), "{first}");
    assert!(markdown(&first).contains("Done: Call Ada"), "{first}");
    assert!(markdown(&first).contains("S1 goto"), "{first}");

    let add = action_described(&first, "Add task");
    let added = call(&app, "/env/step", at(json!({"action_id": add}))).await;
    assert!(is_diff(&added), "{added}");
    let text = markdown(&added);
    assert!(
        text.contains("## Added") && text.contains("New task 1"),
        "{text}"
    );
    assert!(
        !text.contains("Call Ada") && !text.contains("S1 goto"),
        "{text}"
    );
    // the structured list stays whole
    action_described(&added, "Done: Call Ada");

    let report = action_described(&added, "Write report");
    let removed = call(&app, "/env/step", at(json!({"action_id": report}))).await;
    let text = markdown(&removed);
    assert!(is_diff(&removed), "{removed}");
    assert!(
        text.contains("## Removed") && text.contains(&report),
        "{text}"
    );
    assert!(!text.contains("## Added"), "{text}");

    let again = call(&app, "/env/observe", at(json!({}))).await;
    assert!(is_diff(&again), "{again}");
    assert!(markdown(&again).starts_with("Nothing changed"), "{again}");

    // without the option the answer is whole, and says nothing of a diff
    let mut whole = at(json!({}));
    whole["diff"] = json!(false);
    let whole = call(&app, "/env/observe", whole).await;
    assert!(whole["space"].get("diff").is_none(), "{whole}");
    assert!(markdown(&whole).contains("Done: Call Ada"), "{whole}");
}

#[tokio::test]
async fn a_changed_value_is_told_and_another_page_is_observed_whole() {
    let (app, site) = (spawn_app().await, serve_site().await);
    let session = app.start_session("{}").await;
    let at = |body: Value| asking_diff(&session, body);
    call(
        &app,
        "/env/observe",
        at(json!({"url": site.url("/rerender.html")})),
    )
    .await;
    // another document: the whole list
    let form = call(
        &app,
        "/env/observe",
        at(json!({"url": site.url("/form.html")})),
    )
    .await;
    assert!(!is_diff(&form), "{form}");
    let email = action_described(&form, "Email");
    let typed = call(
        &app,
        "/env/step",
        at(json!({"action_id": email, "value": "ann@example.org"})),
    )
    .await;
    assert!(is_diff(&typed), "{typed}");
    let text = markdown(&typed);
    assert!(text.contains("## Changed"), "{text}");
    let line = text
        .lines()
        .find(|line| line.starts_with(&format!("{email} ")))
        .unwrap_or_else(|| panic!("{email} not in {text}"));
    assert!(
        line.contains("ann@example.org") && line.contains("(was: "),
        "{line}"
    );
    assert!(!text.contains("Remember me"), "{text}");
    // a step that leads to another page answers with that page whole
    let sign_in = action_described(&typed, "Sign in");
    let sent = call(&app, "/env/step", at(json!({"action_id": sign_in}))).await;
    assert!(!is_diff(&sent), "{sent}");
    assert!(markdown(&sent).contains("S1 goto"), "{sent}");
}

#[tokio::test]
async fn a_diff_that_is_not_a_boolean_is_400() {
    let app = spawn_app().await;
    let (status, answer, _) = app
        .post("/env/observe", Some(KEY), Some(r#"{"diff": "yes"}"#))
        .await;
    assert_eq!(status, 400, "{answer}");
    assert!(answer.to_string().contains("diff"), "{answer}");
}
