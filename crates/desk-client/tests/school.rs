//! The school office's desk against the real council server, on SQLite and PostgreSQL: pupil
//! search and the pupil page (audited), an absence call recorded at the desk, the worklist
//! emptying as attempts are logged and pupils explained or escalated, and two desks taking
//! calls about the same pupil offline (the second gets Needs attention, and adds its note).

use chrono::NaiveDate;
use desk_client::school::views::{AbsenceInput, CallerInput, HalfDay, OpeningRef};
use desk_client::{Desk, StaffDeskConfig};
use desk_domain::school::{AttemptOutcome, ContactMethod, DayKind, EscalateTo, RegistrationMark, ReportChannel};
use desk_domain::values::Half;
use desk_domain::{Contact, Pupil, Role, School, SchoolKind, Site};
use desk_fixtures::{DemoData, DemoStaff};
use desk_testkit::{Backend, PASSWORD, TestDb, TestServer};

const SCHOOL: i64 = 4;

fn pupil(id: i64, first: &str, last: &str, class: &str) -> Pupil {
    Pupil {
        id,
        school_id: SCHOOL,
        first_name: first.into(),
        last_name: last.into(),
        date_of_birth: NaiveDate::from_ymd_opt(2018, 5, 2).unwrap(),
        stage: class[..2].into(),
        class: class.into(),
        on_roll_from: None,
        on_roll_to: None,
    }
}

fn contact(id: i64, pupil_id: i64, name: &str, relationship: &str, priority: u32) -> Contact {
    Contact {
        id,
        pupil_id,
        school_id: SCHOOL,
        name: name.into(),
        relationship: relationship.into(),
        phone: format!("07700 900{id:03}"),
        email: None,
        priority,
    }
}

fn office(username: &str, supervisor: bool) -> DemoStaff {
    let mut roles = vec![Role::SchoolOffice];
    if supervisor {
        roles.push(Role::Supervisor);
    }
    DemoStaff {
        username: username.into(),
        display_name: format!("Office {username}"),
        password: PASSWORD.into(),
        roles,
        sites: vec![Site::school(SCHOOL)],
    }
}

/// School 4 with this school year's Moray calendar, three pupils (contacts given out of
/// calling order) and registration marks on `day`: Eilidh and Callum absent all day.
fn school_world(day: NaiveDate) -> DemoData {
    let schools = vec![School {
        id: SCHOOL,
        name: "Elgin Birchwood Primary School".into(),
        kind: SchoolKind::Primary,
        town: "Elgin".into(),
    }];
    let start = desk_fixtures::school_year_start(day);
    let (school_years, school_days) = desk_fixtures::moray_calendar(&schools, start);
    let mark = |pupil_id: i64, half: Half| RegistrationMark {
        id: format!("{pupil_id}:{day}:{}", half.as_str()),
        school_id: SCHOOL,
        pupil_id,
        date: day,
        half,
        absent: true,
        imported_at: chrono::Utc::now(),
    };
    DemoData {
        schools,
        pupils: vec![
            pupil(401, "Eilidh", "MacDonald", "P4B"),
            pupil(402, "Callum", "O'Neill", "P4B"),
            pupil(403, "Catherine", "Grant", "P6A"),
        ],
        contacts: vec![
            contact(4012, 401, "Iain MacDonald", "Dad", 2),
            contact(4011, 401, "Catriona MacDonald", "Mum", 1),
            contact(4021, 402, "Ann O'Neill", "Gran", 1),
        ],
        school_years,
        school_days,
        registration_marks: vec![
            mark(401, Half::Am),
            mark(401, Half::Pm),
            mark(402, Half::Am),
            mark(402, Half::Pm),
        ],
        staff: vec![office("office.one", false), office("office.two", false)],
        ..DemoData::default()
    }
}

