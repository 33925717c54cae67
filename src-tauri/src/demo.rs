//! Demo mode: the council server runs inside the app on a loopback port, on a SQLite file under
//! the app's data dir, with the generated fictional dataset.
//!
//! The dataset's timetable starts on the Monday of the week it was loaded. When the app is
//! started in a later week the demo store (server and desk) is made again, so the timetable
//! always shows this week; bookings made in demo mode are fictional and go with it.

use std::net::{Ipv4Addr, SocketAddr};
use std::path::{Path, PathBuf};

use anyhow::Context as _;
use chrono::NaiveDate;
use desk_server::{Server, StoreConfig};

/// The demo account the app signs in to: a leisure desk at the first centre.
pub const USERNAME: &str = "demo.leisure";

/// Written after the demo data has been loaded completely: the week it was generated for.
const LOADED_MARKER: &str = "demo-loaded-for-week";

pub struct DemoServer {
    server: Server,
    password: String,
}

impl DemoServer {
    /// Starts the embedded server over `<demo_dir>/server/council.db`, loading the demo data
    /// first when the store is new or was made for another week.
    pub async fn start(demo_dir: &Path) -> anyhow::Result<DemoServer> {
        let first_day = desk_fixtures::default_first_day(chrono::Local::now().date_naive());
        let demo_dir = demo_dir.to_owned();
        let (store, password) = tokio::task::spawn_blocking(move || prepare(&demo_dir, first_day))
            .await
            .context("preparing the demo store stopped")??;
        let listen = SocketAddr::from((Ipv4Addr::LOCALHOST, 0));
        let server = Server::start(store, listen)
            .await
            .context("starting the embedded server")?;
        tracing::info!(addr = %server.addr, "demo server listening");
        Ok(DemoServer { server, password })
    }

    pub fn url(&self) -> String {
        format!("http://{}", self.server.addr)
    }

    pub fn password(&self) -> &str {
        &self.password
    }

    pub async fn stop(self) {
        self.server.stop().await;
    }
}

fn prepare(demo_dir: &Path, first_day: NaiveDate) -> anyhow::Result<(std::sync::Arc<dyn desk_server::Store>, String)> {
    let server_dir = demo_dir.join("server");
    let marker = demo_dir.join(LOADED_MARKER);
    // The marker holds the week and the demo account's password (published in the README; it
    // protects only fictional data), so a warm start need not generate the dataset again.
    let loaded = std::fs::read_to_string(&marker).ok().and_then(|s| {
        let (week, password) = s.split_once('\n')?;
        let week = week.trim().parse::<NaiveDate>().ok()?;
        Some((week, password.trim().to_owned()))
    });
    let fresh = !matches!(&loaded, Some((week, password)) if *week == first_day && !password.is_empty());
    if fresh {
        // A half-loaded store or one for another week: start again from nothing, staff desks
        // included (their replicas and cursors belong to the old server store). `desk` is where
        // the single unencrypted desk of earlier versions lived.
        let _ = std::fs::remove_file(&marker);
        for dir in [server_dir.clone(), demo_dir.join("staff"), demo_dir.join("desk")] {
            remove_dir_if_present(&dir)?;
        }
    }
    std::fs::create_dir_all(&server_dir).with_context(|| format!("creating {}", server_dir.display()))?;
    let store = desk_server::open_store(&StoreConfig::Sqlite {
        path: server_dir.join("council.db"),
    })
    .context("opening the demo server store")?;
    let password = match loaded {
        Some((_, password)) if !fresh => password,
        _ => {
            let data = desk_fixtures::generate(desk_fixtures::DEFAULT_SEED, first_day);
            let password = data
                .staff
                .iter()
                .find(|s| s.username == USERNAME)
                .map(|s| s.password.clone())
                .with_context(|| format!("the demo dataset has no `{USERNAME}` account"))?;
            desk_server::load_demo(&*store, &data).context("loading the demo data")?;
            std::fs::write(&marker, format!("{first_day}\n{password}\n"))
                .with_context(|| format!("writing {}", marker.display()))?;
            password
        }
    };
    Ok((store, password))
}

fn remove_dir_if_present(dir: &PathBuf) -> anyhow::Result<()> {
    match std::fs::remove_dir_all(dir) {
        Ok(()) => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(()),
        Err(e) => Err(e).with_context(|| format!("removing {}", dir.display())),
    }
}
