//! The school office's day: Today, the unexplained-absence worklist, the call form's codes and
//! calendar, and attendance figures (the domain's one pure `pupil_figures`, fed from the desk).

use std::collections::HashMap;

use chrono::{Datelike, Duration, NaiveDate};
use desk_domain::Pupil;
use desk_domain::school::{
    Absence, AbsenceKind, AbsenceStatus, Category, ContactAttempt, Escalation, SchoolDay, SchoolSettings, Thresholds,
    pupil_figures,
};
use desk_domain::values::Opening;
use rusqlite::{Connection, TransactionBehavior};

use super::reads::{self, Effective};
use super::views::*;
use super::{SchoolOffice, office};
use crate::desk::check_id;
use crate::{DeskError, audit};

/// How far either side of today the call form's calendar reaches: the rules allow 60 school
/// days ahead (about 12 weeks), and calls about last week still come in.
const CALENDAR_BEFORE_DAYS: i64 = 14;
const CALENDAR_AFTER_DAYS: i64 = 91;

fn name(p: &Pupil) -> String {
    format!("{} {}", p.first_name, p.last_name)
}

pub(crate) fn absence_view(conn: &Connection, e: Effective<Absence>) -> Result<AbsenceView, DeskError> {
    let a = e.record;
    let pupil = reads::pupil(conn, a.pupil_id)?;
    let code = reads::attendance_code(conn, a.school_id, &a.code)?;
    Ok(AbsenceView {
        id: a.id,
        pupil_id: a.pupil_id,
        pupil_name: pupil.as_ref().map_or_else(|| format!("pupil {}", a.pupil_id), name),
        class: pupil.map(|p| p.class).unwrap_or_default(),
        kind: a.kind,
        status: a.status,
        openings: a.openings.iter().map(|o| (*o).into()).collect(),
        code_label: code.as_ref().map(|c| c.label.clone()),
        category: code.map(|c| c.category),
        code: a.code,
        reason: a.reason,
        caller_name: a.caller.name,
        caller_relationship: a.caller.relationship,
        called_at: a.called_at,
        expected_return: a.expected_return,
        channel: a.channel,
        at_time: a.at_time,
        recorded_at: a.recorded_at,
        pending: e.pending,
        history: a
            .history
            .into_iter()
            .map(|h| AbsenceHistoryLine {
                revision: h.revision,
                at: h.at,
                what: h.what,
                openings: h.openings.into_iter().map(Into::into).collect(),
                code: h.code,
                reason: h.reason,
            })
            .collect(),
    })
}

pub(crate) fn attempt_view(e: Effective<ContactAttempt>) -> AttemptView {
    let a = e.record;
    AttemptView {
        id: a.id,
        contact_id: a.contact_id,
        contact_name: a.contact_name,
        method: a.method,
        outcome: a.outcome,
        note: a.note,
        at: a.at,
        pending: e.pending,
    }
}

pub(crate) fn escalation_view(conn: &Connection, e: Effective<Escalation>) -> Result<EscalationView, DeskError> {
    let x = e.record;
    let pupil = reads::pupil(conn, x.pupil_id)?;
    Ok(EscalationView {
        id: x.id,
        pupil_id: x.pupil_id,
        pupil_name: pupil.as_ref().map_or_else(|| format!("pupil {}", x.pupil_id), name),
        class: pupil.map(|p| p.class).unwrap_or_default(),
        to: x.escalated_to,
        note: x.note,
        unanswered_attempts: x.unanswered_attempts,
        by_choice: x.by_choice,
        at: x.at,
        pending: e.pending,
    })
}

