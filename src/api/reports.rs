//! `/api/v1/cohorts/{id}/report` (JSON and CSV), `/api/v1/cohorts/{id}/participants.csv`
//! and `/api/v1/reports/programme.csv`. CSV is streamed: rows are written a batch of
//! cohorts at a time on a blocking thread and sent as they are ready.

use std::io::Write;

use axum::Json;
use axum::body::{Body, Bytes};
use axum::extract::State;
use axum::http::header;
use axum::response::{IntoResponse, Response};
use tokio::sync::mpsc;

use crate::app::AppState;
use crate::auth::{CurrentUser, Permission};
use crate::db::DbConnection;
use crate::db::write_transaction;
use crate::error::{AppError, AppResult};
use crate::extract::{PathId, ReportQuery};
use crate::models::{AuditAction, AuditEvent, Cohort, NewAuditEvent};
use crate::reports::cohort_report;
use crate::reports::export::{
    PARTICIPANT_COLUMNS, REPORT_COLUMNS, report_cells, report_json, write_participants, writer,
};
use crate::reports::report::{check_visible, programme_lines};

/// An `io::Write` that sends what it has gathered down a channel at every flush.
struct ChunkSender {
    buffer: Vec<u8>,
    tx: mpsc::Sender<Bytes>,
}

impl Write for ChunkSender {
    fn write(&mut self, data: &[u8]) -> std::io::Result<usize> {
        self.buffer.extend_from_slice(data);
        Ok(data.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        if !self.buffer.is_empty() {
            let chunk = Bytes::from(std::mem::take(&mut self.buffer));
            self.tx
                .blocking_send(chunk)
                .map_err(|_| std::io::Error::other("the client went away"))?;
        }
        Ok(())
    }
}

/// A streamed CSV download: `produce` writes rows on a database thread.
fn csv_download<F>(
    state: &AppState,
    filename: String,
    bom: bool,
    header_row: &'static [&'static str],
    produce: F,
) -> Response
where
    F: FnOnce(&mut DbConnection, &mut csv::Writer<ChunkSender>) -> AppResult<()> + Send + 'static,
{
    let (tx, rx) = mpsc::channel::<Bytes>(8);
    let db = state.db.clone();
    tokio::spawn(async move {
        let result = db
            .run(move |conn| {
                let sink = ChunkSender {
                    buffer: Vec::new(),
                    tx,
                };
                let mut w =
                    writer(sink, header_row, bom).map_err(|e| AppError::Internal(e.into()))?;
                produce(conn, &mut w)?;
                w.flush().map_err(|e| AppError::Internal(e.into()))
            })
            .await;
        if let Err(e) = result {
            tracing::error!(error = %e, "CSV export stopped early");
        }
    });
    let stream = futures_util::stream::unfold(rx, |mut rx| async move {
        rx.recv()
            .await
            .map(|chunk| (Ok::<_, std::io::Error>(chunk), rx))
    });
    (
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8".to_owned()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{filename}\""),
            ),
        ],
        Body::from_stream(stream),
    )
        .into_response()
}

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
    let as_at = q.as_at.unwrap_or(state.clock.today());
    let name = format!("cohort-{id}-report-{as_at}.csv");
    Ok(csv_download(
        &state,
        name,
        q.bom,
        &REPORT_COLUMNS,
        move |conn, w| {
            let report = cohort_report(conn, id, as_at, false)?;
            w.write_record(report_cells(&report.line)).map_err(io)
        },
    ))
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
    Ok(csv_download(
        &state,
        name,
        q.bom,
        &PARTICIPANT_COLUMNS,
        move |conn, w| write_participants(conn, &[id], as_at, w, |_| {}),
    ))
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
    Ok(csv_download(
        &state,
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
    ))
}
