//! `GET /reports`: the programme report, its cohorts' rows a page at a time, then the
//! total over every cohort and the total over the closed ones (whose outcome window,
//! 26 weeks after the last session, has passed), with a chart of the page's closed
//! cohorts over time. The filter's dates are typed in day, month and year boxes.

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{Query, State};
use axum::response::{IntoResponse, Response};
use chrono::NaiveDate;

use super::filter::{FilterQuery, Filters};
use crate::actions::{pickers, reports};
use crate::auth::CurrentUser;
use crate::domain::{Actor, Permission};
use crate::error::{AppResult, FieldErrors};
use crate::extract::Paging;
use crate::models::page::Paged;
use crate::reports::ReportLine;
use crate::reports::chart;
use crate::reports::report::{TOTAL, TOTAL_CLOSED};
use crate::state::AppState;
use crate::web::forms::{DateBoxes, status_for};
use crate::web::paging::Pager;
use crate::web::picker::{Picker, Searches};
use crate::web::{Layout, Section};

/// The figures the page shows once its filter could be read.
pub struct Shown {
    lines: Vec<ReportLine>,
    total: ReportLine,
    closed: ReportLine,
    chart: String,
}

impl Shown {
    /// `TOTAL`, then `TOTAL_CLOSED`: the footer's rows.
    fn totals(&self) -> [&ReportLine; 2] {
        [&self.total, &self.closed]
    }
}

/// `GET /reports`
#[derive(Template, WebTemplate)]
#[template(path = "reports/programme.html")]
pub struct ProgrammeReportPage {
    layout: Layout,
    programmes: Picker,
    errors: FieldErrors,
    selected: Option<i32>,
    from: DateBoxes,
    to: DateBoxes,
    as_at_boxes: DateBoxes,
    filters: Filters,
    as_at: NaiveDate,
    shown: Option<Shown>,
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
    /// "Closed 3 Jun 2021" or "Open until 12 Jun 2027": the cohort's outcome window; on
    /// a total, which cohorts it covers.
    fn window(&self, l: &ReportLine) -> String {
        let day = l.window_closes_on().format("%-d %b %Y");
        if l.cohort == TOTAL {
            "Open and closed".to_owned()
        } else if l.cohort == TOTAL_CLOSED {
            format!("Closed by {}", self.as_at.format("%-d %b %Y"))
        } else if l.closed() {
            format!("Closed {day}")
        } else {
            format!("Open until {day}")
        }
    }
    /// The filter as the old `YYYY-MM-DD` query, which the CSV download and the cohort
    /// links read.
    fn csv_query(&self) -> String {
        let mut q = format!("as_at={}", self.as_at);
        if let Some(p) = self.selected {
            q.push_str(&format!("&programme_id={p}"));
        }
        if let Some(d) = self.filters.from.date {
            q.push_str(&format!("&from={d}"));
        }
        if let Some(d) = self.filters.to.date {
            q.push_str(&format!("&to={d}"));
        }
        q
    }
}

/// `GET /reports?programme_id=&from_day=&from_month=&from_year=&to_…=&as_at_…=` (or the
/// old `from=&to=&as_at=` as `YYYY-MM-DD`) `&programme_q=&cursor=`. A date that cannot be
/// read shows the filter again with the problem, answered 422.
pub async fn programme(
    State(state): State<AppState>,
    actor: Actor,
    user: CurrentUser,
    Query(q): Query<FilterQuery>,
    Query(searches): Query<Searches>,
    paging: Paging<(NaiveDate, i32)>,
) -> AppResult<Response> {
    let filters = q.read();
    let as_at = filters.as_at.date.unwrap_or(actor.today);
    let (search, selected) = (searches.programme_q.clone(), filters.programme_id);
    let (filter, ok) = (filters.programme(), filters.errors.is_empty());
    let can_export = actor.can(Permission::ExportData);
    let (report, choices) = state
        .db
        .run(move |conn| {
            let report = match ok {
                true => Some(reports::programme_report_page(
                    conn, &actor, filter, as_at, &paging,
                )?),
                false => None,
            };
            let choices = pickers::programmes(conn, &actor, &search, selected)?;
            Ok((report, choices))
        })
        .await?;
    let keep = kept(&filters, as_at, &searches.programme_q);
    let keep: Vec<(&'static str, &str)> = keep.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let empty = Paged::<ReportLine> {
        items: Vec::new(),
        next: None,
    };
    let pager = Pager::new(
        "/reports",
        &keep,
        &paging,
        report.as_ref().map_or(&empty, |r| &r.lines),
    );
    let shown = report.map(|r| Shown {
        chart: chart::programme_rates(&r.lines.items),
        lines: r.lines.items,
        total: r.total,
        closed: r.closed,
    });
    let errors = filters.errors.clone();
    let page = ProgrammeReportPage {
        layout: Layout::new("Programme report", &user, Section::Reports)
            .with_errors(!errors.is_empty()),
        programmes: programme_picker(choices, &keep[..4], &searches.programme_q, selected),
        selected,
        from: filters.from.boxes.clone(),
        to: filters.to.boxes.clone(),
        as_at_boxes: if errors.get("as_at").is_some() {
            filters.as_at.boxes.clone()
        } else {
            DateBoxes::of(Some(as_at))
        },
        errors,
        filters,
        as_at,
        shown,
        pager,
        can_export,
    };
    Ok((status_for(&page.errors), page).into_response())
}

/// The filter as links carry it (the pager's and the programme search's): the old
/// `YYYY-MM-DD` form, which the page still reads; empty values are left out of links.
fn kept(filters: &Filters, as_at: NaiveDate, search: &str) -> Vec<(&'static str, String)> {
    let date = |d: Option<NaiveDate>| d.map(|d| d.to_string()).unwrap_or_default();
    vec![
        (
            "programme_id",
            filters
                .programme_id
                .map(|p| p.to_string())
                .unwrap_or_default(),
        ),
        ("from", date(filters.from.date)),
        ("to", date(filters.to.date)),
        ("as_at", as_at.to_string()),
        ("programme_q", search.to_owned()),
    ]
}

/// The report filter's programme picker: its search keeps the other filters.
fn programme_picker(
    choices: pickers::Choices<crate::models::Programme>,
    keep: &[(&'static str, &str)],
    search: &str,
    selected: Option<i32>,
) -> Picker {
    let selected = selected.map(|p| p.to_string()).unwrap_or_default();
    Picker::new(
        ("programme_id", "programme_q"),
        ("Programme", "All programmes", "programmes"),
        choices,
        |p| (p.id, p.name.clone()),
    )
    .searching("/reports", search, keep)
    .selecting(&selected)
}
