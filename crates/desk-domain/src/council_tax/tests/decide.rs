//! `decide` over facts held in memory: what each change type records, and every refusal.

use serde_json::json;
use uuid::Uuid;

use super::identity::a_check;
use super::world::*;
use crate::council_tax::command::*;
use crate::council_tax::identity::{Answer, Caller, Identified, Item};
use crate::council_tax::reasons::{DisregardReason, Exemption};
use crate::council_tax::records::{IdentityCheck, LockClearance, RequestStatus};
use crate::council_tax::rules::household_on;
use crate::council_tax::{decide, reference_for, summary};
use crate::{Bucket, Channel, Effect};

fn every_change_type() -> Vec<(&'static str, Command)> {
    let c = || change(d(2025, 11, 1));
    vec![
        (
            "move in",
            Command::MoveIn(MoveIn {
                change: c(),
                name: "Ruaridh Ross".into(),
                date_of_birth: d(1990, 3, 4),
                tenure: Tenure::Tenant,
                previous_address: Some("Flat 2, 8 South Street, Forres".into()),
            }),
        ),
        ("move out", move_out(c(), EWAN, Next::Unknown)),
        (
            "move within",
            Command::MoveWithin(MoveWithin {
                change: c(),
                person: EWAN.into(),
                new_address: "5 Pluscarden Road, Elgin".into(),
                new_postcode: "iv30 6xx".into(),
                new_uprn: Some("133099999".parse().unwrap()),
                next: Next::Unknown,
            }),
        ),
        (
            "adult in",
            Command::AdultIn(AdultIn {
                change: c(),
                name: "Kirsty Grant".into(),
                date_of_birth: d(2004, 5, 6),
            }),
        ),
        (
            "disregard",
            Command::Disregard(Disregard {
                change: c(),
                person: EWAN.into(),
                reason: DisregardReason::SevereMentalImpairment,
            }),
        ),
        (
            "students only",
            Command::ClaimExemption(ExemptionClaim {
                change: c(),
                exemption: Exemption::StudentsOnly,
                since: None,
            }),
        ),
        (
            "disabled reduction",
            Command::DisabledReduction(DisabledReduction {
                change: c(),
                person: ISLA.into(),
                feature: "A ground-floor bedroom and wet room for a wheelchair".into(),
            }),
        ),
        (
            "change of name",
            Command::ChangeName(ChangeName {
                change: c(),
                person: ISLA.into(),
                new_name: "Isla Mackenzie".into(),
            }),
        ),
        (
            "correspondence address",
            Command::CorrespondenceAddress(CorrespondenceAddress {
                change: c(),
                address: "c/o Grigor & Young, 1 High Street, Elgin".into(),
                postcode: "IV30 1BU".into(),
            }),
        ),
        ("paperless", paperless("isla@example.org", "Isla@EXAMPLE.org ")),
        ("direct debit", direct_debit("80-22-60", "1234 0423", 10, 15)),
        (
            "ctr referral",
            Command::CtrReferral(CtrReferral {
                change: c(),
                form_sent_by: FormSentBy::Post,
            }),
        ),
    ]
}

#[test]
fn every_change_type_becomes_a_received_request() {
    for (name, cmd) in every_change_type() {
        let kind = cmd.name();
        let r = run(&mut world(), cmd.clone()).unwrap_or_else(|e| panic!("{name}: {e}"));
        assert_eq!(
            (r.kind.as_str(), r.status, r.needs_review, r.staff_id, r.account_id),
            (kind, RequestStatus::Received, false, 7, 10),
            "{name}"
        );
        assert_eq!(r.reference, reference_for(r.id));
        // The request keeps the command's arguments, so the household replays from it (all but
        // Direct Debit, whose bank details are cut to four digits and change nobody).
        let replayed = Command::parse(&r.kind, 1, &r.detail).map(|p| p.ok());
        let want = if name == "direct debit" {
            Some(None)
        } else {
            Some(Some(cmd.clone()))
        };
        assert_eq!(replayed, want, "{name}");
        // The request round-trips as a command, but for Direct Debit's kept digits.
        let (wire, version, args) = cmd.to_envelope_parts();
        assert_eq!(Command::parse(wire, version, &args).unwrap().unwrap(), cmd, "{name}");
    }
}

