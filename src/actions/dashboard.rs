//! What the home page shows the actor: today's registers and how many are outstanding
//! (for roles that take registers), their programmes, the open cohorts they may see
//! with progress so far, residents with runs of absence (only for roles that see
//! residents) and checkpoints due; and the registers lists it links to.

use std::collections::HashMap;

use crate::db::DbConnection;
use crate::domain::{Actor, Permission};
use crate::error::AppResult;
use crate::models::attendance::CohortAttendance;
use crate::models::checkpoint::{Checkpoint, QueueItem, QueueScope};
use crate::models::page::{PageRequest, Paged};
use crate::models::register_list::{RegisterList, RegisterRow};
use crate::models::{Cohort, Enrolment, Programme, ProgrammeDetails, RosterEntry};
use crate::reports::programme_report;

/// An open cohort on the dashboard.
pub struct CurrentCohort {
    /// The cohort.
    pub cohort: Cohort,
    /// The report's one-line summary.
    pub headline: String,
    /// Enrolments.
    pub enrolled: usize,
    /// People with at least one attended session (the report's definition).
    pub started: usize,
    /// People flagged for a run of absences.
    pub flagged: usize,
}

/// A resident whose absences need following up.
pub struct Flag {
    /// The resident.
    pub participant_id: i32,
    /// Their name.
    pub name: String,
    /// Their cohort's name.
    pub cohort: String,
    /// Their longest run of absences.
    pub run: usize,
}

/// How many programmes and open cohorts the dashboard shows at most; the rest are on the
/// paged lists it links to, so the page never grows with the database.
pub const DASHBOARD_ROWS: usize = 10;

/// The dashboard's content.
pub struct Dashboard {
    /// Programmes the actor may see (the first [`DASHBOARD_ROWS`]).
    pub programmes: Vec<ProgrammeDetails>,
    /// Whether the actor may see more programmes than are shown.
    pub more_programmes: bool,
    /// Open cohorts, newest first (the first [`DASHBOARD_ROWS`]).
    pub current: Vec<CurrentCohort>,
    /// Whether more cohorts are open than are shown.
    pub more_current: bool,
    /// Residents flagged (empty for roles that do not see residents).
    pub flags: Vec<Flag>,
    /// Checkpoints due in `queue` (empty for roles that do not see residents).
    pub due: Vec<QueueItem>,
    /// Today's registers, for roles that take them (`None` otherwise).
    pub registers: Option<TodaysRegisters>,
}

/// Today's registers on the dashboard.
pub struct TodaysRegisters {
    /// Today's sessions the actor may see (the first [`DASHBOARD_ROWS`]).
    pub today: Vec<RegisterRow>,
    /// Whether there are more today than are shown.
    pub more_today: bool,
    /// Registers outstanding (before today, not cancelled, never taken).
    pub outstanding: i64,
}

/// Today's registers and the count of outstanding ones, in the cohorts the actor may see.
fn todays_registers(conn: &mut DbConnection, actor: &Actor) -> AppResult<TodaysRegisters> {
    let scope = actor.scope();
    let first = PageRequest::first(DASHBOARD_ROWS as i64);
    let today = RegisterRow::page(conn, RegisterList::OnDay(actor.today), scope, &first)?;
    let outstanding =
        RegisterRow::count(conn, RegisterList::OutstandingBefore(actor.today), scope)?;
    let more_today = today.len() > DASHBOARD_ROWS;
    let mut today = today;
    today.truncate(DASHBOARD_ROWS);
    Ok(TodaysRegisters {
        today,
        more_today,
        outstanding,
    })
}

/// Which registers list a page shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Registers {
    /// Today's sessions.
    Today,
    /// Registers outstanding, oldest first.
    Outstanding,
}

/// A page of today's or the outstanding registers in the cohorts the actor may see, in
/// date order (keyset on `(held_on, id)`), for roles that take registers.
pub fn registers(
    conn: &mut DbConnection,
    actor: &Actor,
    which: Registers,
    request: &PageRequest<(chrono::NaiveDate, i32)>,
) -> AppResult<(Paged<RegisterRow>, i64)> {
    actor.require(Permission::TakeAttendance)?;
    let list = match which {
        Registers::Today => RegisterList::OnDay(actor.today),
        Registers::Outstanding => RegisterList::OutstandingBefore(actor.today),
    };
    let rows = RegisterRow::page(conn, list, actor.scope(), request)?;
    let total = RegisterRow::count(conn, list, actor.scope())?;
    let page = Paged::from_fetched(rows, request, |r| (r.session.held_on, r.session.id));
    Ok((page, total))
}

/// The dashboard of `actor`, with the checkpoints of `queue` (the same as their work
/// queue).
pub fn overview(conn: &mut DbConnection, actor: &Actor, queue: QueueScope) -> AppResult<Dashboard> {
    let scope = actor.scope();
    let sees_people = actor.can(Permission::ViewParticipants);
    // One more than is shown, which only says that more exist.
    let shown = DASHBOARD_ROWS as i64 + 1;
    let mut programmes = Programme::page(conn, scope, 0, shown)?;
    let more_programmes = programmes.len() > DASHBOARD_ROWS;
    programmes.truncate(DASHBOARD_ROWS);
    let programmes = Programme::with_details(conn, programmes)?;
    let mut cohorts = Cohort::open(conn, scope, shown)?;
    let more_current = cohorts.len() > DASHBOARD_ROWS;
    cohorts.truncate(DASHBOARD_ROWS);
    let ids: Vec<i32> = cohorts.iter().map(|c| c.id).collect();
    let rosters = Enrolment::rosters(conn, &ids)?;
    let attendance = CohortAttendance::load_many(conn, &ids, actor.today)?;
    let mut headlines = HashMap::new();
    programme_report(conn, &ids, actor.today, |l| {
        headlines.insert(l.cohort_id, (l.figures.started, l.headline()));
    })?;
    let due = if sees_people {
        Checkpoint::queue_for(conn, queue, actor.today)?
    } else {
        Vec::new()
    };
    let mut flags = Vec::new();
    let current = cohorts
        .into_iter()
        .map(|cohort| {
            let roster: Vec<&RosterEntry> = rosters
                .iter()
                .filter(|r| r.enrolment.cohort_id == cohort.id)
                .collect();
            let marks = attendance.get(&cohort.id).cloned().unwrap_or_default();
            let flagged = flag_absences(&cohort, &roster, &marks, &mut flags);
            let headline = headlines.get(&Some(cohort.id));
            CurrentCohort {
                headline: headline.map(|h| h.1.clone()).unwrap_or_default(),
                enrolled: roster.len(),
                started: headline.map_or(0, |h| h.0 as usize),
                flagged,
                cohort,
            }
        })
        .collect();
    if !sees_people {
        flags.clear();
    }
    let registers = if actor.can(Permission::TakeAttendance) {
        Some(todays_registers(conn, actor)?)
    } else {
        None
    };
    Ok(Dashboard {
        registers,
        programmes,
        more_programmes,
        current,
        more_current,
        flags,
        due,
    })
}

/// Adds the cohort's people on a run of absences (still on the course) to `flags`, and
/// returns how many there are.
fn flag_absences(
    cohort: &Cohort,
    roster: &[&RosterEntry],
    marks: &CohortAttendance,
    flags: &mut Vec<Flag>,
) -> usize {
    let mut flagged = 0;
    for r in roster {
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
    flagged
}
