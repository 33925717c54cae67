//! The caller's identity check, before anything but the address and the liable names is shown.
//! The agent types what the caller says; each item is compared with the value the account holds,
//! normalised (postcode spaces and case, phone formats, date formats), and the answer is match
//! or no match — never the held value. The rules after it: three failed checks on an account in
//! a day stop phone changes until a supervisor clears them; a change needs a passed check by the
//! same agent on the same account within 60 minutes.

use std::fmt;

use chrono::{Duration, NaiveDate, NaiveDateTime};
use serde::{Deserialize, Serialize};

use super::Code;
use super::records::{IdentityCheck, LockClearance};
use crate::refusal::Refusal;
use crate::values::Pence;

/// How long a passed check lets its agent make changes (issue 10 §1).
pub const CHECK_VALID_FOR: Duration = Duration::minutes(60);
/// Failed checks on one account in one day that stop phone changes (issue 10 §1).
pub const FAILED_CHECKS_TO_LOCK: usize = 3;
/// The further items a check needs after the account is identified (DOMAIN.md: "two further
/// items").
pub const ITEMS_NEEDED: usize = 2;

/// What the agent asks the caller for, beyond the account reference or name and address.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "snake_case")]
pub enum Item {
    DateOfBirth,
    Postcode,
    /// The amount of the last instalment.
    LastInstalment,
    /// The last four digits of the bank account held for Direct Debit.
    BankLastFour,
    /// The phone number held.
    Phone,
}

impl Item {
    pub fn words(self) -> &'static str {
        match self {
            Item::DateOfBirth => "date of birth",
            Item::Postcode => "postcode",
            Item::LastInstalment => "last instalment",
            Item::BankLastFour => "last four digits of the bank account",
            Item::Phone => "phone number",
        }
    }
}

/// The recorded authority a third party holds for the account holder (issue 10 §1).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "snake_case")]
pub enum Authority {
    PowerOfAttorney,
    Appointee,
    Executor,
    Landlord,
    Agent,
}

/// Who is calling.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "snake_case", tag = "kind")]
pub enum Caller {
    /// One of the account's liable people, by the name on the account.
    LiablePerson { name: String },
    /// Someone with recorded authority, and what the agent saw of it (the document's
    /// reference or date).
    ThirdParty {
        name: String,
        authority: Authority,
        seen: String,
    },
}

/// How the caller picked out the account.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "snake_case")]
pub enum Identified {
    AccountReference,
    NameAndAddress,
}

/// One item as the agent typed the caller's answer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(deny_unknown_fields)]
pub struct Answer {
    pub item: Item,
    pub typed: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    Match,
    NoMatch,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct ItemResult {
    pub item: Item,
    pub outcome: Outcome,
}

/// What the account holds for the check. Its `Debug` shows no value, so a log line cannot leak
/// one; nothing here is ever returned to the desk's screen.
#[derive(Clone, PartialEq, Eq, Default)]
pub struct Held {
    pub dates_of_birth: Vec<NaiveDate>,
    pub postcode: String,
    pub last_instalment: Option<Pence>,
    pub bank_last_four: Option<String>,
    pub phone: Option<String>,
}

impl fmt::Debug for Held {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Held { .. }")
    }
}

impl Held {
    /// Whether the account holds something to compare this item with.
    pub fn holds(&self, item: Item) -> bool {
        match item {
            Item::DateOfBirth => !self.dates_of_birth.is_empty(),
            Item::Postcode => !self.postcode.trim().is_empty(),
            Item::LastInstalment => self.last_instalment.is_some(),
            Item::BankLastFour => self.bank_last_four.is_some(),
            Item::Phone => self.phone.is_some(),
        }
    }
}

/// A postcode without spaces, in capitals, if it has the shape of a UK postcode
/// (`AB30 1AA` = `ab301aa`).
pub fn normalise_postcode(s: &str) -> Option<String> {
    let t: String = s
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect::<String>()
        .to_ascii_uppercase();
    let b = t.as_bytes();
    if !(5..=7).contains(&b.len()) || !b.iter().all(u8::is_ascii_alphanumeric) {
        return None;
    }
    let (outward, inward) = b.split_at(b.len() - 3);
    let inward_ok = inward[0].is_ascii_digit() && inward[1..].iter().all(u8::is_ascii_alphabetic);
    let outward_ok = outward[0].is_ascii_alphabetic() && outward.iter().any(u8::is_ascii_digit);
    (inward_ok && outward_ok).then_some(t)
}

/// A UK phone number as its national digits (`+44 7700 900123`, `0044…`, `(07700) 900-123`
/// are `07700900123`), if it has 10 or 11 of them.
pub fn normalise_phone(s: &str) -> Option<String> {
    let t = s.trim();
    let plus = t.starts_with('+');
    if !t
        .chars()
        .all(|c| c.is_ascii_digit() || matches!(c, ' ' | '-' | '(' | ')' | '.' | '+'))
    {
        return None;
    }
    // `+44 (0)1343 …`: the (0) is the trunk prefix shown for national callers.
    let digits: String = t.replace("(0)", "").chars().filter(char::is_ascii_digit).collect();
    let national = if let Some(rest) = digits.strip_prefix("0044") {
        format!("0{rest}")
    } else if plus && digits.starts_with("44") {
        format!("0{}", &digits[2..])
    } else {
        digits
    };
    (national.starts_with('0') && (10..=11).contains(&national.len())).then_some(national)
}

