//! MCP: browserd's browser sessions as tools for agent hosts (the Model Context Protocol),
//! through the official Rust SDK (`rmcp`).
//!
//! Owns speaking MCP: the tools, their argument schemas and descriptions, what a model
//! receives for an observation, which session an MCP connection uses, and the stdio
//! transport. It owns nothing of sessions or the browser: every tool is an operation of
//! the operations room (`crate::ops`), so results and error messages are the same as the
//! HTTP API's. Putting the core together and serving MCP over HTTP is `startup`'s.

mod files;
mod page;
mod render;
mod tools;

use rmcp::ServiceExt;

use crate::shutdown::Shutdown;

pub use tools::{BrowserTools, ConnectionOf};

/// Where `--http` serves MCP.
pub const HTTP_PATH: &str = "/mcp";

/// The stdio transport failed.
#[derive(Debug, thiserror::Error)]
#[error("MCP over stdio: {0}")]
pub struct StdioError(String);

/// One connection on standard input and output, for as long as the client keeps it.
pub async fn serve_stdio(tools: BrowserTools, shutdown: &Shutdown) -> Result<(), StdioError> {
    let service = tools
        .serve(rmcp::transport::io::stdio_pipes())
        .await
        .map_err(|error| StdioError(error.to_string()))?;
    let cancel = service.cancellation_token();
    tokio::select! {
        quit = service.waiting() => {
            quit.map_err(|error| StdioError(error.to_string()))?;
        }
        _ = shutdown.wait() => cancel.cancel(),
    }
    Ok(())
}
