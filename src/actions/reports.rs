//! Reading the reports: who may see a cohort's or a programme's figures, and who may take
//! them away as CSV. The figures themselves are computed in `crate::reports`; these
//! functions add the permission, the visibility (a cohort or programme the actor's
//! organisation does not partner in answers 404) and, for personal data leaving the
//! system, the audit row. The web pages, the API and the command line all call these.

use chrono::NaiveDate;

use crate::db::{DbConnection, write_transaction};
use crate::domain::{Actor, Permission};
use crate::error::AppResult;
use crate::models::page::{PageRequest, Paged};
use crate::models::{AuditAction, AuditEvent, Cohort, NewAuditEvent};
use crate::reports::programme_totals as report_lines;
use crate::reports::report::{check_visible, cohort_keys, cohorts_in, programme_lines};
use crate::reports::{CohortReport, ProgrammeFilter, ReportLine};

/// A programme report as its page shows it.
#[derive(Debug, Clone)]
pub struct ProgrammeReport {
    /// One line per cohort in range.
    pub lines: Vec<ReportLine>,
    /// The total line over every cohort (`TOTAL`).
    pub total: ReportLine,
    /// The total over the cohorts whose outcome window has closed (`TOTAL_CLOSED`).
    pub closed: ReportLine,
}

impl ProgrammeReport {
    /// The cohort lines, then `TOTAL`, then `TOTAL_CLOSED`, as the command line and CSV
    /// list them.
    pub fn lines_and_total(self) -> Vec<ReportLine> {
        let mut lines = self.lines;
        lines.push(self.total);
        lines.push(self.closed);
        lines
    }
}

/// A cohort's report as at `as_at` (default: the actor's today), with the equality
/// breakdowns only for those allowed to see equality data.
pub fn cohort_report(
    conn: &mut DbConnection,
    actor: &Actor,
    cohort_id: i32,
    as_at: Option<NaiveDate>,
) -> AppResult<CohortReport> {
    actor.require(Permission::ViewReports)?;
    Cohort::find_visible(conn, cohort_id, actor.scope())?;
    let equality = actor.can(Permission::ViewEqualityData);
    let as_at = as_at.unwrap_or(actor.today);
    Ok(crate::reports::cohort_report(
        conn, cohort_id, as_at, equality,
    )?)
}

/// The programme report of `filter` (its scope is set from the actor): one line per
/// cohort and the total.
pub fn programme_report(
    conn: &mut DbConnection,
    actor: &Actor,
    filter: ProgrammeFilter,
    as_at: NaiveDate,
) -> AppResult<ProgrammeReport> {
    actor.require(Permission::ViewReports)?;
    let filter = in_scope(actor, filter);
    let mut lines = Vec::new();
    let totals = programme_lines(conn, &filter, as_at, |l| lines.push(l.clone()))?;
    Ok(ProgrammeReport {
        lines,
        total: totals.total,
        closed: totals.closed,
    })
}

/// A page of the programme report as the `/reports` page shows it.
#[derive(Debug, Clone)]
pub struct ProgrammeReportPage {
    /// The lines of the page's cohorts, by start date then id; `next` starts the next.
    pub lines: Paged<ReportLine>,
    /// The total over every cohort of the filter, not only the page's.
    pub total: ReportLine,
    /// The total over every cohort of the filter whose outcome window has closed.
    pub closed: ReportLine,
}

/// A page of the programme report of `filter` (its scope is set from the actor): the
/// lines of the cohorts on the page, in the order `(starts_on, id)`, and the totals over
/// the whole filter, computed as the CSV's `TOTAL` and `TOTAL_CLOSED` are, so they
/// always agree.
pub fn programme_report_page(
    conn: &mut DbConnection,
    actor: &Actor,
    filter: ProgrammeFilter,
    as_at: NaiveDate,
    page: &PageRequest<(NaiveDate, i32)>,
) -> AppResult<ProgrammeReportPage> {
    actor.require(Permission::ViewReports)?;
    let filter = in_scope(actor, filter);
    check_visible(conn, &filter)?;
    let keys = cohort_keys(conn, &filter, page.after, page.fetch())?;
    let keys = Paged::from_fetched(keys, page, |k| *k);
    let ids: Vec<i32> = keys.items.iter().map(|(_, id)| *id).collect();
    let mut lines = Vec::with_capacity(ids.len());
    report_lines(conn, &ids, as_at, |l| lines.push(l.clone()))?;
    // The total needs every cohort's people; lines are not kept, so memory stays flat.
    let every = cohorts_in(conn, &filter)?;
    let totals = report_lines(conn, &every, as_at, |_| {})?;
    Ok(ProgrammeReportPage {
        lines: Paged {
            items: lines,
            next: keys.next,
        },
        total: totals.total,
        closed: totals.closed,
    })
}

/// Checks, before a download of a cohort's figures starts, that the actor may export
/// and may see the cohort (404 otherwise).
pub fn cohort_export(conn: &mut DbConnection, actor: &Actor, cohort_id: i32) -> AppResult<()> {
    actor.require(Permission::ExportData)?;
    Cohort::find_visible(conn, cohort_id, actor.scope())?;
    Ok(())
}

/// Records that the actor took a cohort's participant list: personal data leaves the
/// system, so who took which cohort's list is audited.
pub fn record_participants_export(
    conn: &mut DbConnection,
    actor: &Actor,
    cohort_id: i32,
) -> AppResult<()> {
    cohort_export(conn, actor, cohort_id)?;
    Ok(write_transaction(conn, |conn| {
        let event = NewAuditEvent::simple(
            Some(actor.user_id),
            AuditAction::Export,
            "cohort_participants",
            cohort_id,
        );
        AuditEvent::record(conn, event, actor.now).map(drop)
    })?)
}

/// Checks, before a programme download starts, that the actor may export and may see
/// the programme the filter names (404 otherwise); returns the filter in the actor's scope.
pub fn programme_export(
    conn: &mut DbConnection,
    actor: &Actor,
    filter: ProgrammeFilter,
) -> AppResult<ProgrammeFilter> {
    actor.require(Permission::ExportData)?;
    let filter = in_scope(actor, filter);
    check_visible(conn, &filter)?;
    Ok(filter)
}

/// `filter` limited to the programmes the actor's organisation partners in.
fn in_scope(actor: &Actor, filter: ProgrammeFilter) -> ProgrammeFilter {
    ProgrammeFilter {
        scope: actor.scope(),
        ..filter
    }
}
