//! What a council charges per financial year, as configuration: Band D, the ratios, water and
//! waste water, and the premiums and discounts for empty and second homes. Read from JSON or
//! CSV (a council's own file); [`ChargeTable::moray`] holds the figures the project verified,
//! each with its source.

use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};

use crate::CouncilTaxBand;
use crate::csv_line::split_csv;
use crate::values::Pence;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ChargesError {
    #[error("the charge table is not valid JSON: {0}")]
    Json(String),
    #[error("line {line} of the charge table: {reason}")]
    Csv { line: usize, reason: String },
    #[error("the charges for the year starting {starts}: {reason}")]
    Invalid { starts: NaiveDate, reason: String },
}

/// How a part-year amount is rounded to the penny. No source gives the rule (DOMAIN-DETAIL §2.6,
/// "Rounding rule … ?"), so it is configuration.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Rounding {
    /// Each part-year total is rounded on its own (Manchester's worked example): Moray Band D
    /// from 16 May 2025 is £1,379.73. Two parts of a year may then differ from the annual by 1p.
    PerPeriod,
    /// The charge from the start of the year to each day is rounded, and a period is the
    /// difference of two such sums: the parts of a year always add up to the annual charge
    /// exactly, so no penny is lost or charged twice when liability passes from one person to
    /// another. Moray Band D from 16 May 2025 is then £1,379.74.
    FromYearStart,
}

/// One financial year's charges (1 April to 31 March).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct YearCharges {
    /// 1 April of the year.
    pub starts: NaiveDate,
    pub band_d: Pence,
    pub water_band_d: Pence,
    pub waste_water_band_d: Pence,
    /// Council-tax ratio of each band A–H to Band D, in 360ths.
    pub band_360ths: [u32; 8],
    /// Water and waste-water ratio of each band A–H to Band D, in 9ths (the pre-2017 ratios).
    pub water_9ths: [u32; 8],
    /// A disabled band reduction in Band A: the council-tax ratio charged, in 360ths of Band D.
    pub below_a_360ths: u32,
    /// The same for water and waste water, in 9ths of Band D.
    pub water_below_a_9ths: u32,
    /// Percentage added to (positive) or taken off (negative) the council tax of a second home.
    pub second_home_pct: i32,
    /// … of an unoccupied, unfurnished home in its discounted period (after any exemption).
    pub empty_unfurnished_pct: i32,
    /// … of an unoccupied but furnished home that is not a second home, in its first 12 months.
    pub empty_furnished_pct: i32,
    /// … of a home unoccupied for more than 12 months (the levy).
    pub long_term_empty_pct: i32,
    /// Whether the single person, all-disregarded and exemption discounts also reduce the water
    /// and waste-water charges.
    pub discounts_reduce_water: bool,
    pub rounding: Rounding,
    /// Where these figures come from.
    pub source: String,
}

impl YearCharges {
    /// The last day of the financial year.
    pub fn ends(&self) -> NaiveDate {
        NaiveDate::from_ymd_opt(self.starts.year() + 1, 3, 31).expect("31 March exists")
    }

    /// 366 when the year holds 29 February, otherwise 365.
    pub fn days(&self) -> i64 {
        (self.ends() - self.starts).num_days() + 1
    }

    pub fn contains(&self, d: NaiveDate) -> bool {
        self.starts <= d && d <= self.ends()
    }

    fn check(&self) -> Result<(), ChargesError> {
        let bad = |reason: &str| {
            Err(ChargesError::Invalid {
                starts: self.starts,
                reason: reason.to_owned(),
            })
        };
        if (self.starts.month(), self.starts.day()) != (4, 1) {
            return bad("a financial year starts on 1 April");
        }
        if self.band_360ths[band_index(CouncilTaxBand::D)] != 360 || self.water_9ths[band_index(CouncilTaxBand::D)] != 9
        {
            return bad("Band D's ratios must be 360/360 and 9/9");
        }
        if !self.band_360ths.windows(2).all(|w| w[0] < w[1]) || !self.water_9ths.windows(2).all(|w| w[0] < w[1]) {
            return bad("each band's ratio must be above the band below's");
        }
        if self.below_a_360ths >= self.band_360ths[0] || self.water_below_a_9ths >= self.water_9ths[0] {
            return bad("the disabled reduction in Band A must charge less than Band A");
        }
        if [self.band_d, self.water_band_d, self.waste_water_band_d]
            .iter()
            .any(|p| p.0 < 0)
        {
            return bad("charges cannot be negative");
        }
        let pcts = [
            self.second_home_pct,
            self.empty_unfurnished_pct,
            self.empty_furnished_pct,
            self.long_term_empty_pct,
        ];
        if pcts.iter().any(|p| !(-100..=300).contains(p)) {
            return bad("a premium or discount must be between -100% and +300%");
        }
        Ok(())
    }
}

