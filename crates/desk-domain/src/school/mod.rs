//! The school office: absence calls, late arrivals and early leaves, the unexplained-absence
//! worklist (contact attempts, escalations) and attendance figures. Reference data (codes,
//! calendar, registration marks) is imported on the server and synced to the school's desks.

mod code;
mod command;
mod decide;
pub mod figures;
mod records;
pub mod rules;

pub use code::Code;
pub use command::*;
pub use decide::{Facts, check_note, decide, describe, summary, taking};
pub use figures::{Figures, Flag, Thresholds, pupil_figures, school_figures};
pub use records::*;
pub use rules::{Lateness, SchoolRules, openings};
#[cfg(test)]
mod tests;
