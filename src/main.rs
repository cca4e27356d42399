//! The `pathways` binary: parses the command line and runs it.

use std::process::ExitCode;

use clap::Parser;
use tracing_subscriber::EnvFilter;

fn main() -> ExitCode {
    tracing_subscriber::fmt()
        .with_env_filter(
            EnvFilter::try_from_env("PATHWAYS_LOG").unwrap_or_else(|_| EnvFilter::new("info")),
        )
        .with_writer(std::io::stderr)
        .init();
    pathways::panic_hook::install();
    let cli = pathways::cli::Cli::parse();
    // A panic has been logged by the hook (location only); the person at the terminal
    // gets one line and a failure status, not a backtrace quoting their input.
    match std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| pathways::cli::run(cli))) {
        Ok(Ok(())) => ExitCode::SUCCESS,
        Ok(Err(e)) => {
            eprintln!("pathways: {e:#}");
            ExitCode::FAILURE
        }
        Err(_) => {
            eprintln!("pathways: internal error (the log line above says where)");
            ExitCode::FAILURE
        }
    }
}
