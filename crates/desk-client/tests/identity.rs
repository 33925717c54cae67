//! Staff desks against the REAL OS keyring (Secret Service): run these inside
//! `scripts/with-keyring cargo test -p desk-client --test identity`. Outside a D-Bus session
//! with an unlocked keyring they fail with `keyring_unavailable`, never pass by themselves.

mod support;

use std::path::Path;
use std::time::Duration;

use desk_client::keys::Keyring;
use desk_client::store::{self, StoreError, StoreKey};
use desk_client::{Desk, StaffDeskConfig, staff_account};
use desk_domain::Channel;
use support::*;

const PASSWORD: &str = "correct horse";

/// Every test files its keys under its own service name, so runs never see each other's.
fn config(dir: &Path, url: &str) -> StaffDeskConfig {
    let mut c = StaffDeskConfig::new(dir, url);
    c.keyring_service = format!("council-desk-test-{}", uuid::Uuid::new_v4());
    c
}

async fn seeded_server() -> FakeServer {
    let server = FakeServer::start().await;
    {
        let mut w = server.world();
        seed(&mut w, 10);
        let mut c = customer(4, "Catrìona", "Fhionnlaigh", (1990, 3, 3));
        c.email = Some("catriona.fhionnlaigh@example.org".into());
        c.phone = Some("07700 900123".into());
        w.add_customer(c);
    }
    server
}

async fn signed_in(cfg: &StaffDeskConfig, username: &str) -> Desk {
    match Desk::sign_in_staff(cfg.clone(), username, PASSWORD).await {
        Ok(d) => d,
        Err(e) => panic!(
            "staff sign-in failed ({}): {e}. These tests need the real Secret Service: \
             run them under scripts/with-keyring",
            e.code()
        ),
    }
}

/// Every file of a store folder (the database, its WAL and shared memory), as bytes.
fn folder_bytes(dir: &Path) -> Vec<u8> {
    let mut all = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_file() {
            all.extend(std::fs::read(&path).unwrap());
        }
    }
    all
}

fn contains(haystack: &[u8], needle: &str) -> bool {
    haystack.windows(needle.len()).any(|w| w == needle.as_bytes())
}

const PERSONAL: [&str; 8] = [
    "Mòrag",
    "O'Neill",
    "MacAoidh",
    "Seònaid",
    "Catrìona",
    "Fhionnlaigh",
    "catriona.fhionnlaigh@example.org",
    "07700 900123",
];

#[tokio::test]
async fn the_staff_store_holds_no_personal_text_and_opens_only_with_its_key() {
    let server = seeded_server().await;
    let dir = tempfile::tempdir().unwrap();
    let cfg = config(dir.path(), &server.url);

    // The same sync into a plain store shows the byte search can find the names.
    let plain_dir = dir.path().join("plain");
    let plain = synced_desk(&plain_dir, &server).await;
    assert_eq!(plain.leisure().search_customers("Catrìona", 5).await.unwrap().len(), 1);
    let plain_bytes = folder_bytes(&plain_dir);
    for text in PERSONAL {
        assert!(contains(&plain_bytes, text), "{text} is in the plain store");
    }

    let desk = signed_in(&cfg, "eilidh").await;
    desk.sync_now().await.unwrap();
    assert_eq!(desk.leisure().search_customers("Catrìona", 5).await.unwrap().len(), 1);
    let store_dir = cfg.data_dir.join("staff").join(staff_account("eilidh"));
    let path = cfg.store_path("eilidh");
    assert!(path.starts_with(&store_dir) && path.exists());
    assert_eq!(
        path,
        cfg.store_path("  EILIDH "),
        "one store per user name, however typed"
    );
    let bytes = folder_bytes(&store_dir);
    assert!(bytes.len() > 4096, "the store has been written");
    for text in PERSONAL {
        assert!(
            !contains(&bytes, text),
            "{text} must not be readable in the encrypted store"
        );
    }
    assert!(!contains(&bytes, "SQLite format 3"), "no plain SQLite header");

    // Without the key, or with another, the file does not open.
    for key in [None, Some(StoreKey::random())] {
        let err = store::open(&path, key.as_ref()).unwrap_err();
        assert!(matches!(err, StoreError::WrongKey { .. }), "{err}");
    }
    // With the key from the keyring it does.
    let key = Keyring::new(&cfg.keyring_service)
        .store_key(&staff_account("eilidh"))
        .unwrap()
        .expect("the key is in the keyring");
    let conn = store::open(&path, Some(&key)).unwrap();
    let n: i64 = conn
        .query_row("SELECT count(*) FROM customers", [], |r| r.get(0))
        .unwrap();
    assert_eq!(n, 4);
    drop(conn);

    // A key lost from the keyring is a clear error, and the store is left as it was.
    desk.lock().await;
    drop(desk);
    Keyring::new(&cfg.keyring_service)
        .purge(&staff_account("eilidh"))
        .unwrap();
    let err = Desk::sign_in_staff(cfg.clone(), "eilidh", PASSWORD).await.unwrap_err();
    assert_eq!(err.code(), "keyring_unavailable", "{err}");
    assert!(err.to_string().contains("not in the OS keyring"), "{err}");
    assert!(path.exists(), "the store is kept");
}

