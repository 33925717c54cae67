//! [`Desk`]: the engine the app calls. Local commands are checked by the desk-domain rules and
//! recorded (outbox + overlay) in one durable transaction; sync pushes and pulls in the
//! background or on demand.

use std::sync::atomic::{AtomicU32, AtomicU64, Ordering};
use std::sync::{Arc, Mutex, RwLock};

use chrono::{DateTime, NaiveDateTime, Utc};
use desk_domain::{Alternative, Channel, Command, Ctx, Effect, SignInRequest, StaffProfile};
use rusqlite::{Connection, OptionalExtension, Transaction, TransactionBehavior, params};
use tokio::sync::{Notify, watch};
use uuid::Uuid;

use crate::facts::DeskFacts;
use crate::overlay;
use crate::transport::{Transport, parse_server_url};
use crate::views::*;
use crate::{DeskError, audit, store};

pub(crate) const MAX_TEXT: usize = 200;
const MAX_NOTE: usize = 500;

/// The desk's engine. Cheap to clone; every clone is the same desk.
#[derive(Clone)]
pub struct Desk {
    pub(crate) inner: Arc<Inner>,
}

impl std::fmt::Debug for Desk {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Desk")
            .field("device_id", &self.inner.device_id)
            .finish()
    }
}

pub(crate) struct Auth {
    pub token: String,
    pub staff: StaffProfile,
}

pub(crate) struct Inner {
    /// `None` while the desk is locked: every data call answers [`DeskError::Locked`].
    pub conn: Arc<Mutex<Option<Connection>>>,
    /// Who this desk's store belongs to; `None` for a desk opened with [`Desk::open`].
    pub identity: Option<crate::identity::Identity>,
    pub device_id: Uuid,
    pub server_url: RwLock<String>,
    pub transport: Transport,
    pub auth: RwLock<Option<Auth>>,
    pub status: watch::Sender<SyncStatus>,
    /// A local change is waiting to be pushed.
    pub push_wanted: Notify,
    /// A poke (or a sign-in, or a reconnect) asks for a pull.
    pub pull_wanted: Notify,
    /// Newest head heard from a poke.
    pub poke_head: AtomicU64,
    /// One sync cycle at a time.
    pub cycle: tokio::sync::Mutex<()>,
    /// Largest push batch, as the server's capabilities say (never above the protocol's).
    pub max_push: AtomicU32,
}

/// The council's wall-clock time, which the rules compare session start times with.
pub(crate) fn local_now() -> NaiveDateTime {
    chrono::Local::now().naive_local()
}

pub(crate) fn check_id(what: &str, id: i64) -> Result<(), DeskError> {
    if id <= 0 {
        return Err(DeskError::invalid(format!(
            "{what} must be a positive number, not {id}."
        )));
    }
    Ok(())
}

/// A list's `limit`: 1 to `max` rows, so a caller can neither ask for nothing nor for everything.
pub(crate) fn check_limit(limit: u32, max: u32) -> Result<(), DeskError> {
    if !(1..=max).contains(&limit) {
        return Err(DeskError::invalid(format!(
            "The limit must be between 1 and {max}, not {limit}."
        )));
    }
    Ok(())
}

pub(crate) fn check_text(what: &str, text: &str, max: usize, allow_newlines: bool) -> Result<(), DeskError> {
    let n = text.chars().count();
    if n > max {
        return Err(DeskError::invalid(format!(
            "{what} must be at most {max} characters (it has {n})."
        )));
    }
    if text
        .chars()
        .any(|c| c.is_control() && !(allow_newlines && matches!(c, '\n' | '\r' | '\t')))
    {
        return Err(DeskError::invalid(format!(
            "{what} must not contain control characters."
        )));
    }
    Ok(())
}

/// The signed-in staff member this store belongs to, as recorded at sign-in (0 before).
pub(crate) fn staff_of(conn: &Connection) -> rusqlite::Result<i64> {
    Ok(conn
        .query_row(
            "SELECT CAST(value AS INTEGER) FROM meta WHERE key = 'staff_id'",
            [],
            |r| r.get(0),
        )
        .optional()?
        .unwrap_or(0))
}

