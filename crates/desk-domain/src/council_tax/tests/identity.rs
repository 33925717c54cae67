//! The identity check's matching, the lock after three failures, and who may change what.

use chrono::{NaiveDate, NaiveDateTime};
use uuid::Uuid;

use crate::council_tax::identity::*;
use crate::council_tax::records::{IdentityCheck, LockClearance};
use crate::council_tax::{parse_reference, reference, reference_for};
use crate::values::Pence;

fn held() -> Held {
    Held {
        dates_of_birth: vec![NaiveDate::from_ymd_opt(1961, 7, 9).unwrap()],
        postcode: "IV30 1AB".into(),
        last_instalment: Some(Pence(15_462)),
        bank_last_four: Some("0423".into()),
        phone: Some("01343 543210".into()),
    }
}

fn answer(item: Item, typed: &str) -> Answer {
    Answer {
        item,
        typed: typed.into(),
    }
}

#[test]
fn items_match_once_normalised_and_never_otherwise() {
    use Item::*;
    let cases = [
        (DateOfBirth, "1961-07-09", true),
        (DateOfBirth, "09/07/1961", true),
        (DateOfBirth, "9/7/1961", true),
        (DateOfBirth, "09.07.1961", true),
        (DateOfBirth, "09071961", true),
        (DateOfBirth, "07/09/1961", false),
        (DateOfBirth, "31/02/1961", false),
        (Postcode, "iv30 1ab", true),
        (Postcode, "IV301AB", true),
        (Postcode, " IV30  1AB ", true),
        (Postcode, "IV30 1AC", false),
        (Postcode, "IV3O 1AB", false),
        (LastInstalment, "154.62", true),
        (LastInstalment, "£154.62", true),
        (LastInstalment, "154.6", false),
        (LastInstalment, "about 150", false),
        (BankLastFour, "0423", true),
        (BankLastFour, "04 23", true),
        (BankLastFour, "423", false),
        (BankLastFour, "1234", false),
        (Phone, "01343543210", true),
        (Phone, "+44 1343 543210", true),
        (Phone, "0044 (1343) 543-210", true),
        (Phone, "+44 (0)1343 543210", true),
        (Phone, "01343 543211", false),
        (Phone, "543210", false),
        (Phone, "call me", false),
    ];
    for (item, typed, matched) in cases {
        let want = if matched { Outcome::Match } else { Outcome::NoMatch };
        assert_eq!(match_item(&answer(item, typed), &held()), want, "{item:?} {typed:?}");
    }
}

#[test]
fn postcodes_and_phones_normalise_or_are_refused() {
    for (typed, want) in [
        ("ab30 1aa", Some("AB301AA")),
        ("AB301AA", Some("AB301AA")),
        ("W1A 0AX", Some("W1A0AX")),
        ("EC1A 1BB", Some("EC1A1BB")),
        ("IV30", None),
        ("12345", None),
        ("IV30 1A", None),
        ("IV30 1AAA", None),
        ("IV30-1AA", None),
    ] {
        assert_eq!(normalise_postcode(typed).as_deref(), want, "{typed}");
    }
    for (typed, want) in [
        ("07700 900123", Some("07700900123")),
        ("+447700900123", Some("07700900123")),
        ("(01343) 563 999", Some("01343563999")),
        ("+1 555 0100", None),
        ("0800 12", None),
        ("07700 9OO123", None),
    ] {
        assert_eq!(normalise_phone(typed).as_deref(), want, "{typed}");
    }
}

#[test]
fn a_check_needs_two_different_held_items_and_passes_only_if_all_match() {
    use Item::*;
    let (passed, items) = check(&[answer(Postcode, "iv301ab"), answer(Phone, "+441343543210")], &held()).unwrap();
    assert!(passed);
    assert_eq!(items.len(), 2);
    let (passed, items) = check(&[answer(Postcode, "iv301ab"), answer(BankLastFour, "9999")], &held()).unwrap();
    assert!(!passed);
    assert_eq!(items[1].outcome, Outcome::NoMatch);

    let no_bank = Held {
        bank_last_four: None,
        ..held()
    };
    for (answers, holder) in [
        (vec![answer(Postcode, "IV30 1AB")], held()),
        (vec![answer(Postcode, "IV30 1AB"), answer(Postcode, "IV30 1AB")], held()),
        (
            vec![answer(Postcode, "IV30 1AB"), answer(BankLastFour, "0423")],
            no_bank,
        ),
    ] {
        let r = check(&answers, &holder).unwrap_err();
        assert_eq!(r.code, crate::council_tax::Code::TooFewItems.into(), "{answers:?}");
    }
}

#[test]
fn the_held_values_never_show() {
    let shown = format!("{:?}", held());
    for secret in ["1961", "IV30", "0423", "154", "543210"] {
        assert!(!shown.contains(secret), "{shown}");
    }
    let (_, items) = check(
        &[answer(Item::Postcode, "IV30 1AB"), answer(Item::Phone, "01343 543211")],
        &held(),
    )
    .unwrap();
    let recorded = serde_json::to_string(&items).unwrap();
    for secret in ["IV30", "543210", "543211"] {
        assert!(!recorded.contains(secret), "{recorded}");
    }
}

