//! Every table of the council server, and the migrations that built them, described once.
//! Times: `Timestamp` is council wall-clock time (sessions), `TimestampTz` an instant. Every
//! entity row is mirrored in `sync_rows` as the JSON desks pull.

use crate::schema::ColType::*;
use crate::schema::{Lit, Step, TableSpec, col};

pub const STAFF: TableSpec = TableSpec {
    name: "staff",
    key: &["id"],
    columns: &[
        col("id", Serial),
        col("username", Text).unique(),
        col("display_name", Text),
        col("password_hash", Text),
        // JSON arrays of role and site names, kept as text on both backends.
        col("roles", Text),
        col("sites", Text),
        col("disabled", Bool).default(Lit::Bool(false)),
    ],
    unique: &[],
    without_rowid: false,
};

/// Only a SHA-256 of each bearer token is kept: a copy of this table signs nobody in.
pub const ACCESS_TOKENS: TableSpec = TableSpec {
    name: "access_tokens",
    key: &["token_hash"],
    columns: &[
        col("token_hash", Blob),
        col("staff_id", Int).references("staff(id)"),
        col("device_id", Uuid),
        col("expires_at", TimestampTz),
        // Every token of one sign-in shares a family (migration 2).
        col("family", Uuid).null(),
    ],
    unique: &[],
    without_rowid: false,
};

/// Rotating refresh tokens; presenting a spent one revokes its family.
pub const REFRESH_TOKENS: TableSpec = TableSpec {
    name: "refresh_tokens",
    key: &["token_hash"],
    columns: &[
        col("token_hash", Blob),
        col("family", Uuid),
        col("staff_id", Int).references("staff(id)"),
        col("device_id", Uuid),
        col("expires_at", TimestampTz),
        col("spent", Bool).default(Lit::Bool(false)),
        // Set when the sign-in was ended on purpose (migration 5), so presenting the token
        // later is answered "ended" rather than taken for a stolen token's reuse.
        col("revoked_at", TimestampTz).null(),
    ],
    unique: &[],
    without_rowid: false,
};

pub const DEVICES: TableSpec = TableSpec {
    name: "devices",
    key: &["device_id"],
    columns: &[
        col("device_id", Uuid),
        col("staff_id", Int).references("staff(id)"),
        col("last_seq", Int).default(Lit::Int(0)),
    ],
    unique: &[],
    without_rowid: false,
};

pub const RECEIPTS: TableSpec = TableSpec {
    name: "receipts",
    key: &["device_id", "seq"],
    columns: &[
        col("device_id", Uuid),
        col("seq", Int),
        col("mutation_id", Uuid),
        // JSON of desk_domain::Outcome, as text.
        col("outcome", Text),
        col("version", Int),
        // SHA-256 (hex) of what the mutation asked for: name, args_version, args and channel
        // (migration 7). A reused mutation id is compared by it; NULL on older receipts.
        col("envelope", Text).null(),
    ],
    unique: &[],
    without_rowid: true,
};

pub const CENTRES: TableSpec = TableSpec {
    name: "centres",
    key: &["id"],
    columns: &[col("id", Int), col("name", Text), col("town", Text)],
    unique: &[],
    without_rowid: false,
};

pub const ACTIVITIES: TableSpec = TableSpec {
    name: "activities",
    key: &["id"],
    columns: &[
        col("id", Int),
        col("centre_id", Int).references("centres(id)"),
        col("name", Text),
        col("kind", Text),
    ],
    unique: &[],
    without_rowid: false,
};

pub const SESSIONS: TableSpec = TableSpec {
    name: "sessions",
    key: &["id"],
    columns: &[
        col("id", Int),
        col("centre_id", Int).references("centres(id)"),
        col("activity_id", Int).references("activities(id)"),
        col("activity_name", Text),
        col("starts_at", Timestamp),
        col("duration_minutes", Int),
        col("capacity", Int).check("capacity >= 0"),
        col("booked", Int).default(Lit::Int(0)).check("booked >= 0"),
        col("waiting", Int).default(Lit::Int(0)).check("waiting >= 0"),
        col("location", Text),
        col("instructor", Text),
        col("cancelled", Bool).default(Lit::Bool(false)),
    ],
    unique: &[],
    without_rowid: false,
};

pub const CUSTOMERS: TableSpec = TableSpec {
    name: "customers",
    key: &["id"],
    columns: &[
        col("id", Int),
        col("home_centre_id", Int),
        col("first_name", Text),
        col("last_name", Text),
        col("date_of_birth", Date),
        col("membership_no", Text),
        col("email", Text).null(),
        col("phone", Text).null(),
        col("postcode", Text),
        col("concession", Bool),
    ],
    unique: &[],
    without_rowid: false,
};

