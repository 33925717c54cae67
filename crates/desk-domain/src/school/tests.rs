//! `decide` over facts held in memory, the opening expansion, the late rules and the
//! attendance figure against a table worked by hand.

use std::collections::HashMap;
use std::convert::Infallible;

use chrono::{Duration, NaiveDate, NaiveDateTime, NaiveTime, TimeZone, Utc};
use uuid::Uuid;

use super::*;
use crate::service::{Ctx, Source};
use crate::values::{Half, Opening};
use crate::wire::Alternative;
use crate::{Bucket, Channel, Command as Any, Contact, Effect, Pupil};

fn d(y: i32, m: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, day).unwrap()
}

fn o(s: &str) -> Opening {
    s.parse().unwrap()
}

fn t(h: u32, m: u32) -> NaiveTime {
    NaiveTime::from_hms_opt(h, m, 0).unwrap()
}

/// School 4's 2026/27 calendar: term from 19 Aug 2026 to 30 Jun 2027, October holiday
/// 12–23 Oct, an in-service day on 16 Nov, Christmas 21 Dec – 1 Jan, the last day before
/// Christmas (18 Dec) mornings only, and 2027/28 days around the leap day.
fn calendar(school_id: i64) -> Vec<SchoolDay> {
    let mut days = Vec::new();
    let mut add_range = |from: NaiveDate, to: NaiveDate| {
        let mut date = from;
        while date <= to {
            use chrono::Datelike;
            if date.weekday().num_days_from_monday() < 5 {
                let (kind, am, pm, label) = if (d(2026, 10, 12)..=d(2026, 10, 23)).contains(&date) {
                    (DayKind::Holiday, false, false, "October holiday")
                } else if date == d(2026, 11, 16) {
                    (DayKind::InService, false, false, "In-service day")
                } else if (d(2026, 12, 21)..=d(2027, 1, 1)).contains(&date) {
                    (DayKind::Holiday, false, false, "Christmas holiday")
                } else if date == d(2026, 12, 18) {
                    (DayKind::Term, true, false, "Last day of term")
                } else {
                    (DayKind::Term, true, true, "")
                };
                days.push(SchoolDay {
                    id: SchoolDay::key(school_id, date),
                    school_id,
                    date,
                    kind,
                    am,
                    pm,
                    label: label.into(),
                });
            }
            date += Duration::days(1);
        }
    };
    add_range(d(2026, 8, 19), d(2027, 6, 30));
    add_range(d(2028, 2, 21), d(2028, 3, 10));
    days
}

fn code(school_id: i64, c: &str, category: Category, office: bool, needs_note: bool) -> AttendanceCode {
    AttendanceCode {
        id: AttendanceCode::key(school_id, c),
        school_id,
        code: c.into(),
        label: format!("label {c}"),
        category,
        valid_from: d(2019, 8, 1),
        valid_to: None,
        needs_note,
        office_may_use: office,
        origin: CodeOrigin::Local,
        source: "test".into(),
    }
}

fn pupil(id: i64, school_id: i64) -> Pupil {
    Pupil {
        id,
        school_id,
        first_name: "Eilidh".into(),
        last_name: "MacDonald".into(),
        date_of_birth: d(2018, 5, 2),
        stage: "P4".into(),
        class: "P4B".into(),
        on_roll_from: None,
        on_roll_to: None,
    }
}

#[derive(Default)]
struct Mem {
    pupils: Vec<Pupil>,
    contacts: Vec<Contact>,
    codes: Vec<AttendanceCode>,
    years: Vec<SchoolYear>,
    days: Vec<SchoolDay>,
    absences: Vec<Absence>,
    attempts: Vec<ContactAttempt>,
    escalations: Vec<Escalation>,
    /// Buckets the caller may write; empty means all.
    scope: Vec<Bucket>,
    supervisor: bool,
}

impl Source for Mem {
    type Error = Infallible;
    fn may_write(&self, bucket: &Bucket) -> bool {
        self.scope.is_empty() || self.scope.contains(bucket)
    }
}

