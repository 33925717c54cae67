//! The council-tax hand-off through the binary, on SQLite and PostgreSQL: changes taken by push
//! (a move-out and a Direct Debit), `ct-export` writing each once with the full bank details
//! only the server holds, `--batch` writing a batch again, `ct-import-status` moving requests
//! on all or nothing, and the statuses reaching the office's change log.

mod common;

use chrono::{Local, NaiveDate};
use desk_domain::council_tax::command::*;
use desk_domain::council_tax::identity::{Answer, Caller as WhoCalls, Identified, Item};
use desk_domain::council_tax::records::{ChangeRequest, RequestStatus, table::CT_CHANGE_REQUESTS};
use desk_domain::council_tax::reference_for;
use desk_domain::values::{AccountRef, Uprn};
use desk_domain::{Bucket, Command, CouncilTaxBand, CtAccount, LiablePerson, Outcome, Role, Site};
use desk_server::{Caller as DeskCaller, EntityBatch, NewStaffRecord, Store};
use uuid::Uuid;

const BIN: &str = env!("CARGO_BIN_EXE_desk-server");
const OFFICE: i64 = 1;
const ACCOUNT: i64 = 501;

fn account() -> CtAccount {
    CtAccount {
        id: ACCOUNT,
        reference: "MC00000501".parse::<AccountRef>().expect("a reference"),
        office_id: OFFICE,
        band: CouncilTaxBand::C,
        address: "12 High Street, Elgin".into(),
        postcode: "IV30 1BU".into(),
        uprn: "133012345".parse::<Uprn>().expect("a UPRN"),
        liable: vec![
            LiablePerson {
                name: "Iain Ross".into(),
                date_of_birth: NaiveDate::from_ymd_opt(1970, 3, 4).unwrap(),
            },
            LiablePerson {
                name: "Ann Ross".into(),
                date_of_birth: NaiveDate::from_ymd_opt(1972, 8, 9).unwrap(),
            },
        ],
        phone: Some("01343 123456".into()),
        email: None,
        single_person_discount: false,
        direct_debit: false,
        paperless: false,
        liability_start: Some(NaiveDate::from_ymd_opt(2015, 6, 1).unwrap()),
        last_instalment_pence: Some(15_433),
        bank_last_four: None,
    }
}

fn agent(store: &dyn Store) -> DeskCaller {
    let roles = vec![Role::ContactCentre];
    let sites = vec![Site::office(OFFICE)];
    let staff_id = store
        .insert_staff(&NewStaffRecord {
            username: "agent.a".into(),
            display_name: "Agent A".into(),
            password_hash: "!".into(),
            roles: roles.clone(),
            sites: sites.clone(),
        })
        .unwrap();
    DeskCaller {
        staff_id,
        device_id: Uuid::now_v7(),
        buckets: Bucket::scope(&roles, &sites),
        supervises: Vec::new(),
    }
}

fn change(check_id: Uuid) -> (Uuid, Change) {
    let request_id = Uuid::now_v7();
    let today = Local::now().date_naive();
    (
        request_id,
        Change {
            request_id,
            reference: reference_for(request_id),
            account_id: ACCOUNT,
            check_id,
            effective: today,
        },
    )
}

/// A passed check, a move-out and a Direct Debit: the two requests' ids.
fn take_changes(store: &dyn Store, desk: &DeskCaller) -> (Uuid, Uuid) {
    let check_id = Uuid::now_v7();
    let check = Command::from(RecordCheck {
        check_id,
        account_id: ACCOUNT,
        caller: WhoCalls::LiablePerson {
            name: "Iain Ross".into(),
        },
        identified_by: Identified::AccountReference,
        answers: vec![
            Answer {
                item: Item::DateOfBirth,
                typed: "04/03/1970".into(),
            },
            Answer {
                item: Item::Postcode,
                typed: "iv301bu".into(),
            },
        ],
    });
    let (move_id, c) = change(check_id);
    let move_out = Command::from(MoveOut {
        change: c,
        person: "Iain Ross".into(),
        forwarding_address: "4 Shore Street, Lossiemouth IV31 6PB".into(),
        tenure: Tenure::Owner,
        sale_or_tenancy_end: None,
        representative: None,
        next: Next::Unknown,
    });
    let (dd_id, c) = change(check_id);
    let dd = Command::from(DirectDebit {
        change: c,
        account_holder: "Ann Ross".into(),
        sort_code: "12-34-56".into(),
        account_number: "87654321".into(),
        instalments: 10,
        day: 15,
    });
    let batch: Vec<_> = [check, move_out, dd]
        .iter()
        .enumerate()
        .map(|(i, c)| common::envelope(desk.device_id, i as u64 + 1, c))
        .collect();
    let result = store.push(desk, &batch, Local::now().naive_local()).unwrap();
    for r in &result.receipts {
        assert_eq!(r.outcome, Outcome::Applied);
    }
    (move_id, dd_id)
}

