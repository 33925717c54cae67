//! `desk-server`: run the council server and its admin tasks.

use std::io::Read;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;

use anyhow::{Context, bail};
use clap::{Args, Parser, Subcommand};
use desk_domain::{Role, Site};
use desk_server::tls::TlsFiles;
use desk_server::{ImportError, NewStaff, Server, Store, StoreConfig};

#[derive(Parser)]
#[command(
    name = "desk-server",
    version,
    about = "Council Desk's council server: sync API and admin tasks"
)]
struct Cli {
    #[command(subcommand)]
    command: Cmd,
}

#[derive(Args, Clone)]
struct StoreArgs {
    /// Directory for the embedded SQLite database (default: $XDG_DATA_HOME/council-desk-server
    /// or ~/.local/share/council-desk-server).
    #[arg(long, value_name = "DIR")]
    data_dir: Option<PathBuf>,
    /// PostgreSQL URL (postgres://user:password@host/db); without it, SQLite in the data directory.
    #[arg(long, value_name = "URL")]
    database: Option<String>,
}

#[derive(Subcommand)]
enum Cmd {
    /// Serve the sync API (migrates the database first).
    Serve {
        #[arg(long, default_value = "127.0.0.1:8640", value_name = "ADDR")]
        listen: SocketAddr,
        /// Serve HTTPS with this PEM certificate chain (leaf first); read again whenever it or
        /// the key changes, without a restart. Without it, plain HTTP (behind a TLS proxy, or
        /// on loopback).
        #[arg(long, env = "DESK_TLS_CERT", value_name = "PEM", requires = "tls_key")]
        tls_cert: Option<PathBuf>,
        /// The certificate's PEM private key.
        #[arg(long, env = "DESK_TLS_KEY", value_name = "PEM", requires = "tls_cert")]
        tls_key: Option<PathBuf>,
        /// How often the server passes on waiting-list offers that ran out (issue 11 §5). An
        /// offer is held for its centre's `offer_hold_minutes` (minutes to hours), so half a
        /// minute late is within what a receptionist would notice.
        #[arg(long, default_value_t = 30, value_name = "SECONDS")]
        offer_sweep_seconds: u64,
        #[command(flatten)]
        store: StoreArgs,
    },
    /// Bring the database schema up to date.
    Migrate {
        #[command(flatten)]
        store: StoreArgs,
    },
    /// Create a staff account. The password is read from DESK_STAFF_PASSWORD or standard input.
    AddStaff {
        #[arg(long)]
        username: String,
        #[arg(long)]
        display_name: String,
        /// leisure-desk, school-office, contact-centre, supervisor, trainer, administrator (repeatable)
        #[arg(long = "role", required = true)]
        roles: Vec<Role>,
        /// leisure:N, school:N or office:N (repeatable)
        #[arg(long = "site")]
        sites: Vec<Site>,
        #[command(flatten)]
        store: StoreArgs,
    },
    /// Disable a staff account: its tokens are refused at once and its desks purge their data.
    DisableStaff {
        #[arg(long)]
        username: String,
        #[command(flatten)]
        store: StoreArgs,
    },
    /// Enable a disabled staff account again.
    EnableStaff {
        #[arg(long)]
        username: String,
        #[command(flatten)]
        store: StoreArgs,
    },
    /// Set a new password (read from DESK_STAFF_PASSWORD or standard input); clears a lockout.
    ResetPassword {
        #[arg(long)]
        username: String,
        #[command(flatten)]
        store: StoreArgs,
    },
    /// Replace a staff member's roles and sites.
    SetAccess {
        #[arg(long)]
        username: String,
        /// leisure-desk, school-office, contact-centre, supervisor, trainer, administrator (repeatable)
        #[arg(long = "role", required = true)]
        roles: Vec<Role>,
        /// leisure:N, school:N or office:N (repeatable)
        #[arg(long = "site")]
        sites: Vec<Site>,
        #[command(flatten)]
        store: StoreArgs,
    },
    /// Print every record held about a person and every access to it (subject access request).
    Audit {
        /// customer:ID (with their bookings), pupil:ID (with their contacts) or ct:ID (a
        /// council-tax account and its liable people); a bare ID is a customer.
        #[arg(long, value_name = "REF")]
        person: desk_server::PersonRef,
        /// Print the report as JSON: {person, kind, id, records: [{table, record_kind, id,
        /// data}], accesses: [{at, action, staff_id, staff_username, staff_display_name,
        /// device_id, record_kind, record_id, person_id, detail, source, device_seq}]}.
        #[arg(long)]
        json: bool,
        #[command(flatten)]
        store: StoreArgs,
    },
    /// Import centres, activities and sessions from a CSV file, all or nothing.
    ImportTimetable {
        file: PathBuf,
        #[command(flatten)]
        store: StoreArgs,
    },
    /// Import the council's attendance codes (CSV, all or nothing) into every school.
    ImportAttendanceCodes {
        file: PathBuf,
        #[command(flatten)]
        store: StoreArgs,
    },
    /// Import school calendars (CSV, all or nothing): term days, holidays, in-service days.
    ImportCalendar {
        file: PathBuf,
        #[command(flatten)]
        store: StoreArgs,
    },
    /// Import registration marks from the schools' MIS (CSV, all or nothing): pupils absent at
    /// registration with no reason known.
    ImportRegister {
        file: PathBuf,
        #[command(flatten)]
        store: StoreArgs,
    },
    /// Write a school's absence records as CSV for its MIS; each revision is exported once.
    ExportAttendance {
        #[arg(long)]
        school: i64,
        #[arg(long, value_name = "YYYY-MM-DD")]
        from: chrono::NaiveDate,
        #[arg(long, value_name = "YYYY-MM-DD")]
        to: chrono::NaiveDate,
        /// Export every record in the range again, whatever was exported before.
        #[arg(long)]
        again: bool,
        /// Write to this file rather than standard output.
        #[arg(long, value_name = "FILE")]
        out: Option<PathBuf>,
        #[command(flatten)]
        store: StoreArgs,
    },
    /// Set a school's own rules and attendance thresholds (unset options keep their value).
    SchoolSettings {
        #[arg(long)]
        school: i64,
        /// The code a late arrival after half the opening gets (one of the school's codes).
        #[arg(long, value_name = "CODE")]
        late_code: Option<String>,
        /// Unanswered contact attempts before a pupil is escalated.
        #[arg(long, value_name = "N")]
        escalate_after: Option<u32>,
        /// How many school days ahead an absence may be recorded.
        #[arg(long, value_name = "N")]
        max_days_ahead: Option<u32>,
        /// The longest reason note, in characters.
        #[arg(long, value_name = "N")]
        max_note: Option<usize>,
        /// The morning opening, e.g. 08:50-12:20.
        #[arg(long, value_name = "HH:MM-HH:MM", value_parser = parse_span)]
        am: Option<(chrono::NaiveTime, chrono::NaiveTime)>,
        /// The afternoon opening, e.g. 13:15-15:15.
        #[arg(long, value_name = "HH:MM-HH:MM", value_parser = parse_span)]
        pm: Option<(chrono::NaiveTime, chrono::NaiveTime)>,
        /// Attendance below this percentage is flagged.
        #[arg(long, value_name = "PERCENT")]
        flag_below: Option<u8>,
        /// Attendance below this percentage is flagged red.
        #[arg(long, value_name = "PERCENT")]
        red_below: Option<u8>,
        #[command(flatten)]
        store: StoreArgs,
    },
    /// Write every new council-tax change request as one batch for the revenue system
    /// (docs/council-tax-handoff.md); each request is exported once.
    CtExport {
        /// The batch is written to DIR/ct-export-<batch id>/.
        #[arg(long, value_name = "DIR")]
        out: PathBuf,
        /// Write this earlier batch again, as it was taken (nothing new is exported).
        #[arg(long, value_name = "BATCH_ID")]
        batch: Option<uuid::Uuid>,
        #[command(flatten)]
        store: StoreArgs,
    },
    /// Read the revenue system's results (CSV, all or nothing) and update the requests'
    /// statuses, which sync to the desks.
    CtImportStatus {
        file: PathBuf,
        #[command(flatten)]
        store: StoreArgs,
    },
    /// Load a council's leisure prices and booking policies (JSON or CSV; columns in
    /// docs/leisure-settings.md). Dated lists and policies are added to each centre's, replacing
    /// any that start the same day; all or nothing.
    LeisureSettings {
        #[arg(long, value_name = "FILE")]
        prices: Option<PathBuf>,
        #[arg(long, value_name = "FILE")]
        policies: Option<PathBuf>,
        #[command(flatten)]
        store: StoreArgs,
    },
    /// Load the generated demo data and demo staff (does nothing if already loaded).
    DemoData {
        #[arg(long, default_value_t = desk_fixtures::DEFAULT_SEED)]
        seed: u64,
        #[command(flatten)]
        store: StoreArgs,
    },
}

