//! A small school world for tests: two schools with Moray's calendar for a school year, a
//! handful of pupils and contacts, the shipped attendance codes; school-office callers; and
//! the school office's commands with fresh ids.

use chrono::{NaiveDate, NaiveDateTime};
use desk_domain::school::{Caller as WhoCalled, RecordAbsence, ReportChannel};
use desk_domain::values::Opening;
use desk_domain::{Bucket, Command, Contact, Pupil, Role, School, SchoolKind, Site};
use desk_server::{Caller, EntityBatch, NewStaffRecord, Store};
use uuid::Uuid;

/// The school the tests' office works at, and another school it must never see.
pub const SCHOOL: i64 = 4;
pub const OTHER_SCHOOL: i64 = 5;
/// Pupils of [`SCHOOL`] are `PUPIL..PUPIL + 10`; of [`OTHER_SCHOOL`], `OTHER_PUPIL..+5`.
pub const PUPIL: i64 = 401;
pub const OTHER_PUPIL: i64 = 501;

/// Each pupil's first contact has the pupil's id times ten.
pub fn contact_of(pupil_id: i64) -> i64 {
    pupil_id * 10
}

/// Tuesday 1 December 2026, 08:40 — a term day of the 2026/27 calendar, as the absence line
/// opens.
pub fn school_morning() -> NaiveDateTime {
    NaiveDate::from_ymd_opt(2026, 12, 1)
        .and_then(|d| d.and_hms_opt(8, 40, 0))
        .expect("a time")
}

pub fn opening(s: &str) -> Opening {
    s.parse().expect("an opening like 2026-12-01 AM")
}

fn pupil(id: i64, school_id: i64, first: &str, last: &str, class: &str) -> Pupil {
    Pupil {
        id,
        school_id,
        first_name: first.into(),
        last_name: last.into(),
        date_of_birth: NaiveDate::from_ymd_opt(2018, 5, 2).expect("a date"),
        stage: class[..2].into(),
        class: class.into(),
        on_roll_from: None,
        on_roll_to: None,
    }
}

/// Schools 4 and 5 with Moray's calendar for the school year starting in August of `year`,
/// ten and five pupils with one or two contacts, and the shipped attendance codes.
pub fn school_world(year: i32) -> EntityBatch {
    let schools = vec![
        School {
            id: SCHOOL,
            name: "Elgin Birchwood Primary School".into(),
            kind: SchoolKind::Primary,
            town: "Elgin".into(),
        },
        School {
            id: OTHER_SCHOOL,
            name: "Forres Braeburn Primary School".into(),
            kind: SchoolKind::Primary,
            town: "Forres".into(),
        },
    ];
    let names = [
        ("Eilidh", "MacDonald"),
        ("Ruairidh", "O'Neill"),
        ("Màiri", "Mac an t-Sagairt"),
        ("Callum", "Grant"),
        ("Isla", "Stewart"),
        ("Finlay", "Murray"),
        ("Orla", "Cumming"),
        ("Lewis", "Reid"),
        ("Freya", "Innes"),
        ("Hamish", "Robertson"),
    ];
    let mut pupils: Vec<Pupil> = names
        .iter()
        .zip(PUPIL..)
        .map(|((f, l), id)| pupil(id, SCHOOL, f, l, "P4B"))
        .collect();
    pupils.extend((OTHER_PUPIL..OTHER_PUPIL + 5).map(|id| pupil(id, OTHER_SCHOOL, "Kirsty", "Ross", "P2A")));
    let mut contacts = Vec::new();
    for p in &pupils {
        contacts.push(Contact {
            id: contact_of(p.id),
            pupil_id: p.id,
            school_id: p.school_id,
            name: format!("Catriona {}", p.last_name),
            relationship: "Mum".into(),
            phone: "07700 900123".into(),
            email: None,
            priority: 1,
        });
        if p.id % 2 == 0 {
            contacts.push(Contact {
                id: contact_of(p.id) + 1,
                pupil_id: p.id,
                school_id: p.school_id,
                name: format!("Iain {}", p.last_name),
                relationship: "Dad".into(),
                phone: "07700 900456".into(),
                email: None,
                priority: 2,
            });
        }
    }
    let (school_years, school_days) = desk_fixtures::moray_calendar(&schools, year);
    let codes = desk_server::school::default_codes();
    let attendance_codes = schools
        .iter()
        .flat_map(|s| codes.iter().map(|c| c.for_school(s.id)))
        .collect();
    EntityBatch {
        schools,
        pupils,
        contacts,
        attendance_codes,
        school_years,
        school_days,
        ..EntityBatch::default()
    }
}

/// A school-office member of staff at `school` (a supervisor too if asked), stored without a
/// real password hash, as the push sees them.
pub fn school_caller(store: &dyn Store, username: &str, school: i64, supervisor: bool) -> Caller {
    let mut roles = vec![Role::SchoolOffice];
    if supervisor {
        roles.push(Role::Supervisor);
    }
    let sites = vec![Site::school(school)];
    let staff_id = store
        .insert_staff(&NewStaffRecord {
            username: username.into(),
            display_name: username.into(),
            password_hash: "!".into(),
            roles: roles.clone(),
            sites: sites.clone(),
        })
        .expect("staff stored");
    let supervises = if supervisor {
        Bucket::scope(&[Role::Supervisor], &sites)
    } else {
        Vec::new()
    };
    Caller {
        staff_id,
        device_id: Uuid::now_v7(),
        buckets: Bucket::scope(&roles, &sites),
        supervises,
    }
}

/// A parent's call about `pupil_id` from its first contact, illness, `first` to `last`.
pub fn call(pupil_id: i64, first: &str, last: &str) -> RecordAbsence {
    RecordAbsence {
        absence_id: Uuid::now_v7(),
        pupil_id,
        first: opening(first),
        last: opening(last),
        code: "LC-ILL".into(),
        reason: "Temperature".into(),
        caller: WhoCalled {
            contact_id: Some(contact_of(pupil_id)),
            name: String::new(),
            relationship: String::new(),
        },
        called_at: school_morning(),
        expected_return: None,
        channel: ReportChannel::Phone,
    }
}

/// [`call`] as a command.
pub fn record_absence(pupil_id: i64, first: &str, last: &str) -> Command {
    Command::from(call(pupil_id, first, last))
}