#[test]
fn the_spd_and_its_removal_and_paperless_withdrawal_follow_earlier_changes() {
    let mut w = world();
    take(
        &mut w,
        move_out(change_on(1, 10, CHECK, d(2025, 9, 30)), EWAN, Next::Unknown),
    );
    // An SPD after a partner leaves.
    let r = take(&mut w, spd(change_on(2, 10, CHECK, d(2025, 10, 1))));
    assert_eq!(r.effective, d(2025, 10, 1));
    assert_eq!(
        run(&mut w, spd(change_on(3, 10, CHECK, d(2025, 10, 5)))),
        Err("nothing_to_change")
    );
    let remove = |n| {
        Command::RemoveSpd(EndSinglePersonDiscount {
            change: change_on(n, 10, CHECK, d(2025, 11, 1)),
        })
    };
    take(&mut w, remove(4));
    assert_eq!(run(&mut w, remove(5)), Err("nothing_to_change"));
    let withdraw = |n| {
        Command::PaperlessWithdrawal(PaperlessWithdrawal {
            change: change_on(n, 10, CHECK, d(2025, 11, 3)),
        })
    };
    assert_eq!(run(&mut w, withdraw(6)), Err("nothing_to_change"));
    take(&mut w, paperless("isla@example.org", "isla@example.org"));
    assert_eq!(
        run(&mut w, paperless("isla@example.org", "isla@example.org")).unwrap_err(),
        "duplicate_request"
    );
    take(&mut w, withdraw(7));
}

