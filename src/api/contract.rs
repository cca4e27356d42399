//! The responses every API operation can give besides its own: added to the generated
//! document in one place, so no operation can forget the 401 of a missing token, the 404 of
//! an id it may not see or the 413 of a body over the limit. Each has the error envelope.

use utoipa::openapi::path::{Operation, ParameterIn};

use crate::openapi as schema;
use utoipa::openapi::{Content, OpenApi, Ref, RefOr, Response, ResponseBuilder};

/// Adds the shared error responses to every operation of `doc` that lacks them.
pub fn add_shared_responses(doc: &mut OpenApi) {
    for (path, item) in doc.paths.paths.iter_mut() {
        if path.ends_with("/openapi.json") {
            continue;
        }
        for operation in [
            &mut item.get,
            &mut item.put,
            &mut item.post,
            &mut item.patch,
            &mut item.delete,
        ]
        .into_iter()
        .flatten()
        {
            add_to(operation);
        }
    }
}

fn add_to(operation: &mut Operation) {
    describe_report_options(operation);
    let has = |place: ParameterIn, op: &Operation| {
        op.parameters.iter().flatten().any(|p| match p {
            RefOr::T(p) => p.parameter_in == place,
            RefOr::Ref(_) => false,
        })
    };
    let (path_params, query_params) = (
        has(ParameterIn::Path, operation),
        has(ParameterIn::Query, operation),
    );
    let body = operation.request_body.is_some();
    let mut shared = vec![
        ("401", "No valid API token"),
        (
            "403",
            "The caller's role does not allow this, or their password must be changed first",
        ),
        ("503", "The database is busy; try again in a moment"),
    ];
    if path_params {
        shared.push(("404", "Not found, or not visible to the caller"));
    }
    if body || query_params {
        shared.push(("400", "The body or query string could not be read"));
        shared.push(("422", "Invalid fields, each named in `fields`"));
    }
    if body {
        shared.push(("413", "The body is over the size limit"));
        shared.push(("415", "The body is not of the documented content type"));
    }
    for (status, description) in shared {
        operation
            .responses
            .responses
            .entry(status.to_owned())
            .or_insert_with(|| RefOr::T(error_response(description)));
    }
}

/// The report options (`ReportQuery`) and the import's `dry_run` are read by hand, not by
/// serde, so their schemas are set here, once, from what the reader accepts.
fn describe_report_options(operation: &mut Operation) {
    let is_report = operation.parameters.iter().flatten().any(|p| match p {
        RefOr::T(p) => p.name == "bom" || p.name == "publishable",
        RefOr::Ref(_) => false,
    });
    for parameter in operation.parameters.iter_mut().flatten() {
        let RefOr::T(parameter) = parameter else {
            continue;
        };
        if parameter.parameter_in != ParameterIn::Query {
            continue;
        }
        let schema = match parameter.name.as_str() {
            "as_at" | "from" | "to" => schema::query_date(),
            "publishable" | "bom" | "dry_run" => schema::query_flag(),
            "programme_id" if is_report => schema::query_id(),
            "q" => schema::query_search(),
            _ => continue,
        };
        parameter.schema = Some(RefOr::T(schema));
    }
}

fn error_response(description: &str) -> Response {
    ResponseBuilder::new()
        .description(description)
        .content(
            "application/json",
            Content::new(Some(Ref::from_schema_name("ErrorBody"))),
        )
        .build()
}
