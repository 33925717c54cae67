//! Conformance of a space hire paid at the desk on SQLite and PostgreSQL: `leisure.book_space`
//! with a payment writes the booking and the same money record `book_and_pay` writes, in one
//! transaction (a refusal writes neither, a block date may not be paid at the desk);
//! `leisure.cancel_space` refunds it the way it was paid; and the day's cash-up over what the
//! server holds counts space money with class money, on two desks.

mod common;

use chrono::NaiveDateTime;
use common::*;
use desk_domain::leisure::cash_up::{self, Till, TillEntry};
use desk_domain::leisure::payment::{Method, Tender};
use desk_domain::leisure::records::{MoneyKind, MoneyRecord, priced_customer};
use desk_domain::leisure::space_cmd::hire_price;
use desk_domain::leisure::space_pay::SpacePayment;
use desk_domain::leisure::space_records::{SpaceBookingRecord, SpaceBookingStatus, SpaceRecord};
use desk_domain::leisure::{BookAndPay, BookSpace, CancelSpace};
use desk_domain::values::Pence;
use desk_domain::{Command, Outcome};
use desk_fixtures::spaces::space_id;
use desk_server::Store;
use desk_testkit::world as kit;
use uuid::Uuid;

conformance!(
    a_paid_hire_writes_the_booking_and_its_payment_together,
    a_refused_hire_or_a_paid_block_date_writes_nothing,
    cancelling_a_paid_hire_refunds_it_the_way_it_was_paid,
    the_cash_up_counts_space_money_on_two_desks,
);

const FULL: i64 = 1;
const HALF_2: i64 = 3;
const QUARTER_1: i64 = 4;

/// Three days ahead, `h`:00 for an hour: bookable by anyone, outside the cut-off.
fn slot(h: u32) -> (NaiveDateTime, NaiveDateTime) {
    let starts = kit::tomorrow_at(h) + chrono::Duration::days(2);
    (starts, starts + chrono::Duration::hours(1))
}

/// The price the desk quotes customer 1 (an adult) for the space, as the desk works it out.
fn quoted(store: &dyn Store, space: i64, (starts, ends): (NaiveDateTime, NaiveDateTime)) -> i64 {
    let one = |t: &str, id: i64| -> serde_json::Value {
        store
            .records(t, &[])
            .unwrap()
            .into_iter()
            .find(|v| v["id"] == id)
            .unwrap()
    };
    let settings = serde_json::from_value(one("leisure_settings", CENTRE_A)).unwrap();
    let space: SpaceRecord = serde_json::from_value(one("spaces", space_id(CENTRE_A, space))).unwrap();
    let customer: desk_domain::Customer = serde_json::from_value(one("customers", 1)).unwrap();
    hire_price(
        &settings,
        &space,
        starts,
        ends,
        &priced_customer(customer.date_of_birth, None),
    )
    .unwrap()
    .0
    .0
}

fn hire(
    space: i64,
    when: (NaiveDateTime, NaiveDateTime),
    desk: &str,
    price: i64,
    tender: Tender,
) -> (Command, Uuid, Uuid) {
    let (booking_id, payment_id) = (Uuid::now_v7(), Uuid::now_v7());
    let cmd = Command::from(BookSpace {
        booking_id,
        space_id: space_id(CENTRE_A, space),
        starts: when.0,
        ends: when.1,
        customer_id: 1,
        club: None,
        block_id: None,
        payment: Some(SpacePayment {
            payment_id,
            desk: desk.into(),
            price: Pence(price),
            tender,
        }),
    });
    (cmd, booking_id, payment_id)
}

fn code(o: Outcome) -> String {
    match o {
        Outcome::Rejected { code, .. } => code,
        other => panic!("expected a refusal, got {other:?}"),
    }
}

