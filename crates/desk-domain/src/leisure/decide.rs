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
pub(super) mod tests {
    //! `decide` over facts held in memory: what each command puts, counts and audits, and
    //! what it refuses. The server and the desk interpret these same effects.

    use std::convert::Infallible;

    use chrono::{NaiveDate, TimeZone, Utc};

    use super::*;
    use crate::{Channel, Command as Any, Effect};

    #[derive(Default)]
    pub(in crate::leisure) struct Mem {
        pub sessions: Vec<Session>,
        pub bookings: Vec<Booking>,
        pub customers: Vec<Customer>,
        pub settings: Vec<LeisureSettings>,
        pub entitlements: Vec<Entitlement>,
        pub vouchers: Vec<IssuedVoucher>,
        pub money: Vec<MoneyRecord>,
        /// Staff ids of the supervisors at every centre.
        pub supervisors: Vec<i64>,
        pub cash_counts: Vec<crate::leisure::cash_count::CashCount>,
        pub details: Vec<super::super::customer_cmd::CustomerDetails>,
        pub charges: Vec<Charge>,
        pub spaces: Vec<SpaceRecord>,
        pub space_bookings: Vec<SpaceBookingRecord>,
        /// Buckets the caller may write; empty means all.
        pub scope: Vec<Bucket>,
    }

    impl Source for Mem {
        type Error = Infallible;
        fn may_write(&self, bucket: &Bucket) -> bool {
            self.scope.is_empty() || self.scope.contains(bucket)
        }
    }

    /// A leisure world holds no school records: every school read finds nothing.
    impl crate::school::Facts for Mem {
        fn pupil(&mut self, _: i64) -> Result<Option<crate::Pupil>, Infallible> {
            Ok(None)
        }
        fn contact(&mut self, _: i64) -> Result<Option<crate::Contact>, Infallible> {
            Ok(None)
        }
        fn attendance_code(&mut self, _: i64, _: &str) -> Result<Option<crate::school::AttendanceCode>, Infallible> {
            Ok(None)
        }
        fn school_year(&mut self, _: i64, _: NaiveDate) -> Result<Option<crate::school::SchoolYear>, Infallible> {
            Ok(None)
        }
        fn school_days(
            &mut self,
            _: i64,
            _: NaiveDate,
            _: NaiveDate,
        ) -> Result<Vec<crate::school::SchoolDay>, Infallible> {
            Ok(Vec::new())
        }
        fn absence(&mut self, _: Uuid) -> Result<Option<crate::school::Absence>, Infallible> {
            Ok(None)
        }
        fn absences_of(&mut self, _: i64) -> Result<Vec<crate::school::Absence>, Infallible> {
            Ok(Vec::new())
        }
        fn attempts_on(&mut self, _: i64, _: NaiveDate) -> Result<Vec<crate::school::ContactAttempt>, Infallible> {
            Ok(Vec::new())
        }
        fn id_taken(&mut self, _: Uuid) -> Result<bool, Infallible> {
            Ok(false)
        }
        fn rules(&mut self, _: i64) -> Result<crate::school::SchoolRules, Infallible> {
            Ok(crate::school::SchoolRules::default())
        }
        fn may_supervise(&self, _: &Bucket) -> bool {
            false
        }
    }

    /// Nor council-tax records: every council-tax read finds nothing.
    impl crate::council_tax::Facts for Mem {
        fn ct_account(&mut self, _: i64) -> Result<Option<crate::council_tax::AccountFacts>, Infallible> {
            Ok(None)
        }
        fn ct_request_exists(&mut self, _: Uuid) -> Result<bool, Infallible> {
            Ok(false)
        }
        fn ct_requests(&mut self, _: i64) -> Result<Vec<crate::council_tax::records::ChangeRequest>, Infallible> {
            Ok(Vec::new())
        }
        fn ct_check(&mut self, _: Uuid) -> Result<Option<crate::council_tax::records::IdentityCheck>, Infallible> {
            Ok(None)
        }
        fn ct_failed_checks(&mut self, _: i64) -> Result<Vec<crate::council_tax::records::IdentityCheck>, Infallible> {
            Ok(Vec::new())
        }
        fn ct_clearances(&mut self, _: i64) -> Result<Vec<crate::council_tax::records::LockClearance>, Infallible> {
            Ok(Vec::new())
        }
        fn is_supervisor(&mut self, _: i64) -> Result<bool, Infallible> {
            Ok(false)
        }
    }

