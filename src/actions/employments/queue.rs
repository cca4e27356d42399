//! The checkpoints work queue: its filters, a page of it, the checkpoint whose record
//! form is open on it, the next one due after a save, and the sites to filter by.

use chrono::NaiveDate;

use crate::db::DbConnection;
use crate::domain::{Actor, Permission};
use crate::error::{AppError, AppResult};
use crate::models::checkpoint::{QueueFilter, QueueItem, QueueScope, WEEKS};
use crate::models::checkpoint_queue::sites;
use crate::models::page::{PageRequest, Paged};
use crate::models::{Checkpoint, Employment, Participant};
use crate::validate;

/// How many sites the site filter offers before its search is needed.
pub const SITE_CHOICES: i64 = 25;

/// The work queue's filters as a query string gives them (`?site=&due_by=&overdue=`).
#[derive(Debug, Clone, Default, serde::Deserialize, utoipa::IntoParams)]
#[serde(default)]
#[into_params(parameter_in = Query)]
pub struct QueueQuery {
    /// Part of the employer site as recorded on the job (any case).
    pub site: Option<String>,
    /// The employer site exactly as recorded on the job (one of the distinct sites on
    /// the jobs the caller may see).
    pub at_site: Option<String>,
    /// Only checkpoints due on or before this date (`YYYY-MM-DD`; blank: any). Not a
    /// real date: 422.
    pub due_by: Option<String>,
    /// `true`: only overdue checkpoints (due two weeks ago or longer).
    #[param(value_type = Option<bool>)]
    pub overdue: Option<String>,
}

impl QueueQuery {
    /// The checked filter; 422 naming the field that cannot be read.
    pub fn filter(&self) -> AppResult<QueueFilter> {
        let site = self.site.as_deref().map(str::trim).unwrap_or_default();
        if site.chars().count() > 200 {
            return Err(AppError::invalid(
                "site",
                "Site must be 200 characters or fewer",
            ));
        }
        let due_by = match self.due_by.as_deref().map(str::trim).unwrap_or_default() {
            "" => None,
            text => Some(validate::date(text).ok_or_else(|| {
                AppError::invalid("due_by", "Due by must be a real date, like 2026-01-05")
            })?),
        };
        let overdue = match self.overdue.as_deref().unwrap_or_default() {
            "1" | "true" | "yes" | "on" => true,
            "" | "0" | "false" | "no" | "off" => false,
            _ => {
                return Err(AppError::invalid(
                    "overdue",
                    "overdue must be true or false",
                ));
            }
        };
        let at_site = self.at_site.as_deref().unwrap_or_default();
        if at_site.chars().count() > 200 {
            return Err(AppError::invalid(
                "at_site",
                "Site must be 200 characters or fewer",
            ));
        }
        Ok(QueueFilter {
            site: (!site.is_empty()).then(|| site.to_owned()),
            at_site: (!at_site.trim().is_empty()).then(|| at_site.to_owned()),
            due_by,
            overdue,
        })
    }
}

/// A page of the checkpoints `actor` works on that are due or overdue and not yet
/// recorded, oldest due first, matching `query`: HR their own organisation's jobs,
/// coordinators and managers the jobs of residents in their organisation's programmes,
/// admins every job.
pub fn checkpoint_queue(
    conn: &mut DbConnection,
    actor: &Actor,
    query: &QueueQuery,
    page: &PageRequest<(NaiveDate, i32)>,
) -> AppResult<Paged<QueueItem>> {
    actor.require(Permission::ViewParticipants)?;
    let filter = query.filter()?;
    let scope = QueueScope::of_actor(actor);
    let rows = Checkpoint::queue_page(conn, scope, actor.today, &filter, page.after, page.fetch())?;
    Ok(Paged::from_fetched(rows, page, QueueItem::key))
}

/// The unrecorded checkpoint `weeks` of job `employment_id` as a line of the queue, for
/// its record form: 404 unless `actor` may see the job and `weeks` is 13, 26 or 52.
pub fn queue_item(
    conn: &mut DbConnection,
    actor: &Actor,
    employment_id: i32,
    weeks: i32,
) -> AppResult<QueueItem> {
    actor.require(Permission::ViewParticipants)?;
    let job = Employment::find_visible(conn, employment_id, actor)?;
    if !WEEKS.contains(&weeks) {
        return Err(AppError::NotFound);
    }
    let checkpoint = Checkpoint::find(conn, job.id, weeks)?;
    let person = Participant::find(conn, job.participant_id)?;
    Ok(QueueItem {
        checkpoint,
        participant_id: person.id,
        name: format!("{} {}", person.given_name, person.family_name),
        given_name: person.given_name,
        family_name: person.family_name,
        job_title: job.job_title,
        site: job.site,
    })
}

/// The checkpoint to record after the one at `key` (due date, id) in the queue filtered
/// by `query`: the next one due after it, else the oldest still due (one skipped
/// earlier), else none.
pub fn next_due(
    conn: &mut DbConnection,
    actor: &Actor,
    query: &QueueQuery,
    key: (NaiveDate, i32),
) -> AppResult<Option<QueueItem>> {
    actor.require(Permission::ViewParticipants)?;
    let filter = query.filter()?;
    let scope = QueueScope::of_actor(actor);
    let mut next = Checkpoint::queue_page(conn, scope, actor.today, &filter, Some(key), 1)?;
    if next.is_empty() {
        next = Checkpoint::queue_page(conn, scope, actor.today, &filter, None, 1)?;
    }
    Ok(next.pop())
}

/// The sites the queue can be filtered by: the distinct sites recorded on the jobs
/// `actor` may see whose name contains `search`, at most [`SITE_CHOICES`], and whether
/// more matched.
pub fn site_choices(
    conn: &mut DbConnection,
    actor: &Actor,
    search: &str,
) -> AppResult<(Vec<String>, bool)> {
    actor.require(Permission::ViewParticipants)?;
    let mut found = sites(conn, QueueScope::of_actor(actor), search, SITE_CHOICES + 1)?;
    let more = found.len() as i64 > SITE_CHOICES;
    found.truncate(SITE_CHOICES as usize);
    Ok((found, more))
}
