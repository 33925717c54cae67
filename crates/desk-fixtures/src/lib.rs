//! The generated fictional council, for demo mode and training: pure data, no I/O. The
//! council server loads it through its store (`desk_server::load_demo`).
//!
//! The demo dataset: a deterministic, seeded and entirely fictional council at the scale of
//! Moray's — 8 leisure centres with about 1,500 class sessions a week (two weeks of them),
//! 30,000 leisure customers, 50 schools with about 13,000 pupils and their contacts, and
//! 45,000 council-tax accounts — plus the demo staff accounts that can sign in to it.
//!
//! Every centre, school, street, person and phone number is made up; postcodes use real Moray
//! outward codes (so the data looks local) with random inward codes, and email addresses use the
//! reserved `example.*` domains.
//!
//! Determinism: the same `(seed, first_day)` gives the same data on every platform. Each table
//! draws from its own ChaCha8 stream of the seed (ChaCha is specified bit for bit, and every
//! draw here goes through `u32`/`u64`/`bool` ranges, never `usize` or floats), so changing how
//! one table is generated does not reshuffle the others.

mod attendance;
mod bookings;
mod council_tax;
mod draw;
mod leisure;
mod leisure_money;
mod names;
mod school;
pub mod spaces;
mod staff;
#[cfg(test)]
mod tests;

use chrono::{Datelike, Days, NaiveDate};
use desk_domain::school::{Absence, RegistrationMark, SchoolDay, SchoolYear};
use desk_domain::{Activity, Centre, Contact, CtAccount, Customer, Pupil, Role, School, Session, Site};
use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;

pub use crate::attendance::{ATTENDANCE_CODES_CSV, full_year_of_records, moray_calendar, school_records};
use crate::council_tax::ct_accounts;
use crate::leisure::{customers, leisure};
use crate::school::schools;
pub use crate::school::{school_year_start, stage_birth_window};
pub use crate::staff::demo_staff;

/// The seed `desk-server demo-data` uses unless told otherwise.
pub const DEFAULT_SEED: u64 = 2017;

/// A council-tax account reference format: a fixed prefix and a zero-padded serial number.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ReferenceFormat {
    pub prefix: &'static str,
    pub digits: usize,
}

impl ReferenceFormat {
    pub fn format(self, serial: u64) -> String {
        format!("{}{:0width$}", self.prefix, serial, width = self.digits)
    }
}

/// The account-reference format of the demo council, e.g. `MC00123456`. Every council numbers
/// its accounts its own way (see DOMAIN.md, council tax); change it here and nowhere else.
pub const CT_REFERENCE_FORMAT: ReferenceFormat = ReferenceFormat {
    prefix: "MC",
    digits: 8,
};

/// A staff account that demo mode creates, with its password in the clear so that the README
/// can show it. These passwords protect nothing but fictional data.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DemoStaff {
    pub username: String,
    pub display_name: String,
    pub password: String,
    pub roles: Vec<Role>,
    pub sites: Vec<Site>,
}

/// The whole demo dataset. Ids start at 1 in every table; `sessions`' booked and waiting counts
/// are the `bookings` rows behind them.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DemoData {
    pub centres: Vec<Centre>,
    pub activities: Vec<Activity>,
    pub sessions: Vec<Session>,
    pub customers: Vec<Customer>,
    pub schools: Vec<School>,
    pub pupils: Vec<Pupil>,
    pub contacts: Vec<Contact>,
    pub ct_accounts: Vec<CtAccount>,
    /// Every school's calendar for the demo's school year.
    pub school_years: Vec<SchoolYear>,
    pub school_days: Vec<SchoolDay>,
    /// Absences recorded this school year up to the demo week, and calls in the demo week.
    pub absences: Vec<Absence>,
    /// The demo week's registers: pupils absent at registration with no reason known then.
    pub registration_marks: Vec<RegistrationMark>,
    /// Customers' FitLife memberships and concessions, and the centres' gift vouchers.
    pub entitlements: Vec<desk_domain::leisure::records::Entitlement>,
    pub vouchers: Vec<desk_domain::leisure::records::IssuedVoucher>,
    /// Places booked, waiting lists, and a few open offers (`bookings::OFFERS_PER_CENTRE`).
    pub bookings: Vec<desk_domain::Booking>,
    /// Every centre's pitch, hall, courts and studio, and some bookings incl. a club's block.
    pub spaces: Vec<desk_domain::leisure::space_records::SpaceRecord>,
    pub space_bookings: Vec<desk_domain::leisure::space_records::SpaceBookingRecord>,
    pub staff: Vec<DemoStaff>,
}

