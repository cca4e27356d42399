//! The one rule of who may record a checkpoint, read through its action: a role that
//! records jobs, on a job the actor may see, for 13, 26 or 52 weeks, not before it is due.

use chrono::{NaiveDate, TimeDelta};
use pathways::actions::employments::{CheckpointInput, record_checkpoint};
use pathways::domain::checkpoint::CheckpointOutcome;
use pathways::domain::{Actor, Role};
use pathways::error::{AppError, AppResult};
use pathways::models::Checkpoint;

use crate::common::{TestApp, employment};

const PROVIDER: &str = "Learning Partnerships";

/// A new user with `role` at `org`, acting on `today`.
async fn actor(app: &TestApp, role: Role, org: &str, today: NaiveDate) -> Actor {
    let (user_id, _) = app.user(role, org).await;
    Actor {
        user_id,
        role,
        organisation_id: app.organisation(org).await,
        today,
        now: today.and_hms_opt(9, 0, 0).unwrap(),
    }
}

async fn record(app: &TestApp, who: Actor, job: i32, weeks: i32) -> AppResult<Checkpoint> {
    let input = CheckpointInput {
        status: Some("in_post".into()),
        verified_on: Some(who.today.to_string()),
        ..CheckpointInput::default()
    };
    app.state
        .db
        .run(move |conn| record_checkpoint(conn, &who, job, weeks, &input))
        .await
}

#[tokio::test]
async fn only_those_who_record_jobs_and_see_this_one_record_its_checkpoint_once_due() {
    let app = TestApp::new().await;
    let d = app.delivery(PROVIDER).await;
    let job = employment(&app, &d, PROVIDER).await;
    // Started 7 December 2026: the 13-week checkpoint is due on 8 March 2027.
    let due = NaiveDate::from_ymd_opt(2027, 3, 8).unwrap();

    let manager = actor(&app, Role::Manager, PROVIDER, due).await;
    let r = record(&app, manager, job, 13).await;
    assert!(matches!(r, Err(AppError::Forbidden)), "{r:?}");

    let elsewhere = actor(&app, Role::Hr, "Another Trust", due).await;
    let r = record(&app, elsewhere, job, 13).await;
    assert!(matches!(r, Err(AppError::NotFound)), "{r:?}");

    let coordinator = actor(&app, Role::Coordinator, PROVIDER, due).await;
    let r = record(&app, coordinator, job, 14).await;
    assert!(matches!(r, Err(AppError::NotFound)), "{r:?}");

    let early = Actor {
        today: due - TimeDelta::days(1),
        ..coordinator
    };
    match record(&app, early, job, 13).await {
        Err(AppError::Validation(errors)) => assert!(
            errors
                .get("verified_on")
                .is_some_and(|m| m.contains("8 March 2027")),
            "{errors:?}"
        ),
        other => panic!("expected the due date refusal, got {other:?}"),
    }

    let before = app.audit_count().await;
    let recorded = record(&app, coordinator, job, 13).await.unwrap();
    assert_eq!(recorded.status, Some(CheckpointOutcome::InPost));
    assert_eq!(recorded.verified_on, Some(due));
    assert_eq!(recorded.verified_by_user_id, Some(coordinator.user_id));
    assert_eq!(app.audit_count().await, before + 1);
}
