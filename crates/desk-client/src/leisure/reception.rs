//! The reception view: everything a leisure desk shows about one customer in one read —
//! their details, membership and its status, concession and its review, messages for the
//! receptionist, bookings to come and past, payments, notes, and the price for a session by
//! the one price rule with its reason. Viewing it is audited.

use std::collections::HashMap;

use chrono::{NaiveDate, NaiveDateTime};
use desk_domain::leisure::customer_cmd::{CustomerDetails, MembershipSale, plan_words};
use desk_domain::leisure::membership::{MembershipStatus, age_on};
use desk_domain::leisure::registration::EMERGENCY_CONTACT_UNDER;
use desk_domain::leisure::{self, records::MoneyKind};
use desk_domain::{Booking, BookingStatus, CustomerNote, table};
use rusqlite::{Connection, TransactionBehavior};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::customers::name_of;
use super::pay::{PriceQuote, method_words};
use super::{Leisure, money_reads, reads};
use crate::desk::{check_id, local_now};
use crate::facts::DeskFacts;
use crate::{DeskError, audit, replica};

/// A concession review this close is flagged to the receptionist, so evidence can be asked for
/// at this visit (High Life Highland re-checks budget cards every 6 months; a fortnight's
/// warning covers a weekly visitor twice). Used where the home centre has no policy on the day;
/// otherwise its `concession_warn_days` (the figure check-in warns by) rules.
pub const REVIEW_WARNING_DAYS: i64 = 14;
/// Past bookings shown (the most recent).
pub const PAST_SHOWN: usize = 10;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct MembershipLine {
    /// "FitLife family, monthly".
    pub plan: String,
    /// `active`, `not_started`, `expired` or `frozen`.
    pub status: String,
    pub starts: NaiveDate,
    pub paid_until: NaiveDate,
    pub payer_name: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct ConcessionLine {
    pub kind: String,
    pub evidence: String,
    pub review_due: NaiveDate,
    /// Past its review date: no discount until evidence is seen again.
    pub lapsed: bool,
    /// The review is due within the home centre's warning days: ask for evidence at this visit.
    pub review_soon: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct ReceptionBooking {
    pub booking_id: Uuid,
    pub session_id: i64,
    pub activity_name: String,
    pub starts_at: NaiveDateTime,
    pub status: BookingStatus,
    pub pending: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct ReceptionPayment {
    pub payment_id: Uuid,
    pub at: NaiveDateTime,
    /// `payment` or `refund`.
    pub kind: String,
    pub method: String,
    pub amount_pence: i64,
    pub reason: String,
    pub pending: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct ReceptionView {
    pub customer_id: i64,
    pub first_name: String,
    pub last_name: String,
    pub date_of_birth: NaiveDate,
    pub age: u32,
    pub membership_no: String,
    pub home_centre: String,
    pub email: Option<String>,
    pub phone: Option<String>,
    pub postcode: String,
    /// Kept from registration at a desk; customers loaded from the council's system have none.
    pub address: Option<String>,
    pub emergency_contact: Option<String>,
    pub marketing_consent: Option<bool>,
    /// Registered on this desk and not yet confirmed by the server.
    pub pending: bool,
    pub membership: Option<MembershipLine>,
    pub concession: Option<ConcessionLine>,
    /// What the receptionist should act on at this visit, most pressing first.
    pub messages: Vec<String>,
    pub upcoming: Vec<ReceptionBooking>,
    pub past: Vec<ReceptionBooking>,
    pub payments: Vec<ReceptionPayment>,
    pub notes: Vec<CustomerNote>,
    /// The price for the session asked about, by the one price rule, with its reason.
    pub price: Option<PriceQuote>,
}

fn decode<T: serde::de::DeserializeOwned>(d: &str) -> rusqlite::Result<T> {
    serde_json::from_str(d)
        .map_err(|e| rusqlite::Error::FromSqlConversionFailure(0, rusqlite::types::Type::Text, Box::new(e)))
}

/// Every booking of a customer, the overlay's pending copy over the replica's.
fn bookings_of(conn: &Connection, customer_id: i64) -> rusqlite::Result<Vec<(Booking, bool)>> {
    let mut by_id: HashMap<Uuid, (Booking, bool)> = HashMap::new();
    let mut held = conn.prepare_cached("SELECT data FROM bookings WHERE customer_id = ?1")?;
    for d in held.query_map([customer_id], |r| r.get::<_, String>(0))? {
        let b: Booking = decode(&d?)?;
        by_id.insert(b.id, (b, false));
    }
    let mut pending = conn.prepare_cached(
        "SELECT data FROM overlay_records WHERE tbl = 'bookings' AND json_extract(data, '$.customer_id') = ?1",
    )?;
    for d in pending.query_map([customer_id], |r| r.get::<_, String>(0))? {
        let b: Booking = decode(&d?)?;
        by_id.insert(b.id, (b, true));
    }
    Ok(by_id.into_values().collect())
}

/// Records of a customer in a synced table with a `customer_id` field, pending over held.
fn of_customer<T: serde::de::DeserializeOwned>(
    conn: &Connection,
    tbl: &str,
    customer_id: i64,
    id: fn(&T) -> String,
) -> rusqlite::Result<Vec<(T, bool)>> {
    let mut by_id: HashMap<String, (T, bool)> = HashMap::new();
    // The table name is one of `table::ALL`, never input.
    let mut held = conn.prepare_cached(&format!("SELECT data FROM {tbl} WHERE customer_id = ?1"))?;
    for d in held.query_map([customer_id], |r| r.get::<_, String>(0))? {
        let t: T = decode(&d?)?;
        by_id.insert(id(&t), (t, false));
    }
    let mut pending = conn.prepare_cached(
        "SELECT data FROM overlay_records WHERE tbl = ?1 AND json_extract(data, '$.customer_id') = ?2",
    )?;
    for d in pending.query_map(rusqlite::params![tbl, customer_id], |r| r.get::<_, String>(0))? {
        let t: T = decode(&d?)?;
        by_id.insert(id(&t), (t, true));
    }
    Ok(by_id.into_values().collect())
}

fn status_word(s: MembershipStatus) -> &'static str {
    match s {
        MembershipStatus::Active => "active",
        MembershipStatus::NotStarted { .. } => "not_started",
        MembershipStatus::Expired { .. } => "expired",
        MembershipStatus::Frozen => "frozen",
    }
}

fn day(d: NaiveDate) -> String {
    d.format("%-d %b %Y").to_string()
}

pub(crate) fn reception(
    conn: &Connection,
    customer_id: i64,
    session_id: Option<i64>,
    now: NaiveDateTime,
) -> Result<ReceptionView, DeskError> {
    let today = now.date();
    let customer = replica::customer(conn, customer_id)?
        .ok_or_else(|| DeskError::NotFound(format!("Customer {customer_id} is not on this desk.")))?;
    // Registered here and not yet confirmed: the customer is on the overlay only. One the
    // server holds may be on the overlay too, with details changed here not yet confirmed.
    let on_overlay = conn
        .prepare_cached("SELECT 1 FROM overlay_records WHERE tbl IN ('customers', 'customer_details') AND id = ?1")?
        .exists([customer_id.to_string()])?;
    let held = conn
        .prepare_cached("SELECT 1 FROM customers WHERE id = ?1")?
        .exists([customer_id.to_string()])?;
    let pending = on_overlay && !held;
    let details: Option<CustomerDetails> =
        money_reads::record(conn, table::CUSTOMER_DETAILS, &customer_id.to_string())?;
    let entitlement = money_reads::entitlement(conn, customer_id)?;
    let age = age_on(customer.date_of_birth, today);
    let mut messages = Vec::new();
    if pending {
        messages.push("Registered on this desk: not yet confirmed by the council server.".to_owned());
    } else if on_overlay {
        messages.push("Details changed on this desk: not yet confirmed by the council server.".to_owned());
    }

    let mut sales = of_customer::<MembershipSale>(conn, table::MEMBERSHIP_SALES, customer_id, |s| s.id.to_string())?;
    sales.sort_by_key(|(s, _)| std::cmp::Reverse((s.sold_at, s.id)));
    let membership = match entitlement.as_ref().and_then(|e| e.membership.clone()) {
        Some(m) => {
            let status = m.status(today);
            match status {
                MembershipStatus::Expired { ended } => {
                    messages.push(format!("FitLife membership expired {}: offer a renewal.", day(ended)))
                }
                MembershipStatus::Frozen => messages.push("FitLife membership is frozen: no entry with it.".into()),
                MembershipStatus::NotStarted { starts } => {
                    messages.push(format!("FitLife membership starts {}.", day(starts)))
                }
                MembershipStatus::Active => {}
            }
            let payer = sales
                .iter()
                .find(|(s, _)| s.starts == m.starts)
                .map(|(s, _)| s.payer_id);
            Some(MembershipLine {
                plan: plan_words(m.plan, m.billing),
                status: status_word(status).to_owned(),
                starts: m.starts,
                paid_until: m.paid_until,
                payer_name: payer.map(|p| name_of(conn, p)).transpose()?,
            })
        }
        None => None,
    };
    let warn_days = money_reads::settings(conn, customer.home_centre_id)?
        .and_then(|s| s.policy_on(today).map(|p| i64::from(p.concession_warn_days)))
        .unwrap_or(REVIEW_WARNING_DAYS);
    let concession = entitlement.as_ref().and_then(|e| e.concession.clone()).map(|c| {
        let lapsed = !c.is_valid(today);
        let review_soon = !lapsed && (c.review_due - today).num_days() <= warn_days;
        if lapsed {
            messages.push(format!(
                "{} concession review was due {}: see evidence again before giving the concession price.",
                c.kind.label(),
                day(c.review_due)
            ));
        } else if review_soon {
            messages.push(format!(
                "{} concession review due {}: ask for evidence at this visit.",
                c.kind.label(),
                day(c.review_due)
            ));
        }
        ConcessionLine {
            kind: c.kind.label().to_owned(),
            evidence: c.evidence,
            review_due: c.review_due,
            lapsed,
            review_soon,
        }
    });
    if age < EMERGENCY_CONTACT_UNDER && details.as_ref().and_then(|d| d.emergency_contact.as_ref()).is_none() {
        messages.push(format!(
            "Under {EMERGENCY_CONTACT_UNDER} with no emergency contact on record: ask for one."
        ));
    }

    let mut upcoming = Vec::new();
    let mut past = Vec::new();
    for (b, pending) in bookings_of(conn, customer_id)? {
        let Some((session, _)) = reads::effective_session(conn, b.session_id)? else {
            continue;
        };
        let line = ReceptionBooking {
            booking_id: b.id,
            session_id: b.session_id,
            activity_name: session.activity_name.clone(),
            starts_at: session.starts_at,
            status: b.status,
            pending,
        };
        if session.starts_at >= now && b.status != BookingStatus::Cancelled {
            upcoming.push(line);
        } else if session.starts_at < now {
            past.push(line);
        }
    }
    upcoming.sort_by_key(|b| (b.starts_at, b.booking_id));
    past.sort_by_key(|b| std::cmp::Reverse((b.starts_at, b.booking_id)));
    past.truncate(PAST_SHOWN);

    let mut payments: Vec<ReceptionPayment> =
        of_customer::<leisure::records::MoneyRecord>(conn, table::PAYMENTS, customer_id, |m| m.id.to_string())?
            .into_iter()
            .map(|(m, pending)| ReceptionPayment {
                payment_id: m.id,
                at: m.at,
                kind: match m.kind {
                    MoneyKind::Payment => "payment",
                    MoneyKind::Refund => "refund",
                    MoneyKind::TransferOut => "transfer_out",
                    MoneyKind::TransferIn => "transfer_in",
                }
                .to_owned(),
                method: method_words(&m.method),
                amount_pence: m.amount.0,
                reason: m.reason,
                pending,
            })
            .collect();
    payments.sort_by_key(|p| std::cmp::Reverse((p.at, p.payment_id)));

    let price = match session_id {
        Some(sid) => {
            let (session, _) = reads::effective_session(conn, sid)?
                .ok_or_else(|| DeskError::NotFound(format!("Session {sid} is not on this desk.")))?;
            let quote = leisure::quote(&mut DeskFacts::new(conn), &session, &customer)??;
            Some(PriceQuote {
                session_id: sid,
                customer_id,
                price_pence: quote.price.0,
                reason: quote.reason,
            })
        }
        None => None,
    };
    let home_centre = replica::centres(conn)?
        .into_iter()
        .find(|c| c.id == customer.home_centre_id)
        .map(|c| c.name)
        .unwrap_or_else(|| format!("centre {}", customer.home_centre_id));
    audit::viewed_customer(conn, customer_id, "reception view")?;
    Ok(ReceptionView {
        customer_id,
        first_name: customer.first_name,
        last_name: customer.last_name,
        date_of_birth: customer.date_of_birth,
        age,
        membership_no: customer.membership_no,
        home_centre,
        email: customer.email,
        phone: customer.phone,
        postcode: customer.postcode,
        // A details record first made by a change holds a blank address until one is given.
        address: details.as_ref().map(|d| d.address.clone()).filter(|a| !a.is_empty()),
        emergency_contact: details.as_ref().and_then(|d| d.emergency_contact.clone()),
        marketing_consent: details.as_ref().map(|d| d.marketing_consent),
        pending,
        membership,
        concession,
        messages,
        upcoming,
        past,
        payments,
        notes: reads::notes_of(conn, customer_id)?,
        price,
    })
}

impl Leisure<'_> {
    /// Everything the reception view shows about the customer, and the price of `session_id`
    /// for them if one is asked about. Viewing it is audited.
    pub async fn reception(&self, customer_id: i64, session_id: Option<i64>) -> Result<ReceptionView, DeskError> {
        check_id("The customer id", customer_id)?;
        if let Some(s) = session_id {
            check_id("The session id", s)?;
        }
        self.desk
            .db(move |conn| {
                let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
                let view = reception(&tx, customer_id, session_id, local_now())?;
                tx.commit()?;
                Ok(view)
            })
            .await
    }
}
