//! `leisure.book_and_pay` through `decide`: the place, the payment with the price rule's reason
//! and the change given, a voucher used up, and each refusal with nothing put.

use chrono::NaiveDate;
use uuid::Uuid;

use crate::leisure::decide::tests::{Mem, ctx, member, voucher, world};
use crate::leisure::payment::{Method, Tender};
use crate::leisure::price_list::Item;
use crate::leisure::records::{IssuedVoucher, LeisureSettings, MoneyKind, MoneyRecord};
use crate::leisure::{BookAndPay, policy::PolicyBook, price_moray};
use crate::values::Pence;
use crate::{Command, Effect};

/// Centre 1 with Moray's example list, its class price given to the test world's activity 10:
/// adult £6.00, junior £3.60, Budget concession 50p, FitLife members included.
fn settings() -> LeisureSettings {
    let mut list = price_moray::moray().lists.remove(0);
    for p in &mut list.prices {
        if p.item == price_moray::CLASS {
            p.item = Item::Activity(10);
        }
    }
    LeisureSettings {
        id: 1,
        centre_id: 1,
        prices: vec![list],
        policies: PolicyBook::moray_example().policies,
    }
}

pub(super) fn priced() -> Mem {
    let mut w = world();
    w.settings = vec![settings()];
    w.supervisors = vec![12];
    w.vouchers = vec![
        voucher("GIFT10", 1_000, (2027, 1, 31), false),
        voucher("OLD5", 500, (2026, 11, 1), false),
        voucher("USED", 1_000, (2027, 1, 31), true),
    ];
    w
}

fn pay(customer_id: i64, price: i64, tender: Tender) -> BookAndPay {
    BookAndPay {
        booking_id: Uuid::from_u128(99),
        session_id: 1,
        customer_id,
        payment_id: Uuid::from_u128(500),
        desk: "Front desk".into(),
        price: Pence(price),
        tender,
    }
}

fn decide(w: &mut Mem, a: BookAndPay) -> Result<Vec<Effect>, (String, String)> {
    let Ok(d) = Command::from(a).decide(w, &ctx());
    d.map_err(|r| (r.code.as_str().to_owned(), r.message))
}

fn money_of(effects: &[Effect]) -> MoneyRecord {
    effects
        .iter()
        .find_map(|e| match e {
            Effect::Put(r) if r.table == "payments" => Some(r.parse().unwrap()),
            _ => None,
        })
        .expect("a payment is put")
}

#[test]
fn cash_is_taken_with_the_change_and_the_reason_and_the_session_count_stays_last() {
    let effects = decide(&mut priced(), pay(2, 600, Tender::Cash { tendered: Pence(1_000) })).unwrap();
    let tables: Vec<String> = effects
        .iter()
        .map(|e| match e {
            Effect::Audit(n) => format!("audit {}", n.kind.as_str()),
            Effect::Put(r) => format!("put {}", r.table),
            Effect::Count { record, .. } => format!("count {}", record.table),
            Effect::ServerOnly(r) => format!("server-only {}", r.table),
        })
        .collect();
    assert_eq!(
        tables,
        [
            "audit booking",
            "put bookings",
            "audit payment",
            "put payments",
            "count sessions"
        ]
    );
    let m = money_of(&effects);
    assert_eq!(
        (m.kind, &m.method, m.amount, m.tendered, m.change),
        (MoneyKind::Payment, &Method::Cash, Pence(600), Pence(1_000), Pence(400))
    );
    assert_eq!((m.desk.as_str(), m.staff_id, m.at), ("Front desk", 7, ctx().now));
    assert_eq!(m.reason, "Adult");
    assert_eq!(m.booking_id, Uuid::from_u128(99));
}

#[test]
fn a_member_pays_nothing_and_a_lapsed_one_is_told_why_they_pay() {
    let member = |paid_until| member(3, paid_until);
    let mut w = priced();
    w.entitlements = vec![member(NaiveDate::from_ymd_opt(2026, 12, 31).unwrap())];
    let m = money_of(&decide(&mut w, pay(3, 0, Tender::Cash { tendered: Pence(0) })).unwrap());
    assert_eq!((m.amount, m.reason.as_str()), (Pence(0), "FitLife member: included"));

    let mut w = priced();
    w.entitlements = vec![member(NaiveDate::from_ymd_opt(2026, 11, 30).unwrap())];
    let (code, message) = decide(&mut w, pay(3, 0, Tender::Cash { tendered: Pence(0) })).unwrap_err();
    assert_eq!(code, "price_changed");
    assert!(
        message.contains("£6.00") && message.contains("membership expired 30 Nov 2026"),
        "{message}"
    );
    let m = money_of(&decide(&mut w, pay(3, 600, Tender::Cash { tendered: Pence(600) })).unwrap());
    assert_eq!(m.reason, "Adult; FitLife membership expired 30 Nov 2026");
}

