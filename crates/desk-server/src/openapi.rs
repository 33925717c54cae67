//! What the OpenAPI document says about every operation of a kind, added in one place so a new
//! endpoint cannot forget it: the answers every JSON body can get, and those every bearer token
//! can get. Also the one reading of JSON bodies, with integral numbers (`3.0`) taken as integers.

use utoipa::openapi::path::Operation;
use utoipa::openapi::{ContentBuilder, OpenApi, Ref, RefOr, ResponseBuilder};

/// `(status, code, description)` of the answers any endpoint that reads a JSON body can give.
pub const BODY_ANSWERS: [(&str, &str, &str); 4] = [
    (
        "400",
        "malformed_json",
        "malformed_json: the body is not JSON (or is cut short)",
    ),
    (
        "413",
        "body_too_large",
        "body_too_large: the body is larger than max_body_bytes (1 MiB)",
    ),
    (
        "415",
        "unsupported_media_type",
        "unsupported_media_type: the body is not sent as application/json",
    ),
    (
        "422",
        "invalid_body",
        "invalid_body: JSON that is not the request's schema (a missing or unknown field, a value of \
         the wrong type or range)",
    ),
];

/// `(status, code, description)` of the answers any operation behind a bearer token can give.
pub const TOKEN_ANSWERS: [(&str, &str, &str); 2] = [
    (
        "401",
        "unauthorized",
        "unauthorized or token_expired: no bearer token, an unknown one, or an expired one",
    ),
    (
        "403",
        "account_disabled",
        "account_disabled: the account has been disabled",
    ),
];

/// Said once, in the document's description: how integers are read.
pub const INTEGERS: &str = "Integer fields accept an integral JSON number in any spelling (`3`, `3.0`, \
     `3e0` are all 3, as JSON Schema counts them) below 2^53 in size when not written as a plain \
     integer; a number with a fraction (`3.5`), outside the field's range, or written as a larger \
     number that is not a plain integer is answered 422 `invalid_body`.";

/// Adds [`BODY_ANSWERS`] to every POST (each reads a JSON body) and [`TOKEN_ANSWERS`] to every
/// operation with a security requirement, keeping any answer an operation already documents and
/// naming the common code in its description.
pub struct CommonAnswers;

impl utoipa::Modify for CommonAnswers {
    fn modify(&self, doc: &mut OpenApi) {
        for item in doc.paths.paths.values_mut() {
            // Signing out (DELETE) reads its optional body itself and documents its own answers.
            if let Some(op) = &mut item.post {
                add_answers(op, &BODY_ANSWERS);
            }
            for op in [&mut item.get, &mut item.post, &mut item.delete, &mut item.put]
                .into_iter()
                .flatten()
            {
                if op.security.as_ref().is_some_and(|s| !s.is_empty()) {
                    add_answers(op, &TOKEN_ANSWERS);
                }
            }
        }
        let info = &mut doc.info;
        let description = info.description.take().unwrap_or_default();
        info.description = Some(format!("{description}\n\n{INTEGERS}"));
    }
}

fn add_answers(op: &mut Operation, answers: &[(&str, &str, &str)]) {
    for (status, code, description) in answers {
        match op.responses.responses.get_mut(*status) {
            Some(RefOr::T(response)) => {
                if !response.description.contains(code) {
                    response.description = if response.description.is_empty() {
                        (*description).to_owned()
                    } else {
                        format!("{}; or {description}", response.description)
                    };
                }
            }
            Some(RefOr::Ref(_)) => {}
            None => {
                let response = ResponseBuilder::new()
                    .description(*description)
                    .content(
                        "application/json",
                        ContentBuilder::new()
                            .schema(Some(Ref::from_schema_name("ErrorBody")))
                            .build(),
                    )
                    .build();
                op.responses.responses.insert((*status).to_owned(), RefOr::T(response));
            }
        }
    }
}

/// The document served at `/v1/openapi.json`: [`crate::api::ApiDoc`] with unsigned integers
/// given their real range.
pub fn document() -> serde_json::Value {
    use utoipa::OpenApi as _;
    let mut doc = serde_json::to_value(crate::api::ApiDoc::openapi()).expect("the document is JSON");
    unsigned_ranges(&mut doc);
    doc
}

/// utoipa describes a `u32` as `int32` and a `u64` as `int64`, each with `minimum: 0`; a reader
/// takes `int32` to end at 2^31 − 1 and `int64` at 2^63 − 1, below what the server reads. Each such
/// schema says its range instead: 0 to 2^32 − 1, or 0 to 2^64 − 1.
fn unsigned_ranges(value: &mut serde_json::Value) {
    use serde_json::Value;
    match value {
        Value::Object(fields) => {
            let unsigned = fields.get("minimum").and_then(Value::as_u64) == Some(0);
            let top = match fields.get("format").and_then(Value::as_str) {
                Some("int32") if unsigned => Some(Value::from(u64::from(u32::MAX))),
                Some("int64") if unsigned => Some(Value::from(u64::MAX)),
                _ => None,
            };
            if let Some(top) = top {
                fields.remove("format");
                fields.insert("maximum".into(), top);
            }
            fields.values_mut().for_each(unsigned_ranges);
        }
        Value::Array(items) => items.iter_mut().for_each(unsigned_ranges),
        _ => {}
    }
}

/// Rewrites every number with no fraction (`3.0`, `3e0`) as an integer, so an integer field
/// accepts it, as [`INTEGERS`] promises. Only up to 2^53 in size: beyond it a float is not
/// known to be the integer that was written (`-9223372036854775809`, one below the 64-bit
/// range, reads as the float of `i64::MIN`), so such a number is left as it is and refused by
/// an integer field (the contract fuzzer's finding).
pub fn integral_numbers(value: &mut serde_json::Value) {
    use serde_json::Value;
    // 2^53: every integer below it is exactly one float and back (2^53 + 1 reads as 2^53).
    const EXACT: f64 = 9_007_199_254_740_992.0;
    match value {
        Value::Number(n) if !(n.is_i64() || n.is_u64()) => {
            if let Some(f) = n.as_f64().filter(|f| f.fract() == 0.0 && f.abs() < EXACT) {
                // Exact: below 2^53 in size and without a fraction.
                *value = Value::from(f as i64);
            }
        }
        Value::Array(items) => items.iter_mut().for_each(integral_numbers),
        Value::Object(fields) => fields.values_mut().for_each(integral_numbers),
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn integral_numbers_become_integers_and_others_stay() {
        let mut v = json!({"a": 3.0, "b": [1e2, 2.5, -0.0], "c": {"d": 1e30, "e": 7, "f": "3.0"}});
        integral_numbers(&mut v);
        assert_eq!(
            v,
            json!({"a": 3, "b": [100, 2.5, 0], "c": {"d": 1e30, "e": 7, "f": "3.0"}})
        );
        assert!(v["a"].is_u64() || v["a"].is_i64());
        assert!(v["c"]["d"].is_f64(), "beyond 64 bits: left for the field to refuse");
        // One below i64::MIN parses as the float of i64::MIN: it must not become i64::MIN.
        let mut below: serde_json::Value =
            serde_json::from_str("[-9223372036854775809, 9007199254740993.0, 9007199254740991.0]").unwrap();
        integral_numbers(&mut below);
        assert!(below[0].is_f64(), "{below}");
        assert!(below[1].is_f64(), "beyond 2^53 as a float: not known exactly");
        assert_eq!(below[2], json!(9_007_199_254_740_991_i64));
    }
}