/// Decides a command against replica + overlay and, if its service allows it, puts its effects
/// on the overlay, the command in the outbox with the next seq, and an audit line for each
/// personal record it changes, all inside `tx`. Returns the seq. A refusal records nothing.
pub(crate) fn record(
    tx: &Transaction<'_>,
    cmd: &Command,
    channel: Channel,
    now: NaiveDateTime,
) -> Result<i64, DeskError> {
    let ctx = Ctx {
        now,
        at: Utc::now(),
        staff_id: staff_of(tx)?,
        channel,
    };
    let effects = match overlay::decide(tx, cmd, &ctx)? {
        Ok(effects) => effects,
        Err(refusal) if refusal.code.is_missing_record() => return Err(DeskError::NotFound(refusal.message)),
        Err(refusal) => return Err(refusal.into()),
    };
    // Said before the effects are shown: a cancel names the place as it was.
    let summary = cmd.summary(&mut DeskFacts::new(tx))?;
    let (seq, cursor): (i64, Option<String>) =
        tx.query_row("SELECT next_seq, cursor FROM sync_state WHERE id = 1", [], |r| {
            Ok((r.get(0)?, r.get(1)?))
        })?;
    let kept = overlay::apply_decided(tx, &effects, seq)?;
    let (name, args_version, args) = cmd.to_envelope_parts();
    tx.prepare_cached(
        "INSERT INTO outbox (seq, mutation_id, name, args_version, args, base_cursor, created_at, channel, summary, effects)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
    )?
    .execute(params![
        seq,
        Uuid::now_v7().to_string(),
        name,
        args_version,
        args.to_string(),
        cursor,
        Utc::now().to_rfc3339(),
        channel.as_str(),
        summary,
        serde_json::to_string(&kept).map_err(|e| DeskError::Store(e.to_string()))?
    ])?;
    tx.prepare_cached("UPDATE sync_state SET next_seq = next_seq + 1 WHERE id = 1")?
        .execute([])?;
    for effect in &effects {
        if let Effect::Audit(note) = effect {
            audit::append(
                tx,
                "change",
                note.kind,
                &note.record_id,
                note.person_id,
                &format!("{name}: {} (outbox seq {seq})", note.detail),
            )?;
        }
    }
    Ok(seq)
}

pub(crate) fn channel_of(s: &str) -> Channel {
    Channel::ALL
        .into_iter()
        .find(|c| c.as_str() == s)
        .unwrap_or(Channel::FaceToFace)
}

impl Desk {
    /// Opens (creating and migrating) `<data_dir>/desk.db`. The device id is made once, on the
    /// first open, and kept in the store.
    pub async fn open(config: DeskConfig) -> Result<Desk, DeskError> {
        tokio::task::spawn_blocking(move || Self::open_blocking(config))
            .await
            .map_err(|e| DeskError::Store(format!("opening the store failed: {e}")))?
    }

    fn open_blocking(config: DeskConfig) -> Result<Desk, DeskError> {
        std::fs::create_dir_all(&config.data_dir).map_err(|e| {
            DeskError::Store(format!(
                "cannot create the data folder {}: {e}",
                config.data_dir.display()
            ))
        })?;
        let conn = store::open(&config.data_dir.join("desk.db"), None)?;
        Self::from_connection(conn, &config.server_url, None)
    }

