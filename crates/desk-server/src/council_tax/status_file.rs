//! The revenue system's results file (`desk-server ct-import-status FILE`): CSV, UTF-8, with the
//! header `request_id,reference,status,message`, one row per request it has dealt with.
//! `status` is `processed`, `queried` or `rejected`; `queried` and `rejected` need a message
//! (what the revenue team asks or why it refused), which the desk shows the agent as written.
//! The reference is checked against the request id, so a file whose columns slipped is refused
//! rather than applied to the wrong requests.

use std::collections::HashSet;

use desk_domain::council_tax::parse_reference;
use desk_domain::council_tax::records::RequestStatus;
use uuid::Uuid;

use crate::school::csv_file::{self, error};
use crate::timetable_csv::RowError;

pub const COLUMNS: [&str; 4] = ["request_id", "reference", "status", "message"];
/// The longest message kept; the revenue team's note to an agent, not a letter.
pub const MAX_MESSAGE: usize = 500;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StatusRow {
    pub line: usize,
    pub request_id: Uuid,
    pub reference: String,
    pub status: RequestStatus,
    pub message: Option<String>,
}

/// Every row, or every bad row by line (nothing is applied from a file with one bad row).
pub fn parse(bytes: &[u8]) -> Result<Vec<StatusRow>, Vec<RowError>> {
    let file = csv_file::read(bytes, &COLUMNS)?;
    let mut rows = Vec::new();
    let mut errors = Vec::new();
    let mut seen = HashSet::new();
    for (line, f) in file.rows {
        let Ok(request_id) = Uuid::parse_str(&f["request_id"]) else {
            errors.push(error(
                line,
                format!("`{}` is not a request id (a UUID from the export)", f["request_id"]),
            ));
            continue;
        };
        if !seen.insert(request_id) {
            errors.push(error(line, format!("request {request_id} appears twice in the file")));
            continue;
        }
        let Some(reference) = parse_reference(&f["reference"]) else {
            errors.push(error(
                line,
                format!("`{}` is not a reference like CT-7KQM4-WXD9P", f["reference"]),
            ));
            continue;
        };
        let status = match f["status"].to_ascii_lowercase().as_str() {
            "processed" => RequestStatus::Processed,
            "queried" => RequestStatus::Queried,
            "rejected" => RequestStatus::Rejected,
            other => {
                errors.push(error(
                    line,
                    format!("status `{other}` is not one of processed, queried, rejected"),
                ));
                continue;
            }
        };
        let message = Some(f["message"].trim().to_owned()).filter(|m| !m.is_empty());
        if message.is_none() && status != RequestStatus::Processed {
            errors.push(error(line, "a queried or rejected request needs a message saying why"));
            continue;
        }
        if message.as_ref().is_some_and(|m| m.chars().count() > MAX_MESSAGE) {
            errors.push(error(
                line,
                format!("the message is longer than {MAX_MESSAGE} characters"),
            ));
            continue;
        }
        rows.push(StatusRow {
            line,
            request_id,
            reference,
            status,
            message,
        });
    }
    if errors.is_empty() { Ok(rows) } else { Err(errors) }
}

#[cfg(test)]
mod tests {
    use super::*;

    const ID: &str = "0b6f8f7e-3c1a-4a53-9d2e-5d8d7e6f1a20";

    #[test]
    fn reads_each_status_and_reports_every_bad_row() {
        let reference = desk_domain::council_tax::reference_for(Uuid::parse_str(ID).unwrap());
        let ok = format!(
            "request_id,reference,status,message\n{ID},{},Processed,\n",
            reference.to_lowercase()
        );
        let rows = parse(ok.as_bytes()).unwrap();
        assert_eq!(rows.len(), 1);
        assert_eq!(
            (rows[0].status, rows[0].message.as_deref()),
            (RequestStatus::Processed, None)
        );
        assert_eq!(rows[0].reference, reference);

        let id = |n: u32| Uuid::from_u128(u128::from(n));
        let r = |n: u32| desk_domain::council_tax::reference_for(id(n));
        let bad = format!(
            "request_id,reference,status,message\n\
             nope,{reference},processed,\n\
             {},CT-00000-00000,processed,\n\
             {},{},queried,\n\
             {},{},done,\n\
             {},{},rejected,No such person\n\
             {},{},processed,\n",
            id(2),
            id(3),
            r(3),
            id(4),
            r(4),
            id(5),
            r(5),
            id(5),
            r(5),
        );
        let errors = parse(bad.as_bytes()).unwrap_err();
        let lines: Vec<usize> = errors.iter().map(|e| e.line).collect();
        assert_eq!(lines, vec![2, 3, 4, 5, 7], "{errors:?}");
        assert!(errors[4].message.contains("twice"), "{errors:?}");
        assert!(errors[2].message.contains("needs a message"), "{errors:?}");
    }
}