impl Facts for Mem {
    fn pupil(&mut self, id: i64) -> Result<Option<Pupil>, Infallible> {
        Ok(self.pupils.iter().find(|p| p.id == id).cloned())
    }
    fn contact(&mut self, id: i64) -> Result<Option<Contact>, Infallible> {
        Ok(self.contacts.iter().find(|c| c.id == id).cloned())
    }
    fn attendance_code(&mut self, school_id: i64, c: &str) -> Result<Option<AttendanceCode>, Infallible> {
        let key = AttendanceCode::key(school_id, c);
        Ok(self.codes.iter().find(|x| x.id == key).cloned())
    }
    fn school_year(&mut self, school_id: i64, date: NaiveDate) -> Result<Option<SchoolYear>, Infallible> {
        let key = SchoolYear::key(school_id, date);
        Ok(self.years.iter().find(|y| y.id == key).cloned())
    }
    fn school_days(&mut self, school_id: i64, from: NaiveDate, to: NaiveDate) -> Result<Vec<SchoolDay>, Infallible> {
        Ok(self
            .days
            .iter()
            .filter(|x| x.school_id == school_id && from <= x.date && x.date <= to)
            .cloned()
            .collect())
    }
    fn absence(&mut self, id: Uuid) -> Result<Option<Absence>, Infallible> {
        Ok(self.absences.iter().find(|a| a.id == id).cloned())
    }
    fn absences_of(&mut self, pupil_id: i64) -> Result<Vec<Absence>, Infallible> {
        Ok(self
            .absences
            .iter()
            .filter(|a| a.pupil_id == pupil_id)
            .cloned()
            .collect())
    }
    fn attempts_on(&mut self, pupil_id: i64, date: NaiveDate) -> Result<Vec<ContactAttempt>, Infallible> {
        Ok(self
            .attempts
            .iter()
            .filter(|a| a.pupil_id == pupil_id && a.date == date)
            .cloned()
            .collect())
    }
    fn id_taken(&mut self, id: Uuid) -> Result<bool, Infallible> {
        Ok(self.attempts.iter().any(|a| a.id == id) || self.escalations.iter().any(|e| e.id == id))
    }
    fn rules(&mut self, _school_id: i64) -> Result<SchoolRules, Infallible> {
        Ok(SchoolRules::default())
    }
    fn may_supervise(&self, _bucket: &Bucket) -> bool {
        self.supervisor
    }
}

impl Mem {
    /// Applies a decision's puts, as an interpreter would.
    fn apply(&mut self, effects: &[Effect]) {
        for e in effects {
            let Some(r) = e.record() else { continue };
            match r.table.as_str() {
                crate::table::ABSENCES => {
                    let a: Absence = r.parse().unwrap();
                    self.absences.retain(|x| x.id != a.id);
                    self.absences.push(a);
                }
                crate::table::CONTACT_ATTEMPTS => self.attempts.push(r.parse().unwrap()),
                crate::table::ESCALATIONS => self.escalations.push(r.parse().unwrap()),
                other => panic!("unexpected table {other}"),
            }
        }
    }
}

fn world() -> Mem {
    let mut codes = vec![
        code(4, "02", Category::NotCounted, true, true),
        code(4, "10", Category::Attendance, true, false),
        code(4, "11", Category::Attendance, true, false),
        code(4, "LC-ILL", Category::Authorised, true, false),
        code(4, "LC-HOL", Category::Unauthorised, true, false),
        code(4, "LC-LT2", Category::Authorised, true, false),
        code(4, "LC-EXC", Category::Exclusion, false, true),
    ];
    let mut old = code(4, "LC-COV", Category::Authorised, true, false);
    old.valid_to = Some(d(2022, 7, 31));
    codes.push(old);
    let mut joiner = pupil(2, 4);
    joiner.on_roll_from = Some(d(2027, 1, 11));
    Mem {
        pupils: vec![pupil(1, 4), joiner, pupil(9, 5)],
        contacts: vec![Contact {
            id: 11,
            pupil_id: 1,
            school_id: 4,
            name: "Catriona MacDonald".into(),
            relationship: "mother".into(),
            phone: "07700 900123".into(),
            email: None,
            priority: 1,
        }],
        codes,
        years: vec![SchoolYear {
            id: SchoolYear::key(4, d(2026, 9, 1)),
            school_id: 4,
            label: "2026/27".into(),
            first_day: d(2026, 8, 17),
            last_day: d(2027, 6, 30),
        }],
        days: calendar(4),
        ..Mem::default()
    }
}

/// Tuesday 1 December 2026, 08:40: the absence line opens.
fn ctx() -> Ctx {
    Ctx {
        now: d(2026, 12, 1).and_hms_opt(8, 40, 0).unwrap(),
        at: Utc.with_ymd_and_hms(2026, 12, 1, 8, 40, 0).unwrap(),
        staff_id: 7,
        channel: Channel::Telephone,
    }
}

fn call(id: u128, first: &str, last: &str) -> RecordAbsence {
    RecordAbsence {
        absence_id: Uuid::from_u128(id),
        pupil_id: 1,
        first: o(first),
        last: o(last),
        code: "LC-ILL".into(),
        reason: "Temperature".into(),
        caller: Caller {
            contact_id: Some(11),
            name: String::new(),
            relationship: String::new(),
        },
        called_at: d(2026, 12, 1).and_hms_opt(8, 38, 0).unwrap(),
        expected_return: Some(d(2026, 12, 3)),
        channel: ReportChannel::Phone,
    }
}

