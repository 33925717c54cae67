//! The council-tax hand-off to the revenue system: every new change request written out as one
//! batch (`desk-server ct-export`), and the revenue system's results read back
//! (`desk-server ct-import-status`), whose statuses sync to the desks.

mod bank;
pub mod batch;
mod bench;
pub(crate) mod handoff;
pub mod status_file;

pub use bench::bench_ct_export;
