//! The server drain benchmark: how fast queued `book_place` mutations from several devices are
//! applied, pushed in batches straight into the store (no HTTP), as a desk fleet coming back
//! online would push them.

use std::sync::Arc;
use std::time::Instant;

use chrono::{Duration, Local, Utc};
use desk_domain::leisure::BookPlace;
use desk_domain::{Activity, ActivityKind, Centre, Channel, Command, Customer, Mutation, Outcome, Role, Session, Site};
use uuid::Uuid;

use crate::store::{Caller, EntityBatch, NewStaffRecord, Store};

/// Ids far above anything real or demo, so the benchmark can run against any database.
const BASE: i64 = 900_000_000;
const DEVICES: usize = 4;
const BATCH: usize = 100;
const PLACES_PER_SESSION: usize = 200;

/// Applies `mutations` queued bookings and returns the rate in mutations per second.
/// Panics if the store fails or a booking is not applied: a benchmark of failures means nothing.
pub fn bench_drain(store: Arc<dyn Store>, mutations: usize) -> f64 {
    let run = Uuid::new_v4().simple().to_string();
    let offset = BASE + (store.head().expect("store answers") as i64 % 1000) * 100_000;
    let centre_id = offset;
    let sessions_needed = mutations.div_ceil(PLACES_PER_SESSION).max(1);
    let starts = Local::now().naive_local() + Duration::days(2);
    let batch = EntityBatch {
        centres: vec![Centre {
            id: centre_id,
            name: format!("Benchmark centre {run}"),
            town: "Elgin".into(),
        }],
        activities: vec![Activity {
            id: offset,
            centre_id,
            name: "Benchmark class".into(),
            kind: ActivityKind::Class,
        }],
        sessions: (0..sessions_needed as i64)
            .map(|i| Session {
                id: offset + i,
                centre_id,
                activity_id: offset,
                activity_name: "Benchmark class".into(),
                starts_at: starts + Duration::minutes(i),
                duration_minutes: 45,
                capacity: PLACES_PER_SESSION as u32,
                booked: 0,
                waiting: 0,
                location: "Hall".into(),
                instructor: "Morag".into(),
                cancelled: false,
            })
            .collect(),
        customers: (0..PLACES_PER_SESSION as i64)
            .map(|i| Customer {
                id: offset + i,
                home_centre_id: centre_id,
                first_name: "Bench".into(),
                last_name: format!("Customer {i}"),
                date_of_birth: chrono::NaiveDate::from_ymd_opt(1980, 1, 1).expect("valid date"),
                membership_no: format!("B{}", offset + i),
                email: None,
                phone: None,
                postcode: "IV30 1AA".into(),
                concession: false,
            })
            .collect(),
        ..EntityBatch::default()
    };
    store.load(&batch).expect("benchmark data loads");

    let callers: Vec<Caller> = (0..DEVICES)
        .map(|d| {
            let staff_id = store
                .insert_staff(&NewStaffRecord {
                    username: format!("bench-{run}-{d}"),
                    display_name: "Benchmark".into(),
                    password_hash: "!".into(),
                    roles: vec![Role::LeisureDesk],
                    sites: vec![Site::leisure(centre_id)],
                })
                .expect("benchmark staff");
            Caller {
                staff_id,
                device_id: Uuid::now_v7(),
                buckets: desk_domain::Bucket::scope(&[Role::LeisureDesk], &[Site::leisure(centre_id)]),
                supervises: Vec::new(),
            }
        })
        .collect();

    // Mutation k books customer k % 200 into session k / 200: every pair distinct.
    let queues: Vec<Vec<Mutation>> = (0..DEVICES)
        .map(|d| {
            (d..mutations)
                .step_by(DEVICES)
                .enumerate()
                .map(|(i, k)| {
                    let cmd = Command::from(BookPlace {
                        booking_id: Uuid::now_v7(),
                        session_id: offset + (k / PLACES_PER_SESSION) as i64,
                        customer_id: offset + (k % PLACES_PER_SESSION) as i64,
                    });
                    let (name, args_version, args) = cmd.to_envelope_parts();
                    Mutation {
                        mutation_id: Uuid::now_v7(),
                        device_id: callers[d].device_id,
                        seq: i as u64 + 1,
                        name: name.to_owned(),
                        args_version,
                        args,
                        base_cursor: None,
                        created_at: Utc::now(),
                        channel: Channel::FaceToFace,
                    }
                })
                .collect()
        })
        .collect();

    let started = Instant::now();
    std::thread::scope(|scope| {
        for (caller, queue) in callers.iter().zip(&queues) {
            let store = &store;
            scope.spawn(move || {
                for chunk in queue.chunks(BATCH) {
                    let now = Local::now().naive_local();
                    let result = store.push(caller, chunk, now).expect("benchmark push");
                    assert!(result.stopped.is_none(), "benchmark push stopped: {:?}", result.stopped);
                    for r in &result.receipts {
                        assert_eq!(r.outcome, Outcome::Applied, "benchmark booking refused");
                    }
                }
            });
        }
    });
    mutations as f64 / started.elapsed().as_secs_f64()
}

/// How long one sign-in takes on the server's side: the account lookup, the argon2id check of
/// the password (the bulk of it) and the failure bookkeeping. The median of five runs, against
/// a throwaway account created for the purpose. Panics if the store fails.
pub fn bench_sign_in(store: &dyn Store) -> std::time::Duration {
    const PASSWORD: &str = "bench sign-in phrase 2026";
    let username = format!("bench.sign-in.{}", Uuid::new_v4().simple());
    let hash = crate::auth::hash_password(PASSWORD).expect("hash");
    store
        .insert_staff(&NewStaffRecord {
            username: username.clone(),
            display_name: "Sign-in benchmark".into(),
            password_hash: hash,
            roles: vec![Role::LeisureDesk],
            sites: Vec::new(),
        })
        .expect("add the benchmark account");
    let mut runs: Vec<std::time::Duration> = (0..5)
        .map(|_| {
            let started = Instant::now();
            let staff = store.staff_by_username(&username).expect("lookup").expect("account");
            assert!(store.locked_until(staff.id, Utc::now()).expect("lock check").is_none());
            assert!(crate::auth::verify_password(&staff.password_hash, PASSWORD));
            started.elapsed()
        })
        .collect();
    runs.sort();
    runs[runs.len() / 2]
}
