//! Properties of the CSV import (security plan T-10), through the real API on the test
//! database: a bad row anywhere stores nothing, valid rows are all stored once (and a
//! second import of the same file adds nobody), and no file, however large or malformed,
//! gets a 5xx. Each case works in a cohort of its own with residents named for the case,
//! so cases share one database without seeing each other's rows.
//!
//! Case counts (`PROPTEST_CASES` overrides them all): 64 for the two database properties,
//! 256 for malformed files, 16 for oversized ones, and 10,000 for the same files through
//! the reader alone (no database), where a case costs well under a millisecond.

use std::cell::Cell;

use axum::body::Body;
use axum::http::{Method, Request, StatusCode, header};
use diesel::prelude::*;
use pathways::auth::Role;
use pathways::models::participant_import::{ImportError, MAX_IMPORT_ROWS, parse};
use pathways::schema::{enrolments, participants};
use proptest::prelude::*;
use proptest::test_runner::Config;
use tokio::runtime::Runtime;

use crate::common::{Delivery, TestApp, TestClient, TestResponse};

/// The runtime, an app with a programme and a coordinator's API client.
struct Harness {
    rt: Runtime,
    app: TestApp,
    delivery: Delivery,
    client: TestClient,
    case: Cell<u64>,
}

impl Harness {
    fn new() -> Harness {
        let rt = Runtime::new().unwrap();
        let (app, delivery, client) = rt.block_on(async {
            let app = TestApp::new().await;
            let delivery = app.delivery("Leeds City Council").await;
            let (id, _) = app.user(Role::Coordinator, "Leeds City Council").await;
            let client = app.token_client(id).await;
            (app, delivery, client)
        });
        Harness {
            rt,
            app,
            delivery,
            client,
            case: Cell::new(0),
        }
    }

    /// A new cohort and a family name no other case uses.
    fn fresh(&self) -> (i32, String) {
        let cohort = self.cohort();
        (cohort, format!("Prop{}", letters(self.case.get())))
    }

    /// A new recruiting cohort of 1000 places (names are unique within a programme).
    fn cohort(&self) -> i32 {
        self.case.set(self.case.get() + 1);
        let (programme, now) = (self.delivery.programme, self.app.state.clock.now());
        let name = format!("Property case {}", self.case.get());
        self.rt
            .block_on(self.app.state.db.run(move |conn| {
                use crate::common::create_cohort;
                use pathways::actions::cohorts::CohortInput;
                let input = CohortInput {
                    programme_id: Some(programme),
                    name: Some(name),
                    starts_on: Some("2027-03-01".into()),
                    capacity: Some(1000),
                    status: Some("recruiting".into()),
                    ..CohortInput::default()
                };
                Ok(create_cohort(conn, 1, input, now)?.id)
            }))
            .unwrap()
    }

    fn import(&self, cohort: i32, body: Vec<u8>) -> TestResponse {
        let req = Request::builder()
            .method(Method::POST)
            .uri(format!("/api/v1/cohorts/{cohort}/import"))
            .header(header::CONTENT_TYPE, "text/csv")
            .body(Body::from(body))
            .unwrap();
        self.rt.block_on(self.client.send(req, None))
    }

    /// (residents named `family`, enrolments in `cohort`, audit events).
    fn counts(&self, family: &str, cohort: i32) -> (i64, i64, i64) {
        let family = family.to_owned();
        self.rt.block_on(async {
            let audit = self.app.audit_count().await;
            let (p, e) = self
                .app
                .state
                .db
                .run(move |conn| {
                    let p = participants::table
                        .filter(participants::family_name.eq(family))
                        .count()
                        .get_result::<i64>(conn)?;
                    let e = enrolments::table
                        .filter(enrolments::cohort_id.eq(cohort))
                        .count()
                        .get_result::<i64>(conn)?;
                    Ok((p, e))
                })
                .await
                .unwrap();
            (p, e, audit)
        })
    }
}

fn config(cases: u32) -> Config {
    let mut config = Config::default();
    if std::env::var("PROPTEST_CASES").is_err() {
        config.cases = cases;
    }
    config
}

/// `n` in letters, so a name never depends on digits being allowed.
fn letters(mut n: u64) -> String {
    let mut out = Vec::new();
    loop {
        out.push(b'a' + (n % 26) as u8);
        n /= 26;
        if n == 0 {
            break;
        }
    }
    out.reverse();
    String::from_utf8(out).unwrap()
}

/// How a valid file is written: (UK dates, LF or CRLF, a byte-order mark, quoted fields,
/// an email column, blank lines at the end).
type Style = (bool, bool, bool, bool, bool, bool);

