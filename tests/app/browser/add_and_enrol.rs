//! A coordinator adds a resident from the cohort page and enrols them in one form; in the
//! next cohort, the same person typed again is offered as the record already on file and
//! enrolled with one button.

use fantoccini::{Client, Locator};
use pathways::auth::Role;

use super::{BrowserSession, wait_for_heading, wait_for_page};
use crate::common::TestApp;
use crate::imports::next_cohort;

const HEADING: &str = "Add a resident to this cohort";

/// Fills the resident's identity on the add-and-enrol form and sends it.
async fn add(
    browser: &Client,
    (given, family): (&str, &str),
    (day, month, year): (&str, &str, &str),
    postcode: &str,
) -> Result<(), fantoccini::error::CmdError> {
    for (id, value) in [
        ("given_name", given),
        ("family_name", family),
        ("date_of_birth", day),
        ("date_of_birth_month", month),
        ("date_of_birth_year", year),
        ("postcode", postcode),
    ] {
        browser
            .find(Locator::Id(id))
            .await?
            .send_keys(value)
            .await?;
    }
    browser
        .find(Locator::Css(
            "main form[action$='/residents'] button[type=submit]",
        ))
        .await?
        .click()
        .await
}

async fn open_the_form(
    session: &BrowserSession,
    cohort: i32,
) -> Result<(), fantoccini::error::CmdError> {
    let browser = &session.browser;
    browser
        .goto(&format!("{}/cohorts/{cohort}", session.base))
        .await?;
    wait_for_page(browser, &format!("/cohorts/{cohort}")).await?;
    browser
        .find(Locator::LinkText(HEADING))
        .await?
        .click()
        .await?;
    wait_for_heading(browser, HEADING).await
}

#[tokio::test]
async fn a_coordinator_adds_and_enrols_a_resident_from_the_cohort_page() {
    let app = TestApp::new().await;
    let d = app.delivery("Learning Partnerships").await;
    let spring = next_cohort(&app, &d, 20).await;
    let (_, email) = app.user(Role::Coordinator, "Learning Partnerships").await;
    let Some(session) = BrowserSession::start(&app).await else {
        return;
    };
    let browser = &session.browser;
    let outcome = async {
        session.sign_in(&email).await?;
        open_the_form(&session, d.cohort).await?;
        add(
            browser,
            ("Zoë", "O'Brien-Nowak"),
            ("2", "5", "1991"),
            "ls9 6aa",
        )
        .await?;
        wait_for_page(browser, &format!("/cohorts/{}", d.cohort)).await?;
        let main = browser.find(Locator::Css("main")).await?.text().await?;
        assert!(
            main.contains("The resident has been added and enrolled."),
            "{main}"
        );
        assert!(main.contains("Zoë O'Brien-Nowak"), "{main}");

        // The delivery's resident, Amina Khan, typed again for the next cohort.
        open_the_form(&session, spring).await?;
        add(browser, ("amina", "khan"), ("27", "3", "1990"), "LS97TF").await?;
        let offer = browser
            .wait()
            .for_element(Locator::XPath(
                "//main//button[normalize-space()='Enrol the existing record']",
            ))
            .await?;
        let main = browser.find(Locator::Css("main")).await?.text().await?;
        assert!(main.contains("Amina Khan is already recorded"), "{main}");
        offer.click().await?;
        wait_for_page(browser, &format!("/cohorts/{spring}")).await?;
        let main = browser.find(Locator::Css("main")).await?.text().await?;
        assert!(main.contains("The resident has been enrolled."), "{main}");
        assert!(main.contains("Amina Khan"), "{main}");
        Ok(())
    }
    .await;
    session.finish(outcome).await;
}
