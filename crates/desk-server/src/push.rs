//! Applying a device's mutations: the receipt protocol, and each command decided by its service
//! in `desk_domain` and its effects written, once over [`StoreTx`] for both backends.

use std::collections::{BTreeSet, HashSet};
use std::sync::Arc;

use chrono::{NaiveDateTime, Utc};
use desk_domain::{
    Bucket, Command, CommonCode, Ctx, Effect, Mutation, Outcome, Receipt, Record, Refusal, Source, table,
};
use uuid::Uuid;

use crate::envelope;
use crate::error::{PushError, StoreError};
use crate::records;
use crate::store::{AuditEntry, Caller, Poke, PushResult, StoreTx};

mod council_tax;
mod leisure;
mod offers;
mod school;

pub(crate) use offers::sweep_offers;

/// Applies `mutations` (one device's, sorted by seq, no repeats) inside the caller's
/// transaction. Replays return their stored receipts; the first new seq must follow the
/// device's last one. A transient failure ends the batch: what came before it stays.
///
/// A mutation id is applied once (`docs/sync-contract.md`): a new seq carrying an id already
/// answered — under another seq, by another device, or earlier in this batch — gets a stored
/// `mutation_id_reused` rejection with no effect; a replayed seq whose envelope differs from
/// the one its receipt answered is refused (409) as a whole batch.
pub(crate) fn apply_batch(
    tx: &mut dyn StoreTx,
    caller: &Caller,
    mutations: &[Mutation],
    now: NaiveDateTime,
) -> Result<PushResult, PushError> {
    let device = caller.device_id;
    let (owner, last_seq) = tx.device(device)?.unwrap_or((caller.staff_id, 0));
    if owner != caller.staff_id {
        return Err(PushError::DeviceMismatch(
            "this device is registered to another member of staff".into(),
        ));
    }

    // Check the whole batch before applying any of it, so a gap or conflict applies nothing.
    let envelopes: Vec<String> = mutations.iter().map(envelope::digest).collect();
    let mut stored = Vec::new();
    let mut expected = last_seq + 1;
    let mut seen = HashSet::new();
    let mut reused = HashSet::new();
    for (m, digest) in mutations.iter().zip(&envelopes) {
        if m.seq <= last_seq {
            match tx.receipt(device, m.seq)? {
                // Receipts stored before envelopes were kept have none to compare.
                Some(r) if r.receipt.mutation_id == m.mutation_id => {
                    if r.envelope.as_ref().is_some_and(|e| e != digest) {
                        return Err(PushError::MutationIdReused {
                            seq: m.seq,
                            mutation_id: m.mutation_id,
                        });
                    }
                    seen.insert(m.mutation_id);
                    stored.push(r.receipt);
                }
                Some(r) => {
                    return Err(PushError::SeqConflict {
                        seq: m.seq,
                        stored: r.receipt.mutation_id,
                        got: m.mutation_id,
                    });
                }
                None => {
                    return Err(
                        StoreError::Corrupt(format!("device {device} has no receipt for seq {}", m.seq)).into(),
                    );
                }
            }
        } else if m.seq != expected {
            return Err(PushError::SeqGap { expected, got: m.seq });
        } else {
            expected += 1;
            if !seen.insert(m.mutation_id) || !tx.receipts_of_mutation(m.mutation_id)?.is_empty() {
                reused.insert(m.seq);
            }
        }
    }

    let mut receipts = stored;
    let mut last = last_seq;
    let mut touched = BTreeSet::new();
    let mut stopped = None;
    for (m, digest) in mutations.iter().zip(&envelopes).filter(|(m, _)| m.seq > last_seq) {
        tx.savepoint()?;
        let outcome = if reused.contains(&m.seq) {
            Ok((reused_outcome(m), Vec::new()))
        } else {
            execute(tx, caller, m, now)
        };
        let attempt = outcome.and_then(|(outcome, buckets)| {
            let receipt = Receipt {
                seq: m.seq,
                mutation_id: m.mutation_id,
                outcome: envelope::printable_outcome(outcome),
                version: tx.head(),
            };
            tx.put_receipt(device, &receipt, digest)?;
            Ok((receipt, buckets))
        });
        match attempt {
            Ok((receipt, buckets)) => {
                tx.release()?;
                receipts.push(receipt);
                touched.extend(buckets);
                last = m.seq;
            }
            Err(e) => {
                tx.rollback_to()?;
                tracing::warn!(device = %device, seq = m.seq, error = %e, "push stopped by a store error");
                stopped = Some(e);
                break;
            }
        }
    }
    if last > last_seq {
        tx.put_device(device, caller.staff_id, last)?;
    } else if let Some(e) = stopped {
        // Nothing new went in: report the failure itself so the desk retries the whole batch.
        return Err(e.into());
    }
    let touched: Vec<String> = touched.into_iter().collect();
    let head = tx.head();
    if !touched.is_empty() {
        tx.notify(&Poke {
            head,
            buckets: Arc::new(touched.clone()),
        })?;
    }
    Ok(PushResult {
        receipts,
        device_last_seq: last,
        stopped,
        touched,
        head,
    })
}

