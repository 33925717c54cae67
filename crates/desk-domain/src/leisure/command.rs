//! The leisure commands and their arguments, declared once.

use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::payment::Tender;
pub use super::space_cmd::{BookSpace, CancelSpace};
use crate::values::Pence;

/// The longest note on a customer, in characters.
pub const MAX_NOTE: usize = 500;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BookPlace {
    /// Made on the desk, so the desk can show and cancel the booking before it is confirmed.
    pub booking_id: Uuid,
    pub session_id: i64,
    pub customer_id: i64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CancelPlace {
    pub booking_id: Uuid,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct JoinWaitingList {
    pub booking_id: Uuid,
    pub session_id: i64,
    pub customer_id: i64,
}

/// A note on a customer's record ("prefers the 07:00 swim", "asked about the family pass").
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AddNote {
    pub note_id: Uuid,
    pub customer_id: i64,
    pub text: String,
}

/// A place booked and paid for in one command (issue 11 §2): the price the desk showed, and
/// what the customer handed over. The server prices again; a different price is refused.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BookAndPay {
    pub booking_id: Uuid,
    pub session_id: i64,
    pub customer_id: i64,
    pub payment_id: Uuid,
    /// The desk (till) taking the money, for its cash-up.
    pub desk: String,
    /// The price shown to the receptionist, in pence.
    pub price: Pence,
    pub tender: Tender,
}

/// A place cancelled with the refund the centre's policy gives (in full before the cut-off, the
/// policy's share after it), to the way it was paid; `waiver` is a member of staff's reason for
/// refunding in full after the cut-off.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CancelWithRefund {
    pub booking_id: Uuid,
    /// The refund's id, made on the desk (used only when money goes back).
    pub refund_id: Uuid,
    pub desk: String,
    pub waiver: Option<String>,
}

crate::service_commands! {
    pub enum Command {
        BookPlace(BookPlace) = "leisure.book_place", version 1,
        CancelPlace(CancelPlace) = "leisure.cancel_place", version 1,
        JoinWaitingList(JoinWaitingList) = "leisure.join_waiting_list", version 1,
        AddNote(AddNote) = "leisure.add_note", version 1,
        BookAndPay(BookAndPay) = "leisure.book_and_pay", version 1,
        CancelWithRefund(CancelWithRefund) = "leisure.cancel_with_refund", version 1,
        BookSpace(BookSpace) = "leisure.book_space", version 1,
        CancelSpace(CancelSpace) = "leisure.cancel_space", version 1,
    }
}

/// A leisure desk keeps every argument as entered.
impl crate::service::KeptArgs for Command {}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Command as Any;
    use serde_json::json;

    #[test]
    fn parses_known_commands_and_round_trips() {
        let cmd = Any::from(BookPlace {
            booking_id: Uuid::now_v7(),
            session_id: 7,
            customer_id: 9,
        });
        let (name, v, args) = cmd.to_envelope_parts();
        assert_eq!(name, "leisure.book_place");
        assert_eq!(Any::parse(name, v, &args).unwrap(), cmd);
    }

    #[test]
    fn refuses_unknown_names_versions_and_bad_args() {
        let args = json!({"booking_id": Uuid::nil(), "session_id": 1, "customer_id": 2});
        let code = |r: Result<Any, crate::CommandError>| r.unwrap_err().code().as_str();
        assert_eq!(code(Any::parse("leisure.book_pitch", 1, &args)), "unknown_command");
        assert_eq!(code(Any::parse("leisure.book_place", 2, &args)), "unknown_command");
        let wrong_type = json!({"booking_id": Uuid::nil(), "session_id": "one", "customer_id": 2});
        assert_eq!(code(Any::parse("leisure.book_place", 1, &wrong_type)), "bad_args");
        let extra = json!({"booking_id": Uuid::nil(), "session_id": 1, "customer_id": 2, "price": 0});
        assert_eq!(code(Any::parse("leisure.book_place", 1, &extra)), "bad_args");
    }

    #[test]
    fn the_catalogue_lists_every_command_once() {
        let names: Vec<String> = Any::catalogue().into_iter().map(|c| c.name).collect();
        assert_eq!(
            names,
            [
                "leisure.book_place",
                "leisure.cancel_place",
                "leisure.join_waiting_list",
                "leisure.add_note",
                "leisure.book_and_pay",
                "leisure.cancel_with_refund",
                "leisure.book_space",
                "leisure.cancel_space",
                "school.record_absence",
                "school.amend_absence",
                "school.withdraw_absence",
                "school.record_late",
                "school.record_early_leave",
                "school.log_contact_attempt",
                "school.escalate",
                "council_tax.record_check",
                "council_tax.clear_lock",
                "council_tax.move_in",
                "council_tax.move_out",
                "council_tax.move_within",
                "council_tax.adult_in",
                "council_tax.adult_out",
                "council_tax.apply_spd",
                "council_tax.remove_spd",
                "council_tax.disregard",
                "council_tax.claim_exemption",
                "council_tax.disabled_reduction",
                "council_tax.change_name",
                "council_tax.correspondence_address",
                "council_tax.paperless_sign_up",
                "council_tax.paperless_withdrawal",
                "council_tax.direct_debit",
                "council_tax.ctr_referral",
            ]
        );
    }
}
