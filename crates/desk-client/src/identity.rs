//! Staff desks: one SQLCipher store per staff member per device, keyed from the OS keyring;
//! unlock online (server sign-in) or offline (a local argon2id verifier, for a bounded
//! period); lock and switch user.
//!
//! What holds: a locked desk has no open connection, so every data call answers `locked`;
//! the store key is fetched from the keyring on each unlock and never kept while locked; the
//! outbox stays in its owner's store, untouched by a lock or a switch.

use std::path::PathBuf;
use std::time::Duration;

use argon2::Argon2;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use chrono::{DateTime, Utc};
use rusqlite::Connection;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::desk::{MAX_TEXT, check_text};
use crate::keys::Keyring;
use crate::store::{self, StoreError, StoreKey};
use crate::{Desk, DeskError};

/// Where and how staff desks keep their stores.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StaffDeskConfig {
    /// Stores live in `<data_dir>/staff/<account>/desk.db`.
    pub data_dir: PathBuf,
    /// Used until `set_server_url` stores another one.
    pub server_url: String,
    /// The OS keyring service the store keys and refresh tokens are filed under.
    pub keyring_service: String,
    /// How long after the last online sign-in the password unlocks the desk offline.
    pub offline_unlock_for: Duration,
    /// Wrong passwords in a row, offline, before the desk needs an online sign-in.
    pub max_offline_attempts: u32,
    /// Idle time after which the shell calls [`Desk::lock`].
    pub idle_lock_after: Duration,
}

impl StaffDeskConfig {
    pub const DEFAULT_KEYRING_SERVICE: &'static str = "council-desk";
    pub const DEFAULT_OFFLINE_UNLOCK_FOR: Duration = Duration::from_secs(7 * 24 * 60 * 60);
    pub const DEFAULT_IDLE_LOCK_AFTER: Duration = Duration::from_secs(5 * 60);
    pub const DEFAULT_MAX_OFFLINE_ATTEMPTS: u32 = 5;

    /// The defaults: 7 days offline, 5 attempts, lock after 5 idle minutes.
    pub fn new(data_dir: impl Into<PathBuf>, server_url: impl Into<String>) -> StaffDeskConfig {
        StaffDeskConfig {
            data_dir: data_dir.into(),
            server_url: server_url.into(),
            keyring_service: Self::DEFAULT_KEYRING_SERVICE.to_owned(),
            offline_unlock_for: Self::DEFAULT_OFFLINE_UNLOCK_FOR,
            max_offline_attempts: Self::DEFAULT_MAX_OFFLINE_ATTEMPTS,
            idle_lock_after: Self::DEFAULT_IDLE_LOCK_AFTER,
        }
    }

    /// The store file of a staff member on this device.
    pub fn store_path(&self, username: &str) -> PathBuf {
        self.data_dir
            .join("staff")
            .join(staff_account(username))
            .join("desk.db")
    }
}

/// The folder and keyring name of a staff member's store: a hash of the user name as typed
/// at sign-in (trimmed, case folded), so the folder list does not say who works at the desk.
pub fn staff_account(username: &str) -> String {
    let digest = Sha256::digest(username.trim().to_lowercase().as_bytes());
    digest[..16].iter().map(|b| format!("{b:02x}")).collect()
}

/// Who a staff desk belongs to.
#[derive(Debug, Clone)]
pub(crate) struct Identity {
    pub config: StaffDeskConfig,
    pub username: String,
    pub account: String,
    pub keyring: Keyring,
}

impl Identity {
    fn dir(&self) -> PathBuf {
        self.config.data_dir.join("staff").join(&self.account)
    }

    fn path(&self) -> PathBuf {
        self.dir().join("desk.db")
    }

    /// Opens the store with the key from the keyring.
    fn open_store(&self) -> Result<Connection, DeskError> {
        let key = self.keyring.store_key(&self.account)?.ok_or_else(|| {
            DeskError::Keyring(format!(
                "The key of {}'s store on this desk is not in the OS keyring, so the store cannot be opened.",
                self.username
            ))
        })?;
        open_keyed(&self.path(), &key)
    }

    /// Removes the store and its keyring entries; after this nothing of it can be read.
    fn purge(&self) -> Result<(), DeskError> {
        self.keyring.purge(&self.account)?;
        match std::fs::remove_dir_all(self.dir()) {
            Ok(()) => Ok(()),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(()),
            Err(e) => Err(DeskError::Store(format!(
                "cannot remove the store folder {}: {e}",
                self.dir().display()
            ))),
        }
    }
}

