//! The storage trait the HTTP layer talks to, and the one implementation of its logic over any
//! backend. Rules and receipt handling are written once (in `push` and `load`) against the
//! operations [`StoreTx`] names; those, and the reads here, are written once over desk-store's
//! generic row surface, which is all a backend crate implements (see `docs/storage.md`).

use std::collections::BTreeSet;
use std::sync::Arc;

use chrono::{DateTime, NaiveDateTime, Utc};
use desk_domain::{Booking, Bucket, Mutation, Receipt, Role, Session, Site, Synced, table};
use tokio::sync::broadcast;
use uuid::Uuid;

use crate::error::{PushError, StoreError};
use crate::rows::{self, Cell};

pub use desk_store::StoreTx;
use desk_store::ops::{audit_of, booking_of, new_staff_cells, session_of, staff_of};
pub use desk_store::records::*;
use desk_store::tables::{
    ABSENCE_EXPORTS, ABSENCES, ACCESS_TOKENS, AUDIT_LOG, BOOKINGS, CONTACT_ATTEMPTS, CONTACTS, CT_CHANGE_REQUESTS,
    CT_IDENTITY_CHECKS, CT_LOCK_CLEARANCES, CUSTOMER_CHARGES, CUSTOMER_NOTES, ENTITLEMENTS, ESCALATIONS, PAYMENTS,
    REGISTRATION_MARKS, SCHEMA_MIGRATIONS, SESSIONS, SIGN_IN_LOCKS, STAFF, SYNC_HEAD, SYNC_ROWS,
};
use desk_store::tables::{CUSTOMER_DETAILS, MEMBERSHIP_SALES};
use desk_store::{Cond, Tables};

/// A database as the server's logic sees it: a writing transaction offers the operations the
/// logic names ([`StoreTx`]), each written once in desk-store over the backend's generic
/// surface.
pub(crate) trait Backend {
    fn write<R: Send, E: From<StoreError> + Send>(
        &self,
        f: impl FnOnce(&mut dyn StoreTx) -> Result<R, E> + Send,
    ) -> Result<R, E>;
}

impl<D: desk_store::Database> Backend for D {
    fn write<R: Send, E: From<StoreError> + Send>(
        &self,
        f: impl FnOnce(&mut dyn StoreTx) -> Result<R, E> + Send,
    ) -> Result<R, E> {
        desk_store::Database::write(self, |tx| f(tx.named()))
    }
}

/// What spending a refresh token came to. Only `Rotated` stored the new pair.
#[derive(Debug, Clone)]
pub enum RefreshOutcome {
    Rotated {
        staff: StaffRecord,
        device_id: Uuid,
    },
    /// No such token (or tampered with).
    Unknown,
    Expired,
    /// It was spent already: the whole family is now revoked.
    Reused,
    /// Its sign-in was ended on purpose (signed out, password reset); nothing more was revoked.
    Ended,
    Disabled,
}

/// The sign-in a [`Store::sign_out`] ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SignedOut {
    pub staff_id: i64,
    pub device_id: Uuid,
    pub family: Uuid,
}

/// Who is pushing: from the bearer token, never from the envelope.
#[derive(Debug, Clone)]
pub struct Caller {
    pub staff_id: i64,
    pub device_id: Uuid,
    pub buckets: Vec<Bucket>,
    /// Buckets where the caller is a supervisor (may replace another's absence record).
    pub supervises: Vec<Bucket>,
}

#[derive(Debug)]
pub struct PushResult {
    /// One per mutation handled, in `seq` order (replays included).
    pub receipts: Vec<Receipt>,
    pub device_last_seq: u64,
    /// A transient failure that stopped the batch after the receipts above were committed.
    pub stopped: Option<StoreError>,
    /// Buckets that changed, and the head after the commit: what to poke.
    pub touched: Vec<String>,
    pub head: u64,
}