    /// Migrates the store behind `conn`, makes its device id on first use and rebuilds the
    /// overlay: the one way a [`Desk`] is put together, plain or staff-keyed.
    pub(crate) fn from_connection(
        mut conn: Connection,
        default_server_url: &str,
        identity: Option<crate::identity::Identity>,
    ) -> Result<Desk, DeskError> {
        store::migrate(&mut conn)?;
        let device_id = match store::meta_get(&conn, "device_id")? {
            Some(id) => {
                Uuid::parse_str(&id).map_err(|e| DeskError::Store(format!("stored device id is damaged: {e}")))?
            }
            None => {
                let id = Uuid::now_v7();
                store::meta_set(&conn, "device_id", &id.to_string())?;
                id
            }
        };
        // A remembered address is checked again: one kept from before plain HTTP was refused
        // (or while this machine allowed it) is not used in clear.
        let server_url = match store::meta_get(&conn, "server_url")? {
            Some(url) if parse_server_url(&url).is_ok() => url,
            Some(url) => {
                tracing::warn!(%url, "the remembered server address is refused now; using the default");
                parse_server_url(default_server_url)?.to_string()
            }
            None => parse_server_url(default_server_url)?.to_string(),
        };
        {
            let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
            overlay::rebuild(&tx, local_now())?;
            tx.commit()?;
        }
        let (status, _) = watch::channel(SyncStatus::default());
        let desk = Desk {
            inner: Arc::new(Inner {
                conn: Arc::new(Mutex::new(Some(conn))),
                identity,
                device_id,
                server_url: RwLock::new(server_url),
                transport: Transport::new(),
                auth: RwLock::new(None),
                status,
                push_wanted: Notify::new(),
                pull_wanted: Notify::new(),
                poke_head: AtomicU64::new(0),
                cycle: tokio::sync::Mutex::new(()),
                max_push: AtomicU32::new(desk_domain::MAX_PUSH_MUTATIONS),
            }),
        };
        let counts = {
            let conn = desk.inner.conn.lock().unwrap_or_else(|p| p.into_inner());
            counts(conn.as_ref().ok_or(DeskError::Locked)?)?
        };
        desk.inner.status.send_modify(|s| counts.write(s));
        Ok(desk)
    }

    /// Runs `f` on the store connection on a blocking thread.
    pub(crate) async fn db<T, F>(&self, f: F) -> Result<T, DeskError>
    where
        T: Send + 'static,
        F: FnOnce(&mut Connection) -> Result<T, DeskError> + Send + 'static,
    {
        let conn = self.inner.conn.clone();
        tokio::task::spawn_blocking(move || {
            let mut guard = conn.lock().unwrap_or_else(|p| p.into_inner());
            f(guard.as_mut().ok_or(DeskError::Locked)?)
        })
        .await
        .map_err(|e| DeskError::Store(format!("store task failed: {e}")))?
    }

    pub fn device_id(&self) -> Uuid {
        self.inner.device_id
    }

    pub fn server_url(&self) -> String {
        self.inner.server_url.read().unwrap_or_else(|p| p.into_inner()).clone()
    }

    /// Checks and remembers the server address. Signing in again is needed after a change.
    pub async fn set_server_url(&self, url: &str) -> Result<(), DeskError> {
        let parsed = parse_server_url(url)?.to_string();
        let stored = parsed.clone();
        self.db(move |conn| Ok(store::meta_set(conn, "server_url", &stored)?))
            .await?;
        let changed = {
            let mut current = self.inner.server_url.write().unwrap_or_else(|p| p.into_inner());
            let changed = *current != parsed;
            *current = parsed;
            changed
        };
        if changed {
            *self.inner.auth.write().unwrap_or_else(|p| p.into_inner()) = None;
            self.inner.status.send_modify(|s| s.signed_in = None);
        }
        Ok(())
    }

    pub(crate) fn token(&self) -> Option<String> {
        self.inner
            .auth
            .read()
            .unwrap_or_else(|p| p.into_inner())
            .as_ref()
            .map(|a| a.token.clone())
    }

    pub(crate) fn staff_id(&self) -> Option<i64> {
        self.inner
            .auth
            .read()
            .unwrap_or_else(|p| p.into_inner())
            .as_ref()
            .map(|a| a.staff.id)
    }

