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

/// Creates `path`, empty, readable and writable by its owner only; fails if it exists.
fn create_private(path: &Path) -> std::io::Result<File> {
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    options.open(path)
}

/// Copies the database to `target`, which must not exist yet; returns its size in bytes.
pub fn backup_to(conn: &mut DbConnection, target: &Path) -> anyhow::Result<u64> {
    let DbConnection::Sqlite(sqlite) = conn else {
        anyhow::bail!("{PG_DUMP_HINT}");
    };
    let name = target
        .to_str()
        .ok_or_else(|| anyhow::anyhow!("the backup file name must be UTF-8"))?;
    // Created empty first, owner-only (the copy holds everyone's personal data) and never
    // over an existing file; SQLite then fills an empty file.
    create_private(target).map_err(|e| match e.kind() {
        std::io::ErrorKind::AlreadyExists => anyhow::anyhow!(
            "{} already exists; choose a new file name so no backup is overwritten",
            target.display()
        ),
        _ => anyhow::anyhow!("cannot create {}: {e}", target.display()),
    })?;
    if let Err(e) = diesel::sql_query("VACUUM INTO ?")
        .bind::<Text, _>(name)
        .execute(sqlite)
    {
        let _ = std::fs::remove_file(target);
        anyhow::bail!("the backup failed: {e}");
    }
    let file = File::open(target)?;
    file.sync_all()?;
    // Make the new directory entry durable too.
    if let Some(dir) = target.parent().filter(|d| !d.as_os_str().is_empty()) {
        File::open(dir)?.sync_all()?;
    }
    Ok(file.metadata()?.len())
}
