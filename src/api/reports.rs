//! `/api/v1/cohorts/{id}/report` (JSON and CSV), `/api/v1/cohorts/{id}/participants.csv`
//! and `/api/v1/reports/programme.csv`. CSV is streamed (`crate::downloads`): rows are
//! written a batch of cohorts at a time from one snapshot of the database and sent as
//! they are ready.

use axum::Json;
use axum::extract::State;
use axum::response::Response;

use chrono::NaiveDate;
use csv::Writer;

use crate::actions::reports;
use crate::db::DbConnection;
use crate::domain::Actor;
use crate::downloads::{self, ChunkSender};
use crate::error::{AppError, AppResult};
use crate::extract::{PathId, ReportQuery};
use crate::reports::export::{
    PARTICIPANT_COLUMNS, REPORT_COLUMNS, report_cells, report_json, write_participants,
};
use crate::reports::report::programme_lines;
use crate::reports::{ProgrammeFilter, cohort_report};
use crate::state::AppState;

fn io(e: impl Into<anyhow::Error>) -> AppError {
    AppError::Internal(e.into())
}

/// A cohort's figures with their definitions and breakdowns.
#[utoipa::path(get, path = "/cohorts/{id}/report", tag = "reports",
    params(("id" = i32, Path, description = "Cohort id"), ("as_at" = Option<String>, Query, description = "YYYY-MM-DD, default today"),
        ("publishable" = Option<bool>, Query, description = "Breakdown counts of 1–4 as \"<5\"")),
    responses((status = 200, description = "Figures keyed by the CSV column names, plus outstanding_registers, definitions and breakdowns"),
        (status = 404, description = "Not found or not visible", body = super::ErrorBody), (status = 422, description = "Bad as_at", body = super::ErrorBody)))]
pub async fn cohort(
    State(state): State<AppState>,
    actor: Actor,
    PathId(id): PathId,
    q: ReportQuery,
) -> AppResult<Json<serde_json::Value>> {
    let report = state
        .db
        .run(move |conn| reports::cohort_report(conn, &actor, id, q.as_at))
        .await?;
    Ok(Json(report_json(&report, q.publishable)))
}

/// A report download's file: its name, whether it starts with a byte-order mark, and
/// its header row.
struct File {
    name: String,
    bom: bool,
    columns: &'static [&'static str],
}

impl File {
    /// `cohort-{id}-{what}-{as_at}.csv`.
    fn of_cohort(
        id: i32,
        what: &str,
        as_at: NaiveDate,
        bom: bool,
        columns: &'static [&'static str],
    ) -> File {
        let name = format!("cohort-{id}-{what}-{as_at}.csv");
        File { name, bom, columns }
    }
}

/// The check before a cohort's download: the actor may export and may see the cohort.
fn cohort_check(
    actor: Actor,
    id: i32,
) -> impl FnOnce(&mut DbConnection) -> AppResult<()> + Send + 'static {
    move |conn| reports::cohort_export(conn, &actor, id)
}

/// The shape every report download shares: `check` (permission and visibility, 404 before
/// anything is sent), then a turn among the exports (busy answers at once), then the
/// audit row when `audited` names the actor and cohort whose participant list leaves the
/// system (after the turn, so a download refused as busy is not audited as taken), then
/// the rows `produce` writes, given what `check` returned.
async fn download<T, C, F>(
    state: &AppState,
    check: C,
    audited: Option<(Actor, i32)>,
    file: File,
    produce: F,
) -> AppResult<Response>
where
    T: Send + 'static,
    C: FnOnce(&mut DbConnection) -> AppResult<T> + Send + 'static,
    F: FnOnce(&mut DbConnection, &mut Writer<ChunkSender>, T) -> AppResult<()> + Send + 'static,
{
    let checked = state.db.run(check).await?;
    let turn = match state.exports.turn().await {
        Ok(turn) => turn,
        Err(busy) => return Ok(busy),
    };
    if let Some((actor, id)) = audited {
        state
            .db
            .run(move |conn| reports::record_participants_export(conn, &actor, id))
            .await?;
    }
    let produce =
        move |conn: &mut DbConnection, w: &mut Writer<ChunkSender>| produce(conn, w, checked);
    downloads::csv(&state.db, turn, file.name, file.bom, file.columns, produce).await
}