    /// Signs in against the server. The token is kept in memory only.
    pub async fn sign_in(&self, username: &str, password: &str) -> Result<StaffProfile, DeskError> {
        if username.trim().is_empty() || password.is_empty() {
            return Err(DeskError::invalid("Enter a user name and a password."));
        }
        check_text("The user name", username, MAX_TEXT, false)?;
        if password.chars().count() > MAX_TEXT {
            return Err(DeskError::invalid(format!(
                "The password must be at most {MAX_TEXT} characters."
            )));
        }
        let req = SignInRequest {
            username: username.trim().to_owned(),
            password: password.to_owned(),
            device_id: self.inner.device_id,
        };
        let url = self.server_url();
        self.check_capabilities(&url).await?;
        let (resp, refresh_token) = match self.inner.transport.sign_in_with_refresh(&url, &req).await {
            Ok(r) => r,
            Err(crate::transport::TransportError::Http { status, body }) if status < 500 => {
                self.inner.status.send_modify(|s| s.online = true);
                return Err(DeskError::ServerRejected {
                    status,
                    code: body.code,
                    message: body.message,
                });
            }
            Err(e) => {
                let e = DeskError::from(e);
                self.note_failure(&e);
                return Err(e);
            }
        };
        let staff = resp.staff.clone();
        if let Some(token) = refresh_token {
            self.keep_refresh_token(token).await?;
        }
        // Audit rows name the staff member; a locked staff desk records it as it unlocks.
        let staff_id = staff.id.to_string();
        let profile = serde_json::to_string(&staff).map_err(|e| DeskError::Store(e.to_string()))?;
        match self
            .db(move |conn| {
                store::meta_set(conn, "staff_id", &staff_id)?;
                Ok(store::meta_set(conn, "staff_profile", &profile)?)
            })
            .await
        {
            Ok(()) | Err(DeskError::Locked) => {}
            Err(e) => return Err(e),
        }
        *self.inner.auth.write().unwrap_or_else(|p| p.into_inner()) = Some(Auth {
            token: resp.access_token,
            staff: resp.staff,
        });
        self.inner.status.send_modify(|s| {
            s.online = true;
            s.signed_in = Some(staff.clone());
            s.last_error = None;
        });
        self.inner.pull_wanted.notify_one();
        Ok(staff)
    }

    /// Refuses a server that speaks another protocol version and learns its batch limit.
    async fn check_capabilities(&self, url: &str) -> Result<(), DeskError> {
        match self.inner.transport.capabilities(url).await {
            Ok(caps) => {
                if caps.api_version != desk_domain::API_VERSION {
                    return Err(DeskError::IncompatibleServer(format!(
                        "The council server at {url} speaks sync protocol version {}, this desk version {}. \
                         Ask IT support to update one of them.",
                        caps.api_version,
                        desk_domain::API_VERSION
                    )));
                }
                let max = caps.max_push_mutations.clamp(1, desk_domain::MAX_PUSH_MUTATIONS);
                self.inner.max_push.store(max, Ordering::Relaxed);
                Ok(())
            }
            Err(e) => {
                let e = DeskError::from(e);
                self.note_failure(&e);
                Err(e)
            }
        }
    }

    pub(crate) fn max_push(&self) -> u32 {
        self.inner.max_push.load(Ordering::Relaxed)
    }

    /// Records a command of any service in one durable transaction and returns `view` of what
    /// it changed, read in the same transaction; then asks for a push.
    pub(crate) async fn record_command<T, F>(&self, cmd: Command, channel: Channel, view: F) -> Result<T, DeskError>
    where
        T: Send + 'static,
        F: FnOnce(&Connection) -> Result<T, DeskError> + Send + 'static,
    {
        let shown = self
            .db(move |conn| {
                store::durable(conn)?;
                let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
                record(&tx, &cmd, channel, local_now())?;
                let shown = view(&tx)?;
                tx.commit()?;
                Ok(shown)
            })
            .await?;
        self.inner.push_wanted.notify_one();
        self.refresh_counts_after_write().await;
        Ok(shown)
    }

