//! The customer at the desk: registering one (with the "is this them?" step, offline, over the
//! replica and this desk's pending registrations) and selling a FitLife membership. The rules
//! are `desk_domain::leisure::customer_cmd`'s; this checks the input's shape and builds views.

use chrono::NaiveDate;
use desk_domain::leisure::customer_cmd::{
    RegisterCustomer, SellMembership, desk_customer_id, duplicates_of, likeness_words, registration_of,
};
use desk_domain::leisure::membership::{Billing, Concession, ConcessionKind, Plan};
use desk_domain::leisure::registration;
use desk_domain::{Channel, Command, Customer};
use rusqlite::Connection;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::Leisure;
use crate::desk::{check_id, local_now};
use crate::{DeskError, audit, replica};

/// A concession as the registration form sends it: `kind` is `budget`, `disabled`, `carer` or
/// `student`; the evidence seen and the date it is next checked.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct ConcessionInput {
    pub kind: String,
    pub evidence: String,
    pub review_due: NaiveDate,
}

/// A new customer as the registration form sends it. `not_them` lists the customers the
/// receptionist was shown and said "no, a new customer" to.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct RegistrationInput {
    pub home_centre_id: i64,
    pub first_name: String,
    pub last_name: String,
    pub date_of_birth: NaiveDate,
    pub address: String,
    pub postcode: String,
    pub email: Option<String>,
    pub phone: Option<String>,
    pub emergency_contact: Option<String>,
    pub concession: Option<ConcessionInput>,
    pub marketing_consent: bool,
    pub not_them: Vec<i64>,
}

/// A customer on file who may be the person being registered.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct DuplicateMatch {
    pub customer_id: i64,
    pub first_name: String,
    pub last_name: String,
    pub date_of_birth: NaiveDate,
    pub postcode: String,
    pub membership_no: String,
    /// "same name and date of birth", "same email address", "similar name at the same postcode".
    pub why: String,
}

/// What registering did: the new customer's id (pending until the server confirms it), or,
/// with nothing recorded, the customers who may be them ("is this them?").
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct RegisterOutcome {
    pub customer_id: Option<i64>,
    pub matches: Vec<DuplicateMatch>,
}

/// A membership as the desk's form sends it: `plan` is `individual`, `family` or
/// `disabled_with_carer`; `billing` is `monthly`, `annual` or `free`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct MembershipInput {
    pub customer_id: i64,
    pub plan: String,
    pub billing: String,
    pub starts: NaiveDate,
    pub payer_id: i64,
    pub covers: Vec<i64>,
}

pub(super) fn concession_kind(s: &str) -> Result<ConcessionKind, DeskError> {
    Ok(match s {
        "budget" => ConcessionKind::Budget,
        "disabled" => ConcessionKind::Disabled,
        "carer" => ConcessionKind::Carer,
        "student" => ConcessionKind::Student,
        other => return Err(DeskError::invalid(format!("`{other}` is not a kind of concession."))),
    })
}

fn plan(s: &str) -> Result<Plan, DeskError> {
    Ok(match s {
        "individual" => Plan::Individual,
        "family" => Plan::Family,
        "disabled_with_carer" => Plan::DisabledWithCarer,
        other => return Err(DeskError::invalid(format!("`{other}` is not a FitLife plan."))),
    })
}

fn billing(s: &str) -> Result<Billing, DeskError> {
    Ok(match s {
        "monthly" => Billing::Monthly,
        "annual" => Billing::Annual,
        "free" => Billing::Free,
        other => return Err(DeskError::invalid(format!("`{other}` is not a way to pay."))),
    })
}

impl RegistrationInput {
    fn command(&self, customer_id: i64) -> Result<RegisterCustomer, DeskError> {
        check_id("The home centre", self.home_centre_id)?;
        let concession = match &self.concession {
            Some(c) => Some(Concession {
                kind: concession_kind(&c.kind)?,
                evidence: c.evidence.clone(),
                review_due: c.review_due,
            }),
            None => None,
        };
        Ok(RegisterCustomer {
            customer_id,
            home_centre_id: self.home_centre_id,
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
            not_them: self.not_them.clone(),
        })
    }
}

