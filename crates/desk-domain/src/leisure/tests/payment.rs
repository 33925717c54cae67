//! Taking payment: each method, and what each refuses.

use chrono::NaiveDate;

use crate::leisure::payment::{Method, PaymentError, Tender, Voucher, looks_like_card_number, take};
use crate::values::Pence;

fn today() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 12, 8).unwrap()
}

fn voucher(value: i64, expires: NaiveDate, redeemed: bool) -> Voucher {
    Voucher {
        code: "SWIM-2026".into(),
        value: Pence(value),
        expires,
        redeemed,
    }
}

#[test]
fn cash_gives_change_of_tendered_less_price() {
    let cases = [
        (450, 500, Ok(50)),
        (450, 450, Ok(0)),
        (450, 2_000, Ok(1_550)),
        (0, 0, Ok(0)),
        (450, 449, Err(())),
    ];
    for (price, tendered, want) in cases {
        let got = take(
            Pence(price),
            Tender::Cash {
                tendered: Pence(tendered),
            },
            None,
            today(),
            1,
        );
        match want {
            Ok(change) => {
                let p = got.unwrap();
                assert_eq!(
                    (p.method, p.amount, p.tendered, p.change),
                    (Method::Cash, Pence(price), Pence(tendered), Pence(change))
                );
            }
            Err(()) => assert_eq!(
                got,
                Err(PaymentError::TenderedShort {
                    price: Pence(price),
                    tendered: Pence(tendered)
                })
            ),
        }
    }
    assert_eq!(
        take(Pence(-1), Tender::Cash { tendered: Pence(0) }, None, today(), 1),
        Err(PaymentError::NegativePrice(Pence(-1)))
    );
}

#[test]
fn card_keeps_the_terminal_reference_and_never_a_card_number() {
    let card = |terminal: &str, reference: &str| {
        take(
            Pence(8_000),
            Tender::Card {
                terminal: terminal.into(),
                reference: reference.into(),
            },
            None,
            today(),
            1,
        )
    };
    let p = card(" PDQ-2 ", " 004512 ").unwrap();
    assert_eq!(
        (p.method, p.tendered, p.change),
        (
            Method::Card {
                terminal: "PDQ-2".into(),
                reference: "004512".into()
            },
            Pence(8_000),
            Pence(0)
        )
    );
    assert_eq!(card("PDQ-2", ""), Err(PaymentError::MissingCardReference));
    assert_eq!(card("", "004512"), Err(PaymentError::MissingCardReference));
    // A Visa test number, typed by mistake, with and without spaces.
    assert_eq!(
        card("PDQ-2", "4111 1111 1111 1111"),
        Err(PaymentError::LooksLikeCardNumber)
    );
    assert_eq!(
        card("4111111111111111", "004512"),
        Err(PaymentError::LooksLikeCardNumber)
    );
    assert_eq!(
        card("PDQ-2", "bad\nref"),
        Err(PaymentError::BadText("the card reference"))
    );
}

#[test]
fn luhn_spots_card_numbers_only() {
    for (s, want) in [
        ("4111111111111111", true),
        ("5500-0000-0000-0004", true),
        ("4111111111111112", false), // fails the check digit
        ("411111111111", false),     // 12 digits: too short for a card
        ("004512", false),
        ("AUTH 4111111111111111", false),
    ] {
        assert_eq!(looks_like_card_number(s), want, "{s}");
    }
}

#[test]
fn vouchers_must_exist_be_unused_in_date_and_cover_the_price() {
    let pay = |v: Option<&Voucher>, code: &str| take(Pence(450), Tender::Voucher { code: code.into() }, v, today(), 1);
    let good = voucher(500, today(), false);
    let p = pay(Some(&good), "swim-2026").unwrap();
    assert_eq!(
        (p.method, p.change),
        (
            Method::Voucher {
                code: "SWIM-2026".into()
            },
            Pence(0)
        )
    );
    assert_eq!(
        pay(None, "SWIM-2026"),
        Err(PaymentError::UnknownVoucher("SWIM-2026".into()))
    );
    assert_eq!(
        pay(Some(&good), "OTHER"),
        Err(PaymentError::UnknownVoucher("OTHER".into()))
    );
    let expired = voucher(500, NaiveDate::from_ymd_opt(2026, 12, 7).unwrap(), false);
    assert!(matches!(
        pay(Some(&expired), "SWIM-2026"),
        Err(PaymentError::VoucherExpired { .. })
    ));
    assert_eq!(
        pay(Some(&voucher(500, today(), true)), "SWIM-2026"),
        Err(PaymentError::VoucherUsed("SWIM-2026".into()))
    );
    assert!(matches!(
        pay(Some(&voucher(449, today(), false)), "SWIM-2026"),
        Err(PaymentError::VoucherShort { .. })
    ));
}

#[test]
fn complimentary_needs_a_reason_and_another_supervisor() {
    let comp = |reason: &str, supervisor_id| {
        take(
            Pence(600),
            Tender::Complimentary {
                reason: reason.into(),
                supervisor_id,
            },
            None,
            today(),
            7,
        )
    };
    let p = comp("Pool closed early last week", 3).unwrap();
    assert_eq!(p.amount, Pence(0), "nothing is taken for a complimentary place");
    assert_eq!(comp("  ", 3), Err(PaymentError::MissingReason));
    assert_eq!(comp("Goodwill", 7), Err(PaymentError::SupervisorNeeded));
    assert_eq!(comp(&"x".repeat(201), 3), Err(PaymentError::BadText("the reason")));
}

#[test]
fn on_account_names_the_account() {
    let p = take(
        Pence(8_000),
        Tender::OnAccount {
            account: "FORRES-THISTLE".into(),
        },
        None,
        today(),
        1,
    )
    .unwrap();
    assert_eq!(
        (p.method, p.amount),
        (
            Method::OnAccount {
                account: "FORRES-THISTLE".into()
            },
            Pence(8_000)
        )
    );
    assert_eq!(
        take(
            Pence(8_000),
            Tender::OnAccount { account: " ".into() },
            None,
            today(),
            1
        ),
        Err(PaymentError::MissingAccount)
    );
}

#[test]
fn tenders_read_from_the_wire_by_method() {
    let t: Tender = serde_json::from_str(r#"{"method":"cash","tendered":500}"#).unwrap();
    assert_eq!(t, Tender::Cash { tendered: Pence(500) });
    assert!(
        serde_json::from_str::<Tender>(r#"{"method":"cash","tendered":5.5}"#).is_err(),
        "fractional pence"
    );
    assert!(serde_json::from_str::<Tender>(r#"{"method":"cheque"}"#).is_err());
}
