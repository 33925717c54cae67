//! Conformance of the leisure desk's money commands on SQLite and PostgreSQL: a place booked
//! and paid for in one command is written with its payment (and a voucher used up) in one
//! transaction, audited for the customer, and pulled by the centre's desks; a refusal writes
//! nothing.

mod common;

use common::*;
use desk_domain::leisure::payment::{Method, Tender};
use desk_domain::leisure::price_moray::example_settings;
use desk_domain::leisure::records::{IssuedVoucher, MoneyKind, MoneyRecord};
use desk_domain::leisure::{BookAndPay, CancelWithRefund};
use desk_domain::values::Pence;
use desk_domain::{BookingStatus, Command, Outcome};
use desk_server::{EntityBatch, PersonRef, Store};
use desk_testkit::world as kit;
use uuid::Uuid;

conformance!(
    book_and_pay_writes_the_booking_and_the_payment_together,
    a_refused_payment_writes_nothing,
    a_voucher_pays_once,
    a_cancellation_refunds_by_the_policy_to_the_way_it_was_paid,
    a_complimentary_place_needs_a_supervisor_of_the_centre,
);

/// The server checks the supervisor named against the staff records as they stand: a desk
/// member, a supervisor of another centre and a disabled supervisor are refused.
fn a_complimentary_place_needs_a_supervisor_of_the_centre(backend: &str) {
    use desk_domain::{Role, Site};
    use desk_server::NewStaffRecord;
    let (_db, store) = priced_store(backend);
    let desk = quick_caller(&*store, "desk.a", CENTRE_A);
    let other_desk = quick_caller(&*store, "desk.a2", CENTRE_A);
    let supervisor = |name: &str, centre: i64| {
        store
            .insert_staff(&NewStaffRecord {
                username: name.into(),
                display_name: name.into(),
                password_hash: "!".into(),
                roles: vec![Role::Supervisor],
                sites: vec![Site::leisure(centre)],
            })
            .unwrap()
    };
    let (here, elsewhere) = (supervisor("sup.a", CENTRE_A), supervisor("sup.b", CENTRE_B));
    let comp = |customer_id: i64, supervisor_id: i64| {
        pay(
            SESSION_FULLABLE,
            customer_id,
            600,
            Tender::Complimentary {
                reason: "Swim instructor's guest".into(),
                supervisor_id,
            },
        )
        .0
    };
    for (seq, by) in [(1, other_desk.staff_id), (2, elsewhere)] {
        match outcome(&*store, &desk, seq, &comp(1, by)) {
            Outcome::Rejected { code, message, .. } => {
                assert_eq!(code, "invalid_payment");
                assert!(message.contains("not a supervisor"), "{message}");
            }
            other => panic!("staff {by} allowed a complimentary place: {other:?}"),
        }
    }
    assert!(payments(&*store).is_empty());
    assert_eq!(outcome(&*store, &desk, 3, &comp(1, here)), Outcome::Applied);
    store
        .update_staff(here, &[Role::Supervisor], &[Site::leisure(CENTRE_A)], true)
        .unwrap();
    assert!(matches!(
        outcome(&*store, &desk, 4, &comp(2, here)),
        Outcome::Rejected { .. }
    ));
}

/// The common world, with centre A priced by the example list (an adult pays £6.00 for a
/// class) and a £10 voucher; centre B has no price list.
fn priced_store(backend: &str) -> (desk_testkit::TestDb, std::sync::Arc<dyn Store>) {
    let (db, store) = world_store(backend);
    store
        .load(&EntityBatch {
            leisure_settings: vec![example_settings(
                CENTRE_A,
                &[kit::class(ACTIVITY_A, CENTRE_A, "Aqua fit")],
            )],
            vouchers: vec![IssuedVoucher {
                code: "GIFT10".into(),
                centre_id: CENTRE_A,
                value: Pence(1_000),
                expires: now().date() + chrono::Days::new(30),
                redeemed: false,
            }],
            ..EntityBatch::default()
        })
        .unwrap();
    (db, store)
}

