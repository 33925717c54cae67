//! The checks a change's own fields get (names, dates of birth, addresses, postcodes, emails,
//! bank details) and the household on a date, replayed from the account and the changes
//! already taken, which the rules about who lives there read.

use chrono::{Datelike, NaiveDate};

use super::Code;
use super::command::{Command, Next};
use super::identity::normalise_postcode;
use super::reasons::Exemption;
use super::records::{ChangeRequest, RequestStatus};
use crate::CtAccount;
use crate::refusal::Refusal;

pub const MAX_NAME: usize = 100;
pub const MAX_ADDRESS: usize = 300;
pub const MAX_TEXT: usize = 500;
/// RFC 5321's limit on a whole address.
pub const MAX_EMAIL: usize = 254;

/// Text of 1 to `max` characters with its spaces tidied; line breaks only where `lines` allows
/// them (an address, a note), never other control characters.
fn text(value: &str, max: usize, what: &str, code: Code, lines: bool) -> Result<String, Refusal> {
    if value
        .chars()
        .any(|c| c.is_control() && !(lines && matches!(c, '\n' | '\r')))
    {
        return Err(Refusal::new(
            code,
            format!("The {what} must not contain control characters."),
        ));
    }
    let t = value.split_whitespace().collect::<Vec<_>>().join(" ");
    let n = t.chars().count();
    if n == 0 || n > max {
        return Err(Refusal::new(
            code,
            format!("The {what} must be 1 to {max} characters long ({n} given)."),
        ));
    }
    Ok(t)
}

pub fn name(value: &str) -> Result<String, Refusal> {
    text(value, MAX_NAME, "name", Code::InvalidName, false)
}

pub fn address(value: &str) -> Result<String, Refusal> {
    text(value, MAX_ADDRESS, "address", Code::InvalidAddress, true)
}

pub fn free_text(value: &str, what: &str) -> Result<String, Refusal> {
    text(value, MAX_TEXT, what, Code::InvalidText, true)
}

pub fn postcode(value: &str) -> Result<String, Refusal> {
    normalise_postcode(value).ok_or_else(|| {
        Refusal::new(
            Code::InvalidPostcode,
            format!("`{value}` is not a postcode, like IV30 1BX."),
        )
    })
}

/// Whole years of age on `on`.
pub fn age_on(born: NaiveDate, on: NaiveDate) -> u32 {
    let mut years = on.year() - born.year();
    if (on.month(), on.day()) < (born.month(), born.day()) {
        years -= 1;
    }
    years.max(0) as u32
}

/// A date of birth for an adult who lives there: not in the future, 18 or over on `on`, and
/// not more than 120 years ago.
pub fn adult_born(born: NaiveDate, today: NaiveDate, on: NaiveDate) -> Result<(), Refusal> {
    if born > today {
        return Err(Refusal::new(
            Code::InvalidDateOfBirth,
            format!("The date of birth {born} is in the future."),
        ));
    }
    if age_on(born, today) > 120 {
        return Err(Refusal::new(
            Code::InvalidDateOfBirth,
            format!("The date of birth {born} is more than 120 years ago."),
        ));
    }
    if age_on(born, on) < 18 {
        return Err(Refusal::new(
            Code::InvalidDateOfBirth,
            format!("Someone born on {born} is under 18 on {on}: children are not liable or counted."),
        ));
    }
    Ok(())
}

/// An email address in the usual shape: one `@`, something before it, a dotted domain after
/// it, no spaces.
pub fn email(value: &str) -> Result<String, Refusal> {
    let t = value.trim();
    let bad = || Refusal::new(Code::InvalidEmail, format!("`{t}` is not an email address."));
    let (local, domain) = t.split_once('@').ok_or_else(bad)?;
    let ok = !local.is_empty()
        && t.len() <= MAX_EMAIL
        && !domain.contains('@')
        && domain.contains('.')
        && !domain.starts_with('.')
        && !domain.ends_with('.')
        && !t.chars().any(|c| c.is_whitespace() || c.is_control());
    if !ok {
        return Err(bad());
    }
    Ok(format!("{local}@{}", domain.to_ascii_lowercase()))
}

