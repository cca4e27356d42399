//! The database schema shared by SQLite and PostgreSQL: common SQL types only, so one set
//! of models serves both backends. Kept by hand in step with both `migrations/` trees;
//! `tests/app/schema_parity.rs` proves the trees agree with each other.

diesel::table! {
    organisations (id) {
        id -> Integer,
        name -> Text,
        kind -> Text,
        created_at -> Timestamp,
    }
}

diesel::table! {
    users (id) {
        id -> Integer,
        organisation_id -> Integer,
        email -> Text,
        name -> Text,
        role -> Text,
        password_hash -> Text,
        must_change_password -> Bool,
        disabled_at -> Nullable<Timestamp>,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    api_tokens (id) {
        id -> Integer,
        user_id -> Integer,
        name -> Text,
        token_hash -> Text,
        created_at -> Timestamp,
        last_used_at -> Nullable<Timestamp>,
        revoked_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    login_sessions (id_hash) {
        id_hash -> Text,
        user_id -> Integer,
        csrf_token -> Text,
        created_at -> Timestamp,
        last_seen_at -> Timestamp,
    }
}

diesel::table! {
    login_throttles (kind, key_hash) {
        kind -> Text,
        key_hash -> Text,
        failures -> Integer,
        last_failed_at -> Timestamp,
        blocked_until -> Nullable<Timestamp>,
    }
}

diesel::table! {
    app_secrets (name) {
        name -> Text,
        value -> Text,
    }
}

diesel::table! {
    programmes (id) {
        id -> Integer,
        name -> Text,
        description -> Text,
        completion_threshold -> Integer,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    programme_partners (programme_id, organisation_id) {
        programme_id -> Integer,
        organisation_id -> Integer,
    }
}

diesel::table! {
    programme_template_days (programme_id, week_number, weekday) {
        programme_id -> Integer,
        week_number -> Integer,
        weekday -> Integer,
        kind -> Text,
    }
}

diesel::table! {
    information_sessions (id) {
        id -> Integer,
        programme_id -> Integer,
        held_on -> Date,
        venue -> Text,
        head_count -> Integer,
        created_at -> Timestamp,
    }
}

diesel::table! {
    closure_days (id) {
        id -> Integer,
        programme_id -> Integer,
        closed_on -> Date,
        reason -> Text,
        created_at -> Timestamp,
        created_by_user_id -> Nullable<Integer>,
    }
}

diesel::table! {
    cohorts (id) {
        id -> Integer,
        programme_id -> Integer,
        name -> Text,
        starts_on -> Date,
        weeks -> Integer,
        capacity -> Integer,
        venue -> Text,
        status -> Text,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    course_sessions (id) {
        id -> Integer,
        cohort_id -> Integer,
        held_on -> Date,
        week_number -> Integer,
        kind -> Text,
        topic -> Text,
        cancelled -> Bool,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        register_taken_at -> Nullable<Timestamp>,
        register_taken_by_user_id -> Nullable<Integer>,
        register_updated_at -> Nullable<Timestamp>,
        register_updated_by_user_id -> Nullable<Integer>,
        register_version -> Integer,
    }
}

diesel::table! {
    deprivation_lookup (postcode) {
        postcode -> Text,
        lsoa_code -> Text,
        neighbourhood -> Text,
        imd_decile -> Integer,
        edition -> Text,
    }
}

diesel::table! {
    participants (id) {
        id -> Integer,
        owner_organisation_id -> Integer,
        given_name -> Text,
        family_name -> Text,
        given_name_key -> Text,
        family_name_key -> Text,
        date_of_birth -> Date,
        postcode -> Text,
        phone -> Nullable<Text>,
        email -> Nullable<Text>,
        neighbourhood -> Nullable<Text>,
        referral_source -> Nullable<Text>,
        employment_status -> Nullable<Text>,
        months_unemployed -> Nullable<Integer>,
        benefit_status -> Nullable<Text>,
        consent_given_on -> Nullable<Date>,
        lawful_basis -> Nullable<Text>,
        erased_at -> Nullable<Timestamp>,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        search_name -> Text,
        postcode_key -> Text,
    }
}

diesel::table! {
    equality_monitoring (participant_id) {
        participant_id -> Integer,
        ethnic_group -> Nullable<Text>,
        sex -> Nullable<Text>,
        disability -> Nullable<Text>,
        consent_given_on -> Nullable<Date>,
        recorded_at -> Timestamp,
        recorded_by_user_id -> Nullable<Integer>,
    }
}

diesel::table! {
    information_session_attendees (information_session_id, participant_id) {
        information_session_id -> Integer,
        participant_id -> Integer,
    }
}

diesel::table! {
    enrolments (id) {
        id -> Integer,
        participant_id -> Integer,
        cohort_id -> Integer,
        stage -> Text,
        withdrawal_reason -> Nullable<Text>,
        withdrawn_on -> Nullable<Date>,
        interviewed_on -> Nullable<Date>,
        offered_on -> Nullable<Date>,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    enrolment_stage_changes (id) {
        id -> Integer,
        enrolment_id -> Integer,
        from_stage -> Nullable<Text>,
        to_stage -> Text,
        changed_on -> Date,
        changed_at -> Timestamp,
        changed_by_user_id -> Nullable<Integer>,
    }
}

diesel::table! {
    attendance (id) {
        id -> Integer,
        course_session_id -> Integer,
        enrolment_id -> Integer,
        status -> Text,
        recorded_at -> Timestamp,
        recorded_by_user_id -> Nullable<Integer>,
    }
}

diesel::table! {
    employments (id) {
        id -> Integer,
        participant_id -> Integer,
        enrolment_id -> Integer,
        employer_organisation_id -> Integer,
        site -> Text,
        job_title -> Text,
        staff_group -> Text,
        band -> Integer,
        hours_per_week -> Double,
        contract -> Text,
        start_date -> Date,
        end_date -> Nullable<Date>,
        end_reason -> Nullable<Text>,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    checkpoints (id) {
        id -> Integer,
        employment_id -> Integer,
        weeks -> Integer,
        due_on -> Date,
        status -> Nullable<Text>,
        verified_on -> Nullable<Date>,
        verified_by_user_id -> Nullable<Integer>,
        recorded_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    progressions (id) {
        id -> Integer,
        employment_id -> Integer,
        effective_on -> Date,
        kind -> Text,
        job_title -> Nullable<Text>,
        band -> Nullable<Integer>,
        staff_group -> Nullable<Text>,
        notes -> Text,
        created_at -> Timestamp,
        created_by_user_id -> Nullable<Integer>,
    }
}

diesel::table! {
    audit_events (id) {
        id -> Integer,
        occurred_at -> Timestamp,
        actor_user_id -> Nullable<Integer>,
        action -> Text,
        entity -> Text,
        entity_id -> Text,
        participant_id -> Nullable<Integer>,
        before_json -> Nullable<Text>,
        after_json -> Nullable<Text>,
    }
}

diesel::joinable!(users -> organisations (organisation_id));
diesel::joinable!(api_tokens -> users (user_id));
diesel::joinable!(login_sessions -> users (user_id));
diesel::joinable!(programme_partners -> programmes (programme_id));
diesel::joinable!(programme_partners -> organisations (organisation_id));
diesel::joinable!(programme_template_days -> programmes (programme_id));
diesel::joinable!(information_sessions -> programmes (programme_id));
diesel::joinable!(closure_days -> programmes (programme_id));
diesel::joinable!(closure_days -> users (created_by_user_id));
diesel::joinable!(cohorts -> programmes (programme_id));
diesel::joinable!(course_sessions -> cohorts (cohort_id));
diesel::joinable!(participants -> organisations (owner_organisation_id));
diesel::joinable!(equality_monitoring -> participants (participant_id));
diesel::joinable!(equality_monitoring -> users (recorded_by_user_id));
diesel::joinable!(information_session_attendees -> information_sessions (information_session_id));
diesel::joinable!(information_session_attendees -> participants (participant_id));
diesel::joinable!(enrolments -> participants (participant_id));
diesel::joinable!(enrolments -> cohorts (cohort_id));
diesel::joinable!(enrolment_stage_changes -> enrolments (enrolment_id));
diesel::joinable!(enrolment_stage_changes -> users (changed_by_user_id));
diesel::joinable!(attendance -> course_sessions (course_session_id));
diesel::joinable!(attendance -> enrolments (enrolment_id));
diesel::joinable!(attendance -> users (recorded_by_user_id));
diesel::joinable!(employments -> participants (participant_id));
diesel::joinable!(employments -> enrolments (enrolment_id));
diesel::joinable!(employments -> organisations (employer_organisation_id));
diesel::joinable!(checkpoints -> employments (employment_id));
diesel::joinable!(checkpoints -> users (verified_by_user_id));
diesel::joinable!(progressions -> employments (employment_id));
diesel::joinable!(progressions -> users (created_by_user_id));
diesel::joinable!(audit_events -> users (actor_user_id));
diesel::joinable!(audit_events -> participants (participant_id));

diesel::allow_tables_to_appear_in_same_query!(
    organisations,
    users,
    api_tokens,
    login_sessions,
    login_throttles,
    programmes,
    programme_partners,
    programme_template_days,
    information_sessions,
    closure_days,
    cohorts,
    course_sessions,
    deprivation_lookup,
    participants,
    equality_monitoring,
    information_session_attendees,
    enrolments,
    enrolment_stage_changes,
    attendance,
    employments,
    checkpoints,
    progressions,
    audit_events,
);
