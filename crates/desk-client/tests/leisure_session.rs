//! A session's life between two desks and the REAL council server on both backends (run under
//! `scripts/with-keyring`): a customer checked in by their scanned membership number, and the
//! waiting-list offer chain — a place cancelled on one desk is offered to the first person
//! waiting, the offer runs out on the server (its sweep), passes to the second, who accepts on
//! the other desk; each desk sees what the other and the server did.

use chrono::{Duration, Utc};
use desk_domain::{Booking, BookingStatus, Channel};
use desk_fixtures::DemoData;
use desk_testkit::world::{centre, class, customer, now, session};
use desk_testkit::{Backend, TestDb, TestServer, leisure_staff, tomorrow_at};
use uuid::Uuid;

mod staff;
use staff::{sign_in, staff_config};

fn ahead() -> chrono::NaiveDateTime {
    (now().date() + Duration::days(10)).and_hms_opt(9, 0, 0).unwrap()
}

fn booking(id: u128, session_id: i64, customer_id: i64, status: BookingStatus, position: u32) -> Booking {
    Booking {
        id: Uuid::from_u128(id),
        session_id,
        customer_id,
        centre_id: 1,
        status,
        waiting_position: position,
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

/// Centre 1 on the example policy (offers held 120 minutes, check-in from 30 minutes before):
/// session 100 tomorrow with its one place booked by customer 7 and customers 8 and 9
/// waiting; session 101 starting in ten minutes with customer 7 booked; session 102 ten days
/// ahead, beyond the window for everyone but members (7 and 14 days).
fn council() -> DemoData {
    let mut full = session(100, 1, 10, tomorrow_at(10), 1);
    (full.booked, full.waiting) = (1, 2);
    let mut soon = session(101, 1, 10, now() + Duration::minutes(10), 20);
    soon.booked = 1;
    DemoData {
        centres: vec![centre(1, "Moray Leisure Centre", "Elgin")],
        activities: vec![class(10, 1, "Aqua fit")],
        sessions: vec![full, soon, session(102, 1, 10, ahead(), 20)],
        customers: [(7, "Mòrag"), (8, "Seònaid"), (9, "Eilidh")]
            .into_iter()
            .map(|(id, first)| desk_domain::Customer {
                phone: Some(format!("01343 00000{id}")),
                ..customer(id, 1, first, "O'Neill", (1980, 2, 1))
            })
            .collect(),
        bookings: vec![
            booking(1, 100, 7, BookingStatus::Booked, 0),
            booking(2, 100, 8, BookingStatus::Waiting, 1),
            booking(3, 100, 9, BookingStatus::Waiting, 2),
            booking(4, 101, 7, BookingStatus::Booked, 0),
        ],
        staff: vec![
            leisure_staff("desk.s1", "Desk 1", 1),
            leisure_staff("desk.s2", "Desk 2", 1),
        ],
        ..DemoData::default()
    }
}

#[tokio::test]
async fn the_offer_chain_and_a_scanned_check_in_settle_between_two_desks_on_both_backends() {
    for backend in [Backend::Sqlite, Backend::Postgres] {
        let dir = tempfile::tempdir().unwrap();
        let db = TestDb::new(backend, dir.path());
        let store = db.open();
        desk_server::load_demo(&*store, &council()).unwrap();
        let mut server = TestServer::start(store.clone()).await;
        let one = sign_in(&staff_config(&dir.path().join("one"), server.url()), "desk.s1").await;
        let two = sign_in(&staff_config(&dir.path().join("two"), server.url()), "desk.s2").await;
        one.sync_now().await.unwrap();
        two.sync_now().await.unwrap();

        // A scanned membership number finds the one customer and their booking for now.
        let found = one.leisure().check_in_find(" m000007 ").await.unwrap();
        assert_eq!(found.len(), 1, "{backend:?}");
        assert_eq!(found[0].bookings_now.len(), 1, "{backend:?}: {found:?}");
        assert!(found[0].warnings.is_empty(), "{backend:?}: {:?}", found[0].warnings);
        let shown = one.leisure().check_in(7, None, Channel::FaceToFace).await.unwrap();
        assert!(
            shown.bookings_now[0].attended && shown.bookings_now[0].pending,
            "{backend:?}"
        );
        let nobody = one.leisure().check_in(8, None, Channel::FaceToFace).await.unwrap_err();
        assert_eq!(nobody.code(), "no_booking", "{backend:?}: {nobody}");

        // Ten days ahead is beyond everyone's window but members': the timetable says when it
        // opens, and a booking is refused on the desk at once, nothing queued.
        let day = one.leisure().timetable(1, ahead().date()).await.unwrap();
        let opens = day[0].opens.expect("not yet open to everyone");
        assert_eq!(
            (opens.members, opens.everyone),
            (
                (ahead().date() - Duration::days(14)).and_hms_opt(7, 0, 0).unwrap(),
                (ahead().date() - Duration::days(7)).and_hms_opt(7, 0, 0).unwrap()
            ),
            "{backend:?}"
        );
        assert!(
            one.leisure().timetable(1, tomorrow_at(10).date()).await.unwrap()[0]
                .opens
                .is_none()
        );
        let early = one.leisure().book_place(102, 8, Channel::Telephone).await.unwrap_err();
        assert_eq!(early.code(), "not_yet_open", "{backend:?}: {early}");
        assert_eq!(
            one.sync_status().await.unwrap().pending,
            1,
            "{backend:?}: only the check-in"
        );

        // Desk one cancels customer 7's place: offered at once to customer 8, on this desk.
        one.leisure()
            .cancel_place(Uuid::from_u128(1), Channel::Telephone)
            .await
            .unwrap();
        let offers = one.leisure().offers(Some(1)).await.unwrap();
        assert_eq!(
            offers.iter().map(|o| (o.customer_id, o.pending)).collect::<Vec<_>>(),
            [(8, true)],
            "{backend:?}"
        );
        one.sync_now().await.unwrap();
        two.sync_now().await.unwrap();
        let offers = two.leisure().offers(None).await.unwrap();
        assert_eq!(offers.len(), 1, "{backend:?}");
        assert_eq!(
            (offers[0].customer_id, offers[0].phone.as_deref(), offers[0].pending),
            (8, Some("01343 000008"), false),
            "{backend:?}"
        );

        // Nobody answers: the server's sweep passes the offer to customer 9.
        let later = now() + Duration::minutes(121);
        assert_eq!(store.expire_offers(later).unwrap(), [100], "{backend:?}");
        two.sync_now().await.unwrap();
        let offers = two.leisure().offers(None).await.unwrap();
        assert_eq!(
            offers.iter().map(|o| o.customer_id).collect::<Vec<_>>(),
            [9],
            "{backend:?}"
        );

        // Customer 9 takes it on desk two; desk one sees the place booked.
        let taken = two
            .leisure()
            .accept_offer(Uuid::from_u128(3), Channel::Telephone)
            .await
            .unwrap();
        assert_eq!(taken.status, BookingStatus::Booked, "{backend:?}");
        two.sync_now().await.unwrap();
        one.sync_now().await.unwrap();
        assert!(one.leisure().offers(None).await.unwrap().is_empty(), "{backend:?}");
        let detail = one.leisure().session(100).await.unwrap();
        let live: Vec<(i64, BookingStatus)> = detail.bookings.iter().map(|b| (b.customer_id, b.status)).collect();
        assert_eq!(live, [(9, BookingStatus::Booked)], "{backend:?}");
        assert_eq!((detail.session.session.booked, detail.session.session.waiting), (1, 0));
        // Customer 8's answer comes too late: refused on the desk, nothing recorded.
        let late = one
            .leisure()
            .accept_offer(Uuid::from_u128(2), Channel::Telephone)
            .await
            .unwrap_err();
        assert_eq!(late.code(), "no_offer", "{backend:?}: {late}");
        assert_eq!(one.sync_status().await.unwrap().pending, 0, "{backend:?}");
        server.stop().await;
    }
}
