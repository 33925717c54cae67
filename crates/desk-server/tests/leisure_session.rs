//! Conformance of a session's life on SQLite and PostgreSQL (issue 11 §3, §5): check-in, no-shows
//! with the centre's rule (a fee as a charge, a block), a waiver, and the waiting-list offer
//! chain with the server's sweep — each change written through the effects interpreter, pulled
//! by the centre's desks and audited for the customer.

mod common;

use chrono::{Duration, NaiveDateTime, Timelike, Utc};
use common::*;
use desk_domain::leisure::price_moray::example_settings;
use desk_domain::leisure::records::{Charge, ChargeStatus};
use desk_domain::leisure::{AcceptOffer, CheckIn, DeclineOffer, MarkNoShows, WaiveNoShow};
use desk_domain::values::Pence;
use desk_domain::{Booking, BookingStatus, Channel, Command, OfferOutcome, Outcome};
use desk_server::{EntityBatch, PersonRef, Store};
use desk_testkit::world as kit;
use uuid::Uuid;

conformance!(
    check_in_marks_the_booking_for_now_attended,
    check_in_with_no_booking_is_refused_plainly,
    no_shows_charge_the_fee_and_block_and_a_waiver_lifts_both,
    the_offer_chain_runs_out_passes_on_and_is_taken,
    a_declined_offer_passes_on_at_once,
    a_class_beyond_the_booking_window_is_refused_until_it_opens,
);

/// A session of ACTIVITY_A at centre A starting now + 10 minutes (check-in open), and one that
/// ended an hour ago.
const SESSION_NOW: i64 = 110;
const SESSION_ENDED: i64 = 111;
const SESSION_EARLIER: i64 = 112;
/// Ten days ahead at 09:00: members (14 days) may book it now, everyone else (7) from 07:00
/// three days from now.
const SESSION_AHEAD: i64 = 113;

fn booking(id: u128, session_id: i64, customer_id: i64) -> Booking {
    Booking {
        id: Uuid::from_u128(id),
        session_id,
        customer_id,
        centre_id: CENTRE_A,
        status: BookingStatus::Booked,
        waiting_position: 0,
        created_at: Utc::now(),
        staff_id: 1,
        channel: Channel::FaceToFace,
        attended_at: None,
        no_show_at: None,
        no_show_waived: None,
        offer_until: None,
        offer_outcome: None,
    }
}

/// The common world, centre A following the example policy (check-in from 30 minutes before,
/// offers held 120 minutes, £3 and a 30-day block from the second no-show in 30 days).
fn life_store(backend: &str) -> (desk_testkit::TestDb, std::sync::Arc<dyn Store>) {
    let (db, store) = world_store(backend);
    let at = |minutes: i64| now() + Duration::minutes(minutes);
    let mut earlier_no_show = booking(3, SESSION_EARLIER, 2);
    earlier_no_show.no_show_at = Some(Utc::now() - Duration::days(5));
    store
        .load(&EntityBatch {
            leisure_settings: vec![example_settings(
                CENTRE_A,
                &[kit::class(ACTIVITY_A, CENTRE_A, "Aqua fit")],
            )],
            sessions: vec![
                session(SESSION_NOW, CENTRE_A, ACTIVITY_A, at(10), 20),
                session(SESSION_ENDED, CENTRE_A, ACTIVITY_A, at(-120), 20),
                session(SESSION_EARLIER, CENTRE_A, ACTIVITY_A, at(-5 * 24 * 60), 20),
                session(SESSION_AHEAD, CENTRE_A, ACTIVITY_A, ahead(), 20),
            ],
            bookings: vec![
                booking(1, SESSION_NOW, 1),
                booking(2, SESSION_ENDED, 2),
                earlier_no_show,
                booking(4, SESSION_ENDED, 3),
            ],
            ..EntityBatch::default()
        })
        .unwrap();
    (db, store)
}

fn ahead() -> NaiveDateTime {
    (now().date() + Duration::days(10)).and_hms_opt(9, 0, 0).unwrap()
}

