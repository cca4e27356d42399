//! The employment page: a job's details, its 13-, 26- and 52-week checkpoints, its
//! progression and current position, and (for those who record jobs) the forms to end
//! the job, record a checkpoint and add a progression, whose handlers are in `forms`.

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{Query, State};
use axum::response::{IntoResponse, Response};
use chrono::NaiveDate;
use serde::Deserialize;

use super::fields::Forms;
use crate::actions::employments::{JobRecord, job_record};
use crate::auth::CurrentUser;
use crate::domain::Actor;
use crate::domain::checkpoint::{CheckpointOutcome, CheckpointStatus};
use crate::domain::employment::{EndReason, StaffGroup};
use crate::domain::progression::ProgressionKind;
use crate::error::{AppResult, FieldErrors};
use crate::extract::PathId;
use crate::models::Participant;
use crate::models::checkpoint::WEEKS;
use crate::models::employment_view::EmploymentView;
use crate::models::progression::current_position;
use crate::state::AppState;
use crate::web::forms::status_for;
use crate::web::{Layout, Section};

/// One checkpoint as the page shows it.
#[derive(Debug, Clone)]
pub struct CheckpointRow {
    weeks: i32,
    due_on: NaiveDate,
    status: CheckpointStatus,
    label: &'static str,
    verified: Option<String>,
    recordable: bool,
}

/// The employment page.
#[derive(Template, WebTemplate)]
#[template(path = "employments/show.html")]
pub struct EmploymentPage {
    layout: Layout,
    job: EmploymentView,
    participant: Participant,
    employer: String,
    cohort: String,
    checkpoints: Vec<CheckpointRow>,
    checkpoint_form: Option<CheckpointRow>,
    current_title: String,
    can_record: bool,
    forms: Forms,
    end_reasons: &'static [(&'static str, &'static str)],
    outcomes: &'static [(&'static str, &'static str)],
    kinds: &'static [(&'static str, &'static str)],
    staff_groups: &'static [(&'static str, &'static str)],
    notice: Option<&'static str>,
    errors: FieldErrors,
}

impl EmploymentPage {
    /// The label of the staff group the job has reached (a code, as the API shows it).
    fn staff_group(&self, code: &str) -> &'static str {
        StaffGroup::parse(code).map_or("Unknown", StaffGroup::label)
    }
}

/// `?notice=` and `?checkpoint=` (which checkpoint's form to show).
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct ShowQuery {
    notice: Option<String>,
    checkpoint: Option<String>,
}

/// `GET /employments/{id}`
pub async fn show(
    actor: Actor,
    State(state): State<AppState>,
    user: CurrentUser,
    PathId(id): PathId,
    Query(q): Query<ShowQuery>,
) -> AppResult<Response> {
    let notice = match q.notice.as_deref() {
        Some("recorded") => Some("The job start has been recorded."),
        Some("ended") => Some("The end of the job has been recorded."),
        Some("checkpoint") => Some("The checkpoint has been recorded."),
        Some("progression") => Some("The progression has been added."),
        _ => None,
    };
    let shown = Shown {
        forms: Forms::new(actor.today),
        weeks: q.checkpoint.and_then(|w| w.parse().ok()),
        notice,
    };
    render(&state, actor, &user, id, shown, FieldErrors::new()).await
}

/// What a render of the page shows besides the job: form values, the checkpoint whose
/// form is open, the success notice.
pub struct Shown {
    /// Form values.
    pub forms: Forms,
    /// The checkpoint form to show (13, 26 or 52); the earliest one due when `None`.
    pub weeks: Option<i32>,
    /// Success notice.
    pub notice: Option<&'static str>,
}

impl Shown {
    /// Form values after a failed submission, with no notice.
    pub fn with(forms: Forms, weeks: Option<i32>) -> Self {
        Self {
            forms,
            weeks,
            notice: None,
        }
    }
}

/// The checkpoints as the page shows them, with who verified each.
fn checkpoint_rows(record: &JobRecord, today: NaiveDate) -> Vec<CheckpointRow> {
    record
        .job
        .checkpoints
        .iter()
        .map(|c| {
            let cp = &c.checkpoint;
            let by = record
                .verifiers
                .iter()
                .find(|(id, _)| Some(*id) == cp.verified_by_user_id)
                .map_or("someone no longer listed", |(_, name)| name.as_str());
            CheckpointRow {
                weeks: cp.weeks,
                due_on: cp.due_on,
                status: cp.status_at(today),
                label: cp.status_label(today),
                verified: cp
                    .verified_on
                    .map(|d| format!("{} by {by}", d.format("%-d %B %Y"))),
                recordable: cp.status.is_none() && cp.due_on <= today,
            }
        })
        .collect()
}

/// The checkpoint whose form is open: the one asked for (`weeks`), else the earliest
/// checkpoint due and not yet recorded.
fn open_checkpoint(weeks: Option<i32>, checkpoints: &[CheckpointRow]) -> Option<CheckpointRow> {
    let open = weeks
        .filter(|w| WEEKS.contains(w))
        .or_else(|| checkpoints.iter().find(|c| c.recordable).map(|c| c.weeks));
    open.and_then(|w| checkpoints.iter().find(|c| c.weeks == w))
        .cloned()
}

/// Loads the job (404 unless the caller may see it) and renders the page; 422 when
/// `errors` is not empty.
pub async fn render(
    state: &AppState,
    actor: Actor,
    user: &CurrentUser,
    id: i32,
    shown: Shown,
    errors: FieldErrors,
) -> AppResult<Response> {
    let record = state
        .db
        .run(move |conn| job_record(conn, &actor, id))
        .await?;
    let checkpoints = checkpoint_rows(&record, actor.today);
    let checkpoint_form = open_checkpoint(shown.weeks, &checkpoints);
    let (_, _, current_title) = current_position(&record.job.employment, &record.job.progressions);
    let status = status_for(&errors);
    let title = format!(
        "{} – {}",
        record.job.employment.job_title,
        record.participant.full_name()
    );
    let page = EmploymentPage {
        layout: Layout::new(title, user, Section::Residents).with_errors(!errors.is_empty()),
        can_record: record.can_record,
        job: record.job,
        participant: record.participant,
        employer: record.employer,
        cohort: record.cohort,
        checkpoints,
        checkpoint_form,
        current_title,
        forms: shown.forms,
        end_reasons: EndReason::OPTIONS,
        outcomes: CheckpointOutcome::OPTIONS,
        kinds: ProgressionKind::OPTIONS,
        staff_groups: StaffGroup::OPTIONS,
        notice: shown.notice,
        errors,
    };
    Ok((status, page).into_response())
}
