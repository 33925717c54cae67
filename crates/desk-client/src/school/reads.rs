//! School records as this desk holds them: pupils, their contacts, and the audit of views.

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
    crate::audit::viewings(conn, desk_domain::RecordKind::Pupil, &pupil_id.to_string(), limit)
}

// ---- The school service's own records: replica shadowed by this desk's pending overlay. ----

use std::collections::HashMap;

use chrono::NaiveDate;
use desk_domain::school::{
    Absence, AttendanceCode, ContactAttempt, Escalation, RegistrationMark, SchoolDay, SchoolSettings, SchoolYear,
};
use desk_domain::table;
use uuid::Uuid;

/// A record as the desk sees it now, and whether it comes from a change not yet confirmed.
#[derive(Debug, Clone)]
pub struct Effective<T> {
    pub record: T,
    pub pending: bool,
}

fn rows<T: DeserializeOwned>(conn: &Connection, sql: &str, args: impl rusqlite::Params) -> rusqlite::Result<Vec<T>> {
    conn.prepare_cached(sql)?
        .query_map(args, |r| r.get::<_, String>(0))?
        .map(|r| r.and_then(decode))
        .collect()
}

/// The pending records of `tbl` about one pupil (the overlay's `overlay_school_by_pupil` index),
/// or every pending record of `tbl` with `pupil_id` None.
fn pending<T: DeserializeOwned>(conn: &Connection, tbl: &str, pupil_id: Option<i64>) -> rusqlite::Result<Vec<T>> {
    match pupil_id {
        Some(p) => rows(
            conn,
            "SELECT data FROM overlay_records WHERE tbl = ?1 AND json_extract(data, '$.pupil_id') = ?2 ORDER BY seq",
            params![tbl, p],
        ),
        None => rows(
            conn,
            "SELECT data FROM overlay_records WHERE tbl = ?1 ORDER BY seq",
            params![tbl],
        ),
    }
}

/// Replica records shadowed by pending ones with the same key; pending-only ones added.
fn merge<T, K: std::hash::Hash + Eq + Copy>(
    replica: Vec<T>,
    overlay: Vec<T>,
    key: impl Fn(&T) -> K,
    keep: impl Fn(&T) -> bool,
) -> Vec<Effective<T>> {
    let mut order: Vec<K> = Vec::new();
    let mut by_key: HashMap<K, Effective<T>> = HashMap::new();
    for (record, pending) in replica
        .into_iter()
        .map(|r| (r, false))
        .chain(overlay.into_iter().map(|r| (r, true)))
    {
        let k = key(&record);
        if by_key.insert(k, Effective { record, pending }).is_none() {
            order.push(k);
        }
    }
    order
        .into_iter()
        .filter_map(|k| by_key.remove(&k))
        .filter(|e| keep(&e.record))
        .collect()
}

/// Every absence record of the pupil, withdrawn ones included, in opening order.
pub fn absences_of(conn: &Connection, pupil_id: i64) -> rusqlite::Result<Vec<Effective<Absence>>> {
    let replica = rows(conn, "SELECT data FROM absences WHERE pupil_id = ?1", [pupil_id])?;
    let overlay = pending(conn, table::ABSENCES, Some(pupil_id))?;
    let mut out = merge(replica, overlay, |a: &Absence| a.id, |_| true);
    out.sort_by_key(|e| (e.record.first(), e.record.recorded_at));
    Ok(out)
}

/// The school's absence records whose span touches `from..=to`, pending ones included.
pub fn absences_of_school(
    conn: &Connection,
    school_id: i64,
    from: NaiveDate,
    to: NaiveDate,
) -> rusqlite::Result<Vec<Effective<Absence>>> {
    let replica = rows(
        conn,
        "SELECT data FROM absences WHERE school_id = ?1 AND last_date >= ?2 AND first_date <= ?3",
        params![school_id, from.to_string(), to.to_string()],
    )?;
    let overlay = pending(conn, table::ABSENCES, None)?;
    Ok(merge(
        replica,
        overlay,
        |a: &Absence| a.id,
        |a| a.school_id == school_id && a.last_date >= from && a.first_date <= to,
    ))
}

pub fn absence(conn: &Connection, id: Uuid) -> rusqlite::Result<Option<Effective<Absence>>> {
    let key = id.to_string();
    let overlay: Vec<Absence> = rows(
        conn,
        "SELECT data FROM overlay_records WHERE tbl = 'absences' AND id = ?1",
        [&key],
    )?;
    if let Some(a) = overlay.into_iter().next() {
        return Ok(Some(Effective {
            record: a,
            pending: true,
        }));
    }
    let replica: Vec<Absence> = rows(conn, "SELECT data FROM absences WHERE id = ?1", [&key])?;
    Ok(replica.into_iter().next().map(|a| Effective {
        record: a,
        pending: false,
    }))
}

pub fn attempts_on(
    conn: &Connection,
    pupil_id: i64,
    date: NaiveDate,
) -> rusqlite::Result<Vec<Effective<ContactAttempt>>> {
    let replica = rows(
        conn,
        "SELECT data FROM contact_attempts WHERE pupil_id = ?1 AND date = ?2",
        params![pupil_id, date.to_string()],
    )?;
    let overlay = pending(conn, table::CONTACT_ATTEMPTS, Some(pupil_id))?;
    let mut out = merge(replica, overlay, |a: &ContactAttempt| a.id, |a| a.date == date);
    out.sort_by_key(|e| (e.record.at, e.record.id));
    Ok(out)
}

