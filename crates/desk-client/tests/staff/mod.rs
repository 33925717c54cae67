//! Signing a member of staff in on a desk against a real council server, as the desk tests
//! that need one do (run them under `scripts/with-keyring`).

use desk_client::{Desk, StaffDeskConfig};
use desk_testkit::PASSWORD;

/// A staff desk's configuration under `<dir>/desk`, with a keyring service of its own.
pub fn staff_config(dir: &std::path::Path, server_url: String) -> StaffDeskConfig {
    let mut cfg = StaffDeskConfig::new(dir.join("desk"), server_url);
    cfg.keyring_service = format!("council-desk-test-{}", uuid::Uuid::new_v4());
    cfg
}

/// Signs `username` in with [`PASSWORD`]; a failure names the likely cause.
pub async fn sign_in(cfg: &StaffDeskConfig, username: &str) -> Desk {
    Desk::sign_in_staff(cfg.clone(), username, PASSWORD)
        .await
        .unwrap_or_else(|e| panic!("sign-in failed ({}): {e}; run under scripts/with-keyring", e.code()))
}
