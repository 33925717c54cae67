//! What a desk does on its own: the store it keeps, search, and the checks on what it is given.

mod support;

use desk_client::{Desk, DeskConfig};
use desk_domain::Channel;
use support::*;

#[tokio::test]
async fn device_id_is_made_once_and_the_server_address_is_remembered() {
    let dir = tempfile::tempdir().unwrap();
    let first = open_desk(dir.path(), "http://127.0.0.1:8640").await;
    let id = first.device_id();
    assert_eq!(id.get_version_num(), 7, "device ids are UUIDv7");
    first.set_server_url("https://desk.council.example").await.unwrap();
    drop(first);
    let again = open_desk(dir.path(), "http://127.0.0.1:8640").await;
    assert_eq!(again.device_id(), id);
    assert_eq!(again.server_url(), "https://desk.council.example/");
    assert!(dir.path().join("desk.db").exists());

    for bad in [
        "",
        "desk.council.example",
        "ftp://desk",
        "http://",
        "https://x/?token=1",
    ] {
        assert_eq!(
            again.set_server_url(bad).await.unwrap_err().code(),
            "invalid_input",
            "{bad}"
        );
    }
    assert_eq!(
        again.server_url(),
        "https://desk.council.example/",
        "a bad address changes nothing"
    );

    let other = tempfile::tempdir().unwrap();
    let err = Desk::open(DeskConfig {
        data_dir: other.path().to_path_buf(),
        server_url: "not a url".into(),
    })
    .await
    .unwrap_err();
    assert_eq!(err.code(), "invalid_input");
}

#[tokio::test]
async fn search_folds_accents_and_apostrophes_and_finds_numbers_and_dates() {
    let server = FakeServer::start().await;
    {
        let mut w = server.world();
        seed(&mut w, 5);
        w.add_customer(customer(4, "Seonaid", "Ross", (1990, 5, 5)));
        w.add_customer(customer(5, "Màiri", "MacLeòid", (1980, 2, 1)));
    }
    let dir = tempfile::tempdir().unwrap();
    let desk = synced_desk(dir.path(), &server).await;
    let ids = |v: Vec<desk_client::CustomerView>| v.into_iter().map(|c| c.id).collect::<Vec<_>>();

    // Sorted by surname: MacAoidh (2) before Ross (4).
    assert_eq!(
        ids(desk.leisure().search_customers("Seonaid", 10).await.unwrap()),
        vec![2, 4]
    );
    assert_eq!(
        ids(desk.leisure().search_customers("seònaid", 10).await.unwrap()),
        vec![2, 4]
    );
    assert_eq!(
        ids(desk.leisure().search_customers("SEON", 10).await.unwrap()),
        vec![2, 4]
    );
    assert_eq!(
        ids(desk.leisure().search_customers("oneill", 10).await.unwrap()),
        vec![1]
    );
    assert_eq!(
        ids(desk.leisure().search_customers("O'Neill", 10).await.unwrap()),
        vec![1]
    );
    assert_eq!(
        ids(desk.leisure().search_customers("O’Neill", 10).await.unwrap()),
        vec![1]
    );
    assert_eq!(
        ids(desk.leisure().search_customers("o'nei", 10).await.unwrap()),
        vec![1]
    );
    assert_eq!(
        ids(desk.leisure().search_customers("Neill", 10).await.unwrap()),
        vec![1]
    );
    assert_eq!(
        ids(desk.leisure().search_customers("morag oneill", 10).await.unwrap()),
        vec![1]
    );
    assert_eq!(
        ids(desk.leisure().search_customers("mairi macleoid", 10).await.unwrap()),
        vec![5]
    );
    assert!(
        desk.leisure()
            .search_customers("morag grant", 10)
            .await
            .unwrap()
            .is_empty(),
        "every word must match"
    );
    assert_eq!(
        ids(desk.leisure().search_customers("M000003", 10).await.unwrap()),
        vec![3]
    );
    assert_eq!(
        ids(desk.leisure().search_customers("01/02/1980", 10).await.unwrap()),
        vec![5, 1]
    );
    assert_eq!(
        ids(desk.leisure().search_customers("1980-02-01", 10).await.unwrap()),
        vec![5, 1]
    );
    assert_eq!(
        ids(desk.leisure().search_customers("Morag 01/02/1980", 10).await.unwrap()),
        vec![1]
    );
    assert_eq!(
        ids(desk.leisure().search_customers("Seonaid", 1).await.unwrap()),
        vec![2],
        "limit holds"
    );
    assert!(desk.leisure().search_customers("   ", 10).await.unwrap().is_empty());
    assert!(
        desk.leisure()
            .search_customers("\" OR * NEAR(", 10)
            .await
            .unwrap()
            .is_empty(),
        "no FTS5 syntax errors"
    );

    let found = desk.leisure().search_customers("oneill", 10).await.unwrap().remove(0);
    assert_eq!(found.first_name, "Mòrag");
    assert_eq!(found.membership_no, "M000001");
    assert_eq!(found.postcode, "IV30 1AB");

    // The index follows updates and deletes.
    {
        let mut w = server.world();
        let mut c = w.customers[&1].clone();
        c.last_name = "Sutherland".into();
        w.add_customer(c);
        w.delete(desk_domain::entities::table::CUSTOMERS, "4");
    }
    desk.sync_now().await.unwrap();
    assert!(desk.leisure().search_customers("oneill", 10).await.unwrap().is_empty());
    assert_eq!(
        ids(desk.leisure().search_customers("sutherl", 10).await.unwrap()),
        vec![1]
    );
    assert_eq!(
        ids(desk.leisure().search_customers("Seonaid", 10).await.unwrap()),
        vec![2]
    );
}

