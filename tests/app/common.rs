//! The test harness: a fresh database per test (a SQLite file in a temp dir, or a new
//! PostgreSQL database when `TEST_DATABASE_URL` is set), the real router driven in-process
//! with `oneshot`, a clock the test moves, and clients signed in as any role. Clients and
//! responses are in `client`; test-data builders and the common fixture in `builders`.

mod builders;
mod client;

use std::sync::Arc;
use std::sync::atomic::{AtomicU32, Ordering};

use axum::Router;
use axum::http::{Method, StatusCode};
use chrono::{TimeZone, Utc};
use diesel::Connection;
use diesel::connection::SimpleConnection;
use pathways::actions::programmes::{ProgrammeInput, create_programme};
use pathways::auth::Role;
use pathways::auth::accounts::{self, NewUserInput};
use pathways::clock::ManualClock;
use pathways::config::Config;
use pathways::db::{Db, run_migrations};
use pathways::models::organisation::create_audited;
use pathways::models::{Organisation, OrganisationKind};
use pathways::{AppState, build_router};

#[allow(unused_imports)]
pub use builders::{
    CohortBuilder, Delivery, EnrolmentBuilder, ParticipantBuilder, create_cohort, employment,
    enrol_as, unscoped,
};
pub use client::{TestClient, TestResponse, form_request};

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
