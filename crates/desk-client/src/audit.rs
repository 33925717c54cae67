//! The desk's local audit log (`audit_log`, migration 0006): who viewed or changed which
//! personal record, written in the same transaction as the read or change, so a record is
//! never shown or changed without its row. Rows are never updated or deleted (triggers refuse);
//! the sync loop uploads them in seq order.

use chrono::{DateTime, Utc};
use rusqlite::{Connection, params};
use serde::{Deserialize, Serialize};

use crate::{Desk, DeskError};

/// One row of the local audit log.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditEntry {
    pub seq: u64,
    pub at: DateTime<Utc>,
    pub staff_id: Option<i64>,
    /// `view` or `change`.
    pub action: String,
    /// `customer`, `booking`, …
    pub record_kind: String,
    pub record_id: String,
    pub person_id: Option<i64>,
    pub detail: String,
}

/// Appends one row; the staff member is the one this store last signed in (`meta.staff_id`).
pub(crate) fn append(
    conn: &Connection,
    action: &str,
    record_kind: &str,
    record_id: &str,
    person_id: Option<i64>,
    detail: &str,
) -> rusqlite::Result<()> {
    conn.prepare_cached(
        "INSERT INTO audit_log (at, staff_id, action, record_kind, record_id, person_id, detail)
         VALUES (?1, (SELECT CAST(value AS INTEGER) FROM meta WHERE key = 'staff_id'), ?2, ?3, ?4, ?5, ?6)",
    )?
    .execute(params![
        Utc::now().to_rfc3339(),
        action,
        record_kind,
        record_id,
        person_id,
        detail
    ])?;
    Ok(())
}

/// A customer's record was shown.
pub(crate) fn viewed_customer(conn: &Connection, customer_id: i64, detail: &str) -> rusqlite::Result<()> {
    append(
        conn,
        "view",
        "customer",
        &customer_id.to_string(),
        Some(customer_id),
        detail,
    )
}

pub(crate) fn entries_after(conn: &Connection, after: u64, limit: u32) -> Result<Vec<AuditEntry>, DeskError> {
    let mut stmt = conn.prepare_cached(
        "SELECT seq, at, staff_id, action, record_kind, record_id, person_id, detail
         FROM audit_log WHERE seq > ?1 ORDER BY seq LIMIT ?2",
    )?;
    let rows = stmt.query_map(params![i64::try_from(after).unwrap_or(i64::MAX), limit], |r| {
        Ok((
            r.get::<_, i64>(0)?,
            r.get::<_, String>(1)?,
            r.get::<_, Option<i64>>(2)?,
            r.get::<_, String>(3)?,
            r.get::<_, String>(4)?,
            r.get::<_, String>(5)?,
            r.get::<_, Option<i64>>(6)?,
            r.get::<_, String>(7)?,
        ))
    })?;
    let mut out = Vec::new();
    for row in rows {
        let (seq, at, staff_id, action, record_kind, record_id, person_id, detail) = row?;
        out.push(AuditEntry {
            seq: u64::try_from(seq).unwrap_or(0),
            at: DateTime::parse_from_rfc3339(&at)
                .map_err(|e| DeskError::Store(format!("audit row {seq} has a damaged time: {e}")))?
                .with_timezone(&Utc),
            staff_id,
            action,
            record_kind,
            record_id,
            person_id,
            detail,
        });
    }
    Ok(out)
}

impl Desk {
    /// The local audit log after `after_seq`, oldest first, at most `limit` (1 to 1000) rows.
    pub async fn audit_log(&self, after_seq: u64, limit: u32) -> Result<Vec<AuditEntry>, DeskError> {
        if !(1..=1000).contains(&limit) {
            return Err(DeskError::invalid(format!(
                "The limit must be between 1 and 1000, not {limit}."
            )));
        }
        self.db(move |conn| entries_after(conn, after_seq, limit)).await
    }
}