#[test]
fn a_voucher_is_used_up_with_the_payment() {
    let effects = decide(
        &mut priced(),
        pay(
            2,
            600,
            Tender::Voucher {
                code: " gift10 ".into(),
            },
        ),
    )
    .unwrap();
    let v: IssuedVoucher = effects
        .iter()
        .find_map(|e| match e {
            Effect::Put(r) if r.table == "vouchers" => Some(r.parse().unwrap()),
            _ => None,
        })
        .expect("the voucher is put");
    assert!(v.redeemed);
    assert_eq!(money_of(&effects).method, Method::Voucher { code: "GIFT10".into() });
}

#[test]
fn refusals_put_nothing_and_name_the_problem() {
    let card = |reference: &str| Tender::Card {
        terminal: "T1".into(),
        reference: reference.into(),
    };
    let cases: Vec<(&str, Mem, BookAndPay, &str)> = vec![
        ("no price list", world(), pay(2, 600, card("A1")), "no_price_list"),
        ("price changed", priced(), pay(2, 450, card("A1")), "price_changed"),
        (
            "short",
            priced(),
            pay(2, 600, Tender::Cash { tendered: Pence(599) }),
            "tendered_short",
        ),
        (
            "card number",
            priced(),
            pay(2, 600, card("4111 1111 1111 1111")),
            "invalid_payment",
        ),
        ("no reference", priced(), pay(2, 600, card(" ")), "invalid_payment"),
        (
            "expired voucher",
            priced(),
            pay(2, 600, Tender::Voucher { code: "OLD5".into() }),
            "voucher_refused",
        ),
        (
            "used voucher",
            priced(),
            pay(2, 600, Tender::Voucher { code: "USED".into() }),
            "voucher_refused",
        ),
        (
            "own complimentary",
            priced(),
            pay(
                2,
                600,
                Tender::Complimentary {
                    reason: "Birthday".into(),
                    supervisor_id: 7,
                },
            ),
            "invalid_payment",
        ),
        (
            "not a supervisor",
            priced(),
            pay(
                2,
                600,
                Tender::Complimentary {
                    reason: "Birthday".into(),
                    supervisor_id: 13,
                },
            ),
            "invalid_payment",
        ),
        (
            "no account",
            priced(),
            pay(2, 600, Tender::OnAccount { account: "".into() }),
            "invalid_payment",
        ),
        (
            "no desk",
            priced(),
            BookAndPay {
                desk: " ".into(),
                ..pay(2, 600, card("A1"))
            },
            "invalid_payment",
        ),
        (
            "full",
            priced(),
            BookAndPay {
                session_id: 2,
                ..pay(5, 600, card("A1"))
            },
            "session_full",
        ),
    ];
    for (name, mut w, a, want) in cases {
        assert_eq!(decide(&mut w, a).map(|_| ()).unwrap_err().0, want, "case {name}");
    }
    let mut taken = priced();
    taken.money = vec![money_of(&decide(&mut priced(), pay(2, 600, card("A1"))).unwrap())];
    let again = BookAndPay {
        booking_id: Uuid::from_u128(98),
        ..pay(3, 600, card("A2"))
    };
    assert_eq!(decide(&mut taken, again).unwrap_err().0, "duplicate_payment");
}

#[test]
fn a_supervisor_may_give_a_place_free_with_a_reason() {
    let m = money_of(
        &decide(
            &mut priced(),
            pay(
                2,
                600,
                Tender::Complimentary {
                    reason: "Swim instructor's guest".into(),
                    supervisor_id: 12,
                },
            ),
        )
        .unwrap(),
    );
    assert_eq!((m.amount, m.tendered, m.change), (Pence(0), Pence(0), Pence(0)));
    assert_eq!(
        m.method,
        Method::Complimentary {
            reason: "Swim instructor's guest".into(),
            supervisor_id: 12
        }
    );
}

/// `w` with customer 2 booked into `session_id` and paid by `tender`, as book_and_pay left it.
pub(super) fn paid_in(mut w: Mem, session_id: i64, price: i64, tender: Tender) -> Mem {
    let effects = decide(
        &mut w,
        BookAndPay {
            session_id,
            ..pay(2, price, tender)
        },
    )
    .unwrap();
    for e in effects {
        if let Effect::Put(r) = e {
            match r.table.as_str() {
                "bookings" => w.bookings.push(r.parse().unwrap()),
                "payments" => w.money.push(r.parse().unwrap()),
                "vouchers" => {
                    let v: IssuedVoucher = r.parse().unwrap();
                    w.vouchers.retain(|x| x.code != v.code);
                    w.vouchers.push(v);
                }
                _ => {}
            }
        }
    }
    w
}

