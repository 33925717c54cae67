//! Changing a customer's details at the desk against the REAL council server on both backends
//! (run under `scripts/with-keyring`): the change is checked on the desk by the server's rules
//! (bad input and a change to nothing refused with nothing queued), shown on the reception view
//! at once, before any sync, and pulled by a second desk of the centre once pushed. Two desks
//! changing different fields of the same customer before either syncs: both stand.

use chrono::{Days, Local};
use desk_client::leisure::{ConcessionInput, CustomerChangesInput};
use desk_domain::Channel::FaceToFace;
use desk_domain::Customer;
use desk_fixtures::DemoData;
use desk_testkit::world::{centre, class, customer, session};
use desk_testkit::{Backend, TestDb, TestServer, leisure_staff, tomorrow_at};

mod staff;
use staff::{sign_in, staff_config};

const MORAG: i64 = 7;

fn change() -> CustomerChangesInput {
    CustomerChangesInput {
        customer_id: MORAG,
        ..CustomerChangesInput::default()
    }
}

#[tokio::test]
async fn a_change_shows_at_once_reaches_another_desk_and_two_desks_changes_both_stand() {
    for backend in [Backend::Sqlite, Backend::Postgres] {
        let dir = tempfile::tempdir().unwrap();
        let db = TestDb::new(backend, dir.path());
        let store = db.open();
        desk_server::load_demo(
            &*store,
            &DemoData {
                centres: vec![centre(1, "Moray Leisure Centre", "Elgin")],
                activities: vec![class(10, 1, "Aqua Fit")],
                sessions: vec![session(1, 1, 10, tomorrow_at(9), 10)],
                customers: vec![Customer {
                    email: Some("morag@example.org".into()),
                    ..customer(MORAG, 1, "Mòrag", "O'Neill", (1980, 2, 1))
                }],
                staff: vec![
                    leisure_staff("desk.r1", "Desk 1", 1),
                    leisure_staff("desk.r2", "Desk 2", 1),
                ],
                ..DemoData::default()
            },
        )
        .unwrap();
        let mut server = TestServer::start(store.clone()).await;
        let one = sign_in(&staff_config(&dir.path().join("one"), server.url()), "desk.r1").await;
        let two = sign_in(&staff_config(&dir.path().join("two"), server.url()), "desk.r2").await;
        one.sync_now().await.unwrap();
        two.sync_now().await.unwrap();
        let today = Local::now().date_naive();

        // Bad input: refused on the desk by the server's rules, nothing queued.
        let bad: Vec<(CustomerChangesInput, &str)> = vec![
            (
                CustomerChangesInput {
                    date_of_birth: Some(today + Days::new(1)),
                    ..change()
                },
                "a date of birth in the future",
            ),
            (
                CustomerChangesInput {
                    phone: Some("12".into()),
                    ..change()
                },
                "is not a phone number",
            ),
            (
                CustomerChangesInput {
                    concession: Some(ConcessionInput {
                        kind: "budget".into(),
                        evidence: "JSA letter".into(),
                        review_due: today,
                    }),
                    ..change()
                },
                "a review date after today",
            ),
            (
                CustomerChangesInput {
                    concession: Some(ConcessionInput {
                        kind: "pensioner".into(),
                        evidence: "Bus pass".into(),
                        review_due: today + Days::new(30),
                    }),
                    ..change()
                },
                "not a kind of concession",
            ),
            (
                CustomerChangesInput {
                    email: Some("morag@example.org".into()),
                    ..change()
                },
                "Nothing to save",
            ),
            (change(), "nothing to change"),
        ];
        for (input, words) in bad {
            let e = one.leisure().update_customer(&input, FaceToFace).await.unwrap_err();
            assert_eq!(e.code(), "invalid_input", "{backend:?} {input:?}");
            assert!(e.to_string().contains(words), "{backend:?}: {e}");
        }
        let unknown = CustomerChangesInput {
            customer_id: 404,
            phone: Some("07700 900456".into()),
            ..change()
        };
        let e = one.leisure().update_customer(&unknown, FaceToFace).await.unwrap_err();
        assert_eq!(e.code(), "not_found", "{backend:?}");
        assert_eq!(
            one.sync_status().await.unwrap().pending,
            0,
            "{backend:?}: nothing queued"
        );

        // Desk one: a new phone, an address (none was kept for a customer loaded from the
        // council's system) and a concession with its review date. Shown at once, pending.
        let review = today + Days::new(10);
        let done = one
            .leisure()
            .update_customer(
                &CustomerChangesInput {
                    phone: Some("07700 900456".into()),
                    address: Some("9 High Street, Forres".into()),
                    concession: Some(ConcessionInput {
                        kind: "budget".into(),
                        evidence: "Universal Credit statement".into(),
                        review_due: review,
                    }),
                    ..change()
                },
                FaceToFace,
            )
            .await
            .unwrap();
        assert_eq!(done.changed, ["address", "phone", "concession"], "{backend:?}");
        assert_eq!(one.sync_status().await.unwrap().pending, 1);
        let seen = one.leisure().reception(MORAG, None).await.unwrap();
        assert_eq!(seen.phone.as_deref(), Some("07700 900456"), "{backend:?}");
        assert_eq!(seen.address.as_deref(), Some("9 High Street, Forres"));
        assert_eq!(seen.concession.as_ref().map(|c| c.review_due), Some(review));
        assert!(
            !seen.pending,
            "{backend:?}: the customer is the server's, not a new one"
        );
        assert!(
            seen.messages
                .iter()
                .any(|m| m.starts_with("Details changed on this desk")),
            "{:?}",
            seen.messages
        );
        assert!(
            seen.messages.iter().any(|m| m.contains("concession review due")),
            "{backend:?}: within the warning days: {:?}",
            seen.messages
        );

        // Desk two, not yet synced, withdraws marketing consent and corrects the email.
        two.leisure()
            .update_customer(
                &CustomerChangesInput {
                    email: Some("Morag.ONeill@example.org".into()),
                    marketing_consent: Some(false),
                    ..change()
                },
                FaceToFace,
            )
            .await
            .unwrap();
        one.sync_now().await.unwrap();
        two.sync_now().await.unwrap();
        one.sync_now().await.unwrap();
        assert_eq!(one.sync_status().await.unwrap().pending, 0, "{backend:?}");
        assert_eq!(two.sync_status().await.unwrap().pending, 0, "{backend:?}");
        assert!(one.needs_attention().await.unwrap().is_empty(), "{backend:?}");
        assert!(two.needs_attention().await.unwrap().is_empty(), "{backend:?}");
        for desk in [&one, &two] {
            let v = desk.leisure().reception(MORAG, None).await.unwrap();
            assert_eq!(
                (
                    v.phone.as_deref(),
                    v.email.as_deref(),
                    v.address.as_deref(),
                    v.marketing_consent
                ),
                (
                    Some("07700 900456"),
                    Some("morag.oneill@example.org"),
                    Some("9 High Street, Forres"),
                    Some(false)
                ),
                "{backend:?}: both desks' changes stand"
            );
            assert_eq!(
                v.concession.map(|c| c.evidence).as_deref(),
                Some("Universal Credit statement")
            );
            assert!(
                !v.messages.iter().any(|m| m.starts_with("Details changed")),
                "{backend:?}: settled: {:?}",
                v.messages
            );
        }

        // A surname corrected on desk one: found at once by the new name or the old, and shown
        // as changed either way (the replica's index still holds the old name until the
        // server's copy comes back); after the sync, desk two finds the new name only.
        one.leisure()
            .update_customer(
                &CustomerChangesInput {
                    last_name: Some("O'Neil".into()),
                    ..change()
                },
                FaceToFace,
            )
            .await
            .unwrap();
        for text in ["o'neil", "O'Neill"] {
            let found = one.leisure().find_customers(text, 20).await.unwrap();
            let names: Vec<(i64, &str)> = found.customers.iter().map(|c| (c.id, c.last_name.as_str())).collect();
            assert_eq!(names, [(MORAG, "O'Neil")], "{backend:?}: searched {text}");
        }
        one.sync_now().await.unwrap();
        two.sync_now().await.unwrap();
        let found = two.leisure().find_customers("O'Neil", 20).await.unwrap();
        assert_eq!(
            found.customers.iter().map(|c| c.last_name.as_str()).collect::<Vec<_>>(),
            ["O'Neil"],
            "{backend:?}"
        );
        server.stop().await;
    }
}