fn pay(session_id: i64, customer_id: i64, price: i64, tender: Tender) -> (Command, Uuid, Uuid) {
    let (booking_id, payment_id) = (Uuid::now_v7(), Uuid::now_v7());
    let cmd = Command::from(BookAndPay {
        booking_id,
        session_id,
        customer_id,
        payment_id,
        desk: "Front desk".into(),
        price: Pence(price),
        tender,
    });
    (cmd, booking_id, payment_id)
}

fn payments(store: &dyn Store) -> Vec<MoneyRecord> {
    store
        .records("payments", &[])
        .unwrap()
        .into_iter()
        .map(|v| serde_json::from_value(v).unwrap())
        .collect()
}

fn book_and_pay_writes_the_booking_and_the_payment_together(backend: &str) {
    let (_db, store) = priced_store(backend);
    let desk = quick_caller(&*store, "desk.a", CENTRE_A);
    let head = store.head().unwrap();
    let (cmd, booking_id, payment_id) = pay(SESSION_FULLABLE, 1, 600, Tender::Cash { tendered: Pence(2_000) });
    assert_eq!(outcome(&*store, &desk, 1, &cmd), Outcome::Applied);

    assert!(store.booking(booking_id).unwrap().is_some());
    assert_eq!(store.session(SESSION_FULLABLE).unwrap().unwrap().booked, 1);
    let [paid] = &payments(&*store)[..] else {
        panic!("one payment: {:?}", payments(&*store))
    };
    assert_eq!(paid.id, payment_id);
    assert_eq!(
        (paid.kind, &paid.method, paid.amount, paid.tendered, paid.change),
        (
            MoneyKind::Payment,
            &Method::Cash,
            Pence(600),
            Pence(2_000),
            Pence(1_400)
        )
    );
    assert_eq!(
        (paid.booking_id, paid.staff_id, paid.reason.as_str()),
        (booking_id, desk.staff_id, "Adult")
    );

    let pulled = store
        .pull(&strs(&desk.buckets), head, 100, (desk.staff_id, desk.device_id), 0)
        .unwrap();
    let tables: Vec<&str> = pulled.rows.iter().map(|r| r.table.as_str()).collect();
    assert_eq!(tables, ["bookings", "payments", "sessions"], "the session's count last");
    let audited = store.audit_of(PersonRef::Customer(1)).unwrap();
    assert!(
        audited
            .iter()
            .any(|e| e.record_kind.as_deref() == Some("payment")
                && e.record_id.as_deref() == Some(&*payment_id.to_string())),
        "{audited:?}"
    );
}

fn a_refused_payment_writes_nothing(backend: &str) {
    let (_db, store) = priced_store(backend);
    let a = quick_caller(&*store, "desk.a", CENTRE_A);
    let b = quick_caller(&*store, "desk.b", CENTRE_B);
    let head = store.head().unwrap();
    let cases = [
        (
            &a,
            pay(SESSION_FULLABLE, 1, 450, Tender::Cash { tendered: Pence(600) }).0,
            "price_changed",
        ),
        (
            &a,
            pay(SESSION_FULLABLE, 1, 600, Tender::Cash { tendered: Pence(500) }).0,
            "tendered_short",
        ),
        (
            &a,
            pay(
                SESSION_FULLABLE,
                1,
                600,
                Tender::Card {
                    terminal: "T1".into(),
                    reference: "4111111111111111".into(),
                },
            )
            .0,
            "invalid_payment",
        ),
        (
            &b,
            pay(SESSION_B, CUSTOMERS_A + 1, 600, Tender::Cash { tendered: Pence(600) }).0,
            "no_price_list",
        ),
    ];
    let mut seqs = std::collections::HashMap::new();
    for (caller, cmd, want) in &cases {
        let seq = seqs.entry(caller.device_id).or_insert(0);
        *seq += 1;
        match outcome(&*store, caller, *seq, cmd) {
            Outcome::Rejected { code, .. } => assert_eq!(code, *want),
            other => panic!("{want}: {other:?}"),
        }
    }
    assert!(payments(&*store).is_empty());
    assert_eq!(store.session(SESSION_FULLABLE).unwrap().unwrap().booked, 0);
    assert_eq!(store.count("bookings").unwrap(), 0);
    let rows = store
        .pull(&strs(&a.buckets), head, 100, (a.staff_id, a.device_id), 0)
        .unwrap();
    assert!(rows.rows.is_empty(), "{:?}", rows.rows);
}

