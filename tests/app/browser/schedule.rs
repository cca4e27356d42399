//! In the browser: an administrator sets a closure day on the programme's closures page,
//! then a coordinator generates a schedule over Christmas and reads what moved.

use fantoccini::Locator;
use pathways::auth::Role;

use super::{BrowserSession, wait_for_page};
use crate::common::TestApp;

const ORG: &str = "Learning Partnerships";

#[tokio::test]
async fn an_admin_closes_a_day_and_the_schedule_moves_around_it_and_christmas() {
    let app = TestApp::new().await;
    let programme = app.programme("Health and Care Careers", &[ORG]).await;
    let cohort = app
        .cohort()
        .programme(programme)
        .starting("2026-11-30")
        .create()
        .await;
    let (_, admin) = app.user(Role::Admin, ORG).await;
    let Some(session) = BrowserSession::start(&app).await else {
        return;
    };
    let browser = &session.browser;
    let closures = format!("/programmes/{programme}/closures");
    let outcome = async {
        session.sign_in(&admin).await?;
        browser
            .goto(&format!("{}/programmes/{programme}", session.base))
            .await?;
        wait_for_page(browser, &format!("/programmes/{programme}")).await?;
        browser
            .find(Locator::LinkText("Closure days and bank holidays"))
            .await?
            .click()
            .await?;
        wait_for_page(browser, &closures).await?;
        for (id, value) in [
            ("closed_on", "2"),
            ("closed_on_month", "12"),
            ("closed_on_year", "2026"),
            ("reason", "College inset day"),
        ] {
            browser
                .find(Locator::Id(id))
                .await?
                .send_keys(value)
                .await?;
        }
        browser
            .find(Locator::XPath(
                "//button[normalize-space()='Add closure day']",
            ))
            .await?
            .click()
            .await?;
        super::wait_for_query(browser, "notice=added", "the closure was not added").await?;
        let main = browser.find(Locator::Css("main")).await?.text().await?;
        assert!(main.contains("College inset day"), "{main}");
        assert!(main.contains("Christmas Day"), "{main}");

        browser
            .goto(&format!("{}/cohorts/{}", session.base, cohort.id))
            .await?;
        wait_for_page(browser, &format!("/cohorts/{}", cohort.id)).await?;
        browser
            .find(Locator::XPath(
                "//button[starts-with(normalize-space(), 'Generate the schedule')]",
            ))
            .await?
            .click()
            .await?;
        super::wait_for_query(browser, "notice=generated", "no schedule was generated").await?;
        let moved = browser
            .find(Locator::Css("[aria-labelledby=moves-title]"))
            .await?
            .text()
            .await?;
        assert!(moved.contains("4 sessions"), "{moved}");
        assert!(moved.contains("2 Dec 2026 (College inset day)"), "{moved}");
        assert!(moved.contains("25 Dec 2026 (Christmas Day)"), "{moved}");
        let rows = browser
            .find_all(Locator::Css("#schedule ~ .table-wrapper tbody tr"))
            .await?;
        assert_eq!(rows.len(), 30);
        Ok(())
    }
    .await;
    session.finish(outcome).await;
}
