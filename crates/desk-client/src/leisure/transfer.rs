//! Moving a customer's place to another session at the desk: what the move costs or gives back
//! (the domain's `moving`, offline from the replica), and `leisure.transfer`, which takes the new
//! place, frees the old one and carries the money across in one command.

use desk_domain::leisure::refund::{Difference, Waiver};
use desk_domain::leisure::{self, Transfer};
use desk_domain::values::Pence;
use desk_domain::{Channel, Command};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::pay::{TenderInput, desk_name, method_words, receipt_of, waiver_reason};
use super::{Leisure, booking_view, money_reads, reads};
use crate::desk::check_id;
use crate::facts::DeskFacts;
use crate::views::BookingView;
use crate::{DeskError, replica};

/// What moving a booking to another session means for the customer's money.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct TransferQuote {
    pub booking_id: Uuid,
    pub session_id: i64,
    /// The new session's price for this customer, and the rules' reason.
    pub price_pence: i64,
    pub reason: String,
    /// Paid for the old booking and not given back.
    pub held_pence: i64,
    /// `even`, `pay` (the customer pays the difference) or `refund` (it goes back).
    pub difference: String,
    pub difference_pence: i64,
    /// The way a refund goes back, in words.
    pub refund_method: String,
}

/// A move done: the new booking, and the difference's payment or refund if money changed hands.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct TransferView {
    pub booking: BookingView,
    pub money: Option<super::ReceiptView>,
}

impl Leisure<'_> {
    /// What moving the booking to the session costs or gives back now (with `waive`, as if a
    /// member of staff waived the cut-off); offline, from the replica. Refused as the command
    /// would be: a session started, past the cut-off, no price.
    pub async fn transfer_quote(
        &self,
        booking_id: Uuid,
        session_id: i64,
        waive: bool,
    ) -> Result<TransferQuote, DeskError> {
        if booking_id.is_nil() {
            return Err(DeskError::invalid("The booking id must not be empty."));
        }
        check_id("The session id", session_id)?;
        self.desk
            .db(move |conn| {
                let b = reads::booking(conn, booking_id)?
                    .ok_or_else(|| DeskError::NotFound(format!("Booking {booking_id} is not on this desk.")))?;
                let session = |id| -> Result<_, DeskError> {
                    Ok(reads::effective_session(conn, id)?
                        .ok_or_else(|| DeskError::NotFound(format!("Session {id} is not on this desk.")))?
                        .0)
                };
                let (from, to) = (session(b.booking.session_id)?, session(session_id)?);
                let customer = replica::customer(conn, b.booking.customer_id)?.ok_or_else(|| {
                    DeskError::NotFound(format!("Customer {} is not on this desk.", b.booking.customer_id))
                })?;
                // Who waives changes nothing in the amount; the command records the real one.
                let waiver = waive.then(|| Waiver {
                    reason: "waived".into(),
                    staff_id: 0,
                });
                let (price, held, difference) = leisure::moving(
                    &mut DeskFacts::new(conn),
                    &b.booking,
                    &from,
                    &to,
                    &customer,
                    crate::desk::local_now(),
                    waiver.as_ref(),
                )??;
                let (word, amount, method) = match difference {
                    Difference::Even => ("even", Pence(0), String::new()),
                    Difference::Pay { amount } => ("pay", amount, String::new()),
                    Difference::Refund { amount, to } => ("refund", amount, method_words(&to)),
                };
                Ok(TransferQuote {
                    booking_id,
                    session_id,
                    price_pence: price.price.0,
                    reason: price.reason,
                    held_pence: held.map_or(0, |(_, p)| p.0),
                    difference: word.into(),
                    difference_pence: amount.0,
                    refund_method: method,
                })
            })
            .await
    }

    /// Moves the booking to the session priced `price_pence` (as the quote showed), taking
    /// `tender` for a higher price's difference, on this desk at once.
    pub async fn transfer(
        &self,
        booking_id: Uuid,
        session_id: i64,
        price_pence: i64,
        tender: Option<&TenderInput>,
        waiver: Option<String>,
        channel: Channel,
    ) -> Result<TransferView, DeskError> {
        if booking_id.is_nil() {
            return Err(DeskError::invalid("The booking id must not be empty."));
        }
        check_id("The session id", session_id)?;
        if price_pence < 0 {
            return Err(DeskError::invalid("A price cannot be negative."));
        }
        let (new_booking_id, payment_id) = (Uuid::now_v7(), Uuid::now_v7());
        let cmd = Command::from(Transfer {
            booking_id,
            new_booking_id,
            session_id,
            desk: desk_name(self.desk.device_id()),
            price: Pence(price_pence),
            tender: tender.map(TenderInput::tender).transpose()?,
            waiver: waiver_reason(waiver)?,
            payment_id,
            out_id: Uuid::now_v7(),
            in_id: Uuid::now_v7(),
        });
        self.desk
            .record_command(cmd, channel, move |conn| {
                let money = match money_reads::money(conn, payment_id)? {
                    Some((m, pending)) => Some(receipt_of(conn, &m, pending)?),
                    None => None,
                };
                Ok(TransferView {
                    booking: booking_view(conn, new_booking_id)?,
                    money,
                })
            })
            .await
    }
}
