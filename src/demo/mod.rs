//! The demo data set (`fixtures/`), loaded into an empty database by `pathways demo` and
//! `serve --demo` through the same code paths users go through.

mod cast;
pub mod golden;
mod history;
mod jobs;
pub mod national;

use serde::Deserialize;

use crate::actions::programmes::{ProgrammeInput, create_programme};
use crate::auth::accounts::{self, NewUserInput};
use crate::auth::password::hash_password;
use crate::auth::tokens::random_secret;
use crate::db::write_transaction;
use crate::error::AppError;
use crate::models::organisation::create_audited;
use crate::models::{Organisation, OrganisationKind, User};
use crate::state::AppState;

const ORGANISATIONS: &str = include_str!("../../fixtures/organisations.csv");
const USERS: &str = include_str!("../../fixtures/users.csv");
/// How many cohorts the demo holds (one progress step each).
pub const COHORT_COUNT: usize = history::COHORT_COUNT;
/// The demo programme's name.
pub const PROGRAMME: &str = "Health and Care Careers — Facilities Technician";

/// A demo login to print.
#[derive(Debug, Clone)]
pub struct DemoLogin {
    /// Role code.
    pub role: String,
    /// Email.
    pub email: String,
    /// The password just set.
    pub password: String,
}

#[derive(Debug, Deserialize)]
struct OrganisationRow {
    name: String,
    kind: String,
}

#[derive(Debug, Deserialize)]
struct UserRow {
    email: String,
    name: String,
    organisation: String,
    role: String,
}

fn rows<T: for<'de> Deserialize<'de>>(csv_text: &str) -> anyhow::Result<Vec<T>> {
    csv::Reader::from_reader(csv_text.as_bytes())
        .deserialize()
        .collect::<Result<Vec<T>, _>>()
        .map_err(|e| anyhow::anyhow!("demo fixture is malformed: {e}"))
}

/// Loads the demo into an empty database and returns the logins; `progress` hears the
/// name of each cohort as its history is replayed. When the demo was loaded
/// before, gives its users fresh passwords instead (they are printed only once). Refuses a
/// database that holds other users.
pub async fn load(
    state: &AppState,
    progress: impl FnMut(&str) + Send + 'static,
) -> anyhow::Result<Vec<DemoLogin>> {
    let users: Vec<UserRow> = rows(USERS)?;
    let emails: Vec<String> = users.iter().map(|u| u.email.clone()).collect();
    let (any_user, demo_present) = state
        .db
        .run(move |conn| {
            Ok((
                User::any(conn)?,
                User::find_by_email(conn, &emails[0])?.is_some(),
            ))
        })
        .await?;
    if demo_present {
        let accounts = users.into_iter().map(|u| (u.role, u.email)).collect();
        return reset_passwords(state, accounts).await;
    }
    if any_user {
        anyhow::bail!(
            "the database already holds users, so the demo was not loaded (use an empty database)"
        );
    }
    create_partners_and_programme(state).await?;
    let mut logins = Vec::with_capacity(users.len());
    for row in users {
        let password = demo_password();
        let organisation = row.organisation.clone();
        let organisation_id = state
            .db
            .run(move |conn| Ok(Organisation::find_by_name(conn, &organisation)?.map(|o| o.id)))
            .await?;
        let input = NewUserInput {
            email: row.email.clone(),
            name: row.name,
            organisation_id,
            role: row.role.clone(),
            password: password.clone(),
            temporary: false,
        };
        accounts::create_user(state, None, input)
            .await
            .map_err(|e| anyhow::Error::new(e).context("cannot create the demo users"))?;
        logins.push(DemoLogin {
            role: row.role,
            email: row.email,
            password,
        });
    }
    load_history(state, progress).await?;
    Ok(logins)
}

/// Replays the demo's history in one transaction: all of it or none.
async fn load_history(
    state: &AppState,
    mut progress: impl FnMut(&str) + Send + 'static,
) -> anyhow::Result<()> {
    state
        .db
        .run(move |conn| {
            let user = |conn: &mut crate::db::DbConnection, email: &str| {
                User::find_by_email(conn, email)?
                    .map(|u| (u.id, u.organisation_id))
                    .ok_or_else(|| AppError::Internal(anyhow::anyhow!("demo user {email} missing")))
            };
            let cast = cast::Cast {
                programme_id: crate::models::Programme::find_by_name(conn, PROGRAMME)?
                    .ok_or_else(|| AppError::Internal(anyhow::anyhow!("demo programme missing")))?
                    .id,
                admin: user(conn, "admin@demo.pathways.test")?.0,
                coordinator: user(conn, "coordinator@demo.pathways.test")?,
                hr: user(conn, "hr@demo.pathways.test")?,
            };
            write_transaction(conn, |conn| history::load(conn, cast, &mut progress))
        })
        .await
        .map_err(|e| match e {
            // A fixture that breaks a rule names the rule, so the fixture can be fixed.
            AppError::Validation(fields) => anyhow::anyhow!(
                "cannot load the demo history: a fixture breaks a rule: {:?}",
                fields.iter().collect::<Vec<_>>()
            ),
            e => anyhow::Error::new(e).context("cannot load the demo history"),
        })
}

async fn create_partners_and_programme(state: &AppState) -> anyhow::Result<()> {
    let organisations: Vec<OrganisationRow> = rows(ORGANISATIONS)?;
    let now = state.clock.now();
    state
        .db
        .run(move |conn| {
            write_transaction(conn, |conn| {
                let mut ids = Vec::new();
                for row in &organisations {
                    let kind = OrganisationKind::parse(&row.kind).ok_or_else(|| {
                        AppError::Internal(anyhow::anyhow!("unknown kind {}", row.kind))
                    })?;
                    ids.push(create_audited(conn, None, &row.name, kind, now)?.id);
                }
                let input = ProgrammeInput {
                    name: Some(PROGRAMME.to_owned()),
                    description: Some(
                        "Six weeks of college and placement leading to a guaranteed interview for \
                         entry-level facilities jobs at Leeds Teaching Hospitals."
                            .to_owned(),
                    ),
                    partner_organisation_ids: Some(ids),
                    completion_threshold: Some(80),
                    template: None,
                };
                create_programme(conn, None, input, now).map(drop)
            })
        })
        .await
        .map_err(|e| anyhow::Error::new(e).context("cannot load the demo"))
}

/// Gives each of these (role, email) users a fresh random password and returns the logins.
async fn reset_passwords(
    state: &AppState,
    accounts: Vec<(String, String)>,
) -> anyhow::Result<Vec<DemoLogin>> {
    let mut logins = Vec::with_capacity(accounts.len());
    for (role, email) in accounts {
        let password = demo_password();
        let hash = hash_password(password.clone()).await?;
        let (address, now) = (email.clone(), state.clock.now());
        state
            .db
            .run(move |conn| {
                if let Some(user) = User::find_by_email(conn, &address)? {
                    User::set_password(conn, user.id, &hash, false, now)?;
                }
                Ok(())
            })
            .await?;
        logins.push(DemoLogin {
            role,
            email,
            password,
        });
    }
    Ok(logins)
}

/// A random 20-character password (about 120 bits).
fn demo_password() -> String {
    random_secret().chars().take(20).collect()
}
