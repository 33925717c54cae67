//! The HTTP API. Every failure leaves as `ErrorBody {code, message}` from [`ApiError`],
//! including axum's own rejections (bad JSON, bad query, body too large, unknown route).

use std::collections::HashSet;
use std::convert::Infallible;
use std::sync::Arc;
use std::time::{Duration, Instant};

use axum::body::Bytes;
use axum::extract::rejection::{BytesRejection, JsonRejection, QueryRejection};
use axum::extract::{DefaultBodyLimit, FromRequest, FromRequestParts, Query, Request, State};
use axum::http::HeaderMap;
use axum::http::request::Parts;
use axum::http::{HeaderValue, StatusCode, header};
use axum::middleware::{self, Next};
use axum::response::sse::{Event, KeepAlive, Sse};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use chrono::{Local, Utc};
use desk_domain::{
    API_VERSION, AuditUpload, AuditUploadResponse, Capabilities, Command, ErrorBody, MAX_AUDIT_ENTRIES, MAX_BODY_BYTES,
    MAX_PULL_LIMIT, MAX_PUSH_MUTATIONS, PullQuery, PullResponse, PushRequest, PushResponse, Receipt, RefreshRequest,
    SessionGrant, SignInRequest, SignInResponse,
};
use futures_util::Stream;
use serde::Serialize;
use sha2::{Digest, Sha256};
use tokio::sync::{broadcast, watch};
use utoipa::OpenApi;
use uuid::Uuid;

use crate::auth;
use crate::error::{PushError, StoreError};
use crate::openapi::CommonAnswers;
use crate::store::{AuditEntry, Caller, NextTokens, RefreshOutcome, StaffRecord, Store, TokenIssue};

/// Rows per pull page when the desk does not say.
pub const DEFAULT_PULL_LIMIT: u32 = 1_000;
/// Keep-alive comment interval on the poke stream.
pub const POKE_KEEP_ALIVE: Duration = Duration::from_secs(15);

/// Every route, as `(method, path)`; the OpenAPI document lists each of them.
pub const ROUTES: [(&str, &str); 10] = [
    ("get", "/v1/capabilities"),
    ("post", "/v1/session"),
    ("delete", "/v1/session"),
    ("post", "/v1/session/refresh"),
    ("post", "/v1/push"),
    ("post", "/v1/audit"),
    ("get", "/v1/pull"),
    ("get", "/v1/poke"),
    ("get", "/v1/openapi.json"),
    ("post", "/v1/school/register"),
];

#[derive(Clone)]
pub(crate) struct AppState {
    pub store: Arc<dyn Store>,
    pub lifetimes: TokenLifetimes,
    pub lockout: Lockout,
    pub shutdown: watch::Receiver<bool>,
}

/// How long tokens last; shorter in tests.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TokenLifetimes {
    pub access: chrono::Duration,
    pub refresh: chrono::Duration,
}

impl Default for TokenLifetimes {
    fn default() -> Self {
        TokenLifetimes {
            access: chrono::Duration::minutes(auth::TOKEN_LIFETIME_MINUTES),
            refresh: chrono::Duration::hours(auth::REFRESH_LIFETIME_HOURS),
        }
    }
}

/// When failed sign-ins lock an account; shorter in tests.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Lockout {
    /// Consecutive failed sign-ins that lock the account…
    pub after_failures: u32,
    /// …for this long.
    pub lasts: chrono::Duration,
}

impl Default for Lockout {
    fn default() -> Self {
        Lockout {
            after_failures: auth::LOCKOUT_AFTER_FAILURES,
            lasts: chrono::Duration::minutes(auth::LOCKOUT_MINUTES),
        }
    }
}

/// An error answer: status plus `{code, message}`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApiError {
    pub status: StatusCode,
    pub code: &'static str,
    pub message: String,
}

impl ApiError {
    pub fn new(status: StatusCode, code: &'static str, message: impl Into<String>) -> Self {
        ApiError {
            status,
            code,
            message: message.into(),
        }
    }
    fn unauthorized(message: impl Into<String>) -> Self {
        Self::new(StatusCode::UNAUTHORIZED, "unauthorized", message)
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let body = ErrorBody {
            code: self.code.to_owned(),
            message: self.message,
        };
        (self.status, Json(body)).into_response()
    }
}

impl From<StoreError> for ApiError {
    fn from(e: StoreError) -> Self {
        if e.is_transient() {
            tracing::warn!(error = %e, "store unavailable");
            ApiError::new(
                StatusCode::SERVICE_UNAVAILABLE,
                "unavailable",
                "The council server's database is busy or unreachable; try again shortly.",
            )
        } else {
            tracing::error!(error = %e, "store failure");
            ApiError::new(
                StatusCode::INTERNAL_SERVER_ERROR,
                "internal",
                "The council server could not complete the request.",
            )
        }
    }
}

