//! The storage conformance suite: every case runs on SQLite and on PostgreSQL
//! (`sqlite::<case>` and `postgres::<case>`), against the same `Store` trait.

mod common;

use std::collections::{BTreeMap, HashSet};
use std::sync::Arc;

use common::*;
use desk_domain::{Alternative, BookingStatus, Outcome, Session};
use desk_server::{PushError, Store, SyncRow};
use uuid::Uuid;

conformance!(
    push_applies_and_stores_a_receipt,
    replay_returns_the_stored_receipt_and_applies_nothing_twice,
    seq_gap_is_refused_and_nothing_is_applied,
    permanent_rejections_are_stored_and_advance,
    capacity_holds_under_concurrency,
    cancel_offers_the_freed_place_to_the_first_waiting,
    pull_paging_never_skips_or_repeats,
    scope_keeps_centres_apart,
    bulk_load_is_all_or_nothing_and_keeps_bookings,
    timetable_import_reports_bad_rows_and_stores_nothing,
    changed_migration_is_refused,
    a_database_migrated_from_the_retired_files_still_opens,
);

fn applied(o: &Outcome) -> bool {
    matches!(o, Outcome::Applied)
}

fn rejected_code(o: &Outcome) -> &str {
    match o {
        Outcome::Rejected { code, .. } => code,
        other => panic!("expected a rejection, got {other:?}"),
    }
}

fn session_of(store: &dyn Store, id: i64) -> Session {
    store.session(id).unwrap().expect("session exists")
}

/// Every row of `buckets`, paged `limit` at a time from version 0.
fn pull_all(store: &dyn Store, buckets: &[String], limit: u32) -> Vec<SyncRow> {
    let mut after = 0;
    let mut out = Vec::new();
    loop {
        let page = store.pull(buckets, after, limit, (0, Uuid::nil()), 0).unwrap();
        if let Some(last) = page.rows.last() {
            after = last.version;
        }
        out.extend(page.rows);
        if !page.has_more {
            return out;
        }
    }
}

fn push_applies_and_stores_a_receipt(backend: &str) {
    let (_db, store) = world_store(backend);
    let desk = quick_caller(&*store, "desk.a", CENTRE_A);
    let cmd = book(SESSION_FULLABLE, 1);
    let m = envelope(desk.device_id, 1, &cmd);
    let head_before = store.head().unwrap();

    let result = store.push(&desk, std::slice::from_ref(&m), now()).unwrap();
    assert_eq!(result.receipts.len(), 1);
    let r = &result.receipts[0];
    assert!(applied(&r.outcome), "{r:?}");
    assert_eq!((r.seq, r.mutation_id), (1, m.mutation_id));
    assert_eq!(result.device_last_seq, 1);
    assert!(r.version > head_before, "the receipt points at the change it made");
    assert_eq!(store.head().unwrap(), r.version);
    assert_eq!(store.count("receipts").unwrap(), 1);

    let booking = store.booking(booking_id(&cmd)).unwrap().expect("booking stored");
    assert_eq!(booking.status, BookingStatus::Booked);
    assert_eq!(booking.staff_id, desk.staff_id, "who booked comes from the caller");
    assert_eq!(session_of(&*store, SESSION_FULLABLE).booked, 1);

    // The booking and the session's new count are both in the sync log, in centre A's bucket.
    let rows = store
        .pull(
            &strs(&desk.buckets),
            head_before,
            100,
            (desk.staff_id, desk.device_id),
            0,
        )
        .unwrap();
    let tables: HashSet<&str> = rows.rows.iter().map(|r| r.table.as_str()).collect();
    assert_eq!(tables, HashSet::from(["bookings", "sessions"]));
    let session_row = rows.rows.iter().find(|r| r.table == "sessions").unwrap();
    let pulled: Session = serde_json::from_str(session_row.data.as_deref().unwrap()).unwrap();
    assert_eq!(pulled.booked, 1);
    assert_eq!(rows.receipts, result.receipts, "pull returns the device's receipts");
    assert_eq!(rows.device_last_seq, 1);
}

