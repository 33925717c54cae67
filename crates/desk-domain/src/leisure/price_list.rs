//! Price lists as per-site, dated configuration: for each activity and space the casual adult,
//! junior and concession prices, the member price (included or discounted) and, for spaces,
//! peak hours at their own price. Read from JSON or CSV and checked on load; the figures are
//! never constants in code ([`super::price_moray`] holds Moray's, each with its source).

use chrono::{Datelike, NaiveDate, NaiveDateTime, NaiveTime, Weekday};
use serde::{Deserialize, Serialize};

use super::membership::{Billing, Plan};
use super::table::{self, ConfigError, Row};
use crate::values::Pence;

/// What is priced: a class or activity, or a space hired by the hour.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Item {
    Activity(i64),
    Space(i64),
}

impl std::str::FromStr for Item {
    type Err = String;
    /// `activity:12` or `space:3`.
    fn from_str(s: &str) -> Result<Self, String> {
        let bad = || format!("`{s}` is not `activity:<id>` or `space:<id>`");
        let (kind, id) = s.split_once(':').ok_or_else(bad)?;
        let id: i64 = id.trim().parse().map_err(|_| bad())?;
        match kind.trim() {
            "activity" => Ok(Item::Activity(id)),
            "space" => Ok(Item::Space(id)),
            _ => Err(bad()),
        }
    }
}

/// What a member pays.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum MemberPrice {
    /// Part of the membership: nothing to pay.
    Included,
    Discounted(Pence),
    /// Members pay as everyone else does.
    Casual,
}

/// Hours with their own price (peak for spaces): on these weekdays, from `from` until `to`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Hours {
    /// Shown to the receptionist, e.g. "peak".
    pub label: String,
    pub days: Vec<Weekday>,
    pub from: NaiveTime,
    pub to: NaiveTime,
}

impl Hours {
    /// A booking is in these hours when it starts in them.
    pub fn contains(&self, at: NaiveDateTime) -> bool {
        self.days.contains(&at.weekday()) && self.from <= at.time() && at.time() < self.to
    }

    fn overlaps(&self, other: &Hours) -> bool {
        self.days.iter().any(|d| other.days.contains(d)) && self.from < other.to && other.from < self.to
    }
}

/// The prices of one item; without `hours` it is the item's price at any other time (off-peak,
/// or all day).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Price {
    pub item: Item,
    pub name: String,
    #[serde(default)]
    pub hours: Option<Hours>,
    pub adult: Pence,
    pub junior: Pence,
    pub concession: Pence,
    pub member: MemberPrice,
}

/// One site's prices from a date (until a date, or open-ended).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PriceList {
    pub centre_id: i64,
    pub from: NaiveDate,
    #[serde(default)]
    pub until: Option<NaiveDate>,
    /// The membership scheme's name, shown in reasons ("FitLife member: included").
    pub scheme: String,
    /// Customers younger than this pay the junior price.
    pub junior_below_age: u32,
    /// Customers this age or older pay the concession price without other evidence; `None`
    /// where age alone gives no concession.
    #[serde(default)]
    pub concession_from_age: Option<u32>,
    /// Where the figures come from, or "example" where no source was found.
    pub source: String,
    pub prices: Vec<Price>,
}

impl PriceList {
    pub fn covers(&self, d: NaiveDate) -> bool {
        self.from <= d && self.until.is_none_or(|u| d <= u)
    }

    /// The price of `item` for a booking starting `at`: the price whose hours hold it, else the
    /// item's price without hours.
    pub fn price_of(&self, item: Item, at: NaiveDateTime) -> Option<&Price> {
        let mine = || self.prices.iter().filter(move |p| p.item == item);
        mine()
            .find(|p| p.hours.as_ref().is_some_and(|h| h.contains(at)))
            .or_else(|| mine().find(|p| p.hours.is_none()))
    }

    fn check(&self) -> Result<(), ConfigError> {
        let what = format!("the prices of centre {} from {}", self.centre_id, self.from);
        let bad = |reason: String| Err(ConfigError::invalid(what.clone(), reason));
        if self.until.is_some_and(|u| u < self.from) {
            return bad("`until` is before `from`".into());
        }
        if !(1..=25).contains(&self.junior_below_age) {
            return bad(format!(
                "a junior age limit of {} is not plausible",
                self.junior_below_age
            ));
        }
        for (i, p) in self.prices.iter().enumerate() {
            let name = &p.name;
            let member_neg = matches!(p.member, MemberPrice::Discounted(Pence(x)) if x < 0);
            if [p.adult, p.junior, p.concession].iter().any(|x| x.0 < 0) || member_neg {
                return bad(format!("{name}: a price cannot be negative"));
            }
            if let Some(h) = p.hours.as_ref().filter(|h| h.from >= h.to || h.days.is_empty()) {
                return bad(format!(
                    "{name}: {} hours must have days and end after they start",
                    h.label
                ));
            }
            for q in &self.prices[i + 1..] {
                if q.item != p.item {
                    continue;
                }
                match (&p.hours, &q.hours) {
                    (None, None) => return bad(format!("{name}: two prices without hours")),
                    (Some(a), Some(b)) if a.overlaps(b) => {
                        return bad(format!("{name}: {} and {} hours overlap", a.label, b.label));
                    }
                    _ => {}
                }
            }
            if !self.prices.iter().any(|q| q.item == p.item && q.hours.is_none()) {
                return bad(format!(
                    "{name}: no price outside its {} hours",
                    p.hours.as_ref().map_or("", |h| &h.label)
                ));
            }
        }
        Ok(())
    }
}

