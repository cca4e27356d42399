//! Test-data builders: each makes one kind of object the way the application does (through
//! the same model functions, so every rule and audit row applies), with defaults for
//! whatever a test does not care about. A test names only what it is about:
//!
//! ```ignore
//! let cohort = app.cohort().programme(p).starting("2026-11-02").create().await;
//! let amina = app.participant().named("Amina", "Khan").born("1990-03-27").create().await;
//! let enrolment = app.enrolment(&cohort, &amina).create().await;
//! ```
//!
//! [`TestApp::delivery`] is the common fixture built from them: one programme, one running
//! cohort with its sessions, one enrolled resident.

use pathways::actions::cohorts::{CohortInput, generate_schedule};
use pathways::auth::Role;
use pathways::models::participant_input::{ParticipantInput, check, create_participant};
use pathways::models::{Cohort, Enrolment, Participant};

use super::TestApp;

/// The organisation builders use when a test names none.
const DEFAULT_ORG: &str = "Leeds City Council";

impl TestApp {
    /// A cohort builder (default: a new programme partnered by the default organisation,
    /// starting Monday 2 November 2026, planned, made by an admin there).
    pub fn cohort(&self) -> CohortBuilder<'_> {
        CohortBuilder {
            app: self,
            programme: None,
            input: CohortInput {
                name: Some("Autumn 2026".into()),
                starts_on: Some("2026-11-02".into()),
                ..CohortInput::default()
            },
            by: None,
        }
    }

    /// A resident builder (default: Amina Khan, born 27 March 1990, of LS9 7TF, on file
    /// at the default organisation).
    pub fn participant(&self) -> ParticipantBuilder<'_> {
        ParticipantBuilder {
            app: self,
            input: ParticipantInput {
                given_name: Some("Amina".into()),
                family_name: Some("Khan".into()),
                date_of_birth: Some("1990-03-27".into()),
                postcode: Some("LS9 7TF".into()),
                ..ParticipantInput::default()
            },
            owner: DEFAULT_ORG.to_owned(),
            by: None,
        }
    }

    /// An enrolment builder: `participant` into `cohort`, today, by an admin.
    pub fn enrolment<'a>(
        &'a self,
        cohort: &Cohort,
        participant: &Participant,
    ) -> EnrolmentBuilder<'a> {
        EnrolmentBuilder {
            app: self,
            cohort: cohort.clone(),
            participant: participant.clone(),
            by: None,
        }
    }

    /// A programme partnered by `org`, a running cohort starting Monday 2 November 2026
    /// with its 30 sessions generated, and one resident enrolled.
    pub async fn delivery(&self, org: &str) -> Delivery {
        let programme = self
            .programme(&format!("Health and Care Careers at {org}"), &[org])
            .await;
        let (actor, _) = self.user(Role::Admin, org).await;
        let (cohort, sessions) = self
            .cohort()
            .programme(programme)
            .status("running")
            .by(actor)
            .create_with_sessions()
            .await;
        let participant = self.participant().owner(org).by(actor).create().await;
        let enrolment = self
            .enrolment(&cohort, &participant)
            .by(actor)
            .create()
            .await;
        Delivery {
            programme,
            cohort: cohort.id,
            sessions,
            participant: participant.id,
            enrolment: enrolment.id,
        }
    }

    /// The acting user's id: `by`, or a new admin at the default organisation.
    async fn actor_or_admin(&self, by: Option<i32>) -> i32 {
        match by {
            Some(id) => id,
            None => self.user(Role::Admin, DEFAULT_ORG).await.0,
        }
    }
}

/// Builds a cohort; see [`TestApp::cohort`].
pub struct CohortBuilder<'a> {
    app: &'a TestApp,
    programme: Option<i32>,
    input: CohortInput,
    by: Option<i32>,
}

impl CohortBuilder<'_> {
    /// Of programme `id`.
    pub fn programme(mut self, id: i32) -> Self {
        self.programme = Some(id);
        self
    }

    /// Named `name`.
    pub fn name(mut self, name: &str) -> Self {
        self.input.name = Some(name.into());
        self
    }

    /// Starting on `date` (YYYY-MM-DD).
    pub fn starting(mut self, date: &str) -> Self {
        self.input.starts_on = Some(date.into());
        self
    }

    /// With status `code`.
    pub fn status(mut self, code: &str) -> Self {
        self.input.status = Some(code.into());
        self
    }

    /// With at most `n` places.
    pub fn capacity(mut self, n: i32) -> Self {
        self.input.capacity = Some(n);
        self
    }

    /// Made by user `id`.
    pub fn by(mut self, id: i32) -> Self {
        self.by = Some(id);
        self
    }

    /// Saves the cohort.
    pub async fn create(self) -> Cohort {
        self.save(false).await.0
    }

    /// Saves the cohort and generates its sessions from the programme's template; returns
    /// it with the session ids in date order.
    pub async fn create_with_sessions(self) -> (Cohort, Vec<i32>) {
        self.save(true).await
    }

    async fn save(self, sessions: bool) -> (Cohort, Vec<i32>) {
        let app = self.app;
        let programme = match self.programme {
            Some(id) => id,
            None => {
                let n = super::COUNTER.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                app.programme(&format!("Programme {n}"), &[DEFAULT_ORG])
                    .await
            }
        };
        let actor = app.actor_or_admin(self.by).await;
        let (input, now) = (self.input, app.state.clock.now());
        let input = CohortInput {
            programme_id: Some(programme),
            ..input
        };
        app.state
            .db
            .run(move |conn| {
                let cohort = create_cohort(conn, actor, input, now)?;
                let ids = match sessions {
                    true => generate_schedule(conn, &unscoped(actor, now), cohort.id, Ok(false))?,
                    false => Vec::new(),
                };
                Ok((cohort, ids.iter().map(|s| s.id).collect()))
            })
            .await
            .unwrap()
    }
}

