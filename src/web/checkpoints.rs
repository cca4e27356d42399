//! The checkpoints work queue: 13-, 26- and 52-week checkpoints that are due or overdue
//! and not yet recorded, oldest due first, a page at a time, filtered by employer site
//! and due date. HR works through it without leaving it: each line's "Record" opens a
//! short form at the top of the same page (`?record=<job>-<weeks>#record`), and "Save and
//! record next" saves and opens the next one due. Whose jobs it lists is
//! `actions::employments::checkpoint_queue`; the write is `record_checkpoint`, the same
//! as on the employment page.

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::State;
use axum::response::{IntoResponse, Response};
use chrono::NaiveDate;
use serde::Deserialize;

use super::{Layout, Section, WebForm, see_other};
use crate::actions::employments::{
    checkpoint_queue, next_due, queue_item, record_checkpoint, refuse, site_choices,
};
use crate::auth::{CurrentUser, Permission};
use crate::domain::Actor;
use crate::domain::checkpoint::CheckpointOutcome;
use crate::domain::employment::EndReason;
use crate::error::{AppError, AppResult, FieldErrors};
use crate::extract::{Paging, Query};
use crate::models::checkpoint::{QueueItem, QueueScope};
use crate::models::page::DEFAULT_PAGE_SIZE;
use crate::state::AppState;
use crate::web::employments::fields::{CheckpointForm, PageForm};
use crate::web::employments::queue_filters::{Filters, record_key};
use crate::web::forms::{DateBoxes, status_for};
use crate::web::paging::Pager;

/// The record form open at the top of the queue.
pub struct RecordForm {
    /// The checkpoint and whose job it is.
    pub item: QueueItem,
    /// The values typed (today in the date-checked boxes at first).
    pub form: CheckpointForm,
}

/// The work queue page.
#[derive(Template, WebTemplate)]
#[template(path = "checkpoints/queue.html")]
pub struct QueuePage {
    layout: Layout,
    items: Vec<QueueItem>,
    filters: Filters,
    due_by: DateBoxes,
    sites: Vec<String>,
    more_sites: bool,
    pager: Pager,
    today: NaiveDate,
    can_record: bool,
    record: Option<RecordForm>,
    outcomes: &'static [(&'static str, &'static str)],
    end_reasons: &'static [(&'static str, &'static str)],
    notice: Option<String>,
    errors: FieldErrors,
}

impl QueuePage {
    fn tag(&self, item: &QueueItem) -> &'static str {
        item.checkpoint.status_at(self.today).tag()
    }

    /// The link that opens `item`'s record form on this page, keeping the filters.
    fn record_href(&self, item: &QueueItem) -> String {
        self.filters.href(Some(record_key(item)), None)
    }
}

/// Whose checkpoints the user works on (the dashboard shows the same).
pub fn scope_of(user: &CurrentUser) -> QueueScope {
    QueueScope::of(user.role, user.organisation_id)
}

/// `?record=` and `?notice=` besides the filters.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct Extra {
    record: String,
    notice: String,
}

/// `GET /checkpoints?site=&at_site=&due_by_day=&due_by_month=&due_by_year=&overdue=&record=&cursor=`
pub async fn list(
    actor: Actor,
    State(state): State<AppState>,
    user: CurrentUser,
    Query(filters): Query<Filters>,
    Query(extra): Query<Extra>,
    paging: Paging<(NaiveDate, i32)>,
) -> AppResult<Response> {
    let mut errors = FieldErrors::new();
    let filters = filters.checked(&mut errors);
    let record = match extra.record.as_str() {
        "" => None,
        key => {
            let (job, weeks) = parse_key(key).ok_or(AppError::NotFound)?;
            let mut form = CheckpointForm::default();
            form.set_date(DateBoxes::of(Some(actor.today)));
            Some((job, weeks, form))
        }
    };
    let notice = match extra.notice.as_str() {
        "saved" => Some("The checkpoint has been recorded.".to_owned()),
        "done" => {
            Some("The checkpoint has been recorded. No other checkpoint is due here.".to_owned())
        }
        _ => None,
    };
    render(
        &state,
        (actor, &user),
        filters,
        record,
        (notice, errors),
        paging,
    )
    .await
}

