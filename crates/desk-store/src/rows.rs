//! Cells, and entities as table rows for bulk loading (demo data, timetable import) through one
//! code path on both backends.

use chrono::{DateTime, NaiveDate, NaiveDateTime, Utc};
use desk_domain::{Activity, Centre, Contact, CtAccount, Customer, Pupil, School, Session};
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

pub fn centre(c: &Centre) -> Vec<Cell> {
    vec![Cell::Int(c.id), Cell::Text(c.name.clone()), Cell::Text(c.town.clone())]
}

pub fn activity(a: &Activity) -> Vec<Cell> {
    vec![
        Cell::Int(a.id),
        Cell::Int(a.centre_id),
        Cell::Text(a.name.clone()),
        Cell::Text(enum_text(&a.kind)),
    ]
}

pub fn session(s: &Session) -> Vec<Cell> {
    vec![
        Cell::Int(s.id),
        Cell::Int(s.centre_id),
        Cell::Int(s.activity_id),
        Cell::Text(s.activity_name.clone()),
        Cell::Timestamp(s.starts_at),
        Cell::Int(s.duration_minutes.into()),
        Cell::Int(s.capacity.into()),
        Cell::Int(s.booked.into()),
        Cell::Int(s.waiting.into()),
        Cell::Text(s.location.clone()),
        Cell::Text(s.instructor.clone()),
        Cell::Bool(s.cancelled),
    ]
}

pub fn customer(c: &Customer) -> Vec<Cell> {
    vec![
        Cell::Int(c.id),
        Cell::Int(c.home_centre_id),
        Cell::Text(c.first_name.clone()),
        Cell::Text(c.last_name.clone()),
        Cell::Date(c.date_of_birth),
        Cell::Text(c.membership_no.clone()),
        Cell::opt_text(c.email.clone()),
        Cell::opt_text(c.phone.clone()),
        Cell::Text(c.postcode.clone()),
        Cell::Bool(c.concession),
    ]
}

pub fn school(s: &School) -> Vec<Cell> {
    vec![
        Cell::Int(s.id),
        Cell::Text(s.name.clone()),
        Cell::Text(enum_text(&s.kind)),
        Cell::Text(s.town.clone()),
    ]
}

pub fn pupil(p: &Pupil) -> Vec<Cell> {
    vec![
        Cell::Int(p.id),
        Cell::Int(p.school_id),
        Cell::Text(p.first_name.clone()),
        Cell::Text(p.last_name.clone()),
        Cell::Date(p.date_of_birth),
        Cell::Text(p.stage.clone()),
        Cell::Text(p.class.clone()),
    ]
}

pub fn contact(c: &Contact) -> Vec<Cell> {
    vec![
        Cell::Int(c.id),
        Cell::Int(c.pupil_id),
        Cell::Int(c.school_id),
        Cell::Text(c.name.clone()),
        Cell::Text(c.relationship.clone()),
        Cell::Text(c.phone.clone()),
        Cell::opt_text(c.email.clone()),
        Cell::Int(c.priority.into()),
    ]
}

pub fn ct_account(a: &CtAccount) -> Result<Vec<Cell>, serde_json::Error> {
    Ok(vec![
        Cell::Int(a.id),
        Cell::Text(a.reference.clone()),
        Cell::Int(a.office_id),
        Cell::Text(enum_text(&a.band)),
        Cell::Text(a.address.clone()),
        Cell::Text(a.postcode.clone()),
        Cell::Text(a.uprn.clone()),
        Cell::Json(serde_json::to_string(&a.liable)?),
        Cell::opt_text(a.phone.clone()),
        Cell::opt_text(a.email.clone()),
        Cell::Bool(a.single_person_discount),
        Cell::Bool(a.direct_debit),
        Cell::Bool(a.paperless),
    ])
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
