//! Places in a leisure session: what "full" means, who may book, and what to offer instead.
//! The desk runs these against its replica plus its pending overlay; the server runs them
//! inside the transaction that applies the command, which is the answer that counts.

use chrono::{Duration, NaiveDateTime};

use super::Code;
use crate::entities::{BookingStatus, Session};
use crate::refusal::Refusal;
use crate::wire::Alternative;

/// Alternatives offered are sessions starting within this many days after the one refused.
pub const ALTERNATIVE_WINDOW_DAYS: i64 = 7;
/// At most this many other sessions are offered, soonest first.
pub const MAX_ALTERNATIVE_SESSIONS: usize = 3;

/// Places left in a session; never negative, even if capacity was cut below bookings.
pub fn spaces(session: &Session) -> u32 {
    session.capacity.saturating_sub(session.booked)
}

/// A session is full when every place is taken. A waiting list does not make it fuller.
pub fn is_full(session: &Session) -> bool {
    session.booked >= session.capacity
}

fn bookable(session: &Session, now: NaiveDateTime) -> Result<(), Refusal> {
    if session.cancelled {
        return Err(Refusal::new(
            Code::SessionCancelled,
            format!("{} at {} has been cancelled.", session.activity_name, when(session)),
        ));
    }
    if session.starts_at <= now {
        return Err(Refusal::new(
            Code::SessionStarted,
            format!("{} at {} has already started.", session.activity_name, when(session)),
        ));
    }
    Ok(())
}

fn not_already_in(session: &Session, existing: Option<BookingStatus>) -> Result<(), Refusal> {
    match existing {
        Some(BookingStatus::Booked) => Err(Refusal::new(
            Code::AlreadyBooked,
            format!(
                "This customer already has a place in {} at {}.",
                session.activity_name,
                when(session)
            ),
        )),
        Some(BookingStatus::Offered) => Err(Refusal::new(
            Code::AlreadyWaiting,
            format!(
                "This customer has been offered a place in {} at {}: accept the offer instead.",
                session.activity_name,
                when(session)
            ),
        )),
        Some(BookingStatus::Waiting) => Err(Refusal::new(
            Code::AlreadyWaiting,
            format!(
                "This customer is already on the waiting list for {} at {}.",
                session.activity_name,
                when(session)
            ),
        )),
        Some(BookingStatus::Cancelled) | None => Ok(()),
    }
}

/// May this customer (whose live booking in the session, if any, is `existing`) take a place?
pub fn check_book(session: &Session, existing: Option<BookingStatus>, now: NaiveDateTime) -> Result<(), Refusal> {
    bookable(session, now)?;
    not_already_in(session, existing)?;
    if is_full(session) {
        return Err(Refusal::new(
            Code::SessionFull,
            format!(
                "{} at {} is full: all {} places were taken before this booking reached the server.",
                session.activity_name,
                when(session),
                session.capacity
            ),
        ));
    }
    Ok(())
}

/// May this customer join the waiting list? Only a full session has one: with places left, the
/// right answer is to book.
pub fn check_join_waiting_list(
    session: &Session,
    existing: Option<BookingStatus>,
    now: NaiveDateTime,
) -> Result<(), Refusal> {
    bookable(session, now)?;
    not_already_in(session, existing)?;
    if !is_full(session) {
        return Err(Refusal::new(
            Code::PlacesAvailable,
            format!(
                "{} at {} has {} place(s) free, so the customer can be booked in instead.",
                session.activity_name,
                when(session),
                spaces(session)
            ),
        ));
    }
    Ok(())
}

/// What cancelling a booking does to its session.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CancelEffect {
    /// A booked place is freed. If anyone is waiting, the first of them takes it.
    FreePlace { promote_first_waiting: bool },
    /// A waiting-list entry is removed; no place changes hands.
    LeaveWaitingList,
}

