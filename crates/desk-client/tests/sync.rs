//! The desk engine against a council server on loopback: offline bookings, receipts, Needs
//! attention, lost responses, reset and tombstones, pokes.

mod support;

use std::time::{Duration, Instant};

use desk_client::DeskError;
use desk_domain::{Alternative, BookingStatus, Channel, entities::table};
use support::*;

#[tokio::test]
async fn a_booking_made_while_the_server_is_down_is_pending_then_confirmed() {
    let server = FakeServer::start().await;
    seed(&mut server.world(), 5);
    let dir = tempfile::tempdir().unwrap();
    let desk = synced_desk(dir.path(), &server).await;
    assert_eq!(desk.leisure().centres().await.unwrap().len(), 1);

    server.world().down = true;
    let booking = desk.leisure().book_place(1, 1, Channel::FaceToFace).await.unwrap();
    assert!(booking.pending);
    assert_eq!(booking.status, BookingStatus::Booked);
    assert_eq!(booking.customer_name, "Mòrag O'Neill");

    let tt = desk.leisure().timetable(1, day(1)).await.unwrap();
    assert_eq!(tt.len(), 1);
    assert_eq!(tt[0].session.booked, 1, "counts include this desk's pending booking");
    assert!(tt[0].pending);

    let err = desk.sync_now().await.unwrap_err();
    assert_eq!(err.code(), "server_error", "{err}");
    let status = desk.sync_status().await.unwrap();
    assert_eq!(status.pending, 1);
    assert!(!status.online);
    assert_eq!(status.last_error.unwrap().code, "server_error");
    assert!(server.world().bookings.is_empty(), "nothing reached the server");

    server.world().down = false;
    let report = desk.sync_now().await.unwrap();
    assert_eq!((report.pushed, report.applied, report.rejected), (1, 1, 0));
    let detail = desk.leisure().session(1).await.unwrap();
    assert_eq!(detail.bookings.len(), 1);
    assert_eq!(detail.bookings[0].id, booking.id);
    assert!(!detail.bookings[0].pending, "confirmed by the pull");
    assert_eq!(detail.session.session.booked, 1, "counted once, from the replica");
    assert!(!detail.session.pending);
    let status = desk.sync_status().await.unwrap();
    assert_eq!(status.pending, 0);
    assert!(status.online);
    assert!(status.last_error.is_none());
    assert!(status.last_synced_at.is_some());
    assert_eq!(server.world().live_bookings(1).len(), 1);
}

#[tokio::test]
async fn a_refused_booking_moves_to_needs_attention_with_alternatives() {
    let server = FakeServer::start().await;
    seed(&mut server.world(), 1);
    let dir = tempfile::tempdir().unwrap();
    let desk = synced_desk(dir.path(), &server).await;

    // Offline, the desk still sees the place free and books it.
    let mine = desk.leisure().book_place(1, 2, Channel::Telephone).await.unwrap();
    assert!(mine.pending);
    // Meanwhile another desk takes the only place.
    server.world().book_elsewhere(1, 3);

    let report = desk.sync_now().await.unwrap();
    assert_eq!((report.pushed, report.applied, report.rejected), (1, 0, 1));
    let items = desk.needs_attention().await.unwrap();
    assert_eq!(items.len(), 1);
    let item = &items[0];
    assert_eq!(item.code, "session_full");
    assert_eq!(item.name, "leisure.book_place");
    assert_eq!(item.channel, Channel::Telephone);
    assert!(
        item.summary.starts_with("Book Seònaid MacAoidh into Aqua Fit 09:00"),
        "{}",
        item.summary
    );
    assert_eq!(item.args["customer_id"], 2);
    assert_eq!(item.args["booking_id"], mine.id.to_string());
    assert_eq!(
        item.alternatives[0],
        Alternative::JoinWaitingList { session_id: 1 },
        "waiting list first"
    );
    assert!(
        matches!(item.alternatives[1], Alternative::BookSession { session_id: 2, .. }),
        "then the next session with space: {:?}",
        item.alternatives
    );

    // The refused booking left the overlay; the session shows the server's truth.
    let detail = desk.leisure().session(1).await.unwrap();
    assert_eq!(detail.session.session.booked, 1);
    assert!(detail.bookings.iter().all(|b| b.id != mine.id));
    let status = desk.sync_status().await.unwrap();
    assert_eq!((status.pending, status.needs_attention), (0, 1));

    // It stays through further syncs until someone deals with it.
    desk.sync_now().await.unwrap();
    assert_eq!(desk.needs_attention().await.unwrap().len(), 1);

    // Taking the waiting list records a join_waiting_list for the same customer and channel.
    let taken = desk.leisure().take_alternative(item.id, 0).await.unwrap();
    assert_eq!(taken.status, BookingStatus::Waiting);
    assert!(taken.pending);
    assert_eq!(taken.customer_id, 2);
    assert!(desk.needs_attention().await.unwrap().is_empty());
    let detail = desk.leisure().session(1).await.unwrap();
    assert_eq!(detail.session.session.waiting, 1);
    assert_eq!(detail.bookings.last().unwrap().status, BookingStatus::Waiting);

    let report = desk.sync_now().await.unwrap();
    assert_eq!(report.applied, 1);
    let w = server.world();
    let on_server = &w.bookings[&taken.id];
    assert_eq!(on_server.status, BookingStatus::Waiting);
    assert_eq!(on_server.channel, Channel::Telephone);
}

