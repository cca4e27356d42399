//! Information sessions: outreach events of a programme, with a head count of everyone
//! who came and the named residents who registered there (the top of the funnel).

use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;
use serde::{Deserialize, Serialize};

use super::page::PageRequest;
use super::{AuditAction, AuditEvent, NewAuditEvent, Participant};
use crate::db::{DbConnection, write_transaction};
use crate::error::{AppError, AppResult, FieldErrors};
use crate::schema::{information_session_attendees, information_sessions, participants};
use crate::validate;

/// An information session.
#[derive(Debug, Clone, Queryable, Selectable, Serialize, utoipa::ToSchema)]
#[diesel(table_name = information_sessions)]
pub struct InformationSession {
    /// Identifier.
    pub id: i32,
    /// The programme.
    pub programme_id: i32,
    /// The day it was held.
    pub held_on: NaiveDate,
    /// Where.
    pub venue: String,
    /// Everyone who came, named or not.
    pub head_count: i32,
    /// Creation time.
    #[serde(skip)]
    pub created_at: NaiveDateTime,
}

/// An information session as submitted.
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct InformationSessionInput {
    /// `YYYY-MM-DD`, not in the future.
    #[schema(schema_with = crate::openapi::date)]
    pub held_on: Option<String>,
    /// Venue.
    #[schema(schema_with = crate::openapi::text_200)]
    pub venue: Option<String>,
    /// People who came (0–10000).
    #[schema(minimum = 0, maximum = 10000)]
    pub head_count: Option<i32>,
}

/// Checks an input on `today`.
pub fn check(
    input: &InformationSessionInput,
    today: NaiveDate,
) -> Result<(NaiveDate, String, i32), FieldErrors> {
    let mut errors = FieldErrors::new();
    let held_on = match input
        .held_on
        .as_deref()
        .map(str::trim)
        .filter(|d| !d.is_empty())
    {
        None => {
            errors.add("held_on", "Enter the date of the information session");
            None
        }
        Some(d) => match validate::date(d) {
            Some(date) if date <= today => Some(date),
            Some(_) => {
                errors.add("held_on", "Date must be today or in the past");
                None
            }
            None => {
                errors.add("held_on", "Date must be a real date, like 2026-10-05");
                None
            }
        },
    };
    let venue =
        validate::required_text(input.venue.as_deref().unwrap_or_default(), "the venue", 200)
            .map_err(|m| errors.add("venue", m))
            .ok();
    let head_count = input.head_count;
    match head_count {
        None => errors.add("head_count", "Enter how many people came"),
        Some(n) if !(0..=10_000).contains(&n) => {
            errors.add("head_count", "Head count must be between 0 and 10,000")
        }
        _ => {}
    }
    match (held_on, venue, head_count) {
        (Some(d), Some(v), Some(n)) if errors.is_empty() => Ok((d, v, n)),
        _ => Err(errors),
    }
}

impl InformationSession {
    /// One session by id.
    pub fn find(conn: &mut DbConnection, id: i32) -> QueryResult<InformationSession> {
        information_sessions::table
            .find(id)
            .select(InformationSession::as_select())
            .first(conn)
    }

    /// Reads the session and, on PostgreSQL, locks its row until the transaction ends, so
    /// attendees are named one writer at a time against its current head count. SQLite's
    /// write transactions already run one at a time.
    pub fn lock(conn: &mut DbConnection, id: i32) -> QueryResult<InformationSession> {
        match conn {
            DbConnection::Postgresql(pg) => information_sessions::table
                .find(id)
                .for_no_key_update()
                .select(InformationSession::as_select())
                .first(pg),
            DbConnection::Sqlite(_) => Self::find(conn, id),
        }
    }

    /// A page of a programme's sessions, newest first (keyset on `(held_on, id)`
    /// descending), optionally of one year, each with its number of named attendees: up
    /// to `request.fetch()` rows.
    pub fn page_for_programme(
        conn: &mut DbConnection,
        programme_id: i32,
        year: Option<i32>,
        request: &PageRequest<(NaiveDate, i32)>,
    ) -> QueryResult<Vec<(InformationSession, i64)>> {
        let mut query = information_sessions::table
            .filter(information_sessions::programme_id.eq(programme_id))
            .select(InformationSession::as_select())
            .into_boxed();
        if let Some((first, last)) = year.and_then(|y| {
            Some((
                NaiveDate::from_ymd_opt(y, 1, 1)?,
                NaiveDate::from_ymd_opt(y, 12, 31)?,
            ))
        }) {
            query = query.filter(information_sessions::held_on.between(first, last));
        }
        if let Some((on, id)) = request.after {
            query = query.filter(
                information_sessions::held_on
                    .lt(on)
                    .or(information_sessions::held_on
                        .eq(on)
                        .and(information_sessions::id.lt(id))),
            );
        }
        let sessions: Vec<InformationSession> = query
            .order((
                information_sessions::held_on.desc(),
                information_sessions::id.desc(),
            ))
            .limit(request.fetch())
            .load(conn)?;
        let ids: Vec<i32> = sessions.iter().map(|s| s.id).collect();
        let counts: Vec<(i32, i64)> = information_session_attendees::table
            .filter(information_session_attendees::information_session_id.eq_any(ids))
            .group_by(information_session_attendees::information_session_id)
            .select((
                information_session_attendees::information_session_id,
                diesel::dsl::count_star(),
            ))
            .load(conn)?;
        Ok(sessions
            .into_iter()
            .map(|s| {
                let n = counts
                    .iter()
                    .find(|(id, _)| *id == s.id)
                    .map_or(0, |(_, n)| *n);
                (s, n)
            })
            .collect())
    }

