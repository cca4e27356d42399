//! `/api/v1/checkpoints`: the checkpoints work queue, as on the page: unrecorded 13-, 26-
//! and 52-week checkpoints due by today, oldest due first, in the caller's scope (HR their
//! organisation's jobs, coordinators and managers their programmes' residents' jobs,
//! admins all), filtered by employer site (part of its name, or `at_site`: exactly as
//! recorded on the job) and due date, a page at a time.

use axum::Json;
use axum::extract::State;
use chrono::NaiveDate;
use serde::Serialize;

use super::{Cursor, ErrorBody, Page, list_page};
use crate::actions::employments::{QueueQuery, checkpoint_queue};
use crate::domain::Actor;
use crate::error::AppResult;
use crate::extract::Query;
use crate::models::checkpoint::QueueItem;
use crate::state::AppState;

/// A checkpoint waiting to be recorded, with whose job it is.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct DueCheckpoint {
    /// Checkpoint id.
    pub id: i32,
    /// The job.
    pub employment_id: i32,
    /// 13, 26 or 52.
    pub weeks: i32,
    /// The job's start + `weeks` weeks.
    pub due_on: NaiveDate,
    /// `due`, or `overdue` from two weeks after the due date.
    pub status: String,
    /// The resident.
    pub participant_id: i32,
    /// Their given name.
    pub given_name: String,
    /// Their family name.
    pub family_name: String,
    /// The job title.
    pub job_title: String,
    /// The employer site as recorded on the job.
    pub site: String,
}

impl DueCheckpoint {
    fn of(item: QueueItem, today: NaiveDate) -> Self {
        DueCheckpoint {
            status: item.checkpoint.status_on(today).to_owned(),
            id: item.checkpoint.id,
            employment_id: item.checkpoint.employment_id,
            weeks: item.checkpoint.weeks,
            due_on: item.checkpoint.due_on,
            participant_id: item.participant_id,
            given_name: item.given_name,
            family_name: item.family_name,
            job_title: item.job_title,
            site: item.site,
        }
    }
}

/// The checkpoints due or overdue and not yet recorded that the caller works on, oldest
/// due first; `next_cursor` is the due date and id of the page's last item. `site` keeps
/// those whose site contains the text (any case); `at_site` those at exactly that site
/// as recorded on the job (the sites the queue page offers).
#[utoipa::path(get, path = "/checkpoints", tag = "employments",
    params(QueueQuery, super::KeyedCursorQuery),
    responses((status = 200, description = "A page of due checkpoints", body = Page<DueCheckpoint>),
        (status = 401, description = "Not signed in", body = ErrorBody),
        (status = 403, description = "Role does not see residents", body = ErrorBody),
        (status = 422, description = "A filter or the cursor cannot be read", body = ErrorBody)))]
pub async fn list(
    actor: Actor,
    State(state): State<AppState>,
    Query(q): Query<QueueQuery>,
    cursor: Cursor<(NaiveDate, i32)>,
) -> AppResult<Json<Page<DueCheckpoint>>> {
    let today = actor.today;
    list_page(&state, move |conn| {
        let page = checkpoint_queue(conn, &actor, &q, &cursor)?;
        Ok(page.map(|item| DueCheckpoint::of(item, today)))
    })
    .await
}