#[tokio::test]
async fn dismissing_needs_a_note_and_taking_another_session_books_it() {
    let server = FakeServer::start().await;
    seed(&mut server.world(), 1);
    let dir = tempfile::tempdir().unwrap();
    let desk = synced_desk(dir.path(), &server).await;
    desk.leisure().book_place(1, 1, Channel::FaceToFace).await.unwrap();
    desk.leisure().book_place(1, 2, Channel::FaceToFace).await.unwrap_err(); // full locally: refused at once
    server.world().book_elsewhere(1, 3);
    desk.sync_now().await.unwrap();
    let item = desk.needs_attention().await.unwrap().remove(0);

    for bad in ["", "   ", &"x".repeat(501), "bell\u{7}"] {
        let err = desk.dismiss_attention(item.id, bad).await.unwrap_err();
        assert_eq!(err.code(), "invalid_input", "note {bad:?}");
    }
    assert_eq!(
        desk.needs_attention().await.unwrap().len(),
        1,
        "still there after bad notes"
    );
    assert_eq!(
        desk.leisure().take_alternative(item.id, 9).await.unwrap_err().code(),
        "invalid_input"
    );
    assert_eq!(
        desk.leisure()
            .take_alternative(uuid::Uuid::now_v7(), 0)
            .await
            .unwrap_err()
            .code(),
        "not_found"
    );

    let other = item
        .alternatives
        .iter()
        .position(|a| matches!(a, Alternative::BookSession { session_id: 2, .. }))
        .unwrap();
    let booked = desk.leisure().take_alternative(item.id, other).await.unwrap();
    assert_eq!((booked.session_id, booked.status), (2, BookingStatus::Booked));
    assert_eq!(
        desk.dismiss_attention(item.id, "already dealt with")
            .await
            .unwrap_err()
            .code(),
        "not_found",
        "a resolved item cannot be resolved again"
    );
    assert_eq!(desk.sync_now().await.unwrap().applied, 1);

    // A second refusal, dismissed with a note.
    desk.leisure().book_place(2, 3, Channel::Email).await.unwrap();
    {
        let mut w = server.world();
        let mut s = w.sessions[&2].clone();
        s.cancelled = true;
        w.put_session(s);
    }
    desk.sync_now().await.unwrap();
    let items = desk.needs_attention().await.unwrap();
    assert_eq!(items.len(), 1);
    assert_eq!(items[0].code, "session_cancelled");
    desk.dismiss_attention(items[0].id, "Customer told by phone; no refund due.")
        .await
        .unwrap();
    assert!(desk.needs_attention().await.unwrap().is_empty());
    assert_eq!(desk.sync_status().await.unwrap().needs_attention, 0);
}