fn at(h: u32, m: u32) -> NaiveDateTime {
    NaiveDate::from_ymd_opt(2025, 11, 3)
        .unwrap()
        .and_hms_opt(h, m, 0)
        .unwrap()
}

pub(super) fn a_check(id: u128, account_id: i64, staff_id: i64, when: NaiveDateTime, passed: bool) -> IdentityCheck {
    IdentityCheck {
        id: Uuid::from_u128(id),
        account_id,
        office_id: 1,
        staff_id,
        at: when,
        caller: Caller::LiablePerson {
            name: "Isla Grant".into(),
        },
        identified_by: Identified::AccountReference,
        items: Vec::new(),
        passed,
    }
}

#[test]
fn three_failed_checks_in_a_day_lock_until_a_supervisor_clears() {
    let now = at(11, 30);
    let next_day = now + chrono::Duration::days(1);
    let fails: Vec<IdentityCheck> = (0..3).map(|k| a_check(k, 10, 7, at(9, 10 * k as u32), false)).collect();
    assert!(!locked(&fails[..2], &[], 10, now));
    assert!(locked(&fails, &[], 10, now));
    // Before the third failure it was not yet locked; another account's failures do not count.
    assert!(!locked(&fails, &[], 10, at(9, 15)));
    assert!(!locked(&fails, &[], 11, now));
    // The lock outlasts the day.
    assert!(locked(&fails, &[], 10, next_day));
    // Three failures over two days do not lock.
    let mut spread = fails[..2].to_vec();
    spread.push(a_check(5, 10, 7, next_day - chrono::Duration::hours(1), false));
    assert!(!locked(&spread, &[], 10, next_day));
    // Passed checks do not unlock.
    let mut with_pass = fails.clone();
    with_pass.push(a_check(9, 10, 7, at(10, 0), true));
    assert!(locked(&with_pass, &[], 10, now));
    let clear = LockClearance {
        id: Uuid::from_u128(1),
        account_id: 10,
        office_id: 1,
        staff_id: 2,
        at: at(11, 0),
        note: "Spoke to the taxpayer".into(),
    };
    assert!(!locked(&fails, std::slice::from_ref(&clear), 10, now));
    assert!(!locked(&fails, std::slice::from_ref(&clear), 10, next_day));
    // Three more failures after the clearance lock it again.
    let mut again = fails.clone();
    again.extend((0..3).map(|k| a_check(20 + k, 10, 7, at(11, 10 + k as u32), false)));
    assert!(locked(&again, &[clear], 10, now));
}

#[test]
fn a_change_needs_a_passed_check_by_the_same_agent_on_the_same_account_within_60_minutes() {
    let code = |r: Result<(), crate::Refusal>| r.map_err(|r| r.code.as_str());
    let passed = a_check(1, 10, 7, at(9, 0), true);
    assert_eq!(code(authorise(Some(&passed), 10, 7, at(10, 0))), Ok(()));
    let cases = [
        ("none", None, 10, 7, at(9, 5), "no_check"),
        (
            "failed",
            Some(a_check(2, 10, 7, at(9, 0), false)),
            10,
            7,
            at(9, 5),
            "check_failed",
        ),
        (
            "another agent's",
            Some(passed.clone()),
            10,
            8,
            at(9, 5),
            "other_agents_check",
        ),
        ("expired", Some(passed.clone()), 10, 7, at(10, 1), "check_expired"),
        (
            "another account's",
            Some(passed.clone()),
            11,
            7,
            at(9, 5),
            "other_accounts_check",
        ),
    ];
    for (name, check, account, staff, now, want) in cases {
        assert_eq!(
            code(authorise(check.as_ref(), account, staff, now)),
            Err(want),
            "{name}"
        );
    }
}

#[test]
fn references_are_short_readable_and_read_back() {
    let mut seen = std::collections::HashSet::new();
    for k in 0..2000u128 {
        let id = Uuid::from_u128(k.wrapping_mul(0x9E37_79B9_7F4A_7C15_F39C_C060_5CED_C835));
        let r = reference_for(id);
        assert_eq!(r.len(), reference::PREFIX.len() + reference::LEN + 1, "{r}");
        assert!(!r[3..].contains(['0', 'O', '1', 'I']), "{r}");
        assert_eq!(reference_for(id), r, "the same id makes the same reference");
        assert_eq!(
            parse_reference(&r.to_lowercase().replace('-', " ")).as_deref(),
            Some(&r[..])
        );
        seen.insert(r);
    }
    assert_eq!(seen.len(), 2000);
    for bad in ["CT-ABCDE-FGH0K", "CT-ABCDE-FGHIK", "CT-ABCD-EFGH", "XX-ABCDE-FGHJK", ""] {
        assert_eq!(parse_reference(bad), None, "{bad}");
    }
}
