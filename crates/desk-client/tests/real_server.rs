//! A staff desk against the REAL council server (desk-server on SQLite, real HTTP on loopback)
//! and the real OS keyring: run under `scripts/with-keyring`.

use std::time::Duration;

use desk_client::keys::Keyring;
use desk_client::{Desk, StaffDeskConfig, staff_account};
use desk_domain::{Role, Site};
use desk_server::{NewStaff, Server, StoreConfig, TokenLifetimes};

const PASSWORD: &str = "correct horse battery";

#[tokio::test]
async fn against_the_real_server_expired_access_is_refreshed_and_a_reused_refresh_token_signs_out() {
    let dir = tempfile::tempdir().unwrap();
    let store = desk_server::open_store(&StoreConfig::Sqlite {
        path: dir.path().join("council.db"),
    })
    .unwrap();
    desk_server::add_staff(
        &*store,
        NewStaff {
            username: "desk.a".into(),
            display_name: "Desk A".into(),
            password: PASSWORD.into(),
            roles: vec![Role::LeisureDesk],
            sites: vec![Site::leisure(1)],
        },
    )
    .unwrap();
    let server = Server::start_with(
        store,
        "127.0.0.1:0".parse().unwrap(),
        TokenLifetimes {
            access: chrono::Duration::seconds(1),
            refresh: chrono::Duration::hours(1),
        },
    )
    .await
    .unwrap();
    let mut cfg = StaffDeskConfig::new(dir.path().join("desk"), format!("http://{}", server.addr));
    cfg.keyring_service = format!("council-desk-test-{}", uuid::Uuid::new_v4());
    let keyring = Keyring::new(&cfg.keyring_service);
    let account = staff_account("desk.a");

    let desk = Desk::sign_in_staff(cfg.clone(), "desk.a", PASSWORD)
        .await
        .unwrap_or_else(|e| panic!("sign-in failed ({}): {e}; run under scripts/with-keyring", e.code()));
    desk.sync_now().await.unwrap();
    let first = keyring.refresh_token(&account).unwrap().expect("kept in the keyring");

    tokio::time::sleep(Duration::from_millis(1_500)).await;
    desk.sync_now()
        .await
        .expect("the expired access token is refreshed silently");
    let second = keyring.refresh_token(&account).unwrap().unwrap();
    assert_ne!(first, second, "rotated");
    assert!(desk.sync_status().await.unwrap().signed_in.is_some());

    // The spent token presented again: the server revokes the sign-in, the desk signs out.
    keyring.set_refresh_token(&account, &first).unwrap();
    tokio::time::sleep(Duration::from_millis(1_500)).await;
    let err = desk.sync_now().await.unwrap_err();
    assert_eq!(err.code(), "token_reused", "{err}");
    assert!(desk.sync_status().await.unwrap().signed_in.is_none());
    assert!(keyring.refresh_token(&account).unwrap().is_none());
    server.stop().await;
}

