//! Reading a participant CSV (PRODUCT.md "CSV", import): the header, then one resident
//! per row, every field checked by the same rules as the single-resident form
//! ([`check`]). Nothing here touches the database; the import itself is
//! `participant_import_run`.

use std::collections::HashMap;

use chrono::NaiveDate;
use serde::Serialize;

use super::ParticipantRecord;
use super::line_counter::LineCounter;
use super::participant::Identity;
use super::participant_input::{ParticipantInput, check};

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
/// The columns a file must have.
const REQUIRED: [&str; 4] = ["given_name", "family_name", "date_of_birth", "postcode"];

/// One problem with the file: its line (the header is line 1; `None` for the file as a
/// whole), the column and what is wrong.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct RowError {
    /// Line in the file, counting the header as line 1; null for the whole file.
    pub line: Option<u64>,
    /// Column name (`file` or `row` when no single column is at fault).
    pub column: String,
    /// What is wrong, for people.
    pub message: String,
}

impl RowError {
    fn new(line: Option<u64>, column: &str, message: impl Into<String>) -> Self {
        Self {
            line,
            column: column.to_owned(),
            message: message.into(),
        }
    }
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
    collected.finish()
}

/// A CSV reader over `text`; cells copied straight from a spreadsheet paste as
/// tab-separated text, so a header with tabs and no commas means tabs.
fn reader_for(text: &str) -> csv::Reader<&[u8]> {
    let header_line = text.lines().next().unwrap_or_default();
    let tabs = header_line.contains('\t') && !header_line.contains(',');
    csv::ReaderBuilder::new()
        .delimiter(if tabs { b'\t' } else { b',' })
        .has_headers(false)
        .flexible(true)
        .from_reader(text.as_bytes())
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

/// The file as text: small enough, UTF-8, without a byte-order mark.
fn decode(bytes: &[u8]) -> Result<&str, ImportError> {
    if bytes.len() > MAX_IMPORT_BYTES {
        return Err(ImportError::TooLarge(format!(
            "The file must be smaller than {} MB",
            MAX_IMPORT_BYTES / (1024 * 1024)
        )));
    }
    let text = std::str::from_utf8(bytes).map_err(|e| {
        let line = bytes[..e.valid_up_to()]
            .iter()
            .filter(|b| **b == b'\n')
            .count() as u64
            + 1;
        ImportError::Rows(vec![RowError::new(
            Some(line),
            "file",
            "The file must be saved as CSV UTF-8",
        )])
    })?;
    Ok(text.strip_prefix('\u{feff}').unwrap_or(text))
}

fn rows_error(e: RowError) -> ImportError {
    ImportError::Rows(vec![e])
}

/// The column name of each position, or every problem with the header row.
fn check_header(header: &csv::StringRecord) -> Result<Vec<&'static str>, Vec<RowError>> {
    let mut errors = Vec::new();
    let mut columns = Vec::new();
    for (i, name) in header.iter().enumerate() {
        let name = name.trim().to_lowercase();
        match COLUMNS.iter().find(|c| **c == name) {
            Some(c) if columns.contains(c) => errors.push(RowError::new(
                Some(1),
                c,
                format!("The column {c} appears more than once"),
            )),
            Some(c) => columns.push(*c),
            None if name.is_empty() => errors.push(RowError::new(
                Some(1),
                "file",
                format!("Column {} has no name; remove it or name it", i + 1),
            )),
            None => errors.push(RowError::new(
                Some(1),
                &name,
                format!(
                    "The column {name} is not part of the import; use only {}",
                    COLUMNS.join(", ")
                ),
            )),
        }
    }
    for required in REQUIRED {
        if !columns.contains(&required) {
            errors.push(RowError::new(
                Some(1),
                required,
                format!("Add a {required} column to the header row"),
            ));
        }
    }
    if errors.is_empty() {
        Ok(columns)
    } else {
        Err(errors)
    }
}

/// Checks one row with the single-resident rules.
fn check_row(
    columns: &[&'static str],
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
    let value = |name: &str| {
        columns
            .iter()
            .position(|c| *c == name)
            .and_then(|i| record.get(i))
            .map(str::to_owned)
    };
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
                .map(|(f, m)| RowError::new(Some(line), f, m.clone()))
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
    fn headers_must_use_the_template() {
        let e =
            errors(b"given_name,surname,date_of_birth,postcode,notes\nA,B,1990-01-01,LS9 7TF,x\n");
        let columns: Vec<&str> = e.iter().map(|e| e.column.as_str()).collect();
        assert_eq!(columns, vec!["surname", "notes", "family_name"]);
        assert!(e.iter().all(|e| e.line == Some(1)));
        assert_eq!(errors(b"")[0].message, "The file is empty");
        assert_eq!(
            errors(b"given_name,family_name,date_of_birth,postcode\n\n")[0].column,
            "file"
        );
        assert_eq!(errors(b"given_name\n\xff\n")[0].line, Some(2));
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
