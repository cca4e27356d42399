//! The report pages: a cohort's report (headline, funnel chart, sustainment, progression,
//! attendance, breakdowns, each figure with its definition, CSV downloads) and the
//! programme report (its cohorts' rows a page at a time, the total over them all, with a
//! chart of the page's cohorts over time).

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{Query, State};
use chrono::NaiveDate;

use super::{Layout, Section};
use crate::actions::{pickers, reports};
use crate::auth::CurrentUser;
use crate::domain::{Actor, Permission};
use crate::error::{AppResult, FieldErrors};
use crate::extract::{Paging, PathId, ReportQuery};
use crate::reports::chart;
use crate::reports::definitions::definition;
use crate::reports::report::published;
use crate::reports::{CohortReport, ReportLine};
use crate::state::AppState;
use crate::web::paging::Pager;
use crate::web::picker::{Picker, Searches};

/// `GET /cohorts/{id}/report`
#[derive(Template, WebTemplate)]
#[template(path = "reports/cohort.html")]
pub struct CohortReportPage {
    layout: Layout,
    report: CohortReport,
    funnel: Vec<(String, i64)>,
    chart: String,
    as_at: NaiveDate,
    today: NaiveDate,
    publishable: bool,
    can_export: bool,
}

impl CohortReportPage {
    fn def(&self, column: &str) -> &'static str {
        definition(column)
    }
    fn count(&self, n: &i64) -> String {
        published(*n, self.publishable)
    }
    fn rate(&self, value: &Option<f64>) -> String {
        value.map_or_else(|| "–".to_owned(), |v| format!("{v:.1} %"))
    }
    fn days(&self, value: &Option<f64>) -> String {
        value.map_or_else(|| "–".to_owned(), |v| format!("{v}"))
    }
    fn query(&self) -> String {
        format!("as_at={}", self.as_at)
    }
}

/// `GET /cohorts/{id}/report?as_at=&publishable=`
pub async fn cohort(
    State(state): State<AppState>,
    actor: Actor,
    user: CurrentUser,
    PathId(id): PathId,
    q: ReportQuery,
) -> AppResult<CohortReportPage> {
    let report = state
        .db
        .run(move |conn| reports::cohort_report(conn, &actor, id, q.as_at))
        .await?;
    let funnel = chart::funnel_steps(&report);
    let title = format!("Report: {}", report.line.cohort);
    Ok(CohortReportPage {
        layout: Layout::new(title, &user, Section::Reports),
        chart: chart::cohort_funnel(&report, &funnel),
        as_at: report.line.as_at,
        report,
        funnel,
        today: actor.today,
        publishable: q.publishable,
        can_export: actor.can(Permission::ExportData),
    })
}

/// `GET /reports`
#[derive(Template, WebTemplate)]
#[template(path = "reports/programme.html")]
pub struct ProgrammeReportPage {
    layout: Layout,
    programmes: Picker,
    /// Always empty: the filter's problems are refused before the page (the picker's
    /// select shows none).
    errors: FieldErrors,
    selected: Option<i32>,
    from: Option<NaiveDate>,
    to: Option<NaiveDate>,
    as_at: NaiveDate,
    lines: Vec<ReportLine>,
    total: ReportLine,
    chart: String,
    pager: Pager,
    can_export: bool,
}

impl ProgrammeReportPage {
    fn rate(&self, value: &Option<f64>) -> String {
        value.map_or_else(|| "–".to_owned(), |v| format!("{v:.1} %"))
    }
    fn sustained_rate(&self, l: &ReportLine) -> String {
        self.rate(&l.figures.sustained_rate(1))
    }
    fn csv_query(&self) -> String {
        let mut q = format!("as_at={}", self.as_at);
        if let Some(p) = self.selected {
            q.push_str(&format!("&programme_id={p}"));
        }
        if let Some(d) = self.from {
            q.push_str(&format!("&from={d}"));
        }
        if let Some(d) = self.to {
            q.push_str(&format!("&to={d}"));
        }
        q
    }
}

/// `GET /reports?programme_id=&from=&to=&as_at=&programme_q=&cursor=`
pub async fn programme(
    State(state): State<AppState>,
    actor: Actor,
    user: CurrentUser,
    q: ReportQuery,
    Query(searches): Query<Searches>,
    paging: Paging<(NaiveDate, i32)>,
) -> AppResult<ProgrammeReportPage> {
    let (filter, as_at) = (q.filter(), q.as_at.unwrap_or(actor.today));
    let (search, selected) = (searches.programme_q.clone(), q.programme_id);
    let (r, choices) = state
        .db
        .run(move |conn| {
            let report = reports::programme_report_page(conn, &actor, filter, as_at, &paging)?;
            Ok((
                report,
                pickers::programmes(conn, &actor, &search, selected)?,
            ))
        })
        .await?;
    let (id, from, to) = (q.programme_id, q.from, q.to);
    let (id, from, to) = (text(id), text(from), text(to));
    let filters = [
        ("programme_id", id.as_str()),
        ("from", from.as_str()),
        ("to", to.as_str()),
        ("as_at", &as_at.to_string()),
        ("programme_q", &searches.programme_q),
    ];
    Ok(ProgrammeReportPage {
        layout: Layout::new("Programme report", &user, Section::Reports),
        chart: chart::programme_rates(&r.lines.items),
        pager: Pager::new("/reports", &filters, &paging, &r.lines),
        programmes: programme_picker(choices, &q, &searches.programme_q),
        errors: FieldErrors::new(),
        selected: q.programme_id,
        from: q.from,
        to: q.to,
        as_at,
        lines: r.lines.items,
        total: r.total,
        can_export: actor.can(Permission::ExportData),
    })
}

/// An optional filter value as the pager's links carry it (empty when absent).
fn text(value: Option<impl ToString>) -> String {
    value.map(|v| v.to_string()).unwrap_or_default()
}

/// The report filter's programme picker: its search keeps the other filters.
fn programme_picker(
    choices: pickers::Choices<crate::models::Programme>,
    q: &ReportQuery,
    search: &str,
) -> Picker {
    let (from, to, as_at) = (q.from.map(|d| d.to_string()), q.to, q.as_at);
    let (to, as_at) = (to.map(|d| d.to_string()), as_at.map(|d| d.to_string()));
    let selected = q.programme_id.map(|p| p.to_string()).unwrap_or_default();
    let keep = [
        ("programme_id", selected.as_str()),
        ("from", from.as_deref().unwrap_or_default()),
        ("to", to.as_deref().unwrap_or_default()),
        ("as_at", as_at.as_deref().unwrap_or_default()),
    ];
    Picker::new(
        ("programme_id", "programme_q"),
        ("Programme", "All programmes", "programmes"),
        choices,
        |p| (p.id, p.name.clone()),
    )
    .searching("/reports", search, &keep)
    .selecting(&selected)
}