#[test]
fn refusals_table() {
    let mut out_of_scope = world();
    out_of_scope.scope = vec![Bucket::CouncilTaxOffice(2)];
    let mut duplicate = world();
    let referral = || {
        Command::CtrReferral(CtrReferral {
            change: change(d(2025, 11, 1)),
            form_sent_by: FormSentBy::Email,
        })
    };
    take(&mut duplicate, referral());
    let mut bad_reference = change(d(2025, 11, 1));
    bad_reference.reference = "CT-AAAAA-AAAAA".into();
    let mut locked_yesterday = world();
    let yesterday = |m| d(2025, 11, 2).and_hms_opt(16, m, 0).unwrap();
    locked_yesterday
        .checks
        .extend((0..3).map(|k| a_check(60 + k, 10, 9, yesterday(k as u32), false)));
    let mut locked = world();
    locked
        .checks
        .extend((0..3).map(|k| a_check(50 + k, 10, 9, at(8, k as u32), false)));

    // Isla alone, who moved out on 1 September leaving the home to an exemption.
    let mut only_adult_gone = world();
    only_adult_gone.accounts[0].account.liable.truncate(1);
    take(
        &mut only_adult_gone,
        move_out(change_on(1, 10, CHECK, d(2025, 9, 1)), ISLA, Next::Exemption),
    );

    let mut ewan_gone = world();
    take(
        &mut ewan_gone,
        move_out(change_on(1, 10, CHECK, d(2025, 9, 30)), EWAN, Next::Unknown),
    );

    let exempt = |exemption, since| {
        Command::ClaimExemption(ExemptionClaim {
            change: change(d(2025, 10, 1)),
            exemption,
            since,
        })
    };
    let disregard = |who: &str, reason| {
        Command::Disregard(Disregard {
            change: change(d(2025, 11, 1)),
            person: who.into(),
            reason,
        })
    };
    let adult_in = |name: String, born| {
        Command::AdultIn(AdultIn {
            change: change(d(2025, 11, 1)),
            name,
            date_of_birth: born,
        })
    };
    let address = |postcode: &str| {
        Command::CorrespondenceAddress(CorrespondenceAddress {
            change: change(d(2025, 11, 1)),
            address: "1 High Street".into(),
            postcode: postcode.into(),
        })
    };
    let address_with = |line: &str| {
        Command::CorrespondenceAddress(CorrespondenceAddress {
            change: change(d(2025, 11, 1)),
            address: line.into(),
            postcode: "IV30 1BU".into(),
        })
    };
    let with_check = |check| spd(change_on(0, 10, check, d(2025, 11, 1)));

    let cases: Vec<(&str, Mem, Command, &str)> = vec![
        (
            "no account",
            world(),
            spd(change_on(0, 99, CHECK, d(2025, 11, 1))),
            "unknown_account",
        ),
        (
            "other office",
            out_of_scope,
            spd(change(d(2025, 11, 1))),
            "out_of_scope",
        ),
        ("request id taken", duplicate, referral(), "duplicate_request"),
        (
            "not the desk's reference",
            world(),
            spd(bad_reference),
            "invalid_reference",
        ),
        // The identity check.
        ("no check", world(), with_check(77), "no_check"),
        (
            "another account's check",
            world(),
            with_check(2),
            "other_accounts_check",
        ),
        ("locked by phone", locked, spd(change(d(2025, 11, 1))), "account_locked"),
        (
            "locked since yesterday",
            locked_yesterday,
            spd(change(d(2025, 11, 1))),
            "account_locked",
        ),
        // Dates.
        (
            "before liability",
            world(),
            spd(change(d(2019, 5, 31))),
            "effective_before_liability",
        ),
        (
            "61 days ahead",
            world(),
            spd(change(d(2026, 1, 3))),
            "effective_too_far_ahead",
        ),
        // Who is liable and who lives there.
        (
            "both liable gone",
            ewan_gone.clone_world(),
            move_out(change(d(2025, 11, 1)), ISLA, Next::Unknown),
            "nobody_liable",
        ),
        (
            "spd after the only adult left",
            only_adult_gone,
            spd(change(d(2025, 10, 1))),
            "contradicts_earlier_change",
        ),
        (
            "spd with two adults",
            world(),
            spd(change(d(2025, 11, 1))),
            "not_single_person",
        ),
        (
            "leaving twice",
            ewan_gone.clone_world(),
            move_out(change(d(2025, 11, 1)), EWAN, Next::Unknown),
            "contradicts_earlier_change",
        ),
        (
            "a stranger",
            world(),
            move_out(change(d(2025, 11, 1)), "Hamish Bell", Next::Unknown),
            "unknown_person",
        ),
        (
            "liable adult out",
            world(),
            Command::AdultOut(AdultOut {
                change: change(d(2025, 11, 1)),
                name: EWAN.into(),
            }),
            "unknown_person",
        ),
        (
            "empty-home exemption, occupied",
            world(),
            exempt(Exemption::UnoccupiedUnfurnished, Some(d(2025, 9, 1))),
            "still_occupied",
        ),
        (
            "leaver aged 62",
            world(),
            disregard(EWAN, DisregardReason::SchoolOrCollegeLeaver),
            "invalid_date_of_birth",
        ),
        // Bad input.
        (
            "born in the future",
            world(),
            adult_in("Kirsty Grant".into(), d(2026, 1, 1)),
            "invalid_date_of_birth",
        ),
        (
            "a child",
            world(),
            adult_in("Kirsty Grant".into(), d(2010, 1, 1)),
            "invalid_date_of_birth",
        ),
        (
            "300-character name",
            world(),
            adult_in("N".repeat(300), d(1990, 1, 1)),
            "invalid_name",
        ),
        (
            "a name over two lines",
            world(),
            adult_in("Kirsty\nGrant".into(), d(1990, 1, 1)),
            "invalid_name",
        ),
        (
            "an address with a bell",
            world(),
            address_with("1 High Street\u{7}"),
            "invalid_address",
        ),
        ("not a postcode", world(), address("IV30"), "invalid_postcode"),
        (
            "sort code with letters",
            world(),
            direct_debit("80-22-6O", "12340423", 10, 15),
            "invalid_sort_code",
        ),
        (
            "seven-digit account",
            world(),
            direct_debit("802260", "1234042", 10, 15),
            "invalid_bank_account",
        ),
        (
            "eleven instalments",
            world(),
            direct_debit("802260", "12340423", 11, 15),
            "invalid_plan",
        ),
        (
            "on the 1st",
            world(),
            direct_debit("802260", "12340423", 12, 1),
            "invalid_plan",
        ),
        (
            "emails differ",
            world(),
            paperless("isla@example.org", "isla@example.com"),
            "emails_differ",
        ),
        (
            "not an email",
            world(),
            paperless("isla at example.org", "isla at example.org"),
            "invalid_email",
        ),
    ];
    for (name, mut w, cmd, want) in cases {
        assert_eq!(run(&mut w, cmd), Err(want), "case {name}");
    }
}

