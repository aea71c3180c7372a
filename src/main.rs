//! The `browserd` command line: parses arguments and calls the library.

use std::io::{IsTerminal, Write};
use std::process::ExitCode;

use tracing_subscriber::EnvFilter;

use browserd::config::{self, Command, ConfigError, LogFormat, McpSettings, Settings};
use browserd::oneshot;
use browserd::scrape::ScrapeOptions;
use browserd::shutdown::Shutdown;
use browserd::startup::Application;

fn main() -> ExitCode {
    browserd::startup::tune_allocator();
    match tokio::runtime::Runtime::new() {
        Ok(runtime) => runtime.block_on(run()),
        Err(error) => {
            eprintln!("browserd: cannot start the async runtime: {error}");
            ExitCode::FAILURE
        }
    }
}

async fn run() -> ExitCode {
    let config::Loaded { cli, sources } = match config::load() {
        Ok(loaded) => loaded,
        Err(ConfigError::Cli(error)) => error.exit(),
        Err(error) => {
            eprintln!("browserd: {error}");
            return ExitCode::FAILURE;
        }
    };
    init_logging(&cli.command);
    let printed = match cli.command {
        Command::Serve(settings) => return serve(&settings).await,
        Command::Mcp(settings) => return mcp(&settings).await,
        Command::Config(settings) => Ok(settings.effective_toml(&sources)),
        Command::Observe {
            url,
            storage_state,
            browser,
        } => oneshot::observe(&browser, &url, storage_state.as_deref()).await,
        Command::Scrape {
            url,
            html,
            base_url,
            full,
            storage_state,
            browser,
        } => {
            let options = ScrapeOptions {
                only_main_content: !full,
                scrape_images: false,
            };
            match (html, url) {
                (Some(path), _) => oneshot::scrape_file(&path, base_url.as_deref(), &options),
                (None, Some(url)) => {
                    oneshot::scrape_url(&browser, &url, storage_state.as_deref(), &options).await
                }
                (None, None) => Err(oneshot::OneShotError::BadInput(
                    "give a URL or --html FILE".into(),
                )),
            }
        }
    };
    match printed {
        Ok(text) => {
            // A reader that stops early (`| head`) closes the pipe: that is no failure of ours,
            // and `println!` would panic on it.
            let mut stdout = std::io::stdout().lock();
            match writeln!(stdout, "{text}").and_then(|()| stdout.flush()) {
                Err(error) if error.kind() != std::io::ErrorKind::BrokenPipe => {
                    eprintln!("browserd: cannot write the answer: {error}");
                    ExitCode::FAILURE
                }
                _ => ExitCode::SUCCESS,
            }
        }
        Err(error) => {
            eprintln!("browserd: {error}");
            ExitCode::FAILURE
        }
    }
}

async fn serve(settings: &Settings) -> ExitCode {
    let application = match Application::build(settings).await {
        Ok(application) => application,
        Err(error) => {
            eprintln!("browserd: {error}");
            return ExitCode::FAILURE;
        }
    };
    match application.local_addr() {
        Ok(addr) => {
            tracing::info!(%addr, data_dir = %settings.data_dir.display(), "browserd listening")
        }
        Err(error) => tracing::warn!(%error, "cannot read the listening address"),
    }
    let shutdown = Shutdown::new();
    shutdown.trigger_on_signals();
    match application.run_until_stopped(shutdown).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("browserd: {error}");
            ExitCode::FAILURE
        }
    }
}

async fn mcp(settings: &McpSettings) -> ExitCode {
    match browserd::startup::run_mcp(settings).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("browserd mcp: {error}");
            ExitCode::FAILURE
        }
    }
}
/// Crates whose debug and trace lines carry the raw DevTools traffic (typed text,
/// cookies, page content): silent unless `RUST_LOG` names them. chromiumoxide also
/// reports every closed connection and every newer protocol message it cannot type as
/// warnings or errors; browserd reports what matters of them itself.
const DEVTOOLS_TRAFFIC: [&str; 3] = ["chromiumoxide", "tungstenite", "async_tungstenite"];

/// Log lines to stderr, as text or JSON, filtered by `RUST_LOG`.
fn init_logging(command: &Command) {
    let default_level = if matches!(command, Command::Serve(_)) {
        "info"
    } else {
        "warn"
    };
    let format = command
        .settings()
        .map_or(LogFormat::Text, |settings| settings.log_format);
    let builder = tracing_subscriber::fmt()
        .with_env_filter(log_filter(default_level))
        .with_ansi(std::io::stderr().is_terminal())
        .with_writer(std::io::stderr);
    match format {
        LogFormat::Text => builder.init(),
        LogFormat::Json => builder
            .json()
            .flatten_event(true)
            .with_current_span(true)
            .with_span_list(false)
            .init(),
    }
}

/// `RUST_LOG`'s directives (else `default_level`), with the DevTools traffic turned off
/// unless they name it.
fn log_filter(default_level: &str) -> EnvFilter {
    let requested = std::env::var("RUST_LOG")
        .ok()
        .filter(|directives| !directives.trim().is_empty());
    let mut directives = requested.unwrap_or_else(|| default_level.to_string());
    for target in DEVTOOLS_TRAFFIC {
        if !directives.contains(target) {
            directives.push_str(&format!(",{target}=off"));
        }
    }
    EnvFilter::try_new(&directives).unwrap_or_else(|error| {
        eprintln!("browserd: RUST_LOG is not valid ({error}); logging at {default_level}");
        EnvFilter::new(format!(
            "{default_level},chromiumoxide=off,tungstenite=off,async_tungstenite=off"
        ))
    })
}
