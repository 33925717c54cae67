//! The one place a school command's state change is written. The server runs `decide` in the
//! command's transaction; a desk runs it over its replica plus pending overlay, offline.

use chrono::NaiveDate;
use uuid::Uuid;

use super::Code;
use super::command::*;
use super::records::*;
use super::rules::{self, Lateness, SchoolRules};
use crate::effect::{AuditNote, Effect, Record, RecordKind};
use crate::refusal::{CommonCode, Refusal};
use crate::service::{Ctx, Decision, Source};
use crate::values::{Half, Opening};
use crate::wire::Alternative;
use crate::{Bucket, Contact, Pupil};

/// The reads the school rules need. The server answers from its database in the command's
/// transaction; a desk from replica + overlay.
pub trait Facts: Source {
    fn pupil(&mut self, id: i64) -> Result<Option<Pupil>, Self::Error>;
    fn contact(&mut self, id: i64) -> Result<Option<Contact>, Self::Error>;
    /// The school's code (`AttendanceCode::key(school_id, code)`).
    fn attendance_code(&mut self, school_id: i64, code: &str) -> Result<Option<AttendanceCode>, Self::Error>;
    /// The school year `date` falls in (`SchoolYear::key(school_id, date)`).
    fn school_year(&mut self, school_id: i64, date: NaiveDate) -> Result<Option<SchoolYear>, Self::Error>;
    /// The school's calendar days from `from` to `to` inclusive.
    fn school_days(&mut self, school_id: i64, from: NaiveDate, to: NaiveDate) -> Result<Vec<SchoolDay>, Self::Error>;
    fn absence(&mut self, id: Uuid) -> Result<Option<Absence>, Self::Error>;
    /// Every absence record of the pupil, withdrawn ones included.
    fn absences_of(&mut self, pupil_id: i64) -> Result<Vec<Absence>, Self::Error>;
    /// Contact attempts about the pupil's absence on `date`.
    fn attempts_on(&mut self, pupil_id: i64, date: NaiveDate) -> Result<Vec<ContactAttempt>, Self::Error>;
    /// Is there a contact attempt or escalation with this id already?
    fn id_taken(&mut self, id: Uuid) -> Result<bool, Self::Error>;
    /// The school's configured rules.
    fn rules(&mut self, school_id: i64) -> Result<SchoolRules, Self::Error>;
    /// May the caller replace another record in this bucket (a supervisor)?
    fn may_supervise(&self, bucket: &Bucket) -> bool;
}

type Step<T> = Result<T, Refusal>;

/// Runs a rule step: a refusal ends the decision, a read failure ends it with the error.
macro_rules! check {
    ($e:expr) => {
        match $e? {
            Ok(v) => v,
            Err(refusal) => return Ok(Err(refusal)),
        }
    };
}

pub fn decide<F: Facts + ?Sized>(facts: &mut F, cmd: &Command, ctx: &Ctx) -> Result<Decision, F::Error> {
    match cmd {
        Command::RecordAbsence(a) => record_absence(facts, a, ctx, "school.record_absence"),
        Command::AmendAbsence(a) => amend_absence(facts, a, ctx),
        Command::WithdrawAbsence(a) => withdraw_absence(facts, a, ctx),
        Command::RecordLate(a) => record_late(facts, a, ctx),
        Command::RecordEarlyLeave(a) => record_early_leave(facts, a, ctx),
        Command::LogContactAttempt(a) => log_contact_attempt(facts, a, ctx),
        Command::Escalate(a) => escalate(facts, a, ctx),
    }
}

fn refuse<T>(code: Code, message: impl Into<String>) -> Step<T> {
    Err(Refusal::new(code, message))
}

/// Checks a free-text note: at most `max` characters, no control characters but line breaks.
pub fn check_note(what: &str, text: &str, max: usize) -> Step<String> {
    let text = text.trim();
    let chars = text.chars().count();
    if chars > max {
        return refuse(
            Code::InvalidNote,
            format!("The {what} can be at most {max} characters long (this one has {chars})."),
        );
    }
    if text.chars().any(|c| c.is_control() && !matches!(c, '\n' | '\t')) {
        return refuse(
            Code::InvalidNote,
            format!("The {what} must not contain control characters."),
        );
    }
    Ok(text.to_owned())
}