pub fn check_cancel(session: &Session, status: BookingStatus, now: NaiveDateTime) -> Result<CancelEffect, Refusal> {
    if session.starts_at <= now {
        return Err(Refusal::new(
            Code::SessionStarted,
            format!(
                "{} at {} has already started, so the booking cannot be cancelled.",
                session.activity_name,
                when(session)
            ),
        ));
    }
    match status {
        BookingStatus::Cancelled => Err(Refusal::new(
            Code::AlreadyCancelled,
            "This booking was already cancelled.",
        )),
        BookingStatus::Waiting => Ok(CancelEffect::LeaveWaitingList),
        BookingStatus::Booked | BookingStatus::Offered => Ok(CancelEffect::FreePlace {
            promote_first_waiting: session.waiting > 0 && !session.cancelled,
        }),
    }
}

/// What to offer when a booking is refused because `session` is full: its waiting list, then
/// other sessions of the same activity at the same centre that have space, start after `now`
/// and no later than [`ALTERNATIVE_WINDOW_DAYS`] after the refused one, soonest first.
/// `candidates` may hold anything; the rule filters it.
pub fn alternatives<'a>(
    session: &Session,
    candidates: impl IntoIterator<Item = &'a Session>,
    now: NaiveDateTime,
) -> Vec<Alternative> {
    let mut out = Vec::new();
    if bookable(session, now).is_ok() {
        out.push(Alternative::JoinWaitingList { session_id: session.id });
    }
    let until = session.starts_at + Duration::days(ALTERNATIVE_WINDOW_DAYS);
    let mut others: Vec<&Session> = candidates
        .into_iter()
        .filter(|c| {
            c.id != session.id
                && c.activity_id == session.activity_id
                && c.centre_id == session.centre_id
                && !c.cancelled
                && c.starts_at > now
                && c.starts_at <= until
                && !is_full(c)
        })
        .collect();
    others.sort_by_key(|c| (c.starts_at, c.id));
    out.extend(
        others
            .into_iter()
            .take(MAX_ALTERNATIVE_SESSIONS)
            .map(|c| Alternative::BookSession {
                session_id: c.id,
                starts_at: c.starts_at,
                activity_name: c.activity_name.clone(),
                spaces: spaces(c),
            }),
    );
    out
}

