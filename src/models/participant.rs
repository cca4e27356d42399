//! Participants: residents on the programme. Names are kept exactly as typed, in any
//! script; lower-cased copies serve search and the duplicate check.

use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;
use serde::Serialize;

use crate::db::DbConnection;
use crate::schema::{cohorts, deprivation_lookup, enrolments, participants, programme_partners};
use crate::validate::fold;

/// A participant row.
#[derive(Debug, Clone, Queryable, Selectable, Serialize, utoipa::ToSchema)]
#[diesel(table_name = participants)]
pub struct Participant {
    /// Identifier.
    pub id: i32,
    /// The organisation that recorded the person.
    pub owner_organisation_id: i32,
    /// Given name as typed.
    pub given_name: String,
    /// Family name as typed.
    pub family_name: String,
    /// Lower-cased given name.
    #[serde(skip)]
    pub given_name_key: String,
    /// Lower-cased family name.
    #[serde(skip)]
    pub family_name_key: String,
    /// Date of birth.
    pub date_of_birth: NaiveDate,
    /// Postcode, normalised (`LS9 7TF`).
    pub postcode: String,
    /// Phone, as typed.
    pub phone: Option<String>,
    /// Email, lower-cased.
    pub email: Option<String>,
    /// Neighbourhood from the deprivation lookup, when the postcode is in it.
    pub neighbourhood: Option<String>,
    /// How the person heard of the programme.
    pub referral_source: Option<String>,
    /// Employment status at enrolment.
    pub employment_status: Option<String>,
    /// Months out of work at enrolment.
    pub months_unemployed: Option<i32>,
    /// Benefit status at enrolment.
    pub benefit_status: Option<String>,
    /// When the person consented to their data being held.
    pub consent_given_on: Option<NaiveDate>,
    /// The lawful basis for holding it.
    pub lawful_basis: Option<String>,
    /// When the record was anonymised, if it was.
    #[serde(skip)]
    pub erased_at: Option<NaiveDateTime>,
    /// Creation time.
    #[serde(skip)]
    pub created_at: NaiveDateTime,
    /// Last change.
    #[serde(skip)]
    pub updated_at: NaiveDateTime,
    /// Folded names in both orders, for search (`validate::fold::name_key`).
    #[serde(skip)]
    pub search_name: String,
    /// Postcode without spaces, for search (`LS96AA`).
    #[serde(skip)]
    pub postcode_key: String,
}

/// What makes two records the same person: names (case-insensitive), date of birth and
/// postcode, as in the single-resident duplicate check and the import.
pub type Identity = (String, String, NaiveDate, String);

/// Every writable column of a participant, checked.
#[derive(Debug, Clone, Insertable, AsChangeset, Serialize)]
#[diesel(table_name = participants)]
#[diesel(treat_none_as_null = true)]
pub struct ParticipantRecord {
    /// Given name.
    pub given_name: String,
    /// Family name.
    pub family_name: String,
    /// Lower-cased given name.
    #[serde(skip)]
    pub given_name_key: String,
    /// Lower-cased family name.
    #[serde(skip)]
    pub family_name_key: String,
    /// Date of birth.
    pub date_of_birth: NaiveDate,
    /// Normalised postcode.
    pub postcode: String,
    /// Phone.
    pub phone: Option<String>,
    /// Email.
    pub email: Option<String>,
    /// Neighbourhood (from the lookup).
    pub neighbourhood: Option<String>,
    /// Referral source.
    pub referral_source: Option<String>,
    /// Employment status.
    pub employment_status: Option<String>,
    /// Months unemployed.
    pub months_unemployed: Option<i32>,
    /// Benefit status.
    pub benefit_status: Option<String>,
    /// Consent date.
    pub consent_given_on: Option<NaiveDate>,
    /// Lawful basis.
    pub lawful_basis: Option<String>,
    /// Folded names in both orders, for search.
    #[serde(skip)]
    pub search_name: String,
    /// Postcode without spaces, for search.
    #[serde(skip)]
    pub postcode_key: String,
}

impl ParticipantRecord {
    /// Fills the search keys from the names and postcode (every writer calls this).
    pub fn with_search_keys(mut self) -> Self {
        self.search_name = fold::name_key(&self.given_name, &self.family_name);
        self.postcode_key = fold::postcode_key(&self.postcode);
        self
    }

    /// The person this record describes, for finding them twice.
    pub fn identity(&self) -> Identity {
        (
            self.given_name_key.clone(),
            self.family_name_key.clone(),
            self.date_of_birth,
            self.postcode.clone(),
        )
    }
}

impl Participant {
    /// Full name as typed.
    pub fn full_name(&self) -> String {
        format!("{} {}", self.given_name, self.family_name)
    }

