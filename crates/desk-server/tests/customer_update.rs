//! Conformance of `leisure.update_customer` on SQLite and PostgreSQL: a change is written to
//! the customer's records, audited by field name, and pulled by another desk of the centre;
//! two desks' changes to different fields both stand; bad input is refused in the receipt with
//! its code and nothing written; a customer outside the desk's sites is refused; a replayed
//! mutation applies nothing twice.

mod common;

use chrono::{Days, NaiveDate};
use common::*;
use desk_domain::leisure::customer_cmd::{CustomerDetails, DESK_CUSTOMER_IDS, RegisterCustomer};
use desk_domain::leisure::customer_update::{ConcessionChange, UpdateCustomer};
use desk_domain::leisure::membership::{Concession, ConcessionKind};
use desk_domain::leisure::records::Entitlement;
use desk_domain::{Command, Customer, Outcome};
use desk_server::{PersonRef, Store};

conformance!(
    a_change_is_written_audited_and_pulled_by_another_desk_of_the_centre,
    two_desks_changing_different_fields_both_stand,
    bad_changes_and_other_centres_customers_are_refused_with_nothing_written,
    a_replayed_change_applies_nothing_twice,
);

fn customer(store: &dyn Store, id: i64) -> Customer {
    records::<Customer>(store, "customers")
        .into_iter()
        .find(|c| c.id == id)
        .expect("the customer is held")
}

const EWAN: i64 = DESK_CUSTOMER_IDS.start + 1;

/// Ewan Grant, registered at centre A's desk with an address and marketing consent (desk A's
/// first mutation: its next is seq 2).
fn registered(store: &dyn Store, a: &desk_server::Caller) {
    let r = RegisterCustomer {
        customer_id: EWAN,
        home_centre_id: CENTRE_A,
        first_name: "Ewan".into(),
        last_name: "Grant".into(),
        date_of_birth: NaiveDate::from_ymd_opt(1990, 6, 15).unwrap(),
        address: "4 Moss Street, Elgin".into(),
        postcode: "IV30 1LT".into(),
        email: Some("ewan.grant@example.org".into()),
        phone: None,
        emergency_contact: None,
        concession: None,
        marketing_consent: true,
        not_them: Vec::new(),
    };
    assert_eq!(outcome(store, a, 1, &Command::from(r)), Outcome::Applied);
}

fn change(id: i64) -> UpdateCustomer {
    UpdateCustomer {
        customer_id: id,
        ..UpdateCustomer::default()
    }
}

fn a_change_is_written_audited_and_pulled_by_another_desk_of_the_centre(backend: &str) {
    let (_db, store) = world_store(backend);
    let a = quick_caller(&*store, "desk.a", CENTRE_A);
    let other = quick_caller(&*store, "desk.a2", CENTRE_A);
    let b = quick_caller(&*store, "desk.b", CENTRE_B);
    registered(&*store, &a);
    let head = store.head().unwrap();
    let review = now().date() + Days::new(180);
    let cmd = Command::from(UpdateCustomer {
        phone: Some("07700 900456".into()),
        address: Some("9 High Street, Forres".into()),
        postcode: Some("iv360bx".into()),
        concession: Some(ConcessionChange::Proved(Concession {
            kind: ConcessionKind::Budget,
            evidence: "Universal Credit statement".into(),
            review_due: review,
        })),
        marketing_consent: Some(false),
        ..change(EWAN)
    });
    assert_eq!(outcome(&*store, &a, 2, &cmd), Outcome::Applied);

    let c = customer(&*store, EWAN);
    assert_eq!(
        (c.phone.as_deref(), c.postcode.as_str(), c.concession),
        (Some("07700 900456"), "IV36 0BX", true)
    );
    assert_eq!(
        c.email.as_deref(),
        Some("ewan.grant@example.org"),
        "unchanged fields kept"
    );
    let [details]: [CustomerDetails; 1] = records(&*store, "customer_details").try_into().unwrap();
    assert_eq!(
        (details.address.as_str(), details.marketing_consent),
        ("9 High Street, Forres", false)
    );
    let [e]: [Entitlement; 1] = records(&*store, "entitlements").try_into().unwrap();
    assert_eq!(e.concession.unwrap().review_due, review);

    // Another desk of the centre pulls the new versions; centre B's pulls none of it.
    let pulled = store
        .pull(&strs(&other.buckets), head, 100, (other.staff_id, other.device_id), 0)
        .unwrap();
    let mut tables: Vec<&str> = pulled.rows.iter().map(|r| r.table.as_str()).collect();
    tables.sort_unstable();
    assert_eq!(tables, ["customer_details", "customers", "entitlements"]);
    let row = pulled.rows.iter().find(|r| r.table == "customers").unwrap();
    let as_pulled: Customer = serde_json::from_str(row.data.as_deref().expect("a put, not a removal")).unwrap();
    assert_eq!(as_pulled.phone.as_deref(), Some("07700 900456"));
    let elsewhere = store
        .pull(&strs(&b.buckets), head, 100, (b.staff_id, b.device_id), 0)
        .unwrap();
    assert!(elsewhere.rows.is_empty(), "{:?}", elsewhere.rows);

    // Audited by field name, never by value.
    let audited = store.audit_of(PersonRef::Customer(EWAN)).unwrap();
    let line = audited
        .iter()
        .find(|e| e.detail.starts_with("leisure.update_customer"))
        .expect("the change is audited");
    assert_eq!(
        line.detail,
        "leisure.update_customer: address, postcode, phone, concession, marketing_consent"
    );
    assert_eq!(line.record_kind.as_deref(), Some("customer"));
    assert!(!line.detail.contains("07700"), "{line:?}");
}

