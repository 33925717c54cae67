//! The school office's demo data: Moray's school calendar for the demo's school year, the
//! absences recorded so far this year, and the demo week's registers (about 5% of pupils
//! absent at each registration, some already explained by a call).

use chrono::{Datelike, Days, NaiveDate, Weekday};
use desk_domain::school::{
    Absence, AbsenceKind, AbsenceStatus, Caller, DayKind, RegistrationMark, ReportChannel, SchoolDay, SchoolYear,
    openings,
};
use desk_domain::values::{Half, Opening};
use desk_domain::{Contact, Pupil, School};
use rand::Rng;
use rand_chacha::ChaCha8Rng;
use uuid::Uuid;

use crate::draw::*;

/// The default attendance codes (four verified SEEMiS codes and the council's local codes,
/// each with its source): `desk-server import-attendance-codes` reads the same file.
pub const ATTENDANCE_CODES_CSV: &str = include_str!("../assets/attendance-codes.csv");

/// The `n`th (1-based) `weekday` of a month.
fn nth(year: i32, month: u32, weekday: Weekday, n: u32) -> NaiveDate {
    NaiveDate::from_weekday_of_month_opt(year, month, weekday, u8::try_from(n).unwrap_or(1))
        .expect("the month has that weekday")
}

/// The Monday of the week `day` falls in.
fn monday_of(day: NaiveDate) -> NaiveDate {
    day - Days::new(u64::from(day.weekday().num_days_from_monday()))
}

/// Easter Sunday (Anonymous Gregorian algorithm).
fn easter(year: i32) -> NaiveDate {
    let a = year % 19;
    let b = year / 100;
    let c = year % 100;
    let d = b / 4;
    let e = b % 4;
    let f = (b + 8) / 25;
    let g = (b - f + 1) / 3;
    let h = (19 * a + b - d - g + 15) % 30;
    let i = c / 4;
    let k = c % 4;
    let l = (32 + 2 * e + 2 * i - h - k) % 7;
    let m = (a + 11 * h + 22 * l) / 451;
    let month = (h + l - 7 * m + 114) / 31;
    let day = (h + l - 7 * m + 114) % 31 + 1;
    date(year, u32::try_from(month).unwrap_or(4), u32::try_from(day).unwrap_or(1))
}

/// One range of a calendar: what the days from `from` to `to` are.
struct Range {
    from: NaiveDate,
    to: NaiveDate,
    kind: DayKind,
    am: bool,
    pm: bool,
    label: &'static str,
}

fn range(from: NaiveDate, to: NaiveDate, kind: DayKind, label: &'static str) -> Range {
    let open = kind == DayKind::Term;
    Range {
        from,
        to,
        kind,
        am: open,
        pm: open,
        label,
    }
}

/// A plausible Moray calendar for the school year starting in August of `year`, in the
/// pattern of Moray's published term dates (2026/27: in-service 17–18 Aug, pupils back 19 Aug,
/// September weekend, two weeks in October, Christmas to 5 Jan, a February long weekend with an
/// in-service day, two weeks at Easter, May Day, term ending at lunchtime on 1 July). Later
/// ranges override earlier ones, as the import file's rows do.
fn moray_ranges(year: i32) -> Vec<Range> {
    let next = year + 1;
    let in_service = nth(year, 8, Weekday::Mon, 3);
    let first_day = in_service + Days::new(2);
    let last_day = {
        // The Thursday on or after 28 June.
        let mut d = date(next, 6, 28);
        while d.weekday() != Weekday::Thu {
            d = d.succ_opt().expect("in range");
        }
        d
    };
    let sept = {
        let mut d = date(year, 9, 30);
        while d.weekday() != Weekday::Fri {
            d = d.pred_opt().expect("in range");
        }
        d
    };
    let october = monday_of(date(year, 10, 12));
    let christmas = monday_of(date(year, 12, 21));
    let back = {
        let mut d = date(next, 1, 6);
        while d.weekday().num_days_from_monday() >= 5 {
            d = d.succ_opt().expect("in range");
        }
        d
    };
    let february = monday_of(date(next, 2, 15));
    let good_friday = easter(next) - Days::new(2);
    let last_before_christmas = christmas - Days::new(3);
    let mut last_term_day = range(last_day, last_day, DayKind::Term, "Last day of term");
    last_term_day.pm = false;
    let mut before_christmas = range(
        last_before_christmas,
        last_before_christmas,
        DayKind::Term,
        "Last day of term",
    );
    before_christmas.pm = false;
    vec![
        range(first_day, last_day, DayKind::Term, ""),
        range(
            in_service,
            in_service + Days::new(1),
            DayKind::InService,
            "In-service days",
        ),
        range(sept, sept + Days::new(3), DayKind::Holiday, "September weekend"),
        range(october, october + Days::new(11), DayKind::Holiday, "October holiday"),
        range(
            october + Days::new(14),
            october + Days::new(14),
            DayKind::InService,
            "In-service day",
        ),
        before_christmas,
        range(
            christmas,
            back.pred_opt().expect("in range"),
            DayKind::Holiday,
            "Christmas holiday",
        ),
        range(
            february,
            february + Days::new(1),
            DayKind::Holiday,
            "February long weekend",
        ),
        range(
            february + Days::new(2),
            february + Days::new(2),
            DayKind::InService,
            "In-service day",
        ),
        range(
            good_friday,
            good_friday + Days::new(14),
            DayKind::Holiday,
            "Spring holiday",
        ),
        range(
            nth(next, 5, Weekday::Mon, 1),
            nth(next, 5, Weekday::Mon, 1),
            DayKind::Holiday,
            "May Day",
        ),
        last_term_day,
    ]
}