fn pupil_name(p: &Pupil) -> String {
    format!("{} {} ({})", p.first_name, p.last_name, p.class)
}

/// The pupil, in the caller's scope.
fn pupil_in_scope<F: Facts + ?Sized>(facts: &mut F, id: i64) -> Result<Step<Pupil>, F::Error> {
    let Some(pupil) = facts.pupil(id)? else {
        return Ok(refuse(Code::UnknownPupil, format!("There is no pupil {id}.")));
    };
    if !facts.may_write(&Bucket::School(pupil.school_id)) {
        return Ok(Err(Refusal::new(
            CommonCode::OutOfScope,
            "This pupil belongs to a school outside your sites, so nothing can be recorded from this desk.",
        )));
    }
    Ok(Ok(pupil))
}

/// A code the office may use on `date`, and the reason it needs.
fn usable_code<F: Facts + ?Sized>(
    facts: &mut F,
    school_id: i64,
    code: &str,
    date: NaiveDate,
    reason: &str,
) -> Result<Step<AttendanceCode>, F::Error> {
    let found = facts.attendance_code(school_id, code)?;
    let Some(c) = found.filter(|c| c.valid_on(date)) else {
        return Ok(refuse(
            Code::CodeNotAllowed,
            format!("`{code}` is not an attendance code this school can use on {date}."),
        ));
    };
    if !c.office_may_use {
        return Ok(refuse(
            Code::CodeNotAllowed,
            format!("{} ({}) is not entered by the office.", c.label, c.code),
        ));
    }
    if c.needs_note && reason.trim().is_empty() {
        return Ok(refuse(
            Code::NoteRequired,
            format!("{} ({}) needs a reason note.", c.label, c.code),
        ));
    }
    Ok(Ok(c))
}

/// The openings `first..=last` covers at the pupil's school, checked against the school year,
/// the 60-day limit and the pupil's time on the roll.
fn covered_openings<F: Facts + ?Sized>(
    facts: &mut F,
    pupil: &Pupil,
    first: Opening,
    last: Opening,
    rules: &SchoolRules,
    ctx: &Ctx,
) -> Result<Step<Vec<Opening>>, F::Error> {
    if last < first {
        return Ok(refuse(
            Code::EndBeforeStart,
            format!("The last opening ({last}) comes before the first ({first})."),
        ));
    }
    let year = facts.school_year(pupil.school_id, first.date)?;
    let Some(year) = year.filter(|y| y.contains(first.date) && y.contains(last.date)) else {
        return Ok(refuse(
            Code::OutsideSchoolYear,
            format!(
                "{} to {} is not inside a school year this school has a calendar for.",
                first.date, last.date
            ),
        ));
    };
    let today = ctx.now.date();
    if last.date > today {
        let from = today.max(year.first_day);
        let days = facts.school_days(pupil.school_id, from, last.date)?;
        let ahead = rules::school_days_ahead(&days, today, last.date);
        if ahead > rules.max_school_days_ahead {
            return Ok(refuse(
                Code::TooFarAhead,
                format!(
                    "{} is {ahead} school days ahead; absences can be recorded at most {} school days ahead.",
                    last.date, rules.max_school_days_ahead
                ),
            ));
        }
    }
    if !pupil.on_roll(first.date) || !pupil.on_roll(last.date) {
        return Ok(refuse(
            Code::NotOnRoll,
            format!(
                "{} is not on the school's roll from {} to {}.",
                pupil_name(pupil),
                first.date,
                last.date
            ),
        ));
    }
    let days = facts.school_days(pupil.school_id, first.date, last.date)?;
    let openings = rules::openings(&days, first, last);
    if openings.is_empty() {
        return Ok(refuse(
            Code::NoOpenings,
            format!("The school has no openings from {first} to {last} (weekend, holiday or in-service days)."),
        ));
    }
    Ok(Ok(openings))
}

