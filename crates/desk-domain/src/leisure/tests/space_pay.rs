//! A one-off space hire paid at the desk (`leisure.book_space` with a `payment`) and its refund
//! on `leisure.cancel_space`, through `decide`: each way to pay at two prices, the refund at and
//! around the space cut-off (none, the policy's share, a waiver), and bad input refused with
//! nothing put.

use chrono::{Duration, NaiveDate, NaiveDateTime};
use serde_json::json;
use uuid::Uuid;

use super::book_space::{Q1, ask, at, pitch_world};
use crate::leisure::cash_up::{self, Till, TillEntry};
use crate::leisure::decide::tests::{Mem, ctx, voucher};
use crate::leisure::payment::{Method, Tender};
use crate::leisure::records::{IssuedVoucher, MoneyKind, MoneyRecord};
use crate::leisure::space_pay::SpacePayment;
use crate::leisure::space_records::{SpaceBookingRecord, SpaceBookingStatus};
use crate::leisure::{BookSpace, CancelSpace};
use crate::service::Ctx;
use crate::values::Pence;
use crate::{Command, Effect};

/// Peak on Tue 8 Dec 19:00–20:00: a quarter at £30 + 20% = £36.00 (Moray example list).
const PEAK: i64 = 3_600;
/// Off-peak on Sat 5 Dec 10:00–11:00: £30.00.
const OFF_PEAK: i64 = 3_000;

fn paying_world() -> Mem {
    let mut w = pitch_world();
    w.supervisors = vec![12];
    w.vouchers = vec![
        voucher("GIFT50", 5_000, (2027, 1, 31), false),
        voucher("OLD50", 5_000, (2026, 11, 1), false),
        voucher("USED50", 5_000, (2027, 1, 31), true),
        voucher("SMALL", 1_000, (2027, 1, 31), false),
    ];
    w
}

fn hire(starts: NaiveDateTime, price: i64, tender: Tender) -> BookSpace {
    BookSpace {
        payment: Some(SpacePayment {
            payment_id: Uuid::from_u128(500),
            desk: "Front desk".into(),
            price: Pence(price),
            tender,
        }),
        ..ask(Q1, starts, starts + Duration::hours(1))
    }
}

fn peak(tender: Tender) -> BookSpace {
    hire(at(8, 19), PEAK, tender)
}

fn decide_at(w: &mut Mem, cmd: impl Into<Command>, c: &Ctx) -> Result<Vec<Effect>, (String, String)> {
    let Ok(d) = cmd.into().decide(w, c);
    d.map_err(|r| (r.code.as_str().to_owned(), r.message))
}

fn decide(w: &mut Mem, cmd: impl Into<Command>) -> Result<Vec<Effect>, (String, String)> {
    decide_at(w, cmd, &ctx())
}

fn puts<T: serde::de::DeserializeOwned>(effects: &[Effect], table: &str) -> Vec<T> {
    effects
        .iter()
        .filter_map(|e| match e {
            Effect::Put(r) if r.table == table => Some(r.parse().unwrap()),
            _ => None,
        })
        .collect()
}

/// What the server would hold after the effects: bookings, money and vouchers replaced by id.
fn apply(w: &mut Mem, effects: &[Effect]) {
    for b in puts::<SpaceBookingRecord>(effects, "space_bookings") {
        w.space_bookings.retain(|x| x.id != b.id);
        w.space_bookings.push(b);
    }
    for m in puts::<MoneyRecord>(effects, "payments") {
        w.money.push(m);
    }
    for v in puts::<IssuedVoucher>(effects, "vouchers") {
        w.vouchers.retain(|x| x.code != v.code);
        w.vouchers.push(v);
    }
}

fn cancel(waiver: Option<&str>) -> CancelSpace {
    CancelSpace {
        booking_id: Uuid::from_u128(900),
        refund_id: Some(Uuid::from_u128(600)),
        desk: Some("Front desk".into()),
        waiver: waiver.map(str::to_owned),
    }
}

/// What a tender at a price records: the method, amount, tendered and change.
type Expect = fn(i64) -> (Method, i64, i64, i64);

