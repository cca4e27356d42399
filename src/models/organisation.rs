//! Partner organisations: councils, NHS trusts, colleges, charities and employers.

use chrono::NaiveDateTime;
use diesel::prelude::*;
use serde::Serialize;

use crate::db::DbConnection;
use crate::models::page::{PageRequest, contains_pattern, lower};
use crate::schema::{organisations, programme_partners};

pub use crate::domain::organisation_kind::OrganisationKind;

/// A partner organisation.
#[derive(Debug, Clone, Queryable, Selectable, Serialize, utoipa::ToSchema)]
#[diesel(table_name = organisations)]
pub struct Organisation {
    /// Identifier.
    pub id: i32,
    /// Name, unique.
    pub name: String,
    /// Kind code (`council`, `nhs_trust`, …).
    pub kind: String,
    /// When it was added (UTC).
    #[serde(skip)]
    pub created_at: NaiveDateTime,
}

/// A new organisation.
#[derive(Debug, Insertable)]
#[diesel(table_name = organisations)]
pub struct NewOrganisation<'a> {
    /// Name.
    pub name: &'a str,
    /// Kind code.
    pub kind: &'a str,
    /// Creation time.
    pub created_at: NaiveDateTime,
}

impl Organisation {
    /// The label of this organisation's kind.
    pub fn kind_label(&self) -> &'static str {
        OrganisationKind::parse(&self.kind).map_or("Other", OrganisationKind::label)
    }

    /// One organisation by id.
    pub fn find(conn: &mut DbConnection, id: i32) -> QueryResult<Organisation> {
        organisations::table
            .find(id)
            .select(Organisation::as_select())
            .first(conn)
    }

    /// One organisation by exact name.
    pub fn find_by_name(conn: &mut DbConnection, name: &str) -> QueryResult<Option<Organisation>> {
        organisations::table
            .filter(organisations::name.eq(name))
            .select(Organisation::as_select())
            .first(conn)
            .optional()
    }

    /// Every organisation, by name.
    pub fn list_all(conn: &mut DbConnection) -> QueryResult<Vec<Organisation>> {
        organisations::table
            .order((organisations::name, organisations::id))
            .select(Organisation::as_select())
            .load(conn)
    }

    /// A page of organisations by name (then id) whose name contains `q` (any case;
    /// blank: every one), after the organisation with id `request.after` (the cursor
    /// carries only that id): up to `fetch()` rows. `None` when no organisation has that
    /// id.
    pub fn page_by_name(
        conn: &mut DbConnection,
        q: &str,
        request: &PageRequest<i32>,
    ) -> QueryResult<Option<Vec<Organisation>>> {
        let mut query = organisations::table
            .select(Organisation::as_select())
            .into_boxed();
        if !q.trim().is_empty() {
            query = query.filter(
                lower(organisations::name)
                    .like(contains_pattern(q))
                    .escape('\\'),
            );
        }
        if let Some(after) = request.after {
            let anchor: Option<String> = organisations::table
                .find(after)
                .select(organisations::name)
                .first(conn)
                .optional()?;
            let Some(name) = anchor else {
                return Ok(None);
            };
            query = query.filter(
                organisations::name.gt(name.clone()).or(organisations::name
                    .eq(name)
                    .and(organisations::id.gt(after))),
            );
        }
        query
            .order((organisations::name, organisations::id))
            .limit(request.fetch())
            .load(conn)
            .map(Some)
    }

    /// A page of organisations after `cursor` (by id), for the API; `visible` limits it to
    /// those ids (`None` for admins, who see all).
    pub fn page(
        conn: &mut DbConnection,
        visible: Option<&[i32]>,
        cursor: i32,
        limit: i64,
    ) -> QueryResult<Vec<Organisation>> {
        let mut query = organisations::table
            .filter(organisations::id.gt(cursor))
            .order(organisations::id)
            .limit(limit)
            .select(Organisation::as_select())
            .into_boxed();
        if let Some(ids) = visible {
            query = query.filter(organisations::id.eq_any(ids.to_vec()));
        }
        query.load(conn)
    }

    /// Ids an organisation's users may see: their own, and every partner of a programme
    /// their organisation partners in.
    pub fn visible_ids(conn: &mut DbConnection, org_id: i32) -> QueryResult<Vec<i32>> {
        let own_programmes: Vec<i32> = programme_partners::table
            .filter(programme_partners::organisation_id.eq(org_id))
            .select(programme_partners::programme_id)
            .load(conn)?;
        let mut ids: Vec<i32> = programme_partners::table
            .filter(programme_partners::programme_id.eq_any(own_programmes))
            .select(programme_partners::organisation_id)
            .distinct()
            .load(conn)?;
        if !ids.contains(&org_id) {
            ids.push(org_id);
        }
        ids.sort_unstable();
        Ok(ids)
    }

    /// Inserts an organisation.
    pub fn create(conn: &mut DbConnection, new: &NewOrganisation<'_>) -> QueryResult<Organisation> {
        diesel::insert_into(organisations::table)
            .values(new)
            .returning(organisations::all_columns)
            .get_result(conn)
    }
}

/// Checks a new organisation's name and kind; problems are named by field.
pub fn validate_new(
    name: &str,
    kind: &str,
) -> Result<(String, OrganisationKind), crate::error::FieldErrors> {
    let mut errors = crate::error::FieldErrors::new();
    let name = crate::validate::required_text(name, "the organisation's name", 150)
        .map_err(|m| errors.add("name", m))
        .ok();
    let kind = OrganisationKind::parse(kind);
    if kind.is_none() {
        errors.add("kind", "Select the kind of organisation");
    }
    match (name, kind) {
        (Some(name), Some(kind)) if errors.is_empty() => Ok((name, kind)),
        _ => Err(errors),
    }
}

/// Creates an organisation with its audit event, in one write transaction; 409 when the
/// name is taken (compared without regard to case).
pub fn create_audited(
    conn: &mut DbConnection,
    actor: Option<i32>,
    name: &str,
    kind: OrganisationKind,
    now: NaiveDateTime,
) -> crate::error::AppResult<Organisation> {
    use crate::error::AppError;
    use crate::models::{AuditAction, AuditEvent, NewAuditEvent};
    crate::db::write_transaction(conn, |conn| {
        // Names are unique whatever their case, which no index here enforces: writers of
        // one name (in any case) take turns, so the check below sees the other's row.
        let key = format!("organisation\u{1f}{}", name.to_lowercase());
        super::locks::lock_keys(conn, [key])?;
        let taken = Organisation::list_all(conn)?
            .iter()
            .any(|o| o.name.to_lowercase() == name.to_lowercase());
        if taken {
            return Err(AppError::conflict(
                "name",
                "An organisation with this name already exists",
            ));
        }
        let organisation = Organisation::create(
            conn,
            &NewOrganisation {
                name,
                kind: kind.as_str(),
                created_at: now,
            },
        )?;
        let event =
            NewAuditEvent::simple(actor, AuditAction::Create, "organisation", organisation.id)
                .with_change(None::<&()>, Some(&organisation));
        AuditEvent::record(conn, event, now)?;
        Ok(organisation)
    })
}