/// The first recorded absence (other than `except`) that explains any of `openings`.
fn clash<F: Facts + ?Sized>(
    facts: &mut F,
    pupil_id: i64,
    openings: &[Opening],
    except: Option<Uuid>,
) -> Result<Option<Absence>, F::Error> {
    Ok(facts
        .absences_of(pupil_id)?
        .into_iter()
        .filter(|a| Some(a.id) != except)
        .find(|a| openings.iter().any(|o| a.explains(*o))))
}

/// The existing record in words, for the refusal and its alternatives.
pub fn describe(a: &Absence) -> String {
    let span = if a.first() == a.last() {
        a.first().to_string()
    } else {
        format!("{} to {}", a.first(), a.last())
    };
    format!(
        "{span}, code {}, \"{}\" — {} ({}) called, recorded by staff {}",
        a.code, a.reason, a.caller.name, a.caller.relationship, a.recorded_by
    )
}

fn explained_refusal(existing: &Absence) -> Refusal {
    let summary = describe(existing);
    Refusal::new(
        Code::OpeningsExplained,
        format!("Some of these openings are already explained: {summary}. Amend that record instead."),
    )
    .with_alternatives(vec![
        Alternative::AddToAbsence {
            absence_id: existing.id,
            summary: summary.clone(),
        },
        Alternative::ReplaceAbsence {
            absence_id: existing.id,
            summary,
        },
    ])
}

fn check_caller<F: Facts + ?Sized>(facts: &mut F, pupil: &Pupil, caller: &Caller) -> Result<Step<Caller>, F::Error> {
    let mut caller = caller.clone();
    if let Some(id) = caller.contact_id {
        match facts.contact(id)? {
            Some(c) if c.pupil_id == pupil.id => {
                if caller.name.trim().is_empty() {
                    caller.name.clone_from(&c.name);
                }
                if caller.relationship.trim().is_empty() {
                    caller.relationship.clone_from(&c.relationship);
                }
            }
            _ => {
                return Ok(refuse(
                    Code::UnknownContact,
                    format!("Contact {id} is not one of {}'s contacts.", pupil_name(pupil)),
                ));
            }
        }
    }
    caller.name = caller.name.trim().to_owned();
    caller.relationship = caller.relationship.trim().to_owned();
    if caller.name.is_empty() {
        return Ok(refuse(
            Code::CallerNameMissing,
            "Who called? Give their name (or pick one of the pupil's contacts).",
        ));
    }
    if caller.name.chars().count() > 100 || caller.relationship.chars().count() > 60 {
        return Ok(refuse(
            Code::InvalidNote,
            "The caller's name or relationship is too long.",
        ));
    }
    Ok(Ok(caller))
}

fn audit(a: &Absence, what: &str) -> Effect {
    Effect::Audit(AuditNote {
        kind: RecordKind::Absence,
        record_id: a.id.to_string(),
        person_id: Some(a.pupil_id),
        detail: what.to_owned(),
    })
}

/// A new absence record from a call, every rule checked.
fn new_absence<F: Facts + ?Sized>(
    facts: &mut F,
    a: &RecordAbsence,
    ctx: &Ctx,
    kind: AbsenceKind,
) -> Result<Step<Absence>, F::Error> {
    let pupil = check!(pupil_in_scope(facts, a.pupil_id));
    if facts.absence(a.absence_id)?.is_some() {
        return Ok(refuse(
            Code::DuplicateId,
            format!("An absence record {} already exists.", a.absence_id),
        ));
    }
    let rules = facts.rules(pupil.school_id)?;
    let reason = check!(Ok::<_, F::Error>(check_note("reason", &a.reason, rules.max_note)));
    let caller = check!(check_caller(facts, &pupil, &a.caller));
    let openings = check!(covered_openings(facts, &pupil, a.first, a.last, &rules, ctx));
    check!(usable_code(facts, pupil.school_id, &a.code, a.first.date, &reason));
    if let Some(existing) = clash(facts, pupil.id, &openings, None)? {
        return Ok(Err(explained_refusal(&existing)));
    }
    Ok(Ok(Absence {
        id: a.absence_id,
        school_id: pupil.school_id,
        pupil_id: pupil.id,
        kind,
        status: AbsenceStatus::Recorded,
        first_date: a.first.date,
        first_half: a.first.half,
        last_date: a.last.date,
        last_half: a.last.half,
        openings,
        code: a.code.clone(),
        reason,
        caller,
        called_at: a.called_at,
        expected_return: a.expected_return,
        channel: a.channel,
        at_time: None,
        revision: 1,
        history: Vec::new(),
        recorded_by: ctx.staff_id,
        recorded_at: ctx.at,
        updated_by: ctx.staff_id,
        updated_at: ctx.at,
    }))
}

