//! Synced records as JSON (the form effects and the change log carry) to and from rows of their
//! table, by the table's description: the one conversion a new table needs, written once.
//! A record's field names are its table's column names.

use chrono::{DateTime, NaiveDate, NaiveDateTime, Utc};
use serde_json::Value;
use uuid::Uuid;

use crate::StoreError;
use crate::rows::Cell;
use crate::schema::{ColType, TableSpec};
use crate::tx::Row;

fn bad(table: &TableSpec, column: &str, want: &str, got: &Value) -> StoreError {
    StoreError::Invalid(format!("{}.{column} must be {want}, not {got}", table.name))
}

/// Refuses text holding NUL, on both backends alike: PostgreSQL text cannot hold it at all, and
/// SQLite would keep what PostgreSQL refuses. The callers check their inputs first (with a 4xx
/// or a stored refusal); this is the floor under every path, so no NUL reaches either driver.
pub fn storable_text(table: &str, column: &str, s: &str) -> Result<(), StoreError> {
    if s.contains('\0') {
        return Err(StoreError::Invalid(format!(
            "{table}.{column} holds a NUL character, which the store does not keep"
        )));
    }
    Ok(())
}

/// The cell a JSON value is in a column of type `ty`.
fn cell(table: &TableSpec, column: &str, ty: ColType, v: &Value) -> Result<Cell, StoreError> {
    if v.is_null() {
        return Ok(Cell::Null);
    }
    let text = || v.as_str().ok_or_else(|| bad(table, column, "text", v));
    Ok(match ty {
        ColType::Serial | ColType::Int | ColType::Int32 => {
            Cell::Int(v.as_i64().ok_or_else(|| bad(table, column, "a whole number", v))?)
        }
        ColType::Text => {
            let s = text()?;
            storable_text(table.name, column, s)?;
            Cell::Text(s.to_owned())
        }
        ColType::Bool => Cell::Bool(v.as_bool().ok_or_else(|| bad(table, column, "true or false", v))?),
        ColType::Date => {
            Cell::Date(NaiveDate::parse_from_str(text()?, "%Y-%m-%d").map_err(|_| bad(table, column, "a date", v))?)
        }
        ColType::Timestamp => Cell::Timestamp(
            text()?
                .parse::<NaiveDateTime>()
                .map_err(|_| bad(table, column, "a local time", v))?,
        ),
        ColType::TimestampTz => Cell::TimestampTz(
            text()?
                .parse::<DateTime<Utc>>()
                .map_err(|_| bad(table, column, "an instant", v))?,
        ),
        ColType::Uuid => Cell::Uuid(Uuid::parse_str(text()?).map_err(|_| bad(table, column, "a UUID", v))?),
        ColType::Blob => return Err(bad(table, column, "not binary in a record", v)),
        ColType::Json => Cell::Json(v.to_string()),
    })
}

/// A record's row, in its table's column order. A field the record lacks is NULL (refused by
/// the database where the column is required).
pub fn cells_of(table: &TableSpec, record: &Value) -> Result<Vec<Cell>, StoreError> {
    let fields = record
        .as_object()
        .ok_or_else(|| StoreError::Invalid(format!("a {} record must be an object", table.name)))?;
    table
        .columns
        .iter()
        .map(|c| cell(table, c.name, c.ty, fields.get(c.name).unwrap_or(&Value::Null)))
        .collect()
}

fn value(c: &Cell) -> Result<Value, StoreError> {
    Ok(match c {
        Cell::Null => Value::Null,
        Cell::Int(n) => Value::from(*n),
        Cell::Text(s) => Value::from(s.as_str()),
        Cell::Bool(b) => Value::from(*b),
        Cell::Date(d) => Value::from(d.format("%Y-%m-%d").to_string()),
        Cell::Timestamp(t) => serde_json::to_value(t)?,
        Cell::TimestampTz(t) => serde_json::to_value(t)?,
        Cell::Uuid(u) => Value::from(u.to_string()),
        Cell::Blob(_) => return Err(StoreError::Invalid("a binary column is not part of a record".into())),
        Cell::Json(s) => serde_json::from_str(s)?,
    })
}

/// A row as its record.
pub fn record_of(row: &Row) -> Result<Value, StoreError> {
    let mut out = serde_json::Map::new();
    for (c, cell) in row.table.columns.iter().zip(&row.cells) {
        out.insert(c.name.to_owned(), value(cell)?);
    }
    Ok(Value::Object(out))
}

/// The key cells of the record `id` names (single-column keys).
pub fn key_of(table: &TableSpec, id: &str) -> Result<Vec<Cell>, StoreError> {
    let [key] = table.key else {
        return Err(StoreError::Invalid(format!("{} has no single-column key", table.name)));
    };
    let ty = table
        .columns
        .iter()
        .find(|c| c.name == *key)
        .map(|c| c.ty)
        .ok_or_else(|| StoreError::Invalid(format!("{} has no column {key}", table.name)))?;
    let v = match ty {
        ColType::Serial | ColType::Int | ColType::Int32 => Value::from(
            id.parse::<i64>()
                .map_err(|_| StoreError::Invalid(format!("`{id}` is not a {} id", table.name)))?,
        ),
        _ => Value::from(id),
    };
    Ok(vec![cell(table, key, ty, &v)?])
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tables::{BOOKINGS, CUSTOMERS};
    use desk_domain::{Booking, BookingStatus, Channel, Customer};

    #[test]
    fn a_record_round_trips_through_its_row() {
        let b = Booking {
            id: Uuid::now_v7(),
            session_id: 3,
            customer_id: 4,
            centre_id: 1,
            status: BookingStatus::Waiting,
            waiting_position: 2,
            created_at: Utc::now(),
            staff_id: 9,
            channel: Channel::FaceToFace,
            attended_at: None,
            no_show_at: None,
            no_show_waived: None,
            offer_until: None,
            offer_outcome: None,
        };
        let json = serde_json::to_value(&b).unwrap();
        let row = Row {
            table: &BOOKINGS,
            cells: cells_of(&BOOKINGS, &json).unwrap(),
        };
        let back: Booking = serde_json::from_value(record_of(&row).unwrap()).unwrap();
        assert_eq!(back, b);

        let c = Customer {
            id: 5,
            home_centre_id: 1,
            first_name: "Mòrag".into(),
            last_name: "O'Neill".into(),
            date_of_birth: NaiveDate::from_ymd_opt(1980, 2, 1).unwrap(),
            membership_no: "M5".into(),
            email: None,
            phone: Some("01343 000000".into()),
            postcode: "IV30 1AA".into(),
            concession: true,
        };
        let row = Row {
            table: &CUSTOMERS,
            cells: cells_of(&CUSTOMERS, &serde_json::to_value(&c).unwrap()).unwrap(),
        };
        assert_eq!(serde_json::from_value::<Customer>(record_of(&row).unwrap()).unwrap(), c);
        assert_eq!(key_of(&CUSTOMERS, "5").unwrap(), vec![Cell::Int(5)]);
    }

    #[test]
    fn a_record_of_the_wrong_shape_is_refused() {
        let mut json = serde_json::json!({"id": Uuid::nil(), "session_id": "three"});
        assert!(cells_of(&BOOKINGS, &json).is_err());
        json["session_id"] = 3.into();
        json["created_at"] = "yesterday".into();
        assert!(cells_of(&BOOKINGS, &json).is_err());
        assert!(cells_of(&BOOKINGS, &serde_json::json!([1, 2])).is_err());
        assert!(key_of(&CUSTOMERS, "five").is_err());
    }
}
