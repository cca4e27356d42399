//! The statutory rules for England and Wales bank holidays (Banking and Financial
//! Dealings Act 1971 and the royal proclamations that settled the May and August days):
//! New Year's Day, Good Friday, Easter Monday, the first and last Mondays of May, the
//! last Monday of August, Christmas Day and Boxing Day, with a weekday substitute for a
//! fixed holiday that falls at a weekend.

use chrono::{Datelike, NaiveDate, TimeDelta, Weekday};

use super::BankHoliday;

/// Easter Sunday in the Gregorian calendar (the anonymous "Meeus/Jones/Butcher"
/// computus), for years 1583 onwards.
pub fn easter_sunday(year: i32) -> Option<NaiveDate> {
    let a = year % 19;
    let b = year / 100;
    let c = year % 100;
    let d = b / 4;
    let e = b % 4;
    let f = (b + 8) / 25;
    let g = (b - f + 1) / 3;
    let h = (19 * a + b - d - g + 15) % 30;
    let i = c / 4;
    let k = c % 4;
    let l = (32 + 2 * e + 2 * i - h - k) % 7;
    let m = (a + 11 * h + 22 * l) / 451;
    let month = (h + l - 7 * m + 114) / 31;
    let day = (h + l - 7 * m + 114) % 31 + 1;
    NaiveDate::from_ymd_opt(year, u32::try_from(month).ok()?, u32::try_from(day).ok()?)
}

/// The first Monday of a month.
fn first_monday(year: i32, month: u32) -> Option<NaiveDate> {
    NaiveDate::from_weekday_of_month_opt(year, month, Weekday::Mon, 1)
}

/// The last Monday of a month.
fn last_monday(year: i32, month: u32) -> Option<NaiveDate> {
    let first_of_next = if month == 12 {
        NaiveDate::from_ymd_opt(year + 1, 1, 1)?
    } else {
        NaiveDate::from_ymd_opt(year, month + 1, 1)?
    };
    let last = first_of_next.pred_opt()?;
    let back = i64::from(last.weekday().num_days_from_monday());
    Some(last - TimeDelta::days(back))
}

fn holiday(date: NaiveDate, title: &'static str, substitute: bool) -> BankHoliday {
    BankHoliday {
        date,
        title,
        substitute,
        provisional: true,
    }
}

fn is_weekend(date: NaiveDate) -> bool {
    matches!(date.weekday(), Weekday::Sat | Weekday::Sun)
}

/// The holidays the rules give for `year`, in date order, marked provisional (callers
/// clear the mark for years already past publication). Empty for years the calendar
/// cannot hold.
pub fn statutory(year: i32) -> Vec<BankHoliday> {
    let Some(days) = statutory_days(year) else {
        return Vec::new();
    };
    let mut days = days;
    days.sort_by_key(|d| d.date);
    days
}

fn statutory_days(year: i32) -> Option<Vec<BankHoliday>> {
    let mut days = Vec::new();
    // New Year's Day, or the Monday after when it falls at a weekend.
    let new_year = NaiveDate::from_ymd_opt(year, 1, 1)?;
    let mut monday = new_year;
    while is_weekend(monday) {
        monday = monday.succ_opt()?;
    }
    days.push(holiday(monday, "New Year's Day", monday != new_year));
    let easter = easter_sunday(year)?;
    days.push(holiday(easter - TimeDelta::days(2), "Good Friday", false));
    days.push(holiday(easter + TimeDelta::days(1), "Easter Monday", false));
    days.push(holiday(
        first_monday(year, 5)?,
        "Early May bank holiday",
        false,
    ));
    days.push(holiday(last_monday(year, 5)?, "Spring bank holiday", false));
    days.push(holiday(last_monday(year, 8)?, "Summer bank holiday", false));
    // Christmas and Boxing Day: each that falls at a weekend is given the next weekday
    // not already a holiday (so a Saturday Christmas moves to Monday and a Sunday Boxing
    // Day to Tuesday; a Sunday Christmas moves to Tuesday, after Boxing Day).
    let christmas = NaiveDate::from_ymd_opt(year, 12, 25)?;
    let boxing = NaiveDate::from_ymd_opt(year, 12, 26)?;
    let mut taken: Vec<NaiveDate> = Vec::new();
    let mut fixed = vec![(christmas, "Christmas Day"), (boxing, "Boxing Day")];
    // A weekday Boxing Day keeps its own date before Christmas looks for a substitute.
    fixed.sort_by_key(|(d, _)| is_weekend(*d));
    for (date, title) in fixed {
        let mut day = date;
        while is_weekend(day) || taken.contains(&day) {
            day = day.succ_opt()?;
        }
        taken.push(day);
        days.push(holiday(day, title, day != date));
    }
    Some(days)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn date(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    #[test]
    fn easter_falls_on_the_known_sundays() {
        assert_eq!(easter_sunday(2024), Some(date(2024, 3, 31)));
        assert_eq!(easter_sunday(2025), Some(date(2025, 4, 20)));
        assert_eq!(easter_sunday(2038), Some(date(2038, 4, 25)));
        assert_eq!(easter_sunday(2285), Some(date(2285, 3, 22)));
    }

    #[test]
    fn weekend_christmases_get_substitutes() {
        // 2032: Christmas on a Saturday, Boxing Day on a Sunday.
        let late: Vec<_> = statutory(2032)
            .into_iter()
            .filter(|d| d.date.month() == 12)
            .map(|d| (d.date, d.title, d.substitute))
            .collect();
        assert_eq!(
            late,
            [
                (date(2032, 12, 27), "Christmas Day", true),
                (date(2032, 12, 28), "Boxing Day", true)
            ]
        );
        // 2033: Christmas on a Sunday.
        let late: Vec<_> = statutory(2033)
            .into_iter()
            .filter(|d| d.date.month() == 12)
            .map(|d| (d.date, d.title, d.substitute))
            .collect();
        assert_eq!(
            late,
            [
                (date(2033, 12, 26), "Boxing Day", false),
                (date(2033, 12, 27), "Christmas Day", true)
            ]
        );
        assert!(statutory(2032).iter().all(|d| d.provisional));
    }
}
