//! A small council server for the desk engine's own tests: real HTTP on 127.0.0.1:0, the same
//! wire types and desk-domain rules as the real server, and switches to make it fail the ways a
//! network does. The real server is proved against the desk by the workspace's e2e tests.
#![allow(dead_code)]

use std::collections::{BTreeMap, HashMap};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::extract::{Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::sse::{Event, KeepAlive, Sse};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use chrono::{NaiveDateTime, Utc};
use desk_client::Desk;
use desk_domain::leisure;
use desk_domain::{
    Booking, BookingStatus, Centre, Change, ChangeOp, Channel, Command, Customer, ErrorBody, Outcome, PullQuery,
    PullResponse, PushRequest, PushResponse, Receipt, Role, Session, SignInRequest, SignInResponse, Site, StaffProfile,
    entities::table,
};
use desk_domain::{Ctx, Effect, Source};
use serde::Serialize;
use tokio::net::TcpSocket;
use tokio::sync::broadcast;
use uuid::Uuid;

pub const BUCKET: &str = "leisure:site:1";

#[derive(Default)]
pub struct World {
    pub centres: BTreeMap<i64, Centre>,
    pub sessions: BTreeMap<i64, Session>,
    pub customers: BTreeMap<i64, Customer>,
    pub bookings: BTreeMap<Uuid, Booking>,
    pub log: Vec<Change>,
    pub receipts: HashMap<(Uuid, u64), Receipt>,
    pub last_seq: HashMap<Uuid, u64>,
    /// How many times each mutation's effects were applied (must never exceed 1).
    pub applied: HashMap<Uuid, u32>,
    pub tokens: HashMap<String, Uuid>,
    /// Answer every request with 503.
    pub down: bool,
    /// Apply the next push, then answer 500 as if the response was lost.
    pub lose_next_push_response: bool,
    /// Answer the next pull with `reset: true` from the beginning.
    pub reset_next_pull: bool,
    pub pushes: u32,
    pub pulls: u32,
    /// What `/v1/capabilities` says, when a test wants it to say something else.
    pub api_version: Option<u32>,
    pub max_push: Option<u32>,
    /// Wait this long before answering each pull.
    pub pull_delay: Option<Duration>,
    /// Who each access token was issued to.
    pub token_users: HashMap<String, String>,
    /// Refresh token → (user name, device, spent).
    pub refresh_tokens: HashMap<String, (String, Uuid, bool)>,
    /// Accounts refused with 403 `account_disabled`.
    pub disabled: std::collections::HashSet<String>,
    pub refreshes: u32,
    /// Audit entries uploaded, per device, in seq order.
    pub audit: HashMap<Uuid, Vec<desk_domain::AuditRecord>>,
    /// Answer `/v1/audit` with 404, as a server from before audit upload.
    pub no_audit_endpoint: bool,
}

pub type Shared = Arc<Mutex<World>>;

fn err(status: StatusCode, code: &str, message: &str) -> Response {
    (
        status,
        Json(ErrorBody {
            code: code.into(),
            message: message.into(),
        }),
    )
        .into_response()
}

impl World {
    fn log<T: Serialize>(&mut self, table: &str, id: impl ToString, data: &T) -> u64 {
        let version = self.log.len() as u64 + 1;
        self.log.push(Change {
            table: table.into(),
            id: id.to_string(),
            bucket: BUCKET.into(),
            version,
            op: ChangeOp::Upsert,
            data: Some(serde_json::to_value(data).unwrap()),
        });
        version
    }

    pub fn head(&self) -> u64 {
        self.log.len() as u64
    }

    pub fn add_centre(&mut self, c: Centre) {
        self.log(table::CENTRES, c.id, &c);
        self.centres.insert(c.id, c);
    }

    pub fn put_session(&mut self, s: Session) {
        self.log(table::SESSIONS, s.id, &s);
        self.sessions.insert(s.id, s);
    }

    pub fn add_customer(&mut self, c: Customer) {
        self.log(table::CUSTOMERS, c.id, &c);
        self.customers.insert(c.id, c);
    }

    pub fn delete(&mut self, table: &str, id: &str) {
        let version = self.log.len() as u64 + 1;
        self.log.push(Change {
            table: table.into(),
            id: id.into(),
            bucket: BUCKET.into(),
            version,
            op: ChangeOp::Delete,
            data: None,
        });
        if table == table::SESSIONS {
            self.sessions.remove(&id.parse().unwrap());
        }
    }

    fn now(&self) -> NaiveDateTime {
        chrono::Local::now().naive_local()
    }

    fn existing(&self, session_id: i64, customer_id: i64) -> Option<BookingStatus> {
        self.bookings
            .values()
            .filter(|b| b.session_id == session_id && b.customer_id == customer_id)
            .map(|b| b.status)
            .min_by_key(|s| match s {
                BookingStatus::Booked => 0,
                BookingStatus::Offered => 1,
                BookingStatus::Waiting => 2,
                BookingStatus::Cancelled => 3,
            })
    }

    /// The server's side of a command: decided by its service in desk-domain, as the real
    /// server does, and its effects written to this world's tables and change log in order
    /// (the session row last, so its version is the receipt's). Returns the outcome.
    pub fn execute(&mut self, cmd: &Command, mutation_id: Uuid, channel: Channel) -> Outcome {
        let ctx = Ctx {
            now: self.now(),
            at: Utc::now(),
            staff_id: 1,
            channel,
        };
        let effects = match cmd.decide(self, &ctx) {
            Ok(Ok(effects)) => effects,
            Ok(Err(refusal)) => return refusal.into_outcome(),
            Err(never) => match never {},
        };
        for effect in effects {
            let (Effect::Put(r) | Effect::Count { record: r, .. }) = effect else {
                continue;
            };
            match r.table.as_str() {
                table::BOOKINGS => {
                    let b: Booking = r.parse().unwrap();
                    self.log(table::BOOKINGS, b.id, &b);
                    self.bookings.insert(b.id, b);
                }
                table::SESSIONS => self.put_session(r.parse().unwrap()),
                // Tables the world keeps no map of: the change log is what desks see.
                other => {
                    self.log(other, &r.id, &r.row);
                }
            }
        }
        *self.applied.entry(mutation_id).or_default() += 1;
        Outcome::Applied
    }

    /// Another desk (or the web) takes a place, straight on the server.
    pub fn book_elsewhere(&mut self, session_id: i64, customer_id: i64) -> Uuid {
        let id = Uuid::now_v7();
        let cmd = Command::from(desk_domain::leisure::BookPlace {
            booking_id: id,
            session_id,
            customer_id,
        });
        assert_eq!(self.execute(&cmd, Uuid::now_v7(), Channel::Telephone), Outcome::Applied);
        id
    }

    pub fn live_bookings(&self, session_id: i64) -> Vec<&Booking> {
        self.bookings
            .values()
            .filter(|b| b.session_id == session_id && b.status != BookingStatus::Cancelled)
            .collect()
    }
}

impl World {
    /// Every access token issued so far stops working, as after its 15 minutes.
    pub fn expire_access_tokens(&mut self) {
        self.tokens.clear();
    }

    fn issue(&mut self, username: &str, device: Uuid) -> (String, String) {
        let access = format!("t-{username}-{}", Uuid::now_v7());
        self.tokens.insert(access.clone(), device);
        self.token_users.insert(access.clone(), username.to_owned());
        let refresh = format!("r-{username}-{}", Uuid::now_v7());
        self.refresh_tokens
            .insert(refresh.clone(), (username.to_owned(), device, false));
        (access, refresh)
    }
}

/// 403 `account_disabled` when the bearer token belongs to a disabled account.
fn disabled(w: &World, headers: &HeaderMap) -> Option<Response> {
    let user = headers
        .get("authorization")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .and_then(|t| w.token_users.get(t))?;
    w.disabled.contains(user).then(|| {
        err(
            StatusCode::FORBIDDEN,
            "account_disabled",
            "This account has been disabled.",
        )
    })
}

async fn audit(State(app): State<AppState>, headers: HeaderMap, Json(req): Json<desk_domain::AuditUpload>) -> Response {
    let mut w = app.world.lock().unwrap();
    if w.no_audit_endpoint {
        return err(StatusCode::NOT_FOUND, "not_found", "no such endpoint");
    }
    if let Some(refused) = disabled(&w, &headers) {
        return refused;
    }
    if authorised(&w, &headers) != Some(req.device_id) {
        return err(StatusCode::UNAUTHORIZED, "unauthorised", "sign in");
    }
    let held = w.audit.entry(req.device_id).or_default();
    for e in req.entries {
        let have = held.len() as u64;
        if e.seq <= have {
            continue;
        }
        if e.seq != have + 1 {
            return err(
                StatusCode::CONFLICT,
                "seq_gap",
                "audit entries must continue from the last held",
            );
        }
        held.push(e);
    }
    Json(desk_domain::AuditUploadResponse {
        last_seq: held.len() as u64,
        refused: Vec::new(),
    })
    .into_response()
}

async fn refresh(State(app): State<AppState>, Json(body): Json<serde_json::Value>) -> Response {
    let mut w = app.world.lock().unwrap();
    let Some(token) = body.get("refresh_token").and_then(|t| t.as_str()) else {
        return err(StatusCode::BAD_REQUEST, "invalid_input", "refresh_token is missing");
    };
    let Some((user, device, spent)) = w.refresh_tokens.get(token).cloned() else {
        return err(StatusCode::UNAUTHORIZED, "unauthorized", "unknown refresh token");
    };
    if spent {
        // Reuse revokes the whole chain: every token of that user.
        w.refresh_tokens.retain(|_, (u, _, _)| *u != user);
        let revoked: Vec<String> = w
            .token_users
            .iter()
            .filter(|(_, u)| **u == user)
            .map(|(t, _)| t.clone())
            .collect();
        for t in revoked {
            w.tokens.remove(&t);
        }
        return err(StatusCode::UNAUTHORIZED, "token_reused", "This sign-in was revoked.");
    }
    if w.disabled.contains(&user) {
        return err(
            StatusCode::FORBIDDEN,
            "account_disabled",
            "This account has been disabled.",
        );
    }
    w.refresh_tokens.get_mut(token).unwrap().2 = true;
    w.refreshes += 1;
    let (access, refresh) = w.issue(&user, device);
    Json(serde_json::json!({ "access_token": access, "refresh_token": refresh })).into_response()
}

/// The device the bearer token was issued to, if the token is good.
fn authorised(w: &World, headers: &HeaderMap) -> Option<Uuid> {
    headers
        .get("authorization")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .and_then(|t| w.tokens.get(t).copied())
}

#[derive(Clone)]
struct AppState {
    world: Shared,
    pokes: broadcast::Sender<u64>,
    /// Bumped to end every open poke stream, as a restarting server or a dropped link would.
    kick: tokio::sync::watch::Sender<u64>,
}

async fn capabilities(State(app): State<AppState>) -> Response {
    let w = app.world.lock().unwrap();
    if w.down {
        return err(StatusCode::SERVICE_UNAVAILABLE, "unavailable", "down for the test");
    }
    Json(desk_domain::Capabilities {
        server_version: "test".into(),
        api_version: w.api_version.unwrap_or(desk_domain::API_VERSION),
        commands: Command::catalogue(),
        max_push_mutations: w.max_push.unwrap_or(desk_domain::MAX_PUSH_MUTATIONS),
        max_pull_limit: desk_domain::MAX_PULL_LIMIT,
        max_body_bytes: desk_domain::MAX_BODY_BYTES,
        backend: "memory".into(),
    })
    .into_response()
}

async fn sign_in(State(app): State<AppState>, Json(req): Json<SignInRequest>) -> Response {
    let mut w = app.world.lock().unwrap();
    if w.down {
        return err(StatusCode::SERVICE_UNAVAILABLE, "unavailable", "down for the test");
    }
    if req.password != "correct horse" {
        return err(
            StatusCode::UNAUTHORIZED,
            "bad_credentials",
            "That user name and password do not match.",
        );
    }
    if w.disabled.contains(&req.username) {
        return err(
            StatusCode::FORBIDDEN,
            "account_disabled",
            "This account has been disabled.",
        );
    }
    let (token, refresh) = w.issue(&req.username, req.device_id);
    let mut body = serde_json::to_value(SignInResponse {
        access_token: token,
        expires_at: Utc::now() + chrono::Duration::hours(8),
        staff: StaffProfile {
            id: if req.username == "other" { 2 } else { 1 },
            username: req.username,
            display_name: "Eilidh Grant".into(),
            roles: vec![Role::LeisureDesk],
            sites: vec![Site::leisure(1)],
        },
    })
    .unwrap();
    body["refresh_token"] = serde_json::Value::String(refresh);
    Json(body).into_response()
}

async fn push(State(app): State<AppState>, headers: HeaderMap, Json(req): Json<PushRequest>) -> Response {
    let (resp, head) = {
        let mut w = app.world.lock().unwrap();
        if w.down {
            return err(StatusCode::SERVICE_UNAVAILABLE, "unavailable", "down for the test");
        }
        if let Some(refused) = disabled(&w, &headers) {
            return refused;
        }
        if authorised(&w, &headers) != Some(req.device_id) {
            return err(StatusCode::UNAUTHORIZED, "unauthorised", "sign in");
        }
        w.pushes += 1;
        if req.mutations.len() > w.max_push.unwrap_or(desk_domain::MAX_PUSH_MUTATIONS) as usize {
            return err(StatusCode::PAYLOAD_TOO_LARGE, "too_many_mutations", "batch too large");
        }
        let mut receipts = Vec::new();
        for m in &req.mutations {
            let last = w.last_seq.get(&req.device_id).copied().unwrap_or(0);
            if m.seq <= last {
                receipts.push(w.receipts[&(req.device_id, m.seq)].clone());
                continue;
            }
            if m.seq != last + 1 {
                return err(StatusCode::CONFLICT, "seq_gap", &format!("expected seq {}", last + 1));
            }
            let outcome = match Command::parse(&m.name, m.args_version, &m.args) {
                Ok(cmd) => w.execute(&cmd, m.mutation_id, m.channel),
                Err(e) => e.into_refusal().into_outcome(),
            };
            let r = Receipt {
                seq: m.seq,
                mutation_id: m.mutation_id,
                outcome,
                version: w.head(),
            };
            w.receipts.insert((req.device_id, m.seq), r.clone());
            w.last_seq.insert(req.device_id, m.seq);
            receipts.push(r);
        }
        let device_last_seq = w.last_seq.get(&req.device_id).copied().unwrap_or(0);
        if w.lose_next_push_response {
            w.lose_next_push_response = false;
            return err(
                StatusCode::INTERNAL_SERVER_ERROR,
                "lost",
                "the answer was lost on the way",
            );
        }
        (
            PushResponse {
                receipts,
                device_last_seq,
            },
            w.head(),
        )
    };
    let _ = app.pokes.send(head);
    Json(resp).into_response()
}

async fn pull(State(app): State<AppState>, headers: HeaderMap, Query(q): Query<PullQuery>) -> Response {
    let delay = app.world.lock().unwrap().pull_delay;
    if let Some(d) = delay {
        tokio::time::sleep(d).await;
    }
    let mut w = app.world.lock().unwrap();
    if w.down {
        return err(StatusCode::SERVICE_UNAVAILABLE, "unavailable", "down for the test");
    }
    if let Some(refused) = disabled(&w, &headers) {
        return refused;
    }
    let Some(device) = authorised(&w, &headers) else {
        return err(StatusCode::UNAUTHORIZED, "unauthorised", "sign in");
    };
    w.pulls += 1;
    let mut reset = false;
    let mut from: u64 = match q
        .cursor
        .as_deref()
        .map(|c| c.strip_prefix('v').and_then(|n| n.parse().ok()))
    {
        None => 0,
        Some(Some(n)) => n,
        Some(None) => {
            reset = true;
            0
        }
    };
    if w.reset_next_pull {
        w.reset_next_pull = false;
        reset = true;
        from = 0;
    }
    let limit = q.limit.unwrap_or(1000).min(5000) as usize;
    let changes: Vec<Change> = w.log.iter().filter(|c| c.version > from).take(limit).cloned().collect();
    let to = changes.last().map(|c| c.version).unwrap_or(from);
    let head = w.head();
    let ack = q.ack_seq.unwrap_or(0);
    let mut receipts: Vec<Receipt> = w
        .receipts
        .iter()
        .filter(|((d, seq), _)| *d == device && *seq > ack)
        .map(|(_, r)| r.clone())
        .collect();
    receipts.sort_by_key(|r| r.seq);
    Json(PullResponse {
        has_more: to < head,
        cursor: format!("v{to}"),
        changes,
        reset,
        buckets: vec![BUCKET.into()],
        receipts,
        device_last_seq: w.last_seq.get(&device).copied().unwrap_or(0),
        head,
    })
    .into_response()
}

async fn poke(State(app): State<AppState>, headers: HeaderMap) -> Response {
    if authorised(&app.world.lock().unwrap(), &headers).is_none() {
        return err(StatusCode::UNAUTHORIZED, "unauthorised", "sign in");
    }
    let rx = app.pokes.subscribe();
    let mut kick = app.kick.subscribe();
    kick.mark_unchanged();
    let stream = futures_util::stream::unfold((rx, kick), |(mut rx, mut kick)| async move {
        loop {
            tokio::select! {
                _ = kick.changed() => return None,
                r = rx.recv() => match r {
                    Ok(head) => {
                        let ev = Event::default().event("poke").data(format!("{{\"head\":{head}}}"));
                        return Some((Ok::<_, std::convert::Infallible>(ev), (rx, kick)));
                    }
                    Err(broadcast::error::RecvError::Lagged(_)) => continue,
                    Err(broadcast::error::RecvError::Closed) => return None,
                },
            }
        }
    });
    Sse::new(stream)
        .keep_alive(KeepAlive::new().interval(Duration::from_secs(5)))
        .into_response()
}

pub struct FakeServer {
    pub url: String,
    pub world: Shared,
    pokes: broadcast::Sender<u64>,
    kick: tokio::sync::watch::Sender<u64>,
    task: tokio::task::JoinHandle<()>,
}

impl FakeServer {
    pub async fn start() -> FakeServer {
        let world: Shared = Arc::new(Mutex::new(World::default()));
        let (pokes, _) = broadcast::channel(64);
        let (kick, _) = tokio::sync::watch::channel(0u64);
        let app = Router::new()
            .route("/v1/capabilities", get(capabilities))
            .route("/v1/session", post(sign_in))
            .route("/v1/session/refresh", post(refresh))
            .route("/v1/audit", post(audit))
            .route("/v1/push", post(push))
            .route("/v1/pull", get(pull))
            .route("/v1/poke", get(poke))
            .with_state(AppState {
                world: world.clone(),
                pokes: pokes.clone(),
                kick: kick.clone(),
            });
        let socket = TcpSocket::new_v4().unwrap();
        socket.set_reuseaddr(true).unwrap();
        socket.bind("127.0.0.1:0".parse().unwrap()).unwrap();
        let listener = socket.listen(64).unwrap();
        let url = format!("http://{}", listener.local_addr().unwrap());
        let task = tokio::spawn(async move {
            axum::serve(listener, app).await.unwrap();
        });
        FakeServer {
            url,
            world,
            pokes,
            kick,
            task,
        }
    }

    pub fn world(&self) -> std::sync::MutexGuard<'_, World> {
        self.world.lock().unwrap()
    }

    /// Ends every open poke stream.
    pub fn end_poke_streams(&self) {
        self.kick.send_modify(|k| *k += 1);
    }

    /// Tells the desks listening on the poke stream that something changed.
    pub fn poke(&self) {
        let head = self.world().head();
        let _ = self.pokes.send(head);
    }
}

