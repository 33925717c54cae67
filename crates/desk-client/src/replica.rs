//! The replica: the server's rows in this desk's scope, written only by applying pulled pages.

use chrono::{NaiveDate, NaiveDateTime};
use desk_domain::{Booking, Centre, Change, ChangeOp, Customer, Session, entities::table};
use rusqlite::{Connection, OptionalExtension, params};
use serde::de::DeserializeOwned;

#[derive(Debug, thiserror::Error)]
pub enum ApplyError {
    #[error("change for unknown table `{0}`")]
    UnknownTable(String),
    #[error("upsert of {table}/{id} carries no data")]
    MissingData { table: String, id: String },
    #[error(transparent)]
    Sql(#[from] rusqlite::Error),
}

fn known_table(name: &str) -> Option<&'static str> {
    table::ALL.into_iter().find(|t| *t == name)
}

/// The names with apostrophes removed, for names that have one ("Mòrag ONeill"), so that
/// "oneill" finds O'Neill; `None` for names without (their words are indexed already).
pub fn apostrophe_key(first_name: &str, last_name: &str) -> Option<String> {
    let is_apostrophe = |c: char| matches!(c, '\'' | '’' | '‘');
    if !first_name.contains(is_apostrophe) && !last_name.contains(is_apostrophe) {
        return None;
    }
    Some(
        format!("{first_name} {last_name}")
            .chars()
            .filter(|c| !is_apostrophe(*c))
            .collect(),
    )
}

/// Keeps the customer search index and sort keys in step with one customers row, from the
/// JSON already parsed for the change.
fn index_customer(conn: &Connection, rowid: i64, id: &str, data: &serde_json::Value) -> rusqlite::Result<()> {
    let text = |field: &str| data.get(field).and_then(serde_json::Value::as_str).unwrap_or("");
    let (first, last, membership) = (text("first_name"), text("last_name"), text("membership_no"));
    let (email, phone, postcode) = (text("email"), text("phone"), text("postcode"));
    let contact = format!("{email} {postcode} {phone}");
    let keys = crate::search::identifier_keys(membership, phone, postcode).join(" ");
    conn.prepare_cached(
        "INSERT INTO customers_fts (rowid, first_name, last_name, apostrophe_key, membership_no, contact, keys)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
    )?
    .execute(params![
        rowid,
        first,
        last,
        apostrophe_key(first, last),
        membership,
        contact.trim(),
        keys
    ])?;
    conn.prepare_cached(
        "INSERT INTO customer_order (rowid, last_name, first_name, customer_id) VALUES (?1, ?2, ?3, ?4)
         ON CONFLICT (rowid) DO UPDATE SET last_name = excluded.last_name, first_name = excluded.first_name,
             customer_id = excluded.customer_id",
    )?
    .execute(params![rowid, last, first, id.parse::<i64>().unwrap_or(0)])?;
    Ok(())
}

/// Applies one change. A change older than the row already held is ignored, so a page applied
/// twice leaves the replica as it was.
pub fn apply_change(conn: &Connection, change: &Change) -> Result<(), ApplyError> {
    let t = known_table(&change.table).ok_or_else(|| ApplyError::UnknownTable(change.table.clone()))?;
    if t == table::CUSTOMERS {
        return apply_indexed(conn, change, &CUSTOMERS_INDEXED);
    }
    if t == table::PUPILS {
        return apply_indexed(conn, change, &PUPILS_INDEXED);
    }
    if t == table::CT_ACCOUNTS {
        return apply_indexed(conn, change, &CT_ACCOUNTS_INDEXED);
    }
    let version = i64::try_from(change.version).unwrap_or(i64::MAX);
    match change.op {
        ChangeOp::Upsert => {
            let data = change.data.as_ref().ok_or_else(|| ApplyError::MissingData {
                table: change.table.clone(),
                id: change.id.clone(),
            })?;
            // An update in place (not REPLACE) keeps the rowid, which the FTS index is keyed by.
            let sql = format!(
                "INSERT INTO {t} (id, bucket, version, data) VALUES (?1, ?2, ?3, ?4)
                 ON CONFLICT (id) DO UPDATE SET bucket = excluded.bucket, version = excluded.version,
                     data = excluded.data
                 WHERE excluded.version >= {t}.version"
            );
            conn.prepare_cached(&sql)?
                .execute(params![change.id, change.bucket, version, data.to_string()])?;
        }
        ChangeOp::Delete => {
            let sql = format!("DELETE FROM {t} WHERE id = ?1 AND version <= ?2");
            conn.prepare_cached(&sql)?.execute(params![change.id, version])?;
        }
    }
    Ok(())
}

