//! No-show penalties and blocks, waivers, and check-in's bookings and warnings.

use chrono::{Duration, NaiveDate, NaiveDateTime};

use crate::leisure::check_in::{Booked, Visit, Warning, bookings_now, warnings};
use crate::leisure::membership::{Billing, Concession, ConcessionKind, Customer, Membership, Plan};
use crate::leisure::no_show::{NoShow, blocked_until, penalty};
use crate::leisure::policy::NoShowRule;
use crate::leisure::refund::Waiver;
use crate::values::Pence;

fn d(m: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, m, day).unwrap()
}

fn at(m: u32, day: u32, h: u32) -> NaiveDateTime {
    d(m, day).and_hms_opt(h, 0, 0).unwrap()
}

fn ns(when: NaiveDateTime, waived: bool) -> NoShow {
    NoShow {
        session_id: when.and_utc().timestamp(),
        at: when,
        waived: waived.then(|| Waiver {
            reason: "Hospital appointment".into(),
            staff_id: 3,
        }),
    }
}

fn rule(fee: Option<i64>, strikes: u32, period_days: u32, block_days: u32) -> NoShowRule {
    NoShowRule {
        fee: fee.map(Pence),
        strikes,
        period_days,
        block_days,
    }
}

#[test]
fn no_show_penalties_by_rule_and_history() {
    let edinburgh = rule(Some(300), 1, 30, 0);
    let stevenage = rule(Some(700), 2, 183, 7);
    let goactive = rule(None, 2, 30, 30);
    let now = at(12, 8, 9);
    // (rule, earlier no-shows as (days before, waived), strikes, fee, blocked until)
    type Case = (
        &'static str,
        NoShowRule,
        Vec<(i64, bool)>,
        u32,
        Option<i64>,
        Option<NaiveDate>,
    );
    let cases: Vec<Case> = vec![
        ("edinburgh first", edinburgh.clone(), vec![], 1, Some(300), None),
        (
            "edinburgh again",
            edinburgh.clone(),
            vec![(3, false)],
            2,
            Some(300),
            None,
        ),
        ("stevenage first free", stevenage.clone(), vec![], 1, None, None),
        (
            "stevenage second",
            stevenage.clone(),
            vec![(100, false)],
            2,
            Some(700),
            Some(d(12, 15)),
        ),
        (
            "stevenage second after the period",
            stevenage.clone(),
            vec![(183, false)],
            1,
            None,
            None,
        ),
        (
            "stevenage second on the period's last day",
            stevenage.clone(),
            vec![(182, false)],
            2,
            Some(700),
            Some(d(12, 15)),
        ),
        (
            "stevenage earlier one waived",
            stevenage.clone(),
            vec![(10, true)],
            1,
            None,
            None,
        ),
        (
            "goactive second",
            goactive.clone(),
            vec![(29, false)],
            2,
            None,
            NaiveDate::from_ymd_opt(2027, 1, 7),
        ),
        (
            "goactive outside 30 days",
            goactive.clone(),
            vec![(30, false)],
            1,
            None,
            None,
        ),
    ];
    for (name, rule, earlier, strikes, fee, until) in cases {
        let history: Vec<NoShow> = earlier
            .iter()
            .map(|(days, w)| ns(now - Duration::days(*days), *w))
            .collect();
        let p = penalty(&rule, &history, now);
        assert_eq!(
            (p.strikes, p.fee, p.blocked_until),
            (strikes, fee.map(Pence), until),
            "{name}"
        );
    }
    let p = penalty(&stevenage, &[ns(now - Duration::days(1), false)], now);
    assert_eq!(
        p.reason,
        "No-show 2 in 183 days: fee £7.00; no advance booking until 15 Dec 2026"
    );
    assert_eq!(
        penalty(&stevenage, &[], now).reason,
        "No-show 1 of 1 allowed in 183 days: no penalty yet"
    );
    assert_eq!(
        penalty(&goactive, &[ns(now - Duration::days(1), false)], now).reason,
        "No-show 2 in 30 days: no advance booking until 7 Jan 2027"
    );
}

#[test]
fn a_block_lasts_its_days_and_a_waiver_lifts_it() {
    let goactive = rule(None, 2, 30, 30);
    let history = vec![ns(at(11, 1, 10), false), ns(at(11, 20, 10), false)];
    assert_eq!(blocked_until(&goactive, &history, d(11, 20)), Some(d(12, 20)));
    assert_eq!(blocked_until(&goactive, &history, d(12, 20)), Some(d(12, 20)));
    assert_eq!(blocked_until(&goactive, &history, d(12, 21)), None);
    assert_eq!(blocked_until(&goactive, &history[..1], d(11, 2)), None);
    let waived = vec![ns(at(11, 1, 10), false), ns(at(11, 20, 10), true)];
    assert_eq!(blocked_until(&goactive, &waived, d(11, 21)), None);
    let first_waived = vec![ns(at(11, 1, 10), true), ns(at(11, 20, 10), false)];
    assert_eq!(blocked_until(&goactive, &first_waived, d(11, 21)), None);
}

