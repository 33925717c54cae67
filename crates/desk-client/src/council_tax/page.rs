//! The account page and the identity check. What the page holds is decided here, in the
//! facade, not on the screen: before a passed check by this agent on this account within 60
//! minutes it carries the [`AccountSummary`] only.

use chrono::NaiveDateTime;
use desk_domain::council_tax::command::{ClearLock, RecordCheck};
use desk_domain::council_tax::identity::{self, CHECK_VALID_FOR, Caller};
use desk_domain::council_tax::records::{ChangeRequest, IdentityCheck};
use desk_domain::{Channel, Command, CtAccount};
use rusqlite::{Connection, TransactionBehavior};
use uuid::Uuid;

use super::views::{
    AccountDetail, AccountPage, AccountSummary, CheckInput, CheckOutcome, LiablePersonView, OpenCheck, PaymentView,
    RequestView,
};
use super::{CouncilTax, VIEWINGS_SHOWN, reads, viewed};
use crate::desk::{MAX_TEXT, check_id, check_text, local_now, staff_of};
use crate::{DeskError, audit};

/// The passed check by `staff_id` on the account that still lets changes be made at `now`,
/// the newest if several do.
pub(crate) fn open_check(
    checks: &[reads::Effective<IdentityCheck>],
    account_id: i64,
    staff_id: i64,
    now: NaiveDateTime,
) -> Option<OpenCheck> {
    checks
        .iter()
        .map(|e| &e.record)
        .filter(|c| identity::authorise(Some(c), account_id, staff_id, now).is_ok())
        .max_by_key(|c| c.at)
        .map(|c| OpenCheck {
            check_id: c.id,
            valid_until: c.at + CHECK_VALID_FOR,
        })
}

pub(crate) fn is_locked(conn: &Connection, account_id: i64, now: NaiveDateTime) -> rusqlite::Result<bool> {
    let checks: Vec<IdentityCheck> = reads::checks(conn, account_id)?.into_iter().map(|e| e.record).collect();
    let clearances = reads::clearances(conn, account_id)?;
    Ok(identity::locked(&checks, &clearances, account_id, now))
}

/// A change request's kind in plain words.
pub(crate) fn title(kind: &str) -> &'static str {
    match kind.strip_prefix("council_tax.").unwrap_or(kind) {
        "move_in" => "Moving in",
        "move_out" => "Moving out",
        "move_within" => "Moving within the area",
        "adult_in" => "Another adult moving in",
        "adult_out" => "Another adult moving out",
        "apply_spd" => "Single person discount",
        "remove_spd" => "End the single person discount",
        "disregard" => "Disregard",
        "claim_exemption" => "Exemption claim",
        "disabled_reduction" => "Disabled band reduction",
        "change_name" => "Change of name",
        "correspondence_address" => "Correspondence address",
        "paperless_sign_up" => "Paperless billing",
        "paperless_withdrawal" => "Back to paper bills",
        "direct_debit" => "Direct Debit",
        "ctr_referral" => "Council Tax Reduction referral",
        _ => "Change",
    }
}

pub(crate) fn request_view(r: &ChangeRequest, pending: bool) -> RequestView {
    RequestView {
        id: r.id,
        reference: r.reference.clone(),
        kind: r.kind.clone(),
        title: title(&r.kind).to_owned(),
        effective: r.effective,
        status: r.status,
        status_message: r.status_message.clone(),
        needs_review: r.needs_review,
        pending,
        received_at: r.received_at,
    }
}

fn masked(last_four: &str) -> String {
    format!("•••• {last_four}")
}

fn detail(conn: &Connection, a: &CtAccount) -> Result<AccountDetail, DeskError> {
    let mut requests: Vec<RequestView> = reads::requests(conn, a.id)?
        .iter()
        .map(|e| request_view(&e.record, e.pending))
        .collect();
    requests.sort_by_key(|r| std::cmp::Reverse((r.effective, r.received_at)));
    Ok(AccountDetail {
        liable: a
            .liable
            .iter()
            .map(|p| LiablePersonView {
                name: p.name.clone(),
                date_of_birth: p.date_of_birth,
            })
            .collect(),
        liability_start: a.liability_start,
        single_person_discount: a.single_person_discount,
        phone: a.phone.clone(),
        email: a.email.clone(),
        paperless: a.paperless,
        payment: PaymentView {
            direct_debit: a.direct_debit,
            bank_account: a.bank_last_four.as_deref().map(masked),
            last_instalment: a.last_instalment_pence.map(desk_domain::values::Pence),
        },
        requests,
        viewed: audit::viewings(
            conn,
            desk_domain::RecordKind::CtAccount,
            &a.id.to_string(),
            VIEWINGS_SHOWN,
        )?,
    })
}