#[tokio::test]
async fn local_rules_refuse_at_once_and_record_nothing() {
    let server = FakeServer::start().await;
    seed(&mut server.world(), 1);
    server.world().book_elsewhere(1, 3);
    let dir = tempfile::tempdir().unwrap();
    let desk = synced_desk(dir.path(), &server).await;

    let err = desk.leisure().book_place(1, 1, Channel::FaceToFace).await.unwrap_err();
    assert_eq!(err.code(), "session_full");
    assert!(err.to_string().contains("full"), "{err}");
    let err = desk
        .leisure()
        .join_waiting_list(2, 1, Channel::FaceToFace)
        .await
        .unwrap_err();
    assert_eq!(err.code(), "places_available");
    let err = desk.leisure().book_place(1, 99, Channel::FaceToFace).await.unwrap_err();
    assert_eq!(err.code(), "not_found");
    let err = desk.leisure().book_place(99, 1, Channel::FaceToFace).await.unwrap_err();
    assert_eq!(err.code(), "not_found");
    assert_eq!(
        desk.sync_status().await.unwrap().pending,
        0,
        "nothing went to the outbox"
    );

    // Twice the same customer: the second is refused by the overlay.
    desk.leisure().book_place(2, 1, Channel::FaceToFace).await.unwrap();
    assert_eq!(
        desk.leisure()
            .book_place(2, 1, Channel::FaceToFace)
            .await
            .unwrap_err()
            .code(),
        "already_booked"
    );
    assert_eq!(desk.sync_status().await.unwrap().pending, 1);
}

#[tokio::test]
async fn cancelling_a_pending_booking_and_a_confirmed_one() {
    let server = FakeServer::start().await;
    seed(&mut server.world(), 2);
    let dir = tempfile::tempdir().unwrap();
    let desk = synced_desk(dir.path(), &server).await;

    let a = desk.leisure().book_place(1, 1, Channel::FaceToFace).await.unwrap();
    desk.leisure().cancel_place(a.id, Channel::FaceToFace).await.unwrap();
    let detail = desk.leisure().session(1).await.unwrap();
    assert_eq!(detail.session.session.booked, 0);
    assert!(detail.bookings.is_empty(), "cancelled bookings are not listed");
    assert_eq!(
        desk.leisure()
            .cancel_place(a.id, Channel::FaceToFace)
            .await
            .unwrap_err()
            .code(),
        "already_cancelled"
    );

    let b = desk.leisure().book_place(1, 2, Channel::FaceToFace).await.unwrap();
    desk.sync_now().await.unwrap();
    assert_eq!(server.world().live_bookings(1).len(), 1);
    desk.leisure().cancel_place(b.id, Channel::Telephone).await.unwrap();
    assert_eq!(desk.leisure().session(1).await.unwrap().session.session.booked, 0);
    let report = desk.sync_now().await.unwrap();
    assert_eq!(report.applied, 1);
    assert!(server.world().live_bookings(1).is_empty());
    assert_eq!(desk.sync_status().await.unwrap().pending, 0);
    assert_eq!(
        desk.leisure()
            .cancel_place(uuid::Uuid::now_v7(), Channel::FaceToFace)
            .await
            .unwrap_err()
            .code(),
        "not_found"
    );
}

#[tokio::test]
async fn a_lost_push_response_is_retried_and_applied_once() {
    let server = FakeServer::start().await;
    seed(&mut server.world(), 5);
    let dir = tempfile::tempdir().unwrap();
    let desk = synced_desk(dir.path(), &server).await;
    let b1 = desk.leisure().book_place(1, 1, Channel::FaceToFace).await.unwrap();
    let b2 = desk.leisure().book_place(1, 2, Channel::FaceToFace).await.unwrap();

    server.world().lose_next_push_response = true;
    let err = desk.sync_now().await.unwrap_err();
    assert_eq!(err.code(), "server_error");
    assert_eq!(server.world().live_bookings(1).len(), 2, "the server did apply them");
    assert_eq!(
        desk.sync_status().await.unwrap().pending,
        2,
        "but the desk does not know yet"
    );

    desk.sync_now().await.unwrap();
    {
        let w = server.world();
        assert!(
            w.applied.values().all(|n| *n == 1),
            "every mutation applied exactly once: {:?}",
            w.applied
        );
        assert_eq!(w.applied.len(), 2);
        assert_eq!(w.live_bookings(1).len(), 2);
    }
    let detail = desk.leisure().session(1).await.unwrap();
    assert_eq!(detail.session.session.booked, 2);
    assert!(detail.bookings.iter().all(|b| !b.pending));
    assert!(detail.bookings.iter().any(|b| b.id == b1.id) && detail.bookings.iter().any(|b| b.id == b2.id));
    assert_eq!(desk.sync_status().await.unwrap().pending, 0);
}