    /// Records several commands in one durable transaction (a block booking's dates): `make`
    /// records each with [`record`] and returns what to show; then asks for a push.
    pub(crate) async fn record_many<T, F>(&self, make: F) -> Result<T, DeskError>
    where
        T: Send + 'static,
        F: FnOnce(&Transaction<'_>, NaiveDateTime) -> Result<T, DeskError> + Send + 'static,
    {
        let shown = self
            .db(move |conn| {
                store::durable(conn)?;
                let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
                let shown = make(&tx, local_now())?;
                tx.commit()?;
                Ok(shown)
            })
            .await?;
        self.inner.push_wanted.notify_one();
        self.refresh_counts_after_write().await;
        Ok(shown)
    }

    pub async fn sync_status(&self) -> Result<SyncStatus, DeskError> {
        self.refresh_counts().await?;
        Ok(self.inner.status.borrow().clone())
    }

    pub fn watch_status(&self) -> watch::Receiver<SyncStatus> {
        self.inner.status.subscribe()
    }

    /// After a write has committed, the header's counts are refreshed; failing to read them
    /// must not turn a recorded command into an error for the caller.
    async fn refresh_counts_after_write(&self) {
        if let Err(e) = self.refresh_counts().await {
            tracing::warn!(error = %e, "could not refresh the sync status counts");
        }
    }

    pub(crate) async fn refresh_counts(&self) -> Result<(), DeskError> {
        let c = self.db(|conn| counts(conn)).await?;
        self.inner.status.send_modify(|s| c.write(s));
        Ok(())
    }

    pub(crate) fn note_failure(&self, e: &DeskError) {
        let offline = matches!(e, DeskError::Offline(_) | DeskError::ServerError(_));
        let not_signed_in = matches!(e, DeskError::NotSignedIn);
        if not_signed_in {
            *self.inner.auth.write().unwrap_or_else(|p| p.into_inner()) = None;
        }
        self.inner.status.send_modify(|s| {
            if offline {
                s.online = false;
            }
            if not_signed_in {
                s.signed_in = None;
            }
            s.progress = None;
            s.last_error = Some(e.to_body());
        });
    }

    /// Every refused command not yet dealt with, oldest first.
    pub async fn needs_attention(&self) -> Result<Vec<AttentionItem>, DeskError> {
        self.db(|conn| {
            let mut stmt = conn.prepare_cached(
                "SELECT mutation_id, name, summary, args, channel, entered_at, code, message, alternatives
                 FROM attention WHERE resolved_at IS NULL ORDER BY seq",
            )?;
            let rows = stmt.query_map([], |r| {
                Ok((
                    r.get::<_, String>(0)?,
                    r.get::<_, String>(1)?,
                    r.get::<_, String>(2)?,
                    r.get::<_, String>(3)?,
                    r.get::<_, String>(4)?,
                    r.get::<_, String>(5)?,
                    r.get::<_, String>(6)?,
                    r.get::<_, String>(7)?,
                    r.get::<_, String>(8)?,
                ))
            })?;
            let mut out = Vec::new();
            for row in rows {
                let (id, name, summary, args, channel, entered_at, code, message, alternatives) = row?;
                out.push(AttentionItem {
                    id: Uuid::parse_str(&id).map_err(|e| DeskError::Store(e.to_string()))?,
                    name,
                    summary,
                    args: serde_json::from_str(&args).map_err(|e| DeskError::Store(e.to_string()))?,
                    channel: channel_of(&channel),
                    entered_at: DateTime::parse_from_rfc3339(&entered_at)
                        .map(|d| d.with_timezone(&Utc))
                        .map_err(|e| DeskError::Store(e.to_string()))?,
                    code,
                    message,
                    alternatives: serde_json::from_str(&alternatives).map_err(|e| DeskError::Store(e.to_string()))?,
                });
            }
            Ok(out)
        })
        .await
    }

    /// Records the alternative the customer chose (a waiting-list place or another session) as
    /// a new command, and resolves the item, in one transaction.
    /// `view` reads back, in the same transaction, what the new command changed: the service
    /// whose command it is knows how (see `Leisure::take_alternative`).
    pub(crate) async fn take_alternative_as<T, F>(
        &self,
        item_id: Uuid,
        alternative: usize,
        view: F,
    ) -> Result<T, DeskError>
    where
        T: Send + 'static,
        F: FnOnce(&Connection, &Command) -> Result<T, DeskError> + Send + 'static,
    {
        let view = self
            .db(move |conn| {
                store::durable(conn)?;
                let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
                let item: Option<(String, u32, String, String, String)> = tx
                    .query_row(
                        "SELECT name, args_version, args, alternatives, channel FROM attention
                         WHERE mutation_id = ?1 AND resolved_at IS NULL",
                        [item_id.to_string()],
                        |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?)),
                    )
                    .optional()?;
                let (name, args_version, args, alternatives, channel) =
                    item.ok_or_else(|| DeskError::NotFound(format!("Nothing needs attention under {item_id}.")))?;
                let alternatives: Vec<Alternative> =
                    serde_json::from_str(&alternatives).map_err(|e| DeskError::Store(e.to_string()))?;
                let chosen = alternatives.get(alternative).ok_or_else(|| {
                    DeskError::invalid(format!(
                        "There are {} alternatives for this item; {alternative} is not one of them.",
                        alternatives.len()
                    ))
                })?;
                let args: serde_json::Value =
                    serde_json::from_str(&args).map_err(|e| DeskError::Store(e.to_string()))?;
                let refused =
                    Command::parse(&name, args_version, &args).map_err(|e| DeskError::Store(e.to_string()))?;
                let (cmd, words) = refused
                    .taking(chosen, Uuid::now_v7())
                    .ok_or_else(|| DeskError::invalid("This item offers nothing to take instead."))?;
                record(&tx, &cmd, channel_of(&channel), local_now())?;
                let view = view(&tx, &cmd)?;
                tx.execute(
                    "UPDATE attention SET resolved_at = ?2, resolution = ?3 WHERE mutation_id = ?1",
                    params![item_id.to_string(), Utc::now().to_rfc3339(), words],
                )?;
                tx.commit()?;
                Ok(view)
            })
            .await?;
        self.inner.push_wanted.notify_one();
        self.refresh_counts_after_write().await;
        Ok(view)
    }

    /// Closes an item without acting on it; the note (1 to 500 characters) says why.
    pub async fn dismiss_attention(&self, item_id: Uuid, note: &str) -> Result<(), DeskError> {
        if note.trim().is_empty() {
            return Err(DeskError::invalid("Write a note saying why this item is dismissed."));
        }
        check_text("The note", note, MAX_NOTE, true)?;
        let note = note.trim().to_owned();
        self.db(move |conn| {
            store::durable(conn)?;
            let n = conn.execute(
                "UPDATE attention SET resolved_at = ?2, resolution = 'dismissed', note = ?3
                 WHERE mutation_id = ?1 AND resolved_at IS NULL",
                params![item_id.to_string(), Utc::now().to_rfc3339(), note],
            )?;
            if n == 0 {
                return Err(DeskError::NotFound(format!("Nothing needs attention under {item_id}.")));
            }
            Ok(())
        })
        .await?;
        self.refresh_counts_after_write().await;
        Ok(())
    }
}

