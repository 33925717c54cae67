//! The one place a council-tax command's state change is written: the identity check and its
//! lock, and each change as a request for the revenue system. The server runs `decide` in the
//! command's transaction; a desk runs it against its replica and pending overlay, offline.

use chrono::{Duration, Months, NaiveDate};
use uuid::Uuid;

use super::Code;
use super::command::*;
use super::identity::{self, Held};
use super::records::{BankDetails, ChangeRequest, IdentityCheck, LockClearance, RequestStatus};
use super::reference::reference_for;
use super::rules::{self, Household, Taken, household_on, same_name};
use crate::effect::{AuditNote, Effect, Record, RecordKind};
use crate::refusal::{CommonCode, Refusal};
use crate::service::{Ctx, Decision, Source};
use crate::wire::Alternative;
use crate::{Bucket, Channel, CtAccount};

/// How far ahead a change may take effect (issue 10 §2).
pub const MAX_DAYS_AHEAD: i64 = 60;
/// Back-dated further than this, a change is accepted but flagged for a supervisor (issue 10 §2).
pub const REVIEW_AFTER_MONTHS: u32 = 6;

/// An account as the rules need it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AccountFacts {
    pub account: CtAccount,
    /// The first day the current taxpayers became liable.
    pub liability_start: NaiveDate,
    /// What the identity check compares with; never shown.
    pub held: Held,
}

/// The reads the council-tax rules need. The server answers from its database, the desk from
/// replica + overlay.
pub trait Facts: Source {
    fn ct_account(&mut self, id: i64) -> Result<Option<AccountFacts>, Self::Error>;
    fn ct_request_exists(&mut self, id: Uuid) -> Result<bool, Self::Error>;
    /// Every change request taken on the account (any status).
    fn ct_requests(&mut self, account_id: i64) -> Result<Vec<ChangeRequest>, Self::Error>;
    fn ct_check(&mut self, id: Uuid) -> Result<Option<IdentityCheck>, Self::Error>;
    /// The failed checks on the account since its last lock clearance (or all its failed
    /// checks, if it was never cleared): what the lock is decided on. Passing more is harmless.
    fn ct_failed_checks(&mut self, account_id: i64) -> Result<Vec<IdentityCheck>, Self::Error>;
    /// The account's lock clearances (the latest is enough).
    fn ct_clearances(&mut self, account_id: i64) -> Result<Vec<LockClearance>, Self::Error>;
    fn is_supervisor(&mut self, staff_id: i64) -> Result<bool, Self::Error>;
}

type Checked<T> = Result<T, Refusal>;

pub fn decide<F: Facts + ?Sized>(facts: &mut F, cmd: &Command, ctx: &Ctx) -> Result<Decision, F::Error> {
    let account_id = match cmd {
        Command::RecordCheck(a) => a.account_id,
        Command::ClearLock(a) => a.account_id,
        _ => cmd.change().map_or(0, |c| c.account_id),
    };
    let Some(acc) = facts.ct_account(account_id)? else {
        return Ok(Err(Refusal::new(
            Code::UnknownAccount,
            format!("There is no council-tax account {account_id}."),
        )));
    };
    if !facts.may_write(&Bucket::CouncilTaxOffice(acc.account.office_id)) {
        return Ok(Err(Refusal::new(
            CommonCode::OutOfScope,
            "This account belongs to an office outside yours, so it cannot be changed from this desk.",
        )));
    }
    match cmd {
        Command::RecordCheck(a) => {
            if facts.ct_check(a.check_id)?.is_some() {
                return Ok(Err(Refusal::new(
                    Code::DuplicateRequest,
                    format!("A check with id {} already exists.", a.check_id),
                )));
            }
            Ok(record_check(&acc, a, ctx))
        }
        Command::ClearLock(a) => {
            if !facts.is_supervisor(ctx.staff_id)? {
                return Ok(Err(Refusal::new(
                    Code::NotSupervisor,
                    "Only a supervisor can let changes to a locked account go ahead.",
                )));
            }
            Ok(clear_lock(&acc, a, ctx))
        }
        _ => change(facts, &acc, cmd, ctx),
    }
}

