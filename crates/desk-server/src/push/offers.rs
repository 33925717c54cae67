//! The server's sweep of waiting-list offers (issue 11 §5): the server is the authority for
//! an offer's expiry. Each session with an offer that ran out is decided by the domain's
//! `expire_offers` against facts read in this transaction (the session locked, as for a
//! command) and its effects written by the same interpreter, so desks pull the changes.

use std::collections::BTreeSet;

use chrono::{NaiveDateTime, Utc};
use desk_domain::{Booking, Bucket, Channel, Ctx, leisure, table};
use desk_store::Cond;
use desk_store::rows::Cell;

use super::{Facts, interpret_as};
use crate::error::StoreError;
use crate::records;
use crate::store::{Caller, StoreTx};

/// What one sweep changed: sessions whose offers moved on, and the buckets touched.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Swept {
    pub sessions: Vec<i64>,
    pub touched: Vec<String>,
}

/// Expires every offer that ran out before `now` and passes each place on, in one transaction.
pub(crate) fn sweep_offers(tx: &mut dyn StoreTx, now: NaiveDateTime) -> Result<Swept, StoreError> {
    let offered: Vec<Booking> =
        records::select(tx, table::BOOKINGS, &[Cond::Eq("status", Cell::Text("offered".into()))])?;
    let due: BTreeSet<(i64, i64)> = offered
        .iter()
        .filter(|b| b.offer_until.is_some_and(|u| u < now))
        .map(|b| (b.centre_id, b.session_id))
        .collect();
    let mut swept = Swept::default();
    let mut touched = BTreeSet::new();
    for (centre_id, session_id) in due {
        // The server acts for itself: every leisure site's records are its to write.
        let caller = Caller {
            staff_id: 0,
            device_id: uuid::Uuid::nil(),
            buckets: vec![Bucket::LeisureSite(centre_id)],
            supervises: Vec::new(),
        };
        let ctx = Ctx {
            now,
            at: Utc::now(),
            staff_id: 0,
            channel: Channel::FaceToFace,
        };
        // Lock the session first, as a command would, so a desk's push waits for the sweep.
        if tx.session_for_update(session_id)?.is_none() {
            continue;
        }
        let effects = leisure::expire_offers(
            &mut Facts {
                tx: &mut *tx,
                caller: &caller,
            },
            session_id,
            &ctx,
        )?;
        if effects.is_empty() {
            continue;
        }
        touched.extend(interpret_as(tx, None, None, &effects)?);
        swept.sessions.push(session_id);
    }
    swept.touched = touched.into_iter().collect();
    if !swept.touched.is_empty() {
        tx.notify(&crate::store::Poke {
            head: tx.head(),
            buckets: std::sync::Arc::new(swept.touched.clone()),
        })?;
    }
    Ok(swept)
}
