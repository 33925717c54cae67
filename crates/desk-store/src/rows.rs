//! Cells, and the change log's rows. Entities become rows by their table's description
//! ([`crate::json`]), for bulk loading and for effects alike.

use chrono::{DateTime, NaiveDate, NaiveDateTime, Utc};
use uuid::Uuid;

/// One value of a row, typed as its column is (see [`ColType`]).
#[derive(Debug, Clone, PartialEq)]
pub enum Cell {
    Null,
    Int(i64),
    Text(String),
    Bool(bool),
    Date(NaiveDate),
    Timestamp(NaiveDateTime),
    TimestampTz(DateTime<Utc>),
    Uuid(Uuid),
    Blob(Vec<u8>),
    /// JSON text.
    Json(String),
}

impl Cell {
    /// Text, or NULL.
    pub fn opt_text(s: Option<String>) -> Cell {
        s.map_or(Cell::Null, Cell::Text)
    }
}

pub use crate::schema::{ColType, TableSpec};
pub use crate::tables::{ACTIVITIES, CENTRES, CONTACTS, CT_ACCOUNTS, CUSTOMERS, PUPILS, SCHOOLS, SESSIONS, SYNC_ROWS};

/// The text of a serde unit enum (`"class"` → `class`).
pub fn enum_text<T: serde::Serialize>(v: &T) -> String {
    match serde_json::to_value(v) {
        Ok(serde_json::Value::String(s)) => s,
        other => format!("{other:?}"),
    }
}

pub fn sync_row(table: &str, id: &str, bucket: &str, version: u64, data: Option<String>) -> Vec<Cell> {
    vec![
        Cell::Text(table.to_owned()),
        Cell::Text(id.to_owned()),
        Cell::Text(bucket.to_owned()),
        Cell::Int(version as i64),
        Cell::Bool(data.is_none()),
        data.map_or(Cell::Null, Cell::Json),
    ]
}

/// Council wall-clock time as stored in SQLite text columns: sortable ISO-8601.
pub fn ts_text(t: &NaiveDateTime) -> String {
    t.format("%Y-%m-%dT%H:%M:%S").to_string()
}