/// One valid resident: (given-name stem, date of birth (y, m, d), postcode as typed).
type Person = (&'static str, (i32, u32, u32), String);

fn person() -> impl Strategy<Value = Person> {
    let stems = prop::sample::select(vec![
        "Amina",
        "Siobhán",
        "Thi Mai",
        "محمد",
        "Zoë",
        "Ólafur",
        "Kwame",
        "Łucja",
        "O'Brien",
        "Anne-Marie",
    ]);
    let postcodes = prop::sample::select(vec!["LS9 7TF", "LS8 5QB", "M1 1AE", "SW1A 1AA"]);
    let typed = (postcodes, 0..3u8).prop_map(|(p, how)| match how {
        0 => p.to_owned(),
        1 => p.to_lowercase().replace(' ', ""),
        _ => format!(" {} ", p.replace(' ', "  ")),
    });
    (stems, (1950..2005i32, 1..=12u32, 1..=28u32), typed)
}

/// The file: header, then `rows` (already written as lines), in `style`.
fn file(rows: &[String], style: Style) -> Vec<u8> {
    let (_, crlf, bom, _, email, blank) = style;
    let end = if crlf { "\r\n" } else { "\n" };
    let mut out = String::new();
    if bom {
        out.push('\u{feff}');
    }
    out.push_str("given_name,family_name,date_of_birth,postcode");
    out.push_str(if email { ",email" } else { "" });
    out.push_str(end);
    for row in rows {
        out.push_str(row);
        out.push_str(end);
    }
    if blank {
        out.push_str(end);
        out.push_str(if email { ",,,," } else { ",,," });
        out.push_str(end);
    }
    out.into_bytes()
}

/// Row `i` of a case: a unique given name, the case's family name.
fn row(i: usize, p: &Person, family: &str, style: Style) -> String {
    let (uk, _, _, quoted, email, _) = style;
    let (stem, (y, m, d), postcode) = p;
    let given = format!("{stem}{}", letters(i as u64));
    let dob = if uk {
        format!("{d:02}/{m:02}/{y}")
    } else {
        format!("{y}-{m:02}-{d:02}")
    };
    let mut cells = vec![given, family.to_owned(), dob, postcode.clone()];
    if email {
        cells.push(format!("resident{i}@example.org"));
    }
    if quoted {
        cells = cells
            .into_iter()
            .map(|c| format!("\"{}\"", c.replace('"', "\"\"")))
            .collect();
    }
    cells.join(",")
}

/// A row that must be refused, in one of several ways, for a file with or without email.
fn bad_row(kind: u8, family: &str, email: bool) -> String {
    let tail = if email { "," } else { "" };
    match kind {
        0 => format!(",{family},1990-01-01,LS9 7TF{tail}"),
        1 => format!("Bad,{family},31/02/1990,LS9 7TF{tail}"),
        2 => format!("Bad,{family},1990-01-01,nowhere{tail}"),
        3 => format!("Bad,{family},1990-01-01,LS9 7TF{tail},extra"),
        4 => format!("Bad,{family},2030-01-01,LS9 7TF{tail}"),
        5 if email => format!("Bad,{family},1990-01-01,LS9 7TF,bad@"),
        _ => format!("Bad,{family},2020-01-01,LS9 7TF{tail}"),
    }
}

fn style() -> impl Strategy<Value = Style> {
    any::<Style>()
}

#[test]
fn a_bad_row_anywhere_means_nothing_is_stored() {
    let h = Harness::new();
    proptest!(config(64), |(people in prop::collection::vec(person(), 0..25), k in any::<prop::sample::Index>(), kind in 0..7u8, style in style())| {
        let (cohort, family) = h.fresh();
        let mut rows: Vec<String> = people.iter().enumerate().map(|(i, p)| row(i, p, &family, style)).collect();
        let k = k.index(rows.len() + 1);
        rows.insert(k, bad_row(kind, &family, style.4));
        let before = h.counts(&family, cohort);
        let r = h.import(cohort, file(&rows, style));
        prop_assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.text());
        let first_line = r.json()["error"]["rows"][0]["line"].as_u64();
        prop_assert_eq!(first_line, Some(k as u64 + 2), "the bad row is named: {}", r.text());
        prop_assert_eq!(h.counts(&family, cohort), (0, 0, before.2), "nothing stored");
    });
}

