//! A staff desk against the REAL council server (desk-server on SQLite, real HTTP on loopback)
//! and the real OS keyring: run under `scripts/with-keyring`.

use std::time::Duration;

use desk_client::keys::Keyring;
use desk_client::{Desk, staff_account};
use desk_domain::{Customer, Role, Site};
use desk_fixtures::DemoData;
use desk_server::TokenLifetimes;
use desk_testkit::world::{centre, class, customer, session};
use desk_testkit::{Backend, PASSWORD, TestDb, TestServer, add_leisure_staff, leisure_staff, tomorrow_at};

mod staff;
use staff::{sign_in, staff_config};

/// The council server's store on SQLite, as `<dir>/council.db`.
fn sqlite_store(dir: &std::path::Path) -> std::sync::Arc<dyn desk_server::Store> {
    TestDb::new(Backend::Sqlite, dir).open()
}

#[tokio::test]
async fn against_the_real_server_expired_access_is_refreshed_and_a_reused_refresh_token_signs_out() {
    let dir = tempfile::tempdir().unwrap();
    let store = sqlite_store(dir.path());
    add_leisure_staff(&*store, "desk.a", "Desk A", 1);
    let mut server = TestServer::start_with(
        store,
        TokenLifetimes {
            access: chrono::Duration::seconds(1),
            refresh: chrono::Duration::hours(1),
        },
    )
    .await;
    let cfg = staff_config(dir.path(), server.url());
    let keyring = Keyring::new(&cfg.keyring_service);
    let account = staff_account("desk.a");

    let desk = sign_in(&cfg, "desk.a").await;
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
    let store = sqlite_store(dir.path());
    desk_server::load_demo(
        &*store,
        &DemoData {
            centres: vec![centre(1, "Moray Leisure Centre", "Elgin")],
            customers: vec![Customer {
                email: Some("morag@example.org".into()),
                ..customer(7, 1, "Mòrag", "O'Neill", (1980, 2, 1))
            }],
            staff: vec![leisure_staff("desk.a", "Desk A", 1)],
            ..DemoData::default()
        },
    )
    .unwrap();
    let mut server = TestServer::start(store.clone()).await;
    let cfg = staff_config(dir.path(), server.url());
    let desk = sign_in(&cfg, "desk.a").await;
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
    let store = sqlite_store(dir.path());
    let staff_id = add_leisure_staff(&*store, "desk.b", "Desk B", 1);
    let mut server = TestServer::start(store.clone()).await;
    let cfg = staff_config(dir.path(), server.url());
    let desk = sign_in(&cfg, "desk.b").await;
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
    let store = sqlite_store(dir);
    desk_server::load_demo(
        &*store,
        &DemoData {
            centres: vec![centre(1, "Moray Leisure Centre", "Elgin")],
            activities: vec![class(10, 1, "Aqua Fit")],
            sessions: vec![session(1, 1, 10, tomorrow_at(9), 10)],
            customers: vec![customer(7, 1, "Mòrag", "O'Neill", (1980, 2, 1))],
            staff: vec![leisure_staff(username, "Desk", 1)],
            ..DemoData::default()
        },
    )
    .unwrap();
    store
}

/// The `action` of every row of the server's SQLite audit store.
fn server_audit_actions(dir: &std::path::Path) -> Vec<String> {
    TestDb::new(Backend::Sqlite, dir).column("SELECT action FROM audit_log ORDER BY id")
}

#[tokio::test]
async fn sign_out_ends_the_sign_in_on_the_real_server_and_keeps_pending_changes_for_the_next() {
    let dir = tempfile::tempdir().unwrap();
    let store = small_council(dir.path(), "desk.c");
    let mut server = TestServer::start(store.clone()).await;
    let url = server.url();
    let cfg = staff_config(dir.path(), url.clone());
    let keyring = Keyring::new(&cfg.keyring_service);
    let account = staff_account("desk.c");
    let desk = sign_in(&cfg, "desk.c").await;
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
    let mut server = TestServer::start(store.clone()).await;
    let cfg = staff_config(dir.path(), server.url());
    let keyring = Keyring::new(&cfg.keyring_service);
    let account = staff_account("desk.d");
    let desk = sign_in(&cfg, "desk.d").await;
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
    let mut server = TestServer::start(store.clone()).await;
    let cfg = staff_config(dir.path(), server.url());
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
    let desk = sign_in(&cfg, "desk.e").await;
    desk.sync_now().await.unwrap();
    assert_eq!(desk.leisure().centres().await.unwrap().len(), 1);
    server.stop().await;
}

