//! `/api/v1/cohorts/{id}/report` (JSON and CSV), `/api/v1/cohorts/{id}/participants.csv`
//! and `/api/v1/reports/programme.csv`. CSV is streamed (`crate::downloads`): rows are
//! written a batch of cohorts at a time from one snapshot of the database and sent as
//! they are ready.

use axum::Json;
use axum::extract::State;
use axum::response::Response;

use crate::auth::{CurrentUser, Permission};
use crate::db::write_transaction;
use crate::downloads;
use crate::error::{AppError, AppResult};
use crate::extract::{PathId, ReportQuery};
use crate::models::{AuditAction, AuditEvent, Cohort, NewAuditEvent};
use crate::reports::cohort_report;
use crate::reports::export::{
    PARTICIPANT_COLUMNS, REPORT_COLUMNS, report_cells, report_json, write_participants,
};
use crate::reports::report::{check_visible, programme_lines};
use crate::state::AppState;

fn io(e: impl Into<anyhow::Error>) -> AppError {
    AppError::Internal(e.into())
}

/// A cohort's figures with their definitions and breakdowns.
#[utoipa::path(get, path = "/cohorts/{id}/report", tag = "reports",
    params(("id" = i32, Path, description = "Cohort id"), ("as_at" = Option<String>, Query, description = "YYYY-MM-DD, default today"),
        ("publishable" = Option<bool>, Query, description = "Breakdown counts of 1–4 as \"<5\"")),
    responses((status = 200, description = "Figures keyed by the CSV column names, plus definitions and breakdowns"),
        (status = 404, description = "Not found or not visible", body = super::ErrorBody), (status = 422, description = "Bad as_at", body = super::ErrorBody)))]
pub async fn cohort(
    State(state): State<AppState>,
    user: CurrentUser,
    PathId(id): PathId,
    q: ReportQuery,
) -> AppResult<Json<serde_json::Value>> {
    user.require(Permission::ViewReports)?;
    let (scope, as_at, equality) = (
        user.scope(),
        q.as_at.unwrap_or(state.clock.today()),
        user.can(Permission::ViewEqualityData),
    );
    let report = state
        .db
        .run(move |conn| {
            Cohort::find_visible(conn, id, scope)?;
            Ok(cohort_report(conn, id, as_at, equality)?)
        })
        .await?;
    Ok(Json(report_json(&report, q.publishable)))
}

/// Checks the caller may see the cohort (404 otherwise) before a download starts.
async fn visible_cohort(state: &AppState, user: &CurrentUser, id: i32) -> AppResult<()> {
    user.require(Permission::ExportData)?;
    let scope = user.scope();
    state
        .db
        .run(move |conn| Ok(Cohort::find_visible(conn, id, scope).map(drop)?))
        .await
}

/// A cohort's figures as one CSV row.
#[utoipa::path(get, path = "/cohorts/{id}/report.csv", tag = "reports",
    params(("id" = i32, Path, description = "Cohort id"), ("as_at" = Option<String>, Query, description = "YYYY-MM-DD, default today"), ("bom" = Option<bool>, Query, description = "Byte-order mark for Excel")),
    responses((status = 200, description = "CSV", content_type = "text/csv"), (status = 404, description = "Not found or not visible", body = super::ErrorBody)))]
pub async fn cohort_csv(
    State(state): State<AppState>,
    user: CurrentUser,
    PathId(id): PathId,
    q: ReportQuery,
) -> AppResult<Response> {
    visible_cohort(&state, &user, id).await?;
    let turn = match state.exports.turn().await {
        Ok(turn) => turn,
        Err(busy) => return Ok(busy),
    };
    let as_at = q.as_at.unwrap_or(state.clock.today());
    let name = format!("cohort-{id}-report-{as_at}.csv");
    downloads::csv(
        &state.db,
        turn,
        name,
        q.bom,
        &REPORT_COLUMNS,
        move |conn, w| {
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
    user: CurrentUser,
    PathId(id): PathId,
    q: ReportQuery,
) -> AppResult<Response> {
    visible_cohort(&state, &user, id).await?;
    // The turn comes first, so a download refused as busy is not audited as taken.
    let turn = match state.exports.turn().await {
        Ok(turn) => turn,
        Err(busy) => return Ok(busy),
    };
    let (actor, now) = (user.id, state.clock.now());
    // Personal data leaves the system: who took which cohort's list is audited.
    state
        .db
        .run(move |conn| {
            Ok(write_transaction(conn, |conn| {
                let event = NewAuditEvent::simple(
                    Some(actor),
                    AuditAction::Export,
                    "cohort_participants",
                    id,
                );
                AuditEvent::record(conn, event, now).map(drop)
            })?)
        })
        .await?;
    let as_at = q.as_at.unwrap_or(state.clock.today());
    let name = format!("cohort-{id}-participants-{as_at}.csv");
    downloads::csv(
        &state.db,
        turn,
        name,
        q.bom,
        &PARTICIPANT_COLUMNS,
        move |conn, w| write_participants(conn, &[id], as_at, w, |_| {}),
    )
    .await
}

/// One row per cohort in range (programme, start dates), then a TOTAL row.
#[utoipa::path(get, path = "/reports/programme.csv", tag = "reports",
    params(("programme_id" = Option<i32>, Query, description = "One programme; default all the caller may see"), ("from" = Option<String>, Query, description = "Cohorts starting on or after"),
        ("to" = Option<String>, Query, description = "Cohorts starting on or before"), ("as_at" = Option<String>, Query, description = "YYYY-MM-DD, default today"), ("bom" = Option<bool>, Query, description = "Byte-order mark for Excel")),
    responses((status = 200, description = "CSV", content_type = "text/csv"), (status = 404, description = "Programme not found or not visible", body = super::ErrorBody), (status = 422, description = "Bad dates", body = super::ErrorBody)))]
pub async fn programme_csv(
    State(state): State<AppState>,
    user: CurrentUser,
    q: ReportQuery,
) -> AppResult<Response> {
    user.require(Permission::ExportData)?;
    let (scope, as_at) = (user.scope(), q.as_at.unwrap_or(state.clock.today()));
    let filter = q.filter(scope);
    // The programme is checked before the download starts, so a hidden one answers 404.
    let check = filter.clone();
    state
        .db
        .run(move |conn| Ok(check_visible(conn, &check)?))
        .await?;
    let turn = match state.exports.turn().await {
        Ok(turn) => turn,
        Err(busy) => return Ok(busy),
    };
    downloads::csv(
        &state.db,
        turn,
        format!("programme-report-{as_at}.csv"),
        q.bom,
        &REPORT_COLUMNS,
        move |conn, w| {
            let mut failed = None;
            let total = programme_lines(conn, &filter, as_at, |line| {
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
            w.write_record(report_cells(&total)).map_err(io)
        },
    )
    .await
}
