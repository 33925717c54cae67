//! Registering a customer at the desk: what must be there (an emergency contact for under-16s,
//! the evidence and review date of a concession), what cannot be right (a date of birth in the
//! future), and the possible duplicates offered as "is this them?" before saving.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::membership::{Concession, age_on};

/// Under this age an emergency contact is needed (issue 11 §1).
pub const EMERGENCY_CONTACT_UNDER: u32 = 16;
/// The longest name, address line or contact kept, in characters.
pub const MAX_FIELD: usize = 100;
/// A date of birth more than this many years ago is a typing slip, not a customer (issue 11:
/// "over 120 years refused"; the oldest person recorded lived to 122).
pub const MAX_AGE: u32 = 120;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Registration {
    pub first_name: String,
    pub last_name: String,
    pub date_of_birth: NaiveDate,
    pub postcode: String,
    pub email: Option<String>,
    pub phone: Option<String>,
    pub emergency_contact: Option<String>,
    pub concession: Option<Concession>,
    pub marketing_consent: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RegistrationError {
    #[error("{0} is missing")]
    Missing(&'static str),
    #[error("{0} is longer than {MAX_FIELD} characters or holds control characters")]
    BadText(&'static str),
    #[error("a date of birth in the future ({0}) cannot be right")]
    BornInFuture(NaiveDate),
    #[error("a date of birth more than {MAX_AGE} years ago ({0}) cannot be right")]
    BornTooLongAgo(NaiveDate),
    #[error("`{0}` is not an email address")]
    BadEmail(String),
    #[error("`{0}` is not a phone number")]
    BadPhone(String),
    #[error("`{0}` is not a UK postcode")]
    BadPostcode(String),
    #[error("a customer under {EMERGENCY_CONTACT_UNDER} needs an emergency contact")]
    EmergencyContactNeeded,
    #[error("a concession needs the evidence seen and a review date after today")]
    ConcessionEvidence,
}

/// A name, address line, contact or evidence text: present, not too long, no control characters.
pub fn field(s: &str, what: &'static str) -> Result<(), RegistrationError> {
    if s.trim().is_empty() {
        return Err(RegistrationError::Missing(what));
    }
    if s.chars().count() > MAX_FIELD || s.chars().any(char::is_control) {
        return Err(RegistrationError::BadText(what));
    }
    Ok(())
}

/// A UK postcode's shape: outward code (2–4 letters and digits, starting with a letter), a
/// space optional, inward code (a digit and two letters). `IV30 1BX`, `ab101ab`.
pub fn normal_postcode(s: &str) -> Option<String> {
    let t: String = s
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect::<String>()
        .to_uppercase();
    if !(5..=7).contains(&t.len()) || !t.is_ascii() {
        return None;
    }
    let (out, inw) = t.split_at(t.len() - 3);
    let b = inw.as_bytes();
    let out_ok = out.as_bytes()[0].is_ascii_alphabetic() && out.bytes().all(|c| c.is_ascii_alphanumeric());
    let in_ok = b[0].is_ascii_digit() && b[1].is_ascii_alphabetic() && b[2].is_ascii_alphabetic();
    (out_ok && in_ok).then(|| format!("{out} {inw}"))
}

// The checks below are each one rule of [`validate`], public so that changing a customer's
// details later (`customer_update`) applies the same rule, with the same words, to just the
// fields changed.

/// A date of birth neither in the future nor more than [`MAX_AGE`] years before `today`.
pub fn check_date_of_birth(date_of_birth: NaiveDate, today: NaiveDate) -> Result<(), RegistrationError> {
    if date_of_birth > today {
        return Err(RegistrationError::BornInFuture(date_of_birth));
    }
    if age_on(date_of_birth, today) > MAX_AGE {
        return Err(RegistrationError::BornTooLongAgo(date_of_birth));
    }
    Ok(())
}

pub fn check_postcode(postcode: &str) -> Result<(), RegistrationError> {
    match normal_postcode(postcode) {
        Some(_) => Ok(()),
        None => Err(RegistrationError::BadPostcode(postcode.to_owned())),
    }
}

pub fn check_email(e: &str) -> Result<(), RegistrationError> {
    let ok = e.split_once('@').is_some_and(|(user, host)| {
        !user.is_empty() && host.contains('.') && !host.starts_with('.') && !host.ends_with('.')
    });
    if !ok || e.contains(char::is_whitespace) || e.chars().count() > MAX_FIELD {
        return Err(RegistrationError::BadEmail(e.to_owned()));
    }
    Ok(())
}

pub fn check_phone(p: &str) -> Result<(), RegistrationError> {
    let digits = p.chars().filter(char::is_ascii_digit).count();
    let allowed = p.chars().all(|c| c.is_ascii_digit() || " +-()".contains(c));
    if !allowed || !(10..=13).contains(&digits) {
        return Err(RegistrationError::BadPhone(p.to_owned()));
    }
    Ok(())
}

/// Someone under [`EMERGENCY_CONTACT_UNDER`] on `today` needs an emergency contact.
pub fn check_emergency_contact(
    date_of_birth: NaiveDate,
    contact: Option<&str>,
    today: NaiveDate,
) -> Result<(), RegistrationError> {
    if age_on(date_of_birth, today) < EMERGENCY_CONTACT_UNDER {
        match contact {
            Some(c) => field(c, "the emergency contact")?,
            None => return Err(RegistrationError::EmergencyContactNeeded),
        }
    }
    Ok(())
}

/// A concession needs the evidence seen and a review date after `today`.
pub fn check_concession(c: &Concession, today: NaiveDate) -> Result<(), RegistrationError> {
    if c.evidence.trim().is_empty() || c.review_due <= today {
        return Err(RegistrationError::ConcessionEvidence);
    }
    field(&c.evidence, "the concession evidence")
}

/// Checks `r` as registered on `today`.
pub fn validate(r: &Registration, today: NaiveDate) -> Result<(), RegistrationError> {
    field(&r.first_name, "the first name")?;
    field(&r.last_name, "the last name")?;
    check_date_of_birth(r.date_of_birth, today)?;
    check_postcode(&r.postcode)?;
    if let Some(e) = &r.email {
        check_email(e)?;
    }
    if let Some(p) = &r.phone {
        check_phone(p)?;
    }
    check_emergency_contact(r.date_of_birth, r.emergency_contact.as_deref(), today)?;
    if let Some(c) = &r.concession {
        check_concession(c, today)?;
    }
    Ok(())
}

/// A customer already on file, as the duplicate check sees them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OnFile {
    pub id: i64,
    pub first_name: String,
    pub last_name: String,
    pub date_of_birth: NaiveDate,
    pub postcode: String,
    pub email: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Likeness {
    SameNameAndBirth,
    SameEmail,
    SimilarNameSamePostcode,
}

/// A letter without its accent, for the accents of Gaelic, Scots and the European names a
/// Scottish desk meets ("Màiri" is "Mairi" typed on a keyboard without accents).
fn unaccented(c: char) -> char {
    match c {
        'à' | 'á' | 'â' | 'ä' | 'ã' | 'å' => 'a',
        'è' | 'é' | 'ê' | 'ë' => 'e',
        'ì' | 'í' | 'î' | 'ï' => 'i',
        'ò' | 'ó' | 'ô' | 'ö' | 'õ' | 'ø' => 'o',
        'ù' | 'ú' | 'û' | 'ü' => 'u',
        'ý' | 'ÿ' => 'y',
        'ñ' => 'n',
        'ç' => 'c',
        other => other,
    }
}

fn fold(s: &str) -> String {
    s.chars()
        .filter(|c| c.is_alphanumeric())
        .flat_map(char::to_lowercase)
        .map(unaccented)
        .collect()
}

fn distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut prev = row[0];
        row[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let here = row[j + 1];
            row[j + 1] = (prev + usize::from(ca != *cb)).min(row[j] + 1).min(here + 1);
            prev = here;
        }
    }
    row[b.len()]
}

/// Customers on file who may be the person being registered, each with the strongest reason,
/// strongest first. Names compare without case, accents, spaces or punctuation ("McDonald"
/// and "Mc Donald", "Màiri" and "Mairi"); "similar" is at most two letters different over first and last names together.
pub fn possible_duplicates<'a>(r: &Registration, on_file: &'a [OnFile]) -> Vec<(&'a OnFile, Likeness)> {
    let name = |first: &str, last: &str| (fold(first), fold(last));
    let mine = name(&r.first_name, &r.last_name);
    let my_email = r.email.as_deref().map(str::to_lowercase);
    let my_postcode = normal_postcode(&r.postcode);
    let mut out: Vec<(&OnFile, Likeness)> = on_file
        .iter()
        .filter_map(|c| {
            let theirs = name(&c.first_name, &c.last_name);
            if theirs == mine && c.date_of_birth == r.date_of_birth {
                return Some((c, Likeness::SameNameAndBirth));
            }
            if my_email.is_some() && c.email.as_deref().map(str::to_lowercase) == my_email {
                return Some((c, Likeness::SameEmail));
            }
            let close = distance(&theirs.0, &mine.0) + distance(&theirs.1, &mine.1) <= 2;
            (close && my_postcode.is_some() && normal_postcode(&c.postcode) == my_postcode)
                .then_some((c, Likeness::SimilarNameSamePostcode))
        })
        .collect();
    out.sort_by_key(|(c, why)| (*why, c.id));
    out
}
