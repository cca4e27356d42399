//! The test harness: a fresh database per test (a SQLite file in a temp dir, or a new
//! PostgreSQL database when `TEST_DATABASE_URL` is set), the real router driven in-process
//! with `oneshot`, a clock the test moves, and clients signed in as any role.

use std::sync::Arc;
use std::sync::atomic::{AtomicU32, Ordering};

use axum::Router;
use axum::body::{Body, Bytes};
use axum::http::{HeaderMap, Method, Request, StatusCode, header};
use chrono::{TimeZone, Utc};
use diesel::Connection;
use diesel::connection::SimpleConnection;
use http_body_util::BodyExt;
use pathways::auth::Role;
use pathways::auth::accounts::{self, NewUserInput};
use pathways::clock::ManualClock;
use pathways::config::Config;
use pathways::db::{Db, run_migrations};
use pathways::models::organisation::create_audited;
use pathways::models::programme_input::{ProgrammeInput, create_programme};
use pathways::models::{Organisation, OrganisationKind};
use pathways::{AppState, build_router};
use tower::ServiceExt;

/// The password every seeded user gets.
pub const PASSWORD: &str = "violet tractor mango lighthouse";

static COUNTER: AtomicU32 = AtomicU32::new(0);

/// What to clean up when the test ends.
enum Database {
    Sqlite(#[allow(dead_code)] tempfile::TempDir),
    Postgres { server: String, name: String },
}

impl Drop for Database {
    fn drop(&mut self) {
        if let Database::Postgres { server, name } = self
            && let Ok(mut conn) = diesel::PgConnection::establish(&format!("{server}/postgres"))
        {
            let _ = conn.batch_execute(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"));
        }
    }
}

/// One application over its own fresh database.
pub struct TestApp {
    /// The router under test.
    pub router: Router,
    /// Its state (database, clock).
    pub state: AppState,
    /// The clock, to move time.
    pub clock: Arc<ManualClock>,
    // Declared last so the pool (inside `state`) closes before the database is dropped.
    _database: Database,
}

impl TestApp {
    /// A migrated, empty database and the router over it.
    pub async fn new() -> TestApp {
        Self::with_config(false).await
    }

    /// As [`TestApp::new`], optionally configured for HTTPS.
    pub async fn with_config(secure_cookies: bool) -> TestApp {
        let (url, database) = fresh_database();
        let db = Db::connect(&url).expect("test database opens");
        let migrate_db = db.clone();
        tokio::task::spawn_blocking(move || {
            run_migrations(&mut migrate_db.conn().unwrap()).unwrap()
        })
        .await
        .unwrap();
        let clock = Arc::new(ManualClock::new(
            Utc.with_ymd_and_hms(2026, 11, 23, 10, 0, 0).unwrap(),
        ));
        let config = Config {
            database_url: url,
            secure_cookies,
            trusted_proxy_header: None,
        };
        let state = AppState::new(db, config, clock.clone());
        TestApp {
            router: build_router(state.clone()),
            state,
            clock,
            _database: database,
        }
    }

    /// A client with no credentials.
    pub fn anon(&self) -> TestClient {
        TestClient {
            router: self.router.clone(),
            cookie: None,
            csrf: None,
            bearer: None,
        }
    }

    /// The organisation named `name`, created (as a council) if new.
    pub async fn organisation(&self, name: &str) -> i32 {
        let (name, now) = (name.to_owned(), self.state.clock.now());
        self.state
            .db
            .run(move |conn| {
                if let Some(o) = Organisation::find_by_name(conn, &name)? {
                    return Ok(o.id);
                }
                Ok(create_audited(conn, None, &name, OrganisationKind::Council, now)?.id)
            })
            .await
            .unwrap()
    }

    /// A programme with these partner organisations.
    pub async fn programme(&self, name: &str, partners: &[&str]) -> i32 {
        let mut ids = Vec::new();
        for p in partners {
            ids.push(self.organisation(p).await);
        }
        let input = ProgrammeInput {
            name: Some(name.to_owned()),
            partner_organisation_ids: Some(ids),
            ..ProgrammeInput::default()
        };
        let now = self.state.clock.now();
        self.state
            .db
            .run(move |conn| create_programme(conn, None, input, now))
            .await
            .unwrap()
            .id
    }

