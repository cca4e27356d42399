//! Which days a course can run on: weekdays that are neither a bank holiday nor one of
//! the programme's closure days; and moving planned days off closed ones, to the first
//! free working days after the course's last day, so the course keeps its length.

use std::collections::{BTreeMap, BTreeSet};

use chrono::{Datelike, NaiveDate, Weekday};

use super::bank_holidays::{self, BankHoliday};

/// Why a day is closed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Closed {
    /// An England and Wales bank holiday.
    BankHoliday(BankHoliday),
    /// A closure day the programme's administrator set, with its reason.
    Closure(String),
}

impl Closed {
    /// How a page names it: the holiday's name ("Christmas Day") or the closure's reason.
    pub fn describe(&self) -> String {
        match self {
            Closed::BankHoliday(day) => day.describe(),
            Closed::Closure(reason) => reason.clone(),
        }
    }
}

/// The days a programme's courses do not run: bank holidays and its closure days.
#[derive(Debug, Clone, Default)]
pub struct Calendar {
    closures: BTreeMap<NaiveDate, String>,
}

impl Calendar {
    /// The bank holidays and these closure days, each with its reason.
    pub fn new(closures: impl IntoIterator<Item = (NaiveDate, String)>) -> Self {
        Self {
            closures: closures.into_iter().collect(),
        }
    }

    /// Why `date` is closed, if it is: a closure day set for the programme first (its
    /// reason says more), then a bank holiday.
    pub fn closed(&self, date: NaiveDate) -> Option<Closed> {
        if let Some(reason) = self.closures.get(&date) {
            return Some(Closed::Closure(reason.clone()));
        }
        bank_holidays::on(date).map(Closed::BankHoliday)
    }

    /// A weekday that is not closed.
    pub fn is_working_day(&self, date: NaiveDate) -> bool {
        !matches!(date.weekday(), Weekday::Sat | Weekday::Sun) && self.closed(date).is_none()
    }
}

/// A planned day moved off a closed one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Moved {
    /// The day it was planned for.
    pub from: NaiveDate,
    /// The day it moved to.
    pub to: NaiveDate,
    /// Why `from` is closed.
    pub why: Closed,
}

/// Moves the planned days that fall on closed days (`planned`: dates in order, each with
/// what it carries) to the free working days after the last planned day, in order, so
/// the plan keeps its number of days. Returns the plan in date order and what moved.
pub fn avoid_closed_days<T>(
    planned: Vec<(NaiveDate, T)>,
    calendar: &Calendar,
) -> (Vec<(NaiveDate, T)>, Vec<Moved>) {
    let Some(last) = planned.iter().map(|(d, _)| *d).max() else {
        return (planned, Vec::new());
    };
    let taken: BTreeSet<NaiveDate> = planned.iter().map(|(d, _)| *d).collect();
    let mut next = last;
    let mut kept = Vec::with_capacity(planned.len());
    let mut moves = Vec::new();
    for (date, item) in planned {
        let Some(why) = calendar.closed(date) else {
            kept.push((date, item));
            continue;
        };
        // Closure days are finite and bank holidays few, so a free day always follows.
        loop {
            let Some(day) = next.succ_opt() else {
                return (kept, moves);
            };
            next = day;
            if calendar.is_working_day(day) && !taken.contains(&day) {
                break;
            }
        }
        moves.push(Moved {
            from: date,
            to: next,
            why,
        });
        kept.push((next, item));
    }
    kept.sort_by_key(|(d, _)| *d);
    (kept, moves)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn date(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    /// The weekdays from `from` for `n` weeks.
    fn weekdays(from: NaiveDate, weeks: u32) -> Vec<(NaiveDate, usize)> {
        from.iter_days()
            .take(weeks as usize * 7)
            .filter(|d| d.weekday().num_days_from_monday() < 5)
            .enumerate()
            .map(|(i, d)| (d, i))
            .collect()
    }

    #[test]
    fn christmas_and_new_year_move_after_the_last_day() {
        let planned = weekdays(date(2026, 11, 30), 6);
        assert_eq!(planned.len(), 30);
        let (days, moves) = avoid_closed_days(planned, &Calendar::default());
        assert_eq!(days.len(), 30);
        let moved: Vec<_> = moves.iter().map(|m| (m.from, m.to)).collect();
        assert_eq!(
            moved,
            [
                (date(2026, 12, 25), date(2027, 1, 11)),
                (date(2026, 12, 28), date(2027, 1, 12)),
                (date(2027, 1, 1), date(2027, 1, 13)),
            ]
        );
        assert_eq!(moves[0].why.describe(), "Christmas Day");
        // Each moved day keeps what it carried (here, its place in the plan).
        assert!(days.contains(&(date(2027, 1, 11), 19)));
        assert!(days.windows(2).all(|w| w[0].0 < w[1].0));
    }

    #[test]
    fn closure_days_are_skipped_too_also_where_moved_days_land() {
        let calendar = Calendar::new([
            (date(2026, 3, 4), "Inset day".to_owned()),
            (date(2026, 3, 9), "Site closure".to_owned()),
        ]);
        let planned = weekdays(date(2026, 3, 2), 1);
        let (days, moves) = avoid_closed_days(planned, &calendar);
        assert_eq!(moves.len(), 1);
        assert_eq!(moves[0].from, date(2026, 3, 4));
        assert_eq!(moves[0].to, date(2026, 3, 10));
        assert_eq!(moves[0].why, Closed::Closure("Inset day".into()));
        assert_eq!(days.len(), 5);
        assert!(calendar.is_working_day(date(2026, 3, 5)));
        assert!(!calendar.is_working_day(date(2026, 3, 7)));
    }
}
