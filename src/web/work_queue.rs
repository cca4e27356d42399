//! The checkpoints work queue: 13-, 26- and 52-week checkpoints that are due or overdue
//! and not yet recorded, oldest first, each one click from its form. HR see their own
//! organisation's jobs; coordinators and managers the jobs of residents in their
//! organisation's programmes; admins every job.

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::State;

use super::employments::status_tag;
use super::{Layout, Section};
use crate::auth::{CurrentUser, Permission, Role};
use crate::error::AppResult;
use crate::models::Checkpoint;
use crate::models::checkpoint::{QueueItem, QueueScope};
use crate::state::AppState;

/// The work queue page.
#[derive(Template, WebTemplate)]
#[template(path = "checkpoints/queue.html")]
pub struct QueuePage {
    layout: Layout,
    items: Vec<QueueItem>,
    today: chrono::NaiveDate,
    can_record: bool,
}

impl QueuePage {
    fn tag(&self, item: &QueueItem) -> &'static str {
        status_tag(item.checkpoint.status_on(self.today))
    }
}

/// Whose checkpoints the user works on (the dashboard shows the same).
pub fn scope_of(user: &CurrentUser) -> QueueScope {
    match user.role {
        Role::Admin => QueueScope::All,
        Role::Hr => QueueScope::Employer(user.organisation_id),
        Role::Coordinator | Role::Manager => QueueScope::PartnerOf(user.organisation_id),
    }
}

/// `GET /checkpoints`
pub async fn list(State(state): State<AppState>, user: CurrentUser) -> AppResult<QueuePage> {
    user.require(Permission::ViewParticipants)?;
    let (scope, today) = (scope_of(&user), state.clock.today());
    let items = state
        .db
        .run(move |conn| Ok(Checkpoint::queue_for(conn, scope, today)?))
        .await?;
    Ok(QueuePage {
        layout: Layout::new("Checkpoints due", &user, Section::Checkpoints),
        items,
        today,
        can_record: user.can(Permission::RecordEmployments),
    })
}
