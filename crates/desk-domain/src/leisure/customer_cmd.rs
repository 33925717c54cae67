//! The customer at the desk (issue 11 §1): `leisure.register_customer` and
//! `leisure.sell_membership`, over the pure cores in [`super::registration`] and
//! [`super::membership`].
//!
//! A customer registered on a desk (perhaps offline) needs an id before the server has seen
//! them: bookings and notes made straight after name it, and `customers.id` is an integer
//! everywhere. The desk draws it at random from [`DESK_CUSTOMER_IDS`], the 52-bit range just
//! below 2^53: the demo data and every council's imported customers number from 1 upwards and
//! never come near it, every id stays exact in the app's JavaScript (integers are exact below
//! 2^53), and two desks draw the same id with odds of about n²/2^53 for n registrations — one
//! in nine hundred thousand for a hundred thousand. A clash is still caught: the server refuses
//! an id already taken with `customer_id_taken`, and nothing of the command is kept.

use std::ops::Range;

use chrono::{DateTime, Months, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::Code;
use super::decide::Facts;
use super::membership::{Billing, Concession, FamilyRule, Membership, MembershipStatus, Plan, age_on, check_family};
use super::records::Entitlement;
use super::registration::{self, MAX_FIELD, OnFile, Registration, normal_postcode};
use crate::effect::{AuditNote, Effect, Record, RecordKind};
use crate::refusal::{CommonCode, Refusal};
use crate::service::{Ctx, Decision};
use crate::wire::Alternative;
use crate::{Bucket, Customer};

/// Where ids of customers registered on a desk are drawn from (see the module's comment).
pub const DESK_CUSTOMER_IDS: Range<i64> = (1 << 52)..(1 << 53);

/// A desk-made customer id from 64 random bits: the low 52 bits, placed in
/// [`DESK_CUSTOMER_IDS`].
pub fn desk_customer_id(random: u64) -> i64 {
    DESK_CUSTOMER_IDS.start + (random & ((1 << 52) - 1)) as i64
}

/// The membership number on a desk-registered customer's card: `D` and the id, so it can never
/// repeat a council's own numbers (Moray's are `MLC` and seven digits).
pub fn desk_membership_no(customer_id: i64) -> String {
    format!("D{customer_id}")
}

/// Someone can sign a membership's Direct Debit from 16: the Age of Legal Capacity (Scotland)
/// Act 1991, s.1, gives capacity to enter a contract at 16.
pub const PAYER_FROM_AGE: u32 = 16;

/// A new customer, registered at the desk. `not_them` lists the customers the receptionist was
/// shown as possible duplicates and said "no, a new customer" to; the server refuses the
/// registration if it finds a possible duplicate not on that list (one registered at another
/// desk meanwhile, say).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RegisterCustomer {
    /// Made on the desk, in [`DESK_CUSTOMER_IDS`].
    pub customer_id: i64,
    /// Their home centre: the bucket their record lives in.
    pub home_centre_id: i64,
    pub first_name: String,
    pub last_name: String,
    pub date_of_birth: NaiveDate,
    /// House and street, town (the postcode apart).
    pub address: String,
    pub postcode: String,
    pub email: Option<String>,
    pub phone: Option<String>,
    /// Name and phone number; needed under 16.
    pub emergency_contact: Option<String>,
    pub concession: Option<Concession>,
    pub marketing_consent: bool,
    #[serde(default)]
    pub not_them: Vec<i64>,
}

/// A FitLife membership sold at the desk: who it is for, the plan and billing, the first day,
/// and who pays. A family membership names the others it covers.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SellMembership {
    pub sale_id: Uuid,
    pub customer_id: i64,
    pub plan: Plan,
    pub billing: Billing,
    pub starts: NaiveDate,
    pub payer_id: i64,
    #[serde(default)]
    pub covers: Vec<i64>,
}

/// What the desk keeps of a customer beyond the fields every booking screen reads (`id` is the
/// customer's id): the address, the emergency contact, the marketing consent, and who
/// registered them when. In the customer's home centre's bucket, like the customer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CustomerDetails {
    pub id: i64,
    pub customer_id: i64,
    pub centre_id: i64,
    pub address: String,
    pub emergency_contact: Option<String>,
    pub marketing_consent: bool,
    pub registered_at: DateTime<Utc>,
    pub staff_id: i64,
}

/// A membership sold at a desk, kept as sold (the customer's entitlement holds the membership
/// in force; this keeps who pays and who sold it).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MembershipSale {
    pub id: Uuid,
    pub customer_id: i64,
    pub centre_id: i64,
    pub plan: Plan,
    pub billing: Billing,
    pub starts: NaiveDate,
    pub paid_until: NaiveDate,
    pub payer_id: i64,
    pub covers: Vec<i64>,
    pub sold_at: DateTime<Utc>,
    pub staff_id: i64,
}

