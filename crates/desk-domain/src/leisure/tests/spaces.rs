//! Linked spaces, overlap both ways, opening hours and slots; block bookings and their clashes.

use chrono::{Duration, NaiveDate, NaiveDateTime, NaiveTime};
use uuid::Uuid;

use crate::leisure::block::{BlockError, BlockRequest, Every, Outcome, check, expand};
use crate::leisure::spaces::{Layout, SlotError, Space, SpaceBooking};

const FULL: i64 = 100;
const H1: i64 = 110;
const H2: i64 = 120;
const Q1: i64 = 111;
const Q2: i64 = 112;
const Q3: i64 = 121;
const Q4: i64 = 122;
const HALL: i64 = 200;

fn d(y: i32, m: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, day).unwrap()
}

fn t(h: u32, m: u32) -> NaiveTime {
    NaiveTime::from_hms_opt(h, m, 0).unwrap()
}

/// Tuesday 8 December 2026.
fn tue(h: u32, m: u32) -> NaiveDateTime {
    d(2026, 12, 8).and_time(t(h, m))
}

fn booking(space_id: i64, starts: NaiveDateTime, ends: NaiveDateTime, holder: &str) -> SpaceBooking {
    SpaceBooking {
        id: Uuid::new_v4(),
        space_id,
        starts,
        ends,
        holder: holder.into(),
    }
}

#[test]
fn linked_spaces_block_each_other_both_ways() {
    let l = Layout::example();
    // Rows and columns: FULL, H1, H2, Q1, Q2, Q3, Q4, HALL.
    let ids = [FULL, H1, H2, Q1, Q2, Q3, Q4, HALL];
    let want = [
        [1, 1, 1, 1, 1, 1, 1, 0],
        [1, 1, 0, 1, 1, 0, 0, 0],
        [1, 0, 1, 0, 0, 1, 1, 0],
        [1, 1, 0, 1, 0, 0, 0, 0],
        [1, 1, 0, 0, 1, 0, 0, 0],
        [1, 0, 1, 0, 0, 1, 0, 0],
        [1, 0, 1, 0, 0, 0, 1, 0],
        [0, 0, 0, 0, 0, 0, 0, 1],
    ];
    for (i, a) in ids.iter().enumerate() {
        for (j, b) in ids.iter().enumerate() {
            assert_eq!(l.linked(*a, *b), want[i][j] == 1, "{a} and {b}");
            assert_eq!(l.linked(*a, *b), l.linked(*b, *a), "symmetric: {a} and {b}");
        }
    }
}

#[test]
fn overlap_in_time_and_space() {
    let l = Layout::example();
    let existing = vec![
        booking(Q1, tue(19, 0), tue(21, 0), "Quarter 1 club"),
        booking(H2, tue(18, 0), tue(19, 0), "Half 2 club"),
        booking(HALL, tue(19, 0), tue(21, 0), "Badminton"),
    ];
    // (space, from, to, holders clashed with)
    let cases: Vec<(i64, NaiveDateTime, NaiveDateTime, Vec<&str>)> = vec![
        (FULL, tue(19, 0), tue(20, 0), vec!["Quarter 1 club"]),
        (FULL, tue(18, 0), tue(20, 0), vec!["Quarter 1 club", "Half 2 club"]),
        (H1, tue(20, 0), tue(22, 0), vec!["Quarter 1 club"]),
        (H2, tue(19, 0), tue(21, 0), vec![]), // Half 2 club ends at 19:00: back to back is fine
        (Q2, tue(19, 0), tue(21, 0), vec![]), // the other quarter of the same half
        (Q1, tue(21, 0), tue(22, 0), vec![]),
        (Q1, tue(20, 0), tue(21, 0), vec!["Quarter 1 club"]),
        (Q3, tue(18, 0), tue(19, 0), vec!["Half 2 club"]),
        (Q4, tue(17, 0), tue(18, 0), vec![]),
        (HALL, tue(20, 0), tue(21, 0), vec!["Badminton"]),
    ];
    for (space, from, to, want) in cases {
        let got: Vec<&str> = l
            .clashes(space, from, to, &existing)
            .iter()
            .map(|b| b.holder.as_str())
            .collect();
        assert_eq!(got, want, "space {space} {from}–{to}");
    }
}

