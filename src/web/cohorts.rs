//! Cohort pages: the list, creating and editing a cohort, generating its schedule, and
//! the cohort page with its roster, schedule and funnel so far.

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde::Deserialize;

use super::forms::{DateBoxes, merge};
use super::{Layout, Section, WebForm, see_other};
use crate::auth::{CurrentUser, Permission};
use crate::domain::Stage;
use crate::error::{AppError, AppResult, FieldErrors};
use crate::extract::PathId;
use crate::models::attendance::{AttendanceSummary, CohortAttendance};
use crate::models::cohort::{STATUSES, status_label};
use crate::models::cohort_input::{
    CohortInput, create_cohort, generate_sessions, problems, update_cohort,
};
use crate::models::{Cohort, CourseSession, Enrolment, MAX_PAGE_SIZE, Programme, RosterEntry};
use crate::state::AppState;

/// The cohorts list.
#[derive(Template, WebTemplate)]
#[template(path = "cohorts/list.html")]
pub struct CohortListPage {
    layout: Layout,
    cohorts: Vec<(Cohort, String)>,
    can_create: bool,
}

/// The new / edit cohort form.
#[derive(Template, WebTemplate)]
#[template(path = "cohorts/form.html")]
pub struct CohortFormPage {
    layout: Layout,
    errors: FieldErrors,
    form: CohortForm,
    programmes: Vec<Programme>,
    editing: Option<i32>,
    statuses: Vec<(&'static str, &'static str)>,
}

/// One line of a roster.
pub struct RosterLine {
    entry: RosterEntry,
    attendance: AttendanceSummary,
}

/// The cohort page.
#[derive(Template, WebTemplate)]
#[template(path = "cohorts/show.html")]
pub struct CohortPage {
    layout: Layout,
    cohort: Cohort,
    programme: Programme,
    roster: Vec<RosterLine>,
    sessions: Vec<CourseSession>,
    held: usize,
    funnel: Vec<(&'static str, usize)>,
    places_taken: i64,
    can_manage: bool,
    can_enrol: bool,
    today: chrono::NaiveDate,
    notice: Option<String>,
    errors: FieldErrors,
}

/// Fields of the cohort form.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct CohortForm {
    programme_id: String,
    name: String,
    starts_on_day: String,
    starts_on_month: String,
    starts_on_year: String,
    weeks: String,
    capacity: String,
    venue: String,
    status: String,
}

impl CohortForm {
    fn of(cohort: &Cohort) -> Self {
        let boxes = DateBoxes::of(Some(cohort.starts_on));
        Self {
            programme_id: cohort.programme_id.to_string(),
            name: cohort.name.clone(),
            starts_on_day: boxes.day,
            starts_on_month: boxes.month,
            starts_on_year: boxes.year,
            weeks: cohort.weeks.to_string(),
            capacity: cohort.capacity.to_string(),
            venue: cohort.venue.clone(),
            status: cohort.status.clone(),
        }
    }

    /// The input for the model layer, and the problems only the form can see.
    fn input(&self, creating: bool) -> (CohortInput, FieldErrors) {
        let mut errors = FieldErrors::new();
        let boxes = DateBoxes {
            day: self.starts_on_day.clone(),
            month: self.starts_on_month.clone(),
            year: self.starts_on_year.clone(),
        };
        let starts_on = boxes.to_iso("starts_on", "Start date", &mut errors);
        if boxes.is_blank() {
            errors.add("starts_on", "Enter the start date");
        }
        let number =
            |value: &str, field: &str, what: &str, errors: &mut FieldErrors| match value.trim() {
                "" => None,
                v => v
                    .parse::<i32>()
                    .map_err(|_| errors.add(field, format!("{what} must be a whole number")))
                    .ok(),
            };
        let weeks = number(&self.weeks, "weeks", "Weeks", &mut errors);
        let capacity = number(&self.capacity, "capacity", "Capacity", &mut errors);
        let input = CohortInput {
            programme_id: self.programme_id.trim().parse().ok(),
            name: Some(self.name.clone()),
            starts_on,
            weeks,
            capacity,
            venue: Some(self.venue.clone()),
            status: (!creating).then(|| self.status.clone()),
        };
        (input, errors)
    }
}

