//! The contact centre's desk against the real council server, on SQLite and PostgreSQL: account
//! search however the caller gives it, the account page held back until the caller passes the
//! identity check, a change taken with the server out of reach then synced (its reference
//! kept), and two agents taking the same change offline (the second's lands in Needs attention).

use chrono::NaiveDate;
use desk_client::council_tax::views::{AccountPage, ChangeInput, CheckInput};
use desk_client::{Desk, StaffDeskConfig};
use desk_domain::council_tax::identity::{Answer, Caller, Identified, Item, Outcome};
use desk_domain::council_tax::records::RequestStatus;
use desk_domain::{CtAccount, Role, Site};
use desk_fixtures::{DemoData, DemoStaff};
use desk_testkit::{Backend, PASSWORD, TestDb, TestServer};

fn account(id: i64, office: i64, reference: &str, address: &str, postcode: &str, people: &[(&str, &str)]) -> CtAccount {
    serde_json::from_value(serde_json::json!({
        "id": id,
        "reference": reference,
        "office_id": office,
        "band": "D",
        "address": address,
        "postcode": postcode,
        "uprn": format!("99000000{id:04}"),
        "liable": people.iter().map(|(n, dob)| serde_json::json!({"name": n, "date_of_birth": dob})).collect::<Vec<_>>(),
        "phone": "07700 900417",
        "email": "padraig.obrien@example.org",
        "single_person_discount": false,
        "direct_debit": true,
        "paperless": false,
        "liability_start": "2012-08-01",
        "last_instalment_pence": 15_737,
        "bank_last_four": "7781",
    }))
    .expect("an account")
}

fn agent(username: &str) -> DemoStaff {
    DemoStaff {
        username: username.into(),
        display_name: format!("Agent {username}"),
        password: PASSWORD.into(),
        roles: vec![Role::ContactCentre],
        sites: vec![Site::office(1)],
    }
}

fn world() -> DemoData {
    DemoData {
        ct_accounts: vec![
            account(
                1,
                1,
                "MC00100004",
                "3 Tolbooth Street, Forres",
                "AB30 1AA",
                &[("Pàdraig O'Brien", "1970-03-14")],
            ),
            account(
                2,
                1,
                "MC00100017",
                "12 Mac Donald Place, Elgin",
                "IV30 4BX",
                &[("Mòrag MacDonald", "1981-06-02"), ("Iain Ross", "1979-01-30")],
            ),
            // Another office's: never on this agent's desk.
            account(
                3,
                2,
                "MC00100020",
                "1 Harbour Street, Cullen",
                "AB30 1AB",
                &[("Ann O'Brien", "1960-01-01")],
            ),
        ],
        staff: vec![agent("agent.one"), agent("agent.two")],
        ..DemoData::default()
    }
}

async fn sign_in(dir: &std::path::Path, server: &TestServer, username: &str) -> Desk {
    let mut cfg = StaffDeskConfig::new(dir.join(username), server.url());
    cfg.keyring_service = format!("council-desk-test-{}", uuid::Uuid::new_v4());
    Desk::sign_in_staff(cfg, username, PASSWORD)
        .await
        .unwrap_or_else(|e| panic!("sign-in failed ({}): {e}; run under scripts/with-keyring", e.code()))
}

fn check(account_id: i64, name: &str, dob: &str) -> CheckInput {
    CheckInput {
        account_id,
        caller: Caller::LiablePerson { name: name.into() },
        identified_by: Identified::AccountReference,
        answers: vec![
            Answer {
                item: Item::Postcode,
                typed: "ab301aa".into(),
            },
            Answer {
                item: Item::DateOfBirth,
                typed: dob.into(),
            },
        ],
    }
}

/// Held values of account 1 that must not reach a screen before the check.
const HELD: [&str; 7] = [
    "1970-03-14",
    "07700",
    "900417",
    "padraig.obrien@example.org",
    "7781",
    "15737",
    "2012-08-01",
];

