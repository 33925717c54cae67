//! The records that sync: each is one row of one replica table, carried as JSON in a
//! [`crate::Change`]. Field names are the column names the desk indexes on.
//!
//! Times of day are council wall-clock time (Europe/London) as `NaiveDateTime`: a class at
//! 09:00 is at 09:00 in both GMT and BST, and every desk and the server agree on the day.

use chrono::{DateTime, NaiveDate, NaiveDateTime, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::leisure::cash_count::CashCount;
use crate::leisure::customer_cmd::{CustomerDetails, MembershipSale};
use crate::leisure::records::{Charge, Entitlement, IssuedVoucher, LeisureSettings, MoneyRecord};
use crate::leisure::space_records::{SpaceBookingRecord, SpaceRecord};
use crate::school::{
    Absence, AttendanceCode, ContactAttempt, Escalation, RegistrationMark, SchoolDay, SchoolSettings, SchoolYear,
};

/// The replica tables, by the name a [`crate::Change`] carries.
pub mod table {
    pub const CENTRES: &str = "centres";
    pub const ACTIVITIES: &str = "activities";
    pub const SESSIONS: &str = "sessions";
    pub const BOOKINGS: &str = "bookings";
    pub const CUSTOMERS: &str = "customers";
    pub const SCHOOLS: &str = "schools";
    pub const PUPILS: &str = "pupils";
    pub const CONTACTS: &str = "contacts";
    pub const CT_ACCOUNTS: &str = "ct_accounts";
    pub const CUSTOMER_NOTES: &str = "customer_notes";
    pub const ATTENDANCE_CODES: &str = "attendance_codes";
    pub const SCHOOL_YEARS: &str = "school_years";
    pub const SCHOOL_DAYS: &str = "school_days";
    pub const REGISTRATION_MARKS: &str = "registration_marks";
    pub const ABSENCES: &str = "absences";
    pub const CONTACT_ATTEMPTS: &str = "contact_attempts";
    pub const ESCALATIONS: &str = "escalations";
    pub const SCHOOL_SETTINGS: &str = "school_settings";
    pub use crate::council_tax::records::table::{CT_CHANGE_REQUESTS, CT_IDENTITY_CHECKS, CT_LOCK_CLEARANCES};
    pub const LEISURE_SETTINGS: &str = "leisure_settings";
    pub const ENTITLEMENTS: &str = "entitlements";
    pub const VOUCHERS: &str = "vouchers";
    pub const PAYMENTS: &str = "payments";
    pub const CASH_COUNTS: &str = "cash_counts";
    pub const CUSTOMER_DETAILS: &str = "customer_details";
    pub const MEMBERSHIP_SALES: &str = "membership_sales";
    pub const CUSTOMER_CHARGES: &str = "customer_charges";
    pub const SPACES: &str = "spaces";
    pub const SPACE_BOOKINGS: &str = "space_bookings";
    pub const ALL: [&str; 31] = [
        CENTRES,
        ACTIVITIES,
        SESSIONS,
        BOOKINGS,
        CUSTOMERS,
        SCHOOLS,
        PUPILS,
        CONTACTS,
        CT_ACCOUNTS,
        CUSTOMER_NOTES,
        ATTENDANCE_CODES,
        SCHOOL_YEARS,
        SCHOOL_DAYS,
        REGISTRATION_MARKS,
        ABSENCES,
        CONTACT_ATTEMPTS,
        ESCALATIONS,
        SCHOOL_SETTINGS,
        CT_CHANGE_REQUESTS,
        CT_IDENTITY_CHECKS,
        CT_LOCK_CLEARANCES,
        LEISURE_SETTINGS,
        ENTITLEMENTS,
        VOUCHERS,
        PAYMENTS,
        CASH_COUNTS,
        CUSTOMER_DETAILS,
        MEMBERSHIP_SALES,
        CUSTOMER_CHARGES,
        SPACES,
        SPACE_BOOKINGS,
    ];
}

/// A record that syncs: which table it is a row of, its id there, and the bucket it lives in
/// (who may pull it) — read off the record itself, so loading and effects need no table code.
pub trait Synced: Serialize {
    const TABLE: &'static str;
    fn key(&self) -> String;
    fn bucket(&self) -> crate::Bucket;
}

macro_rules! synced {
    ($($ty:ty => $table:expr, |$r:ident| ($key:expr, $bucket:expr);)+) => {
        $(impl Synced for $ty {
            const TABLE: &'static str = $table;
            fn key(&self) -> String {
                let $r = self;
                $key.to_string()
            }
            fn bucket(&self) -> crate::Bucket {
                let $r = self;
                $bucket
            }
        })+
    };
}

use crate::Bucket::{CouncilTaxOffice, LeisureSite, School as SchoolBucket};
synced! {
    Centre => table::CENTRES, |r| (r.id, LeisureSite(r.id));
    Activity => table::ACTIVITIES, |r| (r.id, LeisureSite(r.centre_id));
    Session => table::SESSIONS, |r| (r.id, LeisureSite(r.centre_id));
    Customer => table::CUSTOMERS, |r| (r.id, LeisureSite(r.home_centre_id));
    Booking => table::BOOKINGS, |r| (r.id, LeisureSite(r.centre_id));
    CustomerNote => table::CUSTOMER_NOTES, |r| (r.id, LeisureSite(r.centre_id));
    School => table::SCHOOLS, |r| (r.id, SchoolBucket(r.id));
    Pupil => table::PUPILS, |r| (r.id, SchoolBucket(r.school_id));
    Contact => table::CONTACTS, |r| (r.id, SchoolBucket(r.school_id));
    CtAccount => table::CT_ACCOUNTS, |r| (r.id, CouncilTaxOffice(r.office_id));
    AttendanceCode => table::ATTENDANCE_CODES, |r| (&r.id, SchoolBucket(r.school_id));
    SchoolYear => table::SCHOOL_YEARS, |r| (&r.id, SchoolBucket(r.school_id));
    SchoolDay => table::SCHOOL_DAYS, |r| (&r.id, SchoolBucket(r.school_id));
    RegistrationMark => table::REGISTRATION_MARKS, |r| (&r.id, SchoolBucket(r.school_id));
    Absence => table::ABSENCES, |r| (r.id, SchoolBucket(r.school_id));
    ContactAttempt => table::CONTACT_ATTEMPTS, |r| (r.id, SchoolBucket(r.school_id));
    Escalation => table::ESCALATIONS, |r| (r.id, SchoolBucket(r.school_id));
    SchoolSettings => table::SCHOOL_SETTINGS, |r| (r.id, SchoolBucket(r.school_id));
    LeisureSettings => table::LEISURE_SETTINGS, |r| (r.id, LeisureSite(r.centre_id));
    Entitlement => table::ENTITLEMENTS, |r| (r.id, LeisureSite(r.centre_id));
    IssuedVoucher => table::VOUCHERS, |r| (&r.code, LeisureSite(r.centre_id));
    MoneyRecord => table::PAYMENTS, |r| (r.id, LeisureSite(r.centre_id));
    CashCount => table::CASH_COUNTS, |r| (r.id, LeisureSite(r.centre_id));
    CustomerDetails => table::CUSTOMER_DETAILS, |r| (r.id, LeisureSite(r.centre_id));
    MembershipSale => table::MEMBERSHIP_SALES, |r| (r.id, LeisureSite(r.centre_id));
    Charge => table::CUSTOMER_CHARGES, |r| (r.id, LeisureSite(r.centre_id));
    SpaceRecord => table::SPACES, |r| (r.id, LeisureSite(r.centre_id));
    SpaceBookingRecord => table::SPACE_BOOKINGS, |r| (r.id, LeisureSite(r.centre_id));
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Centre {
    pub id: i64,
    pub name: String,
    pub town: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "snake_case")]
pub enum ActivityKind {
    Class,
    Pitch,
    Room,
    Activity,
}

/// An activity as offered at one centre (the same class at two centres is two activities).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Activity {
    pub id: i64,
    pub centre_id: i64,
    pub name: String,
    pub kind: ActivityKind,
}

