//! The sync engine: read a [`SyncDiff`] from the store, [`plan`] it, apply the operations.
//! Every step that changes the store does so in one transaction with what it learned, so a desk
//! killed at any point resumes where the last commit left it.

use std::time::Duration;

use chrono::Utc;
use desk_domain::{
    Alternative, Command, KeptArgs, MAX_PUSH_MUTATIONS, Mutation, Outcome, PullQuery, PullResponse, PushRequest,
    Receipt,
};
use rand::Rng;
use rusqlite::{Connection, OptionalExtension, TransactionBehavior, params};
use tokio::sync::watch;
use tokio::task::JoinHandle;
use uuid::Uuid;

use crate::desk::{channel_of, local_now};
use crate::planner::{Operation, SyncDiff, plan};
use crate::transport::TransportError;
use crate::views::{SyncProgress, SyncReport};
use crate::{Desk, DeskError, overlay, replica, store};

/// Rows asked for per pull page.
pub const PULL_PAGE: u32 = 5_000;
/// Longest wait between retries.
pub const BACKOFF_CAP: Duration = Duration::from_secs(30);
/// A pull happens at least this often while the loop runs, pokes or not.
/// Also how soon a disabled account's desk hears of it (within 60 s, with a retry).
pub const PERIODIC_PULL: Duration = Duration::from_secs(30);

/// Why a cycle stopped, and whether trying again later may help without anyone acting.
#[derive(Debug)]
pub(crate) struct CycleError {
    pub error: DeskError,
    pub transient: bool,
}

impl CycleError {
    fn is_seq_gap(&self) -> bool {
        matches!(&self.error, DeskError::ServerRejected { status: 409, code, .. } if code == "seq_gap")
    }
}

impl From<DeskError> for CycleError {
    fn from(error: DeskError) -> Self {
        CycleError {
            error,
            transient: false,
        }
    }
}

impl From<TransportError> for CycleError {
    fn from(e: TransportError) -> Self {
        let transient = e.is_transient();
        CycleError {
            error: e.into(),
            transient,
        }
    }
}

/// The wait before retry number `attempt` (1-based): doubling from 250 ms, capped, with
/// jitter so that desks that lost the server together do not come back together.
pub fn backoff(attempt: u32) -> Duration {
    let base = Duration::from_millis(250).saturating_mul(1u32 << attempt.saturating_sub(1).min(16));
    let capped = base.min(BACKOFF_CAP);
    let ms = u64::try_from(capped.as_millis()).unwrap_or(u64::MAX).max(1);
    Duration::from_millis(rand::thread_rng().gen_range(ms / 2..=ms))
}

fn sql_u64(v: i64) -> u64 {
    u64::try_from(v).unwrap_or(0)
}

fn sql_i64(v: u64) -> i64 {
    i64::try_from(v).unwrap_or(i64::MAX)
}

pub(crate) fn read_diff(
    conn: &Connection,
    staff_id: Option<i64>,
    poke_head: u64,
    pull_requested: bool,
    max_push: u32,
) -> Result<SyncDiff, DeskError> {
    let (cursor, synced, has_more, head, next_seq, server_last): (Option<String>, i64, bool, i64, i64, Option<i64>) =
        conn.query_row(
            "SELECT cursor, synced_version, pull_has_more, server_head, next_seq, server_last_seq
             FROM sync_state WHERE id = 1",
            [],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?, r.get(5)?)),
        )?;
    let unreceipted: (Option<i64>, Option<i64>) = conn.query_row(
        "SELECT min(seq), max(seq) FROM outbox WHERE state = 'pending'",
        [],
        |r| Ok((r.get(0)?, r.get(1)?)),
    )?;
    let settleable: u32 = conn.query_row(
        "SELECT count(*) FROM outbox WHERE state = 'applied' AND receipt_version <= ?1",
        [synced],
        |r| r.get(0),
    )?;
    let awaiting: Option<i64> = conn.query_row(
        "SELECT max(receipt_version) FROM outbox WHERE state = 'applied'",
        [],
        |r| r.get(0),
    )?;
    let replica_staff = store::meta_get(conn, "replica_staff")?;
    let scope_changed = match (replica_staff, staff_id) {
        (Some(stored), Some(now)) => stored != now.to_string(),
        _ => false,
    };
    Ok(SyncDiff {
        local_last_seq: sql_u64(next_seq - 1),
        unreceipted: match unreceipted {
            (Some(a), Some(b)) => Some((sql_u64(a), sql_u64(b))),
            _ => None,
        },
        server_last_seq: server_last.map(sql_u64),
        settleable,
        awaiting_version: awaiting.map(sql_u64),
        cursor,
        synced_version: sql_u64(synced),
        server_head: sql_u64(head).max(poke_head),
        pull_has_more: has_more,
        pull_requested,
        scope_changed,
        max_push,
    })
}