fn record_absence<F: Facts + ?Sized>(
    facts: &mut F,
    a: &RecordAbsence,
    ctx: &Ctx,
    why: &str,
) -> Result<Decision, F::Error> {
    let absence = check!(new_absence(facts, a, ctx, AbsenceKind::Absence));
    Ok(Ok(vec![audit(&absence, why), Effect::Put(Record::synced(&absence))]))
}

/// Keeps the record's state before a change in its history and moves its revision.
fn revise(a: &mut Absence, what: String, ctx: &Ctx) {
    a.history.push(AbsenceRevision {
        revision: a.revision,
        at: ctx.at,
        staff_id: ctx.staff_id,
        what,
        openings: a.openings.clone(),
        code: a.code.clone(),
        reason: a.reason.clone(),
    });
    a.revision += 1;
    a.updated_by = ctx.staff_id;
    a.updated_at = ctx.at;
}

/// The record to change, in scope and not withdrawn.
fn live_absence<F: Facts + ?Sized>(facts: &mut F, id: Uuid) -> Result<Step<Absence>, F::Error> {
    let Some(a) = facts.absence(id)? else {
        return Ok(refuse(
            Code::UnknownAbsence,
            format!("There is no absence record {id}."),
        ));
    };
    if !facts.may_write(&Bucket::School(a.school_id)) {
        return Ok(Err(Refusal::new(
            CommonCode::OutOfScope,
            "This record belongs to a school outside your sites.",
        )));
    }
    if a.status == AbsenceStatus::Withdrawn {
        return Ok(refuse(
            Code::AlreadyWithdrawn,
            "This absence record has been withdrawn.",
        ));
    }
    Ok(Ok(a))
}

