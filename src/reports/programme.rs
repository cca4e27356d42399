//! The programme report: which cohorts a filter covers (all of them, or a page by
//! `(starts_on, id)`), one line per cohort, and its two totals, `TOTAL` over every
//! cohort and `TOTAL_CLOSED` over those whose outcome window has closed. Cohorts are
//! read in batches, so a report over thousands of cohorts holds one batch of people in
//! memory at a time, and both totals come from the same pass.

use chrono::NaiveDate;
use diesel::prelude::*;

use super::facts;
use super::figures::Tally;
use super::report::{BATCH, ReportLine, TOTAL, TOTAL_CLOSED, line, outcomes, window_closes_on};
use crate::db::DbConnection;
use crate::reports::facts::CohortFacts;
use crate::schema::{cohorts, programme_partners};

type Db = <DbConnection as diesel::Connection>::Backend;

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

/// A programme report's two totals: over every cohort (`TOTAL`) and over the cohorts
/// whose outcome window has closed as at the date (`TOTAL_CLOSED`), which the headline
/// rate and the charts use so that a cohort still running does not drag them down.
#[derive(Debug, Clone)]
pub struct Totals {
    /// Every cohort of the report.
    pub total: ReportLine,
    /// The closed cohorts only.
    pub closed: ReportLine,
}

impl Totals {
    /// The two total lines in the order the CSV, JSON and text list them.
    pub fn lines(&self) -> [&ReportLine; 2] {
        [&self.total, &self.closed]
    }
}

/// A total being summed: the tally of people, the registers outstanding, the
/// programmes seen and the span of dates.
#[derive(Default)]
struct Summing {
    tally: Tally,
    outstanding: i64,
    programmes: Vec<String>,
    first: Option<NaiveDate>,
    last: Option<NaiveDate>,
}

impl Summing {
    /// Adds a cohort (its people are added to `tally` by the caller).
    fn cohort(&mut self, c: &CohortFacts) {
        self.outstanding += c.outstanding;
        if !self.programmes.contains(&c.programme) {
            self.programmes.push(c.programme.clone());
        }
        self.first = Some(self.first.map_or(c.starts_on, |d| d.min(c.starts_on)));
        self.last = Some(self.last.map_or(c.ends_on, |d| d.max(c.ends_on)));
    }

    /// The total line named `name`.
    fn line(self, name: &str, as_at: NaiveDate) -> ReportLine {
        ReportLine {
            programme: match self.programmes.as_slice() {
                [one] => one.clone(),
                _ => "All programmes".to_owned(),
            },
            cohort: name.to_owned(),
            cohort_id: None,
            starts_on: self.first.unwrap_or(as_at),
            ends_on: self.last.unwrap_or(as_at),
            as_at,
            figures: self.tally.figures(),
            outstanding_registers: self.outstanding,
        }
    }
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
    each: impl FnMut(&ReportLine),
) -> QueryResult<ReportLine> {
    programme_totals(conn, ids, as_at, each).map(|t| t.total)
}

/// The programme report: one line per cohort through `each` as it is computed (so
/// callers can stream them), then both totals. The closed total is summed in the same
/// pass over the same facts, so it costs no query more than `TOTAL` alone.
pub fn programme_totals(
    conn: &mut DbConnection,
    ids: &[i32],
    as_at: NaiveDate,
    mut each: impl FnMut(&ReportLine),
) -> QueryResult<Totals> {
    let (mut total, mut closed) = (Summing::default(), Summing::default());
    for batch in ids.chunks(BATCH) {
        let facts = facts::load(conn, batch, as_at)?;
        let is_closed: std::collections::HashMap<i32, bool> = facts
            .cohorts
            .iter()
            .map(|c| (c.id, window_closes_on(c.ends_on) <= as_at))
            .collect();
        let mut tallies: std::collections::HashMap<i32, Tally> = std::collections::HashMap::new();
        for (c, e, o) in outcomes(&facts, as_at) {
            tallies.entry(c.id).or_default().add(e, &o);
            total.tally.add(e, &o);
            if is_closed[&c.id] {
                closed.tally.add(e, &o);
            }
        }
        for c in &facts.cohorts {
            let figures = tallies.remove(&c.id).unwrap_or_default().figures();
            each(&line(c, as_at, figures));
            total.cohort(c);
            if is_closed[&c.id] {
                closed.cohort(c);
            }
        }
    }
    Ok(Totals {
        total: total.line(TOTAL, as_at),
        closed: closed.line(TOTAL_CLOSED, as_at),
    })
}

/// The programme report of a filter: 404 (`NotFound`) for a programme the caller cannot
/// see, then every cohort's line through `each`, and the two totals.
pub fn programme_lines(
    conn: &mut DbConnection,
    filter: &ProgrammeFilter,
    as_at: NaiveDate,
    each: impl FnMut(&ReportLine),
) -> QueryResult<Totals> {
    check_visible(conn, filter)?;
    let ids = cohorts_in(conn, filter)?;
    programme_totals(conn, &ids, as_at, each)
}

/// `NotFound` when the filter names a programme the caller cannot see.
pub fn check_visible(conn: &mut DbConnection, filter: &ProgrammeFilter) -> QueryResult<()> {
    match filter.programme_id {
        Some(p) => crate::models::Programme::find_visible(conn, p, filter.scope).map(drop),
        None => Ok(()),
    }
}