impl From<PushError> for ApiError {
    fn from(e: PushError) -> Self {
        let message = e.to_string();
        match e {
            PushError::SeqGap { .. } => ApiError::new(StatusCode::CONFLICT, "seq_gap", message),
            PushError::SeqConflict { .. } => ApiError::new(StatusCode::CONFLICT, "seq_conflict", message),
            PushError::MutationIdReused { .. } => ApiError::new(StatusCode::CONFLICT, "mutation_id_reused", message),
            PushError::DeviceMismatch(_) => ApiError::new(StatusCode::FORBIDDEN, "device_mismatch", message),
            PushError::BadBatch(_) => ApiError::new(StatusCode::UNPROCESSABLE_ENTITY, "bad_batch", message),
            PushError::Store(e) => e.into(),
        }
    }
}

impl From<tokio::task::JoinError> for ApiError {
    fn from(e: tokio::task::JoinError) -> Self {
        tracing::error!(error = %e, "request task failed");
        ApiError::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            "internal",
            "The council server failed on this request.",
        )
    }
}

/// Runs blocking store work off the async threads.
pub(crate) async fn blocking<R: Send + 'static>(
    f: impl FnOnce() -> Result<R, ApiError> + Send + 'static,
) -> Result<R, ApiError> {
    tokio::task::spawn_blocking(f).await?
}

/// `axum::Json` whose rejections are `{code, message}`.
pub struct ApiJson<T>(pub T);

impl<S: Send + Sync, T: serde::de::DeserializeOwned> FromRequest<S> for ApiJson<T> {
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &S) -> Result<Self, ApiError> {
        let mut value = match Json::<serde_json::Value>::from_request(req, state).await {
            Ok(Json(v)) => v,
            Err(rejection) => return Err(json_rejection(rejection)),
        };
        // Every request body is an object; serde would also read a struct from an array.
        if !value.is_object() {
            return Err(ApiError::new(
                StatusCode::UNPROCESSABLE_ENTITY,
                "invalid_body",
                "The body must be a JSON object.",
            ));
        }
        crate::openapi::integral_numbers(&mut value);
        serde_json::from_value(value).map(ApiJson).map_err(invalid_body)
    }
}

/// JSON that is not the request's schema.
fn invalid_body(e: serde_json::Error) -> ApiError {
    ApiError::new(
        StatusCode::UNPROCESSABLE_ENTITY,
        "invalid_body",
        format!("Failed to deserialize the JSON body into the target type: {e}"),
    )
}

fn json_rejection(r: JsonRejection) -> ApiError {
    let message = r.body_text();
    match r {
        _ if r.status() == StatusCode::PAYLOAD_TOO_LARGE => ApiError::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            "body_too_large",
            format!("The request body is larger than {MAX_BODY_BYTES} bytes."),
        ),
        JsonRejection::JsonSyntaxError(_) => ApiError::new(StatusCode::BAD_REQUEST, "malformed_json", message),
        JsonRejection::JsonDataError(_) => ApiError::new(StatusCode::UNPROCESSABLE_ENTITY, "invalid_body", message),
        JsonRejection::MissingJsonContentType(_) => {
            ApiError::new(StatusCode::UNSUPPORTED_MEDIA_TYPE, "unsupported_media_type", message)
        }
        _ => ApiError::new(r.status(), "bad_request", message),
    }
}

/// `axum::extract::Query` whose rejections are `{code, message}`.
pub struct ApiQuery<T>(pub T);

impl<S: Send + Sync, T: serde::de::DeserializeOwned> FromRequestParts<S> for ApiQuery<T> {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, ApiError> {
        match Query::<T>::from_request_parts(parts, state).await {
            Ok(Query(v)) => Ok(ApiQuery(v)),
            Err(r @ QueryRejection::FailedToDeserializeQueryString(_)) => {
                Err(ApiError::new(StatusCode::BAD_REQUEST, "bad_query", r.body_text()))
            }
            Err(r) => Err(ApiError::new(r.status(), "bad_query", r.body_text())),
        }
    }
}

/// The member of staff and device behind a valid bearer token.
pub(crate) struct Authed {
    pub staff: StaffRecord,
    pub device_id: Uuid,
}

impl FromRequestParts<AppState> for Authed {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        let header = parts
            .headers
            .get(header::AUTHORIZATION)
            .ok_or_else(|| ApiError::unauthorized("Sign in first: the request has no bearer token."))?;
        let token = header
            .to_str()
            .ok()
            .and_then(|h| h.strip_prefix("Bearer "))
            .map(str::trim)
            .filter(|t| !t.is_empty())
            .ok_or_else(|| ApiError::unauthorized("The Authorization header is not `Bearer <token>`."))?;
        let hash = auth::token_hash(token);
        let store = state.store.clone();
        let found = blocking(move || Ok(store.token(&hash)?)).await?;
        let record = found.ok_or_else(|| ApiError::unauthorized("The bearer token is not known; sign in again."))?;
        if record.expires_at <= Utc::now() {
            return Err(ApiError::new(
                StatusCode::UNAUTHORIZED,
                "token_expired",
                "The access token has expired; refresh it or sign in again.",
            ));
        }
        if record.staff.disabled {
            return Err(ApiError::new(
                StatusCode::FORBIDDEN,
                "account_disabled",
                "This account has been disabled.",
            ));
        }
        Ok(Authed {
            staff: record.staff,
            device_id: record.device_id,
        })
    }
}

