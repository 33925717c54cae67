//! The council-tax contact centre on the server, every case on SQLite and on PostgreSQL: each
//! change through the push as a request synced to its office, the identity check enforced, the
//! lock after three failed checks and its clearing, two agents' offline changes to one account,
//! bad input, what a contact centre (and everyone else) pulls, and the bank details the server
//! alone keeps for the export.

mod common;

use std::collections::HashSet;

use chrono::{Duration, NaiveDateTime};
use common::*;
use desk_domain::council_tax::command::{CorrespondenceAddress, CtrReferral, FormSentBy, Next};
use desk_domain::council_tax::records::{ChangeRequest, IdentityCheck, RequestStatus};
use desk_domain::{Bucket, Command, Mutation, Outcome, Role, Site};
use desk_server::{Caller as DeskCaller, Store, SyncRow};
use desk_testkit::council_tax::*;
use uuid::Uuid;

conformance!(
    every_change_is_a_request_synced_to_its_office,
    every_change_type_is_taken_by_the_server,
    three_failed_checks_stop_phone_changes_until_a_supervisor_clears_them,
    every_change_needs_a_passed_check_by_the_same_agent_on_the_account_within_the_hour,
    offline_changes_arriving_later_in_time_but_earlier_in_effect_lose_with_the_reason,
    offline_changes_arriving_in_effective_order_lose_the_later_one_with_the_reason,
    bad_input_is_refused_with_its_code_and_the_server_carries_on,
    a_contact_centre_pulls_only_its_office_and_nobody_else_pulls_council_tax,
    full_bank_details_stay_on_the_server_for_the_export_and_never_sync,
);

fn ct_store(backend: &str) -> (desk_testkit::TestDb, std::sync::Arc<dyn Store>) {
    let (db, store) = world_store(backend);
    store.load(&ct_world()).expect("council-tax world loads");
    (db, store)
}

/// Pushes `cmds` as the next phone mutations of `desk` (from `seq`) at `now`.
fn push_at(store: &dyn Store, desk: &DeskCaller, seq: u64, cmds: &[Command], now: NaiveDateTime) -> Vec<Outcome> {
    let batch: Vec<Mutation> = cmds
        .iter()
        .enumerate()
        .map(|(i, c)| phone_envelope(desk.device_id, seq + i as u64, c))
        .collect();
    push_envelopes(store, desk, &batch, now)
}

fn push_envelopes(store: &dyn Store, desk: &DeskCaller, batch: &[Mutation], now: NaiveDateTime) -> Vec<Outcome> {
    let result = store.push(desk, batch, now).unwrap();
    assert!(result.stopped.is_none());
    result.receipts.into_iter().map(|r| r.outcome).collect()
}

fn push(store: &dyn Store, desk: &DeskCaller, seq: u64, cmds: &[Command]) -> Vec<Outcome> {
    push_at(store, desk, seq, cmds, phones_open())
}

fn code(o: &Outcome) -> &str {
    match o {
        Outcome::Rejected { code, .. } => code,
        other => panic!("expected a rejection, got {other:?}"),
    }
}

fn message(o: &Outcome) -> &str {
    match o {
        Outcome::Rejected { message, .. } => message,
        other => panic!("expected a rejection, got {other:?}"),
    }
}

fn all_applied(outcomes: &[Outcome]) {
    for (i, o) in outcomes.iter().enumerate() {
        assert_eq!(o, &Outcome::Applied, "command {i}");
    }
}

fn record<T: for<'de> serde::Deserialize<'de>>(store: &dyn Store, table: &str, id: Uuid) -> T {
    let rows = store.records(table, &[]).unwrap();
    let row = rows
        .into_iter()
        .find(|r| r["id"].as_str() == Some(&id.to_string()))
        .unwrap_or_else(|| panic!("{table} {id} stored"));
    serde_json::from_value(row).unwrap()
}

fn pull_all(store: &dyn Store, buckets: &[Bucket]) -> Vec<SyncRow> {
    let buckets = strs(buckets);
    let mut after = 0;
    let mut out = Vec::new();
    loop {
        let page = store.pull(&buckets, after, 500, (0, Uuid::nil()), 0).unwrap();
        if let Some(last) = page.rows.last() {
            after = last.version;
        }
        out.extend(page.rows);
        if !page.has_more {
            return out;
        }
    }
}

