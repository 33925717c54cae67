//! The app's state: nobody signed in, or one staff member's desk (their own encrypted store,
//! locked or not) with its background sync loop; in demo mode also the embedded server.
//!
//! What holds:
//! - Every data command goes through [`Shell::desk`], which answers `signed_out` with nobody
//!   signed in and `locked` while the desk is locked, so no record leaves a locked desk.
//! - The idle lock is kept here, not in the page: [`Shell::watch_idle`] locks the desk once
//!   nothing has counted as activity ([`Shell::touch`], sign-in, unlock, switch user) for the
//!   desk's `idle_lock_after`, whatever the page does.
//! - Locking closes the store first, then tells the window, then stops the sync loop (so a long
//!   pull cannot delay the lock); the outbox stays in the store and the loop starts again on
//!   unlock.
//! - Sign-in, unlock, switch user, lock and sign-out run one at a time.

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, Instant};

use desk_client::{Desk, DeskError, StaffDeskConfig, SyncLoop, SyncStatus};
use desk_domain::{ErrorBody, StaffProfile};
use tauri::{AppHandle, Manager};
use tokio::sync::{Mutex, watch};
use tokio::task::JoinHandle;

use crate::settings::Settings;
use crate::{AppInfo, DEFAULT_SERVER_URL, Launch, demo};

/// Where the shell sends what the window must hear of. The app's is the Tauri window
/// (`sync-status` and `desk-locked` events); tests record them.
pub trait Window: Send + Sync + 'static {
    fn sync_status(&self, status: &SyncStatus);
    fn desk_locked(&self, username: &str);
}

/// How often the idle timer looks at the clock.
const IDLE_CHECK: Duration = Duration::from_secs(1);

/// The signed-in staff member's desk and what runs for it.
struct StaffDesk {
    desk: Desk,
    /// `None` while the desk is locked.
    sync: Option<SyncLoop>,
    /// Forwards the desk's sync status to the window for as long as this desk is the one open.
    status: JoinHandle<()>,
}

pub struct Shell {
    launch: Launch,
    data_dir: PathBuf,
    window: Arc<dyn Window>,
    /// `None` until start-up (in demo mode: the embedded server and its sign-in) has finished;
    /// then whether it worked.
    started: watch::Sender<Option<Result<(), ErrorBody>>>,
    current: Mutex<Option<StaffDesk>>,
    /// Serialises sign-in, unlock, switch user, lock and sign-out.
    transitions: Mutex<()>,
    last_activity: std::sync::Mutex<Instant>,
    /// The server address the next sign-in uses.
    server_url: std::sync::Mutex<String>,
    demo_server: Mutex<Option<demo::DemoServer>>,
}

fn signed_out() -> ErrorBody {
    ErrorBody {
        code: "signed_out".to_owned(),
        message: "Nobody is signed in at this desk. Sign in to carry on.".to_owned(),
    }
}

fn ipc(e: DeskError) -> ErrorBody {
    e.to_body()
}

impl Shell {
    /// The shell over `data_dir` (the folder the launch named, or the app's own). Nothing is
    /// opened until a staff member signs in.
    pub fn new(launch: Launch, data_dir: PathBuf, window: Arc<dyn Window>) -> Shell {
        let server_url = if launch.demo {
            // Replaced by the embedded server's address as it starts.
            DEFAULT_SERVER_URL.to_owned()
        } else {
            Settings::load(&data_dir)
                .server_url
                .or_else(|| launch.server_url.clone())
                .unwrap_or_else(|| DEFAULT_SERVER_URL.to_owned())
        };
        Shell {
            launch,
            data_dir,
            window,
            started: watch::channel(None).0,
            current: Mutex::new(None),
            transitions: Mutex::new(()),
            last_activity: std::sync::Mutex::new(Instant::now()),
            server_url: std::sync::Mutex::new(server_url),
            demo_server: Mutex::new(None),
        }
    }

    /// Where staff stores live: `<data-dir>/staff/…`, or `<data-dir>/demo/staff/…` so demo data
    /// never shares a store with a live desk.
    pub fn stores_dir(&self) -> PathBuf {
        stores_dir(&self.data_dir, self.launch.demo)
    }

