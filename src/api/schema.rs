//! Schemas for fields whose Rust type is looser than what the API accepts: codes from a
//! fixed list (kept as text in the database) documented as enums, dates as `format: date`
//! in the years the app accepts, and single-line text without control characters. Each
//! function is named by a field attribute `#[schema(schema_with = …)]`.

use serde_json::Value;
use utoipa::openapi::schema::{KnownFormat, Object, ObjectBuilder, SchemaFormat, SchemaType, Type};

use crate::models::{checkpoint, cohort, employment, enrolment, participant_input, progression};

/// Years 1900–2200, as the app's date check accepts; the rest is `format: date`.
const DATE_PATTERN: &str = r"^(19[0-9][0-9]|2[01][0-9][0-9]|2200)-[0-9]{2}-[0-9]{2}$";

/// Text with at least one character that is not a space, and no control characters.
const TEXT_PATTERN: &str = r"^[^\x00-\x1f\x7f-\x9f]*[^\s\x00-\x1f\x7f-\x9f][^\x00-\x1f\x7f-\x9f]*$";

fn nullable_string() -> ObjectBuilder {
    ObjectBuilder::new().schema_type(SchemaType::from_iter([Type::String, Type::Null]))
}

/// A code from `values`, or null (left out).
fn code<'a>(values: impl IntoIterator<Item = &'a str>) -> Object {
    let values = values
        .into_iter()
        .map(|v| Value::String(v.to_owned()))
        .chain([Value::Null]);
    nullable_string().enum_values(Some(values)).build()
}

fn codes_of<'a>(pairs: &'a [(&'a str, &'a str)]) -> impl Iterator<Item = &'a str> {
    pairs.iter().map(|(code, _)| *code)
}

/// A date, `YYYY-MM-DD`, or null.
pub fn date() -> Object {
    nullable_string()
        .format(Some(SchemaFormat::KnownFormat(KnownFormat::Date)))
        .pattern(Some(DATE_PATTERN))
        .build()
}

fn text(max: usize) -> Object {
    nullable_string()
        .max_length(Some(max))
        .pattern(Some(TEXT_PATTERN))
        .build()
}

/// Text of up to 100 characters, or null.
pub fn text_100() -> Object {
    text(100)
}

/// Text of up to 150 characters, or null.
pub fn text_150() -> Object {
    text(150)
}

/// Text of up to 200 characters, or null.
pub fn text_200() -> Object {
    text(200)
}

/// `planned`, `recruiting`, `running`, `finished` or `cancelled`.
pub fn cohort_status() -> Object {
    code(cohort::STATUSES)
}

/// An enrolment stage.
pub fn stage() -> Object {
    code(enrolment::STAGES)
}

/// Why an enrolment was withdrawn.
pub fn withdrawal_reason() -> Object {
    code(codes_of(&enrolment::WITHDRAWAL_REASONS))
}

/// An NHS staff group.
pub fn staff_group() -> Object {
    code(codes_of(&employment::STAFF_GROUPS))
}

/// A kind of contract.
pub fn contract() -> Object {
    code(codes_of(&employment::CONTRACTS))
}

/// Why a job ended.
pub fn end_reason() -> Object {
    code(codes_of(&employment::END_REASONS))
}

/// A checkpoint's outcome.
pub fn checkpoint_outcome() -> Object {
    code(codes_of(&checkpoint::OUTCOMES))
}

/// A kind of progression.
pub fn progression_kind() -> Object {
    code(codes_of(&progression::KINDS))
}

/// Employment status at enrolment.
pub fn employment_status() -> Object {
    code(codes_of(&participant_input::EMPLOYMENT_STATUSES))
}

/// Benefit status at enrolment.
pub fn benefit_status() -> Object {
    code(codes_of(&participant_input::BENEFIT_STATUSES))
}

/// Lawful basis for holding the record.
pub fn lawful_basis() -> Object {
    code(codes_of(&participant_input::LAWFUL_BASES))
}
