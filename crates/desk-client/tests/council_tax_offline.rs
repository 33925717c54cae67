//! The contact centre's desk against the desk engine's own fake server: held data kept off the
//! screen until the caller passes the check, each form's bad input refused with the field's code
//! and nothing recorded, a change taken offline keeping its reference through the sync, and a
//! change the server refuses landing in Needs attention.

mod support;

use chrono::NaiveDate;
use desk_client::council_tax::views::{AccountPage, ChangeInput, CheckInput};
use desk_domain::council_tax::command::{Change, Next, SinglePersonDiscount, Tenure};
use desk_domain::council_tax::identity::{Answer, Caller, Identified, Item};
use desk_domain::council_tax::records::ChangeRequest;
use desk_domain::council_tax::reference_for;
use desk_domain::{Channel, Command, CtAccount, Outcome};
use support::*;

fn account(id: i64, address: &str, postcode: &str, people: &[(&str, &str)]) -> CtAccount {
    serde_json::from_value(serde_json::json!({
        "id": id,
        "reference": format!("MC0010{id:04}"),
        "office_id": 1,
        "band": "C",
        "address": address,
        "postcode": postcode,
        "uprn": format!("99000000{id:04}"),
        "liable": people.iter().map(|(n, dob)| serde_json::json!({"name": n, "date_of_birth": dob})).collect::<Vec<_>>(),
        "phone": "01343 563456",
        "email": "morag@example.org",
        "single_person_discount": false,
        "direct_debit": true,
        "paperless": false,
        "liability_start": "2015-05-01",
        "last_instalment_pence": 13_989,
        "bank_last_four": "4421",
    }))
    .expect("an account")
}

/// Held values of account 1 that no screen may get before the check.
const HELD: [&str; 6] = [
    "1981-06-02",
    "563456",
    "morag@example.org",
    "4421",
    "13989",
    "2015-05-01",
];

fn leaked(page: &AccountPage) -> Vec<&'static str> {
    let json = serde_json::to_string(page).unwrap();
    HELD.into_iter().filter(|h| json.contains(h)).collect()
}

async fn council(dir: &std::path::Path) -> (FakeServer, desk_client::Desk) {
    let server = FakeServer::start().await;
    {
        let mut w = server.world();
        w.add_ct_account(account(
            1,
            "12 Mac Donald Place, Elgin",
            "IV30 4BX",
            &[("Mòrag MacDonald", "1981-06-02")],
        ));
        w.add_ct_account(account(
            2,
            "7 Seaview Road, Buckie",
            "AB56 1QT",
            &[("Euan Rose", "1975-12-24"), ("Ann Rose", "1977-04-09")],
        ));
    }
    let desk = synced_desk(dir, &server).await;
    (server, desk)
}

fn passing_check(account_id: i64, name: &str, dob: &str, postcode: &str) -> CheckInput {
    CheckInput {
        account_id,
        caller: Caller::LiablePerson { name: name.into() },
        identified_by: Identified::NameAndAddress,
        answers: vec![
            Answer {
                item: Item::DateOfBirth,
                typed: dob.into(),
            },
            Answer {
                item: Item::Postcode,
                typed: postcode.into(),
            },
        ],
    }
}

fn today() -> NaiveDate {
    chrono::Local::now().date_naive()
}

