//! Checks shared by forms, the API and the command line, each returning the message a
//! person reads next to the field. Free text lives here; contact details (email,
//! postcode, phone) in `contact.rs` and dates in `dates.rs`, re-exported so callers keep
//! writing `validate::date`, `validate::postcode` and so on.

mod contact;
mod dates;
pub mod fold;

pub use contact::{email, phone, postcode};
pub use dates::{YEARS, date, date_in_range, date_parts, past_date};

/// The longest single-line text accepted anywhere (names, venues, titles).
pub const MAX_TEXT: usize = 200;

/// Whether a text field may hold line breaks and tabs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lines {
    /// One line: names, titles, venues, topics, search terms.
    One,
    /// Several lines: notes and descriptions keep line breaks and tabs.
    Many,
}

/// True when `value` holds a control character (Unicode category Cc: NUL, escape, the
/// C1 controls…) that `lines` does not allow. PostgreSQL refuses NUL in text, and the
/// rest have no meaning in a name or note and can hide text on a screen or in a CSV.
pub fn has_control(value: &str, lines: Lines) -> bool {
    value
        .chars()
        .any(|c| c.is_control() && !(lines == Lines::Many && matches!(c, '\n' | '\r' | '\t')))
}

/// The one check every free-text field and query parameter goes through: trims `value`
/// and checks it is at most `max` characters with no control characters (see
/// [`has_control`]). Blank is allowed and gives an empty string; `what` names the field
/// in messages ("the venue").
pub fn text(value: &str, what: &str, max: usize, lines: Lines) -> Result<String, String> {
    // Control characters are looked for before trimming, so a one-line field with a
    // trailing line break is refused rather than silently trimmed (as the API documents).
    let control = has_control(value, lines);
    let value = value.trim();
    if value.chars().count() > max {
        return Err(format!(
            "{} must be {max} characters or less",
            capitalise(what)
        ));
    }
    if control {
        return Err(format!(
            "{} must not contain control characters",
            capitalise(what)
        ));
    }
    Ok(value.to_owned())
}

/// [`text`] for a field that may be left out: `None` when absent or blank.
pub fn optional_text(
    value: Option<&str>,
    what: &str,
    max: usize,
    lines: Lines,
) -> Result<Option<String>, String> {
    let value = text(value.unwrap_or_default(), what, max, lines)?;
    Ok(Some(value).filter(|v| !v.is_empty()))
}

/// [`text`] for a one-line field that must be filled in.
pub fn required_text(value: &str, what: &str, max: usize) -> Result<String, String> {
    if value.trim().is_empty() {
        return Err(format!("Enter {what}"));
    }
    text(value, what, max, Lines::One)
}

/// The search box (`?q=`): a name or the start of a postcode, at most 200 characters.
pub fn search(value: &str) -> Result<String, String> {
    text(value, "the search", 200, Lines::One)
}

pub(crate) fn capitalise(s: &str) -> String {
    let s = s
        .strip_prefix("a ")
        .or_else(|| s.strip_prefix("an "))
        .or_else(|| s.strip_prefix("the "))
        .unwrap_or(s);
    let mut chars = s.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn required_text_trims_and_limits() {
        assert_eq!(
            required_text("  Siobhán  ", "a name", 10).unwrap(),
            "Siobhán"
        );
        assert_eq!(
            required_text(" ", "a name", 10).unwrap_err(),
            "Enter a name"
        );
        assert_eq!(
            required_text("abcdefghijk", "a name", 10).unwrap_err(),
            "Name must be 10 characters or less"
        );
        assert!(required_text("a\u{0}b", "a name", 10).is_err());
        assert!(required_text("Amina\n", "a name", 10).is_err());
        assert!(required_text("\tAmina", "a name", 10).is_err());
    }
}