fn replay_returns_the_stored_receipt_and_applies_nothing_twice(backend: &str) {
    let (_db, store) = world_store(backend);
    let desk = quick_caller(&*store, "desk.a", CENTRE_A);
    let batch = vec![
        envelope(desk.device_id, 1, &book(SESSION_FULLABLE, 1)),
        envelope(desk.device_id, 2, &book(SESSION_FULLABLE, 2)),
    ];
    let first = store.push(&desk, &batch, now()).unwrap();
    let head = store.head().unwrap();

    // The response was lost; the desk sends the same batch again, then more.
    let again = store.push(&desk, &batch, now()).unwrap();
    assert_eq!(again.receipts, first.receipts);
    assert_eq!(store.head().unwrap(), head, "a replay writes nothing");
    assert_eq!(session_of(&*store, SESSION_FULLABLE).booked, 2);
    assert_eq!(store.count("bookings").unwrap(), 2);

    let mut longer = batch.clone();
    longer.push(envelope(desk.device_id, 3, &book(SESSION_FULLABLE, 3)));
    let third = store.push(&desk, &longer, now()).unwrap();
    assert_eq!(third.receipts[..2], first.receipts[..]);
    assert!(applied(&third.receipts[2].outcome));
    assert_eq!(session_of(&*store, SESSION_FULLABLE).booked, 3);

    // Same seq, different mutation: refused, nothing changes.
    let impostor = envelope(desk.device_id, 2, &book(SESSION_FULLABLE, 9));
    match store.push(&desk, &[impostor], now()) {
        Err(PushError::SeqConflict { seq: 2, .. }) => {}
        other => panic!("expected seq_conflict, got {other:?}"),
    }
    assert_eq!(session_of(&*store, SESSION_FULLABLE).booked, 3);
    assert_eq!(store.count("receipts").unwrap(), 3);
}

fn seq_gap_is_refused_and_nothing_is_applied(backend: &str) {
    let (_db, store) = world_store(backend);
    let desk = quick_caller(&*store, "desk.a", CENTRE_A);
    store
        .push(&desk, &[envelope(desk.device_id, 1, &book(SESSION_FULLABLE, 1))], now())
        .unwrap();
    let head = store.head().unwrap();
    let batch = vec![
        envelope(desk.device_id, 3, &book(SESSION_FULLABLE, 2)),
        envelope(desk.device_id, 4, &book(SESSION_FULLABLE, 3)),
    ];
    match store.push(&desk, &batch, now()) {
        Err(PushError::SeqGap { expected: 2, got: 3 }) => {}
        other => panic!("expected seq_gap, got {other:?}"),
    }
    assert_eq!(store.head().unwrap(), head);
    assert_eq!(store.count("bookings").unwrap(), 1);
    assert_eq!(store.count("receipts").unwrap(), 1);
    assert_eq!(session_of(&*store, SESSION_FULLABLE).booked, 1);

    // A brand-new device must start at 1.
    let other = quick_caller(&*store, "desk.b", CENTRE_A);
    assert!(matches!(
        store.push(
            &other,
            &[envelope(other.device_id, 2, &book(SESSION_FULLABLE, 5))],
            now()
        ),
        Err(PushError::SeqGap { expected: 1, got: 2 })
    ));
}

