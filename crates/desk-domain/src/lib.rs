//! Council Desk's domain: the rules and the wire types that the desk (optimistically, offline)
//! and the council server (authoritatively) both run. Nothing here touches a disk, a clock or
//! a network: callers pass `now` and the facts a rule needs.

pub mod command;
pub mod entities;
pub mod leisure;
pub mod scope;
pub mod wire;

pub use command::{Command, CommandError};
pub use entities::*;
pub use scope::{Bucket, Role, Site};
pub use wire::*;
