//! The embedded backend: one SQLite file in WAL mode. Writers take the database lock up front
//! (`BEGIN IMMEDIATE`), so a session's counts are read and written by one writer at a time.
//! It implements desk-store's generic surface (statements from `desk_store::sql`, bound and
//! read here) plus the two hot paths: the capacity-checked place and the merged pull.

use std::cmp::Reverse;
use std::collections::BinaryHeap;
use std::path::{Path, PathBuf};
use std::sync::{Mutex, MutexGuard};

use chrono::{DateTime, NaiveDate, NaiveDateTime, Utc};
use rusqlite::types::Value;
use rusqlite::{Connection, OptionalExtension, params};
use uuid::Uuid;

use desk_store::migrate::{self, Migration, MigrationTarget};
use desk_store::ops::receipts_after;
use desk_store::rows::{Cell, ts_text};
use desk_store::sql::{self, Statement};
use desk_store::tables::SESSIONS;
use desk_store::{
    ColType, Cond, Database, Dialect, Place, PlaceRead, Poke, PullPage, PullQuery, Row, Select, StoreError, SyncRow,
    TableSpec, Tables, Transaction, Tx,
};

const TS_FORMAT: &str = "%Y-%m-%dT%H:%M:%S";
const D: Dialect = Dialect::Sqlite;

pub struct SqliteBackend {
    path: PathBuf,
    writer: Mutex<Connection>,
    readers: Mutex<Vec<Connection>>,
}

/// Opens (creating if missing) the database file and brings its schema up to date.
pub fn open(path: &Path) -> Result<SqliteBackend, StoreError> {
    if let Some(dir) = path.parent()
        && !dir.as_os_str().is_empty()
    {
        std::fs::create_dir_all(dir).map_err(|e| StoreError::Open(format!("{}: {e}", dir.display())))?;
    }
    let mut conn = connect(path)?;
    migrate::run(&mut SqliteMigrations(&mut conn), migrate::MIGRATIONS)?;
    Ok(SqliteBackend {
        path: path.to_owned(),
        writer: Mutex::new(conn),
        readers: Mutex::new(Vec::new()),
    })
}

fn connect(path: &Path) -> Result<Connection, StoreError> {
    let conn = Connection::open(path)?;
    conn.busy_timeout(std::time::Duration::from_secs(10))?;
    // WAL lets pulls read while a push writes; FULL makes each commit durable on return,
    // because a receipt sent to a desk must never be forgotten.
    conn.pragma_update(None, "journal_mode", "WAL")?;
    conn.pragma_update(None, "synchronous", "FULL")?;
    conn.pragma_update(None, "foreign_keys", "ON")?;
    conn.set_prepared_statement_cache_capacity(64);
    Ok(conn)
}

struct SqliteMigrations<'a>(&'a mut Connection);

impl MigrationTarget for SqliteMigrations<'_> {
    fn dialect(&self) -> Dialect {
        D
    }
    fn applied(&mut self) -> Result<Vec<(u32, String)>, StoreError> {
        self.0.execute_batch(
            "CREATE TABLE IF NOT EXISTS schema_migrations (
                version INTEGER PRIMARY KEY, name TEXT NOT NULL, checksum TEXT NOT NULL, applied_at TEXT NOT NULL)",
        )?;
        let mut stmt = self
            .0
            .prepare("SELECT version, checksum FROM schema_migrations ORDER BY version")?;
        let rows = stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?;
        Ok(rows.collect::<Result<_, _>>()?)
    }
    fn apply(&mut self, m: &Migration) -> Result<(), StoreError> {
        let tx = self.0.transaction()?;
        tx.execute_batch(&m.sql(D)).map_err(|e| StoreError::Migration {
            version: m.version,
            name: m.name.to_owned(),
            reason: e.to_string(),
        })?;
        tx.execute(
            "INSERT INTO schema_migrations (version, name, checksum, applied_at) VALUES (?1, ?2, ?3, ?4)",
            params![m.version, m.name, m.checksum(D), Utc::now().to_rfc3339()],
        )?;
        tx.commit()?;
        Ok(())
    }
}

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
}