fn at(h: u32, m: u32) -> NaiveDateTime {
    phones_open().date().and_hms_opt(h, m, 0).unwrap()
}

fn every_change_is_a_request_synced_to_its_office(backend: &str) {
    let (_db, store) = ct_store(backend);
    let agent = ct_caller(&*store, "agent.1", OFFICE, false);
    let (chk, check) = check_on(ACCOUNT, true);
    let (single_chk, single_check) = check_single();
    let ewan_leaves = move_out(change(ACCOUNT, chk, day(2026, 11, 20)), EWAN, Next::Unknown);
    let spd = apply_spd(change(ACCOUNT, chk, day(2026, 11, 21)));
    let email = paperless(
        change(ACCOUNT, chk, day(2026, 12, 1)),
        "isla.munro@example.org",
        "Isla.Munro@example.org",
    );
    let dd = direct_debit(change(ACCOUNT, chk, day(2026, 12, 1)), "80-22-60", "1234 5678");
    // Back-dated more than six months: accepted, flagged for a supervisor.
    let ctr = Command::from(CtrReferral {
        change: change(SINGLE, single_chk, day(2026, 4, 1)),
        form_sent_by: FormSentBy::Post,
    });
    let cmds = vec![check, single_check, ewan_leaves, spd, email, dd, ctr];
    all_applied(&push(&*store, &agent, 1, &cmds));

    let held: IdentityCheck = record(&*store, "ct_identity_checks", chk);
    assert!(held.passed && held.staff_id == agent.staff_id && held.account_id == ACCOUNT);
    let kinds = [
        "council_tax.move_out",
        "council_tax.apply_spd",
        "council_tax.paperless_sign_up",
        "council_tax.direct_debit",
        "council_tax.ctr_referral",
    ];
    for (cmd, kind) in cmds[2..].iter().zip(kinds) {
        let r: ChangeRequest = record(&*store, "ct_change_requests", request_id(cmd));
        assert_eq!(
            (r.kind.as_str(), r.status, r.staff_id),
            (kind, RequestStatus::Received, agent.staff_id)
        );
        assert_eq!(r.needs_review, kind == "council_tax.ctr_referral", "{kind}");
        assert_eq!(r.office_id, OFFICE);
    }

    // The office's desks pull the accounts, checks and requests; nothing of another office.
    let rows = pull_all(&*store, &agent.buckets);
    let ids =
        |table: &str| -> HashSet<String> { rows.iter().filter(|r| r.table == table).map(|r| r.id.clone()).collect() };
    assert_eq!(
        ids("ct_accounts"),
        HashSet::from([ACCOUNT.to_string(), SINGLE.to_string()])
    );
    assert_eq!(ids("ct_change_requests").len(), 5);
    assert_eq!(ids("ct_identity_checks").len(), 2);
    assert!(rows.iter().all(|r| r.bucket == "counciltax:office:1"));
}

