//! The changes taken by phone: one method per `desk_domain::council_tax` change command. Each
//! checks its form's shape first (the refusal's code names the field: `invalid_postcode`,
//! `emails_differ`, `invalid_sort_code`…), makes the request id and the reference read to the
//! caller here (so it works offline and stays the reference), records the command through the
//! core and returns the request with the charge estimate before and after.

use chrono::NaiveDate;
use desk_domain::council_tax::command::{
    AdultIn, AdultOut, Change, ChangeName, CorrespondenceAddress, CtrReferral, DirectDebit, DisabledReduction,
    Disregard, EndSinglePersonDiscount, ExemptionClaim, FormSentBy, MoveIn, MoveOut, MoveWithin, Next, PaperlessSignUp,
    PaperlessWithdrawal, Representative, SinglePersonDiscount, Tenure,
};
use desk_domain::council_tax::reasons::{DisregardReason, Exemption};
use desk_domain::council_tax::{AccountFacts, Code, reference_for, rules};
use desk_domain::values::Uprn;
use desk_domain::{Channel, Command, Refusal};
use rusqlite::Connection;
use uuid::Uuid;

use super::page::request_view;
use super::views::{ChangeInput, ChangeReceipt};
use super::{CouncilTax, charges, estimate, reads};
use crate::DeskError;
use crate::desk::{check_id, check_text, local_now};

/// The longest text crossing IPC into a change (the domain's rules hold the real limits, with
/// words for staff).
const MAX_INPUT: usize = 2000;

fn text(what: &str, value: &str) -> Result<(), DeskError> {
    check_text(what, value, MAX_INPUT, true)
}

fn refused(r: Refusal) -> DeskError {
    r.into()
}

fn name(value: &str) -> Result<String, DeskError> {
    text("The name", value)?;
    rules::name(value).map_err(refused)
}

fn address(value: &str) -> Result<String, DeskError> {
    text("The address", value)?;
    rules::address(value).map_err(refused)
}

/// A postcode as the caller said it, kept in its written form (`IV30 1AB`).
fn postcode(value: &str) -> Result<String, DeskError> {
    text("The postcode", value)?;
    let squashed = rules::postcode(value).map_err(refused)?;
    let (outward, inward) = squashed.split_at(squashed.len() - 3);
    Ok(format!("{outward} {inward}"))
}

/// A date of birth: not in the future (whether the person is 18 on the date is the rules').
fn born(value: NaiveDate) -> Result<NaiveDate, DeskError> {
    if value > local_now().date() {
        return Err(refused(Refusal::new(
            Code::InvalidDateOfBirth,
            format!("The date of birth {value} is in the future."),
        )));
    }
    Ok(value)
}

fn uprn(value: &str) -> Result<Uprn, DeskError> {
    text("The UPRN", value)?;
    value
        .parse()
        .map_err(|_| DeskError::invalid(format!("`{value}` is not a UPRN: up to 12 digits.")))
}

fn next(n: Next) -> Result<Next, DeskError> {
    if let Next::NewLiable { name: new } = &n {
        name(new)?;
    }
    Ok(n)
}

fn representative(r: Option<Representative>) -> Result<Option<Representative>, DeskError> {
    if let Some(r) = &r {
        name(&r.name)?;
        text("The contact details", &r.contact)?;
    }
    Ok(r)
}

/// The change every command carries, with a new request id and its reference.
fn change_of(input: ChangeInput) -> Result<Change, DeskError> {
    check_id("The account id", input.account_id)?;
    if input.check_id.is_nil() {
        return Err(refused(Refusal::new(
            Code::NoCheck,
            "Check the caller's identity before taking a change.",
        )));
    }
    let request_id = Uuid::now_v7();
    Ok(Change {
        request_id,
        reference: reference_for(request_id),
        account_id: input.account_id,
        check_id: input.check_id,
        effective: input.effective,
    })
}

/// The receipt of the change just recorded: its request as the desk holds it now, and the
/// estimate from the changes taken before it. An estimate that cannot be made (no charges for
/// the year, a charge table that does not load) leaves it out, never the change.
fn receipt(conn: &Connection, cmd: &desk_domain::council_tax::Command) -> Result<ChangeReceipt, DeskError> {
    let c = cmd.change().expect("every command recorded here is a change");
    let all = reads::requests(conn, c.account_id)?;
    let request = all
        .iter()
        .find(|e| e.record.id == c.request_id)
        .map(|e| request_view(&e.record, e.pending))
        .ok_or_else(|| DeskError::Store(format!("request {} vanished while being recorded", c.reference)))?;
    let earlier: Vec<_> = all
        .into_iter()
        .filter(|e| e.record.id != c.request_id)
        .map(|e| e.record)
        .collect();
    let account = reads::account(conn, c.account_id)?
        .ok_or_else(|| DeskError::NotFound(format!("Council-tax account {} is not on this desk.", c.account_id)))?;
    let estimate = match charges::configured() {
        Ok(table) => estimate::for_change(&table, &AccountFacts::of(account), &earlier, cmd, local_now().date())
            .unwrap_or_else(|e| {
                tracing::warn!(error = %e, reference = %c.reference, "no estimate for a change taken");
                None
            }),
        Err(e) => {
            tracing::warn!(error = %e, "the council-tax charge table cannot be used; no estimate");
            None
        }
    };
    Ok(ChangeReceipt { request, estimate })
}