fn audit(account: &CtAccount, detail: String) -> Effect {
    Effect::Audit(AuditNote {
        kind: RecordKind::CtAccount,
        record_id: account.id.to_string(),
        person_id: None,
        detail,
    })
}

fn record_check(acc: &AccountFacts, a: &RecordCheck, ctx: &Ctx) -> Decision {
    if let identity::Caller::ThirdParty { name, seen, .. } = &a.caller {
        rules::name(name)?;
        rules::free_text(seen, "record of the authority seen")?;
    }
    if let identity::Caller::LiablePerson { name } = &a.caller
        && !acc.account.liable.iter().any(|p| same_name(&p.name, name))
    {
        return Err(Refusal::new(
            Code::UnknownPerson,
            "The caller is not one of the account's liable people: take them as a third party with authority.",
        ));
    }
    let (passed, items) = identity::check(&a.answers, &acc.held)?;
    let row = IdentityCheck {
        id: a.check_id,
        account_id: acc.account.id,
        office_id: acc.account.office_id,
        staff_id: ctx.staff_id,
        at: ctx.now,
        caller: a.caller.clone(),
        identified_by: a.identified_by,
        items,
        passed,
    };
    let used: Vec<&str> = row.items.iter().map(|i| i.item.words()).collect();
    Ok(vec![
        audit(
            &acc.account,
            format!(
                "council_tax.record_check: {} on {}",
                if passed { "passed" } else { "failed" },
                used.join(", ")
            ),
        ),
        Effect::Put(Record::synced(&row)),
    ])
}

fn clear_lock(acc: &AccountFacts, a: &ClearLock, ctx: &Ctx) -> Decision {
    let note = rules::free_text(&a.note, "note")?;
    let row = LockClearance {
        id: a.clearance_id,
        account_id: acc.account.id,
        office_id: acc.account.office_id,
        staff_id: ctx.staff_id,
        at: ctx.now,
        note,
    };
    Ok(vec![
        audit(&acc.account, "council_tax.clear_lock".into()),
        Effect::Put(Record::synced(&row)),
    ])
}

/// The rules every change shares, then its own; the request it becomes.
fn change<F: Facts + ?Sized>(
    facts: &mut F,
    acc: &AccountFacts,
    cmd: &Command,
    ctx: &Ctx,
) -> Result<Decision, F::Error> {
    let Some(c) = cmd.change() else {
        return Ok(Err(Refusal::new(CommonCode::BadArgs, "not a change")));
    };
    if facts.ct_request_exists(c.request_id)? {
        return Ok(Err(Refusal::new(
            Code::DuplicateRequest,
            format!("A request with id {} already exists.", c.request_id),
        )));
    }
    if c.reference != reference_for(c.request_id) {
        return Ok(Err(Refusal::new(
            Code::InvalidReference,
            format!("`{}` is not the reference made for this request.", c.reference),
        )));
    }
    let check = facts.ct_check(c.check_id)?;
    if let Err(r) = identity::authorise(check.as_ref(), acc.account.id, ctx.staff_id, ctx.now) {
        return Ok(Err(r));
    }
    let today = ctx.now.date();
    if ctx.channel == Channel::Telephone {
        let checks = facts.ct_failed_checks(acc.account.id)?;
        let clearances = facts.ct_clearances(acc.account.id)?;
        if identity::locked(&checks, &clearances, acc.account.id, ctx.now) {
            return Ok(Err(Refusal::new(
                Code::AccountLocked,
                format!(
                    "{} identity checks on this account failed in one day: phone changes wait until a supervisor clears it.",
                    identity::FAILED_CHECKS_TO_LOCK
                ),
            )));
        }
    }
    if let Err(r) = effective_date(acc, c.effective, today) {
        return Ok(Err(r));
    }
    let needs_review = today
        .checked_sub_months(Months::new(REVIEW_AFTER_MONTHS))
        .is_some_and(|limit| c.effective < limit);
    let requests = facts.ct_requests(acc.account.id)?;
    let household = household_on(&acc.account, &requests, c.effective);
    let kept = match own_rules(cmd, &household, c.effective, today) {
        Ok(k) => k,
        Err(r) => return Ok(Err(r)),
    };
    let row = ChangeRequest {
        id: c.request_id,
        reference: c.reference.clone(),
        account_id: acc.account.id,
        office_id: acc.account.office_id,
        kind: cmd.name().to_owned(),
        effective: c.effective,
        detail: kept.detail,
        derived: kept.derived,
        status: RequestStatus::Received,
        status_message: None,
        needs_review,
        check_id: c.check_id,
        staff_id: ctx.staff_id,
        received_at: ctx.at,
    };
    if let Err(r) = later_changes_still_hold(acc, &requests, &row, today) {
        return Ok(Err(r));
    }
    let review = if needs_review { ", back-dated: for review" } else { "" };
    let mut effects = vec![
        audit(&acc.account, format!("{} {}{review}", cmd.name(), row.reference)),
        Effect::Put(Record::synced(&row)),
    ];
    // After the request, which it refers to: the full details for the revenue export, kept by
    // the server alone (own_rules has checked their format).
    if let Command::DirectDebit(a) = cmd
        && let (Ok(sort_code), Ok(account_number)) =
            (rules::sort_code(&a.sort_code), rules::bank_account(&a.account_number))
    {
        let bank = BankDetails {
            request_id: row.id,
            account_holder: a.account_holder.trim().to_owned(),
            sort_code,
            account_number,
            received_at: ctx.at,
        };
        effects.push(Effect::ServerOnly(bank.record()));
    }
    Ok(Ok(effects))
}