fn every_change_type_is_taken_by_the_server(backend: &str) {
    use desk_domain::council_tax::command::{
        AdultOut, ChangeName, DisabledReduction, Disregard, EndSinglePersonDiscount, ExemptionClaim, MoveIn,
        MoveWithin, PaperlessWithdrawal, Tenure,
    };
    use desk_domain::council_tax::reasons::{DisregardReason, Exemption};
    let (_db, store) = ct_store(backend);
    let agent = ct_caller(&*store, "agent.1", OFFICE, false);
    let (chk, check) = check_on(ACCOUNT, true);
    let (single, single_check) = check_single();
    let c = |on: (u32, u32)| change(ACCOUNT, chk, day(2026, on.0, on.1));
    let s = |on: (u32, u32)| change(SINGLE, single, day(2026, on.0, on.1));
    // In effective-date order, as one household's autumn: Jamie moves in and studies, Kirsty
    // stays a week, Ewan changes his name, Jamie moves on; Morag's discount comes and goes, then
    // she leaves the house empty and unfurnished.
    let cmds: Vec<Command> = vec![
        check,
        single_check,
        Command::from(MoveIn {
            change: c((11, 1)),
            name: "Jamie Munro".into(),
            date_of_birth: day(2000, 1, 1),
            tenure: Tenure::Tenant,
            previous_address: Some("2 Station Road, Keith AB55 5BQ".into()),
        }),
        adult_in(c((11, 2)), "Kirsty Munro", day(2001, 2, 3)),
        Command::from(Disregard {
            change: c((11, 3)),
            person: "Jamie Munro".into(),
            reason: DisregardReason::FullTimeStudent,
        }),
        Command::from(DisabledReduction {
            change: c((11, 4)),
            person: ISLA.into(),
            feature: "A ground-floor bathroom for her wheelchair".into(),
        }),
        Command::from(ChangeName {
            change: c((11, 5)),
            person: EWAN.into(),
            new_name: "Ewan Munro-Grant".into(),
        }),
        Command::from(CorrespondenceAddress {
            change: c((11, 6)),
            address: "PO Box 12, Elgin".into(),
            postcode: "IV30 9ZZ".into(),
        }),
        paperless(c((11, 7)), "isla.munro@example.org", "isla.munro@example.org"),
        Command::from(CtrReferral {
            change: c((11, 8)),
            form_sent_by: FormSentBy::Email,
        }),
        Command::from(AdultOut {
            change: c((11, 10)),
            name: "Kirsty Munro".into(),
        }),
        Command::from(MoveWithin {
            change: c((11, 20)),
            person: "Jamie Munro".into(),
            new_address: "9 Tolbooth Street, Forres".into(),
            new_postcode: "IV36 1PH".into(),
            new_uprn: Some("133033699".parse().unwrap()),
            next: Next::Unknown,
        }),
        Command::from(PaperlessWithdrawal { change: c((11, 25)) }),
        direct_debit(c((12, 1)), "80-22-60", "12345678"),
        apply_spd(s((10, 1))),
        Command::from(EndSinglePersonDiscount { change: s((10, 20)) }),
        move_out(s((11, 15)), MORAG, Next::Exemption),
        Command::from(ExemptionClaim {
            change: s((11, 15)),
            exemption: Exemption::UnoccupiedUnfurnished,
            since: Some(day(2026, 11, 15)),
        }),
    ];
    all_applied(&push(&*store, &agent, 1, &cmds));
    let kinds: HashSet<String> = store
        .records("ct_change_requests", &[])
        .unwrap()
        .into_iter()
        .map(|r| r["kind"].as_str().unwrap().to_owned())
        .collect();
    let every: HashSet<String> = desk_domain::council_tax::Command::KNOWN
        .iter()
        .map(|(name, _)| (*name).to_owned())
        .filter(|n| n != "council_tax.record_check" && n != "council_tax.clear_lock")
        .collect();
    assert_eq!(kinds, every);
    let exemption: ChangeRequest = record(&*store, "ct_change_requests", request_id(&cmds[17]));
    assert_eq!(exemption.derived["paragraph"], serde_json::json!(4));
}

fn three_failed_checks_stop_phone_changes_until_a_supervisor_clears_them(backend: &str) {
    let (_db, store) = ct_store(backend);
    let agent = ct_caller(&*store, "agent.1", OFFICE, false);
    let failed: Vec<Command> = (0..3).map(|_| check_on(ACCOUNT, false).1).collect();
    all_applied(&push(&*store, &agent, 1, &failed));
    let (chk, passed) = check_on(ACCOUNT, true);
    let email = || {
        paperless(
            change(ACCOUNT, chk, day(2026, 12, 1)),
            "isla.munro@example.org",
            "isla.munro@example.org",
        )
    };
    let out = push(&*store, &agent, 4, &[passed, email()]);
    assert_eq!(out[0], Outcome::Applied, "a check is taken even when locked");
    assert_eq!(code(&out[1]), "account_locked");
    let stored: Vec<IdentityCheck> = store
        .records("ct_identity_checks", &[])
        .unwrap()
        .into_iter()
        .map(|r| serde_json::from_value(r).unwrap())
        .collect();
    assert_eq!(stored.iter().filter(|c| !c.passed).count(), 3);

    // Only a supervisor, and only one whose office the account is at, clears it.
    assert_eq!(
        code(&push(&*store, &agent, 6, &[clear_lock(ACCOUNT)])[0]),
        "not_supervisor"
    );
    let elsewhere = ct_caller(&*store, "supervisor.2", OTHER_OFFICE, true);
    assert_eq!(
        code(&push(&*store, &elsewhere, 1, &[clear_lock(ACCOUNT)])[0]),
        "out_of_scope"
    );
    let supervisor = ct_caller(&*store, "supervisor.1", OFFICE, true);
    all_applied(&push_at(&*store, &supervisor, 1, &[clear_lock(ACCOUNT)], at(10, 5)));
    assert_eq!(store.count("ct_lock_clearances").unwrap(), 1);
    all_applied(&push_at(&*store, &agent, 7, &[email()], at(10, 6)));
    // Failed checks after the clearing count afresh: two more do not lock it again.
    let two: Vec<Command> = (0..2).map(|_| check_on(ACCOUNT, false).1).collect();
    all_applied(&push_at(&*store, &agent, 8, &two, at(10, 7)));
    let dd = direct_debit(change(ACCOUNT, chk, day(2026, 12, 1)), "802260", "87654321");
    all_applied(&push_at(&*store, &agent, 10, &[dd], at(10, 8)));
}