pub(crate) fn router(state: AppState) -> Router {
    Router::new()
        .route("/v1/capabilities", get(capabilities))
        .route("/v1/session", post(sign_in).delete(sign_out))
        .route("/v1/session/refresh", post(refresh))
        .route("/v1/push", post(push))
        .route("/v1/audit", post(audit))
        .route("/v1/pull", get(pull))
        .route("/v1/poke", get(poke))
        .route("/v1/openapi.json", get(openapi_json))
        .route("/v1/school/register", post(crate::school::api::register))
        .fallback(not_found)
        .method_not_allowed_fallback(method_not_allowed)
        .layer(DefaultBodyLimit::max(MAX_BODY_BYTES as usize))
        .layer(middleware::from_fn(log_request))
        .with_state(state)
}

/// One line per request: method, path, status, duration.
async fn log_request(req: Request, next: Next) -> Response {
    let method = req.method().clone();
    let path = req.uri().path().to_owned();
    let started = Instant::now();
    let response = next.run(req).await;
    tracing::info!(
        target: "desk_server::http",
        "{method} {path} {} {:.1}ms",
        response.status().as_u16(),
        started.elapsed().as_secs_f64() * 1000.0
    );
    response
}

async fn not_found() -> ApiError {
    ApiError::new(StatusCode::NOT_FOUND, "not_found", "There is no such endpoint.")
}

async fn method_not_allowed() -> ApiError {
    ApiError::new(
        StatusCode::METHOD_NOT_ALLOWED,
        "method_not_allowed",
        "This endpoint does not accept that method.",
    )
}

#[utoipa::path(get, path = "/v1/capabilities", responses((status = 200, body = Capabilities)))]
async fn capabilities(State(state): State<AppState>) -> Json<Capabilities> {
    Json(Capabilities {
        server_version: env!("CARGO_PKG_VERSION").to_owned(),
        api_version: API_VERSION,
        commands: Command::catalogue(),
        max_push_mutations: MAX_PUSH_MUTATIONS,
        max_pull_limit: MAX_PULL_LIMIT,
        max_body_bytes: MAX_BODY_BYTES,
        backend: state.store.backend().to_owned(),
    })
}

/// Longest username a sign-in looks up.
pub const MAX_USERNAME_CHARS: usize = 200;

/// A device id names one person's store on one desk; another person's sign-in cannot take it.
fn device_taken(device: Uuid) -> ApiError {
    ApiError::new(
        StatusCode::CONFLICT,
        "device_taken",
        format!(
            "This desk's device id ({device}) is registered to another member of staff, so it cannot \
             be used for your sign-in. Ask IT support to look at this desk."
        ),
    )
}

fn account_disabled() -> ApiError {
    ApiError::new(
        StatusCode::FORBIDDEN,
        "account_disabled",
        "This account has been disabled; ask a supervisor.",
    )
}

