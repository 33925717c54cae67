//! Reception's part of a session's life (issue 11 §3, §5): find a customer by a typed or
//! scanned membership number (or name), see their bookings for now and plain warnings, check
//! them in; mark no-shows after a session and waive one; the waiting-list offers to phone,
//! accepted or declined; and what a customer owes. Works offline: every read is the replica
//! with this desk's pending records, every change a command recorded through the core.

use chrono::{Duration, NaiveDateTime};
use desk_domain::leisure::check_in::{self, Booked, Visit};
use desk_domain::leisure::records::{Charge, ChargeStatus, priced_customer};
use desk_domain::leisure::{self, AcceptOffer, CheckIn, DeclineOffer, MarkNoShows, WaiveNoShow};
use desk_domain::values::Pence;
use desk_domain::{BookingStatus, Channel, Command, Customer, Session};
use rusqlite::{Connection, OptionalExtension, TransactionBehavior};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::{Leisure, booking_view, customer_name, life_reads, money_reads, reads};
use crate::desk::{MAX_TEXT, check_id, check_text, local_now};
use crate::facts::DeskFacts;
use crate::views::{BookingView, CustomerView, SessionDetail};
use crate::{DeskError, audit, replica, search};

/// The most customers check-in lists for one search.
const MAX_CANDIDATES: u32 = 10;

/// A booking of the customer's for now, as reception shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct CheckInBooking {
    pub booking_id: Uuid,
    pub session_id: i64,
    pub activity_name: String,
    pub location: String,
    pub starts_at: NaiveDateTime,
    pub attended: bool,
    pub pending: bool,
}

/// A plain warning for the receptionist: `kind` is `membership_expired`, `membership_frozen`,
/// `membership_not_started`, `unpaid_fee`, `no_booking`, `concession_review_due` or
/// `booking_blocked`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct CheckInWarning {
    pub kind: String,
    pub message: String,
}

/// A customer check-in found, with their bookings for now and every warning.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct CheckInCandidate {
    pub customer: CustomerView,
    pub bookings_now: Vec<CheckInBooking>,
    pub warnings: Vec<CheckInWarning>,
    pub unpaid_pence: i64,
}

/// A waiting-list offer to phone: who, their phone, the session, and until when it is held.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct OfferView {
    pub booking_id: Uuid,
    pub session_id: i64,
    pub centre_id: i64,
    pub activity_name: String,
    pub starts_at: NaiveDateTime,
    pub customer_id: i64,
    pub customer_name: String,
    pub phone: Option<String>,
    pub offer_until: NaiveDateTime,
    pub pending: bool,
}

/// Something a customer owes (or owed): a no-show fee, its status, and whether this desk's
/// change to it is still pending.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct ChargeView {
    pub id: Uuid,
    pub customer_id: i64,
    pub centre_id: i64,
    pub booking_id: Uuid,
    pub session_id: i64,
    pub amount_pence: i64,
    pub status: ChargeStatus,
    pub reason: String,
    pub pending: bool,
}

impl ChargeView {
    fn of((c, pending): (Charge, bool)) -> ChargeView {
        ChargeView {
            id: c.id,
            customer_id: c.customer_id,
            centre_id: c.centre_id,
            booking_id: c.booking_id,
            session_id: c.session_id,
            amount_pence: c.amount.0,
            status: c.status,
            reason: c.reason,
            pending,
        }
    }
}

fn customer_view(c: &Customer) -> CustomerView {
    CustomerView {
        id: c.id,
        first_name: c.first_name.clone(),
        last_name: c.last_name.clone(),
        date_of_birth: c.date_of_birth,
        membership_no: c.membership_no.clone(),
        postcode: c.postcode.clone(),
    }
}

/// The customers a check-in search means: the one whose membership number is exactly what was
/// typed or scanned (any case), else the customer search's matches by name or number prefix.
fn find(conn: &Connection, text: &str) -> rusqlite::Result<Vec<Customer>> {
    let exact: Option<String> = conn
        .prepare_cached("SELECT data FROM customers WHERE membership_no = ?1")?
        .query_row([text.to_uppercase()], |r| r.get(0))
        .optional()?;
    if let Some(c) = exact.as_deref().and_then(|d| serde_json::from_str::<Customer>(d).ok()) {
        return Ok(vec![c]);
    }
    let mut out = Vec::new();
    for v in search::search(conn, text, MAX_CANDIDATES)? {
        out.extend(replica::customer(conn, v.id)?);
    }
    Ok(out)
}