fn every_change_needs_a_passed_check_by_the_same_agent_on_the_account_within_the_hour(backend: &str) {
    let (_db, store) = ct_store(backend);
    let a = ct_caller(&*store, "agent.a", OFFICE, false);
    let b = ct_caller(&*store, "agent.b", OFFICE, false);
    let (passed, check) = check_on(ACCOUNT, true);
    let (failed, bad_check) = check_on(ACCOUNT, false);
    all_applied(&push(&*store, &a, 1, &[check, bad_check]));
    let email = |account: i64, check: Uuid| {
        paperless(
            change(account, check, day(2026, 12, 1)),
            "isla.munro@example.org",
            "isla.munro@example.org",
        )
    };
    let cases = [
        (&a, email(ACCOUNT, Uuid::now_v7()), at(10, 5), "no_check"),
        (&a, email(ACCOUNT, failed), at(10, 5), "check_failed"),
        (&b, email(ACCOUNT, passed), at(10, 5), "other_agents_check"),
        (&a, email(SINGLE, passed), at(10, 5), "other_accounts_check"),
        (&a, email(ACCOUNT, passed), at(11, 1), "check_expired"),
    ];
    let mut seq = [3, 1];
    for (who, cmd, now, want) in cases {
        let s = if who.staff_id == a.staff_id {
            &mut seq[0]
        } else {
            &mut seq[1]
        };
        let out = push_at(&*store, who, *s, &[cmd], now);
        *s += 1;
        assert_eq!(code(&out[0]), want);
        assert!(!message(&out[0]).is_empty());
    }
    assert_eq!(
        store.count("ct_change_requests").unwrap(),
        0,
        "a refused change leaves no request"
    );
    // Within the hour, the same agent's passed check on the account is enough.
    all_applied(&push_at(&*store, &a, seq[0], &[email(ACCOUNT, passed)], at(10, 59)));
}

/// Two agents took changes to the Munros' account while offline: A that Ewan moved out on 20
/// November and the single person discount from the 21st; B that their son Jamie (an adult)
/// moved in on 10 November. Whichever desk syncs second loses, with the reason.
fn two_agents_offline(backend: &str, a_first: bool) -> (Vec<Outcome>, Vec<Outcome>) {
    let (_db, store) = ct_store(backend);
    let a = ct_caller(&*store, "agent.a", OFFICE, false);
    let b = ct_caller(&*store, "agent.b", OFFICE, false);
    let (chk_a, check_a) = check_on(ACCOUNT, true);
    let (chk_b, check_b) = check_on(ACCOUNT, true);
    let from_a = vec![
        check_a,
        move_out(change(ACCOUNT, chk_a, day(2026, 11, 20)), EWAN, Next::Unknown),
        apply_spd(change(ACCOUNT, chk_a, day(2026, 11, 21))),
    ];
    let from_b = vec![
        check_b,
        adult_in(
            change(ACCOUNT, chk_b, day(2026, 11, 10)),
            "Jamie Munro",
            day(2004, 5, 6),
        ),
    ];
    let (out_a, out_b) = if a_first {
        let out_a = push_at(&*store, &a, 1, &from_a, at(10, 20));
        (out_a, push_at(&*store, &b, 1, &from_b, at(10, 25)))
    } else {
        let out_b = push_at(&*store, &b, 1, &from_b, at(10, 20));
        (push_at(&*store, &a, 1, &from_a, at(10, 25)), out_b)
    };
    let requests = store.count("ct_change_requests").unwrap();
    assert_eq!(requests, 2, "the loser's change is not kept");
    (out_a, out_b)
}

