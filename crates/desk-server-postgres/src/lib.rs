//! The PostgreSQL backend, for councils running one or several server instances on one
//! database. Every writing transaction starts by locking the change-counter row, which
//! serialises writers (intended: commit order is version order) and rules out deadlocks
//! between batches that touch the same sessions in different orders.

use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Condvar, Mutex, MutexGuard};
use std::time::Duration;

use chrono::{DateTime, NaiveDateTime, Utc};
use desk_domain::{Booking, Receipt, Role, Session, Site};
use postgres::fallible_iterator::FallibleIterator;
use postgres::types::ToSql;
use postgres::{Client, NoTls, Row, Statement};
use tokio::sync::broadcast;
use uuid::Uuid;

use desk_store::migrate::{self, Migration, MigrationTarget};
use desk_store::rows::{Cell, ColType, TableSpec};
use desk_store::{
    AuditEntry, Backend, Dialect, NewStaffRecord, PersonRef, PlaceFacts, Poke, PullPage, RefreshRecord, StaffRecord,
    StoreError, StoreTx, SyncRow, TokenIssue, TokenRecord,
};

/// The channel every instance listens on; the payload is `instance|head|bucket,bucket,…`.
const POKE_CHANNEL: &str = "desk_poke";
/// Serialises concurrent migrations by several instances starting at once.
const MIGRATION_LOCK: i64 = 0x6465_736b;
/// Rows per multi-row insert when loading in bulk.
const BULK_CHUNK: usize = 2_000;

struct PgConn {
    client: Client,
    statements: HashMap<String, Statement>,
}

impl PgConn {
    fn connect(url: &str) -> Result<PgConn, StoreError> {
        Ok(PgConn {
            client: Client::connect(url, NoTls)?,
            statements: HashMap::new(),
        })
    }

    /// A prepared statement, prepared once per connection.
    fn stmt(&mut self, sql: &str) -> Result<Statement, StoreError> {
        if let Some(s) = self.statements.get(sql) {
            return Ok(s.clone());
        }
        let s = self.client.prepare(sql)?;
        self.statements.insert(sql.to_owned(), s.clone());
        Ok(s)
    }

    fn query(&mut self, sql: &str, params: &[&(dyn ToSql + Sync)]) -> Result<Vec<Row>, StoreError> {
        let s = self.stmt(sql)?;
        Ok(self.client.query(&s, params)?)
    }

    fn query_opt(&mut self, sql: &str, params: &[&(dyn ToSql + Sync)]) -> Result<Option<Row>, StoreError> {
        let s = self.stmt(sql)?;
        Ok(self.client.query_opt(&s, params)?)
    }

    fn execute(&mut self, sql: &str, params: &[&(dyn ToSql + Sync)]) -> Result<u64, StoreError> {
        let s = self.stmt(sql)?;
        Ok(self.client.execute(&s, params)?)
    }
}

/// Most connections one server instance opens (besides its poke listener); more callers wait.
const MAX_CONNECTIONS: usize = 16;

/// Idle connections and how many exist in all.
struct Pool {
    idle: Vec<PgConn>,
    open: usize,
}

pub struct PgBackend {
    url: String,
    pool: Mutex<Pool>,
    returned: Condvar,
    instance: Uuid,
    stop_listener: Arc<AtomicBool>,
}

impl Drop for PgBackend {
    fn drop(&mut self) {
        self.stop_listener.store(true, Ordering::Relaxed);
        // Closing a connection blocks on the client's own runtime, which must not happen on
        // an async thread: close them on a thread of their own.
        let idle = std::mem::take(&mut lock(&self.pool).idle);
        if !idle.is_empty() {
            let _ = std::thread::spawn(move || drop(idle)).join();
        }
    }
}

/// Runs `f` where the blocking `postgres` client may run: not on a thread that is driving
/// async tasks (the client blocks on a runtime of its own, which tokio forbids there). From
/// `spawn_blocking` and plain threads this costs nothing extra but a check and a thread.
fn off_async<R: Send>(f: impl FnOnce() -> R + Send) -> R {
    if tokio::runtime::Handle::try_current().is_err() {
        return f();
    }
    std::thread::scope(|s| match s.spawn(f).join() {
        Ok(r) => r,
        Err(panic) => std::panic::resume_unwind(panic),
    })
}

/// Connects, brings the schema up to date (one instance at a time), and starts forwarding other
/// instances' pokes to `pokes`.
pub fn open(url: &str, pokes: broadcast::Sender<Poke>) -> Result<PgBackend, StoreError> {
    off_async(|| open_here(url, pokes))
}

fn open_here(url: &str, pokes: broadcast::Sender<Poke>) -> Result<PgBackend, StoreError> {
    let mut conn = PgConn::connect(url)?;
    conn.client.execute("SELECT pg_advisory_lock($1)", &[&MIGRATION_LOCK])?;
    let migrated = migrate::run(&mut PgMigrations(&mut conn.client), migrate::MIGRATIONS);
    conn.client
        .execute("SELECT pg_advisory_unlock($1)", &[&MIGRATION_LOCK])?;
    migrated?;
    let backend = PgBackend {
        url: url.to_owned(),
        pool: Mutex::new(Pool {
            idle: vec![conn],
            open: 1,
        }),
        returned: Condvar::new(),
        instance: Uuid::new_v4(),
        stop_listener: Arc::new(AtomicBool::new(false)),
    };
    spawn_listener(url.to_owned(), backend.instance, pokes, backend.stop_listener.clone())?;
    Ok(backend)
}

