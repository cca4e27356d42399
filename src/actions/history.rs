//! What of a resident's history an actor may see: the one read-side privacy rule. A
//! resident can be in programmes of several partnerships, and their jobs follow employer
//! rules; every page and answer about them reads through here, so no partnership learns
//! what another did. Enrolments and information sessions show only in programmes the
//! actor's organisation partners in, jobs as the employment rules allow, and the audit
//! trail only for what the actor can see (`models::trail`).

use std::collections::HashMap;

use chrono::NaiveDateTime;

use crate::db::DbConnection;
use crate::domain::{Actor, Permission};
use crate::error::AppResult;
use crate::models::attendance::CohortAttendance;
use crate::models::employment_view::{EmploymentView, views};
use crate::models::enrolment::StageChange;
use crate::models::information_session::InformationSession;
use crate::models::page::{PageRequest, Paged};
use crate::models::trail::{
    TrailReader, VisibleHistory, VisibleJobs, visible_trail, visible_trail_page,
};
use crate::models::{
    AuditEvent, Cohort, Employment, Enrolment, MAX_PAGE_SIZE, Organisation, Participant, Programme,
    access,
};

/// A resident as the actor may see them, with everything their page shows.
pub struct ResidentHistory {
    /// The resident.
    pub participant: Participant,
    /// Their enrolments the actor may see, newest first, with their cohorts.
    pub enrolments: Vec<(Enrolment, Cohort)>,
    /// Attendance in those cohorts, by cohort id.
    pub attendance: HashMap<i32, CohortAttendance>,
    /// The stage history of those enrolments, oldest first.
    pub stage_changes: Vec<StageChange>,
    /// Their jobs the actor may see, with checkpoints and progression.
    pub jobs: Vec<EmploymentView>,
    /// Organisation names by id (employers).
    pub organisations: Vec<(i32, String)>,
    /// A page of the audit trail the actor may see, newest first, with who did each
    /// event.
    pub trail: Paged<(AuditEvent, Option<String>)>,
    /// Information sessions they attended, in programmes the actor partners in.
    pub attended_sessions: Vec<InformationSession>,
}

/// Resident `id`'s history as `actor` may see it (see [`VisibleHistory`]): the one read-side
/// privacy rule, read by the resident page ([`resident`]) and the subject access export.
/// The caller has checked the actor's permission; 404 when the actor may not see them..
pub fn visible(conn: &mut DbConnection, actor: &Actor, id: i32) -> AppResult<VisibleHistory> {
    let (mut seen, reader) = visible_but_trail(conn, actor, id)?;
    seen.trail = visible_trail(conn, id, &reader)?;
    Ok(seen)
}

/// [`visible`] without the trail (left empty), and who reads it, so the resident page
/// can read one page of it.
fn visible_but_trail(
    conn: &mut DbConnection,
    actor: &Actor,
    id: i32,
) -> AppResult<(VisibleHistory, TrailReader)> {
    let scope = actor.scope();
    let participant = access::participant(conn, id, scope)?;
    let enrolments = Enrolment::visible_for_participant(conn, id, scope)?;
    let enrolment_ids: Vec<i32> = enrolments.iter().map(|(e, _)| e.id).collect();
    let stage_changes = Enrolment::history(conn, &enrolment_ids)?;
    let jobs = Employment::for_participant(conn, id, scope, actor.employer_only())?;
    let jobs = views(conn, jobs, actor.today)?;
    let reader = TrailReader {
        scope,
        equality: actor.can(Permission::ViewEqualityData),
        jobs: VisibleJobs::of(&jobs),
    };
    let mut attended_sessions = InformationSession::attended_by(conn, id)?;
    if scope.is_some() {
        let programmes = partner_programmes(conn, actor)?;
        attended_sessions.retain(|s| programmes.contains(&s.programme_id));
    }
    let seen = VisibleHistory {
        participant,
        enrolments,
        stage_changes,
        jobs,
        trail: Vec::new(),
        attended_sessions,
    };
    Ok((seen, reader))
}

/// Resident `id` as `actor` may see them, with the page `trail` of their history (404
/// when they may not see the resident).
pub fn resident(
    conn: &mut DbConnection,
    actor: &Actor,
    id: i32,
    trail: &PageRequest<(NaiveDateTime, i32)>,
) -> AppResult<ResidentHistory> {
    actor.require(Permission::ViewParticipants)?;
    let (seen, reader) = visible_but_trail(conn, actor, id)?;
    let rows = visible_trail_page(conn, id, &reader, trail.after, trail.fetch())?;
    let trail = Paged::from_fetched(rows, trail, |(e, _)| (e.occurred_at, e.id));
    let cohort_ids: Vec<i32> = seen.enrolments.iter().map(|(_, c)| c.id).collect();
    let attendance = CohortAttendance::load_many(conn, &cohort_ids, actor.today)?;
    let organisations = Organisation::list_all(conn)?
        .into_iter()
        .map(|o| (o.id, o.name))
        .collect();
    Ok(ResidentHistory {
        participant: seen.participant,
        enrolments: seen.enrolments,
        attendance,
        stage_changes: seen.stage_changes,
        jobs: seen.jobs,
        organisations,
        trail,
        attended_sessions: seen.attended_sessions,
    })
}

/// The programmes the actor's organisation partners in (every programme for admins).
fn partner_programmes(conn: &mut DbConnection, actor: &Actor) -> AppResult<Vec<i32>> {
    Ok(Programme::page(conn, actor.scope(), 0, MAX_PAGE_SIZE)?
        .iter()
        .map(|p| p.id)
        .collect())
}
