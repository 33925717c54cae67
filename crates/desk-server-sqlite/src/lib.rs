//! The embedded backend: one SQLite file in WAL mode. Writers take the database lock up front
//! (`BEGIN IMMEDIATE`), so a session's counts are read and written by one writer at a time.

use std::cmp::Reverse;
use std::collections::BinaryHeap;
use std::path::{Path, PathBuf};
use std::sync::{Mutex, MutexGuard};

use chrono::{DateTime, NaiveDateTime, Utc};
use desk_domain::{Booking, Receipt, Role, Session, Site};
use rusqlite::types::Value;
use rusqlite::{Connection, OptionalExtension, params};
use uuid::Uuid;

use desk_store::migrate::{self, Migration, MigrationTarget};
use desk_store::rows::{Cell, TableSpec, ts_text};
use desk_store::{
    AuditEntry, Backend, Dialect, NewStaffRecord, PersonRef, PlaceFacts, Poke, PullPage, RefreshRecord, StaffRecord,
    StoreError, StoreTx, SyncRow, TokenIssue, TokenRecord,
};

const TS_FORMAT: &str = "%Y-%m-%dT%H:%M:%S";

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
        Dialect::Sqlite
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
        tx.execute_batch(&m.sql(Dialect::Sqlite))
            .map_err(|e| StoreError::Migration {
                version: m.version,
                name: m.name.to_owned(),
                reason: e.to_string(),
            })?;
        tx.execute(
            "INSERT INTO schema_migrations (version, name, checksum, applied_at) VALUES (?1, ?2, ?3, ?4)",
            params![m.version, m.name, m.checksum(Dialect::Sqlite), Utc::now().to_rfc3339()],
        )?;
        tx.commit()?;
        Ok(())
    }
}

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
}

fn parse_enum<T: serde::de::DeserializeOwned>(s: String) -> rusqlite::Result<T> {
    serde_json::from_value(serde_json::Value::String(s))
        .map_err(|e| rusqlite::Error::FromSqlConversionFailure(0, rusqlite::types::Type::Text, Box::new(e)))
}

/// An audit row from the columns `at, staff_id, device_id, action, record_kind, record_id,
/// person_id, detail, source, device_seq`, in that order from column 0.
fn audit_entry(r: &rusqlite::Row<'_>) -> rusqlite::Result<AuditEntry> {
    let at: String = r.get(0)?;
    let device: Option<String> = r.get(2)?;
    Ok(AuditEntry {
        at: DateTime::parse_from_rfc3339(&at)
            .map_err(conversion)?
            .with_timezone(&Utc),
        staff_id: r.get(1)?,
        device_id: device.map(|d| Uuid::parse_str(&d)).transpose().map_err(conversion)?,
        action: r.get(3)?,
        record_kind: r.get(4)?,
        record_id: r.get(5)?,
        person_id: r.get(6)?,
        detail: r.get(7)?,
        source: r.get(8)?,
        device_seq: r.get::<_, Option<i64>>(9)?.map(|s| s as u64),
    })
}

fn conversion<E: std::error::Error + Send + Sync + 'static>(e: E) -> rusqlite::Error {
    rusqlite::Error::FromSqlConversionFailure(0, rusqlite::types::Type::Text, Box::new(e))
}

const SESSION_COLS: &str = "id, centre_id, activity_id, activity_name, starts_at, duration_minutes, capacity, booked, waiting, location, instructor, cancelled";

fn session_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<Session> {
    let starts_at: String = r.get(4)?;
    Ok(Session {
        id: r.get(0)?,
        centre_id: r.get(1)?,
        activity_id: r.get(2)?,
        activity_name: r.get(3)?,
        starts_at: NaiveDateTime::parse_from_str(&starts_at, TS_FORMAT).map_err(conversion)?,
        duration_minutes: r.get(5)?,
        capacity: r.get(6)?,
        booked: r.get(7)?,
        waiting: r.get(8)?,
        location: r.get(9)?,
        instructor: r.get(10)?,
        cancelled: r.get(11)?,
    })
}

