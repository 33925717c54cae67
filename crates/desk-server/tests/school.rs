//! The school office on the server, every case on SQLite and on PostgreSQL: each command
//! through the push, refusals stored with their alternatives, two desks' calls about one
//! absence, what a school office pulls, the CSV imports' bad input, and the export round trip.

mod common;

use std::collections::HashSet;

use chrono::{NaiveDate, Utc};
use common::*;
use desk_domain::school::*;
use desk_domain::{Alternative, Bucket, Command, Outcome, Role, Site};
use desk_server::{Caller as DeskCaller, Store, SyncRow};
use desk_testkit::school::*;
use uuid::Uuid;

conformance!(
    every_school_command_applies_and_syncs_to_the_school,
    refusals_are_stored_with_their_alternatives,
    a_second_desks_call_finds_the_first_and_adds_its_note,
    a_school_office_pulls_only_its_own_school,
    code_import_is_all_or_nothing_with_line_numbers,
    calendar_import_is_all_or_nothing_with_line_numbers,
    register_import_replaces_each_register_and_refuses_bad_files,
    export_round_trip_sends_each_revision_once,
    a_schools_settings_change_the_rules_it_is_decided_by,
);

fn school_store(backend: &str) -> (desk_testkit::TestDb, std::sync::Arc<dyn Store>) {
    let (db, store) = world_store(backend);
    store.load(&school_world(2026)).expect("school world loads");
    (db, store)
}

/// Pushes `cmds` as the next mutations of `desk` (from `seq`) at the school morning.
fn push(store: &dyn Store, desk: &DeskCaller, seq: u64, cmds: &[Command]) -> Vec<Outcome> {
    let batch: Vec<_> = cmds
        .iter()
        .enumerate()
        .map(|(i, c)| envelope(desk.device_id, seq + i as u64, c))
        .collect();
    let result = store.push(desk, &batch, school_morning()).unwrap();
    assert!(result.stopped.is_none());
    result.receipts.into_iter().map(|r| r.outcome).collect()
}

fn rejected(o: &Outcome) -> (&str, &[Alternative]) {
    match o {
        Outcome::Rejected { code, alternatives, .. } => (code, alternatives),
        other => panic!("expected a rejection, got {other:?}"),
    }
}

fn get<T: for<'de> serde::Deserialize<'de>>(store: &dyn Store, table: &str, id: &str) -> T {
    let rows = store.records(table, &[]).unwrap();
    let row = rows
        .into_iter()
        .find(|r| r["id"].as_str() == Some(id))
        .unwrap_or_else(|| panic!("{table} {id} stored"));
    serde_json::from_value(row).unwrap()
}

fn pull_all(store: &dyn Store, buckets: &[String], after: u64) -> Vec<SyncRow> {
    let mut after = after;
    let mut out = Vec::new();
    loop {
        let page = store.pull(buckets, after, 500, (0, Uuid::nil()), 0).unwrap();
        if let Some(last) = page.rows.last() {
            after = last.version;
        }
        out.extend(page.rows);
        if !page.has_more {
            return out;
        }
    }
}

fn absence_id(cmd: &Command) -> Uuid {
    match cmd {
        Command::School(desk_domain::school::Command::RecordAbsence(a)) => a.absence_id,
        other => panic!("not a call: {other:?}"),
    }
}

