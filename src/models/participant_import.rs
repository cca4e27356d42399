//! Reading a participant CSV (PRODUCT.md "CSV", import): the header, then one resident
//! per row, every field checked by the same rules as the single-resident form
//! ([`check`]). Headers are read as people write them ("First name", "Surname", "DOB",
//! "Mobile"… in any case, order and spacing); columns the import does not use are named
//! and ignored. Nothing here touches the database; the import itself is
//! `participant_import_run`.

use std::collections::HashMap;

use chrono::NaiveDate;
use serde::Serialize;

use super::ParticipantRecord;
use super::line_counter::LineCounter;
use super::participant::Identity;
use super::participant_input::{ParticipantInput, check};

mod header;
mod text;

pub use header::column_for;
use header::{check_header, ignored};
use text::{decode, reader_for, rows_error};

/// The largest file accepted (bytes).
pub const MAX_IMPORT_BYTES: usize = 5 * 1024 * 1024;
/// The most residents one file may hold.
pub const MAX_IMPORT_ROWS: usize = 10_000;
/// The columns a file may have, in the template's order.
pub const COLUMNS: [&str; 6] = [
    "given_name",
    "family_name",
    "date_of_birth",
    "postcode",
    "email",
    "phone",
];
/// The header row of the template file a coordinator downloads.
pub const TEMPLATE_CSV: &str = "given_name,family_name,date_of_birth,postcode,email,phone\r\n";

/// One problem with the file: its line (the header is line 1; `None` for the file as a
/// whole), the column, what is wrong and the value at fault. The value is personal data:
/// it is shown to the person importing, never logged.
#[derive(Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct RowError {
    /// Line in the file, counting the header as line 1; null for the whole file.
    pub line: Option<u64>,
    /// Column name (`file` or `row` when no single column is at fault).
    pub column: String,
    /// What is wrong, for people.
    pub message: String,
    /// The value in that line and column, as the file has it (absent when no single value
    /// is at fault).
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(required = false)]
    pub value: Option<String>,
}

/// Without the value, so a problem printed to a log never carries personal data.
impl std::fmt::Debug for RowError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RowError")
            .field("line", &self.line)
            .field("column", &self.column)
            .field("message", &self.message)
            .field("value", &self.value.as_ref().map(|_| "[hidden]"))
            .finish()
    }
}

impl RowError {
    fn new(line: Option<u64>, column: &str, message: impl Into<String>) -> Self {
        Self {
            line,
            column: column.to_owned(),
            message: message.into(),
            value: None,
        }
    }

    fn with_value(mut self, value: Option<&str>) -> Self {
        self.value = value.map(str::to_owned);
        self
    }
}

/// A file read and checked: its residents, and the headings of the columns it had that
/// the import does not use (ignored, and shown on the preview).
#[derive(Debug, Clone)]
pub struct ParsedFile {
    /// Every resident, in file order.
    pub rows: Vec<ImportRow>,
    /// Headings of ignored columns, as the file has them.
    pub ignored_columns: Vec<String>,
}

/// Why a file cannot be imported.
#[derive(Debug)]
pub enum ImportError {
    /// Over the size or row limit (HTTP 413).
    TooLarge(String),
    /// Bad rows or header: every problem found (HTTP 422).
    Rows(Vec<RowError>),
    /// Anything else (the cohort is not visible, the database failed).
    App(crate::error::AppError),
}

impl From<crate::error::AppError> for ImportError {
    fn from(e: crate::error::AppError) -> Self {
        ImportError::App(e)
    }
}

impl From<diesel::result::Error> for ImportError {
    fn from(e: diesel::result::Error) -> Self {
        ImportError::App(e.into())
    }
}

/// A checked row, ready to import.
#[derive(Debug, Clone)]
pub struct ImportRow {
    /// Its line in the file.
    pub line: u64,
    /// The resident, validated and normalised.
    pub record: ParticipantRecord,
}

/// Reads and checks a whole file on `today`: every row, with every problem listed.
pub fn parse(bytes: &[u8], today: NaiveDate) -> Result<Vec<ImportRow>, ImportError> {
    parse_file(bytes, today).map(|file| file.rows)
}

