//! The forms on the employment page: end the job, record a checkpoint, add a progression.
//! Each POST redirects back to the page with a notice (303), or shows the page again with
//! the errors and the values typed (422). The rules live in `models::employment_input`.

use axum::extract::{Path, State};
use axum::response::Response;
use serde::Deserialize;

use super::employments::{Forms, Shown, render};
use super::forms::{DateBoxes, merge};
use super::{WebForm, see_other};
use crate::auth::{CurrentUser, Permission};
use crate::error::{AppError, AppResult, FieldErrors};
use crate::extract::PathId;
use crate::models::Employment;
use crate::models::employment_input::{
    CheckpointInput, EndInput, ProgressionInput, add_progression, end_employment, record_checkpoint,
};
use crate::state::AppState;

fn boxes(day: &str, month: &str, year: &str) -> DateBoxes {
    DateBoxes {
        day: day.into(),
        month: month.into(),
        year: year.into(),
    }
}

/// Fields of the end-the-job form.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct EndForm {
    pub(super) end_date_day: String,
    pub(super) end_date_month: String,
    pub(super) end_date_year: String,
    pub(super) end_reason: String,
}

/// Fields of the record-a-checkpoint form.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct CheckpointForm {
    pub(super) status: String,
    pub(super) verified_on_day: String,
    pub(super) verified_on_month: String,
    pub(super) verified_on_year: String,
}

impl CheckpointForm {
    /// Fills the date-checked boxes.
    pub fn set_date(&mut self, date: DateBoxes) {
        (
            self.verified_on_day,
            self.verified_on_month,
            self.verified_on_year,
        ) = (date.day, date.month, date.year);
    }
}

/// Fields of the add-a-progression form.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct ProgressionForm {
    pub(super) kind: String,
    pub(super) effective_on_day: String,
    pub(super) effective_on_month: String,
    pub(super) effective_on_year: String,
    pub(super) job_title: String,
    pub(super) band: String,
    pub(super) staff_group: String,
    pub(super) notes: String,
}

/// Redirects after a save, or shows the page again with the errors.
async fn respond(
    state: &AppState,
    user: &CurrentUser,
    id: i32,
    result: AppResult<&'static str>,
    shown: Shown,
    form_errors: FieldErrors,
) -> AppResult<Response> {
    match result {
        Ok(notice) => Ok(see_other(&format!("/employments/{id}?notice={notice}"))),
        Err(AppError::Validation(errors)) => {
            render(state, user, id, shown, merge(form_errors, errors)).await
        }
        Err(e) => Err(e),
    }
}

/// `POST /employments/{id}/end`: the last day and why the job ended.
pub async fn end(
    State(state): State<AppState>,
    user: CurrentUser,
    PathId(id): PathId,
    WebForm(form): WebForm<EndForm>,
) -> AppResult<Response> {
    user.require(Permission::RecordEmployments)?;
    let mut errors = FieldErrors::new();
    let date = boxes(
        &form.end_date_day,
        &form.end_date_month,
        &form.end_date_year,
    );
    if date.is_blank() {
        errors.add("end_date", "Enter the end date");
    }
    let input = EndInput {
        end_date: date.to_iso("end_date", "End date", &mut errors),
        end_reason: Some(form.end_reason.clone()),
    };
    let (who, now) = (user.recorder(), state.clock.now());
    let result = if errors.is_empty() {
        state
            .db
            .run(move |conn| {
                let before = Employment::find_visible(conn, id, who.scope, who.employer_only)?;
                end_employment(conn, who.actor, &before, input, now).map(|_| "ended")
            })
            .await
    } else {
        Err(AppError::Validation(FieldErrors::new()))
    };
    let mut forms = Forms::new(state.clock.today());
    forms.end = form;
    let shown = Shown::with(forms, None);
    respond(&state, &user, id, result, shown, errors).await
}

/// `POST /employments/{id}/checkpoints/{weeks}`: in post, left or unable to contact, and
/// the day it was checked. Refused before the due date.
pub async fn checkpoint(
    State(state): State<AppState>,
    user: CurrentUser,
    Path((id, weeks)): Path<(String, String)>,
    WebForm(form): WebForm<CheckpointForm>,
) -> AppResult<Response> {
    user.require(Permission::RecordEmployments)?;
    let (Ok(id), Ok(weeks)) = (id.parse::<i32>(), weeks.parse::<i32>()) else {
        return Err(AppError::NotFound);
    };
    let mut errors = FieldErrors::new();
    let date = boxes(
        &form.verified_on_day,
        &form.verified_on_month,
        &form.verified_on_year,
    );
    let input = CheckpointInput {
        status: Some(form.status.clone()),
        verified_on: date.to_iso("verified_on", "Date checked", &mut errors),
    };
    let (who, today, now) = (user.recorder(), state.clock.today(), state.clock.now());
    let result = if errors.is_empty() {
        state
            .db
            .run(move |conn| {
                let e = Employment::find_visible(conn, id, who.scope, who.employer_only)?;
                record_checkpoint(conn, who.actor, &e, weeks, input, today, now)
                    .map(|_| "checkpoint")
            })
            .await
    } else {
        Err(AppError::Validation(FieldErrors::new()))
    };
    let mut forms = Forms::new(today);
    forms.checkpoint = form;
    let shown = Shown::with(forms, Some(weeks));
    respond(&state, &user, id, result, shown, errors).await
}

/// `POST /employments/{id}/progressions`: a band increase, role or staff group change,
/// apprenticeship or qualification.
pub async fn progression(
    State(state): State<AppState>,
    user: CurrentUser,
    PathId(id): PathId,
    WebForm(form): WebForm<ProgressionForm>,
) -> AppResult<Response> {
    user.require(Permission::RecordEmployments)?;
    let mut errors = FieldErrors::new();
    let date = boxes(
        &form.effective_on_day,
        &form.effective_on_month,
        &form.effective_on_year,
    );
    let band = match form.band.trim() {
        "" => None,
        b => b
            .parse::<i32>()
            .map_err(|_| {
                errors.add("band", "Band must be a number from 1 to 9");
            })
            .ok(),
    };
    let input = ProgressionInput {
        effective_on: date.to_iso("effective_on", "Date", &mut errors),
        kind: Some(form.kind.clone()),
        job_title: Some(form.job_title.clone()),
        band,
        staff_group: Some(form.staff_group.clone()),
        notes: Some(form.notes.clone()),
    };
    let (who, now) = (user.recorder(), state.clock.now());
    let result = if errors.is_empty() {
        state
            .db
            .run(move |conn| {
                let e = Employment::find_visible(conn, id, who.scope, who.employer_only)?;
                add_progression(conn, who.actor, &e, input, now).map(|_| "progression")
            })
            .await
    } else {
        Err(AppError::Validation(FieldErrors::new()))
    };
    let mut forms = Forms::new(state.clock.today());
    forms.progression = form;
    let shown = Shown::with(forms, None);
    respond(&state, &user, id, result, shown, errors).await
}