#[tokio::test]
async fn offline_unlock_works_within_the_period_and_is_refused_after_it() {
    let server = seeded_server().await;
    let dir = tempfile::tempdir().unwrap();
    let mut cfg = config(dir.path(), &server.url);
    cfg.offline_unlock_for = Duration::from_secs(3);

    // Never signed in online here: offline there is nothing to unlock with, and no trace is left.
    let unreachable = config(dir.path(), "http://127.0.0.1:9");
    let err = Desk::sign_in_staff(unreachable, "ruaridh", PASSWORD).await.unwrap_err();
    assert_eq!(err.code(), "online_sign_in_required", "{err}");
    assert!(!cfg.store_path("ruaridh").parent().unwrap().exists());

    let desk = signed_in(&cfg, "eilidh").await;
    desk.sync_now().await.unwrap();
    drop(server);

    desk.lock().await;
    desk.unlock(PASSWORD).await.expect("offline unlock within the period");
    assert!(!desk.is_locked());
    assert_eq!(desk.leisure().search_customers("Mòrag", 5).await.unwrap().len(), 1);
    assert!(!desk.sync_status().await.unwrap().online);

    // A fresh start offline works the same way.
    desk.lock().await;
    drop(desk);
    let again = Desk::sign_in_staff(cfg.clone(), "eilidh", PASSWORD).await.unwrap();
    assert_eq!(again.leisure().search_customers("Mòrag", 5).await.unwrap().len(), 1);

    again.lock().await;
    tokio::time::sleep(Duration::from_millis(3_200)).await;
    let err = again.unlock(PASSWORD).await.unwrap_err();
    assert_eq!(err.code(), "online_sign_in_required", "{err}");
    assert!(again.is_locked());
    assert_eq!(again.leisure().centres().await.unwrap_err().code(), "locked");
}

#[tokio::test]
async fn five_wrong_passwords_offline_lock_the_desk() {
    let server = seeded_server().await;
    let dir = tempfile::tempdir().unwrap();
    let cfg = config(dir.path(), &server.url);
    let desk = signed_in(&cfg, "eilidh").await;
    drop(server);
    desk.lock().await;
    for attempt in 1..=4 {
        let err = desk.unlock("battery staple").await.unwrap_err();
        assert_eq!(err.code(), "bad_credentials", "attempt {attempt}: {err}");
        assert!(desk.is_locked());
    }
    let err = desk.unlock("battery staple").await.unwrap_err();
    assert_eq!(err.code(), "too_many_attempts", "{err}");
    let err = desk.unlock(PASSWORD).await.unwrap_err();
    assert_eq!(
        err.code(),
        "too_many_attempts",
        "even the right password needs an online sign-in now"
    );
    assert!(desk.is_locked());

    // A right password before the fifth wrong one clears the count.
    let server = seeded_server().await;
    let cfg = config(&dir.path().join("second"), &server.url);
    let desk = signed_in(&cfg, "eilidh").await;
    drop(server);
    desk.lock().await;
    for _ in 0..4 {
        assert_eq!(desk.unlock("wrong").await.unwrap_err().code(), "bad_credentials");
    }
    desk.unlock(PASSWORD).await.unwrap();
    desk.lock().await;
    for _ in 0..4 {
        assert_eq!(desk.unlock("wrong").await.unwrap_err().code(), "bad_credentials");
    }
}

#[tokio::test]
async fn lock_hides_data_and_keeps_pending_changes() {
    let server = seeded_server().await;
    let dir = tempfile::tempdir().unwrap();
    let cfg = config(dir.path(), &server.url);
    let desk = signed_in(&cfg, "eilidh").await;
    assert_eq!(desk.idle_lock_after(), Duration::from_secs(300));
    desk.sync_now().await.unwrap();
    drop(server);
    let booked = desk.leisure().book_place(1, 1, Channel::FaceToFace).await.unwrap();
    assert!(booked.pending);

    desk.lock().await;
    assert!(desk.is_locked());
    assert_eq!(
        desk.leisure().search_customers("Mòrag", 5).await.unwrap_err().code(),
        "locked"
    );
    assert_eq!(desk.leisure().session(1).await.unwrap_err().code(), "locked");
    assert_eq!(desk.leisure().centres().await.unwrap_err().code(), "locked");
    assert_eq!(desk.leisure().timetable(1, day(1)).await.unwrap_err().code(), "locked");
    assert_eq!(desk.needs_attention().await.unwrap_err().code(), "locked");
    assert_eq!(
        desk.leisure()
            .book_place(1, 2, Channel::FaceToFace)
            .await
            .unwrap_err()
            .code(),
        "locked"
    );
    assert_eq!(desk.sync_status().await.unwrap_err().code(), "locked");

    desk.unlock(PASSWORD).await.unwrap();
    let detail = desk.leisure().session(1).await.unwrap();
    assert_eq!(detail.bookings.len(), 1);
    assert!(detail.bookings[0].pending);
    assert_eq!(desk.sync_status().await.unwrap().pending, 1);
}

