//! The browser room: the only module that speaks CDP.
//!
//! Owns the Chromium processes (launch, supervision, relaunch after a crash: `launch.rs`,
//! `pool.rs`), one isolated browser context per [`Tab`] and a few kept ready in advance
//! (`running.rs`), the page's requests and dialogs (`network.rs`, `dialogs.rs`), the downloads of each
//! context (`downloads.rs`), the cap on each context's pages (`tab_cap.rs`), every command
//! sent to a page (`tab/`), and a handle on a
//! session's page for what watches it beside the operations (`screen.rs`: pictures, the
//! screencast, a person's input). It runs the page side's scripts (`crate::injected`)
//! without knowing what they read. It knows nothing of sessions or HTTP: it reports a dead
//! browser as a [`BrowserEvent`] and lets its caller decide what that means.

mod cdp;
mod cdp_proxy;
mod dialogs;
mod downloads;
mod launch;
mod network;
mod pool;
mod running;
mod screen;
mod tab;
mod tab_cap;
mod warm;

use std::path::PathBuf;
use std::time::Duration;

pub use cdp_proxy::{serve_cdp_client, ClientFrame, ServerFrame};
pub use dialogs::Dialog;
pub use downloads::{place, used, DownloadMark, INCOMING};
pub use launch::{find_executable, INSTALL_HINT};
pub use pool::Browsers;
pub use screen::{Frame, MouseButton, MouseKind, PageTab, Screen, Screencast, Touch, Viewport};
pub use tab::{Armed, Key, Popup, Settled, Tab};

/// Which browser process, and which launch of it, a tab lives in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct BrowserId {
    pub slot: usize,
    pub generation: u64,
}

/// Where a session's CDP clients are proxied to: the browser's own endpoint (loopback
/// only), and the session's browser context, to which they are confined.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CdpEndpoint {
    pub browser_url: String,
    pub context: String,
}

/// What the browser room tells its caller without being asked.
#[derive(Debug, Clone)]
pub enum BrowserEvent {
    /// The process is gone; every tab in it is lost. A new one is being launched.
    Died { browser: BrowserId, reason: String },
}

/// The longest any one command can take: the CDP client gives up on a command after it,
/// whatever the operation timeout (which is therefore at most this).
pub const COMMAND_TIMEOUT_MAX: Duration =
    Duration::from_millis(chromiumoxide::handler::REQUEST_TIMEOUT);

#[derive(Debug, thiserror::Error)]
pub enum BrowserError {
    #[error("{0}")]
    NotFound(String),
    #[error("cannot launch the browser: {0}")]
    Launch(String),
    #[error("no browser is running right now (it is being restarted); retry in a moment")]
    Unavailable,
    #[error("the browser process died: {0}")]
    Died(String),
    /// The page at a URL could not be loaded: the browser's reason (`net::ERR_…`).
    #[error("the page could not be loaded: {0}")]
    Navigation(String),
    #[error("the page crashed")]
    PageCrashed,
    /// The page opened dialogs without end and was stopped (see `dialogs.rs`).
    #[error("the page opened dialogs without end (over {0} within {window} s) and was stopped", window = dialogs::STORM_WINDOW.as_secs())]
    DialogStorm(usize),
    /// The connection to the page's target or to the browser went away under a command:
    /// the page crashed or closed, or the browser died, before the event saying which.
    #[error("the page or its browser went away during the command")]
    Disconnected,
    #[error("the browser did not answer within {0:?}")]
    Timeout(Duration),
    /// The session's context has its most pages open (`--max-tabs-per-session`).
    #[error("the session already has its most tabs open ({0}); close one first")]
    TabsFull(usize),
    #[error("browser protocol error: {0}")]
    Protocol(String),
}

impl From<chromiumoxide::error::CdpError> for BrowserError {
    fn from(error: chromiumoxide::error::CdpError) -> Self {
        match error {
            // The handler's channel for the command is gone: "oneshot canceled", "receiver
            // is gone". Its target or the whole browser went away.
            chromiumoxide::error::CdpError::ChannelSendError(_) => Self::Disconnected,
            // The client's own bound on every command (a navigation's until `load`), which
            // meets ours at the longest operation timeout: either way the command is late.
            chromiumoxide::error::CdpError::Timeout => Self::Timeout(COMMAND_TIMEOUT_MAX),
            other => Self::Protocol(other.to_string()),
        }
    }
}

/// How the browsers are launched and run.
#[derive(Debug, Clone)]
pub struct BrowserConfig {
    pub executable: PathBuf,
    pub extra_args: Vec<String>,
    /// Parent of each browser's own, fresh `--user-data-dir` (Chromium's profile, not
    /// browserd's profiles, which live in the store).
    pub user_data_dir: PathBuf,
    pub processes: usize,
    pub warm_contexts: usize,
    /// The most contexts the pool grows to in a burst of starts (its memory bound).
    pub warm_contexts_max: usize,
    pub operation_timeout: Duration,
    /// The proxy every connection of the browser goes through (`socks5://127.0.0.1:PORT`,
    /// the egress room's), loopback included.
    pub proxy_server: Option<String>,
    /// Most megabytes of JavaScript heap one page may take before it crashes.
    pub page_heap_mb: u64,
    /// Most pages one session's context may have open at once; one past it is closed.
    pub max_tabs: usize,
    /// Sessions (tabs handed out) after which a browser is retired; `None`: never.
    pub retire_after: Option<std::num::NonZeroUsize>,
}