#[tokio::test]
async fn views_at_the_desk_reach_the_real_servers_audit_store() {
    let dir = tempfile::tempdir().unwrap();
    let store = desk_server::open_store(&StoreConfig::Sqlite {
        path: dir.path().join("council.db"),
    })
    .unwrap();
    let customer = desk_domain::Customer {
        id: 7,
        home_centre_id: 1,
        first_name: "Mòrag".into(),
        last_name: "O'Neill".into(),
        date_of_birth: chrono::NaiveDate::from_ymd_opt(1980, 2, 1).unwrap(),
        membership_no: "M000007".into(),
        email: Some("morag@example.org".into()),
        phone: None,
        postcode: "IV30 1AB".into(),
        concession: false,
    };
    desk_server::load_demo(
        &*store,
        &desk_server::demo::DemoData {
            centres: vec![desk_domain::Centre {
                id: 1,
                name: "Moray Leisure Centre".into(),
                town: "Elgin".into(),
            }],
            activities: vec![],
            sessions: vec![],
            customers: vec![customer],
            schools: vec![],
            pupils: vec![],
            contacts: vec![],
            ct_accounts: vec![],
            staff: vec![desk_server::demo::DemoStaff {
                username: "desk.a".into(),
                display_name: "Desk A".into(),
                password: PASSWORD.into(),
                roles: vec![Role::LeisureDesk],
                sites: vec![Site::leisure(1)],
            }],
        },
    )
    .unwrap();
    let server = Server::start(store.clone(), "127.0.0.1:0".parse().unwrap())
        .await
        .unwrap();
    let mut cfg = StaffDeskConfig::new(dir.path().join("desk"), format!("http://{}", server.addr));
    cfg.keyring_service = format!("council-desk-test-{}", uuid::Uuid::new_v4());
    let desk = Desk::sign_in_staff(cfg.clone(), "desk.a", PASSWORD)
        .await
        .unwrap_or_else(|e| panic!("sign-in failed ({}): {e}; run under scripts/with-keyring", e.code()));
    desk.sync_now().await.unwrap();
    assert_eq!(desk.leisure().search_customers("Mòrag", 5).await.unwrap().len(), 1);
    desk.sync_now().await.unwrap();
    desk.sync_now().await.unwrap();

    let rows = store.audit_for_person(7).unwrap();
    let views: Vec<_> = rows.iter().filter(|r| r.action == "view").collect();
    assert_eq!(views.len(), 1, "uploaded once: {rows:?}");
    assert_eq!(views[0].device_id, Some(desk.device_id()));
    assert!(views[0].staff_id.is_some());
    assert_eq!(views[0].device_seq, Some(1));
    assert_eq!(views[0].record_kind.as_deref(), Some("customer"));
    server.stop().await;
}

#[tokio::test]
async fn a_disabled_account_on_the_real_server_loses_its_desk_store() {
    let dir = tempfile::tempdir().unwrap();
    let store = desk_server::open_store(&StoreConfig::Sqlite {
        path: dir.path().join("council.db"),
    })
    .unwrap();
    let staff_id = desk_server::add_staff(
        &*store,
        NewStaff {
            username: "desk.b".into(),
            display_name: "Desk B".into(),
            password: PASSWORD.into(),
            roles: vec![Role::LeisureDesk],
            sites: vec![Site::leisure(1)],
        },
    )
    .unwrap();
    let server = Server::start(store.clone(), "127.0.0.1:0".parse().unwrap())
        .await
        .unwrap();
    let mut cfg = StaffDeskConfig::new(dir.path().join("desk"), format!("http://{}", server.addr));
    cfg.keyring_service = format!("council-desk-test-{}", uuid::Uuid::new_v4());
    let desk = Desk::sign_in_staff(cfg.clone(), "desk.b", PASSWORD)
        .await
        .unwrap_or_else(|e| panic!("sign-in failed ({}): {e}; run under scripts/with-keyring", e.code()));
    desk.sync_now().await.unwrap();
    let folder = cfg.store_path("desk.b").parent().unwrap().to_path_buf();
    assert!(folder.exists());

    store
        .update_staff(staff_id, &[Role::LeisureDesk], &[Site::leisure(1)], true)
        .unwrap();
    let err = desk.sync_now().await.unwrap_err();
    assert_eq!(err.code(), "account_disabled", "{err}");
    assert!(!folder.exists(), "the store is gone");
    let keyring = Keyring::new(&cfg.keyring_service);
    assert!(keyring.store_key(&staff_account("desk.b")).unwrap().is_none());
    assert!(keyring.refresh_token(&staff_account("desk.b")).unwrap().is_none());
    assert_eq!(desk.leisure().centres().await.unwrap_err().code(), "locked");
    server.stop().await;
}

