//! Importing residents into a cohort from a spreadsheet, in three steps that work without
//! JavaScript: paste the CSV, check the preview (nothing saved yet), confirm. The same
//! model code serves the API and the command line.

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{FromRequest, Multipart, Request, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::Deserialize;

use super::{Layout, Section, WebForm};
use crate::actions::imports;
use crate::auth::CurrentUser;
use crate::domain::Actor;
use crate::error::{AppError, AppResult};
use crate::extract::PathId;
use crate::models::Cohort;
use crate::models::participant_import::{COLUMNS, ImportError, RowError, TEMPLATE_CSV};
use crate::models::participant_import_run::ImportReport;
use crate::state::AppState;

/// Step 1: paste the CSV (again, with the problems, when it was refused).
#[derive(Template, WebTemplate)]
#[template(path = "imports/form.html")]
pub struct ImportFormPage {
    layout: Layout,
    cohort: Cohort,
    csv: String,
    columns: String,
    /// A problem with the box itself (empty, too large).
    error: Option<String>,
    problems: Vec<RowError>,
}

/// Step 2: what the import would do.
#[derive(Template, WebTemplate)]
#[template(path = "imports/preview.html")]
pub struct ImportPreviewPage {
    layout: Layout,
    cohort: Cohort,
    csv: String,
    report: ImportReport,
}

/// Step 3: done.
#[derive(Template, WebTemplate)]
#[template(path = "imports/done.html")]
pub struct ImportDonePage {
    layout: Layout,
    cohort: Cohort,
    report: ImportReport,
}

/// The pasted CSV.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct CsvForm {
    csv: String,
}

/// The CSV a form sent: the chosen file (a `multipart/form-data` upload, at most 2 MB)
/// when there is one, otherwise the pasted text; or the message to show beside the field.
pub struct CsvUpload(Result<String, String>);

impl<S: Send + Sync> FromRequest<S> for CsvUpload {
    type Rejection = AppError;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        let multipart = req
            .headers()
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.starts_with("multipart/form-data"));
        if !multipart {
            let WebForm(form) = WebForm::<CsvForm>::from_request(req, state).await?;
            return Ok(CsvUpload(Ok(form.csv)));
        }
        let unreadable =
            || AppError::bad_request("The form could not be read. Go back and try again.");
        let mut parts = Multipart::from_request(req, state)
            .await
            .map_err(|_| unreadable())?;
        let (mut file, mut pasted) = (Vec::new(), String::new());
        loop {
            let field = match parts.next_field().await {
                Ok(Some(field)) => field,
                Ok(None) => break,
                Err(e) => return Ok(CsvUpload(Err(upload_problem(e.status())))),
            };
            let name = field.name().unwrap_or_default().to_owned();
            let bytes = match field.bytes().await {
                Ok(bytes) => bytes,
                Err(e) => return Ok(CsvUpload(Err(upload_problem(e.status())))),
            };
            match name.as_str() {
                "file" => file = bytes.to_vec(),
                "csv" => pasted = String::from_utf8_lossy(&bytes).into_owned(),
                _ => {}
            }
        }
        if file.is_empty() {
            return Ok(CsvUpload(Ok(pasted)));
        }
        Ok(CsvUpload(String::from_utf8(file).map_err(|_| {
            "The selected file must be saved as CSV UTF-8".to_owned()
        })))
    }
}

fn upload_problem(status: StatusCode) -> String {
    if status == StatusCode::PAYLOAD_TOO_LARGE {
        "The selected file must be smaller than 2 MB".into()
    } else {
        "The selected file could not be read; choose it again".into()
    }
}

fn form_page(user: &CurrentUser, cohort: Cohort, csv: String) -> ImportFormPage {
    ImportFormPage {
        layout: Layout::new(
            format!("Import residents into {}", cohort.name),
            user,
            Section::Cohorts,
        ),
        cohort,
        csv,
        columns: COLUMNS.join(","),
        error: None,
        problems: Vec::new(),
    }
}

/// `GET /cohorts/{id}/import`
pub async fn form(
    actor: Actor,
    State(state): State<AppState>,
    user: CurrentUser,
    PathId(id): PathId,
) -> AppResult<Response> {
    let cohort = state
        .db
        .run(move |conn| imports::cohort(conn, &actor, id))
        .await?;
    Ok(form_page(&user, cohort, String::new()).into_response())
}

