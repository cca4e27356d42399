//! The figures of PRODUCT.md's definitions, computed from the facts: what each enrolment
//! counts towards ([`Outcome`]), and the counts and rates of a group of enrolments
//! ([`Figures`]: a cohort, a programme total, or one group of a breakdown).

use chrono::{NaiveDate, TimeDelta};
use serde::Serialize;

use super::facts::{CohortFacts, EnrolmentFacts, JobFacts};
use crate::domain::Stage;
use crate::models::employment::is_clinical;

/// Checkpoint weeks, in column order.
pub const WEEKS: [i64; 3] = [13, 26, 52];
/// A job counts for "employed" when it starts within this long of the last session.
pub const EMPLOYED_WITHIN: TimeDelta = TimeDelta::weeks(26);

/// What one enrolment counts towards, as at the date.
#[derive(Debug, Clone, Default)]
pub struct Outcome {
    /// At least one attended session.
    pub started: bool,
    /// Completed by attendance or by a coordinator.
    pub completed: bool,
    /// Started, then withdrawn.
    pub withdrawn: bool,
    /// The job that makes them employed (index into the enrolment's jobs).
    pub job: Option<usize>,
    /// Per checkpoint week: `None` not yet due, `Some(still in the job)`.
    pub sustained: [Option<bool>; 3],
    /// Per checkpoint week: verified in post.
    pub verified: [bool; 3],
    /// Employed with at least one progression.
    pub progressed: bool,
    /// Employed with a progression into a clinical staff group.
    pub moved_to_clinical: bool,
    /// Job start − the cohort's last session, in days.
    pub days_to_job: Option<i64>,
    /// Attended ÷ held × 100, when anything was held.
    pub attendance_rate: Option<f64>,
    /// Progressions on the enrolment's jobs.
    pub progressions: usize,
}

/// Works out what `e` counts towards in cohort `c` as at `as_at`.
pub fn outcome(c: &CohortFacts, e: &EnrolmentFacts, as_at: NaiveDate) -> Outcome {
    let started = e.attended > 0;
    let finished = c.ends_on <= as_at;
    let by_attendance = c.held > 0 && e.attended * 100 >= i64::from(c.threshold) * c.held;
    let completed = started && ((finished && by_attendance) || e.stage == Stage::Completed);
    let job = started
        .then(|| {
            e.jobs.iter().position(|j| {
                j.start_date >= c.starts_on && j.start_date <= c.ends_on + EMPLOYED_WITHIN
            })
        })
        .flatten();
    let mut out = Outcome {
        started,
        completed,
        withdrawn: started && e.stage == Stage::Withdrawn,
        job,
        attendance_rate: (c.held > 0).then(|| e.attended as f64 * 100.0 / c.held as f64),
        progressions: e.jobs.iter().map(|j| j.progressions.len()).sum(),
        ..Outcome::default()
    };
    if let Some(j) = job.map(|i| &e.jobs[i]) {
        for (k, weeks) in WEEKS.iter().enumerate() {
            let due = j.start_date + TimeDelta::weeks(*weeks);
            if due <= as_at {
                out.sustained[k] = Some(j.end_date.is_none_or(|end| end >= due));
            }
            out.verified[k] = j.verified_in_post.contains(&(*weeks as i32));
        }
        out.progressed = out.progressions > 0;
        out.moved_to_clinical = e
            .jobs
            .iter()
            .flat_map(|j| &j.progressions)
            .any(|(_, _, group)| group.as_deref().is_some_and(is_clinical));
        out.days_to_job = Some((j.start_date - c.ends_on).num_days());
    }
    out
}

/// The latest job's title and band after its progressions.
pub fn latest_position(jobs: &[JobFacts]) -> Option<(String, i32)> {
    let job = jobs.last()?;
    let mut title = job.job_title.clone();
    let mut band = job.band;
    for (t, b, _) in &job.progressions {
        title = t.clone().unwrap_or(title);
        band = b.unwrap_or(band);
    }
    Some((title, band))
}

/// Counts and rates of a group of enrolments.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Figures {
    /// Enrolments, any stage.
    pub referred: i64,
    /// Started.
    pub started: i64,
    /// Completed.
    pub completed: i64,
    /// Started, then withdrawn.
    pub withdrawn: i64,
    /// With an interview date.
    pub interviewed: i64,
    /// With an offer date.
    pub offered: i64,
    /// Employed.
    pub employed: i64,
    /// Employed ÷ started, percent, one decimal.
    pub employment_rate: Option<f64>,
    /// Sustained at 13, 26, 52 weeks.
    pub sustained: [i64; 3],
    /// Due at 13, 26, 52 weeks.
    pub due: [i64; 3],
    /// Verified in post at 13, 26, 52 weeks (among the sustained).
    pub verified: [i64; 3],
    /// Employed people whose checkpoint is not yet due.
    pub not_yet_due: [i64; 3],
    /// Progressed.
    pub progressed: i64,
    /// Moved to a clinical role.
    pub moved_to_clinical: i64,
    /// Median days from the last session to the job.
    pub median_days_to_job: Option<f64>,
    /// Mean attendance rate over started enrolments, percent, one decimal.
    pub mean_attendance_rate: Option<f64>,
}