fn run(m: &mut Mem, cmd: impl Into<Any>) -> Decision {
    let cmd: Any = cmd.into();
    let Any::School(c) = &cmd else { unreachable!() };
    decide(m, c, &ctx()).unwrap()
}

type Decision = crate::Decision;

fn refused(m: &mut Mem, cmd: impl Into<Any>) -> &'static str {
    match run(m, cmd) {
        Err(r) => r.code.as_str(),
        Ok(e) => panic!("expected a refusal, got {e:?}"),
    }
}

fn put_absence(effects: &[Effect]) -> Absence {
    effects
        .iter()
        .filter_map(Effect::record)
        .find(|r| r.table == crate::table::ABSENCES)
        .unwrap()
        .parse()
        .unwrap()
}

fn list(openings: &[Opening]) -> Vec<String> {
    openings.iter().map(ToString::to_string).collect()
}

#[test]
fn opening_expansion_skips_weekends_holidays_in_service_and_missing_halves() {
    let days = calendar(4);
    let cases: &[(&str, &str, &[&str])] = &[
        // Friday afternoon to Monday morning: the weekend has no openings.
        ("2026-11-27 PM", "2026-11-30 AM", &["2026-11-27 PM", "2026-11-30 AM"]),
        // Across the October holiday: only the Friday before and the Monday after.
        (
            "2026-10-09 AM",
            "2026-10-26 AM",
            &["2026-10-09 AM", "2026-10-09 PM", "2026-10-26 AM"],
        ),
        // The in-service Monday is skipped.
        ("2026-11-13 PM", "2026-11-17 AM", &["2026-11-13 PM", "2026-11-17 AM"]),
        // A range wholly in a holiday has none.
        ("2026-10-12 AM", "2026-10-23 PM", &[]),
        // AM-only day: the last day of term has no afternoon.
        ("2026-12-18 AM", "2026-12-18 PM", &["2026-12-18 AM"]),
        // PM-only and AM-only ranges within a day.
        ("2026-12-01 PM", "2026-12-01 PM", &["2026-12-01 PM"]),
        ("2026-12-02 AM", "2026-12-02 AM", &["2026-12-02 AM"]),
        // Starting in an afternoon, ending in a morning, across Christmas.
        (
            "2026-12-17 PM",
            "2027-01-04 AM",
            &["2026-12-17 PM", "2026-12-18 AM", "2027-01-04 AM"],
        ),
        // The leap day of 2028 is a Tuesday with two openings.
        (
            "2028-02-28 PM",
            "2028-03-01 AM",
            &["2028-02-28 PM", "2028-02-29 AM", "2028-02-29 PM", "2028-03-01 AM"],
        ),
    ];
    for (first, last, want) in cases {
        assert_eq!(list(&openings(&days, o(first), o(last))), *want, "{first} to {last}");
    }
}

#[test]
fn late_arrival_before_half_the_opening_is_late_1_after_is_late_2() {
    let r = SchoolRules::default();
    // Morning 08:50–12:20: half way is 10:35.
    assert_eq!(r.lateness(t(9, 5)), Some(Lateness::Late1(Half::Am)));
    assert_eq!(r.lateness(t(10, 34)), Some(Lateness::Late1(Half::Am)));
    assert_eq!(r.lateness(t(10, 35)), Some(Lateness::Late2(Half::Am)));
    // Afternoon 13:15–15:15: half way is 14:15.
    assert_eq!(r.lateness(t(13, 40)), Some(Lateness::Late1(Half::Pm)));
    assert_eq!(r.lateness(t(14, 30)), Some(Lateness::Late2(Half::Pm)));
    for on_time in [t(8, 30), t(8, 50), t(12, 45), t(15, 30)] {
        assert_eq!(r.lateness(on_time), None, "{on_time}");
    }
}

#[test]
fn a_call_records_the_schools_openings_and_audits_it() {
    let mut m = world();
    let effects = run(&mut m, call(1, "2026-12-01 AM", "2026-12-02 PM")).unwrap();
    assert_eq!(effects.len(), 2);
    assert!(matches!(&effects[0], Effect::Audit(n) if n.kind == crate::RecordKind::Absence && n.person_id == Some(1)));
    let a = put_absence(&effects);
    assert_eq!(
        list(&a.openings),
        ["2026-12-01 AM", "2026-12-01 PM", "2026-12-02 AM", "2026-12-02 PM"]
    );
    // The contact picked fills in who called.
    assert_eq!(
        (a.caller.name.as_str(), a.caller.relationship.as_str()),
        ("Catriona MacDonald", "mother")
    );
    assert_eq!((a.school_id, a.revision, a.recorded_by), (4, 1, 7));
    assert_eq!(effects[1].record().unwrap().bucket, "school:4");
}