pub const BOOKINGS: TableSpec = TableSpec {
    name: "bookings",
    key: &["id"],
    columns: &[
        col("id", Uuid),
        col("session_id", Int).references("sessions(id)"),
        col("customer_id", Int).references("customers(id)"),
        col("centre_id", Int),
        col("status", Text),
        col("waiting_position", Int),
        col("created_at", TimestampTz),
        col("staff_id", Int),
        col("channel", Text),
        // Check-in, no-shows and waiting-list offers (issue 11 §3, §5; migration 14).
        col("attended_at", TimestampTz).null(),
        col("no_show_at", TimestampTz).null(),
        col("no_show_waived", Text).null(),
        col("offer_until", Timestamp).null(),
        col("offer_outcome", Text)
            .null()
            .check("offer_outcome IN ('declined', 'expired')"),
    ],
    unique: &[],
    without_rowid: false,
};

/// What customers owe a centre: no-show fees (`leisure.mark_no_shows`), due until paid or
/// waived (issue 11 §3). Whole pence.
pub const CUSTOMER_CHARGES: TableSpec = TableSpec {
    name: "customer_charges",
    key: &["id"],
    columns: &[
        col("id", Uuid),
        col("customer_id", Int).references("customers(id)"),
        col("centre_id", Int),
        col("booking_id", Uuid),
        col("session_id", Int),
        col("amount", Int).check("amount >= 0"),
        col("status", Text).check("status IN ('due', 'paid', 'waived')"),
        col("reason", Text),
        col("created_at", TimestampTz),
        col("staff_id", Int),
    ],
    unique: &[],
    without_rowid: false,
};

/// A receptionist's note on a customer (`leisure.add_note`), in the customer's centre's bucket.
pub const CUSTOMER_NOTES: TableSpec = TableSpec {
    name: "customer_notes",
    key: &["id"],
    columns: &[
        col("id", Uuid),
        col("customer_id", Int).references("customers(id)"),
        col("centre_id", Int),
        col("text", Text),
        col("created_at", TimestampTz),
        col("staff_id", Int),
    ],
    unique: &[],
    without_rowid: false,
};

pub const SCHOOLS: TableSpec = TableSpec {
    name: "schools",
    key: &["id"],
    columns: &[col("id", Int), col("name", Text), col("kind", Text), col("town", Text)],
    unique: &[],
    without_rowid: false,
};

pub const PUPILS: TableSpec = TableSpec {
    name: "pupils",
    key: &["id"],
    columns: &[
        col("id", Int),
        col("school_id", Int).references("schools(id)"),
        col("first_name", Text),
        col("last_name", Text),
        col("date_of_birth", Date),
        col("stage", Text),
        col("class", Text),
        // Time on the roll, for pupils who join or leave during the year (migration 7).
        col("on_roll_from", Date).null(),
        col("on_roll_to", Date).null(),
    ],
    unique: &[],
    without_rowid: false,
};

pub const CONTACTS: TableSpec = TableSpec {
    name: "contacts",
    key: &["id"],
    columns: &[
        col("id", Int),
        col("pupil_id", Int).references("pupils(id)"),
        col("school_id", Int),
        col("name", Text),
        col("relationship", Text),
        col("phone", Text),
        col("email", Text).null(),
        col("priority", Int),
    ],
    unique: &[],
    without_rowid: false,
};

pub const CT_ACCOUNTS: TableSpec = TableSpec {
    name: "ct_accounts",
    key: &["id"],
    columns: &[
        col("id", Int),
        col("reference", Text).unique(),
        col("office_id", Int),
        col("band", Text),
        col("address", Text),
        col("postcode", Text),
        col("uprn", Text),
        // JSON array of liable people.
        col("liable", Json),
        col("phone", Text).null(),
        col("email", Text).null(),
        col("single_person_discount", Bool),
        col("direct_debit", Bool),
        col("paperless", Bool),
        // What the council-tax rules and the caller's identity check read (migration 10).
        col("liability_start", Date).null(),
        col("last_instalment_pence", Int).null(),
        col("bank_last_four", Text).null(),
    ],
    unique: &[],
    without_rowid: false,
};

