//! The one source of "now" and "today", injected so tests can move time (session
//! timeouts, sign-in throttling) without sleeping.

use std::sync::Mutex;

use chrono::{DateTime, NaiveDate, NaiveDateTime, TimeDelta, Timelike, Utc};

/// Supplies the current instant (UTC) and the calendar date in Europe/London.
pub trait Clock: Send + Sync + 'static {
    /// The current instant in UTC.
    fn now_utc(&self) -> DateTime<Utc>;

    /// The current instant as stored in the database: UTC, truncated to microseconds
    /// because PostgreSQL keeps no more (SQLite would keep nanoseconds and the two
    /// backends would then disagree).
    fn now(&self) -> NaiveDateTime {
        let now = self.now_utc().naive_utc();
        let micros = now.nanosecond() / 1_000 * 1_000;
        now.with_nanosecond(micros).unwrap_or(now)
    }

    /// Today's date in Europe/London, the date every report and rule uses.
    fn today(&self) -> NaiveDate {
        self.now_utc()
            .with_timezone(&chrono_tz::Europe::London)
            .date_naive()
    }
}

/// The real clock.
#[derive(Debug, Default, Clone, Copy)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now_utc(&self) -> DateTime<Utc> {
        Utc::now()
    }
}

/// A clock that stands still until told to move; for tests.
#[derive(Debug)]
pub struct ManualClock {
    now: Mutex<DateTime<Utc>>,
}

impl ManualClock {
    /// A clock showing `start`.
    pub fn new(start: DateTime<Utc>) -> Self {
        Self {
            now: Mutex::new(start),
        }
    }

    /// Moves the clock forward (or back, with a negative delta).
    pub fn advance(&self, delta: TimeDelta) {
        let mut now = self.now.lock().unwrap_or_else(|e| e.into_inner());
        *now += delta;
    }
}

impl Clock for ManualClock {
    fn now_utc(&self) -> DateTime<Utc> {
        *self.now.lock().unwrap_or_else(|e| e.into_inner())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn today_is_the_london_date_not_the_utc_date() {
        // 23:30 UTC on 30 June is 00:30 on 1 July in British Summer Time.
        let clock = ManualClock::new(Utc.with_ymd_and_hms(2026, 6, 30, 23, 30, 0).unwrap());
        assert_eq!(clock.today(), NaiveDate::from_ymd_opt(2026, 7, 1).unwrap());
        // In winter London is on UTC.
        let clock = ManualClock::new(Utc.with_ymd_and_hms(2026, 12, 31, 23, 30, 0).unwrap());
        assert_eq!(
            clock.today(),
            NaiveDate::from_ymd_opt(2026, 12, 31).unwrap()
        );
    }

    #[test]
    fn now_is_truncated_to_microseconds() {
        let clock = ManualClock::new(Utc.timestamp_opt(1_700_000_000, 123_456_789).unwrap());
        assert_eq!(clock.now().nanosecond(), 123_456_000);
    }
}