fn every_school_command_applies_and_syncs_to_the_school(backend: &str) {
    let (_db, store) = school_store(backend);
    let office = school_caller(&*store, "office.4", SCHOOL, false);
    let head = store.head().unwrap();
    let call = record_absence(PUPIL, "2026-12-01 AM", "2026-12-02 PM");
    let id = absence_id(&call);
    let d = |s: &str| s.parse::<NaiveDate>().unwrap();
    let t = |h, m| chrono::NaiveTime::from_hms_opt(h, m, 0).unwrap();
    let attempt = |n: u128, pupil_id: i64, outcome, explanation| {
        Command::from(LogContactAttempt {
            attempt_id: Uuid::from_u128(n),
            pupil_id,
            date: d("2026-12-01"),
            contact_id: Some(contact_of(pupil_id)),
            method: ContactMethod::Phone,
            outcome,
            note: String::new(),
            explanation,
        })
    };
    let cmds = vec![
        call.clone(),
        Command::from(AmendAbsence {
            absence_id: id,
            change: AbsenceChange::Amend {
                first: opening("2026-12-01 AM"),
                last: opening("2026-12-03 PM"),
                code: "LC-ILL".into(),
                reason: "Still unwell".into(),
                expected_return: Some(d("2026-12-04")),
            },
            why: "mum called back".into(),
        }),
        Command::from(RecordLate {
            absence_id: Uuid::now_v7(),
            pupil_id: PUPIL + 1,
            date: d("2026-12-01"),
            arrived_at: t(9, 10),
            reason: "Bus late".into(),
        }),
        Command::from(RecordEarlyLeave {
            absence_id: Uuid::now_v7(),
            pupil_id: PUPIL + 2,
            date: d("2026-12-01"),
            left_at: t(11, 30),
            code: "LC-MED".into(),
            reason: "Dentist in Elgin".into(),
            collected_by: Caller {
                contact_id: Some(contact_of(PUPIL + 2)),
                name: String::new(),
                relationship: String::new(),
            },
        }),
        attempt(1, PUPIL + 3, AttemptOutcome::NoAnswer, None),
        attempt(2, PUPIL + 3, AttemptOutcome::LeftMessage, None),
        attempt(3, PUPIL + 3, AttemptOutcome::WrongNumber, None),
        Command::from(Escalate {
            escalation_id: Uuid::from_u128(9),
            pupil_id: PUPIL + 3,
            date: d("2026-12-01"),
            to: EscalateTo::HeadTeacher,
            note: "Three attempts, nobody reached".into(),
            by_choice: false,
        }),
        attempt(
            4,
            PUPIL + 4,
            AttemptOutcome::Explained,
            Some(desk_testkit::school::call(PUPIL + 4, "2026-12-01 AM", "2026-12-01 PM")),
        ),
        Command::from(WithdrawAbsence {
            absence_id: id,
            reason: "recorded against the wrong pupil".into(),
        }),
    ];
    let outcomes = push(&*store, &office, 1, &cmds);
    for (o, c) in outcomes.iter().zip(&cmds) {
        assert!(matches!(o, Outcome::Applied), "{}: {o:?}", c.name());
    }

    let a: Absence = get(&*store, "absences", &id.to_string());
    assert_eq!(
        (a.status, a.revision, a.history.len()),
        (AbsenceStatus::Withdrawn, 3, 2)
    );
    assert_eq!(a.openings.len(), 6);
    assert_eq!(
        a.caller.name, "Catriona MacDonald",
        "the contact picked fills in who called"
    );
    assert_eq!(a.recorded_by, office.staff_id);
    let escalation: Escalation = get(&*store, "escalations", &Uuid::from_u128(9).to_string());
    assert_eq!((escalation.unanswered_attempts, escalation.by_choice), (3, false));
    let explained: ContactAttempt = get(&*store, "contact_attempts", &Uuid::from_u128(4).to_string());
    assert!(explained.absence_id.is_some());

    // Everything reached the change log in school 4's bucket, and nothing else did.
    let rows = pull_all(&*store, &[Bucket::School(SCHOOL).to_string()], head);
    let tables: HashSet<&str> = rows.iter().map(|r| r.table.as_str()).collect();
    assert_eq!(tables, HashSet::from(["absences", "contact_attempts", "escalations"]));
    assert_eq!(rows.iter().filter(|r| r.table == "absences").count(), 4);
    let others = pull_all(&*store, &[Bucket::School(OTHER_SCHOOL).to_string()], head);
    assert!(others.is_empty());

    // Each change to a pupil's record was audited in the same transaction.
    let audit = store.audit_of(desk_server::PersonRef::Pupil(PUPIL)).unwrap();
    let details: Vec<&str> = audit.iter().map(|e| e.detail.as_str()).collect();
    assert!(details.contains(&"school.record_absence"), "{details:?}");
    assert!(details.contains(&"school.withdraw_absence"), "{details:?}");
}

