//! The checkpoints work queue: unrecorded checkpoints due by today, oldest due first,
//! read a page at a time by the key `(due_on, id)`, in the scope of whose jobs the reader
//! works on, filtered by the employer site as recorded on the job and by due date.
//! The partial index `checkpoints_queue_idx` (unrecorded rows by `(due_on, id)`) serves
//! the order, so a page reads its rows and stops.

use chrono::NaiveDate;
use diesel::prelude::*;

use super::checkpoint::{Checkpoint, GRACE};
use super::page::{contains_pattern, lower};
use crate::db::DbConnection;
use crate::domain::{Actor, Role};
use crate::schema::{
    checkpoints, cohorts, employments, enrolments, participants, programme_partners,
};

/// Narrows a boxed query over `employments` (alone or joined) to the jobs of a
/// [`QueueScope`]: one rule for the queue and its site list. A macro, because the two
/// boxed queries have different types.
macro_rules! in_scope {
    ($query:expr, $scope:expr) => {
        match $scope {
            QueueScope::All => $query,
            QueueScope::Employer(org) => {
                $query.filter(employments::employer_organisation_id.eq(org))
            }
            QueueScope::PartnerOf(org) => {
                let partnered = enrolments::table
                    .inner_join(
                        cohorts::table.inner_join(
                            programme_partners::table
                                .on(programme_partners::programme_id.eq(cohorts::programme_id)),
                        ),
                    )
                    .filter(enrolments::id.eq(employments::enrolment_id))
                    .filter(programme_partners::organisation_id.eq(org))
                    .select(enrolments::id);
                // Correlated: a few key lookups per job, not every enrolment of the
                // organisation's programmes listed first (240,000 at national size).
                $query.filter(diesel::dsl::exists(partnered))
            }
        }
    };
}

/// Whose jobs a work queue covers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum QueueScope {
    /// Every job (admins).
    All,
    /// Jobs at this employer organisation (HR).
    Employer(i32),
    /// Jobs attributed to enrolments in programmes this organisation partners in.
    PartnerOf(i32),
}

impl QueueScope {
    /// Whose checkpoints `role` at `organisation_id` works on: the same jobs they may see.
    pub fn of(role: Role, organisation_id: i32) -> Self {
        match role {
            Role::Admin => Self::All,
            Role::Hr => Self::Employer(organisation_id),
            Role::Coordinator | Role::Manager => Self::PartnerOf(organisation_id),
        }
    }

    /// The queue `actor` works on.
    pub fn of_actor(actor: &Actor) -> Self {
        Self::of(actor.role, actor.organisation_id)
    }
}

/// Which of the queue's checkpoints to list (all of them by default).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct QueueFilter {
    /// Part of the employer site as recorded on the job, any case.
    pub site: Option<String>,
    /// The employer site exactly as recorded on the job.
    pub at_site: Option<String>,
    /// Only checkpoints due on or before this day.
    pub due_by: Option<NaiveDate>,
    /// Only overdue checkpoints (due two weeks ago or longer).
    pub overdue: bool,
}

/// One line of the work queue.
#[derive(Debug, Clone)]
pub struct QueueItem {
    /// The checkpoint.
    pub checkpoint: Checkpoint,
    /// The person.
    pub participant_id: i32,
    /// Their name, as the pages show it.
    pub name: String,
    /// Their given name.
    pub given_name: String,
    /// Their family name.
    pub family_name: String,
    /// The job.
    pub job_title: String,
    /// Where, as recorded on the job.
    pub site: String,
}

impl QueueItem {
    /// The item's place in the queue's order.
    pub fn key(&self) -> (NaiveDate, i32) {
        (self.checkpoint.due_on, self.checkpoint.id)
    }
}

type Row = (Checkpoint, i32, String, String, String, String);

