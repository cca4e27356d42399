//! An import file as text: small enough, UTF-8 without its byte-order mark, and the CSV
//! reader over it (commas, or tabs when the cells were pasted from a spreadsheet).

use super::{ImportError, MAX_IMPORT_BYTES, RowError};

/// A CSV reader over `text`; cells copied straight from a spreadsheet paste as
/// tab-separated text, so a header with tabs and no commas means tabs.
pub(super) fn reader_for(text: &str) -> csv::Reader<&[u8]> {
    let header_line = text.lines().next().unwrap_or_default();
    let tabs = header_line.contains('\t') && !header_line.contains(',');
    csv::ReaderBuilder::new()
        .delimiter(if tabs { b'\t' } else { b',' })
        .has_headers(false)
        .flexible(true)
        .from_reader(text.as_bytes())
}

/// The file as text: small enough, UTF-8, without a byte-order mark.
pub(super) fn decode(bytes: &[u8]) -> Result<&str, ImportError> {
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

pub(super) fn rows_error(e: RowError) -> ImportError {
    ImportError::Rows(vec![e])
}
