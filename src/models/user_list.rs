//! The admin users list, paged and filtered, in its readable order (organisation name,
//! then the user's name, then id). The cursor carries only the last user's id; the names
//! it stands for are read back from that row, so no name reaches a URL.

use diesel::prelude::*;

use super::page::{PageRequest, contains_pattern, lower};
use super::user::{User, UserWithOrganisation};
use crate::db::DbConnection;
use crate::domain::Role;
use crate::schema::{organisations, users};

/// What the users list is narrowed to; every field left empty keeps every user.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct UserFilter {
    /// Only users with this role.
    pub role: Option<Role>,
    /// Only users of this organisation.
    pub organisation_id: Option<i32>,
    /// Only users of organisations whose name contains this (any case).
    pub organisation_name: String,
    /// Only users whose name or email address contains this (any case).
    pub q: String,
}

impl User {
    /// One page of users narrowed by `filter`, after the user with id `request.after`:
    /// up to `fetch()` rows. `None` when that user does not exist (not a cursor this list
    /// gave).
    pub fn page(
        conn: &mut DbConnection,
        filter: &UserFilter,
        request: &PageRequest<i32>,
    ) -> QueryResult<Option<Vec<UserWithOrganisation>>> {
        let mut query = users::table
            .inner_join(organisations::table)
            .select((User::as_select(), organisations::name))
            .into_boxed();
        if let Some(role) = filter.role {
            query = query.filter(users::role.eq(role));
        }
        if let Some(org) = filter.organisation_id {
            query = query.filter(users::organisation_id.eq(org));
        }
        if !filter.organisation_name.trim().is_empty() {
            let pattern = contains_pattern(&filter.organisation_name);
            query = query.filter(lower(organisations::name).like(pattern).escape('\\'));
        }
        if !filter.q.trim().is_empty() {
            let pattern = contains_pattern(&filter.q);
            query = query.filter(
                lower(users::name)
                    .like(pattern.clone())
                    .escape('\\')
                    .or(lower(users::email).like(pattern).escape('\\')),
            );
        }
        if let Some(after) = request.after {
            let anchor: Option<(String, String)> = users::table
                .inner_join(organisations::table)
                .filter(users::id.eq(after))
                .select((organisations::name, users::name))
                .first(conn)
                .optional()?;
            let Some((org, name)) = anchor else {
                return Ok(None);
            };
            query = query.filter(
                organisations::name
                    .gt(org.clone())
                    .or(organisations::name.eq(org).and(
                        users::name
                            .gt(name.clone())
                            .or(users::name.eq(name).and(users::id.gt(after))),
                    )),
            );
        }
        let rows: Vec<(User, String)> = query
            .order((organisations::name, users::name, users::id))
            .limit(request.fetch())
            .load(conn)?;
        Ok(Some(
            rows.into_iter()
                .map(|(user, organisation_name)| UserWithOrganisation {
                    user,
                    organisation_name,
                })
                .collect(),
        ))
    }
}
