//! Recording a job start from the resident's page: the enrolment it is attributed to, the
//! employer (a partner of the programme; HR only their own organisation), the site, title,
//! staff group, band, hours, contract and start date. The rules are in
//! `models::employment_input::record_employment`.

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde::Deserialize;

use super::forms::{DateBoxes, merge};
use super::{Layout, Section, WebForm, see_other};
use crate::auth::{CurrentUser, Permission};
use crate::db::DbConnection;
use crate::error::{AppError, AppResult, FieldErrors};
use crate::extract::PathId;
use crate::models::employment::{CONTRACTS, LEEDS_SITES, STAFF_GROUPS};
use crate::models::employment_input::{EmploymentInput, Recorder, record_employment};
use crate::models::{Cohort, Enrolment, Organisation, Participant, Programme, access};
use crate::state::AppState;

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
    staff_groups: [(&'static str, &'static str); 5],
    contracts: [(&'static str, &'static str); 4],
    form: JobStartForm,
    errors: FieldErrors,
}

/// What the form offers: the resident, their enrolments the caller may see, and the
/// employers they may choose.
pub struct Choices {
    participant: Participant,
    enrolments: Vec<(Enrolment, Cohort)>,
    employers: Vec<Organisation>,
}

impl Choices {
    /// Loads the choices (404 unless the caller may see the resident). Employers are the
    /// partners of the enrolments' programmes; HR only their own organisation.
    fn load(conn: &mut DbConnection, id: i32, who: Recorder) -> AppResult<Choices> {
        let participant = access::participant(conn, id, who.scope)?;
        let enrolments = Enrolment::visible_for_participant(conn, id, who.scope)?;
        let programmes: Vec<i32> = enrolments.iter().map(|(_, c)| c.programme_id).collect();
        let mut employers: Vec<Organisation> = Vec::new();
        for (_, org) in Programme::partners_of(conn, &programmes)? {
            let own = !who.employer_only || who.scope == Some(org.id);
            if own && !employers.iter().any(|o| o.id == org.id) {
                employers.push(org);
            }
        }
        employers.sort_by(|a, b| a.name.cmp(&b.name));
        Ok(Choices {
            participant,
            enrolments,
            employers,
        })
    }
}

/// `GET /participants/{id}/employments/new`
pub async fn new(
    State(state): State<AppState>,
    user: CurrentUser,
    PathId(id): PathId,
) -> AppResult<Response> {
    user.require(Permission::RecordEmployments)?;
    let who = user.recorder();
    let choices = state
        .db
        .run(move |conn| Choices::load(conn, id, who))
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
/// then shows the employment page.
pub async fn create(
    State(state): State<AppState>,
    user: CurrentUser,
    PathId(id): PathId,
    WebForm(form): WebForm<JobStartForm>,
) -> AppResult<Response> {
    user.require(Permission::RecordEmployments)?;
    let (input, form_errors) = parse(id, &form);
    let (who, now) = (user.recorder(), state.clock.now());
    // The choices are loaded first: they check the resident is visible (404 otherwise)
    // and are needed again if the form is shown with errors. The model checks the form
    // even when a box did not parse, so every problem is listed at once; it cannot save
    // then, because an unreadable band, hours or date reaches it as missing.
    let (choices, result) = state
        .db
        .run(move |conn| {
            let choices = Choices::load(conn, id, who)?;
            let result = record_employment(conn, who, input, now).map(|e| e.id);
            Ok((choices, result))
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
    let band = match form.band.trim() {
        "" => None,
        b => b
            .parse::<i32>()
            .map_err(|_| errors.add("band", "Band must be a number from 1 to 9"))
            .ok(),
    };
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
    choices: Choices,
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
        staff_groups: STAFF_GROUPS,
        contracts: CONTRACTS,
        form,
        errors,
    };
    (status, page).into_response()
}
