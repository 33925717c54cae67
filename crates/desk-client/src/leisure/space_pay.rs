//! Paying at the desk for a one-off space hire, and cancelling a hire with its refund: the
//! price quoted with its reason before anything is taken (the one price rule, from this desk's
//! replica), then one `leisure.book_space` carrying the payment, decided here by the same rules
//! the server runs (so bad input is refused with nothing queued) and shown at once with its
//! receipt; offline it waits in the outbox like any command (`space_pay.rs` in the domain says
//! why the payment rides on the booking).

use chrono::NaiveDateTime;
use desk_domain::leisure::Facts;
use desk_domain::leisure::records::priced_customer;
use desk_domain::leisure::space_cmd::{BookSpace, CancelSpace, hire_price};
use desk_domain::leisure::space_pay::SpacePayment;
use desk_domain::values::Pence;
use desk_domain::{Channel, Command};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::pay::{ReceiptView, TenderInput, desk_name, receipt_just_taken, receipt_of, waiver_reason};
use super::spaces::{SpaceBookingView, booking_view};
use super::{Leisure, money_reads};
use crate::DeskError;
use crate::desk::check_id;
use crate::facts::DeskFacts;

/// What hiring a space costs a customer, and why ("Adult (peak) for 1 h at £36.00 an hour").
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct SpacePriceQuote {
    pub space_id: i64,
    pub customer_id: i64,
    pub starts: NaiveDateTime,
    pub ends: NaiveDateTime,
    pub price_pence: i64,
    pub reason: String,
}

/// A hire booked and paid for: the booking as the day view shows it, and the payment's receipt.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct SpaceHire {
    pub booking: SpaceBookingView,
    pub receipt: ReceiptView,
}

/// A hire cancelled: the booking now, the refund given if money went back, and the policy's
/// words for the hirer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct SpaceCancelView {
    pub booking: SpaceBookingView,
    pub refund: Option<ReceiptView>,
    pub reason: String,
}

fn check_times(starts: NaiveDateTime, ends: NaiveDateTime) -> Result<(), DeskError> {
    if ends <= starts {
        return Err(DeskError::invalid("The booking must end after it starts."));
    }
    Ok(())
}

impl Leisure<'_> {
    /// The price of hiring the space from `starts` to `ends` for the customer, with the rule's
    /// reason (peak or off-peak, their membership or concession); offline, from the replica.
    pub async fn space_price(
        &self,
        space_id: i64,
        starts: NaiveDateTime,
        ends: NaiveDateTime,
        customer_id: i64,
    ) -> Result<SpacePriceQuote, DeskError> {
        check_id("The space id", space_id)?;
        check_id("The customer id", customer_id)?;
        check_times(starts, ends)?;
        self.desk
            .db(move |conn| {
                let mut facts = DeskFacts::new(conn);
                let space = facts
                    .space(space_id)?
                    .ok_or_else(|| DeskError::NotFound(format!("Space {space_id} is not on this desk.")))?;
                let customer = facts
                    .customer(customer_id)?
                    .ok_or_else(|| DeskError::NotFound(format!("Customer {customer_id} is not on this desk.")))?;
                let settings = facts.settings(space.centre_id)?.ok_or_else(|| {
                    DeskError::invalid(format!(
                        "Centre {} has no price list on this desk, so the price cannot be worked out.",
                        space.centre_id
                    ))
                })?;
                let entitlement = facts.entitlement(customer_id)?;
                let who = priced_customer(customer.date_of_birth, entitlement.as_ref());
                let (price, reason) = hire_price(&settings, &space, starts, ends, &who)?;
                Ok(SpacePriceQuote {
                    space_id,
                    customer_id,
                    starts,
                    ends,
                    price_pence: price.0,
                    reason,
                })
            })
            .await
    }

    /// Books the space once and takes payment for `price_pence` (the price quoted) in one
    /// command, shown at once (pending) with the receipt; refused here with nothing recorded
    /// when the rules say no (taken, short of cash, an expired voucher, a new price).
    #[allow(clippy::too_many_arguments)]
    pub async fn hire_space(
        &self,
        space_id: i64,
        starts: NaiveDateTime,
        ends: NaiveDateTime,
        customer_id: i64,
        price_pence: i64,
        tender: &TenderInput,
        channel: Channel,
    ) -> Result<SpaceHire, DeskError> {
        check_id("The space id", space_id)?;
        check_id("The customer id", customer_id)?;
        check_times(starts, ends)?;
        if price_pence < 0 {
            return Err(DeskError::invalid("A price cannot be negative."));
        }
        let (booking_id, payment_id) = (Uuid::now_v7(), Uuid::now_v7());
        let cmd = Command::from(BookSpace {
            booking_id,
            space_id,
            starts,
            ends,
            customer_id,
            club: None,
            block_id: None,
            payment: Some(SpacePayment {
                payment_id,
                desk: desk_name(self.desk.device_id()),
                price: Pence(price_pence),
                tender: tender.tender()?,
            }),
        });
        self.desk
            .record_command(cmd, channel, move |conn| {
                Ok(SpaceHire {
                    booking: booking_view(conn, booking_id)?,
                    receipt: receipt_just_taken(conn, payment_id)?,
                })
            })
            .await
    }

    /// Cancels a space booking, shown at once: a hire paid at the desk gets back what the
    /// policy's space cut-off gives, the way it was paid; an account hire is charged what the
    /// policy keeps. `waiver` is a member of staff's reason for setting the cut-off aside.
    pub async fn cancel_space(
        &self,
        booking_id: Uuid,
        waiver: Option<String>,
        channel: Channel,
    ) -> Result<SpaceCancelView, DeskError> {
        if booking_id.is_nil() {
            return Err(DeskError::invalid("The booking id must not be empty."));
        }
        let refund_id = Uuid::now_v7();
        let cmd = Command::from(CancelSpace {
            booking_id,
            refund_id: Some(refund_id),
            desk: Some(desk_name(self.desk.device_id())),
            waiver: waiver_reason(waiver)?,
        });
        self.desk
            .record_command(cmd, channel, move |conn| {
                let booking = booking_view(conn, booking_id)?;
                let refund = match money_reads::money(conn, refund_id)? {
                    Some((m, pending)) => Some(receipt_of(conn, &m, pending)?),
                    None => None,
                };
                let reason = match &refund {
                    Some(r) => r.reason.clone(),
                    None => capitalised(&booking.price_reason),
                };
                Ok(SpaceCancelView {
                    booking,
                    refund,
                    reason,
                })
            })
            .await
    }
}

pub(super) fn capitalised(s: &str) -> String {
    let mut c = s.chars();
    c.next().map_or(String::new(), |f| f.to_uppercase().chain(c).collect())
}