/// A council server on SQLite with one centre, one session tomorrow and one customer, and the
/// staff member `username`.
fn small_council(dir: &std::path::Path, username: &str) -> std::sync::Arc<dyn desk_server::Store> {
    let store = desk_server::open_store(&StoreConfig::Sqlite {
        path: dir.join("council.db"),
    })
    .unwrap();
    let tomorrow = chrono::Local::now().date_naive() + chrono::Duration::days(1);
    desk_server::load_demo(
        &*store,
        &desk_server::demo::DemoData {
            centres: vec![desk_domain::Centre {
                id: 1,
                name: "Moray Leisure Centre".into(),
                town: "Elgin".into(),
            }],
            activities: vec![desk_domain::Activity {
                id: 10,
                centre_id: 1,
                name: "Aqua Fit".into(),
                kind: desk_domain::ActivityKind::Class,
            }],
            sessions: vec![desk_domain::Session {
                id: 1,
                centre_id: 1,
                activity_id: 10,
                activity_name: "Aqua Fit".into(),
                starts_at: tomorrow.and_hms_opt(9, 0, 0).unwrap(),
                duration_minutes: 45,
                capacity: 10,
                booked: 0,
                waiting: 0,
                location: "Pool".into(),
                instructor: "Seònaid".into(),
                cancelled: false,
            }],
            customers: vec![desk_domain::Customer {
                id: 7,
                home_centre_id: 1,
                first_name: "Mòrag".into(),
                last_name: "O'Neill".into(),
                date_of_birth: chrono::NaiveDate::from_ymd_opt(1980, 2, 1).unwrap(),
                membership_no: "M000007".into(),
                email: None,
                phone: None,
                postcode: "IV30 1AB".into(),
                concession: false,
            }],
            schools: vec![],
            pupils: vec![],
            contacts: vec![],
            ct_accounts: vec![],
            staff: vec![desk_server::demo::DemoStaff {
                username: username.into(),
                display_name: "Desk".into(),
                password: PASSWORD.into(),
                roles: vec![Role::LeisureDesk],
                sites: vec![Site::leisure(1)],
            }],
        },
    )
    .unwrap();
    store
}

/// The `action` of every row of the server's SQLite audit store.
fn server_audit_actions(dir: &std::path::Path) -> Vec<String> {
    let c = rusqlite::Connection::open(dir.join("council.db")).unwrap();
    let mut stmt = c.prepare("SELECT action FROM audit_log ORDER BY id").unwrap();
    stmt.query_map([], |r| r.get(0))
        .unwrap()
        .collect::<Result<Vec<String>, _>>()
        .unwrap()
}

#[tokio::test]
async fn sign_out_ends_the_sign_in_on_the_real_server_and_keeps_pending_changes_for_the_next() {
    let dir = tempfile::tempdir().unwrap();
    let store = small_council(dir.path(), "desk.c");
    let server = Server::start(store.clone(), "127.0.0.1:0".parse().unwrap())
        .await
        .unwrap();
    let url = format!("http://{}", server.addr);
    let mut cfg = StaffDeskConfig::new(dir.path().join("desk"), url.clone());
    cfg.keyring_service = format!("council-desk-test-{}", uuid::Uuid::new_v4());
    let keyring = Keyring::new(&cfg.keyring_service);
    let account = staff_account("desk.c");
    let desk = Desk::sign_in_staff(cfg.clone(), "desk.c", PASSWORD)
        .await
        .unwrap_or_else(|e| panic!("sign-in failed ({}): {e}; run under scripts/with-keyring", e.code()));
    desk.sync_now().await.unwrap();
    let booking = desk
        .leisure()
        .book_place(1, 7, desk_domain::Channel::FaceToFace)
        .await
        .unwrap()
        .id;
    let refresh = keyring.refresh_token(&account).unwrap().expect("kept in the keyring");

    desk.sign_out().await.unwrap();
    assert!(desk.is_locked());
    assert_eq!(desk.leisure().centres().await.unwrap_err().code(), "locked");
    assert!(keyring.refresh_token(&account).unwrap().is_none(), "forgotten");
    assert!(keyring.store_key(&account).unwrap().is_some(), "the store's key stays");
    assert!(cfg.store_path("desk.c").exists(), "the store stays");
    // The server ended the sign-in: the old refresh token is dead, and it was audited.
    let res = reqwest::Client::new()
        .post(format!("{url}/v1/session/refresh"))
        .json(&serde_json::json!({ "refresh_token": refresh }))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), reqwest::StatusCode::UNAUTHORIZED);
    assert_eq!(
        res.json::<desk_domain::ErrorBody>().await.unwrap().code,
        "session_ended"
    );
    assert_eq!(
        server_audit_actions(dir.path())
            .iter()
            .filter(|a| *a == "sign_out")
            .count(),
        1
    );
    assert!(store.booking(booking).unwrap().is_none(), "not pushed yet");

    // The next sign-in pushes what was pending.
    let again = Desk::sign_in_staff(cfg.clone(), "desk.c", PASSWORD).await.unwrap();
    again.sync_now().await.unwrap();
    let held = store.booking(booking).unwrap().expect("pushed at the next sign-in");
    assert_eq!(held.customer_id, 7);
    server.stop().await;
}

