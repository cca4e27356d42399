//! The two embedded migration trees (same folder names, one per dialect) and the step that
//! applies whichever matches the connection.

use diesel::connection::SimpleConnection;
use diesel_migrations::{EmbeddedMigrations, MigrationHarness, embed_migrations};

use super::DbConnection;

const SQLITE_MIGRATIONS: EmbeddedMigrations = embed_migrations!("migrations/sqlite");
const POSTGRES_MIGRATIONS: EmbeddedMigrations = embed_migrations!("migrations/postgres");

/// Applies every pending migration; returns how many ran.
pub fn run_migrations(conn: &mut DbConnection) -> anyhow::Result<usize> {
    let applied = match conn {
        DbConnection::Sqlite(c) => {
            // Table rebuilds in later SQLite migrations need foreign keys off while they run.
            c.batch_execute("PRAGMA foreign_keys = OFF;")?;
            let result = c.run_pending_migrations(SQLITE_MIGRATIONS).map(|v| v.len());
            c.batch_execute("PRAGMA foreign_keys = ON;")?;
            result
        }
        DbConnection::Postgresql(c) => c
            .run_pending_migrations(POSTGRES_MIGRATIONS)
            .map(|v| v.len()),
    };
    applied.map_err(|e| anyhow::anyhow!("migration failed: {e}"))
}

/// Whether the database lacks migrations this binary knows.
pub fn has_pending_migrations(conn: &mut DbConnection) -> anyhow::Result<bool> {
    let pending = match conn {
        DbConnection::Sqlite(c) => c.has_pending_migration(SQLITE_MIGRATIONS),
        DbConnection::Postgresql(c) => c.has_pending_migration(POSTGRES_MIGRATIONS),
    };
    pending.map_err(|e| anyhow::anyhow!("cannot read the migration state: {e}"))
}
