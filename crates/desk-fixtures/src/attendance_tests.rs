//! The school office's demo data: the calendar's shape, the absence rate, and records that the
//! domain's own rules would accept.

use std::collections::{HashMap, HashSet};

use chrono::Datelike;
use desk_domain::school::{DayKind, openings};
use desk_domain::values::{Half, Opening};

use super::*;
use crate::draw::date;

fn data() -> &'static DemoData {
    static DATA: std::sync::OnceLock<DemoData> = std::sync::OnceLock::new();
    // Monday 30 November 2026.
    DATA.get_or_init(|| generate(DEFAULT_SEED, date(2026, 11, 30)))
}

#[test]
fn the_2026_27_calendar_follows_morays_pattern() {
    let d = data();
    assert_eq!(d.school_years.len(), d.schools.len());
    let y = &d.school_years[0];
    assert_eq!(
        (y.label.as_str(), y.first_day, y.last_day),
        ("2026/27", date(2026, 8, 17), date(2027, 7, 1))
    );
    let day = |m: u32, dd: u32, yy: i32| {
        d.school_days
            .iter()
            .find(|x| x.school_id == 1 && x.date == date(yy, m, dd))
            .unwrap()
    };
    assert_eq!(day(8, 17, 2026).kind, DayKind::InService);
    assert_eq!(day(8, 19, 2026).kind, DayKind::Term);
    assert_eq!(day(9, 25, 2026).kind, DayKind::Holiday);
    assert_eq!(day(10, 12, 2026).kind, DayKind::Holiday);
    assert_eq!(day(10, 23, 2026).kind, DayKind::Holiday);
    assert_eq!(day(10, 26, 2026).kind, DayKind::InService);
    assert!(
        day(12, 18, 2026).am && !day(12, 18, 2026).pm,
        "last day before Christmas is mornings only"
    );
    assert_eq!(day(1, 5, 2027).kind, DayKind::Holiday);
    assert_eq!(day(1, 6, 2027).kind, DayKind::Term);
    // Easter Sunday 2027 is 28 March: Good Friday 26 March to Friday 9 April.
    assert_eq!(day(3, 26, 2027).kind, DayKind::Holiday);
    assert_eq!(day(4, 9, 2027).kind, DayKind::Holiday);
    assert_eq!(day(4, 12, 2027).kind, DayKind::Term);
    assert_eq!(day(5, 3, 2027).kind, DayKind::Holiday);
    assert!(
        d.school_days
            .iter()
            .all(|x| x.date.weekday().num_days_from_monday() < 5)
    );
    let teaching = d
        .school_days
        .iter()
        .filter(|x| x.school_id == 1 && x.kind == DayKind::Term)
        .count();
    // A Scottish school year has 190 pupil days.
    assert!((185..=192).contains(&teaching), "{teaching} teaching days");
}

#[test]
fn absences_and_marks_obey_the_rules() {
    let d = data();
    let codes: HashSet<&str> = ATTENDANCE_CODES_CSV
        .lines()
        .skip(1)
        .filter_map(|l| l.split(',').next())
        .collect();
    let pupils: HashMap<i64, &Pupil> = d.pupils.iter().map(|p| (p.id, p)).collect();
    let days_of = |school: i64| -> Vec<desk_domain::school::SchoolDay> {
        d.school_days
            .iter()
            .filter(|x| x.school_id == school)
            .cloned()
            .collect()
    };
    let school1 = days_of(1);
    let mut by_opening: HashSet<(i64, Opening)> = HashSet::new();
    for a in &d.absences {
        let p = pupils[&a.pupil_id];
        assert_eq!(a.school_id, p.school_id);
        assert!(codes.contains(a.code.as_str()), "{}", a.code);
        assert!(!a.openings.is_empty());
        if a.school_id == 1 {
            assert_eq!(
                openings(&school1, a.first(), a.last()),
                a.openings,
                "every opening is a school opening"
            );
        }
        for o in &a.openings {
            assert!(p.on_roll(o.date), "pupil {} absent before joining", p.id);
            assert!(by_opening.insert((a.pupil_id, *o)), "two records explain one opening");
        }
    }
    // About 5% of pupils are absent at each registration of the demo week.
    let week: Vec<Opening> = (0..5)
        .flat_map(|i| {
            let day = date(2026, 11, 30) + chrono::Days::new(i);
            [Half::Am, Half::Pm].map(|half| Opening { date: day, half })
        })
        .collect();
    let on_roll = d.pupils.len() as f64;
    for o in &week {
        let absent = d.registration_marks.iter().filter(|m| m.opening() == *o).count() as f64;
        let rate = absent / on_roll;
        assert!((0.03..=0.07).contains(&rate), "{o}: {:.1}% absent", rate * 100.0);
    }
    for m in &d.registration_marks {
        assert_eq!(pupils[&m.pupil_id].school_id, m.school_id);
        assert!(m.absent && week.contains(&m.opening()));
    }
    let explained = d
        .registration_marks
        .iter()
        .filter(|m| by_opening.contains(&(m.pupil_id, m.opening())))
        .count();
    let share = explained as f64 / d.registration_marks.len() as f64;
    assert!(
        (0.35..=0.65).contains(&share),
        "{:.0}% of the week's marks explained",
        share * 100.0
    );
    assert!(
        d.pupils.iter().any(|p| p.on_roll_from.is_some()),
        "some pupils joined mid-year"
    );
    // The load stays sensible: about 20,000 records so far this year.
    assert!(
        (10_000..=40_000).contains(&d.absences.len()),
        "{} absences",
        d.absences.len()
    );
}

#[test]
fn a_full_year_for_the_largest_secondary() {
    let d = data();
    let (absences, marks) = full_year_of_records(d, 1, DEFAULT_SEED);
    let roll = d.pupils.iter().filter(|p| p.school_id == 1).count();
    assert!(roll >= 1_000, "{roll} pupils");
    assert!(absences.iter().all(|a| a.school_id == 1) && marks.iter().all(|m| m.school_id == 1));
    // About 190 days × 2 openings × 5% of the roll, a record covering 3 to 4 openings.
    let openings: usize = absences.iter().map(|a| a.openings.len()).sum();
    let share = openings as f64 / (roll as f64 * 380.0);
    assert!((0.03..=0.07).contains(&share), "{:.1}% of openings", share * 100.0);
    assert!(
        absences.iter().any(|a| a.first_date.month() == 6),
        "records run to June"
    );
    assert_eq!(full_year_of_records(d, 1, DEFAULT_SEED).0.len(), absences.len());
}