/// How SQLite stores a cell: instants as RFC 3339 text, wall-clock times and dates as
/// sortable ISO-8601 text, UUIDs as hyphenated text, booleans as 0/1.
fn bind(c: &Cell) -> Value {
    match c {
        Cell::Null => Value::Null,
        Cell::Int(i) => Value::Integer(*i),
        Cell::Text(s) | Cell::Json(s) => Value::Text(s.clone()),
        Cell::Bool(b) => Value::Integer(i64::from(*b)),
        Cell::Date(d) => Value::Text(d.format("%Y-%m-%d").to_string()),
        Cell::Timestamp(t) => Value::Text(ts_text(t)),
        Cell::TimestampTz(t) => Value::Text(t.to_rfc3339()),
        Cell::Uuid(u) => Value::Text(u.to_string()),
        Cell::Blob(b) => Value::Blob(b.clone()),
    }
}

/// A stored value back as a cell of its column's type.
fn read(ty: ColType, v: Value) -> Result<Cell, StoreError> {
    let bad = |what: &str| StoreError::Corrupt(format!("a stored {ty:?} is {what}"));
    Ok(match (ty, v) {
        (_, Value::Null) => Cell::Null,
        (ColType::Serial | ColType::Int | ColType::Int32, Value::Integer(i)) => Cell::Int(i),
        (ColType::Bool, Value::Integer(i)) => Cell::Bool(i != 0),
        (ColType::Text, Value::Text(s)) => Cell::Text(s),
        (ColType::Json, Value::Text(s)) => Cell::Json(s),
        (ColType::Date, Value::Text(s)) => {
            Cell::Date(NaiveDate::parse_from_str(&s, "%Y-%m-%d").map_err(|e| bad(&e.to_string()))?)
        }
        (ColType::Timestamp, Value::Text(s)) => {
            Cell::Timestamp(NaiveDateTime::parse_from_str(&s, TS_FORMAT).map_err(|e| bad(&e.to_string()))?)
        }
        (ColType::TimestampTz, Value::Text(s)) => Cell::TimestampTz(
            DateTime::parse_from_rfc3339(&s)
                .map_err(|e| bad(&e.to_string()))?
                .with_timezone(&Utc),
        ),
        (ColType::Uuid, Value::Text(s)) => Cell::Uuid(Uuid::parse_str(&s).map_err(|e| bad(&e.to_string()))?),
        (ColType::Blob, Value::Blob(b)) => Cell::Blob(b),
        (_, other) => return Err(bad(&format!("{:?}", other.data_type()))),
    })
}

/// The first `table.columns.len()` columns of a result row, as a [`Row`] of `table`.
fn row_of(table: &'static TableSpec, r: &rusqlite::Row<'_>) -> Result<Row, StoreError> {
    let mut cells = Vec::with_capacity(table.columns.len());
    for (i, c) in table.columns.iter().enumerate() {
        cells.push(read(c.ty, r.get::<_, Value>(i)?)?);
    }
    Ok(Row { table, cells })
}

fn params(s: &Statement) -> impl Iterator<Item = Value> + '_ {
    s.params.iter().map(|(_, c)| bind(c))
}

/// The generic surface on one connection: reads outside a transaction, or the writer's
/// transaction.
struct SqliteTx<'c> {
    conn: &'c Connection,
}

