//! Shared by the end-to-end tests and the benchmark command: a real council server on loopback
//! (SQLite or PostgreSQL), a small fictional world to load into it, and desks to talk to it.

pub mod proxy;

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, Instant};

use chrono::{Local, NaiveDate, NaiveDateTime, NaiveTime};
use desk_client::{Desk, DeskConfig};
use desk_domain::{Activity, ActivityKind, Centre, Customer, Role, Session, Site};
use desk_server::demo::{DemoData, DemoStaff};
use desk_server::{Server, Store, StoreConfig};

/// The password of every account in [`small_world`].
pub const PASSWORD: &str = "correct horse battery";
/// Leisure desk at centre 1.
pub const STAFF_A: &str = "desk.a";
/// Leisure desk at centre 2.
pub const STAFF_B: &str = "desk.b";

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

/// The PostgreSQL server the tests use. The test command starts one and sets this; running the
/// PostgreSQL tests without it is an error, never a silent skip.
pub fn postgres_url() -> String {
    std::env::var("DESK_TEST_POSTGRES_URL")
        .expect("DESK_TEST_POSTGRES_URL is not set: run the tests through scripts/test, which starts PostgreSQL")
}

/// A database of its own for one test: a fresh SQLite file, or a freshly created PostgreSQL
/// database (dropped again by [`TestDb::drop`]).
pub struct TestDb {
    pub config: StoreConfig,
    pg_admin: Option<(String, String)>,
}

impl TestDb {
    pub fn new(backend: Backend, dir: &Path) -> Self {
        match backend {
            Backend::Sqlite => TestDb {
                config: StoreConfig::Sqlite {
                    path: dir.join("council.db"),
                },
                pg_admin: None,
            },
            Backend::Postgres => {
                let admin = postgres_url();
                let name = format!("desk_e2e_{}", uuid::Uuid::new_v4().simple());
                admin_sql(&admin, &format!("CREATE DATABASE {name}")).expect("create test database");
                let url = match admin.rsplit_once('/') {
                    Some((base, _)) => format!("{base}/{name}"),
                    None => panic!("DESK_TEST_POSTGRES_URL has no database part: {admin}"),
                };
                TestDb {
                    config: StoreConfig::Postgres { url },
                    pg_admin: Some((admin, name)),
                }
            }
        }
    }
}

impl Drop for TestDb {
    fn drop(&mut self) {
        if let Some((admin, name)) = &self.pg_admin {
            let _ = admin_sql(admin, &format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"));
        }
    }
}

/// Runs one statement on the admin connection. The `postgres` client blocks on a runtime of its
/// own, so it runs on a plain thread: tests call this from inside tokio.
fn admin_sql(admin: &str, sql: &str) -> Result<(), postgres::Error> {
    let (admin, sql) = (admin.to_owned(), sql.to_owned());
    std::thread::spawn(move || {
        let mut client = postgres::Client::connect(&admin, postgres::NoTls)?;
        client.batch_execute(&sql)
    })
    .join()
    .expect("admin thread")
}

/// A real council server on loopback that a test can take down and bring back on the same
/// address, keeping its database.
pub struct TestServer {
    pub store: Arc<dyn Store>,
    pub addr: SocketAddr,
    running: Option<Server>,
}

impl TestServer {
    pub async fn start(store: Arc<dyn Store>) -> Self {
        let server = Server::start(store.clone(), "127.0.0.1:0".parse().unwrap())
            .await
            .expect("server starts");
        TestServer {
            addr: server.addr,
            store,
            running: Some(server),
        }
    }

    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    pub async fn stop(&mut self) {
        if let Some(server) = self.running.take() {
            server.stop().await;
        }
    }

