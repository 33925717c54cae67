//! Spaces at the desk (issue 11 §4): the centre's spaces × slots for a day with linked halves
//! and quarters, a one-off booking, and a club's block booking — every date checked against
//! this desk's replica and pending overlay before anything is confirmed (offline too), then one
//! `leisure.book_space` per free date sharing a block id, so the server decides each date and a
//! refused one lands in Needs attention with its alternatives (`space_cmd.rs` says why).

use std::collections::HashMap;

use chrono::{Duration, NaiveDate, NaiveDateTime, NaiveTime};
use desk_domain::leisure::block::{self, BlockRequest, Every, Outcome};
use desk_domain::leisure::policy::SitePolicy;
use desk_domain::leisure::records::MoneyKind;
use desk_domain::leisure::space_cmd::{BookSpace, MAX_CLUB};
use desk_domain::leisure::space_records::{SpaceBookingRecord, SpaceBookingStatus, SpaceRecord, layout_for};
use desk_domain::leisure::spaces::SpaceBooking;
use desk_domain::leisure::window;
use desk_domain::{Alternative, Channel, Command};
use rusqlite::{Connection, TransactionBehavior};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::{Leisure, customer_name, money_reads, space_reads};
use crate::desk::{check_id, check_text, local_now, record};
use crate::{DeskError, audit};

/// A space as the day view shows it, with its hours that day (none: closed).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct SpaceView {
    pub id: i64,
    pub kind: String,
    pub name: String,
    /// The space this one is part of (a quarter's half, a half's full pitch).
    pub part_of: Option<i64>,
    pub slot_minutes: u32,
    pub opens: Option<NaiveTime>,
    pub closes: Option<NaiveTime>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct SpaceBookingView {
    pub id: Uuid,
    pub space_id: i64,
    pub space_name: String,
    pub starts: NaiveDateTime,
    pub ends: NaiveDateTime,
    pub customer_id: i64,
    /// The club, or the customer's name.
    pub holder: String,
    pub club: Option<String>,
    pub block_id: Option<Uuid>,
    pub status: SpaceBookingStatus,
    /// What the hire costs: charged to the hirer's account unless `paid_at_desk`.
    pub price_pence: i64,
    pub price_reason: String,
    /// Paid at the desk (cash, card, …) when it was booked, not charged to an account.
    pub paid_at_desk: bool,
    /// Made on this desk and not yet confirmed by the server.
    pub pending: bool,
}

/// The centre's booking window as the server enforces it, and what it means today.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct WindowView {
    pub days_ahead: u32,
    pub member_days_ahead: u32,
    /// A new day opens at this time (none: midnight).
    pub release_time: Option<NaiveTime>,
    /// The last day open now to everyone, and to members.
    pub open_until: NaiveDate,
    pub member_open_until: NaiveDate,
    /// A block booking's dates may run this far ahead.
    pub max_block_weeks: u32,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct SpacesDay {
    pub centre_id: i64,
    pub day: NaiveDate,
    /// In id order; a part follows the space it is part of when ids are so given.
    pub spaces: Vec<SpaceView>,
    /// Live bookings of the day, by start.
    pub bookings: Vec<SpaceBookingView>,
    /// None: the centre has no booking policy on this desk.
    pub window: Option<WindowView>,
}

/// A block booking as the form sends it: `every` is `week` or `fortnight`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct BlockInput {
    pub space_id: i64,
    pub first: NaiveDate,
    pub last: NaiveDate,
    pub every: String,
    pub starts: NaiveTime,
    pub ends: NaiveTime,
    /// The club's contact, a customer record.
    pub customer_id: i64,
    pub club: String,
}

