//! Records of the synced tables by table name: the surface the effects interpreter writes
//! through, generic over the tables' descriptions (`desk_store::json`). One hot path keeps its
//! own statement: a session's counts are a compare-and-set on the row read for update.

use desk_domain::{Record, Session, table};

use crate::error::StoreError;
use crate::store::StoreTx;

/// Writes `record` to its table. `deltas` are the counts the command changed, for the
/// compare-and-set on a session.
pub(crate) fn put(tx: &mut dyn StoreTx, record: &Record, deltas: &[(String, i64)]) -> Result<(), StoreError> {
    if record.table != table::SESSIONS {
        return tx.put_record(&record.table, &record.row);
    }
    let session: Session = record
        .parse()
        .map_err(|e| StoreError::Corrupt(format!("a session record that is not one: {e}")))?;
    let delta = deltas.iter().find(|(f, _)| f == "booked").map_or(0, |(_, d)| *d);
    let before = u32::try_from(i64::from(session.booked) - delta)
        .map_err(|_| StoreError::Corrupt(format!("session {} counted below zero", session.id)))?;
    if !tx.update_session_counts(&session, before)? {
        return Err(StoreError::Conflict(format!(
            "session {} changed under a locked update",
            session.id
        )));
    }
    Ok(())
}

/// Reads one record of `table` by id.
pub(crate) fn get<T: for<'de> serde::Deserialize<'de>>(
    tx: &mut dyn StoreTx,
    table: &str,
    id: &str,
) -> Result<Option<T>, StoreError> {
    tx.get_record(table, id)?
        .map(|v| T::deserialize(v).map_err(|e| StoreError::Corrupt(format!("a {table} row that is not a record: {e}"))))
        .transpose()
}

/// Records of `table` matching every condition.
pub(crate) fn select<T: for<'de> serde::Deserialize<'de>>(
    tx: &mut dyn StoreTx,
    table: &str,
    filter: &[desk_store::Cond],
) -> Result<Vec<T>, StoreError> {
    tx.select_records(table, filter)?
        .into_iter()
        .map(|v| T::deserialize(v).map_err(|e| StoreError::Corrupt(format!("a {table} row that is not a record: {e}"))))
        .collect()
}