/// The first term day of the calendar from today on (the rules refuse days past the year).
fn next_term_day(data: &DemoData) -> NaiveDate {
    let today = chrono::Local::now().date_naive();
    data.school_days
        .iter()
        .filter(|d| d.date >= today && d.kind == DayKind::Term && d.am && d.pm)
        .map(|d| d.date)
        .min()
        .expect("a term day ahead in this school year")
}

async fn sign_in(dir: &std::path::Path, server: &TestServer, username: &str) -> Desk {
    let mut cfg = StaffDeskConfig::new(dir.join("desk"), server.url());
    cfg.keyring_service = format!("council-desk-test-{}", uuid::Uuid::new_v4());
    Desk::sign_in_staff(cfg, username, PASSWORD)
        .await
        .unwrap_or_else(|e| panic!("sign-in failed ({}): {e}; run under scripts/with-keyring", e.code()))
}

fn call(pupil_id: i64, contact_id: i64, day: NaiveDate, reason: &str) -> AbsenceInput {
    AbsenceInput {
        pupil_id,
        first: OpeningRef {
            date: day,
            half: HalfDay::Am,
        },
        last: OpeningRef {
            date: day,
            half: HalfDay::Pm,
        },
        code: "LC-ILL".into(),
        reason: reason.into(),
        caller: CallerInput {
            contact_id: Some(contact_id),
            name: String::new(),
            relationship: String::new(),
        },
        called_at: day.and_hms_opt(8, 40, 0).unwrap(),
        expected_return: None,
        channel: ReportChannel::Phone,
    }
}