const BOOKING_COLS: &str =
    "id, session_id, customer_id, centre_id, status, waiting_position, created_at, staff_id, channel";

fn booking_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<Booking> {
    let id: String = r.get(0)?;
    let created_at: String = r.get(6)?;
    Ok(Booking {
        id: Uuid::parse_str(&id).map_err(conversion)?,
        session_id: r.get(1)?,
        customer_id: r.get(2)?,
        centre_id: r.get(3)?,
        status: parse_enum(r.get(4)?)?,
        waiting_position: r.get(5)?,
        created_at: DateTime::parse_from_rfc3339(&created_at)
            .map_err(conversion)?
            .with_timezone(&Utc),
        staff_id: r.get(7)?,
        channel: parse_enum(r.get(8)?)?,
    })
}

fn staff_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<StaffRecord> {
    let roles: String = r.get(4)?;
    let sites: String = r.get(5)?;
    Ok(StaffRecord {
        id: r.get(0)?,
        username: r.get(1)?,
        display_name: r.get(2)?,
        password_hash: r.get(3)?,
        roles: serde_json::from_str::<Vec<Role>>(&roles).map_err(conversion)?,
        sites: serde_json::from_str::<Vec<Site>>(&sites).map_err(conversion)?,
        disabled: r.get(6)?,
    })
}

fn receipt_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<Receipt> {
    let mutation_id: String = r.get(1)?;
    let outcome: String = r.get(2)?;
    Ok(Receipt {
        seq: r.get::<_, i64>(0)? as u64,
        mutation_id: Uuid::parse_str(&mutation_id).map_err(conversion)?,
        outcome: serde_json::from_str(&outcome).map_err(conversion)?,
        version: r.get::<_, i64>(3)? as u64,
    })
}

/// How SQLite stores a cell: instants as RFC 3339 text, wall-clock times and dates as
/// sortable ISO-8601 text, UUIDs as hyphenated text, booleans as 0/1.
fn cell_value(c: &Cell) -> Value {
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

fn upsert_sql(spec: &TableSpec, placeholder: impl Fn(usize) -> String) -> String {
    let cols: Vec<&str> = spec.columns.iter().map(|c| c.name).collect();
    let values: Vec<String> = (1..=cols.len()).map(placeholder).collect();
    let updates: Vec<String> = cols
        .iter()
        .filter(|c| !spec.key.contains(c))
        .map(|c| format!("{c} = excluded.{c}"))
        .collect();
    format!(
        "INSERT INTO {} ({}) VALUES ({}) ON CONFLICT ({}) DO UPDATE SET {}",
        spec.name,
        cols.join(", "),
        values.join(", "),
        spec.key.join(", "),
        updates.join(", ")
    )
}

struct SqliteTx<'c> {
    conn: &'c Connection,
    start: u64,
    head: u64,
}