/// A change that takes effect before changes already taken must not undo them: a partner's
/// move out dated before an SPD that rested on their staying is refused, naming the SPD. Only
/// what this change breaks counts (a later change that would fail anyway is not its doing).
fn later_changes_still_hold(
    acc: &AccountFacts,
    requests: &[ChangeRequest],
    new: &ChangeRequest,
    today: NaiveDate,
) -> Checked<()> {
    let without = Taken::new(requests);
    let mut all = requests.to_vec();
    all.push(new.clone());
    let with = Taken::new(&all);
    let Some(at) = with.changes().iter().position(|(_, r, _)| *r == new.reference) else {
        return Ok(());
    };
    for (j, (effective, reference, later)) in with.changes().iter().enumerate().skip(at + 1) {
        let broken = own_rules(later, &with.household_before(&acc.account, j), *effective, today);
        let Err(why) = broken else { continue };
        // The same change's place in the list without the new one is one earlier.
        if own_rules(later, &without.household_before(&acc.account, j - 1), *effective, today).is_ok() {
            return Err(Refusal::new(
                Code::ContradictsEarlierChange,
                format!(
                    "This contradicts request {reference} ({} from {effective}), taken earlier. With this change: {}",
                    later.name(),
                    why.message
                ),
            ));
        }
    }
    Ok(())
}

fn effective_date(acc: &AccountFacts, effective: NaiveDate, today: NaiveDate) -> Checked<()> {
    if effective < acc.liability_start {
        return Err(Refusal::new(
            Code::EffectiveBeforeLiability,
            format!(
                "{effective} is before the account's liability started ({}).",
                acc.liability_start
            ),
        ));
    }
    if effective > today + Duration::days(MAX_DAYS_AHEAD) {
        return Err(Refusal::new(
            Code::EffectiveTooFarAhead,
            format!("{effective} is more than {MAX_DAYS_AHEAD} days ahead: ask the caller to call nearer the time."),
        ));
    }
    Ok(())
}

fn to_json<T: serde::Serialize>(a: &T) -> serde_json::Value {
    serde_json::to_value(a).expect("arguments are plain data")
}

