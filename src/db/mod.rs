//! Owns database access: the SQLite/PostgreSQL connection enum, the pool, the one way
//! handlers reach the database (`Db::run`, on a blocking thread), write transactions and
//! migrations.

pub mod backup;
mod manager;
mod migrations;
mod snapshot;

use std::time::Duration;

use diesel::connection::{AnsiTransactionManager, TransactionManager};
use diesel::r2d2::{Pool, PooledConnection};

pub use manager::{Backend, DbManager};
pub use migrations::{has_pending_migrations, run_migrations};
pub use snapshot::read_snapshot;

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
            Backend::Postgres => 10,
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

/// Runs `f` in a write transaction: `BEGIN IMMEDIATE` on SQLite, so the write lock is taken
/// up front and a read-then-write never fails with SQLITE_BUSY halfway; a plain `BEGIN` on
/// PostgreSQL. Commits when `f` returns `Ok`, rolls back otherwise. Inside another write
/// transaction it becomes a savepoint, so audited model functions compose.
pub fn write_transaction<T, E, F>(conn: &mut DbConnection, f: F) -> Result<T, E>
where
    F: FnOnce(&mut DbConnection) -> Result<T, E>,
    E: From<diesel::result::Error>,
{
    let depth = DbConnection::transaction_manager_status_mut(conn).transaction_depth()?;
    if depth.is_some() {
        return diesel::Connection::transaction(conn, f);
    }
    match conn {
        DbConnection::Sqlite(c) => {
            AnsiTransactionManager::begin_transaction_sql(c, "BEGIN IMMEDIATE")?
        }
        DbConnection::Postgresql(c) => AnsiTransactionManager::begin_transaction(c)?,
    }
    match f(conn) {
        Ok(value) => {
            DbConnection::commit_transaction(conn)?;
            Ok(value)
        }
        Err(e) => {
            if let Err(rollback) = DbConnection::rollback_transaction(conn) {
                tracing::error!(error = %rollback, "rollback failed");
            }
            Err(e)
        }
    }
}

/// Checks the database answers.
pub fn ping(conn: &mut DbConnection) -> AppResult<()> {
    use diesel::r2d2::R2D2Connection;
    conn.ping().map_err(AppError::from)
}
