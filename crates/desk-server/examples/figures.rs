//! Server-side figures on this machine: drain rate, demo-data load time, and the rate of a
//! full initial pull over HTTP for a large scope. `cargo run -p desk-server --example figures`
//! (PostgreSQL figures need DESK_TEST_POSTGRES_URL). Prints `BENCH <name> <value> <unit>`.

use std::time::Instant;

use desk_domain::{PullResponse, Role, SignInResponse, Site};
use desk_server::{NewStaff, Server, StoreConfig};

/// A backend's name, its store, and (PostgreSQL) the admin URL and database to drop afterwards.
type Target = (&'static str, StoreConfig, Option<(String, String)>);

fn configs(dir: &std::path::Path) -> anyhow::Result<Vec<Target>> {
    let mut out = vec![(
        "sqlite",
        StoreConfig::Sqlite {
            path: dir.join("council.db"),
        },
        None,
    )];
    if let Ok(admin) = std::env::var("DESK_TEST_POSTGRES_URL") {
        let name = format!("desk_figures_{}", uuid::Uuid::new_v4().simple());
        let mut c = postgres::Client::connect(&admin, postgres::NoTls)?;
        c.batch_execute(&format!("CREATE DATABASE {name}"))?;
        let (base, _) = admin.rsplit_once('/').unwrap();
        out.push((
            "postgres",
            StoreConfig::Postgres {
                url: format!("{base}/{name}"),
            },
            Some((admin, name)),
        ));
    }
    Ok(out)
}

fn main() -> anyhow::Result<()> {
    let dir = tempfile::tempdir()?;
    let runtime = tokio::runtime::Runtime::new()?;
    for (backend, cfg, admin) in configs(dir.path())? {
        let store = desk_server::open_store(&cfg)?;
        let rate = desk_server::bench_drain(store.clone(), 5_000);
        println!("BENCH server_drain_{backend} {rate:.0} mutations/s");

        let first_day = desk_fixtures::default_first_day(chrono::Local::now().date_naive());
        let data = desk_fixtures::generate(desk_fixtures::DEFAULT_SEED, first_day);
        let started = Instant::now();
        desk_server::load_demo(&*store, &data)?;
        println!("BENCH demo_load_{backend} {:.2} s", started.elapsed().as_secs_f64());

        // A supervisor over every office sees all 45,000 council-tax accounts and more.
        let mut sites: Vec<Site> = (1..=8).map(Site::leisure).collect();
        sites.extend((1..=4).map(Site::office));
        desk_server::add_staff(
            &*store,
            NewStaff {
                username: "figures.supervisor".into(),
                display_name: "Figures".into(),
                password: "correct horse battery".into(),
                roles: vec![Role::Supervisor],
                sites,
            },
        )?;
        runtime.block_on(async {
            let server = Server::start(store.clone(), "127.0.0.1:0".parse().unwrap()).await?;
            let http = reqwest::Client::new();
            let base = format!("http://{}", server.addr);
            let signed: SignInResponse = http
                .post(format!("{base}/v1/session"))
                .json(&serde_json::json!({"username": "figures.supervisor", "password": "correct horse battery", "device_id": uuid::Uuid::now_v7()}))
                .send()
                .await?
                .json()
                .await?;
            let started = Instant::now();
            let mut cursor: Option<String> = None;
            let mut rows = 0usize;
            loop {
                let mut req = http
                    .get(format!("{base}/v1/pull"))
                    .bearer_auth(&signed.access_token)
                    .query(&[("limit", "5000")]);
                if let Some(c) = &cursor {
                    req = req.query(&[("cursor", c)]);
                }
                let page: PullResponse = req.send().await?.json().await?;
                rows += page.changes.len();
                cursor = Some(page.cursor);
                if !page.has_more {
                    break;
                }
            }
            let secs = started.elapsed().as_secs_f64();
            println!("BENCH server_pull_rows_{backend} {rows} rows");
            println!("BENCH server_pull_rate_{backend} {:.0} rows/s", rows as f64 / secs);
            server.stop().await;
            Ok::<_, anyhow::Error>(())
        })?;
        drop(store);
        if let Some((admin, name)) = admin {
            let mut c = postgres::Client::connect(&admin, postgres::NoTls)?;
            c.batch_execute(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))?;
        }
    }
    Ok(())
}