impl Drop for FakeServer {
    fn drop(&mut self) {
        self.task.abort();
    }
}

pub use desk_testkit::{day, open_desk};

/// Session `id` of Aqua Fit at centre 1, `offset_days` from today at `hour`.
pub fn session(id: i64, offset_days: i64, hour: u32, capacity: u32) -> Session {
    desk_testkit::world::session(id, 1, 10, day(offset_days).and_hms_opt(hour, 0, 0).unwrap(), capacity)
}

/// A customer of centre 1.
pub fn customer(id: i64, first: &str, last: &str, dob: (i32, u32, u32)) -> Customer {
    desk_testkit::world::customer(id, 1, first, last, dob)
}

/// A small leisure centre: session 1 (capacity given) tomorrow at 09:00, session 2 the day
/// after with room, and three customers with Gaelic and Irish names.
pub fn seed(world: &mut World, capacity: u32) {
    world.add_centre(desk_testkit::world::centre(1, "Moray Leisure Centre", "Elgin"));
    world.put_session(session(1, 1, 9, capacity));
    world.put_session(session(2, 2, 9, 20));
    world.add_customer(customer(1, "Mòrag", "O'Neill", (1980, 2, 1)));
    world.add_customer(customer(2, "Seònaid", "MacAoidh", (1975, 12, 24)));
    world.add_customer(customer(3, "Iain", "Grant", (2001, 6, 30)));
}

