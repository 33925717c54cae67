//! Waiting-list offers behind commands (issue 11 §5): a freed place is offered to the first
//! person waiting and held for the site's hold time; the desk phones them and records
//! `leisure.accept_offer` or `leisure.decline_offer`; an offer that runs out passes to the next
//! person ([`expire_offers`], run by the server's sweep, the authority for expiry). The state
//! changes are the pure [`super::offers::WaitingList`]'s; this module reads the session's
//! bookings, runs it and writes what changed as booking records and the session's counts.

use chrono::{NaiveDateTime, Timelike};
use uuid::Uuid;

use super::Code;
use super::command::{AcceptOffer, DeclineOffer};
use super::decide::{Facts, booking_audit, out_of_scope, session_count};
use super::offers::{Entry, Event, State, WaitingList};
use crate::effect::{Effect, Record};
use crate::refusal::Refusal;
use crate::service::{Ctx, Decision};
use crate::{Booking, BookingStatus, Bucket, OfferOutcome, Session};

/// How long a place freed at `now` is held: the site's `offer_hold_minutes` on the session's
/// day. A centre with no policy holds it until the session starts (the longest the rule
/// allows: [`WaitingList`] never holds past the start).
fn hold_minutes<F: Facts + ?Sized>(facts: &mut F, session: &Session, now: NaiveDateTime) -> Result<u32, F::Error> {
    let configured = facts
        .settings(session.centre_id)?
        .and_then(|s| s.policy_on(session.starts_at.date()).map(|p| p.offer_hold_minutes));
    Ok(configured.unwrap_or_else(|| {
        let to_start = (session.starts_at - now).num_minutes().max(0);
        u32::try_from(to_start).unwrap_or(u32::MAX)
    }))
}

/// The session's waiting list in joining order (waiting and offered bookings), leaving out
/// `except` (a booking the command is cancelling).
fn waiting_list(session: &Session, bookings: &[Booking], hold_minutes: u32, except: Option<Uuid>) -> WaitingList {
    let mut live: Vec<&Booking> = bookings
        .iter()
        .filter(|b| Some(b.id) != except)
        .filter(|b| matches!(b.status, BookingStatus::Waiting | BookingStatus::Offered))
        .collect();
    live.sort_by_key(|b| (b.waiting_position, b.created_at, b.id));
    WaitingList {
        session_starts: session.starts_at,
        hold_minutes,
        entries: live
            .iter()
            .map(|b| Entry {
                customer_id: b.customer_id,
                state: match b.status {
                    BookingStatus::Offered => State::Offered {
                        until: b.offer_until.unwrap_or(session.starts_at),
                    },
                    _ => State::Waiting,
                },
            })
            .collect(),
    }
}

/// What the events did to the session's bookings: each changed booking's record (and audit),
/// and the counts' deltas (booked, waiting). An offered place is held: it counts as booked
/// and no longer as waiting; an offer that ends untaken frees the place again.
fn written(bookings: &[Booking], events: &[Event], why: &str) -> (Vec<Effect>, i64, i64) {
    let (mut effects, mut booked, mut waiting) = (Vec::new(), 0, 0);
    let live = |customer_id: i64| {
        bookings
            .iter()
            .find(|b| {
                b.customer_id == customer_id && matches!(b.status, BookingStatus::Waiting | BookingStatus::Offered)
            })
            .cloned()
    };
    for event in events {
        let (b, note) = match *event {
            Event::Offered { customer_id, until } => {
                let Some(mut b) = live(customer_id) else { continue };
                b.status = BookingStatus::Offered;
                // Whole seconds: both stores keep them, so desk and server hold the same time.
                b.offer_until = Some(until.with_nanosecond(0).unwrap_or(until));
                booked += 1;
                waiting -= 1;
                (b, format!("{why}: offered a freed place"))
            }
            Event::Accepted { customer_id } => {
                let Some(mut b) = live(customer_id) else { continue };
                b.status = BookingStatus::Booked;
                b.waiting_position = 0;
                (b, format!("{why}: took the place offered"))
            }
            Event::Declined { customer_id } | Event::Expired { customer_id } => {
                let Some(mut b) = live(customer_id) else { continue };
                let outcome = match event {
                    Event::Declined { .. } => OfferOutcome::Declined,
                    _ => OfferOutcome::Expired,
                };
                b.status = BookingStatus::Cancelled;
                b.waiting_position = 0;
                b.offer_outcome = Some(outcome);
                booked -= 1;
                (b, format!("{why}: offer {}", outcome.as_str()))
            }
            Event::PlaceFree => continue,
        };
        effects.push(booking_audit(&b, &note));
        effects.push(Effect::Put(Record::synced(&b)));
    }
    (effects, booked, waiting)
}

