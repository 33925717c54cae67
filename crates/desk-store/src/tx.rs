//! What a storage backend implements: a small generic surface over the table descriptions
//! ([`Tables`]), its writing transaction ([`Transaction`]: savepoints, pokes, the one hot read
//! of a push, commit and rollback), and the database itself ([`Database`]: transactions and the
//! merged pull). [`write()`] runs the server's logic in a [`Tx`] (the transaction with the change
//! counter). Everything the logic names (a device, a receipt, a refresh token, …) is written
//! once on top of these, in [`ops`](crate::ops), as the [`StoreTx`] operations.

use chrono::{DateTime, NaiveDateTime, Utc};
use desk_domain::{Booking, Receipt, Session};
use uuid::Uuid;

use crate::StoreError;
use crate::records::*;
use crate::rows::Cell;
use crate::schema::{ColType, TableSpec};

/// A condition on one column of a [`Select`], an update or a delete.
#[derive(Debug, Clone, PartialEq)]
pub enum Cond {
    Eq(&'static str, Cell),
    Ne(&'static str, Cell),
    Lt(&'static str, Cell),
    Le(&'static str, Cell),
    Gt(&'static str, Cell),
    Ge(&'static str, Cell),
    IsNull(&'static str),
    NotNull(&'static str),
}

impl Cond {
    pub fn column(&self) -> &'static str {
        match self {
            Cond::Eq(c, _) | Cond::Ne(c, _) | Cond::Lt(c, _) | Cond::Le(c, _) | Cond::Gt(c, _) | Cond::Ge(c, _) => c,
            Cond::IsNull(c) | Cond::NotNull(c) => c,
        }
    }
}

/// Rows of one table matching every condition (an index is expected to serve them), in
/// `order` (a column name; `-name` for descending), at most `limit`.
#[derive(Debug, Clone, Default)]
pub struct Select<'a> {
    pub filter: &'a [Cond],
    pub order: &'a [&'static str],
    pub limit: Option<u32>,
    /// Lock the rows against other writers until commit (PostgreSQL; SQLite's writer holds the
    /// database lock already).
    pub for_update: bool,
}

/// One row, its cells in its table's column order.
#[derive(Debug, Clone)]
pub struct Row {
    pub table: &'static TableSpec,
    pub cells: Vec<Cell>,
}

impl Row {
    fn cell(&self, name: &str) -> Result<&Cell, StoreError> {
        self.table
            .index_of(name)
            .and_then(|i| self.cells.get(i))
            .ok_or_else(|| StoreError::Corrupt(format!("{} has no column {name}", self.table.name)))
    }

    fn wrong(&self, name: &str, want: &str) -> StoreError {
        StoreError::Corrupt(format!("{}.{name} is not {want}", self.table.name))
    }

    pub fn int(&self, name: &str) -> Result<i64, StoreError> {
        self.opt_int(name)?.ok_or_else(|| self.wrong(name, "an integer"))
    }
    pub fn opt_int(&self, name: &str) -> Result<Option<i64>, StoreError> {
        match self.cell(name)? {
            Cell::Int(i) => Ok(Some(*i)),
            Cell::Null => Ok(None),
            _ => Err(self.wrong(name, "an integer")),
        }
    }
    /// A count or position: a non-negative integer that fits 32 bits.
    pub fn u32(&self, name: &str) -> Result<u32, StoreError> {
        u32::try_from(self.int(name)?).map_err(|_| self.wrong(name, "in range"))
    }
    pub fn text(&self, name: &str) -> Result<String, StoreError> {
        self.opt_text(name)?.ok_or_else(|| self.wrong(name, "text"))
    }
    pub fn opt_text(&self, name: &str) -> Result<Option<String>, StoreError> {
        match self.cell(name)? {
            Cell::Text(s) | Cell::Json(s) => Ok(Some(s.clone())),
            Cell::Null => Ok(None),
            _ => Err(self.wrong(name, "text")),
        }
    }
    pub fn bool(&self, name: &str) -> Result<bool, StoreError> {
        match self.cell(name)? {
            Cell::Bool(b) => Ok(*b),
            _ => Err(self.wrong(name, "a boolean")),
        }
    }
    pub fn timestamp(&self, name: &str) -> Result<NaiveDateTime, StoreError> {
        match self.cell(name)? {
            Cell::Timestamp(t) => Ok(*t),
            _ => Err(self.wrong(name, "a timestamp")),
        }
    }
    pub fn opt_timestamp(&self, name: &str) -> Result<Option<NaiveDateTime>, StoreError> {
        match self.cell(name)? {
            Cell::Timestamp(t) => Ok(Some(*t)),
            Cell::Null => Ok(None),
            _ => Err(self.wrong(name, "a timestamp")),
        }
    }
    pub fn instant(&self, name: &str) -> Result<DateTime<Utc>, StoreError> {
        self.opt_instant(name)?.ok_or_else(|| self.wrong(name, "an instant"))
    }
    pub fn opt_instant(&self, name: &str) -> Result<Option<DateTime<Utc>>, StoreError> {
        match self.cell(name)? {
            Cell::TimestampTz(t) => Ok(Some(*t)),
            Cell::Null => Ok(None),
            _ => Err(self.wrong(name, "an instant")),
        }
    }
    pub fn uuid(&self, name: &str) -> Result<Uuid, StoreError> {
        self.opt_uuid(name)?.ok_or_else(|| self.wrong(name, "a UUID"))
    }
    pub fn opt_uuid(&self, name: &str) -> Result<Option<Uuid>, StoreError> {
        match self.cell(name)? {
            Cell::Uuid(u) => Ok(Some(*u)),
            Cell::Null => Ok(None),
            _ => Err(self.wrong(name, "a UUID")),
        }
    }
}

/// The generic row surface both backends implement over the table descriptions. It does not
/// grow as services are added: a new table is a new description, not new methods.
pub trait Tables {
    fn select(&mut self, table: &'static TableSpec, q: &Select<'_>) -> Result<Vec<Row>, StoreError>;
    /// Inserts one row from the named cells (a serial id left out is assigned). Returns the
    /// assigned id (0 for a table without one), or `None` if a key or unique column refused
    /// the row.
    fn insert(&mut self, table: &'static TableSpec, cells: &[(&'static str, Cell)]) -> Result<Option<i64>, StoreError>;
    /// Inserts or replaces whole rows (every column, in order), by key.
    fn put_rows(&mut self, table: &'static TableSpec, rows: &[Vec<Cell>]) -> Result<(), StoreError>;
    /// Sets columns of the matching rows; returns how many matched.
    fn update(
        &mut self,
        table: &'static TableSpec,
        filter: &[Cond],
        set: &[(&'static str, Cell)],
    ) -> Result<u64, StoreError>;
    fn delete(&mut self, table: &'static TableSpec, filter: &[Cond]) -> Result<u64, StoreError>;
    fn count(&mut self, table: &'static TableSpec) -> Result<u64, StoreError>;

    /// The row with this key.
    fn get(&mut self, table: &'static TableSpec, key: &[Cell]) -> Result<Option<Row>, StoreError> {
        self.get_where(table, key, false)
    }
    /// The row with this key, locked against other writers until commit.
    fn get_for_update(&mut self, table: &'static TableSpec, key: &[Cell]) -> Result<Option<Row>, StoreError> {
        self.get_where(table, key, true)
    }
    #[doc(hidden)]
    fn get_where(
        &mut self,
        table: &'static TableSpec,
        key: &[Cell],
        for_update: bool,
    ) -> Result<Option<Row>, StoreError> {
        let filter: Vec<Cond> = table.key.iter().zip(key).map(|(c, v)| Cond::Eq(c, v.clone())).collect();
        let q = Select {
            filter: &filter,
            limit: Some(1),
            for_update,
            ..Select::default()
        };
        Ok(self.select(table, &q)?.pop())
    }
    /// Inserts or replaces one whole row.
    fn put(&mut self, table: &'static TableSpec, row: Vec<Cell>) -> Result<(), StoreError> {
        self.put_rows(table, std::slice::from_ref(&row))
    }
    /// The matching rows, in `order`.
    fn select_by(
        &mut self,
        table: &'static TableSpec,
        filter: &[Cond],
        order: &[&'static str],
    ) -> Result<Vec<Row>, StoreError> {
        self.select(
            table,
            &Select {
                filter,
                order,
                ..Select::default()
            },
        )
    }
}

/// What a backend's writing transaction adds to the generic surface: savepoints, pokes, the
/// one hand-written hot path of a push, and how it ends. [`write()`] drives it.
pub trait Transaction: Tables {
    fn savepoint(&mut self) -> Result<(), StoreError>;
    fn release(&mut self) -> Result<(), StoreError>;
    fn rollback_to(&mut self) -> Result<(), StoreError>;
    /// Tells other server instances, on commit, that these buckets changed.
    fn notify(&mut self, poke: &Poke) -> Result<(), StoreError>;
    /// The capacity-checked place's one read (`sql::place_facts`), as stored; `None` if there
    /// is no such session. [`Tx::session_for_place`] makes records of it.
    fn place(&mut self, p: &Place) -> Result<Option<PlaceRead>, StoreError>;
    /// Writes what is still buffered, and `head` if the transaction moved the counter, and
    /// commits.
    fn commit(&mut self, head: Option<u64>) -> Result<(), StoreError>;
    /// Rolls back, best effort: a connection that cannot is found broken at its next use.
    fn rollback(&mut self);
}

/// The place a push asks about.
#[derive(Debug, Clone, Copy)]
pub struct Place {
    pub session_id: i64,
    pub customer_id: i64,
    pub booking_id: Uuid,
}

/// The session's row (locked), whether the customer exists, whether the booking id is taken,
/// and the customer's live status in the session as stored.
pub type PlaceRead = (Row, bool, bool, Option<String>);

/// The change counter a writing transaction holds locked: versions are handed out in memory
/// and written back at commit.
struct Counter {
    start: u64,
    head: u64,
}

/// A backend's transaction with the counter: what the server's logic runs in.
struct Write<T> {
    tx: T,
    counter: Counter,
}

/// The one shape of a writing transaction on every backend, once the backend has begun it and
/// read the counter (`head`) under its lock: `f` runs; its success is committed, anything else
/// rolled back.
pub fn write<T: Transaction, R, E: From<StoreError>>(
    tx: T,
    head: u64,
    f: impl FnOnce(&mut dyn Tx) -> Result<R, E>,
) -> Result<R, E> {
    let mut w = Write {
        tx,
        counter: Counter { start: head, head },
    };
    let outcome = f(&mut w);
    let moved = (w.counter.head != w.counter.start).then_some(w.counter.head);
    match outcome {
        Ok(r) => match w.tx.commit(moved) {
            Ok(()) => Ok(r),
            Err(e) => {
                w.tx.rollback();
                Err(e.into())
            }
        },
        Err(e) => {
            w.tx.rollback();
            Err(e)
        }
    }
}

impl<T: Transaction> Tables for Write<T> {
    fn select(&mut self, table: &'static TableSpec, q: &Select<'_>) -> Result<Vec<Row>, StoreError> {
        self.tx.select(table, q)
    }
    fn insert(&mut self, table: &'static TableSpec, cells: &[(&'static str, Cell)]) -> Result<Option<i64>, StoreError> {
        self.tx.insert(table, cells)
    }
    fn put_rows(&mut self, table: &'static TableSpec, rows: &[Vec<Cell>]) -> Result<(), StoreError> {
        self.tx.put_rows(table, rows)
    }
    fn update(
        &mut self,
        table: &'static TableSpec,
        filter: &[Cond],
        set: &[(&'static str, Cell)],
    ) -> Result<u64, StoreError> {
        self.tx.update(table, filter, set)
    }
    fn delete(&mut self, table: &'static TableSpec, filter: &[Cond]) -> Result<u64, StoreError> {
        self.tx.delete(table, filter)
    }
    fn count(&mut self, table: &'static TableSpec) -> Result<u64, StoreError> {
        self.tx.count(table)
    }
}

impl<T: Transaction> Tx for Write<T> {
    fn named(&mut self) -> &mut dyn StoreTx {
        self
    }
    fn head(&self) -> u64 {
        self.counter.head
    }
    fn next_version(&mut self) -> u64 {
        self.counter.head += 1;
        self.counter.head
    }
    fn savepoint(&mut self) -> Result<(), StoreError> {
        self.tx.savepoint()
    }
    fn release(&mut self) -> Result<(), StoreError> {
        self.tx.release()
    }
    fn rollback_to(&mut self) -> Result<(), StoreError> {
        self.tx.rollback_to()
    }
    fn notify(&mut self, poke: &Poke) -> Result<(), StoreError> {
        self.tx.notify(poke)
    }
    fn session_for_place(
        &mut self,
        session_id: i64,
        customer_id: i64,
        booking_id: Uuid,
    ) -> Result<Option<(Session, PlaceFacts)>, StoreError> {
        let place = Place {
            session_id,
            customer_id,
            booking_id,
        };
        let Some((row, customer_exists, booking_id_taken, live)) = self.tx.place(&place)? else {
            return Ok(None);
        };
        let facts = PlaceFacts {
            customer_exists,
            booking_id_taken,
            live: live
                .map(|s| serde_json::from_value(serde_json::Value::String(s)))
                .transpose()?,
        };
        Ok(Some((crate::ops::session_of(&row)?, facts)))
    }
}

/// A writing transaction as the server's logic sees it: the generic surface, the change
/// counter it holds locked, savepoints, and the one hand-written hot path of a push.
pub trait Tx: Tables {
    /// This transaction as the named operations (`self`: a sized backend type gets them from
    /// desk-store's blanket implementation).
    fn named(&mut self) -> &mut dyn StoreTx;
    /// The counter as this transaction has moved it so far.
    fn head(&self) -> u64;
    fn next_version(&mut self) -> u64;
    fn savepoint(&mut self) -> Result<(), StoreError>;
    fn release(&mut self) -> Result<(), StoreError>;
    fn rollback_to(&mut self) -> Result<(), StoreError>;
    /// Tells other server instances, on commit, that these buckets changed.
    fn notify(&mut self, poke: &Poke) -> Result<(), StoreError>;
    /// The session (locked) and what taking a place in it needs to know, in one round trip:
    /// the capacity-checked place is the hottest write path.
    fn session_for_place(
        &mut self,
        session_id: i64,
        customer_id: i64,
        booking_id: Uuid,
    ) -> Result<Option<(Session, PlaceFacts)>, StoreError>;
}

/// A database a server runs on.
pub trait Database: Send + Sync + 'static {
    const NAME: &'static str;
    /// Runs `f` in a writing transaction that holds the change-counter lock; commits (writing
    /// the counter back) if `f` succeeds, rolls back if not: begins, reads the counter, and
    /// hands over to [`write()`].
    fn write<R: Send, E: From<StoreError> + Send>(
        &self,
        f: impl FnOnce(&mut dyn Tx) -> Result<R, E> + Send,
    ) -> Result<R, E>;
    /// Runs `f` on a connection that does not wait for writers.
    fn read<R: Send>(&self, f: impl FnOnce(&mut dyn Tables) -> Result<R, StoreError> + Send) -> Result<R, StoreError>;
    /// One page of a pull, rows, head and receipts from one snapshot: the merged pull is the
    /// hottest read path, so each backend writes it by hand.
    fn pull(&self, q: &PullQuery<'_>) -> Result<PullPage, StoreError>;
}

/// What one pull asks for: rows in `buckets` above version `after` (at most `limit`), and the
/// device's receipts above `ack_seq` if the device is `staff`'s (a device belongs to one person:
/// nobody is sent another person's receipts).
#[derive(Debug, Clone, Copy)]
pub struct PullQuery<'a> {
    pub buckets: &'a [String],
    pub after: u64,
    pub limit: u32,
    pub device: Uuid,
    pub staff: i64,
    pub ack_seq: u64,
}

/// A column's type, for backends binding a NULL.
pub fn column_type(table: &TableSpec, name: &str) -> Result<ColType, StoreError> {
    table
        .column(name)
        .map(|c| c.ty)
        .ok_or_else(|| StoreError::Invalid(format!("{} has no column {name}", table.name)))
}

/// The operations the server's logic names, inside one writing transaction. Each is written
/// once, over [`Tx`], in [`ops`](crate::ops); a test may wrap a transaction to inject failures.
pub trait StoreTx {
    /// The counter as this transaction has moved it so far.
    fn head(&self) -> u64;
    fn next_version(&mut self) -> u64;
    fn savepoint(&mut self) -> Result<(), StoreError>;
    fn release(&mut self) -> Result<(), StoreError>;
    fn rollback_to(&mut self) -> Result<(), StoreError>;
    /// The device's owner and last applied seq.
    fn device(&mut self, device_id: Uuid) -> Result<Option<(i64, u64)>, StoreError>;
    fn put_device(&mut self, device_id: Uuid, staff_id: i64, last_seq: u64) -> Result<(), StoreError>;
    fn receipt(&mut self, device_id: Uuid, seq: u64) -> Result<Option<StoredReceipt>, StoreError>;
    /// Every receipt stored for a mutation id, on any device (normally none or one).
    fn receipts_of_mutation(&mut self, mutation_id: Uuid) -> Result<Vec<StoredReceipt>, StoreError>;
    /// Stores a receipt with the digest of the envelope it answers.
    fn put_receipt(&mut self, device_id: Uuid, receipt: &Receipt, envelope: &str) -> Result<(), StoreError>;
    /// The session, locked against other writers until commit.
    fn session_for_update(&mut self, id: i64) -> Result<Option<Session>, StoreError>;
    /// Sessions of an activity at a centre starting in `(from, until]`.
    fn sessions_between(
        &mut self,
        centre_id: i64,
        activity_id: i64,
        from: NaiveDateTime,
        until: NaiveDateTime,
    ) -> Result<Vec<Session>, StoreError>;
    /// Writes booked/waiting only if `booked` is still `expected_booked`; false if not.
    fn update_session_counts(&mut self, session: &Session, expected_booked: u32) -> Result<bool, StoreError>;
    /// The session (locked like [`StoreTx::session_for_update`]) and what taking a place in it
    /// needs to know, in one round trip; `None` if there is no such session.
    fn session_for_place(
        &mut self,
        session_id: i64,
        customer_id: i64,
        booking_id: Uuid,
    ) -> Result<Option<(Session, PlaceFacts)>, StoreError>;
    fn booking(&mut self, id: Uuid) -> Result<Option<Booking>, StoreError>;
    fn first_waiting(&mut self, session_id: i64) -> Result<Option<Booking>, StoreError>;
    fn max_waiting_position(&mut self, session_id: i64) -> Result<u32, StoreError>;
    fn put_booking(&mut self, booking: &Booking) -> Result<(), StoreError>;
    fn put_sync_row(&mut self, table: &str, id: &str, bucket: &str, version: u64, data: &str)
    -> Result<(), StoreError>;
    /// Writes a synced record (as effects carry it) to the table named `table`, by the table's
    /// description: what a new service's table needs, with no code of its own.
    fn put_record(&mut self, table: &str, record: &serde_json::Value) -> Result<(), StoreError>;
    /// One synced record of the table named `table` by its id, as effects carry records.
    fn get_record(&mut self, table: &str, id: &str) -> Result<Option<serde_json::Value>, StoreError>;
    /// Records of the table named `table` matching every condition, in key order, as effects
    /// carry records: the reads a service's facts need, with no code of their own.
    fn select_records(&mut self, table: &str, filter: &[Cond]) -> Result<Vec<serde_json::Value>, StoreError>;
    /// Inserts or updates many rows of one table.
    fn bulk_upsert(&mut self, spec: &TableSpec, rows: &[Vec<Cell>]) -> Result<(), StoreError>;
    fn staff(&mut self, id: i64) -> Result<Option<StaffRecord>, StoreError>;
    fn refresh_token(&mut self, hash: &[u8; 32]) -> Result<Option<RefreshRecord>, StoreError>;
    fn spend_refresh_token(&mut self, hash: &[u8; 32]) -> Result<(), StoreError>;
    /// Deletes the family's access tokens and spends all its refresh tokens.
    fn revoke_family(&mut self, family: Uuid) -> Result<(), StoreError>;
    /// `(family, staff_id, device_id)` of a stored access token; `None` if unknown or issued
    /// without a family.
    fn access_family(&mut self, hash: &[u8; 32]) -> Result<Option<(Uuid, i64, Uuid)>, StoreError>;
    /// Deletes the family's access tokens and marks its refresh tokens spent and revoked.
    fn end_family(&mut self, family: Uuid, now: DateTime<Utc>) -> Result<(), StoreError>;
    /// Deletes every access token of the account and marks every refresh token of it spent and
    /// revoked; returns how many families still had an unspent, unrevoked refresh token.
    fn end_staff_tokens(&mut self, staff_id: i64, now: DateTime<Utc>) -> Result<u64, StoreError>;
    fn put_tokens(&mut self, issue: &TokenIssue) -> Result<(), StoreError>;
    fn put_audit(&mut self, entry: &AuditEntry) -> Result<(), StoreError>;
    /// The highest uploaded seq held for a device (0 if none).
    fn audit_last_seq(&mut self, device_id: Uuid) -> Result<u64, StoreError>;
    /// Consecutive failed sign-ins and the lock, if any was set.
    fn sign_in_lock(&mut self, staff_id: i64) -> Result<(u32, Option<DateTime<Utc>>), StoreError>;
    fn put_sign_in_lock(
        &mut self,
        staff_id: i64,
        failures: u32,
        locked_until: Option<DateTime<Utc>>,
    ) -> Result<(), StoreError>;
    /// Tells other server instances, on commit, that these buckets changed.
    fn notify(&mut self, poke: &Poke) -> Result<(), StoreError>;
}
