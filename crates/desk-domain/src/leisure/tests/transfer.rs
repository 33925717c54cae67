//! `leisure.transfer` through `decide`: the new place taken and the old freed in one command,
//! what was paid carried across (no cash moves), the difference paid or refunded the way the
//! first was paid, the cut-off, and a later cancellation refunding what the new booking holds.

use uuid::Uuid;

use super::book_and_pay::{paid_in, priced, refund_of};
use crate::leisure::cash_up::TillEntry;
use crate::leisure::decide::tests::{Mem, ctx, session};
use crate::leisure::payment::{Method, Tender};
use crate::leisure::records::{MoneyKind, MoneyRecord};
use crate::leisure::{Transfer, held};
use crate::values::Pence;
use crate::{Booking, BookingStatus, Command, Effect};

const NEW: u128 = 200;

fn card() -> Tender {
    Tender::Card {
        terminal: "T1".into(),
        reference: "004512".into(),
    }
}

fn card_method() -> Method {
    Method::Card {
        terminal: "T1".into(),
        reference: "004512".into(),
    }
}

/// Priced, plus session 5: a swim (activity 1, adult £4.50) on day 4.
fn world() -> Mem {
    let mut w = priced();
    let mut swim = session(5, 4, 10, 0, 0);
    swim.activity_id = 1;
    swim.activity_name = "Swim".into();
    w.sessions.push(swim);
    // Session 6: an Aqua fit on day 4 with its one place taken.
    w.sessions.push(session(6, 4, 1, 1, 0));
    w
}

fn move_to(session_id: i64, price: i64, tender: Option<Tender>, waiver: Option<&str>) -> Transfer {
    Transfer {
        booking_id: Uuid::from_u128(99),
        new_booking_id: Uuid::from_u128(NEW),
        session_id,
        desk: "Front desk".into(),
        price: Pence(price),
        tender,
        waiver: waiver.map(str::to_owned),
        payment_id: Uuid::from_u128(700),
        out_id: Uuid::from_u128(701),
        in_id: Uuid::from_u128(702),
    }
}

fn decide(w: &mut Mem, a: Transfer) -> Result<Vec<Effect>, String> {
    let Ok(d) = Command::from(a).decide(w, &ctx());
    d.map_err(|r| format!("{}: {}", r.code.as_str(), r.message))
}

fn money(effects: &[Effect]) -> Vec<MoneyRecord> {
    effects
        .iter()
        .filter_map(|e| match e {
            Effect::Put(r) if r.table == "payments" => Some(r.parse().unwrap()),
            _ => None,
        })
        .collect()
}

/// `w` with the effects' bookings and payments as the server would leave them.
fn apply(mut w: Mem, effects: &[Effect]) -> Mem {
    for e in effects {
        if let Effect::Put(r) = e {
            match r.table.as_str() {
                "bookings" => {
                    let b: Booking = r.parse().unwrap();
                    w.bookings.retain(|x| x.id != b.id);
                    w.bookings.push(b);
                }
                "payments" => w.money.push(r.parse().unwrap()),
                _ => {}
            }
        }
    }
    w
}

#[test]
fn an_even_move_carries_the_payment_across_and_counts_both_sessions_last() {
    let mut w = paid_in(world(), 1, 600, card());
    let effects = decide(&mut w, move_to(3, 600, None, None)).unwrap();
    let kinds: Vec<(MoneyKind, Pence, Method)> = money(&effects)
        .into_iter()
        .map(|m| (m.kind, m.amount, m.method))
        .collect();
    assert_eq!(
        kinds,
        [
            (MoneyKind::TransferOut, Pence(600), card_method()),
            (MoneyKind::TransferIn, Pence(600), card_method())
        ]
    );
    let w = apply(w, &effects);
    let status = |id: u128| {
        w.bookings
            .iter()
            .find(|b| b.id == Uuid::from_u128(id))
            .map(|b| (b.session_id, b.status))
    };
    assert_eq!(status(99), Some((1, BookingStatus::Cancelled)));
    assert_eq!(status(NEW), Some((3, BookingStatus::Booked)));
    let n = effects.len();
    assert!(
        matches!(&effects[n - 2..], [Effect::Count { .. }, Effect::Count { .. }]),
        "both sessions' counts last: {effects:?}"
    );
    let entries: Vec<TillEntry> = w.money.iter().filter_map(TillEntry::of).collect();
    assert_eq!(entries.len(), 1, "the cash-up sees the first payment only");
    assert_eq!(
        held(
            &w.money
                .iter()
                .filter(|m| m.booking_id == Uuid::from_u128(99))
                .cloned()
                .collect::<Vec<_>>()
        ),
        Some((card_method(), Pence(0)))
    );
}

