//! The first journeys through a real browser: signing in, taking a register, importing
//! a spreadsheet and reading the pilot report, each at the desktop width.

use fantoccini::Locator;
use pathways::auth::Role;

use super::{BrowserSession, wait_for_count, wait_for_heading, wait_for_page, wait_for_query};
use crate::common::TestApp;

#[tokio::test]
async fn a_coordinator_signs_in_through_the_form_and_sees_the_dashboard() {
    let app = TestApp::new().await;
    app.programme("Health and Care Careers", &["Learning Partnerships"])
        .await;
    let (_, email) = app.user(Role::Coordinator, "Learning Partnerships").await;
    let Some(session) = BrowserSession::start(&app).await else {
        return;
    };
    let browser = &session.browser;
    let outcome = async {
        browser.goto(&format!("{}/", session.base)).await?;
        // Not signed in: sent to the sign-in page.
        wait_for_page(browser, "/sign-in").await?;
        assert_eq!(browser.title().await?, "Sign in – Pathways");
        session.sign_in(&email).await?;
        let heading = browser.find(Locator::Css("main h1")).await?.text().await?;
        assert_eq!(heading, "Dashboard");
        let main = browser.find(Locator::Css("main")).await?.text().await?;
        assert!(main.contains("Health and Care Careers"), "{main}");
        assert_eq!(browser.title().await?, "Dashboard – Pathways");
        // Sign out through the header button.
        browser
            .find(Locator::Css(".app-nav__button"))
            .await?
            .click()
            .await?;
        wait_for_page(browser, "/sign-in").await?;
        let main = browser.find(Locator::Css("main")).await?.text().await?;
        assert!(main.contains("You have signed out"));
        Ok(())
    }
    .await;
    session.finish(outcome).await;
}

#[tokio::test]
async fn a_coordinator_takes_a_register_and_sees_the_attendance_rates() {
    let app = TestApp::new().await;
    let d = app.delivery("Learning Partnerships").await;
    // Two more residents on the roster.
    let (actor, _) = app.user(Role::Admin, "Learning Partnerships").await;
    let owner = app.organisation("Learning Partnerships").await;
    let (today, now) = (app.state.clock.today(), app.state.clock.now());
    app.state
        .db
        .run(move |conn| {
            use pathways::models::participant_input::{
                ParticipantInput, check, create_participant,
            };
            let cohort = pathways::models::Cohort::find(conn, d.cohort)?;
            for (given, family) in [("Ben", "Ode"), ("Chloé", "Zhang")] {
                let input = ParticipantInput {
                    given_name: Some(given.into()),
                    family_name: Some(family.into()),
                    date_of_birth: Some("1988-06-01".into()),
                    postcode: Some("LS9 6AB".into()),
                    ..ParticipantInput::default()
                };
                let record = check(&input, today).map_err(pathways::AppError::Validation)?;
                let p = create_participant(conn, actor, owner, Some(owner), record, now)?;
                crate::common::enrol_as(conn, actor, cohort.id, p.id, (today, now))?;
            }
            Ok(())
        })
        .await
        .unwrap();
    let (_, email) = app.user(Role::Coordinator, "Learning Partnerships").await;
    let Some(session) = BrowserSession::start(&app).await else {
        return;
    };
    let browser = &session.browser;
    let first = d.sessions[0];
    let outcome = async {
        session.sign_in(&email).await?;
        browser
            .goto(&format!("{}/sessions/{first}/register", session.base))
            .await?;
        wait_for_page(browser, &format!("/sessions/{first}/register")).await?;
        assert!(
            browser
                .title()
                .await?
                .starts_with("Register for Monday 2 November 2026")
        );
        // "Mark all present" fills in the form without saving anything.
        browser
            .find(Locator::Css("button[name=fill][value=present]"))
            .await?
            .click()
            .await?;
        // The form posts back to its own address: wait for the filled form itself.
        wait_for_count(browser, "input[value=present]:checked", 3).await?;
        // Ben Ode was absent.
        let ben = browser
            .find(Locator::XPath(
                "//fieldset[legend[normalize-space()='Ben Ode']]",
            ))
            .await?;
        ben.find(Locator::Css("input[value=unauthorised_absence]"))
            .await?
            .click()
            .await?;
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
        let ben_row = browser
            .find(Locator::XPath("//tr[th[normalize-space()='Ben Ode']]"))
            .await?
            .text()
            .await?;
        assert!(
            ben_row.contains("0 of 1") && ben_row.contains("0.0%"),
            "{ben_row}"
        );
        let amina_row = browser
            .find(Locator::XPath("//tr[th[normalize-space()='Amina Khan']]"))
            .await?
            .text()
            .await?;
        assert!(
            amina_row.contains("1 of 1")
                && amina_row.contains("100.0%")
                && amina_row.contains("Started"),
            "{amina_row}"
        );
        Ok(())
    }
    .await;
    session.finish(outcome).await;
}