    impl Facts for Mem {
        fn supervises(&mut self, staff_id: i64, _: i64) -> Result<Option<bool>, Infallible> {
            Ok(Some(self.supervisors.contains(&staff_id)))
        }
        fn money_on(&mut self, centre_id: i64, day: chrono::NaiveDate) -> Result<Vec<MoneyRecord>, Infallible> {
            Ok(self
                .money
                .iter()
                .filter(|m| m.centre_id == centre_id && m.at.date() == day)
                .cloned()
                .collect())
        }
        fn cash_count(&mut self, id: Uuid) -> Result<Option<crate::leisure::cash_count::CashCount>, Infallible> {
            Ok(self.cash_counts.iter().find(|c| c.id == id).cloned())
        }
        fn place(&mut self, s: i64, c: i64, b: Uuid) -> Result<Option<(Session, PlaceFacts)>, Infallible> {
            let Some(session) = self.sessions.iter().find(|x| x.id == s).cloned() else {
                return Ok(None);
            };
            let live = self
                .bookings
                .iter()
                .find(|x| x.session_id == s && x.customer_id == c && x.status != BookingStatus::Cancelled)
                .map(|x| x.status);
            let facts = PlaceFacts {
                customer_exists: self.customers.iter().any(|x| x.id == c),
                booking_id_taken: self.bookings.iter().any(|x| x.id == b),
                live,
            };
            Ok(Some((session, facts)))
        }
        fn session(&mut self, id: i64) -> Result<Option<Session>, Infallible> {
            Ok(self.sessions.iter().find(|x| x.id == id).cloned())
        }
        fn booking(&mut self, id: Uuid) -> Result<Option<Booking>, Infallible> {
            Ok(self.bookings.iter().find(|x| x.id == id).cloned())
        }
        fn customer(&mut self, id: i64) -> Result<Option<Customer>, Infallible> {
            Ok(self.customers.iter().find(|x| x.id == id).cloned())
        }
        fn first_waiting(&mut self, s: i64) -> Result<Option<Booking>, Infallible> {
            Ok(self
                .bookings
                .iter()
                .filter(|x| x.session_id == s && x.status == BookingStatus::Waiting)
                .min_by_key(|x| x.waiting_position)
                .cloned())
        }
        fn max_waiting_position(&mut self, s: i64) -> Result<u32, Infallible> {
            Ok(self
                .bookings
                .iter()
                .filter(|x| x.session_id == s && x.status == BookingStatus::Waiting)
                .map(|x| x.waiting_position)
                .max()
                .unwrap_or(0))
        }
        fn sessions_between(
            &mut self,
            c: i64,
            a: i64,
            f: NaiveDateTime,
            u: NaiveDateTime,
        ) -> Result<Vec<Session>, Infallible> {
            Ok(self
                .sessions
                .iter()
                .filter(|x| x.centre_id == c && x.activity_id == a && x.starts_at >= f && x.starts_at <= u)
                .cloned()
                .collect())
        }
        fn settings(&mut self, c: i64) -> Result<Option<LeisureSettings>, Infallible> {
            Ok(self.settings.iter().find(|x| x.centre_id == c).cloned())
        }
        fn entitlement(&mut self, c: i64) -> Result<Option<Entitlement>, Infallible> {
            Ok(self.entitlements.iter().find(|x| x.customer_id == c).cloned())
        }
        fn voucher(&mut self, code: &str) -> Result<Option<IssuedVoucher>, Infallible> {
            Ok(self.vouchers.iter().find(|x| x.code == code).cloned())
        }
        fn money(&mut self, id: Uuid) -> Result<Option<MoneyRecord>, Infallible> {
            Ok(self.money.iter().find(|x| x.id == id).cloned())
        }
        fn money_of_booking(&mut self, b: Uuid) -> Result<Vec<MoneyRecord>, Infallible> {
            Ok(self.money.iter().filter(|x| x.booking_id == b).cloned().collect())
        }
        fn customers_like(
            &mut self,
            dob: NaiveDate,
            email: Option<&str>,
            postcode: &str,
        ) -> Result<Vec<Customer>, Infallible> {
            Ok(self
                .customers
                .iter()
                .filter(|c| {
                    c.date_of_birth == dob || c.postcode == postcode || (email.is_some() && c.email.as_deref() == email)
                })
                .cloned()
                .collect())
        }
        fn customer_details(
            &mut self,
            id: i64,
        ) -> Result<Option<super::super::customer_cmd::CustomerDetails>, Infallible> {
            Ok(self.details.iter().find(|x| x.customer_id == id).cloned())
        }
        fn session_bookings(&mut self, s: i64) -> Result<Vec<Booking>, Infallible> {
            Ok(self.bookings.iter().filter(|x| x.session_id == s).cloned().collect())
        }
        fn bookings_of_customer(&mut self, c: i64) -> Result<Vec<Booking>, Infallible> {
            Ok(self.bookings.iter().filter(|x| x.customer_id == c).cloned().collect())
        }
        fn charge(&mut self, id: Uuid) -> Result<Option<Charge>, Infallible> {
            Ok(self.charges.iter().find(|x| x.id == id).cloned())
        }
        fn space(&mut self, id: i64) -> Result<Option<SpaceRecord>, Infallible> {
            Ok(self.spaces.iter().find(|s| s.id == id).cloned())
        }
        fn spaces_of_centre(&mut self, centre_id: i64) -> Result<Vec<SpaceRecord>, Infallible> {
            Ok(self
                .spaces
                .iter()
                .filter(|s| s.centre_id == centre_id)
                .cloned()
                .collect())
        }
        fn space_booking(&mut self, id: Uuid) -> Result<Option<SpaceBookingRecord>, Infallible> {
            Ok(self.space_bookings.iter().find(|b| b.id == id).cloned())
        }
        fn space_bookings_on(&mut self, centre_id: i64, day: NaiveDate) -> Result<Vec<SpaceBookingRecord>, Infallible> {
            Ok(self
                .space_bookings
                .iter()
                .filter(|b| b.centre_id == centre_id && b.day == day)
                .cloned()
                .collect())
        }
    }