#[test]
fn the_check_must_be_passed_by_this_agent_within_the_hour() {
    let cmd = spd(change(d(2025, 11, 1)));
    let mut failed = world();
    failed.checks[0].passed = false;
    assert_eq!(
        run_with(&mut failed, cmd.clone(), &ctx()).unwrap_err().0,
        "check_failed"
    );
    assert_eq!(
        run_with(&mut world(), cmd.clone(), &ctx_by(8, Channel::Telephone))
            .unwrap_err()
            .0,
        "other_agents_check"
    );
    let mut late = ctx();
    late.now = at(10, 31);
    assert_eq!(run_with(&mut world(), cmd, &late).unwrap_err().0, "check_expired");
}

#[test]
fn sixty_days_ahead_is_allowed_and_back_dating_past_six_months_is_flagged_for_review() {
    let mut w = world();
    take(
        &mut w,
        move_out(change_on(1, 10, CHECK, d(2025, 9, 30)), EWAN, Next::Unknown),
    );
    let ahead = run(&mut world(), move_out(change(d(2026, 1, 2)), EWAN, Next::Unknown)).unwrap();
    assert!(!ahead.needs_review);
    let six_months = run(&mut world(), move_out(change(d(2025, 5, 3)), EWAN, Next::Unknown)).unwrap();
    assert!(!six_months.needs_review);
    let older = run(&mut world(), move_out(change(d(2025, 5, 2)), EWAN, Next::Unknown)).unwrap();
    assert!(older.needs_review);
    let Ok(Ok(effects)) = decide(
        &mut world(),
        &move_out(change(d(2024, 1, 1)), EWAN, Next::Unknown),
        &ctx(),
    ) else {
        panic!()
    };
    assert!(matches!(&effects[0], Effect::Audit(a) if a.detail.contains("for review")));
}

#[test]
fn a_locked_account_takes_changes_again_once_a_supervisor_clears_it() {
    let mut w = world();
    w.checks
        .extend((0..3).map(|k| a_check(50 + k, 10, 9, at(8, k as u32), false)));
    let cmd = || spd(change_on(0, 10, CHECK, d(2025, 11, 1)));
    let tidy = |w: &mut Mem| {
        // Ewan has gone so the discount itself is allowed.
        take(
            w,
            move_out(change_on(1, 10, CHECK, d(2025, 9, 30)), EWAN, Next::Unknown),
        );
    };
    // Taking Ewan's move out is itself refused while locked.
    assert_eq!(
        run(
            &mut w,
            move_out(change_on(1, 10, CHECK, d(2025, 9, 30)), EWAN, Next::Unknown)
        ),
        Err("account_locked")
    );
    // Face to face, with the taxpayer in front of them, the lock on phone changes does not apply.
    assert!(
        run_with(&mut w.clone_world(), cmd(), &ctx_by(7, Channel::FaceToFace))
            .is_err_and(|e| e.0 == "not_single_person")
    );
    let clear = Command::ClearLock(ClearLock {
        clearance_id: Uuid::from_u128(600),
        account_id: 10,
        note: "Taxpayer called back with her bill; details confirmed.".into(),
    });
    assert_eq!(run_with(&mut w, clear.clone(), &ctx()).unwrap_err().0, "not_supervisor");
    let effects = run_with(&mut w, clear, &ctx_by(3, Channel::Telephone)).unwrap();
    let Effect::Put(r) = &effects[1] else { panic!() };
    let mut cleared: LockClearance = r.parse().unwrap();
    cleared.at = at(9, 45);
    w.clearances.push(cleared);
    tidy(&mut w);
    assert!(run(&mut w, cmd()).is_ok());
}

