//! The charge estimate: what a taxpayer owes for a financial year, before and after a change.
//! One pure function ([`estimate_change`]) over configured charges ([`YearCharges`]), the same
//! on the desk (offline, during the call) and on the server. It is an estimate: the revenue
//! system's bill confirms it.
//!
//! Order (Shelter Scotland, DOMAIN-DETAIL §2.2): the band (one lower with a disabled band
//! reduction), then the discount, then a premium or levy for an empty or second home; then the
//! days liable (annual ÷ days in the year × days liable, §2.6); then the instalments left.

use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};

use super::charges::{YearCharges, band_index};
use crate::CouncilTaxBand;
use crate::values::Pence;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum EstimateError {
    #[error("no circumstances are given from {0}, the first day liable")]
    NoCircumstances(NaiveDate),
    #[error("liability cannot end ({until}) before it starts ({from})")]
    EndsBeforeStart { from: NaiveDate, until: NaiveDate },
    #[error("a single person or all-disregarded discount needs somebody living there, not an empty or second home")]
    DiscountOnEmptyHome,
    #[error("{0} or {1} monthly instalments on the 5th, 15th or 25th")]
    BadPlan(u8, u8),
}

/// The discount for who lives there (fixed in law: Shelter Scotland, DOMAIN-DETAIL §2.2).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "snake_case")]
pub enum Discount {
    None,
    /// One adult counted: 25%.
    SinglePerson,
    /// Every resident disregarded: 50%.
    AllDisregarded,
    /// An exempt dwelling: nothing to pay.
    Exempt,
}

impl Discount {
    pub fn percent(self) -> i64 {
        match self {
            Discount::None => 0,
            Discount::SinglePerson => 25,
            Discount::AllDisregarded => 50,
            Discount::Exempt => 100,
        }
    }
}

/// Whether anyone lives there; empty and second homes carry the council's configured discount,
/// premium or levy on the council tax (never on water: moray page_95176, page_153524).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "snake_case")]
pub enum Occupancy {
    Occupied,
    SecondHome,
    EmptyUnfurnished,
    EmptyFurnished,
    LongTermEmpty,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Circumstances {
    pub band: CouncilTaxBand,
    pub disabled_reduction: bool,
    pub discount: Discount,
    pub occupancy: Occupancy,
}

impl Circumstances {
    pub fn occupied(band: CouncilTaxBand) -> Self {
        Circumstances {
            band,
            disabled_reduction: false,
            discount: Discount::None,
            occupancy: Occupancy::Occupied,
        }
    }
}

/// An amount split as the bill shows it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Charges {
    pub council_tax: Pence,
    pub water: Pence,
    pub waste_water: Pence,
}

impl Charges {
    pub fn total(&self) -> Pence {
        Pence(self.council_tax.0 + self.water.0 + self.waste_water.0)
    }

    fn map(self, f: impl Fn(Pence) -> Pence) -> Charges {
        Charges {
            council_tax: f(self.council_tax),
            water: f(self.water),
            waste_water: f(self.waste_water),
        }
    }

    fn add(self, o: Charges) -> Charges {
        Charges {
            council_tax: Pence(self.council_tax.0 + o.council_tax.0),
            water: Pence(self.water.0 + o.water.0),
            waste_water: Pence(self.waste_water.0 + o.waste_water.0),
        }
    }
}

/// `n × num / den` to the nearest penny, halves away from zero.
fn scale(p: Pence, num: i64, den: i64) -> Pence {
    let x = i128::from(p.0) * i128::from(num);
    let d = i128::from(den);
    let r = (2 * x.abs() + d) / (2 * d);
    Pence(i64::try_from(if x < 0 { -r } else { r }).expect("pence fit"))
}