#[utoipa::path(post, path = "/v1/session", request_body = SignInRequest, responses(
    (status = 200, body = SessionGrant),
    (status = 401, body = ErrorBody, description = "bad_credentials"),
    (status = 403, body = ErrorBody, description = "account_disabled"),
    (status = 409, body = ErrorBody, description = "device_taken: the device id is registered to another member of staff"),
    (status = 423, body = ErrorBody, description = "account_locked, with the unlock time in the message"),
))]
async fn sign_in(
    State(state): State<AppState>,
    ApiJson(req): ApiJson<SignInRequest>,
) -> Result<Json<SessionGrant>, ApiError> {
    let store = state.store.clone();
    let lifetimes = state.lifetimes;
    let lockout = state.lockout;
    let answer = blocking(move || {
        let bad = || {
            ApiError::new(
                StatusCode::UNAUTHORIZED,
                "bad_credentials",
                "The username or password is not right.",
            )
        };
        let device = Some(req.device_id);
        // No account has an empty, overlong or control-character name (PostgreSQL text cannot
        // even hold NUL): such a name is an unknown username, not a database error.
        let plausible = !req.username.is_empty()
            && req.username.chars().count() <= MAX_USERNAME_CHARS
            && !req.username.chars().any(char::is_control);
        let found = if plausible {
            store.staff_by_username(&req.username)?
        } else {
            None
        };
        let Some(staff) = found else {
            auth::verify_nobody(&req.password);
            // The typed name is not kept: it may be a password typed into the wrong field.
            store.append_audit(&AuditEntry::server(None, device, "sign_in_failed", "unknown username"))?;
            return Err(bad());
        };
        let locked = |until: chrono::DateTime<Utc>| {
            ApiError::new(
                StatusCode::LOCKED,
                "account_locked",
                format!(
                    "Too many failed sign-ins: this account is locked until {} UTC.",
                    until.format("%Y-%m-%d %H:%M:%S")
                ),
            )
        };
        if let Some(until) = store.locked_until(staff.id, Utc::now())? {
            auth::verify_nobody(&req.password);
            store.append_audit(&AuditEntry::server(
                Some(staff.id),
                device,
                "sign_in_failed",
                "account locked",
            ))?;
            return Err(locked(until));
        }
        if !auth::verify_password(&staff.password_hash, &req.password) {
            let failed = store.sign_in_failed(
                staff.id,
                req.device_id,
                Utc::now(),
                lockout.after_failures,
                lockout.lasts,
            )?;
            return match failed {
                Some(until) => Err(locked(until)),
                None => Err(bad()),
            };
        }
        if staff.disabled {
            store.append_audit(&AuditEntry::server(
                Some(staff.id),
                device,
                "sign_in_failed",
                "account disabled",
            ))?;
            return Err(account_disabled());
        }
        let (access_token, access_hash) = auth::new_token();
        let (refresh_token, refresh_hash) = auth::new_token();
        let now = Utc::now();
        let issue = TokenIssue {
            access_hash,
            refresh_hash,
            family: Uuid::new_v4(),
            staff_id: staff.id,
            device_id: req.device_id,
            access_expires_at: now + lifetimes.access,
            refresh_expires_at: now + lifetimes.refresh,
        };
        if !store.issue_tokens(&issue)? {
            store.append_audit(&AuditEntry::server(
                Some(staff.id),
                device,
                "sign_in_failed",
                "device registered to another member of staff",
            ))?;
            return Err(device_taken(req.device_id));
        }
        store.sign_in_succeeded(staff.id, req.device_id)?;
        Ok(SessionGrant {
            session: SignInResponse {
                access_token,
                expires_at: issue.access_expires_at,
                staff: staff.profile(),
            },
            refresh_token,
            refresh_expires_at: issue.refresh_expires_at,
        })
    })
    .await?;
    Ok(Json(answer))
}

#[utoipa::path(post, path = "/v1/session/refresh", request_body = RefreshRequest, responses(
    (status = 200, body = SessionGrant),
    (status = 401, body = ErrorBody, description = "unauthorized, token_expired, session_ended (signed out or password reset) or token_reused (every token of the sign-in is now revoked)"),
    (status = 403, body = ErrorBody, description = "account_disabled"),
))]
async fn refresh(
    State(state): State<AppState>,
    ApiJson(req): ApiJson<RefreshRequest>,
) -> Result<Json<SessionGrant>, ApiError> {
    let store = state.store.clone();
    let lifetimes = state.lifetimes;
    let answer = blocking(move || {
        let spent = auth::token_hash(req.refresh_token.trim());
        let (access_token, access_hash) = auth::new_token();
        let (refresh_token, refresh_hash) = auth::new_token();
        let now = Utc::now();
        let next = NextTokens {
            access_hash,
            refresh_hash,
            access_expires_at: now + lifetimes.access,
            refresh_expires_at: now + lifetimes.refresh,
        };
        match store.refresh(&spent, &next, now)? {
            RefreshOutcome::Rotated { staff, .. } => Ok(SessionGrant {
                session: SignInResponse {
                    access_token,
                    expires_at: next.access_expires_at,
                    staff: staff.profile(),
                },
                refresh_token,
                refresh_expires_at: next.refresh_expires_at,
            }),
            RefreshOutcome::Unknown => Err(ApiError::unauthorized("The refresh token is not known; sign in again.")),
            RefreshOutcome::Expired => Err(ApiError::new(
                StatusCode::UNAUTHORIZED,
                "token_expired",
                "The refresh token has expired; sign in again.",
            )),
            RefreshOutcome::Reused => {
                tracing::warn!("a spent refresh token was presented again; its sign-in is revoked");
                Err(ApiError::new(
                    StatusCode::UNAUTHORIZED,
                    "token_reused",
                    "This refresh token was already used; every token of this sign-in is now revoked. Sign in again.",
                ))
            }
            RefreshOutcome::Ended => Err(ApiError::new(
                StatusCode::UNAUTHORIZED,
                "session_ended",
                "This sign-in has ended (signed out, or the password was reset); sign in again.",
            )),
            RefreshOutcome::Disabled => Err(account_disabled()),
        }
    })
    .await?;
    Ok(Json(answer))
}

/// The bearer token of a request, if it has a well-formed one.
fn bearer(headers: &HeaderMap) -> Option<&str> {
    headers
        .get(header::AUTHORIZATION)?
        .to_str()
        .ok()?
        .strip_prefix("Bearer ")
        .map(str::trim)
        .filter(|t| !t.is_empty())
}

