//! Validating and writing residents: names as typed, a real date of birth (16 to 100),
//! a normalised UK postcode, optional email and phone, the baseline at enrolment and the
//! consent record. The same person cannot be created twice.

use chrono::{NaiveDate, NaiveDateTime};
use serde::Deserialize;

use super::equality::{DISABILITY, ETHNIC_GROUPS, EqualityAnswers, SEXES};
use super::{AuditAction, AuditEvent, NewAuditEvent, Participant, ParticipantRecord};
use crate::db::{DbConnection, write_transaction};
use crate::domain::age::{self, RESIDENT_AGES};
use crate::error::{AppError, AppResult, FieldErrors};
use crate::validate;

/// Employment status codes and labels.
pub const EMPLOYMENT_STATUSES: [(&str, &str); 6] = [
    ("unemployed", "Unemployed and looking for work"),
    ("economically_inactive", "Not working and not looking"),
    ("employed_part_time", "Working part time"),
    ("employed_full_time", "Working full time"),
    ("in_education", "In education"),
    ("prefer_not_to_say", "Prefer not to say"),
];

/// Benefit status codes and labels.
pub const BENEFIT_STATUSES: [(&str, &str); 6] = [
    ("universal_credit", "Universal Credit"),
    ("jobseekers_allowance", "Jobseeker's Allowance"),
    (
        "employment_support_allowance",
        "Employment and Support Allowance",
    ),
    ("other_benefit", "Another benefit"),
    ("none", "No benefits"),
    ("prefer_not_to_say", "Prefer not to say"),
];

/// Lawful bases under UK GDPR Article 6.
pub const LAWFUL_BASES: [(&str, &str); 5] = [
    ("consent", "Consent"),
    ("public_task", "Public task"),
    ("legitimate_interests", "Legitimate interests"),
    ("contract", "Contract"),
    ("legal_obligation", "Legal obligation"),
];

/// A resident as submitted (API body, or a web form mapped onto it).
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ParticipantInput {
    /// Given name, any script.
    #[schema(schema_with = crate::openapi::text_100)]
    pub given_name: Option<String>,
    /// Family name, any script.
    #[schema(schema_with = crate::openapi::text_100)]
    pub family_name: Option<String>,
    /// `YYYY-MM-DD` or `DD/MM/YYYY`.
    #[schema(schema_with = crate::openapi::date)]
    pub date_of_birth: Option<String>,
    /// UK postcode.
    #[schema(schema_with = crate::openapi::postcode)]
    pub postcode: Option<String>,
    /// Email (optional).
    pub email: Option<String>,
    /// UK phone number (optional).
    pub phone: Option<String>,
    /// How they heard of the programme (optional).
    #[schema(max_length = 200)]
    pub referral_source: Option<String>,
    /// Employment status at enrolment (optional).
    #[schema(schema_with = crate::openapi::employment_status)]
    pub employment_status: Option<String>,
    /// Months out of work (optional, 0–600).
    #[schema(minimum = 0, maximum = 600)]
    pub months_unemployed: Option<i32>,
    /// Benefit status (optional).
    #[schema(schema_with = crate::openapi::benefit_status)]
    pub benefit_status: Option<String>,
    /// Date consent was given (optional).
    #[schema(schema_with = crate::openapi::optional_date)]
    pub consent_given_on: Option<String>,
    /// Lawful basis (optional).
    #[schema(schema_with = crate::openapi::lawful_basis)]
    pub lawful_basis: Option<String>,
}

fn optional_text(value: &Option<String>) -> Option<String> {
    value
        .as_deref()
        .map(str::trim)
        .filter(|v| !v.is_empty())
        .map(str::to_owned)
}

fn optional_code(
    value: &Option<String>,
    options: &[(&str, &str)],
    field: &str,
    message: &str,
    errors: &mut FieldErrors,
) -> Option<String> {
    let code = optional_text(value)?;
    if options.iter().any(|(c, _)| *c == code) {
        Some(code)
    } else {
        errors.add(field, message);
        None
    }
}

