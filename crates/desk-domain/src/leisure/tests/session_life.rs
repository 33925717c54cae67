//! A session's life through `decide`: check-in, no-shows with the site's rule, waivers, and the
//! waiting-list offer chain (cancel → offered to first → runs out → offered to second → taken).

use chrono::{Duration, NaiveDateTime, TimeZone, Utc};
use uuid::Uuid;

use crate::leisure::decide::tests::{Mem, at, booking, ctx, session, with_policy, words, world};
use crate::leisure::records::{Charge, ChargeStatus};
use crate::leisure::{
    AcceptOffer, BookPlace, CancelPlace, CheckIn, DeclineOffer, MarkNoShows, WaiveNoShow, expire_offers,
};
use crate::service::Ctx;
use crate::values::Pence;
use crate::{Booking, BookingStatus, Command, Effect, OfferOutcome, Session};

fn ctx_at(now: NaiveDateTime) -> Ctx {
    Ctx {
        now,
        at: Utc.from_utc_datetime(&now),
        ..ctx()
    }
}

fn decide(w: &mut Mem, cmd: impl Into<Command>, now: NaiveDateTime) -> Result<Vec<Effect>, (String, String)> {
    let Ok(d) = cmd.into().decide(w, &ctx_at(now));
    d.map_err(|r| (r.code.as_str().to_owned(), r.message))
}

/// Writes the records the effects put back into the world, as the server would.
fn apply(w: &mut Mem, effects: &[Effect]) {
    for e in effects {
        match e {
            Effect::Put(r) if r.table == "bookings" => {
                let b: Booking = r.parse().unwrap();
                w.bookings.retain(|x| x.id != b.id);
                w.bookings.push(b);
            }
            Effect::Put(r) if r.table == "customer_charges" => {
                let c: Charge = r.parse().unwrap();
                w.charges.retain(|x| x.id != c.id);
                w.charges.push(c);
            }
            Effect::Count { record, .. } => {
                let s: Session = record.parse().unwrap();
                w.sessions.retain(|x| x.id != s.id);
                w.sessions.push(s);
            }
            _ => {}
        }
    }
}

fn status(w: &Mem, id: u128) -> (BookingStatus, Option<OfferOutcome>) {
    let b = w.bookings.iter().find(|b| b.id == Uuid::from_u128(id)).unwrap();
    (b.status, b.offer_outcome)
}

fn counts(w: &Mem, session_id: i64) -> (u32, u32) {
    let s = w.sessions.iter().find(|s| s.id == session_id).unwrap();
    (s.booked, s.waiting)
}

#[test]
fn the_offer_chain_cancel_offer_run_out_pass_on_accept() {
    // Session 2 (2 Dec 09:00): one place, booked by customer 2; customers 3 and 4 waiting.
    let mut w = with_policy(world());
    let t0 = at(1, 12);
    let cancel = CancelPlace {
        booking_id: Uuid::from_u128(2),
    };
    let e = decide(&mut w, cancel, t0).unwrap();
    apply(&mut w, &e);
    assert_eq!(status(&w, 3), (BookingStatus::Offered, None));
    let offered = w.bookings.iter().find(|b| b.id == Uuid::from_u128(3)).unwrap();
    assert_eq!(
        offered.offer_until,
        Some(t0 + Duration::minutes(120)),
        "held for the policy's 120 minutes"
    );
    assert_eq!(
        counts(&w, 2),
        (1, 1),
        "the held place counts as booked; one left waiting"
    );

    // Someone else cannot take the held place.
    let other = BookPlace {
        booking_id: Uuid::from_u128(90),
        session_id: 2,
        customer_id: 5,
    };
    assert_eq!(decide(&mut w, other, t0).unwrap_err().0, "session_full");

    // Before the hold runs out the sweep does nothing; after, it passes the place on.
    let Ok(nothing) = expire_offers(&mut w, 2, &ctx_at(t0 + Duration::minutes(120)));
    assert!(nothing.is_empty());
    let t1 = t0 + Duration::minutes(121);
    let Ok(e) = expire_offers(&mut w, 2, &ctx_at(t1));
    assert_eq!(
        words(&e),
        [
            "audit booking".to_owned(),
            format!("put bookings {} cancelled", Uuid::from_u128(3)),
            "audit booking".to_owned(),
            format!("put bookings {} offered", Uuid::from_u128(4)),
            "count sessions 2 waiting-1".to_owned(),
        ]
    );
    apply(&mut w, &e);
    assert_eq!(status(&w, 3), (BookingStatus::Cancelled, Some(OfferOutcome::Expired)));
    assert_eq!(status(&w, 4), (BookingStatus::Offered, None));
    assert_eq!(counts(&w, 2), (1, 0));

    // The first person is too late to accept; the second takes it.
    let late = AcceptOffer {
        booking_id: Uuid::from_u128(3),
    };
    assert_eq!(decide(&mut w, late, t1).unwrap_err().0, "no_offer");
    let take = AcceptOffer {
        booking_id: Uuid::from_u128(4),
    };
    let e = decide(&mut w, take, t1 + Duration::minutes(5)).unwrap();
    apply(&mut w, &e);
    assert_eq!(status(&w, 4), (BookingStatus::Booked, None));
    assert_eq!(counts(&w, 2), (1, 0));
}

