//! The no-show rule, per site: after N no-shows within a period a fee, a booking block, or both
//! (DOMAIN-DETAIL §3.2: Edinburgh £3 each; Stevenage one free in 6 months, then £7 and a block;
//! goactive a second within 30 days blocks for 30 days). A no-show a member of staff waived
//! (with a reason) does not count towards anything.

use chrono::{Duration, NaiveDate, NaiveDateTime};
use serde::{Deserialize, Serialize};

use super::policy::NoShowRule;
use super::refund::Waiver;
use crate::values::Pence;

/// A booked session the customer did not attend.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NoShow {
    pub session_id: i64,
    /// When the session started.
    pub at: NaiveDateTime,
    pub waived: Option<Waiver>,
}

/// What marking one more no-show brings.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Penalty {
    /// No-shows in the period that count, this one included.
    pub strikes: u32,
    pub fee: Option<Pence>,
    /// Advance booking is blocked up to and including this date.
    pub blocked_until: Option<NaiveDate>,
    pub reason: String,
}

fn counted_in_window<'a>(
    rule: &NoShowRule,
    history: &'a [NoShow],
    at: NaiveDateTime,
) -> impl Iterator<Item = &'a NoShow> {
    let from = at - Duration::days(i64::from(rule.period_days));
    history
        .iter()
        .filter(move |n| n.waived.is_none() && n.at > from && n.at <= at)
}

/// The penalty for a no-show at `at`, given the customer's earlier no-shows in `history`.
pub fn penalty(rule: &NoShowRule, history: &[NoShow], at: NaiveDateTime) -> Penalty {
    let strikes = counted_in_window(rule, history, at).filter(|n| n.at < at).count() as u32 + 1;
    let period = rule.period_days;
    if strikes < rule.strikes {
        return Penalty {
            strikes,
            fee: None,
            blocked_until: None,
            reason: format!(
                "No-show {strikes} of {} allowed in {period} days: no penalty yet",
                rule.strikes - 1
            ),
        };
    }
    let blocked_until = (rule.block_days > 0).then(|| at.date() + Duration::days(i64::from(rule.block_days)));
    let mut reason = format!("No-show {strikes} in {period} days");
    if let Some(f) = rule.fee {
        reason.push_str(&format!(": fee {f}"));
    }
    if let Some(u) = blocked_until {
        reason.push_str(&format!(
            "{} no advance booking until {}",
            if rule.fee.is_some() { ";" } else { ":" },
            u.format("%-d %b %Y")
        ));
    }
    Penalty {
        strikes,
        fee: rule.fee,
        blocked_until,
        reason,
    }
}

/// The date advance booking is blocked until on `today`, if it is: the latest block any
/// counted no-show brought. A waived no-show lifts the block it caused.
pub fn blocked_until(rule: &NoShowRule, history: &[NoShow], today: NaiveDate) -> Option<NaiveDate> {
    history
        .iter()
        .filter(|n| n.waived.is_none())
        .filter_map(|n| {
            let earlier: Vec<NoShow> = history.iter().filter(|m| m.at < n.at).cloned().collect();
            penalty(rule, &earlier, n.at).blocked_until
        })
        .filter(|u| *u >= today)
        .max()
}