/// Checks an input on `today`; every problem is named by field.
pub fn check(input: &ParticipantInput, today: NaiveDate) -> Result<ParticipantRecord, FieldErrors> {
    let mut errors = FieldErrors::new();
    let given_name = validate::required_text(
        input.given_name.as_deref().unwrap_or_default(),
        "the given name",
        100,
    )
    .map_err(|m| errors.add("given_name", m))
    .ok();
    let family_name = validate::required_text(
        input.family_name.as_deref().unwrap_or_default(),
        "the family name",
        100,
    )
    .map_err(|m| errors.add("family_name", m))
    .ok();
    let date_of_birth = match input
        .date_of_birth
        .as_deref()
        .map(str::trim)
        .filter(|d| !d.is_empty())
    {
        None => {
            errors.add("date_of_birth", "Enter the date of birth");
            None
        }
        Some(d) => match validate::date(d) {
            None => {
                errors.add("date_of_birth", "Date of birth must be a real date");
                None
            }
            Some(dob) if dob >= today => {
                errors.add("date_of_birth", "Date of birth must be in the past");
                None
            }
            Some(dob) if !RESIDENT_AGES.contains(&age::years(dob, today)) => {
                errors.add("date_of_birth", "The resident must be aged 16 to 100");
                None
            }
            Some(dob) => Some(dob),
        },
    };
    let postcode = validate::postcode(input.postcode.as_deref().unwrap_or_default())
        .map_err(|m| errors.add("postcode", m))
        .ok();
    let email = optional_text(&input.email)
        .and_then(|e| validate::email(&e).map_err(|m| errors.add("email", m)).ok());
    let phone = optional_text(&input.phone)
        .and_then(|p| validate::phone(&p).map_err(|m| errors.add("phone", m)).ok());
    let referral_source = validate::optional_text(
        input.referral_source.as_deref(),
        "the referral source",
        200,
        validate::Lines::One,
    )
    .map_err(|m| errors.add("referral_source", m))
    .ok()
    .flatten();
    let employment_status = optional_code(
        &input.employment_status,
        &EMPLOYMENT_STATUSES,
        "employment_status",
        "Select an employment status",
        &mut errors,
    );
    let benefit_status = optional_code(
        &input.benefit_status,
        &BENEFIT_STATUSES,
        "benefit_status",
        "Select a benefit status",
        &mut errors,
    );
    let lawful_basis = optional_code(
        &input.lawful_basis,
        &LAWFUL_BASES,
        "lawful_basis",
        "Select a lawful basis",
        &mut errors,
    );
    if input
        .months_unemployed
        .is_some_and(|m| !(0..=600).contains(&m))
    {
        errors.add(
            "months_unemployed",
            "Months unemployed must be between 0 and 600",
        );
    }
    let consent_given_on =
        optional_text(&input.consent_given_on).and_then(|d| match validate::date(&d) {
            Some(date) if date <= today => Some(date),
            Some(_) => {
                errors.add(
                    "consent_given_on",
                    "Consent date must be today or in the past",
                );
                None
            }
            None => {
                errors.add("consent_given_on", "Consent date must be a real date");
                None
            }
        });
    if !errors.is_empty() {
        return Err(errors);
    }
    let (given_name, family_name) = (
        given_name.unwrap_or_default(),
        family_name.unwrap_or_default(),
    );
    Ok(ParticipantRecord {
        given_name_key: given_name.to_lowercase(),
        family_name_key: family_name.to_lowercase(),
        given_name,
        family_name,
        date_of_birth: date_of_birth.unwrap_or_default(),
        postcode: postcode.unwrap_or_default(),
        phone,
        email,
        neighbourhood: None,
        referral_source,
        employment_status,
        months_unemployed: input.months_unemployed,
        benefit_status,
        consent_given_on,
        lawful_basis,
    })
}

fn duplicate_error(existing: &Participant) -> AppError {
    let message = format!(
        "{} is already recorded with this date of birth and postcode (resident {})",
        existing.full_name(),
        existing.id
    );
    let mut fields = FieldErrors::new();
    fields.add("given_name", message.clone());
    fields.add("existing_participant_id", existing.id.to_string());
    AppError::Conflict { message, fields }
}

