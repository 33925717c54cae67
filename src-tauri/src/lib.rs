//! Council Desk's desktop shell: a Tauri 2 window over [`desk_client::Desk`].
//!
//! The shell holds no rules and no data of its own. Every command is a one-line adapter over the
//! desk engine ([`commands`]); errors cross IPC as `ErrorBody {code, message}`. The background
//! sync loop runs for as long as the app does and its status is pushed to the window as
//! `sync-status` events. In demo mode ([`demo`]) the shell also runs the council server
//! in-process on a loopback port with fictional data and signs in to a demo account.

pub mod bindings;
pub mod commands;
pub mod demo;
pub mod settings;
mod shell;

use std::path::PathBuf;
use std::time::Duration;

use serde::Serialize;
use tauri::{Emitter, Manager};

pub use shell::{Shell, Window};

/// The event the window listens to for the desk's sync status (payload: `SyncStatus`).
pub const SYNC_STATUS_EVENT: &str = "sync-status";

/// The event sent when the desk locks, idle or asked to (payload: [`DeskLocked`]).
pub const DESK_LOCKED_EVENT: &str = "desk-locked";

/// The payload of [`DESK_LOCKED_EVENT`]: whose desk it is, for the lock screen.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ts_rs::TS)]
pub struct DeskLocked {
    pub username: String,
}

/// What the interface needs to know about how the app was started.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ts_rs::TS)]
pub struct AppInfo {
    /// Running against the embedded demo server with fictional data: show the banner.
    pub demo: bool,
    pub version: String,
    /// The council server address the next sign-in uses (remembered between runs).
    pub server_url: Option<String>,
    /// A user name to put in the sign-in form (the demo account in demo mode).
    pub default_username: Option<String>,
    /// The council's idle time before the desk locks, in seconds (said on the lock screen).
    pub idle_lock_secs: u64,
    /// The user name the desk is locked for, while it is locked.
    pub locked_for: Option<String>,
    /// A staff member's desk is open, locked or not (`locked_for` says which).
    pub signed_in: bool,
    /// The open store's device id, which the audit rows of this desk name (each staff member's
    /// store has its own); `None` while signed out. Support and the E2E audit checks read it.
    pub device_id: Option<uuid::Uuid>,
    /// What the signed-in member of staff may do here (empty while locked or signed out): the
    /// interface's navigation and route guards follow this, never the roles themselves.
    pub capabilities: Vec<desk_domain::scope::Capability>,
    /// This machine lets desks use plain http:// to a server that is not this computer
    /// (`COUNCIL_DESK_ALLOW_PLAIN_HTTP`, set by IT): the sign-in screen warns when it is used.
    pub plain_http_allowed: bool,
}

/// How the app was asked to start: from the command line and the environment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Launch {
    /// `--demo` or `COUNCIL_DESK_DEMO=1`.
    pub demo: bool,
    /// `--data-dir` or `COUNCIL_DESK_DATA_DIR` (tests need isolated folders); otherwise Tauri's
    /// app data dir.
    pub data_dir: Option<PathBuf>,
    /// `--server-url` or `COUNCIL_DESK_SERVER_URL`: the server address used until one is chosen
    /// at sign-in.
    pub server_url: Option<String>,
    /// `--idle-lock-secs N` or `COUNCIL_DESK_IDLE_LOCK_SECS`: seconds without use before the
    /// desk locks ([`Launch::DEFAULT_IDLE_LOCK_SECS`]; 0 or not a number → the default; at
    /// most [`Launch::MAX_IDLE_LOCK_SECS`]).
    pub idle_lock_secs: u64,
}

/// The server address a desk starts with when none was ever chosen: `desk-server serve`'s default.
pub const DEFAULT_SERVER_URL: &str = "http://127.0.0.1:8640";

impl Launch {
    /// Five minutes: the council's usual policy for shared reception desks.
    pub const DEFAULT_IDLE_LOCK_SECS: u64 = 300;
    /// An hour: a longer idle time would leave a walked-away desk open for too long.
    pub const MAX_IDLE_LOCK_SECS: u64 = 3600;

