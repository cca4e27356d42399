//! Equality monitoring: special category data, in its own table, readable and writable
//! only by coordinators and admins, and used in reports only in aggregate.

use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;
use serde::{Deserialize, Serialize};

use super::participant_input::optional_code;
use super::{AuditAction, AuditEvent, NewAuditEvent};
use crate::db::{DbConnection, write_transaction};
use crate::error::{AppResult, FieldErrors};
use crate::schema::equality_monitoring;
use crate::validate;

/// ONS 2021 ethnic groups (England and Wales), with "prefer not to say".
pub const ETHNIC_GROUPS: [(&str, &str); 20] = [
    ("asian_indian", "Asian or Asian British: Indian"),
    ("asian_pakistani", "Asian or Asian British: Pakistani"),
    ("asian_bangladeshi", "Asian or Asian British: Bangladeshi"),
    ("asian_chinese", "Asian or Asian British: Chinese"),
    (
        "asian_other",
        "Asian or Asian British: any other Asian background",
    ),
    (
        "black_african",
        "Black, Black British, Caribbean or African: African",
    ),
    (
        "black_caribbean",
        "Black, Black British, Caribbean or African: Caribbean",
    ),
    (
        "black_other",
        "Black, Black British, Caribbean or African: any other background",
    ),
    (
        "mixed_white_black_caribbean",
        "Mixed or multiple ethnic groups: White and Black Caribbean",
    ),
    (
        "mixed_white_black_african",
        "Mixed or multiple ethnic groups: White and Black African",
    ),
    (
        "mixed_white_asian",
        "Mixed or multiple ethnic groups: White and Asian",
    ),
    (
        "mixed_other",
        "Mixed or multiple ethnic groups: any other background",
    ),
    (
        "white_british",
        "White: English, Welsh, Scottish, Northern Irish or British",
    ),
    ("white_irish", "White: Irish"),
    (
        "white_gypsy_or_irish_traveller",
        "White: Gypsy or Irish Traveller",
    ),
    ("white_roma", "White: Roma"),
    ("white_other", "White: any other White background"),
    ("other_arab", "Other ethnic group: Arab"),
    ("other_any", "Other ethnic group: any other ethnic group"),
    ("prefer_not_to_say", "Prefer not to say"),
];

/// Sex options.
pub const SEXES: [(&str, &str); 3] = [
    ("female", "Female"),
    ("male", "Male"),
    ("prefer_not_to_say", "Prefer not to say"),
];

/// Disability options (Equality Act 2010 definition).
pub const DISABILITY: [(&str, &str); 3] = [
    ("yes", "Yes"),
    ("no", "No"),
    ("prefer_not_to_say", "Prefer not to say"),
];

/// A person's equality answers.
#[derive(
    Debug, Clone, Default, Queryable, Selectable, Serialize, Deserialize, utoipa::ToSchema,
)]
#[diesel(table_name = equality_monitoring)]
#[serde(deny_unknown_fields)]
pub struct EqualityAnswers {
    /// Ethnic group code, if answered.
    pub ethnic_group: Option<String>,
    /// Sex code, if answered.
    pub sex: Option<String>,
    /// Disability answer, if given.
    pub disability: Option<String>,
    /// When the person agreed to answer.
    pub consent_given_on: Option<NaiveDate>,
}

/// The label for a code in one of the option lists.
pub fn label(options: &[(&'static str, &'static str)], code: Option<&str>) -> &'static str {
    code.and_then(|c| options.iter().find(|(k, _)| *k == c))
        .map_or("Not answered", |(_, l)| l)
}

impl EqualityAnswers {
    /// The answers of one person, if recorded.
    pub fn find(
        conn: &mut DbConnection,
        participant_id: i32,
    ) -> QueryResult<Option<EqualityAnswers>> {
        equality_monitoring::table
            .find(participant_id)
            .select(EqualityAnswers::as_select())
            .first(conn)
            .optional()
    }

    /// Stores (replaces) one person's answers.
    pub fn save(
        conn: &mut DbConnection,
        participant_id: i32,
        answers: &EqualityAnswers,
        actor: i32,
        now: NaiveDateTime,
    ) -> QueryResult<()> {
        diesel::delete(equality_monitoring::table.find(participant_id)).execute(conn)?;
        diesel::insert_into(equality_monitoring::table)
            .values((
                equality_monitoring::participant_id.eq(participant_id),
                equality_monitoring::ethnic_group.eq(&answers.ethnic_group),
                equality_monitoring::sex.eq(&answers.sex),
                equality_monitoring::disability.eq(&answers.disability),
                equality_monitoring::consent_given_on.eq(answers.consent_given_on),
                equality_monitoring::recorded_at.eq(now),
                equality_monitoring::recorded_by_user_id.eq(actor),
            ))
            .execute(conn)
            .map(drop)
    }
}

/// Checks equality answers: each optional, from its list.
pub fn check_equality(
    answers: &EqualityAnswers,
    today: NaiveDate,
) -> Result<EqualityAnswers, FieldErrors> {
    let mut errors = FieldErrors::new();
    let ethnic_group = optional_code(
        &answers.ethnic_group,
        &ETHNIC_GROUPS,
        "ethnic_group",
        "Select an ethnic group",
        &mut errors,
    );
    let sex = optional_code(&answers.sex, &SEXES, "sex", "Select sex", &mut errors);
    let disability = optional_code(
        &answers.disability,
        &DISABILITY,
        "disability",
        "Select whether the resident is disabled",
        &mut errors,
    );
    // The API sends a parsed date, so the range is checked here as well as in the form.
    if let Some(Err(message)) = answers
        .consent_given_on
        .map(|d| validate::date_in_range(d, "Consent date"))
    {
        errors.add("consent_given_on", message);
    } else if answers.consent_given_on.is_some_and(|d| d > today) {
        errors.add(
            "consent_given_on",
            "Consent date must be today or in the past",
        );
    }
    if errors.is_empty() {
        Ok(EqualityAnswers {
            ethnic_group,
            sex,
            disability,
            consent_given_on: answers.consent_given_on,
        })
    } else {
        Err(errors)
    }
}

/// Stores equality answers, audited without the answers themselves (the audit trail is
/// readable more widely than the answers are).
pub fn save_equality(
    conn: &mut DbConnection,
    actor: i32,
    participant_id: i32,
    answers: &EqualityAnswers,
    now: NaiveDateTime,
) -> AppResult<()> {
    write_transaction(conn, |conn| {
        EqualityAnswers::save(conn, participant_id, answers, actor, now)?;
        let mut event = NewAuditEvent::simple(
            Some(actor),
            AuditAction::Update,
            "equality_monitoring",
            participant_id,
        )
        .with_change(None::<&()>, Some(&serde_json::json!({"recorded": true})));
        event.participant_id = Some(participant_id);
        AuditEvent::record(conn, event, now)?;
        Ok(())
    })
}
