//! Conformance of the customer at the desk on SQLite and PostgreSQL: `leisure.register_customer`
//! writes the customer and their details, audited, pulled only by their centre's desks; the
//! server checks duplicates again and refuses bad input and taken ids with nothing written;
//! `leisure.sell_membership` writes the entitlement and the sale with its payer.

mod common;

use chrono::{Days, NaiveDate};
use common::*;
use desk_domain::leisure::customer_cmd::{
    CustomerDetails, DESK_CUSTOMER_IDS, MembershipSale, RegisterCustomer, SellMembership,
};
use desk_domain::leisure::membership::{Billing, Plan};
use desk_domain::leisure::records::Entitlement;
use desk_domain::{Alternative, Command, Customer, Outcome};
use desk_server::PersonRef;
use uuid::Uuid;

conformance!(
    a_registration_is_written_audited_and_pulled_by_its_centre_only,
    bad_registrations_and_taken_ids_write_nothing,
    a_possible_duplicate_is_refused_until_confirmed_not_them,
    a_membership_sold_writes_the_entitlement_and_the_sale,
);

fn new_id(n: i64) -> i64 {
    DESK_CUSTOMER_IDS.start + n
}

fn registration(id: i64) -> RegisterCustomer {
    RegisterCustomer {
        customer_id: id,
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
        marketing_consent: false,
        not_them: Vec::new(),
    }
}

fn a_registration_is_written_audited_and_pulled_by_its_centre_only(backend: &str) {
    let (_db, store) = world_store(backend);
    let a = quick_caller(&*store, "desk.a", CENTRE_A);
    let b = quick_caller(&*store, "desk.b", CENTRE_B);
    let head = store.head().unwrap();
    let id = new_id(1);
    let cmd = Command::from(registration(id));
    assert_eq!(outcome(&*store, &a, 1, &cmd), Outcome::Applied);

    let held: Vec<Customer> = records(&*store, "customers");
    let c = held.iter().find(|c| c.id == id).expect("the customer is written");
    assert_eq!(
        (c.first_name.as_str(), c.membership_no.clone()),
        ("Ewan", format!("D{id}"))
    );
    let [details]: [CustomerDetails; 1] = records(&*store, "customer_details").try_into().unwrap();
    assert_eq!(
        (details.address.as_str(), details.staff_id),
        ("4 Moss Street, Elgin", a.staff_id)
    );

    let pulled = store
        .pull(&strs(&a.buckets), head, 100, (a.staff_id, a.device_id), 0)
        .unwrap();
    let tables: Vec<&str> = pulled.rows.iter().map(|r| r.table.as_str()).collect();
    assert_eq!(tables, ["customers", "customer_details"]);
    let other = store
        .pull(&strs(&b.buckets), head, 100, (b.staff_id, b.device_id), 0)
        .unwrap();
    assert!(
        other.rows.is_empty(),
        "centre B's desk pulls none of it: {:?}",
        other.rows
    );

    let audited = store.audit_of(PersonRef::Customer(id)).unwrap();
    assert!(
        audited
            .iter()
            .any(|e| e.record_kind.as_deref() == Some("customer") && e.detail.contains("leisure.register_customer")),
        "{audited:?}"
    );
    let theirs: Vec<String> = store
        .records_of(PersonRef::Customer(id))
        .unwrap()
        .into_iter()
        .map(|(t, _, _)| t)
        .collect();
    assert!(theirs.contains(&"customer_details".to_owned()), "{theirs:?}");
}

fn bad_registrations_and_taken_ids_write_nothing(backend: &str) {
    let (_db, store) = world_store(backend);
    let a = quick_caller(&*store, "desk.a", CENTRE_A);
    let customers = store.count("customers").unwrap();
    let tomorrow = now().date() + Days::new(1);
    let cases: Vec<(RegisterCustomer, &str)> = vec![
        (
            RegisterCustomer {
                date_of_birth: tomorrow,
                ..registration(new_id(2))
            },
            "invalid_registration",
        ),
        (
            RegisterCustomer {
                date_of_birth: NaiveDate::from_ymd_opt(1890, 1, 1).unwrap(),
                ..registration(new_id(3))
            },
            "invalid_registration",
        ),
        (
            RegisterCustomer {
                date_of_birth: now().date() - Days::new(3_000),
                ..registration(new_id(4))
            },
            "invalid_registration",
        ),
        (registration(5), "invalid_registration"),
        (
            RegisterCustomer {
                home_centre_id: CENTRE_B,
                ..registration(new_id(6))
            },
            "out_of_scope",
        ),
    ];
    for (seq, (r, want)) in cases.into_iter().enumerate() {
        assert_eq!(code(outcome(&*store, &a, seq as u64 + 1, &Command::from(r))), want);
    }
    assert_eq!(store.count("customers").unwrap(), customers);
    assert_eq!(store.count("customer_details").unwrap(), 0);

    // Two desks drew the same id: the second is told, and nothing of it is written.
    assert_eq!(
        outcome(&*store, &a, 6, &Command::from(registration(new_id(7)))),
        Outcome::Applied
    );
    let clash = RegisterCustomer {
        first_name: "Isla".into(),
        last_name: "Ross".into(),
        email: None,
        postcode: "AB56 4SQ".into(),
        ..registration(new_id(7))
    };
    assert_eq!(
        code(outcome(&*store, &a, 7, &Command::from(clash))),
        "customer_id_taken"
    );
    let held: Vec<Customer> = records(&*store, "customers");
    assert_eq!(held.iter().find(|c| c.id == new_id(7)).unwrap().first_name, "Ewan");
}