#[test]
fn every_refusal_of_record_absence() {
    let mut m = world();
    let e = run(&mut m, call(1, "2026-12-01 AM", "2026-12-01 PM")).unwrap();
    m.apply(&e);

    // A second desk's call about the same openings: the first record is the alternative.
    let r = run(&mut m, call(2, "2026-12-01 PM", "2026-12-02 AM")).unwrap_err();
    assert_eq!(r.code.as_str(), "openings_explained");
    assert_eq!(r.alternatives.len(), 2);
    assert!(
        matches!(r.alternatives[0], Alternative::AddToAbsence { absence_id, .. } if absence_id == Uuid::from_u128(1))
    );
    assert!(
        matches!(r.alternatives[1], Alternative::ReplaceAbsence { absence_id, .. } if absence_id == Uuid::from_u128(1))
    );

    let with = |f: &dyn Fn(&mut RecordAbsence)| {
        let mut c = call(3, "2026-12-03 AM", "2026-12-03 PM");
        f(&mut c);
        c
    };
    let cases: Vec<(&str, RecordAbsence)> = vec![
        ("duplicate_id", with(&|c| c.absence_id = Uuid::from_u128(1))),
        (
            "outside_school_year",
            with(&|c| (c.first, c.last) = (o("2026-08-10 AM"), o("2026-08-10 PM"))),
        ),
        ("outside_school_year", with(&|c| c.last = o("2027-07-05 AM"))),
        // 1 Dec + 60 school days is well past the February break; 30 Apr 2027 is beyond it.
        (
            "too_far_ahead",
            with(&|c| (c.first, c.last) = (o("2027-04-30 AM"), o("2027-04-30 PM"))),
        ),
        ("code_not_allowed", with(&|c| c.code = "LC-EXC".into())),
        ("code_not_allowed", with(&|c| c.code = "99".into())),
        ("code_not_allowed", with(&|c| c.code = "LC-COV".into())),
        (
            "note_required",
            with(&|c| (c.code, c.reason) = ("02".into(), "  ".into())),
        ),
        (
            "end_before_start",
            with(&|c| (c.first, c.last) = (o("2026-12-03 PM"), o("2026-12-03 AM"))),
        ),
        (
            "no_openings",
            with(&|c| (c.first, c.last) = (o("2026-10-12 AM"), o("2026-10-23 PM"))),
        ),
        (
            "no_openings",
            with(&|c| (c.first, c.last) = (o("2026-12-05 AM"), o("2026-12-06 PM"))),
        ),
        (
            "caller_name_missing",
            with(&|c| {
                c.caller = Caller {
                    contact_id: None,
                    name: " ".into(),
                    relationship: "aunt".into(),
                }
            }),
        ),
        ("invalid_note", with(&|c| c.reason = "x".repeat(300))),
        ("invalid_note", with(&|c| c.reason = "ill\u{7}".into())),
        ("unknown_contact", with(&|c| c.caller.contact_id = Some(999))),
        ("unknown_pupil", with(&|c| c.pupil_id = 404)),
        (
            "not_on_roll",
            with(&|c| {
                c.pupil_id = 2;
                c.caller = Caller {
                    contact_id: None,
                    name: "Ross's dad".into(),
                    relationship: "father".into(),
                };
            }),
        ),
    ];
    for (want, cmd) in cases {
        let name = format!("{want}: {} to {} {}", cmd.first, cmd.last, cmd.code);
        assert_eq!(refused(&mut m, cmd), want, "{name}");
    }
    // A school outside the caller's sites.
    m.scope = vec![Bucket::School(4)];
    assert_eq!(refused(&mut m, with(&|c| c.pupil_id = 9)), "out_of_scope");
    // And the limits' edges are accepted: 300 characters refused, 200 taken.
    assert!(run(&mut m, with(&|c| c.reason = "x".repeat(200))).is_ok());
}

#[test]
fn sixty_school_days_ahead_is_the_limit() {
    let mut m = world();
    let days = calendar(4);
    let ahead = |date| rules::school_days_ahead(&days, d(2026, 12, 1), date);
    // Find the 60th and 61st school days after 1 December.
    let sixtieth = days
        .iter()
        .map(|x| x.date)
        .find(|x| ahead(*x) == 60 && days.iter().any(|y| y.date == *x && y.am))
        .unwrap();
    let next = days.iter().map(|x| x.date).find(|x| ahead(*x) == 61).unwrap();
    let at = |id, date: NaiveDate| call(id, &format!("{date} AM"), &format!("{date} AM"));
    assert!(run(&mut m, at(20, sixtieth)).is_ok());
    assert_eq!(refused(&mut m, at(21, next)), "too_far_ahead");
}

