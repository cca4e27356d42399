//! When a PostgreSQL write transaction is run again, and how long it waits first.
//!
//! Model code turns database errors into domain errors (`AppError`, `ImportError`) inside
//! the transaction's closure, and diesel does not expose the SQLSTATE, so the write helper
//! cannot tell a deadlock from a real fault by the error it gets back. Instead every
//! PostgreSQL connection carries a [`FailureLog`]: diesel reports each failed statement to
//! it, and the helper asks it, after a failed attempt, whether the cause was one that
//! running the whole transaction again cures.

use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use diesel::connection::{Instrumentation, InstrumentationEvent};
use diesel::result::{DatabaseErrorKind, Error as DieselError};

/// Attempts in all for serialization failures and deadlocks: under the explicit row
/// locks these are rare (a lock-order clash between different kinds of write), so a
/// transaction that still fails after this many tries reports the error.
pub(super) const MAX_ATTEMPTS: u32 = 8;

/// Times a SQLite write transaction asks for the write lock, each waiting up to the
/// connection's `busy_timeout` (5 s), before SQLITE_BUSY is reported.
pub(super) const SQLITE_BEGIN_TRIES: u32 = 6;

/// Whether SQLite refused because another connection held the write lock (SQLITE_BUSY,
/// whose message is fixed: SQLite's messages are not translated).
pub(super) fn is_sqlite_busy(error: &DieselError) -> bool {
    matches!(error, DieselError::DatabaseError(_, info) if info.message() == "database is locked")
}

/// Why a failed attempt may succeed if run again.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Retry {
    /// SQLSTATE 40001: the database could not order this transaction after another.
    Serialization,
    /// SQLSTATE 40P01: the database chose this transaction as a deadlock's victim.
    Deadlock,
    /// SQLSTATE 23505: an insert clashed with a row another transaction committed after
    /// this one checked for it. Run once more, the check itself sees the row and gives the
    /// proper domain answer (a named 409, or "already enrolled").
    UniqueViolation,
}

impl Retry {
    /// The retryable cause of a database error, if it is one.
    pub(super) fn of(error: &DieselError) -> Option<Retry> {
        match error {
            DieselError::DatabaseError(DatabaseErrorKind::SerializationFailure, _) => {
                Some(Retry::Serialization)
            }
            DieselError::DatabaseError(DatabaseErrorKind::UniqueViolation, _) => {
                Some(Retry::UniqueViolation)
            }
            // diesel maps 40P01 to `Unknown`; the server's message is the only trace of
            // it (PostgreSQL's own wording, fixed unless lc_messages is changed).
            DieselError::DatabaseError(DatabaseErrorKind::Unknown, info)
                if info.message().starts_with("deadlock detected") =>
            {
                Some(Retry::Deadlock)
            }
            _ => None,
        }
    }

    /// Whether attempt number `attempt` (1-based) may be followed by another for this
    /// cause: a unique clash once, lock conflicts up to [`MAX_ATTEMPTS`].
    pub(super) fn allows_another(self, attempt: u32, unique_retried: bool) -> bool {
        match self {
            Retry::UniqueViolation => !unique_retried && attempt < MAX_ATTEMPTS,
            Retry::Serialization | Retry::Deadlock => attempt < MAX_ATTEMPTS,
        }
    }

    /// The SQLSTATE, for the log.
    pub(super) fn sqlstate(self) -> &'static str {
        match self {
            Retry::Serialization => "40001",
            Retry::Deadlock => "40P01",
            Retry::UniqueViolation => "23505",
        }
    }
}

/// Remembers the retryable cause of the last failed statement on one connection.
#[derive(Debug, Default)]
pub(super) struct FailureLog {
    last: Option<Retry>,
}

impl FailureLog {
    /// Forgets what was seen, at the start of an attempt.
    pub(super) fn reset(&mut self) {
        self.last = None;
    }

    /// The cause recorded since the last reset.
    pub(super) fn last(&self) -> Option<Retry> {
        self.last
    }
}

impl Instrumentation for FailureLog {
    fn on_connection_event(&mut self, event: InstrumentationEvent<'_>) {
        if let InstrumentationEvent::FinishQuery {
            error: Some(error), ..
        } = event
        {
            // A later failure on an aborted transaction ("current transaction is
            // aborted") is not retryable by itself, so it must not hide the cause.
            if let Some(cause) = Retry::of(error) {
                self.last = Some(cause);
            }
        }
    }
}

static RETRIES: AtomicU64 = AtomicU64::new(0);

/// Counts one retry.
pub(super) fn count() {
    RETRIES.fetch_add(1, Ordering::Relaxed);
}

/// How many times this process ran a PostgreSQL write transaction again or asked SQLite
/// again for a busy write lock (for tests and measurements).
pub fn retries_so_far() -> u64 {
    RETRIES.load(Ordering::Relaxed)
}

/// The wait before attempt `attempt + 1`: a random time up to 2 ms × 2^attempt, at most
/// 64 ms, so transactions that collided do not collide again in step.
pub(super) fn backoff(attempt: u32) -> Duration {
    let ceiling = 2u64 << attempt.min(5);
    let jitter = u64::from(getrandom::u32().unwrap_or(0)) % (ceiling * 1000);
    Duration::from_micros(jitter + 100)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_grows_and_is_bounded() {
        for attempt in 1..20 {
            let wait = backoff(attempt);
            assert!(wait <= Duration::from_micros(64_100), "{wait:?}");
            assert!(wait >= Duration::from_micros(100));
        }
    }

    #[test]
    fn a_unique_clash_is_retried_once_and_lock_conflicts_up_to_the_bound() {
        assert!(Retry::UniqueViolation.allows_another(1, false));
        assert!(!Retry::UniqueViolation.allows_another(2, true));
        assert!(Retry::Deadlock.allows_another(MAX_ATTEMPTS - 1, true));
        assert!(!Retry::Serialization.allows_another(MAX_ATTEMPTS, false));
    }
}
