//! What a panic leaves behind. The default hook prints the panic's message, and a message
//! can quote the input that caused it (a postcode, a name); logs must hold no personal
//! data. This hook logs only where the panic happened. The HTTP layer answers the request
//! with the opaque 500 (`middleware::panic_response`); the command line exits with one
//! line (`main`).

use std::panic::Location;

/// Replaces the process's panic hook with one that logs a single line naming the source
/// location, never the panic message and never a backtrace.
pub fn install() {
    std::panic::set_hook(Box::new(|info| {
        tracing::error!("{}", line(info.location()));
    }));
}

/// The one line logged for a panic at `location`.
pub fn line(location: Option<&Location<'_>>) -> String {
    match location {
        Some(at) => format!("panic at {}:{}", at.file(), at.line()),
        None => "panic at an unknown location".to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_line_names_the_place_and_nothing_else() {
        let here = Location::caller();
        let text = line(Some(here));
        assert_eq!(text, format!("panic at src/panic_hook.rs:{}", here.line()));
        assert_eq!(line(None), "panic at an unknown location");
    }
}
