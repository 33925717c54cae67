//! `leisure.register_customer` and `leisure.sell_membership` through `decide`: what each puts
//! and audits, each refusal with nothing put, and the "is this them?" alternatives.

use chrono::NaiveDate;
use uuid::Uuid;

use crate::leisure::customer_cmd::{
    CustomerDetails, DESK_CUSTOMER_IDS, RegisterCustomer, SellMembership, desk_customer_id, paid_until,
};
use crate::leisure::decide::tests::{Mem, ctx, customer, words, world};
use crate::leisure::membership::{Billing, Concession, ConcessionKind, Membership, Plan};
use crate::leisure::records::Entitlement;
use crate::{Alternative, Bucket, Command, Effect};

fn d(y: i32, m: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, day).unwrap()
}

const NEW_ID: i64 = (1 << 52) + 77;

fn new_adult() -> RegisterCustomer {
    RegisterCustomer {
        customer_id: NEW_ID,
        home_centre_id: 1,
        first_name: " Ewan ".into(),
        last_name: "Grant".into(),
        date_of_birth: d(1990, 6, 15),
        address: "4 Moss Street, Elgin".into(),
        postcode: "iv301lt".into(),
        email: Some("Ewan.Grant@Example.org".into()),
        phone: Some("07700 900123".into()),
        emergency_contact: None,
        concession: None,
        marketing_consent: true,
        not_them: Vec::new(),
    }
}

fn run(w: &mut Mem, cmd: impl Into<Command>) -> Result<Vec<Effect>, crate::Refusal> {
    let Ok(decision) = cmd.into().decide(w, &ctx());
    decision
}

fn code(r: Result<Vec<Effect>, crate::Refusal>) -> &'static str {
    r.map(|_| "applied").unwrap_or_else(|e| e.code.as_str())
}

#[test]
fn desk_ids_lie_in_their_own_range_below_two_to_the_fifty_three() {
    for bits in [0, 1, u64::MAX, 1 << 52, (1 << 52) - 1, 0xdead_beef_cafe_f00d] {
        let id = desk_customer_id(bits);
        assert!(DESK_CUSTOMER_IDS.contains(&id), "{id}");
        assert!(id < 1 << 53, "exact in JavaScript");
    }
    assert_ne!(desk_customer_id(1), desk_customer_id(2));
}

#[test]
fn a_registration_puts_the_customer_their_details_and_an_audit_line() {
    let mut w = world();
    let effects = run(&mut w, new_adult()).unwrap();
    assert_eq!(
        words(&effects),
        [
            "audit customer",
            &format!("put customers {NEW_ID} -"),
            &format!("put customer_details {NEW_ID} -"),
        ]
    );
    let Effect::Put(c) = &effects[1] else { panic!() };
    let c: crate::Customer = c.parse().unwrap();
    assert_eq!((c.first_name.as_str(), c.postcode.as_str()), ("Ewan", "IV30 1LT"));
    assert_eq!(c.email.as_deref(), Some("ewan.grant@example.org"));
    assert_eq!(c.membership_no, format!("D{NEW_ID}"));
    assert!(!c.concession);
    let Effect::Put(r) = &effects[2] else { panic!() };
    assert_eq!(r.bucket, Bucket::LeisureSite(1).to_string());
    let details: CustomerDetails = r.parse().unwrap();
    assert!(details.marketing_consent);
    assert_eq!(details.address, "4 Moss Street, Elgin");
    assert_eq!(details.staff_id, ctx().staff_id);
}

#[test]
fn a_concession_is_kept_with_its_evidence_and_review_date_as_an_entitlement() {
    let mut w = world();
    let mut a = new_adult();
    a.concession = Some(Concession {
        kind: ConcessionKind::Budget,
        evidence: "JSA letter dated 2 Nov".into(),
        review_due: d(2027, 6, 1),
    });
    let effects = run(&mut w, a).unwrap();
    let Some(Effect::Put(e)) = effects.last() else { panic!() };
    let e: Entitlement = e.parse().unwrap();
    assert_eq!(e.concession.unwrap().evidence, "JSA letter dated 2 Nov");
    assert!(e.membership.is_none());
}

