//! Prices: every kind of customer × activity and space × peak and off-peak, the reasons shown,
//! and configuration that must be refused on load.

use chrono::{NaiveDate, NaiveDateTime};

use crate::leisure::membership::{Billing, Concession, ConcessionKind, Customer, Membership, Plan, age_on};
use crate::leisure::price::{Basis, PriceError, price};
use crate::leisure::price_list::{CSV_COLUMNS, Item, PriceBook};
use crate::leisure::price_moray::{self, CLASS, EXAMPLE_CENTRE, PITCH_FULL, PITCH_HALF, PITCH_QUARTER, SWIM};
use crate::values::Pence;

fn d(y: i32, m: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, day).unwrap()
}

/// Tuesday 8 December 2026 at `h`:00 (peak on weekdays 17:00–22:00 in the example).
fn tue(h: u32) -> NaiveDateTime {
    d(2026, 12, 8).and_hms_opt(h, 0, 0).unwrap()
}

fn member(plan: Plan, billing: Billing, paid_until: NaiveDate, frozen: bool) -> Membership {
    Membership {
        plan,
        billing,
        starts: d(2026, 1, 1),
        paid_until,
        frozen,
    }
}

fn budget(review_due: NaiveDate) -> Concession {
    Concession {
        kind: ConcessionKind::Budget,
        evidence: "JSA letter".into(),
        review_due,
    }
}

fn customers() -> Vec<(&'static str, Customer)> {
    let adult = d(1980, 5, 1);
    let junior = d(2012, 5, 1);
    let c = |dob, membership, concession| Customer {
        date_of_birth: dob,
        membership,
        concession,
    };
    let live = d(2027, 1, 31);
    vec![
        ("adult", c(adult, None, None)),
        ("junior", c(junior, None, None)),
        ("budget", c(adult, None, Some(budget(d(2027, 3, 1))))),
        ("budget lapsed", c(adult, None, Some(budget(d(2026, 12, 7))))),
        (
            "member",
            c(
                adult,
                Some(member(Plan::Individual, Billing::Monthly, live, false)),
                None,
            ),
        ),
        (
            "family junior",
            c(junior, Some(member(Plan::Family, Billing::Annual, live, false)), None),
        ),
        (
            "member expired",
            c(
                adult,
                Some(member(Plan::Individual, Billing::Monthly, d(2026, 12, 1), false)),
                None,
            ),
        ),
        (
            "member frozen",
            c(adult, Some(member(Plan::Individual, Billing::Annual, live, true)), None),
        ),
        (
            "disabled free",
            c(
                adult,
                Some(member(Plan::DisabledWithCarer, Billing::Free, live, false)),
                None,
            ),
        ),
        (
            "member + budget",
            c(
                adult,
                Some(member(Plan::Individual, Billing::Monthly, live, false)),
                Some(budget(d(2027, 3, 1))),
            ),
        ),
    ]
}

