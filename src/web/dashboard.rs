//! The home page: current cohorts with their progress, residents flagged for absences,
//! and the user's programmes.

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::State;

use super::{Layout, Section};
use crate::app::AppState;
use crate::auth::{CurrentUser, Permission};
use crate::error::AppResult;
use crate::models::attendance::CohortAttendance;
use crate::models::{Cohort, Enrolment, MAX_PAGE_SIZE, Programme, ProgrammeDetails};

/// A current cohort on the dashboard.
pub struct CurrentCohort {
    cohort: Cohort,
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
    let (programmes, cohorts, rosters, attendance) = state
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
            Ok((programmes, cohorts, rosters, attendance))
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
                if summary.flagged()
                    && !matches!(r.enrolment.stage.as_str(), "withdrawn" | "not_started")
                {
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
                enrolled: roster.len(),
                started: roster
                    .iter()
                    .filter(|r| matches!(r.enrolment.stage.as_str(), "started" | "completed"))
                    .count(),
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
    })
}
