//! The leisure desk's facade over the shared core: timetable, sessions, customers, bookings and
//! notes. Every change is a `desk_domain::leisure` command recorded through the core
//! ([`Desk::record_command`]); this module only checks the input's shape and builds the views.

mod cash_up;
mod customer_update;
pub(crate) mod customers;
mod life;
pub(crate) mod life_reads;
pub(crate) mod money_reads;
mod pay;
pub(crate) mod reads;
mod reception;
mod space_cancel;
mod space_pay;
pub(crate) mod space_reads;
mod spaces;
mod transfer;

pub use cash_up::{CashUpView, TillLine};
pub use customer_update::{CustomerChanged, CustomerChangesInput};
pub use customers::{ConcessionInput, DuplicateMatch, MembershipInput, RegisterOutcome, RegistrationInput};
pub use life::{ChargeView, CheckInBooking, CheckInCandidate, CheckInWarning, OfferView};
pub use pay::{CancelView, PriceQuote, ReceiptView, RefundQuote, TenderInput};
pub use reception::{ConcessionLine, MembershipLine, ReceptionBooking, ReceptionPayment, ReceptionView};
pub use space_cancel::{CancelOutcome, SpaceCancelQuote};
pub use space_pay::{SpaceCancelView, SpaceHire, SpacePriceQuote};
pub use spaces::{
    BlockBooked, BlockCheck, BlockDate, BlockInput, SpaceBookingView, SpaceView, SpacesDay, WindowView, check_block,
};
pub use transfer::{TransferQuote, TransferView};

use chrono::NaiveDate;
use desk_domain::leisure::{AddNote, BookPlace, CancelPlace, JoinWaitingList, MAX_NOTE, window};
use desk_domain::{BookingStatus, Centre, Channel, Command, CustomerNote};
use rusqlite::{Connection, TransactionBehavior};
use uuid::Uuid;

use crate::desk::{MAX_TEXT, check_id, check_limit, check_text, local_now};
use crate::views::{BookingLife, BookingView, CustomerMatches, CustomerView, SessionDetail, SessionView};
use crate::{Desk, DeskError, audit, replica, search};

/// The leisure service of a [`Desk`]: `desk.leisure().book_place(…)`.
#[derive(Clone, Copy)]
pub struct Leisure<'d> {
    desk: &'d Desk,
}

impl Desk {
    pub fn leisure(&self) -> Leisure<'_> {
        Leisure { desk: self }
    }
}

pub(crate) fn customer_name(conn: &Connection, id: i64) -> rusqlite::Result<String> {
    Ok(replica::customer(conn, id)?
        .map(|c| format!("{} {}", c.first_name, c.last_name))
        .unwrap_or_else(|| format!("customer {id}")))
}

/// The booking a leisure command touched, as the desk shows it now.
pub(crate) fn booking_view(conn: &Connection, id: Uuid) -> Result<BookingView, DeskError> {
    let b = reads::booking(conn, id)?
        .ok_or_else(|| DeskError::Store(format!("booking {id} vanished while being recorded")))?;
    Ok(BookingView {
        id: b.booking.id,
        session_id: b.booking.session_id,
        customer_id: b.booking.customer_id,
        customer_name: customer_name(conn, b.booking.customer_id)?,
        status: b.booking.status,
        pending: b.pending,
        life: Some(BookingLife::of(&b.booking)),
    })
}

/// The booking a leisure command names, if it names one.
pub(crate) fn booking_of(cmd: &Command) -> Option<Uuid> {
    let Command::Leisure(c) = cmd else {
        return None;
    };
    match c {
        desk_domain::leisure::Command::BookPlace(a) => Some(a.booking_id),
        desk_domain::leisure::Command::JoinWaitingList(a) => Some(a.booking_id),
        desk_domain::leisure::Command::CancelPlace(a) => Some(a.booking_id),
        desk_domain::leisure::Command::BookAndPay(a) => Some(a.booking_id),
        desk_domain::leisure::Command::CancelWithRefund(a) => Some(a.booking_id),
        desk_domain::leisure::Command::Transfer(a) => Some(a.new_booking_id),
        desk_domain::leisure::Command::CheckIn(a) => a.booking_id,
        desk_domain::leisure::Command::WaiveNoShow(a) => Some(a.booking_id),
        desk_domain::leisure::Command::AcceptOffer(a) => Some(a.booking_id),
        desk_domain::leisure::Command::DeclineOffer(a) => Some(a.booking_id),
        desk_domain::leisure::Command::AddNote(_)
        | desk_domain::leisure::Command::MarkNoShows(_)
        | desk_domain::leisure::Command::RecordCashCount(_)
        | desk_domain::leisure::Command::RegisterCustomer(_)
        | desk_domain::leisure::Command::SellMembership(_)
        | desk_domain::leisure::Command::UpdateCustomer(_) => None,
        // A space booking is shown by its own view (`spaces.rs`), not as a place.
        desk_domain::leisure::Command::BookSpace(_) | desk_domain::leisure::Command::CancelSpace(_) => None,
    }
}