/// The Monday of `today`'s week: the demo timetable starts there, so "today" always has classes.
pub fn default_first_day(today: NaiveDate) -> NaiveDate {
    today - Days::new(u64::from(today.weekday().num_days_from_monday()))
}

/// Generates the demo dataset: two weeks of sessions from `first_day`, and pupils whose stages
/// fit the school year that `first_day` falls in. Same `(seed, first_day)`, same data.
pub fn generate(seed: u64, first_day: NaiveDate) -> DemoData {
    let (centres, activities, mut sessions) = leisure(&mut stream(seed, STREAM_LEISURE), first_day);
    let customers = customers(&mut stream(seed, STREAM_CUSTOMERS), first_day);
    let bookings = bookings::bookings(&mut stream(seed, STREAM_BOOKINGS), &mut sessions, &customers);
    let (schools, mut pupils, contacts) = schools(&mut stream(seed, STREAM_SCHOOLS), first_day);
    let mut ct_accounts = ct_accounts(&mut stream(seed, STREAM_COUNCIL_TAX), first_day);
    council_tax::fill_held(&mut stream(seed, STREAM_COUNCIL_TAX_HELD), &mut ct_accounts, first_day);
    let (school_years, school_days) = moray_calendar(&schools, school_year_start(first_day));
    let mut attendance_rng = stream(seed, STREAM_ATTENDANCE);
    if let Some(year) = school_years.first() {
        attendance::mid_year_joiners(&mut attendance_rng, &mut pupils, year, first_day);
    }
    let (absences, registration_marks) =
        school_records(&mut attendance_rng, &pupils, &contacts, &school_days, first_day);
    let entitlements = leisure_money::entitlements(&customers, first_day);
    let vouchers = leisure_money::vouchers(&centres, first_day);
    let demo_spaces = spaces::spaces(&centres);
    let space_bookings = spaces::bookings(&centres, &customers, first_day);
    DemoData {
        bookings,
        spaces: demo_spaces,
        space_bookings,
        entitlements,
        vouchers,
        centres,
        activities,
        sessions,
        customers,
        schools,
        pupils,
        contacts,
        ct_accounts,
        school_years,
        school_days,
        absences,
        registration_marks,
        staff: demo_staff(),
    }
}

/// `count` leisure customers, ids `1..=count`, drawn as the demo's are (names with their accents
/// and apostrophes, dates of birth, e-mail and phone for most, postcodes of the centres' towns)
/// and all belonging to `centre_id`: a large scope of varied rows for the benchmarks, never
/// copies of one template. Same `(seed, first_day, count)`, same customers.
pub fn customers_of_centre(seed: u64, first_day: NaiveDate, count: i64, centre_id: i64) -> Vec<Customer> {
    let mut customers = leisure::customers_n(&mut stream(seed, STREAM_CUSTOMERS), first_day, count);
    for c in &mut customers {
        c.home_centre_id = centre_id;
    }
    customers
}

const STREAM_LEISURE: u64 = 1;
const STREAM_CUSTOMERS: u64 = 2;
const STREAM_SCHOOLS: u64 = 3;
const STREAM_COUNCIL_TAX: u64 = 4;
const STREAM_ATTENDANCE: u64 = 5;
const STREAM_FULL_YEAR: u64 = 6;
const STREAM_COUNCIL_TAX_HELD: u64 = 7;
const STREAM_BOOKINGS: u64 = 8;

fn stream(seed: u64, stream: u64) -> ChaCha8Rng {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    rng.set_stream(stream);
    rng
}
#[cfg(test)]
mod attendance_tests;
