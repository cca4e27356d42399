//! Keyset paging, the one pattern every list uses, on pages and in the API.
//!
//! A list is read in the order of a key that is unique per row (an id, or a sort value
//! followed by the id as a tie-break). A page is "the first `limit` rows after this key",
//! so a row inserted meanwhile never shifts a page or shows twice, and reading page 1,000
//! costs the same as page 1 (an `OFFSET` would read and skip every row before it).
//!
//! The position travels as text (`?cursor=` in URLs, `next_cursor` in JSON): the key's
//! parts joined by `.`, e.g. `412`, or `739677.412` for a date (as its day number) and an
//! id. It carries only sort values that the row's page already shows and ids, never a
//! name, so no personal data reaches a URL or a log line.

use chrono::{DateTime, Datelike, NaiveDate, NaiveDateTime};

/// The default number of rows on a page.
pub const DEFAULT_PAGE_SIZE: i64 = 50;

/// A sort key that can be written into a cursor and read back. Reading rejects text not of
/// the key's shape (a 422 naming `cursor`); text of its shape names a position in the
/// list, so a made-up cursor gives a page of the same list, never another list's rows.
pub trait Key: Sized {
    /// The key as cursor text (digits and `.`; a timestamp before 1970 starts with `-`).
    fn encode(&self) -> String;
    /// Reads cursor text; `None` when it is not of this key's shape.
    fn decode(text: &str) -> Option<Self>;
}

impl Key for i32 {
    fn encode(&self) -> String {
        self.to_string()
    }

    fn decode(text: &str) -> Option<Self> {
        // Only what `encode` gives for a row id: 1 to 9 digits, no sign.
        if text.is_empty() || text.len() > 9 || !text.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        text.parse().ok()
    }
}

/// A date travels as its day number (days from 1 January of year 1), so every cursor is
/// digits and dots and every string of that shape names a position: the API documents
/// one pattern per cursor shape, and whatever matches it is accepted.
impl Key for NaiveDate {
    fn encode(&self) -> String {
        self.num_days_from_ce().to_string()
    }

    fn decode(text: &str) -> Option<Self> {
        let days = i32::decode(text)?;
        // Beyond the last day chrono knows: after every date, so the list has ended.
        Some(NaiveDate::from_num_days_from_ce_opt(days).unwrap_or(NaiveDate::MAX))
    }
}

impl Key for NaiveDateTime {
    /// Microseconds since 1970 (UTC), the precision timestamps are stored with
    /// (`Clock::now`), so the key reads back the exact stored value.
    fn encode(&self) -> String {
        self.and_utc().timestamp_micros().to_string()
    }

    fn decode(text: &str) -> Option<Self> {
        // Only what `encode` gives: digits, with a '-' before 1970; at most 17 digits.
        let digits = text.strip_prefix('-').unwrap_or(text);
        if digits.is_empty() || digits.len() > 17 || !digits.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        let micros: i64 = text.parse().ok()?;
        DateTime::from_timestamp_micros(micros).map(|at| at.naive_utc())
    }
}

impl<A: Key, B: Key> Key for (A, B) {
    fn encode(&self) -> String {
        format!("{}.{}", self.0.encode(), self.1.encode())
    }

    fn decode(text: &str) -> Option<Self> {
        // The id is always last and never holds a '.', so split at the last one.
        let (a, b) = text.rsplit_once('.')?;
        Some((A::decode(a)?, B::decode(b)?))
    }
}

/// Which page of a list: the rows after `after` (the first page when `None`), at most
/// `limit` of them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PageRequest<K> {
    /// The key of the last row of the previous page.
    pub after: Option<K>,
    /// Rows on the page (1 to [`super::MAX_PAGE_SIZE`]).
    pub limit: i64,
}

impl<K> PageRequest<K> {
    /// The first page of `limit` rows.
    pub fn first(limit: i64) -> Self {
        Self { after: None, limit }
    }

    /// How many rows a query reads: one more than the page, which only shows that more
    /// follow.
    pub fn fetch(&self) -> i64 {
        self.limit + 1
    }

    /// The same position with the key mapped (e.g. to a model's own tuple).
    pub fn map<L>(self, f: impl FnOnce(K) -> L) -> PageRequest<L> {
        PageRequest {
            after: self.after.map(f),
            limit: self.limit,
        }
    }
}

/// One page of a list and where the next one starts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Paged<T> {
    /// The rows of this page, in the list's order.
    pub items: Vec<T>,
    /// The cursor of the next page; `None` on the last page.
    pub next: Option<String>,
}

impl<T> Paged<T> {
    /// Builds the page from what a query read for `request` (up to `request.fetch()`
    /// rows); `key` gives a row's sort key.
    pub fn from_fetched<K: Key, R>(
        mut items: Vec<T>,
        request: &PageRequest<R>,
        key: impl Fn(&T) -> K,
    ) -> Self {
        let more = items.len() as i64 > request.limit;
        items.truncate(request.limit.max(0) as usize);
        let next = if more {
            items.last().map(|row| key(row).encode())
        } else {
            None
        };
        Paged { items, next }
    }

    /// The same page with each row mapped; the cursor is unchanged.
    pub fn map<U>(self, f: impl FnMut(T) -> U) -> Paged<U> {
        Paged {
            items: self.items.into_iter().map(f).collect(),
            next: self.next,
        }
    }
}

/// Pages a short list read whole, in its order, from one parent (a cohort's schedule or
/// roster, a resident's jobs: tens of rows, bounded by the parent). The cursor still names
/// a row, never a position, so a page is as stable under inserts as a query's.
pub mod whole {
    use super::{Key, PageRequest, Paged};