/// A date as callers say it and agents type it: `1980-02-01`, `01/02/1980`, `1/2/1980`,
/// `01-02-1980`, `01.02.1980`, `01 02 1980`, `01021980` (day first, as in the UK).
pub fn parse_date(s: &str) -> Option<NaiveDate> {
    let t = s.trim();
    ["%Y-%m-%d", "%d/%m/%Y", "%d-%m-%Y", "%d.%m.%Y", "%d %m %Y", "%d%m%Y"]
        .iter()
        .find_map(|f| NaiveDate::parse_from_str(t, f).ok())
}

fn digits_only(s: &str) -> String {
    s.chars().filter(|c| !c.is_whitespace()).collect()
}

/// One item: match or no match. An answer that cannot be what is asked (a date that is not one)
/// is no match, like a wrong one.
pub fn match_item(answer: &Answer, held: &Held) -> Outcome {
    let typed = answer.typed.as_str();
    let matched = match answer.item {
        Item::DateOfBirth => parse_date(typed).is_some_and(|d| held.dates_of_birth.contains(&d)),
        Item::Postcode => normalise_postcode(typed).is_some_and(|p| Some(p) == normalise_postcode(&held.postcode)),
        Item::LastInstalment => typed.parse::<Pence>().is_ok_and(|p| Some(p) == held.last_instalment),
        Item::BankLastFour => {
            let t = digits_only(typed);
            t.len() == 4 && t.bytes().all(|b| b.is_ascii_digit()) && held.bank_last_four.as_deref() == Some(t.as_str())
        }
        Item::Phone => {
            normalise_phone(typed).is_some_and(|p| held.phone.as_deref().and_then(normalise_phone) == Some(p))
        }
    };
    if matched { Outcome::Match } else { Outcome::NoMatch }
}

/// The whole check: at least two different items the account holds; passed when every one
/// matches. Refused (nothing recorded) when the items are too few, repeated or not held.
pub fn check(answers: &[Answer], held: &Held) -> Result<(bool, Vec<ItemResult>), Refusal> {
    let mut seen = Vec::new();
    for a in answers {
        if seen.contains(&a.item) {
            return Err(Refusal::new(
                Code::TooFewItems,
                format!("The {} is asked for twice; choose two different items.", a.item.words()),
            ));
        }
        if !held.holds(a.item) {
            return Err(Refusal::new(
                Code::TooFewItems,
                format!(
                    "The account holds no {} to check against; choose another item.",
                    a.item.words()
                ),
            ));
        }
        seen.push(a.item);
    }
    if seen.len() < ITEMS_NEEDED {
        return Err(Refusal::new(
            Code::TooFewItems,
            format!(
                "A check needs {ITEMS_NEEDED} items beyond the account; {} given.",
                seen.len()
            ),
        ));
    }
    let items: Vec<ItemResult> = answers
        .iter()
        .map(|a| ItemResult {
            item: a.item,
            outcome: match_item(a, held),
        })
        .collect();
    Ok((items.iter().all(|i| i.outcome == Outcome::Match), items))
}

/// Whether phone changes to the account are stopped at `now`: on some day, three checks
/// failed after a supervisor last cleared it. The lock lasts until a supervisor clears it, not
/// only to midnight.
pub fn locked(checks: &[IdentityCheck], clearances: &[LockClearance], account_id: i64, now: NaiveDateTime) -> bool {
    let cleared = clearances
        .iter()
        .filter(|c| c.account_id == account_id && c.at <= now)
        .map(|c| c.at)
        .max();
    let mut failed_days: Vec<NaiveDate> = checks
        .iter()
        .filter(|c| c.account_id == account_id && !c.passed && c.at <= now)
        .filter(|c| cleared.is_none_or(|t| c.at > t))
        .map(|c| c.at.date())
        .collect();
    failed_days.sort();
    failed_days
        .chunk_by(|a, b| a == b)
        .any(|day| day.len() >= FAILED_CHECKS_TO_LOCK)
}

/// May this agent change this account now on the strength of this check?
pub fn authorise(
    check: Option<&IdentityCheck>,
    account_id: i64,
    staff_id: i64,
    now: NaiveDateTime,
) -> Result<(), Refusal> {
    let Some(c) = check else {
        return Err(Refusal::new(
            Code::NoCheck,
            "The caller has not been through the identity check for this change. Check them first.",
        ));
    };
    if c.account_id != account_id {
        return Err(Refusal::new(
            Code::OtherAccountsCheck,
            "The identity check was made on another account. Check the caller on this one.",
        ));
    }
    if c.staff_id != staff_id {
        return Err(Refusal::new(
            Code::OtherAgentsCheck,
            "The identity check was made by another member of staff. Check the caller yourself.",
        ));
    }
    if !c.passed {
        return Err(Refusal::new(
            Code::CheckFailed,
            "The caller did not pass the identity check, so no change can be taken.",
        ));
    }
    if now - c.at > CHECK_VALID_FOR || c.at > now {
        return Err(Refusal::new(
            Code::CheckExpired,
            format!(
                "The identity check at {} is more than {} minutes old. Check the caller again.",
                c.at.format("%H:%M"),
                CHECK_VALID_FOR.num_minutes()
            ),
        ));
    }
    Ok(())
}
