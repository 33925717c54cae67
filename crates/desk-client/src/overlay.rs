//! The pending overlay: what this desk's own unsettled commands do to the replica, so staff see
//! their bookings at once. Recording a command checks it with the desk-domain rules against
//! replica + overlay and writes the overlay and the outbox row in one transaction; after each
//! pull the overlay is rebuilt by replaying the outbox in `seq` order.

use std::collections::HashMap;

use chrono::NaiveDateTime;
use desk_domain::command::{BookPlace, CancelPlace, JoinWaitingList};
use desk_domain::leisure::{self, CancelEffect, Refusal};
use desk_domain::{Booking, BookingStatus, Command, Session};
use rusqlite::{Connection, OptionalExtension, params};
use uuid::Uuid;

use crate::replica;

/// Why a command could not be put on the overlay.
#[derive(Debug)]
pub enum OverlayError {
    Refused(Refusal),
    NotFound(String),
    Sql(rusqlite::Error),
}

impl From<rusqlite::Error> for OverlayError {
    fn from(e: rusqlite::Error) -> Self {
        OverlayError::Sql(e)
    }
}

impl From<Refusal> for OverlayError {
    fn from(r: Refusal) -> Self {
        OverlayError::Refused(r)
    }
}

/// A booking as the desk sees it now.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EffectiveBooking {
    pub id: Uuid,
    pub session_id: i64,
    pub customer_id: i64,
    pub status: BookingStatus,
    pub waiting_position: u32,
    pub pending: bool,
    /// Replica bookings order by when they were made; pending ones come after, by seq.
    pub order: (i64, String),
}

fn status_of(s: &str) -> BookingStatus {
    match s {
        "booked" => BookingStatus::Booked,
        "waiting" => BookingStatus::Waiting,
        _ => BookingStatus::Cancelled,
    }
}

/// The replica session with this desk's pending deltas added; `bool` says whether any apply.
pub fn effective_session(conn: &Connection, id: i64) -> rusqlite::Result<Option<(Session, bool)>> {
    let Some(session) = replica::session(conn, id)? else {
        return Ok(None);
    };
    Ok(Some(with_overlay(conn, session)?))
}

pub fn with_overlay(conn: &Connection, mut session: Session) -> rusqlite::Result<(Session, bool)> {
    let delta: Option<(i64, i64)> = conn
        .prepare_cached("SELECT booked_delta, waiting_delta FROM overlay_sessions WHERE session_id = ?1")?
        .query_row([session.id], |r| Ok((r.get(0)?, r.get(1)?)))
        .optional()?;
    let touched: bool = conn
        .prepare_cached("SELECT EXISTS (SELECT 1 FROM overlay_bookings WHERE session_id = ?1)")?
        .query_row([session.id], |r| r.get(0))?;
    if let Some((b, w)) = delta {
        session.booked = add(session.booked, b);
        session.waiting = add(session.waiting, w);
    }
    Ok((session, touched || delta.is_some_and(|(b, w)| b != 0 || w != 0)))
}

fn add(n: u32, delta: i64) -> u32 {
    u32::try_from((i64::from(n) + delta).max(0)).unwrap_or(u32::MAX)
}

fn from_replica(b: &Booking) -> EffectiveBooking {
    EffectiveBooking {
        id: b.id,
        session_id: b.session_id,
        customer_id: b.customer_id,
        status: b.status,
        waiting_position: b.waiting_position,
        pending: false,
        order: (0, b.created_at.to_rfc3339()),
    }
}

struct OverlayRow {
    id: Uuid,
    session_id: i64,
    customer_id: i64,
    status: BookingStatus,
    waiting_position: u32,
    seq: i64,
}

fn overlay_rows(conn: &Connection, session_id: i64) -> rusqlite::Result<Vec<OverlayRow>> {
    let mut stmt = conn.prepare_cached(
        "SELECT id, session_id, customer_id, status, waiting_position, seq FROM overlay_bookings WHERE session_id = ?1",
    )?;
    stmt.query_map([session_id], overlay_row)?.collect()
}

