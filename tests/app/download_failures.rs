//! A download whose database reads fail part-way, through the real route: the client sees
//! an aborted transfer, never a short file ending cleanly. SQLite: a cohort in the second
//! batch holds a date that cannot be read. PostgreSQL: the export's connection is killed
//! after the first batch, as when the server restarts.

use axum::http::StatusCode;
use diesel::connection::SimpleConnection;
use pathways::db::Backend;
use tower::ServiceExt;

use crate::common::TestApp;
use crate::downloads::{get, next_chunk, read_all, two_batches};

#[tokio::test]
async fn a_database_failure_part_way_aborts_the_programme_download() {
    let app = TestApp::new().await;
    let (d, extra, token, _) = two_batches(&app).await;
    let backend = app.state.db.backend();
    let last = *extra.last().unwrap();
    if backend == Backend::Sqlite {
        app.state
            .db
            .run(move |conn| {
                let sql = format!("UPDATE cohorts SET starts_on = '2099-13-45' WHERE id = {last}");
                conn.batch_execute(&sql).map_err(pathways::AppError::from)
            })
            .await
            .unwrap();
    }
    let path = format!("/api/v1/reports/programme.csv?programme_id={}", d.programme);
    let response = app
        .router
        .clone()
        .oneshot(get(&path, &token))
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    let mut body = response.into_body();
    let first = next_chunk(&mut body).await.unwrap().unwrap();
    if backend == Backend::Postgres {
        // The export waits for this client inside its snapshot, between two batches.
        app.state
            .db
            .run(|conn| {
                conn.batch_execute(
                    "SELECT pg_terminate_backend(pid) FROM pg_stat_activity \
                         WHERE datname = current_database() AND state = 'idle in transaction'",
                )
                .map_err(pathways::AppError::from)
            })
            .await
            .unwrap();
    }
    let rest = read_all(&mut body, String::from_utf8(first.to_vec()).unwrap()).await;
    assert!(
        rest.is_err(),
        "the download must be aborted, not end cleanly without its TOTAL row: {:?}",
        rest.map(|text| text.lines().count())
    );
    // The pool recovers: the next request is answered.
    let health = app.anon().get("/healthz").await;
    assert_eq!(health.status, StatusCode::OK);
}
