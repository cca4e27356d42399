//! Dates given by a person: one written date, a date in three boxes, and the one year
//! range every date passes.

use super::capitalise;

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

#[cfg(test)]
mod tests {
    use super::*;

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
}
