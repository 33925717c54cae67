//! Errors of the storage layer. The server's HTTP layer turns these into `{code, message}`.

/// A failure of the store itself (not a rule refusal: those are receipts).
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[cfg(feature = "sqlite")]
    #[error("SQLite: {0}")]
    Sqlite(#[from] rusqlite::Error),
    /// Shown with the database's own message (its `Display` alone says only "db error").
    #[cfg(feature = "postgres")]
    #[error("PostgreSQL: {}", postgres_message(.0))]
    Postgres(#[from] postgres::Error),
    #[error("stored JSON is unreadable: {0}")]
    Json(#[from] serde_json::Error),
    #[error("migration {version} ({name}): {reason}")]
    Migration { version: u32, name: String, reason: String },
    #[error("{0}")]
    Conflict(String),
    #[error("{0}")]
    Invalid(String),
    #[error("stored data is inconsistent: {0}")]
    Corrupt(String),
    #[error("could not open the store: {0}")]
    Open(String),
}

/// The server's own words for a PostgreSQL error: severity, SQLSTATE, message, detail, and
/// where it applies (table and column), so a log line names the cause.
#[cfg(feature = "postgres")]
pub fn postgres_message(e: &postgres::Error) -> String {
    let Some(db) = e.as_db_error() else {
        return match std::error::Error::source(e) {
            Some(source) => format!("{e}: {source}"),
            None => e.to_string(),
        };
    };
    let mut out = format!("{} {}: {}", db.severity(), db.code().code(), db.message());
    if let Some(detail) = db.detail() {
        out.push_str(&format!(" ({detail})"));
    }
    if let Some(where_) = db.where_() {
        out.push_str(&format!(" [{where_}]"));
    }
    match (db.table(), db.column()) {
        (Some(t), Some(c)) => out.push_str(&format!(" on {t}.{c}")),
        (Some(t), None) => out.push_str(&format!(" on {t}")),
        _ => {}
    }
    out
}

impl StoreError {
    /// Worth retrying later: the database was busy, unreachable or lost a race, as opposed to
    /// refusing the data.
    pub fn is_transient(&self) -> bool {
        match self {
            #[cfg(feature = "sqlite")]
            StoreError::Sqlite(rusqlite::Error::SqliteFailure(e, _)) => matches!(
                e.code,
                rusqlite::ErrorCode::DatabaseBusy | rusqlite::ErrorCode::DatabaseLocked
            ),
            #[cfg(feature = "postgres")]
            StoreError::Postgres(e) => {
                e.is_closed()
                    || std::error::Error::source(e).is_some_and(|s| s.is::<std::io::Error>())
                    || e.code().is_some_and(|c| {
                        let c = c.code();
                        // serialization failure, deadlock, connection exceptions, admin shutdown
                        c == "40001" || c == "40P01" || c.starts_with("08") || c.starts_with("57")
                    })
            }
            StoreError::Conflict(_) | StoreError::Open(_) => true,
            _ => false,
        }
    }
}