fn code<T: std::fmt::Debug>(r: Result<T, desk_client::DeskError>) -> String {
    r.unwrap_err().code().to_owned()
}

#[tokio::test]
async fn bad_input_gets_a_clear_error_and_changes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let desk = open_desk(dir.path(), "http://127.0.0.1:9").await;
    assert_eq!(
        code(desk.leisure().book_place(0, 1, Channel::FaceToFace).await),
        "invalid_input"
    );
    assert_eq!(
        code(desk.leisure().book_place(1, -4, Channel::FaceToFace).await),
        "invalid_input"
    );
    assert_eq!(
        code(desk.leisure().join_waiting_list(-1, 1, Channel::Email).await),
        "invalid_input"
    );
    assert_eq!(
        code(desk.leisure().cancel_place(uuid::Uuid::nil(), Channel::Email).await),
        "invalid_input"
    );
    assert_eq!(code(desk.leisure().timetable(0, day(0)).await), "invalid_input");
    assert_eq!(code(desk.leisure().session(0).await), "invalid_input");
    assert_eq!(code(desk.leisure().session(5).await), "not_found");
    assert_eq!(
        code(desk.leisure().search_customers(&"a".repeat(201), 10).await),
        "invalid_input"
    );
    assert!(desk.leisure().search_customers(&"a".repeat(200), 10).await.is_ok());
    assert_eq!(
        code(desk.leisure().search_customers("ab\u{0}c", 10).await),
        "invalid_input"
    );
    assert_eq!(
        code(desk.leisure().search_customers("ab\nc", 10).await),
        "invalid_input"
    );
    assert_eq!(code(desk.leisure().search_customers("smith", 0).await), "invalid_input");
    assert_eq!(
        code(desk.leisure().search_customers("smith", 101).await),
        "invalid_input"
    );
    assert!(desk.leisure().search_customers("smith", 100).await.is_ok());
    assert_eq!(code(desk.sign_in(&"u".repeat(201), "pw").await), "invalid_input");
    assert_eq!(code(desk.sign_in("eilidh", "").await), "invalid_input");
    assert_eq!(
        code(desk.dismiss_attention(uuid::Uuid::now_v7(), "").await),
        "invalid_input"
    );
    assert_eq!(
        code(desk.dismiss_attention(uuid::Uuid::now_v7(), "a note").await),
        "not_found"
    );
    // Unreachable server: offline, not a crash.
    assert_eq!(code(desk.sign_in("eilidh", "pw").await), "offline");
    assert!(!desk.sync_status().await.unwrap().online);

    let status = desk.sync_status().await.unwrap();
    assert_eq!((status.pending, status.needs_attention), (0, 0));

    // Errors serialise as {code, message} for IPC.
    let err = desk.leisure().book_place(0, 1, Channel::FaceToFace).await.unwrap_err();
    let json = serde_json::to_value(&err).unwrap();
    assert_eq!(json["code"], "invalid_input");
    assert!(json["message"].as_str().unwrap().contains("session id"));
}

