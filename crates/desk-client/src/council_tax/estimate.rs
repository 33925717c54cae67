//! The estimate read to the caller at the end of a change: the financial year of its effective
//! date before and after it, through the domain's one `estimate_request`, with the configured
//! charges. What the account does not hold (what has been paid, the instalment plan) is
//! assumed and said in the notes.

use chrono::{Datelike, NaiveDate};
use desk_domain::council_tax::records::ChangeRequest;
use desk_domain::council_tax::{
    AccountFacts, ChargeTable, Command, EstimateError, Plan, YearCharges, account_liability, estimate,
    estimate_request, instalments,
};
use desk_domain::values::Pence;

use super::views::EstimateView;

/// Moray's standard plan: 10 monthly instalments, April to January (moray page_2146,
/// DOMAIN-DETAIL §2.7). The day is not held on the desk; the 5th is assumed unless a Direct
/// Debit taken on the account says otherwise.
const STANDARD: Plan = Plan {
    instalments: 10,
    day: 5,
};

/// The plan of the latest Direct Debit change not rejected, if any.
fn plan_of(requests: &[ChangeRequest]) -> Option<Plan> {
    requests
        .iter()
        .filter(|r| r.kind == "council_tax.direct_debit")
        .filter(|r| r.status != desk_domain::council_tax::records::RequestStatus::Rejected)
        .max_by_key(|r| (r.effective, r.received_at))
        .and_then(|r| {
            let n = r.detail.get("instalments")?.as_u64()?;
            let d = r.detail.get("day")?.as_u64()?;
            Plan {
                instalments: u8::try_from(n).ok()?,
                day: u8::try_from(d).ok()?,
            }
            .check()
            .ok()
        })
}

fn pounds(p: Pence) -> String {
    let sign = if p.0 < 0 { "-" } else { "" };
    format!("{sign}£{}.{:02}", p.0.abs() / 100, p.0.abs() % 100)
}

/// `2025/26` for the year starting 1 April 2025.
pub fn year_label(year: &YearCharges) -> String {
    format!("{}/{:02}", year.starts.year(), (year.starts.year() + 1) % 100)
}

/// Before and after `cmd` for the year of its effective date, with `requests` the changes
/// already taken on the account (without this one); `None` when no charges are configured for
/// that year or the command is not a change.
pub fn for_change(
    table: &ChargeTable,
    acc: &AccountFacts,
    requests: &[ChangeRequest],
    cmd: &Command,
    today: NaiveDate,
) -> Result<Option<EstimateView>, EstimateError> {
    let Some(change) = cmd.change() else {
        return Ok(None);
    };
    let Some(year) = table.year_of(change.effective) else {
        return Ok(None);
    };
    let (plan, plan_known) = match plan_of(requests) {
        Some(p) => (p, true),
        None => (STANDARD, false),
    };
    // Paid so far: the instalments of the year as it stood, due by today.
    let before = estimate(year, &account_liability(acc, requests, year))?;
    let schedule = instalments(
        year,
        plan,
        before.total.total(),
        year.starts.pred_opt().unwrap_or(year.starts),
    );
    let paid = Pence(
        schedule
            .dates
            .iter()
            .zip(&schedule.amounts)
            .filter(|(d, _)| **d <= today)
            .map(|(_, a)| a.0)
            .sum(),
    );
    let estimate = estimate_request(year, acc, requests, cmd, paid, plan, today)?;
    let label = year_label(year);
    let mut notes = vec![
        format!(
            "This is an estimate for {label}. The revenue system works out the bill, and the new bill confirms the amount and the instalments."
        ),
        format!(
            "Paid so far is taken as the instalments due by {}: {}.",
            today.format("%-d %B %Y"),
            pounds(paid)
        ),
    ];
    if !plan_known {
        notes.push(format!(
            "Instalments are taken as {} monthly on the {}th (the standard plan); the account's own plan is on the bill.",
            STANDARD.instalments, STANDARD.day
        ));
    }
    notes.push(
        "An empty home is taken as unfurnished, and a discount counts from the date it is applied for.".to_owned(),
    );
    if year.source.starts_with("NOT PUBLISHED") {
        notes.push(format!("The {label} charges are not yet published: {}", year.source));
    }
    Ok(Some(EstimateView {
        year: label,
        estimate,
        paid_assumed: paid,
        notes,
    }))
}
