//! Object-level access: finds an object only when the caller's organisation partners in
//! the programme it belongs to (admins, with `scope` = `None`, see all). Anything else is
//! `NotFound`, exactly as if it did not exist.

use diesel::QueryResult;

use super::{Cohort, CourseSession, Enrolment, Participant};
use crate::db::DbConnection;

/// A course session and its cohort.
pub fn session(
    conn: &mut DbConnection,
    id: i32,
    scope: Option<i32>,
) -> QueryResult<(CourseSession, Cohort)> {
    let session = CourseSession::find(conn, id)?;
    let cohort = Cohort::find_visible(conn, session.cohort_id, scope)?;
    Ok((session, cohort))
}

/// An enrolment and its cohort.
pub fn enrolment(
    conn: &mut DbConnection,
    id: i32,
    scope: Option<i32>,
) -> QueryResult<(Enrolment, Cohort)> {
    let enrolment = Enrolment::find(conn, id)?;
    let cohort = Cohort::find_visible(conn, enrolment.cohort_id, scope)?;
    Ok((enrolment, cohort))
}

/// A participant the caller may see.
pub fn participant(
    conn: &mut DbConnection,
    id: i32,
    scope: Option<i32>,
) -> QueryResult<Participant> {
    Participant::find_visible(conn, id, scope)
}
