//! The school office's changes: each a `desk_domain::school` command recorded through the core
//! ([`Desk::record_command`]) with the view to show read back in the same transaction.

use chrono::{NaiveDate, NaiveTime};
use desk_domain::school::{
    AbsenceChange, AmendAbsence, AttemptOutcome, Caller, ContactMethod, Escalate, EscalateTo, LogContactAttempt,
    RecordAbsence, RecordEarlyLeave, RecordLate, ReportChannel, WithdrawAbsence,
};
use desk_domain::{Channel, Command};
use uuid::Uuid;

use super::SchoolOffice;
use super::days::{absence_view, escalation_view};
use super::reads;
use super::views::{AbsenceInput, AbsenceView, AttemptView, CallerInput, EscalationView, OpeningRef};
use crate::DeskError;
use crate::desk::{MAX_TEXT, check_id, check_text};

/// The longest note a desk sends (the domain's rules hold the school's own limit, 200 by
/// default, and refuse longer ones with words for staff; this only bounds what crosses IPC).
const MAX_INPUT_NOTE: usize = 2000;

/// The envelope's channel for how the office heard (email and text both arrive in writing).
fn channel_of(c: ReportChannel) -> Channel {
    match c {
        ReportChannel::Phone => Channel::Telephone,
        ReportChannel::Email | ReportChannel::Text => Channel::Email,
        ReportChannel::InPerson => Channel::FaceToFace,
    }
}

fn caller_of(c: CallerInput) -> Result<Caller, DeskError> {
    check_text("The caller's name", &c.name, MAX_TEXT, false)?;
    check_text("The caller's relationship", &c.relationship, MAX_TEXT, false)?;
    if let Some(id) = c.contact_id {
        check_id("The contact id", id)?;
    }
    // A contact's name comes from the contact record; anyone else must be named.
    if c.contact_id.is_none() && c.name.trim().is_empty() {
        return Err(DeskError::invalid("Enter the name of the person who called."));
    }
    Ok(Caller {
        contact_id: c.contact_id,
        name: c.name.trim().to_owned(),
        relationship: c.relationship.trim().to_owned(),
    })
}

fn record_of(input: AbsenceInput) -> Result<RecordAbsence, DeskError> {
    check_id("The pupil id", input.pupil_id)?;
    check_text("The reason", &input.reason, MAX_INPUT_NOTE, true)?;
    check_text("The code", &input.code, MAX_TEXT, false)?;
    Ok(RecordAbsence {
        absence_id: Uuid::now_v7(),
        pupil_id: input.pupil_id,
        first: input.first.into(),
        last: input.last.into(),
        code: input.code.trim().to_owned(),
        reason: input.reason.trim().to_owned(),
        caller: caller_of(input.caller)?,
        called_at: input.called_at,
        expected_return: input.expected_return,
        channel: input.channel,
    })
}

