//! The report pages: a cohort's report (headline, funnel chart, sustainment, progression,
//! attendance, breakdowns, each figure with its definition, CSV downloads) and the
//! programme report (one row per cohort plus a total, with a chart over time).

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::State;
use chrono::NaiveDate;

use super::{Layout, Section};
use crate::auth::{CurrentUser, Permission};
use crate::error::AppResult;
use crate::extract::{PathId, ReportQuery};
use crate::models::{Cohort, MAX_PAGE_SIZE, Programme};
use crate::reports::chart;
use crate::reports::definitions::definition;
use crate::reports::report::{programme_lines, published};
use crate::reports::{CohortReport, ReportLine, cohort_report};
use crate::state::AppState;

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

/// The funnel steps of a cohort report, in order.
pub fn funnel_steps(r: &CohortReport) -> Vec<(String, i64)> {
    let f = &r.line.figures;
    vec![
        (
            "Information sessions".to_owned(),
            r.information_session_attendees,
        ),
        ("Applied".to_owned(), f.referred),
        ("Started".to_owned(), f.started),
        ("Completed".to_owned(), f.completed),
        ("Interviewed".to_owned(), f.interviewed),
        ("Offered a job".to_owned(), f.offered),
        ("Employed".to_owned(), f.employed),
        ("Sustained 13 weeks".to_owned(), f.sustained[0]),
        ("Sustained 26 weeks".to_owned(), f.sustained[1]),
        ("Sustained 52 weeks".to_owned(), f.sustained[2]),
        ("Progressed".to_owned(), f.progressed),
    ]
}

/// `GET /cohorts/{id}/report?as_at=&publishable=`
pub async fn cohort(
    State(state): State<AppState>,
    user: CurrentUser,
    PathId(id): PathId,
    q: ReportQuery,
) -> AppResult<CohortReportPage> {
    user.require(Permission::ViewReports)?;
    let today = state.clock.today();
    let (scope, as_at) = (user.scope(), q.as_at.unwrap_or(today));
    let equality = user.can(Permission::ViewEqualityData);
    let report = state
        .db
        .run(move |conn| {
            Cohort::find_visible(conn, id, scope)?;
            Ok(cohort_report(conn, id, as_at, equality)?)
        })
        .await?;
    let funnel = funnel_steps(&report);
    let chart = chart::funnel(
        &format!("Funnel of {} as at {as_at}", report.line.cohort),
        &funnel,
    );
    Ok(CohortReportPage {
        layout: Layout::new(
            format!("Report: {}", report.line.cohort),
            &user,
            Section::Reports,
        ),
        report,
        funnel,
        chart,
        as_at,
        today,
        publishable: q.publishable,
        can_export: user.can(Permission::ExportData),
    })
}

/// `GET /reports`
#[derive(Template, WebTemplate)]
#[template(path = "reports/programme.html")]
pub struct ProgrammeReportPage {
    layout: Layout,
    programmes: Vec<Programme>,
    selected: Option<i32>,
    from: Option<NaiveDate>,
    to: Option<NaiveDate>,
    as_at: NaiveDate,
    lines: Vec<ReportLine>,
    total: ReportLine,
    chart: String,
    can_export: bool,
}

impl ProgrammeReportPage {
    fn is_selected(&self, id: &i32) -> bool {
        self.selected == Some(*id)
    }
    fn rate(&self, value: &Option<f64>) -> String {
        value.map_or_else(|| "–".to_owned(), |v| format!("{v:.1} %"))
    }
    fn sustained_rate(&self, l: &ReportLine) -> String {
        let f = &l.figures;
        if f.due[1] == 0 {
            "–".to_owned()
        } else {
            format!("{:.1} %", f.sustained[1] as f64 * 100.0 / f.due[1] as f64)
        }
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

/// `GET /reports?programme_id=&from=&to=&as_at=`
pub async fn programme(
    State(state): State<AppState>,
    user: CurrentUser,
    q: ReportQuery,
) -> AppResult<ProgrammeReportPage> {
    user.require(Permission::ViewReports)?;
    let (scope, as_at) = (user.scope(), q.as_at.unwrap_or(state.clock.today()));
    let filter = q.filter(scope);
    let (programmes, lines, total) = state
        .db
        .run(move |conn| {
            let mut lines = Vec::new();
            let total = programme_lines(conn, &filter, as_at, |l| lines.push(l.clone()))?;
            Ok((
                Programme::page(conn, scope, 0, MAX_PAGE_SIZE)?,
                lines,
                total,
            ))
        })
        .await?;
    let labels: Vec<String> = lines.iter().map(|l| l.cohort.clone()).collect();
    // A cohort still running has no employment rate worth plotting yet.
    let employment: Vec<Option<f64>> = lines
        .iter()
        .map(|l| l.figures.employment_rate.filter(|_| !l.running()))
        .collect();
    let sustained: Vec<Option<f64>> = lines
        .iter()
        .map(|l| {
            (l.figures.due[1] > 0)
                .then(|| l.figures.sustained[1] as f64 * 100.0 / l.figures.due[1] as f64)
        })
        .collect();
    let chart = chart::rates(
        "Employment rate and 26-week sustainment by cohort",
        &labels,
        &[
            ("Employment rate", employment),
            ("Sustained at 26 weeks", sustained),
        ],
    );
    Ok(ProgrammeReportPage {
        layout: Layout::new("Programme report", &user, Section::Reports),
        programmes,
        selected: q.programme_id,
        from: q.from,
        to: q.to,
        as_at,
        lines,
        total,
        chart,
        can_export: user.can(Permission::ExportData),
    })
}