#[test]
fn recording_a_check_keeps_the_items_and_outcome_only() {
    let check = |caller: Caller, answers: Vec<(Item, &str)>| {
        Command::RecordCheck(RecordCheck {
            check_id: Uuid::from_u128(300),
            account_id: 10,
            caller,
            identified_by: Identified::NameAndAddress,
            answers: answers
                .into_iter()
                .map(|(item, typed)| Answer {
                    item,
                    typed: typed.into(),
                })
                .collect(),
        })
    };
    let isla = || Caller::LiablePerson {
        name: "isla grant".into(),
    };
    let effects = run_with(
        &mut world(),
        check(
            isla(),
            vec![(Item::DateOfBirth, "9/7/1961"), (Item::BankLastFour, "0423")],
        ),
        &ctx(),
    )
    .unwrap();
    let Effect::Put(r) = &effects[1] else { panic!() };
    assert_eq!(r.table, "ct_identity_checks");
    let c: IdentityCheck = r.parse().unwrap();
    assert!(c.passed);
    assert_eq!((c.staff_id, c.at, c.account_id), (7, at(10, 0), 10));
    assert!(!r.row.to_string().contains("0423") && !r.row.to_string().contains("1961"));
    assert!(matches!(&effects[0], Effect::Audit(a) if a.detail.contains("passed on date of birth")));

    let effects = run_with(
        &mut world(),
        check(
            isla(),
            vec![(Item::Postcode, "IV30 1AB"), (Item::Phone, "07700 900123")],
        ),
        &ctx(),
    )
    .unwrap();
    let Effect::Put(r) = &effects[1] else { panic!() };
    assert!(!r.parse::<IdentityCheck>().unwrap().passed);

    let attorney = Caller::ThirdParty {
        name: "Catriona Grant".into(),
        authority: crate::council_tax::identity::Authority::PowerOfAttorney,
        seen: "Continuing POA registered 2023, OPG ref 12345".into(),
    };
    assert!(
        run_with(
            &mut world(),
            check(
                attorney,
                vec![(Item::Postcode, "iv301ab"), (Item::DateOfBirth, "09/07/1961")]
            ),
            &ctx()
        )
        .is_ok()
    );
    let stranger = Caller::LiablePerson {
        name: "Hamish Bell".into(),
    };
    let refused = |caller, answers| run_with(&mut world(), check(caller, answers), &ctx()).unwrap_err().0;
    assert_eq!(
        refused(
            stranger,
            vec![(Item::Postcode, "IV30 1AB"), (Item::Phone, "01343 543210")]
        ),
        "unknown_person"
    );
    assert_eq!(refused(isla(), vec![(Item::Postcode, "IV30 1AB")]), "too_few_items");
}

#[test]
fn exemptions_by_paragraph_and_their_time_limits() {
    let mut w = world();
    w.accounts[0].account.liable.truncate(1);
    take(
        &mut w,
        move_out(change_on(1, 10, CHECK, d(2025, 6, 30)), ISLA, Next::Exemption),
    );
    let claim = |n, exemption, since, effective| {
        Command::ClaimExemption(ExemptionClaim {
            change: change_on(n, 10, CHECK, effective),
            exemption,
            since,
        })
    };
    // Para 4: unoccupied and unfurnished, 6 months from 30 June: to 29 December.
    let r = run(
        &mut w,
        claim(2, Exemption::UnoccupiedUnfurnished, Some(d(2025, 6, 30)), d(2025, 7, 1)),
    )
    .unwrap();
    assert_eq!(
        (r.derived["paragraph"].clone(), r.derived["exempt_until"].clone()),
        (json!(4), json!("2025-12-29"))
    );
    // Taken, it is replayed: the household is exempt to its last day.
    take(
        &mut w,
        claim(9, Exemption::UnoccupiedUnfurnished, Some(d(2025, 6, 30)), d(2025, 7, 1)),
    );
    let h = household_on(&w.accounts[0].account, &w.requests, d(2025, 8, 1));
    assert!(h.exempt_on(d(2025, 12, 29)) && !h.exempt_on(d(2025, 12, 30)));
    // Para 2, major repair: 12 months.
    let r = run(
        &mut w,
        claim(3, Exemption::MajorRepair, Some(d(2025, 6, 30)), d(2025, 7, 1)),
    )
    .unwrap();
    assert_eq!(r.derived["exempt_until"], json!("2026-06-29"));
    // Para 5: no limit; the deceased estate before confirmation: none yet, and no paragraph.
    let r = run(&mut w, claim(4, Exemption::ResidentInCare, None, d(2025, 7, 1))).unwrap();
    assert_eq!(r.derived["exempt_until"], json!(null));
    let r = run(&mut w, claim(5, Exemption::DeceasedEstate, None, d(2025, 7, 1))).unwrap();
    assert_eq!(r.derived["paragraph"], json!(null));
    for (n, exemption, since, effective) in [
        // Para 1 ran out: first listed in March.
        (6, Exemption::NewDwelling, Some(d(2025, 3, 1)), d(2025, 9, 1)),
        // Para 4 from before it ran from.
        (7, Exemption::UnoccupiedUnfurnished, Some(d(2025, 7, 15)), d(2025, 7, 1)),
        // A limit with no date to run from.
        (8, Exemption::CharityOwned, None, d(2025, 7, 1)),
    ] {
        assert_eq!(
            run(&mut w, claim(n, exemption, since, effective)),
            Err("exemption_time_limit"),
            "{exemption:?}"
        );
    }
}

