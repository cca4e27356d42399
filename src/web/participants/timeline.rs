//! The resident's career timeline: the course (stage changes), job starts, checkpoints
//! (recorded outcomes and upcoming due dates), progression and job ends, in date order.
//! Built in Rust from the resident's history as the reader may see it, so it adds no queries.

use chrono::NaiveDate;

use crate::domain::Stage;
use crate::domain::checkpoint::CheckpointStatus;
use crate::models::checkpoint::CheckpointView;
use crate::models::employment_view::EmploymentView;
use crate::models::enrolment::StageChange;
use crate::models::{Cohort, Enrolment, Progression};

/// One entry of the timeline.
#[derive(Debug, Clone, PartialEq)]
pub struct TimelineItem {
    /// When it happened (or falls due).
    pub date: NaiveDate,
    /// What kind of step, as a word: "Course", "Job", "Checkpoint", "Progression",
    /// "Job ended".
    pub kind: &'static str,
    /// What happened, in a sentence.
    pub text: String,
    /// The page about it.
    pub link: Option<String>,
    /// True for a checkpoint not yet recorded and not yet due.
    pub upcoming: bool,
}

/// Everything the timeline is built from.
pub struct TimelineSources<'a> {
    /// The resident's enrolments with their cohorts (only those the caller may see).
    pub enrolments: Vec<(&'a Enrolment, &'a Cohort)>,
    /// The stage history of those enrolments.
    pub history: &'a [StageChange],
    /// The resident's jobs the caller may see.
    pub jobs: &'a [EmploymentView],
    /// Organisation names by id (employers).
    pub organisations: &'a [(i32, String)],
    /// Today, for checkpoint statuses.
    pub today: NaiveDate,
}

// Order of kinds on the same day: course first, a job's start before its checks and
// steps, its end last.
fn rank(kind: &str) -> u8 {
    match kind {
        "Course" => 0,
        "Job" => 1,
        "Progression" => 2,
        "Checkpoint" => 3,
        _ => 4,
    }
}

fn stage_text(stage: Stage, cohort: &str) -> String {
    match stage {
        Stage::Applied => format!("Referred to {cohort}"),
        Stage::Accepted => format!("Accepted onto {cohort}"),
        Stage::Started => format!("Started the course, {cohort}"),
        Stage::Completed => format!("Completed the course, {cohort}"),
        Stage::Withdrawn => format!("Withdrew from {cohort}"),
        Stage::NotStarted => format!("Did not start {cohort}"),
    }
}

fn progression_text(p: &Progression) -> String {
    let mut parts = Vec::new();
    if let Some(title) = &p.job_title {
        parts.push(title.clone());
    }
    if let Some(band) = p.band {
        parts.push(format!("band {band}"));
    }
    if let Some(group) = p.staff_group {
        parts.push(group.label().to_owned());
    }
    if parts.is_empty() {
        p.kind_label().to_owned()
    } else {
        format!("{}: {}", p.kind_label(), parts.join(", "))
    }
}

/// The timeline, oldest first.
pub fn build(sources: &TimelineSources<'_>) -> Vec<TimelineItem> {
    let mut items = Vec::new();
    for (enrolment, cohort) in &sources.enrolments {
        for change in sources
            .history
            .iter()
            .filter(|c| c.enrolment_id == enrolment.id)
        {
            let link = Some(format!("/cohorts/{}", cohort.id));
            let text = stage_text(change.to_stage, &cohort.name);
            items.push(item(change.changed_on, "Course", text, link, false));
        }
    }
    for job in sources.jobs {
        job_items(job, sources, &mut items);
    }
    items.sort_by_key(|a| (a.date, rank(a.kind)));
    items
}

fn item(
    date: NaiveDate,
    kind: &'static str,
    text: String,
    link: Option<String>,
    upcoming: bool,
) -> TimelineItem {
    TimelineItem {
        date,
        kind,
        text,
        link,
        upcoming,
    }
}

/// A job's steps: its start, progression, checkpoints and end.
fn job_items(job: &EmploymentView, sources: &TimelineSources<'_>, items: &mut Vec<TimelineItem>) {
    let e = &job.employment;
    let employer = sources
        .organisations
        .iter()
        .find(|(id, _)| *id == e.employer_organisation_id)
        .map_or("an employer", |(_, name)| name.as_str());
    let link = Some(format!("/employments/{}", e.id));
    let text = format!(
        "Started as {} at {employer}, {} (band {}, {})",
        e.job_title,
        e.site,
        e.band,
        e.staff_group_label()
    );
    items.push(item(e.start_date, "Job", text, link.clone(), false));
    for p in &job.progressions {
        let text = progression_text(p);
        items.push(item(
            p.effective_on,
            "Progression",
            text,
            link.clone(),
            false,
        ));
    }
    for c in &job.checkpoints {
        items.push(checkpoint_item(c, e.id, sources.today));
    }
    if let Some(end) = e.end_date {
        // A job ended without a recorded reason reads "Left … at …", not "…: ".
        let reason = e
            .end_reason
            .map_or(String::new(), |r| format!(": {}", r.label().to_lowercase()));
        let text = format!("Left {} at {employer}{reason}", e.job_title);
        items.push(item(end, "Job ended", text, link, false));
    }
}