/// The whole-year charge for these circumstances.
pub fn annual(year: &YearCharges, c: &Circumstances) -> Result<Charges, EstimateError> {
    let occupied = c.occupancy == Occupancy::Occupied;
    if !occupied && matches!(c.discount, Discount::SinglePerson | Discount::AllDisregarded) {
        return Err(EstimateError::DiscountOnEmptyHome);
    }
    let i = band_index(c.band);
    let (ct_ratio, water_ratio) = match (c.disabled_reduction, i) {
        (false, _) => (year.band_360ths[i], year.water_9ths[i]),
        (true, 0) => (year.below_a_360ths, year.water_below_a_9ths),
        (true, _) => (year.band_360ths[i - 1], year.water_9ths[i - 1]),
    };
    let band = Charges {
        council_tax: scale(year.band_d, i64::from(ct_ratio), 360),
        water: scale(year.water_band_d, i64::from(water_ratio), 9),
        waste_water: scale(year.waste_water_band_d, i64::from(water_ratio), 9),
    };
    let keep = 100 - c.discount.percent();
    let mut out = Charges {
        council_tax: scale(band.council_tax, keep, 100),
        ..band
    };
    if year.discounts_reduce_water {
        out.water = scale(band.water, keep, 100);
        out.waste_water = scale(band.waste_water, keep, 100);
    }
    // A premium is "not charged on exempt homes" (moray page_153524).
    let pct = match (c.occupancy, c.discount) {
        (_, Discount::Exempt) | (Occupancy::Occupied, _) => 0,
        (Occupancy::SecondHome, _) => year.second_home_pct,
        (Occupancy::EmptyUnfurnished, _) => year.empty_unfurnished_pct,
        (Occupancy::EmptyFurnished, _) => year.empty_furnished_pct,
        (Occupancy::LongTermEmpty, _) => year.long_term_empty_pct,
    };
    out.council_tax = scale(out.council_tax, 100 + i64::from(pct), 100);
    Ok(out)
}

/// The share of `annual` for the days `from..=until` of the year, by the year's rounding.
pub fn for_days(year: &YearCharges, annual: Pence, from: NaiveDate, until: NaiveDate) -> Pence {
    let n = year.days();
    let s = (from - year.starts).num_days().clamp(0, n);
    let e = ((until - year.starts).num_days() + 1).clamp(s, n);
    match year.rounding {
        super::Rounding::PerPeriod => scale(annual, e - s, n),
        super::Rounding::FromYearStart => Pence(scale(annual, e, n).0 - scale(annual, s, n).0),
    }
}

/// Who is liable in the year and in what circumstances from when.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Liability {
    /// The first day liable (a move in); before the year starts means from 1 April.
    pub from: NaiveDate,
    /// The last day liable (the day before the next person becomes liable), if it ends.
    pub until: Option<NaiveDate>,
    /// The circumstances from each date on, in date order; the first must start by `from`.
    pub circumstances: Vec<(NaiveDate, Circumstances)>,
}

/// Days of the year under one set of circumstances.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Part {
    pub from: NaiveDate,
    pub until: NaiveDate,
    pub days: i64,
    pub circumstances: Circumstances,
    /// What the whole year would cost in these circumstances.
    pub annual: Charges,
    /// What these days cost.
    pub charged: Charges,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Estimate {
    pub year_starts: NaiveDate,
    pub days_in_year: i64,
    pub parts: Vec<Part>,
    pub total: Charges,
}