fn cancel(waiver: Option<&str>) -> crate::leisure::CancelWithRefund {
    crate::leisure::CancelWithRefund {
        booking_id: Uuid::from_u128(99),
        refund_id: Uuid::from_u128(600),
        desk: "Front desk".into(),
        waiver: waiver.map(str::to_owned),
    }
}

pub(super) fn refund_of(effects: &[Effect]) -> Option<MoneyRecord> {
    effects.iter().find_map(|e| match e {
        Effect::Put(r) if r.table == "payments" => Some(r.parse().unwrap()),
        _ => None,
    })
}

fn cancelled(w: &mut Mem, waiver: Option<&str>) -> Result<Vec<Effect>, (String, String)> {
    let Ok(d) = Command::from(cancel(waiver)).decide(w, &ctx());
    d.map_err(|r| (r.code.as_str().to_owned(), r.message))
}

/// A session at 14:00 on the test day: two hours away, inside the 3-hour class cut-off.
fn soon(mut w: Mem) -> Mem {
    let mut s = w.sessions[0].clone();
    s.id = 4;
    s.starts_at = ctx().now + chrono::Duration::hours(2);
    w.sessions.push(s);
    w
}

#[test]
fn cancelling_before_the_cut_off_refunds_in_full_to_the_card_it_was_paid_by() {
    let card = Method::Card {
        terminal: "T1".into(),
        reference: "004512".into(),
    };
    let tender = Tender::Card {
        terminal: "T1".into(),
        reference: "004512".into(),
    };
    let mut w = paid_in(priced(), 1, 600, tender);
    let effects = cancelled(&mut w, None).unwrap();
    let r = refund_of(&effects).expect("a refund is put");
    assert_eq!((r.kind, r.amount, &r.method), (MoneyKind::Refund, Pence(600), &card));
    assert!(r.reason.starts_with("Cancelled before the cut-off"), "{}", r.reason);
    assert!(
        matches!(effects.last(), Some(Effect::Count { .. })),
        "the session's count last"
    );
}

#[test]
fn after_the_cut_off_nothing_goes_back_unless_staff_waive_it_with_a_reason() {
    let mut w = paid_in(soon(priced()), 4, 600, Tender::Cash { tendered: Pence(600) });
    let effects = cancelled(&mut w, None).unwrap();
    assert_eq!(refund_of(&effects), None, "no refund after the cut-off");
    assert!(
        effects.iter().any(
            |e| matches!(e, Effect::Audit(n) if n.detail.contains("after the cut-off (11:00 on 1 Dec): no refund"))
        ),
        "{effects:?}"
    );

    let mut w = paid_in(soon(priced()), 4, 600, Tender::Cash { tendered: Pence(600) });
    assert_eq!(cancelled(&mut w, Some("  ")).unwrap_err().0, "invalid_waiver");
    let effects = cancelled(&mut w, Some("Pool closed for cleaning")).unwrap();
    let r = refund_of(&effects).unwrap();
    assert_eq!((r.amount, &r.method, r.staff_id), (Pence(600), &Method::Cash, 7));
    assert_eq!(r.reason, "Late cancellation waived: Pool closed for cleaning");
}

#[test]
fn a_voucher_refund_re_credits_the_voucher_and_an_unpaid_booking_just_cancels() {
    let mut w = paid_in(priced(), 1, 600, Tender::Voucher { code: "GIFT10".into() });
    assert!(w.vouchers.iter().any(|v| v.code == "GIFT10" && v.redeemed));
    let effects = cancelled(&mut w, None).unwrap();
    let v: IssuedVoucher = effects
        .iter()
        .find_map(|e| match e {
            Effect::Put(r) if r.table == "vouchers" => Some(r.parse().unwrap()),
            _ => None,
        })
        .expect("the voucher is put back");
    assert!(!v.redeemed);

    // Booking 1 (customer 1 in session 1) was booked without payment: cancelled, no refund.
    let mut w = priced();
    let Ok(d) = Command::from(crate::leisure::CancelWithRefund {
        booking_id: Uuid::from_u128(1),
        ..cancel(None)
    })
    .decide(&mut w, &ctx());
    let effects = d.unwrap();
    assert_eq!(refund_of(&effects), None);
    assert_eq!(effects.len(), 3, "audit, the booking, the count: {effects:?}");
}