/// Rounds to one decimal place, the precision every rate is shown with.
pub fn round1(value: f64) -> f64 {
    (value * 10.0).round() / 10.0
}

/// The median, halfway between the middle two of an even count.
pub fn median(values: &mut [i64]) -> Option<f64> {
    if values.is_empty() {
        return None;
    }
    values.sort_unstable();
    let mid = values.len() / 2;
    Some(if values.len() % 2 == 1 {
        values[mid] as f64
    } else {
        (values[mid - 1] + values[mid]) as f64 / 2.0
    })
}

/// A running tally: counts, and the values medians and means need.
#[derive(Debug, Clone, Default)]
pub struct Tally {
    figures: Figures,
    days: Vec<i64>,
    rates: Vec<f64>,
}

impl Tally {
    /// Counts one enrolment.
    pub fn add(&mut self, e: &EnrolmentFacts, o: &Outcome) {
        let f = &mut self.figures;
        f.referred += 1;
        f.started += i64::from(o.started);
        f.completed += i64::from(o.completed);
        f.withdrawn += i64::from(o.withdrawn);
        f.interviewed += i64::from(e.interviewed);
        f.offered += i64::from(e.offered);
        f.employed += i64::from(o.job.is_some());
        for k in 0..3 {
            match o.sustained[k] {
                Some(still) => {
                    f.due[k] += 1;
                    f.sustained[k] += i64::from(still);
                    f.verified[k] += i64::from(still && o.verified[k]);
                }
                None if o.job.is_some() => f.not_yet_due[k] += 1,
                None => {}
            }
        }
        f.progressed += i64::from(o.progressed);
        f.moved_to_clinical += i64::from(o.moved_to_clinical);
        self.days.extend(o.days_to_job);
        if o.started {
            self.rates.extend(o.attendance_rate);
        }
    }

    /// The figures so far.
    pub fn figures(&self) -> Figures {
        let mut f = self.figures.clone();
        f.employment_rate =
            (f.started > 0).then(|| round1(f.employed as f64 * 100.0 / f.started as f64));
        f.median_days_to_job = median(&mut self.days.clone());
        f.mean_attendance_rate = (!self.rates.is_empty())
            .then(|| round1(self.rates.iter().sum::<f64>() / self.rates.len() as f64));
        f
    }
}

impl Figures {
    /// referred, started, completed, withdrawn, interviewed, offered, employed: the
    /// counts in the order of the report's columns.
    pub fn counts(&self) -> [i64; 7] {
        [
            self.referred,
            self.started,
            self.completed,
            self.withdrawn,
            self.interviewed,
            self.offered,
            self.employed,
        ]
    }

    /// Sustained ÷ due at checkpoint `k` (0, 1, 2 for 13, 26, 52 weeks), percent and not
    /// rounded (the page shows one decimal, the chart plots it as is); `None` while nobody
    /// is due yet.
    pub fn sustained_rate(&self, k: usize) -> Option<f64> {
        (self.due[k] > 0).then(|| self.sustained[k] as f64 * 100.0 / self.due[k] as f64)
    }

    /// "55 referred, 49 started, 29 employed (59.2 %).": the same words as the funnel,
    /// the definitions and the CSV's `referred` column.
    pub fn headline(&self) -> String {
        match self.employment_rate {
            None => format!("{} referred; nobody has started yet.", self.referred),
            Some(rate) => format!(
                "{} referred, {} started, {} employed ({rate:.1} %).",
                self.referred, self.started, self.employed
            ),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rates_round_to_one_decimal_and_medians_split_the_middle() {
        assert_eq!(round1(29.0 * 100.0 / 49.0), 59.2);
        assert_eq!(median(&mut [5, 1, 3]), Some(3.0));
        assert_eq!(median(&mut [4, 1, 3, 10]), Some(3.5));
        assert_eq!(median(&mut []), None);
    }

    #[test]
    fn the_sustained_rate_waits_for_someone_due() {
        let mut f = Figures::default();
        assert_eq!(f.sustained_rate(1), None);
        (f.due, f.sustained) = ([0, 3, 0], [0, 2, 0]);
        assert_eq!(f.sustained_rate(1), Some(200.0 / 3.0));
    }

    #[test]
    fn the_headline_names_referred_as_the_funnel_does() {
        let f = Figures {
            referred: 55,
            started: 49,
            employed: 29,
            employment_rate: Some(59.2),
            ..Figures::default()
        };
        assert_eq!(
            f.headline(),
            "55 referred, 49 started, 29 employed (59.2 %)."
        );
    }
}