fn leaks(page: &AccountPage) -> Vec<&'static str> {
    let json = serde_json::to_string(page).unwrap();
    HELD.into_iter().filter(|h| json.contains(h)).collect()
}

fn today() -> NaiveDate {
    chrono::Local::now().date_naive()
}

#[tokio::test]
async fn an_agent_finds_the_account_checks_the_caller_and_a_change_taken_offline_keeps_its_reference_on_both_backends()
{
    for backend in [Backend::Sqlite, Backend::Postgres] {
        let dir = tempfile::tempdir().unwrap();
        let db = TestDb::new(backend, dir.path());
        let store = db.open();
        desk_server::load_demo(&*store, &world()).unwrap();
        let mut server = TestServer::start(store.clone()).await;
        let desk = sign_in(dir.path(), &server, "agent.one").await;
        desk.sync_now().await.unwrap();
        let ct = desk.council_tax();

        // Search: postcode with or without its space, apostrophes, accents, references spaced.
        let ids =
            |s: desk_client::council_tax::views::AccountSearch| s.accounts.iter().map(|a| a.id).collect::<Vec<_>>();
        for typed in [
            "AB30 1AA",
            "ab301aa",
            "O'Brien",
            "obrien",
            "padraig",
            "Pàdraig O’Brien",
            "mc 0010 0004",
        ] {
            assert_eq!(
                ids(ct.search_accounts(typed, 10).await.unwrap()),
                vec![1],
                "{typed} on {backend:?}"
            );
        }
        assert_eq!(ids(ct.search_accounts("macdonald", 10).await.unwrap()), vec![2]);
        // Account 3 (another office; also an O'Brien at AB30 1AB) was never pulled.
        assert_eq!(ids(ct.search_accounts("ab30", 10).await.unwrap()), vec![1]);
        let found = ct.search_accounts("obrien", 10).await.unwrap();
        let json = serde_json::to_string(&found).unwrap();
        assert!(
            HELD.iter().all(|h| !json.contains(h)),
            "a search result shows no held data: {json}"
        );

        // Before the check: only what picks the account.
        let page = ct.account(1).await.unwrap();
        assert!(page.detail.is_none() && page.check.is_none());
        assert_eq!(page.summary.liable_names, vec!["Pàdraig O'Brien"]);
        assert_eq!(leaks(&page), Vec::<&str>::new(), "held data before the check");

        // A wrong date of birth: no match on that item, nothing opened, no held value said.
        let failed = ct
            .record_check(check(1, "Pàdraig O'Brien", "15/03/1970"))
            .await
            .unwrap();
        assert!(!failed.passed);
        assert_eq!(
            failed.items.iter().map(|i| i.outcome).collect::<Vec<_>>(),
            vec![Outcome::Match, Outcome::NoMatch]
        );
        assert!(!serde_json::to_string(&failed).unwrap().contains("1970-03-14"));
        assert!(ct.account(1).await.unwrap().detail.is_none());

        // A pass opens the page to this agent: masked bank account, the view audited.
        let passed = ct
            .record_check(check(1, "Pàdraig O'Brien", "14/03/1970"))
            .await
            .unwrap();
        assert!(passed.passed && passed.valid_until.is_some());
        let page = ct.account(1).await.unwrap();
        let detail = page.detail.as_ref().expect("the page after a passed check");
        assert_eq!(page.check.as_ref().unwrap().check_id, passed.check_id);
        assert_eq!(detail.payment.bank_account.as_deref(), Some("•••• 7781"));
        assert_eq!(
            detail.liable[0].date_of_birth,
            NaiveDate::from_ymd_opt(1970, 3, 14).unwrap()
        );
        assert!(detail.viewed.iter().any(|v| v.detail.contains("after check")));
        assert_eq!(detail.viewed[0].staff_name.as_deref(), Some("Agent agent.one"));
        // Another account is not opened by this check.
        assert!(ct.account(2).await.unwrap().detail.is_none());
        desk.sync_now().await.unwrap();

        // The server goes out of reach; the change is taken at the desk with its reference.
        server.stop().await;
        let taken = ct
            .correspondence_address(
                ChangeInput {
                    account_id: 1,
                    check_id: passed.check_id,
                    effective: today(),
                },
                "Flat 2, 9 High Street, Elgin",
                "iv30 1ab",
            )
            .await
            .unwrap();
        let reference = taken.request.reference.clone();
        assert!(desk_domain::council_tax::parse_reference(&reference).as_deref() == Some(reference.as_str()));
        assert!(taken.request.pending);
        assert_eq!(taken.request.status, RequestStatus::Received);
        let estimate = taken.estimate.expect("an estimate for this year");
        assert_eq!(
            estimate.estimate.difference.0, 0,
            "an address for letters changes no charge"
        );
        assert!(estimate.notes.iter().any(|n| n.contains("estimate")));
        assert!(desk.sync_now().await.is_err(), "the server is out of reach");

        // Back online: pushed, pulled back under the same reference, no longer pending.
        server.restart().await;
        let report = desk.sync_now().await.unwrap();
        assert_eq!((report.applied, report.rejected), (1, 0), "{backend:?}");
        let page = ct.account(1).await.unwrap();
        let requests = &page.detail.unwrap().requests;
        assert_eq!(requests.len(), 1);
        assert_eq!(requests[0].reference, reference);
        assert!(!requests[0].pending);
        assert_eq!(requests[0].title, "Correspondence address");
        server.stop().await;
    }
}

