//! The operations the server's logic names ([`StoreTx`]), written once over the generic surface
//! ([`Tx`]), and the mapping between records and rows. A backend implements none of this.

use std::collections::BTreeSet;

use chrono::{DateTime, NaiveDateTime, Utc};
use desk_domain::{Booking, Receipt, Role, Session, Site};
use uuid::Uuid;

use crate::StoreError;
use crate::records::*;
use crate::rows::Cell;
use crate::schema::TableSpec;
use crate::tables::*;
use crate::tx::{Cond, Row, Select, StoreTx, Tables, Tx};

fn parse_enum<T: serde::de::DeserializeOwned>(s: String) -> Result<T, StoreError> {
    Ok(serde_json::from_value(serde_json::Value::String(s))?)
}

pub fn session_of(r: &Row) -> Result<Session, StoreError> {
    Ok(Session {
        id: r.int("id")?,
        centre_id: r.int("centre_id")?,
        activity_id: r.int("activity_id")?,
        activity_name: r.text("activity_name")?,
        starts_at: r.timestamp("starts_at")?,
        duration_minutes: r.u32("duration_minutes")?,
        capacity: r.u32("capacity")?,
        booked: r.u32("booked")?,
        waiting: r.u32("waiting")?,
        location: r.text("location")?,
        instructor: r.text("instructor")?,
        cancelled: r.bool("cancelled")?,
    })
}

pub fn booking_of(r: &Row) -> Result<Booking, StoreError> {
    Ok(Booking {
        id: r.uuid("id")?,
        session_id: r.int("session_id")?,
        customer_id: r.int("customer_id")?,
        centre_id: r.int("centre_id")?,
        status: parse_enum(r.text("status")?)?,
        waiting_position: r.u32("waiting_position")?,
        created_at: r.instant("created_at")?,
        staff_id: r.int("staff_id")?,
        channel: parse_enum(r.text("channel")?)?,
        attended_at: r.opt_instant("attended_at")?,
        no_show_at: r.opt_instant("no_show_at")?,
        no_show_waived: r.opt_text("no_show_waived")?,
        offer_until: r.opt_timestamp("offer_until")?,
        offer_outcome: r.opt_text("offer_outcome")?.map(parse_enum).transpose()?,
    })
}

fn booking_row(b: &Booking) -> Vec<Cell> {
    vec![
        Cell::Uuid(b.id),
        Cell::Int(b.session_id),
        Cell::Int(b.customer_id),
        Cell::Int(b.centre_id),
        Cell::Text(b.status.as_str().to_owned()),
        Cell::Int(b.waiting_position.into()),
        Cell::TimestampTz(b.created_at),
        Cell::Int(b.staff_id),
        Cell::Text(b.channel.as_str().to_owned()),
        b.attended_at.map_or(Cell::Null, Cell::TimestampTz),
        b.no_show_at.map_or(Cell::Null, Cell::TimestampTz),
        b.no_show_waived.clone().map_or(Cell::Null, Cell::Text),
        b.offer_until.map_or(Cell::Null, Cell::Timestamp),
        b.offer_outcome
            .map_or(Cell::Null, |o| Cell::Text(o.as_str().to_owned())),
    ]
}

pub fn staff_of(r: &Row) -> Result<StaffRecord, StoreError> {
    Ok(StaffRecord {
        id: r.int("id")?,
        username: r.text("username")?,
        display_name: r.text("display_name")?,
        password_hash: r.text("password_hash")?,
        roles: serde_json::from_str::<Vec<Role>>(&r.text("roles")?)?,
        sites: serde_json::from_str::<Vec<Site>>(&r.text("sites")?)?,
        disabled: r.bool("disabled")?,
    })
}

pub fn audit_of(r: &Row) -> Result<AuditEntry, StoreError> {
    Ok(AuditEntry {
        at: r.instant("at")?,
        staff_id: r.opt_int("staff_id")?,
        device_id: r.opt_uuid("device_id")?,
        action: r.text("action")?,
        record_kind: r.opt_text("record_kind")?,
        record_id: r.opt_text("record_id")?,
        person_id: r.opt_int("person_id")?,
        detail: r.text("detail")?,
        source: r.text("source")?,
        device_seq: r.opt_int("device_seq")?.map(|s| s as u64),
    })
}

