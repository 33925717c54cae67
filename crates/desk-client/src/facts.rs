//! The facts a service's `decide` reads, as this desk sees them (replica + pending overlay).
//! The desk holds only its own buckets, so it may write any record it has; the server checks
//! the caller's scope again.

use chrono::{NaiveDate, NaiveDateTime};
use desk_domain::leisure::{self, PlaceFacts};
use desk_domain::school::{self, Absence, AttendanceCode, ContactAttempt, SchoolDay, SchoolRules, SchoolYear};
use desk_domain::{Booking, BookingStatus, Bucket, Contact, Customer, Pupil, Session, Source};
use rusqlite::{Connection, OptionalExtension};
use uuid::Uuid;

use crate::leisure::space_reads;
use crate::leisure::{life_reads, money_reads, reads};
use crate::replica;
use crate::school::reads as sreads;

pub mod council_tax;

pub struct DeskFacts<'c> {
    conn: &'c Connection,
}

impl<'c> DeskFacts<'c> {
    pub fn new(conn: &'c Connection) -> Self {
        DeskFacts { conn }
    }
}

impl Source for DeskFacts<'_> {
    type Error = rusqlite::Error;
    fn may_write(&self, _bucket: &Bucket) -> bool {
        true
    }
}

impl leisure::Facts for DeskFacts<'_> {
    /// The desk knows only its own member of staff: anyone else is for the server to decide.
    fn supervises(&mut self, staff_id: i64, _centre_id: i64) -> rusqlite::Result<Option<bool>> {
        Ok(crate::facts::council_tax::signed_in_supervisor(self.conn, staff_id).then_some(true))
    }
    fn place(
        &mut self,
        session_id: i64,
        customer_id: i64,
        booking_id: Uuid,
    ) -> rusqlite::Result<Option<(Session, PlaceFacts)>> {
        let Some((session, _)) = reads::effective_session(self.conn, session_id)? else {
            return Ok(None);
        };
        let bookings = reads::session_bookings(self.conn, session_id)?;
        let facts = PlaceFacts {
            customer_exists: replica::customer(self.conn, customer_id)?.is_some(),
            booking_id_taken: reads::booking(self.conn, booking_id)?.is_some(),
            live: reads::existing_status(&bookings, customer_id).filter(|s| *s != BookingStatus::Cancelled),
        };
        Ok(Some((session, facts)))
    }
    fn session(&mut self, id: i64) -> rusqlite::Result<Option<Session>> {
        Ok(reads::effective_session(self.conn, id)?.map(|(s, _)| s))
    }
    fn booking(&mut self, id: Uuid) -> rusqlite::Result<Option<Booking>> {
        Ok(reads::booking(self.conn, id)?.map(|b| b.booking))
    }
    fn customer(&mut self, id: i64) -> rusqlite::Result<Option<Customer>> {
        replica::customer(self.conn, id)
    }
    fn first_waiting(&mut self, session_id: i64) -> rusqlite::Result<Option<Booking>> {
        Ok(reads::session_bookings(self.conn, session_id)?
            .into_iter()
            .find(|b| b.booking.status == BookingStatus::Waiting)
            .map(|b| b.booking))
    }
    fn max_waiting_position(&mut self, session_id: i64) -> rusqlite::Result<u32> {
        Ok(reads::session_bookings(self.conn, session_id)?
            .iter()
            .filter(|b| b.booking.status == BookingStatus::Waiting)
            .map(|b| b.booking.waiting_position)
            .max()
            .unwrap_or(0))
    }
    fn sessions_between(
        &mut self,
        centre_id: i64,
        activity_id: i64,
        from: NaiveDateTime,
        until: NaiveDateTime,
    ) -> rusqlite::Result<Vec<Session>> {
        let mut out = Vec::new();
        for s in replica::sessions_of_activity(self.conn, activity_id, from, until)? {
            if s.centre_id == centre_id {
                out.push(reads::with_overlay(self.conn, s)?.0);
            }
        }
        Ok(out)
    }
    fn settings(&mut self, centre_id: i64) -> rusqlite::Result<Option<leisure::records::LeisureSettings>> {
        money_reads::settings(self.conn, centre_id)
    }
    fn entitlement(&mut self, customer_id: i64) -> rusqlite::Result<Option<leisure::records::Entitlement>> {
        money_reads::entitlement(self.conn, customer_id)
    }
    fn voucher(&mut self, code: &str) -> rusqlite::Result<Option<leisure::records::IssuedVoucher>> {
        money_reads::voucher(self.conn, code)
    }
    fn money(&mut self, id: Uuid) -> rusqlite::Result<Option<leisure::records::MoneyRecord>> {
        Ok(money_reads::money(self.conn, id)?.map(|(m, _)| m))
    }
    fn money_of_booking(&mut self, booking_id: Uuid) -> rusqlite::Result<Vec<leisure::records::MoneyRecord>> {
        Ok(money_reads::money_of_booking(self.conn, booking_id)?
            .into_iter()
            .map(|(m, _)| m)
            .collect())
    }
    fn money_on(
        &mut self,
        centre_id: i64,
        day: chrono::NaiveDate,
    ) -> rusqlite::Result<Vec<leisure::records::MoneyRecord>> {
        Ok(money_reads::money_on_day(self.conn, centre_id, day)?
            .into_iter()
            .map(|(m, _)| m)
            .collect())
    }
    fn cash_count(&mut self, id: Uuid) -> rusqlite::Result<Option<leisure::cash_count::CashCount>> {
        money_reads::record(self.conn, desk_domain::table::CASH_COUNTS, &id.to_string())
    }
    fn customers_like(
        &mut self,
        date_of_birth: NaiveDate,
        email: Option<&str>,
        postcode: &str,
    ) -> rusqlite::Result<Vec<Customer>> {
        crate::leisure::customers::customers_like(self.conn, date_of_birth, email, postcode)
    }
    fn customer_details(
        &mut self,
        customer_id: i64,
    ) -> rusqlite::Result<Option<leisure::customer_cmd::CustomerDetails>> {
        money_reads::record(
            self.conn,
            desk_domain::table::CUSTOMER_DETAILS,
            &customer_id.to_string(),
        )
    }
    fn session_bookings(&mut self, session_id: i64) -> rusqlite::Result<Vec<Booking>> {
        Ok(reads::session_bookings(self.conn, session_id)?
            .into_iter()
            .map(|b| b.booking)
            .collect())
    }
    fn bookings_of_customer(&mut self, customer_id: i64) -> rusqlite::Result<Vec<Booking>> {
        Ok(life_reads::bookings_of_customer(self.conn, customer_id)?
            .into_iter()
            .map(|b| b.booking)
            .collect())
    }
    fn charge(&mut self, id: Uuid) -> rusqlite::Result<Option<leisure::records::Charge>> {
        life_reads::charge(self.conn, id)
    }
    fn space(&mut self, id: i64) -> rusqlite::Result<Option<leisure::space_records::SpaceRecord>> {
        space_reads::space(self.conn, id)
    }
    fn spaces_of_centre(&mut self, centre_id: i64) -> rusqlite::Result<Vec<leisure::space_records::SpaceRecord>> {
        space_reads::spaces_of_centre(self.conn, centre_id)
    }
    fn space_booking(&mut self, id: Uuid) -> rusqlite::Result<Option<leisure::space_records::SpaceBookingRecord>> {
        Ok(space_reads::space_booking(self.conn, id)?.map(|(b, _)| b))
    }
    fn space_bookings_on(
        &mut self,
        centre_id: i64,
        day: NaiveDate,
    ) -> rusqlite::Result<Vec<leisure::space_records::SpaceBookingRecord>> {
        Ok(space_reads::bookings_on(self.conn, centre_id, day)?
            .into_iter()
            .map(|(b, _)| b)
            .collect())
    }
}

