//! The school office's synced records. Every one lives in its school's bucket (`school:ID`),
//! so a school office's desk holds its own school's and nothing else.
//!
//! Field names are the server's column names; an opening is flattened into a date and a half
//! (`first_date`, `first_half`) so that both can be indexed and compared in SQL.

use chrono::{DateTime, Datelike, NaiveDate, NaiveDateTime, NaiveTime, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::values::{Half, Opening};

/// The statistical category a code rolls up into (DOMAIN-DETAIL §1.1 and §1.3).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "snake_case")]
pub enum Category {
    /// Counted as present (in school, Late 1, work experience, …).
    Attendance,
    Authorised,
    Unauthorised,
    /// Temporary exclusion: its own column in the national tables.
    Exclusion,
    /// Outside the statistics altogether (code 02, extended leave with parental consent).
    NotCounted,
}

impl Category {
    pub const ALL: [Category; 5] = [
        Category::Attendance,
        Category::Authorised,
        Category::Unauthorised,
        Category::Exclusion,
        Category::NotCounted,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Category::Attendance => "attendance",
            Category::Authorised => "authorised",
            Category::Unauthorised => "unauthorised",
            Category::Exclusion => "exclusion",
            Category::NotCounted => "not_counted",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|c| c.as_str() == s)
    }
}

/// Where a code comes from: the national SEEMiS list (checked against its source), or a code
/// this council made up for a reason the checked part of the list does not reach.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "snake_case")]
pub enum CodeOrigin {
    Seemis,
    Local,
}

/// An attendance code as the council configures it, copied into each school's bucket so a
/// school office's desk holds the list it chooses from (`id` is `school_id:code`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AttendanceCode {
    pub id: String,
    pub school_id: i64,
    pub code: String,
    pub label: String,
    pub category: Category,
    pub valid_from: NaiveDate,
    pub valid_to: Option<NaiveDate>,
    /// A reason note must be given with this code.
    pub needs_note: bool,
    /// Office staff may choose it (exclusions are entered by the head teacher, not the office).
    pub office_may_use: bool,
    pub origin: CodeOrigin,
    /// Where the code and its category come from, for the people who check the list.
    pub source: String,
}

impl AttendanceCode {
    pub fn key(school_id: i64, code: &str) -> String {
        format!("{school_id}:{code}")
    }

    pub fn valid_on(&self, date: NaiveDate) -> bool {
        self.valid_from <= date && self.valid_to.is_none_or(|to| date <= to)
    }
}

/// What kind of day a school calendar day is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "snake_case")]
pub enum DayKind {
    /// A teaching day; `am`/`pm` say which openings it has (the last day of term may be AM only).
    Term,
    Holiday,
    /// In-service (staff training) day: no openings for pupils.
    InService,
    /// Closed on the day (snow, a polling station): no openings.
    Closure,
}

impl DayKind {
    pub fn as_str(self) -> &'static str {
        match self {
            DayKind::Term => "term",
            DayKind::Holiday => "holiday",
            DayKind::InService => "in_service",
            DayKind::Closure => "closure",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        [DayKind::Term, DayKind::Holiday, DayKind::InService, DayKind::Closure]
            .into_iter()
            .find(|k| k.as_str() == s)
    }
}

/// One weekday of a school's calendar (`id` is `school_id:date`). Weekends have no rows; a
/// weekday with no row inside the school year has no openings.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SchoolDay {
    pub id: String,
    pub school_id: i64,
    pub date: NaiveDate,
    pub kind: DayKind,
    pub am: bool,
    pub pm: bool,
    pub label: String,
}

impl SchoolDay {
    pub fn key(school_id: i64, date: NaiveDate) -> String {
        format!("{school_id}:{date}")
    }

    /// Does this day have pupils in school in this half?
    pub fn has(&self, half: Half) -> bool {
        self.kind == DayKind::Term
            && self.date.weekday().num_days_from_monday() < 5
            && match half {
                Half::Am => self.am,
                Half::Pm => self.pm,
            }
    }
}

/// A school's year, first to last day (`id` is `school_id:2026` for 2026/27): dates outside
/// it cannot be recorded.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SchoolYear {
    pub id: String,
    pub school_id: i64,
    /// `2026/27`.
    pub label: String,
    pub first_day: NaiveDate,
    pub last_day: NaiveDate,
}

impl SchoolYear {
    /// The calendar year a Scottish school year starting in August belongs to: 2026 for any
    /// date from 1 August 2026 to 31 July 2027.
    pub fn starting_year(date: NaiveDate) -> i32 {
        if date.month() >= 8 {
            date.year()
        } else {
            date.year() - 1
        }
    }

    pub fn key(school_id: i64, date: NaiveDate) -> String {
        format!("{school_id}:{}", Self::starting_year(date))
    }

    pub fn contains(&self, date: NaiveDate) -> bool {
        self.first_day <= date && date <= self.last_day
    }
}

/// A mark from the school's register (taken in its MIS and imported): the pupil was absent at
/// registration and no reason was known then (`id` is `pupil_id:date:AM`). A later import
/// that no longer lists the pupil sets `absent` false (the MIS corrected the register).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RegistrationMark {
    pub id: String,
    pub school_id: i64,
    pub pupil_id: i64,
    pub date: NaiveDate,
    pub half: Half,
    pub absent: bool,
    pub imported_at: DateTime<Utc>,
}

impl RegistrationMark {
    pub fn key(pupil_id: i64, opening: Opening) -> String {
        format!("{pupil_id}:{}:{}", opening.date, opening.half.as_str())
    }

    pub fn opening(&self) -> Opening {
        Opening {
            date: self.date,
            half: self.half,
        }
    }
}

