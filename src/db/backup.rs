//! Online backup of the SQLite database: `VACUUM INTO` copies one consistent snapshot
//! (a read transaction, so writers carry on meanwhile), then the copy is flushed to disk.
//! PostgreSQL has its own tools, named in the refusal.

use std::fs::File;
use std::path::Path;

use diesel::RunQueryDsl;
use diesel::sql_types::Text;

use super::DbConnection;

/// What to run instead on PostgreSQL.
pub const PG_DUMP_HINT: &str = "pathways backup copies SQLite databases only; on PostgreSQL run \
    `pg_dump --format=custom --file=FILE \"$DATABASE_URL\"` and restore with \
    `pg_restore --clean --if-exists --no-owner --dbname=\"$DATABASE_URL\" FILE` (see docs/OPERATIONS.md)";

/// Copies the database to `target`, which must not exist yet; returns its size in bytes.
pub fn backup_to(conn: &mut DbConnection, target: &Path) -> anyhow::Result<u64> {
    let DbConnection::Sqlite(sqlite) = conn else {
        anyhow::bail!("{PG_DUMP_HINT}");
    };
    if target.exists() {
        anyhow::bail!(
            "{} already exists; choose a new file name so no backup is overwritten",
            target.display()
        );
    }
    let name = target
        .to_str()
        .ok_or_else(|| anyhow::anyhow!("the backup file name must be UTF-8"))?;
    // SQLite itself also refuses a file that exists and is not empty.
    diesel::sql_query("VACUUM INTO ?")
        .bind::<Text, _>(name)
        .execute(sqlite)
        .map_err(|e| anyhow::anyhow!("the backup failed: {e}"))?;
    let file = File::open(target)?;
    file.sync_all()?;
    // Make the new directory entry durable too.
    if let Some(dir) = target.parent().filter(|d| !d.as_os_str().is_empty()) {
        File::open(dir)?.sync_all()?;
    }
    Ok(file.metadata()?.len())
}