#[test]
fn bookings_are_whole_slots_within_opening_hours() {
    let l = Layout::example();
    let sat = |h, m| d(2026, 12, 12).and_time(t(h, m));
    let cases: Vec<(i64, NaiveDateTime, NaiveDateTime, Result<(), SlotError>)> = vec![
        (FULL, tue(8, 0), tue(9, 0), Ok(())),
        (FULL, tue(21, 0), tue(22, 0), Ok(())),
        (
            FULL,
            tue(21, 0),
            tue(23, 0),
            Err(SlotError::OutsideHours("21:00–23:00 on Tue 8 Dec".into())),
        ),
        (
            FULL,
            tue(7, 0),
            tue(8, 0),
            Err(SlotError::OutsideHours("07:00–08:00 on Tue 8 Dec".into())),
        ),
        (
            FULL,
            sat(8, 0),
            sat(9, 0),
            Err(SlotError::OutsideHours("08:00–09:00 on Sat 12 Dec".into())),
        ),
        (FULL, sat(17, 0), sat(18, 0), Ok(())),
        (FULL, tue(19, 30), tue(20, 30), Err(SlotError::OffSlot(60))),
        (FULL, tue(19, 0), tue(20, 30), Err(SlotError::OffSlot(60))),
        (FULL, tue(20, 0), tue(19, 0), Err(SlotError::EndBeforeStart)),
        (FULL, tue(20, 0), tue(20, 0), Err(SlotError::EndBeforeStart)),
        (
            FULL,
            d(2026, 12, 25).and_time(t(10, 0)),
            d(2026, 12, 25).and_time(t(11, 0)),
            Err(SlotError::Closed(d(2026, 12, 25))),
        ),
        (999, tue(19, 0), tue(20, 0), Err(SlotError::UnknownSpace(999))),
    ];
    for (space, from, to, want) in cases {
        assert_eq!(l.check_slot(space, from, to), want, "{space} {from}–{to}");
    }
}

#[test]
fn a_layout_that_cannot_be_right_is_refused() {
    let json = serde_json::to_string(&Layout::example()).unwrap();
    assert_eq!(Layout::from_json(&json).unwrap(), Layout::example());
    let with = |f: &dyn Fn(&mut Layout)| {
        let mut l = Layout::example();
        f(&mut l);
        l.checked().unwrap_err().to_string()
    };
    assert!(with(&|l| l.spaces[0].part_of = Some(111)).contains("part of itself"));
    assert!(with(&|l| l.spaces[1].part_of = Some(7)).contains("unknown space 7"));
    assert!(with(&|l| l.spaces[7].id = 100).contains("two spaces have id 100"));
    assert!(with(&|l| l.spaces[7].slot_minutes = 0).contains("slot of 0"));
    assert!(with(&|l| l.opening[1].days.push(chrono::Weekday::Fri)).contains("two sets of opening hours on Fri"));
    assert!(with(&|l| l.opening[0].closes = t(7, 0)).contains("close after"));
    let mut self_loop = Layout::example();
    self_loop.spaces.push(Space {
        id: 300,
        name: "Loop".into(),
        kind: "x".into(),
        part_of: Some(300),
        slot_minutes: 60,
    });
    assert!(self_loop.checked().is_err());
}

fn tuesdays_autumn(space_id: i64) -> BlockRequest {
    BlockRequest {
        space_id,
        first: d(2026, 9, 1),
        last: d(2026, 12, 29),
        every: Every::Week,
        starts: t(19, 0),
        ends: t(21, 0),
    }
}

#[test]
fn a_block_expands_weekly_or_fortnightly_over_its_range() {
    let weekly = expand(&tuesdays_autumn(H1), 52).unwrap();
    assert_eq!(weekly.len(), 18);
    assert_eq!((weekly[0], weekly[17]), (d(2026, 9, 1), d(2026, 12, 29)));
    assert!(weekly.iter().all(|x| x.format("%a").to_string() == "Tue"));
    let fortnightly = expand(
        &BlockRequest {
            every: Every::Fortnight,
            ..tuesdays_autumn(H1)
        },
        52,
    )
    .unwrap();
    assert_eq!(fortnightly.len(), 9);
    assert_eq!(fortnightly[1], d(2026, 9, 15));
    // A last date that is not on the weekday stops at the one before it.
    let short = BlockRequest {
        last: d(2026, 9, 14),
        ..tuesdays_autumn(H1)
    };
    assert_eq!(expand(&short, 52).unwrap(), vec![d(2026, 9, 1), d(2026, 9, 8)]);
}

#[test]
fn bad_blocks_are_refused() {
    let backwards = BlockRequest {
        last: d(2026, 8, 1),
        ..tuesdays_autumn(H1)
    };
    assert!(matches!(
        expand(&backwards, 52),
        Err(BlockError::LastBeforeFirst { .. })
    ));
    let inside_out = BlockRequest {
        starts: t(21, 0),
        ends: t(19, 0),
        ..tuesdays_autumn(H1)
    };
    assert_eq!(expand(&inside_out, 52), Err(BlockError::EndBeforeStart));
    let long = BlockRequest {
        last: d(2026, 9, 1) + Duration::weeks(200),
        ..tuesdays_autumn(H1)
    };
    assert_eq!(expand(&long, 52), Err(BlockError::TooLong { weeks: 200, max: 52 }));
    let year = BlockRequest {
        last: d(2026, 9, 1) + Duration::weeks(52),
        ..tuesdays_autumn(H1)
    };
    assert_eq!(expand(&year, 52).unwrap().len(), 53);
    assert_eq!(
        check(&Layout::example(), &tuesdays_autumn(999), 52, &[]),
        Err(BlockError::UnknownSpace(999))
    );
}