/// Each council-tax change taken by phone, as a request to the revenue system
/// (`desk_domain::council_tax::records::ChangeRequest`), in the account's office bucket.
pub const CT_CHANGE_REQUESTS: TableSpec = TableSpec {
    name: "ct_change_requests",
    key: &["id"],
    columns: &[
        col("id", Uuid),
        col("reference", Text).unique(),
        col("account_id", Int).references("ct_accounts(id)"),
        col("office_id", Int),
        col("kind", Text),
        col("effective", Date),
        // The command's arguments as kept (bank details reduced to their last four digits).
        col("detail", Json),
        col("derived", Json),
        col("status", Text).check("status IN ('received', 'exported', 'processed', 'queried', 'rejected')"),
        col("status_message", Text).null(),
        col("needs_review", Bool),
        col("check_id", Uuid),
        col("staff_id", Int),
        col("received_at", TimestampTz),
    ],
    unique: &[],
    without_rowid: false,
};

/// Each caller's identity check: the items used and their outcomes, never the answers.
pub const CT_IDENTITY_CHECKS: TableSpec = TableSpec {
    name: "ct_identity_checks",
    key: &["id"],
    columns: &[
        col("id", Uuid),
        col("account_id", Int).references("ct_accounts(id)"),
        col("office_id", Int),
        col("staff_id", Int),
        col("at", Timestamp),
        // JSON: who called (liable person, or third party with the authority seen).
        col("caller", Json),
        col("identified_by", Text),
        // JSON array of `{item, outcome}`.
        col("items", Json),
        col("passed", Bool),
    ],
    unique: &[],
    without_rowid: false,
};

/// A supervisor's clearing of an account locked by failed identity checks.
pub const CT_LOCK_CLEARANCES: TableSpec = TableSpec {
    name: "ct_lock_clearances",
    key: &["id"],
    columns: &[
        col("id", Uuid),
        col("account_id", Int).references("ct_accounts(id)"),
        col("office_id", Int),
        col("staff_id", Int),
        col("at", Timestamp),
        col("note", Text),
    ],
    unique: &[],
    without_rowid: false,
};

/// Server only, never synced and in no bucket: the full bank details of a Direct Debit
/// request, for the revenue export. The desk sends them once in the command; what syncs back is
/// the request with the last four digits (docs/adding-a-service.md, "Details a desk must not
/// keep").
pub const CT_BANK_DETAILS: TableSpec = TableSpec {
    name: "ct_bank_details",
    key: &["request_id"],
    columns: &[
        col("request_id", Uuid).references("ct_change_requests(id)"),
        col("account_holder", Text),
        col("sort_code", Text),
        col("account_number", Text),
        col("received_at", TimestampTz),
    ],
    unique: &[],
    without_rowid: false,
};

/// The council's attendance codes, copied into each school's bucket (`id` is `school:code`).
pub const ATTENDANCE_CODES: TableSpec = TableSpec {
    name: "attendance_codes",
    key: &["id"],
    columns: &[
        col("id", Text),
        col("school_id", Int).references("schools(id)"),
        col("code", Text),
        col("label", Text),
        col("category", Text)
            .check("category IN ('attendance', 'authorised', 'unauthorised', 'exclusion', 'not_counted')"),
        col("valid_from", Date),
        col("valid_to", Date).null(),
        col("needs_note", Bool),
        col("office_may_use", Bool),
        col("origin", Text).check("origin IN ('seemis', 'local')"),
        col("source", Text),
    ],
    unique: &[],
    without_rowid: false,
};

/// Each school's year, first to last day (`id` is `school:2026`).
pub const SCHOOL_YEARS: TableSpec = TableSpec {
    name: "school_years",
    key: &["id"],
    columns: &[
        col("id", Text),
        col("school_id", Int).references("schools(id)"),
        col("label", Text),
        col("first_day", Date),
        col("last_day", Date),
    ],
    unique: &[],
    without_rowid: false,
};

/// Each weekday of a school's year and its openings (`id` is `school:date`).
pub const SCHOOL_DAYS: TableSpec = TableSpec {
    name: "school_days",
    key: &["id"],
    columns: &[
        col("id", Text),
        col("school_id", Int).references("schools(id)"),
        col("date", Date),
        col("kind", Text).check("kind IN ('term', 'holiday', 'in_service', 'closure')"),
        col("am", Bool),
        col("pm", Bool),
        col("label", Text),
    ],
    unique: &[],
    without_rowid: false,
};