/// A desk signed in and synced against the server.
pub async fn synced_desk(dir: &std::path::Path, server: &FakeServer) -> Desk {
    let desk = open_desk(dir, &server.url).await;
    desk.sign_in("eilidh", "correct horse").await.unwrap();
    desk.sync_now().await.unwrap();
    desk
}

impl Source for World {
    type Error = std::convert::Infallible;
    fn may_write(&self, _bucket: &desk_domain::Bucket) -> bool {
        true
    }
}

impl leisure::Facts for World {
    fn supervises(&mut self, _: i64, _: i64) -> Result<Option<bool>, Self::Error> {
        Ok(None)
    }
    fn place(
        &mut self,
        session_id: i64,
        customer_id: i64,
        booking_id: Uuid,
    ) -> Result<Option<(Session, leisure::PlaceFacts)>, Self::Error> {
        let Some(session) = self.sessions.get(&session_id).cloned() else {
            return Ok(None);
        };
        let facts = leisure::PlaceFacts {
            customer_exists: self.customers.contains_key(&customer_id),
            booking_id_taken: self.bookings.contains_key(&booking_id),
            live: self
                .existing(session_id, customer_id)
                .filter(|s| *s != BookingStatus::Cancelled),
        };
        Ok(Some((session, facts)))
    }
    fn session(&mut self, id: i64) -> Result<Option<Session>, Self::Error> {
        Ok(self.sessions.get(&id).cloned())
    }
    fn booking(&mut self, id: Uuid) -> Result<Option<Booking>, Self::Error> {
        Ok(self.bookings.get(&id).cloned())
    }
    fn customer(&mut self, id: i64) -> Result<Option<Customer>, Self::Error> {
        Ok(self.customers.get(&id).cloned())
    }
    fn first_waiting(&mut self, session_id: i64) -> Result<Option<Booking>, Self::Error> {
        Ok(self
            .bookings
            .values()
            .filter(|w| w.session_id == session_id && w.status == BookingStatus::Waiting)
            .min_by_key(|w| w.waiting_position)
            .cloned())
    }
    fn max_waiting_position(&mut self, session_id: i64) -> Result<u32, Self::Error> {
        Ok(self
            .bookings
            .values()
            .filter(|b| b.session_id == session_id && b.status == BookingStatus::Waiting)
            .map(|b| b.waiting_position)
            .max()
            .unwrap_or(0))
    }
    fn sessions_between(
        &mut self,
        centre_id: i64,
        activity_id: i64,
        from: NaiveDateTime,
        until: NaiveDateTime,
    ) -> Result<Vec<Session>, Self::Error> {
        Ok(self
            .sessions
            .values()
            .filter(|s| s.centre_id == centre_id && s.activity_id == activity_id)
            .filter(|s| s.starts_at >= from && s.starts_at <= until)
            .cloned()
            .collect())
    }
    // The fake council keeps no prices, entitlements, vouchers or payments: a paid booking is
    // refused here (`no_price_list`); the desk's money is tested against the real server.
    fn settings(&mut self, _centre_id: i64) -> Result<Option<leisure::records::LeisureSettings>, Self::Error> {
        Ok(None)
    }
    fn entitlement(&mut self, _customer_id: i64) -> Result<Option<leisure::records::Entitlement>, Self::Error> {
        Ok(None)
    }
    fn voucher(&mut self, _code: &str) -> Result<Option<leisure::records::IssuedVoucher>, Self::Error> {
        Ok(None)
    }
    fn money(&mut self, _id: Uuid) -> Result<Option<leisure::records::MoneyRecord>, Self::Error> {
        Ok(None)
    }
    fn money_of_booking(&mut self, _booking_id: Uuid) -> Result<Vec<leisure::records::MoneyRecord>, Self::Error> {
        Ok(Vec::new())
    }
    fn money_on(&mut self, _: i64, _: chrono::NaiveDate) -> Result<Vec<leisure::records::MoneyRecord>, Self::Error> {
        Ok(Vec::new())
    }
    fn cash_count(&mut self, _: Uuid) -> Result<Option<leisure::cash_count::CashCount>, Self::Error> {
        Ok(None)
    }
    fn customers_like(
        &mut self,
        date_of_birth: chrono::NaiveDate,
        email: Option<&str>,
        postcode: &str,
    ) -> Result<Vec<Customer>, Self::Error> {
        Ok(self
            .customers
            .values()
            .filter(|c| {
                c.date_of_birth == date_of_birth
                    || c.postcode == postcode
                    || (email.is_some() && c.email.as_deref() == email)
            })
            .cloned()
            .collect())
    }
    // Nor customers' registration details: registering is tested against the real server.
    fn customer_details(
        &mut self,
        _customer_id: i64,
    ) -> Result<Option<leisure::customer_cmd::CustomerDetails>, Self::Error> {
        Ok(None)
    }
    fn session_bookings(&mut self, session_id: i64) -> Result<Vec<Booking>, Self::Error> {
        Ok(self
            .bookings
            .values()
            .filter(|b| b.session_id == session_id)
            .cloned()
            .collect())
    }
    fn bookings_of_customer(&mut self, customer_id: i64) -> Result<Vec<Booking>, Self::Error> {
        Ok(self
            .bookings
            .values()
            .filter(|b| b.customer_id == customer_id)
            .cloned()
            .collect())
    }
    // The fake council keeps no charges: no-show fees are tested against the real server.
    fn charge(&mut self, _id: Uuid) -> Result<Option<leisure::records::Charge>, Self::Error> {
        Ok(None)
    }
    // Nor spaces: space bookings are tested against the real server (`spaces.rs`).
    fn space(&mut self, _id: i64) -> Result<Option<leisure::space_records::SpaceRecord>, Self::Error> {
        Ok(None)
    }
    fn spaces_of_centre(&mut self, _centre_id: i64) -> Result<Vec<leisure::space_records::SpaceRecord>, Self::Error> {
        Ok(Vec::new())
    }
    fn space_booking(&mut self, _id: Uuid) -> Result<Option<leisure::space_records::SpaceBookingRecord>, Self::Error> {
        Ok(None)
    }
    fn space_bookings_on(
        &mut self,
        _centre_id: i64,
        _day: chrono::NaiveDate,
    ) -> Result<Vec<leisure::space_records::SpaceBookingRecord>, Self::Error> {
        Ok(Vec::new())
    }
}