/// Someone living there on the date, or why not: gone by an earlier change, or never there.
fn resident<'h>(h: &'h Household, person: &str, on: NaiveDate) -> Checked<&'h rules::Resident> {
    if let Some(r) = h.find(person) {
        return Ok(r);
    }
    Err(match h.departure(person) {
        Some(d) => Refusal::new(
            Code::ContradictsEarlierChange,
            format!(
                "{} moved out on {} (request {}), so is not living there on {on}.",
                d.name, d.on, d.reference
            ),
        ),
        None => Refusal::new(
            Code::UnknownPerson,
            format!("{person} is not living at the property on {on}."),
        ),
    })
}

/// After `person` goes, is anyone liable?
fn someone_liable(h: &Household, person: &str, next: &Next) -> Checked<()> {
    let others = h
        .residents
        .iter()
        .filter(|r| r.liable && !same_name(&r.name, person))
        .count();
    match next {
        Next::NewLiable { name } => rules::name(name).map(|_| ()),
        Next::Exemption => Ok(()),
        Next::Unknown if others > 0 => Ok(()),
        Next::Unknown => Err(Refusal::new(
            Code::NobodyLiable,
            format!(
                "Nobody would be liable once {person} leaves: give the new owner or tenant, or say the property will be exempt."
            ),
        )),
    }
}

fn moving_person(h: &Household, person: &str, on: NaiveDate, next: &Next) -> Checked<()> {
    let r = resident(h, person, on)?;
    if !r.liable {
        return Err(Refusal::new(
            Code::UnknownPerson,
            format!("{person} is not liable: record them as another adult moving out."),
        ));
    }
    someone_liable(h, person, next)
}

/// What a request keeps: the command's arguments (bank details reduced to their last four
/// digits), and what the rules worked out for the revenue team.
struct Kept {
    detail: serde_json::Value,
    derived: serde_json::Value,
}

impl From<serde_json::Value> for Kept {
    fn from(detail: serde_json::Value) -> Self {
        Kept {
            detail,
            derived: serde_json::json!({}),
        }
    }
}

