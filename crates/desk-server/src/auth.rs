//! Staff passwords (argon2id) and bearer tokens (random, stored only as a SHA-256).

use std::sync::OnceLock;

use argon2::Argon2;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use rand::RngCore;
use sha2::{Digest, Sha256};

/// How long an access token lasts.
pub const TOKEN_LIFETIME_MINUTES: i64 = 15;
/// How long a refresh token lasts unspent: a working day and the night after it.
pub const REFRESH_LIFETIME_HOURS: i64 = 24;
/// Consecutive failed sign-ins that lock an account, and for how long.
pub const LOCKOUT_AFTER_FAILURES: u32 = 5;
pub const LOCKOUT_MINUTES: i64 = 15;
/// Shortest password `add-staff` accepts.
pub const MIN_PASSWORD_CHARS: usize = 12;

/// Longest password accepted (argon2 would take more, but nobody types this much).
pub const MAX_PASSWORD_CHARS: usize = 200;

/// Common passwords of at least [`MIN_PASSWORD_CHARS`] characters, lower case.
const COMMON_PASSWORDS: &str = include_str!("common-passwords.txt");

/// Why `password` is not good enough for `username`, if it is not. Refused: shorter than 12 or
/// longer than 200 characters, on the common-password list, containing the username, or
/// containing "password" or "council".
pub fn password_problem(username: &str, password: &str) -> Option<String> {
    let chars = password.chars().count();
    if chars < MIN_PASSWORD_CHARS {
        return Some(format!("a password needs at least {MIN_PASSWORD_CHARS} characters"));
    }
    if chars > MAX_PASSWORD_CHARS {
        return Some(format!("a password may have at most {MAX_PASSWORD_CHARS} characters"));
    }
    let lower = password.to_lowercase();
    let user = username.trim().to_lowercase();
    if user.chars().count() >= 3 && lower.contains(&user) {
        return Some("a password must not contain the username".into());
    }
    for word in ["password", "council"] {
        if lower.contains(word) {
            return Some(format!("a password must not contain \"{word}\""));
        }
    }
    let squeezed: String = lower.chars().filter(|c| !c.is_whitespace()).collect();
    let common = COMMON_PASSWORDS
        .lines()
        .filter(|l| !l.starts_with('#') && !l.is_empty())
        .any(|l| l == lower || l == squeezed);
    if common {
        return Some("that is one of the most common passwords; choose another".into());
    }
    None
}

#[derive(Debug, thiserror::Error)]
#[error("could not hash the password: {0}")]
pub struct HashError(String);

/// An argon2id hash in PHC form, with the crate's defaults (m=19456 KiB, t=2, p=1).
pub fn hash_password(password: &str) -> Result<String, HashError> {
    let mut salt = [0u8; 16];
    rand::rngs::OsRng.fill_bytes(&mut salt);
    let salt = SaltString::encode_b64(&salt).map_err(|e| HashError(e.to_string()))?;
    Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|e| HashError(e.to_string()))
}

pub fn verify_password(hash: &str, password: &str) -> bool {
    PasswordHash::new(hash).is_ok_and(|h| Argon2::default().verify_password(password.as_bytes(), &h).is_ok())
}

/// Spends the same effort as a real check, so an unknown username takes as long as a wrong
/// password and the two cannot be told apart.
pub fn verify_nobody(password: &str) {
    static DUMMY: OnceLock<String> = OnceLock::new();
    let hash = DUMMY.get_or_init(|| hash_password("no account has this password").unwrap_or_default());
    let _ = verify_password(hash, password);
}

/// A fresh bearer token (32 random bytes, base64url) and the hash to store.
pub fn new_token() -> (String, [u8; 32]) {
    let mut bytes = [0u8; 32];
    rand::rngs::OsRng.fill_bytes(&mut bytes);
    let token = URL_SAFE_NO_PAD.encode(bytes);
    let hash = token_hash(&token);
    (token, hash)
}

pub fn token_hash(token: &str) -> [u8; 32] {
    Sha256::digest(token.as_bytes()).into()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The demo accounts are generated in desk-fixtures; the rules they must pass live here.
    #[test]
    fn every_demo_staff_password_passes_the_password_rules() {
        let staff = desk_fixtures::demo_staff();
        assert!(!staff.is_empty());
        for s in &staff {
            assert_eq!(password_problem(&s.username, &s.password), None, "{}", s.username);
        }
    }

    #[test]
    fn passwords_verify_only_themselves() {
        let h = hash_password("correct horse battery").unwrap();
        assert!(h.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"), "{h}");
        assert!(verify_password(&h, "correct horse battery"));
        assert!(!verify_password(&h, "correct horse batterx"));
        assert!(!verify_password("not a hash", "correct horse battery"));
    }

    #[test]
    fn weak_passwords_are_refused_with_a_reason() {
        assert_eq!(password_problem("morag", "correct horse battery"), None);
        let cases = [
            ("morag", "short", "at least 12"),
            ("morag", &"x".repeat(201), "at most 200"),
            ("morag", "Morag-is-the-best-2026", "username"),
            ("morag", "MyPassword-is-long", "\"password\""),
            ("morag", "moray council 2026", "\"council\""),
            ("morag", "Qwerty123456", "common"),
            ("morag", "correct horse battery staple", "common"),
        ];
        for (user, pw, want) in cases {
            let got = password_problem(user, pw).unwrap_or_default();
            assert!(got.contains(want), "{pw:?}: {got:?}");
        }
        assert!(
            COMMON_PASSWORDS
                .lines()
                .filter(|l| !l.starts_with('#'))
                .all(|l| l.chars().count() >= 12)
        );
    }

    #[test]
    fn tokens_are_random_and_hashed() {
        let (a, ha) = new_token();
        let (b, _) = new_token();
        assert_ne!(a, b);
        assert_eq!(URL_SAFE_NO_PAD.decode(&a).unwrap().len(), 32);
        assert_eq!(token_hash(&a), ha);
    }
}
