//! The home page: current cohorts with their progress, residents flagged for absences,
//! and the user's programmes.

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::State;

use super::{Layout, Section};
use crate::auth::{CurrentUser, Permission};
use crate::error::AppResult;
use crate::models::attendance::CohortAttendance;
use crate::models::checkpoint::{Checkpoint, QueueItem};
use crate::models::{Cohort, Enrolment, MAX_PAGE_SIZE, Programme, ProgrammeDetails};
use crate::reports::programme_report;
use crate::state::AppState;

/// A current cohort on the dashboard.
pub struct CurrentCohort {
    cohort: Cohort,
    headline: String,
    enrolled: usize,
    started: usize,
    flagged: usize,
}

/// A resident whose absences need following up.
pub struct Flag {
    participant_id: i32,
    name: String,
    cohort: String,
    run: usize,
}

/// The dashboard.
#[derive(Template, WebTemplate)]
#[template(path = "dashboard.html")]
pub struct DashboardPage {
    layout: Layout,
    user: CurrentUser,
    programmes: Vec<ProgrammeDetails>,
    current: Vec<CurrentCohort>,
    flags: Vec<Flag>,
    due: Vec<QueueItem>,
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
}

/// `GET /`
pub async fn show(State(state): State<AppState>, user: CurrentUser) -> AppResult<DashboardPage> {
    let (scope, today) = (user.scope(), state.clock.today());
    // The same checkpoints as the work queue: HR's employer, partners' programmes, or all.
    let (sees_checkpoints, queue) = (
        user.can(Permission::ViewParticipants),
        super::work_queue::scope_of(&user),
    );
    let (programmes, cohorts, rosters, attendance, (headlines, due)) = state
        .db
        .run(move |conn| {
            let programmes = Programme::page(conn, scope, 0, MAX_PAGE_SIZE)?;
            let programmes = Programme::with_details(conn, programmes)?;
            let cohorts: Vec<Cohort> = Cohort::list(conn, scope, None, None)?
                .into_iter()
                .filter(|c| matches!(c.status.as_str(), "planned" | "recruiting" | "running"))
                .collect();
            let ids: Vec<i32> = cohorts.iter().map(|c| c.id).collect();
            let rosters = Enrolment::rosters(conn, &ids)?;
            let attendance = CohortAttendance::load_many(conn, &ids, today)?;
            let mut headlines = std::collections::HashMap::new();
            programme_report(conn, &ids, today, |l| {
                headlines.insert(l.cohort_id, (l.figures.started, l.headline()));
            })?;
            let due = if sees_checkpoints {
                Checkpoint::queue_for(conn, queue, today)?
            } else {
                Vec::new()
            };
            Ok((programmes, cohorts, rosters, attendance, (headlines, due)))
        })
        .await?;
    let mut flags = Vec::new();
    let current = cohorts
        .into_iter()
        .map(|cohort| {
            let roster: Vec<_> = rosters
                .iter()
                .filter(|r| r.enrolment.cohort_id == cohort.id)
                .collect();
            let marks = attendance.get(&cohort.id).cloned().unwrap_or_default();
            let mut flagged = 0;
            for r in &roster {
                let summary = marks.summary(r.enrolment.id);
                if summary.flagged() && r.enrolment.stage.holds_place() {
                    flagged += 1;
                    flags.push(Flag {
                        participant_id: r.enrolment.participant_id,
                        name: r.full_name(),
                        cohort: cohort.name.clone(),
                        run: summary.longest_absence_run,
                    });
                }
            }
            CurrentCohort {
                headline: headlines
                    .get(&Some(cohort.id))
                    .map(|h| h.1.clone())
                    .unwrap_or_default(),
                enrolled: roster.len(),
                // The report's definition: at least one attended session.
                started: headlines.get(&Some(cohort.id)).map_or(0, |h| h.0 as usize),
                flagged,
                cohort,
            }
        })
        .collect();
    if !user.can(Permission::ViewParticipants) {
        flags.clear();
    }
    Ok(DashboardPage {
        layout: Layout::new("Dashboard", &user, Section::Dashboard),
        user,
        programmes,
        current,
        flags,
        due,
        sees_checkpoints,
        today,
    })
}
