//! The attendance figure, computed one way everywhere (desk screens, server export, tests):
//!
//! ```text
//! possible     = openings on roll − openings coded not_counted (code 02)
//! attendance % = openings in the attendance category (Late 1 included) ÷ possible
//! authorised %, unauthorised %, exclusion % likewise
//! ```
//!
//! Source: DOMAIN-DETAIL §1.1 (Scottish Government summary statistics; IEI 2019 App. 2 on
//! code 02). An opening with no record counts as attendance (the register records absence);
//! an opening marked absent at registration that nobody explained counts as unauthorised
//! ("an absence with no explanation is recorded as unauthorised", DOMAIN.md).

use std::collections::{BTreeMap, HashMap, HashSet};
use std::ops::{Add, AddAssign};

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::records::{Absence, Category, RegistrationMark, SchoolDay};
use super::rules;
use crate::Pupil;
use crate::values::{Half, Opening};

/// Openings counted by category over a range. Adds up: a class's figures are the sum of its
/// pupils', a school's the sum of its classes'.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Figures {
    /// Openings the pupil was on the roll for.
    pub on_roll: u32,
    pub not_counted: u32,
    pub attendance: u32,
    pub authorised: u32,
    pub unauthorised: u32,
    pub exclusion: u32,
}

impl Figures {
    /// Openings the statistics count: on roll less not-counted.
    pub fn possible(&self) -> u32 {
        self.on_roll - self.not_counted
    }

    fn percent(&self, n: u32) -> Option<f64> {
        let possible = self.possible();
        (possible > 0).then(|| f64::from(n) * 100.0 / f64::from(possible))
    }

    /// `None` when there were no possible openings.
    pub fn attendance_percent(&self) -> Option<f64> {
        self.percent(self.attendance)
    }
    pub fn authorised_percent(&self) -> Option<f64> {
        self.percent(self.authorised)
    }
    pub fn unauthorised_percent(&self) -> Option<f64> {
        self.percent(self.unauthorised)
    }
    pub fn exclusion_percent(&self) -> Option<f64> {
        self.percent(self.exclusion)
    }

    fn count(&mut self, category: Category) {
        match category {
            Category::Attendance => self.attendance += 1,
            Category::Authorised => self.authorised += 1,
            Category::Unauthorised => self.unauthorised += 1,
            Category::Exclusion => self.exclusion += 1,
            Category::NotCounted => self.not_counted += 1,
        }
    }

    /// How the attendance figure stands against the thresholds.
    pub fn flag(&self, t: &Thresholds) -> Flag {
        match self.attendance_percent() {
            Some(p) if p < f64::from(t.red) => Flag::Red,
            Some(p) if p < f64::from(t.flagged) => Flag::Flagged,
            _ => Flag::None,
        }
    }
}

impl Add for Figures {
    type Output = Figures;
    fn add(self, o: Figures) -> Figures {
        Figures {
            on_roll: self.on_roll + o.on_roll,
            not_counted: self.not_counted + o.not_counted,
            attendance: self.attendance + o.attendance,
            authorised: self.authorised + o.authorised,
            unauthorised: self.unauthorised + o.unauthorised,
            exclusion: self.exclusion + o.exclusion,
        }
    }
}

impl AddAssign for Figures {
    fn add_assign(&mut self, o: Figures) {
        *self = *self + o;
    }
}

/// Attendance thresholds, in percent: configuration (issue 9 §3: below 90% flagged, below
/// 80% flagged red; the Scottish average was 90.2% in 2022/23, DOMAIN-DETAIL §1.1).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Thresholds {
    pub flagged: u8,
    pub red: u8,
}

impl Default for Thresholds {
    fn default() -> Self {
        Thresholds { flagged: 90, red: 80 }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "snake_case")]
pub enum Flag {
    None,
    Flagged,
    Red,
}

/// One pupil's figures from `from` to `to`: the school's openings in the range while the
/// pupil was on the roll, each counted by the category of the record explaining it, else
/// unauthorised if marked absent at registration, else attendance.
///
/// `categories` maps each code to its category; a record whose code is missing from it counts
/// as authorised absence (an explained absence whose code the desk has not got yet).
pub fn pupil_figures(
    pupil: &Pupil,
    days: &[SchoolDay],
    absences: &[Absence],
    marks: &[RegistrationMark],
    categories: &HashMap<String, Category>,
    from: NaiveDate,
    to: NaiveDate,
) -> Figures {
    let openings = rules::openings(
        days,
        Opening {
            date: from,
            half: Half::Am,
        },
        Opening {
            date: to,
            half: Half::Pm,
        },
    );
    figures_over(pupil, &openings, absences, marks, categories)
}

/// [`pupil_figures`] for every pupil of a school at once (records grouped by pupil first, the
/// openings expanded once): a class's, stage's or school's figures are the sum of its pupils'.
pub fn school_figures(
    pupils: &[Pupil],
    days: &[SchoolDay],
    absences: &[Absence],
    marks: &[RegistrationMark],
    categories: &HashMap<String, Category>,
    from: NaiveDate,
    to: NaiveDate,
) -> BTreeMap<i64, Figures> {
    let openings = rules::openings(
        days,
        Opening {
            date: from,
            half: Half::Am,
        },
        Opening {
            date: to,
            half: Half::Pm,
        },
    );
    let mut absences_of: HashMap<i64, Vec<Absence>> = HashMap::new();
    for a in absences {
        absences_of.entry(a.pupil_id).or_default().push(a.clone());
    }
    let mut marks_of: HashMap<i64, Vec<RegistrationMark>> = HashMap::new();
    for m in marks.iter().filter(|m| m.absent) {
        marks_of.entry(m.pupil_id).or_default().push(m.clone());
    }
    pupils
        .iter()
        .map(|p| {
            let a = absences_of.get(&p.id).map_or(&[][..], Vec::as_slice);
            let m = marks_of.get(&p.id).map_or(&[][..], Vec::as_slice);
            (p.id, figures_over(p, &openings, a, m, categories))
        })
        .collect()
}

fn figures_over(
    pupil: &Pupil,
    openings: &[Opening],
    absences: &[Absence],
    marks: &[RegistrationMark],
    categories: &HashMap<String, Category>,
) -> Figures {
    let mut explained: HashMap<Opening, Category> = HashMap::new();
    for a in absences.iter().filter(|a| a.pupil_id == pupil.id) {
        for o in a.openings.iter().filter(|o| a.explains(**o)) {
            let c = categories.get(&a.code).copied().unwrap_or(Category::Authorised);
            explained.insert(*o, c);
        }
    }
    let unexplained: HashSet<Opening> = marks
        .iter()
        .filter(|m| m.pupil_id == pupil.id && m.absent)
        .map(RegistrationMark::opening)
        .collect();
    let mut f = Figures::default();
    for o in openings {
        if !pupil.on_roll(o.date) {
            continue;
        }
        f.on_roll += 1;
        let category = explained.get(o).copied().unwrap_or(if unexplained.contains(o) {
            Category::Unauthorised
        } else {
            Category::Attendance
        });
        f.count(category);
    }
    f
}
