//! The contact centre's figures for the `bench` command (issue 10 §7): account search over the
//! council's 45,000 accounts, the charge estimate before and after one change, and a change's
//! local durable commit. The accounts are given (the bench command draws the demo council's);
//! each figure is measured through what a screen calls, and nothing is printed.

use std::path::Path;
use std::time::{Duration, Instant};

use desk_domain::council_tax::command::{Change, CorrespondenceAddress};
use desk_domain::council_tax::identity::{Answer, Caller, Identified, Item};
use desk_domain::council_tax::{AccountFacts, Command, reference_for};
use desk_domain::{Change as Synced, ChangeOp, CtAccount, entities::table};
use rusqlite::TransactionBehavior;
use uuid::Uuid;

use crate::council_tax::views::{ChangeInput, CheckInput};
use crate::{Desk, DeskConfig, replica};

fn p95(mut samples: Vec<Duration>) -> Duration {
    samples.sort();
    samples[((samples.len() * 95).div_ceil(100))
        .saturating_sub(1)
        .min(samples.len() - 1)]
}

/// The figures, and how many accounts the searches found in all (each must find one).
pub struct CtFigures {
    pub accounts: usize,
    pub search_p95: Duration,
    pub estimate_p95: Duration,
    pub record_change_p95: Duration,
}

async fn seeded_desk(dir: &Path, accounts: &[CtAccount]) -> Desk {
    let _ = std::fs::remove_dir_all(dir);
    let desk = Desk::open(DeskConfig {
        data_dir: dir.to_path_buf(),
        server_url: "http://127.0.0.1:9".into(),
    })
    .await
    .expect("bench desk opens");
    let rows: Vec<Synced> = accounts
        .iter()
        .map(|a| Synced {
            table: table::CT_ACCOUNTS.into(),
            id: a.id.to_string(),
            bucket: format!("counciltax:office:{}", a.office_id),
            version: 1,
            op: ChangeOp::Upsert,
            data: Some(serde_json::to_value(a).expect("accounts serialise")),
        })
        .collect();
    desk.db(move |conn| {
        let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        for c in &rows {
            replica::apply_change(&tx, c).map_err(|e| crate::DeskError::Store(e.to_string()))?;
        }
        tx.commit()?;
        Ok(())
    })
    .await
    .expect("bench accounts load");
    desk
}

/// What an agent types for account `a`: its reference, a surname, a postcode (as said, with
/// its space, or squashed), a liable person's whole name, a street and number.
fn typed(a: &CtAccount, k: usize) -> String {
    let name = &a.liable[0].name;
    match k % 5 {
        0 => a.reference.as_str().to_lowercase(),
        1 => name.rsplit(' ').next().unwrap_or(name).to_owned(),
        2 => a.postcode.clone(),
        3 => name.clone(),
        _ => a.address.split(',').next().unwrap_or(&a.address).to_owned(),
    }
}

pub async fn ct_figures(dir: &Path, accounts: Vec<CtAccount>, n: usize) -> CtFigures {
    let desk = seeded_desk(&dir.join("ct"), &accounts).await;
    let ct = desk.council_tax();
    let step = (accounts.len() / n.max(1)).max(1);

    let mut samples = Vec::with_capacity(n);
    for k in 0..n {
        let a = &accounts[(k * step * 7 + k) % accounts.len()];
        let text = typed(a, k);
        let t = Instant::now();
        let found = ct.search_accounts(&text, 20).await.expect("search runs");
        samples.push(t.elapsed());
        assert!(!found.accounts.is_empty(), "bench search {text:?} finds an account");
    }
    let search_p95 = p95(samples);

    // The estimate alone: the domain's before/after over an account with changes already taken.
    let table = crate::council_tax::charges::configured().expect("the default charge table loads");
    let today = crate::desk::local_now().date();
    let mut samples = Vec::with_capacity(n);
    for k in 0..n {
        let a = accounts[(k * 13) % accounts.len()].clone();
        let request_id = Uuid::now_v7();
        let cmd = Command::CorrespondenceAddress(CorrespondenceAddress {
            change: Change {
                request_id,
                reference: reference_for(request_id),
                account_id: a.id,
                check_id: Uuid::now_v7(),
                effective: today,
            },
            address: "4 Harbour Street, Cullen".into(),
            postcode: "AB56 4SQ".into(),
        });
        let acc = AccountFacts::of(a);
        let t = Instant::now();
        let e = crate::council_tax::estimate::for_change(&table, &acc, &[], &cmd, today).expect("estimate made");
        samples.push(t.elapsed());
        assert!(e.is_some(), "the default table covers {today}");
    }
    let estimate_p95 = p95(samples);

    // A change's durable local commit (rules over replica + overlay, outbox, audit, the
    // receipt and its estimate read back), each on another account after its caller's check.
    let mut samples = Vec::with_capacity(n);
    for k in 0..n {
        let a = &accounts[(k * step + 3) % accounts.len()];
        let check = ct
            .record_check(CheckInput {
                account_id: a.id,
                caller: Caller::LiablePerson {
                    name: a.liable[0].name.clone(),
                },
                identified_by: Identified::AccountReference,
                answers: vec![
                    Answer {
                        item: Item::Postcode,
                        typed: a.postcode.to_lowercase(),
                    },
                    Answer {
                        item: Item::DateOfBirth,
                        typed: a.liable[0].date_of_birth.format("%d/%m/%Y").to_string(),
                    },
                ],
            })
            .await
            .expect("bench check recorded");
        assert!(check.passed, "the bench's caller answers as the account holds");
        let change = ChangeInput {
            account_id: a.id,
            check_id: check.check_id,
            effective: today,
        };
        let t = Instant::now();
        let r = ct
            .correspondence_address(change, "4 Harbour Street, Cullen", "AB56 4SQ")
            .await
            .expect("bench change recorded");
        samples.push(t.elapsed());
        assert!(r.request.pending);
    }
    CtFigures {
        accounts: accounts.len(),
        search_p95,
        estimate_p95,
        record_change_p95: p95(samples),
    }
}
