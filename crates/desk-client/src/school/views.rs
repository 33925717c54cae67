//! What the school office's screens are given: plain data, serialisable as it is over IPC.

use chrono::{DateTime, NaiveDate, Utc};
use desk_domain::{Contact, Pupil};
use serde::{Deserialize, Serialize};

/// A pupil as a search lists them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct PupilView {
    pub id: i64,
    pub school_id: i64,
    pub first_name: String,
    pub last_name: String,
    pub date_of_birth: NaiveDate,
    /// P1–P7, S1–S6.
    pub stage: String,
    /// Registration class, e.g. `P4B`.
    pub class: String,
    /// Found because the name sounds like the words typed, not because it starts with them.
    pub sounds_like: bool,
}

impl PupilView {
    pub fn of(p: Pupil, sounds_like: bool) -> PupilView {
        PupilView {
            id: p.id,
            school_id: p.school_id,
            first_name: p.first_name,
            last_name: p.last_name,
            date_of_birth: p.date_of_birth,
            stage: p.stage,
            class: p.class,
            sounds_like,
        }
    }
}

/// Someone the school calls about a pupil, in the order they are to be called.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct ContactView {
    pub id: i64,
    pub name: String,
    pub relationship: String,
    pub phone: String,
    pub email: Option<String>,
    /// 1 is called first.
    pub priority: u32,
}

impl From<Contact> for ContactView {
    fn from(c: Contact) -> ContactView {
        ContactView {
            id: c.id,
            name: c.name,
            relationship: c.relationship,
            phone: c.phone,
            email: c.email,
            priority: c.priority,
        }
    }
}

/// One time the pupil's record was opened at this desk, from the audit log.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct RecordViewing {
    pub at: DateTime<Utc>,
    pub staff_id: Option<i64>,
    /// The staff member's name where this desk knows it (the one signed in), else `None`.
    pub staff_name: Option<String>,
    /// Where it was shown: "pupil page", "pupil search result", …
    pub detail: String,
}

/// The pupil page: the pupil, their school, their contacts in calling order and who viewed it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct PupilPage {
    pub pupil: PupilView,
    pub school_name: Option<String>,
    pub contacts: Vec<ContactView>,
    /// Newest first, this view included; at most [`super::VIEWINGS_SHOWN`].
    pub viewed: Vec<RecordViewing>,
    /// This school year's records, newest first, withdrawn ones included.
    pub absences: Vec<AbsenceView>,
    /// `None` when the desk holds no calendar for the pupil's school.
    pub attendance: Option<PupilAttendance>,
}

use chrono::NaiveDateTime;
use desk_domain::school::{
    AbsenceKind, AbsenceStatus, AttemptOutcome, Category, ContactMethod, DayKind, EscalateTo, Figures, Flag,
    ReportChannel,
};
use desk_domain::values::{Half, Opening};
use uuid::Uuid;

/// Morning or afternoon (`desk_domain::values::Half`, as the window sends and reads it).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub enum HalfDay {
    #[serde(rename = "AM")]
    Am,
    #[serde(rename = "PM")]
    Pm,
}

impl From<Half> for HalfDay {
    fn from(h: Half) -> HalfDay {
        match h {
            Half::Am => HalfDay::Am,
            Half::Pm => HalfDay::Pm,
        }
    }
}

impl From<HalfDay> for Half {
    fn from(h: HalfDay) -> Half {
        match h {
            HalfDay::Am => Half::Am,
            HalfDay::Pm => Half::Pm,
        }
    }
}

/// One opening: a date's morning or afternoon.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct OpeningRef {
    pub date: NaiveDate,
    pub half: HalfDay,
}

impl From<Opening> for OpeningRef {
    fn from(o: Opening) -> OpeningRef {
        OpeningRef {
            date: o.date,
            half: o.half.into(),
        }
    }
}

impl From<OpeningRef> for Opening {
    fn from(o: OpeningRef) -> Opening {
        Opening {
            date: o.date,
            half: o.half.into(),
        }
    }
}

/// Who told the office: one of the pupil's contacts (`contact_id`), or someone else by name.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct CallerInput {
    pub contact_id: Option<i64>,
    pub name: String,
    pub relationship: String,
}

/// A call as the office takes it down (`school.record_absence` without the ids the desk makes).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct AbsenceInput {
    pub pupil_id: i64,
    pub first: OpeningRef,
    pub last: OpeningRef,
    pub code: String,
    pub reason: String,
    pub caller: CallerInput,
    pub called_at: NaiveDateTime,
    pub expected_return: Option<NaiveDate>,
    pub channel: ReportChannel,
}

/// An absence record as the screens show it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct AbsenceView {
    pub id: Uuid,
    pub pupil_id: i64,
    pub pupil_name: String,
    pub class: String,
    pub kind: AbsenceKind,
    pub status: AbsenceStatus,
    /// Exactly the school's openings the record explains.
    pub openings: Vec<OpeningRef>,
    pub code: String,
    /// The code's label where the desk holds the code.
    pub code_label: Option<String>,
    pub category: Option<Category>,
    pub reason: String,
    pub caller_name: String,
    pub caller_relationship: String,
    pub called_at: NaiveDateTime,
    pub expected_return: Option<NaiveDate>,
    pub channel: ReportChannel,
    pub at_time: Option<chrono::NaiveTime>,
    pub recorded_at: DateTime<Utc>,
    /// Made on this desk and not yet confirmed by the server.
    pub pending: bool,
    /// Earlier versions of the record, oldest first: what changed and why (the domain keeps it).
    pub history: Vec<AbsenceHistoryLine>,
}

