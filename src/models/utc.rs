//! Timestamps are stored as UTC without an offset; the API writes them as RFC 3339 with
//! the offset (`2019-07-15T09:00:00Z`), which is what `format: date-time` means.

use chrono::NaiveDateTime;
use serde::Serializer;

/// Serialises a stored UTC timestamp as RFC 3339 with `Z`.
pub fn serialize<S: Serializer>(at: &NaiveDateTime, serializer: S) -> Result<S::Ok, S::Error> {
    serializer.collect_str(
        &at.and_utc()
            .to_rfc3339_opts(chrono::SecondsFormat::AutoSi, true),
    )
}

/// [`serialize`] for an optional timestamp (null when absent).
pub fn serialize_opt<S: Serializer>(
    at: &Option<NaiveDateTime>,
    serializer: S,
) -> Result<S::Ok, S::Error> {
    match at {
        Some(at) => serialize(at, serializer),
        None => serializer.serialize_none(),
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn timestamps_carry_their_offset() {
        #[derive(serde::Serialize)]
        struct At {
            #[serde(serialize_with = "super::serialize")]
            at: chrono::NaiveDateTime,
            #[serde(serialize_with = "super::serialize_opt")]
            none: Option<chrono::NaiveDateTime>,
        }
        let at = chrono::NaiveDate::from_ymd_opt(2019, 7, 15)
            .and_then(|d| d.and_hms_opt(9, 0, 0))
            .unwrap();
        assert_eq!(
            serde_json::to_string(&At { at, none: None }).unwrap(),
            r#"{"at":"2019-07-15T09:00:00Z","none":null}"#
        );
    }
}