#[tokio::test]
async fn switch_user_opens_the_other_staff_members_own_store() {
    let server = seeded_server().await;
    let dir = tempfile::tempdir().unwrap();
    let cfg = config(dir.path(), &server.url);
    let eilidh = signed_in(&cfg, "eilidh").await;
    eilidh.sync_now().await.unwrap();
    eilidh.leisure().book_place(1, 1, Channel::Telephone).await.unwrap();
    let eilidh_device = eilidh.device_id();

    let calum = eilidh.switch_user("calum", PASSWORD).await.unwrap();
    assert!(eilidh.is_locked());
    assert_eq!(
        eilidh.leisure().search_customers("Mòrag", 5).await.unwrap_err().code(),
        "locked"
    );
    assert_eq!(calum.staff_username(), Some("calum"));
    assert_ne!(calum.device_id(), eilidh_device, "each staff store is its own device");
    assert!(calum.leisure().search_customers("Mòrag", 5).await.unwrap().is_empty());
    assert!(calum.leisure().centres().await.unwrap().is_empty());
    assert_eq!(calum.sync_status().await.unwrap().pending, 0);
    assert_ne!(cfg.store_path("calum"), cfg.store_path("eilidh"));

    // Back to the first: the pending booking is still in her outbox.
    let back = calum.switch_user("eilidh", PASSWORD).await.unwrap();
    assert_eq!(back.device_id(), eilidh_device);
    assert_eq!(back.sync_status().await.unwrap().pending, 1);
    let report = back.sync_now().await.unwrap();
    assert_eq!(report.pushed, 1, "{report:?}");
}

fn keyring_of(cfg: &StaffDeskConfig) -> Keyring {
    Keyring::new(&cfg.keyring_service)
}

#[tokio::test]
async fn an_expired_access_token_is_refreshed_silently_and_the_sync_completes() {
    let server = seeded_server().await;
    let dir = tempfile::tempdir().unwrap();
    let cfg = config(dir.path(), &server.url);
    let desk = signed_in(&cfg, "eilidh").await;
    desk.sync_now().await.unwrap();
    let account = staff_account("eilidh");
    let first = keyring_of(&cfg)
        .refresh_token(&account)
        .unwrap()
        .expect("kept in the keyring");
    assert!(
        !contains(&folder_bytes(cfg.store_path("eilidh").parent().unwrap()), &first),
        "never in a file"
    );

    server.world().expire_access_tokens();
    desk.leisure().book_place(2, 3, Channel::FaceToFace).await.unwrap();
    server
        .world()
        .add_customer(customer(5, "Ùisdean", "Dòmhnallach", (1960, 1, 1)));
    let report = desk.sync_now().await.expect("refreshed and carried on");
    assert_eq!(report.pushed, 1);
    assert_eq!(server.world().refreshes, 1);
    assert_eq!(desk.leisure().search_customers("Ùisdean", 5).await.unwrap().len(), 1);
    let second = keyring_of(&cfg).refresh_token(&account).unwrap().unwrap();
    assert_ne!(first, second, "the refresh token rotates");
    assert!(desk.sync_status().await.unwrap().signed_in.is_some());
}

#[tokio::test]
async fn a_reused_refresh_token_signs_the_desk_out() {
    let server = seeded_server().await;
    let dir = tempfile::tempdir().unwrap();
    let cfg = config(dir.path(), &server.url);
    let desk = signed_in(&cfg, "eilidh").await;
    let account = staff_account("eilidh");
    let first = keyring_of(&cfg).refresh_token(&account).unwrap().unwrap();
    server.world().expire_access_tokens();
    desk.sync_now().await.unwrap();

    // Someone presents the spent token (here: put back where the desk finds it).
    keyring_of(&cfg).set_refresh_token(&account, &first).unwrap();
    server.world().expire_access_tokens();
    let err = desk.sync_now().await.unwrap_err();
    assert_eq!(err.code(), "token_reused", "{err}");
    let status = desk.sync_status().await.unwrap();
    assert!(status.signed_in.is_none(), "signed out");
    assert_eq!(status.last_error.unwrap().code, "token_reused");
    assert!(keyring_of(&cfg).refresh_token(&account).unwrap().is_none(), "forgotten");
    assert!(
        server.world().refresh_tokens.values().all(|(u, _, _)| u != "eilidh"),
        "the whole chain is revoked"
    );
    // Data stays readable on the desk; only syncing stopped.
    assert_eq!(desk.leisure().search_customers("Mòrag", 5).await.unwrap().len(), 1);
}