fn a_possible_duplicate_is_refused_until_confirmed_not_them(backend: &str) {
    let (_db, store) = world_store(backend);
    let a = quick_caller(&*store, "desk.a", CENTRE_A);
    // Customer 5 of the world: Màiri O'Neill 5, born 14 Mar 1985. Centre B's customers share
    // the birthday but are outside this desk's sites, so never offered.
    let same = RegisterCustomer {
        first_name: "Mairi".into(),
        last_name: "O'Neill 5".into(),
        date_of_birth: NaiveDate::from_ymd_opt(1985, 3, 14).unwrap(),
        email: None,
        ..registration(new_id(10))
    };
    let Outcome::Rejected { code, alternatives, .. } = outcome(&*store, &a, 1, &Command::from(same.clone())) else {
        panic!("refused")
    };
    assert_eq!(code, "possible_duplicate");
    let offered: Vec<i64> = alternatives
        .iter()
        .map(|x| match x {
            Alternative::ExistingCustomer { customer_id, .. } => *customer_id,
            other => panic!("{other:?}"),
        })
        .collect();
    assert_eq!(offered, [5]);
    assert_eq!(store.count("customer_details").unwrap(), 0);

    let confirmed = RegisterCustomer {
        not_them: vec![5],
        ..same
    };
    assert_eq!(outcome(&*store, &a, 2, &Command::from(confirmed)), Outcome::Applied);
    assert_eq!(store.count("customer_details").unwrap(), 1);
}

fn a_membership_sold_writes_the_entitlement_and_the_sale(backend: &str) {
    let (_db, store) = world_store(backend);
    let a = quick_caller(&*store, "desk.a", CENTRE_A);
    let head = store.head().unwrap();
    let sale_id = Uuid::now_v7();
    let sale = SellMembership {
        sale_id,
        customer_id: 1,
        plan: Plan::Individual,
        billing: Billing::Annual,
        starts: now().date(),
        payer_id: 2,
        covers: Vec::new(),
    };
    assert_eq!(outcome(&*store, &a, 1, &Command::from(sale.clone())), Outcome::Applied);
    let [e]: [Entitlement; 1] = records(&*store, "entitlements").try_into().unwrap();
    let m = e.membership.unwrap();
    assert_eq!((m.plan, m.starts), (Plan::Individual, now().date()));
    let [s]: [MembershipSale; 1] = records(&*store, "membership_sales").try_into().unwrap();
    assert_eq!((s.id, s.payer_id, s.staff_id), (sale_id, 2, a.staff_id));
    let pulled = store
        .pull(&strs(&a.buckets), head, 100, (a.staff_id, a.device_id), 0)
        .unwrap();
    let tables: Vec<&str> = pulled.rows.iter().map(|r| r.table.as_str()).collect();
    assert_eq!(tables, ["entitlements", "membership_sales"]);

    // A second one over it, one starting yesterday, one outside the desk's sites: refused.
    let again = SellMembership {
        sale_id: Uuid::now_v7(),
        ..sale.clone()
    };
    assert_eq!(code(outcome(&*store, &a, 2, &Command::from(again))), "already_member");
    let backdated = SellMembership {
        sale_id: Uuid::now_v7(),
        customer_id: 3,
        starts: now().date() - Days::new(1),
        ..sale.clone()
    };
    assert_eq!(
        code(outcome(&*store, &a, 3, &Command::from(backdated))),
        "invalid_membership"
    );
    let elsewhere = SellMembership {
        sale_id: Uuid::now_v7(),
        customer_id: CUSTOMERS_A + 1,
        payer_id: CUSTOMERS_A + 1,
        ..sale
    };
    assert_eq!(code(outcome(&*store, &a, 4, &Command::from(elsewhere))), "out_of_scope");
    assert_eq!(store.count("membership_sales").unwrap(), 1);
}
