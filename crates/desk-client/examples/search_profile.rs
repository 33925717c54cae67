//! Times each kind of customer search over a generated replica, to see which is slow.
//! `cargo run --release -p desk-client --example search_profile [people]`

use std::time::{Duration, Instant};

use desk_client::{bench, replica, search, store};
use desk_domain::{Change, ChangeOp};

/// Time this thread has spent on a CPU, so figures mean something on a busy machine.
fn cpu() -> Duration {
    let s = std::fs::read_to_string("/proc/thread-self/schedstat").unwrap_or_default();
    Duration::from_nanos(s.split_whitespace().next().and_then(|n| n.parse().ok()).unwrap_or(0))
}

fn main() {
    let people: u64 = std::env::args().nth(1).and_then(|a| a.parse().ok()).unwrap_or(100_000);
    let dir = tempfile::tempdir().unwrap();
    let mut conn = store::open(&dir.path().join("p.db"), None).unwrap();
    store::migrate(&mut conn).unwrap();
    let seeding = Instant::now();
    let tx = conn.transaction().unwrap();
    for i in 1..=people {
        let c = bench::fake_customer(i);
        replica::apply_change(
            &tx,
            &Change {
                table: "customers".into(),
                id: i.to_string(),
                bucket: "b".into(),
                version: 1,
                op: ChangeOp::Upsert,
                data: Some(serde_json::to_value(&c).unwrap()),
            },
        )
        .unwrap();
    }
    tx.commit().unwrap();
    println!(
        "applied {people} customers in {:?}: {:.0} rows/s",
        seeding.elapsed(),
        people as f64 / seeding.elapsed().as_secs_f64()
    );
    for kind in 0..5u64 {
        let mut worst = Duration::ZERO;
        let mut total = Duration::ZERO;
        let mut sample = String::new();
        let mut cpus = Vec::new();
        for k in 0..100u64 {
            let c = bench::fake_customer(k * 7919 % people + 1);
            let text = match kind {
                0 => c.last_name.clone(),
                1 => format!("{} {}", c.first_name, c.last_name.chars().take(4).collect::<String>()),
                2 => c.membership_no.clone(),
                3 => c.date_of_birth.format("%d/%m/%Y").to_string(),
                _ => c.last_name.chars().take(3).collect(),
            };
            let t = Instant::now();
            let c0 = cpu();
            let found = search::search(&conn, &text, 20).unwrap();
            cpus.push(cpu() - c0);
            let e = t.elapsed();
            assert!(!found.is_empty());
            total += e;
            if e > worst {
                worst = e;
                sample = text;
            }
        }
        cpus.sort();
        println!(
            "kind {kind}: wall mean {:?} worst {:?} ({sample}); cpu p50 {:?} p95 {:?}",
            total / 100,
            worst,
            cpus[50],
            cpus[95]
        );
    }
}
