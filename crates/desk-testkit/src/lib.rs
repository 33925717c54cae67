//! Test support shared by every crate's tests, so that no crate keeps its own copy:
//!
//! - [`db`]: a database of its own for one test, on SQLite or PostgreSQL, removed afterwards;
//! - [`server`]: a real council server on loopback that can be stopped and restarted;
//! - [`staff`]: the test password, leisure-desk staff and callers;
//! - [`world`]: dates relative to today and small builders for centres, sessions, customers;
//! - [`school`]: a two-school world, school-office callers and the school office's commands;
//! - [`council_tax`]: accounts at two offices, contact-centre callers and their commands;
//! - [`commands`]: leisure commands and the mutation envelopes that carry them;
//! - [`desk`]: desks opened on a data directory, signed in;
//! - [`proxy`]: a loopback proxy that loses push answers;
//! - [`eventually`]: polling until something holds.
//!
//! It is a dev-dependency of the crates it tests (and a dependency of the end-to-end test
//! package); what only one crate's tests need stays in that crate.

pub mod commands;
pub mod council_tax;
pub mod db;
pub mod desk;
pub mod proxy;
pub mod school;
pub mod server;
pub mod staff;
pub mod world;

use std::time::{Duration, Instant};

pub use commands::{book, booking_id, cancel, envelope, join_waiting};
pub use db::{Backend, TestDb, postgres_url};
pub use desk::{open_desk, signed_in_desk};
pub use server::TestServer;
pub use staff::{PASSWORD, add_leisure_staff, leisure_caller, leisure_staff, quick_caller};
pub use world::{day, now, tomorrow, tomorrow_at};

/// Polls `check` until it holds or `within` passes.
pub async fn eventually<F, Fut>(within: Duration, what: &str, mut check: F)
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = bool>,
{
    let deadline = Instant::now() + within;
    while !check().await {
        assert!(Instant::now() < deadline, "timed out waiting for: {what}");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}
