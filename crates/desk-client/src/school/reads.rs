//! School records as this desk holds them: pupils, their contacts, and the audit of views.

use chrono::{DateTime, Utc};
use desk_domain::{Contact, Pupil, School};
use rusqlite::{Connection, OptionalExtension, params};
use serde::de::DeserializeOwned;

use super::views::RecordViewing;

fn decode<T: DeserializeOwned>(json: String) -> rusqlite::Result<T> {
    serde_json::from_str(&json)
        .map_err(|e| rusqlite::Error::FromSqlConversionFailure(0, rusqlite::types::Type::Text, Box::new(e)))
}

pub fn pupil(conn: &Connection, id: i64) -> rusqlite::Result<Option<Pupil>> {
    conn.prepare_cached("SELECT data FROM pupils WHERE id = ?1")?
        .query_row([id.to_string()], |r| r.get::<_, String>(0))
        .optional()?
        .map(decode)
        .transpose()
}

pub fn school(conn: &Connection, id: i64) -> rusqlite::Result<Option<School>> {
    conn.prepare_cached("SELECT data FROM schools WHERE id = ?1")?
        .query_row([id.to_string()], |r| r.get::<_, String>(0))
        .optional()?
        .map(decode)
        .transpose()
}

/// The schools this desk holds, by name.
pub fn schools(conn: &Connection) -> rusqlite::Result<Vec<School>> {
    let mut out: Vec<School> = conn
        .prepare_cached("SELECT data FROM schools")?
        .query_map([], |r| r.get::<_, String>(0))?
        .map(|r| r.and_then(decode))
        .collect::<rusqlite::Result<_>>()?;
    out.sort_by(|a, b| a.name.cmp(&b.name).then(a.id.cmp(&b.id)));
    Ok(out)
}

/// A pupil's contacts in calling order (priority, then name, then id so the order is stable).
pub fn contacts_of(conn: &Connection, pupil_id: i64) -> rusqlite::Result<Vec<Contact>> {
    let mut out: Vec<Contact> = conn
        .prepare_cached("SELECT data FROM contacts WHERE pupil_id = ?1")?
        .query_map([pupil_id], |r| r.get::<_, String>(0))?
        .map(|r| r.and_then(decode))
        .collect::<rusqlite::Result<_>>()?;
    out.sort_by(|a, b| (a.priority, &a.name, a.id).cmp(&(b.priority, &b.name, b.id)));
    Ok(out)
}

/// The latest views of a pupil's record in the audit log, newest first.
pub fn viewings(conn: &Connection, pupil_id: i64, limit: u32) -> rusqlite::Result<Vec<RecordViewing>> {
    conn.prepare_cached(
        "SELECT at, staff_id, detail FROM audit_log
         WHERE record_kind = 'pupil' AND record_id = ?1 AND action = 'view'
         ORDER BY seq DESC LIMIT ?2",
    )?
    .query_map(params![pupil_id.to_string(), limit], |r| {
        Ok((r.get::<_, String>(0)?, r.get::<_, Option<i64>>(1)?, r.get::<_, String>(2)?))
    })?
    .map(|row| {
        let (at, staff_id, detail) = row?;
        let at = DateTime::parse_from_rfc3339(&at)
            .map_err(|e| rusqlite::Error::FromSqlConversionFailure(0, rusqlite::types::Type::Text, Box::new(e)))?
            .with_timezone(&Utc);
        Ok(RecordViewing {
            at,
            staff_id,
            staff_name: None,
            detail,
        })
    })
    .collect()
}
