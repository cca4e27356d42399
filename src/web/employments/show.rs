//! The employment page: the job and its timeline first (its 13-, 26- and 52-week
//! checkpoints, its progression and current position, its end), then, for those who
//! record jobs, a link to each action's own short page (`action`, posting to `forms`).

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{Query, State};
use axum::response::{IntoResponse, Response};
use chrono::NaiveDate;
use serde::Deserialize;

use crate::actions::employments::{JobRecord, job_record};
use crate::auth::CurrentUser;
use crate::domain::Actor;
use crate::domain::checkpoint::CheckpointStatus;
use crate::domain::employment::StaffGroup;
use crate::error::AppResult;
use crate::extract::PathId;
use crate::models::Participant;
use crate::models::employment_view::EmploymentView;
use crate::models::progression::current_position;
use crate::state::AppState;
use crate::web::{Layout, Section};

/// One checkpoint as the pages show it.
#[derive(Debug, Clone)]
pub struct CheckpointRow {
    /// 13, 26 or 52.
    pub weeks: i32,
    /// Due date.
    pub due_on: NaiveDate,
    /// Where it stands.
    pub status: CheckpointStatus,
    /// Its status in words.
    pub label: &'static str,
    /// When and by whom it was verified.
    pub verified: Option<String>,
    /// Due and not yet recorded.
    pub recordable: bool,
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
    /// The checkpoint "Record a checkpoint" opens: the earliest due and not recorded.
    next_checkpoint: Option<i32>,
    current_title: String,
    can_record: bool,
    notice: Option<&'static str>,
}

impl EmploymentPage {
    /// The label of the staff group the job has reached (a code, as the API shows it).
    fn staff_group(&self, code: &str) -> &'static str {
        StaffGroup::parse(code).map_or("Unknown", StaffGroup::label)
    }
}

/// `?notice=` after a save.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct ShowQuery {
    notice: Option<String>,
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
    let record = state
        .db
        .run(move |conn| job_record(conn, &actor, id))
        .await?;
    let checkpoints = checkpoint_rows(&record, actor.today);
    let next_checkpoint = checkpoints.iter().find(|c| c.recordable).map(|c| c.weeks);
    let (_, _, current_title) = current_position(&record.job.employment, &record.job.progressions);
    let title = format!(
        "{} – {}",
        record.job.employment.job_title,
        record.participant.full_name()
    );
    Ok(EmploymentPage {
        layout: Layout::new(title, &user, Section::Residents),
        can_record: record.can_record,
        job: record.job,
        participant: record.participant,
        employer: record.employer,
        cohort: record.cohort,
        checkpoints,
        next_checkpoint,
        current_title,
        notice,
    }
    .into_response())
}

/// The checkpoints as the page shows them, with who verified each.
pub fn checkpoint_rows(record: &JobRecord, today: NaiveDate) -> Vec<CheckpointRow> {
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
