// No console window on Windows release builds; the app is a desktop window only.
#![cfg_attr(not(debug_assertions), windows_subsystem = "windows")]

use council_desk::Launch;
use tracing_subscriber::EnvFilter;

fn main() -> anyhow::Result<()> {
    tracing_subscriber::fmt()
        .with_env_filter(EnvFilter::try_from_env("COUNCIL_DESK_LOG").unwrap_or_else(|_| EnvFilter::new("info")))
        .with_writer(std::io::stderr)
        .init();
    keep_large_blocks_mapped();
    let launch = Launch::from_args_and_env(std::env::args(), |k| std::env::var(k).ok());
    council_desk::run(launch)
}

/// argon2id works in 19 MiB of memory for every sign-in, unlock and offline verifier (and, in
/// demo mode, the embedded server's check of the password). glibc serves the first such block
/// with `mmap` and then raises its mmap threshold to that size, so later blocks come from the
/// heap and stay resident after they are freed: about 19 MB more for an idle desk, measured.
/// A fixed threshold keeps every block over 1 MiB in its own mapping, returned when freed.
#[cfg(all(target_os = "linux", target_env = "gnu"))]
#[allow(unsafe_code)]
fn keep_large_blocks_mapped() {
    // SAFETY: `mallopt` only sets an allocator parameter; it is called before any other thread
    // exists, and a refusal (return value 0) leaves glibc's defaults, which are safe too.
    let set = unsafe { libc::mallopt(libc::M_MMAP_THRESHOLD, 1 << 20) };
    if set == 0 {
        tracing::warn!("glibc refused a fixed mmap threshold; idle memory may be higher");
    }
}

#[cfg(not(all(target_os = "linux", target_env = "gnu")))]
fn keep_large_blocks_mapped() {}
