//! A session's files: downloads a page starts (a link, a blob, a form post) land in the
//! session's folder and are listed and read back; uploads reach a file input as a person
//! choosing the file would; bad names, caps and other keys' files are refused.

use serde_json::{json, Value};

use crate::helpers::{
    action_described, spawn_app, spawn_app_on, spawn_app_with, TestApp, KEY, OTHER_KEY,
};
use crate::site::{serve_site, EXPORT_CSV};

async fn call(app: &TestApp, path: &str, body: Value) -> (u16, Value) {
    let (status, json, _) = app.post(path, Some(KEY), Some(&body.to_string())).await;
    (status, json)
}

async fn open(app: &TestApp, url: &str) -> (String, Value) {
    let (status, page) = call(app, "/env/observe", json!({"url": url, "keep_alive": true})).await;
    assert_eq!(status, 200, "{page}");
    (
        page["session"]["session_id"].as_str().unwrap().to_string(),
        page,
    )
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

/// The session's files as listed: name → (size, media type).
async fn listed(app: &TestApp, session: &str, key: &str) -> (u16, Value) {
    app.get(&format!("/session/{session}/files"), Some(key))
        .await
}

/// `GET /session/{id}/files/{name}` (the name as given, already URL-encoded).
async fn read(app: &TestApp, session: &str, name: &str, key: &str) -> (u16, Vec<u8>, String) {
    let response = app
        .client
        .get(app.url(&format!("/session/{session}/files/{name}")))
        .bearer_auth(key)
        .send()
        .await
        .expect("sent");
    let status = response.status().as_u16();
    let kind = response
        .headers()
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_string();
    (status, response.bytes().await.expect("body").to_vec(), kind)
}

async fn upload(
    app: &TestApp,
    session: &str,
    name: &str,
    bytes: Vec<u8>,
    key: &str,
) -> (u16, Value) {
    let part = reqwest::multipart::Part::bytes(bytes).file_name(name.to_string());
    let form = reqwest::multipart::Form::new().part("file", part);
    let response = app
        .client
        .post(app.url(&format!("/session/{session}/files")))
        .bearer_auth(key)
        .multipart(form)
        .send()
        .await
        .expect("sent");
    let status = response.status().as_u16();
    let text = response.text().await.expect("body");
    (
        status,
        serde_json::from_str(&text).unwrap_or_else(|_| panic!("{status}: {text}")),
    )
}

fn sizes(files: &Value) -> Vec<(String, u64)> {
    files
        .as_array()
        .expect("a list")
        .iter()
        .map(|f| {
            (
                f["name"].as_str().unwrap().to_string(),
                f["size"].as_u64().unwrap(),
            )
        })
        .collect()
}

#[tokio::test]
async fn downloads_from_a_link_a_blob_and_a_form_post_land_and_survive_a_restart() {
    let site = serve_site().await;
    let data = tempfile::tempdir().unwrap();
    let app = spawn_app_on(data.path(), |_| {}).await;
    let (session, page) = open(&app, &site.url("/files.html")).await;

    let after = step(
        &app,
        &session,
        &action_described(&page, "Download the report"),
        None,
    )
    .await;
    assert_eq!(after["downloads"][0]["name"], "report.bin", "{after}");
    assert_eq!(after["downloads"][0]["size"], 2048);
    assert_eq!(after["downloads"][0]["state"], "saved");
    assert!(after["space"]["description"]
        .as_str()
        .unwrap()
        .contains("Downloaded report.bin (2048 bytes"));

    let after = step(
        &app,
        &session,
        &action_described(&after, "Save the notes"),
        None,
    )
    .await;
    assert_eq!(after["downloads"][0]["name"], "notes.txt", "{after}");
    assert_eq!(after["downloads"][0]["size"], 1234);
    assert_eq!(after["downloads"][0]["media_type"], "text/plain");

    let after = step(
        &app,
        &session,
        &action_described(&after, "Export the table"),
        None,
    )
    .await;
    assert_eq!(after["downloads"][0]["name"], "export.csv", "{after}");
    assert_eq!(after["downloads"][0]["size"], EXPORT_CSV.len());

    // The same link again: the name is taken, so the second gets a number.
    let after = step(
        &app,
        &session,
        &action_described(&after, "Download the report"),
        None,
    )
    .await;
    assert_eq!(after["downloads"][0]["name"], "report (1).bin", "{after}");

    let (status, files) = listed(&app, &session, KEY).await;
    assert_eq!(status, 200, "{files}");
    let expected = vec![
        ("export.csv".to_string(), EXPORT_CSV.len() as u64),
        ("notes.txt".to_string(), 1234),
        ("report (1).bin".to_string(), 2048),
        ("report.bin".to_string(), 2048),
    ];
    assert_eq!(sizes(&files), expected);
    assert!(data
        .path()
        .join("sessions")
        .join(&session)
        .join("files/report.bin")
        .is_file());

    let (status, _) = call(&app, "/session/close", json!({"session_id": session})).await;
    assert_eq!(status, 200);
    app.stop().await;

    let app = spawn_app_on(data.path(), |_| {}).await;
    let (status, files) = listed(&app, &session, KEY).await;
    assert_eq!(status, 200);
    assert_eq!(
        sizes(&files),
        expected,
        "the files outlive the session and a restart"
    );
    let (status, bytes, kind) = read(&app, &session, "export.csv", KEY).await;
    assert_eq!(status, 200);
    assert_eq!(bytes, EXPORT_CSV.as_bytes());
    assert_eq!(kind, "text/csv");
    let (status, bytes, _) = read(&app, &session, "report%20(1).bin", KEY).await;
    assert_eq!((status, bytes.len()), (200, 2048));
    let response = app
        .client
        .get(app.url(&format!("/session/{session}/files/notes.txt")))
        .bearer_auth(KEY)
        .send()
        .await
        .expect("sent");
    let header = |name: &str| response.headers()[name].to_str().unwrap().to_string();
    assert_eq!(
        header("content-disposition"),
        "attachment; filename*=UTF-8''notes.txt"
    );
    assert_eq!(header("x-content-type-options"), "nosniff");
    assert_eq!(header("content-length"), "1234");
}

#[tokio::test]
async fn an_upload_reaches_a_file_input_as_a_person_choosing_it() {
    let (app, site) = (spawn_app().await, serve_site().await);
    let (session, page) = open(&app, &site.url("/upload.html")).await;
    let input = page["space"]["actions"]
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["description"].as_str().unwrap().contains("Document"))
        .expect("the file input is listed")
        .clone();
    assert!(input["id"].as_str().unwrap().starts_with('I'), "{input}");
    assert_eq!(input["params"][0]["type"], "file", "{input}");

    let (status, kept) = upload(&app, &session, "cv.pdf", vec![7u8; 3000], KEY).await;
    assert_eq!(status, 200, "{kept}");
    assert_eq!(kept["name"], "cv.pdf");
    assert_eq!(kept["size"], 3000);
    assert_eq!(kept["media_type"], "application/pdf");

    let id = input["id"].as_str().unwrap();
    let (status, refused) = call(
        &app,
        "/env/step",
        json!({"session_id": session, "keep_alive": true, "action_id": id, "value": "missing.pdf"}),
    )
    .await;
    assert_eq!(status, 400, "{refused}");
    assert!(refused["error"]
        .as_str()
        .unwrap()
        .contains("no file \"missing.pdf\""));

    let chosen = step(&app, &session, id, Some("cv.pdf")).await;
    assert_eq!(
        chosen["metadata"]["title"], "Chosen: input,change",
        "{chosen}"
    );
    let sent = step(&app, &session, &action_described(&chosen, "Send"), None).await;
    assert_eq!(sent["metadata"]["title"], "Received cv.pdf (3000 bytes)");

    let (status, again) = upload(&app, &session, "cv.pdf", vec![1u8; 10], KEY).await;
    assert_eq!(status, 200);
    assert_eq!(again["name"], "cv (1).pdf", "a taken name gets a number");
}

