//! The sync contract's exact edges (`docs/sync-contract.md`), every case on SQLite and on
//! PostgreSQL: a mutation id applied once, a device owned by one person, arguments that are
//! objects, and text with control characters refused or set aside without a 5xx.

mod common;

use common::*;
use desk_domain::leisure::AddNote;
use desk_domain::{AuditRecord, AuditUpload, AuditUploadResponse, ErrorBody, Outcome, PushRequest};
use desk_server::{Caller, Lockout, NewStaffRecord, PushError, StoreError, TokenLifetimes};
use reqwest::StatusCode;
use serde_json::json;
use uuid::Uuid;

macro_rules! both {
    ($($case:ident),* $(,)?) => {
        mod sqlite {
            $( #[tokio::test(flavor = "multi_thread", worker_threads = 2)] async fn $case() { super::$case("sqlite").await } )*
        }
        mod postgres {
            $( #[tokio::test(flavor = "multi_thread", worker_threads = 2)] async fn $case() { super::$case("postgres").await } )*
        }
    };
}

both!(
    a_mutation_id_is_applied_once_whatever_seq_it_arrives_under,
    a_device_belongs_to_one_person,
    args_that_are_not_an_object_are_refused_before_anything_is_stored,
    control_characters_never_reach_the_store,
    an_audit_entry_with_a_nul_is_set_aside_and_the_queue_moves_on,
);

fn code(o: &Outcome) -> &str {
    match o {
        Outcome::Rejected { code, .. } => code,
        Outcome::Applied => "applied",
        Outcome::Deferred { .. } => "deferred",
    }
}

/// Runs a push on the blocking pool (the PostgreSQL client must not block an async thread).
async fn push(
    store: &std::sync::Arc<dyn desk_server::Store>,
    caller: &Caller,
    batch: Vec<desk_domain::Mutation>,
) -> Result<desk_server::PushResult, PushError> {
    let (store, caller) = (store.clone(), caller.clone());
    tokio::task::spawn_blocking(move || store.push(&caller, &batch, now()))
        .await
        .unwrap()
}

async fn a_mutation_id_is_applied_once_whatever_seq_it_arrives_under(backend: &str) {
    let (_db, store) = world_store(backend);
    let desk = quick_caller(&*store, "desk.a", CENTRE_A);
    let x = envelope(desk.device_id, 1, &book(SESSION_FULLABLE, 1));
    let first = push(&store, &desk, vec![x.clone()]).await.unwrap();
    assert_eq!(code(&first.receipts[0].outcome), "applied");

    // The same id under the next seq, asking for another booking: a stored rejection, no effect.
    let y = desk_domain::Mutation {
        seq: 2,
        ..envelope(desk.device_id, 2, &book(SESSION_FULLABLE, 2))
    };
    let y = desk_domain::Mutation {
        mutation_id: x.mutation_id,
        ..y
    };
    let second = push(&store, &desk, vec![y.clone()]).await.unwrap();
    assert_eq!(code(&second.receipts[0].outcome), "mutation_id_reused");
    assert_eq!(
        second.device_last_seq, 2,
        "the rejection uses its seq, like any rejection"
    );
    assert_eq!(store.count("bookings").unwrap(), 1);
    assert_eq!(store.session(SESSION_FULLABLE).unwrap().unwrap().booked, 1);

    // Replays of either envelope get their own stored receipt (the desk's retry path).
    let again = push(&store, &desk, vec![x.clone(), y.clone()]).await.unwrap();
    assert_eq!(
        again.receipts,
        vec![first.receipts[0].clone(), second.receipts[0].clone()]
    );
    // The same id resent under its seq with other arguments: refused whole, nothing stored.
    let mut x_changed = x.clone();
    x_changed.args = book(SESSION_FULLABLE, 3).to_envelope_parts().2;
    match push(&store, &desk, vec![x_changed]).await {
        Err(PushError::MutationIdReused { seq: 1, mutation_id }) => assert_eq!(mutation_id, x.mutation_id),
        other => panic!("{other:?}"),
    }
    // A resend with refreshed advisory fields is still the same envelope.
    let mut x_resent = x.clone();
    x_resent.created_at = chrono::Utc::now();
    x_resent.base_cursor = Some("12.abc".into());
    assert_eq!(
        push(&store, &desk, vec![x_resent]).await.unwrap().receipts,
        first.receipts
    );

    // Reuse inside one batch: the first applies, the second is a stored rejection.
    let a = envelope(desk.device_id, 3, &book(SESSION_FULLABLE, 4));
    let b = desk_domain::Mutation {
        mutation_id: a.mutation_id,
        ..envelope(desk.device_id, 4, &book(SESSION_FULLABLE, 5))
    };
    let batch = push(&store, &desk, vec![a.clone(), b]).await.unwrap();
    let codes: Vec<&str> = batch.receipts.iter().map(|r| code(&r.outcome)).collect();
    assert_eq!(codes, ["applied", "mutation_id_reused"]);
    assert_eq!(store.count("bookings").unwrap(), 2);

    // From another person's device, even the identical command: no effect, and the answer
    // names nothing of the first device's work.
    let other = quick_caller(&*store, "desk.b", CENTRE_A);
    let stolen = desk_domain::Mutation {
        device_id: other.device_id,
        ..a.clone()
    };
    let stolen = desk_domain::Mutation { seq: 1, ..stolen };
    let theirs = push(&store, &other, vec![stolen]).await.unwrap();
    assert_eq!(code(&theirs.receipts[0].outcome), "mutation_id_reused");
    let Outcome::Rejected { message, .. } = &theirs.receipts[0].outcome else {
        unreachable!()
    };
    assert!(!message.contains(&desk.device_id.to_string()), "{message}");
    assert_eq!(store.count("bookings").unwrap(), 2);
    assert_eq!(store.session(SESSION_FULLABLE).unwrap().unwrap().booked, 2);
    assert_eq!(store.count("receipts").unwrap(), 5);
}

async fn a_device_belongs_to_one_person(backend: &str) {
    let r = Running::start(backend, TokenLifetimes::default(), Lockout::default()).await;
    let a = leisure_caller(&*r.store, "desk.a", CENTRE_A);
    let b = leisure_caller(&*r.store, "desk.b", CENTRE_A);
    let sign_in = |username: &'static str, device: Uuid| {
        let r = &r;
        async move {
            r.http
                .post(r.url("/v1/session"))
                .json(&json!({"username": username, "password": PASSWORD, "device_id": device}))
                .send()
                .await
                .unwrap()
        }
    };
    let res = sign_in("desk.a", a.device_id).await;
    assert_eq!(res.status(), StatusCode::OK);
    let token_a = res.json::<desk_domain::SignInResponse>().await.unwrap().access_token;
    let pushed = r
        .http
        .post(r.url("/v1/push"))
        .bearer_auth(&token_a)
        .json(&PushRequest {
            device_id: a.device_id,
            mutations: vec![envelope(a.device_id, 1, &book(SESSION_FULLABLE, 9_999))],
        })
        .send()
        .await
        .unwrap();
    assert_eq!(pushed.status(), StatusCode::OK);

    // B signing in with A's device id is refused, and no token is issued.
    let tokens = r.store.count("access_tokens").unwrap();
    let res = sign_in("desk.b", a.device_id).await;
    assert_eq!(res.status(), StatusCode::CONFLICT);
    let body: ErrorBody = res.json().await.unwrap();
    assert_eq!(body.code, "device_taken");
    assert!(body.message.contains("another member of staff"), "{}", body.message);
    assert_eq!(r.store.count("access_tokens").unwrap(), tokens);
    // A device only signed in to (never pushed) is bound as well.
    let fresh = Uuid::now_v7();
    assert_eq!(sign_in("desk.b", fresh).await.status(), StatusCode::OK);
    assert_eq!(sign_in("desk.a", fresh).await.status(), StatusCode::CONFLICT);
    // A's own sign-in on A's device still works.
    assert_eq!(sign_in("desk.a", a.device_id).await.status(), StatusCode::OK);

    // Pull sends a device's receipts to its owner only (a token issued for A's device to B,
    // as a database from before the binding could hold, gets none of them).
    let own = r.pull(&token_a, None, 10).await;
    assert_eq!((own.receipts.len(), own.device_last_seq), (1, 1));
    let stale = "b-on-a-device-token";
    r.store
        .insert_token(
            &desk_server::auth::token_hash(stale),
            b.staff_id,
            a.device_id,
            chrono::Utc::now() + chrono::Duration::minutes(5),
        )
        .unwrap();
    let theirs = r.pull(stale, None, 10).await;
    assert!(theirs.receipts.is_empty(), "{:?}", theirs.receipts);
    assert_eq!(theirs.device_last_seq, 0);
    // …and push and audit upload refuse that token on that device.
    let res = r
        .http
        .post(r.url("/v1/audit"))
        .bearer_auth(stale)
        .json(&AuditUpload {
            device_id: a.device_id,
            entries: vec![audit_entry(1, "fine")],
        })
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
    assert_eq!(res.json::<ErrorBody>().await.unwrap().code, "device_mismatch");
    r.server.stop().await;
}

async fn args_that_are_not_an_object_are_refused_before_anything_is_stored(backend: &str) {
    let r = Running::start(backend, TokenLifetimes::default(), Lockout::default()).await;
    let a = leisure_caller(&*r.store, "desk.a", CENTRE_A);
    let res = r
        .http
        .post(r.url("/v1/session"))
        .json(&json!({"username": "desk.a", "password": PASSWORD, "device_id": a.device_id}))
        .send()
        .await
        .unwrap();
    let token = res.json::<desk_domain::SignInResponse>().await.unwrap().access_token;
    let stored = || [r.store.count("receipts").unwrap(), r.store.head().unwrap()];
    let before = stored();
    let good = envelope(a.device_id, 1, &book(SESSION_FULLABLE, 1));
    for (args, name, want) in [
        (json!([1, 2]), good.name.clone(), "invalid_body"),
        (json!("leisure"), good.name.clone(), "invalid_body"),
        (json!(null), good.name.clone(), "invalid_body"),
        (
            good.args.clone(),
            "leisure.book_place\u{0}".to_owned(),
            "control_character",
        ),
    ] {
        let m = desk_domain::Mutation {
            args: args.clone(),
            name,
            ..good.clone()
        };
        let res = r
            .http
            .post(r.url("/v1/push"))
            .bearer_auth(&token)
            .json(&PushRequest {
                device_id: a.device_id,
                mutations: vec![m],
            })
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY, "{args}");
        assert_eq!(res.json::<ErrorBody>().await.unwrap().code, want, "{args}");
        assert_eq!(stored(), before, "{args}: nothing stored, no seq used");
    }
    // Seq 1 is still free for the well-formed envelope.
    let res = r
        .http
        .post(r.url("/v1/push"))
        .bearer_auth(&token)
        .json(&PushRequest {
            device_id: a.device_id,
            mutations: vec![good],
        })
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    let body: desk_domain::PushResponse = res.json().await.unwrap();
    assert_eq!((code(&body.receipts[0].outcome), body.device_last_seq), ("applied", 1));
    r.server.stop().await;
}

