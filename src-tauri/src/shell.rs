//! The app's state: the open desk, its background sync loop and (in demo mode) the embedded
//! server. The window may call commands before the desk has finished opening; they wait for it.

use std::path::PathBuf;

use desk_client::{Desk, DeskConfig, SyncLoop};
use desk_domain::ErrorBody;
use tauri::{AppHandle, Emitter, Manager};
use tokio::sync::{Mutex, watch};

use crate::{AppInfo, DEFAULT_SERVER_URL, Launch, SYNC_STATUS_EVENT, demo};

type Opened = Option<Result<Desk, ErrorBody>>;

pub struct Shell {
    launch: Launch,
    data_dir: PathBuf,
    desk: watch::Sender<Opened>,
    sync: Mutex<Option<SyncLoop>>,
    demo_server: Mutex<Option<demo::DemoServer>>,
}

impl Shell {
    pub fn new(launch: Launch, data_dir: PathBuf) -> Shell {
        Shell {
            launch,
            data_dir,
            desk: watch::channel(None).0,
            sync: Mutex::new(None),
            demo_server: Mutex::new(None),
        }
    }

    /// The open desk, waiting while it opens. If opening failed every command gets that error.
    pub async fn desk(&self) -> Result<Desk, ErrorBody> {
        let mut rx = self.desk.subscribe();
        let opened = rx.wait_for(Option::is_some).await.map_err(|_| ErrorBody {
            code: "shutting_down".to_owned(),
            message: "Council Desk is closing.".to_owned(),
        })?;
        opened.clone().expect("waited for Some")
    }

    pub async fn app_info(&self) -> AppInfo {
        let server_url = self.desk().await.ok().map(|d| d.server_url());
        AppInfo {
            demo: self.launch.demo,
            version: env!("CARGO_PKG_VERSION").to_owned(),
            server_url,
            default_username: self.launch.demo.then(|| demo::USERNAME.to_owned()),
        }
    }

    /// Forgets the sign-in: the desk keeps its store (pending changes, Needs attention) and is
    /// reopened without a token, with a fresh sync loop.
    pub async fn sign_out(&self, app: &AppHandle) -> Result<(), ErrorBody> {
        self.desk().await?;
        if let Some(sync) = self.sync.lock().await.take() {
            sync.stop().await;
        }
        self.desk.send_replace(None);
        let reopened = open_desk(&self.launch, &self.data_dir).await;
        self.attach(app, reopened.clone()).await;
        reopened.map(|_| ())
    }

    /// Publishes an opened desk (or why it failed) to the commands, and starts its sync loop and
    /// the status events for the window.
    async fn attach(&self, app: &AppHandle, opened: Result<Desk, ErrorBody>) {
        if let Ok(desk) = &opened {
            *self.sync.lock().await = Some(desk.start_sync());
            forward_status(app.clone(), desk);
        }
        self.desk.send_replace(Some(opened));
    }

    pub async fn shutdown(&self) {
        if let Some(sync) = self.sync.lock().await.take() {
            sync.stop().await;
        }
        if let Some(server) = self.demo_server.lock().await.take() {
            server.stop().await;
        }
    }
}

fn desk_dir(data_dir: &std::path::Path, demo: bool) -> PathBuf {
    // Demo data never shares a store with a live desk.
    if demo {
        data_dir.join("demo").join("desk")
    } else {
        data_dir.join("desk")
    }
}

async fn open_desk(launch: &Launch, data_dir: &std::path::Path) -> Result<Desk, ErrorBody> {
    let config = DeskConfig {
        data_dir: desk_dir(data_dir, launch.demo),
        server_url: launch
            .server_url
            .clone()
            .unwrap_or_else(|| DEFAULT_SERVER_URL.to_owned()),
    };
    Desk::open(config).await.map_err(|e| e.to_body())
}

/// Opens the desk (and in demo mode the embedded server) in the background, so the window
/// appears at once.
pub fn start(app: AppHandle) {
    tauri::async_runtime::spawn(async move {
        let shell = app.state::<Shell>();
        let opened = if shell.launch.demo {
            start_demo(&shell).await
        } else {
            open_desk(&shell.launch, &shell.data_dir).await
        };
        if let Err(e) = &opened {
            tracing::error!(code = %e.code, "the desk did not open: {}", e.message);
        }
        shell.attach(&app, opened).await;
    });
}

async fn start_demo(shell: &Shell) -> Result<Desk, ErrorBody> {
    let demo_dir = shell.data_dir.join("demo");
    let server = demo::DemoServer::start(&demo_dir).await.map_err(|e| ErrorBody {
        code: "demo_failed".to_owned(),
        message: format!("The demo server did not start: {e:#}"),
    })?;
    let url = server.url();
    let password = server.password().to_owned();
    *shell.demo_server.lock().await = Some(server);
    let desk = open_desk(&shell.launch, &shell.data_dir).await?;
    desk.set_server_url(&url).await.map_err(|e| e.to_body())?;
    desk.sign_in(demo::USERNAME, &password).await.map_err(|e| e.to_body())?;
    Ok(desk)
}

/// Sends every change of the desk's sync status to the window until that desk is closed.
fn forward_status(app: AppHandle, desk: &Desk) {
    let mut status = desk.watch_status();
    tauri::async_runtime::spawn(async move {
        loop {
            let now = status.borrow_and_update().clone();
            if let Err(e) = app.emit(SYNC_STATUS_EVENT, now) {
                tracing::warn!("could not send sync status to the window: {e}");
            }
            if status.changed().await.is_err() {
                break;
            }
        }
    });
}
