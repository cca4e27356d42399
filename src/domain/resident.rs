//! The fixed lists a resident's record is checked against: their employment and benefit
//! status and the lawful basis for holding their data (codes as stored, and labels).

/// Employment status codes and labels.
pub const EMPLOYMENT_STATUSES: [(&str, &str); 6] = [
    ("unemployed", "Unemployed and looking for work"),
    ("economically_inactive", "Not working and not looking"),
    ("employed_part_time", "Working part time"),
    ("employed_full_time", "Working full time"),
    ("in_education", "In education"),
    ("prefer_not_to_say", "Prefer not to say"),
];

/// Benefit status codes and labels.
pub const BENEFIT_STATUSES: [(&str, &str); 6] = [
    ("universal_credit", "Universal Credit"),
    ("jobseekers_allowance", "Jobseeker's Allowance"),
    (
        "employment_support_allowance",
        "Employment and Support Allowance",
    ),
    ("other_benefit", "Another benefit"),
    ("none", "No benefits"),
    ("prefer_not_to_say", "Prefer not to say"),
];

/// Lawful bases under UK GDPR Article 6.
pub const LAWFUL_BASES: [(&str, &str); 5] = [
    ("consent", "Consent"),
    ("public_task", "Public task"),
    ("legitimate_interests", "Legitimate interests"),
    ("contract", "Contract"),
    ("legal_obligation", "Legal obligation"),
];