/// Forwards pokes committed by other server instances to this one's subscribers.
fn spawn_listener(
    url: String,
    instance: Uuid,
    pokes: broadcast::Sender<Poke>,
    stop: Arc<AtomicBool>,
) -> Result<(), StoreError> {
    let mut client = Client::connect(&url, NoTls)?;
    client.batch_execute(&format!("LISTEN {POKE_CHANNEL}"))?;
    let spawned = std::thread::Builder::new()
        .name("desk-poke-listener".into())
        .spawn(move || {
            let mut client = Some(client);
            while !stop.load(Ordering::Relaxed) {
                let Some(c) = client.as_mut() else {
                    std::thread::sleep(Duration::from_secs(1));
                    client = Client::connect(&url, NoTls)
                        .and_then(|mut c| c.batch_execute(&format!("LISTEN {POKE_CHANNEL}")).map(|_| c))
                        .inspect_err(|e| tracing::warn!(error = %e, "poke listener cannot reconnect"))
                        .ok();
                    continue;
                };
                let next = {
                    let mut notifications = c.notifications();
                    let mut it = notifications.timeout_iter(Duration::from_millis(250));
                    it.next().map(|n| n.map(|n| n.payload().to_owned()))
                };
                match next {
                    Ok(Some(payload)) => {
                        if let Some(poke) = parse_payload(&payload, instance) {
                            let _ = pokes.send(poke);
                        }
                    }
                    Ok(None) => {}
                    Err(e) => {
                        if !stop.load(Ordering::Relaxed) {
                            tracing::warn!(error = %e, "poke listener lost its connection");
                        }
                        client = None;
                    }
                }
            }
        });
    spawned.map_err(|e| StoreError::Open(format!("poke listener thread: {e}")))?;
    Ok(())
}

fn parse_payload(payload: &str, me: Uuid) -> Option<Poke> {
    let mut parts = payload.splitn(3, '|');
    let from = parts.next()?;
    if from == me.to_string() {
        return None;
    }
    let head = parts.next()?.parse().ok()?;
    let buckets = parts
        .next()?
        .split(',')
        .filter(|b| !b.is_empty())
        .map(str::to_owned)
        .collect();
    Some(Poke {
        head,
        buckets: Arc::new(buckets),
    })
}

struct PgMigrations<'a>(&'a mut Client);

impl MigrationTarget for PgMigrations<'_> {
    fn dialect(&self) -> Dialect {
        Dialect::Postgres
    }
    fn applied(&mut self) -> Result<Vec<(u32, String)>, StoreError> {
        self.0.batch_execute(
            "CREATE TABLE IF NOT EXISTS schema_migrations (
                version INTEGER PRIMARY KEY, name TEXT NOT NULL, checksum TEXT NOT NULL,
                applied_at TIMESTAMPTZ NOT NULL DEFAULT now())",
        )?;
        let rows = self
            .0
            .query("SELECT version, checksum FROM schema_migrations ORDER BY version", &[])?;
        Ok(rows
            .iter()
            .map(|r| (r.get::<_, i32>(0) as u32, r.get::<_, String>(1)))
            .collect())
    }
    fn apply(&mut self, m: &Migration) -> Result<(), StoreError> {
        let mut tx = self.0.transaction()?;
        tx.batch_execute(&m.sql(Dialect::Postgres))
            .map_err(|e| StoreError::Migration {
                version: m.version,
                name: m.name.to_owned(),
                reason: e.to_string(),
            })?;
        tx.execute(
            "INSERT INTO schema_migrations (version, name, checksum) VALUES ($1, $2, $3)",
            &[&(m.version as i32), &m.name, &m.checksum(Dialect::Postgres)],
        )?;
        tx.commit()?;
        Ok(())
    }
}

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
}

fn parse_enum<T: serde::de::DeserializeOwned>(s: String) -> Result<T, StoreError> {
    Ok(serde_json::from_value(serde_json::Value::String(s))?)
}

fn u32_of(v: i64, what: &str) -> Result<u32, StoreError> {
    u32::try_from(v).map_err(|_| StoreError::Corrupt(format!("{what} {v} is out of range")))
}

const SESSION_COLS: &str = "id, centre_id, activity_id, activity_name, starts_at, duration_minutes, capacity, booked, waiting, location, instructor, cancelled";

fn session_row(r: &Row) -> Result<Session, StoreError> {
    Ok(Session {
        id: r.try_get(0)?,
        centre_id: r.try_get(1)?,
        activity_id: r.try_get(2)?,
        activity_name: r.try_get(3)?,
        starts_at: r.try_get(4)?,
        duration_minutes: u32_of(r.try_get(5)?, "duration")?,
        capacity: u32_of(r.try_get(6)?, "capacity")?,
        booked: u32_of(r.try_get(7)?, "booked")?,
        waiting: u32_of(r.try_get(8)?, "waiting")?,
        location: r.try_get(9)?,
        instructor: r.try_get(10)?,
        cancelled: r.try_get(11)?,
    })
}

const BOOKING_COLS: &str =
    "id, session_id, customer_id, centre_id, status, waiting_position, created_at, staff_id, channel";

fn booking_row(r: &Row) -> Result<Booking, StoreError> {
    Ok(Booking {
        id: r.try_get(0)?,
        session_id: r.try_get(1)?,
        customer_id: r.try_get(2)?,
        centre_id: r.try_get(3)?,
        status: parse_enum(r.try_get(4)?)?,
        waiting_position: u32_of(r.try_get(5)?, "waiting position")?,
        created_at: r.try_get(6)?,
        staff_id: r.try_get(7)?,
        channel: parse_enum(r.try_get(8)?)?,
    })
}

fn staff_row(r: &Row) -> Result<StaffRecord, StoreError> {
    Ok(StaffRecord {
        id: r.try_get(0)?,
        username: r.try_get(1)?,
        display_name: r.try_get(2)?,
        password_hash: r.try_get(3)?,
        roles: serde_json::from_str(r.try_get::<_, &str>(4)?)?,
        sites: serde_json::from_str(r.try_get::<_, &str>(5)?)?,
        disabled: r.try_get(6)?,
    })
}

fn receipt_row(r: &Row) -> Result<Receipt, StoreError> {
    Ok(Receipt {
        seq: r.try_get::<_, i64>(0)? as u64,
        mutation_id: r.try_get(1)?,
        outcome: serde_json::from_str(r.try_get::<_, &str>(2)?)?,
        version: r.try_get::<_, i64>(3)? as u64,
    })
}

