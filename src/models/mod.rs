//! One file per entity: the row struct, its insert/update forms and its queries. SQL
//! lives here and in `reports/`, nowhere else.

pub mod access;
pub mod api_token;
pub mod app_secret;
pub mod attendance;
pub mod audit;
pub mod bulk;
pub mod checkpoint;
pub mod checkpoint_queue;
pub mod choice;
pub mod closure;
pub mod cohort;
pub mod cohort_list;
pub mod course_session;
pub mod deprivation;
pub mod employment;
pub mod employment_view;
pub mod enrolment;
pub mod equality;
pub mod erasure;
pub mod information_session;
pub mod line_counter;
pub mod locks;
pub mod login_session;
pub mod login_throttle;
pub mod organisation;
pub mod page;
pub mod participant;
pub mod participant_import;
pub mod participant_import_run;
pub mod participant_input;
pub mod programme;
pub mod programme_list;
pub mod progression;
pub mod register;
pub mod register_list;
pub mod retention;
pub mod subject_access;
pub mod trail;
pub mod user;
pub mod user_list;
pub mod utc;

pub use api_token::ApiToken;
pub use audit::{AuditAction, AuditEvent, NewAuditEvent};
pub use checkpoint::Checkpoint;
pub use cohort::{Cohort, CohortChanges, NewCohort};
pub use course_session::{CourseSession, SessionChanges, SessionView};
pub use employment::Employment;
pub use enrolment::{Enrolment, EnrolmentChanges, RosterEntry, StageChange};
pub use equality::EqualityAnswers;
pub use login_session::LoginSession;
pub use login_throttle::LoginThrottle;
pub use organisation::{NewOrganisation, Organisation, OrganisationKind};
pub use participant::{Participant, ParticipantRecord};
pub use programme::{
    NewProgramme, PartnerRef, Programme, ProgrammeChanges, ProgrammeDetails, TemplateDay,
};
pub use progression::Progression;
pub use user::{NewUser, User};

/// The largest page a list endpoint returns.
pub const MAX_PAGE_SIZE: i64 = 500;
