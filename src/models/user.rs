//! People who sign in: each belongs to one organisation and has one role.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::db::DbConnection;
use crate::domain::Role;
use crate::schema::users;

/// A user account.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = users)]
pub struct User {
    /// Identifier.
    pub id: i32,
    /// The organisation the user works for.
    pub organisation_id: i32,
    /// Sign-in email, stored lower-case.
    pub email: String,
    /// Full name.
    pub name: String,
    /// Role (stored as its code).
    pub role: Role,
    /// Argon2id PHC string.
    pub password_hash: String,
    /// Set when an admin gave a temporary password.
    pub must_change_password: bool,
    /// When the account was disabled, if it is.
    pub disabled_at: Option<NaiveDateTime>,
    /// Creation time.
    pub created_at: NaiveDateTime,
    /// Last change.
    pub updated_at: NaiveDateTime,
}

/// A new user account.
#[derive(Debug, Insertable)]
#[diesel(table_name = users)]
pub struct NewUser<'a> {
    /// Organisation.
    pub organisation_id: i32,
    /// Email, already normalised.
    pub email: &'a str,
    /// Name.
    pub name: &'a str,
    /// Role.
    pub role: Role,
    /// Argon2id hash.
    pub password_hash: &'a str,
    /// Whether the password must be changed at the next sign-in.
    pub must_change_password: bool,
    /// Creation time.
    pub created_at: NaiveDateTime,
    /// Same as `created_at`.
    pub updated_at: NaiveDateTime,
}

/// A user together with their organisation's name, for lists.
#[derive(Debug, Clone)]
pub struct UserWithOrganisation {
    /// The user.
    pub user: User,
    /// Their organisation's name.
    pub organisation_name: String,
}

impl User {
    /// One user by id.
    pub fn find(conn: &mut DbConnection, id: i32) -> QueryResult<User> {
        users::table.find(id).select(User::as_select()).first(conn)
    }

    /// One user by (normalised) email.
    pub fn find_by_email(conn: &mut DbConnection, email: &str) -> QueryResult<Option<User>> {
        users::table
            .filter(users::email.eq(email))
            .select(User::as_select())
            .first(conn)
            .optional()
    }

    /// Inserts a user.
    pub fn create(conn: &mut DbConnection, new: &NewUser<'_>) -> QueryResult<User> {
        diesel::insert_into(users::table)
            .values(new)
            .returning(users::all_columns)
            .get_result(conn)
    }

    /// Changes the role.
    pub fn set_role(
        conn: &mut DbConnection,
        id: i32,
        role: Role,
        now: NaiveDateTime,
    ) -> QueryResult<()> {
        diesel::update(users::table.find(id))
            .set((users::role.eq(role), users::updated_at.eq(now)))
            .execute(conn)
            .map(drop)
    }

    /// Disables (`Some(now)`) or re-enables (`None`) the account.
    pub fn set_disabled(
        conn: &mut DbConnection,
        id: i32,
        disabled_at: Option<NaiveDateTime>,
        now: NaiveDateTime,
    ) -> QueryResult<()> {
        diesel::update(users::table.find(id))
            .set((
                users::disabled_at.eq(disabled_at),
                users::updated_at.eq(now),
            ))
            .execute(conn)
            .map(drop)
    }

    /// Replaces the password hash; `must_change` marks a temporary password.
    pub fn set_password(
        conn: &mut DbConnection,
        id: i32,
        password_hash: &str,
        must_change: bool,
        now: NaiveDateTime,
    ) -> QueryResult<()> {
        diesel::update(users::table.find(id))
            .set((
                users::password_hash.eq(password_hash),
                users::must_change_password.eq(must_change),
                users::updated_at.eq(now),
            ))
            .execute(conn)
            .map(drop)
    }

    /// Replaces the password hash with `new_hash` only if it is still `old_hash`, so an
    /// upgrade computed from the old hash never overwrites a password changed or reset in
    /// the meantime. Returns whether it was replaced.
    pub fn upgrade_password_hash(
        conn: &mut DbConnection,
        id: i32,
        old_hash: &str,
        new_hash: &str,
        now: NaiveDateTime,
    ) -> QueryResult<bool> {
        let updated = diesel::update(
            users::table
                .find(id)
                .filter(users::password_hash.eq(old_hash)),
        )
        .set((users::password_hash.eq(new_hash), users::updated_at.eq(now)))
        .execute(conn)?;
        Ok(updated == 1)
    }

    /// The names of some users, in one query (for "verified by" lines).
    pub fn names(conn: &mut DbConnection, ids: &[i32]) -> QueryResult<Vec<(i32, String)>> {
        users::table
            .filter(users::id.eq_any(ids.to_vec()))
            .select((users::id, users::name))
            .load(conn)
    }

    /// Whether any user exists (the demo loads only into an empty database).
    pub fn any(conn: &mut DbConnection) -> QueryResult<bool> {
        let n: i64 = users::table.count().get_result(conn)?;
        Ok(n > 0)
    }
}