/// The store's half of [`SyncStatus`].
pub(crate) struct Counts {
    pending: u32,
    needs_attention: u32,
    last_synced_at: Option<DateTime<Utc>>,
}

impl Counts {
    fn write(&self, s: &mut SyncStatus) {
        s.pending = self.pending;
        s.needs_attention = self.needs_attention;
        s.last_synced_at = self.last_synced_at;
    }
}

pub(crate) fn counts(conn: &Connection) -> Result<Counts, DeskError> {
    let pending: u32 = conn.query_row("SELECT count(*) FROM outbox", [], |r| r.get(0))?;
    let needs_attention: u32 = conn.query_row("SELECT count(*) FROM attention WHERE resolved_at IS NULL", [], |r| {
        r.get(0)
    })?;
    let last: Option<String> =
        conn.query_row("SELECT last_synced_at FROM sync_state WHERE id = 1", [], |r| r.get(0))?;
    Ok(Counts {
        pending,
        needs_attention,
        last_synced_at: last
            .and_then(|t| DateTime::parse_from_rfc3339(&t).ok())
            .map(|d| d.with_timezone(&Utc)),
    })
}

impl Desk {
    pub(crate) fn poke_head(&self) -> u64 {
        self.inner.poke_head.load(Ordering::Relaxed)
    }
}

impl Desk {
    /// Who is signed in at this desk: the profile from the server's last answer, or (after an
    /// offline unlock, which asks the server nothing) the one stored at the last online sign-in.
    /// `None` when no sign-in ever reached this store.
    pub async fn staff_profile(&self) -> Result<Option<StaffProfile>, DeskError> {
        let known = self
            .inner
            .auth
            .read()
            .unwrap_or_else(|p| p.into_inner())
            .as_ref()
            .map(|a| a.staff.clone());
        if known.is_some() {
            return Ok(known);
        }
        self.db(|conn| {
            store::meta_get(conn, "staff_profile")?
                .map(|p| serde_json::from_str(&p).map_err(|e| DeskError::Store(format!("stored staff profile: {e}"))))
                .transpose()
        })
        .await
    }
}
