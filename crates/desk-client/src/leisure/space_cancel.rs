//! What cancelling a space hire would give back or charge, for the receptionist to read out
//! before confirming. Worked out by deciding `leisure.cancel_space` against this desk's facts
//! and recording nothing: the refund and the late charge come from the one rule the command
//! itself runs (`space_cmd::cancel_space`), so the quote cannot say other than the cancel does.

use desk_domain::effect::Effect;
use desk_domain::leisure::records::{MoneyKind, MoneyRecord};
use desk_domain::leisure::space_cmd::CancelSpace;
use desk_domain::leisure::space_records::SpaceBookingRecord;
use desk_domain::{Channel, Command, Ctx, Synced};
use rusqlite::Connection;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::money_reads;
use super::pay::method_words;
use super::spaces::{SpaceBookingView, booking_view};
use super::{Leisure, space_reads};
use crate::DeskError;
use crate::desk::{local_now, staff_of};
use crate::overlay;

/// Cancelling a hire now, as it stands and as it would be with a member of staff's waiver.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct SpaceCancelQuote {
    pub booking: SpaceBookingView,
    /// How the hire was paid, in words ("Cash", "Card, terminal …"); "Charged to the hirer's
    /// account" when nothing was paid at the desk.
    pub paid_by: String,
    /// What was paid at the desk, or is charged to the account.
    pub price_pence: i64,
    pub outcome: CancelOutcome,
    /// The same cancel with a waiver, when a waiver would change it (after the cut-off).
    pub waived: Option<CancelOutcome>,
}

/// What one way of cancelling gives back and keeps.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct CancelOutcome {
    /// Money going back the way it was paid.
    pub refund_pence: i64,
    /// What the hire still costs after cancelling: kept from the payment, or still charged to
    /// the account.
    pub kept_pence: i64,
    /// The policy's words, before or after the cut-off.
    pub reason: String,
}

/// `leisure.cancel_space` decided against the desk's facts at `ctx`, nothing written.
fn outcome(conn: &Connection, booking_id: Uuid, waiver: Option<&str>, ctx: &Ctx) -> Result<CancelOutcome, DeskError> {
    let cmd = Command::from(CancelSpace {
        booking_id,
        refund_id: Some(Uuid::now_v7()),
        desk: Some("quote".into()),
        waiver: waiver.map(str::to_owned),
    });
    let effects = match overlay::decide(conn, &cmd, ctx)? {
        Ok(effects) => effects,
        Err(refusal) if refusal.code.is_missing_record() => return Err(DeskError::NotFound(refusal.message)),
        Err(refusal) => return Err(refusal.into()),
    };
    let mut refund_pence = 0;
    // Money going back carries the policy's own words; otherwise the booking's say what is kept.
    let mut refund_reason = None;
    let mut row: Option<SpaceBookingRecord> = None;
    for e in &effects {
        let Effect::Put(r) = e else { continue };
        if r.table == SpaceBookingRecord::TABLE {
            row = Some(r.parse().map_err(|e| DeskError::Store(e.to_string()))?);
        } else if r.table == MoneyRecord::TABLE {
            let m: MoneyRecord = r.parse().map_err(|e| DeskError::Store(e.to_string()))?;
            if m.kind == MoneyKind::Refund {
                refund_pence += m.amount.0;
                refund_reason = Some(m.reason);
            }
        }
    }
    let row = row.ok_or_else(|| DeskError::Store(format!("cancelling {booking_id} changed no booking")))?;
    Ok(CancelOutcome {
        refund_pence,
        kept_pence: row.price.0,
        reason: refund_reason.unwrap_or_else(|| super::space_pay::capitalised(&row.price_reason)),
    })
}

impl Leisure<'_> {
    /// What cancelling the space booking now would refund or charge, and what a waiver would
    /// change; refused as the cancel would be (already cancelled, started). Offline, from the
    /// replica.
    pub async fn space_cancel_quote(&self, booking_id: Uuid) -> Result<SpaceCancelQuote, DeskError> {
        if booking_id.is_nil() {
            return Err(DeskError::invalid("The booking id must not be empty."));
        }
        self.desk
            .db(move |conn| {
                if space_reads::space_booking(conn, booking_id)?.is_none() {
                    return Err(DeskError::NotFound(format!(
                        "Space booking {booking_id} is not on this desk."
                    )));
                }
                let booking = booking_view(conn, booking_id)?;
                let ctx = Ctx {
                    now: local_now(),
                    at: chrono::Utc::now(),
                    staff_id: staff_of(conn)?,
                    channel: Channel::FaceToFace,
                };
                let now = outcome(conn, booking_id, None, &ctx)?;
                // Who waives and why change nothing in the amount; the cancel records the real ones.
                let waived = outcome(conn, booking_id, Some("waived"), &ctx)?;
                let paid = money_reads::money_of_booking(conn, booking_id)?
                    .into_iter()
                    .map(|(m, _)| m)
                    .find(|m| m.kind == MoneyKind::Payment);
                let (paid_by, price_pence) = match &paid {
                    Some(m) => (method_words(&m.method), m.amount.0),
                    None => ("Charged to the hirer's account".to_owned(), booking.price_pence),
                };
                let waived =
                    (waived.refund_pence != now.refund_pence || waived.kept_pence != now.kept_pence).then_some(waived);
                Ok(SpaceCancelQuote {
                    booking,
                    paid_by,
                    price_pence,
                    outcome: now,
                    waived,
                })
            })
            .await
    }
}
