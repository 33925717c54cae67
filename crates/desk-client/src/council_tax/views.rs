//! What the contact centre's screens are given: plain data, serialisable as it is over IPC.
//! Before the caller passes the identity check a screen gets only [`AccountSummary`]: what picks
//! the right account. The rest of the account ([`AccountDetail`]) comes only with a passed check
//! by the same agent on the same account within 60 minutes.

use chrono::{DateTime, NaiveDate, NaiveDateTime, Utc};
use desk_domain::council_tax::ChangeEstimate;
use desk_domain::council_tax::identity::{Caller, Identified, ItemResult};
use desk_domain::council_tax::records::RequestStatus;
use desk_domain::values::Pence;
use desk_domain::{CouncilTaxBand, CtAccount};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

pub use crate::school::views::RecordViewing;

/// An account as a search lists it and as it is shown before the caller is checked: the
/// property and who is liable, never a date of birth, phone, email, bank detail or balance.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct AccountSummary {
    pub id: i64,
    /// The council's account reference, e.g. `MC00100004`.
    pub reference: String,
    pub address: String,
    pub postcode: String,
    /// The property's Unique Property Reference Number (a property's, not a person's).
    pub uprn: String,
    pub band: CouncilTaxBand,
    /// The liable people's names, as held.
    pub liable_names: Vec<String>,
}

impl From<&CtAccount> for AccountSummary {
    fn from(a: &CtAccount) -> AccountSummary {
        AccountSummary {
            id: a.id,
            reference: a.reference.as_str().to_owned(),
            address: a.address.clone(),
            postcode: a.postcode.clone(),
            uprn: a.uprn.as_str().to_owned(),
            band: a.band,
            liable_names: a.liable.iter().map(|p| p.name.clone()).collect(),
        }
    }
}

/// A page of search results and how many more accounts match than are listed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct AccountSearch {
    pub accounts: Vec<AccountSummary>,
    /// Matches beyond `accounts` ("N more: add to the search to narrow it").
    pub more: u32,
}

/// A liable person once the caller has passed the check.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct LiablePersonView {
    pub name: String,
    pub date_of_birth: NaiveDate,
}

/// How the account pays: Direct Debit with the bank account masked to its last four digits.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct PaymentView {
    pub direct_debit: bool,
    /// `•••• 7781`: the last four digits only (nothing more is ever on a desk).
    pub bank_account: Option<String>,
    /// The amount of the last instalment billed.
    pub last_instalment: Option<Pence>,
}

/// A change taken on the account, as a request to the revenue system.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct RequestView {
    pub id: Uuid,
    /// The reference read to the caller (`CT-7KQM4-WXD9P`).
    pub reference: String,
    /// The command's wire name (`council_tax.move_out`).
    pub kind: String,
    /// In plain words: "Moving out", "Paperless billing".
    pub title: String,
    pub effective: NaiveDate,
    pub status: RequestStatus,
    /// The revenue team's message with `queried` or `rejected`.
    pub status_message: Option<String>,
    /// Back-dated more than 6 months: accepted, for a supervisor to review.
    pub needs_review: bool,
    /// Taken at this desk and not yet confirmed by the server.
    pub pending: bool,
    pub received_at: DateTime<Utc>,
}

/// The account once the caller has passed the check.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct AccountDetail {
    pub liable: Vec<LiablePersonView>,
    /// The first day the current taxpayers became liable, where it is held.
    pub liability_start: Option<NaiveDate>,
    pub single_person_discount: bool,
    pub phone: Option<String>,
    pub email: Option<String>,
    pub paperless: bool,
    pub payment: PaymentView,
    /// Every change taken on the account, newest effective date first.
    pub requests: Vec<RequestView>,
    /// The latest views of the account at this desk (this one included).
    pub viewed: Vec<RecordViewing>,
}

/// The passed check that opens the account to this agent, and until when.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct OpenCheck {
    pub check_id: Uuid,
    /// Council time the check stops letting changes be made (60 minutes after it).
    pub valid_until: NaiveDateTime,
}

/// The account page: the summary always; the rest only with a passed check.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct AccountPage {
    pub summary: AccountSummary,
    /// Three failed checks in a day: phone changes wait until a supervisor clears the account.
    pub locked: bool,
    /// `None` until the caller passes the check (by this agent, on this account, within 60
    /// minutes); then the check and the account's detail.
    pub check: Option<OpenCheck>,
    pub detail: Option<AccountDetail>,
}

/// One item the agent asked and the caller's answer as typed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct CheckInput {
    pub account_id: i64,
    pub caller: Caller,
    pub identified_by: Identified,
    pub answers: Vec<desk_domain::council_tax::identity::Answer>,
}

/// The check's outcome: match or no match per item, never a held value.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct CheckOutcome {
    pub check_id: Uuid,
    pub account_id: i64,
    pub passed: bool,
    pub items: Vec<ItemResult>,
    /// With a pass: council time until which changes may rest on it.
    pub valid_until: Option<NaiveDateTime>,
    /// This failure makes three today: phone changes now wait for a supervisor.
    pub locked: bool,
}

/// What every change form carries besides its own fields.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct ChangeInput {
    pub account_id: i64,
    /// The caller's passed check (by this agent, on this account, within 60 minutes).
    pub check_id: Uuid,
    /// The day the change takes effect.
    pub effective: NaiveDate,
}

/// The estimate read to the caller: the financial year before and after the change.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct EstimateView {
    /// `2025/26`.
    pub year: String,
    pub estimate: ChangeEstimate,
    /// What was taken as paid so far: the instalments already due under the account's plan.
    pub paid_assumed: Pence,
    /// What the estimate assumes and what the bill will confirm, to read out.
    pub notes: Vec<String>,
}

/// A change taken: the reference to read to the caller, and the estimate.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct ChangeReceipt {
    pub request: RequestView,
    /// `None` when no charges are configured for the effective date's year (the screen says so).
    pub estimate: Option<EstimateView>,
}
