//! The school office's figures for the `bench` command (issue 9 §7): a 1,200-pupil secondary
//! with a full year of records, in a council of 12,939 pupils. Each seeds a fresh store through
//! the apply path a pull uses, measures through the facade a screen calls, and returns the
//! figure; nothing is printed.

use std::path::Path;
use std::time::{Duration, Instant};

use chrono::{Datelike, NaiveDate, Utc};
use desk_domain::school::{
    Absence, AbsenceKind, AbsenceStatus, AttendanceCode, Caller, Category, CodeOrigin, DayKind, RegistrationMark,
    ReportChannel, SchoolDay, SchoolYear,
};
use desk_domain::values::{Half, Opening};
use desk_domain::{Change, ChangeOp, Contact, Pupil, School, SchoolKind, entities::table};
use rusqlite::TransactionBehavior;
use uuid::Uuid;

use crate::school::views::{AbsenceInput, CallerInput, HalfDay, OpeningRef};
use crate::{Desk, DeskConfig, replica};

/// The measured school, and the demo council's pupil count (desk-fixtures' generator).
pub const SCHOOL: i64 = 1;
pub const SCHOOL_PUPILS: i64 = 1_200;
pub const COUNCIL_PUPILS: i64 = 12_939;

fn p95(mut samples: Vec<Duration>) -> Duration {
    samples.sort();
    samples[((samples.len() * 95).div_ceil(100))
        .saturating_sub(1)
        .min(samples.len() - 1)]
}

const FIRST: [&str; 20] = [
    "Eilidh",
    "Callum",
    "Seònaid",
    "Ruairidh",
    "Isla",
    "Finlay",
    "Orla",
    "Lewis",
    "Freya",
    "Hamish",
    "Catherine",
    "Stephen",
    "Màiri",
    "Niamh",
    "Lachlan",
    "Kirsty",
    "Alasdair",
    "Skye",
    "Euan",
    "Morven",
];
const LAST: [&str; 20] = [
    "MacDonald",
    "O'Neill",
    "Grant",
    "Stewart",
    "Murray",
    "Cumming",
    "Reid",
    "Innes",
    "Robertson",
    "Mac Leod",
    "McKenzie",
    "Fraser",
    "Sutherland",
    "Ross",
    "Cameron",
    "Gordon",
    "Smyth",
    "Duncan",
    "Mac an t-Sagairt",
    "Munro",
];
const ENDING: [&str; 8] = ["", "son", "ie", "an", "er", "ock", "ley", "ton"];

/// A fictional pupil: the first [`SCHOOL_PUPILS`] at [`SCHOOL`] (a secondary, S1–S6), the rest
/// spread over 49 other schools.
pub fn fake_pupil(id: i64) -> Pupil {
    let n = usize::try_from(id).unwrap_or(0);
    let school_id = if id <= SCHOOL_PUPILS { SCHOOL } else { 2 + id % 49 };
    let stage = if school_id == SCHOOL {
        format!("S{}", 1 + id % 6)
    } else {
        format!("P{}", 1 + id % 7)
    };
    Pupil {
        id,
        school_id,
        first_name: FIRST[n % FIRST.len()].to_owned(),
        last_name: format!(
            "{}{}",
            LAST[(n / FIRST.len()) % LAST.len()],
            ENDING[(n / (FIRST.len() * LAST.len())) % ENDING.len()]
        ),
        date_of_birth: NaiveDate::from_ymd_opt(2010, 1, 1).expect("a date") + chrono::Duration::days(id % 3_000),
        class: format!("{stage}{}", ["A", "B", "C", "D"][n % 4]),
        stage,
        on_roll_from: None,
        on_roll_to: None,
    }
}

fn change<T: serde::Serialize>(t: &str, id: impl ToString, school_id: i64, data: &T) -> Change {
    Change {
        table: t.to_owned(),
        id: id.to_string(),
        bucket: format!("school:{school_id}"),
        version: 1,
        op: ChangeOp::Upsert,
        data: Some(serde_json::to_value(data).expect("records serialise")),
    }
}

/// The school year containing `today`: every weekday a term day but a fortnight at Christmas.
fn calendar(today: NaiveDate) -> (SchoolYear, Vec<SchoolDay>) {
    let start_year = if today.month() >= 8 {
        today.year()
    } else {
        today.year() - 1
    };
    let first = NaiveDate::from_ymd_opt(start_year, 8, 18).expect("a date");
    let last = NaiveDate::from_ymd_opt(start_year + 1, 6, 30).expect("a date");
    let mut days = Vec::new();
    let mut d = first;
    while d <= last {
        if d.weekday().num_days_from_monday() < 5 {
            let christmas = d.month() == 12 && d.day() >= 22 || d.month() == 1 && d.day() <= 5;
            days.push(SchoolDay {
                id: SchoolDay::key(SCHOOL, d),
                school_id: SCHOOL,
                date: d,
                kind: if christmas { DayKind::Holiday } else { DayKind::Term },
                am: !christmas,
                pm: !christmas,
                label: String::new(),
            });
        }
        d += chrono::Duration::days(1);
    }
    let year = SchoolYear {
        id: SchoolYear::key(SCHOOL, first),
        school_id: SCHOOL,
        label: format!("{start_year}/{:02}", (start_year + 1) % 100),
        first_day: first,
        last_day: last,
    };
    (year, days)
}

