//! The facts a service's `decide` reads, as this desk sees them (replica + pending overlay).
//! The desk holds only its own buckets, so it may write any record it has; the server checks
//! the caller's scope again.

use chrono::NaiveDateTime;
use desk_domain::leisure::{self, PlaceFacts};
use desk_domain::{Booking, BookingStatus, Bucket, Customer, Session, Source};
use rusqlite::Connection;
use uuid::Uuid;

use crate::leisure::reads;
use crate::replica;

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
}
