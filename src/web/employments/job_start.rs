//! Recording a job start from the resident's page: the enrolment it is attributed to, the
//! employer (a partner of the programme; HR only their own organisation), the site, title,
//! staff group, band, hours, contract and start date. The rules are in
//! `actions::employments::record_employment`.

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde::Deserialize;

use super::fields::band_box;
use crate::actions::employments::{
    EmploymentInput, JobStartChoices, job_start_choices, record_employment,
};
use crate::auth::CurrentUser;
use crate::domain::Actor;
use crate::domain::employment::{Contract, StaffGroup};
use crate::error::{AppError, AppResult, FieldErrors};
use crate::extract::PathId;
use crate::models::employment::LEEDS_SITES;
use crate::models::{Cohort, Enrolment, Organisation, Participant};
use crate::state::AppState;
use crate::web::forms::{DateBoxes, merge};
use crate::web::{Layout, Section, WebForm, see_other};

/// Fields of the job start form, as typed.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct JobStartForm {
    enrolment_id: String,
    employer_organisation_id: String,
    site: String,
    job_title: String,
    staff_group: String,
    band: String,
    hours_per_week: String,
    contract: String,
    start_date_day: String,
    start_date_month: String,
    start_date_year: String,
}

/// The job start page.
#[derive(Template, WebTemplate)]
#[template(path = "employments/new.html")]
pub struct JobStartPage {
    layout: Layout,
    participant: Participant,
    enrolments: Vec<(Enrolment, Cohort)>,
    employers: Vec<Organisation>,
    sites: [&'static str; 6],
    staff_groups: &'static [(&'static str, &'static str)],
    contracts: &'static [(&'static str, &'static str)],
    form: JobStartForm,
    errors: FieldErrors,
}

/// `GET /participants/{id}/employments/new`
pub async fn new(
    actor: Actor,
    State(state): State<AppState>,
    user: CurrentUser,
    PathId(id): PathId,
) -> AppResult<Response> {
    let choices = state
        .db
        .run(move |conn| job_start_choices(conn, &actor, id))
        .await?;
    let mut form = JobStartForm::default();
    // With one choice there is nothing to choose.
    if let [(enrolment, _)] = choices.enrolments.as_slice() {
        form.enrolment_id = enrolment.id.to_string();
    }
    if let [employer] = choices.employers.as_slice() {
        form.employer_organisation_id = employer.id.to_string();
    }
    Ok(render(&user, choices, form, FieldErrors::new()))
}

/// `POST /participants/{id}/employments`: records the job and its three checkpoints,
/// then shows the employment page. The choices are loaded first: they check the resident
/// is visible (404 otherwise) and are needed again if the form is shown with errors. The
/// action checks the form even when a box did not parse, so every problem is listed at
/// once; it cannot save then, because an unreadable band, hours or date reaches it as
/// missing.
pub async fn create(
    actor: Actor,
    State(state): State<AppState>,
    user: CurrentUser,
    PathId(id): PathId,
    WebForm(form): WebForm<JobStartForm>,
) -> AppResult<Response> {
    let (input, form_errors) = parse(id, &form);
    let (choices, result) = state
        .db
        .run(move |conn| {
            let choices = job_start_choices(conn, &actor, id)?;
            Ok((
                choices,
                record_employment(conn, &actor, &input).map(|e| e.id),
            ))
        })
        .await?;
    match result {
        Ok(job) => Ok(see_other(&format!("/employments/{job}?notice=recorded"))),
        Err(AppError::Validation(errors)) => {
            Ok(render(&user, choices, form, merge(form_errors, errors)))
        }
        Err(e) => Err(e),
    }
}

/// The form as model input, with problems the model cannot see (numbers and dates that
/// do not parse, passed on as missing: all three are required).
fn parse(participant: i32, form: &JobStartForm) -> (EmploymentInput, FieldErrors) {
    let mut errors = FieldErrors::new();
    let id = |s: &str| s.trim().parse::<i32>().ok();
    let band = band_box(&form.band, &mut errors);
    let hours = match form.hours_per_week.trim() {
        "" => None,
        h => h.parse::<f64>().ok().filter(|h| h.is_finite()).or_else(|| {
            errors.add(
                "hours_per_week",
                "Hours per week must be a number, like 37.5",
            );
            None
        }),
    };
    let start = DateBoxes {
        day: form.start_date_day.clone(),
        month: form.start_date_month.clone(),
        year: form.start_date_year.clone(),
    };
    let input = EmploymentInput {
        participant_id: Some(participant),
        enrolment_id: id(&form.enrolment_id),
        employer_organisation_id: id(&form.employer_organisation_id),
        site: Some(form.site.clone()),
        job_title: Some(form.job_title.clone()),
        staff_group: Some(form.staff_group.clone()),
        band,
        hours_per_week: hours,
        contract: Some(form.contract.clone()),
        start_date: start.to_iso("start_date", "Start date", &mut errors),
    };
    (input, errors)
}

fn render(
    user: &CurrentUser,
    choices: JobStartChoices,
    form: JobStartForm,
    errors: FieldErrors,
) -> Response {
    let status = match errors.is_empty() {
        true => StatusCode::OK,
        false => StatusCode::UNPROCESSABLE_ENTITY,
    };
    let page = JobStartPage {
        layout: Layout::new("Record a job start", user, Section::Residents)
            .with_errors(!errors.is_empty()),
        participant: choices.participant,
        enrolments: choices.enrolments,
        employers: choices.employers,
        sites: LEEDS_SITES,
        staff_groups: StaffGroup::OPTIONS,
        contracts: Contract::OPTIONS,
        form,
        errors,
    };
    (status, page).into_response()
}
