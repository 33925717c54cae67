//! Paying at the desk for a one-off space hire, and the refund when it is cancelled (issue 11
//! §2 for spaces): a member of the public hiring a court for an hour pays cash, card, voucher,
//! complimentary or on account as a class place is paid for ([`super::money`]), and gets back
//! what the policy's space cut-off gives, the way they paid.
//!
//! Why the payment rides on `leisure.book_space` (an optional `payment`) rather than a new
//! `book_space_and_pay` command: the space rules (clashes, hours, window, price) are one
//! decision and the booking and its payment must land or be refused together; a second command
//! would repeat every space rule or split them over two outbox entries that could be decided
//! apart. An absent `payment` keeps today's meaning (charged to the hirer's account), so
//! commands queued before this change still parse and decide as they did.
//!
//! The money is the same [`MoneyRecord`] `book_and_pay` writes, naming the space booking's id
//! as its `booking_id` (a class booking's and a space booking's ids are both desk-made UUIDv7s,
//! so they never collide): the cash-up counts it unchanged, and a receipt tells the two apart
//! by which kind of booking that id finds.

use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::Code;
use super::decide::Facts;
use super::money::{RefundDue, desk_name, payment_refusal, refund_refusal, waiver_of};
use super::payment::{self, Method, Tender};
use super::records::{MoneyKind, MoneyRecord};
use super::refund::{self, Booked, Sold};
use super::space_records::{SpaceBookingRecord, SpaceRecord};
use crate::effect::{AuditNote, Effect, Record, RecordKind};
use crate::refusal::Refusal;
use crate::service::Ctx;
use crate::values::Pence;

/// What the hirer pays at the desk: the price the desk showed (the server prices again; a
/// different price is refused) and what was handed over.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SpacePayment {
    /// Made on the desk, so the receipt can be shown before the server confirms it.
    pub payment_id: Uuid,
    /// The desk (till) taking the money, for its cash-up.
    pub desk: String,
    pub price: Pence,
    pub tender: Tender,
}

/// A cancellation's refund as the desk sends it: the refund's id (used only when money goes
/// back), the desk giving it, and a member of staff's reason for setting the cut-off aside.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct RefundAsk<'a> {
    pub refund_id: Option<Uuid>,
    pub desk: Option<&'a str>,
    pub waiver: Option<&'a str>,
}

fn method_word(m: &Method) -> &'static str {
    match m {
        Method::Cash => "cash",
        Method::Card { .. } => "card",
        Method::Voucher { .. } => "voucher",
        Method::Complimentary { .. } => "complimentary",
        Method::OnAccount { .. } => "account",
    }
}

/// The payment for `row` (priced by the rules at `row.price`) as effects: the voucher used up,
/// the audit line and the money record; or why it is refused. `space` is the space hired.
pub fn take<F: Facts + ?Sized>(
    facts: &mut F,
    pay: &SpacePayment,
    row: &SpaceBookingRecord,
    space: &SpaceRecord,
    ctx: &Ctx,
) -> Result<Result<Vec<Effect>, Refusal>, F::Error> {
    if row.block_id.is_some() {
        return Ok(Err(Refusal::new(
            Code::BlockOnAccount,
            "A block booking is charged to the club's account and invoiced: take no payment at the desk for it.",
        )));
    }
    let desk = match desk_name(&pay.desk) {
        Ok(d) => d,
        Err(r) => return Ok(Err(r)),
    };
    if facts.money(pay.payment_id)?.is_some() {
        return Ok(Err(Refusal::new(
            Code::DuplicatePayment,
            format!("A payment with id {} already exists.", pay.payment_id),
        )));
    }
    if pay.price != row.price {
        return Ok(Err(Refusal::new(
            Code::PriceChanged,
            format!(
                "The price is now {} ({}), not the {} shown: tell the hirer and take payment again.",
                row.price, row.price_reason, pay.price
            ),
        )));
    }
    if let Tender::Complimentary { supervisor_id, .. } = &pay.tender
        && facts.supervises(*supervisor_id, space.centre_id)? == Some(false)
    {
        return Ok(Err(Refusal::new(
            Code::InvalidPayment,
            format!(
                "Staff number {supervisor_id} is not a supervisor at this centre: a complimentary hire needs one to allow it."
            ),
        )));
    }
    let issued = match &pay.tender {
        Tender::Voucher { code } => facts.voucher(&code.trim().to_uppercase())?,
        _ => None,
    };
    let voucher = issued
        .as_ref()
        .filter(|v| v.centre_id == space.centre_id)
        .map(|v| v.voucher());
    let paid = match payment::take(
        row.price,
        pay.tender.clone(),
        voucher.as_ref(),
        ctx.now.date(),
        ctx.staff_id,
    ) {
        Ok(p) => p,
        Err(e) => return Ok(Err(payment_refusal(e))),
    };
    let record = MoneyRecord {
        id: pay.payment_id,
        booking_id: row.id,
        customer_id: row.customer_id,
        centre_id: row.centre_id,
        desk,
        kind: MoneyKind::Payment,
        method: paid.method,
        amount: paid.amount,
        tendered: paid.tendered,
        change: paid.change,
        reason: row.price_reason.clone(),
        at: ctx.now,
        created_at: ctx.at,
        staff_id: ctx.staff_id,
    };
    let mut effects = Vec::new();
    if let (Some(mut v), Some(_)) = (issued, voucher) {
        v.redeemed = true;
        effects.push(Effect::Put(Record::synced(&v)));
    }
    effects.push(Effect::Audit(AuditNote {
        kind: RecordKind::Payment,
        record_id: record.id.to_string(),
        person_id: Some(row.customer_id),
        detail: format!(
            "leisure.book_space: {} by {} for {}",
            record.amount,
            method_word(&record.method),
            space.name
        )
        .to_lowercase(),
    }));
    effects.push(Effect::Put(Record::synced(&record)));
    Ok(Ok(effects))
}

