//! The export benchmark (issue 10 §7: `ct-export` of 10,000 requests ≤ 5 s): requests loaded
//! straight into the store, then one export taken and written as the CLI does.

use std::sync::Arc;
use std::time::Instant;

use chrono::{Duration, Local, Utc};
use desk_domain::council_tax::records::{ChangeRequest, RequestStatus};
use desk_domain::council_tax::reference_for;
use desk_domain::{CouncilTaxBand, CtAccount, LiablePerson};
use serde_json::json;
use uuid::Uuid;

use crate::store::{EntityBatch, Store};

/// An office far above anything real or demo, so the benchmark can run against any database.
const OFFICE: i64 = 900_000_000;

const KINDS: [&str; 4] = [
    "council_tax.move_out",
    "council_tax.apply_spd",
    "council_tax.paperless_sign_up",
    "council_tax.ctr_referral",
];

/// Loads `n` received requests (one per account) and returns the seconds `ct-export` takes to
/// pick them, mark them exported and write the batch under `out`. Panics if the export does
/// not take exactly those `n`: a benchmark of failures means nothing.
pub fn bench_ct_export(store: Arc<dyn Store>, n: usize, out: &std::path::Path) -> f64 {
    let base = OFFICE + (store.head().expect("store answers") as i64 % 1000) * 100_000;
    let today = Local::now().date_naive();
    let accounts: Vec<CtAccount> = (0..n as i64)
        .map(|i| CtAccount {
            id: base + i,
            reference: format!("BX{:08}", i).parse().expect("a reference"),
            office_id: base,
            band: CouncilTaxBand::C,
            address: format!("{} Benchmark Road, Elgin", i + 1),
            postcode: "IV30 1AA".into(),
            uprn: format!("{}", 133_000_000 + i).parse().expect("a UPRN"),
            liable: vec![LiablePerson {
                name: format!("Bench Person {i}"),
                date_of_birth: chrono::NaiveDate::from_ymd_opt(1980, 1, 1).expect("a date"),
            }],
            phone: None,
            email: None,
            single_person_discount: false,
            direct_debit: false,
            paperless: false,
            liability_start: Some(today - Duration::days(3650)),
            last_instalment_pence: Some(14_500),
            bank_last_four: None,
        })
        .collect();
    let requests: Vec<ChangeRequest> = accounts
        .iter()
        .enumerate()
        .map(|(i, a)| {
            let id = Uuid::now_v7();
            ChangeRequest {
                id,
                reference: reference_for(id),
                account_id: a.id,
                office_id: base,
                kind: KINDS[i % KINDS.len()].to_owned(),
                effective: today,
                detail: json!({
                    "person": a.liable[0].name,
                    "forwarding_address": "4 Shore Street, Lossiemouth IV31 6PB",
                    "tenure": "owner",
                    "note": "Benchmark request of typical size",
                }),
                derived: json!({}),
                status: RequestStatus::Received,
                status_message: None,
                needs_review: false,
                check_id: Uuid::now_v7(),
                staff_id: 1,
                received_at: Utc::now(),
            }
        })
        .collect();
    store
        .load(&EntityBatch {
            ct_accounts: accounts,
            ct_change_requests: requests,
            ..EntityBatch::default()
        })
        .expect("benchmark requests load");

    let started = Instant::now();
    let (batch_id, taken) = store.ct_export(None, Utc::now()).expect("benchmark export");
    let (_, manifest) = super::batch::write(out, batch_id, Utc::now(), &taken).expect("benchmark batch written");
    let secs = started.elapsed().as_secs_f64();
    assert!(
        manifest.total >= n,
        "the export took {} of {n} requests",
        manifest.total
    );
    secs
}
