//! What must hold after a crash: every acknowledged write is there, every register and
//! every imported file is whole or absent, and the audit trail has exactly one creation
//! event per resident and enrolment and a last register event that matches the marks.

use std::collections::{BTreeMap, HashMap, HashSet};

use diesel::prelude::*;
use pathways::db::DbConnection;
use pathways::schema::{attendance, audit_events, enrolments, participants};

use crate::workload::{Attempt, FAMILY, Fixture, Write};

/// The register state a session may be in: no marks, or every entry with one status.
pub type Marks = Option<&'static str>;

/// Checks the database after round `round`'s crash; `registers` holds each session's state
/// before the round and is moved on to the state found. Returns the acknowledged writes
/// checked. Panics with the first violation.
pub fn after_crash(
    conn: &mut DbConnection,
    round: u64,
    fixture: &Fixture,
    intake: i64,
    attempts: &[Attempt],
    registers: &mut HashMap<i64, Marks>,
) -> u64 {
    let people: HashMap<String, i64> = participants::table
        .filter(participants::family_name.eq(FAMILY))
        .select((participants::given_name, participants::id))
        .load::<(String, i32)>(conn)
        .unwrap()
        .into_iter()
        .map(|(g, id)| (g, i64::from(id)))
        .collect();
    let enrolled: HashMap<i64, (i64, i64)> = enrolments::table
        .select((
            enrolments::id,
            enrolments::participant_id,
            enrolments::cohort_id,
        ))
        .load::<(i32, i32, i32)>(conn)
        .unwrap()
        .into_iter()
        .map(|(id, p, c)| (i64::from(id), (i64::from(p), i64::from(c))))
        .collect();
    let pairs: HashSet<(i64, i64)> = enrolled.values().copied().collect();
    let mut checked = 0;
    let mut imports_whole = 0;
    for attempt in attempts {
        match &attempt.write {
            Write::Resident { given, id } => {
                if attempt.acked {
                    assert_eq!(
                        people.get(given),
                        id.as_ref(),
                        "round {round}: acknowledged resident {given} lost"
                    );
                    checked += 1;
                }
            }
            Write::Enrol {
                participant,
                cohort,
                enrolment,
            } => {
                if let (true, Some(e)) = (attempt.acked, enrolment) {
                    assert_eq!(
                        enrolled.get(e),
                        Some(&(*participant, *cohort)),
                        "round {round}: acknowledged enrolment {e} lost"
                    );
                    checked += 1;
                }
            }
            Write::Import { cohort, names } => {
                let ids: Vec<i64> = names
                    .iter()
                    .filter_map(|n| people.get(n))
                    .copied()
                    .collect();
                assert!(
                    ids.is_empty() || ids.len() == names.len(),
                    "round {round}: import partly stored: {} of {} rows",
                    ids.len(),
                    names.len()
                );
                for id in &ids {
                    assert!(
                        pairs.contains(&(*id, *cohort)),
                        "round {round}: imported resident {id} not enrolled"
                    );
                }
                if !ids.is_empty() {
                    imports_whole += 1;
                }
                if attempt.acked {
                    assert_eq!(ids.len(), names.len(), "round {round}: import lost");
                    checked += 1;
                }
            }
            Write::Register { .. } => {}
        }
    }
    checked += registers_whole(conn, round, fixture, attempts, registers);
    audit_matches(conn, round, intake, imports_whole);
    checked
}