impl SchoolOffice<'_> {
    /// Records a call: the pupil is absent for the school's openings from `first` to `last`
    /// (weekends, holidays and in-service days skipped). Shown at once, pending; refused here,
    /// with nothing recorded, when the rules say no (openings already explained, outside the
    /// school year, too far ahead, a code the office may not use, a pupil not on the roll).
    pub async fn record_absence(&self, input: AbsenceInput) -> Result<AbsenceView, DeskError> {
        let channel = channel_of(input.channel);
        let cmd = record_of(input)?;
        let id = cmd.absence_id;
        self.desk
            .record_command(Command::from(cmd), channel, move |conn| shown_absence(conn, id))
            .await
    }

    /// Changes an absence's openings, code, reason or expected return; `why` is kept in the
    /// record's history. The rules check the new openings as for a new call.
    #[allow(clippy::too_many_arguments)]
    pub async fn amend_absence(
        &self,
        absence_id: Uuid,
        first: OpeningRef,
        last: OpeningRef,
        code: &str,
        reason: &str,
        expected_return: Option<NaiveDate>,
        why: &str,
    ) -> Result<AbsenceView, DeskError> {
        check_text("The reason", reason, MAX_INPUT_NOTE, true)?;
        check_text("The code", code, MAX_TEXT, false)?;
        check_text("Why it changed", why, MAX_INPUT_NOTE, true)?;
        let cmd = Command::from(AmendAbsence {
            absence_id,
            change: AbsenceChange::Amend {
                first: first.into(),
                last: last.into(),
                code: code.trim().to_owned(),
                reason: reason.trim().to_owned(),
                expected_return,
            },
            why: why.trim().to_owned(),
        });
        self.desk
            .record_command(cmd, Channel::Telephone, move |conn| shown_absence(conn, absence_id))
            .await
    }

    /// Withdraws an absence recorded in error; the record stays, withdrawn, with `reason` in
    /// its history (the rules refuse a withdrawal without one).
    pub async fn withdraw_absence(&self, absence_id: Uuid, reason: &str) -> Result<AbsenceView, DeskError> {
        check_text("The reason", reason, MAX_INPUT_NOTE, true)?;
        let cmd = Command::from(WithdrawAbsence {
            absence_id,
            reason: reason.trim().to_owned(),
        });
        self.desk
            .record_command(cmd, Channel::Telephone, move |conn| shown_absence(conn, absence_id))
            .await
    }

    /// A pupil signs in late at the office at `arrived_at` on `date`. The school's rules pick
    /// the opening and the code (Late 1, or the late-as-absence code after registers close);
    /// the view returned carries the code given, for the confirmation.
    pub async fn record_late(
        &self,
        pupil_id: i64,
        date: NaiveDate,
        arrived_at: NaiveTime,
        reason: &str,
    ) -> Result<AbsenceView, DeskError> {
        check_id("The pupil id", pupil_id)?;
        check_text("The reason", reason, MAX_INPUT_NOTE, true)?;
        let id = Uuid::now_v7();
        let cmd = Command::from(RecordLate {
            absence_id: id,
            pupil_id,
            date,
            arrived_at,
            reason: reason.trim().to_owned(),
        });
        self.desk
            .record_command(cmd, Channel::FaceToFace, move |conn| shown_absence(conn, id))
            .await
    }

    /// A pupil is collected at `left_at` on `date` by `collected_by`: the day's openings after
    /// the one they leave in are recorded with `code`.
    pub async fn record_early_leave(
        &self,
        pupil_id: i64,
        date: NaiveDate,
        left_at: NaiveTime,
        code: &str,
        reason: &str,
        collected_by: CallerInput,
    ) -> Result<AbsenceView, DeskError> {
        check_id("The pupil id", pupil_id)?;
        check_text("The reason", reason, MAX_INPUT_NOTE, true)?;
        check_text("The code", code, MAX_TEXT, false)?;
        let id = Uuid::now_v7();
        let cmd = Command::from(RecordEarlyLeave {
            absence_id: id,
            pupil_id,
            date,
            left_at,
            code: code.trim().to_owned(),
            reason: reason.trim().to_owned(),
            collected_by: caller_of(collected_by)?,
        });
        self.desk
            .record_command(cmd, Channel::FaceToFace, move |conn| shown_absence(conn, id))
            .await
    }

    /// Logs one try at reaching a contact about the pupil's unexplained absence on `date`. With
    /// the outcome `explained`, `explanation` is the absence recorded in the same command.
    #[allow(clippy::too_many_arguments)]
    pub async fn log_contact_attempt(
        &self,
        pupil_id: i64,
        date: NaiveDate,
        contact_id: Option<i64>,
        method: ContactMethod,
        outcome: AttemptOutcome,
        note: &str,
        explanation: Option<AbsenceInput>,
    ) -> Result<AttemptView, DeskError> {
        check_id("The pupil id", pupil_id)?;
        if let Some(id) = contact_id {
            check_id("The contact id", id)?;
        }
        check_text("The note", note, MAX_INPUT_NOTE, true)?;
        let explanation = match explanation {
            Some(e) if outcome == AttemptOutcome::Explained => Some(record_of(e)?),
            Some(_) => {
                return Err(DeskError::invalid(
                    "Only an attempt where the contact explained the absence records one.",
                ));
            }
            None => None,
        };
        let attempt_id = Uuid::now_v7();
        let cmd = Command::from(LogContactAttempt {
            attempt_id,
            pupil_id,
            date,
            contact_id,
            method,
            outcome,
            note: note.trim().to_owned(),
            explanation,
        });
        let channel = match method {
            ContactMethod::Phone => Channel::Telephone,
            ContactMethod::Email | ContactMethod::Text => Channel::Email,
            ContactMethod::InPerson => Channel::FaceToFace,
        };
        self.desk
            .record_command(cmd, channel, move |conn| {
                reads::attempts_on(conn, pupil_id, date)?
                    .into_iter()
                    .find(|a| a.record.id == attempt_id)
                    .map(super::days::attempt_view)
                    .ok_or_else(|| DeskError::Store(format!("attempt {attempt_id} vanished while being recorded")))
            })
            .await
    }

    /// Hands the pupil's unexplained absence on `date` to the head teacher or the duty list.
    pub async fn escalate(
        &self,
        pupil_id: i64,
        date: NaiveDate,
        to: EscalateTo,
        note: &str,
        by_choice: bool,
    ) -> Result<EscalationView, DeskError> {
        check_id("The pupil id", pupil_id)?;
        check_text("The note", note, MAX_INPUT_NOTE, true)?;
        let escalation_id = Uuid::now_v7();
        let cmd = Command::from(Escalate {
            escalation_id,
            pupil_id,
            date,
            to,
            note: note.trim().to_owned(),
            by_choice,
        });
        self.desk
            .record_command(cmd, Channel::Telephone, move |conn| {
                let pupil = reads::pupil(conn, pupil_id)?;
                let school = pupil.as_ref().map_or(0, |p| p.school_id);
                reads::escalations_of_day(conn, school, date)?
                    .into_iter()
                    .find(|e| e.record.id == escalation_id)
                    .map(|e| escalation_view(conn, e))
                    .transpose()?
                    .ok_or_else(|| {
                        DeskError::Store(format!("escalation {escalation_id} vanished while being recorded"))
                    })
            })
            .await
    }

    /// Takes the choice a Needs attention item offers for a call whose openings another desk
    /// explained first: "add my note to it" or "replace it" (a supervisor's). Returns the
    /// existing record as it now stands on this desk.
    pub async fn take_alternative(&self, item_id: Uuid, alternative: usize) -> Result<AbsenceView, DeskError> {
        self.desk
            .take_alternative_as(item_id, alternative, |conn, cmd| {
                let Command::School(desk_domain::school::Command::AmendAbsence(a)) = cmd else {
                    return Err(DeskError::Store("an alternative that is not an absence record".into()));
                };
                shown_absence(conn, a.absence_id)
            })
            .await
    }
}

pub(crate) fn shown_absence(conn: &rusqlite::Connection, id: Uuid) -> Result<AbsenceView, DeskError> {
    let a = reads::absence(conn, id)?
        .ok_or_else(|| DeskError::Store(format!("absence {id} vanished while being recorded")))?;
    absence_view(conn, a)
}

/// Today on this desk's clock, for the day views.
pub(crate) fn today() -> NaiveDate {
    crate::desk::local_now().date()
}