/// The year's charge for a liability.
pub fn estimate(year: &YearCharges, liability: &Liability) -> Result<Estimate, EstimateError> {
    let from = liability.from.max(year.starts);
    let until = liability.until.unwrap_or(year.ends()).min(year.ends());
    if let Some(u) = liability.until
        && u < liability.from
    {
        return Err(EstimateError::EndsBeforeStart {
            from: liability.from,
            until: u,
        });
    }
    let mut parts = Vec::new();
    let mut total = Charges::default();
    if from <= until {
        let list = &liability.circumstances;
        if list.first().is_none_or(|(d, _)| *d > from) {
            return Err(EstimateError::NoCircumstances(from));
        }
        for (k, (starts, c)) in list.iter().enumerate() {
            let next = list.get(k + 1).map(|(d, _)| *d);
            let p_from = (*starts).max(from);
            let p_until = next.and_then(|d| d.pred_opt()).map_or(until, |d| d.min(until));
            if p_from > p_until {
                continue;
            }
            let a = annual(year, c)?;
            let charged = a.map(|x| for_days(year, x, p_from, p_until));
            total = total.add(charged);
            parts.push(Part {
                from: p_from,
                until: p_until,
                days: (p_until - p_from).num_days() + 1,
                circumstances: *c,
                annual: a,
                charged,
            });
        }
    }
    Ok(Estimate {
        year_starts: year.starts,
        days_in_year: year.days(),
        parts,
        total,
    })
}

/// Moray's monthly Direct Debit plans: 10 instalments April–January (standard) or 12
/// April–March, on the 5th, 15th or 25th (moray page_2146, DOMAIN-DETAIL §2.7).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Plan {
    pub instalments: u8,
    pub day: u8,
}

impl Plan {
    pub fn check(self) -> Result<Plan, EstimateError> {
        if matches!(self.instalments, 10 | 12) && matches!(self.day, 5 | 15 | 25) {
            Ok(self)
        } else {
            Err(EstimateError::BadPlan(10, 12))
        }
    }

    /// Every instalment date of the plan in the year.
    pub fn dates(self, year: &YearCharges) -> Vec<NaiveDate> {
        (0..u32::from(self.instalments))
            .map(|k| {
                let m0 = year.starts.month0() + k;
                NaiveDate::from_ymd_opt(year.starts.year() + (m0 / 12) as i32, m0 % 12 + 1, u32::from(self.day))
                    .expect("the 5th, 15th and 25th exist in every month")
            })
            .collect()
    }
}

/// What is left to pay, spread over the instalment dates left. The first instalment carries
/// the odd pence, as bills do.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Instalments {
    pub dates: Vec<NaiveDate>,
    pub amounts: Vec<Pence>,
    /// Due at once: no instalment date is left in the year (or a credit, when negative).
    pub at_once: Pence,
}

pub fn instalments(year: &YearCharges, plan: Plan, balance: Pence, after: NaiveDate) -> Instalments {
    let dates: Vec<NaiveDate> = plan.dates(year).into_iter().filter(|d| *d > after).collect();
    if balance.0 <= 0 || dates.is_empty() {
        return Instalments {
            dates: Vec::new(),
            amounts: Vec::new(),
            at_once: balance,
        };
    }
    let n = dates.len() as i64;
    let each = balance.0 / n;
    let mut amounts = vec![Pence(each); dates.len()];
    amounts[0] = Pence(balance.0 - each * (n - 1));
    Instalments {
        dates,
        amounts,
        at_once: Pence(0),
    }
}

/// The estimate the agent reads to the caller: the year before and after the change, the
/// difference, and the instalments left after `on` (the day of the call) once `paid` is taken
/// off.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct ChangeEstimate {
    pub before: Estimate,
    pub after: Estimate,
    /// After less before (negative: the bill goes down).
    pub difference: Pence,
    pub instalments_before: Instalments,
    pub instalments_after: Instalments,
}

/// The one estimate function: the same on the desk and the server.
pub fn estimate_change(
    year: &YearCharges,
    before: &Liability,
    after: &Liability,
    paid: Pence,
    plan: Plan,
    on: NaiveDate,
) -> Result<ChangeEstimate, EstimateError> {
    let plan = plan.check()?;
    let b = estimate(year, before)?;
    let a = estimate(year, after)?;
    let left = |e: &Estimate| instalments(year, plan, Pence(e.total.total().0 - paid.0), on);
    Ok(ChangeEstimate {
        difference: Pence(a.total.total().0 - b.total.total().0),
        instalments_before: left(&b),
        instalments_after: left(&a),
        before: b,
        after: a,
    })
}
