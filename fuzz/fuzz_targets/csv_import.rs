//! Feeds arbitrary bytes to the CSV import's reader and row checks
//! (`participant_import::parse`), where a panic, a hang or runaway memory would come from:
//! the database step only writes rows this layer has already accepted.
//!
//! Besides "no panic", every answer must make sense: accepted files hold 1 to 10,000
//! residents, refused ones name at least one problem, and every line number points into
//! the file.

#![no_main]

use chrono::NaiveDate;
use libfuzzer_sys::fuzz_target;
use pathways::models::participant_import::{ImportError, MAX_IMPORT_ROWS, parse};

fuzz_target!(|data: &[u8]| {
    let today = NaiveDate::from_ymd_opt(2026, 11, 23).expect("a real date");
    let last_line = data.iter().filter(|b| **b == b'\n').count() as u64 + 1;
    match parse(data, today) {
        Ok(rows) => {
            assert!(!rows.is_empty() && rows.len() <= MAX_IMPORT_ROWS);
            for row in &rows {
                assert!((2..=last_line).contains(&row.line), "line {}", row.line);
            }
        }
        Err(ImportError::Rows(problems)) => {
            assert!(!problems.is_empty());
            for p in &problems {
                assert!(p.line.is_none_or(|l| (1..=last_line).contains(&l)), "{p:?}");
            }
        }
        Err(ImportError::TooLarge(_)) => {}
        Err(ImportError::App(e)) => panic!("reading a file never touches the database: {e:?}"),
    }
});