fn refusals_are_stored_with_their_alternatives(backend: &str) {
    let (_db, store) = school_store(backend);
    let office = school_caller(&*store, "office.4", SCHOOL, false);
    let first = record_absence(PUPIL, "2026-12-01 AM", "2026-12-01 PM");
    let mut too_long = desk_testkit::school::call(PUPIL + 1, "2026-12-01 AM", "2026-12-01 AM");
    too_long.reason = "x".repeat(300);
    let mut holiday = desk_testkit::school::call(PUPIL + 1, "2026-10-12 AM", "2026-10-23 PM");
    holiday.code = "LC-HOL".into();
    let mut exclusion = desk_testkit::school::call(PUPIL + 1, "2026-12-02 AM", "2026-12-02 AM");
    exclusion.code = "LC-EXC".into();
    let cmds = vec![
        first.clone(),
        record_absence(PUPIL, "2026-12-01 PM", "2026-12-02 AM"),
        record_absence(OTHER_PUPIL, "2026-12-01 AM", "2026-12-01 AM"),
        record_absence(PUPIL + 1, "2026-12-02 PM", "2026-12-02 AM"),
        record_absence(PUPIL + 1, "2027-05-20 AM", "2027-05-20 PM"),
        record_absence(PUPIL + 1, "2027-08-20 AM", "2027-08-20 PM"),
        Command::from(too_long),
        Command::from(holiday),
        Command::from(exclusion),
        record_absence(9_999, "2026-12-01 AM", "2026-12-01 AM"),
    ];
    let outcomes = push(&*store, &office, 1, &cmds);
    assert!(matches!(outcomes[0], Outcome::Applied));
    let (code, alternatives) = rejected(&outcomes[1]);
    assert_eq!(code, "openings_explained");
    let first_id = absence_id(&first);
    assert!(matches!(&alternatives[0], Alternative::AddToAbsence { absence_id, .. } if *absence_id == first_id));
    assert!(matches!(&alternatives[1], Alternative::ReplaceAbsence { absence_id, .. } if *absence_id == first_id));
    let codes: Vec<&str> = outcomes[2..].iter().map(|o| rejected(o).0).collect();
    assert_eq!(
        codes,
        [
            "out_of_scope",
            "end_before_start",
            "too_far_ahead",
            "outside_school_year",
            "invalid_note",
            "no_openings",
            "code_not_allowed",
            "unknown_pupil",
        ]
    );
    assert_eq!(
        store.records("absences", &[]).unwrap().len(),
        1,
        "nothing refused was stored"
    );
    // A refused command's receipt is kept: the replay answers the same.
    let again = store
        .push(&office, &[envelope(office.device_id, 2, &cmds[1])], school_morning())
        .err();
    assert!(again.is_some(), "a different mutation at a used seq is refused");
}

fn a_second_desks_call_finds_the_first_and_adds_its_note(backend: &str) {
    let (_db, store) = school_store(backend);
    let desk_a = school_caller(&*store, "office.a", SCHOOL, false);
    let desk_b = school_caller(&*store, "office.b", SCHOOL, false);
    let supervisor = school_caller(&*store, "office.head", SCHOOL, true);
    let a = record_absence(PUPIL, "2026-12-01 AM", "2026-12-01 PM");
    let mut call_b = desk_testkit::school::call(PUPIL, "2026-12-01 AM", "2026-12-02 PM");
    call_b.caller = Caller {
        contact_id: None,
        name: "Morag MacDonald".into(),
        relationship: "Gran".into(),
    };
    call_b.reason = "Sickness bug, off two days".into();
    let b = Command::from(call_b);
    assert!(matches!(
        push(&*store, &desk_a, 1, std::slice::from_ref(&a))[0],
        Outcome::Applied
    ));
    let outcome = push(&*store, &desk_b, 1, std::slice::from_ref(&b)).remove(0);
    let (code, alternatives) = rejected(&outcome);
    assert_eq!(code, "openings_explained");

    // "Add my note to it": the desk takes the first alternative.
    let (add, _) = b.taking(&alternatives[0], Uuid::now_v7()).unwrap();
    assert!(matches!(push(&*store, &desk_b, 2, &[add])[0], Outcome::Applied));
    let held: Absence = get(&*store, "absences", &absence_id(&a).to_string());
    assert!(
        held.reason.contains("Morag MacDonald") && held.reason.contains("Sickness bug"),
        "{}",
        held.reason
    );
    assert_eq!(held.revision, 2);

    // "Replace it" is a supervisor's.
    let (replace, _) = b.taking(&alternatives[1], Uuid::now_v7()).unwrap();
    let refused = push(&*store, &desk_b, 3, std::slice::from_ref(&replace)).remove(0);
    assert_eq!(rejected(&refused).0, "supervisor_only");
    assert!(matches!(push(&*store, &supervisor, 1, &[replace])[0], Outcome::Applied));
    let held: Absence = get(&*store, "absences", &absence_id(&a).to_string());
    assert_eq!(
        (held.openings.len(), held.caller.name.as_str(), held.revision),
        (4, "Morag MacDonald", 3)
    );
}

