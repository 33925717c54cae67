//! The council server: the authority for every rule. An axum HTTP API (`api`) over one storage
//! trait ([`Store`]) with two backends, SQLite (embedded default) and PostgreSQL, each a crate
//! of its own chosen by the cargo features `sqlite` and `postgres`.
//!
//! Library API used by the binary, the end-to-end tests and the desktop app's demo mode:
//! [`open_store`], [`Server`], [`add_staff`], [`load_demo`], [`import_timetable`],
//! [`bench_drain`].

pub mod api;
pub mod audit_upload;
pub mod auth;
mod bench;
pub mod council_tax;
pub mod envelope;
mod error;
pub mod leisure_settings;
pub mod openapi;
mod push;
mod records;
pub mod school;
mod server;
pub mod store;
pub mod timetable_csv;
pub mod tls;

use std::path::PathBuf;
use std::sync::Arc;

use desk_domain::{Role, Site};
use tokio::sync::broadcast;

pub use api::{Lockout, TokenLifetimes};
pub use bench::{bench_drain, bench_sign_in};
pub use desk_store::{migrate, rows};
pub use error::{PushError, StoreError};
pub use server::{Server, ServerError, spawn_offer_sweep};
pub use store::{
    AuditEntry, Caller, EntityBatch, NewStaffRecord, NextTokens, PersonRef, Poke, PullPage, PushResult, RefreshOutcome,
    SignedOut, StaffRecord, Store, SyncRow, TokenIssue,
};

/// Where the server keeps its data.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StoreConfig {
    /// A file, e.g. `<data-dir>/council.db`; created if missing.
    Sqlite { path: PathBuf },
    /// `postgres://user:password@host:port/database`
    Postgres { url: String },
}

/// Pokes buffered per subscriber before a slow one is told it lagged (and pulls anyway).
const POKE_BUFFER: usize = 1024;

/// Opens the store and brings its schema up to date.
pub fn open_store(cfg: &StoreConfig) -> Result<Arc<dyn Store>, StoreError> {
    let (pokes, _) = broadcast::channel(POKE_BUFFER);
    Ok(match cfg {
        #[cfg(feature = "sqlite")]
        StoreConfig::Sqlite { path } => store::sqlite::open(path, pokes)?,
        #[cfg(feature = "postgres")]
        StoreConfig::Postgres { url } => Arc::new(store::Storage {
            backend: desk_server_postgres::open(url, pokes.clone())?,
            pokes,
        }),
        #[allow(unreachable_patterns)]
        other => {
            return Err(StoreError::Open(format!(
                "this build has no backend for {other:?}; build desk-server with its feature"
            )));
        }
    })
}

/// A staff account to create; the password is hashed with argon2id before it is stored.
#[derive(Clone)]
pub struct NewStaff {
    pub username: String,
    pub display_name: String,
    pub password: String,
    pub roles: Vec<Role>,
    pub sites: Vec<Site>,
}

impl std::fmt::Debug for NewStaff {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("NewStaff")
            .field("username", &self.username)
            .field("display_name", &self.display_name)
            .field("password", &"<redacted>")
            .field("roles", &self.roles)
            .field("sites", &self.sites)
            .finish()
    }
}

/// A generated demo or training account, to create as it is.
impl From<&desk_fixtures::DemoStaff> for NewStaff {
    fn from(s: &desk_fixtures::DemoStaff) -> Self {
        NewStaff {
            username: s.username.clone(),
            display_name: s.display_name.clone(),
            password: s.password.clone(),
            roles: s.roles.clone(),
            sites: s.sites.clone(),
        }
    }
}