/// Each way to pay at a peak and an off-peak price: one booking and one payment of that price
/// (nothing for complimentary), the change for cash, and the receipt's reason the price rule's.
#[test]
fn every_way_to_pay_is_taken_at_peak_and_off_peak_prices() {
    let card = || Tender::Card {
        terminal: "T1".into(),
        reference: "004512".into(),
    };
    let table: Vec<(Tender, Expect)> = vec![
        (Tender::Cash { tendered: Pence(5_000) }, |p| {
            (Method::Cash, p, 5_000, 5_000 - p)
        }),
        (card(), |p| {
            (
                Method::Card {
                    terminal: "T1".into(),
                    reference: "004512".into(),
                },
                p,
                p,
                0,
            )
        }),
        (Tender::Voucher { code: "gift50".into() }, |p| {
            (Method::Voucher { code: "GIFT50".into() }, p, p, 0)
        }),
        (
            Tender::Complimentary {
                reason: "Club open day".into(),
                supervisor_id: 12,
            },
            |_| {
                (
                    Method::Complimentary {
                        reason: "Club open day".into(),
                        supervisor_id: 12,
                    },
                    0,
                    0,
                    0,
                )
            },
        ),
        (
            Tender::OnAccount {
                account: "ACC-7".into(),
            },
            |p| {
                (
                    Method::OnAccount {
                        account: "ACC-7".into(),
                    },
                    p,
                    p,
                    0,
                )
            },
        ),
    ];
    for (starts, price) in [(at(8, 19), PEAK), (at(5, 10), OFF_PEAK)] {
        for (tender, expect) in &table {
            let mut w = paying_world();
            let effects = decide(&mut w, hire(starts, price, tender.clone()))
                .unwrap_or_else(|e| panic!("{tender:?} at {price}: {e:?}"));
            let [row]: [SpaceBookingRecord; 1] = puts(&effects, "space_bookings").try_into().unwrap();
            let [m]: [MoneyRecord; 1] = puts(&effects, "payments").try_into().unwrap();
            let (method, amount, tendered, change) = expect(price);
            assert_eq!((row.price, row.status), (Pence(price), SpaceBookingStatus::Booked));
            assert_eq!(
                (m.booking_id, m.kind, m.method, m.amount, m.tendered, m.change),
                (
                    row.id,
                    MoneyKind::Payment,
                    method,
                    Pence(amount),
                    Pence(tendered),
                    Pence(change)
                ),
                "{tender:?} at {price}"
            );
            assert_eq!((m.desk.as_str(), m.centre_id, m.at), ("Front desk", 1, ctx().now));
            assert_eq!(m.reason, row.price_reason);
            let used: Vec<IssuedVoucher> = puts(&effects, "vouchers");
            assert_eq!(
                used.iter().map(|v| (v.code.as_str(), v.redeemed)).collect::<Vec<_>>(),
                if matches!(tender, Tender::Voucher { .. }) {
                    vec![("GIFT50", true)]
                } else {
                    vec![]
                }
            );
        }
    }
}

/// Without a payment a hire is charged to the account as before: no money record.
#[test]
fn no_payment_is_the_account_as_before_and_old_commands_still_parse() {
    let mut w = paying_world();
    let effects = decide(&mut w, ask(Q1, at(8, 19), at(8, 20))).unwrap();
    assert!(puts::<MoneyRecord>(&effects, "payments").is_empty());
    // A command queued before payments were taken (no `payment`, no refund fields) parses.
    let old = json!({"booking_id": Uuid::nil(), "space_id": Q1, "starts": at(8, 19), "ends": at(8, 20),
                     "customer_id": 1, "club": null, "block_id": null});
    let Command::Leisure(crate::leisure::Command::BookSpace(b)) =
        Command::parse("leisure.book_space", 1, &old).unwrap()
    else {
        panic!("not a space booking");
    };
    assert_eq!(b.payment, None);
    let old_cancel = json!({"booking_id": Uuid::nil()});
    assert!(Command::parse("leisure.cancel_space", 1, &old_cancel).is_ok());
}