pub fn receipt_of(r: &Row) -> Result<Receipt, StoreError> {
    Ok(Receipt {
        seq: r.int("seq")? as u64,
        mutation_id: r.uuid("mutation_id")?,
        outcome: serde_json::from_str(&r.text("outcome")?)?,
        version: r.int("version")? as u64,
    })
}

pub fn stored_receipt_of(r: &Row) -> Result<StoredReceipt, StoreError> {
    Ok(StoredReceipt {
        device_id: r.uuid("device_id")?,
        receipt: receipt_of(r)?,
        envelope: r.opt_text("envelope")?,
    })
}

fn hash(h: &[u8; 32]) -> Cell {
    Cell::Blob(h.to_vec())
}

/// An instant as a cell.
fn at(t: DateTime<Utc>) -> Cell {
    Cell::TimestampTz(t)
}

impl<T: Tx + ?Sized> StoreTx for T {
    fn head(&self) -> u64 {
        Tx::head(self)
    }
    fn next_version(&mut self) -> u64 {
        Tx::next_version(self)
    }
    fn savepoint(&mut self) -> Result<(), StoreError> {
        Tx::savepoint(self)
    }
    fn release(&mut self) -> Result<(), StoreError> {
        Tx::release(self)
    }
    fn rollback_to(&mut self) -> Result<(), StoreError> {
        Tx::rollback_to(self)
    }
    fn notify(&mut self, poke: &Poke) -> Result<(), StoreError> {
        Tx::notify(self, poke)
    }
    fn session_for_place(
        &mut self,
        session_id: i64,
        customer_id: i64,
        booking_id: Uuid,
    ) -> Result<Option<(Session, PlaceFacts)>, StoreError> {
        Tx::session_for_place(self, session_id, customer_id, booking_id)
    }

