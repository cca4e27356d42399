//! Adding a resident from a cohort page and enrolling them there in one step
//! (`/cohorts/{id}/residents…`). When the person is already on file, the form offers to
//! enrol that record instead of adding them twice.

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde::Deserialize;

use crate::actions::{enrolments, participants};
use crate::auth::CurrentUser;
use crate::domain::Actor;
use crate::domain::resident::{BenefitStatus, EmploymentStatus, LawfulBasis};
use crate::error::{AppError, AppResult, FieldErrors};
use crate::extract::PathId;
use crate::models::Cohort;
use crate::state::AppState;
use crate::web::participants::ParticipantForm;
use crate::web::{Layout, Section, WebForm, see_other};

/// The add-and-enrol form, again with the problems or the record already on file.
#[derive(Template, WebTemplate)]
#[template(path = "cohorts/add_resident.html")]
pub struct AddResidentPage {
    layout: Layout,
    cohort: Cohort,
    errors: FieldErrors,
    form: ParticipantForm,
    /// The record already on file (id, and the sentence naming them), to enrol instead.
    existing: Option<(i32, String)>,
    employment_statuses: &'static [(&'static str, &'static str)],
    benefit_statuses: &'static [(&'static str, &'static str)],
    lawful_bases: &'static [(&'static str, &'static str)],
}

/// The "Enrol the existing record" button.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct ExistingForm {
    participant_id: String,
}

/// `GET /cohorts/{id}/residents/new`
pub async fn new(
    actor: Actor,
    State(state): State<AppState>,
    user: CurrentUser,
    PathId(id): PathId,
) -> AppResult<Response> {
    let cohort = state
        .db
        .run(move |conn| participants::cohort_to_add_to(conn, &actor, id))
        .await?;
    let form = ParticipantForm::default();
    Ok(page(
        &user,
        cohort,
        form,
        FieldErrors::new(),
        None,
        StatusCode::OK,
    ))
}

/// `POST /cohorts/{id}/residents`: adds the resident and enrols them, or the form again.
pub async fn create(
    actor: Actor,
    State(state): State<AppState>,
    user: CurrentUser,
    PathId(id): PathId,
    WebForm(form): WebForm<ParticipantForm>,
) -> AppResult<Response> {
    let (input, unread) = form.input();
    let (cohort, result) = state
        .db
        .run(move |conn| {
            let cohort = participants::cohort_to_add_to(conn, &actor, id)?;
            let result = participants::add_and_enrol(conn, &actor, id, &input, unread);
            Ok((cohort, result.map(|_| ())))
        })
        .await?;
    after(&user, cohort, form, result, "added")
}

/// `POST /cohorts/{id}/residents/existing`: enrols the record already on file.
pub async fn enrol_existing(
    actor: Actor,
    State(state): State<AppState>,
    user: CurrentUser,
    PathId(id): PathId,
    WebForm(existing): WebForm<ExistingForm>,
) -> AppResult<Response> {
    let participant = existing.participant_id.trim().parse::<i32>().ok();
    let (cohort, result) = state
        .db
        .run(move |conn| {
            let cohort = participants::cohort_to_add_to(conn, &actor, id)?;
            let result = match participant {
                Some(p) => enrolments::enrol_in_cohort(conn, &actor, id, p).map(|_| ()),
                None => Err(AppError::invalid("participant_id", "Select a resident")),
            };
            Ok((cohort, result))
        })
        .await?;
    after(
        &user,
        cohort,
        ParticipantForm::default(),
        result,
        "enrolled",
    )
}

/// To the cohort page with `notice`, or the form again with every problem.
fn after(
    user: &CurrentUser,
    cohort: Cohort,
    form: ParticipantForm,
    result: AppResult<()>,
    notice: &str,
) -> AppResult<Response> {
    let (errors, existing, status) = match result {
        Ok(()) => {
            return Ok(see_other(&format!(
                "/cohorts/{}?notice={notice}",
                cohort.id
            )));
        }
        Err(AppError::Validation(errors)) => (errors, None, StatusCode::UNPROCESSABLE_ENTITY),
        Err(AppError::Conflict { message, fields }) => {
            let existing = fields
                .get("existing_participant_id")
                .and_then(|id| id.parse().ok())
                .map(|id| (id, message.clone()));
            let mut errors = FieldErrors::new();
            errors.add(
                if existing.is_some() {
                    "existing"
                } else {
                    "participant_id"
                },
                message,
            );
            (errors, existing, StatusCode::CONFLICT)
        }
        Err(e) => return Err(e),
    };
    Ok(page(user, cohort, form, on_page(errors), existing, status))
}

/// The enrolment's refusals name `participant_id`, which is no field here: they point at
/// the cohort's places instead.
fn on_page(errors: FieldErrors) -> FieldErrors {
    let mut out = FieldErrors::new();
    for (field, message) in errors.iter() {
        let field = if field == "participant_id" {
            "cohort-places"
        } else {
            field.as_str()
        };
        out.add(field, message.clone());
    }
    out
}

fn page(
    user: &CurrentUser,
    cohort: Cohort,
    form: ParticipantForm,
    errors: FieldErrors,
    existing: Option<(i32, String)>,
    status: StatusCode,
) -> Response {
    let layout = Layout::new("Add a resident to this cohort", user, Section::Cohorts)
        .with_errors(!errors.is_empty());
    let page = AddResidentPage {
        layout,
        cohort,
        errors,
        form,
        existing,
        employment_statuses: EmploymentStatus::OPTIONS,
        benefit_statuses: BenefitStatus::OPTIONS,
        lawful_bases: LawfulBasis::OPTIONS,
    };
    (status, page).into_response()
}
