//! Council Desk's engine: the local store (rusqlite; migrations under `migrations/client`),
//! the outbox and pending overlay, and command sync with the council server. No UI here: the
//! desktop shell calls [`Desk`] and sends the view types over IPC as they are.

mod audit;
pub mod bench;
pub mod bench_ct;
pub mod bench_leisure;
pub mod bench_school;
pub mod bench_spaces;
pub mod council_tax;
mod desk;
pub mod drafts;
mod error;
mod facts;
mod identity;
pub mod keys;
pub mod leisure;
mod overlay;
pub mod planner;
pub mod replica;
pub mod school;
pub mod search;
pub mod store;
mod sync;
pub mod transport;
mod views;

pub use audit::{AuditEntry, SetAside};
pub use desk::Desk;
pub use error::DeskError;
pub use identity::{StaffDeskConfig, staff_account};
pub use sync::{BACKOFF_CAP, PERIODIC_PULL, PULL_PAGE, SyncLoop, backoff, progress};
pub use views::{
    AttentionItem, BookingView, CustomerMatches, CustomerView, DeskConfig, SessionDetail, SessionView, SyncProgress,
    SyncReport, SyncStatus,
};