    pub async fn restart(&mut self) {
        assert!(self.running.is_none(), "server is already running");
        // The port was ours a moment ago; another process could take it, so retry briefly.
        let deadline = Instant::now() + Duration::from_secs(10);
        loop {
            match Server::start(self.store.clone(), self.addr).await {
                Ok(server) => {
                    self.running = Some(server);
                    return;
                }
                Err(e) if Instant::now() < deadline => {
                    eprintln!("restart on {} not yet possible: {e}", self.addr);
                    tokio::time::sleep(Duration::from_millis(100)).await;
                }
                Err(e) => panic!("server did not restart on {}: {e}", self.addr),
            }
        }
    }
}

/// Tomorrow in the council's wall-clock time, so every session in the small world is bookable.
pub fn tomorrow() -> NaiveDate {
    Local::now().date_naive() + chrono::Duration::days(1)
}

fn at(day: NaiveDate, h: u32, m: u32) -> NaiveDateTime {
    day.and_time(NaiveTime::from_hms_opt(h, m, 0).unwrap())
}

/// Ids in [`small_world`] that tests refer to.
pub mod ids {
    pub const CENTRE_A: i64 = 1;
    pub const CENTRE_B: i64 = 2;
    pub const AQUA_FIT: i64 = 10;
    /// Aqua Fit tomorrow 09:00 at centre A, 20 places.
    pub const BIG_SESSION: i64 = 100;
    /// Aqua Fit tomorrow 10:00 at centre A, 1 place.
    pub const ONE_PLACE: i64 = 101;
    /// Aqua Fit later in the week at centre A, with space: offered as alternatives.
    pub const LATER_SESSIONS: [i64; 3] = [102, 103, 104];
    /// Spin tomorrow at centre B.
    pub const B_SESSION: i64 = 200;
    /// Customers of centre A are 1..=CUSTOMERS_A; of centre B the next CUSTOMERS_B.
    pub const CUSTOMERS_A: i64 = 200;
    pub const CUSTOMERS_B: i64 = 60;
    /// Filler sessions for paging (ids from here up) at centre A.
    pub const FILLER_FROM: i64 = 1000;
}

const FIRST: [&str; 10] = [
    "Seònaid",
    "Eilidh",
    "Mòrag",
    "Ruairidh",
    "Iain",
    "Catrìona",
    "Pàdraig",
    "Ùisdean",
    "Ciarán",
    "Alasdair",
];
const LAST: [&str; 10] = [
    "O'Neill", "MacAoidh", "McIntosh", "Grant", "Stewart", "Innes", "D'Arcy", "Shand", "Geddes", "Cumming",
];

/// A small fictional world: two centres, a handful of sessions, a few hundred customers, and
/// `filler_sessions` extra sessions at centre A so pulls span several pages.
pub fn small_world(filler_sessions: usize) -> DemoData {
    let day = tomorrow();
    let centres = vec![
        Centre {
            id: ids::CENTRE_A,
            name: "Lossie Links Leisure".into(),
            town: "Lossiemouth".into(),
        },
        Centre {
            id: ids::CENTRE_B,
            name: "Findhorn Bay Pool".into(),
            town: "Forres".into(),
        },
    ];
    let activities = vec![
        Activity {
            id: ids::AQUA_FIT,
            centre_id: ids::CENTRE_A,
            name: "Aqua Fit".into(),
            kind: ActivityKind::Class,
        },
        Activity {
            id: 20,
            centre_id: ids::CENTRE_B,
            name: "Spin".into(),
            kind: ActivityKind::Class,
        },
    ];
    let session =
        |id: i64, centre_id: i64, activity_id: i64, name: &str, starts_at: NaiveDateTime, capacity: u32| Session {
            id,
            centre_id,
            activity_id,
            activity_name: name.into(),
            starts_at,
            duration_minutes: 45,
            capacity,
            booked: 0,
            waiting: 0,
            location: "Main pool".into(),
            instructor: "Seònaid".into(),
            cancelled: false,
        };
    let mut sessions = vec![
        session(
            ids::BIG_SESSION,
            ids::CENTRE_A,
            ids::AQUA_FIT,
            "Aqua Fit",
            at(day, 9, 0),
            20,
        ),
        session(
            ids::ONE_PLACE,
            ids::CENTRE_A,
            ids::AQUA_FIT,
            "Aqua Fit",
            at(day, 10, 0),
            1,
        ),
        session(ids::B_SESSION, ids::CENTRE_B, 20, "Spin", at(day, 18, 0), 20),
    ];
    for (i, id) in ids::LATER_SESSIONS.iter().enumerate() {
        sessions.push(session(
            *id,
            ids::CENTRE_A,
            ids::AQUA_FIT,
            "Aqua Fit",
            at(day + chrono::Duration::days(1 + i as i64), 9, 0),
            12,
        ));
    }
    for i in 0..filler_sessions {
        let id = ids::FILLER_FROM + i as i64;
        let starts = at(day + chrono::Duration::days((i / 40) as i64), 6 + (i % 15) as u32, 0);
        sessions.push(session(id, ids::CENTRE_A, ids::AQUA_FIT, "Aqua Fit", starts, 25));
    }
    let customer = |id: i64, centre: i64| Customer {
        id,
        home_centre_id: centre,
        first_name: FIRST[(id as usize) % FIRST.len()].into(),
        last_name: LAST[(id as usize / FIRST.len()) % LAST.len()].into(),
        date_of_birth: NaiveDate::from_ymd_opt(1950 + (id % 60) as i32, 1 + (id % 12) as u32, 1 + (id % 28) as u32)
            .unwrap(),
        membership_no: format!("MLC{id:07}"),
        email: Some(format!("customer{id}@example.org")),
        phone: Some(format!("07700 9{id:05}")),
        postcode: if centre == ids::CENTRE_A {
            "IV31 6AA"
        } else {
            "IV36 1AB"
        }
        .into(),
        concession: id % 5 == 0,
    };
    let mut customers: Vec<Customer> = (1..=ids::CUSTOMERS_A).map(|id| customer(id, ids::CENTRE_A)).collect();
    customers
        .extend((ids::CUSTOMERS_A + 1..=ids::CUSTOMERS_A + ids::CUSTOMERS_B).map(|id| customer(id, ids::CENTRE_B)));
    let staff = |username: &str, site: Site| DemoStaff {
        username: username.into(),
        display_name: format!("Test {username}"),
        password: PASSWORD.into(),
        roles: vec![Role::LeisureDesk],
        sites: vec![site],
    };
    DemoData {
        centres,
        activities,
        sessions,
        customers,
        schools: vec![],
        pupils: vec![],
        contacts: vec![],
        ct_accounts: vec![],
        staff: vec![
            staff(STAFF_A, Site::leisure(ids::CENTRE_A)),
            staff(STAFF_B, Site::leisure(ids::CENTRE_B)),
        ],
    }
}

/// Opens a fresh server database of `backend` holding `world`.
pub fn world_store(backend: Backend, dir: &Path, world: &DemoData) -> (TestDb, Arc<dyn Store>) {
    let db = TestDb::new(backend, dir);
    let store = desk_server::open_store(&db.config).expect("open store");
    desk_server::load_demo(&*store, world).expect("load world");
    (db, store)
}

/// A desk with its own data directory, signed in as `username`.
pub async fn signed_in_desk(dir: PathBuf, server_url: &str, username: &str) -> Desk {
    std::fs::create_dir_all(&dir).unwrap();
    let desk = Desk::open(DeskConfig {
        data_dir: dir,
        server_url: server_url.to_owned(),
    })
    .await
    .expect("desk opens");
    desk.sign_in(username, PASSWORD).await.expect("sign in");
    desk
}

/// Polls `check` until it holds or `within` passes.
pub async fn eventually<F, Fut>(within: Duration, what: &str, mut check: F)
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = bool>,
{
    let deadline = Instant::now() + within;
    while !check().await {
        assert!(Instant::now() < deadline, "timed out waiting for: {what}");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

/// Sessions the crash test books into (centre A filler sessions, 25 places each).
pub const CRASH_SESSIONS: i64 = 60;

/// Booking `k` of the crash test's plan: (session, customer), all distinct for k < 25 × 60.
pub fn crash_plan(k: usize) -> (i64, i64) {
    let k = k as i64;
    (ids::FILLER_FROM + k % CRASH_SESSIONS, 1 + k / CRASH_SESSIONS)
}