    pub(in crate::leisure) fn at(d: u32, h: u32) -> NaiveDateTime {
        NaiveDate::from_ymd_opt(2026, 12, d)
            .unwrap()
            .and_hms_opt(h, 0, 0)
            .unwrap()
    }

    pub(in crate::leisure) fn ctx() -> Ctx {
        Ctx {
            now: at(1, 12),
            at: Utc.with_ymd_and_hms(2026, 12, 1, 12, 0, 0).unwrap(),
            staff_id: 7,
            channel: Channel::Telephone,
        }
    }

    pub(in crate::leisure) fn session(id: i64, day: u32, capacity: u32, booked: u32, waiting: u32) -> Session {
        Session {
            id,
            centre_id: 1,
            activity_id: 10,
            activity_name: "Aqua fit".into(),
            starts_at: at(day, 9),
            duration_minutes: 45,
            capacity,
            booked,
            waiting,
            location: "Pool".into(),
            instructor: "Seònaid".into(),
            cancelled: false,
        }
    }

    pub(in crate::leisure) fn customer(id: i64, centre: i64) -> Customer {
        Customer {
            id,
            home_centre_id: centre,
            first_name: "Mòrag".into(),
            last_name: "O'Neill".into(),
            date_of_birth: NaiveDate::from_ymd_opt(1980, 2, 1).unwrap(),
            membership_no: format!("M{id}"),
            email: None,
            phone: None,
            postcode: "IV30 1AA".into(),
            concession: false,
        }
    }