#[test]
fn amend_add_note_replace_and_withdraw_keep_history() {
    let mut m = world();
    let e = run(&mut m, call(1, "2026-12-01 AM", "2026-12-01 PM")).unwrap();
    m.apply(&e);
    let id = Uuid::from_u128(1);

    let amend = AmendAbsence {
        absence_id: id,
        change: AbsenceChange::Amend {
            first: o("2026-12-01 AM"),
            last: o("2026-12-02 PM"),
            code: "LC-ILL".into(),
            reason: "Temperature, still off".into(),
            expected_return: Some(d(2026, 12, 3)),
        },
        why: "mum called back".into(),
    };
    let a = put_absence(&run(&mut m, amend).unwrap());
    assert_eq!(a.openings.len(), 4);
    assert_eq!((a.revision, a.history.len()), (2, 1));
    assert_eq!(a.history[0].openings.len(), 2);
    m.apply(&[Effect::Put(crate::Record::synced(&a))]);

    // A second desk's call, taken as "add my note to it".
    let second = call(2, "2026-12-01 AM", "2026-12-01 AM");
    let refusal = run(&mut m, second.clone()).unwrap_err();
    let (cmd, words) = taking(
        &Command::RecordAbsence(second.clone()),
        &refusal.alternatives[0],
        Uuid::nil(),
    )
    .unwrap();
    assert!(words.contains("added"));
    let a = put_absence(&run(&mut m, cmd).unwrap());
    assert!(
        a.reason
            .starts_with("Temperature, still off / Catriona MacDonald (08:38): Temperature"),
        "{}",
        a.reason
    );
    assert_eq!(a.revision, 3);
    m.apply(&[Effect::Put(crate::Record::synced(&a))]);

    // "Replace it" is for a supervisor.
    let (replace, _) = taking(&Command::RecordAbsence(second), &refusal.alternatives[1], Uuid::nil()).unwrap();
    assert_eq!(refused(&mut m, replace.clone()), "supervisor_only");
    m.supervisor = true;
    let a = put_absence(&run(&mut m, replace).unwrap());
    assert_eq!(list(&a.openings), ["2026-12-01 AM"]);
    assert_eq!((a.id, a.revision, a.history.len()), (id, 4, 3));
    m.apply(&[Effect::Put(crate::Record::synced(&a))]);

    // Withdrawn: history kept, the opening free again, no second withdrawal.
    assert_eq!(
        refused(
            &mut m,
            WithdrawAbsence {
                absence_id: id,
                reason: String::new()
            }
        ),
        "note_required"
    );
    let w = put_absence(
        &run(
            &mut m,
            WithdrawAbsence {
                absence_id: id,
                reason: "called in error".into(),
            },
        )
        .unwrap(),
    );
    assert_eq!((w.status, w.history.len()), (AbsenceStatus::Withdrawn, 4));
    assert!(w.history.last().unwrap().what.contains("called in error"));
    m.apply(&[Effect::Put(crate::Record::synced(&w))]);
    assert!(run(&mut m, call(5, "2026-12-01 AM", "2026-12-01 AM")).is_ok());
    assert_eq!(
        refused(
            &mut m,
            WithdrawAbsence {
                absence_id: id,
                reason: "again".into()
            }
        ),
        "already_withdrawn"
    );
    assert_eq!(
        refused(
            &mut m,
            WithdrawAbsence {
                absence_id: Uuid::from_u128(77),
                reason: "x".into()
            }
        ),
        "unknown_absence"
    );
}

