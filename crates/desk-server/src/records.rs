//! Records of the synced tables by table name: the surface the effects interpreter writes
//! through. Leisure's two hot tables keep their hand-written statements (a session's counts
//! are a compare-and-set on the row read for update; a booking update keeps who made it).
// The generic get/put over the table descriptions replaces the table arms here as the
// storage surface grows them; a new service's tables need no arm.

use desk_domain::{Booking, Record, Session, table};

use crate::error::StoreError;
use crate::store::StoreTx;

fn parse<T: for<'de> serde::Deserialize<'de>>(record: &Record) -> Result<T, StoreError> {
    record
        .parse()
        .map_err(|e| StoreError::Corrupt(format!("a {} record that is not one: {e}", record.table)))
}

/// Writes `record` to its table. `deltas` are the counts the command changed, for the
/// compare-and-set on counted rows.
pub(crate) fn put(tx: &mut dyn StoreTx, record: &Record, deltas: &[(String, i64)]) -> Result<(), StoreError> {
    match record.table.as_str() {
        table::BOOKINGS => tx.put_booking(&parse::<Booking>(record)?),
        table::SESSIONS => {
            let session: Session = parse(record)?;
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
        other => Err(StoreError::Corrupt(format!("no table `{other}` to write a record to"))),
    }
}

/// Reads one record of `table` by id.
pub(crate) fn get<T: for<'de> serde::Deserialize<'de>>(
    _tx: &mut dyn StoreTx,
    table: &str,
    id: &str,
) -> Result<Option<T>, StoreError> {
    Err(StoreError::Corrupt(format!(
        "no reader for table `{table}` (record {id})"
    )))
}
