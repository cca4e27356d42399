//! The short pages of the employment page's actions: record a checkpoint, record a
//! progression, record the end of the job. Each shows what it is about, one form, and a
//! back link; its POST (in `forms`) returns to the employment page with a notice, or
//! shows this page again with the problems (422).

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Response};

use super::fields::Forms;
use super::show::{CheckpointRow, checkpoint_rows};
use crate::actions::employments::job_record;
use crate::auth::CurrentUser;
use crate::domain::checkpoint::CheckpointOutcome;
use crate::domain::employment::{EndReason, StaffGroup};
use crate::domain::progression::ProgressionKind;
use crate::domain::{Actor, Permission};
use crate::error::{AppError, AppResult, FieldErrors};
use crate::extract::PathId;
use crate::models::checkpoint::WEEKS;
use crate::state::AppState;
use crate::web::forms::status_for;
use crate::web::{Layout, Section};

/// Which action's page.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    /// Record the checkpoint of these weeks.
    Checkpoint(i32),
    /// Record a progression.
    Progression,
    /// Record the end of the job.
    End,
}

/// An action's short page.
#[derive(Template, WebTemplate)]
#[template(path = "employments/action.html")]
pub struct ActionPage {
    layout: Layout,
    job_id: i32,
    job_title: String,
    resident: String,
    ended: bool,
    /// The checkpoint, on its page.
    checkpoint: Option<CheckpointRow>,
    action: Action,
    forms: Forms,
    outcomes: &'static [(&'static str, &'static str)],
    end_reasons: &'static [(&'static str, &'static str)],
    kinds: &'static [(&'static str, &'static str)],
    staff_groups: &'static [(&'static str, &'static str)],
    errors: FieldErrors,
}

impl ActionPage {
    fn is(&self, kind: &str) -> bool {
        matches!(
            (self.action, kind),
            (Action::Checkpoint(_), "checkpoint")
                | (Action::Progression, "progression")
                | (Action::End, "end")
        )
    }
}

/// `GET /employments/{id}/checkpoints/{weeks}`
pub async fn checkpoint(
    actor: Actor,
    State(state): State<AppState>,
    user: CurrentUser,
    Path((id, weeks)): Path<(String, String)>,
) -> AppResult<Response> {
    let (Ok(id), Ok(weeks)) = (id.parse::<i32>(), weeks.parse::<i32>()) else {
        return Err(AppError::NotFound);
    };
    blank(&state, actor, &user, (id, Action::Checkpoint(weeks))).await
}

/// `GET /employments/{id}/progressions/new`
pub async fn progression(
    actor: Actor,
    State(state): State<AppState>,
    user: CurrentUser,
    PathId(id): PathId,
) -> AppResult<Response> {
    blank(&state, actor, &user, (id, Action::Progression)).await
}

/// `GET /employments/{id}/end`
pub async fn end(
    actor: Actor,
    State(state): State<AppState>,
    user: CurrentUser,
    PathId(id): PathId,
) -> AppResult<Response> {
    blank(&state, actor, &user, (id, Action::End)).await
}

/// The action's page as first opened: its form with today's defaults and no problems.
async fn blank(
    state: &AppState,
    actor: Actor,
    user: &CurrentUser,
    target: (i32, Action),
) -> AppResult<Response> {
    let forms = Forms::new(actor.today);
    render(state, actor, user, target, forms, FieldErrors::new()).await
}

/// Loads the job (404 unless the actor may see it, or the checkpoint is not one of its
/// three; 403 for a role that does not record jobs) and renders the action's page; 422
/// when `errors` is not empty.
pub async fn render(
    state: &AppState,
    actor: Actor,
    user: &CurrentUser,
    (id, action): (i32, Action),
    forms: Forms,
    errors: FieldErrors,
) -> AppResult<Response> {
    actor.require(Permission::RecordEmployments)?;
    let record = state
        .db
        .run(move |conn| job_record(conn, &actor, id))
        .await?;
    let checkpoint = match action {
        Action::Checkpoint(weeks) if WEEKS.contains(&weeks) => {
            checkpoint_rows(&record, actor.today)
                .into_iter()
                .find(|c| c.weeks == weeks)
        }
        Action::Checkpoint(_) => return Err(AppError::NotFound),
        _ => None,
    };
    let resident = record.participant.full_name();
    let job_title = record.job.employment.job_title.clone();
    let title = match (action, &checkpoint) {
        (Action::Checkpoint(w), _) => format!("Record the {w}-week checkpoint – {resident}"),
        (Action::Progression, _) => format!("Record a progression – {resident}"),
        (Action::End, _) => format!("Record the end of the job – {resident}"),
    };
    let page = ActionPage {
        layout: Layout::new(title, user, Section::Residents).with_errors(!errors.is_empty()),
        job_id: id,
        job_title,
        resident,
        ended: record.job.employment.end_date.is_some(),
        checkpoint,
        action,
        forms,
        outcomes: CheckpointOutcome::OPTIONS,
        end_reasons: EndReason::OPTIONS,
        kinds: ProgressionKind::OPTIONS,
        staff_groups: StaffGroup::OPTIONS,
        errors,
    };
    Ok((status_for(&page.errors), page).into_response())
}