#[tokio::test]
async fn held_data_stays_off_the_screen_until_this_agent_passes_the_check() {
    let dir = tempfile::tempdir().unwrap();
    let (_server, desk) = council(dir.path()).await;
    let ct = desk.council_tax();

    let found = ct.search_accounts("macdonald", 10).await.unwrap();
    assert_eq!(found.accounts.len(), 1);
    let json = serde_json::to_string(&found).unwrap();
    assert!(HELD.iter().all(|h| !json.contains(h)), "{json}");

    let before = ct.account(1).await.unwrap();
    assert!(before.detail.is_none());
    assert_eq!(leaked(&before), Vec::<&str>::new());
    assert_eq!(before.summary.postcode, "IV30 4BX");

    // A check that fails (wrong postcode) opens nothing; nor does a pass on another account.
    let failed = ct
        .record_check(passing_check(1, "Mòrag MacDonald", "02/06/1981", "IV30 4BY"))
        .await
        .unwrap();
    assert!(!failed.passed);
    assert_eq!(leaked(&ct.account(1).await.unwrap()), Vec::<&str>::new());
    let other = ct
        .record_check(passing_check(2, "Ann Rose", "9/4/1977", "ab561qt"))
        .await
        .unwrap();
    assert!(other.passed);
    assert_eq!(leaked(&ct.account(1).await.unwrap()), Vec::<&str>::new());

    // The caller passes: now the page holds the account, bank masked to its last four.
    let passed = ct
        .record_check(passing_check(1, "Mòrag MacDonald", "1981-06-02", "iv30 4bx"))
        .await
        .unwrap();
    assert!(passed.passed);
    let after = ct.account(1).await.unwrap();
    let detail = after.detail.as_ref().expect("the full page after the check");
    assert_eq!(detail.payment.bank_account.as_deref(), Some("•••• 4421"));
    assert_eq!(detail.email.as_deref(), Some("morag@example.org"));
    assert_eq!(detail.viewed.len(), 5, "every view of the account, this one first");
    assert!(detail.viewed[0].detail.contains("after check"));

    // Every search result and page view is in the audit log, on the account.
    let log = desk.audit_log(0, 1000).await.unwrap();
    let views = log
        .iter()
        .filter(|e| e.record_kind == "ct_account" && e.record_id == "1" && e.action == "view")
        .count();
    assert_eq!(views, 5);
}

#[tokio::test]
async fn bad_input_is_refused_with_the_fields_code_and_nothing_recorded() {
    let dir = tempfile::tempdir().unwrap();
    let (_server, desk) = council(dir.path()).await;
    let ct = desk.council_tax();
    let check = ct
        .record_check(passing_check(1, "Mòrag MacDonald", "1981-06-02", "IV30 4BX"))
        .await
        .unwrap();
    let change = ChangeInput {
        account_id: 1,
        check_id: check.check_id,
        effective: today(),
    };
    let pending = desk.sync_status().await.unwrap().pending;

    let code = |r: Result<_, desk_client::DeskError>| r.map(|_| ()).unwrap_err().code().to_owned();
    assert_eq!(
        code(
            ct.paperless_sign_up(change, "morag@example.org", "morag@example.com", "Bills by email", "v1")
                .await
        ),
        "emails_differ"
    );
    assert_eq!(
        code(
            ct.paperless_sign_up(change, "morag at example", "morag at example", "Bills by email", "v1")
                .await
        ),
        "invalid_email"
    );
    assert_eq!(
        code(
            ct.direct_debit(change, "Mòrag MacDonald", "12-AB-56", "12345678", 10, 5)
                .await
        ),
        "invalid_sort_code"
    );
    assert_eq!(
        code(
            ct.direct_debit(change, "Mòrag MacDonald", "12-34-56", "1234567", 10, 5)
                .await
        ),
        "invalid_bank_account"
    );
    assert_eq!(
        code(
            ct.direct_debit(change, "Mòrag MacDonald", "12-34-56", "12345678", 11, 5)
                .await
        ),
        "invalid_plan"
    );
    assert_eq!(
        code(
            ct.correspondence_address(change, "4 Harbour Street", "NOT A CODE")
                .await
        ),
        "invalid_postcode"
    );
    let future = today() + chrono::Duration::days(3);
    assert_eq!(
        code(ct.adult_in(change, "Iain Ross", future).await),
        "invalid_date_of_birth"
    );
    assert_eq!(
        code(ct.change_name(change, "Mòrag MacDonald", &"M".repeat(300)).await),
        "invalid_name"
    );
    assert_eq!(
        code(
            ct.move_within(
                change,
                "Mòrag MacDonald",
                "9 High Street, Elgin",
                "IV30 1AB",
                Some("1234567890123"),
                Next::Unknown
            )
            .await
        ),
        "invalid_input"
    );
    // The rules the desk runs offline: before liability started, no check, another account's.
    let early = ChangeInput {
        effective: NaiveDate::from_ymd_opt(2015, 4, 30).unwrap(),
        ..change
    };
    assert_eq!(
        code(
            ct.ctr_referral(early, desk_domain::council_tax::command::FormSentBy::Post)
                .await
        ),
        "effective_before_liability"
    );
    let unchecked = ChangeInput {
        check_id: uuid::Uuid::now_v7(),
        ..change
    };
    assert_eq!(code(ct.apply_spd(unchecked).await), "no_check");
    let elsewhere = ChangeInput {
        account_id: 2,
        ..change
    };
    assert_eq!(code(ct.paperless_withdrawal(elsewhere).await), "other_accounts_check");
    assert_eq!(
        desk.sync_status().await.unwrap().pending,
        pending,
        "nothing was recorded"
    );
    let page = ct.account(1).await.unwrap();
    assert!(page.detail.unwrap().requests.is_empty());
}

