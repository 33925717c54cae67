//! The leisure desk's money and configuration records that sync: a centre's settings (its
//! dated price lists and booking policies), a customer's entitlements (membership and
//! concession), the vouchers a centre has issued, and each payment or refund taken at a desk.
//! Each lives in its centre's bucket, so a desk prices, takes payment and cashes up offline.

use chrono::{DateTime, NaiveDate, NaiveDateTime, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::membership::{self, Concession, Membership};
use super::payment::{Method, Voucher};
use super::policy::SitePolicy;
use super::price_list::{PriceBook, PriceList};
use crate::values::Pence;

/// A centre's price lists and booking policies over time (`id` is the centre's id): per-site,
/// dated configuration a council loads with `desk-server leisure-settings` (sources are kept in
/// each list's and policy's `source`), synced so a desk prices as the server does.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LeisureSettings {
    pub id: i64,
    pub centre_id: i64,
    /// The membership scheme's and council's price lists for this centre, each dated.
    pub prices: Vec<PriceList>,
    pub policies: Vec<SitePolicy>,
}

impl LeisureSettings {
    /// The centre's prices as a book [`super::price::price`] reads.
    pub fn price_book(&self) -> PriceBook {
        PriceBook {
            council: String::new(),
            lists: self.prices.clone(),
            memberships: Vec::new(),
        }
    }

    /// The policy in force on `day`.
    pub fn policy_on(&self, day: NaiveDate) -> Option<&SitePolicy> {
        self.policies.iter().find(|p| p.covers(day))
    }
}

/// What a customer is entitled to at the desk (`id` is the customer's id): their membership and
/// any concession with the evidence seen and its review date. Lives with the customer, in their
/// home centre's bucket.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Entitlement {
    pub id: i64,
    pub customer_id: i64,
    pub centre_id: i64,
    pub membership: Option<Membership>,
    pub concession: Option<Concession>,
}

/// The customer as the price rule sees them.
pub fn priced_customer(date_of_birth: NaiveDate, entitlement: Option<&Entitlement>) -> membership::Customer {
    membership::Customer {
        date_of_birth,
        membership: entitlement.and_then(|e| e.membership.clone()),
        concession: entitlement.and_then(|e| e.concession.clone()),
    }
}

/// A gift voucher a centre has issued (`code` is its id, upper case).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct IssuedVoucher {
    pub code: String,
    pub centre_id: i64,
    pub value: Pence,
    pub expires: NaiveDate,
    pub redeemed: bool,
}

impl IssuedVoucher {
    pub fn voucher(&self) -> Voucher {
        Voucher {
            code: self.code.clone(),
            value: self.value,
            expires: self.expires,
            redeemed: self.redeemed,
        }
    }
}

/// Money in or out.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "snake_case")]
pub enum MoneyKind {
    Payment,
    Refund,
    /// What was paid for a booking, moved with it to another session (`leisure.transfer`): no
    /// cash moves, so the cash-up counts neither half.
    TransferOut,
    TransferIn,
}

/// One payment taken, or refund given, at a desk for a booking. Never holds card data: a card
/// payment keeps its terminal and the reference printed on the terminal's slip.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MoneyRecord {
    pub id: Uuid,
    pub booking_id: Uuid,
    pub customer_id: i64,
    pub centre_id: i64,
    /// The desk (till) that took or gave it, for its cash-up.
    pub desk: String,
    pub kind: MoneyKind,
    pub method: Method,
    /// The price paid, or the amount refunded.
    pub amount: Pence,
    /// Cash handed over, and the change given back (zero for other methods and refunds).
    pub tendered: Pence,
    pub change: Pence,
    /// Why this amount: the price rule's reason, or the refund policy's.
    pub reason: String,
    /// Council wall-clock time: the day it counts in for the cash-up.
    pub at: NaiveDateTime,
    pub created_at: DateTime<Utc>,
    pub staff_id: i64,
}

/// Longest desk (till) name, in characters.
pub const MAX_DESK: usize = 40;

/// Whether a customer's charge is still owed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "snake_case")]
pub enum ChargeStatus {
    Due,
    Paid,
    Waived,
}

/// Something a customer owes a centre: a no-show fee the site's rule gave (`leisure.mark_no_shows`,
/// issue 11 §3), until it is paid or a member of staff waives it. In the session's centre's
/// bucket, so reception there sees it at check-in.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Charge {
    pub id: Uuid,
    pub customer_id: i64,
    pub centre_id: i64,
    /// The booking not attended.
    pub booking_id: Uuid,
    pub session_id: i64,
    pub amount: Pence,
    pub status: ChargeStatus,
    /// The no-show rule's words ("No-show 2 in 30 days: fee £3.00"), or the waiver's reason.
    pub reason: String,
    pub created_at: DateTime<Utc>,
    pub staff_id: i64,
}

impl Charge {
    /// The id of a booking's no-show fee: derived from the booking's, so a desk and the server
    /// deciding the same marking name the same charge (and a second fee for one booking is
    /// impossible). The high bits are flipped by a fixed pattern; no booking id made by a desk
    /// (UUIDv7, version nibble 7) maps onto another booking's.
    pub fn no_show_fee_id(booking_id: Uuid) -> Uuid {
        Uuid::from_u128(booking_id.as_u128() ^ 0x5eed_0000_0000_f000_0000_0000_0000_0000)
    }
}
