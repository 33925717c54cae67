//! The pending overlay: the desk's interpreter of the effects its own unsettled commands decided
//! (`desk_domain::Effect`), so staff see their work at once. A `Put` record shadows the replica's
//! copy; a `Count`'s deltas are added to the replica's counts (other desks change those too).
//! Recording a command writes its effects here and in the outbox in one transaction; after each
//! pull the overlay is rebuilt by replaying the outbox in `seq` order. Nothing here knows a
//! service: reads by service are in their facade modules.

use chrono::NaiveDateTime;
use desk_domain::{Command, Ctx, Effect, Refusal};
use rusqlite::{Connection, OptionalExtension, params};
use serde::{Deserialize, Serialize};

use crate::facts::DeskFacts;

/// An effect as the outbox keeps it: with the version its record had in the replica when the
/// command was decided (`None`: not there), so a later pull of the server's write is recognised.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Kept {
    pub effect: Effect,
    pub seen: Option<u64>,
}

/// How a command is put on the overlay.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Replay {
    /// Not yet answered by the server: decided again by the rules against replica + overlay.
    Check,
    /// The server applied (or accepted) it: its kept effects are shown without asking the
    /// rules again, except what the replica already holds. A record is held once the replica's
    /// copy is newer than the one the command saw; counts once the replica's row has reached
    /// `receipt_version` (the server writes a command's counted row last).
    Trust { receipt_version: u64 },
}

/// The replica's version of a record, if it holds one.
pub fn replica_version(conn: &Connection, table: &str, id: &str) -> rusqlite::Result<Option<u64>> {
    // Table names come from desk_domain::table (checked in `known_table`), never from input.
    if !known_table(table) {
        return Ok(None);
    }
    conn.prepare_cached(&format!("SELECT version FROM {table} WHERE id = ?1"))?
        .query_row([id], |r| r.get::<_, i64>(0))
        .optional()
        .map(|v| v.map(|v| u64::try_from(v).unwrap_or(0)))
}

fn known_table(table: &str) -> bool {
    desk_domain::table::ALL.contains(&table)
}

fn put_record(conn: &Connection, table: &str, id: &str, data: &serde_json::Value, seq: i64) -> rusqlite::Result<()> {
    conn.prepare_cached(
        "INSERT INTO overlay_records (tbl, id, data, seq) VALUES (?1, ?2, ?3, ?4)
         ON CONFLICT (tbl, id) DO UPDATE SET data = excluded.data, seq = excluded.seq",
    )?
    .execute(params![table, id, data.to_string(), seq])?;
    Ok(())
}

fn add_count(conn: &Connection, table: &str, id: &str, field: &str, delta: i64) -> rusqlite::Result<()> {
    conn.prepare_cached(
        "INSERT INTO overlay_counts (tbl, id, field, delta) VALUES (?1, ?2, ?3, ?4)
         ON CONFLICT (tbl, id, field) DO UPDATE SET delta = delta + excluded.delta",
    )?
    .execute(params![table, id, field, delta])?;
    Ok(())
}

/// Puts a just-decided command's effects on the overlay and returns them as the outbox keeps them.
pub fn apply_decided(conn: &Connection, effects: &[Effect], seq: i64) -> rusqlite::Result<Vec<Kept>> {
    let mut kept = Vec::with_capacity(effects.len());
    // A server-only record (full bank details) is neither shown nor kept: the server alone
    // keeps it, from the command's arguments, which the desk reduces once answered.
    for effect in effects.iter().filter(|e| e.kept_on_desk()) {
        let seen = match effect.record() {
            Some(r) => replica_version(conn, &r.table, &r.id)?,
            None => None,
        };
        apply_one(conn, effect, seq)?;
        kept.push(Kept {
            effect: effect.clone(),
            seen,
        });
    }
    Ok(kept)
}

fn apply_one(conn: &Connection, effect: &Effect, seq: i64) -> rusqlite::Result<()> {
    match effect {
        Effect::Put(r) => put_record(conn, &r.table, &r.id, &r.row, seq),
        Effect::Count { record: r, deltas } => {
            for (field, delta) in deltas {
                add_count(conn, &r.table, &r.id, field, *delta)?;
            }
            Ok(())
        }
        // The desk writes its own audit line when the command is recorded.
        Effect::Audit(_) => Ok(()),
        Effect::ServerOnly(_) => Ok(()),
    }
}

/// Puts kept effects of a command the server has answered, less what the replica holds.
fn apply_trusted(conn: &Connection, kept: &[Kept], seq: i64, receipt_version: u64) -> rusqlite::Result<()> {
    for k in kept {
        let Some(r) = k.effect.record() else { continue };
        let now = replica_version(conn, &r.table, &r.id)?;
        let held = match &k.effect {
            Effect::Count { .. } => now.is_some_and(|v| v >= receipt_version),
            _ => now.is_some_and(|v| Some(v) > k.seen),
        };
        if !held {
            apply_one(conn, &k.effect, seq)?;
        }
    }
    Ok(())
}

/// Decides a command against replica + overlay as the desk sees it now.
pub fn decide(conn: &Connection, cmd: &Command, ctx: &Ctx) -> rusqlite::Result<Result<Vec<Effect>, Refusal>> {
    cmd.decide(&mut DeskFacts::new(conn), ctx)
}

/// Rebuilds the overlay from the outbox, in `seq` order. Pending commands the rules now refuse
/// (say the session filled up from other desks) stay in the outbox for the server to decide,
/// but are not shown.
pub fn rebuild(conn: &Connection, now: NaiveDateTime) -> rusqlite::Result<()> {
    // Only the rules' clock matters here: what the overlay shows carries no one's name or time.
    let ctx = Ctx {
        now,
        at: chrono::Utc::now(),
        staff_id: 0,
        channel: desk_domain::Channel::FaceToFace,
    };
    conn.execute("DELETE FROM overlay_records", [])?;
    conn.execute("DELETE FROM overlay_counts", [])?;
    type Row = (i64, String, u32, String, String, Option<i64>, Option<String>);
    let rows: Vec<Row> = conn
        .prepare_cached(
            "SELECT seq, name, args_version, args, state, receipt_version, effects FROM outbox ORDER BY seq",
        )?
        .query_map([], |r| {
            Ok((
                r.get(0)?,
                r.get(1)?,
                r.get(2)?,
                r.get(3)?,
                r.get(4)?,
                r.get(5)?,
                r.get(6)?,
            ))
        })?
        .collect::<rusqlite::Result<_>>()?;
    for (seq, name, version, args, state, receipt_version, effects) in rows {
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
        let kept: Option<Vec<Kept>> = effects.as_deref().and_then(|e| serde_json::from_str(e).ok());
        match (replay, kept) {
            (Replay::Trust { receipt_version }, Some(kept)) => apply_trusted(conn, &kept, seq, receipt_version)?,
            _ => {
                let Ok(args) = serde_json::from_str::<serde_json::Value>(&args) else {
                    continue;
                };
                let Ok(cmd) = Command::parse(&name, version, &args) else {
                    continue;
                };
                if let Ok(effects) = decide(conn, &cmd, &ctx)? {
                    for e in &effects {
                        apply_one(conn, e, seq)?;
                    }
                }
            }
        }
    }
    Ok(())
}