#[tokio::test]
async fn the_office_finds_a_pupil_records_the_call_and_works_the_list_empty_on_both_backends() {
    for backend in [Backend::Sqlite, Backend::Postgres] {
        let dir = tempfile::tempdir().unwrap();
        let db = TestDb::new(backend, dir.path());
        let store = db.open();
        let probe = school_world(chrono::Local::now().date_naive());
        let day = next_term_day(&probe);
        let data = school_world(day);
        desk_server::load_demo(&*store, &data).unwrap();
        let server = TestServer::start(store.clone()).await;
        let desk = sign_in(&dir.path().join("one"), &server, "office.one").await;
        desk.sync_now().await.unwrap();
        let office = desk.school();

        // Search: spaces, apostrophes and the sound of a name.
        let ids =
            |v: Vec<desk_client::school::views::PupilView>| v.iter().map(|p| (p.id, p.sounds_like)).collect::<Vec<_>>();
        assert_eq!(
            ids(office.search_pupils("eilidh mac donald", 10).await.unwrap()),
            vec![(401, false)],
            "{backend:?}"
        );
        assert_eq!(
            ids(office.search_pupils("oneill", 10).await.unwrap()),
            vec![(402, false)]
        );
        assert_eq!(ids(office.search_pupils("Aylee", 10).await.unwrap()), vec![(401, true)]);
        assert_eq!(
            ids(office.search_pupils("kathryn", 10).await.unwrap()),
            vec![(403, true)]
        );
        assert_eq!(
            ids(office.search_pupils("P4", 10).await.unwrap()),
            vec![(401, false), (402, false)]
        );

        // The pupil page: contacts in calling order; the view is audited and listed.
        let page = office.pupil_page(401).await.unwrap();
        assert_eq!(page.contacts.iter().map(|c| c.id).collect::<Vec<_>>(), vec![4011, 4012]);
        assert_eq!(page.school_name.as_deref(), Some("Elgin Birchwood Primary School"));
        assert_eq!(page.viewed[0].detail, "pupil page, with contacts 4011, 4012");
        assert_eq!(page.viewed[0].staff_name.as_deref(), Some("Office office.one"));
        assert!(page.attendance.is_some(), "the calendar gives a figure");
        let log = desk.audit_log(0, 1000).await.unwrap();
        assert!(
            log.iter()
                .any(|e| e.record_kind == "pupil" && e.record_id == "401" && e.detail.contains("4012"))
        );

        // The worklist of the day: both marked pupils, contacts in order.
        let list = office.worklist(SCHOOL, Some(day)).await.unwrap();
        assert_eq!(list.iter().map(|e| e.pupil.id).collect::<Vec<_>>(), vec![401, 402]);
        assert_eq!(list[0].contacts[0].id, 4011);
        assert_eq!(list[0].openings.len(), 2);

        // The 08:40 call explains Eilidh: recorded at once, pending, with exactly the openings.
        let recorded = office
            .record_absence(call(401, 4011, day, "Temperature"))
            .await
            .unwrap();
        assert!(recorded.pending);
        assert_eq!(
            recorded.openings,
            vec![
                OpeningRef {
                    date: day,
                    half: HalfDay::Am
                },
                OpeningRef {
                    date: day,
                    half: HalfDay::Pm
                }
            ]
        );
        assert_eq!(recorded.caller_name, "Catriona MacDonald");
        let list = office.worklist(SCHOOL, Some(day)).await.unwrap();
        assert_eq!(
            list.iter().map(|e| e.pupil.id).collect::<Vec<_>>(),
            vec![402],
            "Eilidh leaves the list"
        );

        // The same openings again are refused here, with nothing recorded.
        let again = office
            .record_absence(call(401, 4012, day, "Dad too"))
            .await
            .unwrap_err();
        assert_eq!(again.code(), "openings_explained");

        // Three unanswered attempts make Callum due; escalating him empties the list.
        for outcome in [
            AttemptOutcome::NoAnswer,
            AttemptOutcome::LeftMessage,
            AttemptOutcome::WrongNumber,
        ] {
            office
                .log_contact_attempt(402, day, Some(4021), ContactMethod::Phone, outcome, "", None)
                .await
                .unwrap();
        }
        let list = office.worklist(SCHOOL, Some(day)).await.unwrap();
        assert_eq!(list[0].unanswered, 3);
        assert!(list[0].due_for_escalation);
        office
            .escalate(402, day, EscalateTo::HeadTeacher, "No answer from Gran", false)
            .await
            .unwrap();
        assert!(office.worklist(SCHOOL, Some(day)).await.unwrap().is_empty());

        let today = office.today(SCHOOL, Some(day)).await.unwrap();
        assert_eq!(today.unexplained_left, 0);
        assert_eq!(today.marked_absent, 2);
        assert_eq!(today.escalations.len(), 1);
        assert_eq!(today.escalations[0].pupil_id, 402);
        assert_eq!(today.reported.len(), 1, "the call made on `day` at 08:40");

        // The server accepts every change and the pulled records replace the pending ones.
        desk.sync_now().await.unwrap();
        assert_eq!(desk.sync_status().await.unwrap().pending, 0, "{backend:?}: all applied");
        let page = office.pupil_page(401).await.unwrap();
        assert_eq!(page.absences.len(), 1);
        assert!(!page.absences[0].pending, "{backend:?}: confirmed");
        assert!(office.worklist(SCHOOL, Some(day)).await.unwrap().is_empty());
        let held = store.records_of(desk_server::PersonRef::Pupil(401)).unwrap();
        assert!(
            held.iter()
                .any(|(t, id, _)| t == "absences" && *id == recorded.id.to_string()),
            "{backend:?}"
        );
        // The desk's audit log reached the server whole: the pupil page view and the absence
        // recorded (kinds `pupil` and `absence`), uploaded by this desk, none set aside.
        assert!(
            desk.audit_set_aside().await.unwrap().is_empty(),
            "{backend:?}: the server took every entry"
        );
        let report = desk_server::person_report_data(&*store, desk_server::PersonRef::Pupil(401)).unwrap();
        let uploaded = |kind: &str| {
            report
                .accesses
                .iter()
                .any(|a| a.source == "desk" && a.record_kind.as_deref() == Some(kind))
        };
        assert!(
            uploaded("pupil") && uploaded("absence"),
            "{backend:?}: {:?}",
            report.accesses
        );
        drop(server);
    }
}