/// Removes outbox rows whose applied receipt the replica has reached.
pub(crate) fn settle(conn: &Connection) -> rusqlite::Result<usize> {
    conn.execute(
        "DELETE FROM outbox WHERE state = 'applied'
           AND receipt_version <= (SELECT synced_version FROM sync_state WHERE id = 1)",
        [],
    )
}

#[derive(Debug, Default, Clone, Copy)]
pub(crate) struct ReceiptCounts {
    pub applied: u32,
    pub rejected: u32,
}

/// Once the server has answered a command, the desk keeps only what its service says it may
/// of the arguments (`desk_domain::KeptArgs`: a Direct Debit keeps no sort code or account
/// number). Before the rest of the receipt is recorded, so Needs attention copies the reduced
/// form too. An answered command is never sent again, so its envelope need not parse.
fn reduce_args(conn: &Connection, seq: u64) -> rusqlite::Result<()> {
    let (name, version, args): (String, u32, String) = conn
        .prepare_cached("SELECT name, args_version, args FROM outbox WHERE seq = ?1")?
        .query_row([sql_i64(seq)], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?;
    let Ok(args) = serde_json::from_str::<serde_json::Value>(&args) else {
        return Ok(());
    };
    let Ok(cmd) = Command::parse(&name, version, &args) else {
        return Ok(());
    };
    if let Some(kept) = cmd.kept_args() {
        conn.prepare_cached("UPDATE outbox SET args = ?2 WHERE seq = ?1")?
            .execute(params![sql_i64(seq), kept.to_string()])?;
    }
    Ok(())
}

/// Records what the server did with each mutation: applied → waits for the pull to reach its
/// version; deferred → stays, marked; rejected → leaves the outbox for Needs attention, with
/// everything that was entered and the alternatives.
pub(crate) fn record_receipts(conn: &Connection, receipts: &[Receipt]) -> rusqlite::Result<ReceiptCounts> {
    let mut counts = ReceiptCounts::default();
    for r in receipts {
        let row: Option<(String, String)> = conn
            .prepare_cached("SELECT mutation_id, state FROM outbox WHERE seq = ?1")?
            .query_row([sql_i64(r.seq)], |row| Ok((row.get(0)?, row.get(1)?)))
            .optional()?;
        let Some((mutation_id, state)) = row else {
            continue;
        };
        if mutation_id != r.mutation_id.to_string() {
            tracing::warn!(seq = r.seq, %r.mutation_id, %mutation_id, "receipt for another mutation at this seq; ignored");
            continue;
        }
        reduce_args(conn, r.seq)?;
        match &r.outcome {
            Outcome::Applied => {
                if state == "pending" {
                    counts.applied += 1;
                }
                conn.prepare_cached("UPDATE outbox SET state = 'applied', receipt_version = ?2 WHERE seq = ?1")?
                    .execute(params![sql_i64(r.seq), sql_i64(r.version)])?;
            }
            Outcome::Deferred { reason } => {
                conn.prepare_cached(
                    "UPDATE outbox SET state = 'deferred', receipt_version = ?2, deferred_reason = ?3 WHERE seq = ?1",
                )?
                .execute(params![sql_i64(r.seq), sql_i64(r.version), reason])?;
            }
            Outcome::Rejected {
                code,
                message,
                alternatives,
            } => {
                counts.rejected += 1;
                let alternatives =
                    serde_json::to_string::<Vec<Alternative>>(alternatives).expect("alternatives are plain data");
                conn.prepare_cached(
                    "INSERT INTO attention (mutation_id, seq, name, args_version, args, channel, entered_at, summary,
                                            code, message, alternatives)
                     SELECT mutation_id, seq, name, args_version, args, channel, created_at, summary, ?2, ?3, ?4
                     FROM outbox WHERE seq = ?1
                     ON CONFLICT (mutation_id) DO NOTHING",
                )?
                .execute(params![sql_i64(r.seq), code, message, alternatives])?;
                conn.prepare_cached("DELETE FROM outbox WHERE seq = ?1")?
                    .execute([sql_i64(r.seq)])?;
            }
        }
    }
    Ok(counts)
}

/// What applying one page did.
#[derive(Debug, Default, Clone, Copy)]
pub(crate) struct PageResult {
    pub rows: u64,
    pub receipts: ReceiptCounts,
}

/// Applies one pull page in ONE transaction: rows (after dropping the replica on reset), the
/// new cursor, receipts, settling, and the rebuilt overlay.
pub(crate) fn apply_page(
    conn: &mut Connection,
    page: &PullResponse,
    staff_id: Option<i64>,
) -> Result<PageResult, DeskError> {
    store::refetchable(conn, |conn| apply_page_in(conn, page, staff_id))
}

