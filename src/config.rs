//! Every setting of `browserd serve`: its default, its flag, its environment variable
//! and its key in a settings file (`file`).
//!
//! Owns parsing the command line into [`Settings`]; knows nothing of what the settings
//! drive. Values are checked here (ranges, non-empty lists) so the rest of the server
//! takes them as given. A value of a kind other rooms share (the private-network
//! allowance) is the domain's type.

mod file;

pub use file::{load, ConfigError, Loaded, Source};

use std::net::SocketAddr;
use std::num::NonZeroUsize;
use std::path::PathBuf;
use std::time::Duration;

use clap::{Args, CommandFactory, FromArgMatches, Parser, Subcommand, ValueEnum};
use serde::Serialize;

use crate::domain::PrivateNetworkAllowance;

/// The longest operation timeout: the browser client gives up on any one command after
/// it (`startup` holds the two equal).
pub const OPERATION_TIMEOUT_MAX_SECS: u64 = 30;

#[derive(Debug, Parser)]
#[command(
    name = "browserd",
    version,
    about = "Real headless-browser sessions for programs and LLM agents, over HTTP"
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Serve the HTTP API.
    Serve(Box<Settings>),
    /// Print the settings `serve` would run with, as TOML, with where each comes from
    /// (flags over environment over the --config file over defaults). Keys are masked.
    Config(Box<Settings>),
    /// Print the action list of a page, as an agent reads it (no server needed).
    Observe {
        /// The page (http:, https: or about:blank).
        url: String,
        /// Start signed in: a Playwright storage state (`context.storageState()`, or a
        /// profile's `GET /profiles/{id}/storage_state`): its cookies and local storage.
        #[arg(long, value_name = "FILE")]
        storage_state: Option<PathBuf>,
        #[command(flatten)]
        browser: BrowserArgs,
    },
    /// Print a page's main content as markdown: through the browser, or from a saved file.
    Scrape {
        /// The page to load in the browser (not with --html).
        #[arg(required_unless_present = "html", conflicts_with = "html")]
        url: Option<String>,
        /// A saved HTML file to extract from, without a browser.
        #[arg(long)]
        html: Option<PathBuf>,
        /// With --html: the page's address, to make its links absolute.
        #[arg(long, requires = "html")]
        base_url: Option<String>,
        /// The whole visible page instead of its main content.
        #[arg(long)]
        full: bool,
        /// Start signed in, from a Playwright storage state (not with --html).
        #[arg(long, value_name = "FILE", conflicts_with = "html")]
        storage_state: Option<PathBuf>,
        #[command(flatten)]
        browser: BrowserArgs,
    },
    /// Serve browser sessions as MCP tools to an agent host: over stdio, or over
    /// streamable HTTP with --http. Runs its own browser; no server needed.
    Mcp(Box<McpSettings>),
}

/// Which browser to run, and how.
#[derive(Debug, Clone, Args, Serialize)]
pub struct BrowserArgs {
    /// Chromium executable. Default: Debian's `chromium-headless-shell`, else `chromium`.
    #[arg(long, env = "BROWSERD_CHROMIUM")]
    pub chromium: Option<PathBuf>,
    /// Extra command-line flags for Chromium, in one string: each flag starts with `--`
    /// after a space (e.g. `--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1`).
    #[arg(
        long,
        env = "BROWSERD_CHROMIUM_ARGS",
        allow_hyphen_values = true,
        default_value = ""
    )]
    pub chromium_args: ChromiumArgs,
    /// Let pages reach the private network (loopback, 10/8, 172.16/12, 192.168/16,
    /// 169.254/16 with cloud metadata, fc00::/7…), which is off limits by default: `all`,
    /// or a comma-separated list of host names, addresses and ranges, each with an
    /// optional port (`localhost:3000,127.0.0.1,10.0.0.0/8,[::1]:8080`). A name is matched
    /// as the page wrote it, an address or range against what the name resolves to.
    #[arg(
        long,
        env = "BROWSERD_ALLOW_PRIVATE_NETWORK",
        default_value = "",
        value_name = "all|HOST[:PORT],…",
        hide_default_value = true
    )]
    pub allow_private_network: PrivateNetworkAllowance,
    /// Most megabytes of JavaScript heap one page may take; a page that allocates past it
    /// crashes alone (its session ends as `error`), long before it could starve the
    /// machine. Chromium's `--js-flags=--max-old-space-size`.
    #[arg(long, env = "BROWSERD_PAGE_HEAP_MB", default_value = "1024", value_parser = clap::value_parser!(u64).range(16..))]
    pub page_heap_mb: u64,
    /// Most tabs (pages) one session may have open at once: its own, the pop-ups its pages
    /// open and those its CDP clients make. A page opened past it is closed at once.
    #[arg(long, env = "BROWSERD_MAX_TABS_PER_SESSION", default_value = "20", value_parser = clap::value_parser!(u64).range(1..=1000))]
    pub max_tabs_per_session: u64,
    /// Sessions one browser process serves before it is retired: a new one takes the
    /// next sessions, and the old one is closed when its last session ends. A browser
    /// that has served many sessions holds more than a new one, and one soak saw it
    /// still growing after 6,000 (bench/README.md). 0: never.
    #[arg(long, env = "BROWSERD_BROWSER_RETIRE_AFTER", default_value = "2000")]
    pub browser_retire_after: u64,
}

