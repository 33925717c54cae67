//! The leisure commands that take or give back money: a place booked and paid for in one
//! command. The price is the one price rule's ([`super::price`]), over the centre's dated price
//! list and the customer's entitlements; the payment is [`super::payment::take`]'s.

use super::Code;
use super::command::{BookAndPay, CancelWithRefund};
use super::decide::Facts;
use super::payment::{self, PaymentError};
use super::price::{self, Quote};
use super::price_list::Item;
use super::records::{MAX_DESK, MoneyRecord, priced_customer};
use super::refund::{Booked, Refund, RefundError, Waiver};
use super::till;
use crate::refusal::Refusal;
use crate::service::{Ctx, Decision};
use crate::{Customer, Session};

/// The price `customer` pays for `session` under the centre's settings, or why there is none.
pub fn quote<F: Facts + ?Sized>(
    facts: &mut F,
    session: &Session,
    customer: &Customer,
) -> Result<Result<Quote, Refusal>, F::Error> {
    let Some(settings) = facts.settings(session.centre_id)? else {
        return Ok(Err(Refusal::new(
            Code::NoPriceList,
            format!(
                "Centre {} has no price list on this desk, so the price cannot be worked out.",
                session.centre_id
            ),
        )));
    };
    let entitlement = facts.entitlement(customer.id)?;
    let who = priced_customer(customer.date_of_birth, entitlement.as_ref());
    let item = Item::Activity(session.activity_id);
    Ok(
        price::price(&settings.price_book(), session.centre_id, item, session.starts_at, &who).map_err(|e| {
            Refusal::new(
                Code::NoPriceList,
                format!("No price for {}: {e}.", session.activity_name),
            )
        }),
    )
}

pub(super) fn payment_refusal(e: PaymentError) -> Refusal {
    let code = match e {
        PaymentError::TenderedShort { .. } => Code::TenderedShort,
        PaymentError::UnknownVoucher(_)
        | PaymentError::VoucherExpired { .. }
        | PaymentError::VoucherUsed(_)
        | PaymentError::VoucherShort { .. } => Code::VoucherRefused,
        _ => Code::InvalidPayment,
    };
    let mut message = e.to_string();
    if let Some(first) = message.get(..1) {
        message = first.to_uppercase() + &message[1..];
    }
    Refusal::new(code, format!("{message}."))
}

/// The desk's name as kept: 1 to [`MAX_DESK`] characters, no control characters.
pub(super) fn desk_name(desk: &str) -> Result<String, Refusal> {
    let d = desk.trim();
    if d.is_empty() || d.chars().count() > MAX_DESK || d.chars().any(char::is_control) {
        return Err(Refusal::new(
            Code::InvalidPayment,
            format!("The desk taking payment needs a name of 1 to {MAX_DESK} characters."),
        ));
    }
    Ok(d.to_owned())
}

/// `leisure.book_and_pay`: the place as `book_place` takes it, the price checked against the
/// one shown, the payment taken, a voucher used up; the session's count stays last.
pub fn book_and_pay<F: Facts + ?Sized>(
    facts: &mut F,
    cmd: &super::Command,
    a: &BookAndPay,
    ctx: &Ctx,
) -> Result<Decision, F::Error> {
    let desk = match desk_name(&a.desk) {
        Ok(d) => d,
        Err(r) => return Ok(Err(r)),
    };
    let mut effects =
        match super::decide::take_place(facts, cmd, a.booking_id, a.session_id, a.customer_id, false, ctx)? {
            Ok(e) => e,
            // A payment is not carried over to another session: the desk offers none.
            Err(r) => {
                return Ok(Err(Refusal {
                    alternatives: Vec::new(),
                    ..r
                }));
            }
        };
    // take_place found both, or it would have refused.
    let (Some(session), Some(customer)) = (facts.session(a.session_id)?, facts.customer(a.customer_id)?) else {
        return Ok(Err(Refusal::new(
            Code::UnknownSession,
            "The session or customer vanished.",
        )));
    };
    let quote = match quote(facts, &session, &customer)? {
        Ok(q) => q,
        Err(r) => return Ok(Err(r)),
    };
    let taking = till::Taking {
        payment_id: a.payment_id,
        booking_id: a.booking_id,
        customer_id: customer.id,
        centre_id: session.centre_id,
        desk,
        shown: a.price,
        price: quote.price,
        reason: &quote.reason,
        tender: &a.tender,
        payer: "customer",
        item: "place",
        command: "leisure.book_and_pay",
        audit_suffix: String::new(),
    };
    let money = match till::take(facts, taking, ctx)? {
        Ok(m) => m,
        Err(r) => return Ok(Err(r)),
    };
    let count = effects.pop().expect("a booking ends with its session's count");
    effects.extend(money);
    effects.push(count);
    Ok(Ok(effects))
}