/// A replica table kept searchable: customers (migrations 0003–0005, 0018), pupils (0009) and
/// council-tax accounts (0013). Its FTS5 table (contentless) and its order table are keyed by
/// the replica row's rowid and written here, where pulled rows are applied, so a search never
/// reads JSON but for the rows it shows. `index` computes a row's entries (in Rust: sound-alike
/// and squashed keys). The statements run for every pulled row are written out whole by
/// [`indexed!`], so applying a page builds no SQL text.
struct Indexed {
    table: &'static str,
    fts: &'static str,
    order: &'static str,
    index: fn(&Connection, i64, &str, &serde_json::Value) -> rusqlite::Result<()>,
    rowid_of: &'static str,
    /// A newer version replaces the row (keeping its rowid, so the index stays keyed by it).
    upsert: &'static str,
    delete: &'static str,
    unindex_fts: &'static str,
    unindex_order: &'static str,
}

macro_rules! indexed {
    ($table:literal, $fts:literal, $order:literal, $index:expr) => {
        Indexed {
            table: $table,
            fts: $fts,
            order: $order,
            index: $index,
            rowid_of: concat!("SELECT rowid FROM ", $table, " WHERE id = ?1"),
            upsert: concat!(
                "INSERT INTO ",
                $table,
                " (id, bucket, version, data) VALUES (?1, ?2, ?3, ?4)
                 ON CONFLICT (id) DO UPDATE SET bucket = excluded.bucket, version = excluded.version,
                     data = excluded.data
                 WHERE excluded.version >= ",
                $table,
                ".version"
            ),
            delete: concat!("DELETE FROM ", $table, " WHERE id = ?1 AND version <= ?2"),
            unindex_fts: concat!("DELETE FROM ", $fts, " WHERE rowid = ?1"),
            unindex_order: concat!("DELETE FROM ", $order, " WHERE rowid = ?1"),
        }
    };
}

impl Indexed {
    fn rowid_of(&self, conn: &Connection, id: &str) -> rusqlite::Result<Option<i64>> {
        conn.prepare_cached(self.rowid_of)?
            .query_row([id], |r| r.get(0))
            .optional()
    }

    fn unindex(&self, conn: &Connection, rowid: i64) -> rusqlite::Result<()> {
        conn.prepare_cached(self.unindex_fts)?.execute([rowid])?;
        conn.prepare_cached(self.unindex_order)?.execute([rowid])?;
        Ok(())
    }

    /// Empties the index (a reset pull purges the replica).
    fn purge(&self, conn: &Connection) -> rusqlite::Result<()> {
        conn.execute(&format!("INSERT INTO {0} ({0}) VALUES ('delete-all')", self.fts), [])?;
        conn.execute(&format!("DELETE FROM {}", self.order), [])?;
        Ok(())
    }

    /// Indexes the rows the index does not hold (pulled before the index's migration).
    fn index_unindexed(&self, conn: &mut Connection) -> rusqlite::Result<()> {
        let tx = conn.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
        let rows: Vec<(i64, String, String)> = tx
            .prepare(&format!(
                "SELECT r.rowid, r.id, r.data FROM {} r
                 WHERE NOT EXISTS (SELECT 1 FROM {} o WHERE o.rowid = r.rowid)",
                self.table, self.order
            ))?
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?
            .collect::<rusqlite::Result<_>>()?;
        for (rowid, id, data) in rows {
            let data: serde_json::Value = serde_json::from_str(&data).unwrap_or_default();
            (self.index)(&tx, rowid, &id, &data)?;
        }
        tx.commit()
    }
}