fn apply_page_in(conn: &mut Connection, page: &PullResponse, staff_id: Option<i64>) -> Result<PageResult, DeskError> {
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
    if page.reset {
        replica::purge(&tx)?;
        tx.execute("UPDATE sync_state SET synced_version = 0 WHERE id = 1", [])?;
    }
    let mut rows = 0u64;
    for change in &page.changes {
        match replica::apply_change(&tx, change) {
            Ok(()) => rows += 1,
            Err(replica::ApplyError::Sql(e)) => return Err(e.into()),
            // A newer server may carry tables this desk does not know yet; they are skipped,
            // not allowed to stop the rows this desk does know.
            Err(e) => tracing::warn!(error = %e, "change skipped"),
        }
    }
    let receipts = record_receipts(&tx, &page.receipts)?;
    let buckets = serde_json::to_string(&page.buckets).expect("bucket names are strings");
    tx.execute(
        "UPDATE sync_state SET cursor = ?1, pull_has_more = ?2, server_head = max(server_head, ?3),
             server_last_seq = ?4, buckets = ?5,
             synced_version = CASE WHEN ?2 THEN synced_version ELSE max(synced_version, ?3) END,
             last_synced_at = CASE WHEN ?2 THEN last_synced_at ELSE ?6 END
         WHERE id = 1",
        params![
            page.cursor,
            page.has_more,
            sql_i64(page.head),
            sql_i64(page.device_last_seq),
            buckets,
            Utc::now().to_rfc3339()
        ],
    )?;
    settle(&tx)?;
    if let Some(staff) = staff_id {
        store::meta_set(&tx, "replica_staff", &staff.to_string())?;
    }
    overlay::rebuild(&tx, local_now())?;
    tx.commit()?;
    Ok(PageResult { rows, receipts })
}

fn outbox_rows(conn: &Connection, device_id: Uuid, from: u64, to: u64) -> Result<Vec<Mutation>, DeskError> {
    let mut stmt = conn.prepare_cached(
        "SELECT seq, mutation_id, name, args_version, args, base_cursor, created_at, channel
         FROM outbox WHERE seq BETWEEN ?1 AND ?2 AND state = 'pending' ORDER BY seq LIMIT ?3",
    )?;
    let rows = stmt.query_map(params![sql_i64(from), sql_i64(to), MAX_PUSH_MUTATIONS], |r| {
        Ok((
            r.get::<_, i64>(0)?,
            r.get::<_, String>(1)?,
            r.get::<_, String>(2)?,
            r.get::<_, u32>(3)?,
            r.get::<_, String>(4)?,
            r.get::<_, Option<String>>(5)?,
            r.get::<_, String>(6)?,
            r.get::<_, String>(7)?,
        ))
    })?;
    let mut out = Vec::new();
    for row in rows {
        let (seq, id, name, args_version, args, base_cursor, created_at, channel) = row?;
        let bad = |e: String| DeskError::Store(format!("outbox row {seq} is damaged: {e}"));
        out.push(Mutation {
            mutation_id: Uuid::parse_str(&id).map_err(|e| bad(e.to_string()))?,
            device_id,
            seq: sql_u64(seq),
            name,
            args_version,
            args: serde_json::from_str(&args).map_err(|e| bad(e.to_string()))?,
            base_cursor,
            created_at: chrono::DateTime::parse_from_rfc3339(&created_at)
                .map_err(|e| bad(e.to_string()))?
                .with_timezone(&Utc),
            channel: channel_of(&channel),
        });
    }
    Ok(out)
}

/// How far a first (or reset) pull has got. Versions are change-log positions, so how far the
/// newest applied one is towards the head is the share done; the row total is estimated from
/// it. Never 100% while pages are still coming.
pub fn progress(rows: u64, newest_version: u64, head: u64) -> SyncProgress {
    let percent = (newest_version.min(head) * 100).checked_div(head).unwrap_or(99).min(99);
    let total = (rows * 100).checked_div(percent).unwrap_or(rows).max(rows);
    SyncProgress {
        rows,
        total,
        percent: u8::try_from(percent).unwrap_or(99),
    }
}

impl Desk {
    /// One full cycle: push everything pending, pull until `has_more` is false.
    pub async fn sync_now(&self) -> Result<SyncReport, DeskError> {
        let _one_at_a_time = self.inner.cycle.lock().await;
        self.cycle().await.map_err(|e| e.error)
    }

    /// Runs one cycle and records its outcome in the status.
    pub(crate) async fn cycle(&self) -> Result<SyncReport, CycleError> {
        let mut result = self.cycle_inner().await;
        // An expired (or, after an offline unlock, missing) access token is renewed silently
        // with the refresh token from the keyring, and the cycle runs again.
        if let Err(e) = &result
            && matches!(e.error, DeskError::NotSignedIn)
            && !self.is_locked()
        {
            match self.refresh_access().await {
                Ok(true) => result = self.cycle_inner().await,
                Ok(false) => {}
                Err(error) => {
                    let transient = matches!(error, DeskError::Offline(_) | DeskError::ServerError(_));
                    result = Err(CycleError { error, transient });
                }
            }
        }
        if let Err(e) = &result {
            self.after_refusal(&e.error).await;
        } else if let Err(e) = self.upload_audit().await {
            // The entries stay in the log and go with the next cycle.
            tracing::warn!(error = %e, "audit upload failed; will try again");
            self.after_refusal(&e).await;
        }
        match &result {
            Ok(_) => self.inner.status.send_modify(|s| {
                s.online = true;
                s.last_error = None;
                s.progress = None;
            }),
            Err(e) => self.note_failure(&e.error),
        }
        let _ = self.refresh_counts().await;
        result
    }

