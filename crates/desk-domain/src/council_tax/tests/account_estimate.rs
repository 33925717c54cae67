//! The estimate for a change being taken on an account: before and after, from the changes
//! already on it.

use super::world::*;
use crate::council_tax::command::{Command, ExemptionClaim, Next};
use crate::council_tax::reasons::Exemption;
use crate::council_tax::{ChargeTable, Discount, Occupancy, Plan, YearCharges, account_liability, estimate_request};
use crate::values::Pence;

fn year() -> YearCharges {
    ChargeTable::moray().year_of(d(2025, 4, 1)).unwrap().clone()
}

fn p(s: &str) -> Pence {
    s.parse().unwrap()
}

const PLAN: Plan = Plan {
    instalments: 10,
    day: 15,
};

/// A partner left on 30 September; the single person discount from 1 October is what the
/// caller asks for: Band C £1,932.58 becomes £1,691.68.
#[test]
fn an_spd_after_a_partner_leaves() {
    let mut w = world();
    take(
        &mut w,
        move_out(change_on(1, 10, CHECK, d(2025, 9, 30)), EWAN, Next::Unknown),
    );
    let est = estimate_request(
        &year(),
        &w.accounts[0],
        &w.requests,
        &spd(change_on(2, 10, CHECK, d(2025, 10, 1))),
        p("1159.56"),
        PLAN,
        d(2025, 11, 3),
    )
    .unwrap();
    assert_eq!(est.before.total.total(), p("1932.58"));
    assert_eq!(est.after.total.total(), p("1691.68"));
    assert_eq!(
        est.after.parts.last().unwrap().circumstances.discount,
        Discount::SinglePerson
    );
    assert_eq!(est.after.parts.last().unwrap().from, d(2025, 10, 1));
    assert_eq!(
        est.instalments_after.amounts,
        vec![p("177.38"), p("177.37"), p("177.37")]
    );
}

/// Morag, alone, sells: her liability ends the day before the buyer's entry on 1 September.
#[test]
fn the_last_liable_person_moving_out_ends_the_account_the_day_before() {
    let w = world();
    let cmd = move_out(
        change_on(1, 20, 2, d(2025, 9, 1)),
        "Morag Innes",
        Next::NewLiable {
            name: "Calum Reid".into(),
        },
    );
    let est = estimate_request(&year(), &w.accounts[1], &[], &cmd, p("0"), PLAN, d(2025, 8, 20)).unwrap();
    assert_eq!(est.before.total.total(), p("1932.58"));
    assert_eq!(est.after.parts.last().unwrap().until, d(2025, 8, 31));
    // 153 of 365 days of Band C: £586.39 + £103.55 + £120.15.
    assert_eq!(est.after.total.total(), p("810.09"));
    assert_eq!(est.difference, p("-1122.49"));
}

/// Isla, alone, moves into care on 30 June and the home is kept empty: exempt under para 4 for
/// six months, then the council's 50% for an unoccupied, unfurnished home (water in full).
#[test]
fn an_empty_home_exempt_then_discounted() {
    let mut w = world();
    w.accounts[0].account.liable.truncate(1);
    take(
        &mut w,
        move_out(change_on(1, 10, CHECK, d(2025, 6, 30)), ISLA, Next::Exemption),
    );
    let claim = Command::ClaimExemption(ExemptionClaim {
        change: change_on(2, 10, CHECK, d(2025, 6, 30)),
        exemption: Exemption::UnoccupiedUnfurnished,
        since: Some(d(2025, 6, 30)),
    });
    let before = account_liability(&w.accounts[0], &w.requests, &year());
    assert_eq!(before.until, None, "the owner stays liable for the empty home");
    let est = estimate_request(
        &year(),
        &w.accounts[0],
        &w.requests,
        &claim,
        p("0"),
        PLAN,
        d(2025, 7, 1),
    )
    .unwrap();
    let spans: Vec<_> = est
        .after
        .parts
        .iter()
        .map(|x| (x.from, x.until, x.circumstances.discount, x.circumstances.occupancy))
        .collect();
    assert_eq!(
        spans,
        vec![
            (d(2025, 4, 1), d(2025, 6, 29), Discount::None, Occupancy::Occupied),
            (
                d(2025, 6, 30),
                d(2025, 12, 29),
                Discount::Exempt,
                Occupancy::EmptyUnfurnished
            ),
            (
                d(2025, 12, 30),
                d(2026, 3, 31),
                Discount::None,
                Occupancy::EmptyUnfurnished
            ),
        ]
    );
    assert_eq!(est.after.parts[1].charged.total(), Pence(0));
    assert_eq!(est.after.total.total(), p("787.34"));
}
