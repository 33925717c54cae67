//! The leisure desk's money against the REAL council server on both backends (run under
//! `scripts/with-keyring`): the price with its reason from the synced price list, a place
//! booked and paid for in cash on one desk at once (pending, with the change on its receipt),
//! confirmed by the server and pulled by a second desk; refusals record nothing.

use chrono::NaiveDate;
use desk_client::leisure::TenderInput;
use desk_domain::Channel;
use desk_domain::leisure::membership::{Billing, Membership, Plan};
use desk_domain::leisure::records::{Entitlement, IssuedVoucher};
// The voucher is loaded so the desk's replica holds one; its single use is proved by the
// server's conformance suite.
use desk_domain::values::Pence;
use desk_fixtures::DemoData;
use desk_testkit::world::{centre, class, customer, session};
use desk_testkit::{Backend, TestDb, TestServer, leisure_staff, tomorrow_at};

mod staff;
use staff::{sign_in, staff_config};

/// Centre 1 priced by the example list (a class: adult £6.00, FitLife members included), a
/// class tomorrow, an adult customer (7) and a member (8), a £10 voucher, two desks' staff.
fn council() -> DemoData {
    let today = desk_testkit::world::now().date();
    DemoData {
        centres: vec![centre(1, "Moray Leisure Centre", "Elgin")],
        activities: vec![class(10, 1, "Aqua fit")],
        sessions: vec![
            session(100, 1, 10, tomorrow_at(10), 20),
            session(101, 1, 10, tomorrow_at(12), 20),
        ],
        customers: vec![
            customer(7, 1, "Mòrag", "O'Neill", (1980, 2, 1)),
            customer(8, 1, "Seònaid", "MacAoidh", (1975, 12, 24)),
        ],
        entitlements: vec![Entitlement {
            id: 8,
            customer_id: 8,
            centre_id: 1,
            membership: Some(Membership {
                plan: Plan::Individual,
                billing: Billing::Monthly,
                starts: NaiveDate::from_ymd_opt(2025, 1, 1).unwrap(),
                paid_until: today + chrono::Days::new(30),
                frozen: false,
            }),
            concession: None,
        }],
        vouchers: vec![IssuedVoucher {
            code: "GIFT10".into(),
            centre_id: 1,
            value: Pence(1_000),
            expires: today + chrono::Days::new(30),
            redeemed: false,
        }],
        staff: vec![
            leisure_staff("desk.m1", "Desk 1", 1),
            leisure_staff("desk.m2", "Desk 2", 1),
        ],
        ..DemoData::default()
    }
}

fn cash(pence: i64) -> TenderInput {
    TenderInput {
        method: "cash".into(),
        tendered_pence: Some(pence),
        ..TenderInput::default()
    }
}

