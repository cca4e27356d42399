//! The national data set (`pathways demo --national`, and the benchmarks' data): a
//! deterministic synthetic world bulk-loaded into an empty database. Every choice comes
//! from a hash of the row's id, so two loads at one scale hold the same rows on either
//! backend, and every row obeys the schema's constraints and foreign keys.
//!
//! At scale 1.0: 6,000 cohorts of 40 enrolments (240,000 people), 30 held sessions each
//! (7.2 million attendance rows), about half employed with their 13/26/52-week
//! checkpoints (about 126,000 jobs), some progressions, a stage history per enrolment and
//! a 1,600-postcode deprivation lookup. Organisations 1–3 (council, college, charity)
//! partner in every programme, each of 20 NHS trusts in 1/20 of them and each of 12
//! regional partnerships in 1/12, so a regional coordinator sees a realistic share.

mod cohorts;
mod enrolments;
mod jobs;
mod people;
mod plan;
mod world;

use chrono::{NaiveDate, NaiveDateTime, TimeDelta};
use diesel::QueryResult;

use super::{DemoLogin, demo_password, reset_passwords};
use crate::auth::password::hash_password;
use crate::db::{DbConnection, write_transaction};
use crate::error::AppError;
use crate::models::{User, bulk};
use crate::state::AppState;

pub use crate::models::bulk::Counts;

/// Cohorts at scale 1.0.
pub const COHORTS: f64 = 6_000.0;
/// Enrolments per cohort.
pub const PER_COHORT: i64 = 40;
/// Held sessions per cohort: six weeks, Monday to Friday.
pub const SESSIONS: i64 = 30;
/// Employer organisations (NHS trusts); ids 4.. after the council, college and charity.
const TRUSTS: i64 = 20;
/// Regional partnerships; ids after the trusts. Each partners in 1/REGIONS of programmes.
const REGIONS: i64 = 12;
/// Weeks over which cohort start dates are spread (from the first Monday of 2019).
const SPAN_WEEKS: i64 = 390;
/// The user ids the loader records as the coordinator and HR.
const COORDINATOR: i64 = 2;
const HR: i64 = 3;

/// A sign-in the national data set holds.
#[derive(Debug, Clone, Copy)]
pub struct Account {
    /// User id.
    pub id: i64,
    /// Role code.
    pub role: &'static str,
    /// Email (the sign-in name).
    pub email: &'static str,
    /// Full name.
    pub name: &'static str,
    /// Organisation id.
    pub organisation: i64,
}

/// Every role, and a second coordinator whose regional partnership partners in about
/// 1/12 of programmes (the first, at the National Council, partners in all of them).
pub const ACCOUNTS: [Account; 5] = [
    account(
        1,
        "admin",
        "admin@national.pathways.test",
        "National Administrator",
        1,
    ),
    account(
        COORDINATOR,
        "coordinator",
        "coordinator@national.pathways.test",
        "National Coordinator",
        1,
    ),
    account(HR, "hr", "hr@national.pathways.test", "Trust HR Officer", 4),
    account(
        4,
        "manager",
        "manager@national.pathways.test",
        "Programme Manager",
        1,
    ),
    account(
        5,
        "coordinator",
        "regional.coordinator@national.pathways.test",
        "Regional Coordinator",
        4 + TRUSTS,
    ),
];

const fn account(
    id: i64,
    role: &'static str,
    email: &'static str,
    name: &'static str,
    organisation: i64,
) -> Account {
    Account {
        id,
        role,
        email,
        name,
        organisation,
    }
}

/// The as-at date every measurement uses (the data set's "today").
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

