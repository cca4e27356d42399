//! The checkpoints queue's filters as the page reads and keeps them: part of a site's
//! name (also the search of the site list), a site as recorded, a due date typed in day,
//! month and year boxes, and overdue only. Every link and redirect of the queue carries
//! them, so working through it never loses them.

use serde::Deserialize;

use crate::actions::employments::QueueQuery;
use crate::error::FieldErrors;
use crate::models::checkpoint::QueueItem;
use crate::validate;
use crate::web::forms::DateBoxes;

/// The filters as typed or carried in a link (`due_by` as `YYYY-MM-DD`).
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct Filters {
    /// Part of the site's name, any case.
    pub site: String,
    /// A site exactly as recorded.
    pub at_site: String,
    /// Due on or before, as links carry it.
    pub due_by: String,
    /// Due on or before: day box.
    pub due_by_day: String,
    /// Month box.
    pub due_by_month: String,
    /// Year box.
    pub due_by_year: String,
    /// `1` for overdue only.
    pub overdue: String,
}

impl Filters {
    /// The filters with the due date read from its boxes (or the link's `due_by`) and
    /// overdue as `1` or blank; a date that cannot be read is reported under `due_by`
    /// and not applied.
    pub fn checked(mut self, errors: &mut FieldErrors) -> Self {
        let boxes = DateBoxes {
            day: self.due_by_day.clone(),
            month: self.due_by_month.clone(),
            year: self.due_by_year.clone(),
        };
        if !boxes.is_blank() {
            self.due_by = boxes
                .to_iso("due_by", "Due on or before", errors)
                .unwrap_or_default();
        } else if !self.due_by.trim().is_empty() && validate::date(self.due_by.trim()).is_none() {
            errors.add("due_by", "Due on or before must be a real date");
            self.due_by.clear();
        }
        let overdue = matches!(self.overdue.as_str(), "1" | "true" | "yes" | "on");
        self.overdue = if overdue { "1".into() } else { String::new() };
        self.site = self.site.trim().to_owned();
        self
    }

    /// The filters as the queue action reads them.
    pub fn query(&self) -> QueueQuery {
        let some = |s: &str| (!s.trim().is_empty()).then(|| s.to_owned());
        QueueQuery {
            site: some(&self.site),
            at_site: some(&self.at_site),
            due_by: some(&self.due_by),
            overdue: some(&self.overdue),
        }
    }

    /// The filters as query parameters (blank ones are left out by the links).
    pub fn pairs(&self) -> [(&'static str, &str); 4] {
        [
            ("site", self.site.as_str()),
            ("at_site", self.at_site.as_str()),
            ("due_by", self.due_by.as_str()),
            ("overdue", self.overdue.as_str()),
        ]
    }

    /// Whether any filter is set.
    pub fn is_filtered(&self) -> bool {
        self.pairs().iter().any(|(_, v)| !v.trim().is_empty())
    }

    /// Whether overdue only is set.
    pub fn is_overdue(&self) -> bool {
        self.overdue == "1"
    }

    /// The due date's boxes: as typed, else the link's date.
    pub fn due_by_boxes(&self) -> DateBoxes {
        let typed = DateBoxes {
            day: self.due_by_day.clone(),
            month: self.due_by_month.clone(),
            year: self.due_by_year.clone(),
        };
        match typed.is_blank() {
            true => DateBoxes::of(validate::date(self.due_by.trim())),
            false => typed,
        }
    }

    /// `/checkpoints` with these filters, the record form of `record` open (and scrolled
    /// to), and `notice`.
    pub fn href(&self, record: Option<String>, notice: Option<&str>) -> String {
        let mut pairs: Vec<(&str, &str)> = self
            .pairs()
            .into_iter()
            .filter(|(_, v)| !v.trim().is_empty())
            .collect();
        if let Some(key) = record.as_deref() {
            pairs.push(("record", key));
        }
        if let Some(notice) = notice {
            pairs.push(("notice", notice));
        }
        // Names and values are strings: encoding them cannot fail.
        let query = serde_urlencoded::to_string(&pairs).unwrap_or_default();
        let fragment = if record.is_some() { "#record" } else { "" };
        match query.is_empty() {
            true => format!("/checkpoints{fragment}"),
            false => format!("/checkpoints?{query}{fragment}"),
        }
    }
}

/// `<job>-<weeks>`: how the queue's links name a checkpoint.
pub fn record_key(item: &QueueItem) -> String {
    format!(
        "{}-{}",
        item.checkpoint.employment_id, item.checkpoint.weeks
    )
}