/// The customer's bookings for now (attended ones too, so a check-in shows what it did),
/// each session's check-in window from its centre's policy.
fn bookings_now(conn: &Connection, customer_id: i64, now: NaiveDateTime) -> rusqlite::Result<Vec<CheckInBooking>> {
    let mut out = Vec::new();
    for b in life_reads::bookings_of_customer(conn, customer_id)? {
        if b.booking.status != BookingStatus::Booked {
            continue;
        }
        let Some((s, _)) = reads::effective_session(conn, b.booking.session_id)? else {
            continue;
        };
        let opens = opens_minutes(conn, &s)?;
        let booked = Booked {
            session_id: s.id,
            starts: s.starts_at,
            ends: s.starts_at + Duration::minutes(i64::from(s.duration_minutes)),
            attended: false,
        };
        if check_in::bookings_now(std::slice::from_ref(&booked), now, opens).is_empty() {
            continue;
        }
        out.push(CheckInBooking {
            booking_id: b.booking.id,
            session_id: s.id,
            activity_name: s.activity_name.clone(),
            location: s.location.clone(),
            starts_at: s.starts_at,
            attended: b.booking.attended_at.is_some(),
            pending: b.pending,
        });
    }
    out.sort_by_key(|b| (b.starts_at, b.session_id));
    Ok(out)
}

fn opens_minutes(conn: &Connection, s: &Session) -> rusqlite::Result<u32> {
    Ok(money_reads::settings(conn, s.centre_id)?
        .and_then(|x| x.policy_on(s.starts_at.date()).map(|p| p.check_in_opens_minutes))
        .unwrap_or(0))
}

fn candidate(conn: &Connection, c: &Customer, now: NaiveDateTime) -> Result<CheckInCandidate, DeskError> {
    let bookings_now = bookings_now(conn, c.id, now)?;
    let unpaid: Vec<Pence> = life_reads::charges_of(conn, c.id)?
        .into_iter()
        .filter(|(x, _)| x.status == ChargeStatus::Due)
        .map(|(x, _)| x.amount)
        .collect();
    let entitlement = money_reads::entitlement(conn, c.id)?;
    let who = priced_customer(c.date_of_birth, entitlement.as_ref());
    let home_policy = money_reads::settings(conn, c.home_centre_id)?.and_then(|s| s.policy_on(now.date()).cloned());
    let blocked_until = leisure::blocked_until(&mut DeskFacts::new(conn), c.id, c.home_centre_id, now.date())?;
    let visit = Visit {
        customer: &who,
        bookings_now: bookings_now.len(),
        unpaid: &unpaid,
        blocked_until,
    };
    let warn_days = home_policy.map_or(0, |p| p.concession_warn_days);
    let warnings = check_in::warnings(&visit, now, warn_days)
        .into_iter()
        .map(|w| CheckInWarning {
            kind: serde_json::to_value(&w)
                .ok()
                .and_then(|v| v.get("kind").and_then(|k| k.as_str()).map(str::to_owned))
                .unwrap_or_default(),
            message: w.message(),
        })
        .collect();
    Ok(CheckInCandidate {
        customer: customer_view(c),
        bookings_now,
        warnings,
        unpaid_pence: unpaid.iter().map(|p| p.0).sum(),
    })
}

fn offer_view(conn: &Connection, b: &reads::EffectiveBooking) -> Result<Option<OfferView>, DeskError> {
    let Some((s, _)) = reads::effective_session(conn, b.booking.session_id)? else {
        return Ok(None);
    };
    let customer = replica::customer(conn, b.booking.customer_id)?;
    Ok(Some(OfferView {
        booking_id: b.booking.id,
        session_id: s.id,
        centre_id: s.centre_id,
        activity_name: s.activity_name,
        starts_at: s.starts_at,
        customer_id: b.booking.customer_id,
        customer_name: customer_name(conn, b.booking.customer_id)?,
        phone: customer.and_then(|c| c.phone),
        offer_until: b.booking.offer_until.unwrap_or(s.starts_at),
        pending: b.pending,
    }))
}

