//! `leisure.transfer`: a customer's place moved to another session in one command — the new
//! place taken, the old one cancelled (freeing it for the waiting list), and the money carried
//! across: the difference paid (by the tender given) or refunded the way the first was paid
//! ([`refund::transfer`]: up to the cut-off, later only with a staff waiver).
//!
//! What was paid moves with the booking as a pair of records that move no cash — `transfer_out`
//! on the old booking, `transfer_in` on the new, each with the original method — so a later
//! cancellation of the new booking refunds what is held on it, the way it was first paid, and
//! the cash-up counts neither.

use super::command::Transfer;
use super::decide::{Facts, cancel_place, take_place};
use chrono::NaiveDateTime;

use super::money::{desk_name, payment_refusal, quote, waiver_of};
use super::payment::{self, Method, Payment};
use super::price::Quote;
use super::records::{MoneyKind, MoneyRecord};
use super::refund::Waiver;
use super::refund::{self, Booked, Difference, Sold};
use super::{Code, Command};
use crate::effect::{AuditNote, Effect, Record, RecordKind};
use crate::refusal::Refusal;
use crate::service::{Ctx, Decision};
use crate::values::Pence;
use crate::{Booking, BookingStatus, Customer, Session};

fn refuse(code: Code, message: impl Into<String>) -> Decision {
    Err(Refusal::new(code, message))
}

/// What is held on a booking: the method it was first paid by and the amount not yet given
/// back or moved on; `None` when nothing was ever paid for it.
pub fn held(records: &[MoneyRecord]) -> Option<(Method, Pence)> {
    let first = records
        .iter()
        .find(|m| matches!(m.kind, MoneyKind::Payment | MoneyKind::TransferIn))?;
    let sum = |kinds: &[MoneyKind]| -> i64 {
        records
            .iter()
            .filter(|m| kinds.contains(&m.kind))
            .map(|m| m.amount.0)
            .sum()
    };
    let held = sum(&[MoneyKind::Payment, MoneyKind::TransferIn]) - sum(&[MoneyKind::Refund, MoneyKind::TransferOut]);
    Some((first.method.clone(), Pence(held)))
}

/// The new session's price for the customer, what is held on the old booking, and the money
/// side of the move at `now` under the old session's policy.
pub type Moving = (Quote, Option<(Method, Pence)>, Difference);

pub fn moving<F: Facts + ?Sized>(
    facts: &mut F,
    old: &Booking,
    from: &Session,
    to: &Session,
    customer: &Customer,
    now: NaiveDateTime,
    waiver: Option<&Waiver>,
) -> Result<Result<Moving, Refusal>, F::Error> {
    let new_price = match quote(facts, to, customer)? {
        Ok(q) => q,
        Err(r) => return Ok(Err(r)),
    };
    let held = held(&facts.money_of_booking(old.id)?);
    let policy = facts
        .settings(from.centre_id)?
        .and_then(|s| s.policy_on(from.starts_at.date()).cloned());
    let Some(policy) = policy else {
        return Ok(Err(Refusal::new(
            Code::NoPolicy,
            format!(
                "Centre {} has no booking policy for {}, so the move cannot be worked out.",
                from.centre_id,
                from.starts_at.date()
            ),
        )));
    };
    // Nothing paid (a member's included place): as if paid nothing, in cash.
    let (method, amount) = held.clone().unwrap_or((Method::Cash, Pence(0)));
    let paid = Payment {
        method,
        amount,
        tendered: Pence(0),
        change: Pence(0),
    };
    let sold = Sold {
        booked: Booked::Activity,
        paid: &paid,
        refunded: Pence(0),
        starts_at: from.starts_at,
    };
    Ok(match refund::transfer(&policy, sold, new_price.price, now, waiver) {
        Ok(d) => Ok((new_price, held, d)),
        Err(e) => Err(super::money::refund_refusal(e)),
    })
}

