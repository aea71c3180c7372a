//! A small web site on 127.0.0.1 for the browser to visit: the files of
//! `tests/fixtures/site/`, `/echo` (shows the query it got), `/gate` (answers once the
//! test opens the gate), `/download` (an attachment) and `/hang` (never answers).

use std::path::PathBuf;
use std::sync::Arc;

use axum::extract::{Path, RawQuery, State};
use axum::http::{header, StatusCode};
use axum::response::{Html, IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use tokio::sync::watch;

pub struct Site {
    pub address: String,
    gate: Gate,
    task: tokio::task::JoinHandle<()>,
}

impl Site {
    pub fn url(&self, path: &str) -> String {
        format!("{}{}", self.address, path)
    }

    /// Waits until a request is held at `/gate`.
    pub async fn gate_reached(&self) {
        let mut reached = self.gate.reached.subscribe();
        reached.wait_for(|reached| *reached).await.expect("gate");
    }

    /// Lets every request held at `/gate`, and every later one, through.
    pub fn open_gate(&self) {
        self.gate.opened.send_replace(true);
    }
}

#[derive(Clone)]
struct Gate {
    reached: Arc<watch::Sender<bool>>,
    opened: Arc<watch::Sender<bool>>,
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

/// A page that arrives when the test opens the gate.
async fn gate(State(gate): State<Gate>) -> Html<&'static str> {
    gate.reached.send_replace(true);
    let mut opened = gate.opened.subscribe();
    let _ = opened.wait_for(|opened| *opened).await;
    Html("<!doctype html><title>Gate</title><h1>Gate</h1><button>Late arrival</button>")
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
    let gate_state = Gate {
        reached: Arc::new(watch::Sender::new(false)),
        opened: Arc::new(watch::Sender::new(false)),
    };
    let app = Router::new()
        .route("/", get(|| async { Html("<!doctype html><title>Home</title><h1>Home</h1><a href=\"/form.html\">Form</a>") }))
        .route("/echo", get(echo))
        .route("/hang", get(hang))
        .route("/gate", get(gate).with_state(gate_state.clone()))
        .route("/download", get(download))
        .route("/{name}", get(file));
    let task = tokio::spawn(async move {
        let _ = axum::serve(listener, app).await;
    });
    Site {
        address,
        gate: gate_state,
        task,
    }
}