/// What cancelling the paid hire `row` at `now` gives back under the policy's space cut-off,
/// with the payment it goes back against; `None` when nothing was paid at the desk for it.
pub fn refund_due<F: Facts + ?Sized>(
    facts: &mut F,
    row: &SpaceBookingRecord,
    now: chrono::NaiveDateTime,
    waiver: Option<&refund::Waiver>,
) -> Result<Result<Option<RefundDue>, Refusal>, F::Error> {
    let records = facts.money_of_booking(row.id)?;
    let Some(paid) = records.iter().find(|m| m.kind == MoneyKind::Payment).cloned() else {
        return Ok(Ok(None));
    };
    let refunded = Pence(
        records
            .iter()
            .filter(|m| m.kind == MoneyKind::Refund)
            .map(|m| m.amount.0)
            .sum(),
    );
    let Some(policy) = facts
        .settings(row.centre_id)?
        .and_then(|s| s.policy_on(row.starts.date()).cloned())
    else {
        return Ok(Err(Refusal::new(
            Code::NoPolicy,
            format!(
                "Centre {} has no cancellation policy for {}, so the refund cannot be worked out.",
                row.centre_id,
                row.starts.date()
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
        booked: Booked::Space,
        paid: &payment,
        refunded,
        starts_at: row.starts,
    };
    Ok(match refund::refund(&policy, sold, now, waiver) {
        Ok(r) => Ok(Some((r, paid))),
        Err(e) => Err(refund_refusal(e)),
    })
}

/// The refund for cancelling the paid hire `row` (already marked cancelled by the caller, who
/// read it before): effects for the money going back, and the row's price and reason set to
/// what the hire cost in the end. `Ok(None)`: nothing was paid at the desk, the account rule
/// applies.
pub fn refund_on_cancel<F: Facts + ?Sized>(
    facts: &mut F,
    row: &mut SpaceBookingRecord,
    ask: &RefundAsk<'_>,
    ctx: &Ctx,
) -> Result<Result<Option<Vec<Effect>>, Refusal>, F::Error> {
    let waiver = match waiver_of(ask.waiver, ctx) {
        Ok(w) => w,
        Err(r) => return Ok(Err(r)),
    };
    let (refund, paid) = match refund_due(facts, row, ctx.now, waiver.as_ref())? {
        Ok(Some(due)) => due,
        Ok(None) => return Ok(Ok(None)),
        Err(r) => return Ok(Err(r)),
    };
    row.price = Pence(paid.amount.0 - refund.amount.0);
    row.price_reason = format!(
        "{}: {} back by {} of {} paid at the desk",
        refund.reason,
        refund.amount,
        method_word(&refund.to),
        paid.amount
    );
    if refund.amount.0 == 0 {
        // Nothing goes back; the audit says why.
        return Ok(Ok(Some(vec![Effect::Audit(AuditNote {
            kind: RecordKind::Payment,
            record_id: paid.id.to_string(),
            person_id: Some(row.customer_id),
            detail: format!("leisure.cancel_space: {}", refund.reason),
        })])));
    }
    let (Some(refund_id), Some(desk)) = (ask.refund_id, ask.desk) else {
        return Ok(Err(Refusal::new(
            Code::InvalidPayment,
            "This hire was paid at the desk: cancelling it needs the refund's id and the desk giving it back.",
        )));
    };
    let desk = match desk_name(desk) {
        Ok(d) => d,
        Err(r) => return Ok(Err(r)),
    };
    if facts.money(refund_id)?.is_some() {
        return Ok(Err(Refusal::new(
            Code::DuplicatePayment,
            format!("A payment with id {refund_id} already exists."),
        )));
    }
    let record = MoneyRecord {
        id: refund_id,
        booking_id: row.id,
        customer_id: row.customer_id,
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
    let mut effects = Vec::new();
    if let Method::Voucher { code } = &refund.to
        && let Some(mut v) = facts.voucher(code)?
    {
        v.redeemed = false;
        effects.push(Effect::Put(Record::synced(&v)));
    }
    effects.push(Effect::Audit(AuditNote {
        kind: RecordKind::Payment,
        record_id: record.id.to_string(),
        person_id: Some(row.customer_id),
        detail: format!(
            "leisure.cancel_space: {} to {}{}",
            record.amount,
            method_word(&record.method),
            refund.waived_by.map(|_| " (waived)").unwrap_or_default()
        ),
    }));
    effects.push(Effect::Put(Record::synced(&record)));
    Ok(Ok(Some(effects)))
}