#[test]
fn every_customer_kind_by_activity_and_peak() {
    use Basis::*;
    let book = price_moray::moray();
    // (item, hour, [adult, junior, budget, budget lapsed, member, family junior, expired, frozen,
    // disabled free, member + budget]) as (pence, basis).
    type Row = (Item, u32, [(i64, Basis); 10]);
    let rows: Vec<Row> = vec![
        (
            SWIM,
            10,
            [
                (450, Adult),
                (270, Junior),
                (50, Concession),
                (450, Adult),
                (0, MemberIncluded),
                (0, MemberIncluded),
                (450, Adult),
                (450, Adult),
                (0, MemberIncluded),
                (0, MemberIncluded),
            ],
        ),
        (
            CLASS,
            18,
            [
                (600, Adult),
                (360, Junior),
                (50, Concession),
                (600, Adult),
                (0, MemberIncluded),
                (0, MemberIncluded),
                (600, Adult),
                (600, Adult),
                (0, MemberIncluded),
                (0, MemberIncluded),
            ],
        ),
        // Off-peak 3G pitch: members pay as everyone does; Budget pays the concession price.
        (
            PITCH_FULL,
            10,
            [
                (8_000, Adult),
                (5_500, Junior),
                (5_500, Concession),
                (8_000, Adult),
                (8_000, Adult),
                (5_500, Junior),
                (8_000, Adult),
                (8_000, Adult),
                (8_000, Adult),
                (5_500, Concession),
            ],
        ),
        (
            PITCH_FULL,
            19,
            [
                (9_600, Adult),
                (6_600, Junior),
                (6_600, Concession),
                (9_600, Adult),
                (9_600, Adult),
                (6_600, Junior),
                (9_600, Adult),
                (9_600, Adult),
                (9_600, Adult),
                (6_600, Concession),
            ],
        ),
        (
            PITCH_HALF[1],
            19,
            [
                (6_000, Adult),
                (4_800, Junior),
                (4_800, Concession),
                (6_000, Adult),
                (6_000, Adult),
                (4_800, Junior),
                (6_000, Adult),
                (6_000, Adult),
                (6_000, Adult),
                (4_800, Concession),
            ],
        ),
        (
            PITCH_QUARTER[2],
            9,
            [
                (3_000, Adult),
                (2_500, Junior),
                (2_500, Concession),
                (3_000, Adult),
                (3_000, Adult),
                (2_500, Junior),
                (3_000, Adult),
                (3_000, Adult),
                (3_000, Adult),
                (2_500, Concession),
            ],
        ),
    ];
    let people = customers();
    for (item, hour, want) in rows {
        for ((who, customer), (pence, basis)) in people.iter().zip(want) {
            let q = price(&book, EXAMPLE_CENTRE, item, tue(hour), customer).unwrap();
            assert_eq!(
                (q.price, q.basis),
                (Pence(pence), basis),
                "{who}, {item:?} at {hour}:00"
            );
            let peak = matches!(item, Item::Space(_)) && (17..22).contains(&hour);
            assert_eq!(
                q.hours.as_deref(),
                peak.then_some("peak"),
                "{who}, {item:?} at {hour}:00"
            );
        }
    }
}

#[test]
fn peak_hours_end_at_their_end_and_skip_weekends() {
    let book = price_moray::moray();
    let adult = &customers()[0].1;
    let at = |day: u32, h: u32, m: u32| d(2026, 12, day).and_hms_opt(h, m, 0).unwrap();
    for (when, want) in [
        (at(8, 16, 59), 8_000),
        (at(8, 17, 0), 9_600),
        (at(8, 21, 59), 9_600),
        (at(8, 22, 0), 8_000),
        (at(12, 19, 0), 8_000), // Saturday
        (at(11, 19, 0), 9_600), // Friday
    ] {
        assert_eq!(
            price(&book, EXAMPLE_CENTRE, PITCH_FULL, when, adult).unwrap().price,
            Pence(want),
            "{when}"
        );
    }
}

#[test]
fn reasons_tell_the_receptionist_why() {
    let book = price_moray::moray();
    let people = customers();
    let reason = |i: usize, item, h| price(&book, EXAMPLE_CENTRE, item, tue(h), &people[i].1).unwrap().reason;
    assert_eq!(reason(4, SWIM, 10), "FitLife member: included");
    assert_eq!(reason(1, SWIM, 10), "Junior (under 18)");
    assert_eq!(reason(2, SWIM, 10), "Concession (Budget), review due 1 Mar 2027");
    assert_eq!(
        reason(3, SWIM, 10),
        "Adult; Budget concession review was due 7 Dec 2026: evidence needed again"
    );
    assert_eq!(reason(6, SWIM, 10), "Adult; FitLife membership expired 1 Dec 2026");
    assert_eq!(reason(7, SWIM, 10), "Adult; FitLife membership is frozen");
    assert_eq!(reason(0, PITCH_FULL, 19), "Adult (peak)");
}

#[test]
fn a_concession_holds_on_its_review_date_and_lapses_the_day_after() {
    let book = price_moray::moray();
    let on_day = Customer {
        date_of_birth: d(1980, 5, 1),
        membership: None,
        concession: Some(budget(d(2026, 12, 8))),
    };
    assert_eq!(
        price(&book, EXAMPLE_CENTRE, SWIM, tue(10), &on_day).unwrap().price,
        Pence(50)
    );
    let lapsed = Customer {
        concession: Some(budget(d(2026, 12, 7))),
        ..on_day
    };
    assert_eq!(
        price(&book, EXAMPLE_CENTRE, SWIM, tue(10), &lapsed).unwrap().price,
        Pence(450)
    );
}

