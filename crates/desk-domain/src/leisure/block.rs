//! Block bookings for clubs: one space at the same time every week or fortnight over a date
//! range (every Tuesday 19:00–21:00, September to December). Expanded into dates, closure days
//! skipped, and each date checked against the existing bookings before anything is confirmed,
//! so the desk can show which dates are free and which clash with what — offline too.

use chrono::{Duration, NaiveDate, NaiveTime};
use serde::{Deserialize, Serialize};

use super::spaces::{Layout, SlotError, SpaceBooking};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Every {
    Week,
    Fortnight,
}

impl Every {
    fn days(self) -> i64 {
        match self {
            Every::Week => 7,
            Every::Fortnight => 14,
        }
    }
}

/// Every `every` from `first` (whose weekday it keeps) to `last`, `starts`–`ends` in `space_id`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BlockRequest {
    pub space_id: i64,
    pub first: NaiveDate,
    pub last: NaiveDate,
    pub every: Every,
    pub starts: NaiveTime,
    pub ends: NaiveTime,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum BlockError {
    #[error("the last date ({last}) is before the first ({first})")]
    LastBeforeFirst { first: NaiveDate, last: NaiveDate },
    #[error("each booking must end after it starts")]
    EndBeforeStart,
    #[error("a block booking of {weeks} weeks is longer than this centre's limit of {max}")]
    TooLong { weeks: i64, max: u32 },
    #[error("no space {0} at this centre")]
    UnknownSpace(i64),
}

/// What one date of the block would meet.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome<'a> {
    Free,
    /// A closure day: skipped, not booked.
    Closed,
    /// Outside opening hours or off the slot grid on this date.
    NotBookable(SlotError),
    /// These existing bookings hold the space or a space linked to it.
    Clash(Vec<&'a SpaceBooking>),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BlockReport<'a> {
    pub dates: Vec<(NaiveDate, Outcome<'a>)>,
}

impl BlockReport<'_> {
    pub fn free(&self) -> impl Iterator<Item = NaiveDate> + '_ {
        self.dates
            .iter()
            .filter(|(_, o)| matches!(o, Outcome::Free))
            .map(|(d, _)| *d)
    }

    /// Dates that cannot be booked as asked (clashes and hours; closures are skipped, not
    /// refused).
    pub fn refused(&self) -> impl Iterator<Item = &(NaiveDate, Outcome<'_>)> + '_ {
        self.dates
            .iter()
            .filter(|(_, o)| matches!(o, Outcome::Clash(_) | Outcome::NotBookable(_)))
    }
}

/// The dates of the block: refused when the range is backwards, a booking ends before it
/// starts, or it runs longer than `max_weeks` (the site policy's limit).
pub fn expand(req: &BlockRequest, max_weeks: u32) -> Result<Vec<NaiveDate>, BlockError> {
    if req.last < req.first {
        return Err(BlockError::LastBeforeFirst {
            first: req.first,
            last: req.last,
        });
    }
    if req.ends <= req.starts {
        return Err(BlockError::EndBeforeStart);
    }
    let weeks = (req.last - req.first).num_days() / 7;
    if weeks > i64::from(max_weeks) {
        return Err(BlockError::TooLong { weeks, max: max_weeks });
    }
    let step = req.every.days();
    let count = (req.last - req.first).num_days() / step + 1;
    Ok((0..count).map(|i| req.first + Duration::days(i * step)).collect())
}

/// Every date of the block with what it meets in `layout` among `existing` bookings.
pub fn check<'a>(
    layout: &Layout,
    req: &BlockRequest,
    max_weeks: u32,
    existing: &'a [SpaceBooking],
) -> Result<BlockReport<'a>, BlockError> {
    if layout.space(req.space_id).is_none() {
        return Err(BlockError::UnknownSpace(req.space_id));
    }
    let dates = expand(req, max_weeks)?
        .into_iter()
        .map(|d| {
            let (starts, ends) = (d.and_time(req.starts), d.and_time(req.ends));
            let outcome = match layout.check_slot(req.space_id, starts, ends) {
                Err(SlotError::Closed(_)) => Outcome::Closed,
                Err(e) => Outcome::NotBookable(e),
                Ok(()) => match layout.clashes(req.space_id, starts, ends, existing) {
                    c if c.is_empty() => Outcome::Free,
                    c => Outcome::Clash(c),
                },
            };
            (d, outcome)
        })
        .collect();
    Ok(BlockReport { dates })
}