impl Tables for SqliteTx<'_> {
    fn select(&mut self, table: &'static TableSpec, q: &Select<'_>) -> Result<Vec<Row>, StoreError> {
        let s = sql::select(D, table, q)?;
        let mut stmt = self.conn.prepare_cached(&s.sql)?;
        let mut rows = stmt.query(rusqlite::params_from_iter(params(&s)))?;
        let mut out = Vec::new();
        while let Some(r) = rows.next()? {
            out.push(row_of(table, r)?);
        }
        Ok(out)
    }
    fn insert(&mut self, table: &'static TableSpec, cells: &[(&'static str, Cell)]) -> Result<Option<i64>, StoreError> {
        let s = sql::insert(D, table, cells)?;
        Ok(self
            .conn
            .prepare_cached(&s.sql)?
            .query_row(rusqlite::params_from_iter(params(&s)), |r| r.get(0))
            .optional()?)
    }
    fn put_rows(&mut self, table: &'static TableSpec, rows: &[Vec<Cell>]) -> Result<(), StoreError> {
        let Some(first) = rows.first() else { return Ok(()) };
        // One statement for every row (a bulk load is thousands): rendered once, bound per row.
        let mut stmt = self.conn.prepare_cached(&sql::upsert(D, table, first)?.sql)?;
        for row in rows {
            if row.len() != table.columns.len() {
                return Err(StoreError::Invalid(format!(
                    "{}: a row of {} cells",
                    table.name,
                    row.len()
                )));
            }
            stmt.execute(rusqlite::params_from_iter(row.iter().map(bind)))?;
        }
        Ok(())
    }
    fn update(
        &mut self,
        table: &'static TableSpec,
        filter: &[Cond],
        set: &[(&'static str, Cell)],
    ) -> Result<u64, StoreError> {
        let s = sql::update(D, table, filter, set)?;
        Ok(self
            .conn
            .prepare_cached(&s.sql)?
            .execute(rusqlite::params_from_iter(params(&s)))? as u64)
    }
    fn delete(&mut self, table: &'static TableSpec, filter: &[Cond]) -> Result<u64, StoreError> {
        let s = sql::delete(D, table, filter)?;
        Ok(self
            .conn
            .prepare_cached(&s.sql)?
            .execute(rusqlite::params_from_iter(params(&s)))? as u64)
    }
    fn count(&mut self, table: &'static TableSpec) -> Result<u64, StoreError> {
        Ok(self.conn.query_row(&sql::count(table), [], |r| r.get::<_, i64>(0))? as u64)
    }
}

impl Transaction for SqliteTx<'_> {
    fn commit(&mut self, head: Option<u64>) -> Result<(), StoreError> {
        if let Some(head) = head {
            self.conn
                .prepare_cached("UPDATE sync_head SET version = ?1 WHERE id = 1")?
                .execute([head as i64])?;
        }
        Ok(self.conn.execute_batch("COMMIT")?)
    }
    fn rollback(&mut self) {
        let _ = self.conn.execute_batch("ROLLBACK");
    }
    fn savepoint(&mut self) -> Result<(), StoreError> {
        Ok(self.conn.execute_batch("SAVEPOINT mutation")?)
    }
    fn release(&mut self) -> Result<(), StoreError> {
        Ok(self.conn.execute_batch("RELEASE mutation")?)
    }
    fn rollback_to(&mut self) -> Result<(), StoreError> {
        Ok(self.conn.execute_batch("ROLLBACK TO mutation; RELEASE mutation")?)
    }
    fn notify(&mut self, _poke: &Poke) -> Result<(), StoreError> {
        // One process owns an SQLite file: the in-process broadcast reaches everyone.
        Ok(())
    }
    fn place(&mut self, p: &Place) -> Result<Option<PlaceRead>, StoreError> {
        let mut stmt = self.conn.prepare_cached(&sql::place_facts(D))?;
        let mut rows = stmt.query(params![p.session_id, p.customer_id, p.booking_id.to_string()])?;
        let Some(r) = rows.next()? else { return Ok(None) };
        let n = SESSIONS.columns.len();
        Ok(Some((row_of(&SESSIONS, r)?, r.get(n)?, r.get(n + 1)?, r.get(n + 2)?)))
    }
}

impl SqliteBackend {
    fn reader<R>(&self, f: impl FnOnce(&Connection) -> Result<R, StoreError>) -> Result<R, StoreError> {
        let conn = lock(&self.readers).pop();
        let conn = match conn {
            Some(c) => c,
            None => connect(&self.path)?,
        };
        let out = f(&conn);
        if conn.is_autocommit() {
            lock(&self.readers).push(conn);
        }
        out
    }
}

fn sync_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<SyncRow> {
    Ok(SyncRow {
        table: r.get(0)?,
        id: r.get(1)?,
        bucket: r.get(2)?,
        version: r.get::<_, i64>(3)? as u64,
        deleted: r.get(4)?,
        data: r.get(5)?,
    })
}

