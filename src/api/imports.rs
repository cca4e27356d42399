//! `POST /api/v1/cohorts/{id}/import`: residents from a CSV body into a cohort, all or
//! nothing, with `?dry_run=true` to see what would happen first.

use axum::Json;
use axum::body::{Body, to_bytes};
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode, Uri, header};
use axum::response::{IntoResponse, Response};
use serde::Serialize;

use super::ErrorBody;
use crate::actions::imports;
use crate::domain::{Actor, Permission};
use crate::error::AppError;
use crate::extract::PathId;
use crate::models::participant_import::{ImportError, MAX_IMPORT_BYTES, RowError};
use crate::models::participant_import_run::ImportReport;
use crate::state::AppState;

/// The 422/413 body: the usual error envelope plus every bad row.
#[derive(Serialize, utoipa::ToSchema)]
pub struct ImportErrorBody {
    error: ImportErrorDetail,
}

#[derive(Serialize, utoipa::ToSchema)]
struct ImportErrorDetail {
    /// `validation_failed` or `payload_too_large`.
    code: &'static str,
    /// Sentence for people.
    message: String,
    /// `"line 3, date_of_birth"` → why.
    fields: std::collections::BTreeMap<String, String>,
    /// Every problem, in file order (absent when the request itself was refused).
    #[schema(required = false)]
    rows: Vec<RowError>,
}

fn failure(error: ImportError) -> Response {
    let (status, code, message, rows) = match error {
        ImportError::App(e) => return e.into_response(),
        ImportError::TooLarge(m) => (
            StatusCode::PAYLOAD_TOO_LARGE,
            "payload_too_large",
            m,
            vec![],
        ),
        ImportError::Rows(rows) => (
            StatusCode::UNPROCESSABLE_ENTITY,
            "validation_failed",
            format!(
                "{} problem(s) in the file; nothing was imported.",
                rows.len()
            ),
            rows,
        ),
    };
    let fields = rows
        .iter()
        .map(|r| {
            let at = r.line.map_or("file".to_owned(), |l| format!("line {l}"));
            (format!("{at}, {}", r.column), r.message.clone())
        })
        .collect();
    let detail = ImportErrorDetail {
        code,
        message,
        fields,
        rows,
    };
    (status, Json(ImportErrorBody { error: detail })).into_response()
}

/// `?dry_run=` as `true`/`false` (or `1`/`0`, `yes`/`no`, `on`/`off`); anything else is a 422, never axum's text.
fn dry_run(uri: &Uri) -> Result<bool, AppError> {
    let pairs: Vec<(String, String)> = serde_urlencoded::from_str(uri.query().unwrap_or_default())
        .map_err(|_| AppError::bad_request("The query string could not be read."))?;
    match pairs
        .iter()
        .find(|(k, _)| k == "dry_run")
        .map(|(_, v)| v.as_str())
    {
        None | Some("false" | "0" | "no" | "off" | "") => Ok(false),
        Some("true" | "1" | "yes" | "on") => Ok(true),
        Some(_) => Err(AppError::invalid(
            "dry_run",
            "dry_run must be true or false",
        )),
    }
}

/// The body, when it is `text/csv` (415 otherwise) and at most 5 MB (413 otherwise).
async fn read_csv(headers: &HeaderMap, body: Body) -> Result<axum::body::Bytes, Response> {
    let is_csv = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(';').next())
        .is_some_and(|m| m.trim().eq_ignore_ascii_case("text/csv"));
    if !is_csv {
        let error = serde_json::json!({"error": {"code": "unsupported_media_type",
            "message": "Send the CSV with Content-Type: text/csv.", "fields": {}}});
        return Err((StatusCode::UNSUPPORTED_MEDIA_TYPE, Json(error)).into_response());
    }
    to_bytes(body, MAX_IMPORT_BYTES).await.map_err(|_| {
        failure(ImportError::TooLarge(format!(
            "The file must be smaller than {} MB",
            MAX_IMPORT_BYTES / (1024 * 1024)
        )))
    })
}

/// Imports residents into the cohort from a CSV body (`Content-Type: text/csv`, at most
/// 5 MB and 10,000 rows): header `given_name, family_name, date_of_birth, postcode, email,
/// phone` (email and phone optional) in any order, or as people write them ("First name",
/// "Surname", "DOB", "Mobile"…, any case); other columns are ignored and named in
/// `ignored_columns`. Dates `YYYY-MM-DD` or `DD/MM/YYYY`. Any bad row means nothing is
/// written and every problem is listed by line and column, with the value at fault. People
/// already on file are enrolled, not duplicated; people already in the cohort are reported.
#[utoipa::path(post, path = "/cohorts/{id}/import", tag = "enrolments",
    params(("id" = i32, Path, description = "Cohort id"), ("dry_run" = Option<bool>, Query, description = "true: say what would happen and write nothing")),
    request_body(content = String, content_type = "text/csv", description = "The CSV file"),
    responses((status = 200, description = "Dry run: what would happen", body = ImportReport), (status = 201, description = "Imported", body = ImportReport),
        (status = 403, description = "Role may not import", body = ErrorBody), (status = 404, description = "Cohort not found or not visible", body = ErrorBody),
        (status = 413, description = "File over 5 MB or 10,000 rows", body = ImportErrorBody), (status = 415, description = "Not text/csv", body = ErrorBody),
        (status = 422, description = "Bad rows, full or closed cohort: nothing imported", body = ImportErrorBody)))]
pub async fn import(
    actor: Actor,
    State(state): State<AppState>,
    PathId(id): PathId,
    uri: Uri,
    headers: HeaderMap,
    body: Body,
) -> Result<(StatusCode, Json<ImportReport>), Response> {
    // Refused before the body is read, as every refusal is.
    actor
        .require(Permission::ImportParticipants)
        .map_err(IntoResponse::into_response)?;
    let dry_run = dry_run(&uri).map_err(IntoResponse::into_response)?;
    let bytes = read_csv(&headers, body).await?;
    let (_, report) = state
        .db
        .run(move |conn| imports::import(conn, &actor, id, &bytes, dry_run))
        .await
        .map_err(IntoResponse::into_response)?;
    let report = report.map_err(failure)?;
    let status = if dry_run {
        StatusCode::OK
    } else {
        StatusCode::CREATED
    };
    Ok((status, Json(report)))
}
