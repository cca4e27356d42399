//! Failed sign-in counts per account and per client address, in the database so every app
//! server applies the same limit. Rows are named by a keyed hash (never what was typed),
//! and an attempt is counted *before* its password is checked, in one write transaction
//! that locks the rows, so parallel guesses queue on the count instead of racing past it.

use chrono::{NaiveDateTime, TimeDelta};
use diesel::prelude::*;

use crate::db::DbConnection;
use crate::schema::login_throttles;

/// Failures allowed on one account before delays begin.
pub const FREE_FAILURES: i32 = 5;
/// Failures allowed from one client address (spread over any accounts) before delays
/// begin: more than an account's, since colleagues may share an office address.
pub const FREE_ADDRESS_FAILURES: i32 = 20;
/// First delay after the free failures; it doubles with each further failure.
const FIRST_DELAY_SECS: i64 = 30;
/// The delay never grows past this: slowed down, never locked out.
const MAX_DELAY_SECS: i64 = 15 * 60;
/// A quiet day forgets earlier failures, and the row is then purged.
pub const FORGET_AFTER: TimeDelta = TimeDelta::hours(24);
/// Expired rows deleted per purge, so one failed sign-in never pays for a huge sweep.
const PURGE_BATCH: i64 = 1000;

/// What a throttle row counts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum ThrottleKind {
    /// One account (by its normalised email).
    Account,
    /// One client address.
    Address,
}

impl ThrottleKind {
    /// The stored code.
    pub fn as_str(self) -> &'static str {
        match self {
            ThrottleKind::Account => "account",
            ThrottleKind::Address => "address",
        }
    }

    /// Failures allowed before delays begin.
    pub fn free_failures(self) -> i32 {
        match self {
            ThrottleKind::Account => FREE_FAILURES,
            ThrottleKind::Address => FREE_ADDRESS_FAILURES,
        }
    }
}

/// The name of one throttle row.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ThrottleKey {
    /// What it counts.
    pub kind: ThrottleKind,
    /// Keyed hash of the email or address, hex (64 characters).
    pub key_hash: String,
}

/// A stored failure record.
#[derive(Debug, Clone, Queryable, Selectable, Insertable, AsChangeset)]
#[diesel(table_name = login_throttles)]
#[diesel(treat_none_as_null = true)]
struct Row {
    kind: String,
    key_hash: String,
    failures: i32,
    last_failed_at: NaiveDateTime,
    blocked_until: Option<NaiveDateTime>,
}

/// The decision for one sign-in attempt.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reservation {
    /// The attempt is counted as a failure already; check the password now, and on
    /// success [`LoginThrottle::settle_success`] takes it back. `failures` is the
    /// account's count including this attempt.
    Granted {
        /// Consecutive failures of the account, this attempt included.
        failures: i32,
    },
    /// Refused unchecked: wait this many seconds. Nothing was counted.
    Blocked {
        /// Seconds to wait.
        secs: u64,
        /// Which limit refused it.
        by: ThrottleKind,
    },
}

/// The failure records.
pub struct LoginThrottle;

impl LoginThrottle {
    /// Reserves one attempt against every key, atomically. Call it inside a write
    /// transaction: each row is locked (`SELECT … FOR UPDATE` on PostgreSQL; SQLite's
    /// `BEGIN IMMEDIATE` already serialises writers), so concurrent attempts on one
    /// account are decided one after another, each seeing the others' counts. Keys are
    /// locked in a fixed order so two attempts never wait for each other's rows.
    pub fn reserve(
        conn: &mut DbConnection,
        keys: &[ThrottleKey],
        now: NaiveDateTime,
    ) -> QueryResult<Reservation> {
        let mut ordered: Vec<&ThrottleKey> = keys.iter().collect();
        ordered.sort_by_key(|k| k.kind);
        let mut rows = Vec::with_capacity(ordered.len());
        for key in ordered {
            rows.push((key, lock_row(conn, key, now)?));
        }
        let blocked = rows
            .iter()
            .filter_map(|(key, row)| {
                let until = row.as_ref()?.blocked_until.filter(|u| *u > now)?;
                Some(((until - now).num_seconds().max(1) as u64, key.kind))
            })
            .max();
        if let Some((secs, by)) = blocked {
            return Ok(Reservation::Blocked { secs, by });
        }
        let mut account_failures = 0;
        for (key, row) in rows {
            let previous = row
                .as_ref()
                .filter(|r| now - r.last_failed_at < FORGET_AFTER)
                .map_or(0, |r| r.failures);
            let failures = previous + 1;
            let updated = Row {
                kind: key.kind.as_str().to_owned(),
                key_hash: key.key_hash.clone(),
                failures,
                last_failed_at: now,
                blocked_until: delay_after(key.kind, failures).map(|d| now + d),
            };
            if key.kind == ThrottleKind::Account {
                account_failures = failures;
            }
            diesel::update(login_throttles::table.find((key.kind.as_str(), &key.key_hash)))
                .set(&updated)
                .execute(conn)?;
        }
        Ok(Reservation::Granted {
            failures: account_failures,
        })
    }

    /// After a correct password: the account's failures are forgotten, and the address
    /// gets back the attempt reserved for it (its delay, if any, stands).
    pub fn settle_success(conn: &mut DbConnection, keys: &[ThrottleKey]) -> QueryResult<()> {
        for key in keys {
            let row = login_throttles::table.find((key.kind.as_str(), &key.key_hash));
            match key.kind {
                ThrottleKind::Account => diesel::delete(row).execute(conn)?,
                ThrottleKind::Address => diesel::update(row)
                    .filter(login_throttles::failures.gt(0))
                    .set(login_throttles::failures.eq(login_throttles::failures - 1))
                    .execute(conn)?,
            };
        }
        Ok(())
    }

