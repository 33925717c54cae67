//! The leisure commands that take or give back money: a place booked and paid for in one
//! command. The price is the one price rule's ([`super::price`]), over the centre's dated price
//! list and the customer's entitlements; the payment is [`super::payment::take`]'s.

use super::Code;
use super::command::{BookAndPay, CancelWithRefund};
use super::decide::Facts;
use super::payment::{self, PaymentError, Tender};
use super::price::{self, Quote};
use super::price_list::Item;
use super::records::{MAX_DESK, MoneyKind, MoneyRecord, priced_customer};
use super::refund::{self, Booked, Refund, RefundError, Sold, Waiver};
use crate::effect::{AuditNote, Effect, Record, RecordKind};
use crate::refusal::Refusal;
use crate::service::{Ctx, Decision};
use crate::values::Pence;
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
    if facts.money(a.payment_id)?.is_some() {
        return Ok(Err(Refusal::new(
            Code::DuplicatePayment,
            format!("A payment with id {} already exists.", a.payment_id),
        )));
    }
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
    if quote.price != a.price {
        return Ok(Err(Refusal::new(
            Code::PriceChanged,
            format!(
                "The price is now {} ({}), not the {} shown: tell the customer and take payment again.",
                quote.price, quote.reason, a.price
            ),
        )));
    }
    if let Tender::Complimentary { supervisor_id, .. } = &a.tender
        && facts.supervises(*supervisor_id, session.centre_id)? == Some(false)
    {
        return Ok(Err(Refusal::new(
            Code::InvalidPayment,
            format!(
                "Staff number {supervisor_id} is not a supervisor at this centre: a complimentary place needs one to allow it."
            ),
        )));
    }
    let issued = match &a.tender {
        Tender::Voucher { code } => facts.voucher(&code.trim().to_uppercase())?,
        _ => None,
    };
    let voucher = issued
        .as_ref()
        .filter(|v| v.centre_id == session.centre_id)
        .map(|v| v.voucher());
    let paid = match payment::take(
        quote.price,
        a.tender.clone(),
        voucher.as_ref(),
        ctx.now.date(),
        ctx.staff_id,
    ) {
        Ok(p) => p,
        Err(e) => return Ok(Err(payment_refusal(e))),
    };
    let record = MoneyRecord {
        id: a.payment_id,
        booking_id: a.booking_id,
        customer_id: customer.id,
        centre_id: session.centre_id,
        desk,
        kind: MoneyKind::Payment,
        method: paid.method,
        amount: paid.amount,
        tendered: paid.tendered,
        change: paid.change,
        reason: quote.reason,
        at: ctx.now,
        created_at: ctx.at,
        staff_id: ctx.staff_id,
    };
    let count = effects.pop().expect("a booking ends with its session's count");
    if let (Some(mut v), Some(_)) = (issued, voucher) {
        v.redeemed = true;
        effects.push(Effect::Put(Record::synced(&v)));
    }
    effects.push(Effect::Audit(AuditNote {
        kind: RecordKind::Payment,
        record_id: record.id.to_string(),
        person_id: Some(customer.id),
        detail: format!("leisure.book_and_pay: {} by {}", record.amount, method_word(&record)),
    }));
    effects.push(Effect::Put(Record::synced(&record)));
    effects.push(count);
    Ok(Ok(effects))
}

fn method_word(r: &MoneyRecord) -> &'static str {
    match r.method {
        payment::Method::Cash => "cash",
        payment::Method::Card { .. } => "card",
        payment::Method::Voucher { .. } => "voucher",
        payment::Method::Complimentary { .. } => "complimentary",
        payment::Method::OnAccount { .. } => "account",
    }
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
    let records = facts.money_of_booking(booking.id)?;
    // Paid here, or carried in by a transfer: the first money in names the way it goes back.
    let Some(paid) = records
        .iter()
        .find(|m| matches!(m.kind, MoneyKind::Payment | MoneyKind::TransferIn))
        .cloned()
    else {
        return Ok(Ok(None));
    };
    let in_ = |k: MoneyKind| matches!(k, MoneyKind::Payment | MoneyKind::TransferIn);
    let total =
        |pick: &dyn Fn(MoneyKind) -> bool| Pence(records.iter().filter(|m| pick(m.kind)).map(|m| m.amount.0).sum());
    let refunded = total(&|k| !in_(k));
    let paid = MoneyRecord {
        amount: total(&in_),
        ..paid
    };
    let policy = facts
        .settings(session.centre_id)?
        .and_then(|s| s.policy_on(session.starts_at.date()).cloned());
    let Some(policy) = policy else {
        return Ok(Err(Refusal::new(
            Code::NoPolicy,
            format!(
                "Centre {} has no cancellation policy for {}, so the refund cannot be worked out.",
                session.centre_id,
                session.starts_at.date()
            ),
        )));
    };
    let payment = payment::Payment {
        method: paid.method.clone(),
        amount: paid.amount,
        tendered: paid.tendered,
        change: paid.change,
    };
    let sold = Sold {
        booked: Booked::Activity,
        paid: &payment,
        refunded,
        starts_at: session.starts_at,
    };
    Ok(match refund::refund(&policy, sold, now, waiver) {
        Ok(r) => Ok(Some((r, paid))),
        Err(e) => Err(refund_refusal(e)),
    })
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
    if refund.amount.0 == 0 {
        // Nothing goes back; the cancellation's audit line says why.
        effects.insert(
            0,
            Effect::Audit(AuditNote {
                kind: RecordKind::Payment,
                record_id: paid.id.to_string(),
                person_id: Some(booking.customer_id),
                detail: format!("leisure.cancel_with_refund: {}", refund.reason),
            }),
        );
        return Ok(Ok(effects));
    }
    if facts.money(a.refund_id)?.is_some() {
        return Ok(Err(Refusal::new(
            Code::DuplicatePayment,
            format!("A payment with id {} already exists.", a.refund_id),
        )));
    }
    let record = MoneyRecord {
        id: a.refund_id,
        booking_id: booking.id,
        customer_id: booking.customer_id,
        centre_id: paid.centre_id,
        desk,
        kind: MoneyKind::Refund,
        method: refund.to.clone(),
        amount: refund.amount,
        tendered: Pence(0),
        change: Pence(0),
        reason: refund.reason.clone(),
        at: ctx.now,
        created_at: ctx.at,
        staff_id: ctx.staff_id,
    };
    let count = effects.pop().expect("a cancellation ends with its session's count");
    if let payment::Method::Voucher { code } = &refund.to
        && let Some(mut v) = facts.voucher(code)?
    {
        v.redeemed = false;
        effects.push(Effect::Put(Record::synced(&v)));
    }
    effects.push(Effect::Audit(AuditNote {
        kind: RecordKind::Payment,
        record_id: record.id.to_string(),
        person_id: Some(booking.customer_id),
        detail: format!(
            "leisure.cancel_with_refund: {} to {}{}",
            record.amount,
            method_word(&record),
            refund.waived_by.map(|_| " (waived)").unwrap_or_default()
        ),
    }));
    effects.push(Effect::Put(Record::synced(&record)));
    effects.push(count);
    Ok(Ok(effects))
}
