//! A small web site on 127.0.0.1 for the browser to visit: the files of
//! `tests/fixtures/site/`, `/echo` (shows the query it got), `/gate` (answers once the
//! test opens the gate), `/download` and `/export` (attachments, one from a form post),
//! `/upload` (says what file it got), `/account` and `/signin` (a login kept in an
//! HttpOnly cookie and a local-storage token), `/slow?ms=N` (answers N ms late) and
//! `/hang` (never answers).

use std::path::PathBuf;
use std::sync::Arc;

use axum::extract::{Path, Query, RawQuery, State};
use axum::http::{header, StatusCode};
use axum::response::{Html, IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use tokio::sync::watch;

pub struct Site {
    pub address: String,
    /// The session cookie `/signin` sets (`sid`), and the token its page keeps in local
    /// storage: new for each site, so that a test can look for them.
    pub secrets: Secrets,
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

/// A download whose first half comes at once and the rest when the test opens the gate.
async fn slow_download(State(gate): State<Gate>) -> Response {
    let halves = futures_util::stream::unfold(0, move |sent| {
        let gate = gate.clone();
        async move {
            match sent {
                0 => Some((Ok::<_, std::io::Error>(vec![1u8; 1000]), 1)),
                1 => {
                    gate.reached.send_replace(true);
                    let mut opened = gate.opened.subscribe();
                    let _ = opened.wait_for(|opened| *opened).await;
                    Some((Ok(vec![2u8; 1000]), 2))
                }
                _ => None,
            }
        }
    });
    (
        [
            (header::CONTENT_TYPE, "application/octet-stream".to_string()),
            (
                header::CONTENT_DISPOSITION,
                "attachment; filename=\"slow.bin\"".to_string(),
            ),
            (header::CONTENT_LENGTH, "2000".to_string()),
        ],
        axum::body::Body::from_stream(halves),
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

/// What a form post to `/export` downloads (`export.csv`).
pub const EXPORT_CSV: &str = "id,name\n1,Ada\n2,Grace\n3,Hedy\n";

async fn export() -> Response {
    (
        [
            (header::CONTENT_TYPE, "text/csv"),
            (
                header::CONTENT_DISPOSITION,
                "attachment; filename=\"export.csv\"",
            ),
        ],
        EXPORT_CSV,
    )
        .into_response()
}

/// Says which file the form sent, and its size.
async fn upload(mut form: axum::extract::Multipart) -> Html<String> {
    while let Ok(Some(field)) = form.next_field().await {
        if field.name() == Some("doc") {
            let name = field.file_name().unwrap_or("(none)").replace('<', "&lt;");
            let size = field.bytes().await.map(|b| b.len()).unwrap_or(0);
            return Html(format!(
                "<!doctype html><title>Received {name} ({size} bytes)</title><h1>Received</h1>"
            ));
        }
    }
    Html("<!doctype html><title>Nothing received</title>".into())
}

#[derive(Clone)]
pub struct Secrets {
    pub cookie: String,
    pub token: String,
}

const SIGN_IN: &str = "<!doctype html><title>Sign in</title><h1>Sign in</h1>\
<form method=\"post\" action=\"/signin\"><label>User name <input name=\"user\"></label>\
<label>Password <input type=\"password\" name=\"password\"></label><button>Sign in</button></form>";

/// The account page with the session cookie; the sign-in form without. Its title says
/// whether the page's token is in local storage too.
async fn account(State(secrets): State<Secrets>, headers: axum::http::HeaderMap) -> Html<String> {
    let signed_in = headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .flat_map(|value| value.split(';'))
        .any(|pair| pair.trim() == format!("sid={}", secrets.cookie));
    if !signed_in {
        return Html(SIGN_IN.into());
    }
    Html(format!(
        "<!doctype html><title>Account</title><h1>Welcome, alice</h1><a href=\"/signout\">Sign out</a>\
<script>if (location.search === '?new=1') localStorage.setItem('token', '{token}');\
document.title = localStorage.getItem('token') === '{token}' ? 'Account of alice' : 'Account without token';</script>",
        token = secrets.token
    ))
}

async fn sign_in(State(secrets): State<Secrets>) -> Response {
    (
        StatusCode::SEE_OTHER,
        [
            (header::LOCATION, "/account?new=1".to_string()),
            (
                header::SET_COOKIE,
                format!("sid={}; HttpOnly; Path=/; SameSite=Lax", secrets.cookie),
            ),
        ],
    )
        .into_response()
}

/// A response sent `ms` milliseconds late (at most 2 s): a page that renders what it
/// fetched after `load`.
async fn slow(Query(query): Query<std::collections::HashMap<String, String>>) -> Html<String> {
    let ms = query
        .get("ms")
        .and_then(|ms| ms.parse::<u64>().ok())
        .unwrap_or(0)
        .min(2000);
    tokio::time::sleep(std::time::Duration::from_millis(ms)).await;
    Html(format!("sent after {ms} ms"))
}

async fn hang() -> Html<&'static str> {
    std::future::pending::<()>().await;
    Html("")
}

/// Serves `app` on a loopback port of its own: its address (`http://…`) and its task.
pub async fn serve_router(app: Router) -> (String, tokio::task::JoinHandle<()>) {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let address = format!("http://{}", listener.local_addr().expect("addr"));
    let task = tokio::spawn(async move {
        let _ = axum::serve(listener, app).await;
    });
    (address, task)
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
    let secrets = Secrets {
        cookie: format!("sid-{}", uuid::Uuid::new_v4().simple()),
        token: format!("tok-{}", uuid::Uuid::new_v4().simple()),
    };
    let app = Router::new()
        .route("/", get(|| async { Html("<!doctype html><title>Home</title><h1>Home</h1><a href=\"/form.html\">Form</a>") }))
        .route("/echo", get(echo))
        .route("/hang", get(hang))
        .route("/slow", get(slow))
        .route("/gate", get(gate).with_state(gate_state.clone()))
        .route("/download", get(download))
        .route("/slow-download", get(slow_download).with_state(gate_state.clone()))
        .route("/export", axum::routing::post(export))
        .route("/upload", axum::routing::post(upload))
        .route("/account", get(account).with_state(secrets.clone()))
        .route("/signin", axum::routing::post(sign_in).with_state(secrets.clone()))
        .route("/{name}", get(file));
    let task = tokio::spawn(async move {
        let _ = axum::serve(listener, app).await;
    });
    Site {
        address,
        secrets,
        gate: gate_state,
        task,
    }
}