/// Bad input: refused with the code the desk shows beside the field, and nothing put.
#[test]
fn bad_payments_are_refused_with_nothing_put() {
    let cash = |p| Tender::Cash { tendered: Pence(p) };
    let table: Vec<(&str, BookSpace, &str)> = vec![
        ("tendered below the price", peak(cash(PEAK - 1)), "tendered_short"),
        ("negative tendered", peak(cash(-5_000)), "tendered_short"),
        ("negative price", hire(at(8, 19), -PEAK, cash(5_000)), "price_changed"),
        ("a stale price", hire(at(8, 19), OFF_PEAK, cash(5_000)), "price_changed"),
        (
            "expired voucher",
            peak(Tender::Voucher { code: "OLD50".into() }),
            "voucher_refused",
        ),
        (
            "used voucher",
            peak(Tender::Voucher { code: "USED50".into() }),
            "voucher_refused",
        ),
        (
            "voucher worth less",
            peak(Tender::Voucher { code: "SMALL".into() }),
            "voucher_refused",
        ),
        (
            "unknown voucher",
            peak(Tender::Voucher { code: "NOPE".into() }),
            "voucher_refused",
        ),
        (
            "a card number for a reference",
            peak(Tender::Card {
                terminal: "T1".into(),
                reference: "4111 1111 1111 1111".into(),
            }),
            "invalid_payment",
        ),
        (
            "complimentary without a reason",
            peak(Tender::Complimentary {
                reason: " ".into(),
                supervisor_id: 12,
            }),
            "invalid_payment",
        ),
        (
            "complimentary by someone not a supervisor",
            peak(Tender::Complimentary {
                reason: "Open day".into(),
                supervisor_id: 13,
            }),
            "invalid_payment",
        ),
        (
            "on account without one",
            peak(Tender::OnAccount { account: "".into() }),
            "invalid_payment",
        ),
        (
            "a block date paid at the desk",
            BookSpace {
                block_id: Some(Uuid::from_u128(77)),
                club: Some("Forres Thistle".into()),
                ..peak(cash(5_000))
            },
            "block_on_account",
        ),
        (
            "no desk",
            BookSpace {
                payment: peak(cash(5_000))
                    .payment
                    .map(|p| SpacePayment { desk: " ".into(), ..p }),
                ..peak(cash(5_000))
            },
            "invalid_payment",
        ),
    ];
    for (what, cmd, want) in table {
        let mut w = paying_world();
        let (code, message) = decide(&mut w, cmd).unwrap_err();
        assert_eq!(code, want, "{what}: {message}");
        assert!(!message.is_empty());
    }
    // A payment id already used is refused as a duplicate.
    let mut w = paying_world();
    let first = decide(&mut w, peak(cash(PEAK))).unwrap();
    apply(&mut w, &first);
    let again = BookSpace {
        booking_id: Uuid::from_u128(901),
        ..hire(at(8, 20), PEAK, cash(PEAK))
    };
    assert_eq!(decide(&mut w, again).unwrap_err().0, "duplicate_payment");
    // A taken slot paid for offers no alternatives (a payment is not carried to another price).
    let taken = BookSpace {
        booking_id: Uuid::from_u128(902),
        payment: peak(cash(PEAK)).payment.map(|p| SpacePayment {
            payment_id: Uuid::from_u128(501),
            ..p
        }),
        ..peak(cash(PEAK))
    };
    let Ok(Err(r)) = Command::from(taken).decide(&mut w, &ctx()) else {
        panic!("a taken slot is refused");
    };
    assert_eq!((r.code.as_str(), r.alternatives.len()), ("space_taken", 0));
}

/// Fractional pence never get past the command's parse.
#[test]
fn fractional_pence_are_bad_args_at_the_boundary() {
    let base = json!({"booking_id": Uuid::nil(), "space_id": Q1, "starts": at(8, 19), "ends": at(8, 20),
                      "customer_id": 1});
    let with = |payment: serde_json::Value| {
        let mut v = base.clone();
        v["payment"] = payment;
        Command::parse("leisure.book_space", 1, &v)
    };
    let code = |r: Result<Command, crate::CommandError>| r.unwrap_err().code().as_str();
    let tender = json!({"method": "cash", "tendered": 5000});
    let ok = json!({"payment_id": Uuid::nil(), "desk": "D", "price": 3600, "tender": tender});
    assert!(with(ok.clone()).is_ok());
    let mut fractional_price = ok.clone();
    fractional_price["price"] = json!(36.5);
    assert_eq!(code(with(fractional_price)), "bad_args");
    let mut fractional_cash = ok.clone();
    fractional_cash["tender"] = json!({"method": "cash", "tendered": 50.25});
    assert_eq!(code(with(fractional_cash)), "bad_args");
    let mut unknown = ok.clone();
    unknown["surcharge"] = json!(100);
    assert_eq!(code(with(unknown)), "bad_args");
    let mut no_tender = ok;
    no_tender.as_object_mut().unwrap().remove("tender");
    assert_eq!(code(with(no_tender)), "bad_args");
}

