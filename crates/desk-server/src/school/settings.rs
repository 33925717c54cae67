//! A school's own rules and thresholds (`desk-server school-settings`): checked, then stored as
//! a synced record so the school's desks decide with the same rules as the server.

use chrono::NaiveTime;
use desk_domain::school::{AttendanceCode, Category, SchoolRules, SchoolSettings, Thresholds};
use desk_domain::{School, table};

use super::records;
use crate::StoreError;
use crate::store::{EntityBatch, Store};

/// What to change; `None` keeps the school's current value (or the default).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SettingsChange {
    pub late_absence_code: Option<String>,
    pub escalate_after: Option<u32>,
    pub max_school_days_ahead: Option<u32>,
    pub max_note: Option<usize>,
    /// Morning and afternoon openings, start and end.
    pub am: Option<(NaiveTime, NaiveTime)>,
    pub pm: Option<(NaiveTime, NaiveTime)>,
    pub flagged_below: Option<u8>,
    pub red_below: Option<u8>,
}

#[derive(Debug, thiserror::Error)]
pub enum SettingsError {
    #[error("{0}")]
    Invalid(String),
    #[error(transparent)]
    Store(#[from] StoreError),
}

fn invalid<T>(message: impl Into<String>) -> Result<T, SettingsError> {
    Err(SettingsError::Invalid(message.into()))
}

/// Applies `change` to school `school_id`'s settings and stores them; returns them.
pub fn set_school_settings(
    store: &dyn Store,
    school_id: i64,
    change: &SettingsChange,
) -> Result<SchoolSettings, SettingsError> {
    let by_id = [desk_store::Cond::Eq("id", crate::rows::Cell::Int(school_id))];
    if records::<School>(store, table::SCHOOLS, &by_id)?.is_empty() {
        return invalid(format!("there is no school {school_id}"));
    }
    let current: Option<SchoolSettings> = records(store, table::SCHOOL_SETTINGS, &by_id)?.pop();
    let (mut rules, mut thresholds) = match current {
        Some(s) => (s.rules, s.thresholds),
        None => (SchoolRules::default(), Thresholds::default()),
    };
    if let Some(code) = &change.late_absence_code {
        rules.late_absence_code.clone_from(code);
    }
    if let Some(n) = change.escalate_after {
        rules.escalate_after = n;
    }
    if let Some(n) = change.max_school_days_ahead {
        rules.max_school_days_ahead = n;
    }
    if let Some(n) = change.max_note {
        rules.max_note = n;
    }
    if let Some((start, end)) = change.am {
        (rules.am_starts, rules.am_ends) = (start, end);
    }
    if let Some((start, end)) = change.pm {
        (rules.pm_starts, rules.pm_ends) = (start, end);
    }
    if let Some(p) = change.flagged_below {
        thresholds.flagged = p;
    }
    if let Some(p) = change.red_below {
        thresholds.red = p;
    }

    if !(1..=10).contains(&rules.escalate_after) {
        return invalid("escalate after 1 to 10 unanswered attempts");
    }
    if !(1..=190).contains(&rules.max_school_days_ahead) {
        return invalid("the limit ahead is 1 to 190 school days (a school year has 190)");
    }
    if !(50..=1000).contains(&rules.max_note) {
        return invalid("the longest note is 50 to 1000 characters");
    }
    if !(rules.am_starts < rules.am_ends && rules.am_ends <= rules.pm_starts && rules.pm_starts < rules.pm_ends) {
        return invalid("the morning must end before the afternoon starts, each starting before it ends");
    }
    if !(thresholds.red < thresholds.flagged && thresholds.flagged <= 100) {
        return invalid("the red threshold must be below the flag threshold, which is at most 100%");
    }
    let codes: Vec<AttendanceCode> = records(
        store,
        table::ATTENDANCE_CODES,
        &[desk_store::Cond::Eq("school_id", crate::rows::Cell::Int(school_id))],
    )?;
    for (what, code, must_be_absence) in [
        ("late-as-absence", &rules.late_absence_code, true),
        ("Late 1", &rules.late_present_code, false),
    ] {
        match codes.iter().find(|c| &c.code == code) {
            None => {
                return invalid(format!(
                    "the {what} code `{code}` is not one of school {school_id}'s codes"
                ));
            }
            Some(c) if must_be_absence && matches!(c.category, Category::Attendance | Category::NotCounted) => {
                return invalid(format!(
                    "the {what} code `{code}` must count as an absence, not {}",
                    c.category.as_str()
                ));
            }
            Some(_) => {}
        }
    }
    let settings = SchoolSettings {
        id: school_id,
        school_id,
        rules,
        thresholds,
    };
    store.load(&EntityBatch {
        school_settings: vec![settings.clone()],
        ..EntityBatch::default()
    })?;
    Ok(settings)
}