#[test]
fn every_date_of_a_block_is_reported_before_confirming() {
    let l = Layout::example();
    let existing = vec![
        booking(
            FULL,
            d(2026, 10, 13).and_time(t(20, 0)),
            d(2026, 10, 13).and_time(t(21, 0)),
            "Cup tie",
        ),
        booking(
            Q2,
            d(2026, 11, 3).and_time(t(18, 0)),
            d(2026, 11, 3).and_time(t(19, 30)),
            "Walking football",
        ),
        booking(
            H2,
            d(2026, 11, 10).and_time(t(19, 0)),
            d(2026, 11, 10).and_time(t(21, 0)),
            "Other half",
        ),
    ];
    let report = check(&l, &tuesdays_autumn(H1), 52, &existing).unwrap();
    assert_eq!(report.dates.len(), 18);
    let clash_holders = |date| match &report.dates.iter().find(|(x, _)| *x == date).unwrap().1 {
        Outcome::Clash(with) => with.iter().map(|b| b.holder.as_str()).collect::<Vec<_>>(),
        other => panic!("{date}: {other:?}"),
    };
    assert_eq!(clash_holders(d(2026, 10, 13)), vec!["Cup tie"]);
    assert_eq!(clash_holders(d(2026, 11, 3)), vec!["Walking football"]);
    let closed: Vec<NaiveDate> = report
        .dates
        .iter()
        .filter(|(_, o)| *o == Outcome::Closed)
        .map(|(x, _)| *x)
        .collect();
    assert_eq!(
        closed,
        Vec::<NaiveDate>::new(),
        "no Tuesday in the range is a closure day"
    );
    assert_eq!(report.refused().count(), 2);
    assert_eq!(report.free().count(), 16, "the other half's booking does not clash");
}

#[test]
fn closure_days_are_skipped_and_hours_checked_per_date() {
    let l = Layout::example();
    // Fridays 17:00–19:00 through Christmas and New Year.
    let fridays = BlockRequest {
        space_id: HALL,
        first: d(2026, 12, 18),
        last: d(2027, 1, 8),
        every: Every::Week,
        starts: t(17, 0),
        ends: t(19, 0),
    };
    let report = check(&l, &fridays, 52, &[]).unwrap();
    let outcomes: Vec<(NaiveDate, bool)> = report.dates.iter().map(|(x, o)| (*x, *o == Outcome::Closed)).collect();
    assert_eq!(
        outcomes,
        vec![
            (d(2026, 12, 18), false),
            (d(2026, 12, 25), true),
            (d(2027, 1, 1), true),
            (d(2027, 1, 8), false)
        ]
    );
    assert_eq!(report.refused().count(), 0);
    // Saturdays 17:00–19:00 run past the 18:00 weekend closing.
    let saturdays = BlockRequest {
        first: d(2026, 12, 19),
        last: d(2027, 1, 2),
        ..fridays
    };
    let report = check(&l, &saturdays, 52, &[]).unwrap();
    assert!(
        report
            .dates
            .iter()
            .all(|(_, o)| matches!(o, Outcome::NotBookable(SlotError::OutsideHours(_))))
    );
}

#[test]
fn fifteen_weeks_by_four_courts_reports_every_date() {
    let l = Layout::example();
    // A busy replica: every quarter booked each evening hour on weekdays for 15 weeks.
    let mut existing = Vec::new();
    for day in 0..(15 * 7) {
        let date = d(2026, 9, 1) + Duration::days(day);
        for q in [Q1, Q2, Q3, Q4] {
            for h in 8..22 {
                if (day + h as i64 + q) % 3 == 0 {
                    existing.push(booking(
                        q,
                        date.and_time(t(h, 0)),
                        date.and_time(t(h + 1, 0)),
                        "regular",
                    ));
                }
            }
        }
    }
    let mut clashing = 0;
    for q in [Q1, Q2, Q3, Q4] {
        let req = BlockRequest {
            last: d(2026, 9, 1) + Duration::weeks(14),
            ..tuesdays_autumn(q)
        };
        let report = check(&l, &req, 52, &existing).unwrap();
        assert_eq!(report.dates.len(), 15);
        clashing += report.refused().count();
    }
    assert!(clashing > 0);
    // Speed belongs in the benchmark command (issue 11 §8), added with the desk's block-booking screen.
}

#[test]
fn a_taken_space_offers_the_same_kind_or_the_next_free_slot() {
    let l = Layout::example();
    let existing = vec![
        booking(Q1, tue(19, 0), tue(20, 0), "A"),
        booking(Q3, tue(19, 0), tue(21, 0), "B"),
        booking(Q1, tue(20, 0), tue(21, 0), "C"),
    ];
    let alt = l.alternatives(Q1, tue(19, 0), tue(20, 0), &existing);
    assert_eq!(alt.same_kind, vec![Q2, Q4]);
    assert_eq!(alt.next_slot, Some((tue(21, 0), tue(22, 0))));
    // Two hours from 20:00: no later two-hour slot fits before 22:00 closing.
    let alt = l.alternatives(Q1, tue(20, 0), tue(22, 0), &existing);
    assert_eq!(alt.next_slot, None);
    // The full pitch is the only one of its kind.
    assert_eq!(
        l.alternatives(FULL, tue(19, 0), tue(20, 0), &existing).same_kind,
        Vec::<i64>::new()
    );
}
