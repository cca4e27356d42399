//! Request extractors shared by the web pages and the API.

use axum::extract::{FromRequestParts, Path};
use axum::http::request::Parts;
use serde::de::DeserializeOwned;

use crate::error::AppError;
use crate::models::MAX_PAGE_SIZE;
use crate::models::page::{DEFAULT_PAGE_SIZE, Key, PageRequest};

/// An integer id from the path. Anything that is not a positive id names no object, so it
/// answers 404 like any other unknown id (never axum's plain-text 400).
#[derive(Debug, Clone, Copy)]
pub struct PathId(pub i32);

impl<S: Send + Sync> FromRequestParts<S> for PathId {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        match Path::<i32>::from_request_parts(parts, state).await {
            Ok(Path(id)) if id > 0 => Ok(PathId(id)),
            _ => Err(AppError::NotFound),
        }
    }
}

/// A query string read into `T`. A value of the wrong type answers 422 naming the
/// parameter in the JSON error shape, never axum's plain-text 400.
#[derive(Debug, Clone, Copy, Default)]
pub struct Query<T>(pub T);

impl<T: DeserializeOwned, S: Send + Sync> FromRequestParts<S> for Query<T> {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        match axum::extract::Query::<T>::from_request_parts(parts, state).await {
            Ok(axum::extract::Query(value)) => Ok(Query(value)),
            Err(rejection) => {
                let text = rejection.body_text();
                let detail = text
                    .split_once("query string: ")
                    .map_or(text.as_str(), |(_, d)| d);
                let (field, problem) = match detail.split_once(": ") {
                    Some((field, problem)) if !field.contains(' ') => (field, problem),
                    _ => ("query", detail),
                };
                Err(AppError::invalid(field, format!("{field}: {problem}")))
            }
        }
    }
}

/// `?cursor=&limit=`: which page of a list, on pages and in the API. `cursor` is a
/// `next_cursor` given earlier (left out or empty: the first page); `limit` the page size
/// (1 to 500; default 50 on pages, 100 in the API).
/// Anything else answers 422 naming the parameter. Other query parameters (a list's
/// filters) are left for their own extractor.
pub type Paging<K = i32> = PageRequest<K>;

/// The paging parameters of every list (read as text, so a bad value gets our own
/// message naming it).
#[derive(serde::Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct PagingQuery {
    /// `next_cursor` of the previous page (empty or left out: the first page).
    #[param(pattern = r"^[0-9]{0,9}$")]
    cursor: Option<String>,
    /// Page size (default 100 in the API, 50 on pages).
    #[param(value_type = Option<i64>, minimum = 1, maximum = 500)]
    limit: Option<String>,
}

/// The paging parameters of a list ordered by a date and then id (its cursor is the
/// date's day number and the id): as the API documents them. [`PagingQuery`] reads
/// them; this only gives the cursor its own pattern.
#[derive(utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[allow(dead_code)] // Read by `Paging`'s extractor through `PagingQuery`.
pub struct KeyedPagingQuery {
    /// `next_cursor` of the previous page (empty or left out: the first page).
    #[param(pattern = r"^([0-9]{1,9}\.[0-9]{1,9})?$")]
    cursor: Option<String>,
    /// Page size (default 100 in the API, 50 on pages).
    #[param(value_type = Option<i64>, minimum = 1, maximum = 500)]
    limit: Option<String>,
}

impl<K: Key + Send, S: Send + Sync> FromRequestParts<S> for PageRequest<K> {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        let query: PagingQuery = serde_urlencoded::from_str(parts.uri.query().unwrap_or_default())
            .map_err(|_| AppError::bad_request("The query string could not be read."))?;
        let after = match query.cursor.as_deref().filter(|c| !c.is_empty()) {
            None => None,
            Some(c) => Some(K::decode(c).ok_or_else(|| {
                AppError::invalid("cursor", "cursor must be a value from next_cursor")
            })?),
        };
        let default = if parts.uri.path().starts_with("/api/") {
            API_PAGE_SIZE
        } else {
            DEFAULT_PAGE_SIZE
        };
        let limit = match query.limit.as_deref() {
            None => default,
            Some(l) => l
                .parse::<i64>()
                .ok()
                .filter(|l| (1..=MAX_PAGE_SIZE).contains(l))
                .ok_or_else(|| {
                    AppError::invalid(
                        "limit",
                        format!("limit must be a whole number from 1 to {MAX_PAGE_SIZE}"),
                    )
                })?,
        };
        Ok(PageRequest { after, limit })
    }
}

