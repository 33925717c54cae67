//! Booking and paying at the desk: the price the rules give (with their reason), the place and
//! its payment recorded in one `leisure.book_and_pay` command, and the receipt.

use chrono::NaiveDateTime;
use desk_domain::leisure::payment::{Method, Tender};
use desk_domain::leisure::records::{MoneyKind, MoneyRecord};
use desk_domain::leisure::{self, BookAndPay};
use desk_domain::values::Pence;
use desk_domain::{Channel, Command};
use rusqlite::{Connection, TransactionBehavior};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::{Leisure, customer_name, money_reads, reads};
use crate::desk::{check_id, check_text};
use crate::facts::DeskFacts;
use crate::{DeskError, audit, replica};

/// The price a customer pays for a session, and why ("FitLife member: included").
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct PriceQuote {
    pub session_id: i64,
    pub customer_id: i64,
    pub price_pence: i64,
    pub reason: String,
}

/// How the customer pays, as the desk's form sends it: `method` is `cash`, `card`, `voucher`,
/// `complimentary` or `on_account`, and only that method's fields are read.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct TenderInput {
    pub method: String,
    /// Cash handed over, in pence.
    pub tendered_pence: Option<i64>,
    /// The card terminal and the reference printed on its slip (never the card's number).
    pub terminal: Option<String>,
    pub reference: Option<String>,
    pub voucher_code: Option<String>,
    /// Complimentary: why, and the supervisor who allowed it.
    pub reason: Option<String>,
    pub supervisor_id: Option<i64>,
    /// On account: the club's or organisation's account.
    pub account: Option<String>,
}

impl TenderInput {
    pub(crate) fn tender(&self) -> Result<Tender, DeskError> {
        let text = |what: &str, v: &Option<String>| -> Result<String, DeskError> {
            let t = v.as_deref().unwrap_or("").trim();
            if t.is_empty() {
                return Err(DeskError::invalid(format!("Enter {what}.")));
            }
            check_text(what, t, leisure::payment::MAX_TEXT, false)?;
            Ok(t.to_owned())
        };
        Ok(match self.method.as_str() {
            "cash" => {
                let tendered = self
                    .tendered_pence
                    .ok_or_else(|| DeskError::invalid("Enter the cash handed over."))?;
                if tendered < 0 {
                    return Err(DeskError::invalid("The cash handed over cannot be negative."));
                }
                Tender::Cash {
                    tendered: Pence(tendered),
                }
            }
            "card" => Tender::Card {
                terminal: text("the card terminal", &self.terminal)?,
                reference: text("the reference on the terminal's slip", &self.reference)?,
            },
            "voucher" => Tender::Voucher {
                code: text("the voucher code", &self.voucher_code)?.to_uppercase(),
            },
            "complimentary" => {
                let supervisor_id = self
                    .supervisor_id
                    .ok_or_else(|| DeskError::invalid("Enter the staff number of the supervisor allowing it."))?;
                check_id("The supervisor's staff number", supervisor_id)?;
                Tender::Complimentary {
                    reason: text("why the place is complimentary", &self.reason)?,
                    supervisor_id,
                }
            }
            "on_account" => Tender::OnAccount {
                account: text("the account", &self.account)?,
            },
            other => return Err(DeskError::invalid(format!("`{other}` is not a way to pay."))),
        })
    }
}

/// A printable receipt for a payment (or refund).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct ReceiptView {
    pub payment_id: Uuid,
    pub booking_id: Uuid,
    /// `payment` or `refund`.
    pub kind: String,
    pub centre_name: String,
    pub activity_name: String,
    pub starts_at: NaiveDateTime,
    pub customer_name: String,
    pub membership_no: String,
    pub amount_pence: i64,
    pub tendered_pence: i64,
    pub change_pence: i64,
    /// How it was paid, in words ("Card, terminal T1, slip 004512").
    pub method: String,
    pub reason: String,
    pub desk: String,
    pub taken_at: NaiveDateTime,
    pub staff_id: i64,
    /// Not yet confirmed by the council server.
    pub pending: bool,
}

pub(crate) fn method_words(m: &Method) -> String {
    match m {
        Method::Cash => "Cash".into(),
        Method::Card { terminal, reference } => format!("Card, terminal {terminal}, slip {reference}"),
        Method::Voucher { code } => format!("Voucher {code}"),
        Method::Complimentary { reason, supervisor_id } => {
            format!("Complimentary ({reason}), allowed by staff {supervisor_id}")
        }
        Method::OnAccount { account } => format!("On account {account}"),
    }
}

/// The receipt for a payment this desk has just recorded (in the same transaction).
pub(crate) fn receipt_just_taken(conn: &Connection, payment_id: Uuid) -> Result<ReceiptView, DeskError> {
    let (m, pending) = money_reads::money(conn, payment_id)?
        .ok_or_else(|| DeskError::Store(format!("payment {payment_id} vanished while being recorded")))?;
    receipt_of(conn, &m, pending)
}

