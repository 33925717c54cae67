//! `leisure.update_customer` through `decide`: what each change puts and audits (field names,
//! never values), registration's rules applied to the fields changed, the refusals with nothing
//! put, and a change that changes nothing.

use chrono::NaiveDate;

use crate::leisure::customer_cmd::CustomerDetails;
use crate::leisure::customer_update::{ConcessionChange, UpdateCustomer};
use crate::leisure::decide::tests::{Mem, ctx, words, world};
use crate::leisure::membership::{Billing, Concession, ConcessionKind, Membership, Plan};
use crate::leisure::records::Entitlement;
use crate::{Bucket, Command, Effect, Refusal};

fn d(y: i32, m: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, day).unwrap()
}

/// Customer 1 of the world, registered at a desk with an address; customer 2 loaded from the
/// council's system, nothing kept with them. Today is 1 Dec 2026.
fn desk() -> Mem {
    let mut w = world();
    w.details.push(CustomerDetails {
        id: 1,
        customer_id: 1,
        centre_id: 1,
        address: "4 Moss Street, Elgin".into(),
        emergency_contact: None,
        marketing_consent: true,
        registered_at: ctx().at,
        staff_id: 3,
    });
    w.entitlements.push(Entitlement {
        id: 1,
        customer_id: 1,
        centre_id: 1,
        membership: Some(Membership {
            plan: Plan::Individual,
            billing: Billing::Monthly,
            starts: d(2026, 1, 1),
            paid_until: d(2026, 12, 31),
            frozen: false,
        }),
        concession: Some(Concession {
            kind: ConcessionKind::Budget,
            evidence: "JSA letter".into(),
            review_due: d(2026, 12, 10),
        }),
    });
    w
}

fn change(id: i64) -> UpdateCustomer {
    UpdateCustomer {
        customer_id: id,
        ..UpdateCustomer::default()
    }
}

fn run(w: &mut Mem, cmd: UpdateCustomer) -> Result<Vec<Effect>, Refusal> {
    let Ok(decision) = Command::from(cmd).decide(w, &ctx());
    decision
}

fn audit_line(effects: &[Effect]) -> String {
    match &effects[0] {
        Effect::Audit(n) => n.detail.clone(),
        other => panic!("the audit comes first: {other:?}"),
    }
}

fn put<T: serde::de::DeserializeOwned>(effects: &[Effect], table: &str) -> T {
    effects
        .iter()
        .find_map(|e| match e {
            Effect::Put(r) if r.table == table => Some(r.parse().unwrap()),
            _ => None,
        })
        .unwrap_or_else(|| panic!("no {table} put: {effects:?}"))
}

#[test]
fn each_change_puts_only_the_records_it_touches_and_audits_the_field_names() {
    let proved = Concession {
        kind: ConcessionKind::Student,
        evidence: " Matriculation card ".into(),
        review_due: d(2027, 6, 30),
    };
    let cases: Vec<(UpdateCustomer, &str, Vec<&str>)> = vec![
        (
            UpdateCustomer {
                phone: Some("07700 900456".into()),
                ..change(1)
            },
            "leisure.update_customer: phone",
            vec!["audit customer", "put customers 1 -"],
        ),
        (
            UpdateCustomer {
                address: Some(" 9 High Street, Forres ".into()),
                postcode: Some("iv360bx".into()),
                ..change(1)
            },
            "leisure.update_customer: address, postcode",
            vec!["audit customer", "put customers 1 -", "put customer_details 1 -"],
        ),
        (
            UpdateCustomer {
                concession: Some(ConcessionChange::Proved(proved.clone())),
                ..change(1)
            },
            "leisure.update_customer: concession",
            vec!["audit customer", "put customers 1 -", "put entitlements 1 -"],
        ),
        (
            UpdateCustomer {
                marketing_consent: Some(false),
                ..change(1)
            },
            "leisure.update_customer: marketing_consent",
            vec!["audit customer", "put customer_details 1 -"],
        ),
        (
            UpdateCustomer {
                first_name: Some("Morag".into()),
                date_of_birth: Some(d(1981, 2, 1)),
                email: Some("Morag@Example.org".into()),
                ..change(1)
            },
            "leisure.update_customer: first_name, date_of_birth, email",
            vec!["audit customer", "put customers 1 -"],
        ),
    ];
    for (cmd, audit, want) in cases {
        let effects = run(&mut desk(), cmd.clone()).unwrap_or_else(|r| panic!("{cmd:?}: {r:?}"));
        assert_eq!(audit_line(&effects), audit);
        assert_eq!(words(&effects), want, "{cmd:?}");
        let Effect::Audit(n) = &effects[0] else { unreachable!() };
        assert_eq!((n.person_id, n.record_id.as_str()), (Some(1), "1"));
        for e in &effects[1..] {
            let Effect::Put(r) = e else { panic!() };
            assert_eq!(
                r.bucket,
                Bucket::LeisureSite(1).to_string(),
                "in the home centre's bucket"
            );
        }
    }
}