/// The command's own rules on the household at its effective date; what the request keeps.
fn own_rules(cmd: &Command, h: &Household, on: NaiveDate, today: NaiveDate) -> Checked<Kept> {
    match cmd {
        Command::RecordCheck(_) | Command::ClearLock(_) => Err(Refusal::new(CommonCode::BadArgs, "not a change")),
        Command::MoveIn(a) => {
            rules::name(&a.name)?;
            rules::adult_born(a.date_of_birth, today, on)?;
            if let Some(p) = &a.previous_address {
                rules::address(p)?;
            }
            if h.find(&a.name).is_some_and(|r| r.liable) {
                return Err(Refusal::new(
                    Code::NothingToChange,
                    format!("{} is already liable here on {on}.", a.name),
                ));
            }
            Ok(to_json(a).into())
        }
        Command::MoveOut(a) => {
            rules::address(&a.forwarding_address)?;
            if let Some(r) = &a.representative {
                rules::name(&r.name)?;
                rules::free_text(&r.contact, "contact")?;
            }
            moving_person(h, &a.person, on, &a.next)?;
            Ok(to_json(a).into())
        }
        Command::MoveWithin(a) => {
            rules::address(&a.new_address)?;
            rules::postcode(&a.new_postcode)?;
            moving_person(h, &a.person, on, &a.next)?;
            Ok(to_json(a).into())
        }
        Command::AdultIn(a) => {
            rules::name(&a.name)?;
            rules::adult_born(a.date_of_birth, today, on)?;
            if h.find(&a.name).is_some() {
                return Err(Refusal::new(
                    Code::NothingToChange,
                    format!("{} already lives there on {on}.", a.name),
                ));
            }
            Ok(to_json(a).into())
        }
        Command::AdultOut(a) => {
            let r = resident(h, &a.name, on)?;
            if r.liable {
                return Err(Refusal::new(
                    Code::UnknownPerson,
                    format!(
                        "{} is liable: take this as a move out, with a forwarding address.",
                        a.name
                    ),
                ));
            }
            Ok(to_json(a).into())
        }
        Command::ApplySpd(a) => {
            if h.residents.is_empty() {
                let why = match h.departures.last() {
                    Some(d) => format!(
                        "{} moved out on {} (request {}) and nobody lives there from then",
                        d.name, d.on, d.reference
                    ),
                    None => "nobody lives there".to_owned(),
                };
                return Err(Refusal::new(
                    Code::ContradictsEarlierChange,
                    format!("No single person discount from {on}: {why}."),
                ));
            }
            if h.counted() != 1 {
                return Err(Refusal::new(
                    Code::NotSinglePerson,
                    format!(
                        "{} adults are counted on {on}: a single person discount needs exactly one.",
                        h.counted()
                    ),
                ));
            }
            if h.single_person_discount {
                return Err(Refusal::new(
                    Code::NothingToChange,
                    format!("The single person discount already applies on {on}."),
                ));
            }
            Ok(to_json(a).into())
        }
        Command::RemoveSpd(a) => {
            if !h.single_person_discount {
                return Err(Refusal::new(
                    Code::NothingToChange,
                    format!("No single person discount applies on {on}."),
                ));
            }
            Ok(to_json(a).into())
        }
        Command::Disregard(a) => {
            let r = resident(h, &a.person, on)?;
            if r.disregarded {
                return Err(Refusal::new(
                    Code::NothingToChange,
                    format!("{} is already disregarded on {on}.", r.name),
                ));
            }
            if let (Some((from, below)), Some(born)) = (a.reason.ages(), r.date_of_birth) {
                let age = rules::age_on(born, on);
                if !(from..below).contains(&age) {
                    return Err(Refusal::new(
                        Code::InvalidDateOfBirth,
                        format!(
                            "{} is {age} on {on}: this reason is for ages {from} to {}.",
                            r.name,
                            below - 1
                        ),
                    ));
                }
            }
            Ok(Kept {
                detail: to_json(a),
                derived: serde_json::json!({ "evidence_to_follow": a.reason.needs_evidence() }),
            })
        }
        Command::ClaimExemption(a) => {
            if a.exemption.needs_unoccupied() && !h.residents.is_empty() {
                return Err(Refusal::new(
                    Code::StillOccupied,
                    format!(
                        "This exemption is for an unoccupied home, and {} lives there on {on}.",
                        h.residents[0].name
                    ),
                ));
            }
            if let Some(since) = a.since
                && since > on
            {
                return Err(Refusal::new(
                    Code::ExemptionTimeLimit,
                    format!("The exemption cannot start on {on}, before the date it runs from ({since})."),
                ));
            }
            // Before confirmation an estate's exemption has no limit yet; every other limit
            // needs the date it runs from.
            let open_ended = a.exemption == super::reasons::Exemption::DeceasedEstate;
            if a.exemption.limit_months().is_some() && a.since.is_none() && !open_ended {
                return Err(Refusal::new(
                    Code::ExemptionTimeLimit,
                    format!(
                        "Give the date the property was {}: the exemption's time limit runs from it.",
                        a.exemption.runs_from().unwrap_or("emptied")
                    ),
                ));
            }
            let last = a.exemption.last_day(a.since);
            if let Some(last) = last
                && last < on
            {
                return Err(Refusal::new(
                    Code::ExemptionTimeLimit,
                    format!(
                        "The exemption ran out on {last} ({} months), before {on}.",
                        a.exemption.limit_months().unwrap_or(0)
                    ),
                ));
            }
            Ok(Kept {
                detail: to_json(a),
                derived: serde_json::json!({
                    "paragraph": a.exemption.paragraph(),
                    "exempt_until": last,
                }),
            })
        }
        Command::DisabledReduction(a) => {
            resident(h, &a.person, on)?;
            rules::free_text(&a.feature, "feature of the home")?;
            if h.disabled_reduction {
                return Err(Refusal::new(
                    Code::NothingToChange,
                    "A disabled band reduction has already been asked for.",
                ));
            }
            Ok(to_json(a).into())
        }
        Command::ChangeName(a) => {
            let r = resident(h, &a.person, on)?;
            let new = rules::name(&a.new_name)?;
            if new == r.name {
                return Err(Refusal::new(Code::NothingToChange, "The new name is the name held."));
            }
            Ok(to_json(a).into())
        }
        Command::CorrespondenceAddress(a) => {
            rules::address(&a.address)?;
            rules::postcode(&a.postcode)?;
            Ok(to_json(a).into())
        }
        Command::PaperlessSignUp(a) => {
            let email = rules::email(&a.email)?;
            if !rules::email(&a.email_again).is_ok_and(|again| again.eq_ignore_ascii_case(&email)) {
                return Err(Refusal::new(
                    Code::EmailsDiffer,
                    "The two email addresses differ: read it back to the caller and type it again.",
                ));
            }
            rules::free_text(&a.consent_wording, "consent wording")?;
            rules::free_text(&a.consent_version, "consent version")?;
            if h.paperless {
                return Err(Refusal::new(
                    Code::NothingToChange,
                    "The account already has paperless bills.",
                ));
            }
            Ok(to_json(a).into())
        }
        Command::PaperlessWithdrawal(a) => {
            if !h.paperless {
                return Err(Refusal::new(
                    Code::NothingToChange,
                    "The account has paper bills already.",
                ));
            }
            Ok(to_json(a).into())
        }
        Command::DirectDebit(a) => {
            rules::name(&a.account_holder)?;
            rules::sort_code(&a.sort_code)?;
            let number = rules::bank_account(&a.account_number)?;
            if !(matches!(a.instalments, 10 | 12) && matches!(a.day, 5 | 15 | 25)) {
                return Err(Refusal::new(
                    Code::InvalidPlan,
                    "Direct Debit is 10 or 12 monthly instalments on the 5th, 15th or 25th.",
                ));
            }
            // Only the last four digits stay (issue 10 §2): what syncs back to desks.
            debug_assert!(a.kept()["account_last_four"] == number[4..]);
            Ok(Kept::from(a.kept()))
        }
        Command::CtrReferral(a) => Ok(to_json(a).into()),
    }
}