/// A cohort's figures as one CSV row.
#[utoipa::path(get, path = "/cohorts/{id}/report.csv", tag = "reports",
    params(("id" = i32, Path, description = "Cohort id"), ("as_at" = Option<String>, Query, description = "YYYY-MM-DD, default today"), ("bom" = Option<bool>, Query, description = "Byte-order mark for Excel")),
    responses((status = 200, description = "CSV", content_type = "text/csv"), (status = 404, description = "Not found or not visible", body = super::ErrorBody)))]
pub async fn cohort_csv(
    State(state): State<AppState>,
    actor: Actor,
    PathId(id): PathId,
    q: ReportQuery,
) -> AppResult<Response> {
    let as_at = q.as_at.unwrap_or(actor.today);
    let file = File::of_cohort(id, "report", as_at, q.bom, &REPORT_COLUMNS);
    download(
        &state,
        cohort_check(actor, id),
        None,
        file,
        move |conn, w, ()| {
            let report = cohort_report(conn, id, as_at, false)?;
            w.write_record(report_cells(&report.line)).map_err(io)
        },
    )
    .await
}

/// One row per enrolment of a cohort, with attendance and job outcomes.
#[utoipa::path(get, path = "/cohorts/{id}/participants.csv", tag = "reports",
    params(("id" = i32, Path, description = "Cohort id"), ("as_at" = Option<String>, Query, description = "YYYY-MM-DD, default today"), ("bom" = Option<bool>, Query, description = "Byte-order mark for Excel")),
    responses((status = 200, description = "CSV", content_type = "text/csv"), (status = 404, description = "Not found or not visible", body = super::ErrorBody)))]
pub async fn participants_csv(
    State(state): State<AppState>,
    actor: Actor,
    PathId(id): PathId,
    q: ReportQuery,
) -> AppResult<Response> {
    let as_at = q.as_at.unwrap_or(actor.today);
    let file = File::of_cohort(id, "participants", as_at, q.bom, &PARTICIPANT_COLUMNS);
    download(
        &state,
        cohort_check(actor, id),
        Some((actor, id)),
        file,
        move |conn, w, ()| write_participants(conn, &[id], as_at, w, |_| {}),
    )
    .await
}

/// One row per cohort in range (programme, start dates), then a TOTAL row over them all
/// and a TOTAL_CLOSED row over those whose outcome window (26 weeks after the last
/// session) has closed as at the date.
#[utoipa::path(get, path = "/reports/programme.csv", tag = "reports",
    params(("programme_id" = Option<i32>, Query, description = "One programme; default all the caller may see"), ("from" = Option<String>, Query, description = "Cohorts starting on or after"),
        ("to" = Option<String>, Query, description = "Cohorts starting on or before"), ("as_at" = Option<String>, Query, description = "YYYY-MM-DD, default today"), ("bom" = Option<bool>, Query, description = "Byte-order mark for Excel")),
    responses((status = 200, description = "CSV", content_type = "text/csv"), (status = 404, description = "Programme not found or not visible", body = super::ErrorBody), (status = 422, description = "Bad dates", body = super::ErrorBody)))]
pub async fn programme_csv(
    State(state): State<AppState>,
    actor: Actor,
    q: ReportQuery,
) -> AppResult<Response> {
    let (filter, as_at) = (q.filter(), q.as_at.unwrap_or(actor.today));
    let file = File {
        name: format!("programme-report-{as_at}.csv"),
        bom: q.bom,
        columns: &REPORT_COLUMNS,
    };
    let check = move |conn: &mut DbConnection| reports::programme_export(conn, &actor, filter);
    download(&state, check, None, file, move |conn, w, filter| {
        write_programme(conn, &filter, as_at, w)
    })
    .await
}

/// The programme report's rows, each sent as soon as it is computed, then `TOTAL` and
/// `TOTAL_CLOSED`.
fn write_programme(
    conn: &mut DbConnection,
    filter: &ProgrammeFilter,
    as_at: NaiveDate,
    w: &mut Writer<ChunkSender>,
) -> AppResult<()> {
    let mut failed = None;
    let totals = programme_lines(conn, filter, as_at, |line| {
        if failed.is_none() {
            failed = w
                .write_record(report_cells(line))
                .and_then(|()| Ok(w.flush()?))
                .err();
        }
    })?;
    if let Some(e) = failed {
        return Err(io(e));
    }
    for total in totals.lines() {
        w.write_record(report_cells(total)).map_err(io)?;
    }
    Ok(())
}
