//! Deterministic synthetic data at national scale, bulk-loaded with multi-row `INSERT`s
//! (test-data generation only: the app itself never writes like this). Every row obeys
//! the schema's CHECK constraints and foreign keys, and every choice comes from a hash of
//! the row's id, so two runs at one scale load the same database on either backend.
//!
//! At scale 1.0: 6,000 cohorts of 40 enrolments (240,000 people), 30 held sessions each
//! (7.2 million attendance rows), about half employed with their 13/26/52-week
//! checkpoints, some progressions, a stage history per enrolment and a 1,600-postcode
//! deprivation lookup.

use std::fmt::Write as _;

use chrono::{Datelike, NaiveDate, TimeDelta};
use diesel::QueryResult;
use diesel::connection::SimpleConnection;
use pathways::db::DbConnection;

/// Cohorts at scale 1.0.
pub const COHORTS: f64 = 6_000.0;
/// Enrolments per cohort.
pub const PER_COHORT: i64 = 40;
/// Held sessions per cohort: six weeks, Monday to Friday.
pub const SESSIONS: i64 = 30;
/// Rows per `INSERT` statement.
const ROWS_PER_INSERT: usize = 1_000;
/// Employer organisations (NHS trusts); ids 4.. after the council, college and charity.
const TRUSTS: i64 = 20;
/// Postcodes participants live at; four in five are in the deprivation lookup.
const POSTCODES: i64 = 2_000;
/// Weeks over which cohort start dates are spread (from the first Monday of 2019).
const SPAN_WEEKS: i64 = 390;
/// The user ids the loader records as the admin, coordinator and HR.
const COORDINATOR: i64 = 2;
const HR: i64 = 3;

/// The as-at date every measurement uses.
pub fn as_at() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 11, 20).expect("valid date")
}

fn first_monday() -> NaiveDate {
    NaiveDate::from_ymd_opt(2019, 1, 7).expect("valid date")
}

