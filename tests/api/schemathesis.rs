//! Hostile input found by a machine: Schemathesis (`make venv-schemathesis`) generates
//! requests from `/openapi.json` for every endpoint, valid and invalid, against a server
//! with a key and the fixture site on 127.0.0.1; no answer may be a `5xx` or fall outside
//! the document (status, content type, headers, schema). Then the cases it found, kept as
//! plain requests so that they stay fixed whatever the tester draws next time.
//!
//! `BROWSERD_SCHEMATHESIS_EXAMPLES` (default 5 per operation) and
//! `BROWSERD_SCHEMATHESIS_SEED` (default 1) set how much it tries; README.md's Schemathesis
//! paragraph says how to run it with more.

use std::path::PathBuf;
use std::process::Stdio;

use serde_json::{json, Value};

use crate::helpers::{spawn_app_with, TestApp, KEY};
use crate::site::serve_site;

/// The Schemathesis of `.venv-schemathesis` (which `make test` creates), or the one
/// `BROWSERD_TEST_SCHEMATHESIS` names.
fn schemathesis() -> PathBuf {
    if let Some(path) = std::env::var_os("BROWSERD_TEST_SCHEMATHESIS") {
        return PathBuf::from(path);
    }
    let venv =
        PathBuf::from(env!("CARGO_MANIFEST_DIR")).join(".venv-schemathesis/bin/schemathesis");
    assert!(
        venv.exists(),
        "no .venv-schemathesis: run `make test` (it creates it), or set BROWSERD_TEST_SCHEMATHESIS"
    );
    venv
}

fn setting(name: &str, default: &str) -> String {
    std::env::var(name).unwrap_or_else(|_| default.to_string())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn schemathesis_finds_no_server_error_and_nothing_outside_the_document() {
    let site = serve_site().await;
    // Generated starts are many: a cap keeps them to a few contexts (over it is a `429`,
    // which the document lists).
    let app = spawn_app_with(|settings| settings.max_sessions = 8).await;
    let examples = setting("BROWSERD_SCHEMATHESIS_EXAMPLES", "5");
    let seed = setting("BROWSERD_SCHEMATHESIS_SEED", "1");
    let hooks = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/openapi");
    let output = tokio::process::Command::new(schemathesis())
        .args(["run", &app.url("/openapi.json")])
        .args(["--header", &format!("Authorization: Bearer {KEY}")])
        .args(["--max-examples", &examples, "--seed", &seed])
        // Requests the schema calls valid that the contract refuses in words (a step id
        // the last observation did not list, `min_nb_actions` above `max_nb_actions`, a
        // non-web URL): the README's Schemathesis paragraph.
        .args(["--exclude-checks", "positive_data_acceptance"])
        // One worker: Hypothesis describes its strategies with Python's `ast`, which two
        // threads at once can break ("AST constructor recursion depth mismatch").
        .args(["--workers", "1", "--request-timeout", "120", "--no-color"])
        .env("SCHEMATHESIS_HOOKS", "schemathesis_hooks")
        .env("PYTHONPATH", &hooks)
        .env("BROWSERD_ST_BASE", &app.address)
        .env("BROWSERD_ST_KEY", KEY)
        .env("BROWSERD_ST_SITE", &site.address)
        .stdin(Stdio::null())
        .kill_on_drop(true)
        .output()
        .await
        .expect("schemathesis runs");
    let text = String::from_utf8_lossy(&output.stdout);
    // A longer run by hand (`-- --nocapture`, README) is read for this summary: cases
    // generated, phases, warnings.
    eprintln!("{text}");
    assert!(
        output.status.success(),
        "Schemathesis found failures (seed {seed}, {examples} examples):\n{text}\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
    // Every operation it loaded was tested (it loads 41 of the document's 42 operations).
    let selected = text
        .lines()
        .find_map(|line| line.trim().strip_prefix("Selected: "))
        .and_then(|counts| counts.split_once('/'))
        .map(|(selected, total)| (selected.trim().to_string(), total.trim().to_string()));
    let Some((selected, total)) = selected else {
        panic!("no \"Selected:\" line in:\n{text}");
    };
    assert_eq!(selected, total, "{text}");
    assert!(total.parse::<usize>().unwrap_or(0) >= 41, "{text}");
    assert!(text.contains(&format!("Tested: {total}")), "{text}");
    app.stop().await;
}

/// The document's answer for `method path status`, as JSON.
fn documented<'d>(document: &'d Value, method: &str, path: &str, status: u16) -> &'d Value {
    &document["paths"][path][method]["responses"][status.to_string()]
}