const CUSTOMERS_INDEXED: Indexed = indexed!("customers", "customers_fts", "customer_order", index_customer);
const PUPILS_INDEXED: Indexed = indexed!(
    "pupils",
    "pupils_fts",
    "pupil_order",
    crate::school::search::index_pupil
);
const CT_ACCOUNTS_INDEXED: Indexed = indexed!(
    "ct_accounts",
    "ct_accounts_fts",
    "ct_account_order",
    crate::council_tax::search::index_account
);

/// Indexes the customers, pupils and council-tax accounts pulled before their searches existed
/// (migrations 0018, 0009 and 0013); a no-op once every row is indexed. Their keys are computed
/// in Rust, so a migration's SQL cannot.
pub(crate) fn index_unindexed(conn: &mut Connection) -> rusqlite::Result<()> {
    CUSTOMERS_INDEXED.index_unindexed(conn)?;
    PUPILS_INDEXED.index_unindexed(conn)?;
    CT_ACCOUNTS_INDEXED.index_unindexed(conn)
}

/// Applies a change to an indexed table: a row newer than the replica's replaces it and its
/// index entry (the rowid is kept, so the index stays keyed by it); an older one changes nothing.
fn apply_indexed(conn: &Connection, change: &Change, ix: &Indexed) -> Result<(), ApplyError> {
    let version = i64::try_from(change.version).unwrap_or(i64::MAX);
    let before = ix.rowid_of(conn, &change.id)?;
    match change.op {
        ChangeOp::Upsert => {
            let data = change.data.as_ref().ok_or_else(|| ApplyError::MissingData {
                table: change.table.clone(),
                id: change.id.clone(),
            })?;
            let written = conn.prepare_cached(ix.upsert)?.execute(params![
                change.id,
                change.bucket,
                version,
                data.to_string()
            ])?;
            if written == 0 {
                return Ok(());
            }
            let rowid = match before {
                Some(rowid) => {
                    ix.unindex(conn, rowid)?;
                    rowid
                }
                None => conn.last_insert_rowid(),
            };
            (ix.index)(conn, rowid, &change.id, data)?;
        }
        ChangeOp::Delete => {
            let deleted = conn.prepare_cached(ix.delete)?.execute(params![change.id, version])?;
            if let (1, Some(rowid)) = (deleted, before) {
                ix.unindex(conn, rowid)?;
            }
        }
    }
    Ok(())
}

/// Drops every replica row (a reset pull starts from the beginning).
pub fn purge(conn: &Connection) -> rusqlite::Result<()> {
    for t in table::ALL {
        conn.execute(&format!("DELETE FROM {t}"), [])?;
    }
    for ix in [&CUSTOMERS_INDEXED, &PUPILS_INDEXED, &CT_ACCOUNTS_INDEXED] {
        ix.purge(conn)?;
    }
    Ok(())
}

fn decode<T: DeserializeOwned>(json: String) -> rusqlite::Result<T> {
    serde_json::from_str(&json)
        .map_err(|e| rusqlite::Error::FromSqlConversionFailure(0, rusqlite::types::Type::Text, Box::new(e)))
}

pub fn centres(conn: &Connection) -> rusqlite::Result<Vec<Centre>> {
    let mut stmt = conn.prepare_cached("SELECT data FROM centres")?;
    let mut out: Vec<Centre> = stmt
        .query_map([], |r| r.get::<_, String>(0))?
        .map(|r| r.and_then(decode))
        .collect::<rusqlite::Result<_>>()?;
    out.sort_by(|a, b| a.name.cmp(&b.name).then(a.id.cmp(&b.id)));
    Ok(out)
}

pub fn session(conn: &Connection, id: i64) -> rusqlite::Result<Option<Session>> {
    conn.prepare_cached("SELECT data FROM sessions WHERE id = ?1")?
        .query_row([id.to_string()], |r| r.get::<_, String>(0))
        .optional()?
        .map(decode)
        .transpose()
}