/// The line Needs attention and the outbox show for a command.
pub fn summary<F: Facts + ?Sized>(facts: &mut F, cmd: &Command) -> Result<String, F::Error> {
    let (account_id, what) = match cmd {
        Command::RecordCheck(a) => (a.account_id, "Identity check".to_owned()),
        Command::ClearLock(a) => (a.account_id, "Clear the lock".to_owned()),
        _ => {
            let c = cmd.change().expect("every other command is a change");
            let what = match cmd {
                Command::MoveOut(a) => format!("{} moving out", a.person),
                Command::MoveWithin(a) => format!("{} moving within the area", a.person),
                Command::MoveIn(a) => format!("{} moving in", a.name),
                Command::AdultIn(a) => format!("{} (another adult) moving in", a.name),
                Command::AdultOut(a) => format!("{} (another adult) moving out", a.name),
                _ => words(cmd).to_owned(),
            };
            (c.account_id, format!("{what} from {} ({})", c.effective, c.reference))
        }
    };
    let place = facts
        .ct_account(account_id)?
        .map(|a| a.account.address)
        .unwrap_or_else(|| format!("account {account_id}"));
    Ok(format!("{what}: {place}"))
}

fn words(cmd: &Command) -> &'static str {
    match cmd {
        Command::ApplySpd(_) => "Single person discount",
        Command::RemoveSpd(_) => "End the single person discount",
        Command::Disregard(_) => "Disregard",
        Command::ClaimExemption(_) => "Exemption claim",
        Command::DisabledReduction(_) => "Disabled band reduction",
        Command::ChangeName(_) => "Change of name",
        Command::CorrespondenceAddress(_) => "Correspondence address",
        Command::PaperlessSignUp(_) => "Paperless billing",
        Command::PaperlessWithdrawal(_) => "Back to paper bills",
        Command::DirectDebit(_) => "Direct Debit",
        Command::CtrReferral(_) => "Council Tax Reduction referral",
        _ => "Change",
    }
}

/// No council-tax refusal offers an alternative to take in its place.
pub fn taking(_cmd: &Command, _alternative: &Alternative, _new_id: Uuid) -> Option<(Command, String)> {
    None
}