    fn keyring_service(&self) -> String {
        // Two data folders on one machine (tests, a demo beside a live desk) must not overwrite
        // each other's store keys, which are filed by a hash of the user name alone.
        let mut service = StaffDeskConfig::DEFAULT_KEYRING_SERVICE.to_owned();
        if self.launch.data_dir.is_some() {
            service.push_str(&format!(" ({})", self.data_dir.display()));
        }
        if self.launch.demo {
            service.push_str(" demo");
        }
        service
    }

    fn config(&self) -> StaffDeskConfig {
        let mut config = StaffDeskConfig::new(self.stores_dir(), self.next_server_url());
        config.keyring_service = self.keyring_service();
        config.idle_lock_after = self.launch.idle_lock_after();
        config
    }

    fn next_server_url(&self) -> String {
        self.server_url.lock().unwrap_or_else(|p| p.into_inner()).clone()
    }

    /// Waits for start-up; its failure (the demo server did not start) is every command's answer.
    async fn started(&self) -> Result<(), ErrorBody> {
        let mut rx = self.started.subscribe();
        let done = rx.wait_for(Option::is_some).await.map_err(|_| ErrorBody {
            code: "shutting_down".to_owned(),
            message: "Council Desk is closing.".to_owned(),
        })?;
        done.clone().expect("waited for Some")
    }

    /// Marks start-up finished (in the app, [`start`] does it).
    pub fn mark_started(&self, result: Result<(), ErrorBody>) {
        self.started.send_replace(Some(result));
    }

    /// The signed-in staff member's desk, for a data command: `signed_out` with nobody signed
    /// in, `locked` while it is locked.
    pub async fn desk(&self) -> Result<Desk, ErrorBody> {
        self.started().await?;
        let current = self.current.lock().await;
        let desk = &current.as_ref().ok_or_else(signed_out)?.desk;
        if desk.is_locked() {
            return Err(ipc(DeskError::Locked));
        }
        Ok(desk.clone())
    }

    pub async fn app_info(&self) -> Result<AppInfo, ErrorBody> {
        self.started().await?;
        let (signed_in, locked_for, open_desk, device_id) = {
            let current = self.current.lock().await;
            match current.as_ref() {
                Some(s) if s.desk.is_locked() => (
                    true,
                    Some(s.desk.staff_username().unwrap_or_default().to_owned()),
                    None,
                    Some(s.desk.device_id()),
                ),
                Some(s) => (true, None, Some(s.desk.clone()), Some(s.desk.device_id())),
                None => (false, None, None, None),
            }
        };
        // Read outside the lock on `current`: the profile comes from the desk's own store.
        let capabilities = match open_desk {
            Some(desk) => match desk.staff_profile().await {
                Ok(Some(staff)) => desk_domain::scope::capabilities(&staff.roles),
                Ok(None) => Vec::new(),
                // The app must still start; with nothing offered, the staff member sees Home.
                Err(e) => {
                    tracing::warn!("could not read the staff profile for the capabilities: {e}");
                    Vec::new()
                }
            },
            None => Vec::new(),
        };
        Ok(AppInfo {
            demo: self.launch.demo,
            version: env!("CARGO_PKG_VERSION").to_owned(),
            server_url: Some(self.next_server_url()),
            default_username: self.launch.demo.then(|| demo::USERNAME.to_owned()),
            idle_lock_secs: self.launch.idle_lock_secs,
            locked_for,
            signed_in,
            capabilities,
            plain_http_allowed: desk_client::transport::MachineNetwork::current().allow_plain_http,
            device_id,
        })
    }

    /// Checks the address and keeps it for the next sign-in (and, outside demo mode, in
    /// `settings.json` for the next run). The desk open now keeps the address it signed in with.
    pub async fn set_server_url(&self, url: &str) -> Result<(), ErrorBody> {
        self.started().await?;
        let parsed = desk_client::transport::parse_server_url(url).map_err(ipc)?.to_string();
        if !self.launch.demo {
            let settings = Settings {
                server_url: Some(parsed.clone()),
            };
            let dir = self.data_dir.clone();
            tokio::task::spawn_blocking(move || settings.save(&dir))
                .await
                .map_err(|e| ipc(DeskError::Store(format!("saving the settings stopped: {e}"))))?
                .map_err(|e| {
                    ipc(DeskError::Store(format!(
                        "cannot save the server address in {}: {e}",
                        Settings::path(&self.data_dir).display()
                    )))
                })?;
        }
        *self.server_url.lock().unwrap_or_else(|p| p.into_inner()) = parsed;
        Ok(())
    }