    /// Deletes rows whose failures are forgotten (a quiet day), a batch at a time. On
    /// PostgreSQL rows another attempt holds are skipped, so the sweep never waits for,
    /// or deadlocks with, a sign-in.
    pub fn purge_expired(conn: &mut DbConnection, now: NaiveDateTime) -> QueryResult<usize> {
        let stale = login_throttles::table
            .filter(login_throttles::last_failed_at.le(now - FORGET_AFTER))
            .select((login_throttles::kind, login_throttles::key_hash))
            .limit(PURGE_BATCH);
        let found: Vec<(String, String)> = match conn {
            DbConnection::Postgresql(c) => stale.for_update().skip_locked().load(c)?,
            DbConnection::Sqlite(c) => stale.load(c)?,
        };
        let mut deleted = 0;
        for kind in [ThrottleKind::Account, ThrottleKind::Address] {
            let hashes: Vec<&str> = found
                .iter()
                .filter(|(k, _)| k == kind.as_str())
                .map(|(_, h)| h.as_str())
                .collect();
            if hashes.is_empty() {
                continue;
            }
            deleted += diesel::delete(
                login_throttles::table
                    .filter(login_throttles::kind.eq(kind.as_str()))
                    .filter(login_throttles::key_hash.eq_any(hashes))
                    .filter(login_throttles::last_failed_at.le(now - FORGET_AFTER)),
            )
            .execute(conn)?;
        }
        Ok(deleted)
    }

    /// Number of stored rows (for tests and operators).
    pub fn count(conn: &mut DbConnection) -> QueryResult<i64> {
        login_throttles::table.count().get_result(conn)
    }

    /// Every stored row's kind and key hash (for tests and operators: all there is).
    pub fn keys(conn: &mut DbConnection) -> QueryResult<Vec<(String, String)>> {
        login_throttles::table
            .select((login_throttles::kind, login_throttles::key_hash))
            .load(conn)
    }

    /// The failures recorded under `key`, if any (for tests).
    pub fn failures(conn: &mut DbConnection, key: &ThrottleKey) -> QueryResult<Option<i32>> {
        login_throttles::table
            .find((key.kind.as_str(), &key.key_hash))
            .select(login_throttles::failures)
            .first(conn)
            .optional()
    }
}

/// Makes sure the row exists and returns it locked for this transaction; `None` is never
/// returned on PostgreSQL unless a purge removed the row between the two statements, in
/// which case it is made again.
fn lock_row(
    conn: &mut DbConnection,
    key: &ThrottleKey,
    now: NaiveDateTime,
) -> QueryResult<Option<Row>> {
    let fresh = Row {
        kind: key.kind.as_str().to_owned(),
        key_hash: key.key_hash.clone(),
        failures: 0,
        last_failed_at: now,
        blocked_until: None,
    };
    let find = || login_throttles::table.find((key.kind.as_str(), &key.key_hash));
    match conn {
        DbConnection::Postgresql(c) => {
            for _ in 0..3 {
                // Two first attempts at once: one inserts, the other waits on the unique
                // key and then does nothing; both then queue on the row lock.
                diesel::insert_into(login_throttles::table)
                    .values(&fresh)
                    .on_conflict_do_nothing()
                    .execute(c)?;
                if let Some(row) = find()
                    .select(Row::as_select())
                    .for_update()
                    .first(c)
                    .optional()?
                {
                    return Ok(Some(row));
                }
            }
            Err(diesel::result::Error::NotFound)
        }
        DbConnection::Sqlite(c) => {
            let row = find().select(Row::as_select()).first(c).optional()?;
            if row.is_none() {
                diesel::insert_into(login_throttles::table)
                    .values(&fresh)
                    .execute(c)?;
            }
            Ok(row)
        }
    }
}

/// The wait imposed after `failures` consecutive failures of a `kind` key.
pub fn delay_after(kind: ThrottleKind, failures: i32) -> Option<TimeDelta> {
    let free = kind.free_failures();
    if failures < free {
        return None;
    }
    let doublings = (failures - free).min(10) as u32;
    let secs = (FIRST_DELAY_SECS << doublings).min(MAX_DELAY_SECS);
    Some(TimeDelta::seconds(secs))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn delays_grow_and_are_capped() {
        let account = |n| delay_after(ThrottleKind::Account, n);
        assert_eq!(account(4), None);
        assert_eq!(account(5), Some(TimeDelta::seconds(30)));
        assert_eq!(account(6), Some(TimeDelta::seconds(60)));
        assert_eq!(account(9), Some(TimeDelta::seconds(480)));
        assert_eq!(account(10), Some(TimeDelta::seconds(900)));
        assert_eq!(account(1000), Some(TimeDelta::seconds(900)));
        assert_eq!(delay_after(ThrottleKind::Address, 19), None);
        assert_eq!(
            delay_after(ThrottleKind::Address, 20),
            Some(TimeDelta::seconds(30))
        );
    }

    #[test]
    fn at_most_a_few_dozen_checked_failures_an_hour() {
        // ASVS 2.2.1: no more than 100 failed attempts an hour on one account.
        for kind in [ThrottleKind::Account, ThrottleKind::Address] {
            let (mut failures, mut elapsed) = (0, 0i64);
            while elapsed < 3600 {
                failures += 1;
                elapsed += delay_after(kind, failures).map_or(0, |d| d.num_seconds());
            }
            assert!(failures < 40, "{failures} attempts were checked in an hour");
        }
    }
}
