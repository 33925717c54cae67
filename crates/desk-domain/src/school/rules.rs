//! The school office's configurable figures and the pure rules over a school's calendar:
//! which openings a range covers, and what a late arrival counts as.

use chrono::{NaiveDate, NaiveTime};
use serde::{Deserialize, Serialize};

use super::records::SchoolDay;
use crate::values::{Half, Opening};

/// What a council configures for its school offices. Each default names its source.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SchoolRules {
    /// The code a late arrival after half the opening gets. Late 2 "counts as an absence"
    /// (Abernet support article 225235, DOMAIN-DETAIL §1.4); whether authorised or not is not
    /// settled nationally, so the council chooses by choosing the code.
    pub late_absence_code: String,
    /// Late 1: "arrives before 50% of opening" — SEEMiS code 11 (IEI 2019 App. 2).
    pub late_present_code: String,
    /// Unanswered contact attempts after which a pupil may be escalated (issue 9 §2: default 3).
    pub escalate_after: u32,
    /// How many school days ahead an absence may be recorded (issue 9 §2: 60).
    pub max_school_days_ahead: u32,
    /// The longest reason note, in characters: long enough for a call's gist, short enough to
    /// fit the MIS's reason field on export (a council choice; 200 here).
    pub max_note: usize,
    /// When the morning and afternoon openings run. A council's primary school day in Moray
    /// runs about 08:50–15:15 with lunch 12:20–13:15; a school with other times sets its own.
    pub am_starts: NaiveTime,
    pub am_ends: NaiveTime,
    pub pm_starts: NaiveTime,
    pub pm_ends: NaiveTime,
}

impl Default for SchoolRules {
    fn default() -> Self {
        let t = |h, m| NaiveTime::from_hms_opt(h, m, 0).expect("a time of day");
        SchoolRules {
            late_absence_code: "LC-LT2".to_owned(),
            late_present_code: "11".to_owned(),
            escalate_after: 3,
            max_school_days_ahead: 60,
            max_note: 200,
            am_starts: t(8, 50),
            am_ends: t(12, 20),
            pm_starts: t(13, 15),
            pm_ends: t(15, 15),
        }
    }
}

/// What a late arrival counts as.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lateness {
    /// Arrived in the first half of the opening: present (Late 1).
    Late1(Half),
    /// Arrived in the second half: the late-as-absence code.
    Late2(Half),
}

impl SchoolRules {
    fn span(&self, half: Half) -> (NaiveTime, NaiveTime) {
        match half {
            Half::Am => (self.am_starts, self.am_ends),
            Half::Pm => (self.pm_starts, self.pm_ends),
        }
    }

    /// The opening a pupil arriving at `at` joins, and whether before half of it. `None`
    /// before the morning starts or after the afternoon ends (not late).
    pub fn lateness(&self, at: NaiveTime) -> Option<Lateness> {
        for half in [Half::Am, Half::Pm] {
            let (start, end) = self.span(half);
            // Arriving over lunch is late for the afternoon only once it has started.
            if at > start && at < end {
                let middle = start + (end - start) / 2;
                return Some(if at < middle {
                    Lateness::Late1(half)
                } else {
                    Lateness::Late2(half)
                });
            }
        }
        None
    }

    /// The openings of `date` a pupil leaving at `at` misses: those starting after it.
    /// `None` when `at` is outside the school day.
    pub fn missed_after(&self, at: NaiveTime) -> Option<Vec<Half>> {
        if at < self.am_starts || at >= self.pm_ends {
            return None;
        }
        Some(if at < self.pm_starts {
            vec![Half::Pm]
        } else {
            Vec::new()
        })
    }
}

/// The school's openings from `first` to `last` inclusive, in order: days that are not term
/// days (weekends, holidays, in-service days, closures) and halves a day does not have are
/// skipped. `days` may hold any days; those outside the range are ignored.
pub fn openings(days: &[SchoolDay], first: Opening, last: Opening) -> Vec<Opening> {
    let mut out: Vec<Opening> = days
        .iter()
        .filter(|d| first.date <= d.date && d.date <= last.date)
        .flat_map(|d| {
            [Half::Am, Half::Pm]
                .into_iter()
                .filter(|h| d.has(*h))
                .map(|half| Opening { date: d.date, half })
        })
        .filter(|o| first <= *o && *o <= last)
        .collect();
    out.sort();
    out.dedup();
    out
}

/// School days (with at least one opening) after `today` up to and including `date`.
pub fn school_days_ahead(days: &[SchoolDay], today: NaiveDate, date: NaiveDate) -> u32 {
    let n = days
        .iter()
        .filter(|d| today < d.date && d.date <= date && (d.has(Half::Am) || d.has(Half::Pm)))
        .count();
    u32::try_from(n).unwrap_or(u32::MAX)
}