fn permanent_rejections_are_stored_and_advance(backend: &str) {
    let (_db, store) = world_store(backend);
    let desk = quick_caller(&*store, "desk.a", CENTRE_A);
    let d = desk.device_id;
    let mut unknown = envelope(d, 1, &book(SESSION_FULLABLE, 1));
    unknown.name = "leisure.book_pitch".into();
    let mut bad_args = envelope(d, 2, &book(SESSION_FULLABLE, 1));
    bad_args.args = serde_json::json!({"booking_id": Uuid::now_v7(), "session_id": "one", "customer_id": 1});
    let no_session = envelope(d, 3, &book(999_999, 1));
    let no_customer = envelope(d, 4, &book(SESSION_FULLABLE, 999_999));
    let no_booking = envelope(d, 5, &cancel(Uuid::now_v7()));
    let first = book(SESSION_FULLABLE, 1);
    let good = envelope(d, 6, &first);
    let twice = envelope(d, 7, &book(SESSION_FULLABLE, 1));
    let waiting_with_space = envelope(d, 8, &join_waiting(SESSION_FULLABLE, 2));
    let batch = vec![
        unknown,
        bad_args,
        no_session,
        no_customer,
        no_booking,
        good,
        twice,
        waiting_with_space,
    ];
    let result = store.push(&desk, &batch, now()).unwrap();
    let codes: Vec<&str> = result
        .receipts
        .iter()
        .map(|r| {
            if applied(&r.outcome) {
                "applied"
            } else {
                rejected_code(&r.outcome)
            }
        })
        .collect();
    assert_eq!(
        codes,
        vec![
            "unknown_command",
            "bad_args",
            "unknown_session",
            "unknown_customer",
            "unknown_booking",
            "applied",
            "already_booked",
            "places_available"
        ]
    );
    assert_eq!(result.device_last_seq, 8, "rejections advance the device's seq");
    assert_eq!(store.count("receipts").unwrap(), 8);
    assert_eq!(store.count("bookings").unwrap(), 1);
    assert_eq!(session_of(&*store, SESSION_FULLABLE).booked, 1);
    // A replay of a rejection gives the same rejection, not a second attempt.
    let again = store.push(&desk, &batch[..1], now()).unwrap();
    assert_eq!(again.receipts[0], result.receipts[0]);
    // The next seq is accepted.
    let next = store
        .push(&desk, &[envelope(d, 9, &book(SESSION_FULLABLE, 3))], now())
        .unwrap();
    assert!(applied(&next.receipts[0].outcome));
}

fn capacity_holds_under_concurrency(backend: &str) {
    let (_db, store) = world_store(backend);
    let desks: Vec<_> = (0..50)
        .map(|i| quick_caller(&*store, &format!("desk{i}"), CENTRE_A))
        .collect();
    let barrier = Arc::new(std::sync::Barrier::new(desks.len()));
    let outcomes: Vec<Outcome> = std::thread::scope(|s| {
        let handles: Vec<_> = desks
            .iter()
            .enumerate()
            .map(|(i, desk)| {
                let store = store.clone();
                let barrier = barrier.clone();
                s.spawn(move || {
                    let m = envelope(desk.device_id, 1, &book(SESSION_FULLABLE, i as i64 + 1));
                    barrier.wait();
                    // A busy database is transient: the desk would push again.
                    loop {
                        match store.push(desk, std::slice::from_ref(&m), now()) {
                            Ok(r) => return r.receipts[0].outcome.clone(),
                            Err(PushError::Store(e)) if e.is_transient() => continue,
                            Err(e) => panic!("push failed: {e}"),
                        }
                    }
                })
            })
            .collect();
        handles.into_iter().map(|h| h.join().unwrap()).collect()
    });
    let applied_count = outcomes.iter().filter(|o| applied(o)).count();
    assert_eq!(applied_count, 20, "exactly capacity");
    let full: Vec<&Outcome> = outcomes.iter().filter(|o| !applied(o)).collect();
    assert_eq!(full.len(), 30);
    for o in full {
        assert_eq!(rejected_code(o), "session_full");
        let Outcome::Rejected { alternatives, .. } = o else {
            unreachable!()
        };
        assert_eq!(
            alternatives[0],
            Alternative::JoinWaitingList {
                session_id: SESSION_FULLABLE
            }
        );
        let offered: Vec<i64> = alternatives[1..]
            .iter()
            .map(|a| match a {
                Alternative::BookSession { session_id, .. } => *session_id,
                other => panic!("unexpected {other:?}"),
            })
            .collect();
        assert_eq!(offered, vec![SESSION_A_LATER, SESSION_A_LATER2]);
    }
    let s = session_of(&*store, SESSION_FULLABLE);
    assert_eq!(s.booked, 20);
    assert!(s.booked <= s.capacity);
    assert_eq!(store.count("bookings").unwrap(), 20);
}