#[utoipa::path(delete, path = "/v1/session", request_body(content = Option<RefreshRequest>,
    description = "Optional: the refresh token of the sign-in to end. Without a body, the bearer token names it."),
    security(("bearer" = []), ()), responses(
    (status = 204, description = "The sign-in is ended: all its access tokens deleted, its refresh tokens revoked; audited as sign_out"),
    (status = 400, body = ErrorBody, description = "malformed_json"),
    (status = 401, body = ErrorBody, description = "unauthorized: neither token is known (nothing changed)"),
    (status = 413, body = ErrorBody, description = "body_too_large"),
    (status = 422, body = ErrorBody, description = "invalid_body"),
))]
async fn sign_out(
    State(state): State<AppState>,
    headers: HeaderMap,
    body: Result<Bytes, BytesRejection>,
) -> Result<StatusCode, ApiError> {
    let body = body.map_err(|r| match r.status() {
        StatusCode::PAYLOAD_TOO_LARGE => ApiError::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            "body_too_large",
            format!("The request body is larger than {MAX_BODY_BYTES} bytes."),
        ),
        status => ApiError::new(status, "bad_request", r.body_text()),
    })?;
    // Either token names the sign-in, so a desk whose access token has expired (or was never
    // fetched after an offline unlock) can still end it with the refresh token alone.
    // Only a body of no bytes is "no body": whitespace alone is not a JSON text, and the
    // contract fuzzer counts accepting it as accepting a schema-violating request.
    let refresh = if body.is_empty() {
        None
    } else {
        // `null` is no body, as the document's optional (nullable) body says.
        let req: Option<RefreshRequest> = serde_json::from_slice(&body)
            .and_then(|mut v: serde_json::Value| {
                // An object or null: serde would also read the struct from an array.
                if !(v.is_object() || v.is_null()) {
                    return Err(serde::de::Error::invalid_type(
                        serde::de::Unexpected::Other("JSON that is not an object"),
                        &"an object or null",
                    ));
                }
                crate::openapi::integral_numbers(&mut v);
                serde_json::from_value(v)
            })
            .map_err(|e| {
                let code = if e.is_data() { "invalid_body" } else { "malformed_json" };
                let status = if e.is_data() {
                    StatusCode::UNPROCESSABLE_ENTITY
                } else {
                    StatusCode::BAD_REQUEST
                };
                ApiError::new(
                    status,
                    code,
                    format!("The body must be {{\"refresh_token\": \"…\"}}: {e}"),
                )
            })?;
        req.map(|req| auth::token_hash(req.refresh_token.trim()))
    };
    let access = bearer(&headers).map(auth::token_hash);
    if refresh.is_none() && access.is_none() {
        return Err(ApiError::unauthorized(
            "Name the sign-in to end: a bearer token or {\"refresh_token\": \"…\"} in the body.",
        ));
    }
    let store = state.store.clone();
    let ended = blocking(move || Ok(store.sign_out(access.as_ref(), refresh.as_ref(), Utc::now())?)).await?;
    match ended {
        Some(_) => Ok(StatusCode::NO_CONTENT),
        None => Err(ApiError::unauthorized(
            "Neither token is known; this sign-in has already ended or never existed.",
        )),
    }
}

#[utoipa::path(post, path = "/v1/push", request_body = PushRequest, security(("bearer" = [])), responses(
    (status = 200, body = PushResponse),
    (status = 401, body = ErrorBody), (status = 403, body = ErrorBody, description = "device_mismatch"),
    (status = 409, body = ErrorBody, description = "seq_gap, seq_conflict (a seq stored for another mutation, or given twice in the batch) or mutation_id_reused"),
    (status = 413, body = ErrorBody, description = "body_too_large or too_many_mutations"),
    (status = 422, body = ErrorBody),
))]
async fn push(
    State(state): State<AppState>,
    authed: Authed,
    ApiJson(req): ApiJson<PushRequest>,
) -> Result<Json<PushResponse>, ApiError> {
    let mismatch = |what: String| ApiError::new(StatusCode::FORBIDDEN, "device_mismatch", what);
    if req.device_id != authed.device_id {
        return Err(mismatch(format!(
            "The token was issued to device {}, not {}.",
            authed.device_id, req.device_id
        )));
    }
    if let Some(m) = req.mutations.iter().find(|m| m.device_id != req.device_id) {
        return Err(mismatch(format!(
            "Mutation {} names device {}, not {}.",
            m.mutation_id, m.device_id, req.device_id
        )));
    }
    if req.mutations.len() > MAX_PUSH_MUTATIONS as usize {
        return Err(ApiError::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            "too_many_mutations",
            format!("At most {MAX_PUSH_MUTATIONS} mutations per push; send the rest in the next one."),
        ));
    }
    if let Some(e) = req.mutations.iter().find_map(|m| crate::envelope::check(m).err()) {
        return Err(e);
    }
    let mut mutations = req.mutations;
    mutations.sort_by_key(|m| m.seq);
    if mutations.first().is_some_and(|m| m.seq == 0) {
        return Err(PushError::BadBatch("seq starts at 1".into()).into());
    }
    // Two mutations claiming one seq conflict, as one claiming a seq already stored does.
    if let Some(w) = mutations.windows(2).find(|w| w[0].seq == w[1].seq) {
        return Err(seq_twice(w[0].seq, "batch"));
    }
    let caller = Caller {
        staff_id: authed.staff.id,
        device_id: authed.device_id,
        buckets: authed.staff.buckets(),
        supervises: authed.staff.supervised_buckets(),
    };
    let store = state.store.clone();
    let result = blocking(move || Ok(store.push(&caller, &mutations, Local::now().naive_local())?)).await?;
    Ok(Json(PushResponse {
        receipts: result.receipts,
        device_last_seq: result.device_last_seq,
    }))
}

