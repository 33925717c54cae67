//! The estimate for an account and a change being taken: the account's liability in the year
//! as the changes taken so far leave it (before), and with this change too (after), through
//! the one [`estimate_change`]. What the agent reads to the caller at the end of the call.
//!
//! What it cannot know is estimated plainly and said on the screen: an empty home is taken as
//! unfurnished, and a discount counts only once applied for (most are not automatic: CPAG,
//! DOMAIN-DETAIL §2.2).

use chrono::{DateTime, NaiveDate, Utc};

use super::command::Command;
use super::decide::AccountFacts;
use super::estimate::{
    ChangeEstimate, Circumstances, Discount, EstimateError, Liability, Occupancy, Plan, estimate_change,
};
use super::records::{ChangeRequest, RequestStatus};
use super::rules::{Household, Taken};
use super::{YearCharges, reference_for};
use crate::CouncilTaxBand;

/// The circumstances a household on a date is charged in.
pub fn circumstances_on(band: CouncilTaxBand, h: &Household, on: NaiveDate) -> Circumstances {
    let occupied = !h.residents.is_empty();
    let discount = if h.exempt_on(on) {
        Discount::Exempt
    } else if !occupied {
        Discount::None
    } else if h.counted() == 0 {
        Discount::AllDisregarded
    } else if h.counted() == 1 && h.single_person_discount {
        Discount::SinglePerson
    } else {
        Discount::None
    };
    Circumstances {
        band,
        disabled_reduction: h.disabled_reduction,
        discount,
        occupancy: if occupied {
            Occupancy::Occupied
        } else {
            Occupancy::EmptyUnfurnished
        },
    }
}

/// The account's liability in the year: from its start (or 1 April), in the circumstances each
/// change leaves, until the day before its last liable person leaves (unless the home is kept,
/// empty, for an exemption).
pub fn account_liability(acc: &AccountFacts, requests: &[ChangeRequest], year: &YearCharges) -> Liability {
    let start = acc.liability_start.max(year.starts);
    let in_year = |d: &NaiveDate| *d > start && *d <= year.ends();
    let taken = Taken::new(requests);
    let mut dates: Vec<NaiveDate> = std::iter::once(start)
        .chain(
            requests
                .iter()
                .filter(|r| r.status != RequestStatus::Rejected)
                .map(|r| r.effective)
                .filter(in_year),
        )
        .collect();
    // The day after an exemption runs out is a change too.
    let ends: Vec<NaiveDate> = dates
        .iter()
        .filter_map(|d| taken.household_on(&acc.account, *d).exemption)
        .filter_map(|(_, last)| last.and_then(|l| l.succ_opt()))
        .filter(in_year)
        .collect();
    dates.extend(ends);
    dates.sort();
    dates.dedup();
    let mut circumstances = Vec::new();
    let mut until = None;
    for d in dates {
        let h = taken.household_on(&acc.account, d);
        if h.account_holders() == 0 && !h.kept_empty {
            until = d.pred_opt();
            break;
        }
        circumstances.push((d, circumstances_on(acc.account.band, &h, d)));
    }
    Liability {
        from: acc.liability_start,
        until,
        circumstances,
    }
}

/// Before and after `cmd` for the year, with the instalments left after `on` once `paid` is
/// taken off. A command that is not a change leaves the two the same.
pub fn estimate_request(
    year: &YearCharges,
    acc: &AccountFacts,
    requests: &[ChangeRequest],
    cmd: &Command,
    paid: crate::values::Pence,
    plan: Plan,
    on: NaiveDate,
) -> Result<ChangeEstimate, EstimateError> {
    let before = account_liability(acc, requests, year);
    let mut with = requests.to_vec();
    if let Some(c) = cmd.change() {
        let (kind, _, detail) = cmd.to_envelope_parts();
        with.push(ChangeRequest {
            id: c.request_id,
            reference: reference_for(c.request_id),
            account_id: acc.account.id,
            office_id: acc.account.office_id,
            kind: kind.to_owned(),
            effective: c.effective,
            detail,
            derived: serde_json::json!({}),
            status: RequestStatus::Received,
            status_message: None,
            needs_review: false,
            check_id: c.check_id,
            staff_id: 0,
            // Taken after every change already on the account.
            received_at: DateTime::<Utc>::MAX_UTC,
        });
    }
    let after = account_liability(acc, &with, year);
    estimate_change(year, &before, &after, paid, plan, on)
}