/// Each session's marks are all-or-nothing and at least as new as its last acknowledged
/// save; its last register audit event records exactly those marks.
fn registers_whole(
    conn: &mut DbConnection,
    round: u64,
    fixture: &Fixture,
    attempts: &[Attempt],
    registers: &mut HashMap<i64, Marks>,
) -> u64 {
    let mut marks: HashMap<i64, BTreeMap<String, String>> = HashMap::new();
    for (session, enrolment, status) in attendance::table
        .select((
            attendance::course_session_id,
            attendance::enrolment_id,
            attendance::status,
        ))
        .load::<(i32, i32, String)>(conn)
        .unwrap()
    {
        marks
            .entry(i64::from(session))
            .or_default()
            .insert(enrolment.to_string(), status);
    }
    let mut last_event: HashMap<i64, Option<String>> = HashMap::new();
    for (entity_id, after) in audit_events::table
        .filter(audit_events::entity.eq("register"))
        .order(audit_events::id)
        .select((audit_events::entity_id, audit_events::after_json))
        .load::<(String, Option<String>)>(conn)
        .unwrap()
    {
        last_event.insert(entity_id.parse().unwrap(), after);
    }
    let mut checked = 0;
    for session in &fixture.sessions {
        // The states it may now be in: the last acknowledged save's, or any later save
        // that was in flight (it may have committed before the crash).
        let mut allowed: Vec<Marks> = vec![registers.get(session).copied().flatten()];
        for attempt in attempts {
            if let Write::Register { session: s, status } = &attempt.write
                && s == session
            {
                if attempt.acked {
                    allowed = vec![Some(status)];
                    checked += 1;
                } else {
                    allowed.push(Some(status));
                }
            }
        }
        let found = marks.remove(session).unwrap_or_default();
        let state: Marks = if found.is_empty() {
            None
        } else {
            let statuses: HashSet<&str> = found.values().map(String::as_str).collect();
            assert!(
                found.len() == fixture.roster.len() && statuses.len() == 1,
                "round {round}: session {session} has a partial register: {found:?}"
            );
            let status = found.values().next().unwrap();
            crate::workload::STATUSES
                .iter()
                .find(|s| **s == status)
                .copied()
        };
        assert!(
            allowed.contains(&state),
            "round {round}: session {session} is {state:?}, expected one of {allowed:?}"
        );
        registers.insert(*session, state);
        if let Some(Some(after)) = last_event.get(session) {
            let recorded: BTreeMap<String, String> = serde_json::from_str(after).unwrap();
            assert_eq!(
                recorded, found,
                "round {round}: session {session}'s last audit event disagrees with its marks"
            );
        } else {
            assert!(
                found.is_empty(),
                "round {round}: marks without an audit event"
            );
        }
    }
    checked
}

/// One creation event per resident and per enrolment, none for rows that do not exist,
/// and one import event per imported file of this round's intake cohort.
fn audit_matches(conn: &mut DbConnection, round: u64, intake: i64, imports_whole: usize) {
    let mut created: HashMap<(String, String), usize> = HashMap::new();
    for (entity, entity_id) in audit_events::table
        .filter(audit_events::action.eq("create"))
        .select((audit_events::entity, audit_events::entity_id))
        .load::<(String, String)>(conn)
        .unwrap()
    {
        *created.entry((entity, entity_id)).or_default() += 1;
    }
    let people: Vec<i32> = participants::table
        .select(participants::id)
        .load(conn)
        .unwrap();
    let enrolment_ids: Vec<i32> = enrolments::table.select(enrolments::id).load(conn).unwrap();
    for (entity, ids) in [("participant", &people), ("enrolment", &enrolment_ids)] {
        for id in ids {
            let n = created.remove(&(entity.to_owned(), id.to_string()));
            assert_eq!(
                n,
                Some(1),
                "round {round}: {entity} {id} has {n:?} creation audit events"
            );
        }
        let orphans: Vec<_> = created.keys().filter(|(e, _)| e == entity).collect();
        assert!(
            orphans.is_empty(),
            "round {round}: audit events for {entity} rows that do not exist: {orphans:?}"
        );
    }
    let imports = created
        .get(&("participant_import".to_owned(), intake.to_string()))
        .copied()
        .unwrap_or(0);
    assert_eq!(
        imports, imports_whole,
        "round {round}: import audit events do not match the files stored"
    );
}
