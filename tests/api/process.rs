//! The real binary under signals: SIGTERM, `kill -9`, and a restart on the same data.

use std::time::Duration;

use crate::helpers::{descendants, free_port, wait_gone, ServerProcess, KEY};

async fn start_session(client: &reqwest::Client, address: &str) -> String {
    let response = client
        .post(format!("{address}/session/start"))
        .bearer_auth(KEY)
        .body(r#"{"keep_alive": true}"#)
        .send()
        .await
        .expect("start sent");
    assert_eq!(response.status(), 200);
    let json: serde_json::Value = response.json().await.expect("json");
    json["session_id"].as_str().expect("id").to_string()
}

async fn session_status(client: &reqwest::Client, address: &str, id: &str) -> serde_json::Value {
    let response = client
        .get(format!("{address}/session/{id}"))
        .bearer_auth(KEY)
        .send()
        .await
        .expect("get sent");
    assert_eq!(response.status(), 200);
    response.json().await.expect("json")
}

#[tokio::test]
async fn sigterm_then_kill_9_then_restart_keeps_every_record() {
    let data_dir = tempfile::tempdir().unwrap();
    let client = reqwest::Client::new();

    // SIGTERM: a clean exit, sessions closed and recorded, no browser left.
    let mut server = ServerProcess::spawn(data_dir.path(), free_port()).await;
    let closed_by_term = start_session(&client, &server.address).await;
    let tree = descendants(server.child.id());
    assert!(!tree.is_empty(), "the server runs a browser");
    server.signal(libc::SIGTERM);
    let status = server.child.wait().expect("exit status");
    assert!(status.success(), "SIGTERM exits cleanly: {status}");
    assert!(
        wait_gone(&tree, Duration::from_secs(10)).await.is_empty(),
        "no browser left after SIGTERM"
    );

    // kill -9: the browser dies with its parent.
    let server = ServerProcess::spawn(data_dir.path(), free_port()).await;
    let lost_by_kill = start_session(&client, &server.address).await;
    let tree = descendants(server.child.id());
    server.signal(libc::SIGKILL);
    drop(server);
    let left = wait_gone(&tree, Duration::from_secs(10)).await;
    assert!(
        left.is_empty(),
        "browser processes outlived a kill -9 of the server: {left:?}"
    );

    // Restart on the same data: every session still on record, none left active.
    let server = ServerProcess::spawn(data_dir.path(), free_port()).await;
    let closed = session_status(&client, &server.address, &closed_by_term).await;
    assert_eq!(closed["status"], "closed");
    let lost = session_status(&client, &server.address, &lost_by_kill).await;
    assert_eq!(lost["status"], "error");
    assert_eq!(lost["error"], "server restarted");
}
