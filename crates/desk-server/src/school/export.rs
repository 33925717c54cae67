//! The attendance export for the school's MIS (`desk-server export-attendance`): one CSV row
//! per opening of each absence record, UTF-8 with a header:
//!
//! | column | meaning |
//! |---|---|
//! | `pupil_ref` | the pupil's Council Desk id |
//! | `date` | `YYYY-MM-DD` |
//! | `opening` | `AM` or `PM` |
//! | `code` | the attendance code (a `LC-…` code is local: map it before loading into SEEMiS) |
//! | `reason` | the reason as recorded |
//! | `who_called` | name of the caller |
//! | `relationship` | the caller's relationship to the pupil |
//! | `recorded_by` | staff id who first recorded it (0: loaded with demo data) |
//! | `recorded_at` | when, RFC 3339 UTC |
//! | `status` | `recorded`, or `withdrawn` (remove the mark in the MIS) |
//! | `absence_id`, `revision` | the record and its revision, so a re-sent record replaces the earlier |
//!
//! A record that touches the range goes out whole (all its openings, so a record spanning two
//! weekly exports is never cut in two), once per revision: amending or withdrawing it sends it
//! again; `--again` sends every record touching the range whatever was sent before.

use desk_domain::school::{Absence, AbsenceStatus};

pub const COLUMNS: [&str; 12] = [
    "pupil_ref",
    "date",
    "opening",
    "code",
    "reason",
    "who_called",
    "relationship",
    "recorded_by",
    "recorded_at",
    "status",
    "absence_id",
    "revision",
];

/// The records as export CSV, every opening of each.
pub fn to_csv(absences: &[Absence]) -> String {
    let mut w = csv::Writer::from_writer(Vec::new());
    w.write_record(COLUMNS).expect("writing to memory");
    for a in absences {
        let status = match a.status {
            AbsenceStatus::Recorded => "recorded",
            AbsenceStatus::Withdrawn => "withdrawn",
        };
        for o in &a.openings {
            w.write_record([
                a.pupil_id.to_string(),
                o.date.to_string(),
                o.half.as_str().to_owned(),
                a.code.clone(),
                a.reason.clone(),
                a.caller.name.clone(),
                a.caller.relationship.clone(),
                a.recorded_by.to_string(),
                a.recorded_at.to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
                status.to_owned(),
                a.id.to_string(),
                a.revision.to_string(),
            ])
            .expect("writing to memory");
        }
    }
    String::from_utf8(w.into_inner().expect("writing to memory")).expect("CSV of UTF-8 text")
}