    pub(in crate::leisure) fn booking(
        id: u128,
        session_id: i64,
        customer_id: i64,
        status: BookingStatus,
        position: u32,
    ) -> Booking {
        Booking {
            id: Uuid::from_u128(id),
            session_id,
            customer_id,
            centre_id: 1,
            status,
            waiting_position: position,
            created_at: ctx().at,
            staff_id: 1,
            channel: Channel::FaceToFace,
            attended_at: None,
            no_show_at: None,
            no_show_waived: None,
            offer_until: None,
            offer_outcome: None,
        }
    }

    pub(in crate::leisure) fn world() -> Mem {
        Mem {
            sessions: vec![session(1, 2, 2, 1, 0), session(2, 2, 1, 1, 2), session(3, 4, 5, 0, 0)],
            bookings: vec![
                booking(1, 1, 1, BookingStatus::Booked, 0),
                booking(2, 2, 2, BookingStatus::Booked, 0),
                booking(3, 2, 3, BookingStatus::Waiting, 1),
                booking(4, 2, 4, BookingStatus::Waiting, 2),
            ],
            customers: (1..=5).map(|i| customer(i, 1)).chain([customer(9, 2)]).collect(),
            ..Mem::default()
        }
    }

    /// The effects as short words: `audit booking`, `put bookings <id> <status>`,
    /// `count sessions <id> booked+1`.
    pub(in crate::leisure) fn words(effects: &[Effect]) -> Vec<String> {
        effects
            .iter()
            .map(|e| match e {
                Effect::Audit(n) => format!("audit {}", n.kind.as_str()),
                Effect::Put(r) => format!("put {} {} {}", r.table, r.id, r.row["status"].as_str().unwrap_or("-")),
                Effect::Count { record, deltas } => {
                    let d: Vec<String> = deltas.iter().map(|(f, n)| format!("{f}{n:+}")).collect();
                    format!("count {} {} {}", record.table, record.id, d.join(","))
                }
                Effect::ServerOnly(r) => format!("server-only {} {}", r.table, r.id),
            })
            .collect()
    }

