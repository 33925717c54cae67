//! Figures for the lead's `bench` command. Each seeds a fresh store under `dir` through the
//! same apply path a pull uses, measures, and returns the 95th percentile; nothing is printed.

use std::path::Path;
use std::time::{Duration, Instant};

use chrono::{NaiveDate, Utc};
use desk_domain::{
    Booking, BookingStatus, Centre, Change, ChangeOp, Channel, Customer, PullResponse, Session, entities::table,
};
use rusqlite::{Connection, TransactionBehavior};
use uuid::Uuid;

use crate::store::StoreKey;
use crate::{Desk, DeskConfig, PULL_PAGE, replica, store};

fn p95(mut samples: Vec<Duration>) -> Duration {
    if samples.is_empty() {
        return Duration::ZERO;
    }
    samples.sort();
    let idx = ((samples.len() * 95).div_ceil(100)).saturating_sub(1);
    samples[idx.min(samples.len() - 1)]
}

const FIRST: [&str; 16] = [
    "Seònaid",
    "Mòrag",
    "Eilidh",
    "Calum",
    "Ruaridh",
    "Iain",
    "Catrìona",
    "Alasdair",
    "Fiona",
    "Hamish",
    "Isla",
    "Lachlan",
    "Mairi",
    "Eòghann",
    "Kirsty",
    "Niall",
];
const LAST: [&str; 16] = [
    "O'Neill",
    "MacAoidh",
    "Macdonald",
    "Grant",
    "Stewart",
    "MacLeòid",
    "Robertson",
    "Innes",
    "Duncan",
    "Fraser",
    "McKenzie",
    "Sutherland",
    "Murray",
    "Ross",
    "Cameron",
    "Gordon",
];

/// Endings that make 256 surnames out of the 16 above, so a surname is shared by about 0.4%
/// of people, as common Scottish surnames are.
const ENDING: [&str; 16] = [
    "", "ach", "an", "ie", "son", "er", "ill", "ock", "ey", "all", "ar", "en", "ing", "ley", "ton", "wood",
];

/// A fictional customer, the same for the same `i`.
pub fn fake_customer(i: u64) -> Customer {
    let n = usize::try_from(i).unwrap_or(0);
    let dob = NaiveDate::from_ymd_opt(1940, 1, 1).expect("valid date")
        + chrono::Duration::days(i64::try_from(i * 37 % 25_000).unwrap_or(0));
    Customer {
        id: i64::try_from(i).unwrap_or(i64::MAX),
        home_centre_id: 1,
        first_name: FIRST[n % FIRST.len()].to_owned(),
        last_name: format!(
            "{}{}",
            LAST[(n / FIRST.len()) % LAST.len()],
            ENDING[(n / (FIRST.len() * LAST.len())) % ENDING.len()]
        ),
        date_of_birth: dob,
        membership_no: format!("M{i:07}"),
        email: None,
        phone: None,
        postcode: format!("IV30 {}AB", i % 10),
        concession: i.is_multiple_of(7),
    }
}

pub(crate) fn change<T: serde::Serialize>(table: &str, id: impl ToString, version: u64, data: &T) -> Change {
    Change {
        table: table.to_owned(),
        id: id.to_string(),
        bucket: "leisure:site:1".to_owned(),
        version,
        op: ChangeOp::Upsert,
        data: Some(serde_json::to_value(data).expect("entities serialise")),
    }
}

fn seed(conn: &mut Connection, changes: impl Iterator<Item = Change>) {
    let tx = conn
        .transaction_with_behavior(TransactionBehavior::Immediate)
        .expect("bench store writable");
    for c in changes {
        replica::apply_change(&tx, &c).expect("bench rows apply");
    }
    tx.commit().expect("bench seed commits");
}

fn fresh_store(dir: &Path, name: &str) -> Connection {
    std::fs::create_dir_all(dir).expect("bench folder can be made");
    let path = dir.join(name);
    for suffix in ["", "-wal", "-shm"] {
        let _ = std::fs::remove_file(format!("{}{suffix}", path.display()));
    }
    let mut conn = store::open(&path, None).expect("bench store opens");
    store::migrate(&mut conn).expect("bench store migrates");
    conn
}

