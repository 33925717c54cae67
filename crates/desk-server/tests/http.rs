//! The HTTP API against a real `Server` on 127.0.0.1:0, with reqwest.

mod common;

use std::time::Duration;

use common::*;
use desk_domain::{Capabilities, ErrorBody, Outcome, PushRequest, PushResponse, Role, SignInResponse, Site};
use desk_server::{Lockout, Server, TokenLifetimes};
use futures_util::StreamExt;
use reqwest::StatusCode;
use serde_json::json;
use uuid::Uuid;

async fn start(backend: &str) -> Running {
    Running::start(backend, TokenLifetimes::default(), Lockout::default()).await
}

impl Running {
    async fn sign_in(&self, username: &str, device_id: Uuid) -> reqwest::Response {
        self.http
            .post(self.url("/v1/session"))
            .json(&json!({"username": username, "password": PASSWORD, "device_id": device_id}))
            .send()
            .await
            .unwrap()
    }

    /// Adds a leisure-desk member of staff at `centre` and signs them in on a new device.
    async fn desk(&self, username: &str, centre: i64) -> (String, Uuid) {
        let caller = leisure_caller(&*self.store, username, centre);
        let res = self.sign_in(username, caller.device_id).await;
        assert_eq!(res.status(), StatusCode::OK);
        let body: SignInResponse = res.json().await.unwrap();
        (body.access_token, caller.device_id)
    }

    async fn push(&self, token: &str, req: &PushRequest) -> reqwest::Response {
        self.http
            .post(self.url("/v1/push"))
            .bearer_auth(token)
            .json(req)
            .send()
            .await
            .unwrap()
    }

    async fn answers(&self) {
        let res = self.http.get(self.url("/v1/capabilities")).send().await.unwrap();
        assert_eq!(res.status(), StatusCode::OK, "server still answers");
        let caps: Capabilities = res.json().await.unwrap();
        assert_eq!(caps.max_body_bytes, 1024 * 1024);
    }

    fn stored(&self) -> [u64; 5] {
        let s = &self.store;
        [
            s.count("bookings").unwrap(),
            s.count("receipts").unwrap(),
            s.count("devices").unwrap(),
            s.count("sync_rows").unwrap(),
            s.head().unwrap(),
        ]
    }
}

async fn error_of(res: reqwest::Response) -> (StatusCode, ErrorBody) {
    let status = res.status();
    let text = res.text().await.unwrap();
    let body: ErrorBody = serde_json::from_str(&text).unwrap_or_else(|e| panic!("not {{code, message}}: {text} ({e})"));
    assert!(!body.message.is_empty());
    (status, body)
}