/// Fields of the record form on the queue: the checkpoint, its outcome, what to do
/// after the save, and the filters to keep.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct QueueRecordForm {
    record: String,
    then: String,
    #[serde(flatten)]
    filters: Filters,
    #[serde(flatten)]
    form: CheckpointForm,
}

/// `POST /checkpoints`: records the checkpoint named by `record` (the same action as
/// the employment page), then opens the next one due (303), or returns to the queue;
/// problems show the queue again with the form and an error summary (422).
pub async fn record(
    actor: Actor,
    State(state): State<AppState>,
    user: CurrentUser,
    WebForm(posted): WebForm<QueueRecordForm>,
) -> AppResult<Response> {
    let Some((job, weeks)) = parse_key(&posted.record) else {
        let missing = AppError::invalid("record", "Choose a checkpoint to record");
        return Err(refuse(&actor, missing));
    };
    let mut ignored = FieldErrors::new();
    let filters = posted.filters.checked(&mut ignored);
    let then_next = posted.then != "queue";
    let result = match posted.form.input() {
        Ok(input) => {
            let query = filters.query();
            state
                .db
                .run(move |conn| {
                    let saved = record_checkpoint(conn, &actor, job, weeks, &input)?;
                    match then_next {
                        true => next_due(conn, &actor, &query, (saved.due_on, saved.id)),
                        false => Ok(None),
                    }
                })
                .await
        }
        Err(errors) => Err(refuse(&actor, AppError::Validation(errors))),
    };
    match result {
        Ok(Some(next)) => Ok(see_other(
            &filters.href(Some(record_key(&next)), Some("saved")),
        )),
        Ok(None) => {
            let notice = if then_next { "done" } else { "saved" };
            Ok(see_other(&filters.href(None, Some(notice))))
        }
        Err(AppError::Validation(errors)) => {
            let record = Some((job, weeks, posted.form));
            let page = Paging::first(DEFAULT_PAGE_SIZE);
            render(
                &state,
                (actor, &user),
                filters,
                record,
                (None, errors),
                page,
            )
            .await
        }
        Err(e) => Err(e),
    }
}

/// `<job>-<weeks>`, as the record links write a checkpoint.
fn parse_key(key: &str) -> Option<(i32, i32)> {
    let (job, weeks) = key.trim().split_once('-')?;
    Some((job.parse().ok()?, weeks.parse().ok()?))
}

/// Reads the queue page (and the checkpoint whose form is open: 404 unless the actor may
/// see its job) and renders it; 422 when there are problems to show.
async fn render(
    state: &AppState,
    (actor, user): (Actor, &CurrentUser),
    filters: Filters,
    record: Option<(i32, i32, CheckpointForm)>,
    (notice, errors): (Option<String>, FieldErrors),
    paging: Paging<(NaiveDate, i32)>,
) -> AppResult<Response> {
    let query = filters.query();
    let search = filters.site.clone();
    let can_record = actor.can(Permission::RecordEmployments);
    let (page, (sites, more_sites), record) = state
        .db
        .run(move |conn| {
            let page = checkpoint_queue(conn, &actor, &query, &paging)?;
            let sites = site_choices(conn, &actor, &search)?;
            let record = match record.filter(|_| can_record) {
                Some((job, weeks, form)) => Some(RecordForm {
                    item: queue_item(conn, &actor, job, weeks)?,
                    form,
                }),
                None => None,
            };
            Ok((page, sites, record))
        })
        .await?;
    let pager = Pager::new("/checkpoints", &filters.pairs(), &paging, &page);
    let status = status_for(&errors);
    let page = QueuePage {
        layout: Layout::new("Checkpoints due", user, Section::Checkpoints)
            .with_errors(!errors.is_empty()),
        items: page.items,
        due_by: filters.due_by_boxes(),
        filters,
        sites,
        more_sites,
        pager,
        today: actor.today,
        can_record,
        record,
        outcomes: CheckpointOutcome::OPTIONS,
        end_reasons: EndReason::OPTIONS,
        notice,
        errors,
    };
    Ok((status, page).into_response())
}
