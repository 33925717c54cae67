//! Booking windows: how far ahead a session may be booked, members earlier than others, and the
//! time of day a new day's sessions are released (Gladstone's "Booking Release Time"; Live
//! Active: members 14 days, PAYG 7; DOMAIN-DETAIL §3.2, §3.4). From the site's policy.

use chrono::{Duration, NaiveDateTime, NaiveTime};

use super::policy::SitePolicy;

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
