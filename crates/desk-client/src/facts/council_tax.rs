//! The council-tax rules' reads on this desk: the account from the replica, and the account's
//! requests, identity checks and lock clearances from the replica shadowed by this desk's
//! pending records (a check recorded offline lets the same agent take changes offline).

use desk_domain::council_tax::records::{ChangeRequest, IdentityCheck, LockClearance};
use desk_domain::council_tax::{self, AccountFacts};
use desk_domain::{CtAccount, Role, table};
use rusqlite::{Connection, OptionalExtension, params};
use serde::de::DeserializeOwned;
use uuid::Uuid;

use super::DeskFacts;

fn decode<T: DeserializeOwned>(json: String) -> rusqlite::Result<T> {
    serde_json::from_str(&json)
        .map_err(|e| rusqlite::Error::FromSqlConversionFailure(0, rusqlite::types::Type::Text, Box::new(e)))
}

/// The account as the replica holds it (commands never change an account: its changes are
/// requests the revenue system applies).
pub fn account(conn: &Connection, id: i64) -> rusqlite::Result<Option<CtAccount>> {
    conn.prepare_cached("SELECT data FROM ct_accounts WHERE id = ?1")?
        .query_row([id.to_string()], |r| r.get::<_, String>(0))
        .optional()?
        .map(decode)
        .transpose()
}

/// One record of a council-tax table by id: the pending copy if there is one, else the replica's.
pub fn record<T: DeserializeOwned>(conn: &Connection, tbl: &'static str, id: Uuid) -> rusqlite::Result<Option<T>> {
    let key = id.to_string();
    let pending = conn
        .prepare_cached("SELECT data FROM overlay_records WHERE tbl = ?1 AND id = ?2")?
        .query_row(params![tbl, key], |r| r.get::<_, String>(0))
        .optional()?;
    if let Some(data) = pending {
        return decode(data).map(Some);
    }
    // The table name is one of the council-tax tables, never input.
    conn.prepare_cached(&format!("SELECT data FROM {tbl} WHERE id = ?1"))?
        .query_row([key], |r| r.get::<_, String>(0))
        .optional()?
        .map(decode)
        .transpose()
}

/// Every record of a council-tax table about one account: the replica's, each shadowed by a
/// pending copy with the same id, then pending ones the replica lacks (in the order recorded).
pub fn of_account<T: DeserializeOwned>(
    conn: &Connection,
    tbl: &'static str,
    account_id: i64,
) -> rusqlite::Result<Vec<T>> {
    let pending: Vec<(String, String)> = conn
        .prepare_cached(
            "SELECT id, data FROM overlay_records
             WHERE tbl = ?1 AND json_extract(data, '$.account_id') = ?2 ORDER BY seq",
        )?
        .query_map(params![tbl, account_id], |r| Ok((r.get(0)?, r.get(1)?)))?
        .collect::<rusqlite::Result<_>>()?;
    let replica: Vec<(String, String)> = conn
        .prepare_cached(&format!("SELECT id, data FROM {tbl} WHERE account_id = ?1 ORDER BY id"))?
        .query_map([account_id], |r| Ok((r.get(0)?, r.get(1)?)))?
        .collect::<rusqlite::Result<_>>()?;
    let mut out = Vec::with_capacity(replica.len() + pending.len());
    for (id, data) in &replica {
        let shadow = pending.iter().find(|(p, _)| p == id).map(|(_, d)| d);
        out.push(decode(shadow.unwrap_or(data).clone())?);
    }
    for (id, data) in &pending {
        if !replica.iter().any(|(r, _)| r == id) {
            out.push(decode(data.clone())?);
        }
    }
    Ok(out)
}

/// Is the member of staff signed in to this store a supervisor? The desk holds only its own
/// staff member's profile; the server checks again from its staff records.
pub fn signed_in_supervisor(conn: &Connection, staff_id: i64) -> bool {
    crate::store::meta_get(conn, "staff_profile")
        .ok()
        .flatten()
        .and_then(|p| serde_json::from_str::<desk_domain::StaffProfile>(&p).ok())
        .is_some_and(|p| p.id == staff_id && p.roles.contains(&Role::Supervisor))
}

impl council_tax::Facts for DeskFacts<'_> {
    fn ct_account(&mut self, id: i64) -> rusqlite::Result<Option<AccountFacts>> {
        Ok(account(self.conn, id)?.map(AccountFacts::of))
    }
    fn ct_request_exists(&mut self, id: Uuid) -> rusqlite::Result<bool> {
        Ok(record::<serde_json::Value>(self.conn, table::CT_CHANGE_REQUESTS, id)?.is_some())
    }
    fn ct_requests(&mut self, account_id: i64) -> rusqlite::Result<Vec<ChangeRequest>> {
        of_account(self.conn, table::CT_CHANGE_REQUESTS, account_id)
    }
    fn ct_check(&mut self, id: Uuid) -> rusqlite::Result<Option<IdentityCheck>> {
        record(self.conn, table::CT_IDENTITY_CHECKS, id)
    }
    fn ct_failed_checks(&mut self, account_id: i64) -> rusqlite::Result<Vec<IdentityCheck>> {
        let checks: Vec<IdentityCheck> = of_account(self.conn, table::CT_IDENTITY_CHECKS, account_id)?;
        Ok(checks.into_iter().filter(|c| !c.passed).collect())
    }
    fn ct_clearances(&mut self, account_id: i64) -> rusqlite::Result<Vec<LockClearance>> {
        of_account(self.conn, table::CT_LOCK_CLEARANCES, account_id)
    }
    fn is_supervisor(&mut self, staff_id: i64) -> rusqlite::Result<bool> {
        Ok(signed_in_supervisor(self.conn, staff_id))
    }
}