#[tokio::test]
async fn bad_names_other_sessions_and_other_keys_are_refused() {
    let (app, site) = (spawn_app().await, serve_site().await);
    let (session, _) = open(&app, &site.url("/upload.html")).await;
    let (other, _) = open(&app, &site.url("/upload.html")).await;
    let (status, _) = upload(&app, &session, "mine.txt", b"mine".to_vec(), KEY).await;
    assert_eq!(status, 200);

    // (`..` alone never reaches the server: URL clients resolve it, `%2E%2E` included.)
    for bad in ["..%2Fmine.txt", "%2Fetc%2Fpasswd", "a%00b", "a%5Cb"] {
        let (status, body, _) = read(&app, &session, bad, KEY).await;
        assert_eq!(status, 400, "{bad}: {}", String::from_utf8_lossy(&body));
    }
    for bad in ["../mine.txt", "/etc/passwd", "a\\b", ".."] {
        let (status, body) = upload(&app, &session, bad, b"x".to_vec(), KEY).await;
        assert_eq!(status, 400, "{bad}: {body}");
    }
    let (_, files) = listed(&app, &session, KEY).await;
    assert_eq!(
        sizes(&files),
        vec![("mine.txt".to_string(), 4)],
        "nothing else was kept"
    );

    let (status, _, _) = read(&app, &other, "mine.txt", KEY).await;
    assert_eq!(status, 404, "another session's file");
    let (status, _, _) = read(&app, &session, "mine.txt", OTHER_KEY).await;
    assert_eq!(status, 404, "another key's file");
    let (status, _) = listed(&app, &session, OTHER_KEY).await;
    assert_eq!(status, 404);
    let (status, _) = upload(&app, &session, "theirs.txt", b"x".to_vec(), OTHER_KEY).await;
    assert_eq!(status, 404);

    let (status, _) = call(&app, "/session/close", json!({"session_id": session})).await;
    assert_eq!(status, 200);
    let (status, body) = upload(&app, &session, "late.txt", b"x".to_vec(), KEY).await;
    assert_eq!(status, 410, "{body}");
}

