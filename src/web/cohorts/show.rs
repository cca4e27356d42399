//! The cohort page: its summary, funnel so far, roster with attendance and schedule, and
//! after generating, the sessions moved off closed days.

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use chrono::NaiveDate;
use serde::Deserialize;

use super::schedule::moved_pairs;
use crate::actions::closures;
use crate::actions::cohorts::{self, CohortDetails, RosterLine};
use crate::auth::{CurrentUser, Permission};
use crate::domain::calendar::Moved;
use crate::domain::{Actor, RegisterStatus, Stage};
use crate::error::{AppResult, FieldErrors};
use crate::extract::PathId;
use crate::models::{Cohort, CourseSession, Programme, RosterEntry};
use crate::state::AppState;
use crate::web::{Layout, Section};

/// The cohort page.
#[derive(Template, WebTemplate)]
#[template(path = "cohorts/show.html")]
pub struct CohortPage {
    layout: Layout,
    cohort: Cohort,
    programme: Programme,
    roster: Vec<RosterLine>,
    sessions: Vec<CourseSession>,
    registers: Vec<(RegisterStatus, usize)>,
    can_finish: bool,
    held: usize,
    outstanding: usize,
    funnel: Vec<(&'static str, usize)>,
    places_taken: i64,
    can_manage: bool,
    can_enrol: bool,
    today: chrono::NaiveDate,
    notice: Option<String>,
    /// Sessions a schedule generation moved off bank holidays and closure days.
    moves: Vec<Moved>,
    errors: FieldErrors,
}

/// Query of the cohort page.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct NoticeQuery {
    notice: Option<String>,
    /// After generating: the days moved, as `YYYYMMDD-YYYYMMDD` pairs joined by `.`.
    moved: Option<String>,
}

impl NoticeQuery {
    /// The line of confirmation a redirect asked for.
    fn text(&self) -> Option<String> {
        let text = match self.notice.as_deref()? {
            "created" => "The cohort has been created. Generate its schedule next.",
            "updated" => "The cohort has been changed.",
            "generated" => "The schedule has been generated.",
            "enrolled" => "The resident has been enrolled.",
            "added" => "The resident has been added and enrolled.",
            "register" => "The register has been saved. Attendance rates below include it.",
            "finished" => "The cohort has been marked as finished.",
            _ => return None,
        };
        Some(text.to_owned())
    }
}

/// `GET /cohorts/{id}`
pub async fn show(
    actor: Actor,
    State(state): State<AppState>,
    user: CurrentUser,
    PathId(id): PathId,
    axum::extract::Query(q): axum::extract::Query<NoticeQuery>,
) -> AppResult<Response> {
    let notice = q.text();
    let moved = moved_pairs(q.moved.as_deref().unwrap_or_default());
    render_cohort(
        &state,
        actor,
        &user,
        id,
        (notice, moved),
        FieldErrors::new(),
    )
    .await
}

/// Renders the cohort page with a notice and the days a generation moved: 200, or 409
/// after a refused schedule generation.
pub(super) async fn render_cohort(
    state: &AppState,
    actor: Actor,
    user: &CurrentUser,
    id: i32,
    (notice, moved): (Option<String>, Vec<(NaiveDate, NaiveDate)>),
    errors: FieldErrors,
) -> AppResult<Response> {
    let (details, moves): (CohortDetails, Vec<Moved>) = state
        .db
        .run(move |conn| {
            let details = cohorts::details(conn, &actor, id)?;
            let moves = match moved.is_empty() {
                true => Vec::new(),
                false => closures::explain_moves(conn, &actor, details.programme.id, &moved)?,
            };
            Ok((details, moves))
        })
        .await?;
    let places_taken = details
        .enrolments
        .iter()
        .filter(|r| r.enrolment.stage.holds_place())
        .count() as i64;
    let status = if errors.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::CONFLICT
    };
    let page = CohortPage {
        layout: Layout::new(details.cohort.name.clone(), user, Section::Cohorts)
            .with_errors(!errors.is_empty()),
        funnel: funnel(&details.enrolments),
        held: details.held,
        outstanding: details.outstanding,
        cohort: details.cohort,
        programme: details.programme,
        roster: details.roster,
        sessions: details.sessions,
        registers: details.registers,
        can_finish: details.can_finish,
        places_taken,
        can_manage: actor.can(Permission::ManageCohorts),
        can_enrol: actor.can(Permission::ManageEnrolments),
        today: actor.today,
        notice,
        moves,
        errors,
    };
    Ok((status, page).into_response())
}

/// People at each step so far: everyone who applied, then those accepted or further,
/// started or further, completed; withdrawals beside.
fn funnel(roster: &[RosterEntry]) -> Vec<(&'static str, usize)> {
    let count = |stages: &[Stage]| {
        roster
            .iter()
            .filter(|r| stages.contains(&r.enrolment.stage))
            .count()
    };
    let with = |has: fn(&RosterEntry) -> bool| roster.iter().filter(|r| has(r)).count();
    vec![
        ("Referred", roster.len()),
        (
            "Accepted or further",
            count(&[Stage::Accepted, Stage::Started, Stage::Completed])
                + count(&[Stage::Withdrawn]),
        ),
        ("Started", count(&[Stage::Started, Stage::Completed])),
        ("Completed", count(&[Stage::Completed])),
        ("Withdrawn", count(&[Stage::Withdrawn])),
        ("Did not start", count(&[Stage::NotStarted])),
        (
            "Interviewed",
            with(|r| r.enrolment.interviewed_on.is_some()),
        ),
        ("Offered a job", with(|r| r.enrolment.offered_on.is_some())),
    ]
}
