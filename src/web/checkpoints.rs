//! The checkpoints work queue: 13-, 26- and 52-week checkpoints that are due or overdue
//! and not yet recorded, oldest first, each one click from its form. Whose jobs it lists
//! is `actions::employments::checkpoint_queue`.

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::State;

use super::{Layout, Section};
use crate::actions::employments::checkpoint_queue;
use crate::auth::{CurrentUser, Permission};
use crate::domain::Actor;
use crate::error::AppResult;
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
        item.checkpoint.status_at(self.today).tag()
    }
}

/// Whose checkpoints the user works on (the dashboard shows the same).
pub fn scope_of(user: &CurrentUser) -> QueueScope {
    QueueScope::of(user.role, user.organisation_id)
}

/// `GET /checkpoints`
pub async fn list(
    actor: Actor,
    State(state): State<AppState>,
    user: CurrentUser,
) -> AppResult<QueuePage> {
    let items = state
        .db
        .run(move |conn| checkpoint_queue(conn, &actor))
        .await?;
    Ok(QueuePage {
        layout: Layout::new("Checkpoints due", &user, Section::Checkpoints),
        items,
        today: actor.today,
        can_record: actor.can(Permission::RecordEmployments),
    })
}