    fn run(w: &mut Mem, cmd: impl Into<Any>) -> Result<Vec<String>, &'static str> {
        let Ok(decision) = cmd.into().decide(w, &ctx());
        decision.map(|e| words(&e)).map_err(|r| r.code.as_str())
    }

    fn book(session_id: i64, customer_id: i64) -> BookPlace {
        BookPlace {
            booking_id: Uuid::from_u128(99),
            session_id,
            customer_id,
        }
    }

    #[test]
    fn booking_puts_the_place_then_counts_the_session() {
        let id = Uuid::from_u128(99);
        assert_eq!(
            run(&mut world(), book(1, 2)).unwrap(),
            [
                "audit booking".to_owned(),
                format!("put bookings {id} booked"),
                "count sessions 1 booked+1".to_owned()
            ]
        );
        let join = JoinWaitingList {
            booking_id: id,
            session_id: 2,
            customer_id: 5,
        };
        let mut w = world();
        let Ok(decision) = Any::from(join).decide(&mut w, &ctx());
        let effects = decision.unwrap();
        let Effect::Put(put) = &effects[1] else {
            panic!("{effects:?}")
        };
        let b: Booking = put.parse().unwrap();
        assert_eq!(
            (b.status, b.waiting_position, b.staff_id),
            (BookingStatus::Waiting, 3, 7)
        );
        assert_eq!(b.channel, Channel::Telephone);
    }

    #[test]
    fn refusals_table() {
        let mut out_of_scope = world();
        out_of_scope.scope = vec![Bucket::LeisureSite(2)];
        let taken = BookPlace {
            booking_id: Uuid::from_u128(1),
            ..book(1, 2)
        };
        let cases: Vec<(&str, Mem, Any, &str)> = vec![
            ("no session", world(), book(8, 2).into(), "unknown_session"),
            ("no customer", world(), book(1, 77).into(), "unknown_customer"),
            ("id taken", world(), taken.into(), "duplicate_booking"),
            ("twice", world(), book(1, 1).into(), "already_booked"),
            ("full", world(), book(2, 5).into(), "session_full"),
            ("other centre", out_of_scope, book(1, 2).into(), "out_of_scope"),
            (
                "cancel unknown",
                world(),
                CancelPlace {
                    booking_id: Uuid::from_u128(50),
                }
                .into(),
                "unknown_booking",
            ),
        ];
        for (name, mut w, cmd, want) in cases {
            assert_eq!(run(&mut w, cmd), Err(want), "case {name}");
        }
    }

    #[test]
    fn a_full_session_offers_its_waiting_list_and_the_next_with_space() {
        let Ok(decision) = Any::from(book(2, 5)).decide(&mut world(), &ctx());
        let refusal = decision.unwrap_err();
        assert_eq!(
            refusal.alternatives,
            vec![
                Alternative::JoinWaitingList { session_id: 2 },
                Alternative::BookSession {
                    session_id: 1,
                    starts_at: at(2, 9),
                    activity_name: "Aqua fit".into(),
                    spaces: 1
                },
                Alternative::BookSession {
                    session_id: 3,
                    starts_at: at(4, 9),
                    activity_name: "Aqua fit".into(),
                    spaces: 5
                },
            ]
        );
    }

    #[test]
    fn cancelling_a_place_offers_it_to_the_first_waiting() {
        let cancel = CancelPlace {
            booking_id: Uuid::from_u128(2),
        };
        assert_eq!(
            run(&mut world(), cancel).unwrap(),
            [
                "audit booking".to_owned(),
                format!("put bookings {} cancelled", Uuid::from_u128(2)),
                "audit booking".to_owned(),
                format!("put bookings {} offered", Uuid::from_u128(3)),
                "count sessions 2 waiting-1".to_owned(),
            ],
            "the place is held for the one offered: booked -1 +1 nets to nothing; the waiting list shrinks by one"
        );
        let leave = CancelPlace {
            booking_id: Uuid::from_u128(4),
        };
        assert_eq!(
            run(&mut world(), leave).unwrap().last().unwrap(),
            "count sessions 2 waiting-1"
        );
    }

    #[test]
    fn a_note_is_put_in_the_customers_centre_and_audited() {
        let note = |text: &str, customer_id| AddNote {
            note_id: Uuid::from_u128(5),
            customer_id,
            text: text.into(),
        };
        let mut w = world();
        let Ok(decision) = Any::from(note("  Prefers the 07:00 swim. ", 9)).decide(&mut w, &ctx());
        let effects = decision.unwrap();
        let Effect::Put(r) = &effects[1] else {
            panic!("{effects:?}")
        };
        assert_eq!(
            (r.table.as_str(), r.bucket.as_str()),
            ("customer_notes", "leisure:site:2")
        );
        let n: CustomerNote = r.parse().unwrap();
        assert_eq!(
            (n.text.as_str(), n.customer_id, n.staff_id),
            ("Prefers the 07:00 swim.", 9, 7)
        );
        assert!(matches!(&effects[0], Effect::Audit(a) if a.person_id == Some(9)));

        for (text, customer, want) in [
            ("   ", 9, "invalid_note"),
            (&"x".repeat(MAX_NOTE + 1)[..], 9, "invalid_note"),
            ("bell\u{7}", 9, "invalid_note"),
            ("fine", 404, "unknown_customer"),
        ] {
            assert_eq!(run(&mut world(), note(text, customer)), Err(want), "{text:?}");
        }
        let mut elsewhere = world();
        elsewhere.scope = vec![Bucket::LeisureSite(1)];
        assert_eq!(run(&mut elsewhere, note("fine", 9)), Err("out_of_scope"));
    }
}