fn amend_absence<F: Facts + ?Sized>(facts: &mut F, a: &AmendAbsence, ctx: &Ctx) -> Result<Decision, F::Error> {
    let mut absence = check!(live_absence(facts, a.absence_id));
    let pupil = check!(pupil_in_scope(facts, absence.pupil_id));
    let rules = facts.rules(pupil.school_id)?;
    let why = check!(Ok::<_, F::Error>(check_note(
        "reason for the change",
        &a.why,
        rules.max_note
    )));
    let words = match &a.change {
        AbsenceChange::Amend {
            first,
            last,
            code,
            reason,
            expected_return,
        } => {
            let reason = check!(Ok::<_, F::Error>(check_note("reason", reason, rules.max_note)));
            let openings = check!(covered_openings(facts, &pupil, *first, *last, &rules, ctx));
            check!(usable_code(facts, pupil.school_id, code, first.date, &reason));
            if let Some(existing) = clash(facts, pupil.id, &openings, Some(absence.id))? {
                return Ok(Err(explained_refusal(&existing)));
            }
            revise(&mut absence, format!("amended: {why}"), ctx);
            absence.first_date = first.date;
            absence.first_half = first.half;
            absence.last_date = last.date;
            absence.last_half = last.half;
            absence.openings = openings;
            absence.code.clone_from(code);
            absence.reason = reason;
            absence.expected_return = *expected_return;
            "school.amend_absence"
        }
        AbsenceChange::AddNote {
            note,
            caller,
            called_at,
        } => {
            let note = check!(Ok::<_, F::Error>(check_note("note", note, rules.max_note)));
            let caller = check!(check_caller(facts, &pupil, caller));
            let joined = if absence.reason.is_empty() {
                format!("{} ({}): {note}", caller.name, called_at.format("%H:%M"))
            } else {
                format!(
                    "{} / {} ({}): {note}",
                    absence.reason,
                    caller.name,
                    called_at.format("%H:%M")
                )
            };
            // The joined reason is allowed past the limit once: both calls' words are kept.
            revise(&mut absence, format!("note added: {why}"), ctx);
            absence.reason = joined;
            "school.amend_absence (note added)"
        }
        AbsenceChange::Replace(new) => {
            if !facts.may_supervise(&Bucket::School(pupil.school_id)) {
                return Ok(refuse(
                    Code::SupervisorOnly,
                    "Only a supervisor can replace another record; add your note to it instead.",
                ));
            }
            if new.pupil_id != absence.pupil_id {
                return Ok(refuse(
                    Code::UnknownAbsence,
                    "The replacement is for another pupil than the record it replaces.",
                ));
            }
            let reason = check!(Ok::<_, F::Error>(check_note("reason", &new.reason, rules.max_note)));
            let caller = check!(check_caller(facts, &pupil, &new.caller));
            let openings = check!(covered_openings(facts, &pupil, new.first, new.last, &rules, ctx));
            check!(usable_code(facts, pupil.school_id, &new.code, new.first.date, &reason));
            if let Some(existing) = clash(facts, pupil.id, &openings, Some(absence.id))? {
                return Ok(Err(explained_refusal(&existing)));
            }
            revise(&mut absence, format!("replaced: {why}"), ctx);
            absence.first_date = new.first.date;
            absence.first_half = new.first.half;
            absence.last_date = new.last.date;
            absence.last_half = new.last.half;
            absence.openings = openings;
            absence.code.clone_from(&new.code);
            absence.reason = reason;
            absence.caller = caller;
            absence.called_at = new.called_at;
            absence.expected_return = new.expected_return;
            absence.channel = new.channel;
            "school.amend_absence (replaced)"
        }
    };
    Ok(Ok(vec![audit(&absence, words), Effect::Put(Record::synced(&absence))]))
}

fn withdraw_absence<F: Facts + ?Sized>(facts: &mut F, a: &WithdrawAbsence, ctx: &Ctx) -> Result<Decision, F::Error> {
    let mut absence = check!(live_absence(facts, a.absence_id));
    let rules = facts.rules(absence.school_id)?;
    let reason = check!(Ok::<_, F::Error>(check_note("reason", &a.reason, rules.max_note)));
    if reason.is_empty() {
        return Ok(refuse(Code::NoteRequired, "Say why the record is withdrawn."));
    }
    revise(&mut absence, format!("withdrawn: {reason}"), ctx);
    absence.status = AbsenceStatus::Withdrawn;
    Ok(Ok(vec![
        audit(&absence, "school.withdraw_absence"),
        Effect::Put(Record::synced(&absence)),
    ]))
}

/// One day's openings as a record made at the office (late or early leave).
fn day_record<F: Facts + ?Sized>(
    facts: &mut F,
    id: Uuid,
    pupil: &Pupil,
    halves: &[Half],
    date: NaiveDate,
    rules: &SchoolRules,
    ctx: &Ctx,
) -> Result<Step<Vec<Opening>>, F::Error> {
    if facts.absence(id)?.is_some() {
        return Ok(refuse(
            Code::DuplicateId,
            format!("An absence record {id} already exists."),
        ));
    }
    let day = Opening { date, half: Half::Am };
    let whole = check!(covered_openings(
        facts,
        pupil,
        day,
        Opening { date, half: Half::Pm },
        rules,
        ctx
    ));
    let openings: Vec<Opening> = whole.into_iter().filter(|o| halves.contains(&o.half)).collect();
    if let Some(existing) = clash(facts, pupil.id, &openings, None)? {
        return Ok(Err(explained_refusal(&existing)));
    }
    Ok(Ok(openings))
}

