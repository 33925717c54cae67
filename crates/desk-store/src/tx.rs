//! The two traits a storage backend implements.

use chrono::{DateTime, NaiveDateTime, Utc};
use desk_domain::{Booking, Receipt, Role, Session, Site};
use uuid::Uuid;

use crate::StoreError;
use crate::records::*;
use crate::rows::{Cell, TableSpec};

/// What the shared logic needs inside one writing transaction. The transaction holds the
/// change-counter lock from its start, so versions are handed out in memory and are written
/// back at commit.
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
    fn receipt(&mut self, device_id: Uuid, seq: u64) -> Result<Option<Receipt>, StoreError>;
    fn put_receipt(&mut self, device_id: Uuid, receipt: &Receipt) -> Result<(), StoreError>;
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

/// A backend's primitives; the server's `Storage` turns them into its `Store`.
pub trait Backend: Send + Sync + 'static {
    const NAME: &'static str;
    /// Runs `f` in a writing transaction that holds the change-counter lock; commits (writing the
    /// counter back) if `f` succeeds, rolls back if not.
    fn write<R: Send, E: From<StoreError> + Send>(
        &self,
        f: impl FnOnce(&mut dyn StoreTx) -> Result<R, E> + Send,
    ) -> Result<R, E>;
    fn insert_staff(&self, new: &NewStaffRecord) -> Result<i64, StoreError>;
    fn staff_by_username(&self, username: &str) -> Result<Option<StaffRecord>, StoreError>;
    fn update_staff(&self, id: i64, roles: &[Role], sites: &[Site], disabled: bool) -> Result<(), StoreError>;
    fn insert_token(
        &self,
        hash: &[u8; 32],
        staff_id: i64,
        device: Uuid,
        expires: DateTime<Utc>,
    ) -> Result<(), StoreError>;
    fn token(&self, hash: &[u8; 32]) -> Result<Option<TokenRecord>, StoreError>;
    fn pull(
        &self,
        buckets: &[String],
        after: u64,
        limit: u32,
        device: Uuid,
        ack_seq: u64,
    ) -> Result<PullPage, StoreError>;
    fn head(&self) -> Result<u64, StoreError>;
    fn session(&self, id: i64) -> Result<Option<Session>, StoreError>;
    fn booking(&self, id: Uuid) -> Result<Option<Booking>, StoreError>;
    fn count(&self, table: &str) -> Result<u64, StoreError>;
    fn audit_for_person(&self, person_id: i64) -> Result<Vec<AuditEntry>, StoreError>;
    fn set_password_hash(&self, id: i64, password_hash: &str) -> Result<(), StoreError>;
    fn person_records(&self, person: PersonRef) -> Result<Vec<(String, String, String)>, StoreError>;
    /// Audit rows of `record_kind`, narrowed to `record_id` and/or `person_id` where given,
    /// each with its row id.
    fn audit_rows(
        &self,
        record_kind: &str,
        record_id: Option<&str>,
        person_id: Option<i64>,
    ) -> Result<Vec<(i64, AuditEntry)>, StoreError>;
}
