//! Keeping a customer's record true at the desk (issue 11 §1): `leisure.update_customer` — a
//! new phone number, a house move, a concession re-proved or ended, marketing consent withdrawn
//! (UK GDPR art. 7(3): withdrawing consent must be as easy as giving it), an emergency contact
//! added, a misspelt name or date of birth corrected.
//!
//! The command names only the fields the receptionist changed, not the whole record. The desk
//! may be offline for hours and another desk may change the same customer meanwhile: the server
//! decides each change against the record as it holds it then, so two desks changing different
//! fields (one the phone, the other the concession) both stand, where a whole-record shape
//! would put back the first desk's stale copy of the field the other changed. Two desks
//! changing the same field: the later to reach the server stands, as at a paper desk.
//!
//! The rules are registration's ([`super::registration`]), the same words for the same
//! mistakes, applied to the fields changed: a customer whose record already breaks a rule (a
//! lapsed concession, a child loaded from the council's system with no emergency contact) can
//! still have their phone number changed; the reception view flags the rest. Changing the date
//! of birth or the emergency contact checks the under-16 rule again.
//!
//! A change that names no field is refused (`invalid_customer_update`): the desk never sends
//! one. A change whose every field already holds the value asked for is applied and changes
//! nothing but the audit (two desks made the same change offline; refusing the second would
//! only give its receptionist a Needs attention line about nothing).

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::Code;
use super::customer_cmd::{CustomerDetails, check_address, clean};
use super::decide::Facts;
use super::membership::Concession;
use super::records::Entitlement;
use super::registration::{
    self, RegistrationError, check_concession, check_date_of_birth, check_email, check_emergency_contact, check_phone,
    check_postcode, normal_postcode,
};
use crate::effect::{AuditNote, Effect, Record, RecordKind};
use crate::refusal::{CommonCode, Refusal};
use crate::service::{Ctx, Decision};

/// A concession re-proved (new evidence seen, a new review date, perhaps another kind) or
/// ended.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ConcessionChange {
    Proved(Concession),
    Ended,
}

/// The fields of a customer's record the receptionist changed; a field left out is left as it
/// is. `email`, `phone` and `emergency_contact` given blank are removed.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct UpdateCustomer {
    pub customer_id: i64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub first_name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub date_of_birth: Option<NaiveDate>,
    /// House and street, town (the postcode apart).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub address: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub postcode: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub phone: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub emergency_contact: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub concession: Option<ConcessionChange>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub marketing_consent: Option<bool>,
}

/// A field of a customer's record a change may name, in the order the form shows them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Field {
    FirstName,
    LastName,
    DateOfBirth,
    Address,
    Postcode,
    Email,
    Phone,
    EmergencyContact,
    Concession,
    MarketingConsent,
}

impl Field {
    /// The field's name in the audit line (never its value: the audit says what was changed,
    /// the record says to what).
    pub fn as_str(self) -> &'static str {
        match self {
            Field::FirstName => "first_name",
            Field::LastName => "last_name",
            Field::DateOfBirth => "date_of_birth",
            Field::Address => "address",
            Field::Postcode => "postcode",
            Field::Email => "email",
            Field::Phone => "phone",
            Field::EmergencyContact => "emergency_contact",
            Field::Concession => "concession",
            Field::MarketingConsent => "marketing_consent",
        }
    }

    /// The field in words, for the summary line.
    pub fn words(self) -> &'static str {
        match self {
            Field::FirstName => "first name",
            Field::LastName => "last name",
            Field::DateOfBirth => "date of birth",
            Field::Address => "address",
            Field::Postcode => "postcode",
            Field::Email => "email",
            Field::Phone => "phone",
            Field::EmergencyContact => "emergency contact",
            Field::Concession => "concession",
            Field::MarketingConsent => "marketing consent",
        }
    }
}

impl UpdateCustomer {
    /// The fields this change names, in the form's order.
    pub fn named(&self) -> Vec<Field> {
        let mut out = Vec::new();
        let mut add = |named: bool, f: Field| {
            if named {
                out.push(f);
            }
        };
        add(self.first_name.is_some(), Field::FirstName);
        add(self.last_name.is_some(), Field::LastName);
        add(self.date_of_birth.is_some(), Field::DateOfBirth);
        add(self.address.is_some(), Field::Address);
        add(self.postcode.is_some(), Field::Postcode);
        add(self.email.is_some(), Field::Email);
        add(self.phone.is_some(), Field::Phone);
        add(self.emergency_contact.is_some(), Field::EmergencyContact);
        add(self.concession.is_some(), Field::Concession);
        add(self.marketing_consent.is_some(), Field::MarketingConsent);
        out
    }
}