#[test]
fn the_new_values_are_tidied_as_registration_tidies_them_and_the_rest_kept() {
    let effects = run(
        &mut desk(),
        UpdateCustomer {
            first_name: Some(" Morag ".into()),
            postcode: Some("iv360bx".into()),
            email: Some("Morag@Example.org".into()),
            address: Some(" 9 High Street, Forres ".into()),
            ..change(1)
        },
    )
    .unwrap();
    let c: crate::Customer = put(&effects, "customers");
    assert_eq!(
        (c.first_name.as_str(), c.postcode.as_str(), c.email.as_deref()),
        ("Morag", "IV36 0BX", Some("morag@example.org"))
    );
    assert_eq!((c.last_name.as_str(), c.membership_no.as_str()), ("O'Neill", "M1"));
    assert!(c.concession, "the concession held is kept");
    let details: CustomerDetails = put(&effects, "customer_details");
    assert_eq!(details.address, "9 High Street, Forres");
    assert!(details.marketing_consent, "consent kept");
    assert_eq!(
        (details.staff_id, details.registered_at),
        (3, ctx().at),
        "who registered them is kept"
    );
}

#[test]
fn a_concession_re_proved_keeps_the_membership_and_an_ended_one_is_gone() {
    let proved = Concession {
        kind: ConcessionKind::Budget,
        evidence: " Universal Credit statement ".into(),
        review_due: d(2027, 6, 1),
    };
    let effects = run(
        &mut desk(),
        UpdateCustomer {
            concession: Some(ConcessionChange::Proved(proved)),
            ..change(1)
        },
    )
    .unwrap();
    let e: Entitlement = put(&effects, "entitlements");
    assert_eq!(e.concession.as_ref().unwrap().evidence, "Universal Credit statement");
    assert_eq!(e.concession.unwrap().review_due, d(2027, 6, 1));
    assert_eq!(
        e.membership.unwrap().plan,
        Plan::Individual,
        "the membership is untouched"
    );

    let effects = run(
        &mut desk(),
        UpdateCustomer {
            concession: Some(ConcessionChange::Ended),
            ..change(1)
        },
    )
    .unwrap();
    let e: Entitlement = put(&effects, "entitlements");
    assert_eq!(e.concession, None);
    assert!(e.membership.is_some());
    let c: crate::Customer = put(&effects, "customers");
    assert!(!c.concession, "priced without the concession from now");
}

#[test]
fn a_customer_with_nothing_kept_at_a_desk_gets_details_and_an_entitlement_when_changed() {
    let effects = run(
        &mut desk(),
        UpdateCustomer {
            emergency_contact: Some("Ann O'Neill 07700 900111".into()),
            concession: Some(ConcessionChange::Proved(Concession {
                kind: ConcessionKind::Carer,
                evidence: "Carer's Allowance letter".into(),
                review_due: d(2027, 12, 1),
            })),
            ..change(2)
        },
    )
    .unwrap();
    let details: CustomerDetails = put(&effects, "customer_details");
    assert_eq!(details.emergency_contact.as_deref(), Some("Ann O'Neill 07700 900111"));
    assert_eq!(details.address, "", "no address until one is given");
    assert!(!details.marketing_consent, "no consent unless given");
    assert_eq!((details.staff_id, details.centre_id), (7, 1));
    let e: Entitlement = put(&effects, "entitlements");
    assert_eq!((e.customer_id, e.membership), (2, None));
}

