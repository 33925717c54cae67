//! A session's life at reception (issue 11 §3): checking a customer in, marking no-shows after
//! the session with the site's no-show rule (a fee the customer owes, a booking block, or
//! nothing yet), and waiving one with a reason. The rules are the pure cores in
//! [`super::check_in`] and [`super::no_show`]; this module reads the facts and writes records.

use chrono::{Duration, NaiveDate, NaiveDateTime};

use super::Code;
use super::check_in::{self, Booked};
use super::command::{CheckIn, MarkNoShows, WaiveNoShow};
use super::decide::{Facts, booking_audit, out_of_scope};
use super::no_show::{self, NoShow};
use super::policy::SitePolicy;
use super::records::{Charge, ChargeStatus};
use super::refund::Waiver;
use crate::effect::{AuditNote, Effect, Record, RecordKind};
use crate::refusal::Refusal;
use crate::service::{Ctx, Decision};
use crate::{Booking, BookingStatus, Bucket, Session};

/// The longest waiver reason, in characters.
pub const MAX_REASON: usize = 200;

/// The site's policy on the session's day, or the refusal naming what is missing.
fn policy_for<F: Facts + ?Sized>(facts: &mut F, session: &Session) -> Result<Result<SitePolicy, Refusal>, F::Error> {
    let day = session.starts_at.date();
    Ok(facts
        .settings(session.centre_id)?
        .and_then(|s| s.policy_on(day).cloned())
        .ok_or_else(|| {
            Refusal::new(
                Code::NoPolicy,
                format!(
                    "Centre {} has no booking policy for {day}, so its check-in and no-show rules are unknown.",
                    session.centre_id
                ),
            )
        }))
}

/// The customer's bookings with their sessions, as check-in sees them.
fn booked_with_sessions<F: Facts + ?Sized>(
    facts: &mut F,
    customer_id: i64,
) -> Result<Vec<(Booking, Session, Booked)>, F::Error> {
    let mut out = Vec::new();
    for b in facts.bookings_of_customer(customer_id)? {
        if b.status != BookingStatus::Booked {
            continue;
        }
        let Some(s) = facts.session(b.session_id)? else {
            continue;
        };
        let booked = Booked {
            session_id: s.id,
            starts: s.starts_at,
            ends: s.starts_at + Duration::minutes(i64::from(s.duration_minutes)),
            attended: b.attended_at.is_some(),
        };
        out.push((b, s, booked));
    }
    Ok(out)
}

fn when(s: &Session) -> String {
    format!("{} at {}", s.activity_name, s.starts_at.format("%H:%M"))
}

pub(super) fn check_in<F: Facts + ?Sized>(facts: &mut F, a: &CheckIn, ctx: &Ctx) -> Result<Decision, F::Error> {
    let Some(customer) = facts.customer(a.customer_id)? else {
        return Ok(Err(Refusal::new(
            Code::UnknownCustomer,
            format!("There is no customer {}.", a.customer_id),
        )));
    };
    let name = format!("{} {}", customer.first_name, customer.last_name);
    let mine = booked_with_sessions(facts, customer.id)?;
    let chosen = match a.booking_id {
        Some(id) => match mine.iter().find(|(b, _, _)| b.id == id) {
            Some(found) => found.clone(),
            None => {
                let Some(b) = facts.booking(id)? else {
                    return Ok(Err(Refusal::new(
                        Code::UnknownBooking,
                        format!("There is no booking {id}."),
                    )));
                };
                let why = if b.customer_id != customer.id {
                    "is another customer's".to_owned()
                } else {
                    format!("is {}, not booked", b.status.as_str())
                };
                return Ok(Err(Refusal::new(
                    Code::NotCheckable,
                    format!("Booking {id} {why}, so {name} cannot be checked in with it."),
                )));
            }
        },
        None => {
            // The window opens the site's check_in_opens_minutes before each session.
            let mut now_list = Vec::new();
            for (b, s, booked) in &mine {
                let opens = match policy_for(facts, s)? {
                    Ok(p) => p.check_in_opens_minutes,
                    Err(r) => return Ok(Err(r)),
                };
                if !check_in::bookings_now(std::slice::from_ref(booked), ctx.now, opens).is_empty() {
                    now_list.push((b.clone(), s.clone(), booked.clone()));
                }
            }
            match now_list.len() {
                0 => {
                    return Ok(Err(Refusal::new(
                        Code::NoBooking,
                        format!(
                            "{name} has no booking for now. Book them into a session with space, or check the \
                             timetable for their booking."
                        ),
                    )));
                }
                1 => now_list.remove(0),
                n => {
                    let list: Vec<String> = now_list.iter().map(|(_, s, _)| when(s)).collect();
                    return Ok(Err(Refusal::new(
                        Code::ChooseBooking,
                        format!("{name} has {n} bookings for now ({}): choose one.", list.join(", ")),
                    )));
                }
            }
        }
    };
    let (mut booking, session, booked) = chosen;
    if !facts.may_write(&Bucket::LeisureSite(session.centre_id)) {
        return Ok(Err(out_of_scope(session.id)));
    }
    if booked.attended {
        return Ok(Err(Refusal::new(
            Code::AlreadyCheckedIn,
            format!("{name} is already checked in to {}.", when(&session)),
        )));
    }
    let opens = match policy_for(facts, &session)? {
        Ok(p) => p.check_in_opens_minutes,
        Err(r) => return Ok(Err(r)),
    };
    if check_in::bookings_now(std::slice::from_ref(&booked), ctx.now, opens).is_empty() {
        let opening = booked.starts - Duration::minutes(i64::from(opens));
        let why = if ctx.now < opening {
            format!("check-in opens at {}", opening.format("%H:%M"))
        } else {
            "it has ended".to_owned()
        };
        return Ok(Err(Refusal::new(
            Code::NotCheckable,
            format!("{name} cannot be checked in to {}: {why}.", when(&session)),
        )));
    }
    booking.attended_at = Some(ctx.at);
    Ok(Ok(vec![
        booking_audit(&booking, "leisure.check_in"),
        Effect::Put(Record::synced(&booking)),
    ]))
}

