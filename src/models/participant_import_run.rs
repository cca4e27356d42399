//! Importing checked CSV rows into a cohort, all or nothing: each row is a new resident,
//! someone already on file (same names, date of birth and postcode, among the residents
//! the caller can see) who is enrolled rather than duplicated, or someone already in the
//! cohort who is left alone. The dry run answers the same plan and writes nothing.

use std::collections::{BTreeSet, HashMap, HashSet};

use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;
use serde::Serialize;

use super::enrolment::eligibility;
use super::participant::Identity;
use super::participant_import::{ImportError, ImportRow, RowError};
use super::{AuditAction, AuditEvent, Cohort, Enrolment, NewAuditEvent, Participant};
use crate::db::{DbConnection, write_transaction};
use crate::domain::Actor;
use crate::schema::{deprivation_lookup, enrolments, programme_partners};

/// What the import does with one row.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum RowOutcome {
    /// A new resident, created and enrolled.
    NewResident,
    /// Already on file: enrolled, not duplicated.
    AlreadyOnFile,
    /// Already in this cohort: reported, not enrolled twice.
    AlreadyInCohort,
}

impl RowOutcome {
    /// The words the preview shows.
    pub fn label(self) -> &'static str {
        match self {
            RowOutcome::NewResident => "New resident",
            RowOutcome::AlreadyOnFile => "Already on file, will be enrolled",
            RowOutcome::AlreadyInCohort => "Already in this cohort",
        }
    }
}

/// One row of the plan.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct PlannedRow {
    /// Line in the file.
    pub line: u64,
    /// Given name as it will be stored.
    pub given_name: String,
    /// Family name as it will be stored.
    pub family_name: String,
    /// What happens to the row.
    pub outcome: RowOutcome,
    /// The resident's id: the existing record, or the new one after a real import.
    pub participant_id: Option<i32>,
}

/// The answer of an import or a dry run.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct ImportReport {
    /// The cohort.
    pub cohort_id: i32,
    /// True when nothing was written.
    pub dry_run: bool,
    /// New residents (created and enrolled).
    pub new_residents: usize,
    /// Residents already on file, enrolled.
    pub enrolled_existing: usize,
    /// Residents already in the cohort, left alone.
    pub already_in_cohort: usize,
    /// Every row, in file order.
    pub rows: Vec<PlannedRow>,
    /// Headings of the file's columns the import ignored, as the file has them.
    pub ignored_columns: Vec<String>,
}

impl ImportReport {
    /// How many people the import enrols.
    pub fn to_enrol(&self) -> usize {
        self.new_residents + self.enrolled_existing
    }
}

/// Who imports: the user (none from the command line), the organisation that will own
/// new residents, and whose residents count as "on file" (`None`: everyone's).
#[derive(Debug, Clone, Copy)]
pub struct Importer {
    /// Acting user, for the audit trail.
    pub actor: Option<i32>,
    /// Owner of new residents.
    pub owner: i32,
    /// Visibility scope for matching existing residents.
    pub scope: Option<i32>,
    /// Today (Europe/London).
    pub today: NaiveDate,
    /// Now (UTC).
    pub now: NaiveDateTime,
}

impl Importer {
    /// A person importing: they own new residents for their organisation, and match
    /// existing residents among those they can see.
    pub fn of(actor: &Actor) -> Self {
        Importer {
            actor: Some(actor.user_id),
            owner: actor.organisation_id,
            scope: actor.scope(),
            today: actor.today,
            now: actor.now,
        }
    }
}

/// Plans the import and, unless `dry_run`, carries it out in one write transaction with
/// an audit event for every resident and enrolment and one for the import. `tick` is
/// called once per row planned and once per row written (for a progress bar).
pub fn import_participants(
    conn: &mut DbConnection,
    who: Importer,
    cohort: &Cohort,
    rows: &[ImportRow],
    dry_run: bool,
    tick: &mut dyn FnMut(),
) -> Result<ImportReport, ImportError> {
    if dry_run {
        return plan(conn, who, cohort, rows, tick);
    }
    write_transaction(conn, |conn| {
        // Imports and enrolments into this cohort take turns (capacity is checked on what
        // the previous one committed), and so does anyone adding the same people
        // elsewhere; the cohort first, then the people, as every writer orders them.
        let cohort = &Cohort::lock(conn, cohort.id)?;
        Participant::lock_identities(conn, rows.iter().map(|r| &r.record))?;
        let mut report = plan(conn, who, cohort, rows, tick)?;
        // The residents already on file are locked before they are enrolled, so an erasure
        // cannot land between the plan and the enrolment; one that landed just before the
        // lock shows as erased, and the plan is made again without that person.
        let on_file: Vec<i32> = report
            .rows
            .iter()
            .filter_map(|r| r.participant_id)
            .collect();
        if !Participant::lock_all_still_present(conn, &on_file)? {
            // The rows were counted on the first pass; the progress bar does not count them twice.
            report = plan(conn, who, cohort, rows, &mut || {})?;
        }
        report.dry_run = false;
        enrol_rows(conn, who, cohort, rows, &mut report, tick)?;
        audit_import(conn, who, cohort, &report)?;
        Ok(report)
    })
}

