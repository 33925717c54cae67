//! `leisure.record_cash_count` through `decide`: the count kept with the expected cash the
//! rules give for the desk's drawer, a difference that needs a reason, and each refusal.

use chrono::{NaiveDate, NaiveDateTime};
use uuid::Uuid;

use crate::leisure::RecordCashCount;
use crate::leisure::cash_count::CashCount;
use crate::leisure::decide::tests::{Mem, ctx, world};
use crate::leisure::payment::Method;
use crate::leisure::records::{MoneyKind, MoneyRecord};
use crate::values::Pence;
use crate::{Bucket, Command, Effect};

fn day() -> NaiveDate {
    ctx().now.date()
}

fn money(desk: &str, kind: MoneyKind, method: Method, amount: i64, at: NaiveDateTime) -> MoneyRecord {
    MoneyRecord {
        id: Uuid::now_v7(),
        booking_id: Uuid::now_v7(),
        customer_id: 2,
        centre_id: 1,
        desk: desk.into(),
        kind,
        method,
        amount: Pence(amount),
        tendered: Pence(amount),
        change: Pence(0),
        reason: "Adult".into(),
        at,
        created_at: ctx().at,
        staff_id: 7,
    }
}

/// Front desk took £6.00 and £4.50 in cash, refunded £6.00 in cash and took £6.00 by card
/// today; it took £9.00 yesterday, and the other desk £3.00 today: none of those is its cash.
fn till() -> Mem {
    let mut w = world();
    let today = day().and_hms_opt(9, 0, 0).unwrap();
    let card = Method::Card {
        terminal: "T1".into(),
        reference: "A1".into(),
    };
    w.money = vec![
        money("Front desk", MoneyKind::Payment, Method::Cash, 600, today),
        money("Front desk", MoneyKind::Payment, Method::Cash, 450, today),
        money("Front desk", MoneyKind::Refund, Method::Cash, 600, today),
        money("Front desk", MoneyKind::Payment, card, 600, today),
        money(
            "Front desk",
            MoneyKind::Payment,
            Method::Cash,
            900,
            today - chrono::Days::new(1),
        ),
        money("Pool desk", MoneyKind::Payment, Method::Cash, 300, today),
    ];
    w
}

/// The float £50.00 plus £4.50 net cash: £54.50 expected.
fn count(counted: i64, note: Option<&str>) -> RecordCashCount {
    RecordCashCount {
        count_id: Uuid::from_u128(70),
        centre_id: 1,
        desk: "Front desk".into(),
        day: day(),
        float: Pence(5_000),
        expected: Pence(5_450),
        counted: Pence(counted),
        note: note.map(str::to_owned),
    }
}

fn decide(w: &mut Mem, a: RecordCashCount) -> Result<Vec<Effect>, String> {
    let Ok(d) = Command::from(a).decide(w, &ctx());
    d.map_err(|r| r.code.as_str().to_owned())
}

fn kept(effects: &[Effect]) -> CashCount {
    let [Effect::Put(r)] = effects else {
        panic!("one record: {effects:?}")
    };
    assert_eq!(
        (r.table.as_str(), &r.bucket),
        ("cash_counts", &Bucket::LeisureSite(1).to_string())
    );
    r.parse().unwrap()
}

#[test]
fn a_balanced_count_is_kept_with_the_rules_expected_cash() {
    let k = kept(&decide(&mut till(), count(5_450, None)).unwrap());
    assert_eq!(
        (k.expected, k.counted, k.difference, k.note, k.staff_id),
        (Pence(5_450), Pence(5_450), Pence(0), None, 7)
    );
}

#[test]
fn a_short_or_over_drawer_is_kept_with_its_reason() {
    let short = kept(&decide(&mut till(), count(5_400, Some("  50p short  "))).unwrap());
    assert_eq!(
        (short.difference, short.note.as_deref()),
        (Pence(-50), Some("50p short"))
    );
    let over = kept(&decide(&mut till(), count(5_500, Some("Tip left by a customer"))).unwrap());
    assert_eq!(over.difference, Pence(50));
}

#[test]
fn refusals_name_the_problem() {
    let future = RecordCashCount {
        day: day() + chrono::Days::new(1),
        ..count(5_450, None)
    };
    let cases: Vec<(&str, RecordCashCount, &str)> = vec![
        ("short without a reason", count(5_400, None), "invalid_count"),
        ("blank reason", count(5_400, Some("   ")), "invalid_count"),
        ("negative count", count(-1, Some("x")), "invalid_count"),
        (
            "negative float",
            RecordCashCount {
                float: Pence(-1),
                ..count(5_450, None)
            },
            "invalid_count",
        ),
        (
            "no desk",
            RecordCashCount {
                desk: " ".into(),
                ..count(5_450, None)
            },
            "invalid_count",
        ),
        ("a day to come", future, "invalid_count"),
        ("reason on two lines", count(5_400, Some("a\nb")), "invalid_count"),
        // The desk had not seen the £4.50: its cash-up said £50.00.
        (
            "expected changed",
            RecordCashCount {
                expected: Pence(5_000),
                ..count(5_000, None)
            },
            "cash_changed",
        ),
    ];
    for (name, a, want) in cases {
        assert_eq!(decide(&mut till(), a).unwrap_err(), want, "case {name}");
    }
    let mut other_site = till();
    other_site.scope = vec![Bucket::LeisureSite(2)];
    assert_eq!(
        decide(&mut other_site, count(5_450, None)).unwrap_err(),
        "invalid_count"
    );
    let mut again = till();
    again.cash_counts = vec![kept(&decide(&mut till(), count(5_450, None)).unwrap())];
    assert_eq!(
        decide(&mut again, count(5_450, None)).unwrap_err(),
        "invalid_count",
        "a repeated id"
    );
}