fn default_data_dir() -> anyhow::Result<PathBuf> {
    if let Some(xdg) = std::env::var_os("XDG_DATA_HOME").filter(|v| !v.is_empty()) {
        return Ok(PathBuf::from(xdg).join("council-desk-server"));
    }
    let home = std::env::var_os("HOME").context("neither XDG_DATA_HOME nor HOME is set; pass --data-dir")?;
    Ok(PathBuf::from(home).join(".local/share/council-desk-server"))
}

fn open(args: &StoreArgs) -> anyhow::Result<Arc<dyn Store>> {
    let cfg = match &args.database {
        Some(url) => StoreConfig::Postgres { url: url.clone() },
        None => {
            let dir = match &args.data_dir {
                Some(d) => d.clone(),
                None => default_data_dir()?,
            };
            StoreConfig::Sqlite {
                path: dir.join("council.db"),
            }
        }
    };
    let what = match &cfg {
        StoreConfig::Sqlite { path } => format!("SQLite database {}", path.display()),
        StoreConfig::Postgres { .. } => "PostgreSQL database".to_owned(),
    };
    desk_server::open_store(&cfg).with_context(|| format!("opening the {what}"))
}

fn read_password() -> anyhow::Result<String> {
    if let Ok(p) = std::env::var("DESK_STAFF_PASSWORD") {
        return Ok(p);
    }
    let mut input = String::new();
    std::io::stdin()
        .read_to_string(&mut input)
        .context("reading the password from standard input")?;
    Ok(input.lines().next().unwrap_or("").to_owned())
}