impl Leisure<'_> {
    async fn record_booking(&self, cmd: Command, channel: Channel) -> Result<BookingView, DeskError> {
        let id = booking_of(&cmd).expect("a booking command");
        self.desk
            .record_command(cmd, channel, move |conn| booking_view(conn, id))
            .await
    }

    /// A place (or a waiting-list entry) for the customer in the session, with a new booking id.
    async fn take_place(
        &self,
        session_id: i64,
        customer_id: i64,
        channel: Channel,
        waiting_list: bool,
    ) -> Result<BookingView, DeskError> {
        check_id("The session id", session_id)?;
        check_id("The customer id", customer_id)?;
        let booking_id = Uuid::now_v7();
        let cmd = if waiting_list {
            Command::from(JoinWaitingList {
                booking_id,
                session_id,
                customer_id,
            })
        } else {
            Command::from(BookPlace {
                booking_id,
                session_id,
                customer_id,
            })
        };
        self.record_booking(cmd, channel).await
    }

    /// Books the customer into the session on this desk at once (pending), for the server to
    /// confirm. Refused here, with nothing recorded, if the local rules say no (say it is full).
    pub async fn book_place(
        &self,
        session_id: i64,
        customer_id: i64,
        channel: Channel,
    ) -> Result<BookingView, DeskError> {
        self.take_place(session_id, customer_id, channel, false).await
    }

    /// Puts the customer on a full session's waiting list, as `book_place` does a place.
    pub async fn join_waiting_list(
        &self,
        session_id: i64,
        customer_id: i64,
        channel: Channel,
    ) -> Result<BookingView, DeskError> {
        self.take_place(session_id, customer_id, channel, true).await
    }

    pub async fn cancel_place(&self, booking_id: Uuid, channel: Channel) -> Result<(), DeskError> {
        if booking_id.is_nil() {
            return Err(DeskError::invalid("The booking id must not be empty."));
        }
        self.record_booking(Command::from(CancelPlace { booking_id }), channel)
            .await
            .map(|_| ())
    }

    /// Records the alternative the customer chose for a refused booking (its waiting list, or
    /// another session) as a new booking, and resolves the Needs attention item, in one
    /// transaction.
    pub async fn take_alternative(&self, item_id: Uuid, alternative: usize) -> Result<BookingView, DeskError> {
        self.desk
            .take_alternative_as(item_id, alternative, |conn, cmd| {
                let id =
                    booking_of(cmd).ok_or_else(|| DeskError::Store("an alternative that is not a booking".into()))?;
                booking_view(conn, id)
            })
            .await
    }

    /// Adds a note to a customer's record (1 to 500 characters), shown at once, synced later.
    pub async fn add_note(&self, customer_id: i64, text: &str, channel: Channel) -> Result<CustomerNote, DeskError> {
        check_id("The customer id", customer_id)?;
        if text.trim().is_empty() {
            return Err(DeskError::invalid("Write the note before saving it."));
        }
        check_text("The note", text, MAX_NOTE, true)?;
        let note_id = Uuid::now_v7();
        let cmd = Command::from(AddNote {
            note_id,
            customer_id,
            text: text.trim().to_owned(),
        });
        self.desk
            .record_command(cmd, channel, move |conn| {
                reads::note(conn, note_id)?
                    .ok_or_else(|| DeskError::Store(format!("note {note_id} vanished while being recorded")))
            })
            .await
    }

    /// A customer's notes, newest first, pending ones included. Viewing them is audited.
    pub async fn customer_notes(&self, customer_id: i64) -> Result<Vec<CustomerNote>, DeskError> {
        check_id("The customer id", customer_id)?;
        self.desk
            .db(move |conn| {
                let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
                let notes = reads::notes_of(&tx, customer_id)?;
                if !notes.is_empty() {
                    audit::viewed_customer(&tx, customer_id, "customer notes")?;
                }
                tx.commit()?;
                Ok(notes)
            })
            .await
    }

    pub async fn centres(&self) -> Result<Vec<Centre>, DeskError> {
        self.desk.db(|conn| Ok(replica::centres(conn)?)).await
    }

    /// The centre's sessions on that day, in start order, with this desk's pending bookings
    /// counted in.
    pub async fn timetable(&self, centre_id: i64, day: NaiveDate) -> Result<Vec<SessionView>, DeskError> {
        check_id("The centre id", centre_id)?;
        self.desk
            .db(move |conn| {
                let sessions = replica::sessions_on(conn, centre_id, day)?;
                let policy = spaces::policy_on(conn, centre_id, day)?;
                let now = local_now();
                let mut out = Vec::with_capacity(sessions.len());
                for s in sessions {
                    let (session, pending) = reads::with_overlay(conn, s)?;
                    let opens = policy
                        .as_ref()
                        .and_then(|p| window::not_yet_open(p, session.starts_at, now));
                    out.push(SessionView {
                        session,
                        pending,
                        opens,
                    });
                }
                Ok(out)
            })
            .await
    }

    pub async fn session(&self, id: i64) -> Result<SessionDetail, DeskError> {
        check_id("The session id", id)?;
        self.desk
            .db(move |conn| {
                // A write transaction: the customers shown are audited with the read that shows them.
                let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
                let (session, pending) = reads::effective_session(&tx, id)?
                    .ok_or_else(|| DeskError::NotFound(format!("Session {id} is not on this desk.")))?;
                let mut bookings = Vec::new();
                for b in reads::session_bookings(&tx, id)? {
                    if b.booking.status == BookingStatus::Cancelled {
                        continue;
                    }
                    audit::viewed_customer(&tx, b.booking.customer_id, &format!("session {id} bookings"))?;
                    bookings.push(BookingView {
                        id: b.booking.id,
                        session_id: b.booking.session_id,
                        customer_id: b.booking.customer_id,
                        customer_name: customer_name(&tx, b.booking.customer_id)?,
                        status: b.booking.status,
                        pending: b.pending,
                        life: Some(BookingLife::of(&b.booking)),
                    });
                }
                let opens = spaces::policy_on(&tx, session.centre_id, session.starts_at.date())?
                    .and_then(|p| window::not_yet_open(&p, session.starts_at, local_now()));
                tx.commit()?;
                Ok(SessionDetail {
                    session: SessionView {
                        session,
                        pending,
                        opens,
                    },
                    bookings,
                })
            })
            .await
    }

    /// Customers whose names start with the words typed (accents and apostrophes ignored), or
    /// whose membership number starts so, or born on a date given as dd/mm/yyyy or yyyy-mm-dd.
    pub async fn search_customers(&self, text: &str, limit: u32) -> Result<Vec<CustomerView>, DeskError> {
        Ok(self.find_customers(text, limit).await?.customers)
    }

    /// As [`Leisure::search_customers`], and by phone, email or postcode too; a customer whose
    /// membership number, phone or postcode is the text exactly comes first, and `more` counts
    /// the matches past `limit`. Each customer listed is audited as viewed.
    pub async fn find_customers(&self, text: &str, limit: u32) -> Result<CustomerMatches, DeskError> {
        check_text("The search text", text, MAX_TEXT, false)?;
        check_limit(limit, 100)?;
        let text = text.to_owned();
        self.desk
            .db(move |conn| {
                let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
                let mut found = search::find(&tx, &text, limit)?;
                // This desk's registrations not yet confirmed come first: the receptionist is
                // most likely looking for the customer just registered. Those pushed past the
                // end of the list are counted in `more`.
                let pending = customers::pending_matching(&tx, &text)?;
                found.customers.retain(|c| !pending.iter().any(|p| p.id == c.id));
                // A customer changed here and not yet confirmed is shown as changed, even when
                // the replica's index matched their old name or number.
                for c in &mut found.customers {
                    if let Some(now) = replica::pending_customer(&tx, c.id)? {
                        *c = search::view(now);
                    }
                }
                found.customers.splice(0..0, pending.into_iter().map(search::view));
                let over = found.customers.len().saturating_sub(limit as usize);
                found.customers.truncate(limit as usize);
                found.more += u32::try_from(over).unwrap_or(u32::MAX);
                for c in &found.customers {
                    audit::viewed_customer(&tx, c.id, "customer search result")?;
                }
                tx.commit()?;
                Ok(found)
            })
            .await
    }
}