    /// A user with `role` at organisation `org` and the standard password; returns (id, email).
    pub async fn user(&self, role: Role, org: &str) -> (i32, String) {
        let n = COUNTER.fetch_add(1, Ordering::Relaxed);
        let email = format!(
            "{}-{n}@{}.test",
            role.as_str(),
            org.to_lowercase().replace(' ', "-")
        );
        let organisation_id = Some(self.organisation(org).await);
        let input = NewUserInput {
            email: email.clone(),
            name: format!("Test {} {n}", role.label()),
            organisation_id,
            role: role.as_str().to_owned(),
            password: PASSWORD.to_owned(),
            temporary: false,
        };
        let user = accounts::create_user(&self.state, None, input)
            .await
            .unwrap();
        (user.id, email)
    }

    /// A client signed in through the sign-in form as a new user with `role` at `org`.
    pub async fn login_as(&self, role: Role, org: &str) -> TestClient {
        let (_, email) = self.user(role, org).await;
        self.sign_in(&email, PASSWORD).await
    }

    /// Signs in through the form and returns the signed-in client (panics on failure).
    pub async fn sign_in(&self, email: &str, password: &str) -> TestClient {
        let response = self.attempt_sign_in(email, password).await;
        assert_eq!(
            response.status,
            StatusCode::SEE_OTHER,
            "sign-in failed: {}",
            response.text()
        );
        let cookie = response
            .cookie("pathways_session")
            .expect("session cookie set");
        let mut client = self.anon();
        client.cookie = Some(format!("pathways_session={cookie}"));
        let page = client.get("/account").await;
        client.csrf = page.csrf_token();
        client
    }

    /// Posts the sign-in form (fetching its token first) and returns the raw response.
    pub async fn attempt_sign_in(&self, email: &str, password: &str) -> TestResponse {
        let anon = self.anon();
        let form = anon.get("/sign-in").await;
        let token = form
            .cookie("pathways_signin")
            .expect("sign-in token cookie");
        let client = TestClient {
            cookie: Some(format!("pathways_signin={token}")),
            ..anon
        };
        client
            .send(
                form_request(
                    Method::POST,
                    "/sign-in",
                    &[
                        ("csrf_token", &token),
                        ("email", email),
                        ("password", password),
                    ],
                ),
                None,
            )
            .await
    }

    /// A client authenticated by a new API token of user `user_id`.
    pub async fn token_client(&self, user_id: i32) -> TestClient {
        let token = accounts::create_api_token(&self.state, user_id, "test")
            .await
            .unwrap();
        TestClient {
            bearer: Some(token),
            ..self.anon()
        }
    }

    /// A programme partnered by `org`, a cohort starting Monday 2 November 2026 with its 30
    /// sessions generated, and one resident enrolled.
    pub async fn delivery(&self, org: &str) -> Delivery {
        let programme = self
            .programme(&format!("Health and Care Careers at {org}"), &[org])
            .await;
        let (actor, _) = self.user(Role::Admin, org).await;
        let owner = self.organisation(org).await;
        let (today, now) = (self.state.clock.today(), self.state.clock.now());
        self.state
            .db
            .run(move |conn| {
                use pathways::models::cohort_input::{
                    CohortInput, create_cohort, generate_sessions,
                };
                use pathways::models::participant_input::{
                    ParticipantInput, check, create_participant,
                };
                let cohort = create_cohort(
                    conn,
                    actor,
                    None,
                    CohortInput {
                        programme_id: Some(programme),
                        name: Some("Autumn 2026".into()),
                        starts_on: Some("2026-11-02".into()),
                        status: Some("running".into()),
                        ..CohortInput::default()
                    },
                    now,
                )?;
                let sessions = generate_sessions(conn, actor, &cohort, false, now)?;
                let input = ParticipantInput {
                    given_name: Some("Amina".into()),
                    family_name: Some("Khan".into()),
                    date_of_birth: Some("1990-03-27".into()),
                    postcode: Some("LS9 7TF".into()),
                    ..ParticipantInput::default()
                };
                let record = check(&input, today).map_err(pathways::AppError::Validation)?;
                let participant = create_participant(conn, actor, owner, Some(owner), record, now)?;
                let enrolment = enrol_as(conn, actor, cohort.id, participant.id, (today, now))?;
                Ok(Delivery {
                    programme,
                    cohort: cohort.id,
                    sessions: sessions.iter().map(|s| s.id).collect(),
                    participant: participant.id,
                    enrolment: enrolment.id,
                })
            })
            .await
            .unwrap()
    }