    /// `--demo`, `--data-dir DIR`, `--server-url URL` and `--idle-lock-secs N` (also as
    /// `--name=value`) win over the environment: WebDriver starts the app with arguments but
    /// cannot give it an environment.
    pub fn from_args_and_env(args: impl IntoIterator<Item = String>, env: impl Fn(&str) -> Option<String>) -> Launch {
        let flag = |v: Option<String>| v.is_some_and(|v| matches!(v.trim(), "1" | "true" | "yes"));
        let non_empty = |v: Option<String>| v.filter(|v| !v.trim().is_empty());
        let mut demo = flag(env("COUNCIL_DESK_DEMO"));
        let mut data_dir = non_empty(env("COUNCIL_DESK_DATA_DIR"));
        let mut server_url = non_empty(env("COUNCIL_DESK_SERVER_URL"));
        let mut idle_lock = non_empty(env("COUNCIL_DESK_IDLE_LOCK_SECS"));
        let mut args = args.into_iter().skip(1);
        while let Some(arg) = args.next() {
            let (name, inline) = match arg.split_once('=') {
                Some((n, v)) => (n.to_owned(), Some(v.to_owned())),
                None => (arg, None),
            };
            match name.as_str() {
                "--demo" => demo = true,
                "--data-dir" => data_dir = non_empty(inline.or_else(|| args.next())).or(data_dir),
                "--server-url" => server_url = non_empty(inline.or_else(|| args.next())).or(server_url),
                "--idle-lock-secs" => idle_lock = non_empty(inline.or_else(|| args.next())).or(idle_lock),
                // Anything else (a second launch's arguments, WebDriver's own) is not ours.
                _ => {}
            }
        }
        Launch {
            demo,
            data_dir: data_dir.map(PathBuf::from),
            server_url,
            idle_lock_secs: Self::idle_lock_secs(idle_lock.as_deref()),
        }
    }

    fn idle_lock_secs(given: Option<&str>) -> u64 {
        match given.map(|v| v.trim().parse::<u64>()) {
            Some(Ok(0)) | None => Self::DEFAULT_IDLE_LOCK_SECS,
            Some(Ok(n)) => n.min(Self::MAX_IDLE_LOCK_SECS),
            Some(Err(_)) => {
                tracing::warn!(
                    "the idle lock time {:?} is not a whole number of seconds; using {}",
                    given.unwrap_or_default(),
                    Self::DEFAULT_IDLE_LOCK_SECS
                );
                Self::DEFAULT_IDLE_LOCK_SECS
            }
        }
    }

    pub fn idle_lock_after(&self) -> Duration {
        Duration::from_secs(self.idle_lock_secs)
    }
}

/// The window, as the shell sees it: the events it sends there.
impl Window for tauri::AppHandle {
    fn sync_status(&self, status: &desk_client::SyncStatus) {
        if let Err(e) = self.emit(SYNC_STATUS_EVENT, status) {
            tracing::warn!("could not send sync status to the window: {e}");
        }
    }

    fn desk_locked(&self, username: &str) {
        let payload = DeskLocked {
            username: username.to_owned(),
        };
        if let Err(e) = self.emit(DESK_LOCKED_EVENT, payload) {
            tracing::warn!("could not tell the window the desk locked: {e}");
        }
    }
}

