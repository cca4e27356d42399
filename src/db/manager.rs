//! Opens connections for the pool. The backend is chosen from the URL's scheme, never by
//! trying each in turn, so a PostgreSQL URL whose server is down reports that, and SQLite
//! connections get their pragmas on every open.

use diesel::connection::SimpleConnection;
use diesel::r2d2::{ManageConnection, R2D2Connection};
use diesel::{Connection, PgConnection, SqliteConnection};

use super::DbConnection;
use super::retry::FailureLog;

/// The two supported databases.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    /// Embedded SQLite file.
    Sqlite,
    /// PostgreSQL server.
    Postgres,
}

/// Per-connection settings for SQLite: write-ahead log, full fsync at commit (durable
/// across power loss), foreign keys enforced (off by default in SQLite), a wait of up
/// to 5 s for the write lock, and deleted content overwritten with zeros so an erased
/// resident's details do not linger in free space of the file.
const SQLITE_PRAGMAS: &str = "PRAGMA busy_timeout = 5000; PRAGMA journal_mode = WAL; \
     PRAGMA synchronous = FULL; PRAGMA foreign_keys = ON; PRAGMA secure_delete = ON;";

/// An r2d2 connection manager for [`DbConnection`].
#[derive(Debug, Clone)]
pub struct DbManager {
    backend: Backend,
    /// For SQLite the file path; for PostgreSQL the whole URL.
    target: String,
}

impl DbManager {
    /// Reads the URL: `sqlite://path` or a bare path is SQLite; `postgres://` or
    /// `postgresql://` is PostgreSQL; any other scheme is refused.
    pub fn from_url(url: &str) -> anyhow::Result<Self> {
        let url = url.trim();
        if url.is_empty() {
            anyhow::bail!("the database URL is empty");
        }
        if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            return Ok(Self {
                backend: Backend::Postgres,
                target: url.to_owned(),
            });
        }
        let path = if let Some(rest) = url.strip_prefix("sqlite://") {
            rest
        } else if let Some(rest) = url.strip_prefix("sqlite:") {
            rest
        } else if url.contains("://") {
            anyhow::bail!("unsupported database URL scheme (use sqlite:// or postgres://)");
        } else {
            url
        };
        if path.is_empty() {
            anyhow::bail!("the SQLite database path is empty");
        }
        Ok(Self {
            backend: Backend::Sqlite,
            target: path.to_owned(),
        })
    }

    /// Which database the URL named.
    pub fn backend(&self) -> Backend {
        self.backend
    }

    /// Opens one connection, with the real error on failure.
    pub fn open(&self) -> Result<DbConnection, diesel::r2d2::Error> {
        match self.backend {
            Backend::Sqlite => {
                let mut conn = SqliteConnection::establish(&self.target)
                    .map_err(diesel::r2d2::Error::ConnectionError)?;
                conn.batch_execute(SQLITE_PRAGMAS)
                    .map_err(diesel::r2d2::Error::QueryError)?;
                Ok(DbConnection::Sqlite(conn))
            }
            Backend::Postgres => {
                let mut conn = PgConnection::establish(&self.target)
                    .map_err(diesel::r2d2::Error::ConnectionError)?;
                // Tells the write helper why a statement failed, so it can retry.
                conn.set_instrumentation(FailureLog::default());
                Ok(DbConnection::Postgresql(conn))
            }
        }
    }
}

impl ManageConnection for DbManager {
    type Connection = DbConnection;
    type Error = diesel::r2d2::Error;

    fn connect(&self) -> Result<DbConnection, Self::Error> {
        self.open()
    }

    fn is_valid(&self, conn: &mut DbConnection) -> Result<(), Self::Error> {
        conn.ping().map_err(diesel::r2d2::Error::QueryError)
    }

    fn has_broken(&self, conn: &mut DbConnection) -> bool {
        conn.is_broken()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backend_comes_from_the_scheme() {
        let m = DbManager::from_url("sqlite://pathways.db").unwrap();
        assert_eq!(
            (m.backend, m.target.as_str()),
            (Backend::Sqlite, "pathways.db")
        );
        let m = DbManager::from_url("sqlite:///var/lib/p.db").unwrap();
        assert_eq!(m.target, "/var/lib/p.db");
        let m = DbManager::from_url("data/p.db").unwrap();
        assert_eq!(m.backend, Backend::Sqlite);
        let m = DbManager::from_url("postgresql://u@h/db").unwrap();
        assert_eq!(m.backend, Backend::Postgres);
        let m = DbManager::from_url("postgres://u@h/db").unwrap();
        assert_eq!(m.backend, Backend::Postgres);
        assert!(DbManager::from_url("mysql://x").is_err());
        assert!(DbManager::from_url("  ").is_err());
    }
}
