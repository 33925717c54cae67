//! Pitches, halls, courts and rooms as bookable spaces, some part of others: a full pitch is
//! two halves, each half two quarters (DOMAIN-DETAIL §3.3). Booking any space blocks every
//! space it is part of and every part of it, both ways; two halves, or a quarter and the other
//! half, do not block each other. Bookings are in whole slots within opening hours.

use chrono::{Datelike, NaiveDate, NaiveDateTime, NaiveTime, Weekday};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::table::{self, ConfigError};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Space {
    pub id: i64,
    pub name: String,
    /// Spaces of the same kind are alternatives to each other ("3G pitch quarter", "court").
    pub kind: String,
    /// The space this one is part of (a quarter's half, a half's full pitch).
    #[serde(default)]
    pub part_of: Option<i64>,
    /// Bookings are whole numbers of these, starting on the slot grid from opening time.
    pub slot_minutes: u32,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Opening {
    pub days: Vec<Weekday>,
    pub opens: NaiveTime,
    pub closes: NaiveTime,
}

/// A centre's spaces, opening hours and closure days.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Layout {
    pub centre_id: i64,
    pub spaces: Vec<Space>,
    pub opening: Vec<Opening>,
    #[serde(default)]
    pub closures: Vec<NaiveDate>,
    pub source: String,
}

/// A booking of a space, as the clash check sees it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SpaceBooking {
    pub id: Uuid,
    pub space_id: i64,
    pub starts: NaiveDateTime,
    pub ends: NaiveDateTime,
    /// Who holds it, for the clash list ("Forres Thistle juniors").
    pub holder: String,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SlotError {
    #[error("no space {0} at this centre")]
    UnknownSpace(i64),
    #[error("a booking must end after it starts, on the same day")]
    EndBeforeStart,
    #[error("the centre is closed on {0}")]
    Closed(NaiveDate),
    #[error("{0} is outside opening hours")]
    OutsideHours(String),
    #[error("bookings of this space are whole {0}-minute slots from opening time")]
    OffSlot(u32),
}

impl Layout {
    pub fn space(&self, id: i64) -> Option<&Space> {
        self.spaces.iter().find(|s| s.id == id)
    }

    /// `id` and every space it is part of, nearest first.
    fn up(&self, id: i64) -> Vec<i64> {
        let mut out = vec![id];
        let mut at = self.space(id).and_then(|s| s.part_of);
        while let Some(p) = at {
            if out.contains(&p) {
                break; // a loop: refused on load, but never spin here
            }
            out.push(p);
            at = self.space(p).and_then(|s| s.part_of);
        }
        out
    }

    /// Do bookings of `a` and `b` at the same time exclude each other? The same space, or one
    /// part of the other (at any depth).
    pub fn linked(&self, a: i64, b: i64) -> bool {
        self.up(a).contains(&b) || self.up(b).contains(&a)
    }

    pub fn hours_on(&self, d: NaiveDate) -> Option<&Opening> {
        self.opening.iter().find(|o| o.days.contains(&d.weekday()))
    }

    /// Is a booking of `space_id` from `starts` to `ends` whole slots within opening hours?
    pub fn check_slot(&self, space_id: i64, starts: NaiveDateTime, ends: NaiveDateTime) -> Result<(), SlotError> {
        let space = self.space(space_id).ok_or(SlotError::UnknownSpace(space_id))?;
        if ends <= starts || ends.date() != starts.date() {
            return Err(SlotError::EndBeforeStart);
        }
        let day = starts.date();
        if self.closures.contains(&day) {
            return Err(SlotError::Closed(day));
        }
        let when = || {
            format!(
                "{}–{} on {}",
                starts.format("%H:%M"),
                ends.format("%H:%M"),
                day.format("%a %-d %b")
            )
        };
        let open = self.hours_on(day).ok_or_else(|| SlotError::OutsideHours(when()))?;
        if starts.time() < open.opens || ends.time() > open.closes {
            return Err(SlotError::OutsideHours(when()));
        }
        let slot = i64::from(space.slot_minutes);
        let from_open = (starts.time() - open.opens).num_minutes();
        let length = (ends - starts).num_minutes();
        if from_open % slot != 0 || length % slot != 0 {
            return Err(SlotError::OffSlot(space.slot_minutes));
        }
        Ok(())
    }