fn run(args: &[String]) -> std::process::Output {
    std::process::Command::new(BIN)
        .args(args)
        .env("RUST_LOG", "warn")
        .stdin(std::process::Stdio::null())
        .output()
        .expect("desk-server runs")
}

fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

fn store_args(db: &desk_testkit::TestDb) -> Vec<String> {
    match &db.config {
        desk_server::StoreConfig::Sqlite { path } => {
            vec!["--data-dir".into(), path.parent().unwrap().to_str().unwrap().into()]
        }
        desk_server::StoreConfig::Postgres { url } => vec!["--database".into(), url.clone()],
    }
}

fn request(store: &dyn Store, id: Uuid) -> ChangeRequest {
    let v = store
        .records(CT_CHANGE_REQUESTS, &[desk_store_cond_id(id)])
        .unwrap()
        .pop()
        .expect("the request is stored");
    serde_json::from_value(v).unwrap()
}

fn desk_store_cond_id(id: Uuid) -> desk_store::Cond {
    desk_store::Cond::Eq("id", desk_server::rows::Cell::Uuid(id))
}

/// The batch directories under `out`, by name.
fn batches(out: &std::path::Path) -> Vec<std::path::PathBuf> {
    let mut dirs: Vec<_> = std::fs::read_dir(out).unwrap().map(|e| e.unwrap().path()).collect();
    dirs.sort();
    dirs
}