pub(crate) fn receipt_of(conn: &Connection, m: &MoneyRecord, pending: bool) -> Result<ReceiptView, DeskError> {
    let booking = reads::booking(conn, m.booking_id)?;
    let session = match &booking {
        Some(b) => reads::effective_session(conn, b.booking.session_id)?.map(|(s, _)| s),
        None => None,
    };
    // Not a class place: a space hire paid at the desk names its space booking instead.
    let (activity_name, starts_at) = match &session {
        Some(s) => (s.activity_name.clone(), s.starts_at),
        None => match super::space_reads::space_booking(conn, m.booking_id)? {
            Some((b, _)) => {
                let space = super::space_reads::space(conn, b.space_id)?
                    .map_or_else(|| format!("space {}", b.space_id), |s| s.name);
                (format!("Hire of {space}, until {}", b.ends.format("%H:%M")), b.starts)
            }
            None => (String::new(), m.at),
        },
    };
    let centre_name = replica::centres(conn)?
        .into_iter()
        .find(|c| c.id == m.centre_id)
        .map_or_else(|| format!("Centre {}", m.centre_id), |c| c.name);
    let customer = replica::customer(conn, m.customer_id)?;
    Ok(ReceiptView {
        payment_id: m.id,
        booking_id: m.booking_id,
        kind: match m.kind {
            MoneyKind::Payment => "payment".into(),
            MoneyKind::Refund => "refund".into(),
            MoneyKind::TransferOut => "transfer_out".into(),
            MoneyKind::TransferIn => "transfer_in".into(),
        },
        centre_name,
        activity_name,
        starts_at,
        customer_name: customer_name(conn, m.customer_id)?,
        membership_no: customer.map(|c| c.membership_no).unwrap_or_default(),
        amount_pence: m.amount.0,
        tendered_pence: m.tendered.0,
        change_pence: m.change.0,
        method: method_words(&m.method),
        reason: m.reason.clone(),
        desk: m.desk.clone(),
        taken_at: m.at,
        staff_id: m.staff_id,
        pending,
    })
}

/// A member of staff's reason for setting the cut-off aside, as entered: none, or 1 to
/// `MAX_TEXT` characters on one line (cancelling with a refund, moving a place).
pub(crate) fn waiver_reason(reason: Option<String>) -> Result<Option<String>, DeskError> {
    match reason.as_deref().map(str::trim) {
        None => Ok(None),
        Some("") => Err(DeskError::invalid("Enter why the cut-off is waived.")),
        Some(w) => {
            check_text("The reason for the waiver", w, leisure::payment::MAX_TEXT, false)?;
            Ok(Some(w.to_owned()))
        }
    }
}

/// This desk's till name, for its cash-up: one per staff store on this computer.
pub(crate) fn desk_name(device_id: Uuid) -> String {
    format!("Desk {}", &device_id.simple().to_string()[..8])
}

impl Leisure<'_> {
    /// The price the customer pays for the session under the centre's price list, with the
    /// rules' reason; offline, from this desk's replica.
    pub async fn price_for(&self, session_id: i64, customer_id: i64) -> Result<PriceQuote, DeskError> {
        check_id("The session id", session_id)?;
        check_id("The customer id", customer_id)?;
        self.desk
            .db(move |conn| {
                let (session, _) = reads::effective_session(conn, session_id)?
                    .ok_or_else(|| DeskError::NotFound(format!("Session {session_id} is not on this desk.")))?;
                let customer = replica::customer(conn, customer_id)?
                    .ok_or_else(|| DeskError::NotFound(format!("Customer {customer_id} is not on this desk.")))?;
                let quote = leisure::quote(&mut DeskFacts::new(conn), &session, &customer)??;
                Ok(PriceQuote {
                    session_id,
                    customer_id,
                    price_pence: quote.price.0,
                    reason: quote.reason,
                })
            })
            .await
    }

    /// Books the customer into the session and records the payment for `price_pence` (the price
    /// shown) in one command, on this desk at once; returns the receipt. Refused here, with
    /// nothing recorded, if the rules say no (short of cash, an expired voucher, a new price).
    pub async fn book_and_pay(
        &self,
        session_id: i64,
        customer_id: i64,
        price_pence: i64,
        tender: &TenderInput,
        channel: Channel,
    ) -> Result<ReceiptView, DeskError> {
        check_id("The session id", session_id)?;
        check_id("The customer id", customer_id)?;
        if price_pence < 0 {
            return Err(DeskError::invalid("A price cannot be negative."));
        }
        let payment_id = Uuid::now_v7();
        let cmd = Command::from(BookAndPay {
            booking_id: Uuid::now_v7(),
            session_id,
            customer_id,
            payment_id,
            desk: desk_name(self.desk.device_id()),
            price: Pence(price_pence),
            tender: tender.tender()?,
        });
        self.desk
            .record_command(cmd, channel, move |conn| receipt_just_taken(conn, payment_id))
            .await
    }

    /// The receipt of a payment or refund. Viewing it is audited for the customer.
    pub async fn receipt(&self, payment_id: Uuid) -> Result<ReceiptView, DeskError> {
        if payment_id.is_nil() {
            return Err(DeskError::invalid("The payment id must not be empty."));
        }
        self.desk
            .db(move |conn| {
                let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
                let (m, pending) = money_reads::money(&tx, payment_id)?
                    .ok_or_else(|| DeskError::NotFound(format!("Payment {payment_id} is not on this desk.")))?;
                audit::viewed_customer(&tx, m.customer_id, "receipt")?;
                let shown = receipt_of(&tx, &m, pending)?;
                tx.commit()?;
                Ok(shown)
            })
            .await
    }
}

