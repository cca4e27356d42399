//! Which events of a resident's audit trail a reader may see. The resident's page and the
//! subject access export both ask here, so the rule lives in one place: an event shows
//! only when it is about something the reader can see. A resident can be in programmes
//! of several partnerships; the trail must not tell one partnership what another did.

use std::collections::HashSet;

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::employment_view::EmploymentView;
use super::information_session::InformationSession;
use super::{AuditEvent, Cohort, Enrolment, Participant, StageChange};
use crate::db::DbConnection;
use crate::domain::Role;
use crate::schema::{audit_events, cohorts, enrolments, information_sessions};
use crate::schema::{programme_partners, users};

/// The jobs, checkpoints and progressions a reader may see. Jobs follow the employer
/// rules rather than programmes, so the caller, who loads the jobs anyway, passes them.
#[derive(Debug, Default)]
pub struct VisibleJobs {
    /// Employment ids.
    pub employments: HashSet<i32>,
    /// Checkpoint ids.
    pub checkpoints: HashSet<i32>,
    /// Progression ids.
    pub progressions: HashSet<i32>,
}

impl VisibleJobs {
    /// The ids in jobs already loaded for the reader.
    pub fn of(jobs: &[EmploymentView]) -> Self {
        VisibleJobs {
            employments: jobs.iter().map(|j| j.employment.id).collect(),
            checkpoints: jobs
                .iter()
                .flat_map(|j| j.checkpoints.iter().map(|c| c.checkpoint.id))
                .collect(),
            progressions: jobs
                .iter()
                .flat_map(|j| j.progressions.iter().map(|p| p.id))
                .collect(),
        }
    }
}

/// Who reads a trail.
#[derive(Debug)]
pub struct TrailReader {
    /// The reader's organisation; `None` for admins, who see every event.
    pub scope: Option<i32>,
    /// Whether the reader may know that equality answers were recorded.
    pub equality: bool,
    /// The jobs the reader may see.
    pub jobs: VisibleJobs,
}

/// What of a resident's history a reader may see, as `actions::history::visible` finds
/// it: the resident page and the subject access export are both built from it.
pub struct VisibleHistory {
    /// The resident.
    pub participant: Participant,
    /// Their enrolments in cohorts of programmes the actor partners in, newest first.
    pub enrolments: Vec<(Enrolment, Cohort)>,
    /// The stage history of those enrolments, oldest first.
    pub stage_changes: Vec<StageChange>,
    /// Their jobs the actor may see, with checkpoints and progression.
    pub jobs: Vec<EmploymentView>,
    /// The audit trail the actor may see, newest first, with who did each event.
    pub trail: Vec<(AuditEvent, Option<String>)>,
    /// Information sessions they attended, in programmes the actor partners in.
    pub attended_sessions: Vec<InformationSession>,
}

/// What an event is about, read from its `entity` and `entity_id` columns.
#[derive(Debug, PartialEq, Eq)]
enum Subject {
    /// Equality monitoring answers.
    Equality,
    /// An enrolment, by id.
    Enrolment(i32),
    /// Attendance at an information session, by session id.
    InformationSession(i32),
    /// A job, checkpoint or progression the reader may or may not see.
    Job(bool),
    /// The resident's own record (added, changed, exported) and anything else not tied
    /// to a programme: judged by who did it.
    Person,
}

impl Subject {
    fn of(event: &AuditEvent, jobs: &VisibleJobs) -> Subject {
        // An id that does not parse matches nothing, so such an event stays hidden.
        let id = event.entity_id.parse::<i32>().unwrap_or(-1);
        match event.entity.as_str() {
            "equality_monitoring" => Subject::Equality,
            "enrolment" => Subject::Enrolment(id),
            "information_session_attendee" => Subject::InformationSession(id),
            "employment" => Subject::Job(jobs.employments.contains(&id)),
            "checkpoint" => Subject::Job(jobs.checkpoints.contains(&id)),
            "progression" => Subject::Job(jobs.progressions.contains(&id)),
            _ => Subject::Person,
        }
    }
}

