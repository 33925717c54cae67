//! Changing a customer's details at the desk: the fields the receptionist changed, checked here
//! first by the same rules the server applies (`desk_domain::leisure::customer_update`), then
//! recorded at once (pending, offline too) so the reception view shows the new details.

use desk_domain::leisure::Facts;
use desk_domain::leisure::customer_update::{self, ConcessionChange, UpdateCustomer};
use desk_domain::leisure::membership::Concession;
use desk_domain::{Channel, Command};
use serde::{Deserialize, Serialize};

use super::Leisure;
use super::customers::{ConcessionInput, concession_kind};
use crate::DeskError;
use crate::desk::{check_id, record};
use crate::facts::DeskFacts;

/// A change to a customer's details as the form sends it: each field the receptionist changed,
/// `null` for each left as it was (so two desks changing different fields both stand). A blank
/// `email`, `phone` or `emergency_contact` removes it. `concession` is one given or re-proved
/// (new evidence seen, a new review date); `end_concession` ends the one held.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct CustomerChangesInput {
    pub customer_id: i64,
    pub first_name: Option<String>,
    pub last_name: Option<String>,
    pub date_of_birth: Option<chrono::NaiveDate>,
    pub address: Option<String>,
    pub postcode: Option<String>,
    pub email: Option<String>,
    pub phone: Option<String>,
    pub emergency_contact: Option<String>,
    pub concession: Option<ConcessionInput>,
    pub end_concession: bool,
    pub marketing_consent: Option<bool>,
}

/// What a change did: the fields whose value it changed, in words ("phone", "concession"),
/// pending until the server confirms.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct CustomerChanged {
    pub customer_id: i64,
    pub changed: Vec<String>,
}

impl CustomerChangesInput {
    fn command(&self) -> Result<UpdateCustomer, DeskError> {
        check_id("The customer id", self.customer_id)?;
        let concession = match (&self.concession, self.end_concession) {
            (Some(_), true) => {
                return Err(DeskError::invalid(
                    "Either give the concession's new evidence or end it, not both.",
                ));
            }
            (Some(c), false) => Some(ConcessionChange::Proved(Concession {
                kind: concession_kind(&c.kind)?,
                evidence: c.evidence.clone(),
                review_due: c.review_due,
            })),
            (None, true) => Some(ConcessionChange::Ended),
            (None, false) => None,
        };
        Ok(UpdateCustomer {
            customer_id: self.customer_id,
            first_name: self.first_name.clone(),
            last_name: self.last_name.clone(),
            date_of_birth: self.date_of_birth,
            address: self.address.clone(),
            postcode: self.postcode.clone(),
            email: self.email.clone(),
            phone: self.phone.clone(),
            emergency_contact: self.emergency_contact.clone(),
            concession,
            marketing_consent: self.marketing_consent,
        })
    }
}

impl Leisure<'_> {
    /// Changes a customer's details on this desk at once (pending until the server confirms).
    /// Refused here, with nothing recorded, if a field breaks registration's rules, the
    /// customer is not on this desk or outside its sites, or nothing would change.
    pub async fn update_customer(
        &self,
        input: &CustomerChangesInput,
        channel: Channel,
    ) -> Result<CustomerChanged, DeskError> {
        let cmd = input.command()?;
        self.desk
            .record_many(move |tx, now| {
                let mut facts = DeskFacts::new(tx);
                let customer = facts
                    .customer(cmd.customer_id)?
                    .ok_or_else(|| DeskError::NotFound(format!("Customer {} is not on this desk.", cmd.customer_id)))?;
                let details = facts.customer_details(customer.id)?;
                let entitlement = facts.entitlement(customer.id)?;
                let held = customer_update::held(&customer, details.as_ref(), entitlement.as_ref());
                let changed = match customer_update::apply(&held, &cmd, now.date()) {
                    Ok((_, changed)) => changed,
                    Err(e) => return Err(DeskError::invalid(format!("Not changed: {e}."))),
                };
                // The server takes a change to the values held as done; at the desk it is a
                // form saved untouched, said plainly rather than queued.
                if changed.is_empty() {
                    return Err(DeskError::invalid("Nothing to save: the details are as they were."));
                }
                record(tx, &Command::from(cmd.clone()), channel, now)?;
                Ok(CustomerChanged {
                    customer_id: customer.id,
                    changed: changed.into_iter().map(|f| f.words().to_owned()).collect(),
                })
            })
            .await
    }
}