fn code(code: &str, category: Category) -> AttendanceCode {
    AttendanceCode {
        id: AttendanceCode::key(SCHOOL, code),
        school_id: SCHOOL,
        code: code.into(),
        label: code.into(),
        category,
        valid_from: NaiveDate::from_ymd_opt(2019, 8, 1).expect("a date"),
        valid_to: None,
        needs_note: false,
        office_may_use: true,
        origin: CodeOrigin::Local,
        source: "bench".into(),
    }
}

/// Seeds the council's pupils (two contacts each), the school's calendar and codes, a year of
/// absence records to `today` (about one pupil-day in twenty, as the demo data), and
/// registration marks on `today` for `unexplained` pupils.
fn seed(desk_conn: &mut rusqlite::Connection, today: NaiveDate, unexplained: i64) -> Vec<NaiveDate> {
    let tx = desk_conn
        .transaction_with_behavior(TransactionBehavior::Immediate)
        .expect("bench store writable");
    let apply = |c: Change| replica::apply_change(&tx, &c).expect("bench rows apply");
    for s in 1..=50 {
        let school = School {
            id: s,
            name: format!("School {s}"),
            kind: if s == SCHOOL {
                SchoolKind::Secondary
            } else {
                SchoolKind::Primary
            },
            town: "Elgin".into(),
        };
        apply(change(table::SCHOOLS, s, s, &school));
    }
    for id in 1..=COUNCIL_PUPILS {
        let p = fake_pupil(id);
        apply(change(table::PUPILS, id, p.school_id, &p));
        for k in 1..=2 {
            let c = Contact {
                id: id * 10 + k,
                pupil_id: id,
                school_id: p.school_id,
                name: format!("{} {}", if k == 1 { "Catriona" } else { "Iain" }, p.last_name),
                relationship: if k == 1 { "Mum" } else { "Dad" }.into(),
                phone: format!("07700 9{id:05}"),
                email: None,
                priority: u32::try_from(k).unwrap_or(1),
            };
            apply(change(table::CONTACTS, c.id, c.school_id, &c));
        }
    }
    let (year, days) = calendar(today);
    apply(change(table::SCHOOL_YEARS, &year.id, SCHOOL, &year));
    for d in &days {
        apply(change(table::SCHOOL_DAYS, &d.id, SCHOOL, d));
    }
    for (c, cat) in [
        ("LC-ILL", Category::Authorised),
        ("LC-HOL", Category::Unauthorised),
        ("02", Category::NotCounted),
    ] {
        let code = code(c, cat);
        apply(change(table::ATTENDANCE_CODES, &code.id, SCHOOL, &code));
    }
    let term: Vec<NaiveDate> = days
        .iter()
        .filter(|d| d.kind == DayKind::Term && d.date < today)
        .map(|d| d.date)
        .collect();
    for (i, date) in term.iter().enumerate() {
        // One pupil in twenty off each day, each a whole-day record.
        for k in 0..(SCHOOL_PUPILS / 20) {
            let pupil_id = 1 + (k * 20 + i as i64 * 7) % SCHOOL_PUPILS;
            let openings = vec![
                Opening {
                    date: *date,
                    half: Half::Am,
                },
                Opening {
                    date: *date,
                    half: Half::Pm,
                },
            ];
            let a = Absence {
                id: Uuid::now_v7(),
                school_id: SCHOOL,
                pupil_id,
                kind: AbsenceKind::Absence,
                status: AbsenceStatus::Recorded,
                first_date: *date,
                first_half: Half::Am,
                last_date: *date,
                last_half: Half::Pm,
                openings,
                code: if k % 5 == 0 { "LC-HOL" } else { "LC-ILL" }.into(),
                reason: "Unwell".into(),
                caller: Caller {
                    contact_id: Some(pupil_id * 10 + 1),
                    name: "Catriona".into(),
                    relationship: "Mum".into(),
                },
                called_at: date.and_hms_opt(8, 40, 0).expect("a time"),
                expected_return: None,
                channel: ReportChannel::Phone,
                at_time: None,
                revision: 1,
                history: Vec::new(),
                recorded_by: 1,
                recorded_at: Utc::now(),
                updated_by: 1,
                updated_at: Utc::now(),
            };
            apply(change(table::ABSENCES, a.id, SCHOOL, &a));
        }
    }
    for pupil_id in 1..=unexplained {
        for half in [Half::Am, Half::Pm] {
            let m = RegistrationMark {
                id: RegistrationMark::key(pupil_id, Opening { date: today, half }),
                school_id: SCHOOL,
                pupil_id,
                date: today,
                half,
                absent: true,
                imported_at: Utc::now(),
            };
            apply(change(table::REGISTRATION_MARKS, &m.id, SCHOOL, &m));
        }
    }
    tx.commit().expect("bench seed commits");
    days.iter()
        .filter(|d| d.kind == DayKind::Term && d.date >= today)
        .map(|d| d.date)
        .collect()
}