impl StoreTx for SqliteTx<'_> {
    fn head(&self) -> u64 {
        self.head
    }
    fn next_version(&mut self) -> u64 {
        self.head += 1;
        self.head
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
    fn device(&mut self, device_id: Uuid) -> Result<Option<(i64, u64)>, StoreError> {
        Ok(self
            .conn
            .prepare_cached("SELECT staff_id, last_seq FROM devices WHERE device_id = ?1")?
            .query_row([device_id.to_string()], |r| Ok((r.get(0)?, r.get::<_, i64>(1)? as u64)))
            .optional()?)
    }
    fn put_device(&mut self, device_id: Uuid, staff_id: i64, last_seq: u64) -> Result<(), StoreError> {
        self.conn
            .prepare_cached(
                "INSERT INTO devices (device_id, staff_id, last_seq) VALUES (?1, ?2, ?3)
                 ON CONFLICT (device_id) DO UPDATE SET last_seq = excluded.last_seq",
            )?
            .execute(params![device_id.to_string(), staff_id, last_seq as i64])?;
        Ok(())
    }
    fn receipt(&mut self, device_id: Uuid, seq: u64) -> Result<Option<Receipt>, StoreError> {
        Ok(self
            .conn
            .prepare_cached(
                "SELECT seq, mutation_id, outcome, version FROM receipts WHERE device_id = ?1 AND seq = ?2",
            )?
            .query_row(params![device_id.to_string(), seq as i64], receipt_row)
            .optional()?)
    }
    fn put_receipt(&mut self, device_id: Uuid, r: &Receipt) -> Result<(), StoreError> {
        self.conn
            .prepare_cached(
                "INSERT INTO receipts (device_id, seq, mutation_id, outcome, version) VALUES (?1, ?2, ?3, ?4, ?5)",
            )?
            .execute(params![
                device_id.to_string(),
                r.seq as i64,
                r.mutation_id.to_string(),
                serde_json::to_string(&r.outcome)?,
                r.version as i64
            ])?;
        Ok(())
    }
    fn session_for_update(&mut self, id: i64) -> Result<Option<Session>, StoreError> {
        Ok(self
            .conn
            .prepare_cached(&format!("SELECT {SESSION_COLS} FROM sessions WHERE id = ?1"))?
            .query_row([id], session_row)
            .optional()?)
    }
    fn sessions_between(
        &mut self,
        centre_id: i64,
        activity_id: i64,
        from: NaiveDateTime,
        until: NaiveDateTime,
    ) -> Result<Vec<Session>, StoreError> {
        let mut stmt = self.conn.prepare_cached(&format!(
            "SELECT {SESSION_COLS} FROM sessions
             WHERE centre_id = ?1 AND activity_id = ?2 AND starts_at > ?3 AND starts_at <= ?4 ORDER BY starts_at"
        ))?;
        let rows = stmt.query_map(
            params![centre_id, activity_id, ts_text(&from), ts_text(&until)],
            session_row,
        )?;
        Ok(rows.collect::<Result<_, _>>()?)
    }
    fn update_session_counts(&mut self, s: &Session, expected_booked: u32) -> Result<bool, StoreError> {
        let n = self
            .conn
            .prepare_cached("UPDATE sessions SET booked = ?1, waiting = ?2 WHERE id = ?3 AND booked = ?4")?
            .execute(params![s.booked, s.waiting, s.id, expected_booked])?;
        Ok(n == 1)
    }
    fn session_for_place(
        &mut self,
        session_id: i64,
        customer_id: i64,
        booking_id: Uuid,
    ) -> Result<Option<(Session, PlaceFacts)>, StoreError> {
        let found = self
            .conn
            .prepare_cached(&format!(
                "SELECT {SESSION_COLS},
                        EXISTS (SELECT 1 FROM customers WHERE id = ?2),
                        EXISTS (SELECT 1 FROM bookings WHERE id = ?3),
                        (SELECT status FROM bookings b WHERE b.session_id = ?1 AND b.customer_id = ?2
                         AND b.status <> 'cancelled' ORDER BY b.status LIMIT 1)
                 FROM sessions WHERE id = ?1"
            ))?
            .query_row(params![session_id, customer_id, booking_id.to_string()], |r| {
                let live: Option<String> = r.get(14)?;
                Ok((
                    session_row(r)?,
                    PlaceFacts {
                        customer_exists: r.get(12)?,
                        booking_id_taken: r.get(13)?,
                        live: live.map(parse_enum).transpose()?,
                    },
                ))
            })
            .optional()?;
        Ok(found)
    }
    fn booking(&mut self, id: Uuid) -> Result<Option<Booking>, StoreError> {
        Ok(self
            .conn
            .prepare_cached(&format!("SELECT {BOOKING_COLS} FROM bookings WHERE id = ?1"))?
            .query_row([id.to_string()], booking_row)
            .optional()?)
    }
    fn first_waiting(&mut self, session_id: i64) -> Result<Option<Booking>, StoreError> {
        Ok(self
            .conn
            .prepare_cached(&format!(
                "SELECT {BOOKING_COLS} FROM bookings WHERE session_id = ?1 AND status = 'waiting'
                 ORDER BY waiting_position, created_at LIMIT 1"
            ))?
            .query_row([session_id], booking_row)
            .optional()?)
    }
    fn max_waiting_position(&mut self, session_id: i64) -> Result<u32, StoreError> {
        Ok(self
            .conn
            .prepare_cached("SELECT COALESCE(MAX(waiting_position), 0) FROM bookings WHERE session_id = ?1")?
            .query_row([session_id], |r| r.get(0))?)
    }
    fn put_booking(&mut self, b: &Booking) -> Result<(), StoreError> {
        self.conn
            .prepare_cached(
                "INSERT INTO bookings (id, session_id, customer_id, centre_id, status, waiting_position, created_at, staff_id, channel)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)
                 ON CONFLICT (id) DO UPDATE SET status = excluded.status, waiting_position = excluded.waiting_position",
            )?
            .execute(params![
                b.id.to_string(),
                b.session_id,
                b.customer_id,
                b.centre_id,
                b.status.as_str(),
                b.waiting_position,
                b.created_at.to_rfc3339(),
                b.staff_id,
                b.channel.as_str()
            ])?;
        Ok(())
    }
    fn put_sync_row(
        &mut self,
        table: &str,
        id: &str,
        bucket: &str,
        version: u64,
        data: &str,
    ) -> Result<(), StoreError> {
        self.conn
            .prepare_cached(
                "INSERT INTO sync_rows (tbl, id, bucket, version, deleted, data) VALUES (?1, ?2, ?3, ?4, 0, ?5)
                 ON CONFLICT (tbl, id) DO UPDATE SET bucket = excluded.bucket, version = excluded.version,
                 deleted = 0, data = excluded.data",
            )?
            .execute(params![table, id, bucket, version as i64, data])?;
        Ok(())
    }
    fn bulk_upsert(&mut self, spec: &TableSpec, rows: &[Vec<Cell>]) -> Result<(), StoreError> {
        let mut stmt = self.conn.prepare_cached(&upsert_sql(spec, |i| format!("?{i}")))?;
        for row in rows {
            stmt.execute(rusqlite::params_from_iter(row.iter().map(cell_value)))?;
        }
        Ok(())
    }
    fn staff(&mut self, id: i64) -> Result<Option<StaffRecord>, StoreError> {
        Ok(self
            .conn
            .prepare_cached(
                "SELECT id, username, display_name, password_hash, roles, sites, disabled FROM staff WHERE id = ?1",
            )?
            .query_row([id], staff_row)
            .optional()?)
    }
    fn refresh_token(&mut self, hash: &[u8; 32]) -> Result<Option<RefreshRecord>, StoreError> {
        Ok(self
            .conn
            .prepare_cached(
                "SELECT family, staff_id, device_id, expires_at, spent, revoked_at IS NOT NULL
                 FROM refresh_tokens WHERE token_hash = ?1",
            )?
            .query_row([&hash[..]], |r| {
                let family: String = r.get(0)?;
                let device: String = r.get(2)?;
                let expires: String = r.get(3)?;
                Ok(RefreshRecord {
                    family: Uuid::parse_str(&family).map_err(conversion)?,
                    staff_id: r.get(1)?,
                    device_id: Uuid::parse_str(&device).map_err(conversion)?,
                    expires_at: DateTime::parse_from_rfc3339(&expires)
                        .map_err(conversion)?
                        .with_timezone(&Utc),
                    spent: r.get(4)?,
                    revoked: r.get(5)?,
                })
            })
            .optional()?)
    }
    fn spend_refresh_token(&mut self, hash: &[u8; 32]) -> Result<(), StoreError> {
        self.conn
            .prepare_cached("UPDATE refresh_tokens SET spent = 1 WHERE token_hash = ?1")?
            .execute([&hash[..]])?;
        Ok(())
    }
    fn revoke_family(&mut self, family: Uuid) -> Result<(), StoreError> {
        let family = family.to_string();
        self.conn
            .prepare_cached("DELETE FROM access_tokens WHERE family = ?1")?
            .execute([&family])?;
        self.conn
            .prepare_cached("UPDATE refresh_tokens SET spent = 1 WHERE family = ?1")?
            .execute([&family])?;
        Ok(())
    }
    fn access_family(&mut self, hash: &[u8; 32]) -> Result<Option<(Uuid, i64, Uuid)>, StoreError> {
        let found = self
            .conn
            .prepare_cached(
                "SELECT family, staff_id, device_id FROM access_tokens WHERE token_hash = ?1 AND family IS NOT NULL",
            )?
            .query_row([&hash[..]], |r| {
                let family: String = r.get(0)?;
                let device: String = r.get(2)?;
                Ok((
                    Uuid::parse_str(&family).map_err(conversion)?,
                    r.get::<_, i64>(1)?,
                    Uuid::parse_str(&device).map_err(conversion)?,
                ))
            })
            .optional()?;
        Ok(found)
    }
    fn end_family(&mut self, family: Uuid, now: DateTime<Utc>) -> Result<(), StoreError> {
        let family = family.to_string();
        self.conn
            .prepare_cached("DELETE FROM access_tokens WHERE family = ?1")?
            .execute([&family])?;
        self.conn
            .prepare_cached(
                "UPDATE refresh_tokens SET spent = 1, revoked_at = COALESCE(revoked_at, ?2) WHERE family = ?1",
            )?
            .execute(params![&family, now.to_rfc3339()])?;
        Ok(())
    }
    fn end_staff_tokens(&mut self, staff_id: i64, now: DateTime<Utc>) -> Result<u64, StoreError> {
        let live: i64 = self.conn.query_row(
            "SELECT COUNT(DISTINCT family) FROM refresh_tokens WHERE staff_id = ?1 AND spent = 0 AND revoked_at IS NULL",
            [staff_id],
            |r| r.get(0),
        )?;
        self.conn
            .prepare_cached("DELETE FROM access_tokens WHERE staff_id = ?1")?
            .execute([staff_id])?;
        self.conn
            .prepare_cached(
                "UPDATE refresh_tokens SET spent = 1, revoked_at = COALESCE(revoked_at, ?2) WHERE staff_id = ?1",
            )?
            .execute(params![staff_id, now.to_rfc3339()])?;
        Ok(u64::try_from(live).unwrap_or(0))
    }
    fn put_tokens(&mut self, t: &TokenIssue) -> Result<(), StoreError> {
        self.conn
            .prepare_cached("DELETE FROM access_tokens WHERE expires_at < ?1")?
            .execute([Utc::now().to_rfc3339()])?;
        self.conn
            .prepare_cached(
                "INSERT INTO access_tokens (token_hash, staff_id, device_id, expires_at, family)
                 VALUES (?1, ?2, ?3, ?4, ?5)",
            )?
            .execute(params![
                &t.access_hash[..],
                t.staff_id,
                t.device_id.to_string(),
                t.access_expires_at.to_rfc3339(),
                t.family.to_string()
            ])?;
        self.conn
            .prepare_cached(
                "INSERT INTO refresh_tokens (token_hash, family, staff_id, device_id, expires_at, spent)
                 VALUES (?1, ?2, ?3, ?4, ?5, 0)",
            )?
            .execute(params![
                &t.refresh_hash[..],
                t.family.to_string(),
                t.staff_id,
                t.device_id.to_string(),
                t.refresh_expires_at.to_rfc3339()
            ])?;
        Ok(())
    }
    fn put_audit(&mut self, e: &AuditEntry) -> Result<(), StoreError> {
        self.conn
            .prepare_cached(
                "INSERT INTO audit_log (at, staff_id, device_id, action, record_kind, record_id, person_id, detail, source, device_seq)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
            )?
            .execute(params![
                e.at.to_rfc3339(),
                e.staff_id,
                e.device_id.map(|d| d.to_string()),
                e.action,
                e.record_kind,
                e.record_id,
                e.person_id,
                e.detail,
                e.source,
                e.device_seq.map(|s| s as i64)
            ])?;
        Ok(())
    }
    fn sign_in_lock(&mut self, staff_id: i64) -> Result<(u32, Option<DateTime<Utc>>), StoreError> {
        let found = self
            .conn
            .prepare_cached("SELECT failures, locked_until FROM sign_in_locks WHERE staff_id = ?1")?
            .query_row([staff_id], |r| {
                Ok((r.get::<_, u32>(0)?, r.get::<_, Option<String>>(1)?))
            })
            .optional()?;
        let Some((failures, until)) = found else {
            return Ok((0, None));
        };
        let until = until
            .map(|u| DateTime::parse_from_rfc3339(&u).map(|d| d.with_timezone(&Utc)))
            .transpose()
            .map_err(|e| StoreError::Corrupt(format!("sign-in lock time: {e}")))?;
        Ok((failures, until))
    }
    fn put_sign_in_lock(
        &mut self,
        staff_id: i64,
        failures: u32,
        locked_until: Option<DateTime<Utc>>,
    ) -> Result<(), StoreError> {
        self.conn
            .prepare_cached(
                "INSERT INTO sign_in_locks (staff_id, failures, locked_until) VALUES (?1, ?2, ?3)
                 ON CONFLICT (staff_id) DO UPDATE SET failures = excluded.failures, locked_until = excluded.locked_until",
            )?
            .execute(params![staff_id, failures, locked_until.map(|u| u.to_rfc3339())])?;
        Ok(())
    }
    fn audit_last_seq(&mut self, device_id: Uuid) -> Result<u64, StoreError> {
        Ok(self
            .conn
            .prepare_cached("SELECT COALESCE(MAX(device_seq), 0) FROM audit_log WHERE device_id = ?1")?
            .query_row([device_id.to_string()], |r| r.get::<_, i64>(0))? as u64)
    }
    fn notify(&mut self, _poke: &Poke) -> Result<(), StoreError> {
        // One process owns an SQLite file: the in-process broadcast reaches everyone.
        Ok(())
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

impl Backend for SqliteBackend {
    const NAME: &'static str = "sqlite";

    fn write<R: Send, E: From<StoreError> + Send>(
        &self,
        f: impl FnOnce(&mut dyn StoreTx) -> Result<R, E> + Send,
    ) -> Result<R, E> {
        let conn = lock(&self.writer);
        if !conn.is_autocommit() {
            // A panic mid-transaction left it open: nothing of it was committed.
            conn.execute_batch("ROLLBACK").map_err(StoreError::from)?;
        }
        conn.execute_batch("BEGIN IMMEDIATE").map_err(StoreError::from)?;
        let begun = (|| {
            let head = read_head(&conn)?;
            Ok::<_, StoreError>(head)
        })();
        let head = match begun {
            Ok(h) => h,
            Err(e) => {
                let _ = conn.execute_batch("ROLLBACK");
                return Err(e.into());
            }
        };
        let mut tx = SqliteTx {
            conn: &conn,
            start: head,
            head,
        };
        match f(&mut tx) {
            Ok(r) => {
                let finish = (|| {
                    if tx.head != tx.start {
                        conn.prepare_cached("UPDATE sync_head SET version = ?1 WHERE id = 1")?
                            .execute([tx.head as i64])?;
                    }
                    conn.execute_batch("COMMIT")?;
                    Ok::<_, StoreError>(())
                })();
                if let Err(e) = finish {
                    let _ = conn.execute_batch("ROLLBACK");
                    return Err(e.into());
                }
                Ok(r)
            }
            Err(e) => {
                let _ = conn.execute_batch("ROLLBACK");
                Err(e)
            }
        }
    }

    fn insert_staff(&self, new: &NewStaffRecord) -> Result<i64, StoreError> {
        let conn = lock(&self.writer);
        let n = conn.execute(
            "INSERT INTO staff (username, display_name, password_hash, roles, sites, disabled)
             VALUES (?1, ?2, ?3, ?4, ?5, 0) ON CONFLICT (username) DO NOTHING",
            params![
                new.username,
                new.display_name,
                new.password_hash,
                serde_json::to_string(&new.roles)?,
                serde_json::to_string(&new.sites)?
            ],
        )?;
        if n == 0 {
            return Err(StoreError::Conflict(format!("username `{}` is taken", new.username)));
        }
        Ok(conn.last_insert_rowid())
    }

    fn staff_by_username(&self, username: &str) -> Result<Option<StaffRecord>, StoreError> {
        self.reader(|c| {
            Ok(c.prepare_cached(
                "SELECT id, username, display_name, password_hash, roles, sites, disabled FROM staff WHERE username = ?1",
            )?
            .query_row([username], staff_row)
            .optional()?)
        })
    }

    fn update_staff(&self, id: i64, roles: &[Role], sites: &[Site], disabled: bool) -> Result<(), StoreError> {
        let conn = lock(&self.writer);
        let n = conn.execute(
            "UPDATE staff SET roles = ?1, sites = ?2, disabled = ?3 WHERE id = ?4",
            params![
                serde_json::to_string(roles)?,
                serde_json::to_string(sites)?,
                disabled,
                id
            ],
        )?;
        if n == 0 {
            return Err(StoreError::Invalid(format!("no staff member {id}")));
        }
        Ok(())
    }

    fn insert_token(
        &self,
        hash: &[u8; 32],
        staff_id: i64,
        device: Uuid,
        expires: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        let conn = lock(&self.writer);
        conn.execute(
            "DELETE FROM access_tokens WHERE expires_at < ?1",
            [Utc::now().to_rfc3339()],
        )?;
        conn.execute(
            "INSERT INTO access_tokens (token_hash, staff_id, device_id, expires_at) VALUES (?1, ?2, ?3, ?4)",
            params![&hash[..], staff_id, device.to_string(), expires.to_rfc3339()],
        )?;
        Ok(())
    }

    fn token(&self, hash: &[u8; 32]) -> Result<Option<TokenRecord>, StoreError> {
        self.reader(|c| {
            let found = c
                .prepare_cached(
                    "SELECT s.id, s.username, s.display_name, s.password_hash, s.roles, s.sites, s.disabled,
                            t.device_id, t.expires_at
                     FROM access_tokens t JOIN staff s ON s.id = t.staff_id WHERE t.token_hash = ?1",
                )?
                .query_row([&hash[..]], |r| {
                    let device: String = r.get(7)?;
                    let expires: String = r.get(8)?;
                    Ok(TokenRecord {
                        staff: staff_row(r)?,
                        device_id: Uuid::parse_str(&device).map_err(conversion)?,
                        expires_at: DateTime::parse_from_rfc3339(&expires)
                            .map_err(conversion)?
                            .with_timezone(&Utc),
                    })
                })
                .optional()?;
            Ok(found)
        })
    }

    fn pull(
        &self,
        buckets: &[String],
        after: u64,
        limit: u32,
        device: Uuid,
        ack_seq: u64,
    ) -> Result<PullPage, StoreError> {
        self.reader(|c| {
            // One read transaction: the rows, the head and the receipts come from one snapshot.
            c.execute_batch("BEGIN")?;
            let page = (|| {
                let head = read_head(c)?;
                let (rows, has_more) = merged_page(c, buckets, after, limit)?;
                let receipts = {
                    let mut stmt = c.prepare_cached(
                        "SELECT seq, mutation_id, outcome, version FROM receipts
                         WHERE device_id = ?1 AND seq > ?2 ORDER BY seq LIMIT ?3",
                    )?;
                    let found = stmt.query_map(
                        params![
                            device.to_string(),
                            ack_seq as i64,
                            i64::from(desk_store::MAX_PULL_RECEIPTS)
                        ],
                        receipt_row,
                    )?;
                    found.collect::<Result<Vec<_>, _>>()?
                };
                let device_last_seq = c
                    .prepare_cached("SELECT last_seq FROM devices WHERE device_id = ?1")?
                    .query_row([device.to_string()], |r| r.get::<_, i64>(0))
                    .optional()?
                    .unwrap_or(0) as u64;
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

    fn head(&self) -> Result<u64, StoreError> {
        self.reader(read_head)
    }

    fn session(&self, id: i64) -> Result<Option<Session>, StoreError> {
        self.reader(|c| {
            Ok(
                c.prepare_cached(&format!("SELECT {SESSION_COLS} FROM sessions WHERE id = ?1"))?
                    .query_row([id], session_row)
                    .optional()?,
            )
        })
    }

    fn booking(&self, id: Uuid) -> Result<Option<Booking>, StoreError> {
        self.reader(|c| {
            Ok(
                c.prepare_cached(&format!("SELECT {BOOKING_COLS} FROM bookings WHERE id = ?1"))?
                    .query_row([id.to_string()], booking_row)
                    .optional()?,
            )
        })
    }

    fn set_password_hash(&self, id: i64, password_hash: &str) -> Result<(), StoreError> {
        let conn = lock(&self.writer);
        let n = conn.execute(
            "UPDATE staff SET password_hash = ?1 WHERE id = ?2",
            params![password_hash, id],
        )?;
        if n == 0 {
            return Err(StoreError::Invalid(format!("no staff member {id}")));
        }
        conn.execute("DELETE FROM sign_in_locks WHERE staff_id = ?1", [id])?;
        Ok(())
    }

    fn person_records(&self, person: PersonRef) -> Result<Vec<(String, String, String)>, StoreError> {
        let sql = match person {
            PersonRef::Customer(_) => {
                "SELECT tbl, id, COALESCE(data, '') FROM sync_rows
                 WHERE (tbl = 'customers' AND id = ?1)
                    OR (tbl = 'bookings' AND id IN (SELECT id FROM bookings WHERE customer_id = ?2))
                 ORDER BY tbl DESC, id"
            }
            PersonRef::Pupil(_) => {
                "SELECT tbl, id, COALESCE(data, '') FROM sync_rows
                 WHERE (tbl = 'pupils' AND id = ?1)
                    OR (tbl = 'contacts' AND id IN (SELECT CAST(id AS TEXT) FROM contacts WHERE pupil_id = ?2))
                 ORDER BY tbl DESC, id"
            }
            PersonRef::CtAccount(_) => {
                "SELECT tbl, id, COALESCE(data, '') FROM sync_rows
                 WHERE tbl = 'ct_accounts' AND id = ?1 AND ?2 = ?2"
            }
        };
        let id = person.id();
        self.reader(|c| {
            let mut stmt = c.prepare_cached(sql)?;
            let rows = stmt.query_map(params![id.to_string(), id], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?;
            Ok(rows.collect::<Result<Vec<_>, _>>()?)
        })
    }

    fn audit_rows(
        &self,
        record_kind: &str,
        record_id: Option<&str>,
        person_id: Option<i64>,
    ) -> Result<Vec<(i64, AuditEntry)>, StoreError> {
        self.reader(|c| {
            let mut stmt = c.prepare_cached(
                "SELECT at, staff_id, device_id, action, record_kind, record_id, person_id, detail, source, device_seq, id
                 FROM audit_log
                 WHERE record_kind = ?1 AND (?2 IS NULL OR record_id = ?2) AND (?3 IS NULL OR person_id = ?3)",
            )?;
            let rows = stmt.query_map(params![record_kind, record_id, person_id], |r| {
                Ok((r.get::<_, i64>(10)?, audit_entry(r)?))
            })?;
            Ok(rows.collect::<Result<Vec<_>, _>>()?)
        })
    }

    fn audit_for_person(&self, person_id: i64) -> Result<Vec<AuditEntry>, StoreError> {
        self.reader(|c| {
            let mut stmt = c.prepare_cached(
                "SELECT at, staff_id, device_id, action, record_kind, record_id, person_id, detail, source, device_seq FROM audit_log WHERE person_id = ?1 ORDER BY at, id",
            )?;
            let rows = stmt.query_map([person_id], audit_entry)?;
            Ok(rows.collect::<Result<Vec<_>, _>>()?)
        })
    }

    fn count(&self, table: &str) -> Result<u64, StoreError> {
        self.reader(|c| Ok(c.query_row(&format!("SELECT COUNT(*) FROM {table}"), [], |r| r.get::<_, i64>(0))? as u64))
    }
}