    /// The bookings in `existing` that a booking of `space_id` from `starts` to `ends` would
    /// clash with: a linked space, overlapping in time (a booking ending at 19:00 does not
    /// clash with one starting at 19:00).
    pub fn clashes<'a>(
        &self,
        space_id: i64,
        starts: NaiveDateTime,
        ends: NaiveDateTime,
        existing: impl IntoIterator<Item = &'a SpaceBooking>,
    ) -> Vec<&'a SpaceBooking> {
        // The linked spaces are found once, not once per booking: a block check runs this for
        // every date over a replica of thousands of bookings.
        let mut linked: Vec<i64> = self
            .spaces
            .iter()
            .map(|s| s.id)
            .filter(|id| self.linked(space_id, *id))
            .collect();
        linked.push(space_id);
        existing
            .into_iter()
            .filter(|b| b.starts < ends && starts < b.ends && linked.contains(&b.space_id))
            .collect()
    }

    pub fn checked(self) -> Result<Self, ConfigError> {
        let what = || format!("the spaces of centre {}", self.centre_id);
        for (i, s) in self.spaces.iter().enumerate() {
            if self.spaces[i + 1..].iter().any(|t| t.id == s.id) {
                return Err(ConfigError::invalid(what(), format!("two spaces have id {}", s.id)));
            }
            if s.slot_minutes == 0 || s.slot_minutes > 24 * 60 {
                return Err(ConfigError::invalid(
                    what(),
                    format!("{}: a slot of {} minutes", s.name, s.slot_minutes),
                ));
            }
            if let Some(p) = s.part_of {
                if self.space(p).is_none() {
                    return Err(ConfigError::invalid(
                        what(),
                        format!("{} is part of unknown space {p}", s.name),
                    ));
                }
                if self.up(p).contains(&s.id) {
                    return Err(ConfigError::invalid(what(), format!("{} is part of itself", s.name)));
                }
            }
        }
        for (i, o) in self.opening.iter().enumerate() {
            if o.opens >= o.closes || o.days.is_empty() {
                return Err(ConfigError::invalid(
                    what(),
                    "opening hours need days and must close after opening",
                ));
            }
            if let Some(d) = o
                .days
                .iter()
                .find(|d| self.opening[i + 1..].iter().any(|p| p.days.contains(d)))
            {
                return Err(ConfigError::invalid(
                    what(),
                    format!("two sets of opening hours on {d}"),
                ));
            }
        }
        Ok(self)
    }

    pub fn from_json(text: &str) -> Result<Self, ConfigError> {
        table::from_json::<Layout>(text)?.checked()
    }

    /// The example layout: a 3G pitch as full (100), halves (110, 120) and quarters (111, 112;
    /// 121, 122), and a sports hall (200) on its own. Opening hours are an EXAMPLE.
    pub fn example() -> Self {
        let t = |h| NaiveTime::from_hms_opt(h, 0, 0).expect("a real time");
        let s = |id, name: &str, kind: &str, part_of| Space {
            id,
            name: name.into(),
            kind: kind.into(),
            part_of,
            // Hire in whole hours (Branston Astro conditions, DOMAIN-DETAIL §3.3).
            slot_minutes: 60,
        };
        Layout {
            centre_id: super::price_moray::EXAMPLE_CENTRE,
            spaces: vec![
                s(100, "3G pitch", "3G pitch", None),
                s(110, "3G pitch, half 1", "3G pitch half", Some(100)),
                s(120, "3G pitch, half 2", "3G pitch half", Some(100)),
                s(111, "3G pitch, quarter 1", "3G pitch quarter", Some(110)),
                s(112, "3G pitch, quarter 2", "3G pitch quarter", Some(110)),
                s(121, "3G pitch, quarter 3", "3G pitch quarter", Some(120)),
                s(122, "3G pitch, quarter 4", "3G pitch quarter", Some(120)),
                s(200, "Sports hall", "hall", None),
            ],
            opening: vec![
                Opening {
                    days: vec![Weekday::Mon, Weekday::Tue, Weekday::Wed, Weekday::Thu, Weekday::Fri],
                    opens: t(8),
                    closes: t(22),
                },
                Opening {
                    days: vec![Weekday::Sat, Weekday::Sun],
                    opens: t(9),
                    closes: t(18),
                },
            ],
            closures: vec![
                NaiveDate::from_ymd_opt(2026, 12, 25).expect("a real date"),
                NaiveDate::from_ymd_opt(2027, 1, 1).expect("a real date"),
            ],
            source: "EXAMPLE layout and hours; pitch halves and quarters as Darlington BC sells them".into(),
        }
    }
}

/// What to offer when a space is taken at the time asked: other spaces of the same kind free
/// then, and the next free slot of the same length in the same space later that day.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SpaceAlternatives {
    pub same_kind: Vec<i64>,
    pub next_slot: Option<(NaiveDateTime, NaiveDateTime)>,
}

impl Layout {
    pub fn alternatives(
        &self,
        space_id: i64,
        starts: NaiveDateTime,
        ends: NaiveDateTime,
        existing: &[SpaceBooking],
    ) -> SpaceAlternatives {
        let free = |id: i64, s: NaiveDateTime, e: NaiveDateTime| {
            self.check_slot(id, s, e).is_ok() && self.clashes(id, s, e, existing).is_empty()
        };
        let kind = self.space(space_id).map(|s| s.kind.as_str());
        let same_kind = self
            .spaces
            .iter()
            .filter(|s| s.id != space_id && Some(s.kind.as_str()) == kind && free(s.id, starts, ends))
            .map(|s| s.id)
            .collect();
        let slot = self.space(space_id).map_or(60, |s| i64::from(s.slot_minutes));
        let length = ends - starts;
        let next_slot = (1..)
            .map(|i| starts + chrono::Duration::minutes(slot * i))
            .take_while(|s| (*s + length).date() == starts.date())
            .find(|s| free(space_id, *s, *s + length))
            .map(|s| (s, s + length));
        SpaceAlternatives { same_kind, next_slot }
    }
}
