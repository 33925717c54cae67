// No console window on Windows release builds; the app is a desktop window only.
#![cfg_attr(not(debug_assertions), windows_subsystem = "windows")]

use council_desk::Launch;
use tracing_subscriber::EnvFilter;

fn main() -> anyhow::Result<()> {
    tracing_subscriber::fmt()
        .with_env_filter(EnvFilter::try_from_env("COUNCIL_DESK_LOG").unwrap_or_else(|_| EnvFilter::new("info")))
        .with_writer(std::io::stderr)
        .init();
    let launch = Launch::from_args_and_env(std::env::args(), |k| std::env::var(k).ok());
    council_desk::run(launch)
}