#[test]
fn junior_until_the_eighteenth_birthday() {
    let book = price_moray::moray();
    let c = |dob| Customer {
        date_of_birth: dob,
        membership: None,
        concession: None,
    };
    assert_eq!(
        price(&book, EXAMPLE_CENTRE, SWIM, tue(10), &c(d(2008, 12, 9)))
            .unwrap()
            .price,
        Pence(270)
    );
    assert_eq!(
        price(&book, EXAMPLE_CENTRE, SWIM, tue(10), &c(d(2008, 12, 8)))
            .unwrap()
            .price,
        Pence(450)
    );
    assert_eq!(age_on(d(2008, 2, 29), d(2026, 2, 28)), 17);
    assert_eq!(age_on(d(2008, 2, 29), d(2026, 3, 1)), 18);
}

#[test]
fn prices_are_dated_and_per_site() {
    let book = price_moray::moray();
    let adult = &customers()[0].1;
    let before = d(2026, 3, 31).and_hms_opt(10, 0, 0).unwrap();
    assert_eq!(
        price(&book, EXAMPLE_CENTRE, SWIM, before, adult),
        Err(PriceError::NoPriceList {
            centre_id: EXAMPLE_CENTRE,
            date: d(2026, 3, 31)
        })
    );
    assert!(matches!(
        price(&book, 2, SWIM, tue(10), adult),
        Err(PriceError::NoPriceList { .. })
    ));
    assert!(matches!(
        price(&book, EXAMPLE_CENTRE, Item::Activity(99), tue(10), adult),
        Err(PriceError::NotPriced { .. })
    ));
    let unborn = Customer {
        date_of_birth: d(2027, 1, 1),
        ..adult.clone()
    };
    assert!(matches!(
        price(&book, EXAMPLE_CENTRE, SWIM, tue(10), &unborn),
        Err(PriceError::BornAfter(_))
    ));
}

#[test]
fn fitlife_membership_prices_from_launch() {
    let book = price_moray::moray();
    let on = d(2026, 6, 1);
    let p = |plan, billing| book.membership_price(plan, billing, on).unwrap().price;
    assert_eq!(p(Plan::Individual, Billing::Monthly), Pence(1_900));
    assert_eq!(p(Plan::Individual, Billing::Annual), Pence(22_800));
    assert_eq!(p(Plan::Family, Billing::Monthly), Pence(2_700));
    assert_eq!(p(Plan::Family, Billing::Annual), Pence(32_400));
    assert_eq!(p(Plan::DisabledWithCarer, Billing::Free), Pence(0));
    assert!(
        book.membership_price(Plan::Family, Billing::Annual, d(2014, 12, 31))
            .is_none()
    );
}

#[test]
fn the_moray_book_round_trips_through_json_and_is_valid() {
    let book = price_moray::moray();
    let json = serde_json::to_string(&book).unwrap();
    assert_eq!(PriceBook::from_json(&json).unwrap(), book);
}

const HEADER: &str = "council,centre_id,from,until,scheme,junior_below_age,concession_from_age,source,item,name,hours_label,days,hours_from,hours_to,adult,junior,concession,member";

fn csv(lines: &[&str]) -> String {
    std::iter::once(HEADER)
        .chain(lines.iter().copied())
        .collect::<Vec<_>>()
        .join("\n")
}