/// Customers this desk holds (replica, and its own pending registrations) who share the date
/// of birth, email or postcode: the candidates the duplicate rule compares.
pub(crate) fn customers_like(
    conn: &Connection,
    date_of_birth: NaiveDate,
    email: Option<&str>,
    postcode: &str,
) -> rusqlite::Result<Vec<Customer>> {
    let mut out: Vec<Customer> = Vec::new();
    let mut add = |data: String| -> rusqlite::Result<()> {
        let c: Customer = serde_json::from_str(&data)
            .map_err(|e| rusqlite::Error::FromSqlConversionFailure(0, rusqlite::types::Type::Text, Box::new(e)))?;
        if !out.iter().any(|o| o.id == c.id) {
            out.push(c);
        }
        Ok(())
    };
    // Pending registrations are few (one desk's, unconfirmed): read them all.
    let mut pending = conn.prepare_cached("SELECT data FROM overlay_records WHERE tbl = 'customers'")?;
    for d in pending.query_map([], |r| r.get::<_, String>(0))? {
        add(d?)?;
    }
    // Each look-up uses its index (client migrations 0001 and 0015).
    let mut held = conn.prepare_cached(
        "SELECT data FROM customers WHERE date_of_birth = ?1
         UNION SELECT data FROM customers WHERE postcode = ?2
         UNION SELECT data FROM customers WHERE email = ?3",
    )?;
    for d in held.query_map(
        rusqlite::params![date_of_birth.format("%Y-%m-%d").to_string(), postcode, email],
        |r| r.get::<_, String>(0),
    )? {
        add(d?)?;
    }
    Ok(out)
}

/// The possible duplicates of a registration the receptionist has not yet said "not them" to.
fn unconfirmed_matches(conn: &Connection, cmd: &RegisterCustomer) -> Result<Vec<DuplicateMatch>, DeskError> {
    let r = registration_of(cmd);
    let candidates = customers_like(conn, r.date_of_birth, r.email.as_deref(), &r.postcode)?;
    let mut out = Vec::new();
    for (c, why) in duplicates_of(&r, &candidates) {
        if cmd.not_them.contains(&c.id) {
            continue;
        }
        // Each customer shown is a view of their record.
        audit::viewed_customer(conn, c.id, "possible duplicate at registration")?;
        out.push(DuplicateMatch {
            customer_id: c.id,
            first_name: c.first_name,
            last_name: c.last_name,
            date_of_birth: c.date_of_birth,
            postcode: c.postcode,
            membership_no: c.membership_no,
            why: likeness_words(why).to_owned(),
        });
    }
    Ok(out)
}

