//! Dates relative to today (in the council's wall-clock time, so sessions are bookable) and
//! small builders for the rows a test world is made of. A builder fills what a test does not
//! care about; a test that cares sets the field with struct update syntax.

use chrono::{Duration, Local, NaiveDate, NaiveDateTime};
use desk_domain::{Activity, ActivityKind, Centre, Customer, Session};

/// Today plus `offset_days`.
pub fn day(offset_days: i64) -> NaiveDate {
    Local::now().date_naive() + Duration::days(offset_days)
}

pub fn tomorrow() -> NaiveDate {
    day(1)
}

/// Tomorrow at `h` o'clock.
pub fn tomorrow_at(h: u32) -> NaiveDateTime {
    tomorrow().and_hms_opt(h, 0, 0).unwrap()
}

/// Now, in wall-clock time.
pub fn now() -> NaiveDateTime {
    Local::now().naive_local()
}

pub fn centre(id: i64, name: &str, town: &str) -> Centre {
    Centre {
        id,
        name: name.into(),
        town: town.into(),
    }
}

/// A class (not a pitch, room or court) at `centre_id`.
pub fn class(id: i64, centre_id: i64, name: &str) -> Activity {
    Activity {
        id,
        centre_id,
        name: name.into(),
        kind: ActivityKind::Class,
    }
}

/// A 45-minute Aqua Fit session in the pool with Seònaid, nobody booked yet.
pub fn session(id: i64, centre_id: i64, activity_id: i64, starts_at: NaiveDateTime, capacity: u32) -> Session {
    Session {
        id,
        centre_id,
        activity_id,
        activity_name: "Aqua Fit".into(),
        starts_at,
        duration_minutes: 45,
        capacity,
        booked: 0,
        waiting: 0,
        location: "Pool".into(),
        instructor: "Seònaid".into(),
        cancelled: false,
    }
}

/// A customer of `home_centre_id` born on `dob` (year, month, day), membership `M<id:06>`,
/// postcode IV30 1AB, no email or phone, no concession.
pub fn customer(id: i64, home_centre_id: i64, first: &str, last: &str, dob: (i32, u32, u32)) -> Customer {
    Customer {
        id,
        home_centre_id,
        first_name: first.into(),
        last_name: last.into(),
        date_of_birth: NaiveDate::from_ymd_opt(dob.0, dob.1, dob.2).unwrap(),
        membership_no: format!("M{id:06}"),
        email: None,
        phone: None,
        postcode: "IV30 1AB".into(),
        concession: false,
    }
}
