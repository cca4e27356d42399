//! HR clears due checkpoints from the queue without leaving it (issue 14): three recorded
//! one after another with "Save and record next", one "left" with the end of the job in
//! the same step, every page on `/checkpoints`; the queue then no longer lists them, and
//! it fits a 390-pixel-wide window.

use fantoccini::Locator;
use pathways::auth::Role;

use super::{BrowserSession, wait_for_page};
use crate::common::TestApp;

const TRUST_A: &str = "Leeds Teaching Hospitals";

/// Waits (up to ten seconds) until the address's `record=` is no longer `key`, and
/// returns the query string.
async fn wait_for_record_change(
    browser: &fantoccini::Client,
    key: &str,
) -> Result<String, fantoccini::error::CmdError> {
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
    loop {
        let url = browser.current_url().await?;
        let query = url.query().unwrap_or_default().to_owned();
        if !query.contains(&format!("record={key}")) && query.contains("notice=") {
            assert_eq!(url.path(), "/checkpoints", "every page is the queue: {url}");
            wait_for_page(browser, "/checkpoints").await?;
            return Ok(query);
        }
        assert!(std::time::Instant::now() < deadline, "never saved {key}");
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
}

/// The key of the checkpoint whose form is open.
async fn open_key(browser: &fantoccini::Client) -> Result<String, fantoccini::error::CmdError> {
    let input = browser
        .find(Locator::Css("#record input[name=record]"))
        .await?;
    Ok(input.attr("value").await?.unwrap_or_default())
}

#[tokio::test]
async fn hr_clears_three_checkpoints_and_a_left_without_leaving_the_queue() {
    let app = TestApp::new().await;
    let jobs = crate::hr_queue::setup(&app).await;
    let (_, email) = app.user(Role::Hr, TRUST_A).await;
    let Some(session) = BrowserSession::start(&app).await else {
        return;
    };
    let browser = &session.browser;
    let outcome = async {
        session.sign_in(&email).await?;
        browser
            .goto(&format!("{}/checkpoints", session.base))
            .await?;
        wait_for_page(browser, "/checkpoints").await?;
        browser
            .find(Locator::Css("main tbody a[href*='record=']"))
            .await?
            .click()
            .await?;
        super::wait_for_query(browser, "record=", "the record form opens").await?;
        wait_for_page(browser, "/checkpoints").await?;
        let mut done = Vec::new();
        for _ in 0..3 {
            let key = open_key(browser).await?;
            browser
                .find(Locator::Css("label[for=status]"))
                .await?
                .click()
                .await?;
            browser
                .find(Locator::Css("button[name=then][value=next]"))
                .await?
                .click()
                .await?;
            let query = wait_for_record_change(browser, &key).await?;
            assert!(query.contains("record="), "the next one is open: {query}");
            done.push(key);
        }
        // The fourth: left, with the end of the job, in the same form.
        let key = open_key(browser).await?;
        browser
            .find(Locator::Css("label[for=status-left]"))
            .await?
            .click()
            .await?;
        for (id, value) in [
            ("end_date", "1"),
            ("end_date_month", "3"),
            ("end_date_year", "2027"),
        ] {
            browser
                .find(Locator::Id(id))
                .await?
                .send_keys(value)
                .await?;
        }
        browser
            .find(Locator::Css("label[for=end_reason]"))
            .await?
            .click()
            .await?;
        browser
            .find(Locator::Css("button[name=then][value=queue]"))
            .await?
            .click()
            .await?;
        let query = wait_for_record_change(browser, &key).await?;
        assert!(!query.contains("record="), "back to the queue: {query}");
        done.push(key);
        let main = browser.find(Locator::Css("main")).await?.text().await?;
        assert!(main.contains("The checkpoint has been recorded"), "{main}");
        for key in &done {
            let links = browser
                .find_all(Locator::Css(&format!(
                    "main tbody a[href*='record={key}#']"
                )))
                .await?;
            assert!(links.is_empty(), "{key} is done and no longer listed");
        }
        // The queue fits a phone.
        browser.set_window_size(390, 844).await?;
        let widths = browser
            .execute(
                "return [document.documentElement.scrollWidth, window.innerWidth];",
                vec![],
            )
            .await?;
        let (scroll, inner) = (widths[0].as_i64().unwrap(), widths[1].as_i64().unwrap());
        assert!(scroll <= inner, "the queue is {scroll}px wide at {inner}px");
        super::axe::check(browser).await?;
        // The record form, the employment page and its short pages fit too.
        let job = jobs[3].0;
        let pages = [
            format!("/checkpoints?record={job}-26"),
            format!("/employments/{job}"),
            format!("/employments/{job}/checkpoints/26"),
            format!("/employments/{job}/progressions/new"),
            format!("/employments/{job}/end"),
        ];
        for page in pages {
            browser.goto(&format!("{}{page}", session.base)).await?;
            wait_for_page(browser, page.split('?').next().unwrap_or_default()).await?;
            let widths = browser
                .execute(
                    "return [document.documentElement.scrollWidth, window.innerWidth];",
                    vec![],
                )
                .await?;
            let (scroll, inner) = (widths[0].as_i64().unwrap(), widths[1].as_i64().unwrap());
            assert!(scroll <= inner, "{page} is {scroll}px wide at {inner}px");
        }
        Ok(())
    }
    .await;
    session.finish(outcome).await;
}