#[tokio::test]
async fn a_second_desk_calling_about_the_same_openings_offline_adds_its_note_through_needs_attention() {
    for backend in [Backend::Sqlite, Backend::Postgres] {
        let dir = tempfile::tempdir().unwrap();
        let db = TestDb::new(backend, dir.path());
        let store = db.open();
        let probe = school_world(chrono::Local::now().date_naive());
        let day = next_term_day(&probe);
        desk_server::load_demo(&*store, &school_world(day)).unwrap();
        let server = TestServer::start(store.clone()).await;
        let one = sign_in(&dir.path().join("one"), &server, "office.one").await;
        let two = sign_in(&dir.path().join("two"), &server, "office.two").await;
        one.sync_now().await.unwrap();
        two.sync_now().await.unwrap();

        // Both desks take a call about Eilidh before either hears of the other's.
        let first = one
            .school()
            .record_absence(call(401, 4011, day, "Temperature"))
            .await
            .unwrap();
        let second = two
            .school()
            .record_absence(call(401, 4012, day, "Off tomorrow too"))
            .await
            .unwrap();
        assert!(second.pending);
        one.sync_now().await.unwrap();
        two.sync_now().await.unwrap();

        // The second finds the openings explained: Needs attention, showing the first record.
        let items = two.needs_attention().await.unwrap();
        assert_eq!(items.len(), 1, "{backend:?}");
        assert_eq!(items[0].code, "openings_explained");
        let kinds: Vec<String> = items[0]
            .alternatives
            .iter()
            .map(|a| serde_json::to_value(a).unwrap()["kind"].as_str().unwrap().to_owned())
            .collect();
        assert!(kinds.contains(&"add_to_absence".to_owned()), "{kinds:?}");
        let add = kinds.iter().position(|k| k == "add_to_absence").unwrap();
        let shown = serde_json::to_value(&items[0].alternatives[add]).unwrap();
        assert!(shown["summary"].as_str().unwrap().contains("Temperature"), "{shown}");
        assert!(
            two.school()
                .pupil_page(401)
                .await
                .unwrap()
                .absences
                .iter()
                .all(|a| a.id != second.id)
        );

        // "Add my note to it": the first record, amended, on both desks.
        let amended = two.school().take_alternative(items[0].id, add).await.unwrap();
        assert_eq!(amended.id, first.id);
        two.sync_now().await.unwrap();
        assert!(two.needs_attention().await.unwrap().is_empty());
        assert_eq!(two.sync_status().await.unwrap().pending, 0, "{backend:?}");
        one.sync_now().await.unwrap();
        let page = one.school().pupil_page(401).await.unwrap();
        assert_eq!(page.absences.len(), 1);
        assert!(
            page.absences[0].reason.contains("Off tomorrow too"),
            "{:?}",
            page.absences[0].reason
        );
        drop(server);
    }
}