#[test]
fn the_reader_accepts_every_valid_file_and_names_the_bad_row() {
    let today = chrono::NaiveDate::from_ymd_opt(2026, 11, 23).unwrap();
    proptest!(config(10_000), |(people in prop::collection::vec(person(), 1..25), bad in prop::option::of((any::<prop::sample::Index>(), 0..7u8)), style in style())| {
        let mut rows: Vec<String> = people.iter().enumerate().map(|(i, p)| row(i, p, "Reader", style)).collect();
        let n = rows.len();
        match bad {
            None => {
                let parsed = parse(&file(&rows, style), today);
                let lines: Vec<u64> = parsed.expect("a valid file is accepted").iter().map(|r| r.line).collect();
                prop_assert_eq!(lines, (2..n as u64 + 2).collect::<Vec<_>>());
            }
            Some((k, kind)) => {
                let k = k.index(n + 1);
                rows.insert(k, bad_row(kind, "Reader", style.4));
                let Err(ImportError::Rows(problems)) = parse(&file(&rows, style), today) else {
                    panic!("a file with a bad row is refused");
                };
                prop_assert!(problems.iter().all(|p| p.line == Some(k as u64 + 2)), "{:?}", problems);
            }
        }
    });
}

#[test]
fn valid_rows_are_all_stored_once_even_when_the_file_comes_twice() {
    let h = Harness::new();
    proptest!(config(64), |(people in prop::collection::vec(person(), 1..25), style in style())| {
        let (cohort, family) = h.fresh();
        let rows: Vec<String> = people.iter().enumerate().map(|(i, p)| row(i, p, &family, style)).collect();
        let n = rows.len() as i64;
        let before = h.counts(&family, cohort);
        let r = h.import(cohort, file(&rows, style));
        prop_assert_eq!(r.status, StatusCode::CREATED, "{}", r.text());
        prop_assert_eq!(r.json()["new_residents"].as_i64(), Some(n));
        let (people_stored, enrolled, audit) = h.counts(&family, cohort);
        prop_assert_eq!((people_stored, enrolled), (n, n));
        prop_assert_eq!(audit - before.2, 2 * n + 1, "a creation event per resident and enrolment, one for the import");
        let again = h.import(cohort, file(&rows, style));
        prop_assert_eq!(again.status, StatusCode::CREATED, "{}", again.text());
        prop_assert_eq!(again.json()["already_in_cohort"].as_i64(), Some(n));
        let (p, e, _) = h.counts(&family, cohort);
        prop_assert_eq!((p, e), (n, n), "no duplicates after the second import");
        let elsewhere = h.cohort();
        let moved = h.import(elsewhere, file(&rows, style));
        prop_assert_eq!(moved.json()["enrolled_existing"].as_i64(), Some(n), "{}", moved.text());
        prop_assert_eq!(h.counts(&family, elsewhere).0, n, "people on file are not added again");
    });
}

/// Near-CSV text: the template header over lines of CSV-ish characters, multi-byte ones
/// included (a byte-order mark or `ß` inside a postcode once panicked the validator).
fn near_csv() -> impl Strategy<Value = Vec<u8>> {
    let line = "[A-Za-z0-9 ,\"/@+\\-\t\rßÄ\u{feff}\u{202e}]{0,60}";
    prop::collection::vec(line, 0..12).prop_map(|lines| {
        format!(
            "given_name,family_name,date_of_birth,postcode,email,phone\n{}",
            lines.join("\n")
        )
        .into_bytes()
    })
}

#[test]
fn malformed_files_are_refused_or_imported_never_a_server_error() {
    let h = Harness::new();
    let (cohort, _) = h.fresh();
    let bodies = prop_oneof![prop::collection::vec(any::<u8>(), 0..600), near_csv()];
    proptest!(config(256), |(body in bodies)| {
        let before = h.rt.block_on(h.app.audit_count());
        let r = h.import(cohort, body);
        prop_assert!(
            [StatusCode::CREATED, StatusCode::UNPROCESSABLE_ENTITY].contains(&r.status),
            "{} {}", r.status, r.text()
        );
        if r.status != StatusCode::CREATED {
            prop_assert_eq!(h.rt.block_on(h.app.audit_count()), before, "a refused file writes nothing");
        }
    });
}

#[test]
fn files_over_the_limits_get_413_and_store_nothing() {
    let h = Harness::new();
    let (cohort, family) = h.fresh();
    proptest!(config(16), |(extra in 1..50usize, by_bytes in any::<bool>(), p in person())| {
        let body = if by_bytes {
            // Under the row limit but over 5 MB: one resident with an enormous email.
            let padding = "x".repeat(5 * 1024 * 1024 + extra);
            format!("given_name,family_name,date_of_birth,postcode,email\nA,{family},1990-01-01,LS9 7TF,{padding}@example.org\n").into_bytes()
        } else {
            let style = (false, false, false, false, false, false);
            let rows: Vec<String> = (0..MAX_IMPORT_ROWS + extra).map(|i| row(i, &p, &family, style)).collect();
            file(&rows, style)
        };
        let before = h.counts(&family, cohort);
        let r = h.import(cohort, body);
        prop_assert_eq!(r.status, StatusCode::PAYLOAD_TOO_LARGE, "{}", r.text());
        prop_assert_eq!(h.counts(&family, cohort), before);
    });
}
