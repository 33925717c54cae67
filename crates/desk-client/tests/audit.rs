//! The desk's local audit log: every view of a customer and every change, in the same
//! transaction as the read or the change.

mod support;

use desk_client::store;
use desk_domain::Channel;
use support::*;

async fn server() -> FakeServer {
    let server = FakeServer::start().await;
    seed(&mut server.world(), 1);
    server
}

#[tokio::test]
async fn views_and_changes_are_audited_with_the_staff_member() {
    let server = server().await;
    let dir = tempfile::tempdir().unwrap();
    let desk = synced_desk(dir.path(), &server).await;
    assert!(desk.audit_log(0, 100).await.unwrap().is_empty(), "a sync views nothing");

    let found = desk.leisure().search_customers("Mòrag", 10).await.unwrap();
    assert_eq!(found.len(), 1);
    let log = desk.audit_log(0, 100).await.unwrap();
    assert_eq!(log.len(), 1);
    assert_eq!(
        (
            log[0].action.as_str(),
            log[0].record_kind.as_str(),
            log[0].record_id.as_str()
        ),
        ("view", "customer", "1")
    );
    assert_eq!(log[0].person_id, Some(1));
    assert_eq!(log[0].staff_id, Some(1), "the signed-in staff member");

    // A search that shows nobody audits nobody.
    assert!(desk.leisure().search_customers("Zebedee", 10).await.unwrap().is_empty());
    assert_eq!(desk.audit_log(0, 100).await.unwrap().len(), 1);

    let booked = desk.leisure().book_place(1, 2, Channel::Telephone).await.unwrap();
    let log = desk.audit_log(1, 100).await.unwrap();
    assert_eq!(log.len(), 1, "{log:?}");
    assert_eq!(log[0].seq, 2);
    assert_eq!(log[0].action, "change");
    assert_eq!(log[0].record_kind, "booking");
    assert_eq!(log[0].record_id, booked.id.to_string());
    assert_eq!(log[0].person_id, Some(2));

    // Refused (session 1 has one place, now taken): nothing recorded, nothing audited.
    let refused = desk.leisure().book_place(1, 3, Channel::Telephone).await.unwrap_err();
    assert_eq!(refused.code(), "session_full", "{refused}");
    assert_eq!(desk.audit_log(0, 100).await.unwrap().len(), 2);

    // The session's detail shows its customers: each one shown is audited.
    let detail = desk.leisure().session(1).await.unwrap();
    assert_eq!(detail.bookings.len(), 1);
    let log = desk.audit_log(2, 100).await.unwrap();
    assert_eq!(log.len(), 1);
    assert_eq!((log[0].action.as_str(), log[0].person_id), ("view", Some(2)));
    assert!(log[0].detail.contains("session 1"), "{}", log[0].detail);

    let seqs: Vec<u64> = desk.audit_log(0, 100).await.unwrap().iter().map(|e| e.seq).collect();
    assert_eq!(seqs, vec![1, 2, 3], "gapless");
    assert_eq!(desk.audit_log(0, 0).await.unwrap_err().code(), "invalid_input");
}

#[tokio::test]
async fn the_audit_log_cannot_be_changed_or_emptied() {
    let server = server().await;
    let dir = tempfile::tempdir().unwrap();
    let desk = synced_desk(dir.path(), &server).await;
    desk.leisure().search_customers("Mòrag", 10).await.unwrap();
    drop(desk);
    let conn = store::open(&dir.path().join("desk.db"), None).unwrap();
    for sql in [
        "UPDATE audit_log SET staff_id = 99",
        "DELETE FROM audit_log",
        "UPDATE audit_log SET detail = '' WHERE seq = 1",
    ] {
        let err = conn.execute(sql, []).unwrap_err();
        assert!(err.to_string().contains("append-only"), "{sql}: {err}");
    }
    let n: i64 = conn
        .query_row("SELECT count(*) FROM audit_log WHERE staff_id = 1", [], |r| r.get(0))
        .unwrap();
    assert_eq!(n, 1);
}

#[tokio::test]
async fn the_sync_uploads_the_audit_log_once_in_seq_order() {
    let server = server().await;
    server.world().no_audit_endpoint = true;
    let dir = tempfile::tempdir().unwrap();
    let desk = synced_desk(dir.path(), &server).await;
    desk.leisure().search_customers("Mòrag", 10).await.unwrap();
    desk.leisure().book_place(1, 2, Channel::FaceToFace).await.unwrap();

    // A server without the endpoint: the sync still completes and the entries wait.
    desk.sync_now()
        .await
        .expect("sync completes without the audit endpoint");
    assert!(server.world().audit.is_empty());

    server.world().no_audit_endpoint = false;
    desk.sync_now().await.unwrap();
    desk.leisure().session(1).await.unwrap();
    desk.sync_now().await.unwrap();
    desk.sync_now().await.unwrap();
    let w = server.world();
    let held = &w.audit[&desk.device_id()];
    let got: Vec<(u64, &str, Option<i64>)> = held.iter().map(|e| (e.seq, e.action.as_str(), e.person_id)).collect();
    assert_eq!(
        got,
        vec![(1, "view", Some(1)), (2, "change", Some(2)), (3, "view", Some(2))],
        "each entry once, in order"
    );
}
