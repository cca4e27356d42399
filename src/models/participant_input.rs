//! Validating and writing residents: names as typed, a real date of birth (16 to 100),
//! a normalised UK postcode, optional email and phone, the baseline at enrolment and the
//! consent record. The same person cannot be created twice.

use chrono::{NaiveDate, NaiveDateTime};
use serde::Deserialize;

use super::{AuditAction, AuditEvent, NewAuditEvent, Participant, ParticipantRecord};
use crate::db::{DbConnection, write_transaction};
use crate::domain::age::{self, RESIDENT_AGES};
use crate::error::{AppError, AppResult, FieldErrors};
use crate::validate;

use crate::domain::resident::{BenefitStatus, EmploymentStatus, LawfulBasis};

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

pub(super) fn optional_code(
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
    let name = |value: &Option<String>, field: &str, what: &str, errors: &mut FieldErrors| {
        validate::required_text(value.as_deref().unwrap_or_default(), what, 100)
            .map_err(|m| errors.add(field, m))
            .ok()
    };
    let given_name = name(
        &input.given_name,
        "given_name",
        "the given name",
        &mut errors,
    );
    let family_name = name(
        &input.family_name,
        "family_name",
        "the family name",
        &mut errors,
    );
    let date_of_birth = date_of_birth(input.date_of_birth.as_deref(), today)
        .map_err(|m| errors.add("date_of_birth", m))
        .ok();
    let postcode = validate::postcode(input.postcode.as_deref().unwrap_or_default())
        .map_err(|m| errors.add("postcode", m))
        .ok();
    let mut record = situation(input, today, &mut errors);
    match (given_name, family_name, date_of_birth, postcode) {
        (Some(given_name), Some(family_name), Some(date_of_birth), Some(postcode))
            if errors.is_empty() =>
        {
            record.given_name_key = given_name.to_lowercase();
            record.family_name_key = family_name.to_lowercase();
            record.given_name = given_name;
            record.family_name = family_name;
            record.date_of_birth = date_of_birth;
            record.postcode = postcode;
            Ok(record.with_search_keys())
        }
        _ => Err(errors),
    }
}

/// A date of birth: given, a real date, in the past, and 16 to 100 years ago.
fn date_of_birth(value: Option<&str>, today: NaiveDate) -> Result<NaiveDate, &'static str> {
    let value = value.map(str::trim).filter(|d| !d.is_empty());
    let dob = validate::date(value.ok_or("Enter the date of birth")?)
        .ok_or("Date of birth must be a real date")?;
    if dob >= today {
        Err("Date of birth must be in the past")
    } else if !RESIDENT_AGES.contains(&age::years(dob, today)) {
        Err("The resident must be aged 16 to 100")
    } else {
        Ok(dob)
    }
}

/// The optional fields (contact, circumstances, consent) checked into a record whose
/// identity (names, date of birth, postcode) the caller fills in.
fn situation(
    input: &ParticipantInput,
    today: NaiveDate,
    errors: &mut FieldErrors,
) -> ParticipantRecord {
    let (email, phone, referral_source) = contact(input, errors);
    let employment_status = optional_code(
        &input.employment_status,
        EmploymentStatus::OPTIONS,
        "employment_status",
        "Select an employment status",
        errors,
    );
    let benefit_status = optional_code(
        &input.benefit_status,
        BenefitStatus::OPTIONS,
        "benefit_status",
        "Select a benefit status",
        errors,
    );
    let lawful_basis = optional_code(
        &input.lawful_basis,
        LawfulBasis::OPTIONS,
        "lawful_basis",
        "Select a lawful basis",
        errors,
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
    let consent_given_on = optional_text(&input.consent_given_on).and_then(|d| {
        consent_date(&d, today)
            .map_err(|m| errors.add("consent_given_on", m))
            .ok()
    });
    ParticipantRecord {
        given_name_key: String::new(),
        family_name_key: String::new(),
        given_name: String::new(),
        family_name: String::new(),
        date_of_birth: NaiveDate::MIN,
        postcode: String::new(),
        phone,
        email,
        neighbourhood: None,
        referral_source,
        employment_status,
        months_unemployed: input.months_unemployed,
        benefit_status,
        consent_given_on,
        lawful_basis,
        search_name: String::new(),
        postcode_key: String::new(),
    }
}

/// Email, phone and referral source, each optional.
fn contact(
    input: &ParticipantInput,
    errors: &mut FieldErrors,
) -> (Option<String>, Option<String>, Option<String>) {
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
    (email, phone, referral_source)
}

/// The date consent was given: a real date, today or earlier.
fn consent_date(value: &str, today: NaiveDate) -> Result<NaiveDate, &'static str> {
    match validate::date(value) {
        Some(date) if date <= today => Ok(date),
        Some(_) => Err("Consent date must be today or in the past"),
        None => Err("Consent date must be a real date"),
    }
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
