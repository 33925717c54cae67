//! A space hire paid at the desk against the REAL council server on both backends (run under
//! `scripts/with-keyring`): the price quoted with its reason from the synced list, a court
//! hired for cash on one desk at once (pending, the change on its receipt, the receipt naming
//! the court), refusals recording nothing; confirmed by the server, counted in the other desk's
//! cash-up of the centre; then cancelled with the refund in cash, which the cash-up counts too.

use chrono::Duration;
use desk_client::leisure::TenderInput;
use desk_domain::Channel;
use desk_domain::leisure::space_records::SpaceBookingStatus;
use desk_fixtures::DemoData;
use desk_fixtures::spaces::{space_id, spaces};
use desk_testkit::world::{centre, customer};
use desk_testkit::{Backend, TestDb, TestServer, leisure_staff, tomorrow_at};

mod staff;
use staff::{sign_in, staff_config};

/// Centre 1 with the demo's spaces, priced by the example list (load_demo); an adult (7); two
/// desks' staff.
fn council() -> DemoData {
    let centres = vec![centre(1, "Moray Leisure Centre", "Elgin")];
    DemoData {
        spaces: spaces(&centres),
        centres,
        customers: vec![customer(7, 1, "Mòrag", "O'Neill", (1980, 2, 1))],
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
async fn a_court_hired_for_cash_is_receipted_counted_and_refunded_on_both_backends() {
    for backend in [Backend::Sqlite, Backend::Postgres] {
        let dir = tempfile::tempdir().unwrap();
        let db = TestDb::new(backend, dir.path());
        let store = db.open();
        desk_server::load_demo(&*store, &council()).unwrap();
        let mut server = TestServer::start(store.clone()).await;
        let one = sign_in(&staff_config(&dir.path().join("one"), server.url()), "desk.m1").await;
        let two = sign_in(&staff_config(&dir.path().join("two"), server.url()), "desk.m2").await;
        one.sync_now().await.unwrap();

        // Court 1, two days ahead (outside the 24-hour cut-off) at 19:00 for an hour.
        let court = space_id(1, 11);
        let starts = tomorrow_at(19) + Duration::days(1);
        let ends = starts + Duration::hours(1);
        let quote = one.leisure().space_price(court, starts, ends, 7).await.unwrap();
        assert!(quote.price_pence > 0, "{backend:?}: {quote:?}");
        assert!(quote.reason.contains("an hour"), "{backend:?}: {}", quote.reason);
        let price = quote.price_pence;

        // Refused on the desk with nothing recorded: short of cash, a price not the quote's,
        // the end before the start, an unknown way to pay.
        let refuse = |price: i64, tender: TenderInput, ends| {
            let leisure = one.leisure();
            async move {
                leisure
                    .hire_space(court, starts, ends, 7, price, &tender, Channel::FaceToFace)
                    .await
                    .unwrap_err()
                    .code()
                    .to_owned()
            }
        };
        assert_eq!(
            refuse(price, cash(price - 1), ends).await,
            "tendered_short",
            "{backend:?}"
        );
        assert_eq!(
            refuse(price + 1, cash(price + 1), ends).await,
            "price_changed",
            "{backend:?}"
        );
        assert_eq!(refuse(price, cash(price), starts).await, "invalid_input", "{backend:?}");
        let cheque = TenderInput {
            method: "cheque".into(),
            ..TenderInput::default()
        };
        assert_eq!(refuse(price, cheque, ends).await, "invalid_input", "{backend:?}");
        let day = one.leisure().spaces_day(1, starts.date()).await.unwrap();
        assert!(day.bookings.is_empty(), "{backend:?}: refusals record nothing");

        // Paid in cash with £10 over: shown at once, pending, the change on the receipt.
        let hired = one
            .leisure()
            .hire_space(court, starts, ends, 7, price, &cash(price + 1_000), Channel::FaceToFace)
            .await
            .unwrap();
        let r = &hired.receipt;
        assert!(
            r.pending && hired.booking.pending && hired.booking.paid_at_desk,
            "{backend:?}"
        );
        assert_eq!(
            (
                r.kind.as_str(),
                r.amount_pence,
                r.tendered_pence,
                r.change_pence,
                r.method.as_str()
            ),
            ("payment", price, price + 1_000, 1_000, "Cash"),
            "{backend:?}"
        );
        assert_eq!(r.booking_id, hired.booking.id);
        assert_eq!(r.activity_name, "Hire of Badminton court 1, until 20:00", "{backend:?}");
        assert_eq!((r.starts_at, r.reason.as_str()), (starts, quote.reason.as_str()));
        assert_eq!(r.customer_name, "Mòrag O'Neill");

        // The server confirms it; the other desk's centre cash-up counts it.
        one.sync_now().await.unwrap();
        let confirmed = one.leisure().receipt(r.payment_id).await.unwrap();
        assert!(!confirmed.pending, "{backend:?}");
        two.sync_now().await.unwrap();
        let today = desk_testkit::world::now().date();
        let seen = two.leisure().cash_up(1, today, false, 0, None).await.unwrap();
        assert_eq!(
            (
                seen.cash.count,
                seen.cash.taken_pence,
                seen.expected_cash_pence,
                seen.pending
            ),
            (1, price, price, 0),
            "{backend:?}"
        );
        let theirs = two.leisure().spaces_day(1, starts.date()).await.unwrap();
        assert!(
            theirs
                .bookings
                .iter()
                .any(|b| b.id == hired.booking.id && b.paid_at_desk),
            "{backend:?}"
        );

        // Before cancelling, the desk says what it gives back: the whole price in cash, as the
        // cancel below does; a waiver changes nothing before the cut-off.
        let told = one.leisure().space_cancel_quote(hired.booking.id).await.unwrap();
        assert_eq!(
            (
                told.paid_by.as_str(),
                told.price_pence,
                told.outcome.refund_pence,
                told.outcome.kept_pence
            ),
            ("Cash", price, price, 0),
            "{backend:?}"
        );
        assert!(
            told.outcome.reason.starts_with("Cancelled before the cut-off")
                && told.outcome.reason.ends_with("full refund"),
            "{}",
            told.outcome.reason
        );
        assert_eq!(told.waived, None, "{backend:?}");
        assert_eq!(
            (told.booking.space_name.as_str(), told.booking.holder.as_str()),
            ("Badminton court 1", "Mòrag O'Neill")
        );
        // An hour on the account, in time: nothing charged, nothing to refund.
        let on_account = one
            .leisure()
            .book_space(court, ends, ends + Duration::hours(1), 7, None, Channel::FaceToFace)
            .await
            .unwrap();
        let account = one.leisure().space_cancel_quote(on_account.id).await.unwrap();
        assert_eq!(
            (
                account.paid_by.as_str(),
                account.outcome.refund_pence,
                account.outcome.kept_pence
            ),
            ("Charged to the hirer's account", 0, 0),
            "{backend:?}"
        );
        assert!(
            account.price_pence > 0 && account.outcome.reason.contains("nothing charged"),
            "{account:?}"
        );
        // The quote records nothing: both still booked.
        let still = one.leisure().spaces_day(1, starts.date()).await.unwrap();
        assert!(
            still.bookings.iter().all(|b| b.status == SpaceBookingStatus::Booked),
            "{backend:?}"
        );
        assert_eq!(still.bookings.len(), 2, "{backend:?}");
        one.leisure()
            .cancel_space(on_account.id, None, Channel::FaceToFace)
            .await
            .unwrap();

        // Cancelled in time: the whole price back in cash, on its own receipt.
        let cancelled = one
            .leisure()
            .cancel_space(hired.booking.id, None, Channel::FaceToFace)
            .await
            .unwrap();
        assert_eq!(cancelled.booking.status, SpaceBookingStatus::Cancelled);
        let refund = cancelled.refund.expect("money goes back");
        assert_eq!(
            (refund.kind.as_str(), refund.amount_pence, refund.method.as_str()),
            ("refund", price, "Cash"),
            "{backend:?}"
        );
        assert!(cancelled.reason.contains("full refund"), "{}", cancelled.reason);
        // Twice is refused, a blank waiver too.
        let again = one
            .leisure()
            .cancel_space(hired.booking.id, None, Channel::FaceToFace)
            .await;
        assert_eq!(again.unwrap_err().code(), "already_cancelled");
        let gone = one.leisure().space_cancel_quote(hired.booking.id).await;
        assert_eq!(
            gone.unwrap_err().code(),
            "already_cancelled",
            "{backend:?}: no quote for a cancelled hire"
        );
        let blank = one
            .leisure()
            .cancel_space(hired.booking.id, Some("  ".into()), Channel::FaceToFace)
            .await;
        assert_eq!(blank.unwrap_err().code(), "invalid_input");

        one.sync_now().await.unwrap();
        two.sync_now().await.unwrap();
        let after = two.leisure().cash_up(1, today, false, 0, None).await.unwrap();
        assert_eq!(
            (
                after.cash.taken_pence,
                after.cash.refunded_pence,
                after.refunds.refunded_pence,
                after.expected_cash_pence
            ),
            (price, price, price, 0),
            "{backend:?}"
        );
        server.stop().await;
    }
}