/// A writing transaction. To keep round trips per mutation low, sync rows and receipts are
/// buffered and written in one statement each at commit (nothing reads them back inside the
/// transaction), and releasing a mutation's savepoint rides along with the next one's.
struct PgTx<'c> {
    conn: &'c mut PgConn,
    start: u64,
    head: u64,
    instance: Uuid,
    sync_rows: Vec<(String, String, String, i64, String)>,
    receipts: Vec<(Uuid, Receipt)>,
    /// Buffer lengths when the current savepoint was taken.
    marks: (usize, usize),
    release_pending: bool,
}

type SyncColumns = (Vec<String>, Vec<String>, Vec<String>, Vec<i64>, Vec<String>);
type ReceiptColumns = (Vec<Uuid>, Vec<i64>, Vec<Uuid>, Vec<String>, Vec<i64>);

impl PgTx<'_> {
    fn new(conn: &mut PgConn, head: u64, instance: Uuid) -> PgTx<'_> {
        PgTx {
            conn,
            start: head,
            head,
            instance,
            sync_rows: Vec::new(),
            receipts: Vec::new(),
            marks: (0, 0),
            release_pending: false,
        }
    }

    /// Writes the buffered sync rows (newest version of each row) and receipts.
    fn flush(&mut self) -> Result<(), StoreError> {
        if !self.sync_rows.is_empty() {
            let mut newest: HashMap<(String, String), (String, i64, String)> = HashMap::new();
            for (table, id, bucket, version, data) in self.sync_rows.drain(..) {
                let slot = newest
                    .entry((table, id))
                    .or_insert_with(|| (String::new(), -1, String::new()));
                if version > slot.1 {
                    *slot = (bucket, version, data);
                }
            }
            let mut columns: SyncColumns = Default::default();
            for ((table, id), (bucket, version, data)) in newest {
                columns.0.push(table);
                columns.1.push(id);
                columns.2.push(bucket);
                columns.3.push(version);
                columns.4.push(data);
            }
            self.conn.execute(
                "INSERT INTO sync_rows (tbl, id, bucket, version, deleted, data)
                 SELECT t, i, b, v, FALSE, d::json
                 FROM unnest($1::text[], $2::text[], $3::text[], $4::int8[], $5::text[]) AS u(t, i, b, v, d)
                 ON CONFLICT (tbl, id) DO UPDATE SET bucket = EXCLUDED.bucket, version = EXCLUDED.version,
                   deleted = FALSE, data = EXCLUDED.data",
                &[&columns.0, &columns.1, &columns.2, &columns.3, &columns.4],
            )?;
        }
        if !self.receipts.is_empty() {
            let mut columns: ReceiptColumns = Default::default();
            for (device, r) in self.receipts.drain(..) {
                columns.0.push(device);
                columns.1.push(r.seq as i64);
                columns.2.push(r.mutation_id);
                columns.3.push(serde_json::to_string(&r.outcome)?);
                columns.4.push(r.version as i64);
            }
            self.conn.execute(
                "INSERT INTO receipts (device_id, seq, mutation_id, outcome, version)
                 SELECT * FROM unnest($1::uuid[], $2::int8[], $3::uuid[], $4::text[], $5::int8[])",
                &[&columns.0, &columns.1, &columns.2, &columns.3, &columns.4],
            )?;
        }
        self.marks = (0, 0);
        Ok(())
    }
}

