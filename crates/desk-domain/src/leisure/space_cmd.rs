//! `leisure.book_space` and `leisure.cancel_space` (issue 11 §4): a space booked in whole slots
//! within opening hours, refused when it or a space linked to it (its halves, quarters, or the
//! pitch it is part of) is taken, with another space of the same kind or the next free slot
//! offered instead; inside the centre's booking window; priced peak or off-peak by the one
//! price rule and charged to the hirer's account, or paid at the desk for a one-off hire
//! ([`super::space_pay`], which also refunds it on cancelling).
//!
//! A club's block booking is not a command of its own. The desk expands it ([`super::block`]),
//! shows every date that clashes from its replica, and queues one `book_space` per date sharing
//! a `block_id`. Why: the server decides each date in its own right against what it holds then
//! (another desk's one-off may have landed meanwhile), a refused date lands in Needs attention
//! with that date's alternatives while the others stand, and the outbox, overlay and receipts
//! need nothing new. A block's dates are bounded by the policy's longest block instead of the
//! day-by-day window: clubs book the season ahead (Moray: pitches up to a year ahead).

use chrono::{Duration, NaiveDate, NaiveDateTime};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::Code;
use super::decide::Facts;
use super::policy::SitePolicy;
use super::price::{self, Quote};
use super::price_list::Item;
use super::records::priced_customer;
use super::space_pay::{self, RefundAsk, SpacePayment};
use super::space_records::{SpaceBookingRecord, SpaceBookingStatus, SpaceRecord, layout_for};
use super::spaces::{Layout, SpaceBooking};
use super::window;
use crate::effect::{AuditNote, Effect, Record, RecordKind};
use crate::refusal::{CommonCode, Refusal};
use crate::service::{Ctx, Decision};
use crate::values::Pence;
use crate::wire::Alternative;
use crate::{Bucket, Customer};