fn when(session: &Session) -> String {
    session.starts_at.format("%H:%M on %a %-d %b").to_string()
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::NaiveDate;

    fn at(d: u32, h: u32) -> NaiveDateTime {
        NaiveDate::from_ymd_opt(2026, 12, d)
            .unwrap()
            .and_hms_opt(h, 0, 0)
            .unwrap()
    }

    fn session(id: i64, starts_at: NaiveDateTime, capacity: u32, booked: u32) -> Session {
        Session {
            id,
            centre_id: 1,
            activity_id: 10,
            activity_name: "Aqua fit".into(),
            starts_at,
            duration_minutes: 45,
            capacity,
            booked,
            waiting: 0,
            location: "Pool".into(),
            instructor: "Seònaid".into(),
            cancelled: false,
        }
    }

    #[test]
    fn full_means_every_place_taken() {
        assert!(!is_full(&session(1, at(2, 9), 20, 19)));
        assert!(is_full(&session(1, at(2, 9), 20, 20)));
        assert!(
            is_full(&session(1, at(2, 9), 10, 12)),
            "capacity cut below bookings is still full"
        );
        assert_eq!(spaces(&session(1, at(2, 9), 10, 12)), 0);
    }

    #[test]
    fn booking_rules_table() {
        let now = at(1, 12);
        type Case = (&'static str, Session, Option<BookingStatus>, Result<(), &'static str>);
        let cases: Vec<Case> = vec![
            ("space", session(1, at(2, 9), 20, 3), None, Ok(())),
            ("last place", session(1, at(2, 9), 20, 19), None, Ok(())),
            ("full", session(1, at(2, 9), 20, 20), None, Err("session_full")),
            (
                "twice",
                session(1, at(2, 9), 20, 3),
                Some(BookingStatus::Booked),
                Err("already_booked"),
            ),
            (
                "waiting",
                session(1, at(2, 9), 20, 3),
                Some(BookingStatus::Waiting),
                Err("already_waiting"),
            ),
            (
                "rebook after cancel",
                session(1, at(2, 9), 20, 3),
                Some(BookingStatus::Cancelled),
                Ok(()),
            ),
            ("started", session(1, at(1, 12), 20, 3), None, Err("session_started")),
            (
                "cancelled",
                Session {
                    cancelled: true,
                    ..session(1, at(2, 9), 20, 3)
                },
                None,
                Err("session_cancelled"),
            ),
        ];
        for (name, s, existing, want) in cases {
            let got = check_book(&s, existing, now).map_err(|r| r.code.as_str());
            assert_eq!(got, want, "case {name}");
        }
    }

    #[test]
    fn waiting_list_only_for_full_sessions() {
        let now = at(1, 12);
        assert_eq!(
            check_join_waiting_list(&session(1, at(2, 9), 20, 20), None, now),
            Ok(())
        );
        assert_eq!(
            check_join_waiting_list(&session(1, at(2, 9), 20, 5), None, now)
                .unwrap_err()
                .code
                .as_str(),
            "places_available"
        );
    }

    #[test]
    fn cancelling_frees_a_place_for_the_first_waiting() {
        let now = at(1, 12);
        let mut s = session(1, at(2, 9), 20, 20);
        assert_eq!(
            check_cancel(&s, BookingStatus::Booked, now),
            Ok(CancelEffect::FreePlace {
                promote_first_waiting: false
            })
        );
        s.waiting = 2;
        assert_eq!(
            check_cancel(&s, BookingStatus::Booked, now),
            Ok(CancelEffect::FreePlace {
                promote_first_waiting: true
            })
        );
        assert_eq!(
            check_cancel(&s, BookingStatus::Waiting, now),
            Ok(CancelEffect::LeaveWaitingList)
        );
        assert_eq!(
            check_cancel(&s, BookingStatus::Cancelled, now)
                .unwrap_err()
                .code
                .as_str(),
            "already_cancelled"
        );
    }

    #[test]
    fn alternatives_are_waiting_list_then_nearby_sessions_with_space() {
        let now = at(1, 12);
        let full = session(1, at(2, 9), 20, 20);
        let mut other_activity = session(5, at(3, 9), 20, 0);
        other_activity.activity_id = 11;
        let mut other_centre = session(6, at(3, 9), 20, 0);
        other_centre.centre_id = 2;
        let candidates = vec![
            session(2, at(4, 9), 20, 20),  // full
            session(3, at(9, 9), 20, 1),   // day 7 after: inside
            session(4, at(10, 9), 20, 1),  // beyond 7 days
            session(7, at(3, 18), 20, 19), // one space, sooner
            session(8, at(1, 9), 20, 0),   // already started
            other_activity,
            other_centre,
            full.clone(),
        ];
        let alts = alternatives(&full, &candidates, now);
        let ids: Vec<i64> = alts
            .iter()
            .map(|a| match a {
                Alternative::JoinWaitingList { session_id } => -session_id,
                Alternative::BookSession { session_id, .. } => *session_id,
                other => panic!("a booking was offered {other:?}"),
            })
            .collect();
        assert_eq!(ids, vec![-1, 7, 3]);
        assert!(matches!(alts[1], Alternative::BookSession { spaces: 1, .. }));
    }

    #[test]
    fn at_most_three_sessions_are_offered() {
        let now = at(1, 12);
        let full = session(1, at(2, 9), 20, 20);
        let candidates: Vec<Session> = (0..6).map(|i| session(10 + i, at(3 + i as u32, 9), 20, 0)).collect();
        assert_eq!(
            alternatives(&full, &candidates, now).len(),
            1 + MAX_ALTERNATIVE_SESSIONS
        );
    }
}