/// One timetabled occurrence of an activity. `booked` and `waiting` are maintained by the
/// server; a desk adds its own pending bookings on top in its overlay.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Session {
    pub id: i64,
    pub centre_id: i64,
    pub activity_id: i64,
    pub activity_name: String,
    pub starts_at: NaiveDateTime,
    pub duration_minutes: u32,
    pub capacity: u32,
    pub booked: u32,
    pub waiting: u32,
    pub location: String,
    pub instructor: String,
    pub cancelled: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Customer {
    pub id: i64,
    /// The customer's home centre: the bucket their record lives in.
    pub home_centre_id: i64,
    pub first_name: String,
    pub last_name: String,
    pub date_of_birth: NaiveDate,
    /// Leisure membership card number (never a payment card).
    pub membership_no: String,
    pub email: Option<String>,
    pub phone: Option<String>,
    pub postcode: String,
    pub concession: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "snake_case")]
pub enum BookingStatus {
    Booked,
    Waiting,
    Cancelled,
    /// A freed place held for the first person waiting until `offer_until` (issue 11 §5):
    /// counted as booked (the place is theirs to take), no longer as waiting.
    Offered,
}

impl BookingStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            BookingStatus::Booked => "booked",
            BookingStatus::Waiting => "waiting",
            BookingStatus::Cancelled => "cancelled",
            BookingStatus::Offered => "offered",
        }
    }
}

