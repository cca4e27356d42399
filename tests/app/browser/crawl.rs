//! Every page right on a phone (issue 14): for each role with pages, a browser signs in
//! to the demo as that role and follows the same-origin links breadth-first from the
//! dashboard, one page per route pattern (ids read as `{id}`; one more variant with a
//! query string, which changes the page: a notice, a filter, a further page). Each page
//! is checked in a 390 × 844 window and in a 1024 × 800 one: nothing wider than the
//! window (`scrollWidth ≤ innerWidth`) and no axe violation. A few pages no link
//! reaches are visited too: forms sent back with their errors.
//!
//! Every problem is gathered before the test fails, each with its page, width and (for
//! a page too wide) the elements that stick out furthest, so one run says all there is
//! to fix.

use std::collections::{HashSet, VecDeque};
use std::fmt::Write as _;
use std::time::Instant;

use fantoccini::Locator;
use fantoccini::error::CmdError;
use serde_json::Value;

use super::{BrowserSession, DESKTOP, PHONE, axe};
use crate::common::TestApp;

/// Pages per role at most, so the crawl's time stays bounded (it runs on both
/// databases in CI); reaching it is said, not failed.
const MAX_PAGES: usize = 60;

/// How wide the page is against its window, and when wider, the elements sticking out
/// furthest that nothing scrolls or clips (the innermost ones: they are what to fix).
const MEASURE: &str = r#"
const w = window.innerWidth, sw = document.documentElement.scrollWidth;
const out = { scrollWidth: sw, innerWidth: w, height: document.documentElement.scrollHeight, widest: [] };
if (sw > w) {
  const right = el => el.getBoundingClientRect().right + window.scrollX;
  const clipped = el => {
    for (let p = el.parentElement; p && p !== document.documentElement; p = p.parentElement) {
      if (getComputedStyle(p).overflowX !== 'visible' && right(p) <= w + 1) return true;
    }
    return false;
  };
  const wide = Array.from(document.body.querySelectorAll('*'))
    .filter(el => right(el) > w + 0.5 && !clipped(el));
  const innermost = wide.filter(el => !wide.some(o => o !== el && el.contains(o)));
  innermost.sort((a, b) => right(b) - right(a));
  out.widest = innermost.slice(0, 3).map(el => {
    let name = el.tagName.toLowerCase();
    if (el.id) name += '#' + el.id;
    for (const c of el.classList) name += '.' + c;
    const text = (el.textContent || '').trim().replace(/\s+/g, ' ').slice(0, 40);
    return `${name} (right edge ${Math.round(right(el))}px) “${text}”`;
  });
}
return out;
"#;

/// The same-origin links of the page a crawl may follow: no downloads, no API.
const LINKS: &str = r#"
return Array.from(document.querySelectorAll('a[href]'))
  .filter(a => a.origin === location.origin && !a.hasAttribute('download'))
  .map(a => a.pathname + a.search);
"#;

/// A page that failed a check, with what to fix.
struct Problem {
    role: &'static str,
    width: u32,
    page: String,
    /// The axe rule broken, or `page-width` when the page is wider than its window.
    check: String,
    what: String,
}

/// The route pattern a crawl counts a link under: numbers read as `{id}`, the query
/// kept only as whether there is one.
fn pattern(link: &str) -> String {
    let (path, query) = link.split_once('?').unwrap_or((link, ""));
    let mut pattern: String = path
        .split('/')
        .map(|part| {
            if !part.is_empty() && part.bytes().all(|b| b.is_ascii_digit()) {
                "{id}"
            } else {
                part
            }
        })
        .collect::<Vec<_>>()
        .join("/");
    if !query.is_empty() {
        pattern.push_str("?…");
    }
    pattern
}

/// Whether a crawl follows `link`: not signing out, no downloads or API, no static file.
fn followable(link: &str) -> bool {
    let path = link.split('?').next().unwrap_or(link);
    !(path.starts_with("/api/")
        || path.starts_with("/static/")
        || path == "/sign-out"
        || path == "/sign-in"
        || path.ends_with(".csv"))
}

