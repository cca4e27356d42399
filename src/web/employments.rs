//! The employment page: a job's details, its 13-, 26- and 52-week checkpoints, its
//! progression and current position, and (for those who record jobs) the forms to end
//! the job, record a checkpoint and add a progression. The forms' handlers are in
//! `employment_forms`.

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use chrono::NaiveDate;
use serde::Deserialize;

use super::employment_forms::{CheckpointForm, EndForm, ProgressionForm};
use super::forms::DateBoxes;
use super::{Layout, Section};
use crate::auth::{CurrentUser, Permission};
use crate::db::DbConnection;
use crate::error::{AppError, AppResult, FieldErrors};
use crate::extract::PathId;
use crate::models::checkpoint::{OUTCOMES, WEEKS};
use crate::models::employment::{END_REASONS, STAFF_GROUPS, label};
use crate::models::employment_input::{Recorder, current_position};
use crate::models::employment_view::{EmploymentView, views};
use crate::models::progression::KINDS;
use crate::models::user::User;
use crate::models::{Cohort, Employment, Enrolment, Organisation, Participant};
use crate::state::AppState;

/// The tag colour of a checkpoint status (the same colour everywhere).
pub fn status_tag(status: &str) -> &'static str {
    match status {
        "due" => "tag--orange",
        "overdue" | "left" => "tag--red",
        "in_post" => "tag--green",
        _ => "tag--grey",
    }
}

/// One checkpoint as the page shows it.
#[derive(Debug, Clone)]
pub struct CheckpointRow {
    weeks: i32,
    due_on: NaiveDate,
    status: String,
    label: &'static str,
    verified: Option<String>,
    recordable: bool,
}

/// The values of the three forms (kept after an error).
#[derive(Debug, Clone, Default)]
pub struct Forms {
    /// End the job.
    pub end: EndForm,
    /// Record a checkpoint.
    pub checkpoint: CheckpointForm,
    /// Add a progression.
    pub progression: ProgressionForm,
}

impl Forms {
    /// Empty forms, with today in the date-checked boxes.
    pub fn new(today: NaiveDate) -> Self {
        let mut forms = Self::default();
        forms.checkpoint.set_date(DateBoxes::of(Some(today)));
        forms
    }
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
    end_reasons: [(&'static str, &'static str); 5],
    outcomes: [(&'static str, &'static str); 3],
    kinds: [(&'static str, &'static str); 5],
    staff_groups: [(&'static str, &'static str); 5],
    notice: Option<&'static str>,
    errors: FieldErrors,
}

impl EmploymentPage {
    fn tag(&self, status: &str) -> &'static str {
        status_tag(status)
    }
    fn staff_group(&self, code: &str) -> &'static str {
        label(&STAFF_GROUPS, code)
    }
    fn end_reason(&self, code: &str) -> &'static str {
        label(&END_REASONS, code)
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
    State(state): State<AppState>,
    user: CurrentUser,
    PathId(id): PathId,
    Query(q): Query<ShowQuery>,
) -> AppResult<Response> {
    user.require(Permission::ViewParticipants)?;
    let notice = match q.notice.as_deref() {
        Some("recorded") => Some("The job start has been recorded."),
        Some("ended") => Some("The end of the job has been recorded."),
        Some("checkpoint") => Some("The checkpoint has been recorded."),
        Some("progression") => Some("The progression has been added."),
        _ => None,
    };
    let shown = Shown {
        forms: Forms::new(state.clock.today()),
        weeks: q.checkpoint.and_then(|w| w.parse().ok()),
        notice,
    };
    render(&state, &user, id, shown, FieldErrors::new()).await
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

/// The job and what its page names: the resident, the employer, the course, and who
/// verified its checkpoints.
struct JobRecord {
    job: EmploymentView,
    participant: Participant,
    employer: String,
    cohort: String,
    verifiers: Vec<(i32, String)>,
}

impl JobRecord {
    /// Loads the job if `who` may see it (`NotFound` otherwise), in a fixed number of
    /// queries.
    fn load(conn: &mut DbConnection, id: i32, who: Recorder, today: NaiveDate) -> AppResult<Self> {
        let e = Employment::find_visible(conn, id, who.scope, who.employer_only)?;
        let job = views(conn, vec![e], today)?
            .pop()
            .ok_or(AppError::NotFound)?;
        let e = &job.employment;
        let participant = Participant::find(conn, e.participant_id)?;
        let employer = Organisation::find(conn, e.employer_organisation_id)?.name;
        let enrolment = Enrolment::find(conn, e.enrolment_id)?;
        let cohort = Cohort::find(conn, enrolment.cohort_id)?.name;
        let ids: Vec<i32> = job
            .checkpoints
            .iter()
            .filter_map(|c| c.checkpoint.verified_by_user_id)
            .collect();
        let verifiers = User::names(conn, &ids)?;
        Ok(Self {
            job,
            participant,
            employer,
            cohort,
            verifiers,
        })
    }

    /// The checkpoints as the page shows them.
    fn checkpoint_rows(&self, today: NaiveDate) -> Vec<CheckpointRow> {
        self.job
            .checkpoints
            .iter()
            .map(|c| {
                let cp = &c.checkpoint;
                let by = self
                    .verifiers
                    .iter()
                    .find(|(id, _)| Some(*id) == cp.verified_by_user_id)
                    .map_or("someone no longer listed", |(_, name)| name.as_str());
                CheckpointRow {
                    weeks: cp.weeks,
                    due_on: cp.due_on,
                    status: c.status.clone(),
                    label: cp.status_label(today),
                    verified: cp
                        .verified_on
                        .map(|d| format!("{} by {by}", d.format("%-d %B %Y"))),
                    recordable: cp.status.is_none() && cp.due_on <= today,
                }
            })
            .collect()
    }
}

/// Loads the job (404 unless the caller may see it) and renders the page; 422 when
/// `errors` is not empty.
pub async fn render(
    state: &AppState,
    user: &CurrentUser,
    id: i32,
    shown: Shown,
    errors: FieldErrors,
) -> AppResult<Response> {
    let (who, today) = (user.recorder(), state.clock.today());
    let record = state
        .db
        .run(move |conn| JobRecord::load(conn, id, who, today))
        .await?;
    let checkpoints = record.checkpoint_rows(today);
    // The form asked for, else the earliest checkpoint due and not yet recorded.
    let open = shown
        .weeks
        .filter(|w| WEEKS.contains(w))
        .or_else(|| checkpoints.iter().find(|c| c.recordable).map(|c| c.weeks));
    let checkpoint_form = open
        .and_then(|w| checkpoints.iter().find(|c| c.weeks == w))
        .cloned();
    let (_, _, current_title) = current_position(&record.job.employment, &record.job.progressions);
    let status = match errors.is_empty() {
        true => StatusCode::OK,
        false => StatusCode::UNPROCESSABLE_ENTITY,
    };
    let title = format!(
        "{} – {}",
        record.job.employment.job_title,
        record.participant.full_name()
    );
    let page = EmploymentPage {
        layout: Layout::new(title, user, Section::Residents).with_errors(!errors.is_empty()),
        can_record: user.can(Permission::RecordEmployments),
        job: record.job,
        participant: record.participant,
        employer: record.employer,
        cohort: record.cohort,
        checkpoints,
        checkpoint_form,
        current_title,
        forms: shown.forms,
        end_reasons: END_REASONS,
        outcomes: OUTCOMES,
        kinds: KINDS,
        staff_groups: STAFF_GROUPS,
        notice: shown.notice,
        errors,
    };
    Ok((status, page).into_response())
}