#[test]
fn bad_changes_are_refused_with_registrations_words_and_nothing_put() {
    let cases: Vec<(UpdateCustomer, &str)> = vec![
        (change(1), "nothing to change"),
        (
            UpdateCustomer {
                date_of_birth: Some(d(2026, 12, 2)),
                ..change(1)
            },
            "a date of birth in the future (2026-12-02) cannot be right",
        ),
        (
            UpdateCustomer {
                date_of_birth: Some(d(1890, 1, 1)),
                ..change(1)
            },
            "more than 120 years ago",
        ),
        (
            UpdateCustomer {
                date_of_birth: Some(d(2015, 5, 5)),
                ..change(1)
            },
            "a customer under 16 needs an emergency contact",
        ),
        (
            UpdateCustomer {
                first_name: Some("  ".into()),
                ..change(1)
            },
            "the first name is missing",
        ),
        (
            UpdateCustomer {
                address: Some(String::new()),
                ..change(1)
            },
            "the address is missing",
        ),
        (
            UpdateCustomer {
                postcode: Some("IV30".into()),
                ..change(1)
            },
            "`IV30` is not a UK postcode",
        ),
        (
            UpdateCustomer {
                email: Some("ewan@".into()),
                ..change(1)
            },
            "is not an email address",
        ),
        (
            UpdateCustomer {
                phone: Some("999".into()),
                ..change(1)
            },
            "`999` is not a phone number",
        ),
        (
            UpdateCustomer {
                concession: Some(ConcessionChange::Proved(Concession {
                    kind: ConcessionKind::Budget,
                    evidence: "JSA letter".into(),
                    review_due: d(2026, 12, 1),
                })),
                ..change(1)
            },
            "a concession needs the evidence seen and a review date after today",
        ),
        (
            UpdateCustomer {
                concession: Some(ConcessionChange::Proved(Concession {
                    kind: ConcessionKind::Budget,
                    evidence: " ".into(),
                    review_due: d(2027, 6, 1),
                })),
                ..change(1)
            },
            "a concession needs the evidence seen",
        ),
    ];
    for (cmd, words) in cases {
        let r = run(&mut desk(), cmd.clone()).expect_err(&format!("{cmd:?}"));
        assert_eq!(r.code.as_str(), "invalid_customer_update", "{cmd:?}");
        assert!(r.message.starts_with("Not changed: "), "{}", r.message);
        assert!(r.message.contains(words), "{cmd:?}: {}", r.message);
    }
}

#[test]
fn a_child_keeps_their_emergency_contact_and_a_record_already_off_the_rules_can_still_change() {
    let mut w = desk();
    // Customer 3 is 10 and was loaded with no emergency contact; customer 1's concession lapsed.
    w.customers[2].date_of_birth = d(2016, 3, 3);
    w.entitlements[0].concession.as_mut().unwrap().review_due = d(2026, 11, 1);
    let phone = |id| UpdateCustomer {
        phone: Some("01343 563000".into()),
        ..change(id)
    };
    assert!(run(&mut w, phone(3)).is_ok(), "the reception view asks for the contact");
    assert!(run(&mut w, phone(1)).is_ok(), "the reception view flags the review");
    let clear = UpdateCustomer {
        emergency_contact: Some(String::new()),
        ..change(3)
    };
    assert_eq!(run(&mut w, clear).unwrap_err().code.as_str(), "invalid_customer_update");
    let given = UpdateCustomer {
        emergency_contact: Some("Ann O'Neill 07700 900111".into()),
        ..change(3)
    };
    assert!(run(&mut w, given).is_ok());
}