/// As [`parse`], also naming the columns the import ignores.
pub fn parse_file(bytes: &[u8], today: NaiveDate) -> Result<ParsedFile, ImportError> {
    let text = decode(bytes)?;
    let mut reader = reader_for(text);
    let mut lines = LineCounter::new(text);
    let mut records = reader.records();
    let header = match records.next() {
        Some(Ok(h)) => h,
        _ => {
            return Err(rows_error(RowError::new(None, "file", "The file is empty")));
        }
    };
    let columns = check_header(&header).map_err(ImportError::Rows)?;
    let ignored_columns = ignored(&header, &columns);
    let mut collected = Collected::default();
    let mut residents = 0;
    for result in records {
        let record = match result {
            Ok(r) => r,
            Err(e) => {
                let line = e.position().map(|p| lines.at(p.byte()));
                let problem = RowError::new(line, "row", "This row could not be read");
                collected.errors.push(problem);
                continue;
            }
        };
        let line = record.position().map_or(0, |p| lines.at(p.byte()));
        if record.iter().all(|f| f.trim().is_empty()) {
            continue;
        }
        residents += 1;
        if residents > MAX_IMPORT_ROWS {
            return Err(ImportError::TooLarge(format!(
                "The file must hold {MAX_IMPORT_ROWS} residents or fewer; split it into smaller files"
            )));
        }
        collected.add(check_row(&columns, &record, line, today), line);
    }
    let rows = collected.finish()?;
    Ok(ParsedFile {
        rows,
        ignored_columns,
    })
}

/// The rows checked so far, every problem found, and the line each resident was first on.
#[derive(Default)]
struct Collected {
    rows: Vec<ImportRow>,
    errors: Vec<RowError>,
    seen: HashMap<Identity, u64>,
}

impl Collected {
    /// Keeps a checked row, unless it repeats a resident from an earlier line.
    fn add(&mut self, checked: Result<ImportRow, Vec<RowError>>, line: u64) {
        match checked {
            Ok(row) => match self.seen.insert(row.record.identity(), line) {
                Some(first) => self.errors.push(RowError::new(
                    Some(line),
                    "given_name",
                    format!("This resident is already on line {first} of the file"),
                )),
                None => self.rows.push(row),
            },
            Err(mut problems) => self.errors.append(&mut problems),
        }
    }

    /// Every row when all were good, or every problem.
    fn finish(self) -> Result<Vec<ImportRow>, ImportError> {
        if !self.errors.is_empty() {
            return Err(ImportError::Rows(self.errors));
        }
        if self.rows.is_empty() {
            return Err(rows_error(RowError::new(
                None,
                "file",
                "The file has no residents under its header row",
            )));
        }
        Ok(self.rows)
    }
}