fn overlay_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<OverlayRow> {
    let id: String = r.get(0)?;
    Ok(OverlayRow {
        id: Uuid::parse_str(&id).unwrap_or_default(),
        session_id: r.get(1)?,
        customer_id: r.get(2)?,
        status: status_of(&r.get::<_, String>(3)?),
        waiting_position: r.get(4)?,
        seq: r.get(5)?,
    })
}

fn shadow(b: &mut EffectiveBooking, o: &OverlayRow) {
    b.status = o.status;
    b.waiting_position = o.waiting_position;
    b.pending = true;
}

/// Every booking of a session, replica shadowed by overlay, including cancelled ones.
pub fn session_bookings(conn: &Connection, session_id: i64) -> rusqlite::Result<Vec<EffectiveBooking>> {
    let mut by_id: HashMap<Uuid, EffectiveBooking> = replica::bookings_of_session(conn, session_id)?
        .iter()
        .map(|b| (b.id, from_replica(b)))
        .collect();
    for o in overlay_rows(conn, session_id)? {
        by_id
            .entry(o.id)
            .and_modify(|b| shadow(b, &o))
            .or_insert_with(|| EffectiveBooking {
                id: o.id,
                session_id: o.session_id,
                customer_id: o.customer_id,
                status: o.status,
                waiting_position: o.waiting_position,
                pending: true,
                order: (1, format!("{:020}", o.seq)),
            });
    }
    let mut out: Vec<EffectiveBooking> = by_id.into_values().collect();
    out.sort_by(|a, b| {
        let rank = |s: BookingStatus| match s {
            BookingStatus::Booked => 0,
            BookingStatus::Waiting => 1,
            BookingStatus::Cancelled => 2,
        };
        (rank(a.status), a.waiting_position, &a.order, a.id).cmp(&(rank(b.status), b.waiting_position, &b.order, b.id))
    });
    Ok(out)
}

/// One booking by id, overlay first.
pub fn booking(conn: &Connection, id: Uuid) -> rusqlite::Result<Option<EffectiveBooking>> {
    let key = id.to_string();
    let replica = replica::booking(conn, &key)?.map(|b| from_replica(&b));
    let overlay = conn
        .prepare_cached(
            "SELECT id, session_id, customer_id, status, waiting_position, seq FROM overlay_bookings WHERE id = ?1",
        )?
        .query_row([&key], overlay_row)
        .optional()?;
    Ok(match (replica, overlay) {
        (Some(mut b), Some(o)) => {
            shadow(&mut b, &o);
            Some(b)
        }
        (Some(b), None) => Some(b),
        (None, Some(o)) => Some(EffectiveBooking {
            id: o.id,
            session_id: o.session_id,
            customer_id: o.customer_id,
            status: o.status,
            waiting_position: o.waiting_position,
            pending: true,
            order: (1, format!("{:020}", o.seq)),
        }),
        (None, None) => None,
    })
}

/// The customer's live place in the session, if any: booked before waiting before cancelled.
fn existing_status(bookings: &[EffectiveBooking], customer_id: i64) -> Option<BookingStatus> {
    bookings
        .iter()
        .filter(|b| b.customer_id == customer_id)
        .map(|b| b.status)
        .min_by_key(|s| match s {
            BookingStatus::Booked => 0,
            BookingStatus::Waiting => 1,
            BookingStatus::Cancelled => 2,
        })
}

fn bump(conn: &Connection, session_id: i64, booked: i64, waiting: i64) -> rusqlite::Result<()> {
    conn.prepare_cached(
        "INSERT INTO overlay_sessions (session_id, booked_delta, waiting_delta) VALUES (?1, ?2, ?3)
         ON CONFLICT (session_id) DO UPDATE SET booked_delta = booked_delta + excluded.booked_delta,
             waiting_delta = waiting_delta + excluded.waiting_delta",
    )?
    .execute(params![session_id, booked, waiting])?;
    Ok(())
}

fn put_booking(conn: &Connection, b: &EffectiveBooking, seq: i64) -> rusqlite::Result<()> {
    conn.prepare_cached(
        "INSERT INTO overlay_bookings (id, session_id, customer_id, status, waiting_position, seq)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6)
         ON CONFLICT (id) DO UPDATE SET status = excluded.status, waiting_position = excluded.waiting_position,
             seq = excluded.seq",
    )?
    .execute(params![
        b.id.to_string(),
        b.session_id,
        b.customer_id,
        b.status.as_str(),
        b.waiting_position,
        seq
    ])?;
    Ok(())
}

