//! The `browserd` command line: parses arguments and calls the library.

use std::process::ExitCode;

use clap::Parser;
use tracing_subscriber::EnvFilter;

use browserd::config::{Cli, Command, McpSettings, Settings};
use browserd::oneshot;
use browserd::scrape::ScrapeOptions;
use browserd::shutdown::Shutdown;
use browserd::startup::Application;

#[tokio::main]
async fn main() -> ExitCode {
    let cli = Cli::parse();
    // chromiumoxide reports every closed connection and every newer protocol message it
    // cannot type as warnings or errors; browserd reports what matters of them itself.
    let default_level = if matches!(cli.command, Command::Serve(_)) {
        "info,chromiumoxide=off"
    } else {
        "warn,chromiumoxide=off"
    };
    tracing_subscriber::fmt()
        .with_env_filter(
            EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new(default_level)),
        )
        .with_writer(std::io::stderr)
        .init();
    let printed = match cli.command {
        Command::Serve(settings) => return serve(&settings).await,
        Command::Mcp(settings) => return mcp(&settings).await,
        Command::Observe { url, browser } => oneshot::observe(&browser, &url).await,
        Command::Scrape {
            url,
            html,
            base_url,
            full,
            browser,
        } => {
            let options = ScrapeOptions {
                only_main_content: !full,
                scrape_images: false,
            };
            match (html, url) {
                (Some(path), _) => oneshot::scrape_file(&path, base_url.as_deref(), &options),
                (None, Some(url)) => oneshot::scrape_url(&browser, &url, &options).await,
                (None, None) => Err(oneshot::OneShotError::BadInput(
                    "give a URL or --html FILE".into(),
                )),
            }
        }
    };
    match printed {
        Ok(text) => {
            println!("{text}");
            ExitCode::SUCCESS
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
    match browserd::mcp::run(settings).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("browserd mcp: {error}");
            ExitCode::FAILURE
        }
    }
}