/// The school rules over the replica and this desk's pending records: the school's synced
/// settings (else the defaults); a supervisor is whoever signed in to this store with the
/// supervisor role (the server checks again).
impl school::Facts for DeskFacts<'_> {
    fn pupil(&mut self, id: i64) -> rusqlite::Result<Option<Pupil>> {
        crate::school::reads::pupil(self.conn, id)
    }
    fn contact(&mut self, id: i64) -> rusqlite::Result<Option<Contact>> {
        self.conn
            .prepare_cached("SELECT data FROM contacts WHERE id = ?1")?
            .query_row([id.to_string()], |r| r.get::<_, String>(0))
            .optional()?
            .map(|d| {
                serde_json::from_str(&d)
                    .map_err(|e| rusqlite::Error::FromSqlConversionFailure(0, rusqlite::types::Type::Text, Box::new(e)))
            })
            .transpose()
    }
    fn attendance_code(&mut self, school_id: i64, code: &str) -> rusqlite::Result<Option<AttendanceCode>> {
        sreads::attendance_code(self.conn, school_id, code)
    }
    fn school_year(&mut self, school_id: i64, date: NaiveDate) -> rusqlite::Result<Option<SchoolYear>> {
        sreads::school_year(self.conn, school_id, date)
    }
    fn school_days(&mut self, school_id: i64, from: NaiveDate, to: NaiveDate) -> rusqlite::Result<Vec<SchoolDay>> {
        sreads::school_days(self.conn, school_id, from, to)
    }
    fn absence(&mut self, id: Uuid) -> rusqlite::Result<Option<Absence>> {
        Ok(sreads::absence(self.conn, id)?.map(|e| e.record))
    }
    fn absences_of(&mut self, pupil_id: i64) -> rusqlite::Result<Vec<Absence>> {
        Ok(sreads::absences_of(self.conn, pupil_id)?
            .into_iter()
            .map(|e| e.record)
            .collect())
    }
    fn attempts_on(&mut self, pupil_id: i64, date: NaiveDate) -> rusqlite::Result<Vec<ContactAttempt>> {
        Ok(sreads::attempts_on(self.conn, pupil_id, date)?
            .into_iter()
            .map(|e| e.record)
            .collect())
    }
    fn id_taken(&mut self, id: Uuid) -> rusqlite::Result<bool> {
        sreads::attempt_or_escalation_exists(self.conn, id)
    }
    fn rules(&mut self, school_id: i64) -> rusqlite::Result<SchoolRules> {
        Ok(desk_domain::school::SchoolSettings::rules_of(sreads::settings(
            self.conn, school_id,
        )?))
    }
    fn may_supervise(&self, _bucket: &Bucket) -> bool {
        crate::store::meta_get(self.conn, "staff_profile")
            .ok()
            .flatten()
            .and_then(|p| serde_json::from_str::<desk_domain::StaffProfile>(&p).ok())
            .is_some_and(|p| p.roles.contains(&desk_domain::Role::Supervisor))
    }
}