fn a_school_office_pulls_only_its_own_school(backend: &str) {
    let (_db, store) = school_store(backend);
    store
        .load(&desk_server::EntityBatch {
            ct_accounts: vec![desk_domain::CtAccount {
                id: 1,
                reference: "MC00000001".parse().unwrap(),
                office_id: 1,
                band: desk_domain::CouncilTaxBand::D,
                address: "1 High Street, Elgin".into(),
                postcode: "IV30 1AA".into(),
                uprn: "133033601".parse().unwrap(),
                liable: Vec::new(),
                phone: None,
                email: None,
                single_person_discount: false,
                direct_debit: false,
                paperless: false,
                liability_start: None,
                last_instalment_pence: None,
                bank_last_four: None,
            }],
            registration_marks: vec![RegistrationMark {
                id: RegistrationMark::key(OTHER_PUPIL, opening("2026-12-01 AM")),
                school_id: OTHER_SCHOOL,
                pupil_id: OTHER_PUPIL,
                date: "2026-12-01".parse().unwrap(),
                half: desk_domain::values::Half::Am,
                absent: true,
                imported_at: Utc::now(),
            }],
            ..Default::default()
        })
        .unwrap();
    let other = school_caller(&*store, "office.5", OTHER_SCHOOL, false);
    assert!(matches!(
        push(
            &*store,
            &other,
            1,
            &[record_absence(OTHER_PUPIL + 1, "2026-12-01 AM", "2026-12-01 AM")]
        )[0],
        Outcome::Applied
    ));
    // An account at school 4 that also lists a leisure centre and a council-tax office, but
    // holds only the school-office role.
    let sites = [Site::school(SCHOOL), Site::leisure(CENTRE_A), Site::office(1)];
    let buckets = Bucket::scope(&[Role::SchoolOffice], &sites);
    assert_eq!(buckets, vec![Bucket::School(SCHOOL)]);
    let rows = pull_all(&*store, &strs(&buckets), 0);
    assert!(!rows.is_empty());
    for r in &rows {
        assert_eq!(r.bucket, "school:4", "{} {} from another bucket", r.table, r.id);
        let data: serde_json::Value = serde_json::from_str(r.data.as_deref().unwrap()).unwrap();
        if let Some(school) = data.get("school_id") {
            assert_eq!(school.as_i64(), Some(SCHOOL), "{} {}", r.table, r.id);
        }
    }
    let tables: HashSet<&str> = rows.iter().map(|r| r.table.as_str()).collect();
    for forbidden in [
        "customers",
        "bookings",
        "sessions",
        "centres",
        "ct_accounts",
        "customer_notes",
    ] {
        assert!(!tables.contains(forbidden), "a school office pulled {forbidden}");
    }
    for wanted in [
        "schools",
        "pupils",
        "contacts",
        "attendance_codes",
        "school_years",
        "school_days",
    ] {
        assert!(tables.contains(wanted), "a school office needs {wanted}");
    }
    // The pupils are exactly school 4's.
    let pupils = rows.iter().filter(|r| r.table == "pupils").count();
    assert_eq!(pupils, 10);
}