    /// The sessions of several programmes, newest first (one query).
    pub fn list_for_programmes(
        conn: &mut DbConnection,
        programme_ids: &[i32],
    ) -> QueryResult<Vec<InformationSession>> {
        information_sessions::table
            .filter(information_sessions::programme_id.eq_any(programme_ids.to_vec()))
            .order((
                information_sessions::held_on.desc(),
                information_sessions::id.desc(),
            ))
            .select(InformationSession::as_select())
            .load(conn)
    }

    /// The sessions a person registered at.
    pub fn attended_by(
        conn: &mut DbConnection,
        participant_id: i32,
    ) -> QueryResult<Vec<InformationSession>> {
        information_session_attendees::table
            .inner_join(information_sessions::table)
            .filter(information_session_attendees::participant_id.eq(participant_id))
            .order(information_sessions::held_on)
            .select(InformationSession::as_select())
            .load(conn)
    }

    /// Named attendees of one session.
    pub fn attendees(conn: &mut DbConnection, id: i32) -> QueryResult<Vec<Participant>> {
        information_session_attendees::table
            .inner_join(participants::table)
            .filter(information_session_attendees::information_session_id.eq(id))
            .order((participants::family_name_key, participants::given_name_key))
            .select(Participant::as_select())
            .load(conn)
    }
}

/// Records an information session of a programme, audited.
pub fn create(
    conn: &mut DbConnection,
    actor: i32,
    programme_id: i32,
    fields: (NaiveDate, String, i32),
    now: NaiveDateTime,
) -> AppResult<InformationSession> {
    let (held_on, venue, head_count) = fields;
    write_transaction(conn, |conn| {
        let session: InformationSession = diesel::insert_into(information_sessions::table)
            .values((
                information_sessions::programme_id.eq(programme_id),
                information_sessions::held_on.eq(held_on),
                information_sessions::venue.eq(&venue),
                information_sessions::head_count.eq(head_count),
                information_sessions::created_at.eq(now),
            ))
            .returning(information_sessions::all_columns)
            .get_result(conn)?;
        let event = NewAuditEvent::simple(
            Some(actor),
            AuditAction::Create,
            "information_session",
            session.id,
        )
        .with_change(None::<&()>, Some(&session));
        AuditEvent::record(conn, event, now)?;
        Ok(session)
    })
}

/// Records that a resident registered at an information session; 409 when already noted,
/// 422 when the session's head count would be smaller than its named attendees.
pub fn add_attendee(
    conn: &mut DbConnection,
    actor: i32,
    session: &InformationSession,
    participant_id: i32,
    now: NaiveDateTime,
) -> AppResult<()> {
    write_transaction(conn, |conn| {
        let session = &InformationSession::lock(conn, session.id)?;
        let named = InformationSession::attendees(conn, session.id)?;
        if named.iter().any(|p| p.id == participant_id) {
            return Err(AppError::conflict(
                "participant_id",
                "This resident is already noted at this information session",
            ));
        }
        if named.len() as i64 >= i64::from(session.head_count) {
            return Err(AppError::invalid(
                "participant_id",
                format!(
                    "The head count is {}: raise it before naming more attendees",
                    session.head_count
                ),
            ));
        }
        diesel::insert_into(information_session_attendees::table)
            .values((
                information_session_attendees::information_session_id.eq(session.id),
                information_session_attendees::participant_id.eq(participant_id),
            ))
            .execute(conn)?;
        let mut event = NewAuditEvent::simple(
            Some(actor),
            AuditAction::Create,
            "information_session_attendee",
            session.id,
        )
        .with_change(
            None::<&()>,
            Some(&serde_json::json!({"participant_id": participant_id})),
        );
        event.participant_id = Some(participant_id);
        AuditEvent::record(conn, event, now)?;
        Ok(())
    })
}