/// One date of a block: `free`, `closed` (a closure day, skipped), `not_bookable` (hours, slots,
/// past, beyond the furthest block date) or `clash` (with what, and what is free instead).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct BlockDate {
    pub date: NaiveDate,
    pub outcome: String,
    pub detail: String,
    pub alternatives: Vec<Alternative>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct BlockCheck {
    pub space_name: String,
    pub dates: Vec<BlockDate>,
    pub free: u32,
    /// Dates that clash or cannot be booked as asked.
    pub refused: u32,
    pub closed: u32,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct BlockBooked {
    pub block_id: Uuid,
    /// Booked on this desk (pending), for the server to decide date by date.
    pub booked: Vec<SpaceBookingView>,
    /// Dates not booked: clashes and dates that cannot be booked, as the check showed them.
    pub not_booked: Vec<BlockDate>,
}

fn view(
    conn: &Connection,
    b: &SpaceBookingRecord,
    pending: bool,
    names: &HashMap<i64, String>,
) -> rusqlite::Result<SpaceBookingView> {
    let holder = match &b.club {
        Some(c) => c.clone(),
        None => customer_name(conn, b.customer_id)?,
    };
    Ok(SpaceBookingView {
        id: b.id,
        space_id: b.space_id,
        space_name: names
            .get(&b.space_id)
            .cloned()
            .unwrap_or_else(|| format!("space {}", b.space_id)),
        starts: b.starts,
        ends: b.ends,
        customer_id: b.customer_id,
        holder,
        club: b.club.clone(),
        block_id: b.block_id,
        status: b.status,
        price_pence: b.price.0,
        price_reason: b.price_reason.clone(),
        paid_at_desk: money_reads::money_of_booking(conn, b.id)?
            .iter()
            .any(|(m, _)| m.kind == MoneyKind::Payment),
        pending,
    })
}

fn names(spaces: &[SpaceRecord]) -> HashMap<i64, String> {
    spaces.iter().map(|s| (s.id, s.name.clone())).collect()
}

/// The space booking a command touched, as the desk shows it now.
pub(super) fn booking_view(conn: &Connection, id: Uuid) -> Result<SpaceBookingView, DeskError> {
    let (b, pending) = space_reads::space_booking(conn, id)?
        .ok_or_else(|| DeskError::Store(format!("space booking {id} vanished while being recorded")))?;
    let spaces = space_reads::spaces_of_centre(conn, b.centre_id)?;
    Ok(view(conn, &b, pending, &names(&spaces))?)
}

/// The last day open for booking at `now`.
fn open_until(policy: &SitePolicy, now: NaiveDateTime, member: bool) -> NaiveDate {
    let days = i64::from(if member {
        policy.member_days_ahead
    } else {
        policy.days_ahead
    });
    let furthest = now.date() + Duration::days(days);
    if window::opens_at(policy, furthest.and_time(NaiveTime::MIN), member) <= now {
        furthest
    } else {
        furthest - Duration::days(1)
    }
}

fn window_view(policy: &SitePolicy, now: NaiveDateTime) -> WindowView {
    WindowView {
        days_ahead: policy.days_ahead,
        member_days_ahead: policy.member_days_ahead,
        release_time: policy.release_time,
        open_until: open_until(policy, now, false),
        member_open_until: open_until(policy, now, true),
        max_block_weeks: policy.max_block_weeks,
    }
}

pub(super) fn policy_on(conn: &Connection, centre_id: i64, day: NaiveDate) -> rusqlite::Result<Option<SitePolicy>> {
    Ok(money_reads::settings(conn, centre_id)?.and_then(|s| s.policy_on(day).cloned()))
}

fn capitalised(e: impl ToString) -> String {
    let m = e.to_string();
    let mut c = m.chars();
    c.next()
        .map_or(String::new(), |f| f.to_uppercase().chain(c).collect::<String>() + ".")
}

impl BlockInput {
    fn request(&self) -> Result<BlockRequest, DeskError> {
        check_id("The space id", self.space_id)?;
        check_id("The club's contact", self.customer_id)?;
        let club = self.club.trim();
        if club.is_empty() {
            return Err(DeskError::invalid("Enter the club the block is for."));
        }
        check_text("The club's name", club, MAX_CLUB, false)?;
        let every = match self.every.as_str() {
            "week" => Every::Week,
            "fortnight" => Every::Fortnight,
            other => return Err(DeskError::invalid(format!("`{other}` is not weekly or fortnightly."))),
        };
        Ok(BlockRequest {
            space_id: self.space_id,
            first: self.first,
            last: self.last,
            every,
            starts: self.starts,
            ends: self.ends,
        })
    }
}

/// Every date of the block against this desk's replica and pending bookings, at `now`: what is
/// free, what clashes with whom (and what is free instead), what is closed or cannot be booked.
/// Offline; no record is written. Refused as a whole when the block itself is wrong (ends
/// before it starts, longer than the centre's longest block).
pub fn check_block(conn: &Connection, input: &BlockInput, now: NaiveDateTime) -> Result<BlockCheck, DeskError> {
    let req = input.request()?;
    let space = space_reads::space(conn, req.space_id)?
        .ok_or_else(|| DeskError::NotFound(format!("Space {} is not on this desk.", req.space_id)))?;
    let policy = policy_on(conn, space.centre_id, req.first)?.ok_or_else(|| {
        DeskError::invalid(format!(
            "Centre {} has no booking policy for {}.",
            space.centre_id, req.first
        ))
    })?;
    let spaces = space_reads::spaces_of_centre(conn, space.centre_id)?;
    let layout = layout_for(&space, &spaces);
    let dates = block::expand(&req, policy.max_block_weeks).map_err(|e| DeskError::invalid(capitalised(e)))?;
    // The live bookings of the centre on the block's dates only (a weekly block reads a
    // seventh of its range), each day by the index.
    let mut held: Vec<(SpaceBookingRecord, bool)> = Vec::new();
    for d in &dates {
        held.extend(space_reads::bookings_on(conn, space.centre_id, *d)?);
    }
    held.retain(|(b, _)| b.live());
    let existing: Vec<SpaceBooking> = held
        .iter()
        .map(|(b, _)| b.as_booking(b.club.clone().unwrap_or_default()))
        .collect();
    let report = block::check(&layout, &req, policy.max_block_weeks, &existing)
        .map_err(|e| DeskError::invalid(capitalised(e)))?;
    let furthest = now + Duration::weeks(i64::from(policy.max_block_weeks));
    let names = names(&spaces);
    // The alternatives of a clashing date look only at that day's bookings.
    let mut by_day: HashMap<NaiveDate, Vec<SpaceBooking>> = HashMap::new();
    for b in &existing {
        by_day.entry(b.starts.date()).or_default().push(b.clone());
    }
    let mut holders: HashMap<i64, String> = HashMap::new();
    let mut out = Vec::with_capacity(report.dates.len());
    let (mut free, mut refused, mut closed) = (0, 0, 0);
    for (date, outcome) in &report.dates {
        let starts = date.and_time(req.starts);
        let (kind, detail, alternatives) = match outcome {
            Outcome::Closed => ("closed", "The centre is closed: skipped.".to_owned(), Vec::new()),
            Outcome::NotBookable(e) => ("not_bookable", capitalised(e), Vec::new()),
            Outcome::Free if starts < now => ("not_bookable", "Already past.".to_owned(), Vec::new()),
            Outcome::Free if starts > furthest => (
                "not_bookable",
                format!("Beyond the furthest block date, {}.", furthest.format("%-d %b %Y")),
                Vec::new(),
            ),
            Outcome::Free => ("free", String::new(), Vec::new()),
            Outcome::Clash(with) => {
                let mut words = Vec::new();
                for b in with {
                    let holder = if b.holder.is_empty() {
                        let cid = held
                            .iter()
                            .find(|(h, _)| h.id == b.id)
                            .map_or(0, |(h, _)| h.customer_id);
                        match holders.get(&cid) {
                            Some(n) => n.clone(),
                            None => {
                                let n = customer_name(conn, cid)?;
                                holders.insert(cid, n.clone());
                                n
                            }
                        }
                    } else {
                        b.holder.clone()
                    };
                    let name = names.get(&b.space_id).map_or("a linked space", String::as_str);
                    words.push(format!(
                        "{name} {}–{} ({holder})",
                        b.starts.format("%H:%M"),
                        b.ends.format("%H:%M")
                    ));
                }
                let ends = date.and_time(req.ends);
                let that_day = by_day.get(date).map_or(&[][..], Vec::as_slice);
                let found = layout.alternatives(req.space_id, starts, ends, that_day);
                let mut alts: Vec<Alternative> = found
                    .same_kind
                    .iter()
                    .map(|id| Alternative::BookSpace {
                        space_id: *id,
                        space_name: names.get(id).cloned().unwrap_or_default(),
                        starts,
                        ends,
                    })
                    .collect();
                if let Some((s, e)) = found.next_slot {
                    alts.push(Alternative::BookSpace {
                        space_id: req.space_id,
                        space_name: space.name.clone(),
                        starts: s,
                        ends: e,
                    });
                }
                ("clash", format!("Taken: {}.", words.join("; ")), alts)
            }
        };
        match kind {
            "free" => free += 1,
            "closed" => closed += 1,
            _ => refused += 1,
        }
        out.push(BlockDate {
            date: *date,
            outcome: kind.to_owned(),
            detail,
            alternatives,
        });
    }
    Ok(BlockCheck {
        space_name: space.name,
        dates: out,
        free,
        refused,
        closed,
    })
}

impl Leisure<'_> {
    /// The centre's spaces and their live bookings on `day` (pending ones marked), and the
    /// booking window as it stands now.
    pub async fn spaces_day(&self, centre_id: i64, day: NaiveDate) -> Result<SpacesDay, DeskError> {
        check_id("The centre id", centre_id)?;
        self.desk
            .db(move |conn| {
                let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
                let spaces = space_reads::spaces_of_centre(&tx, centre_id)?;
                let names = names(&spaces);
                let mut bookings = Vec::new();
                for (b, pending) in space_reads::bookings_on(&tx, centre_id, day)? {
                    if !b.live() {
                        continue;
                    }
                    if b.club.is_none() {
                        audit::viewed_customer(&tx, b.customer_id, &format!("space bookings on {day}"))?;
                    }
                    bookings.push(view(&tx, &b, pending, &names)?);
                }
                let views = spaces
                    .iter()
                    .map(|s| {
                        let layout = layout_for(s, &[]);
                        let hours = if s.closures.contains(&day) {
                            None
                        } else {
                            layout.hours_on(day)
                        };
                        SpaceView {
                            id: s.id,
                            kind: s.kind.clone(),
                            name: s.name.clone(),
                            part_of: s.part_of,
                            slot_minutes: s.slot_minutes,
                            opens: hours.map(|h| h.opens),
                            closes: hours.map(|h| h.closes),
                        }
                    })
                    .collect();
                let window = policy_on(&tx, centre_id, day)?.map(|p| window_view(&p, local_now()));
                tx.commit()?;
                Ok(SpacesDay {
                    centre_id,
                    day,
                    spaces: views,
                    bookings,
                    window,
                })
            })
            .await
    }

    /// Books a space once, shown at once (pending) for the server to decide; refused here with
    /// nothing recorded when the local rules say no (taken, outside hours, window not open).
    pub async fn book_space(
        &self,
        space_id: i64,
        starts: NaiveDateTime,
        ends: NaiveDateTime,
        customer_id: i64,
        club: Option<String>,
        channel: Channel,
    ) -> Result<SpaceBookingView, DeskError> {
        check_id("The space id", space_id)?;
        check_id("The customer id", customer_id)?;
        let club = club.map(|c| c.trim().to_owned()).filter(|c| !c.is_empty());
        if let Some(c) = &club {
            check_text("The club's name", c, MAX_CLUB, false)?;
        }
        if ends <= starts {
            return Err(DeskError::invalid("The booking must end after it starts."));
        }
        let booking_id = Uuid::now_v7();
        let cmd = Command::from(BookSpace {
            booking_id,
            space_id,
            starts,
            ends,
            customer_id,
            club,
            block_id: None,
            payment: None,
        });
        self.desk
            .record_command(cmd, channel, move |conn| booking_view(conn, booking_id))
            .await
    }

    /// Every date of a block booking checked against this desk's replica, before confirming.
    pub async fn check_block(&self, input: BlockInput) -> Result<BlockCheck, DeskError> {
        self.desk.db(move |conn| check_block(conn, &input, local_now())).await
    }

    /// Books every free date of the block (one `leisure.book_space` per date, sharing a new
    /// block id) in one transaction; dates that clash or cannot be booked are not booked and are
    /// returned as the check showed them.
    pub async fn book_block(&self, input: BlockInput, channel: Channel) -> Result<BlockBooked, DeskError> {
        self.desk
            .record_many(move |tx, now| {
                let checked = check_block(tx, &input, now)?;
                let req = input.request()?;
                let block_id = Uuid::now_v7();
                let mut booked = Vec::new();
                let mut not_booked = Vec::new();
                for d in checked.dates {
                    if d.outcome != "free" {
                        if d.outcome != "closed" {
                            not_booked.push(d);
                        }
                        continue;
                    }
                    let booking_id = Uuid::now_v7();
                    let cmd = Command::from(BookSpace {
                        booking_id,
                        space_id: req.space_id,
                        starts: d.date.and_time(req.starts),
                        ends: d.date.and_time(req.ends),
                        customer_id: input.customer_id,
                        club: Some(input.club.trim().to_owned()),
                        block_id: Some(block_id),
                        payment: None,
                    });
                    record(tx, &cmd, channel, now)?;
                    booked.push(booking_view(tx, booking_id)?);
                }
                Ok(BlockBooked {
                    block_id,
                    booked,
                    not_booked,
                })
            })
            .await
    }

    /// Books the space or slot offered for a refused date (Needs attention) and resolves the
    /// item, in one transaction.
    pub async fn take_space_alternative(
        &self,
        item_id: Uuid,
        alternative: usize,
    ) -> Result<SpaceBookingView, DeskError> {
        self.desk
            .take_alternative_as(item_id, alternative, |conn, cmd| match cmd {
                Command::Leisure(desk_domain::leisure::Command::BookSpace(a)) => booking_view(conn, a.booking_id),
                _ => Err(DeskError::invalid("This item's alternative is not a space booking.")),
            })
            .await
    }
}