    /// The rows after `request.after` in a list ascending by `key`.
    pub fn by_key<T, K: Key + PartialOrd + Copy>(
        rows: Vec<T>,
        request: &PageRequest<K>,
        key: impl Fn(&T) -> K,
    ) -> Paged<T> {
        let rows: Vec<T> = match request.after {
            None => rows,
            Some(after) => rows.into_iter().filter(|row| key(row) > after).collect(),
        };
        Paged::from_fetched(rows, request, key)
    }

    /// The rows after the row with id `request.after` in a list whose order is not by a
    /// key the cursor may carry (a roster by name: the cursor carries only the id of the
    /// last row shown). When no row has that id (a cursor from another list, or any id a
    /// client makes up) nothing follows it: an empty last page, as after the last row.
    /// Rows of these lists are never deleted, so a walk through them never ends early.
    pub fn after_row<T>(
        rows: Vec<T>,
        request: &PageRequest<i32>,
        id: impl Fn(&T) -> i32,
    ) -> Paged<T> {
        let rows: Vec<T> = match request.after {
            None => rows,
            Some(after) => match rows.iter().position(|row| id(row) == after) {
                Some(at) => rows.into_iter().skip(at + 1).collect(),
                None => Vec::new(),
            },
        };
        Paged::from_fetched(rows, request, id)
    }
}

/// The answer to a cursor that names no row of its list (a row since removed, or a
/// cursor from another list): 422 naming `cursor`, as for one that cannot be read.
pub fn bad_cursor() -> crate::error::AppError {
    crate::error::AppError::invalid("cursor", "cursor must be a value from next_cursor")
}

/// `%text%` for a case-insensitive LIKE on a lower-cased column, with `\` escaping `%`,
/// `_` and itself.
pub fn contains_pattern(text: &str) -> String {
    let escaped = text
        .trim()
        .to_lowercase()
        .replace('\\', "\\\\")
        .replace('%', "\\%")
        .replace('_', "\\_");
    format!("%{escaped}%")
}

diesel::define_sql_function! {
    /// SQL `lower(text)`, for case-insensitive searches on both databases.
    fn lower(text: diesel::sql_types::Text) -> diesel::sql_types::Text;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_read_back_what_they_wrote() {
        let date = NaiveDate::from_ymd_opt(2026, 3, 2).unwrap();
        let text = (date, 412).encode();
        assert_eq!(text, format!("{}.412", date.num_days_from_ce()));
        assert_eq!(<(NaiveDate, i32)>::decode(&text), Some((date, 412)));
        // Every cursor of the documented shape names a position.
        assert_eq!(
            <(NaiveDate, i32)>::decode("999999999.1"),
            Some((NaiveDate::MAX, 1))
        );
        assert!(<(NaiveDate, i32)>::decode("0.1").is_some());
        assert_eq!(<(i32, i32)>::decode("7.9"), Some((7, 9)));
        for bad in [
            "",
            "-1",
            "+1",
            "1234567890",
            "2026-03-02.1",
            "1.2.3",
            "x.1",
            "1.",
        ] {
            assert_eq!(<(NaiveDate, i32)>::decode(bad), None, "{bad}");
        }
        assert_eq!(i32::decode("-3"), None);
    }

    #[test]
    fn timestamps_key_as_microseconds() {
        let at = NaiveDate::from_ymd_opt(2026, 3, 2)
            .and_then(|d| d.and_hms_micro_opt(9, 30, 5, 123_456))
            .unwrap();
        let text = (at, 17).encode();
        assert_eq!(text, "1772443805123456.17");
        assert_eq!(<(NaiveDateTime, i32)>::decode(&text), Some((at, 17)));
        for bad in ["", "-", "1.5", "12a", "123456789012345678", "+12"] {
            assert_eq!(NaiveDateTime::decode(bad), None, "{bad}");
        }
    }

    #[test]
    fn pages_know_whether_more_follow() {
        let request = PageRequest::<i32>::first(2);
        let page = Paged::from_fetched(vec![1, 2, 3], &request, |i| *i);
        assert_eq!((page.items, page.next), (vec![1, 2], Some("2".to_owned())));
        let page = Paged::from_fetched(vec![1, 2], &request, |i| *i);
        assert_eq!(page.next, None);
    }

    #[test]
    fn whole_lists_page_after_a_key_or_a_row() {
        let rows = vec![(1, 'a'), (2, 'b'), (3, 'c')];
        let after = PageRequest {
            after: Some(1),
            limit: 1,
        };
        let page = whole::by_key(rows.clone(), &after, |r| r.0);
        assert_eq!(
            (page.items, page.next),
            (vec![(2, 'b')], Some("2".to_owned()))
        );
        // By row: the order is the list's, not the id's.
        let by_name = vec![(9, 'a'), (4, 'b'), (7, 'c')];
        let after = PageRequest {
            after: Some(9),
            limit: 5,
        };
        let page = whole::after_row(by_name.clone(), &after, |r| r.0);
        assert_eq!((page.items, page.next), (vec![(4, 'b'), (7, 'c')], None));
        let gone = PageRequest {
            after: Some(5),
            limit: 5,
        };
        assert!(whole::after_row(by_name, &gone, |r| r.0).items.is_empty());
    }

    #[test]
    fn searches_escape_like_wildcards() {
        assert_eq!(contains_pattern(" Care_100% "), "%care\\_100\\%%");
    }
}
