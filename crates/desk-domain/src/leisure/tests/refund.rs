//! Refunds at and around the cut-off, waivers, transfers, and site policies on load.

use chrono::{Duration, NaiveDate, NaiveDateTime};

use crate::leisure::payment::{Method, Payment};
use crate::leisure::policy::{CSV_COLUMNS, PolicyBook, SitePolicy};
use crate::leisure::refund::{Booked, Difference, RefundError, Sold, Waiver, refund, transfer};
use crate::values::Pence;

fn policy() -> SitePolicy {
    PolicyBook::moray_example().policies[0].clone()
}

fn starts() -> NaiveDateTime {
    NaiveDate::from_ymd_opt(2026, 12, 8)
        .unwrap()
        .and_hms_opt(19, 0, 0)
        .unwrap()
}

fn paid(method: Method, amount: i64) -> Payment {
    Payment {
        method,
        amount: Pence(amount),
        tendered: Pence(amount),
        change: Pence(0),
    }
}

fn card() -> Method {
    Method::Card {
        terminal: "PDQ-1".into(),
        reference: "8812".into(),
    }
}

fn sold(booked: Booked, p: &Payment, refunded: i64) -> Sold<'_> {
    Sold {
        booked,
        paid: p,
        refunded: Pence(refunded),
        starts_at: starts(),
    }
}

#[test]
fn refunds_at_and_around_the_cut_off() {
    let p = paid(card(), 600);
    let pitch = paid(Method::Cash, 8_000);
    let m = |mins: i64| starts() - Duration::minutes(mins);
    // (what, payment, minutes before the start, refund)
    let cases = [
        (Booked::Activity, &p, 3 * 60 + 1, 600),
        (Booked::Activity, &p, 3 * 60, 600), // exactly at the cut-off: still in time
        (Booked::Activity, &p, 3 * 60 - 1, 0),
        (Booked::Activity, &p, 1, 0),
        (Booked::Space, &pitch, 24 * 60, 8_000),
        (Booked::Space, &pitch, 24 * 60 - 1, 0),
        (Booked::Space, &pitch, 3 * 60 + 1, 0), // a pitch's cut-off is 24 hours, not 3
    ];
    for (booked, payment, before, want) in cases {
        let r = refund(&policy(), sold(booked, payment, 0), m(before), None).unwrap();
        assert_eq!(r.amount, Pence(want), "{booked:?} {before} min before");
        assert_eq!(r.to, payment.method, "back the way it came");
    }
    let late = refund(&policy(), sold(Booked::Activity, &p, 0), m(60), None).unwrap();
    assert_eq!(late.reason, "Cancelled after the cut-off (16:00 on 8 Dec): no refund");
    assert_eq!(
        refund(&policy(), sold(Booked::Activity, &p, 0), starts(), None),
        Err(RefundError::Started(starts()))
    );
}

#[test]
fn a_late_share_is_configurable_and_rounds_down() {
    let policy = SitePolicy {
        late_refund_percent: 50,
        ..policy()
    };
    let p = paid(Method::Cash, 451);
    let r = refund(
        &policy,
        sold(Booked::Activity, &p, 0),
        starts() - Duration::minutes(30),
        None,
    )
    .unwrap();
    assert_eq!(
        (r.amount, r.reason.as_str()),
        (Pence(225), "Cancelled after the cut-off (16:00 on 8 Dec): 50% refund")
    );
    // What was refunded already is not refunded twice.
    let r = refund(
        &policy,
        sold(Booked::Activity, &p, 100),
        starts() - Duration::days(1),
        None,
    )
    .unwrap();
    assert_eq!(r.amount, Pence(351));
    assert_eq!(
        refund(
            &policy,
            sold(Booked::Activity, &p, 451),
            starts() - Duration::days(1),
            None
        ),
        Err(RefundError::AlreadyRefunded)
    );
}

#[test]
fn staff_may_waive_with_a_reason() {
    let p = paid(Method::Voucher { code: "V1".into() }, 600);
    let w = Waiver {
        reason: "Snow closed the A96".into(),
        staff_id: 4,
    };
    let r = refund(
        &policy(),
        sold(Booked::Activity, &p, 0),
        starts() - Duration::minutes(10),
        Some(&w),
    )
    .unwrap();
    assert_eq!(
        (r.amount, r.to, r.waived_by, r.reason.as_str()),
        (
            Pence(600),
            Method::Voucher { code: "V1".into() },
            Some(4),
            "Late cancellation waived: Snow closed the A96"
        )
    );
    let blank = Waiver {
        reason: " ".into(),
        staff_id: 4,
    };
    assert_eq!(
        refund(
            &policy(),
            sold(Booked::Activity, &p, 0),
            starts() - Duration::minutes(10),
            Some(&blank)
        ),
        Err(RefundError::WaiverReason)
    );
    // Before the cut-off a waiver changes nothing and is not recorded as used.
    let r = refund(
        &policy(),
        sold(Booked::Activity, &p, 0),
        starts() - Duration::days(2),
        Some(&w),
    )
    .unwrap();
    assert_eq!((r.amount, r.waived_by), (Pence(600), None));
}

#[test]
fn complimentary_refunds_nothing() {
    let p = paid(
        Method::Complimentary {
            reason: "x".into(),
            supervisor_id: 2,
        },
        0,
    );
    let r = refund(
        &policy(),
        sold(Booked::Activity, &p, 0),
        starts() - Duration::days(2),
        None,
    )
    .unwrap();
    assert_eq!(
        (r.amount, r.reason.as_str()),
        (Pence(0), "Complimentary: nothing was paid")
    );
}

