//! A person's age in whole years, and the ages the programme takes residents at.

use std::ops::RangeInclusive;

use chrono::{Datelike, NaiveDate};

/// The ages a resident may be, on the day they are added and when a course starts.
pub const RESIDENT_AGES: RangeInclusive<i32> = 16..=100;

/// Whole years between `dob` and `on`.
pub fn years(dob: NaiveDate, on: NaiveDate) -> i32 {
    let mut age = on.year() - dob.year();
    if (on.month(), on.day()) < (dob.month(), dob.day()) {
        age -= 1;
    }
    age
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ages_count_whole_years() {
        let dob = NaiveDate::from_ymd_opt(2001, 11, 25).unwrap();
        assert_eq!(
            years(dob, NaiveDate::from_ymd_opt(2026, 11, 25).unwrap()),
            25
        );
        assert_eq!(
            years(dob, NaiveDate::from_ymd_opt(2026, 11, 24).unwrap()),
            24
        );
    }
}
