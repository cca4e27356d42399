//! The checkpoints work queue: 13-, 26- and 52-week checkpoints that are due or overdue
//! and not yet recorded, oldest due first, a page at a time, filtered by employer site
//! and due date, each one click from its form. Whose jobs it lists is
//! `actions::employments::checkpoint_queue`.

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::State;
use chrono::NaiveDate;

use super::{Layout, Section};
use crate::actions::employments::{QueueQuery, checkpoint_queue};
use crate::auth::{CurrentUser, Permission};
use crate::domain::Actor;
use crate::error::AppResult;
use crate::extract::{Paging, Query};
use crate::models::checkpoint::{QueueItem, QueueScope};
use crate::state::AppState;
use crate::web::paging::Pager;

/// The work queue page.
#[derive(Template, WebTemplate)]
#[template(path = "checkpoints/queue.html")]
pub struct QueuePage {
    layout: Layout,
    items: Vec<QueueItem>,
    site: String,
    due_by: String,
    overdue: bool,
    filtered: bool,
    pager: Pager,
    today: NaiveDate,
    can_record: bool,
}

impl QueuePage {
    fn tag(&self, item: &QueueItem) -> &'static str {
        item.checkpoint.status_at(self.today).tag()
    }
}

/// Whose checkpoints the user works on (the dashboard shows the same).
pub fn scope_of(user: &CurrentUser) -> QueueScope {
    QueueScope::of(user.role, user.organisation_id)
}

/// `GET /checkpoints?site=&due_by=&overdue=&cursor=`
pub async fn list(
    actor: Actor,
    State(state): State<AppState>,
    user: CurrentUser,
    Query(q): Query<QueueQuery>,
    paging: Paging<(NaiveDate, i32)>,
) -> AppResult<QueuePage> {
    let query = q.clone();
    let page = state
        .db
        .run(move |conn| checkpoint_queue(conn, &actor, &query, &paging))
        .await?;
    let overdue = q.filter().is_ok_and(|f| f.overdue);
    let (site, due_by) = (q.site.unwrap_or_default(), q.due_by.unwrap_or_default());
    let filters = [
        ("site", site.as_str()),
        ("due_by", due_by.as_str()),
        ("overdue", if overdue { "1" } else { "" }),
    ];
    Ok(QueuePage {
        layout: Layout::new("Checkpoints due", &user, Section::Checkpoints),
        pager: Pager::new("/checkpoints", &filters, &paging, &page),
        filtered: filters[..3].iter().any(|(_, v)| !v.trim().is_empty()),
        items: page.items,
        site,
        due_by,
        overdue,
        today: actor.today,
        can_record: actor.can(Permission::RecordEmployments),
    })
}
