//! Putting the server together and running it until it is told to stop.
//!
//! Owns the order of start (the [`Core`]: data directory and its lock, store, the egress
//! proxy, browsers, recovery of abandoned sessions; then API keys and the HTTP listener)
//! and of stop (stop accepting, close every session and record it, then stop the
//! browsers). The core is the same for every front end: the HTTP API here, MCP in `mcp.rs`.

mod mcp;
mod memory;

pub use memory::tune_allocator;

pub use mcp::{run_mcp, McpError};

use std::fs::{File, OpenOptions};
use std::io::{IsTerminal, Write};
use std::net::SocketAddr;
use std::os::unix::fs::OpenOptionsExt;
use std::os::unix::io::AsRawFd;
use std::path::{Path, PathBuf};
use std::time::Duration;

use tokio::net::TcpListener;

use crate::api::{self, ApiKeys, AppState, KeyRates, Metrics, UploadLimit};
use crate::browser::{find_executable, BrowserConfig, BrowserError, Browsers, COMMAND_TIMEOUT_MAX};
use crate::cluster::Cluster;
use crate::config::{Settings, OPERATION_TIMEOUT_MAX_SECS};
use crate::domain::{NodeId, NodeInfo};
use crate::egress::Egress;
use crate::ops::{FileLimits, Operations, ReplaySettings};
use crate::session::{Limits, Sessions, TokenKey};
use crate::shutdown::Shutdown;
use crate::store::{PostgresOptions, Store, StoreError};

// An operation timeout past the client's own bound would be cut at that bound.
const _: () = assert!(COMMAND_TIMEOUT_MAX.as_secs() == OPERATION_TIMEOUT_MAX_SECS);

#[derive(Debug, thiserror::Error)]
pub enum StartupError {
    #[error("data directory {path}: {source}")]
    DataDir {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("another browserd is already using the data directory {0}")]
    DataDirInUse(PathBuf),
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error(transparent)]
    Browser(#[from] BrowserError),
    #[error("cannot start the egress proxy on 127.0.0.1: {0}")]
    Egress(std::io::Error),
    #[error("{0}")]
    Node(String),
    #[error("cannot listen on {addr}: {source}")]
    Listen {
        addr: SocketAddr,
        source: std::io::Error,
    },
}

/// The session core every front end serves: the data directory (locked), the store, the
/// browsers and the session registry over them.
pub struct Core {
    pub sessions: Sessions,
    pub operations: Operations,
    store: Store,
    /// This node's id, with `--database-url`.
    node: Option<NodeId>,
    browsers: Browsers,
    browser_stop: Shutdown,
    _data_dir_lock: File,
}

/// A server that is built and listening, not yet serving.
pub struct Application {
    listener: TcpListener,
    core: Core,
    state: AppState,
    cluster: Option<Cluster>,
}

/// How often replay pictures past their retention are looked for.
const REPLAY_SWEEP_EVERY: Duration = Duration::from_secs(600);

/// Where the API key of a server without configured keys is kept.
fn generated_key_path(data_dir: &Path) -> PathBuf {
    data_dir.join("api_key")
}