#[test]
fn transfer_pays_or_refunds_the_difference() {
    let p = paid(card(), 600);
    let early = starts() - Duration::days(1);
    let t = |new, refunded| transfer(&policy(), sold(Booked::Activity, &p, refunded), Pence(new), early, None);
    assert_eq!(t(600, 0), Ok(Difference::Even));
    assert_eq!(t(750, 0), Ok(Difference::Pay { amount: Pence(150) }));
    assert_eq!(
        t(450, 0),
        Ok(Difference::Refund {
            amount: Pence(150),
            to: card()
        })
    );
    assert_eq!(t(450, 150), Ok(Difference::Even));
    let comp = paid(
        Method::Complimentary {
            reason: "x".into(),
            supervisor_id: 2,
        },
        0,
    );
    assert_eq!(
        transfer(&policy(), sold(Booked::Activity, &comp, 0), Pence(450), early, None),
        Ok(Difference::Pay { amount: Pence(450) })
    );
}

#[test]
fn transfer_after_the_cut_off_needs_a_waiver() {
    let p = paid(Method::Cash, 600);
    let late = starts() - Duration::minutes(60);
    let cut = starts() - Duration::minutes(180);
    assert_eq!(
        transfer(&policy(), sold(Booked::Activity, &p, 0), Pence(600), late, None),
        Err(RefundError::TooLateToMove(cut))
    );
    assert_eq!(
        transfer(&policy(), sold(Booked::Activity, &p, 0), Pence(600), cut, None),
        Ok(Difference::Even)
    );
    let w = Waiver {
        reason: "Moved by the centre".into(),
        staff_id: 2,
    };
    assert_eq!(
        transfer(&policy(), sold(Booked::Activity, &p, 0), Pence(400), late, Some(&w)),
        Ok(Difference::Refund {
            amount: Pence(200),
            to: Method::Cash
        })
    );
    assert_eq!(
        transfer(&policy(), sold(Booked::Activity, &p, 0), Pence(600), starts(), Some(&w)),
        Err(RefundError::Started(starts()))
    );
}

const HEADER: &str = "council,centre_id,from,until,activity_cutoff_minutes,space_cutoff_minutes,late_refund_percent,no_show_fee,no_show_strikes,no_show_period_days,no_show_block_days,offer_hold_minutes,max_block_weeks,member_days_ahead,days_ahead,release_time,check_in_opens_minutes,concession_warn_days,source";

#[test]
fn policies_load_from_csv_and_json_and_bad_ones_are_refused() {
    assert_eq!(HEADER.split(',').collect::<Vec<_>>(), CSV_COLUMNS);
    let line = "Moray,1,2026-04-01,,180,1440,0,3.00,2,30,30,120,52,14,7,07:00,30,14,\"examples, see policy.rs\"";
    let book = PolicyBook::from_csv(&format!("{HEADER}\n{line}")).unwrap();
    let mut want = PolicyBook::moray_example();
    want.policies[0].source = "examples, see policy.rs".into();
    assert_eq!(book, want);
    let json = serde_json::to_string(&PolicyBook::moray_example()).unwrap();
    assert_eq!(PolicyBook::from_json(&json).unwrap(), PolicyBook::moray_example());
    let d = NaiveDate::from_ymd_opt(2026, 12, 8).unwrap();
    assert!(book.policy_for(1, d).is_some());
    assert!(
        book.policy_for(1, NaiveDate::from_ymd_opt(2026, 3, 31).unwrap())
            .is_none()
    );
    assert!(book.policy_for(2, d).is_none());

    let bad = [
        (
            "Moray,1,2026-04-01,,180,1440,101,3.00,2,30,30,120,52,14,7,,30,14,x",
            "100%",
        ),
        (
            "Moray,1,2026-04-01,,180,1440,0,-3.00,2,30,30,120,52,14,7,,30,14,x",
            "negative",
        ),
        (
            "Moray,1,2026-04-01,,180,1440,0,,2,30,0,120,52,14,7,,30,14,x",
            "a fee, a block",
        ),
        (
            "Moray,1,2026-04-01,,180,1440,0,3.00,0,30,0,120,52,14,7,,30,14,x",
            "strike",
        ),
        ("Moray,1,2026-04-01,,180,1440,0,3.00,2,30,0,0,52,14,7,,30,14,x", "offer"),
        (
            "Moray,1,2026-04-01,,180,1440,0,3.00,2,30,0,120,200,14,7,,30,14,x",
            "104 weeks",
        ),
        (
            "Moray,1,2026-04-01,,180,1440,0,3.00,2,30,0,120,52,7,14,,30,14,x",
            "members",
        ),
        (
            "Moray,1,2026-04-01,2026-01-01,180,1440,0,3.00,2,30,0,120,52,14,7,,30,14,x",
            "before `from`",
        ),
        (
            "Moray,1,2026-04-01,,-5,1440,0,3.00,2,30,0,120,52,14,7,,30,14,x",
            "activity_cutoff_minutes",
        ),
        (
            "Moray,1,2026-04-01,,180,1440,0,3.00,2,30,0,120,52,14,7,7am,30,14,x",
            "release_time",
        ),
        (
            "Moray,1,2026-04-01,,180,1440,0,3.00,2,30,0,120,52,14,7,,1441,14,x",
            "check-in",
        ),
    ];
    for (line, want) in bad {
        let err = PolicyBook::from_csv(&format!("{HEADER}\n{line}"))
            .expect_err(line)
            .to_string();
        assert!(err.contains(want), "{line}: {err}");
    }
    let two = format!("{HEADER}\n{line}\n{}", line.replace("2026-04-01", "2026-10-01"));
    assert!(PolicyBook::from_csv(&two).unwrap_err().to_string().contains("overlap"));
}