    fn device(&mut self, device_id: Uuid) -> Result<Option<(i64, u64)>, StoreError> {
        self.get(&DEVICES, &[Cell::Uuid(device_id)])?
            .map(|r| Ok((r.int("staff_id")?, r.int("last_seq")? as u64)))
            .transpose()
    }
    fn put_device(&mut self, device_id: Uuid, staff_id: i64, last_seq: u64) -> Result<(), StoreError> {
        self.put(
            &DEVICES,
            vec![Cell::Uuid(device_id), Cell::Int(staff_id), Cell::Int(last_seq as i64)],
        )
    }
    fn receipt(&mut self, device_id: Uuid, seq: u64) -> Result<Option<StoredReceipt>, StoreError> {
        self.get(&RECEIPTS, &[Cell::Uuid(device_id), Cell::Int(seq as i64)])?
            .map(|r| stored_receipt_of(&r))
            .transpose()
    }
    fn receipts_of_mutation(&mut self, mutation_id: Uuid) -> Result<Vec<StoredReceipt>, StoreError> {
        self.select_by(&RECEIPTS, &[Cond::Eq("mutation_id", Cell::Uuid(mutation_id))], &[])?
            .iter()
            .map(stored_receipt_of)
            .collect()
    }
    fn put_receipt(&mut self, device_id: Uuid, r: &Receipt, envelope: &str) -> Result<(), StoreError> {
        self.put(
            &RECEIPTS,
            vec![
                Cell::Uuid(device_id),
                Cell::Int(r.seq as i64),
                Cell::Uuid(r.mutation_id),
                Cell::Text(serde_json::to_string(&r.outcome)?),
                Cell::Int(r.version as i64),
                Cell::Text(envelope.to_owned()),
            ],
        )
    }
    fn session_for_update(&mut self, id: i64) -> Result<Option<Session>, StoreError> {
        self.get_for_update(&SESSIONS, &[Cell::Int(id)])?
            .map(|r| session_of(&r))
            .transpose()
    }
    fn sessions_between(
        &mut self,
        centre_id: i64,
        activity_id: i64,
        from: NaiveDateTime,
        until: NaiveDateTime,
    ) -> Result<Vec<Session>, StoreError> {
        let filter = [
            Cond::Eq("centre_id", Cell::Int(centre_id)),
            Cond::Eq("activity_id", Cell::Int(activity_id)),
            Cond::Gt("starts_at", Cell::Timestamp(from)),
            Cond::Le("starts_at", Cell::Timestamp(until)),
        ];
        self.select_by(&SESSIONS, &filter, &["starts_at"])?
            .iter()
            .map(session_of)
            .collect()
    }
    fn update_session_counts(&mut self, s: &Session, expected_booked: u32) -> Result<bool, StoreError> {
        let n = self.update(
            &SESSIONS,
            &[
                Cond::Eq("id", Cell::Int(s.id)),
                Cond::Eq("booked", Cell::Int(expected_booked.into())),
            ],
            &[
                ("booked", Cell::Int(s.booked.into())),
                ("waiting", Cell::Int(s.waiting.into())),
            ],
        )?;
        Ok(n == 1)
    }
    fn booking(&mut self, id: Uuid) -> Result<Option<Booking>, StoreError> {
        self.get(&BOOKINGS, &[Cell::Uuid(id)])?
            .map(|r| booking_of(&r))
            .transpose()
    }
    fn first_waiting(&mut self, session_id: i64) -> Result<Option<Booking>, StoreError> {
        let filter = [
            Cond::Eq("session_id", Cell::Int(session_id)),
            Cond::Eq("status", Cell::Text("waiting".into())),
        ];
        let q = Select {
            filter: &filter,
            order: &["waiting_position", "created_at"],
            limit: Some(1),
            for_update: false,
        };
        self.select(&BOOKINGS, &q)?.first().map(booking_of).transpose()
    }
    fn max_waiting_position(&mut self, session_id: i64) -> Result<u32, StoreError> {
        let filter = [Cond::Eq("session_id", Cell::Int(session_id))];
        let q = Select {
            filter: &filter,
            order: &["-waiting_position"],
            limit: Some(1),
            for_update: false,
        };
        match self.select(&BOOKINGS, &q)?.first() {
            Some(r) => r.u32("waiting_position"),
            None => Ok(0),
        }
    }
    fn put_booking(&mut self, b: &Booking) -> Result<(), StoreError> {
        self.put(&BOOKINGS, booking_row(b))
    }
    fn put_sync_row(
        &mut self,
        table: &str,
        id: &str,
        bucket: &str,
        version: u64,
        data: &str,
    ) -> Result<(), StoreError> {
        self.put(
            &SYNC_ROWS,
            crate::rows::sync_row(table, id, bucket, version, Some(data.to_owned())),
        )
    }
    fn put_record(&mut self, table: &str, record: &serde_json::Value) -> Result<(), StoreError> {
        let spec = named(table).ok_or_else(|| StoreError::Invalid(format!("no table `{table}`")))?;
        let cells = crate::json::cells_of(spec, record)?;
        self.put(spec, cells)
    }
    fn get_record(&mut self, table: &str, id: &str) -> Result<Option<serde_json::Value>, StoreError> {
        let spec = named(table).ok_or_else(|| StoreError::Invalid(format!("no table `{table}`")))?;
        let key = crate::json::key_of(spec, id)?;
        self.get(spec, &key)?.as_ref().map(crate::json::record_of).transpose()
    }
    fn select_records(&mut self, table: &str, filter: &[Cond]) -> Result<Vec<serde_json::Value>, StoreError> {
        let spec = named(table).ok_or_else(|| StoreError::Invalid(format!("no table `{table}`")))?;
        self.select_by(spec, filter, spec.key)?
            .iter()
            .map(crate::json::record_of)
            .collect()
    }
    fn bulk_upsert(&mut self, spec: &TableSpec, rows: &[Vec<Cell>]) -> Result<(), StoreError> {
        let table = named(spec.name).ok_or_else(|| StoreError::Invalid(format!("no table `{}`", spec.name)))?;
        self.put_rows(table, rows)
    }
    fn staff(&mut self, id: i64) -> Result<Option<StaffRecord>, StoreError> {
        self.get(&STAFF, &[Cell::Int(id)])?.map(|r| staff_of(&r)).transpose()
    }
    fn refresh_token(&mut self, h: &[u8; 32]) -> Result<Option<RefreshRecord>, StoreError> {
        let Some(r) = self.get(&REFRESH_TOKENS, &[hash(h)])? else {
            return Ok(None);
        };
        Ok(Some(RefreshRecord {
            family: r.uuid("family")?,
            staff_id: r.int("staff_id")?,
            device_id: r.uuid("device_id")?,
            expires_at: r.instant("expires_at")?,
            spent: r.bool("spent")?,
            revoked: r.opt_instant("revoked_at")?.is_some(),
        }))
    }
    fn spend_refresh_token(&mut self, h: &[u8; 32]) -> Result<(), StoreError> {
        self.update(
            &REFRESH_TOKENS,
            &[Cond::Eq("token_hash", hash(h))],
            &[("spent", Cell::Bool(true))],
        )?;
        Ok(())
    }
    fn revoke_family(&mut self, family: Uuid) -> Result<(), StoreError> {
        self.delete(&ACCESS_TOKENS, &[Cond::Eq("family", Cell::Uuid(family))])?;
        self.update(
            &REFRESH_TOKENS,
            &[Cond::Eq("family", Cell::Uuid(family))],
            &[("spent", Cell::Bool(true))],
        )?;
        Ok(())
    }
    fn access_family(&mut self, h: &[u8; 32]) -> Result<Option<(Uuid, i64, Uuid)>, StoreError> {
        let Some(r) = self.get(&ACCESS_TOKENS, &[hash(h)])? else {
            return Ok(None);
        };
        let Some(family) = r.opt_uuid("family")? else {
            return Ok(None);
        };
        Ok(Some((family, r.int("staff_id")?, r.uuid("device_id")?)))
    }
    fn end_family(&mut self, family: Uuid, now: DateTime<Utc>) -> Result<(), StoreError> {
        end_tokens(self, Cond::Eq("family", Cell::Uuid(family)), now)
    }
    fn end_staff_tokens(&mut self, staff_id: i64, now: DateTime<Utc>) -> Result<u64, StoreError> {
        let live: BTreeSet<Uuid> = self
            .select_by(
                &REFRESH_TOKENS,
                &[
                    Cond::Eq("staff_id", Cell::Int(staff_id)),
                    Cond::Eq("spent", Cell::Bool(false)),
                    Cond::IsNull("revoked_at"),
                ],
                &[],
            )?
            .iter()
            .map(|r| r.uuid("family"))
            .collect::<Result<_, _>>()?;
        end_tokens(self, Cond::Eq("staff_id", Cell::Int(staff_id)), now)?;
        Ok(live.len() as u64)
    }
    fn put_tokens(&mut self, t: &TokenIssue) -> Result<(), StoreError> {
        // Expired access tokens are swept whenever new ones are stored.
        self.delete(&ACCESS_TOKENS, &[Cond::Lt("expires_at", at(Utc::now()))])?;
        insert_new(
            self,
            &ACCESS_TOKENS,
            &[
                ("token_hash", hash(&t.access_hash)),
                ("staff_id", Cell::Int(t.staff_id)),
                ("device_id", Cell::Uuid(t.device_id)),
                ("expires_at", at(t.access_expires_at)),
                ("family", Cell::Uuid(t.family)),
            ],
        )?;
        insert_new(
            self,
            &REFRESH_TOKENS,
            &[
                ("token_hash", hash(&t.refresh_hash)),
                ("family", Cell::Uuid(t.family)),
                ("staff_id", Cell::Int(t.staff_id)),
                ("device_id", Cell::Uuid(t.device_id)),
                ("expires_at", at(t.refresh_expires_at)),
                ("spent", Cell::Bool(false)),
            ],
        )?;
        Ok(())
    }
    fn put_audit(&mut self, e: &AuditEntry) -> Result<(), StoreError> {
        for (column, text) in [
            ("action", Some(&e.action)),
            ("record_id", e.record_id.as_ref()),
            ("detail", Some(&e.detail)),
        ] {
            crate::json::storable_text(AUDIT_LOG.name, column, text.map_or("", String::as_str))?;
        }
        insert_new(self, &AUDIT_LOG, &audit_cells(e))?;
        Ok(())
    }
    fn audit_last_seq(&mut self, device_id: Uuid) -> Result<u64, StoreError> {
        let filter = [
            Cond::Eq("device_id", Cell::Uuid(device_id)),
            Cond::NotNull("device_seq"),
        ];
        let q = Select {
            filter: &filter,
            order: &["-device_seq"],
            limit: Some(1),
            for_update: false,
        };
        match self.select(&AUDIT_LOG, &q)?.first() {
            Some(r) => Ok(r.int("device_seq")? as u64),
            None => Ok(0),
        }
    }
    fn sign_in_lock(&mut self, staff_id: i64) -> Result<(u32, Option<DateTime<Utc>>), StoreError> {
        match self.get(&SIGN_IN_LOCKS, &[Cell::Int(staff_id)])? {
            Some(r) => Ok((r.u32("failures")?, r.opt_instant("locked_until")?)),
            None => Ok((0, None)),
        }
    }
    fn put_sign_in_lock(
        &mut self,
        staff_id: i64,
        failures: u32,
        locked_until: Option<DateTime<Utc>>,
    ) -> Result<(), StoreError> {
        self.put(
            &SIGN_IN_LOCKS,
            vec![
                Cell::Int(staff_id),
                Cell::Int(failures.into()),
                locked_until.map_or(Cell::Null, at),
            ],
        )
    }
}