/// A place in a session (or on its waiting list). The id is made on the desk, so a desk can
/// show and cancel a booking before the server has confirmed it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Booking {
    pub id: Uuid,
    pub session_id: i64,
    pub customer_id: i64,
    pub centre_id: i64,
    pub status: BookingStatus,
    /// Order on the waiting list (smaller first); 0 when booked.
    pub waiting_position: u32,
    pub created_at: DateTime<Utc>,
    pub staff_id: i64,
    pub channel: crate::Channel,
    /// When the customer was checked in at reception (issue 11 §3).
    #[serde(default)]
    pub attended_at: Option<DateTime<Utc>>,
    /// When the booking was marked a no-show, after the session.
    #[serde(default)]
    pub no_show_at: Option<DateTime<Utc>>,
    /// Why a member of staff waived the no-show (it then counts towards nothing).
    #[serde(default)]
    pub no_show_waived: Option<String>,
    /// An offered place is held until this council wall-clock time.
    #[serde(default)]
    pub offer_until: Option<NaiveDateTime>,
    /// How an offer ended without the place taken; the booking is then cancelled.
    #[serde(default)]
    pub offer_outcome: Option<OfferOutcome>,
}

/// Why a waiting-list offer ended without the customer taking the place.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "snake_case")]
pub enum OfferOutcome {
    Declined,
    Expired,
}

impl OfferOutcome {
    pub fn as_str(self) -> &'static str {
        match self {
            OfferOutcome::Declined => "declined",
            OfferOutcome::Expired => "expired",
        }
    }
}

/// A note a receptionist keeps on a customer's record. Lives in the customer's home centre's
/// bucket, like the customer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct CustomerNote {
    pub id: Uuid,
    pub customer_id: i64,
    pub centre_id: i64,
    pub text: String,
    pub created_at: DateTime<Utc>,
    pub staff_id: i64,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum SchoolKind {
    Primary,
    Secondary,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct School {
    pub id: i64,
    pub name: String,
    pub kind: SchoolKind,
    pub town: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Pupil {
    pub id: i64,
    pub school_id: i64,
    pub first_name: String,
    pub last_name: String,
    pub date_of_birth: NaiveDate,
    /// Stage (P1–P7, S1–S6).
    pub stage: String,
    /// Registration class, e.g. `P4B` or `2R1`.
    pub class: String,
    /// First day on the school's roll, if the pupil joined during the school year.
    #[serde(default)]
    pub on_roll_from: Option<NaiveDate>,
    /// Last day on the roll, if the pupil has left.
    #[serde(default)]
    pub on_roll_to: Option<NaiveDate>,
}

impl Pupil {
    pub fn on_roll(&self, date: NaiveDate) -> bool {
        self.on_roll_from.is_none_or(|from| from <= date) && self.on_roll_to.is_none_or(|to| date <= to)
    }
}

/// Someone the school may call about a pupil.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Contact {
    pub id: i64,
    pub pupil_id: i64,
    pub school_id: i64,
    pub name: String,
    pub relationship: String,
    pub phone: String,
    pub email: Option<String>,
    /// 1 is called first.
    pub priority: u32,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum CouncilTaxBand {
    A,
    B,
    C,
    D,
    E,
    F,
    G,
    H,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct LiablePerson {
    pub name: String,
    pub date_of_birth: NaiveDate,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CtAccount {
    pub id: i64,
    /// Council account reference; the format is configurable per council.
    pub reference: crate::values::AccountRef,
    pub office_id: i64,
    pub band: CouncilTaxBand,
    pub address: String,
    pub postcode: String,
    /// Unique Property Reference Number: numeric, up to 12 digits.
    pub uprn: crate::values::Uprn,
    pub liable: Vec<LiablePerson>,
    pub phone: Option<String>,
    pub email: Option<String>,
    pub single_person_discount: bool,
    pub direct_debit: bool,
    pub paperless: bool,
    /// The first day the current taxpayers became liable: no change takes effect before it.
    /// `None` only on accounts loaded before it was kept (server migration 10).
    #[serde(default)]
    pub liability_start: Option<NaiveDate>,
    /// The amount of the last instalment billed, in pence: an identity-check item, never shown.
    #[serde(default)]
    pub last_instalment_pence: Option<i64>,
    /// The last four digits of the bank account Direct Debit is taken from: an identity-check
    /// item. The full sort code and account number are never on a desk (see
    /// `docs/adding-a-service.md`, "Details a desk must not keep").
    #[serde(default)]
    pub bank_last_four: Option<String>,
}