pub(crate) fn band_index(b: CouncilTaxBand) -> usize {
    b as usize
}

/// A council's charges over the years it has set them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ChargeTable {
    pub council: String,
    pub years: Vec<YearCharges>,
}

impl ChargeTable {
    /// The year holding `d`, if the council's charges for it are known.
    pub fn year_of(&self, d: NaiveDate) -> Option<&YearCharges> {
        self.years.iter().find(|y| y.contains(d))
    }

    fn checked(self) -> Result<Self, ChargesError> {
        for y in &self.years {
            y.check()?;
        }
        Ok(self)
    }

    pub fn from_json(text: &str) -> Result<Self, ChargesError> {
        let t: ChargeTable = serde_json::from_str(text).map_err(|e| ChargesError::Json(e.to_string()))?;
        t.checked()
    }

    /// One year a line under a header line naming the columns ([`CSV_COLUMNS`], in any order);
    /// the ratios are written `240/280/…/882`, money in pounds (`1573.76`), the council's name
    /// in a `council` column (the same on every line).
    pub fn from_csv(text: &str) -> Result<Self, ChargesError> {
        let mut lines = text.lines().enumerate().filter(|(_, l)| !l.trim().is_empty());
        let (_, header) = lines.next().ok_or(ChargesError::Csv {
            line: 1,
            reason: "the file is empty".into(),
        })?;
        let header: Vec<&str> = split_csv(header).into_iter().map(str::trim).collect();
        let mut council = String::new();
        let mut years = Vec::new();
        for (i, line) in lines {
            let line_no = i + 1;
            let cells = split_csv(line);
            if cells.len() != header.len() {
                return Err(ChargesError::Csv {
                    line: line_no,
                    reason: format!("{} cells for {} columns", cells.len(), header.len()),
                });
            }
            let get = |name: &str| -> Result<&str, ChargesError> {
                header
                    .iter()
                    .position(|h| *h == name)
                    .map(|p| cells[p].trim())
                    .ok_or(ChargesError::Csv {
                        line: line_no,
                        reason: format!("no `{name}` column"),
                    })
            };
            let err = |col: &str, why: String| ChargesError::Csv {
                line: line_no,
                reason: format!("`{col}`: {why}"),
            };
            let money = |col: &str| -> Result<Pence, ChargesError> {
                get(col)?.parse::<Pence>().map_err(|e| err(col, e.to_string()))
            };
            let int = |col: &str| -> Result<i64, ChargesError> {
                get(col)?.parse::<i64>().map_err(|e| err(col, e.to_string()))
            };
            let ratios = |col: &str| -> Result<[u32; 8], ChargesError> {
                let v: Vec<u32> = get(col)?
                    .split('/')
                    .map(|x| x.trim().parse::<u32>())
                    .collect::<Result<_, _>>()
                    .map_err(|e| err(col, e.to_string()))?;
                v.try_into().map_err(|_| err(col, "eight ratios, A to H".into()))
            };
            let pct = |col: &str| -> Result<i32, ChargesError> {
                int(col).and_then(|n| i32::try_from(n).map_err(|e| err(col, e.to_string())))
            };
            council = get("council")?.to_owned();
            years.push(YearCharges {
                starts: NaiveDate::parse_from_str(get("starts")?, "%Y-%m-%d")
                    .map_err(|e| err("starts", e.to_string()))?,
                band_d: money("band_d")?,
                water_band_d: money("water_band_d")?,
                waste_water_band_d: money("waste_water_band_d")?,
                band_360ths: ratios("band_360ths")?,
                water_9ths: ratios("water_9ths")?,
                below_a_360ths: u32::try_from(int("below_a_360ths")?)
                    .map_err(|e| err("below_a_360ths", e.to_string()))?,
                water_below_a_9ths: u32::try_from(int("water_below_a_9ths")?)
                    .map_err(|e| err("water_below_a_9ths", e.to_string()))?,
                second_home_pct: pct("second_home_pct")?,
                empty_unfurnished_pct: pct("empty_unfurnished_pct")?,
                empty_furnished_pct: pct("empty_furnished_pct")?,
                long_term_empty_pct: pct("long_term_empty_pct")?,
                discounts_reduce_water: match get("discounts_reduce_water")? {
                    "true" | "yes" => true,
                    "false" | "no" => false,
                    other => return Err(err("discounts_reduce_water", format!("`{other}` is not yes or no"))),
                },
                rounding: match get("rounding")? {
                    "per_period" => Rounding::PerPeriod,
                    "from_year_start" => Rounding::FromYearStart,
                    other => {
                        return Err(err(
                            "rounding",
                            format!("`{other}` is not per_period or from_year_start"),
                        ));
                    }
                },
                source: get("source")?.to_owned(),
            });
        }
        ChargeTable { council, years }.checked()
    }