#[tokio::test]
async fn lates_and_early_leaves_recorded_at_the_desk_carry_the_code_the_rules_gave_on_both_backends() {
    for backend in [Backend::Sqlite, Backend::Postgres] {
        let dir = tempfile::tempdir().unwrap();
        let db = TestDb::new(backend, dir.path());
        let store = db.open();
        let probe = school_world(chrono::Local::now().date_naive());
        let day = next_term_day(&probe);
        let data = school_world(day);
        desk_server::load_demo(&*store, &data).unwrap();
        let server = TestServer::start(store.clone()).await;
        let desk = sign_in(&dir.path().join("one"), &server, "office.one").await;
        desk.sync_now().await.unwrap();
        let office = desk.school();
        let at = |h, m| chrono::NaiveTime::from_hms_opt(h, m, 0).unwrap();
        let am = OpeningRef {
            date: day,
            half: HalfDay::Am,
        };

        // 09:05 is in the first half of the morning: Late 1 (code 11); 11:00 is past its
        // middle: the late-as-absence code.
        let early = office.record_late(403, day, at(9, 5), "Bus late").await.unwrap();
        assert_eq!(
            (early.code.as_str(), early.openings.clone()),
            ("11", vec![am]),
            "{backend:?}"
        );
        assert_eq!(early.at_time, Some(at(9, 5)));
        assert!(early.pending);
        let later = office.record_late(401, day, at(11, 0), "Dentist").await.unwrap();
        assert_eq!(later.code, "LC-LT2", "{backend:?}");
        // Before the day starts is not a late arrival: refused, nothing recorded.
        let refused = office.record_late(402, day, at(8, 0), "").await.unwrap_err();
        assert_eq!(refused.code(), "outside_school_day");
        let today = office.today(SCHOOL, Some(day)).await.unwrap();
        assert_eq!(
            today.late.iter().map(|l| l.pupil_id).collect::<Vec<_>>(),
            vec![403, 401],
            "{backend:?}: by arrival time"
        );

        // Catherine collected at 11:30 by someone named: the afternoon is recorded.
        let leave = office
            .record_early_leave(
                403,
                day,
                at(11, 30),
                "LC-ILL",
                "Sick after break",
                CallerInput {
                    contact_id: None,
                    name: "Morag Grant".into(),
                    relationship: "Aunt".into(),
                },
            )
            .await
            .unwrap();
        assert_eq!(
            leave.openings,
            vec![OpeningRef {
                date: day,
                half: HalfDay::Pm
            }],
            "{backend:?}"
        );
        assert_eq!(
            (leave.code.as_str(), leave.caller_name.as_str()),
            ("LC-ILL", "Morag Grant")
        );
        let unnamed = office
            .record_early_leave(
                401,
                day,
                at(11, 30),
                "LC-ILL",
                "",
                CallerInput {
                    contact_id: None,
                    name: " ".into(),
                    relationship: String::new(),
                },
            )
            .await
            .unwrap_err();
        assert_eq!(unnamed.code(), "invalid_input");

        // The server takes all three.
        desk.sync_now().await.unwrap();
        assert_eq!(desk.sync_status().await.unwrap().pending, 0, "{backend:?}: all applied");
        let held = store.records_of(desk_server::PersonRef::Pupil(403)).unwrap();
        for id in [early.id, leave.id] {
            assert!(
                held.iter().any(|(t, r, _)| t == "absences" && *r == id.to_string()),
                "{backend:?}: {id}"
            );
        }
        let page = office.pupil_page(403).await.unwrap();
        assert!(page.absences.iter().all(|a| !a.pending), "{backend:?}: confirmed");
        drop(server);
    }
}

