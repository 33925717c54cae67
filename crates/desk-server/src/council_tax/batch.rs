//! The export batch for the revenue system (`desk-server ct-export`), as files: one JSON-lines
//! file per change type and a manifest. The format is documented in
//! `docs/council-tax-handoff.md`; a golden-file test holds it still.
//!
//! JSON lines, not CSV: each change type has its own arguments (a move-out's forwarding
//! address, a Direct Debit's instalments), so one fixed set of columns would be mostly empty.

use std::collections::BTreeMap;
use std::io;
use std::path::{Path, PathBuf};

use chrono::{DateTime, SecondsFormat, Utc};
use desk_domain::council_tax::records::ChangeRequest;
use serde::Serialize;
use serde_json::{Value, json};
use sha2::{Digest, Sha256};
use uuid::Uuid;

/// Bumped when a line or the manifest changes shape, so the revenue system's loader can refuse
/// a batch it does not know.
pub const FORMAT_VERSION: u32 = 1;
pub const FORMAT: &str = "council-desk-ct-export";

/// One request as it goes out: the request, the account's reference, and the Direct Debit
/// bank details the server alone holds (never synced to a desk).
#[derive(Debug, Clone)]
pub struct Outgoing {
    pub request: ChangeRequest,
    pub account_reference: String,
    pub bank: Option<Value>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ManifestFile {
    pub file: String,
    /// The change type's wire name (`council_tax.move_out`).
    pub kind: String,
    pub count: usize,
    /// SHA-256 of the file's bytes, lower-case hex.
    pub sha256: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Manifest {
    pub format: &'static str,
    pub version: u32,
    pub batch_id: Uuid,
    pub created_at: String,
    pub total: usize,
    pub files: Vec<ManifestFile>,
}

/// The file a change type goes to: its wire name without the service prefix.
pub fn file_name(kind: &str) -> String {
    let short = kind.strip_prefix("council_tax.").unwrap_or(kind);
    let safe: String = short
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() || c == '_' { c } else { '_' })
        .collect();
    format!("{safe}.jsonl")
}

fn line(o: &Outgoing) -> Value {
    let r = &o.request;
    let mut v = json!({
        "request_id": r.id,
        "reference": r.reference,
        "account_id": r.account_id,
        "account_reference": o.account_reference,
        "office_id": r.office_id,
        "kind": r.kind,
        "effective": r.effective,
        "received_at": r.received_at.to_rfc3339_opts(SecondsFormat::Secs, true),
        "staff_id": r.staff_id,
        "needs_review": r.needs_review,
        "detail": r.detail,
        "derived": r.derived,
    });
    if let Some(bank) = &o.bank {
        v["bank"] = bank.clone();
    }
    v
}

/// The batch's files in memory: `(file name, bytes)` in name order, and the manifest.
/// Requests go in received order within a file, so a batch reads as the day it was taken.
pub fn render(batch_id: Uuid, created_at: DateTime<Utc>, requests: &[Outgoing]) -> (Vec<(String, Vec<u8>)>, Manifest) {
    let mut by_kind: BTreeMap<String, Vec<&Outgoing>> = BTreeMap::new();
    for o in requests {
        by_kind.entry(o.request.kind.clone()).or_default().push(o);
    }
    let mut files = Vec::new();
    let mut listed = Vec::new();
    for (kind, mut items) in by_kind {
        items.sort_by_key(|o| (o.request.received_at, o.request.id));
        let mut bytes = Vec::new();
        for o in &items {
            serde_json::to_writer(&mut bytes, &line(o)).expect("a JSON value writes to memory");
            bytes.push(b'\n');
        }
        let name = file_name(&kind);
        listed.push(ManifestFile {
            file: name.clone(),
            kind,
            count: items.len(),
            sha256: hex(&Sha256::digest(&bytes)),
        });
        files.push((name, bytes));
    }
    let manifest = Manifest {
        format: FORMAT,
        version: FORMAT_VERSION,
        batch_id,
        created_at: created_at.to_rfc3339_opts(SecondsFormat::Secs, true),
        total: requests.len(),
        files: listed,
    };
    (files, manifest)
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// Writes the batch under `out/ct-export-<batch id>/`, the manifest last (its presence says
/// the batch is whole), each file through a temporary name so a reader never sees half a file.
pub fn write(
    out: &Path,
    batch_id: Uuid,
    created_at: DateTime<Utc>,
    requests: &[Outgoing],
) -> io::Result<(PathBuf, Manifest)> {
    let (files, manifest) = render(batch_id, created_at, requests);
    let dir = out.join(format!("ct-export-{batch_id}"));
    std::fs::create_dir_all(&dir)?;
    for (name, bytes) in &files {
        write_whole(&dir.join(name), bytes)?;
    }
    let mut m = serde_json::to_vec_pretty(&manifest).expect("the manifest writes to memory");
    m.push(b'\n');
    write_whole(&dir.join("manifest.json"), &m)?;
    Ok((dir, manifest))
}

fn write_whole(path: &Path, bytes: &[u8]) -> io::Result<()> {
    use std::io::Write;
    let tmp = path.with_extension("partial");
    let mut f = std::fs::File::create(&tmp)?;
    f.write_all(bytes)?;
    f.sync_all()?;
    std::fs::rename(&tmp, path)
}

#[cfg(test)]
mod tests {
    use chrono::{NaiveDate, TimeZone};
    use desk_domain::council_tax::records::RequestStatus;
    use desk_domain::council_tax::reference_for;

    use super::*;

    fn request(n: u128, kind: &str, minute: u32, detail: Value) -> ChangeRequest {
        let id = Uuid::from_u128(n);
        ChangeRequest {
            id,
            reference: reference_for(id),
            account_id: 1000 + n as i64,
            office_id: 1,
            kind: kind.to_owned(),
            effective: NaiveDate::from_ymd_opt(2026, 11, 30).unwrap(),
            detail,
            derived: json!({}),
            status: RequestStatus::Received,
            status_message: None,
            needs_review: n == 3,
            check_id: Uuid::from_u128(100 + n),
            staff_id: 7,
            received_at: Utc.with_ymd_and_hms(2026, 11, 30, 9, minute, 0).unwrap(),
        }
    }

    fn outgoing() -> Vec<Outgoing> {
        let out = |request: ChangeRequest, bank: Option<Value>| Outgoing {
            account_reference: format!("MC{:08}", request.account_id),
            request,
            bank,
        };
        vec![
            out(
                request(
                    2,
                    "council_tax.move_out",
                    30,
                    json!({"person": "Ann Grant", "forwarding_address": "4 Shore Street, Lossiemouth IV31 6PB", "tenure": "tenant"}),
                ),
                None,
            ),
            out(
                request(
                    1,
                    "council_tax.move_out",
                    10,
                    json!({"person": "Iain Ross", "forwarding_address": "12 High Street, Elgin IV30 1BU", "tenure": "owner"}),
                ),
                None,
            ),
            out(
                request(
                    3,
                    "council_tax.direct_debit",
                    20,
                    json!({"account_holder": "Morag Innes", "bank_last_four": "5678", "instalments": 10, "day": 15}),
                ),
                Some(json!({"sort_code": "123456", "account_number": "12345678", "account_holder": "Morag Innes"})),
            ),
        ]
    }

    /// The batch format, byte for byte. `COUNCIL_DESK_WRITE_GOLDEN=1` rewrites the golden files
    /// after a deliberate change (and the format version should then go up).
    #[test]
    fn a_batch_matches_the_golden_files() {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/ct-export");
        let created = Utc.with_ymd_and_hms(2026, 11, 30, 18, 0, 0).unwrap();
        let tmp = tempfile::tempdir().unwrap();
        let (written, manifest) = write(tmp.path(), Uuid::from_u128(42), created, &outgoing()).unwrap();
        assert_eq!(manifest.total, 3);
        assert_eq!(
            manifest
                .files
                .iter()
                .map(|f| (f.file.as_str(), f.count))
                .collect::<Vec<_>>(),
            vec![("direct_debit.jsonl", 1), ("move_out.jsonl", 2)]
        );
        let mut names: Vec<String> = std::fs::read_dir(&written)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        assert_eq!(
            names,
            ["direct_debit.jsonl", "manifest.json", "move_out.jsonl"],
            "no partial files left"
        );
        for name in &names {
            let got = std::fs::read(written.join(name)).unwrap();
            if std::env::var_os("COUNCIL_DESK_WRITE_GOLDEN").is_some() {
                std::fs::create_dir_all(&dir).unwrap();
                std::fs::write(dir.join(name), &got).unwrap();
            }
            let want = std::fs::read(dir.join(name)).unwrap_or_else(|e| panic!("golden {name}: {e}"));
            assert_eq!(String::from_utf8_lossy(&got), String::from_utf8_lossy(&want), "{name}");
        }
        // The manifest's checksum is the file's.
        let moves = std::fs::read(written.join("move_out.jsonl")).unwrap();
        assert_eq!(manifest.files[1].sha256, hex(&Sha256::digest(&moves)));
        // Within a file, received order: 09:10 before 09:30.
        let first: Value = serde_json::from_str(String::from_utf8(moves).unwrap().lines().next().unwrap()).unwrap();
        assert_eq!(first["reference"], json!(reference_for(Uuid::from_u128(1))));
    }
}