/// A device id names one person's store. If the server holds this desk's device id for
/// someone else (a copied store, a client that reused it), the sign-in is refused with the
/// server's own code and words, which the sign-in screen shows, and nothing is issued.
#[tokio::test]
async fn a_device_id_held_by_another_person_is_refused_at_sign_in_with_a_clear_message() {
    let dir = tempfile::tempdir().unwrap();
    let store = small_council(dir.path(), "desk.f");
    let other = add_leisure_staff(&*store, "desk.g", "Desk G", 1);
    let mut server = TestServer::start(store.clone()).await;
    let cfg = staff_config(dir.path(), server.url());
    let desk = sign_in(&cfg, "desk.f").await;
    let device = desk.device_id();
    desk.sign_out().await.unwrap();
    drop(desk);
    TestDb::new(Backend::Sqlite, dir.path())
        .execute(&format!(
            "UPDATE devices SET staff_id = {other} WHERE device_id = '{device}'"
        ))
        .unwrap();
    let tokens = store.count("access_tokens").unwrap();

    let err = Desk::sign_in_staff(cfg.clone(), "desk.f", PASSWORD)
        .await
        .expect_err("another person's device");
    assert_eq!(err.code(), "device_taken", "{err}");
    let shown = err.to_body();
    assert!(shown.message.contains("another member of staff"), "{}", shown.message);
    assert!(shown.message.contains(&device.to_string()), "{}", shown.message);
    assert_eq!(store.count("access_tokens").unwrap(), tokens, "nothing issued");
    assert_eq!(
        server_audit_actions(dir.path()).last().map(String::as_str),
        Some("sign_in_failed")
    );
    server.stop().await;
}

/// The worked example of docs/adding-a-service.md against the real server, on both backends:
/// a note made on one desk is written by the server's generic interpreter to its own table and
/// change log, audited for the customer, and pulled by a second desk of the same centre.
#[tokio::test]
async fn a_note_reaches_the_real_server_and_another_desk_on_both_backends() {
    for backend in [Backend::Sqlite, Backend::Postgres] {
        let dir = tempfile::tempdir().unwrap();
        let db = TestDb::new(backend, dir.path());
        let store = db.open();
        desk_server::load_demo(
            &*store,
            &DemoData {
                centres: vec![centre(1, "Moray Leisure Centre", "Elgin")],
                customers: vec![customer(7, 1, "Mòrag", "O'Neill", (1980, 2, 1))],
                staff: vec![
                    leisure_staff("desk.n1", "Desk 1", 1),
                    leisure_staff("desk.n2", "Desk 2", 1),
                ],
                ..DemoData::default()
            },
        )
        .unwrap();
        let mut server = TestServer::start(store.clone()).await;
        let one = sign_in(&staff_config(&dir.path().join("one"), server.url()), "desk.n1").await;
        let two = sign_in(&staff_config(&dir.path().join("two"), server.url()), "desk.n2").await;
        one.sync_now().await.unwrap();

        let note = one
            .leisure()
            .add_note(7, "Asked about the family pass.", desk_domain::Channel::FaceToFace)
            .await
            .unwrap();
        one.sync_now().await.unwrap();
        assert_eq!(one.sync_status().await.unwrap().pending, 0, "{backend:?}: applied");

        let held = store.records_of(desk_server::PersonRef::Customer(7)).unwrap();
        let row = held
            .iter()
            .find(|(table, id, _)| table == "customer_notes" && *id == note.id.to_string())
            .unwrap_or_else(|| panic!("{backend:?}: the server holds the note: {held:?}"));
        let stored: desk_domain::CustomerNote = serde_json::from_str(&row.2).unwrap();
        // The server's clock stamps the note it applies; everything else is what the desk sent.
        assert_eq!(
            desk_domain::CustomerNote {
                created_at: note.created_at,
                ..stored.clone()
            },
            note,
            "{backend:?}"
        );
        let audited = store.audit_of(desk_server::PersonRef::Customer(7)).unwrap();
        assert!(
            audited.iter().any(|e| e.action == "change"
                && e.record_kind.as_deref() == Some("customer_note")
                && e.record_id.as_deref() == Some(note.id.to_string().as_str())),
            "{backend:?}: {audited:?}"
        );

        two.sync_now().await.unwrap();
        assert_eq!(
            two.leisure().customer_notes(7).await.unwrap(),
            vec![stored.clone()],
            "{backend:?}"
        );
        assert_eq!(
            one.leisure().customer_notes(7).await.unwrap(),
            vec![stored],
            "{backend:?}: settled"
        );
        server.stop().await;
    }
}

fn ewan_grant(home_centre_id: i64) -> desk_client::leisure::RegistrationInput {
    desk_client::leisure::RegistrationInput {
        home_centre_id,
        first_name: "Ewan".into(),
        last_name: "Grant".into(),
        date_of_birth: chrono::NaiveDate::from_ymd_opt(1990, 6, 15).unwrap(),
        address: "4 Moss Street, Elgin".into(),
        postcode: "iv30 1lt".into(),
        email: Some("ewan.grant@example.org".into()),
        phone: None,
        emergency_contact: None,
        concession: None,
        marketing_consent: true,
        not_them: Vec::new(),
    }
}