/// Creates a staff account; returns its id. Refuses a short password or a taken username.
pub fn add_staff(store: &dyn Store, new: NewStaff) -> Result<i64, StoreError> {
    let username = new.username.trim();
    if username.is_empty()
        || username.chars().count() > api::MAX_USERNAME_CHARS
        || username.chars().any(|c| c.is_whitespace() || c.is_control())
    {
        return Err(StoreError::Invalid(format!(
            "a username must be 1 to {} characters with no spaces or control characters",
            api::MAX_USERNAME_CHARS
        )));
    }
    if new.display_name.trim().is_empty() {
        return Err(StoreError::Invalid("a display name is required".into()));
    }
    if new.display_name.chars().any(char::is_control) {
        return Err(StoreError::Invalid(
            "a display name is one line of text: no control characters".into(),
        ));
    }
    if let Some(problem) = auth::password_problem(username, &new.password) {
        return Err(StoreError::Invalid(problem));
    }
    if new.roles.is_empty() {
        return Err(StoreError::Invalid("give at least one role".into()));
    }
    let password_hash = auth::hash_password(&new.password).map_err(|e| StoreError::Invalid(e.to_string()))?;
    store.insert_staff(&NewStaffRecord {
        username: username.to_owned(),
        display_name: new.display_name.trim().to_owned(),
        password_hash,
        roles: new.roles,
        sites: new.sites,
    })
}

fn staff_named(store: &dyn Store, username: &str) -> Result<StaffRecord, StoreError> {
    store
        .staff_by_username(username)?
        .ok_or_else(|| StoreError::Invalid(format!("there is no staff member `{username}`")))
}

/// Disables (or enables again) an account. Disabling ends every sign-in of the account
/// (access tokens deleted, refresh tokens revoked), so enabling it again later needs a fresh
/// sign-in; its refresh tokens are answered `account_disabled` meanwhile, and its desks purge
/// their copy of the data.
pub fn set_staff_disabled(store: &dyn Store, username: &str, disabled: bool) -> Result<StaffRecord, StoreError> {
    let staff = staff_named(store, username)?;
    store.update_staff(staff.id, &staff.roles, &staff.sites, disabled)?;
    if disabled {
        store.end_staff_sessions(staff.id, "account disabled", chrono::Utc::now())?;
    }
    staff_named(store, username)
}

/// Replaces an account's roles and sites. The next pull of each of its desks starts over
/// (`reset`) with only the buckets still in scope.
pub fn set_access(
    store: &dyn Store,
    username: &str,
    roles: Vec<Role>,
    sites: Vec<Site>,
) -> Result<StaffRecord, StoreError> {
    if roles.is_empty() {
        return Err(StoreError::Invalid("give at least one role".into()));
    }
    let staff = staff_named(store, username)?;
    store.update_staff(staff.id, &roles, &sites, staff.disabled)?;
    staff_named(store, username)
}

/// Sets a new password (same rules as `add_staff`), clears any sign-in lock and ends every
/// sign-in made with the old one (access tokens deleted, refresh tokens revoked: a desk's next
/// refresh is answered `session_ended`).
pub fn reset_password(store: &dyn Store, username: &str, password: &str) -> Result<(), StoreError> {
    let staff = staff_named(store, username)?;
    if let Some(problem) = auth::password_problem(&staff.username, password) {
        return Err(StoreError::Invalid(problem));
    }
    let hash = auth::hash_password(password).map_err(|e| StoreError::Invalid(e.to_string()))?;
    store.set_password_hash(staff.id, &hash)?;
    store.end_staff_sessions(staff.id, "password reset", chrono::Utc::now())?;
    Ok(())
}

/// What the server holds about a person and every access to it: the basis of a subject
/// access request. `desk-server audit --person REF [--json]` prints it.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct PersonReport {
    /// `customer:7`, `pupil:45`, `ct:67`.
    pub person: String,
    /// `customer`, `pupil` or `ct_account`.
    pub kind: &'static str,
    pub id: i64,
    /// The person's own record first, then the records hanging off it.
    pub records: Vec<HeldRecord>,
    /// Every view and change of those records, oldest first.
    pub accesses: Vec<Access>,
}

