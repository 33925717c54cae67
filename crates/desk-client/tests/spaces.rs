//! Spaces and block bookings against the REAL council server on both backends (run under
//! `scripts/with-keyring`): a club's block booked on desk A while it is offline clashes on one
//! date with a one-off booked on desk B, offline too; both reconnect, B first; the server
//! decides each date of the block, and the refused date lands in A's Needs attention with free
//! alternatives, one of which A takes. Before confirming, A's check (offline, from its replica)
//! lists every date; bad blocks are refused with nothing recorded.

use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use chrono::{Duration, NaiveTime};
use desk_client::leisure::BlockInput;
use desk_domain::leisure::space_records::SpaceBookingRecord;
use desk_domain::{Alternative, Channel};
use desk_fixtures::DemoData;
use desk_fixtures::spaces::{space_id, spaces};
use desk_testkit::world::{centre, customer};
use desk_testkit::{Backend, TestDb, TestServer, leisure_staff, tomorrow_at};
use tokio::io::copy_bidirectional;
use tokio::net::{TcpListener, TcpStream};

mod staff;
use staff::{sign_in, staff_config};

/// A loopback relay to the server that can be switched off: while off, every connection is
/// dropped at once, as a desk without a network sees it.
struct Link {
    url: String,
    up: Arc<AtomicBool>,
}

impl Link {
    async fn start(upstream: SocketAddr) -> Link {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!("http://{}", listener.local_addr().unwrap());
        let up = Arc::new(AtomicBool::new(true));
        let flag = up.clone();
        tokio::spawn(async move {
            while let Ok((mut client, _)) = listener.accept().await {
                if !flag.load(Ordering::SeqCst) {
                    continue;
                }
                tokio::spawn(async move {
                    if let Ok(mut server) = TcpStream::connect(upstream).await {
                        let _ = copy_bidirectional(&mut client, &mut server).await;
                    }
                });
            }
        });
        Link { url, up }
    }

    fn set(&self, up: bool) {
        self.up.store(up, Ordering::SeqCst);
    }
}

/// Centre 1 with the demo's spaces (pitch, halves, quarters, hall and courts, studio), priced by
/// the example list; the club's contact (7) and a customer (8); a desk for each of two staff.
fn council() -> DemoData {
    let centres = vec![centre(1, "Moray Leisure Centre", "Elgin")];
    DemoData {
        spaces: spaces(&centres),
        centres,
        customers: vec![
            customer(7, 1, "Mòrag", "O'Neill", (1980, 2, 1)),
            customer(8, 1, "Seònaid", "MacAoidh", (1975, 12, 24)),
        ],
        staff: vec![
            leisure_staff("desk.m1", "Desk 1", 1),
            leisure_staff("desk.m2", "Desk 2", 1),
        ],
        ..DemoData::default()
    }
}

fn block(court: i64, weeks: i64) -> BlockInput {
    let first = tomorrow_at(10).date();
    BlockInput {
        space_id: space_id(1, court),
        first,
        last: first + Duration::weeks(weeks - 1),
        every: "week".into(),
        starts: NaiveTime::from_hms_opt(10, 0, 0).unwrap(),
        ends: NaiveTime::from_hms_opt(11, 0, 0).unwrap(),
        customer_id: 7,
        club: "Forres Badminton Club".into(),
    }
}

