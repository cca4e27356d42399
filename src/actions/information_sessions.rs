//! Information sessions: recording one for a programme and noting a resident who
//! registered there. The programme (and the resident) must be visible to the actor.

use chrono::NaiveDate;

use crate::db::DbConnection;
use crate::domain::{Actor, Permission};
use crate::error::{AppError, AppResult, FieldErrors};
use crate::models::information_session::{self, InformationSession, InformationSessionInput};
use crate::models::page::{PageRequest, Paged};
use crate::models::{Programme, access};

/// `?year=`: the information sessions list's filter, read as text so a bad value is
/// answered 422 naming it.
#[derive(Debug, Clone, Default, serde::Deserialize, utoipa::IntoParams)]
#[serde(default)]
#[into_params(parameter_in = Query)]
pub struct InformationSessionQuery {
    /// Only sessions held in this year (e.g. 2026).
    #[param(value_type = Option<i32>, minimum = 1900, maximum = 9999)]
    pub year: Option<String>,
}

impl InformationSessionQuery {
    /// The year asked for, if any; 422 when it is not a year.
    pub fn year(&self) -> AppResult<Option<i32>> {
        match self
            .year
            .as_deref()
            .map(str::trim)
            .filter(|y| !y.is_empty())
        {
            None => Ok(None),
            Some(y) => y
                .parse::<i32>()
                .ok()
                .filter(|y| (1900..=9999).contains(y))
                .map(Some)
                .ok_or_else(|| AppError::invalid("year", "year must be a year, like 2026")),
        }
    }
}

/// A page of a programme's information sessions with the number of named residents at
/// each, newest first (sessions are recorded once held, so there are none to come),
/// optionally of one year.
pub fn list(
    conn: &mut DbConnection,
    actor: &Actor,
    programme_id: i32,
    year: Option<i32>,
    request: &PageRequest<(NaiveDate, i32)>,
) -> AppResult<Paged<(InformationSession, i64)>> {
    actor.require(Permission::ViewProgrammes)?;
    Programme::find_visible(conn, programme_id, actor.scope())?;
    let rows = InformationSession::page_for_programme(conn, programme_id, year, request)?;
    Ok(Paged::from_fetched(rows, request, |(s, _)| {
        (s.held_on, s.id)
    }))
}

/// Records an information session of a programme the actor's organisation partners in,
/// audited. The input is checked (date today or earlier, venue, head count) before the
/// programme is looked up. `input` is the body as read (refused after the permission
/// check when unreadable); `found`: problems a form found parsing its own fields, listed
/// before the input's.
pub fn record(
    conn: &mut DbConnection,
    actor: &Actor,
    programme_id: i32,
    input: AppResult<InformationSessionInput>,
    found: FieldErrors,
) -> AppResult<InformationSession> {
    actor.require(Permission::ManageCohorts)?;
    let checked = information_session::check(&input?, actor.today);
    let fields = match checked {
        Ok(fields) if found.is_empty() => fields,
        Ok(_) => return Err(AppError::Validation(found)),
        Err(problems) => {
            let mut errors = found;
            for (field, message) in problems.iter() {
                errors.add(field, message.clone());
            }
            return Err(AppError::Validation(errors));
        }
    };
    Programme::find_visible(conn, programme_id, actor.scope())?;
    information_session::create(conn, actor.user_id, programme_id, fields, actor.now)
}

/// Notes a resident the actor may see as registering at an information session of a
/// programme their organisation partners in; 404 for a session they cannot see, 422 for
/// a resident they cannot see. `participant_id` is from the body as read; returns it.
pub fn add_attendee(
    conn: &mut DbConnection,
    actor: &Actor,
    session_id: i32,
    participant_id: AppResult<i32>,
) -> AppResult<i32> {
    actor.require(Permission::ManageEnrolments)?;
    let participant_id = participant_id?;
    let session = InformationSession::find(conn, session_id)?;
    Programme::find_visible(conn, session.programme_id, actor.scope())?;
    access::participant(conn, participant_id, actor.scope()).map_err(|_| {
        AppError::invalid(
            "participant_id",
            "Select a resident your organisation can see",
        )
    })?;
    information_session::add_attendee(conn, actor.user_id, &session, participant_id, actor.now)?;
    Ok(participant_id)
}