fn open_keyed(path: &std::path::Path, key: &StoreKey) -> Result<Connection, DeskError> {
    store::open(path, Some(key)).map_err(|e| match e {
        StoreError::WrongKey { .. } => DeskError::Keyring(format!(
            "The key in the OS keyring does not open the store at {}; it was made with another key.",
            path.display()
        )),
        other => other.into(),
    })
}

const VERIFIER: &str = "offline_verifier";
const VERIFIED_AT: &str = "offline_verified_at";
const FAILURES: &str = "offline_failures";

/// How long [`Desk::sign_out`] waits for the server to end the sign-in.
const SIGN_OUT_WAIT: Duration = Duration::from_secs(5);

fn check_credentials(username: &str, password: &str) -> Result<(), DeskError> {
    if username.trim().is_empty() || password.is_empty() {
        return Err(DeskError::invalid("Enter a user name and a password."));
    }
    check_text("The user name", username, MAX_TEXT, false)?;
    if password.chars().count() > MAX_TEXT {
        return Err(DeskError::invalid(format!(
            "The password must be at most {MAX_TEXT} characters."
        )));
    }
    Ok(())
}

pub(crate) fn hash_password(password: &str) -> Result<String, DeskError> {
    use rand::RngCore;
    let mut salt = [0u8; 16];
    rand::rngs::OsRng.fill_bytes(&mut salt);
    let salt = SaltString::encode_b64(&salt).map_err(|e| DeskError::Store(format!("password salt: {e}")))?;
    Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|e| DeskError::Store(format!("password hash: {e}")))
}

/// Time to make a verifier and to check a password against it (an offline unlock's cost).
pub(crate) fn verifier_costs(password: &str) -> Result<(Duration, Duration), DeskError> {
    let t = std::time::Instant::now();
    let verifier = hash_password(password)?;
    let made = t.elapsed();
    let parsed = PasswordHash::new(&verifier).map_err(|e| DeskError::Store(e.to_string()))?;
    let t = std::time::Instant::now();
    Argon2::default()
        .verify_password(password.as_bytes(), &parsed)
        .map_err(|e| DeskError::Store(e.to_string()))?;
    Ok((made, t.elapsed()))
}

/// Whether the server could not be asked (as opposed to answering no).
fn unreachable(e: &DeskError) -> bool {
    matches!(e, DeskError::Offline(_) | DeskError::ServerError(_))
}

/// Checks `password` against the store's verifier, counting a wrong one. Offline only.
fn unlock_offline(conn: &Connection, config: &StaffDeskConfig, password: &str) -> Result<(), DeskError> {
    let failures: u32 = store::meta_get(conn, FAILURES)?
        .and_then(|f| f.parse().ok())
        .unwrap_or(0);
    if failures >= config.max_offline_attempts {
        return Err(DeskError::TooManyAttempts);
    }
    let (Some(verifier), Some(at)) = (store::meta_get(conn, VERIFIER)?, store::meta_get(conn, VERIFIED_AT)?) else {
        return Err(DeskError::OnlineSignInRequired(
            "The council server cannot be reached, and this desk can only be unlocked offline after you \
             have signed in online on it once."
                .to_owned(),
        ));
    };
    let at = DateTime::parse_from_rfc3339(&at)
        .map_err(|e| DeskError::Store(format!("stored sign-in time is damaged: {e}")))?
        .with_timezone(&Utc);
    let period = chrono::Duration::from_std(config.offline_unlock_for).unwrap_or(chrono::Duration::MAX);
    if Utc::now() - at > period {
        return Err(DeskError::OnlineSignInRequired(format!(
            "The council server cannot be reached, and your last online sign-in at this desk was on {}. \
             Offline unlock lasts {} days; connect to the council network and sign in.",
            at.format("%-d %b %Y"),
            config.offline_unlock_for.as_secs() / 86_400
        )));
    }
    let parsed = PasswordHash::new(&verifier).map_err(|e| DeskError::Store(format!("stored verifier: {e}")))?;
    if Argon2::default().verify_password(password.as_bytes(), &parsed).is_err() {
        let failures = failures + 1;
        store::durable(conn)?;
        store::meta_set(conn, FAILURES, &failures.to_string())?;
        if failures >= config.max_offline_attempts {
            return Err(DeskError::TooManyAttempts);
        }
        return Err(DeskError::WrongPassword(format!(
            "The password is wrong. {} more wrong attempts at this desk and it will need an online sign-in.",
            config.max_offline_attempts - failures
        )));
    }
    store::meta_set(conn, FAILURES, "0")?;
    Ok(())
}

