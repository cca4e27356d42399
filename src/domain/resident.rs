//! The fixed lists a resident's record is checked against: their employment and benefit
//! status and the lawful basis for holding their data (codes as stored, and labels).
//! The record keeps them as text; forms, checks and the OpenAPI document read `OPTIONS`.

use super::code_list::code_list;

code_list! {
    /// Employment status at enrolment.
    EmploymentStatus {
        /// Unemployed and looking for work.
        Unemployed = "unemployed", "Unemployed and looking for work";
        /// Not working and not looking.
        EconomicallyInactive = "economically_inactive", "Not working and not looking";
        /// Working part time.
        EmployedPartTime = "employed_part_time", "Working part time";
        /// Working full time.
        EmployedFullTime = "employed_full_time", "Working full time";
        /// In education.
        InEducation = "in_education", "In education";
        /// Prefer not to say.
        PreferNotToSay = "prefer_not_to_say", "Prefer not to say";
    }
}

code_list! {
    /// Benefit status at enrolment.
    BenefitStatus {
        /// Universal Credit.
        UniversalCredit = "universal_credit", "Universal Credit";
        /// Jobseeker's Allowance.
        JobseekersAllowance = "jobseekers_allowance", "Jobseeker's Allowance";
        /// Employment and Support Allowance.
        EmploymentSupportAllowance = "employment_support_allowance", "Employment and Support Allowance";
        /// Another benefit.
        OtherBenefit = "other_benefit", "Another benefit";
        /// No benefits.
        None = "none", "No benefits";
        /// Prefer not to say.
        PreferNotToSay = "prefer_not_to_say", "Prefer not to say";
    }
}

code_list! {
    /// A lawful basis under UK GDPR Article 6, labelled as the ICO names it with its
    /// paragraph, so a data protection officer can check it at a glance.
    LawfulBasis {
        /// Consent.
        Consent = "consent", "Consent (Article 6(1)(a))";
        /// Public task.
        PublicTask = "public_task", "Public task (Article 6(1)(e))";
        /// Legitimate interests.
        LegitimateInterests = "legitimate_interests", "Legitimate interests (Article 6(1)(f))";
        /// Contract.
        Contract = "contract", "Contract (Article 6(1)(b))";
        /// Legal obligation.
        LegalObligation = "legal_obligation", "Legal obligation (Article 6(1)(c))";
    }
}
