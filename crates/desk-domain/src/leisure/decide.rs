//! The one place a leisure command's state change is written. The server runs `decide` inside
//! the command's transaction with facts read for update; a desk runs it against its replica
//! plus pending overlay, offline, and shows the effects at once.

use chrono::{Duration, NaiveDate, NaiveDateTime};
use uuid::Uuid;

use super::Code;
use super::command::{AddNote, BookPlace, CancelPlace, Command, JoinWaitingList, MAX_NOTE};
use super::records::{Charge, Entitlement, IssuedVoucher, LeisureSettings, MoneyRecord};
use super::rules::{self, CancelEffect};
use super::space_records::{SpaceBookingRecord, SpaceRecord};
use crate::effect::{AuditNote, Effect, Record, RecordKind};
use crate::refusal::{CommonCode, Refusal};
use crate::service::{Ctx, Decision, Source};
use crate::wire::Alternative;
use crate::{Booking, BookingStatus, Bucket, Customer, CustomerNote, Session};

/// What the rules need to know about a customer and a session when a place is asked for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PlaceFacts {
    pub customer_exists: bool,
    /// The new booking's id already names a booking.
    pub booking_id_taken: bool,
    /// The customer's live (booked or waiting) booking in the session, if any.
    pub live: Option<BookingStatus>,
}

/// The reads the leisure rules need. The server answers from its database (the session read
/// for update, so counts cannot change under the decision); a desk from replica + overlay.
pub trait Facts: Source {
    /// The session asked for, with [`PlaceFacts`] for this customer and booking id.
    fn place(
        &mut self,
        session_id: i64,
        customer_id: i64,
        booking_id: Uuid,
    ) -> Result<Option<(Session, PlaceFacts)>, Self::Error>;
    fn session(&mut self, id: i64) -> Result<Option<Session>, Self::Error>;
    fn booking(&mut self, id: Uuid) -> Result<Option<Booking>, Self::Error>;
    fn customer(&mut self, id: i64) -> Result<Option<Customer>, Self::Error>;
    /// The first booking on the session's waiting list.
    fn first_waiting(&mut self, session_id: i64) -> Result<Option<Booking>, Self::Error>;
    fn max_waiting_position(&mut self, session_id: i64) -> Result<u32, Self::Error>;
    /// Sessions of the activity at the centre starting in `from..=until`, for alternatives.
    fn sessions_between(
        &mut self,
        centre_id: i64,
        activity_id: i64,
        from: NaiveDateTime,
        until: NaiveDateTime,
    ) -> Result<Vec<Session>, Self::Error>;
    /// The centre's dated price lists and policies, if it has any.
    fn settings(&mut self, centre_id: i64) -> Result<Option<LeisureSettings>, Self::Error>;
    /// The customer's membership and concession, if any is recorded.
    fn entitlement(&mut self, customer_id: i64) -> Result<Option<Entitlement>, Self::Error>;
    /// The voucher with this (upper-case) code.
    fn voucher(&mut self, code: &str) -> Result<Option<IssuedVoucher>, Self::Error>;
    /// One payment or refund by id.
    fn money(&mut self, id: Uuid) -> Result<Option<MoneyRecord>, Self::Error>;
    /// Every payment and refund of a booking.
    fn money_of_booking(&mut self, booking_id: Uuid) -> Result<Vec<MoneyRecord>, Self::Error>;
    /// Whether staff member `staff_id` is an active supervisor at the centre, who may allow a
    /// complimentary place; `None` where this side cannot tell (a desk holds no other staff's
    /// roles, so it lets the server decide).
    fn supervises(&mut self, staff_id: i64, centre_id: i64) -> Result<Option<bool>, Self::Error>;
    /// Every payment and refund at the centre on `day` (council wall-clock), for a cash-up.
    fn money_on(&mut self, centre_id: i64, day: chrono::NaiveDate) -> Result<Vec<MoneyRecord>, Self::Error>;
    fn cash_count(&mut self, id: Uuid) -> Result<Option<super::cash_count::CashCount>, Self::Error>;
    /// Customers born on `date_of_birth`, or with this (lower-case) email, or at this postcode
    /// (in its usual form): the candidates the duplicate check compares with a registration.
    fn customers_like(
        &mut self,
        date_of_birth: chrono::NaiveDate,
        email: Option<&str>,
        postcode: &str,
    ) -> Result<Vec<Customer>, Self::Error>;
    /// A customer's address, emergency contact and consent, if registered with them.
    fn customer_details(
        &mut self,
        customer_id: i64,
    ) -> Result<Option<super::customer_cmd::CustomerDetails>, Self::Error>;
    /// Every booking of a session, whatever its status.
    fn session_bookings(&mut self, session_id: i64) -> Result<Vec<Booking>, Self::Error>;
    /// Every booking of a customer, whatever its status (check-in, no-show history).
    fn bookings_of_customer(&mut self, customer_id: i64) -> Result<Vec<Booking>, Self::Error>;
    /// One charge a customer owes (or owed) by id.
    fn charge(&mut self, id: Uuid) -> Result<Option<Charge>, Self::Error>;
    /// A space by id, and every space of a centre (for linked halves and quarters).
    fn space(&mut self, id: i64) -> Result<Option<SpaceRecord>, Self::Error>;
    fn spaces_of_centre(&mut self, centre_id: i64) -> Result<Vec<SpaceRecord>, Self::Error>;
    fn space_booking(&mut self, id: Uuid) -> Result<Option<SpaceBookingRecord>, Self::Error>;
    /// Every booking (any status) of the centre's spaces on `day`.
    fn space_bookings_on(&mut self, centre_id: i64, day: NaiveDate) -> Result<Vec<SpaceBookingRecord>, Self::Error>;
}