/// The customer at the desk against the real server, on both backends: a customer registered
/// on one desk is usable there at once (booked before any sync), reaches the server with an id
/// made on the desk, and is pulled by a second desk of the same centre. The second desk, not
/// yet synced, registers the same person: the server refuses it as a possible duplicate with
/// the first desk's customer offered; registered again as "not them", it is applied. A date of
/// birth in the future is refused on the desk with nothing recorded.
#[tokio::test]
async fn a_customer_registered_on_one_desk_reaches_another_and_a_duplicate_is_refused_until_confirmed() {
    use desk_client::leisure::RegistrationInput;
    use desk_domain::Channel::FaceToFace;
    for backend in [Backend::Sqlite, Backend::Postgres] {
        let dir = tempfile::tempdir().unwrap();
        let db = TestDb::new(backend, dir.path());
        let store = db.open();
        desk_server::load_demo(
            &*store,
            &DemoData {
                centres: vec![centre(1, "Moray Leisure Centre", "Elgin")],
                activities: vec![class(10, 1, "Aqua Fit")],
                sessions: vec![session(1, 1, 10, tomorrow_at(9), 10)],
                customers: vec![customer(7, 1, "Mòrag", "O'Neill", (1980, 2, 1))],
                staff: vec![
                    leisure_staff("desk.r1", "Desk 1", 1),
                    leisure_staff("desk.r2", "Desk 2", 1),
                ],
                ..DemoData::default()
            },
        )
        .unwrap();
        let mut server = TestServer::start(store.clone()).await;
        let one = sign_in(&staff_config(&dir.path().join("one"), server.url()), "desk.r1").await;
        let two = sign_in(&staff_config(&dir.path().join("two"), server.url()), "desk.r2").await;
        one.sync_now().await.unwrap();
        two.sync_now().await.unwrap();

        // Bad input: refused on the desk, nothing recorded.
        let future = RegistrationInput {
            date_of_birth: chrono::Local::now().date_naive() + chrono::Days::new(1),
            ..ewan_grant(1)
        };
        let refused = one.leisure().register_customer(&future, FaceToFace).await.unwrap_err();
        assert_eq!(refused.code(), "invalid_input", "{backend:?}");
        assert!(refused.to_string().contains("future"), "{refused}");
        assert_eq!(one.sync_status().await.unwrap().pending, 0);

        let outcome = one
            .leisure()
            .register_customer(&ewan_grant(1), FaceToFace)
            .await
            .unwrap();
        let id = outcome.customer_id.expect("registered");
        assert!(desk_domain::leisure::customer_cmd::DESK_CUSTOMER_IDS.contains(&id));
        let seen = one.leisure().reception(id, Some(1)).await.unwrap();
        assert!(seen.pending, "{backend:?}: pending before the server confirms it");
        assert_eq!(seen.address.as_deref(), Some("4 Moss Street, Elgin"));
        assert_eq!(seen.postcode, "IV30 1LT");
        // The price by the one price rule, with its reason (the demo council's example list).
        let price = seen.price.expect("priced");
        assert_eq!(
            (price.price_pence, price.reason.as_str()),
            (600, "Adult"),
            "{backend:?}"
        );
        // Found by the search box at once, before any sync (the index holds pulled rows only).
        let found = one.leisure().search_customers("ewan gra", 10).await.unwrap();
        assert_eq!(found.iter().map(|c| c.id).collect::<Vec<_>>(), [id], "{backend:?}");
        let by_birth = one.leisure().search_customers("15/06/1990", 10).await.unwrap();
        assert_eq!(by_birth.iter().map(|c| c.id).collect::<Vec<_>>(), [id], "{backend:?}");
        // Booked at once, before any sync: the desk's rules see its own pending customer.
        one.leisure().book_place(1, id, FaceToFace).await.unwrap();
        one.sync_now().await.unwrap();
        assert_eq!(one.sync_status().await.unwrap().pending, 0, "{backend:?}: both applied");
        assert!(one.needs_attention().await.unwrap().is_empty());
        let held = store.records_of(desk_server::PersonRef::Customer(id)).unwrap();
        let tables: Vec<&str> = held.iter().map(|(t, _, _)| t.as_str()).collect();
        assert!(
            tables.contains(&"customers") && tables.contains(&"customer_details") && tables.contains(&"bookings"),
            "{backend:?}: {tables:?}"
        );
        let after = one.leisure().reception(id, None).await.unwrap();
        assert!(!after.pending, "{backend:?}: settled");
        assert_eq!(after.upcoming.len(), 1);

        // The second desk has not pulled Ewan yet: it registers him again, and the server says no.
        let again = two
            .leisure()
            .register_customer(&ewan_grant(1), FaceToFace)
            .await
            .unwrap();
        let second_id = again.customer_id.expect("nothing on this desk to match yet");
        two.sync_now().await.unwrap();
        let items = two.needs_attention().await.unwrap();
        let [item] = &items[..] else {
            panic!("{backend:?}: one refusal: {items:?}")
        };
        assert_eq!(item.code, "possible_duplicate");
        assert!(
            matches!(&item.alternatives[..], [desk_domain::Alternative::ExistingCustomer { customer_id, .. }] if *customer_id == id),
            "{:?}",
            item.alternatives
        );
        assert!(
            store
                .records_of(desk_server::PersonRef::Customer(second_id))
                .unwrap()
                .is_empty()
        );

        // Now pulled: the desk asks "is this them?" itself, offline, before recording anything.
        let asked = two
            .leisure()
            .register_customer(&ewan_grant(1), FaceToFace)
            .await
            .unwrap();
        assert_eq!(asked.customer_id, None);
        assert_eq!(
            asked
                .matches
                .iter()
                .map(|m| (m.customer_id, m.why.as_str()))
                .collect::<Vec<_>>(),
            [(id, "same name and date of birth")],
            "{backend:?}"
        );
        let view = two.leisure().reception(id, None).await.unwrap();
        assert_eq!(
            (view.first_name.as_str(), view.upcoming.len()),
            ("Ewan", 1),
            "{backend:?}"
        );

        // The receptionist says "no, a new customer" (twins share a birthday and a name).
        let confirmed = RegistrationInput {
            not_them: vec![id],
            ..ewan_grant(1)
        };
        let twin = two.leisure().register_customer(&confirmed, FaceToFace).await.unwrap();
        let twin_id = twin.customer_id.expect("registered once confirmed");
        two.sync_now().await.unwrap();
        assert_eq!(two.sync_status().await.unwrap().pending, 0, "{backend:?}");
        assert!(
            !store
                .records_of(desk_server::PersonRef::Customer(twin_id))
                .unwrap()
                .is_empty(),
            "{backend:?}: the twin is on the server"
        );
        server.stop().await;
    }
}