/// What the reader's organisation sees through the programmes it partners in.
struct Partnered {
    enrolments: HashSet<i32>,
    information_sessions: HashSet<i32>,
    /// Organisations sharing at least one programme with the reader's (and its own).
    organisations: HashSet<i32>,
}

impl Partnered {
    fn load(conn: &mut DbConnection, participant_id: i32, org: i32) -> QueryResult<Self> {
        let programmes: Vec<i32> = programme_partners::table
            .filter(programme_partners::organisation_id.eq(org))
            .select(programme_partners::programme_id)
            .load(conn)?;
        let enrolments = enrolments::table
            .inner_join(cohorts::table)
            .filter(enrolments::participant_id.eq(participant_id))
            .filter(cohorts::programme_id.eq_any(&programmes))
            .select(enrolments::id)
            .load::<i32>(conn)?;
        let information_sessions = information_sessions::table
            .filter(information_sessions::programme_id.eq_any(&programmes))
            .select(information_sessions::id)
            .load::<i32>(conn)?;
        let mut organisations: HashSet<i32> = programme_partners::table
            .filter(programme_partners::programme_id.eq_any(&programmes))
            .select(programme_partners::organisation_id)
            .load::<i32>(conn)?
            .into_iter()
            .collect();
        organisations.insert(org);
        Ok(Partnered {
            enrolments: enrolments.into_iter().collect(),
            information_sessions: information_sessions.into_iter().collect(),
            organisations,
        })
    }
}

/// Who did an event: their organisation and role code, when a user did it.
struct Actor {
    organisation: Option<i32>,
    role: Option<String>,
}

impl TrailReader {
    /// Whether the reader may see `event`. `partnered` is `None` for admins.
    fn shows(&self, event: &AuditEvent, actor: &Actor, partnered: Option<&Partnered>) -> bool {
        let subject = Subject::of(event, &self.jobs);
        if subject == Subject::Equality && !self.equality {
            return false;
        }
        let Some(p) = partnered else {
            return true;
        };
        // Something done by the system, by an admin, or by someone in a partnership the
        // reader shares, says nothing about another partnership.
        let actor_visible = actor
            .organisation
            .is_none_or(|o| p.organisations.contains(&o))
            || actor.role.as_deref().and_then(Role::parse) == Some(Role::Admin);
        match subject {
            Subject::Enrolment(id) => p.enrolments.contains(&id),
            Subject::InformationSession(id) => p.information_sessions.contains(&id),
            Subject::Job(visible) => visible,
            Subject::Equality | Subject::Person => actor_visible,
        }
    }
}

/// An event with its actor's name, organisation and role code (all absent for the system).
type TrailRow = (AuditEvent, Option<String>, Option<i32>, Option<String>);

/// The events about resident `participant_id` that `reader` may see, newest first, each
/// with the name of who did it.
pub fn visible_trail(
    conn: &mut DbConnection,
    participant_id: i32,
    reader: &TrailReader,
) -> QueryResult<Vec<(AuditEvent, Option<String>)>> {
    let rows: Vec<TrailRow> = audit_events::table
        .left_join(users::table)
        .filter(audit_events::participant_id.eq(participant_id))
        .order(audit_events::id.desc())
        .select((
            AuditEvent::as_select(),
            users::name.nullable(),
            users::organisation_id.nullable(),
            users::role.nullable(),
        ))
        .load(conn)?;
    let partnered = match reader.scope {
        Some(org) => Some(Partnered::load(conn, participant_id, org)?),
        None => None,
    };
    Ok(rows
        .into_iter()
        .filter(|(event, _, organisation, role)| {
            let actor = Actor {
                organisation: *organisation,
                role: role.clone(),
            };
            reader.shows(event, &actor, partnered.as_ref())
        })
        .map(|(event, name, _, _)| (event, name))
        .collect())
}