    /// One participant by id.
    pub fn find(conn: &mut DbConnection, id: i32) -> QueryResult<Participant> {
        participants::table
            .find(id)
            .select(Participant::as_select())
            .first(conn)
    }

    /// The participant if the caller may see them: recorded by their organisation, or
    /// enrolled in a cohort of a programme their organisation partners in. Otherwise
    /// `NotFound`. `scope` is `None` for admins.
    pub fn find_visible(
        conn: &mut DbConnection,
        id: i32,
        scope: Option<i32>,
    ) -> QueryResult<Participant> {
        let mut query = participants::table
            .filter(participants::id.eq(id))
            .select(Participant::as_select())
            .into_boxed();
        if let Some(org) = scope {
            query = query.filter(visible_to(org));
        }
        query.first(conn)
    }

    /// Search by name or postcode among people the caller may see, by id after `after`,
    /// at most `limit`. Names match on their folded keys (case, accents, apostrophes,
    /// hyphens and spaces folded away, so "o brien" finds O'Brien-Nowak and "zoe" Zoë)
    /// anywhere in either name order; postcodes from their start, however spaced or cased.
    pub fn search(
        conn: &mut DbConnection,
        scope: Option<i32>,
        q: &str,
        after: i32,
        limit: i64,
    ) -> QueryResult<Vec<Participant>> {
        let mut query = participants::table
            .filter(participants::erased_at.is_null())
            .filter(participants::id.gt(after))
            .select(Participant::as_select())
            .into_boxed();
        if let Some(org) = scope {
            query = query.filter(visible_to(org));
        }
        let (name, postcode) = (fold::fold(q), fold::postcode_key(q));
        match (name.is_empty(), postcode.is_empty()) {
            (true, true) if !q.trim().is_empty() => return Ok(Vec::new()),
            (true, true) => {}
            (false, true) => query = query.filter(name_matches(&name)),
            (true, false) => query = query.filter(postcode_matches(&postcode)),
            (false, false) => {
                query = query.filter(name_matches(&name).or(postcode_matches(&postcode)))
            }
        }
        query.order(participants::id).limit(limit).load(conn)
    }

    /// Reads the resident and, on PostgreSQL, locks their row until the transaction ends,
    /// so a change of details, an enrolment and an erasure of the same person take turns
    /// (an edit can never write details back after an erasure). SQLite's write
    /// transactions already run one at a time.
    pub fn lock(conn: &mut DbConnection, id: i32) -> QueryResult<Participant> {
        match conn {
            DbConnection::Postgresql(pg) => participants::table
                .find(id)
                .for_no_key_update()
                .select(Participant::as_select())
                .first(pg),
            DbConnection::Sqlite(_) => Self::find(conn, id),
        }
    }

    /// Locks these residents' rows on PostgreSQL (one query, in id order, as every writer
    /// orders them) and says whether any of them has been erased meanwhile: a writer that
    /// found them before taking the lock must then look again. SQLite's write transactions
    /// already run one at a time, so nothing can have changed there.
    pub fn lock_all_still_present(conn: &mut DbConnection, ids: &[i32]) -> QueryResult<bool> {
        let DbConnection::Postgresql(pg) = conn else {
            return Ok(true);
        };
        if ids.is_empty() {
            return Ok(true);
        }
        let erased: Vec<Option<NaiveDateTime>> = participants::table
            .filter(participants::id.eq_any(ids))
            .order(participants::id)
            .for_no_key_update()
            .select(participants::erased_at)
            .load(pg)?;
        Ok(erased.iter().all(Option::is_none))
    }

    /// The person with exactly these names (case-insensitive), date of birth and postcode,
    /// among those the caller may see (`scope`; `None` for admins). Records the caller
    /// cannot see are never matched, so the answer reveals nothing about other
    /// organisations' residents.
    pub fn find_same_person(
        conn: &mut DbConnection,
        record: &ParticipantRecord,
        except: Option<i32>,
        scope: Option<i32>,
    ) -> QueryResult<Option<Participant>> {
        let mut query = participants::table
            .filter(participants::given_name_key.eq(&record.given_name_key))
            .filter(participants::family_name_key.eq(&record.family_name_key))
            .filter(participants::date_of_birth.eq(record.date_of_birth))
            .filter(participants::postcode.eq(&record.postcode))
            .filter(participants::erased_at.is_null())
            .select(Participant::as_select())
            .into_boxed();
        if let Some(org) = scope {
            query = query.filter(visible_to(org));
        }
        let found: Vec<Participant> = query.load(conn)?;
        Ok(found.into_iter().find(|p| Some(p.id) != except))
    }