/// `08:50-12:20` as two times of day.
fn parse_span(s: &str) -> Result<(chrono::NaiveTime, chrono::NaiveTime), String> {
    let bad = || format!("`{s}` is not a span of the day like 08:50-12:20");
    let (a, b) = s.split_once('-').ok_or_else(bad)?;
    let t = |x: &str| chrono::NaiveTime::parse_from_str(x.trim(), "%H:%M").map_err(|_| bad());
    Ok((t(a)?, t(b)?))
}

/// A school import's result, its bad rows printed one a line.
fn school_import<T>(
    result: Result<T, desk_server::school::SchoolImportError>,
    file: &std::path::Path,
) -> anyhow::Result<T> {
    match result {
        Ok(t) => Ok(t),
        Err(desk_server::school::SchoolImportError::Rows(rows)) => {
            for r in &rows {
                eprintln!("{r}");
            }
            bail!("{} bad row(s) in {}; nothing was imported", rows.len(), file.display());
        }
        Err(e) => Err(e).context("importing"),
    }
}

fn main() -> anyhow::Result<()> {
    tracing_subscriber::fmt()
        .with_env_filter(tracing_subscriber::EnvFilter::try_from_default_env().unwrap_or_else(|_| "info".into()))
        .with_target(false)
        // Logs go to standard error: standard output carries what a command prints (a JSON
        // document, a report, the address `serve` listens on) and nothing else.
        .with_writer(std::io::stderr)
        .init();
    let cli = Cli::parse();
    match cli.command {
        Cmd::Serve {
            listen,
            tls_cert,
            tls_key,
            offer_sweep_seconds,
            store,
        } => {
            let store = open(&store)?;
            let tls = tls_cert.zip(tls_key).map(|(cert, key)| TlsFiles { cert, key });
            let runtime = tokio::runtime::Runtime::new()?;
            runtime.block_on(async move {
                let sweep = desk_server::spawn_offer_sweep(
                    store.clone(),
                    std::time::Duration::from_secs(offer_sweep_seconds.max(1)),
                );
                let (server, scheme) = match &tls {
                    Some(files) => (Server::start_tls(store, listen, files).await?, "https"),
                    None => (Server::start(store, listen).await?, "http"),
                };
                println!("desk-server listening on {scheme}://{}", server.addr);
                tokio::signal::ctrl_c().await?;
                println!("stopping");
                sweep.abort();
                server.stop().await;
                Ok::<_, anyhow::Error>(())
            })?;
        }
        Cmd::Migrate { store } => {
            let store = open(&store)?;
            println!("{} schema is up to date", store.backend());
        }
        Cmd::AddStaff {
            username,
            display_name,
            roles,
            sites,
            store,
        } => {
            let password = read_password()?;
            let store = open(&store)?;
            let id = desk_server::add_staff(
                &*store,
                NewStaff {
                    username: username.clone(),
                    display_name,
                    password,
                    roles,
                    sites,
                },
            )
            .with_context(|| format!("adding `{username}`"))?;
            println!("added staff member {username} (id {id})");
        }
        Cmd::DisableStaff { username, store } => {
            let store = open(&store)?;
            desk_server::set_staff_disabled(&*store, &username, true)
                .with_context(|| format!("disabling `{username}`"))?;
            println!("disabled staff member {username}");
        }
        Cmd::EnableStaff { username, store } => {
            let store = open(&store)?;
            desk_server::set_staff_disabled(&*store, &username, false)
                .with_context(|| format!("enabling `{username}`"))?;
            println!("enabled staff member {username}");
        }
        Cmd::ResetPassword { username, store } => {
            let password = read_password()?;
            let store = open(&store)?;
            desk_server::reset_password(&*store, &username, &password)
                .with_context(|| format!("resetting the password of `{username}`"))?;
            println!("new password set for {username}");
        }
        Cmd::SetAccess {
            username,
            roles,
            sites,
            store,
        } => {
            let store = open(&store)?;
            let staff = desk_server::set_access(&*store, &username, roles, sites)
                .with_context(|| format!("setting the access of `{username}`"))?;
            let names = |v: Vec<String>| if v.is_empty() { "-".to_owned() } else { v.join(", ") };
            println!(
                "{username}: roles {}; sites {}",
                names(staff.roles.iter().map(|r| format!("{r:?}")).collect()),
                names(staff.sites.iter().map(ToString::to_string).collect())
            );
        }
        Cmd::Audit { person, json, store } => {
            let store = open(&store)?;
            if json {
                let report = desk_server::person_report_data(&*store, person).context("reading the audit store")?;
                println!("{}", serde_json::to_string_pretty(&report)?);
            } else {
                print!(
                    "{}",
                    desk_server::person_report(&*store, person).context("reading the audit store")?
                );
            }
        }
        Cmd::ImportTimetable { file, store } => {
            let text = std::fs::read_to_string(&file).with_context(|| format!("reading {}", file.display()))?;
            let store = open(&store)?;
            match desk_server::import_timetable(&*store, &text) {
                Ok(s) => println!(
                    "imported {} centre(s), {} activity(ies), {} session(s)",
                    s.centres, s.activities, s.sessions
                ),
                Err(ImportError::Rows(rows)) => {
                    for r in &rows {
                        eprintln!("{r}");
                    }
                    bail!("{} bad row(s) in {}; nothing was imported", rows.len(), file.display());
                }
                Err(e) => return Err(e).context("importing the timetable"),
            }
        }
        Cmd::ImportAttendanceCodes { file, store } => {
            let bytes = std::fs::read(&file).with_context(|| format!("reading {}", file.display()))?;
            let store = open(&store)?;
            let (codes, schools) = school_import(desk_server::school::import_attendance_codes(&*store, &bytes), &file)?;
            println!("imported {codes} attendance code(s) into {schools} school(s)");
        }
        Cmd::ImportCalendar { file, store } => {
            let bytes = std::fs::read(&file).with_context(|| format!("reading {}", file.display()))?;
            let store = open(&store)?;
            let (days, years) = school_import(desk_server::school::import_calendar(&*store, &bytes), &file)?;
            println!("imported {days} school day(s) in {years} school year(s)");
        }
        Cmd::ImportRegister { file, store } => {
            let bytes = std::fs::read(&file).with_context(|| format!("reading {}", file.display()))?;
            let store = open(&store)?;
            let s = school_import(
                desk_server::school::import_register(&*store, &bytes, chrono::Utc::now()),
                &file,
            )?;
            println!(
                "imported {} absent mark(s); cleared {} corrected mark(s)",
                s.absent, s.cleared
            );
        }
        Cmd::ExportAttendance {
            school,
            from,
            to,
            again,
            out,
            store,
        } => {
            if to < from {
                bail!("--to {to} is before --from {from}");
            }
            let store = open(&store)?;
            let records = store
                .export_absences(school, from, to, again, chrono::Utc::now())
                .context("reading the absence records")?;
            let csv = desk_server::school::export::to_csv(&records);
            match out {
                Some(path) => {
                    std::fs::write(&path, &csv).with_context(|| format!("writing {}", path.display()))?;
                    eprintln!("exported {} absence record(s) to {}", records.len(), path.display());
                }
                None => {
                    print!("{csv}");
                    eprintln!("exported {} absence record(s)", records.len());
                }
            }
        }
        Cmd::SchoolSettings {
            school,
            late_code,
            escalate_after,
            max_days_ahead,
            max_note,
            am,
            pm,
            flag_below,
            red_below,
            store,
        } => {
            let store = open(&store)?;
            let change = desk_server::school::settings::SettingsChange {
                late_absence_code: late_code,
                escalate_after,
                max_school_days_ahead: max_days_ahead,
                max_note,
                am,
                pm,
                flagged_below: flag_below,
                red_below,
            };
            let s = desk_server::school::settings::set_school_settings(&*store, school, &change)
                .with_context(|| format!("setting school {school}'s rules"))?;
            println!("school {school}: {}", serde_json::to_string(&s.rules)?);
            println!(
                "school {school}: flagged below {}%, red below {}%",
                s.thresholds.flagged, s.thresholds.red
            );
        }
        Cmd::CtExport { out, batch, store } => {
            let store = open(&store)?;
            let now = chrono::Utc::now();
            let (batch_id, requests) = store.ct_export(batch, now).context("taking the requests to export")?;
            if requests.is_empty() {
                println!("no new council-tax change requests to export");
                return Ok(());
            }
            let (dir, manifest) =
                desk_server::council_tax::batch::write(&out, batch_id, now, &requests).with_context(|| {
                    format!(
                        "writing batch {batch_id} under {}; write it again with --batch {batch_id}",
                        out.display()
                    )
                })?;
            println!(
                "exported {} request(s) in batch {batch_id} to {}",
                manifest.total,
                dir.display()
            );
        }
        Cmd::LeisureSettings {
            prices,
            policies,
            store,
        } => {
            let read = |f: &Option<PathBuf>| -> anyhow::Result<Option<String>> {
                f.as_ref()
                    .map(|f| std::fs::read_to_string(f).with_context(|| format!("reading {} as UTF-8", f.display())))
                    .transpose()
            };
            let (prices, policies) = (read(&prices)?, read(&policies)?);
            let store = open(&store)?;
            let loaded =
                desk_server::leisure_settings::load_leisure_settings(&*store, prices.as_deref(), policies.as_deref())
                    .context("nothing was loaded")?;
            for s in loaded {
                println!(
                    "centre {}: {} price list(s), {} policy(ies)",
                    s.centre_id,
                    s.prices.len(),
                    s.policies.len()
                );
            }
        }
        Cmd::CtImportStatus { file, store } => {
            let bytes = std::fs::read(&file).with_context(|| format!("reading {}", file.display()))?;
            let rows = match desk_server::council_tax::status_file::parse(&bytes) {
                Ok(rows) => rows,
                Err(bad) => {
                    for r in &bad {
                        eprintln!("{r}");
                    }
                    bail!("{} bad row(s) in {}; nothing was imported", bad.len(), file.display());
                }
            };
            let store = open(&store)?;
            match store
                .ct_set_statuses(&rows, chrono::Utc::now())
                .context("applying the statuses")?
            {
                Ok(changed) => println!("read {} result(s); {changed} request(s) changed status", rows.len()),
                Err(bad) => {
                    for r in &bad {
                        eprintln!("{r}");
                    }
                    bail!("{} bad row(s) in {}; nothing was imported", bad.len(), file.display());
                }
            }
        }
        Cmd::DemoData { seed, store } => {
            let store = open(&store)?;
            let first_day = desk_fixtures::default_first_day(chrono::Local::now().date_naive());
            let data = desk_fixtures::generate(seed, first_day);
            let started = std::time::Instant::now();
            desk_server::load_demo(&*store, &data).context("loading the demo data")?;
            println!(
                "demo data ready (seed {seed}, week of {first_day}): {} sessions, {} customers, {} pupils, {} council-tax accounts, {} staff; {:.1}s",
                data.sessions.len(),
                data.customers.len(),
                data.pupils.len(),
                data.ct_accounts.len(),
                data.staff.len(),
                started.elapsed().as_secs_f64()
            );
        }
    }
    Ok(())
}