/// Entities to load in one transaction (demo data, timetable import). Existing ids are updated;
/// a session that already exists keeps its booked and waiting counts.
#[derive(Debug, Clone, Default)]
pub struct EntityBatch {
    pub centres: Vec<desk_domain::Centre>,
    pub activities: Vec<desk_domain::Activity>,
    pub sessions: Vec<Session>,
    pub customers: Vec<desk_domain::Customer>,
    pub schools: Vec<desk_domain::School>,
    pub pupils: Vec<desk_domain::Pupil>,
    pub contacts: Vec<desk_domain::Contact>,
    pub ct_accounts: Vec<desk_domain::CtAccount>,
    pub attendance_codes: Vec<desk_domain::school::AttendanceCode>,
    pub school_years: Vec<desk_domain::school::SchoolYear>,
    pub school_days: Vec<desk_domain::school::SchoolDay>,
    pub registration_marks: Vec<desk_domain::school::RegistrationMark>,
    pub absences: Vec<desk_domain::school::Absence>,
    pub school_settings: Vec<desk_domain::school::SchoolSettings>,
    /// Council-tax change requests as taken (demo data and benchmarks; desks send commands).
    pub ct_change_requests: Vec<desk_domain::council_tax::records::ChangeRequest>,
    pub leisure_settings: Vec<desk_domain::leisure::records::LeisureSettings>,
    pub entitlements: Vec<desk_domain::leisure::records::Entitlement>,
    pub vouchers: Vec<desk_domain::leisure::records::IssuedVoucher>,
    /// Places booked, waiting and offered (demo data: the rows behind the sessions' counts).
    pub bookings: Vec<Booking>,
    pub spaces: Vec<desk_domain::leisure::space_records::SpaceRecord>,
    pub space_bookings: Vec<desk_domain::leisure::space_records::SpaceBookingRecord>,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct LoadSummary {
    pub rows: usize,
    pub head: u64,
}

/// The council server's storage. Synchronous: call it from async code through
/// `tokio::task::spawn_blocking`.
pub trait Store: Send + Sync {
    /// `"sqlite"` or `"postgres"`.
    fn backend(&self) -> &'static str;
    fn insert_staff(&self, new: &NewStaffRecord) -> Result<i64, StoreError>;
    fn staff_by_username(&self, username: &str) -> Result<Option<StaffRecord>, StoreError>;
    /// Changes a staff member's roles, sites and whether the account is disabled.
    fn update_staff(&self, id: i64, roles: &[Role], sites: &[Site], disabled: bool) -> Result<(), StoreError>;
    fn insert_token(
        &self,
        token_hash: &[u8; 32],
        staff_id: i64,
        device_id: Uuid,
        expires_at: DateTime<Utc>,
    ) -> Result<(), StoreError>;
    fn token(&self, token_hash: &[u8; 32]) -> Result<Option<TokenRecord>, StoreError>;
    /// Stores a new sign-in's access and refresh token, binding the device to the member of
    /// staff if nobody holds it yet. `Ok(false)`: the device belongs to someone else, nothing
    /// was issued (a device id names one person's store: `docs/sync-contract.md`).
    fn issue_tokens(&self, issue: &TokenIssue) -> Result<bool, StoreError>;
    /// Spends a refresh token and, if it was good, stores `next` in its place, in one
    /// transaction: of two concurrent spends of one token, one rotates and the other is a reuse.
    fn refresh(
        &self,
        spent_hash: &[u8; 32],
        next: &NextTokens,
        now: DateTime<Utc>,
    ) -> Result<RefreshOutcome, StoreError>;
    /// Ends the sign-in (token family) that the access token or the refresh token belongs to:
    /// its access tokens are deleted and its refresh tokens revoked, and a `sign_out` row is
    /// audited, in one transaction. `None`: neither token is known, nothing changed.
    fn sign_out(
        &self,
        access_hash: Option<&[u8; 32]>,
        refresh_hash: Option<&[u8; 32]>,
        now: DateTime<Utc>,
    ) -> Result<Option<SignedOut>, StoreError>;
    /// Ends every sign-in of an account (access tokens deleted, refresh tokens revoked) and
    /// audits it as `sessions_ended` with `why`, in one transaction. Returns how many sign-ins
    /// were still live.
    fn end_staff_sessions(&self, staff_id: i64, why: &str, now: DateTime<Utc>) -> Result<u64, StoreError>;
    /// Appends one row to the audit store. There is no method to change or delete one.
    fn append_audit(&self, entry: &AuditEntry) -> Result<(), StoreError>;
    /// Stores a desk's audit entries (sorted by seq, no repeats) for `staff_id` and `device_id`,
    /// continuing the device's gapless seq: entries already held are skipped, a gap stores
    /// nothing, an entry whose text cannot be stored is set aside (a marker row holds its seq)
    /// and reported. The device must be `staff_id`'s. Returns the highest seq now held.
    fn upload_audit(
        &self,
        staff_id: i64,
        device_id: Uuid,
        entries: &[desk_domain::AuditRecord],
    ) -> Result<desk_domain::AuditUploadResponse, PushError>;
    /// Until when the account is locked by failed sign-ins, if it is now.
    fn locked_until(&self, staff_id: i64, now: DateTime<Utc>) -> Result<Option<DateTime<Utc>>, StoreError>;
    /// Counts a failed sign-in (audited as `sign_in_failed`); the `after_failures`th in a row
    /// locks the account for `lasts` (audited as `locked`) and returns the unlock time.
    fn sign_in_failed(
        &self,
        staff_id: i64,
        device_id: Uuid,
        now: DateTime<Utc>,
        after_failures: u32,
        lasts: chrono::Duration,
    ) -> Result<Option<DateTime<Utc>>, StoreError>;
    /// Clears the failure count and audits the sign-in.
    fn sign_in_succeeded(&self, staff_id: i64, device_id: Uuid) -> Result<(), StoreError>;
    /// Replaces a staff member's password hash and clears any sign-in lock.
    fn set_password_hash(&self, id: i64, password_hash: &str) -> Result<(), StoreError>;
    /// What the server holds about a person, as desks would see it: `(table, id, JSON)` for the
    /// customer row and each of their bookings.
    fn person_records(&self, person_id: i64) -> Result<Vec<(String, String, String)>, StoreError>;
    /// Every audit row about a person, oldest first.
    fn audit_for_person(&self, person_id: i64) -> Result<Vec<AuditEntry>, StoreError>;
    /// What the server holds about a person of any kind, as desks would see it:
    /// `(table, id, JSON)` for their own record and the records hanging off it (a customer's
    /// bookings, a pupil's contacts). A deleted row's JSON is empty.
    fn records_of(&self, person: PersonRef) -> Result<Vec<(String, String, String)>, StoreError>;
    /// Every audit row about a person of any kind, oldest first: rows about one of the records
    /// [`records_of`](Self::records_of) returns, and rows whose `person_id` names them with a
    /// record kind of theirs (a booking audited for a customer, say).
    fn audit_of(&self, person: PersonRef) -> Result<Vec<AuditEntry>, StoreError>;
    /// A staff account by id (for naming who accessed a record).
    fn staff_by_id(&self, id: i64) -> Result<Option<StaffRecord>, StoreError>;
    /// Applies a batch (already checked to be one device's, sorted by `seq` without repeats) in
    /// one transaction with a savepoint per mutation.
    fn push(&self, caller: &Caller, mutations: &[Mutation], now: NaiveDateTime) -> Result<PushResult, PushError>;
    /// Rows in `buckets` with version above `after`, oldest first, at most `limit`; and the
    /// receipts above `ack_seq` of `receipts_of = (staff_id, device_id)`'s device, if the device
    /// is that person's (none otherwise: nobody is sent another person's receipts).
    fn pull(
        &self,
        buckets: &[String],
        after: u64,
        limit: u32,
        receipts_of: (i64, Uuid),
        ack_seq: u64,
    ) -> Result<PullPage, StoreError>;
    /// Loads entities in one transaction: all or nothing.
    fn load(&self, batch: &EntityBatch) -> Result<LoadSummary, StoreError>;
    /// The offer sweep at council time `now`: every waiting-list offer that ran out expires and
    /// its place passes to the next person waiting, in one transaction. Returns the sessions
    /// whose offers moved on.
    fn expire_offers(&self, now: NaiveDateTime) -> Result<Vec<i64>, StoreError>;
    fn head(&self) -> Result<u64, StoreError>;
    fn session(&self, id: i64) -> Result<Option<Session>, StoreError>;
    fn booking(&self, id: Uuid) -> Result<Option<Booking>, StoreError>;
    /// Rows in one of the server's tables (for checks that nothing was stored).
    fn count(&self, table: &str) -> Result<u64, StoreError>;
    /// Records of a synced table matching every condition, in key order.
    fn records(&self, table: &str, filter: &[Cond]) -> Result<Vec<serde_json::Value>, StoreError>;
    /// The school's absence records touching `from..=to` whose current revision has not been
    /// exported (every one with `again`), marked exported at `at` in the same transaction.
    fn export_absences(
        &self,
        school_id: i64,
        from: chrono::NaiveDate,
        to: chrono::NaiveDate,
        again: bool,
        at: DateTime<Utc>,
    ) -> Result<Vec<desk_domain::school::Absence>, StoreError>;
    /// Council tax: a new export batch of every `received` request (marked `exported` in the
    /// same transaction), or the batch `again` as it was taken.
    fn ct_export(
        &self,
        again: Option<Uuid>,
        at: DateTime<Utc>,
    ) -> Result<(Uuid, Vec<crate::council_tax::batch::Outgoing>), StoreError>;
    /// Council tax: the revenue system's results, all or none (`Ok(Err(rows))`: nothing
    /// applied). Returns how many requests changed.
    fn ct_set_statuses(
        &self,
        rows: &[crate::council_tax::status_file::StatusRow],
        at: DateTime<Utc>,
    ) -> Result<Result<usize, Vec<crate::timetable_csv::RowError>>, StoreError>;
    /// Pokes for every committed change, from this process and (PostgreSQL) from every other
    /// server instance on the same database.
    fn subscribe(&self) -> broadcast::Receiver<Poke>;
}

pub(crate) struct Storage<B: desk_store::Database> {
    pub(crate) backend: B,
    pub(crate) pokes: broadcast::Sender<Poke>,
}

impl<B: desk_store::Database> Storage<B> {
    /// A transaction offering the generic surface as well as the named operations.
    fn tables<R: Send>(
        &self,
        f: impl FnOnce(&mut dyn desk_store::Tx) -> Result<R, StoreError> + Send,
    ) -> Result<R, StoreError> {
        desk_store::Database::write(&self.backend, f)
    }