impl Leisure<'_> {
    /// Customers matching a typed or scanned membership number (exactly) or a name, with
    /// their bookings for now and plain warnings. Viewing them is audited.
    pub async fn check_in_find(&self, text: &str) -> Result<Vec<CheckInCandidate>, DeskError> {
        let text = text.trim().to_owned();
        if text.is_empty() {
            return Err(DeskError::invalid("Type or scan a membership number, or type a name."));
        }
        check_text("The membership number or name", &text, MAX_TEXT, false)?;
        self.desk
            .db(move |conn| {
                let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
                let now = local_now();
                let mut out = Vec::new();
                for c in find(&tx, &text)? {
                    audit::viewed_customer(&tx, c.id, "check-in")?;
                    out.push(candidate(&tx, &c, now)?);
                }
                tx.commit()?;
                Ok(out)
            })
            .await
    }

    /// Checks the customer in: into `booking_id`, or into their one booking for now. Refused
    /// with words the receptionist can act on (no booking for now, several to choose from,
    /// already in). Returns the customer as check-in now shows them.
    pub async fn check_in(
        &self,
        customer_id: i64,
        booking_id: Option<Uuid>,
        channel: Channel,
    ) -> Result<CheckInCandidate, DeskError> {
        check_id("The customer id", customer_id)?;
        if booking_id.is_some_and(|b| b.is_nil()) {
            return Err(DeskError::invalid("The booking id must not be empty."));
        }
        let cmd = Command::from(CheckIn {
            customer_id,
            booking_id,
        });
        self.desk
            .record_command(cmd, channel, move |conn| {
                let c = replica::customer(conn, customer_id)?
                    .ok_or_else(|| DeskError::NotFound(format!("Customer {customer_id} is not on this desk.")))?;
                candidate(conn, &c, local_now())
            })
            .await
    }

    /// Marks these bookings of a session that has ended as no-shows (the centre's rule gives
    /// any fee or block). Returns the session as the desk now shows it.
    pub async fn mark_no_shows(
        &self,
        session_id: i64,
        booking_ids: Vec<Uuid>,
        channel: Channel,
    ) -> Result<SessionDetail, DeskError> {
        check_id("The session id", session_id)?;
        if booking_ids.is_empty() {
            return Err(DeskError::invalid("Choose at least one booking to mark as a no-show."));
        }
        let cmd = Command::from(MarkNoShows {
            session_id,
            booking_ids,
        });
        self.desk.record_command(cmd, channel, |_| Ok(())).await?;
        self.session(session_id).await
    }

    /// Waives a no-show (and its fee, if still due) with a reason.
    pub async fn waive_no_show(
        &self,
        booking_id: Uuid,
        reason: &str,
        channel: Channel,
    ) -> Result<BookingView, DeskError> {
        if booking_id.is_nil() {
            return Err(DeskError::invalid("The booking id must not be empty."));
        }
        if reason.trim().is_empty() {
            return Err(DeskError::invalid("Give a reason for waiving the no-show."));
        }
        check_text("The reason", reason, leisure::MAX_REASON, false)?;
        let cmd = Command::from(WaiveNoShow {
            booking_id,
            reason: reason.trim().to_owned(),
        });
        self.desk
            .record_command(cmd, channel, move |conn| booking_view(conn, booking_id))
            .await
    }

    /// The customer offered a place takes it.
    pub async fn accept_offer(&self, booking_id: Uuid, channel: Channel) -> Result<BookingView, DeskError> {
        if booking_id.is_nil() {
            return Err(DeskError::invalid("The booking id must not be empty."));
        }
        self.desk
            .record_command(Command::from(AcceptOffer { booking_id }), channel, move |conn| {
                booking_view(conn, booking_id)
            })
            .await
    }

    /// The customer offered a place turns it down: it goes to the next person waiting.
    pub async fn decline_offer(&self, booking_id: Uuid, channel: Channel) -> Result<BookingView, DeskError> {
        if booking_id.is_nil() {
            return Err(DeskError::invalid("The booking id must not be empty."));
        }
        self.desk
            .record_command(Command::from(DeclineOffer { booking_id }), channel, move |conn| {
                booking_view(conn, booking_id)
            })
            .await
    }

    /// The open waiting-list offers to phone (of one centre, or all on this desk), soonest to
    /// run out first, with each customer's phone. Viewing them is audited.
    pub async fn offers(&self, centre_id: Option<i64>) -> Result<Vec<OfferView>, DeskError> {
        if let Some(c) = centre_id {
            check_id("The centre id", c)?;
        }
        self.desk
            .db(move |conn| {
                let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
                let mut out = Vec::new();
                for b in life_reads::offers(&tx)? {
                    let Some(v) = offer_view(&tx, &b)? else { continue };
                    if centre_id.is_some_and(|c| c != v.centre_id) {
                        continue;
                    }
                    audit::viewed_customer(&tx, v.customer_id, "waiting-list offers to phone")?;
                    out.push(v);
                }
                tx.commit()?;
                Ok(out)
            })
            .await
    }

    /// What the customer owes or owed (no-show fees), newest first. Viewing them is audited.
    pub async fn charges_of(&self, customer_id: i64) -> Result<Vec<ChargeView>, DeskError> {
        check_id("The customer id", customer_id)?;
        self.desk
            .db(move |conn| {
                let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
                let charges: Vec<ChargeView> = life_reads::charges_of(&tx, customer_id)?
                    .into_iter()
                    .map(ChargeView::of)
                    .collect();
                if !charges.is_empty() {
                    audit::viewed_customer(&tx, customer_id, "customer charges")?;
                }
                tx.commit()?;
                Ok(charges)
            })
            .await
    }
}
