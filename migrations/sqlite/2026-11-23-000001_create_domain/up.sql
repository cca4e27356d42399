-- The whole Pathways domain (PRODUCT.md). Twin of migrations/postgres/ with the same
-- folder name: same tables, columns and column types (tests/app/schema_parity.rs).
-- Every timestamp is UTC written by the application; every date is a calendar date.

CREATE TABLE organisations (
    id INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    name TEXT NOT NULL UNIQUE,
    kind TEXT NOT NULL CHECK (kind IN ('council', 'nhs_trust', 'college', 'charity', 'employer', 'other')),
    created_at TIMESTAMP NOT NULL
);

CREATE TABLE users (
    id INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    organisation_id INTEGER NOT NULL REFERENCES organisations (id),
    email TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    role TEXT NOT NULL CHECK (role IN ('coordinator', 'hr', 'manager', 'admin')),
    password_hash TEXT NOT NULL,
    must_change_password BOOLEAN NOT NULL DEFAULT 0,
    disabled_at TIMESTAMP,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);
CREATE INDEX users_organisation_id_idx ON users (organisation_id);

CREATE TABLE api_tokens (
    id INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    user_id INTEGER NOT NULL REFERENCES users (id),
    name TEXT NOT NULL,
    token_hash TEXT NOT NULL UNIQUE,
    created_at TIMESTAMP NOT NULL,
    last_used_at TIMESTAMP,
    revoked_at TIMESTAMP
);
CREATE INDEX api_tokens_user_id_idx ON api_tokens (user_id);

CREATE TABLE login_sessions (
    id_hash TEXT PRIMARY KEY NOT NULL,
    user_id INTEGER NOT NULL REFERENCES users (id),
    csrf_token TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    last_seen_at TIMESTAMP NOT NULL
);
CREATE INDEX login_sessions_user_id_idx ON login_sessions (user_id);
CREATE INDEX login_sessions_last_seen_at_idx ON login_sessions (last_seen_at);

-- Failed sign-ins per account (keyed by the normalised email typed, known or not, so
-- the throttle itself does not reveal which emails exist).
CREATE TABLE login_throttles (
    email TEXT PRIMARY KEY NOT NULL,
    failures INTEGER NOT NULL CHECK (failures >= 0),
    last_failed_at TIMESTAMP NOT NULL,
    blocked_until TIMESTAMP
);

CREATE TABLE programmes (
    id INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    name TEXT NOT NULL UNIQUE,
    description TEXT NOT NULL DEFAULT '',
    completion_threshold INTEGER NOT NULL DEFAULT 80 CHECK (completion_threshold BETWEEN 1 AND 100),
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);

CREATE TABLE programme_partners (
    programme_id INTEGER NOT NULL REFERENCES programmes (id),
    organisation_id INTEGER NOT NULL REFERENCES organisations (id),
    PRIMARY KEY (programme_id, organisation_id)
);
CREATE INDEX programme_partners_organisation_id_idx ON programme_partners (organisation_id);

-- The course template: one row per taught day (week 1..n, ISO weekday 1 = Monday).
CREATE TABLE programme_template_days (
    programme_id INTEGER NOT NULL REFERENCES programmes (id),
    week_number INTEGER NOT NULL CHECK (week_number BETWEEN 1 AND 52),
    weekday INTEGER NOT NULL CHECK (weekday BETWEEN 1 AND 7),
    kind TEXT NOT NULL CHECK (kind IN ('college', 'placement')),
    PRIMARY KEY (programme_id, week_number, weekday)
);