/// The editable record as it stands: what the customer, their details and their entitlement
/// hold together. `address`, `emergency_contact` and `marketing_consent` are `None` for a
/// customer loaded from the council's system with no details kept at a desk.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Held {
    pub first_name: String,
    pub last_name: String,
    pub date_of_birth: NaiveDate,
    pub address: Option<String>,
    pub postcode: String,
    pub email: Option<String>,
    pub phone: Option<String>,
    pub emergency_contact: Option<String>,
    pub concession: Option<Concession>,
    pub marketing_consent: Option<bool>,
}

/// Why a change cannot be made: registration's words for a field, or the address's.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum UpdateError {
    #[error("nothing to change: name at least one detail")]
    Nothing,
    #[error(transparent)]
    Rule(#[from] RegistrationError),
    #[error("{0}")]
    Address(String),
}

/// `held` with `change` applied, tidied as registration tidies (spaces trimmed, email in lower
/// case, postcode in its usual form, blank contacts removed), and the fields whose value it
/// changes. Checked on `today` by registration's rules, for the fields named.
pub fn apply(held: &Held, change: &UpdateCustomer, today: NaiveDate) -> Result<(Held, Vec<Field>), UpdateError> {
    if change.named().is_empty() {
        return Err(UpdateError::Nothing);
    }
    let mut new = held.clone();
    if let Some(n) = &change.first_name {
        registration::field(n, "the first name")?;
        new.first_name = n.trim().to_owned();
    }
    if let Some(n) = &change.last_name {
        registration::field(n, "the last name")?;
        new.last_name = n.trim().to_owned();
    }
    if let Some(d) = change.date_of_birth {
        check_date_of_birth(d, today)?;
        new.date_of_birth = d;
    }
    if let Some(a) = &change.address {
        check_address(a).map_err(UpdateError::Address)?;
        new.address = Some(a.trim().to_owned());
    }
    if let Some(p) = &change.postcode {
        check_postcode(p)?;
        new.postcode = normal_postcode(p).unwrap_or_else(|| p.trim().to_owned());
    }
    if change.email.is_some() {
        new.email = clean(&change.email).map(|e| e.to_lowercase());
        if let Some(e) = &new.email {
            check_email(e)?;
        }
    }
    if change.phone.is_some() {
        new.phone = clean(&change.phone);
        if let Some(p) = &new.phone {
            check_phone(p)?;
        }
    }
    if change.emergency_contact.is_some() {
        new.emergency_contact = clean(&change.emergency_contact);
        if let Some(c) = &new.emergency_contact {
            registration::field(c, "the emergency contact")?;
        }
    }
    if change.date_of_birth.is_some() || change.emergency_contact.is_some() {
        check_emergency_contact(new.date_of_birth, new.emergency_contact.as_deref(), today)?;
    }
    match &change.concession {
        Some(ConcessionChange::Proved(c)) => {
            let c = Concession {
                evidence: c.evidence.trim().to_owned(),
                ..c.clone()
            };
            check_concession(&c, today)?;
            new.concession = Some(c);
        }
        Some(ConcessionChange::Ended) => new.concession = None,
        None => {}
    }
    if let Some(m) = change.marketing_consent {
        new.marketing_consent = Some(m);
    }
    let changed = change
        .named()
        .into_iter()
        .filter(|f| match f {
            Field::FirstName => new.first_name != held.first_name,
            Field::LastName => new.last_name != held.last_name,
            Field::DateOfBirth => new.date_of_birth != held.date_of_birth,
            Field::Address => new.address != held.address,
            Field::Postcode => new.postcode != held.postcode,
            Field::Email => new.email != held.email,
            Field::Phone => new.phone != held.phone,
            Field::EmergencyContact => new.emergency_contact != held.emergency_contact,
            Field::Concession => new.concession != held.concession,
            Field::MarketingConsent => new.marketing_consent != held.marketing_consent,
        })
        .collect();
    Ok((new, changed))
}

/// The record as it stands, from the customer and what else is kept with them.
pub fn held(c: &crate::Customer, details: Option<&CustomerDetails>, entitlement: Option<&Entitlement>) -> Held {
    Held {
        first_name: c.first_name.clone(),
        last_name: c.last_name.clone(),
        date_of_birth: c.date_of_birth,
        // A details record first made by a change holds a blank address until one is given.
        address: details.map(|d| d.address.clone()).filter(|a| !a.is_empty()),
        postcode: c.postcode.clone(),
        email: c.email.clone(),
        phone: c.phone.clone(),
        emergency_contact: details.and_then(|d| d.emergency_contact.clone()),
        concession: entitlement.and_then(|e| e.concession.clone()),
        marketing_consent: details.map(|d| d.marketing_consent),
    }
}