/// The worklist of `date`: pupils marked absent at registration whose marked openings no
/// recorded absence explains and who have not been escalated, by class then name, each with
/// contacts in calling order and the day's attempts. Read-only; callers audit what they show.
pub(crate) fn worklist(conn: &Connection, school_id: i64, date: NaiveDate) -> Result<Vec<WorklistEntry>, DeskError> {
    let rules = SchoolSettings::rules_of(reads::settings(conn, school_id)?);
    let marks = reads::marks_of_day(conn, school_id, date)?;
    let mut by_pupil: HashMap<i64, Vec<Opening>> = HashMap::new();
    for m in marks.iter().filter(|m| m.absent) {
        by_pupil.entry(m.pupil_id).or_default().push(m.opening());
    }
    let escalated: std::collections::HashSet<i64> = reads::escalations_of_day(conn, school_id, date)?
        .into_iter()
        .map(|e| e.record.pupil_id)
        .collect();
    let mut attempts: HashMap<i64, Vec<Effective<ContactAttempt>>> = HashMap::new();
    for a in reads::attempts_of_day(conn, school_id, date)? {
        attempts.entry(a.record.pupil_id).or_default().push(a);
    }
    let mut out = Vec::new();
    for (pupil_id, mut openings) in by_pupil {
        if escalated.contains(&pupil_id) {
            continue;
        }
        let records = reads::absences_of(conn, pupil_id)?;
        openings.retain(|o| !records.iter().any(|a| a.record.explains(*o)));
        if openings.is_empty() {
            continue;
        }
        openings.sort();
        let Some(pupil) = reads::pupil(conn, pupil_id)? else {
            continue;
        };
        let tried = attempts.remove(&pupil_id).unwrap_or_default();
        let unanswered = u32::try_from(tried.iter().filter(|a| a.record.outcome.unanswered()).count()).unwrap_or(0);
        out.push(WorklistEntry {
            pupil: PupilView::of(pupil, false),
            openings: openings.into_iter().map(Into::into).collect(),
            contacts: reads::contacts_of(conn, pupil_id)?
                .into_iter()
                .map(ContactView::from)
                .collect(),
            attempts: tried.into_iter().map(attempt_view).collect(),
            unanswered,
            due_for_escalation: unanswered >= rules.escalate_after,
        });
    }
    out.sort_by(|a, b| {
        (&a.pupil.class, &a.pupil.last_name, &a.pupil.first_name, a.pupil.id).cmp(&(
            &b.pupil.class,
            &b.pupil.last_name,
            &b.pupil.first_name,
            b.pupil.id,
        ))
    });
    Ok(out)
}

fn audit_worklist(conn: &Connection, entries: &[WorklistEntry]) -> rusqlite::Result<()> {
    for e in entries {
        let ids: Vec<i64> = e.contacts.iter().map(|c| c.id).collect();
        audit::viewed_pupil_with_contacts(conn, e.pupil.id, "unexplained-absence worklist", &ids)?;
    }
    Ok(())
}

fn categories(conn: &Connection, school_id: i64) -> rusqlite::Result<HashMap<String, Category>> {
    Ok(reads::attendance_codes(conn, school_id)?
        .into_iter()
        .map(|c| (c.code, c.category))
        .collect())
}

/// The Monday of `date`'s week.
fn monday(date: NaiveDate) -> NaiveDate {
    date - Duration::days(i64::from(date.weekday().num_days_from_monday()))
}

/// The pupil's attendance this school year to `today`, and week by week.
pub(crate) fn pupil_attendance(
    conn: &Connection,
    pupil: &Pupil,
    absences: &[Absence],
    today: NaiveDate,
) -> Result<Option<PupilAttendance>, DeskError> {
    let Some(year) = reads::school_year(conn, pupil.school_id, today)? else {
        return Ok(None);
    };
    let to = today.min(year.last_day);
    let days = reads::school_days(conn, pupil.school_id, year.first_day, to)?;
    let marks = reads::marks_of_pupil(conn, pupil.id)?;
    let cats = categories(conn, pupil.school_id)?;
    let thresholds = thresholds_of(conn, pupil.school_id)?;
    let total = pupil_figures(pupil, &days, absences, &marks, &cats, year.first_day, to);
    let mut weeks = Vec::new();
    let mut week = monday(year.first_day);
    while week <= to {
        let from = week.max(year.first_day);
        let end = (week + Duration::days(6)).min(to);
        let f = pupil_figures(pupil, &days, absences, &marks, &cats, from, end);
        if f.possible() > 0 {
            weeks.push(WeekAttendance {
                week_of: week,
                possible: f.possible(),
                attended: f.attendance,
                attendance_percent: f.attendance_percent(),
            });
        }
        week += Duration::days(7);
    }
    Ok(Some(PupilAttendance {
        year_label: Some(year.label),
        year_to_date: AttendanceView::of(&total, year.first_day, to, total.flag(&thresholds)),
        weeks,
    }))
}

/// The school's attendance thresholds: its own settings, else the defaults.
fn thresholds_of(conn: &Connection, school_id: i64) -> rusqlite::Result<Thresholds> {
    Ok(reads::settings(conn, school_id)?
        .map(|s| s.thresholds)
        .unwrap_or_default())
}

