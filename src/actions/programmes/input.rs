//! What a programme form or the API submits, its one validation (name, partners,
//! threshold and course template, typed), and the audited create and update the actions
//! and the demo's set-up share.

use chrono::NaiveDateTime;
use serde::Deserialize;

use crate::db::{DbConnection, write_transaction};
use crate::error::{AppError, AppResult, FieldErrors};
use crate::models::programme::{
    NewProgramme, Programme, ProgrammeChanges, ProgrammeDetails, TemplateDay,
};
use crate::models::{AuditAction, AuditEvent, NewAuditEvent, Organisation};
use crate::validate;

/// One taught day as submitted.
#[derive(Debug, Clone, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TemplateDayInput {
    /// Week of the course, from 1.
    #[schema(minimum = 1, maximum = 52)]
    pub week_number: i32,
    /// ISO weekday, 1 = Monday … 7 = Sunday.
    #[schema(minimum = 1, maximum = 7)]
    pub weekday: i32,
    /// `college` or `placement`.
    #[schema(pattern = "^(college|placement)$")]
    pub kind: String,
}

/// A programme as submitted; on update, absent fields stay as they are.
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ProgrammeInput {
    /// Name, unique.
    #[schema(schema_with = crate::openapi::text_150)]
    pub name: Option<String>,
    /// What the programme leads to.
    #[schema(max_length = 1000)]
    pub description: Option<String>,
    /// Partner organisation ids (at least one).
    #[schema(min_items = 1)]
    pub partner_organisation_ids: Option<Vec<i32>>,
    /// Percentage of held sessions to attend to complete (1–100; default 80).
    #[schema(minimum = 1, maximum = 100)]
    pub completion_threshold: Option<i32>,
    /// Course template; default the Lincoln Green six weeks.
    pub template: Option<Vec<TemplateDayInput>>,
}

/// A checked programme input.
struct Checked {
    name: Option<String>,
    description: Option<String>,
    partners: Option<Vec<i32>>,
    threshold: Option<i32>,
    template: Option<Vec<TemplateDay>>,
}

fn check(conn: &mut DbConnection, input: ProgrammeInput, creating: bool) -> AppResult<Checked> {
    let mut errors = FieldErrors::new();
    let name = match (&input.name, creating) {
        (None, true) => {
            errors.add("name", "Enter the programme's name");
            None
        }
        (None, false) => None,
        (Some(n), _) => validate::required_text(n, "the programme's name", 150)
            .map_err(|m| errors.add("name", m))
            .ok(),
    };
    let description = input.description.as_deref().and_then(|d| {
        validate::text(d, "the description", 1000, validate::Lines::Many)
            .map_err(|m| errors.add("description", m))
            .ok()
    });
    let partners = check_partners(conn, input.partner_organisation_ids, creating, &mut errors);
    let threshold = input.completion_threshold.or(creating.then_some(80));
    if threshold.is_some_and(|t| !(1..=100).contains(&t)) {
        errors.add(
            "completion_threshold",
            "Completion threshold must be between 1 and 100",
        );
    }
    let template = match input.template {
        None => creating.then(TemplateDay::lincoln_green),
        Some(days) => Some(check_template(days, &mut errors)),
    };
    errors.into_result()?;
    Ok(Checked {
        name,
        description,
        partners,
        threshold,
        template,
    })
}

/// The partner ids, sorted and without repeats: at least one, each an organisation.
/// Absent is a problem only when creating.
fn check_partners(
    conn: &mut DbConnection,
    ids: Option<Vec<i32>>,
    creating: bool,
    errors: &mut FieldErrors,
) -> Option<Vec<i32>> {
    let Some(mut ids) = ids else {
        if creating {
            errors.add(
                "partner_organisation_ids",
                "Choose at least one partner organisation",
            );
        }
        return None;
    };
    ids.sort_unstable();
    ids.dedup();
    if ids.is_empty() {
        errors.add(
            "partner_organisation_ids",
            "Choose at least one partner organisation",
        );
    }
    for id in &ids {
        if Organisation::find(conn, *id).is_err() {
            errors.add(
                "partner_organisation_ids",
                format!("Organisation {id} does not exist"),
            );
        }
    }
    Some(ids)
}