pub fn decide<F: Facts + ?Sized>(facts: &mut F, cmd: &Command, ctx: &Ctx) -> Result<Decision, F::Error> {
    match cmd {
        Command::BookPlace(BookPlace {
            booking_id,
            session_id,
            customer_id,
        }) => take_place(facts, cmd, *booking_id, *session_id, *customer_id, false, ctx),
        Command::JoinWaitingList(JoinWaitingList {
            booking_id,
            session_id,
            customer_id,
        }) => take_place(facts, cmd, *booking_id, *session_id, *customer_id, true, ctx),
        Command::CancelPlace(CancelPlace { booking_id }) => cancel_place(facts, *booking_id, ctx),
        Command::AddNote(note) => add_note(facts, note, ctx),
        Command::BookAndPay(a) => super::money::book_and_pay(facts, cmd, a, ctx),
        Command::CancelWithRefund(a) => super::money::cancel_with_refund(facts, a, ctx),
        Command::RecordCashCount(a) => super::cash_count::record_cash_count(facts, a, ctx),
        Command::Transfer(a) => super::transfer::transfer(facts, cmd, a, ctx),
        Command::RegisterCustomer(a) => super::customer_cmd::register_customer(facts, a, ctx),
        Command::SellMembership(a) => super::customer_cmd::sell_membership(facts, a, ctx),
        Command::CheckIn(a) => super::attendance::check_in(facts, a, ctx),
        Command::MarkNoShows(a) => super::attendance::mark_no_shows(facts, a, ctx),
        Command::WaiveNoShow(a) => super::attendance::waive_no_show(facts, a, ctx),
        Command::AcceptOffer(a) => super::offer_cmd::accept(facts, a, ctx),
        Command::DeclineOffer(a) => super::offer_cmd::decline(facts, a, ctx),
        Command::BookSpace(a) => super::space_cmd::book_space(facts, a, ctx),
        Command::CancelSpace(a) => super::space_cmd::cancel_space(facts, a, ctx),
        Command::UpdateCustomer(a) => super::customer_update::update_customer(facts, a, ctx),
    }
}

pub(super) fn out_of_scope(session_id: i64) -> Refusal {
    Refusal::new(
        CommonCode::OutOfScope,
        format!("Session {session_id} is at a centre outside your sites, so it cannot be changed from this desk."),
    )
}

/// The audit line of a booking change, as the server has always written it.
pub(super) fn booking_audit(b: &Booking, why: &str) -> Effect {
    Effect::Audit(AuditNote {
        kind: RecordKind::Booking,
        record_id: b.id.to_string(),
        person_id: Some(b.customer_id),
        detail: format!("{why}: session {} now {:?}", b.session_id, b.status).to_lowercase(),
    })
}

fn booking_record(b: &Booking) -> Record {
    Record::synced(b)
}

