//! Checks shared by forms, the API and the command line, each returning the message a
//! person reads next to the field.

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

/// The years a date given by a person may fall in. Nothing in the service happens
/// before 1900 (the oldest resident is 100) or after 2100; a wider year is a typing slip
/// (`1066`, `-0001`) that would otherwise be stored and counted in reports.
pub const YEARS: std::ops::RangeInclusive<i32> = 1900..=2100;

/// The one range check every date given by a person passes: the year is within
/// [`YEARS`]. `what` names the date in the message ("Consent date").
pub fn date_in_range(date: chrono::NaiveDate, what: &str) -> Result<chrono::NaiveDate, String> {
    if YEARS.contains(&chrono::Datelike::year(&date)) {
        Ok(date)
    } else {
        Err(format!(
            "{} must be between {} and {}",
            capitalise(what),
            YEARS.start(),
            YEARS.end()
        ))
    }
}

/// Parses a date written `YYYY-MM-DD` or, as in UK spreadsheets, `DD/MM/YYYY`, with a
/// four-digit year in [`YEARS`].
pub fn date(value: &str) -> Option<chrono::NaiveDate> {
    let value = value.trim();
    // chrono reads signed and longer years ("-0001", "+10000"); a person types four digits.
    if !value
        .chars()
        .all(|c| c.is_ascii_digit() || matches!(c, '-' | '/'))
        || value.starts_with('-')
    {
        return None;
    }
    chrono::NaiveDate::parse_from_str(value, "%Y-%m-%d")
        .or_else(|_| chrono::NaiveDate::parse_from_str(value, "%d/%m/%Y"))
        .ok()
        .and_then(|d| date_in_range(d, "date").ok())
}

/// A date that has happened: [`date`], on or before `today`. `what` names it in messages
/// ("Offer date"), `example` shows the format ("2026-01-05").
pub fn past_date(
    value: &str,
    what: &str,
    example: &str,
    today: chrono::NaiveDate,
) -> Result<chrono::NaiveDate, String> {
    match date(value) {
        Some(d) if d <= today => Ok(d),
        Some(_) => Err(format!("{what} must be today or in the past")),
        None => Err(format!("{what} must be a real date, like {example}")),
    }
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
    let digits = |s: &str| s.bytes().all(|b| b.is_ascii_digit());
    // `parse` alone takes a sign: "-001" is four characters and year -1.
    let parsed = match (day.parse::<u32>(), month_number, year.parse::<i32>()) {
        (Ok(d), Some(m), Ok(y)) if year.len() == 4 && digits(year) && digits(day) => {
            chrono::NaiveDate::from_ymd_opt(y, m, d)
        }
        _ => None,
    };
    date_in_range(
        parsed.ok_or_else(|| format!("{what} must be a real date"))?,
        what,
    )
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

    #[test]
    fn dates_in_two_formats_and_three_boxes() {
        let d = chrono::NaiveDate::from_ymd_opt(2007, 3, 27).unwrap();
        assert_eq!(date("2007-03-27"), Some(d));
        assert_eq!(date("27/03/2007"), Some(d));
        assert_eq!(date("2007-02-30"), None);
        for out_of_range in [
            "-0001-01-01",
            "1066-10-14",
            "+2007-03-27",
            "2101-01-01",
            "0001-01-01",
        ] {
            assert_eq!(date(out_of_range), None, "{out_of_range}");
        }
        assert_eq!(
            date_parts("14", "10", "1066", "Consent date").unwrap_err(),
            "Consent date must be between 1900 and 2100"
        );
        assert_eq!(
            date_parts("1", "1", "-001", "Consent date").unwrap_err(),
            "Consent date must be a real date"
        );
        assert_eq!(
            date_parts("+1", "1", "2007", "Consent date").unwrap_err(),
            "Consent date must be a real date"
        );
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
        assert!(required_text("Amina\n", "a name", 10).is_err());
        assert!(required_text("\tAmina", "a name", 10).is_err());
    }
}
