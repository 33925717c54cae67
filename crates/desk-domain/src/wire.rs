//! The sync protocol between a desk and the council server, as it crosses HTTP.
//!
//! A desk never writes server rows: it sends [`Mutation`]s (named commands) in `seq` order and
//! receives [`Receipt`]s; it learns the resulting state only by pulling [`Change`]s.

use chrono::{DateTime, NaiveDateTime, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::scope::{Role, Site};

/// How the member of the public reached the council, recorded on every transaction so the
/// council can measure channel shift.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "kebab-case")]
pub enum Channel {
    FaceToFace,
    Telephone,
    Email,
    AssistedDigital,
}

impl Channel {
    pub const ALL: [Channel; 4] = [
        Channel::FaceToFace,
        Channel::Telephone,
        Channel::Email,
        Channel::AssistedDigital,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Channel::FaceToFace => "face-to-face",
            Channel::Telephone => "telephone",
            Channel::Email => "email",
            Channel::AssistedDigital => "assisted-digital",
        }
    }
}

/// One named command recorded on a desk. `mutation_id` is the idempotency key; `seq` is gapless
/// per device. Who made it, with which role and at which site, comes from the bearer token,
/// never from here.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct Mutation {
    pub mutation_id: Uuid,
    pub device_id: Uuid,
    #[cfg_attr(feature = "openapi", schema(minimum = 1))]
    pub seq: u64,
    /// 1 to 100 characters, none of them a control character.
    #[cfg_attr(
        feature = "openapi",
        schema(min_length = 1, max_length = 100, pattern = r"^[^\u0000-\u001F\u007F-\u009F]*$")
    )]
    pub name: String,
    pub args_version: u32,
    #[cfg_attr(feature = "openapi", schema(value_type = Object))]
    pub args: serde_json::Value,
    /// The pull cursor the desk had when it made the change (advisory, for diagnosis); no
    /// control characters.
    #[cfg_attr(feature = "openapi", schema(pattern = r"^[^\u0000-\u001F\u007F-\u009F]*$"))]
    pub base_cursor: Option<String>,
    /// The desk's clock when the change was made: advisory, never trusted for rules.
    pub created_at: DateTime<Utc>,
    pub channel: Channel,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct PushRequest {
    pub device_id: Uuid,
    pub mutations: Vec<Mutation>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PushResponse {
    /// One receipt per mutation accepted for processing, in `seq` order. Mutations after a
    /// transient failure get no receipt and must be pushed again.
    pub receipts: Vec<Receipt>,
    /// The highest `seq` this device has a receipt for, after this push.
    pub device_last_seq: u64,
}

/// What the server did with one mutation. Stored in the same transaction as its effects, so a
/// replay returns exactly this again.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Receipt {
    pub seq: u64,
    pub mutation_id: Uuid,
    pub outcome: Outcome,
    /// The change-log position at which the mutation's effects are visible: once a desk's pull
    /// cursor has reached it, the replica already holds the effects and the pending copy can go.
    pub version: u64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(tag = "status", rename_all = "snake_case")]
pub enum Outcome {
    Applied,
    /// Permanent: retrying the same command will not help. Goes to Needs attention.
    Rejected {
        code: String,
        message: String,
        alternatives: Vec<Alternative>,
    },
    /// Accepted, but waits on a back-office step; settled later by a synced status.
    Deferred {
        reason: String,
    },
}

impl Outcome {
    pub fn rejected(code: impl Into<String>, message: impl Into<String>) -> Self {
        Outcome::Rejected {
            code: code.into(),
            message: message.into(),
            alternatives: Vec::new(),
        }
    }
}

/// Something the member of staff can do instead of a rejected command, offered as a button.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Alternative {
    JoinWaitingList {
        session_id: i64,
    },
    BookSession {
        session_id: i64,
        /// The council's local wall-clock time, without an offset (timetables are kept in
        /// local time by design), e.g. `2026-03-02T18:00:00`.
        #[cfg_attr(feature = "openapi", schema(value_type = String, pattern = r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,9})?$", example = "2026-03-02T18:00:00"))]
        starts_at: NaiveDateTime,
        activity_name: String,
        spaces: u32,
    },
    /// Add this call's words to the absence record that already explains the openings.
    AddToAbsence {
        absence_id: Uuid,
        /// The existing record in words: openings, code, who called, who recorded it.
        summary: String,
    },
    /// Replace that record with this call's (a supervisor's choice).
    ReplaceAbsence {
        absence_id: Uuid,
        summary: String,
    },
    /// "Is this them?": a customer already on file who may be the one being registered.
    ExistingCustomer {
        customer_id: i64,
        /// Name, date of birth, postcode and why they may be the same person.
        summary: String,
    },
    /// Book this space at this time instead: another space of the same kind, or the next free
    /// slot of the same space (council wall-clock times, as `BookSession`'s).
    BookSpace {
        space_id: i64,
        space_name: String,
        #[cfg_attr(feature = "openapi", schema(value_type = String, pattern = r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,9})?$", example = "2026-03-02T19:00:00"))]
        starts: NaiveDateTime,
        #[cfg_attr(feature = "openapi", schema(value_type = String, pattern = r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,9})?$", example = "2026-03-02T21:00:00"))]
        ends: NaiveDateTime,
    },
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum ChangeOp {
    Upsert,
    Delete,
}

/// One row's newest state in one bucket. Rows are addressed by `(table, id)`; a delete is a
/// tombstone so a desk that pulled the row earlier removes it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Change {
    pub table: String,
    pub id: String,
    pub bucket: String,
    pub version: u64,
    pub op: ChangeOp,
    /// The row as JSON (one of the `entities` types) for an upsert; absent for a delete.
    #[cfg_attr(feature = "openapi", schema(value_type = Option<Object>))]
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub data: Option<serde_json::Value>,
}

