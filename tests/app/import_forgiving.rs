//! The import is forgiving of real spreadsheets: headings as people write them, in any
//! case and order, extra columns named and ignored, a template to download, each problem
//! shown with the value at fault, and counts in words that agree with them.

use axum::body::Body;
use axum::http::{Method, Request, StatusCode, header};
use pathways::auth::Role;

use crate::common::{TestApp, TestClient};

/// A sheet as a coordinator keeps it: their own headings, their own order, notes beside.
const SHEET: &str = "Surname,FIRST NAME,Notes,date of birth,Post_Code,Mobile,Referred by\r\n\
    O'Brien-Nowak,Zoë,called back Tuesday,02/05/1991,ls9 6aa,07700 900123,Jobcentre\r\n";

async fn setup(app: &TestApp) -> (i32, TestClient) {
    let d = app.delivery("Leeds City Council").await;
    (
        d.cohort,
        app.login_as(Role::Coordinator, "Leeds City Council").await,
    )
}

#[tokio::test]
async fn headings_as_people_write_them_are_read_and_extra_columns_named() {
    let app = TestApp::new().await;
    let (cohort, web) = setup(&app).await;
    let path = format!("/cohorts/{cohort}/import");
    let preview = web.post_form(&path, &[("csv", SHEET)]).await;
    assert_eq!(preview.status, StatusCode::OK, "{}", preview.text());
    let html = preview.text();
    assert!(
        html.contains("These 2 columns are not part of the import"),
        "{html}"
    );
    assert!(html.contains("<bdi>Notes</bdi>") && html.contains("<bdi>Referred by</bdi>"));
    assert!(html.contains("Confirm and import 1 resident<"), "{html}");
    let done = web
        .post_form(&format!("{path}/confirm"), &[("csv", SHEET)])
        .await
        .text();
    assert!(done.contains("1 resident enrolled"), "{done}");
    assert!(done.contains("1 new resident was added"), "{done}");
    let found = web.get("/participants?q=obrien").await.text();
    assert!(found.contains("Brien-Nowak"), "{found}");
}

#[tokio::test]
async fn the_api_reads_the_same_headings_and_lists_ignored_columns() {
    let app = TestApp::new().await;
    let d = app.delivery("Leeds City Council").await;
    let (id, _) = app.user(Role::Coordinator, "Leeds City Council").await;
    let api = app.token_client(id).await;
    let req = Request::builder()
        .method(Method::POST)
        .uri(format!("/api/v1/cohorts/{}/import?dry_run=true", d.cohort))
        .header(header::CONTENT_TYPE, "text/csv")
        .body(Body::from(SHEET))
        .unwrap();
    let r = api.send(req, None).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    assert_eq!(
        r.json()["ignored_columns"],
        serde_json::json!(["Notes", "Referred by"])
    );
    let bad = "given_name,family_name,dob,postcode\nAmina,Khan,31/02/1990,LS9 7TF\n";
    let req = Request::builder()
        .method(Method::POST)
        .uri(format!("/api/v1/cohorts/{}/import?dry_run=true", d.cohort))
        .header(header::CONTENT_TYPE, "text/csv")
        .body(Body::from(bad))
        .unwrap();
    let r = api.send(req, None).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    let row = &r.json()["error"]["rows"][0];
    assert_eq!(
        (
            row["line"].as_i64(),
            row["column"].as_str(),
            row["value"].as_str()
        ),
        (Some(2), Some("date_of_birth"), Some("31/02/1990"))
    );
}

#[tokio::test]
async fn each_problem_shows_its_value_beside_the_line_and_column() {
    let app = TestApp::new().await;
    let (cohort, web) = setup(&app).await;
    let sheet = "Given name,Family name,DOB,Postcode\n\
        Amina,Khan,31/02/1990,LS9 7TF\n\
        Bo,Li,1990-01-01,NOWHERE 1\n";
    let page = web
        .post_form(&format!("/cohorts/{cohort}/import"), &[("csv", sheet)])
        .await;
    assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY);
    let html = page.text();
    assert!(html.contains("The file has 2 problems"), "{html}");
    for expected in [
        "<bdi>2</bdi></th><td>Date of birth</td><td><bdi>31/02/1990</bdi></td>",
        "<bdi>3</bdi></th><td>Postcode</td><td><bdi>NOWHERE 1</bdi></td>",
    ] {
        assert!(html.contains(expected), "{expected} in {html}");
    }
    let one = web
        .post_form(
            &format!("/cohorts/{cohort}/import"),
            &[(
                "csv",
                "Given name,Family name,DOB,Postcode\nAmina,Khan,31/02/1990,LS9 7TF\n",
            )],
        )
        .await
        .text();
    assert!(one.contains("The file has 1 problem;"), "{one}");
}

#[tokio::test]
async fn the_template_downloads_with_the_header_row() {
    let app = TestApp::new().await;
    let (cohort, web) = setup(&app).await;
    let form = web.get(&format!("/cohorts/{cohort}/import")).await.text();
    let link = format!("/cohorts/{cohort}/import/template.csv");
    assert!(form.contains(&link));
    let r = web.get(&link).await;
    assert_eq!(r.status, StatusCode::OK);
    assert_eq!(
        r.headers.get(header::CONTENT_TYPE).unwrap(),
        "text/csv; charset=utf-8"
    );
    assert!(
        r.headers
            .get(header::CONTENT_DISPOSITION)
            .unwrap()
            .to_str()
            .unwrap()
            .starts_with("attachment;")
    );
    assert_eq!(
        r.text(),
        "given_name,family_name,date_of_birth,postcode,email,phone\r\n"
    );
    let hr = app.login_as(Role::Hr, "Leeds City Council").await;
    assert_eq!(hr.get(&link).await.status, StatusCode::FORBIDDEN);
    let outsider = app.login_as(Role::Coordinator, "Bradford Council").await;
    assert_eq!(outsider.get(&link).await.status, StatusCode::NOT_FOUND);
}