/// The API's page size when `limit` is left out (as documented since v1).
pub const API_PAGE_SIZE: i64 = 100;

/// The options every report takes from its query string: `as_at`, `publishable`, `bom`,
/// and for the programme report `programme_id`, `from` and `to`. Bad values answer 422
/// naming the field.
#[derive(Debug, Clone, Default)]
pub struct ReportQuery {
    /// `as_at`, when given (default: today in Europe/London).
    pub as_at: Option<chrono::NaiveDate>,
    /// Counts of 1–4 in breakdowns shown as `<5`.
    pub publishable: bool,
    /// Start CSV with a byte-order mark, for Excel.
    pub bom: bool,
    /// One programme.
    pub programme_id: Option<i32>,
    /// Cohorts starting on or after.
    pub from: Option<chrono::NaiveDate>,
    /// Cohorts starting on or before.
    pub to: Option<chrono::NaiveDate>,
}

#[derive(serde::Deserialize)]
struct RawReportQuery {
    as_at: Option<String>,
    publishable: Option<String>,
    bom: Option<String>,
    programme_id: Option<String>,
    from: Option<String>,
    to: Option<String>,
}

impl ReportQuery {
    /// The programme report's filter; the report action limits it to the actor's scope.
    pub fn filter(&self) -> crate::reports::ProgrammeFilter {
        crate::reports::ProgrammeFilter {
            programme_id: self.programme_id,
            from: self.from,
            to: self.to,
            scope: None,
        }
    }
}

impl<S: Send + Sync> FromRequestParts<S> for ReportQuery {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        let raw: RawReportQuery = serde_urlencoded::from_str(parts.uri.query().unwrap_or_default())
            .map_err(|_| AppError::bad_request("The query string could not be read."))?;
        let mut errors = crate::error::FieldErrors::new();
        let mut date = |field: &str, label: &str, value: Option<String>| {
            let value = value.filter(|v| !v.trim().is_empty())?;
            let parsed = crate::validate::date(&value);
            if parsed.is_none() {
                errors.add(
                    field,
                    format!("{label} must be a real date, like 2026-01-05"),
                );
            }
            parsed
        };
        let (as_at, from, to) = (
            date("as_at", "The as-at date", raw.as_at),
            date("from", "The first start date", raw.from),
            date("to", "The last start date", raw.to),
        );
        let programme_id = match raw.programme_id.filter(|v| !v.is_empty()) {
            None => None,
            Some(p) => match p.parse::<i32>() {
                Ok(id) if id > 0 => Some(id),
                _ => {
                    errors.add("programme_id", "Choose a programme from the list");
                    None
                }
            },
        };
        let mut flag = |field: &str, value: Option<String>| match value.as_deref() {
            Some("1" | "true" | "yes" | "on") => true,
            None | Some("" | "0" | "false" | "no" | "off") => false,
            Some(_) => {
                errors.add(field, format!("{field} must be true or false"));
                false
            }
        };
        let (publishable, bom) = (flag("publishable", raw.publishable), flag("bom", raw.bom));
        errors.into_result()?;
        Ok(ReportQuery {
            as_at,
            publishable,
            bom,
            programme_id,
            from,
            to,
        })
    }
}

impl FromRequestParts<crate::state::AppState> for crate::domain::Actor {
    type Rejection = AppError;

    /// The signed-in caller as an [`Actor`](crate::domain::Actor), with today's date and
    /// the instant taken once from the application's clock.
    async fn from_request_parts(
        parts: &mut Parts,
        state: &crate::state::AppState,
    ) -> Result<Self, Self::Rejection> {
        let user = parts
            .extensions
            .get::<crate::auth::CurrentUser>()
            .ok_or(AppError::Unauthorized)?;
        Ok(user.actor(state.clock.as_ref()))
    }
}
