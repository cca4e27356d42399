//! The cohort report (one cohort's figures, funnel and breakdowns) as at a date, and the
//! line every report is made of (a cohort, or a total); the programme report is in
//! `super::programme` and re-exported here, where its callers have always found it.

use std::collections::BTreeMap;

use chrono::NaiveDate;
use diesel::prelude::*;

use super::facts::{self, CohortFacts, EnrolmentFacts};
use super::figures::{EMPLOYED_WITHIN, Figures, Outcome, Tally, outcome};
use crate::db::DbConnection;
use crate::models::equality::{DISABILITY, ETHNIC_GROUPS, SEXES};
use crate::schema::{cohorts, information_sessions};

pub use super::programme::{
    ProgrammeFilter, Totals, check_visible, cohort_keys, cohorts_in, programme_lines,
    programme_report, programme_totals,
};

/// Cohorts read per batch.
pub const BATCH: usize = 200;

/// The cohort column of the total over every cohort.
pub const TOTAL: &str = "TOTAL";
/// The cohort column of the total over the cohorts whose outcome window has closed.
pub const TOTAL_CLOSED: &str = "TOTAL_CLOSED";

/// One line of a report: a cohort, or a total.
#[derive(Debug, Clone)]
pub struct ReportLine {
    /// Programme name ("All programmes" on a total over several).
    pub programme: String,
    /// Cohort name, or `TOTAL` / `TOTAL_CLOSED`.
    pub cohort: String,
    /// The cohort id (none on a total).
    pub cohort_id: Option<i32>,
    /// First day (earliest, on a total).
    pub starts_on: NaiveDate,
    /// Last session (latest, on a total).
    pub ends_on: NaiveDate,
    /// The as-at date.
    pub as_at: NaiveDate,
    /// The figures.
    pub figures: Figures,
    /// Registers outstanding as at the date (sessions before it, not cancelled, never
    /// taken): shown on the pages beside the figures, not a CSV column.
    pub outstanding_registers: i64,
}

impl ReportLine {
    /// The headline: "55 referred, 49 started, 29 employed (59.2 %)."; while the course
    /// is still running and nobody has a job yet, when it ends instead of a rate of nought.
    pub fn headline(&self) -> String {
        let f = &self.figures;
        if f.started > 0 && f.employed == 0 && self.ends_on > self.as_at {
            return format!(
                "{} referred, {} started; the course runs to {}.",
                f.referred,
                f.started,
                self.ends_on.format("%-d %B %Y")
            );
        }
        f.headline()
    }

    /// True while the course has sessions to come.
    pub fn running(&self) -> bool {
        self.ends_on > self.as_at
    }

    /// The day the outcome window closes: 26 weeks after the last session, the window
    /// a job must start in to count as *employed* (on a total, after the latest one).
    pub fn window_closes_on(&self) -> NaiveDate {
        window_closes_on(self.ends_on)
    }

    /// True once the outcome window has closed as at the report's date: on that day no
    /// later job can count any more, so the employment rate is final.
    pub fn closed(&self) -> bool {
        self.window_closes_on() <= self.as_at
    }
}

/// The day a cohort whose last session is `ends_on` has its outcome window close.
pub fn window_closes_on(ends_on: NaiveDate) -> NaiveDate {
    ends_on + EMPLOYED_WITHIN
}

/// One group of a breakdown.
#[derive(Debug, Clone)]
pub struct Group {
    /// What the group is (e.g. "Lincoln Green", "16–24").
    pub label: String,
    /// Its figures.
    pub figures: Figures,
}

/// A breakdown of a cohort's people by one characteristic.
#[derive(Debug, Clone)]
pub struct Breakdown {
    /// Machine name (`neighbourhood`, `imd_decile`, `age_band`, `sex`, `ethnic_group`,
    /// `disability`).
    pub key: &'static str,
    /// Heading.
    pub title: &'static str,
    /// The groups, in a stable order.
    pub groups: Vec<Group>,
}

/// A cohort's report.
#[derive(Debug, Clone)]
pub struct CohortReport {
    /// The figures line.
    pub line: ReportLine,
    /// Information session attendance in the cohort's recruitment window.
    pub information_session_attendees: i64,
    /// Breakdowns (equality ones only when asked for).
    pub breakdowns: Vec<Breakdown>,
}

/// A cohort's line of figures.
pub(super) fn line(c: &CohortFacts, as_at: NaiveDate, figures: Figures) -> ReportLine {
    ReportLine {
        programme: c.programme.clone(),
        cohort: c.name.clone(),
        cohort_id: Some(c.id),
        starts_on: c.starts_on,
        ends_on: c.ends_on,
        as_at,
        figures,
        outstanding_registers: c.outstanding,
    }
}