/// Query of `GET /v1/pull`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::IntoParams, utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", into_params(parameter_in = Query))]
pub struct PullQuery {
    /// Opaque cursor from the previous page; absent for a first pull.
    pub cursor: Option<String>,
    /// Rows per page: any value is taken, and kept within 1 to `max_pull_limit` of
    /// `/v1/capabilities` (1,000 when absent).
    pub limit: Option<u32>,
    /// Receipts with a `seq` above this are returned.
    pub ack_seq: Option<u64>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PullResponse {
    pub changes: Vec<Change>,
    /// Cursor to resume from; store it in the same transaction as the page.
    pub cursor: String,
    /// More changes are waiting beyond this page.
    pub has_more: bool,
    /// The cursor given was made for another scope (or is unknown): the desk must drop every
    /// replica row before applying this page, which starts from the beginning.
    pub reset: bool,
    /// The buckets this page was drawn from, i.e. the caller's scope now.
    pub buckets: Vec<String>,
    pub receipts: Vec<Receipt>,
    pub device_last_seq: u64,
    /// The newest change-log position the server has, for progress and the sync planner.
    pub head: u64,
}

/// Every error from the server (HTTP 4xx/5xx) and from the desk engine across IPC.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct ErrorBody {
    pub code: String,
    pub message: String,
}

#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct SignInRequest {
    pub username: String,
    pub password: String,
    pub device_id: Uuid,
}

impl std::fmt::Debug for SignInRequest {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SignInRequest")
            .field("username", &self.username)
            .field("password", &"<redacted>")
            .field("device_id", &self.device_id)
            .finish()
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SignInResponse {
    pub access_token: String,
    pub expires_at: DateTime<Utc>,
    pub staff: StaffProfile,
}

/// What `POST /v1/session` and `POST /v1/session/refresh` answer: a [`SignInResponse`] (its
/// fields, flattened, so a reader of `SignInResponse` still reads it) plus a rotating refresh
/// token. A refresh token works once; presenting it again revokes every token of the sign-in.
#[derive(Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SessionGrant {
    #[serde(flatten)]
    pub session: SignInResponse,
    pub refresh_token: String,
    pub refresh_expires_at: DateTime<Utc>,
}

impl std::fmt::Debug for SessionGrant {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SessionGrant")
            .field("staff", &self.session.staff)
            .field("expires_at", &self.session.expires_at)
            .field("refresh_expires_at", &self.refresh_expires_at)
            .finish_non_exhaustive()
    }
}

/// `POST /v1/session/refresh`.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct RefreshRequest {
    pub refresh_token: String,
}

impl std::fmt::Debug for RefreshRequest {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("RefreshRequest { refresh_token: <redacted> }")
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct StaffProfile {
    pub id: i64,
    pub username: String,
    pub display_name: String,
    pub roles: Vec<Role>,
    pub sites: Vec<Site>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CommandInfo {
    pub name: String,
    pub args_versions: Vec<u32>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Capabilities {
    pub server_version: String,
    pub api_version: u32,
    pub commands: Vec<CommandInfo>,
    pub max_push_mutations: u32,
    pub max_pull_limit: u32,
    pub max_body_bytes: u64,
    pub backend: String,
}

/// Version of this protocol; a desk refuses a server whose major differs.
pub const API_VERSION: u32 = 1;
/// Largest request body the server accepts (1 MiB); larger gets 413 `body_too_large`.
pub const MAX_BODY_BYTES: u64 = 1024 * 1024;
pub const MAX_PUSH_MUTATIONS: u32 = 500;
pub const MAX_PULL_LIMIT: u32 = 5_000;

/// Most entries in one `POST /v1/audit` upload.
pub const MAX_AUDIT_ENTRIES: u32 = 500;

/// One entry of a desk's local audit log: a view of a personal record or a change, made at
/// the desk. `seq` is gapless per device, from 1.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AuditRecord {
    #[cfg_attr(feature = "openapi", schema(minimum = 1))]
    pub seq: u64,
    pub at: DateTime<Utc>,
    /// `view` or `change` (1 to 32 of a-z and `_`).
    #[cfg_attr(feature = "openapi", schema(pattern = "^[a-z_]{1,32}$"))]
    pub action: String,
    /// `customer`, `pupil`, `ct_account`, `session`, `booking`.
    #[cfg_attr(
        feature = "openapi",
        schema(pattern = "^(customer|pupil|ct_account|session|booking)$")
    )]
    pub record_kind: String,
    #[cfg_attr(feature = "openapi", schema(min_length = 1, max_length = 200))]
    pub record_id: String,
    /// The person the record is about, where it is about one.
    pub person_id: Option<i64>,
    #[cfg_attr(feature = "openapi", schema(max_length = 2000))]
    pub detail: String,
}

/// `POST /v1/audit`: the desk's audit entries in seq order, continuing from what the server
/// holds. The staff member is the token's; the device must be the token's.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AuditUpload {
    pub device_id: Uuid,
    pub entries: Vec<AuditRecord>,
}

/// The highest seq the server now holds for the device. Entries already held are answered
/// as if stored again (idempotent); a gap is refused with 409 `seq_gap`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AuditUploadResponse {
    pub last_seq: u64,
    /// Entries of this upload the server could not store as sent (text holding control
    /// characters). Each counts as held — a marker row keeps the device's seq gapless — so they
    /// never block later uploads; the desk keeps them in its own log and reports them.
    #[serde(default)]
    pub refused: Vec<AuditRefusal>,
}

/// One audit entry set aside by the server, with why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AuditRefusal {
    pub seq: u64,
    /// `control_character`.
    pub code: String,
    pub message: String,
}