fn cancel_offers_the_freed_place_to_the_first_waiting(backend: &str) {
    let (_db, store) = world_store(backend);
    let desk = quick_caller(&*store, "desk.a", CENTRE_A);
    let d = desk.device_id;
    let mut batch = Vec::new();
    let mut places = Vec::new();
    for c in 1..=20 {
        let cmd = book(SESSION_FULLABLE, c);
        places.push(booking_id(&cmd));
        batch.push(envelope(d, c as u64, &cmd));
    }
    let w1 = join_waiting(SESSION_FULLABLE, 21);
    let w2 = join_waiting(SESSION_FULLABLE, 22);
    batch.push(envelope(d, 21, &w1));
    batch.push(envelope(d, 22, &w2));
    let r = store.push(&desk, &batch, now()).unwrap();
    assert!(
        r.receipts.iter().all(|r| applied(&r.outcome)),
        "{:?}",
        r.receipts.last()
    );
    let s = session_of(&*store, SESSION_FULLABLE);
    assert_eq!((s.booked, s.waiting), (20, 2));
    assert_eq!(store.booking(booking_id(&w2)).unwrap().unwrap().waiting_position, 2);

    let r = store
        .push(&desk, &[envelope(d, 23, &cancel(places[0]))], now())
        .unwrap();
    assert!(applied(&r.receipts[0].outcome));
    let s = session_of(&*store, SESSION_FULLABLE);
    assert_eq!(
        (s.booked, s.waiting),
        (20, 1),
        "the freed place is held for the first waiting (counted booked), who leaves the waiting count"
    );
    assert_eq!(
        store.booking(places[0]).unwrap().unwrap().status,
        BookingStatus::Cancelled
    );
    let offered = store.booking(booking_id(&w1)).unwrap().unwrap();
    assert_eq!((offered.status, offered.waiting_position), (BookingStatus::Offered, 1));
    let until = offered.offer_until.expect("an offer is held until a time");
    assert!(
        until > now() && until <= s.starts_at,
        "held from now, never past the start: {until}"
    );
    assert_eq!(
        store.booking(booking_id(&w2)).unwrap().unwrap().status,
        BookingStatus::Waiting
    );

    // Leaving the waiting list frees no place; cancelling twice is refused.
    let r = store
        .push(
            &desk,
            &[
                envelope(d, 24, &cancel(booking_id(&w2))),
                envelope(d, 25, &cancel(places[0])),
            ],
            now(),
        )
        .unwrap();
    assert!(applied(&r.receipts[0].outcome));
    assert_eq!(rejected_code(&r.receipts[1].outcome), "already_cancelled");
    let s = session_of(&*store, SESSION_FULLABLE);
    assert_eq!((s.booked, s.waiting), (20, 0));
}

fn pull_paging_never_skips_or_repeats(backend: &str) {
    let (_db, store) = world_store(backend);
    let desk = quick_caller(&*store, "desk.a", CENTRE_A);
    // Two buckets, so pages are merged across them.
    let buckets = vec!["leisure:site:1".to_owned(), "leisure:site:2".to_owned()];
    let mut after = 0;
    let mut seen: BTreeMap<(String, String), u64> = BTreeMap::new();
    let mut versions = HashSet::new();
    let mut last_version = 0;
    let mut seq = 0;
    let mut pages = 0;
    loop {
        // Change rows between pages: some already pulled (customers, the session), some not.
        if pages % 5 == 4 && seq < 15 {
            seq += 1;
            store
                .push(
                    &desk,
                    &[envelope(desk.device_id, seq, &book(SESSION_FULLABLE, seq as i64))],
                    now(),
                )
                .unwrap();
            let update = desk_server::EntityBatch {
                customers: vec![
                    customer(pages as i64, CENTRE_A),
                    customer(CUSTOMERS_A - pages as i64, CENTRE_A),
                ],
                ..Default::default()
            };
            store.load(&update).unwrap();
        }
        let page = store
            .pull(&buckets, after, 7, (desk.staff_id, desk.device_id), 0)
            .unwrap();
        pages += 1;
        for row in &page.rows {
            assert!(row.version > last_version, "versions only go up across pages");
            last_version = row.version;
            assert!(
                versions.insert((row.table.clone(), row.id.clone(), row.version)),
                "repeated row"
            );
            assert!(buckets.contains(&row.bucket));
            seen.insert((row.table.clone(), row.id.clone()), row.version);
        }
        if let Some(last) = page.rows.last() {
            after = last.version;
        }
        if !page.has_more {
            break;
        }
    }
    assert!(pages > 40, "the test paged through many pages ({pages})");
    // What the pager holds is exactly the newest state of every row in scope.
    let truth: BTreeMap<(String, String), u64> = pull_all(&*store, &buckets, 5_000)
        .into_iter()
        .map(|r| ((r.table, r.id), r.version))
        .collect();
    assert_eq!(seen, truth);
    assert!(truth.len() > CUSTOMERS_A as usize + 20);
    let from_b = pull_all(&*store, &buckets[1..], 5_000).len();
    assert!(
        from_b >= 20 + 3,
        "centre B's rows are in the merged pages too ({from_b})"
    );
    assert_eq!(pull_all(&*store, &buckets[..1], 3).len() + from_b, truth.len());
}

