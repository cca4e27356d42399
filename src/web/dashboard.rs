//! The home page: today's registers and how many are outstanding, current cohorts with
//! their progress, residents flagged for absences, and the user's programmes.

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::State;

use super::{Layout, Section};
use crate::actions::dashboard::{self, CurrentCohort, Flag, TodaysRegisters};
use crate::auth::{CurrentUser, Permission};
use crate::domain::checkpoint::CheckpointStatus;
use crate::domain::{Actor, RegisterStatus};
use crate::error::AppResult;
use crate::models::ProgrammeDetails;
use crate::models::checkpoint::QueueItem;
use crate::state::AppState;

/// The dashboard.
#[derive(Template, WebTemplate)]
#[template(path = "dashboard.html")]
pub struct DashboardPage {
    layout: Layout,
    user: CurrentUser,
    programmes: Vec<ProgrammeDetails>,
    more_programmes: bool,
    current: Vec<CurrentCohort>,
    more_current: bool,
    flags: Vec<Flag>,
    due: Vec<QueueItem>,
    registers: Option<TodaysRegisters>,
    sees_checkpoints: bool,
    today: chrono::NaiveDate,
}

impl DashboardPage {
    fn can_admin(&self) -> bool {
        self.user.can(Permission::ManageUsers)
    }
    fn sees_people(&self) -> bool {
        self.user.can(Permission::ViewParticipants)
    }
    /// Whether a due checkpoint links straight to its record form on the work queue
    /// (otherwise to its job).
    fn records_checkpoints(&self) -> bool {
        self.user.can(Permission::RecordEmployments)
    }
}

/// `GET /`
pub async fn show(
    actor: Actor,
    State(state): State<AppState>,
    user: CurrentUser,
) -> AppResult<DashboardPage> {
    // The same checkpoints as the work queue: HR's employer, partners' programmes, or all.
    let queue = super::checkpoints::scope_of(&user);
    let board = state
        .db
        .run(move |conn| dashboard::overview(conn, &actor, queue))
        .await?;
    Ok(DashboardPage {
        layout: Layout::new("Dashboard", &user, Section::Dashboard),
        user,
        programmes: board.programmes,
        more_programmes: board.more_programmes,
        current: board.current,
        more_current: board.more_current,
        flags: board.flags,
        due: board.due,
        registers: board.registers,
        sees_checkpoints: actor.can(Permission::ViewParticipants),
        today: actor.today,
    })
}