#[tokio::test]
async fn pulls_page_apply_tombstones_and_reset_drops_what_is_gone() {
    let server = FakeServer::start().await;
    {
        let mut w = server.world();
        seed(&mut w, 5);
        for i in 10..12_010 {
            w.add_customer(customer(i, "Calum", &format!("Ross{i}"), (1990, 1, 1)));
        }
    }
    let dir = tempfile::tempdir().unwrap();
    let desk = open_desk(dir.path(), &server.url).await;
    desk.sign_in("eilidh", "correct horse").await.unwrap();
    let report = desk.sync_now().await.unwrap();
    assert_eq!(report.pulled_rows, 12_006);
    assert_eq!(report.pages, 3, "5,000 rows a page");
    assert_eq!(desk.leisure().search_customers("Ross12009", 10).await.unwrap().len(), 1);

    server.world().delete(table::SESSIONS, "2");
    desk.sync_now().await.unwrap();
    assert!(
        desk.leisure().timetable(1, day(2)).await.unwrap().is_empty(),
        "tombstone removed the session"
    );
    assert_eq!(desk.leisure().timetable(1, day(1)).await.unwrap().len(), 1);

    // The server forgets customer 3 without a tombstone and answers with reset.
    {
        let mut w = server.world();
        w.log.retain(|c| !(c.table == table::CUSTOMERS && c.id == "3"));
        w.reset_next_pull = true;
    }
    let before = desk.leisure().search_customers("Iain", 10).await.unwrap();
    assert_eq!(before.len(), 1);
    let report = desk.sync_now().await.unwrap();
    assert!(report.pulled_rows > 12_000, "reset pulls from the beginning");
    assert!(desk.leisure().search_customers("Iain", 10).await.unwrap().is_empty());
    assert_eq!(desk.leisure().search_customers("Seonaid", 10).await.unwrap().len(), 1);
    assert!(desk.leisure().timetable(1, day(2)).await.unwrap().is_empty());
}

#[tokio::test]
async fn sign_in_and_tokens() {
    let server = FakeServer::start().await;
    seed(&mut server.world(), 5);
    let dir = tempfile::tempdir().unwrap();
    let desk = open_desk(dir.path(), &server.url).await;
    assert_eq!(desk.sync_now().await.unwrap_err().code(), "not_signed_in");
    let err = desk.sign_in("eilidh", "wrong").await.unwrap_err();
    assert_eq!(err.code(), "bad_credentials");
    assert_eq!(err.to_body().code, "bad_credentials");
    assert!(matches!(err, DeskError::ServerRejected { status: 401, ref code, .. } if code == "bad_credentials"));
    assert_eq!(desk.sign_in("", "x").await.unwrap_err().code(), "invalid_input");
    let staff = desk.sign_in("eilidh", "correct horse").await.unwrap();
    assert_eq!(staff.display_name, "Eilidh Grant");
    assert_eq!(desk.sync_status().await.unwrap().signed_in, Some(staff));
    desk.sync_now().await.unwrap();

    // The server forgets the token: the desk says so and stops using it.
    server.world().tokens.clear();
    assert_eq!(desk.sync_now().await.unwrap_err().code(), "not_signed_in");
    let status = desk.sync_status().await.unwrap();
    assert!(status.signed_in.is_none());
    assert_eq!(status.last_error.unwrap().code, "not_signed_in");
}