    fn read<R: Send>(&self, f: impl FnOnce(&mut dyn Tables) -> Result<R, StoreError> + Send) -> Result<R, StoreError> {
        desk_store::Database::read(&self.backend, f)
    }

    /// What the server holds about a person: `(table, id, JSON or "")`, their own record first,
    /// then the records hanging off it, each in id order.
    fn person_records(&self, person: PersonRef) -> Result<Vec<(String, String, String)>, StoreError> {
        self.read(|t| {
            let id = person.id();
            let (own, children): (&str, Vec<(&str, String)>) = match person {
                PersonRef::Customer(_) => {
                    let bookings = t.select_by(&BOOKINGS, &[Cond::Eq("customer_id", Cell::Int(id))], &[])?;
                    let notes = t.select_by(&CUSTOMER_NOTES, &[Cond::Eq("customer_id", Cell::Int(id))], &[])?;
                    let paid = t.select_by(&PAYMENTS, &[Cond::Eq("customer_id", Cell::Int(id))], &[])?;
                    let owed = t.select_by(&CUSTOMER_CHARGES, &[Cond::Eq("customer_id", Cell::Int(id))], &[])?;
                    let ids = (bookings.iter().map(|b| ("bookings", b)))
                        .chain(notes.iter().map(|n| ("customer_notes", n)))
                        .chain(paid.iter().map(|p| ("payments", p)))
                        .chain(owed.iter().map(|c| ("customer_charges", c)))
                        .map(|(table, r)| Ok((table, r.uuid("id")?.to_string())));
                    let mut ids: Vec<(&str, String)> = ids.collect::<Result<_, StoreError>>()?;
                    if t.get(&ENTITLEMENTS, &[Cell::Int(id)])?.is_some() {
                        ids.push(("entitlements", id.to_string()));
                    }
                    // Their registration details, and the memberships sold to them.
                    if t.get(&CUSTOMER_DETAILS, &[Cell::Int(id)])?.is_some() {
                        ids.push(("customer_details", id.to_string()));
                    }
                    for r in t.select_by(&MEMBERSHIP_SALES, &[Cond::Eq("customer_id", Cell::Int(id))], &[])? {
                        ids.push(("membership_sales", r.uuid("id")?.to_string()));
                    }
                    ("customers", ids)
                }
                PersonRef::Pupil(_) => {
                    let by_pupil = [Cond::Eq("pupil_id", Cell::Int(id))];
                    let contacts = t.select_by(&CONTACTS, &by_pupil, &[])?;
                    let mut ids: Vec<(&str, String)> = contacts
                        .iter()
                        .map(|c| Ok(("contacts", c.int("id")?.to_string())))
                        .collect::<Result<_, StoreError>>()?;
                    // The school office's records about the pupil (absences, calls, marks).
                    for spec in [&ABSENCES, &CONTACT_ATTEMPTS, &ESCALATIONS] {
                        for r in t.select_by(spec, &by_pupil, &[])? {
                            ids.push((spec.name, r.uuid("id")?.to_string()));
                        }
                    }
                    for r in t.select_by(&REGISTRATION_MARKS, &by_pupil, &[])? {
                        ids.push((REGISTRATION_MARKS.name, r.text("id")?));
                    }
                    ("pupils", ids)
                }
                PersonRef::CtAccount(_) => {
                    // The account's requests, identity checks and lock clearances. A request's
                    // full bank details are not a synced record: they go with the export.
                    let by_account = [Cond::Eq("account_id", Cell::Int(id))];
                    let mut ids = Vec::new();
                    for spec in [&CT_CHANGE_REQUESTS, &CT_IDENTITY_CHECKS, &CT_LOCK_CLEARANCES] {
                        for r in t.select_by(spec, &by_account, &[])? {
                            ids.push((spec.name, r.uuid("id")?.to_string()));
                        }
                    }
                    ("ct_accounts", ids)
                }
            };
            let mut children = children;
            children.sort_by(|a, b| a.1.cmp(&b.1));
            let mut out = Vec::new();
            for (table, key) in std::iter::once((own, id.to_string())).chain(children) {
                if let Some(r) = t.get(&SYNC_ROWS, &[Cell::Text(table.to_owned()), Cell::Text(key.clone())])? {
                    out.push((table.to_owned(), key, r.opt_text("data")?.unwrap_or_default()));
                }
            }
            Ok(out)
        })
    }