impl StoreTx for PgTx<'_> {
    fn put_audit(&mut self, e: &AuditEntry) -> Result<(), StoreError> {
        self.conn.execute(
            "INSERT INTO audit_log (at, staff_id, device_id, action, record_kind, record_id, person_id, detail, source, device_seq)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
            &[
                &e.at,
                &e.staff_id,
                &e.device_id,
                &e.action,
                &e.record_kind,
                &e.record_id,
                &e.person_id,
                &e.detail,
                &e.source,
                &e.device_seq.map(|s| s as i64),
            ],
        )?;
        Ok(())
    }
    fn sign_in_lock(&mut self, staff_id: i64) -> Result<(u32, Option<DateTime<Utc>>), StoreError> {
        let r = self.conn.query_opt(
            "SELECT failures, locked_until FROM sign_in_locks WHERE staff_id = $1",
            &[&staff_id],
        )?;
        Ok(match r {
            Some(r) => (r.try_get::<_, i32>(0)? as u32, r.try_get(1)?),
            None => (0, None),
        })
    }
    fn put_sign_in_lock(
        &mut self,
        staff_id: i64,
        failures: u32,
        locked_until: Option<DateTime<Utc>>,
    ) -> Result<(), StoreError> {
        self.conn.execute(
            "INSERT INTO sign_in_locks (staff_id, failures, locked_until) VALUES ($1, $2, $3)
             ON CONFLICT (staff_id) DO UPDATE SET failures = EXCLUDED.failures, locked_until = EXCLUDED.locked_until",
            &[&staff_id, &(failures as i32), &locked_until],
        )?;
        Ok(())
    }
    fn audit_last_seq(&mut self, device_id: Uuid) -> Result<u64, StoreError> {
        let r = self.conn.query_opt(
            "SELECT COALESCE(MAX(device_seq), 0) FROM audit_log WHERE device_id = $1",
            &[&device_id],
        )?;
        Ok(r.map_or(0, |r| r.get::<_, i64>(0) as u64))
    }
    fn staff(&mut self, id: i64) -> Result<Option<StaffRecord>, StoreError> {
        self.conn
            .query_opt(
                "SELECT id, username, display_name, password_hash, roles, sites, disabled FROM staff WHERE id = $1",
                &[&id],
            )?
            .map(|r| staff_row(&r))
            .transpose()
    }
    fn refresh_token(&mut self, hash: &[u8; 32]) -> Result<Option<RefreshRecord>, StoreError> {
        let Some(r) = self.conn.query_opt(
            "SELECT family, staff_id, device_id, expires_at, spent, revoked_at IS NOT NULL
             FROM refresh_tokens WHERE token_hash = $1",
            &[&&hash[..]],
        )?
        else {
            return Ok(None);
        };
        Ok(Some(RefreshRecord {
            family: r.try_get(0)?,
            staff_id: r.try_get(1)?,
            device_id: r.try_get(2)?,
            expires_at: r.try_get(3)?,
            spent: r.try_get(4)?,
            revoked: r.try_get(5)?,
        }))
    }
    fn spend_refresh_token(&mut self, hash: &[u8; 32]) -> Result<(), StoreError> {
        self.conn.execute(
            "UPDATE refresh_tokens SET spent = TRUE WHERE token_hash = $1",
            &[&&hash[..]],
        )?;
        Ok(())
    }
    fn revoke_family(&mut self, family: Uuid) -> Result<(), StoreError> {
        self.conn
            .execute("DELETE FROM access_tokens WHERE family = $1", &[&family])?;
        self.conn
            .execute("UPDATE refresh_tokens SET spent = TRUE WHERE family = $1", &[&family])?;
        Ok(())
    }
    fn access_family(&mut self, hash: &[u8; 32]) -> Result<Option<(Uuid, i64, Uuid)>, StoreError> {
        let row = self.conn.query_opt(
            "SELECT family, staff_id, device_id FROM access_tokens WHERE token_hash = $1 AND family IS NOT NULL",
            &[&&hash[..]],
        )?;
        Ok(match row {
            Some(r) => Some((r.try_get(0)?, r.try_get(1)?, r.try_get(2)?)),
            None => None,
        })
    }
    fn end_family(&mut self, family: Uuid, now: DateTime<Utc>) -> Result<(), StoreError> {
        self.conn
            .execute("DELETE FROM access_tokens WHERE family = $1", &[&family])?;
        self.conn.execute(
            "UPDATE refresh_tokens SET spent = TRUE, revoked_at = COALESCE(revoked_at, $2) WHERE family = $1",
            &[&family, &now],
        )?;
        Ok(())
    }
    fn end_staff_tokens(&mut self, staff_id: i64, now: DateTime<Utc>) -> Result<u64, StoreError> {
        let live: i64 = match self.conn.query_opt(
            "SELECT COUNT(DISTINCT family) FROM refresh_tokens
             WHERE staff_id = $1 AND NOT spent AND revoked_at IS NULL",
            &[&staff_id],
        )? {
            Some(r) => r.try_get(0)?,
            None => 0,
        };
        self.conn
            .execute("DELETE FROM access_tokens WHERE staff_id = $1", &[&staff_id])?;
        self.conn.execute(
            "UPDATE refresh_tokens SET spent = TRUE, revoked_at = COALESCE(revoked_at, $2) WHERE staff_id = $1",
            &[&staff_id, &now],
        )?;
        Ok(u64::try_from(live).unwrap_or(0))
    }
    fn put_tokens(&mut self, t: &TokenIssue) -> Result<(), StoreError> {
        self.conn
            .execute("DELETE FROM access_tokens WHERE expires_at < now()", &[])?;
        self.conn.execute(
            "INSERT INTO access_tokens (token_hash, staff_id, device_id, expires_at, family)
             VALUES ($1, $2, $3, $4, $5)",
            &[
                &&t.access_hash[..],
                &t.staff_id,
                &t.device_id,
                &t.access_expires_at,
                &t.family,
            ],
        )?;
        self.conn.execute(
            "INSERT INTO refresh_tokens (token_hash, family, staff_id, device_id, expires_at, spent)
             VALUES ($1, $2, $3, $4, $5, FALSE)",
            &[
                &&t.refresh_hash[..],
                &t.family,
                &t.staff_id,
                &t.device_id,
                &t.refresh_expires_at,
            ],
        )?;
        Ok(())
    }
    fn head(&self) -> u64 {
        self.head
    }
    fn next_version(&mut self) -> u64 {
        self.head += 1;
        self.head
    }
    fn savepoint(&mut self) -> Result<(), StoreError> {
        let sql = if self.release_pending {
            "RELEASE SAVEPOINT mutation; SAVEPOINT mutation"
        } else {
            "SAVEPOINT mutation"
        };
        self.conn.client.batch_execute(sql)?;
        self.release_pending = false;
        self.marks = (self.sync_rows.len(), self.receipts.len());
        Ok(())
    }
    fn release(&mut self) -> Result<(), StoreError> {
        // Sent with the next savepoint, or implied by COMMIT.
        self.release_pending = true;
        Ok(())
    }
    fn rollback_to(&mut self) -> Result<(), StoreError> {
        self.conn
            .client
            .batch_execute("ROLLBACK TO SAVEPOINT mutation; RELEASE SAVEPOINT mutation")?;
        self.sync_rows.truncate(self.marks.0);
        self.receipts.truncate(self.marks.1);
        self.release_pending = false;
        Ok(())
    }
    fn device(&mut self, device_id: Uuid) -> Result<Option<(i64, u64)>, StoreError> {
        let row = self.conn.query_opt(
            "SELECT staff_id, last_seq FROM devices WHERE device_id = $1",
            &[&device_id],
        )?;
        Ok(row.map(|r| (r.get(0), r.get::<_, i64>(1) as u64)))
    }
    fn put_device(&mut self, device_id: Uuid, staff_id: i64, last_seq: u64) -> Result<(), StoreError> {
        self.conn.execute(
            "INSERT INTO devices (device_id, staff_id, last_seq) VALUES ($1, $2, $3)
             ON CONFLICT (device_id) DO UPDATE SET last_seq = EXCLUDED.last_seq",
            &[&device_id, &staff_id, &(last_seq as i64)],
        )?;
        Ok(())
    }
    fn receipt(&mut self, device_id: Uuid, seq: u64) -> Result<Option<Receipt>, StoreError> {
        if let Some((_, r)) = self.receipts.iter().find(|(d, r)| *d == device_id && r.seq == seq) {
            return Ok(Some(r.clone()));
        }
        self.conn
            .query_opt(
                "SELECT seq, mutation_id, outcome, version FROM receipts WHERE device_id = $1 AND seq = $2",
                &[&device_id, &(seq as i64)],
            )?
            .map(|r| receipt_row(&r))
            .transpose()
    }
    fn put_receipt(&mut self, device_id: Uuid, r: &Receipt) -> Result<(), StoreError> {
        self.receipts.push((device_id, r.clone()));
        Ok(())
    }
    fn session_for_update(&mut self, id: i64) -> Result<Option<Session>, StoreError> {
        self.conn
            .query_opt(
                &format!("SELECT {SESSION_COLS} FROM sessions WHERE id = $1 FOR UPDATE"),
                &[&id],
            )?
            .map(|r| session_row(&r))
            .transpose()
    }
    fn sessions_between(
        &mut self,
        centre_id: i64,
        activity_id: i64,
        from: NaiveDateTime,
        until: NaiveDateTime,
    ) -> Result<Vec<Session>, StoreError> {
        self.conn
            .query(
                &format!(
                    "SELECT {SESSION_COLS} FROM sessions
                     WHERE centre_id = $1 AND activity_id = $2 AND starts_at > $3 AND starts_at <= $4 ORDER BY starts_at"
                ),
                &[&centre_id, &activity_id, &from, &until],
            )?
            .iter()
            .map(session_row)
            .collect()
    }
    fn update_session_counts(&mut self, s: &Session, expected_booked: u32) -> Result<bool, StoreError> {
        let n = self.conn.execute(
            "UPDATE sessions SET booked = $1, waiting = $2 WHERE id = $3 AND booked = $4",
            &[
                &i64::from(s.booked),
                &i64::from(s.waiting),
                &s.id,
                &i64::from(expected_booked),
            ],
        )?;
        Ok(n == 1)
    }
    fn session_for_place(
        &mut self,
        session_id: i64,
        customer_id: i64,
        booking_id: Uuid,
    ) -> Result<Option<(Session, PlaceFacts)>, StoreError> {
        let row = self.conn.query_opt(
            &format!(
                "SELECT {SESSION_COLS},
                        EXISTS (SELECT 1 FROM customers WHERE id = $2),
                        EXISTS (SELECT 1 FROM bookings WHERE id = $3),
                        (SELECT status FROM bookings b WHERE b.session_id = $1 AND b.customer_id = $2
                         AND b.status <> 'cancelled' ORDER BY b.status LIMIT 1)
                 FROM sessions WHERE id = $1 FOR UPDATE OF sessions"
            ),
            &[&session_id, &customer_id, &booking_id],
        )?;
        let Some(row) = row else { return Ok(None) };
        let facts = PlaceFacts {
            customer_exists: row.try_get(12)?,
            booking_id_taken: row.try_get(13)?,
            live: row.try_get::<_, Option<String>>(14)?.map(parse_enum).transpose()?,
        };
        Ok(Some((session_row(&row)?, facts)))
    }
    fn booking(&mut self, id: Uuid) -> Result<Option<Booking>, StoreError> {
        self.conn
            .query_opt(&format!("SELECT {BOOKING_COLS} FROM bookings WHERE id = $1"), &[&id])?
            .map(|r| booking_row(&r))
            .transpose()
    }
    fn first_waiting(&mut self, session_id: i64) -> Result<Option<Booking>, StoreError> {
        self.conn
            .query_opt(
                &format!(
                    "SELECT {BOOKING_COLS} FROM bookings WHERE session_id = $1 AND status = 'waiting'
                     ORDER BY waiting_position, created_at LIMIT 1"
                ),
                &[&session_id],
            )?
            .map(|r| booking_row(&r))
            .transpose()
    }
    fn max_waiting_position(&mut self, session_id: i64) -> Result<u32, StoreError> {
        let row = self.conn.query_opt(
            "SELECT COALESCE(MAX(waiting_position), 0) FROM bookings WHERE session_id = $1",
            &[&session_id],
        )?;
        u32_of(row.map_or(0, |r| r.get(0)), "waiting position")
    }
    fn put_booking(&mut self, b: &Booking) -> Result<(), StoreError> {
        self.conn.execute(
            "INSERT INTO bookings (id, session_id, customer_id, centre_id, status, waiting_position, created_at, staff_id, channel)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
             ON CONFLICT (id) DO UPDATE SET status = EXCLUDED.status, waiting_position = EXCLUDED.waiting_position",
            &[
                &b.id,
                &b.session_id,
                &b.customer_id,
                &b.centre_id,
                &b.status.as_str(),
                &i64::from(b.waiting_position),
                &b.created_at,
                &b.staff_id,
                &b.channel.as_str(),
            ],
        )?;
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
        self.sync_rows.push((
            table.to_owned(),
            id.to_owned(),
            bucket.to_owned(),
            version as i64,
            data.to_owned(),
        ));
        Ok(())
    }
    fn bulk_upsert(&mut self, spec: &TableSpec, rows: &[Vec<Cell>]) -> Result<(), StoreError> {
        // Buffered rows go first, so that a bulk write of the same row lands as the newer.
        self.flush()?;
        let sql = bulk_sql(spec);
        for chunk in rows.chunks(BULK_CHUNK) {
            let columns = column_arrays(spec, chunk)?;
            let params: Vec<&(dyn ToSql + Sync)> = columns.iter().map(|c| c.as_ref() as &(dyn ToSql + Sync)).collect();
            self.conn.execute(&sql, &params)?;
        }
        Ok(())
    }
    fn notify(&mut self, poke: &Poke) -> Result<(), StoreError> {
        // Delivered by PostgreSQL only if and when this transaction commits.
        let payload = format!("{}|{}|{}", self.instance, poke.head, poke.buckets.join(","));
        self.conn
            .execute("SELECT pg_notify($1, $2)", &[&POKE_CHANNEL, &payload])?;
        Ok(())
    }
}

