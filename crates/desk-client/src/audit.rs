//! The desk's local audit log (`audit_log`, migration 0006): who viewed or changed which
//! personal record, written in the same transaction as the read or change, so a record is
//! never shown or changed without its row. Rows are never updated or deleted (triggers refuse);
//! the sync loop uploads them in seq order.

use chrono::{DateTime, Utc};
use desk_domain::RecordKind;
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
    record_kind: RecordKind,
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
        record_kind.as_str(),
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
        RecordKind::Customer,
        &customer_id.to_string(),
        Some(customer_id),
        detail,
    )
}

/// A pupil's record was shown (a search result, the pupil page, the call form).
pub(crate) fn viewed_pupil(conn: &Connection, pupil_id: i64, detail: &str) -> rusqlite::Result<()> {
    append(
        conn,
        "view",
        RecordKind::Pupil,
        &pupil_id.to_string(),
        Some(pupil_id),
        detail,
    )
}

/// A pupil's record was shown with their contacts. The server's audit store keeps views by the
/// person the record is about (customer, pupil, council-tax account), so a contact shown is
/// written on the pupil's row by id: a subject access request for the pupil, or a search of
/// the details for the contact's id, finds it.
pub(crate) fn viewed_pupil_with_contacts(
    conn: &Connection,
    pupil_id: i64,
    detail: &str,
    contact_ids: &[i64],
) -> rusqlite::Result<()> {
    if contact_ids.is_empty() {
        return viewed_pupil(conn, pupil_id, detail);
    }
    let ids: Vec<String> = contact_ids.iter().map(i64::to_string).collect();
    viewed_pupil(conn, pupil_id, &format!("{detail}, with contacts {}", ids.join(", ")))
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

const UPLOADED: &str = "audit_uploaded_through";

impl Desk {
    /// Uploads the audit entries the server does not hold yet, in seq order. A server without
    /// `/v1/audit` (404/405) keeps them for later; nothing is lost either way.
    pub(crate) async fn upload_audit(&self) -> Result<u64, DeskError> {
        let Some(token) = self.token() else {
            return Ok(0);
        };
        let url = self.server_url();
        let mut sent = 0u64;
        let mut restarted = false;
        loop {
            let batch = self
                .db(|conn| {
                    let after: u64 = crate::store::meta_get(conn, UPLOADED)?
                        .and_then(|v| v.parse().ok())
                        .unwrap_or(0);
                    entries_after(conn, after, desk_domain::MAX_AUDIT_ENTRIES)
                })
                .await?;
            let Some(last) = batch.last().map(|e| e.seq) else {
                return Ok(sent);
            };
            let req = desk_domain::AuditUpload {
                device_id: self.device_id(),
                entries: batch
                    .into_iter()
                    .map(|e| desk_domain::AuditRecord {
                        seq: e.seq,
                        at: e.at,
                        action: e.action,
                        record_kind: e.record_kind,
                        record_id: e.record_id,
                        person_id: e.person_id,
                        detail: e.detail,
                    })
                    .collect(),
            };
            let n = req.entries.len() as u64;
            let held = match self.inner.transport.audit(&url, &token, &req).await {
                Ok(r) => r.last_seq,
                Err(crate::transport::TransportError::Http { status: 404 | 405, .. }) => return Ok(sent),
                // The server holds less than this desk thought: send again from the start,
                // once; entries it already holds are answered as stored.
                Err(crate::transport::TransportError::Http { status: 409, .. }) if !restarted => {
                    restarted = true;
                    self.db(|conn| Ok(crate::store::meta_set(conn, UPLOADED, "0")?)).await?;
                    continue;
                }
                Err(e) => return Err(e.into()),
            };
            let through = held.min(last);
            self.db(move |conn| Ok(crate::store::meta_set(conn, UPLOADED, &through.to_string())?))
                .await?;
            if held < last {
                return Err(DeskError::ServerError(format!(
                    "the server holds audit entries to {held} after being sent up to {last}"
                )));
            }
            sent += n;
        }
    }

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