/// What cancelling a booking now gives back, for the receptionist to tell the customer before
/// confirming.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct RefundQuote {
    pub booking_id: Uuid,
    /// Nothing was paid for the booking (booked to pay later, or before payments were taken).
    pub unpaid: bool,
    pub paid_pence: i64,
    pub refund_pence: i64,
    /// The way it goes back, in words (the way it was paid).
    pub method: String,
    pub reason: String,
}

/// A cancellation: the refund given (if any money went back) and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct CancelView {
    pub booking_id: Uuid,
    pub refund: Option<ReceiptView>,
    pub reason: String,
}

impl Leisure<'_> {
    /// What cancelling the booking now refunds under the centre's policy (with `waive`, as if a
    /// member of staff waived the cut-off); offline, from the replica.
    pub async fn refund_quote(&self, booking_id: Uuid, waive: bool) -> Result<RefundQuote, DeskError> {
        if booking_id.is_nil() {
            return Err(DeskError::invalid("The booking id must not be empty."));
        }
        self.desk
            .db(move |conn| {
                let b = reads::booking(conn, booking_id)?
                    .ok_or_else(|| DeskError::NotFound(format!("Booking {booking_id} is not on this desk.")))?;
                let (session, _) = reads::effective_session(conn, b.booking.session_id)?.ok_or_else(|| {
                    DeskError::NotFound(format!("Session {} is not on this desk.", b.booking.session_id))
                })?;
                // Who waives changes nothing in the amount; the command records the real one.
                let waiver = waive.then(|| leisure::refund::Waiver {
                    reason: "waived".into(),
                    staff_id: 0,
                });
                let due = leisure::refund_due(
                    &mut DeskFacts::new(conn),
                    &b.booking,
                    &session,
                    crate::desk::local_now(),
                    waiver.as_ref(),
                )??;
                Ok(match due {
                    None => RefundQuote {
                        booking_id,
                        unpaid: true,
                        paid_pence: 0,
                        refund_pence: 0,
                        method: String::new(),
                        reason: "Nothing was paid for this booking.".into(),
                    },
                    Some((refund, paid)) => RefundQuote {
                        booking_id,
                        unpaid: false,
                        paid_pence: paid.amount.0,
                        refund_pence: refund.amount.0,
                        method: method_words(&refund.to),
                        reason: refund.reason,
                    },
                })
            })
            .await
    }

    /// Cancels the booking with the refund the policy gives, to the way it was paid, on this
    /// desk at once; `waiver` is the reason a member of staff refunds in full after the cut-off.
    pub async fn cancel_with_refund(
        &self,
        booking_id: Uuid,
        waiver: Option<String>,
        channel: Channel,
    ) -> Result<CancelView, DeskError> {
        if booking_id.is_nil() {
            return Err(DeskError::invalid("The booking id must not be empty."));
        }
        let waiver = waiver_reason(waiver)?;
        // The policy's words for the customer, also when nothing goes back.
        // (A booking already cancelled has no quote; the command says why it is refused.)
        let told = self
            .refund_quote(booking_id, waiver.is_some())
            .await
            .map(|q| q.reason)
            .unwrap_or_default();
        let refund_id = Uuid::now_v7();
        let cmd = Command::from(leisure::CancelWithRefund {
            booking_id,
            refund_id,
            desk: desk_name(self.desk.device_id()),
            waiver,
        });
        self.desk
            .record_command(cmd, channel, move |conn| {
                let refund = match money_reads::money(conn, refund_id)? {
                    Some((m, pending)) => Some(receipt_of(conn, &m, pending)?),
                    None => None,
                };
                let reason = match &refund {
                    Some(r) => r.reason.clone(),
                    None => told,
                };
                Ok(CancelView {
                    booking_id,
                    refund,
                    reason,
                })
            })
            .await
    }
}