#[test]
fn blank_contacts_are_removed_and_withdrawing_consent_is_one_field() {
    let mut w = desk();
    w.customers[0].email = Some("morag@example.org".into());
    let effects = run(
        &mut w,
        UpdateCustomer {
            email: Some(" ".into()),
            marketing_consent: Some(false),
            ..change(1)
        },
    )
    .unwrap();
    assert_eq!(
        audit_line(&effects),
        "leisure.update_customer: email, marketing_consent"
    );
    let c: crate::Customer = put(&effects, "customers");
    assert_eq!(c.email, None);
    let details: CustomerDetails = put(&effects, "customer_details");
    assert!(!details.marketing_consent);
}

#[test]
fn a_change_to_the_values_held_is_applied_with_only_an_audit_line() {
    let effects = run(
        &mut desk(),
        UpdateCustomer {
            first_name: Some("Mòrag ".into()),
            postcode: Some("iv30 1aa".into()),
            marketing_consent: Some(true),
            ..change(1)
        },
    )
    .unwrap();
    assert_eq!(words(&effects), ["audit customer"]);
    assert_eq!(
        audit_line(&effects),
        "leisure.update_customer: nothing changed (already as asked)"
    );
}

#[test]
fn only_the_fields_that_differ_are_named_and_two_desks_changes_both_stand() {
    let mut w = desk();
    // Desk A changed the phone; desk B, from its older copy, the email: B's names only email,
    // so A's phone stands.
    let a = run(
        &mut w,
        UpdateCustomer {
            phone: Some("07700 900456".into()),
            ..change(1)
        },
    )
    .unwrap();
    w.customers[0] = put(&a, "customers");
    let b = run(
        &mut w,
        UpdateCustomer {
            email: Some("morag@example.org".into()),
            phone: Some("07700 900456".into()),
            ..change(1)
        },
    )
    .unwrap();
    assert_eq!(audit_line(&b), "leisure.update_customer: email");
    let c: crate::Customer = put(&b, "customers");
    assert_eq!(
        (c.phone.as_deref(), c.email.as_deref()),
        (Some("07700 900456"), Some("morag@example.org"))
    );
}

#[test]
fn unknown_and_out_of_scope_customers_are_refused() {
    let mut w = desk();
    w.scope = vec![Bucket::LeisureSite(1)];
    let phone = |id| UpdateCustomer {
        phone: Some("07700 900456".into()),
        ..change(id)
    };
    assert_eq!(run(&mut w, phone(404)).unwrap_err().code.as_str(), "unknown_customer");
    // Customer 9's home centre is 2.
    assert_eq!(run(&mut w, phone(9)).unwrap_err().code.as_str(), "out_of_scope");
}

#[test]
fn the_summary_names_the_customer_and_the_fields_in_words() {
    let mut w = desk();
    let cmd = Command::from(UpdateCustomer {
        phone: Some("07700 900456".into()),
        concession: Some(ConcessionChange::Ended),
        marketing_consent: Some(false),
        ..change(1)
    });
    let Ok(line) = cmd.summary(&mut w);
    assert_eq!(line, "Change Mòrag O'Neill's phone, concession and marketing consent");
    let one = Command::from(UpdateCustomer {
        address: Some("1 Ash Road".into()),
        ..change(1)
    });
    let Ok(line) = one.summary(&mut w);
    assert_eq!(line, "Change Mòrag O'Neill's address");
}

#[test]
fn the_wire_shape_carries_only_the_fields_changed() {
    let cmd = Command::from(UpdateCustomer {
        phone: Some("07700 900456".into()),
        concession: Some(ConcessionChange::Ended),
        ..change(1)
    });
    let (name, v, args) = cmd.to_envelope_parts();
    assert_eq!(name, "leisure.update_customer");
    assert_eq!(
        args,
        serde_json::json!({"customer_id": 1, "phone": "07700 900456", "concession": "ended"})
    );
    assert_eq!(Command::parse(name, v, &args).unwrap(), cmd);
    let proved = serde_json::json!({"customer_id": 1, "concession":
        {"proved": {"kind": "student", "evidence": "card", "review_due": "2027-01-01"}}});
    assert!(Command::parse(name, v, &proved).is_ok());
    let stray = serde_json::json!({"customer_id": 1, "membership_no": "X1"});
    assert_eq!(Command::parse(name, v, &stray).unwrap_err().code().as_str(), "bad_args");
}
