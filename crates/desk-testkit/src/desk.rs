//! Desks for tests, each on a data directory of its own.

use std::path::Path;

use desk_client::{Desk, DeskConfig};

use crate::staff::PASSWORD;

/// A desk on `dir` (created if missing) talking to `server_url`, not signed in.
pub async fn open_desk(dir: &Path, server_url: &str) -> Desk {
    std::fs::create_dir_all(dir).unwrap();
    Desk::open(DeskConfig {
        data_dir: dir.to_path_buf(),
        server_url: server_url.to_owned(),
    })
    .await
    .expect("desk opens")
}

/// A desk on `dir`, signed in as `username` with [`PASSWORD`].
pub async fn signed_in_desk(dir: &Path, server_url: &str, username: &str) -> Desk {
    let desk = open_desk(dir, server_url).await;
    desk.sign_in(username, PASSWORD).await.expect("sign in");
    desk
}