pub(super) fn session_count(s: &Session, booked: i64, waiting: i64) -> Effect {
    let deltas = [("booked", booked), ("waiting", waiting)]
        .into_iter()
        .filter(|(_, d)| *d != 0)
        .map(|(f, d)| (f.to_owned(), d))
        .collect();
    Effect::Count {
        record: Record::synced(s),
        deltas,
    }
}

pub(super) fn take_place<F: Facts + ?Sized>(
    facts: &mut F,
    cmd: &Command,
    booking_id: Uuid,
    session_id: i64,
    customer_id: i64,
    waiting_list: bool,
    ctx: &Ctx,
) -> Result<Decision, F::Error> {
    let Some((mut session, place)) = facts.place(session_id, customer_id, booking_id)? else {
        return Ok(Err(Refusal::new(
            Code::UnknownSession,
            format!("There is no session {session_id}."),
        )));
    };
    if !facts.may_write(&Bucket::LeisureSite(session.centre_id)) {
        return Ok(Err(out_of_scope(session_id)));
    }
    if !place.customer_exists {
        return Ok(Err(Refusal::new(
            Code::UnknownCustomer,
            format!("There is no customer {customer_id}."),
        )));
    }
    if place.booking_id_taken {
        return Ok(Err(Refusal::new(
            Code::DuplicateBooking,
            format!("A booking with id {booking_id} already exists."),
        )));
    }
    if let Some(blocked) = super::attendance::advance_block(facts, customer_id, &session, ctx.now)? {
        return Ok(Err(blocked));
    }
    if let Some(not_open) = super::window::check_session(facts, customer_id, &session, ctx.now)? {
        return Ok(Err(not_open));
    }
    let check = if waiting_list {
        rules::check_join_waiting_list(&session, place.live, ctx.now)
    } else {
        rules::check_book(&session, place.live, ctx.now)
    };
    if let Err(refusal) = check {
        if refusal.code != Code::SessionFull.into() {
            return Ok(Err(refusal));
        }
        let until = session.starts_at + Duration::days(rules::ALTERNATIVE_WINDOW_DAYS);
        let candidates = facts.sessions_between(session.centre_id, session.activity_id, ctx.now, until)?;
        let alternatives = rules::alternatives(&session, &candidates, ctx.now);
        return Ok(Err(refusal.with_alternatives(alternatives)));
    }
    let (status, waiting_position, count) = if waiting_list {
        session.waiting += 1;
        let position = facts.max_waiting_position(session_id)? + 1;
        (BookingStatus::Waiting, position, session_count(&session, 0, 1))
    } else {
        session.booked += 1;
        (BookingStatus::Booked, 0, session_count(&session, 1, 0))
    };
    let booking = Booking {
        id: booking_id,
        session_id,
        customer_id,
        centre_id: session.centre_id,
        status,
        waiting_position,
        created_at: ctx.at,
        staff_id: ctx.staff_id,
        channel: ctx.channel,
        attended_at: None,
        no_show_at: None,
        no_show_waived: None,
        offer_until: None,
        offer_outcome: None,
    };
    // The session's record comes last: its version is the receipt's, which desks rely on.
    Ok(Ok(vec![
        booking_audit(&booking, cmd.name()),
        Effect::Put(booking_record(&booking)),
        count,
    ]))
}

pub(super) fn cancel_place<F: Facts + ?Sized>(
    facts: &mut F,
    booking_id: Uuid,
    ctx: &Ctx,
) -> Result<Decision, F::Error> {
    let Some(mut booking) = facts.booking(booking_id)? else {
        return Ok(Err(Refusal::new(
            Code::UnknownBooking,
            format!("There is no booking {booking_id}."),
        )));
    };
    let Some(mut session) = facts.session(booking.session_id)? else {
        return Ok(Err(Refusal::new(
            Code::UnknownSession,
            format!("There is no session {}.", booking.session_id),
        )));
    };
    if !facts.may_write(&Bucket::LeisureSite(session.centre_id)) {
        return Ok(Err(out_of_scope(session.id)));
    }
    let effect = match rules::check_cancel(&session, booking.status, ctx.now) {
        Ok(e) => e,
        Err(r) => return Ok(Err(r)),
    };
    booking.status = BookingStatus::Cancelled;
    booking.waiting_position = 0;
    let mut effects = vec![
        booking_audit(&booking, "cancel_place"),
        Effect::Put(booking_record(&booking)),
    ];
    let (mut booked, mut waiting) = (0, 0);
    match effect {
        CancelEffect::LeaveWaitingList => waiting -= 1,
        CancelEffect::FreePlace { promote_first_waiting } => {
            booked -= 1;
            // The freed place is offered to the first person waiting and held for them
            // (issue 11 §5), no longer booked for them outright.
            if promote_first_waiting {
                let (offered, b, w) = super::offer_cmd::place_freed(facts, &session, booking.id, ctx)?;
                effects.extend(offered);
                booked += b;
                waiting += w;
            }
        }
    }
    session.booked = add(session.booked, booked);
    session.waiting = add(session.waiting, waiting);
    effects.push(session_count(&session, booked, waiting));
    Ok(Ok(effects))
}