fn scope_keeps_centres_apart(backend: &str) {
    let (_db, store) = world_store(backend);
    let a = quick_caller(&*store, "desk.a", CENTRE_A);
    let rows = pull_all(&*store, &strs(&a.buckets), 1_000);
    assert!(!rows.is_empty());
    assert!(
        rows.iter().all(|r| r.bucket == "leisure:site:1"),
        "centre A sees only centre A"
    );
    assert!(
        !rows
            .iter()
            .any(|r| r.table == "sessions" && r.id == SESSION_B.to_string())
    );
    assert!(
        !rows
            .iter()
            .any(|r| r.table == "customers" && r.id == (CUSTOMERS_A + 1).to_string())
    );

    let head = store.head().unwrap();
    let cmd = book(SESSION_B, CUSTOMERS_A + 1);
    let r = store.push(&a, &[envelope(a.device_id, 1, &cmd)], now()).unwrap();
    assert_eq!(rejected_code(&r.receipts[0].outcome), "out_of_scope");
    assert_eq!(r.device_last_seq, 1, "permanent: stored and advanced");
    assert!(store.booking(booking_id(&cmd)).unwrap().is_none());
    assert_eq!(session_of(&*store, SESSION_B).booked, 0);
    assert_eq!(store.head().unwrap(), head);
}

fn bulk_load_is_all_or_nothing_and_keeps_bookings(backend: &str) {
    let (_db, store) = world_store(backend);
    let desk = quick_caller(&*store, "desk.a", CENTRE_A);
    store
        .push(&desk, &[envelope(desk.device_id, 1, &book(SESSION_FULLABLE, 1))], now())
        .unwrap();
    // Reloading the timetable keeps the session's bookings and updates what it describes.
    let mut again = world();
    again.sessions[0].instructor = "Eilidh MacAoidh".into();
    store.load(&again).unwrap();
    let s = session_of(&*store, SESSION_FULLABLE);
    assert_eq!((s.booked, s.instructor.as_str()), (1, "Eilidh MacAoidh"));

    // A batch with one bad row (an activity at a centre that does not exist) stores nothing.
    let head = store.head().unwrap();
    let sessions = store.count("sessions").unwrap();
    let bad = desk_server::EntityBatch {
        sessions: vec![
            session(500, CENTRE_A, ACTIVITY_A, tomorrow_at(12), 10),
            session(501, CENTRE_A, 9_999, tomorrow_at(13), 10),
        ],
        ..Default::default()
    };
    assert!(store.load(&bad).is_err());
    assert_eq!(store.count("sessions").unwrap(), sessions);
    assert_eq!(store.head().unwrap(), head);
    assert!(store.session(500).unwrap().is_none());
}

