//! The PostgreSQL backend, for councils running one or several server instances on one
//! database. Every writing transaction starts by locking the change-counter row, which
//! serialises writers (intended: commit order is version order) and rules out deadlocks
//! between batches that touch the same sessions in different orders. It implements
//! desk-store's generic surface (statements from `desk_store::sql`, bound and read here) plus
//! the two hot paths: the capacity-checked place and the merged pull.

use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Condvar, Mutex, MutexGuard};
use std::time::Duration;

use chrono::{DateTime, NaiveDate, NaiveDateTime, Utc};
use postgres::fallible_iterator::FallibleIterator;
use postgres::types::ToSql;
use postgres::{Client, NoTls, Statement};
use tokio::sync::broadcast;
use uuid::Uuid;

use desk_store::migrate::{self, Migration, MigrationTarget};
use desk_store::ops::receipts_after;
use desk_store::rows::Cell;
use desk_store::sql;
use desk_store::tables::{RECEIPTS, SESSIONS, SYNC_ROWS};
use desk_store::{
    ColType, Cond, Database, Dialect, Place, PlaceRead, Poke, PullPage, PullQuery, Row, Select, StoreError, SyncRow,
    TableSpec, Tables, Transaction, Tx,
};

const D: Dialect = Dialect::Postgres;

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
        let mut client = Client::connect(url, NoTls)?;
        quiet(&mut client)?;
        Ok(PgConn {
            client,
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

    fn query(&mut self, sql: &str, params: &[&(dyn ToSql + Sync)]) -> Result<Vec<postgres::Row>, StoreError> {
        let s = self.stmt(sql)?;
        Ok(self.client.query(&s, params)?)
    }

    fn query_opt(&mut self, sql: &str, params: &[&(dyn ToSql + Sync)]) -> Result<Option<postgres::Row>, StoreError> {
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

/// Keeps the server's informational notices (`relation … already exists, skipping` from the
/// migration runner's `CREATE TABLE IF NOT EXISTS`) off the connection: the client would log
/// each one, and a command whose standard output is a document must print nothing else.
/// Warnings and errors still come through.
fn quiet(client: &mut Client) -> Result<(), StoreError> {
    client.batch_execute("SET client_min_messages TO warning")?;
    Ok(())
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
        tx.batch_execute(&m.sql(D)).map_err(|e| StoreError::Migration {
            version: m.version,
            name: m.name.to_owned(),
            reason: e.to_string(),
        })?;
        tx.execute(
            "INSERT INTO schema_migrations (version, name, checksum) VALUES ($1, $2, $3)",
            &[&(m.version as i32), &m.name, &m.checksum(D)],
        )?;
        tx.commit()?;
        Ok(())
    }
}

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
}

/// A cell bound as its column's type (a NULL must be typed too).
fn bind(ty: ColType, c: &Cell) -> Result<Box<dyn ToSql + Sync>, StoreError> {
    let bad = || StoreError::Invalid(format!("a {c:?} does not fit a {ty:?} column"));
    Ok(match (ty, c) {
        (ColType::Serial | ColType::Int, Cell::Null) => Box::new(None::<i64>),
        (ColType::Int32, Cell::Null) => Box::new(None::<i32>),
        (ColType::Text | ColType::Json, Cell::Null) => Box::new(None::<String>),
        (ColType::Bool, Cell::Null) => Box::new(None::<bool>),
        (ColType::Date, Cell::Null) => Box::new(None::<NaiveDate>),
        (ColType::Timestamp, Cell::Null) => Box::new(None::<NaiveDateTime>),
        (ColType::TimestampTz, Cell::Null) => Box::new(None::<DateTime<Utc>>),
        (ColType::Uuid, Cell::Null) => Box::new(None::<Uuid>),
        (ColType::Blob, Cell::Null) => Box::new(None::<Vec<u8>>),
        (ColType::Int32, Cell::Int(i)) => Box::new(i32::try_from(*i).map_err(|_| bad())?),
        (ColType::Serial | ColType::Int, Cell::Int(i)) => Box::new(*i),
        (ColType::Text, Cell::Text(s)) | (ColType::Json, Cell::Json(s) | Cell::Text(s)) => Box::new(s.clone()),
        (ColType::Bool, Cell::Bool(b)) => Box::new(*b),
        (ColType::Date, Cell::Date(d)) => Box::new(*d),
        (ColType::Timestamp, Cell::Timestamp(t)) => Box::new(*t),
        (ColType::TimestampTz, Cell::TimestampTz(t)) => Box::new(*t),
        (ColType::Uuid, Cell::Uuid(u)) => Box::new(*u),
        (ColType::Blob, Cell::Blob(b)) => Box::new(b.clone()),
        _ => return Err(bad()),
    })
}

/// The column at `i` as a cell of its type.
fn read(r: &postgres::Row, i: usize, ty: ColType) -> Result<Cell, StoreError> {
    fn cell<'a, T: postgres::types::FromSql<'a>>(
        r: &'a postgres::Row,
        i: usize,
        f: impl FnOnce(T) -> Cell,
    ) -> Result<Cell, StoreError> {
        Ok(r.try_get::<_, Option<T>>(i)?.map_or(Cell::Null, f))
    }
    match ty {
        ColType::Serial | ColType::Int => cell(r, i, Cell::Int),
        ColType::Int32 => cell(r, i, |v: i32| Cell::Int(v.into())),
        ColType::Text => cell(r, i, Cell::Text),
        ColType::Json => cell(r, i, Cell::Json),
        ColType::Bool => cell(r, i, Cell::Bool),
        ColType::Date => cell(r, i, Cell::Date),
        ColType::Timestamp => cell(r, i, Cell::Timestamp),
        ColType::TimestampTz => cell(r, i, Cell::TimestampTz),
        ColType::Uuid => cell(r, i, Cell::Uuid),
        ColType::Blob => cell(r, i, Cell::Blob),
    }
}

/// The first `table.columns.len()` columns of a result row, as a [`Row`] of `table`.
fn row_of(table: &'static TableSpec, r: &postgres::Row) -> Result<Row, StoreError> {
    let cells = table
        .columns
        .iter()
        .enumerate()
        .map(|(i, c)| read(r, i, c.ty))
        .collect::<Result<_, _>>()?;
    Ok(Row { table, cells })
}

impl PgConn {
    /// Runs a rendered statement; `Ok(rows)` for a query, the row count in `rows_affected`.
    fn run(&mut self, s: &sql::Statement, query: bool) -> Result<(Vec<postgres::Row>, u64), StoreError> {
        let bound = s
            .params
            .iter()
            .map(|(ty, c)| bind(*ty, c))
            .collect::<Result<Vec<_>, _>>()?;
        let params: Vec<&(dyn ToSql + Sync)> = bound.iter().map(|b| b.as_ref() as &(dyn ToSql + Sync)).collect();
        if query {
            Ok((self.query(&s.sql, &params)?, 0))
        } else {
            Ok((Vec::new(), self.execute(&s.sql, &params)?))
        }
    }

    /// Upserts rows in chunks, one `unnest` statement each.
    fn bulk_put(&mut self, table: &'static TableSpec, rows: &[Vec<Cell>]) -> Result<(), StoreError> {
        let sql = bulk_sql(table);
        for chunk in rows.chunks(BULK_CHUNK) {
            let columns = column_arrays(table, chunk)?;
            let params: Vec<&(dyn ToSql + Sync)> = columns.iter().map(|c| c.as_ref() as &(dyn ToSql + Sync)).collect();
            self.execute(&sql, &params)?;
        }
        Ok(())
    }
}

/// Tables whose rows a push writes but never reads back in the same transaction: buffered and
/// written in one statement each at commit, to keep round trips per mutation low.
fn buffered(table: &TableSpec) -> bool {
    table.name == RECEIPTS.name || table.name == SYNC_ROWS.name
}

/// A row waiting to be written, with its table.
type Pending = (&'static TableSpec, Vec<Cell>);

/// A writing transaction. Releasing a mutation's savepoint rides along with the next one's.
struct PgTx<'c> {
    conn: &'c mut PgConn,
    instance: Uuid,
    /// Rows of [`buffered`] tables not yet written, oldest first.
    pending: Vec<Pending>,
    /// Inside a savepoint: `pending`'s length when it was taken, and what of `pending` before
    /// that a flush since wrote (the savepoint's rollback undoes that write too).
    savepoint: Option<(usize, Vec<Pending>)>,
    release_pending: bool,
    /// Whether [`buffered`] tables are buffered: in a writing transaction only.
    buffering: bool,
}

impl PgTx<'_> {
    /// Writes the buffered rows: per table, the newest row of each key.
    fn flush(&mut self) -> Result<(), StoreError> {
        if self.pending.is_empty() {
            return Ok(());
        }
        if let Some((mark, written)) = &mut self.savepoint {
            written.extend(self.pending[..*mark].iter().cloned());
            *mark = 0;
        }
        let pending = std::mem::take(&mut self.pending);
        let mut tables: Vec<&'static TableSpec> = Vec::new();
        // (table, key) -> (position in `pending`, row): the last write of a key wins.
        type Newest<'a> = HashMap<(&'a str, Vec<String>), (usize, Vec<Cell>)>;
        let mut newest: Newest<'_> = HashMap::new();
        for (order, (table, row)) in pending.into_iter().enumerate() {
            if !tables.iter().any(|t| t.name == table.name) {
                tables.push(table);
            }
            let key = table
                .key
                .iter()
                .map(|k| table.index_of(k).map_or_else(String::new, |i| format!("{:?}", row[i])))
                .collect();
            newest.insert((table.name, key), (order, row));
        }
        for table in tables {
            let mut rows: Vec<(usize, Vec<Cell>)> = newest
                .iter()
                .filter(|((t, _), _)| *t == table.name)
                .map(|(_, r)| r.clone())
                .collect();
            rows.sort_by_key(|(order, _)| *order);
            let rows: Vec<Vec<Cell>> = rows.into_iter().map(|(_, r)| r).collect();
            self.conn.bulk_put(table, &rows)?;
        }
        Ok(())
    }

    /// Reading or changing a buffered table sees the buffered rows first.
    fn touch(&mut self, table: &TableSpec) -> Result<&mut PgConn, StoreError> {
        if buffered(table) {
            self.flush()?;
        }
        Ok(self.conn)
    }

    /// The generic surface on a connection: in a writing transaction of `instance` if
    /// `buffering`, or outside any transaction of this backend's making.
    fn new(conn: &mut PgConn, instance: Uuid, buffering: bool) -> PgTx<'_> {
        PgTx {
            conn,
            instance,
            pending: Vec::new(),
            savepoint: None,
            release_pending: false,
            buffering,
        }
    }
}