fn one_booking(device: Uuid, seq: u64) -> PushRequest {
    PushRequest {
        device_id: device,
        mutations: vec![envelope(device, seq, &book(SESSION_FULLABLE, 1))],
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bad_input_gets_a_code_and_message_and_stores_nothing() {
    let r = start("sqlite").await;
    let (token, device) = r.desk("desk.a", CENTRE_A).await;
    let before = r.stored();
    let push = || r.http.post(r.url("/v1/push"));
    let good = serde_json::to_string(&one_booking(device, 1)).unwrap();
    let big = format!(
        r#"{{"device_id":"{device}","mutations":[],"padding":"{}"}}"#,
        "x".repeat(1024 * 1024 + 1)
    );
    let other_device = one_booking(Uuid::now_v7(), 1);
    let mut foreign_envelope = one_booking(device, 1);
    foreign_envelope.mutations[0].device_id = Uuid::now_v7();
    let too_many = PushRequest {
        device_id: device,
        mutations: (1..=501)
            .map(|s| envelope(device, s, &book(SESSION_FULLABLE, 1)))
            .collect(),
    };
    let mut twice = one_booking(device, 1);
    twice.mutations.push(envelope(device, 1, &book(SESSION_FULLABLE, 2)));
    let json = |v: &PushRequest| serde_json::to_string(v).unwrap();

    let cases: Vec<(&str, reqwest::RequestBuilder, StatusCode, &str)> = vec![
        (
            "malformed JSON",
            push()
                .bearer_auth(&token)
                .header("content-type", "application/json")
                .body(r#"{"device_id": "#),
            StatusCode::BAD_REQUEST,
            "malformed_json",
        ),
        (
            "wrong types",
            push()
                .bearer_auth(&token)
                .json(&json!({"device_id": 5, "mutations": []})),
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid_body",
        ),
        (
            "wrong type inside an envelope",
            push()
                .bearer_auth(&token)
                .header("content-type", "application/json")
                .body(good.replace("\"seq\":1", "\"seq\":\"one\"")),
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid_body",
        ),
        (
            "unknown field",
            push()
                .bearer_auth(&token)
                .json(&json!({"device_id": device, "mutations": [], "priority": 1})),
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid_body",
        ),
        (
            "not JSON at all",
            push().bearer_auth(&token).body(good.clone()),
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "unsupported_media_type",
        ),
        (
            "body over 1 MiB",
            push()
                .bearer_auth(&token)
                .header("content-type", "application/json")
                .body(big),
            StatusCode::PAYLOAD_TOO_LARGE,
            "body_too_large",
        ),
        (
            "no token",
            push().header("content-type", "application/json").body(good.clone()),
            StatusCode::UNAUTHORIZED,
            "unauthorized",
        ),
        (
            "unknown token",
            push()
                .bearer_auth("bm90LWEtdG9rZW4")
                .header("content-type", "application/json")
                .body(good.clone()),
            StatusCode::UNAUTHORIZED,
            "unauthorized",
        ),
        (
            "not a bearer header",
            push()
                .header("authorization", format!("Basic {token}"))
                .header("content-type", "application/json")
                .body(good.clone()),
            StatusCode::UNAUTHORIZED,
            "unauthorized",
        ),
        (
            "seq gap",
            push().bearer_auth(&token).json(&one_booking(device, 2)),
            StatusCode::CONFLICT,
            "seq_gap",
        ),
        (
            "another device's push",
            push()
                .bearer_auth(&token)
                .header("content-type", "application/json")
                .body(json(&other_device)),
            StatusCode::FORBIDDEN,
            "device_mismatch",
        ),
        (
            "an envelope from another device",
            push()
                .bearer_auth(&token)
                .header("content-type", "application/json")
                .body(json(&foreign_envelope)),
            StatusCode::FORBIDDEN,
            "device_mismatch",
        ),
        (
            "more than MAX_PUSH_MUTATIONS",
            push()
                .bearer_auth(&token)
                .header("content-type", "application/json")
                .body(json(&too_many)),
            StatusCode::PAYLOAD_TOO_LARGE,
            "too_many_mutations",
        ),
        (
            "a seq twice in one batch",
            push()
                .bearer_auth(&token)
                .header("content-type", "application/json")
                .body(json(&twice)),
            StatusCode::CONFLICT,
            "seq_conflict",
        ),
        (
            "pull without a token",
            r.http.get(r.url("/v1/pull")),
            StatusCode::UNAUTHORIZED,
            "unauthorized",
        ),
        (
            "pull with a bad limit",
            r.http.get(r.url("/v1/pull?limit=many")).bearer_auth(&token),
            StatusCode::BAD_REQUEST,
            "bad_query",
        ),
        (
            "poke with a bad token",
            r.http.get(r.url("/v1/poke")).bearer_auth("nope"),
            StatusCode::UNAUTHORIZED,
            "unauthorized",
        ),
        (
            "sign-in with malformed JSON",
            r.http
                .post(r.url("/v1/session"))
                .header("content-type", "application/json")
                .body("{"),
            StatusCode::BAD_REQUEST,
            "malformed_json",
        ),
        (
            "sign-in with a missing field",
            r.http
                .post(r.url("/v1/session"))
                .json(&json!({"username": "desk.a", "password": PASSWORD})),
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid_body",
        ),
        (
            "unknown route",
            r.http.get(r.url("/v1/nowhere")),
            StatusCode::NOT_FOUND,
            "not_found",
        ),
        (
            "wrong method",
            r.http.delete(r.url("/v1/push")).bearer_auth(&token),
            StatusCode::METHOD_NOT_ALLOWED,
            "method_not_allowed",
        ),
    ];
    for (what, request, status, code) in cases {
        let (got_status, body) = error_of(request.send().await.unwrap()).await;
        assert_eq!(
            (got_status, body.code.as_str()),
            (status, code),
            "{what}: {}",
            body.message
        );
        r.answers().await;
        assert_eq!(r.stored(), before, "{what}: nothing stored");
    }

    // An unknown command is a permanent rejection: a receipt, not an HTTP error.
    let mut unknown = one_booking(device, 1);
    unknown.mutations[0].name = "leisure.book_pitch".into();
    let res = r.push(&token, &unknown).await;
    assert_eq!(res.status(), StatusCode::OK);
    let body: PushResponse = res.json().await.unwrap();
    assert!(matches!(&body.receipts[0].outcome, Outcome::Rejected { code, .. } if code == "unknown_command"));
    assert_eq!(r.store.count("bookings").unwrap(), 0);
    r.server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sign_in_good_bad_and_disabled() {
    let r = start("sqlite").await;
    let caller = leisure_caller(&*r.store, "desk.a", CENTRE_A);
    let res = r.sign_in("desk.a", caller.device_id).await;
    assert_eq!(res.status(), StatusCode::OK);
    let ok: SignInResponse = res.json().await.unwrap();
    assert_eq!(ok.staff.roles, vec![Role::LeisureDesk]);
    assert_eq!(ok.staff.sites, vec![Site::leisure(CENTRE_A)]);
    assert!(ok.expires_at > chrono::Utc::now() + chrono::Duration::minutes(14));
    assert!(ok.expires_at <= chrono::Utc::now() + chrono::Duration::minutes(15));
    // The token works, and only its hash is stored.
    let pulled = r.pull(&ok.access_token, None, 10).await;
    assert!(pulled.reset);
    assert_eq!(r.store.count("access_tokens").unwrap(), 1);

    let wrong_password = r
        .http
        .post(r.url("/v1/session"))
        .json(&json!({"username": "desk.a", "password": "not the password", "device_id": caller.device_id}))
        .send()
        .await
        .unwrap();
    let (s1, b1) = error_of(wrong_password).await;
    let (s2, b2) = error_of(r.sign_in("nobody", Uuid::now_v7()).await).await;
    assert_eq!((s1, b1.code.as_str()), (StatusCode::UNAUTHORIZED, "bad_credentials"));
    assert_eq!((s1, &b1), (s2, &b2), "wrong username and wrong password look the same");

    r.store
        .update_staff(caller.staff_id, &[Role::LeisureDesk], &[Site::leisure(CENTRE_A)], true)
        .unwrap();
    let (s, b) = error_of(r.sign_in("desk.a", caller.device_id).await).await;
    assert_eq!((s, b.code.as_str()), (StatusCode::FORBIDDEN, "account_disabled"));
    // A token issued before the account was disabled stops working too.
    let res = r
        .http
        .get(r.url("/v1/pull"))
        .bearer_auth(&ok.access_token)
        .send()
        .await
        .unwrap();
    assert_eq!(error_of(res).await.0, StatusCode::FORBIDDEN);
    r.server.stop().await;
}

/// Waits for the next `event: poke` on an SSE response, up to `within`.
async fn next_poke<B: AsRef<[u8]>>(
    stream: &mut (impl futures_util::Stream<Item = reqwest::Result<B>> + Unpin),
    buffer: &mut String,
    within: Duration,
) -> Option<u64> {
    let deadline = tokio::time::Instant::now() + within;
    loop {
        if let Some(end) = buffer.find("\n\n") {
            let event: String = buffer.drain(..end + 2).collect();
            if event.lines().any(|l| l == "event: poke") {
                let data = event.lines().find_map(|l| l.strip_prefix("data: ")).unwrap();
                let v: serde_json::Value = serde_json::from_str(data).unwrap();
                return Some(v["head"].as_u64().unwrap());
            }
            continue;
        }
        match tokio::time::timeout_at(deadline, stream.next()).await {
            Ok(Some(Ok(chunk))) => buffer.push_str(&String::from_utf8_lossy(chunk.as_ref())),
            Ok(_) | Err(_) => return None,
        }
    }
}

async fn pokes_reach_devices_in_scope_only(backend: &str) {
    let r = start(backend).await;
    let (listener_a, _) = r.desk("listener.a", CENTRE_A).await;
    let (listener_b, _) = r.desk("listener.b", CENTRE_B).await;
    let (pusher, device) = r.desk("pusher.a", CENTRE_A).await;
    let subscribe = |token: String| {
        let req = r.http.get(r.url("/v1/poke")).bearer_auth(token);
        async move {
            let res = req.send().await.unwrap();
            assert_eq!(res.status(), StatusCode::OK);
            assert_eq!(res.headers()["content-type"], "text/event-stream");
            res.bytes_stream()
        }
    };
    let mut a = subscribe(listener_a).await;
    let mut b = subscribe(listener_b).await;
    let (mut buf_a, mut buf_b) = (String::new(), String::new());

    let started = std::time::Instant::now();
    let res = r.push(&pusher, &one_booking(device, 1)).await;
    assert_eq!(res.status(), StatusCode::OK);
    let head = next_poke(&mut a, &mut buf_a, Duration::from_secs(5))
        .await
        .expect("poke for centre A");
    assert!(started.elapsed() < Duration::from_secs(2));
    assert_eq!(head, r.store.head().unwrap());
    assert_eq!(
        next_poke(&mut b, &mut buf_b, Duration::from_millis(700)).await,
        None,
        "centre B hears nothing"
    );
    r.server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sqlite_pokes_reach_devices_in_scope_only() {
    pokes_reach_devices_in_scope_only("sqlite").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn postgres_pokes_reach_devices_in_scope_only() {
    pokes_reach_devices_in_scope_only("postgres").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn postgres_pokes_cross_server_instances() {
    let r = start("postgres").await;
    // A second instance on the same database, as behind a load balancer.
    let other_store = open(&r._db);
    let other = Server::start(other_store, "127.0.0.1:0".parse().unwrap())
        .await
        .unwrap();
    let (listener, _) = r.desk("listener.a", CENTRE_A).await;
    let (pusher, device) = r.desk("pusher.a", CENTRE_A).await;
    let res = r
        .http
        .get(format!("http://{}/v1/poke", other.addr))
        .bearer_auth(listener)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    let mut stream = res.bytes_stream();
    let mut buf = String::new();
    assert_eq!(r.push(&pusher, &one_booking(device, 1)).await.status(), StatusCode::OK);
    let head = next_poke(&mut stream, &mut buf, Duration::from_secs(5)).await;
    assert_eq!(
        head,
        Some(r.store.head().unwrap()),
        "the other instance forwarded the NOTIFY"
    );
    other.stop().await;
    r.server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn openapi_lists_every_route() {
    let r = start("sqlite").await;
    let doc = r.get_json("/v1/openapi.json").await;
    assert!(doc["openapi"].as_str().unwrap().starts_with("3."));
    for (method, path) in desk_server::api::ROUTES {
        assert!(doc["paths"][path][method].is_object(), "{method} {path} is documented");
    }
    let documented: usize = doc["paths"]
        .as_object()
        .unwrap()
        .values()
        .map(|methods| methods.as_object().unwrap().len())
        .sum();
    assert_eq!(
        documented,
        desk_server::api::ROUTES.len(),
        "every documented operation is a route"
    );
    for schema in [
        "PushRequest",
        "PushResponse",
        "PullResponse",
        "Mutation",
        "Receipt",
        "ErrorBody",
        "SignInRequest",
    ] {
        assert!(doc["components"]["schemas"][schema].is_object(), "schema {schema}");
    }
    // Every documented route is served (not 404).
    for (method, path) in desk_server::api::ROUTES {
        let req = match method {
            "get" => r.http.get(r.url(path)),
            "delete" => r.http.delete(r.url(path)),
            _ => r.http.post(r.url(path)),
        };
        let status = req.send().await.unwrap().status();
        assert_ne!(status, StatusCode::NOT_FOUND, "{method} {path}");
        assert_ne!(status, StatusCode::METHOD_NOT_ALLOWED, "{method} {path}");
    }
    r.server.stop().await;
}

async fn pull_pages_scope_and_reset(backend: &str) {
    let r = start(backend).await;
    let caller = leisure_caller(&*r.store, "desk.a", CENTRE_A);
    let res = r.sign_in("desk.a", caller.device_id).await;
    let token = res.json::<SignInResponse>().await.unwrap().access_token;

    let mut cursor: Option<String> = None;
    let mut rows = 0;
    loop {
        let page = r.pull(&token, cursor.as_deref(), 40).await;
        assert_eq!(page.reset, cursor.is_none());
        assert_eq!(page.buckets, vec!["leisure:site:1".to_owned()]);
        assert!(
            page.changes.iter().all(|c| c.bucket == "leisure:site:1"),
            "nothing of centre B"
        );
        assert!(page.changes.len() <= 40);
        rows += page.changes.len();
        cursor = Some(page.cursor.clone());
        if !page.has_more {
            assert_eq!(page.head, r.store.head().unwrap());
            break;
        }
    }
    // 2 centres' worth of A: its centre, activity, 3 sessions, 300 customers.
    assert_eq!(rows, 1 + 1 + 3 + CUSTOMERS_A as usize);

    // Caught up: a booking shows up as exactly its two changes, with the receipt.
    let res = r.push(&token, &one_booking(caller.device_id, 1)).await;
    assert_eq!(res.status(), StatusCode::OK);
    let page = r.pull(&token, cursor.as_deref(), 40).await;
    assert!(!page.reset);
    let mut tables: Vec<&str> = page.changes.iter().map(|c| c.table.as_str()).collect();
    tables.sort();
    assert_eq!(tables, vec!["bookings", "sessions"]);
    assert_eq!(page.receipts.len(), 1);
    assert_eq!(page.device_last_seq, 1);
    let session: desk_domain::Session = serde_json::from_value(
        page.changes
            .iter()
            .find(|c| c.table == "sessions")
            .unwrap()
            .data
            .clone()
            .unwrap(),
    )
    .unwrap();
    assert_eq!(session.booked, 1);
    let caught_up = page.cursor.clone();

    // The member of staff moves to centre B: the old cursor no longer fits their scope.
    r.store
        .update_staff(caller.staff_id, &[Role::LeisureDesk], &[Site::leisure(CENTRE_B)], false)
        .unwrap();
    let page = r.pull(&token, Some(&caught_up), 1000).await;
    assert!(page.reset, "a scope change starts the desk over");
    assert_eq!(page.buckets, vec!["leisure:site:2".to_owned()]);
    assert!(!page.changes.is_empty());
    assert!(page.changes.iter().all(|c| c.bucket == "leisure:site:2"));
    // Junk cursors start over too.
    for junk in ["", "abc", "99999999.deadbeef", "5"] {
        assert!(r.pull(&token, Some(junk), 10).await.reset, "cursor {junk:?}");
    }
    r.server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sqlite_pull_pages_scope_and_reset() {
    pull_pages_scope_and_reset("sqlite").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn postgres_pull_pages_scope_and_reset() {
    pull_pages_scope_and_reset("postgres").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn stop_ends_poke_streams_and_restart_reuses_the_address() {
    let r = start("sqlite").await;
    let (token, device) = r.desk("desk.a", CENTRE_A).await;
    let res = r.http.get(r.url("/v1/poke")).bearer_auth(&token).send().await.unwrap();
    let mut stream = res.bytes_stream();
    let Running {
        _db: _keep,
        store,
        server,
        base,
        http,
    } = r;
    let addr = server.addr;
    tokio::time::timeout(Duration::from_secs(10), server.stop())
        .await
        .expect("stop returns although a poke stream was open");
    let ended = tokio::time::timeout(Duration::from_secs(5), async {
        while let Some(Ok(_)) = stream.next().await {}
    })
    .await;
    assert!(ended.is_ok(), "the poke stream ended");
    assert!(
        http.get(format!("{base}/v1/capabilities")).send().await.is_err(),
        "nothing listens"
    );

    let again = Server::start(store.clone(), addr).await.expect("same address again");
    let res = http
        .post(format!("{base}/v1/push"))
        .bearer_auth(&token)
        .json(&one_booking(device, 1))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK, "the token and data survived the restart");
    assert_eq!(store.count("bookings").unwrap(), 1);
    again.stop().await;
}

/// A school-office account at school 4, signed in over HTTP: it pulls school 4's records and
/// nothing else (no other school, no leisure customer, no council-tax account), and its
/// school's MIS may send school 4's register but not school 5's.
#[tokio::test]
async fn a_school_office_over_http_pulls_its_school_and_sends_its_register() {
    use desk_testkit::school::*;
    let r = start("sqlite").await;
    r.store.load(&school_world(2026)).unwrap();
    desk_server::add_staff(
        &*r.store,
        desk_server::NewStaff {
            username: "office.4".into(),
            display_name: "School office".into(),
            password: PASSWORD.into(),
            roles: vec![Role::SchoolOffice],
            sites: vec![Site::school(SCHOOL), Site::leisure(CENTRE_A)],
        },
    )
    .unwrap();
    let device = Uuid::now_v7();
    let res = r.sign_in("office.4", device).await;
    assert_eq!(res.status(), StatusCode::OK);
    let token = res.json::<SignInResponse>().await.unwrap().access_token;

    let mut cursor = None;
    let mut tables = std::collections::HashSet::new();
    loop {
        let page = r.pull(&token, cursor.as_deref(), 1000).await;
        for c in &page.changes {
            assert_eq!(c.bucket, "school:4", "{} {}", c.table, c.id);
            tables.insert(c.table.clone());
        }
        cursor = Some(page.cursor.clone());
        if !page.has_more {
            break;
        }
    }
    assert!(
        tables.contains("pupils") && tables.contains("school_days"),
        "{tables:?}"
    );
    assert!(
        !tables.contains("customers") && !tables.contains("sessions"),
        "{tables:?}"
    );

    let send = async |body: String| {
        r.http
            .post(r.url("/v1/school/register"))
            .bearer_auth(&token)
            .header("content-type", "text/csv")
            .body(body)
            .send()
            .await
            .unwrap()
    };
    let header = "school_id,pupil_ref,date,opening\n";
    let res = send(format!(
        "{header}4,{PUPIL},2026-12-01,AM\n4,{},2026-12-01,AM\n",
        PUPIL + 1
    ))
    .await;
    assert_eq!(res.status(), StatusCode::OK);
    let body: serde_json::Value = res.json().await.unwrap();
    assert_eq!(body, json!({"absent": 2, "cleared": 0}));

    let (status, err) = error_of(send(format!("{header}5,{OTHER_PUPIL},2026-12-01,AM\n")).await).await;
    assert_eq!((status, err.code.as_str()), (StatusCode::FORBIDDEN, "out_of_scope"));
    let (status, err) =
        error_of(send(format!("{header}4,{PUPIL},2026-12-01,AM\n4,{PUPIL},2026-12-01,AM\n")).await).await;
    assert_eq!(
        (status, err.code.as_str()),
        (StatusCode::UNPROCESSABLE_ENTITY, "bad_rows")
    );
    assert!(
        err.message.starts_with("line 3: pupil reference 401 appears twice"),
        "{}",
        err.message
    );
    assert_eq!(
        r.store.count("registration_marks").unwrap(),
        2,
        "nothing more was stored"
    );
    let res = r
        .http
        .post(r.url("/v1/school/register"))
        .body(format!("{header}4,{PUPIL},2026-12-01,AM\n"))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::UNAUTHORIZED);

    // An account at no school is refused before its file is read: an empty file is not a 422.
    desk_server::add_staff(
        &*r.store,
        desk_server::NewStaff {
            username: "reception.a".into(),
            display_name: "Reception".into(),
            password: PASSWORD.into(),
            roles: vec![Role::LeisureDesk],
            sites: vec![Site::leisure(CENTRE_A)],
        },
    )
    .unwrap();
    let res = r.sign_in("reception.a", Uuid::now_v7()).await;
    let leisure = res.json::<SignInResponse>().await.unwrap().access_token;
    for body in [String::new(), format!("{header}4,{PUPIL},2026-12-01,AM\n")] {
        let res = r
            .http
            .post(r.url("/v1/school/register"))
            .bearer_auth(&leisure)
            .header("content-type", "text/csv")
            .body(body)
            .send()
            .await
            .unwrap();
        let (status, err) = error_of(res).await;
        assert_eq!((status, err.code.as_str()), (StatusCode::FORBIDDEN, "out_of_scope"));
    }
    assert_eq!(r.store.count("registration_marks").unwrap(), 2);
}

/// A contact-centre account at office 1 (also listing a leisure centre), signed in over HTTP:
/// it pulls office 1's council-tax accounts and nothing else, takes a caller's check and a
/// change, and a sort code with letters is refused with its code while the server answers on.
#[tokio::test]
async fn a_contact_centre_over_http_pulls_its_office_and_takes_a_change() {
    use desk_testkit::council_tax::*;
    let r = start("postgres").await;
    r.store.load(&ct_world()).unwrap();
    desk_server::add_staff(
        &*r.store,
        desk_server::NewStaff {
            username: "agent.1".into(),
            display_name: "Contact centre".into(),
            password: PASSWORD.into(),
            roles: vec![Role::ContactCentre],
            sites: vec![Site::office(OFFICE), Site::leisure(CENTRE_A)],
        },
    )
    .unwrap();
    let device = Uuid::now_v7();
    let res = r.sign_in("agent.1", device).await;
    assert_eq!(res.status(), StatusCode::OK);
    let token = res.json::<SignInResponse>().await.unwrap().access_token;

    let page = r.pull(&token, None, 1000).await;
    assert!(!page.has_more);
    assert_eq!(page.buckets, vec!["counciltax:office:1".to_owned()]);
    let mut accounts: Vec<&str> = page.changes.iter().map(|c| c.id.as_str()).collect();
    accounts.sort();
    assert_eq!(accounts, ["10", "11"]);
    assert!(page.changes.iter().all(|c| c.table == "ct_accounts"));

    let today = chrono::Local::now().date_naive();
    let (chk, check) = check_on(ACCOUNT, true);
    let bad = direct_debit(change(ACCOUNT, chk, today), "80-22-6O", "12345678");
    let good = paperless(
        change(ACCOUNT, chk, today),
        "isla.munro@example.org",
        "isla.munro@example.org",
    );
    let req = PushRequest {
        device_id: device,
        mutations: [check, bad, good]
            .iter()
            .enumerate()
            .map(|(i, c)| phone_envelope(device, i as u64 + 1, c))
            .collect(),
    };
    let res = r.push(&token, &req).await;
    assert_eq!(res.status(), StatusCode::OK);
    let body: PushResponse = res.json().await.unwrap();
    let outcomes: Vec<&Outcome> = body.receipts.iter().map(|r| &r.outcome).collect();
    assert_eq!(outcomes[0], &Outcome::Applied);
    assert!(
        matches!(outcomes[1], Outcome::Rejected { code, .. } if code == "invalid_sort_code"),
        "{:?}",
        outcomes[1]
    );
    assert_eq!(outcomes[2], &Outcome::Applied);
    r.answers().await;
    assert_eq!(r.store.count("ct_change_requests").unwrap(), 1);
}
