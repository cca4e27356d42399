//! Signed-in browser sessions, kept in the database so any app server behind a load
//! balancer can serve any request. Only a hash of the session id is stored.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::db::DbConnection;
use crate::schema::login_sessions;

/// A stored session.
#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = login_sessions)]
pub struct LoginSession {
    /// SHA-256 of the cookie value, hex.
    pub id_hash: String,
    /// Who signed in.
    pub user_id: i32,
    /// The token every form of this session carries.
    pub csrf_token: String,
    /// Sign-in time (for the absolute timeout).
    pub created_at: NaiveDateTime,
    /// Last request (for the idle timeout).
    pub last_seen_at: NaiveDateTime,
}

impl LoginSession {
    /// Stores a new session.
    pub fn create(conn: &mut DbConnection, session: &LoginSession) -> QueryResult<()> {
        diesel::insert_into(login_sessions::table)
            .values(session)
            .execute(conn)
            .map(drop)
    }

    /// The session with this id hash.
    pub fn find(conn: &mut DbConnection, id_hash: &str) -> QueryResult<Option<LoginSession>> {
        login_sessions::table
            .find(id_hash)
            .select(LoginSession::as_select())
            .first(conn)
            .optional()
    }

    /// Records activity, at most once a minute per session so most reads write nothing.
    pub fn touch(conn: &mut DbConnection, id_hash: &str, now: NaiveDateTime) -> QueryResult<()> {
        let a_minute_ago = now - chrono::TimeDelta::minutes(1);
        diesel::update(
            login_sessions::table
                .find(id_hash)
                .filter(login_sessions::last_seen_at.lt(a_minute_ago)),
        )
        .set(login_sessions::last_seen_at.eq(now))
        .execute(conn)
        .map(drop)
    }

    /// Ends one session.
    pub fn delete(conn: &mut DbConnection, id_hash: &str) -> QueryResult<()> {
        diesel::delete(login_sessions::table.find(id_hash))
            .execute(conn)
            .map(drop)
    }

    /// Ends every session of a user except `keep` (after a password change) or all of them.
    pub fn delete_for_user(
        conn: &mut DbConnection,
        user_id: i32,
        keep: Option<&str>,
    ) -> QueryResult<usize> {
        match keep {
            Some(keep) => diesel::delete(
                login_sessions::table
                    .filter(login_sessions::user_id.eq(user_id))
                    .filter(login_sessions::id_hash.ne(keep)),
            )
            .execute(conn),
            None => {
                diesel::delete(login_sessions::table.filter(login_sessions::user_id.eq(user_id)))
                    .execute(conn)
            }
        }
    }

    /// Removes sessions idle since before `idle_cutoff` or started before `absolute_cutoff`.
    pub fn delete_expired(
        conn: &mut DbConnection,
        idle_cutoff: NaiveDateTime,
        absolute_cutoff: NaiveDateTime,
    ) -> QueryResult<usize> {
        diesel::delete(
            login_sessions::table.filter(
                login_sessions::last_seen_at
                    .lt(idle_cutoff)
                    .or(login_sessions::created_at.lt(absolute_cutoff)),
            ),
        )
        .execute(conn)
    }
}