/// Every school's calendar for the school year starting in August of `year`.
pub fn moray_calendar(schools: &[School], year: i32) -> (Vec<SchoolYear>, Vec<SchoolDay>) {
    let ranges = moray_ranges(year);
    let mut days: std::collections::BTreeMap<NaiveDate, (DayKind, bool, bool, &'static str)> = Default::default();
    for r in &ranges {
        let mut d = r.from;
        while d <= r.to {
            if d.weekday().num_days_from_monday() < 5 {
                days.insert(d, (r.kind, r.am, r.pm, r.label));
            }
            d = d.succ_opt().expect("in range");
        }
    }
    let first = *days.keys().next().expect("a calendar has days");
    let last = *days.keys().next_back().expect("a calendar has days");
    let mut years = Vec::with_capacity(schools.len());
    let mut out = Vec::with_capacity(schools.len() * days.len());
    for s in schools {
        years.push(SchoolYear {
            id: SchoolYear::key(s.id, first),
            school_id: s.id,
            label: format!("{year}/{:02}", (year + 1) % 100),
            first_day: first,
            last_day: last,
        });
        out.extend(days.iter().map(|(date, (kind, am, pm, label))| SchoolDay {
            id: SchoolDay::key(s.id, *date),
            school_id: s.id,
            date: *date,
            kind: *kind,
            am: *am,
            pm: *pm,
            label: (*label).to_owned(),
        }));
    }
    (years, out)
}

/// Reasons given on the phone, with their local code and how often each is given.
const REASONS: [(&str, &str, u32); 8] = [
    ("LC-ILL", "Unwell — temperature", 30),
    ("LC-ILL", "Sickness bug", 20),
    ("LC-ILL", "Cold and sore throat", 12),
    ("LC-MED", "Dental appointment", 8),
    ("LC-MED", "Hospital appointment in Aberdeen", 5),
    ("LC-HOL", "Family holiday", 6),
    ("LC-BER", "Family funeral", 2),
    ("LC-TRN", "Bus did not come", 3),
];

/// The year's absences up to the demo week and the demo week's registration marks. Each pupil
/// starts an absence on about one school day in forty, lasting one to three days, so about 5%
/// of pupils are off at any registration. Absences before `week` were all explained (or
/// recorded as unexplained); in the demo week a call explained about half, and the rest are
/// only registration marks: the worklist.
///
/// Demo records carry `recorded_by` 0: they were loaded, not recorded by a member of staff.
pub fn school_records(
    rng: &mut ChaCha8Rng,
    pupils: &[Pupil],
    contacts: &[Contact],
    days: &[SchoolDay],
    week: NaiveDate,
) -> (Vec<Absence>, Vec<RegistrationMark>) {
    let week_end = week + Days::new(4);
    let mut by_school: std::collections::HashMap<i64, Vec<&SchoolDay>> = Default::default();
    for d in days.iter().filter(|d| d.date <= week_end && (d.am || d.pm)) {
        by_school.entry(d.school_id).or_default().push(d);
    }
    let first_contact: std::collections::HashMap<i64, &Contact> = contacts
        .iter()
        .filter(|c| c.priority == 1)
        .map(|c| (c.pupil_id, c))
        .collect();
    let mut absences = Vec::new();
    let mut marks = Vec::new();
    let mut ids = 0u128;
    for pupil in pupils {
        let Some(school_days) = by_school.get(&pupil.school_id) else {
            continue;
        };
        let mut i = 0;
        while i < school_days.len() {
            // An absence starts on about one school day in forty.
            if rng.gen_range(0..1000u32) >= 25 {
                i += 1;
                continue;
            }
            let len = rng.gen_range(1..=3usize);
            let span: Vec<SchoolDay> = school_days[i..(i + len).min(school_days.len())]
                .iter()
                .map(|d| (*d).clone())
                .collect();
            i += len + 1;
            let first = Opening {
                date: span[0].date,
                half: Half::Am,
            };
            let last = Opening {
                date: span[span.len() - 1].date,
                half: Half::Pm,
            };
            let covered: Vec<Opening> = openings(&span, first, last)
                .into_iter()
                .filter(|o| pupil.on_roll(o.date))
                .collect();
            if covered.is_empty() {
                continue;
            }
            // The demo week's registers mark every opening of it the pupil is off, whenever
            // the absence began; a call explained about half of those begun this week.
            for o in covered.iter().filter(|o| o.date >= week) {
                marks.push(RegistrationMark {
                    id: RegistrationMark::key(pupil.id, *o),
                    school_id: pupil.school_id,
                    pupil_id: pupil.id,
                    date: o.date,
                    half: o.half,
                    absent: true,
                    // Registers arrive from the MIS soon after registration.
                    imported_at: o
                        .date
                        .and_hms_opt(if o.half == Half::Am { 9 } else { 13 }, 40, 0)
                        .expect("a time")
                        .and_utc(),
                });
            }
            let this_week = first.date >= week;
            if this_week && chance(rng, 50) {
                continue;
            }
            let unexplained = !this_week && chance(rng, 6);
            let (code, reason) = if unexplained {
                ("LC-UNX", "No explanation received")
            } else {
                let (code, reason, _) = REASONS[weighted(rng, &REASONS.map(|r| r.2))];
                (code, reason)
            };
            let caller = match (unexplained, first_contact.get(&pupil.id)) {
                (false, Some(c)) => Caller {
                    contact_id: Some(c.id),
                    name: c.name.clone(),
                    relationship: c.relationship.clone(),
                },
                _ => Caller {
                    contact_id: None,
                    name: "School office".to_owned(),
                    relationship: "no contact made".to_owned(),
                },
            };
            ids += 1;
            let called_at = first.date.and_hms_opt(8, rng.gen_range(15..59u32), 0).expect("a time");
            let recorded_at = called_at.and_utc();
            absences.push(Absence {
                id: Uuid::from_u128((u128::from(0xDE_u8) << 120) | ids),
                school_id: pupil.school_id,
                pupil_id: pupil.id,
                kind: AbsenceKind::Absence,
                status: AbsenceStatus::Recorded,
                first_date: first.date,
                first_half: first.half,
                last_date: last.date,
                last_half: last.half,
                openings: covered,
                code: code.to_owned(),
                reason: reason.to_owned(),
                caller,
                called_at,
                expected_return: last.date.succ_opt(),
                channel: ReportChannel::Phone,
                at_time: None,
                revision: 1,
                history: Vec::new(),
                recorded_by: 0,
                recorded_at,
                updated_by: 0,
                updated_at: recorded_at,
            });
        }
    }
    (absences, marks)
}

/// About one pupil in two hundred joined this school year after it began.
pub(crate) fn mid_year_joiners(rng: &mut ChaCha8Rng, pupils: &mut [Pupil], year: &SchoolYear, week: NaiveDate) {
    if week <= year.first_day + Days::new(14) {
        return;
    }
    for p in pupils.iter_mut() {
        if chance(rng, 1) && chance(rng, 50) {
            p.on_roll_from = Some(day_between(rng, year.first_day + Days::new(7), week - Days::new(7)));
        }
    }
}

/// A whole school year of records for one school of `data` (absences to the last week of the
/// year, that week's registers): what a school office's first sync holds at the end of a
/// year, for benchmarks. Its own seeded stream: the same data gives the same records.
pub fn full_year_of_records(
    data: &crate::DemoData,
    school_id: i64,
    seed: u64,
) -> (Vec<Absence>, Vec<RegistrationMark>) {
    let pupils: Vec<Pupil> = data
        .pupils
        .iter()
        .filter(|p| p.school_id == school_id)
        .cloned()
        .collect();
    let contacts: Vec<Contact> = data
        .contacts
        .iter()
        .filter(|c| c.school_id == school_id)
        .cloned()
        .collect();
    let days: Vec<SchoolDay> = data
        .school_days
        .iter()
        .filter(|d| d.school_id == school_id)
        .cloned()
        .collect();
    let last = days.iter().map(|d| d.date).max().unwrap_or_default();
    let mut rng = crate::stream(seed, crate::STREAM_FULL_YEAR);
    school_records(&mut rng, &pupils, &contacts, &days, monday_of(last))
}