fn export_round_trip(backend: &str) {
    let (db, store) = common::world_store(backend);
    store
        .load(&EntityBatch {
            ct_accounts: vec![account()],
            ..EntityBatch::default()
        })
        .unwrap();
    let desk = agent(&*store);
    let (move_id, dd_id) = take_changes(&*store, &desk);
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("out");
    let mut export = vec!["ct-export".to_owned(), "--out".into(), out.to_str().unwrap().into()];
    export.extend(store_args(&db));

    let first = run(&export);
    assert!(first.status.success(), "{}", text(&first.stderr));
    assert!(
        text(&first.stdout).contains("exported 2 request(s)"),
        "{}",
        text(&first.stdout)
    );
    let dirs = batches(&out);
    assert_eq!(dirs.len(), 1);
    let manifest: serde_json::Value =
        serde_json::from_slice(&std::fs::read(dirs[0].join("manifest.json")).unwrap()).unwrap();
    assert_eq!(manifest["total"], 2);
    let dd_line: serde_json::Value =
        serde_json::from_slice(&std::fs::read(dirs[0].join("direct_debit.jsonl")).unwrap()).unwrap();
    // The full details come from the server's own table; the synced request holds four digits.
    assert_eq!(dd_line["bank"]["account_number"], "87654321");
    assert_eq!(dd_line["request_id"], serde_json::json!(dd_id));
    assert!(!dd_line["detail"].to_string().contains("87654321"), "{dd_line}");
    assert_eq!(request(&*store, move_id).status, RequestStatus::Exported);
    assert_eq!(request(&*store, dd_id).status, RequestStatus::Exported);

    // Exported once: a second run finds nothing new and writes no batch.
    let second = run(&export);
    assert!(second.status.success(), "{}", text(&second.stderr));
    assert!(text(&second.stdout).contains("no new"), "{}", text(&second.stdout));
    assert_eq!(batches(&out).len(), 1);

    // Asked for by id, the batch is written again as it was taken, byte for byte.
    let batch_id = manifest["batch_id"].as_str().unwrap().to_owned();
    let again_out = tmp.path().join("again");
    let mut again = vec![
        "ct-export".to_owned(),
        "--out".into(),
        again_out.to_str().unwrap().into(),
    ];
    again.extend(["--batch".into(), batch_id.clone()]);
    again.extend(store_args(&db));
    let rewritten = run(&again);
    assert!(rewritten.status.success(), "{}", text(&rewritten.stderr));
    let redone = batches(&again_out);
    assert_eq!(redone.len(), 1);
    for f in ["move_out.jsonl", "direct_debit.jsonl"] {
        assert_eq!(
            std::fs::read(dirs[0].join(f)).unwrap(),
            std::fs::read(redone[0].join(f)).unwrap(),
            "{f}"
        );
    }

    // The revenue system's results: a bad file (one unknown request) changes nothing.
    let head = store.head().unwrap();
    let status = tmp.path().join("status.csv");
    let unknown = Uuid::now_v7();
    std::fs::write(
        &status,
        format!(
            "request_id,reference,status,message\n{move_id},{},processed,\n{unknown},{},processed,\n",
            reference_for(move_id),
            reference_for(unknown)
        ),
    )
    .unwrap();
    let mut import = vec!["ct-import-status".to_owned(), status.to_str().unwrap().into()];
    import.extend(store_args(&db));
    let refused = run(&import);
    assert!(!refused.status.success());
    assert!(
        text(&refused.stderr).contains(&format!("line 3: there is no request {unknown}")),
        "{}",
        text(&refused.stderr)
    );
    assert_eq!(request(&*store, move_id).status, RequestStatus::Exported);
    assert_eq!(store.head().unwrap(), head, "nothing written");

    // A good file: processed and queried (with the team's message), synced to the office.
    std::fs::write(
        &status,
        format!(
            "request_id,reference,status,message\n{move_id},{},processed,\n{dd_id},{},queried,\"Please confirm the account holder's name\"\n",
            reference_for(move_id),
            reference_for(dd_id)
        ),
    )
    .unwrap();
    let applied = run(&import);
    assert!(applied.status.success(), "{}", text(&applied.stderr));
    assert!(
        text(&applied.stdout).contains("2 request(s) changed"),
        "{}",
        text(&applied.stdout)
    );
    assert_eq!(request(&*store, move_id).status, RequestStatus::Processed);
    let dd = request(&*store, dd_id);
    assert_eq!(dd.status, RequestStatus::Queried);
    assert_eq!(
        dd.status_message.as_deref(),
        Some("Please confirm the account holder's name")
    );
    let page = store
        .pull(
            &[Bucket::CouncilTaxOffice(OFFICE).to_string()],
            head,
            100,
            (desk.staff_id, desk.device_id),
            0,
        )
        .unwrap();
    let statuses: Vec<String> = page
        .rows
        .iter()
        .filter(|r| r.table == CT_CHANGE_REQUESTS)
        .map(|r| r.data.clone().unwrap_or_default())
        .collect();
    assert_eq!(statuses.len(), 2, "both changes reach the office's desks");
    assert!(statuses.iter().any(|d| d.contains("queried")), "{statuses:?}");

    // The same file again changes nothing; a processed request cannot be queried after.
    let repeat = run(&import);
    assert!(
        text(&repeat.stdout).contains("0 request(s) changed"),
        "{}",
        text(&repeat.stdout)
    );
    std::fs::write(
        &status,
        format!(
            "request_id,reference,status,message\n{move_id},{},queried,Why?\n",
            reference_for(move_id)
        ),
    )
    .unwrap();
    let backwards = run(&import);
    assert!(!backwards.status.success());
    assert!(
        text(&backwards.stderr).contains("is processed; it cannot become queried"),
        "{}",
        text(&backwards.stderr)
    );
}

#[test]
fn sqlite_export_round_trip() {
    export_round_trip("sqlite");
}

#[test]
fn postgres_export_round_trip() {
    export_round_trip("postgres");
}
