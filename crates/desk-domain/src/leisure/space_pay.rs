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
use super::money::{RefundDue, desk_name, waiver_of};
use super::payment::Tender;
use super::refund::{self, Booked};
use super::space_records::{SpaceBookingRecord, SpaceRecord};
use super::till::{self, method_word};
use crate::effect::Effect;
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
    let taking = till::Taking {
        payment_id: pay.payment_id,
        booking_id: row.id,
        customer_id: row.customer_id,
        centre_id: space.centre_id,
        desk,
        shown: pay.price,
        price: row.price,
        reason: &row.price_reason,
        tender: &pay.tender,
        payer: "hirer",
        item: "hire",
        command: "leisure.book_space",
        audit_suffix: format!(" for {}", space.name.to_lowercase()),
    };
    till::take(facts, taking, ctx)
}

/// What cancelling the paid hire `row` at `now` gives back under the policy's space cut-off,
/// with the payment it goes back against; `None` when nothing was paid at the desk for it.
pub fn refund_due<F: Facts + ?Sized>(
    facts: &mut F,
    row: &SpaceBookingRecord,
    now: chrono::NaiveDateTime,
    waiver: Option<&refund::Waiver>,
) -> Result<Result<Option<RefundDue>, Refusal>, F::Error> {
    till::refund_due(facts, row.id, row.centre_id, row.starts, Booked::Space, now, waiver)
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
    // Nothing goes back: the audit line says why, and no refund's id or desk is needed.
    let (refund_id, desk) = match (refund.amount.0, ask.refund_id, ask.desk) {
        (0, _, _) => (Uuid::nil(), String::new()),
        (_, Some(id), Some(desk)) => match desk_name(desk) {
            Ok(d) => (id, d),
            Err(r) => return Ok(Err(r)),
        },
        _ => {
            return Ok(Err(Refusal::new(
                Code::InvalidPayment,
                "This hire was paid at the desk: cancelling it needs the refund's id and the desk giving it back.",
            )));
        }
    };
    let giving = till::GivingBack {
        refund_id,
        desk,
        booking_id: row.id,
        customer_id: row.customer_id,
        command: "leisure.cancel_space",
    };
    Ok(till::give_back(facts, &refund, &paid, giving, ctx)?.map(Some))
}
