//! The demo's leisure entitlements and vouchers, drawn from the customers' ids (no random
//! stream, so the rest of the demo data stays as it was): every fourth customer a FitLife
//! member (every twelfth of those lapsed), each customer marked concession a Budget concession
//! with its evidence and review date, and a few gift vouchers per centre.

use chrono::{Days, NaiveDate};
use desk_domain::leisure::membership::{Billing, Concession, ConcessionKind, Membership, Plan};
use desk_domain::leisure::records::{Entitlement, IssuedVoucher};
use desk_domain::values::Pence;
use desk_domain::{Centre, Customer};

pub fn entitlements(customers: &[Customer], first_day: NaiveDate) -> Vec<Entitlement> {
    customers
        .iter()
        .filter_map(|c| {
            let membership = (c.id % 4 == 0).then(|| Membership {
                plan: if c.id % 8 == 0 { Plan::Family } else { Plan::Individual },
                billing: if c.id % 3 == 0 {
                    Billing::Annual
                } else {
                    Billing::Monthly
                },
                starts: first_day - Days::new(200),
                // Every twelfth member's Direct Debit stopped last month.
                paid_until: if c.id % 48 == 0 {
                    first_day - Days::new(10)
                } else {
                    first_day + Days::new(60)
                },
                frozen: false,
            });
            let concession = c.concession.then(|| Concession {
                kind: ConcessionKind::Budget,
                evidence: "Benefit award letter seen".into(),
                // High Life Highland re-proves every 6 months (DOMAIN-DETAIL §3.1); some are due.
                review_due: first_day + Days::new(if c.id % 5 == 0 { 7 } else { 150 }),
            });
            (membership.is_some() || concession.is_some()).then_some(Entitlement {
                id: c.id,
                customer_id: c.id,
                centre_id: c.home_centre_id,
                membership,
                concession,
            })
        })
        .collect()
}

/// `GIFT<centre><n>`: £5, £10 and £20, expiring in a year; one already used, one expired.
pub fn vouchers(centres: &[Centre], first_day: NaiveDate) -> Vec<IssuedVoucher> {
    let mut out = Vec::new();
    for c in centres {
        for (n, pence, expires, redeemed) in [
            (1, 500, first_day + Days::new(365), false),
            (2, 1_000, first_day + Days::new(365), false),
            (3, 2_000, first_day + Days::new(365), false),
            (4, 1_000, first_day + Days::new(365), true),
            (5, 1_000, first_day - Days::new(1), false),
        ] {
            out.push(IssuedVoucher {
                code: format!("GIFT{}{n}", c.id),
                centre_id: c.id,
                value: Pence(pence),
                expires,
                redeemed,
            });
        }
    }
    out
}
