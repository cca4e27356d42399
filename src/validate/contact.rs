//! Contact details a person types: email addresses, UK postcodes and UK phone numbers.

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

/// Normalises a UK postcode (`ls97tf` → `LS9 7TF`) and checks its shape: an outward code
/// of one or two letters, a digit and an optional letter or digit, then a digit and two
/// letters.
pub fn postcode(value: &str) -> Result<String, String> {
    let compact: String = value.chars().filter(|c| !c.is_whitespace()).collect();
    if compact.is_empty() {
        return Err("Enter a postcode".into());
    }
    // Checked before upper-casing: some letters upper-case to ASCII ("ß" → "SS"), and the
    // byte positions below are only character positions for ASCII.
    if compact.len() > 7 || !compact.chars().all(|c| c.is_ascii_alphanumeric()) {
        return Err(POSTCODE_FORMAT.into());
    }
    let compact = compact.to_ascii_uppercase();
    let valid = compact == "GIR0AA" || {
        let b = compact.as_bytes();
        let n = b.len();
        (5..=7).contains(&n) && {
            let (o, i) = b.split_at(n - 3);
            let inward_ok =
                i[0].is_ascii_digit() && i[1].is_ascii_alphabetic() && i[2].is_ascii_alphabetic();
            let letters = o.iter().take_while(|c| c.is_ascii_alphabetic()).count();
            let rest = &o[letters..];
            let outward_ok = (1..=2).contains(&letters)
                && !rest.is_empty()
                && rest.len() <= 2
                && rest[0].is_ascii_digit()
                && rest.get(1).is_none_or(|c| c.is_ascii_alphanumeric());
            inward_ok && outward_ok
        }
    };
    if !valid {
        return Err(POSTCODE_FORMAT.into());
    }
    let (outward, inward) = compact.split_at(compact.len() - 3);
    Ok(format!("{outward} {inward}"))
}

const POSTCODE_FORMAT: &str = "Enter a real postcode, like LS9 7TF";

/// Checks a UK phone number: digits with optional spaces, dashes, brackets and a leading
/// `+44`; 10 or 11 digits starting 0, or +44 and 9 or 10 digits. Kept as typed, trimmed.
pub fn phone(value: &str) -> Result<String, String> {
    let value = value.trim();
    let allowed = value
        .chars()
        .all(|c| c.is_ascii_digit() || matches!(c, ' ' | '-' | '(' | ')' | '+'));
    let digits: String = value.chars().filter(char::is_ascii_digit).collect();
    let ok = allowed
        && if value.starts_with("+44") {
            (11..=12).contains(&digits.len()) && !digits[2..].starts_with('0')
        } else {
            !value.contains('+') && digits.starts_with('0') && (10..=11).contains(&digits.len())
        };
    if ok {
        Ok(value.to_owned())
    } else {
        Err("Enter a UK phone number, like 0113 245 6789 or +44 7700 900123".into())
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
    fn postcodes_are_normalised_and_checked() {
        assert_eq!(postcode("ls97tf").unwrap(), "LS9 7TF");
        assert_eq!(postcode("  LS9 7TF ").unwrap(), "LS9 7TF");
        assert_eq!(postcode("m1 1ae").unwrap(), "M1 1AE");
        assert_eq!(postcode("EC1A1BB").unwrap(), "EC1A 1BB");
        assert_eq!(postcode("w1a 0ax").unwrap(), "W1A 0AX");
        for bad in [
            "",
            "LS9",
            "12345",
            "LS9 7T1",
            "LSS9 7TF",
            "L 7TF",
            "LS9 7TF X",
            "LS9Ä TF",
            "LS9 7TÄ",
            "ÄLS9 7TF",
            "LSß 7TF",
            "ＬＳ９ ７ＴＦ",
            "LS9\u{0}7TF",
            "/\u{1d02f})",
        ] {
            assert!(postcode(bad).is_err(), "{bad:?} accepted");
        }
    }

    #[test]
    fn phones_are_checked() {
        for good in [
            "0113 245 6789",
            "07700 900123",
            "+44 7700 900123",
            "(0113) 245-6789",
        ] {
            assert!(phone(good).is_ok(), "{good}");
        }
        for bad in [
            "123",
            "7700 900123",
            "+44 07700 900123",
            "0113 245 6789 ext 2",
            "+1 555 0100",
        ] {
            assert!(phone(bad).is_err(), "{bad}");
        }
    }
}