fn offline_changes_arriving_later_in_time_but_earlier_in_effect_lose_with_the_reason(backend: &str) {
    let (a, b) = two_agents_offline(backend, true);
    all_applied(&a);
    assert_eq!(b[0], Outcome::Applied);
    // Jamie moving in on the 10th would undo the discount from the 21st, taken first.
    assert_eq!(code(&b[1]), "contradicts_earlier_change");
    assert!(message(&b[1]).contains("council_tax.apply_spd"), "{}", message(&b[1]));
}

fn offline_changes_arriving_in_effective_order_lose_the_later_one_with_the_reason(backend: &str) {
    let (a, b) = two_agents_offline(backend, false);
    all_applied(&b);
    assert_eq!(a[..2], [Outcome::Applied, Outcome::Applied]);
    // With Jamie there from the 10th, two adults are counted on the 21st.
    assert_eq!(code(&a[2]), "not_single_person");
    assert!(message(&a[2]).contains("2 adults"), "{}", message(&a[2]));
}

fn bad_input_is_refused_with_its_code_and_the_server_carries_on(backend: &str) {
    let (_db, store) = ct_store(backend);
    let agent = ct_caller(&*store, "agent.1", OFFICE, false);
    let (chk, check) = check_on(ACCOUNT, true);
    all_applied(&push(&*store, &agent, 1, &[check]));
    let c = |on| change(ACCOUNT, chk, on);
    let today = day(2026, 12, 1);
    let long_name = "Seònaid ".repeat(37) + "MacAoidh";
    assert!(long_name.chars().count() >= 300);
    let cases: Vec<(Command, &str)> = vec![
        (
            adult_in(c(today), "Jamie Munro", day(2030, 1, 1)),
            "invalid_date_of_birth",
        ),
        (
            move_out(c(day(2019, 5, 31)), EWAN, Next::Unknown),
            "effective_before_liability",
        ),
        (
            move_out(c(today + Duration::days(61)), EWAN, Next::Unknown),
            "effective_too_far_ahead",
        ),
        (direct_debit(c(today), "80-22-6O", "12345678"), "invalid_sort_code"),
        (direct_debit(c(today), "80-22-60", "1234567"), "invalid_bank_account"),
        (
            paperless(c(today), "isla.munro@example.org", "isla.munroe@example.org"),
            "emails_differ",
        ),
        (adult_in(c(today), &long_name, day(1990, 1, 1)), "invalid_name"),
        (
            Command::from(CorrespondenceAddress {
                change: c(today),
                address: "4 Market Street, Forres".into(),
                postcode: "NOT A CODE".into(),
            }),
            "invalid_postcode",
        ),
    ];
    let mut seq = 2;
    for (cmd, want) in cases {
        let out = push(&*store, &agent, seq, &[cmd]);
        seq += 1;
        assert_eq!(code(&out[0]), want);
    }
    // A UPRN of 13 digits does not parse as the command's arguments.
    let within = Command::from(desk_domain::council_tax::command::MoveWithin {
        change: c(today),
        person: EWAN.into(),
        new_address: "9 Tolbooth Street, Forres".into(),
        new_postcode: "IV36 1PH".into(),
        new_uprn: Some("133033601".parse().unwrap()),
        next: Next::Unknown,
    });
    let mut m = phone_envelope(agent.device_id, seq, &within);
    m.args["new_uprn"] = serde_json::json!("1330336010123");
    let out = push_envelopes(&*store, &agent, &[m], phones_open());
    assert_eq!(code(&out[0]), "bad_args");
    assert!(message(&out[0]).contains("UPRN"), "{}", message(&out[0]));
    assert_eq!(store.count("ct_change_requests").unwrap(), 0);
    // The server carries on: the next good change is taken.
    let good = paperless(c(today), "isla.munro@example.org", "isla.munro@example.org");
    all_applied(&push(&*store, &agent, seq + 1, &[good]));
}

