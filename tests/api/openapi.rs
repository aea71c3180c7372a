//! `/openapi.json` against the reference validator, and real responses of the server
//! (successes and errors of every endpoint) against the document's schemas.

use std::collections::BTreeSet;
use std::process::Command;

use serde_json::{json, Value};

use crate::helpers::{action_described, spawn_app_with, test_python, TestApp, KEY};
use crate::site::serve_site;

/// The document as served, and which (method, path, status) real responses were checked.
struct Contract {
    document: Value,
    checked: BTreeSet<(String, String, u16)>,
}

impl Contract {
    async fn fetch(app: &TestApp) -> Self {
        let response = app
            .client
            .get(app.url("/openapi.json"))
            .send()
            .await
            .expect("sent");
        assert_eq!(response.status().as_u16(), 200);
        let document: Value = response.json().await.expect("JSON");
        Self {
            document,
            checked: BTreeSet::new(),
        }
    }

    /// Asserts that the document lists `status` for `method path` and that `body` is
    /// valid against its schema.
    fn check(&mut self, method: &str, path: &str, status: u16, body: &Value) {
        let operation = &self.document["paths"][path][method.to_lowercase()];
        assert!(
            operation.is_object(),
            "{method} {path} is not in the document"
        );
        let response = &operation["responses"][status.to_string()];
        assert!(
            response.is_object(),
            "{method} {path} answered {status}, which the document does not list: {body}"
        );
        let mut schema = response["content"]["application/json"]["schema"].clone();
        assert!(
            schema.is_object(),
            "{method} {path} {status}: no JSON schema"
        );
        schema["components"] = self.document["components"].clone();
        let validator = jsonschema::draft202012::options()
            .should_validate_formats(true)
            .build(&schema)
            .unwrap_or_else(|e| panic!("{method} {path} {status}: the schema does not build: {e}"));
        let errors: Vec<String> = validator
            .iter_errors(body)
            .map(|error| format!("{error} (at {})", error.instance_path()))
            .collect();
        assert!(
            errors.is_empty(),
            "{method} {path} {status}: the response breaks the document:\n{}\n{body}",
            errors.join("\n")
        );
        self.checked
            .insert((method.to_uppercase(), path.to_string(), status));
    }

    /// Every (method, path) of the document.
    fn operations(&self) -> BTreeSet<(String, String)> {
        let mut operations = BTreeSet::new();
        for (path, item) in self.document["paths"].as_object().expect("paths") {
            for method in item.as_object().expect("path item").keys() {
                operations.insert((method.to_uppercase(), path.clone()));
            }
        }
        operations
    }
}

/// Sends a request; returns the status and the JSON body, after checking the headers
/// every answer carries.
async fn call(
    app: &TestApp,
    method: &str,
    path: &str,
    key: Option<&str>,
    body: Option<String>,
) -> (u16, Value) {
    let mut request = app
        .client
        .request(method.parse().expect("method"), app.url(path));
    if let Some(key) = key {
        request = request.bearer_auth(key);
    }
    if let Some(body) = body {
        request = request
            .header("content-type", "application/json")
            .body(body);
    }
    let response = request.send().await.expect("sent");
    let status = response.status().as_u16();
    let headers = response.headers().clone();
    assert!(
        headers.contains_key("x-request-id"),
        "{method} {path}: no x-request-id"
    );
    assert!(
        headers["content-type"]
            .to_str()
            .unwrap_or_default()
            .starts_with("application/json"),
        "{method} {path}: {:?}",
        headers["content-type"]
    );
    if status == 429 {
        assert!(
            headers.contains_key("retry-after"),
            "429 without Retry-After"
        );
    }
    let text = response.text().await.expect("body");
    let body = serde_json::from_str(&text)
        .unwrap_or_else(|_| panic!("{method} {path} {status}: not JSON: {text:?}"));
    (status, body)
}

