//! The report filters as people type them: each date in day, month and year boxes (the
//! boxes of `partials/fields.html`, named `from_day`, `from_month`, `from_year`, …), as
//! every form in the service takes dates, while the old `from=YYYY-MM-DD` query that
//! links and bookmarks carry is still read. A date that cannot be read is a problem
//! shown on the page, not a failed request.

use chrono::NaiveDate;
use serde::Deserialize;

use crate::error::FieldErrors;
use crate::validate;
use crate::web::forms::DateBoxes;

/// The report filters' query, as sent: every value as text so that nothing typed makes
/// the request fail before the page can say what was wrong.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct FilterQuery {
    programme_id: Option<String>,
    from: Option<String>,
    from_day: Option<String>,
    from_month: Option<String>,
    from_year: Option<String>,
    to: Option<String>,
    to_day: Option<String>,
    to_month: Option<String>,
    to_year: Option<String>,
    as_at: Option<String>,
    as_at_day: Option<String>,
    as_at_month: Option<String>,
    as_at_year: Option<String>,
    publishable: Option<String>,
}

/// One date filter: what its boxes show, and the date when it could be read.
#[derive(Debug, Clone, Default)]
pub struct DateFilter {
    /// The boxes as the page shows them again (as typed when there was a problem).
    pub boxes: DateBoxes,
    /// The date, when given and readable.
    pub date: Option<NaiveDate>,
}

/// The filters read from the query, with the problems found.
#[derive(Debug, Clone, Default)]
pub struct Filters {
    /// One programme.
    pub programme_id: Option<i32>,
    /// Cohorts starting on or after.
    pub from: DateFilter,
    /// Cohorts starting on or before.
    pub to: DateFilter,
    /// The as-at date (default today).
    pub as_at: DateFilter,
    /// Breakdown counts of 1–4 as `<5`.
    pub publishable: bool,
    /// Problems, keyed by the id of the first box of the date (`from`, `to`, `as_at`).
    pub errors: FieldErrors,
}

fn text(value: &Option<String>) -> &str {
    value.as_deref().unwrap_or_default()
}

/// Reads one date: the boxes when anything is typed in them, otherwise the old
/// `YYYY-MM-DD` value, otherwise none.
fn read_date(
    field: &str,
    what: &str,
    iso: &Option<String>,
    parts: [&Option<String>; 3],
    errors: &mut FieldErrors,
) -> DateFilter {
    let typed = DateBoxes {
        day: text(parts[0]).to_owned(),
        month: text(parts[1]).to_owned(),
        year: text(parts[2]).to_owned(),
    };
    if !typed.is_blank() {
        return match validate::date_parts(&typed.day, &typed.month, &typed.year, what) {
            Ok(d) => DateFilter {
                boxes: DateBoxes::of(Some(d)),
                date: Some(d),
            },
            Err(message) => {
                errors.add(field, message);
                DateFilter {
                    boxes: typed,
                    date: None,
                }
            }
        };
    }
    let iso = text(iso).trim();
    if iso.is_empty() {
        return DateFilter::default();
    }
    match validate::date(iso) {
        Some(d) => DateFilter {
            boxes: DateBoxes::of(Some(d)),
            date: Some(d),
        },
        None => {
            errors.add(field, format!("{what} must be a real date"));
            DateFilter {
                boxes: DateBoxes {
                    year: iso.to_owned(),
                    ..DateBoxes::default()
                },
                date: None,
            }
        }
    }
}

impl FilterQuery {
    /// The filters, with every problem found.
    pub fn read(&self) -> Filters {
        let mut errors = FieldErrors::new();
        let from = read_date(
            "from",
            "The first start date",
            &self.from,
            [&self.from_day, &self.from_month, &self.from_year],
            &mut errors,
        );
        let to = read_date(
            "to",
            "The last start date",
            &self.to,
            [&self.to_day, &self.to_month, &self.to_year],
            &mut errors,
        );
        let as_at = read_date(
            "as_at",
            "The as-at date",
            &self.as_at,
            [&self.as_at_day, &self.as_at_month, &self.as_at_year],
            &mut errors,
        );
        if let (Some(f), Some(t)) = (from.date, to.date)
            && f > t
        {
            errors.add("to", "The last start date must be on or after the first");
        }
        let programme_id = match text(&self.programme_id).trim() {
            "" => None,
            p => match p.parse::<i32>() {
                Ok(id) if id > 0 => Some(id),
                _ => {
                    errors.add("programme_id", "Choose a programme from the list");
                    None
                }
            },
        };
        let publishable = matches!(text(&self.publishable), "1" | "true" | "yes" | "on");
        Filters {
            programme_id,
            from,
            to,
            as_at,
            publishable,
            errors,
        }
    }
}

impl Filters {
    /// The programme report's filter (the report action sets the scope).
    pub fn programme(&self) -> crate::reports::ProgrammeFilter {
        crate::reports::ProgrammeFilter {
            programme_id: self.programme_id,
            from: self.from.date,
            to: self.to.date,
            scope: None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn query(pairs: &str) -> Filters {
        serde_urlencoded::from_str::<FilterQuery>(pairs)
            .expect("any text is read")
            .read()
    }

    #[test]
    fn boxes_old_dates_and_problems_are_all_read() {
        let f = query("from_day=5&from_month=jan&from_year=2026&to=2026-03-01");
        assert_eq!(f.from.date, NaiveDate::from_ymd_opt(2026, 1, 5));
        assert_eq!(f.to.date, NaiveDate::from_ymd_opt(2026, 3, 1));
        assert_eq!(f.to.boxes.month, "3");
        assert!(f.errors.is_empty());
        let bad = query("as_at_day=31&as_at_month=2&as_at_year=2026&from=2026-13-01");
        assert_eq!(
            bad.errors.get("as_at"),
            Some("The as-at date must be a real date")
        );
        assert!(bad.errors.get("from").is_some());
        assert_eq!(bad.as_at.boxes.day, "31");
        let backwards = query("from=2026-03-01&to=2026-01-01");
        assert!(backwards.errors.get("to").is_some());
    }
}