fn bench_session(id: i64, capacity: u32) -> Session {
    Session {
        id,
        centre_id: 1,
        activity_id: 1,
        activity_name: "Aqua Fit".into(),
        starts_at: (Utc::now() + chrono::Duration::days(30)).naive_utc(),
        duration_minutes: 45,
        capacity,
        booked: 0,
        waiting: 0,
        location: "Pool".into(),
        instructor: "Mòrag".into(),
        cancelled: false,
    }
}

/// p95 of a durable local `book_place` (rules, overlay, outbox, commit with synchronous=FULL),
/// through the public API.
pub async fn book_place_commit_p95(dir: &Path, n: usize) -> Duration {
    let data_dir = dir.join("book_place");
    let _ = std::fs::remove_dir_all(&data_dir);
    let desk = Desk::open(DeskConfig {
        data_dir: data_dir.clone(),
        server_url: "http://127.0.0.1:9".into(),
    })
    .await
    .expect("bench desk opens");
    book_place_samples(desk, n).await
}

/// Rows per second of an initial pull's apply: `rows` customers in pages of [`PULL_PAGE`],
/// each page applied as sync applies it (one transaction with cursor, receipts and overlay),
/// on a store encrypted with `key`, or plain with `None`. Network time is not included.
pub fn initial_pull_apply_rate(dir: &Path, rows: u64, key: Option<&StoreKey>) -> f64 {
    std::fs::create_dir_all(dir).expect("bench folder can be made");
    let path = dir.join(if key.is_some() {
        "pull_keyed.db"
    } else {
        "pull_plain.db"
    });
    for suffix in ["", "-wal", "-shm"] {
        let _ = std::fs::remove_file(format!("{}{suffix}", path.display()));
    }
    let mut conn = store::open(&path, key).expect("bench store opens");
    store::migrate(&mut conn).expect("bench store migrates");
    let pages = pull_pages(rows);
    let t = Instant::now();
    for page in &pages {
        crate::sync::apply_page(&mut conn, page, None).expect("bench page applies");
    }
    rows as f64 / t.elapsed().as_secs_f64()
}

/// What SQLCipher costs, measured on plain and encrypted stores in the same run.
#[derive(Debug, Clone, Copy)]
pub struct EncryptionCost {
    pub commit_p95_plain: Duration,
    pub commit_p95_encrypted: Duration,
    pub pull_rows_per_s_plain: f64,
    pub pull_rows_per_s_encrypted: f64,
}

impl EncryptionCost {
    /// Encrypted over plain `book_place` commit p95 (target ≤ 1.3).
    pub fn commit_ratio(&self) -> f64 {
        self.commit_p95_encrypted.as_secs_f64() / self.commit_p95_plain.as_secs_f64().max(1e-9)
    }

    /// Plain over encrypted initial-pull apply rate, i.e. how many times longer it takes (≤ 1.3).
    pub fn pull_ratio(&self) -> f64 {
        self.pull_rows_per_s_plain / self.pull_rows_per_s_encrypted.max(1e-9)
    }
}

/// Measures `commits` durable `book_place` commits and an initial pull of `rows` customers,
/// each on a plain and on an encrypted store, alternating so both see the same machine.
///
/// Fair by construction: both stores are opened by [`store::open`] (same journal mode, WAL;
/// same `synchronous=FULL` for commands, `NORMAL` for pulled pages; same page and cache size;
/// `temp_store=MEMORY`), hold the same rows, do the same work (rules, overlay, outbox, audit)
/// and are timed the same number of times, one commit (or pull page) on each in turn, the order
/// swapped every time, after [`WARM_UP_COMMITS`] untimed commits on each.
pub async fn encryption_cost(dir: &Path, commits: usize, rows: u64) -> EncryptionCost {
    let key = StoreKey::random();
    let (commit_p95_plain, commit_p95_encrypted) = book_place_commit_p95_pair(dir, commits, &key).await;
    let (pull_rows_per_s_plain, pull_rows_per_s_encrypted) = initial_pull_apply_rates(dir, rows, &key);
    EncryptionCost {
        commit_p95_plain,
        commit_p95_encrypted,
        pull_rows_per_s_plain,
        pull_rows_per_s_encrypted,
    }
}