impl Desk {
    /// Opens (creating on the first online sign-in) the staff member's own encrypted store on
    /// this device and unlocks it with the password: online against the server when it can
    /// be reached, otherwise with the local verifier (see [`unlock`](Self::unlock)).
    pub async fn sign_in_staff(config: StaffDeskConfig, username: &str, password: &str) -> Result<Desk, DeskError> {
        check_credentials(username, password)?;
        let identity = Identity {
            account: staff_account(username),
            username: username.trim().to_owned(),
            keyring: Keyring::new(config.keyring_service.clone()),
            config,
        };
        let id = identity.clone();
        let (desk, created) = tokio::task::spawn_blocking(move || -> Result<(Desk, bool), DeskError> {
            let dir = id.dir();
            std::fs::create_dir_all(&dir)
                .map_err(|e| DeskError::Store(format!("cannot create the data folder {}: {e}", dir.display())))?;
            let created = !id.path().exists();
            let conn = if created {
                let key = StoreKey::random();
                id.keyring.set_store_key(&id.account, &key)?;
                open_keyed(&id.path(), &key)?
            } else {
                id.open_store()?
            };
            let server_url = id.config.server_url.clone();
            let desk = Desk::from_connection(conn, &server_url, Some(id))?;
            Ok((desk, created))
        })
        .await
        .map_err(|e| DeskError::Store(format!("opening the store failed: {e}")))??;
        // Locked until the password is checked.
        desk.close_connection().await;
        match desk.unlock(password).await {
            Ok(()) => Ok(desk),
            Err(e) => {
                if created {
                    // A store made for a sign-in that failed holds nothing: leave no trace.
                    let id = identity.clone();
                    let _ = tokio::task::spawn_blocking(move || id.purge()).await;
                }
                Err(e)
            }
        }
    }

    pub(crate) fn identity(&self) -> Result<&Identity, DeskError> {
        self.inner
            .identity
            .as_ref()
            .ok_or_else(|| DeskError::invalid("This desk was not opened for a member of staff."))
    }

    /// The staff member this desk belongs to, for a desk opened by [`sign_in_staff`](Self::sign_in_staff).
    pub fn staff_username(&self) -> Option<&str> {
        self.inner.identity.as_ref().map(|i| i.username.as_str())
    }

    /// How long the shell lets the desk sit idle before calling [`lock`](Self::lock).
    pub fn idle_lock_after(&self) -> Duration {
        self.inner
            .identity
            .as_ref()
            .map(|i| i.config.idle_lock_after)
            .unwrap_or(StaffDeskConfig::DEFAULT_IDLE_LOCK_AFTER)
    }

    pub fn is_locked(&self) -> bool {
        self.inner.conn.lock().unwrap_or_else(|p| p.into_inner()).is_none()
    }

    async fn close_connection(&self) {
        let conn = self.inner.conn.clone();
        // Waits for a running statement, then drops the connection (and its page cache).
        let _ = tokio::task::spawn_blocking(move || {
            let taken = conn.lock().unwrap_or_else(|p| p.into_inner()).take();
            drop(taken);
        })
        .await;
    }

    /// Locks the desk: the store's connection is closed and the access token forgotten, so
    /// every data call answers `locked` until [`unlock`](Self::unlock). Pending changes stay
    /// in the outbox and are pushed after the unlock.
    pub async fn lock(&self) {
        self.close_connection().await;
        *self.inner.auth.write().unwrap_or_else(|p| p.into_inner()) = None;
        self.inner.status.send_modify(|s| {
            s.signed_in = None;
            s.progress = None;
        });
    }

