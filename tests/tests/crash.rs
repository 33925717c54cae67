//! A desk process killed with SIGKILL at random points during push and pull, again and again,
//! still ends with every mutation applied exactly once and a replica identical to a fresh pull.
//! `DESK_KILL_ITERATIONS` sets how many kills (default 200).

use std::process::{Command, Stdio};
use std::time::Duration;

use council_desk_tests::*;
use desk_domain::{BookingStatus, Channel};
use rand::{Rng, SeedableRng};

const PLAN: usize = 1_500;

async fn killed_desk_applies_everything_once(backend: Backend) {
    let iterations: usize = std::env::var("DESK_KILL_ITERATIONS")
        .ok()
        .map(|v| v.parse().expect("DESK_KILL_ITERATIONS is a number"))
        .unwrap_or(200);
    let tmp = tempfile::tempdir().unwrap();
    // Enough rows that a first pull spans several pages, so kills land inside it too.
    let (_db, store) = world_store(backend, tmp.path(), &small_world(3_000));
    let server = TestServer::start(store).await;
    let sim_dir = tmp.path().join("sim");
    let sim = env!("CARGO_BIN_EXE_desk-sim");

    // Meanwhile another desk keeps changing other sessions, so pulls have new data to page through.
    let other = signed_in_desk(tmp.path().join("other"), &server.url(), STAFF_A).await;
    other.sync_now().await.unwrap();
    let churn = {
        let other = other.clone();
        tokio::spawn(async move {
            let mut n = 0i64;
            loop {
                let session = ids::FILLER_FROM + CRASH_SESSIONS + (n % 50);
                let customer = 1 + (n / 50) % ids::CUSTOMERS_A;
                let _ = other.leisure().book_place(session, customer, Channel::Telephone).await;
                let _ = other.sync_now().await;
                n += 1;
                tokio::time::sleep(Duration::from_millis(30)).await;
            }
        })
    };

    let mut rng = rand::rngs::StdRng::seed_from_u64(0xC0FFEE);
    let mut finished_early = 0;
    for _ in 0..iterations {
        let mut child = Command::new(sim)
            .args([
                sim_dir.to_str().unwrap(),
                &server.url(),
                STAFF_A,
                PASSWORD,
                &PLAN.to_string(),
            ])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("start desk-sim");
        let delay = Duration::from_millis(rng.gen_range(5..400));
        tokio::time::sleep(delay).await;
        if child.try_wait().unwrap().is_some() {
            finished_early += 1;
        }
        child.kill().ok(); // SIGKILL
        child.wait().unwrap();
    }
    churn.abort();
    let _ = churn.await;
    eprintln!("{iterations} runs, {finished_early} finished before their kill");

    // One last run to completion.
    let status = Command::new(sim)
        .args([
            sim_dir.to_str().unwrap(),
            &server.url(),
            STAFF_A,
            PASSWORD,
            &PLAN.to_string(),
        ])
        .status()
        .expect("start desk-sim");
    assert!(status.success(), "desk-sim completes after {iterations} kills");
    assert!(
        finished_early < iterations / 2,
        "most runs must be cut short for this test to mean anything ({finished_early} of {iterations} finished)"
    );

    // The churning desk pushes its last change first, so the survivor and the fresh desk below
    // pull the same server state.
    other.sync_now().await.unwrap();
    let survivor = signed_in_desk(sim_dir.clone(), &server.url(), STAFF_A).await;
    survivor.sync_now().await.unwrap();
    assert_eq!(survivor.sync_status().await.unwrap().pending, 0);
    assert!(
        survivor.needs_attention().await.unwrap().is_empty(),
        "a mutation applied twice, or one recorded twice, would have been refused"
    );
    let fresh = signed_in_desk(tmp.path().join("fresh"), &server.url(), STAFF_A).await;
    fresh.sync_now().await.unwrap();

    // Every planned booking exists exactly once on the server.
    for k in 0..PLAN {
        let (session, customer) = crash_plan(k);
        let detail = fresh.leisure().session(session).await.unwrap();
        let held = detail
            .bookings
            .iter()
            .filter(|b| b.customer_id == customer && b.status == BookingStatus::Booked)
            .count();
        assert_eq!(held, 1, "booking {k} (customer {customer} in session {session})");
    }
    // No cursor skipped anything: the survivor's replica matches a fresh pull, session by session.
    let mut day = tomorrow();
    let last = day + chrono::Duration::days(80);
    while day <= last {
        let want = fresh.leisure().timetable(ids::CENTRE_A, day).await.unwrap();
        let got = survivor.leisure().timetable(ids::CENTRE_A, day).await.unwrap();
        assert_eq!(got.len(), want.len(), "sessions on {day}");
        for (g, w) in got.iter().zip(&want) {
            assert_eq!(g.session, w.session, "session {} on {day}", w.session.id);
        }
        day += chrono::Duration::days(1);
    }
    for s in ids::FILLER_FROM..ids::FILLER_FROM + CRASH_SESSIONS + 50 {
        let mut got: Vec<_> = survivor
            .leisure()
            .session(s)
            .await
            .unwrap()
            .bookings
            .iter()
            .map(|b| (b.id, b.status.as_str()))
            .collect();
        let mut want: Vec<_> = fresh
            .leisure()
            .session(s)
            .await
            .unwrap()
            .bookings
            .iter()
            .map(|b| (b.id, b.status.as_str()))
            .collect();
        got.sort();
        want.sort();
        assert_eq!(got, want, "bookings of session {s}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn sqlite_killed_desk_applies_everything_once() {
    killed_desk_applies_everything_once(Backend::Sqlite).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn postgres_killed_desk_applies_everything_once() {
    killed_desk_applies_everything_once(Backend::Postgres).await;
}
