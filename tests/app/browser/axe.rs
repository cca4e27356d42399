//! Every page a browser test reaches is checked with axe-core, the accessibility engine
//! from the npm registry (`.ci/run` installs it under `.ci/node`). A page with any
//! violation of WCAG 2.0, 2.1 or 2.2 at level A or AA, or of axe's best practices, fails
//! the test that visited it, naming the rule and the elements.
//!
//! Without axe-core the check is skipped with a message, unless
//! `PATHWAYS_REQUIRE_BROWSER=1`, when a missing engine fails like a missing browser.

use std::path::PathBuf;
use std::sync::OnceLock;

use fantoccini::error::CmdError;

/// Where axe-core's browser bundle is: `PATHWAYS_AXE_JS`, or where `.ci/run` installs it.
fn bundle_path() -> PathBuf {
    std::env::var_os("PATHWAYS_AXE_JS").map_or_else(
        || {
            PathBuf::from(env!("CARGO_MANIFEST_DIR"))
                .join(".ci/node/node_modules/axe-core/axe.min.js")
        },
        PathBuf::from,
    )
}

/// The bundle's source, read once; `None` (with a message) when it is not installed.
fn bundle() -> Option<&'static str> {
    static SOURCE: OnceLock<Option<String>> = OnceLock::new();
    SOURCE
        .get_or_init(|| {
            let path = bundle_path();
            match std::fs::read_to_string(&path) {
                Ok(source) => Some(source),
                Err(e) => {
                    let required =
                        std::env::var("PATHWAYS_REQUIRE_BROWSER").is_ok_and(|v| v == "1");
                    assert!(
                        !required,
                        "PATHWAYS_REQUIRE_BROWSER=1 but axe-core is missing at {} ({e}): \
                         npm install --prefix .ci/node axe-core",
                        path.display()
                    );
                    eprintln!(
                        "skipping accessibility checks: axe-core is not at {}",
                        path.display()
                    );
                    None
                }
            }
        })
        .as_deref()
}

/// Runs axe-core on the page the browser shows and fails on any violation. The engine
/// is injected once per page (a new page forgets it).
pub(super) async fn check(browser: &fantoccini::Client) -> Result<(), CmdError> {
    let violations = violations(browser).await?;
    if !violations.is_empty() {
        let url = browser.current_url().await?;
        panic!(
            "{} accessibility violation(s) on {}:\n{}",
            violations.len(),
            url.path(),
            serde_json::to_string_pretty(&violations).unwrap_or_default()
        );
    }
    Ok(())
}

/// axe-core's violations on the page the browser shows, as it lays out now (each with
/// its rule, impact, help and up to five offending elements); none when axe-core is not
/// installed. For tests that gather every problem before failing (the page crawl).
pub(super) async fn violations(
    browser: &fantoccini::Client,
) -> Result<Vec<serde_json::Value>, CmdError> {
    let Some(source) = bundle() else {
        return Ok(Vec::new());
    };
    let loaded = browser
        .execute("return typeof window.axe !== 'undefined';", vec![])
        .await?;
    if loaded != serde_json::Value::Bool(true) {
        browser
            .execute(&format!("{source}\nreturn true;"), vec![])
            .await?;
    }
    let found = browser
        .execute_async(
            r#"const done = arguments[arguments.length - 1];
axe.run(document, { resultTypes: ['violations'] })
  .then(r => done(r.violations.map(v => ({
      rule: v.id, impact: v.impact, help: v.help,
      nodes: v.nodes.slice(0, 5).map(n => n.target.join(' '))
  }))))
  .catch(e => done([{ rule: 'axe-error', impact: 'critical', help: String(e), nodes: [] }]));"#,
            vec![],
        )
        .await?;
    Ok(found.as_array().cloned().unwrap_or_default())
}
