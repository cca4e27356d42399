//! A job start implies an offer: recording one fills the enrolment's empty offer date
//! with the job's start (audited), keeps an offer already recorded, and the migration
//! fills the offer dates of older jobs; across every demo cohort, offered is at least
//! employed in the cohort report as at today and as at the cohort's dates. On both
//! databases.

use axum::http::StatusCode;
use chrono::{NaiveDate, TimeDelta};
use diesel::prelude::*;
use pathways::actions::employments::{EmploymentInput, record_employment};
use pathways::auth::Role;
use pathways::schema::enrolments;

use crate::common::{TestApp, unscoped};
use crate::hr_queue::{PROVIDER_ORG as PROVIDER, TRUST_A_ORG as TRUST_A, job, today};

async fn offered_on(app: &TestApp, enrolment: i32) -> Option<NaiveDate> {
    app.state
        .db
        .run(move |conn| {
            Ok(enrolments::table
                .find(enrolment)
                .select(enrolments::offered_on)
                .first(conn)?)
        })
        .await
        .unwrap()
}

#[tokio::test]
async fn a_job_start_fills_an_empty_offer_date_and_the_migration_backfills_old_ones() {
    let app = TestApp::new().await;
    let programme = app.programme("Careers", &[PROVIDER, TRUST_A]).await;
    let cohort = app.cohort().programme(programme).create().await;
    let a = app.organisation(TRUST_A).await;
    let (_, enrolment) = job(&app, &cohort, 1, (a, "North Wing"), "2026-11-02").await;
    assert_eq!(
        offered_on(&app, enrolment).await,
        NaiveDate::from_ymd_opt(2026, 11, 2)
    );
    // The job, then the offer, in the audit trail.
    let entities = app
        .state
        .db
        .run(|conn| {
            Ok(pathways::schema::audit_events::table
                .select(pathways::schema::audit_events::entity)
                .order(pathways::schema::audit_events::id.desc())
                .limit(2)
                .load::<String>(conn)?)
        })
        .await
        .unwrap();
    assert_eq!(entities, ["enrolment", "employment"]);

    // An offer already recorded is kept.
    let resident = app
        .participant()
        .named("Kept", "Offer")
        .owner(PROVIDER)
        .create()
        .await;
    let kept = app.enrolment(&cohort, &resident).create().await.id;
    let offer = NaiveDate::from_ymd_opt(2026, 10, 20);
    app.state
        .db
        .run(move |conn| {
            diesel::update(enrolments::table.find(kept))
                .set(enrolments::offered_on.eq(offer))
                .execute(conn)?;
            Ok(())
        })
        .await
        .unwrap();
    let now = app.state.clock.now();
    let input = EmploymentInput {
        participant_id: Some(resident.id),
        enrolment_id: Some(kept),
        employer_organisation_id: Some(a),
        site: Some("North Wing".into()),
        job_title: Some("Porter".into()),
        staff_group: Some("estates_and_facilities".into()),
        band: Some(2),
        hours_per_week: Some(37.5),
        contract: Some("permanent".into()),
        start_date: Some("2026-11-03".into()),
    };
    app.state
        .db
        .run(move |conn| Ok(record_employment(conn, &unscoped(1, now), &input)?.id))
        .await
        .unwrap();
    assert_eq!(offered_on(&app, kept).await, offer);

    // Data from before: a job and no offer. The migration fills it; others stay.
    app.state
        .db
        .run(move |conn| {
            diesel::update(enrolments::table.find(enrolment))
                .set(enrolments::offered_on.eq(None::<NaiveDate>))
                .execute(conn)?;
            diesel::sql_query(include_str!(
                "../../migrations/sqlite/2026-12-08-000101_offer_from_job_start/up.sql"
            ))
            .execute(conn)?;
            Ok(())
        })
        .await
        .unwrap();
    assert_eq!(
        offered_on(&app, enrolment).await,
        NaiveDate::from_ymd_opt(2026, 11, 2)
    );
    assert_eq!(offered_on(&app, kept).await, offer);
    let both_trees = (
        include_str!("../../migrations/sqlite/2026-12-08-000101_offer_from_job_start/up.sql"),
        include_str!("../../migrations/postgres/2026-12-08-000101_offer_from_job_start/up.sql"),
    );
    assert_eq!(both_trees.0, both_trees.1);
}

#[tokio::test]
async fn in_every_demo_cohort_offered_is_at_least_employed() {
    let app = TestApp::new().await;
    pathways::demo::load(&app.state, |_| {})
        .await
        .expect("the demo loads");
    let admin = app.login_as(Role::Admin, "Leeds City Council").await;
    let cohorts = admin.get("/api/v1/cohorts?limit=500").await.json();
    let cohorts = cohorts["items"].as_array().unwrap().clone();
    assert!(cohorts.len() >= 20, "{}", cohorts.len());
    let today = today(&app);
    for c in cohorts {
        let id = c["id"].as_i64().unwrap();
        let start =
            NaiveDate::parse_from_str(c["starts_on"].as_str().unwrap(), "%Y-%m-%d").unwrap();
        let mut dates = vec![today];
        dates.extend([0, 28, 91, 182, 364, 546].map(|d| start + TimeDelta::days(d)));
        for as_at in dates.into_iter().filter(|d| *d <= today) {
            let r = admin
                .get(&format!("/api/v1/cohorts/{id}/report?as_at={as_at}"))
                .await;
            assert_eq!(r.status, StatusCode::OK, "{}", r.text());
            let report = r.json();
            let (offered, employed) = (
                report["offered"].as_i64().unwrap(),
                report["employed"].as_i64().unwrap(),
            );
            assert!(
                offered >= employed,
                "cohort {id} as at {as_at}: offered {offered} < employed {employed}"
            );
        }
    }
}