#[tokio::test]
async fn a_change_taken_offline_keeps_its_reference_through_the_sync() {
    let dir = tempfile::tempdir().unwrap();
    let (server, desk) = council(dir.path()).await;
    let ct = desk.council_tax();
    let check = ct
        .record_check(passing_check(1, "Mòrag MacDonald", "1981-06-02", "IV30 4BX"))
        .await
        .unwrap();
    desk.sync_now().await.unwrap();

    server.world().down = true;
    let taken = ct
        .move_in(
            ChangeInput {
                account_id: 1,
                check_id: check.check_id,
                effective: today(),
            },
            "Iain Ross",
            NaiveDate::from_ymd_opt(1979, 1, 30).unwrap(),
            Tenure::Tenant,
            Some("Flat 2, 9 High Street, Elgin"),
        )
        .await
        .unwrap();
    assert!(taken.request.pending);
    assert_eq!(taken.request.title, "Moving in");
    assert_eq!(
        desk_domain::council_tax::parse_reference(&taken.request.reference.to_lowercase().replace('-', " ")),
        Some(taken.request.reference.clone()),
        "the reference reads back over the phone"
    );
    assert!(desk.sync_now().await.is_err());
    assert_eq!(desk.sync_status().await.unwrap().pending, 1);

    server.world().down = false;
    let report = desk.sync_now().await.unwrap();
    assert_eq!((report.applied, report.rejected), (1, 0));
    let held: Vec<ChangeRequest> = server.world().ct_requests_held();
    assert_eq!(held.len(), 1);
    assert_eq!(
        held[0].reference, taken.request.reference,
        "the server keeps the desk's reference"
    );
    let page = ct.account(1).await.unwrap();
    let requests = page.detail.unwrap().requests;
    assert_eq!(requests.len(), 1);
    assert_eq!(requests[0].reference, taken.request.reference);
    assert!(!requests[0].pending, "settled once pulled back");
    assert_eq!(desk.sync_status().await.unwrap().pending, 0);
}

