//! What happens to each enrolment and each session, derived from ids alone, so every
//! table that mentions an enrolment (stage history, attendance, jobs) agrees about it
//! without holding the whole data set in memory.

use chrono::NaiveDate;

use super::{PER_COHORT, SESSIONS, Shape, as_at, days, pick};

/// Session `s` (0-based, 0..SESSIONS) of a cohort starting on `start`: weeks 1-2 at
/// college Monday to Friday, weeks 3-6 on placement Monday to Thursday, college Friday.
pub(super) fn session_day(start: NaiveDate, s: i64) -> NaiveDate {
    start + days(7 * (s / 5) + s % 5)
}

/// The id of session `s` of `cohort` (one spare id per cohort for the cancelled one).
pub(super) fn session_id(cohort: i64, s: i64) -> i64 {
    (cohort - 1) * (SESSIONS + 1) + s + 1
}

/// Every seventh cohort also has a cancelled Saturday catch-up in week 3 (no register).
pub(super) fn has_cancelled(cohort: i64) -> bool {
    cohort % 7 == 0
}

/// How an enrolment ends.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(super) enum Fate {
    NotStarted,
    /// Withdrew at this session index, having attended those before.
    Withdrawn(i64),
    /// Stage set to completed at the last session.
    Completed,
    /// Still `started`, attending poorly.
    Lingering,
}

/// A job found after (or instead of) the course.
#[derive(Debug, Clone, Copy)]
pub(super) struct Job {
    pub start: NaiveDate,
    pub end: Option<NaiveDate>,
}

/// What happens to one enrolment, derived from its id alone.
#[derive(Debug, Clone, Copy)]
pub(super) struct Plan {
    /// The enrolment's id, which is also its participant's.
    pub id: i64,
    pub cohort: i64,
    pub start: NaiveDate,
    pub last: NaiveDate,
    pub fate: Fate,
    pub found_job: bool,
    pub interviewed: Option<NaiveDate>,
    pub offered: Option<NaiveDate>,
    pub job: Option<Job>,
}

/// The plan of enrolment `k` (0-based) of `cohort`.
pub(super) fn plan(shape: &Shape, cohort: i64, k: i64) -> Plan {
    let id = (cohort - 1) * PER_COHORT + k + 1;
    let start = shape.starts_on(cohort);
    let last = session_day(start, SESSIONS - 1);
    let roll = pick(1, id, 100);
    let fate = match roll {
        0..5 => Fate::NotStarted,
        5..15 => Fate::Withdrawn(2 + pick(2, id, 12)),
        15..95 => Fate::Completed,
        _ => Fate::Lingering,
    };
    let found_job = matches!(fate, Fate::Withdrawn(_)) && pick(3, id, 100) < 30;
    let employed = found_job || (fate == Fate::Completed && pick(4, id, 100) < 62);
    let job_start = match fate {
        Fate::Withdrawn(s) => session_day(start, s) + days(7),
        _ => last + days(7 + pick(5, id, 120)),
    };
    let job = (employed && job_start <= as_at()).then(|| {
        let end = (pick(6, id, 100) < 20)
            .then(|| job_start + days(30 + pick(7, id, 600)))
            .filter(|d| *d <= as_at());
        Job {
            start: job_start,
            end,
        }
    });
    let interviewed = (fate == Fate::Completed && (job.is_some() || pick(8, id, 100) < 60))
        .then(|| last + days(3));
    let offered = (interviewed.is_some() && job.is_some()).then(|| last + days(5));
    Plan {
        id,
        cohort,
        start,
        last,
        fate,
        found_job,
        interviewed,
        offered,
        job,
    }
}

/// The attendance status code of `p` at session `s`.
pub(super) fn status(p: &Plan, s: i64) -> &'static str {
    let absent = match p.fate {
        Fate::NotStarted => true,
        Fate::Withdrawn(at) => s >= at,
        _ => false,
    };
    if absent {
        return "unauthorised_absence";
    }
    let r = pick(9, p.id * 64 + s, 100);
    let (present, late, authorised) = if p.fate == Fate::Lingering {
        (50, 60, 75)
    } else {
        (85, 90, 95)
    };
    match r {
        r if r < present => "present",
        r if r < late => "late",
        r if r < authorised => "authorised_absence",
        _ => "unauthorised_absence",
    }
}
