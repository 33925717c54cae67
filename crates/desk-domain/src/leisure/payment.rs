//! Taking payment at the desk: cash with the change given, a card through a terminal (its
//! reference only: no card data is ever taken or kept), a voucher, complimentary with a reason
//! and the supervisor who allowed it, or on account for clubs invoiced later. Checked here, so
//! the desk and the server refuse the same things.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::values::Pence;

/// Longest free text kept (a reason, a reference).
pub const MAX_TEXT: usize = 200;

/// What the customer hands over, as the receptionist records it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "method")]
pub enum Tender {
    Cash {
        tendered: Pence,
    },
    /// The terminal's id and the reference on its receipt slip.
    Card {
        terminal: String,
        reference: String,
    },
    Voucher {
        code: String,
    },
    Complimentary {
        reason: String,
        supervisor_id: i64,
    },
    OnAccount {
        account: String,
    },
}

/// A voucher as the desk's replica holds it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Voucher {
    pub code: String,
    /// What it is worth; it pays for one booking up to this much, and no change is given.
    pub value: Pence,
    pub expires: NaiveDate,
    pub redeemed: bool,
}

/// How a payment was made, as kept and as refunds go back.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "method")]
pub enum Method {
    Cash,
    Card { terminal: String, reference: String },
    Voucher { code: String },
    Complimentary { reason: String, supervisor_id: i64 },
    OnAccount { account: String },
}

/// A payment taken: what was paid for `amount` and, for cash, what was handed over and back.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Payment {
    pub method: Method,
    /// The price paid (nothing for complimentary).
    pub amount: Pence,
    pub tendered: Pence,
    pub change: Pence,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PaymentError {
    #[error("a price cannot be negative ({0})")]
    NegativePrice(Pence),
    #[error("{tendered} tendered is less than the price of {price}")]
    TenderedShort { price: Pence, tendered: Pence },
    #[error("the card terminal and the reference on its slip are both needed")]
    MissingCardReference,
    #[error("that looks like a card number: enter only the reference printed on the terminal's slip")]
    LooksLikeCardNumber,
    #[error("no voucher has the code {0}")]
    UnknownVoucher(String),
    #[error("voucher {code} expired on {expires}")]
    VoucherExpired { code: String, expires: NaiveDate },
    #[error("voucher {0} has already been used")]
    VoucherUsed(String),
    #[error("voucher {code} is worth {value}, less than the price of {price}")]
    VoucherShort { code: String, value: Pence, price: Pence },
    #[error("complimentary needs a reason")]
    MissingReason,
    #[error("complimentary needs a supervisor other than the member of staff at the desk")]
    SupervisorNeeded,
    #[error("an account reference is needed")]
    MissingAccount,
    #[error("{0} is longer than {MAX_TEXT} characters or holds control characters")]
    BadText(&'static str),
}

/// Checks `tender` against `price` on `today`: `voucher` is the voucher the code names, if the
/// replica has it; `staff_id` is the receptionist, who cannot authorise their own
/// complimentary. Returns the payment to record, with any change to give.
pub fn take(
    price: Pence,
    tender: Tender,
    voucher: Option<&Voucher>,
    today: NaiveDate,
    staff_id: i64,
) -> Result<Payment, PaymentError> {
    if price.0 < 0 {
        return Err(PaymentError::NegativePrice(price));
    }
    let paid = |method, tendered: Pence| Payment {
        method,
        amount: price,
        tendered,
        change: Pence(tendered.0 - price.0),
    };
    match tender {
        Tender::Cash { tendered } => {
            if tendered < price {
                return Err(PaymentError::TenderedShort { price, tendered });
            }
            Ok(paid(Method::Cash, tendered))
        }
        Tender::Card { terminal, reference } => {
            let (terminal, reference) = (
                text(&terminal, "the terminal")?,
                text(&reference, "the card reference")?,
            );
            if terminal.is_empty() || reference.is_empty() {
                return Err(PaymentError::MissingCardReference);
            }
            if looks_like_card_number(&reference) || looks_like_card_number(&terminal) {
                return Err(PaymentError::LooksLikeCardNumber);
            }
            Ok(paid(Method::Card { terminal, reference }, price))
        }
        Tender::Voucher { code } => {
            let code = text(&code, "the voucher code")?.to_uppercase();
            let v = voucher
                .filter(|v| v.code.eq_ignore_ascii_case(&code))
                .ok_or_else(|| PaymentError::UnknownVoucher(code.clone()))?;
            if v.redeemed {
                return Err(PaymentError::VoucherUsed(code));
            }
            if v.expires < today {
                return Err(PaymentError::VoucherExpired {
                    code,
                    expires: v.expires,
                });
            }
            if v.value < price {
                return Err(PaymentError::VoucherShort {
                    code,
                    value: v.value,
                    price,
                });
            }
            Ok(paid(Method::Voucher { code }, price))
        }
        Tender::Complimentary { reason, supervisor_id } => {
            let reason = text(&reason, "the reason")?;
            if reason.is_empty() {
                return Err(PaymentError::MissingReason);
            }
            if supervisor_id == staff_id {
                return Err(PaymentError::SupervisorNeeded);
            }
            Ok(Payment {
                method: Method::Complimentary { reason, supervisor_id },
                amount: Pence(0),
                tendered: Pence(0),
                change: Pence(0),
            })
        }
        Tender::OnAccount { account } => {
            let account = text(&account, "the account")?;
            if account.is_empty() {
                return Err(PaymentError::MissingAccount);
            }
            Ok(paid(Method::OnAccount { account }, price))
        }
    }
}

fn text(s: &str, what: &'static str) -> Result<String, PaymentError> {
    let t = s.trim();
    if t.chars().count() > MAX_TEXT || t.chars().any(char::is_control) {
        return Err(PaymentError::BadText(what));
    }
    Ok(t.to_owned())
}

/// 13 to 19 digits (spaces and dashes ignored) that pass the Luhn check: a primary account
/// number typed by mistake, which must never be stored.
pub fn looks_like_card_number(s: &str) -> bool {
    let digits: Vec<u32> = s
        .chars()
        .filter(|c| !matches!(c, ' ' | '-'))
        .map(|c| c.to_digit(10))
        .collect::<Option<_>>()
        .unwrap_or_default();
    if !(13..=19).contains(&digits.len()) {
        return false;
    }
    let sum: u32 = digits
        .iter()
        .rev()
        .enumerate()
        .map(|(i, &d)| {
            if i % 2 == 1 {
                if d * 2 > 9 { d * 2 - 9 } else { d * 2 }
            } else {
                d
            }
        })
        .sum();
    sum.is_multiple_of(10)
}