    /// Unlocks a staff desk with its owner's password. Online when the server can be reached
    /// (which also renews the offline verifier and its period); otherwise offline with the
    /// verifier, within [`StaffDeskConfig::offline_unlock_for`] of the last online sign-in and
    /// until [`StaffDeskConfig::max_offline_attempts`] wrong passwords in a row.
    pub async fn unlock(&self, password: &str) -> Result<(), DeskError> {
        let id = self.identity()?.clone();
        check_credentials(&id.username, password)?;
        let conn = match self.sign_in(&id.username, password).await {
            Ok(staff) => {
                let password = zeroize::Zeroizing::new(password.to_owned());
                tokio::task::spawn_blocking(move || -> Result<Connection, DeskError> {
                    let verifier = hash_password(&password)?;
                    let conn = id.open_store()?;
                    store::durable(&conn)?;
                    store::meta_set(&conn, VERIFIER, &verifier)?;
                    store::meta_set(&conn, VERIFIED_AT, &Utc::now().to_rfc3339())?;
                    store::meta_set(&conn, FAILURES, "0")?;
                    store::meta_set(&conn, "staff_id", &staff.id.to_string())?;
                    // For a refresh after a later offline unlock, which learns no profile.
                    let profile = serde_json::to_string(&staff).map_err(|e| DeskError::Store(e.to_string()))?;
                    store::meta_set(&conn, "staff_profile", &profile)?;
                    Ok(conn)
                })
                .await
                .map_err(|e| DeskError::Store(format!("unlocking failed: {e}")))??
            }
            Err(e) if unreachable(&e) => {
                let password = zeroize::Zeroizing::new(password.to_owned());
                tokio::task::spawn_blocking(move || -> Result<Connection, DeskError> {
                    let conn = id.open_store()?;
                    unlock_offline(&conn, &id.config, &password)?;
                    Ok(conn)
                })
                .await
                .map_err(|e| DeskError::Store(format!("unlocking failed: {e}")))??
            }
            Err(e) => {
                if e.code() == "account_disabled" {
                    self.purge().await?;
                }
                return Err(e);
            }
        };
        *self.inner.conn.lock().unwrap_or_else(|p| p.into_inner()) = Some(conn);
        self.refresh_counts().await?;
        Ok(())
    }

    /// Locks this desk and signs another member of staff in to their own store. This desk's
    /// pending changes stay in its outbox; it syncs them after its owner unlocks it again.
    pub async fn switch_user(&self, username: &str, password: &str) -> Result<Desk, DeskError> {
        let config = self.identity()?.config.clone();
        self.lock().await;
        Desk::sign_in_staff(config, username, password).await
    }

    /// Signs the staff member out of this desk: the refresh token is forgotten in the keyring,
    /// the offline verifier's sign-in time is cleared (the next unlock must be an online
    /// sign-in) and the desk locks; then the server is asked to end the sign-in
    /// (`DELETE /v1/session`: every access and refresh token of it revoked, audited). That last
    /// step is best effort: offline, or if the server does not answer within 5 seconds, the
    /// desk is signed out all the same and the server's tokens expire on their own.
    ///
    /// The store, its key and its outbox stay: pending changes are pushed at the owner's next
    /// sign-in. A desk not opened for a member of staff forgets its access token instead.
    pub async fn sign_out(&self) -> Result<(), DeskError> {
        // A running sync cycle may rotate the refresh token: let it finish first.
        let _one_at_a_time = self.inner.cycle.lock().await;
        let access = self.token();
        let url = self.server_url();
        let refresh = match self.inner.identity.clone() {
            Some(id) => {
                let unlocked = !self.is_locked();
                let conn = self.inner.conn.clone();
                tokio::task::spawn_blocking(move || -> Result<Option<String>, DeskError> {
                    let refresh = id.keyring.refresh_token(&id.account)?;
                    let forget_verified_at = |c: &Connection| -> Result<(), DeskError> {
                        store::durable(c)?;
                        c.execute("DELETE FROM meta WHERE key = ?1", [VERIFIED_AT])?;
                        // Forms half filled in are the signed-out member's; nobody gets them back.
                        c.execute("DELETE FROM form_drafts", [])?;
                        Ok(())
                    };
                    let guard = conn.lock().unwrap_or_else(|p| p.into_inner());
                    let forgotten = match guard.as_ref() {
                        Some(c) if unlocked => forget_verified_at(c),
                        // Locked: the store is opened just for this, with the keyring's key.
                        _ => {
                            drop(guard);
                            if id.path().exists() {
                                id.open_store().and_then(|c| forget_verified_at(&c))
                            } else {
                                Ok(())
                            }
                        }
                    };
                    // A store that cannot be opened (its key is gone) cannot be unlocked offline
                    // either: signing out carries on and still forgets the refresh token.
                    if let Err(e) = forgotten {
                        tracing::warn!(error = %e, "signing out: could not clear the offline sign-in time");
                    }
                    id.keyring.forget_refresh_token(&id.account)?;
                    Ok(refresh)
                })
                .await
                .map_err(|e| DeskError::Store(format!("signing out failed: {e}")))??
            }
            None => None,
        };
        if self.inner.identity.is_some() {
            self.lock().await;
        } else {
            self.sign_out_here();
        }
        if access.is_some() || refresh.is_some() {
            let told = tokio::time::timeout(
                SIGN_OUT_WAIT,
                self.inner
                    .transport
                    .sign_out(&url, access.as_deref(), refresh.as_deref()),
            )
            .await;
            match told {
                Ok(Ok(())) => tracing::info!("signed out; the server ended the sign-in"),
                Ok(Err(e)) => tracing::info!(error = %e, "signed out here; the server did not end the sign-in"),
                Err(_) => tracing::info!("signed out here; the server did not answer in time"),
            }
        }
        Ok(())
    }

