//! The benchmark command: `scripts/bench` (a release build of this). Prints each figure on a line
//! of its own, `BENCH <name> <value> <unit>`, so runs can be compared; docs/benchmarks.md keeps
//! the targets and the latest figures.

use std::time::{Duration, Instant};

use anyhow::Result;
use council_desk_tests::*;
use desk_domain::Channel;

/// Fewest samples behind any p95 printed here: with fewer, the 95th percentile is one of the
/// two or three slowest samples and moves with them from run to run.
const MIN_SAMPLES: usize = 200;
/// Filler sessions (25 places each) the poke figure books into, besides the Aqua Fit ones.
const POKE_FILLER_SESSIONS: i64 = 8;

fn bench(name: &str, value: f64, unit: &str) {
    println!("BENCH {name} {value:.2} {unit}");
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

fn p95(mut samples: Vec<Duration>) -> Duration {
    samples.sort();
    samples[(samples.len() * 95).div_ceil(100).saturating_sub(1)]
}

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() -> Result<()> {
    let tmp = tempfile::tempdir()?;
    let only: Option<String> = std::env::args().nth(1);
    let wants = |name: &str| only.as_deref().is_none_or(|o| name.contains(o));

    if wants("initial_pull") {
        // A 100,000-row scope: centre A's timetable plus enough customers to make it up.
        let mut world = small_world(0);
        // Rows of centre A only: centre B's are outside the desk's scope and never pulled.
        let base = world.sessions.iter().filter(|s| s.centre_id == ids::CENTRE_A).count()
            + world.centres.iter().filter(|c| c.id == ids::CENTRE_A).count()
            + world.activities.iter().filter(|a| a.centre_id == ids::CENTRE_A).count();
        // Varied as real people are (names of every length with accents and apostrophes,
        // e-mail and phone for most, postcodes of several towns), drawn by the demo's own
        // generators: rows of one template would compress and index unlike real ones.
        world.customers = desk_fixtures::customers_of_centre(
            desk_fixtures::DEFAULT_SEED,
            tomorrow(),
            (100_000 - base) as i64,
            ids::CENTRE_A,
        );
        let lengths: Vec<usize> = world
            .customers
            .iter()
            .map(|c| serde_json::to_string(c).map_or(0, |j| j.len()))
            .collect();
        let names: std::collections::HashSet<_> =
            world.customers.iter().map(|c| (&c.first_name, &c.last_name)).collect();
        println!(
            "detail initial_pull customers={} distinct_names={} json_bytes_min={} max={}",
            world.customers.len(),
            names.len(),
            lengths.iter().min().unwrap_or(&0),
            lengths.iter().max().unwrap_or(&0)
        );
        let (_db, store) = world_store(Backend::Sqlite, &tmp.path().join("pull"), &world);
        let mut server = TestServer::start(store).await;
        let desk = signed_in_desk(tmp.path().join("pull-desk"), &server.url(), STAFF_A).await;
        let started = Instant::now();
        let report = desk.sync_now().await?;
        let secs = started.elapsed().as_secs_f64();
        bench("initial_pull_rows", report.pulled_rows as f64, "rows");
        bench("initial_pull_rate", report.pulled_rows as f64 / secs, "rows/s");
        server.stop().await;
    }

    if wants("apply_remote") {
        // Each change commits as a pulled page does, with synchronous=NORMAL: crash-safe, not
        // an fsync per commit (a power cut may undo the last ones; the next pull refetches them).
        println!("detail apply_remote commit=synchronous_normal samples=500");
        let (upsert, delete) = desk_client::bench::apply_remote_p95(&tmp.path().join("apply"), 500_000, 500);
        bench("apply_remote_upsert_p95_500k", ms(upsert), "ms");
        bench("apply_remote_delete_p95_500k", ms(delete), "ms");
    }

    if wants("ct_export") {
        // Issue 10 §7: 10,000 requests picked, marked exported and written as one batch.
        for backend in [Backend::Postgres, Backend::Sqlite] {
            let dir = tmp.path().join(format!("ct-export-{backend:?}"));
            std::fs::create_dir_all(&dir)?;
            let db = TestDb::new(backend, &dir);
            let store = desk_server::open_store(&db.config)?;
            let secs = desk_server::council_tax::bench_ct_export(store, 10_000, &dir.join("out"));
            let name = match backend {
                Backend::Postgres => "ct_export_10000_postgres",
                Backend::Sqlite => "ct_export_10000_sqlite",
            };
            bench(name, secs, "s");
        }
    }

    if wants("drain") {
        for backend in [Backend::Postgres, Backend::Sqlite] {
            let dir = tmp.path().join(format!("drain-{backend:?}"));
            std::fs::create_dir_all(&dir)?;
            let db = TestDb::new(backend, &dir);
            let store = desk_server::open_store(&db.config)?;
            let rate = desk_server::bench_drain(store, 5_000);
            let name = match backend {
                Backend::Postgres => "server_drain_postgres",
                Backend::Sqlite => "server_drain_sqlite",
            };
            bench(name, rate, "mutations/s");
        }
    }

    if wants("book_place") {
        let p = desk_client::bench::book_place_commit_p95(&tmp.path().join("commit"), 1_000).await;
        bench("book_place_commit_p95", ms(p), "ms");
    }

    if wants("desk_to_desk") {
        let (_db, store) = world_store(
            Backend::Sqlite,
            &tmp.path().join("poke"),
            &small_world(POKE_FILLER_SESSIONS as usize),
        );
        let mut server = TestServer::start(store).await;
        let a = signed_in_desk(tmp.path().join("poke-a"), &server.url(), STAFF_A).await;
        let b = signed_in_desk(tmp.path().join("poke-b"), &server.url(), STAFF_A).await;
        a.sync_now().await?;
        b.sync_now().await?;
        let (loop_a, loop_b) = (a.start_sync(), b.start_sync());
        tokio::time::sleep(Duration::from_millis(500)).await;
        let mut samples = Vec::new();
        // Every place in centre A's Aqua Fit sessions and eight filler sessions, one customer
        // each: 20 + 3 × 12 + 8 × 25 = 256 samples (a p95 of fewer sits near the worst one).
        let places = std::iter::repeat_n(ids::BIG_SESSION, 20)
            .chain(ids::LATER_SESSIONS.iter().flat_map(|s| std::iter::repeat_n(*s, 12)))
            .chain((0..POKE_FILLER_SESSIONS).flat_map(|s| std::iter::repeat_n(ids::FILLER_FROM + s, 25)));
        let mut next_customer = std::collections::HashMap::<i64, i64>::new();
        for session in places {
            let customer = next_customer.entry(session).or_insert(0);
            *customer += 1;
            let customer = *customer;
            let started = Instant::now();
            let booking = a.leisure().book_place(session, customer, Channel::FaceToFace).await?;
            loop {
                let seen = b
                    .leisure()
                    .session(session)
                    .await?
                    .bookings
                    .iter()
                    .any(|bk| bk.id == booking.id);
                if seen {
                    break;
                }
                if started.elapsed() > Duration::from_secs(10) {
                    anyhow::bail!("desk B never saw booking {customer}");
                }
                tokio::time::sleep(Duration::from_millis(1)).await;
            }
            samples.push(started.elapsed());
        }
        assert!(samples.len() >= MIN_SAMPLES, "{} poke samples", samples.len());
        bench("desk_to_desk_poke_p95", ms(p95(samples)), "ms");
        loop_a.stop().await;
        loop_b.stop().await;
        server.stop().await;
    }

    if wants("sign_in") {
        let (_db, store) = world_store(Backend::Sqlite, &tmp.path().join("sign-in"), &small_world(0));
        bench("sign_in_argon2id_verify", ms(desk_server::bench_sign_in(&*store)), "ms");
        let (_made, verified) = desk_client::bench::offline_unlock_verify();
        bench("offline_unlock_verify", ms(verified), "ms");
    }

    if wants("encryption") {
        let cost = desk_client::bench::encryption_cost(&tmp.path().join("encryption"), 500, 100_000).await;
        bench("book_place_commit_p95_plain", ms(cost.commit_p95_plain), "ms");
        bench("book_place_commit_p95_encrypted", ms(cost.commit_p95_encrypted), "ms");
        bench("encryption_commit_ratio", cost.commit_ratio(), "x");
        bench("initial_pull_apply_plain", cost.pull_rows_per_s_plain, "rows/s");
        bench("initial_pull_apply_encrypted", cost.pull_rows_per_s_encrypted, "rows/s");
        bench("encryption_pull_ratio", cost.pull_ratio(), "x");
    }

    if wants("school") {
        // Issue 9 §7: a 1,200-pupil secondary with a year of records, 12,939 pupils in all.
        let f = desk_client::bench_school::school_figures(&tmp.path().join("school"), 500).await;
        bench("school_record_absence_commit_p95", ms(f.record_absence_p95), "ms");
        bench("school_pupil_search_p95_12939", ms(f.pupil_search_p95), "ms");
        bench("school_worklist_60_p95", ms(f.worklist_60_p95), "ms");
        bench("school_attendance_all_pupils_ytd", ms(f.attendance_school_ytd), "ms");
        anyhow::ensure!(
            f.worklist_len == 60,
            "the worklist held {} pupils, not 60",
            f.worklist_len
        );
        anyhow::ensure!(
            f.figures_len == 1_200,
            "figures for {} pupils, not 1,200",
            f.figures_len
        );
    }

    if wants("leisure_money") {
        // Issue 11 §8: prices, a paid booking's local commit, a busy day's cash-up.
        let f = desk_client::bench_leisure::leisure_figures(&tmp.path().join("leisure"), MIN_SAMPLES * 2).await;
        bench("leisure_price_p95", ms(f.price_p95), "ms");
        bench("leisure_book_and_pay_commit_p95", ms(f.book_and_pay_p95), "ms");
        bench("leisure_cash_up_2000_payments", ms(f.cash_up_busy_day), "ms");
        anyhow::ensure!(
            f.cash_up_payments as usize == desk_client::bench_leisure::BUSY_DAY_PAYMENTS,
            "the cash-up added up {} payments and refunds, not {}",
            f.cash_up_payments,
            desk_client::bench_leisure::BUSY_DAY_PAYMENTS
        );
    }

    if wants("school_first_sync") {
        // The demo council; a school office of its largest secondary syncs from empty.
        let mut data = desk_fixtures::generate(1, desk_fixtures::default_first_day(chrono::Local::now().date_naive()));
        let school = data
            .schools
            .iter()
            .filter(|s| s.kind == desk_domain::SchoolKind::Secondary)
            .max_by_key(|s| data.pupils.iter().filter(|p| p.school_id == s.id).count())
            .map(|s| s.id)
            .ok_or_else(|| anyhow::anyhow!("the demo council has no secondary school"))?;
        // A full school year of records for that school (the demo week's are a week's only).
        let (absences, marks) = desk_fixtures::full_year_of_records(&data, school, 1);
        data.absences.retain(|a| a.school_id != school);
        data.registration_marks.retain(|m| m.school_id != school);
        data.absences.extend(absences);
        data.registration_marks.extend(marks);
        data.staff = vec![desk_fixtures::DemoStaff {
            username: "bench.school".into(),
            display_name: "Bench School".into(),
            password: PASSWORD.into(),
            roles: vec![desk_domain::Role::SchoolOffice],
            sites: vec![desk_domain::Site::school(school)],
        }];
        let (_db, store) = world_store(Backend::Sqlite, &tmp.path().join("school-sync"), &data);
        let mut server = TestServer::start(store).await;
        let desk = signed_in_desk(tmp.path().join("school-sync-desk"), &server.url(), "bench.school").await;
        let started = Instant::now();
        let report = desk.sync_now().await?;
        let secs = started.elapsed().as_secs_f64();
        bench("school_first_sync_rows", report.pulled_rows as f64, "rows");
        bench("school_first_sync", secs * 1000.0, "ms");
        server.stop().await;
    }

    if [
        "ct_account_search_p95",
        "ct_estimate_p95",
        "ct_record_change_commit_p95",
    ]
    .iter()
    .any(|n| wants(n))
    {
        // Issue 10 §7: the demo council's 45,000 council-tax accounts on a contact-centre desk.
        let data = desk_fixtures::generate(
            desk_fixtures::DEFAULT_SEED,
            desk_fixtures::default_first_day(chrono::Local::now().date_naive()),
        );
        let f = desk_client::bench_ct::ct_figures(&tmp.path().join("ct"), data.ct_accounts, 500).await;
        anyhow::ensure!(f.accounts == 45_000, "{} accounts, not 45,000", f.accounts);
        bench("ct_account_search_p95", ms(f.search_p95), "ms");
        bench("ct_estimate_p95", ms(f.estimate_p95), "ms");
        bench("ct_record_change_commit_p95", ms(f.record_change_p95), "ms");
    }

    if wants("block_clash") {
        // Issue 11 §4: a club's 15-week block on each of 4 courts, checked offline against a
        // busy half-year of bookings (every date meets some: the slowest case).
        let f = desk_client::bench_spaces::space_figures(&tmp.path().join("spaces"), MIN_SAMPLES).await;
        println!(
            "detail block_clash_check bookings={} clashing_dates={}",
            f.bookings, f.clashing_dates
        );
        bench("block_clash_check_ms", ms(f.block_clash_check_p95), "ms");
    }

    if wants("search") {
        let p = desk_client::bench::search_customers_p95(&tmp.path().join("search"), 100_000, 500);
        bench("search_customers_p95_100k", ms(p), "ms");
    }
    Ok(())
}
