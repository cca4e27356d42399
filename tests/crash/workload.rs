//! The fixture (an admin, a token, a programme, a cohort with a register of six residents)
//! and the write traffic: concurrent clients creating residents, enrolling them, saving
//! whole registers and importing CSV files, each write logged with whether it got a 2xx.

use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use chrono::{Datelike, Days, Utc};
use serde_json::{Value, json};

use crate::http;
use crate::{Rng, cli};

/// Concurrent writing clients.
pub const CLIENTS: u64 = 4;
/// Residents on the register cohort (entries in every register save).
const REGISTER_SIZE: usize = 6;
/// Rows in every imported file.
const IMPORT_ROWS: u64 = 3;
/// Attendance statuses a register save sets (one per save, on every entry).
pub const STATUSES: [&str; 4] = [
    "present",
    "late",
    "authorised_absence",
    "unauthorised_absence",
];
/// The family name of every resident the test writes.
pub const FAMILY: &str = "Crashtest";

/// What the set-up made, shared by every round.
#[derive(Debug, Clone)]
pub struct Fixture {
    /// API token of an admin.
    pub token: String,
    /// The programme.
    pub programme: i64,
    /// Sessions (all in the past) whose registers are saved.
    pub sessions: Vec<i64>,
    /// Enrolments on those registers.
    pub roster: Vec<i64>,
}