/// A page of the events about resident `participant_id` that `reader` may see, newest
/// first by `(occurred_at, id)`: up to `limit` of them after the key `after`. Events the
/// reader may not see are skipped, so rows are read in chunks until the page is full.
pub fn visible_trail_page(
    conn: &mut DbConnection,
    participant_id: i32,
    reader: &TrailReader,
    mut after: Option<(NaiveDateTime, i32)>,
    limit: i64,
) -> QueryResult<Vec<(AuditEvent, Option<String>)>> {
    let partnered = match reader.scope {
        Some(org) => Some(Partnered::load(conn, participant_id, org)?),
        None => None,
    };
    let chunk = (limit * 2).max(50);
    let mut page = Vec::new();
    loop {
        let mut query = audit_events::table
            .left_join(users::table)
            .filter(audit_events::participant_id.eq(participant_id))
            .select((
                AuditEvent::as_select(),
                users::name.nullable(),
                users::organisation_id.nullable(),
                users::role.nullable(),
            ))
            .into_boxed();
        if let Some((at, id)) = after {
            query = query.filter(
                audit_events::occurred_at
                    .lt(at)
                    .or(audit_events::occurred_at
                        .eq(at)
                        .and(audit_events::id.lt(id))),
            );
        }
        let rows: Vec<TrailRow> = query
            .order((audit_events::occurred_at.desc(), audit_events::id.desc()))
            .limit(chunk)
            .load(conn)?;
        let exhausted = (rows.len() as i64) < chunk;
        after = rows.last().map(|(e, ..)| (e.occurred_at, e.id));
        for (event, name, organisation, role) in rows {
            let actor = Actor { organisation, role };
            if reader.shows(&event, &actor, partnered.as_ref()) {
                page.push((event, name));
                if page.len() as i64 >= limit {
                    return Ok(page);
                }
            }
        }
        if exhausted {
            return Ok(page);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn event(entity: &str, id: &str) -> AuditEvent {
        AuditEvent {
            id: 1,
            occurred_at: NaiveDateTime::default(),
            actor_user_id: None,
            action: "update".into(),
            entity: entity.into(),
            entity_id: id.into(),
            participant_id: Some(1),
            before_json: None,
            after_json: None,
        }
    }

    #[test]
    fn each_event_is_judged_by_what_it_is_about() {
        let reader = TrailReader {
            scope: Some(1),
            equality: false,
            jobs: VisibleJobs {
                employments: HashSet::from([7]),
                checkpoints: HashSet::from([12]),
                progressions: HashSet::from([9]),
            },
        };
        let partnered = Partnered {
            enrolments: HashSet::from([3]),
            information_sessions: HashSet::from([4]),
            organisations: HashSet::from([1, 2]),
        };
        let by = |organisation: Option<i32>, role: &str| Actor {
            organisation,
            role: Some(role.into()),
        };
        let shows =
            |e: &str, id: &str, actor: &Actor| reader.shows(&event(e, id), actor, Some(&partnered));
        let partner = by(Some(2), "coordinator");
        let stranger = by(Some(5), "coordinator");
        assert!(shows("employment", "7", &stranger));
        assert!(shows("checkpoint", "12", &stranger));
        assert!(shows("progression", "9", &stranger));
        assert!(!shows("employment", "8", &partner));
        assert!(!shows("progression", "x", &partner));
        assert!(shows("enrolment", "3", &stranger));
        assert!(!shows("enrolment", "8", &partner));
        assert!(shows("information_session_attendee", "4", &stranger));
        assert!(!shows("information_session_attendee", "5", &partner));
        assert!(shows("participant", "1", &partner));
        assert!(!shows("participant", "1", &stranger));
        assert!(shows("participant", "1", &by(Some(5), "admin")));
        assert!(shows("participant", "1", &by(None, "")));
        assert!(!shows("equality_monitoring", "1", &partner));
        let admin = TrailReader {
            scope: None,
            equality: true,
            jobs: VisibleJobs::default(),
        };
        assert!(admin.shows(&event("enrolment", "8"), &stranger, None));
    }
}