#[tokio::test]
async fn a_coordinator_imports_a_spreadsheet_file_through_the_browser() {
    let app = TestApp::new().await;
    let d = app.delivery("Learning Partnerships").await;
    let (_, email) = app.user(Role::Coordinator, "Learning Partnerships").await;
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("residents.csv");
    let sheet = "\u{feff}given_name,family_name,date_of_birth,postcode\r\n\
        Siobhán,O'Brien,14/02/1988,ls97tf\r\nمحمد,Rahman,1992-07-30,LS8 5QB\r\n";
    std::fs::write(&file, sheet).unwrap();
    let Some(session) = BrowserSession::start(&app).await else {
        return;
    };
    let browser = &session.browser;
    let outcome = async {
        session.sign_in(&email).await?;
        browser
            .goto(&format!("{}/cohorts/{}", session.base, d.cohort))
            .await?;
        browser
            .find(Locator::LinkText("Import residents from a spreadsheet"))
            .await?
            .click()
            .await?;
        wait_for_heading(browser, "Import residents from a spreadsheet").await?;
        browser
            .find(Locator::Id("file"))
            .await?
            .send_keys(file.to_str().unwrap())
            .await?;
        browser
            .find(Locator::Css("main form button[type=submit]"))
            .await?
            .click()
            .await?;
        wait_for_heading(browser, "Check the import before you confirm").await?;
        let main = browser.find(Locator::Css("main")).await?.text().await?;
        assert!(
            main.contains("Siobhán O'Brien") && main.contains("محمد Rahman"),
            "{main}"
        );
        browser
            .find(Locator::Css("main form button[type=submit]"))
            .await?
            .click()
            .await?;
        wait_for_heading(browser, "Import complete").await?;
        let main = browser.find(Locator::Css("main")).await?.text().await?;
        assert!(main.contains("2 residents enrolled"), "{main}");
        Ok(())
    }
    .await;
    session.finish(outcome).await;
}

#[tokio::test]
async fn a_manager_reads_the_pilot_report_and_its_funnel() {
    let app = TestApp::new().await;
    pathways::demo::load(&app.state, |_| {})
        .await
        .expect("the demo loads");
    let (_, email) = app.user(Role::Manager, "Leeds City Council").await;
    let Some(session) = BrowserSession::start(&app).await else {
        return;
    };
    let browser = &session.browser;
    let outcome = async {
        session.sign_in(&email).await?;
        browser
            .find(Locator::LinkText("Reports"))
            .await?
            .click()
            .await?;
        wait_for_page(browser, "/reports").await?;
        browser
            .find(Locator::LinkText("Lincoln Green pilot 2019"))
            .await?
            .click()
            .await?;
        wait_for_page(browser, "/cohorts/1/report").await?;
        let headline = browser.find(Locator::Id("headline")).await?.text().await?;
        assert_eq!(headline, "55 referred, 49 started, 29 employed (59.2 %).");
        assert!(
            browser
                .find(Locator::Css("figure svg[role=img] title"))
                .await
                .is_ok()
        );
        let csv = browser
            .find(Locator::LinkText("Cohort report (CSV)"))
            .await?
            .attr("href")
            .await?
            .unwrap_or_default();
        assert!(
            csv.starts_with("/api/v1/cohorts/1/report.csv?as_at="),
            "{csv}"
        );
        // The publishable switch keeps the as-at date and suppresses small counts.
        browser
            .find(Locator::Id("publishable"))
            .await?
            .click()
            .await?;
        browser
            .find(Locator::Css("form.filter button[type=submit]"))
            .await?
            .click()
            .await?;
        wait_for_query(
            browser,
            "publishable=1",
            "the publishable report did not load",
        )
        .await?;
        wait_for_page(browser, "/cohorts/1/report").await?;
        let main = browser.find(Locator::Css("main")).await?.text().await?;
        assert!(
            main.contains("<5") && !main.contains("Ethnic group"),
            "{main}"
        );
        Ok(())
    }
    .await;
    session.finish(outcome).await;
}
