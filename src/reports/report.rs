//! The cohort report (one cohort's figures, funnel and breakdowns) and the programme
//! report (one line per cohort in range, then a total), both as at a date. Cohorts are
//! read in batches, so a programme report over thousands of cohorts holds one batch of
//! people in memory at a time.

use std::collections::BTreeMap;

use chrono::NaiveDate;
use diesel::prelude::*;

use super::facts::{self, CohortFacts, EnrolmentFacts};
use super::figures::{Figures, Outcome, Tally, outcome};
use crate::db::DbConnection;
use crate::models::equality::{DISABILITY, ETHNIC_GROUPS, SEXES};
use crate::schema::{cohorts, information_sessions, programme_partners};

type Db = <DbConnection as diesel::Connection>::Backend;

/// Cohorts read per batch.
pub const BATCH: usize = 200;

/// One line of a report: a cohort, or the total.
#[derive(Debug, Clone)]
pub struct ReportLine {
    /// Programme name ("All programmes" on a total over several).
    pub programme: String,
    /// Cohort name, or `TOTAL`.
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
    /// The headline: "49 started, 29 employed (59.2 %)."; while the course is still
    /// running and nobody has a job yet, when it ends instead of a rate of nought.
    pub fn headline(&self) -> String {
        let f = &self.figures;
        if f.started > 0 && f.employed == 0 && self.ends_on > self.as_at {
            return format!(
                "{} started; the course runs to {}.",
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

/// Which cohorts a programme report covers.
#[derive(Debug, Clone, Default)]
pub struct ProgrammeFilter {
    /// One programme, or all.
    pub programme_id: Option<i32>,
    /// Cohorts starting on or after.
    pub from: Option<NaiveDate>,
    /// Cohorts starting on or before.
    pub to: Option<NaiveDate>,
    /// The caller's organisation (`None` for admins and the command line).
    pub scope: Option<i32>,
}

fn line(c: &CohortFacts, as_at: NaiveDate, figures: Figures) -> ReportLine {
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

/// The cohorts a programme report covers (no order yet).
fn filtered(filter: &ProgrammeFilter) -> cohorts::BoxedQuery<'static, Db> {
    let mut query = cohorts::table.into_boxed();
    if let Some(p) = filter.programme_id {
        query = query.filter(cohorts::programme_id.eq(p));
    }
    if let Some(from) = filter.from {
        query = query.filter(cohorts::starts_on.ge(from));
    }
    if let Some(to) = filter.to {
        query = query.filter(cohorts::starts_on.le(to));
    }
    if let Some(org) = filter.scope {
        let mine = programme_partners::table
            .filter(programme_partners::organisation_id.eq(org))
            .select(programme_partners::programme_id);
        query = query.filter(cohorts::programme_id.eq_any(mine));
    }
    query
}

/// The ids of the cohorts a programme report covers, by start date then id.
pub fn cohorts_in(conn: &mut DbConnection, filter: &ProgrammeFilter) -> QueryResult<Vec<i32>> {
    filtered(filter)
        .select(cohorts::id)
        .order((cohorts::starts_on, cohorts::id))
        .load(conn)
}

/// A page of the cohorts a programme report covers: the keys `(starts_on, id)` of up to
/// `limit` of them after `after`, in the report's order.
pub fn cohort_keys(
    conn: &mut DbConnection,
    filter: &ProgrammeFilter,
    after: Option<(NaiveDate, i32)>,
    limit: i64,
) -> QueryResult<Vec<(NaiveDate, i32)>> {
    let mut query = filtered(filter).select((cohorts::starts_on, cohorts::id));
    if let Some((starts_on, id)) = after {
        query = query.filter(
            cohorts::starts_on
                .gt(starts_on)
                .or(cohorts::starts_on.eq(starts_on).and(cohorts::id.gt(id))),
        );
    }
    query
        .order((cohorts::starts_on, cohorts::id))
        .limit(limit)
        .load(conn)
}

/// The programme report: one line per cohort, then the total. `each` hears every line
/// as it is computed, so callers can stream them.
pub fn programme_report(
    conn: &mut DbConnection,
    ids: &[i32],
    as_at: NaiveDate,
    mut each: impl FnMut(&ReportLine),
) -> QueryResult<ReportLine> {
    let mut total = Tally::default();
    let mut outstanding = 0;
    let mut programmes: Vec<String> = Vec::new();
    let (mut first, mut last) = (None::<NaiveDate>, None::<NaiveDate>);
    for batch in ids.chunks(BATCH) {
        let facts = facts::load(conn, batch, as_at)?;
        let mut tallies: std::collections::HashMap<i32, Tally> = std::collections::HashMap::new();
        for (c, e, o) in outcomes(&facts, as_at) {
            tallies.entry(c.id).or_default().add(e, &o);
            total.add(e, &o);
        }
        for c in &facts.cohorts {
            let figures = tallies.remove(&c.id).unwrap_or_default().figures();
            each(&line(c, as_at, figures));
            outstanding += c.outstanding;
            if !programmes.contains(&c.programme) {
                programmes.push(c.programme.clone());
            }
            first = Some(first.map_or(c.starts_on, |d| d.min(c.starts_on)));
            last = Some(last.map_or(c.ends_on, |d| d.max(c.ends_on)));
        }
    }
    Ok(ReportLine {
        programme: match programmes.as_slice() {
            [one] => one.clone(),
            _ => "All programmes".to_owned(),
        },
        cohort: "TOTAL".to_owned(),
        cohort_id: None,
        starts_on: first.unwrap_or(as_at),
        ends_on: last.unwrap_or(as_at),
        as_at,
        figures: total.figures(),
        outstanding_registers: outstanding,
    })
}

/// The programme report of a filter: 404 (`NotFound`) for a programme the caller cannot
/// see, then every cohort's line through `each`, and the total.
pub fn programme_lines(
    conn: &mut DbConnection,
    filter: &ProgrammeFilter,
    as_at: NaiveDate,
    each: impl FnMut(&ReportLine),
) -> QueryResult<ReportLine> {
    check_visible(conn, filter)?;
    let ids = cohorts_in(conn, filter)?;
    programme_report(conn, &ids, as_at, each)
}

/// `NotFound` when the filter names a programme the caller cannot see.
pub fn check_visible(conn: &mut DbConnection, filter: &ProgrammeFilter) -> QueryResult<()> {
    match filter.programme_id {
        Some(p) => crate::models::Programme::find_visible(conn, p, filter.scope).map(drop),
        None => Ok(()),
    }
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
