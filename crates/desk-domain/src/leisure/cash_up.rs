//! End-of-day cash-up for a desk or a whole centre: from the day's payments and refunds, the
//! cash the drawer should hold, card totals by terminal (to match each terminal's own end-of-
//! day slip), vouchers, complimentary places, account sales and refunds; then the counted cash
//! against the expected, whose difference is recorded.

use std::collections::BTreeMap;

use chrono::{NaiveDate, NaiveDateTime};
use serde::{Deserialize, Serialize};

use super::payment::{Method, Payment};
use super::records::{MoneyKind, MoneyRecord};
use crate::values::Pence;

/// One movement of money at a desk.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TillEntry {
    /// The desk (till) that took or gave it.
    pub desk: String,
    pub centre_id: i64,
    pub at: NaiveDateTime,
    pub movement: Movement,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "kind")]
pub enum Movement {
    Payment(Payment),
    Refund { amount: Pence, to: Method },
}

impl TillEntry {
    /// A payment or refund as the cash-up reads it; money moved with a transfer is neither.
    pub fn of(m: &MoneyRecord) -> Option<TillEntry> {
        let movement = match m.kind {
            MoneyKind::Payment => Movement::Payment(Payment {
                method: m.method.clone(),
                amount: m.amount,
                tendered: m.tendered,
                change: m.change,
            }),
            MoneyKind::Refund => Movement::Refund {
                amount: m.amount,
                to: m.method.clone(),
            },
            MoneyKind::TransferOut | MoneyKind::TransferIn => return None,
        };
        Some(TillEntry {
            desk: m.desk.clone(),
            centre_id: m.centre_id,
            at: m.at,
            movement,
        })
    }
}

/// Whose cash-up: one desk's drawer, or every desk at a centre.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Till<'a> {
    Desk(&'a str),
    Centre(i64),
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Totals {
    pub count: u32,
    pub taken: Pence,
    pub refunded: Pence,
}

impl Totals {
    fn take(&mut self, p: Pence) {
        self.count += 1;
        self.taken.0 += p.0;
    }
    fn refund(&mut self, p: Pence) {
        self.count += 1;
        self.refunded.0 += p.0;
    }
    pub fn net(&self) -> Pence {
        Pence(self.taken.0 - self.refunded.0)
    }
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct CashUp {
    pub day: Option<NaiveDate>,
    /// The float the drawer(s) started the day with.
    pub float: Pence,
    pub cash: Totals,
    /// Float plus cash taken less cash refunded.
    pub expected_cash: Pence,
    pub card_by_terminal: BTreeMap<String, Totals>,
    pub vouchers: Totals,
    /// Places given free: a count (and nothing taken).
    pub complimentary: u32,
    pub on_account: BTreeMap<String, Totals>,
    /// Every refund, whatever its method.
    pub refunds: Totals,
}

/// The cash-up of `till` on `day` from `entries` (which may hold other days, desks and
/// centres: the rule picks its own), starting from `float`.
pub fn cash_up<'a>(
    entries: impl IntoIterator<Item = &'a TillEntry>,
    till: Till<'_>,
    day: NaiveDate,
    float: Pence,
) -> CashUp {
    let mut c = CashUp {
        day: Some(day),
        float,
        ..CashUp::default()
    };
    let mine = |e: &TillEntry| match till {
        Till::Desk(d) => e.desk == d,
        Till::Centre(x) => e.centre_id == x,
    };
    for e in entries.into_iter().filter(|e| e.at.date() == day && mine(e)) {
        match &e.movement {
            Movement::Payment(p) => match &p.method {
                // The drawer keeps the price: the rest of what was tendered went back as change.
                Method::Cash => c.cash.take(p.amount),
                Method::Card { terminal, .. } => c.card_by_terminal.entry(terminal.clone()).or_default().take(p.amount),
                Method::Voucher { .. } => c.vouchers.take(p.amount),
                Method::Complimentary { .. } => c.complimentary += 1,
                Method::OnAccount { account } => c.on_account.entry(account.clone()).or_default().take(p.amount),
            },
            Movement::Refund { amount, to } => {
                c.refunds.refund(*amount);
                match to {
                    Method::Cash => c.cash.refund(*amount),
                    Method::Card { terminal, .. } => {
                        c.card_by_terminal.entry(terminal.clone()).or_default().refund(*amount)
                    }
                    Method::Voucher { .. } => c.vouchers.refund(*amount),
                    Method::Complimentary { .. } => {}
                    Method::OnAccount { account } => c.on_account.entry(account.clone()).or_default().refund(*amount),
                }
            }
        }
    }
    c.expected_cash = Pence(c.float.0 + c.cash.net().0);
    c
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Balance {
    Balanced,
    Over,
    Short,
}

/// The counted cash against the expected: `difference` is counted less expected (negative
/// when the drawer is short).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Count {
    pub expected: Pence,
    pub counted: Pence,
    pub difference: Pence,
    pub balance: Balance,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("counted cash cannot be negative ({0})")]
pub struct NegativeCount(pub Pence);

pub fn count(c: &CashUp, counted: Pence) -> Result<Count, NegativeCount> {
    if counted.0 < 0 {
        return Err(NegativeCount(counted));
    }
    let difference = Pence(counted.0 - c.expected_cash.0);
    Ok(Count {
        expected: c.expected_cash,
        counted,
        difference,
        balance: match difference.0.signum() {
            0 => Balance::Balanced,
            1 => Balance::Over,
            _ => Balance::Short,
        },
    })
}