impl Core {
    /// Locks the data directory, opens the store (marking sessions a killed process left
    /// `active` as `error`) and launches the browsers.
    pub async fn start(settings: &Settings) -> Result<Self, StartupError> {
        let data_dir = &settings.data_dir;
        std::fs::create_dir_all(data_dir).map_err(|source| StartupError::DataDir {
            path: data_dir.clone(),
            source,
        })?;
        let lock = lock_data_dir(data_dir)?;
        let executable = find_executable(settings.browser.chromium.as_deref())?;
        let keys_dir = settings.keys_dir();
        std::fs::create_dir_all(&keys_dir).map_err(|source| StartupError::DataDir {
            path: keys_dir.clone(),
            source,
        })?;
        let (store, node) = open_store(settings, &keys_dir).await?;
        let browser_stop = Shutdown::new();
        let egress = Egress::start(
            settings.browser.allow_private_network.clone(),
            browser_stop.clone(),
        )
        .await
        .map_err(StartupError::Egress)?;
        let (browsers, browser_events) = Browsers::start(
            BrowserConfig {
                executable,
                extra_args: settings.browser.chromium_args.0.clone(),
                user_data_dir: data_dir.join("chromium"),
                processes: settings.browsers.get(),
                warm_contexts: settings.warm_contexts,
                warm_contexts_max: settings.warm_contexts_max,
                operation_timeout: settings.operation_timeout(),
                proxy_server: Some(egress.proxy_server()),
                page_heap_mb: settings.browser.page_heap_mb,
                max_tabs: settings.browser.max_tabs_per_session as usize,
                retire_after: std::num::NonZeroUsize::new(
                    settings.browser.browser_retire_after as usize,
                ),
            },
            browser_stop.clone(),
        )
        .await?;
        let limits = Limits {
            max_sessions: settings.max_sessions,
            max_sessions_per_key: settings.max_sessions_per_key,
            max_session_minutes: settings.max_session_minutes,
            minute: settings.minute(),
            files_cap: settings.files_cap(),
        };
        let tokens = token_key(&keys_dir)?;
        let sessions = Sessions::new(
            store.clone(),
            browsers.clone(),
            limits,
            tokens,
            data_dir.clone(),
        );
        let abandoned = sessions
            .recover_abandoned()
            .await
            .map_err(|e| StoreError::Task(e.to_string()))?;
        if abandoned > 0 {
            tracing::warn!(
                abandoned,
                "sessions left active by a previous process are now `error`"
            );
        }
        tokio::spawn(sessions.clone().run_browser_events(browser_events));
        Ok(Self {
            operations: Operations::new(
                sessions.clone(),
                egress,
                data_dir.clone(),
                FileLimits {
                    cap: settings.files_cap(),
                    retention: settings.files_retention(),
                },
                ReplaySettings {
                    sessions_dir: data_dir.join("sessions"),
                    max_bytes: settings.replay_max_mib.saturating_mul(1024 * 1024),
                    retention: Duration::from_secs(
                        settings.replay_retention_hours.saturating_mul(3600),
                    ),
                },
            ),
            sessions,
            store,
            node,
            browsers,
            browser_stop,
            _data_dir_lock: lock,
        })
    }

    /// The pids of the browser processes (for tests and operators).
    pub fn browser_pids(&self) -> Vec<u32> {
        self.browsers.pids()
    }

    /// Times sessions out, removes their files and replay pictures past retention, and
    /// returns the allocator's free memory, until `shutdown`.
    pub fn spawn_reaper(&self, shutdown: &Shutdown) {
        tokio::spawn(self.sessions.clone().run_reaper(shutdown.clone()));
        tokio::spawn(memory::trim_until(shutdown.clone()));
        tokio::spawn(sweep_files(self.operations.clone(), shutdown.clone()));
        let replays = self.operations.replays().clone();
        let shutdown = shutdown.clone();
        tokio::spawn(async move {
            let mut interval = tokio::time::interval(REPLAY_SWEEP_EVERY);
            loop {
                tokio::select! {
                    _ = interval.tick() => replays.sweep().await,
                    _ = shutdown.wait() => return,
                }
            }
        });
    }

    /// Closes every session (recording it), then stops the browsers.
    pub async fn stop(self) {
        self.sessions.close_all().await;
        self.browser_stop.trigger();
        self.browsers.stopped().await;
    }
}

impl Application {
    pub async fn build(settings: &Settings) -> Result<Self, StartupError> {
        // Installed before the browsers start, so that their launches are counted.
        let metrics = Metrics::global();
        let core = Core::start(settings).await?;
        let api_keys = api_keys(settings)?;
        let listener =
            TcpListener::bind(settings.addr)
                .await
                .map_err(|source| StartupError::Listen {
                    addr: settings.addr,
                    source,
                })?;
        let cluster = match &core.node {
            Some(id) => Some(
                Cluster::join(
                    core.store.clone(),
                    core.sessions.clone(),
                    NodeInfo {
                        id: id.clone(),
                        url: advertised_url(settings, &listener)?,
                        capacity: settings.max_sessions,
                    },
                    settings.node_lost_after(),
                )
                .await?,
            ),
            None => None,
        };
        let state = AppState {
            sessions: core.sessions.clone(),
            operations: core.operations.clone(),
            upload_limit: UploadLimit(settings.upload_max()),
            rates: KeyRates::new(settings.requests_per_minute_per_key),
            api_keys,
            metrics,
            cluster: cluster.clone(),
        };
        Ok(Self {
            listener,
            core,
            state,
            cluster,
        })
    }