/// Absent-at-registration marks imported from the school's MIS (`id` is `pupil:date:half`).
pub const REGISTRATION_MARKS: TableSpec = TableSpec {
    name: "registration_marks",
    key: &["id"],
    columns: &[
        col("id", Text),
        col("school_id", Int).references("schools(id)"),
        col("pupil_id", Int).references("pupils(id)"),
        col("date", Date),
        col("half", Text).check("half IN ('AM', 'PM')"),
        col("absent", Bool),
        col("imported_at", TimestampTz),
    ],
    unique: &[],
    without_rowid: false,
};

/// Absences, late arrivals and early leaves as the office recorded them.
pub const ABSENCES: TableSpec = TableSpec {
    name: "absences",
    key: &["id"],
    columns: &[
        col("id", Uuid),
        col("school_id", Int).references("schools(id)"),
        col("pupil_id", Int).references("pupils(id)"),
        col("kind", Text).check("kind IN ('absence', 'late', 'early_leave')"),
        col("status", Text).check("status IN ('recorded', 'withdrawn')"),
        col("first_date", Date),
        col("first_half", Text),
        col("last_date", Date),
        col("last_half", Text),
        // JSON array of the openings explained: `{"date", "half"}`.
        col("openings", Json),
        col("code", Text),
        col("reason", Text),
        // JSON: contact id, name, relationship.
        col("caller", Json),
        col("called_at", Timestamp),
        col("expected_return", Date).null(),
        col("channel", Text),
        // HH:MM:SS of a late arrival or early leave.
        col("at_time", Text).null(),
        col("revision", Int),
        // JSON array of earlier states.
        col("history", Json),
        col("recorded_by", Int),
        col("recorded_at", TimestampTz),
        col("updated_by", Int),
        col("updated_at", TimestampTz),
    ],
    unique: &[],
    without_rowid: false,
};

pub const CONTACT_ATTEMPTS: TableSpec = TableSpec {
    name: "contact_attempts",
    key: &["id"],
    columns: &[
        col("id", Uuid),
        col("school_id", Int).references("schools(id)"),
        col("pupil_id", Int).references("pupils(id)"),
        col("date", Date),
        col("contact_id", Int).null(),
        col("contact_name", Text),
        col("method", Text),
        col("outcome", Text),
        col("note", Text),
        col("absence_id", Uuid).null(),
        col("at", TimestampTz),
        col("staff_id", Int),
    ],
    unique: &[],
    without_rowid: false,
};

pub const ESCALATIONS: TableSpec = TableSpec {
    name: "escalations",
    key: &["id"],
    columns: &[
        col("id", Uuid),
        col("school_id", Int).references("schools(id)"),
        col("pupil_id", Int).references("pupils(id)"),
        col("date", Date),
        col("escalated_to", Text),
        col("note", Text),
        col("unanswered_attempts", Int),
        col("by_choice", Bool),
        col("at", TimestampTz),
        col("staff_id", Int),
    ],
    unique: &[],
    without_rowid: false,
};

/// A school's own rules and thresholds (`id` is the school's id), as JSON (migration 8).
pub const SCHOOL_SETTINGS: TableSpec = TableSpec {
    name: "school_settings",
    key: &["id"],
    columns: &[
        col("id", Int),
        col("school_id", Int).references("schools(id)"),
        col("rules", Json),
        col("thresholds", Json),
    ],
    unique: &[],
    without_rowid: false,
};

/// A leisure centre's dated price lists and booking policies (`id` is the centre's id), as
/// JSON (`desk-server leisure-settings`).
pub const LEISURE_SETTINGS: TableSpec = TableSpec {
    name: "leisure_settings",
    key: &["id"],
    columns: &[
        col("id", Int),
        col("centre_id", Int).references("centres(id)"),
        col("prices", Json),
        col("policies", Json),
    ],
    unique: &[],
    without_rowid: false,
};

/// A customer's membership and concession (`id` is the customer's id).
pub const ENTITLEMENTS: TableSpec = TableSpec {
    name: "entitlements",
    key: &["id"],
    columns: &[
        col("id", Int),
        col("customer_id", Int).references("customers(id)"),
        col("centre_id", Int),
        col("membership", Json).null(),
        col("concession", Json).null(),
    ],
    unique: &[],
    without_rowid: false,
};

/// A customer's address, emergency contact and marketing consent (`leisure.register_customer`;
/// `id` is the customer's id), in the customer's centre's bucket.
pub const CUSTOMER_DETAILS: TableSpec = TableSpec {
    name: "customer_details",
    key: &["id"],
    columns: &[
        col("id", Int),
        col("customer_id", Int).references("customers(id)"),
        col("centre_id", Int),
        col("address", Text),
        col("emergency_contact", Text).null(),
        col("marketing_consent", Bool),
        col("registered_at", TimestampTz),
        col("staff_id", Int),
    ],
    unique: &[],
    without_rowid: false,
};