/// `GET /cohorts`
pub async fn list(State(state): State<AppState>, user: CurrentUser) -> AppResult<CohortListPage> {
    user.require(Permission::ViewProgrammes)?;
    let scope = user.scope();
    let cohorts = state
        .db
        .run(move |conn| {
            let cohorts = Cohort::list(conn, scope, None, None)?;
            let programmes = Programme::page(conn, scope, 0, MAX_PAGE_SIZE)?;
            Ok(cohorts
                .into_iter()
                .map(|c| {
                    let name = programmes
                        .iter()
                        .find(|p| p.id == c.programme_id)
                        .map(|p| p.name.clone())
                        .unwrap_or_default();
                    (c, name)
                })
                .collect())
        })
        .await?;
    Ok(CohortListPage {
        layout: Layout::new("Cohorts", &user, Section::Cohorts),
        cohorts,
        can_create: user.can(Permission::ManageCohorts),
    })
}

/// `GET /cohorts/new`
pub async fn new(State(state): State<AppState>, user: CurrentUser) -> AppResult<Response> {
    user.require(Permission::ManageCohorts)?;
    let form = CohortForm {
        weeks: "6".into(),
        capacity: "25".into(),
        ..CohortForm::default()
    };
    render_form(
        &state,
        &user,
        form,
        None,
        FieldErrors::new(),
        StatusCode::OK,
    )
    .await
}

