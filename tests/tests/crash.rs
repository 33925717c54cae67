//! A desk process killed with SIGKILL at random points during push and pull, again and again,
//! still ends with every mutation applied exactly once and a replica identical to a fresh pull.
//! `DESK_KILL_ITERATIONS` sets how many kills (default 200).
//!
//! The test proves its own premises: a proxy on the wire shows kills landing inside pushes and
//! inside pulls; most of the plan reaches the server while kills happen, not in the last,
//! unkilled run; and a run that ends by itself must have finished cleanly (`desk-sim` reports
//! its phase and progress on standard output and stops at its first error).

use std::os::unix::process::ExitStatusExt;
use std::process::Stdio;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use council_desk_tests::*;
use desk_domain::{BookingStatus, Channel};
use rand::{Rng, SeedableRng};
use tokio::io::{AsyncRead, AsyncReadExt};
use tokio::process::Command;

const PLAN: usize = CRASH_PLAN;
/// Share of the plan the server must hold before the last, unkilled run starts: the work has
/// to be done under kills for the test to say anything about them.
const DONE_UNDER_KILLS: f64 = 0.8;
/// Kills that must land inside a push, and inside a pull, as the proxy saw them on the wire.
const KILLS_INSIDE_EACH: usize = 5;

/// One run of `desk-sim` as the test saw it.
struct Run {
    /// Its last `phase …` line before it ended.
    phase: String,
    /// Plan steps it recorded on its store.
    recorded: usize,
    /// Requests the desk had sent and not had answered when the kill landed.
    open: Vec<wire::Exchange>,
}

fn sim(dir: &std::path::Path, url: &str) -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_desk-sim"));
    cmd.args([dir.to_str().unwrap(), url, STAFF_A, PASSWORD, &PLAN.to_string()])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .kill_on_drop(true);
    cmd
}

fn read_all<R: AsyncRead + Unpin + Send + 'static>(mut pipe: R) -> tokio::task::JoinHandle<String> {
    tokio::spawn(async move {
        let mut text = String::new();
        pipe.read_to_string(&mut text).await.expect("desk-sim writes text");
        text
    })
}

/// Starts `desk-sim`, kills it after `delay` unless it has ended, and says what happened. A run
/// that ends by itself must have succeeded and said `done`; anything else fails the test.
async fn run_once(dir: &std::path::Path, proxy: &wire::RecordingProxy, delay: Duration) -> (Run, bool) {
    let earlier = proxy.carried().len();
    let mut child = sim(dir, &proxy.url()).spawn().expect("start desk-sim");
    let out = read_all(child.stdout.take().unwrap());
    let err = read_all(child.stderr.take().unwrap());
    let ended = tokio::time::timeout(delay, child.wait()).await;
    let (status, kill_at) = match ended {
        Ok(status) => (status.unwrap(), None),
        Err(_) => {
            let at = Instant::now();
            child.start_kill().expect("SIGKILL desk-sim");
            (child.wait().await.unwrap(), Some(at))
        }
    };
    let (out, err) = (out.await.unwrap(), err.await.unwrap());
    let killed = kill_at.is_some() && status.signal() == Some(9);
    if !killed {
        // It ended by itself (before the kill, or in the instant before it landed).
        assert!(
            status.success() && out.lines().last() == Some("done"),
            "desk-sim ended by itself with {status} before its kill; it said:\n{out}\n{err}"
        );
    }
    let phase = out
        .lines()
        .filter_map(|l| l.strip_prefix("phase "))
        .next_back()
        .unwrap_or("not started")
        .to_owned();
    let recorded = out.lines().filter(|l| l.starts_with("recorded ")).count();
    let open = match kill_at {
        Some(at) if killed => proxy
            .carried()
            .iter()
            .skip(earlier)
            .filter(|c| c.open_at(at))
            .map(|c| c.exchange)
            .collect(),
        _ => Vec::new(),
    };
    (Run { phase, recorded, open }, !killed)
}

/// Plan steps the server holds as booked, as a desk that has just synced sees them.
async fn plan_on_server(desk: &desk_client::Desk) -> usize {
    desk.sync_now().await.unwrap();
    let mut held = 0;
    for s in ids::FILLER_FROM..ids::FILLER_FROM + CRASH_SESSIONS {
        let detail = desk.leisure().session(s).await.unwrap();
        held += (0..PLAN)
            .map(crash_plan)
            .filter(|&(session, customer)| {
                session == s
                    && detail
                        .bookings
                        .iter()
                        .any(|b| b.customer_id == customer && b.status == BookingStatus::Booked && !b.pending)
            })
            .count();
    }
    held
}