/// The customer's no-shows before now, for the no-show rule.
pub fn no_show_history<F: Facts + ?Sized>(facts: &mut F, customer_id: i64) -> Result<Vec<NoShow>, F::Error> {
    let mut out = Vec::new();
    for b in facts.bookings_of_customer(customer_id)? {
        if b.no_show_at.is_none() {
            continue;
        }
        let Some(s) = facts.session(b.session_id)? else {
            continue;
        };
        out.push(NoShow {
            session_id: s.id,
            at: s.starts_at,
            waived: b.no_show_waived.clone().map(|reason| Waiver { reason, staff_id: 0 }),
        });
    }
    Ok(out)
}

/// Until when the customer may not book ahead at `centre_id` on `today` (the site's no-show
/// rule over their unwaived no-shows), if they may not.
pub fn blocked_until<F: Facts + ?Sized>(
    facts: &mut F,
    customer_id: i64,
    centre_id: i64,
    today: NaiveDate,
) -> Result<Option<NaiveDate>, F::Error> {
    let Some(policy) = facts.settings(centre_id)?.and_then(|s| s.policy_on(today).cloned()) else {
        return Ok(None);
    };
    let history = no_show_history(facts, customer_id)?;
    Ok(no_show::blocked_until(&policy.no_show, &history, today))
}

/// The refusal of an advance booking (a session on a later day) while the customer is blocked;
/// a booking for today is still taken.
pub(super) fn advance_block<F: Facts + ?Sized>(
    facts: &mut F,
    customer_id: i64,
    session: &Session,
    now: NaiveDateTime,
) -> Result<Option<Refusal>, F::Error> {
    if session.starts_at.date() <= now.date() {
        return Ok(None);
    }
    Ok(
        blocked_until(facts, customer_id, session.centre_id, now.date())?.map(|until| {
            Refusal::new(
                Code::BookingBlocked,
                format!(
                    "This customer cannot book ahead until {} after no-shows (the centre's rule). Book today's \
                 sessions only, or waive a no-show with a reason.",
                    until.format("%-d %b %Y")
                ),
            )
        }),
    )
}

