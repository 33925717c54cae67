//! A session's life as this desk sees it (replica shadowed by pending records): a customer's
//! bookings (check-in, no-show history), the open waiting-list offers to phone, and what
//! customers owe (no-show fees).

use std::collections::HashMap;

use desk_domain::leisure::records::Charge;
use desk_domain::{Booking, BookingStatus};
use rusqlite::{Connection, OptionalExtension};
use uuid::Uuid;

use super::reads::EffectiveBooking;

fn decode<T: serde::de::DeserializeOwned>(data: &str) -> Option<T> {
    serde_json::from_str(data).ok()
}

/// Replica rows, each shadowed by the overlay's copy, then overlay rows the replica lacks.
fn shadowed<T: serde::de::DeserializeOwned>(
    replica: Vec<(String, String)>,
    overlay: Vec<(String, String)>,
) -> Vec<(T, bool)> {
    let pending: HashMap<&str, &str> = overlay.iter().map(|(i, d)| (i.as_str(), d.as_str())).collect();
    let mut out = Vec::with_capacity(replica.len() + overlay.len());
    for (id, data) in &replica {
        match pending.get(id.as_str()) {
            Some(p) => out.extend(decode(p).map(|t| (t, true))),
            None => out.extend(decode(data).map(|t| (t, false))),
        }
    }
    for (id, data) in &overlay {
        if !replica.iter().any(|(r, _)| r == id) {
            out.extend(decode(data).map(|t| (t, true)));
        }
    }
    out
}

fn pairs(conn: &Connection, sql: &str, key: impl rusqlite::ToSql) -> rusqlite::Result<Vec<(String, String)>> {
    conn.prepare_cached(sql)?
        .query_map([key], |r| Ok((r.get(0)?, r.get(1)?)))?
        .collect()
}

fn effective(list: Vec<(Booking, bool)>) -> Vec<EffectiveBooking> {
    list.into_iter()
        .map(|(booking, pending)| {
            let order = (i64::from(pending), booking.created_at.to_rfc3339());
            EffectiveBooking {
                booking,
                pending,
                order,
            }
        })
        .collect()
}

/// Every booking of a customer, whatever its status.
pub fn bookings_of_customer(conn: &Connection, customer_id: i64) -> rusqlite::Result<Vec<EffectiveBooking>> {
    let replica = pairs(
        conn,
        "SELECT id, data FROM bookings WHERE customer_id = ?1",
        customer_id,
    )?;
    let overlay = pairs(
        conn,
        "SELECT id, data FROM overlay_records WHERE tbl = 'bookings' AND json_extract(data, '$.customer_id') = ?1",
        customer_id,
    )?;
    Ok(effective(shadowed(replica, overlay)))
}

/// Every open waiting-list offer on this desk, soonest to run out first.
pub fn offers(conn: &Connection) -> rusqlite::Result<Vec<EffectiveBooking>> {
    let replica = pairs(conn, "SELECT id, data FROM bookings WHERE status = ?1", "offered")?;
    // A pending answer (accepted or declined here) shadows the replica's offer; a place freed
    // here is offered at once. The overlay holds only this desk's unsettled records.
    let overlay = pairs(conn, "SELECT id, data FROM overlay_records WHERE tbl = ?1", "bookings")?;
    let mut out: Vec<EffectiveBooking> = effective(shadowed(replica, overlay))
        .into_iter()
        .filter(|b| b.booking.status == BookingStatus::Offered)
        .collect();
    out.sort_by_key(|b| (b.booking.offer_until, b.booking.id));
    Ok(out)
}

/// One charge by id, the pending copy first.
pub fn charge(conn: &Connection, id: Uuid) -> rusqlite::Result<Option<Charge>> {
    let key = id.to_string();
    let pending: Option<String> = conn
        .prepare_cached("SELECT data FROM overlay_records WHERE tbl = 'customer_charges' AND id = ?1")?
        .query_row([&key], |r| r.get(0))
        .optional()?;
    if let Some(c) = pending.as_deref().and_then(decode) {
        return Ok(Some(c));
    }
    let stored: Option<String> = conn
        .prepare_cached("SELECT data FROM customer_charges WHERE id = ?1")?
        .query_row([&key], |r| r.get(0))
        .optional()?;
    Ok(stored.as_deref().and_then(decode))
}

/// Everything a customer owes or owed, newest first, with whether it is pending here.
pub fn charges_of(conn: &Connection, customer_id: i64) -> rusqlite::Result<Vec<(Charge, bool)>> {
    let replica = pairs(
        conn,
        "SELECT id, data FROM customer_charges WHERE customer_id = ?1",
        customer_id,
    )?;
    let overlay = pairs(
        conn,
        "SELECT id, data FROM overlay_records
         WHERE tbl = 'customer_charges' AND json_extract(data, '$.customer_id') = ?1",
        customer_id,
    )?;
    let mut out: Vec<(Charge, bool)> = shadowed(replica, overlay);
    out.sort_by_key(|(c, _)| std::cmp::Reverse((c.created_at, c.id)));
    Ok(out)
}