    /// Number of audit events (to prove a refused request wrote nothing).
    pub async fn audit_count(&self) -> i64 {
        self.state
            .db
            .run(|conn| Ok(pathways::models::AuditEvent::count(conn)?))
            .await
            .unwrap()
    }
}

fn fresh_database() -> (String, Database) {
    match std::env::var("TEST_DATABASE_URL") {
        Ok(url) if !url.is_empty() => {
            let server = url
                .rsplit_once('/')
                .map(|(s, _)| s.to_owned())
                .unwrap_or(url);
            let n = COUNTER.fetch_add(1, Ordering::Relaxed);
            let name = format!(
                "pathways_test_{}_{}_{n}",
                std::process::id(),
                Utc::now().timestamp_micros()
            );
            let mut admin = diesel::PgConnection::establish(&format!("{server}/postgres"))
                .expect("TEST_DATABASE_URL server reachable");
            admin
                .batch_execute(&format!("CREATE DATABASE {name}"))
                .unwrap();
            (
                format!("{server}/{name}"),
                Database::Postgres { server, name },
            )
        }
        _ => {
            let dir = tempfile::tempdir().unwrap();
            let url = format!("sqlite://{}", dir.path().join("test.db").display());
            (url, Database::Sqlite(dir))
        }
    }
}

/// Ids of the objects `TestApp::delivery` made.
#[derive(Debug, Clone)]
pub struct Delivery {
    /// The programme.
    pub programme: i32,
    /// The cohort.
    pub cohort: i32,
    /// Its sessions, in date order (the first on Monday 2 November 2026).
    pub sessions: Vec<i32>,
    /// The enrolled resident.
    pub participant: i32,
    /// Their enrolment.
    pub enrolment: i32,
}

/// Records a job for the delivery's resident at `employer` (a partner), starting
/// 7 December 2026, band 2, as an admin would.
pub async fn employment(app: &TestApp, d: &Delivery, employer: &str) -> i32 {
    let employer = app.organisation(employer).await;
    let (participant, enrolment, now) = (d.participant, d.enrolment, app.state.clock.now());
    app.state
        .db
        .run(move |conn| {
            use pathways::models::employment_input::{
                EmploymentInput, Recorder, record_employment,
            };
            let input = EmploymentInput {
                participant_id: Some(participant),
                enrolment_id: Some(enrolment),
                employer_organisation_id: Some(employer),
                site: Some("St James's University Hospital".into()),
                job_title: Some("Ward housekeeper".into()),
                staff_group: Some("estates_and_facilities".into()),
                band: Some(2),
                hours_per_week: Some(37.5),
                contract: Some("permanent".into()),
                start_date: Some("2026-12-07".into()),
            };
            let who = Recorder {
                actor: 1,
                scope: None,
                employer_only: false,
            };
            Ok(record_employment(conn, who, input, now)?.id)
        })
        .await
        .unwrap()
}

/// A urlencoded form request.
pub fn form_request(method: Method, path: &str, fields: &[(&str, &str)]) -> Request<Body> {
    let body = serde_urlencoded::to_string(fields).unwrap();
    Request::builder()
        .method(method)
        .uri(path)
        .header(header::HOST, "pathways.test")
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .body(Body::from(body))
        .unwrap()
}

/// A client: credentials to add to each request.
#[derive(Clone)]
pub struct TestClient {
    /// The router requests go to.
    pub router: Router,
    /// `name=value` of the session cookie.
    pub cookie: Option<String>,
    /// The session's CSRF token (read from a page).
    pub csrf: Option<String>,
    /// An API token.
    pub bearer: Option<String>,
}

impl TestClient {
    /// Sends `req` with this client's credentials.
    pub async fn send(&self, mut req: Request<Body>, csrf_header: Option<&str>) -> TestResponse {
        let headers = req.headers_mut();
        headers
            .entry(header::HOST)
            .or_insert("pathways.test".parse().unwrap());
        if let Some(cookie) = &self.cookie {
            headers.insert(header::COOKIE, cookie.parse().unwrap());
        }
        if let Some(token) = &self.bearer {
            headers.insert(
                header::AUTHORIZATION,
                format!("Bearer {token}").parse().unwrap(),
            );
        }
        if let Some(csrf) = csrf_header {
            headers.insert("x-csrf-token", csrf.parse().unwrap());
        }
        let response = self.router.clone().oneshot(req).await.unwrap();
        let status = response.status();
        let headers = response.headers().clone();
        let body = response.into_body().collect().await.unwrap().to_bytes();
        TestResponse {
            status,
            headers,
            body,
        }
    }

