//! Spaces and their bookings as this desk sees them: the replica with the pending overlay on
//! top (a booking made here and not yet confirmed, a cancellation not yet sent).

use std::collections::HashMap;

use chrono::NaiveDate;
use desk_domain::leisure::space_records::{SpaceBookingRecord, SpaceRecord};
use desk_domain::table;
use rusqlite::Connection;
use serde::de::DeserializeOwned;
use uuid::Uuid;

use super::money_reads::record;

fn decode<T: DeserializeOwned>(json: &str) -> rusqlite::Result<T> {
    serde_json::from_str(json)
        .map_err(|e| rusqlite::Error::FromSqlConversionFailure(0, rusqlite::types::Type::Text, Box::new(e)))
}

fn strings(conn: &Connection, sql: &str, arg: impl rusqlite::Params) -> rusqlite::Result<Vec<String>> {
    conn.prepare_cached(sql)?
        .query_map(arg, |r| r.get::<_, String>(0))?
        .collect()
}

pub fn space(conn: &Connection, id: i64) -> rusqlite::Result<Option<SpaceRecord>> {
    record(conn, table::SPACES, &id.to_string())
}

/// The centre's spaces in id order (spaces are configuration: never pending).
pub fn spaces_of_centre(conn: &Connection, centre_id: i64) -> rusqlite::Result<Vec<SpaceRecord>> {
    let mut out: Vec<SpaceRecord> = strings(conn, "SELECT data FROM spaces WHERE centre_id = ?1", [centre_id])?
        .iter()
        .map(|d| decode(d))
        .collect::<rusqlite::Result<_>>()?;
    out.sort_by_key(|s| s.id);
    Ok(out)
}

/// One space booking, and whether this desk's copy is pending.
pub fn space_booking(conn: &Connection, id: Uuid) -> rusqlite::Result<Option<(SpaceBookingRecord, bool)>> {
    let key = id.to_string();
    if let Some(d) = strings(
        conn,
        "SELECT data FROM overlay_records WHERE tbl = 'space_bookings' AND id = ?1",
        [&key],
    )?
    .first()
    {
        return Ok(Some((decode(d)?, true)));
    }
    strings(conn, "SELECT data FROM space_bookings WHERE id = ?1", [&key])?
        .first()
        .map(|d| decode(d).map(|b| (b, false)))
        .transpose()
}

/// Every booking (any status) of the centre's spaces on `day`, pending over held, by start.
pub fn bookings_on(
    conn: &Connection,
    centre_id: i64,
    day: NaiveDate,
) -> rusqlite::Result<Vec<(SpaceBookingRecord, bool)>> {
    let d = day.to_string();
    let mut by_id: HashMap<Uuid, (SpaceBookingRecord, bool)> = HashMap::new();
    for s in strings(
        conn,
        "SELECT data FROM space_bookings WHERE centre_id = ?1 AND day = ?2",
        rusqlite::params![centre_id, d],
    )? {
        let b: SpaceBookingRecord = decode(&s)?;
        by_id.insert(b.id, (b, false));
    }
    for s in strings(
        conn,
        "SELECT data FROM overlay_records WHERE tbl = 'space_bookings'
         AND json_extract(data, '$.centre_id') = ?1 AND json_extract(data, '$.day') = ?2",
        rusqlite::params![centre_id, d],
    )? {
        let b: SpaceBookingRecord = decode(&s)?;
        by_id.insert(b.id, (b, true));
    }
    let mut out: Vec<_> = by_id.into_values().collect();
    out.sort_by_key(|(b, _)| (b.starts, b.space_id, b.id));
    Ok(out)
}