pub(super) fn mark_no_shows<F: Facts + ?Sized>(
    facts: &mut F,
    a: &MarkNoShows,
    ctx: &Ctx,
) -> Result<Decision, F::Error> {
    let Some(session) = facts.session(a.session_id)? else {
        return Ok(Err(Refusal::new(
            Code::UnknownSession,
            format!("There is no session {}.", a.session_id),
        )));
    };
    if !facts.may_write(&Bucket::LeisureSite(session.centre_id)) {
        return Ok(Err(out_of_scope(session.id)));
    }
    let ends = session.starts_at + Duration::minutes(i64::from(session.duration_minutes));
    if ctx.now < ends {
        return Ok(Err(Refusal::new(
            Code::SessionNotOver,
            format!(
                "{} ends at {}: no-shows are marked after it.",
                when(&session),
                ends.format("%H:%M")
            ),
        )));
    }
    let distinct: std::collections::BTreeSet<_> = a.booking_ids.iter().collect();
    if a.booking_ids.is_empty() || distinct.len() != a.booking_ids.len() {
        return Ok(Err(Refusal::new(
            Code::NotCheckable,
            "Choose each booking to mark once, and at least one.",
        )));
    }
    let policy = match policy_for(facts, &session)? {
        Ok(p) => p,
        Err(r) => return Ok(Err(r)),
    };
    let mut effects = Vec::new();
    for id in &a.booking_ids {
        let Some(mut b) = facts.booking(*id)? else {
            return Ok(Err(Refusal::new(
                Code::UnknownBooking,
                format!("There is no booking {id}."),
            )));
        };
        if b.session_id != session.id || b.status != BookingStatus::Booked {
            return Ok(Err(Refusal::new(
                Code::NotCheckable,
                format!("Booking {id} is not a place booked in this session."),
            )));
        }
        if b.attended_at.is_some() || b.no_show_at.is_some() {
            let what = if b.attended_at.is_some() {
                "was checked in"
            } else {
                "is already a no-show"
            };
            return Ok(Err(Refusal::new(
                Code::NoShowState,
                format!("Booking {id} {what}, so it cannot be marked a no-show."),
            )));
        }
        let history = no_show_history(facts, b.customer_id)?;
        let penalty = no_show::penalty(&policy.no_show, &history, session.starts_at);
        b.no_show_at = Some(ctx.at);
        effects.push(booking_audit(&b, &format!("leisure.mark_no_shows: {}", penalty.reason)));
        effects.push(Effect::Put(Record::synced(&b)));
        if let Some(fee) = penalty.fee.filter(|f| f.0 > 0) {
            let charge = Charge {
                id: Charge::no_show_fee_id(b.id),
                customer_id: b.customer_id,
                centre_id: session.centre_id,
                booking_id: b.id,
                session_id: session.id,
                amount: fee,
                status: ChargeStatus::Due,
                reason: penalty.reason.clone(),
                created_at: ctx.at,
                staff_id: ctx.staff_id,
            };
            effects.push(charge_audit(&charge, "no-show fee due"));
            effects.push(Effect::Put(Record::synced(&charge)));
        }
    }
    Ok(Ok(effects))
}

fn charge_audit(c: &Charge, what: &str) -> Effect {
    Effect::Audit(AuditNote {
        kind: RecordKind::Charge,
        record_id: c.id.to_string(),
        person_id: Some(c.customer_id),
        detail: format!("{what}: {} for session {}", c.amount, c.session_id),
    })
}

pub(super) fn waive_no_show<F: Facts + ?Sized>(
    facts: &mut F,
    a: &WaiveNoShow,
    ctx: &Ctx,
) -> Result<Decision, F::Error> {
    let reason = a.reason.trim();
    let chars = reason.chars().count();
    if chars == 0 || chars > MAX_REASON || reason.chars().any(char::is_control) {
        return Ok(Err(Refusal::new(
            Code::InvalidWaiver,
            format!("A waiver needs a reason of 1 to {MAX_REASON} characters."),
        )));
    }
    let Some(mut b) = facts.booking(a.booking_id)? else {
        return Ok(Err(Refusal::new(
            Code::UnknownBooking,
            format!("There is no booking {}.", a.booking_id),
        )));
    };
    if !facts.may_write(&Bucket::LeisureSite(b.centre_id)) {
        return Ok(Err(out_of_scope(b.session_id)));
    }
    if b.no_show_at.is_none() || b.no_show_waived.is_some() {
        let what = if b.no_show_waived.is_some() {
            "was already waived"
        } else {
            "is not a no-show"
        };
        return Ok(Err(Refusal::new(
            Code::NoShowState,
            format!("This booking {what}, so there is nothing to waive."),
        )));
    }
    b.no_show_waived = Some(reason.to_owned());
    let mut effects = vec![
        booking_audit(&b, "leisure.waive_no_show"),
        Effect::Put(Record::synced(&b)),
    ];
    if let Some(mut charge) = facts.charge(Charge::no_show_fee_id(b.id))?
        && charge.status == ChargeStatus::Due
    {
        charge.status = ChargeStatus::Waived;
        charge.reason = format!("Waived by staff {}: {reason}", ctx.staff_id);
        effects.push(charge_audit(&charge, "no-show fee waived"));
        effects.push(Effect::Put(Record::synced(&charge)));
    }
    Ok(Ok(effects))
}