fn session_or_not_found(conn: &Connection, id: i64) -> Result<Session, OverlayError> {
    effective_session(conn, id)?
        .map(|(s, _)| s)
        .ok_or_else(|| OverlayError::NotFound(format!("Session {id} is not on this desk.")))
}

/// How strictly a command is put on the overlay.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Replay {
    /// Not yet answered by the server: the local rules must allow it.
    Check,
    /// The server applied or accepted it: show its effect without asking the rules again.
    /// Its effects are in the change log at `receipt_version`; a replica session row at that
    /// version or later already counts them, so they are not added twice.
    Trust { receipt_version: u64 },
}

impl Replay {
    /// Does the replica's copy of this session already include the command's effect?
    fn counted(self, conn: &Connection, session_id: i64) -> rusqlite::Result<bool> {
        let Replay::Trust { receipt_version } = self else {
            return Ok(false);
        };
        let version: Option<i64> = conn
            .prepare_cached("SELECT version FROM sessions WHERE id = ?1")?
            .query_row([session_id.to_string()], |r| r.get(0))
            .optional()?;
        Ok(version.is_some_and(|v| u64::try_from(v).unwrap_or(0) >= receipt_version))
    }
}

/// Puts one command's effect on the overlay. Effects the replica already holds (the booking
/// row is there, or already cancelled there) are not added again.
pub fn apply(
    conn: &Connection,
    cmd: &Command,
    seq: i64,
    replay: Replay,
    now: NaiveDateTime,
) -> Result<(), OverlayError> {
    match cmd {
        Command::BookPlace(BookPlace {
            booking_id,
            session_id,
            customer_id,
        }) => place(
            conn,
            *booking_id,
            *session_id,
            *customer_id,
            BookingStatus::Booked,
            seq,
            replay,
            now,
        ),
        Command::JoinWaitingList(JoinWaitingList {
            booking_id,
            session_id,
            customer_id,
        }) => place(
            conn,
            *booking_id,
            *session_id,
            *customer_id,
            BookingStatus::Waiting,
            seq,
            replay,
            now,
        ),
        Command::CancelPlace(CancelPlace { booking_id }) => cancel(conn, *booking_id, seq, replay, now),
    }
}

#[allow(clippy::too_many_arguments)]
fn place(
    conn: &Connection,
    booking_id: Uuid,
    session_id: i64,
    customer_id: i64,
    status: BookingStatus,
    seq: i64,
    replay: Replay,
    now: NaiveDateTime,
) -> Result<(), OverlayError> {
    if replica::booking(conn, &booking_id.to_string())?.is_some() {
        // The booking row has been pulled. The session's counts include it once the replica
        // session row has reached the receipt (the server writes the session row last).
        if replay != Replay::Check && !replay.counted(conn, session_id)? {
            match status {
                BookingStatus::Waiting => bump(conn, session_id, 0, 1)?,
                _ => bump(conn, session_id, 1, 0)?,
            }
        }
        return Ok(());
    }
    let session = session_or_not_found(conn, session_id)?;
    let bookings = session_bookings(conn, session_id)?;
    if bookings.iter().any(|b| b.id == booking_id) {
        return Err(OverlayError::Refused(Refusal {
            code: "duplicate_booking_id",
            message: format!("Booking {booking_id} was already recorded on this desk."),
        }));
    }
    if replay == Replay::Check {
        let existing = existing_status(&bookings, customer_id);
        match status {
            BookingStatus::Waiting => leisure::check_join_waiting_list(&session, existing, now)?,
            _ => leisure::check_book(&session, existing, now)?,
        }
    }
    let waiting_position = if status == BookingStatus::Waiting {
        bookings
            .iter()
            .filter(|b| b.status == BookingStatus::Waiting)
            .map(|b| b.waiting_position)
            .max()
            .unwrap_or(0)
            + 1
    } else {
        0
    };
    let b = EffectiveBooking {
        id: booking_id,
        session_id,
        customer_id,
        status,
        waiting_position,
        pending: true,
        order: (1, String::new()),
    };
    put_booking(conn, &b, seq)?;
    if !replay.counted(conn, session_id)? {
        match status {
            BookingStatus::Waiting => bump(conn, session_id, 0, 1)?,
            _ => bump(conn, session_id, 1, 0)?,
        }
    }
    Ok(())
}

