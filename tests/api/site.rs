//! A small web site on 127.0.0.1 for the browser to visit: the files of
//! `tests/fixtures/site/`, `/echo` (shows the query it got), `/slow` (answers after 3 s),
//! `/download` (an attachment) and `/hang` (never answers).

use std::path::PathBuf;

use axum::extract::{Path, RawQuery};
use axum::http::{header, StatusCode};
use axum::response::{Html, IntoResponse, Response};
use axum::routing::get;
use axum::Router;

pub struct Site {
    pub address: String,
    task: tokio::task::JoinHandle<()>,
}

impl Site {
    pub fn url(&self, path: &str) -> String {
        format!("{}{}", self.address, path)
    }
}

impl Drop for Site {
    fn drop(&mut self) {
        self.task.abort();
    }
}

async fn file(Path(name): Path<String>) -> Response {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/site");
    if name.contains("..") {
        return StatusCode::NOT_FOUND.into_response();
    }
    match tokio::fs::read(root.join(&name)).await {
        Ok(bytes) => ([(header::CONTENT_TYPE, "text/html; charset=utf-8")], bytes).into_response(),
        Err(_) => (
            StatusCode::NOT_FOUND,
            Html("<title>Not found</title><h1>Not found</h1>"),
        )
            .into_response(),
    }
}

async fn echo(RawQuery(query): RawQuery) -> Html<String> {
    let query = query.unwrap_or_default().replace('<', "&lt;");
    Html(format!(
        "<!doctype html><title>Echo</title><h1>Received</h1><pre id=\"query\">{query}</pre>"
    ))
}

/// A file the browser must download rather than show.
async fn download() -> Response {
    (
        [
            (header::CONTENT_TYPE, "application/octet-stream"),
            (
                header::CONTENT_DISPOSITION,
                "attachment; filename=\"report.bin\"",
            ),
        ],
        vec![0u8; 2048],
    )
        .into_response()
}

/// A page that takes three seconds to arrive.
async fn slow() -> Html<&'static str> {
    tokio::time::sleep(std::time::Duration::from_secs(3)).await;
    Html("<!doctype html><title>Slow</title><h1>Slow</h1><button>Late arrival</button>")
}

async fn hang() -> Html<&'static str> {
    std::future::pending::<()>().await;
    Html("")
}

pub async fn serve_site() -> Site {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind site");
    let address = format!("http://{}", listener.local_addr().expect("site addr"));
    let app = Router::new()
        .route("/", get(|| async { Html("<!doctype html><title>Home</title><h1>Home</h1><a href=\"/form.html\">Form</a>") }))
        .route("/echo", get(echo))
        .route("/hang", get(hang))
        .route("/slow", get(slow))
        .route("/download", get(download))
        .route("/{name}", get(file));
    let task = tokio::spawn(async move {
        let _ = axum::serve(listener, app).await;
    });
    Site { address, task }
}