/// Builds and runs the app until its last window closes.
pub fn run(launch: Launch) -> anyhow::Result<()> {
    let app = tauri::Builder::default()
        // First: a second launch focuses the running window instead of opening a second desk
        // on the same store.
        .plugin(tauri_plugin_single_instance::init(|app, args, _cwd| {
            // Said on standard error, with the other launch's arguments, so that support (and
            // the E2E test) can see this window received the hand-over and came forward.
            match app.get_webview_window("main") {
                Some(window) => {
                    let _ = window.unminimize();
                    let shown = window.show().and_then(|()| window.set_focus());
                    tracing::info!(
                        ?args,
                        shown = shown.is_ok(),
                        "another launch handed over to this window"
                    );
                }
                None => tracing::warn!(?args, "another launch handed over, but there is no window to show"),
            }
        }))
        .plugin(tauri_plugin_window_state::Builder::default().build())
        .invoke_handler(commands::handler())
        .setup(move |app| {
            let data_dir = match &launch.data_dir {
                Some(dir) => dir.clone(),
                None => app.path().app_data_dir()?,
            };
            let shell = Shell::new(launch.clone(), data_dir, std::sync::Arc::new(app.handle().clone()));
            app.manage(shell);
            shell::start(app.handle().clone());
            Ok(())
        })
        .build(tauri::generate_context!())?;
    app.run(|handle, event| {
        if let tauri::RunEvent::Exit = event {
            // Let the sync loop finish its current step and the demo server close its streams.
            tauri::async_runtime::block_on(handle.state::<Shell>().shutdown());
        }
    });
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env_of(pairs: &'static [(&'static str, &'static str)]) -> impl Fn(&str) -> Option<String> {
        move |k| pairs.iter().find(|(n, _)| *n == k).map(|(_, v)| (*v).to_owned())
    }

    fn args(a: &[&str]) -> Vec<String> {
        std::iter::once("council-desk")
            .chain(a.iter().copied())
            .map(str::to_owned)
            .collect()
    }

    #[test]
    fn demo_mode_comes_from_the_flag_or_the_environment() {
        assert!(Launch::from_args_and_env(args(&["--demo"]), env_of(&[])).demo);
        assert!(Launch::from_args_and_env(args(&[]), env_of(&[("COUNCIL_DESK_DEMO", "1")])).demo);
        assert!(!Launch::from_args_and_env(args(&[]), env_of(&[("COUNCIL_DESK_DEMO", "0")])).demo);
        assert!(!Launch::from_args_and_env(args(&["--demonstrate"]), env_of(&[])).demo);
    }

    #[test]
    fn data_dir_and_server_url_overrides_ignore_empty_values() {
        let l = Launch::from_args_and_env(
            args(&[]),
            env_of(&[
                ("COUNCIL_DESK_DATA_DIR", "/tmp/desk-a"),
                ("COUNCIL_DESK_SERVER_URL", " "),
            ]),
        );
        assert_eq!(l.data_dir, Some(PathBuf::from("/tmp/desk-a")));
        assert_eq!(l.server_url, None);
    }

    #[test]
    fn arguments_win_over_the_environment_in_both_spellings() {
        let env = env_of(&[("COUNCIL_DESK_DATA_DIR", "/tmp/from-env")]);
        let l = Launch::from_args_and_env(args(&["--data-dir", "/tmp/a", "--server-url=http://127.0.0.1:9"]), &env);
        assert_eq!(l.data_dir, Some(PathBuf::from("/tmp/a")));
        assert_eq!(l.server_url.as_deref(), Some("http://127.0.0.1:9"));
        let l = Launch::from_args_and_env(args(&["--data-dir=/tmp/b", "--unknown"]), &env);
        assert_eq!(l.data_dir, Some(PathBuf::from("/tmp/b")));
        assert!(!l.demo);
        // A flag without its value keeps what the environment said.
        let l = Launch::from_args_and_env(args(&["--data-dir"]), &env);
        assert_eq!(l.data_dir, Some(PathBuf::from("/tmp/from-env")));
    }

    #[test]
    fn idle_lock_time_defaults_to_five_minutes_and_is_bounded() {
        let secs = |a: &[&str], e: &'static [(&'static str, &'static str)]| {
            Launch::from_args_and_env(args(a), env_of(e)).idle_lock_secs
        };
        assert_eq!(secs(&[], &[]), 300);
        assert_eq!(secs(&["--idle-lock-secs", "60"], &[]), 60);
        assert_eq!(secs(&["--idle-lock-secs=2"], &[]), 2);
        assert_eq!(secs(&[], &[("COUNCIL_DESK_IDLE_LOCK_SECS", "90")]), 90);
        // The argument wins over the environment; a flag without a value keeps the environment's.
        assert_eq!(
            secs(&["--idle-lock-secs", "30"], &[("COUNCIL_DESK_IDLE_LOCK_SECS", "90")]),
            30
        );
        assert_eq!(
            secs(&["--idle-lock-secs"], &[("COUNCIL_DESK_IDLE_LOCK_SECS", "90")]),
            90
        );
        // 0 and junk give the default; more than an hour is an hour.
        for junk in ["0", "-5", "five", "1.5", "", " ", "300s", "99999999999999999999999"] {
            assert_eq!(secs(&["--idle-lock-secs", junk], &[]), 300, "{junk:?}");
        }
        assert_eq!(secs(&["--idle-lock-secs", "3600"], &[]), 3600);
        assert_eq!(secs(&["--idle-lock-secs", "3601"], &[]), 3600);
        assert_eq!(secs(&[], &[("COUNCIL_DESK_IDLE_LOCK_SECS", "86400")]), 3600);
        let l = Launch::from_args_and_env(args(&["--idle-lock-secs", " 45 "]), env_of(&[]));
        assert_eq!(l.idle_lock_after(), Duration::from_secs(45));
    }
}