#[test]
fn an_offer_accepted_after_its_hold_is_refused_even_before_the_sweep() {
    let mut w = with_policy(world());
    let e = decide(
        &mut w,
        CancelPlace {
            booking_id: Uuid::from_u128(2),
        },
        at(1, 12),
    )
    .unwrap();
    apply(&mut w, &e);
    let take = AcceptOffer {
        booking_id: Uuid::from_u128(3),
    };
    let (code, message) = decide(&mut w, take, at(1, 15)).unwrap_err();
    assert_eq!(code, "offer_ran_out");
    assert!(message.contains("14:00"), "{message}");
}

#[test]
fn a_declined_offer_passes_on_and_the_last_frees_the_place() {
    let mut w = with_policy(world());
    let e = decide(
        &mut w,
        CancelPlace {
            booking_id: Uuid::from_u128(2),
        },
        at(1, 12),
    )
    .unwrap();
    apply(&mut w, &e);
    let e = decide(
        &mut w,
        DeclineOffer {
            booking_id: Uuid::from_u128(3),
        },
        at(1, 12),
    )
    .unwrap();
    apply(&mut w, &e);
    assert_eq!(status(&w, 3), (BookingStatus::Cancelled, Some(OfferOutcome::Declined)));
    assert_eq!(status(&w, 4), (BookingStatus::Offered, None));
    assert_eq!(counts(&w, 2), (1, 0));
    let e = decide(
        &mut w,
        DeclineOffer {
            booking_id: Uuid::from_u128(4),
        },
        at(1, 12),
    )
    .unwrap();
    assert_eq!(
        words(&e).last().unwrap(),
        "count sessions 2 booked-1",
        "nobody left: the place is free"
    );
    apply(&mut w, &e);
    assert_eq!(counts(&w, 2), (0, 0));
    // Answering an offer that is not open is refused, with words for why.
    let (code, message) = decide(
        &mut w,
        AcceptOffer {
            booking_id: Uuid::from_u128(4),
        },
        at(1, 12),
    )
    .unwrap_err();
    assert_eq!(code, "no_offer");
    assert!(message.contains("turned the offer down"), "{message}");
}

/// Customer 1 booked into session 10 today 10:00–10:45.
fn check_in_world() -> Mem {
    let mut w = with_policy(world());
    let mut s = session(10, 1, 10, 1, 0);
    s.starts_at = at(1, 10);
    w.sessions.push(s);
    w.bookings.push(booking(10, 10, 1, BookingStatus::Booked, 0));
    w
}

#[test]
fn check_in_by_customer_finds_the_one_booking_for_now() {
    let mut w = check_in_world();
    let now = at(1, 10) - Duration::minutes(20);
    let e = decide(
        &mut w,
        CheckIn {
            customer_id: 1,
            booking_id: None,
        },
        now,
    )
    .unwrap();
    apply(&mut w, &e);
    let b = w.bookings.iter().find(|b| b.id == Uuid::from_u128(10)).unwrap();
    assert_eq!(b.attended_at, Some(Utc.from_utc_datetime(&now)));
    let again = CheckIn {
        customer_id: 1,
        booking_id: Some(Uuid::from_u128(10)),
    };
    assert_eq!(decide(&mut w, again, now).unwrap_err().0, "already_checked_in");
}