fn two_desks_changing_different_fields_both_stand(backend: &str) {
    let (_db, store) = world_store(backend);
    let a = quick_caller(&*store, "desk.a", CENTRE_A);
    let other = quick_caller(&*store, "desk.a2", CENTRE_A);
    registered(&*store, &a);
    let phone = Command::from(UpdateCustomer {
        phone: Some("07700 900456".into()),
        ..change(EWAN)
    });
    let email = Command::from(UpdateCustomer {
        email: Some("ewan@example.net".into()),
        ..change(EWAN)
    });
    assert_eq!(outcome(&*store, &a, 2, &phone), Outcome::Applied);
    assert_eq!(outcome(&*store, &other, 1, &email), Outcome::Applied);
    let c = customer(&*store, EWAN);
    assert_eq!(
        (c.phone.as_deref(), c.email.as_deref()),
        (Some("07700 900456"), Some("ewan@example.net"))
    );
}

fn bad_changes_and_other_centres_customers_are_refused_with_nothing_written(backend: &str) {
    let (_db, store) = world_store(backend);
    let a = quick_caller(&*store, "desk.a", CENTRE_A);
    registered(&*store, &a);
    let before = records::<Customer>(&*store, "customers");
    let details = records::<CustomerDetails>(&*store, "customer_details");
    let tomorrow = now().date() + Days::new(1);
    let cases: Vec<(UpdateCustomer, &str)> = vec![
        (change(EWAN), "invalid_customer_update"),
        (
            UpdateCustomer {
                date_of_birth: Some(tomorrow),
                ..change(EWAN)
            },
            "invalid_customer_update",
        ),
        (
            UpdateCustomer {
                date_of_birth: Some(now().date() - Days::new(3_000)),
                ..change(EWAN)
            },
            "invalid_customer_update",
        ),
        (
            UpdateCustomer {
                postcode: Some("not a postcode".into()),
                ..change(EWAN)
            },
            "invalid_customer_update",
        ),
        (
            UpdateCustomer {
                concession: Some(ConcessionChange::Proved(Concession {
                    kind: ConcessionKind::Student,
                    evidence: "Matriculation card".into(),
                    review_due: now().date(),
                })),
                ..change(EWAN)
            },
            "invalid_customer_update",
        ),
        (
            UpdateCustomer {
                phone: Some("07700 900456".into()),
                ..change(DESK_CUSTOMER_IDS.start + 999)
            },
            "unknown_customer",
        ),
        (
            UpdateCustomer {
                phone: Some("07700 900456".into()),
                ..change(CUSTOMERS_A + 1)
            },
            "out_of_scope",
        ),
    ];
    for (seq, (u, want)) in cases.into_iter().enumerate() {
        let got = outcome(&*store, &a, seq as u64 + 2, &Command::from(u.clone()));
        if let Outcome::Rejected { message, .. } = &got {
            assert!(!message.is_empty());
        }
        assert_eq!(code(got), want, "{u:?}");
    }
    assert_eq!(records::<Customer>(&*store, "customers"), before);
    assert_eq!(records::<CustomerDetails>(&*store, "customer_details"), details);
    assert_eq!(store.count("entitlements").unwrap(), 0);
}

fn a_replayed_change_applies_nothing_twice(backend: &str) {
    let (_db, store) = world_store(backend);
    let a = quick_caller(&*store, "desk.a", CENTRE_A);
    registered(&*store, &a);
    let m = envelope(
        a.device_id,
        2,
        &Command::from(UpdateCustomer {
            phone: Some("07700 900456".into()),
            ..change(EWAN)
        }),
    );
    let first = store.push(&a, std::slice::from_ref(&m), now()).unwrap();
    assert_eq!(first.receipts[0].outcome, Outcome::Applied);
    let head = store.head().unwrap();
    let audited = store.audit_of(PersonRef::Customer(EWAN)).unwrap().len();
    // The response was lost; the desk sends the same mutation again.
    let again = store.push(&a, &[m], now()).unwrap();
    assert_eq!(again.receipts, first.receipts);
    assert_eq!(store.head().unwrap(), head, "a replay writes nothing");
    assert_eq!(store.audit_of(PersonRef::Customer(EWAN)).unwrap().len(), audited);
}