/// One record held, as desks would see it.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct HeldRecord {
    /// The synced table (`customers`, `bookings`, `pupils`, `contacts`, `ct_accounts`).
    pub table: String,
    /// As audit rows name it (`customer`, `booking`, `pupil`, `contact`, `ct_account`).
    pub record_kind: String,
    pub id: String,
    /// `None` once the record was deleted (only its tombstone is held).
    pub data: Option<serde_json::Value>,
}

/// One audit row about the person, with the staff member named.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Access {
    pub at: chrono::DateTime<chrono::Utc>,
    /// `view` or `change` (rows uploaded by desks and written by the server alike).
    pub action: String,
    pub staff_id: Option<i64>,
    pub staff_username: Option<String>,
    pub staff_display_name: Option<String>,
    pub device_id: Option<uuid::Uuid>,
    pub record_kind: Option<String>,
    pub record_id: Option<String>,
    /// As stored: the id of the person the row names, of the kind its record kind implies.
    pub person_id: Option<i64>,
    /// What was shown or done, e.g. `customer search result`, `session 3 bookings`, or the
    /// command of a change.
    pub detail: String,
    /// `desk` (uploaded, with the desk's `device_seq`) or `server`.
    pub source: String,
    pub device_seq: Option<u64>,
}

/// Everything held about `person` and every access to it.
pub fn person_report_data(store: &dyn Store, person: PersonRef) -> Result<PersonReport, StoreError> {
    let records = store
        .records_of(person)?
        .into_iter()
        .map(|(table, id, data)| HeldRecord {
            record_kind: store::record_kind_of(&table).to_owned(),
            data: if data.is_empty() {
                None
            } else {
                Some(serde_json::from_str(&data).unwrap_or(serde_json::Value::String(data)))
            },
            table,
            id,
        })
        .collect();
    let mut names = std::collections::HashMap::new();
    let mut accesses = Vec::new();
    for e in store.audit_of(person)? {
        let staff = match e.staff_id {
            Some(id) => match names.get(&id) {
                Some(known) => known,
                None => {
                    let found = store.staff_by_id(id)?.map(|s| (s.username, s.display_name));
                    names.entry(id).or_insert(found)
                }
            },
            None => &None,
        };
        accesses.push(Access {
            at: e.at,
            action: e.action,
            staff_id: e.staff_id,
            staff_username: staff.as_ref().map(|s| s.0.clone()),
            staff_display_name: staff.as_ref().map(|s| s.1.clone()),
            device_id: e.device_id,
            record_kind: e.record_kind,
            record_id: e.record_id,
            person_id: e.person_id,
            detail: e.detail,
            source: e.source,
            device_seq: e.device_seq,
        });
    }
    Ok(PersonReport {
        person: person.to_string(),
        kind: person.kind(),
        id: person.id(),
        records,
        accesses,
    })
}

/// [`person_report_data`] as text: records first, then the audit trail.
pub fn person_report(store: &dyn Store, person: PersonRef) -> Result<String, StoreError> {
    use std::fmt::Write;
    let report = person_report_data(store, person)?;
    let mut out = format!("Person {}\n\nRecords held ({}):\n", report.person, report.records.len());
    for r in &report.records {
        let data = r
            .data
            .as_ref()
            .map_or_else(|| "(deleted)".to_owned(), ToString::to_string);
        let _ = writeln!(out, "  {} {}: {data}", r.table, r.id);
    }
    let _ = writeln!(out, "\nAccesses and changes ({}):", report.accesses.len());
    for e in &report.accesses {
        let who = match (e.staff_id, &e.staff_username) {
            (Some(id), Some(name)) => format!("{name} (staff {id})"),
            (Some(id), None) => format!("staff {id}"),
            _ => "-".to_owned(),
        };
        let device = e.device_id.map_or_else(|| "-".to_owned(), |d| d.to_string());
        let _ = writeln!(
            out,
            "  {} {} {} {} {} by {who} on {device} ({}): {}",
            e.at.to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
            e.action,
            e.record_kind.as_deref().unwrap_or("-"),
            e.record_id.as_deref().unwrap_or("-"),
            e.source,
            e.device_seq.map_or_else(String::new, |s| format!("seq {s}")),
            e.detail
        );
    }
    Ok(out)
}