/// The fake council has no schools: the school rules find no pupil, code, calendar or record
/// in it (the school office's desk is tested against the real server in `school.rs`).
impl desk_domain::school::Facts for World {
    fn pupil(&mut self, _id: i64) -> Result<Option<desk_domain::Pupil>, Self::Error> {
        Ok(None)
    }
    fn contact(&mut self, _id: i64) -> Result<Option<desk_domain::Contact>, Self::Error> {
        Ok(None)
    }
    fn attendance_code(
        &mut self,
        _school_id: i64,
        _code: &str,
    ) -> Result<Option<desk_domain::school::AttendanceCode>, Self::Error> {
        Ok(None)
    }
    fn school_year(
        &mut self,
        _school_id: i64,
        _date: chrono::NaiveDate,
    ) -> Result<Option<desk_domain::school::SchoolYear>, Self::Error> {
        Ok(None)
    }
    fn school_days(
        &mut self,
        _school_id: i64,
        _from: chrono::NaiveDate,
        _to: chrono::NaiveDate,
    ) -> Result<Vec<desk_domain::school::SchoolDay>, Self::Error> {
        Ok(Vec::new())
    }
    fn absence(&mut self, _id: Uuid) -> Result<Option<desk_domain::school::Absence>, Self::Error> {
        Ok(None)
    }
    fn absences_of(&mut self, _pupil_id: i64) -> Result<Vec<desk_domain::school::Absence>, Self::Error> {
        Ok(Vec::new())
    }
    fn attempts_on(
        &mut self,
        _pupil_id: i64,
        _date: chrono::NaiveDate,
    ) -> Result<Vec<desk_domain::school::ContactAttempt>, Self::Error> {
        Ok(Vec::new())
    }
    fn id_taken(&mut self, _id: Uuid) -> Result<bool, Self::Error> {
        Ok(false)
    }
    fn rules(&mut self, _school_id: i64) -> Result<desk_domain::school::SchoolRules, Self::Error> {
        Ok(desk_domain::school::SchoolRules::default())
    }
    fn may_supervise(&self, _bucket: &desk_domain::Bucket) -> bool {
        false
    }
}