/// `GET /cohorts/{id}/import/template.csv`: the header row to fill in, for anyone who may
/// import into the cohort.
pub async fn template(
    actor: Actor,
    State(state): State<AppState>,
    PathId(id): PathId,
) -> AppResult<Response> {
    state
        .db
        .run(move |conn| imports::cohort(conn, &actor, id))
        .await?;
    let headers = [
        (header::CONTENT_TYPE, "text/csv; charset=utf-8"),
        (
            header::CONTENT_DISPOSITION,
            "attachment; filename=\"residents-template.csv\"",
        ),
    ];
    Ok((headers, TEMPLATE_CSV).into_response())
}

/// "1 resident", "2 residents": `n` with the words that agree with it.
pub fn count(n: impl std::borrow::Borrow<usize>, one: &str, many: &str) -> String {
    let n = *n.borrow();
    format!("{n} {}", if n == 1 { one } else { many })
}

/// The column of an import problem as people name it: the check reports the column's code
/// (`date_of_birth`), or `file` / `row` when no single column is at fault.
pub fn column_label(code: &str) -> &'static str {
    match code {
        "given_name" => "Given name",
        "family_name" => "Family name",
        "date_of_birth" => "Date of birth",
        "postcode" => "Postcode",
        "email" => "Email address",
        "phone" => "Phone",
        "file" => "The file",
        "row" => "The whole row",
        _ => "Another column",
    }
}

/// `POST /cohorts/{id}/import`: the dry run, shown as a preview.
pub async fn check(
    actor: Actor,
    state: State<AppState>,
    user: CurrentUser,
    id: PathId,
    form: CsvUpload,
) -> AppResult<Response> {
    submit(actor, state, user, id, form, true).await
}

/// `POST /cohorts/{id}/import/confirm`: the import itself.
pub async fn confirm(
    actor: Actor,
    state: State<AppState>,
    user: CurrentUser,
    id: PathId,
    form: CsvUpload,
) -> AppResult<Response> {
    submit(actor, state, user, id, form, false).await
}

async fn submit(
    actor: Actor,
    State(state): State<AppState>,
    user: CurrentUser,
    PathId(id): PathId,
    CsvUpload(upload): CsvUpload,
    dry_run: bool,
) -> AppResult<Response> {
    let (csv, problem) = match upload {
        Ok(csv) => (csv, None),
        Err(message) => (String::new(), Some(message)),
    };
    // Nothing usable sent: the form again, for a cohort the actor may import into.
    let nothing = problem.is_some() || csv.bytes().all(|b| b.is_ascii_whitespace());
    let bytes = csv.clone().into_bytes();
    let (cohort, outcome) = state
        .db
        .run(move |conn| {
            if nothing {
                return Ok((imports::cohort(conn, &actor, id)?, Err(None)));
            }
            let (cohort, outcome) = imports::import(conn, &actor, id, &bytes, dry_run)?;
            Ok((cohort, outcome.map_err(Some)))
        })
        .await?;
    render(&user, cohort, csv, problem, outcome, dry_run)
}

type Outcome = Result<ImportReport, Option<ImportError>>;

/// The page for what happened: the preview, the confirmation, or the form again with
/// every problem (`Err(None)`: nothing usable was sent).
fn render(
    user: &CurrentUser,
    cohort: Cohort,
    csv: String,
    problem: Option<String>,
    outcome: Outcome,
    dry_run: bool,
) -> AppResult<Response> {
    let layout = |title: &str| Layout::new(title.to_owned(), user, Section::Cohorts);
    match outcome {
        Ok(report) if dry_run => {
            let layout = layout("Check the import before you confirm");
            Ok(ImportPreviewPage {
                layout,
                cohort,
                csv,
                report,
            }
            .into_response())
        }
        Ok(report) => {
            let layout = layout("Import complete");
            Ok(ImportDonePage {
                layout,
                cohort,
                report,
            }
            .into_response())
        }
        Err(error) => refused(user, cohort, csv, problem, error),
    }
}

/// The form again with every problem (`None`: nothing usable was sent).
fn refused(
    user: &CurrentUser,
    cohort: Cohort,
    csv: String,
    problem: Option<String>,
    error: Option<ImportError>,
) -> AppResult<Response> {
    let mut page = match error {
        None => ImportFormPage {
            error: Some(problem.unwrap_or_else(|| {
                "Choose a CSV file or paste the residents from the spreadsheet".into()
            })),
            ..form_page(user, cohort, csv)
        },
        Some(ImportError::App(e)) => return Err(e),
        Some(ImportError::TooLarge(m)) => ImportFormPage {
            error: Some(m),
            ..form_page(user, cohort, csv)
        },
        Some(ImportError::Rows(problems)) => ImportFormPage {
            problems,
            ..form_page(user, cohort, csv)
        },
    };
    page.layout = page.layout.with_errors(true);
    Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response())
}