#[test]
fn a_cheaper_session_refunds_the_difference_the_way_it_was_paid() {
    let mut w = paid_in(world(), 1, 600, card());
    let effects = decide(&mut w, move_to(5, 450, None, None)).unwrap();
    let refund = money(&effects)
        .into_iter()
        .find(|m| m.kind == MoneyKind::Refund)
        .unwrap();
    assert_eq!(
        (refund.amount, refund.method, refund.booking_id),
        (Pence(150), card_method(), Uuid::from_u128(NEW))
    );

    // Cancelled later, the new booking gives back what it holds: £6.00 in, £1.50 out.
    let mut w = apply(w, &effects);
    let back = crate::leisure::CancelWithRefund {
        booking_id: Uuid::from_u128(NEW),
        refund_id: Uuid::from_u128(800),
        desk: "Front desk".into(),
        waiver: None,
    };
    let Ok(d) = Command::from(back).decide(&mut w, &ctx());
    let r = refund_of(&d.unwrap()).expect("a refund");
    assert_eq!((r.amount, r.method), (Pence(450), card_method()));
}

#[test]
fn a_dearer_session_takes_the_difference_with_the_tender_given() {
    let mut w = paid_in(world(), 5, 450, Tender::Cash { tendered: Pence(450) });
    assert!(
        decide(&mut w, move_to(3, 600, None, None))
            .unwrap_err()
            .starts_with("invalid_payment")
    );
    let effects = decide(
        &mut w,
        move_to(3, 600, Some(Tender::Cash { tendered: Pence(200) }), None),
    )
    .unwrap();
    let paid = money(&effects)
        .into_iter()
        .find(|m| m.kind == MoneyKind::Payment)
        .unwrap();
    assert_eq!(
        (paid.amount, paid.tendered, paid.change),
        (Pence(150), Pence(200), Pence(50))
    );
}

#[test]
fn after_the_cut_off_a_move_needs_a_waiver() {
    // Session 4 starts in two hours, inside the three-hour cut-off.
    let mut w = world();
    let mut soon = w.sessions[0].clone();
    soon.id = 4;
    soon.starts_at = ctx().now + chrono::Duration::hours(2);
    w.sessions.push(soon);
    let mut w = paid_in(w, 4, 600, card());
    assert!(
        decide(&mut w, move_to(3, 600, None, None))
            .unwrap_err()
            .starts_with("session_started")
    );
    assert!(decide(&mut w, move_to(3, 600, None, Some("Lane closed"))).is_ok());
}

#[test]
fn refusals_name_the_problem_and_put_nothing() {
    let paid = || paid_in(world(), 1, 600, card());
    let cases: Vec<(&str, Mem, Transfer, &str)> = vec![
        ("same session", paid(), move_to(1, 600, None, None), "invalid_payment"),
        ("price changed", paid(), move_to(5, 600, None, None), "price_changed"),
        ("full", paid(), move_to(6, 600, None, None), "session_full"),
        (
            "unknown booking",
            world(),
            move_to(3, 600, None, None),
            "unknown_booking",
        ),
        (
            "no desk",
            paid(),
            Transfer {
                desk: "".into(),
                ..move_to(3, 600, None, None)
            },
            "invalid_payment",
        ),
        (
            "blank waiver",
            paid(),
            move_to(3, 600, None, Some(" ")),
            "invalid_waiver",
        ),
    ];
    for (name, mut w, a, want) in cases {
        let err = decide(&mut w, a).unwrap_err();
        assert!(err.starts_with(want), "case {name}: {err}");
    }
    // A waiting-list entry is not a place to move.
    let mut w = paid();
    let waiting = w
        .bookings
        .iter()
        .find(|b| b.status == BookingStatus::Waiting)
        .unwrap()
        .id;
    let err = decide(
        &mut w,
        Transfer {
            booking_id: waiting,
            ..move_to(3, 600, None, None)
        },
    )
    .unwrap_err();
    assert!(err.starts_with("already_cancelled"), "{err}");
}