/// A place of `session` was freed at `ctx.now` (by cancelling `freed`): offered to the first
/// person waiting. Returns their booking's effects and the counts' deltas (the freed place
/// itself is the caller's to uncount).
pub(super) fn place_freed<F: Facts + ?Sized>(
    facts: &mut F,
    session: &Session,
    freed: Uuid,
    ctx: &Ctx,
) -> Result<(Vec<Effect>, i64, i64), F::Error> {
    let bookings = facts.session_bookings(session.id)?;
    let hold = hold_minutes(facts, session, ctx.now)?;
    let (_, events) = waiting_list(session, &bookings, hold, Some(freed)).place_freed(ctx.now);
    Ok(written(&bookings, &events, "place freed"))
}

/// The booking of an open offer, and its session, or the refusal.
fn open_offer<F: Facts + ?Sized>(
    facts: &mut F,
    booking_id: Uuid,
) -> Result<Result<(Booking, Session), Refusal>, F::Error> {
    let Some(booking) = facts.booking(booking_id)? else {
        return Ok(Err(Refusal::new(
            Code::UnknownBooking,
            format!("There is no booking {booking_id}."),
        )));
    };
    let Some(session) = facts.session(booking.session_id)? else {
        return Ok(Err(Refusal::new(
            Code::UnknownSession,
            format!("There is no session {}.", booking.session_id),
        )));
    };
    if !facts.may_write(&Bucket::LeisureSite(session.centre_id)) {
        return Ok(Err(out_of_scope(session.id)));
    }
    if booking.status != BookingStatus::Offered {
        let what = match (booking.status, booking.offer_outcome) {
            (BookingStatus::Booked, _) => "has already taken the place",
            (_, Some(OfferOutcome::Declined)) => "turned the offer down",
            (_, Some(OfferOutcome::Expired)) => "was offered the place, but the offer ran out",
            (BookingStatus::Waiting, _) => "is still waiting: no place has been offered yet",
            _ => "has no open offer",
        };
        return Ok(Err(Refusal::new(
            Code::NoOffer,
            format!("This customer {what}, so there is no offer to answer."),
        )));
    }
    Ok(Ok((booking, session)))
}

fn until_words(until: NaiveDateTime) -> String {
    until.format("%H:%M on %-d %b").to_string()
}

pub(super) fn accept<F: Facts + ?Sized>(facts: &mut F, a: &AcceptOffer, ctx: &Ctx) -> Result<Decision, F::Error> {
    let (booking, session) = match open_offer(facts, a.booking_id)? {
        Ok(found) => found,
        Err(r) => return Ok(Err(r)),
    };
    let bookings = facts.session_bookings(session.id)?;
    let list = waiting_list(&session, &bookings, 0, None);
    match list.accept(booking.customer_id, ctx.now) {
        Ok((_, events)) => Ok(Ok(written(&bookings, &events, "leisure.accept_offer").0)),
        Err(_) => Ok(Err(Refusal::new(
            Code::OfferRanOut,
            format!(
                "The offer ran out at {}: the place passes to the next person waiting, so it cannot be taken now.",
                until_words(booking.offer_until.unwrap_or(session.starts_at))
            ),
        ))),
    }
}

pub(super) fn decline<F: Facts + ?Sized>(facts: &mut F, a: &DeclineOffer, ctx: &Ctx) -> Result<Decision, F::Error> {
    let (booking, mut session) = match open_offer(facts, a.booking_id)? {
        Ok(found) => found,
        Err(r) => return Ok(Err(r)),
    };
    let bookings = facts.session_bookings(session.id)?;
    let hold = hold_minutes(facts, &session, ctx.now)?;
    let list = waiting_list(&session, &bookings, hold, None);
    let Ok((_, events)) = list.decline(booking.customer_id, ctx.now) else {
        // open_offer found the offer open, so the list holds it.
        return Ok(Err(Refusal::new(Code::NoOffer, "There is no offer to answer.")));
    };
    let (mut effects, booked, waiting) = written(&bookings, &events, "leisure.decline_offer");
    session.booked = super::decide::add(session.booked, booked);
    session.waiting = super::decide::add(session.waiting, waiting);
    effects.push(session_count(&session, booked, waiting));
    Ok(Ok(effects))
}

/// The server's sweep for one session at `ctx.now`: every offer that ran out expires and its
/// place passes to the next person waiting (or is freed to book). Nothing to do: no effects.
/// Run through the same interpreter as a command's, so desks pull what it changed.
pub fn expire_offers<F: Facts + ?Sized>(facts: &mut F, session_id: i64, ctx: &Ctx) -> Result<Vec<Effect>, F::Error> {
    let Some(mut session) = facts.session(session_id)? else {
        return Ok(Vec::new());
    };
    let bookings = facts.session_bookings(session.id)?;
    let hold = hold_minutes(facts, &session, ctx.now)?;
    let (_, events) = waiting_list(&session, &bookings, hold, None).expire(ctx.now);
    if events.is_empty() {
        return Ok(Vec::new());
    }
    let (mut effects, booked, waiting) = written(&bookings, &events, "offer expired");
    session.booked = super::decide::add(session.booked, booked);
    session.waiting = super::decide::add(session.waiting, waiting);
    effects.push(session_count(&session, booked, waiting));
    Ok(effects)
}