#[test]
fn direct_debit_keeps_only_the_last_four_digits() {
    let r = run(&mut world(), direct_debit("80 22 60", "1234 0423", 12, 25)).unwrap();
    let kept = r.detail.to_string();
    assert!(
        !kept.contains("802260") && !kept.contains("80 22 60") && !kept.contains("1234"),
        "{kept}"
    );
    assert_eq!(r.detail["account_last_four"], json!("0423"));
    assert_eq!(
        (r.detail["instalments"].clone(), r.detail["day"].clone()),
        (json!(12), json!(25))
    );
}

#[test]
fn disregards_carry_evidence_to_follow_where_a_document_proves_them() {
    let r = run(
        &mut world(),
        Command::Disregard(Disregard {
            change: change(d(2025, 11, 1)),
            person: EWAN.into(),
            reason: DisregardReason::Carer,
        }),
    )
    .unwrap();
    assert_eq!(r.derived["evidence_to_follow"], json!(true));
    let r = run(
        &mut world(),
        Command::Disregard(Disregard {
            change: change(d(2025, 11, 1)),
            person: EWAN.into(),
            reason: DisregardReason::PrisonOrDetention,
        }),
    )
    .unwrap();
    assert_eq!(r.derived["evidence_to_follow"], json!(false));
}

#[test]
fn the_household_is_replayed_in_effective_date_order_whatever_order_changes_arrived() {
    let mut w = world();
    // Agent 7 takes Ewan's move out from 30 September; another desk, offline, had taken Kirsty
    // moving in from 1 August and reaches the server later.
    let out = take(
        &mut w,
        move_out(change_on(1, 10, CHECK, d(2025, 9, 30)), EWAN, Next::Unknown),
    );
    let mut kirsty = run(
        &mut w,
        Command::AdultIn(AdultIn {
            change: change_on(2, 10, CHECK, d(2025, 8, 1)),
            name: "Kirsty Grant".into(),
            date_of_birth: d(2004, 5, 6),
        }),
    )
    .unwrap();
    kirsty.received_at = out.received_at + chrono::Duration::hours(3);
    w.requests.push(kirsty);
    let names = |w: &Mem, on| -> Vec<String> {
        household_on(&w.accounts[0].account, &w.requests, on)
            .residents
            .into_iter()
            .map(|r| r.name)
            .collect()
    };
    assert_eq!(names(&w, d(2025, 7, 31)), [ISLA, EWAN]);
    assert_eq!(names(&w, d(2025, 8, 1)), [ISLA, EWAN, "Kirsty Grant"]);
    assert_eq!(names(&w, d(2025, 9, 30)), [ISLA, "Kirsty Grant"]);
    // Two adults counted from October, so no single person discount then.
    assert_eq!(
        run(&mut w, spd(change_on(3, 10, CHECK, d(2025, 10, 1)))),
        Err("not_single_person")
    );
    // A rejected request changes nobody.
    w.requests.iter_mut().for_each(|r| r.status = RequestStatus::Rejected);
    assert_eq!(names(&w, d(2025, 10, 1)), [ISLA, EWAN]);
}