#[tokio::test]
async fn a_disabled_account_stops_syncing_and_its_store_is_purged() {
    let server = seeded_server().await;
    let dir = tempfile::tempdir().unwrap();
    let cfg = config(dir.path(), &server.url);
    let desk = signed_in(&cfg, "eilidh").await;
    desk.sync_now().await.unwrap();
    let store_dir = cfg.store_path("eilidh").parent().unwrap().to_path_buf();
    assert!(store_dir.exists());

    server.world().disabled.insert("eilidh".into());
    let err = desk.sync_now().await.unwrap_err();
    assert_eq!(err.code(), "account_disabled", "{err}");
    assert!(!store_dir.exists(), "the store is gone");
    let account = staff_account("eilidh");
    assert!(keyring_of(&cfg).store_key(&account).unwrap().is_none());
    assert!(keyring_of(&cfg).refresh_token(&account).unwrap().is_none());
    assert!(desk.is_locked());
    assert_eq!(
        desk.leisure().search_customers("Mòrag", 5).await.unwrap_err().code(),
        "locked"
    );
    // The background loop contacts the server often enough to hear it within 60 s.
    assert!(desk_client::PERIODIC_PULL <= Duration::from_secs(30));

    // Disabled while signed out: the next sign-in attempt purges too.
    let other = signed_in(&cfg, "calum").await;
    other.lock().await;
    server.world().disabled.insert("calum".into());
    let err = Desk::sign_in_staff(cfg.clone(), "calum", PASSWORD).await.unwrap_err();
    assert_eq!(err.code(), "account_disabled");
    assert!(!cfg.store_path("calum").exists());
}

#[tokio::test]
async fn rows_that_leave_the_scope_are_gone_after_the_next_pull() {
    let server = seeded_server().await;
    let dir = tempfile::tempdir().unwrap();
    let cfg = config(dir.path(), &server.url);
    let desk = signed_in(&cfg, "eilidh").await;
    desk.sync_now().await.unwrap();
    assert_eq!(desk.leisure().search_customers("Iain", 5).await.unwrap().len(), 1);

    // Customer 3's bucket leaves the staff member's scope: the server resets the pull and
    // sends only what is still in scope.
    {
        let mut w = server.world();
        w.log
            .retain(|c| !(c.table == desk_domain::entities::table::CUSTOMERS && c.id == "3"));
        w.reset_next_pull = true;
    }
    desk.sync_now().await.unwrap();
    assert!(desk.leisure().search_customers("Iain", 5).await.unwrap().is_empty());
    assert_eq!(desk.leisure().search_customers("Mòrag", 5).await.unwrap().len(), 1);
    let key = keyring_of(&cfg).store_key(&staff_account("eilidh")).unwrap().unwrap();
    let conn = store::open(&cfg.store_path("eilidh"), Some(&key)).unwrap();
    let ids: Vec<String> = conn
        .prepare("SELECT id FROM customers ORDER BY id")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .map(Result::unwrap)
        .collect();
    assert_eq!(ids, vec!["1", "2", "4"]);
}

#[tokio::test]
async fn after_an_offline_unlock_the_desk_signs_itself_back_in_when_the_server_returns() {
    let server = seeded_server().await;
    let dir = tempfile::tempdir().unwrap();
    let cfg = config(dir.path(), &server.url);
    let desk = signed_in(&cfg, "eilidh").await;
    desk.sync_now().await.unwrap();
    desk.lock().await;
    drop(desk);

    server.world().down = true;
    let desk = Desk::sign_in_staff(cfg.clone(), "eilidh", PASSWORD)
        .await
        .expect("offline unlock while the server is down");
    assert!(desk.sync_status().await.unwrap().signed_in.is_none());

    server.world().down = false;
    server
        .world()
        .add_customer(customer(6, "Beathag", "Rothach", (1970, 7, 7)));
    desk.sync_now().await.expect("the refresh token signs the desk back in");
    let status = desk.sync_status().await.unwrap();
    assert_eq!(status.signed_in.map(|s| s.username), Some("eilidh".to_owned()));
    assert_eq!(server.world().refreshes, 1);
    assert_eq!(desk.leisure().search_customers("Beathag", 5).await.unwrap().len(), 1);
}