/// The longest club name kept, in characters.
pub const MAX_CLUB: usize = 80;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BookSpace {
    /// Made on the desk, so the desk can show and cancel the booking before it is confirmed.
    pub booking_id: Uuid,
    pub space_id: i64,
    pub starts: NaiveDateTime,
    pub ends: NaiveDateTime,
    /// The hirer: a customer, or the contact of the club named in `club`.
    pub customer_id: i64,
    #[serde(default)]
    pub club: Option<String>,
    /// Shared by every date of one block booking.
    #[serde(default)]
    pub block_id: Option<Uuid>,
    /// Paid at the desk (a one-off hire); absent: charged to the hirer's account, as before
    /// payments were taken for spaces. Why a field and not a command: [`super::space_pay`].
    #[serde(default)]
    pub payment: Option<SpacePayment>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CancelSpace {
    pub booking_id: Uuid,
    /// For a hire paid at the desk: the refund's id (made on the desk, used only when money
    /// goes back) and the desk giving it. Absent on commands queued before payments were taken.
    #[serde(default)]
    pub refund_id: Option<Uuid>,
    #[serde(default)]
    pub desk: Option<String>,
    /// A member of staff's reason for setting the cut-off aside: a paid hire refunded in full,
    /// an account hire charged nothing.
    #[serde(default)]
    pub waiver: Option<String>,
}

fn when(starts: NaiveDateTime, ends: NaiveDateTime) -> String {
    format!(
        "{}–{} on {}",
        starts.format("%H:%M"),
        ends.format("%H:%M"),
        starts.format("%a %-d %b %Y")
    )
}

fn out_of_scope(space: &SpaceRecord) -> Refusal {
    Refusal::new(
        CommonCode::OutOfScope,
        format!(
            "{} is at a centre outside your sites, so it cannot be booked from this desk.",
            space.name
        ),
    )
}

/// The club's name as kept: 1 to [`MAX_CLUB`] characters, no control characters.
fn club_name(club: Option<&str>) -> Result<Option<String>, Refusal> {
    let Some(c) = club.map(str::trim) else {
        return Ok(None);
    };
    if c.is_empty() || c.chars().count() > MAX_CLUB || c.chars().any(char::is_control) {
        return Err(Refusal::new(
            Code::InvalidClub,
            format!("A club's name must be 1 to {MAX_CLUB} characters with no control characters."),
        ));
    }
    Ok(Some(c.to_owned()))
}

/// Is `starts` open for booking at `now`? One-off bookings by the window (members earlier);
/// a block's dates up to the policy's longest block ahead.
pub fn check_window(
    policy: &SitePolicy,
    starts: NaiveDateTime,
    now: NaiveDateTime,
    member: bool,
    block: bool,
) -> Result<(), Refusal> {
    if block {
        let furthest = now + Duration::weeks(i64::from(policy.max_block_weeks));
        if starts > furthest {
            return Err(Refusal::new(
                Code::NotYetOpen,
                format!(
                    "A block booking may run up to {} weeks ahead, to {}.",
                    policy.max_block_weeks,
                    furthest.format("%a %-d %b %Y")
                ),
            ));
        }
        return Ok(());
    }
    window::check_window(policy, starts, now, member).map_err(|e| window::refusal(policy, starts, e))
}

/// The live bookings of the centre on `day` as the clash check sees them, holders named.
pub fn live_bookings<F: Facts + ?Sized>(
    facts: &mut F,
    centre_id: i64,
    day: NaiveDate,
) -> Result<Vec<SpaceBooking>, F::Error> {
    let mut out = Vec::new();
    for b in facts.space_bookings_on(centre_id, day)? {
        if b.live() {
            let name = facts
                .customer(b.customer_id)?
                .map(|c| format!("{} {}", c.first_name, c.last_name))
                .unwrap_or_else(|| format!("customer {}", b.customer_id));
            out.push(b.as_booking(b.holder(&name)));
        }
    }
    Ok(out)
}

/// The price of hiring `space` from `starts` to `ends`: the price rule's hourly price for the
/// customer (peak or off-peak by when it starts), for the booking's length.
pub fn hire_price(
    settings: &super::records::LeisureSettings,
    space: &SpaceRecord,
    starts: NaiveDateTime,
    ends: NaiveDateTime,
    customer: &super::membership::Customer,
) -> Result<(Pence, String), Refusal> {
    let quote: Quote = price::price(
        &settings.price_book(),
        space.centre_id,
        Item::Space(space.id),
        starts,
        customer,
    )
    .map_err(|e| Refusal::new(Code::NoPriceList, format!("No price for {}: {e}.", space.name)))?;
    let minutes = (ends - starts).num_minutes();
    // Hire prices are per hour (price_list::Item::Space); whole pence, rounded half up.
    let total = (quote.price.0 * minutes + 30) / 60;
    let hours = minutes as f64 / 60.0;
    Ok((
        Pence(total),
        format!("{} for {hours} h at {} an hour", quote.reason, quote.price),
    ))
}

fn alternatives(layout: &Layout, spaces: &[SpaceRecord], a: &BookSpace, existing: &[SpaceBooking]) -> Vec<Alternative> {
    let found = layout.alternatives(a.space_id, a.starts, a.ends, existing);
    let name = |id: i64| {
        spaces
            .iter()
            .find(|s| s.id == id)
            .map_or_else(|| format!("space {id}"), |s| s.name.clone())
    };
    let mut out: Vec<Alternative> = found
        .same_kind
        .into_iter()
        .map(|id| Alternative::BookSpace {
            space_id: id,
            space_name: name(id),
            starts: a.starts,
            ends: a.ends,
        })
        .collect();
    if let Some((starts, ends)) = found.next_slot {
        out.push(Alternative::BookSpace {
            space_id: a.space_id,
            space_name: name(a.space_id),
            starts,
            ends,
        });
    }
    out
}

pub fn book_space<F: Facts + ?Sized>(facts: &mut F, a: &BookSpace, ctx: &Ctx) -> Result<Decision, F::Error> {
    let Some(space) = facts.space(a.space_id)? else {
        return Ok(Err(Refusal::new(
            Code::UnknownSpace,
            format!("There is no space {}.", a.space_id),
        )));
    };
    if !facts.may_write(&Bucket::LeisureSite(space.centre_id)) {
        return Ok(Err(out_of_scope(&space)));
    }
    let Some(customer) = facts.customer(a.customer_id)? else {
        return Ok(Err(Refusal::new(
            Code::UnknownCustomer,
            format!("There is no customer {}.", a.customer_id),
        )));
    };
    if facts.space_booking(a.booking_id)?.is_some() {
        return Ok(Err(Refusal::new(
            Code::DuplicateBooking,
            format!("A booking with id {} already exists.", a.booking_id),
        )));
    }
    let club = match club_name(a.club.as_deref()) {
        Ok(c) => c,
        Err(r) => return Ok(Err(r)),
    };
    let spaces = facts.spaces_of_centre(space.centre_id)?;
    let layout = layout_for(&space, &spaces);
    if let Err(e) = layout.check_slot(space.id, a.starts, a.ends) {
        return Ok(Err(Refusal::new(Code::NotBookable, format!("{}: {e}.", space.name))));
    }
    if a.starts < ctx.now {
        return Ok(Err(Refusal::new(
            Code::NotBookable,
            format!("{} has already started.", when(a.starts, a.ends)),
        )));
    }
    let Some(settings) = facts.settings(space.centre_id)? else {
        return Ok(Err(Refusal::new(
            Code::NoPolicy,
            format!(
                "Centre {} has no booking policy or prices on this desk.",
                space.centre_id
            ),
        )));
    };
    let Some(policy) = settings.policy_on(a.starts.date()) else {
        return Ok(Err(Refusal::new(
            Code::NoPolicy,
            format!(
                "Centre {} has no booking policy for {}.",
                space.centre_id,
                a.starts.date()
            ),
        )));
    };
    let entitlement = facts.entitlement(customer.id)?;
    let member = entitlement
        .as_ref()
        .and_then(|e| e.membership.as_ref())
        .is_some_and(|m| m.is_active(a.starts.date()));
    if let Err(r) = check_window(policy, a.starts, ctx.now, member, a.block_id.is_some()) {
        return Ok(Err(r));
    }
    let existing = live_bookings(facts, space.centre_id, a.starts.date())?;
    let clashes = layout.clashes(space.id, a.starts, a.ends, &existing);
    if !clashes.is_empty() {
        let held: Vec<String> = clashes
            .iter()
            .map(|b| {
                let s = layout.space(b.space_id).map_or("a linked space", |s| s.name.as_str());
                format!(
                    "{s} {}–{} ({})",
                    b.starts.format("%H:%M"),
                    b.ends.format("%H:%M"),
                    b.holder
                )
            })
            .collect();
        let refusal = Refusal::new(
            Code::SpaceTaken,
            format!(
                "{} is taken {}: {}.",
                space.name,
                when(a.starts, a.ends),
                held.join("; ")
            ),
        );
        // A payment is not carried over to another space or slot (its price may differ): a
        // paid hire offers none, as a paid class place does not.
        if a.payment.is_some() {
            return Ok(Err(refusal));
        }
        return Ok(Err(
            refusal.with_alternatives(alternatives(&layout, &spaces, a, &existing))
        ));
    }
    let who = priced_customer(customer.date_of_birth, entitlement.as_ref());
    let (price, price_reason) = match hire_price(&settings, &space, a.starts, a.ends, &who) {
        Ok(p) => p,
        Err(r) => return Ok(Err(r)),
    };
    let row = SpaceBookingRecord {
        id: a.booking_id,
        space_id: space.id,
        centre_id: space.centre_id,
        day: a.starts.date(),
        starts: a.starts,
        ends: a.ends,
        customer_id: customer.id,
        club,
        block_id: a.block_id,
        status: SpaceBookingStatus::Booked,
        price,
        price_reason,
        created_at: ctx.at,
        staff_id: ctx.staff_id,
    };
    let mut effects = vec![audit(&row, "leisure.book_space"), Effect::Put(Record::synced(&row))];
    if let Some(pay) = &a.payment {
        match space_pay::take(facts, pay, &row, &space, ctx)? {
            Ok(more) => effects.extend(more),
            Err(r) => return Ok(Err(r)),
        }
    }
    Ok(Ok(effects))
}

fn audit(row: &SpaceBookingRecord, why: &str) -> Effect {
    Effect::Audit(AuditNote {
        kind: RecordKind::Booking,
        record_id: row.id.to_string(),
        person_id: Some(row.customer_id),
        detail: format!("{why}: space {} {} now {:?}", row.space_id, row.starts, row.status).to_lowercase(),
    })
}

/// `leisure.cancel_space`: before the policy's space cut-off nothing is charged; after it the
/// policy's share of the price is waived (`late_refund_percent`) and the rest still charged.
pub fn cancel_space<F: Facts + ?Sized>(facts: &mut F, a: &CancelSpace, ctx: &Ctx) -> Result<Decision, F::Error> {
    let Some(mut row) = facts.space_booking(a.booking_id)? else {
        return Ok(Err(Refusal::new(
            Code::UnknownBooking,
            format!("There is no space booking {}.", a.booking_id),
        )));
    };
    if !facts.may_write(&Bucket::LeisureSite(row.centre_id)) {
        return Ok(Err(Refusal::new(
            CommonCode::OutOfScope,
            "This booking is at a centre outside your sites, so it cannot be cancelled from this desk.",
        )));
    }
    if !row.live() {
        return Ok(Err(Refusal::new(
            Code::AlreadyCancelled,
            "This booking is already cancelled.",
        )));
    }
    if row.starts <= ctx.now {
        return Ok(Err(Refusal::new(
            Code::SessionStarted,
            format!("{} has already started.", when(row.starts, row.ends)),
        )));
    }
    let ask = RefundAsk {
        refund_id: a.refund_id,
        desk: a.desk.as_deref(),
        waiver: a.waiver.as_deref(),
    };
    let mut money = Vec::new();
    match space_pay::refund_on_cancel(facts, &mut row, &ask, ctx)? {
        Err(r) => return Ok(Err(r)),
        Ok(Some(effects)) => money = effects,
        Ok(None) => {
            let waiver = match super::money::waiver_of(a.waiver.as_deref(), ctx) {
                Ok(w) => w,
                Err(r) => return Ok(Err(r)),
            };
            charge_on_cancel(facts, &mut row, waiver.as_ref(), ctx)?;
        }
    }
    row.status = SpaceBookingStatus::Cancelled;
    let mut effects = vec![audit(&row, "leisure.cancel_space"), Effect::Put(Record::synced(&row))];
    effects.extend(money);
    Ok(Ok(effects))
}

/// An account hire cancelled: nothing charged before the policy's space cut-off (or with a
/// member of staff's waiver); after it, the share the policy does not give back.
fn charge_on_cancel<F: Facts + ?Sized>(
    facts: &mut F,
    row: &mut SpaceBookingRecord,
    waiver: Option<&super::refund::Waiver>,
    ctx: &Ctx,
) -> Result<(), F::Error> {
    let policy = facts
        .settings(row.centre_id)?
        .and_then(|s| s.policy_on(row.starts.date()).cloned());
    let late = policy
        .as_ref()
        .is_some_and(|p| row.starts - ctx.now < Duration::minutes(i64::from(p.space_cutoff_minutes)));
    match (late, waiver) {
        (true, Some(w)) => {
            row.price_reason = format!("late cancellation waived: {} (was {})", w.reason, row.price);
            row.price = Pence(0);
        }
        (true, None) => {
            let p = policy.as_ref().expect("late only with a policy");
            let kept = row.price.0 * i64::from(100 - p.late_refund_percent.min(100)) / 100;
            row.price_reason = format!(
                "cancelled within {} hours of the start: {} of {} still charged",
                p.space_cutoff_minutes / 60,
                Pence(kept),
                row.price
            );
            row.price = Pence(kept);
        }
        (false, _) => {
            row.price_reason = format!("cancelled in time: nothing charged (was {})", row.price);
            row.price = Pence(0);
        }
    }
    Ok(())
}

fn space_words<F: Facts + ?Sized>(facts: &mut F, space_id: i64) -> Result<String, F::Error> {
    Ok(facts
        .space(space_id)?
        .map_or_else(|| format!("space {space_id}"), |s| s.name))
}

fn customer_words(c: Option<Customer>, id: i64) -> String {
    c.map_or_else(
        || format!("customer {id}"),
        |c| format!("{} {}", c.first_name, c.last_name),
    )
}

/// The line Needs attention shows.
pub fn summary_book<F: Facts + ?Sized>(facts: &mut F, a: &BookSpace) -> Result<String, F::Error> {
    let who = match &a.club {
        Some(c) => c.clone(),
        None => customer_words(facts.customer(a.customer_id)?, a.customer_id),
    };
    let block = if a.block_id.is_some() { " (block booking)" } else { "" };
    let paid = a
        .payment
        .as_ref()
        .map(|p| format!(", {} paid at the desk", p.price))
        .unwrap_or_default();
    Ok(format!(
        "Book {} {} for {who}{block}{paid}",
        space_words(facts, a.space_id)?,
        when(a.starts, a.ends)
    ))
}

pub fn summary_cancel<F: Facts + ?Sized>(facts: &mut F, a: &CancelSpace) -> Result<String, F::Error> {
    Ok(match facts.space_booking(a.booking_id)? {
        Some(b) => format!("Cancel {} {}", space_words(facts, b.space_id)?, when(b.starts, b.ends)),
        None => format!("Cancel space booking {}", a.booking_id),
    })
}

/// The booking of an offered space or slot in place of a refused one, for the same hirer and
/// block.
pub fn taking(a: &BookSpace, alternative: &Alternative, booking_id: Uuid) -> Option<(super::Command, String)> {
    let Alternative::BookSpace {
        space_id,
        space_name,
        starts,
        ends,
    } = alternative
    else {
        return None;
    };
    Some((
        super::Command::BookSpace(BookSpace {
            booking_id,
            space_id: *space_id,
            starts: *starts,
            ends: *ends,
            customer_id: a.customer_id,
            club: a.club.clone(),
            block_id: a.block_id,
            payment: None,
        }),
        format!("booked {space_name} {} instead", when(*starts, *ends)),
    ))
}
