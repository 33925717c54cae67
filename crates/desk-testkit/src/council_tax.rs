//! A small council-tax world for tests: accounts at two council-tax offices, contact-centre
//! callers (supervisors if asked), the time the phones open, and the contact centre's commands
//! with fresh request ids and their references.

use chrono::{NaiveDate, NaiveDateTime};
use desk_domain::council_tax::command::*;
use desk_domain::council_tax::identity::{Answer, Caller as WhoCalls, Identified, Item};
use desk_domain::council_tax::reference_for;
use desk_domain::{Bucket, Channel, Command, CouncilTaxBand, CtAccount, LiablePerson, Mutation, Role, Site};
use desk_server::{Caller, EntityBatch, NewStaffRecord, Store};
use uuid::Uuid;

/// The office the tests' agents work at, and another they must never see.
pub const OFFICE: i64 = 1;
pub const OTHER_OFFICE: i64 = 2;
/// Isla and Ewan Munro's account at [`OFFICE`]: two liable adults, Direct Debit.
pub const ACCOUNT: i64 = 10;
/// Morag Innes lives alone at [`OFFICE`], without the single person discount.
pub const SINGLE: i64 = 11;
/// An account at [`OTHER_OFFICE`].
pub const OTHER_ACCOUNT: i64 = 20;

pub const ISLA: &str = "Isla Munro";
pub const EWAN: &str = "Ewan Munro";
pub const MORAG: &str = "Morag Innes";

/// What the tests' callers answer correctly about [`ACCOUNT`]: Isla's date of birth and the
/// last four digits of the bank account held.
pub const ISLA_BORN: &str = "09/07/1961";
pub const BANK_LAST_FOUR: &str = "0423";

/// Tuesday 1 December 2026, 10:00: the phones are open.
pub fn phones_open() -> NaiveDateTime {
    day(2026, 12, 1).and_hms_opt(10, 0, 0).expect("a time")
}

pub fn day(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).expect("a date")
}

fn person(name: &str, born: NaiveDate) -> LiablePerson {
    LiablePerson {
        name: name.into(),
        date_of_birth: born,
    }
}

fn account(id: i64, office_id: i64, liable: Vec<LiablePerson>, direct_debit: bool) -> CtAccount {
    CtAccount {
        id,
        reference: format!("MC{:08}", 100_000 + id).parse().expect("a reference"),
        office_id,
        band: CouncilTaxBand::C,
        address: format!("{id} Moss Street, Elgin"),
        postcode: "IV30 1AB".into(),
        uprn: format!("1330336{id:02}").parse().expect("a UPRN"),
        liable,
        phone: Some("01343 543210".into()),
        email: None,
        single_person_discount: false,
        direct_debit,
        paperless: false,
        liability_start: Some(day(2019, 6, 1)),
        last_instalment_pence: Some(15_462),
        bank_last_four: direct_debit.then(|| BANK_LAST_FOUR.to_owned()),
    }
}

/// [`ACCOUNT`] and [`SINGLE`] at [`OFFICE`], [`OTHER_ACCOUNT`] at [`OTHER_OFFICE`].
pub fn ct_world() -> EntityBatch {
    EntityBatch {
        ct_accounts: vec![
            account(
                ACCOUNT,
                OFFICE,
                vec![person(ISLA, day(1961, 7, 9)), person(EWAN, day(1963, 2, 11))],
                true,
            ),
            account(SINGLE, OFFICE, vec![person(MORAG, day(1979, 4, 30))], false),
            account(
                OTHER_ACCOUNT,
                OTHER_OFFICE,
                vec![person("Calum Rose", day(1950, 1, 2))],
                true,
            ),
        ],
        ..EntityBatch::default()
    }
}

/// A contact-centre agent at `office` (a supervisor too if asked), stored without a real
/// password hash, as the push sees them.
pub fn ct_caller(store: &dyn Store, username: &str, office: i64, supervisor: bool) -> Caller {
    let mut roles = vec![Role::ContactCentre];
    if supervisor {
        roles.push(Role::Supervisor);
    }
    let sites = vec![Site::office(office)];
    let staff_id = store
        .insert_staff(&NewStaffRecord {
            username: username.into(),
            display_name: username.into(),
            password_hash: "!".into(),
            roles: roles.clone(),
            sites: sites.clone(),
        })
        .expect("staff stored");
    Caller {
        staff_id,
        device_id: Uuid::now_v7(),
        buckets: Bucket::scope(&roles, &sites),
        supervises: if supervisor {
            Bucket::scope(&[Role::Supervisor], &sites)
        } else {
            Vec::new()
        },
    }
}

