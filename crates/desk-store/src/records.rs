//! The records the storage layer reads and writes, shared by the server's logic and both
//! backends.

use chrono::{DateTime, Utc};
use desk_domain::{Bucket, Receipt, RecordKind, Role, Site, StaffProfile};
use std::sync::Arc;
use uuid::Uuid;

/// A receipt as stored: the device it belongs to, and the digest of the envelope it answered
/// (`None` on receipts stored before migration 7).
#[derive(Debug, Clone, PartialEq)]
pub struct StoredReceipt {
    pub device_id: Uuid,
    pub receipt: Receipt,
    pub envelope: Option<String>,
}

/// A staff account as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StaffRecord {
    pub id: i64,
    pub username: String,
    pub display_name: String,
    pub password_hash: String,
    pub roles: Vec<Role>,
    pub sites: Vec<Site>,
    pub disabled: bool,
}

impl StaffRecord {
    pub fn profile(&self) -> StaffProfile {
        StaffProfile {
            id: self.id,
            username: self.username.clone(),
            display_name: self.display_name.clone(),
            roles: self.roles.clone(),
            sites: self.sites.clone(),
        }
    }

    /// The buckets this member of staff may see and act in now.
    pub fn buckets(&self) -> Vec<Bucket> {
        Bucket::scope(&self.roles, &self.sites)
    }

    /// The buckets where this member of staff acts as a supervisor (may replace another
    /// member of staff's record).
    pub fn supervised_buckets(&self) -> Vec<Bucket> {
        if self.roles.contains(&desk_domain::Role::Supervisor) {
            Bucket::scope(&[desk_domain::Role::Supervisor], &self.sites)
        } else {
            Vec::new()
        }
    }
}

/// A staff account to store; the password is already hashed.
#[derive(Debug, Clone)]
pub struct NewStaffRecord {
    pub username: String,
    pub display_name: String,
    pub password_hash: String,
    pub roles: Vec<Role>,
    pub sites: Vec<Site>,
}

#[derive(Debug, Clone)]
pub struct TokenRecord {
    pub staff: StaffRecord,
    pub device_id: Uuid,
    pub expires_at: DateTime<Utc>,
}

/// The tokens of one sign-in (or of one refresh of it) to store; only their hashes are kept.
#[derive(Debug, Clone)]
pub struct TokenIssue {
    pub access_hash: [u8; 32],
    pub refresh_hash: [u8; 32],
    /// Every token of one sign-in shares this; reuse of a spent refresh token revokes it.
    pub family: Uuid,
    pub staff_id: i64,
    pub device_id: Uuid,
    pub access_expires_at: DateTime<Utc>,
    pub refresh_expires_at: DateTime<Utc>,
}

/// A fresh pair to replace a spent refresh token (same family, staff and device).
#[derive(Debug, Clone)]
pub struct NextTokens {
    pub access_hash: [u8; 32],
    pub refresh_hash: [u8; 32],
    pub access_expires_at: DateTime<Utc>,
    pub refresh_expires_at: DateTime<Utc>,
}

/// A refresh token as stored.
#[derive(Debug, Clone)]
pub struct RefreshRecord {
    pub family: Uuid,
    pub staff_id: i64,
    pub device_id: Uuid,
    pub expires_at: DateTime<Utc>,
    pub spent: bool,
    /// Its sign-in was ended on purpose (sign-out, password reset, account disabled).
    pub revoked: bool,
}

/// One row of the append-only audit store.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuditEntry {
    pub at: DateTime<Utc>,
    /// `None` for a failed sign-in with an unknown username.
    pub staff_id: Option<i64>,
    pub device_id: Option<Uuid>,
    /// `view`, `change`, `sign_in`, `sign_in_failed`, `locked`, …
    pub action: String,
    /// `customer`, `pupil`, `ct_account`, `session`, `booking`.
    pub record_kind: Option<String>,
    pub record_id: Option<String>,
    /// The person the record is about, where it is about one.
    pub person_id: Option<i64>,
    pub detail: String,
    /// `server` for rows the server wrote itself, `desk` for uploaded ones.
    pub source: String,
    /// The desk's own seq, for uploaded rows.
    pub device_seq: Option<u64>,
}

