//! Cohorts: creating and changing one, generating its schedule, and what the cohort
//! pages and the API show of them. Each action checks the role, then that the caller's
//! organisation partners in the cohort's programme (404 otherwise), then the input, and
//! writes with its audit row in one transaction.

mod input;
mod list;
mod schedule;
mod status;

use serde::Serialize;

pub use input::CohortInput;
pub use list::{CohortListQuery, list, roster, sessions};
pub use schedule::{Generated, Regeneration, generate, generate_schedule, regeneration};
pub use status::finish;
pub(crate) use status::start_running;

use super::pickers::Choices;
use crate::db::{DbConnection, write_transaction};
use crate::domain::{Actor, Permission, RegisterStatus};
use crate::error::{AppError, AppResult, FieldErrors};
use crate::models::attendance::{AttendanceSummary, CohortAttendance};
use crate::models::audit::{self, AuditAction, Change};
use crate::models::{Cohort, CourseSession, Enrolment, Programme, RosterEntry};

/// A cohort with what its page summarises.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct CohortView {
    /// The cohort.
    #[serde(flatten)]
    pub cohort: Cohort,
    /// Last session date, or the Friday of the last week when there is no schedule yet.
    pub ends_on: chrono::NaiveDate,
    /// Places taken (enrolments not withdrawn and not marked as never starting).
    pub places_taken: i64,
    /// Sessions in the schedule (cancelled included).
    pub sessions: usize,
}

impl CohortView {
    fn of(conn: &mut DbConnection, cohort: Cohort) -> AppResult<CohortView> {
        let sessions = CourseSession::list_for_cohort(conn, cohort.id)?;
        Ok(CohortView {
            ends_on: sessions
                .last()
                .map_or_else(|| cohort.planned_end(), |s| s.held_on),
            places_taken: Enrolment::places_taken(conn, cohort.id)?,
            sessions: sessions.len(),
            cohort,
        })
    }
}

/// The cohort with `id` when the actor holds `permission` and may see it; 404 otherwise.
fn visible(
    conn: &mut DbConnection,
    actor: &Actor,
    permission: Permission,
    id: i32,
) -> AppResult<Cohort> {
    actor.require(permission)?;
    Ok(Cohort::find_visible(conn, id, actor.scope())?)
}

/// One cohort as the API shows it.
pub fn show(conn: &mut DbConnection, actor: &Actor, id: i32) -> AppResult<CohortView> {
    let cohort = visible(conn, actor, Permission::ViewProgrammes, id)?;
    CohortView::of(conn, cohort)
}

/// A person on the cohort page's roster, with their attendance so far.
pub struct RosterLine {
    /// The enrolment and name.
    pub entry: RosterEntry,
    /// Attendance as at today.
    pub attendance: AttendanceSummary,
}

/// What the cohort page shows.
pub struct CohortDetails {
    /// The cohort.
    pub cohort: Cohort,
    /// Its programme.
    pub programme: Programme,
    /// Every enrolment, for the funnel and places taken (counts only).
    pub enrolments: Vec<RosterEntry>,
    /// The people named, only for roles that see residents; empty otherwise.
    pub roster: Vec<RosterLine>,
    /// The schedule.
    pub sessions: Vec<CourseSession>,
    /// Sessions held so far.
    pub held: usize,
    /// Past sessions whose register is outstanding (counted neither way).
    pub outstanding: usize,
    /// Each session's register status and, for a taken register with people still
    /// unmarked, how many; in the order of `sessions`.
    pub registers: Vec<(RegisterStatus, usize)>,
    /// Whether to offer "mark as finished": running, past its last session, and no
    /// register outstanding.
    pub can_finish: bool,
}

/// The cohort page: the cohort, its schedule, and its roster for roles that see residents.
pub fn details(conn: &mut DbConnection, actor: &Actor, id: i32) -> AppResult<CohortDetails> {
    let cohort = visible(conn, actor, Permission::ViewProgrammes, id)?;
    let programme = Programme::find(conn, cohort.programme_id)?;
    let enrolments = Enrolment::roster(conn, id)?;
    let sessions = CourseSession::list_for_cohort(conn, id)?;
    let attendance = CohortAttendance::load(conn, id, actor.today)?;
    let roster = if actor.can(Permission::ViewParticipants) {
        enrolments
            .iter()
            .map(|entry| RosterLine {
                attendance: attendance.summary(entry.enrolment.id),
                entry: entry.clone(),
            })
            .collect()
    } else {
        Vec::new()
    };
    let unmarked = crate::models::register::unmarked_counts(conn, id, &sessions)?;
    let registers = sessions
        .iter()
        .map(|s| {
            let n = unmarked.get(&s.id).copied().unwrap_or(0);
            (s.register_status(actor.today), n)
        })
        .collect();
    Ok(CohortDetails {
        can_finish: status::finishable(&cohort, &sessions, actor.today),
        cohort,
        programme,
        enrolments,
        roster,
        sessions,
        held: attendance.held_count(),
        outstanding: attendance.outstanding_count(),
        registers,
    })
}

