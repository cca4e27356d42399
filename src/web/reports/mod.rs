//! The report pages: a cohort's report (headline, funnel chart, sustainment, progression,
//! attendance, breakdowns, each figure with its definition, CSV downloads) and the
//! programme report (`programme`). Both take their dates in day, month and year boxes
//! (`filter`) and still read the old `YYYY-MM-DD` query of links and bookmarks.

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{Query, State};
use axum::response::{IntoResponse, Response};
use chrono::NaiveDate;

use super::{Layout, Section};
use crate::actions::reports;
use crate::auth::CurrentUser;
use crate::domain::{Actor, Permission};
use crate::error::{AppResult, FieldErrors};
use crate::extract::PathId;
use crate::reports::CohortReport;
use crate::reports::chart;
use crate::reports::definitions::definition;
use crate::reports::report::published;
use crate::state::AppState;
use crate::web::forms::{DateBoxes, status_for};

mod filter;
mod programme;

pub use filter::{FilterQuery, Filters};
pub use programme::{ProgrammeReportPage, programme};

/// `GET /cohorts/{id}/report`
#[derive(Template, WebTemplate)]
#[template(path = "reports/cohort.html")]
pub struct CohortReportPage {
    layout: Layout,
    report: CohortReport,
    funnel: Vec<(String, i64)>,
    chart: String,
    as_at: NaiveDate,
    as_at_boxes: DateBoxes,
    errors: FieldErrors,
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

/// `GET /cohorts/{id}/report?as_at_day=&as_at_month=&as_at_year=` (or the old
/// `as_at=YYYY-MM-DD`) `&publishable=`. An as-at date that cannot be read shows the
/// report as at today under the problem, answered 422.
pub async fn cohort(
    State(state): State<AppState>,
    actor: Actor,
    user: CurrentUser,
    PathId(id): PathId,
    Query(q): Query<FilterQuery>,
) -> AppResult<Response> {
    let filters = q.read();
    let mut errors = FieldErrors::new();
    if let Some(message) = filters.errors.get("as_at") {
        errors.add("as_at", message);
    }
    let (as_at, can_export) = (filters.as_at.date, actor.can(Permission::ExportData));
    let today = actor.today;
    let report = state
        .db
        .run(move |conn| reports::cohort_report(conn, &actor, id, as_at))
        .await?;
    let funnel = chart::funnel_steps(&report);
    let title = format!("Report: {}", report.line.cohort);
    let page = CohortReportPage {
        layout: Layout::new(title, &user, Section::Reports).with_errors(!errors.is_empty()),
        chart: chart::cohort_funnel(&report, &funnel),
        as_at: report.line.as_at,
        as_at_boxes: if errors.is_empty() {
            DateBoxes::of(Some(report.line.as_at))
        } else {
            filters.as_at.boxes.clone()
        },
        errors,
        report,
        funnel,
        today,
        publishable: filters.publishable,
        can_export,
    };
    Ok((status_for(&page.errors), page).into_response())
}