/// Every site's price lists over time.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PriceBook {
    pub council: String,
    pub lists: Vec<PriceList>,
    /// What a membership costs when sold at the desk (JSON only; a CSV of prices has none).
    #[serde(default)]
    pub memberships: Vec<MembershipPrice>,
}

/// The price of a membership plan paid one way, from a date.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MembershipPrice {
    pub plan: Plan,
    pub billing: Billing,
    pub from: NaiveDate,
    /// Per month for monthly billing, per year for annual; nothing for free plans.
    pub price: Pence,
    pub source: String,
}

impl PriceBook {
    /// The list in force at `centre_id` on `d`.
    pub fn list_for(&self, centre_id: i64, d: NaiveDate) -> Option<&PriceList> {
        self.lists.iter().find(|l| l.centre_id == centre_id && l.covers(d))
    }

    /// The price of `plan` billed `billing` on `d`: the latest price from on or before `d`.
    pub fn membership_price(&self, plan: Plan, billing: Billing, d: NaiveDate) -> Option<&MembershipPrice> {
        self.memberships
            .iter()
            .filter(|m| m.plan == plan && m.billing == billing && m.from <= d)
            .max_by_key(|m| m.from)
    }

    pub fn checked(self) -> Result<Self, ConfigError> {
        for m in &self.memberships {
            let free = m.billing == Billing::Free;
            if m.price.0 < 0 || (free && m.price.0 != 0) {
                return Err(ConfigError::invalid(
                    format!("the {:?} {:?} membership from {}", m.plan, m.billing, m.from),
                    "a price cannot be negative, and a free plan costs nothing",
                ));
            }
        }
        for (i, l) in self.lists.iter().enumerate() {
            l.check()?;
            for m in &self.lists[i + 1..] {
                let apart = l.until.is_some_and(|u| u < m.from) || m.until.is_some_and(|u| u < l.from);
                if m.centre_id == l.centre_id && !apart {
                    return Err(ConfigError::invalid(
                        format!("the prices of centre {}", l.centre_id),
                        format!("the lists from {} and from {} overlap", l.from, m.from),
                    ));
                }
            }
        }
        Ok(self)
    }

    pub fn from_json(text: &str) -> Result<Self, ConfigError> {
        table::from_json::<PriceBook>(text)?.checked()
    }

    /// One price a line ([`CSV_COLUMNS`], in any order); lines with the same centre and `from`
    /// make one list, whose other list columns must then agree. Money in pounds (`4.20`), the
    /// member price `included`, `casual` or an amount, hours as `days` `Mon-Fri`, `hours_from`
    /// and `hours_to` (blank for the price at other times).
    pub fn from_csv(text: &str) -> Result<Self, ConfigError> {
        let mut council = String::new();
        let rows = table::each_row(text, |r| {
            council = r.get("council")?.to_owned();
            let list = PriceList {
                centre_id: r.parse("centre_id")?,
                from: r.date("from")?,
                until: r.opt_date("until")?,
                scheme: r.get("scheme")?.to_owned(),
                junior_below_age: r.parse("junior_below_age")?,
                concession_from_age: r
                    .opt("concession_from_age")?
                    .map(str::parse)
                    .transpose()
                    .map_err(|e| r.err("concession_from_age", e))?,
                source: r.get("source")?.to_owned(),
                prices: vec![],
            };
            Ok((list, price_row(r)?, r.line))
        })?;
        let mut lists: Vec<PriceList> = Vec::new();
        for (list, price, line) in rows {
            match lists
                .iter_mut()
                .find(|l| l.centre_id == list.centre_id && l.from == list.from)
            {
                Some(l) => {
                    let mut same = l.clone();
                    same.prices.clear();
                    if same != list {
                        return Err(ConfigError::Csv {
                            line,
                            reason: "the list columns differ from an earlier line of the same centre and date".into(),
                        });
                    }
                    l.prices.push(price);
                }
                None => lists.push(PriceList {
                    prices: vec![price],
                    ..list
                }),
            }
        }
        PriceBook {
            council,
            lists,
            memberships: vec![],
        }
        .checked()
    }
}

fn price_row(r: &Row<'_>) -> Result<Price, ConfigError> {
    let hours = match r.opt("hours_label")? {
        None => None,
        Some(label) => Some(Hours {
            label: label.to_owned(),
            days: table::parse_days(r.get("days")?).map_err(|e| r.err("days", e))?,
            from: r.time("hours_from")?,
            to: r.time("hours_to")?,
        }),
    };
    Ok(Price {
        item: r.parse("item")?,
        name: r.get("name")?.to_owned(),
        hours,
        adult: r.money("adult")?,
        junior: r.money("junior")?,
        concession: r.money("concession")?,
        member: match r.get("member")? {
            "included" => MemberPrice::Included,
            "casual" => MemberPrice::Casual,
            _ => MemberPrice::Discounted(r.money("member")?),
        },
    })
}

/// The columns [`PriceBook::from_csv`] reads.
pub const CSV_COLUMNS: [&str; 18] = [
    "council",
    "centre_id",
    "from",
    "until",
    "scheme",
    "junior_below_age",
    "concession_from_age",
    "source",
    "item",
    "name",
    "hours_label",
    "days",
    "hours_from",
    "hours_to",
    "adult",
    "junior",
    "concession",
    "member",
];
