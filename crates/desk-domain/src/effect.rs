//! What a command does, as data. A service's `decide` returns these; the council server and the
//! desk's pending overlay are the two interpreters, so a state change is written once:
//!
//! - the server writes each [`Effect::Put`] and [`Effect::Count`] record to its table and to
//!   the change log (in effect order, so a command's last record is the one that reaches the
//!   receipt's version), and each [`Effect::Audit`] to the audit store, in the command's
//!   transaction;
//! - a desk shows a `Put` record in place of its replica copy, and adds a `Count`'s deltas to
//!   its replica copy (other desks change the same counts; the replica keeps theirs);
//! - an [`Effect::ServerOnly`] record is written by the server alone, to a table no desk pulls.

use serde::{Deserialize, Serialize};

/// A whole record of a synced table, as the change log carries it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Record {
    /// One of [`crate::table::ALL`].
    pub table: String,
    pub id: String,
    /// The bucket the record lives in (who may pull it).
    pub bucket: String,
    pub row: serde_json::Value,
}

impl Record {
    pub fn of<T: Serialize>(table: &str, id: impl ToString, bucket: &crate::Bucket, row: &T) -> Self {
        Record {
            table: table.to_owned(),
            id: id.to_string(),
            bucket: bucket.to_string(),
            row: serde_json::to_value(row).expect("records are plain data"),
        }
    }

    /// A synced entity as its record.
    pub fn synced<T: crate::Synced>(row: &T) -> Self {
        Record::of(T::TABLE, row.key(), &row.bucket(), row)
    }

    /// The record's row as its entity type.
    pub fn parse<T: for<'de> Deserialize<'de>>(&self) -> Result<T, serde_json::Error> {
        T::deserialize(&self.row)
    }
}

/// The kinds of personal record the audit log names, on the desk and on the server alike.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RecordKind {
    Customer,
    Booking,
    CustomerNote,
    Pupil,
    Contact,
    CtAccount,
    Absence,
    /// A council-tax change taken by phone (`ct_change_requests`).
    CtChangeRequest,
    /// A caller's identity check on a council-tax account (`ct_identity_checks`).
    CtIdentityCheck,
    /// A payment or refund at a leisure desk.
    Payment,
    /// What a customer owes a centre (a no-show fee).
    Charge,
}

impl RecordKind {
    pub const ALL: [RecordKind; 11] = [
        RecordKind::Customer,
        RecordKind::Booking,
        RecordKind::CustomerNote,
        RecordKind::Pupil,
        RecordKind::Contact,
        RecordKind::CtAccount,
        RecordKind::Absence,
        RecordKind::CtChangeRequest,
        RecordKind::CtIdentityCheck,
        RecordKind::Payment,
        RecordKind::Charge,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            RecordKind::Customer => "customer",
            RecordKind::Booking => "booking",
            RecordKind::CustomerNote => "customer_note",
            RecordKind::Pupil => "pupil",
            RecordKind::Contact => "contact",
            RecordKind::CtAccount => "ct_account",
            RecordKind::Absence => "absence",
            RecordKind::CtChangeRequest => "ct_change_request",
            RecordKind::CtIdentityCheck => "ct_identity_check",
            RecordKind::Payment => "payment",
            RecordKind::Charge => "charge",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.as_str() == s)
    }

    /// The kind of the records a synced table holds, for tables of personal records.
    pub fn of_table(table: &str) -> Option<Self> {
        use crate::table;
        Some(match table {
            table::CUSTOMERS => RecordKind::Customer,
            table::BOOKINGS => RecordKind::Booking,
            table::CUSTOMER_NOTES => RecordKind::CustomerNote,
            table::PUPILS => RecordKind::Pupil,
            table::CONTACTS => RecordKind::Contact,
            table::CT_ACCOUNTS => RecordKind::CtAccount,
            table::ABSENCES => RecordKind::Absence,
            table::CT_CHANGE_REQUESTS => RecordKind::CtChangeRequest,
            table::CT_IDENTITY_CHECKS => RecordKind::CtIdentityCheck,
            table::PAYMENTS => RecordKind::Payment,
            // Both are about the customer: their details, and a membership they hold.
            table::CUSTOMER_DETAILS | table::MEMBERSHIP_SALES => RecordKind::Customer,
            table::CUSTOMER_CHARGES => RecordKind::Charge,
            _ => return None,
        })
    }
}

/// A change to a personal record, written to the audit log in the same transaction.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AuditNote {
    pub kind: RecordKind,
    pub record_id: String,
    /// The person the record is about, for a subject access request.
    pub person_id: Option<i64>,
    pub detail: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Effect {
    /// The record as the command leaves it.
    Put(Record),
    /// The record as the command leaves it, where only these whole-number fields changed, by
    /// these amounts. A desk adds the amounts to its replica copy rather than taking the row.
    Count {
        record: Record,
        deltas: Vec<(String, i64)>,
    },
    Audit(AuditNote),
    /// A record only the server keeps: a row of a server table outside [`crate::table::ALL`],
    /// written in the command's transaction but never to the change log, so no desk pulls it.
    /// For what a desk sends once and must not keep (a Direct Debit's full bank details): a
    /// desk neither shows it nor keeps it with the command's effects.
    ServerOnly(Record),
}

impl Effect {
    /// The synced record the effect writes (not a server-only one).
    pub fn record(&self) -> Option<&Record> {
        match self {
            Effect::Put(r) | Effect::Count { record: r, .. } => Some(r),
            Effect::Audit(_) | Effect::ServerOnly(_) => None,
        }
    }

    /// Whether a desk may keep this effect (in its outbox, to show until the pull brings the
    /// server's rows): all but a server-only record.
    pub fn kept_on_desk(&self) -> bool {
        !matches!(self, Effect::ServerOnly(_))
    }
}