type Applied = (Outcome, Vec<String>);

/// The stored answer to a new seq whose mutation id was used before. It names neither the
/// device nor the seq that used it: that may be another person's work.
fn reused_outcome(m: &Mutation) -> Outcome {
    Refusal::new(
        CommonCode::MutationIdReused,
        format!(
            "Mutation id {} was already used by another change; a mutation id is applied once, so this \
             change (seq {}) had no effect. Record it again as a new change.",
            m.mutation_id, m.seq
        ),
    )
    .into_outcome()
}

/// One mutation: parsed, decided by its service in `desk_domain` against facts read in this
/// transaction, and its effects written. `Ok` carries the outcome to store (refusals
/// included); `Err` is a store failure and leaves nothing behind.
fn execute(tx: &mut dyn StoreTx, caller: &Caller, m: &Mutation, now: NaiveDateTime) -> Result<Applied, StoreError> {
    let command = match Command::parse(&m.name, m.args_version, &m.args) {
        Ok(c) => c,
        Err(e) => return Ok((e.into_refusal().into_outcome(), Vec::new())),
    };
    let ctx = Ctx {
        now,
        at: Utc::now(),
        staff_id: caller.staff_id,
        channel: m.channel,
    };
    let decision = command.decide(&mut Facts { tx: &mut *tx, caller }, &ctx)?;
    match decision {
        Err(refusal) => Ok((refusal.into_outcome(), Vec::new())),
        Ok(effects) => Ok((Outcome::Applied, interpret(tx, caller, &effects)?)),
    }
}

/// The server's interpreter of effects: records to their tables and the change log, in
/// order, and audit notes to the audit store. Returns the buckets touched.
fn interpret(tx: &mut dyn StoreTx, caller: &Caller, effects: &[Effect]) -> Result<Vec<String>, StoreError> {
    interpret_as(tx, Some(caller.staff_id), Some(caller.device_id), effects)
}

/// [`interpret`] on behalf of a member of staff and device, or of the server itself (both
/// `None`: the offer sweep, which no one asked for).
fn interpret_as(
    tx: &mut dyn StoreTx,
    staff_id: Option<i64>,
    device_id: Option<Uuid>,
    effects: &[Effect],
) -> Result<Vec<String>, StoreError> {
    let mut touched = BTreeSet::new();
    for effect in effects {
        match effect {
            Effect::Audit(note) => tx.put_audit(&AuditEntry {
                record_kind: Some(note.kind.as_str().to_owned()),
                record_id: Some(note.record_id.clone()),
                person_id: note.person_id,
                ..AuditEntry::server(staff_id, device_id, "change", note.detail.clone())
            })?,
            Effect::Put(record) => {
                records::put(tx, record, &[])?;
                write_sync(tx, record)?;
                touched.insert(record.bucket.clone());
            }
            Effect::Count { record, deltas } => {
                records::put(tx, record, deltas)?;
                write_sync(tx, record)?;
                touched.insert(record.bucket.clone());
            }
            // Never in the change log, so never pulled; a synced table here would be a
            // service's bug that leaked the record to desks' replicas on the next write.
            Effect::ServerOnly(record) => {
                if table::ALL.contains(&record.table.as_str()) {
                    return Err(StoreError::Corrupt(format!(
                        "a server-only record names the synced table {}",
                        record.table
                    )));
                }
                tx.put_record(&record.table, &record.row)?;
            }
        }
    }
    Ok(touched.into_iter().collect())
}

