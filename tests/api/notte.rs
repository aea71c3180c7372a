//! The published `notte` Python client (1.2.1) against the real server.
//!
//! `make test` creates `.venv` with the client; `BROWSERD_TEST_PYTHON` can name another
//! interpreter that has it.

use std::path::PathBuf;
use std::process::Command;

use crate::helpers::{spawn_app, test_python, KEY};
use crate::site::serve_site;

async fn run_script(script: &str, address: &str, site: &str) {
    let script_path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/notte")
        .join(script);
    let python = test_python();
    let (address, site) = (address.to_string(), site.to_string());
    let output = tokio::task::spawn_blocking(move || {
        Command::new(python)
            .arg(script_path)
            .env("BROWSERD_URL", address)
            .env("BROWSERD_KEY", KEY)
            .env("BROWSERD_SITE", site)
            .output()
    })
    .await
    .expect("join")
    .expect("python runs");
    assert!(
        output.status.success(),
        "{script} failed:\n{}\n{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_notte_client_observes_fills_a_form_scrapes_and_closes() {
    let (app, site) = (spawn_app().await, serve_site().await);
    run_script("client_session.py", &app.address, &site.address).await;
    let (_, sessions) = app.get("/sessions", Some(KEY)).await;
    assert_eq!(sessions[0]["status"], "closed");
}
