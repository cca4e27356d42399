//! The `pathways` binary: parses the command line and runs it.

use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    if let Err(e) = pathways::cli::logging::init() {
        eprintln!("pathways: {e}");
        return ExitCode::FAILURE;
    }
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