/// Every pupil's figure at the school from `from` to `to`: the reads once for the school, the
/// domain's one figure (`school_figures`) for every pupil.
pub(crate) fn school_figures(
    conn: &Connection,
    school_id: i64,
    from: NaiveDate,
    to: NaiveDate,
) -> Result<Vec<PupilFigure>, DeskError> {
    let pupils = reads::pupils_of_school(conn, school_id)?;
    let days: Vec<SchoolDay> = reads::school_days(conn, school_id, from, to)?;
    let cats = categories(conn, school_id)?;
    let absences: Vec<Absence> = reads::absences_of_school(conn, school_id, from, to)?
        .into_iter()
        .map(|e| e.record)
        .collect();
    let marks = reads::marks_of_school(conn, school_id, from, to)?;
    let thresholds = thresholds_of(conn, school_id)?;
    let figures = desk_domain::school::school_figures(&pupils, &days, &absences, &marks, &cats, from, to);
    let mut out: Vec<PupilFigure> = pupils
        .iter()
        .map(|p| {
            let f = figures.get(&p.id).copied().unwrap_or_default();
            PupilFigure {
                pupil_id: p.id,
                class: p.class.clone(),
                attendance_percent: f.attendance_percent(),
                flag: f.flag(&thresholds),
            }
        })
        .collect();
    out.sort_by(|a, b| (&a.class, a.pupil_id).cmp(&(&b.class, b.pupil_id)));
    Ok(out)
}

fn school_view(conn: &Connection, school_id: i64) -> Result<SchoolView, DeskError> {
    let school = reads::school(conn, school_id)?
        .ok_or_else(|| DeskError::NotFound(format!("School {school_id} is not on this desk.")))?;
    Ok(SchoolView {
        id: school.id,
        name: school.name,
    })
}