#[tokio::test]
async fn a_half_done_form_is_kept_across_the_lock_in_the_staff_store_and_goes_at_sign_out() {
    let dir = tempfile::tempdir().unwrap();
    let store = small_council(dir.path(), "desk.d");
    let server = TestServer::start(store).await;
    let cfg = staff_config(dir.path(), server.url());
    let desk = sign_in(&cfg, "desk.d").await;
    let fields = r#"{"searchText":"mor","customerId":7,"channel":"telephone"}"#;
    desk.save_draft("book:1", fields).await.unwrap();
    assert_eq!(desk.draft("book:1").await.unwrap().as_deref(), Some(fields));
    assert_eq!(desk.draft("book:2").await.unwrap(), None);
    // Bad names and contents are refused, and change nothing.
    for (form, data) in [
        ("", "{}"),
        ("book 1; DROP", "{}"),
        ("book:1", "not json"),
        ("book:1", "[1, 2]"),
    ] {
        assert_eq!(
            desk.save_draft(form, data).await.unwrap_err().code(),
            "invalid_input",
            "{form} {data}"
        );
    }
    let big = format!(r#"{{"searchText":"{}"}}"#, "x".repeat(desk_client::drafts::MAX_DRAFT));
    assert_eq!(
        desk.save_draft("book:1", &big).await.unwrap_err().code(),
        "invalid_input"
    );
    assert_eq!(desk.draft("book:1").await.unwrap().as_deref(), Some(fields));

    // Locked: nobody reads it; unlocked: it is back, from the encrypted store.
    desk.lock().await;
    assert_eq!(desk.draft("book:1").await.unwrap_err().code(), "locked");
    desk.unlock(PASSWORD).await.unwrap();
    assert_eq!(desk.draft("book:1").await.unwrap().as_deref(), Some(fields));
    let raw = std::fs::read(cfg.store_path("desk.d")).unwrap();
    assert!(
        !raw.windows(b"searchText".len()).any(|w| w == b"searchText"),
        "the draft is not readable in the store's file"
    );

    // Submitted: forgotten.
    desk.clear_draft("book:1").await.unwrap();
    assert_eq!(desk.draft("book:1").await.unwrap(), None);

    // Signing out forgets every draft: the next sign-in finds none.
    desk.save_draft("book:1", fields).await.unwrap();
    desk.sign_out().await.unwrap();
    let again = sign_in(&cfg, "desk.d").await;
    assert_eq!(again.draft("book:1").await.unwrap(), None);
}
