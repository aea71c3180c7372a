//! The one-shot commands of the binary: `browserd observe URL`, `browserd scrape …`.

use std::process::Command;

use crate::site::serve_site;

async fn browserd(args: Vec<String>) -> (bool, String, String) {
    let output = tokio::task::spawn_blocking(move || {
        Command::new(env!("CARGO_BIN_EXE_browserd"))
            .args(args)
            .env(
                "BROWSERD_CHROMIUM_ARGS",
                "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1",
            )
            .env("BROWSERD_ALLOW_PRIVATE_NETWORK", "all")
            .output()
    })
    .await
    .expect("join")
    .expect("browserd runs");
    let text = |bytes: Vec<u8>| String::from_utf8_lossy(&bytes).into_owned();
    (
        output.status.success(),
        text(output.stdout),
        text(output.stderr),
    )
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn observe_prints_the_action_list_of_a_page() {
    let site = serve_site().await;
    let (ok, markdown, stderr) = browserd(vec!["observe".into(), site.url("/form.html")]).await;
    assert!(ok, "{stderr}");
    for expected in ["I1", "B1", "L1", "Sign in", "Remember me"] {
        assert!(markdown.contains(expected), "{expected} in {markdown}");
    }
    let (ok, _, stderr) = browserd(vec!["observe".into(), "file:///etc/passwd".into()]).await;
    assert!(!ok);
    assert!(stderr.contains("not allowed"), "{stderr}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn scrape_prints_markdown_from_the_browser_or_a_saved_file() {
    let site = serve_site().await;
    let (ok, markdown, stderr) = browserd(vec!["scrape".into(), site.url("/article.html")]).await;
    assert!(ok, "{stderr}");
    assert!(
        markdown.contains("main content that a scrape must keep intact"),
        "{markdown}"
    );
    assert!(
        !markdown.contains("hidden discount"),
        "styles are applied in the browser: {markdown}"
    );

    let file = format!(
        "{}/tests/fixtures/site/article.html",
        env!("CARGO_MANIFEST_DIR")
    );
    let args = [
        "scrape",
        "--html",
        &file,
        "--base-url",
        "http://example.test/a/",
    ]
    .map(String::from)
    .to_vec();
    let (ok, markdown, stderr) = browserd(args).await;
    assert!(ok, "{stderr}");
    assert!(
        markdown.contains("(http://example.test/more.html)"),
        "links made absolute: {markdown}"
    );
    assert!(
        !markdown.contains("Sports"),
        "main content only: {markdown}"
    );
    let args = ["scrape", "--html", &file, "--full"]
        .map(String::from)
        .to_vec();
    let (ok, full, _) = browserd(args).await;
    assert!(
        ok && full.contains("Sports"),
        "--full keeps the whole page: {full}"
    );
}

#[test]
fn a_reader_that_stops_early_is_no_failure() {
    use std::io::Read;
    use std::process::Stdio;

    let dir = tempfile::tempdir().expect("temp dir");
    let page = dir.path().join("long.html");
    std::fs::write(&page, format!("<p>{}</p>", "word ".repeat(200_000))).expect("page");
    let mut child = Command::new(env!("CARGO_BIN_EXE_browserd"))
        .args(["scrape", "--html"])
        .arg(&page)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("browserd runs");
    let mut first = [0u8; 16];
    child
        .stdout
        .take()
        .expect("stdout")
        .read_exact(&mut first)
        .expect("a start of the answer");
    // The pipe is closed here, as `| head` closes it.
    let output = child.wait_with_output().expect("browserd ends");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "{stderr}");
    assert!(!stderr.contains("panicked"), "{stderr}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_one_shot_starts_signed_in_from_a_storage_state() {
    let site = serve_site().await;
    let dir = tempfile::tempdir().expect("temp dir");
    let state = dir.path().join("state.json");
    let json = serde_json::json!({
        "cookies": [{"name": "sid", "value": site.secrets.cookie, "domain": "127.0.0.1", "path": "/",
            "expires": -1, "httpOnly": true, "secure": false, "sameSite": "Lax"}],
        "origins": [{"origin": site.address, "localStorage": [{"name": "token", "value": site.secrets.token}]}],
    });
    std::fs::write(&state, json.to_string()).expect("written");
    let url = site.url("/account");
    let (ok, markdown, stderr) = browserd(vec![
        "observe".into(),
        url.clone(),
        "--storage-state".into(),
        state.display().to_string(),
    ])
    .await;
    assert!(ok, "{stderr}");
    assert!(markdown.contains("Sign out"), "{markdown}");
    let (ok, markdown, stderr) = browserd(vec!["observe".into(), url.clone()]).await;
    assert!(ok, "{stderr}");
    assert!(
        markdown.contains("User name") && !markdown.contains("Sign out"),
        "{markdown}"
    );

    std::fs::write(&state, r#"{"origins": [{"origin": "file:///etc"}]}"#).expect("written");
    let (ok, _, stderr) = browserd(vec![
        "observe".into(),
        url,
        "--storage-state".into(),
        state.display().to_string(),
    ])
    .await;
    assert!(!ok);
    assert!(stderr.contains("not an http(s) origin"), "{stderr}");
}
