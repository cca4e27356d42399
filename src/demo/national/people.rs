//! The national data set's residents (one per enrolment), their equality monitoring and
//! the deprivation lookup of the postcodes they live at. One in sixteen is a Smith.

use diesel::QueryResult;

use super::{COORDINATOR, Counts, PER_COHORT, Progress, Shape, days, pick, ts};
use crate::db::DbConnection;
use crate::models::bulk::{Inserter, Value};
use crate::validate::fold;

/// Postcodes residents live at; four in five are in the deprivation lookup.
const POSTCODES: i64 = 2_000;

const GIVEN: [&str; 16] = [
    "Aisha", "Ben", "Chloe", "Daniel", "Emma", "Farhan", "Grace", "Harry", "Imran", "Jade",
    "Kieran", "Leah", "Mohammed", "Niamh", "Oliver", "Priya",
];
const FAMILY: [&str; 16] = [
    "Ahmed", "Brown", "Clarke", "Davies", "Evans", "Fletcher", "Green", "Hussain", "Iqbal",
    "Jones", "Khan", "Lewis", "Murphy", "Nowak", "Patel", "Smith",
];
const NEIGHBOURHOODS: [&str; 10] = [
    "Lincoln Green",
    "Burmantofts",
    "Harehills",
    "Seacroft",
    "Gipton",
    "Beeston",
    "Holbeck",
    "Armley",
    "Chapeltown",
    "Middleton",
];
const ETHNIC: [&str; 6] = [
    "white_british",
    "asian_pakistani",
    "black_african",
    "mixed_other",
    "white_other",
    "prefer_not_to_say",
];

fn postcode(j: i64) -> String {
    let (area, sector, unit) = (j / 100, j / 10 % 10, j % 10);
    let first = (b'A' + unit as u8) as char;
    let second = (b'B' + (unit * 7 % 20) as u8) as char;
    format!("LS{} {sector}{first}{second}", area + 1)
}

fn neighbourhood(j: i64) -> &'static str {
    NEIGHBOURHOODS[(j / 100 % 10) as usize]
}

/// Loads the deprivation lookup, the residents and their equality monitoring.
pub(super) fn load(
    conn: &mut DbConnection,
    shape: &Shape,
    counts: &mut Counts,
    progress: Progress<'_>,
) -> QueryResult<()> {
    let mut lookup = Inserter::new(
        "deprivation_lookup",
        "postcode, lsoa_code, neighbourhood, imd_decile, edition",
    );
    for j in (0..POSTCODES).filter(|j| j % 5 != 4) {
        let decile = 1 + pick(11, j, 4) + pick(12, j, 3) * pick(13, j, 3);
        let lsoa = format!("E0101{:04}", j / 4);
        lookup.row(
            conn,
            &[
                Value::Text(&postcode(j)),
                Value::Text(&lsoa),
                Value::Text(neighbourhood(j)),
                Value::Int(decile),
                Value::Text("IoD2019"),
            ],
        )?;
    }
    lookup.finish(conn, counts)?;
    let mut people = Inserter::new(
        "participants",
        "id, owner_organisation_id, given_name, family_name, given_name_key, family_name_key, \
         date_of_birth, postcode, phone, email, neighbourhood, referral_source, employment_status, \
         months_unemployed, benefit_status, consent_given_on, lawful_basis, created_at, updated_at, \
         search_name, postcode_key",
    );
    let mut equality = Inserter::new(
        "equality_monitoring",
        "participant_id, ethnic_group, sex, disability, consent_given_on, recorded_at, recorded_by_user_id",
    );
    let given_keys = GIVEN.map(str::to_lowercase);
    let family_keys = FAMILY.map(str::to_lowercase);
    for c in 1..=shape.cohorts {
        let start = shape.starts_on(c);
        let joined = start - days(30);
        for k in 0..PER_COHORT {
            let id = (c - 1) * PER_COHORT + k + 1;
            let (g, f) = (pick(14, id, 16) as usize, pick(15, id, 16) as usize);
            let born = start - days(365 * (17 + pick(16, id, 45)) + pick(17, id, 365));
            let j = pick(18, id, POSTCODES);
            let phone = format!("0113 496 {:04}", id % 10_000);
            let search_name = fold::name_key(GIVEN[g], FAMILY[f]);
            let postcode_key = fold::postcode_key(&postcode(j));
            people.row(
                conn,
                &[
                    Value::Int(id),
                    Value::Int(1),
                    Value::Text(GIVEN[g]),
                    Value::Text(FAMILY[f]),
                    Value::Text(&given_keys[g]),
                    Value::Text(&family_keys[f]),
                    Value::Date(born),
                    Value::Text(&postcode(j)),
                    Value::Text(&phone),
                    Value::Null,
                    if j % 5 == 4 {
                        Value::Null
                    } else {
                        Value::Text(neighbourhood(j))
                    },
                    Value::Text("jobcentre"),
                    Value::Text("unemployed"),
                    Value::Int(pick(19, id, 36)),
                    Value::Text("universal_credit"),
                    Value::Date(joined),
                    Value::Text("public_task"),
                    Value::At(ts(joined)),
                    Value::At(ts(joined)),
                    Value::Text(&search_name),
                    Value::Text(&postcode_key),
                ],
            )?;
            if pick(20, id, 10) < 7 {
                equality.row_under(
                    &mut people,
                    conn,
                    &[
                        Value::Int(id),
                        Value::Text(ETHNIC[pick(21, id, 6) as usize]),
                        Value::Text(
                            ["female", "male", "prefer_not_to_say"][pick(22, id, 3) as usize],
                        ),
                        Value::Text(
                            ["yes", "no", "no", "no", "prefer_not_to_say"]
                                [pick(23, id, 5) as usize],
                        ),
                        Value::Date(joined),
                        Value::At(ts(joined)),
                        Value::Int(COORDINATOR),
                    ],
                )?;
            }
        }
        progress("residents");
    }
    people.finish(conn, counts)?;
    equality.finish(conn, counts)
}