/// The array type `unnest` reads a column from.
fn array_type(ty: ColType) -> &'static str {
    match ty {
        ColType::Serial | ColType::Int => "int8",
        ColType::Int32 => "int4",
        ColType::Text | ColType::Json => "text",
        ColType::Bool => "bool",
        ColType::Date => "date",
        ColType::Timestamp => "timestamp",
        ColType::TimestampTz => "timestamptz",
        ColType::Uuid => "uuid",
        ColType::Blob => "bytea",
    }
}

/// One multi-row upsert: a column array per parameter, unnested into rows.
fn bulk_sql(spec: &TableSpec) -> String {
    let cols: Vec<&str> = spec.columns.iter().map(|c| c.name).collect();
    let arrays: Vec<String> = spec
        .columns
        .iter()
        .enumerate()
        .map(|(i, c)| format!("${}::{}[]", i + 1, array_type(c.ty)))
        .collect();
    let selects: Vec<String> = spec
        .columns
        .iter()
        .enumerate()
        .map(|(i, c)| match c.ty {
            ColType::Json => format!("u.c{i}::json"),
            _ => format!("u.c{i}"),
        })
        .collect();
    let aliases: Vec<String> = (0..cols.len()).map(|i| format!("c{i}")).collect();
    let updates: Vec<String> = cols
        .iter()
        .filter(|c| !spec.key.contains(c))
        .map(|c| format!("{c} = EXCLUDED.{c}"))
        .collect();
    format!(
        "INSERT INTO {} ({}) SELECT {} FROM unnest({}) AS u({}) ON CONFLICT ({}) DO UPDATE SET {}",
        spec.name,
        cols.join(", "),
        selects.join(", "),
        arrays.join(", "),
        aliases.join(", "),
        spec.key.join(", "),
        updates.join(", ")
    )
}

