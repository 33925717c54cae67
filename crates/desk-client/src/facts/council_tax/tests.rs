//! The contact centre's commands through this desk and the real council server, on SQLite and
//! PostgreSQL: a Direct Debit's bank details are nowhere in the desk's store once the server has
//! answered (yet with the server for the export), and two agents' offline changes to one account
//! settle with the loser in Needs attention. Commands are recorded through the seam itself
//! (`record_command`); the contact centre's facade and screens are tested with them.

use chrono::{Days, NaiveDate};
use desk_domain::council_tax::command::Next;
use desk_domain::{Channel, Command, Role, Site};
use desk_fixtures::{DemoData, DemoStaff};
use desk_testkit::council_tax::*;
use desk_testkit::{Backend, PASSWORD, TestDb, TestServer};
use rusqlite::types::ValueRef;

use crate::{Desk, DeskConfig};

fn agent(username: &str) -> DemoStaff {
    DemoStaff {
        username: username.into(),
        display_name: format!("Agent {username}"),
        password: PASSWORD.into(),
        roles: vec![Role::ContactCentre],
        sites: vec![Site::office(OFFICE)],
    }
}

fn data() -> DemoData {
    DemoData {
        ct_accounts: ct_world().ct_accounts,
        staff: vec![agent("agent.one"), agent("agent.two")],
        ..DemoData::default()
    }
}

async fn desk(dir: &std::path::Path, server: &TestServer, username: &str) -> Desk {
    std::fs::create_dir_all(dir).unwrap();
    let desk = Desk::open(DeskConfig {
        data_dir: dir.to_path_buf(),
        server_url: server.url(),
    })
    .await
    .expect("desk opens");
    desk.sign_in(username, PASSWORD).await.expect("signed in");
    desk.sync_now().await.unwrap();
    desk
}

async fn take(desk: &Desk, cmd: Command) {
    desk.record_command(cmd, Channel::Telephone, |_| Ok(()))
        .await
        .unwrap_or_else(|e| panic!("the desk refused it: {e}"));
}

fn today() -> NaiveDate {
    chrono::Local::now().date_naive()
}

/// Every table of the desk's store (replica, outbox, overlay, Needs attention, audit, search
/// indexes) and every cell, as text: where any of `needles` appears.
async fn found_in_store(desk: &Desk, needles: &'static [&'static str]) -> Vec<String> {
    desk.db(move |conn| {
        let tables: Vec<String> = conn
            .prepare("SELECT name FROM sqlite_master WHERE type = 'table'")?
            .query_map([], |r| r.get(0))?
            .collect::<rusqlite::Result<_>>()?;
        let mut found = Vec::new();
        for t in tables {
            let mut stmt = conn.prepare(&format!("SELECT * FROM \"{t}\""))?;
            let columns = stmt.column_count();
            let mut rows = stmt.query([])?;
            while let Some(row) = rows.next()? {
                for i in 0..columns {
                    let text = match row.get_ref(i)? {
                        ValueRef::Text(b) | ValueRef::Blob(b) => String::from_utf8_lossy(b).into_owned(),
                        ValueRef::Integer(n) => n.to_string(),
                        _ => continue,
                    };
                    for n in needles {
                        if text.contains(n) {
                            found.push(format!("{t}: {text}"));
                        }
                    }
                }
            }
        }
        Ok(found)
    })
    .await
    .unwrap()
}

const BANK: &[&str] = &["31415926", "802260"];

