//! Booking windows: how far ahead a session may be booked, members earlier than others, and the
//! time of day a new day's sessions are released (Gladstone's "Booking Release Time"; Live
//! Active: members 14 days, PAYG 7; DOMAIN-DETAIL §3.2, §3.4). From the site's policy.

use chrono::{Duration, NaiveDateTime, NaiveTime};
use serde::{Deserialize, Serialize};

use super::Code;
use super::decide::Facts;
use super::policy::SitePolicy;
use crate::Session;
use crate::refusal::Refusal;

#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("bookings for this session open at {opens}")]
pub struct NotYetOpen {
    pub opens: NaiveDateTime,
}

/// When a session starting `starts` opens for booking: its date less the window's days, at the
/// release time (midnight when none is set).
pub fn opens_at(policy: &SitePolicy, starts: NaiveDateTime, member: bool) -> NaiveDateTime {
    let days = if member {
        policy.member_days_ahead
    } else {
        policy.days_ahead
    };
    (starts.date() - Duration::days(i64::from(days))).and_time(policy.release_time.unwrap_or(NaiveTime::MIN))
}

/// May a session starting `starts` be booked at `now`? (Whether it has started is the booking
/// rule's question, [`super::rules::check_book`].)
pub fn check_window(
    policy: &SitePolicy,
    starts: NaiveDateTime,
    now: NaiveDateTime,
    member: bool,
) -> Result<(), NotYetOpen> {
    let opens = opens_at(policy, starts, member);
    if now < opens {
        return Err(NotYetOpen { opens });
    }
    Ok(())
}

/// When a session not yet open to everyone opens, to members and to everyone else: what the
/// desk shows beside it, so a receptionist can say "members from 07:00 Tuesday" before trying.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Opens {
    pub members: NaiveDateTime,
    pub everyone: NaiveDateTime,
}

/// `None` once everyone may book a session starting `starts`.
pub fn not_yet_open(policy: &SitePolicy, starts: NaiveDateTime, now: NaiveDateTime) -> Option<Opens> {
    let everyone = opens_at(policy, starts, false);
    (now < everyone).then(|| Opens {
        members: opens_at(policy, starts, true),
        everyone,
    })
}

/// The refusal of a booking before its window opens for this customer, in words a
/// receptionist can read out: when it opens, and the window for members and for everyone.
pub fn refusal(policy: &SitePolicy, starts: NaiveDateTime, e: NotYetOpen) -> Refusal {
    Refusal::new(
        Code::NotYetOpen,
        format!(
            "Bookings for {} open at {} ({} days ahead for members, {} for everyone else).",
            starts.format("%a %-d %b"),
            e.opens.format("%H:%M on %a %-d %b"),
            policy.member_days_ahead,
            policy.days_ahead
        ),
    )
}

/// The window's refusal of `customer_id` booking `session` at `now`, if any: members (a
/// membership active on the session's day) book earlier. A centre with no policy for that day
/// has no window, as before windows were configured.
pub(super) fn check_session<F: Facts + ?Sized>(
    facts: &mut F,
    customer_id: i64,
    session: &Session,
    now: NaiveDateTime,
) -> Result<Option<Refusal>, F::Error> {
    let day = session.starts_at.date();
    let Some(policy) = facts
        .settings(session.centre_id)?
        .and_then(|s| s.policy_on(day).cloned())
    else {
        return Ok(None);
    };
    if not_yet_open(&policy, session.starts_at, now).is_none() {
        return Ok(None);
    }
    let member = facts
        .entitlement(customer_id)?
        .and_then(|e| e.membership)
        .is_some_and(|m| m.is_active(day));
    Ok(check_window(&policy, session.starts_at, now, member)
        .err()
        .map(|e| refusal(&policy, session.starts_at, e)))
}