/// Every string the server stores from outside, with a NUL (and other control characters), on
/// both backends: refused with a code or set aside, never a store failure, never stored raw.
async fn control_characters_never_reach_the_store(backend: &str) {
    let (_db, store) = world_store(backend);
    let desk = quick_caller(&*store, "desk.a", CENTRE_A);
    // A note (the one free-text command argument): a stored invalid_note rejection.
    let note = |text: &str, seq| {
        envelope(
            desk.device_id,
            seq,
            &desk_domain::Command::from(AddNote {
                note_id: Uuid::now_v7(),
                customer_id: 1,
                text: text.into(),
            }),
        )
    };
    let batch = vec![
        note("nul \u{0} here", 1),
        note("bell \u{7}", 2),
        note("two\nlines\tok", 3),
    ];
    let result = push(&store, &desk, batch).await.unwrap();
    let codes: Vec<&str> = result.receipts.iter().map(|r| code(&r.outcome)).collect();
    assert_eq!(codes, ["invalid_note", "invalid_note", "applied"]);
    assert_eq!(store.count("customer_notes").unwrap(), 1);

    // Arguments of the wrong shape holding a NUL: the rejection message echoing them is stored
    // and sent back printable.
    let mut odd = envelope(desk.device_id, 4, &book(SESSION_FULLABLE, 1));
    odd.args = json!({"booking_id": "\u{0}", "session_id": 1, "customer_id": 1});
    let result = push(&store, &desk, vec![odd]).await.unwrap();
    let Outcome::Rejected { code, message, .. } = &result.receipts[0].outcome else {
        panic!("{:?}", result.receipts)
    };
    assert_eq!(code, "bad_args");
    assert!(!message.contains('\u{0}'), "{message:?}");

    // Staff names, by the admin path and beneath it: refused on both backends alike.
    let nul_staff = NewStaffRecord {
        username: "nul\u{0}name".into(),
        display_name: "Nul".into(),
        password_hash: "!".into(),
        roles: vec![desk_domain::Role::LeisureDesk],
        sites: vec![desk_domain::Site::leisure(CENTRE_A)],
    };
    assert!(matches!(store.insert_staff(&nul_staff), Err(StoreError::Invalid(_))));
    let named = |display_name: &str| desk_server::NewStaff {
        username: "morag".into(),
        display_name: display_name.into(),
        password: "a long enough passphrase".into(),
        roles: vec![desk_domain::Role::LeisureDesk],
        sites: vec![],
    };
    for bad in ["Morag\u{0}", "Morag\u{1b}[2J"] {
        assert!(
            matches!(desk_server::add_staff(&*store, named(bad)), Err(StoreError::Invalid(_))),
            "{bad:?}"
        );
    }
    // Loaded records (demo data, timetable import): a NUL is refused, nothing stored.
    let mut batch = world();
    batch.customers[0].first_name = "Màiri\u{0}".into();
    let rows = store.count("sync_rows").unwrap();
    assert!(matches!(store.load(&batch), Err(StoreError::Invalid(m)) if m.contains("first_name")));
    assert_eq!(store.count("sync_rows").unwrap(), rows);
    // Audit rows written by the server: refused beneath every caller.
    let entry = desk_server::AuditEntry::server(None, None, "view", "nul \u{0}");
    assert!(matches!(store.append_audit(&entry), Err(StoreError::Invalid(_))));
}