#[test]
fn bad_registrations_are_refused_with_nothing_put() {
    type Change = fn(&mut RegisterCustomer);
    let cases: [(&str, Change, &str); 12] = [
        (
            "born tomorrow",
            |a| a.date_of_birth = d(2026, 12, 2),
            "invalid_registration",
        ),
        (
            "121 years old",
            |a| a.date_of_birth = d(1905, 11, 30),
            "invalid_registration",
        ),
        ("no first name", |a| a.first_name = "  ".into(), "invalid_registration"),
        ("no address", |a| a.address = " ".into(), "invalid_registration"),
        ("bad postcode", |a| a.postcode = "ELGIN".into(), "invalid_registration"),
        ("bad email", |a| a.email = Some("ewan@".into()), "invalid_registration"),
        (
            "bad phone",
            |a| a.phone = Some("call me".into()),
            "invalid_registration",
        ),
        (
            "child without emergency contact",
            |a| a.date_of_birth = d(2012, 1, 1),
            "invalid_registration",
        ),
        (
            "concession without evidence",
            |a| {
                a.concession = Some(Concession {
                    kind: ConcessionKind::Student,
                    evidence: " ".into(),
                    review_due: d(2027, 6, 1),
                })
            },
            "invalid_registration",
        ),
        (
            "concession review already past",
            |a| {
                a.concession = Some(Concession {
                    kind: ConcessionKind::Student,
                    evidence: "Matriculation card".into(),
                    review_due: d(2026, 12, 1),
                })
            },
            "invalid_registration",
        ),
        (
            "id outside the desk range",
            |a| a.customer_id = 3,
            "invalid_registration",
        ),
        ("centre outside scope", |a| a.home_centre_id = 2, "out_of_scope"),
    ];
    for (what, change, want) in cases {
        let mut w = world();
        w.scope = vec![Bucket::LeisureSite(1)];
        let mut a = new_adult();
        change(&mut a);
        assert_eq!(code(run(&mut w, a)), want, "{what}");
    }
    // 120 exactly, and a child with an emergency contact, are fine.
    let mut a = new_adult();
    a.date_of_birth = d(1906, 12, 1);
    assert_eq!(code(run(&mut world(), a)), "applied");
    let mut a = new_adult();
    a.date_of_birth = d(2012, 1, 1);
    a.emergency_contact = Some("Fiona Grant (mum) 07700 900456".into());
    assert_eq!(code(run(&mut world(), a)), "applied");
}

#[test]
fn a_taken_id_is_refused() {
    let mut w = world();
    w.customers.push(customer(NEW_ID, 1));
    assert_eq!(code(run(&mut w, new_adult())), "customer_id_taken");
}

fn on_file(id: i64, first: &str, last: &str, dob: NaiveDate, postcode: &str, email: Option<&str>) -> crate::Customer {
    crate::Customer {
        first_name: first.into(),
        last_name: last.into(),
        date_of_birth: dob,
        postcode: postcode.into(),
        email: email.map(str::to_owned),
        ..customer(id, 1)
    }
}