    /// On PostgreSQL, takes and holds until the transaction ends an advisory lock for each
    /// identity (names, date of birth and postcode, as the duplicate check compares them).
    /// Writers adding or changing the same person therefore take turns, and the second
    /// one's duplicate check sees the first one's row. The lock only orders writers, so
    /// it reveals nothing about who is on file or whose they are (a unique index would
    /// refuse a person another organisation holds).
    pub fn lock_identities<'a>(
        conn: &mut DbConnection,
        records: impl IntoIterator<Item = &'a ParticipantRecord>,
    ) -> QueryResult<()> {
        let keys = records.into_iter().map(|r| {
            format!(
                "participant\u{1f}{}\u{1f}{}\u{1f}{}\u{1f}{}",
                r.given_name_key, r.family_name_key, r.date_of_birth, r.postcode
            )
        });
        super::locks::lock_keys(conn, keys)
    }

    /// Residents (not erased) the caller may see with one of these dates of birth, by id:
    /// the candidates for many duplicate checks at once (an import), matched on names and
    /// postcode by the caller. Asks in chunks to stay under the databases' bind limits.
    pub fn born_on_any(
        conn: &mut DbConnection,
        dates: &[NaiveDate],
        scope: Option<i32>,
    ) -> QueryResult<Vec<Participant>> {
        let mut found = Vec::new();
        for chunk in dates.chunks(1000) {
            let mut query = participants::table
                .filter(participants::date_of_birth.eq_any(chunk.to_vec()))
                .filter(participants::erased_at.is_null())
                .select(Participant::as_select())
                .into_boxed();
            if let Some(org) = scope {
                query = query.filter(visible_to(org));
            }
            found.extend(query.load(conn)?);
        }
        found.sort_by_key(|p| p.id);
        Ok(found)
    }

    /// The neighbourhood of a postcode, from the deprivation lookup.
    pub fn neighbourhood_of(
        conn: &mut DbConnection,
        postcode: &str,
    ) -> QueryResult<Option<String>> {
        deprivation_lookup::table
            .find(postcode)
            .select(deprivation_lookup::neighbourhood)
            .first(conn)
            .optional()
    }

    /// Inserts a participant.
    pub fn create(
        conn: &mut DbConnection,
        owner: i32,
        record: &ParticipantRecord,
        now: NaiveDateTime,
    ) -> QueryResult<Participant> {
        diesel::insert_into(participants::table)
            .values((
                record,
                participants::owner_organisation_id.eq(owner),
                participants::created_at.eq(now),
                participants::updated_at.eq(now),
            ))
            .returning(participants::all_columns)
            .get_result(conn)
    }

    /// Replaces the writable columns.
    pub fn update(
        conn: &mut DbConnection,
        id: i32,
        record: &ParticipantRecord,
        now: NaiveDateTime,
    ) -> QueryResult<Participant> {
        diesel::update(participants::table.find(id))
            .set((record, participants::updated_at.eq(now)))
            .returning(participants::all_columns)
            .get_result(conn)
    }
}

/// `participants` rows a user of organisation `org` may see: recorded by it, or enrolled
/// in a cohort of a programme it partners in. The second half is a correlated `EXISTS`
/// (through the resident's own enrolments: the unique (participant_id, cohort_id) index,
/// then the cohort's and the partnership's primary keys), so it costs a few index reads
/// for each row looked at. It used to be `id IN (every resident enrolled in any of the
/// organisation's programmes)`, which both databases built in full for every query: at
/// national size a list of 240,000 ids before the first row, where an administrator's
/// search read fifty rows.
#[diesel::dsl::auto_type]
fn visible_to(org: i32) -> _ {
    let partnered = enrolments::table
        .inner_join(
            cohorts::table.inner_join(
                programme_partners::table
                    .on(programme_partners::programme_id.eq(cohorts::programme_id)),
            ),
        )
        .filter(enrolments::participant_id.eq(participants::id))
        .filter(programme_partners::organisation_id.eq(org))
        .select(enrolments::id);
    participants::owner_organisation_id
        .eq(org)
        .or(diesel::dsl::exists(partnered))
}

/// Folded names holding `folded` (a folded query: letters and digits only, so nothing in
/// it is special to LIKE).
#[diesel::dsl::auto_type]
fn name_matches(folded: &str) -> _ {
    let pattern: String = format!("%{folded}%");
    participants::search_name.like(pattern)
}

/// Postcode keys starting with `compact` (letters and digits only).
#[diesel::dsl::auto_type]
fn postcode_matches(compact: &str) -> _ {
    let pattern: String = format!("{compact}%");
    participants::postcode_key.like(pattern)
}
