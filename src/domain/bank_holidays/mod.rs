//! England and Wales bank holidays: the dates GOV.UK publishes, shipped as data
//! (`england-and-wales.csv`, embedded at build time), and for years after the last
//! published one the dates the statutory rules give (`rules`), marked provisional until
//! the file is updated. Special one-off holidays (jubilees, a state funeral) and moved
//! holidays appear only once published, which is why computed years are provisional.

mod rules;

use std::sync::LazyLock;

use chrono::{Datelike, NaiveDate};

pub use rules::{easter_sunday, statutory};

/// The published dates, as GOV.UK lists them.
const PUBLISHED: &str = include_str!("england-and-wales.csv");

/// One bank holiday.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BankHoliday {
    /// The day off.
    pub date: NaiveDate,
    /// Its name, as GOV.UK gives it ("Christmas Day").
    pub title: &'static str,
    /// A weekday given in place of a holiday that fell at a weekend.
    pub substitute: bool,
    /// Computed by the statutory rules, not yet published: it may still move.
    pub provisional: bool,
}

impl BankHoliday {
    /// The name as a page shows it: "Boxing Day (substitute day)", "Christmas Day,
    /// provisional".
    pub fn describe(&self) -> String {
        let mut text = self.title.to_owned();
        if self.substitute {
            text.push_str(" (substitute day)");
        }
        if self.provisional {
            text.push_str(", provisional");
        }
        text
    }
}

/// The published holidays in date order, read once.
static TABLE: LazyLock<Vec<BankHoliday>> = LazyLock::new(|| parse(PUBLISHED));

/// Reads the data file: `date,title,notes` lines after `#` comments and the header. The
/// file ships with the binary and is checked by the tests, so a bad line is a build
/// mistake: it is skipped rather than taking the server down.
fn parse(text: &'static str) -> Vec<BankHoliday> {
    let mut days: Vec<BankHoliday> = text
        .lines()
        .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
        .filter_map(|line| {
            let mut cells = line.splitn(3, ',');
            let date = NaiveDate::parse_from_str(cells.next()?, "%Y-%m-%d").ok()?;
            let title = cells.next()?.trim();
            let notes = cells.next().unwrap_or_default();
            Some(BankHoliday {
                date,
                title,
                substitute: notes.contains("Substitute"),
                provisional: false,
            })
        })
        .collect();
    days.sort_by_key(|d| d.date);
    days
}

/// The first and last years the data file covers.
pub fn published_years() -> (i32, i32) {
    let first = TABLE.first().map_or(i32::MAX, |d| d.date.year());
    let last = TABLE.last().map_or(i32::MIN, |d| d.date.year());
    (first, last)
}

/// A year's holidays: as published when the file covers it, otherwise by the statutory
/// rules (provisional after the last published year).
pub fn in_year(year: i32) -> Vec<BankHoliday> {
    let (first, last) = published_years();
    if (first..=last).contains(&year) {
        TABLE
            .iter()
            .filter(|d| d.date.year() == year)
            .copied()
            .collect()
    } else {
        let provisional = year > last;
        statutory(year)
            .into_iter()
            .map(|d| BankHoliday { provisional, ..d })
            .collect()
    }
}

/// The holiday on `date`, if it is one.
pub fn on(date: NaiveDate) -> Option<BankHoliday> {
    in_year(date.year()).into_iter().find(|d| d.date == date)
}

/// The holidays from `from` to `to`, both included, in date order.
pub fn between(from: NaiveDate, to: NaiveDate) -> Vec<BankHoliday> {
    (from.year()..=to.year())
        .flat_map(in_year)
        .filter(|d| (from..=to).contains(&d.date))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn date(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    #[test]
    fn every_line_of_the_data_file_is_read() {
        let lines = PUBLISHED
            .lines()
            .filter(|l| !l.starts_with('#') && !l.starts_with("date,"))
            .count();
        assert_eq!(TABLE.len(), lines);
        assert_eq!(published_years(), (2012, 2028));
    }

    #[test]
    fn the_2026_and_2027_dates_are_the_published_ones() {
        let days: Vec<_> = between(date(2026, 1, 1), date(2027, 12, 31))
            .iter()
            .map(|d| (d.date, d.title, d.substitute, d.provisional))
            .collect();
        assert_eq!(
            days,
            [
                (date(2026, 1, 1), "New Year's Day", false, false),
                (date(2026, 4, 3), "Good Friday", false, false),
                (date(2026, 4, 6), "Easter Monday", false, false),
                (date(2026, 5, 4), "Early May bank holiday", false, false),
                (date(2026, 5, 25), "Spring bank holiday", false, false),
                (date(2026, 8, 31), "Summer bank holiday", false, false),
                (date(2026, 12, 25), "Christmas Day", false, false),
                (date(2026, 12, 28), "Boxing Day", true, false),
                (date(2027, 1, 1), "New Year's Day", false, false),
                (date(2027, 3, 26), "Good Friday", false, false),
                (date(2027, 3, 29), "Easter Monday", false, false),
                (date(2027, 5, 3), "Early May bank holiday", false, false),
                (date(2027, 5, 31), "Spring bank holiday", false, false),
                (date(2027, 8, 30), "Summer bank holiday", false, false),
                (date(2027, 12, 27), "Christmas Day", true, false),
                (date(2027, 12, 28), "Boxing Day", true, false),
            ]
        );
    }

    #[test]
    fn the_rules_agree_with_every_ordinary_published_year() {
        // 2012 (diamond jubilee), 2020 (VE day), 2022 (platinum jubilee, state funeral)
        // and 2023 (coronation) had holidays moved or added by proclamation.
        for year in 2013..=2028 {
            if matches!(year, 2020 | 2022 | 2023) {
                continue;
            }
            let published: Vec<_> = TABLE
                .iter()
                .filter(|d| d.date.year() == year)
                .map(|d| (d.date, d.title, d.substitute))
                .collect();
            let computed: Vec<_> = statutory(year)
                .iter()
                .map(|d| (d.date, d.title, d.substitute))
                .collect();
            assert_eq!(computed, published, "{year}");
        }
    }

    #[test]
    fn later_years_are_computed_and_provisional() {
        let christmas = on(date(2032, 12, 27)).unwrap();
        assert_eq!(christmas.title, "Christmas Day");
        assert!(christmas.provisional && christmas.substitute);
        assert_eq!(
            christmas.describe(),
            "Christmas Day (substitute day), provisional"
        );
        assert_eq!(on(date(2026, 12, 24)), None);
        assert!(!on(date(2026, 12, 25)).unwrap().provisional);
        let boxing = on(date(2026, 12, 28)).unwrap();
        assert_eq!(boxing.describe(), "Boxing Day (substitute day)");
    }
}
