//! Registering a customer: bad input refused, duplicates offered; family memberships checked.

use chrono::NaiveDate;

use crate::leisure::membership::{Concession, ConcessionKind, FamilyError, FamilyRule, check_family};
use crate::leisure::registration::{
    Likeness, OnFile, Registration, RegistrationError, normal_postcode, possible_duplicates, validate,
};

fn d(y: i32, m: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, day).unwrap()
}

fn today() -> NaiveDate {
    d(2026, 12, 8)
}

fn adult() -> Registration {
    Registration {
        first_name: "Morag".into(),
        last_name: "MacDonald".into(),
        date_of_birth: d(1984, 3, 2),
        postcode: "iv30 1bx".into(),
        email: Some("morag@example.org".into()),
        phone: Some("01343 563 000".into()),
        emergency_contact: None,
        concession: None,
        marketing_consent: false,
    }
}

#[test]
fn bad_registrations_are_refused() {
    use RegistrationError as E;
    let with = |f: &dyn Fn(&mut Registration)| {
        let mut r = adult();
        f(&mut r);
        validate(&r, today())
    };
    assert_eq!(validate(&adult(), today()), Ok(()));
    let cases: Vec<(&str, Result<(), E>)> = vec![
        ("future birth", with(&|r| r.date_of_birth = d(2026, 12, 9))),
        (
            "born today",
            with(&|r| {
                r.date_of_birth = today();
                r.emergency_contact = Some("Mum 07700 900123".into());
            }),
        ),
        ("1899", with(&|r| r.date_of_birth = d(1899, 12, 31))),
        ("no surname", with(&|r| r.last_name = " ".into())),
        ("control", with(&|r| r.first_name = "Mo\u{7}rag".into())),
        ("email", with(&|r| r.email = Some("morag.example.org".into()))),
        ("email host", with(&|r| r.email = Some("morag@example".into()))),
        ("phone letters", with(&|r| r.phone = Some("01343 ABC".into()))),
        ("phone short", with(&|r| r.phone = Some("563000".into()))),
        ("postcode", with(&|r| r.postcode = "IV30".into())),
        ("child without contact", with(&|r| r.date_of_birth = d(2012, 1, 1))),
        (
            "child with contact",
            with(&|r| {
                r.date_of_birth = d(2012, 1, 1);
                r.emergency_contact = Some("Dad 07700 900456".into());
            }),
        ),
        ("sixteen today", with(&|r| r.date_of_birth = d(2010, 12, 8))),
        (
            "concession without evidence",
            with(&|r| {
                r.concession = Some(Concession {
                    kind: ConcessionKind::Budget,
                    evidence: " ".into(),
                    review_due: d(2027, 6, 8),
                })
            }),
        ),
        (
            "concession review already due",
            with(&|r| {
                r.concession = Some(Concession {
                    kind: ConcessionKind::Budget,
                    evidence: "UC letter".into(),
                    review_due: today(),
                })
            }),
        ),
        (
            "concession fine",
            with(&|r| {
                r.concession = Some(Concession {
                    kind: ConcessionKind::Budget,
                    evidence: "UC letter".into(),
                    review_due: d(2027, 6, 8),
                })
            }),
        ),
    ];
    let want: Vec<Result<(), E>> = vec![
        Err(E::BornInFuture(d(2026, 12, 9))),
        Ok(()),
        Err(E::BornTooLongAgo(d(1899, 12, 31))),
        Err(E::Missing("the last name")),
        Err(E::BadText("the first name")),
        Err(E::BadEmail("morag.example.org".into())),
        Err(E::BadEmail("morag@example".into())),
        Err(E::BadPhone("01343 ABC".into())),
        Err(E::BadPhone("563000".into())),
        Err(E::BadPostcode("IV30".into())),
        Err(E::EmergencyContactNeeded),
        Ok(()),
        Ok(()),
        Err(E::ConcessionEvidence),
        Err(E::ConcessionEvidence),
        Ok(()),
    ];
    assert_eq!(cases.len(), want.len());
    for ((name, got), want) in cases.into_iter().zip(want) {
        assert_eq!(got, want, "{name}");
    }
}

#[test]
fn postcodes_are_read_as_staff_type_them() {
    for (s, want) in [
        ("iv30 1bx", Some("IV30 1BX")),
        ("IV301BX", Some("IV30 1BX")),
        ("ab10 1ab", Some("AB10 1AB")),
        ("M1 1AE", Some("M1 1AE")),
        ("EC1A 1BB", Some("EC1A 1BB")),
        ("1V30 1BX", None),
        ("IV30 BBX", None),
        ("IV30", None),
    ] {
        assert_eq!(normal_postcode(s).as_deref(), want, "{s}");
    }
}

fn on_file(id: i64, first: &str, last: &str, dob: NaiveDate, postcode: &str, email: Option<&str>) -> OnFile {
    OnFile {
        id,
        first_name: first.into(),
        last_name: last.into(),
        date_of_birth: dob,
        postcode: postcode.into(),
        email: email.map(Into::into),
    }
}

#[test]
fn possible_duplicates_are_offered_strongest_first() {
    let file = vec![
        on_file(1, "Morag", "Mac Donald", d(1984, 3, 2), "AB10 1AB", None),
        on_file(
            2,
            "M",
            "Sutherland",
            d(1990, 1, 1),
            "KW1 4AA",
            Some("MORAG@example.org"),
        ),
        on_file(3, "Morag", "McDonald", d(1985, 3, 2), "IV30 1BX", None),
        on_file(4, "Moira", "MacDonald", d(1970, 1, 1), "IV301BX", None),
        on_file(5, "Morag", "MacDonald", d(1970, 1, 1), "AB10 1AB", None),
        on_file(6, "Mairi", "Grant", d(1984, 3, 2), "IV30 1BX", None),
    ];
    let got: Vec<(i64, Likeness)> = possible_duplicates(&adult(), &file)
        .into_iter()
        .map(|(c, w)| (c.id, w))
        .collect();
    assert_eq!(
        got,
        vec![
            (1, Likeness::SameNameAndBirth),
            (2, Likeness::SameEmail),
            (3, Likeness::SimilarNameSamePostcode),
            (4, Likeness::SimilarNameSamePostcode),
        ]
    );
}

#[test]
fn a_family_is_two_adults_and_their_children_at_one_address() {
    let rule = FamilyRule::fitlife();
    let on = today();
    let home = "12 High Street, Elgin IV30 1BX";
    let adult1 = (d(1980, 1, 1), home);
    let adult2 = (d(1982, 1, 1), "12  high street, elgin IV30 1BX");
    let child = (d(2015, 1, 1), home);
    let turns18 = (d(2008, 12, 8), home);
    assert_eq!(check_family(rule, &[adult1, adult2, child, child], on), Ok(()));
    assert_eq!(
        check_family(rule, &[adult1, adult2, turns18], on),
        Err(FamilyError::TooManyAdults { adults: 3, max: 2 })
    );
    assert_eq!(check_family(rule, &[adult1, adult2, turns18], d(2026, 12, 7)), Ok(()));
    assert_eq!(check_family(rule, &[child, child], on), Err(FamilyError::NoAdult));
    assert_eq!(
        check_family(rule, &[adult1, (d(2015, 1, 1), "3 Moss Street, Elgin")], on),
        Err(FamilyError::DifferentAddresses)
    );
}
