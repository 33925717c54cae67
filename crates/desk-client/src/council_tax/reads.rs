//! The council-tax records as this desk sees them: the replica shadowed by this desk's pending
//! overlay (a check or a change taken here shows at once, marked pending).

use desk_domain::CtAccount;
use desk_domain::council_tax::records::{ChangeRequest, IdentityCheck, LockClearance, table};
use rusqlite::{Connection, params};
use serde::de::DeserializeOwned;

/// A record and whether it comes from a change not yet confirmed by the server.
#[derive(Debug, Clone)]
pub struct Effective<T> {
    pub record: T,
    pub pending: bool,
}

fn decode<T: DeserializeOwned>(json: String) -> rusqlite::Result<T> {
    serde_json::from_str(&json)
        .map_err(|e| rusqlite::Error::FromSqlConversionFailure(0, rusqlite::types::Type::Text, Box::new(e)))
}

fn rows<T: DeserializeOwned>(conn: &Connection, sql: &str, args: impl rusqlite::Params) -> rusqlite::Result<Vec<T>> {
    conn.prepare_cached(sql)?
        .query_map(args, |r| r.get::<_, String>(0))?
        .map(|r| r.and_then(decode))
        .collect()
}

/// The account as the replica holds it (the rules read it the same way).
pub fn account(conn: &Connection, id: i64) -> rusqlite::Result<Option<CtAccount>> {
    crate::facts::council_tax::account(conn, id)
}

/// One account's records of `tbl` (replica, then pending ones shadowing them by id).
fn of_account<T: DeserializeOwned>(
    conn: &Connection,
    tbl: &str,
    account_id: i64,
    id: impl Fn(&T) -> uuid::Uuid,
) -> rusqlite::Result<Vec<Effective<T>>> {
    // `tbl` is one of this module's table names, never input; `account_id` is each table's
    // indexed generated column (migration 0012).
    let replica: Vec<T> = rows(
        conn,
        &format!("SELECT data FROM {tbl} WHERE account_id = ?1"),
        [account_id],
    )?;
    let pending: Vec<T> = rows(
        conn,
        "SELECT data FROM overlay_records WHERE tbl = ?1 AND json_extract(data, '$.account_id') = ?2 ORDER BY seq",
        params![tbl, account_id],
    )?;
    let mut out: Vec<Effective<T>> = Vec::with_capacity(replica.len() + pending.len());
    for record in replica {
        out.push(Effective { record, pending: false });
    }
    for record in pending {
        let k = id(&record);
        match out.iter_mut().find(|e| id(&e.record) == k) {
            Some(e) => {
                e.record = record;
                e.pending = true;
            }
            None => out.push(Effective { record, pending: true }),
        }
    }
    Ok(out)
}

pub fn requests(conn: &Connection, account_id: i64) -> rusqlite::Result<Vec<Effective<ChangeRequest>>> {
    of_account(conn, table::CT_CHANGE_REQUESTS, account_id, |r: &ChangeRequest| r.id)
}

pub fn checks(conn: &Connection, account_id: i64) -> rusqlite::Result<Vec<Effective<IdentityCheck>>> {
    of_account(conn, table::CT_IDENTITY_CHECKS, account_id, |c: &IdentityCheck| c.id)
}

pub fn clearances(conn: &Connection, account_id: i64) -> rusqlite::Result<Vec<LockClearance>> {
    Ok(
        of_account(conn, table::CT_LOCK_CLEARANCES, account_id, |c: &LockClearance| c.id)?
            .into_iter()
            .map(|e| e.record)
            .collect(),
    )
}

pub fn check(conn: &Connection, account_id: i64, id: uuid::Uuid) -> rusqlite::Result<Option<IdentityCheck>> {
    Ok(checks(conn, account_id)?
        .into_iter()
        .map(|e| e.record)
        .find(|c| c.id == id))
}