#[test]
fn late_arrivals_and_early_leaves() {
    let mut m = world();
    let late = |id: u128, h, min| RecordLate {
        absence_id: Uuid::from_u128(id),
        pupil_id: 1,
        date: d(2026, 12, 1),
        arrived_at: t(h, min),
        reason: "bus".into(),
    };
    let a = put_absence(&run(&mut m, late(1, 9, 10)).unwrap());
    assert_eq!(
        (a.kind, a.code.as_str(), list(&a.openings)),
        (AbsenceKind::Late, "11", vec!["2026-12-01 AM".to_owned()])
    );
    let a = put_absence(&run(&mut m, late(2, 11, 0)).unwrap());
    assert_eq!(a.code, "LC-LT2");
    let a = put_absence(&run(&mut m, late(3, 14, 0)).unwrap());
    assert_eq!((a.code.as_str(), a.first_half), ("11", Half::Pm));
    assert_eq!(refused(&mut m, late(4, 8, 30)), "outside_school_day");
    let mut holiday = late(5, 9, 30);
    holiday.date = d(2026, 10, 14);
    assert_eq!(refused(&mut m, holiday), "no_openings");

    let leave = |id: u128, h, min| RecordEarlyLeave {
        absence_id: Uuid::from_u128(id),
        pupil_id: 1,
        date: d(2026, 12, 2),
        left_at: t(h, min),
        code: "LC-ILL".into(),
        reason: "sick at lunch".into(),
        collected_by: Caller {
            contact_id: Some(11),
            name: String::new(),
            relationship: String::new(),
        },
    };
    let a = put_absence(&run(&mut m, leave(6, 11, 0)).unwrap());
    assert_eq!(
        (a.kind, list(&a.openings)),
        (AbsenceKind::EarlyLeave, vec!["2026-12-02 PM".to_owned()])
    );
    m.apply(&[Effect::Put(crate::Record::synced(&a))]);
    // Leaving in the afternoon misses no opening, but the collection is still recorded.
    let mut pm = leave(7, 14, 0);
    pm.date = d(2026, 12, 3);
    assert!(put_absence(&run(&mut m, pm).unwrap()).openings.is_empty());
    assert_eq!(refused(&mut m, leave(8, 11, 30)), "openings_explained");
    assert_eq!(refused(&mut m, leave(9, 16, 0)), "outside_school_day");
}

fn attempt(id: u128, outcome: AttemptOutcome, explanation: Option<RecordAbsence>) -> LogContactAttempt {
    LogContactAttempt {
        attempt_id: Uuid::from_u128(id),
        pupil_id: 1,
        date: d(2026, 12, 1),
        contact_id: Some(11),
        method: ContactMethod::Phone,
        outcome,
        note: String::new(),
        explanation,
    }
}

#[test]
fn contact_attempts_and_escalation() {
    let mut m = world();
    let escalate = |id: u128, by_choice| Escalate {
        escalation_id: Uuid::from_u128(id),
        pupil_id: 1,
        date: d(2026, 12, 1),
        to: EscalateTo::HeadTeacher,
        note: "no answer from anyone".into(),
        by_choice,
    };
    for (i, outcome) in [AttemptOutcome::NoAnswer, AttemptOutcome::LeftMessage]
        .into_iter()
        .enumerate()
    {
        let effects = run(&mut m, attempt(100 + i as u128, outcome, None)).unwrap();
        m.apply(&effects);
    }
    assert_eq!(m.attempts[0].contact_name, "Catriona MacDonald");
    assert_eq!(refused(&mut m, escalate(200, false)), "not_enough_attempts");
    assert_eq!(
        refused(&mut m, attempt(100, AttemptOutcome::NoAnswer, None)),
        "duplicate_id"
    );
    let e = run(&mut m, attempt(102, AttemptOutcome::WrongNumber, None)).unwrap();
    m.apply(&e);
    let effects = run(&mut m, escalate(200, false)).unwrap();
    m.apply(&effects);
    assert_eq!(
        (m.escalations[0].unanswered_attempts, m.escalations[0].by_choice),
        (3, false)
    );
    // By choice, before three attempts, about another day.
    let mut early = escalate(201, true);
    early.date = d(2026, 12, 2);
    assert!(run(&mut m, early).is_ok());
    let mut no_note = escalate(202, true);
    no_note.note = String::new();
    assert_eq!(refused(&mut m, no_note), "note_required");

    // Explained: the attempt and the absence in one command.
    let effects = run(
        &mut m,
        attempt(
            103,
            AttemptOutcome::Explained,
            Some(call(50, "2026-12-01 AM", "2026-12-01 PM")),
        ),
    )
    .unwrap();
    let tables: Vec<&str> = effects
        .iter()
        .filter_map(Effect::record)
        .map(|r| r.table.as_str())
        .collect();
    assert_eq!(tables, ["absences", "contact_attempts"]);
    m.apply(&effects);
    assert_eq!(m.attempts.last().unwrap().absence_id, Some(Uuid::from_u128(50)));
    // The explanation follows every rule of a recorded absence.
    assert_eq!(
        refused(
            &mut m,
            attempt(
                104,
                AttemptOutcome::Explained,
                Some(call(51, "2026-12-01 PM", "2026-12-01 PM"))
            )
        ),
        "openings_explained"
    );
    assert_eq!(
        refused(&mut m, attempt(105, AttemptOutcome::Explained, None)),
        "explanation_mismatch"
    );
    assert_eq!(
        refused(
            &mut m,
            attempt(
                106,
                AttemptOutcome::NoAnswer,
                Some(call(52, "2026-12-02 AM", "2026-12-02 AM"))
            )
        ),
        "explanation_mismatch"
    );
    let mut stranger = attempt(107, AttemptOutcome::NoAnswer, None);
    stranger.contact_id = Some(12);
    assert_eq!(refused(&mut m, stranger), "unknown_contact");
}