/// Nine in the morning of `day`, when everything in the data set is recorded.
fn ts(day: NaiveDate) -> NaiveDateTime {
    day.and_hms_opt(9, 0, 0).expect("valid time")
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

    /// Progress steps [`load`] reports: one per cohort in each of five passes.
    pub fn steps(&self) -> u64 {
        5 * self.cohorts as u64
    }

    /// Ids of one cohort in the middle of programme 1, a programme every account's
    /// organisation partners in: for benchmarks and tests that open single pages.
    pub fn sample(&self) -> Sample {
        let cohort = self.cohorts / 2 / self.programmes * self.programmes + 1;
        Sample {
            programme: self.programme_of(cohort),
            cohort,
            session: plan::session_id(cohort, 0),
            participant: (cohort - 1) * PER_COHORT + 1,
        }
    }

    fn programme_of(&self, cohort: i64) -> i64 {
        (cohort - 1) % self.programmes + 1
    }

    fn starts_on(&self, cohort: i64) -> NaiveDate {
        first_monday() + TimeDelta::weeks((cohort - 1) * SPAN_WEEKS / self.cohorts)
    }
}

/// Ids of one cohort's rows, from [`Shape::sample`].
#[derive(Debug, Clone, Copy)]
pub struct Sample {
    /// The programme (always 1).
    pub programme: i64,
    /// A cohort of that programme.
    pub cohort: i64,
    /// Its first course session.
    pub session: i64,
    /// A resident enrolled in it.
    pub participant: i64,
}

/// Hears the name of the pass under way once per cohort it finishes.
pub type Progress<'a> = &'a mut dyn FnMut(&'static str);

/// Loads the whole world at `shape` into an empty, migrated database; call inside one
/// transaction. `password_hashes` go to [`ACCOUNTS`] in order.
pub fn load(
    conn: &mut DbConnection,
    shape: &Shape,
    password_hashes: &[String],
    progress: Progress<'_>,
) -> QueryResult<Counts> {
    let mut counts = Counts::new();
    world::organisations(conn, &mut counts)?;
    world::users(conn, password_hashes, &mut counts)?;
    world::programmes(conn, shape, &mut counts)?;
    cohorts::load(conn, shape, &mut counts, progress)?;
    people::load(conn, shape, &mut counts, progress)?;
    enrolments::load(conn, shape, &mut counts, progress)?;
    enrolments::attendance(conn, shape, &mut counts, progress)?;
    jobs::load(conn, shape, &mut counts, progress)?;
    bulk::after_load(conn)?;
    Ok(counts)
}

/// Loads the national data set at `scale` into an empty database, all of it or none, and
/// returns a login for every account, with fresh random passwords (printed only once).
/// When the national data set was loaded before, gives its accounts fresh passwords
/// instead (whatever the scale). Refuses a database that holds anything else.
pub async fn load_demo(
    state: &AppState,
    scale: f64,
    mut progress: impl FnMut(&'static str) + Send + 'static,
) -> anyhow::Result<Vec<DemoLogin>> {
    anyhow::ensure!(
        scale > 0.0 && scale.is_finite(),
        "the scale must be a number above 0"
    );
    let (empty, loaded) = state
        .db
        .run(|conn| {
            let loaded = User::find_by_email(conn, ACCOUNTS[0].email)?.is_some();
            Ok((bulk::is_empty(conn)?, loaded))
        })
        .await?;
    if loaded {
        let accounts = ACCOUNTS
            .iter()
            .map(|a| (a.role.to_owned(), a.email.to_owned()))
            .collect();
        return reset_passwords(state, accounts).await;
    }
    if !empty {
        anyhow::bail!(
            "the database already holds data, so the national demo was not loaded (use an empty database)"
        );
    }
    let mut logins = Vec::with_capacity(ACCOUNTS.len());
    let mut hashes = Vec::with_capacity(ACCOUNTS.len());
    for account in ACCOUNTS {
        let password = demo_password();
        hashes.push(hash_password(password.clone()).await?);
        logins.push(DemoLogin {
            role: account.role.to_owned(),
            email: account.email.to_owned(),
            password,
        });
    }
    let shape = Shape::at(scale);
    state
        .db
        .run(move |conn| {
            write_transaction(conn, |conn| {
                load(conn, &shape, &hashes, &mut progress).map_err(AppError::from)
            })?;
            Ok(bulk::settle(conn)?)
        })
        .await
        .map_err(|e| anyhow::Error::new(e).context("cannot load the national demo"))?;
    Ok(logins)
}
