//! `browserd mcp`: the session core behind MCP, over stdio or streamable HTTP, until the
//! client goes away or the process is told to stop.
//!
//! Owns the HTTP side of MCP (the SDK's streamable HTTP service in an axum router, and
//! reading a call's `Mcp-Session-Id`), so that the `mcp` room speaks only MCP.

use std::path::PathBuf;

use axum::http::request::Parts;
use rmcp::model::Extensions;
use rmcp::transport::streamable_http_server::session::local::LocalSessionManager;
use rmcp::transport::streamable_http_server::{StreamableHttpServerConfig, StreamableHttpService};
use tokio::net::TcpListener;

use super::{Core, StartupError};
use crate::config::McpSettings;
use crate::mcp::{self, BrowserTools, StdioError};
use crate::shutdown::Shutdown;

#[derive(Debug, thiserror::Error)]
pub enum McpError {
    #[error(transparent)]
    Startup(#[from] StartupError),
    #[error("cannot listen on {addr}: {source}")]
    Listen {
        addr: std::net::SocketAddr,
        source: std::io::Error,
    },
    #[error(transparent)]
    Stdio(#[from] StdioError),
    #[error("MCP over HTTP: {0}")]
    Http(std::io::Error),
}

/// Serves MCP until the client goes away (stdio), or until SIGTERM / Ctrl-C; then closes
/// every session, stops the browser and removes a data directory of its own.
pub async fn run_mcp(settings: &McpSettings) -> Result<(), McpError> {
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
    let served = match settings.http {
        None => {
            let tools = BrowserTools::new(core.operations.clone(), |_| None, true);
            mcp::serve_stdio(tools, &shutdown).await.map_err(Into::into)
        }
        Some(addr) => {
            let tools = BrowserTools::new(core.operations.clone(), mcp_session_id, false);
            serve_http(tools, addr, &shutdown).await
        }
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

/// The streamable HTTP transport at [`mcp::HTTP_PATH`], loopback host names only (the SDK's
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
    let router = axum::Router::new().nest_service(mcp::HTTP_PATH, service);
    eprintln!(
        "browserd mcp: serving MCP at http://{}{}",
        local,
        mcp::HTTP_PATH
    );
    let stop = shutdown.clone();
    axum::serve(listener, router)
        .with_graceful_shutdown(async move {
            stop.wait().await;
            connections.cancel();
        })
        .await
        .map_err(McpError::Http)
}

/// The `Mcp-Session-Id` of the HTTP request a call came on, which the SDK keeps in the
/// call's extensions; none for the sessionless protocol.
fn mcp_session_id(extensions: &Extensions) -> Option<String> {
    extensions
        .get::<Parts>()
        .and_then(|parts| parts.headers.get("mcp-session-id"))
        .and_then(|value| value.to_str().ok())
        .map(str::to_string)
}
