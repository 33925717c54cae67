//! The till: money taken at the desk for a booking and given back when it is cancelled — one
//! set of checks and one shape of records for a class place ([`super::money`]) and a space hire
//! ([`super::space_pay`]) alike, so the cash-up counts both the same way and a rule about money
//! is written once.

use chrono::NaiveDateTime;
use uuid::Uuid;

use super::Code;
use super::decide::Facts;
use super::money::{RefundDue, payment_refusal, refund_refusal};
use super::payment::{self, Method, Tender};
use super::records::{MoneyKind, MoneyRecord};
use super::refund::{self, Booked, Refund, Sold, Waiver};
use crate::effect::{AuditNote, Effect, Record, RecordKind};
use crate::refusal::Refusal;
use crate::service::Ctx;
use crate::values::Pence;

/// The word for how money was paid or goes back, as audit lines and receipts say it.
pub fn method_word(m: &Method) -> &'static str {
    match m {
        Method::Cash => "cash",
        Method::Card { .. } => "card",
        Method::Voucher { .. } => "voucher",
        Method::Complimentary { .. } => "complimentary",
        Method::OnAccount { .. } => "account",
    }
}

/// A payment to take for a booking already decided: the price the desk showed and the rules'
/// price with its reason, the tender, and who the words speak of.
pub(super) struct Taking<'a> {
    pub payment_id: Uuid,
    pub booking_id: Uuid,
    pub customer_id: i64,
    pub centre_id: i64,
    /// The desk (till) taking it, already checked ([`super::money::desk_name`]).
    pub desk: String,
    pub shown: Pence,
    pub price: Pence,
    pub reason: &'a str,
    pub tender: &'a Tender,
    /// `customer` or `hirer`; `place` or `hire`.
    pub payer: &'a str,
    pub item: &'a str,
    /// The audit line: the command's name, and what follows the amount and method.
    pub command: &'a str,
    pub audit_suffix: String,
}

/// The payment as effects — a voucher used up, the audit line, the money record — or why it is
/// refused: an id already used, a price that changed since the desk showed it, a complimentary
/// one without a supervisor of the centre, or a tender [`payment::take`] refuses.
pub(super) fn take<F: Facts + ?Sized>(
    facts: &mut F,
    t: Taking<'_>,
    ctx: &Ctx,
) -> Result<Result<Vec<Effect>, Refusal>, F::Error> {
    if facts.money(t.payment_id)?.is_some() {
        return Ok(Err(Refusal::new(
            Code::DuplicatePayment,
            format!("A payment with id {} already exists.", t.payment_id),
        )));
    }
    if t.shown != t.price {
        return Ok(Err(Refusal::new(
            Code::PriceChanged,
            format!(
                "The price is now {} ({}), not the {} shown: tell the {} and take payment again.",
                t.price, t.reason, t.shown, t.payer
            ),
        )));
    }
    if let Tender::Complimentary { supervisor_id, .. } = t.tender
        && facts.supervises(*supervisor_id, t.centre_id)? == Some(false)
    {
        return Ok(Err(Refusal::new(
            Code::InvalidPayment,
            format!(
                "Staff number {supervisor_id} is not a supervisor at this centre: a complimentary {} needs one to allow it.",
                t.item
            ),
        )));
    }
    let issued = match t.tender {
        Tender::Voucher { code } => facts.voucher(&code.trim().to_uppercase())?,
        _ => None,
    };
    let voucher = issued
        .as_ref()
        .filter(|v| v.centre_id == t.centre_id)
        .map(|v| v.voucher());
    let paid = match payment::take(
        t.price,
        t.tender.clone(),
        voucher.as_ref(),
        ctx.now.date(),
        ctx.staff_id,
    ) {
        Ok(p) => p,
        Err(e) => return Ok(Err(payment_refusal(e))),
    };
    let record = MoneyRecord {
        id: t.payment_id,
        booking_id: t.booking_id,
        customer_id: t.customer_id,
        centre_id: t.centre_id,
        desk: t.desk,
        kind: MoneyKind::Payment,
        method: paid.method,
        amount: paid.amount,
        tendered: paid.tendered,
        change: paid.change,
        reason: t.reason.to_owned(),
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
        person_id: Some(t.customer_id),
        detail: format!(
            "{}: {} by {}{}",
            t.command,
            record.amount,
            method_word(&record.method),
            t.audit_suffix
        ),
    }));
    effects.push(Effect::Put(Record::synced(&record)));
    Ok(Ok(effects))
}