/// A sort code: six digits, written `12-34-56`, `12 34 56` or `123456`.
pub fn sort_code(value: &str) -> Result<String, Refusal> {
    let t: String = value.chars().filter(|c| !matches!(c, '-' | ' ')).collect();
    if t.len() != 6 || !t.bytes().all(|b| b.is_ascii_digit()) {
        return Err(Refusal::new(
            Code::InvalidSortCode,
            "A sort code is six digits, like 12-34-56.",
        ));
    }
    Ok(t)
}

/// A UK bank account number: eight digits (spaces ignored).
pub fn bank_account(value: &str) -> Result<String, Refusal> {
    let t: String = value.chars().filter(|c| *c != ' ').collect();
    if t.len() != 8 || !t.bytes().all(|b| b.is_ascii_digit()) {
        return Err(Refusal::new(
            Code::InvalidBankAccount,
            "A bank account number is eight digits.",
        ));
    }
    Ok(t)
}

/// Names compared as agents type them: case, spaces and apostrophes aside.
pub fn same_name(a: &str, b: &str) -> bool {
    let norm = |s: &str| -> String {
        s.chars()
            .filter(|c| c.is_alphanumeric())
            .flat_map(char::to_lowercase)
            .collect()
    };
    norm(a) == norm(b)
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Resident {
    pub name: String,
    pub date_of_birth: Option<NaiveDate>,
    pub liable: bool,
    pub disregarded: bool,
    /// Named as the next owner or tenant when the last liable person left: liable for the
    /// property, but on their own account, not this one.
    pub successor: bool,
}

/// Someone who left, and the change that says so.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Departure {
    pub name: String,
    pub on: NaiveDate,
    pub reference: String,
}

/// Who lives there on a date, and the account's discounts then, as the changes taken so far
/// leave it.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Household {
    pub residents: Vec<Resident>,
    pub departures: Vec<Departure>,
    pub single_person_discount: bool,
    pub paperless: bool,
    pub disabled_reduction: bool,
    /// The last liable person left saying the home will be exempt: the account goes on for the
    /// empty home (its owner stays liable) rather than ending.
    pub kept_empty: bool,
    /// An exemption claimed, and its last day (`None`: no limit).
    pub exemption: Option<(Exemption, Option<NaiveDate>)>,
}

impl Household {
    pub fn find(&self, name: &str) -> Option<&Resident> {
        self.residents.iter().find(|r| same_name(&r.name, name))
    }

    pub fn liable(&self) -> usize {
        self.residents.iter().filter(|r| r.liable).count()
    }

    /// Liable people on this account (not a successor on their own account).
    pub fn account_holders(&self) -> usize {
        self.residents.iter().filter(|r| r.liable && !r.successor).count()
    }

    /// Whether the claimed exemption covers `on`.
    pub fn exempt_on(&self, on: NaiveDate) -> bool {
        self.exemption.is_some_and(|(_, last)| last.is_none_or(|l| on <= l))
    }

    /// Someone moving in ends an exemption for an unoccupied home.
    fn moved_in(&mut self) {
        if self.exemption.is_some_and(|(e, _)| e.needs_unoccupied()) {
            self.exemption = None;
        }
    }

    /// Adults counted for discount (not disregarded).
    pub fn counted(&self) -> usize {
        self.residents.iter().filter(|r| !r.disregarded).count()
    }

    pub fn departure(&self, name: &str) -> Option<&Departure> {
        self.departures.iter().rev().find(|d| same_name(&d.name, name))
    }

    fn leave(&mut self, name: &str, on: NaiveDate, reference: &str) {
        if let Some(i) = self.residents.iter().position(|r| same_name(&r.name, name)) {
            let r = self.residents.remove(i);
            self.departures.push(Departure {
                name: r.name,
                on,
                reference: reference.to_owned(),
            });
        }
    }

    fn arrive(&mut self, name: &str, date_of_birth: Option<NaiveDate>, liable: bool) {
        self.residents.push(Resident {
            name: name.to_owned(),
            date_of_birth,
            liable,
            disregarded: false,
            successor: false,
        });
        self.kept_empty = false;
    }

    fn after_last_liable(&mut self, next: &Next) {
        if *next == Next::Exemption && self.account_holders() == 0 {
            self.kept_empty = true;
        }
        if let Next::NewLiable { name } = next {
            self.arrive(name, None, true);
            if let Some(r) = self.residents.last_mut() {
                r.successor = true;
            }
        }
    }
}