/// One array parameter per column, for `unnest`; NULL where a row holds [`Cell::Null`].
fn column_arrays(spec: &TableSpec, rows: &[Vec<Cell>]) -> Result<Vec<Box<dyn ToSql + Sync>>, StoreError> {
    let mut out: Vec<Box<dyn ToSql + Sync>> = Vec::with_capacity(spec.columns.len());
    for (i, c) in spec.columns.iter().enumerate() {
        let bad = || StoreError::Invalid(format!("{}.{}: value of the wrong type", spec.name, c.name));
        macro_rules! collect {
            ($pat:pat => $val:expr) => {{
                let mut v = Vec::with_capacity(rows.len());
                for row in rows {
                    match row.get(i) {
                        Some($pat) => v.push(Some($val)),
                        Some(Cell::Null) => v.push(None),
                        _ => return Err(bad()),
                    }
                }
                Box::new(v) as Box<dyn ToSql + Sync>
            }};
        }
        let column = match c.ty {
            ColType::Serial | ColType::Int => collect!(Cell::Int(x) => *x),
            ColType::Int32 => collect!(Cell::Int(x) => i32::try_from(*x).map_err(|_| bad())?),
            ColType::Text => collect!(Cell::Text(x) => x.clone()),
            ColType::Json => collect!(Cell::Json(x) => x.clone()),
            ColType::Bool => collect!(Cell::Bool(x) => *x),
            ColType::Date => collect!(Cell::Date(x) => *x),
            ColType::Timestamp => collect!(Cell::Timestamp(x) => *x),
            ColType::TimestampTz => collect!(Cell::TimestampTz(x) => *x),
            ColType::Uuid => collect!(Cell::Uuid(x) => *x),
            ColType::Blob => collect!(Cell::Blob(x) => x.clone()),
        };
        out.push(column);
    }
    Ok(out)
}

impl PgBackend {
    fn with_conn<R: Send, E: From<StoreError> + Send>(
        &self,
        f: impl FnOnce(&mut PgConn) -> Result<R, E> + Send,
    ) -> Result<R, E> {
        off_async(|| self.with_conn_here(f))
    }

    fn with_conn_here<R, E: From<StoreError>>(&self, f: impl FnOnce(&mut PgConn) -> Result<R, E>) -> Result<R, E> {
        let pooled = {
            let mut pool = lock(&self.pool);
            loop {
                if let Some(c) = pool.idle.pop() {
                    break Some(c);
                }
                if pool.open < MAX_CONNECTIONS {
                    pool.open += 1;
                    break None;
                }
                pool = self.returned.wait(pool).unwrap_or_else(|p| p.into_inner());
            }
        };
        let conn = match pooled {
            Some(c) if !c.client.is_closed() => Ok(c),
            _ => PgConn::connect(&self.url),
        };
        let mut conn = match conn {
            Ok(c) => c,
            Err(e) => {
                lock(&self.pool).open -= 1;
                self.returned.notify_one();
                return Err(e.into());
            }
        };
        let out = f(&mut conn);
        let mut pool = lock(&self.pool);
        if conn.client.is_closed() {
            pool.open -= 1;
        } else {
            pool.idle.push(conn);
        }
        drop(pool);
        self.returned.notify_one();
        out
    }
}

fn head_of(conn: &mut PgConn) -> Result<u64, StoreError> {
    let row = conn.query_opt("SELECT version FROM sync_head WHERE id = 1", &[])?;
    Ok(row.map_or(0, |r| r.get::<_, i64>(0) as u64))
}

impl Backend for PgBackend {
    const NAME: &'static str = "postgres";