/// One write sent to the server.
#[derive(Debug, Clone)]
pub enum Write {
    /// `POST /participants`; the id when acknowledged.
    Resident { given: String, id: Option<i64> },
    /// `POST /cohorts/{cohort}/enrolments`; the enrolment id when acknowledged.
    Enrol {
        participant: i64,
        cohort: i64,
        enrolment: Option<i64>,
    },
    /// `PUT /sessions/{session}/attendance` with `status` for every enrolment.
    Register { session: i64, status: &'static str },
    /// `POST /cohorts/{cohort}/import` of new residents with these given names.
    Import { cohort: i64, names: Vec<String> },
}

/// A write and whether the server acknowledged it (2xx).
#[derive(Debug, Clone)]
pub struct Attempt {
    /// The write.
    pub write: Write,
    /// Got a 2xx.
    pub acked: bool,
}

/// Creates the admin and its token with the command line (the database must be
/// migrated), then the rest through the API of `addr`.
pub fn admin_token(url: &str) -> String {
    cli(
        url,
        &[
            "user",
            "add",
            "--email",
            "crash-admin@council.example",
            "--name",
            "Crash Admin",
            "--organisation",
            "Leeds City Council",
            "--organisation-kind",
            "council",
            "--role",
            "admin",
            "--password-stdin",
        ],
        "violet tractor mango lighthouse\n",
    );
    let token = cli(
        url,
        &["token", "create", "--email", "crash-admin@council.example"],
        "",
    );
    token.trim().to_owned()
}

fn created(r: std::io::Result<http::Response>, what: &str) -> Value {
    let r = r.unwrap_or_else(|e| panic!("{what}: {e}"));
    assert!(r.acknowledged(), "{what}: {} {}", r.status, r.text());
    r.json()
}

/// A Monday about nine weeks ago, so every session of a six-week cohort is in the past.
fn past_monday() -> String {
    let day = Utc::now().date_naive() - Days::new(63);
    let monday = day - Days::new(u64::from(day.weekday().num_days_from_monday()));
    monday.format("%Y-%m-%d").to_string()
}

/// A running cohort of the programme.
pub fn cohort(addr: SocketAddr, token: &str, programme: i64, name: &str, capacity: i64) -> i64 {
    let body = json!({"programme_id": programme, "name": name, "starts_on": past_monday(),
        "capacity": capacity, "status": "running"});
    created(
        http::json(addr, "POST", "/api/v1/cohorts", token, &body),
        "cohort",
    )["id"]
        .as_i64()
        .unwrap()
}

/// The programme, the register cohort with its sessions and six enrolled residents.
pub fn fixture(addr: SocketAddr, token: String) -> Fixture {
    let me = created(
        http::send(addr, "GET", "/api/v1/me", Some(&token), None),
        "me",
    );
    let org = me["organisation"]["id"].as_i64().unwrap();
    let body = json!({"name": "Crash test programme", "partner_organisation_ids": [org]});
    let programme = created(
        http::json(addr, "POST", "/api/v1/programmes", &token, &body),
        "programme",
    )["id"]
        .as_i64()
        .unwrap();
    let register_cohort = cohort(addr, &token, programme, "Register cohort", 20);
    let path = format!("/api/v1/cohorts/{register_cohort}/sessions/generate");
    let sessions: Vec<i64> = created(
        http::json(addr, "POST", &path, &token, &json!({})),
        "generate",
    )["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["id"].as_i64().unwrap())
        .collect();
    let mut roster = Vec::new();
    for i in 0..REGISTER_SIZE as u64 {
        let person = resident_body(&format!("Reg{}", letters(i)));
        let p = created(
            http::json(addr, "POST", "/api/v1/participants", &token, &person),
            "resident",
        );
        let path = format!("/api/v1/cohorts/{register_cohort}/enrolments");
        let e = created(
            http::json(
                addr,
                "POST",
                &path,
                &token,
                &json!({"participant_id": p["id"]}),
            ),
            "enrol",
        );
        roster.push(e["id"].as_i64().unwrap());
    }
    Fixture {
        token,
        programme,
        sessions,
        roster,
    }
}

/// `n` written with letters only (names need not allow digits).
pub fn letters(mut n: u64) -> String {
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

fn resident_body(given: &str) -> Value {
    json!({"given_name": given, "family_name": FAMILY, "date_of_birth": "1990-01-01",
        "postcode": "LS9 7TF"})
}

/// One client's writes until the server stops answering or `stop` is set: returns every
/// attempt and the number of 5xx answers.
pub fn client(
    addr: SocketAddr,
    fixture: &Fixture,
    intake: i64,
    tag: u64,
    mut rng: Rng,
    stop: Arc<AtomicBool>,
) -> (Vec<Attempt>, u64) {
    let client = tag % CLIENTS;
    let mine: Vec<i64> = fixture
        .sessions
        .iter()
        .enumerate()
        .filter(|(i, _)| *i as u64 % CLIENTS == client)
        .map(|(_, s)| *s)
        .collect();
    let token = fixture.token.as_str();
    let (mut log, mut errors, mut seq) = (Vec::new(), 0, 0u64);
    let mut next_name = |prefix: &str| {
        seq += 1;
        format!("{prefix}{}", letters(tag * 100_000 + seq))
    };
    // Records the attempt; `false` when the connection failed (the server is gone).
    let mut send = |write: Write, r: std::io::Result<http::Response>, log: &mut Vec<Attempt>| {
        let Ok(r) = r else {
            log.push(Attempt {
                write,
                acked: false,
            });
            return None;
        };
        if r.status >= 500 {
            errors += 1;
        }
        let acked = r.acknowledged();
        log.push(Attempt { write, acked });
        Some(if acked { r.json() } else { Value::Null })
    };
    while !stop.load(Ordering::Relaxed) {
        let kind = rng.below(20);
        let outcome = if kind < 12 {
            let given = next_name("K");
            let r = http::json(
                addr,
                "POST",
                "/api/v1/participants",
                token,
                &resident_body(&given),
            );
            let write = Write::Resident { given, id: None };
            let Some(body) = send(write, r, &mut log) else {
                break;
            };
            let id = body["id"].as_i64();
            if let (
                Some(id),
                Some(Attempt {
                    write: Write::Resident { id: slot, .. },
                    ..
                }),
            ) = (id, log.last_mut())
            {
                *slot = Some(id);
            }
            match id {
                Some(participant) if kind >= 7 => {
                    let path = format!("/api/v1/cohorts/{intake}/enrolments");
                    let body = json!({"participant_id": participant});
                    let r = http::json(addr, "POST", &path, token, &body);
                    let write = Write::Enrol {
                        participant,
                        cohort: intake,
                        enrolment: None,
                    };
                    let reply = send(write, r, &mut log);
                    if let (
                        Some(e),
                        Some(Attempt {
                            write: Write::Enrol { enrolment, .. },
                            ..
                        }),
                    ) = (
                        reply.as_ref().and_then(|b| b["id"].as_i64()),
                        log.last_mut(),
                    ) {
                        *enrolment = Some(e);
                    }
                    reply
                }
                _ => Some(body),
            }
        } else if kind < 17 {
            let session = mine[rng.below(mine.len() as u64) as usize];
            let status = STATUSES[rng.below(STATUSES.len() as u64) as usize];
            let entries: Vec<Value> = fixture
                .roster
                .iter()
                .map(|e| json!({"enrolment_id": e, "status": status}))
                .collect();
            let path = format!("/api/v1/sessions/{session}/attendance");
            let r = http::json(addr, "PUT", &path, token, &Value::Array(entries));
            send(Write::Register { session, status }, r, &mut log)
        } else {
            let names: Vec<String> = (0..IMPORT_ROWS).map(|_| next_name("I")).collect();
            let mut csv = String::from("given_name,family_name,date_of_birth,postcode\n");
            for n in &names {
                csv.push_str(&format!("{n},{FAMILY},1990-01-01,LS9 7TF\n"));
            }
            let path = format!("/api/v1/cohorts/{intake}/import");
            let r = http::send(
                addr,
                "POST",
                &path,
                Some(token),
                Some(("text/csv", csv.as_bytes())),
            );
            send(
                Write::Import {
                    cohort: intake,
                    names,
                },
                r,
                &mut log,
            )
        };
        if outcome.is_none() {
            break;
        }
    }
    (log, errors)
}
