//! The national data set's organisations, users and programmes with their partners.

use diesel::QueryResult;

use super::{ACCOUNTS, Counts, REGIONS, Shape, TRUSTS, first_monday, ts};
use crate::db::DbConnection;
use crate::models::bulk::{Inserter, Value};

/// The council, college and charity (ids 1–3, partners in every programme), the NHS
/// trusts (4..) and the regional partnerships (after the trusts).
pub(super) fn organisations(conn: &mut DbConnection, counts: &mut Counts) -> QueryResult<()> {
    let created = Value::At(ts(first_monday()));
    let mut orgs = Inserter::new("organisations", "id, name, kind, created_at");
    for (id, name, kind) in [
        (1, "National Council", "council"),
        (2, "National College", "college"),
        (3, "Learning Charity", "charity"),
    ] {
        orgs.row(
            conn,
            &[
                Value::Int(id),
                Value::Text(name),
                Value::Text(kind),
                created,
            ],
        )?;
    }
    for t in 0..TRUSTS {
        let name = format!("Teaching Hospitals Trust {t:02}");
        orgs.row(
            conn,
            &[
                Value::Int(4 + t),
                Value::Text(&name),
                Value::Text("nhs_trust"),
                created,
            ],
        )?;
    }
    for r in 0..REGIONS {
        let name = format!("Regional Partnership {:02}", r + 1);
        orgs.row(
            conn,
            &[
                Value::Int(4 + TRUSTS + r),
                Value::Text(&name),
                Value::Text("council"),
                created,
            ],
        )?;
    }
    orgs.finish(conn, counts)
}

/// The [`ACCOUNTS`], with these password hashes in order.
pub(super) fn users(
    conn: &mut DbConnection,
    password_hashes: &[String],
    counts: &mut Counts,
) -> QueryResult<()> {
    assert_eq!(
        password_hashes.len(),
        ACCOUNTS.len(),
        "one password hash per account"
    );
    let created = Value::At(ts(first_monday()));
    let mut users = Inserter::new(
        "users",
        "id, organisation_id, email, name, role, password_hash, must_change_password, created_at, updated_at",
    );
    for (account, hash) in ACCOUNTS.iter().zip(password_hashes) {
        users.row(
            conn,
            &[
                Value::Int(account.id),
                Value::Int(account.organisation),
                Value::Text(account.email),
                Value::Text(account.name),
                Value::Text(account.role),
                Value::Text(hash),
                Value::Bool(false),
                created,
                created,
            ],
        )?;
    }
    users.finish(conn, counts)
}

/// The programmes and their partners: orgs 1–3, one trust and one regional partnership.
pub(super) fn programmes(
    conn: &mut DbConnection,
    shape: &Shape,
    counts: &mut Counts,
) -> QueryResult<()> {
    let created = Value::At(ts(first_monday()));
    let mut rows = Inserter::new(
        "programmes",
        "id, name, description, completion_threshold, created_at, updated_at",
    );
    let mut partners = Inserter::new("programme_partners", "programme_id, organisation_id");
    for p in 1..=shape.programmes {
        let name = format!("Health and Care Careers {p:03}");
        rows.row(
            conn,
            &[
                Value::Int(p),
                Value::Text(&name),
                Value::Text(""),
                Value::Int(80),
                created,
                created,
            ],
        )?;
        let trust = 4 + (p - 1) % TRUSTS;
        let region = 4 + TRUSTS + (p - 1) % REGIONS;
        for org in [1, 2, 3, trust, region] {
            partners.row_under(&mut rows, conn, &[Value::Int(p), Value::Int(org)])?;
        }
    }
    rows.finish(conn, counts)?;
    partners.finish(conn, counts)
}