    /// Moray Council's charges for the years the project has verified figures for.
    pub fn moray() -> Self {
        // Since 1 April 2017 (Council Tax (Substitution of Proportion) (Scotland) Order 2016):
        // A 240, B 280, C 320, D 360, E 473, F 585, G 705, H 882 (/360). Confirmed against
        // Moray's 2025/26 bill to the penny (DOMAIN-DETAIL §2.1).
        let band_360ths = [240, 280, 320, 360, 473, 585, 705, 882];
        // Water and waste water keep the old ratios A 6/9 … H 18/9 (DOMAIN.md "Council tax";
        // every 2025/26 water figure on page_95175 is Band D × these, to the penny).
        let water_9ths = [6, 7, 8, 9, 11, 13, 15, 18];
        ChargeTable {
            council: "Moray".into(),
            years: vec![
                YearCharges {
                    starts: date(2017, 4, 1),
                    // Band D £1,169.05, water £199.26, waste water £231.30: older copy of
                    // moray.gov.uk page_95175; BBC, 15 Feb 2017 (DOMAIN.md).
                    band_d: Pence(116_905),
                    water_band_d: Pence(19_926),
                    waste_water_band_d: Pence(23_130),
                    band_360ths,
                    water_9ths,
                    // Band A with a disabled band reduction: DOMAIN.md says "Band A pays 5/9 of
                    // D"; DOMAIN-DETAIL §2.2 (mygov.scot; North Lanarkshire) words it "five-ninths
                    // of the Band A rate". The two differ, so it is configuration: 200/360 of D
                    // is taken (one ninth below A's 6/9 on the old scale), and 5/9 for water
                    // (not verified).
                    below_a_360ths: 200,
                    water_below_a_9ths: 5,
                    // Second homes in 2017/18: 10% discount (moray page_93839; marked "?" in
                    // DOMAIN-DETAIL §2.4, overtaken by the 2024 premium).
                    second_home_pct: -10,
                    // Unoccupied, unfurnished after the exemption: 50% discount; furnished:
                    // 10% discount for 12 months; levy +100% after 12 months from 1 Apr 2015
                    // (moray page_95176, page_95178).
                    empty_unfurnished_pct: -50,
                    empty_furnished_pct: -10,
                    long_term_empty_pct: 100,
                    // Not verified (no source found): discounts taken as reducing water too.
                    discounts_reduce_water: true,
                    // Not verified (DOMAIN-DETAIL §2.6): see `Rounding`.
                    rounding: Rounding::FromYearStart,
                    source: "Moray page_95175 (older copy); BBC 15 Feb 2017; page_95176; page_95178; page_93839".into(),
                },
                YearCharges {
                    starts: date(2025, 4, 1),
                    // Band D £1,573.76, water £277.92, waste water £322.47 (set 26 Feb 2025):
                    // moray.gov.uk page_95175, "Council Tax Charge" (DOMAIN-DETAIL §2.1).
                    band_d: Pence(157_376),
                    water_band_d: Pence(27_792),
                    waste_water_band_d: Pence(32_247),
                    band_360ths,
                    water_9ths,
                    below_a_360ths: 200,
                    water_below_a_9ths: 5,
                    // Second-home premium 100% from 1 Apr 2024 (moray page_153524).
                    second_home_pct: 100,
                    empty_unfurnished_pct: -50,
                    empty_furnished_pct: -10,
                    long_term_empty_pct: 100,
                    discounts_reduce_water: true,
                    rounding: Rounding::FromYearStart,
                    source: "Moray page_95175 (2025/26); page_153524; page_95176; page_95178".into(),
                },
            ],
        }
    }
}

/// The columns [`ChargeTable::from_csv`] reads.
pub const CSV_COLUMNS: [&str; 16] = [
    "council",
    "starts",
    "band_d",
    "water_band_d",
    "waste_water_band_d",
    "band_360ths",
    "water_9ths",
    "below_a_360ths",
    "water_below_a_9ths",
    "second_home_pct",
    "empty_unfurnished_pct",
    "empty_furnished_pct",
    "long_term_empty_pct",
    "discounts_reduce_water",
    "rounding",
    "source",
];

pub(crate) fn date(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).expect("a real date")
}