#[test]
fn commands_round_trip_through_the_envelope() {
    let mut replace = call(1, "2026-12-01 AM", "2026-12-01 PM");
    replace.caller.name = "Iain".into();
    let cmds: Vec<Any> = vec![
        call(1, "2026-12-01 AM", "2026-12-01 PM").into(),
        AmendAbsence {
            absence_id: Uuid::from_u128(1),
            change: AbsenceChange::Replace(Box::new(replace)),
            why: "w".into(),
        }
        .into(),
        AmendAbsence {
            absence_id: Uuid::from_u128(1),
            change: AbsenceChange::AddNote {
                note: "n".into(),
                caller: Caller {
                    contact_id: None,
                    name: "Iain".into(),
                    relationship: "uncle".into(),
                },
                called_at: NaiveDateTime::default(),
            },
            why: "w".into(),
        }
        .into(),
        attempt(
            1,
            AttemptOutcome::Explained,
            Some(call(2, "2026-12-01 AM", "2026-12-01 AM")),
        )
        .into(),
    ];
    for cmd in cmds {
        let (name, v, args) = cmd.to_envelope_parts();
        assert_eq!(Any::parse(name, v, &args).unwrap(), cmd, "{name}");
    }
    let names: Vec<String> = Any::catalogue()
        .into_iter()
        .map(|c| c.name)
        .filter(|n| n.starts_with("school."))
        .collect();
    assert_eq!(names.len(), 7);
    let bad = serde_json::json!({"absence_id": Uuid::nil(), "reason": "x", "extra": 1});
    assert_eq!(
        Any::parse("school.withdraw_absence", 1, &bad)
            .unwrap_err()
            .code()
            .as_str(),
        "bad_args"
    );
}

/// The hand-worked table: one week in 2027/28 with the leap day, two pupils.
///
/// | opening | Morag (on roll all week) | category | Ross (joins Wed 1 Mar) |
/// |---|---|---|---|
/// | Mon 28 AM | Late 1 (11) | attendance | not on roll |
/// | Mon 28 PM | — | attendance | not on roll |
/// | Tue 29 AM | Late 2 (LC-LT2) | authorised | not on roll (register mark ignored) |
/// | Tue 29 PM | 02 | not counted | not on roll |
/// | Wed 1 AM, PM | LC-ILL | authorised ×2 | — attendance ×2 |
/// | Thu 2 AM | register absent, unexplained | unauthorised | — attendance |
/// | Thu 2 PM | LC-EXC | exclusion | withdrawn LC-ILL: attendance |
/// | Fri 3 AM, PM | — | attendance ×2 | — attendance ×2 |
///
/// Morag: on roll 10, not counted 1, possible 9; attendance 4 (44.4%), authorised 3 (33.3%),
/// unauthorised 1 (11.1%), exclusion 1 (11.1%). Ross: on roll 6, possible 6, attendance 6.
/// Together: possible 15, attendance 10 (66.7%).
#[test]
fn the_attendance_figure_against_a_hand_worked_table() {
    let days = calendar(4);
    let mut morag = pupil(1, 4);
    morag.first_name = "Morag".into();
    let mut ross = pupil(2, 4);
    ross.on_roll_from = Some(d(2028, 3, 1));
    let categories: HashMap<String, Category> = world().codes.into_iter().map(|c| (c.code, c.category)).collect();
    let record = |id: u128, pupil_id: i64, code: &str, os: &[&str], withdrawn: bool| {
        let mut a = put_absence(&run(&mut world(), call(1000, "2026-12-01 AM", "2026-12-01 AM")).unwrap());
        a.id = Uuid::from_u128(id);
        a.pupil_id = pupil_id;
        a.code = code.into();
        a.openings = os.iter().map(|s| o(s)).collect();
        if withdrawn {
            a.status = AbsenceStatus::Withdrawn;
        }
        a
    };
    let absences = vec![
        record(1, 1, "11", &["2028-02-28 AM"], false),
        record(2, 1, "LC-LT2", &["2028-02-29 AM"], false),
        record(3, 1, "02", &["2028-02-29 PM"], false),
        record(4, 1, "LC-ILL", &["2028-03-01 AM", "2028-03-01 PM"], false),
        record(5, 1, "LC-EXC", &["2028-03-02 PM"], false),
        record(6, 2, "LC-ILL", &["2028-03-02 PM"], true),
    ];
    let mark = |pupil_id: i64, opening: &str| {
        let op = o(opening);
        RegistrationMark {
            id: RegistrationMark::key(pupil_id, op),
            school_id: 4,
            pupil_id,
            date: op.date,
            half: op.half,
            absent: true,
            imported_at: Utc::now(),
        }
    };
    let marks = vec![mark(1, "2028-03-02 AM"), mark(2, "2028-02-29 AM")];
    let (from, to) = (d(2028, 2, 28), d(2028, 3, 3));
    let fm = pupil_figures(&morag, &days, &absences, &marks, &categories, from, to);
    assert_eq!(
        fm,
        Figures {
            on_roll: 10,
            not_counted: 1,
            attendance: 4,
            authorised: 3,
            unauthorised: 1,
            exclusion: 1
        }
    );
    assert_eq!(fm.possible(), 9);
    let pct = |p: Option<f64>| (p.unwrap() * 10.0).round() / 10.0;
    assert_eq!(pct(fm.attendance_percent()), 44.4);
    assert_eq!(pct(fm.authorised_percent()), 33.3);
    assert_eq!(pct(fm.unauthorised_percent()), 11.1);
    assert_eq!(pct(fm.exclusion_percent()), 11.1);
    let fr = pupil_figures(&ross, &days, &absences, &marks, &categories, from, to);
    assert_eq!(
        fr,
        Figures {
            on_roll: 6,
            attendance: 6,
            ..Figures::default()
        }
    );
    // The whole school at once gives the same figures.
    let all = school_figures(
        &[morag.clone(), ross.clone()],
        &days,
        &absences,
        &marks,
        &categories,
        from,
        to,
    );
    assert_eq!((all[&1], all[&2]), (fm, fr));
    let class = fm + fr;
    assert_eq!((class.possible(), class.attendance), (15, 10));
    assert_eq!(pct(class.attendance_percent()), 66.7);

    let th = Thresholds::default();
    assert_eq!(fm.flag(&th), Flag::Red);
    assert_eq!(fr.flag(&th), Flag::None);
    let f = |attendance| Figures {
        on_roll: 100,
        attendance,
        authorised: 100 - attendance,
        ..Figures::default()
    };
    assert_eq!(f(89).flag(&th), Flag::Flagged);
    assert_eq!(f(90).flag(&th), Flag::None);
    assert_eq!(f(80).flag(&th), Flag::Flagged);
    assert_eq!(f(79).flag(&th), Flag::Red);
    assert_eq!(Figures::default().attendance_percent(), None);
}