#[tokio::test]
async fn another_staff_member_signing_in_drops_the_previous_replica() {
    let server = FakeServer::start().await;
    seed(&mut server.world(), 5);
    let dir = tempfile::tempdir().unwrap();
    let desk = synced_desk(dir.path(), &server).await;
    let pulls = server.world().pulls;
    desk.sign_in("other", "correct horse").await.unwrap();
    let report = desk.sync_now().await.unwrap();
    assert!(report.pulled_rows >= 6, "pulled again from the beginning: {report:?}");
    assert!(server.world().pulls > pulls);
}

#[tokio::test]
async fn a_seq_gap_is_reported_and_nothing_is_lost() {
    let server = FakeServer::start().await;
    seed(&mut server.world(), 5);
    let dir = tempfile::tempdir().unwrap();
    let desk = synced_desk(dir.path(), &server).await;
    desk.leisure().book_place(1, 1, Channel::FaceToFace).await.unwrap();
    desk.sync_now().await.unwrap();
    // The server is restored from a backup taken before that push.
    {
        let mut w = server.world();
        w.last_seq.clear();
        w.receipts.clear();
    }
    desk.leisure().book_place(2, 1, Channel::FaceToFace).await.unwrap();
    let err = desk.sync_now().await.unwrap_err();
    assert!(
        matches!(&err, DeskError::ServerRejected { code, .. } if code == "seq_gap"),
        "{err:?}"
    );
    // Re-planned from the server's device_last_seq: the gap is reported, not pushed blindly.
    let pushes = server.world().pushes;
    let err = desk.sync_now().await.unwrap_err();
    assert!(
        matches!(&err, DeskError::ServerRejected { code, .. } if code == "seq_gap"),
        "{err:?}"
    );
    assert_eq!(server.world().pushes, pushes, "no blind retry");
    assert_eq!(
        desk.sync_status().await.unwrap().pending,
        1,
        "the unsent booking is kept"
    );
}

