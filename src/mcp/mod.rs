//! MCP: browserd's browser sessions as tools for agent hosts (the Model Context Protocol),
//! over stdio or streamable HTTP, through the official Rust SDK (`rmcp`).
//!
//! Owns speaking MCP: the tools, their argument schemas and descriptions, what a model
//! receives for an observation, and which session an MCP connection uses. It owns nothing
//! of sessions or the browser: it runs the session core that `startup` assembles, and
//! every tool is the HTTP API's own operation (`api::routes`), so results and error
//! messages are the API's.

mod render;
mod tools;

use std::path::PathBuf;

use rmcp::transport::streamable_http_server::session::local::LocalSessionManager;
use rmcp::transport::streamable_http_server::{StreamableHttpServerConfig, StreamableHttpService};
use rmcp::ServiceExt;
use tokio::net::TcpListener;

use crate::config::McpSettings;
use crate::shutdown::Shutdown;
use crate::startup::{Core, StartupError};

pub use tools::BrowserTools;

/// Where `--http` serves MCP.
pub const HTTP_PATH: &str = "/mcp";

#[derive(Debug, thiserror::Error)]
pub enum McpError {
    #[error(transparent)]
    Startup(#[from] StartupError),
    #[error("cannot listen on {addr}: {source}")]
    Listen {
        addr: std::net::SocketAddr,
        source: std::io::Error,
    },
    #[error("MCP over stdio: {0}")]
    Stdio(String),
    #[error("MCP over HTTP: {0}")]
    Http(std::io::Error),
}

/// Serves MCP until the client goes away (stdio), or until SIGTERM / Ctrl-C; then closes
/// every session, stops the browser and removes a data directory of its own.
pub async fn run(settings: &McpSettings) -> Result<(), McpError> {
    let (data_dir, own_data_dir) = match &settings.data_dir {
        Some(dir) => (dir.clone(), false),
        None => (process_data_dir(), true),
    };
    let core = match Core::start(&settings.core_settings(data_dir.clone())).await {
        Ok(core) => core,
        Err(error) => {
            if own_data_dir {
                remove_data_dir(&data_dir);
            }
            return Err(error.into());
        }
    };
    let shutdown = Shutdown::new();
    shutdown.trigger_on_signals();
    core.spawn_reaper(&shutdown);
    let tools = BrowserTools::new(core.sessions.clone());
    let served = match settings.http {
        None => serve_stdio(tools, &shutdown).await,
        Some(addr) => serve_http(tools, addr, &shutdown).await,
    };
    shutdown.trigger();
    core.stop().await;
    if own_data_dir {
        remove_data_dir(&data_dir);
    }
    served
}

/// A data directory of this process's own: an agent host may start several `browserd mcp`
/// at once, and `browserd serve` may hold `./data`.
fn process_data_dir() -> PathBuf {
    std::env::temp_dir().join(format!("browserd-mcp-{}", std::process::id()))
}

fn remove_data_dir(data_dir: &std::path::Path) {
    if let Err(error) = std::fs::remove_dir_all(data_dir) {
        tracing::warn!(%error, data_dir = %data_dir.display(), "cannot remove the data directory");
    }
}

/// One connection on standard input and output, for as long as the client keeps it.
async fn serve_stdio(tools: BrowserTools, shutdown: &Shutdown) -> Result<(), McpError> {
    let service = tools
        .serve(rmcp::transport::io::stdio_pipes())
        .await
        .map_err(|error| McpError::Stdio(error.to_string()))?;
    let cancel = service.cancellation_token();
    tokio::select! {
        quit = service.waiting() => {
            quit.map_err(|error| McpError::Stdio(error.to_string()))?;
        }
        _ = shutdown.wait() => cancel.cancel(),
    }
    Ok(())
}

/// The streamable HTTP transport at [`HTTP_PATH`], loopback host names only (the SDK's
/// guard against DNS rebinding), until shutdown.
async fn serve_http(
    tools: BrowserTools,
    addr: std::net::SocketAddr,
    shutdown: &Shutdown,
) -> Result<(), McpError> {
    let listener = TcpListener::bind(addr)
        .await
        .map_err(|source| McpError::Listen { addr, source })?;
    let local = listener.local_addr().map_err(McpError::Http)?;
    let config = StreamableHttpServerConfig::default().with_json_response(true);
    let connections = config.cancellation_token.clone();
    let service = StreamableHttpService::new(
        move || Ok(tools.clone()),
        LocalSessionManager::default().into(),
        config,
    );
    let router = axum::Router::new().nest_service(HTTP_PATH, service);
    eprintln!("browserd mcp: serving MCP at http://{local}{HTTP_PATH}");
    let stop = shutdown.clone();
    axum::serve(listener, router)
        .with_graceful_shutdown(async move {
            stop.wait().await;
            connections.cancel();
        })
        .await
        .map_err(McpError::Http)
}
