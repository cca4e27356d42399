//! Closure days of a programme (site closures, college inset days): administrators add
//! and remove them; everyone who sees the programme sees them with the coming year's bank
//! holidays. Schedules are planned around both (the [`calendar`] of a programme).

use chrono::{NaiveDate, TimeDelta};

use crate::db::{DbConnection, write_transaction};
use crate::domain::bank_holidays::{self, BankHoliday};
use crate::domain::calendar::{Calendar, Closed, Moved};
use crate::domain::{Actor, Permission};
use crate::error::{AppError, AppResult, FieldErrors};
use crate::models::audit::{self, AuditAction, Change};
use crate::models::closure::ClosureDay;
use crate::models::page::{PageRequest, Paged};
use crate::models::{Programme, ProgrammeDetails};
use crate::validate;

/// How far ahead of a course's start its calendar reads closure days: past the longest
/// course (52 weeks) and the days moved after it.
const CALENDAR_SPAN_DAYS: i64 = 2 * 366;

/// A closure day as submitted.
#[derive(Debug, Clone, Default)]
pub struct ClosureInput {
    /// `YYYY-MM-DD`, today or later.
    pub closed_on: Option<String>,
    /// Why the programme is closed that day.
    pub reason: Option<String>,
}

/// What the closures page shows.
pub struct ClosuresView {
    /// The programme.
    pub programme: ProgrammeDetails,
    /// A page of its closure days, latest first.
    pub closures: Paged<ClosureDay>,
    /// The bank holidays of the coming year, from today.
    pub bank_holidays: Vec<BankHoliday>,
}

/// The calendar a programme's schedules are planned with from `from`: bank holidays and
/// its closure days.
pub fn calendar(
    conn: &mut DbConnection,
    programme_id: i32,
    from: NaiveDate,
) -> diesel::QueryResult<Calendar> {
    let to = from + TimeDelta::days(CALENDAR_SPAN_DAYS);
    Ok(Calendar::new(ClosureDay::between(
        conn,
        programme_id,
        from,
        to,
    )?))
}

/// Why `date` is closed for the programme, if it is (bank holiday or closure day).
pub fn closed_on(
    conn: &mut DbConnection,
    programme_id: i32,
    date: NaiveDate,
) -> diesel::QueryResult<Option<Closed>> {
    Ok(Calendar::new(ClosureDay::between(conn, programme_id, date, date)?).closed(date))
}

/// The closures page of a programme the actor's organisation partners in (404 otherwise).
pub fn list(
    conn: &mut DbConnection,
    actor: &Actor,
    programme_id: i32,
    request: &PageRequest<NaiveDate>,
) -> AppResult<ClosuresView> {
    let programme = super::programmes::show(conn, actor, programme_id)?;
    let rows = ClosureDay::page_for_programme(conn, programme_id, request)?;
    let year_on = actor.today + TimeDelta::days(365);
    Ok(ClosuresView {
        programme,
        closures: Paged::from_fetched(rows, request, |c| c.closed_on),
        bank_holidays: bank_holidays::between(actor.today, year_on),
    })
}

/// Checks a closure day on `today`: a real date, today or later, and a reason.
fn check(input: &ClosureInput, today: NaiveDate) -> Result<(NaiveDate, String), FieldErrors> {
    let mut errors = FieldErrors::new();
    let date = match input.closed_on.as_deref().map(str::trim) {
        None | Some("") => {
            errors.add("closed_on", "Enter the date the programme is closed");
            None
        }
        Some(d) => match validate::date(d) {
            Some(date) if date >= today => Some(date),
            Some(_) => {
                errors.add("closed_on", "Date must be today or in the future");
                None
            }
            None => {
                errors.add("closed_on", "Date must be a real date, like 2026-12-24");
                None
            }
        },
    };
    let reason = validate::required_text(
        input.reason.as_deref().unwrap_or_default(),
        "the reason",
        200,
    )
    .map_err(|m| errors.add("reason", m))
    .ok();
    match (date, reason) {
        (Some(d), Some(r)) if errors.is_empty() => Ok((d, r)),
        _ => Err(errors),
    }
}

/// Adds a closure day to a programme (administrators), audited; 409 when the programme
/// is already closed that day. `found`: problems a form found parsing its own fields,
/// listed before the input's.
pub fn add(
    conn: &mut DbConnection,
    actor: &Actor,
    programme_id: i32,
    input: ClosureInput,
    found: FieldErrors,
) -> AppResult<ClosureDay> {
    actor.require(Permission::ManageProgrammes)?;
    let (closed_on, reason) = match check(&input, actor.today) {
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
    write_transaction(conn, |conn| {
        Programme::find_visible(conn, programme_id, actor.scope())?;
        if ClosureDay::exists(conn, programme_id, closed_on)? {
            return Err(AppError::conflict(
                "closed_on",
                format!(
                    "The programme is already closed on {}",
                    closed_on.format("%-d %B %Y")
                ),
            ));
        }
        let closure = ClosureDay::create(
            conn,
            programme_id,
            closed_on,
            &reason,
            actor.user_id,
            actor.now,
        )?;
        audit::record(
            conn,
            actor,
            AuditAction::Create,
            Change {
                entity: "closure_day",
                id: closure.id,
                participant_id: None,
                before: None::<&()>,
                after: Some(&closure),
            },
        )?;
        Ok(closure)
    })
}

/// Removes a closure day (administrators), audited; 404 for one of a programme the
/// actor cannot see. Schedules already generated keep their dates.
pub fn remove(conn: &mut DbConnection, actor: &Actor, closure_id: i32) -> AppResult<ClosureDay> {
    actor.require(Permission::ManageProgrammes)?;
    write_transaction(conn, |conn| {
        let closure = ClosureDay::find(conn, closure_id)?;
        Programme::find_visible(conn, closure.programme_id, actor.scope())?;
        ClosureDay::delete(conn, closure_id)?;
        audit::record(
            conn,
            actor,
            AuditAction::Delete,
            Change {
                entity: "closure_day",
                id: closure.id,
                participant_id: None,
                before: Some(&closure),
                after: None::<&()>,
            },
        )?;
        Ok(closure)
    })
}

/// The moves a schedule generation reported (`pairs`: from and to dates, as the cohort
/// page's notice carries them), each with why its day was closed, for a programme the
/// actor may see. Pairs whose first day is not closed are left out.
pub fn explain_moves(
    conn: &mut DbConnection,
    actor: &Actor,
    programme_id: i32,
    pairs: &[(NaiveDate, NaiveDate)],
) -> AppResult<Vec<Moved>> {
    actor.require(Permission::ViewProgrammes)?;
    Programme::find_visible(conn, programme_id, actor.scope())?;
    let Some(first) = pairs.iter().map(|(from, _)| *from).min() else {
        return Ok(Vec::new());
    };
    let calendar = calendar(conn, programme_id, first)?;
    Ok(pairs
        .iter()
        .filter_map(|&(from, to)| calendar.closed(from).map(|why| Moved { from, to, why }))
        .collect())
}