/// Creates the new residents and enrols everyone planned, each audited.
fn enrol_rows(
    conn: &mut DbConnection,
    who: Importer,
    cohort: &Cohort,
    rows: &[ImportRow],
    report: &mut ImportReport,
    tick: &mut dyn FnMut(),
) -> Result<(), ImportError> {
    let neighbourhoods = neighbourhoods(conn, rows)?;
    for (planned, row) in report.rows.iter_mut().zip(rows) {
        tick();
        let participant_id = match (planned.outcome, planned.participant_id) {
            (RowOutcome::AlreadyInCohort, _) => continue,
            (_, Some(on_file)) => on_file,
            (_, None) => {
                let neighbourhood = neighbourhoods.get(&row.record.postcode).cloned();
                create(conn, who, row, neighbourhood)?
            }
        };
        planned.participant_id = Some(participant_id);
        let enrolment = Enrolment::create(
            conn,
            participant_id,
            cohort.id,
            who.actor,
            who.today,
            who.now,
        )?;
        let mut event =
            NewAuditEvent::simple(who.actor, AuditAction::Create, "enrolment", enrolment.id)
                .with_change(None::<&()>, Some(&enrolment));
        event.participant_id = Some(participant_id);
        AuditEvent::record(conn, event, who.now)?;
    }
    Ok(())
}

/// The import's own audit event: how many rows did what.
fn audit_import(
    conn: &mut DbConnection,
    who: Importer,
    cohort: &Cohort,
    report: &ImportReport,
) -> Result<(), ImportError> {
    let summary = serde_json::json!({
        "rows": report.rows.len(),
        "new_residents": report.new_residents,
        "enrolled_existing": report.enrolled_existing,
        "already_in_cohort": report.already_in_cohort,
    });
    let event = NewAuditEvent::simple(
        who.actor,
        AuditAction::Create,
        "participant_import",
        cohort.id,
    )
    .with_change(None::<&()>, Some(&summary));
    AuditEvent::record(conn, event, who.now)?;
    Ok(())
}

/// Creates one resident, audited as the single-resident form does.
fn create(
    conn: &mut DbConnection,
    who: Importer,
    row: &ImportRow,
    neighbourhood: Option<String>,
) -> Result<i32, ImportError> {
    let mut record = row.record.clone();
    record.neighbourhood = neighbourhood;
    let participant = Participant::create(conn, who.owner, &record, who.now)?;
    let mut event = NewAuditEvent::simple(
        who.actor,
        AuditAction::Create,
        "participant",
        participant.id,
    )
    .with_change(None::<&()>, Some(&record));
    event.participant_id = Some(participant.id);
    AuditEvent::record(conn, event, who.now)?;
    Ok(participant.id)
}

/// The organisation that owns residents imported from the command line without a user:
/// the first partner (lowest id) of the cohort's programme.
pub fn default_owner(conn: &mut DbConnection, cohort: &Cohort) -> QueryResult<Option<i32>> {
    programme_partners::table
        .filter(programme_partners::programme_id.eq(cohort.programme_id))
        .select(programme_partners::organisation_id)
        .order(programme_partners::organisation_id)
        .first(conn)
        .optional()
}

/// The neighbourhood of every postcode in the file that the deprivation lookup knows.
fn neighbourhoods(
    conn: &mut DbConnection,
    rows: &[ImportRow],
) -> QueryResult<HashMap<String, String>> {
    let postcodes: BTreeSet<&str> = rows.iter().map(|r| r.record.postcode.as_str()).collect();
    let postcodes: Vec<&str> = postcodes.into_iter().collect();
    let mut found = HashMap::new();
    for chunk in postcodes.chunks(1000) {
        let pairs: Vec<(String, String)> = deprivation_lookup::table
            .filter(deprivation_lookup::postcode.eq_any(chunk))
            .select((
                deprivation_lookup::postcode,
                deprivation_lookup::neighbourhood,
            ))
            .load(conn)?;
        found.extend(pairs);
    }
    Ok(found)
}