fn code_import_is_all_or_nothing_with_line_numbers(backend: &str) {
    let (_db, store) = school_store(backend);
    let header = "code,label,category,valid_from,valid_to,needs_note,office_may_use,origin,source\n";
    let before = store.count("attendance_codes").unwrap();
    let bad = format!(
        "{header}LC-NEW,New reason,authorised,2026-08-01,,no,yes,local,test\n\
         99,Made-up number,authorised,2026-08-01,,no,yes,local,test\n\
         LC-NEW,Again,authorised,2026-08-01,,no,yes,local,test\n\
         LC-X,Bad category,sometimes,2026-08-01,2026-07-01,maybe,yes,local,test\n"
    );
    let err = match desk_server::school::import_attendance_codes(&*store, bad.as_bytes()) {
        Err(desk_server::school::SchoolImportError::Rows(rows)) => rows,
        other => panic!("expected bad rows, got {other:?}"),
    };
    let text: Vec<String> = err.iter().map(ToString::to_string).collect();
    assert!(
        text.iter().any(|l| l.starts_with("line 3: local code `99`")),
        "{text:?}"
    );
    assert!(
        text.iter()
            .any(|l| l.starts_with("line 4: code `LC-NEW` is already given on line 2")),
        "{text:?}"
    );
    assert!(text.iter().any(|l| l.starts_with("line 5: `category`")), "{text:?}");
    assert!(text.iter().any(|l| l.starts_with("line 5: `valid_to`")), "{text:?}");
    assert!(text.iter().any(|l| l.starts_with("line 5: `needs_note`")), "{text:?}");
    assert_eq!(store.count("attendance_codes").unwrap(), before, "nothing stored");

    let mut latin1 = header.as_bytes().to_vec();
    latin1.extend_from_slice(b"LC-NEW,R\xe9sum\xe9,authorised,2026-08-01,,no,yes,local,test\n");
    let err = match desk_server::school::import_attendance_codes(&*store, &latin1) {
        Err(desk_server::school::SchoolImportError::Rows(rows)) => rows,
        other => panic!("expected bad rows, got {other:?}"),
    };
    assert_eq!(err.len(), 1);
    assert!(
        err[0].to_string().starts_with("line 2: the file is not UTF-8"),
        "{}",
        err[0]
    );

    let good = format!("\u{feff}{header}LC-NEW,New reason,authorised,2026-08-01,,no,yes,local,test\n");
    let (codes, schools) = desk_server::school::import_attendance_codes(&*store, good.as_bytes()).unwrap();
    assert_eq!((codes, schools), (1, 2));
    assert_eq!(store.count("attendance_codes").unwrap(), before + 2);
}

fn calendar_import_is_all_or_nothing_with_line_numbers(backend: &str) {
    let (_db, store) = school_store(backend);
    let header = "school_id,from,to,kind,halves,label\n";
    let before = store.count("school_days").unwrap();
    let bad = format!(
        "{header}4,2027-08-18,2028-06-30,term,both,Year\n\
         4,2027-10-23,2027-10-12,holiday,none,October\n\
         99,2027-08-18,2027-08-20,term,both,Nowhere\n"
    );
    let err = match desk_server::school::import_calendar(&*store, bad.as_bytes()) {
        Err(desk_server::school::SchoolImportError::Rows(rows)) => rows,
        other => panic!("expected bad rows, got {other:?}"),
    };
    assert_eq!(err.len(), 1, "{err:?}");
    assert!(
        err[0]
            .to_string()
            .starts_with("line 3: `to` 2027-10-12 is before `from` 2027-10-23"),
        "{}",
        err[0]
    );
    let unknown = format!("{header}99,2027-08-18,2027-08-20,term,both,Nowhere\n");
    let err = match desk_server::school::import_calendar(&*store, unknown.as_bytes()) {
        Err(desk_server::school::SchoolImportError::Rows(rows)) => rows,
        other => panic!("expected bad rows, got {other:?}"),
    };
    assert_eq!(err[0].to_string(), "line 2: there is no school 99");
    assert_eq!(store.count("school_days").unwrap(), before, "nothing stored");

    // 2027/28, with the leap day: the October holiday inside the term, and an AM-only day.
    let good = format!(
        "{header}4,2027-08-18,2028-06-30,term,both,\n\
         4,2027-10-11,2027-10-22,holiday,none,October holiday\n\
         4,2028-02-29,2028-02-29,term,am,Leap day (mornings only)\n"
    );
    let (days, years) = desk_server::school::import_calendar(&*store, good.as_bytes()).unwrap();
    assert_eq!(years, 1);
    assert_eq!(store.count("school_days").unwrap(), before + days as u64);
    let leap: SchoolDay = get(&*store, "school_days", "4:2028-02-29");
    assert!(leap.am && !leap.pm);
    let year: SchoolYear = get(&*store, "school_years", "4:2027");
    assert_eq!(
        (year.label.as_str(), year.first_day.to_string()),
        ("2027/28", "2027-08-18".to_owned())
    );
    let october: SchoolDay = get(&*store, "school_days", "4:2027-10-12");
    assert_eq!(october.kind, DayKind::Holiday);
}

