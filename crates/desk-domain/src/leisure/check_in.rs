//! Check-in at reception: which of the customer's bookings is for now, and the plain warnings
//! the receptionist must see before letting them in (ClubRight refuses a member who is overdue
//! or whose plan lacks the activity; Gladstone shows debts and messages, DOMAIN-DETAIL §3.4).

use chrono::{Duration, NaiveDate, NaiveDateTime};
use serde::{Deserialize, Serialize};

use super::membership::{Customer, MembershipStatus};
use crate::values::Pence;

/// A booking as check-in sees it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Booked {
    pub session_id: i64,
    pub starts: NaiveDateTime,
    pub ends: NaiveDateTime,
    pub attended: bool,
}

/// The bookings check-in offers at `now`: from `opens_minutes` before their start until they
/// end, not yet attended, soonest first.
pub fn bookings_now(bookings: &[Booked], now: NaiveDateTime, opens_minutes: u32) -> Vec<&Booked> {
    let early = Duration::minutes(i64::from(opens_minutes));
    let mut out: Vec<&Booked> = bookings
        .iter()
        .filter(|b| !b.attended && b.starts - early <= now && now < b.ends)
        .collect();
    out.sort_by_key(|b| (b.starts, b.session_id));
    out
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "kind")]
pub enum Warning {
    MembershipExpired { ended: NaiveDate },
    MembershipFrozen,
    MembershipNotStarted { starts: NaiveDate },
    UnpaidFee { total: Pence },
    NoBooking,
    ConcessionReviewDue { due: NaiveDate },
    BookingBlocked { until: NaiveDate },
}

impl Warning {
    /// What the receptionist reads.
    pub fn message(&self) -> String {
        let day = |d: &NaiveDate| d.format("%-d %b %Y").to_string();
        match self {
            Warning::MembershipExpired { ended } => format!("Membership expired on {}", day(ended)),
            Warning::MembershipFrozen => "Membership is frozen".into(),
            Warning::MembershipNotStarted { starts } => format!("Membership starts on {}", day(starts)),
            Warning::UnpaidFee { total } => format!("Unpaid fees: {total}"),
            Warning::NoBooking => "No booking for now".into(),
            Warning::ConcessionReviewDue { due } => format!("Concession review due {}: ask for evidence", day(due)),
            Warning::BookingBlocked { until } => format!("Advance booking blocked until {}", day(until)),
        }
    }
}

/// What check-in knows about the visit.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Visit<'a> {
    pub customer: &'a Customer,
    /// Bookings found for now ([`bookings_now`]).
    pub bookings_now: usize,
    /// Unpaid no-show fees and other debts.
    pub unpaid: &'a [Pence],
    pub blocked_until: Option<NaiveDate>,
}

/// Every warning for `visit` at `now`, most serious first; `concession_warn_days` from the
/// site's policy.
pub fn warnings(visit: &Visit<'_>, now: NaiveDateTime, concession_warn_days: u32) -> Vec<Warning> {
    let today = now.date();
    let mut out = Vec::new();
    if let Some(m) = &visit.customer.membership {
        match m.status(today) {
            MembershipStatus::Active => {}
            MembershipStatus::Expired { ended } => out.push(Warning::MembershipExpired { ended }),
            MembershipStatus::Frozen => out.push(Warning::MembershipFrozen),
            MembershipStatus::NotStarted { starts } => out.push(Warning::MembershipNotStarted { starts }),
        }
    }
    let total: i64 = visit.unpaid.iter().map(|p| p.0).sum();
    if total > 0 {
        out.push(Warning::UnpaidFee { total: Pence(total) });
    }
    if visit.bookings_now == 0 {
        out.push(Warning::NoBooking);
    }
    let warn_from = today + Duration::days(i64::from(concession_warn_days));
    if let Some(c) = visit.customer.concession.as_ref().filter(|c| c.review_due <= warn_from) {
        out.push(Warning::ConcessionReviewDue { due: c.review_due });
    }
    if let Some(until) = visit.blocked_until.filter(|u| *u >= today) {
        out.push(Warning::BookingBlocked { until });
    }
    out
}
