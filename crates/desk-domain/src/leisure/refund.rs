//! Cancelling with the refund the site's policy gives — in full at least the cut-off before
//! the start, the configured share (usually none) after — unless a member of staff waives the
//! rule with a reason; and moving a booking to another session with the difference paid or
//! refunded. Money always goes back the way it came (Legend: "refund to the original payer").

use chrono::NaiveDateTime;
use serde::{Deserialize, Serialize};

use super::payment::{MAX_TEXT, Method, Payment};
use super::policy::SitePolicy;
use crate::values::Pence;

/// Whether the booking is of a class or activity, or of a space: their cut-offs differ.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Booked {
    Activity,
    Space,
}

/// A member of staff setting the policy aside, with their reason (kept in the audit).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Waiver {
    pub reason: String,
    pub staff_id: i64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Refund {
    pub amount: Pence,
    /// The original payment's method: cash back in cash, a card to its terminal, a voucher
    /// re-credited, an account credited.
    pub to: Method,
    pub reason: String,
    pub waived_by: Option<i64>,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RefundError {
    #[error("the session started at {0}: it can no longer be cancelled or moved")]
    Started(NaiveDateTime),
    #[error("this payment has already been refunded in full")]
    AlreadyRefunded,
    #[error("a waiver needs a reason of at most {MAX_TEXT} characters")]
    WaiverReason,
    #[error("the cut-off for moving this booking was {0}; a member of staff may waive it with a reason")]
    TooLateToMove(NaiveDateTime),
}

fn cutoff(policy: &SitePolicy, booked: Booked, starts_at: NaiveDateTime) -> NaiveDateTime {
    let minutes = match booked {
        Booked::Activity => policy.activity_cutoff_minutes,
        Booked::Space => policy.space_cutoff_minutes,
    };
    starts_at - chrono::Duration::minutes(i64::from(minutes))
}

fn check_waiver(waiver: Option<&Waiver>) -> Result<(), RefundError> {
    match waiver {
        Some(w) if w.reason.trim().is_empty() || w.reason.chars().count() > MAX_TEXT => Err(RefundError::WaiverReason),
        _ => Ok(()),
    }
}

/// A booking as paid for: what it is, how it was paid, what has gone back already, and when
/// it starts.
#[derive(Debug, Clone, Copy)]
pub struct Sold<'a> {
    pub booked: Booked,
    pub paid: &'a Payment,
    pub refunded: Pence,
    pub starts_at: NaiveDateTime,
}

/// What cancelling `sold` at `now` refunds.
pub fn refund(
    policy: &SitePolicy,
    sold: Sold<'_>,
    now: NaiveDateTime,
    waiver: Option<&Waiver>,
) -> Result<Refund, RefundError> {
    let Sold {
        booked,
        paid,
        refunded,
        starts_at,
    } = sold;
    if now >= starts_at {
        return Err(RefundError::Started(starts_at));
    }
    check_waiver(waiver)?;
    let left = Pence(paid.amount.0 - refunded.0);
    if left.0 <= 0 && paid.amount.0 > 0 {
        return Err(RefundError::AlreadyRefunded);
    }
    let cut = cutoff(policy, booked, starts_at);
    let when = cut.format("%H:%M on %-d %b");
    let (amount, reason, waived_by) = if let Method::Complimentary { .. } = paid.method {
        (Pence(0), "Complimentary: nothing was paid".to_owned(), None)
    } else if now <= cut {
        (
            left,
            format!("Cancelled before the cut-off ({when}): full refund"),
            None,
        )
    } else if let Some(w) = waiver {
        (
            left,
            format!("Late cancellation waived: {}", w.reason.trim()),
            Some(w.staff_id),
        )
    } else {
        // Rounded down: the policy's share never over-refunds by a penny.
        let share = left.0 * i64::from(policy.late_refund_percent) / 100;
        let reason = if share == 0 {
            format!("Cancelled after the cut-off ({when}): no refund")
        } else {
            format!(
                "Cancelled after the cut-off ({when}): {}% refund",
                policy.late_refund_percent
            )
        };
        (Pence(share), reason, None)
    };
    Ok(Refund {
        amount,
        to: paid.method.clone(),
        reason,
        waived_by,
    })
}

/// The money side of moving a booking to another session.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "kind")]
pub enum Difference {
    Even,
    /// The new session costs more: the customer pays this.
    Pay {
        amount: Pence,
    },
    /// It costs less: this goes back the way the first was paid.
    Refund {
        amount: Pence,
        to: Method,
    },
}

/// Moving `sold`, at `now`, to a session priced `new_price` for this customer: allowed up to
/// the cancellation cut-off (Live Active: "may move if more than 3 hours before"), later only
/// with a waiver.
pub fn transfer(
    policy: &SitePolicy,
    sold: Sold<'_>,
    new_price: Pence,
    now: NaiveDateTime,
    waiver: Option<&Waiver>,
) -> Result<Difference, RefundError> {
    let Sold {
        booked,
        paid,
        refunded,
        starts_at,
    } = sold;
    if now >= starts_at {
        return Err(RefundError::Started(starts_at));
    }
    check_waiver(waiver)?;
    let cut = cutoff(policy, booked, starts_at);
    if now > cut && waiver.is_none() {
        return Err(RefundError::TooLateToMove(cut));
    }
    // A complimentary place was given for that session only: the new one is paid for.
    let held = match paid.method {
        Method::Complimentary { .. } => 0,
        _ => paid.amount.0 - refunded.0,
    };
    let diff = new_price.0 - held;
    Ok(match diff {
        0 => Difference::Even,
        d if d > 0 => Difference::Pay { amount: Pence(d) },
        d => Difference::Refund {
            amount: Pence(-d),
            to: paid.method.clone(),
        },
    })
}