fn a_contact_centre_pulls_only_its_office_and_nobody_else_pulls_council_tax(backend: &str) {
    let (_db, store) = ct_store(backend);
    store
        .load(&desk_testkit::school::school_world(2026))
        .expect("schools load");
    let agent = ct_caller(&*store, "agent.1", OFFICE, false);
    let (chk, check) = check_on(ACCOUNT, true);
    let email = paperless(
        change(ACCOUNT, chk, day(2026, 12, 1)),
        "isla.munro@example.org",
        "isla.munro@example.org",
    );
    all_applied(&push(&*store, &agent, 1, &[check, email]));
    // Outside its office: refused before anything is read or written.
    let (_, elsewhere) = check_on(OTHER_ACCOUNT, true);
    assert_eq!(code(&push(&*store, &agent, 3, &[elsewhere])[0]), "out_of_scope");

    // A contact-centre account that also lists a leisure centre and a school pulls neither.
    let sites = [
        Site::office(OFFICE),
        Site::leisure(CENTRE_A),
        Site::school(desk_testkit::school::SCHOOL),
    ];
    let buckets = Bucket::scope(&[Role::ContactCentre], &sites);
    assert_eq!(buckets, vec![Bucket::CouncilTaxOffice(OFFICE)]);
    let rows = pull_all(&*store, &buckets);
    let tables: HashSet<&str> = rows.iter().map(|r| r.table.as_str()).collect();
    assert_eq!(
        tables,
        HashSet::from(["ct_accounts", "ct_change_requests", "ct_identity_checks"])
    );
    assert!(rows.iter().all(|r| r.bucket == "counciltax:office:1"));

    // Leisure and school staff listing the office pull no account, check or request.
    for role in [Role::LeisureDesk, Role::SchoolOffice] {
        let buckets = Bucket::scope(&[role], &sites);
        assert!(!buckets.is_empty());
        let rows = pull_all(&*store, &buckets);
        assert!(!rows.is_empty(), "{role} pulls its own records");
        assert!(
            rows.iter().all(|r| !r.table.starts_with("ct_")),
            "{role} pulled council-tax records"
        );
    }
    // And cannot change an account.
    let leisure = leisure_caller(&*store, "leisure.1", CENTRE_A);
    let (_, check) = check_on(ACCOUNT, true);
    assert_eq!(code(&push(&*store, &leisure, 1, &[check])[0]), "out_of_scope");
}

fn full_bank_details_stay_on_the_server_for_the_export_and_never_sync(backend: &str) {
    let (_db, store) = ct_store(backend);
    let agent = ct_caller(&*store, "agent.1", OFFICE, false);
    let (chk, check) = check_on(ACCOUNT, true);
    let dd = direct_debit(change(ACCOUNT, chk, day(2026, 12, 1)), "80 22 60", "3141 5926");
    let email = paperless(
        change(ACCOUNT, chk, day(2026, 12, 1)),
        "isla.munro@example.org",
        "isla.munro@example.org",
    );
    all_applied(&push(&*store, &agent, 1, &[check, dd.clone(), email.clone()]));

    // The request that syncs holds the last four digits only.
    let rows = pull_all(&*store, &agent.buckets);
    for r in &rows {
        let data = r.data.as_deref().unwrap_or_default();
        assert!(
            !data.contains("31415926") && !data.contains("802260") && !data.contains("80 22 60"),
            "{} {} carries bank details: {data}",
            r.table,
            r.id
        );
    }
    let request: ChangeRequest = record(&*store, "ct_change_requests", request_id(&dd));
    assert_eq!(request.detail["account_last_four"], serde_json::json!("5926"));
    assert!(store.records("ct_bank_details", &[]).is_err(), "not a synced table");
    assert_eq!(store.count("ct_bank_details").unwrap(), 1);

    // The export has both requests, oldest first, the Direct Debit with its full details.
    let (_, export) = store.ct_export(None, chrono::Utc::now()).unwrap();
    let ids: Vec<Uuid> = export.iter().map(|e| e.request.id).collect();
    assert_eq!(ids, vec![request_id(&dd), request_id(&email)]);
    let bank = export[0].bank.as_ref().expect("the Direct Debit's bank details");
    assert_eq!(
        (&bank["sort_code"], &bank["account_number"], &bank["account_holder"]),
        (
            &serde_json::json!("802260"),
            &serde_json::json!("31415926"),
            &serde_json::json!(ISLA)
        )
    );
    assert!(export[1].bank.is_none());
}
