//! Every validator in `validate` and every input check in the models, fed arbitrary
//! Unicode (NUL and other controls, lone combining marks, right-to-left marks and
//! overrides, letters that change length when upper-cased, strings up to about 100 KB):
//! none panics, and what is accepted holds no control characters. 2,000 cases per
//! property (64 for the 100 KB strings) keep a debug run to a few seconds.

use chrono::{Datelike, NaiveDate};
use pathways::actions::cohorts::CohortInput;
use pathways::models::equality::EqualityAnswers;
use pathways::models::equality::check_equality;
use pathways::models::information_session::{self, InformationSessionInput};
use pathways::models::participant_import;
use pathways::models::participant_input::{ParticipantInput, check};
use pathways::validate::{self, Lines};
use proptest::prelude::*;

fn today() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 11, 23).unwrap()
}

/// Characters that have broken validators before, mixed with any character at all.
fn hostile_char() -> impl Strategy<Value = char> {
    prop_oneof![
        4 => any::<char>(),
        3 => proptest::char::range('0', 'z'),
        1 => prop::sample::select(vec![
            '\0', '\n', '\r', '\t', '\u{1b}', '\u{7f}', '\u{85}', '\u{301}', '\u{202e}',
            '\u{200f}', '\u{2066}', '\u{feff}', 'Ä', 'ß', 'ﬀ', 'İ', ' ', '/', '-', '+', '@',
            '.', ',', '"',
        ]),
    ]
}

fn hostile() -> impl Strategy<Value = String> {
    prop::collection::vec(hostile_char(), 0..40).prop_map(|c| c.into_iter().collect())
}

fn optional() -> impl Strategy<Value = Option<String>> {
    prop::option::of(hostile())
}

fn no_control(value: &str, lines: Lines) -> bool {
    !validate::has_control(value, lines)
}

/// Every validator on one string; panics only if a check is broken.
fn every_validator(s: &str) {
    for lines in [Lines::One, Lines::Many] {
        if let Ok(v) = validate::text(s, "the venue", 200, lines) {
            assert!(no_control(&v, lines) && v.chars().count() <= 200);
        }
        if let Ok(Some(v)) = validate::optional_text(Some(s), "notes", 500, lines) {
            assert!(no_control(&v, lines) && !v.is_empty());
        }
    }
    if let Ok(v) = validate::required_text(s, "a name", 100) {
        assert!(no_control(&v, Lines::One) && !v.is_empty());
    }
    if let Ok(v) = validate::search(s) {
        assert!(no_control(&v, Lines::One));
    }
    if let Ok(v) = validate::email(s) {
        assert!(no_control(&v, Lines::One) && v.contains('@'));
    }
    if let Ok(v) = validate::postcode(s) {
        assert!(v.is_ascii() && (6..=8).contains(&v.len()), "{v:?}");
    }
    if let Ok(v) = validate::phone(s) {
        assert!(v.is_ascii());
    }
    if let Some(d) = validate::date(s) {
        assert!(validate::YEARS.contains(&d.year()));
    }
    if let Ok(d) = validate::date_parts(s, s, s, "Date") {
        assert!(validate::YEARS.contains(&d.year()));
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2_000))]

    #[test]
    fn no_validator_panics_on_any_string(s in hostile()) {
        every_validator(&s);
    }

    #[test]
    fn three_date_boxes_never_panic(day in hostile(), month in hostile(), year in hostile()) {
        if let Ok(d) = validate::date_parts(&day, &month, &year, "Date of birth") {
            prop_assert!(validate::YEARS.contains(&d.year()));
        }
    }

    #[test]
    fn the_resident_check_never_panics(
        given in optional(), family in optional(), dob in optional(), postcode in optional(),
        email in optional(), phone in optional(), referral in optional(),
        status in optional(), consent in optional(),
    ) {
        let input = ParticipantInput {
            given_name: given,
            family_name: family,
            date_of_birth: dob,
            postcode,
            email,
            phone,
            referral_source: referral,
            employment_status: status,
            consent_given_on: consent,
            ..ParticipantInput::default()
        };
        if let Ok(r) = check(&input, today()) {
            prop_assert!(no_control(&r.given_name, Lines::One));
            prop_assert!(no_control(&r.family_name, Lines::One));
            prop_assert!(r.referral_source.as_deref().is_none_or(|s| no_control(s, Lines::One)));
        }
        let answers = EqualityAnswers {
            ethnic_group: input.given_name.clone(),
            sex: input.family_name.clone(),
            disability: input.postcode.clone(),
            consent_given_on: None,
        };
        let _ = check_equality(&answers, today());
    }

    #[test]
    fn cohort_and_information_session_checks_never_panic(
        name in optional(), starts in optional(), venue in optional(), status in optional(),
    ) {
        let cohort = CohortInput {
            programme_id: Some(1),
            name: name.clone(),
            starts_on: starts.clone(),
            venue: venue.clone(),
            status,
            ..CohortInput::default()
        };
        let _ = cohort.problems(true);
        let _ = cohort.problems(false);
        let session = InformationSessionInput { held_on: starts, venue, head_count: Some(3) };
        if let Ok((_, v, _)) = information_session::check(&session, today()) {
            prop_assert!(no_control(&v, Lines::One));
        }
    }

    #[test]
    fn the_csv_import_never_panics(fields in prop::collection::vec(hostile(), 1..8)) {
        let row: Vec<String> = fields.iter().map(|f| f.replace('"', "\"\"")).collect();
        let sheet = format!(
            "given_name,family_name,date_of_birth,postcode,email,phone\n\"{}\"\n",
            row.join("\",\"")
        );
        if let Ok(rows) = participant_import::parse(sheet.as_bytes(), today()) {
            for r in rows {
                prop_assert!(no_control(&r.record.given_name, Lines::One));
                prop_assert!(r.record.postcode.is_ascii());
            }
        }
        let _ = participant_import::parse(fields.concat().as_bytes(), today());
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn very_long_strings_are_refused_not_fatal(s in hostile(), times in 1usize..25_000) {
        let long = s.repeat(times.min(100_000 / s.len().max(1)));
        every_validator(&long);
    }
}

#[test]
fn text_refuses_control_characters_but_notes_keep_line_breaks() {
    assert_eq!(
        validate::text("The Old Fire Station\u{0}", "the venue", 200, Lines::One).unwrap_err(),
        "Venue must not contain control characters"
    );
    assert!(validate::text("a\nb", "the venue", 200, Lines::One).is_err());
    assert!(validate::text("a\u{85}b", "the venue", 200, Lines::One).is_err());
    assert_eq!(
        validate::text(" first\n\tsecond ", "notes", 500, Lines::Many).unwrap(),
        "first\n\tsecond"
    );
    assert!(validate::text("a\u{1b}[31m", "notes", 500, Lines::Many).is_err());
    assert_eq!(
        validate::optional_text(Some("  "), "x", 5, Lines::One),
        Ok(None)
    );
    assert_eq!(
        validate::search("ls9\u{0}").unwrap_err(),
        "Search must not contain control characters"
    );
    // Right-to-left marks are not control characters: names may need them.
    assert!(validate::required_text("\u{202e}Amina", "a name", 100).is_ok());
}