    /// Audit rows of `record_kind`, narrowed to `record_id` and/or `person_id` where given,
    /// each with its row id.
    fn audit_rows(
        &self,
        record_kind: &str,
        record_id: Option<&str>,
        person_id: Option<i64>,
    ) -> Result<Vec<(i64, AuditEntry)>, StoreError> {
        let mut filter = vec![Cond::Eq("record_kind", Cell::Text(record_kind.to_owned()))];
        if let Some(id) = record_id {
            filter.push(Cond::Eq("record_id", Cell::Text(id.to_owned())));
        }
        if let Some(p) = person_id {
            filter.push(Cond::Eq("person_id", Cell::Int(p)));
        }
        self.read(|t| {
            t.select_by(&AUDIT_LOG, &filter, &[])?
                .iter()
                .map(|r| Ok((r.int("id")?, audit_of(r)?)))
                .collect()
        })
    }

    fn publish(&self, head: u64, touched: Vec<String>) {
        if !touched.is_empty() {
            // No subscribers is fine: nobody is waiting.
            let _ = self.pokes.send(Poke {
                head,
                buckets: Arc::new(touched),
            });
        }
    }
}

impl<B: desk_store::Database> Store for Storage<B> {
    fn backend(&self) -> &'static str {
        B::NAME
    }
    fn insert_staff(&self, new: &NewStaffRecord) -> Result<i64, StoreError> {
        let cells = new_staff_cells(new)?;
        self.tables(|t| {
            t.insert(&STAFF, &cells)?
                .ok_or_else(|| StoreError::Conflict(format!("username `{}` is taken", new.username)))
        })
    }
    fn staff_by_username(&self, username: &str) -> Result<Option<StaffRecord>, StoreError> {
        self.read(|t| {
            let found = t.select_by(&STAFF, &[Cond::Eq("username", Cell::Text(username.to_owned()))], &[])?;
            found.first().map(staff_of).transpose()
        })
    }
    fn update_staff(&self, id: i64, roles: &[Role], sites: &[Site], disabled: bool) -> Result<(), StoreError> {
        let set = [
            ("roles", Cell::Text(serde_json::to_string(roles)?)),
            ("sites", Cell::Text(serde_json::to_string(sites)?)),
            ("disabled", Cell::Bool(disabled)),
        ];
        self.tables(|t| match t.update(&STAFF, &[Cond::Eq("id", Cell::Int(id))], &set)? {
            0 => Err(StoreError::Invalid(format!("no staff member {id}"))),
            _ => Ok(()),
        })
    }
    fn insert_token(
        &self,
        token_hash: &[u8; 32],
        staff_id: i64,
        device_id: Uuid,
        expires_at: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        self.tables(|t| {
            t.delete(&ACCESS_TOKENS, &[Cond::Lt("expires_at", Cell::TimestampTz(Utc::now()))])?;
            let cells = [
                ("token_hash", Cell::Blob(token_hash.to_vec())),
                ("staff_id", Cell::Int(staff_id)),
                ("device_id", Cell::Uuid(device_id)),
                ("expires_at", Cell::TimestampTz(expires_at)),
            ];
            t.insert(&ACCESS_TOKENS, &cells)?
                .ok_or_else(|| StoreError::Conflict("that access token exists already".into()))?;
            Ok(())
        })
    }
    fn token(&self, token_hash: &[u8; 32]) -> Result<Option<TokenRecord>, StoreError> {
        self.read(|t| {
            let Some(token) = t.get(&ACCESS_TOKENS, &[Cell::Blob(token_hash.to_vec())])? else {
                return Ok(None);
            };
            let Some(staff) = t.get(&STAFF, &[Cell::Int(token.int("staff_id")?)])? else {
                return Ok(None);
            };
            Ok(Some(TokenRecord {
                staff: staff_of(&staff)?,
                device_id: token.uuid("device_id")?,
                expires_at: token.instant("expires_at")?,
            }))
        })
    }
    fn issue_tokens(&self, issue: &TokenIssue) -> Result<bool, StoreError> {
        Backend::write(&self.backend, |tx| {
            match tx.device(issue.device_id)? {
                Some((owner, _)) if owner != issue.staff_id => return Ok(false),
                Some(_) => {}
                None => tx.put_device(issue.device_id, issue.staff_id, 0)?,
            }
            tx.put_tokens(issue)?;
            Ok(true)
        })
    }
    fn refresh(
        &self,
        spent_hash: &[u8; 32],
        next: &NextTokens,
        now: DateTime<Utc>,
    ) -> Result<RefreshOutcome, StoreError> {
        Backend::write(&self.backend, |tx| refresh_in(tx, spent_hash, next, now))
    }
    fn sign_out(
        &self,
        access_hash: Option<&[u8; 32]>,
        refresh_hash: Option<&[u8; 32]>,
        now: DateTime<Utc>,
    ) -> Result<Option<SignedOut>, StoreError> {
        Backend::write(&self.backend, |tx| {
            let mut found = None;
            if let Some(hash) = refresh_hash
                && let Some(r) = tx.refresh_token(hash)?
            {
                found = Some(SignedOut {
                    staff_id: r.staff_id,
                    device_id: r.device_id,
                    family: r.family,
                });
            }
            if found.is_none()
                && let Some(hash) = access_hash
                && let Some((family, staff_id, device_id)) = tx.access_family(hash)?
            {
                found = Some(SignedOut {
                    staff_id,
                    device_id,
                    family,
                });
            }
            let Some(out) = found else {
                return Ok(None);
            };
            tx.end_family(out.family, now)?;
            tx.put_audit(&AuditEntry {
                at: now,
                ..AuditEntry::server(
                    Some(out.staff_id),
                    Some(out.device_id),
                    "sign_out",
                    "signed out; every token of this sign-in revoked",
                )
            })?;
            Ok(Some(out))
        })
    }
    fn end_staff_sessions(&self, staff_id: i64, why: &str, now: DateTime<Utc>) -> Result<u64, StoreError> {
        Backend::write(&self.backend, |tx| {
            let live = tx.end_staff_tokens(staff_id, now)?;
            tx.put_audit(&AuditEntry {
                at: now,
                ..AuditEntry::server(
                    Some(staff_id),
                    None,
                    "sessions_ended",
                    format!("{why}; {live} live sign-in(s) revoked"),
                )
            })?;
            Ok(live)
        })
    }
    fn append_audit(&self, entry: &AuditEntry) -> Result<(), StoreError> {
        Backend::write(&self.backend, |tx| tx.put_audit(entry))
    }
    fn upload_audit(
        &self,
        staff_id: i64,
        device_id: Uuid,
        entries: &[desk_domain::AuditRecord],
    ) -> Result<desk_domain::AuditUploadResponse, PushError> {
        Backend::write(&self.backend, |tx| upload_audit_in(tx, staff_id, device_id, entries))
    }
    fn audit_for_person(&self, person_id: i64) -> Result<Vec<AuditEntry>, StoreError> {
        self.read(|t| {
            t.select_by(
                &AUDIT_LOG,
                &[Cond::Eq("person_id", Cell::Int(person_id))],
                &["at", "id"],
            )?
            .iter()
            .map(audit_of)
            .collect()
        })
    }
    fn set_password_hash(&self, id: i64, password_hash: &str) -> Result<(), StoreError> {
        self.tables(|t| {
            let by_id = [Cond::Eq("id", Cell::Int(id))];
            if t.update(
                &STAFF,
                &by_id,
                &[("password_hash", Cell::Text(password_hash.to_owned()))],
            )? == 0
            {
                return Err(StoreError::Invalid(format!("no staff member {id}")));
            }
            t.delete(&SIGN_IN_LOCKS, &[Cond::Eq("staff_id", Cell::Int(id))])?;
            Ok(())
        })
    }
    fn person_records(&self, person_id: i64) -> Result<Vec<(String, String, String)>, StoreError> {
        self.person_records(PersonRef::Customer(person_id))
    }
    fn records_of(&self, person: PersonRef) -> Result<Vec<(String, String, String)>, StoreError> {
        self.person_records(person)
    }
    fn audit_of(&self, person: PersonRef) -> Result<Vec<AuditEntry>, StoreError> {
        let mut rows = std::collections::BTreeMap::new();
        for kind in person.audited_kinds() {
            rows.extend(self.audit_rows(kind.as_str(), None, Some(person.id()))?);
        }
        for (table, id, _) in self.person_records(person)? {
            rows.extend(self.audit_rows(record_kind_of(&table), Some(&id), None)?);
        }
        let mut rows: Vec<(i64, AuditEntry)> = rows.into_iter().collect();
        rows.sort_by_key(|(id, e)| (e.at, *id));
        Ok(rows.into_iter().map(|(_, e)| e).collect())
    }
    fn staff_by_id(&self, id: i64) -> Result<Option<StaffRecord>, StoreError> {
        Backend::write(&self.backend, |tx| tx.staff(id))
    }
    fn locked_until(&self, staff_id: i64, now: DateTime<Utc>) -> Result<Option<DateTime<Utc>>, StoreError> {
        Backend::write(&self.backend, |tx| {
            Ok(tx.sign_in_lock(staff_id)?.1.filter(|until| *until > now))
        })
    }
    fn sign_in_failed(
        &self,
        staff_id: i64,
        device_id: Uuid,
        now: DateTime<Utc>,
        after_failures: u32,
        lasts: chrono::Duration,
    ) -> Result<Option<DateTime<Utc>>, StoreError> {
        Backend::write(&self.backend, |tx| {
            let who = (Some(staff_id), Some(device_id));
            tx.put_audit(&AuditEntry::server(who.0, who.1, "sign_in_failed", "wrong password"))?;
            let (failures, _) = tx.sign_in_lock(staff_id)?;
            let failures = failures + 1;
            if failures >= after_failures {
                let until = now + lasts;
                tx.put_sign_in_lock(staff_id, 0, Some(until))?;
                tx.put_audit(&AuditEntry::server(
                    who.0,
                    who.1,
                    "locked",
                    format!(
                        "{failures} failed sign-ins in a row; locked until {}",
                        until.to_rfc3339()
                    ),
                ))?;
                Ok(Some(until))
            } else {
                tx.put_sign_in_lock(staff_id, failures, None)?;
                Ok(None)
            }
        })
    }
    fn sign_in_succeeded(&self, staff_id: i64, device_id: Uuid) -> Result<(), StoreError> {
        Backend::write(&self.backend, |tx| {
            tx.put_sign_in_lock(staff_id, 0, None)?;
            tx.put_audit(&AuditEntry::server(
                Some(staff_id),
                Some(device_id),
                "sign_in",
                "signed in",
            ))
        })
    }
    fn push(&self, caller: &Caller, mutations: &[Mutation], now: NaiveDateTime) -> Result<PushResult, PushError> {
        let result = Backend::write(&self.backend, |tx| crate::push::apply_batch(tx, caller, mutations, now))?;
        self.publish(result.head, result.touched.clone());
        Ok(result)
    }
    fn pull(
        &self,
        buckets: &[String],
        after: u64,
        limit: u32,
        (staff_id, device_id): (i64, Uuid),
        ack_seq: u64,
    ) -> Result<PullPage, StoreError> {
        let q = desk_store::PullQuery {
            buckets,
            after,
            limit,
            device: device_id,
            staff: staff_id,
            ack_seq,
        };
        desk_store::Database::pull(&self.backend, &q)
    }
    fn expire_offers(&self, now: NaiveDateTime) -> Result<Vec<i64>, StoreError> {
        let (swept, head) = Backend::write(&self.backend, |tx| {
            let swept = crate::push::sweep_offers(tx, now)?;
            Ok::<_, StoreError>((swept, tx.head()))
        })?;
        self.publish(head, swept.touched);
        Ok(swept.sessions)
    }
    fn load(&self, batch: &EntityBatch) -> Result<LoadSummary, StoreError> {
        let (summary, touched) = Backend::write(&self.backend, |tx| load_batch(tx, batch))?;
        self.publish(summary.head, touched);
        Ok(summary)
    }
    fn head(&self) -> Result<u64, StoreError> {
        self.read(|t| match t.get(&SYNC_HEAD, &[Cell::Int(1)])? {
            Some(r) => Ok(r.int("version")? as u64),
            None => Ok(0),
        })
    }
    fn session(&self, id: i64) -> Result<Option<Session>, StoreError> {
        self.read(|t| t.get(&SESSIONS, &[Cell::Int(id)])?.map(|r| session_of(&r)).transpose())
    }
    fn booking(&self, id: Uuid) -> Result<Option<Booking>, StoreError> {
        self.read(|t| t.get(&BOOKINGS, &[Cell::Uuid(id)])?.map(|r| booking_of(&r)).transpose())
    }
    fn count(&self, table: &str) -> Result<u64, StoreError> {
        const TABLES: [&str; 11] = [
            "audit_log",
            "ct_bank_details",
            "sign_in_locks",
            "staff",
            "access_tokens",
            "refresh_tokens",
            "devices",
            "receipts",
            "sync_rows",
            "sync_head",
            "schema_migrations",
        ];
        if !TABLES.contains(&table) && !table::ALL.contains(&table) {
            return Err(StoreError::Invalid(format!("no table `{table}`")));
        }
        let spec = match desk_store::tables::named(table) {
            Some(spec) => spec,
            None if table == SCHEMA_MIGRATIONS.name => &SCHEMA_MIGRATIONS,
            None => return Err(StoreError::Invalid(format!("no table `{table}`"))),
        };
        self.read(|t| t.count(spec))
    }
    fn records(&self, table: &str, filter: &[Cond]) -> Result<Vec<serde_json::Value>, StoreError> {
        let spec = desk_store::tables::named(table)
            .filter(|s| table::ALL.contains(&s.name))
            .ok_or_else(|| StoreError::Invalid(format!("no synced table `{table}`")))?;
        self.read(|t| {
            t.select_by(spec, filter, spec.key)?
                .iter()
                .map(desk_store::json::record_of)
                .collect()
        })
    }
    fn export_absences(
        &self,
        school_id: i64,
        from: chrono::NaiveDate,
        to: chrono::NaiveDate,
        again: bool,
        at: DateTime<Utc>,
    ) -> Result<Vec<desk_domain::school::Absence>, StoreError> {
        self.tables(|tx| {
            let rows = tx.select_by(
                &ABSENCES,
                &[
                    Cond::Eq("school_id", Cell::Int(school_id)),
                    Cond::Le("first_date", Cell::Date(to)),
                ],
                &["first_date", "id"],
            )?;
            let mut out = Vec::new();
            for row in &rows {
                let absence: desk_domain::school::Absence =
                    serde_json::from_value(desk_store::json::record_of(row)?)
                        .map_err(|e| StoreError::Corrupt(format!("an absences row that is not a record: {e}")))?;
                if absence.last_date < from {
                    continue;
                }
                let key = [Cell::Uuid(absence.id), Cell::Int(i64::from(absence.revision))];
                let done = tx.get(&ABSENCE_EXPORTS, &key)?.is_some();
                if done && !again {
                    continue;
                }
                if !done {
                    tx.put(
                        &ABSENCE_EXPORTS,
                        vec![
                            key[0].clone(),
                            key[1].clone(),
                            Cell::Int(school_id),
                            Cell::TimestampTz(at),
                        ],
                    )?;
                }
                out.push(absence);
            }
            Ok(out)
        })
    }
    fn ct_export(
        &self,
        again: Option<Uuid>,
        at: DateTime<Utc>,
    ) -> Result<(Uuid, Vec<crate::council_tax::batch::Outgoing>), StoreError> {
        let e = self.tables(|tx| crate::council_tax::handoff::export(tx, again, at))?;
        if !e.touched.is_empty() {
            self.publish(self.head()?, e.touched);
        }
        Ok((e.batch_id, e.requests))
    }
    fn ct_set_statuses(
        &self,
        rows: &[crate::council_tax::status_file::StatusRow],
        at: DateTime<Utc>,
    ) -> Result<Result<usize, Vec<crate::timetable_csv::RowError>>, StoreError> {
        // A file with a bad row is refused before anything is written (set_statuses checks
        // every row first), so the transaction commits nothing.
        match self.tables(|tx| crate::council_tax::handoff::set_statuses(tx, rows, at))? {
            Ok((changed, touched)) => {
                if !touched.is_empty() {
                    self.publish(self.head()?, touched);
                }
                Ok(Ok(changed))
            }
            Err(rows) => Ok(Err(rows)),
        }
    }
    fn subscribe(&self) -> broadcast::Receiver<Poke> {
        self.pokes.subscribe()
    }
}

