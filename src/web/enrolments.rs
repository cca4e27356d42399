//! Changing an enrolment: its stage (with a withdrawal reason), interview and offer dates.

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::State;
use axum::response::{IntoResponse, Response};
use serde::Deserialize;

use super::forms::{DateBoxes, merge, status_for};
use super::{Layout, Section, WebForm, see_other};
use crate::actions::enrolments::{self, EnrolmentInput};
use crate::auth::CurrentUser;
use crate::domain::{Actor, Stage, WithdrawalReason};
use crate::error::{AppError, AppResult, FieldErrors};
use crate::extract::PathId;
use crate::models::{Cohort, Enrolment, Participant};
use crate::state::AppState;

/// The change-enrolment page.
#[derive(Template, WebTemplate)]
#[template(path = "participants/enrolment.html")]
pub struct EnrolmentPage {
    layout: Layout,
    enrolment: Enrolment,
    cohort: Cohort,
    participant: Participant,
    stages: &'static [(&'static str, &'static str)],
    reasons: &'static [(&'static str, &'static str)],
    form: EnrolmentForm,
    errors: FieldErrors,
}

/// Fields of the change-enrolment form.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct EnrolmentForm {
    stage: String,
    withdrawal_reason: String,
    interviewed_on_day: String,
    interviewed_on_month: String,
    interviewed_on_year: String,
    offered_on_day: String,
    offered_on_month: String,
    offered_on_year: String,
}

/// `GET /enrolments/{id}`
pub async fn enrolment_form(
    actor: Actor,
    State(state): State<AppState>,
    user: CurrentUser,
    PathId(id): PathId,
) -> AppResult<Response> {
    let (enrolment, cohort, participant) = state
        .db
        .run(move |conn| enrolments::for_change(conn, &actor, id))
        .await?;
    let form = EnrolmentForm::of(&enrolment);
    let page = (enrolment, cohort, participant);
    Ok(enrolment_page(&user, page, form, FieldErrors::new()))
}

/// `POST /enrolments/{id}`
pub async fn change(
    actor: Actor,
    State(state): State<AppState>,
    user: CurrentUser,
    PathId(id): PathId,
    WebForm(form): WebForm<EnrolmentForm>,
) -> AppResult<Response> {
    let page = state
        .db
        .run(move |conn| enrolments::for_change(conn, &actor, id))
        .await?;
    let mut form_errors = FieldErrors::new();
    let input = form.input(&mut form_errors);
    // Date boxes that cannot be read are reported without trying the change.
    let result = if form_errors.is_empty() {
        let change = move |conn: &mut _| enrolments::change(conn, &actor, id, &input);
        state.db.run(change).await
    } else {
        Err(AppError::Validation(FieldErrors::new()))
    };
    let errors = match result {
        Ok(e) => return Ok(see_other(&stage_changed(e.participant_id))),
        Err(AppError::Validation(errors)) => merge(form_errors, errors),
        Err(e) => return Err(e),
    };
    Ok(enrolment_page(&user, page, form, errors))
}

/// The resident's page at their enrolments, saying the stage changed.
fn stage_changed(participant_id: i32) -> String {
    format!("/participants/{participant_id}?notice=stage#enrolments")
}

impl EnrolmentForm {
    /// The form filled in with the enrolment as it is.
    fn of(enrolment: &Enrolment) -> Self {
        let (i, o) = (
            DateBoxes::of(enrolment.interviewed_on),
            DateBoxes::of(enrolment.offered_on),
        );
        EnrolmentForm {
            stage: enrolment.stage.as_str().to_owned(),
            withdrawal_reason: enrolment
                .withdrawal_reason
                .map(|r| r.as_str().to_owned())
                .unwrap_or_default(),
            interviewed_on_day: i.day,
            interviewed_on_month: i.month,
            interviewed_on_year: i.year,
            offered_on_day: o.day,
            offered_on_month: o.month,
            offered_on_year: o.year,
        }
    }

    /// What the form submits, with the date boxes read into `YYYY-MM-DD` (their problems
    /// into `errors`).
    fn input(&self, errors: &mut FieldErrors) -> EnrolmentInput {
        let boxes = |d: &str, m: &str, y: &str| DateBoxes {
            day: d.into(),
            month: m.into(),
            year: y.into(),
        };
        let interviewed = boxes(
            &self.interviewed_on_day,
            &self.interviewed_on_month,
            &self.interviewed_on_year,
        );
        let offered = boxes(
            &self.offered_on_day,
            &self.offered_on_month,
            &self.offered_on_year,
        );
        EnrolmentInput {
            stage: Some(self.stage.clone()),
            withdrawal_reason: Some(self.withdrawal_reason.clone()),
            interviewed_on: Some(
                interviewed
                    .to_iso("interviewed_on", "Interview date", errors)
                    .unwrap_or_default(),
            ),
            offered_on: Some(
                offered
                    .to_iso("offered_on", "Offer date", errors)
                    .unwrap_or_default(),
            ),
        }
    }
}

fn enrolment_page(
    user: &CurrentUser,
    (enrolment, cohort, participant): (Enrolment, Cohort, Participant),
    form: EnrolmentForm,
    errors: FieldErrors,
) -> Response {
    let status = status_for(&errors);
    let page = EnrolmentPage {
        layout: Layout::new(
            format!("{} in {}", participant.full_name(), cohort.name),
            user,
            Section::Residents,
        )
        .with_errors(!errors.is_empty()),
        enrolment,
        cohort,
        participant,
        stages: Stage::OPTIONS,
        reasons: WithdrawalReason::OPTIONS,
        form,
        errors,
    };
    (status, page).into_response()
}