CREATE TABLE information_sessions (
    id INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    programme_id INTEGER NOT NULL REFERENCES programmes (id),
    held_on DATE NOT NULL,
    venue TEXT NOT NULL,
    head_count INTEGER NOT NULL CHECK (head_count >= 0),
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX information_sessions_programme_id_idx ON information_sessions (programme_id, held_on);

CREATE TABLE cohorts (
    id INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    programme_id INTEGER NOT NULL REFERENCES programmes (id),
    name TEXT NOT NULL,
    starts_on DATE NOT NULL,
    weeks INTEGER NOT NULL DEFAULT 6 CHECK (weeks BETWEEN 1 AND 52),
    capacity INTEGER NOT NULL DEFAULT 25 CHECK (capacity BETWEEN 1 AND 1000),
    venue TEXT NOT NULL DEFAULT '',
    status TEXT NOT NULL DEFAULT 'planned' CHECK (status IN ('planned', 'recruiting', 'running', 'finished', 'cancelled')),
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    UNIQUE (programme_id, name)
);
CREATE INDEX cohorts_starts_on_idx ON cohorts (starts_on);
CREATE INDEX cohorts_status_idx ON cohorts (status);

CREATE TABLE course_sessions (
    id INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    cohort_id INTEGER NOT NULL REFERENCES cohorts (id),
    held_on DATE NOT NULL,
    week_number INTEGER NOT NULL CHECK (week_number BETWEEN 1 AND 52),
    kind TEXT NOT NULL CHECK (kind IN ('college', 'placement')),
    topic TEXT NOT NULL DEFAULT '',
    cancelled BOOLEAN NOT NULL DEFAULT 0,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);
CREATE INDEX course_sessions_cohort_id_idx ON course_sessions (cohort_id, held_on);

CREATE TABLE deprivation_lookup (
    postcode TEXT PRIMARY KEY NOT NULL,
    lsoa_code TEXT NOT NULL,
    neighbourhood TEXT NOT NULL,
    imd_decile INTEGER NOT NULL CHECK (imd_decile BETWEEN 1 AND 10),
    edition TEXT NOT NULL
);
CREATE INDEX deprivation_lookup_imd_decile_idx ON deprivation_lookup (imd_decile);

CREATE TABLE participants (
    id INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    owner_organisation_id INTEGER NOT NULL REFERENCES organisations (id),
    given_name TEXT NOT NULL,
    family_name TEXT NOT NULL,
    -- lower-cased copies for case-insensitive search and the duplicate check
    given_name_key TEXT NOT NULL,
    family_name_key TEXT NOT NULL,
    date_of_birth DATE NOT NULL,
    postcode TEXT NOT NULL,
    phone TEXT,
    email TEXT,
    neighbourhood TEXT,
    referral_source TEXT,
    employment_status TEXT CHECK (employment_status IN ('unemployed', 'economically_inactive', 'employed_part_time', 'employed_full_time', 'in_education', 'prefer_not_to_say')),
    months_unemployed INTEGER CHECK (months_unemployed >= 0),
    benefit_status TEXT CHECK (benefit_status IN ('universal_credit', 'jobseekers_allowance', 'employment_support_allowance', 'other_benefit', 'none', 'prefer_not_to_say')),
    consent_given_on DATE,
    lawful_basis TEXT CHECK (lawful_basis IN ('consent', 'public_task', 'legitimate_interests', 'contract', 'legal_obligation')),
    erased_at TIMESTAMP,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);
CREATE INDEX participants_owner_organisation_id_idx ON participants (owner_organisation_id);
CREATE INDEX participants_family_name_key_idx ON participants (family_name_key, given_name_key);
CREATE INDEX participants_postcode_idx ON participants (postcode);
CREATE INDEX participants_identity_idx ON participants (date_of_birth, postcode);

-- Special category data, stored apart and readable only by coordinators and admins.
CREATE TABLE equality_monitoring (
    participant_id INTEGER PRIMARY KEY NOT NULL REFERENCES participants (id),
    ethnic_group TEXT CHECK (ethnic_group IN (
        'asian_indian', 'asian_pakistani', 'asian_bangladeshi', 'asian_chinese', 'asian_other',
        'black_african', 'black_caribbean', 'black_other',
        'mixed_white_black_caribbean', 'mixed_white_black_african', 'mixed_white_asian', 'mixed_other',
        'white_british', 'white_irish', 'white_gypsy_or_irish_traveller', 'white_roma', 'white_other',
        'other_arab', 'other_any', 'prefer_not_to_say')),
    sex TEXT CHECK (sex IN ('female', 'male', 'prefer_not_to_say')),
    disability TEXT CHECK (disability IN ('yes', 'no', 'prefer_not_to_say')),
    consent_given_on DATE,
    recorded_at TIMESTAMP NOT NULL,
    recorded_by_user_id INTEGER REFERENCES users (id)
);
CREATE INDEX equality_monitoring_recorded_by_user_id_idx ON equality_monitoring (recorded_by_user_id);

CREATE TABLE information_session_attendees (
    information_session_id INTEGER NOT NULL REFERENCES information_sessions (id),
    participant_id INTEGER NOT NULL REFERENCES participants (id),
    PRIMARY KEY (information_session_id, participant_id)
);
CREATE INDEX information_session_attendees_participant_id_idx ON information_session_attendees (participant_id);

CREATE TABLE enrolments (
    id INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    participant_id INTEGER NOT NULL REFERENCES participants (id),
    cohort_id INTEGER NOT NULL REFERENCES cohorts (id),
    stage TEXT NOT NULL DEFAULT 'applied' CHECK (stage IN ('applied', 'accepted', 'started', 'completed', 'withdrawn', 'not_started')),
    withdrawal_reason TEXT CHECK (withdrawal_reason IN (
        'found_employment', 'health', 'caring_responsibilities', 'moved_away', 'financial',
        'course_not_suitable', 'lost_contact', 'excluded', 'other')),
    withdrawn_on DATE,
    interviewed_on DATE,
    offered_on DATE,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    UNIQUE (participant_id, cohort_id)
);
CREATE INDEX enrolments_cohort_id_idx ON enrolments (cohort_id, stage);

CREATE TABLE enrolment_stage_changes (
    id INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    enrolment_id INTEGER NOT NULL REFERENCES enrolments (id),
    from_stage TEXT CHECK (from_stage IN ('applied', 'accepted', 'started', 'completed', 'withdrawn', 'not_started')),
    to_stage TEXT NOT NULL CHECK (to_stage IN ('applied', 'accepted', 'started', 'completed', 'withdrawn', 'not_started')),
    changed_on DATE NOT NULL,
    changed_at TIMESTAMP NOT NULL,
    changed_by_user_id INTEGER REFERENCES users (id)
);
CREATE INDEX enrolment_stage_changes_enrolment_id_idx ON enrolment_stage_changes (enrolment_id, changed_on);
CREATE INDEX enrolment_stage_changes_changed_by_user_id_idx ON enrolment_stage_changes (changed_by_user_id);

CREATE TABLE attendance (
    id INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    course_session_id INTEGER NOT NULL REFERENCES course_sessions (id),
    enrolment_id INTEGER NOT NULL REFERENCES enrolments (id),
    status TEXT NOT NULL CHECK (status IN ('present', 'late', 'authorised_absence', 'unauthorised_absence')),
    recorded_at TIMESTAMP NOT NULL,
    recorded_by_user_id INTEGER REFERENCES users (id),
    UNIQUE (course_session_id, enrolment_id)
);
CREATE INDEX attendance_enrolment_id_idx ON attendance (enrolment_id);
CREATE INDEX attendance_recorded_by_user_id_idx ON attendance (recorded_by_user_id);

CREATE TABLE employments (
    id INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    participant_id INTEGER NOT NULL REFERENCES participants (id),
    enrolment_id INTEGER NOT NULL REFERENCES enrolments (id),
    employer_organisation_id INTEGER NOT NULL REFERENCES organisations (id),
    site TEXT NOT NULL,
    job_title TEXT NOT NULL,
    staff_group TEXT NOT NULL CHECK (staff_group IN ('estates_and_facilities', 'admin_and_clerical', 'additional_clinical_services', 'nursing_and_midwifery', 'other')),
    band INTEGER NOT NULL CHECK (band BETWEEN 1 AND 9),
    hours_per_week DOUBLE PRECISION NOT NULL CHECK (hours_per_week > 0 AND hours_per_week <= 48),
    contract TEXT NOT NULL CHECK (contract IN ('permanent', 'fixed_term', 'bank', 'apprenticeship')),
    start_date DATE NOT NULL,
    end_date DATE,
    end_reason TEXT CHECK (end_reason IN ('resigned', 'dismissed', 'end_of_contract', 'moved_employer', 'other')),
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    CHECK (end_date IS NULL OR end_date >= start_date)
);
CREATE INDEX employments_participant_id_idx ON employments (participant_id);
CREATE INDEX employments_enrolment_id_idx ON employments (enrolment_id);
CREATE INDEX employments_employer_organisation_id_idx ON employments (employer_organisation_id, start_date);

CREATE TABLE checkpoints (
    id INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    employment_id INTEGER NOT NULL REFERENCES employments (id),
    weeks INTEGER NOT NULL CHECK (weeks IN (13, 26, 52)),
    due_on DATE NOT NULL,
    status TEXT CHECK (status IN ('in_post', 'left', 'unable_to_contact')),
    verified_on DATE,
    verified_by_user_id INTEGER REFERENCES users (id),
    recorded_at TIMESTAMP,
    UNIQUE (employment_id, weeks)
);
CREATE INDEX checkpoints_due_on_idx ON checkpoints (due_on, status);
CREATE INDEX checkpoints_verified_by_user_id_idx ON checkpoints (verified_by_user_id);

CREATE TABLE progressions (
    id INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    employment_id INTEGER NOT NULL REFERENCES employments (id),
    effective_on DATE NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN ('band_increase', 'role_change', 'staff_group_change', 'apprenticeship_start', 'qualification')),
    job_title TEXT,
    band INTEGER CHECK (band BETWEEN 1 AND 9),
    staff_group TEXT CHECK (staff_group IN ('estates_and_facilities', 'admin_and_clerical', 'additional_clinical_services', 'nursing_and_midwifery', 'other')),
    notes TEXT NOT NULL DEFAULT '',
    created_at TIMESTAMP NOT NULL,
    created_by_user_id INTEGER REFERENCES users (id)
);
CREATE INDEX progressions_employment_id_idx ON progressions (employment_id, effective_on);
CREATE INDEX progressions_created_by_user_id_idx ON progressions (created_by_user_id);