#[test]
fn check_in_refusals_table() {
    let by = |c, b: Option<u128>| CheckIn {
        customer_id: c,
        booking_id: b.map(Uuid::from_u128),
    };
    let cases: Vec<(&str, CheckIn, NaiveDateTime, &str, &str)> = vec![
        (
            "too early",
            by(1, Some(10)),
            at(1, 9),
            "not_checkable",
            "opens at 09:30",
        ),
        (
            "no booking now",
            by(1, None),
            at(1, 9),
            "no_booking",
            "no booking for now",
        ),
        ("nobody", by(77, None), at(1, 10), "unknown_customer", ""),
        (
            "another's",
            by(2, Some(10)),
            at(1, 10),
            "not_checkable",
            "another customer's",
        ),
        ("waiting list", by(3, Some(3)), at(1, 10), "not_checkable", "waiting"),
        ("ended", by(1, Some(10)), at(1, 11), "not_checkable", "ended"),
    ];
    for (name, cmd, now, code, words) in cases {
        let (got, message) = decide(&mut check_in_world(), cmd, now).unwrap_err();
        assert_eq!(got, code, "{name}: {message}");
        assert!(message.contains(words), "{name}: {message}");
    }
}

#[test]
fn no_shows_follow_the_rule_fee_then_block_and_a_waiver_lifts_both() {
    let mut w = check_in_world();
    // An earlier no-show on 20 Nov (inside 30 days): this one is the second strike.
    let mut old = session(11, 1, 10, 1, 0);
    old.starts_at = at(1, 10) - Duration::days(11);
    w.sessions.push(old);
    let mut before = booking(11, 11, 1, BookingStatus::Booked, 0);
    before.no_show_at = Some(ctx().at);
    w.bookings.push(before);

    let mark = || MarkNoShows {
        session_id: 10,
        booking_ids: vec![Uuid::from_u128(10)],
    };
    assert_eq!(decide(&mut w, mark(), at(1, 10)).unwrap_err().0, "session_not_over");
    let e = decide(&mut w, mark(), at(1, 11)).unwrap();
    apply(&mut w, &e);
    let fee = w.charges.first().expect("a fee charged");
    assert_eq!(
        (fee.amount, fee.status, fee.customer_id),
        (Pence(300), ChargeStatus::Due, 1)
    );
    assert_eq!(fee.id, Charge::no_show_fee_id(Uuid::from_u128(10)));
    assert!(fee.reason.contains("No-show 2 in 30 days"), "{}", fee.reason);
    assert_eq!(decide(&mut w, mark(), at(1, 11)).unwrap_err().0, "no_show_state");

    // Booking ahead is blocked; today is not.
    let ahead = BookPlace {
        booking_id: Uuid::from_u128(91),
        session_id: 3,
        customer_id: 1,
    };
    let (code, message) = decide(&mut w, ahead.clone(), at(1, 12)).unwrap_err();
    assert_eq!(code, "booking_blocked");
    assert!(message.contains("31 Dec 2026"), "{message}");

    let waive = |reason: &str| WaiveNoShow {
        booking_id: Uuid::from_u128(10),
        reason: reason.into(),
    };
    assert_eq!(decide(&mut w, waive("  "), at(1, 12)).unwrap_err().0, "invalid_waiver");
    let e = decide(&mut w, waive("Hospital appointment"), at(1, 12)).unwrap();
    apply(&mut w, &e);
    assert_eq!(w.charges[0].status, ChargeStatus::Waived);
    assert!(decide(&mut w, ahead, at(1, 12)).is_ok(), "the waiver lifts the block");
    assert_eq!(
        decide(&mut w, waive("again"), at(1, 12)).unwrap_err().0,
        "no_show_state"
    );
}

#[test]
fn a_first_no_show_brings_no_penalty_and_an_attended_booking_cannot_be_marked() {
    let mut w = check_in_world();
    let e = decide(
        &mut w,
        MarkNoShows {
            session_id: 10,
            booking_ids: vec![Uuid::from_u128(10)],
        },
        at(1, 11),
    )
    .unwrap();
    assert!(words(&e).iter().all(|x| !x.contains("customer_charges")), "{e:?}");

    let mut w = check_in_world();
    let e = decide(
        &mut w,
        CheckIn {
            customer_id: 1,
            booking_id: None,
        },
        at(1, 10),
    )
    .unwrap();
    apply(&mut w, &e);
    let mark = MarkNoShows {
        session_id: 10,
        booking_ids: vec![Uuid::from_u128(10)],
    };
    assert_eq!(decide(&mut w, mark, at(1, 11)).unwrap_err().0, "no_show_state");
}