/// Every contact attempt at the school on `date`, pending ones included.
pub fn attempts_of_day(
    conn: &Connection,
    school_id: i64,
    date: NaiveDate,
) -> rusqlite::Result<Vec<Effective<ContactAttempt>>> {
    let replica = rows(
        conn,
        "SELECT data FROM contact_attempts WHERE school_id = ?1 AND date = ?2",
        params![school_id, date.to_string()],
    )?;
    let overlay = pending(conn, table::CONTACT_ATTEMPTS, None)?;
    let mut out = merge(
        replica,
        overlay,
        |a: &ContactAttempt| a.id,
        |a| a.school_id == school_id && a.date == date,
    );
    out.sort_by_key(|e| (e.record.at, e.record.id));
    Ok(out)
}

pub fn escalations_of_day(
    conn: &Connection,
    school_id: i64,
    date: NaiveDate,
) -> rusqlite::Result<Vec<Effective<Escalation>>> {
    let replica = rows(
        conn,
        "SELECT data FROM escalations WHERE school_id = ?1 AND date = ?2",
        params![school_id, date.to_string()],
    )?;
    let overlay = pending(conn, table::ESCALATIONS, None)?;
    let mut out = merge(
        replica,
        overlay,
        |e: &Escalation| e.id,
        |e| e.school_id == school_id && e.date == date,
    );
    out.sort_by_key(|e| (e.record.at, e.record.id));
    Ok(out)
}

/// Is this id taken by a contact attempt or an escalation (replica or pending)?
pub fn attempt_or_escalation_exists(conn: &Connection, id: Uuid) -> rusqlite::Result<bool> {
    let key = id.to_string();
    conn.prepare_cached(
        "SELECT EXISTS (SELECT 1 FROM contact_attempts WHERE id = ?1)
             OR EXISTS (SELECT 1 FROM escalations WHERE id = ?1)
             OR EXISTS (SELECT 1 FROM overlay_records WHERE tbl IN ('contact_attempts', 'escalations') AND id = ?1)",
    )?
    .query_row([key], |r| r.get(0))
}

/// Registration marks "absent, no reason yet" at the school on `date`.
pub fn marks_of_day(conn: &Connection, school_id: i64, date: NaiveDate) -> rusqlite::Result<Vec<RegistrationMark>> {
    rows(
        conn,
        "SELECT data FROM registration_marks WHERE school_id = ?1 AND date = ?2",
        params![school_id, date.to_string()],
    )
}

pub fn marks_of_pupil(conn: &Connection, pupil_id: i64) -> rusqlite::Result<Vec<RegistrationMark>> {
    rows(
        conn,
        "SELECT data FROM registration_marks WHERE pupil_id = ?1",
        [pupil_id],
    )
}

pub fn marks_of_school(
    conn: &Connection,
    school_id: i64,
    from: NaiveDate,
    to: NaiveDate,
) -> rusqlite::Result<Vec<RegistrationMark>> {
    rows(
        conn,
        "SELECT data FROM registration_marks WHERE school_id = ?1 AND date >= ?2 AND date <= ?3",
        params![school_id, from.to_string(), to.to_string()],
    )
}

pub fn school_days(
    conn: &Connection,
    school_id: i64,
    from: NaiveDate,
    to: NaiveDate,
) -> rusqlite::Result<Vec<SchoolDay>> {
    rows(
        conn,
        "SELECT data FROM school_days WHERE school_id = ?1 AND date >= ?2 AND date <= ?3 ORDER BY date",
        params![school_id, from.to_string(), to.to_string()],
    )
}

pub fn school_year(conn: &Connection, school_id: i64, date: NaiveDate) -> rusqlite::Result<Option<SchoolYear>> {
    Ok(rows(
        conn,
        "SELECT data FROM school_years WHERE id = ?1",
        [SchoolYear::key(school_id, date)],
    )?
    .into_iter()
    .next())
}

pub fn attendance_code(conn: &Connection, school_id: i64, code: &str) -> rusqlite::Result<Option<AttendanceCode>> {
    Ok(rows(
        conn,
        "SELECT data FROM attendance_codes WHERE id = ?1",
        [AttendanceCode::key(school_id, code)],
    )?
    .into_iter()
    .next())
}

/// The school's codes, in code order.
pub fn attendance_codes(conn: &Connection, school_id: i64) -> rusqlite::Result<Vec<AttendanceCode>> {
    let mut out: Vec<AttendanceCode> = rows(conn, "SELECT data FROM attendance_codes", [])?;
    out.retain(|c| c.school_id == school_id);
    out.sort_by(|a, b| a.code.cmp(&b.code));
    Ok(out)
}

/// The school's pupils (the roll as this desk holds it).
pub fn pupils_of_school(conn: &Connection, school_id: i64) -> rusqlite::Result<Vec<Pupil>> {
    rows(conn, "SELECT data FROM pupils WHERE school_id = ?1", [school_id])
}

/// The school's own rules and thresholds, if the council set any (else the domain's defaults).
pub fn settings(conn: &Connection, school_id: i64) -> rusqlite::Result<Option<SchoolSettings>> {
    Ok(rows(
        conn,
        "SELECT data FROM school_settings WHERE id = ?1",
        [school_id.to_string()],
    )?
    .into_iter()
    .next())
}
