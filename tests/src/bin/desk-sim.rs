//! A desk as a separate process, for the crash test: it signs in, records a fixed plan of
//! bookings (skipping those its store already holds) and syncs until nothing is pending. The
//! test kills it with SIGKILL at random moments and starts it again.
//!
//! Usage: desk-sim DATA_DIR SERVER_URL USERNAME PASSWORD PLAN_SIZE

use anyhow::{Context, Result, bail};
use desk_client::{Desk, DeskConfig};
use desk_domain::{BookingStatus, Channel};

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<()> {
    let args: Vec<String> = std::env::args().collect();
    let [_, dir, url, user, password, plan] = args.as_slice() else {
        bail!("usage: desk-sim DATA_DIR SERVER_URL USERNAME PASSWORD PLAN_SIZE");
    };
    let plan: usize = plan.parse().context("PLAN_SIZE")?;
    let desk = Desk::open(DeskConfig {
        data_dir: dir.into(),
        server_url: url.clone(),
    })
    .await?;
    desk.sign_in(user, password).await?;
    // The desk needs the timetable and customers before it can book anything.
    while desk
        .leisure()
        .session(council_desk_tests::crash_plan(0).0)
        .await
        .is_err()
    {
        let _ = desk.sync_now().await;
    }
    for k in 0..plan {
        let (session, customer) = council_desk_tests::crash_plan(k);
        let detail = desk.leisure().session(session).await?;
        let held = detail
            .bookings
            .iter()
            .any(|b| b.customer_id == customer && b.status != BookingStatus::Cancelled);
        if !held {
            desk.leisure()
                .book_place(session, customer, Channel::FaceToFace)
                .await?;
        }
        if k % 7 == 6 {
            let _ = desk.sync_now().await;
        }
    }
    loop {
        if desk.sync_now().await.is_ok() && desk.sync_status().await?.pending == 0 {
            break;
        }
    }
    println!("done");
    Ok(())
}