async fn killed_desk_applies_everything_once(backend: Backend) {
    let iterations: usize = std::env::var("DESK_KILL_ITERATIONS")
        .ok()
        .map(|v| v.parse().expect("DESK_KILL_ITERATIONS is a number"))
        .unwrap_or(200);
    let tmp = tempfile::tempdir().unwrap();
    // Enough rows that a first pull spans several pages, so kills land inside it too.
    let (_db, store) = world_store(backend, tmp.path(), &small_world(3_000));
    let server = TestServer::start(store).await;
    // Every request of the killed desk goes through a proxy that notes when it was asked and
    // answered, so the test can tell which kills cut a push or a pull short.
    let proxy = wire::RecordingProxy::start(&server.url()).await;
    let sim_dir = tmp.path().join("sim");

    // Meanwhile another desk keeps booking and cancelling in other sessions, so pulls have new
    // data to page through. Any error of its own fails the test.
    let other = signed_in_desk(tmp.path().join("other"), &server.url(), STAFF_A).await;
    other.sync_now().await.unwrap();
    let stop = Arc::new(AtomicBool::new(false));
    let churn = {
        let (other, stop) = (other.clone(), stop.clone());
        tokio::spawn(async move {
            let mut n = 0i64;
            while !stop.load(Ordering::SeqCst) {
                let session = ids::FILLER_FROM + CRASH_SESSIONS + (n % 50);
                let customer = 1 + (n / 50) % ids::CUSTOMERS_A;
                let booking = other
                    .leisure()
                    .book_place(session, customer, Channel::Telephone)
                    .await
                    .map_err(|e| format!("churn booking {n}: {e}"))?;
                other.sync_now().await.map_err(|e| format!("churn sync {n}: {e}"))?;
                tokio::time::sleep(Duration::from_millis(15)).await;
                other
                    .leisure()
                    .cancel_place(booking.id, Channel::Telephone)
                    .await
                    .map_err(|e| format!("churn cancel {n}: {e}"))?;
                other.sync_now().await.map_err(|e| format!("churn sync {n}: {e}"))?;
                n += 1;
                tokio::time::sleep(Duration::from_millis(15)).await;
            }
            Ok::<i64, String>(n)
        })
    };

    // At least `iterations` kills, and then more, within a bound, until kills have landed inside
    // pushes and pulls and most of the plan is on the server: how far one run gets before its
    // kill depends on the machine.
    let mut rng = rand::rngs::StdRng::seed_from_u64(0xC0FFEE);
    let mut runs: Vec<Run> = Vec::new();
    let mut finished_early = 0;
    let inside = |runs: &[Run], e: wire::Exchange| runs.iter().filter(|r| r.open.contains(&e)).count();
    while runs.len() < iterations * 10 {
        if runs.len() >= iterations
            && inside(&runs, wire::Exchange::Push) >= KILLS_INSIDE_EACH
            && inside(&runs, wire::Exchange::Pull) >= KILLS_INSIDE_EACH
            && runs.len().is_multiple_of(20)
            && plan_on_server(&other).await as f64 >= DONE_UNDER_KILLS * PLAN as f64
        {
            break;
        }
        let delay = Duration::from_millis(rng.gen_range(5..400));
        let (run, finished) = run_once(&sim_dir, &proxy, delay).await;
        finished_early += usize::from(finished);
        runs.push(run);
    }
    let iterations = runs.len();
    stop.store(true, Ordering::SeqCst);
    let churned = churn.await.unwrap().expect("the churning desk never fails");
    let done_under_kills = plan_on_server(&other).await;

    let (in_push, in_pull) = (inside(&runs, wire::Exchange::Push), inside(&runs, wire::Exchange::Pull));
    let mut phases = std::collections::BTreeMap::<&str, usize>::new();
    for r in &runs {
        *phases.entry(r.phase.as_str()).or_default() += 1;
    }
    eprintln!(
        "{iterations} runs: {finished_early} finished before their kill; kills inside a push {in_push}, inside a \
         pull {in_pull}, inside sign-in {}; phase at the kill {phases:?}; {} steps recorded under kills; {done_under_kills} \
         of {PLAN} on the server before the last run; the other desk churned {churned} times",
        inside(&runs, wire::Exchange::SignIn),
        runs.iter().map(|r| r.recorded).sum::<usize>(),
    );
    assert!(
        finished_early < iterations / 2,
        "most runs must be cut short for this test to mean anything ({finished_early} of {iterations} finished)"
    );
    assert!(
        in_push >= KILLS_INSIDE_EACH && in_pull >= KILLS_INSIDE_EACH,
        "kills must land inside pushes and inside pulls (push {in_push}, pull {in_pull})"
    );
    assert!(
        done_under_kills as f64 >= DONE_UNDER_KILLS * PLAN as f64,
        "most of the plan must be done while kills happen, not by the last run ({done_under_kills} of {PLAN})"
    );

    // One last run to completion.
    let (last, finished) = run_once(&sim_dir, &proxy, Duration::from_secs(600)).await;
    assert!(
        finished,
        "desk-sim completes after {iterations} kills (it was in {})",
        last.phase
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
