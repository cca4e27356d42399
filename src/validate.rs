//! Checks shared by forms, the API and the command line, each returning the message a
//! person reads next to the field.

/// The longest single-line text accepted anywhere (names, venues, titles).
pub const MAX_TEXT: usize = 200;

/// Trims `value` and checks it is present and not too long.
pub fn required_text(value: &str, what: &str, max: usize) -> Result<String, String> {
    let value = value.trim();
    if value.is_empty() {
        return Err(format!("Enter {what}"));
    }
    if value.chars().count() > max {
        return Err(format!(
            "{} must be {max} characters or less",
            capitalise(what)
        ));
    }
    if value.chars().any(char::is_control) {
        return Err(format!(
            "{} must not contain control characters",
            capitalise(what)
        ));
    }
    Ok(value.to_owned())
}

/// Normalises (trim, lower-case) and checks an email address: one `@`, a local part, and
/// a domain with a dot and no spaces.
pub fn email(value: &str) -> Result<String, String> {
    let value = value.trim().to_lowercase();
    if value.is_empty() {
        return Err("Enter an email address".into());
    }
    let valid = value.len() <= 254
        && value.split('@').count() == 2
        && value.split_once('@').is_some_and(|(local, domain)| {
            !local.is_empty()
                && domain.contains('.')
                && !domain.starts_with('.')
                && !domain.ends_with('.')
                && !domain.contains("..")
        })
        && !value
            .chars()
            .any(|c| c.is_whitespace() || c.is_control() || matches!(c, '<' | '>' | ',' | ';'));
    if valid {
        Ok(value)
    } else {
        Err("Enter an email address in the correct format, like name@example.org".into())
    }
}

fn capitalise(s: &str) -> String {
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
    fn emails_are_normalised_and_checked() {
        assert_eq!(
            email("  Amina.Khan@Example.ORG ").unwrap(),
            "amina.khan@example.org"
        );
        for bad in [
            "",
            "amina",
            "amina@",
            "@example.org",
            "a@b",
            "a b@example.org",
            "a@@example.org",
            "a@example..org",
        ] {
            assert!(email(bad).is_err(), "{bad:?} accepted");
        }
    }

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
    }
}