impl Leisure<'_> {
    /// Registers a new customer on this desk at once (pending until the server confirms), with
    /// an id made here. If customers on file may be them, nothing is recorded and they are
    /// returned instead, to ask "is this them?"; call again with their ids in `not_them` once
    /// the receptionist has said no. Bad input is refused with the rule's words.
    pub async fn register_customer(
        &self,
        input: &RegistrationInput,
        channel: Channel,
    ) -> Result<RegisterOutcome, DeskError> {
        let customer_id = desk_customer_id(rand::random());
        let cmd = input.command(customer_id)?;
        if let Err(e) = registration::validate(&registration_of(&cmd), local_now().date()) {
            return Err(DeskError::invalid(format!("Not registered: {e}.")));
        }
        let check = cmd.clone();
        let matches = self
            .desk
            .db(move |conn| {
                let tx = conn.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
                let found = unconfirmed_matches(&tx, &check)?;
                tx.commit()?;
                Ok(found)
            })
            .await?;
        if !matches.is_empty() {
            return Ok(RegisterOutcome {
                customer_id: None,
                matches,
            });
        }
        self.desk
            .record_command(Command::from(cmd), channel, move |_| {
                Ok(RegisterOutcome {
                    customer_id: Some(customer_id),
                    matches: Vec::new(),
                })
            })
            .await
    }

    /// Sells a FitLife membership at the desk: recorded at once (pending), for the server to
    /// confirm. Refused here, with nothing recorded, if the rules say no.
    pub async fn sell_membership(&self, input: &MembershipInput, channel: Channel) -> Result<Uuid, DeskError> {
        check_id("The customer id", input.customer_id)?;
        check_id("The payer", input.payer_id)?;
        for id in &input.covers {
            check_id("Each person covered", *id)?;
        }
        let sale_id = Uuid::now_v7();
        let cmd = Command::from(SellMembership {
            sale_id,
            customer_id: input.customer_id,
            plan: plan(&input.plan)?,
            billing: billing(&input.billing)?,
            starts: input.starts,
            payer_id: input.payer_id,
            covers: input.covers.clone(),
        });
        self.desk.record_command(cmd, channel, move |_| Ok(sale_id)).await
    }
}

/// A customer's name for a line on the reception view ("customer 7" if not on this desk).
pub(crate) fn name_of(conn: &Connection, id: i64) -> rusqlite::Result<String> {
    Ok(replica::customer(conn, id)?
        .map(|c| format!("{} {}", c.first_name, c.last_name))
        .unwrap_or_else(|| format!("customer {id}")))
}

/// Lower case without accents or apostrophes, as the search index folds names.
fn folded(s: &str) -> String {
    use unicode_normalization::UnicodeNormalization;
    s.nfd()
        .filter(|c| !unicode_normalization::char::is_combining_mark(*c) && !matches!(c, '\'' | '’' | '‘'))
        .flat_map(char::to_lowercase)
        .collect()
}

/// This desk's own registrations not yet pulled back from the server, matching a search as the
/// index would (each word the start of a word of the name or the membership number, a date the
/// date of birth): a customer registered offline can be found and booked at once. They are few
/// (one desk's, unconfirmed), so they are read whole rather than indexed.
pub(crate) fn pending_matching(conn: &Connection, text: &str) -> rusqlite::Result<Vec<Customer>> {
    let q = crate::search::parse(text);
    let wanted: Vec<String> = text
        .split(|c: char| c.is_whitespace() || c == ',')
        .filter(|t| {
            NaiveDate::parse_from_str(t, "%Y-%m-%d").is_err() && NaiveDate::parse_from_str(t, "%d/%m/%Y").is_err()
        })
        .flat_map(|t| {
            folded(t)
                .split(|c: char| !c.is_alphanumeric())
                .map(str::to_owned)
                .collect::<Vec<_>>()
        })
        .filter(|w| !w.is_empty())
        .collect();
    if wanted.is_empty() && q.date_of_birth.is_none() {
        return Ok(Vec::new());
    }
    let mut out = Vec::new();
    let mut stmt = conn.prepare_cached("SELECT data FROM overlay_records WHERE tbl = 'customers'")?;
    for d in stmt.query_map([], |r| r.get::<_, String>(0))? {
        let c: Customer = serde_json::from_str(&d?)
            .map_err(|e| rusqlite::Error::FromSqlConversionFailure(0, rusqlite::types::Type::Text, Box::new(e)))?;
        let words: Vec<String> = folded(&format!("{} {} {}", c.first_name, c.last_name, c.membership_no))
            .split(|ch: char| !ch.is_alphanumeric())
            .filter(|w| !w.is_empty())
            .map(str::to_owned)
            .collect();
        let names_match = wanted.iter().all(|w| words.iter().any(|x| x.starts_with(w.as_str())));
        let born_match = q.date_of_birth.is_none_or(|d| d == c.date_of_birth);
        if names_match && born_match {
            out.push(c);
        }
    }
    Ok(out)
}
