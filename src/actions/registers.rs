//! Attendance registers: what a session's register shows, and saving it whole in one
//! transaction (from the API's list of marks or the web form's one radio per person).

use std::collections::HashMap;

use serde::Deserialize;

use super::sessions::visible;
use crate::db::{DbConnection, write_transaction};
use crate::domain::{Actor, Mark, Permission, RegisterStatus};
use crate::error::{AppError, AppResult, FieldErrors};
use crate::models::audit::{self, AuditAction, Change};
use crate::models::page::{PageRequest, Paged, whole};
use crate::models::register::{self, MarkEntry, RegisterLine};
use crate::models::{Cohort, CourseSession, Enrolment, User};

/// One row of a register as saved.
#[derive(Debug, Clone, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RegisterEntry {
    /// The enrolment.
    pub enrolment_id: i32,
    /// `present`, `late`, `authorised_absence`, `unauthorised_absence`, or null to clear.
    #[schema(schema_with = crate::openapi::attendance_status)]
    pub status: Option<String>,
}

/// A session's register as its page and the API show it.
#[derive(Debug, Clone)]
pub struct RegisterView {
    /// The session.
    pub session: CourseSession,
    /// Its cohort.
    pub cohort: Cohort,
    /// One line per enrolment on the register.
    pub lines: Vec<RegisterLine>,
    /// Whether the session takes marks today (held, not cancelled).
    pub open: bool,
    /// Whether the actor may take the register.
    pub can_mark: bool,
    /// Where the register stands today.
    pub status: RegisterStatus,
    /// Who first saved it, when taken.
    pub taken_by: Option<String>,
    /// Who last saved it, when taken.
    pub updated_by: Option<String>,
    /// The register's version the form carries: the stored one when opened, the one it
    /// was opened at when it comes back with problems or filled, so a save after that
    /// still notices someone else's save in between.
    pub form_version: i32,
}

impl RegisterView {
    /// Fills every line still blank with `mark`, saving nothing ("mark all present"):
    /// a mark already chosen or saved is never changed.
    pub fn fill_blanks(&mut self, mark: Mark) {
        for line in &mut self.lines {
            line.status.get_or_insert(mark);
        }
    }
}

/// The names of who took the register and who saved it last, read in one query with
/// [`User::names`]; an id with no account reads as an unknown user.
fn taken_and_updated_by(
    conn: &mut DbConnection,
    session: &CourseSession,
) -> AppResult<(Option<String>, Option<String>)> {
    let ids: Vec<i32> = [
        session.register_taken_by_user_id,
        session.register_updated_by_user_id,
    ]
    .into_iter()
    .flatten()
    .collect();
    if ids.is_empty() {
        return Ok((None, None));
    }
    let names: HashMap<i32, String> = User::names(conn, &ids)?.into_iter().collect();
    let name = |id: Option<i32>| {
        id.map(|id| {
            names
                .get(&id)
                .cloned()
                .unwrap_or_else(|| "an unknown user".to_owned())
        })
    };
    Ok((
        name(session.register_taken_by_user_id),
        name(session.register_updated_by_user_id),
    ))
}

fn view(
    conn: &mut DbConnection,
    actor: &Actor,
    permission: Permission,
    id: i32,
) -> AppResult<RegisterView> {
    let (session, cohort) = visible(conn, actor, permission, id)?;
    let lines = register::load(conn, &session)?;
    let (taken_by, updated_by) = taken_and_updated_by(conn, &session)?;
    Ok(RegisterView {
        open: register::check_session(&session, actor.today).is_ok(),
        can_mark: actor.can(Permission::TakeAttendance),
        status: session.register_status(actor.today),
        form_version: session.register_version,
        taken_by,
        updated_by,
        session,
        cohort,
        lines,
    })
}

/// The register of a session the actor may see, for roles that see residents.
pub fn show(conn: &mut DbConnection, actor: &Actor, id: i32) -> AppResult<RegisterView> {
    view(conn, actor, Permission::ViewParticipants, id)
}

/// A page of a session's register for the API: its lines in roster order, after the
/// line of enrolment `request.after` (the cursor carries that id, never a name); an empty
/// last page when it is not on this register.
pub fn page(
    conn: &mut DbConnection,
    actor: &Actor,
    id: i32,
    request: &PageRequest<i32>,
) -> AppResult<(CourseSession, Paged<RegisterLine>)> {
    let view = show(conn, actor, id)?;
    let page = whole::after_row(view.lines, request, |line| line.enrolment_id);
    Ok((view.session, page))
}

/// The entries checked against the cohort's roster: each enrolment of the cohort, listed
/// once, with a known mark (null clears one).
fn parse_entries(
    roster: &HashMap<i32, Enrolment>,
    entries: &[RegisterEntry],
) -> Result<Vec<MarkEntry>, FieldErrors> {
    let mut errors = FieldErrors::new();
    let mut valid: Vec<MarkEntry> = Vec::with_capacity(entries.len());
    for (i, entry) in entries.iter().enumerate() {
        let field = format!("[{i}]");
        let id = entry.enrolment_id;
        let mark = entry.status.as_deref().map(Mark::parse);
        if !roster.contains_key(&id) {
            errors.add(
                &field,
                format!("Enrolment {id} is not in this session's cohort"),
            );
        } else if valid.iter().any(|v| v.enrolment_id == id) {
            errors.add(&field, format!("Enrolment {id} is listed twice"));
        } else if let Some(None) = mark {
            errors.add(
                &field,
                "Status must be present, late, authorised_absence or unauthorised_absence",
            );
        }
        valid.push(MarkEntry {
            enrolment_id: id,
            mark: mark.flatten(),
        });
    }
    if errors.is_empty() {
        Ok(valid)
    } else {
        Err(errors)
    }
}

