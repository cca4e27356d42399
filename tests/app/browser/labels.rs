//! The pages that now show labels and UK time, and whose tables scroll inside a
//! keyboard-reachable region, pass axe in a desktop and a 390-pixel-wide window: the
//! resident's page with its history, the account page with a token, the admin lists,
//! cohorts, programmes and their closures, and help. (Whether each page fits the narrow
//! window is the whole-site crawl's check.)

use fantoccini::Locator;
use pathways::auth::Role;

use super::{BrowserSession, wait_for_page};
use crate::common::TestApp;

const ORG: &str = "Learning Partnerships";

#[tokio::test]
async fn pages_with_labels_and_uk_times_pass_axe_on_a_desktop_and_a_phone() {
    let app = TestApp::new().await;
    let d = app.delivery(ORG).await;
    let (_, email) = app.user(Role::Admin, ORG).await;
    let admin = app.login_as(Role::Admin, ORG).await;
    admin
        .post_form(
            &format!("/enrolments/{}", d.enrolment),
            &[("stage", "withdrawn"), ("withdrawal_reason", "moved_away")],
        )
        .await;
    let Some(session) = BrowserSession::start(&app).await else {
        return;
    };
    let browser = &session.browser;
    let outcome = async {
        session.sign_in(&email).await?;
        // A token, so the account page has its table.
        browser.goto(&format!("{}/account", session.base)).await?;
        wait_for_page(browser, "/account").await?;
        browser
            .find(Locator::Id("name"))
            .await?
            .send_keys("Nightly export")
            .await?;
        browser
            .find(Locator::Css("form[action='/account/tokens'] button"))
            .await?
            .click()
            .await?;
        super::wait_for_count(browser, "#tokens-caption", 1).await?;
        let pages = [
            format!("/participants/{}", d.participant),
            "/account".to_owned(),
            "/admin/users".to_owned(),
            "/admin/organisations".to_owned(),
            "/cohorts".to_owned(),
            format!("/cohorts/{}", d.cohort),
            format!("/programmes/{}", d.programme),
            format!("/programmes/{}/closures", d.programme),
            "/participants".to_owned(),
            "/help/cookies".to_owned(),
        ];
        for width in [1024, 390] {
            browser.set_window_size(width, 844).await?;
            for path in &pages {
                browser.goto(&format!("{}{path}", session.base)).await?;
                wait_for_page(browser, path).await?;
            }
        }
        Ok(())
    }
    .await;
    session.finish(outcome).await;
}
