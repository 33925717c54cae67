//! The leisure commands and their arguments, declared once.

use serde::{Deserialize, Serialize};
use uuid::Uuid;

pub use super::customer_cmd::{RegisterCustomer, SellMembership};
pub use super::customer_update::UpdateCustomer;
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

/// The cash a desk's drawer held at the end of `day`, counted by the receptionist, against the
/// expected cash the desk's cash-up showed (`expected`, from `float`); `note` says why a count
/// that is over or short differs.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RecordCashCount {
    pub count_id: Uuid,
    pub centre_id: i64,
    pub desk: String,
    pub day: chrono::NaiveDate,
    pub float: Pence,
    pub expected: Pence,
    pub counted: Pence,
    pub note: Option<String>,
}

/// A booked place moved to another session (`session_id`), priced `price` as the desk showed;
/// `tender` pays a higher price's difference, `waiver` is a member of staff's reason for moving
/// after the cut-off. The ids are made on the desk: the new booking, the difference's payment or
/// refund, and the pair of records that carry what was paid across.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Transfer {
    pub booking_id: Uuid,
    pub new_booking_id: Uuid,
    pub session_id: i64,
    pub desk: String,
    pub price: Pence,
    pub tender: Option<Tender>,
    pub waiver: Option<String>,
    pub payment_id: Uuid,
    pub out_id: Uuid,
    pub in_id: Uuid,
}

/// A customer checked in at reception (issue 11 §3): into `booking_id`, or, when none is named
/// (a scanned membership number), into their one booking for now.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CheckIn {
    pub customer_id: i64,
    #[serde(default)]
    pub booking_id: Option<Uuid>,
}

/// After a session: these of its bookings were not attended. The site's no-show rule gives a
/// fee (a charge the customer owes), a booking block, or nothing yet.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MarkNoShows {
    pub session_id: i64,
    pub booking_ids: Vec<Uuid>,
}

/// A member of staff waives a no-show (its fee too, if still due), with a reason.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct WaiveNoShow {
    pub booking_id: Uuid,
    pub reason: String,
}

/// The customer offered a freed place (phoned by the desk) takes it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AcceptOffer {
    pub booking_id: Uuid,
}

/// The customer offered a freed place turns it down: it is offered to the next person waiting.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DeclineOffer {
    pub booking_id: Uuid,
}

crate::service_commands! {
    pub enum Command {
        BookPlace(BookPlace) = "leisure.book_place", version 1,
        CancelPlace(CancelPlace) = "leisure.cancel_place", version 1,
        JoinWaitingList(JoinWaitingList) = "leisure.join_waiting_list", version 1,
        AddNote(AddNote) = "leisure.add_note", version 1,
        BookAndPay(BookAndPay) = "leisure.book_and_pay", version 1,
        CancelWithRefund(CancelWithRefund) = "leisure.cancel_with_refund", version 1,
        RecordCashCount(RecordCashCount) = "leisure.record_cash_count", version 1,
        Transfer(Transfer) = "leisure.transfer", version 1,
        RegisterCustomer(RegisterCustomer) = "leisure.register_customer", version 1,
        SellMembership(SellMembership) = "leisure.sell_membership", version 1,
        CheckIn(CheckIn) = "leisure.check_in", version 1,
        MarkNoShows(MarkNoShows) = "leisure.mark_no_shows", version 1,
        WaiveNoShow(WaiveNoShow) = "leisure.waive_no_show", version 1,
        AcceptOffer(AcceptOffer) = "leisure.accept_offer", version 1,
        DeclineOffer(DeclineOffer) = "leisure.decline_offer", version 1,
        BookSpace(BookSpace) = "leisure.book_space", version 1,
        CancelSpace(CancelSpace) = "leisure.cancel_space", version 1,
        UpdateCustomer(UpdateCustomer) = "leisure.update_customer", version 1,
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
                "leisure.record_cash_count",
                "leisure.transfer",
                "leisure.register_customer",
                "leisure.sell_membership",
                "leisure.check_in",
                "leisure.mark_no_shows",
                "leisure.waive_no_show",
                "leisure.accept_offer",
                "leisure.decline_offer",
                "leisure.book_space",
                "leisure.cancel_space",
                "leisure.update_customer",
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