fn record_late<F: Facts + ?Sized>(facts: &mut F, a: &RecordLate, ctx: &Ctx) -> Result<Decision, F::Error> {
    let pupil = check!(pupil_in_scope(facts, a.pupil_id));
    let rules = facts.rules(pupil.school_id)?;
    let reason = check!(Ok::<_, F::Error>(check_note("reason", &a.reason, rules.max_note)));
    let Some(lateness) = rules.lateness(a.arrived_at) else {
        return Ok(refuse(
            Code::OutsideSchoolDay,
            format!(
                "{} is not during an opening, so it is not a late arrival.",
                a.arrived_at.format("%H:%M")
            ),
        ));
    };
    let (half, code) = match lateness {
        Lateness::Late1(h) => (h, rules.late_present_code.clone()),
        Lateness::Late2(h) => (h, rules.late_absence_code.clone()),
    };
    let openings = check!(day_record(facts, a.absence_id, &pupil, &[half], a.date, &rules, ctx));
    if openings.is_empty() {
        return Ok(refuse(
            Code::NoOpenings,
            format!("The school has no {} opening on {}.", half.as_str(), a.date),
        ));
    }
    // The code is the school's configuration, but it must still exist and be in date.
    let found = facts.attendance_code(pupil.school_id, &code)?;
    if found.is_none_or(|c| !c.valid_on(a.date)) {
        return Ok(refuse(
            Code::CodeNotAllowed,
            format!(
                "The configured late code `{code}` is not in this school's code list on {}.",
                a.date
            ),
        ));
    }
    let opening = openings[0];
    let absence = Absence {
        id: a.absence_id,
        school_id: pupil.school_id,
        pupil_id: pupil.id,
        kind: AbsenceKind::Late,
        status: AbsenceStatus::Recorded,
        first_date: opening.date,
        first_half: opening.half,
        last_date: opening.date,
        last_half: opening.half,
        openings,
        code,
        reason,
        caller: Caller {
            contact_id: None,
            name: format!("{} {}", pupil.first_name, pupil.last_name),
            relationship: "pupil".to_owned(),
        },
        called_at: a.date.and_time(a.arrived_at),
        expected_return: None,
        channel: ReportChannel::InPerson,
        at_time: Some(a.arrived_at),
        revision: 1,
        history: Vec::new(),
        recorded_by: ctx.staff_id,
        recorded_at: ctx.at,
        updated_by: ctx.staff_id,
        updated_at: ctx.at,
    };
    Ok(Ok(vec![
        audit(&absence, "school.record_late"),
        Effect::Put(Record::synced(&absence)),
    ]))
}

fn record_early_leave<F: Facts + ?Sized>(facts: &mut F, a: &RecordEarlyLeave, ctx: &Ctx) -> Result<Decision, F::Error> {
    let pupil = check!(pupil_in_scope(facts, a.pupil_id));
    let rules = facts.rules(pupil.school_id)?;
    let reason = check!(Ok::<_, F::Error>(check_note("reason", &a.reason, rules.max_note)));
    let caller = check!(check_caller(facts, &pupil, &a.collected_by));
    let Some(halves) = rules.missed_after(a.left_at) else {
        return Ok(refuse(
            Code::OutsideSchoolDay,
            format!("{} is outside the school day.", a.left_at.format("%H:%M")),
        ));
    };
    let openings = check!(day_record(facts, a.absence_id, &pupil, &halves, a.date, &rules, ctx));
    check!(usable_code(facts, pupil.school_id, &a.code, a.date, &reason));
    let absence = Absence {
        id: a.absence_id,
        school_id: pupil.school_id,
        pupil_id: pupil.id,
        kind: AbsenceKind::EarlyLeave,
        status: AbsenceStatus::Recorded,
        first_date: a.date,
        first_half: Half::Pm,
        last_date: a.date,
        last_half: Half::Pm,
        openings,
        code: a.code.clone(),
        reason,
        caller,
        called_at: a.date.and_time(a.left_at),
        expected_return: None,
        channel: ReportChannel::InPerson,
        at_time: Some(a.left_at),
        revision: 1,
        history: Vec::new(),
        recorded_by: ctx.staff_id,
        recorded_at: ctx.at,
        updated_by: ctx.staff_id,
        updated_at: ctx.at,
    };
    Ok(Ok(vec![
        audit(&absence, "school.record_early_leave"),
        Effect::Put(Record::synced(&absence)),
    ]))
}

