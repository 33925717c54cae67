//! The price rule: one pure function from the customer, what they book, where and when, to the
//! price in pence with the reason the receptionist sees ("FitLife member: included").

use chrono::NaiveDateTime;
use serde::{Deserialize, Serialize};

use super::membership::{Customer, MembershipStatus, age_on};
use super::price_list::{Item, MemberPrice, PriceBook};
use crate::values::Pence;

/// Why a customer pays what they pay.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Basis {
    MemberIncluded,
    MemberPrice,
    Concession,
    AgeConcession,
    Junior,
    Adult,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Quote {
    pub price: Pence,
    pub basis: Basis,
    /// The hours' label when a price for particular hours applied ("peak").
    pub hours: Option<String>,
    /// For the receptionist, e.g. "FitLife member: included" or "Adult (peak); membership
    /// expired 3 Jan 2027".
    pub reason: String,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PriceError {
    #[error("centre {centre_id} has no price list for {date}")]
    NoPriceList { centre_id: i64, date: chrono::NaiveDate },
    #[error("{item:?} has no price at centre {centre_id}")]
    NotPriced { centre_id: i64, item: Item },
    #[error("a date of birth after the booking ({0}) cannot be right")]
    BornAfter(chrono::NaiveDate),
}

/// The price `customer` pays for `item` at `centre_id` starting `at`: the lowest of the prices
/// they are entitled to (member, concession, age), so the receptionist never has to choose;
/// a tie goes to the membership, then the concession. A lapsed membership or a concession past
/// its review date gives no discount, and the reason says so, so the desk can ask.
pub fn price(
    book: &PriceBook,
    centre_id: i64,
    item: Item,
    at: NaiveDateTime,
    customer: &Customer,
) -> Result<Quote, PriceError> {
    let day = at.date();
    if customer.date_of_birth > day {
        return Err(PriceError::BornAfter(customer.date_of_birth));
    }
    let list = book
        .list_for(centre_id, day)
        .ok_or(PriceError::NoPriceList { centre_id, date: day })?;
    let p = list
        .price_of(item, at)
        .ok_or(PriceError::NotPriced { centre_id, item })?;
    let age = age_on(customer.date_of_birth, day);

    let mut options: Vec<(Pence, Basis, String)> = Vec::new();
    let mut notes: Vec<String> = Vec::new();
    if age < list.junior_below_age {
        options.push((
            p.junior,
            Basis::Junior,
            format!("Junior (under {})", list.junior_below_age),
        ));
    } else {
        options.push((p.adult, Basis::Adult, "Adult".into()));
    }
    if let Some(from) = list.concession_from_age.filter(|f| age >= *f) {
        options.push((
            p.concession,
            Basis::AgeConcession,
            format!("Concession (aged {from} or over)"),
        ));
    }
    if let Some(c) = &customer.concession {
        if c.is_valid(day) {
            options.push((
                p.concession,
                Basis::Concession,
                format!(
                    "Concession ({}), review due {}",
                    c.kind.label(),
                    c.review_due.format("%-d %b %Y")
                ),
            ));
        } else {
            notes.push(format!(
                "{} concession review was due {}: evidence needed again",
                c.kind.label(),
                c.review_due.format("%-d %b %Y")
            ));
        }
    }
    if let Some(m) = &customer.membership {
        match (m.status(day), p.member) {
            (MembershipStatus::Active, MemberPrice::Included) => options.push((
                Pence(0),
                Basis::MemberIncluded,
                format!("{} member: included", list.scheme),
            )),
            (MembershipStatus::Active, MemberPrice::Discounted(x)) => {
                options.push((x, Basis::MemberPrice, format!("{} member price", list.scheme)))
            }
            (MembershipStatus::Active, MemberPrice::Casual) => {}
            (MembershipStatus::Expired { ended }, _) => notes.push(format!(
                "{} membership expired {}",
                list.scheme,
                ended.format("%-d %b %Y")
            )),
            (MembershipStatus::NotStarted { starts }, _) => notes.push(format!(
                "{} membership starts {}",
                list.scheme,
                starts.format("%-d %b %Y")
            )),
            (MembershipStatus::Frozen, _) => notes.push(format!("{} membership is frozen", list.scheme)),
        }
    }
    // Lowest price; among equals the basis listed first in `Basis` (member, concession, age).
    let (price, basis, mut reason) = options
        .into_iter()
        .min_by_key(|(pence, basis, _)| (*pence, *basis))
        .expect("an age price is always an option");
    let hours = p.hours.as_ref().map(|h| h.label.clone());
    if let Some(h) = &hours {
        reason.push_str(&format!(" ({h})"));
    }
    for n in notes {
        reason.push_str("; ");
        reason.push_str(&n);
    }
    Ok(Quote {
        price,
        basis,
        hours,
        reason,
    })
}
