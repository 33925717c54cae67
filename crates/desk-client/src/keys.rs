//! The desk's secrets in the OS keyring (Secret Service on Linux, Credential Manager on
//! Windows, Keychain on macOS): each staff store's SQLCipher key and the staff member's refresh
//! token. Neither is ever written to a file. Entries are named `<service>` / `<kind>:<account>`,
//! where `account` is the staff store's folder name (a hash of the user name).

use crate::store::StoreKey;

#[derive(Debug, thiserror::Error)]
pub enum KeyringError {
    #[error("the OS keyring cannot be used ({0}); the desk's store key and sign-in are kept there")]
    Unavailable(String),
    #[error("the OS keyring holds something unreadable under {0}")]
    Damaged(String),
}

/// One application's entries in the OS keyring. Tests give each run its own service name.
#[derive(Debug, Clone)]
pub struct Keyring {
    service: String,
}

fn unavailable(e: keyring::Error) -> KeyringError {
    KeyringError::Unavailable(e.to_string())
}

impl Keyring {
    pub fn new(service: impl Into<String>) -> Keyring {
        Keyring {
            service: service.into(),
        }
    }

    pub fn service(&self) -> &str {
        &self.service
    }

    fn entry(&self, user: &str) -> Result<keyring::Entry, KeyringError> {
        keyring::Entry::new(&self.service, user).map_err(unavailable)
    }

    fn get(&self, user: &str) -> Result<Option<String>, KeyringError> {
        match self.entry(user)?.get_password() {
            Ok(s) => Ok(Some(s)),
            Err(keyring::Error::NoEntry) => Ok(None),
            Err(e) => Err(unavailable(e)),
        }
    }

    fn set(&self, user: &str, secret: &str) -> Result<(), KeyringError> {
        self.entry(user)?.set_password(secret).map_err(unavailable)
    }

    fn delete(&self, user: &str) -> Result<(), KeyringError> {
        match self.entry(user)?.delete_credential() {
            Ok(()) | Err(keyring::Error::NoEntry) => Ok(()),
            Err(e) => Err(unavailable(e)),
        }
    }

    pub fn store_key(&self, account: &str) -> Result<Option<StoreKey>, KeyringError> {
        let name = format!("store-key:{account}");
        match self.get(&name)? {
            None => Ok(None),
            Some(hex) => {
                let hex = zeroize::Zeroizing::new(hex);
                StoreKey::from_hex(&hex).map(Some).ok_or(KeyringError::Damaged(name))
            }
        }
    }

    pub fn set_store_key(&self, account: &str, key: &StoreKey) -> Result<(), KeyringError> {
        let hex = zeroize::Zeroizing::new(key.to_hex());
        self.set(&format!("store-key:{account}"), &hex)
    }

    pub fn refresh_token(&self, account: &str) -> Result<Option<String>, KeyringError> {
        self.get(&format!("refresh-token:{account}"))
    }

    pub fn set_refresh_token(&self, account: &str, token: &str) -> Result<(), KeyringError> {
        self.set(&format!("refresh-token:{account}"), token)
    }

    pub fn forget_refresh_token(&self, account: &str) -> Result<(), KeyringError> {
        self.delete(&format!("refresh-token:{account}"))
    }

    /// Removes every entry of the account: after this its store cannot be opened by anyone.
    pub fn purge(&self, account: &str) -> Result<(), KeyringError> {
        self.delete(&format!("store-key:{account}"))?;
        self.forget_refresh_token(account)
    }
}