#[tokio::test]
async fn a_booking_on_one_desk_reaches_another_through_a_poke() {
    let server = FakeServer::start().await;
    seed(&mut server.world(), 20);
    let dir_a = tempfile::tempdir().unwrap();
    let dir_b = tempfile::tempdir().unwrap();
    let a = synced_desk(dir_a.path(), &server).await;
    let b = synced_desk(dir_b.path(), &server).await;
    let loop_a = a.start_sync();
    let loop_b = b.start_sync();
    tokio::time::sleep(Duration::from_millis(300)).await; // poke streams connect

    let mut worst = Duration::ZERO;
    for customer in 1..=3 {
        let t = Instant::now();
        let booking = a.leisure().book_place(1, customer, Channel::FaceToFace).await.unwrap();
        loop {
            let detail = b.leisure().session(1).await.unwrap();
            if detail.bookings.iter().any(|x| x.id == booking.id) {
                break;
            }
            assert!(t.elapsed() < Duration::from_secs(5), "desk B never saw the booking");
            tokio::time::sleep(Duration::from_millis(5)).await;
        }
        worst = worst.max(t.elapsed());
    }
    assert!(worst < Duration::from_secs(2), "desk to desk took {worst:?}");
    // Desk A settles its own outbox from the pull the poke triggered.
    let t = Instant::now();
    while a.sync_status().await.unwrap().pending > 0 {
        assert!(t.elapsed() < Duration::from_secs(5), "desk A never settled");
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    loop_a.stop().await;
    loop_b.stop().await;
    assert_eq!(b.leisure().session(1).await.unwrap().session.session.booked, 3);
}

#[tokio::test]
async fn the_sync_loop_retries_until_the_server_is_back() {
    let server = FakeServer::start().await;
    seed(&mut server.world(), 5);
    let dir = tempfile::tempdir().unwrap();
    let desk = synced_desk(dir.path(), &server).await;
    server.world().down = true;
    let sync = desk.start_sync();
    let mut status = desk.watch_status();
    desk.leisure().book_place(1, 1, Channel::FaceToFace).await.unwrap();
    tokio::time::timeout(Duration::from_secs(5), status.wait_for(|s| !s.online))
        .await
        .expect("the header learns the server is down")
        .unwrap();
    server.world().down = false;
    tokio::time::timeout(Duration::from_secs(10), status.wait_for(|s| s.online && s.pending == 0))
        .await
        .expect("retried with backoff and settled")
        .unwrap();
    sync.stop().await;
    assert_eq!(server.world().live_bookings(1).len(), 1);
}

#[tokio::test]
async fn the_server_s_capabilities_set_the_batch_size_and_an_incompatible_server_is_refused() {
    let server = FakeServer::start().await;
    seed(&mut server.world(), 20);
    server.world().max_push = Some(2);
    let dir = tempfile::tempdir().unwrap();
    let desk = synced_desk(dir.path(), &server).await;
    for customer in 1..=3 {
        desk.leisure()
            .book_place(1, customer, Channel::FaceToFace)
            .await
            .unwrap();
        desk.leisure()
            .book_place(2, customer, Channel::FaceToFace)
            .await
            .unwrap();
    }
    let pushes = server.world().pushes;
    let report = desk.sync_now().await.unwrap();
    assert_eq!((report.pushed, report.applied), (6, 6));
    assert_eq!(
        server.world().pushes - pushes,
        3,
        "six mutations in batches of two, in seq order"
    );
    assert_eq!(server.world().last_seq[&desk.device_id()], 6);

    server.world().api_version = Some(desk_domain::API_VERSION + 1);
    let other = tempfile::tempdir().unwrap();
    let desk = open_desk(other.path(), &server.url).await;
    let err = desk.sign_in("eilidh", "correct horse").await.unwrap_err();
    assert_eq!(err.code(), "incompatible_server");
}

#[tokio::test]
async fn a_first_pull_shows_its_progress_and_clears_it_at_the_end() {
    let server = FakeServer::start().await;
    {
        let mut w = server.world();
        seed(&mut w, 5);
        for i in 10..15_010 {
            w.add_customer(customer(i, "Calum", &format!("Ross{i}"), (1990, 1, 1)));
        }
        w.pull_delay = Some(Duration::from_millis(100));
    }
    let dir = tempfile::tempdir().unwrap();
    let desk = open_desk(dir.path(), &server.url).await;
    desk.sign_in("eilidh", "correct horse").await.unwrap();
    let seen = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
    let mut status = desk.watch_status();
    let recorder = {
        let seen = seen.clone();
        tokio::spawn(async move {
            while status.changed().await.is_ok() {
                if let Some(p) = status.borrow_and_update().progress {
                    seen.lock().unwrap().push(p);
                }
            }
        })
    };
    let report = desk.sync_now().await.unwrap();
    recorder.abort();
    assert_eq!(report.pages, 4);
    let seen = seen.lock().unwrap().clone();
    assert!(!seen.is_empty(), "progress was shown during the first pull");
    assert!(
        seen.windows(2).all(|w| w[0].rows <= w[1].rows),
        "rows only grow: {seen:?}"
    );
    assert!(seen.iter().all(|p| p.percent < 100 && p.rows <= p.total), "{seen:?}");
    assert_eq!(seen[0].rows, 5_000);
    assert!(
        desk.sync_status().await.unwrap().progress.is_none(),
        "cleared when done"
    );
}

#[tokio::test]
async fn the_poke_stream_is_opened_again_after_it_ends() {
    let server = FakeServer::start().await;
    seed(&mut server.world(), 20);
    let dir = tempfile::tempdir().unwrap();
    let desk = synced_desk(dir.path(), &server).await;
    let sync = desk.start_sync();
    tokio::time::sleep(Duration::from_millis(300)).await;
    for round in 0..3 {
        server.end_poke_streams();
        tokio::time::sleep(Duration::from_millis(1_000)).await; // reconnects after a short backoff
        let booking = server.world().book_elsewhere(1, round + 1);
        server.poke();
        let t = Instant::now();
        while !desk
            .leisure()
            .session(1)
            .await
            .unwrap()
            .bookings
            .iter()
            .any(|b| b.id == booking)
        {
            assert!(
                t.elapsed() < Duration::from_secs(5),
                "round {round}: no poke reached the desk after its stream ended"
            );
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
    }
    sync.stop().await;
}
