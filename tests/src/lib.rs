//! Shared by the end-to-end tests and the benchmark command: a real council server on loopback
//! (SQLite or PostgreSQL), a small fictional world to load into it, and desks to talk to it.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use chrono::{NaiveDate, NaiveDateTime, NaiveTime};
use desk_client::Desk;
use desk_domain::{Customer, Session};
use desk_fixtures::DemoData;
use desk_server::Store;
use desk_testkit::leisure_staff;
use desk_testkit::world::{centre, class};

pub mod wire;
/// The database, server, proxy and polling helpers every crate's tests share.
pub use desk_testkit::{Backend, PASSWORD, TestDb, TestServer, eventually, postgres_url, proxy, tomorrow};

/// Leisure desk at centre 1.
pub const STAFF_A: &str = "desk.a";
/// Leisure desk at centre 2.
pub const STAFF_B: &str = "desk.b";

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

fn at(day: NaiveDate, h: u32, m: u32) -> NaiveDateTime {
    day.and_time(NaiveTime::from_hms_opt(h, m, 0).unwrap())
}

/// A small fictional world: two centres, a handful of sessions, a few hundred customers, and
/// `filler_sessions` extra sessions at centre A so pulls span several pages.
pub fn small_world(filler_sessions: usize) -> DemoData {
    let day = tomorrow();
    let centres = vec![
        centre(ids::CENTRE_A, "Lossie Links Leisure", "Lossiemouth"),
        centre(ids::CENTRE_B, "Findhorn Bay Pool", "Forres"),
    ];
    let activities = vec![
        class(ids::AQUA_FIT, ids::CENTRE_A, "Aqua Fit"),
        class(20, ids::CENTRE_B, "Spin"),
    ];
    let session =
        |id: i64, centre_id: i64, activity_id: i64, name: &str, starts_at: NaiveDateTime, capacity: u32| Session {
            activity_name: name.into(),
            location: "Main pool".into(),
            ..desk_testkit::world::session(id, centre_id, activity_id, starts_at, capacity)
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
    let staff = |username: &str, centre: i64| leisure_staff(username, &format!("Test {username}"), centre);
    DemoData {
        centres,
        activities,
        sessions,
        customers,
        staff: vec![staff(STAFF_A, ids::CENTRE_A), staff(STAFF_B, ids::CENTRE_B)],
        ..DemoData::default()
    }
}

/// Opens a fresh server database of `backend` holding `world`.
pub fn world_store(backend: Backend, dir: &Path, world: &DemoData) -> (TestDb, Arc<dyn Store>) {
    let db = TestDb::new(backend, dir);
    let store = db.open();
    desk_server::load_demo(&*store, world).expect("load world");
    (db, store)
}

/// A desk with its own data directory, signed in as `username` (with [`PASSWORD`]).
pub async fn signed_in_desk(dir: PathBuf, server_url: &str, username: &str) -> Desk {
    desk_testkit::signed_in_desk(&dir, server_url, username).await
}

/// Sessions the crash test books into (centre A filler sessions, 25 places each).
pub const CRASH_SESSIONS: i64 = 120;
/// The crash test's plan fills every place of its sessions.
pub const CRASH_PLAN: usize = 25 * CRASH_SESSIONS as usize;

/// Booking `k` of the crash test's plan: (session, customer), all distinct for k < [`CRASH_PLAN`].
pub fn crash_plan(k: usize) -> (i64, i64) {
    let k = k as i64;
    (ids::FILLER_FROM + k % CRASH_SESSIONS, 1 + k / CRASH_SESSIONS)
}