fn refuse(code: Code, message: impl Into<String>) -> Decision {
    Err(Refusal::new(code, message))
}

pub(super) fn clean(s: &Option<String>) -> Option<String> {
    s.as_deref().map(str::trim).filter(|t| !t.is_empty()).map(str::to_owned)
}

/// The address (house and street, town): present, at most two fields long, no control
/// characters but line breaks. Shared with changing a customer's details.
pub fn check_address(address: &str) -> Result<(), String> {
    let address = address.trim();
    if address.is_empty() {
        return Err("the address is missing".to_owned());
    }
    if address.chars().count() > MAX_FIELD * 2 || address.chars().any(|c| c.is_control() && c != '\n') {
        return Err(format!(
            "the address is longer than {} characters or holds control characters",
            MAX_FIELD * 2
        ));
    }
    Ok(())
}

/// Why a customer on file may be the one being registered, in words for the "is this them?" step.
pub fn likeness_words(why: registration::Likeness) -> &'static str {
    match why {
        registration::Likeness::SameNameAndBirth => "same name and date of birth",
        registration::Likeness::SameEmail => "same email address",
        registration::Likeness::SimilarNameSamePostcode => "similar name at the same postcode",
    }
}

/// The registration as the pure core checks it, with the text tidied (spaces trimmed, email in
/// lower case, postcode in its usual form).
pub fn registration_of(a: &RegisterCustomer) -> Registration {
    Registration {
        first_name: a.first_name.trim().to_owned(),
        last_name: a.last_name.trim().to_owned(),
        date_of_birth: a.date_of_birth,
        postcode: normal_postcode(&a.postcode).unwrap_or_else(|| a.postcode.trim().to_owned()),
        email: clean(&a.email).map(|e| e.to_lowercase()),
        phone: clean(&a.phone),
        emergency_contact: clean(&a.emergency_contact),
        concession: a.concession.clone().map(|c| Concession {
            evidence: c.evidence.trim().to_owned(),
            ..c
        }),
        marketing_consent: a.marketing_consent,
    }
}

/// Customers the desk or server holds who may be this person, strongest likeness first, as
/// alternatives for the "is this them?" step.
pub fn duplicates_of(r: &Registration, candidates: &[Customer]) -> Vec<(Customer, registration::Likeness)> {
    let on_file: Vec<OnFile> = candidates
        .iter()
        .map(|c| OnFile {
            id: c.id,
            first_name: c.first_name.clone(),
            last_name: c.last_name.clone(),
            date_of_birth: c.date_of_birth,
            postcode: c.postcode.clone(),
            email: c.email.clone(),
        })
        .collect();
    registration::possible_duplicates(r, &on_file)
        .into_iter()
        .filter_map(|(f, why)| candidates.iter().find(|c| c.id == f.id).map(|c| (c.clone(), why)))
        .collect()
}