#[tokio::test]
async fn the_second_agents_offline_discount_lands_in_needs_attention_on_both_backends() {
    for backend in [Backend::Sqlite, Backend::Postgres] {
        let dir = tempfile::tempdir().unwrap();
        let db = TestDb::new(backend, dir.path());
        let store = db.open();
        desk_server::load_demo(&*store, &world()).unwrap();
        let mut server = TestServer::start(store.clone()).await;
        let one = sign_in(dir.path(), &server, "agent.one").await;
        let two = sign_in(dir.path(), &server, "agent.two").await;
        let mut checks = Vec::new();
        for desk in [&one, &two] {
            desk.sync_now().await.unwrap();
            let c = desk
                .council_tax()
                .record_check(check(1, "Pàdraig O'Brien", "1970-03-14"))
                .await
                .unwrap();
            assert!(c.passed);
            desk.sync_now().await.unwrap();
            checks.push(c.check_id);
        }
        // Both take the single person discount while the server is out of reach.
        server.stop().await;
        let mut references = Vec::new();
        for (desk, check_id) in [(&one, checks[0]), (&two, checks[1])] {
            let r = desk
                .council_tax()
                .apply_spd(ChangeInput {
                    account_id: 1,
                    check_id,
                    effective: today(),
                })
                .await
                .unwrap();
            assert!(r.request.pending);
            let e = r.estimate.expect("an estimate");
            assert!(e.estimate.difference.0 < 0, "a discount lowers the bill");
            references.push(r.request.reference);
        }
        server.restart().await;
        assert_eq!(one.sync_now().await.unwrap().applied, 1);
        let report = two.sync_now().await.unwrap();
        assert_eq!(report.rejected, 1, "{backend:?}");
        let items = two.needs_attention().await.unwrap();
        assert_eq!(items.len(), 1);
        assert_eq!(items[0].name, "council_tax.apply_spd");
        assert_eq!(items[0].code, "nothing_to_change");
        assert!(items[0].summary.contains(&references[1]), "{}", items[0].summary);
        assert!(items[0].summary.contains("3 Tolbooth Street"), "{}", items[0].summary);
        // The refused request is not shown as taken; the first agent's is.
        let page = two.council_tax().account(1).await.unwrap();
        let shown: Vec<_> = page.detail.unwrap().requests.into_iter().map(|r| r.reference).collect();
        assert_eq!(shown, vec![references[0].clone()]);
        server.stop().await;
    }
}