/// What cancelling booking `booking_id` (starting `starts_at` at `centre_id`) at `now` gives
/// back under the centre's policy for that day: `None` when nothing was paid for it; with the
/// payment it goes back against (paid here, or carried in by a transfer — the first money in
/// names the way it goes back).
#[allow(clippy::too_many_arguments)]
pub(super) fn refund_due<F: Facts + ?Sized>(
    facts: &mut F,
    booking_id: Uuid,
    centre_id: i64,
    starts_at: NaiveDateTime,
    booked: Booked,
    now: NaiveDateTime,
    waiver: Option<&Waiver>,
) -> Result<Result<Option<RefundDue>, Refusal>, F::Error> {
    let records = facts.money_of_booking(booking_id)?;
    let in_ = |k: MoneyKind| matches!(k, MoneyKind::Payment | MoneyKind::TransferIn);
    let Some(paid) = records.iter().find(|m| in_(m.kind)).cloned() else {
        return Ok(Ok(None));
    };
    let total =
        |pick: &dyn Fn(MoneyKind) -> bool| Pence(records.iter().filter(|m| pick(m.kind)).map(|m| m.amount.0).sum());
    let refunded = total(&|k| !in_(k));
    let paid = MoneyRecord {
        amount: total(&in_),
        ..paid
    };
    let Some(policy) = facts
        .settings(centre_id)?
        .and_then(|s| s.policy_on(starts_at.date()).cloned())
    else {
        return Ok(Err(Refusal::new(
            Code::NoPolicy,
            format!(
                "Centre {centre_id} has no cancellation policy for {}, so the refund cannot be worked out.",
                starts_at.date()
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
        booked,
        paid: &payment,
        refunded,
        starts_at,
    };
    Ok(match refund::refund(&policy, sold, now, waiver) {
        Ok(r) => Ok(Some((r, paid))),
        Err(e) => Err(refund_refusal(e)),
    })
}

/// A refund to give back for a cancelled booking: its id and desk, and the command's name for
/// the audit line.
pub(super) struct GivingBack<'a> {
    pub refund_id: Uuid,
    pub desk: String,
    pub booking_id: Uuid,
    pub customer_id: i64,
    pub command: &'a str,
}

/// The refund `refund` of the payment `paid` as effects: a voucher re-credited, the audit line
/// and the refund's money record; or a refusal when its id is taken. A refund of nothing is an
/// audit line saying why, and no money record.
pub(super) fn give_back<F: Facts + ?Sized>(
    facts: &mut F,
    refund: &Refund,
    paid: &MoneyRecord,
    g: GivingBack<'_>,
    ctx: &Ctx,
) -> Result<Result<Vec<Effect>, Refusal>, F::Error> {
    if refund.amount.0 == 0 {
        return Ok(Ok(vec![Effect::Audit(AuditNote {
            kind: RecordKind::Payment,
            record_id: paid.id.to_string(),
            person_id: Some(g.customer_id),
            detail: format!("{}: {}", g.command, refund.reason),
        })]));
    }
    if facts.money(g.refund_id)?.is_some() {
        return Ok(Err(Refusal::new(
            Code::DuplicatePayment,
            format!("A payment with id {} already exists.", g.refund_id),
        )));
    }
    let record = MoneyRecord {
        id: g.refund_id,
        booking_id: g.booking_id,
        customer_id: g.customer_id,
        centre_id: paid.centre_id,
        desk: g.desk,
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
        person_id: Some(g.customer_id),
        detail: format!(
            "{}: {} to {}{}",
            g.command,
            record.amount,
            method_word(&record.method),
            refund.waived_by.map(|_| " (waived)").unwrap_or_default()
        ),
    }));
    effects.push(Effect::Put(Record::synced(&record)));
    Ok(Ok(effects))
}