/// Memberships sold at a desk (`leisure.sell_membership`): who pays, who sold it, when it
/// starts. The membership in force is the customer's entitlement.
pub const MEMBERSHIP_SALES: TableSpec = TableSpec {
    name: "membership_sales",
    key: &["id"],
    columns: &[
        col("id", Uuid),
        col("customer_id", Int).references("customers(id)"),
        col("centre_id", Int),
        col("plan", Text),
        col("billing", Text),
        col("starts", Date),
        col("paid_until", Date),
        col("payer_id", Int).references("customers(id)"),
        col("covers", Json),
        col("sold_at", TimestampTz),
        col("staff_id", Int),
    ],
    unique: &[],
    without_rowid: false,
};

/// Gift vouchers a centre has issued, by code.
pub const VOUCHERS: TableSpec = TableSpec {
    name: "vouchers",
    key: &["code"],
    columns: &[
        col("code", Text),
        col("centre_id", Int),
        col("value", Int).check("value >= 0"),
        col("expires", Date),
        col("redeemed", Bool),
    ],
    unique: &[],
    without_rowid: false,
};

/// Payments taken and refunds given at leisure desks (`leisure.book_and_pay`, …). Money in
/// whole pence; a card payment keeps its terminal and slip reference only.
pub const PAYMENTS: TableSpec = TableSpec {
    name: "payments",
    key: &["id"],
    columns: &[
        col("id", Uuid),
        col("booking_id", Uuid),
        col("customer_id", Int).references("customers(id)"),
        col("centre_id", Int),
        col("desk", Text),
        col("kind", Text),
        col("method", Json),
        col("amount", Int).check("amount >= 0"),
        col("tendered", Int).check("tendered >= 0"),
        col("change", Int).check("change >= 0"),
        col("reason", Text),
        col("at", Timestamp),
        col("created_at", TimestampTz),
        col("staff_id", Int),
    ],
    unique: &[],
    without_rowid: false,
};

/// A desk's drawer counted at the end of a day (`leisure.record_cash_count`): the expected cash
/// the rules gave, the count, and the difference, in whole pence.
pub const CASH_COUNTS: TableSpec = TableSpec {
    name: "cash_counts",
    key: &["id"],
    columns: &[
        col("id", Uuid),
        col("centre_id", Int),
        col("desk", Text),
        col("day", Date),
        col("float", Int).check("float >= 0"),
        col("expected", Int),
        col("counted", Int).check("counted >= 0"),
        col("difference", Int),
        col("note", Text).null(),
        col("created_at", TimestampTz),
        col("staff_id", Int),
    ],
    unique: &[],
    without_rowid: false,
};

/// A centre's bookable spaces (issue 11 §4): pitches, halls, courts and rooms, each with the
/// space it is part of (a quarter's half, a half's full pitch), its slot and opening hours.
pub const SPACES: TableSpec = TableSpec {
    name: "spaces",
    key: &["id"],
    columns: &[
        col("id", Int),
        col("centre_id", Int).references("centres(id)"),
        col("kind", Text),
        col("name", Text),
        col("part_of", Int).null(),
        col("slot_minutes", Int).check("slot_minutes > 0"),
        col("opening", Json),
        col("closures", Json),
    ],
    unique: &[],
    without_rowid: false,
};

/// Bookings of spaces, one-off or one date of a club's block (`block_id`). The price is what
/// is charged to the hirer's account, in whole pence.
pub const SPACE_BOOKINGS: TableSpec = TableSpec {
    name: "space_bookings",
    key: &["id"],
    columns: &[
        col("id", Uuid),
        col("space_id", Int).references("spaces(id)"),
        col("centre_id", Int),
        col("day", Date),
        col("starts", Timestamp),
        col("ends", Timestamp),
        col("customer_id", Int).references("customers(id)"),
        col("club", Text).null(),
        col("block_id", Uuid).null(),
        col("status", Text),
        col("price", Int).check("price >= 0"),
        col("price_reason", Text),
        col("created_at", TimestampTz),
        col("staff_id", Int),
    ],
    unique: &[],
    without_rowid: false,
};

/// Server only: which revision of each absence record has gone to the school's MIS, so an
/// export sends each revision once (`desk-server export-attendance`).
pub const ABSENCE_EXPORTS: TableSpec = TableSpec {
    name: "absence_exports",
    key: &["absence_id", "revision"],
    columns: &[
        col("absence_id", Uuid),
        col("revision", Int),
        col("school_id", Int),
        col("exported_at", TimestampTz),
    ],
    unique: &[],
    without_rowid: true,
};

