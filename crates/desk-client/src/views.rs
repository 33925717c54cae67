//! What the desk engine hands to the app: plain data, serialisable as it is over IPC.

use chrono::{DateTime, NaiveDate, Utc};
use desk_domain::{Alternative, BookingStatus, Channel, ErrorBody, Session, StaffProfile};
use serde::{Deserialize, Serialize};
use std::path::PathBuf;
use uuid::Uuid;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DeskConfig {
    /// Where `desk.db` lives; created if missing.
    pub data_dir: PathBuf,
    /// Used until `set_server_url` stores another one.
    pub server_url: String,
}

/// A session as the desk shows it: the replica's counts plus this desk's pending overlay.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct SessionView {
    pub session: Session,
    /// Some of the counts come from changes this desk has not yet had confirmed.
    pub pending: bool,
    /// When bookings open, to members and to everyone, while the centre's booking window does
    /// not yet reach this session for everyone; `None` once it does (or with no window set).
    #[cfg_attr(feature = "ts", ts(optional = nullable))]
    #[serde(default)]
    pub opens: Option<desk_domain::leisure::window::Opens>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct BookingView {
    pub id: Uuid,
    pub session_id: i64,
    pub customer_id: i64,
    pub customer_name: String,
    pub status: BookingStatus,
    /// Made on this desk and not yet confirmed by the server.
    pub pending: bool,
    /// Check-in, no-show and offer details (issue 11 §3, §5).
    #[cfg_attr(feature = "ts", ts(optional = nullable))]
    #[serde(default)]
    pub life: Option<BookingLife>,
}

/// A booking's check-in, no-show and waiting-list offer, as the session page shows them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct BookingLife {
    pub attended_at: Option<DateTime<Utc>>,
    pub no_show_at: Option<DateTime<Utc>>,
    pub no_show_waived: Option<String>,
    pub offer_until: Option<chrono::NaiveDateTime>,
    pub offer_outcome: Option<desk_domain::OfferOutcome>,
}

impl BookingLife {
    pub fn of(b: &desk_domain::Booking) -> BookingLife {
        BookingLife {
            attended_at: b.attended_at,
            no_show_at: b.no_show_at,
            no_show_waived: b.no_show_waived.clone(),
            offer_until: b.offer_until,
            offer_outcome: b.offer_outcome,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct SessionDetail {
    pub session: SessionView,
    /// Booked first, then the waiting list in order. Cancelled bookings are not listed.
    pub bookings: Vec<BookingView>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct CustomerView {
    pub id: i64,
    pub first_name: String,
    pub last_name: String,
    pub date_of_birth: NaiveDate,
    pub membership_no: String,
    pub postcode: String,
}

/// A page of customer search results and how many more matched than are listed.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct CustomerMatches {
    pub customers: Vec<CustomerView>,
    /// Matches past the end of the list: the search words need narrowing to reach them.
    pub more: u32,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct SyncStatus {
    /// The last attempt to reach the server succeeded.
    pub online: bool,
    pub signed_in: Option<StaffProfile>,
    pub last_synced_at: Option<DateTime<Utc>>,
    /// Mutations recorded on this desk and not yet settled by the server.
    pub pending: u32,
    pub needs_attention: u32,
    /// Set while a first (or reset) pull is running.
    pub progress: Option<SyncProgress>,
    pub last_error: Option<ErrorBody>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct SyncProgress {
    pub rows: u64,
    pub total: u64,
    pub percent: u8,
}

/// A command the server refused, kept with everything that was entered until a member of
/// staff takes an alternative or dismisses it with a note.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct AttentionItem {
    /// The refused mutation's id.
    pub id: Uuid,
    /// The command name, e.g. `leisure.book_place`.
    pub name: String,
    /// In plain words: "Book Mòrag O'Neill into Aqua Fit 09:00 Tue 1 Dec".
    pub summary: String,
    pub args: serde_json::Value,
    pub channel: Channel,
    pub entered_at: DateTime<Utc>,
    pub code: String,
    pub message: String,
    pub alternatives: Vec<Alternative>,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct SyncReport {
    pub pushed: u32,
    pub applied: u32,
    pub rejected: u32,
    pub pulled_rows: u64,
    pub pages: u32,
}