#[test]
fn possible_duplicates_are_offered_until_the_receptionist_says_not_them() {
    let mut w = world();
    w.customers.extend([
        on_file(20, "Ewan", "Grant", d(1990, 6, 15), "AB10 1AB", None),
        on_file(21, "Ewen", "Grant", d(1971, 1, 1), "IV30 1LT", None),
        on_file(
            22,
            "Morag",
            "Bell",
            d(1960, 1, 1),
            "PH1 1AA",
            Some("ewan.grant@example.org"),
        ),
        on_file(23, "Iain", "Ross", d(1990, 6, 15), "IV30 1LT", None),
        // Same name and birth, but at a centre this desk may not see: never offered.
        crate::Customer {
            home_centre_id: 2,
            ..on_file(24, "Ewan", "Grant", d(1990, 6, 15), "IV30 1LT", None)
        },
    ]);
    w.scope = vec![Bucket::LeisureSite(1)];
    let refusal = run(&mut w, new_adult()).unwrap_err();
    assert_eq!(refusal.code.as_str(), "possible_duplicate");
    let offered: Vec<(i64, String)> = refusal
        .alternatives
        .iter()
        .map(|a| match a {
            Alternative::ExistingCustomer { customer_id, summary } => (*customer_id, summary.clone()),
            other => panic!("{other:?}"),
        })
        .collect();
    assert_eq!(
        offered,
        [
            (
                20,
                "Ewan Grant, born 15 Jun 1990, AB10 1AB (same name and date of birth)".to_owned()
            ),
            (
                22,
                "Morag Bell, born 1 Jan 1960, PH1 1AA (same email address)".to_owned()
            ),
            (
                21,
                "Ewen Grant, born 1 Jan 1971, IV30 1LT (similar name at the same postcode)".to_owned()
            ),
        ]
    );
    // Confirmed "not them" for two: the third is still offered.
    let mut a = new_adult();
    a.not_them = vec![20, 22];
    let again = run(&mut w, a.clone()).unwrap_err();
    assert_eq!(again.alternatives.len(), 1);
    a.not_them.push(21);
    assert_eq!(code(run(&mut w, a)), "applied");
}

fn sale(plan: Plan, billing: Billing, covers: Vec<i64>) -> SellMembership {
    SellMembership {
        sale_id: Uuid::from_u128(900),
        customer_id: 1,
        plan,
        billing,
        starts: d(2026, 12, 1),
        payer_id: 1,
        covers,
    }
}

fn details(id: i64, address: &str) -> CustomerDetails {
    CustomerDetails {
        id,
        customer_id: id,
        centre_id: 1,
        address: address.into(),
        emergency_contact: None,
        marketing_consent: false,
        registered_at: ctx().at,
        staff_id: 1,
    }
}

#[test]
fn a_membership_sold_starts_on_its_day_with_its_payer_and_keeps_the_concession() {
    let mut w = world();
    w.entitlements.push(Entitlement {
        id: 1,
        customer_id: 1,
        centre_id: 1,
        membership: None,
        concession: Some(Concession {
            kind: ConcessionKind::Carer,
            evidence: "Carer's allowance letter".into(),
            review_due: d(2027, 3, 1),
        }),
    });
    let mut s = sale(Plan::Individual, Billing::Monthly, vec![]);
    s.payer_id = 2;
    let effects = run(&mut w, s).unwrap();
    assert_eq!(
        words(&effects),
        [
            "audit customer",
            "put entitlements 1 -",
            &format!("put membership_sales {} -", Uuid::from_u128(900))
        ]
    );
    let Effect::Put(e) = &effects[1] else { panic!() };
    let e: Entitlement = e.parse().unwrap();
    let m = e.membership.unwrap();
    assert_eq!((m.starts, m.paid_until), (d(2026, 12, 1), d(2026, 12, 31)));
    assert!(e.concession.is_some(), "the concession stays");
    let Effect::Put(r) = &effects[2] else { panic!() };
    assert_eq!(r.row["payer_id"], 2);
    assert_eq!(r.row["billing"], "monthly");
}

#[test]
fn paid_until_is_a_month_or_a_year_less_a_day() {
    assert_eq!(paid_until(Billing::Monthly, d(2027, 1, 31)), d(2027, 2, 27));
    assert_eq!(paid_until(Billing::Annual, d(2026, 12, 1)), d(2027, 11, 30));
    assert_eq!(paid_until(Billing::Free, d(2028, 2, 29)), d(2029, 2, 27));
}