pub(super) fn register_customer<F: Facts + ?Sized>(
    facts: &mut F,
    a: &RegisterCustomer,
    ctx: &Ctx,
) -> Result<Decision, F::Error> {
    let bucket = Bucket::LeisureSite(a.home_centre_id);
    if !facts.may_write(&bucket) {
        return Ok(Err(Refusal::new(
            CommonCode::OutOfScope,
            "That home centre is outside your sites, so the customer cannot be registered there from this desk.",
        )));
    }
    if !DESK_CUSTOMER_IDS.contains(&a.customer_id) {
        return Ok(refuse(
            Code::InvalidRegistration,
            format!(
                "A customer id made on a desk lies in {DESK_CUSTOMER_IDS:?}; {} does not.",
                a.customer_id
            ),
        ));
    }
    let r = registration_of(a);
    let today = ctx.now.date();
    if let Err(e) = registration::validate(&r, today) {
        return Ok(refuse(Code::InvalidRegistration, format!("Not registered: {e}.")));
    }
    let address = a.address.trim();
    if let Err(e) = check_address(address) {
        return Ok(refuse(Code::InvalidRegistration, format!("Not registered: {e}.")));
    }
    if facts.customer(a.customer_id)?.is_some() {
        return Ok(refuse(
            Code::CustomerIdTaken,
            format!(
                "Customer id {} is already taken; the desk draws another and registers again.",
                a.customer_id
            ),
        ));
    }
    let postcode = r.postcode.clone();
    let candidates: Vec<Customer> = facts
        .customers_like(r.date_of_birth, r.email.as_deref(), &postcode)?
        .into_iter()
        .filter(|c| facts.may_write(&Bucket::LeisureSite(c.home_centre_id)))
        .collect();
    let unconfirmed: Vec<(Customer, registration::Likeness)> = duplicates_of(&r, &candidates)
        .into_iter()
        .filter(|(c, _)| !a.not_them.contains(&c.id))
        .collect();
    if !unconfirmed.is_empty() {
        let alternatives = unconfirmed
            .iter()
            .map(|(c, why)| Alternative::ExistingCustomer {
                customer_id: c.id,
                summary: format!(
                    "{} {}, born {}, {} ({})",
                    c.first_name,
                    c.last_name,
                    c.date_of_birth.format("%-d %b %Y"),
                    c.postcode,
                    likeness_words(*why)
                ),
            })
            .collect();
        return Ok(Err(Refusal::new(
            Code::PossibleDuplicate,
            format!(
                "{} {} may already be a customer: is this them? Choose them, or confirm a new customer.",
                r.first_name, r.last_name
            ),
        )
        .with_alternatives(alternatives)));
    }
    let customer = Customer {
        id: a.customer_id,
        home_centre_id: a.home_centre_id,
        first_name: r.first_name.clone(),
        last_name: r.last_name.clone(),
        date_of_birth: r.date_of_birth,
        membership_no: desk_membership_no(a.customer_id),
        email: r.email.clone(),
        phone: r.phone.clone(),
        postcode,
        concession: r.concession.is_some(),
    };
    let details = CustomerDetails {
        id: a.customer_id,
        customer_id: a.customer_id,
        centre_id: a.home_centre_id,
        address: address.to_owned(),
        // Kept only when needed or given: an adult's is optional.
        emergency_contact: r.emergency_contact.clone(),
        marketing_consent: a.marketing_consent,
        registered_at: ctx.at,
        staff_id: ctx.staff_id,
    };
    let mut effects = vec![
        Effect::Audit(AuditNote {
            kind: RecordKind::Customer,
            record_id: customer.id.to_string(),
            person_id: Some(customer.id),
            detail: "leisure.register_customer".to_owned(),
        }),
        Effect::Put(Record::synced(&customer)),
        Effect::Put(Record::synced(&details)),
    ];
    if let Some(c) = r.concession {
        effects.push(Effect::Put(Record::synced(&Entitlement {
            id: customer.id,
            customer_id: customer.id,
            centre_id: customer.home_centre_id,
            membership: None,
            concession: Some(c),
        })));
    }
    Ok(Ok(effects))
}

/// The last day a membership starting on `starts` is paid for: a month or a year on, less a
/// day (a free membership is reviewed yearly, so it runs a year).
pub fn paid_until(billing: Billing, starts: NaiveDate) -> NaiveDate {
    let months = match billing {
        Billing::Monthly => 1,
        Billing::Annual | Billing::Free => 12,
    };
    starts
        .checked_add_months(Months::new(months))
        .and_then(|d| d.pred_opt())
        .unwrap_or(NaiveDate::MAX)
}

