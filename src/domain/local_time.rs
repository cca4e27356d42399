//! UK local time: instants are stored in UTC (naive, as both databases keep them) and
//! people read them in Europe/London, GMT in winter and BST in summer. The zone rules come
//! from the tz database (`chrono-tz`), the same source that gives the app its "today".
//!
//! Templates call it as a method on any stored instant, once the trait is in scope in the
//! handler's module (`use crate::domain::local_time::InLondon as _;`):
//! `{{ event.occurred_at.in_london() }}` reads "7 Dec 2026 at 14:05",
//! `{{ at.in_london().long() }}` reads "7 December 2026 at 14:05" (for sentences) and
//! `{{ at.in_london().date().format("%-d %B %Y") }}` is the London calendar date. Times are
//! shown without a zone name: every time on a page is UK time, as people in the UK expect.

use std::fmt;

use chrono::{DateTime, NaiveDate, NaiveDateTime, TimeZone, Utc};
use chrono_tz::Europe::London;
use chrono_tz::Tz;

/// An instant as a clock in London shows it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LondonTime(DateTime<Tz>);

impl LondonTime {
    /// The London time of `utc`, a UTC instant as stored.
    pub fn from_utc(utc: NaiveDateTime) -> LondonTime {
        LondonTime(London.from_utc_datetime(&utc))
    }

    /// The calendar date in London (an instant at 23:30 UTC in summer is the next day).
    pub fn date(self) -> NaiveDate {
        self.0.date_naive()
    }

    /// The wall-clock date and time in London.
    pub fn naive(self) -> NaiveDateTime {
        self.0.naive_local()
    }

    /// "7 December 2026 at 14:05", for sentences.
    pub fn long(self) -> String {
        self.0.format("%-d %B %Y at %H:%M").to_string()
    }

    /// "GMT" or "BST", for a reader who needs to know which.
    pub fn zone(self) -> String {
        self.0.format("%Z").to_string()
    }

    /// The instant with its offset (`2026-06-07T15:05:00+01:00`), for a `<time datetime>`
    /// attribute.
    pub fn iso(self) -> String {
        self.0.format("%Y-%m-%dT%H:%M:%S%:z").to_string()
    }
}

/// "7 Dec 2026 at 14:05", for tables and lists.
impl fmt::Display for LondonTime {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.0.format("%-d %b %Y at %H:%M"))
    }
}

/// Reads a stored UTC instant in London time; in scope, templates write
/// `{{ at.in_london() }}`.
pub trait InLondon {
    /// The instant in London time.
    fn in_london(&self) -> LondonTime;
}

impl InLondon for NaiveDateTime {
    fn in_london(&self) -> LondonTime {
        LondonTime::from_utc(*self)
    }
}

impl InLondon for DateTime<Utc> {
    fn in_london(&self) -> LondonTime {
        LondonTime::from_utc(self.naive_utc())
    }
}

#[cfg(test)]
mod tests {
    use chrono::{Datelike, Duration, NaiveDate, Weekday};

    use super::*;

    fn utc(y: i32, m: u32, d: u32, h: u32, min: u32, s: u32) -> NaiveDateTime {
        NaiveDate::from_ymd_opt(y, m, d)
            .unwrap()
            .and_hms_opt(h, min, s)
            .unwrap()
    }

    /// The statutory rule (Summer Time Order 2002): BST from 01:00 UTC on the last Sunday
    /// of March to 01:00 UTC on the last Sunday of October.
    fn statutory_offset_hours(at: NaiveDateTime) -> i64 {
        let last_sunday = |month: u32| {
            let mut d =
                NaiveDate::from_ymd_opt(at.year(), month + 1, 1).unwrap() - Duration::days(1);
            while d.weekday() != Weekday::Sun {
                d -= Duration::days(1);
            }
            d.and_hms_opt(1, 0, 0).unwrap()
        };
        i64::from(at >= last_sunday(3) && at < last_sunday(10))
    }

    #[test]
    fn winter_is_gmt_and_summer_is_bst() {
        let winter = utc(2026, 12, 7, 14, 5, 0).in_london();
        assert_eq!(winter.to_string(), "7 Dec 2026 at 14:05");
        assert_eq!(winter.long(), "7 December 2026 at 14:05");
        assert_eq!(winter.zone(), "GMT");
        let summer = utc(2026, 6, 7, 14, 5, 0).in_london();
        assert_eq!(summer.to_string(), "7 Jun 2026 at 15:05");
        assert_eq!(summer.zone(), "BST");
        assert_eq!(summer.iso(), "2026-06-07T15:05:00+01:00");
    }

    #[test]
    fn the_clocks_change_at_one_in_the_morning_utc_on_the_last_sundays() {
        // 2026: Sunday 29 March and Sunday 25 October.
        assert_eq!(
            utc(2026, 3, 29, 0, 59, 59).in_london().to_string(),
            "29 Mar 2026 at 00:59"
        );
        assert_eq!(
            utc(2026, 3, 29, 1, 0, 0).in_london().to_string(),
            "29 Mar 2026 at 02:00"
        );
        assert_eq!(
            utc(2026, 10, 25, 0, 59, 59).in_london().to_string(),
            "25 Oct 2026 at 01:59"
        );
        assert_eq!(
            utc(2026, 10, 25, 1, 0, 0).in_london().to_string(),
            "25 Oct 2026 at 01:00"
        );
        assert_eq!(utc(2026, 10, 25, 1, 0, 0).in_london().zone(), "GMT");
    }

    #[test]
    fn a_late_evening_in_summer_is_the_next_day_in_london() {
        let at = utc(2026, 7, 31, 23, 30, 0).in_london();
        assert_eq!(at.date(), NaiveDate::from_ymd_opt(2026, 8, 1).unwrap());
        assert_eq!(utc(2026, 1, 31, 23, 30, 0).in_london().date().day(), 31);
    }

    #[test]
    fn the_tz_database_agrees_with_the_statutory_rule_hour_by_hour() {
        for year in [2025, 2026, 2027, 2030, 2037] {
            let mut at = utc(year, 1, 1, 0, 30, 0);
            while at.year() == year {
                let offset = at.in_london().naive() - at;
                assert_eq!(offset.num_hours(), statutory_offset_hours(at), "{at}");
                at += Duration::hours(1);
            }
        }
    }
}