/// A checkpoint: its outcome on the day it was checked, or when it falls due.
fn checkpoint_item(c: &CheckpointView, employment_id: i32, today: NaiveDate) -> TimelineItem {
    let cp = &c.checkpoint;
    let status = cp.status_label(today);
    let link = Some(format!("/employments/{employment_id}#checkpoints"));
    match cp.verified_on.filter(|_| cp.status.is_some()) {
        Some(on) => {
            let text = format!("{}-week checkpoint: {status}", cp.weeks);
            item(on, "Checkpoint", text, link, false)
        }
        None => {
            let text = format!("{}-week checkpoint {}", cp.weeks, status.to_lowercase());
            let upcoming = cp.status_at(today) == CheckpointStatus::NotYetDue;
            item(cp.due_on, "Checkpoint", text, link, upcoming)
        }
    }
}

/// The resident's jobs the caller may see, their employers' names and the timeline.
pub struct Career {
    /// Jobs with checkpoints and progression, oldest first.
    pub jobs: Vec<EmploymentView>,
    /// Organisation names by id.
    pub organisations: Vec<(i32, String)>,
    /// The timeline, oldest first.
    pub items: Vec<TimelineItem>,
}

impl Career {
    /// The career from what the resident's history holds (already limited to what the
    /// reader may see): `enrolments` with their cohorts, their stage `history`, the jobs.
    pub fn of(
        enrolments: Vec<(&Enrolment, &Cohort)>,
        history: &[StageChange],
        jobs: Vec<EmploymentView>,
        organisations: Vec<(i32, String)>,
        today: NaiveDate,
    ) -> Career {
        let items = build(&TimelineSources {
            enrolments,
            history,
            jobs: &jobs,
            organisations: &organisations,
            today,
        });
        Career {
            jobs,
            organisations,
            items,
        }
    }

    /// The name of organisation `id`.
    pub fn organisation(&self, id: &i32) -> &str {
        self.organisations
            .iter()
            .find(|(o, _)| o == id)
            .map_or("Unknown employer", |(_, name)| name.as_str())
    }
}

#[cfg(test)]
mod tests {
    use chrono::NaiveDateTime;

    use super::*;
    use crate::domain::checkpoint::CheckpointOutcome;
    use crate::domain::employment::{Contract, EndReason, StaffGroup};
    use crate::domain::progression::ProgressionKind;
    use crate::models::{Checkpoint, Employment};

    fn day(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    fn job(today: NaiveDate) -> EmploymentView {
        let at = NaiveDateTime::default();
        let employment = Employment {
            id: 7,
            participant_id: 1,
            enrolment_id: 2,
            employer_organisation_id: 3,
            site: "Seacroft Hospital".into(),
            job_title: "Porter".into(),
            staff_group: StaffGroup::EstatesAndFacilities,
            band: 2,
            hours_per_week: 37.5,
            contract: Contract::Permanent,
            start_date: day(2027, 1, 4),
            end_date: Some(day(2027, 4, 5)),
            end_reason: Some(EndReason::Resigned),
            created_at: at,
            updated_at: at,
        };
        let checkpoint = |id, weeks, due_on, status: Option<CheckpointOutcome>| Checkpoint {
            id,
            employment_id: 7,
            weeks,
            due_on,
            status,
            verified_on: status.map(|_| due_on),
            verified_by_user_id: None,
            recorded_at: None,
        };
        let promotion = Progression {
            id: 9,
            employment_id: 7,
            effective_on: day(2027, 4, 5),
            kind: ProgressionKind::BandIncrease,
            job_title: None,
            band: Some(3),
            staff_group: None,
            notes: String::new(),
            created_at: at,
            created_by_user_id: None,
        };
        EmploymentView {
            employment,
            checkpoints: vec![
                checkpoint(11, 13, day(2027, 4, 5), Some(CheckpointOutcome::Left)),
                checkpoint(12, 26, day(2027, 7, 5), None),
            ]
            .into_iter()
            .map(|c| c.view(today))
            .collect(),
            progressions: vec![promotion],
            current_band: 3,
            current_staff_group: "estates_and_facilities".into(),
            moved_to_clinical: false,
        }
    }

    #[test]
    fn same_day_steps_follow_a_job_from_start_to_end_and_future_checks_are_upcoming() {
        let today = day(2027, 5, 6);
        let jobs = [job(today)];
        let items = build(&TimelineSources {
            enrolments: Vec::new(),
            history: &[],
            jobs: &jobs,
            organisations: &[(3, "Leeds Teaching Hospitals NHS Trust".into())],
            today,
        });
        let kinds: Vec<(&str, bool)> = items.iter().map(|i| (i.kind, i.upcoming)).collect();
        assert_eq!(
            kinds,
            [
                ("Job", false),
                ("Progression", false),
                ("Checkpoint", false),
                ("Job ended", false),
                ("Checkpoint", true),
            ]
        );
        assert_eq!(
            items[3].text,
            "Left Porter at Leeds Teaching Hospitals NHS Trust: resigned"
        );
        assert_eq!(items[1].text, "Band increase: band 3");
        assert_eq!(items[4].text, "26-week checkpoint not yet due");
    }
}
