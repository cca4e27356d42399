//! Participant CSV import (issue 6): through the API, the web pages and the command line,
//! all or nothing, with people already on file enrolled rather than duplicated.

use axum::body::Body;
use axum::http::{Method, Request, StatusCode, header};
use diesel::prelude::*;
use pathways::auth::Role;
use pathways::schema::{enrolments, participants};

use crate::cli::pathways;
use crate::common::{Delivery, TestApp, TestClient, TestResponse};

/// An Excel "CSV UTF-8" export: byte-order mark, CRLF, UK dates, quoted fields, any script.
const EXCEL_SHEET: &str = "\u{feff}given_name,family_name,date_of_birth,postcode,email,phone\r\n\
    Siobhán,O'Brien,14/02/1988,ls97tf,siobhan@example.org,\r\n\
    \"Thi Mai\",Nguyễn,01/12/1979, LS9  7TF ,,0113 496 0000\r\n\
    محمد,Rahman,1992-07-30,LS8 5QB,,\r\n\
    ,,,,,\r\n";

async fn import(client: &TestClient, cohort: i32, csv: &str, dry_run: bool) -> TestResponse {
    let req = Request::builder()
        .method(Method::POST)
        .uri(format!("/api/v1/cohorts/{cohort}/import?dry_run={dry_run}"))
        .header(header::CONTENT_TYPE, "text/csv")
        .body(Body::from(csv.to_owned()))
        .unwrap();
    client.send(req, None).await
}

/// (residents, enrolments, audit events) now.
async fn counts(app: &TestApp) -> (i64, i64, i64) {
    let audit = app.audit_count().await;
    let (p, e) = app
        .state
        .db
        .run(|conn| {
            let p = participants::table.count().get_result::<i64>(conn)?;
            let e = enrolments::table.count().get_result::<i64>(conn)?;
            Ok((p, e))
        })
        .await
        .unwrap();
    (p, e, audit)
}

/// A second cohort of the delivery's programme, recruiting.
pub async fn next_cohort(app: &TestApp, d: &Delivery, capacity: i32) -> i32 {
    app.cohort()
        .programme(d.programme)
        .name(&format!("Spring 2027 ({capacity} places)"))
        .starting("2027-03-01")
        .capacity(capacity)
        .status("recruiting")
        .by(1)
        .create()
        .await
        .id
}

async fn coordinator(app: &TestApp) -> (Delivery, TestClient) {
    let d = app.delivery("Leeds City Council").await;
    let (id, _) = app.user(Role::Coordinator, "Leeds City Council").await;
    (d, app.token_client(id).await)
}

#[tokio::test]
async fn an_excel_sheet_imports_in_one_go() {
    let app = TestApp::new().await;
    let (d, client) = coordinator(&app).await;
    app.state
        .db
        .run(|conn| {
            use pathways::schema::deprivation_lookup as dl;
            diesel::insert_into(dl::table)
                .values((
                    dl::postcode.eq("LS9 7TF"),
                    dl::lsoa_code.eq("E01011000"),
                    dl::neighbourhood.eq("Harehills"),
                    dl::imd_decile.eq(1),
                    dl::edition.eq("IoD2019"),
                ))
                .execute(conn)?;
            Ok(())
        })
        .await
        .unwrap();
    let r = import(&client, d.cohort, EXCEL_SHEET, false).await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text());
    let body = r.json();
    assert_eq!(body["new_residents"], 3);
    assert_eq!(body["rows"][1]["line"], 3);
    let roster = client
        .get(&format!("/api/v1/cohorts/{}/enrolments", d.cohort))
        .await
        .text();
    for name in ["Siobhán", "Nguyễn", "محمد", "Thi Mai"] {
        assert!(roster.contains(name), "{name} missing: {roster}");
    }
    let found = client.get("/api/v1/participants?q=nguy").await.json();
    assert_eq!(found["items"][0]["postcode"], "LS9 7TF");
    assert_eq!(found["items"][0]["date_of_birth"], "1979-12-01");
    assert_eq!(found["items"][0]["phone"], "0113 496 0000");
    assert_eq!(found["items"][0]["neighbourhood"], "Harehills");
}

