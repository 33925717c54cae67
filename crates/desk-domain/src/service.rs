//! The seam every service plugs into: commands parsed from a mutation envelope, and one pure
//! `decide(facts, command, ctx) -> effects | refusal`. A service is a module that declares its
//! commands with [`service_commands!`], its facts as a trait of reads, and its `decide`; it is
//! registered once, in [`services!`] below.

use chrono::{DateTime, NaiveDateTime, Utc};

use crate::effect::Effect;
use crate::refusal::{CommonCode, Refusal};
use crate::wire::{Alternative, CommandInfo};
use crate::{Bucket, Channel};

/// What a command decides: its effects, or why not.
pub type Decision = Result<Vec<Effect>, Refusal>;

/// Who is acting and when; never read from a clock inside a rule.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Ctx {
    /// Council wall-clock time, the time rules compare with (a class starts at 09:00 local).
    pub now: NaiveDateTime,
    /// The instant, for the records' timestamps.
    pub at: DateTime<Utc>,
    pub staff_id: i64,
    pub channel: Channel,
}

/// What every service's facts share: the error their reads fail with, and the caller's scope.
pub trait Source {
    type Error;
    /// May the caller change records in this bucket? The server answers from the caller's roles
    /// and sites; a desk holds only its own buckets, so it answers yes.
    fn may_write(&self, bucket: &Bucket) -> bool;
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CommandError {
    #[error("unknown command `{name}` version {version}")]
    Unknown { name: String, version: u32 },
    #[error("bad arguments for `{name}`: {reason}")]
    BadArgs { name: String, reason: String },
}

impl CommandError {
    pub fn code(&self) -> CommonCode {
        match self {
            CommandError::Unknown { .. } => CommonCode::UnknownCommand,
            CommandError::BadArgs { .. } => CommonCode::BadArgs,
        }
    }

    pub fn into_refusal(self) -> Refusal {
        Refusal::new(self.code(), self.to_string())
    }
}

#[doc(hidden)]
pub fn args_of<T: for<'de> serde::Deserialize<'de>>(name: &str, args: &serde_json::Value) -> Result<T, CommandError> {
    T::deserialize(args).map_err(|e| CommandError::BadArgs {
        name: name.to_owned(),
        reason: e.to_string(),
    })
}

/// Declares a service's commands once: the enum, each command's wire name and argument
/// version, parsing from an envelope and back, and `From<Args> for Command`.
#[macro_export]
macro_rules! service_commands {
    ($(#[$meta:meta])* pub enum $enum:ident { $($variant:ident($args:ty) = $name:literal, version $version:literal),+ $(,)? }) => {
        $crate::service_commands!(@enum $(#[$meta])* pub enum $enum { $($variant($args) = $name, version $version),+ });

        $(impl From<$args> for $crate::Command {
            fn from(a: $args) -> Self {
                $crate::Command::from($enum::$variant(a))
            }
        })+
    };
    (@enum $(#[$meta:meta])* pub enum $enum:ident { $($variant:ident($args:ty) = $name:literal, version $version:literal),+ }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, PartialEq, Eq)]
        pub enum $enum { $($variant($args)),+ }

        impl $enum {
            /// Every command of the service and the argument versions the server accepts.
            pub const KNOWN: &'static [(&'static str, &'static [u32])] = &[$(($name, &[$version])),+];

            /// `None` when the name is not one of this service's.
            pub fn parse(
                name: &str,
                version: u32,
                args: &serde_json::Value,
            ) -> Option<Result<Self, $crate::CommandError>> {
                $(if name == $name {
                    if version != $version {
                        return Some(Err($crate::CommandError::Unknown { name: name.to_owned(), version }));
                    }
                    return Some($crate::service::args_of(name, args).map($enum::$variant));
                })+
                None
            }

            pub fn name(&self) -> &'static str {
                match self { $($enum::$variant(_) => $name),+ }
            }

            /// The name, current `args_version` and `args` to put in a mutation envelope.
            pub fn to_envelope_parts(&self) -> (&'static str, u32, serde_json::Value) {
                let (name, version, args) = match self {
                    $($enum::$variant(a) => ($name, $version, serde_json::to_value(a)),)+
                };
                (name, version, args.expect("command arguments are plain data"))
            }
        }
    };
}

/// Registers every service once: the top-level command enum, its parsing, the catalogue the
/// server publishes, and dispatch to each service's `decide`.
macro_rules! services {
    ($($service:ident => $module:ident),+ $(,)?) => {
        /// A command of any service.
        #[derive(Debug, Clone, PartialEq, Eq)]
        pub enum Command { $($service(crate::$module::Command)),+ }

        $(impl From<crate::$module::Command> for Command {
            fn from(c: crate::$module::Command) -> Self {
                Command::$service(c)
            }
        })+

        /// The facts every service's `decide` may read.
        pub trait Facts: Source $(+ crate::$module::Facts)+ {}
        impl<T: Source $(+ crate::$module::Facts)+> Facts for T {}

        impl Command {
            pub fn parse(name: &str, args_version: u32, args: &serde_json::Value) -> Result<Self, CommandError> {
                $(if let Some(parsed) = crate::$module::Command::parse(name, args_version, args) {
                    return parsed.map(Command::$service);
                })+
                Err(CommandError::Unknown { name: name.to_owned(), version: args_version })
            }

            pub fn name(&self) -> &'static str {
                match self { $(Command::$service(c) => c.name()),+ }
            }

            pub fn to_envelope_parts(&self) -> (&'static str, u32, serde_json::Value) {
                match self { $(Command::$service(c) => c.to_envelope_parts()),+ }
            }

            /// Every command and the argument versions the server accepts.
            pub fn catalogue() -> Vec<CommandInfo> {
                let mut out = Vec::new();
                $(out.extend(crate::$module::Command::KNOWN.iter().map(|(name, versions)| CommandInfo {
                    name: (*name).to_owned(),
                    args_versions: versions.to_vec(),
                }));)+
                out
            }

            /// What the command does, given the facts; the one place each state change is written.
            pub fn decide<F: Facts>(&self, facts: &mut F, ctx: &Ctx) -> Result<Decision, F::Error> {
                match self { $(Command::$service(c) => crate::$module::decide(facts, c, ctx)),+ }
            }

            /// A line for Needs attention and the outbox, naming the people and things involved.
            pub fn summary<F: Facts>(&self, facts: &mut F) -> Result<String, F::Error> {
                match self { $(Command::$service(c) => crate::$module::summary(facts, c)),+ }
            }

            /// The command that takes `alternative` in place of this refused one, if it offers
            /// one, with words for what was done.
            pub fn taking(&self, alternative: &Alternative, new_id: uuid::Uuid) -> Option<(Command, String)> {
                match self {
                    $(Command::$service(c) => crate::$module::taking(c, alternative, new_id)
                        .map(|(c, words)| (Command::$service(c), words))),+
                }
            }
        }
    };
}

services! {
    Leisure => leisure,
    School => school,
    CouncilTax => council_tax,
}