/// The residents already on file (visible to the importer) for every row, by identity;
/// the oldest record wins, as in `Participant::find_same_person`.
fn people_on_file(
    conn: &mut DbConnection,
    rows: &[ImportRow],
    scope: Option<i32>,
) -> QueryResult<HashMap<Identity, i32>> {
    let dates: BTreeSet<NaiveDate> = rows.iter().map(|r| r.record.date_of_birth).collect();
    let dates: Vec<NaiveDate> = dates.into_iter().collect();
    let mut found = HashMap::new();
    for p in Participant::born_on_any(conn, &dates, scope)? {
        let key = (
            p.given_name_key,
            p.family_name_key,
            p.date_of_birth,
            p.postcode,
        );
        found.entry(key).or_insert(p.id);
    }
    Ok(found)
}

/// Decides each row's outcome and checks the cohort can take everyone.
fn plan(
    conn: &mut DbConnection,
    who: Importer,
    cohort: &Cohort,
    rows: &[ImportRow],
    tick: &mut dyn FnMut(),
) -> Result<ImportReport, ImportError> {
    let mut errors = Vec::new();
    if let Some(message) = eligibility::closed(cohort) {
        errors.push(file_error(message));
    }
    // Three queries for the whole file, whatever its length.
    let on_file = people_on_file(conn, rows, who.scope)?;
    let in_cohort = residents_in(conn, cohort.id)?;
    let mut planned = Vec::with_capacity(rows.len());
    for row in rows {
        tick();
        let r = &row.record;
        let name = format!("{} {}", r.given_name, r.family_name);
        if let Some(message) = eligibility::too_young_or_old(&name, r.date_of_birth, cohort) {
            errors.push(RowError {
                line: Some(row.line),
                column: "date_of_birth".into(),
                message,
                value: Some(r.date_of_birth.format("%d/%m/%Y").to_string()),
            });
        }
        let found = on_file.get(&r.identity()).copied();
        let outcome = match found {
            None => RowOutcome::NewResident,
            Some(id) if in_cohort.contains(&id) => RowOutcome::AlreadyInCohort,
            Some(_) => RowOutcome::AlreadyOnFile,
        };
        planned.push(PlannedRow {
            line: row.line,
            given_name: r.given_name.clone(),
            family_name: r.family_name.clone(),
            outcome,
            participant_id: found,
        });
    }
    let report = dry_run_report(cohort.id, planned);
    errors.extend(too_many(conn, cohort, &report)?);
    if errors.is_empty() {
        Ok(report)
    } else {
        Err(ImportError::Rows(errors))
    }
}

/// The residents already enrolled in cohort `cohort_id`.
fn residents_in(conn: &mut DbConnection, cohort_id: i32) -> QueryResult<HashSet<i32>> {
    Ok(enrolments::table
        .filter(enrolments::cohort_id.eq(cohort_id))
        .select(enrolments::participant_id)
        .load::<i32>(conn)?
        .into_iter()
        .collect())
}

/// The dry-run report of the `planned` rows, with how many fall under each outcome.
fn dry_run_report(cohort_id: i32, planned: Vec<PlannedRow>) -> ImportReport {
    let count = |o: RowOutcome| planned.iter().filter(|p| p.outcome == o).count();
    ImportReport {
        cohort_id,
        dry_run: true,
        new_residents: count(RowOutcome::NewResident),
        enrolled_existing: count(RowOutcome::AlreadyOnFile),
        already_in_cohort: count(RowOutcome::AlreadyInCohort),
        rows: planned,
        ignored_columns: Vec::new(),
    }
}

/// Why the cohort cannot take everyone the file would enrol, if it cannot.
fn too_many(
    conn: &mut DbConnection,
    cohort: &Cohort,
    report: &ImportReport,
) -> QueryResult<Option<RowError>> {
    let free = eligibility::free_places(conn, cohort)?;
    Ok((report.to_enrol() as i64 > free).then(|| {
        file_error(format!(
            "This cohort has {free} of {} places left, but the file would enrol {} residents. Raise the cohort's capacity or import fewer residents",
            cohort.capacity,
            report.to_enrol()
        ))
    }))
}

fn file_error(message: String) -> RowError {
    RowError {
        line: None,
        column: "file".into(),
        message,
        value: None,
    }
}
