//! Council Desk's domain: the rules and the wire types that the desk (optimistically, offline)
//! and the council server (authoritatively) both run. Nothing here touches a disk, a clock or
//! a network: callers pass `now` and the facts a rule needs.
//!
//! Each service is a module ([`leisure`], [`school`]; council tax next) with its commands and
//! one pure `decide`; [`service`] is the seam they plug into, [`effect`] what they decide.

pub mod council_tax;
mod csv_line;
pub mod effect;
pub mod entities;
pub mod leisure;
pub mod refusal;
pub mod school;
pub mod scope;
pub mod service;
pub mod values;
pub mod wire;

pub use effect::{AuditNote, Effect, Record, RecordKind};
pub use entities::*;
pub use refusal::{Code, CommonCode, Refusal};
pub use scope::{Bucket, Role, Site};
pub use service::{Command, CommandError, Ctx, Decision, Facts, KeptArgs, Source};
pub use wire::*;