/// The programmes a cohort form offers: a few of those the actor's organisation partners
/// in, newest first or matching `search`, with `selected` among them.
pub fn programme_choices(
    conn: &mut DbConnection,
    actor: &Actor,
    search: &str,
    selected: Option<i32>,
) -> AppResult<Choices<Programme>> {
    actor.require(Permission::ManageCohorts)?;
    super::pickers::programmes(conn, actor, search, selected)
}

/// The cohort to fill the change form with.
pub fn for_edit(conn: &mut DbConnection, actor: &Actor, id: i32) -> AppResult<Cohort> {
    visible(conn, actor, Permission::ManageCohorts, id)
}

/// Refuses a submission when a form found problems parsing its own fields (`found`),
/// listing them first and then every problem with the rest of the input.
fn refuse_found(found: FieldErrors, input: &CohortInput, creating: bool) -> AppResult<()> {
    if found.is_empty() {
        return Ok(());
    }
    let mut errors = found;
    for (field, message) in input.problems(creating).iter() {
        errors.add(field, message.clone());
    }
    Err(AppError::Validation(errors))
}

fn name_taken_error() -> AppError {
    AppError::conflict("name", "This programme already has a cohort with that name")
}

/// Creates a cohort in a programme the actor's organisation partners in, audited;
/// 422 for a programme they cannot see, 409 for a name already used in it. `input` is
/// the body as read (an unreadable one is refused after the permission check, so a role
/// without it gets 403 whatever it sends); `found`: problems a form found parsing its
/// own fields (empty from the API).
pub fn create(
    conn: &mut DbConnection,
    actor: &Actor,
    input: AppResult<CohortInput>,
    found: FieldErrors,
) -> AppResult<CohortView> {
    actor.require(Permission::ManageCohorts)?;
    let input = input?;
    refuse_found(found, &input, true)?;
    let valid = input.to_new(actor.now).map_err(AppError::Validation)?;
    write_transaction(conn, |conn| {
        Programme::find_visible(conn, valid.programme_id, actor.scope()).map_err(|_| {
            AppError::invalid(
                "programme_id",
                "Select a programme your organisation partners in",
            )
        })?;
        if Cohort::name_taken(conn, valid.programme_id, &valid.name, None)? {
            return Err(name_taken_error());
        }
        let cohort = Cohort::create(conn, &valid)?;
        audit::record(
            conn,
            actor,
            AuditAction::Create,
            Change {
                entity: "cohort",
                id: cohort.id,
                participant_id: None,
                before: None::<&()>,
                after: Some(&cohort),
            },
        )?;
        CohortView::of(conn, cohort)
    })
}

/// Changes a cohort the actor may see, audited with before and after; the capacity
/// cannot drop below the places already taken. `found` as for [`create`].
pub fn update(
    conn: &mut DbConnection,
    actor: &Actor,
    id: i32,
    input: AppResult<CohortInput>,
    found: FieldErrors,
) -> AppResult<CohortView> {
    actor.require(Permission::ManageCohorts)?;
    let input = input?;
    refuse_found(found, &input, false)?;
    write_transaction(conn, |conn| {
        visible(conn, actor, Permission::ManageCohorts, id)?;
        // Locked so a capacity cut and an enrolment cannot both pass their checks.
        let before = Cohort::lock(conn, id)?;
        let mut changes = input
            .to_changes(before.programme_id)
            .map_err(AppError::Validation)?;
        if let Some(name) = &changes.name
            && Cohort::name_taken(conn, before.programme_id, name, Some(id))?
        {
            return Err(name_taken_error());
        }
        if let Some(capacity) = changes.capacity {
            let taken = Enrolment::places_taken(conn, id)?;
            if i64::from(capacity) < taken {
                return Err(AppError::invalid(
                    "capacity",
                    format!("Capacity cannot be less than the {taken} places already taken"),
                ));
            }
        }
        changes.updated_at = Some(actor.now);
        let after = Cohort::update(conn, id, &changes)?;
        audit::record(
            conn,
            actor,
            AuditAction::Update,
            Change {
                entity: "cohort",
                id,
                participant_id: None,
                before: Some(&before),
                after: Some(&after),
            },
        )?;
        CohortView::of(conn, after)
    })
}