fn a_paid_hire_writes_the_booking_and_its_payment_together(backend: &str) {
    let (_db, store) = spaces_store(backend);
    let desk = quick_caller(&*store, "desk.a", CENTRE_A);
    let head = store.head().unwrap();
    let when = slot(19);
    let price = quoted(&*store, QUARTER_1, when);
    assert!(price > 0, "the example list prices a quarter");
    let (cmd, booking_id, payment_id) = hire(
        QUARTER_1,
        when,
        "Front desk",
        price,
        Tender::Cash {
            tendered: Pence(price + 1_350),
        },
    );
    assert_eq!(outcome(&*store, &desk, 1, &cmd), Outcome::Applied);
    let [row]: [SpaceBookingRecord; 1] = records(&*store, "space_bookings").try_into().unwrap();
    let [m]: [MoneyRecord; 1] = records(&*store, "payments").try_into().unwrap();
    assert_eq!(
        (row.id, row.status, row.price),
        (booking_id, SpaceBookingStatus::Booked, Pence(price))
    );
    assert_eq!(
        (m.id, m.booking_id, m.kind, m.method, m.amount, m.tendered, m.change),
        (
            payment_id,
            booking_id,
            MoneyKind::Payment,
            Method::Cash,
            Pence(price),
            Pence(price + 1_350),
            Pence(1_350)
        )
    );
    assert_eq!(
        (m.desk.as_str(), m.centre_id, m.reason.as_str()),
        ("Front desk", CENTRE_A, row.price_reason.as_str())
    );
    // Centre A's desks pull both; centre B's none of it.
    let pulled = |caller: &desk_server::Caller, table: &str| {
        store
            .pull(
                &strs(&caller.buckets),
                head,
                100,
                (caller.staff_id, caller.device_id),
                0,
            )
            .unwrap()
            .rows
            .iter()
            .filter(|r| r.table == table)
            .count()
    };
    let other = quick_caller(&*store, "desk.a2", CENTRE_A);
    let far = quick_caller(&*store, "desk.b", CENTRE_B);
    assert_eq!((pulled(&other, "payments"), pulled(&other, "space_bookings")), (1, 1));
    assert_eq!((pulled(&far, "payments"), pulled(&far, "space_bookings")), (0, 0));
}

fn a_refused_hire_or_a_paid_block_date_writes_nothing(backend: &str) {
    let (_db, store) = spaces_store(backend);
    let desk = quick_caller(&*store, "desk.a", CENTRE_A);
    let when = slot(19);
    let price = quoted(&*store, QUARTER_1, when);
    let cash = |p: i64| Tender::Cash { tendered: Pence(p) };
    let short = hire(QUARTER_1, when, "Front desk", price, cash(price - 1)).0;
    assert_eq!(code(outcome(&*store, &desk, 1, &short)), "tendered_short");
    let stale = hire(QUARTER_1, when, "Front desk", price + 100, cash(price + 100)).0;
    assert_eq!(code(outcome(&*store, &desk, 2, &stale)), "price_changed");
    let voucher = hire(
        QUARTER_1,
        when,
        "Front desk",
        price,
        Tender::Voucher { code: "NOPE".into() },
    )
    .0;
    assert_eq!(code(outcome(&*store, &desk, 3, &voucher)), "voucher_refused");
    let (mut block, ..) = hire(
        HALF_2,
        slot(10),
        "Front desk",
        quoted(&*store, HALF_2, slot(10)),
        cash(50_000),
    );
    if let Command::Leisure(desk_domain::leisure::Command::BookSpace(a)) = &mut block {
        a.block_id = Some(Uuid::now_v7());
        a.club = Some("Forres Thistle juniors".into());
    }
    assert_eq!(code(outcome(&*store, &desk, 4, &block)), "block_on_account");
    assert!(records::<SpaceBookingRecord>(&*store, "space_bookings").is_empty());
    assert!(records::<MoneyRecord>(&*store, "payments").is_empty());
}

fn cancel(booking_id: Uuid, desk: &str) -> (Command, Uuid) {
    let refund_id = Uuid::now_v7();
    let cmd = Command::from(CancelSpace {
        booking_id,
        refund_id: Some(refund_id),
        desk: Some(desk.into()),
        waiver: None,
    });
    (cmd, refund_id)
}

fn cancelling_a_paid_hire_refunds_it_the_way_it_was_paid(backend: &str) {
    let (_db, store) = spaces_store(backend);
    let desk = quick_caller(&*store, "desk.a", CENTRE_A);
    let when = slot(19);
    let price = quoted(&*store, FULL, when);
    let card = Tender::Card {
        terminal: "T1".into(),
        reference: "004512".into(),
    };
    let (cmd, booking_id, _) = hire(FULL, when, "Front desk", price, card);
    assert_eq!(outcome(&*store, &desk, 1, &cmd), Outcome::Applied);
    let (undo, refund_id) = cancel(booking_id, "Side desk");
    assert_eq!(outcome(&*store, &desk, 2, &undo), Outcome::Applied);
    let [row]: [SpaceBookingRecord; 1] = records(&*store, "space_bookings").try_into().unwrap();
    assert_eq!((row.status, row.price), (SpaceBookingStatus::Cancelled, Pence(0)));
    let refund = records::<MoneyRecord>(&*store, "payments")
        .into_iter()
        .find(|m| m.kind == MoneyKind::Refund)
        .expect("a refund is written");
    assert_eq!(
        (refund.id, refund.booking_id, refund.amount, refund.desk.as_str()),
        (refund_id, booking_id, Pence(price), "Side desk")
    );
    assert_eq!(
        refund.method,
        Method::Card {
            terminal: "T1".into(),
            reference: "004512".into()
        }
    );
    assert!(refund.reason.contains("full refund"), "{}", refund.reason);
    assert_eq!(
        code(outcome(&*store, &desk, 3, &cancel(booking_id, "Side desk").0)),
        "already_cancelled"
    );
    // The pitch is free again.
    assert_eq!(
        outcome(
            &*store,
            &desk,
            4,
            &hire(FULL, when, "Front desk", price, Tender::Cash { tendered: Pence(price) }).0
        ),
        Outcome::Applied
    );
}

