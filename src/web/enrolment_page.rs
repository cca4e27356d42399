//! Changing an enrolment: its stage (with a withdrawal reason), interview and offer dates.

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde::Deserialize;

use super::forms::{DateBoxes, merge};
use super::{Layout, Section, WebForm, see_other};
use crate::auth::{CurrentUser, Permission};
use crate::domain::{Stage, WithdrawalReason};
use crate::error::{AppError, AppResult, FieldErrors};
use crate::extract::PathId;
use crate::models::enrolment_input::{EnrolmentInput, change_enrolment};
use crate::models::{Cohort, Enrolment, Participant, access};
use crate::state::AppState;

/// The change-enrolment page.
#[derive(Template, WebTemplate)]
#[template(path = "participants/enrolment.html")]
pub struct EnrolmentPage {
    layout: Layout,
    enrolment: Enrolment,
    cohort: Cohort,
    participant: Participant,
    stages: Vec<(&'static str, &'static str)>,
    reasons: [(&'static str, &'static str); 9],
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
    State(state): State<AppState>,
    user: CurrentUser,
    PathId(id): PathId,
) -> AppResult<Response> {
    user.require(Permission::ManageEnrolments)?;
    let (enrolment, cohort, participant) = load_enrolment(&state, &user, id).await?;
    let (i, o) = (
        DateBoxes::of(enrolment.interviewed_on),
        DateBoxes::of(enrolment.offered_on),
    );
    let form = EnrolmentForm {
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
    };
    Ok(enrolment_page(
        &user,
        enrolment,
        cohort,
        participant,
        form,
        FieldErrors::new(),
        StatusCode::OK,
    ))
}

/// `POST /enrolments/{id}`
pub async fn change(
    State(state): State<AppState>,
    user: CurrentUser,
    PathId(id): PathId,
    WebForm(form): WebForm<EnrolmentForm>,
) -> AppResult<Response> {
    user.require(Permission::ManageEnrolments)?;
    let (enrolment, cohort, participant) = load_enrolment(&state, &user, id).await?;
    let mut form_errors = FieldErrors::new();
    let boxes = |d: &str, m: &str, y: &str| DateBoxes {
        day: d.into(),
        month: m.into(),
        year: y.into(),
    };
    let interviewed = boxes(
        &form.interviewed_on_day,
        &form.interviewed_on_month,
        &form.interviewed_on_year,
    );
    let offered = boxes(
        &form.offered_on_day,
        &form.offered_on_month,
        &form.offered_on_year,
    );
    let input = EnrolmentInput {
        stage: Some(form.stage.clone()),
        withdrawal_reason: Some(form.withdrawal_reason.clone()),
        interviewed_on: Some(
            interviewed
                .to_iso("interviewed_on", "Interview date", &mut form_errors)
                .unwrap_or_default(),
        ),
        offered_on: Some(
            offered
                .to_iso("offered_on", "Offer date", &mut form_errors)
                .unwrap_or_default(),
        ),
    };
    let (actor, today, now) = (user.id, state.clock.today(), state.clock.now());
    let before = enrolment.clone();
    let result = if form_errors.is_empty() {
        state
            .db
            .run(move |conn| change_enrolment(conn, actor, &before, input, today, now))
            .await
    } else {
        Err(AppError::Validation(FieldErrors::new()))
    };
    match result {
        Ok(e) => Ok(see_other(&format!(
            "/participants/{}?notice=stage#enrolments",
            e.participant_id
        ))),
        Err(AppError::Validation(errors)) => Ok(enrolment_page(
            &user,
            enrolment,
            cohort,
            participant,
            form,
            merge(form_errors, errors),
            StatusCode::UNPROCESSABLE_ENTITY,
        )),
        Err(e) => Err(e),
    }
}

async fn load_enrolment(
    state: &AppState,
    user: &CurrentUser,
    id: i32,
) -> AppResult<(Enrolment, Cohort, Participant)> {
    let scope = user.scope();
    state
        .db
        .run(move |conn| {
            let (enrolment, cohort) = access::enrolment(conn, id, scope)?;
            let participant = Participant::find(conn, enrolment.participant_id)?;
            Ok((enrolment, cohort, participant))
        })
        .await
}

fn enrolment_page(
    user: &CurrentUser,
    enrolment: Enrolment,
    cohort: Cohort,
    participant: Participant,
    form: EnrolmentForm,
    errors: FieldErrors,
    status: StatusCode,
) -> Response {
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
        stages: Stage::ALL.map(|s| (s.as_str(), s.label())).to_vec(),
        reasons: WithdrawalReason::ALL.map(|r| (r.as_str(), r.label())),
        form,
        errors,
    };
    (status, page).into_response()
}