/// 409 `seq_conflict`: one seq given to two entries of a `batch` or `upload`; nothing stored.
fn seq_twice(seq: u64, of: &str) -> ApiError {
    ApiError::new(
        StatusCode::CONFLICT,
        "seq_conflict",
        format!("seq {seq} appears twice in the {of}; nothing was stored"),
    )
}

/// Kinds of record an audit entry may be about: every kind a service's audit effects name
/// ([`desk_domain::RecordKind::ALL`], so a new service's kinds are accepted without a second
/// list to forget), and the sessions whose booking lists a desk shows.
pub fn audit_record_kinds() -> Vec<&'static str> {
    let mut kinds: Vec<&'static str> = desk_domain::RecordKind::ALL.iter().map(|k| k.as_str()).collect();
    kinds.push("session");
    kinds
}
/// Longest `detail` and `record_id` an uploaded audit entry may carry.
pub const MAX_AUDIT_DETAIL_CHARS: usize = 2_000;
pub const MAX_AUDIT_RECORD_ID_CHARS: usize = 200;

/// Why an uploaded audit entry is unacceptable, if it is.
fn audit_entry_problem(e: &desk_domain::AuditRecord) -> Option<String> {
    let seq = e.seq;
    if seq == 0 {
        return Some("seq starts at 1".into());
    }
    if e.action.is_empty() || e.action.len() > 32 || !e.action.bytes().all(|b| b.is_ascii_lowercase() || b == b'_') {
        return Some(format!("entry {seq}: the action must be 1 to 32 of a-z and _"));
    }
    let kinds = audit_record_kinds();
    if !kinds.contains(&e.record_kind.as_str()) {
        return Some(format!("entry {seq}: record_kind must be one of {}", kinds.join(", ")));
    }
    if e.record_id.is_empty() || e.record_id.chars().count() > MAX_AUDIT_RECORD_ID_CHARS {
        return Some(format!(
            "entry {seq}: record_id must be 1 to {MAX_AUDIT_RECORD_ID_CHARS} characters"
        ));
    }
    if e.detail.chars().count() > MAX_AUDIT_DETAIL_CHARS {
        return Some(format!(
            "entry {seq}: detail is longer than {MAX_AUDIT_DETAIL_CHARS} characters"
        ));
    }
    None
}

#[utoipa::path(post, path = "/v1/audit", request_body = AuditUpload, security(("bearer" = [])), responses(
    (status = 200, body = AuditUploadResponse),
    (status = 401, body = ErrorBody), (status = 403, body = ErrorBody, description = "device_mismatch or account_disabled"),
    (status = 409, body = ErrorBody, description = "seq_gap, or seq_conflict (a seq given twice in the upload): nothing was stored"),
    (status = 413, body = ErrorBody, description = "body_too_large or too_many_entries"),
    (status = 422, body = ErrorBody, description = "bad_batch"),
))]
async fn audit(
    State(state): State<AppState>,
    authed: Authed,
    ApiJson(req): ApiJson<AuditUpload>,
) -> Result<Json<AuditUploadResponse>, ApiError> {
    if req.device_id != authed.device_id {
        return Err(ApiError::new(
            StatusCode::FORBIDDEN,
            "device_mismatch",
            format!(
                "The token was issued to device {}, not {}.",
                authed.device_id, req.device_id
            ),
        ));
    }
    if req.entries.len() > MAX_AUDIT_ENTRIES as usize {
        return Err(ApiError::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            "too_many_entries",
            format!("At most {MAX_AUDIT_ENTRIES} audit entries per upload; send the rest in the next one."),
        ));
    }
    let mut entries = req.entries;
    entries.sort_by_key(|e| e.seq);
    if let Some(problem) = entries.iter().find_map(audit_entry_problem) {
        return Err(PushError::BadBatch(problem).into());
    }
    if let Some(w) = entries.windows(2).find(|w| w[0].seq == w[1].seq) {
        return Err(seq_twice(w[0].seq, "upload"));
    }
    let store = state.store.clone();
    let (staff_id, device_id) = (authed.staff.id, authed.device_id);
    let answer: AuditUploadResponse = blocking(move || Ok(store.upload_audit(staff_id, device_id, &entries)?)).await?;
    Ok(Json(answer))
}