/// Untimed `book_place` commits on each store before [`encryption_cost`] starts timing.
pub const WARM_UP_COMMITS: usize = 50;

/// A desk over a fresh store (plain with `None`) seeded with `customers` customers and enough
/// sessions for them ([`seed_bookable`]).
async fn seeded_bench_desk(dir: &Path, key: Option<&StoreKey>, customers: usize) -> (Desk, i64) {
    let data_dir = dir.join(if key.is_some() {
        "book_place_keyed"
    } else {
        "book_place_plain"
    });
    let _ = std::fs::remove_dir_all(&data_dir);
    std::fs::create_dir_all(&data_dir).expect("bench folder can be made");
    let conn = store::open(&data_dir.join("desk.db"), key).expect("bench store opens");
    let desk = Desk::from_connection(conn, "http://127.0.0.1:9", None).expect("bench desk opens");
    let sessions = seed_bookable(&desk, customers).await;
    (desk, sessions)
}

/// Seeds one centre, `customers` customers and a session per 50 of them, each with room for
/// every booking; returns the number of sessions (ids `1..=n`).
async fn seed_bookable(desk: &Desk, customers: usize) -> i64 {
    let sessions = customers.div_ceil(50).max(1);
    let n = customers as u64;
    desk.db(move |conn| {
        let centre = Centre {
            id: 1,
            name: "Elgin".into(),
            town: "Elgin".into(),
        };
        seed(
            conn,
            std::iter::once(change(table::CENTRES, 1, 1, &centre))
                .chain((1..=sessions as i64).map(|s| change(table::SESSIONS, s, 1, &bench_session(s, 10_000))))
                .chain((1..=n).map(|i| change(table::CUSTOMERS, i, 1, &fake_customer(i)))),
        );
        Ok(())
    })
    .await
    .expect("bench seed");
    sessions as i64
}

/// p95 of `n` durable `book_place` commits on a plain and on an encrypted store, timed in turn.
pub async fn book_place_commit_p95_pair(dir: &Path, n: usize, key: &StoreKey) -> (Duration, Duration) {
    let customers = n + WARM_UP_COMMITS;
    let (plain, sessions) = seeded_bench_desk(dir, None, customers).await;
    let (keyed, _) = seeded_bench_desk(dir, Some(key), customers).await;
    let book = |desk: &Desk, i: usize| {
        let desk = desk.clone();
        async move {
            let session = (i as i64 % sessions) + 1;
            let t = Instant::now();
            desk.leisure()
                .book_place(session, i as i64 + 1, Channel::FaceToFace)
                .await
                .expect("bench booking is allowed");
            t.elapsed()
        }
    };
    for i in 0..WARM_UP_COMMITS {
        book(&plain, i).await;
        book(&keyed, i).await;
    }
    let mut plain_samples = Vec::with_capacity(n);
    let mut keyed_samples = Vec::with_capacity(n);
    for i in WARM_UP_COMMITS..customers {
        if i % 2 == 0 {
            plain_samples.push(book(&plain, i).await);
            keyed_samples.push(book(&keyed, i).await);
        } else {
            keyed_samples.push(book(&keyed, i).await);
            plain_samples.push(book(&plain, i).await);
        }
    }
    (p95(plain_samples), p95(keyed_samples))
}