fn register_import_replaces_each_register_and_refuses_bad_files(backend: &str) {
    let (_db, store) = school_store(backend);
    let header = "school_id,pupil_ref,date,opening\n";
    let at = Utc::now();
    let dup = format!(
        "{header}4,{PUPIL},2026-12-01,AM\n4,{},2026-12-01,AM\n4,{PUPIL},2026-12-01,am\n",
        PUPIL + 1
    );
    let err = match desk_server::school::import_register(&*store, dup.as_bytes(), at) {
        Err(desk_server::school::SchoolImportError::Rows(rows)) => rows,
        other => panic!("expected bad rows, got {other:?}"),
    };
    assert_eq!(
        err.iter().map(ToString::to_string).collect::<Vec<_>>(),
        [format!(
            "line 4: pupil reference {PUPIL} appears twice for 2026-12-01 AM (first on line 2)"
        )]
    );
    let wrong_school = format!("{header}4,{OTHER_PUPIL},2026-12-01,AM\n4,{PUPIL},2026-12-01,XM\n");
    let err = match desk_server::school::import_register(&*store, wrong_school.as_bytes(), at) {
        Err(desk_server::school::SchoolImportError::Rows(rows)) => rows,
        other => panic!("expected bad rows, got {other:?}"),
    };
    let text: Vec<String> = err.iter().map(ToString::to_string).collect();
    assert!(
        text.iter().any(|l| l.starts_with("line 3: `opening` must be AM or PM")),
        "{text:?}"
    );
    // A register on a holiday, or the afternoon of a mornings-only day, is not one.
    let holiday = format!("{header}4,{PUPIL},2026-10-14,AM\n4,{PUPIL},2026-12-18,PM\n4,{PUPIL},2026-12-18,AM\n");
    let err = match desk_server::school::import_register(&*store, holiday.as_bytes(), at) {
        Err(desk_server::school::SchoolImportError::Rows(rows)) => rows,
        other => panic!("expected bad rows, got {other:?}"),
    };
    assert_eq!(
        err.iter().map(ToString::to_string).collect::<Vec<_>>(),
        [
            "line 2: 2026-10-14 AM is not an opening of school 4's calendar",
            "line 3: 2026-12-18 PM is not an opening of school 4's calendar",
        ]
    );
    let mut latin1 = header.as_bytes().to_vec();
    latin1.extend_from_slice(format!("4,{PUPIL},2026-12-01,AM\n").as_bytes());
    latin1.extend_from_slice(b"4,\xa3402,2026-12-01,AM\n");
    let err = match desk_server::school::import_register(&*store, &latin1, at) {
        Err(desk_server::school::SchoolImportError::Rows(rows)) => rows,
        other => panic!("expected bad rows, got {other:?}"),
    };
    assert!(
        err[0].to_string().starts_with("line 3: the file is not UTF-8"),
        "{}",
        err[0]
    );
    assert_eq!(store.count("registration_marks").unwrap(), 0, "nothing stored");

    let morning = format!("{header}4,{PUPIL},2026-12-01,AM\n4,{},2026-12-01,AM\n", PUPIL + 1);
    let s = desk_server::school::import_register(&*store, morning.as_bytes(), at).unwrap();
    assert_eq!((s.absent, s.cleared), (2, 0));
    // The MIS corrected the morning register: the second pupil was there after all.
    let corrected = format!("{header}4,{PUPIL},2026-12-01,AM\n4,{PUPIL},2026-12-01,PM\n");
    let s = desk_server::school::import_register(&*store, corrected.as_bytes(), at).unwrap();
    assert_eq!((s.absent, s.cleared), (2, 1));
    let cleared: RegistrationMark = get(&*store, "registration_marks", &format!("{}:2026-12-01:AM", PUPIL + 1));
    assert!(!cleared.absent);
    let still: RegistrationMark = get(&*store, "registration_marks", &format!("{PUPIL}:2026-12-01:AM"));
    assert!(still.absent);
}