    async fn cycle_inner(&self) -> Result<SyncReport, CycleError> {
        let token = self.token().ok_or(DeskError::NotSignedIn)?;
        let mut report = SyncReport::default();
        let mut pulled = false;
        let mut gap_seen = false;
        // Each round re-reads the store and re-plans; a few rounds cover push → pull → settle
        // and a poke that arrived meanwhile. The next trigger picks up anything left.
        'rounds: for _round in 0..6 {
            let staff_id = self.staff_id();
            let poke_head = self.poke_head();
            let requested = !pulled;
            let max_push = self.max_push();
            let diff = self
                .db(move |conn| read_diff(conn, staff_id, poke_head, requested, max_push))
                .await?;
            let ops = plan(&diff);
            if ops.is_empty() {
                break;
            }
            for op in ops {
                match op {
                    Operation::PurgeReplica => {
                        self.db(move |conn| {
                            let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
                            replica::purge(&tx)?;
                            tx.execute(
                                "UPDATE sync_state SET cursor = NULL, synced_version = 0, pull_has_more = 0 WHERE id = 1",
                                [],
                            )?;
                            if let Some(staff) = staff_id {
                                store::meta_set(&tx, "replica_staff", &staff.to_string())?;
                            }
                            overlay::rebuild(&tx, local_now())?;
                            tx.commit()?;
                            Ok(())
                        })
                        .await?;
                    }
                    Operation::SettleReceipts { .. } => {
                        self.db(|conn| {
                            let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
                            settle(&tx)?;
                            overlay::rebuild(&tx, local_now())?;
                            tx.commit()?;
                            Ok(())
                        })
                        .await?;
                    }
                    Operation::Push { from_seq, to_seq } => {
                        match self.push_range(&token, from_seq, to_seq, &mut report).await {
                            Err(e) if !gap_seen && e.is_seq_gap() => {
                                // Learn the server's device_last_seq from a pull, then re-plan
                                // from it: once, never by pushing the same range again blindly.
                                gap_seen = true;
                                self.pull_all(&token, &mut report).await?;
                                pulled = true;
                                continue 'rounds;
                            }
                            other => other?,
                        }
                    }
                    Operation::SeqGap {
                        server_last_seq,
                        first_unreceipted,
                    } => {
                        return Err(DeskError::ServerRejected {
                            status: 409,
                            code: "seq_gap".into(),
                            message: format!(
                                "The server has this desk's changes only up to number {server_last_seq}, but the \
                                 oldest one waiting here is {first_unreceipted}. Nothing more can be sent until \
                                 IT support has looked at this desk."
                            ),
                        }
                        .into());
                    }
                    Operation::AheadOfDesk {
                        server_last_seq,
                        local_last_seq,
                    } => {
                        return Err(DeskError::ServerRejected {
                            status: 409,
                            code: "device_behind_server".into(),
                            message: format!(
                                "The server has {server_last_seq} changes from this desk, but this desk has made only \
                                 {local_last_seq}: its store may have been restored from an older copy. Nothing \
                                 more can be sent until IT support has looked at this desk."
                            ),
                        }
                        .into());
                    }
                    Operation::Pull { .. } => {
                        self.pull_all(&token, &mut report).await?;
                        pulled = true;
                    }
                }
            }
        }
        Ok(report)
    }

    async fn push_range(&self, token: &str, from: u64, to: u64, report: &mut SyncReport) -> Result<(), CycleError> {
        let device_id = self.device_id();
        let mutations = self.db(move |conn| outbox_rows(conn, device_id, from, to)).await?;
        if mutations.is_empty() {
            return Ok(());
        }
        let sent = u32::try_from(mutations.len()).unwrap_or(u32::MAX);
        let req = PushRequest { device_id, mutations };
        let url = self.server_url();
        let resp = match self.inner.transport.push(&url, token, &req).await {
            Ok(resp) => resp,
            Err(e) => return Err(e.into()),
        };
        self.inner.status.send_modify(|s| s.online = true);
        let receipts = resp.receipts.clone();
        let device_last_seq = resp.device_last_seq;
        let counts = self
            .db(move |conn| {
                store::refetchable(conn, |conn| {
                    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
                    let counts = record_receipts(&tx, &receipts)?;
                    tx.execute(
                        "UPDATE sync_state SET server_last_seq = ?1 WHERE id = 1",
                        [sql_i64(device_last_seq)],
                    )?;
                    settle(&tx)?;
                    overlay::rebuild(&tx, local_now())?;
                    tx.commit()?;
                    Ok::<_, DeskError>(counts)
                })
            })
            .await?;
        report.pushed += sent;
        report.applied += counts.applied;
        report.rejected += counts.rejected;
        if resp.receipts.len() < req.mutations.len() {
            return Err(CycleError {
                error: DeskError::ServerError(format!(
                    "the server answered {} of {} changes; the rest will be sent again",
                    resp.receipts.len(),
                    req.mutations.len()
                )),
                transient: true,
            });
        }
        Ok(())
    }

    async fn pull_all(&self, token: &str, report: &mut SyncReport) -> Result<(), CycleError> {
        let url = self.server_url();
        let mut rows_this_pull = 0u64;
        // The next page is fetched while this one is applied. Only the stored cursor counts: a
        // fetched page that is never applied (an error, a crash) is simply asked for again.
        let mut prefetched: Option<(String, tokio::task::JoinHandle<Result<PullResponse, TransportError>>)> = None;
        let result = loop {
            let (cursor, ack_seq) = match self
                .db(|conn| {
                    let (cursor, next_seq): (Option<String>, i64) =
                        conn.query_row("SELECT cursor, next_seq FROM sync_state WHERE id = 1", [], |r| {
                            Ok((r.get(0)?, r.get(1)?))
                        })?;
                    let first_pending: Option<i64> =
                        conn.query_row("SELECT min(seq) FROM outbox WHERE state = 'pending'", [], |r| r.get(0))?;
                    Ok((cursor, sql_u64(first_pending.unwrap_or(next_seq) - 1)))
                })
                .await
            {
                Ok(state) => state,
                Err(e) => break Err(e.into()),
            };
            let initial = cursor.is_none();
            let asked_from = cursor.clone();
            let page = match prefetched.take() {
                Some((from, handle)) if Some(&from) == cursor.as_ref() => match handle.await {
                    Ok(fetched) => fetched,
                    Err(e) => Err(TransportError::Unreachable(format!("pull task failed: {e}"))),
                },
                other => {
                    if let Some((_, handle)) = other {
                        handle.abort();
                    }
                    let query = PullQuery {
                        cursor,
                        limit: Some(PULL_PAGE),
                        ack_seq: Some(ack_seq),
                    };
                    self.inner.transport.pull(&url, token, &query).await
                }
            };
            let page = match page {
                Ok(page) => page,
                Err(e) => break Err(e.into()),
            };
            if page.has_more {
                let transport = self.inner.transport.clone();
                let (url, token) = (url.clone(), token.to_owned());
                let query = PullQuery {
                    cursor: Some(page.cursor.clone()),
                    limit: Some(PULL_PAGE),
                    ack_seq: Some(ack_seq),
                };
                let from = page.cursor.clone();
                prefetched = Some((
                    from,
                    tokio::spawn(async move { transport.pull(&url, &token, &query).await }),
                ));
            }
            let staff_id = self.staff_id();
            let has_more = page.has_more;
            let head = page.head;
            let max_version = page.changes.iter().map(|c| c.version).max().unwrap_or(head);
            let reset = page.reset;
            if has_more && page.changes.is_empty() && !reset && asked_from.as_deref() == Some(page.cursor.as_str()) {
                break Err(CycleError {
                    error: DeskError::ServerError("the server said more changes were waiting but sent none".into()),
                    transient: true,
                });
            }
            let result = match self.db(move |conn| apply_page(conn, &page, staff_id)).await {
                Ok(r) => r,
                Err(e) => break Err(e.into()),
            };
            rows_this_pull += result.rows;
            report.pages += 1;
            report.pulled_rows += result.rows;
            report.applied += result.receipts.applied;
            report.rejected += result.receipts.rejected;
            let showing = initial || reset || self.inner.status.borrow().progress.is_some();
            self.inner.status.send_modify(|s| {
                s.online = true;
                s.progress = if has_more && showing {
                    Some(progress(rows_this_pull, max_version, head))
                } else {
                    None
                };
            });
            if !has_more {
                break Ok(());
            }
        };
        if let Some((_, handle)) = prefetched {
            handle.abort();
        }
        result
    }

    /// Starts the background sync: pushes as soon as something is recorded, pulls when the
    /// server pokes (and every minute), retries transient failures with backoff.
    pub fn start_sync(&self) -> SyncLoop {
        let (stop_tx, stop_rx) = watch::channel(false);
        let cycles = tokio::spawn(cycle_loop(self.clone(), stop_rx.clone()));
        let pokes = tokio::spawn(poke_loop(self.clone(), stop_rx));
        SyncLoop {
            stop: stop_tx,
            tasks: vec![cycles, pokes],
        }
    }
}

