//! An audit event in words for a resident's history: the stored entity and action codes
//! (`enrolment`, `update`) and a stage code in the snapshots become what people read
//! ("Stage changed from started to withdrawn: moved away"). The stored codes stay as they
//! are for exports and the API; no code is ever shown as it is stored.

use super::{Stage, WithdrawalReason};

/// What kind of record an event is about, as a noun for a sentence.
fn noun(entity: &str) -> &'static str {
    match entity {
        "participant" => "Resident's details",
        "enrolment" => "Enrolment",
        "equality_monitoring" => "Equality monitoring answers",
        "information_session_attendee" => "Information session attendance",
        "employment" => "Employment",
        "progression" => "Progression",
        "checkpoint" => "Checkpoint",
        "cohort" => "Cohort",
        "cohort_schedule" => "Cohort schedule",
        "course_session" => "Course session",
        "register" => "Register",
        "closure_day" => "Closure day",
        "programme" => "Programme",
        "organisation" => "Organisation",
        "user" => "User account",
        _ => "Record",
    }
}

/// What was done, as a past participle.
fn verb(action: &str) -> &'static str {
    match action {
        "create" => "added",
        "update" => "changed",
        "delete" => "removed",
        "read" => "viewed",
        "export" => "exported",
        "erase" => "erased",
        "sign_in" => "signed in",
        "sign_out" => "signed out",
        _ => "changed",
    }
}

/// The stage and withdrawal reason in a stored enrolment snapshot (JSON), when it has them.
fn stage_of(snapshot: Option<&str>) -> Option<(Stage, Option<WithdrawalReason>)> {
    let value: serde_json::Value = serde_json::from_str(snapshot?).ok()?;
    let stage = Stage::parse(value["stage"].as_str()?)?;
    let reason = value["withdrawal_reason"]
        .as_str()
        .and_then(WithdrawalReason::parse);
    Some((stage, reason))
}

/// A stage in a sentence, with the reason when the resident withdrew.
fn stage_words((stage, reason): (Stage, Option<WithdrawalReason>)) -> String {
    let stage = stage.label().to_lowercase();
    match reason {
        Some(r) => format!("{stage}: {}", r.label().to_lowercase()),
        None => stage,
    }
}

/// The event in words, from its stored `entity` and `action` codes and the record
/// `before` and `after` (JSON snapshots): an enrolment's stage change names both stages.
pub fn describe(entity: &str, action: &str, before: Option<&str>, after: Option<&str>) -> String {
    if entity == "enrolment" {
        match (stage_of(before), stage_of(after)) {
            (Some(from), Some(to)) if from.0 != to.0 => {
                return format!(
                    "Stage changed from {} to {}",
                    from.0.label().to_lowercase(),
                    stage_words(to)
                );
            }
            (None, Some(to)) => return format!("Enrolled ({})", stage_words(to)),
            _ => {}
        }
    }
    format!("{} {}", noun(entity), verb(action))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stage_codes_read_as_labels() {
        let text = describe(
            "enrolment",
            "update",
            Some(r#"{"stage":"started"}"#),
            Some(r#"{"stage":"withdrawn","withdrawal_reason":"moved_away"}"#),
        );
        assert_eq!(text, "Stage changed from started to withdrawn: moved away");
        let text = describe(
            "enrolment",
            "create",
            None,
            Some(r#"{"stage":"not_started"}"#),
        );
        assert_eq!(text, "Enrolled (did not start)");
    }

    #[test]
    fn no_code_is_shown_as_stored() {
        assert_eq!(
            describe("information_session_attendee", "create", None, None),
            "Information session attendance added"
        );
        assert_eq!(
            describe("participant", "read", None, None),
            "Resident's details viewed"
        );
        assert_eq!(
            describe("some_new_thing", "some_action", None, None),
            "Record changed"
        );
        let same = describe(
            "enrolment",
            "update",
            Some(r#"{"stage":"started"}"#),
            Some(r#"{"stage":"started","interviewed_on":"2026-11-20"}"#),
        );
        assert_eq!(same, "Enrolment changed");
    }
}