#[tokio::test]
async fn a_direct_debit_leaves_no_bank_details_on_the_desk_once_answered_on_both_backends() {
    for backend in [Backend::Sqlite, Backend::Postgres] {
        let dir = tempfile::tempdir().unwrap();
        let db = TestDb::new(backend, dir.path());
        let store = db.open();
        desk_server::load_demo(&*store, &data()).unwrap();
        let server = TestServer::start(store.clone()).await;
        let one = desk(&dir.path().join("one"), &server, "agent.one").await;

        let (chk, check) = check_on(ACCOUNT, true);
        take(&one, check).await;
        let dd = direct_debit(change(ACCOUNT, chk, today()), "802260", "31415926");
        let request = request_id(&dd);
        take(&one, dd).await;
        // Until the server answers, the outbox holds them to send (the search finds them).
        assert!(!found_in_store(&one, BANK).await.is_empty(), "{backend:?}");

        one.sync_now().await.unwrap();
        let left = found_in_store(&one, BANK).await;
        assert!(left.is_empty(), "{backend:?}: {left:?}");
        // The desk shows the request the server keeps, with the last four digits.
        let kept: String = one
            .db(move |c| {
                Ok(c.query_row(
                    "SELECT json_extract(data, '$.detail.account_last_four') FROM ct_change_requests WHERE id = ?1",
                    [request.to_string()],
                    |r| r.get(0),
                )?)
            })
            .await
            .unwrap();
        assert_eq!(kept, "5926");
        // The server has them for the revenue export.
        let (_, export) = store.ct_export(None, chrono::Utc::now()).unwrap();
        let bank = export[0].bank.as_ref().unwrap();
        assert_eq!(
            (&bank["sort_code"], &bank["account_number"]),
            (&serde_json::json!("802260"), &serde_json::json!("31415926"))
        );

        // A Direct Debit the server refuses reaches Needs attention without them either:
        // another desk's three failed checks locked the account before this one synced.
        let two = desk(&dir.path().join("two"), &server, "agent.two").await;
        for _ in 0..3 {
            take(&two, check_on(ACCOUNT, false).1).await;
        }
        two.sync_now().await.unwrap();
        let (chk, check) = check_on(ACCOUNT, true);
        take(&one, check).await;
        take(&one, direct_debit(change(ACCOUNT, chk, today()), "802260", "31415926")).await;
        one.sync_now().await.unwrap();
        let items = one.needs_attention().await.unwrap();
        assert_eq!(items.len(), 1, "{backend:?}");
        assert_eq!(
            (items[0].name.as_str(), items[0].code.as_str()),
            ("council_tax.direct_debit", "account_locked")
        );
        assert_eq!(items[0].args["account_last_four"], serde_json::json!("5926"));
        assert!(items[0].args.get("account_number").is_none() && items[0].args.get("sort_code").is_none());
        let left = found_in_store(&one, BANK).await;
        assert!(left.is_empty(), "{backend:?}: {left:?}");
        drop(server);
    }
}

#[tokio::test]
async fn two_agents_offline_on_one_account_settle_with_the_loser_in_needs_attention_on_both_backends() {
    for backend in [Backend::Sqlite, Backend::Postgres] {
        let dir = tempfile::tempdir().unwrap();
        let db = TestDb::new(backend, dir.path());
        let store = db.open();
        desk_server::load_demo(&*store, &data()).unwrap();
        let server = TestServer::start(store.clone()).await;
        let one = desk(&dir.path().join("one"), &server, "agent.one").await;
        let two = desk(&dir.path().join("two"), &server, "agent.two").await;
        let ago = |days: u64| today().checked_sub_days(Days::new(days)).unwrap();

        // One hears that Ewan left ten days ago and Isla lives alone since; two, on another
        // call, that their son Jamie moved in twenty days ago. Neither desk has synced since.
        let (chk_one, check_one) = check_on(ACCOUNT, true);
        take(&one, check_one).await;
        take(&one, move_out(change(ACCOUNT, chk_one, ago(10)), EWAN, Next::Unknown)).await;
        take(&one, apply_spd(change(ACCOUNT, chk_one, ago(9)))).await;
        let (chk_two, check_two) = check_on(ACCOUNT, true);
        take(&two, check_two).await;
        take(
            &two,
            adult_in(change(ACCOUNT, chk_two, ago(20)), "Jamie Munro", ago(20 * 365)),
        )
        .await;

        one.sync_now().await.unwrap();
        two.sync_now().await.unwrap();
        assert!(one.needs_attention().await.unwrap().is_empty(), "{backend:?}");
        let items = two.needs_attention().await.unwrap();
        assert_eq!(items.len(), 1, "{backend:?}");
        assert_eq!(items[0].name, "council_tax.adult_in");
        assert_eq!(items[0].code, "contradicts_earlier_change");
        assert!(
            items[0].message.contains("council_tax.apply_spd"),
            "{}",
            items[0].message
        );
        assert!(items[0].summary.contains("Jamie Munro"), "{}", items[0].summary);
        // Nothing of it is left pending on the desk, and both desks see the two requests taken.
        assert_eq!(two.sync_status().await.unwrap().pending, 0);
        one.sync_now().await.unwrap();
        for d in [&one, &two] {
            let n: i64 = d
                .db(|c| Ok(c.query_row("SELECT count(*) FROM ct_change_requests", [], |r| r.get(0))?))
                .await
                .unwrap();
            assert_eq!(n, 2, "{backend:?}");
        }
        drop(server);
    }
}