impl AuditEntry {
    /// A row the server writes about its own work.
    pub fn server(staff_id: Option<i64>, device_id: Option<Uuid>, action: &str, detail: impl Into<String>) -> Self {
        AuditEntry {
            at: Utc::now(),
            staff_id,
            device_id,
            action: action.to_owned(),
            record_kind: None,
            record_id: None,
            person_id: None,
            detail: detail.into(),
            source: "server".to_owned(),
            device_seq: None,
        }
    }
}

/// A person the server holds records about, named by the record that is theirs: a leisure
/// customer (with their bookings), a pupil (with their contacts) or a council-tax account
/// (whose liable people are in it). Written `customer:7`, `pupil:45`, `ct:67`; a bare number
/// is a customer, as before pupils and council-tax accounts were covered.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum PersonRef {
    Customer(i64),
    Pupil(i64),
    CtAccount(i64),
}

impl PersonRef {
    pub fn id(self) -> i64 {
        match self {
            PersonRef::Customer(id) | PersonRef::Pupil(id) | PersonRef::CtAccount(id) => id,
        }
    }

    /// `customer`, `pupil` or `ct_account`: the record kind of the person's own record.
    pub fn kind(self) -> &'static str {
        self.record_kind().as_str()
    }

    pub fn record_kind(self) -> RecordKind {
        match self {
            PersonRef::Customer(_) => RecordKind::Customer,
            PersonRef::Pupil(_) => RecordKind::Pupil,
            PersonRef::CtAccount(_) => RecordKind::CtAccount,
        }
    }

    /// Record kinds whose audit rows name this kind of person in `person_id`.
    pub fn audited_kinds(self) -> &'static [RecordKind] {
        match self {
            PersonRef::Customer(_) => &[
                RecordKind::Customer,
                RecordKind::Booking,
                RecordKind::CustomerNote,
                RecordKind::Payment,
                RecordKind::Charge,
            ],
            PersonRef::Pupil(_) => &[RecordKind::Pupil, RecordKind::Contact, RecordKind::Absence],
            PersonRef::CtAccount(_) => &[
                RecordKind::CtAccount,
                RecordKind::CtChangeRequest,
                RecordKind::CtIdentityCheck,
            ],
        }
    }
}

impl std::fmt::Display for PersonRef {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let prefix = match self {
            PersonRef::Customer(_) => "customer",
            PersonRef::Pupil(_) => "pupil",
            PersonRef::CtAccount(_) => "ct",
        };
        write!(f, "{prefix}:{}", self.id())
    }
}

impl std::str::FromStr for PersonRef {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, String> {
        let bad =
            || format!("`{s}` does not name a person: use customer:ID, pupil:ID or ct:ID (a bare ID is a customer)");
        let (kind, id) = s.trim().split_once(':').unwrap_or(("customer", s.trim()));
        let id: i64 = id.parse().map_err(|_| bad())?;
        if id <= 0 {
            return Err(bad());
        }
        match kind {
            "customer" => Ok(PersonRef::Customer(id)),
            "pupil" => Ok(PersonRef::Pupil(id)),
            "ct" | "ct_account" => Ok(PersonRef::CtAccount(id)),
            _ => Err(bad()),
        }
    }
}

/// The record kind of a synced table's rows, as audit rows name it: a personal record's
/// [`RecordKind`], else the table's name in the singular (`session`).
pub fn record_kind_of(table: &str) -> &str {
    match RecordKind::of_table(table) {
        Some(kind) => kind.as_str(),
        None => table.strip_suffix('s').unwrap_or(table),
    }
}

/// One row's newest state, with its JSON kept as stored text.
#[derive(Debug, Clone, PartialEq)]
pub struct SyncRow {
    pub table: String,
    pub id: String,
    pub bucket: String,
    pub version: u64,
    pub deleted: bool,
    pub data: Option<String>,
}

#[derive(Debug, Clone)]
pub struct PullPage {
    pub rows: Vec<SyncRow>,
    pub has_more: bool,
    /// The change counter as seen by the same snapshot as `rows`.
    pub head: u64,
    pub receipts: Vec<Receipt>,
    pub device_last_seq: u64,
}

/// "Something changed in these buckets; the newest version is `head`."
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Poke {
    pub head: u64,
    pub buckets: Arc<Vec<String>>,
}

/// Facts about a customer and a new booking id, read together: the leisure rules' own type.
pub use desk_domain::leisure::PlaceFacts;

/// Most receipts returned by one pull.
pub const MAX_PULL_RECEIPTS: u32 = desk_domain::MAX_PULL_LIMIT;
