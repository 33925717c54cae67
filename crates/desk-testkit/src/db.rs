//! A database of its own for one test: a fresh SQLite file, or a freshly created PostgreSQL
//! database on the server `DESK_TEST_POSTGRES_URL` names, dropped again afterwards.

use std::path::Path;
use std::sync::Arc;

use desk_server::{Store, StoreConfig};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

impl Backend {
    /// `"sqlite"` or `"postgres"`, as test tables name them.
    pub fn named(name: &str) -> Backend {
        match name {
            "sqlite" => Backend::Sqlite,
            "postgres" => Backend::Postgres,
            other => panic!("unknown backend {other}"),
        }
    }
}

/// The PostgreSQL server the tests use. The test command starts one and sets this; running the
/// PostgreSQL tests without it is an error, never a silent skip.
pub fn postgres_url() -> String {
    std::env::var("DESK_TEST_POSTGRES_URL").expect(
        "DESK_TEST_POSTGRES_URL is not set: the PostgreSQL tests need it, e.g. \
         postgres://desk:desk@127.0.0.1:5432/postgres; scripts/test starts PostgreSQL and sets it",
    )
}

/// A test database that removes itself: its temporary folder (when it has one of its own) or
/// its PostgreSQL database.
pub struct TestDb {
    pub config: StoreConfig,
    _dir: Option<tempfile::TempDir>,
    pg_admin: Option<(String, String)>,
}

impl TestDb {
    /// A database in a temporary folder of its own (SQLite) or a new PostgreSQL database.
    pub fn fresh(backend: Backend) -> Self {
        match backend {
            Backend::Sqlite => {
                let dir = tempfile::tempdir().expect("temporary folder");
                let mut db = TestDb::new(Backend::Sqlite, dir.path());
                db._dir = Some(dir);
                db
            }
            Backend::Postgres => TestDb::postgres(),
        }
    }

    /// SQLite as `<dir>/council.db` (the caller keeps `dir`), or a new PostgreSQL database.
    pub fn new(backend: Backend, dir: &Path) -> Self {
        match backend {
            Backend::Sqlite => TestDb {
                config: StoreConfig::Sqlite {
                    path: dir.join("council.db"),
                },
                _dir: None,
                pg_admin: None,
            },
            Backend::Postgres => TestDb::postgres(),
        }
    }

    fn postgres() -> Self {
        let admin = postgres_url();
        let name = format!("desk_test_{}", uuid::Uuid::new_v4().simple());
        admin_sql(&admin, &format!("CREATE DATABASE {name}")).expect("create test database");
        let url = match admin.rsplit_once('/') {
            Some((base, _)) => format!("{base}/{name}"),
            None => panic!("DESK_TEST_POSTGRES_URL has no database part: {admin}"),
        };
        TestDb {
            config: StoreConfig::Postgres { url },
            _dir: None,
            pg_admin: Some((admin, name)),
        }
    }

    /// Opens the store (migrating it).
    pub fn open(&self) -> Arc<dyn Store> {
        desk_server::open_store(&self.config).expect("store opens")
    }

    /// Runs SQL straight against the database, as an administrator with a shell would,
    /// bypassing the store. The error carries the database's own message.
    pub fn execute(&self, sql: &str) -> Result<(), String> {
        match &self.config {
            StoreConfig::Sqlite { path } => {
                let c = rusqlite::Connection::open(path).map_err(|e| e.to_string())?;
                c.execute_batch(sql).map_err(|e| e.to_string())
            }
            StoreConfig::Postgres { url } => {
                let (url, sql) = (url.clone(), sql.to_owned());
                std::thread::spawn(move || {
                    let mut c = postgres::Client::connect(&url, postgres::NoTls).map_err(|e| e.to_string())?;
                    c.batch_execute(&sql).map_err(|e| format!("{e:?}"))
                })
                .join()
                .expect("SQL thread")
            }
        }
    }

    /// The first column, as text, of every row a query returns, read straight from the
    /// database.
    pub fn column(&self, sql: &str) -> Vec<String> {
        match &self.config {
            StoreConfig::Sqlite { path } => {
                let c = rusqlite::Connection::open(path).unwrap();
                let mut stmt = c.prepare(sql).unwrap();
                stmt.query_map([], |r| r.get(0))
                    .unwrap()
                    .collect::<Result<Vec<String>, _>>()
                    .unwrap()
            }
            StoreConfig::Postgres { url } => {
                let (url, sql) = (url.clone(), sql.to_owned());
                std::thread::spawn(move || {
                    let mut c = postgres::Client::connect(&url, postgres::NoTls).unwrap();
                    c.query(&sql, &[]).unwrap().iter().map(|r| r.get(0)).collect()
                })
                .join()
                .expect("SQL thread")
            }
        }
    }
}

impl Drop for TestDb {
    fn drop(&mut self) {
        if let Some((admin, name)) = self.pg_admin.take() {
            let _ = admin_sql(&admin, &format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"));
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backends_are_named_as_test_tables_name_them() {
        assert_eq!(Backend::named("sqlite"), Backend::Sqlite);
        assert_eq!(Backend::named("postgres"), Backend::Postgres);
    }

    #[test]
    fn a_fresh_sqlite_database_goes_with_its_folder() {
        let db = TestDb::fresh(Backend::Sqlite);
        let StoreConfig::Sqlite { path } = db.config.clone() else {
            panic!("not SQLite: {:?}", db.config)
        };
        db.open();
        assert!(path.exists());
        drop(db);
        assert!(!path.exists(), "{} is removed", path.display());
    }

    #[test]
    fn a_fresh_postgres_database_is_dropped_afterwards() {
        let db = TestDb::fresh(Backend::Postgres);
        let StoreConfig::Postgres { url } = db.config.clone() else {
            panic!("not PostgreSQL: {:?}", db.config)
        };
        db.open();
        let name = url.rsplit_once('/').unwrap().1.to_owned();
        let exists = |name: String| {
            std::thread::spawn(move || {
                let mut c = postgres::Client::connect(&postgres_url(), postgres::NoTls).unwrap();
                let n: i64 = c
                    .query_one("SELECT count(*) FROM pg_database WHERE datname = $1", &[&name])
                    .unwrap()
                    .get(0);
                n == 1
            })
            .join()
            .unwrap()
        };
        assert!(exists(name.clone()));
        drop(db);
        assert!(!exists(name), "dropped");
    }
}
