//! Owns database access: the SQLite/PostgreSQL connection enum, the pool, the one way
//! handlers reach the database (`Db::run`, on a blocking thread), write transactions and
//! migrations.

pub mod backup;
mod codes;
mod manager;
mod migrations;
mod retry;
mod snapshot;

use std::time::Duration;

use diesel::connection::{AnsiTransactionManager, TransactionManager};
use diesel::r2d2::{Pool, PooledConnection};

pub use manager::{Backend, DbManager};
pub use migrations::{has_pending_migrations, run_migrations};
pub use retry::retries_so_far;
pub use snapshot::read_snapshot;

use retry::{FailureLog, Retry};

use crate::error::{AppError, AppResult};

/// One connection to whichever database the URL named.
#[derive(diesel::MultiConnection)]
pub enum DbConnection {
    /// PostgreSQL, the scale-out path shared by several app servers.
    Postgresql(diesel::PgConnection),
    /// SQLite, the default embedded database.
    Sqlite(diesel::SqliteConnection),
}

/// A pooled connection.
pub type Conn = PooledConnection<DbManager>;

/// The connection pool; cheap to clone.
#[derive(Clone)]
pub struct Db {
    pool: Pool<DbManager>,
    backend: Backend,
}

impl Db {
    /// Opens a pool for `url`, choosing the backend from the URL's scheme. Fails with
    /// the real connection error (not the derive's "invalid connection url").
    pub fn connect(url: &str) -> anyhow::Result<Db> {
        Self::connect_sized(url, None)
    }

    /// A pool of exactly one connection, for commands that work one step at a time. With
    /// its only connection in use the pool never opens another in the background, so no
    /// connection (and its TLS handshake in libpq) is half-made when the process exits,
    /// which could crash libpq's exit-time cleanup.
    pub fn connect_single(url: &str) -> anyhow::Result<Db> {
        Self::connect_sized(url, Some(1))
    }

    fn connect_sized(url: &str, max: Option<u32>) -> anyhow::Result<Db> {
        let manager = DbManager::from_url(url)?;
        let backend = manager.backend();
        let size = max.unwrap_or(match backend {
            Backend::Sqlite => 8,
            // Enough for a burst of concurrent writers of one register or cohort to
            // queue on its row lock rather than on the pool.
            Backend::Postgres => 16,
        });
        let pool = Pool::builder()
            .max_size(size)
            .min_idle(Some(1))
            .connection_timeout(Duration::from_secs(10))
            .build(manager)
            .map_err(|e| anyhow::anyhow!("cannot open the database: {e}"))?;
        Ok(Db { pool, backend })
    }

    /// Which database this is.
    pub fn backend(&self) -> Backend {
        self.backend
    }

    /// Connections checked out of the pool right now (open minus idle), so tests and
    /// operators can see that long requests hand theirs back.
    pub fn connections_in_use(&self) -> u32 {
        let state = self.pool.state();
        state.connections - state.idle_connections
    }

    /// A connection for synchronous callers (the command line, tests).
    pub fn conn(&self) -> AppResult<Conn> {
        self.pool.get().map_err(|e| {
            tracing::error!(error = %e, "database pool exhausted or unreachable");
            AppError::Unavailable
        })
    }

    /// Runs `f` with a pooled connection on tokio's blocking pool, so diesel's synchronous
    /// calls never stall the async workers.
    pub async fn run<T, F>(&self, f: F) -> AppResult<T>
    where
        F: FnOnce(&mut DbConnection) -> AppResult<T> + Send + 'static,
        T: Send + 'static,
    {
        let db = self.clone();
        let span = tracing::Span::current();
        tokio::task::spawn_blocking(move || {
            let _entered = span.enter();
            let mut conn = db.conn()?;
            f(&mut conn)
        })
        .await
        .map_err(|e| AppError::Internal(anyhow::anyhow!("database task failed: {e}")))?
    }
}