pub(super) fn add(n: u32, delta: i64) -> u32 {
    u32::try_from((i64::from(n) + delta).max(0)).unwrap_or(u32::MAX)
}

fn add_note<F: Facts + ?Sized>(facts: &mut F, note: &AddNote, ctx: &Ctx) -> Result<Decision, F::Error> {
    let text = note.text.trim();
    let chars = text.chars().count();
    if chars == 0 || chars > MAX_NOTE {
        return Ok(Err(Refusal::new(
            Code::InvalidNote,
            format!("A note must be 1 to {MAX_NOTE} characters long (this one has {chars})."),
        )));
    }
    if text.chars().any(|c| c.is_control() && !matches!(c, '\n' | '\t')) {
        return Ok(Err(Refusal::new(
            Code::InvalidNote,
            "A note must not contain control characters.",
        )));
    }
    let Some(customer) = facts.customer(note.customer_id)? else {
        return Ok(Err(Refusal::new(
            Code::UnknownCustomer,
            format!("There is no customer {}.", note.customer_id),
        )));
    };
    let bucket = Bucket::LeisureSite(customer.home_centre_id);
    if !facts.may_write(&bucket) {
        return Ok(Err(Refusal::new(
            CommonCode::OutOfScope,
            "This customer belongs to a centre outside your sites, so no note can be added from this desk.",
        )));
    }
    let row = CustomerNote {
        id: note.note_id,
        customer_id: customer.id,
        centre_id: customer.home_centre_id,
        text: text.to_owned(),
        created_at: ctx.at,
        staff_id: ctx.staff_id,
    };
    Ok(Ok(vec![
        Effect::Audit(AuditNote {
            kind: RecordKind::CustomerNote,
            record_id: row.id.to_string(),
            person_id: Some(customer.id),
            detail: "leisure.add_note".to_owned(),
        }),
        Effect::Put(Record::synced(&row)),
    ]))
}

fn when(starts_at: NaiveDateTime) -> String {
    starts_at.format("%H:%M %a %-d %b").to_string()
}

fn customer_name<F: Facts + ?Sized>(facts: &mut F, id: i64) -> Result<String, F::Error> {
    Ok(facts
        .customer(id)?
        .map(|c| format!("{} {}", c.first_name, c.last_name))
        .unwrap_or_else(|| format!("customer {id}")))
}