#[tokio::test]
async fn a_paid_booking_is_priced_taken_offline_and_settles_on_both_backends() {
    for backend in [Backend::Sqlite, Backend::Postgres] {
        let dir = tempfile::tempdir().unwrap();
        let db = TestDb::new(backend, dir.path());
        let store = db.open();
        desk_server::load_demo(&*store, &council()).unwrap();
        let mut server = TestServer::start(store.clone()).await;
        let one = sign_in(&staff_config(&dir.path().join("one"), server.url()), "desk.m1").await;
        let two = sign_in(&staff_config(&dir.path().join("two"), server.url()), "desk.m2").await;
        one.sync_now().await.unwrap();

        let adult = one.leisure().price_for(100, 7).await.unwrap();
        assert_eq!(
            (adult.price_pence, adult.reason.as_str()),
            (600, "Adult"),
            "{backend:?}"
        );
        let member = one.leisure().price_for(100, 8).await.unwrap();
        assert_eq!(
            (member.price_pence, member.reason.as_str()),
            (0, "FitLife member: included"),
            "{backend:?}"
        );

        // Refused on the desk, nothing recorded: short of cash, a card number typed as the slip.
        let short = one
            .leisure()
            .book_and_pay(100, 7, 600, &cash(500), Channel::FaceToFace)
            .await
            .unwrap_err();
        assert_eq!(short.code(), "tendered_short", "{backend:?}: {short}");
        let card = TenderInput {
            method: "card".into(),
            terminal: Some("T1".into()),
            reference: Some("4111 1111 1111 1111".into()),
            ..TenderInput::default()
        };
        let err = one
            .leisure()
            .book_and_pay(100, 7, 600, &card, Channel::FaceToFace)
            .await
            .unwrap_err();
        assert_eq!(err.code(), "invalid_payment", "{backend:?}: {err}");
        assert_eq!(one.sync_status().await.unwrap().pending, 0, "{backend:?}");

        let receipt = one
            .leisure()
            .book_and_pay(100, 7, 600, &cash(2_000), Channel::FaceToFace)
            .await
            .unwrap();
        assert!(
            receipt.pending,
            "{backend:?}: shown at once, before the server confirms"
        );
        assert_eq!(
            (receipt.amount_pence, receipt.tendered_pence, receipt.change_pence),
            (600, 2_000, 1_400),
            "{backend:?}"
        );
        assert_eq!(
            (
                receipt.method.as_str(),
                receipt.customer_name.as_str(),
                receipt.activity_name.as_str()
            ),
            ("Cash", "Mòrag O'Neill", "Aqua Fit"),
            "{backend:?}"
        );
        assert_eq!(receipt.centre_name, "Moray Leisure Centre");
        assert_eq!(one.leisure().session(100).await.unwrap().session.session.booked, 1);

        one.sync_now().await.unwrap();
        assert_eq!(one.sync_status().await.unwrap().pending, 0, "{backend:?}: applied");
        let settled = one.leisure().receipt(receipt.payment_id).await.unwrap();
        assert!(!settled.pending, "{backend:?}");
        assert_eq!(settled.change_pence, 1_400);

        two.sync_now().await.unwrap();
        let seen = two.leisure().receipt(receipt.payment_id).await.unwrap();
        assert_eq!(
            (seen.amount_pence, seen.booking_id, seen.desk.clone()),
            (600, receipt.booking_id, receipt.desk.clone()),
            "{backend:?}: the second desk holds the payment"
        );

        // A member's included place: nothing to pay, nothing handed over.
        let free = two
            .leisure()
            .book_and_pay(100, 8, 0, &cash(0), Channel::Telephone)
            .await
            .unwrap();
        assert_eq!(
            (free.amount_pence, free.reason.as_str()),
            (0, "FitLife member: included")
        );
        two.sync_now().await.unwrap();
        assert_eq!(two.sync_status().await.unwrap().pending, 0, "{backend:?}");

        // Cancelled the day before: the policy refunds in full, in cash as it was paid.
        one.sync_now().await.unwrap();
        let quote = one.leisure().refund_quote(receipt.booking_id, false).await.unwrap();
        assert_eq!(
            (quote.unpaid, quote.paid_pence, quote.refund_pence),
            (false, 600, 600),
            "{backend:?}"
        );
        assert!(
            quote.reason.starts_with("Cancelled before the cut-off"),
            "{}",
            quote.reason
        );
        let done = one
            .leisure()
            .cancel_with_refund(receipt.booking_id, None, Channel::Telephone)
            .await
            .unwrap();
        let refund = done.refund.expect("money goes back");
        assert_eq!(
            (refund.kind.as_str(), refund.amount_pence, refund.method.as_str()),
            ("refund", 600, "Cash")
        );
        assert!(refund.pending, "{backend:?}");
        one.sync_now().await.unwrap();
        assert_eq!(
            one.sync_status().await.unwrap().pending,
            0,
            "{backend:?}: the server took the refund"
        );
        assert!(!one.leisure().receipt(refund.payment_id).await.unwrap().pending);
        let again = one
            .leisure()
            .cancel_with_refund(receipt.booking_id, None, Channel::Telephone)
            .await
            .unwrap_err();
        assert_eq!(again.code(), "already_cancelled", "{backend:?}");

        // The day's cash-up: desk one took £6.00 in cash and refunded it; desk two took the
        // member's £0.00. The centre's is both desks'; each desk's is its own drawer.
        let today = desk_testkit::world::now().date();
        let mine = one.leisure().cash_up(1, today, true, 5_000, Some(4_900)).await.unwrap();
        assert_eq!(
            (
                mine.cash.taken_pence,
                mine.cash.refunded_pence,
                mine.expected_cash_pence
            ),
            (600, 600, 5_000),
            "{backend:?}"
        );
        assert_eq!((mine.refunds.count, mine.refunds.refunded_pence), (1, 600));
        assert_eq!(
            (mine.difference_pence, mine.balance.as_deref()),
            (Some(-100), Some("short")),
            "{backend:?}"
        );
        one.sync_now().await.unwrap();
        let centre = one.leisure().cash_up(1, today, false, 0, None).await.unwrap();
        assert_eq!(
            (centre.cash.count, centre.pending),
            (3, 0),
            "{backend:?}: two payments and a refund"
        );
        assert_eq!(centre.desk, None);
        let err = one.leisure().cash_up(1, today, true, 0, Some(-1)).await.unwrap_err();
        assert_eq!(err.code(), "invalid_input", "{backend:?}");

        // The count is recorded with its difference; a short drawer needs a reason first.
        let unexplained = one
            .leisure()
            .record_cash_count(1, today, 5_000, 4_900, None)
            .await
            .unwrap_err();
        assert_eq!(unexplained.code(), "invalid_count", "{backend:?}: {unexplained}");
        let counted = one
            .leisure()
            .record_cash_count(1, today, 5_000, 4_900, Some("£1 coin given as change twice".into()))
            .await
            .unwrap();
        let [k] = &counted.counts[..] else {
            panic!("{backend:?}: one count: {:?}", counted.counts)
        };
        assert_eq!(
            (k.expected_pence, k.counted_pence, k.difference_pence, k.pending),
            (5_000, 4_900, -100, true),
            "{backend:?}"
        );
        one.sync_now().await.unwrap();
        assert_eq!(
            one.sync_status().await.unwrap().pending,
            0,
            "{backend:?}: the server took the count"
        );
        two.sync_now().await.unwrap();
        let seen = two.leisure().cash_up(1, today, false, 0, None).await.unwrap();
        assert_eq!(
            seen.counts
                .iter()
                .map(|k| (k.difference_pence, k.pending))
                .collect::<Vec<_>>(),
            [(-100, false)],
            "{backend:?}: the centre's other desk sees the count"
        );
        server.stop().await;
    }
}

