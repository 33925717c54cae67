//! The end-of-day cash-up at a leisure desk, for this desk's drawer or the whole centre: from
//! the day's payments and refunds on this desk's replica and overlay (every desk of the centre
//! syncs them), by the domain's `cash_up`; the counted cash against the expected.

use chrono::NaiveDate;
use desk_domain::leisure::cash_up::{self, Balance, Movement, Till, TillEntry, Totals};
use desk_domain::leisure::payment::Payment;
use desk_domain::leisure::records::MoneyKind;
use desk_domain::values::Pence;
use serde::{Deserialize, Serialize};

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
}

fn line(name: &str, t: &Totals) -> TillLine {
    TillLine {
        name: name.to_owned(),
        count: t.count,
        taken_pence: t.taken.0,
        refunded_pence: t.refunded.0,
    }
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
            .db(move |conn| {
                let records = money_reads::money_on_day(conn, centre_id, day)?;
                let pending = records
                    .iter()
                    .filter(|(m, p)| *p && desk.as_ref().is_none_or(|d| *d == m.desk))
                    .count() as u32;
                let entries: Vec<TillEntry> = records
                    .into_iter()
                    .map(|(m, _)| TillEntry {
                        desk: m.desk,
                        centre_id: m.centre_id,
                        at: m.at,
                        movement: match m.kind {
                            MoneyKind::Payment => Movement::Payment(Payment {
                                method: m.method,
                                amount: m.amount,
                                tendered: m.tendered,
                                change: m.change,
                            }),
                            MoneyKind::Refund => Movement::Refund {
                                amount: m.amount,
                                to: m.method,
                            },
                        },
                    })
                    .collect();
                let till = match &desk {
                    Some(d) => Till::Desk(d),
                    None => Till::Centre(centre_id),
                };
                let c = cash_up::cash_up(&entries, till, day, Pence(float_pence));
                let count = counted_pence
                    .map(|n| cash_up::count(&c, Pence(n)))
                    .transpose()
                    .map_err(|e| DeskError::invalid(e.to_string()))?;
                Ok(CashUpView {
                    centre_id,
                    day,
                    desk: desk.clone(),
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
                })
            })
            .await
    }
}