#[test]
fn a_family_membership_covers_everyone_named_at_one_address() {
    let mut w = world();
    w.customers
        .push(on_file(30, "Isla", "O'Neill", d(2015, 5, 5), "IV30 1AA", None));
    w.details = vec![details(1, "2 Hay Street"), details(30, "2 hay  street")];
    let effects = run(&mut w, sale(Plan::Family, Billing::Annual, vec![30])).unwrap();
    assert_eq!(
        words(&effects)[..4],
        [
            "audit customer",
            "put entitlements 1 -",
            "audit customer",
            "put entitlements 30 -"
        ]
    );
    // Someone living elsewhere is refused.
    w.details[1].address = "9 North Street".into();
    assert_eq!(
        code(run(&mut w, sale(Plan::Family, Billing::Annual, vec![30]))),
        "invalid_membership"
    );
}

#[test]
fn bad_sales_are_refused() {
    let active = Membership {
        plan: Plan::Individual,
        billing: Billing::Annual,
        starts: d(2026, 6, 1),
        paid_until: d(2027, 5, 31),
        frozen: false,
    };
    type Change = fn(&mut SellMembership, &mut Mem);
    let cases: [(&str, Change, &str); 9] = [
        (
            "starts yesterday",
            |s, _| s.starts = d(2026, 11, 30),
            "invalid_membership",
        ),
        (
            "free individual",
            |s, _| s.billing = Billing::Free,
            "invalid_membership",
        ),
        (
            "paid disabled and carer",
            |s, _| s.plan = Plan::DisabledWithCarer,
            "invalid_membership",
        ),
        (
            "individual covering two",
            |s, _| s.covers = vec![2],
            "invalid_membership",
        ),
        ("holder named twice", |s, _| s.covers = vec![1], "invalid_membership"),
        ("unknown customer", |s, _| s.customer_id = 404, "unknown_customer"),
        ("unknown payer", |s, _| s.payer_id = 404, "unknown_customer"),
        (
            "child payer",
            |s, w| {
                w.customers
                    .push(on_file(40, "Wee", "One", d(2015, 1, 1), "IV30 1AA", None));
                s.payer_id = 40;
            },
            "invalid_membership",
        ),
        ("outside scope", |s, _| s.customer_id = 9, "out_of_scope"),
    ];
    for (what, change, want) in cases {
        let mut w = world();
        w.scope = vec![Bucket::LeisureSite(1)];
        let mut s = sale(Plan::Individual, Billing::Monthly, vec![]);
        change(&mut s, &mut w);
        assert_eq!(code(run(&mut w, s)), want, "{what}");
    }
    let mut w = world();
    w.entitlements.push(Entitlement {
        id: 1,
        customer_id: 1,
        centre_id: 1,
        membership: Some(active.clone()),
        concession: None,
    });
    assert_eq!(
        code(run(&mut w, sale(Plan::Individual, Billing::Monthly, vec![]))),
        "already_member"
    );
    // After it lapses, a new one may start.
    let mut s = sale(Plan::Individual, Billing::Monthly, vec![]);
    s.starts = d(2027, 6, 1);
    assert_eq!(code(run(&mut w, s)), "applied");
}

#[test]
fn accents_do_not_hide_a_duplicate() {
    let mut w = world();
    w.scope = vec![Bucket::LeisureSite(1)];
    // The world's customers are Mòrag O'Neill, born 1 Feb 1980.
    let typed = RegisterCustomer {
        first_name: "Morag".into(),
        last_name: "ONeill".into(),
        date_of_birth: d(1980, 2, 1),
        ..new_adult()
    };
    let refusal = run(&mut w, typed).unwrap_err();
    assert_eq!(refusal.code.as_str(), "possible_duplicate");
    assert_eq!(refusal.alternatives.len(), 5, "customers 1 to 5 of centre 1");
}