/// `cmd` as mutation `seq` of `device_id`, taken on the phone.
pub fn phone_envelope(device_id: Uuid, seq: u64, cmd: &Command) -> Mutation {
    Mutation {
        channel: Channel::Telephone,
        ..crate::envelope(device_id, seq, cmd)
    }
}

/// An identity check on `account_id` by Isla Munro (the liable person) on her date of birth
/// and the bank's last four digits; `right` says whether she gets the last four right.
pub fn check_on(account_id: i64, right: bool) -> (Uuid, Command) {
    let check_id = Uuid::now_v7();
    let cmd = Command::from(RecordCheck {
        check_id,
        account_id,
        caller: WhoCalls::LiablePerson { name: ISLA.into() },
        identified_by: Identified::AccountReference,
        answers: vec![
            Answer {
                item: Item::DateOfBirth,
                typed: ISLA_BORN.into(),
            },
            Answer {
                item: Item::BankLastFour,
                typed: if right { BANK_LAST_FOUR } else { "9999" }.into(),
            },
        ],
    });
    (check_id, cmd)
}

/// A check on [`SINGLE`] by Morag Innes on her date of birth and postcode.
pub fn check_single() -> (Uuid, Command) {
    let check_id = Uuid::now_v7();
    let cmd = Command::from(RecordCheck {
        check_id,
        account_id: SINGLE,
        caller: WhoCalls::LiablePerson { name: MORAG.into() },
        identified_by: Identified::NameAndAddress,
        answers: vec![
            Answer {
                item: Item::DateOfBirth,
                typed: "30/04/1979".into(),
            },
            Answer {
                item: Item::Postcode,
                typed: "iv30 1ab".into(),
            },
        ],
    });
    (check_id, cmd)
}

/// What every change carries: a fresh request id and its reference.
pub fn change(account_id: i64, check_id: Uuid, effective: NaiveDate) -> Change {
    let request_id = Uuid::now_v7();
    Change {
        request_id,
        reference: reference_for(request_id),
        account_id,
        check_id,
        effective,
    }
}

/// The request a change command makes.
pub fn request_id(cmd: &Command) -> Uuid {
    let Command::CouncilTax(c) = cmd else {
        panic!("{} is not a council-tax command", cmd.name());
    };
    c.change().expect("a change").request_id
}

pub fn move_out(c: Change, person: &str, next: Next) -> Command {
    Command::from(MoveOut {
        change: c,
        person: person.into(),
        forwarding_address: "3 Harbour Row, Lossiemouth IV31 6AA".into(),
        tenure: Tenure::Owner,
        sale_or_tenancy_end: None,
        representative: None,
        next,
    })
}

pub fn adult_in(c: Change, name: &str, born: NaiveDate) -> Command {
    Command::from(AdultIn {
        change: c,
        name: name.into(),
        date_of_birth: born,
    })
}

pub fn apply_spd(c: Change) -> Command {
    Command::from(SinglePersonDiscount { change: c })
}

pub fn paperless(c: Change, email: &str, again: &str) -> Command {
    Command::from(PaperlessSignUp {
        change: c,
        email: email.into(),
        email_again: again.into(),
        consent_wording: "I agree to receive my council tax bills by email instead of by post.".into(),
        consent_version: "2026-1".into(),
    })
}

pub fn direct_debit(c: Change, sort_code: &str, account_number: &str) -> Command {
    Command::from(DirectDebit {
        change: c,
        account_holder: ISLA.into(),
        sort_code: sort_code.into(),
        account_number: account_number.into(),
        instalments: 10,
        day: 15,
    })
}

pub fn clear_lock(account_id: i64) -> Command {
    Command::from(ClearLock {
        clearance_id: Uuid::now_v7(),
        account_id,
        note: "Spoke to Isla Munro; the failures were her son guessing.".into(),
    })
}