/// A paid place moved to another session: the quote, the move recorded on the desk at once and
/// taken by the server, and a later cancellation refunding what the new booking holds to the
/// card first used; the cash-up counts the card payment and the refund, not the move.
#[tokio::test]
async fn a_paid_place_moves_and_its_refund_follows_on_both_backends() {
    for backend in [Backend::Sqlite, Backend::Postgres] {
        let dir = tempfile::tempdir().unwrap();
        let db = TestDb::new(backend, dir.path());
        let store = db.open();
        desk_server::load_demo(&*store, &council()).unwrap();
        let mut server = TestServer::start(store.clone()).await;
        let one = sign_in(&staff_config(&dir.path().join("one"), server.url()), "desk.m1").await;
        one.sync_now().await.unwrap();
        let card = TenderInput {
            method: "card".into(),
            terminal: Some("T1".into()),
            reference: Some("004512".into()),
            ..TenderInput::default()
        };
        let paid = one
            .leisure()
            .book_and_pay(100, 7, 600, &card, Channel::FaceToFace)
            .await
            .unwrap();

        let quote = one.leisure().transfer_quote(paid.booking_id, 101, false).await.unwrap();
        assert_eq!(
            (
                quote.price_pence,
                quote.held_pence,
                quote.difference.as_str(),
                quote.difference_pence
            ),
            (600, 600, "even", 0),
            "{backend:?}"
        );
        let moved = one
            .leisure()
            .transfer(paid.booking_id, 101, 600, None, None, Channel::Telephone)
            .await
            .unwrap();
        assert_eq!(
            (moved.booking.session_id, moved.booking.pending),
            (101, true),
            "{backend:?}"
        );
        assert!(moved.money.is_none(), "{backend:?}: nothing to pay or refund");
        let again = one
            .leisure()
            .transfer(paid.booking_id, 101, 600, None, None, Channel::Telephone)
            .await
            .unwrap_err();
        assert_eq!(again.code(), "already_cancelled", "{backend:?}: the old place is gone");
        one.sync_now().await.unwrap();
        assert_eq!(
            one.sync_status().await.unwrap().pending,
            0,
            "{backend:?}: the server took the move"
        );

        let cancelled = one
            .leisure()
            .cancel_with_refund(moved.booking.id, None, Channel::Telephone)
            .await
            .unwrap();
        let refund = cancelled.refund.expect("the held £6.00 goes back");
        assert_eq!(
            (refund.amount_pence, refund.method.as_str()),
            (600, "Card, terminal T1, slip 004512"),
            "{backend:?}"
        );
        one.sync_now().await.unwrap();
        assert!(
            !one.leisure().receipt(refund.payment_id).await.unwrap().pending,
            "{backend:?}"
        );

        let today = desk_testkit::world::now().date();
        let centre = one.leisure().cash_up(1, today, false, 0, None).await.unwrap();
        let [t1] = &centre.cards[..] else {
            panic!("{backend:?}: one terminal: {:?}", centre.cards)
        };
        assert_eq!(
            (t1.taken_pence, t1.refunded_pence, t1.count),
            (600, 600, 2),
            "{backend:?}"
        );
        server.stop().await;
    }
}