#[tokio::test]
async fn an_absence_amended_then_withdrawn_at_the_desk_keeps_its_history_on_both_backends() {
    for backend in [Backend::Sqlite, Backend::Postgres] {
        let dir = tempfile::tempdir().unwrap();
        let db = TestDb::new(backend, dir.path());
        let store = db.open();
        let probe = school_world(chrono::Local::now().date_naive());
        let day = next_term_day(&probe);
        let data = school_world(day);
        desk_server::load_demo(&*store, &data).unwrap();
        let server = TestServer::start(store.clone()).await;
        let desk = sign_in(&dir.path().join("one"), &server, "office.one").await;
        desk.sync_now().await.unwrap();
        let office = desk.school();
        let half = |half| OpeningRef { date: day, half };

        let recorded = office
            .record_absence(call(401, 4011, day, "Temperature"))
            .await
            .unwrap();
        // Mum rings back: only the morning, for the dentist.
        let amended = office
            .amend_absence(
                recorded.id,
                half(HalfDay::Am),
                half(HalfDay::Am),
                "LC-ILL",
                "Temperature, back after lunch",
                None,
                "Mum rang back",
            )
            .await
            .unwrap();
        assert_eq!(amended.openings, vec![half(HalfDay::Am)], "{backend:?}");
        assert_eq!(amended.reason, "Temperature, back after lunch");
        assert_eq!(amended.history.len(), 1, "{backend:?}: the first version kept");
        assert_eq!(amended.history[0].openings, vec![half(HalfDay::Am), half(HalfDay::Pm)]);
        assert!(
            amended.history[0].what.contains("Mum rang back"),
            "{:?}",
            amended.history
        );
        // The afternoon is unexplained again: Eilidh is back on the worklist for it.
        let list = office.worklist(SCHOOL, Some(day)).await.unwrap();
        let eilidh = list.iter().find(|e| e.pupil.id == 401).expect("Eilidh listed");
        assert_eq!(eilidh.openings, vec![half(HalfDay::Pm)], "{backend:?}");

        // A withdrawal needs a reason: refused, nothing changed.
        let refused = office.withdraw_absence(recorded.id, "  ").await.unwrap_err();
        assert_eq!(refused.code(), "note_required", "{backend:?}");
        let withdrawn = office
            .withdraw_absence(recorded.id, "Wrong pupil: it was her cousin")
            .await
            .unwrap();
        assert_eq!(withdrawn.status, desk_domain::school::AbsenceStatus::Withdrawn);
        assert_eq!(withdrawn.history.len(), 2);
        assert!(
            withdrawn.history[1].what.contains("Wrong pupil"),
            "{:?}",
            withdrawn.history
        );

        // The server takes both; the confirmed record is withdrawn, with its history.
        desk.sync_now().await.unwrap();
        assert_eq!(desk.sync_status().await.unwrap().pending, 0, "{backend:?}: all applied");
        let page = office.pupil_page(401).await.unwrap();
        let mine = page.absences.iter().find(|a| a.id == recorded.id).unwrap();
        assert!(!mine.pending, "{backend:?}");
        assert_eq!(mine.status, desk_domain::school::AbsenceStatus::Withdrawn);
        assert_eq!(mine.history.len(), 2, "{backend:?}");
        drop(server);
    }
}

#[tokio::test]
async fn the_class_lists_give_each_pupil_the_year_to_date_figure_and_are_audited() {
    let dir = tempfile::tempdir().unwrap();
    let db = TestDb::new(Backend::Sqlite, dir.path());
    let store = db.open();
    let probe = school_world(chrono::Local::now().date_naive());
    let day = next_term_day(&probe);
    let data = school_world(day);
    desk_server::load_demo(&*store, &data).unwrap();
    let server = TestServer::start(store.clone()).await;
    let desk = sign_in(&dir.path().join("one"), &server, "office.one").await;
    desk.sync_now().await.unwrap();
    let office = desk.school();

    let lists = office.class_lists(SCHOOL, Some(day)).await.unwrap();
    assert_eq!(lists.to, day);
    assert!(lists.from.is_some_and(|f| f <= day));
    let shape: Vec<(&str, Vec<i64>)> = lists
        .classes
        .iter()
        .map(|c| (c.class.as_str(), c.pupils.iter().map(|p| p.pupil_id).collect()))
        .collect();
    assert_eq!(shape, vec![("P4B", vec![401, 402]), ("P6A", vec![403])]);
    // Catherine was never marked absent; Eilidh was, all of `day`.
    let catherine = &lists.classes[1].pupils[0];
    assert_eq!(catherine.name, "Catherine Grant");
    assert_eq!(catherine.attendance_percent, Some(100.0));
    assert_eq!(catherine.flag, desk_domain::school::Flag::None);
    let eilidh = &lists.classes[0].pupils[0];
    assert!(eilidh.attendance_percent.is_some_and(|p| p < 100.0), "{eilidh:?}");
    let log = desk.audit_log(0, 1000).await.unwrap();
    assert!(
        log.iter()
            .any(|e| e.record_kind == "pupil" && e.record_id == "403" && e.detail == "class list"),
        "each pupil listed is audited"
    );
    drop(server);
}