/// Booked for Thu 3 Dec 12:00 (24-hour cut-off: Wed 2 Dec 12:00) and cancelled `before` the
/// start: in full at or before the cut-off, nothing after it (Moray: 0%), the policy's share
/// when it gives one, in full with a waiver; always the way it was paid.
#[test]
fn the_refund_follows_the_space_cut_off_to_the_original_method() {
    let starts = NaiveDate::from_ymd_opt(2026, 12, 3)
        .unwrap()
        .and_hms_opt(12, 0, 0)
        .unwrap();
    let card = Tender::Card {
        terminal: "T2".into(),
        reference: "0099".into(),
    };
    // (minutes before the start, late refund %, waiver, refunded of 3000)
    let table: [(i64, u32, Option<&str>, i64); 7] = [
        (25 * 60, 0, None, 3_000),
        (24 * 60, 0, None, 3_000),
        (24 * 60 - 1, 0, None, 0),
        (60, 0, None, 0),
        (24 * 60 - 1, 50, None, 1_500),
        (60, 0, Some("Court flooded"), 3_000),
        (1, 50, Some("Court flooded"), 3_000),
    ];
    for (before, percent, waiver, back) in table {
        let mut w = paying_world();
        w.settings[0]
            .policies
            .iter_mut()
            .for_each(|p| p.late_refund_percent = percent);
        let price = 3_000; // Thursday noon is off-peak.
        let booked = decide(&mut w, hire(starts, price, card.clone())).unwrap();
        apply(&mut w, &booked);
        let later = Ctx {
            now: starts - Duration::minutes(before),
            ..ctx()
        };
        let effects = decide_at(&mut w, cancel(waiver), &later).unwrap();
        let [row]: [SpaceBookingRecord; 1] = puts(&effects, "space_bookings").try_into().unwrap();
        assert_eq!(row.status, SpaceBookingStatus::Cancelled);
        assert_eq!(row.price, Pence(price - back), "{before} min, {percent}%: kept");
        let refunds: Vec<MoneyRecord> = puts(&effects, "payments");
        if back == 0 {
            assert!(refunds.is_empty(), "{before} min: nothing goes back");
            assert!(row.price_reason.contains("no refund"), "{}", row.price_reason);
        } else {
            let [r] = refunds.try_into().unwrap();
            assert_eq!(
                (r.kind, r.amount, r.booking_id, r.id),
                (MoneyKind::Refund, Pence(back), row.id, Uuid::from_u128(600))
            );
            assert_eq!(
                r.method,
                Method::Card {
                    terminal: "T2".into(),
                    reference: "0099".into()
                }
            );
            assert_eq!(waiver.is_some(), r.reason.contains("waived"), "{}", r.reason);
        }
    }
}

#[test]
fn a_voucher_is_re_credited_and_cancelling_twice_or_without_a_refund_id_is_refused() {
    let mut w = paying_world();
    let booked = decide(&mut w, peak(Tender::Voucher { code: "GIFT50".into() })).unwrap();
    apply(&mut w, &booked);
    assert!(w.vouchers.iter().any(|v| v.code == "GIFT50" && v.redeemed));
    let no_id = CancelSpace {
        refund_id: None,
        ..cancel(None)
    };
    assert_eq!(decide(&mut w, no_id).unwrap_err().0, "invalid_payment");
    let blank = cancel(Some("  "));
    assert_eq!(decide(&mut w, blank).unwrap_err().0, "invalid_waiver");
    let effects = decide(&mut w, cancel(None)).unwrap();
    let back: Vec<IssuedVoucher> = puts(&effects, "vouchers");
    assert_eq!(
        back.iter().map(|v| (v.code.as_str(), v.redeemed)).collect::<Vec<_>>(),
        [("GIFT50", false)]
    );
    apply(&mut w, &effects);
    assert_eq!(decide(&mut w, cancel(None)).unwrap_err().0, "already_cancelled");
}

/// An account hire cancelled late is charged the policy's share, unless staff waive it.
#[test]
fn a_waiver_clears_a_late_account_charge() {
    let mut w = paying_world();
    let starts = NaiveDate::from_ymd_opt(2026, 12, 2)
        .unwrap()
        .and_hms_opt(10, 0, 0)
        .unwrap();
    let booked = decide(&mut w, ask(Q1, starts, starts + Duration::hours(1))).unwrap();
    apply(&mut w, &booked);
    let c = CancelSpace {
        refund_id: None,
        desk: None,
        ..cancel(Some("Storm warning"))
    };
    let effects = decide(&mut w, c).unwrap();
    let [row]: [SpaceBookingRecord; 1] = puts(&effects, "space_bookings").try_into().unwrap();
    assert_eq!(row.price, Pence(0));
    assert!(row.price_reason.contains("Storm warning"), "{}", row.price_reason);
    assert!(puts::<MoneyRecord>(&effects, "payments").is_empty());
}

/// The cash-up counts a space hire's payment and refund as it counts a class place's.
#[test]
fn the_cash_up_counts_space_money_unchanged() {
    let mut w = paying_world();
    let booked = decide(&mut w, peak(Tender::Cash { tendered: Pence(5_000) })).unwrap();
    apply(&mut w, &booked);
    let entries: Vec<TillEntry> = w.money.iter().filter_map(TillEntry::of).collect();
    let up = cash_up::cash_up(&entries, Till::Desk("Front desk"), ctx().now.date(), Pence(1_000));
    assert_eq!((up.cash.count, up.expected_cash), (1, Pence(1_000 + PEAK)));
    let effects = decide(&mut w, cancel(None)).unwrap();
    apply(&mut w, &effects);
    let entries: Vec<TillEntry> = w.money.iter().filter_map(TillEntry::of).collect();
    let up = cash_up::cash_up(&entries, Till::Centre(1), ctx().now.date(), Pence(1_000));
    assert_eq!((up.refunds.refunded, up.expected_cash), (Pence(PEAK), Pence(1_000)));
}
