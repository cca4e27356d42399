//! What a picker offers in place of a select of everything: the relevant few (the
//! resident's programmes, recent or soonest first), or what a search for the rest found,
//! never more than [`CHOICES`]. Only rows the actor may see are offered; the action that
//! writes checks the chosen id again, so a picker is a convenience, never the rule.

use crate::db::DbConnection;
use crate::domain::{Actor, Permission};
use crate::error::AppResult;
use crate::models::choice::{self, ChoiceFilter};
use crate::models::information_session::InformationSession;
use crate::models::{Cohort, Programme, access};

/// The most rows a picker offers at once.
pub const CHOICES: i64 = 15;

/// The rows a picker offers.
#[derive(Debug, Clone)]
pub struct Choices<T> {
    /// The rows, in the order to offer them.
    pub items: Vec<T>,
    /// Whether more rows matched than are offered (a search would narrow them).
    pub more: bool,
}

impl<T> Choices<T> {
    /// Nothing to offer.
    pub fn none() -> Self {
        Choices {
            items: Vec::new(),
            more: false,
        }
    }

    /// The first [`CHOICES`] of `rows`, read with one more to know whether there are more.
    fn of(mut rows: Vec<T>) -> Self {
        let more = rows.len() as i64 > CHOICES;
        rows.truncate(CHOICES as usize);
        Choices { items: rows, more }
    }
}

/// The searches typed in a resident page's pickers.
#[derive(Debug, Clone, Default)]
pub struct ResidentSearch {
    /// In the cohort picker (cohort or programme name).
    pub cohort: String,
    /// In the information session picker (venue or programme name).
    pub session: String,
}

/// The choices of a resident page's enrol and information session forms.
#[derive(Debug, Clone)]
pub struct ResidentChoices {
    /// Open cohorts, with their programme's name, the resident is not in.
    pub cohorts: Choices<(Cohort, String)>,
    /// Information sessions, with their programme's name, the resident is not noted at.
    pub sessions: Choices<(InformationSession, String)>,
}

/// The choices for resident `id`'s forms (nothing for roles that do not enrol; 404 when
/// the actor may not see the resident). Without a search: open cohorts and sessions of
/// the resident's programmes (those they are enrolled in and those their organisation
/// partners in) that the actor partners in, or, when these offer nothing, any the actor
/// may see. With a search: any the actor may see that match.
pub fn for_resident(
    conn: &mut DbConnection,
    actor: &Actor,
    id: i32,
    search: &ResidentSearch,
) -> AppResult<ResidentChoices> {
    let participant = access::participant(conn, id, actor.scope())?;
    if !actor.can(Permission::ManageEnrolments) {
        return Ok(ResidentChoices {
            cohorts: Choices::none(),
            sessions: Choices::none(),
        });
    }
    let relevant = choice::resident_programmes(conn, id, participant.owner_organisation_id)?;
    let enrolled = choice::resident_cohorts(conn, id)?;
    let attended: Vec<i32> = InformationSession::attended_by(conn, id)?
        .iter()
        .map(|s| s.id)
        .collect();
    let cohorts = first_found(&search.cohort, &relevant, |programmes, search| {
        let filter = ChoiceFilter {
            scope: actor.scope(),
            programmes,
            search,
            exclude: &enrolled,
            limit: CHOICES + 1,
        };
        choice::open_cohorts(conn, &filter, actor.today)
    })?;
    let sessions = first_found(&search.session, &relevant, |programmes, search| {
        let filter = ChoiceFilter {
            scope: actor.scope(),
            programmes,
            search,
            exclude: &attended,
            limit: CHOICES + 1,
        };
        choice::information_sessions(conn, &filter)
    })?;
    Ok(ResidentChoices {
        cohorts: Choices::of(cohorts),
        sessions: Choices::of(sessions),
    })
}

/// Without a search, the rows of the `relevant` programmes, or of any when they have
/// none; with one, the matching rows of any programme.
fn first_found<T>(
    search: &str,
    relevant: &[i32],
    mut find: impl FnMut(Option<&[i32]>, &str) -> diesel::QueryResult<Vec<T>>,
) -> AppResult<Vec<T>> {
    let search = search.trim();
    if !search.is_empty() {
        return Ok(find(None, search)?);
    }
    let found = find(Some(relevant), "")?;
    if !found.is_empty() {
        return Ok(found);
    }
    Ok(find(None, "")?)
}

/// The programmes a programme picker offers `actor` (those their organisation partners
/// in; all for admins), newest first or matching `search`; the `selected` one is always
/// among them when the actor may see it, so a form shown again keeps its choice.
pub fn programmes(
    conn: &mut DbConnection,
    actor: &Actor,
    search: &str,
    selected: Option<i32>,
) -> AppResult<Choices<Programme>> {
    actor.require(Permission::ViewProgrammes)?;
    let filter = ChoiceFilter {
        scope: actor.scope(),
        programmes: None,
        search,
        exclude: &[],
        limit: CHOICES + 1,
    };
    let mut choices = Choices::of(choice::programmes(conn, &filter)?);
    if let Some(id) = selected
        && !choices.items.iter().any(|p| p.id == id)
        && let Ok(programme) = Programme::find_visible(conn, id, actor.scope())
    {
        choices.items.insert(0, programme);
    }
    Ok(choices)
}