pub fn transfer<F: Facts + ?Sized>(
    facts: &mut F,
    cmd: &Command,
    a: &Transfer,
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
    let Some(old) = facts.booking(a.booking_id)? else {
        return Ok(refuse(
            Code::UnknownBooking,
            format!("There is no booking {}.", a.booking_id),
        ));
    };
    if old.status != BookingStatus::Booked {
        return Ok(refuse(
            Code::AlreadyCancelled,
            "Only a booked place can be moved; a waiting-list entry or a cancelled booking cannot.",
        ));
    }
    if old.session_id == a.session_id {
        return Ok(refuse(Code::InvalidPayment, "The place is already in that session."));
    }
    let (Some(from), Some(to), Some(customer)) = (
        facts.session(old.session_id)?,
        facts.session(a.session_id)?,
        facts.customer(old.customer_id)?,
    ) else {
        return Ok(refuse(
            Code::UnknownSession,
            format!("There is no session {}.", a.session_id),
        ));
    };
    let (new_price, held, difference) = match moving(facts, &old, &from, &to, &customer, ctx.now, waiver.as_ref())? {
        Ok(m) => m,
        Err(r) => return Ok(Err(r)),
    };
    if new_price.price != a.price {
        return Ok(refuse(
            Code::PriceChanged,
            format!(
                "The new session now costs {} ({}), not the {} shown: work out the difference again.",
                new_price.price, new_price.reason, a.price
            ),
        ));
    }

    let mut effects: Vec<Effect> =
        match take_place(facts, cmd, a.new_booking_id, a.session_id, customer.id, false, ctx)? {
            // A move refused as full offers nothing: the desk chooses another session.
            Ok(e) => e,
            Err(r) => {
                return Ok(Err(Refusal {
                    alternatives: Vec::new(),
                    ..r
                }));
            }
        };
    match cancel_place(facts, old.id, ctx)? {
        Ok(e) => effects.extend(e),
        Err(r) => return Ok(Err(r)),
    }

    let record = |id, booking_id, kind, method: Method, amount: Pence, reason: String| MoneyRecord {
        id,
        booking_id,
        customer_id: customer.id,
        centre_id: to.centre_id,
        desk: desk.clone(),
        kind,
        method,
        amount,
        tendered: Pence(0),
        change: Pence(0),
        reason,
        at: ctx.now,
        created_at: ctx.at,
        staff_id: ctx.staff_id,
    };
    let mut money = Vec::new();
    if let Some((method, amount)) = held.filter(|(_, amount)| amount.0 > 0) {
        let words = format!("Moved to {}", to.activity_name);
        money.push(record(
            a.out_id,
            old.id,
            MoneyKind::TransferOut,
            method.clone(),
            amount,
            words.clone(),
        ));
        money.push(record(
            a.in_id,
            a.new_booking_id,
            MoneyKind::TransferIn,
            method,
            amount,
            words,
        ));
    }
    match &difference {
        Difference::Even => {}
        Difference::Pay { amount } => {
            let Some(tender) = a.tender.clone() else {
                return Ok(refuse(
                    Code::InvalidPayment,
                    format!("The new session costs {amount} more: take payment for the difference."),
                ));
            };
            let taken = match payment::take(*amount, tender, None, ctx.now.date(), ctx.staff_id) {
                Ok(p) => p,
                Err(e) => return Ok(Err(payment_refusal(e))),
            };
            money.push(MoneyRecord {
                tendered: taken.tendered,
                change: taken.change,
                ..record(
                    a.payment_id,
                    a.new_booking_id,
                    MoneyKind::Payment,
                    taken.method,
                    taken.amount,
                    format!("Difference on moving to {}", to.activity_name),
                )
            });
        }
        Difference::Refund { amount, to: back } => money.push(record(
            a.payment_id,
            a.new_booking_id,
            MoneyKind::Refund,
            back.clone(),
            *amount,
            format!("Difference on moving to {}", to.activity_name),
        )),
    }
    for m in &money {
        if facts.money(m.id)?.is_some() {
            return Ok(refuse(
                Code::DuplicatePayment,
                format!("A payment with id {} already exists.", m.id),
            ));
        }
    }
    // The two sessions' counts go last (the receipt's version is the last record's).
    let (counts, mut effects): (Vec<Effect>, Vec<Effect>) =
        effects.into_iter().partition(|e| matches!(e, Effect::Count { .. }));
    for m in money {
        effects.push(Effect::Audit(AuditNote {
            kind: RecordKind::Payment,
            record_id: m.id.to_string(),
            person_id: Some(customer.id),
            detail: format!("leisure.transfer: {:?} {}", m.kind, m.amount),
        }));
        effects.push(Effect::Put(Record::synced(&m)));
    }
    effects.extend(counts);
    Ok(Ok(effects))
}