fn day_bounds(day: NaiveDate) -> (String, String) {
    let from = day.and_hms_opt(0, 0, 0).expect("midnight exists");
    let to = from + chrono::Duration::days(1);
    (fmt_time(from), fmt_time(to))
}

/// The form `NaiveDateTime` takes in JSON, so text comparison orders times.
fn fmt_time(t: NaiveDateTime) -> String {
    t.format("%Y-%m-%dT%H:%M:%S").to_string()
}

pub fn sessions_on(conn: &Connection, centre_id: i64, day: NaiveDate) -> rusqlite::Result<Vec<Session>> {
    let (from, to) = day_bounds(day);
    let mut stmt = conn.prepare_cached(
        "SELECT data FROM sessions WHERE centre_id = ?1 AND starts_at >= ?2 AND starts_at < ?3
         ORDER BY starts_at, CAST(id AS INTEGER)",
    )?;
    stmt.query_map(params![centre_id, from, to], |r| r.get::<_, String>(0))?
        .map(|r| r.and_then(decode))
        .collect()
}

/// Sessions of the same activity starting in `[from, to]`: the candidates for alternatives.
pub fn sessions_of_activity(
    conn: &Connection,
    activity_id: i64,
    from: NaiveDateTime,
    to: NaiveDateTime,
) -> rusqlite::Result<Vec<Session>> {
    let mut stmt = conn
        .prepare_cached("SELECT data FROM sessions WHERE activity_id = ?1 AND starts_at >= ?2 AND starts_at <= ?3")?;
    stmt.query_map(params![activity_id, fmt_time(from), fmt_time(to)], |r| {
        r.get::<_, String>(0)
    })?
    .map(|r| r.and_then(decode))
    .collect()
}

pub fn booking(conn: &Connection, id: &str) -> rusqlite::Result<Option<Booking>> {
    conn.prepare_cached("SELECT data FROM bookings WHERE id = ?1")?
        .query_row([id], |r| r.get::<_, String>(0))
        .optional()?
        .map(decode)
        .transpose()
}

pub fn bookings_of_session(conn: &Connection, session_id: i64) -> rusqlite::Result<Vec<Booking>> {
    let mut stmt = conn.prepare_cached("SELECT data FROM bookings WHERE session_id = ?1")?;
    stmt.query_map([session_id], |r| r.get::<_, String>(0))?
        .map(|r| r.and_then(decode))
        .collect()
}

/// The customer as this desk has registered or changed them, while the server has not yet
/// confirmed it.
pub fn pending_customer(conn: &Connection, id: i64) -> rusqlite::Result<Option<Customer>> {
    conn.prepare_cached("SELECT data FROM overlay_records WHERE tbl = 'customers' AND id = ?1")?
        .query_row([id.to_string()], |r| r.get::<_, String>(0))
        .optional()?
        .map(decode)
        .transpose()
}

/// A customer as this desk sees them: a pending registration (or change) in the overlay first,
/// else the replica's row, so a customer registered offline can be booked at once.
pub fn customer(conn: &Connection, id: i64) -> rusqlite::Result<Option<Customer>> {
    if let Some(c) = pending_customer(conn, id)? {
        return Ok(Some(c));
    }
    conn.prepare_cached("SELECT data FROM customers WHERE id = ?1")?
        .query_row([id.to_string()], |r| r.get::<_, String>(0))
        .optional()?
        .map(decode)
        .transpose()
}

pub fn row_count(conn: &Connection) -> rusqlite::Result<u64> {
    let mut n = 0u64;
    for t in table::ALL {
        let c: i64 = conn.query_row(&format!("SELECT count(*) FROM {t}"), [], |r| r.get(0))?;
        n += c.unsigned_abs();
    }
    Ok(n)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn apostrophe_keys_only_for_names_with_apostrophes() {
        assert_eq!(apostrophe_key("Mòrag", "O'Neill").as_deref(), Some("Mòrag ONeill"));
        assert_eq!(apostrophe_key("Pàdraig", "D’Arcy").as_deref(), Some("Pàdraig DArcy"));
        assert_eq!(apostrophe_key("Seònaid", "MacAoidh"), None);
    }
}