/// Loads generated demo data and its staff (see `desk_fixtures::generate`). Idempotent: data already there (judged by its first
/// session) is not loaded again, and staff whose username exists are left as they are.
pub fn load_demo(store: &dyn Store, data: &desk_fixtures::DemoData) -> Result<(), StoreError> {
    let loaded = match data.sessions.first() {
        Some(s) => store.session(s.id)?.is_some(),
        None => false,
    };
    if !loaded {
        let codes = school::default_codes();
        store.load(&EntityBatch {
            centres: data.centres.clone(),
            activities: data.activities.clone(),
            sessions: data.sessions.clone(),
            customers: data.customers.clone(),
            schools: data.schools.clone(),
            pupils: data.pupils.clone(),
            contacts: data.contacts.clone(),
            ct_accounts: data.ct_accounts.clone(),
            attendance_codes: data
                .schools
                .iter()
                .flat_map(|s| codes.iter().map(|c| c.for_school(s.id)))
                .collect(),
            school_years: data.school_years.clone(),
            school_days: data.school_days.clone(),
            registration_marks: data.registration_marks.clone(),
            absences: data.absences.clone(),
            // Every demo school keeps the default rules.
            school_settings: Vec::new(),
            // Change requests come from desks' commands.
            ct_change_requests: Vec::new(),
            // Every demo centre prices by Moray's example list (figures and sources in
            // desk_domain::leisure::price_moray) and follows its example policy.
            leisure_settings: data
                .centres
                .iter()
                .map(|c| {
                    let mut settings = desk_domain::leisure::price_moray::example_settings(c.id, &data.activities);
                    // And each of the centre's spaces by its kind (example figures, sources there).
                    let spaces: Vec<_> = data.spaces.iter().filter(|s| s.centre_id == c.id).cloned().collect();
                    for list in &mut settings.prices {
                        list.prices
                            .extend(desk_domain::leisure::price_moray::example_space_prices(&spaces));
                    }
                    settings
                })
                .collect(),
            entitlements: data.entitlements.clone(),
            vouchers: data.vouchers.clone(),
            bookings: data.bookings.clone(),
            spaces: data.spaces.clone(),
            space_bookings: data.space_bookings.clone(),
        })?;
    }
    for s in &data.staff {
        if store.staff_by_username(&s.username)?.is_none() {
            add_staff(store, NewStaff::from(s))?;
        }
    }
    Ok(())
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ImportSummary {
    pub centres: usize,
    pub activities: usize,
    pub sessions: usize,
}

#[derive(Debug, thiserror::Error)]
pub enum ImportError {
    /// Every bad row, by line; nothing was stored.
    #[error("{} bad row(s) in the timetable; nothing was imported", .0.len())]
    Rows(Vec<timetable_csv::RowError>),
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// Imports a timetable CSV all-or-nothing in one transaction. Existing ids are updated; a
/// session already on the server keeps its bookings.
pub fn import_timetable(store: &dyn Store, csv: &str) -> Result<ImportSummary, ImportError> {
    let parsed = timetable_csv::parse(csv).map_err(ImportError::Rows)?;
    let summary = ImportSummary {
        centres: parsed.centres.len(),
        activities: parsed.activities.len(),
        sessions: parsed.sessions.len(),
    };
    store.load(&EntityBatch {
        centres: parsed.centres,
        activities: parsed.activities,
        sessions: parsed.sessions,
        ..EntityBatch::default()
    })?;
    Ok(summary)
}