fn outcome_at(store: &dyn Store, caller: &desk_server::Caller, seq: u64, cmd: Command, at: NaiveDateTime) -> Outcome {
    let m = envelope(caller.device_id, seq, &cmd);
    store.push(caller, &[m], at).unwrap().receipts.remove(0).outcome
}

fn code(o: &Outcome) -> &str {
    match o {
        Outcome::Rejected { code, .. } => code,
        other => panic!("expected a refusal, got {other:?}"),
    }
}

fn get(store: &dyn Store, id: u128) -> Booking {
    store.booking(Uuid::from_u128(id)).unwrap().expect("booking exists")
}

fn check_in_marks_the_booking_for_now_attended(backend: &str) {
    let (_db, store) = life_store(backend);
    let desk = quick_caller(&*store, "desk.a", CENTRE_A);
    let head = store.head().unwrap();
    let cmd = Command::from(CheckIn {
        customer_id: 1,
        booking_id: None,
    });
    assert_eq!(outcome_at(&*store, &desk, 1, cmd, now()), Outcome::Applied);
    assert!(get(&*store, 1).attended_at.is_some());
    let again = Command::from(CheckIn {
        customer_id: 1,
        booking_id: Some(Uuid::from_u128(1)),
    });
    assert_eq!(code(&outcome_at(&*store, &desk, 2, again, now())), "already_checked_in");
    let pulled = store
        .pull(&strs(&desk.buckets), head, 100, (desk.staff_id, desk.device_id), 0)
        .unwrap();
    let rows: Vec<(&str, &str)> = pulled.rows.iter().map(|r| (r.table.as_str(), r.id.as_str())).collect();
    assert_eq!(rows, [("bookings", &*Uuid::from_u128(1).to_string())]);
    let audited = store.audit_of(PersonRef::Customer(1)).unwrap();
    assert!(
        audited.iter().any(|e| e.detail.contains("leisure.check_in")),
        "{audited:?}"
    );
}

fn check_in_with_no_booking_is_refused_plainly(backend: &str) {
    let (_db, store) = life_store(backend);
    let desk = quick_caller(&*store, "desk.a", CENTRE_A);
    let head = store.head().unwrap();
    let cmd = Command::from(CheckIn {
        customer_id: 5,
        booking_id: None,
    });
    let o = outcome_at(&*store, &desk, 1, cmd, now());
    assert_eq!(code(&o), "no_booking");
    let Outcome::Rejected { message, .. } = o else {
        unreachable!()
    };
    assert!(message.contains("has no booking for now"), "{message}");
    // Another centre's desk may not check a centre A booking in.
    let b = quick_caller(&*store, "desk.b", CENTRE_B);
    let cmd = Command::from(CheckIn {
        customer_id: 1,
        booking_id: Some(Uuid::from_u128(1)),
    });
    assert_eq!(code(&outcome_at(&*store, &b, 1, cmd, now())), "out_of_scope");
    assert_eq!(store.head().unwrap(), head, "nothing written");
}