/// splitmix64: a cheap, well-mixed hash for deterministic choices.
fn mix(x: u64) -> u64 {
    let mut z = x.wrapping_add(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// A number in `0..n` chosen by `(salt, id)`.
fn pick(salt: u64, id: i64, n: i64) -> i64 {
    (mix(mix(salt) ^ id as u64) % n as u64) as i64
}

fn days(n: i64) -> TimeDelta {
    TimeDelta::days(n)
}

/// The size of the synthetic world.
#[derive(Debug, Clone, Copy)]
pub struct Shape {
    /// Cohorts.
    pub cohorts: i64,
    /// Programmes (about three cohorts a year each).
    pub programmes: i64,
}

impl Shape {
    /// The shape at `scale` (1.0 = national).
    pub fn at(scale: f64) -> Shape {
        let cohorts = ((COHORTS * scale).round() as i64).max(1);
        Shape {
            cohorts,
            // Three intakes a year over the 7.5 years: about 22 cohorts per programme.
            programmes: ((cohorts as f64 / 22.0).round() as i64).max(1),
        }
    }

    fn programme_of(&self, cohort: i64) -> i64 {
        (cohort - 1) % self.programmes + 1
    }

    fn starts_on(&self, cohort: i64) -> NaiveDate {
        first_monday() + TimeDelta::weeks((cohort - 1) * SPAN_WEEKS / self.cohorts)
    }
}

/// Session `s` (0-based, 0..SESSIONS) of a cohort starting on `start`: weeks 1-2 at
/// college Monday to Friday, weeks 3-6 on placement Monday to Thursday, college Friday.
fn session_day(start: NaiveDate, s: i64) -> NaiveDate {
    start + days(7 * (s / 5) + s % 5)
}

fn session_id(cohort: i64, s: i64) -> i64 {
    (cohort - 1) * (SESSIONS + 1) + s + 1
}

/// Every seventh cohort also has a cancelled Saturday catch-up in week 3 (no register).
fn has_cancelled(cohort: i64) -> bool {
    cohort % 7 == 0
}

#[derive(Debug, Clone, Copy, PartialEq)]
enum Fate {
    NotStarted,
    /// Withdrew at this session index, having attended those before.
    Withdrawn(i64),
    /// Stage set to completed at the last session.
    Completed,
    /// Still `started`, attending poorly.
    Lingering,
}

#[derive(Debug, Clone, Copy)]
struct Job {
    start: NaiveDate,
    end: Option<NaiveDate>,
}

/// What happens to one enrolment, derived from its id alone.
#[derive(Debug, Clone, Copy)]
struct Plan {
    id: i64,
    cohort: i64,
    start: NaiveDate,
    last: NaiveDate,
    fate: Fate,
    found_job: bool,
    interviewed: Option<NaiveDate>,
    offered: Option<NaiveDate>,
    job: Option<Job>,
}

fn plan(shape: &Shape, cohort: i64, k: i64) -> Plan {
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

fn status(p: &Plan, s: i64) -> &'static str {
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

fn postcode(j: i64) -> String {
    let (area, sector, unit) = (j / 100, j / 10 % 10, j % 10);
    let first = (b'A' + unit as u8) as char;
    let second = (b'B' + (unit * 7 % 20) as u8) as char;
    format!("LS{} {sector}{first}{second}", area + 1)
}

fn ts(day: NaiveDate) -> String {
    format!("{day} 09:00:00")
}

fn opt_date(day: Option<NaiveDate>) -> String {
    day.map_or_else(|| "NULL".to_owned(), |d| format!("'{d}'"))
}

/// Collects rows of one table into multi-row `INSERT` statements and runs each when full.
struct Inserter {
    table: &'static str,
    columns: &'static str,
    sql: String,
    pending: usize,
    total: u64,
}

impl Inserter {
    fn new(table: &'static str, columns: &'static str) -> Inserter {
        Inserter {
            table,
            columns,
            sql: String::with_capacity(256 * ROWS_PER_INSERT),
            pending: 0,
            total: 0,
        }
    }

    /// Adds one row; `values` is the SQL inside the parentheses.
    fn row(&mut self, conn: &mut DbConnection, values: std::fmt::Arguments<'_>) -> QueryResult<()> {
        if self.pending == 0 {
            self.sql.clear();
            let _ = write!(
                self.sql,
                "INSERT INTO {} ({}) VALUES ",
                self.table, self.columns
            );
        } else {
            self.sql.push(',');
        }
        self.sql.push('(');
        let _ = self.sql.write_fmt(values);
        self.sql.push(')');
        self.pending += 1;
        self.total += 1;
        if self.pending == ROWS_PER_INSERT {
            self.flush(conn)?;
        }
        Ok(())
    }

    /// Adds one row that references rows of `parent`, writing the parent's pending rows
    /// first whenever this one is about to be written, so foreign keys always hold.
    fn row_under(
        &mut self,
        parent: &mut Inserter,
        conn: &mut DbConnection,
        values: std::fmt::Arguments<'_>,
    ) -> QueryResult<()> {
        if self.pending + 1 == ROWS_PER_INSERT {
            parent.flush(conn)?;
        }
        self.row(conn, values)
    }

    fn flush(&mut self, conn: &mut DbConnection) -> QueryResult<()> {
        if self.pending > 0 {
            conn.batch_execute(&self.sql)?;
            self.pending = 0;
        }
        Ok(())
    }

    fn finish(mut self, conn: &mut DbConnection, counts: &mut Counts) -> QueryResult<()> {
        self.flush(conn)?;
        counts.push((self.table, self.total));
        Ok(())
    }
}

/// Rows loaded per table.
pub type Counts = Vec<(&'static str, u64)>;

const GIVEN: [&str; 16] = [
    "Aisha", "Ben", "Chloe", "Daniel", "Emma", "Farhan", "Grace", "Harry", "Imran", "Jade",
    "Kieran", "Leah", "Mohammed", "Niamh", "Oliver", "Priya",
];
const FAMILY: [&str; 16] = [
    "Ahmed", "Brown", "Clarke", "Davies", "Evans", "Fletcher", "Green", "Hussain", "Iqbal",
    "Jones", "Khan", "Lewis", "Murphy", "Nowak", "Patel", "Smith",
];
const NEIGHBOURHOODS: [&str; 10] = [
    "Lincoln Green",
    "Burmantofts",
    "Harehills",
    "Seacroft",
    "Gipton",
    "Beeston",
    "Holbeck",
    "Armley",
    "Chapeltown",
    "Middleton",
];
const ETHNIC: [&str; 6] = [
    "white_british",
    "asian_pakistani",
    "black_african",
    "mixed_other",
    "white_other",
    "prefer_not_to_say",
];

/// Loads the whole synthetic world at `shape`; call inside one transaction.
pub fn load(conn: &mut DbConnection, shape: &Shape) -> QueryResult<Counts> {
    let mut counts = Counts::new();
    organisations_and_users(conn, &mut counts)?;
    programmes(conn, shape, &mut counts)?;
    cohorts_and_sessions(conn, shape, &mut counts)?;
    people(conn, shape, &mut counts)?;
    enrolments(conn, shape, &mut counts)?;
    attendance(conn, shape, &mut counts)?;
    jobs(conn, shape, &mut counts)?;
    Ok(counts)
}

fn organisations_and_users(conn: &mut DbConnection, counts: &mut Counts) -> QueryResult<()> {
    let created = ts(first_monday());
    let mut orgs = Inserter::new("organisations", "id, name, kind, created_at");
    for (id, name, kind) in [
        (1, "National Council", "council"),
        (2, "National College", "college"),
        (3, "Learning Charity", "charity"),
    ] {
        orgs.row(conn, format_args!("{id}, '{name}', '{kind}', '{created}'"))?;
    }
    for t in 0..TRUSTS {
        let id = 4 + t;
        orgs.row(
            conn,
            format_args!("{id}, 'Teaching Hospitals Trust {t:02}', 'nhs_trust', '{created}'"),
        )?;
    }
    orgs.finish(conn, counts)?;
    let mut users = Inserter::new(
        "users",
        "id, organisation_id, email, name, role, password_hash, must_change_password, created_at, updated_at",
    );
    for (id, org, role) in [
        (1, 1, "admin"),
        (COORDINATOR, 1, "coordinator"),
        (HR, 4, "hr"),
    ] {
        users.row(
            conn,
            format_args!(
                "{id}, {org}, '{role}@bench.invalid', 'Bench {role}', '{role}', 'not-a-hash', FALSE, '{created}', '{created}'"
            ),
        )?;
    }
    users.finish(conn, counts)
}

fn programmes(conn: &mut DbConnection, shape: &Shape, counts: &mut Counts) -> QueryResult<()> {
    let created = ts(first_monday());
    let mut rows = Inserter::new(
        "programmes",
        "id, name, description, completion_threshold, created_at, updated_at",
    );
    let mut partners = Inserter::new("programme_partners", "programme_id, organisation_id");
    for p in 1..=shape.programmes {
        rows.row(
            conn,
            format_args!("{p}, 'Health and Care Careers {p:03}', '', 80, '{created}', '{created}'"),
        )?;
        for org in [1, 2, 3, 4 + (p - 1) % TRUSTS] {
            partners.row_under(&mut rows, conn, format_args!("{p}, {org}"))?;
        }
    }
    rows.finish(conn, counts)?;
    partners.finish(conn, counts)
}

fn cohorts_and_sessions(
    conn: &mut DbConnection,
    shape: &Shape,
    counts: &mut Counts,
) -> QueryResult<()> {
    let mut cohorts = Inserter::new(
        "cohorts",
        "id, programme_id, name, starts_on, weeks, capacity, venue, status, created_at, updated_at",
    );
    let mut info = Inserter::new(
        "information_sessions",
        "id, programme_id, held_on, venue, head_count, created_at",
    );
    let mut sessions = Inserter::new(
        "course_sessions",
        "id, cohort_id, held_on, week_number, kind, topic, cancelled, created_at, updated_at",
    );
    for c in 1..=shape.cohorts {
        let p = shape.programme_of(c);
        let start = shape.starts_on(c);
        let created = ts(start - days(60));
        cohorts.row(
            conn,
            format_args!(
                "{c}, {p}, 'Cohort {c:05} ({} {})', '{start}', 6, {PER_COHORT}, 'Hospital Training Centre', 'finished', '{created}', '{created}'",
                start.format("%B"),
                start.year()
            ),
        )?;
        for (n, before) in [(0, 28), (1, 14)] {
            let id = 2 * (c - 1) + n + 1;
            let held = start - days(before);
            let heads = 10 + pick(10, id, 25);
            info.row(
                conn,
                format_args!(
                    "{id}, {p}, '{held}', 'Community Hub', {heads}, '{}'",
                    ts(held)
                ),
            )?;
        }
        for s in 0..SESSIONS {
            let (week, weekday) = (s / 5 + 1, s % 5);
            let kind = if week <= 2 || weekday == 4 {
                "college"
            } else {
                "placement"
            };
            sessions.row_under(
                &mut cohorts,
                conn,
                format_args!(
                    "{}, {c}, '{}', {week}, '{kind}', 'Day {}', FALSE, '{created}', '{created}'",
                    session_id(c, s),
                    session_day(start, s),
                    s + 1
                ),
            )?;
        }
        if has_cancelled(c) {
            sessions.row_under(
                &mut cohorts,
                conn,
                format_args!(
                    "{}, {c}, '{}', 3, 'college', 'Catch-up (cancelled)', TRUE, '{created}', '{created}'",
                    session_id(c, SESSIONS),
                    start + days(14 + 5)
                ),
            )?;
        }
    }
    cohorts.finish(conn, counts)?;
    info.finish(conn, counts)?;
    sessions.finish(conn, counts)
}

fn people(conn: &mut DbConnection, shape: &Shape, counts: &mut Counts) -> QueryResult<()> {
    let mut lookup = Inserter::new(
        "deprivation_lookup",
        "postcode, lsoa_code, neighbourhood, imd_decile, edition",
    );
    for j in (0..POSTCODES).filter(|j| j % 5 != 4) {
        let decile = 1 + pick(11, j, 4) + pick(12, j, 3) * pick(13, j, 3);
        lookup.row(
            conn,
            format_args!(
                "'{}', 'E0101{:04}', '{}', {decile}, 'IoD2019'",
                postcode(j),
                j / 4,
                NEIGHBOURHOODS[(j / 100 % 10) as usize]
            ),
        )?;
    }
    lookup.finish(conn, counts)?;
    let mut people = Inserter::new(
        "participants",
        "id, owner_organisation_id, given_name, family_name, given_name_key, family_name_key, \
         date_of_birth, postcode, phone, email, neighbourhood, referral_source, employment_status, \
         months_unemployed, benefit_status, consent_given_on, lawful_basis, created_at, updated_at",
    );
    let mut equality = Inserter::new(
        "equality_monitoring",
        "participant_id, ethnic_group, sex, disability, consent_given_on, recorded_at, recorded_by_user_id",
    );
    for c in 1..=shape.cohorts {
        let start = shape.starts_on(c);
        let joined = start - days(30);
        for k in 0..PER_COHORT {
            let id = (c - 1) * PER_COHORT + k + 1;
            let given = GIVEN[pick(14, id, 16) as usize];
            let family = FAMILY[pick(15, id, 16) as usize];
            let born = start - days(365 * (17 + pick(16, id, 45)) + pick(17, id, 365));
            let j = pick(18, id, POSTCODES);
            let neighbourhood = if j % 5 == 4 {
                "NULL".to_owned()
            } else {
                format!("'{}'", NEIGHBOURHOODS[(j / 100 % 10) as usize])
            };
            people.row(
                conn,
                format_args!(
                    "{id}, 1, '{given}', '{family}', '{}', '{}', '{born}', '{}', '0113 496 {:04}', NULL, {neighbourhood}, \
                     'jobcentre', 'unemployed', {}, 'universal_credit', '{joined}', 'public_task', '{}', '{}'",
                    given.to_lowercase(),
                    family.to_lowercase(),
                    postcode(j),
                    id % 10_000,
                    pick(19, id, 36),
                    ts(joined),
                    ts(joined)
                ),
            )?;
            if pick(20, id, 10) < 7 {
                equality.row_under(
                    &mut people,
                    conn,
                    format_args!(
                        "{id}, '{}', '{}', '{}', '{joined}', '{}', {COORDINATOR}",
                        ETHNIC[pick(21, id, 6) as usize],
                        ["female", "male", "prefer_not_to_say"][pick(22, id, 3) as usize],
                        ["yes", "no", "no", "no", "prefer_not_to_say"][pick(23, id, 5) as usize],
                        ts(joined)
                    ),
                )?;
            }
        }
    }
    people.finish(conn, counts)?;
    equality.finish(conn, counts)
}

fn enrolments(conn: &mut DbConnection, shape: &Shape, counts: &mut Counts) -> QueryResult<()> {
    let mut rows = Inserter::new(
        "enrolments",
        "id, participant_id, cohort_id, stage, withdrawal_reason, withdrawn_on, interviewed_on, \
         offered_on, created_at, updated_at",
    );
    let mut changes = Inserter::new(
        "enrolment_stage_changes",
        "id, enrolment_id, from_stage, to_stage, changed_on, changed_at, changed_by_user_id",
    );
    let mut change_id = 0;
    for c in 1..=shape.cohorts {
        for k in 0..PER_COHORT {
            let p = plan(shape, c, k);
            let mut history: Vec<(&str, &str, NaiveDate)> = vec![
                ("NULL", "applied", p.start - days(30)),
                ("'applied'", "accepted", p.start - days(10)),
            ];
            let (mut reason, mut withdrawn_on) = ("NULL", None);
            match p.fate {
                Fate::NotStarted => history.push(("'accepted'", "not_started", p.start + days(3))),
                fate => {
                    history.push(("'accepted'", "started", p.start));
                    if let Fate::Withdrawn(s) = fate {
                        let day = session_day(p.start, s);
                        history.push(("'started'", "withdrawn", day));
                        withdrawn_on = Some(day);
                        reason = if p.found_job {
                            "'found_employment'"
                        } else {
                            ["'health'", "'caring_responsibilities'", "'lost_contact'"]
                                [pick(24, p.id, 3) as usize]
                        };
                    } else if fate == Fate::Completed {
                        history.push(("'started'", "completed", p.last));
                    }
                }
            }
            let (_, stage, updated) = *history.last().expect("at least one change");
            rows.row(
                conn,
                format_args!(
                    "{}, {}, {}, '{stage}', {reason}, {}, {}, {}, '{}', '{}'",
                    p.id,
                    p.id,
                    p.cohort,
                    opt_date(withdrawn_on),
                    opt_date(p.interviewed),
                    opt_date(p.offered),
                    ts(p.start - days(30)),
                    ts(updated)
                ),
            )?;
            for (from, to, day) in history {
                change_id += 1;
                changes.row_under(
                    &mut rows,
                    conn,
                    format_args!(
                        "{change_id}, {}, {from}, '{to}', '{day}', '{}', {COORDINATOR}",
                        p.id,
                        ts(day)
                    ),
                )?;
            }
        }
    }
    rows.finish(conn, counts)?;
    changes.finish(conn, counts)
}

fn attendance(conn: &mut DbConnection, shape: &Shape, counts: &mut Counts) -> QueryResult<()> {
    let mut rows = Inserter::new(
        "attendance",
        "id, course_session_id, enrolment_id, status, recorded_at, recorded_by_user_id",
    );
    let mut id = 0;
    for c in 1..=shape.cohorts {
        let plans: Vec<Plan> = (0..PER_COHORT).map(|k| plan(shape, c, k)).collect();
        for s in 0..SESSIONS {
            let recorded = ts(session_day(plans[0].start, s));
            let session = session_id(c, s);
            for p in &plans {
                id += 1;
                rows.row(
                    conn,
                    format_args!(
                        "{id}, {session}, {}, '{}', '{recorded}', {COORDINATOR}",
                        p.id,
                        status(p, s)
                    ),
                )?;
            }
        }
    }
    rows.finish(conn, counts)
}

fn jobs(conn: &mut DbConnection, shape: &Shape, counts: &mut Counts) -> QueryResult<()> {
    let mut jobs = Inserter::new(
        "employments",
        "id, participant_id, enrolment_id, employer_organisation_id, site, job_title, staff_group, \
         band, hours_per_week, contract, start_date, end_date, end_reason, created_at, updated_at",
    );
    let mut checks = Inserter::new(
        "checkpoints",
        "id, employment_id, weeks, due_on, status, verified_on, verified_by_user_id, recorded_at",
    );
    let mut steps = Inserter::new(
        "progressions",
        "id, employment_id, effective_on, kind, job_title, band, staff_group, notes, created_at, created_by_user_id",
    );
    let (mut job_id, mut check_id, mut step_id) = (0, 0, 0);
    let today = as_at();
    for c in 1..=shape.cohorts {
        let employer = 4 + (shape.programme_of(c) - 1) % TRUSTS;
        for k in 0..PER_COHORT {
            let p = plan(shape, c, k);
            let Some(job) = p.job else { continue };
            job_id += 1;
            let porter = pick(25, p.id, 2) == 0;
            let (title, reason) = if porter {
                ("Porter", "'resigned'")
            } else {
                ("Ward Housekeeper", "'moved_employer'")
            };
            jobs.row(
                conn,
                format_args!(
                    "{job_id}, {}, {}, {employer}, 'Hospital {:02}', '{title}', 'estates_and_facilities', 2, 37.5, '{}', \
                     '{}', {}, {}, '{}', '{}'",
                    p.id,
                    p.id,
                    employer - 3,
                    ["permanent", "fixed_term", "bank"][pick(26, p.id, 3) as usize],
                    job.start,
                    opt_date(job.end),
                    if job.end.is_some() { reason } else { "NULL" },
                    ts(job.start),
                    ts(job.start)
                ),
            )?;
            for weeks in [13, 26, 52] {
                check_id += 1;
                let due = job.start + TimeDelta::weeks(weeks);
                if due > today {
                    checks.row_under(
                        &mut jobs,
                        conn,
                        format_args!(
                            "{check_id}, {job_id}, {weeks}, '{due}', NULL, NULL, NULL, NULL"
                        ),
                    )?;
                    continue;
                }
                let verified = (due + days(pick(27, check_id, 14))).min(today);
                let status = if job.end.is_some_and(|end| end < due) {
                    "left"
                } else if pick(28, check_id, 100) < 5 {
                    "unable_to_contact"
                } else {
                    "in_post"
                };
                checks.row_under(
                    &mut jobs,
                    conn,
                    format_args!(
                        "{check_id}, {job_id}, {weeks}, '{due}', '{status}', '{verified}', {HR}, '{}'",
                        ts(verified)
                    ),
                )?;
            }
            let on = job.start + days(200 + pick(29, p.id, 300));
            let in_job = job.end.is_none_or(|end| end > on);
            if pick(30, p.id, 100) < 15 && on <= today && in_job {
                let (kind, title, band, group) = match pick(31, p.id, 3) {
                    0 => ("role_change", "'Ward Clerk'", "3", "'admin_and_clerical'"),
                    1 => (
                        "staff_group_change",
                        "'Healthcare Assistant'",
                        "3",
                        "'additional_clinical_services'",
                    ),
                    _ => ("band_increase", "NULL", "3", "NULL"),
                };
                step_id += 1;
                steps.row_under(
                    &mut jobs,
                    conn,
                    format_args!(
                        "{step_id}, {job_id}, '{on}', '{kind}', {title}, {band}, {group}, '', '{}', {HR}",
                        ts(on)
                    ),
                )?;
            }
        }
    }
    jobs.finish(conn, counts)?;
    checks.finish(conn, counts)?;
    steps.finish(conn, counts)
}