#[tokio::test]
async fn views_serialise_for_the_app() {
    let server = FakeServer::start().await;
    seed(&mut server.world(), 5);
    let dir = tempfile::tempdir().unwrap();
    let desk = synced_desk(dir.path(), &server).await;
    let b = desk.leisure().book_place(1, 1, Channel::AssistedDigital).await.unwrap();
    let json = serde_json::to_value(&b).unwrap();
    assert_eq!(json["status"], "booked");
    assert_eq!(json["pending"], true);
    let back: desk_client::BookingView = serde_json::from_value(json).unwrap();
    assert_eq!(back, b);
    let detail = serde_json::to_value(desk.leisure().session(1).await.unwrap()).unwrap();
    assert_eq!(detail["session"]["session"]["booked"], 1);
    let status = serde_json::to_value(desk.sync_status().await.unwrap()).unwrap();
    assert_eq!(status["pending"], 1);
    assert_eq!(status["signed_in"]["username"], "eilidh");
}

#[tokio::test]
async fn the_outbox_survives_reopening_and_keeps_seq_gapless() {
    let server = FakeServer::start().await;
    seed(&mut server.world(), 5);
    let dir = tempfile::tempdir().unwrap();
    let desk = synced_desk(dir.path(), &server).await;
    let a = desk.leisure().book_place(1, 1, Channel::FaceToFace).await.unwrap();
    drop(desk);
    let desk = open_desk(dir.path(), &server.url).await;
    assert_eq!(desk.sync_status().await.unwrap().pending, 1);
    let detail = desk.leisure().session(1).await.unwrap();
    assert!(
        detail.bookings.iter().any(|b| b.id == a.id && b.pending),
        "overlay rebuilt on open"
    );
    desk.leisure().book_place(1, 2, Channel::FaceToFace).await.unwrap();
    desk.sign_in("eilidh", "correct horse").await.unwrap();
    let report = desk.sync_now().await.unwrap();
    assert_eq!(report.applied, 2);
    let w = server.world();
    assert_eq!(w.last_seq[&desk.device_id()], 2, "seqs 1 and 2, no gap");
}

#[test]
fn the_engine_can_be_shared_between_tasks_and_threads() {
    fn shareable<T: Clone + Send + Sync + 'static>() {}
    fn sendable<T: Send + 'static>() {}
    shareable::<Desk>();
    sendable::<desk_client::SyncLoop>();
    sendable::<desk_client::DeskError>();
}

#[tokio::test]
async fn the_encryption_bench_measures_both_stores() {
    let dir = tempfile::tempdir().unwrap();
    let cost = desk_client::bench::encryption_cost(dir.path(), 20, 6_000).await;
    assert!(cost.commit_p95_plain > std::time::Duration::ZERO);
    assert!(cost.commit_p95_encrypted > std::time::Duration::ZERO);
    assert!(cost.pull_rows_per_s_plain > 0.0 && cost.pull_rows_per_s_encrypted > 0.0);
    // The encrypted store really is encrypted: no plain SQLite header.
    let keyed = std::fs::read(dir.path().join("pull_keyed.db")).unwrap();
    assert!(!keyed.starts_with(b"SQLite format 3"));
    let plain = std::fs::read(dir.path().join("pull_plain.db")).unwrap();
    assert!(plain.starts_with(b"SQLite format 3"));
}

