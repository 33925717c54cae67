//! The school office's commands and their arguments, declared once.

use chrono::{NaiveDate, NaiveDateTime, NaiveTime};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::records::{AttemptOutcome, Caller, ContactMethod, EscalateTo, ReportChannel};
use crate::values::Opening;

/// A parent's call (or email, or word at the door): the pupil is off for these openings.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RecordAbsence {
    /// Made on the desk, so the desk can show and amend the record before the server has it.
    pub absence_id: Uuid,
    pub pupil_id: i64,
    pub first: Opening,
    pub last: Opening,
    pub code: String,
    pub reason: String,
    pub caller: Caller,
    pub called_at: NaiveDateTime,
    pub expected_return: Option<NaiveDate>,
    pub channel: ReportChannel,
}

/// What an amendment changes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum AbsenceChange {
    /// New openings, code, reason or expected return (caller and channel stay).
    Amend {
        first: Opening,
        last: Opening,
        code: String,
        reason: String,
        expected_return: Option<NaiveDate>,
    },
    /// A second caller's words added to the reason ("add my note to it").
    AddNote {
        note: String,
        caller: Caller,
        called_at: NaiveDateTime,
    },
    /// The whole record replaced by another call's (a supervisor's choice).
    Replace(Box<RecordAbsence>),
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AmendAbsence {
    pub absence_id: Uuid,
    pub change: AbsenceChange,
    /// Why it was changed, kept in the record's history.
    pub why: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct WithdrawAbsence {
    pub absence_id: Uuid,
    pub reason: String,
}

/// A pupil signed in late at the office. The opening and code follow from the time.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RecordLate {
    pub absence_id: Uuid,
    pub pupil_id: i64,
    pub date: NaiveDate,
    pub arrived_at: NaiveTime,
    pub reason: String,
}

/// A pupil collected during the day: the day's openings after the one they leave in are
/// recorded with `code`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RecordEarlyLeave {
    pub absence_id: Uuid,
    pub pupil_id: i64,
    pub date: NaiveDate,
    pub left_at: NaiveTime,
    pub code: String,
    pub reason: String,
    /// Who collected the pupil.
    pub collected_by: Caller,
}

/// One try at reaching a contact about an unexplained absence on `date`. With the outcome
/// `explained`, `explanation` is the absence to record, in the same command.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LogContactAttempt {
    pub attempt_id: Uuid,
    pub pupil_id: i64,
    pub date: NaiveDate,
    pub contact_id: Option<i64>,
    pub method: ContactMethod,
    pub outcome: AttemptOutcome,
    pub note: String,
    pub explanation: Option<RecordAbsence>,
}

/// The pupil's unexplained absence on `date` goes to the head teacher or the duty list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Escalate {
    pub escalation_id: Uuid,
    pub pupil_id: i64,
    pub date: NaiveDate,
    pub to: EscalateTo,
    pub note: String,
    /// Before the configured number of unanswered attempts: the member of staff's judgement.
    pub by_choice: bool,
}

crate::service_commands! {
    pub enum Command {
        RecordAbsence(RecordAbsence) = "school.record_absence", version 1,
        AmendAbsence(AmendAbsence) = "school.amend_absence", version 1,
        WithdrawAbsence(WithdrawAbsence) = "school.withdraw_absence", version 1,
        RecordLate(RecordLate) = "school.record_late", version 1,
        RecordEarlyLeave(RecordEarlyLeave) = "school.record_early_leave", version 1,
        LogContactAttempt(LogContactAttempt) = "school.log_contact_attempt", version 1,
        Escalate(Escalate) = "school.escalate", version 1,
    }
}

/// A school office keeps every argument as entered.
impl crate::service::KeptArgs for Command {}