    pub fn local_addr(&self) -> std::io::Result<SocketAddr> {
        self.listener.local_addr()
    }

    /// The pids of the browser processes (for tests and operators).
    pub fn browser_pids(&self) -> Vec<u32> {
        self.core.browser_pids()
    }

    /// Reads the pids of the browsers that take new sessions, as they change: a retired or
    /// relaunched browser leaves the list, its replacement joins it (for tests).
    pub fn browser_pids_reader(&self) -> impl Fn() -> Vec<u32> + Send + Sync + 'static {
        let browsers = self.core.browsers.clone();
        move || browsers.pids()
    }

    /// Serves until `shutdown`, then closes every session and stops the browsers.
    pub async fn run_until_stopped(self, shutdown: Shutdown) -> std::io::Result<()> {
        let Self {
            listener,
            core,
            state,
            cluster,
        } = self;
        core.spawn_reaper(&shutdown);
        if let Some(cluster) = &cluster {
            tokio::spawn(cluster.clone().run(shutdown.clone()));
        }
        tokio::spawn(state.metrics.clone().run_upkeep(shutdown.clone()));
        let stop = shutdown.clone();
        // Without Nagle's delay: a CDP client's messages come in bursts (see browser::cdp_proxy).
        let listener = axum::serve::ListenerExt::tap_io(listener, |tcp| {
            if let Err(error) = tcp.set_nodelay(true) {
                tracing::debug!(%error, "cannot turn Nagle's algorithm off for a connection");
            }
        });
        let served = axum::serve(listener, api::router(state))
            .with_graceful_shutdown(async move { stop.wait().await })
            .await;
        core.stop().await;
        if let Some(cluster) = cluster {
            cluster.leave().await;
        }
        tracing::info!("stopped");
        served
    }
}

/// Longest wait for a connection to PostgreSQL before a statement fails as unavailable.
const DATABASE_CONNECT_TIMEOUT: Duration = Duration::from_secs(3);

/// This node's id: the setting, else the one kept in the data directory (made on first
/// start), so that a restarted node is the same node.
/// The store the settings name — a shared PostgreSQL, with this node's id, or the data
/// directory's SQLite file.
async fn open_store(
    settings: &Settings,
    keys_dir: &Path,
) -> Result<(Store, Option<NodeId>), StartupError> {
    let Some(url) = &settings.database_url else {
        return Ok((Store::open_sqlite(&settings.data_dir, keys_dir)?, None));
    };
    let node = node_id(settings)?;
    let store = Store::connect_postgres(
        PostgresOptions {
            url: url.clone(),
            node: Some(node.clone()),
            pool_size: settings.database_pool_size as usize,
            connect_timeout: DATABASE_CONNECT_TIMEOUT,
        },
        keys_dir,
    )
    .await?;
    Ok((store, Some(node)))
}

fn node_id(settings: &Settings) -> Result<NodeId, StartupError> {
    if let Some(id) = &settings.node_id {
        return id
            .parse()
            .map_err(|e| StartupError::Node(format!("--node-id: {e}")));
    }
    let path = settings.data_dir.join("node_id");
    let io_error = |source| StartupError::DataDir {
        path: path.clone(),
        source,
    };
    match std::fs::read_to_string(&path) {
        Ok(kept) => kept
            .trim()
            .parse()
            .map_err(|e| StartupError::Node(format!("{}: {e}", path.display()))),
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => {
            let id = NodeId::generate();
            std::fs::write(&path, format!("{id}\n")).map_err(io_error)?;
            Ok(id)
        }
        Err(error) => Err(io_error(error)),
    }
}

/// Where the other nodes reach this one: the setting, else `http://` and the address
/// listened on (which must then be one address, not every interface).
fn advertised_url(settings: &Settings, listener: &TcpListener) -> Result<String, StartupError> {
    if let Some(url) = &settings.advertise_url {
        return Ok(url.clone());
    }
    let addr = listener
        .local_addr()
        .map_err(|source| StartupError::Listen {
            addr: settings.addr,
            source,
        })?;
    if addr.ip().is_unspecified() {
        return Err(StartupError::Node(format!(
            "listening on every interface ({addr}): say where the other nodes reach this one with --advertise-url"
        )));
    }
    Ok(format!("http://{addr}"))
}

