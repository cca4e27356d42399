//! The header row of an import file: headings read as people write them ("First name",
//! "Surname", "DOB", "Mobile"… in any case, order and spacing), each column a resident
//! field comes from, the columns the import ignores, and what is wrong with the row.

use super::RowError;

/// The columns a file must have.
const REQUIRED: [&str; 4] = ["given_name", "family_name", "date_of_birth", "postcode"];

/// Headings as people write them, folded (lower case, without spaces, underscores,
/// hyphens or dots), and the column each one means. The API's names fold to themselves.
const ALIASES: [(&str, &str); 24] = [
    ("givenname", "given_name"),
    ("firstname", "given_name"),
    ("forename", "given_name"),
    ("forenames", "given_name"),
    ("givennames", "given_name"),
    ("familyname", "family_name"),
    ("surname", "family_name"),
    ("lastname", "family_name"),
    ("dateofbirth", "date_of_birth"),
    ("dob", "date_of_birth"),
    ("birthdate", "date_of_birth"),
    ("born", "date_of_birth"),
    ("postcode", "postcode"),
    ("postalcode", "postcode"),
    ("email", "email"),
    ("emailaddress", "email"),
    ("phone", "phone"),
    ("phonenumber", "phone"),
    ("mobile", "phone"),
    ("mobilenumber", "phone"),
    ("mobilephone", "phone"),
    ("telephone", "phone"),
    ("telephonenumber", "phone"),
    ("tel", "phone"),
];

/// The column a heading means, however it is cased or spaced; `None` for any other.
pub fn column_for(heading: &str) -> Option<&'static str> {
    let folded: String = heading
        .chars()
        .filter(|c| !(c.is_whitespace() || matches!(c, '_' | '-' | '.')))
        .flat_map(char::to_lowercase)
        .collect();
    ALIASES
        .iter()
        .find(|(alias, _)| *alias == folded)
        .map(|(_, column)| *column)
}

/// The headings of the columns no resident field comes from ("column 7" when unnamed).
pub(super) fn ignored(header: &csv::StringRecord, columns: &[Option<&'static str>]) -> Vec<String> {
    header
        .iter()
        .zip(columns)
        .enumerate()
        .filter(|(_, (_, column))| column.is_none())
        .map(|(i, (heading, _))| match heading.trim() {
            "" => format!("column {}", i + 1),
            named => named.to_owned(),
        })
        .collect()
}

/// The column each position means (`None`: ignored), or every problem with the header
/// row: a column named twice, or a required one missing.
pub(super) fn check_header(
    header: &csv::StringRecord,
) -> Result<Vec<Option<&'static str>>, Vec<RowError>> {
    let mut errors = Vec::new();
    let mut columns: Vec<Option<&'static str>> = Vec::new();
    for heading in header.iter() {
        let column = column_for(heading);
        match column {
            Some(c) if columns.contains(&Some(c)) => errors.push(
                RowError::new(
                    Some(1),
                    c,
                    format!(
                        "More than one column holds {}; keep one of them",
                        c.replace('_', " ")
                    ),
                )
                .with_value(Some(heading.trim())),
            ),
            _ => columns.push(column),
        }
    }
    for required in REQUIRED {
        if !columns.contains(&Some(required)) {
            errors.push(RowError::new(
                Some(1),
                required,
                format!(
                    "Add a {} column to the header row (for example \"{}\")",
                    required.replace('_', " "),
                    example_heading(required)
                ),
            ));
        }
    }
    if errors.is_empty() {
        Ok(columns)
    } else {
        Err(errors)
    }
}

/// How a person might head a required column.
fn example_heading(column: &str) -> &'static str {
    match column {
        "given_name" => "First name",
        "family_name" => "Surname",
        "date_of_birth" => "Date of birth",
        _ => "Postcode",
    }
}

#[cfg(test)]
mod tests {
    use super::super::{ImportError, parse, parse_file};
    use super::*;
    use chrono::NaiveDate;

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
    fn headers_are_read_as_people_write_them() {
        let file = "Surname,First Name,Notes,DOB,Post code,MOBILE,,Email-Address\n\
            Khan,Amina,called back,27/03/1990,ls97tf,07700 900123,,a@example.org\n";
        let parsed = parse_file(file.as_bytes(), today()).unwrap();
        let record = &parsed.rows[0].record;
        assert_eq!(
            (record.given_name.as_str(), record.family_name.as_str()),
            ("Amina", "Khan")
        );
        assert_eq!(record.postcode, "LS9 7TF");
        assert_eq!(record.email.as_deref(), Some("a@example.org"));
        assert!(record.phone.is_some());
        assert_eq!(parsed.ignored_columns, vec!["Notes", "column 7"]);
        for (heading, column) in [
            ("given_name", "given_name"),
            ("Forename", "given_name"),
            ("family_name", "family_name"),
            ("Family name", "family_name"),
            ("LAST_NAME", "family_name"),
            ("Date of birth", "date_of_birth"),
            ("date-of-birth", "date_of_birth"),
            ("Postcode", "postcode"),
            ("Phone", "phone"),
            ("e-mail", "email"),
        ] {
            assert_eq!(column_for(heading), Some(column), "{heading}");
        }
        assert_eq!(column_for("Notes"), None);
    }

    #[test]
    fn missing_and_repeated_columns_are_named() {
        let e = errors(b"first name,given name,date_of_birth,phone,mobile\nA,B,1990-01-01,,\n");
        let columns: Vec<&str> = e.iter().map(|e| e.column.as_str()).collect();
        assert_eq!(
            columns,
            vec!["given_name", "phone", "family_name", "postcode"]
        );
        assert_eq!(e[0].value.as_deref(), Some("given name"));
        assert!(e[2].message.contains("Surname"));
        assert!(e.iter().all(|e| e.line == Some(1)));
        assert_eq!(errors(b"")[0].message, "The file is empty");
        assert_eq!(
            errors(b"given_name,family_name,date_of_birth,postcode\n\n")[0].column,
            "file"
        );
        assert_eq!(errors(b"given_name\n\xff\n")[0].line, Some(2));
    }
}