#[tokio::test]
async fn a_sheet_with_two_bad_rows_writes_nothing_and_names_both_lines() {
    let app = TestApp::new().await;
    let (d, client) = coordinator(&app).await;
    let before = counts(&app).await;
    let sheet = "given_name,family_name,date_of_birth,postcode\n\
        Ada,Lovelace,10/12/1990,LS9 7TF\n\
        Bad,Date,31/02/1990,LS9 7TF\n\
        Grace,Hopper,1986-12-09,LS8 5QB\n\
        ,Nameless,1986-12-09,nowhere\n";
    let r = import(&client, d.cohort, sheet, false).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    let rows = r.json()["error"]["rows"].as_array().unwrap().clone();
    let named: Vec<(i64, String)> = rows
        .iter()
        .map(|r| {
            (
                r["line"].as_i64().unwrap(),
                r["column"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    assert_eq!(
        named,
        vec![
            (3, "date_of_birth".to_owned()),
            (5, "given_name".to_owned()),
            (5, "postcode".to_owned())
        ]
    );
    assert_eq!(counts(&app).await, before);
    // Extra columns are named and ignored.
    let r = import(
        &client,
        d.cohort,
        "given_name,family_name,date_of_birth,postcode,nhs_number\nAda,Lovelace,10/12/1990,LS9 7TF,x\n",
        true,
    )
    .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    assert_eq!(
        r.json()["ignored_columns"],
        serde_json::json!(["nhs_number"])
    );
}

#[tokio::test]
async fn the_same_people_in_the_next_cohort_are_enrolled_not_duplicated() {
    let app = TestApp::new().await;
    let (d, client) = coordinator(&app).await;
    assert_eq!(
        import(&client, d.cohort, EXCEL_SHEET, false).await.status,
        StatusCode::CREATED
    );
    // Importing again into the same cohort enrols nobody twice.
    let again = import(&client, d.cohort, EXCEL_SHEET, false).await.json();
    assert_eq!(
        (
            again["already_in_cohort"].as_i64(),
            again["new_residents"].as_i64()
        ),
        (Some(3), Some(0))
    );
    let next = next_cohort(&app, &d, 25).await;
    let (people, enrolled, _) = counts(&app).await;
    let r = import(&client, next, EXCEL_SHEET, false).await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text());
    assert_eq!(
        (
            r.json()["enrolled_existing"].as_i64(),
            r.json()["new_residents"].as_i64()
        ),
        (Some(3), Some(0))
    );
    let (people_after, enrolled_after, _) = counts(&app).await;
    assert_eq!((people_after, enrolled_after), (people, enrolled + 3));
}

#[tokio::test]
async fn a_dry_run_writes_nothing_and_a_full_cohort_is_refused() {
    let app = TestApp::new().await;
    let (d, client) = coordinator(&app).await;
    let before = counts(&app).await;
    let r = import(&client, d.cohort, EXCEL_SHEET, true).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    assert_eq!(r.json()["dry_run"], true);
    assert_eq!(r.json()["rows"][0]["outcome"], "new_resident");
    assert_eq!(counts(&app).await, before);
    let small = next_cohort(&app, &d, 2).await;
    let before = counts(&app).await;
    let r = import(&client, small, EXCEL_SHEET, false).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.text().contains("2 of 2 places left"), "{}", r.text());
    assert_eq!(counts(&app).await, before);
    // Limits and content type.
    let huge = "x".repeat(5 * 1024 * 1024 + 1);
    assert_eq!(
        import(&client, d.cohort, &huge, false).await.status,
        StatusCode::PAYLOAD_TOO_LARGE
    );
    let json = client
        .json(
            Method::POST,
            &format!("/api/v1/cohorts/{}/import", d.cohort),
            serde_json::json!({}),
        )
        .await;
    assert_eq!(json.status, StatusCode::UNSUPPORTED_MEDIA_TYPE);
}

#[tokio::test]
async fn the_web_import_previews_then_confirms() {
    let app = TestApp::new().await;
    let d = app.delivery("Leeds City Council").await;
    let web = app.login_as(Role::Coordinator, "Leeds City Council").await;
    let cohort_page = web.get(&format!("/cohorts/{}", d.cohort)).await.text();
    assert!(cohort_page.contains(&format!("/cohorts/{}/import", d.cohort)));
    let sheet = format!("{EXCEL_SHEET}Amina,Khan,27/03/1990,LS9 7TF,,\r\n");
    let before = counts(&app).await;
    let preview = web
        .post_form(&format!("/cohorts/{}/import", d.cohort), &[("csv", &sheet)])
        .await;
    assert_eq!(preview.status, StatusCode::OK, "{}", preview.text());
    let html = preview.text();
    assert!(html.contains("Check the import before you confirm"));
    assert!(html.contains("Already in this cohort"));
    assert!(html.contains("Confirm and import 3 residents"));
    assert_eq!(counts(&app).await, before);
    let done = web
        .post_form(
            &format!("/cohorts/{}/import/confirm", d.cohort),
            &[("csv", &sheet)],
        )
        .await;
    assert_eq!(done.status, StatusCode::OK, "{}", done.text());
    assert!(done.text().contains("Import complete"));
    assert_eq!(counts(&app).await.0, before.0 + 3);
    let bad = web
        .post_form(
            &format!("/cohorts/{}/import", d.cohort),
            &[("csv", "given_name\nx\n")],
        )
        .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        bad.text().starts_with("<!DOCTYPE html>")
            && bad.text().contains("Add a family name column")
    );
}

#[tokio::test]
async fn the_command_line_imports_with_a_dry_run_first() {
    let app = TestApp::new().await;
    let d = app.delivery("Leeds City Council").await;
    let url = app.state.config.database_url.clone();
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("residents.csv");
    std::fs::write(&file, EXCEL_SHEET).unwrap();
    let (path, cohort) = (file.to_str().unwrap(), d.cohort.to_string());
    let before = counts(&app).await;
    let args = [
        "import",
        "participants",
        path,
        "--cohort",
        &cohort,
        "--dry-run",
    ];
    let (ok, out, err) = pathways(&url, &args, "");
    assert!(ok, "{err}");
    assert!(
        out.contains("Would enrol 3") && out.contains("nothing was saved"),
        "{out}"
    );
    assert_eq!(counts(&app).await, before);
    let (ok, out, err) = pathways(&url, &args[..5], "");
    assert!(ok && out.contains("Enrolled 3"), "{out}{err}");
    assert_eq!(counts(&app).await.0, before.0 + 3);
    let (ok, _, err) = pathways(&url, &[&args[..5], &["--as", "nobody@x.test"]].concat(), "");
    assert!(
        !ok && err.contains("as: no active user has that email address"),
        "{err}"
    );
    std::fs::write(
        &file,
        "given_name,family_name,date_of_birth,postcode\nA,B,1990-01-01,x\nC,,1990-01-01,LS9 7TF\n",
    )
    .unwrap();
    let (ok, _, err) = pathways(&url, &args[..5], "");
    assert!(!ok);
    assert!(
        err.contains("line 2, postcode") && err.contains("line 3, family_name"),
        "{err}"
    );
    assert!(err.contains("nothing was imported"), "{err}");
}

#[tokio::test]
async fn a_full_cohort_of_a_thousand_imports_quickly() {
    let app = TestApp::new().await;
    let (d, client) = coordinator(&app).await;
    let cohort = next_cohort(&app, &d, 1000).await;
    let mut sheet = String::from("given_name,family_name,date_of_birth,postcode\n");
    for i in 0..1000 {
        sheet.push_str(&format!("Resident{i},Bulk,1990-01-01,LS9 7TF\n"));
    }
    let started = std::time::Instant::now();
    let r = import(&client, cohort, &sheet, false).await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text());
    assert_eq!(r.json()["new_residents"], 1000);
    let took = started.elapsed();
    assert!(took.as_secs() < 30, "took {took:?}");
    eprintln!("imported 1000 residents in {took:?}");
}

