//! A mutation's envelope as the sync contract defines it (`docs/sync-contract.md`): what is
//! refused before anything is stored, the digest a reused mutation id is compared by, and the
//! one rule for control characters in text the server stores or echoes.

use axum::http::StatusCode;
use desk_domain::{Mutation, Outcome};
use sha2::{Digest, Sha256};

use crate::api::ApiError;

/// Longest command name an envelope may carry (the longest known is far shorter).
pub const MAX_NAME_CHARS: usize = 100;

/// Checks one envelope against the contract. A refusal here is a 422 for the whole push, before
/// anything is stored and before any seq is used: a desk never builds such an envelope, so it
/// can only come from a client that does not follow the contract.
pub(crate) fn check(m: &Mutation) -> Result<(), ApiError> {
    let at = |what: &str| format!("Mutation {} (seq {}): {what}", m.mutation_id, m.seq);
    if !m.args.is_object() {
        return Err(ApiError::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid_body",
            at("`args` must be a JSON object."),
        ));
    }
    if m.name.is_empty() || m.name.chars().count() > MAX_NAME_CHARS {
        return Err(ApiError::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid_body",
            at(&format!("`name` must be 1 to {MAX_NAME_CHARS} characters.")),
        ));
    }
    if m.name.chars().any(char::is_control)
        || m.base_cursor
            .as_deref()
            .is_some_and(|c| c.chars().any(char::is_control))
    {
        return Err(ApiError::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "control_character",
            at("`name` and `base_cursor` must not contain control characters."),
        ));
    }
    Ok(())
}

/// SHA-256 (hex) of what a mutation asks for: its name, argument version, arguments and channel.
/// The id, device and seq are compared as themselves; `created_at` and `base_cursor` are
/// advisory and left out, so a resend that refreshed them is still the same envelope. Object
/// keys are sorted, so a client that reorders them sends the same envelope.
pub(crate) fn digest(m: &Mutation) -> String {
    let mut canonical = String::new();
    canonical.push_str(&serde_json::to_string(&m.name).unwrap_or_default());
    canonical.push('\n');
    canonical.push_str(&m.args_version.to_string());
    canonical.push('\n');
    canonical.push_str(m.channel.as_str());
    canonical.push('\n');
    write_canonical(&m.args, &mut canonical);
    hex(&Sha256::digest(canonical.as_bytes()))
}

fn write_canonical(v: &serde_json::Value, out: &mut String) {
    match v {
        serde_json::Value::Object(map) => {
            let mut keys: Vec<&String> = map.keys().collect();
            keys.sort();
            out.push('{');
            for (i, k) in keys.into_iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                out.push_str(&serde_json::to_string(k).unwrap_or_default());
                out.push(':');
                write_canonical(&map[k], out);
            }
            out.push('}');
        }
        serde_json::Value::Array(items) => {
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                write_canonical(item, out);
            }
            out.push(']');
        }
        scalar => out.push_str(&scalar.to_string()),
    }
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// Whether `c` may be stored in free text (a note, an audit detail): line breaks and tabs are
/// text; every other control character (NUL above all, which a PostgreSQL text column cannot
/// hold) is not.
pub fn allowed_in_text(c: char) -> bool {
    !c.is_control() || matches!(c, '\n' | '\t')
}

/// `s` with every control character but line breaks and tabs replaced by U+FFFD: for text the
/// server writes itself that may echo what a client sent (a rejection message quoting a bad
/// argument), where refusing would lose the message.
pub fn printable(s: &str) -> String {
    if s.chars().all(allowed_in_text) {
        return s.to_owned();
    }
    s.chars()
        .map(|c| if allowed_in_text(c) { c } else { '\u{FFFD}' })
        .collect()
}

/// An outcome fit to store and send back: its message and reason [`printable`].
pub(crate) fn printable_outcome(o: Outcome) -> Outcome {
    match o {
        Outcome::Rejected {
            code,
            message,
            alternatives,
        } => Outcome::Rejected {
            code,
            message: printable(&message),
            alternatives,
        },
        Outcome::Deferred { reason } => Outcome::Deferred {
            reason: printable(&reason),
        },
        Outcome::Applied => Outcome::Applied,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::Utc;
    use desk_domain::Channel;
    use serde_json::json;
    use uuid::Uuid;

    fn mutation(args: serde_json::Value) -> Mutation {
        Mutation {
            mutation_id: Uuid::now_v7(),
            device_id: Uuid::now_v7(),
            seq: 1,
            name: "leisure.book_place".into(),
            args_version: 1,
            args,
            base_cursor: None,
            created_at: Utc::now(),
            channel: Channel::Telephone,
        }
    }

    #[test]
    fn the_digest_is_what_was_asked_for() {
        let a = mutation(json!({"session_id": 1, "customer_id": 2, "nested": {"b": 1, "a": [1, {"y": 2, "x": 1}]}}));
        let mut same = a.clone();
        same.args = json!({"nested": {"a": [1, {"x": 1, "y": 2}], "b": 1}, "customer_id": 2, "session_id": 1});
        same.created_at = Utc::now() + chrono::Duration::hours(1);
        same.base_cursor = Some("9.abc".into());
        same.mutation_id = Uuid::now_v7();
        same.seq = 7;
        assert_eq!(digest(&a), digest(&same), "key order and advisory fields do not count");

        let mut other_args = a.clone();
        other_args.args["customer_id"] = json!(3);
        let mut other_name = a.clone();
        other_name.name = "leisure.join_waiting_list".into();
        let mut other_version = a.clone();
        other_version.args_version = 2;
        let mut other_channel = a.clone();
        other_channel.channel = Channel::FaceToFace;
        for other in [other_args, other_name, other_version, other_channel] {
            assert_ne!(digest(&a), digest(&other), "{other:?}");
        }
        assert_eq!(digest(&a).len(), 64);
    }

    #[test]
    fn envelopes_that_break_the_contract_are_refused() {
        assert!(check(&mutation(json!({"a": 1}))).is_ok());
        for args in [json!([1, 2]), json!("text"), json!(null), json!(3)] {
            let e = check(&mutation(args.clone())).unwrap_err();
            assert_eq!(
                (e.status, e.code),
                (StatusCode::UNPROCESSABLE_ENTITY, "invalid_body"),
                "{args}"
            );
        }
        let mut bad_name = mutation(json!({}));
        bad_name.name = "leisure.book\u{0}place".into();
        assert_eq!(check(&bad_name).unwrap_err().code, "control_character");
        bad_name.name = String::new();
        assert_eq!(check(&bad_name).unwrap_err().code, "invalid_body");
        let mut bad_cursor = mutation(json!({}));
        bad_cursor.base_cursor = Some("1.\u{1b}[31m".into());
        assert_eq!(check(&bad_cursor).unwrap_err().code, "control_character");
    }

    #[test]
    fn printable_keeps_lines_and_replaces_the_rest() {
        assert_eq!(printable("two\nlines\tand a tab"), "two\nlines\tand a tab");
        assert_eq!(
            printable("nul\u{0}bell\u{7}del\u{7f}"),
            "nul\u{FFFD}bell\u{FFFD}del\u{FFFD}"
        );
        let o = printable_outcome(Outcome::rejected("bad_args", "unknown variant `\u{0}`"));
        assert_eq!(o, Outcome::rejected("bad_args", "unknown variant `\u{FFFD}`"));
    }
}