/// Removes sessions' files past their retention until `shutdown`.
async fn sweep_files(operations: Operations, shutdown: Shutdown) {
    let Some(every) = operations.sweep_interval() else {
        return;
    };
    loop {
        let removed = operations.sweep_files().await;
        if removed > 0 {
            tracing::info!(removed, "removed sessions' files past their retention");
        }
        tokio::select! {
            _ = tokio::time::sleep(every) => {}
            _ = shutdown.wait() => return,
        }
    }
}

/// Holds an exclusive lock on the data directory for the life of the server: two servers
/// sharing one database and one set of profiles would corrupt each other's records.
fn lock_data_dir(data_dir: &Path) -> Result<File, StartupError> {
    let path = data_dir.join("lock");
    let file = OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .open(&path)
        .map_err(|source| StartupError::DataDir {
            path: path.clone(),
            source,
        })?;
    // SAFETY: flock on a descriptor we own.
    if unsafe { libc::flock(file.as_raw_fd(), libc::LOCK_EX | libc::LOCK_NB) } != 0 {
        return Err(StartupError::DataDirInUse(data_dir.to_path_buf()));
    }
    Ok(file)
}

/// The configured keys, or the key kept in the data directory, generated (and printed
/// once to a terminal, with a ready-to-paste request) on first start.
/// The key of session tokens, kept in the data directory (made on first start, readable
/// by the server's user alone), so that a token outlives a restart as its session's record
/// does.
fn token_key(data_dir: &Path) -> Result<TokenKey, StartupError> {
    let path = data_dir.join("session_token_key");
    let io_error = |source| StartupError::DataDir {
        path: path.clone(),
        source,
    };
    let secret = match std::fs::read(&path) {
        Ok(secret) if secret.len() >= 32 => secret,
        Ok(_) => return Err(io_error(std::io::Error::other("shorter than 32 bytes"))),
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => {
            let mut secret = vec![0u8; 32];
            File::open("/dev/urandom")
                .and_then(|mut random| std::io::Read::read_exact(&mut random, &mut secret))
                .map_err(io_error)?;
            let mut file = OpenOptions::new()
                .create_new(true)
                .write(true)
                .mode(0o600)
                .open(&path)
                .map_err(io_error)?;
            file.write_all(&secret).map_err(io_error)?;
            file.sync_all().map_err(io_error)?;
            secret
        }
        Err(error) => return Err(io_error(error)),
    };
    TokenKey::new(&secret).map_err(|short| io_error(std::io::Error::other(short)))
}

fn api_keys(settings: &Settings) -> Result<ApiKeys, StartupError> {
    let configured: Vec<&str> = settings
        .api_keys
        .iter()
        .map(|k| k.trim())
        .filter(|k| !k.is_empty())
        .collect();
    if !configured.is_empty() {
        return Ok(ApiKeys::new(configured));
    }
    let path = generated_key_path(&settings.data_dir);
    let io_error = |source| StartupError::DataDir {
        path: path.clone(),
        source,
    };
    match std::fs::read_to_string(&path) {
        Ok(key) if !key.trim().is_empty() => {
            tracing::info!(path = %path.display(), "using the API key kept in the data directory");
            return Ok(ApiKeys::new([key.trim()]));
        }
        Ok(_) => {}
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => {}
        Err(error) => return Err(io_error(error)),
    }
    let key = format!("bd_{}", uuid::Uuid::new_v4().simple());
    let mut file = OpenOptions::new()
        .create(true)
        .truncate(true)
        .write(true)
        .mode(0o600)
        .open(&path)
        .map_err(io_error)?;
    writeln!(file, "{key}").map_err(io_error)?;
    // The key is shown to a person at a terminal, never written into a collected log.
    if !std::io::stderr().is_terminal() {
        tracing::warn!(path = %path.display(), "no API key configured; generated one and kept it in the data directory (read it there)");
        return Ok(ApiKeys::new([key.as_str()]));
    }
    eprintln!(
        "browserd: no API key configured; generated one and kept it in {path}.\n\
         Your API key: {key}\n\
         Try it:\n  curl -s -X POST http://{addr}/session/start -H 'Authorization: Bearer {key}' -H 'Content-Type: application/json' -d '{{}}'\n",
        path = path.display(),
        addr = settings.addr,
    );
    Ok(ApiKeys::new([key.as_str()]))
}