#[test]
fn a_csv_price_list_reads_like_its_json() {
    assert_eq!(HEADER.split(',').collect::<Vec<_>>(), CSV_COLUMNS);
    let text = csv(&[
        "Moray,7,2026-04-01,,FitLife,16,60,\"example, test\",activity:1,Swim,,,,,4.50,2.70,0.50,included",
        "Moray,7,2026-04-01,,FitLife,16,60,\"example, test\",space:3,Court,,,,,12,8,8,10.00",
        "Moray,7,2026-04-01,,FitLife,16,60,\"example, test\",space:3,Court,peak,Mon-Fri;Sun,17:00,21:00,15,10,10,casual",
    ]);
    let book = PriceBook::from_csv(&text).unwrap();
    assert_eq!(book.lists.len(), 1);
    let list = &book.lists[0];
    assert_eq!((list.junior_below_age, list.concession_from_age), (16, Some(60)));
    assert_eq!(list.source, "example, test");
    assert_eq!(list.prices.len(), 3);
    let senior = Customer {
        date_of_birth: d(1960, 1, 1),
        membership: None,
        concession: None,
    };
    let sunday = d(2026, 12, 13).and_hms_opt(18, 0, 0).unwrap();
    let q = price(&book, 7, Item::Space(3), sunday, &senior).unwrap();
    assert_eq!(
        (q.price, q.basis, q.reason.as_str()),
        (
            Pence(1_000),
            Basis::AgeConcession,
            "Concession (aged 60 or over) (peak)"
        )
    );
    let member = Customer {
        date_of_birth: d(1990, 1, 1),
        membership: Some(member(Plan::Individual, Billing::Monthly, d(2027, 1, 1), false)),
        concession: None,
    };
    let q = price(&book, 7, Item::Space(3), tue(10), &member).unwrap();
    assert_eq!((q.price, q.reason.as_str()), (Pence(1_000), "FitLife member price"));
}

#[test]
fn bad_price_configuration_is_refused_on_load() {
    let row = |rest: &str| format!("Moray,7,2026-04-01,,FitLife,16,,x,{rest}");
    let cases: Vec<(&str, Vec<String>, &str)> = vec![
        (
            "negative",
            vec![row("activity:1,Swim,,,,,-4.50,2.70,0.50,included")],
            "negative",
        ),
        (
            "fractional pence",
            vec![row("activity:1,Swim,,,,,4.505,2.70,0.50,included")],
            "`adult`",
        ),
        (
            "two defaults",
            vec![
                row("activity:1,Swim,,,,,4,2,1,included"),
                row("activity:1,Swim,,,,,5,2,1,included"),
            ],
            "two prices without hours",
        ),
        (
            "peak only",
            vec![row("space:3,Court,peak,Mon-Fri,17:00,21:00,15,10,10,casual")],
            "no price outside",
        ),
        (
            "overlapping hours",
            vec![
                row("space:3,Court,,,,,12,8,8,casual"),
                row("space:3,Court,peak,Mon-Fri,17:00,21:00,15,10,10,casual"),
                row("space:3,Court,late,Fri,20:00,22:00,15,10,10,casual"),
            ],
            "overlap",
        ),
        (
            "hours backwards",
            vec![
                row("space:3,Court,,,,,12,8,8,casual"),
                row("space:3,Court,peak,Mon,21:00,17:00,15,10,10,casual"),
            ],
            "end after",
        ),
        (
            "bad weekday",
            vec![
                row("space:3,Court,,,,,12,8,8,casual"),
                row("space:3,Court,peak,Mun,17:00,21:00,15,10,10,casual"),
            ],
            "weekday",
        ),
        ("bad item", vec![row("pool:1,Swim,,,,,4,2,1,included")], "`item`"),
        ("short line", vec!["Moray,7".to_owned()], "cells for"),
    ];
    for (name, lines, want) in cases {
        let lines: Vec<&str> = lines.iter().map(String::as_str).collect();
        let err = PriceBook::from_csv(&csv(&lines)).expect_err(name).to_string();
        assert!(err.contains(want), "{name}: {err}");
    }
    let mut book = price_moray::moray();
    let mut again = book.lists[0].clone();
    again.from = d(2027, 1, 1);
    again.until = None;
    book.lists.push(again);
    let err = PriceBook::from_json(&serde_json::to_string(&book).unwrap())
        .unwrap_err()
        .to_string();
    assert!(err.contains("overlap"), "{err}");
    let mut until_before = price_moray::moray();
    until_before.lists[0].until = Some(d(2026, 1, 1));
    assert!(until_before.checked().is_err());
    assert!(PriceBook::from_json("{\"council\":\"Moray\",\"lists\":[],\"extra\":1}").is_err());
}

#[test]
fn a_quote_goes_over_the_wire_as_the_desk_shows_it() {
    let book = price_moray::moray();
    let q = price(&book, EXAMPLE_CENTRE, SWIM, tue(10), &customers()[4].1).unwrap();
    assert_eq!(
        serde_json::to_value(&q).unwrap(),
        serde_json::json!({"price": 0, "basis": "member_included", "hours": null, "reason": "FitLife member: included"})
    );
}
