//! The council-tax world the `decide` tests run in: facts held in memory, and helpers to make
//! changes and take them.

use std::convert::Infallible;

use chrono::{NaiveDate, NaiveDateTime, TimeZone, Utc};
use uuid::Uuid;

use super::identity::a_check;
use crate::council_tax::command::*;
use crate::council_tax::identity::Held;
use crate::council_tax::records::{ChangeRequest, IdentityCheck, LockClearance};
use crate::council_tax::{AccountFacts, Facts, decide, reference_for};
use crate::service::{Ctx, Source};
use crate::values::Pence;
use crate::{Bucket, Channel, CouncilTaxBand, CtAccount, Effect, LiablePerson};

#[derive(Default)]
pub(super) struct Mem {
    pub(super) accounts: Vec<AccountFacts>,
    pub(super) requests: Vec<ChangeRequest>,
    pub(super) checks: Vec<IdentityCheck>,
    pub(super) clearances: Vec<LockClearance>,
    pub(super) supervisors: Vec<i64>,
    /// Buckets the caller may write; empty means all.
    pub(super) scope: Vec<Bucket>,
}

impl Source for Mem {
    type Error = Infallible;
    fn may_write(&self, bucket: &Bucket) -> bool {
        self.scope.is_empty() || self.scope.contains(bucket)
    }
}

impl Facts for Mem {
    fn ct_account(&mut self, id: i64) -> Result<Option<AccountFacts>, Infallible> {
        Ok(self.accounts.iter().find(|a| a.account.id == id).cloned())
    }
    fn ct_request_exists(&mut self, id: Uuid) -> Result<bool, Infallible> {
        Ok(self.requests.iter().any(|r| r.id == id))
    }
    fn ct_requests(&mut self, account_id: i64) -> Result<Vec<ChangeRequest>, Infallible> {
        Ok(self
            .requests
            .iter()
            .filter(|r| r.account_id == account_id)
            .cloned()
            .collect())
    }
    fn ct_check(&mut self, id: Uuid) -> Result<Option<IdentityCheck>, Infallible> {
        Ok(self.checks.iter().find(|c| c.id == id).cloned())
    }
    fn ct_failed_checks(&mut self, account_id: i64) -> Result<Vec<IdentityCheck>, Infallible> {
        Ok(self
            .checks
            .iter()
            .filter(|c| c.account_id == account_id && !c.passed)
            .cloned()
            .collect())
    }
    fn ct_clearances(&mut self, account_id: i64) -> Result<Vec<LockClearance>, Infallible> {
        Ok(self
            .clearances
            .iter()
            .filter(|c| c.account_id == account_id)
            .cloned()
            .collect())
    }
    fn is_supervisor(&mut self, staff_id: i64) -> Result<bool, Infallible> {
        Ok(self.supervisors.contains(&staff_id))
    }
}

pub(super) fn d(y: i32, m: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, day).unwrap()
}

pub(super) fn at(h: u32, m: u32) -> NaiveDateTime {
    d(2025, 11, 3).and_hms_opt(h, m, 0).unwrap()
}

pub(super) fn ctx_by(staff_id: i64, channel: Channel) -> Ctx {
    Ctx {
        now: at(10, 0),
        at: Utc.with_ymd_and_hms(2025, 11, 3, 10, 0, 0).unwrap(),
        staff_id,
        channel,
    }
}

pub(super) fn ctx() -> Ctx {
    ctx_by(7, Channel::Telephone)
}

pub(super) fn person(name: &str, born: NaiveDate) -> LiablePerson {
    LiablePerson {
        name: name.into(),
        date_of_birth: born,
    }
}

pub(super) fn account(id: i64, liable: Vec<LiablePerson>) -> AccountFacts {
    AccountFacts {
        account: CtAccount {
            id,
            reference: "CT1234567".parse().unwrap(),
            office_id: 1,
            band: CouncilTaxBand::C,
            address: "12 Moss Street, Elgin".into(),
            postcode: "IV30 1AB".into(),
            uprn: "133033601".parse().unwrap(),
            liable,
            phone: Some("01343 543210".into()),
            email: None,
            single_person_discount: false,
            direct_debit: true,
            paperless: false,
            liability_start: Some(d(2019, 6, 1)),
            last_instalment_pence: Some(15_462),
            bank_last_four: Some("0423".into()),
        },
        liability_start: d(2019, 6, 1),
        held: Held {
            dates_of_birth: vec![d(1961, 7, 9)],
            postcode: "IV30 1AB".into(),
            last_instalment: Some(Pence(15_462)),
            bank_last_four: Some("0423".into()),
            phone: Some("01343 543210".into()),
        },
    }
}

