//! The sync spine end to end: real desks (desk-client) and a real council server (desk-server)
//! on loopback, on SQLite and again on PostgreSQL.

use std::time::Duration;

use council_desk_tests::proxy::LossyProxy;
use council_desk_tests::*;
use desk_domain::{Alternative, BookingStatus, Channel, Outcome};
use futures_util::future::join_all;

async fn offline_booking_is_confirmed_on_both_desks(backend: Backend) {
    let tmp = tempfile::tempdir().unwrap();
    let (_db, store) = world_store(backend, tmp.path(), &small_world(0));
    let mut server = TestServer::start(store).await;
    let a = signed_in_desk(tmp.path().join("a"), &server.url(), STAFF_A).await;
    let b = signed_in_desk(tmp.path().join("b"), &server.url(), STAFF_A).await;
    a.sync_now().await.unwrap();
    b.sync_now().await.unwrap();

    server.stop().await;
    let booking = a
        .leisure()
        .book_place(ids::BIG_SESSION, 7, Channel::FaceToFace)
        .await
        .unwrap();
    assert!(booking.pending, "a booking made offline is pending");
    assert!(a.sync_now().await.is_err(), "sync fails while the server is down");
    let status = a.sync_status().await.unwrap();
    assert!(!status.online);
    assert_eq!(status.pending, 1);
    let detail = a.leisure().session(ids::BIG_SESSION).await.unwrap();
    assert_eq!(detail.session.session.booked, 1, "the overlay counts the pending place");
    assert!(detail.session.pending);
    assert!(detail.bookings.iter().any(|bk| bk.id == booking.id && bk.pending));
    let on_b = b.leisure().session(ids::BIG_SESSION).await.unwrap();
    assert_eq!(on_b.session.session.booked, 0, "desk B has not heard of it yet");

    server.restart().await;
    a.sync_now().await.unwrap();
    b.sync_now().await.unwrap();
    for (name, desk) in [("A", &a), ("B", &b)] {
        let detail = desk.leisure().session(ids::BIG_SESSION).await.unwrap();
        assert_eq!(detail.session.session.booked, 1, "desk {name}: exactly one place taken");
        assert!(!detail.session.pending, "desk {name}: nothing pending");
        let confirmed = detail
            .bookings
            .iter()
            .find(|bk| bk.id == booking.id)
            .expect("booking present");
        assert_eq!(confirmed.status, BookingStatus::Booked);
        assert!(!confirmed.pending, "desk {name}: booking confirmed");
        assert_eq!(confirmed.customer_id, 7);
    }
    let status = a.sync_status().await.unwrap();
    assert!(status.online);
    assert_eq!(status.pending, 0);
    assert_eq!(status.needs_attention, 0);
    assert!(status.last_synced_at.is_some());
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn sqlite_offline_booking_is_confirmed_on_both_desks() {
    offline_booking_is_confirmed_on_both_desks(Backend::Sqlite).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn postgres_offline_booking_is_confirmed_on_both_desks() {
    offline_booking_is_confirmed_on_both_desks(Backend::Postgres).await;
}

/// The background sync loop on its own, with pokes: desk B sees desk A's booking without anyone
/// calling sync, and a booking made while the server was down is confirmed after it returns.
async fn sync_loops_carry_bookings_between_desks(backend: Backend) {
    let tmp = tempfile::tempdir().unwrap();
    let (_db, store) = world_store(backend, tmp.path(), &small_world(0));
    let mut server = TestServer::start(store).await;
    let a = signed_in_desk(tmp.path().join("a"), &server.url(), STAFF_A).await;
    let b = signed_in_desk(tmp.path().join("b"), &server.url(), STAFF_A).await;
    let loop_a = a.start_sync();
    let loop_b = b.start_sync();
    let wait = Duration::from_secs(20);
    eventually(wait, "first sync on B", || async {
        b.leisure().session(ids::BIG_SESSION).await.is_ok()
    })
    .await;
    eventually(wait, "first sync on A", || async {
        a.leisure().session(ids::BIG_SESSION).await.is_ok()
    })
    .await;

    let first = a
        .leisure()
        .book_place(ids::BIG_SESSION, 11, Channel::Telephone)
        .await
        .unwrap();
    eventually(wait, "B sees A's booking through the poke", || async {
        let d = b.leisure().session(ids::BIG_SESSION).await.unwrap();
        d.bookings.iter().any(|bk| bk.id == first.id && !bk.pending)
    })
    .await;

    server.stop().await;
    let second = a
        .leisure()
        .book_place(ids::BIG_SESSION, 12, Channel::FaceToFace)
        .await
        .unwrap();
    assert!(second.pending);
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert!(
        a.leisure()
            .session(ids::BIG_SESSION)
            .await
            .unwrap()
            .bookings
            .iter()
            .any(|bk| bk.id == second.id && bk.pending)
    );
    server.restart().await;
    eventually(
        Duration::from_secs(60),
        "the offline booking is confirmed on both desks",
        || async {
            let on_a = a.leisure().session(ids::BIG_SESSION).await.unwrap();
            let on_b = b.leisure().session(ids::BIG_SESSION).await.unwrap();
            on_a.bookings.iter().any(|bk| bk.id == second.id && !bk.pending)
                && on_b.bookings.iter().any(|bk| bk.id == second.id && !bk.pending)
        },
    )
    .await;
    assert_eq!(
        b.leisure()
            .session(ids::BIG_SESSION)
            .await
            .unwrap()
            .session
            .session
            .booked,
        2
    );
    loop_a.stop().await;
    loop_b.stop().await;
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn sqlite_sync_loops_carry_bookings_between_desks() {
    sync_loops_carry_bookings_between_desks(Backend::Sqlite).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn postgres_sync_loops_carry_bookings_between_desks() {
    sync_loops_carry_bookings_between_desks(Backend::Postgres).await;
}

/// A push whose response is lost is retried and applied once.
async fn lost_push_response_is_applied_once(backend: Backend) {
    let tmp = tempfile::tempdir().unwrap();
    let (_db, store) = world_store(backend, tmp.path(), &small_world(0));
    let mut server = TestServer::start(store).await;
    let proxy = LossyProxy::start(server.addr).await;
    let a = signed_in_desk(tmp.path().join("a"), &proxy.url(), STAFF_A).await;
    let b = signed_in_desk(tmp.path().join("b"), &server.url(), STAFF_A).await;
    a.sync_now().await.unwrap();

    let booking = a
        .leisure()
        .book_place(ids::BIG_SESSION, 21, Channel::FaceToFace)
        .await
        .unwrap();
    let other = a
        .leisure()
        .book_place(ids::ONE_PLACE, 22, Channel::FaceToFace)
        .await
        .unwrap();
    proxy.lose_push_responses(true);
    assert!(a.sync_now().await.is_err(), "the desk never heard back");
    assert_eq!(proxy.lost(), 1);
    assert_eq!(
        a.sync_status().await.unwrap().pending,
        2,
        "still pending: the desk cannot know"
    );

    // The server did act on it: another desk sees both places taken.
    b.sync_now().await.unwrap();
    assert_eq!(
        b.leisure()
            .session(ids::BIG_SESSION)
            .await
            .unwrap()
            .session
            .session
            .booked,
        1
    );
    assert_eq!(
        b.leisure()
            .session(ids::ONE_PLACE)
            .await
            .unwrap()
            .session
            .session
            .booked,
        1
    );

    proxy.lose_push_responses(false);
    a.sync_now().await.unwrap();
    let status = a.sync_status().await.unwrap();
    assert_eq!(status.pending, 0);
    assert_eq!(
        status.needs_attention, 0,
        "a second application would have been refused as already booked or full"
    );
    for (session, id) in [(ids::BIG_SESSION, booking.id), (ids::ONE_PLACE, other.id)] {
        let detail = a.leisure().session(session).await.unwrap();
        assert_eq!(detail.session.session.booked, 1, "applied exactly once");
        assert!(detail.bookings.iter().any(|bk| bk.id == id && !bk.pending));
    }
    b.sync_now().await.unwrap();
    assert_eq!(
        b.leisure()
            .session(ids::BIG_SESSION)
            .await
            .unwrap()
            .session
            .session
            .booked,
        1
    );
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn sqlite_lost_push_response_is_applied_once() {
    lost_push_response_is_applied_once(Backend::Sqlite).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn postgres_lost_push_response_is_applied_once() {
    lost_push_response_is_applied_once(Backend::Postgres).await;
}

/// 50 desks book concurrently into a 20-place session: exactly 20 applied, the other 30 refused
/// with alternatives and waiting in each desk's Needs attention.
async fn fifty_desks_race_for_twenty_places(backend: Backend) {
    let tmp = tempfile::tempdir().unwrap();
    let (_db, store) = world_store(backend, tmp.path(), &small_world(0));
    let server = TestServer::start(store).await;
    let mut desks = Vec::new();
    for i in 0..50 {
        let desk = signed_in_desk(tmp.path().join(format!("desk{i}")), &server.url(), STAFF_A).await;
        desk.sync_now().await.unwrap();
        desks.push(desk);
    }
    // Every desk books offline-first: locally there is room for each of them.
    for (i, desk) in desks.iter().enumerate() {
        let booking = desk
            .leisure()
            .book_place(ids::BIG_SESSION, 1 + i as i64, Channel::FaceToFace)
            .await
            .unwrap();
        assert!(booking.pending);
    }
    let results = join_all(desks.iter().map(|d| d.sync_now())).await;
    for r in &results {
        assert!(r.is_ok(), "sync failed: {r:?}");
    }
    // Pull once more so every desk has everyone's outcome.
    for d in &desks {
        d.sync_now().await.unwrap();
    }
    let (mut applied, mut refused) = (0, 0);
    for (i, desk) in desks.iter().enumerate() {
        let detail = desk.leisure().session(ids::BIG_SESSION).await.unwrap();
        assert_eq!(
            detail.session.session.booked, 20,
            "desk {i} sees the session full, never over"
        );
        assert!(!detail.session.pending);
        let items = desk.needs_attention().await.unwrap();
        match items.as_slice() {
            [] => {
                applied += 1;
                assert!(
                    detail
                        .bookings
                        .iter()
                        .any(|b| b.customer_id == 1 + i as i64 && b.status == BookingStatus::Booked)
                );
            }
            [item] => {
                refused += 1;
                assert_eq!(item.code, "session_full");
                assert!(!item.message.is_empty());
                assert_eq!(item.args["customer_id"], 1 + i as i64, "what was entered is kept");
                assert!(item.alternatives.contains(&Alternative::JoinWaitingList {
                    session_id: ids::BIG_SESSION
                }));
                assert!(
                    item.alternatives
                        .iter()
                        .any(|a| matches!(a, Alternative::BookSession { session_id, .. } if ids::LATER_SESSIONS.contains(session_id))),
                    "a later session with space is offered: {:?}",
                    item.alternatives
                );
                assert!(!detail.bookings.iter().any(|b| b.customer_id == 1 + i as i64));
            }
            more => panic!("desk {i} has {} items in Needs attention", more.len()),
        }
        assert_eq!(desk.sync_status().await.unwrap().pending, 0);
    }
    assert_eq!((applied, refused), (20, 30));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn sqlite_fifty_desks_race_for_twenty_places() {
    fifty_desks_race_for_twenty_places(Backend::Sqlite).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn postgres_fifty_desks_race_for_twenty_places() {
    fifty_desks_race_for_twenty_places(Backend::Postgres).await;
}

/// A desk signed in for centre A holds nothing of centre B, and a push for centre B is refused
/// for good.
async fn a_desk_holds_and_changes_only_its_own_centre(backend: Backend) {
    let tmp = tempfile::tempdir().unwrap();
    let world = small_world(0);
    let (_db, store) = world_store(backend, tmp.path(), &world);
    let server = TestServer::start(store).await;
    let a = signed_in_desk(tmp.path().join("a"), &server.url(), STAFF_A).await;
    a.sync_now().await.unwrap();

    let centres = a.leisure().centres().await.unwrap();
    assert_eq!(centres.iter().map(|c| c.id).collect::<Vec<_>>(), vec![ids::CENTRE_A]);
    assert!(
        a.leisure()
            .timetable(ids::CENTRE_B, tomorrow())
            .await
            .unwrap()
            .is_empty()
    );
    assert!(a.leisure().session(ids::B_SESSION).await.is_err());
    assert!(
        !a.leisure()
            .timetable(ids::CENTRE_A, tomorrow())
            .await
            .unwrap()
            .is_empty()
    );
    let b_customer = world
        .customers
        .iter()
        .find(|c| c.home_centre_id == ids::CENTRE_B)
        .unwrap();
    assert!(
        a.leisure()
            .search_customers(&b_customer.membership_no, 10)
            .await
            .unwrap()
            .is_empty()
    );
    let a_customer = world
        .customers
        .iter()
        .find(|c| c.home_centre_id == ids::CENTRE_A)
        .unwrap();
    assert_eq!(
        a.leisure()
            .search_customers(&a_customer.membership_no, 10)
            .await
            .unwrap()
            .len(),
        1
    );
    assert!(
        a.leisure()
            .book_place(ids::B_SESSION, b_customer.id, Channel::FaceToFace)
            .await
            .is_err(),
        "not bookable from here"
    );

    // Straight at the server, with desk A's staff account: a command for centre B.
    let http = reqwest::Client::new();
    let device = uuid::Uuid::now_v7();
    let signed: desk_domain::SignInResponse = http
        .post(format!("{}/v1/session", server.url()))
        .json(&desk_domain::SignInRequest {
            username: STAFF_A.into(),
            password: PASSWORD.into(),
            device_id: device,
        })
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let command = desk_domain::Command::from(desk_domain::leisure::BookPlace {
        booking_id: uuid::Uuid::now_v7(),
        session_id: ids::B_SESSION,
        customer_id: b_customer.id,
    });
    let (name, args_version, args) = command.to_envelope_parts();
    let push = desk_domain::PushRequest {
        device_id: device,
        mutations: vec![desk_domain::Mutation {
            mutation_id: uuid::Uuid::now_v7(),
            device_id: device,
            seq: 1,
            name: name.into(),
            args_version,
            args,
            base_cursor: None,
            created_at: chrono::Utc::now(),
            channel: Channel::FaceToFace,
        }],
    };
    let response: desk_domain::PushResponse = http
        .post(format!("{}/v1/push", server.url()))
        .bearer_auth(&signed.access_token)
        .json(&push)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(response.device_last_seq, 1, "a permanent rejection advances");
    match &response.receipts[..] {
        [receipt] => assert!(
            matches!(&receipt.outcome, Outcome::Rejected { code, .. } if code == "out_of_scope"),
            "{receipt:?}"
        ),
        other => panic!("one receipt expected, got {other:?}"),
    }
    // Nothing changed at centre B.
    let b = signed_in_desk(tmp.path().join("b"), &server.url(), STAFF_B).await;
    b.sync_now().await.unwrap();
    assert_eq!(
        b.leisure()
            .session(ids::B_SESSION)
            .await
            .unwrap()
            .session
            .session
            .booked,
        0
    );
    assert!(
        b.leisure()
            .centres()
            .await
            .unwrap()
            .iter()
            .all(|c| c.id == ids::CENTRE_B)
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn sqlite_a_desk_holds_and_changes_only_its_own_centre() {
    a_desk_holds_and_changes_only_its_own_centre(Backend::Sqlite).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn postgres_a_desk_holds_and_changes_only_its_own_centre() {
    a_desk_holds_and_changes_only_its_own_centre(Backend::Postgres).await;
}