/// Initial-pull apply rates (rows per second) on a plain and on an encrypted store: the same
/// pages of `rows` customers, each page applied to one store then the other, order swapped
/// every page.
pub fn initial_pull_apply_rates(dir: &Path, rows: u64, key: &StoreKey) -> (f64, f64) {
    std::fs::create_dir_all(dir).expect("bench folder can be made");
    let open = |name: &str, key: Option<&StoreKey>| {
        let path = dir.join(name);
        for suffix in ["", "-wal", "-shm"] {
            let _ = std::fs::remove_file(format!("{}{suffix}", path.display()));
        }
        let mut conn = store::open(&path, key).expect("bench store opens");
        store::migrate(&mut conn).expect("bench store migrates");
        conn
    };
    let mut plain = open("pull_plain.db", None);
    let mut keyed = open("pull_keyed.db", Some(key));
    let pages = pull_pages(rows);
    let (mut plain_time, mut keyed_time) = (Duration::ZERO, Duration::ZERO);
    let apply = |conn: &mut Connection, page: &PullResponse| {
        let t = Instant::now();
        crate::sync::apply_page(conn, page, None).expect("bench page applies");
        t.elapsed()
    };
    for (p, page) in pages.iter().enumerate() {
        if p % 2 == 0 {
            plain_time += apply(&mut plain, page);
            keyed_time += apply(&mut keyed, page);
        } else {
            keyed_time += apply(&mut keyed, page);
            plain_time += apply(&mut plain, page);
        }
    }
    (
        rows as f64 / plain_time.as_secs_f64(),
        rows as f64 / keyed_time.as_secs_f64(),
    )
}

/// An initial pull of `rows` customers in pages of [`PULL_PAGE`].
fn pull_pages(rows: u64) -> Vec<PullResponse> {
    let page_rows = u64::from(PULL_PAGE);
    (0..rows.div_ceil(page_rows))
        .map(|p| {
            let first = p * page_rows + 1;
            let last = ((p + 1) * page_rows).min(rows);
            PullResponse {
                changes: (first..=last)
                    .map(|i| change(table::CUSTOMERS, i, i, &fake_customer(i)))
                    .collect(),
                cursor: format!("v{last}"),
                has_more: last < rows,
                reset: p == 0,
                buckets: vec!["leisure:site:1".into()],
                receipts: Vec::new(),
                device_last_seq: 0,
                head: rows,
            }
        })
        .collect()
}

async fn book_place_samples(desk: Desk, n: usize) -> Duration {
    let sessions = seed_bookable(&desk, n).await;
    let mut samples = Vec::with_capacity(n);
    for i in 0..n {
        let session = (i as i64 % sessions) + 1;
        let t = Instant::now();
        desk.leisure()
            .book_place(session, i as i64 + 1, Channel::FaceToFace)
            .await
            .expect("bench booking is allowed");
        samples.push(t.elapsed());
    }
    p95(samples)
}

/// One remote change in its own transaction, committed as a pull page is (see
/// [`store::refetchable`]), cursor update included.
fn apply_one(conn: &mut Connection, change: &Change) {
    store::refetchable(conn, |conn| {
        let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        replica::apply_change(&tx, change).map_err(|e| match e {
            replica::ApplyError::Sql(e) => e,
            other => panic!("bench change applies: {other}"),
        })?;
        tx.execute(
            "UPDATE sync_state SET cursor = ?1, server_head = max(server_head, ?2) WHERE id = 1",
            rusqlite::params![format!("v{}", change.version), change.version as i64],
        )?;
        tx.commit()
    })
    .expect("bench change commits");
}