    /// The window saw the member of staff use it.
    pub fn touch(&self) {
        *self.last_activity.lock().unwrap_or_else(|p| p.into_inner()) = Instant::now();
    }

    fn idle_for(&self) -> Duration {
        self.last_activity.lock().unwrap_or_else(|p| p.into_inner()).elapsed()
    }

    /// Opens the staff member's own store (online sign-in, or offline unlock when the server
    /// cannot be reached). A desk open before is locked and closed first; if this sign-in
    /// fails, that desk stays, locked.
    pub async fn sign_in(&self, username: &str, password: &str) -> Result<StaffProfile, ErrorBody> {
        self.started().await?;
        let _one = self.transitions.lock().await;
        self.enter(username, password).await
    }

    /// Locks the open desk (its pending changes stay in its store) and signs another staff
    /// member in to their own store. If that fails the first desk stays open, locked.
    pub async fn switch_user(&self, username: &str, password: &str) -> Result<StaffProfile, ErrorBody> {
        self.started().await?;
        let _one = self.transitions.lock().await;
        if self.current.lock().await.is_none() {
            return Err(signed_out());
        }
        self.enter(username, password).await
    }

    async fn enter(&self, username: &str, password: &str) -> Result<StaffProfile, ErrorBody> {
        self.touch();
        // Not announced: the window is showing the sign-in form that asked for this.
        self.lock_current(false).await;
        let desk = Desk::sign_in_staff(self.config(), username, password)
            .await
            .map_err(ipc)?;
        let profile = profile_of(&desk).await?;
        let previous = self.current.lock().await.replace(StaffDesk {
            sync: Some(desk.start_sync()),
            status: forward_status(self.window.clone(), &desk),
            desk,
        });
        if let Some(previous) = previous {
            previous.status.abort();
        }
        self.touch();
        Ok(profile)
    }

    /// Unlocks the open desk with its owner's password and starts its sync again.
    pub async fn unlock(&self, password: &str) -> Result<StaffProfile, ErrorBody> {
        self.started().await?;
        let _one = self.transitions.lock().await;
        let desk = {
            let current = self.current.lock().await;
            current.as_ref().ok_or_else(signed_out)?.desk.clone()
        };
        if desk.is_locked() {
            if let Err(e) = desk.unlock(password).await {
                if e.code() == "account_disabled" {
                    // The store is gone (purged by the desk): nobody is signed in any more.
                    if let Some(gone) = self.current.lock().await.take() {
                        gone.status.abort();
                    }
                }
                return Err(ipc(e));
            }
            let mut current = self.current.lock().await;
            if let Some(s) = current.as_mut()
                && s.sync.is_none()
            {
                s.sync = Some(desk.start_sync());
            }
        }
        self.touch();
        profile_of(&desk).await
    }

    /// Locks the open desk now. Locking a locked desk does nothing.
    pub async fn lock(&self) -> Result<(), ErrorBody> {
        self.started().await?;
        let _one = self.transitions.lock().await;
        if self.current.lock().await.is_none() {
            return Err(signed_out());
        }
        self.lock_current(true).await;
        Ok(())
    }

    /// Locks the open desk if it has been idle for its `idle_lock_after`. Returns whether it
    /// did. Skips this check if a sign-in or unlock is under way (it counts as activity).
    pub async fn lock_if_idle(&self) -> bool {
        let Ok(_one) = self.transitions.try_lock() else {
            return false;
        };
        let due = {
            let current = self.current.lock().await;
            current
                .as_ref()
                .is_some_and(|s| !s.desk.is_locked() && self.idle_for() >= s.desk.idle_lock_after())
        };
        if due {
            tracing::info!("locking the desk after {:?} without use", self.launch.idle_lock_after());
            self.lock_current(true).await;
        }
        due
    }

