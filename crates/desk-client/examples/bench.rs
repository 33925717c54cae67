//! Prints the desk engine's figures as `BENCH <name> <value> <unit>` lines.
//! `cargo run --release -p desk-client --example bench [rows]` (rows defaults to 500,000).

use std::time::Duration;

use desk_client::bench;

fn ms(d: Duration) -> String {
    format!("{:.3}", d.as_secs_f64() * 1000.0)
}

#[tokio::main]
async fn main() {
    let rows: usize = std::env::args().nth(1).and_then(|a| a.parse().ok()).unwrap_or(500_000);
    let dir = tempfile::tempdir().expect("temporary folder");
    let commit = bench::book_place_commit_p95(dir.path(), 500).await;
    println!("BENCH desk_book_place_commit_p95 {} ms", ms(commit));
    let search = bench::search_customers_p95(dir.path(), rows / 5, 400);
    println!("BENCH desk_search_customers_p95_{}_people {} ms", rows / 5, ms(search));
    let (upsert, delete) = bench::apply_remote_p95(dir.path(), rows, 400);
    println!("BENCH desk_apply_remote_upsert_p95_{rows}_rows {} ms", ms(upsert));
    println!("BENCH desk_apply_remote_delete_p95_{rows}_rows {} ms", ms(delete));
    let cost = bench::encryption_cost(dir.path(), 500, (rows as u64 / 5).max(5_000)).await;
    println!(
        "BENCH desk_book_place_commit_p95_plain {} ms",
        ms(cost.commit_p95_plain)
    );
    println!(
        "BENCH desk_book_place_commit_p95_encrypted {} ms",
        ms(cost.commit_p95_encrypted)
    );
    println!(
        "BENCH desk_book_place_commit_encryption_ratio {:.2} x",
        cost.commit_ratio()
    );
    println!(
        "BENCH desk_initial_pull_apply_plain {:.0} rows/s",
        cost.pull_rows_per_s_plain
    );
    println!(
        "BENCH desk_initial_pull_apply_encrypted {:.0} rows/s",
        cost.pull_rows_per_s_encrypted
    );
    println!("BENCH desk_initial_pull_encryption_ratio {:.2} x", cost.pull_ratio());
    let (made, verified) = bench::offline_unlock_verify();
    println!("BENCH desk_offline_verifier_make {} ms", ms(made));
    println!("BENCH desk_offline_unlock_verify {} ms", ms(verified));
}
