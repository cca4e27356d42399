//! In the browser at a phone's width (390 × 844): the programme report (filter, chart,
//! table) and the pilot's cohort report fit the window (`scrollWidth ≤ innerWidth`),
//! and axe finds nothing on either, including `scrollable-region-focusable` for the
//! tables that scroll sideways. A date typed in the as-at boxes runs the report.

use fantoccini::Locator;
use pathways::auth::Role;

use super::{BrowserSession, wait_for_page, wait_for_query};
use crate::common::TestApp;

/// The page's width and the window's, as the browser lays them out.
async fn widths(browser: &fantoccini::Client) -> Result<(i64, i64), fantoccini::error::CmdError> {
    let v = browser
        .execute(
            "return [document.documentElement.scrollWidth, window.innerWidth];",
            vec![],
        )
        .await?;
    Ok((v[0].as_i64().unwrap(), v[1].as_i64().unwrap()))
}

#[tokio::test]
async fn the_reports_fit_a_phone_and_their_tables_are_reachable_by_keyboard() {
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
        browser.set_window_size(390, 844).await?;
        for path in ["/reports", "/cohorts/1/report"] {
            browser
                .goto(&format!("{}{path}?as_at=2026-11-20", session.base))
                .await?;
            wait_for_page(browser, path).await?;
            let (page, window) = widths(browser).await?;
            assert!(
                page <= window,
                "{path} is {page}px wide in a {window}px window"
            );
        }
        // The as-at boxes of the cohort report run it as at the date typed.
        for (id, value) in [("as_at", "1"), ("as_at_month", "6"), ("as_at_year", "2020")] {
            let input = browser.find(Locator::Id(id)).await?;
            input.clear().await?;
            input.send_keys(value).await?;
        }
        browser
            .find(Locator::Css("form.filter button[type=submit]"))
            .await?
            .click()
            .await?;
        wait_for_query(browser, "as_at_year=2020", "the report as at 1 June 2020").await?;
        wait_for_page(browser, "/cohorts/1/report").await?;
        let main = browser.find(Locator::Css("main")).await?.text().await?;
        assert!(main.contains("as at 1 June 2020"), "{main}");
        Ok(())
    }
    .await;
    session.finish(outcome).await;
}
