//! A coordinator's day in the browser (issue 13): from the dashboard's Today to a
//! register, saved, and back to the registers outstanding, oldest first; and "mark all
//! present" keeping a Late already saved.

use fantoccini::Locator;
use pathways::auth::Role;

use super::{BrowserSession, wait_for_count, wait_for_page};
use crate::common::{Delivery, TestApp, unscoped};

const ORG: &str = "Learning Partnerships";

/// A second resident, Ben Ode, enrolled in the delivery's cohort; returns the enrolment.
async fn enrol_ben(app: &TestApp, d: &Delivery) -> i32 {
    let (actor, _) = app.user(Role::Admin, ORG).await;
    let owner = app.organisation(ORG).await;
    let (today, now) = (app.state.clock.today(), app.state.clock.now());
    let cohort = d.cohort;
    app.state
        .db
        .run(move |conn| {
            use pathways::models::participant_input::{
                ParticipantInput, check, create_participant,
            };
            let input = ParticipantInput {
                given_name: Some("Ben".into()),
                family_name: Some("Ode".into()),
                date_of_birth: Some("1988-06-01".into()),
                postcode: Some("LS9 6AB".into()),
                ..ParticipantInput::default()
            };
            let record = check(&input, today).map_err(pathways::AppError::Validation)?;
            let p = create_participant(conn, actor, owner, Some(owner), record, now)?;
            Ok(crate::common::enrol_as(conn, actor, cohort, p.id, (today, now))?.id)
        })
        .await
        .unwrap()
}

#[tokio::test]
async fn a_coordinator_goes_from_today_to_a_register_and_on_to_the_outstanding_ones() {
    let app = TestApp::new().await;
    let d = app.delivery(ORG).await;
    let (_, email) = app.user(Role::Coordinator, ORG).await;
    let Some(session) = BrowserSession::start(&app).await else {
        return;
    };
    let browser = &session.browser;
    let today = d.sessions[15];
    let outcome = async {
        session.sign_in(&email).await?;
        let main = browser.find(Locator::Css("main")).await?.text().await?;
        assert!(main.contains("Today, Monday 23 November"), "{main}");
        assert!(main.contains("15 registers outstanding"), "{main}");
        browser
            .find(Locator::Css(&format!(
                "a[href='/sessions/{today}/register']"
            )))
            .await?
            .click()
            .await?;
        wait_for_page(browser, &format!("/sessions/{today}/register")).await?;
        browser
            .find(Locator::Css("button[name=fill][value=present]"))
            .await?
            .click()
            .await?;
        wait_for_count(browser, "input[value=present]:checked", 1).await?;
        browser
            .find(Locator::XPath(
                "//button[normalize-space()='Save attendance' and not(@aria-hidden)]",
            ))
            .await?
            .click()
            .await?;
        wait_for_page(browser, &format!("/cohorts/{}", d.cohort)).await?;
        let main = browser.find(Locator::Css("main")).await?.text().await?;
        assert!(main.contains("The register has been saved"), "{main}");
        browser.goto(&format!("{}/", session.base)).await?;
        wait_for_page(browser, "/").await?;
        let main = browser.find(Locator::Css("main")).await?.text().await?;
        assert!(main.contains("View register"), "{main}");
        browser
            .find(Locator::Css("main a[href='/registers/outstanding']"))
            .await?
            .click()
            .await?;
        wait_for_page(browser, "/registers/outstanding").await?;
        let first_row = browser
            .find(Locator::Css("main tbody tr"))
            .await?
            .text()
            .await?;
        assert!(
            first_row.contains("Mon 2 Nov 2026") && first_row.contains("Outstanding"),
            "oldest first: {first_row}"
        );
        browser
            .find(Locator::Css(&format!(
                "main tbody a[href='/sessions/{}/register']",
                d.sessions[0]
            )))
            .await?;
        Ok(())
    }
    .await;
    session.finish(outcome).await;
}

#[tokio::test]
async fn mark_all_present_keeps_a_late_already_saved() {
    let app = TestApp::new().await;
    let d = app.delivery(ORG).await;
    let ben = enrol_ben(&app, &d).await;
    let (coordinator, email) = app.user(Role::Coordinator, ORG).await;
    let first = d.sessions[0];
    let (enrolment, now) = (d.enrolment, app.state.clock.now());
    app.state
        .db
        .run(move |conn| {
            let entries = vec![pathways::actions::registers::RegisterEntry {
                enrolment_id: enrolment,
                status: Some("late".into()),
            }];
            pathways::actions::registers::save(
                conn,
                &unscoped(coordinator, now),
                first,
                Ok(entries),
            )?;
            Ok(())
        })
        .await
        .unwrap();
    let Some(session) = BrowserSession::start(&app).await else {
        return;
    };
    let browser = &session.browser;
    let outcome = async {
        session.sign_in(&email).await?;
        browser
            .goto(&format!("{}/sessions/{first}/register", session.base))
            .await?;
        wait_for_page(browser, &format!("/sessions/{first}/register")).await?;
        let main = browser.find(Locator::Css("main")).await?.text().await?;
        assert!(main.contains("Taken by"), "{main}");
        browser
            .find(Locator::Css("button[name=fill][value=present]"))
            .await?
            .click()
            .await?;
        wait_for_count(browser, "input[value=present]:checked", 1).await?;
        browser
            .find(Locator::Css(&format!("#status_{ben}:checked")))
            .await?;
        browser
            .find(Locator::Css(&format!("#status_{enrolment}-late:checked")))
            .await?;
        browser
            .find(Locator::XPath(
                "//button[normalize-space()='Save attendance' and not(@aria-hidden)]",
            ))
            .await?
            .click()
            .await?;
        wait_for_page(browser, &format!("/cohorts/{}", d.cohort)).await?;
        Ok(())
    }
    .await;
    session.finish(outcome).await;
    let marks = app
        .state
        .db
        .run(move |conn| {
            Ok(pathways::models::attendance::AttendanceMark::by_enrolment(
                conn, first,
            )?)
        })
        .await
        .unwrap();
    assert_eq!(marks.get(&enrolment), Some(&pathways::domain::Mark::Late));
    assert_eq!(marks.get(&ben), Some(&pathways::domain::Mark::Present));
}