/// The running background sync. Dropping it leaves the tasks running; [`SyncLoop::stop`] ends
/// them and waits until they have.
pub struct SyncLoop {
    stop: watch::Sender<bool>,
    tasks: Vec<JoinHandle<()>>,
}

impl std::fmt::Debug for SyncLoop {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SyncLoop").field("tasks", &self.tasks.len()).finish()
    }
}

impl SyncLoop {
    pub async fn stop(self) {
        let _ = self.stop.send(true);
        for t in self.tasks {
            let _ = t.await;
        }
    }
}

async fn stopped_or_after(stop: &mut watch::Receiver<bool>, wait: Duration) -> bool {
    if *stop.borrow() {
        return true;
    }
    tokio::select! {
        _ = stop.changed() => true,
        _ = tokio::time::sleep(wait) => *stop.borrow(),
    }
}

async fn cycle_loop(desk: Desk, mut stop: watch::Receiver<bool>) {
    let mut attempt = 0u32;
    let mut run_now = true;
    loop {
        if *stop.borrow() {
            return;
        }
        if !run_now {
            tokio::select! {
                _ = stop.changed() => return,
                _ = desk.inner.push_wanted.notified() => {}
                _ = desk.inner.pull_wanted.notified() => {}
                _ = tokio::time::sleep(PERIODIC_PULL) => {}
            }
        }
        run_now = false;
        if desk.token().is_none() && !desk.may_refresh() {
            continue;
        }
        let result = {
            let _one_at_a_time = desk.inner.cycle.lock().await;
            desk.cycle().await
        };
        match result {
            Ok(_) => attempt = 0,
            Err(e) if e.transient => {
                attempt = attempt.saturating_add(1);
                tracing::info!(attempt, error = %e.error, "sync failed; will retry");
                if stopped_or_after(&mut stop, backoff(attempt)).await {
                    return;
                }
                run_now = true;
            }
            Err(e) => {
                attempt = 0;
                tracing::warn!(error = %e.error, "sync stopped until the next change, poke or sign-in");
            }
        }
    }
}