fn export_round_trip_sends_each_revision_once(backend: &str) {
    let (_db, store) = school_store(backend);
    let office = school_caller(&*store, "office.4", SCHOOL, false);
    let a = record_absence(PUPIL, "2026-12-01 AM", "2026-12-02 AM");
    let b = record_absence(PUPIL + 1, "2026-12-01 PM", "2026-12-01 PM");
    let other = school_caller(&*store, "office.5", OTHER_SCHOOL, false);
    for o in push(&*store, &office, 1, &[a.clone(), b.clone()]) {
        assert!(matches!(o, Outcome::Applied));
    }
    assert!(matches!(
        push(
            &*store,
            &other,
            1,
            &[record_absence(OTHER_PUPIL, "2026-12-01 AM", "2026-12-01 AM")]
        )[0],
        Outcome::Applied
    ));
    let (from, to): (NaiveDate, NaiveDate) = ("2026-11-30".parse().unwrap(), "2026-12-04".parse().unwrap());
    let export = |again| {
        let records = store.export_absences(SCHOOL, from, to, again, Utc::now()).unwrap();
        desk_server::school::export::to_csv(&records)
    };
    let csv = export(false);
    let mut reader = csv::Reader::from_reader(csv.as_bytes());
    assert_eq!(
        reader.headers().unwrap().iter().collect::<Vec<_>>(),
        desk_server::school::export::COLUMNS
    );
    let rows: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
    let got: HashSet<(String, String, String, String, String)> = rows
        .iter()
        .map(|r| (r[0].into(), r[1].into(), r[2].into(), r[3].into(), r[9].into()))
        .collect();
    let row = |p: i64, d: &str, h: &str| {
        (
            p.to_string(),
            d.to_owned(),
            h.to_owned(),
            "LC-ILL".to_owned(),
            "recorded".to_owned(),
        )
    };
    assert_eq!(
        got,
        HashSet::from([
            row(PUPIL, "2026-12-01", "AM"),
            row(PUPIL, "2026-12-01", "PM"),
            row(PUPIL, "2026-12-02", "AM"),
            row(PUPIL + 1, "2026-12-01", "PM"),
        ]),
        "school 4's openings, none of school 5's"
    );
    assert_eq!(&rows[0][5], "Catriona MacDonald");
    assert_eq!(rows[0][7].parse::<i64>().unwrap(), office.staff_id);

    // Exported once: a second export sends nothing.
    assert_eq!(export(false).lines().count(), 1, "only the header");
    // A withdrawal is a new revision: it goes out, marked withdrawn.
    let withdraw = Command::from(WithdrawAbsence {
        absence_id: absence_id(&b),
        reason: "called in error".into(),
    });
    assert!(matches!(push(&*store, &office, 3, &[withdraw])[0], Outcome::Applied));
    let csv = export(false);
    let lines: Vec<&str> = csv.lines().collect();
    assert_eq!(lines.len(), 2, "{csv}");
    assert!(
        lines[1].contains(",withdrawn,") && lines[1].ends_with(",2"),
        "{}",
        lines[1]
    );
    // Asked again, everything in the range goes out.
    assert_eq!(export(true).lines().count(), 5);

    // A record running past the range goes out whole, and not again with the next range.
    let long = record_absence(PUPIL + 2, "2026-12-04 PM", "2026-12-08 AM");
    assert!(matches!(push(&*store, &office, 4, &[long])[0], Outcome::Applied));
    let csv = export(false);
    let dates: Vec<&str> = csv.lines().skip(1).map(|l| l.split(',').nth(1).unwrap()).collect();
    assert_eq!(dates, ["2026-12-04", "2026-12-07", "2026-12-07", "2026-12-08"], "{csv}");
    let next = store
        .export_absences(
            SCHOOL,
            "2026-12-07".parse().unwrap(),
            "2026-12-11".parse().unwrap(),
            false,
            Utc::now(),
        )
        .unwrap();
    assert!(next.is_empty(), "already sent whole");
}