impl SchoolOffice<'_> {
    /// The schools this desk holds (a school office's own), by name.
    pub async fn schools(&self) -> Result<Vec<SchoolView>, DeskError> {
        self.desk
            .db(|conn| {
                Ok(reads::schools(conn)?
                    .into_iter()
                    .map(|s| SchoolView { id: s.id, name: s.name })
                    .collect())
            })
            .await
    }

    /// Today at the school: absences reported today, how many unexplained are left, late
    /// arrivals and escalations. Pupils shown are audited as viewed.
    pub async fn today(&self, school_id: i64, date: Option<NaiveDate>) -> Result<TodayView, DeskError> {
        check_id("The school id", school_id)?;
        let date = date.unwrap_or_else(office::today);
        self.desk
            .db(move |conn| {
                let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
                let school = school_view(&tx, school_id)?;
                let mut reported = Vec::new();
                let mut late = Vec::new();
                // Calls taken today may be about days ahead (the rules allow 60 school days).
                let ahead = date + Duration::days(CALENDAR_AFTER_DAYS);
                for a in reads::absences_of_school(&tx, school_id, date, ahead)? {
                    let r = &a.record;
                    if r.status != AbsenceStatus::Recorded {
                        continue;
                    }
                    match r.kind {
                        AbsenceKind::Late if r.first_date == date => late.push(absence_view(&tx, a)?),
                        AbsenceKind::Absence | AbsenceKind::EarlyLeave if r.called_at.date() == date => {
                            reported.push(absence_view(&tx, a)?)
                        }
                        _ => {}
                    }
                }
                reported.sort_by(|a, b| b.called_at.cmp(&a.called_at).then(b.id.cmp(&a.id)));
                late.sort_by(|a, b| a.at_time.cmp(&b.at_time).then(a.id.cmp(&b.id)));
                let marked: std::collections::HashSet<i64> = reads::marks_of_day(&tx, school_id, date)?
                    .into_iter()
                    .filter(|m| m.absent)
                    .map(|m| m.pupil_id)
                    .collect();
                let left = worklist(&tx, school_id, date)?.len();
                let escalations = reads::escalations_of_day(&tx, school_id, date)?
                    .into_iter()
                    .map(|e| escalation_view(&tx, e))
                    .collect::<Result<Vec<_>, _>>()?;
                for p in reported
                    .iter()
                    .chain(&late)
                    .map(|a| a.pupil_id)
                    .chain(escalations.iter().map(|e| e.pupil_id))
                {
                    audit::viewed_pupil(&tx, p, "school office today")?;
                }
                tx.commit()?;
                Ok(TodayView {
                    school_id,
                    school_name: school.name,
                    date,
                    reported,
                    unexplained_left: u32::try_from(left).unwrap_or(u32::MAX),
                    marked_absent: u32::try_from(marked.len()).unwrap_or(u32::MAX),
                    late,
                    escalations,
                })
            })
            .await
    }

    /// The unexplained-absence worklist of `date` (today if `None`). Every pupil and contact
    /// listed is audited as viewed.
    pub async fn worklist(&self, school_id: i64, date: Option<NaiveDate>) -> Result<Vec<WorklistEntry>, DeskError> {
        check_id("The school id", school_id)?;
        let date = date.unwrap_or_else(office::today);
        self.desk
            .db(move |conn| {
                let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
                let entries = worklist(&tx, school_id, date)?;
                audit_worklist(&tx, &entries)?;
                tx.commit()?;
                Ok(entries)
            })
            .await
    }

    /// What the call form offers for this pupil: their contacts in calling order, the codes the
    /// office may use today, and the school's days around today. Audited as a view.
    pub async fn call_form(&self, pupil_id: i64) -> Result<CallForm, DeskError> {
        check_id("The pupil id", pupil_id)?;
        let today = office::today();
        self.desk
            .db(move |conn| {
                let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
                let pupil = reads::pupil(&tx, pupil_id)?
                    .ok_or_else(|| DeskError::NotFound(format!("Pupil {pupil_id} is not on this desk.")))?;
                let contacts: Vec<ContactView> = reads::contacts_of(&tx, pupil_id)?
                    .into_iter()
                    .map(ContactView::from)
                    .collect();
                let ids: Vec<i64> = contacts.iter().map(|c| c.id).collect();
                audit::viewed_pupil_with_contacts(&tx, pupil_id, "absence call form", &ids)?;
                let codes = reads::attendance_codes(&tx, pupil.school_id)?
                    .into_iter()
                    .filter(|c| c.office_may_use && c.valid_on(today))
                    .map(|c| CodeView {
                        local: c.origin == desk_domain::school::CodeOrigin::Local,
                        code: c.code,
                        label: c.label,
                        category: c.category,
                        needs_note: c.needs_note,
                    })
                    .collect();
                let days = reads::school_days(
                    &tx,
                    pupil.school_id,
                    today - Duration::days(CALENDAR_BEFORE_DAYS),
                    today + Duration::days(CALENDAR_AFTER_DAYS),
                )?
                .into_iter()
                .map(|d| CalendarDay {
                    date: d.date,
                    kind: d.kind,
                    am: d.am,
                    pm: d.pm,
                    label: d.label,
                })
                .collect();
                tx.commit()?;
                Ok(CallForm {
                    pupil: PupilView::of(pupil, false),
                    contacts,
                    codes,
                    days,
                    today,
                })
            })
            .await
    }

    /// Every pupil's attendance figure at the school from `from` to `to` (the class lists).
    pub async fn school_figures(
        &self,
        school_id: i64,
        from: NaiveDate,
        to: NaiveDate,
    ) -> Result<Vec<PupilFigure>, DeskError> {
        check_id("The school id", school_id)?;
        if to < from {
            return Err(DeskError::invalid("The end of the range comes before its start."));
        }
        self.desk
            .db(move |conn| school_figures(conn, school_id, from, to))
            .await
    }
}

/// The pupil page's year: its absence records (newest first) and attendance.
pub(crate) fn pupil_year(
    conn: &Connection,
    pupil: &Pupil,
) -> Result<(Vec<AbsenceView>, Option<PupilAttendance>), DeskError> {
    let today = office::today();
    let records = reads::absences_of(conn, pupil.id)?;
    let year = reads::school_year(conn, pupil.school_id, today)?;
    let plain: Vec<Absence> = records.iter().map(|e| e.record.clone()).collect();
    let attendance = pupil_attendance(conn, pupil, &plain, today)?;
    let mut shown = Vec::new();
    for e in records.into_iter().rev() {
        if year
            .as_ref()
            .is_none_or(|y| y.contains(e.record.first_date) || y.contains(e.record.last_date))
        {
            shown.push(absence_view(conn, e)?);
        }
    }
    Ok((shown, attendance))
}
