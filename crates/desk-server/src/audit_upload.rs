//! Uploaded audit entries whose text cannot be stored as sent (`docs/sync-contract.md`).
//!
//! A NUL cannot be held by a PostgreSQL text column at all, and other control characters have
//! no place in a record id or an audit detail, on either backend. Refusing the whole upload
//! would stop the desk's audit queue for good (it resends the same entries every cycle), so
//! such an entry is set aside on its own: the server stores a marker row at its seq — who, when,
//! which record, with the text made printable — so the device's seq stays gapless, and reports
//! it; the desk keeps the entry as written in its own log and reports it to staff.

use desk_domain::{AuditRecord, AuditRefusal};
use uuid::Uuid;

use crate::envelope::{allowed_in_text, printable};
use crate::store::AuditEntry;

/// The action of a marker row standing in for an entry that was set aside.
pub const SET_ASIDE_ACTION: &str = "entry_refused";

/// Why `e` cannot be stored as sent, if it cannot. A record id is one line of plain text;
/// a detail may hold line breaks and tabs but no other control character.
pub fn refusal(e: &AuditRecord) -> Option<AuditRefusal> {
    let field = if e.record_id.chars().any(char::is_control) {
        "record_id"
    } else if !e.detail.chars().all(allowed_in_text) {
        "detail"
    } else {
        return None;
    };
    Some(AuditRefusal {
        seq: e.seq,
        code: "control_character".to_owned(),
        message: format!(
            "Audit entry {}: `{field}` holds a control character, which the council server does not store; \
             the desk keeps the entry as written.",
            e.seq
        ),
    })
}

/// The row stored at a set-aside entry's seq.
pub(crate) fn marker(staff_id: i64, device_id: Uuid, e: &AuditRecord, why: &AuditRefusal) -> AuditEntry {
    AuditEntry {
        at: e.at,
        staff_id: Some(staff_id),
        device_id: Some(device_id),
        action: SET_ASIDE_ACTION.to_owned(),
        record_kind: Some(e.record_kind.clone()),
        record_id: Some(printable(&e.record_id).replace(['\n', '\t'], "\u{FFFD}")),
        person_id: e.person_id,
        detail: format!(
            "{} ({}); action `{}`, detail as received made printable: {}",
            why.message,
            why.code,
            e.action,
            printable(&e.detail)
        ),
        source: "desk".to_owned(),
        device_seq: Some(e.seq),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(record_id: &str, detail: &str) -> AuditRecord {
        AuditRecord {
            seq: 4,
            at: chrono::Utc::now(),
            action: "view".into(),
            record_kind: "customer".into(),
            record_id: record_id.into(),
            person_id: Some(7),
            detail: detail.into(),
        }
    }

    #[test]
    fn control_characters_set_an_entry_aside_but_lines_and_tabs_do_not() {
        assert_eq!(refusal(&entry("7", "search result\nsecond line\tcolumn")), None);
        for (id, detail, field) in [
            ("7\u{0}", "fine", "record_id"),
            ("7\n", "fine", "record_id"),
            ("7", "nul \u{0} here", "detail"),
            ("7", "escape \u{1b}[2J", "detail"),
            ("7", "c1 \u{85}", "detail"),
        ] {
            let r = refusal(&entry(id, detail)).unwrap_or_else(|| panic!("{id:?} {detail:?}"));
            assert_eq!((r.seq, r.code.as_str()), (4, "control_character"));
            assert!(r.message.contains(field), "{}", r.message);
            let m = marker(1, Uuid::nil(), &entry(id, detail), &r);
            let stored = format!("{}{}", m.record_id.as_deref().unwrap_or(""), m.detail);
            assert!(
                !stored.chars().any(|c| c.is_control() && c != '\n' && c != '\t'),
                "{stored:?}"
            );
            assert!(!m.record_id.unwrap().contains('\n'));
            assert_eq!((m.action.as_str(), m.device_seq), (SET_ASIDE_ACTION, Some(4)));
        }
    }
}
