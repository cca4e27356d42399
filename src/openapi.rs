//! Schemas for fields whose Rust type is looser than what the API accepts: codes from a
//! fixed list (kept as text in the database) documented as enums, dates as `format: date`
//! in the years the app accepts, and single-line text without control characters. Each
//! function is named by a field attribute `#[schema(schema_with = …)]`.

use serde_json::Value;
use utoipa::openapi::RefOr;
use utoipa::openapi::schema::{
    KnownFormat, Object, ObjectBuilder, Schema, SchemaFormat, SchemaType, Type,
};

use crate::domain::checkpoint::CheckpointOutcome;
use crate::domain::employment::{Contract, EndReason, StaffGroup};
use crate::domain::progression::ProgressionKind;
use crate::domain::resident::{BenefitStatus, EmploymentStatus, LawfulBasis};
use crate::domain::{CohortStatus, Mark, Stage, WithdrawalReason};

/// Years 1900–2100, as the app's one date check accepts (`validate::YEARS`); the rest is
/// `format: date`.
const DATE_PATTERN: &str = r"^(19[0-9][0-9]|20[0-9][0-9]|2100)-[0-9]{2}-[0-9]{2}$";

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

/// A date, `YYYY-MM-DD`, empty or null for none.
pub fn optional_date() -> Object {
    nullable_string()
        .pattern(Some(
            r"^((19[0-9][0-9]|20[0-9][0-9]|2100)-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01]))?$",
        ))
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

/// A UK postcode in any case and spacing (`ls97tf`), or null.
pub fn postcode() -> Object {
    nullable_string()
        .pattern(Some(
            r"^\s*(([A-Za-z]\s*){1,2}[0-9]\s*([A-Za-z0-9]\s*)?[0-9]\s*[A-Za-z]\s*[A-Za-z]|[Gg]\s*[Ii]\s*[Rr]\s*0\s*[Aa]\s*[Aa])\s*$",
        ))
        .build()
}

/// `planned`, `recruiting`, `running`, `finished` or `cancelled`.
pub fn cohort_status() -> Object {
    code(codes_of(CohortStatus::OPTIONS))
}

/// An enrolment stage; empty or null leaves it as it is.
pub fn stage() -> Object {
    code(codes_of(Stage::OPTIONS).chain([""]))
}

/// Why an enrolment was withdrawn; empty or null for none.
pub fn withdrawal_reason() -> Object {
    code(codes_of(WithdrawalReason::OPTIONS).chain([""]))
}

/// An NHS staff group.
pub fn staff_group() -> Object {
    code(codes_of(StaffGroup::OPTIONS))
}

/// A kind of contract.
pub fn contract() -> Object {
    code(codes_of(Contract::OPTIONS))
}

/// Why a job ended.
pub fn end_reason() -> Object {
    code(codes_of(EndReason::OPTIONS))
}

/// A checkpoint's outcome.
pub fn checkpoint_outcome() -> Object {
    code(codes_of(CheckpointOutcome::OPTIONS))
}

/// A kind of progression.
pub fn progression_kind() -> Object {
    code(codes_of(ProgressionKind::OPTIONS))
}

/// Employment status at enrolment.
pub fn employment_status() -> Object {
    code(codes_of(EmploymentStatus::OPTIONS))
}

/// Benefit status at enrolment.
pub fn benefit_status() -> Object {
    code(codes_of(BenefitStatus::OPTIONS))
}

/// Lawful basis for holding the record.
pub fn lawful_basis() -> Object {
    code(codes_of(LawfulBasis::OPTIONS))
}

/// A register mark, or null to clear it.
pub fn attendance_status() -> Object {
    code(codes_of(Mark::OPTIONS))
}

/// `schema` with `fields` required and not null: the request body of an operation that
/// creates, where the shared input type (also used to change) leaves everything optional.
pub fn require(schema: RefOr<Schema>, fields: &[&str]) -> RefOr<Schema> {
    let RefOr::T(Schema::Object(mut object)) = schema else {
        return schema;
    };
    for field in fields {
        object.required.push((*field).to_owned());
        if let Some(RefOr::T(Schema::Object(property))) = object.properties.get_mut(*field) {
            if let SchemaType::Array(types) = &property.schema_type {
                let types: Vec<Type> = types
                    .iter()
                    .filter(|t| **t != Type::Null)
                    .cloned()
                    .collect();
                property.schema_type = match types.as_slice() {
                    [one] => SchemaType::Type(one.clone()),
                    _ => SchemaType::from_iter(types),
                };
            }
            if let Some(values) = &mut property.enum_values {
                values.retain(|v| !v.is_null());
            }
        }
    }
    RefOr::T(Schema::Object(object))
}

/// A request body that must carry `fields`: `Name(Inner)`, read exactly as `Inner`, with
/// `Inner`'s schema made strict by [`require`].
macro_rules! required_body {
    ($(#[$doc:meta])* $name:ident($inner:ty), [$($field:literal),* $(,)?]) => {
        $(#[$doc])*
        #[derive(Debug, serde::Deserialize)]
        #[serde(transparent)]
        pub struct $name(pub $inner);

        impl utoipa::PartialSchema for $name {
            fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
                $crate::openapi::require(
                    <$inner as utoipa::PartialSchema>::schema(),
                    &[$($field),*],
                )
            }
        }

        impl utoipa::ToSchema for $name {
            fn schemas(
                schemas: &mut Vec<(
                    String,
                    utoipa::openapi::RefOr<utoipa::openapi::schema::Schema>,
                )>,
            ) {
                <$inner as utoipa::ToSchema>::schemas(schemas);
            }
        }
    };
}
pub(crate) use required_body;

/// A date in a query string: `YYYY-MM-DD`, or empty for none.
pub fn query_date() -> Schema {
    let date = ObjectBuilder::new()
        .schema_type(Type::String)
        .format(Some(SchemaFormat::KnownFormat(KnownFormat::Date)))
        .pattern(Some(DATE_PATTERN))
        .build();
    or_empty(date)
}

/// `value`, or an empty string (a form's box left blank).
fn or_empty(value: utoipa::openapi::Object) -> Schema {
    let empty = ObjectBuilder::new()
        .schema_type(Type::String)
        .max_length(Some(0))
        .build();
    Schema::OneOf(
        utoipa::openapi::schema::OneOfBuilder::new()
            .item(value)
            .item(empty)
            .build(),
    )
}

/// A yes/no switch in a query string, as the web's checkboxes and links send it.
pub fn query_flag() -> Schema {
    let values = ["true", "false", "1", "0", "yes", "no", "on", "off", ""];
    Schema::Object(
        ObjectBuilder::new()
            .schema_type(Type::String)
            .enum_values(Some(values))
            .build(),
    )
}

/// A search in a query string: up to 200 characters, no control characters, empty for
/// none (`validate::search`).
pub fn query_search() -> Schema {
    Schema::Object(
        ObjectBuilder::new()
            .schema_type(Type::String)
            .max_length(Some(200))
            .pattern(Some(r"^[^\x00-\x1f\x7f-\x9f]*$"))
            .build(),
    )
}

/// An id in a query string: a whole number from 1, or empty for none.
pub fn query_id() -> Schema {
    let id = ObjectBuilder::new()
        .schema_type(Type::Integer)
        .format(Some(SchemaFormat::KnownFormat(KnownFormat::Int32)))
        .minimum(Some(1))
        .build();
    or_empty(id)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::validate::YEARS;

    #[test]
    fn the_documented_years_are_the_years_the_date_check_accepts() {
        // The pattern spells the range out; if `validate::YEARS` moves, so must it.
        let (first, last) = (YEARS.start(), YEARS.end());
        assert!(
            DATE_PATTERN.contains(&first.to_string()[..2]),
            "{DATE_PATTERN}"
        );
        assert!(
            DATE_PATTERN.contains(&format!("|{last})")),
            "{DATE_PATTERN}"
        );
        assert!(crate::validate::date("2100-12-31").is_some());
        assert!(crate::validate::date("2101-01-01").is_none());
        assert!(crate::validate::date("1900-01-01").is_some());
        assert!(crate::validate::date("1899-12-31").is_none());
    }
}