/// Which export batch took each council-tax change request (server only; never synced): a
/// request is exported once, and a batch can be written again by its id.
pub const CT_EXPORTS: TableSpec = TableSpec {
    name: "ct_exports",
    key: &["request_id"],
    columns: &[
        col("request_id", Uuid),
        col("batch_id", Uuid),
        col("exported_at", TimestampTz),
    ],
    unique: &[],
    without_rowid: true,
};

/// The single change counter: every writing transaction locks and moves it, so writers are
/// serialised, commit order is version order, and a reader paging by version never skips a row
/// committed after it read.
pub const SYNC_HEAD: TableSpec = TableSpec {
    name: "sync_head",
    key: &["id"],
    columns: &[col("id", Int32).check("id = 1"), col("version", Int)],
    unique: &[],
    without_rowid: false,
};

/// Each row's newest state, as desks pull it. `data` is JSON kept as written, so pages are
/// served without re-parsing.
pub const SYNC_ROWS: TableSpec = TableSpec {
    name: "sync_rows",
    key: &["tbl", "id"],
    columns: &[
        col("tbl", Text),
        col("id", Text),
        col("bucket", Text),
        col("version", Int),
        col("deleted", Bool).default(Lit::Bool(false)),
        col("data", Json).null(),
    ],
    unique: &[],
    without_rowid: true,
};

/// Append-only audit store: who saw or changed which record about whom, from the server itself
/// (source `server`: changes, sign-ins) and uploaded by desks (source `desk`, with the desk's
/// gapless per-device seq). No path updates or deletes a row; triggers refuse it outright.
pub const AUDIT_LOG: TableSpec = TableSpec {
    name: "audit_log",
    key: &["id"],
    columns: &[
        col("id", Serial),
        col("at", TimestampTz),
        col("staff_id", Int).null().references("staff(id)"),
        col("device_id", Uuid).null(),
        col("action", Text),
        col("record_kind", Text).null(),
        col("record_id", Text).null(),
        col("person_id", Int).null(),
        col("detail", Text),
        col("source", Text).check("source IN ('server', 'desk')"),
        col("device_seq", Int).null(),
    ],
    unique: &[&["device_id", "device_seq"]],
    without_rowid: false,
};

/// Consecutive failed sign-ins per account, and until when it is locked after too many.
pub const SIGN_IN_LOCKS: TableSpec = TableSpec {
    name: "sign_in_locks",
    key: &["staff_id"],
    columns: &[
        col("staff_id", Int).references("staff(id)"),
        col("failures", Int32).default(Lit::Int(0)),
        col("locked_until", TimestampTz).null(),
    ],
    unique: &[],
    without_rowid: false,
};

/// Every table, for lookups by name.
pub const ALL: &[&TableSpec] = &[
    &STAFF,
    &ACCESS_TOKENS,
    &REFRESH_TOKENS,
    &DEVICES,
    &RECEIPTS,
    &CENTRES,
    &ACTIVITIES,
    &SESSIONS,
    &CUSTOMERS,
    &BOOKINGS,
    &CUSTOMER_NOTES,
    &SCHOOLS,
    &PUPILS,
    &CONTACTS,
    &CT_ACCOUNTS,
    &CT_CHANGE_REQUESTS,
    &CT_IDENTITY_CHECKS,
    &CT_LOCK_CLEARANCES,
    &CT_BANK_DETAILS,
    &ATTENDANCE_CODES,
    &SCHOOL_YEARS,
    &SCHOOL_DAYS,
    &REGISTRATION_MARKS,
    &ABSENCES,
    &CONTACT_ATTEMPTS,
    &ESCALATIONS,
    &ABSENCE_EXPORTS,
    &CT_EXPORTS,
    &SCHOOL_SETTINGS,
    &LEISURE_SETTINGS,
    &ENTITLEMENTS,
    &CUSTOMER_DETAILS,
    &MEMBERSHIP_SALES,
    &VOUCHERS,
    &PAYMENTS,
    &CASH_COUNTS,
    &CUSTOMER_CHARGES,
    &SPACES,
    &SPACE_BOOKINGS,
    &SYNC_HEAD,
    &SYNC_ROWS,
    &AUDIT_LOG,
    &SIGN_IN_LOCKS,
];

/// The table named `name`.
pub fn named(name: &str) -> Option<&'static TableSpec> {
    ALL.iter().copied().find(|t| t.name == name)
}