#[tokio::test]
async fn bad_staff_credentials_are_refused_before_anything_is_made() {
    let dir = tempfile::tempdir().unwrap();
    let cfg = desk_client::StaffDeskConfig::new(dir.path(), "http://127.0.0.1:9");
    let long = "x".repeat(201);
    for (username, password) in [
        ("", "correct horse"),
        ("   ", "correct horse"),
        ("eilidh", ""),
        (long.as_str(), "correct horse"),
        ("eilidh", long.as_str()),
        ("eil\u{0}idh", "correct horse"),
        ("eilidh\n", "correct horse"),
    ] {
        let err = Desk::sign_in_staff(cfg.clone(), username, password).await.unwrap_err();
        assert_eq!(err.code(), "invalid_input", "{username:?}: {err}");
        assert!(!err.to_string().is_empty());
    }
    assert!(!dir.path().join("staff").exists(), "no store folder was made");

    // A user name with SQL in it is only ever a name: it is hashed into the folder name.
    let sneaky = "eilidh'; DROP TABLE customers; --";
    let path = cfg.store_path(sneaky);
    let folder = path.parent().unwrap().file_name().unwrap().to_str().unwrap();
    assert_eq!(folder.len(), 32);
    assert!(folder.chars().all(|c| c.is_ascii_hexdigit()));
    assert_eq!(folder, desk_client::staff_account(sneaky));
}

/// The worked example of docs/adding-a-service.md: a note on a customer, recorded offline through
/// the seam (decide, overlay, outbox, audit), shown at once, settled by the server's answer.
#[tokio::test]
async fn a_note_on_a_customer_is_kept_offline_and_settles_through_the_seam() {
    let server = FakeServer::start().await;
    seed(&mut server.world(), 5);
    let dir = tempfile::tempdir().unwrap();
    let desk = synced_desk(dir.path(), &server).await;
    let notes = desk.leisure();

    for (bad, why) in [("   ", "empty"), ("bell\u{7}", "control character")] {
        assert_eq!(
            code(notes.add_note(1, bad, Channel::Telephone).await),
            "invalid_input",
            "{why}"
        );
    }
    assert_eq!(
        code(notes.add_note(1, &"x".repeat(501), Channel::Telephone).await),
        "invalid_input"
    );
    assert_eq!(
        code(notes.add_note(404, "Hello", Channel::Telephone).await),
        "not_found"
    );
    assert_eq!(
        desk.sync_status().await.unwrap().pending,
        0,
        "refused notes record nothing"
    );

    server.world().down = true;
    let note = notes
        .add_note(1, "  Prefers the 07:00 swim. ", Channel::Telephone)
        .await
        .unwrap();
    assert_eq!(note.text, "Prefers the 07:00 swim.");
    assert_eq!(note.customer_id, 1);
    assert_eq!(
        notes.customer_notes(1).await.unwrap(),
        vec![note.clone()],
        "shown at once, offline"
    );
    assert!(notes.customer_notes(2).await.unwrap().is_empty());
    assert_eq!(desk.sync_status().await.unwrap().pending, 1);
    let changed: Vec<_> = desk
        .audit_log(0, 100)
        .await
        .unwrap()
        .into_iter()
        .filter(|e| e.action == "change")
        .collect();
    assert_eq!(changed.len(), 1, "{changed:?}");
    assert_eq!(
        (
            changed[0].record_kind.as_str(),
            changed[0].record_id.as_str(),
            changed[0].person_id
        ),
        ("customer_note", note.id.to_string().as_str(), Some(1))
    );

    server.world().down = false;
    desk.sync_now().await.unwrap();
    assert_eq!(desk.sync_status().await.unwrap().pending, 0, "applied and pulled back");
    let synced = notes.customer_notes(1).await.unwrap();
    assert_eq!(
        synced.len(),
        1,
        "the replica's copy replaces the pending one, not beside it"
    );
    assert_eq!(
        (synced[0].id, synced[0].text.as_str()),
        (note.id, "Prefers the 07:00 swim.")
    );
    assert!(
        server
            .world()
            .log
            .iter()
            .any(|c| c.table == "customer_notes" && c.id == note.id.to_string())
    );
}