fn booked(id: i64, starts: NaiveDateTime, attended: bool) -> Booked {
    Booked {
        session_id: id,
        starts,
        ends: starts + Duration::minutes(45),
        attended,
    }
}

#[test]
fn check_in_finds_the_booking_for_now() {
    let bookings = vec![
        booked(1, at(12, 8, 10), false),
        booked(2, at(12, 8, 18), false),
        booked(3, at(12, 8, 9), true),
        booked(4, at(12, 9, 10), false),
    ];
    let ids = |now| {
        bookings_now(&bookings, now, 30)
            .iter()
            .map(|b| b.session_id)
            .collect::<Vec<_>>()
    };
    let m = |h, min| d(12, 8).and_hms_opt(h, min, 0).unwrap();
    assert_eq!(ids(m(9, 29)), Vec::<i64>::new(), "before check-in opens");
    assert_eq!(ids(m(9, 30)), vec![1]);
    assert_eq!(ids(m(10, 44)), vec![1]);
    assert_eq!(ids(m(10, 45)), Vec::<i64>::new(), "ended");
    assert_eq!(ids(m(9, 10)), Vec::<i64>::new(), "already attended");
    assert_eq!(ids(m(17, 40)), vec![2]);
}

#[test]
fn check_in_warns_plainly() {
    let now = at(12, 8, 10);
    let member = |paid_until, frozen| Membership {
        plan: Plan::Individual,
        billing: Billing::Monthly,
        starts: d(1, 1),
        paid_until,
        frozen,
    };
    let concession = |due| Concession {
        kind: ConcessionKind::Budget,
        evidence: "UC letter".into(),
        review_due: due,
    };
    let c = |m, con| Customer {
        date_of_birth: NaiveDate::from_ymd_opt(1980, 1, 1).unwrap(),
        membership: m,
        concession: con,
    };
    type Case = (
        &'static str,
        Customer,
        usize,
        Vec<Pence>,
        Option<NaiveDate>,
        Vec<Warning>,
    );
    let cases: Vec<Case> = vec![
        (
            "all well",
            c(Some(member(d(12, 31), false)), Some(concession(d(12, 23)))),
            1,
            vec![],
            None,
            vec![],
        ),
        (
            "expired, no booking",
            c(Some(member(d(12, 7), false)), None),
            0,
            vec![],
            None,
            vec![Warning::MembershipExpired { ended: d(12, 7) }, Warning::NoBooking],
        ),
        (
            "frozen",
            c(Some(member(d(12, 31), true)), None),
            1,
            vec![],
            None,
            vec![Warning::MembershipFrozen],
        ),
        (
            "unpaid fees add up",
            c(None, None),
            1,
            vec![Pence(300), Pence(300)],
            None,
            vec![Warning::UnpaidFee { total: Pence(600) }],
        ),
        (
            "review within the warning days",
            c(None, Some(concession(d(12, 22)))),
            1,
            vec![],
            None,
            vec![Warning::ConcessionReviewDue { due: d(12, 22) }],
        ),
        (
            "review overdue",
            c(None, Some(concession(d(11, 1)))),
            1,
            vec![],
            None,
            vec![Warning::ConcessionReviewDue { due: d(11, 1) }],
        ),
        ("block over", c(None, None), 1, vec![], Some(d(12, 7)), vec![]),
        (
            "blocked",
            c(None, None),
            1,
            vec![],
            Some(d(12, 8)),
            vec![Warning::BookingBlocked { until: d(12, 8) }],
        ),
    ];
    for (name, customer, n, unpaid, blocked, want) in cases {
        let visit = Visit {
            customer: &customer,
            bookings_now: n,
            unpaid: &unpaid,
            blocked_until: blocked,
        };
        assert_eq!(warnings(&visit, now, 14), want, "{name}");
    }
    let messages: Vec<String> = [
        Warning::MembershipExpired { ended: d(12, 7) },
        Warning::UnpaidFee { total: Pence(600) },
        Warning::NoBooking,
        Warning::ConcessionReviewDue { due: d(11, 1) },
    ]
    .iter()
    .map(Warning::message)
    .collect();
    assert_eq!(
        messages,
        vec![
            "Membership expired on 7 Dec 2026",
            "Unpaid fees: £6.00",
            "No booking for now",
            "Concession review due 1 Nov 2026: ask for evidence"
        ]
    );
}