/// The cursor names the scope it was made for, so a desk whose scope changed starts over.
pub(crate) fn scope_hash(buckets: &[String]) -> String {
    let digest = Sha256::digest(buckets.join(",").as_bytes());
    crate::migrate::hex(&digest[..8])
}

/// `(after, reset)` for a cursor given by a desk.
pub(crate) fn read_cursor(cursor: Option<&str>, scope: &str, head: u64) -> (u64, bool) {
    let parsed = cursor
        .and_then(|c| c.split_once('.'))
        .and_then(|(v, h)| Some((v.parse::<u64>().ok()?, h)));
    match parsed {
        Some((v, h)) if h == scope && v <= head => (v, false),
        _ => (0, true),
    }
}

/// Everything of a pull answer but its changes, which are written separately.
#[derive(Serialize)]
struct PullTail<'a> {
    cursor: String,
    has_more: bool,
    reset: bool,
    buckets: &'a [String],
    receipts: &'a [Receipt],
    device_last_seq: u64,
    head: u64,
}

/// Writes a [`PullResponse`] as JSON. Each row's data is embedded as stored, without being
/// parsed: it was written by this server from an entity (and PostgreSQL checked it as `json`).
fn write_pull(rows: &[crate::store::SyncRow], tail: &PullTail<'_>) -> Result<Vec<u8>, serde_json::Error> {
    let size: usize = rows.iter().map(|r| r.data.as_ref().map_or(0, String::len) + 96).sum();
    let mut out = Vec::with_capacity(size + 256);
    out.extend_from_slice(b"{\"changes\":[");
    for (i, row) in rows.iter().enumerate() {
        if i > 0 {
            out.push(b',');
        }
        out.extend_from_slice(b"{\"table\":");
        serde_json::to_writer(&mut out, &row.table)?;
        out.extend_from_slice(b",\"id\":");
        serde_json::to_writer(&mut out, &row.id)?;
        out.extend_from_slice(b",\"bucket\":");
        serde_json::to_writer(&mut out, &row.bucket)?;
        out.extend_from_slice(format!(",\"version\":{}", row.version).as_bytes());
        match (&row.data, row.deleted) {
            (Some(data), false) => {
                out.extend_from_slice(b",\"op\":\"upsert\",\"data\":");
                out.extend_from_slice(data.as_bytes());
            }
            _ => out.extend_from_slice(b",\"op\":\"delete\""),
        }
        out.push(b'}');
    }
    out.extend_from_slice(b"],");
    let tail = serde_json::to_vec(tail)?;
    // `{"cursor":…}` without its opening brace closes the object begun above.
    out.extend_from_slice(&tail[1..]);
    Ok(out)
}

#[utoipa::path(get, path = "/v1/pull", params(PullQuery), security(("bearer" = [])), responses(
    (status = 200, body = PullResponse), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody),
))]
async fn pull(
    State(state): State<AppState>,
    authed: Authed,
    ApiQuery(q): ApiQuery<PullQuery>,
) -> Result<Response, ApiError> {
    let store = state.store.clone();
    let body = blocking(move || {
        let buckets: Vec<String> = authed.staff.buckets().iter().map(ToString::to_string).collect();
        let scope = scope_hash(&buckets);
        let limit = q.limit.unwrap_or(DEFAULT_PULL_LIMIT).clamp(1, MAX_PULL_LIMIT);
        let head = store.head()?;
        let (after, reset) = read_cursor(q.cursor.as_deref(), &scope, head);
        let receipts_of = (authed.staff.id, authed.device_id);
        let page = store.pull(&buckets, after, limit, receipts_of, q.ack_seq.unwrap_or(0))?;
        // Caught up: everything in scope up to the head of this snapshot has been sent.
        let cursor_version = match page.rows.last() {
            Some(last) if page.has_more => last.version,
            _ => page.head.max(after),
        };
        let tail = PullTail {
            cursor: format!("{cursor_version}.{scope}"),
            has_more: page.has_more,
            reset,
            buckets: &buckets,
            receipts: &page.receipts,
            device_last_seq: page.device_last_seq,
            head: page.head,
        };
        Ok(write_pull(&page.rows, &tail).map_err(StoreError::from)?)
    })
    .await?;
    Ok((
        [(header::CONTENT_TYPE, HeaderValue::from_static("application/json"))],
        body,
    )
        .into_response())
}

