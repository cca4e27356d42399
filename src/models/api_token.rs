//! API tokens: bearer credentials for scripts, stored only as a SHA-256 hash and revocable.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::db::DbConnection;
use crate::schema::api_tokens;

/// A stored API token (never the token itself).
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = api_tokens)]
pub struct ApiToken {
    /// Identifier.
    pub id: i32,
    /// Owner.
    pub user_id: i32,
    /// A label chosen by the owner.
    pub name: String,
    /// SHA-256 of the token, hex.
    pub token_hash: String,
    /// Creation time.
    pub created_at: NaiveDateTime,
    /// Last time it authenticated a request (to the minute).
    pub last_used_at: Option<NaiveDateTime>,
    /// When it was revoked, if it was.
    pub revoked_at: Option<NaiveDateTime>,
}

#[derive(Insertable)]
#[diesel(table_name = api_tokens)]
struct NewApiToken<'a> {
    user_id: i32,
    name: &'a str,
    token_hash: &'a str,
    created_at: NaiveDateTime,
}

impl ApiToken {
    /// Stores a new token's hash.
    pub fn create(
        conn: &mut DbConnection,
        user_id: i32,
        name: &str,
        token_hash: &str,
        now: NaiveDateTime,
    ) -> QueryResult<ApiToken> {
        diesel::insert_into(api_tokens::table)
            .values(NewApiToken {
                user_id,
                name,
                token_hash,
                created_at: now,
            })
            .returning(api_tokens::all_columns)
            .get_result(conn)
    }

    /// The live (unrevoked) token with this hash.
    pub fn find_live_by_hash(
        conn: &mut DbConnection,
        token_hash: &str,
    ) -> QueryResult<Option<ApiToken>> {
        api_tokens::table
            .filter(api_tokens::token_hash.eq(token_hash))
            .filter(api_tokens::revoked_at.is_null())
            .select(ApiToken::as_select())
            .first(conn)
            .optional()
    }

    /// A user's tokens, newest first.
    pub fn list_for_user(conn: &mut DbConnection, user_id: i32) -> QueryResult<Vec<ApiToken>> {
        api_tokens::table
            .filter(api_tokens::user_id.eq(user_id))
            .order(api_tokens::id.desc())
            .select(ApiToken::as_select())
            .load(conn)
    }

    /// Notes a use, at most once a minute per token so reads stay reads.
    pub fn touch(conn: &mut DbConnection, id: i32, now: NaiveDateTime) -> QueryResult<()> {
        let a_minute_ago = now - chrono::TimeDelta::minutes(1);
        diesel::update(
            api_tokens::table.find(id).filter(
                api_tokens::last_used_at
                    .is_null()
                    .or(api_tokens::last_used_at.lt(a_minute_ago)),
            ),
        )
        .set(api_tokens::last_used_at.eq(now))
        .execute(conn)
        .map(drop)
    }

    /// Revokes one of `user_id`'s tokens; returns whether a live token was revoked.
    pub fn revoke(
        conn: &mut DbConnection,
        user_id: i32,
        id: i32,
        now: NaiveDateTime,
    ) -> QueryResult<bool> {
        diesel::update(
            api_tokens::table
                .find(id)
                .filter(api_tokens::user_id.eq(user_id))
                .filter(api_tokens::revoked_at.is_null()),
        )
        .set(api_tokens::revoked_at.eq(now))
        .execute(conn)
        .map(|n| n > 0)
    }

    /// Revokes every live token of a user (when the account is disabled or its password is
    /// changed or reset); returns how many were live.
    pub fn revoke_all_for_user(
        conn: &mut DbConnection,
        user_id: i32,
        now: NaiveDateTime,
    ) -> QueryResult<usize> {
        diesel::update(
            api_tokens::table
                .filter(api_tokens::user_id.eq(user_id))
                .filter(api_tokens::revoked_at.is_null()),
        )
        .set(api_tokens::revoked_at.eq(now))
        .execute(conn)
    }
}