#[tokio::test]
async fn an_offline_block_clashing_with_another_desks_one_off_lands_in_needs_attention() {
    for backend in [Backend::Sqlite, Backend::Postgres] {
        let dir = tempfile::tempdir().unwrap();
        let db = TestDb::new(backend, dir.path());
        let store = db.open();
        desk_server::load_demo(&*store, &council()).unwrap();
        let mut server = TestServer::start(store.clone()).await;
        let addr: SocketAddr = server.url().trim_start_matches("http://").parse().unwrap();
        let (link_a, link_b) = (Link::start(addr).await, Link::start(addr).await);
        let a = sign_in(&staff_config(&dir.path().join("a"), link_a.url.clone()), "desk.m1").await;
        let b = sign_in(&staff_config(&dir.path().join("b"), link_b.url.clone()), "desk.m2").await;
        a.sync_now().await.unwrap();
        b.sync_now().await.unwrap();
        link_a.set(false);
        link_b.set(false);

        // Bad blocks: refused whole, nothing recorded.
        let mut backwards = block(11, 4);
        backwards.ends = NaiveTime::from_hms_opt(9, 0, 0).unwrap();
        let err = a.leisure().check_block(backwards.clone()).await.unwrap_err();
        assert_eq!(err.code(), "invalid_input", "{backend:?}: {err}");
        assert!(err.to_string().contains("end after it starts"), "{err}");
        let err = a
            .leisure()
            .book_block(block(11, 200), Channel::Telephone)
            .await
            .unwrap_err();
        assert!(
            err.to_string().contains("longer than this centre's limit of 52"),
            "{backend:?}: {err}"
        );
        assert_eq!(a.sync_status().await.unwrap().pending, 0, "{backend:?}");

        // B, offline, books court 1 on the block's first date (inside the 7-day window) for a
        // customer.
        let one_off_at = tomorrow_at(10);
        let one_off = b
            .leisure()
            .book_space(
                space_id(1, 11),
                one_off_at,
                one_off_at + Duration::hours(1),
                8,
                None,
                Channel::FaceToFace,
            )
            .await
            .unwrap();
        assert!(one_off.pending, "{backend:?}");

        // A, offline, checks the block: every date listed, all free on A's replica.
        let checked = a.leisure().check_block(block(11, 4)).await.unwrap();
        assert_eq!(checked.dates.len(), 4, "{backend:?}");
        assert_eq!(checked.free, 4, "{backend:?}: {:?}", checked.dates);
        let booked = a.leisure().book_block(block(11, 4), Channel::Telephone).await.unwrap();
        assert_eq!(booked.booked.len(), 4, "{backend:?}");
        assert!(
            booked
                .booked
                .iter()
                .all(|v| v.pending && v.block_id == Some(booked.block_id))
        );
        // The block's own dates now clash on A's replica + overlay (a second check says so).
        let again = a.leisure().check_block(block(11, 4)).await.unwrap();
        assert_eq!(again.refused, 4, "{backend:?}");
        assert!(again.dates.iter().all(|d| d.outcome == "clash"));

        // Both reconnect; B's one-off reaches the server first.
        link_b.set(true);
        let report = b.sync_now().await.unwrap();
        assert_eq!(report.applied, 1, "{backend:?}");
        link_a.set(true);
        let report = a.sync_now().await.unwrap();
        assert_eq!((report.applied, report.rejected), (3, 1), "{backend:?}");

        let items = a.needs_attention().await.unwrap();
        let [item] = &items[..] else {
            panic!("{backend:?}: one refused date, got {items:?}")
        };
        assert_eq!(
            (item.name.as_str(), item.code.as_str()),
            ("leisure.book_space", "space_taken")
        );
        assert!(item.summary.contains("Forres Badminton Club"), "{}", item.summary);
        assert!(
            item.summary.contains(&format!("{}", one_off_at.format("%-d %b"))),
            "{}",
            item.summary
        );
        let courts: Vec<i64> = item
            .alternatives
            .iter()
            .filter_map(|alt| match alt {
                Alternative::BookSpace { space_id, starts, .. } if *starts == one_off_at => Some(*space_id),
                _ => None,
            })
            .collect();
        assert_eq!(
            courts,
            [space_id(1, 12), space_id(1, 13), space_id(1, 14)],
            "{backend:?}: the other courts"
        );

        // A takes court 2 for that date: booked for the club in the same block.
        let taken = a.leisure().take_space_alternative(item.id, 0).await.unwrap();
        assert_eq!(
            (taken.space_id, taken.block_id, taken.club.as_deref()),
            (space_id(1, 12), Some(booked.block_id), Some("Forres Badminton Club"))
        );
        a.sync_now().await.unwrap();
        assert!(a.needs_attention().await.unwrap().is_empty(), "{backend:?}");

        let held: Vec<SpaceBookingRecord> = store
            .records("space_bookings", &[])
            .unwrap()
            .into_iter()
            .map(|v| serde_json::from_value(v).unwrap())
            .collect();
        let in_block = held.iter().filter(|r| r.block_id == Some(booked.block_id)).count();
        assert_eq!(
            (held.len(), in_block),
            (5, 4),
            "{backend:?}: 3 block dates + court 2 + B's one-off"
        );
        // A's day view shows the one-off and the club on the other court, both confirmed.
        a.sync_now().await.unwrap();
        let day = a.leisure().spaces_day(1, one_off_at.date()).await.unwrap();
        let at_ten: Vec<(i64, &str, bool)> = day
            .bookings
            .iter()
            .filter(|v| v.starts == one_off_at)
            .map(|v| (v.space_id, v.holder.as_str(), v.pending))
            .collect();
        assert_eq!(
            at_ten,
            [
                (space_id(1, 11), "Seònaid MacAoidh", false),
                (space_id(1, 12), "Forres Badminton Club", false)
            ],
            "{backend:?}"
        );
        let window = day.window.expect("the example policy");
        assert_eq!((window.days_ahead, window.member_days_ahead), (7, 14));
        server.stop().await;
    }
}
