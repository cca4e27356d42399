//! Failed sign-in counts per account, in the database so every app server applies the
//! same limit.

use chrono::{NaiveDateTime, TimeDelta};
use diesel::prelude::*;

use crate::db::DbConnection;
use crate::schema::login_throttles;

/// Failures allowed before delays begin.
pub const FREE_FAILURES: i32 = 5;
/// First delay after the free failures; it doubles with each further failure.
const FIRST_DELAY_SECS: i64 = 30;
/// The delay never grows past this: slowed down, never locked out.
const MAX_DELAY_SECS: i64 = 15 * 60;
/// A quiet day forgets earlier failures.
const FORGET_AFTER: TimeDelta = TimeDelta::hours(24);

/// The failure record of one account (keyed by the email typed).
#[derive(Debug, Clone, Queryable, Selectable, Insertable, AsChangeset)]
#[diesel(table_name = login_throttles)]
#[diesel(treat_none_as_null = true)]
pub struct LoginThrottle {
    /// Normalised email.
    pub email: String,
    /// Consecutive failures.
    pub failures: i32,
    /// Time of the last failure.
    pub last_failed_at: NaiveDateTime,
    /// No attempt is checked before this time.
    pub blocked_until: Option<NaiveDateTime>,
}

impl LoginThrottle {
    /// Seconds until `email` may try again, if it is blocked now.
    pub fn blocked_for(
        conn: &mut DbConnection,
        email: &str,
        now: NaiveDateTime,
    ) -> QueryResult<Option<u64>> {
        let row: Option<LoginThrottle> = login_throttles::table
            .find(email)
            .select(LoginThrottle::as_select())
            .first(conn)
            .optional()?;
        Ok(row
            .and_then(|r| r.blocked_until)
            .filter(|until| *until > now)
            .map(|until| (until - now).num_seconds().max(1) as u64))
    }

    /// Counts a failure and sets the next delay: none for the first five failures, then
    /// 30 s doubling to at most 15 minutes.
    pub fn record_failure(
        conn: &mut DbConnection,
        email: &str,
        now: NaiveDateTime,
    ) -> QueryResult<LoginThrottle> {
        let existing: Option<LoginThrottle> = login_throttles::table
            .find(email)
            .select(LoginThrottle::as_select())
            .first(conn)
            .optional()?;
        let previous = existing
            .as_ref()
            .filter(|r| now - r.last_failed_at < FORGET_AFTER)
            .map_or(0, |r| r.failures);
        let failures = previous + 1;
        let row = LoginThrottle {
            email: email.to_owned(),
            failures,
            last_failed_at: now,
            blocked_until: delay_after(failures).map(|d| now + d),
        };
        if existing.is_some() {
            diesel::update(login_throttles::table.find(email))
                .set(&row)
                .execute(conn)?;
        } else {
            diesel::insert_into(login_throttles::table)
                .values(&row)
                .execute(conn)?;
        }
        Ok(row)
    }

    /// Forgets failures after a successful sign-in.
    pub fn clear(conn: &mut DbConnection, email: &str) -> QueryResult<()> {
        diesel::delete(login_throttles::table.find(email))
            .execute(conn)
            .map(drop)
    }
}

/// The wait imposed after `failures` consecutive failures.
pub fn delay_after(failures: i32) -> Option<TimeDelta> {
    if failures < FREE_FAILURES {
        return None;
    }
    let doublings = (failures - FREE_FAILURES).min(10) as u32;
    let secs = (FIRST_DELAY_SECS << doublings).min(MAX_DELAY_SECS);
    Some(TimeDelta::seconds(secs))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn delays_grow_and_are_capped() {
        assert_eq!(delay_after(4), None);
        assert_eq!(delay_after(5), Some(TimeDelta::seconds(30)));
        assert_eq!(delay_after(6), Some(TimeDelta::seconds(60)));
        assert_eq!(delay_after(9), Some(TimeDelta::seconds(480)));
        assert_eq!(delay_after(10), Some(TimeDelta::seconds(900)));
        assert_eq!(delay_after(1000), Some(TimeDelta::seconds(900)));
    }

    #[test]
    fn at_most_a_few_dozen_checked_failures_an_hour() {
        // ASVS 2.2.1: no more than 100 failed attempts an hour on one account.
        let (mut failures, mut elapsed) = (0, 0i64);
        while elapsed < 3600 {
            failures += 1;
            elapsed += delay_after(failures).map_or(0, |d| d.num_seconds());
        }
        assert!(failures < 20, "{failures} attempts were checked in an hour");
    }
}