fn audit_entry(seq: u64, detail: &str) -> AuditRecord {
    AuditRecord {
        seq,
        at: chrono::Utc::now(),
        action: "view".into(),
        record_kind: "customer".into(),
        record_id: "7".into(),
        person_id: Some(7),
        detail: detail.into(),
    }
}

async fn an_audit_entry_with_a_nul_is_set_aside_and_the_queue_moves_on(backend: &str) {
    let r = Running::start(backend, TokenLifetimes::default(), Lockout::default()).await;
    let a = leisure_caller(&*r.store, "desk.a", CENTRE_A);
    let res = r
        .http
        .post(r.url("/v1/session"))
        .json(&json!({"username": "desk.a", "password": PASSWORD, "device_id": a.device_id}))
        .send()
        .await
        .unwrap();
    let token = res.json::<desk_domain::SignInResponse>().await.unwrap().access_token;
    let upload = |entries: Vec<AuditRecord>| {
        let (r, token) = (&r, token.clone());
        async move {
            let res = r
                .http
                .post(r.url("/v1/audit"))
                .bearer_auth(token)
                .json(&AuditUpload {
                    device_id: a.device_id,
                    entries,
                })
                .send()
                .await
                .unwrap();
            assert_eq!(res.status(), StatusCode::OK);
            res.json::<AuditUploadResponse>().await.unwrap()
        }
    };
    let mut bad_id = audit_entry(4, "fine");
    bad_id.record_id = "7\u{0}".into();
    let batch = vec![
        audit_entry(1, "search result"),
        audit_entry(2, "nul \u{0} in the detail"),
        audit_entry(3, "two\nlines"),
        bad_id,
        audit_entry(5, "escape \u{1b}[2J"),
    ];
    let answer = upload(batch.clone()).await;
    assert_eq!(answer.last_seq, 5);
    let refused: Vec<(u64, &str)> = answer.refused.iter().map(|x| (x.seq, x.code.as_str())).collect();
    assert_eq!(
        refused,
        [
            (2, "control_character"),
            (4, "control_character"),
            (5, "control_character")
        ]
    );
    let rows = r.store.audit_for_person(7).unwrap();
    let mut desk_rows: Vec<(Option<u64>, &str)> = rows
        .iter()
        .filter(|e| e.source == "desk")
        .map(|e| (e.device_seq, e.action.as_str()))
        .collect();
    desk_rows.sort();
    assert_eq!(
        desk_rows,
        [
            (Some(1), "view"),
            (Some(2), "entry_refused"),
            (Some(3), "view"),
            (Some(4), "entry_refused"),
            (Some(5), "entry_refused")
        ]
    );
    assert!(rows.iter().all(|e| !e.detail.contains('\u{0}')));
    let marker = rows.iter().find(|e| e.device_seq == Some(2)).unwrap();
    assert!(
        marker.detail.contains("nul \u{FFFD} in the detail"),
        "{}",
        marker.detail
    );
    // A resend of the batch (the answer was lost) reports the same refusals and stores nothing.
    let held = r.store.count("audit_log").unwrap();
    let again = upload(batch).await;
    assert_eq!((again.last_seq, again.refused.len()), (5, 3));
    assert_eq!(r.store.count("audit_log").unwrap(), held);
    // The next upload continues after them.
    let next = upload(vec![audit_entry(6, "next")]).await;
    assert_eq!((next.last_seq, next.refused.len()), (6, 0));
    r.server.stop().await;
}