-- Append-only record of every write (and of reads of personal data), written in the same
-- transaction as the change it describes.
CREATE TABLE audit_events (
    id INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    occurred_at TIMESTAMP NOT NULL,
    actor_user_id INTEGER REFERENCES users (id),
    action TEXT NOT NULL CHECK (action IN ('create', 'update', 'delete', 'read', 'search', 'export', 'sign_in', 'sign_out', 'erase')),
    entity TEXT NOT NULL,
    entity_id TEXT NOT NULL,
    participant_id INTEGER REFERENCES participants (id),
    before_json TEXT,
    after_json TEXT
);
CREATE INDEX audit_events_entity_idx ON audit_events (entity, entity_id);
CREATE INDEX audit_events_participant_id_idx ON audit_events (participant_id);
CREATE INDEX audit_events_actor_user_id_idx ON audit_events (actor_user_id);
CREATE INDEX audit_events_occurred_at_idx ON audit_events (occurred_at);

CREATE TRIGGER audit_events_no_update BEFORE UPDATE ON audit_events
BEGIN
    SELECT RAISE(ABORT, 'audit_events is append-only');
END;
CREATE TRIGGER audit_events_no_delete BEFORE DELETE ON audit_events
BEGIN
    SELECT RAISE(ABORT, 'audit_events is append-only');
END;