fn write_sync(tx: &mut dyn StoreTx, record: &Record) -> Result<(), StoreError> {
    let version = tx.next_version();
    tx.put_sync_row(
        &record.table,
        &record.id,
        &record.bucket,
        version,
        &record.row.to_string(),
    )
}

/// The facts a service's `decide` reads, from this transaction (sessions read for update).
struct Facts<'a> {
    tx: &'a mut dyn StoreTx,
    caller: &'a Caller,
}

impl Source for Facts<'_> {
    type Error = StoreError;
    fn may_write(&self, bucket: &Bucket) -> bool {
        self.caller.buckets.contains(bucket)
    }
}

#[cfg(test)]
mod tests {
    //! A transient store failure in the middle of a batch, injected into a real SQLite
    //! transaction: what came before stays, the failed mutation leaves no trace.

    use super::*;
    use crate::rows::{Cell, TableSpec};
    use crate::store::{Backend, EntityBatch, Store};
    use desk_domain::leisure::BookPlace;
    use desk_domain::{Activity, ActivityKind, Booking, Centre, Channel, Customer, Receipt, Role, Session, Site};

    /// Delegates to a real transaction, failing `put_receipt` for one seq.
    struct FailingAt<'a> {
        inner: &'a mut dyn StoreTx,
        seq: u64,
    }

    impl StoreTx for FailingAt<'_> {
        fn head(&self) -> u64 {
            self.inner.head()
        }
        fn next_version(&mut self) -> u64 {
            self.inner.next_version()
        }
        fn savepoint(&mut self) -> Result<(), StoreError> {
            self.inner.savepoint()
        }
        fn release(&mut self) -> Result<(), StoreError> {
            self.inner.release()
        }
        fn rollback_to(&mut self) -> Result<(), StoreError> {
            self.inner.rollback_to()
        }
        fn device(&mut self, d: Uuid) -> Result<Option<(i64, u64)>, StoreError> {
            self.inner.device(d)
        }
        fn put_device(&mut self, d: Uuid, s: i64, l: u64) -> Result<(), StoreError> {
            self.inner.put_device(d, s, l)
        }
        fn receipt(&mut self, d: Uuid, s: u64) -> Result<Option<crate::store::StoredReceipt>, StoreError> {
            self.inner.receipt(d, s)
        }
        fn receipts_of_mutation(&mut self, m: Uuid) -> Result<Vec<crate::store::StoredReceipt>, StoreError> {
            self.inner.receipts_of_mutation(m)
        }
        fn put_receipt(&mut self, d: Uuid, r: &Receipt, e: &str) -> Result<(), StoreError> {
            if r.seq == self.seq {
                return Err(StoreError::Conflict("injected: the database went away".into()));
            }
            self.inner.put_receipt(d, r, e)
        }
        fn session_for_update(&mut self, id: i64) -> Result<Option<Session>, StoreError> {
            self.inner.session_for_update(id)
        }
        fn sessions_between(
            &mut self,
            c: i64,
            a: i64,
            f: NaiveDateTime,
            u: NaiveDateTime,
        ) -> Result<Vec<Session>, StoreError> {
            self.inner.sessions_between(c, a, f, u)
        }
        fn update_session_counts(&mut self, s: &Session, b: u32) -> Result<bool, StoreError> {
            self.inner.update_session_counts(s, b)
        }
        fn session_for_place(
            &mut self,
            s: i64,
            c: i64,
            b: Uuid,
        ) -> Result<Option<(Session, crate::store::PlaceFacts)>, StoreError> {
            self.inner.session_for_place(s, c, b)
        }
        fn booking(&mut self, id: Uuid) -> Result<Option<Booking>, StoreError> {
            self.inner.booking(id)
        }
        fn first_waiting(&mut self, s: i64) -> Result<Option<Booking>, StoreError> {
            self.inner.first_waiting(s)
        }
        fn max_waiting_position(&mut self, s: i64) -> Result<u32, StoreError> {
            self.inner.max_waiting_position(s)
        }
        fn put_booking(&mut self, b: &Booking) -> Result<(), StoreError> {
            self.inner.put_booking(b)
        }
        fn put_sync_row(&mut self, t: &str, i: &str, b: &str, v: u64, d: &str) -> Result<(), StoreError> {
            self.inner.put_sync_row(t, i, b, v, d)
        }
        fn put_record(&mut self, t: &str, r: &serde_json::Value) -> Result<(), StoreError> {
            self.inner.put_record(t, r)
        }
        fn get_record(&mut self, t: &str, i: &str) -> Result<Option<serde_json::Value>, StoreError> {
            self.inner.get_record(t, i)
        }
        fn select_records(&mut self, t: &str, f: &[desk_store::Cond]) -> Result<Vec<serde_json::Value>, StoreError> {
            self.inner.select_records(t, f)
        }
        fn bulk_upsert(&mut self, spec: &TableSpec, rows: &[Vec<Cell>]) -> Result<(), StoreError> {
            self.inner.bulk_upsert(spec, rows)
        }
        fn notify(&mut self, p: &Poke) -> Result<(), StoreError> {
            self.inner.notify(p)
        }
        fn put_audit(&mut self, e: &crate::store::AuditEntry) -> Result<(), StoreError> {
            self.inner.put_audit(e)
        }
        fn sign_in_lock(&mut self, id: i64) -> Result<(u32, Option<chrono::DateTime<Utc>>), StoreError> {
            self.inner.sign_in_lock(id)
        }
        fn put_sign_in_lock(
            &mut self,
            id: i64,
            f: u32,
            until: Option<chrono::DateTime<Utc>>,
        ) -> Result<(), StoreError> {
            self.inner.put_sign_in_lock(id, f, until)
        }
        fn audit_last_seq(&mut self, d: Uuid) -> Result<u64, StoreError> {
            self.inner.audit_last_seq(d)
        }
        fn staff(&mut self, id: i64) -> Result<Option<crate::store::StaffRecord>, StoreError> {
            self.inner.staff(id)
        }
        fn refresh_token(&mut self, h: &[u8; 32]) -> Result<Option<crate::store::RefreshRecord>, StoreError> {
            self.inner.refresh_token(h)
        }
        fn spend_refresh_token(&mut self, h: &[u8; 32]) -> Result<(), StoreError> {
            self.inner.spend_refresh_token(h)
        }
        fn revoke_family(&mut self, f: Uuid) -> Result<(), StoreError> {
            self.inner.revoke_family(f)
        }
        fn access_family(&mut self, h: &[u8; 32]) -> Result<Option<(Uuid, i64, Uuid)>, StoreError> {
            self.inner.access_family(h)
        }
        fn end_family(&mut self, f: Uuid, now: chrono::DateTime<chrono::Utc>) -> Result<(), StoreError> {
            self.inner.end_family(f, now)
        }
        fn end_staff_tokens(&mut self, id: i64, now: chrono::DateTime<chrono::Utc>) -> Result<u64, StoreError> {
            self.inner.end_staff_tokens(id, now)
        }
        fn put_tokens(&mut self, t: &crate::store::TokenIssue) -> Result<(), StoreError> {
            self.inner.put_tokens(t)
        }
    }

    fn world() -> EntityBatch {
        let starts_at = chrono::Local::now().naive_local() + chrono::Duration::days(1);
        EntityBatch {
            centres: vec![Centre {
                id: 1,
                name: "Elgin".into(),
                town: "Elgin".into(),
            }],
            activities: vec![Activity {
                id: 1,
                centre_id: 1,
                name: "Spin".into(),
                kind: ActivityKind::Class,
            }],
            sessions: vec![Session {
                id: 1,
                centre_id: 1,
                activity_id: 1,
                activity_name: "Spin".into(),
                starts_at,
                duration_minutes: 45,
                capacity: 10,
                booked: 0,
                waiting: 0,
                location: "Studio".into(),
                instructor: "Eilidh".into(),
                cancelled: false,
            }],
            customers: (1..=5)
                .map(|id| Customer {
                    id,
                    home_centre_id: 1,
                    first_name: "Seònaid".into(),
                    last_name: "MacAoidh".into(),
                    date_of_birth: chrono::NaiveDate::from_ymd_opt(1990, 1, 1).unwrap(),
                    membership_no: format!("M{id}"),
                    email: None,
                    phone: None,
                    postcode: "IV30 1AA".into(),
                    concession: false,
                })
                .collect(),
            ..EntityBatch::default()
        }
    }

    fn batch(device: Uuid, seqs: std::ops::RangeInclusive<u64>) -> Vec<Mutation> {
        seqs.map(|seq| {
            let (name, args_version, args) = Command::from(BookPlace {
                booking_id: Uuid::now_v7(),
                session_id: 1,
                customer_id: seq as i64,
            })
            .to_envelope_parts();
            Mutation {
                mutation_id: Uuid::now_v7(),
                device_id: device,
                seq,
                name: name.into(),
                args_version,
                args,
                base_cursor: None,
                created_at: Utc::now(),
                channel: Channel::Telephone,
            }
        })
        .collect()
    }

    #[test]
    fn a_transient_failure_keeps_what_came_before_and_nothing_of_itself() {
        let dir = tempfile::tempdir().unwrap();
        let (pokes, _) = tokio::sync::broadcast::channel(16);
        let storage = crate::store::sqlite::open(&dir.path().join("council.db"), pokes).unwrap();
        storage.load(&world()).unwrap();
        let staff_id = storage
            .insert_staff(&crate::store::NewStaffRecord {
                username: "desk".into(),
                display_name: "Desk".into(),
                password_hash: "!".into(),
                roles: vec![Role::LeisureDesk],
                sites: vec![Site::leisure(1)],
            })
            .unwrap();
        let caller = Caller {
            staff_id,
            device_id: Uuid::now_v7(),
            buckets: Bucket::scope(&[Role::LeisureDesk], &[Site::leisure(1)]),
            supervises: Vec::new(),
        };
        let now = chrono::Local::now().naive_local();
        let mutations = batch(caller.device_id, 1..=5);

        // Failing on the very first new mutation: an error, nothing committed.
        let first = storage
            .backend
            .write(|tx| apply_batch(&mut FailingAt { inner: tx, seq: 1 }, &caller, &mutations, now));
        assert!(
            matches!(first, Err(PushError::Store(ref e)) if e.is_transient()),
            "{first:?}"
        );
        assert_eq!(storage.count("bookings").unwrap(), 0);
        assert_eq!(storage.count("devices").unwrap(), 0);

        // Failing on seq 3: 1 and 2 are committed with their receipts; 3 left no booking.
        let result = storage
            .backend
            .write(|tx| apply_batch(&mut FailingAt { inner: tx, seq: 3 }, &caller, &mutations, now))
            .unwrap();
        assert_eq!(result.receipts.iter().map(|r| r.seq).collect::<Vec<_>>(), vec![1, 2]);
        assert_eq!(result.device_last_seq, 2);
        assert!(result.stopped.as_ref().is_some_and(StoreError::is_transient));
        assert_eq!(storage.count("bookings").unwrap(), 2);
        assert_eq!(storage.count("receipts").unwrap(), 2);
        assert_eq!(storage.session(1).unwrap().unwrap().booked, 2);

        // The desk pushes the whole batch again: 1 and 2 are replays, 3 to 5 apply once.
        let again = storage.push(&caller, &mutations, now).unwrap();
        assert_eq!(again.receipts.len(), 5);
        assert_eq!(again.receipts[..2], result.receipts[..]);
        assert!(again.receipts.iter().all(|r| r.outcome == Outcome::Applied));
        assert_eq!(storage.session(1).unwrap().unwrap().booked, 5);
        assert_eq!(storage.count("bookings").unwrap(), 5);
    }
}