#[utoipa::path(get, path = "/v1/poke", security(("bearer" = [])), responses(
    (status = 200, content_type = "text/event-stream",
     description = "`event: poke` with data `{\"head\": N}` after each change in the caller's buckets; a keep-alive comment every 15 s"),
    (status = 401, body = ErrorBody),
))]
async fn poke(State(state): State<AppState>, authed: Authed) -> Sse<impl Stream<Item = Result<Event, Infallible>>> {
    let scope: HashSet<String> = authed.staff.buckets().iter().map(ToString::to_string).collect();
    let pokes = state.store.subscribe();
    let shutdown = state.shutdown.clone();
    let stream = futures_util::stream::unfold(
        (pokes, shutdown, scope, 0u64),
        |(mut pokes, mut shutdown, scope, mut last_head)| async move {
            loop {
                if *shutdown.borrow() {
                    return None;
                }
                tokio::select! {
                    _ = shutdown.changed() => return None,
                    received = pokes.recv() => match received {
                        Ok(p) => {
                            last_head = last_head.max(p.head);
                            if p.buckets.iter().any(|b| scope.contains(b)) {
                                let event = Event::default().event("poke").data(format!("{{\"head\":{}}}", p.head));
                                return Some((Ok(event), (pokes, shutdown, scope, last_head)));
                            }
                        }
                        // Missed some: one poke makes the desk pull everything it missed.
                        Err(broadcast::error::RecvError::Lagged(_)) => {
                            let event = Event::default().event("poke").data(format!("{{\"head\":{last_head}}}"));
                            return Some((Ok(event), (pokes, shutdown, scope, last_head)));
                        }
                        Err(broadcast::error::RecvError::Closed) => return None,
                    },
                }
            }
        },
    );
    Sse::new(stream).keep_alive(KeepAlive::new().interval(POKE_KEEP_ALIVE))
}

#[utoipa::path(get, path = "/v1/openapi.json", responses((status = 200, description = "This document")))]
async fn openapi_json() -> Json<serde_json::Value> {
    Json(crate::openapi::document())
}

struct BearerAuth;

impl utoipa::Modify for BearerAuth {
    fn modify(&self, doc: &mut utoipa::openapi::OpenApi) {
        use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
        let components = doc.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(HttpBuilder::new().scheme(HttpAuthScheme::Bearer).build()),
        );
    }
}

/// The API description served at `/v1/openapi.json`, derived from the handlers and wire types.
#[derive(OpenApi)]
#[openapi(
    info(title = "Council Desk server", description = "Command sync between Council Desk desks and the council server."),
    paths(capabilities, sign_in, sign_out, refresh, push, audit, pull, poke, openapi_json, crate::school::api::register),
    components(schemas(ErrorBody, desk_domain::Mutation, desk_domain::Change, desk_domain::Outcome, desk_domain::Alternative)),
    modifiers(&BearerAuth, &CommonAnswers)
)]
pub struct ApiDoc;

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::SyncRow;

    #[test]
    fn pull_body_is_a_pull_response() {
        let rows = vec![
            SyncRow {
                table: "customers".into(),
                id: "7".into(),
                bucket: "leisure:site:1".into(),
                version: 3,
                deleted: false,
                data: Some(r#"{"id":7,"name":"Seònaid \"Shona\" O'Neill"}"#.into()),
            },
            SyncRow {
                table: "bookings".into(),
                id: "0190c0de-0000-7000-8000-000000000000".into(),
                bucket: "leisure:site:1".into(),
                version: 4,
                deleted: true,
                data: None,
            },
        ];
        let buckets = vec!["leisure:site:1".to_owned()];
        let tail = PullTail {
            cursor: "4.abc".into(),
            has_more: true,
            reset: false,
            buckets: &buckets,
            receipts: &[],
            device_last_seq: 2,
            head: 9,
        };
        let body = write_pull(&rows, &tail).unwrap();
        let parsed: PullResponse = serde_json::from_slice(&body).unwrap();
        assert_eq!(parsed.changes.len(), 2);
        assert_eq!(
            parsed.changes[0].data.as_ref().unwrap()["name"],
            "Seònaid \"Shona\" O'Neill"
        );
        assert_eq!(parsed.changes[1].op, desk_domain::ChangeOp::Delete);
        assert!(parsed.changes[1].data.is_none());
        assert_eq!(
            (
                parsed.cursor.as_str(),
                parsed.has_more,
                parsed.head,
                parsed.device_last_seq
            ),
            ("4.abc", true, 9, 2)
        );
        assert_eq!(parsed.buckets, buckets);

        let empty = write_pull(&[], &tail).unwrap();
        assert!(
            serde_json::from_slice::<PullResponse>(&empty)
                .unwrap()
                .changes
                .is_empty()
        );
    }

    #[test]
    fn cursors_name_their_scope() {
        let scope = scope_hash(&["leisure:site:1".to_owned()]);
        assert_ne!(scope, scope_hash(&["leisure:site:2".to_owned()]));
        assert_eq!(read_cursor(Some(&format!("5.{scope}")), &scope, 9), (5, false));
        assert_eq!(
            read_cursor(Some(&format!("10.{scope}")), &scope, 9),
            (0, true),
            "beyond the head"
        );
        assert_eq!(read_cursor(Some("5.other"), &scope, 9), (0, true));
        assert_eq!(read_cursor(None, &scope, 9), (0, true));
        assert_eq!(read_cursor(Some("x.y"), &scope, 9), (0, true));
    }
}