/// Saves a register in one transaction. Only sessions on or before today and not
/// cancelled take marks. Saves of one cohort's registers take turns on the cohort's row
/// lock, so concurrent saves of the same register all succeed and the last one wins.
/// `entries` is the body as read: an unreadable one is refused after the permission check.
pub fn save(
    conn: &mut DbConnection,
    actor: &Actor,
    id: i32,
    entries: AppResult<Vec<RegisterEntry>>,
) -> AppResult<RegisterView> {
    save_if(conn, actor, id, entries, None)
}

/// The message when a register was saved by someone else after it was opened.
pub const STALE: &str = "Someone else saved this register since you opened it. The marks shown are the ones saved now: check them and save again";

/// [`save`], refused (412) unless the register's version is still `expected` when it
/// is given: under the cohort's lock, so of two saves opened at the same version exactly
/// one succeeds. The first register of a planned or recruiting cohort makes it running.
pub fn save_if(
    conn: &mut DbConnection,
    actor: &Actor,
    id: i32,
    entries: AppResult<Vec<RegisterEntry>>,
    expected: Option<i32>,
) -> AppResult<RegisterView> {
    actor.require(Permission::TakeAttendance)?;
    let entries = entries?;
    write_transaction(conn, |conn| {
        let (session, _) = visible(conn, actor, Permission::TakeAttendance, id)?;
        register::check_session(&session, actor.today)?;
        let cohort = Cohort::lock(conn, session.cohort_id)?;
        // Read again under the lock: the session may have been cancelled or saved meanwhile.
        let session = CourseSession::find(conn, id)?;
        register::check_session(&session, actor.today)?;
        let roster = register::roster_by_id(conn, session.cohort_id)?;
        let valid = parse_entries(&roster, &entries).map_err(AppError::Validation)?;
        // After the body is read: a save that could never succeed is answered for its
        // content (422), not for its precondition.
        if expected.is_some_and(|v| v != session.register_version) {
            return Err(AppError::PreconditionFailed {
                message: STALE.to_owned(),
            });
        }
        let (before, after) =
            register::write_marks(conn, actor.user_id, &session, &roster, &valid, actor.now)?;
        audit::record(
            conn,
            actor,
            AuditAction::Update,
            Change {
                entity: "register",
                id,
                participant_id: None,
                before: Some(&before),
                after: Some(&after),
            },
        )?;
        super::cohorts::start_running(conn, actor, &cohort)?;
        view(conn, actor, Permission::TakeAttendance, id)
    })
}

/// The outcome of the register form.
pub enum FormOutcome {
    /// Saved.
    Saved(RegisterView),
    /// "Mark all present": the form again with its blank lines filled, nothing saved.
    Filled(RegisterView),
    /// Refused: a mark missing or unknown; the form again with what was chosen.
    Refused(RegisterView, FieldErrors),
    /// Refused: someone else saved the register after this form was opened; the form
    /// again with the marks saved now (and their version), to check and save again.
    Stale(RegisterView, FieldErrors),
}

/// Saves the web form: one radio per person on the register, every one required
/// (`status_{enrolment_id}`), and the register's `version` it was opened at. A missing or
/// unknown mark names the person and saves nothing; the page comes back with what was
/// chosen. `fill=present` ("Mark all present") fills only the blank lines and saves
/// nothing.
pub fn save_form(
    conn: &mut DbConnection,
    actor: &Actor,
    id: i32,
    submitted: &HashMap<String, String>,
) -> AppResult<FormOutcome> {
    let mut page = view(conn, actor, Permission::TakeAttendance, id)?;
    for line in &mut page.lines {
        let key = format!("status_{}", line.enrolment_id);
        // What the form shows is what was submitted, blank included.
        line.status = submitted.get(&key).and_then(|s| Mark::parse(s));
    }
    // A form without a version (opened before versions) cannot be checked; a bad one is
    // refused as stale.
    let expected = submitted
        .get("version")
        .map(|v| v.trim().parse::<i32>().unwrap_or(-1));
    if let Some(opened) = expected {
        page.form_version = opened;
    }
    if submitted.get("fill").map(String::as_str) == Some(Mark::Present.as_str()) {
        page.fill_blanks(Mark::Present);
        return Ok(FormOutcome::Filled(page));
    }
    let mut errors = FieldErrors::new();
    let mut entries = Vec::with_capacity(page.lines.len());
    for line in &page.lines {
        match line.status {
            Some(mark) => entries.push(RegisterEntry {
                enrolment_id: line.enrolment_id,
                status: Some(mark.as_str().to_owned()),
            }),
            None => errors.add(
                &format!("status_{}", line.enrolment_id),
                format!("Select attendance for {}", line.full_name()),
            ),
        }
    }
    if !errors.is_empty() {
        return Ok(FormOutcome::Refused(page, errors));
    }
    match save_if(conn, actor, id, Ok(entries), expected) {
        Ok(saved) => Ok(FormOutcome::Saved(saved)),
        Err(AppError::Validation(errors)) => Ok(FormOutcome::Refused(page, errors)),
        Err(AppError::PreconditionFailed { message }) => {
            let mut errors = FieldErrors::new();
            errors.add("register", message);
            Ok(FormOutcome::Stale(
                view(conn, actor, Permission::TakeAttendance, id)?,
                errors,
            ))
        }
        Err(e) => Err(e),
    }
}