#[tokio::test]
async fn the_document_is_valid_openapi_3_1_and_describes_every_route() {
    let app = spawn_app_with(|_| {}).await;
    let contract = Contract::fetch(&app).await;
    let document = &contract.document;
    assert_eq!(document["openapi"], "3.1.0");

    let text = serde_json::to_string(document).expect("text");
    let validated = Command::new(test_python())
        .args([
            "-c",
            "import json, sys\nfrom openapi_spec_validator import validate\nvalidate(json.load(sys.stdin))",
        ])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .and_then(|mut child| {
            use std::io::Write;
            child
                .stdin
                .take()
                .expect("stdin")
                .write_all(text.as_bytes())?;
            child.wait_with_output()
        })
        .expect("python runs");
    assert!(
        validated.status.success(),
        "openapi-spec-validator refuses the document:\n{}",
        String::from_utf8_lossy(&validated.stderr)
    );

    let expected: BTreeSet<(String, String)> = [
        ("POST", "/session/start"),
        ("POST", "/session/close"),
        ("GET", "/session/{id}"),
        ("GET", "/sessions"),
        ("GET", "/session/{id}/steps"),
        ("POST", "/env/observe"),
        ("POST", "/env/step"),
        ("POST", "/env/scrape"),
        ("GET", "/health"),
        ("GET", "/metrics"),
        ("GET", "/openapi.json"),
        ("GET", "/session/{id}/debug"),
        ("GET", "/session/{id}/cdp"),
        ("GET", "/session/{id}/live"),
        ("GET", "/session/{id}/live/ws"),
        ("GET", "/session/{id}/replay"),
        ("GET", "/session/{id}/replay/{picture}"),
        ("POST", "/sessions/start"),
        ("GET", "/sessions/{id}"),
        ("DELETE", "/sessions/{id}/stop"),
        ("GET", "/sessions/{id}/debug"),
        ("GET", "/sessions/{id}/replay"),
        ("POST", "/sessions/{id}/page/observe"),
        ("POST", "/sessions/{id}/page/execute"),
        ("POST", "/sessions/{id}/page/scrape"),
        ("POST", "/sessions/{id}/page/screenshot"),
        ("GET", "/sessions/{id}/cookies"),
        ("POST", "/sessions/{id}/cookies"),
        ("GET", "/sessions/{id}/files"),
        ("POST", "/sessions/{id}/files"),
        ("POST", "/profiles/create"),
        ("POST", "/sessions/{id}/profile/save"),
        ("GET", "/session/{id}/files"),
        ("GET", "/session/{id}/files/{name}"),
        ("POST", "/session/{id}/files"),
        ("POST", "/profiles"),
        ("GET", "/profiles"),
        ("GET", "/profiles/{id}"),
        ("DELETE", "/profiles/{id}"),
        ("GET", "/profiles/{id}/storage_state"),
        ("PUT", "/profiles/{id}/storage_state"),
        ("POST", "/session/{id}/profile/save"),
    ]
    .into_iter()
    .map(|(method, path)| (method.to_string(), path.to_string()))
    .collect();
    assert_eq!(contract.operations(), expected);

    let open = ["/health", "/metrics", "/openapi.json"];
    for (method, path) in contract.operations() {
        let operation = &document["paths"][&path][method.to_lowercase()];
        if open.contains(&path.as_str()) {
            assert!(operation.get("security").is_none(), "{path} needs no key");
            continue;
        }
        // A session's CDP endpoint and its viewer's pages also take the session's own
        // token instead of a key.
        let security = if path == "/session/{id}/cdp"
            || path.starts_with("/session/{id}/live")
            || path.starts_with("/session/{id}/replay")
        {
            json!([{"api_key": []}, {"session_token": []}])
        } else {
            json!([{"api_key": []}])
        };
        assert_eq!(operation["security"], security, "{method} {path}");
        for status in ["401", "500"] {
            assert!(
                operation["responses"][status].is_object(),
                "{method} {path} lacks {status}"
            );
        }
    }
    assert_eq!(
        document["components"]["securitySchemes"]["api_key"],
        json!({"type": "http", "scheme": "bearer", "description": document["components"]["securitySchemes"]["api_key"]["description"]})
    );

    // Defaults and ranges are the ones the parsers enforce.
    let schemas = &document["components"]["schemas"];
    let timeout = &schemas["SessionFields"]["properties"]["session_timeout_minutes"];
    assert_eq!(
        (
            &timeout["minimum"],
            &timeout["maximum"],
            &timeout["default"]
        ),
        (&json!(1), &json!(30), &json!(5))
    );
    let observe = &schemas["ObserveRequest"]["allOf"][1]["properties"]["max_nb_actions"];
    assert_eq!(
        (
            &observe["minimum"],
            &observe["maximum"],
            &observe["default"]
        ),
        (&json!(1), &json!(10000), &json!(100))
    );
    let query = document["paths"]["/session/start"]["post"]["parameters"]
        .as_array()
        .expect("parameters")
        .iter()
        .find(|parameter| parameter["name"] == "session_timeout")
        .expect("session_timeout")
        .clone();
    assert_eq!(query["schema"]["default"], 10);
    assert_eq!(
        schemas["SessionStatus"]["enum"],
        json!(["active", "closed", "error", "timed_out"])
    );
    assert_eq!(
        schemas["PageCategory"]["enum"],
        json!([
            "homepage",
            "search-results",
            "data-feed",
            "item",
            "auth",
            "form",
            "manage-cookies",
            "payment",
            "captcha",
            "other"
        ])
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn real_responses_validate_against_the_document() {
    let app = spawn_app_with(|settings| settings.max_sessions = 3).await;
    let site = serve_site().await;
    let mut contract = Contract::fetch(&app).await;
    let key = Some(KEY);

    let (status, body) = call(&app, "GET", "/health", None, None).await;
    contract.check("GET", "/health", status, &body);
    let (status, body) = call(&app, "GET", "/openapi.json", None, None).await;
    contract.check("GET", "/openapi.json", status, &body);

    let (status, started) = call(
        &app,
        "POST",
        "/session/start?session_timeout=7",
        key,
        Some(r#"{"keep_alive": true, "screenshot": true}"#.into()),
    )
    .await;
    contract.check("POST", "/session/start", status, &started);
    assert_eq!(status, 200);
    assert!(started["screenshot"].is_string());
    let session = started["session_id"].as_str().expect("id").to_string();
    let (status, body) = call(&app, "GET", &format!("/session/{session}"), key, None).await;
    contract.check("GET", "/session/{id}", status, &body);
    let (status, body) = call(&app, "GET", "/sessions?status=active&limit=10", key, None).await;
    contract.check("GET", "/sessions", status, &body);
    assert_eq!(body.as_array().map(Vec::len), Some(1));

    let (status, form) = call(&app, "POST", "/env/observe", key, Some(json!({"session_id": session, "keep_alive": true, "url": site.url("/form.html"), "screenshot": true, "min_nb_actions": null, "max_nb_actions": 50.0}).to_string())).await;
    contract.check("POST", "/env/observe", status, &form);
    assert_eq!(status, 200, "{form}");
    for (description, value) in [("Email", "ada@example.org"), ("Password", "typed-secret")] {
        let action = action_described(&form, description);
        let (status, body) = call(&app, "POST", "/env/step", key, Some(json!({"session_id": session, "keep_alive": true, "action_id": action, "value": value, "enter": false}).to_string())).await;
        contract.check("POST", "/env/step", status, &body);
        assert_eq!(status, 200, "{body}");
    }
    let (status, body) = call(
        &app,
        "POST",
        "/env/step",
        key,
        Some(json!({"session_id": session, "keep_alive": true, "action_id": " S2\t"}).to_string()),
    )
    .await;
    contract.check("POST", "/env/step", status, &body);
    assert!(body["data"]["markdown"].is_string(), "{body}");
    let (status, body) = call(
        &app,
        "POST",
        "/env/step",
        key,
        Some(json!({"session_id": session, "keep_alive": true, "action_id": "L999"}).to_string()),
    )
    .await;
    contract.check("POST", "/env/step", status, &body);
    assert_eq!(status, 400);
    let (status, body) = call(&app, "GET", &format!("/session/{session}/steps"), key, None).await;
    contract.check("GET", "/session/{id}/steps", status, &body);
    let (status, body) = call(
        &app,
        "GET",
        &format!("/session/{session}/replay?format=json"),
        key,
        None,
    )
    .await;
    contract.check("GET", "/session/{id}/replay", status, &body);
    assert_eq!(body["steps"].as_array().map(Vec::len), Some(3), "{body}");
    for path in ["live", "live/ws", "replay/1.jpg"] {
        let (status, body) = call(
            &app,
            "GET",
            &format!("/session/{session}/{path}?token=wrong"),
            None,
            None,
        )
        .await;
        let documented = format!("/session/{{id}}/{}", path.replace("1.jpg", "{picture}"));
        contract.check("GET", &documented, status, &body);
        assert_eq!(status, 401, "{body}");
    }
    assert!(body.to_string().contains("********") && !body.to_string().contains("typed-secret"));

    let (status, body) = call(&app, "POST", "/env/scrape", key, Some(json!({"session_id": session, "keep_alive": true, "url": site.url("/article.html"), "scrape_images": true, "only_main_content": true}).to_string())).await;
    contract.check("POST", "/env/scrape", status, &body);
    assert_eq!(status, 200, "{body}");
    assert!(body["data"]["images"].is_array(), "{body}");

    let (status, covered) = call(
        &app,
        "POST",
        "/env/observe",
        key,
        Some(
            json!({"session_id": session, "keep_alive": true, "url": site.url("/covered.html")})
                .to_string(),
        ),
    )
    .await;
    assert_eq!(status, 200, "{covered}");
    let (status, body) = call(&app, "POST", "/env/step", key, Some(json!({"session_id": session, "keep_alive": true, "action_id": action_described(&covered, "Buy now")}).to_string())).await;
    contract.check("POST", "/env/step", status, &body);
    assert_eq!(status, 409, "{body}");

    let (status, body) = call(
        &app,
        "POST",
        "/env/observe",
        key,
        Some(
            json!({"session_id": session, "keep_alive": true, "url": "http://127.0.0.1:1/"})
                .to_string(),
        ),
    )
    .await;
    contract.check("POST", "/env/observe", status, &body);
    assert_eq!(status, 502, "{body}");

    for (method, path, body, expected) in [
        (
            "POST",
            "/env/observe",
            Some(r#"{"max_nb_actions": 0}"#.to_string()),
            400,
        ),
        ("POST", "/env/scrape", Some("{not json".to_string()), 400),
        (
            "POST",
            "/session/start",
            Some(r#"{"session_id": "x"}"#.to_string()),
            400,
        ),
        ("POST", "/session/close", Some("{}".to_string()), 400),
        (
            "POST",
            "/session/start",
            Some("[null, null]".to_string()),
            400,
        ),
        (
            "POST",
            "/session/start?session_timeout=0",
            Some(r#"{"session_timeout_minutes": 5}"#.to_string()),
            400,
        ),
        (
            "POST",
            "/env/step",
            Some(r#"{"action_id": "S9"}"#.to_string()),
            400,
        ),
        ("GET", "/sessions?limit=0", None, 400),
        (
            "GET",
            "/session/9b2f4bde-61c1-4d3c-9d1c-9a7f2c3b1e00",
            None,
            404,
        ),
        ("GET", "/session/not-an-id/steps", None, 404),
        (
            "POST",
            "/session/close",
            Some(r#"{"session_id": "9b2f4bde-61c1-4d3c-9d1c-9a7f2c3b1e00"}"#.to_string()),
            404,
        ),
        ("POST", "/env/step", Some("x".repeat(2 * 1024 * 1024)), 413),
    ] {
        let (status, answer) = call(&app, method, path, key, body).await;
        assert_eq!(status, expected, "{method} {path}: {answer}");
        let template = match path.split('?').next().unwrap_or(path) {
            p if p.ends_with("/steps") => "/session/{id}/steps",
            p if p.starts_with("/session/") && !p.contains("start") && !p.contains("close") => {
                "/session/{id}"
            }
            p => p,
        };
        contract.check(method, template, status, &answer);
    }
    let (status, body) = call(&app, "GET", "/sessions", None, None).await;
    contract.check("GET", "/sessions", status, &body);
    assert_eq!(status, 401);

    files_and_profiles(&app, &mut contract, &session).await;

    let debug = format!("/session/{session}/debug");
    let (status, body) = call(&app, "GET", &debug, key, None).await;
    contract.check("GET", "/session/{id}/debug", status, &body);
    assert_eq!(status, 200, "{body}");
    // The CDP endpoint answers 101 to a WebSocket upgrade; its refusals are JSON.
    let cdp = format!("/session/{session}/cdp");
    for (key, expected) in [(None, 401), (key, 400)] {
        let (status, body) = call(&app, "GET", &cdp, key, None).await;
        contract.check("GET", "/session/{id}/cdp", status, &body);
        assert_eq!(status, expected, "{body}");
    }

    let (status, body) = call(
        &app,
        "POST",
        "/session/close",
        key,
        Some(json!({"session_id": session, "keep_alive": true}).to_string()),
    )
    .await;
    contract.check("POST", "/session/close", status, &body);
    assert_eq!(body["status"], "closed");
    let (status, body) = call(
        &app,
        "POST",
        "/env/observe",
        key,
        Some(json!({"session_id": session}).to_string()),
    )
    .await;
    contract.check("POST", "/env/observe", status, &body);
    assert_eq!((status, &body["status"]), (410, &json!("closed")));

    // The Notte SDK's dialect, on a session of its own.
    let (status, body) = call(
        &app,
        "POST",
        "/sessions/start",
        key,
        Some(r#"{"idle_timeout_minutes": 4}"#.into()),
    )
    .await;
    contract.check("POST", "/sessions/start", status, &body);
    let sdk = body["session_id"].as_str().expect("id").to_string();
    let (status, body) = call(&app, "GET", &format!("/sessions/{sdk}"), key, None).await;
    contract.check("GET", "/sessions/{id}", status, &body);
    let (status, body) = call(
        &app,
        "POST",
        &format!("/sessions/{sdk}/page/execute"),
        key,
        Some(json!({"type": "goto", "url": site.url("/form.html")}).to_string()),
    )
    .await;
    contract.check("POST", "/sessions/{id}/page/execute", status, &body);
    assert_eq!(body["success"], true, "{body}");
    let (status, body) = call(
        &app,
        "POST",
        &format!("/sessions/{sdk}/page/observe"),
        key,
        Some(r#"{"max_nb_actions": 100, "perception_type": "fast"}"#.into()),
    )
    .await;
    contract.check("POST", "/sessions/{id}/page/observe", status, &body);
    let (status, body) = call(
        &app,
        "POST",
        &format!("/sessions/{sdk}/page/scrape"),
        key,
        Some(r#"{"only_main_content": false}"#.into()),
    )
    .await;
    contract.check("POST", "/sessions/{id}/page/scrape", status, &body);
    let (status, body) = call(
        &app,
        "POST",
        &format!("/sessions/{sdk}/page/screenshot"),
        key,
        None,
    )
    .await;
    contract.check("POST", "/sessions/{id}/page/screenshot", status, &body);
    let (status, body) = call(&app, "GET", &format!("/sessions/{sdk}/debug"), key, None).await;
    contract.check("GET", "/sessions/{id}/debug", status, &body);
    let (status, body) = call(&app, "GET", &format!("/sessions/{sdk}/replay"), key, None).await;
    contract.check("GET", "/sessions/{id}/replay", status, &body);
    sdk_files_and_profiles(&app, &mut contract, &sdk).await;
    let (status, body) = call(&app, "DELETE", &format!("/sessions/{sdk}/stop"), key, None).await;
    contract.check("DELETE", "/sessions/{id}/stop", status, &body);
    assert_eq!(body["status"], "closed", "{body}");
    let (status, body) = call(
        &app,
        "POST",
        &format!("/sessions/{sdk}/page/observe"),
        key,
        None,
    )
    .await;
    contract.check("POST", "/sessions/{id}/page/observe", status, &body);
    assert_eq!(status, 410, "{body}");

    // The server holds at most three sessions.
    let mut statuses = Vec::new();
    for _ in 0..4 {
        let (status, body) = call(
            &app,
            "POST",
            "/session/start",
            key,
            Some(r#"{"keep_alive": true}"#.into()),
        )
        .await;
        contract.check("POST", "/session/start", status, &body);
        statuses.push(status);
    }
    assert_eq!(statuses, [200, 200, 200, 429]);

    let documented = contract.operations();
    let answered: BTreeSet<(String, String)> = contract
        .checked
        .iter()
        .filter(|(_, _, status)| *status == 200)
        .map(|(method, path, _)| (method.clone(), path.clone()))
        .collect();
    let unchecked: Vec<_> = documented
        .difference(&answered)
        // Not JSON: metrics' text, the WebSockets, the viewer's page and pictures, a file's
        // bytes (checked on their own).
        .filter(|(_, path)| {
            ![
                "/metrics",
                "/session/{id}/cdp",
                "/session/{id}/live",
                "/session/{id}/live/ws",
                "/session/{id}/replay/{picture}",
                "/session/{id}/files/{name}",
            ]
            .contains(&path.as_str())
        })
        .collect();
    assert!(unchecked.is_empty(), "no 200 of {unchecked:?} was checked");
}

/// Uploads a small file named `name` to `path` (multipart); the status and JSON answer.
async fn upload(app: &TestApp, path: &str, name: &str) -> (u16, Value) {
    let part = reqwest::multipart::Part::bytes(b"hello".to_vec()).file_name(name.to_string());
    let response = app
        .client
        .post(app.url(path))
        .bearer_auth(KEY)
        .multipart(reqwest::multipart::Form::new().part("file", part))
        .send()
        .await
        .expect("sent");
    let status = response.status().as_u16();
    (status, response.json().await.expect("JSON"))
}

/// A session's files and the profiles, against the document: successes and refusals.
async fn files_and_profiles(app: &TestApp, contract: &mut Contract, session: &str) {
    let key = Some(KEY);
    let (status, body) = upload(app, &format!("/session/{session}/files"), "hello.txt").await;
    contract.check("POST", "/session/{id}/files", status, &body);
    assert_eq!(status, 200, "{body}");
    let (status, body) = call(
        app,
        "POST",
        &format!("/session/{session}/files"),
        key,
        Some("{}".into()),
    )
    .await;
    contract.check("POST", "/session/{id}/files", status, &body);
    assert_eq!(status, 400, "{body}");
    let (status, body) = call(app, "GET", &format!("/session/{session}/files"), key, None).await;
    contract.check("GET", "/session/{id}/files", status, &body);
    assert_eq!(body[0]["name"], "hello.txt");
    for (name, expected) in [("missing.txt", 404), ("a%5Cb", 400)] {
        let path = format!("/session/{session}/files/{name}");
        let (status, body) = call(app, "GET", &path, key, None).await;
        contract.check("GET", "/session/{id}/files/{name}", status, &body);
        assert_eq!(status, expected, "{body}");
    }
    let document = &contract.document["paths"]["/session/{id}/files/{name}"]["get"];
    assert!(document["responses"]["200"]["content"]["*/*"].is_object());

    let state = json!({"cookies": [{"name": "a", "value": "b", "domain": "127.0.0.1", "path": "/",
        "expires": -1, "httpOnly": true, "secure": false, "sameSite": "Lax"}], "origins": []});
    let (status, made) = call(
        app,
        "POST",
        "/profiles",
        key,
        Some(json!({"name": "doc", "storage_state": state}).to_string()),
    )
    .await;
    contract.check("POST", "/profiles", status, &made);
    assert_eq!(status, 200, "{made}");
    let (status, body) = call(app, "POST", "/profiles", key, Some("{}".into())).await;
    contract.check("POST", "/profiles", status, &body);
    assert_eq!(status, 400);
    let profile = made["profile_id"].as_str().expect("id").to_string();
    let one = format!("/profiles/{profile}");
    let (status, body) = call(app, "GET", "/profiles", key, None).await;
    contract.check("GET", "/profiles", status, &body);
    let (status, body) = call(app, "GET", &one, key, None).await;
    contract.check("GET", "/profiles/{id}", status, &body);
    let (status, exported) = call(app, "GET", &format!("{one}/storage_state"), key, None).await;
    contract.check("GET", "/profiles/{id}/storage_state", status, &exported);
    assert_eq!(exported, state);
    let (status, body) = call(
        app,
        "PUT",
        &format!("{one}/storage_state"),
        key,
        Some(state.to_string()),
    )
    .await;
    contract.check("PUT", "/profiles/{id}/storage_state", status, &body);
    assert_eq!(status, 200, "{body}");
    let (status, body) = call(
        app,
        "POST",
        &format!("/session/{session}/profile/save"),
        key,
        None,
    )
    .await;
    contract.check("POST", "/session/{id}/profile/save", status, &body);
    assert_eq!(status, 409, "{body}");
    let (status, body) = call(app, "DELETE", &one, key, None).await;
    contract.check("DELETE", "/profiles/{id}", status, &body);
    assert_eq!(status, 200);
    let (status, body) = call(app, "DELETE", &one, key, None).await;
    contract.check("DELETE", "/profiles/{id}", status, &body);
    assert_eq!(status, 404);

    let (status, started) = call(
        app,
        "POST",
        "/profiles",
        key,
        Some(json!({"name": "saved"}).to_string()),
    )
    .await;
    assert_eq!(status, 200);
    let start =
        json!({"keep_alive": true, "profile": {"id": started["profile_id"], "persist": true}});
    let (status, writer) = call(app, "POST", "/session/start", key, Some(start.to_string())).await;
    contract.check("POST", "/session/start", status, &writer);
    assert_eq!(status, 200, "{writer}");
    let writer = writer["session_id"].as_str().expect("id");
    let (status, body) = call(
        app,
        "POST",
        &format!("/session/{writer}/profile/save"),
        key,
        None,
    )
    .await;
    contract.check("POST", "/session/{id}/profile/save", status, &body);
    assert_eq!(status, 200, "{body}");
    let (status, _) = call(
        app,
        "POST",
        "/session/close",
        key,
        Some(json!({"session_id": writer}).to_string()),
    )
    .await;
    assert_eq!(status, 200);
}

/// The Notte SDK's cookies, files and profile routes, against the document.
async fn sdk_files_and_profiles(app: &TestApp, contract: &mut Contract, session: &str) {
    let key = Some(KEY);
    let cookies =
        json!({"cookies": [{"name": "a", "value": "b", "domain": "127.0.0.1", "path": "/"}]});
    let path = format!("/sessions/{session}/cookies");
    let (status, body) = call(app, "POST", &path, key, Some(cookies.to_string())).await;
    contract.check("POST", "/sessions/{id}/cookies", status, &body);
    assert_eq!(status, 200, "{body}");
    let (status, body) = call(app, "GET", &path, key, None).await;
    contract.check("GET", "/sessions/{id}/cookies", status, &body);
    assert_eq!(body["cookies"][0]["name"], "a", "{body}");
    let (status, body) = upload(app, &format!("/sessions/{session}/files"), "sdk.txt").await;
    contract.check("POST", "/sessions/{id}/files", status, &body);
    assert_eq!(body["source"], "user_upload", "{body}");
    let (status, body) = call(app, "GET", &format!("/sessions/{session}/files"), key, None).await;
    contract.check("GET", "/sessions/{id}/files", status, &body);
    assert_eq!(body["total"], 1, "{body}");
    let (status, body) = call(app, "POST", "/profiles/create", key, None).await;
    contract.check("POST", "/profiles/create", status, &body);
    let profile = body["profile_id"].as_str().expect("id").to_string();
    let start = json!({"profile": {"id": profile, "persist": true}});
    let (status, body) = call(app, "POST", "/sessions/start", key, Some(start.to_string())).await;
    contract.check("POST", "/sessions/start", status, &body);
    let writer = body["session_id"].as_str().expect("id").to_string();
    let save = format!("/sessions/{writer}/profile/save");
    let (status, body) = call(
        app,
        "POST",
        &save,
        key,
        Some(json!({"profile_id": profile}).to_string()),
    )
    .await;
    contract.check("POST", "/sessions/{id}/profile/save", status, &body);
    assert_eq!(status, 200, "{body}");
    let other = json!({"profile_id": "00000000-0000-4000-8000-000000000000"}).to_string();
    let (status, body) = call(app, "POST", &save, key, Some(other)).await;
    contract.check("POST", "/sessions/{id}/profile/save", status, &body);
    assert_eq!(status, 422, "{body}");
    let (status, _) = call(
        app,
        "DELETE",
        &format!("/sessions/{writer}/stop"),
        key,
        None,
    )
    .await;
    assert_eq!(status, 200);
}