/// Checks one row with the single-resident rules.
fn check_row(
    columns: &[Option<&'static str>],
    record: &csv::StringRecord,
    line: u64,
    today: NaiveDate,
) -> Result<ImportRow, Vec<RowError>> {
    if record.len() > columns.len() {
        return Err(vec![RowError::new(
            Some(line),
            "row",
            format!(
                "This row has {} values but the header has {} columns",
                record.len(),
                columns.len()
            ),
        )]);
    }
    let cell = |name: &str| {
        columns
            .iter()
            .position(|c| *c == Some(name))
            .and_then(|i| record.get(i))
    };
    let value = |name: &str| cell(name).map(str::to_owned);
    let input = ParticipantInput {
        given_name: value("given_name"),
        family_name: value("family_name"),
        date_of_birth: value("date_of_birth"),
        postcode: value("postcode"),
        email: value("email"),
        phone: value("phone"),
        ..ParticipantInput::default()
    };
    check(&input, today)
        .map(|record| ImportRow { line, record })
        .map_err(|fields| {
            fields
                .iter()
                .map(|(f, m)| RowError::new(Some(line), f, m.clone()).with_value(cell(f)))
                .collect()
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn today() -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 11, 23).unwrap()
    }

    fn errors(bytes: &[u8]) -> Vec<RowError> {
        match parse(bytes, today()) {
            Err(ImportError::Rows(e)) => e,
            other => panic!("expected row errors, got {other:?}"),
        }
    }

    #[test]
    fn excel_style_files_are_read() {
        let file = "\u{feff}Given_Name,family_name,date_of_birth,postcode\r\n\
            \"Siobhán\",\"O'Neill, Jr\",27/03/1990, LS9  7TF \r\n\
            ,,,\r\n\
            \r\n\
            محمد,Nguyễn,1985-12-01,ls97tf\r\n";
        let rows = parse(file.as_bytes(), today()).unwrap();
        assert_eq!(rows.len(), 2);
        assert_eq!(rows[0].line, 2);
        assert_eq!(rows[0].record.family_name, "O'Neill, Jr");
        assert_eq!(rows[0].record.postcode, "LS9 7TF");
        assert_eq!(
            (rows[1].line, rows[1].record.given_name.as_str()),
            (5, "محمد")
        );
    }

    #[test]
    fn cells_pasted_from_a_spreadsheet_are_tab_separated() {
        let pasted = "given_name\tfamily_name\tdate_of_birth\tpostcode\n\
            Amina\tKhan, Jr\t27/03/1990\tLS9 7TF\n";
        let rows = parse(pasted.as_bytes(), today()).unwrap();
        assert_eq!(rows[0].record.family_name, "Khan, Jr");
    }

    #[test]
    fn every_bad_row_is_named_by_line_and_column() {
        let file = "given_name,family_name,date_of_birth,postcode,email\n\
            Amina,Khan,1990-03-27,LS9 7TF,\n\
            ,Khan,31/02/1990,LS9 7TF,amina@\n\
            Amina,Khan,1990-03-27,LS9 7TF,\n\
            Bo,Li,1990-01-01,nowhere,,extra\n";
        let e = errors(file.as_bytes());
        let found: Vec<(Option<u64>, &str)> =
            e.iter().map(|e| (e.line, e.column.as_str())).collect();
        assert_eq!(
            found,
            vec![
                (Some(3), "given_name"),
                (Some(3), "date_of_birth"),
                (Some(3), "email"),
                (Some(4), "given_name"),
                (Some(5), "row"),
            ]
        );
        assert!(e[3].message.contains("line 2"));
    }

    #[test]
    fn each_problem_carries_the_bad_value_but_debug_hides_it() {
        let e =
            errors("Given name,Surname,DOB,Postcode\nAmina,Khan,31/02/1990,nowhere\n".as_bytes());
        let found: Vec<(&str, Option<&str>)> = e
            .iter()
            .map(|e| (e.column.as_str(), e.value.as_deref()))
            .collect();
        assert_eq!(
            found,
            vec![
                ("date_of_birth", Some("31/02/1990")),
                ("postcode", Some("nowhere"))
            ]
        );
        let debug = format!("{:?}", e[0]);
        assert!(!debug.contains("31/02/1990"), "{debug}");
    }

    #[test]
    fn limits_are_enforced() {
        let big = vec![b'a'; MAX_IMPORT_BYTES + 1];
        assert!(matches!(
            parse(&big, today()),
            Err(ImportError::TooLarge(_))
        ));
        let header = "given_name,family_name,date_of_birth,postcode\n";
        let (mut many, mut bad) = (String::from(header), String::from(header));
        for i in 0..MAX_IMPORT_ROWS {
            many.push_str(&format!("A{i},B,1990-01-01,LS9 7TF\n"));
            bad.push_str(&format!("A{i},,1990-01-01,nowhere\n"));
        }
        assert_eq!(
            parse(many.as_bytes(), today()).unwrap().len(),
            MAX_IMPORT_ROWS
        );
        let Err(ImportError::Rows(problems)) = parse(bad.as_bytes(), today()) else {
            panic!("every bad row is listed, up to the limit");
        };
        assert_eq!(problems.len(), 2 * MAX_IMPORT_ROWS);
        many.push_str("Z,B,1990-01-01,LS9 7TF\n");
        assert!(matches!(
            parse(many.as_bytes(), today()),
            Err(ImportError::TooLarge(_))
        ));
    }
}
