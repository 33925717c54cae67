//! The end-of-day cash-up at a leisure desk, for this desk's drawer or the whole centre: from
//! the day's payments and refunds on this desk's replica and overlay (every desk of the centre
//! syncs them), by the domain's `cash_up`; the counted cash against the expected.

use chrono::NaiveDate;
use desk_domain::leisure::RecordCashCount;
use desk_domain::leisure::cash_up::{self, Balance, Till, TillEntry, Totals};
use desk_domain::values::Pence;
use desk_domain::{Channel, Command};
use rusqlite::Connection;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::pay::desk_name;
use super::{Leisure, money_reads};
use crate::DeskError;
use crate::desk::check_id;

/// Takings under one name (a card terminal, a club's account).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct TillLine {
    pub name: String,
    pub count: u32,
    pub taken_pence: i64,
    pub refunded_pence: i64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct CashUpView {
    pub centre_id: i64,
    pub day: NaiveDate,
    /// This desk's till name; `None` for the whole centre.
    pub desk: Option<String>,
    pub float_pence: i64,
    pub cash: TillLine,
    pub expected_cash_pence: i64,
    pub cards: Vec<TillLine>,
    pub vouchers: TillLine,
    pub complimentary: u32,
    pub on_account: Vec<TillLine>,
    pub refunds: TillLine,
    /// Payments and refunds not yet confirmed by the council server (counted in).
    pub pending: u32,
    pub counted_pence: Option<i64>,
    /// Counted less expected: negative when the drawer is short.
    pub difference_pence: Option<i64>,
    /// `balanced`, `over` or `short`.
    pub balance: Option<String>,
    /// The counts recorded for the day (this desk's, or every desk's at the centre).
    pub counts: Vec<CashCountView>,
}

fn line(name: &str, t: &Totals) -> TillLine {
    TillLine {
        name: name.to_owned(),
        count: t.count,
        taken_pence: t.taken.0,
        refunded_pence: t.refunded.0,
    }
}

/// A drawer's count as recorded (`leisure.record_cash_count`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct CashCountView {
    pub id: Uuid,
    pub desk: String,
    pub float_pence: i64,
    pub expected_pence: i64,
    pub counted_pence: i64,
    pub difference_pence: i64,
    pub note: Option<String>,
    pub staff_id: i64,
    /// Not yet confirmed by the council server.
    pub pending: bool,
}

/// The cash-up of `day` at the centre, for `desk`'s drawer or (`None`) every desk's.
fn view(
    conn: &Connection,
    centre_id: i64,
    day: NaiveDate,
    desk: Option<String>,
    float_pence: i64,
    counted_pence: Option<i64>,
) -> Result<CashUpView, DeskError> {
    let records = money_reads::money_on_day(conn, centre_id, day)?;
    let pending = records
        .iter()
        .filter(|(m, p)| *p && desk.as_ref().is_none_or(|d| *d == m.desk))
        .count() as u32;
    let entries: Vec<TillEntry> = records.iter().filter_map(|(m, _)| TillEntry::of(m)).collect();
    let till = match &desk {
        Some(d) => Till::Desk(d),
        None => Till::Centre(centre_id),
    };
    let c = cash_up::cash_up(&entries, till, day, Pence(float_pence));
    let count = counted_pence
        .map(|n| cash_up::count(&c, Pence(n)))
        .transpose()
        .map_err(|e| DeskError::invalid(e.to_string()))?;
    let counts = money_reads::cash_counts_on_day(conn, centre_id, day)?
        .into_iter()
        .filter(|(k, _)| desk.as_ref().is_none_or(|d| *d == k.desk))
        .map(|(k, pending)| CashCountView {
            id: k.id,
            desk: k.desk,
            float_pence: k.float.0,
            expected_pence: k.expected.0,
            counted_pence: k.counted.0,
            difference_pence: k.difference.0,
            note: k.note,
            staff_id: k.staff_id,
            pending,
        })
        .collect();
    Ok(CashUpView {
        centre_id,
        day,
        desk,
        float_pence,
        cash: line("Cash", &c.cash),
        expected_cash_pence: c.expected_cash.0,
        cards: c.card_by_terminal.iter().map(|(t, v)| line(t, v)).collect(),
        vouchers: line("Vouchers", &c.vouchers),
        complimentary: c.complimentary,
        on_account: c.on_account.iter().map(|(a, v)| line(a, v)).collect(),
        refunds: line("Refunds", &c.refunds),
        pending,
        counted_pence: count.map(|k| k.counted.0),
        difference_pence: count.map(|k| k.difference.0),
        balance: count.map(|k| {
            match k.balance {
                Balance::Balanced => "balanced",
                Balance::Over => "over",
                Balance::Short => "short",
            }
            .to_owned()
        }),
        counts,
    })
}

impl Leisure<'_> {
    /// The cash-up of `day` at the centre: this desk's drawer (`this_desk`) or every desk's,
    /// from `float_pence`; with `counted_pence`, the difference from the expected cash.
    pub async fn cash_up(
        &self,
        centre_id: i64,
        day: NaiveDate,
        this_desk: bool,
        float_pence: i64,
        counted_pence: Option<i64>,
    ) -> Result<CashUpView, DeskError> {
        check_id("The centre id", centre_id)?;
        if float_pence < 0 || counted_pence.is_some_and(|c| c < 0) {
            return Err(DeskError::invalid("The float and the counted cash cannot be negative."));
        }
        let desk = this_desk.then(|| desk_name(self.desk.device_id()));
        self.desk
            .db(move |conn| view(conn, centre_id, day, desk, float_pence, counted_pence))
            .await
    }

    /// Records this desk's drawer counted at the end of `day`, against the expected cash its
    /// cash-up gives now; a count that is over or short needs `note`. Returns the cash-up with
    /// the count in it.
    pub async fn record_cash_count(
        &self,
        centre_id: i64,
        day: NaiveDate,
        float_pence: i64,
        counted_pence: i64,
        note: Option<String>,
    ) -> Result<CashUpView, DeskError> {
        let shown = self
            .cash_up(centre_id, day, true, float_pence, Some(counted_pence))
            .await?;
        let desk = shown.desk.clone().unwrap_or_default();
        let cmd = Command::from(RecordCashCount {
            count_id: Uuid::now_v7(),
            centre_id,
            desk: desk.clone(),
            day,
            float: Pence(float_pence),
            expected: Pence(shown.expected_cash_pence),
            counted: Pence(counted_pence),
            note,
        });
        self.desk
            .record_command(cmd, Channel::FaceToFace, move |conn| {
                view(conn, centre_id, day, Some(desk), float_pence, Some(counted_pence))
            })
            .await
    }
}