fn log_contact_attempt<F: Facts + ?Sized>(
    facts: &mut F,
    a: &LogContactAttempt,
    ctx: &Ctx,
) -> Result<Decision, F::Error> {
    let pupil = check!(pupil_in_scope(facts, a.pupil_id));
    if facts.id_taken(a.attempt_id)? {
        return Ok(refuse(
            Code::DuplicateId,
            format!("A contact attempt {} already exists.", a.attempt_id),
        ));
    }
    let rules = facts.rules(pupil.school_id)?;
    let note = check!(Ok::<_, F::Error>(check_note("note", &a.note, rules.max_note)));
    let contact = match a.contact_id {
        Some(id) => match facts.contact(id)? {
            Some(c) if c.pupil_id == pupil.id => Some(c),
            _ => {
                return Ok(refuse(
                    Code::UnknownContact,
                    format!("Contact {id} is not one of {}'s contacts.", pupil_name(&pupil)),
                ));
            }
        },
        None => None,
    };
    let mut effects = Vec::new();
    let absence_id = match (a.outcome, &a.explanation) {
        (AttemptOutcome::Explained, Some(x)) => {
            if x.pupil_id != pupil.id {
                return Ok(refuse(
                    Code::ExplanationMismatch,
                    "The explanation is for another pupil than the attempt.",
                ));
            }
            let absence = check!(new_absence(facts, x, ctx, AbsenceKind::Absence));
            effects.push(audit(&absence, "school.log_contact_attempt (explained)"));
            effects.push(Effect::Put(Record::synced(&absence)));
            Some(absence.id)
        }
        (AttemptOutcome::Explained, None) => {
            return Ok(refuse(
                Code::ExplanationMismatch,
                "An explained attempt needs the absence it explains.",
            ));
        }
        (_, Some(_)) => {
            return Ok(refuse(
                Code::ExplanationMismatch,
                "Only an explained attempt records an absence.",
            ));
        }
        (_, None) => None,
    };
    let attempt = ContactAttempt {
        id: a.attempt_id,
        school_id: pupil.school_id,
        pupil_id: pupil.id,
        date: a.date,
        contact_id: a.contact_id,
        contact_name: contact.map_or_else(String::new, |c| c.name),
        method: a.method,
        outcome: a.outcome,
        note,
        absence_id,
        at: ctx.at,
        staff_id: ctx.staff_id,
    };
    effects.push(Effect::Audit(AuditNote {
        kind: RecordKind::Pupil,
        record_id: pupil.id.to_string(),
        person_id: Some(pupil.id),
        detail: format!("school.log_contact_attempt: {}", a.outcome.words()),
    }));
    effects.push(Effect::Put(Record::synced(&attempt)));
    Ok(Ok(effects))
}

fn escalate<F: Facts + ?Sized>(facts: &mut F, a: &Escalate, ctx: &Ctx) -> Result<Decision, F::Error> {
    let pupil = check!(pupil_in_scope(facts, a.pupil_id));
    if facts.id_taken(a.escalation_id)? {
        return Ok(refuse(
            Code::DuplicateId,
            format!("An escalation {} already exists.", a.escalation_id),
        ));
    }
    let rules = facts.rules(pupil.school_id)?;
    let note = check!(Ok::<_, F::Error>(check_note("note", &a.note, rules.max_note)));
    if note.is_empty() {
        return Ok(refuse(
            Code::NoteRequired,
            "Add a note for whoever takes the escalation.",
        ));
    }
    let unanswered = facts
        .attempts_on(pupil.id, a.date)?
        .iter()
        .filter(|t| t.outcome.unanswered())
        .count();
    let unanswered = u32::try_from(unanswered).unwrap_or(u32::MAX);
    if !a.by_choice && unanswered < rules.escalate_after {
        return Ok(refuse(
            Code::NotEnoughAttempts,
            format!(
                "{unanswered} unanswered attempts logged; escalate after {} or choose to escalate now.",
                rules.escalate_after
            ),
        ));
    }
    let escalation = Escalation {
        id: a.escalation_id,
        school_id: pupil.school_id,
        pupil_id: pupil.id,
        date: a.date,
        escalated_to: a.to,
        note,
        unanswered_attempts: unanswered,
        by_choice: a.by_choice,
        at: ctx.at,
        staff_id: ctx.staff_id,
    };
    Ok(Ok(vec![
        Effect::Audit(AuditNote {
            kind: RecordKind::Pupil,
            record_id: pupil.id.to_string(),
            person_id: Some(pupil.id),
            detail: "school.escalate".to_owned(),
        }),
        Effect::Put(Record::synced(&escalation)),
    ]))
}

