//! Leisure records as this desk sees them: the replica with the pending overlay on top.

use std::collections::HashMap;

use desk_domain::{Booking, BookingStatus, CustomerNote, Session, table};
use rusqlite::{Connection, OptionalExtension};
use uuid::Uuid;

use crate::replica;

/// A booking as the desk sees it now.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EffectiveBooking {
    pub booking: Booking,
    pub pending: bool,
    /// Replica bookings order by when they were made; pending ones come after, by seq.
    pub order: (i64, String),
}

fn rank(s: BookingStatus) -> u8 {
    match s {
        BookingStatus::Booked => 0,
        BookingStatus::Offered => 1,
        BookingStatus::Waiting => 2,
        BookingStatus::Cancelled => 3,
    }
}

/// The replica session with this desk's pending counts added; `bool` says whether any apply.
pub fn effective_session(conn: &Connection, id: i64) -> rusqlite::Result<Option<(Session, bool)>> {
    let Some(session) = replica::session(conn, id)? else {
        return Ok(None);
    };
    Ok(Some(with_overlay(conn, session)?))
}

pub fn with_overlay(conn: &Connection, mut session: Session) -> rusqlite::Result<(Session, bool)> {
    let key = session.id.to_string();
    let mut changed = false;
    let mut stmt = conn.prepare_cached("SELECT field, delta FROM overlay_counts WHERE tbl = ?1 AND id = ?2")?;
    let deltas = stmt.query_map([table::SESSIONS, key.as_str()], |r| {
        Ok((r.get::<_, String>(0)?, r.get::<_, i64>(1)?))
    })?;
    for d in deltas {
        let (field, delta) = d?;
        changed |= delta != 0;
        match field.as_str() {
            "booked" => session.booked = add(session.booked, delta),
            "waiting" => session.waiting = add(session.waiting, delta),
            _ => {}
        }
    }
    let touched: bool = conn
        .prepare_cached(
            "SELECT EXISTS (SELECT 1 FROM overlay_records
             WHERE tbl = 'bookings' AND json_extract(data, '$.session_id') = ?1)",
        )?
        .query_row([session.id], |r| r.get(0))?;
    Ok((session, touched || changed))
}

fn add(n: u32, delta: i64) -> u32 {
    u32::try_from((i64::from(n) + delta).max(0)).unwrap_or(u32::MAX)
}

fn from_replica(b: Booking) -> EffectiveBooking {
    let order = (0, b.created_at.to_rfc3339());
    EffectiveBooking {
        booking: b,
        pending: false,
        order,
    }
}

fn from_overlay(data: &str, seq: i64) -> Option<EffectiveBooking> {
    let booking: Booking = serde_json::from_str(data).ok()?;
    Some(EffectiveBooking {
        booking,
        pending: true,
        order: (1, format!("{seq:020}")),
    })
}

/// Shadows a replica booking with the overlay's: the pending record (status, position,
/// check-in, no-show, offer), the replica's order.
fn shadow(b: &mut EffectiveBooking, o: EffectiveBooking) {
    b.booking = o.booking;
    b.pending = true;
}

/// Every booking of a session, replica shadowed by overlay, including cancelled ones.
pub fn session_bookings(conn: &Connection, session_id: i64) -> rusqlite::Result<Vec<EffectiveBooking>> {
    let mut by_id: HashMap<Uuid, EffectiveBooking> = replica::bookings_of_session(conn, session_id)?
        .into_iter()
        .map(|b| (b.id, from_replica(b)))
        .collect();
    let mut stmt = conn.prepare_cached(
        "SELECT data, seq FROM overlay_records
         WHERE tbl = 'bookings' AND json_extract(data, '$.session_id') = ?1",
    )?;
    let rows = stmt.query_map([session_id], |r| Ok((r.get::<_, String>(0)?, r.get::<_, i64>(1)?)))?;
    for row in rows {
        let (data, seq) = row?;
        let Some(o) = from_overlay(&data, seq) else { continue };
        match by_id.get_mut(&o.booking.id) {
            Some(b) => shadow(b, o),
            None => {
                by_id.insert(o.booking.id, o);
            }
        }
    }
    let mut out: Vec<EffectiveBooking> = by_id.into_values().collect();
    out.sort_by(|a, b| {
        (
            rank(a.booking.status),
            a.booking.waiting_position,
            &a.order,
            a.booking.id,
        )
            .cmp(&(
                rank(b.booking.status),
                b.booking.waiting_position,
                &b.order,
                b.booking.id,
            ))
    });
    Ok(out)
}

/// One booking by id, overlay first.
pub fn booking(conn: &Connection, id: Uuid) -> rusqlite::Result<Option<EffectiveBooking>> {
    let key = id.to_string();
    let replica = replica::booking(conn, &key)?.map(from_replica);
    let overlay = conn
        .prepare_cached("SELECT data, seq FROM overlay_records WHERE tbl = 'bookings' AND id = ?1")?
        .query_row([&key], |r| Ok((r.get::<_, String>(0)?, r.get::<_, i64>(1)?)))
        .optional()?
        .and_then(|(data, seq)| from_overlay(&data, seq));
    Ok(match (replica, overlay) {
        (Some(mut b), Some(o)) => {
            shadow(&mut b, o);
            Some(b)
        }
        (b, o) => b.or(o),
    })
}

/// The customer's live place in the session, if any: booked before waiting before cancelled.
pub fn existing_status(bookings: &[EffectiveBooking], customer_id: i64) -> Option<BookingStatus> {
    bookings
        .iter()
        .filter(|b| b.booking.customer_id == customer_id)
        .map(|b| b.booking.status)
        .min_by_key(|s| rank(*s))
}

fn note_from(data: &str) -> Option<CustomerNote> {
    serde_json::from_str(data).ok()
}

/// One note by id, overlay first.
pub fn note(conn: &Connection, id: Uuid) -> rusqlite::Result<Option<CustomerNote>> {
    let key = id.to_string();
    let overlay: Option<String> = conn
        .prepare_cached("SELECT data FROM overlay_records WHERE tbl = 'customer_notes' AND id = ?1")?
        .query_row([&key], |r| r.get(0))
        .optional()?;
    if let Some(n) = overlay.as_deref().and_then(note_from) {
        return Ok(Some(n));
    }
    let replica: Option<String> = conn
        .prepare_cached("SELECT data FROM customer_notes WHERE id = ?1")?
        .query_row([&key], |r| r.get(0))
        .optional()?;
    Ok(replica.as_deref().and_then(note_from))
}

/// A customer's notes, replica and pending, newest first.
pub fn notes_of(conn: &Connection, customer_id: i64) -> rusqlite::Result<Vec<CustomerNote>> {
    let mut by_id: HashMap<Uuid, CustomerNote> = HashMap::new();
    let mut replica = conn.prepare_cached("SELECT data FROM customer_notes WHERE customer_id = ?1")?;
    for data in replica.query_map([customer_id], |r| r.get::<_, String>(0))? {
        if let Some(n) = note_from(&data?) {
            by_id.insert(n.id, n);
        }
    }
    let mut overlay = conn.prepare_cached(
        "SELECT data FROM overlay_records
         WHERE tbl = 'customer_notes' AND json_extract(data, '$.customer_id') = ?1",
    )?;
    for data in overlay.query_map([customer_id], |r| r.get::<_, String>(0))? {
        if let Some(n) = note_from(&data?) {
            by_id.insert(n.id, n);
        }
    }
    let mut out: Vec<CustomerNote> = by_id.into_values().collect();
    out.sort_by_key(|n| std::cmp::Reverse((n.created_at, n.id)));
    Ok(out)
}
