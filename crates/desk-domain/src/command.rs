//! The commands a desk may send, parsed from a [`crate::Mutation`]'s `name`, `args_version` and
//! `args`. The server keeps accepting every version listed in [`Command::KNOWN`] until no
//! device reports it.

use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::wire::CommandInfo;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BookPlace {
    /// Made on the desk, so the desk can show and cancel the booking before it is confirmed.
    pub booking_id: Uuid,
    pub session_id: i64,
    pub customer_id: i64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CancelPlace {
    pub booking_id: Uuid,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct JoinWaitingList {
    pub booking_id: Uuid,
    pub session_id: i64,
    pub customer_id: i64,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Command {
    BookPlace(BookPlace),
    CancelPlace(CancelPlace),
    JoinWaitingList(JoinWaitingList),
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CommandError {
    #[error("unknown command `{name}` version {version}")]
    Unknown { name: String, version: u32 },
    #[error("bad arguments for `{name}`: {reason}")]
    BadArgs { name: String, reason: String },
}

impl CommandError {
    pub fn code(&self) -> &'static str {
        match self {
            CommandError::Unknown { .. } => "unknown_command",
            CommandError::BadArgs { .. } => "bad_args",
        }
    }
}

impl Command {
    pub const BOOK_PLACE: &'static str = "leisure.book_place";
    pub const CANCEL_PLACE: &'static str = "leisure.cancel_place";
    pub const JOIN_WAITING_LIST: &'static str = "leisure.join_waiting_list";

    /// Every command and the argument versions the server accepts.
    pub const KNOWN: [(&'static str, &'static [u32]); 3] = [
        (Self::BOOK_PLACE, &[1]),
        (Self::CANCEL_PLACE, &[1]),
        (Self::JOIN_WAITING_LIST, &[1]),
    ];

    pub fn catalogue() -> Vec<CommandInfo> {
        Self::KNOWN
            .iter()
            .map(|(name, versions)| CommandInfo {
                name: (*name).to_owned(),
                args_versions: versions.to_vec(),
            })
            .collect()
    }

    pub fn parse(name: &str, args_version: u32, args: &serde_json::Value) -> Result<Self, CommandError> {
        fn args_of<T: for<'de> Deserialize<'de>>(name: &str, args: &serde_json::Value) -> Result<T, CommandError> {
            T::deserialize(args).map_err(|e| CommandError::BadArgs {
                name: name.to_owned(),
                reason: e.to_string(),
            })
        }
        let cmd = match (name, args_version) {
            (Self::BOOK_PLACE, 1) => Command::BookPlace(args_of(name, args)?),
            (Self::CANCEL_PLACE, 1) => Command::CancelPlace(args_of(name, args)?),
            (Self::JOIN_WAITING_LIST, 1) => Command::JoinWaitingList(args_of(name, args)?),
            _ => {
                return Err(CommandError::Unknown {
                    name: name.to_owned(),
                    version: args_version,
                });
            }
        };
        Ok(cmd)
    }

    /// The name and current `args_version` and `args` to put in a mutation envelope.
    pub fn to_envelope_parts(&self) -> (&'static str, u32, serde_json::Value) {
        let (name, args) = match self {
            Command::BookPlace(a) => (Self::BOOK_PLACE, serde_json::to_value(a)),
            Command::CancelPlace(a) => (Self::CANCEL_PLACE, serde_json::to_value(a)),
            Command::JoinWaitingList(a) => (Self::JOIN_WAITING_LIST, serde_json::to_value(a)),
        };
        (name, 1, args.expect("command arguments are plain data"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn parses_known_commands_and_round_trips() {
        let cmd = Command::BookPlace(BookPlace {
            booking_id: Uuid::now_v7(),
            session_id: 7,
            customer_id: 9,
        });
        let (name, v, args) = cmd.to_envelope_parts();
        assert_eq!(Command::parse(name, v, &args).unwrap(), cmd);
    }

    #[test]
    fn refuses_unknown_names_versions_and_bad_args() {
        let args = json!({"booking_id": Uuid::nil(), "session_id": 1, "customer_id": 2});
        assert_eq!(
            Command::parse("leisure.book_pitch", 1, &args).unwrap_err().code(),
            "unknown_command"
        );
        assert_eq!(
            Command::parse(Command::BOOK_PLACE, 2, &args).unwrap_err().code(),
            "unknown_command"
        );
        let wrong_type = json!({"booking_id": Uuid::nil(), "session_id": "one", "customer_id": 2});
        assert_eq!(
            Command::parse(Command::BOOK_PLACE, 1, &wrong_type).unwrap_err().code(),
            "bad_args"
        );
        let extra = json!({"booking_id": Uuid::nil(), "session_id": 1, "customer_id": 2, "price": 0});
        assert_eq!(
            Command::parse(Command::BOOK_PLACE, 1, &extra).unwrap_err().code(),
            "bad_args"
        );
    }
}