impl Checkpoint {
    /// The work queue of `scope`: unrecorded checkpoints due by `today`, oldest first
    /// (so overdue before due), with the person's name and the job title. At most 1,000:
    /// the dashboard's summary; the queue's pages use [`Checkpoint::queue_page`].
    pub fn queue_for(
        conn: &mut DbConnection,
        scope: QueueScope,
        today: NaiveDate,
    ) -> QueryResult<Vec<QueueItem>> {
        Self::queue_page(conn, scope, today, &QueueFilter::default(), None, 1000)
    }

    /// Up to `limit` checkpoints of the queue of `scope` (see [`Checkpoint::queue_for`])
    /// that match `filter`, after the key `after` in the order `(due_on, id)`.
    pub fn queue_page(
        conn: &mut DbConnection,
        scope: QueueScope,
        today: NaiveDate,
        filter: &QueueFilter,
        after: Option<(NaiveDate, i32)>,
        limit: i64,
    ) -> QueryResult<Vec<QueueItem>> {
        let mut last_due = filter.due_by.map_or(today, |d| d.min(today));
        if filter.overdue {
            last_due = last_due.min(today - GRACE);
        }
        let mut query = checkpoints::table
            .inner_join(employments::table.inner_join(participants::table))
            .filter(checkpoints::status.is_null())
            .filter(checkpoints::due_on.le(last_due))
            .select((
                Checkpoint::as_select(),
                participants::id,
                participants::given_name,
                participants::family_name,
                employments::job_title,
                employments::site,
            ))
            .into_boxed();
        if let Some((due_on, id)) = after {
            query = query.filter(
                checkpoints::due_on
                    .gt(due_on)
                    .or(checkpoints::due_on.eq(due_on).and(checkpoints::id.gt(id))),
            );
        }
        if let Some(site) = filter.site.as_deref().filter(|s| !s.is_empty()) {
            let pattern = contains_pattern(site);
            query = query.filter(lower(employments::site).like(pattern).escape('\\'));
        }
        if let Some(site) = filter.at_site.as_deref() {
            query = query.filter(employments::site.eq(site.to_owned()));
        }
        query = in_scope!(query, scope);
        let rows: Vec<Row> = query
            .order((checkpoints::due_on, checkpoints::id))
            .limit(limit)
            .load(conn)?;
        Ok(rows.into_iter().map(item).collect())
    }
}

fn item((checkpoint, participant_id, given, family, job_title, site): Row) -> QueueItem {
    QueueItem {
        checkpoint,
        participant_id,
        name: format!("{given} {family}"),
        given_name: given,
        family_name: family,
        job_title,
        site,
    }
}

/// The distinct employer sites, as recorded, on the jobs of `scope` whose name contains
/// `search` (any case; blank: all), in name order, at most `limit`: the choices of the
/// queue's site filter (its search finds the rest).
///
/// Read as a skip scan: each step asks the site index for the first visible site after
/// the last one found, so the work grows with the few sites listed, not with the jobs in
/// the country. (A `DISTINCT` over the jobs in scope read every one of a national
/// coordinator's jobs when fewer than `limit` sites exist: 150 ms at national size.)
pub fn sites(
    conn: &mut DbConnection,
    scope: QueueScope,
    search: &str,
    limit: i64,
) -> QueryResult<Vec<String>> {
    let pattern = (!search.trim().is_empty()).then(|| contains_pattern(search));
    let mut found: Vec<String> = Vec::new();
    while (found.len() as i64) < limit {
        let mut query = employments::table.select(employments::site).into_boxed();
        if let Some(pattern) = &pattern {
            query = query.filter(lower(employments::site).like(pattern.clone()).escape('\\'));
        }
        if let Some(last) = found.last() {
            query = query.filter(employments::site.gt(last.clone()));
        }
        query = in_scope!(query, scope);
        match query
            .order(employments::site)
            .first::<String>(conn)
            .optional()?
        {
            Some(site) => found.push(site),
            None => break,
        }
    }
    Ok(found)
}
