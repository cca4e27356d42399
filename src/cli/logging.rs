//! Where the process's log goes and how it looks: standard error, filtered by
//! `PATHWAYS_LOG` (default `info`), as plain text or, with `PATHWAYS_LOG_FORMAT=json`, one
//! JSON object per line for a log collector. Colour codes are written only when standard
//! error is a terminal, so a file, a pipe or journald gets clean lines.

use std::io::IsTerminal;

use tracing_subscriber::EnvFilter;

/// The environment variable naming the log format.
pub const FORMAT_VAR: &str = "PATHWAYS_LOG_FORMAT";

/// How log lines are written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LogFormat {
    /// Human-readable lines (the default).
    Text,
    /// One JSON object per line.
    Json,
}

impl LogFormat {
    /// The format `value` names (`text` or `json`, any case; empty means the default), or
    /// a sentence saying what is accepted.
    pub fn parse(value: Option<&str>) -> Result<LogFormat, String> {
        match value.map(|v| v.trim().to_ascii_lowercase()).as_deref() {
            None | Some("" | "text") => Ok(LogFormat::Text),
            Some("json") => Ok(LogFormat::Json),
            Some(other) => Err(format!(
                "{FORMAT_VAR} must be \"text\" or \"json\", not {other:?}"
            )),
        }
    }
}

/// Installs the process's log subscriber from `PATHWAYS_LOG` and `PATHWAYS_LOG_FORMAT`.
/// An unknown format is refused before anything runs: a server started with a typo would
/// otherwise write lines its log collector cannot read.
pub fn init() -> Result<(), String> {
    let format = LogFormat::parse(std::env::var(FORMAT_VAR).ok().as_deref())?;
    let filter = EnvFilter::try_from_env("PATHWAYS_LOG").unwrap_or_else(|_| EnvFilter::new("info"));
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr);
    match format {
        LogFormat::Text => builder.with_ansi(std::io::stderr().is_terminal()).init(),
        // Fields at the top level (`"status":404`), not under `fields`, so a collector's
        // queries read `status`; the span list is left out (the request line carries its
        // own method and route).
        LogFormat::Json => builder
            .json()
            .flatten_event(true)
            .with_current_span(false)
            .with_span_list(false)
            .init(),
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_is_the_default_and_anything_unknown_is_refused() {
        assert_eq!(LogFormat::parse(None), Ok(LogFormat::Text));
        assert_eq!(LogFormat::parse(Some("")), Ok(LogFormat::Text));
        assert_eq!(LogFormat::parse(Some("JSON")), Ok(LogFormat::Json));
        let refused = LogFormat::parse(Some("xml")).unwrap_err();
        assert_eq!(
            refused,
            "PATHWAYS_LOG_FORMAT must be \"text\" or \"json\", not \"xml\""
        );
    }
}
