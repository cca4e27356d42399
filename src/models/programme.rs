//! Programmes: the partnership, the course template and the completion threshold.

use chrono::NaiveDateTime;
use diesel::prelude::*;
use serde::Serialize;

use crate::db::DbConnection;
use crate::models::Organisation;
use crate::schema::{organisations, programme_partners, programme_template_days, programmes};

/// A programme row.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = programmes)]
pub struct Programme {
    /// Identifier.
    pub id: i32,
    /// Name, unique.
    pub name: String,
    /// What the programme leads to.
    pub description: String,
    /// Percentage of held sessions a participant must attend to complete.
    pub completion_threshold: i32,
    /// Creation time.
    pub created_at: NaiveDateTime,
    /// Last change.
    pub updated_at: NaiveDateTime,
}

/// A new programme.
#[derive(Debug, Insertable)]
#[diesel(table_name = programmes)]
pub struct NewProgramme<'a> {
    /// Name.
    pub name: &'a str,
    /// Description.
    pub description: &'a str,
    /// Completion threshold in percent.
    pub completion_threshold: i32,
    /// Creation time.
    pub created_at: NaiveDateTime,
    /// Same as `created_at`.
    pub updated_at: NaiveDateTime,
}

/// Changes to a programme's own columns.
#[derive(Debug, Default, AsChangeset)]
#[diesel(table_name = programmes)]
pub struct ProgrammeChanges {
    /// New name.
    pub name: Option<String>,
    /// New description.
    pub description: Option<String>,
    /// New threshold.
    pub completion_threshold: Option<i32>,
    /// Change time.
    pub updated_at: Option<NaiveDateTime>,
}

/// One taught day of the course template.
#[derive(Debug, Clone, PartialEq, Eq, Queryable, Selectable, Serialize, utoipa::ToSchema)]
#[diesel(table_name = programme_template_days)]
pub struct TemplateDay {
    /// Week of the course, from 1.
    pub week_number: i32,
    /// ISO weekday, 1 = Monday.
    pub weekday: i32,
    /// `college` or `placement`.
    pub kind: String,
}

#[derive(Insertable)]
#[diesel(table_name = programme_template_days)]
struct NewTemplateDay<'a> {
    programme_id: i32,
    week_number: i32,
    weekday: i32,
    kind: &'a str,
}

impl TemplateDay {
    /// The Lincoln Green course: weeks 1–2 at college Monday to Friday; weeks 3–6 on
    /// placement Monday to Thursday with college on Friday (30 sessions).
    pub fn lincoln_green() -> Vec<TemplateDay> {
        let mut days = Vec::with_capacity(30);
        for week in 1..=6 {
            for weekday in 1..=5 {
                let kind = if week <= 2 || weekday == 5 {
                    "college"
                } else {
                    "placement"
                };
                days.push(TemplateDay {
                    week_number: week,
                    weekday,
                    kind: kind.to_owned(),
                });
            }
        }
        days
    }
}

impl Programme {
    /// One programme by id.
    pub fn find(conn: &mut DbConnection, id: i32) -> QueryResult<Programme> {
        programmes::table
            .find(id)
            .select(Programme::as_select())
            .first(conn)
    }

    /// One programme by exact name.
    pub fn find_by_name(conn: &mut DbConnection, name: &str) -> QueryResult<Option<Programme>> {
        programmes::table
            .filter(programmes::name.eq(name))
            .select(Programme::as_select())
            .first(conn)
            .optional()
    }

    /// Whether organisation `org_id` partners in programme `id`.
    pub fn has_partner(conn: &mut DbConnection, id: i32, org_id: i32) -> QueryResult<bool> {
        let n: i64 = programme_partners::table
            .filter(programme_partners::programme_id.eq(id))
            .filter(programme_partners::organisation_id.eq(org_id))
            .count()
            .get_result(conn)?;
        Ok(n > 0)
    }

    /// A page of programmes after `cursor`; `partner_of` limits it to programmes that
    /// organisation partners in (`None` for admins).
    pub fn page(
        conn: &mut DbConnection,
        partner_of: Option<i32>,
        cursor: i32,
        limit: i64,
    ) -> QueryResult<Vec<Programme>> {
        let mut query = programmes::table
            .filter(programmes::id.gt(cursor))
            .order(programmes::id)
            .limit(limit)
            .select(Programme::as_select())
            .into_boxed();
        if let Some(org_id) = partner_of {
            let mine = programme_partners::table
                .filter(programme_partners::organisation_id.eq(org_id))
                .select(programme_partners::programme_id);
            query = query.filter(programmes::id.eq_any(mine));
        }
        query.load(conn)
    }

    /// Partners of each of `ids`, in one query.
    pub fn partners_of(
        conn: &mut DbConnection,
        ids: &[i32],
    ) -> QueryResult<Vec<(i32, Organisation)>> {
        programme_partners::table
            .inner_join(organisations::table)
            .filter(programme_partners::programme_id.eq_any(ids.to_vec()))
            .order((programme_partners::programme_id, organisations::name))
            .select((programme_partners::programme_id, Organisation::as_select()))
            .load(conn)
    }

    /// The course template of each of `ids`, in one query.
    pub fn templates_of(
        conn: &mut DbConnection,
        ids: &[i32],
    ) -> QueryResult<Vec<(i32, TemplateDay)>> {
        programme_template_days::table
            .filter(programme_template_days::programme_id.eq_any(ids.to_vec()))
            .order((
                programme_template_days::programme_id,
                programme_template_days::week_number,
                programme_template_days::weekday,
            ))
            .select((
                programme_template_days::programme_id,
                TemplateDay::as_select(),
            ))
            .load(conn)
    }

