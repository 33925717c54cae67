//! The desk's local audit log (`audit_log`, migration 0006): who viewed or changed which
//! personal record, written in the same transaction as the read or change, so a record is
//! never shown or changed without its row. Rows are never updated or deleted (triggers refuse);
//! the sync loop uploads them in seq order.

use chrono::{DateTime, Utc};
use desk_domain::RecordKind;
use rusqlite::{Connection, params};
use serde::{Deserialize, Serialize};

use crate::desk::check_limit;
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

/// The latest views of one record at this desk, newest first: who opened it, when and where.
pub(crate) fn viewings(
    conn: &Connection,
    kind: RecordKind,
    record_id: &str,
    limit: u32,
) -> rusqlite::Result<Vec<crate::school::views::RecordViewing>> {
    conn.prepare_cached(
        "SELECT at, staff_id, detail FROM audit_log
         WHERE record_kind = ?1 AND record_id = ?2 AND action = 'view'
         ORDER BY seq DESC LIMIT ?3",
    )?
    .query_map(params![kind.as_str(), record_id, limit], |r| {
        Ok((
            r.get::<_, String>(0)?,
            r.get::<_, Option<i64>>(1)?,
            r.get::<_, String>(2)?,
        ))
    })?
    .map(|row| {
        let (at, staff_id, detail) = row?;
        let at = DateTime::parse_from_rfc3339(&at)
            .map_err(|e| rusqlite::Error::FromSqlConversionFailure(0, rusqlite::types::Type::Text, Box::new(e)))?
            .with_timezone(&Utc);
        Ok(crate::school::views::RecordViewing {
            at,
            staff_id,
            staff_name: None,
            detail,
        })
    })
    .collect()
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

/// Records the entries the server set aside: each stays in `audit_log` as written, the server
/// holds a marker at its seq, and the upload moves on. Each is logged once, when first set aside.
fn set_aside(conn: &Connection, refused: &[desk_domain::AuditRefusal]) -> rusqlite::Result<()> {
    let now = Utc::now().to_rfc3339();
    for r in refused {
        let added = conn
            .prepare_cached(
                "INSERT OR IGNORE INTO audit_set_aside (seq, code, message, set_aside_at)
                 SELECT seq, ?2, ?3, ?4 FROM audit_log WHERE seq = ?1",
            )?
            .execute(params![
                i64::try_from(r.seq).unwrap_or(i64::MAX),
                r.code,
                r.message,
                now
            ])?;
        if added > 0 {
            tracing::warn!(seq = r.seq, code = %r.code, message = %r.message, "audit entry set aside by the server; kept on this desk");
        }
    }
    Ok(())
}

/// An audit entry the server set aside, kept on this desk as written.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SetAside {
    pub seq: u64,
    pub code: String,
    pub message: String,
}

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
                Ok(r) => {
                    if !r.refused.is_empty() {
                        let refused = r.refused.clone();
                        self.db(move |conn| Ok(set_aside(conn, &refused)?)).await?;
                    }
                    r.last_seq
                }
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

    /// Audit entries the server set aside (they stay in this desk's log, and no longer hold up
    /// the upload), oldest first: what IT support is shown about this desk's audit.
    pub async fn audit_set_aside(&self) -> Result<Vec<SetAside>, DeskError> {
        self.db(|conn| {
            let mut stmt = conn.prepare_cached("SELECT seq, code, message FROM audit_set_aside ORDER BY seq")?;
            let rows = stmt.query_map([], |r| {
                Ok(SetAside {
                    seq: u64::try_from(r.get::<_, i64>(0)?).unwrap_or(0),
                    code: r.get(1)?,
                    message: r.get(2)?,
                })
            })?;
            Ok(rows.collect::<Result<Vec<_>, _>>()?)
        })
        .await
    }

    /// The local audit log after `after_seq`, oldest first, at most `limit` (1 to 1000) rows.
    pub async fn audit_log(&self, after_seq: u64, limit: u32) -> Result<Vec<AuditEntry>, DeskError> {
        check_limit(limit, 1000)?;
        self.db(move |conn| entries_after(conn, after_seq, limit)).await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The server set entry 2 aside: it stays in the log as written, is recorded once (however
    /// often the answer is repeated), and an unknown seq records nothing.
    #[test]
    fn entries_the_server_set_aside_stay_and_are_recorded_once() {
        let dir = tempfile::tempdir().unwrap();
        let mut conn = crate::store::open(&dir.path().join("desk.db"), None).unwrap();
        crate::store::migrate(&mut conn).unwrap();
        for detail in ["search result", "nul \u{0} here", "next"] {
            append(&conn, "view", RecordKind::Customer, "7", Some(7), detail).unwrap();
        }
        let refused = vec![
            desk_domain::AuditRefusal {
                seq: 2,
                code: "control_character".into(),
                message: "Audit entry 2: `detail` holds a control character".into(),
            },
            desk_domain::AuditRefusal {
                seq: 99,
                code: "control_character".into(),
                message: "not on this desk".into(),
            },
        ];
        set_aside(&conn, &refused).unwrap();
        set_aside(&conn, &refused).unwrap();
        let rows: Vec<(i64, String)> = conn
            .prepare("SELECT seq, code FROM audit_set_aside")
            .unwrap()
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
            .unwrap()
            .collect::<Result<_, _>>()
            .unwrap();
        assert_eq!(rows, vec![(2, "control_character".to_owned())]);
        let kept = entries_after(&conn, 0, 10).unwrap();
        assert_eq!(kept.len(), 3);
        assert_eq!(kept[1].detail, "nul \u{0} here", "kept as written");
    }
}
