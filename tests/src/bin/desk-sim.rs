//! A desk as a separate process, for the crash test: it signs in, records a fixed plan of
//! bookings (skipping those its store already holds) and syncs until nothing is pending. The
//! test kills it with SIGKILL at random moments and starts it again.
//!
//! It says what it is doing on standard output, one line at a time (Rust flushes standard output
//! at each newline, so every line written before a kill reaches the test):
//! `phase open|sign-in|first-pull|record|sync|drain` when it enters a phase, `resume K` where
//! its store's part of the plan ends, `recorded K` for each plan step it books, `synced
//! pushed=N applied=N pulled=N` after each cycle, and `done`//! at the end. Any error ends it with a non-zero status and the error on standard error: the
//! server stays up throughout, so a failed sync is a fault, never something to retry past.
//!
//! Usage: desk-sim DATA_DIR SERVER_URL USERNAME PASSWORD PLAN_SIZE

use anyhow::{Context, Result, bail};
use desk_client::{Desk, DeskConfig};
use desk_domain::{BookingStatus, Channel};

fn phase(name: &str) {
    println!("phase {name}");
}

async fn sync(desk: &Desk) -> Result<()> {
    let report = desk.sync_now().await.context("sync")?;
    println!(
        "synced pushed={} applied={} pulled={}",
        report.pushed, report.applied, report.pulled_rows
    );
    Ok(())
}

/// The store holds plan step `k` (pending or confirmed).
async fn holds(desk: &Desk, k: usize) -> Result<bool> {
    let (session, customer) = council_desk_tests::crash_plan(k);
    let detail = desk.leisure().session(session).await?;
    Ok(detail
        .bookings
        .iter()
        .any(|b| b.customer_id == customer && b.status != BookingStatus::Cancelled))
}

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<()> {
    let args: Vec<String> = std::env::args().collect();
    let [_, dir, url, user, password, plan] = args.as_slice() else {
        bail!("usage: desk-sim DATA_DIR SERVER_URL USERNAME PASSWORD PLAN_SIZE");
    };
    let plan: usize = plan.parse().context("PLAN_SIZE")?;
    phase("open");
    let desk = Desk::open(DeskConfig {
        data_dir: dir.into(),
        server_url: url.clone(),
    })
    .await?;
    phase("sign-in");
    desk.sign_in(user, password).await.context("sign in")?;
    // The desk needs the timetable and customers before it can book anything; one cycle pulls
    // until the server has nothing more.
    phase("first-pull");
    sync(&desk).await?;
    let first = council_desk_tests::crash_plan(0).0;
    desk.leisure()
        .session(first)
        .await
        .with_context(|| format!("session {first} after a full pull"))?;
    phase("record");
    // This process books in plan order and records each booking in one transaction, so what
    // its store holds is a prefix of the plan: find where it ends (the final check of the test
    // would catch a booking skipped by mistake, as a missing one).
    let (mut lo, mut hi) = (0, plan);
    while lo < hi {
        let mid = (lo + hi) / 2;
        if holds(&desk, mid).await? {
            lo = mid + 1;
        } else {
            hi = mid;
        }
    }
    println!("resume {lo}");
    let mut unsynced = 0;
    for k in lo..plan {
        let (session, customer) = council_desk_tests::crash_plan(k);
        let held = holds(&desk, k).await?;
        if held {
            println!("held {k}");
        } else {
            desk.leisure()
                .book_place(session, customer, Channel::FaceToFace)
                .await
                .with_context(|| format!("booking {k}"))?;
            println!("recorded {k}");
            unsynced += 1;
        }
        // Every third new booking goes to the server: pushes and pulls are small and frequent,
        // so many kills land inside one.
        if unsynced == 3 {
            unsynced = 0;
            phase("sync");
            sync(&desk).await?;
            phase("record");
        }
    }
    phase("drain");
    // A cycle pushes and pulls several rounds; a few cycles settle anything a kill left behind.
    for _ in 0..10 {
        sync(&desk).await?;
        if desk.sync_status().await?.pending == 0 {
            println!("done");
            return Ok(());
        }
    }
    bail!("changes still pending after ten cycles")
}