/// Chromium flags given as one string. Flags' values may hold commas and spaces
/// (`--disable-features=A,B`, host rules), so the string is split only where a space is
/// followed by `--`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ChromiumArgs(pub Vec<String>);

impl Serialize for ChromiumArgs {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.0.join(" "))
    }
}

impl std::str::FromStr for ChromiumArgs {
    type Err = String;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        let mut flags: Vec<String> = Vec::new();
        for word in text.split(' ') {
            match flags.last_mut() {
                Some(flag) if !word.starts_with("--") => {
                    flag.push(' ');
                    flag.push_str(word);
                }
                _ if word.is_empty() => {}
                _ if word.starts_with("--") => flags.push(word.to_string()),
                _ => return Err(format!("Chromium flags start with `--`; got {word:?}")),
            }
        }
        Ok(Self(
            flags
                .into_iter()
                .map(|flag| flag.trim_end().to_string())
                .collect(),
        ))
    }
}

/// The settings of a running server.
#[derive(Debug, Clone, Args, Serialize)]
pub struct Settings {
    /// Address to listen on.
    #[arg(long, env = "BROWSERD_ADDR", default_value = "127.0.0.1:8000")]
    pub addr: SocketAddr,

    /// Directory holding the database, the generated API key and browser profiles.
    #[arg(long, env = "BROWSERD_DATA_DIR", default_value = "./data")]
    pub data_dir: PathBuf,