impl Tables for PgTx<'_> {
    fn select(&mut self, table: &'static TableSpec, q: &Select<'_>) -> Result<Vec<Row>, StoreError> {
        let (rows, _) = self.touch(table)?.run(&sql::select(D, table, q)?, true)?;
        rows.iter().map(|r| row_of(table, r)).collect()
    }
    fn insert(&mut self, table: &'static TableSpec, cells: &[(&'static str, Cell)]) -> Result<Option<i64>, StoreError> {
        let (rows, _) = self.touch(table)?.run(&sql::insert(D, table, cells)?, true)?;
        match rows.first() {
            Some(r) => Ok(Some(match r.try_get::<_, i64>(0) {
                Ok(id) => id,
                Err(_) => i64::from(r.try_get::<_, i32>(0)?),
            })),
            None => Ok(None),
        }
    }
    fn put_rows(&mut self, table: &'static TableSpec, rows: &[Vec<Cell>]) -> Result<(), StoreError> {
        if self.buffering && buffered(table) && rows.len() == 1 {
            self.pending.push((table, rows[0].clone()));
            return Ok(());
        }
        // A buffered table's rows go first, so that a bulk write of the same row lands as the
        // newer; other tables leave the buffer for commit (one statement per table, not one
        // per mutation).
        self.touch(table)?.bulk_put(table, rows)
    }
    fn update(
        &mut self,
        table: &'static TableSpec,
        filter: &[Cond],
        set: &[(&'static str, Cell)],
    ) -> Result<u64, StoreError> {
        Ok(self.touch(table)?.run(&sql::update(D, table, filter, set)?, false)?.1)
    }
    fn delete(&mut self, table: &'static TableSpec, filter: &[Cond]) -> Result<u64, StoreError> {
        Ok(self.touch(table)?.run(&sql::delete(D, table, filter)?, false)?.1)
    }
    fn count(&mut self, table: &'static TableSpec) -> Result<u64, StoreError> {
        let row = self.touch(table)?.client.query_one(&sql::count(table), &[])?;
        Ok(row.get::<_, i64>(0) as u64)
    }
}

impl Transaction for PgTx<'_> {
    fn commit(&mut self, head: Option<u64>) -> Result<(), StoreError> {
        self.savepoint = None;
        self.flush()?;
        if let Some(head) = head {
            self.conn
                .execute("UPDATE sync_head SET version = $1 WHERE id = 1", &[&(head as i64)])?;
        }
        Ok(self.conn.client.batch_execute("COMMIT")?)
    }
    fn rollback(&mut self) {
        let _ = self.conn.client.batch_execute("ROLLBACK");
    }
    fn savepoint(&mut self) -> Result<(), StoreError> {
        let sql = if self.release_pending {
            "RELEASE SAVEPOINT mutation; SAVEPOINT mutation"
        } else {
            "SAVEPOINT mutation"
        };
        self.conn.client.batch_execute(sql)?;
        self.release_pending = false;
        self.savepoint = Some((self.pending.len(), Vec::new()));
        Ok(())
    }
    fn release(&mut self) -> Result<(), StoreError> {
        // Sent with the next savepoint, or implied by COMMIT.
        self.release_pending = true;
        self.savepoint = None;
        Ok(())
    }
    fn rollback_to(&mut self) -> Result<(), StoreError> {
        self.conn
            .client
            .batch_execute("ROLLBACK TO SAVEPOINT mutation; RELEASE SAVEPOINT mutation")?;
        if let Some((mark, mut written)) = self.savepoint.take() {
            self.pending.truncate(mark);
            // Rows from before the savepoint that a flush wrote inside it were rolled back.
            written.append(&mut self.pending);
            self.pending = written;
        }
        self.release_pending = false;
        Ok(())
    }
    fn notify(&mut self, poke: &Poke) -> Result<(), StoreError> {
        // Delivered by PostgreSQL only if and when this transaction commits.
        let payload = format!("{}|{}|{}", self.instance, poke.head, poke.buckets.join(","));
        self.conn
            .execute("SELECT pg_notify($1, $2)", &[&POKE_CHANNEL, &payload])?;
        Ok(())
    }
    fn place(&mut self, p: &Place) -> Result<Option<PlaceRead>, StoreError> {
        let params: [&(dyn ToSql + Sync); 3] = [&p.session_id, &p.customer_id, &p.booking_id];
        let Some(r) = self.conn.query_opt(&sql::place_facts(D), &params)? else {
            return Ok(None);
        };
        let n = SESSIONS.columns.len();
        Ok(Some((
            row_of(&SESSIONS, &r)?,
            r.try_get(n)?,
            r.try_get(n + 1)?,
            r.try_get(n + 2)?,
        )))
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

impl Database for PgBackend {
    const NAME: &'static str = "postgres";

    fn write<R: Send, E: From<StoreError> + Send>(
        &self,
        f: impl FnOnce(&mut dyn Tx) -> Result<R, E> + Send,
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
            desk_store::write(PgTx::new(conn, self.instance, true), head, f)
        })
    }

    fn read<R: Send>(&self, f: impl FnOnce(&mut dyn Tables) -> Result<R, StoreError> + Send) -> Result<R, StoreError> {
        self.with_conn(|c| f(&mut PgTx::new(c, self.instance, false)))
    }

    fn pull(&self, q: &PullQuery<'_>) -> Result<PullPage, StoreError> {
        self.with_conn(|c| {
            // One snapshot for rows, head and receipts.
            c.client
                .batch_execute("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")?;
            let page = (|| {
                let head = head_of(c)?;
                let mut rows = merged_page(c, q.buckets, q.after, q.limit)?;
                let has_more = rows.len() > q.limit as usize;
                rows.truncate(q.limit as usize);
                let (receipts, device_last_seq) =
                    receipts_after(&mut PgTx::new(c, self.instance, false), q.device, q.staff, q.ack_seq)?;
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
}

/// Up to `limit + 1` rows above `after` across `buckets`, oldest first: one statement per
/// bucket count, so PostgreSQL merges the per-bucket index scans (Merge Append) and stops at
/// the limit.
fn merged_page(c: &mut PgConn, buckets: &[String], after: u64, limit: u32) -> Result<Vec<SyncRow>, StoreError> {
    if buckets.is_empty() {
        return Ok(Vec::new());
    }
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
    let mut params: Vec<&(dyn ToSql + Sync)> = buckets.iter().map(|b| b as &(dyn ToSql + Sync)).collect();
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
    Ok(rows)
}
