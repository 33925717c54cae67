//! Cash-up: totals per desk and per centre equal the sum of the day's movements.

use chrono::{NaiveDate, NaiveDateTime};

use crate::leisure::cash_up::{Balance, Movement, NegativeCount, Till, TillEntry, cash_up, count};
use crate::leisure::payment::{Method, Payment};
use crate::values::Pence;

fn at(day: u32, h: u32) -> NaiveDateTime {
    NaiveDate::from_ymd_opt(2026, 12, day)
        .unwrap()
        .and_hms_opt(h, 0, 0)
        .unwrap()
}

fn pay(desk_id: i64, centre_id: i64, when: NaiveDateTime, method: Method, amount: i64, tendered: i64) -> TillEntry {
    TillEntry {
        desk: desk_id.to_string(),
        centre_id,
        at: when,
        movement: Movement::Payment(Payment {
            method,
            amount: Pence(amount),
            tendered: Pence(tendered),
            change: Pence(tendered - amount),
        }),
    }
}

fn back(desk_id: i64, when: NaiveDateTime, to: Method, amount: i64) -> TillEntry {
    TillEntry {
        desk: desk_id.to_string(),
        centre_id: 1,
        at: when,
        movement: Movement::Refund {
            amount: Pence(amount),
            to,
        },
    }
}

fn card(t: &str) -> Method {
    Method::Card {
        terminal: t.into(),
        reference: "r".into(),
    }
}

fn day() -> Vec<TillEntry> {
    vec![
        pay(1, 1, at(8, 9), Method::Cash, 450, 500),
        pay(1, 1, at(8, 10), Method::Cash, 600, 2_000),
        pay(1, 1, at(8, 11), card("PDQ-1"), 8_000, 8_000),
        pay(1, 1, at(8, 12), card("PDQ-2"), 270, 270),
        pay(1, 1, at(8, 13), Method::Voucher { code: "V".into() }, 450, 450),
        pay(
            1,
            1,
            at(8, 14),
            Method::Complimentary {
                reason: "r".into(),
                supervisor_id: 2,
            },
            0,
            0,
        ),
        pay(
            1,
            1,
            at(8, 15),
            Method::OnAccount { account: "CLUB".into() },
            5_000,
            5_000,
        ),
        back(1, at(8, 16), Method::Cash, 450),
        back(1, at(8, 17), card("PDQ-1"), 8_000),
        // Desk 2 at the same centre, another centre, and another day.
        pay(2, 1, at(8, 10), Method::Cash, 300, 300),
        pay(2, 1, at(8, 11), card("PDQ-1"), 1_000, 1_000),
        pay(3, 2, at(8, 10), Method::Cash, 9_999, 9_999),
        pay(1, 1, at(9, 10), Method::Cash, 7_777, 7_777),
    ]
}

#[test]
fn a_desk_cash_up_keeps_the_price_not_what_was_tendered() {
    let entries = day();
    let c = cash_up(&entries, Till::Desk("1"), at(8, 0).date(), Pence(10_000));
    assert_eq!(
        (c.cash.count, c.cash.taken, c.cash.refunded),
        (3, Pence(1_050), Pence(450))
    );
    assert_eq!(c.expected_cash, Pence(10_000 + 1_050 - 450));
    assert_eq!(c.card_by_terminal["PDQ-1"].net(), Pence(0));
    assert_eq!(c.card_by_terminal["PDQ-1"].count, 2);
    assert_eq!(c.card_by_terminal["PDQ-2"].taken, Pence(270));
    assert_eq!((c.vouchers.count, c.vouchers.taken), (1, Pence(450)));
    assert_eq!(c.complimentary, 1);
    assert_eq!(c.on_account["CLUB"].taken, Pence(5_000));
    assert_eq!((c.refunds.count, c.refunds.refunded), (2, Pence(8_450)));
}

#[test]
fn a_centre_cash_up_is_the_sum_of_its_desks() {
    let entries = day();
    let d = at(8, 0).date();
    let centre = cash_up(&entries, Till::Centre(1), d, Pence(0));
    let (one, two) = (
        cash_up(&entries, Till::Desk("1"), d, Pence(0)),
        cash_up(&entries, Till::Desk("2"), d, Pence(0)),
    );
    assert_eq!(centre.cash.net().0, one.cash.net().0 + two.cash.net().0);
    assert_eq!(centre.card_by_terminal["PDQ-1"].taken, Pence(9_000));
    assert_eq!(centre.expected_cash, Pence(1_050 - 450 + 300));
    // Every penny of the day's payments at the centre is in exactly one total.
    let paid: i64 = entries
        .iter()
        .filter(|e| e.centre_id == 1 && e.at.date() == d)
        .filter_map(|e| match &e.movement {
            Movement::Payment(p) => Some(p.amount.0),
            Movement::Refund { .. } => None,
        })
        .sum();
    let totals = centre.cash.taken.0
        + centre.card_by_terminal.values().map(|t| t.taken.0).sum::<i64>()
        + centre.vouchers.taken.0
        + centre.on_account.values().map(|t| t.taken.0).sum::<i64>();
    assert_eq!(totals, paid);
}

#[test]
fn counted_cash_gives_the_difference() {
    let entries = day();
    let c = cash_up(&entries, Till::Desk("1"), at(8, 0).date(), Pence(10_000));
    for (counted, diff, balance) in [
        (10_600, 0, Balance::Balanced),
        (10_650, 50, Balance::Over),
        (10_590, -10, Balance::Short),
    ] {
        let n = count(&c, Pence(counted)).unwrap();
        assert_eq!(
            (n.expected, n.difference, n.balance),
            (Pence(10_600), Pence(diff), balance)
        );
    }
    assert_eq!(count(&c, Pence(-1)), Err(NegativeCount(Pence(-1))));
}

#[test]
fn a_busy_day_of_two_thousand_payments_adds_up() {
    let entries: Vec<TillEntry> = (0..2_000)
        .map(|i| {
            let method = match i % 4 {
                0 => Method::Cash,
                1 => card("PDQ-1"),
                2 => card("PDQ-2"),
                _ => Method::Voucher { code: format!("V{i}") },
            };
            pay(1 + i % 3, 1, at(8, 8 + (i % 12) as u32), method, 450, 500)
        })
        .collect();
    let c = cash_up(&entries, Till::Centre(1), at(8, 0).date(), Pence(0));
    assert_eq!(c.cash.taken, Pence(500 * 450));
    assert_eq!(c.card_by_terminal.values().map(|t| t.count).sum::<u32>(), 1_000);
    // Speed belongs in the benchmark command (issue 11 §8), added with the desk's cash-up screen.
}