/// p95 of applying one remote upsert, and one delete, each in its own transaction committed as
/// pulled pages are, with `synchronous=NORMAL` ([`store::refetchable`]): safe against a crash
/// of the desk, while a power cut may undo the last commits, which the next pull fetches again
/// from the stored cursor. Not a `synchronous=FULL` (fsync per commit) figure. `local_rows`
/// rows (customers and bookings) are already in the replica.
pub fn apply_remote_p95(dir: &Path, local_rows: usize, n: usize) -> (Duration, Duration) {
    let mut conn = fresh_store(dir, "apply.db");
    let customers = (local_rows / 2).max(1) as u64;
    let bookings = local_rows.saturating_sub(customers as usize) as u64;
    seed(
        &mut conn,
        (1..=customers).map(|i| change(table::CUSTOMERS, i, 1, &fake_customer(i))),
    );
    let booking = |i: u64| Booking {
        id: Uuid::from_u64_pair(7, i),
        session_id: (i % 1_500) as i64 + 1,
        customer_id: (i % customers) as i64 + 1,
        centre_id: 1,
        status: BookingStatus::Booked,
        waiting_position: 0,
        created_at: Utc::now(),
        staff_id: 1,
        channel: Channel::FaceToFace,
        attended_at: None,
        no_show_at: None,
        no_show_waived: None,
        offer_until: None,
        offer_outcome: None,
    };
    seed(
        &mut conn,
        (0..bookings).map(|i| change(table::BOOKINGS, booking(i).id, 1, &booking(i))),
    );

    let mut upserts = Vec::with_capacity(n);
    let mut deletes = Vec::with_capacity(n);
    for k in 0..n as u64 {
        // Half updates of existing customers (FTS kept in step), half new bookings.
        let c = if k % 2 == 0 {
            let mut cust = fake_customer(k % customers + 1);
            cust.postcode = "AB1 2CD".into();
            change(table::CUSTOMERS, cust.id, 2 + k, &cust)
        } else {
            let b = booking(bookings + k);
            change(table::BOOKINGS, b.id, 2 + k, &b)
        };
        let t = Instant::now();
        apply_one(&mut conn, &c);
        upserts.push(t.elapsed());

        let victim = if k % 2 == 0 {
            Change {
                table: table::CUSTOMERS.into(),
                id: (customers - k % customers).to_string(),
                bucket: "leisure:site:1".into(),
                version: 1_000_000 + k,
                op: ChangeOp::Delete,
                data: None,
            }
        } else {
            Change {
                table: table::BOOKINGS.into(),
                id: booking(k).id.to_string(),
                bucket: "leisure:site:1".into(),
                version: 1_000_000 + k,
                op: ChangeOp::Delete,
                data: None,
            }
        };
        let t = Instant::now();
        apply_one(&mut conn, &victim);
        deletes.push(t.elapsed());
    }
    (p95(upserts), p95(deletes))
}

/// p95 of `search_customers`-style queries (surname prefix, first name + surname, membership
/// number, date of birth) over `people` customers.
pub fn search_customers_p95(dir: &Path, people: usize, n: usize) -> Duration {
    let mut conn = fresh_store(dir, "search.db");
    seed(
        &mut conn,
        (1..=people as u64).map(|i| change(table::CUSTOMERS, i, 1, &fake_customer(i))),
    );
    let mut samples = Vec::with_capacity(n);
    for k in 0..n as u64 {
        let c = fake_customer(k * 7919 % people as u64 + 1);
        // What staff type: a whole surname, first name and the start of a surname, a card
        // number, a date of birth, and the first three letters of a surname (as typed).
        let text = match k % 5 {
            0 => c.last_name.clone(),
            1 => format!("{} {}", c.first_name, c.last_name.chars().take(4).collect::<String>()),
            2 => c.membership_no.clone(),
            3 => c.date_of_birth.format("%d/%m/%Y").to_string(),
            _ => c.last_name.chars().take(3).collect(),
        };
        let t = Instant::now();
        let found = crate::search::search(&conn, &text, 20).expect("search runs");
        samples.push(t.elapsed());
        assert!(!found.is_empty(), "bench query {text} finds someone");
    }
    p95(samples)
}

/// How long an offline unlock's argon2id check of the password takes (target ≤ 500 ms), and
/// making the verifier after an online sign-in.
pub fn offline_unlock_verify() -> (Duration, Duration) {
    crate::identity::verifier_costs("correct horse battery").expect("argon2id runs")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn bench_functions_run_in_folders_that_do_not_exist_yet() {
        let dir = tempfile::tempdir().unwrap();
        let commit = book_place_commit_p95(&dir.path().join("a/commit"), 20).await;
        assert!(commit > Duration::ZERO);
        let (upsert, delete) = apply_remote_p95(&dir.path().join("b/apply"), 2_000, 20);
        assert!(upsert > Duration::ZERO && delete > Duration::ZERO);
        assert!(search_customers_p95(&dir.path().join("c/search"), 2_000, 20) > Duration::ZERO);
    }

    #[test]
    fn p95_is_the_95th_percentile() {
        let samples: Vec<Duration> = (1..=100).map(Duration::from_millis).collect();
        assert_eq!(p95(samples), Duration::from_millis(95));
        assert_eq!(p95(vec![Duration::from_millis(3)]), Duration::from_millis(3));
        assert_eq!(p95(vec![]), Duration::ZERO);
    }
}