fn cancel(
    conn: &Connection,
    booking_id: Uuid,
    seq: i64,
    replay: Replay,
    now: NaiveDateTime,
) -> Result<(), OverlayError> {
    let Some(b) = booking(conn, booking_id)? else {
        return Err(OverlayError::NotFound(format!(
            "Booking {booking_id} is not on this desk."
        )));
    };
    if b.status == BookingStatus::Cancelled {
        if replay != Replay::Check {
            return Ok(());
        }
        return Err(OverlayError::Refused(Refusal {
            code: "already_cancelled",
            message: "This booking was already cancelled.".into(),
        }));
    }
    let session = session_or_not_found(conn, b.session_id)?;
    let effect = match replay {
        Replay::Check => leisure::check_cancel(&session, b.status, now)?,
        Replay::Trust { .. } => match b.status {
            BookingStatus::Waiting => CancelEffect::LeaveWaitingList,
            _ => CancelEffect::FreePlace {
                promote_first_waiting: session.waiting > 0 && !session.cancelled,
            },
        },
    };
    let mut cancelled = b.clone();
    cancelled.status = BookingStatus::Cancelled;
    put_booking(conn, &cancelled, seq)?;
    if replay.counted(conn, b.session_id)? {
        return Ok(());
    }
    match effect {
        CancelEffect::LeaveWaitingList => bump(conn, b.session_id, 0, -1)?,
        CancelEffect::FreePlace { promote_first_waiting } => {
            bump(conn, b.session_id, -1, 0)?;
            if promote_first_waiting
                && let Some(first) = session_bookings(conn, b.session_id)?
                    .into_iter()
                    .find(|w| w.status == BookingStatus::Waiting)
            {
                let mut promoted = first;
                promoted.status = BookingStatus::Booked;
                promoted.waiting_position = 0;
                put_booking(conn, &promoted, seq)?;
                bump(conn, b.session_id, 1, -1)?;
            }
        }
    }
    Ok(())
}

/// Rebuilds the overlay from the outbox, in `seq` order. Pending commands the rules now refuse
/// (say the session filled up from other desks) stay in the outbox for the server to decide,
/// but are not shown as taking a place.
pub fn rebuild(conn: &Connection, now: NaiveDateTime) -> rusqlite::Result<()> {
    conn.execute("DELETE FROM overlay_bookings", [])?;
    conn.execute("DELETE FROM overlay_sessions", [])?;
    type Row = (i64, String, u32, String, String, Option<i64>);
    let rows: Vec<Row> = conn
        .prepare_cached("SELECT seq, name, args_version, args, state, receipt_version FROM outbox ORDER BY seq")?
        .query_map([], |r| {
            Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?, r.get(5)?))
        })?
        .collect::<rusqlite::Result<_>>()?;
    for (seq, name, version, args, state, receipt_version) in rows {
        let Ok(args) = serde_json::from_str::<serde_json::Value>(&args) else {
            continue;
        };
        let Ok(cmd) = Command::parse(&name, version, &args) else {
            continue;
        };
        let replay = match (state.as_str(), receipt_version) {
            ("applied", Some(v)) => Replay::Trust {
                receipt_version: u64::try_from(v).unwrap_or(0),
            },
            // Deferred: accepted, but its effects are not in the change log yet.
            ("deferred", _) => Replay::Trust {
                receipt_version: u64::MAX,
            },
            _ => Replay::Check,
        };
        match apply(conn, &cmd, seq, replay, now) {
            Ok(()) | Err(OverlayError::Refused(_)) | Err(OverlayError::NotFound(_)) => {}
            Err(OverlayError::Sql(e)) => return Err(e),
        }
    }
    Ok(())
}
