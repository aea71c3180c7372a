//! The `browserd` command line: parses arguments and calls the library.

use clap::Parser;
use tracing_subscriber::EnvFilter;

use browserd::config::{Cli, Command};
use browserd::shutdown::Shutdown;
use browserd::startup::Application;

#[tokio::main]
async fn main() -> std::process::ExitCode {
    let cli = Cli::parse();
    tracing_subscriber::fmt()
        .with_env_filter(
            EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info")),
        )
        .with_writer(std::io::stderr)
        .init();
    match cli.command {
        Command::Serve(settings) => {
            let application = match Application::build(&settings).await {
                Ok(application) => application,
                Err(error) => {
                    eprintln!("browserd: {error}");
                    return std::process::ExitCode::FAILURE;
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
                Ok(()) => std::process::ExitCode::SUCCESS,
                Err(error) => {
                    eprintln!("browserd: {error}");
                    std::process::ExitCode::FAILURE
                }
            }
        }
    }
}