/// Deletes the matching access tokens and marks the matching refresh tokens spent and revoked
/// (keeping the first revocation time).
fn end_tokens<T: Tables + ?Sized>(tx: &mut T, which: Cond, now: DateTime<Utc>) -> Result<(), StoreError> {
    tx.delete(&ACCESS_TOKENS, std::slice::from_ref(&which))?;
    tx.update(
        &REFRESH_TOKENS,
        std::slice::from_ref(&which),
        &[("spent", Cell::Bool(true))],
    )?;
    tx.update(
        &REFRESH_TOKENS,
        &[which, Cond::IsNull("revoked_at")],
        &[("revoked_at", at(now))],
    )?;
    Ok(())
}

/// Inserts a row that must be new: a clash with a stored key is an error, as a plain INSERT's.
fn insert_new<T: Tables + ?Sized>(
    tx: &mut T,
    table: &'static TableSpec,
    cells: &[(&'static str, Cell)],
) -> Result<i64, StoreError> {
    tx.insert(table, cells)?
        .ok_or_else(|| StoreError::Conflict(format!("{}: that row exists already", table.name)))
}

fn audit_cells(e: &AuditEntry) -> [(&'static str, Cell); 10] {
    [
        ("at", at(e.at)),
        ("staff_id", e.staff_id.map_or(Cell::Null, Cell::Int)),
        ("device_id", e.device_id.map_or(Cell::Null, Cell::Uuid)),
        ("action", Cell::Text(e.action.clone())),
        ("record_kind", Cell::opt_text(e.record_kind.clone())),
        ("record_id", Cell::opt_text(e.record_id.clone())),
        ("person_id", e.person_id.map_or(Cell::Null, Cell::Int)),
        ("detail", Cell::Text(e.detail.clone())),
        ("source", Cell::Text(e.source.clone())),
        ("device_seq", e.device_seq.map_or(Cell::Null, |s| Cell::Int(s as i64))),
    ]
}

/// A new staff account's cells (its id is assigned).
pub fn new_staff_cells(new: &NewStaffRecord) -> Result<Vec<(&'static str, Cell)>, StoreError> {
    crate::json::storable_text(STAFF.name, "username", &new.username)?;
    crate::json::storable_text(STAFF.name, "display_name", &new.display_name)?;
    Ok(vec![
        ("username", Cell::Text(new.username.clone())),
        ("display_name", Cell::Text(new.display_name.clone())),
        ("password_hash", Cell::Text(new.password_hash.clone())),
        ("roles", Cell::Text(serde_json::to_string(&new.roles)?)),
        ("sites", Cell::Text(serde_json::to_string(&new.sites)?)),
        ("disabled", Cell::Bool(false)),
    ])
}

/// For a pull: the device's receipts above `ack_seq` (at most a pull's worth) and its last
/// applied seq.
pub fn receipts_after(
    c: &mut dyn Tables,
    device: Uuid,
    staff: i64,
    ack_seq: u64,
) -> Result<(Vec<Receipt>, u64), StoreError> {
    // The device's owner is checked first: receipts carry mutation ids and rejection messages
    // from the owner's work, and are nobody else's business.
    let last = match c.get(&DEVICES, &[Cell::Uuid(device)])? {
        Some(r) if r.int("staff_id")? == staff => r.int("last_seq")? as u64,
        Some(_) => return Ok((Vec::new(), 0)),
        None => 0,
    };
    let filter = [
        Cond::Eq("device_id", Cell::Uuid(device)),
        Cond::Gt("seq", Cell::Int(ack_seq as i64)),
    ];
    let q = Select {
        filter: &filter,
        order: &["seq"],
        limit: Some(MAX_PULL_RECEIPTS),
        for_update: false,
    };
    let receipts = c
        .select(&RECEIPTS, &q)?
        .iter()
        .map(receipt_of)
        .collect::<Result<_, _>>()?;
    Ok((receipts, last))
}