fn no_shows_charge_the_fee_and_block_and_a_waiver_lifts_both(backend: &str) {
    let (_db, store) = life_store(backend);
    let desk = quick_caller(&*store, "desk.a", CENTRE_A);
    let mark = |ids: &[u128]| {
        Command::from(MarkNoShows {
            session_id: SESSION_ENDED,
            booking_ids: ids.iter().map(|i| Uuid::from_u128(*i)).collect(),
        })
    };
    let not_over = Command::from(MarkNoShows {
        session_id: SESSION_NOW,
        booking_ids: vec![Uuid::from_u128(1)],
    });
    assert_eq!(
        code(&outcome_at(&*store, &desk, 1, not_over, now())),
        "session_not_over"
    );
    assert_eq!(outcome_at(&*store, &desk, 2, mark(&[2, 4]), now()), Outcome::Applied);
    assert!(get(&*store, 2).no_show_at.is_some() && get(&*store, 4).no_show_at.is_some());

    // Customer 2's second no-show in 30 days: the £3 fee; customer 3's first: nothing yet.
    let charges: Vec<Charge> = store
        .records("customer_charges", &[])
        .unwrap()
        .into_iter()
        .map(|v| serde_json::from_value(v).unwrap())
        .collect();
    let [fee] = &charges[..] else {
        panic!("one fee: {charges:?}")
    };
    assert_eq!(
        (fee.customer_id, fee.amount, fee.status, fee.id),
        (
            2,
            Pence(300),
            ChargeStatus::Due,
            Charge::no_show_fee_id(Uuid::from_u128(2))
        )
    );
    let audited = store.audit_of(PersonRef::Customer(2)).unwrap();
    assert!(
        audited.iter().any(|e| e.record_kind.as_deref() == Some("charge")),
        "{audited:?}"
    );

    // Booking ahead is blocked for customer 2 until the waiver.
    let ahead = book(SESSION_A_LATER, 2);
    assert_eq!(code(&outcome_at(&*store, &desk, 3, ahead, now())), "booking_blocked");
    let waive = Command::from(WaiveNoShow {
        booking_id: Uuid::from_u128(2),
        reason: "Bus cancelled".into(),
    });
    assert_eq!(outcome_at(&*store, &desk, 4, waive, now()), Outcome::Applied);
    let fee: Charge = serde_json::from_value(store.records("customer_charges", &[]).unwrap().remove(0)).unwrap();
    assert_eq!(fee.status, ChargeStatus::Waived);
    assert_eq!(get(&*store, 2).no_show_waived.as_deref(), Some("Bus cancelled"));
    assert_eq!(
        outcome_at(&*store, &desk, 5, book(SESSION_A_LATER, 2), now()),
        Outcome::Applied
    );
}

/// Fills SESSION_FULLABLE (20 places) and puts customers 21 and 22 on its waiting list;
/// returns the first place's booking id.
fn full_with_two_waiting(store: &dyn Store, desk: &desk_server::Caller) -> (Uuid, Uuid, Uuid) {
    let mut batch = Vec::new();
    let mut first = None;
    for c in 1..=20 {
        let cmd = book(SESSION_FULLABLE, c);
        first.get_or_insert(booking_id(&cmd));
        batch.push(envelope(desk.device_id, c as u64, &cmd));
    }
    let (w1, w2) = (join_waiting(SESSION_FULLABLE, 21), join_waiting(SESSION_FULLABLE, 22));
    batch.push(envelope(desk.device_id, 21, &w1));
    batch.push(envelope(desk.device_id, 22, &w2));
    let r = store.push(desk, &batch, now()).unwrap();
    assert!(r.receipts.iter().all(|r| r.outcome == Outcome::Applied));
    (first.unwrap(), booking_id(&w1), booking_id(&w2))
}