/// Council-tax accounts added with [`World::add_ct_account`]; the service's own records are
/// read back from the change log, where `execute` writes them as the real server writes rows.
impl World {
    pub fn add_ct_account(&mut self, a: desk_domain::CtAccount) {
        self.log(table::CT_ACCOUNTS, a.id, &a);
    }

    /// Every row of `tbl` as last written, parsed.
    fn ct_rows<T: serde::de::DeserializeOwned>(&self, tbl: &str) -> Vec<T> {
        let mut latest: BTreeMap<&str, &Change> = BTreeMap::new();
        for c in self.log.iter().filter(|c| c.table == tbl) {
            latest.insert(&c.id, c);
        }
        latest
            .values()
            .filter_map(|c| c.data.as_ref())
            .map(|d| serde_json::from_value(d.clone()).unwrap())
            .collect()
    }

    /// The change requests the server holds.
    pub fn ct_requests_held(&self) -> Vec<desk_domain::council_tax::records::ChangeRequest> {
        self.ct_rows(table::CT_CHANGE_REQUESTS)
    }
}

impl desk_domain::council_tax::Facts for World {
    fn ct_account(&mut self, id: i64) -> Result<Option<desk_domain::council_tax::AccountFacts>, Self::Error> {
        Ok(self
            .ct_rows::<desk_domain::CtAccount>(table::CT_ACCOUNTS)
            .into_iter()
            .find(|a| a.id == id)
            .map(desk_domain::council_tax::AccountFacts::of))
    }
    fn ct_request_exists(&mut self, id: Uuid) -> Result<bool, Self::Error> {
        Ok(self.ct_requests_held().iter().any(|r| r.id == id))
    }
    fn ct_requests(
        &mut self,
        account_id: i64,
    ) -> Result<Vec<desk_domain::council_tax::records::ChangeRequest>, Self::Error> {
        Ok(self
            .ct_requests_held()
            .into_iter()
            .filter(|r| r.account_id == account_id)
            .collect())
    }
    fn ct_check(&mut self, id: Uuid) -> Result<Option<desk_domain::council_tax::records::IdentityCheck>, Self::Error> {
        Ok(self
            .ct_rows::<desk_domain::council_tax::records::IdentityCheck>(table::CT_IDENTITY_CHECKS)
            .into_iter()
            .find(|c| c.id == id))
    }
    fn ct_failed_checks(
        &mut self,
        account_id: i64,
    ) -> Result<Vec<desk_domain::council_tax::records::IdentityCheck>, Self::Error> {
        Ok(self
            .ct_rows::<desk_domain::council_tax::records::IdentityCheck>(table::CT_IDENTITY_CHECKS)
            .into_iter()
            .filter(|c| c.account_id == account_id && !c.passed)
            .collect())
    }
    fn ct_clearances(
        &mut self,
        account_id: i64,
    ) -> Result<Vec<desk_domain::council_tax::records::LockClearance>, Self::Error> {
        Ok(self
            .ct_rows::<desk_domain::council_tax::records::LockClearance>(table::CT_LOCK_CLEARANCES)
            .into_iter()
            .filter(|c| c.account_id == account_id)
            .collect())
    }
    fn is_supervisor(&mut self, _staff_id: i64) -> Result<bool, Self::Error> {
        Ok(false)
    }
}