pub(super) fn sell_membership<F: Facts + ?Sized>(
    facts: &mut F,
    a: &SellMembership,
    ctx: &Ctx,
) -> Result<Decision, F::Error> {
    let today = ctx.now.date();
    let Some(customer) = facts.customer(a.customer_id)? else {
        return Ok(refuse(
            Code::UnknownCustomer,
            format!("There is no customer {}.", a.customer_id),
        ));
    };
    if !facts.may_write(&Bucket::LeisureSite(customer.home_centre_id)) {
        return Ok(Err(Refusal::new(
            CommonCode::OutOfScope,
            "This customer belongs to a centre outside your sites, so no membership can be sold from this desk.",
        )));
    }
    let invalid = |m: String| Ok(refuse(Code::InvalidMembership, m));
    if a.starts < today {
        return invalid(format!(
            "A membership cannot start in the past ({}).",
            a.starts.format("%-d %b %Y")
        ));
    }
    match (a.plan, a.billing) {
        (Plan::DisabledWithCarer, Billing::Free)
        | (Plan::Individual | Plan::Family, Billing::Monthly | Billing::Annual) => {}
        (Plan::DisabledWithCarer, _) => {
            return invalid("The disabled person and carer membership is free: choose free billing.".into());
        }
        (_, Billing::Free) => return invalid("Only the disabled person and carer membership is free.".into()),
    }
    let Some(payer) = facts.customer(a.payer_id)? else {
        return Ok(refuse(
            Code::UnknownCustomer,
            format!("There is no customer {} to pay.", a.payer_id),
        ));
    };
    if a.billing != Billing::Free && age_on(payer.date_of_birth, a.starts) < PAYER_FROM_AGE {
        return invalid(format!(
            "{} {} is under {PAYER_FROM_AGE}, so cannot sign the Direct Debit: choose an adult to pay.",
            payer.first_name, payer.last_name
        ));
    }
    let mut covered = Vec::with_capacity(a.covers.len());
    for id in &a.covers {
        if *id == customer.id || covered.iter().any(|c: &Customer| c.id == *id) {
            return invalid(format!("Customer {id} is named twice on the membership."));
        }
        let Some(c) = facts.customer(*id)? else {
            return Ok(refuse(Code::UnknownCustomer, format!("There is no customer {id}.")));
        };
        covered.push(c);
    }
    match a.plan {
        Plan::Individual if !covered.is_empty() => {
            return invalid("An individual membership covers only its holder.".into());
        }
        Plan::DisabledWithCarer if covered.len() > 1 => {
            return invalid("The disabled person and carer membership covers one carer.".into());
        }
        Plan::Family => {
            let mut people = Vec::new();
            for c in std::iter::once(&customer).chain(&covered) {
                let home = match facts.customer_details(c.id)? {
                    Some(d) => format!("{} {}", d.address, c.postcode),
                    None => c.postcode.clone(),
                };
                people.push((c.date_of_birth, home));
            }
            let refs: Vec<(NaiveDate, &str)> = people.iter().map(|(d, h)| (*d, h.as_str())).collect();
            if let Err(e) = check_family(FamilyRule::fitlife(), &refs, a.starts) {
                return invalid(format!("Not a FitLife family: {e}."));
            }
        }
        _ => {}
    }
    let membership = Membership {
        plan: a.plan,
        billing: a.billing,
        starts: a.starts,
        paid_until: paid_until(a.billing, a.starts),
        frozen: false,
    };
    let mut effects = Vec::new();
    for c in std::iter::once(&customer).chain(&covered) {
        let held = facts.entitlement(c.id)?;
        if let Some(m) = held.as_ref().and_then(|e| e.membership.as_ref())
            && matches!(
                m.status(a.starts),
                MembershipStatus::Active | MembershipStatus::Frozen | MembershipStatus::NotStarted { .. }
            )
        {
            return Ok(refuse(
                Code::AlreadyMember,
                format!(
                    "{} {} already has a membership running to {}: it cannot start again on {}.",
                    c.first_name,
                    c.last_name,
                    m.paid_until.format("%-d %b %Y"),
                    a.starts.format("%-d %b %Y")
                ),
            ));
        }
        let entitlement = Entitlement {
            id: c.id,
            customer_id: c.id,
            centre_id: c.home_centre_id,
            membership: Some(membership.clone()),
            concession: held.and_then(|e| e.concession),
        };
        effects.push(Effect::Audit(AuditNote {
            kind: RecordKind::Customer,
            record_id: c.id.to_string(),
            person_id: Some(c.id),
            detail: format!("leisure.sell_membership {}", a.sale_id),
        }));
        effects.push(Effect::Put(Record::synced(&entitlement)));
    }
    let sale = MembershipSale {
        id: a.sale_id,
        customer_id: customer.id,
        centre_id: customer.home_centre_id,
        plan: a.plan,
        billing: a.billing,
        starts: a.starts,
        paid_until: membership.paid_until,
        payer_id: payer.id,
        covers: a.covers.clone(),
        sold_at: ctx.at,
        staff_id: ctx.staff_id,
    };
    effects.push(Effect::Put(Record::synced(&sale)));
    Ok(Ok(effects))
}

/// Words for a plan and its billing: "FitLife family, monthly".
pub fn plan_words(plan: Plan, billing: Billing) -> String {
    let p = match plan {
        Plan::Individual => "individual",
        Plan::Family => "family",
        Plan::DisabledWithCarer => "disabled person and carer",
    };
    let b = match billing {
        Billing::Monthly => "monthly",
        Billing::Annual => "annual",
        Billing::Free => "free",
    };
    format!("FitLife {p}, {b}")
}

pub(super) fn register_summary(a: &RegisterCustomer) -> String {
    format!(
        "Register {} {} (born {})",
        a.first_name.trim(),
        a.last_name.trim(),
        a.date_of_birth.format("%-d %b %Y")
    )
}

pub(super) fn sell_summary(name: &str, a: &SellMembership) -> String {
    format!(
        "Sell a {} membership to {name} from {}",
        plan_words(a.plan, a.billing),
        a.starts.format("%-d %b %Y")
    )
}