/// `POST /cohorts`
pub async fn create(
    State(state): State<AppState>,
    user: CurrentUser,
    WebForm(form): WebForm<CohortForm>,
) -> AppResult<Response> {
    user.require(Permission::ManageCohorts)?;
    let (input, form_errors) = form.input(true);
    let (actor, scope, now) = (user.id, user.scope(), state.clock.now());
    let result = if form_errors.is_empty() {
        state
            .db
            .run(move |conn| create_cohort(conn, actor, scope, input, now))
            .await
    } else {
        Err(AppError::Validation(problems(&input, true)))
    };
    match result {
        Ok(cohort) => Ok(see_other(&format!("/cohorts/{}?notice=created", cohort.id))),
        Err(AppError::Validation(errors) | AppError::Conflict { fields: errors, .. }) => {
            render_form(
                &state,
                &user,
                form,
                None,
                merge(form_errors, errors),
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await
        }
        Err(e) => Err(e),
    }
}

/// `GET /cohorts/{id}/edit`
pub async fn edit(
    State(state): State<AppState>,
    user: CurrentUser,
    PathId(id): PathId,
) -> AppResult<Response> {
    user.require(Permission::ManageCohorts)?;
    let scope = user.scope();
    let cohort = state
        .db
        .run(move |conn| Ok(Cohort::find_visible(conn, id, scope)?))
        .await?;
    render_form(
        &state,
        &user,
        CohortForm::of(&cohort),
        Some(id),
        FieldErrors::new(),
        StatusCode::OK,
    )
    .await
}

/// `POST /cohorts/{id}/edit`
pub async fn update(
    State(state): State<AppState>,
    user: CurrentUser,
    PathId(id): PathId,
    WebForm(form): WebForm<CohortForm>,
) -> AppResult<Response> {
    user.require(Permission::ManageCohorts)?;
    let (mut input, form_errors) = form.input(false);
    input.programme_id = None;
    let (actor, scope, now) = (user.id, user.scope(), state.clock.now());
    let result = if form_errors.is_empty() {
        state
            .db
            .run(move |conn| {
                Cohort::find_visible(conn, id, scope)?;
                update_cohort(conn, actor, id, input, now)
            })
            .await
    } else {
        Err(AppError::Validation(problems(&input, false)))
    };
    match result {
        Ok(_) => Ok(see_other(&format!("/cohorts/{id}?notice=updated"))),
        Err(AppError::Validation(errors) | AppError::Conflict { fields: errors, .. }) => {
            render_form(
                &state,
                &user,
                form,
                Some(id),
                merge(form_errors, errors),
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await
        }
        Err(e) => Err(e),
    }
}

async fn render_form(
    state: &AppState,
    user: &CurrentUser,
    form: CohortForm,
    editing: Option<i32>,
    errors: FieldErrors,
    status: StatusCode,
) -> AppResult<Response> {
    let scope = user.scope();
    let programmes = state
        .db
        .run(move |conn| Ok(Programme::page(conn, scope, 0, MAX_PAGE_SIZE)?))
        .await?;
    let title = if editing.is_some() {
        "Change cohort"
    } else {
        "Create a cohort"
    };
    let page = CohortFormPage {
        layout: Layout::new(title, user, Section::Cohorts).with_errors(!errors.is_empty()),
        errors,
        form,
        programmes,
        editing,
        statuses: STATUSES.iter().map(|s| (*s, status_label(s))).collect(),
    };
    Ok((status, page).into_response())
}

/// Query of the cohort page.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct NoticeQuery {
    notice: Option<String>,
}

/// `GET /cohorts/{id}`
pub async fn show(
    State(state): State<AppState>,
    user: CurrentUser,
    PathId(id): PathId,
    axum::extract::Query(q): axum::extract::Query<NoticeQuery>,
) -> AppResult<Response> {
    let notice = match q.notice.as_deref() {
        Some("created") => {
            Some("The cohort has been created. Generate its schedule next.".to_owned())
        }
        Some("updated") => Some("The cohort has been changed.".to_owned()),
        Some("generated") => Some("The schedule has been generated.".to_owned()),
        Some("enrolled") => Some("The resident has been enrolled.".to_owned()),
        Some("register") => {
            Some("The register has been saved. Attendance rates below include it.".to_owned())
        }
        _ => None,
    };
    render_cohort(
        &state,
        &user,
        id,
        notice,
        FieldErrors::new(),
        StatusCode::OK,
    )
    .await
}

/// Renders the cohort page (also after a refused schedule generation).
async fn render_cohort(
    state: &AppState,
    user: &CurrentUser,
    id: i32,
    notice: Option<String>,
    errors: FieldErrors,
    status: StatusCode,
) -> AppResult<Response> {
    user.require(Permission::ViewProgrammes)?;
    let (scope, today) = (user.scope(), state.clock.today());
    let (cohort, programme, roster, sessions, attendance) = state
        .db
        .run(move |conn| {
            let cohort = Cohort::find_visible(conn, id, scope)?;
            let programme = Programme::find(conn, cohort.programme_id)?;
            let roster = Enrolment::roster(conn, id)?;
            let sessions = CourseSession::list_for_cohort(conn, id)?;
            let attendance = CohortAttendance::load(conn, id, today)?;
            Ok((cohort, programme, roster, sessions, attendance))
        })
        .await?;
    let places_taken = roster
        .iter()
        .filter(|r| r.enrolment.stage.holds_place())
        .count() as i64;
    let funnel = funnel(&roster);
    let roster = if user.can(Permission::ViewParticipants) {
        roster
            .into_iter()
            .map(|entry| RosterLine {
                attendance: attendance.summary(entry.enrolment.id),
                entry,
            })
            .collect()
    } else {
        Vec::new()
    };
    let page = CohortPage {
        layout: Layout::new(cohort.name.clone(), user, Section::Cohorts)
            .with_errors(!errors.is_empty()),
        held: attendance.held_count(),
        cohort,
        programme,
        roster,
        sessions,
        funnel,
        places_taken,
        can_manage: user.can(Permission::ManageCohorts),
        can_enrol: user.can(Permission::ManageEnrolments),
        today,
        notice,
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
    vec![
        ("Applied", roster.len()),
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
            roster
                .iter()
                .filter(|r| r.enrolment.interviewed_on.is_some())
                .count(),
        ),
        (
            "Offered a job",
            roster
                .iter()
                .filter(|r| r.enrolment.offered_on.is_some())
                .count(),
        ),
    ]
}

/// Field of the generate form.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct GenerateForm {
    replace: String,
}

/// `POST /cohorts/{id}/sessions/generate`
pub async fn generate(
    State(state): State<AppState>,
    user: CurrentUser,
    PathId(id): PathId,
    WebForm(form): WebForm<GenerateForm>,
) -> AppResult<Response> {
    user.require(Permission::ManageCohorts)?;
    let (actor, scope, now) = (user.id, user.scope(), state.clock.now());
    let replace = form.replace == "yes";
    let result = state
        .db
        .run(move |conn| {
            let cohort = Cohort::find_visible(conn, id, scope)?;
            generate_sessions(conn, actor, &cohort, replace, now)
        })
        .await;
    match result {
        Ok(_) => Ok(see_other(&format!(
            "/cohorts/{id}?notice=generated#schedule"
        ))),
        Err(AppError::Conflict { fields, .. }) => {
            render_cohort(&state, &user, id, None, fields, StatusCode::CONFLICT).await
        }
        Err(e) => Err(e),
    }
}
