//! Spaces and their bookings as synced records (issue 11 §4): a centre's pitches, halls, courts
//! and rooms, each with its opening hours and slot length and the space it is part of (a
//! quarter's half, a half's full pitch); and each booking of one, one-off or one date of a
//! club's block. Both live in the centre's bucket, so a desk checks clashes offline.
//!
//! Peak hours are not kept here: they are the `hours` of the space's price in the centre's
//! dated price list, which the one price rule reads — two copies could disagree.

use chrono::{DateTime, NaiveDate, NaiveDateTime, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::spaces::{Layout, Opening, Space, SpaceBooking};
use crate::values::Pence;

/// A bookable space at a centre.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SpaceRecord {
    pub id: i64,
    pub centre_id: i64,
    /// Spaces of the same kind are alternatives to each other ("court", "3G pitch quarter").
    pub kind: String,
    pub name: String,
    /// The space this one is part of (a quarter's half, a half's full pitch).
    pub part_of: Option<i64>,
    /// Bookings are whole numbers of these from opening time.
    pub slot_minutes: u32,
    pub opening: Vec<Opening>,
    #[serde(default)]
    pub closures: Vec<NaiveDate>,
}

/// A space booking's state.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "snake_case")]
pub enum SpaceBookingStatus {
    Booked,
    Cancelled,
}

/// One booking of a space. A club's block is one of these per date, sharing `block_id`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SpaceBookingRecord {
    pub id: Uuid,
    pub space_id: i64,
    pub centre_id: i64,
    /// The day it is on (council time), the column the clash check reads by.
    pub day: NaiveDate,
    pub starts: NaiveDateTime,
    pub ends: NaiveDateTime,
    /// Who hires it: a customer, or a club's contact (a customer record).
    pub customer_id: i64,
    /// The club it is for, whose account is invoiced.
    pub club: Option<String>,
    pub block_id: Option<Uuid>,
    pub status: SpaceBookingStatus,
    /// What the hire costs under the price rule (peak or off-peak): charged to the hirer's
    /// account, unless a one-off hire was paid at the desk (a payment names this booking, see
    /// `space_pay`); once cancelled, what it cost in the end.
    pub price: Pence,
    pub price_reason: String,
    pub created_at: DateTime<Utc>,
    pub staff_id: i64,
}

impl SpaceBookingRecord {
    /// Who holds it, in words for a clash list.
    pub fn holder(&self, customer_name: &str) -> String {
        match &self.club {
            Some(c) => c.clone(),
            None => customer_name.to_owned(),
        }
    }

    pub fn live(&self) -> bool {
        self.status == SpaceBookingStatus::Booked
    }

    /// As the clash check sees it.
    pub fn as_booking(&self, holder: String) -> SpaceBooking {
        SpaceBooking {
            id: self.id,
            space_id: self.space_id,
            starts: self.starts,
            ends: self.ends,
            holder,
        }
    }
}

/// The centre's layout for a booking of `space`: every space of the centre (so linked halves
/// and quarters are found) under `space`'s opening hours and closures.
pub fn layout_for(space: &SpaceRecord, centre_spaces: &[SpaceRecord]) -> Layout {
    Layout {
        centre_id: space.centre_id,
        spaces: centre_spaces
            .iter()
            .map(|s| Space {
                id: s.id,
                name: s.name.clone(),
                kind: s.kind.clone(),
                part_of: s.part_of,
                slot_minutes: s.slot_minutes,
            })
            .collect(),
        opening: space.opening.clone(),
        closures: space.closures.clone(),
        source: format!("the spaces of centre {}", space.centre_id),
    }
}