/// One earlier version of an absence record.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct AbsenceHistoryLine {
    pub revision: u32,
    pub at: DateTime<Utc>,
    /// `amended`, `note added`, `replaced`, `withdrawn`, with the reason given.
    pub what: String,
    pub openings: Vec<OpeningRef>,
    pub code: String,
    pub reason: String,
}

/// An attendance code the office may choose, with the reason in plain words.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct CodeView {
    pub code: String,
    pub label: String,
    pub category: Category,
    pub needs_note: bool,
    /// A council's own code, not one of the national SEEMiS codes.
    pub local: bool,
}

/// One weekday of the school's calendar, for the call form's small calendar.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct CalendarDay {
    pub date: NaiveDate,
    pub kind: DayKind,
    pub am: bool,
    pub pm: bool,
    pub label: String,
}

/// What the call form needs: the school's codes the office may use and its days around today.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct CallForm {
    pub pupil: PupilView,
    pub contacts: Vec<ContactView>,
    pub codes: Vec<CodeView>,
    pub days: Vec<CalendarDay>,
    pub today: NaiveDate,
}

/// A contact attempt as the worklist shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct AttemptView {
    pub id: Uuid,
    pub contact_id: Option<i64>,
    pub contact_name: String,
    pub method: ContactMethod,
    pub outcome: AttemptOutcome,
    pub note: String,
    pub at: DateTime<Utc>,
    pub pending: bool,
}

/// A pupil absent at registration whom nobody has explained yet.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct WorklistEntry {
    pub pupil: PupilView,
    /// The openings marked absent and not explained.
    pub openings: Vec<OpeningRef>,
    /// In calling order.
    pub contacts: Vec<ContactView>,
    pub attempts: Vec<AttemptView>,
    /// Unanswered attempts today.
    pub unanswered: u32,
    /// Enough unanswered attempts for the pupil to go to the head teacher or duty list.
    pub due_for_escalation: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct EscalationView {
    pub id: Uuid,
    pub pupil_id: i64,
    pub pupil_name: String,
    pub class: String,
    pub to: EscalateTo,
    pub note: String,
    pub unanswered_attempts: u32,
    pub by_choice: bool,
    pub at: DateTime<Utc>,
    pub pending: bool,
}

/// The school office's day at a glance.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct TodayView {
    pub school_id: i64,
    pub school_name: String,
    pub date: NaiveDate,
    /// Absences (not lates) recorded today, newest first.
    pub reported: Vec<AbsenceView>,
    /// Pupils still unexplained (the worklist's length).
    pub unexplained_left: u32,
    /// Pupils marked absent at registration today, explained or not.
    pub marked_absent: u32,
    pub late: Vec<AbsenceView>,
    pub escalations: Vec<EscalationView>,
}

/// The school office's school(s) on this desk.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct SchoolView {
    pub id: i64,
    pub name: String,
}

/// Attendance over a range, as counts and percentages (`None` with no possible openings).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct AttendanceView {
    pub from: NaiveDate,
    pub to: NaiveDate,
    pub possible: u32,
    pub attended: u32,
    pub authorised: u32,
    pub unauthorised: u32,
    pub exclusion: u32,
    pub attendance_percent: Option<f64>,
    pub authorised_percent: Option<f64>,
    pub unauthorised_percent: Option<f64>,
    pub exclusion_percent: Option<f64>,
    pub flag: Flag,
}

impl AttendanceView {
    pub fn of(f: &Figures, from: NaiveDate, to: NaiveDate, flag: Flag) -> AttendanceView {
        AttendanceView {
            from,
            to,
            possible: f.possible(),
            attended: f.attendance,
            authorised: f.authorised,
            unauthorised: f.unauthorised,
            exclusion: f.exclusion,
            attendance_percent: f.attendance_percent(),
            authorised_percent: f.authorised_percent(),
            unauthorised_percent: f.unauthorised_percent(),
            exclusion_percent: f.exclusion_percent(),
            flag,
        }
    }
}

/// One school week of the pupil's year: the week-by-week picture on the pupil page.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct WeekAttendance {
    /// The Monday the week starts.
    pub week_of: NaiveDate,
    pub possible: u32,
    pub attended: u32,
    pub attendance_percent: Option<f64>,
}

/// A pupil's attendance this school year: the figure, its flag and the weeks.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct PupilAttendance {
    pub year_label: Option<String>,
    pub year_to_date: AttendanceView,
    pub weeks: Vec<WeekAttendance>,
}

/// A pupil's figure in a school-wide list (a class list's column).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct PupilFigure {
    pub pupil_id: i64,
    pub class: String,
    pub attendance_percent: Option<f64>,
    pub flag: Flag,
}

/// One pupil's line in a class list.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct ClassPupil {
    pub pupil_id: i64,
    pub name: String,
    /// `None` when the pupil had no possible openings in the range.
    pub attendance_percent: Option<f64>,
    pub flag: Flag,
}

/// One class and its pupils, by surname.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct ClassList {
    pub class: String,
    pub pupils: Vec<ClassPupil>,
}

/// The school's class lists, year to date.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct ClassLists {
    pub school_id: i64,
    pub school_name: String,
    pub year_label: Option<String>,
    pub from: Option<NaiveDate>,
    pub to: NaiveDate,
    pub classes: Vec<ClassList>,
}
