//! What the desk knows about a customer when it prices, checks in or warns: their age on a
//! date, their membership (Moray's is FitLife) and any concession with its review date.

use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};

/// Moray FitLife: individual, or family (up to two adults and their children at one address);
/// free for a registered disabled person plus a carer (2014 scheme). DOMAIN-DETAIL §3.1.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Plan {
    Individual,
    Family,
    DisabledWithCarer,
}

/// How a membership is paid: monthly or annual Direct Debit, or free (DOMAIN-DETAIL §3.1).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Billing {
    Monthly,
    Annual,
    Free,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Membership {
    pub plan: Plan,
    pub billing: Billing,
    pub starts: NaiveDate,
    /// The last day paid for (a monthly Direct Debit moves it on each month).
    pub paid_until: NaiveDate,
    /// Frozen memberships (Gladstone's "Frozen" status, DOMAIN-DETAIL §3.4) give no entry.
    pub frozen: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MembershipStatus {
    Active,
    NotStarted { starts: NaiveDate },
    Expired { ended: NaiveDate },
    Frozen,
}

impl Membership {
    pub fn status(&self, on: NaiveDate) -> MembershipStatus {
        if on < self.starts {
            MembershipStatus::NotStarted { starts: self.starts }
        } else if on > self.paid_until {
            MembershipStatus::Expired { ended: self.paid_until }
        } else if self.frozen {
            MembershipStatus::Frozen
        } else {
            MembershipStatus::Active
        }
    }

    pub fn is_active(&self, on: NaiveDate) -> bool {
        self.status(on) == MembershipStatus::Active
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ConcessionKind {
    /// Moray's "Budget" rate: Income Support, JSA or a disability allowance (DOMAIN-DETAIL §3.1).
    Budget,
    Disabled,
    Carer,
    Student,
}

impl ConcessionKind {
    pub fn label(self) -> &'static str {
        match self {
            ConcessionKind::Budget => "Budget",
            ConcessionKind::Disabled => "Disabled",
            ConcessionKind::Carer => "Carer",
            ConcessionKind::Student => "Student",
        }
    }
}

/// A concession with the evidence staff saw. It holds until its review date, when the customer
/// shows evidence again (High Life Highland: budget cardholders re-prove every 6 months).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Concession {
    pub kind: ConcessionKind,
    pub evidence: String,
    pub review_due: NaiveDate,
}

impl Concession {
    /// Valid up to and including its review date.
    pub fn is_valid(&self, on: NaiveDate) -> bool {
        on <= self.review_due
    }
}

/// Whole years of age on `on` (a 29 February birthday counts from 1 March in other years).
pub fn age_on(date_of_birth: NaiveDate, on: NaiveDate) -> u32 {
    if on < date_of_birth {
        return 0;
    }
    let mut years = on.year() - date_of_birth.year();
    if (on.month(), on.day()) < (date_of_birth.month(), date_of_birth.day()) {
        years -= 1;
    }
    years.max(0) as u32
}

/// The customer as pricing and check-in see them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Customer {
    pub date_of_birth: NaiveDate,
    pub membership: Option<Membership>,
    pub concession: Option<Concession>,
}

/// Who a family membership may cover: up to `max_adults` adults (aged `adult_from_age` or
/// over) and any number of children, all at one address.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct FamilyRule {
    pub max_adults: u32,
    pub adult_from_age: u32,
}

impl FamilyRule {
    /// FitLife family: "up to 2 adults over 18 plus any number of children at the same
    /// address" (Moray Leisure Centre FitLife FAQ, DOMAIN-DETAIL §3.1, ✔).
    pub fn fitlife() -> Self {
        FamilyRule {
            max_adults: 2,
            adult_from_age: 18,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum FamilyError {
    #[error("a family membership covers at most {max} adults; this has {adults}")]
    TooManyAdults { adults: u32, max: u32 },
    #[error("everyone on a family membership lives at one address")]
    DifferentAddresses,
    #[error("a family membership needs at least one adult")]
    NoAdult,
}

/// Checks the people on a family membership on `on`: each as date of birth and address (any
/// text that is the same for one household, e.g. a UPRN or a normalised address).
pub fn check_family(rule: FamilyRule, people: &[(NaiveDate, &str)], on: NaiveDate) -> Result<(), FamilyError> {
    let adults = people
        .iter()
        .filter(|(dob, _)| age_on(*dob, on) >= rule.adult_from_age)
        .count() as u32;
    if adults == 0 {
        return Err(FamilyError::NoAdult);
    }
    if adults > rule.max_adults {
        return Err(FamilyError::TooManyAdults {
            adults,
            max: rule.max_adults,
        });
    }
    let home = |a: &str| a.split_whitespace().collect::<Vec<_>>().join(" ").to_lowercase();
    if people.windows(2).any(|w| home(w[0].1) != home(w[1].1)) {
        return Err(FamilyError::DifferentAddresses);
    }
    Ok(())
}
