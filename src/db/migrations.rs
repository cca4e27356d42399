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
    let applied = applied.map_err(|e| anyhow::anyhow!("migration failed: {e}"))?;
    backfill_search_keys(conn).map_err(|e| anyhow::anyhow!("filling search keys failed: {e}"))?;
    Ok(applied)
}

/// Residents recorded before search keys existed get them (the keys are folded in Rust,
/// the same on both databases, so no SQL migration can make them). Idempotent: only rows
/// whose `postcode_key` is still empty are read, through its index, a thousand at a time,
/// each batch in its own write transaction; a database with none left costs one lookup.
fn backfill_search_keys(conn: &mut DbConnection) -> diesel::QueryResult<usize> {
    use crate::schema::participants as p;
    use crate::validate::fold;
    use diesel::prelude::*;

    let (mut after, mut filled) = (0, 0);
    loop {
        let batch: Vec<(i32, String, String, String)> = p::table
            .filter(p::postcode_key.eq(""))
            .filter(p::id.gt(after))
            .order(p::id)
            .limit(1000)
            .select((p::id, p::given_name, p::family_name, p::postcode))
            .load(conn)?;
        let Some(last) = batch.last() else {
            return Ok(filled);
        };
        after = last.0;
        filled += batch.len();
        super::write_transaction(conn, |conn| {
            for (id, given, family, postcode) in &batch {
                diesel::update(p::table.find(id))
                    .set((
                        p::search_name.eq(fold::name_key(given, family)),
                        p::postcode_key.eq(fold::postcode_key(postcode)),
                    ))
                    .execute(conn)?;
            }
            diesel::QueryResult::Ok(())
        })?;
    }
}

/// Whether the database lacks migrations this binary knows.
pub fn has_pending_migrations(conn: &mut DbConnection) -> anyhow::Result<bool> {
    let pending = match conn {
        DbConnection::Sqlite(c) => c.has_pending_migration(SQLITE_MIGRATIONS),
        DbConnection::Postgresql(c) => c.has_pending_migration(POSTGRES_MIGRATIONS),
    };
    pending.map_err(|e| anyhow::anyhow!("cannot read the migration state: {e}"))
}