const fn create(table: &'static TableSpec) -> Step {
    Step::Create {
        table,
        added_later: &[],
    }
}

const fn index(name: &'static str, table: &'static str, columns: &'static [&'static str]) -> Step {
    Step::Index { name, table, columns }
}

pub const INIT: &[Step] = &[
    create(&STAFF),
    Step::Create {
        table: &ACCESS_TOKENS,
        added_later: &["family"],
    },
    index("access_tokens_expiry", "access_tokens", &["expires_at"]),
    create(&DEVICES),
    Step::Create {
        table: &RECEIPTS,
        added_later: &["envelope"],
    },
    create(&CENTRES),
    create(&ACTIVITIES),
    create(&SESSIONS),
    index(
        "sessions_activity_time",
        "sessions",
        &["centre_id", "activity_id", "starts_at"],
    ),
    create(&CUSTOMERS),
    Step::Create {
        table: &BOOKINGS,
        added_later: &[
            "attended_at",
            "no_show_at",
            "no_show_waived",
            "offer_until",
            "offer_outcome",
        ],
    },
    index("bookings_session_customer", "bookings", &["session_id", "customer_id"]),
    create(&SCHOOLS),
    Step::Create {
        table: &PUPILS,
        added_later: &["on_roll_from", "on_roll_to"],
    },
    create(&CONTACTS),
    Step::Create {
        table: &CT_ACCOUNTS,
        added_later: &["liability_start", "last_instalment_pence", "bank_last_four"],
    },
    create(&SYNC_HEAD),
    Step::Sql("INSERT INTO sync_head (id, version) VALUES (1, 0)"),
    create(&SYNC_ROWS),
    index("sync_rows_bucket_version", "sync_rows", &["bucket", "version"]),
];

pub const REFRESH: &[Step] = &[
    Step::AddColumn {
        table: &ACCESS_TOKENS,
        column: "family",
    },
    index("access_tokens_family", "access_tokens", &["family"]),
    Step::Create {
        table: &REFRESH_TOKENS,
        added_later: &["revoked_at"],
    },
    index("refresh_tokens_family", "refresh_tokens", &["family"]),
];

pub const AUDIT: &[Step] = &[
    create(&AUDIT_LOG),
    index("audit_log_person", "audit_log", &["person_id"]),
    index("audit_log_record", "audit_log", &["record_kind", "record_id"]),
    Step::AppendOnly {
        table: "audit_log",
        message: "the audit log is append-only",
    },
];

pub const SIGN_IN: &[Step] = &[create(&SIGN_IN_LOCKS)];

pub const SESSION_END: &[Step] = &[
    Step::AddColumn {
        table: &REFRESH_TOKENS,
        column: "revoked_at",
    },
    index("refresh_tokens_staff", "refresh_tokens", &["staff_id"]),
    index("access_tokens_staff", "access_tokens", &["staff_id"]),
];

pub const CUSTOMER_NOTES_STEPS: &[Step] = &[
    create(&CUSTOMER_NOTES),
    index("customer_notes_customer", "customer_notes", &["customer_id"]),
];

/// A mutation id is applied once whatever seq or device it arrives under: receipts are found
/// by it, and compared by what the envelope asked for (docs/sync-contract.md).
pub const RECEIPT_ENVELOPE: &[Step] = &[
    Step::AddColumn {
        table: &RECEIPTS,
        column: "envelope",
    },
    index("receipts_mutation", "receipts", &["mutation_id"]),
];

pub const SCHOOL_STEPS: &[Step] = &[
    Step::AddColumn {
        table: &PUPILS,
        column: "on_roll_from",
    },
    Step::AddColumn {
        table: &PUPILS,
        column: "on_roll_to",
    },
    create(&ATTENDANCE_CODES),
    create(&SCHOOL_YEARS),
    create(&SCHOOL_DAYS),
    index("school_days_school_date", "school_days", &["school_id", "date"]),
    create(&REGISTRATION_MARKS),
    index(
        "registration_marks_school_date",
        "registration_marks",
        &["school_id", "date"],
    ),
    index("registration_marks_pupil", "registration_marks", &["pupil_id"]),
    create(&ABSENCES),
    index("absences_pupil", "absences", &["pupil_id"]),
    index("absences_school_date", "absences", &["school_id", "first_date"]),
    create(&CONTACT_ATTEMPTS),
    index("contact_attempts_pupil_date", "contact_attempts", &["pupil_id", "date"]),
    create(&ESCALATIONS),
    index("escalations_school_date", "escalations", &["school_id", "date"]),
    create(&ABSENCE_EXPORTS),
];