    /// API keys accepted as `Authorization: Bearer <key>`, comma-separated. When none is
    /// given, a key is generated on first start and kept in `<data-dir>/api_key`.
    #[arg(
        long,
        env = "BROWSERD_API_KEYS",
        value_delimiter = ',',
        hide_env_values = true
    )]
    #[serde(skip)]
    pub api_keys: Vec<String>,

    #[command(flatten)]
    #[serde(flatten)]
    pub browser: BrowserArgs,

    /// Number of Chromium processes; sessions are spread over them.
    #[arg(long, env = "BROWSERD_BROWSERS", default_value = "1")]
    pub browsers: NonZeroUsize,

    /// Browser contexts each browser keeps ready so that a session start does not wait for one.
    #[arg(long, env = "BROWSERD_WARM_CONTEXTS", default_value = "2")]
    pub warm_contexts: usize,

    /// Most contexts each browser keeps ready while starts come in bursts: the pool
    /// doubles from --warm-contexts when starts drain it, up to this, and halves again
    /// after a quiet minute. Each costs what an idle session costs.
    #[arg(long, env = "BROWSERD_WARM_CONTEXTS_MAX", default_value = "16")]
    pub warm_contexts_max: usize,

    /// Most sessions active at once; a start beyond it is answered 429.
    #[arg(long, env = "BROWSERD_MAX_SESSIONS", default_value = "100", value_parser = clap::value_parser!(u32).range(1..))]
    pub max_sessions: u32,

    /// Most sessions one API key may have active at once (0: only `--max-sessions`); a
    /// start beyond it is answered 429, so that one tenant cannot take a shared server.
    #[arg(long, env = "BROWSERD_MAX_SESSIONS_PER_KEY", default_value = "0")]
    pub max_sessions_per_key: u32,

    /// Most requests one API key may make a minute (0: no limit), in bursts of up to a
    /// minute's worth; beyond it a request is answered 429 with `Retry-After`.
    #[arg(
        long,
        env = "BROWSERD_REQUESTS_PER_MINUTE_PER_KEY",
        default_value = "0"
    )]
    pub requests_per_minute_per_key: u32,

    /// Longest life of any session, in (timeout) minutes, `keep_alive` or not.
    #[arg(long, env = "BROWSERD_MAX_SESSION_MINUTES", default_value = "30", value_parser = clap::value_parser!(u32).range(1..))]
    pub max_session_minutes: u32,

    /// How many seconds a timeout "minute" lasts. A test knob: keep 60 in production.
    #[arg(long, env = "BROWSERD_TIMEOUT_UNIT_SECS", default_value = "60", value_parser = clap::value_parser!(u64).range(1..))]
    pub timeout_unit_secs: u64,

    /// Longest time one browser operation may take before its request fails (a hung or
    /// crashed page fails the request instead of hanging it); at most 30, the browser
    /// client's own bound on one command.
    #[arg(long, env = "BROWSERD_OPERATION_TIMEOUT_SECS", default_value = "30", value_parser = clap::value_parser!(u64).range(1..=OPERATION_TIMEOUT_MAX_SECS))]
    pub operation_timeout_secs: u64,

    /// Disk a session's replay pictures (one JPEG after each step) may take, in MiB; the
    /// steps beyond it are kept without a picture. 0 keeps no pictures.
    #[arg(long, env = "BROWSERD_REPLAY_MAX_MIB", default_value = "50")]
    pub replay_max_mib: u64,

    /// Hours a replay picture is kept; older ones are deleted (the steps stay on record).
    #[arg(long, env = "BROWSERD_REPLAY_RETENTION_HOURS", default_value = "168", value_parser = clap::value_parser!(u64).range(1..))]
    pub replay_retention_hours: u64,
    /// Most megabytes one session's files (downloads and uploads together) may take; a
    /// download past it is cancelled, an upload past it answered 413.
    #[arg(long, env = "BROWSERD_FILES_CAP_MB", default_value = "500", value_parser = clap::value_parser!(u64).range(1..))]
    pub files_cap_mb: u64,

    /// Hours a session's file (download or upload) is kept after it was written (0: until
    /// the session's data is deleted).
    #[arg(long, env = "BROWSERD_FILES_RETENTION_HOURS", default_value = "168")]
    pub files_retention_hours: u64,

    /// Largest upload, in megabytes, one `POST /session/{id}/files` takes (413 beyond).
    #[arg(long, env = "BROWSERD_UPLOAD_MAX_MB", default_value = "100", value_parser = clap::value_parser!(u64).range(1..))]
    pub upload_max_mb: u64,

    /// The PostgreSQL several nodes share (`postgres://user:password@host:5432/browserd`):
    /// sessions, steps, profiles and the node registry live there, and this node joins
    /// the cluster. Without it, the embedded SQLite file in the data directory (one node).
    #[arg(long, env = "BROWSERD_DATABASE_URL", hide_env_values = true)]
    #[serde(skip)]
    pub database_url: Option<String>,

    /// Connections to PostgreSQL this node keeps open at most.
    #[arg(long, env = "BROWSERD_DATABASE_POOL_SIZE", default_value = "8", value_parser = clap::value_parser!(u32).range(1..=100))]
    pub database_pool_size: u32,

    /// With --database-url: this node's id in the cluster (1 to 63 letters, digits, `.`,
    /// `_`, `-`; a pod's name fits). Default: one generated on first start and kept in
    /// `<data-dir>/node_id`.
    #[arg(long, env = "BROWSERD_NODE_ID")]
    pub node_id: Option<String>,

    /// With --database-url: where the other nodes reach this one (`http://10.0.0.7:8000`),
    /// to forward a session's requests to it. Default: `http://` and --addr, unless that
    /// listens on every interface.
    #[arg(long, env = "BROWSERD_ADVERTISE_URL", value_parser = advertise_url)]
    pub advertise_url: Option<String>,

    /// With --database-url: seconds without a heartbeat after which a node is declared
    /// lost and its active sessions end as `error` ("node lost"). Nodes heartbeat five
    /// times in this span.
    #[arg(long, env = "BROWSERD_NODE_LOST_AFTER_SECS", default_value = "10", value_parser = clap::value_parser!(u64).range(2..=3600))]
    pub node_lost_after_secs: u64,

    /// Where the keys are kept that every node of a cluster must share: `profile_key`
    /// (seals profiles) and `session_token_key` (signs `cdp_url` tokens). Made on first
    /// start if missing. Default: the data directory.
    #[arg(long, env = "BROWSERD_KEYS_DIR")]
    pub keys_dir: Option<PathBuf>,

    /// Log lines as `text` (for people) or `json` (one object a line, for machines).
    /// `RUST_LOG` filters them (default `info`).
    #[arg(long, env = "BROWSERD_LOG_FORMAT", value_enum, default_value = "text")]
    pub log_format: LogFormat,

    /// A TOML file of settings, keyed like the flags (`max_sessions = 50` or
    /// `max-sessions = 50`). Flags and environment variables win over it.
    #[arg(long, env = "BROWSERD_CONFIG")]
    #[serde(skip)]
    pub config: Option<PathBuf>,
}

/// How log lines are written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum LogFormat {
    Text,
    Json,
}