/// The changes taken on an account (not rejected), parsed once, in effective-date order (then
/// the order they reached the server): two agents' changes to one account are decided in the
/// order they take effect, whichever synced first.
#[derive(Debug, Clone)]
pub struct Taken {
    changes: Vec<(NaiveDate, String, Command)>,
}

impl Taken {
    pub fn new(requests: &[ChangeRequest]) -> Taken {
        let mut live: Vec<&ChangeRequest> = requests
            .iter()
            .filter(|c| c.status != RequestStatus::Rejected)
            .collect();
        live.sort_by_key(|c| (c.effective, c.received_at));
        Taken {
            changes: live
                .into_iter()
                // Requests whose detail no longer parses (a masked Direct Debit) change nobody.
                .filter_map(|c| match Command::parse(&c.kind, 1, &c.detail) {
                    Some(Ok(cmd)) => Some((c.effective, c.reference.clone(), cmd)),
                    _ => None,
                })
                .collect(),
        }
    }

    /// The changes in the order they are decided: effective date, reference, command.
    pub fn changes(&self) -> &[(NaiveDate, String, Command)] {
        &self.changes
    }

    /// The household on `on`: the account's liable people, then every change effective on or
    /// before `on`.
    pub fn household_on(&self, account: &CtAccount, on: NaiveDate) -> Household {
        let n = self
            .changes
            .iter()
            .take_while(|(effective, ..)| *effective <= on)
            .count();
        self.household_before(account, n)
    }

    /// The household just before the `index`th change (as it was decided on).
    pub fn household_before(&self, account: &CtAccount, index: usize) -> Household {
        let mut h = Household {
            residents: account
                .liable
                .iter()
                .map(|p| Resident {
                    name: p.name.clone(),
                    date_of_birth: Some(p.date_of_birth),
                    liable: true,
                    disregarded: false,
                    successor: false,
                })
                .collect(),
            departures: Vec::new(),
            single_person_discount: account.single_person_discount,
            paperless: account.paperless,
            disabled_reduction: false,
            kept_empty: false,
            exemption: None,
        };
        for (_, r, cmd) in &self.changes[..index.min(self.changes.len())] {
            h.apply(r, cmd);
        }
        h
    }
}

/// The household on `on`, from the account and its change requests (see [`Taken`]).
pub fn household_on(account: &CtAccount, requests: &[ChangeRequest], on: NaiveDate) -> Household {
    Taken::new(requests).household_on(account, on)
}

impl Household {
    /// One change taken; `r` is its reference, for the departures it records.
    fn apply(&mut self, r: &str, cmd: &Command) {
        let h = self;
        match cmd {
            Command::MoveIn(a) => {
                h.arrive(&a.name, Some(a.date_of_birth), true);
                h.moved_in();
            }
            Command::MoveOut(a) => {
                h.leave(&a.person, a.change.effective, r);
                h.after_last_liable(&a.next);
            }
            Command::MoveWithin(a) => {
                h.leave(&a.person, a.change.effective, r);
                h.after_last_liable(&a.next);
            }
            Command::AdultIn(a) => {
                h.arrive(&a.name, Some(a.date_of_birth), false);
                h.moved_in();
            }
            Command::AdultOut(a) => h.leave(&a.name, a.change.effective, r),
            Command::ApplySpd(_) => h.single_person_discount = true,
            Command::RemoveSpd(_) => h.single_person_discount = false,
            Command::Disregard(a) => {
                if let Some(p) = h.residents.iter_mut().find(|p| same_name(&p.name, &a.person)) {
                    p.disregarded = true;
                }
            }
            Command::ChangeName(a) => {
                if let Some(p) = h.residents.iter_mut().find(|p| same_name(&p.name, &a.person)) {
                    p.name = a.new_name.clone();
                }
            }
            Command::PaperlessSignUp(_) => h.paperless = true,
            Command::PaperlessWithdrawal(_) => h.paperless = false,
            Command::DisabledReduction(_) => h.disabled_reduction = true,
            Command::ClaimExemption(a) => h.exemption = Some((a.exemption, a.exemption.last_day(a.since))),
            Command::RecordCheck(_)
            | Command::ClearLock(_)
            | Command::CorrespondenceAddress(_)
            | Command::DirectDebit(_)
            | Command::CtrReferral(_) => {}
        }
    }
}