/// Creates a resident owned by the caller's organisation, audited; 409 naming the
/// existing record when the same person is already on file among the residents the
/// caller can see (`scope`; `None` for admins), so the answer never reveals another
/// organisation's residents.
pub fn create_participant(
    conn: &mut DbConnection,
    actor: i32,
    owner: i32,
    scope: Option<i32>,
    mut record: ParticipantRecord,
    now: NaiveDateTime,
) -> AppResult<Participant> {
    write_transaction(conn, |conn| {
        Participant::lock_identities(conn, [&record])?;
        if let Some(existing) = Participant::find_same_person(conn, &record, None, scope)? {
            return Err(duplicate_error(&existing));
        }
        record.neighbourhood = Participant::neighbourhood_of(conn, &record.postcode)?;
        let participant = Participant::create(conn, owner, &record, now)?;
        let mut event = NewAuditEvent::simple(
            Some(actor),
            AuditAction::Create,
            "participant",
            participant.id,
        )
        .with_change(None::<&()>, Some(&record));
        event.participant_id = Some(participant.id);
        AuditEvent::record(conn, event, now)?;
        Ok(participant)
    })
}

/// Replaces a resident's details (already checked visible), audited with before/after.
pub fn update_participant(
    conn: &mut DbConnection,
    actor: i32,
    scope: Option<i32>,
    id: i32,
    mut record: ParticipantRecord,
    now: NaiveDateTime,
) -> AppResult<Participant> {
    write_transaction(conn, |conn| {
        // The row first, then the identity: the order every writer of residents keeps.
        let before = Participant::lock(conn, id)?;
        if before.erased_at.is_some() {
            return Err(AppError::conflict(
                "given_name",
                "This resident's personal data was erased, so their details cannot be changed",
            ));
        }
        Participant::lock_identities(conn, [&record])?;
        if let Some(existing) = Participant::find_same_person(conn, &record, Some(id), scope)? {
            return Err(duplicate_error(&existing));
        }
        record.neighbourhood = Participant::neighbourhood_of(conn, &record.postcode)?;
        let after = Participant::update(conn, id, &record, now)?;
        let mut event = NewAuditEvent::simple(Some(actor), AuditAction::Update, "participant", id)
            .with_change(Some(&before), Some(&after));
        event.participant_id = Some(id);
        AuditEvent::record(conn, event, now)?;
        Ok(after)
    })
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

#[cfg(test)]
mod tests {
    use super::*;

    fn input() -> ParticipantInput {
        ParticipantInput {
            given_name: Some(" Siobhán ".into()),
            family_name: Some("Nguyễn".into()),
            date_of_birth: Some("27/03/1990".into()),
            postcode: Some("ls97tf".into()),
            ..ParticipantInput::default()
        }
    }

    fn today() -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 11, 23).unwrap()
    }

    #[test]
    fn names_are_kept_as_typed_and_postcodes_normalised() {
        let record = check(&input(), today()).unwrap();
        assert_eq!(
            (record.given_name.as_str(), record.family_name.as_str()),
            ("Siobhán", "Nguyễn")
        );
        assert_eq!(record.family_name_key, "nguyễn");
        assert_eq!(record.postcode, "LS9 7TF");
        assert_eq!(
            record.date_of_birth,
            NaiveDate::from_ymd_opt(1990, 3, 27).unwrap()
        );
    }

    #[test]
    fn every_bad_field_is_named() {
        let bad = ParticipantInput {
            given_name: Some(" ".into()),
            date_of_birth: Some("2030-01-01".into()),
            postcode: Some("nowhere".into()),
            email: Some("x@".into()),
            phone: Some("12".into()),
            employment_status: Some("astronaut".into()),
            ..ParticipantInput::default()
        };
        let errors = check(&bad, today()).unwrap_err();
        for field in [
            "given_name",
            "family_name",
            "date_of_birth",
            "postcode",
            "email",
            "phone",
            "employment_status",
        ] {
            assert!(errors.get(field).is_some(), "{field}");
        }
        assert_eq!(
            errors.get("date_of_birth"),
            Some("Date of birth must be in the past")
        );
        let young = ParticipantInput {
            date_of_birth: Some("2015-01-01".into()),
            ..input()
        };
        assert_eq!(
            check(&young, today()).unwrap_err().get("date_of_birth"),
            Some("The resident must be aged 16 to 100")
        );
    }
}
