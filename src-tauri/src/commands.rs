//! The IPC contract, declared once. Each line of [`contract!`] below names a command, its request
//! (the fields the window sends, camelCase on the wire as Tauri's default) and its response, and
//! says what it does in one line over the [`Shell`] or the signed-in staff member's
//! [`desk_client::Desk`]. From that one list come:
//!
//! - the `#[tauri::command]` handlers and the invoke [`handler`];
//! - a request struct per command (ts-rs exports it, so the window's request type is the Rust one);
//! - [`NAMES`] and [`CONTRACT`], from which `bindings.rs` writes `commands.ts`: the command names
//!   and the `Requests`/`Responses` maps the window's one generic `call` is typed by.
//!
//! A new desk command is one more line here (`desk |d, r| d.method(...).await`); errors leave as
//! `ErrorBody {code, message}` without any code of its own.

use chrono::{NaiveDate, NaiveDateTime, NaiveTime};
use desk_client::council_tax::views::{
    AccountPage, AccountSearch, ChangeInput, ChangeReceipt, CheckInput, CheckOutcome,
};
use desk_client::leisure::SpaceCancelQuote;
use desk_client::leisure::{
    BlockBooked, BlockCheck, BlockInput, CancelView, CashUpView, ChargeView, CheckInCandidate, OfferView, PriceQuote,
    ReceiptView, RefundQuote, SpaceBookingView, SpacesDay, TenderInput, TransferQuote, TransferView,
};
use desk_client::leisure::{CustomerChanged, CustomerChangesInput};
use desk_client::leisure::{MembershipInput, ReceptionView, RegisterOutcome, RegistrationInput};
use desk_client::leisure::{SpaceCancelView, SpaceHire, SpacePriceQuote};
use desk_client::school::views::{
    AbsenceInput, AbsenceView, AttemptView, CallForm, CallerInput, ClassLists, EscalationView, OpeningRef, PupilPage,
    PupilView, SchoolView, TodayView, WorklistEntry,
};
use desk_client::{
    AttentionItem, BookingView, CustomerMatches, CustomerView, SessionDetail, SessionView, SyncReport, SyncStatus,
};
use desk_domain::council_tax::command::{FormSentBy, Next, Representative, Tenure};
use desk_domain::council_tax::reasons::{DisregardReason, Exemption};
use desk_domain::school::{AttemptOutcome, ContactMethod, EscalateTo};
use desk_domain::{Centre, Channel, CustomerNote, ErrorBody, StaffProfile};
use tauri::State;
use uuid::Uuid;

use crate::bindings::TypeInfo;
use crate::{AppInfo, Shell};

type Ipc<T> = Result<T, ErrorBody>;

/// One command of the contract, as `bindings.rs` needs it to write the TypeScript side.
pub struct CommandSpec {
    pub name: &'static str,
    /// `None`: the command takes no arguments.
    pub request: Option<TypeInfo>,
    pub response: TypeInfo,
}

