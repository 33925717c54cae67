//! The leisure rules' reads in the push transaction (sessions read for update), by the tables'
//! descriptions.

use chrono::{NaiveDate, NaiveDateTime};
use desk_domain::{Booking, Customer, Session, leisure, table};
use desk_store::Cond;
use desk_store::rows::Cell;
use uuid::Uuid;

use super::Facts;
use crate::error::StoreError;
use crate::records;

impl leisure::Facts for Facts<'_> {
    /// From the staff record as stored now, so a role or site taken away stops at once.
    fn supervises(&mut self, staff_id: i64, centre_id: i64) -> Result<Option<bool>, StoreError> {
        Ok(Some(self.tx.staff(staff_id)?.is_some_and(|s| {
            !s.disabled
                && s.roles.contains(&desk_domain::Role::Supervisor)
                && s.sites.contains(&desk_domain::Site::leisure(centre_id))
        })))
    }
    fn place(
        &mut self,
        session_id: i64,
        customer_id: i64,
        booking_id: Uuid,
    ) -> Result<Option<(Session, leisure::PlaceFacts)>, StoreError> {
        self.tx.session_for_place(session_id, customer_id, booking_id)
    }
    fn session(&mut self, id: i64) -> Result<Option<Session>, StoreError> {
        self.tx.session_for_update(id)
    }
    fn booking(&mut self, id: Uuid) -> Result<Option<Booking>, StoreError> {
        self.tx.booking(id)
    }
    fn customer(&mut self, id: i64) -> Result<Option<Customer>, StoreError> {
        records::get(self.tx, table::CUSTOMERS, &id.to_string())
    }
    fn first_waiting(&mut self, session_id: i64) -> Result<Option<Booking>, StoreError> {
        self.tx.first_waiting(session_id)
    }
    fn max_waiting_position(&mut self, session_id: i64) -> Result<u32, StoreError> {
        self.tx.max_waiting_position(session_id)
    }
    fn sessions_between(
        &mut self,
        centre_id: i64,
        activity_id: i64,
        from: NaiveDateTime,
        until: NaiveDateTime,
    ) -> Result<Vec<Session>, StoreError> {
        self.tx.sessions_between(centre_id, activity_id, from, until)
    }
    fn settings(&mut self, centre_id: i64) -> Result<Option<leisure::records::LeisureSettings>, StoreError> {
        records::get(self.tx, table::LEISURE_SETTINGS, &centre_id.to_string())
    }
    fn entitlement(&mut self, customer_id: i64) -> Result<Option<leisure::records::Entitlement>, StoreError> {
        records::get(self.tx, table::ENTITLEMENTS, &customer_id.to_string())
    }
    fn voucher(&mut self, code: &str) -> Result<Option<leisure::records::IssuedVoucher>, StoreError> {
        records::get(self.tx, table::VOUCHERS, code)
    }
    fn money(&mut self, id: Uuid) -> Result<Option<leisure::records::MoneyRecord>, StoreError> {
        records::get(self.tx, table::PAYMENTS, &id.to_string())
    }
    fn money_on(&mut self, centre_id: i64, day: NaiveDate) -> Result<Vec<leisure::records::MoneyRecord>, StoreError> {
        let start = day.and_time(chrono::NaiveTime::MIN);
        records::select(
            self.tx,
            table::PAYMENTS,
            &[
                Cond::Eq("centre_id", Cell::Int(centre_id)),
                Cond::Ge("at", Cell::Timestamp(start)),
                Cond::Lt("at", Cell::Timestamp(start + chrono::Duration::days(1))),
            ],
        )
    }
    fn cash_count(&mut self, id: Uuid) -> Result<Option<leisure::cash_count::CashCount>, StoreError> {
        records::get(self.tx, table::CASH_COUNTS, &id.to_string())
    }
    fn money_of_booking(&mut self, booking_id: Uuid) -> Result<Vec<leisure::records::MoneyRecord>, StoreError> {
        records::select(
            self.tx,
            table::PAYMENTS,
            &[Cond::Eq("booking_id", Cell::Uuid(booking_id))],
        )
    }
    /// Three indexed look-ups (server migration 13), each customer once.
    fn customers_like(
        &mut self,
        date_of_birth: NaiveDate,
        email: Option<&str>,
        postcode: &str,
    ) -> Result<Vec<Customer>, StoreError> {
        let mut found: Vec<Customer> = Vec::new();
        let mut by = vec![
            Cond::Eq("date_of_birth", Cell::Date(date_of_birth)),
            Cond::Eq("postcode", Cell::Text(postcode.to_owned())),
        ];
        if let Some(e) = email {
            by.push(Cond::Eq("email", Cell::Text(e.to_owned())));
        }
        for cond in by {
            for c in records::select::<Customer>(self.tx, table::CUSTOMERS, &[cond])? {
                if !found.iter().any(|f| f.id == c.id) {
                    found.push(c);
                }
            }
        }
        Ok(found)
    }
    fn customer_details(
        &mut self,
        customer_id: i64,
    ) -> Result<Option<leisure::customer_cmd::CustomerDetails>, StoreError> {
        records::get(self.tx, table::CUSTOMER_DETAILS, &customer_id.to_string())
    }
    fn session_bookings(&mut self, session_id: i64) -> Result<Vec<Booking>, StoreError> {
        records::select(
            self.tx,
            table::BOOKINGS,
            &[Cond::Eq("session_id", Cell::Int(session_id))],
        )
    }
    fn bookings_of_customer(&mut self, customer_id: i64) -> Result<Vec<Booking>, StoreError> {
        records::select(
            self.tx,
            table::BOOKINGS,
            &[Cond::Eq("customer_id", Cell::Int(customer_id))],
        )
    }
    fn charge(&mut self, id: Uuid) -> Result<Option<leisure::records::Charge>, StoreError> {
        records::get(self.tx, table::CUSTOMER_CHARGES, &id.to_string())
    }
    fn space(&mut self, id: i64) -> Result<Option<leisure::space_records::SpaceRecord>, StoreError> {
        records::get(self.tx, table::SPACES, &id.to_string())
    }
    fn spaces_of_centre(&mut self, centre_id: i64) -> Result<Vec<leisure::space_records::SpaceRecord>, StoreError> {
        records::select(self.tx, table::SPACES, &[Cond::Eq("centre_id", Cell::Int(centre_id))])
    }
    fn space_booking(&mut self, id: Uuid) -> Result<Option<leisure::space_records::SpaceBookingRecord>, StoreError> {
        records::get(self.tx, table::SPACE_BOOKINGS, &id.to_string())
    }
    /// Writes are one at a time (each push holds `sync_head` for update), so the day read here
    /// cannot gain a clashing booking before this command's commit.
    fn space_bookings_on(
        &mut self,
        centre_id: i64,
        day: NaiveDate,
    ) -> Result<Vec<leisure::space_records::SpaceBookingRecord>, StoreError> {
        records::select(
            self.tx,
            table::SPACE_BOOKINGS,
            &[
                Cond::Eq("centre_id", Cell::Int(centre_id)),
                Cond::Eq("day", Cell::Date(day)),
            ],
        )
    }
}
