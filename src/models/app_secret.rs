//! Secrets generated once per installation and kept in the database, so every app server
//! (and `serve --demo` on the same database) uses the same one.

use diesel::prelude::*;

use crate::db::DbConnection;
use crate::schema::app_secrets;

/// A named secret.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SecretName {
    /// The key of the keyed hash that names sign-in throttle rows.
    ThrottleKey,
}

impl SecretName {
    /// The stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            SecretName::ThrottleKey => "login_throttle_hmac_key",
        }
    }
}

/// Reads and creates installation secrets.
pub struct AppSecret;

impl AppSecret {
    /// The secret `name`, created from `generate` on first use. Two servers creating it
    /// at once both end up with the one that was stored first: the insert ignores a
    /// clash and the value is read back.
    pub fn get_or_create(
        conn: &mut DbConnection,
        name: SecretName,
        generate: impl Fn() -> String,
    ) -> QueryResult<String> {
        if let Some(value) = Self::find(conn, name)? {
            return Ok(value);
        }
        let row = (
            app_secrets::name.eq(name.as_str()),
            app_secrets::value.eq(generate()),
        );
        match conn {
            DbConnection::Postgresql(c) => diesel::insert_into(app_secrets::table)
                .values(row)
                .on_conflict_do_nothing()
                .execute(c)?,
            DbConnection::Sqlite(c) => diesel::insert_or_ignore_into(app_secrets::table)
                .values(row)
                .execute(c)?,
        };
        Self::find(conn, name)?.ok_or(diesel::result::Error::NotFound)
    }

    fn find(conn: &mut DbConnection, name: SecretName) -> QueryResult<Option<String>> {
        app_secrets::table
            .find(name.as_str())
            .select(app_secrets::value)
            .first(conn)
            .optional()
    }
}