/// One crawl's bookkeeping over all the roles.
#[derive(Default)]
struct Crawl {
    problems: Vec<Problem>,
    /// Patterns the same for every role (help pages), checked once.
    shared_seen: HashSet<String>,
    /// Which width the window has now (each page is checked at the width the window
    /// has, then the other, so a page costs one resize).
    at_phone: bool,
}

impl Crawl {
    /// Checks the page the browser shows at the window's width, then at the other one.
    async fn check_both(
        &mut self,
        session: &BrowserSession,
        role: &'static str,
        page: &str,
    ) -> Result<(), CmdError> {
        for _ in 0..2 {
            let (width, _) = if self.at_phone { PHONE } else { DESKTOP };
            let name = format!(
                "{role}-{width}{}",
                pattern(page).replace(['/', '?', ' '], "_")
            );
            session.screenshot(&name).await?;
            self.check(session, role, page, width).await?;
            let (w, h) = if self.at_phone { DESKTOP } else { PHONE };
            session.resize(w, h).await?;
            self.at_phone = !self.at_phone;
        }
        Ok(())
    }

    /// Checks the page at the window's present `width`.
    async fn check(
        &mut self,
        session: &BrowserSession,
        role: &'static str,
        page: &str,
        width: u32,
    ) -> Result<(), CmdError> {
        let b = &session.browser;
        let measured = b.execute(MEASURE, vec![]).await?;
        let (scroll, inner) = (
            measured["scrollWidth"].as_u64().unwrap_or_default(),
            measured["innerWidth"].as_u64().unwrap_or_default(),
        );
        if scroll > inner {
            let widest: Vec<&str> = measured["widest"]
                .as_array()
                .map(|a| a.iter().filter_map(Value::as_str).collect())
                .unwrap_or_default();
            self.problems.push(Problem {
                role,
                width,
                page: page.to_owned(),
                check: "page-width".into(),
                what: format!(
                    "{scroll}px wide in a {inner}px window; widest: {}",
                    widest.join("; ")
                ),
            });
        }
        for v in axe::violations(b).await? {
            self.problems.push(Problem {
                role,
                width,
                page: page.to_owned(),
                check: v["rule"].as_str().unwrap_or("?").to_owned(),
                what: format!(
                    "axe {} ({}): {} at {}",
                    v["rule"].as_str().unwrap_or("?"),
                    v["impact"].as_str().unwrap_or("?"),
                    v["help"].as_str().unwrap_or("?"),
                    v["nodes"]
                ),
            });
        }
        Ok(())
    }

    /// Signs in as `role` and crawls from the dashboard; returns the route patterns of
    /// the pages checked.
    async fn role(
        &mut self,
        session: &BrowserSession,
        role: &'static str,
        email: &str,
        password: &str,
    ) -> Result<Vec<String>, CmdError> {
        let b = &session.browser;
        b.delete_all_cookies().await?;
        session.sign_in_with(email, password).await?;
        let mut seen: HashSet<String> = HashSet::from([pattern("/")]);
        let mut queue = VecDeque::from([String::from("/")]);
        let mut checked = Vec::new();
        while let Some(link) = queue.pop_front() {
            if checked.len() == MAX_PAGES {
                eprintln!(
                    "page crawl: {role} stopped at {MAX_PAGES} pages, {} links left",
                    queue.len()
                );
                break;
            }
            b.goto(&format!("{}{link}", session.base)).await?;
            if b.find(Locator::Css("footer")).await.is_err() {
                self.problems.push(Problem {
                    role,
                    width: 0,
                    page: link.clone(),
                    check: "page".into(),
                    what: "not a page of the service (no footer)".into(),
                });
                continue;
            }
            self.check_both(session, role, &link).await?;
            checked.push(pattern(&link));
            let links = b.execute(LINKS, vec![]).await?;
            for next in links
                .as_array()
                .into_iter()
                .flatten()
                .filter_map(Value::as_str)
            {
                let key = pattern(next);
                let shared = next.starts_with("/help/");
                if !followable(next)
                    || !seen.insert(key.clone())
                    || (shared && !self.shared_seen.insert(key))
                {
                    continue;
                }
                queue.push_back(next.to_owned());
            }
        }
        Ok(checked)
    }