    /// GET `path`.
    pub async fn get(&self, path: &str) -> TestResponse {
        let req = Request::builder().uri(path).body(Body::empty()).unwrap();
        self.send(req, None).await
    }

    /// POST a form to `path`, adding this session's CSRF token.
    pub async fn post_form(&self, path: &str, fields: &[(&str, &str)]) -> TestResponse {
        let csrf = self.csrf.clone().unwrap_or_default();
        let mut all: Vec<(&str, &str)> = vec![("csrf_token", csrf.as_str())];
        all.extend_from_slice(fields);
        self.send(form_request(Method::POST, path, &all), None)
            .await
    }

    /// Sends JSON with `method` to `path` (with the CSRF header when using a session).
    pub async fn json(&self, method: Method, path: &str, body: serde_json::Value) -> TestResponse {
        let req = Request::builder()
            .method(method)
            .uri(path)
            .header(header::CONTENT_TYPE, "application/json")
            .body(Body::from(body.to_string()))
            .unwrap();
        let csrf = self.csrf.clone();
        self.send(req, csrf.as_deref()).await
    }
}

/// A collected response.
pub struct TestResponse {
    /// Status.
    pub status: StatusCode,
    /// Headers.
    pub headers: HeaderMap,
    /// Body.
    pub body: Bytes,
}

impl TestResponse {
    /// Body as text.
    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }

    /// Body as JSON (panics with the body when it is not JSON).
    pub fn json(&self) -> serde_json::Value {
        serde_json::from_slice(&self.body)
            .unwrap_or_else(|_| panic!("not JSON ({}): {}", self.status, self.text()))
    }

    /// The value of a cookie this response sets.
    pub fn cookie(&self, name: &str) -> Option<String> {
        self.headers
            .get_all(header::SET_COOKIE)
            .iter()
            .filter_map(|v| v.to_str().ok())
            .filter_map(|v| v.split(';').next())
            .filter_map(|pair| pair.split_once('='))
            .find(|(k, v)| *k == name && !v.is_empty())
            .map(|(_, v)| v.to_owned())
    }

    /// The `Set-Cookie` header for cookie `name`, whole.
    pub fn set_cookie_header(&self, name: &str) -> Option<String> {
        self.headers
            .get_all(header::SET_COOKIE)
            .iter()
            .filter_map(|v| v.to_str().ok())
            .find(|v| v.starts_with(&format!("{name}=")))
            .map(str::to_owned)
    }

    /// `Location` header.
    pub fn location(&self) -> Option<String> {
        self.headers
            .get(header::LOCATION)
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned)
    }

    /// The CSRF token in the page's first form.
    pub fn csrf_token(&self) -> Option<String> {
        let text = self.text();
        let marker = "name=\"csrf_token\" value=\"";
        let start = text.find(marker)? + marker.len();
        let end = text[start..].find('"')? + start;
        Some(text[start..end].to_owned()).filter(|t| !t.is_empty())
    }
}

/// Enrols a resident as a set-up step: an all-seeing actor whose audit rows name `user_id`,
/// through the same action the pages and the API call.
pub fn enrol_as(
    conn: &mut pathways::db::DbConnection,
    user_id: i32,
    cohort_id: i32,
    participant_id: i32,
    (today, now): (chrono::NaiveDate, chrono::NaiveDateTime),
) -> pathways::error::AppResult<pathways::models::Enrolment> {
    let actor = pathways::domain::Actor {
        user_id,
        role: Role::Admin,
        organisation_id: 0,
        today,
        now,
    };
    pathways::actions::enrolments::enrol_in_cohort(conn, &actor, cohort_id, participant_id)
}