async fn poke_loop(desk: Desk, mut stop: watch::Receiver<bool>) {
    let mut attempt = 0u32;
    loop {
        if *stop.borrow() {
            return;
        }
        let Some(token) = desk.token() else {
            if stopped_or_after(&mut stop, Duration::from_millis(500)).await {
                return;
            }
            continue;
        };
        let url = desk.server_url();
        let inner = desk.inner.clone();
        let mut heard = false;
        let stream = desk.inner.transport.pokes(&url, &token, |head| {
            heard = true;
            if let Some(h) = head {
                inner.poke_head.fetch_max(h, std::sync::atomic::Ordering::Relaxed);
            }
            inner.pull_wanted.notify_one();
        });
        let result = tokio::select! {
            _ = stop.changed() => return,
            r = stream => r,
        };
        match result {
            Ok(()) => attempt = if heard { 0 } else { attempt.saturating_add(1) },
            Err(e) => {
                if e.is_unauthorised() {
                    desk.note_failure(&DeskError::NotSignedIn);
                }
                attempt = if heard { 1 } else { attempt.saturating_add(1) };
            }
        }
        if stopped_or_after(&mut stop, backoff(attempt.max(1))).await {
            return;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::Duration as Days;
    use desk_domain::leisure::BookPlace;
    use desk_domain::{
        Booking, BookingStatus, Centre, Change, ChangeOp, Channel, Command, Customer, Session, entities::table,
    };

    fn upsert<T: serde::Serialize>(t: &str, id: impl ToString, version: u64, data: &T) -> Change {
        Change {
            table: t.into(),
            id: id.to_string(),
            bucket: "leisure:site:1".into(),
            version,
            op: ChangeOp::Upsert,
            data: Some(serde_json::to_value(data).unwrap()),
        }
    }

    fn page(changes: Vec<Change>, cursor: &str, has_more: bool, head: u64, receipts: Vec<Receipt>) -> PullResponse {
        PullResponse {
            changes,
            cursor: cursor.into(),
            has_more,
            reset: false,
            buckets: vec!["leisure:site:1".into()],
            receipts,
            device_last_seq: 0,
            head,
        }
    }

    fn session(booked: u32) -> Session {
        Session {
            id: 1,
            centre_id: 1,
            activity_id: 1,
            activity_name: "Aqua Fit".into(),
            starts_at: local_now() + Days::days(3),
            duration_minutes: 45,
            capacity: 5,
            booked,
            waiting: 0,
            location: "Pool".into(),
            instructor: "Mòrag".into(),
            cancelled: false,
        }
    }

    fn store() -> (tempfile::TempDir, Connection) {
        let dir = tempfile::tempdir().unwrap();
        let mut conn = store::open(&dir.path().join("desk.db"), None).unwrap();
        store::migrate(&mut conn).unwrap();
        (dir, conn)
    }

    fn effective(conn: &Connection) -> (u32, bool, Vec<(Uuid, bool)>) {
        let (s, pending) = crate::leisure::reads::effective_session(conn, 1).unwrap().unwrap();
        let bookings = crate::leisure::reads::session_bookings(conn, 1)
            .unwrap()
            .into_iter()
            .map(|b| (b.booking.id, b.pending))
            .collect();
        (s.booked, pending, bookings)
    }

    fn outbox_len(conn: &Connection) -> i64 {
        conn.query_row("SELECT count(*) FROM outbox", [], |r| r.get(0)).unwrap()
    }

    #[test]
    fn the_overlay_stays_until_the_pull_reaches_the_receipt_without_counting_twice() {
        let (_dir, mut conn) = store();
        let customer = Customer {
            id: 7,
            home_centre_id: 1,
            first_name: "Mòrag".into(),
            last_name: "O'Neill".into(),
            date_of_birth: chrono::NaiveDate::from_ymd_opt(1980, 2, 1).unwrap(),
            membership_no: "M7".into(),
            email: None,
            phone: None,
            postcode: "IV30 1AB".into(),
            concession: false,
        };
        let centre = Centre {
            id: 1,
            name: "Elgin".into(),
            town: "Elgin".into(),
        };
        apply_page(
            &mut conn,
            &page(
                vec![
                    upsert(table::CENTRES, 1, 1, &centre),
                    upsert(table::SESSIONS, 1, 2, &session(0)),
                    upsert(table::CUSTOMERS, 7, 3, &customer),
                ],
                "v3",
                false,
                3,
                vec![],
            ),
            Some(1),
        )
        .unwrap();

        let booking_id = Uuid::now_v7();
        let cmd = Command::from(BookPlace {
            booking_id,
            session_id: 1,
            customer_id: 7,
        });
        let tx = conn.transaction().unwrap();
        crate::desk::record(&tx, &cmd, Channel::FaceToFace, local_now()).unwrap();
        tx.commit().unwrap();
        assert_eq!(effective(&conn), (1, true, vec![(booking_id, true)]));

        // The push answer: applied, visible at change-log version 5.
        let mutation_id: String = conn
            .query_row("SELECT mutation_id FROM outbox", [], |r| r.get(0))
            .unwrap();
        let receipt = Receipt {
            seq: 1,
            mutation_id: Uuid::parse_str(&mutation_id).unwrap(),
            outcome: Outcome::Applied,
            version: 5,
        };
        {
            let tx = conn.transaction().unwrap();
            assert_eq!(record_receipts(&tx, std::slice::from_ref(&receipt)).unwrap().applied, 1);
            settle(&tx).unwrap();
            overlay::rebuild(&tx, local_now()).unwrap();
            tx.commit().unwrap();
        }
        assert_eq!(
            effective(&conn),
            (1, true, vec![(booking_id, true)]),
            "no flicker after the receipt"
        );
        assert_eq!(outbox_len(&conn), 1);

        // A page carries the booking row (version 4) but not yet the session's new count (5).
        let booking = Booking {
            id: booking_id,
            session_id: 1,
            customer_id: 7,
            centre_id: 1,
            status: BookingStatus::Booked,
            waiting_position: 0,
            created_at: Utc::now(),
            staff_id: 1,
            channel: Channel::FaceToFace,
            attended_at: None,
            no_show_at: None,
            no_show_waived: None,
            offer_until: None,
            offer_outcome: None,
        };
        apply_page(
            &mut conn,
            &page(
                vec![upsert(table::BOOKINGS, booking_id, 4, &booking)],
                "v4",
                true,
                5,
                vec![],
            ),
            Some(1),
        )
        .unwrap();
        assert_eq!(
            effective(&conn),
            (1, true, vec![(booking_id, false)]),
            "the booking is the replica's now, the count still the overlay's: no flicker"
        );
        assert_eq!(outbox_len(&conn), 1, "not settled before the pull reaches version 5");

        // The next page brings the session row; the pull is complete at head 5.
        apply_page(
            &mut conn,
            &page(
                vec![upsert(table::SESSIONS, 1, 5, &session(1))],
                "v5",
                false,
                5,
                vec![receipt],
            ),
            Some(1),
        )
        .unwrap();
        assert_eq!(effective(&conn), (1, false, vec![(booking_id, false)]));
        assert_eq!(outbox_len(&conn), 0, "settled");
        let cursor: String = conn
            .query_row("SELECT cursor FROM sync_state", [], |r| r.get(0))
            .unwrap();
        assert_eq!(cursor, "v5");
    }

    #[test]
    fn overlay_is_rebuilt_after_a_page_that_fills_the_session() {
        let (_dir, mut conn) = store();
        let mut s = session(3);
        s.capacity = 4;
        let customer = |id: i64| Customer {
            id,
            home_centre_id: 1,
            first_name: "Iain".into(),
            last_name: format!("Grant{id}"),
            date_of_birth: chrono::NaiveDate::from_ymd_opt(1990, 1, 1).unwrap(),
            membership_no: format!("M{id}"),
            email: None,
            phone: None,
            postcode: "IV30 1AB".into(),
            concession: false,
        };
        apply_page(
            &mut conn,
            &page(
                vec![
                    upsert(table::SESSIONS, 1, 1, &s),
                    upsert(table::CUSTOMERS, 1, 2, &customer(1)),
                ],
                "v2",
                false,
                2,
                vec![],
            ),
            None,
        )
        .unwrap();
        let cmd = Command::from(BookPlace {
            booking_id: Uuid::now_v7(),
            session_id: 1,
            customer_id: 1,
        });
        let tx = conn.transaction().unwrap();
        crate::desk::record(&tx, &cmd, Channel::FaceToFace, local_now()).unwrap();
        tx.commit().unwrap();
        assert_eq!(effective(&conn).0, 4);

        // Another desk took the last place: after the page, the pending booking no longer fits
        // the local rules, so it is not counted, but it stays in the outbox for the server.
        apply_page(
            &mut conn,
            &page(
                vec![upsert(
                    table::SESSIONS,
                    1,
                    3,
                    &Session {
                        capacity: 4,
                        ..session(4)
                    },
                )],
                "v3",
                false,
                3,
                vec![],
            ),
            None,
        )
        .unwrap();
        let (booked, pending, bookings) = effective(&conn);
        assert_eq!((booked, pending, bookings.len()), (4, false, 0));
        assert_eq!(outbox_len(&conn), 1);
    }

    #[test]
    fn a_reset_page_drops_the_replica_in_the_same_transaction() {
        let (_dir, mut conn) = store();
        apply_page(
            &mut conn,
            &page(vec![upsert(table::SESSIONS, 1, 1, &session(0))], "v1", false, 1, vec![]),
            None,
        )
        .unwrap();
        let mut p = page(
            vec![upsert(table::SESSIONS, 2, 9, &Session { id: 2, ..session(0) })],
            "w9",
            false,
            9,
            vec![],
        );
        p.reset = true;
        apply_page(&mut conn, &p, None).unwrap();
        assert!(replica::session(&conn, 1).unwrap().is_none());
        assert!(replica::session(&conn, 2).unwrap().is_some());
        let (cursor, synced): (String, i64) = conn
            .query_row("SELECT cursor, synced_version FROM sync_state", [], |r| {
                Ok((r.get(0)?, r.get(1)?))
            })
            .unwrap();
        assert_eq!((cursor.as_str(), synced), ("w9", 9));
    }

    #[test]
    fn stale_and_unknown_changes_do_not_overwrite_or_stop_a_page() {
        let (_dir, mut conn) = store();
        let mut unknown = upsert(table::SESSIONS, 9, 5, &session(0));
        unknown.table = "pitches".into();
        apply_page(
            &mut conn,
            &page(
                vec![
                    upsert(table::SESSIONS, 1, 5, &session(2)),
                    upsert(table::SESSIONS, 1, 3, &session(1)),
                    unknown,
                ],
                "v5",
                false,
                5,
                vec![],
            ),
            None,
        )
        .unwrap();
        assert_eq!(
            replica::session(&conn, 1).unwrap().unwrap().booked,
            2,
            "older version ignored"
        );
        let stale_delete = Change {
            table: table::SESSIONS.into(),
            id: "1".into(),
            bucket: "leisure:site:1".into(),
            version: 4,
            op: ChangeOp::Delete,
            data: None,
        };
        apply_page(&mut conn, &page(vec![stale_delete], "v6", false, 6, vec![]), None).unwrap();
        assert!(
            replica::session(&conn, 1).unwrap().is_some(),
            "a delete older than the row is ignored"
        );
    }

    #[test]
    fn progress_of_a_first_pull() {
        assert_eq!(
            progress(2_000, 25, 100),
            SyncProgress {
                rows: 2_000,
                total: 8_000,
                percent: 25
            }
        );
        assert_eq!(progress(10, 0, 100).percent, 0);
        assert_eq!(progress(10, 0, 100).total, 10);
        assert_eq!(progress(5_000, 100, 100).percent, 99, "not done while has_more");
        assert_eq!(progress(0, 0, 0).percent, 99);
    }

    #[test]
    fn backoff_doubles_with_jitter_up_to_the_cap() {
        for attempt in 1..40 {
            let d = backoff(attempt);
            let full = Duration::from_millis(250)
                .saturating_mul(1 << (attempt - 1).min(16))
                .min(BACKOFF_CAP);
            assert!(d <= full && d >= full / 2, "attempt {attempt}: {d:?} vs {full:?}");
        }
        assert!(backoff(30) <= BACKOFF_CAP);
    }
}