impl CouncilTax<'_> {
    async fn take(&self, cmd: Command) -> Result<ChangeReceipt, DeskError> {
        let Command::CouncilTax(shown) = cmd.clone() else {
            return Err(DeskError::Store(format!("{} is not a council-tax change", cmd.name())));
        };
        self.desk
            .record_command(cmd, Channel::Telephone, move |conn| receipt(conn, &shown))
            .await
    }

    /// A new liable person moves in to the account's property.
    pub async fn move_in(
        &self,
        change: ChangeInput,
        person: &str,
        date_of_birth: NaiveDate,
        tenure: Tenure,
        previous_address: Option<&str>,
    ) -> Result<ChangeReceipt, DeskError> {
        let cmd = MoveIn {
            name: name(person)?,
            date_of_birth: born(date_of_birth)?,
            tenure,
            previous_address: previous_address.map(address).transpose()?,
            change: change_of(change)?,
        };
        self.take(cmd.into()).await
    }

    /// A liable person moves out, with where to and who is liable next.
    #[allow(clippy::too_many_arguments)]
    pub async fn move_out(
        &self,
        change: ChangeInput,
        person: &str,
        forwarding_address: &str,
        tenure: Tenure,
        sale_or_tenancy_end: Option<NaiveDate>,
        representative: Option<Representative>,
        next_liable: Next,
    ) -> Result<ChangeReceipt, DeskError> {
        let cmd = MoveOut {
            person: name(person)?,
            forwarding_address: address(forwarding_address)?,
            tenure,
            sale_or_tenancy_end,
            representative: self::representative(representative)?,
            next: next(next_liable)?,
            change: change_of(change)?,
        };
        self.take(cmd.into()).await
    }

    /// A liable person moves to another home in the council's area.
    pub async fn move_within(
        &self,
        change: ChangeInput,
        person: &str,
        new_address: &str,
        new_postcode: &str,
        new_uprn: Option<&str>,
        next_liable: Next,
    ) -> Result<ChangeReceipt, DeskError> {
        let cmd = MoveWithin {
            person: name(person)?,
            new_address: address(new_address)?,
            new_postcode: postcode(new_postcode)?,
            new_uprn: new_uprn.filter(|u| !u.trim().is_empty()).map(uprn).transpose()?,
            next: next(next_liable)?,
            change: change_of(change)?,
        };
        self.take(cmd.into()).await
    }

    /// Another adult (not liable) comes to live there.
    pub async fn adult_in(
        &self,
        change: ChangeInput,
        person: &str,
        date_of_birth: NaiveDate,
    ) -> Result<ChangeReceipt, DeskError> {
        let cmd = AdultIn {
            name: name(person)?,
            date_of_birth: born(date_of_birth)?,
            change: change_of(change)?,
        };
        self.take(cmd.into()).await
    }

    /// Another adult (not liable) leaves.
    pub async fn adult_out(&self, change: ChangeInput, person: &str) -> Result<ChangeReceipt, DeskError> {
        let cmd = AdultOut {
            name: name(person)?,
            change: change_of(change)?,
        };
        self.take(cmd.into()).await
    }

    /// The single person discount (25%) from the effective date.
    pub async fn apply_spd(&self, change: ChangeInput) -> Result<ChangeReceipt, DeskError> {
        let cmd = SinglePersonDiscount {
            change: change_of(change)?,
        };
        self.take(cmd.into()).await
    }

    /// The single person discount ends from the effective date.
    pub async fn remove_spd(&self, change: ChangeInput) -> Result<ChangeReceipt, DeskError> {
        let cmd = EndSinglePersonDiscount {
            change: change_of(change)?,
        };
        self.take(cmd.into()).await
    }

    /// A resident is disregarded for the reason given (evidence may be asked for).
    pub async fn disregard(
        &self,
        change: ChangeInput,
        person: &str,
        reason: DisregardReason,
    ) -> Result<ChangeReceipt, DeskError> {
        let cmd = Disregard {
            person: name(person)?,
            reason,
            change: change_of(change)?,
        };
        self.take(cmd.into()).await
    }

    /// An exemption (a paragraph of Schedule 1 to the 1997 Order), with the date its time limit
    /// runs from where it has one.
    pub async fn claim_exemption(
        &self,
        change: ChangeInput,
        exemption: Exemption,
        since: Option<NaiveDate>,
    ) -> Result<ChangeReceipt, DeskError> {
        let cmd = ExemptionClaim {
            exemption,
            since,
            change: change_of(change)?,
        };
        self.take(cmd.into()).await
    }

    /// A disabled band reduction asked for: who needs the feature of the home, and what it is.
    pub async fn disabled_reduction(
        &self,
        change: ChangeInput,
        person: &str,
        feature: &str,
    ) -> Result<ChangeReceipt, DeskError> {
        text("The feature of the home", feature)?;
        let cmd = DisabledReduction {
            person: name(person)?,
            feature: rules::free_text(feature, "feature of the home").map_err(refused)?,
            change: change_of(change)?,
        };
        self.take(cmd.into()).await
    }

    pub async fn change_name(
        &self,
        change: ChangeInput,
        person: &str,
        new_name: &str,
    ) -> Result<ChangeReceipt, DeskError> {
        let cmd = ChangeName {
            person: name(person)?,
            new_name: name(new_name)?,
            change: change_of(change)?,
        };
        self.take(cmd.into()).await
    }

    /// Where bills and letters go, when not to the property.
    pub async fn correspondence_address(
        &self,
        change: ChangeInput,
        new_address: &str,
        new_postcode: &str,
    ) -> Result<ChangeReceipt, DeskError> {
        let cmd = CorrespondenceAddress {
            address: address(new_address)?,
            postcode: postcode(new_postcode)?,
            change: change_of(change)?,
        };
        self.take(cmd.into()).await
    }

    /// Paperless bills: the email typed twice (they must match), and the consent wording read
    /// to the caller with its version.
    pub async fn paperless_sign_up(
        &self,
        change: ChangeInput,
        email: &str,
        email_again: &str,
        consent_wording: &str,
        consent_version: &str,
    ) -> Result<ChangeReceipt, DeskError> {
        text("The email address", email)?;
        text("The email address typed again", email_again)?;
        text("The consent wording", consent_wording)?;
        text("The consent version", consent_version)?;
        let first = rules::email(email).map_err(refused)?;
        if !rules::email(email_again).is_ok_and(|again| again.eq_ignore_ascii_case(&first)) {
            return Err(refused(Refusal::new(
                Code::EmailsDiffer,
                "The two email addresses differ: read it back to the caller and type it again.",
            )));
        }
        let cmd = PaperlessSignUp {
            email: first.clone(),
            email_again: first,
            consent_wording: rules::free_text(consent_wording, "consent wording").map_err(refused)?,
            consent_version: rules::free_text(consent_version, "consent version").map_err(refused)?,
            change: change_of(change)?,
        };
        self.take(cmd.into()).await
    }

    pub async fn paperless_withdrawal(&self, change: ChangeInput) -> Result<ChangeReceipt, DeskError> {
        let cmd = PaperlessWithdrawal {
            change: change_of(change)?,
        };
        self.take(cmd.into()).await
    }

    /// Direct Debit set up or changed: 10 or 12 monthly instalments on the 5th, 15th or 25th.
    /// The sort code and account number go to the server in the command only; the request the
    /// desk keeps holds the last four digits.
    pub async fn direct_debit(
        &self,
        change: ChangeInput,
        account_holder: &str,
        sort_code: &str,
        account_number: &str,
        instalments: u8,
        day: u8,
    ) -> Result<ChangeReceipt, DeskError> {
        text("The sort code", sort_code)?;
        text("The account number", account_number)?;
        if !(matches!(instalments, 10 | 12) && matches!(day, 5 | 15 | 25)) {
            return Err(refused(Refusal::new(
                Code::InvalidPlan,
                "Direct Debit is 10 or 12 monthly instalments on the 5th, 15th or 25th.",
            )));
        }
        let cmd = DirectDebit {
            account_holder: name(account_holder)?,
            sort_code: rules::sort_code(sort_code).map_err(refused)?,
            account_number: rules::bank_account(account_number).map_err(refused)?,
            instalments,
            day,
            change: change_of(change)?,
        };
        self.take(cmd.into()).await
    }

    /// A Council Tax Reduction referral: recorded, and the form sent by post or email.
    pub async fn ctr_referral(
        &self,
        change: ChangeInput,
        form_sent_by: FormSentBy,
    ) -> Result<ChangeReceipt, DeskError> {
        let cmd = CtrReferral {
            form_sent_by,
            change: change_of(change)?,
        };
        self.take(cmd.into()).await
    }
}