/// How the office heard about an absence.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "snake_case")]
pub enum ReportChannel {
    Phone,
    Email,
    InPerson,
    Text,
}

/// Who told the office: one of the pupil's contacts, or someone else by name and relationship.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Caller {
    pub contact_id: Option<i64>,
    pub name: String,
    pub relationship: String,
}

/// What kind of record an absence record is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "snake_case")]
pub enum AbsenceKind {
    /// A reported absence over one or more openings.
    Absence,
    /// A late arrival: one opening, Late 1 or the late-as-absence code.
    Late,
    /// A pupil collected during the day: the day's later openings.
    EarlyLeave,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "snake_case")]
pub enum AbsenceStatus {
    Recorded,
    /// Withdrawn with a reason; kept, with its history, but explains no opening.
    Withdrawn,
}

/// A record's earlier state, kept when it is amended or withdrawn.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AbsenceRevision {
    pub revision: u32,
    pub at: DateTime<Utc>,
    pub staff_id: i64,
    /// `amended`, `note added`, `replaced`, `withdrawn`, with the reason given.
    pub what: String,
    pub openings: Vec<Opening>,
    pub code: String,
    pub reason: String,
}

/// An absence, late arrival or early leave as the office recorded it. The id is made on the
/// desk. `openings` are exactly the school's openings the record explains (weekends, holidays
/// and in-service days between `first` and `last` skipped).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Absence {
    pub id: Uuid,
    pub school_id: i64,
    pub pupil_id: i64,
    pub kind: AbsenceKind,
    pub status: AbsenceStatus,
    pub first_date: NaiveDate,
    pub first_half: Half,
    pub last_date: NaiveDate,
    pub last_half: Half,
    pub openings: Vec<Opening>,
    pub code: String,
    pub reason: String,
    pub caller: Caller,
    pub called_at: NaiveDateTime,
    pub expected_return: Option<NaiveDate>,
    pub channel: ReportChannel,
    /// Arrival (late) or leaving (early leave) time.
    pub at_time: Option<NaiveTime>,
    /// Moves by one at every amendment or withdrawal (the export sends each revision once).
    pub revision: u32,
    pub history: Vec<AbsenceRevision>,
    pub recorded_by: i64,
    pub recorded_at: DateTime<Utc>,
    pub updated_by: i64,
    pub updated_at: DateTime<Utc>,
}

impl Absence {
    pub fn first(&self) -> Opening {
        Opening {
            date: self.first_date,
            half: self.first_half,
        }
    }

    pub fn last(&self) -> Opening {
        Opening {
            date: self.last_date,
            half: self.last_half,
        }
    }

    /// Does this record, as it stands, explain the opening?
    pub fn explains(&self, opening: Opening) -> bool {
        self.status == AbsenceStatus::Recorded && self.openings.contains(&opening)
    }
}

/// How a contact was tried.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "snake_case")]
pub enum ContactMethod {
    Phone,
    Email,
    Text,
    InPerson,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "snake_case")]
pub enum AttemptOutcome {
    NoAnswer,
    LeftMessage,
    /// The contact explained the absence: an absence record is made in the same command.
    Explained,
    WrongNumber,
    NotContactable,
}

impl AttemptOutcome {
    pub fn words(self) -> &'static str {
        match self {
            AttemptOutcome::NoAnswer => "no answer",
            AttemptOutcome::LeftMessage => "left a message",
            AttemptOutcome::Explained => "explained",
            AttemptOutcome::WrongNumber => "wrong number",
            AttemptOutcome::NotContactable => "not contactable",
        }
    }

    /// An attempt that brought no explanation, counted towards escalation.
    pub fn unanswered(self) -> bool {
        self != AttemptOutcome::Explained
    }
}

/// One try at reaching a contact about a pupil's unexplained absence on `date`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ContactAttempt {
    pub id: Uuid,
    pub school_id: i64,
    pub pupil_id: i64,
    pub date: NaiveDate,
    pub contact_id: Option<i64>,
    pub contact_name: String,
    pub method: ContactMethod,
    pub outcome: AttemptOutcome,
    pub note: String,
    /// The absence recorded when the outcome was `explained`.
    pub absence_id: Option<Uuid>,
    pub at: DateTime<Utc>,
    pub staff_id: i64,
}

/// Who an escalated pupil goes to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "snake_case")]
pub enum EscalateTo {
    HeadTeacher,
    DutyList,
}

/// A pupil whose absence on `date` nobody could explain, handed to the head teacher or the
/// duty list (child protection: unexplained absence is followed up the same day).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Escalation {
    pub id: Uuid,
    pub school_id: i64,
    pub pupil_id: i64,
    pub date: NaiveDate,
    pub escalated_to: EscalateTo,
    pub note: String,
    /// Unanswered attempts logged that day when it was escalated.
    pub unanswered_attempts: u32,
    /// Escalated by choice before the configured number of attempts.
    pub by_choice: bool,
    pub at: DateTime<Utc>,
    pub staff_id: i64,
}

/// A school's own rules and attendance thresholds (`id` is the school's id), set on the server
/// (`desk-server school-settings`) and synced to the school's desks, so both decide alike. A
/// school without one uses [`SchoolRules::default`] and [`Thresholds::default`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SchoolSettings {
    pub id: i64,
    pub school_id: i64,
    pub rules: super::rules::SchoolRules,
    pub thresholds: super::figures::Thresholds,
}

impl SchoolSettings {
    /// The rules in force: the school's own, else the defaults.
    pub fn rules_of(settings: Option<SchoolSettings>) -> super::rules::SchoolRules {
        settings.map(|s| s.rules).unwrap_or_default()
    }
}