#[test]
fn summaries_name_the_pupil_and_what_was_asked() {
    let mut m = world();
    let line = |m: &mut Mem, c: Command| summary(m, &c).unwrap();
    assert_eq!(
        line(
            &mut m,
            Command::RecordAbsence(call(1, "2026-12-01 AM", "2026-12-02 PM"))
        ),
        "Record Eilidh MacDonald (P4B) absent 2026-12-01 AM to 2026-12-02 PM (LC-ILL), Catriona MacDonald called"
    );
    let late = RecordLate {
        absence_id: Uuid::nil(),
        pupil_id: 1,
        date: d(2026, 12, 1),
        arrived_at: t(9, 5),
        reason: String::new(),
    };
    assert_eq!(
        line(&mut m, Command::RecordLate(late)),
        "Record Eilidh MacDonald (P4B) late on 2026-12-01 at 09:05"
    );
    assert_eq!(
        line(
            &mut m,
            Command::LogContactAttempt(attempt(1, AttemptOutcome::NoAnswer, None))
        ),
        "Log a contact attempt about Eilidh MacDonald (P4B) on 2026-12-01 (no answer)"
    );
    // An explained attempt refused for a clash offers the same choices as a call.
    let e = run(&mut m, call(1, "2026-12-01 AM", "2026-12-01 AM")).unwrap();
    m.apply(&e);
    let explained = attempt(
        2,
        AttemptOutcome::Explained,
        Some(call(2, "2026-12-01 AM", "2026-12-01 AM")),
    );
    let r = run(&mut m, explained.clone()).unwrap_err();
    let (cmd, _) = taking(&Command::LogContactAttempt(explained), &r.alternatives[0], Uuid::nil()).unwrap();
    assert!(
        matches!(cmd, Command::AmendAbsence(AmendAbsence { absence_id, change: AbsenceChange::AddNote { .. }, .. }) if absence_id == Uuid::from_u128(1))
    );
    // Other commands offer none.
    assert!(
        taking(
            &Command::WithdrawAbsence(WithdrawAbsence {
                absence_id: Uuid::nil(),
                reason: "x".into()
            }),
            &r.alternatives[0],
            Uuid::nil()
        )
        .is_none()
    );
}