fn a_schools_settings_change_the_rules_it_is_decided_by(backend: &str) {
    use desk_server::school::settings::{SettingsChange, SettingsError, set_school_settings};
    let (_db, store) = school_store(backend);
    let office = school_caller(&*store, "office.4", SCHOOL, false);
    let bad = |change: SettingsChange| match set_school_settings(&*store, SCHOOL, &change) {
        Err(SettingsError::Invalid(m)) => m,
        other => panic!("expected invalid settings, got {other:?}"),
    };
    assert!(
        bad(SettingsChange {
            late_absence_code: Some("10".into()),
            ..Default::default()
        })
        .contains("must count as an absence")
    );
    assert!(
        bad(SettingsChange {
            late_absence_code: Some("L9".into()),
            ..Default::default()
        })
        .contains("not one of school 4's codes")
    );
    assert!(
        bad(SettingsChange {
            escalate_after: Some(0),
            ..Default::default()
        })
        .contains("1 to 10")
    );
    assert!(
        bad(SettingsChange {
            flagged_below: Some(70),
            ..Default::default()
        })
        .contains("red threshold")
    );
    assert!(matches!(
        set_school_settings(&*store, 99, &SettingsChange::default()),
        Err(SettingsError::Invalid(m)) if m == "there is no school 99"
    ));
    assert_eq!(
        store.records("school_settings", &[]).unwrap().len(),
        0,
        "nothing stored"
    );

    let head = store.head().unwrap();
    let settings = set_school_settings(
        &*store,
        SCHOOL,
        &SettingsChange {
            late_absence_code: Some("LC-UNX".into()),
            escalate_after: Some(2),
            ..Default::default()
        },
    )
    .unwrap();
    assert_eq!((settings.rules.escalate_after, settings.thresholds.flagged), (2, 90));
    let rows = pull_all(&*store, &[Bucket::School(SCHOOL).to_string()], head);
    assert_eq!(
        rows.iter().map(|r| r.table.as_str()).collect::<Vec<_>>(),
        ["school_settings"]
    );

    let d: NaiveDate = "2026-12-01".parse().unwrap();
    let attempt = |n: u128| {
        Command::from(LogContactAttempt {
            attempt_id: Uuid::from_u128(n),
            pupil_id: PUPIL,
            date: d,
            contact_id: None,
            method: ContactMethod::Phone,
            outcome: AttemptOutcome::NoAnswer,
            note: String::new(),
            explanation: None,
        })
    };
    let late_id = Uuid::now_v7();
    let cmds = [
        attempt(1),
        attempt(2),
        Command::from(Escalate {
            escalation_id: Uuid::from_u128(3),
            pupil_id: PUPIL,
            date: d,
            to: EscalateTo::DutyList,
            note: "Two attempts is the school's rule".into(),
            by_choice: false,
        }),
        Command::from(RecordLate {
            absence_id: late_id,
            pupil_id: PUPIL + 1,
            date: d,
            arrived_at: chrono::NaiveTime::from_hms_opt(11, 0, 0).unwrap(),
            reason: String::new(),
        }),
    ];
    for o in push(&*store, &office, 1, &cmds) {
        assert!(matches!(o, Outcome::Applied), "{o:?}");
    }
    let late: Absence = get(&*store, "absences", &late_id.to_string());
    assert_eq!(late.code, "LC-UNX");
    // The other school keeps the defaults: two attempts are not enough there.
    let other = school_caller(&*store, "office.5", OTHER_SCHOOL, false);
    let mut two = vec![attempt(11), attempt(12)];
    for (c, pupil) in two.iter_mut().zip([OTHER_PUPIL, OTHER_PUPIL]) {
        if let Command::School(desk_domain::school::Command::LogContactAttempt(a)) = c {
            a.pupil_id = pupil;
        }
    }
    two.push(Command::from(Escalate {
        escalation_id: Uuid::from_u128(13),
        pupil_id: OTHER_PUPIL,
        date: d,
        to: EscalateTo::DutyList,
        note: "x".into(),
        by_choice: false,
    }));
    let outcomes = push(&*store, &other, 1, &two);
    assert_eq!(rejected(&outcomes[2]).0, "not_enough_attempts");
}