pub const SCHOOL_SETTINGS_STEPS: &[Step] = &[create(&SCHOOL_SETTINGS)];

/// The council-tax contact centre (issue 10): what its rules read of an account, its three
/// synced tables, and the server-only bank details of Direct Debit requests.
pub const COUNCIL_TAX_STEPS: &[Step] = &[
    Step::AddColumn {
        table: &CT_ACCOUNTS,
        column: "liability_start",
    },
    Step::AddColumn {
        table: &CT_ACCOUNTS,
        column: "last_instalment_pence",
    },
    Step::AddColumn {
        table: &CT_ACCOUNTS,
        column: "bank_last_four",
    },
    create(&CT_CHANGE_REQUESTS),
    index("ct_change_requests_account", "ct_change_requests", &["account_id"]),
    index("ct_change_requests_status", "ct_change_requests", &["status"]),
    create(&CT_IDENTITY_CHECKS),
    index("ct_identity_checks_account", "ct_identity_checks", &["account_id"]),
    create(&CT_LOCK_CLEARANCES),
    index("ct_lock_clearances_account", "ct_lock_clearances", &["account_id"]),
    create(&CT_BANK_DETAILS),
];

/// The council-tax hand-off's record of export batches.
pub const CT_EXPORT_STEPS: &[Step] = &[
    create(&CT_EXPORTS),
    index("ct_exports_batch", "ct_exports", &["batch_id"]),
];

/// The leisure desk's prices, entitlements, vouchers and payments (issue 11 §2).
pub const LEISURE_MONEY_STEPS: &[Step] = &[
    create(&LEISURE_SETTINGS),
    create(&ENTITLEMENTS),
    create(&VOUCHERS),
    create(&PAYMENTS),
    index("payments_by_booking", "payments", &["booking_id"]),
    index("payments_by_day", "payments", &["centre_id", "at"]),
];

/// The drawers counted at the end of each day (issue 11 §2, cash-up).
pub const CASH_COUNT_STEPS: &[Step] = &[
    create(&CASH_COUNTS),
    index("cash_counts_by_day", "cash_counts", &["centre_id", "day"]),
];

/// The customer at the desk (issue 11 §1): registration details, memberships sold, and the
/// columns the duplicate check looks customers up by.
pub const CUSTOMER_DESK_STEPS: &[Step] = &[
    create(&CUSTOMER_DETAILS),
    create(&MEMBERSHIP_SALES),
    index("membership_sales_customer", "membership_sales", &["customer_id"]),
    index("customers_date_of_birth", "customers", &["date_of_birth"]),
    index("customers_email", "customers", &["email"]),
    index("customers_postcode", "customers", &["postcode"]),
];

/// Check-in, no-shows and waiting-list offers (issue 11 §3, §5): a booking's attendance,
/// no-show and offer fields, and the customers' charges (no-show fees).
pub const LEISURE_SESSION_STEPS: &[Step] = &[
    Step::AddColumn {
        table: &BOOKINGS,
        column: "attended_at",
    },
    Step::AddColumn {
        table: &BOOKINGS,
        column: "no_show_at",
    },
    Step::AddColumn {
        table: &BOOKINGS,
        column: "no_show_waived",
    },
    Step::AddColumn {
        table: &BOOKINGS,
        column: "offer_until",
    },
    Step::AddColumn {
        table: &BOOKINGS,
        column: "offer_outcome",
    },
    // The server's sweep finds open offers by status.
    index("bookings_status", "bookings", &["status"]),
    index("bookings_customer", "bookings", &["customer_id"]),
    create(&CUSTOMER_CHARGES),
    index("customer_charges_customer", "customer_charges", &["customer_id"]),
];
/// Spaces and their bookings (issue 11 §4); the clash check reads a centre's day.
pub const SPACE_STEPS: &[Step] = &[
    create(&SPACES),
    index("spaces_by_centre", "spaces", &["centre_id"]),
    create(&SPACE_BOOKINGS),
    index("space_bookings_by_day", "space_bookings", &["centre_id", "day"]),
];

/// The migration runner's own record, created by each backend before the first migration (it
/// is not one of the migrations). Described here only so that its rows can be counted.
pub const SCHEMA_MIGRATIONS: TableSpec = TableSpec {
    name: "schema_migrations",
    key: &["version"],
    columns: &[
        col("version", Int32),
        col("name", Text),
        col("checksum", Text),
        col("applied_at", Text),
    ],
    unique: &[],
    without_rowid: false,
};