/// The one rule for a desk's audit upload, on either backend: the push receipt protocol's seq
/// rules without receipts (an audit entry has no outcome to answer with).
fn upload_audit_in(
    tx: &mut dyn StoreTx,
    staff_id: i64,
    device_id: Uuid,
    entries: &[desk_domain::AuditRecord],
) -> Result<desk_domain::AuditUploadResponse, PushError> {
    match tx.device(device_id)? {
        Some((owner, _)) if owner != staff_id => {
            return Err(PushError::DeviceMismatch(
                "this device is registered to another member of staff".into(),
            ));
        }
        Some(_) => {}
        // A device signed in before devices were bound at sign-in, that never pushed.
        None => tx.put_device(device_id, staff_id, 0)?,
    }
    let held = tx.audit_last_seq(device_id)?;
    let mut last = held;
    // The rule is a pure function of the entry, so an entry already held that breaks it was set
    // aside when it first came: it is reported again, for a desk whose answer was lost.
    let mut refused: Vec<desk_domain::AuditRefusal> = entries
        .iter()
        .filter(|e| e.seq <= held)
        .filter_map(crate::audit_upload::refusal)
        .collect();
    for e in entries.iter().filter(|e| e.seq > held) {
        if e.seq != last + 1 {
            return Err(PushError::SeqGap {
                expected: last + 1,
                got: e.seq,
            });
        }
        if let Some(refusal) = crate::audit_upload::refusal(e) {
            tx.put_audit(&crate::audit_upload::marker(staff_id, device_id, e, &refusal))?;
            refused.push(refusal);
            last = e.seq;
            continue;
        }
        tx.put_audit(&AuditEntry {
            at: e.at,
            staff_id: Some(staff_id),
            device_id: Some(device_id),
            action: e.action.clone(),
            record_kind: Some(e.record_kind.clone()),
            record_id: Some(e.record_id.clone()),
            person_id: e.person_id,
            detail: e.detail.clone(),
            source: "desk".to_owned(),
            device_seq: Some(e.seq),
        })?;
        last = e.seq;
    }
    Ok(desk_domain::AuditUploadResponse {
        last_seq: last,
        refused,
    })
}