    /// Submits the form on `path` with nothing filled in (through its button matching
    /// `button`) and checks the page that comes back with its errors.
    async fn form_errors(
        &mut self,
        session: &BrowserSession,
        role: &'static str,
        path: &str,
        button: &str,
    ) -> Result<(), CmdError> {
        let b = &session.browser;
        b.goto(&format!("{}{path}", session.base)).await?;
        b.find(Locator::Css(button)).await?.click().await?;
        let started = Instant::now();
        while b.find(Locator::Css(".error-summary")).await.is_err() {
            assert!(
                started.elapsed().as_secs() < 10,
                "{path} came back without an error summary"
            );
            tokio::time::sleep(std::time::Duration::from_millis(50)).await;
        }
        self.check_both(session, role, &format!("{path} (sent back with errors)"))
            .await
    }
}

/// The demo's accounts, one per role with pages, as (role, email, password).
async fn demo_logins(app: &TestApp) -> Vec<(&'static str, String, String)> {
    let logins = pathways::demo::load(&app.state, |_| {})
        .await
        .expect("the demo loads");
    ["admin", "coordinator", "hr", "manager"]
        .into_iter()
        .map(|role| {
            let login = logins
                .iter()
                .find(|l| l.role == role)
                .unwrap_or_else(|| panic!("the demo has no {role}"));
            (role, login.email.clone(), login.password.clone())
        })
        .collect()
}

#[tokio::test]
async fn every_page_fits_a_phone_and_a_desktop_and_passes_axe() {
    let app = TestApp::new().await;
    let logins = demo_logins(&app).await;
    let (width, height) = PHONE;
    let Some(session) = BrowserSession::start_sized(&app, width, height).await else {
        return;
    };
    let mut crawl = Crawl {
        at_phone: true,
        ..Crawl::default()
    };
    let outcome = async {
        for (role, email, password) in &logins {
            let started = Instant::now();
            let pages = crawl.role(&session, role, email, password).await?;
            eprintln!(
                "page crawl: {role}, {} pages checked at {}px and at {}px in {:.0?}: {}",
                pages.len(),
                PHONE.0,
                DESKTOP.0,
                started.elapsed(),
                pages.join(" ")
            );
            assert!(pages.len() >= 5, "{role} reached only {pages:?}");
        }
        // Forms sent back with their errors: no link leads there.
        let (_, email, password) = &logins[1];
        session.browser.delete_all_cookies().await?;
        session.sign_in_with(email, password).await?;
        let post = "main form[method=post] button[type=submit]";
        for path in ["/participants/new", "/cohorts/new", "/account/password"] {
            crawl
                .form_errors(&session, "coordinator", path, post)
                .await?;
        }
        // Today's register saved with nobody marked comes back naming each of them.
        let b = &session.browser;
        b.goto(&format!("{}/registers/today", session.base)).await?;
        let register = b
            .find(Locator::Css("main tbody a[href$='/register']"))
            .await?
            .attr("href")
            .await?
            .expect("a link to today's register");
        crawl
            .form_errors(&session, "coordinator", &register, ".action-bar .button")
            .await?;
        Ok(())
    }
    .await;
    session.finish(outcome).await;
    let problems: Vec<&Problem> = crawl.problems.iter().collect();
    let list = |problems: &[&Problem]| {
        let mut list = String::new();
        for p in problems {
            let _ = writeln!(
                list,
                "- {} at {}px, {}, {}: {}",
                p.page, p.width, p.role, p.check, p.what
            );
        }
        list
    };
    assert!(
        problems.is_empty(),
        "{} problem(s) on the pages crawled:\n{}",
        problems.len(),
        list(&problems)
    );
}