#[test]
fn commands_parse_refuse_bad_args_and_summarise() {
    let (name, version, mut args) = every_change_type()[2].1.to_envelope_parts();
    assert_eq!(name, "council_tax.move_within");
    assert!(Command::parse(name, 2, &args).unwrap().is_err());
    // A UPRN of 13 digits does not parse.
    args["new_uprn"] = json!("1234567890123");
    assert!(Command::parse(name, version, &args).unwrap().is_err());
    assert!(Command::parse("leisure.book_place", 1, &args).is_none());
    assert_eq!(Command::KNOWN.len(), 18);

    let mut w = world();
    let line = summary(&mut w, &move_out(change(d(2025, 11, 1)), EWAN, Next::Unknown)).unwrap();
    assert_eq!(
        line,
        format!(
            "Ewan Grant moving out from 2025-11-01 ({}): 12 Moss Street, Elgin",
            reference_for(Uuid::from_u128(1000))
        )
    );
    assert_eq!(
        summary(&mut w, &direct_debit("802260", "12340423", 10, 5))
            .unwrap()
            .split(" from ")
            .next(),
        Some("Direct Debit")
    );
}

#[test]
fn a_check_id_is_used_once() {
    let cmd = Command::RecordCheck(RecordCheck {
        check_id: Uuid::from_u128(CHECK),
        account_id: 10,
        caller: Caller::LiablePerson { name: ISLA.into() },
        identified_by: Identified::AccountReference,
        answers: vec![
            Answer {
                item: Item::Postcode,
                typed: "IV30 1AB".into(),
            },
            Answer {
                item: Item::DateOfBirth,
                typed: "1961-07-09".into(),
            },
        ],
    });
    assert_eq!(run_with(&mut world(), cmd, &ctx()).unwrap_err().0, "duplicate_request");
}

#[test]
fn requests_move_received_exported_then_processed_queried_or_rejected() {
    use RequestStatus::*;
    let all = [Received, Exported, Processed, Queried, Rejected];
    let allowed = [
        (Received, Exported),
        (Exported, Processed),
        (Exported, Queried),
        (Exported, Rejected),
        // A query answered goes to the revenue system again.
        (Queried, Exported),
    ];
    for from in all {
        for to in all {
            assert_eq!(from.may_become(to), allowed.contains(&(from, to)), "{from:?} -> {to:?}");
        }
    }
}

#[test]
fn refusal_codes_are_distinct_snake_case() {
    let codes: Vec<&str> = crate::council_tax::Code::ALL.iter().map(|c| c.as_str()).collect();
    let mut unique = codes.clone();
    unique.sort();
    unique.dedup();
    assert_eq!(unique.len(), codes.len());
    assert!(
        codes
            .iter()
            .all(|c| c.bytes().all(|b| b.is_ascii_lowercase() || b == b'_'))
    );
    assert!(crate::council_tax::Code::UnknownAccount.is_missing_record());
    assert!(!crate::council_tax::Code::CheckExpired.is_missing_record());
    assert_eq!(
        crate::Code::from(crate::council_tax::Code::CheckExpired).as_str(),
        "check_expired"
    );
}

#[test]
fn a_change_dated_before_changes_already_taken_must_not_undo_them() {
    let mut w = world();
    take(
        &mut w,
        move_out(change_on(1, 10, CHECK, d(2025, 9, 30)), EWAN, Next::Unknown),
    );
    let spd = take(&mut w, spd(change_on(2, 10, CHECK, d(2025, 10, 1))));
    // Another desk, offline, took Kirsty moving in from 1 August: with her, two adults are
    // counted from October, so the SPD already taken would not hold.
    let kirsty = Command::AdultIn(AdultIn {
        change: change_on(3, 10, CHECK, d(2025, 8, 1)),
        name: "Kirsty Grant".into(),
        date_of_birth: d(2004, 5, 6),
    });
    let (code, message) = run_with(&mut w, kirsty, &ctx()).unwrap_err();
    assert_eq!(code, "contradicts_earlier_change");
    assert!(
        message.contains(&spd.reference) && message.contains("council_tax.apply_spd"),
        "{message}"
    );
    // Ewan's move out again, from an earlier date, would leave the one taken nothing to do.
    assert_eq!(
        run(
            &mut w,
            move_out(change_on(4, 10, CHECK, d(2025, 8, 1)), EWAN, Next::Unknown)
        ),
        Err("contradicts_earlier_change")
    );
    // A change that leaves the later ones standing is taken.
    let disregard = Command::Disregard(Disregard {
        change: change_on(5, 10, CHECK, d(2025, 8, 1)),
        person: EWAN.into(),
        reason: DisregardReason::HospitalPatient,
    });
    assert!(run(&mut w, disregard).is_ok());
}