/// The one rule for spending a refresh token, on either backend.
fn refresh_in(
    tx: &mut dyn StoreTx,
    spent_hash: &[u8; 32],
    next: &NextTokens,
    now: DateTime<Utc>,
) -> Result<RefreshOutcome, StoreError> {
    let Some(record) = tx.refresh_token(spent_hash)? else {
        return Ok(RefreshOutcome::Unknown);
    };
    // A disabled account is told so whatever the token's state: that answer is what makes its
    // desk purge its data.
    let staff = match tx.staff(record.staff_id)? {
        Some(s) if !s.disabled => s,
        _ => return Ok(RefreshOutcome::Disabled),
    };
    if record.revoked {
        return Ok(RefreshOutcome::Ended);
    }
    if record.spent {
        tx.revoke_family(record.family)?;
        return Ok(RefreshOutcome::Reused);
    }
    if record.expires_at <= now {
        return Ok(RefreshOutcome::Expired);
    }
    tx.spend_refresh_token(spent_hash)?;
    tx.put_tokens(&TokenIssue {
        access_hash: next.access_hash,
        refresh_hash: next.refresh_hash,
        family: record.family,
        staff_id: record.staff_id,
        device_id: record.device_id,
        access_expires_at: next.access_expires_at,
        refresh_expires_at: next.refresh_expires_at,
    })?;
    Ok(RefreshOutcome::Rotated {
        staff,
        device_id: record.device_id,
    })
}

