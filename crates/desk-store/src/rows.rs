//! Entities as table rows, for bulk loading (demo data, timetable import) through one code path
//! on both backends.

use chrono::{NaiveDate, NaiveDateTime};
use desk_domain::{Activity, Centre, Contact, CtAccount, Customer, Pupil, School, Session};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ColType {
    Int,
    Text,
    OptText,
    Bool,
    Date,
    Timestamp,
    /// JSON text; a `json` column on PostgreSQL.
    Json,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Cell {
    Int(i64),
    Text(String),
    OptText(Option<String>),
    Bool(bool),
    Date(NaiveDate),
    Timestamp(NaiveDateTime),
    Json(Option<String>),
}

pub struct TableSpec {
    pub name: &'static str,
    pub key: &'static [&'static str],
    pub columns: &'static [(&'static str, ColType)],
}

use ColType::*;

pub const CENTRES: TableSpec = TableSpec {
    name: "centres",
    key: &["id"],
    columns: &[("id", Int), ("name", Text), ("town", Text)],
};
pub const ACTIVITIES: TableSpec = TableSpec {
    name: "activities",
    key: &["id"],
    columns: &[("id", Int), ("centre_id", Int), ("name", Text), ("kind", Text)],
};
pub const SESSIONS: TableSpec = TableSpec {
    name: "sessions",
    key: &["id"],
    columns: &[
        ("id", Int),
        ("centre_id", Int),
        ("activity_id", Int),
        ("activity_name", Text),
        ("starts_at", Timestamp),
        ("duration_minutes", Int),
        ("capacity", Int),
        ("booked", Int),
        ("waiting", Int),
        ("location", Text),
        ("instructor", Text),
        ("cancelled", Bool),
    ],
};
pub const CUSTOMERS: TableSpec = TableSpec {
    name: "customers",
    key: &["id"],
    columns: &[
        ("id", Int),
        ("home_centre_id", Int),
        ("first_name", Text),
        ("last_name", Text),
        ("date_of_birth", Date),
        ("membership_no", Text),
        ("email", OptText),
        ("phone", OptText),
        ("postcode", Text),
        ("concession", Bool),
    ],
};
pub const SCHOOLS: TableSpec = TableSpec {
    name: "schools",
    key: &["id"],
    columns: &[("id", Int), ("name", Text), ("kind", Text), ("town", Text)],
};
pub const PUPILS: TableSpec = TableSpec {
    name: "pupils",
    key: &["id"],
    columns: &[
        ("id", Int),
        ("school_id", Int),
        ("first_name", Text),
        ("last_name", Text),
        ("date_of_birth", Date),
        ("stage", Text),
        ("class", Text),
    ],
};
pub const CONTACTS: TableSpec = TableSpec {
    name: "contacts",
    key: &["id"],
    columns: &[
        ("id", Int),
        ("pupil_id", Int),
        ("school_id", Int),
        ("name", Text),
        ("relationship", Text),
        ("phone", Text),
        ("email", OptText),
        ("priority", Int),
    ],
};
pub const CT_ACCOUNTS: TableSpec = TableSpec {
    name: "ct_accounts",
    key: &["id"],
    columns: &[
        ("id", Int),
        ("reference", Text),
        ("office_id", Int),
        ("band", Text),
        ("address", Text),
        ("postcode", Text),
        ("uprn", Text),
        ("liable", Json),
        ("phone", OptText),
        ("email", OptText),
        ("single_person_discount", Bool),
        ("direct_debit", Bool),
        ("paperless", Bool),
    ],
};
pub const SYNC_ROWS: TableSpec = TableSpec {
    name: "sync_rows",
    key: &["tbl", "id"],
    columns: &[
        ("tbl", Text),
        ("id", Text),
        ("bucket", Text),
        ("version", Int),
        ("deleted", Bool),
        ("data", Json),
    ],
};

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
        Cell::OptText(c.email.clone()),
        Cell::OptText(c.phone.clone()),
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
        Cell::OptText(c.email.clone()),
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
        Cell::Json(Some(serde_json::to_string(&a.liable)?)),
        Cell::OptText(a.phone.clone()),
        Cell::OptText(a.email.clone()),
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
        Cell::Json(data),
    ]
}

/// Council wall-clock time as stored in SQLite text columns: sortable ISO-8601.
pub fn ts_text(t: &NaiveDateTime) -> String {
    t.format("%Y-%m-%dT%H:%M:%S").to_string()
}
