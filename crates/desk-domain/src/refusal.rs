//! One refusal type for every service: a code from a closed list (per service, plus the few
//! that any command can get), words a member of staff can read out, and what to offer instead.
//! Codes travel as snake_case strings (`session_full`); nothing compares those strings, it
//! matches on [`Code`].

use crate::wire::{Alternative, Outcome};

/// Refusals that any command can get, whichever service it belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum CommonCode {
    /// A command name or argument version the server does not know.
    UnknownCommand,
    /// Arguments that do not parse as the command's arguments.
    BadArgs,
    /// The record belongs to a site outside the caller's.
    OutOfScope,
    /// The mutation id was already used by another envelope (another seq, device or
    /// arguments): a mutation id is applied once, so this one had no effect.
    MutationIdReused,
}

impl CommonCode {
    pub fn as_str(self) -> &'static str {
        match self {
            CommonCode::UnknownCommand => "unknown_command",
            CommonCode::BadArgs => "bad_args",
            CommonCode::OutOfScope => "out_of_scope",
            CommonCode::MutationIdReused => "mutation_id_reused",
        }
    }
}

/// Every refusal code, by service. A new service adds its own code enum here.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Code {
    Common(CommonCode),
    Leisure(crate::leisure::Code),
    CouncilTax(crate::council_tax::Code),
    School(crate::school::Code),
}

impl Code {
    pub fn as_str(self) -> &'static str {
        match self {
            Code::Common(c) => c.as_str(),
            Code::Leisure(c) => c.as_str(),
            Code::CouncilTax(c) => c.as_str(),
            Code::School(c) => c.as_str(),
        }
    }

    /// The refusal says a record the command names does not exist (on a desk: is not on this
    /// desk), rather than that a rule said no.
    pub fn is_missing_record(self) -> bool {
        match self {
            Code::Common(_) => false,
            Code::Leisure(c) => c.is_missing_record(),
            Code::CouncilTax(c) => c.is_missing_record(),
            Code::School(c) => c.is_missing_record(),
        }
    }
}

impl std::fmt::Display for Code {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl From<CommonCode> for Code {
    fn from(c: CommonCode) -> Self {
        Code::Common(c)
    }
}

/// A permanent refusal of a command, in words a member of staff can read out.
#[derive(Debug, Clone, PartialEq)]
pub struct Refusal {
    pub code: Code,
    pub message: String,
    /// What the member of staff can do instead (a waiting list, another session).
    pub alternatives: Vec<Alternative>,
}

impl Refusal {
    pub fn new(code: impl Into<Code>, message: impl Into<String>) -> Self {
        Refusal {
            code: code.into(),
            message: message.into(),
            alternatives: Vec::new(),
        }
    }

    pub fn with_alternatives(mut self, alternatives: Vec<Alternative>) -> Self {
        self.alternatives = alternatives;
        self
    }

    pub fn into_outcome(self) -> Outcome {
        Outcome::Rejected {
            code: self.code.as_str().to_owned(),
            message: self.message,
            alternatives: self.alternatives,
        }
    }
}

impl std::fmt::Display for Refusal {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.code, self.message)
    }
}
