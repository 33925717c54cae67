//! The TypeScript bindings the interface imports must be exactly what the Rust types give.
//! Set `COUNCIL_DESK_WRITE_BINDINGS=1` to rewrite them after changing an IPC type.

use std::path::PathBuf;

use council_desk::bindings::{UI_BINDINGS_DIR, export_to, read_tree};

fn committed_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("..")
        .join(UI_BINDINGS_DIR)
}

#[test]
fn generated_bindings_match_the_committed_files() {
    let fresh = tempfile::tempdir().expect("temp dir");
    export_to(fresh.path()).expect("export bindings");
    let generated = read_tree(fresh.path()).expect("read generated bindings");
    assert!(
        generated.keys().any(|p| p.ends_with("SyncStatus.ts")) && generated.keys().any(|p| p.ends_with("commands.ts")),
        "the export wrote too little: {:?}",
        generated.keys().collect::<Vec<_>>()
    );

    let dir = committed_dir();
    if std::env::var_os("COUNCIL_DESK_WRITE_BINDINGS").is_some() {
        if dir.exists() {
            std::fs::remove_dir_all(&dir).expect("clear old bindings");
        }
        export_to(&dir).expect("write bindings");
    }
    let committed = read_tree(&dir).expect("read committed bindings");

    let stale: Vec<_> = generated
        .iter()
        .filter(|(path, text)| committed.get(*path) != Some(*text))
        .map(|(path, _)| path.display().to_string())
        .collect();
    let extra: Vec<_> = committed
        .keys()
        .filter(|p| !generated.contains_key(*p))
        .map(|p| p.display().to_string())
        .collect();
    assert!(
        stale.is_empty() && extra.is_empty(),
        "{UI_BINDINGS_DIR} is stale: missing or different {stale:?}, not generated {extra:?}. \
         Run `COUNCIL_DESK_WRITE_BINDINGS=1 cargo test -p council-desk --test bindings` and commit the result."
    );
}

#[test]
fn command_list_names_every_command_of_the_contract() {
    let ts = council_desk::bindings::commands_ts();
    for name in [
        "app_info",
        "set_server_url",
        "sign_in",
        "sign_out",
        "lock",
        "unlock",
        "switch_user",
        "touch",
        "sync_status",
        "sync_now",
        "centres",
        "timetable",
        "session",
        "search_customers",
        "book_place",
        "join_waiting_list",
        "cancel_place",
        "add_note",
        "customer_notes",
        "price_for",
        "book_and_pay",
        "refund_quote",
        "cancel_with_refund",
        "cash_up",
        "receipt",
        "register_customer",
        "sell_membership",
        "update_customer",
        "reception",
        "check_in_find",
        "check_in",
        "mark_no_shows",
        "waive_no_show",
        "offers",
        "accept_offer",
        "decline_offer",
        "charges_of",
        "spaces_day",
        "book_space",
        "check_block",
        "book_block",
        "cancel_space",
        "take_space_alternative",
        "search_pupils",
        "pupil_page",
        "schools",
        "school_today",
        "worklist",
        "call_form",
        "record_absence",
        "log_contact_attempt",
        "escalate",
        "take_absence_alternative",
        "search_ct_accounts",
        "ct_account",
        "ct_record_check",
        "ct_clear_lock",
        "ct_move_in",
        "ct_move_out",
        "ct_move_within",
        "ct_adult_in",
        "ct_adult_out",
        "ct_apply_spd",
        "ct_remove_spd",
        "ct_disregard",
        "ct_claim_exemption",
        "ct_disabled_reduction",
        "ct_change_name",
        "ct_correspondence_address",
        "ct_paperless_sign_up",
        "ct_paperless_withdrawal",
        "ct_direct_debit",
        "ct_ctr_referral",
        "needs_attention",
        "take_alternative",
        "dismiss_attention",
    ] {
        assert!(ts.contains(&format!("\"{name}\"")), "{name} missing from commands.ts");
    }
}

#[test]
fn contract_types_each_command_by_its_request_and_response() {
    let ts = council_desk::bindings::commands_ts();
    for line in [
        "  app_info: void;",
        "  timetable: TimetableRequest;",
        "  book_place: BookPlaceRequest;",
        "  app_info: AppInfo;",
        "  timetable: Array<SessionView>;",
        "  cancel_place: null;",
        "  add_note: AddNoteRequest;",
        "  add_note: CustomerNote;",
        "  customer_notes: CustomerNotesRequest;",
        "  customer_notes: Array<CustomerNote>;",
        "  book_and_pay: BookAndPayRequest;",
        "  book_and_pay: ReceiptView;",
        "  price_for: PriceQuote;",
        "  register_customer: RegisterCustomerRequest;",
        "  register_customer: RegisterOutcome;",
        "  reception: ReceptionView;",
        "  check_in: CheckInRequest;",
        "  check_in: CheckInCandidate;",
        "  offers: Array<OfferView>;",
        "  record_absence: RecordAbsenceRequest;",
        "  record_absence: AbsenceView;",
        "  worklist: Array<WorklistEntry>;",
        "  search_ct_accounts: SearchCtAccountsRequest;",
        "  search_ct_accounts: AccountSearch;",
        "  ct_record_check: CheckOutcome;",
        "  ct_move_out: CtMoveOutRequest;",
        "  ct_move_out: ChangeReceipt;",
        "import type { CustomerNote } from './CustomerNote';",
        "import type { BookPlaceRequest } from './BookPlaceRequest';",
        "import type { SessionView } from './SessionView';",
    ] {
        assert!(ts.contains(line), "commands.ts lacks {line:?}:\n{ts}");
    }
    assert_eq!(
        council_desk::commands::NAMES.len(),
        council_desk::commands::CONTRACT.len(),
        "one entry per command"
    );
}
