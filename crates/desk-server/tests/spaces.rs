//! Conformance of `leisure.book_space` and `leisure.cancel_space` on SQLite and PostgreSQL:
//! a booking is written and pulled by its centre's desks only; a linked space (the full pitch
//! over a half, a half over a quarter) is refused both ways with alternatives and nothing
//! written; the booking window and opening hours are the server's to enforce; a block's date
//! may be months ahead; a cancellation in time charges nothing.

mod common;

use chrono::{Duration, NaiveDateTime};
use common::*;
use desk_domain::leisure::space_records::{SpaceBookingRecord, SpaceBookingStatus};
use desk_domain::leisure::{BookSpace, CancelSpace};
use desk_domain::values::Pence;
use desk_domain::{Alternative, Command, Outcome};
use desk_fixtures::spaces::space_id;
use desk_server::Store;
use desk_testkit::world as kit;
use uuid::Uuid;

conformance!(
    book_space_is_written_and_pulled_by_its_centre_only,
    linked_spaces_are_refused_both_ways_with_alternatives,
    the_window_and_the_hours_are_enforced_by_the_server,
    cancel_space_charges_nothing_in_time_and_refuses_twice,
);

const FULL: i64 = 1;
const HALF_1: i64 = 2;
const HALF_2: i64 = 3;
const QUARTER_1: i64 = 4;
const QUARTER_3: i64 = 6;

/// Tomorrow 10:00–11:00 (open every day of the week).
fn slot() -> (NaiveDateTime, NaiveDateTime) {
    (kit::tomorrow_at(10), kit::tomorrow_at(11))
}

fn book(space: i64, (starts, ends): (NaiveDateTime, NaiveDateTime)) -> (Command, Uuid) {
    let id = Uuid::now_v7();
    let cmd = Command::from(BookSpace {
        booking_id: id,
        space_id: space_id(CENTRE_A, space),
        starts,
        ends,
        customer_id: 1,
        club: None,
        block_id: None,
        payment: None,
    });
    (cmd, id)
}

fn held(store: &dyn Store) -> Vec<SpaceBookingRecord> {
    store
        .records("space_bookings", &[])
        .unwrap()
        .into_iter()
        .map(|v| serde_json::from_value(v).unwrap())
        .collect()
}

fn outcome(store: &dyn Store, caller: &desk_server::Caller, seq: u64, cmd: &Command) -> Outcome {
    let m = envelope(caller.device_id, seq, cmd);
    store.push(caller, &[m], now()).unwrap().receipts.remove(0).outcome
}

fn code(o: Outcome) -> String {
    match o {
        Outcome::Rejected { code, .. } => code,
        other => panic!("expected a refusal, got {other:?}"),
    }
}

fn book_space_is_written_and_pulled_by_its_centre_only(backend: &str) {
    let (_db, store) = spaces_store(backend);
    let desk = quick_caller(&*store, "desk.a", CENTRE_A);
    let other = quick_caller(&*store, "desk.b", CENTRE_B);
    let head = store.head().unwrap();
    let (cmd, id) = book(HALF_1, slot());
    assert_eq!(outcome(&*store, &desk, 1, &cmd), Outcome::Applied);
    let [row] = &held(&*store)[..] else {
        panic!("one booking")
    };
    assert_eq!(
        (row.id, row.status, row.customer_id),
        (id, SpaceBookingStatus::Booked, 1)
    );
    // Half pitch £50 an hour adult, £60 at peak (weekdays 17:00–22:00): 10:00 is off-peak.
    assert_eq!(row.price, Pence(5_000), "{}", row.price_reason);
    let mine = store
        .pull(&strs(&desk.buckets), head, 100, (desk.staff_id, desk.device_id), 0)
        .unwrap();
    assert!(mine.rows.iter().any(|r| r.table == "space_bookings"));
    let theirs = store
        .pull(&strs(&other.buckets), head, 100, (other.staff_id, other.device_id), 0)
        .unwrap();
    assert!(theirs.rows.iter().all(|r| r.table != "space_bookings"));
    // A desk of centre B cannot book centre A's spaces.
    let (cmd, _) = book(QUARTER_3, slot());
    assert_eq!(code(outcome(&*store, &other, 1, &cmd)), "out_of_scope");
}

