//! Importing residents into a cohort from a CSV file: the check (a dry run that writes
//! nothing) and the import itself, all or nothing. Both need the import permission and a
//! cohort the actor may see (404 otherwise); the rows are then read and planned, and the
//! import writes every resident and enrolment with their audit rows in one transaction.

use crate::db::DbConnection;
use crate::domain::{Actor, Permission};
use crate::error::AppResult;
use crate::models::Cohort;
use crate::models::participant_import::{ImportError, parse_file};
use crate::models::participant_import_run::{ImportReport, Importer, import_participants};

/// A cohort the actor may import into (the upload form).
pub fn cohort(conn: &mut DbConnection, actor: &Actor, cohort_id: i32) -> AppResult<Cohort> {
    actor.require(Permission::ImportParticipants)?;
    Ok(Cohort::find_visible(conn, cohort_id, actor.scope())?)
}

/// Checks (`dry_run`) or carries out the import of `csv` into a cohort. The outer result
/// is refusal (403, 404); the inner one what happened to the file: the report, or every
/// problem with it (nothing is written then).
pub fn import(
    conn: &mut DbConnection,
    actor: &Actor,
    cohort_id: i32,
    csv: &[u8],
    dry_run: bool,
) -> AppResult<(Cohort, Result<ImportReport, ImportError>)> {
    let cohort = cohort(conn, actor, cohort_id)?;
    let who = Importer::of(actor);
    let outcome = parse_file(csv, actor.today).and_then(|file| {
        let mut report = import_participants(conn, who, &cohort, &file.rows, dry_run, &mut || {})?;
        report.ignored_columns = file.ignored_columns;
        Ok(report)
    });
    Ok((cohort, outcome))
}