/// Builds a resident; see [`TestApp::participant`].
pub struct ParticipantBuilder<'a> {
    app: &'a TestApp,
    input: ParticipantInput,
    owner: String,
    by: Option<i32>,
}

impl ParticipantBuilder<'_> {
    /// Given and family name.
    pub fn named(mut self, given: &str, family: &str) -> Self {
        self.input.given_name = Some(given.into());
        self.input.family_name = Some(family.into());
        self
    }

    /// Born on `date` (YYYY-MM-DD).
    pub fn born(mut self, date: &str) -> Self {
        self.input.date_of_birth = Some(date.into());
        self
    }

    /// Living at `postcode`.
    pub fn postcode(mut self, postcode: &str) -> Self {
        self.input.postcode = Some(postcode.into());
        self
    }

    /// On file at organisation `name`.
    pub fn owner(mut self, name: &str) -> Self {
        name.clone_into(&mut self.owner);
        self
    }

    /// Added by user `id`.
    pub fn by(mut self, id: i32) -> Self {
        self.by = Some(id);
        self
    }

    /// Saves the resident (panics when the input is refused).
    pub async fn create(self) -> Participant {
        let app = self.app;
        let owner = app.organisation(&self.owner).await;
        let actor = app.actor_or_admin(self.by).await;
        let (input, today, now) = (self.input, app.state.clock.today(), app.state.clock.now());
        app.state
            .db
            .run(move |conn| {
                let record = check(&input, today).map_err(pathways::AppError::Validation)?;
                create_participant(conn, actor, owner, Some(owner), record, now)
            })
            .await
            .unwrap()
    }
}

/// Builds an enrolment; see [`TestApp::enrolment`].
pub struct EnrolmentBuilder<'a> {
    app: &'a TestApp,
    cohort: Cohort,
    participant: Participant,
    by: Option<i32>,
}

impl EnrolmentBuilder<'_> {
    /// Made by user `id`.
    pub fn by(mut self, id: i32) -> Self {
        self.by = Some(id);
        self
    }

    /// Saves the enrolment (panics when it is refused).
    pub async fn create(self) -> Enrolment {
        let app = self.app;
        let actor = app.actor_or_admin(self.by).await;
        let (cohort, participant) = (self.cohort, self.participant);
        let (today, now) = (app.state.clock.today(), app.state.clock.now());
        app.state
            .db
            .run(move |conn| enrol_as(conn, actor, cohort.id, participant.id, (today, now)))
            .await
            .unwrap()
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
    let clock = &app.state.clock;
    let (participant, enrolment, today, now) =
        (d.participant, d.enrolment, clock.today(), clock.now());
    app.state
        .db
        .run(move |conn| {
            use pathways::actions::employments::{EmploymentInput, record_employment};
            use pathways::domain::{Actor, Role};
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
            let admin = Actor {
                user_id: 1,
                role: Role::Admin,
                organisation_id: 1,
                today,
                now,
            };
            Ok(record_employment(conn, &admin, &input)?.id)
        })
        .await
        .unwrap()
}

/// An unscoped actor (an admin: every programme visible) with the user id `user_id`, at
/// `now`: what test set-up writes as.
pub fn unscoped(user_id: i32, now: chrono::NaiveDateTime) -> pathways::domain::Actor {
    pathways::domain::Actor {
        user_id,
        role: Role::Admin,
        organisation_id: 0,
        today: now.date(),
        now,
    }
}

/// Creates a cohort as [`unscoped`] `user_id` at `now` (test set-up).
pub fn create_cohort(
    conn: &mut pathways::db::DbConnection,
    user_id: i32,
    input: CohortInput,
    now: chrono::NaiveDateTime,
) -> pathways::AppResult<pathways::models::Cohort> {
    let actor = unscoped(user_id, now);
    let view = pathways::actions::cohorts::create(conn, &actor, Ok(input), Default::default())?;
    Ok(view.cohort)
}

/// Enrols resident `participant_id` in `cohort_id` as an unscoped user `user_id` acting on
/// `today` at `now` (test set-up).
pub fn enrol_as(
    conn: &mut pathways::db::DbConnection,
    user_id: i32,
    cohort_id: i32,
    participant_id: i32,
    (today, now): (chrono::NaiveDate, chrono::NaiveDateTime),
) -> pathways::error::AppResult<pathways::models::Enrolment> {
    let actor = pathways::domain::Actor {
        today,
        ..unscoped(user_id, now)
    };
    pathways::actions::enrolments::enrol_in_cohort(conn, &actor, cohort_id, participant_id)
}
