//! `pathways backup`: a consistent copy while the server is writing, which restores.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU32, Ordering};

use diesel::connection::SimpleConnection;
use diesel::prelude::*;
use diesel::sql_types::{BigInt, Text};
use pathways::db::{Backend, Db, has_pending_migrations};

use crate::cli::pathways;
use crate::common::TestApp;

#[derive(QueryableByName)]
struct Check {
    #[diesel(sql_type = Text)]
    integrity_check: String,
}

#[derive(QueryableByName)]
struct Count {
    #[diesel(sql_type = BigInt)]
    n: i64,
}

fn count(conn: &mut SqliteConnection, sql: &str) -> i64 {
    diesel::sql_query(sql).get_result::<Count>(conn).unwrap().n
}

/// Writes residents (each one a participant row and its audit row, in one transaction)
/// until told to stop; returns how many it wrote.
pub async fn writer(app: &TestApp, stop: Arc<AtomicBool>) -> u32 {
    use pathways::models::participant_input::{ParticipantInput, check, create_participant};
    let written = Arc::new(AtomicU32::new(0));
    let owner = app.organisation("Leeds City Council").await;
    let (actor, _) = app
        .user(pathways::auth::Role::Admin, "Leeds City Council")
        .await;
    while !stop.load(Ordering::Relaxed) {
        let n = written.fetch_add(1, Ordering::Relaxed);
        let (today, now) = (app.state.clock.today(), app.state.clock.now());
        app.state
            .db
            .run(move |conn| {
                let input = ParticipantInput {
                    given_name: Some(format!("Writer{n}")),
                    family_name: Some("Backup".into()),
                    date_of_birth: Some("1990-01-01".into()),
                    postcode: Some("LS9 7TF".into()),
                    ..ParticipantInput::default()
                };
                let record = check(&input, today).map_err(pathways::AppError::Validation)?;
                create_participant(conn, actor, owner, None, record, now)
            })
            .await
            .unwrap();
    }
    written.load(Ordering::Relaxed)
}

#[tokio::test]
async fn a_backup_taken_under_writes_is_consistent_and_restores() {
    let app = TestApp::new().await;
    let url = app.state.config.database_url.clone();
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("backup.db");
    let target = file.to_str().unwrap().to_owned();
    if app.state.db.backend() == Backend::Postgres {
        let (ok, _, err) = pathways(&url, &["backup", &target], "");
        assert!(
            !ok && err.contains("pg_dump") && err.contains("pg_restore"),
            "{err}"
        );
        return;
    }
    let stop = Arc::new(AtomicBool::new(false));
    let writing = writer(&app, stop.clone());
    let backing_up = async {
        tokio::time::sleep(std::time::Duration::from_millis(300)).await;
        let args = ["backup".to_owned(), target.clone()];
        let url = url.clone();
        let out = tokio::task::spawn_blocking(move || {
            let args: Vec<&str> = args.iter().map(String::as_str).collect();
            pathways(&url, &args, "")
        })
        .await
        .unwrap();
        tokio::time::sleep(std::time::Duration::from_millis(300)).await;
        stop.store(true, Ordering::Relaxed);
        out
    };
    let (written, (ok, out, err)) = tokio::join!(writing, backing_up);
    assert!(ok, "{err}");
    assert!(out.contains("Backed up to"), "{out}");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&file).unwrap().permissions().mode();
        assert_eq!(
            mode & 0o777,
            0o600,
            "the copy is readable by its owner only"
        );
    }
    // Restore: copy the backup into place and open it as the app would.
    let restored = dir.path().join("restored.db");
    std::fs::copy(&file, &restored).unwrap();
    let mut conn = SqliteConnection::establish(restored.to_str().unwrap()).unwrap();
    conn.batch_execute("PRAGMA foreign_keys = ON;").unwrap();
    let check: Check = diesel::sql_query("PRAGMA integrity_check")
        .get_result(&mut conn)
        .unwrap();
    assert_eq!(check.integrity_check, "ok");
    let people = count(&mut conn, "SELECT COUNT(*) AS n FROM participants");
    let created = count(
        &mut conn,
        "SELECT COUNT(*) AS n FROM audit_events WHERE entity = 'participant' AND action = 'create'",
    );
    assert_eq!(
        people, created,
        "every resident in the copy has its audit row"
    );
    assert!(
        people > 0 && people <= i64::from(written),
        "{people} of {written}"
    );
    let db = Db::connect(&format!("sqlite://{}", restored.display())).unwrap();
    assert!(!has_pending_migrations(&mut db.conn().unwrap()).unwrap());
    // A second backup never overwrites the first.
    let (ok, _, err) = pathways(&url, &["backup", &target], "");
    assert!(!ok && err.contains("already exists"), "{err}");
}
