//! Details a desk must not keep once a command has been sent: a Direct Debit's sort code and
//! bank account number go to the server in the command and nowhere else (issue 10 §2: "never
//! kept on the desk after the change is sent: only the last four digits remain"). When the
//! server answers a command (applied, deferred or refused), its arguments in the outbox — and
//! so in Needs attention, which copies them — are reduced to what may stay.

use serde_json::Value;

/// The fields to reduce, per command: (command name, field, digits kept from the end).
const REDUCED: &[(&str, &str, usize)] = &[
    ("council_tax.direct_debit", "sort_code", 0),
    ("council_tax.direct_debit", "account_number", 4),
];

/// `12345678` with 4 kept is `••••5678`; with 0 kept, every digit is hidden.
fn masked(value: &str, keep: usize) -> String {
    let digits: Vec<char> = value.chars().filter(char::is_ascii_digit).collect();
    let kept: String = digits[digits.len().saturating_sub(keep)..].iter().collect();
    format!("{}{kept}", "•".repeat(digits.len().saturating_sub(keep).max(2)))
}

/// The arguments as they may stay on the desk after sending, if any field of them must not.
pub(crate) fn kept_after_sending(name: &str, args: &str) -> Option<String> {
    if !REDUCED.iter().any(|(n, _, _)| *n == name) {
        return None;
    }
    let mut v: Value = serde_json::from_str(args).ok()?;
    for (_, field, keep) in REDUCED.iter().filter(|(n, _, _)| *n == name) {
        if let Some(Value::String(s)) = v.get_mut(*field) {
            *s = masked(s, *keep);
        }
    }
    Some(v.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_direct_debits_bank_details_are_reduced_to_the_last_four_digits() {
        let args = r#"{"change":{"reference":"CT-1"},"account_holder":"Iain Ross","sort_code":"123456","account_number":"12345678","instalments":10,"day":5}"#;
        let kept: Value = serde_json::from_str(&kept_after_sending("council_tax.direct_debit", args).unwrap()).unwrap();
        assert_eq!(kept["account_number"], "••••5678");
        assert_eq!(kept["sort_code"], "••••••");
        assert_eq!(kept["account_holder"], "Iain Ross");
        assert!(!kept.to_string().contains("1234"));
        assert_eq!(kept_after_sending("council_tax.apply_spd", args), None);
    }
}