/// Upserts a batch of entities with their sync rows; returns the buckets touched.
fn load_batch(tx: &mut dyn StoreTx, batch: &EntityBatch) -> Result<(LoadSummary, Vec<String>), StoreError> {
    let mut touched = BTreeSet::new();
    let mut total = 0;

    /// Each item's row (by its table's description) and its change-log row, in bulk.
    fn add<T: Synced>(tx: &mut dyn StoreTx, items: &[T], touched: &mut BTreeSet<String>) -> Result<usize, StoreError> {
        if items.is_empty() {
            return Ok(0);
        }
        let spec = desk_store::tables::named(T::TABLE)
            .ok_or_else(|| StoreError::Invalid(format!("no table `{}`", T::TABLE)))?;
        let mut entity_rows = Vec::with_capacity(items.len());
        let mut sync_rows = Vec::with_capacity(items.len());
        for item in items {
            let bucket = item.bucket().to_string();
            let record = serde_json::to_value(item)?;
            entity_rows.push(desk_store::json::cells_of(spec, &record)?);
            let version = tx.next_version();
            sync_rows.push(rows::sync_row(
                T::TABLE,
                &item.key(),
                &bucket,
                version,
                Some(record.to_string()),
            ));
            touched.insert(bucket);
        }
        tx.bulk_upsert(spec, &entity_rows)?;
        tx.bulk_upsert(&rows::SYNC_ROWS, &sync_rows)?;
        Ok(items.len())
    }

    // A session already on the server keeps its bookings: its counts come from the database.
    let mut sessions = Vec::with_capacity(batch.sessions.len());
    for s in &batch.sessions {
        let mut s = s.clone();
        if let Some(existing) = tx.session_for_update(s.id)? {
            s.booked = existing.booked;
            s.waiting = existing.waiting;
        }
        sessions.push(s);
    }
    total += add(tx, &batch.centres, &mut touched)?;
    total += add(tx, &batch.activities, &mut touched)?;
    total += add(tx, &sessions, &mut touched)?;
    total += add(tx, &batch.customers, &mut touched)?;
    total += add(tx, &batch.schools, &mut touched)?;
    total += add(tx, &batch.pupils, &mut touched)?;
    total += add(tx, &batch.contacts, &mut touched)?;
    total += add(tx, &batch.ct_accounts, &mut touched)?;
    total += add(tx, &batch.attendance_codes, &mut touched)?;
    total += add(tx, &batch.school_years, &mut touched)?;
    total += add(tx, &batch.school_days, &mut touched)?;
    total += add(tx, &batch.registration_marks, &mut touched)?;
    total += add(tx, &batch.absences, &mut touched)?;
    total += add(tx, &batch.school_settings, &mut touched)?;
    total += add(tx, &batch.ct_change_requests, &mut touched)?;
    total += add(tx, &batch.leisure_settings, &mut touched)?;
    total += add(tx, &batch.entitlements, &mut touched)?;
    total += add(tx, &batch.vouchers, &mut touched)?;
    total += add(tx, &batch.bookings, &mut touched)?;
    total += add(tx, &batch.spaces, &mut touched)?;
    total += add(tx, &batch.space_bookings, &mut touched)?;
    let touched: Vec<String> = touched.into_iter().collect();
    let head = tx.head();
    if !touched.is_empty() {
        tx.notify(&Poke {
            head,
            buckets: Arc::new(touched.clone()),
        })?;
    }
    Ok((LoadSummary { rows: total, head }, touched))
}

/// The embedded backend: one SQLite file (`push`'s tests open it directly).
#[cfg(feature = "sqlite")]
pub(crate) mod sqlite {
    use super::{Poke, Storage, StoreError};

    pub(crate) fn open(
        path: &std::path::Path,
        pokes: tokio::sync::broadcast::Sender<Poke>,
    ) -> Result<std::sync::Arc<Storage<desk_server_sqlite::SqliteBackend>>, StoreError> {
        Ok(std::sync::Arc::new(Storage {
            backend: desk_server_sqlite::open(path)?,
            pokes,
        }))
    }
}
