//! Shared by the desk-server integration tests: a fresh database per test on either backend
//! (from desk-testkit), a small two-centre world, a real server over it, and envelopes.
#![allow(dead_code)]

use std::sync::Arc;

use chrono::{Duration, NaiveDateTime};
use desk_domain::{Bucket, Customer, PullResponse, Session};
use desk_server::{EntityBatch, Lockout, Server, Store, TokenLifetimes};
use desk_testkit::{Backend, world as kit};
// Not every test file uses every helper.
#[allow(unused_imports)]
pub use desk_testkit::{
    PASSWORD, TestDb, book, booking_id, cancel, envelope, join_waiting, leisure_caller, now, postgres_url,
    quick_caller, tomorrow_at,
};

/// `conformance!(case_a, case_b)`: each `fn case(backend: &str)` as a test on SQLite and on
/// PostgreSQL — one storage suite for both backends (`sqlite::case_a`, `postgres::case_a`).
#[macro_export]
macro_rules! conformance {
    ($($case:ident),* $(,)?) => {
        mod sqlite {
            $( #[test] fn $case() { super::$case("sqlite") } )*
        }
        mod postgres {
            $( #[test] fn $case() { super::$case("postgres") } )*
        }
    };
}

pub const CENTRE_A: i64 = 1;
pub const CENTRE_B: i64 = 2;
pub const ACTIVITY_A: i64 = 10;
pub const ACTIVITY_B: i64 = 20;
/// Centre A, 20 places, tomorrow.
pub const SESSION_FULLABLE: i64 = 100;
/// Other sessions of ACTIVITY_A at centre A in the following days.
pub const SESSION_A_LATER: i64 = 101;
pub const SESSION_A_LATER2: i64 = 102;
/// Centre B.
pub const SESSION_B: i64 = 200;
/// Customers 1..=CUSTOMERS_A live at centre A, the next 20 at centre B.
pub const CUSTOMERS_A: i64 = 300;

pub fn sqlite_db() -> TestDb {
    TestDb::fresh(Backend::Sqlite)
}

pub fn postgres_db() -> TestDb {
    TestDb::fresh(Backend::Postgres)
}

/// A fresh database on `backend`: `"sqlite"` or `"postgres"`.
pub fn db(backend: &str) -> TestDb {
    TestDb::fresh(Backend::named(backend))
}

pub fn open(db: &TestDb) -> Arc<dyn Store> {
    db.open()
}

pub fn session(id: i64, centre_id: i64, activity_id: i64, starts_at: NaiveDateTime, capacity: u32) -> Session {
    Session {
        activity_name: "Aqua fit".into(),
        ..kit::session(id, centre_id, activity_id, starts_at, capacity)
    }
}

pub fn customer(id: i64, home: i64) -> Customer {
    Customer {
        phone: Some("01343 000000".into()),
        ..kit::customer(id, home, "Màiri", &format!("O'Neill {id}"), (1985, 3, 14))
    }
}

pub fn world() -> EntityBatch {
    EntityBatch {
        centres: vec![
            kit::centre(CENTRE_A, "Elgin Leisure Centre", "Elgin"),
            kit::centre(CENTRE_B, "Forres Swimming Pool", "Forres"),
        ],
        activities: vec![
            kit::class(ACTIVITY_A, CENTRE_A, "Aqua fit"),
            kit::class(ACTIVITY_B, CENTRE_B, "Aqua fit"),
        ],
        sessions: vec![
            session(SESSION_FULLABLE, CENTRE_A, ACTIVITY_A, tomorrow_at(10), 20),
            session(
                SESSION_A_LATER,
                CENTRE_A,
                ACTIVITY_A,
                tomorrow_at(10) + Duration::days(2),
                20,
            ),
            session(
                SESSION_A_LATER2,
                CENTRE_A,
                ACTIVITY_A,
                tomorrow_at(10) + Duration::days(4),
                20,
            ),
            session(SESSION_B, CENTRE_B, ACTIVITY_B, tomorrow_at(11), 20),
        ],
        customers: (1..=CUSTOMERS_A)
            .map(|id| customer(id, CENTRE_A))
            .chain((CUSTOMERS_A + 1..=CUSTOMERS_A + 20).map(|id| customer(id, CENTRE_B)))
            .collect(),
        ..EntityBatch::default()
    }
}

/// Opens a store on `backend` holding [`world`].
pub fn world_store(backend: &str) -> (TestDb, Arc<dyn Store>) {
    let db = db(backend);
    let store = open(&db);
    store.load(&world()).expect("world loads");
    (db, store)
}

/// Centre A's and B's spaces (the demo's layout), centre A priced and with the example policy
/// (others 7 days ahead, members 14, blocks 52 weeks, spaces' cut-off 24 h, nothing back
/// after it); its class at £6.00 for an adult.
pub fn spaces_store(backend: &str) -> (TestDb, Arc<dyn Store>) {
    let (db, store) = world_store(backend);
    let all = desk_fixtures::spaces::spaces(&[
        kit::centre(CENTRE_A, "Elgin Leisure Centre", "Elgin"),
        kit::centre(CENTRE_B, "Forres Swimming Pool", "Forres"),
    ]);
    let mut settings =
        desk_domain::leisure::price_moray::example_settings(CENTRE_A, &[kit::class(ACTIVITY_A, CENTRE_A, "Aqua fit")]);
    settings.prices[0]
        .prices
        .extend(desk_domain::leisure::price_moray::example_space_prices(&all));
    store
        .load(&EntityBatch {
            leisure_settings: vec![settings],
            spaces: all,
            ..EntityBatch::default()
        })
        .unwrap();
    (db, store)
}

/// Pushes one command as `caller`'s mutation `seq`, now, and returns its receipt's outcome.
pub fn outcome(
    store: &dyn Store,
    caller: &desk_server::Caller,
    seq: u64,
    cmd: &desk_domain::Command,
) -> desk_domain::Outcome {
    let m = envelope(caller.device_id, seq, cmd);
    store.push(caller, &[m], now()).unwrap().receipts.remove(0).outcome
}

/// A refusal's code, or the outcome itself when it was not refused.
pub fn code(o: desk_domain::Outcome) -> String {
    match o {
        desk_domain::Outcome::Rejected { code, .. } => code,
        other => format!("{other:?}"),
    }
}

/// Every record the server holds in `table`, parsed.
pub fn records<T: serde::de::DeserializeOwned>(store: &dyn Store, table: &str) -> Vec<T> {
    store
        .records(table, &[])
        .unwrap()
        .into_iter()
        .map(|v| serde_json::from_value(v).unwrap())
        .collect()
}

pub fn strs(buckets: &[Bucket]) -> Vec<String> {
    buckets.iter().map(ToString::to_string).collect()
}

/// A real `Server` on 127.0.0.1:0 over [`world_store`], with an HTTP client; each test file
/// adds the requests it makes.
pub struct Running {
    pub _db: TestDb,
    pub store: Arc<dyn Store>,
    pub server: Server,
    pub base: String,
    pub http: reqwest::Client,
}

impl Running {
    pub async fn start(backend: &str, lifetimes: TokenLifetimes, lockout: Lockout) -> Running {
        let (db, store) = world_store(backend);
        let server = Server::start_configured(store.clone(), "127.0.0.1:0".parse().unwrap(), lifetimes, lockout)
            .await
            .unwrap();
        Running {
            _db: db,
            base: format!("http://{}", server.addr),
            store,
            server,
            http: reqwest::Client::new(),
        }
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    /// `GET path` without a token, as JSON.
    pub async fn get_json(&self, path: &str) -> serde_json::Value {
        self.http
            .get(self.url(path))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap()
    }

    /// One page of `GET /v1/pull` as `token`; it must succeed.
    pub async fn pull(&self, token: &str, cursor: Option<&str>, limit: u32) -> PullResponse {
        let mut q = vec![("limit", limit.to_string())];
        if let Some(c) = cursor {
            q.push(("cursor", c.to_owned()));
        }
        let res = self
            .http
            .get(self.url("/v1/pull"))
            .bearer_auth(token)
            .query(&q)
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), reqwest::StatusCode::OK);
        res.json().await.unwrap()
    }
}