    /// Inserts a programme.
    pub fn create(conn: &mut DbConnection, new: &NewProgramme<'_>) -> QueryResult<Programme> {
        diesel::insert_into(programmes::table)
            .values(new)
            .returning(programmes::all_columns)
            .get_result(conn)
    }

    /// Applies changes to the programme's own columns.
    pub fn update(
        conn: &mut DbConnection,
        id: i32,
        changes: &ProgrammeChanges,
    ) -> QueryResult<Programme> {
        diesel::update(programmes::table.find(id))
            .set(changes)
            .returning(programmes::all_columns)
            .get_result(conn)
    }

    /// Replaces the partner list.
    pub fn set_partners(
        conn: &mut DbConnection,
        id: i32,
        organisation_ids: &[i32],
    ) -> QueryResult<()> {
        diesel::delete(programme_partners::table.filter(programme_partners::programme_id.eq(id)))
            .execute(conn)?;
        // One row at a time: the multi-backend connection has no batch insert, and a
        // programme has a handful of partners.
        for org in organisation_ids {
            diesel::insert_into(programme_partners::table)
                .values((
                    programme_partners::programme_id.eq(id),
                    programme_partners::organisation_id.eq(*org),
                ))
                .execute(conn)?;
        }
        Ok(())
    }

    /// Replaces the course template.
    pub fn set_template(conn: &mut DbConnection, id: i32, days: &[TemplateDay]) -> QueryResult<()> {
        diesel::delete(
            programme_template_days::table.filter(programme_template_days::programme_id.eq(id)),
        )
        .execute(conn)?;
        for d in days {
            diesel::insert_into(programme_template_days::table)
                .values(NewTemplateDay {
                    programme_id: id,
                    week_number: d.week_number,
                    weekday: d.weekday,
                    kind: &d.kind,
                })
                .execute(conn)?;
        }
        Ok(())
    }
}

/// A partner as shown with a programme.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct PartnerRef {
    /// Organisation id.
    pub id: i32,
    /// Organisation name.
    pub name: String,
    /// Organisation kind code.
    pub kind: String,
}

/// A programme with its partners and course template, as pages and the API show it.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct ProgrammeDetails {
    /// Identifier.
    pub id: i32,
    /// Name.
    pub name: String,
    /// What the programme leads to.
    pub description: String,
    /// Percentage of held sessions a participant must attend to complete.
    pub completion_threshold: i32,
    /// Partner organisation ids.
    pub partner_organisation_ids: Vec<i32>,
    /// Partner organisations.
    pub partners: Vec<PartnerRef>,
    /// The course template, one entry per taught day.
    pub template: Vec<TemplateDay>,
}

impl ProgrammeDetails {
    /// Number of weeks in the course template.
    pub fn weeks(&self) -> i32 {
        self.template
            .iter()
            .map(|d| d.week_number)
            .max()
            .unwrap_or(0)
    }

    /// The template as one line per week, e.g. "Week 3: placement Mon–Thu, college Fri".
    pub fn template_summary(&self) -> Vec<String> {
        (1..=self.weeks())
            .map(|week| {
                let days: Vec<String> = self
                    .template
                    .iter()
                    .filter(|d| d.week_number == week)
                    .map(|d| format!("{} {}", weekday_name(d.weekday), d.kind))
                    .collect();
                format!("Week {week}: {}", days.join(", "))
            })
            .collect()
    }
}

fn weekday_name(weekday: i32) -> &'static str {
    ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"]
        .get((weekday - 1).clamp(0, 6) as usize)
        .copied()
        .unwrap_or("?")
}

impl Programme {
    /// The programme if `scope` (the caller's organisation; `None` for admins) partners
    /// in it; otherwise `NotFound`, exactly as if it did not exist.
    pub fn find_visible(
        conn: &mut DbConnection,
        id: i32,
        scope: Option<i32>,
    ) -> QueryResult<Programme> {
        let programme = Self::find(conn, id)?;
        match scope {
            Some(org_id) if !Self::has_partner(conn, id, org_id)? => {
                Err(diesel::result::Error::NotFound)
            }
            _ => Ok(programme),
        }
    }

    /// Adds partners and templates to programmes, in two queries for the whole list.
    pub fn with_details(
        conn: &mut DbConnection,
        programmes: Vec<Programme>,
    ) -> QueryResult<Vec<ProgrammeDetails>> {
        let ids: Vec<i32> = programmes.iter().map(|p| p.id).collect();
        let partners = Self::partners_of(conn, &ids)?;
        let templates = Self::templates_of(conn, &ids)?;
        Ok(programmes
            .into_iter()
            .map(|p| {
                let partners: Vec<PartnerRef> = partners
                    .iter()
                    .filter(|(pid, _)| *pid == p.id)
                    .map(|(_, o)| PartnerRef {
                        id: o.id,
                        name: o.name.clone(),
                        kind: o.kind.clone(),
                    })
                    .collect();
                ProgrammeDetails {
                    id: p.id,
                    name: p.name,
                    description: p.description,
                    completion_threshold: p.completion_threshold,
                    partner_organisation_ids: partners.iter().map(|o| o.id).collect(),
                    partners,
                    template: templates
                        .iter()
                        .filter(|(pid, _)| *pid == p.id)
                        .map(|(_, d)| d.clone())
                        .collect(),
                }
            })
            .collect())
    }
}