fn multipart(cohort: i32, token: &str, file: &str) -> Request<Body> {
    let b = "pathways-test-boundary";
    let body = format!(
        "--{b}\r\nContent-Disposition: form-data; name=\"csrf_token\"\r\n\r\n{token}\r\n\
         --{b}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"residents.csv\"\r\n\
         Content-Type: text/csv\r\n\r\n{file}\r\n--{b}\r\n\
         Content-Disposition: form-data; name=\"csv\"\r\n\r\n\r\n--{b}--\r\n"
    );
    Request::builder()
        .method(Method::POST)
        .uri(format!("/cohorts/{cohort}/import"))
        .header(
            header::CONTENT_TYPE,
            format!("multipart/form-data; boundary={b}"),
        )
        .body(Body::from(body))
        .unwrap()
}

#[tokio::test]
async fn a_chosen_file_is_uploaded_and_previewed() {
    let app = TestApp::new().await;
    let d = app.delivery("Leeds City Council").await;
    let web = app.login_as(Role::Coordinator, "Leeds City Council").await;
    let form = web
        .get(&format!("/cohorts/{}/import", d.cohort))
        .await
        .text();
    assert!(form.contains("enctype=\"multipart/form-data\"") && form.contains("type=\"file\""));
    let token = web.csrf.clone().unwrap();
    let preview = web
        .send(multipart(d.cohort, &token, EXCEL_SHEET), None)
        .await;
    assert_eq!(preview.status, StatusCode::OK, "{}", preview.text());
    assert!(preview.text().contains("Confirm and import 3 residents"));
    assert!(preview.text().contains("Nguyễn"));
    let big = "x".repeat(3 * 1024 * 1024);
    let refused = web.send(multipart(d.cohort, &token, &big), None).await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        refused.text().contains("must be smaller than 2 MB"),
        "{}",
        refused.text()
    );
    let forged = web
        .send(multipart(d.cohort, "wrong", EXCEL_SHEET), None)
        .await;
    assert_eq!(forged.status, StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn outsiders_cannot_import_and_names_are_escaped() {
    let app = TestApp::new().await;
    let d = app.delivery("Leeds City Council").await;
    let (outsider, _) = app.user(Role::Coordinator, "Bradford Council").await;
    let outsider = app.token_client(outsider).await;
    let before = counts(&app).await;
    let r = import(&outsider, d.cohort, EXCEL_SHEET, false).await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    assert_eq!(counts(&app).await, before);
    let web = app.login_as(Role::Coordinator, "Bradford Council").await;
    let page = web.get(&format!("/cohorts/{}/import", d.cohort)).await;
    assert_eq!(page.status, StatusCode::NOT_FOUND);
    let hr = app.login_as(Role::Hr, "Leeds City Council").await;
    let sheet =
        "given_name,family_name,date_of_birth,postcode\n<b>Bold</b>,Khan,1990-01-01,LS9 7TF\n";
    let path = format!("/cohorts/{}/import", d.cohort);
    assert_eq!(
        hr.post_form(&path, &[("csv", sheet)]).await.status,
        StatusCode::FORBIDDEN
    );
    let coordinator = app.login_as(Role::Coordinator, "Leeds City Council").await;
    let preview = coordinator.post_form(&path, &[("csv", sheet)]).await.text();
    assert!(!preview.contains("<b>Bold</b>"), "names are escaped");
    assert!(
        preview.contains("&lt;b&gt;Bold&lt;/b&gt;") || preview.contains("&#60;b&#62;"),
        "{preview}"
    );
}