pub(super) const ISLA: &str = "Isla Grant";
pub(super) const EWAN: &str = "Ewan Grant";
pub(super) const CHECK: u128 = 1;

/// Account 10: Isla and Ewan, liable since June 2019; Isla passed a check with agent 7 at 09:30.
/// Account 20: Morag alone.
pub(super) fn world() -> Mem {
    Mem {
        accounts: vec![
            account(10, vec![person(ISLA, d(1961, 7, 9)), person(EWAN, d(1963, 2, 2))]),
            account(20, vec![person("Morag Innes", d(1950, 1, 1))]),
        ],
        checks: vec![
            a_check(CHECK, 10, 7, at(9, 30), true),
            a_check(2, 20, 7, at(9, 30), true),
        ],
        supervisors: vec![3],
        ..Mem::default()
    }
}

pub(super) fn change_on(n: u128, account_id: i64, check: u128, effective: NaiveDate) -> Change {
    let request_id = Uuid::from_u128(1000 + n);
    Change {
        request_id,
        reference: reference_for(request_id),
        account_id,
        check_id: Uuid::from_u128(check),
        effective,
    }
}

pub(super) fn change(effective: NaiveDate) -> Change {
    change_on(0, 10, CHECK, effective)
}

pub(super) fn run_with(w: &mut Mem, cmd: Command, ctx: &Ctx) -> Result<Vec<Effect>, (&'static str, String)> {
    let Ok(decision) = decide(w, &cmd, ctx);
    decision.map_err(|r| (r.code.as_str(), r.message))
}

pub(super) fn run(w: &mut Mem, cmd: Command) -> Result<ChangeRequest, &'static str> {
    let effects = run_with(w, cmd, &ctx()).map_err(|(code, _)| code)?;
    let Effect::Put(r) = &effects[1] else {
        panic!("{effects:?}")
    };
    assert_eq!(
        (r.table.as_str(), r.bucket.as_str()),
        ("ct_change_requests", "counciltax:office:1")
    );
    assert!(matches!(&effects[0], Effect::Audit(a) if a.record_id == "10" || a.record_id == "20"));
    Ok(r.parse().unwrap())
}

/// Applies a decided change to the world, as the server would, so later changes see it.
pub(super) fn take(w: &mut Mem, cmd: Command) -> ChangeRequest {
    let r = run(w, cmd).unwrap();
    w.requests.push(r.clone());
    r
}

pub(super) fn move_out(c: Change, who: &str, next: Next) -> Command {
    Command::MoveOut(MoveOut {
        change: c,
        person: who.into(),
        forwarding_address: "3 Harbour Row, Lossiemouth IV31 6AA".into(),
        tenure: Tenure::Owner,
        sale_or_tenancy_end: Some(d(2025, 10, 31)),
        representative: Some(Representative {
            kind: RepresentativeKind::Solicitor,
            name: "Grigor & Young".into(),
            contact: "01343 544077".into(),
        }),
        next,
    })
}

pub(super) fn spd(c: Change) -> Command {
    Command::ApplySpd(SinglePersonDiscount { change: c })
}

pub(super) fn direct_debit(sort_code: &str, number: &str, instalments: u8, day: u8) -> Command {
    Command::DirectDebit(DirectDebit {
        change: change(d(2025, 12, 1)),
        account_holder: ISLA.into(),
        sort_code: sort_code.into(),
        account_number: number.into(),
        instalments,
        day,
    })
}

pub(super) fn paperless(email: &str, again: &str) -> Command {
    Command::PaperlessSignUp(PaperlessSignUp {
        change: change(d(2025, 11, 3)),
        email: email.into(),
        email_again: again.into(),
        consent_wording: "I agree to receive my council tax bills by email instead of by post.".into(),
        consent_version: "2025-1".into(),
    })
}

impl Mem {
    pub(super) fn clone_world(&self) -> Mem {
        Mem {
            accounts: self.accounts.clone(),
            requests: self.requests.clone(),
            checks: self.checks.clone(),
            clearances: self.clearances.clone(),
            supervisors: self.supervisors.clone(),
            scope: self.scope.clone(),
        }
    }
}
