//! Read models: the cohort and programme reports, as at a date, computed with grouped,
//! portable SQL plus Rust (never a query per person), and their CSV, JSON, text and chart
//! forms. Every figure follows PRODUCT.md's definitions, printed beside it.

pub mod chart;
pub mod codes;
pub mod definitions;
pub mod export;
pub mod facts;
pub mod figures;
pub mod programme;
pub mod report;
pub mod text;

pub use figures::Figures;
pub use report::{
    CohortReport, ProgrammeFilter, ReportLine, Totals, cohort_report, programme_report,
    programme_totals,
};
