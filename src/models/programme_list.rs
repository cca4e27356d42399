//! The programmes list, paged by id and searched by name (the programmes page and the
//! API), only programmes the caller's organisation partners in.

use diesel::prelude::*;

use super::Programme;
use super::page::{PageRequest, contains_pattern, lower};
use crate::db::DbConnection;
use crate::schema::{programme_partners, programmes};

impl Programme {
    /// A page of programmes by id after `request.after`, whose name contains `name` (any
    /// case; blank: every one); `partner_of` as for [`Programme::page`].
    pub fn search(
        conn: &mut DbConnection,
        partner_of: Option<i32>,
        name: &str,
        request: &PageRequest<i32>,
    ) -> QueryResult<Vec<Programme>> {
        let mut query = programmes::table
            .filter(programmes::id.gt(request.after.unwrap_or(0)))
            .order(programmes::id)
            .limit(request.fetch())
            .select(Programme::as_select())
            .into_boxed();
        if let Some(org_id) = partner_of {
            let mine = programme_partners::table
                .filter(programme_partners::organisation_id.eq(org_id))
                .select(programme_partners::programme_id);
            query = query.filter(programmes::id.eq_any(mine));
        }
        if !name.trim().is_empty() {
            query = query.filter(
                lower(programmes::name)
                    .like(contains_pattern(name))
                    .escape('\\'),
            );
        }
        query.load(conn)
    }
}