fn linked_spaces_are_refused_both_ways_with_alternatives(backend: &str) {
    let (_db, store) = spaces_store(backend);
    let desk = quick_caller(&*store, "desk.a", CENTRE_A);
    assert_eq!(outcome(&*store, &desk, 1, &book(HALF_1, slot()).0), Outcome::Applied);
    // Down: the half's quarter; up: the full pitch.
    let Outcome::Rejected {
        code,
        message,
        alternatives,
    } = outcome(&*store, &desk, 2, &book(QUARTER_1, slot()).0)
    else {
        panic!("the quarter under a booked half is refused")
    };
    assert_eq!(code, "space_taken");
    assert!(message.contains("3G pitch, half 1"), "{message}");
    let offered: Vec<(i64, NaiveDateTime)> = alternatives
        .iter()
        .map(|a| match a {
            Alternative::BookSpace { space_id, starts, .. } => (*space_id, *starts),
            other => panic!("{other:?}"),
        })
        .collect();
    assert_eq!(
        offered,
        [
            (space_id(CENTRE_A, 6), slot().0),
            (space_id(CENTRE_A, 7), slot().0),
            (space_id(CENTRE_A, QUARTER_1), slot().1),
        ]
    );
    assert_eq!(code_of(&*store, &desk, 3, FULL), "space_taken");
    // The other half and its quarter are free.
    assert_eq!(outcome(&*store, &desk, 4, &book(QUARTER_3, slot()).0), Outcome::Applied);
    // And now, the other way: a quarter of half 2 is held, so half 2 is refused.
    assert_eq!(code_of(&*store, &desk, 5, HALF_2), "space_taken");
    assert_eq!(held(&*store).len(), 2, "refusals write nothing");
}

fn code_of(store: &dyn Store, desk: &desk_server::Caller, seq: u64, space: i64) -> String {
    code(outcome(store, desk, seq, &book(space, slot()).0))
}

fn the_window_and_the_hours_are_enforced_by_the_server(backend: &str) {
    let (_db, store) = spaces_store(backend);
    let desk = quick_caller(&*store, "desk.a", CENTRE_A);
    let far = (slot().0 + Duration::days(20), slot().1 + Duration::days(20));
    assert_eq!(code(outcome(&*store, &desk, 1, &book(HALF_1, far).0)), "not_yet_open");
    let late = (kit::tomorrow_at(22), kit::tomorrow_at(23));
    assert_eq!(code(outcome(&*store, &desk, 2, &book(HALF_1, late).0)), "not_bookable");
    let half_hour = (slot().0, slot().0 + Duration::minutes(30));
    assert_eq!(
        code(outcome(&*store, &desk, 3, &book(HALF_1, half_hour).0)),
        "not_bookable"
    );
    assert!(held(&*store).is_empty());
    // A block's date ten weeks ahead stands (blocks run up to 52 weeks).
    let (mut cmd, _) = book(HALF_1, (slot().0 + Duration::weeks(10), slot().1 + Duration::weeks(10)));
    if let Command::Leisure(desk_domain::leisure::Command::BookSpace(a)) = &mut cmd {
        a.block_id = Some(Uuid::now_v7());
        a.club = Some("Forres Thistle juniors".into());
    }
    assert_eq!(outcome(&*store, &desk, 4, &cmd), Outcome::Applied);
}

fn cancel_space_charges_nothing_in_time_and_refuses_twice(backend: &str) {
    let (_db, store) = spaces_store(backend);
    let desk = quick_caller(&*store, "desk.a", CENTRE_A);
    let later = (slot().0 + Duration::days(3), slot().1 + Duration::days(3));
    let (cmd, id) = book(FULL, later);
    assert_eq!(outcome(&*store, &desk, 1, &cmd), Outcome::Applied);
    let cancel = Command::from(CancelSpace {
        booking_id: id,
        refund_id: None,
        desk: None,
        waiver: None,
    });
    assert_eq!(outcome(&*store, &desk, 2, &cancel), Outcome::Applied);
    let [row] = &held(&*store)[..] else {
        panic!("one booking")
    };
    assert_eq!((row.status, row.price), (SpaceBookingStatus::Cancelled, Pence(0)));
    assert_eq!(code(outcome(&*store, &desk, 3, &cancel)), "already_cancelled");
    // The pitch is free again.
    assert_eq!(outcome(&*store, &desk, 4, &book(FULL, later).0), Outcome::Applied);
}
