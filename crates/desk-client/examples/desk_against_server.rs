//! Drives one desk against a running council server: signs in, pulls everything in scope (the
//! initial-pull rate), searches, books a place and syncs it.
//! `cargo run --release -p desk-client --example desk_against_server -- URL USERNAME PASSWORD`
//! (the password may come from DESK_PASSWORD instead). Prints `BENCH` lines and what it did.

use std::time::Instant;

use anyhow::Context;
use desk_client::{Desk, DeskConfig};
use desk_domain::Channel;

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let mut args = std::env::args().skip(1);
    let url = args
        .next()
        .context("usage: desk_against_server URL USERNAME [PASSWORD]")?;
    let username = args
        .next()
        .context("usage: desk_against_server URL USERNAME [PASSWORD]")?;
    let password = match args.next() {
        Some(p) => p,
        None => std::env::var("DESK_PASSWORD").context("give the password or set DESK_PASSWORD")?,
    };
    let dir = tempfile::tempdir()?;
    let desk = Desk::open(DeskConfig {
        data_dir: dir.path().to_path_buf(),
        server_url: url,
    })
    .await?;
    let staff = desk.sign_in(&username, &password).await?;
    println!(
        "signed in as {} ({:?} at {:?})",
        staff.display_name, staff.roles, staff.sites
    );

    let t = Instant::now();
    let report = desk.sync_now().await?;
    let secs = t.elapsed().as_secs_f64();
    println!(
        "first pull: {} rows in {} pages, {:.2} s",
        report.pulled_rows, report.pages, secs
    );
    println!("BENCH desk_initial_pull {:.0} rows/s", report.pulled_rows as f64 / secs);

    for text in ["oneill", "O'Neill", "macaoidh", "mac"] {
        let t = Instant::now();
        let found = desk.leisure().search_customers(text, 20).await?;
        println!(
            "search {text:?}: {} found in {:?}, first {:?}",
            found.len(),
            t.elapsed(),
            found.first().map(|c| format!("{} {}", c.first_name, c.last_name))
        );
    }
    let centres = desk.leisure().centres().await?;
    println!("centres: {}", centres.len());
    let found = desk.leisure().search_customers("Seonaid", 5).await?;
    println!(
        "search Seonaid: {:?}",
        found
            .iter()
            .map(|c| format!("{} {}", c.first_name, c.last_name))
            .collect::<Vec<_>>()
    );
    let Some(customer) = found
        .first()
        .or(desk.leisure().search_customers("mac", 1).await?.first())
        .cloned()
    else {
        println!("no customers in scope; nothing booked");
        return Ok(());
    };
    let today = chrono::Local::now().date_naive();
    for centre in &centres {
        for d in 1..8 {
            let day = today + chrono::Duration::days(d);
            for s in desk.leisure().timetable(centre.id, day).await? {
                if s.session.booked < s.session.capacity && !s.session.cancelled {
                    let t = Instant::now();
                    let booking = match desk
                        .leisure()
                        .book_place(s.session.id, customer.id, Channel::FaceToFace)
                        .await
                    {
                        Ok(b) => b,
                        Err(e) => {
                            println!("session {} refused locally: {e}", s.session.id);
                            continue;
                        }
                    };
                    println!(
                        "booked {} into {} at {} ({:?})",
                        booking.customer_name,
                        s.session.activity_name,
                        s.session.starts_at,
                        t.elapsed()
                    );
                    let report = desk.sync_now().await?;
                    println!("sync: {report:?}");
                    let detail = desk.leisure().session(s.session.id).await?;
                    let mine = detail.bookings.iter().find(|b| b.id == booking.id);
                    println!("after sync: {mine:?}; booked {}", detail.session.session.booked);
                    println!("status: {:?}", desk.sync_status().await?);
                    return Ok(());
                }
            }
        }
    }
    println!("no session with space in the next week");
    Ok(())
}
