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

/// Normalises a UK postcode (`ls97tf` → `LS9 7TF`) and checks its shape: an outward code
/// of one or two letters, a digit and an optional letter or digit, then a digit and two
/// letters.
pub fn postcode(value: &str) -> Result<String, String> {
    let compact: String = value
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect::<String>()
        .to_uppercase();
    if compact.is_empty() {
        return Err("Enter a postcode".into());
    }
    let valid = compact == "GIR0AA" || {
        let b = compact.as_bytes();
        let n = b.len();
        // ASCII only: the split below is by bytes.
        (5..=7).contains(&n) && compact.is_ascii() && {
            let (outward, inward) = compact.split_at(n - 3);
            let i = inward.as_bytes();
            let o = outward.as_bytes();
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
        return Err("Enter a real postcode, like LS9 7TF".into());
    }
    let (outward, inward) = compact.split_at(compact.len() - 3);
    Ok(format!("{outward} {inward}"))
}

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

/// Parses a date written `YYYY-MM-DD` or, as in UK spreadsheets, `DD/MM/YYYY`.
pub fn date(value: &str) -> Option<chrono::NaiveDate> {
    let value = value.trim();
    chrono::NaiveDate::parse_from_str(value, "%Y-%m-%d")
        .or_else(|_| chrono::NaiveDate::parse_from_str(value, "%d/%m/%Y"))
        .ok()
        .filter(|d| (1900..=2200).contains(&chrono::Datelike::year(d)))
}

/// A date typed in three boxes (GOV.UK date input): day, month (number or name, e.g.
/// "jan"), year. `what` names the date in messages ("Date of birth"). Reports one problem
/// in the order missing, then impossible.
pub fn date_parts(
    day: &str,
    month: &str,
    year: &str,
    what: &str,
) -> Result<chrono::NaiveDate, String> {
    let (day, month, year) = (day.trim(), month.trim(), year.trim());
    if day.is_empty() && month.is_empty() && year.is_empty() {
        return Err(format!("Enter {}", what.to_lowercase()));
    }
    for (part, name) in [(day, "day"), (month, "month"), (year, "year")] {
        if part.is_empty() {
            return Err(format!("{what} must include a {name}"));
        }
    }
    let month_number = month.parse::<u32>().ok().or_else(|| {
        const NAMES: [&str; 12] = [
            "jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec",
        ];
        let lower = month.to_lowercase();
        NAMES
            .iter()
            .position(|n| lower.starts_with(n))
            .map(|i| i as u32 + 1)
    });
    let parsed = match (day.parse::<u32>(), month_number, year.parse::<i32>()) {
        (Ok(d), Some(m), Ok(y)) if year.len() == 4 => chrono::NaiveDate::from_ymd_opt(y, m, d),
        _ => None,
    };
    parsed.ok_or_else(|| format!("{what} must be a real date"))
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

    #[test]
    fn dates_in_two_formats_and_three_boxes() {
        let d = chrono::NaiveDate::from_ymd_opt(2007, 3, 27).unwrap();
        assert_eq!(date("2007-03-27"), Some(d));
        assert_eq!(date("27/03/2007"), Some(d));
        assert_eq!(date("2007-02-30"), None);
        assert_eq!(date_parts("27", "3", "2007", "Date of birth"), Ok(d));
        assert_eq!(date_parts("27", "March", "2007", "Date of birth"), Ok(d));
        assert_eq!(
            date_parts("", "", "", "Date of birth").unwrap_err(),
            "Enter date of birth"
        );
        assert_eq!(
            date_parts("27", "", "2007", "Date of birth").unwrap_err(),
            "Date of birth must include a month"
        );
        assert_eq!(
            date_parts("31", "2", "2007", "Date of birth").unwrap_err(),
            "Date of birth must be a real date"
        );
        assert_eq!(
            date_parts("1", "1", "07", "Date of birth").unwrap_err(),
            "Date of birth must be a real date"
        );
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