pub(super) fn update_customer<F: Facts + ?Sized>(
    facts: &mut F,
    a: &UpdateCustomer,
    ctx: &Ctx,
) -> Result<Decision, F::Error> {
    let Some(customer) = facts.customer(a.customer_id)? else {
        return Ok(Err(Refusal::new(
            Code::UnknownCustomer,
            format!("There is no customer {}.", a.customer_id),
        )));
    };
    if !facts.may_write(&crate::Bucket::LeisureSite(customer.home_centre_id)) {
        return Ok(Err(Refusal::new(
            CommonCode::OutOfScope,
            "This customer belongs to a centre outside your sites, so their details cannot be changed from this desk.",
        )));
    }
    let details = facts.customer_details(customer.id)?;
    let entitlement = facts.entitlement(customer.id)?;
    let before = held(&customer, details.as_ref(), entitlement.as_ref());
    let (after, changed) = match apply(&before, a, ctx.now.date()) {
        Ok(x) => x,
        Err(e) => {
            return Ok(Err(Refusal::new(
                Code::InvalidCustomerUpdate,
                format!("Not changed: {e}."),
            )));
        }
    };
    let audit = |detail: String| {
        Effect::Audit(AuditNote {
            kind: RecordKind::Customer,
            record_id: customer.id.to_string(),
            person_id: Some(customer.id),
            detail,
        })
    };
    if changed.is_empty() {
        return Ok(Ok(vec![audit(
            "leisure.update_customer: nothing changed (already as asked)".to_owned(),
        )]));
    }
    let names: Vec<&str> = changed.iter().map(|f| f.as_str()).collect();
    let mut effects = vec![audit(format!("leisure.update_customer: {}", names.join(", ")))];
    let touches = |fs: &[Field]| changed.iter().any(|f| fs.contains(f));
    if touches(&[
        Field::FirstName,
        Field::LastName,
        Field::DateOfBirth,
        Field::Postcode,
        Field::Email,
        Field::Phone,
        Field::Concession,
    ]) {
        effects.push(Effect::Put(Record::synced(&crate::Customer {
            first_name: after.first_name.clone(),
            last_name: after.last_name.clone(),
            date_of_birth: after.date_of_birth,
            postcode: after.postcode.clone(),
            email: after.email.clone(),
            phone: after.phone.clone(),
            concession: after.concession.is_some(),
            ..customer.clone()
        })));
    }
    if touches(&[Field::Address, Field::EmergencyContact, Field::MarketingConsent]) {
        // A customer loaded from the council's system has no details kept at a desk: the first
        // change makes them, dated now and by whoever made it (no consent unless given).
        let base = details.unwrap_or(CustomerDetails {
            id: customer.id,
            customer_id: customer.id,
            centre_id: customer.home_centre_id,
            address: String::new(),
            emergency_contact: None,
            marketing_consent: false,
            registered_at: ctx.at,
            staff_id: ctx.staff_id,
        });
        effects.push(Effect::Put(Record::synced(&CustomerDetails {
            address: after.address.clone().unwrap_or_default(),
            emergency_contact: after.emergency_contact.clone(),
            marketing_consent: after.marketing_consent.unwrap_or(false),
            ..base
        })));
    }
    if touches(&[Field::Concession]) {
        // Kept with any membership the customer holds; an ended concession leaves it alone.
        let base = entitlement.unwrap_or(Entitlement {
            id: customer.id,
            customer_id: customer.id,
            centre_id: customer.home_centre_id,
            membership: None,
            concession: None,
        });
        effects.push(Effect::Put(Record::synced(&Entitlement {
            concession: after.concession.clone(),
            ..base
        })));
    }
    Ok(Ok(effects))
}

/// "Change Ewan Grant's phone and concession": the fields named, in words.
pub(super) fn update_summary(name: &str, a: &UpdateCustomer) -> String {
    let words: Vec<&str> = a.named().into_iter().map(Field::words).collect();
    match words.as_slice() {
        [] => format!("Change {name}'s details"),
        [one] => format!("Change {name}'s {one}"),
        [init @ .., last] => format!("Change {name}'s {} and {last}", init.join(", ")),
    }
}