#[tokio::test]
async fn files_over_the_cap_are_refused_and_nothing_is_kept() {
    let site = serve_site().await;
    let app = spawn_app_with(|settings| settings.files_cap_mb = 1).await;
    let (session, page) = open(&app, &site.url("/files.html")).await;
    let (status, body) = upload(&app, &session, "big.bin", vec![0u8; 1024 * 1024 + 1], KEY).await;
    assert_eq!(status, 413, "{body}");
    let (status, kept) = upload(
        &app,
        &session,
        "most.bin",
        vec![0u8; 1024 * 1024 - 100],
        KEY,
    )
    .await;
    assert_eq!(status, 200, "{kept}");
    let after = step(
        &app,
        &session,
        &action_described(&page, "Download the report"),
        None,
    )
    .await;
    assert_eq!(after["downloads"][0]["state"], "over_cap", "{after}");
    let (_, files) = listed(&app, &session, KEY).await;
    assert_eq!(
        sizes(&files),
        vec![("most.bin".to_string(), 1024 * 1024 - 100)]
    );

    let limited = spawn_app_with(|settings| settings.upload_max_mb = 1).await;
    let (session, _) = open(&limited, &site.url("/files.html")).await;
    let (status, body) = upload(
        &limited,
        &session,
        "big.bin",
        vec![0u8; 1024 * 1024 + 1],
        KEY,
    )
    .await;
    assert_eq!(status, 413, "{body}");
    assert!(body["error"].as_str().unwrap().contains("limit"), "{body}");
}

#[tokio::test]
async fn a_download_that_outlasts_its_step_is_reported_when_it_ends() {
    let site = serve_site().await;
    let app = spawn_app_with(|settings| settings.operation_timeout_secs = 3).await;
    let (session, page) = open(&app, &site.url("/files.html")).await;
    let after = step(
        &app,
        &session,
        &action_described(&page, "Download the big archive"),
        None,
    )
    .await;
    let description = after["space"]["description"].as_str().unwrap();
    assert!(description.contains("still under way"), "{description}");
    assert!(after.get("downloads").is_none(), "{after}");

    site.gate_reached().await;
    site.open_gate();
    let deadline = tokio::time::Instant::now() + std::time::Duration::from_secs(30);
    let files = loop {
        let (status, files) = listed(&app, &session, KEY).await;
        assert_eq!(status, 200);
        if !files.as_array().unwrap().is_empty() {
            break files;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "the download never landed"
        );
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    };
    assert_eq!(sizes(&files), vec![("slow.bin".to_string(), 2000)]);
    let (status, next) = call(
        &app,
        "/env/observe",
        json!({"session_id": session, "keep_alive": true}),
    )
    .await;
    assert_eq!(status, 200, "{next}");
    assert_eq!(next["downloads"][0]["name"], "slow.bin", "{next}");
    assert_eq!(next["downloads"][0]["size"], 2000);
}