/// A refund the policy gives, with the payment it goes back against.
pub type RefundDue = (Refund, MoneyRecord);

/// What cancelling `booking` at `now` gives back under the centre's policy for the session's
/// day: `None` when nothing was paid for it; with the payment it goes back against.
pub fn refund_due<F: Facts + ?Sized>(
    facts: &mut F,
    booking: &crate::Booking,
    session: &Session,
    now: chrono::NaiveDateTime,
    waiver: Option<&Waiver>,
) -> Result<Result<Option<RefundDue>, Refusal>, F::Error> {
    till::refund_due(
        facts,
        booking.id,
        session.centre_id,
        session.starts_at,
        Booked::Activity,
        now,
        waiver,
    )
}

pub(super) fn refund_refusal(e: RefundError) -> Refusal {
    let code = match e {
        RefundError::Started(_) | RefundError::TooLateToMove(_) => Code::SessionStarted,
        RefundError::AlreadyRefunded => Code::AlreadyRefunded,
        RefundError::WaiverReason => Code::InvalidWaiver,
    };
    let message = e.to_string();
    let mut chars = message.chars();
    let first = chars
        .next()
        .map(|c| c.to_uppercase().collect::<String>())
        .unwrap_or_default();
    Refusal::new(code, format!("{first}{}.", chars.as_str()))
}

/// A member of staff's waiver of the cut-off, with its reason, as the rules keep it.
pub(super) fn waiver_of(reason: Option<&str>, ctx: &Ctx) -> Result<Option<Waiver>, Refusal> {
    match reason.map(str::trim) {
        None => Ok(None),
        Some(reason)
            if reason.is_empty()
                || reason.chars().count() > payment::MAX_TEXT
                || reason.chars().any(char::is_control) =>
        {
            Err(Refusal::new(
                Code::InvalidWaiver,
                format!("A waiver needs a reason of 1 to {} characters.", payment::MAX_TEXT),
            ))
        }
        Some(reason) => Ok(Some(Waiver {
            reason: reason.to_owned(),
            staff_id: ctx.staff_id,
        })),
    }
}

/// `leisure.cancel_with_refund`: the place as `cancel_place` cancels it, and the refund the
/// policy gives back the way it was paid (a voucher is re-credited); the session's count last.
pub fn cancel_with_refund<F: Facts + ?Sized>(
    facts: &mut F,
    a: &CancelWithRefund,
    ctx: &Ctx,
) -> Result<Decision, F::Error> {
    let desk = match desk_name(&a.desk) {
        Ok(d) => d,
        Err(r) => return Ok(Err(r)),
    };
    let waiver = match waiver_of(a.waiver.as_deref(), ctx) {
        Ok(w) => w,
        Err(r) => return Ok(Err(r)),
    };
    // Read before the cancel changes anything: the booking and session as they stand.
    let before = match facts.booking(a.booking_id)? {
        Some(b) => facts.session(b.session_id)?.map(|s| (b, s)),
        None => None,
    };
    let mut effects = match super::decide::cancel_place(facts, a.booking_id, ctx)? {
        Ok(e) => e,
        Err(r) => return Ok(Err(r)),
    };
    let Some((booking, session)) = before else {
        return Ok(Err(Refusal::new(Code::UnknownBooking, "The booking vanished.")));
    };
    let (refund, paid) = match refund_due(facts, &booking, &session, ctx.now, waiver.as_ref())? {
        Ok(Some(due)) => due,
        Ok(None) => return Ok(Ok(effects)),
        Err(r) => return Ok(Err(r)),
    };
    let giving = till::GivingBack {
        refund_id: a.refund_id,
        desk,
        booking_id: booking.id,
        customer_id: booking.customer_id,
        command: "leisure.cancel_with_refund",
    };
    let money = match till::give_back(facts, &refund, &paid, giving, ctx)? {
        Ok(m) => m,
        Err(r) => return Ok(Err(r)),
    };
    if refund.amount.0 == 0 {
        // Nothing goes back: the cancellation's audit line, first, says why.
        effects.splice(0..0, money);
        return Ok(Ok(effects));
    }
    let count = effects.pop().expect("a cancellation ends with its session's count");
    effects.extend(money);
    effects.push(count);
    Ok(Ok(effects))
}