fn a_voucher_pays_once(backend: &str) {
    let (_db, store) = priced_store(backend);
    let desk = quick_caller(&*store, "desk.a", CENTRE_A);
    let voucher = || Tender::Voucher { code: "gift10".into() };
    assert_eq!(
        outcome(&*store, &desk, 1, &pay(SESSION_FULLABLE, 1, 600, voucher()).0),
        Outcome::Applied
    );
    let held: Vec<IssuedVoucher> = store
        .records("vouchers", &[])
        .unwrap()
        .into_iter()
        .map(|v| serde_json::from_value(v).unwrap())
        .collect();
    assert!(held[0].redeemed, "{held:?}");
    match outcome(&*store, &desk, 2, &pay(SESSION_FULLABLE, 2, 600, voucher()).0) {
        Outcome::Rejected { code, message, .. } => {
            assert_eq!(code, "voucher_refused");
            assert!(message.contains("already been used"), "{message}");
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(payments(&*store).len(), 1);
}

fn cancel(booking_id: Uuid, waiver: Option<&str>) -> (Command, Uuid) {
    let refund_id = Uuid::now_v7();
    let cmd = Command::from(CancelWithRefund {
        booking_id,
        refund_id,
        desk: "Front desk".into(),
        waiver: waiver.map(str::to_owned),
    });
    (cmd, refund_id)
}

fn a_cancellation_refunds_by_the_policy_to_the_way_it_was_paid(backend: &str) {
    let (_db, store) = priced_store(backend);
    // A class an hour from now: inside the example policy's 3-hour cut-off.
    const SOON: i64 = 150;
    store
        .load(&EntityBatch {
            sessions: vec![session(
                SOON,
                CENTRE_A,
                ACTIVITY_A,
                now() + chrono::Duration::hours(1),
                20,
            )],
            ..EntityBatch::default()
        })
        .unwrap();
    let desk = quick_caller(&*store, "desk.a", CENTRE_A);
    let card = Tender::Card {
        terminal: "T1".into(),
        reference: "004512".into(),
    };
    let (early, early_booking, _) = pay(SESSION_FULLABLE, 1, 600, card.clone());
    let (late, late_booking, _) = pay(SOON, 2, 600, Tender::Cash { tendered: Pence(600) });
    let (late2, late2_booking, _) = pay(SOON, 3, 600, Tender::Cash { tendered: Pence(600) });
    for (seq, cmd) in [&early, &late, &late2].into_iter().enumerate() {
        assert_eq!(outcome(&*store, &desk, seq as u64 + 1, cmd), Outcome::Applied);
    }

    let (cmd, refund_id) = cancel(early_booking, None);
    assert_eq!(outcome(&*store, &desk, 4, &cmd), Outcome::Applied);
    let refund = payments(&*store)
        .into_iter()
        .find(|m| m.id == refund_id)
        .expect("refund stored");
    assert_eq!(
        (refund.kind, refund.amount, &refund.method),
        (
            MoneyKind::Refund,
            Pence(600),
            &Method::Card {
                terminal: "T1".into(),
                reference: "004512".into()
            }
        )
    );
    assert_eq!(store.session(SESSION_FULLABLE).unwrap().unwrap().booked, 0);

    // After the cut-off: cancelled, nothing goes back; a waiver with a reason refunds in full.
    let (cmd, refund_id) = cancel(late_booking, None);
    assert_eq!(outcome(&*store, &desk, 5, &cmd), Outcome::Applied);
    assert!(payments(&*store).iter().all(|m| m.id != refund_id));
    assert_eq!(
        store.booking(late_booking).unwrap().unwrap().status,
        BookingStatus::Cancelled
    );
    let (cmd, refund_id) = cancel(late2_booking, Some("Instructor ill"));
    assert_eq!(outcome(&*store, &desk, 6, &cmd), Outcome::Applied);
    let waived = payments(&*store)
        .into_iter()
        .find(|m| m.id == refund_id)
        .expect("waived refund");
    assert_eq!((waived.amount, &waived.method), (Pence(600), &Method::Cash));
    assert_eq!(waived.reason, "Late cancellation waived: Instructor ill");
    assert_eq!(store.session(SOON).unwrap().unwrap().booked, 0);
}