fn check_template(days: Vec<TemplateDayInput>, errors: &mut FieldErrors) -> Vec<TemplateDay> {
    if days.is_empty() {
        errors.add("template", "The course template needs at least one day");
    }
    let mut out: Vec<TemplateDay> = Vec::with_capacity(days.len());
    for (i, d) in days.into_iter().enumerate() {
        let field = format!("template[{i}]");
        if !(1..=52).contains(&d.week_number) {
            errors.add(&field, "Week number must be between 1 and 52");
        } else if !(1..=7).contains(&d.weekday) {
            errors.add(&field, "Weekday must be between 1 (Monday) and 7 (Sunday)");
        } else if !matches!(d.kind.as_str(), "college" | "placement") {
            errors.add(&field, "Kind must be college or placement");
        } else if out
            .iter()
            .any(|o| o.week_number == d.week_number && o.weekday == d.weekday)
        {
            errors.add(&field, "This day is listed twice");
        }
        out.push(TemplateDay {
            week_number: d.week_number,
            weekday: d.weekday,
            kind: d.kind,
        });
    }
    out
}

fn name_taken(conn: &mut DbConnection, name: &str, except: Option<i32>) -> AppResult<()> {
    match Programme::find_by_name(conn, name)? {
        Some(p) if Some(p.id) != except => Err(AppError::conflict(
            "name",
            "A programme with this name already exists",
        )),
        _ => Ok(()),
    }
}

/// A programme's details (partners and template) by id.
pub(super) fn details(conn: &mut DbConnection, id: i32) -> AppResult<ProgrammeDetails> {
    let programme = Programme::find(conn, id)?;
    Programme::with_details(conn, vec![programme])?
        .pop()
        .ok_or(AppError::NotFound)
}

/// Creates a programme with its partners and template, audited, in one transaction.
/// `actor` is `None` only when the system sets up (the demo, the first programme).
pub fn create_programme(
    conn: &mut DbConnection,
    actor: Option<i32>,
    input: ProgrammeInput,
    now: NaiveDateTime,
) -> AppResult<ProgrammeDetails> {
    write_transaction(conn, |conn| {
        let c = check(conn, input.clone(), true)?;
        // `check` when creating refuses a missing name or partner list and defaults the
        // threshold and template, so all four are present here.
        let (Some(name), Some(partners), Some(threshold), Some(template)) =
            (c.name, c.partners, c.threshold, c.template)
        else {
            return Err(AppError::invalid("name", "Enter the programme's name"));
        };
        name_taken(conn, &name, None)?;
        let programme = Programme::create(
            conn,
            &NewProgramme {
                name: &name,
                description: c.description.as_deref().unwrap_or_default(),
                completion_threshold: threshold,
                created_at: now,
                updated_at: now,
            },
        )?;
        Programme::set_partners(conn, programme.id, &partners)?;
        Programme::set_template(conn, programme.id, &template)?;
        let after = details(conn, programme.id)?;
        let event = NewAuditEvent::simple(actor, AuditAction::Create, "programme", programme.id)
            .with_change(None::<&()>, Some(&after));
        AuditEvent::record(conn, event, now)?;
        Ok(after)
    })
}

/// Changes a programme, audited with before and after, in one transaction.
pub fn update_programme(
    conn: &mut DbConnection,
    actor: Option<i32>,
    id: i32,
    input: ProgrammeInput,
    now: NaiveDateTime,
) -> AppResult<ProgrammeDetails> {
    write_transaction(conn, |conn| {
        let before = details(conn, id)?;
        let c = check(conn, input.clone(), false)?;
        if let Some(name) = &c.name {
            name_taken(conn, name, Some(id))?;
        }
        let changes = ProgrammeChanges {
            name: c.name,
            description: c.description,
            completion_threshold: c.threshold,
            updated_at: Some(now),
        };
        Programme::update(conn, id, &changes)?;
        if let Some(partners) = &c.partners {
            Programme::set_partners(conn, id, partners)?;
        }
        if let Some(template) = &c.template {
            Programme::set_template(conn, id, template)?;
        }
        let after = details(conn, id)?;
        let event = NewAuditEvent::simple(actor, AuditAction::Update, "programme", id)
            .with_change(Some(&before), Some(&after));
        AuditEvent::record(conn, event, now)?;
        Ok(after)
    })
}
