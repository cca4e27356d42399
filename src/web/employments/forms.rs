//! The employment page's actions: end the job, record a checkpoint, add a progression.
//! Each POST redirects back to the employment page with a notice (303), or shows its short
//! page again with the errors and the values typed (422). The rules are in
//! `actions::employments`.

use axum::extract::{Path, State};
use axum::response::Response;

use super::action::{Action, render};
use super::fields::{CheckpointForm, EndForm, Forms, PageForm, ProgressionForm};
use crate::actions::employments::{add_progression, end_employment, record_checkpoint, refuse};
use crate::auth::CurrentUser;
use crate::db::DbConnection;
use crate::domain::Actor;
use crate::error::{AppError, AppResult};
use crate::extract::PathId;
use crate::state::AppState;
use crate::web::{WebForm, see_other};

/// Runs `save` with the form's input when every box could be read, then redirects with
/// the form's notice, or shows the action's page again with the problems and the values
/// typed.
async fn submit<F: PageForm>(
    state: &AppState,
    (actor, user): (Actor, &CurrentUser),
    (id, action): (i32, Action),
    form: F,
    save: impl FnOnce(&mut DbConnection, &Actor, F::Input) -> AppResult<()> + Send + 'static,
) -> AppResult<Response> {
    let result = match form.input() {
        Ok(input) => state.db.run(move |conn| save(conn, &actor, input)).await,
        Err(errors) => Err(refuse(&actor, AppError::Validation(errors))),
    };
    match result {
        Ok(()) => Ok(see_other(&format!(
            "/employments/{id}?notice={}",
            F::NOTICE
        ))),
        Err(AppError::Validation(errors)) => {
            let forms = form.into_forms(Forms::new(actor.today));
            render(state, actor, user, (id, action), forms, errors).await
        }
        Err(e) => Err(e),
    }
}

/// `POST /employments/{id}/end`: the last day and why the job ended.
pub async fn end(
    actor: Actor,
    State(state): State<AppState>,
    user: CurrentUser,
    PathId(id): PathId,
    WebForm(form): WebForm<EndForm>,
) -> AppResult<Response> {
    submit(
        &state,
        (actor, &user),
        (id, Action::End),
        form,
        move |conn, actor, input| end_employment(conn, actor, id, &input).map(drop),
    )
    .await
}

/// `POST /employments/{id}/checkpoints/{weeks}`: in post, left or unable to contact, and
/// the day it was checked. Refused before the due date.
pub async fn checkpoint(
    actor: Actor,
    State(state): State<AppState>,
    user: CurrentUser,
    Path((id, weeks)): Path<(String, String)>,
    WebForm(form): WebForm<CheckpointForm>,
) -> AppResult<Response> {
    let (Ok(id), Ok(weeks)) = (id.parse::<i32>(), weeks.parse::<i32>()) else {
        return Err(refuse(&actor, AppError::NotFound));
    };
    let at = (id, Action::Checkpoint(weeks));
    submit(
        &state,
        (actor, &user),
        at,
        form,
        move |conn, actor, input| record_checkpoint(conn, actor, id, weeks, &input).map(drop),
    )
    .await
}

/// `POST /employments/{id}/progressions`: a band increase, role or staff group change,
/// apprenticeship or qualification.
pub async fn progression(
    actor: Actor,
    State(state): State<AppState>,
    user: CurrentUser,
    PathId(id): PathId,
    WebForm(form): WebForm<ProgressionForm>,
) -> AppResult<Response> {
    submit(
        &state,
        (actor, &user),
        (id, Action::Progression),
        form,
        move |conn, actor, input| add_progression(conn, actor, id, &input).map(drop),
    )
    .await
}
