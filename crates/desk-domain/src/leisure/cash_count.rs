//! `leisure.record_cash_count`: the receptionist's count of a drawer at the end of the day,
//! kept with the expected cash and the difference (issue 11 §2, cash-up). The expected figure
//! is worked out again from the payments the deciding side holds, by the same [`cash_up`] rule
//! the desk showed: a payment that reached the server since the desk's cash-up makes the
//! figures differ, and the count is refused with the new expected cash rather than recorded
//! against a figure nobody saw. A count that is not balanced needs a reason — what a council's
//! finance team asks of every variance.

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::cash_up::{self, Till, TillEntry};
use super::decide::Facts;
use super::payment::MAX_TEXT;
use super::records::MAX_DESK;
use super::{Code, RecordCashCount};
use crate::Bucket;
use crate::effect::{Effect, Record};
use crate::refusal::Refusal;
use crate::service::{Ctx, Decision};
use crate::values::Pence;

/// A drawer counted: in its centre's bucket, so the centre's desks and the server see it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CashCount {
    pub id: Uuid,
    pub centre_id: i64,
    pub desk: String,
    pub day: NaiveDate,
    pub float: Pence,
    pub expected: Pence,
    pub counted: Pence,
    /// Counted less expected: negative when the drawer is short.
    pub difference: Pence,
    pub note: Option<String>,
    pub created_at: DateTime<Utc>,
    pub staff_id: i64,
}

fn refuse(code: Code, message: impl Into<String>) -> Decision {
    Err(Refusal::new(code, message))
}

pub fn record_cash_count<F: Facts + ?Sized>(
    facts: &mut F,
    a: &RecordCashCount,
    ctx: &Ctx,
) -> Result<Decision, F::Error> {
    let desk = a.desk.trim();
    if desk.is_empty() || desk.chars().count() > MAX_DESK || desk.chars().any(char::is_control) {
        return Ok(refuse(
            Code::InvalidCount,
            format!("The desk counted needs a name of 1 to {MAX_DESK} characters."),
        ));
    }
    if a.float.0 < 0 || a.counted.0 < 0 {
        return Ok(refuse(
            Code::InvalidCount,
            "The float and the counted cash cannot be negative.",
        ));
    }
    if a.day > ctx.now.date() {
        return Ok(refuse(
            Code::InvalidCount,
            format!(
                "{} has not happened yet: count today's drawer or an earlier day's.",
                a.day
            ),
        ));
    }
    let note = a.note.as_deref().map(str::trim).filter(|n| !n.is_empty());
    if note.is_some_and(|n| n.chars().count() > MAX_TEXT || n.chars().any(char::is_control)) {
        return Ok(refuse(
            Code::InvalidCount,
            format!("The reason can be at most {MAX_TEXT} characters, on one line."),
        ));
    }
    if !facts.may_write(&Bucket::LeisureSite(a.centre_id)) {
        return Ok(refuse(
            Code::InvalidCount,
            format!("Centre {} is not one of your sites.", a.centre_id),
        ));
    }
    if facts.cash_count(a.count_id)?.is_some() {
        return Ok(refuse(
            Code::InvalidCount,
            format!("A count with id {} already exists.", a.count_id),
        ));
    }
    let entries: Vec<TillEntry> = facts
        .money_on(a.centre_id, a.day)?
        .iter()
        .filter_map(TillEntry::of)
        .collect();
    let expected = cash_up::cash_up(&entries, Till::Desk(desk), a.day, a.float).expected_cash;
    if expected != a.expected {
        return Ok(refuse(
            Code::CashChanged,
            format!(
                "The drawer should now hold {expected}, not the {} shown: a payment or refund reached the council server since. Run the cash-up again and count against the new figure.",
                a.expected
            ),
        ));
    }
    let difference = Pence(a.counted.0 - expected.0);
    if difference.0 != 0 && note.is_none() {
        return Ok(refuse(
            Code::InvalidCount,
            format!("The drawer is {difference} out: give a reason for the difference."),
        ));
    }
    let count = CashCount {
        id: a.count_id,
        centre_id: a.centre_id,
        desk: desk.to_owned(),
        day: a.day,
        float: a.float,
        expected,
        counted: a.counted,
        difference,
        note: note.map(str::to_owned),
        created_at: ctx.at,
        staff_id: ctx.staff_id,
    };
    Ok(Ok(vec![Effect::Put(Record::synced(&count))]))
}
