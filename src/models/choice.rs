//! The few rows a picker offers in place of a select of everything: open cohorts, the
//! information sessions and the programmes an actor may choose, each bounded by a limit,
//! narrowed to the relevant programmes or to a name search, in an order an index can
//! serve. Whether the chosen id may be used is still checked by the action that writes.

use chrono::NaiveDate;
use diesel::prelude::*;
use diesel::sql_types::Text;

use super::cohort::OPEN;
use super::information_session::InformationSession;
use super::{Cohort, Programme};
use crate::db::DbConnection;
use crate::schema::{cohorts, enrolments, information_sessions, programme_partners, programmes};

diesel::define_sql_function! {
    /// SQL `lower()`, for a case-insensitive name search on both databases.
    fn lower(x: Text) -> Text;
}

/// What a picker's query is limited to.
#[derive(Debug, Clone, Copy)]
pub struct ChoiceFilter<'a> {
    /// The actor's organisation (`None` for admins): only its partner programmes.
    pub scope: Option<i32>,
    /// Only these programmes (`None`: any the scope allows).
    pub programmes: Option<&'a [i32]>,
    /// Words typed in the picker's search (any part of a name, case-insensitive).
    pub search: &'a str,
    /// Rows already taken (the resident's cohorts or sessions), left out.
    pub exclude: &'a [i32],
    /// The most rows to read.
    pub limit: i64,
}

impl ChoiceFilter<'_> {
    /// The LIKE pattern of the search, `None` when nothing was typed.
    fn pattern(&self) -> Option<String> {
        let q = self.search.trim();
        (!q.is_empty()).then(|| format!("%{}%", escape_like(&q.to_lowercase())))
    }
}

/// Open cohorts with their programme's name: those starting on or after `today` soonest
/// first, then those already running, latest start first; at most `filter.limit`.
pub fn open_cohorts(
    conn: &mut DbConnection,
    filter: &ChoiceFilter<'_>,
    today: NaiveDate,
) -> QueryResult<Vec<(Cohort, String)>> {
    let mut found = open_cohort_rows(conn, filter, today, true, filter.limit)?;
    let rest = filter.limit - found.len() as i64;
    if rest > 0 {
        found.extend(open_cohort_rows(conn, filter, today, false, rest)?);
    }
    Ok(found)
}

/// Open cohorts as `filter` narrows them: `upcoming` those starting from `today`,
/// soonest first, otherwise those started before, latest first.
fn open_cohort_rows(
    conn: &mut DbConnection,
    filter: &ChoiceFilter<'_>,
    today: NaiveDate,
    upcoming: bool,
    limit: i64,
) -> QueryResult<Vec<(Cohort, String)>> {
    let mut query = cohorts::table
        .inner_join(programmes::table)
        .select((Cohort::as_select(), programmes::name))
        .filter(cohorts::status.eq_any(OPEN))
        .limit(limit)
        .into_boxed();
    query = if upcoming {
        query
            .filter(cohorts::starts_on.ge(today))
            .order((cohorts::starts_on, cohorts::id))
    } else {
        query
            .filter(cohorts::starts_on.lt(today))
            .order((cohorts::starts_on.desc(), cohorts::id.desc()))
    };
    if let Some(org) = filter.scope {
        let mine = programme_partners::table
            .filter(programme_partners::organisation_id.eq(org))
            .select(programme_partners::programme_id);
        query = query.filter(cohorts::programme_id.eq_any(mine));
    }
    if let Some(ids) = filter.programmes {
        query = query.filter(cohorts::programme_id.eq_any(ids.to_vec()));
    }
    if let Some(pattern) = filter.pattern() {
        query = query.filter(
            lower(cohorts::name)
                .like(pattern.clone())
                .escape('\\')
                .or(lower(programmes::name).like(pattern).escape('\\')),
        );
    }
    if !filter.exclude.is_empty() {
        query = query.filter(cohorts::id.ne_all(filter.exclude.to_vec()));
    }
    query.load(conn)
}

/// Information sessions with their programme's name, latest first; the search matches
/// the venue or the programme's name.
pub fn information_sessions(
    conn: &mut DbConnection,
    filter: &ChoiceFilter<'_>,
) -> QueryResult<Vec<(InformationSession, String)>> {
    let mut query = information_sessions::table
        .inner_join(programmes::table)
        .select((InformationSession::as_select(), programmes::name))
        .into_boxed();
    if let Some(org) = filter.scope {
        let mine = programme_partners::table
            .filter(programme_partners::organisation_id.eq(org))
            .select(programme_partners::programme_id);
        query = query.filter(information_sessions::programme_id.eq_any(mine));
    }
    if let Some(ids) = filter.programmes {
        query = query.filter(information_sessions::programme_id.eq_any(ids.to_vec()));
    }
    if let Some(pattern) = filter.pattern() {
        query = query.filter(
            lower(information_sessions::venue)
                .like(pattern.clone())
                .escape('\\')
                .or(lower(programmes::name).like(pattern).escape('\\')),
        );
    }
    if !filter.exclude.is_empty() {
        query = query.filter(information_sessions::id.ne_all(filter.exclude.to_vec()));
    }
    query
        .order((
            information_sessions::held_on.desc(),
            information_sessions::id.desc(),
        ))
        .limit(filter.limit)
        .load(conn)
}

/// Programmes, newest first; the search matches the name.
pub fn programmes(
    conn: &mut DbConnection,
    filter: &ChoiceFilter<'_>,
) -> QueryResult<Vec<Programme>> {
    let mut query = programmes::table
        .select(Programme::as_select())
        .into_boxed();
    if let Some(org) = filter.scope {
        let mine = programme_partners::table
            .filter(programme_partners::organisation_id.eq(org))
            .select(programme_partners::programme_id);
        query = query.filter(programmes::id.eq_any(mine));
    }
    if let Some(ids) = filter.programmes {
        query = query.filter(programmes::id.eq_any(ids.to_vec()));
    }
    if let Some(pattern) = filter.pattern() {
        query = query.filter(lower(programmes::name).like(pattern).escape('\\'));
    }
    query
        .order(programmes::id.desc())
        .limit(filter.limit)
        .load(conn)
}

/// The programmes that matter to a resident: those of the cohorts they are enrolled in
/// and those their recording organisation partners in.
pub fn resident_programmes(
    conn: &mut DbConnection,
    participant_id: i32,
    owner_organisation_id: i32,
) -> QueryResult<Vec<i32>> {
    let mut ids: Vec<i32> = enrolments::table
        .inner_join(cohorts::table)
        .filter(enrolments::participant_id.eq(participant_id))
        .select(cohorts::programme_id)
        .load(conn)?;
    ids.extend(
        programme_partners::table
            .filter(programme_partners::organisation_id.eq(owner_organisation_id))
            .select(programme_partners::programme_id)
            .load::<i32>(conn)?,
    );
    ids.sort_unstable();
    ids.dedup();
    Ok(ids)
}

/// The cohorts a resident is enrolled in (whoever can see them): never offered again.
pub fn resident_cohorts(conn: &mut DbConnection, participant_id: i32) -> QueryResult<Vec<i32>> {
    enrolments::table
        .filter(enrolments::participant_id.eq(participant_id))
        .select(enrolments::cohort_id)
        .load(conn)
}

/// Escapes `%`, `_` and `\` for a LIKE pattern with `\` as the escape character.
fn escape_like(s: &str) -> String {
    s.replace('\\', "\\\\")
        .replace('%', "\\%")
        .replace('_', "\\_")
}
