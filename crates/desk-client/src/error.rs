//! Every failure the desk engine reports. It crosses IPC as [`ErrorBody`] `{code, message}`;
//! the message is written to be read out by a member of staff.

use desk_domain::ErrorBody;

#[derive(Debug, thiserror::Error)]
pub enum DeskError {
    /// What the caller gave is not acceptable; nothing was recorded.
    #[error("{0}")]
    InvalidInput(String),
    /// A server address with plain `http://` to another computer: passwords and personal data
    /// would cross the network unencrypted. Nothing was sent or stored.
    #[error("{0}")]
    PlainHttpRefused(String),
    #[error("{0}")]
    NotFound(String),
    #[error("Sign in to the council server first.")]
    NotSignedIn,
    /// The server could not be reached (connection refused, timed out, DNS).
    #[error("The council server cannot be reached: {0}")]
    Offline(String),
    /// A desk-domain rule refused the command locally; nothing was recorded.
    #[error("{message}")]
    Refused { code: desk_domain::Code, message: String },
    /// The server answered with a permanent 4xx refusal.
    #[error("The council server refused the request ({code}): {message}")]
    ServerRejected { status: u16, code: String, message: String },
    /// The server failed (5xx) or answered something the desk cannot read.
    #[error("The council server failed: {0}")]
    ServerError(String),
    /// The server speaks another version of the sync protocol.
    #[error("{0}")]
    IncompatibleServer(String),
    /// The desk is locked (idle, or by the member of staff): no personal data is shown until
    /// the password is given again.
    #[error("This desk is locked. Enter your password to unlock it.")]
    Locked,
    /// The offline unlock period since the last online sign-in has passed.
    #[error("{0}")]
    OnlineSignInRequired(String),
    /// The password given for an offline unlock is not this member of staff's.
    #[error("{0}")]
    WrongPassword(String),
    /// Too many wrong passwords were given at this desk while offline.
    #[error("Too many wrong passwords were entered at this desk. Sign in when the desk is online.")]
    TooManyAttempts,
    /// The OS keyring, where the store key and sign-in are kept, cannot be used.
    #[error("{0}")]
    Keyring(String),
    /// The local store failed; the message names what was being done.
    #[error("The desk's local store failed: {0}")]
    Store(String),
}

impl DeskError {
    /// The code the UI acts on. A server refusal keeps the server's own code (`bad_credentials`,
    /// `account_disabled`, …) so the interface can say the right thing beside the right field.
    pub fn code(&self) -> &str {
        match self {
            DeskError::InvalidInput(_) => "invalid_input",
            DeskError::PlainHttpRefused(_) => "plain_http_refused",
            DeskError::NotFound(_) => "not_found",
            DeskError::NotSignedIn => "not_signed_in",
            DeskError::Offline(_) => "offline",
            DeskError::Refused { code, .. } => code.as_str(),
            DeskError::ServerRejected { code, .. } => code,
            DeskError::ServerError(_) => "server_error",
            DeskError::IncompatibleServer(_) => "incompatible_server",
            DeskError::Locked => "locked",
            DeskError::OnlineSignInRequired(_) => "online_sign_in_required",
            DeskError::WrongPassword(_) => "bad_credentials",
            DeskError::TooManyAttempts => "too_many_attempts",
            DeskError::Keyring(_) => "keyring_unavailable",
            DeskError::Store(_) => "store_error",
        }
    }

    pub fn to_body(&self) -> ErrorBody {
        let message = match self {
            // The server's message is already written for staff; the wrapper's is for logs.
            DeskError::ServerRejected { message, .. } => message.clone(),
            other => other.to_string(),
        };
        ErrorBody {
            code: self.code().to_owned(),
            message,
        }
    }

    pub(crate) fn invalid(message: impl Into<String>) -> Self {
        DeskError::InvalidInput(message.into())
    }
}

impl From<rusqlite::Error> for DeskError {
    fn from(e: rusqlite::Error) -> Self {
        DeskError::Store(e.to_string())
    }
}

impl From<crate::store::StoreError> for DeskError {
    fn from(e: crate::store::StoreError) -> Self {
        DeskError::Store(e.to_string())
    }
}

impl From<crate::keys::KeyringError> for DeskError {
    fn from(e: crate::keys::KeyringError) -> Self {
        DeskError::Keyring(e.to_string())
    }
}

impl From<desk_domain::Refusal> for DeskError {
    fn from(r: desk_domain::Refusal) -> Self {
        DeskError::Refused {
            code: r.code,
            message: r.message,
        }
    }
}

impl serde::Serialize for DeskError {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        self.to_body().serialize(s)
    }
}
