//! Shared by the desk-server integration tests: a fresh database per test on either backend,
//! a small two-centre world, and envelopes.
#![allow(dead_code)]

use std::sync::Arc;

use chrono::{Duration, Local, NaiveDateTime, Utc};
use desk_domain::leisure::{self, BookPlace, CancelPlace, JoinWaitingList};
use desk_domain::{Activity, ActivityKind, Bucket, Centre, Channel, Command, Customer, Mutation, Role, Session, Site};
use desk_server::{Caller, EntityBatch, NewStaff, Store, StoreConfig};
use uuid::Uuid;

pub const PASSWORD: &str = "correct horse battery";
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

/// A test database that removes itself.
pub struct TestDb {
    pub config: StoreConfig,
    _dir: Option<tempfile::TempDir>,
    pg: Option<(String, String)>,
}

impl Drop for TestDb {
    fn drop(&mut self) {
        if let Some((admin, name)) = self.pg.take() {
            // The blocking client must not run on an async thread: use one of its own.
            let _ = std::thread::spawn(move || {
                if let Ok(mut c) = postgres::Client::connect(&admin, postgres::NoTls) {
                    let _ = c.batch_execute(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"));
                }
            })
            .join();
        }
    }
}

pub fn postgres_url() -> String {
    std::env::var("DESK_TEST_POSTGRES_URL").expect(
        "DESK_TEST_POSTGRES_URL is not set: the PostgreSQL tests need it, e.g. \
         postgres://desk:desk@127.0.0.1:5432/postgres",
    )
}

pub fn sqlite_db() -> TestDb {
    let dir = tempfile::tempdir().unwrap();
    TestDb {
        config: StoreConfig::Sqlite {
            path: dir.path().join("council.db"),
        },
        _dir: Some(dir),
        pg: None,
    }
}

pub fn postgres_db() -> TestDb {
    let admin = postgres_url();
    let name = format!("desk_server_test_{}", Uuid::new_v4().simple());
    let create = format!("CREATE DATABASE {name}");
    let admin_url = admin.clone();
    std::thread::spawn(move || {
        let mut c = postgres::Client::connect(&admin_url, postgres::NoTls).expect("connect to DESK_TEST_POSTGRES_URL");
        c.batch_execute(&create).expect("create test database");
    })
    .join()
    .expect("test database created");
    let (base, _) = admin.rsplit_once('/').expect("URL ends in a database name");
    TestDb {
        config: StoreConfig::Postgres {
            url: format!("{base}/{name}"),
        },
        _dir: None,
        pg: Some((admin, name)),
    }
}

pub fn db(backend: &str) -> TestDb {
    match backend {
        "sqlite" => sqlite_db(),
        "postgres" => postgres_db(),
        other => panic!("unknown backend {other}"),
    }
}

pub fn open(db: &TestDb) -> Arc<dyn Store> {
    desk_server::open_store(&db.config).expect("store opens")
}

pub fn tomorrow_at(h: u32) -> NaiveDateTime {
    (Local::now().date_naive() + Duration::days(1))
        .and_hms_opt(h, 0, 0)
        .unwrap()
}

pub fn session(id: i64, centre_id: i64, activity_id: i64, starts_at: NaiveDateTime, capacity: u32) -> Session {
    Session {
        id,
        centre_id,
        activity_id,
        activity_name: "Aqua fit".into(),
        starts_at,
        duration_minutes: 45,
        capacity,
        booked: 0,
        waiting: 0,
        location: "Pool".into(),
        instructor: "Seònaid".into(),
        cancelled: false,
    }
}

pub fn customer(id: i64, home: i64) -> Customer {
    Customer {
        id,
        home_centre_id: home,
        first_name: "Màiri".into(),
        last_name: format!("O'Neill {id}"),
        date_of_birth: chrono::NaiveDate::from_ymd_opt(1985, 3, 14).unwrap(),
        membership_no: format!("M{id:06}"),
        email: None,
        phone: Some("01343 000000".into()),
        postcode: "IV30 1AB".into(),
        concession: false,
    }
}

pub fn world() -> EntityBatch {
    EntityBatch {
        centres: vec![
            Centre {
                id: CENTRE_A,
                name: "Elgin Leisure Centre".into(),
                town: "Elgin".into(),
            },
            Centre {
                id: CENTRE_B,
                name: "Forres Swimming Pool".into(),
                town: "Forres".into(),
            },
        ],
        activities: vec![
            Activity {
                id: ACTIVITY_A,
                centre_id: CENTRE_A,
                name: "Aqua fit".into(),
                kind: ActivityKind::Class,
            },
            Activity {
                id: ACTIVITY_B,
                centre_id: CENTRE_B,
                name: "Aqua fit".into(),
                kind: ActivityKind::Class,
            },
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

/// A leisure-desk member of staff at `centre` (stored, with a real password) and a device.
pub fn leisure_caller(store: &dyn Store, username: &str, centre: i64) -> Caller {
    let staff_id = desk_server::add_staff(
        store,
        NewStaff {
            username: username.into(),
            display_name: format!("Staff {username}"),
            password: PASSWORD.into(),
            roles: vec![Role::LeisureDesk],
            sites: vec![Site::leisure(centre)],
        },
    )
    .expect("staff added");
    Caller {
        staff_id,
        device_id: Uuid::now_v7(),
        buckets: Bucket::scope(&[Role::LeisureDesk], &[Site::leisure(centre)]),
    }
}

/// A caller that skips password hashing (for tests with many staff).
pub fn quick_caller(store: &dyn Store, username: &str, centre: i64) -> Caller {
    let staff_id = store
        .insert_staff(&desk_server::NewStaffRecord {
            username: username.into(),
            display_name: username.into(),
            password_hash: "!".into(),
            roles: vec![Role::LeisureDesk],
            sites: vec![Site::leisure(centre)],
        })
        .unwrap();
    Caller {
        staff_id,
        device_id: Uuid::now_v7(),
        buckets: Bucket::scope(&[Role::LeisureDesk], &[Site::leisure(centre)]),
    }
}

pub fn envelope(device_id: Uuid, seq: u64, cmd: &Command) -> Mutation {
    let (name, args_version, args) = cmd.to_envelope_parts();
    Mutation {
        mutation_id: Uuid::now_v7(),
        device_id,
        seq,
        name: name.into(),
        args_version,
        args,
        base_cursor: None,
        created_at: Utc::now(),
        channel: Channel::FaceToFace,
    }
}

pub fn book(session_id: i64, customer_id: i64) -> Command {
    Command::from(BookPlace {
        booking_id: Uuid::now_v7(),
        session_id,
        customer_id,
    })
}

pub fn join_waiting(session_id: i64, customer_id: i64) -> Command {
    Command::from(JoinWaitingList {
        booking_id: Uuid::now_v7(),
        session_id,
        customer_id,
    })
}

pub fn cancel(booking_id: Uuid) -> Command {
    Command::from(CancelPlace { booking_id })
}

pub fn booking_id(cmd: &Command) -> Uuid {
    let Command::Leisure(c) = cmd;
    match c {
        leisure::Command::BookPlace(a) => a.booking_id,
        leisure::Command::JoinWaitingList(a) => a.booking_id,
        leisure::Command::CancelPlace(a) => a.booking_id,
        leisure::Command::AddNote(a) => panic!("note {} names no booking", a.note_id),
    }
}

pub fn now() -> NaiveDateTime {
    Local::now().naive_local()
}

pub fn strs(buckets: &[Bucket]) -> Vec<String> {
    buckets.iter().map(ToString::to_string).collect()
}