fn the_offer_chain_runs_out_passes_on_and_is_taken(backend: &str) {
    let (_db, store) = life_store(backend);
    let desk = quick_caller(&*store, "desk.a", CENTRE_A);
    let (place, w1, w2) = full_with_two_waiting(&*store, &desk);
    let t0 = now().with_nanosecond(0).unwrap();
    assert_eq!(outcome_at(&*store, &desk, 23, cancel(place), t0), Outcome::Applied);
    let first = store.booking(w1).unwrap().unwrap();
    assert_eq!(first.status, BookingStatus::Offered);
    assert_eq!(
        first.offer_until,
        Some(t0 + Duration::minutes(120)),
        "the policy's hold"
    );

    // Nothing runs out before the hold ends; after it the sweep passes the place on.
    assert!(store.expire_offers(t0 + Duration::minutes(119)).unwrap().is_empty());
    let head = store.head().unwrap();
    let t1 = t0 + Duration::minutes(121);
    assert_eq!(store.expire_offers(t1).unwrap(), [SESSION_FULLABLE]);
    let first = store.booking(w1).unwrap().unwrap();
    assert_eq!(
        (first.status, first.offer_outcome),
        (BookingStatus::Cancelled, Some(OfferOutcome::Expired))
    );
    let second = store.booking(w2).unwrap().unwrap();
    assert_eq!(second.status, BookingStatus::Offered);
    assert_eq!(
        second.offer_until,
        Some(t1 + Duration::minutes(120)),
        "a full hold from the sweep"
    );
    let s = store.session(SESSION_FULLABLE).unwrap().unwrap();
    assert_eq!((s.booked, s.waiting), (20, 0));
    // Desks pull what the sweep wrote: both bookings, then the session's counts.
    let pulled = store
        .pull(&strs(&desk.buckets), head, 100, (desk.staff_id, desk.device_id), 0)
        .unwrap();
    let tables: Vec<&str> = pulled.rows.iter().map(|r| r.table.as_str()).collect();
    assert_eq!(tables, ["bookings", "bookings", "sessions"]);
    assert!(
        store.expire_offers(t1).unwrap().is_empty(),
        "a second sweep finds nothing"
    );

    let late = Command::from(AcceptOffer { booking_id: w1 });
    assert_eq!(code(&outcome_at(&*store, &desk, 24, late, t1)), "no_offer");
    let take = Command::from(AcceptOffer { booking_id: w2 });
    assert_eq!(outcome_at(&*store, &desk, 25, take, t1), Outcome::Applied);
    assert_eq!(store.booking(w2).unwrap().unwrap().status, BookingStatus::Booked);
    let audited = store.audit_of(PersonRef::Customer(21)).unwrap();
    assert!(
        audited.iter().any(|e| e.detail.contains("offer expired")),
        "{audited:?}"
    );
}

fn a_declined_offer_passes_on_at_once(backend: &str) {
    let (_db, store) = life_store(backend);
    let desk = quick_caller(&*store, "desk.a", CENTRE_A);
    let (place, w1, w2) = full_with_two_waiting(&*store, &desk);
    assert_eq!(outcome_at(&*store, &desk, 23, cancel(place), now()), Outcome::Applied);
    let no = Command::from(DeclineOffer { booking_id: w1 });
    assert_eq!(outcome_at(&*store, &desk, 24, no, now()), Outcome::Applied);
    assert_eq!(
        store.booking(w1).unwrap().unwrap().offer_outcome,
        Some(OfferOutcome::Declined)
    );
    assert_eq!(store.booking(w2).unwrap().unwrap().status, BookingStatus::Offered);
    let no = Command::from(DeclineOffer { booking_id: w2 });
    assert_eq!(outcome_at(&*store, &desk, 25, no, now()), Outcome::Applied);
    let s = store.session(SESSION_FULLABLE).unwrap().unwrap();
    assert_eq!(
        (s.booked, s.waiting),
        (19, 0),
        "nobody left waiting: the place is free to book"
    );
}

fn a_class_beyond_the_booking_window_is_refused_until_it_opens(backend: &str) {
    let (_db, store) = life_store(backend);
    let desk = quick_caller(&*store, "desk.a", CENTRE_A);
    let head = store.head().unwrap();
    let book = |id: u128| {
        Command::from(desk_domain::leisure::BookPlace {
            booking_id: Uuid::from_u128(id),
            session_id: SESSION_AHEAD,
            customer_id: 5,
        })
    };
    let opens = (ahead().date() - Duration::days(7)).and_hms_opt(7, 0, 0).unwrap();
    let o = outcome_at(&*store, &desk, 1, book(50), opens - Duration::minutes(1));
    assert_eq!(code(&o), "not_yet_open");
    let Outcome::Rejected { message, .. } = o else {
        unreachable!()
    };
    assert!(
        message.contains(&format!("open at 07:00 on {}", opens.format("%a %-d %b"))),
        "{message}"
    );
    assert_eq!(store.head().unwrap(), head, "nothing written");
    // At the release time the same booking is taken.
    assert_eq!(outcome_at(&*store, &desk, 2, book(51), opens), Outcome::Applied);
    assert_eq!(get(&*store, 51).status, BookingStatus::Booked);
}