/// The line Needs attention and the outbox show for a command, naming who and what.
pub fn summary<F: Facts + ?Sized>(facts: &mut F, cmd: &Command) -> Result<String, F::Error> {
    let session_words = |facts: &mut F, id: i64| -> Result<String, F::Error> {
        Ok(facts
            .session(id)?
            .map(|s| format!("{} {}", s.activity_name, when(s.starts_at)))
            .unwrap_or_else(|| format!("session {id}")))
    };
    Ok(match cmd {
        Command::BookPlace(a) => format!(
            "Book {} into {}",
            customer_name(facts, a.customer_id)?,
            session_words(facts, a.session_id)?
        ),
        Command::JoinWaitingList(a) => format!(
            "Put {} on the waiting list for {}",
            customer_name(facts, a.customer_id)?,
            session_words(facts, a.session_id)?
        ),
        Command::CancelPlace(a) => match facts.booking(a.booking_id)? {
            Some(b) => {
                let name = customer_name(facts, b.customer_id)?;
                let what = session_words(facts, b.session_id)?;
                if b.status == BookingStatus::Waiting {
                    format!("Take {name} off the waiting list for {what}")
                } else {
                    format!("Cancel {name}'s place in {what}")
                }
            }
            None => format!("Cancel booking {}", a.booking_id),
        },
        Command::AddNote(a) => format!("Add a note to {}'s record", customer_name(facts, a.customer_id)?),
        Command::CancelWithRefund(a) => match facts.booking(a.booking_id)? {
            Some(b) => format!(
                "Cancel {}'s place in {} with its refund",
                customer_name(facts, b.customer_id)?,
                session_words(facts, b.session_id)?
            ),
            None => format!("Cancel booking {} with its refund", a.booking_id),
        },
        Command::BookAndPay(a) => format!(
            "Book {} into {} and take {}",
            customer_name(facts, a.customer_id)?,
            session_words(facts, a.session_id)?,
            a.price
        ),
        Command::RecordCashCount(a) => format!("Record {}'s cash count for {}: {}", a.desk.trim(), a.day, a.counted),
        Command::Transfer(a) => match facts.booking(a.booking_id)? {
            Some(b) => format!(
                "Move {}'s place from {} to {}",
                customer_name(facts, b.customer_id)?,
                session_words(facts, b.session_id)?,
                session_words(facts, a.session_id)?
            ),
            None => format!(
                "Move booking {} to {}",
                a.booking_id,
                session_words(facts, a.session_id)?
            ),
        },
        Command::RegisterCustomer(a) => super::customer_cmd::register_summary(a),
        Command::SellMembership(a) => super::customer_cmd::sell_summary(&customer_name(facts, a.customer_id)?, a),
        Command::CheckIn(a) => format!("Check {} in", customer_name(facts, a.customer_id)?),
        Command::MarkNoShows(a) => format!(
            "Mark {} no-show(s) in {}",
            a.booking_ids.len(),
            session_words(facts, a.session_id)?
        ),
        Command::WaiveNoShow(a) => match facts.booking(a.booking_id)? {
            Some(b) => format!(
                "Waive {}'s no-show in {}",
                customer_name(facts, b.customer_id)?,
                session_words(facts, b.session_id)?
            ),
            None => format!("Waive the no-show of booking {}", a.booking_id),
        },
        Command::AcceptOffer(super::AcceptOffer { booking_id })
        | Command::DeclineOffer(super::DeclineOffer { booking_id }) => {
            let verb = if matches!(cmd, Command::AcceptOffer(_)) {
                "takes"
            } else {
                "turns down"
            };
            match facts.booking(*booking_id)? {
                Some(b) => format!(
                    "{} {verb} the place offered in {}",
                    customer_name(facts, b.customer_id)?,
                    session_words(facts, b.session_id)?
                ),
                None => format!("Answer the offer of booking {booking_id}"),
            }
        }
        Command::BookSpace(a) => super::space_cmd::summary_book(facts, a)?,
        Command::CancelSpace(a) => super::space_cmd::summary_cancel(facts, a)?,
        Command::UpdateCustomer(a) => super::customer_update::update_summary(&customer_name(facts, a.customer_id)?, a),
    })
}

/// The command that takes an offered alternative in place of a refused booking, and words for
/// what was done. Only a booking names a customer to book elsewhere.
pub fn taking(cmd: &Command, alternative: &Alternative, booking_id: Uuid) -> Option<(Command, String)> {
    let customer_id = match cmd {
        Command::BookPlace(a) => a.customer_id,
        Command::JoinWaitingList(a) => a.customer_id,
        Command::BookSpace(a) => return super::space_cmd::taking(a, alternative, booking_id),
        Command::CancelSpace(_) => return None,
        // A paid booking offers no alternative: the money taken is for this session.
        // "Is this them?" is answered on the registration screen, not by a command taken here.
        _ => return None,
    };
    Some(match *alternative {
        Alternative::JoinWaitingList { session_id } => (
            Command::JoinWaitingList(JoinWaitingList {
                booking_id,
                session_id,
                customer_id,
            }),
            format!("joined the waiting list for session {session_id}"),
        ),
        Alternative::BookSession { session_id, .. } => (
            Command::BookPlace(BookPlace {
                booking_id,
                session_id,
                customer_id,
            }),
            format!("booked session {session_id} instead"),
        ),
        // Another service's alternatives are never offered for a booking.
        Alternative::AddToAbsence { .. }
        | Alternative::ReplaceAbsence { .. }
        | Alternative::ExistingCustomer { .. }
        | Alternative::BookSpace { .. } => return None,
    })
}

#[cfg(test)]
pub(super) mod tests;
