//! The council-tax commands and their arguments, declared once. Each change names its request
//! (id and reference, made on the desk), the account, the passed identity check it rests on and
//! its exact effective date ([`Change`]).

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::identity::{Answer, Caller, Identified};
use super::reasons::{DisregardReason, Exemption};

/// What every change carries.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Change {
    pub request_id: Uuid,
    /// [`super::reference_for`] the request id, read to the caller.
    pub reference: String,
    pub account_id: i64,
    /// A passed check by the same agent on the same account within 60 minutes.
    pub check_id: Uuid,
    /// The day the change takes effect.
    pub effective: NaiveDate,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "snake_case")]
pub enum Tenure {
    Owner,
    Tenant,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "snake_case")]
pub enum RepresentativeKind {
    Solicitor,
    Agent,
    Landlord,
}

/// The solicitor, agent or landlord handling a sale or a tenancy's end.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(deny_unknown_fields)]
pub struct Representative {
    pub kind: RepresentativeKind,
    pub name: String,
    pub contact: String,
}

/// Who is liable once the last liable person has gone.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "snake_case", tag = "kind")]
pub enum Next {
    /// Not known: allowed only while someone else stays liable.
    Unknown,
    /// The new owner or tenant, by name.
    NewLiable { name: String },
    /// The property will be exempt (claimed separately by whoever is liable for it).
    Exemption,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RecordCheck {
    pub check_id: Uuid,
    pub account_id: i64,
    pub caller: Caller,
    pub identified_by: Identified,
    pub answers: Vec<Answer>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ClearLock {
    pub clearance_id: Uuid,
    pub account_id: i64,
    pub note: String,
}

/// A new liable person at the account's property.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MoveIn {
    pub change: Change,
    pub name: String,
    pub date_of_birth: NaiveDate,
    pub tenure: Tenure,
    pub previous_address: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MoveOut {
    pub change: Change,
    /// The liable person leaving (their last day liable is the day before `effective`).
    pub person: String,
    pub forwarding_address: String,
    pub tenure: Tenure,
    /// The date of entry of a sale, or the tenancy's end.
    pub sale_or_tenancy_end: Option<NaiveDate>,
    pub representative: Option<Representative>,
    pub next: Next,
}

/// A liable person moving to another property in the council's area.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MoveWithin {
    pub change: Change,
    pub person: String,
    pub new_address: String,
    pub new_postcode: String,
    pub new_uprn: Option<crate::values::Uprn>,
    pub next: Next,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AdultIn {
    pub change: Change,
    pub name: String,
    pub date_of_birth: NaiveDate,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AdultOut {
    pub change: Change,
    pub name: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SinglePersonDiscount {
    pub change: Change,
}

/// The single person discount ends (another adult counts from the effective date). Its own
/// type, though shaped like [`SinglePersonDiscount`], so each command has one argument type.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EndSinglePersonDiscount {
    pub change: Change,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Disregard {
    pub change: Change,
    pub person: String,
    pub reason: DisregardReason,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ExemptionClaim {
    pub change: Change,
    pub exemption: Exemption,
    /// The date the exemption's time limit runs from (last occupied, first listed, works
    /// completed, confirmation granted: see [`Exemption::runs_from`]); `None` where it has none.
    pub since: Option<NaiveDate>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DisabledReduction {
    pub change: Change,
    /// The disabled person living there.
    pub person: String,
    /// The feature of the home they need (a second bathroom, a room for a wheelchair).
    pub feature: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ChangeName {
    pub change: Change,
    pub person: String,
    pub new_name: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CorrespondenceAddress {
    pub change: Change,
    pub address: String,
    pub postcode: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PaperlessSignUp {
    pub change: Change,
    pub email: String,
    /// Typed a second time, to catch a slip.
    pub email_again: String,
    /// The consent wording read to the caller and its version.
    pub consent_wording: String,
    pub consent_version: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PaperlessWithdrawal {
    pub change: Change,
}

/// A Direct Debit set up or changed. The sort code and account number go to the server in the
/// command only; the request kept (and synced back to desks) holds the last four digits.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DirectDebit {
    pub change: Change,
    pub account_holder: String,
    pub sort_code: String,
    pub account_number: String,
    /// 10 or 12.
    pub instalments: u8,
    /// 5, 15 or 25.
    pub day: u8,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "snake_case")]
pub enum FormSentBy {
    Post,
    Email,
}

/// A Council Tax Reduction referral: recorded, and the form sent.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CtrReferral {
    pub change: Change,
    pub form_sent_by: FormSentBy,
}

crate::service_commands! {
    pub enum Command {
        RecordCheck(RecordCheck) = "council_tax.record_check", version 1,
        ClearLock(ClearLock) = "council_tax.clear_lock", version 1,
        MoveIn(MoveIn) = "council_tax.move_in", version 1,
        MoveOut(MoveOut) = "council_tax.move_out", version 1,
        MoveWithin(MoveWithin) = "council_tax.move_within", version 1,
        AdultIn(AdultIn) = "council_tax.adult_in", version 1,
        AdultOut(AdultOut) = "council_tax.adult_out", version 1,
        ApplySpd(SinglePersonDiscount) = "council_tax.apply_spd", version 1,
        RemoveSpd(EndSinglePersonDiscount) = "council_tax.remove_spd", version 1,
        Disregard(Disregard) = "council_tax.disregard", version 1,
        ClaimExemption(ExemptionClaim) = "council_tax.claim_exemption", version 1,
        DisabledReduction(DisabledReduction) = "council_tax.disabled_reduction", version 1,
        ChangeName(ChangeName) = "council_tax.change_name", version 1,
        CorrespondenceAddress(CorrespondenceAddress) = "council_tax.correspondence_address", version 1,
        PaperlessSignUp(PaperlessSignUp) = "council_tax.paperless_sign_up", version 1,
        PaperlessWithdrawal(PaperlessWithdrawal) = "council_tax.paperless_withdrawal", version 1,
        DirectDebit(DirectDebit) = "council_tax.direct_debit", version 1,
        CtrReferral(CtrReferral) = "council_tax.ctr_referral", version 1,
    }
}

impl Command {
    /// The change every command but a check and a clearance carries.
    pub fn change(&self) -> Option<&Change> {
        Some(match self {
            Command::RecordCheck(_) | Command::ClearLock(_) => return None,
            Command::MoveIn(a) => &a.change,
            Command::MoveOut(a) => &a.change,
            Command::MoveWithin(a) => &a.change,
            Command::AdultIn(a) => &a.change,
            Command::AdultOut(a) => &a.change,
            Command::ApplySpd(a) => &a.change,
            Command::RemoveSpd(a) => &a.change,
            Command::Disregard(a) => &a.change,
            Command::ClaimExemption(a) => &a.change,
            Command::DisabledReduction(a) => &a.change,
            Command::ChangeName(a) => &a.change,
            Command::CorrespondenceAddress(a) => &a.change,
            Command::PaperlessSignUp(a) => &a.change,
            Command::PaperlessWithdrawal(a) => &a.change,
            Command::DirectDebit(a) => &a.change,
            Command::CtrReferral(a) => &a.change,
        })
    }
}