    fn write<R: Send, E: From<StoreError> + Send>(
        &self,
        f: impl FnOnce(&mut dyn StoreTx) -> Result<R, E> + Send,
    ) -> Result<R, E> {
        self.with_conn(|conn| {
            conn.client.batch_execute("BEGIN").map_err(StoreError::from)?;
            let head = match conn.query_opt("SELECT version FROM sync_head WHERE id = 1 FOR UPDATE", &[]) {
                Ok(Some(r)) => r.get::<_, i64>(0) as u64,
                Ok(None) => {
                    let _ = conn.client.batch_execute("ROLLBACK");
                    return Err(StoreError::Corrupt("sync_head row is missing".into()).into());
                }
                Err(e) => {
                    let _ = conn.client.batch_execute("ROLLBACK");
                    return Err(e.into());
                }
            };
            let mut tx = PgTx::new(conn, head, self.instance);
            match f(&mut tx) {
                Ok(r) => {
                    let (start, end) = (tx.start, tx.head);
                    let flushed = tx.flush();
                    let conn = tx.conn;
                    let finish = (|| {
                        flushed?;
                        if end != start {
                            conn.execute("UPDATE sync_head SET version = $1 WHERE id = 1", &[&(end as i64)])?;
                        }
                        conn.client.batch_execute("COMMIT")?;
                        Ok::<_, StoreError>(())
                    })();
                    if let Err(e) = finish {
                        let _ = conn.client.batch_execute("ROLLBACK");
                        return Err(e.into());
                    }
                    Ok(r)
                }
                Err(e) => {
                    let _ = tx.conn.client.batch_execute("ROLLBACK");
                    Err(e)
                }
            }
        })
    }

    fn insert_staff(&self, new: &NewStaffRecord) -> Result<i64, StoreError> {
        self.with_conn(|c| {
            let row = c.query_opt(
                "INSERT INTO staff (username, display_name, password_hash, roles, sites)
                 VALUES ($1, $2, $3, $4, $5) ON CONFLICT (username) DO NOTHING RETURNING id",
                &[
                    &new.username,
                    &new.display_name,
                    &new.password_hash,
                    &serde_json::to_string(&new.roles)?,
                    &serde_json::to_string(&new.sites)?,
                ],
            )?;
            row.map(|r| r.get(0))
                .ok_or_else(|| StoreError::Conflict(format!("username `{}` is taken", new.username)))
        })
    }

    fn staff_by_username(&self, username: &str) -> Result<Option<StaffRecord>, StoreError> {
        self.with_conn(|c| {
            c.query_opt(
                "SELECT id, username, display_name, password_hash, roles, sites, disabled FROM staff WHERE username = $1",
                &[&username],
            )?
            .map(|r| staff_row(&r))
            .transpose()
        })
    }

    fn update_staff(&self, id: i64, roles: &[Role], sites: &[Site], disabled: bool) -> Result<(), StoreError> {
        self.with_conn(|c| {
            let n = c.execute(
                "UPDATE staff SET roles = $1, sites = $2, disabled = $3 WHERE id = $4",
                &[
                    &serde_json::to_string(roles)?,
                    &serde_json::to_string(sites)?,
                    &disabled,
                    &id,
                ],
            )?;
            if n == 0 {
                return Err(StoreError::Invalid(format!("no staff member {id}")));
            }
            Ok(())
        })
    }

    fn insert_token(
        &self,
        hash: &[u8; 32],
        staff_id: i64,
        device: Uuid,
        expires: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        self.with_conn(|c| {
            c.execute("DELETE FROM access_tokens WHERE expires_at < now()", &[])?;
            c.execute(
                "INSERT INTO access_tokens (token_hash, staff_id, device_id, expires_at) VALUES ($1, $2, $3, $4)",
                &[&&hash[..], &staff_id, &device, &expires],
            )?;
            Ok(())
        })
    }