#[tokio::test]
async fn sign_out_while_the_server_is_unreachable_still_signs_out_here() {
    let dir = tempfile::tempdir().unwrap();
    let store = small_council(dir.path(), "desk.d");
    let server = Server::start(store.clone(), "127.0.0.1:0".parse().unwrap())
        .await
        .unwrap();
    let mut cfg = StaffDeskConfig::new(dir.path().join("desk"), format!("http://{}", server.addr));
    cfg.keyring_service = format!("council-desk-test-{}", uuid::Uuid::new_v4());
    let keyring = Keyring::new(&cfg.keyring_service);
    let account = staff_account("desk.d");
    let desk = Desk::sign_in_staff(cfg.clone(), "desk.d", PASSWORD)
        .await
        .unwrap_or_else(|e| panic!("sign-in failed ({}): {e}; run under scripts/with-keyring", e.code()));
    desk.sync_now().await.unwrap();
    server.stop().await;

    let started = std::time::Instant::now();
    desk.sign_out()
        .await
        .expect("signed out here although the server is gone");
    assert!(started.elapsed() < Duration::from_secs(7), "{:?}", started.elapsed());
    assert!(desk.is_locked());
    assert!(keyring.refresh_token(&account).unwrap().is_none());
    // Signed out means the next unlock is an online sign-in, not the offline verifier.
    let err = desk.unlock(PASSWORD).await.unwrap_err();
    assert_eq!(err.code(), "online_sign_in_required", "{err}");
    assert!(desk.is_locked());
    assert!(
        !server_audit_actions(dir.path()).iter().any(|a| a == "sign_out"),
        "the server never heard of it"
    );
}

#[tokio::test]
async fn refused_sign_ins_against_the_real_server_leave_no_store_and_no_keyring_entry() {
    let dir = tempfile::tempdir().unwrap();
    let store = small_council(dir.path(), "desk.e");
    let server = Server::start(store.clone(), "127.0.0.1:0".parse().unwrap())
        .await
        .unwrap();
    let mut cfg = StaffDeskConfig::new(dir.path().join("desk"), format!("http://{}", server.addr));
    cfg.keyring_service = format!("council-desk-test-{}", uuid::Uuid::new_v4());
    let keyring = Keyring::new(&cfg.keyring_service);
    // 196 characters: within the desk's limit, so the server is asked.
    let long = "correct horse ".repeat(14);
    for (username, password) in [
        ("desk.e'; DROP TABLE staff; --", PASSWORD),
        ("desk.e' OR '1'='1", PASSWORD),
        ("desk.e", "not the password at all"),
        ("desk.e", long.as_str()),
        ("nobody", PASSWORD),
    ] {
        let err = Desk::sign_in_staff(cfg.clone(), username, password)
            .await
            .expect_err(username);
        assert_eq!(err.code(), "bad_credentials", "{username:?}: {err}");
        assert!(!err.to_string().is_empty());
        assert!(
            !cfg.store_path(username).parent().unwrap().exists(),
            "{username:?}: no store folder is left"
        );
        let account = staff_account(username);
        assert!(keyring.store_key(&account).unwrap().is_none(), "{username:?}");
        assert!(keyring.refresh_token(&account).unwrap().is_none(), "{username:?}");
    }
    assert_eq!(
        std::fs::read_dir(dir.path().join("desk").join("staff")).map_or(0, |d| d.count()),
        0,
        "no store folder of any name"
    );
    // The server's accounts are intact and the real account signs in.
    assert_eq!(store.count("staff").unwrap(), 1);
    let desk = Desk::sign_in_staff(cfg.clone(), "desk.e", PASSWORD)
        .await
        .unwrap_or_else(|e| panic!("sign-in failed ({}): {e}; run under scripts/with-keyring", e.code()));
    desk.sync_now().await.unwrap();
    assert_eq!(desk.leisure().centres().await.unwrap().len(), 1);
    server.stop().await;
}