async fn send(
    app: &TestApp,
    method: &str,
    path: &str,
    body: Option<Value>,
) -> (u16, String, Value) {
    let mut request = app
        .client
        .request(method.parse().expect("method"), app.url(path))
        .bearer_auth(KEY);
    if let Some(body) = body {
        request = request.json(&body);
    }
    let response = request.send().await.expect("sent");
    let status = response.status().as_u16();
    let content_type = response
        .headers()
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_string();
    let text = response.text().await.unwrap_or_default();
    (
        status,
        content_type,
        serde_json::from_str(&text).unwrap_or(Value::Null),
    )
}

#[tokio::test]
async fn the_cases_schemathesis_found_stay_fixed() {
    let app = spawn_app_with(|_| {}).await;
    let document: Value = app
        .client
        .get(app.url("/openapi.json"))
        .send()
        .await
        .expect("sent")
        .json()
        .await
        .expect("JSON");

    // A replay asked for without `Accept: application/json` is the page: the document
    // says so.
    let (_, _, started) = send(&app, "POST", "/session/start", Some(json!({}))).await;
    let id = started["session_id"]
        .as_str()
        .expect("session id")
        .to_string();
    let (status, content_type, _) = send(&app, "GET", &format!("/session/{id}/replay"), None).await;
    assert_eq!(status, 200);
    assert!(content_type.starts_with("text/html"), "{content_type}");
    let replay = documented(&document, "get", "/session/{id}/replay", 200);
    assert!(replay["content"]["text/html"].is_object(), "{replay}");
    assert!(
        replay["content"]["application/json"].is_object(),
        "{replay}"
    );

    // The SDK's `page` is any u32 from 1, as documented; beyond it is a `400`.
    let page = document["paths"]["/sessions"]["get"]["parameters"]
        .as_array()
        .expect("parameters")
        .iter()
        .find(|p| p["name"] == "page")
        .expect("page")
        .clone();
    assert_eq!(page["schema"]["maximum"], json!(4294967295_u64), "{page}");
    assert_eq!(
        send(&app, "GET", "/sessions?page=2147483648", None).await.0,
        200
    );
    assert_eq!(
        send(&app, "GET", "/sessions?page=4294967295", None).await.0,
        200
    );
    let (status, _, body) = send(&app, "GET", "/sessions?page=4294967296", None).await;
    assert_eq!(status, 400, "{body}");
    assert!(documented(&document, "get", "/sessions", 400).is_object());

    // A start from a profile that is not there: `404`, documented.
    for profile in ["", "6f1c1bde-5a43-4c34-9a3e-3f1f3c0e2a11"] {
        let (status, _, body) = send(
            &app,
            "POST",
            "/session/start",
            Some(json!({"profile": {"id": profile}})),
        )
        .await;
        assert_eq!(status, 404, "{profile:?}: {body}");
    }
    assert!(documented(&document, "post", "/session/start", 404).is_object());

    // A profile save with a body of the wrong shape: `400`, documented.
    let (status, _, body) = send(
        &app,
        "POST",
        &format!("/sessions/{id}/profile/save"),
        Some(json!({"profile_id": "", "name": {}})),
    )
    .await;
    assert_eq!(status, 400, "{body}");
    assert!(documented(&document, "post", "/sessions/{id}/profile/save", 400).is_object());

    // A session's file is served with the media type its name says: any type.
    let file = documented(&document, "get", "/session/{id}/files/{name}", 200);
    assert!(file["content"]["*/*"].is_object(), "{file}");

    // An upload's file is bytes, not an array of numbers that could be out of range.
    for path in ["/session/{id}/files", "/sessions/{id}/files"] {
        let form = &document["paths"][path]["post"]["requestBody"]["content"]
            ["multipart/form-data"]["schema"];
        let form = match form["$ref"].as_str() {
            Some(reference) => {
                &document["components"]["schemas"][reference.rsplit('/').next().unwrap_or_default()]
            }
            None => form,
        };
        assert_eq!(
            form["properties"]["file"]["type"], "string",
            "{path}: {form}"
        );
    }
    app.stop().await;
}
