//! The council-tax service's own records: each change taken by phone (a request the revenue
//! system processes), each identity check, and each supervisor's clearing of a lock. All live in
//! the account's council-tax office bucket.
//! They are in [`crate::table::ALL`]: replica tables on the desk (client migration 0012) and
//! tables on the server (server migration 10).

use chrono::{DateTime, NaiveDate, NaiveDateTime, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::identity::{Caller, Identified, ItemResult};
use crate::Bucket::CouncilTaxOffice;
use crate::{Bucket, Synced};

pub mod table {
    pub const CT_CHANGE_REQUESTS: &str = "ct_change_requests";
    pub const CT_IDENTITY_CHECKS: &str = "ct_identity_checks";
    pub const CT_LOCK_CLEARANCES: &str = "ct_lock_clearances";
    pub const ALL: [&str; 3] = [CT_CHANGE_REQUESTS, CT_IDENTITY_CHECKS, CT_LOCK_CLEARANCES];
    /// Server only (an [`crate::Effect::ServerOnly`] record): not synced, in no desk's scope.
    pub const CT_BANK_DETAILS: &str = "ct_bank_details";
}

/// The full bank details of a Direct Debit request, kept by the server alone for the revenue
/// export; the request itself (which syncs) holds the last four digits of the account.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BankDetails {
    pub request_id: Uuid,
    pub account_holder: String,
    /// Six digits, no dashes.
    pub sort_code: String,
    /// Eight digits.
    pub account_number: String,
    pub received_at: DateTime<Utc>,
}

impl BankDetails {
    pub fn record(&self) -> crate::Record {
        crate::Record {
            table: table::CT_BANK_DETAILS.to_owned(),
            id: self.request_id.to_string(),
            // In no bucket any role reaches: it is never in the change log either.
            bucket: "server".to_owned(),
            row: serde_json::to_value(self).expect("bank details are plain data"),
        }
    }
}

/// Where a change is on its way through the revenue system (issue 10 §4).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "snake_case")]
pub enum RequestStatus {
    /// Taken and accepted by the server.
    Received,
    /// Written to an export batch for the revenue system.
    Exported,
    Processed,
    /// The revenue team asks something; the message says what.
    Queried,
    Rejected,
}

impl RequestStatus {
    /// Its wire and column spelling (as serde writes it).
    pub fn as_str(self) -> &'static str {
        match self {
            RequestStatus::Received => "received",
            RequestStatus::Exported => "exported",
            RequestStatus::Processed => "processed",
            RequestStatus::Queried => "queried",
            RequestStatus::Rejected => "rejected",
        }
    }

    /// The moves the revenue hand-off may make.
    pub fn may_become(self, next: RequestStatus) -> bool {
        use RequestStatus::*;
        matches!(
            (self, next),
            (Received, Exported) | (Exported, Processed | Queried | Rejected) | (Queried, Exported)
        )
    }
}

/// One change as a request to the revenue system.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ChangeRequest {
    pub id: Uuid,
    /// The short reference read to the caller, made on the desk.
    pub reference: String,
    pub account_id: i64,
    pub office_id: i64,
    /// The command's wire name (`council_tax.move_out`).
    pub kind: String,
    pub effective: NaiveDate,
    /// The command's arguments as kept (bank details reduced to their last four digits); the
    /// household is replayed from them.
    pub detail: serde_json::Value,
    /// What the rules worked out for the revenue team: an exemption's paragraph and last day,
    /// whether evidence is to follow for a disregard.
    pub derived: serde_json::Value,
    pub status: RequestStatus,
    /// The revenue team's message with `queried` or `rejected`.
    pub status_message: Option<String>,
    /// Back-dated more than 6 months: accepted, for a supervisor to review.
    pub needs_review: bool,
    pub check_id: Uuid,
    pub staff_id: i64,
    pub received_at: DateTime<Utc>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct IdentityCheck {
    pub id: Uuid,
    pub account_id: i64,
    pub office_id: i64,
    pub staff_id: i64,
    /// Council time of the check: the 60 minutes and the day's failures count from it.
    pub at: NaiveDateTime,
    pub caller: Caller,
    pub identified_by: Identified,
    /// The items used and their outcomes; never what was said or what is held.
    pub items: Vec<ItemResult>,
    pub passed: bool,
}

/// A supervisor lets phone changes to a locked account go ahead again.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LockClearance {
    pub id: Uuid,
    pub account_id: i64,
    pub office_id: i64,
    pub staff_id: i64,
    pub at: NaiveDateTime,
    pub note: String,
}

impl Synced for ChangeRequest {
    const TABLE: &'static str = table::CT_CHANGE_REQUESTS;
    fn key(&self) -> String {
        self.id.to_string()
    }
    fn bucket(&self) -> Bucket {
        CouncilTaxOffice(self.office_id)
    }
}

impl Synced for IdentityCheck {
    const TABLE: &'static str = table::CT_IDENTITY_CHECKS;
    fn key(&self) -> String {
        self.id.to_string()
    }
    fn bucket(&self) -> Bucket {
        CouncilTaxOffice(self.office_id)
    }
}

impl Synced for LockClearance {
    const TABLE: &'static str = table::CT_LOCK_CLEARANCES;
    fn key(&self) -> String {
        self.id.to_string()
    }
    fn bucket(&self) -> Bucket {
        CouncilTaxOffice(self.office_id)
    }
}