/// A desk with the school office's year in its replica (no server: nothing is pushed).
async fn seeded_desk(dir: &Path, unexplained: i64) -> (Desk, Vec<NaiveDate>) {
    let _ = std::fs::remove_dir_all(dir);
    let desk = Desk::open(DeskConfig {
        data_dir: dir.to_path_buf(),
        server_url: "http://127.0.0.1:9".into(),
    })
    .await
    .expect("bench desk opens");
    let today = crate::desk::local_now().date();
    let ahead = desk
        .db(move |conn| Ok(seed(conn, today, unexplained)))
        .await
        .expect("bench seed");
    (desk, ahead)
}

/// The school figures: record-absence commit p95, pupil search p95, worklist build p95 and
/// attendance for every pupil of the school year to date (the slowest of `runs`).
pub struct SchoolFigures {
    pub record_absence_p95: Duration,
    pub pupil_search_p95: Duration,
    pub worklist_60_p95: Duration,
    pub attendance_school_ytd: Duration,
    pub worklist_len: usize,
    pub figures_len: usize,
}

pub async fn school_figures(dir: &Path, n: usize) -> SchoolFigures {
    let (desk, ahead) = seeded_desk(&dir.join("school"), 60).await;
    let office = desk.school();

    // A durable local commit of a call (rules over the replica, overlay, outbox, audit),
    // each for another pupil on the next school day so none clashes.
    let day = *ahead.first().expect("a school day ahead this year");
    let mut samples = Vec::with_capacity(n);
    for i in 0..n {
        let pupil_id = 100 + i64::try_from(i).unwrap_or(0) % (SCHOOL_PUPILS - 100);
        let input = AbsenceInput {
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
            reason: "Temperature".into(),
            caller: CallerInput {
                contact_id: Some(pupil_id * 10 + 1),
                name: String::new(),
                relationship: String::new(),
            },
            called_at: crate::desk::local_now(),
            expected_return: None,
            channel: ReportChannel::Phone,
        };
        let t = Instant::now();
        office.record_absence(input).await.expect("bench call is recorded");
        samples.push(t.elapsed());
    }
    let record_absence_p95 = p95(samples);

    // What the office types: a surname, first name and the start of a surname, a class, a
    // name heard over the phone.
    let mut samples = Vec::with_capacity(n);
    for k in 0..n as i64 {
        let p = fake_pupil(1 + k * 7_919 % COUNCIL_PUPILS);
        let text = match k % 4 {
            0 => p.last_name.clone(),
            1 => format!("{} {}", p.first_name, p.last_name.chars().take(4).collect::<String>()),
            2 => p.class.clone(),
            _ => "Kathryn Smith".to_owned(),
        };
        let t = Instant::now();
        let found = office.search_pupils(&text, 20).await.expect("search runs");
        samples.push(t.elapsed());
        assert!(!found.is_empty(), "bench search {text} finds someone");
    }
    let pupil_search_p95 = p95(samples);

    let today = crate::desk::local_now().date();
    let mut samples = Vec::with_capacity(n / 5 + 1);
    let mut worklist_len = 0;
    for _ in 0..(n / 5).max(20) {
        let t = Instant::now();
        worklist_len = office
            .worklist(SCHOOL, Some(today))
            .await
            .expect("worklist builds")
            .len();
        samples.push(t.elapsed());
    }
    let worklist_60_p95 = p95(samples);

    let year_start = calendar(today).0.first_day;
    let mut slowest = Duration::ZERO;
    let mut figures_len = 0;
    for _ in 0..5 {
        let t = Instant::now();
        figures_len = office
            .school_figures(SCHOOL, year_start, today)
            .await
            .expect("figures compute")
            .len();
        slowest = slowest.max(t.elapsed());
    }
    SchoolFigures {
        record_absence_p95,
        pupil_search_p95,
        worklist_60_p95,
        attendance_school_ytd: slowest,
        worklist_len,
        figures_len,
    }
}