/// Desk 1 sells a class place and hires a quarter for cash; desk 2 hires a half by card and a
/// quarter for cash, then cancels that hire. Each desk's cash-up and the centre's, over what
/// the server holds, count the space money; the centre's takings are the sum of the day's
/// payments less its refunds.
fn the_cash_up_counts_space_money_on_two_desks(backend: &str) {
    let (_db, store) = spaces_store(backend);
    let one = quick_caller(&*store, "desk.a", CENTRE_A);
    let two = quick_caller(&*store, "desk.a2", CENTRE_A);
    let class = Command::from(BookAndPay {
        booking_id: Uuid::now_v7(),
        session_id: SESSION_FULLABLE,
        customer_id: 1,
        payment_id: Uuid::now_v7(),
        desk: "Desk 1".into(),
        price: Pence(600),
        tender: Tender::Cash { tendered: Pence(1_000) },
    });
    assert_eq!(outcome(&*store, &one, 1, &class), Outcome::Applied);
    let (q1, h2, q1_later) = (slot(19), slot(19), slot(20));
    let (p_q1, p_h2, p_q1_later) = (
        quoted(&*store, QUARTER_1, q1),
        quoted(&*store, HALF_2, h2),
        quoted(&*store, QUARTER_1, q1_later),
    );
    let cash = |p: i64| Tender::Cash {
        tendered: Pence(p + 500),
    };
    assert_eq!(
        outcome(&*store, &one, 2, &hire(QUARTER_1, q1, "Desk 1", p_q1, cash(p_q1)).0),
        Outcome::Applied
    );
    let card = Tender::Card {
        terminal: "T2".into(),
        reference: "7781".into(),
    };
    assert_eq!(
        outcome(&*store, &two, 1, &hire(HALF_2, h2, "Desk 2", p_h2, card).0),
        Outcome::Applied
    );
    let (later, later_id, _) = hire(QUARTER_1, q1_later, "Desk 2", p_q1_later, cash(p_q1_later));
    assert_eq!(outcome(&*store, &two, 2, &later), Outcome::Applied);
    assert_eq!(
        outcome(&*store, &two, 3, &cancel(later_id, "Desk 2").0),
        Outcome::Applied
    );

    let money: Vec<MoneyRecord> = records(&*store, "payments");
    assert_eq!(money.len(), 5, "four payments and one refund");
    let entries: Vec<TillEntry> = money.iter().filter_map(TillEntry::of).collect();
    let day = now().date();
    let float = Pence(5_000);
    let desk1 = cash_up::cash_up(&entries, Till::Desk("Desk 1"), day, float);
    assert_eq!(desk1.cash.taken, Pence(600 + p_q1));
    assert_eq!(desk1.expected_cash, Pence(float.0 + 600 + p_q1));
    let desk2 = cash_up::cash_up(&entries, Till::Desk("Desk 2"), day, float);
    assert_eq!(
        (desk2.cash.taken, desk2.cash.refunded),
        (Pence(p_q1_later), Pence(p_q1_later))
    );
    assert_eq!(desk2.expected_cash, float);
    assert_eq!(desk2.card_by_terminal["T2"].taken, Pence(p_h2));
    assert_eq!(desk2.refunds.refunded, Pence(p_q1_later));
    let centre = cash_up::cash_up(&entries, Till::Centre(CENTRE_A), day, Pence(0));
    let sum = |k: MoneyKind| Pence(money.iter().filter(|m| m.kind == k).map(|m| m.amount.0).sum());
    let taken = centre.cash.taken.0 + centre.card_by_terminal.values().map(|t| t.taken.0).sum::<i64>();
    assert_eq!(Pence(taken), sum(MoneyKind::Payment));
    assert_eq!(centre.refunds.refunded, sum(MoneyKind::Refund));
    assert_eq!(Pence(taken), Pence(600 + p_q1 + p_h2 + p_q1_later));
}