/// The page as this agent may see it at `now`, the view audited (as a summary or in full).
pub(crate) fn page(conn: &Connection, account_id: i64, now: NaiveDateTime) -> Result<AccountPage, DeskError> {
    let a = reads::account(conn, account_id)?
        .ok_or_else(|| DeskError::NotFound(format!("Council-tax account {account_id} is not on this desk.")))?;
    let staff_id = staff_of(conn)?;
    let check = open_check(&reads::checks(conn, account_id)?, account_id, staff_id, now);
    let locked = is_locked(conn, account_id, now)?;
    let detail = match &check {
        Some(c) => {
            viewed(
                conn,
                account_id,
                &format!("council-tax account page, after check {}", c.check_id),
            )?;
            Some(detail(conn, &a)?)
        }
        None => {
            viewed(
                conn,
                account_id,
                "council-tax account summary, before the identity check",
            )?;
            None
        }
    };
    Ok(AccountPage {
        summary: AccountSummary::from(&a),
        locked,
        check,
        detail,
    })
}

fn caller_of(c: Caller) -> Result<Caller, DeskError> {
    match &c {
        Caller::LiablePerson { name } => check_text("The caller's name", name, MAX_TEXT, false)?,
        Caller::ThirdParty { name, seen, .. } => {
            check_text("The caller's name", name, MAX_TEXT, false)?;
            check_text("What was seen of the authority", seen, 2 * MAX_TEXT, true)?;
        }
    }
    Ok(c)
}

impl CouncilTax<'_> {
    /// The account page. Before the caller has passed the identity check (this agent, this
    /// account, the last 60 minutes) it carries the summary only — the property, the liable
    /// names and the band; no date of birth, phone, email, bank detail or balance. Audited
    /// either way.
    pub async fn account(&self, account_id: i64) -> Result<AccountPage, DeskError> {
        check_id("The account id", account_id)?;
        let me = self.desk.staff_profile().await?;
        let mut shown = self
            .desk
            .db(move |conn| {
                let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
                let shown = page(&tx, account_id, local_now())?;
                tx.commit()?;
                Ok(shown)
            })
            .await?;
        if let (Some(d), Some(me)) = (shown.detail.as_mut(), me) {
            for v in d.viewed.iter_mut().filter(|v| v.staff_id == Some(me.id)) {
                v.staff_name = Some(me.display_name.clone());
            }
        }
        Ok(shown)
    }

    /// Records the caller's identity check: who is calling, how they picked out the account,
    /// and the items asked with the caller's answers as typed. The answer is match or no match
    /// per item, never what the account holds. Offline too: the desk decides with the same
    /// rules, and the server decides again.
    pub async fn record_check(&self, input: CheckInput) -> Result<CheckOutcome, DeskError> {
        check_id("The account id", input.account_id)?;
        for a in &input.answers {
            check_text("An answer", &a.typed, MAX_TEXT, false)?;
        }
        let check_id = Uuid::now_v7();
        let account_id = input.account_id;
        let cmd = Command::from(RecordCheck {
            check_id,
            account_id,
            caller: caller_of(input.caller)?,
            identified_by: input.identified_by,
            answers: input.answers,
        });
        self.desk
            .record_command(cmd, Channel::Telephone, move |conn| {
                let c = reads::check(conn, account_id, check_id)?
                    .ok_or_else(|| DeskError::Store(format!("check {check_id} vanished while being recorded")))?;
                Ok(CheckOutcome {
                    check_id,
                    account_id,
                    passed: c.passed,
                    valid_until: c.passed.then_some(c.at + CHECK_VALID_FOR),
                    locked: is_locked(conn, account_id, local_now())?,
                    items: c.items,
                })
            })
            .await
    }

    /// A supervisor lets phone changes to a locked account go ahead again; `note` says why.
    /// Refused with `not_supervisor` for anyone else. Returns the account page as it is then.
    pub async fn clear_lock(&self, account_id: i64, note: &str) -> Result<AccountPage, DeskError> {
        check_id("The account id", account_id)?;
        check_text("The note", note, 2 * MAX_TEXT, true)?;
        let cmd = Command::from(ClearLock {
            clearance_id: Uuid::now_v7(),
            account_id,
            note: note.trim().to_owned(),
        });
        self.desk
            .record_command(cmd, Channel::Telephone, move |conn| page(conn, account_id, local_now()))
            .await
    }
}