/// The outcomes of every enrolment in the facts, with its cohort.
pub fn outcomes(
    facts: &facts::Facts,
    as_at: NaiveDate,
) -> Vec<(&CohortFacts, &EnrolmentFacts, Outcome)> {
    let by_id: std::collections::HashMap<i32, &CohortFacts> =
        facts.cohorts.iter().map(|c| (c.id, c)).collect();
    facts
        .enrolments
        .iter()
        .filter_map(|e| {
            let c = *by_id.get(&e.cohort_id)?;
            Some((c, e, outcome(c, e, as_at)))
        })
        .collect()
}

/// The report of one cohort (already checked visible) as at `as_at`.
pub fn cohort_report(
    conn: &mut DbConnection,
    cohort_id: i32,
    as_at: NaiveDate,
    with_equality: bool,
) -> QueryResult<CohortReport> {
    let facts = facts::load(conn, &[cohort_id], as_at)?;
    let cohort = facts
        .cohorts
        .first()
        .ok_or(diesel::result::Error::NotFound)?;
    let rows = outcomes(&facts, as_at);
    let mut tally = Tally::default();
    for (_, e, o) in &rows {
        tally.add(e, o);
    }
    Ok(CohortReport {
        line: line(cohort, as_at, tally.figures()),
        information_session_attendees: recruitment_attendance(conn, cohort, as_at)?,
        breakdowns: breakdowns(&rows, with_equality),
    })
}

/// Head counts of the programme's information sessions held after the previous cohort's
/// start and on or before this cohort's start (and the as-at date).
fn recruitment_attendance(
    conn: &mut DbConnection,
    c: &CohortFacts,
    as_at: NaiveDate,
) -> QueryResult<i64> {
    let previous: Option<NaiveDate> = cohorts::table
        .filter(cohorts::programme_id.eq(c.programme_id))
        .filter(cohorts::starts_on.lt(c.starts_on))
        .select(diesel::dsl::max(cohorts::starts_on))
        .first(conn)?;
    let mut query = information_sessions::table
        .filter(information_sessions::programme_id.eq(c.programme_id))
        .filter(information_sessions::held_on.le(c.starts_on.min(as_at)))
        .select(information_sessions::head_count)
        .into_boxed();
    if let Some(previous) = previous {
        query = query.filter(information_sessions::held_on.gt(previous));
    }
    Ok(query.load::<i32>(conn)?.into_iter().map(i64::from).sum())
}

/// Age band at the cohort's start.
pub fn age_band(dob: NaiveDate, on: NaiveDate) -> &'static str {
    match crate::domain::age::years(dob, on) {
        ..=24 => "16-24",
        25..=34 => "25-34",
        35..=49 => "35-49",
        50..=64 => "50-64",
        _ => "65 and over",
    }
}

fn coded(options: &[(&'static str, &'static str)], code: Option<&str>) -> String {
    match code {
        None => "Not answered".to_owned(),
        Some(c) => crate::models::equality::label(options, Some(c)).to_owned(),
    }
}

type Key = fn(&CohortFacts, &EnrolmentFacts) -> String;

/// The six breakdowns; the last three are equality monitoring.
const DIMENSIONS: [(&str, &str, bool, Key); 6] = [
    ("neighbourhood", "Neighbourhood", false, |_, e| {
        e.neighbourhood
            .clone()
            .unwrap_or_else(|| "Not known".into())
    }),
    (
        "imd_decile",
        "IMD decile (1 = most deprived)",
        false,
        |_, e| {
            e.imd_decile
                .map_or_else(|| "Not known".into(), |d| format!("{d:02}"))
        },
    ),
    ("age_band", "Age at the start", false, |c, e| {
        if e.erased {
            "Not known".to_owned()
        } else {
            age_band(e.date_of_birth, c.starts_on).to_owned()
        }
    }),
    ("sex", "Sex", true, |_, e| coded(&SEXES, e.sex.as_deref())),
    ("ethnic_group", "Ethnic group", true, |_, e| {
        coded(&ETHNIC_GROUPS, e.ethnic_group.as_deref())
    }),
    ("disability", "Disability", true, |_, e| {
        coded(&DISABILITY, e.disability.as_deref())
    }),
];

fn breakdowns(
    rows: &[(&CohortFacts, &EnrolmentFacts, Outcome)],
    with_equality: bool,
) -> Vec<Breakdown> {
    DIMENSIONS
        .iter()
        .filter(|(_, _, equality, _)| with_equality || !equality)
        .map(|(key, title, _, group_of)| {
            let mut groups: BTreeMap<String, Tally> = BTreeMap::new();
            for (c, e, o) in rows {
                groups.entry(group_of(c, e)).or_default().add(e, o);
            }
            Breakdown {
                key,
                title,
                groups: groups
                    .into_iter()
                    .map(|(label, t)| Group {
                        label,
                        figures: t.figures(),
                    })
                    .collect(),
            }
        })
        .collect()
}

/// A count as published: 1 to 4 become `<5` when `publishable`; nothing else changes.
pub fn published(count: i64, publishable: bool) -> String {
    if publishable && (1..5).contains(&count) {
        "<5".to_owned()
    } else {
        count.to_string()
    }
}