    fn token(&self, hash: &[u8; 32]) -> Result<Option<TokenRecord>, StoreError> {
        self.with_conn(|c| {
            let Some(r) = c.query_opt(
                "SELECT s.id, s.username, s.display_name, s.password_hash, s.roles, s.sites, s.disabled,
                        t.device_id, t.expires_at
                 FROM access_tokens t JOIN staff s ON s.id = t.staff_id WHERE t.token_hash = $1",
                &[&&hash[..]],
            )?
            else {
                return Ok(None);
            };
            Ok(Some(TokenRecord {
                staff: staff_row(&r)?,
                device_id: r.try_get(7)?,
                expires_at: r.try_get(8)?,
            }))
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
        self.with_conn(|c| {
            // One snapshot for rows, head and receipts.
            c.client
                .batch_execute("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")?;
            let page = (|| {
                let head = head_of(c)?;
                let rows = if buckets.is_empty() {
                    Vec::new()
                } else {
                    // One statement per bucket count: PostgreSQL merges the per-bucket index scans
                    // (Merge Append) and stops at the limit.
                    let k = buckets.len();
                    let parts: Vec<String> = (1..=k)
                        .map(|b| {
                            format!(
                                "(SELECT tbl, id, bucket, version, deleted, data::text AS data FROM sync_rows
                                  WHERE bucket = ${b} AND version > ${} ORDER BY version LIMIT ${})",
                                k + 1,
                                k + 2
                            )
                        })
                        .collect();
                    let sql = format!(
                        "SELECT * FROM ({}) AS u ORDER BY version LIMIT ${}",
                        parts.join(" UNION ALL "),
                        k + 2
                    );
                    let after = after as i64;
                    let wanted = i64::from(limit) + 1;
                    let mut params: Vec<&(dyn ToSql + Sync)> =
                        buckets.iter().map(|b| b as &(dyn ToSql + Sync)).collect();
                    params.push(&after);
                    params.push(&wanted);
                    let found = c.query(&sql, &params)?;
                    let mut rows = Vec::with_capacity(found.len());
                    for r in found {
                        rows.push(SyncRow {
                            table: r.try_get(0)?,
                            id: r.try_get(1)?,
                            bucket: r.try_get(2)?,
                            version: r.try_get::<_, i64>(3)? as u64,
                            deleted: r.try_get(4)?,
                            data: r.try_get(5)?,
                        });
                    }
                    rows
                };
                let has_more = rows.len() > limit as usize;
                let mut rows = rows;
                rows.truncate(limit as usize);
                let receipts = c
                    .query(
                        "SELECT seq, mutation_id, outcome, version FROM receipts
                         WHERE device_id = $1 AND seq > $2 ORDER BY seq LIMIT $3",
                        &[&device, &(ack_seq as i64), &i64::from(desk_store::MAX_PULL_RECEIPTS)],
                    )?
                    .iter()
                    .map(receipt_row)
                    .collect::<Result<Vec<_>, _>>()?;
                let device_last_seq = c
                    .query_opt("SELECT last_seq FROM devices WHERE device_id = $1", &[&device])?
                    .map_or(0, |r| r.get::<_, i64>(0) as u64);
                Ok(PullPage {
                    rows,
                    has_more,
                    head,
                    receipts,
                    device_last_seq,
                })
            })();
            let end = if page.is_ok() { "COMMIT" } else { "ROLLBACK" };
            c.client.batch_execute(end)?;
            page
        })
    }

    fn head(&self) -> Result<u64, StoreError> {
        self.with_conn(head_of)
    }

    fn session(&self, id: i64) -> Result<Option<Session>, StoreError> {
        self.with_conn(|c| {
            c.query_opt(&format!("SELECT {SESSION_COLS} FROM sessions WHERE id = $1"), &[&id])?
                .map(|r| session_row(&r))
                .transpose()
        })
    }

    fn booking(&self, id: Uuid) -> Result<Option<Booking>, StoreError> {
        self.with_conn(|c| {
            c.query_opt(&format!("SELECT {BOOKING_COLS} FROM bookings WHERE id = $1"), &[&id])?
                .map(|r| booking_row(&r))
                .transpose()
        })
    }

    fn set_password_hash(&self, id: i64, password_hash: &str) -> Result<(), StoreError> {
        self.with_conn(|c| {
            let n = c.execute(
                "UPDATE staff SET password_hash = $1 WHERE id = $2",
                &[&password_hash, &id],
            )?;
            if n == 0 {
                return Err(StoreError::Invalid(format!("no staff member {id}")));
            }
            c.execute("DELETE FROM sign_in_locks WHERE staff_id = $1", &[&id])?;
            Ok(())
        })
    }

    fn person_records(&self, person: PersonRef) -> Result<Vec<(String, String, String)>, StoreError> {
        let sql = match person {
            PersonRef::Customer(_) => {
                "SELECT tbl, id, COALESCE(data::text, '') FROM sync_rows
                 WHERE (tbl = 'customers' AND id = $1)
                    OR (tbl = 'bookings' AND id IN (SELECT id::text FROM bookings WHERE customer_id = $2))
                 ORDER BY tbl DESC, id"
            }
            PersonRef::Pupil(_) => {
                "SELECT tbl, id, COALESCE(data::text, '') FROM sync_rows
                 WHERE (tbl = 'pupils' AND id = $1)
                    OR (tbl = 'contacts' AND id IN (SELECT id::text FROM contacts WHERE pupil_id = $2))
                 ORDER BY tbl DESC, id"
            }
            PersonRef::CtAccount(_) => {
                "SELECT tbl, id, COALESCE(data::text, '') FROM sync_rows
                 WHERE tbl = 'ct_accounts' AND id = $1 AND $2::bigint IS NOT NULL"
            }
        };
        let person_id = person.id();
        self.with_conn(|c| {
            let s = c.stmt(sql)?;
            let rows = c.client.query(&s, &[&person_id.to_string(), &person_id])?;
            rows.iter()
                .map(|r| Ok((r.try_get(0)?, r.try_get(1)?, r.try_get(2)?)))
                .collect()
        })
    }

    fn audit_for_person(&self, person_id: i64) -> Result<Vec<AuditEntry>, StoreError> {
        self.with_conn(|c| {
            let s = c.stmt("SELECT at, staff_id, device_id, action, record_kind, record_id, person_id, detail, source, device_seq FROM audit_log WHERE person_id = $1 ORDER BY at, id")?;
            let rows = c.client.query(&s, &[&person_id])?;
            Ok(rows.iter().map(audit_entry).collect::<Result<_, _>>()?)
        })
    }

    fn audit_rows(
        &self,
        record_kind: &str,
        record_id: Option<&str>,
        person_id: Option<i64>,
    ) -> Result<Vec<(i64, AuditEntry)>, StoreError> {
        self.with_conn(|c| {
            let s = c.stmt(
                "SELECT at, staff_id, device_id, action, record_kind, record_id, person_id, detail, source, device_seq, id
                 FROM audit_log
                 WHERE record_kind = $1 AND ($2::text IS NULL OR record_id = $2)
                   AND ($3::bigint IS NULL OR person_id = $3)",
            )?;
            let rows = c.client.query(&s, &[&record_kind, &record_id, &person_id])?;
            Ok(rows
                .iter()
                .map(|r| Ok((r.try_get::<_, i64>(10)?, audit_entry(r)?)))
                .collect::<Result<_, postgres::Error>>()?)
        })
    }

    fn count(&self, table: &str) -> Result<u64, StoreError> {
        self.with_conn(|c| {
            let row = c.client.query_one(&format!("SELECT COUNT(*) FROM {table}"), &[])?;
            Ok(row.get::<_, i64>(0) as u64)
        })
    }
}

/// An audit row from the columns `at, staff_id, device_id, action, record_kind, record_id,
/// person_id, detail, source, device_seq`, in that order from column 0.
fn audit_entry(r: &Row) -> Result<AuditEntry, postgres::Error> {
    Ok(AuditEntry {
        at: r.try_get(0)?,
        staff_id: r.try_get(1)?,
        device_id: r.try_get(2)?,
        action: r.try_get(3)?,
        record_kind: r.try_get(4)?,
        record_id: r.try_get(5)?,
        person_id: r.try_get(6)?,
        detail: r.try_get(7)?,
        source: r.try_get(8)?,
        device_seq: r.try_get::<_, Option<i64>>(9)?.map(|s| s as u64),
    })
}