/// Expands the list into handlers, request types and the contract's description. The body runs
/// with `$h` bound either to the [`Shell`] (`shell |s, r| …`, for sign-in, lock and the like) or
/// to the signed-in, unlocked [`desk_client::Desk`] (`desk |d, r| …`, every data command: the
/// shell answers `signed_out` or `locked` before the body runs), and `$r` to the request.
///
/// The handler takes the request's fields as its own arguments, and the request struct is built
/// from them: on the wire a command's arguments stay top-level camelCase keys (`{centreId, day}`),
/// which is exactly the generated request type, so `invoke(name, req)` needs no wrapping.
macro_rules! contract {
    ($(
        $(#[doc = $doc:literal])*
        $name:ident($($Req:ident { $($field:ident: $fty:ty),* $(,)? })?) -> $Resp:ty
            = $via:ident |$h:ident $(, $r:ident)?| $body:expr;
    )*) => {
        $($(
            #[doc = concat!(" The request of `", stringify!($name), "`.")]
            #[derive(Debug, Clone, serde::Serialize, serde::Deserialize, ts_rs::TS)]
            #[serde(rename_all = "camelCase")]
            pub struct $Req { $(pub $field: $fty),* }
        )?)*

        $(
            $(#[doc = $doc])*
            #[tauri::command]
            // The handler takes one argument per request field (see above), so a request with
            // many fields (`log_contact_attempt`) makes a long argument list by design.
            #[allow(clippy::too_many_arguments)]
            async fn $name(shell: State<'_, Shell> $($(, $field: $fty)*)?) -> Ipc<$Resp> {
                $(let $r = $Req { $($field),* };)?
                contract!(@via $via shell $h $body)
            }
        )*

        /// The invoke handler: every command of the contract.
        pub fn handler() -> impl Fn(tauri::ipc::Invoke) -> bool + Send + Sync + 'static {
            tauri::generate_handler![$($name),*]
        }

        /// The command names the window may invoke, in the order of the contract.
        pub const NAMES: &[&str] = &[$(stringify!($name)),*];

        /// Every command with its request and response types.
        pub const CONTRACT: &[CommandSpec] = &[$(CommandSpec {
            name: stringify!($name),
            request: contract!(@req $($Req)?),
            response: TypeInfo::of::<$Resp>(),
        }),*];
    };
    (@via shell $shell:ident $h:ident $body:expr) => {{
        let $h: &Shell = &$shell;
        $body
    }};
    (@via desk $shell:ident $h:ident $body:expr) => {{
        let $h = $shell.desk().await?;
        ($body).map_err(|e| e.to_body())
    }};
    (@req $Req:ident) => { Some(TypeInfo::of::<$Req>()) };
    (@req) => { None };
}

contract! {
    /// How the app was started, whether (and for whom) the desk is locked, what the staff member may do.
    app_info() -> AppInfo = shell |s| s.app_info().await;
    set_server_url(SetServerUrlRequest { url: String }) -> () = shell |s, r| s.set_server_url(&r.url).await;
    sign_in(SignInRequest { username: String, password: String }) -> StaffProfile
        = shell |s, r| s.sign_in(&r.username, &r.password).await;
    sign_out() -> () = shell |s| s.sign_out().await;
    lock() -> () = shell |s| s.lock().await;
    unlock(UnlockRequest { password: String }) -> StaffProfile = shell |s, r| s.unlock(&r.password).await;
    switch_user(SwitchUserRequest { username: String, password: String }) -> StaffProfile
        = shell |s, r| s.switch_user(&r.username, &r.password).await;
    /// Only the window's own user activity calls this; background calls never count as use.
    touch() -> () = shell |s| {
        s.touch();
        Ok(())
    };
    sync_status() -> SyncStatus = desk |d| d.sync_status().await;
    sync_now() -> SyncReport = desk |d| d.sync_now().await;
    centres() -> Vec<Centre> = desk |d| d.leisure().centres().await;
    /// `day` is a calendar date, `YYYY-MM-DD`.
    timetable(TimetableRequest { centre_id: i64, day: NaiveDate }) -> Vec<SessionView>
        = desk |d, r| d.leisure().timetable(r.centre_id, r.day).await;
    session(SessionRequest { id: i64 }) -> SessionDetail = desk |d, r| d.leisure().session(r.id).await;
    search_customers(SearchCustomersRequest { text: String, limit: u32 }) -> Vec<CustomerView>
        = desk |d, r| d.leisure().search_customers(&r.text, r.limit).await;
    /// Customers by name, membership number (digits alone too), phone, email, postcode or date
    /// of birth, an exact identifier first; `more` counts the matches not listed.
    find_customers(FindCustomersRequest { text: String, limit: u32 }) -> CustomerMatches
        = desk |d, r| d.leisure().find_customers(&r.text, r.limit).await;
    /// Keeps a half-filled form's fields (a JSON object) in the staff member's encrypted store.
    save_draft(SaveDraftRequest { form: String, data: String }) -> () = desk |d, r| d.save_draft(&r.form, &r.data).await;
    /// The kept fields of a form, after the unlock.
    draft(DraftRequest { form: String }) -> Option<String> = desk |d, r| d.draft(&r.form).await;
    /// Forgets a form's kept fields (it was submitted).
    clear_draft(ClearDraftRequest { form: String }) -> () = desk |d, r| d.clear_draft(&r.form).await;
    book_place(BookPlaceRequest { session_id: i64, customer_id: i64, channel: Channel }) -> BookingView
        = desk |d, r| d.leisure().book_place(r.session_id, r.customer_id, r.channel).await;
    join_waiting_list(JoinWaitingListRequest { session_id: i64, customer_id: i64, channel: Channel }) -> BookingView
        = desk |d, r| d.leisure().join_waiting_list(r.session_id, r.customer_id, r.channel).await;
    cancel_place(CancelPlaceRequest { booking_id: Uuid, channel: Channel }) -> ()
        = desk |d, r| d.leisure().cancel_place(r.booking_id, r.channel).await;
    /// A note on the customer's record (1 to 500 characters), pending until the server confirms it.
    add_note(AddNoteRequest { customer_id: i64, text: String, channel: Channel }) -> CustomerNote
        = desk |d, r| d.leisure().add_note(r.customer_id, &r.text, r.channel).await;
    /// The customer's notes, newest first (viewing them is audited).
    customer_notes(CustomerNotesRequest { customer_id: i64 }) -> Vec<CustomerNote>
        = desk |d, r| d.leisure().customer_notes(r.customer_id).await;
    /// The price the customer pays for the session under the centre's price list, with why.
    price_for(PriceForRequest { session_id: i64, customer_id: i64 }) -> PriceQuote
        = desk |d, r| d.leisure().price_for(r.session_id, r.customer_id).await;
    /// Books the place and records its payment for the price shown, in one command; the receipt.
    book_and_pay(BookAndPayRequest {
        session_id: i64,
        customer_id: i64,
        price_pence: i64,
        tender: TenderInput,
        channel: Channel,
    }) -> ReceiptView
        = desk |d, r| d.leisure().book_and_pay(r.session_id, r.customer_id, r.price_pence, &r.tender, r.channel).await;
    /// What cancelling the booking now refunds under the centre's policy (`waive`: as if waived).
    refund_quote(RefundQuoteRequest { booking_id: Uuid, waive: bool }) -> RefundQuote
        = desk |d, r| d.leisure().refund_quote(r.booking_id, r.waive).await;
    /// Cancels the booking with the policy's refund to the way it was paid; `waiver` is why a
    /// member of staff refunds in full after the cut-off.
    cancel_with_refund(CancelWithRefundRequest { booking_id: Uuid, waiver: Option<String>, channel: Channel }) -> CancelView
        = desk |d, r| d.leisure().cancel_with_refund(r.booking_id, r.waiver, r.channel).await;
    /// What moving the booking to another session costs or gives back now (`waive`: as if the
    /// cut-off were waived).
    transfer_quote(TransferQuoteRequest { booking_id: Uuid, session_id: i64, waive: bool }) -> TransferQuote
        = desk |d, r| d.leisure().transfer_quote(r.booking_id, r.session_id, r.waive).await;
    /// Moves the booking to the session at the price the quote showed, taking `tender` for a
    /// higher price's difference; `waiver` is why a member of staff moves it after the cut-off.
    transfer(TransferRequest {
        booking_id: Uuid,
        session_id: i64,
        price_pence: i64,
        tender: Option<TenderInput>,
        waiver: Option<String>,
        channel: Channel,
    }) -> TransferView
        = desk |d, r| d.leisure().transfer(r.booking_id, r.session_id, r.price_pence, r.tender.as_ref(), r.waiver, r.channel).await;
    /// The day's cash-up at the centre: this desk's drawer or every desk's, with the counted cash.
    cash_up(CashUpRequest {
        centre_id: i64,
        day: NaiveDate,
        this_desk: bool,
        float_pence: i64,
        counted_pence: Option<i64>,
    }) -> CashUpView
        = desk |d, r| d.leisure().cash_up(r.centre_id, r.day, r.this_desk, r.float_pence, r.counted_pence).await;
    /// Records this desk's drawer counted at the end of the day (a difference needs `note`).
    record_cash_count(RecordCashCountRequest {
        centre_id: i64,
        day: NaiveDate,
        float_pence: i64,
        counted_pence: i64,
        note: Option<String>,
    }) -> CashUpView
        = desk |d, r| d.leisure().record_cash_count(r.centre_id, r.day, r.float_pence, r.counted_pence, r.note).await;
    /// A payment's or refund's receipt, to print (viewing it is audited).
    receipt(ReceiptRequest { payment_id: Uuid }) -> ReceiptView
        = desk |d, r| d.leisure().receipt(r.payment_id).await;
    /// Registers a new customer, or returns the customers who may be them ("is this them?").
    register_customer(RegisterCustomerRequest { customer: RegistrationInput, channel: Channel }) -> RegisterOutcome
        = desk |d, r| d.leisure().register_customer(&r.customer, r.channel).await;
    /// Sells a FitLife membership from its start date, with who pays; the sale's id.
    sell_membership(SellMembershipRequest { membership: MembershipInput, channel: Channel }) -> Uuid
        = desk |d, r| d.leisure().sell_membership(&r.membership, r.channel).await;
    /// Changes a customer's details: only the fields the receptionist changed (the rest `null`).
    update_customer(UpdateCustomerRequest { changes: CustomerChangesInput, channel: Channel }) -> CustomerChanged
        = desk |d, r| d.leisure().update_customer(&r.changes, r.channel).await;
    /// Everything the reception view shows about a customer, with the price of `session_id` (audited).
    reception(ReceptionRequest { customer_id: i64, session_id: Option<i64> }) -> ReceptionView
        = desk |d, r| d.leisure().reception(r.customer_id, r.session_id).await;
    /// Check-in: customers by an exact (scanned) membership number or by name, each with their
    /// bookings for now and plain warnings (viewing them is audited).
    check_in_find(CheckInFindRequest { text: String }) -> Vec<CheckInCandidate>
        = desk |d, r| d.leisure().check_in_find(&r.text).await;
    /// Checks the customer in to `booking_id`, or to their one booking for now.
    check_in(CheckInRequest { customer_id: i64, booking_id: Option<Uuid>, channel: Channel }) -> CheckInCandidate
        = desk |d, r| d.leisure().check_in(r.customer_id, r.booking_id, r.channel).await;
    /// After the session: these bookings were no-shows (the centre's rule gives any fee or block).
    mark_no_shows(MarkNoShowsRequest { session_id: i64, booking_ids: Vec<Uuid>, channel: Channel }) -> SessionDetail
        = desk |d, r| d.leisure().mark_no_shows(r.session_id, r.booking_ids, r.channel).await;
    /// Waives a no-show (and its fee, if due) with a reason.
    waive_no_show(WaiveNoShowRequest { booking_id: Uuid, reason: String, channel: Channel }) -> BookingView
        = desk |d, r| d.leisure().waive_no_show(r.booking_id, &r.reason, r.channel).await;
    /// The open waiting-list offers to phone (one centre's, or all), soonest to run out first.
    offers(OffersRequest { centre_id: Option<i64> }) -> Vec<OfferView> = desk |d, r| d.leisure().offers(r.centre_id).await;
    /// The customer offered a place takes it.
    accept_offer(AcceptOfferRequest { booking_id: Uuid, channel: Channel }) -> BookingView
        = desk |d, r| d.leisure().accept_offer(r.booking_id, r.channel).await;
    /// The customer offered a place turns it down: offered to the next person waiting.
    decline_offer(DeclineOfferRequest { booking_id: Uuid, channel: Channel }) -> BookingView
        = desk |d, r| d.leisure().decline_offer(r.booking_id, r.channel).await;
    /// What the customer owes or owed (no-show fees), newest first (viewing is audited).
    charges_of(ChargesOfRequest { customer_id: i64 }) -> Vec<ChargeView> = desk |d, r| d.leisure().charges_of(r.customer_id).await;
    /// The centre's spaces and their bookings that day (linked halves and quarters), and the booking window.
    spaces_day(SpacesDayRequest { centre_id: i64, day: NaiveDate }) -> SpacesDay
        = desk |d, r| d.leisure().spaces_day(r.centre_id, r.day).await;
    /// Books a space once (pending until the server decides); refused here if taken, closed or not yet open.
    book_space(BookSpaceRequest {
        space_id: i64,
        starts: NaiveDateTime,
        ends: NaiveDateTime,
        customer_id: i64,
        club: Option<String>,
        channel: Channel,
    }) -> SpaceBookingView
        = desk |d, r| d.leisure().book_space(r.space_id, r.starts, r.ends, r.customer_id, r.club, r.channel).await;
    /// Every date of a block booking against this desk's replica (offline), before confirming.
    check_block(CheckBlockRequest { block: BlockInput }) -> BlockCheck
        = desk |d, r| d.leisure().check_block(r.block).await;
    /// Books the block's free dates, one command per date sharing a block id.
    book_block(BookBlockRequest { block: BlockInput, channel: Channel }) -> BlockBooked
        = desk |d, r| d.leisure().book_block(r.block, r.channel).await;
    /// Cancels a space booking: a hire paid at the desk is refunded by the space cut-off the way it
    /// was paid; `waiver` is why a member of staff sets the cut-off aside.
    cancel_space(CancelSpaceRequest { booking_id: Uuid, waiver: Option<String>, channel: Channel }) -> SpaceCancelView
        = desk |d, r| d.leisure().cancel_space(r.booking_id, r.waiver, r.channel).await;
    /// What cancelling a space booking now refunds or charges and why, and what a waiver would change.
    space_cancel_quote(SpaceCancelQuoteRequest { booking_id: Uuid }) -> SpaceCancelQuote
        = desk |d, r| d.leisure().space_cancel_quote(r.booking_id).await;
    /// The price of hiring a space for a customer, with why (peak or off-peak, membership), before paying.
    space_price(SpacePriceRequest { space_id: i64, starts: NaiveDateTime, ends: NaiveDateTime, customer_id: i64 }) -> SpacePriceQuote
        = desk |d, r| d.leisure().space_price(r.space_id, r.starts, r.ends, r.customer_id).await;
    /// Books a space once and takes payment for the price quoted, in one command; the booking and receipt.
    hire_space(HireSpaceRequest {
        space_id: i64,
        starts: NaiveDateTime,
        ends: NaiveDateTime,
        customer_id: i64,
        price_pence: i64,
        tender: TenderInput,
        channel: Channel,
    }) -> SpaceHire
        = desk |d, r| d.leisure().hire_space(r.space_id, r.starts, r.ends, r.customer_id, r.price_pence, &r.tender, r.channel).await;
    /// Books the space or slot offered for a refused space booking, resolving the item.
    take_space_alternative(TakeSpaceAlternativeRequest { item_id: Uuid, alternative: usize }) -> SpaceBookingView
        = desk |d, r| d.leisure().take_space_alternative(r.item_id, r.alternative).await;
    /// Pupils by name or class (accents, apostrophes and spaces ignored), then names that sound
    /// like the words typed; each pupil listed is audited as viewed.
    search_pupils(SearchPupilsRequest { text: String, limit: u32 }) -> Vec<PupilView>
        = desk |d, r| d.school().search_pupils(&r.text, r.limit).await;
    /// The pupil page: contacts in calling order and who viewed it (viewing it is audited).
    pupil_page(PupilPageRequest { pupil_id: i64 }) -> PupilPage = desk |d, r| d.school().pupil_page(r.pupil_id).await;
    /// The schools on this desk (a school office's own), by name.
    schools() -> Vec<SchoolView> = desk |d| d.school().schools().await;
    /// Today at the school (`date` defaults to today): reported absences, unexplained left,
    /// lates, escalations.
    school_today(SchoolTodayRequest { school_id: i64, date: Option<NaiveDate> }) -> TodayView
        = desk |d, r| d.school().today(r.school_id, r.date).await;
    /// Each class's pupils with their attendance year to date and the thresholds' flags.
    class_lists(ClassListsRequest { school_id: i64, date: Option<NaiveDate> }) -> ClassLists
        = desk |d, r| d.school().class_lists(r.school_id, r.date).await;
    /// The unexplained-absence worklist: contacts in calling order and the day's attempts.
    worklist(WorklistRequest { school_id: i64, date: Option<NaiveDate> }) -> Vec<WorklistEntry>
        = desk |d, r| d.school().worklist(r.school_id, r.date).await;
    /// What the call form offers for the pupil: contacts, the codes, the school's days.
    call_form(CallFormRequest { pupil_id: i64 }) -> CallForm = desk |d, r| d.school().call_form(r.pupil_id).await;
    /// A parent's call: the pupil is absent for the school's openings in the range.
    record_absence(RecordAbsenceRequest { absence: AbsenceInput }) -> AbsenceView
        = desk |d, r| d.school().record_absence(r.absence).await;
    /// Changes an absence's openings, code, reason or expected return; `why` goes in its history.
    amend_absence(AmendAbsenceRequest {
        absence_id: Uuid,
        first: OpeningRef,
        last: OpeningRef,
        code: String,
        reason: String,
        expected_return: Option<NaiveDate>,
        why: String,
    }) -> AbsenceView
        = desk |d, r| d.school().amend_absence(
            r.absence_id, r.first, r.last, &r.code, &r.reason, r.expected_return, &r.why,
        ).await;
    /// Withdraws an absence recorded in error (a reason is needed; the history keeps it).
    withdraw_absence(WithdrawAbsenceRequest { absence_id: Uuid, reason: String }) -> AbsenceView
        = desk |d, r| d.school().withdraw_absence(r.absence_id, &r.reason).await;
    /// A pupil signed in late at the office; the school's rules give the opening and the code.
    record_late(RecordLateRequest { pupil_id: i64, date: NaiveDate, arrived_at: NaiveTime, reason: String })
        -> AbsenceView = desk |d, r| d.school().record_late(r.pupil_id, r.date, r.arrived_at, &r.reason).await;
    /// A pupil collected during the day: the openings after the one they leave in get `code`.
    record_early_leave(RecordEarlyLeaveRequest {
        pupil_id: i64,
        date: NaiveDate,
        left_at: NaiveTime,
        code: String,
        reason: String,
        collected_by: CallerInput,
    }) -> AbsenceView
        = desk |d, r| d.school().record_early_leave(
            r.pupil_id, r.date, r.left_at, &r.code, &r.reason, r.collected_by,
        ).await;
    /// One try at reaching a contact about an unexplained absence (`explained` records the absence).
    log_contact_attempt(LogContactAttemptRequest {
        pupil_id: i64,
        date: NaiveDate,
        contact_id: Option<i64>,
        method: ContactMethod,
        outcome: AttemptOutcome,
        note: String,
        explanation: Option<AbsenceInput>,
    }) -> AttemptView
        = desk |d, r| d.school().log_contact_attempt(
            r.pupil_id, r.date, r.contact_id, r.method, r.outcome, &r.note, r.explanation,
        ).await;
    /// The pupil's unexplained absence goes to the head teacher or the duty list.
    escalate(EscalateRequest { pupil_id: i64, date: NaiveDate, to: EscalateTo, note: String, by_choice: bool })
        -> EscalationView = desk |d, r| d.school().escalate(r.pupil_id, r.date, r.to, &r.note, r.by_choice).await;
    /// "Add my note to it" or "replace it" for a call whose openings another desk explained first.
    take_absence_alternative(TakeAbsenceAlternativeRequest { item_id: Uuid, alternative: usize }) -> AbsenceView
        = desk |d, r| d.school().take_alternative(r.item_id, r.alternative).await;
    /// Council-tax accounts by reference, name, address or postcode, or UPRN (accents,
    /// apostrophes and spaces ignored), and how many more match; each listed is audited.
    search_ct_accounts(SearchCtAccountsRequest { text: String, limit: u32 }) -> AccountSearch
        = desk |d, r| d.council_tax().search_accounts(&r.text, r.limit).await;
    /// The account page: the summary only until the caller passes this agent's identity check.
    ct_account(CtAccountRequest { account_id: i64 }) -> AccountPage
        = desk |d, r| d.council_tax().account(r.account_id).await;
    /// The caller's identity check: match or no match per item, never the held value.
    ct_record_check(CtRecordCheckRequest { check: CheckInput }) -> CheckOutcome
        = desk |d, r| d.council_tax().record_check(r.check).await;
    /// A supervisor clears an account locked by three failed checks in a day (a note says why).
    ct_clear_lock(CtClearLockRequest { account_id: i64, note: String }) -> AccountPage
        = desk |d, r| d.council_tax().clear_lock(r.account_id, &r.note).await;
    /// Each change below returns its reference (made on the desk) and the estimate before and after.
    ct_move_in(CtMoveInRequest {
        change: ChangeInput,
        name: String,
        date_of_birth: NaiveDate,
        tenure: Tenure,
        previous_address: Option<String>,
    }) -> ChangeReceipt
        = desk |d, r| d.council_tax().move_in(
            r.change, &r.name, r.date_of_birth, r.tenure, r.previous_address.as_deref(),
        ).await;
    ct_move_out(CtMoveOutRequest {
        change: ChangeInput,
        person: String,
        forwarding_address: String,
        tenure: Tenure,
        sale_or_tenancy_end: Option<NaiveDate>,
        representative: Option<Representative>,
        next: Next,
    }) -> ChangeReceipt
        = desk |d, r| d.council_tax().move_out(
            r.change, &r.person, &r.forwarding_address, r.tenure, r.sale_or_tenancy_end, r.representative, r.next,
        ).await;
    ct_move_within(CtMoveWithinRequest {
        change: ChangeInput,
        person: String,
        new_address: String,
        new_postcode: String,
        new_uprn: Option<String>,
        next: Next,
    }) -> ChangeReceipt
        = desk |d, r| d.council_tax().move_within(
            r.change, &r.person, &r.new_address, &r.new_postcode, r.new_uprn.as_deref(), r.next,
        ).await;
    ct_adult_in(CtAdultInRequest { change: ChangeInput, name: String, date_of_birth: NaiveDate }) -> ChangeReceipt
        = desk |d, r| d.council_tax().adult_in(r.change, &r.name, r.date_of_birth).await;
    ct_adult_out(CtAdultOutRequest { change: ChangeInput, name: String }) -> ChangeReceipt
        = desk |d, r| d.council_tax().adult_out(r.change, &r.name).await;
    ct_apply_spd(CtApplySpdRequest { change: ChangeInput }) -> ChangeReceipt
        = desk |d, r| d.council_tax().apply_spd(r.change).await;
    ct_remove_spd(CtRemoveSpdRequest { change: ChangeInput }) -> ChangeReceipt
        = desk |d, r| d.council_tax().remove_spd(r.change).await;
    ct_disregard(CtDisregardRequest { change: ChangeInput, person: String, reason: DisregardReason }) -> ChangeReceipt
        = desk |d, r| d.council_tax().disregard(r.change, &r.person, r.reason).await;
    ct_claim_exemption(CtClaimExemptionRequest { change: ChangeInput, exemption: Exemption, since: Option<NaiveDate> })
        -> ChangeReceipt = desk |d, r| d.council_tax().claim_exemption(r.change, r.exemption, r.since).await;
    ct_disabled_reduction(CtDisabledReductionRequest { change: ChangeInput, person: String, feature: String })
        -> ChangeReceipt = desk |d, r| d.council_tax().disabled_reduction(r.change, &r.person, &r.feature).await;
    ct_change_name(CtChangeNameRequest { change: ChangeInput, person: String, new_name: String }) -> ChangeReceipt
        = desk |d, r| d.council_tax().change_name(r.change, &r.person, &r.new_name).await;
    ct_correspondence_address(CtCorrespondenceAddressRequest { change: ChangeInput, address: String, postcode: String })
        -> ChangeReceipt = desk |d, r| d.council_tax().correspondence_address(r.change, &r.address, &r.postcode).await;
    /// Paperless bills: the email twice (they must match) and the consent wording read, with its version.
    ct_paperless_sign_up(CtPaperlessSignUpRequest {
        change: ChangeInput,
        email: String,
        email_again: String,
        consent_wording: String,
        consent_version: String,
    }) -> ChangeReceipt
        = desk |d, r| d.council_tax().paperless_sign_up(
            r.change, &r.email, &r.email_again, &r.consent_wording, &r.consent_version,
        ).await;
    ct_paperless_withdrawal(CtPaperlessWithdrawalRequest { change: ChangeInput }) -> ChangeReceipt
        = desk |d, r| d.council_tax().paperless_withdrawal(r.change).await;
    /// Direct Debit: 10 or 12 instalments on the 5th, 15th or 25th; only the last four digits stay on the desk.
    ct_direct_debit(CtDirectDebitRequest {
        change: ChangeInput,
        account_holder: String,
        sort_code: String,
        account_number: String,
        instalments: u8,
        day: u8,
    }) -> ChangeReceipt
        = desk |d, r| d.council_tax().direct_debit(
            r.change, &r.account_holder, &r.sort_code, &r.account_number, r.instalments, r.day,
        ).await;
    ct_ctr_referral(CtCtrReferralRequest { change: ChangeInput, form_sent_by: FormSentBy }) -> ChangeReceipt
        = desk |d, r| d.council_tax().ctr_referral(r.change, r.form_sent_by).await;
    needs_attention() -> Vec<AttentionItem> = desk |d| d.needs_attention().await;
    take_alternative(TakeAlternativeRequest { item_id: Uuid, alternative: usize }) -> BookingView
        = desk |d, r| d.leisure().take_alternative(r.item_id, r.alternative).await;
    dismiss_attention(DismissAttentionRequest { item_id: Uuid, note: String }) -> ()
        = desk |d, r| d.dismiss_attention(r.item_id, &r.note).await;
}