    /// Runs the idle timer until the app ends.
    pub async fn watch_idle(&self) {
        let mut tick = tokio::time::interval(IDLE_CHECK);
        tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            tick.tick().await;
            self.lock_if_idle().await;
        }
    }

    /// Closes the store (every data call answers `locked` from here on), tells the window when
    /// `announce`, then stops the sync loop. Call with `transitions` held.
    async fn lock_current(&self, announce: bool) {
        let (desk, sync) = {
            let mut current = self.current.lock().await;
            match current.as_mut() {
                Some(s) if !s.desk.is_locked() => (s.desk.clone(), s.sync.take()),
                _ => return,
            }
        };
        desk.lock().await;
        // The window hears at once; stopping the loop may wait for a request in flight.
        if announce {
            self.window.desk_locked(desk.staff_username().unwrap_or_default());
        }
        if let Some(sync) = sync {
            sync.stop().await;
        }
    }

    /// Signs the staff member out ([`Desk::sign_out`]: the refresh token forgotten, the next
    /// unlock needs the server, the sign-in ended on the server when it can be reached) and
    /// closes the desk. Pending changes stay in the staff member's store for their next
    /// sign-in. Nobody is signed in afterwards even if part of that failed (the error says what).
    pub async fn sign_out(&self) -> Result<(), ErrorBody> {
        self.started().await?;
        let _one = self.transitions.lock().await;
        let Some(gone) = self.current.lock().await.take() else {
            return Ok(());
        };
        if let Some(sync) = gone.sync {
            sync.stop().await;
        }
        let signed_out = gone.desk.sign_out().await;
        // Whatever the server or keyring said, this desk is closed.
        gone.desk.lock().await;
        gone.status.abort();
        signed_out.map_err(ipc)
    }

    /// Starts demo mode: the embedded server, then the demo account's sign-in.
    pub async fn start_demo(&self) -> Result<(), ErrorBody> {
        let server = demo::DemoServer::start(&self.data_dir.join("demo"))
            .await
            .map_err(|e| ErrorBody {
                code: "demo_failed".to_owned(),
                message: format!("The demo server did not start: {e:#}"),
            })?;
        *self.server_url.lock().unwrap_or_else(|p| p.into_inner()) = server.url();
        let password = server.password().to_owned();
        *self.demo_server.lock().await = Some(server);
        let _one = self.transitions.lock().await;
        self.enter(demo::USERNAME, &password).await.map(|_| ())
    }

    pub async fn shutdown(&self) {
        let _one = self.transitions.lock().await;
        if let Some(s) = self.current.lock().await.as_mut() {
            if let Some(sync) = s.sync.take() {
                sync.stop().await;
            }
            s.status.abort();
        }
        if let Some(server) = self.demo_server.lock().await.take() {
            server.stop().await;
        }
    }
}

pub fn stores_dir(data_dir: &Path, demo: bool) -> PathBuf {
    if demo {
        data_dir.join("demo")
    } else {
        data_dir.to_owned()
    }
}

/// Who is signed in at an unlocked desk (after an offline unlock, as last stored).
async fn profile_of(desk: &Desk) -> Result<StaffProfile, ErrorBody> {
    desk.staff_profile().await.map_err(ipc)?.ok_or_else(|| {
        ipc(DeskError::Store(
            "this desk has no record of who signed in to it".to_owned(),
        ))
    })
}

/// Finishes start-up in the background (in demo mode: the embedded server and its sign-in)
/// and starts the idle timer, so the window appears at once.
pub fn start(app: AppHandle) {
    let idle = app.clone();
    tauri::async_runtime::spawn(async move {
        idle.state::<Shell>().watch_idle().await;
    });
    tauri::async_runtime::spawn(async move {
        let shell = app.state::<Shell>();
        let started = if shell.launch.demo {
            shell.start_demo().await
        } else {
            Ok(())
        };
        if let Err(e) = &started {
            tracing::error!(code = %e.code, "Council Desk did not start: {}", e.message);
        }
        shell.mark_started(started);
    });
}

/// Sends every change of the desk's sync status to the window until stopped.
fn forward_status(window: Arc<dyn Window>, desk: &Desk) -> JoinHandle<()> {
    let mut status = desk.watch_status();
    tokio::spawn(async move {
        loop {
            let now = status.borrow_and_update().clone();
            window.sync_status(&now);
            if status.changed().await.is_err() {
                break;
            }
        }
    })
}
