//! The confinement's rules on messages alone, without a browser.

use super::*;

/// The messages of `routes` that go to the browser (`to_browser`) or to the client.
fn going(routes: &[Route], to_browser: bool) -> Vec<Value> {
    routes
        .iter()
        .filter_map(|route| match route {
            Route::Upstream(text) if to_browser => serde_json::from_str(text).ok(),
            Route::Client(text) if !to_browser => serde_json::from_str(text).ok(),
            _ => None,
        })
        .collect()
}

fn upstream(routes: &[Route]) -> Vec<Value> {
    going(routes, true)
}

fn client(routes: &[Route]) -> Vec<Value> {
    going(routes, false)
}

/// A confinement to context `ours`, past its discovery of a page of its own (`P1`) and
/// one of another context (`P2`).
fn ready() -> Confinement {
    let (mut confinement, opening) = Confinement::new("ours".into(), "/data/d".into());
    let discover = &upstream(&opening)[0];
    assert_eq!(discover["method"], "Target.setDiscoverTargets");
    for (target, context) in [("P1", "ours"), ("P2", "theirs")] {
        let created = json!({ "method": "Target.targetCreated", "params": { "targetInfo": {
            "targetId": target, "type": "page", "browserContextId": context, "url": "about:blank" } } });
        assert!(confinement.browser_said(&created.to_string()).is_empty());
    }
    let answer = json!({ "id": discover["id"], "result": {} });
    assert!(confinement.browser_said(&answer.to_string()).is_empty());
    confinement
}

fn say(confinement: &mut Confinement, message: Value) -> Vec<Route> {
    confinement.client_said(&message.to_string())
}

#[test]
fn commands_on_other_contexts_and_the_browser_itself_are_refused() {
    let mut confinement = ready();
    for (method, params) in [
        ("Browser.close", json!({})),
        (
            "Target.attachToTarget",
            json!({ "targetId": "P2", "flatten": true }),
        ),
        ("Target.closeTarget", json!({ "targetId": "P2" })),
        (
            "Storage.getCookies",
            json!({ "browserContextId": "theirs" }),
        ),
        ("Target.createBrowserContext", json!({})),
        ("Network.getAllCookies", json!({})),
    ] {
        let routes = say(
            &mut confinement,
            json!({ "id": 1, "method": method, "params": params }),
        );
        assert!(upstream(&routes).is_empty(), "{method} went to the browser");
        assert_eq!(
            client(&routes)[0]["error"]["code"],
            SERVER_ERROR,
            "{method}"
        );
    }
}

#[test]
fn context_commands_are_scoped_to_the_session_and_answers_renumbered() {
    let mut confinement = ready();
    let routes = say(
        &mut confinement,
        json!({ "id": 41, "method": "Storage.getCookies" }),
    );
    let sent = &upstream(&routes)[0];
    assert_eq!(sent["params"]["browserContextId"], "ours");
    let routes = say(
        &mut confinement,
        json!({ "id": 42, "method": "Browser.setDownloadBehavior",
        "params": { "behavior": "allow", "downloadPath": "/etc" } }),
    );
    assert_eq!(upstream(&routes)[0]["params"]["downloadPath"], "/data/d");
    let answer = json!({ "id": sent["id"], "result": { "cookies": [] } });
    let back = client(&confinement.browser_said(&answer.to_string()));
    assert_eq!(back[0]["id"], 41);
}

#[test]
fn target_lists_show_only_the_context() {
    let mut confinement = ready();
    let routes = say(
        &mut confinement,
        json!({ "id": 5, "method": "Target.getTargets" }),
    );
    let sent = &upstream(&routes)[0];
    let answer = json!({ "id": sent["id"], "result": { "targetInfos": [
        { "targetId": "P1", "browserContextId": "ours", "type": "page" },
        { "targetId": "P2", "browserContextId": "theirs", "type": "page" } ] } });
    let back = client(&confinement.browser_said(&answer.to_string()));
    let infos = back[0]["result"]["targetInfos"].as_array().unwrap();
    assert_eq!(infos.len(), 1);
    assert_eq!(infos[0]["targetId"], "P1");
    let routes = say(
        &mut confinement,
        json!({ "id": 6, "method": "Target.setDiscoverTargets",
        "params": { "discover": true } }),
    );
    let events = client(&routes);
    assert_eq!(
        events.len(),
        2,
        "P1's creation, then the answer: {events:?}"
    );
    assert_eq!(events[0]["params"]["targetInfo"]["targetId"], "P1");
}

#[test]
fn auto_attach_attaches_the_contexts_pages_only_and_answers_after() {
    let mut confinement = ready();
    let routes = say(
        &mut confinement,
        json!({ "id": 9, "method": "Target.setAutoAttach",
        "params": { "autoAttach": true, "waitForDebuggerOnStart": true, "flatten": true } }),
    );
    let sent = upstream(&routes);
    assert_eq!(sent.len(), 1, "never a browser-wide auto-attach: {sent:?}");
    assert_eq!(sent[0]["method"], "Target.attachToTarget");
    assert_eq!(sent[0]["params"]["targetId"], "P1");
    assert!(
        client(&routes).is_empty(),
        "the answer waits for the attach"
    );
    let attached = json!({ "method": "Target.attachedToTarget", "params": { "sessionId": "S1",
        "waitingForDebugger": false,
        "targetInfo": { "targetId": "P1", "browserContextId": "ours", "type": "page" } } });
    let event = client(&confinement.browser_said(&attached.to_string()));
    assert_eq!(event[0]["params"]["sessionId"], "S1");
    let answer = json!({ "id": sent[0]["id"], "result": { "sessionId": "S1" } });
    let back = client(&confinement.browser_said(&answer.to_string()));
    assert_eq!(back[0]["id"], 9);
    // The session is the client's now; another's is not.
    let routes = say(
        &mut confinement,
        json!({ "id": 10, "method": "Runtime.evaluate", "sessionId": "S1" }),
    );
    let sent = &upstream(&routes)[0];
    assert_eq!(sent["sessionId"], "S1");
    // Its answer and the page's events go back as they came, but for the answer's id.
    let answer = format!(
        r#"{{"id":{},"result":{{"value":1}},"sessionId":"S1"}}"#,
        sent["id"]
    );
    let back = client(&confinement.browser_said(&answer));
    assert_eq!(
        back[0],
        json!({ "id": 10, "result": { "value": 1 }, "sessionId": "S1" })
    );
    let event = r#"{"method":"Page.loadEventFired","params":{},"sessionId":"S1"}"#;
    assert_eq!(
        confinement.browser_said(event),
        vec![Route::Client(event.to_owned())]
    );
    let elsewhere = r#"{"method":"Page.loadEventFired","params":{},"sessionId":"S7"}"#;
    assert!(confinement.browser_said(elsewhere).is_empty());
    let routes = say(
        &mut confinement,
        json!({ "id": 11, "method": "Runtime.evaluate", "sessionId": "S9" }),
    );
    assert_eq!(client(&routes)[0]["error"]["code"], NO_SESSION);
}