fn timetable_import_reports_bad_rows_and_stores_nothing(backend: &str) {
    let db = db(backend);
    let store = open(&db);
    let fixtures = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures");
    let bad = std::fs::read_to_string(fixtures.join("timetable-bad.csv")).unwrap();
    match desk_server::import_timetable(&*store, &bad) {
        Err(desk_server::ImportError::Rows(rows)) => {
            let lines: Vec<usize> = rows.iter().map(|r| r.line).collect();
            assert_eq!(lines, vec![3, 4, 6, 7, 8, 9, 10, 11, 12]);
            assert!(rows[0].to_string().starts_with("line 3: capacity"));
        }
        other => panic!("expected row errors, got {other:?}"),
    }
    assert_eq!(store.count("sessions").unwrap(), 0);
    assert_eq!(store.count("centres").unwrap(), 0);
    assert_eq!(store.head().unwrap(), 0);

    let good = std::fs::read_to_string(fixtures.join("timetable-good.csv")).unwrap();
    let summary = desk_server::import_timetable(&*store, &good).unwrap();
    assert_eq!((summary.centres, summary.activities, summary.sessions), (2, 8, 14));
    assert_eq!(store.count("sessions").unwrap(), 14);
    assert!(store.session(90001).unwrap().is_some());
    // The import is in the sync log for the centres' desks.
    let rows = pull_all(&*store, &["leisure:site:9".to_owned()], 100);
    assert!(rows.iter().any(|r| r.table == "sessions"));
}

fn changed_migration_is_refused(backend: &str) {
    let db = db(backend);
    drop(open(&db));
    // Pretend the applied file was edited afterwards.
    match &db.config {
        desk_server::StoreConfig::Sqlite { path } => {
            let c = rusqlite::Connection::open(path).unwrap();
            c.execute("UPDATE schema_migrations SET checksum = 'edited' WHERE version = 1", [])
                .unwrap();
        }
        desk_server::StoreConfig::Postgres { url } => {
            let mut c = ::postgres::Client::connect(url, ::postgres::NoTls).unwrap();
            c.execute(
                "UPDATE schema_migrations SET checksum = 'edited' WHERE version = 1",
                &[],
            )
            .unwrap();
        }
    }
    let err = desk_server::open_store(&db.config)
        .err()
        .expect("a changed migration is refused");
    assert!(err.to_string().contains("changed after it was applied"), "{err}");
}

/// Databases migrated before the schema was described once recorded the checksums of the
/// hand-written files; they must open (and upgrade) as before.
fn a_database_migrated_from_the_retired_files_still_opens(backend: &str) {
    use desk_server::migrate::RETIRED_FILES;
    use desk_store::Dialect;
    let (db, store) = world_store(backend);
    let head = store.head().unwrap();
    drop(store);
    let dialect = if backend == "sqlite" {
        Dialect::Sqlite
    } else {
        Dialect::Postgres
    };
    let retired: Vec<(i32, String)> = RETIRED_FILES
        .iter()
        .filter(|(d, ..)| *d == dialect)
        .map(|(_, v, file, _)| (*v as i32, (*file).to_owned()))
        .collect();
    assert_eq!(retired.len(), 5);
    match &db.config {
        desk_server::StoreConfig::Sqlite { path } => {
            let c = rusqlite::Connection::open(path).unwrap();
            for (v, sum) in &retired {
                c.execute(
                    "UPDATE schema_migrations SET checksum = ?1 WHERE version = ?2",
                    rusqlite::params![sum, v],
                )
                .unwrap();
            }
        }
        desk_server::StoreConfig::Postgres { url } => {
            let (url, retired) = (url.clone(), retired.clone());
            std::thread::spawn(move || {
                let mut c = ::postgres::Client::connect(&url, ::postgres::NoTls).unwrap();
                for (v, sum) in &retired {
                    c.execute(
                        "UPDATE schema_migrations SET checksum = $1 WHERE version = $2",
                        &[sum, v],
                    )
                    .unwrap();
                }
            })
            .join()
            .unwrap();
        }
    }
    let store = desk_server::open_store(&db.config).expect("a database migrated from the retired files opens");
    assert_eq!(store.head().unwrap(), head);
    assert_eq!(session_of(&*store, SESSION_FULLABLE).capacity, 20);
}

#[test]
fn both_backends_have_the_same_migrations() {
    let numbers = |l: &[desk_server::migrate::Migration]| l.iter().map(|m| (m.version, m.name)).collect::<Vec<_>>();
    assert_eq!(
        numbers(desk_server::migrate::SQLITE),
        numbers(desk_server::migrate::POSTGRES)
    );
}