#[tokio::test]
async fn a_change_the_server_refuses_lands_in_needs_attention_with_what_was_entered() {
    let dir = tempfile::tempdir().unwrap();
    let (server, desk) = council(dir.path()).await;
    let ct = desk.council_tax();
    let check = ct
        .record_check(passing_check(1, "Mòrag MacDonald", "1981-06-02", "IV30 4BX"))
        .await
        .unwrap();
    desk.sync_now().await.unwrap();

    server.world().down = true;
    let taken = ct
        .apply_spd(ChangeInput {
            account_id: 1,
            check_id: check.check_id,
            effective: today(),
        })
        .await
        .unwrap();
    let estimate = taken.estimate.expect("this year's charges are configured");
    assert!(
        estimate.estimate.difference.0 < 0,
        "25% off from today lowers the year's bill"
    );

    // Meanwhile the same discount is taken on the server (another call, the same caller's check).
    {
        let mut w = server.world();
        w.down = false;
        let id = uuid::Uuid::now_v7();
        let cmd = Command::from(desk_domain::council_tax::Command::ApplySpd(SinglePersonDiscount {
            change: Change {
                request_id: id,
                reference: reference_for(id),
                account_id: 1,
                check_id: check.check_id,
                effective: today() - chrono::Duration::days(1),
            },
        }));
        assert_eq!(
            w.execute(&cmd, uuid::Uuid::now_v7(), Channel::Telephone),
            Outcome::Applied
        );
    }
    let report = desk.sync_now().await.unwrap();
    assert_eq!(report.rejected, 1);
    let items = desk.needs_attention().await.unwrap();
    assert_eq!(items.len(), 1);
    assert_eq!(items[0].name, "council_tax.apply_spd");
    assert_eq!(items[0].code, "nothing_to_change");
    assert!(
        items[0].summary.contains(&taken.request.reference),
        "{}",
        items[0].summary
    );
    assert!(items[0].summary.contains("12 Mac Donald Place"), "{}", items[0].summary);
    assert_eq!(items[0].args["change"]["reference"], taken.request.reference.as_str());
    // The refused request is no longer shown as taken; the server's is.
    let requests = ct.account(1).await.unwrap().detail.unwrap().requests;
    assert_eq!(requests.len(), 1);
    assert_ne!(requests[0].reference, taken.request.reference);
}

#[tokio::test]
async fn a_refused_direct_debit_keeps_only_the_last_four_digits_on_the_desk() {
    let dir = tempfile::tempdir().unwrap();
    let (server, desk) = council(dir.path()).await;
    let ct = desk.council_tax();
    let check = ct
        .record_check(passing_check(1, "Mòrag MacDonald", "1981-06-02", "IV30 4BX"))
        .await
        .unwrap();
    desk.sync_now().await.unwrap();

    server.world().down = true;
    let taken = ct
        .direct_debit(
            ChangeInput {
                account_id: 1,
                check_id: check.check_id,
                effective: today(),
            },
            "Mòrag MacDonald",
            "12-34-56",
            "87654321",
            12,
            15,
        )
        .await
        .unwrap();
    assert!(taken.request.pending);
    // Meanwhile three callers fail the check on the server: phone changes to it are stopped.
    {
        let mut w = server.world();
        w.down = false;
        for _ in 0..3 {
            let cmd = Command::from(desk_domain::council_tax::command::RecordCheck {
                check_id: uuid::Uuid::now_v7(),
                account_id: 1,
                caller: Caller::LiablePerson {
                    name: "Mòrag MacDonald".into(),
                },
                identified_by: Identified::NameAndAddress,
                answers: vec![
                    Answer {
                        item: Item::DateOfBirth,
                        typed: "01/01/1990".into(),
                    },
                    Answer {
                        item: Item::Postcode,
                        typed: "IV30 4BX".into(),
                    },
                ],
            });
            assert_eq!(
                w.execute(&cmd, uuid::Uuid::now_v7(), Channel::Telephone),
                Outcome::Applied
            );
        }
    }
    let report = desk.sync_now().await.unwrap();
    assert_eq!(report.rejected, 1);
    let items = desk.needs_attention().await.unwrap();
    assert_eq!(items[0].code, "account_locked");
    let args = items[0].args.to_string();
    assert!(!args.contains("87654321") && !args.contains("123456"), "{args}");
    // The seam's kept form (DirectDebit::kept): no sort code, the account number's last four.
    assert_eq!(items[0].args["account_last_four"], "4321");
    assert!(items[0].args.get("account_number").is_none() && items[0].args.get("sort_code").is_none());
    assert_eq!(
        items[0].args["account_holder"], "Mòrag MacDonald",
        "the rest stays as entered"
    );
    assert!(ct.account(1).await.unwrap().locked);
}