/// The oldest `limit` rows above `after` across `buckets`: a merge of one index-ordered cursor
/// per bucket, stepping only as far as the page needs (about `limit + buckets` rows).
fn merged_page(c: &Connection, buckets: &[String], after: u64, limit: u32) -> Result<(Vec<SyncRow>, bool), StoreError> {
    const SQL: &str = "SELECT tbl, id, bucket, version, deleted, data FROM sync_rows
                       WHERE bucket = ?1 AND version > ?2 ORDER BY version LIMIT ?3";
    let mut statements = Vec::with_capacity(buckets.len());
    for _ in buckets {
        statements.push(c.prepare_cached(SQL)?);
    }
    let mut cursors = Vec::with_capacity(buckets.len());
    for (stmt, bucket) in statements.iter_mut().zip(buckets) {
        cursors.push(stmt.query(params![bucket, after as i64, i64::from(limit) + 1])?);
    }
    let mut heads: Vec<Option<SyncRow>> = Vec::with_capacity(cursors.len());
    let mut heap = BinaryHeap::new();
    for (i, cursor) in cursors.iter_mut().enumerate() {
        let row = cursor.next()?.map(sync_row).transpose()?;
        if let Some(r) = &row {
            heap.push(Reverse((r.version, i)));
        }
        heads.push(row);
    }
    let wanted = limit as usize + 1;
    let mut rows = Vec::with_capacity(wanted.min(8192));
    while rows.len() < wanted {
        let Some(Reverse((_, i))) = heap.pop() else { break };
        let next = cursors[i].next()?.map(sync_row).transpose()?;
        if let Some(r) = &next {
            heap.push(Reverse((r.version, i)));
        }
        if let Some(row) = std::mem::replace(&mut heads[i], next) {
            rows.push(row);
        }
    }
    let has_more = rows.len() > limit as usize;
    rows.truncate(limit as usize);
    Ok((rows, has_more))
}

fn read_head(conn: &Connection) -> Result<u64, StoreError> {
    Ok(conn
        .prepare_cached("SELECT version FROM sync_head WHERE id = 1")?
        .query_row([], |r| r.get::<_, i64>(0))? as u64)
}

impl Database for SqliteBackend {
    const NAME: &'static str = "sqlite";

    fn write<R: Send, E: From<StoreError> + Send>(
        &self,
        f: impl FnOnce(&mut dyn Tx) -> Result<R, E> + Send,
    ) -> Result<R, E> {
        let conn = lock(&self.writer);
        if !conn.is_autocommit() {
            // A panic mid-transaction left it open: nothing of it was committed.
            conn.execute_batch("ROLLBACK").map_err(StoreError::from)?;
        }
        conn.execute_batch("BEGIN IMMEDIATE").map_err(StoreError::from)?;
        let head = match read_head(&conn) {
            Ok(h) => h,
            Err(e) => {
                let _ = conn.execute_batch("ROLLBACK");
                return Err(e.into());
            }
        };
        desk_store::write(SqliteTx { conn: &conn }, head, f)
    }

    fn read<R: Send>(&self, f: impl FnOnce(&mut dyn Tables) -> Result<R, StoreError> + Send) -> Result<R, StoreError> {
        self.reader(|c| f(&mut SqliteTx { conn: c }))
    }

    fn pull(&self, q: &PullQuery<'_>) -> Result<PullPage, StoreError> {
        self.reader(|c| {
            // One read transaction: the rows, the head and the receipts come from one snapshot.
            c.execute_batch("BEGIN")?;
            let page = (|| {
                let head = read_head(c)?;
                let (rows, has_more) = merged_page(c, q.buckets, q.after, q.limit)?;
                let (receipts, device_last_seq) =
                    receipts_after(&mut SqliteTx { conn: c }, q.device, q.staff, q.ack_seq)?;
                Ok(PullPage {
                    rows,
                    has_more,
                    head,
                    receipts,
                    device_last_seq,
                })
            })();
            c.execute_batch("COMMIT")?;
            page
        })
    }
}