/// An address other nodes reach this one at: `http://host:port`, without a path.
fn advertise_url(text: &str) -> Result<String, String> {
    let url = url::Url::parse(text).map_err(|e| format!("not a URL: {e}"))?;
    if url.scheme() != "http" || url.host_str().is_none() {
        return Err("an `http://host:port` address".into());
    }
    if url.path() != "/" || url.query().is_some() {
        return Err("an address without a path: `http://host:port`".into());
    }
    Ok(url.as_str().trim_end_matches('/').to_string())
}

impl Settings {
    /// The directory of the keys every node of a cluster shares.
    pub fn keys_dir(&self) -> PathBuf {
        self.keys_dir
            .clone()
            .unwrap_or_else(|| self.data_dir.clone())
    }

    pub fn node_lost_after(&self) -> Duration {
        Duration::from_secs(self.node_lost_after_secs)
    }

    /// The length of one timeout "minute".
    pub fn minute(&self) -> Duration {
        Duration::from_secs(self.timeout_unit_secs)
    }

    pub fn operation_timeout(&self) -> Duration {
        Duration::from_secs(self.operation_timeout_secs)
    }

    pub fn files_cap(&self) -> u64 {
        self.files_cap_mb.saturating_mul(1024 * 1024)
    }

    pub fn files_retention(&self) -> Option<Duration> {
        (self.files_retention_hours > 0)
            .then(|| Duration::from_secs(self.files_retention_hours.saturating_mul(3600)))
    }

    pub fn upload_max(&self) -> usize {
        usize::try_from(self.upload_max_mb.saturating_mul(1024 * 1024)).unwrap_or(usize::MAX)
    }

    /// The built-in defaults, with the given data directory: what `serve` runs with given
    /// no flag, no file and no `BROWSERD_*` variable. The environment is left out so that
    /// a variable meant for `serve` neither changes nor breaks what is built on these (the
    /// session core of `browserd mcp`, test servers).
    pub fn for_data_dir(data_dir: PathBuf) -> Self {
        let mut settings = Settings::built_in()
            .unwrap_or_else(|e| panic!("the built-in defaults must parse: {e}"));
        settings.data_dir = data_dir;
        settings
    }
}

/// The settings of `browserd mcp`.
#[derive(Debug, Clone, Args)]
pub struct McpSettings {
    /// Serve MCP over streamable HTTP on this address (endpoint `/mcp`) instead of stdio.
    #[arg(long, value_name = "ADDR")]
    pub http: Option<SocketAddr>,

    /// Directory for the session database and browser profiles. Default: a directory of
    /// this process's own in the system's temporary directory, removed when it stops (so
    /// several agent hosts, and `browserd serve`, can run at once).
    #[arg(long, env = "BROWSERD_MCP_DATA_DIR")]
    pub data_dir: Option<PathBuf>,

    #[command(flatten)]
    pub browser: BrowserArgs,

    /// Longest life of a connection's browser session, in minutes; then the next tool
    /// call opens a new one (and says so).
    #[arg(long, env = "BROWSERD_MCP_MAX_SESSION_MINUTES", default_value = "1440", value_parser = clap::value_parser!(u32).range(1..))]
    pub max_session_minutes: u32,

    /// Longest time one browser operation may take before its tool call fails; at most 30.
    #[arg(long, env = "BROWSERD_OPERATION_TIMEOUT_SECS", default_value = "30", value_parser = clap::value_parser!(u64).range(1..=OPERATION_TIMEOUT_MAX_SECS))]
    pub operation_timeout_secs: u64,
}

impl McpSettings {
    /// The settings of the session core: the server's defaults, with this data
    /// directory, browser and limits, and one ready context (one agent at a time).
    pub fn core_settings(&self, data_dir: PathBuf) -> Settings {
        let mut settings = Settings::for_data_dir(data_dir);
        settings.browser = self.browser.clone();
        settings.max_session_minutes = self.max_session_minutes;
        settings.operation_timeout_secs = self.operation_timeout_secs;
        settings.warm_contexts = 1;
        settings.warm_contexts_max = 1;
        settings
    }
}

#[derive(Debug, Parser)]
struct DefaultsOnly {
    #[command(flatten)]
    settings: Settings,
}

impl Settings {
    fn built_in() -> Result<Self, clap::Error> {
        let command = DefaultsOnly::command().mut_args(|arg| arg.env(None));
        let matches = command.try_get_matches_from(["serve"])?;
        DefaultsOnly::from_arg_matches(&matches).map(|d| d.settings)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chromium_flags_keep_their_commas_and_spaces() {
        let args: ChromiumArgs =
            "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1 --disable-features=A,B"
                .parse()
                .unwrap();
        assert_eq!(
            args.0,
            [
                "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1",
                "--disable-features=A,B"
            ]
        );
        assert_eq!("".parse::<ChromiumArgs>().unwrap().0, Vec::<String>::new());
        assert!("about:blank".parse::<ChromiumArgs>().is_err());
    }
}
