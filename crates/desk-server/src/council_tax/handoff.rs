//! The hand-off's writes, each in one transaction on either backend: an export picks the
//! `received` requests and marks them `exported` (a row in `ct_exports` names the batch); a
//! results file moves exported requests on. Each status change is a synced record, so the
//! desks see it.

use chrono::{DateTime, Utc};
use desk_domain::Record;
use desk_domain::council_tax::records::{ChangeRequest, RequestStatus, table::CT_CHANGE_REQUESTS};
use desk_domain::{Synced, table};
use desk_store::rows::Cell;
use desk_store::tables::CT_EXPORTS;
use desk_store::{AuditEntry, Cond, StoreTx, Tx};
use uuid::Uuid;

use super::batch::Outgoing;
use super::status_file::StatusRow;
use crate::StoreError;
use crate::timetable_csv::RowError;

/// What an export took, and the buckets whose desks should pull.
pub struct Exported {
    pub batch_id: Uuid,
    pub requests: Vec<Outgoing>,
    pub touched: Vec<String>,
}

fn request_of(v: serde_json::Value) -> Result<ChangeRequest, StoreError> {
    serde_json::from_value(v)
        .map_err(|e| StoreError::Corrupt(format!("a {CT_CHANGE_REQUESTS} row that is not a request: {e}")))
}

fn locked_request(tx: &mut dyn Tx, id: Uuid) -> Result<Option<ChangeRequest>, StoreError> {
    let spec = desk_store::tables::named(CT_CHANGE_REQUESTS)
        .ok_or_else(|| StoreError::Invalid(format!("no table `{CT_CHANGE_REQUESTS}`")))?;
    tx.get_for_update(spec, &[Cell::Uuid(id)])?
        .as_ref()
        .map(|row| desk_store::json::record_of(row).and_then(request_of))
        .transpose()
}

/// Writes the request as it now stands, with its change-log row.
fn put_request(tx: &mut dyn Tx, r: &ChangeRequest) -> Result<String, StoreError> {
    let record = Record::of(CT_CHANGE_REQUESTS, r.key(), &r.bucket(), r);
    tx.put_record(&record.table, &record.row)?;
    let version = tx.next_version();
    tx.put_sync_row(
        &record.table,
        &record.id,
        &record.bucket,
        version,
        &record.row.to_string(),
    )?;
    Ok(record.bucket)
}

fn outgoing(tx: &mut dyn Tx, request: ChangeRequest) -> Result<Outgoing, StoreError> {
    let account_reference = tx
        .get_record(table::CT_ACCOUNTS, &request.account_id.to_string())?
        .and_then(|a| a.get("reference").and_then(|r| r.as_str()).map(str::to_owned))
        .unwrap_or_default();
    let bank = super::bank::details(tx, &request)?;
    Ok(Outgoing {
        request,
        account_reference,
        bank,
    })
}

/// A new batch of every `received` request, or (`again`) the batch of that id as it was taken.
pub(crate) fn export(tx: &mut dyn Tx, again: Option<Uuid>, at: DateTime<Utc>) -> Result<Exported, StoreError> {
    let mut requests = Vec::new();
    let mut touched = std::collections::BTreeSet::new();
    let batch_id = match again {
        Some(batch_id) => {
            for row in tx.select_by(
                &CT_EXPORTS,
                &[Cond::Eq("batch_id", Cell::Uuid(batch_id))],
                &["request_id"],
            )? {
                let id = row.uuid("request_id")?;
                let v = tx.get_record(CT_CHANGE_REQUESTS, &id.to_string())?.ok_or_else(|| {
                    StoreError::Corrupt(format!("batch {batch_id} names request {id}, which is gone"))
                })?;
                requests.push(outgoing(tx, request_of(v)?)?);
            }
            if requests.is_empty() {
                return Err(StoreError::Invalid(format!("there is no export batch {batch_id}")));
            }
            batch_id
        }
        None => {
            let batch_id = Uuid::new_v4();
            let waiting = tx.select_records(
                CT_CHANGE_REQUESTS,
                &[Cond::Eq(
                    "status",
                    Cell::Text(RequestStatus::Received.as_str().to_owned()),
                )],
            )?;
            for v in waiting {
                // Read again under a lock: an export running at the same time may have taken it.
                let id = request_of(v)?.id;
                let Some(mut r) = locked_request(tx, id)? else { continue };
                if r.status != RequestStatus::Received {
                    continue;
                }
                r.status = RequestStatus::Exported;
                touched.insert(put_request(tx, &r)?);
                tx.put(
                    &CT_EXPORTS,
                    vec![Cell::Uuid(r.id), Cell::Uuid(batch_id), Cell::TimestampTz(at)],
                )?;
                requests.push(outgoing(tx, r)?);
            }
            batch_id
        }
    };
    let touched = notify(tx, touched)?;
    Ok(Exported {
        batch_id,
        requests,
        touched,
    })
}

/// The requests changed and the buckets touched, or every row that cannot apply.
pub(crate) type Applied = Result<(usize, Vec<String>), Vec<RowError>>;

/// Applies the revenue system's results, all or none: every row that cannot apply is reported
/// by line (`Ok(Err(..))`, nothing written). Returns the requests changed and the buckets
/// touched; a row already applied (same status and message) changes nothing.
pub(crate) fn set_statuses(tx: &mut dyn Tx, rows: &[StatusRow], at: DateTime<Utc>) -> Result<Applied, StoreError> {
    let mut errors = Vec::new();
    let mut changes = Vec::new();
    for row in rows {
        let err = |message: String| RowError {
            line: row.line,
            message,
        };
        let Some(mut r) = locked_request(tx, row.request_id)? else {
            errors.push(err(format!("there is no request {}", row.request_id)));
            continue;
        };
        if r.reference != row.reference {
            errors.push(err(format!(
                "request {} has the reference {}, not {}",
                r.id, r.reference, row.reference
            )));
            continue;
        }
        if r.status == row.status && r.status_message == row.message {
            continue;
        }
        if !r.status.may_become(row.status) {
            errors.push(err(format!(
                "request {} is {}; it cannot become {}",
                r.reference,
                r.status.as_str(),
                row.status.as_str()
            )));
            continue;
        }
        r.status = row.status;
        r.status_message = row.message.clone();
        changes.push(r);
    }
    if !errors.is_empty() {
        return Ok(Err(errors));
    }
    let mut touched = std::collections::BTreeSet::new();
    for r in &changes {
        touched.insert(put_request(tx, r)?);
        tx.put_audit(&AuditEntry {
            at,
            record_kind: Some("ct_change_request".to_owned()),
            record_id: Some(r.id.to_string()),
            ..AuditEntry::server(
                None,
                None,
                "change",
                format!("revenue system: {} {}", r.reference, r.status.as_str()),
            )
        })?;
    }
    Ok(Ok((changes.len(), notify(tx, touched)?)))
}

/// Tells every server instance on the database (PostgreSQL) that these buckets changed.
fn notify(tx: &mut dyn Tx, touched: std::collections::BTreeSet<String>) -> Result<Vec<String>, StoreError> {
    let touched: Vec<String> = touched.into_iter().collect();
    if !touched.is_empty() {
        let head = tx.head();
        tx.notify(&desk_store::Poke {
            head,
            buckets: std::sync::Arc::new(touched.clone()),
        })?;
    }
    Ok(touched)
}