fn name_of<F: Facts + ?Sized>(facts: &mut F, pupil_id: i64) -> Result<String, F::Error> {
    Ok(facts
        .pupil(pupil_id)?
        .map(|p| pupil_name(&p))
        .unwrap_or_else(|| format!("pupil {pupil_id}")))
}

/// The line Needs attention and the outbox show for a command, naming who and what.
pub fn summary<F: Facts + ?Sized>(facts: &mut F, cmd: &Command) -> Result<String, F::Error> {
    let absence_pupil = |facts: &mut F, id: Uuid| -> Result<String, F::Error> {
        match facts.absence(id)? {
            Some(a) => name_of(facts, a.pupil_id),
            None => Ok(format!("absence record {id}")),
        }
    };
    Ok(match cmd {
        Command::RecordAbsence(a) => {
            let caller = match (a.caller.name.trim(), a.caller.contact_id) {
                ("", Some(id)) => facts.contact(id)?.map_or_else(|| format!("contact {id}"), |c| c.name),
                (name, _) => name.to_owned(),
            };
            format!(
                "Record {} absent {} to {} ({}), {caller} called",
                name_of(facts, a.pupil_id)?,
                a.first,
                a.last,
                a.code,
            )
        }
        Command::AmendAbsence(a) => format!("Amend the absence record of {}", absence_pupil(facts, a.absence_id)?),
        Command::WithdrawAbsence(a) => {
            format!("Withdraw the absence record of {}", absence_pupil(facts, a.absence_id)?)
        }
        Command::RecordLate(a) => format!(
            "Record {} late on {} at {}",
            name_of(facts, a.pupil_id)?,
            a.date,
            a.arrived_at.format("%H:%M")
        ),
        Command::RecordEarlyLeave(a) => format!(
            "Record {} leaving early on {} at {}",
            name_of(facts, a.pupil_id)?,
            a.date,
            a.left_at.format("%H:%M")
        ),
        Command::LogContactAttempt(a) => format!(
            "Log a contact attempt about {} on {} ({})",
            name_of(facts, a.pupil_id)?,
            a.date,
            a.outcome.words()
        ),
        Command::Escalate(a) => format!("Escalate {}'s absence on {}", name_of(facts, a.pupil_id)?, a.date),
    })
}

/// The command that takes an offered alternative in place of a refused record: add this
/// call's words to the existing record, or replace it (a supervisor).
pub fn taking(cmd: &Command, alternative: &Alternative, _new_id: Uuid) -> Option<(Command, String)> {
    let call = match cmd {
        Command::RecordAbsence(a) => a.clone(),
        Command::LogContactAttempt(LogContactAttempt {
            explanation: Some(a), ..
        }) => a.clone(),
        _ => return None,
    };
    match alternative {
        Alternative::AddToAbsence { absence_id, .. } => Some((
            Command::AmendAbsence(AmendAbsence {
                absence_id: *absence_id,
                change: AbsenceChange::AddNote {
                    note: call.reason.clone(),
                    caller: call.caller.clone(),
                    called_at: call.called_at,
                },
                why: "a second call about the same absence".to_owned(),
            }),
            "added the call's note to the existing record".to_owned(),
        )),
        Alternative::ReplaceAbsence { absence_id, .. } => Some((
            Command::AmendAbsence(AmendAbsence {
                absence_id: *absence_id,
                change: AbsenceChange::Replace(Box::new(call)),
                why: "replaced by a later call".to_owned(),
            }),
            "replaced the existing record with this call's".to_owned(),
        )),
        _ => None,
    }
}