/// Runs `f` in a write transaction and commits when it returns `Ok`, rolling back
/// otherwise. Inside another write transaction it becomes a savepoint, so audited model
/// functions compose; only the outermost transaction is ever run again.
///
/// **SQLite**: `BEGIN IMMEDIATE`, so the write lock is taken up front, writers run one at
/// a time and a read-then-write never fails with SQLITE_BUSY halfway. `f` runs once; only
/// the `BEGIN` is asked again while the lock stays busy (see `begin_immediate`).
///
/// **PostgreSQL**: READ COMMITTED with explicit locks, and retries. Every check-then-write
/// first locks what its rule hangs on (`FOR NO KEY UPDATE` on the cohort row for capacity,
/// registers, the schedule and stage changes; on the resident, job or information-session
/// row for theirs; a transaction-scoped advisory lock for "the same person" and for an
/// organisation name), so concurrent writers of the same thing queue on the lock and each
/// statement after it sees what the previous writer committed. SERIALIZABLE was not
/// chosen: it takes its snapshot before the first lock wait, so every writer queued on a
/// busy cohort would read stale rows and be aborted in turn, and sixteen writers of one
/// register would need up to sixteen attempts each. What locks cannot rule out (a
/// deadlock between different kinds of write, an insert clashing with a row committed
/// after our check) is cured by running the whole closure again: on SQLSTATE 40001 and
/// 40P01 up to `retry::MAX_ATTEMPTS` (8) attempts, on a unique violation once, after a
/// short random wait. A retried write is never reported to the client; the last attempt's
/// error is. `f` must therefore be callable again: it may not move out of what it captures.
pub fn write_transaction<T, E, F>(conn: &mut DbConnection, mut f: F) -> Result<T, E>
where
    F: FnMut(&mut DbConnection) -> Result<T, E>,
    E: From<diesel::result::Error>,
{
    let depth = DbConnection::transaction_manager_status_mut(conn).transaction_depth()?;
    if depth.is_some() {
        return diesel::Connection::transaction(conn, f);
    }
    let retries = matches!(conn, DbConnection::Postgresql(_));
    let mut attempt = 1;
    let mut unique_retried = false;
    loop {
        match attempt_once(conn, &mut f) {
            Ok(value) => return Ok(value),
            Err((_, Some(cause))) if retries && cause.allows_another(attempt, unique_retried) => {
                tracing::info!(
                    sqlstate = cause.sqlstate(),
                    attempt,
                    "write transaction conflicted; running it again"
                );
                retry::count();
                unique_retried |= cause == Retry::UniqueViolation;
                std::thread::sleep(retry::backoff(attempt));
                attempt += 1;
            }
            Err((error, _)) => return Err(error),
        }
    }
}

/// One attempt: begin, run `f`, commit or roll back. A failure carries the retryable
/// cause the connection saw, if any.
fn attempt_once<T, E, F>(conn: &mut DbConnection, f: &mut F) -> Result<T, (E, Option<Retry>)>
where
    F: FnMut(&mut DbConnection) -> Result<T, E>,
    E: From<diesel::result::Error>,
{
    let begun = match conn {
        DbConnection::Sqlite(c) => begin_immediate(c),
        DbConnection::Postgresql(c) => {
            if let Some(log) = failure_log(c) {
                log.reset();
            }
            AnsiTransactionManager::begin_transaction(c)
        }
    };
    begun.map_err(|e| (E::from(e), None))?;
    match f(conn) {
        Ok(value) => match DbConnection::commit_transaction(conn) {
            Ok(()) => Ok(value),
            Err(e) => {
                let cause = Retry::of(&e);
                Err((E::from(e), cause))
            }
        },
        Err(e) => {
            let cause = match conn {
                DbConnection::Postgresql(c) => failure_log(c).and_then(|log| log.last()),
                DbConnection::Sqlite(_) => None,
            };
            if let Err(rollback) = DbConnection::rollback_transaction(conn) {
                tracing::error!(error = %rollback, "rollback failed");
            }
            Err((e, cause))
        }
    }
}

/// `BEGIN IMMEDIATE`, asked again (up to [`retry::SQLITE_BEGIN_TRIES`] times) when
/// SQLite's own wait for the write lock (`busy_timeout`) ran out. SQLite hands the lock to
/// whichever waiter polls first, so under a steady stream of writers one of them can miss
/// it for longer than the timeout although writers keep committing. Nothing has run yet,
/// so asking again is always safe.
fn begin_immediate(conn: &mut diesel::SqliteConnection) -> diesel::QueryResult<()> {
    let mut tries = 1;
    loop {
        match AnsiTransactionManager::begin_transaction_sql(conn, "BEGIN IMMEDIATE") {
            Err(e) if tries < retry::SQLITE_BEGIN_TRIES && retry::is_sqlite_busy(&e) => {
                tracing::warn!(tries, "the SQLite write lock stayed busy; waiting again");
                retry::count();
                tries += 1;
            }
            done => return done,
        }
    }
}

/// The failure log every pooled PostgreSQL connection carries (see [`retry`]).
fn failure_log(conn: &mut diesel::PgConnection) -> Option<&mut FailureLog> {
    diesel::Connection::instrumentation(conn).downcast_mut::<FailureLog>()
}

/// Checks the database answers.
pub fn ping(conn: &mut DbConnection) -> AppResult<()> {
    use diesel::r2d2::R2D2Connection;
    conn.ping().map_err(AppError::from)
}
