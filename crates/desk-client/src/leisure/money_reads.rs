//! The leisure money records as this desk sees them: the replica with the pending overlay on
//! top (a pending payment, a voucher this desk has just used up).

use std::collections::HashMap;

use chrono::NaiveDate;
use desk_domain::leisure::records::{Entitlement, IssuedVoucher, LeisureSettings, MoneyRecord};
use desk_domain::table;
use rusqlite::{Connection, OptionalExtension};
use serde::de::DeserializeOwned;
use uuid::Uuid;

fn decode<T: DeserializeOwned>(json: &str) -> rusqlite::Result<T> {
    serde_json::from_str(json)
        .map_err(|e| rusqlite::Error::FromSqlConversionFailure(0, rusqlite::types::Type::Text, Box::new(e)))
}

/// One record of a synced table by id, the overlay's pending copy first.
pub fn record<T: DeserializeOwned>(conn: &Connection, tbl: &str, id: &str) -> rusqlite::Result<Option<T>> {
    let pending: Option<String> = conn
        .prepare_cached("SELECT data FROM overlay_records WHERE tbl = ?1 AND id = ?2")?
        .query_row([tbl, id], |r| r.get(0))
        .optional()?;
    if let Some(d) = pending {
        return decode(&d).map(Some);
    }
    // The table name is one of `table::ALL`, never input.
    let held: Option<String> = conn
        .prepare_cached(&format!("SELECT data FROM {tbl} WHERE id = ?1"))?
        .query_row([id], |r| r.get(0))
        .optional()?;
    held.as_deref().map(decode).transpose()
}

pub fn settings(conn: &Connection, centre_id: i64) -> rusqlite::Result<Option<LeisureSettings>> {
    record(conn, table::LEISURE_SETTINGS, &centre_id.to_string())
}

pub fn entitlement(conn: &Connection, customer_id: i64) -> rusqlite::Result<Option<Entitlement>> {
    record(conn, table::ENTITLEMENTS, &customer_id.to_string())
}

pub fn voucher(conn: &Connection, code: &str) -> rusqlite::Result<Option<IssuedVoucher>> {
    record(conn, table::VOUCHERS, code)
}

pub fn money(conn: &Connection, id: Uuid) -> rusqlite::Result<Option<(MoneyRecord, bool)>> {
    let key = id.to_string();
    let pending: Option<String> = conn
        .prepare_cached("SELECT data FROM overlay_records WHERE tbl = 'payments' AND id = ?1")?
        .query_row([&key], |r| r.get(0))
        .optional()?;
    if let Some(d) = pending {
        return Ok(Some((decode(&d)?, true)));
    }
    let held: Option<String> = conn
        .prepare_cached("SELECT data FROM payments WHERE id = ?1")?
        .query_row([&key], |r| r.get(0))
        .optional()?;
    held.as_deref().map(|d| decode(d).map(|m| (m, false))).transpose()
}

/// Records merged by id, this desk's pending copy over the held one, each marked pending or
/// not; unordered.
fn merged_by<T: DeserializeOwned>(
    held: Vec<String>,
    pending: Vec<String>,
    id: impl Fn(&T) -> Uuid,
) -> rusqlite::Result<Vec<(T, bool)>> {
    let mut by_id: HashMap<Uuid, (T, bool)> = HashMap::new();
    for (list, is_pending) in [(held, false), (pending, true)] {
        for d in list {
            let r: T = decode(&d)?;
            by_id.insert(id(&r), (r, is_pending));
        }
    }
    Ok(by_id.into_values().collect())
}

/// Payments merged by id, pending over held, in the order they were taken.
fn merged(held: Vec<String>, pending: Vec<String>) -> rusqlite::Result<Vec<(MoneyRecord, bool)>> {
    let mut out = merged_by(held, pending, |m: &MoneyRecord| m.id)?;
    out.sort_by_key(|(m, _)| (m.at, m.id));
    Ok(out)
}

fn strings(conn: &Connection, sql: &str, arg: impl rusqlite::Params) -> rusqlite::Result<Vec<String>> {
    conn.prepare_cached(sql)?
        .query_map(arg, |r| r.get::<_, String>(0))?
        .collect()
}

/// Every payment and refund of a booking, pending ones marked.
pub fn money_of_booking(conn: &Connection, booking_id: Uuid) -> rusqlite::Result<Vec<(MoneyRecord, bool)>> {
    let key = booking_id.to_string();
    merged(
        strings(conn, "SELECT data FROM payments WHERE booking_id = ?1", [&key])?,
        strings(
            conn,
            "SELECT data FROM overlay_records WHERE tbl = 'payments' AND json_extract(data, '$.booking_id') = ?1",
            [&key],
        )?,
    )
}

/// The drawers counted at the centre on `day`, pending ones marked, in the order recorded.
pub fn cash_counts_on_day(
    conn: &Connection,
    centre_id: i64,
    day: NaiveDate,
) -> rusqlite::Result<Vec<(desk_domain::leisure::cash_count::CashCount, bool)>> {
    let key = day.to_string();
    let held = strings(
        conn,
        "SELECT data FROM cash_counts WHERE centre_id = ?1 AND day = ?2",
        rusqlite::params![centre_id, key],
    )?;
    let pending = strings(
        conn,
        "SELECT data FROM overlay_records WHERE tbl = 'cash_counts'
         AND json_extract(data, '$.centre_id') = ?1 AND json_extract(data, '$.day') = ?2",
        rusqlite::params![centre_id, key],
    )?;
    let mut counts = merged_by(held, pending, |k: &desk_domain::leisure::cash_count::CashCount| k.id)?;
    // Ids are UUIDv7, made on the desk: their order is the order the counts were made.
    counts.sort_by_key(|(k, _)| k.id);
    Ok(counts)
}

/// Every payment and refund at the centre on `day` (council time), pending ones marked.
pub fn money_on_day(conn: &Connection, centre_id: i64, day: NaiveDate) -> rusqlite::Result<Vec<(MoneyRecord, bool)>> {
    let (from, to) = (day.to_string(), day.succ_opt().unwrap_or(day).to_string());
    merged(
        strings(
            conn,
            "SELECT data FROM payments WHERE centre_id = ?1 AND at >= ?2 AND at < ?3",
            rusqlite::params![centre_id, from, to],
        )?,
        strings(
            conn,
            "SELECT data FROM overlay_records WHERE tbl = 'payments'
             AND json_extract(data, '$.centre_id') = ?1
             AND json_extract(data, '$.at') >= ?2 AND json_extract(data, '$.at') < ?3",
            rusqlite::params![centre_id, from, to],
        )?,
    )
}
