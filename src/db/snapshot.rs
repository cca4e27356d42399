//! Read transactions that see one moment of the database, for exports that read in
//! several batches: every batch, and the total computed from them, come from the same
//! committed state however many writes land while the export runs.

use diesel::connection::{AnsiTransactionManager, TransactionManager};

use super::DbConnection;

/// Runs `f` inside one read-only snapshot and ends the transaction before returning.
///
/// PostgreSQL: `REPEATABLE READ READ ONLY`, so every statement sees the snapshot taken at
/// the first one. SQLite (WAL mode): a deferred transaction, whose first read pins the
/// WAL snapshot until the end; writers carry on meanwhile, but the log cannot be
/// checkpointed past that snapshot, which is one reason callers bound how long it runs.
/// Inside another transaction it becomes a savepoint of that transaction instead.
pub fn read_snapshot<T, E, F>(conn: &mut DbConnection, f: F) -> Result<T, E>
where
    F: FnOnce(&mut DbConnection) -> Result<T, E>,
    E: From<diesel::result::Error>,
{
    let depth = DbConnection::transaction_manager_status_mut(conn).transaction_depth()?;
    if depth.is_some() {
        return diesel::Connection::transaction(conn, f);
    }
    match conn {
        DbConnection::Sqlite(c) => AnsiTransactionManager::begin_transaction_sql(c, "BEGIN")?,
        DbConnection::Postgresql(c) => AnsiTransactionManager::begin_transaction_sql(
            c,
            "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY",
        )?,
    }
    match f(conn) {
        Ok(value) => {
            DbConnection::commit_transaction(conn)?;
            Ok(value)
        }
        Err(e) => {
            // Nothing was written, so this only matters for handing back a clean
            // connection; a connection whose rollback failed is discarded by the pool.
            if let Err(rollback) = DbConnection::rollback_transaction(conn) {
                tracing::error!(error = %rollback, "rollback of a read snapshot failed");
            }
            Err(e)
        }
    }
}