    /// Removes this staff member's store and keyring entries (the server said the account is
    /// disabled). The desk stays locked for good.
    pub(crate) async fn purge(&self) -> Result<(), DeskError> {
        self.lock().await;
        let id = self.identity()?.clone();
        tokio::task::spawn_blocking(move || id.purge())
            .await
            .map_err(|e| DeskError::Store(format!("purging failed: {e}")))?
    }
}

impl Desk {
    /// A staff desk, unlocked: it can try to renew its access token from the keyring.
    pub(crate) fn may_refresh(&self) -> bool {
        self.inner.identity.is_some() && !self.is_locked()
    }

    /// Files the newest refresh token in the keyring (never in a file).
    pub(crate) async fn keep_refresh_token(&self, token: String) -> Result<(), DeskError> {
        let Some(id) = self.inner.identity.clone() else {
            return Ok(());
        };
        tokio::task::spawn_blocking(move || id.keyring.set_refresh_token(&id.account, &token))
            .await
            .map_err(|e| DeskError::Store(format!("keyring task failed: {e}")))??;
        Ok(())
    }

    /// Spends the refresh token for a new access token. `Ok(false)`: there is none to spend.
    /// A refusal forgets the token (a spent or revoked one never works again) and is returned
    /// with the server's code (`token_reused`, `token_expired`, `account_disabled`, …).
    pub(crate) async fn refresh_access(&self) -> Result<bool, DeskError> {
        let Some(id) = self.inner.identity.clone() else {
            return Ok(false);
        };
        let keyring_id = id.clone();
        let token = tokio::task::spawn_blocking(move || keyring_id.keyring.refresh_token(&keyring_id.account))
            .await
            .map_err(|e| DeskError::Store(format!("keyring task failed: {e}")))??;
        let Some(token) = token else {
            return Ok(false);
        };
        let url = self.server_url();
        match self.inner.transport.refresh(&url, &token).await {
            Ok(fresh) => {
                if let Some(next) = fresh.refresh_token {
                    self.keep_refresh_token(next).await?;
                }
                let staff = self
                    .staff_profile()
                    .await?
                    .ok_or_else(|| DeskError::Store("no staff profile is stored".into()))?;
                *self.inner.auth.write().unwrap_or_else(|p| p.into_inner()) = Some(crate::desk::Auth {
                    token: fresh.access_token,
                    staff: staff.clone(),
                });
                self.inner.status.send_modify(|s| {
                    s.online = true;
                    s.signed_in = Some(staff);
                });
                Ok(true)
            }
            Err(crate::transport::TransportError::Http { status, body }) if status < 500 => {
                tokio::task::spawn_blocking(move || id.keyring.forget_refresh_token(&id.account))
                    .await
                    .map_err(|e| DeskError::Store(format!("keyring task failed: {e}")))??;
                Err(DeskError::ServerRejected {
                    status,
                    code: body.code,
                    message: body.message,
                })
            }
            Err(e) => Err(e.into()),
        }
    }

    /// What a refusal means beyond this cycle: a revoked or reused sign-in signs the desk out;
    /// a disabled account also loses its store and keyring entries here.
    pub(crate) async fn after_refusal(&self, e: &DeskError) {
        let DeskError::ServerRejected { code, .. } = e else {
            return;
        };
        match code.as_str() {
            "account_disabled" => {
                if self.inner.identity.is_some() {
                    if let Err(purge) = self.purge().await {
                        tracing::error!(error = %purge, "could not purge a disabled account's store");
                    }
                } else {
                    self.sign_out_here();
                }
            }
            "token_reused" | "token_expired" | "session_ended" | "unauthorized" | "unauthorised" => {
                self.sign_out_here()
            }
            _ => {}
        }
    }

    fn sign_out_here(&self) {
        *self.inner.auth.write().unwrap_or_else(|p| p.into_inner()) = None;
        self.inner.status.send_modify(|s| s.signed_in = None);
    }
}
