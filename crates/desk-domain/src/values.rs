//! Values that recur across services, parsed once at the edge and trusted after: money in
//! pence, a property's UPRN, a council-tax account reference, and a school opening (a date's
//! morning or afternoon). Each refuses what it cannot be, with words a member of staff can act on.

use std::fmt;
use std::str::FromStr;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct ValueError(pub String);

/// Money as a whole number of pence: never a float, so sums and refunds are exact.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(transparent)]
pub struct Pence(pub i64);

impl Pence {
    pub fn checked_add(self, other: Pence) -> Option<Pence> {
        self.0.checked_add(other.0).map(Pence)
    }
}

impl fmt::Display for Pence {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let sign = if self.0 < 0 { "-" } else { "" };
        let p = self.0.unsigned_abs();
        write!(f, "{sign}£{}.{:02}", p / 100, p % 100)
    }
}

/// Pounds as staff type them (`12`, `12.5`, `£12.50`) into pence.
impl FromStr for Pence {
    type Err = ValueError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let bad = || ValueError(format!("`{s}` is not an amount of money, like 12.50."));
        let t = s.trim().trim_start_matches('£');
        let (neg, t) = t.strip_prefix('-').map_or((false, t), |r| (true, r));
        let (pounds, pence) = t.split_once('.').unwrap_or((t, ""));
        if pounds.is_empty() || !pounds.bytes().all(|b| b.is_ascii_digit()) || pence.len() > 2 {
            return Err(bad());
        }
        if !pence.bytes().all(|b| b.is_ascii_digit()) {
            return Err(bad());
        }
        let pounds: i64 = pounds.parse().map_err(|_| bad())?;
        let pence: i64 = format!("{pence:0<2}").parse().map_err(|_| bad())?;
        let total = pounds
            .checked_mul(100)
            .and_then(|p| p.checked_add(pence))
            .ok_or_else(bad)?;
        Ok(Pence(if neg { -total } else { total }))
    }
}

/// Unique Property Reference Number: 1 to 12 digits (OS AddressBase), kept as text so leading
/// digits are never lost.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(try_from = "String", into = "String")]
pub struct Uprn(String);

impl Uprn {
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl FromStr for Uprn {
    type Err = ValueError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let t = s.trim();
        if t.is_empty() || t.len() > 12 || !t.bytes().all(|b| b.is_ascii_digit()) {
            return Err(ValueError(format!("`{s}` is not a UPRN: it has 1 to 12 digits.")));
        }
        Ok(Uprn(t.to_owned()))
    }
}

impl TryFrom<String> for Uprn {
    type Error = ValueError;
    fn try_from(s: String) -> Result<Self, Self::Error> {
        s.parse()
    }
}

impl From<Uprn> for String {
    fn from(u: Uprn) -> Self {
        u.0
    }
}

/// A council-tax account reference. Councils format them differently; this holds the common
/// ground (letters and digits, 4 to 20, spaces ignored, upper case), and a council's own
/// pattern is checked against configuration where it is read.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(try_from = "String", into = "String")]
pub struct AccountRef(String);

impl AccountRef {
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl FromStr for AccountRef {
    type Err = ValueError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let t: String = s
            .chars()
            .filter(|c| !c.is_whitespace())
            .collect::<String>()
            .to_uppercase();
        if !(4..=20).contains(&t.len()) || !t.bytes().all(|b| b.is_ascii_alphanumeric()) {
            return Err(ValueError(format!(
                "`{s}` is not an account reference: 4 to 20 letters and digits."
            )));
        }
        Ok(AccountRef(t))
    }
}

impl TryFrom<String> for AccountRef {
    type Error = ValueError;
    fn try_from(s: String) -> Result<Self, Self::Error> {
        s.parse()
    }
}

impl From<AccountRef> for String {
    fn from(a: AccountRef) -> Self {
        a.0
    }
}

/// Half of a school day: registers are taken, and absences recorded, per opening.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum Half {
    #[serde(rename = "AM")]
    Am,
    #[serde(rename = "PM")]
    Pm,
}

impl Half {
    pub fn as_str(self) -> &'static str {
        match self {
            Half::Am => "AM",
            Half::Pm => "PM",
        }
    }
}

/// One opening: a date's morning or afternoon, written `2026-12-01 AM`. Ordered in time.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct Opening {
    pub date: NaiveDate,
    pub half: Half,
}

impl Opening {
    /// The opening after this one (the afternoon, or the next day's morning); school calendars
    /// decide which of those days are school days.
    pub fn next(self) -> Opening {
        match self.half {
            Half::Am => Opening { half: Half::Pm, ..self },
            Half::Pm => Opening {
                date: self.date.succ_opt().unwrap_or(self.date),
                half: Half::Am,
            },
        }
    }
}

impl fmt::Display for Opening {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {}", self.date, self.half.as_str())
    }
}

impl FromStr for Opening {
    type Err = ValueError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let bad = || ValueError(format!("`{s}` is not an opening, like 2026-12-01 AM."));
        let (date, half) = s.trim().split_once(' ').ok_or_else(bad)?;
        let date = NaiveDate::parse_from_str(date, "%Y-%m-%d").map_err(|_| bad())?;
        let half = match half.trim().to_ascii_uppercase().as_str() {
            "AM" => Half::Am,
            "PM" => Half::Pm,
            _ => return Err(bad()),
        };
        Ok(Opening { date, half })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pence_parse_and_show() {
        for (typed, pence) in [
            ("12", 1200),
            ("12.5", 1250),
            ("£12.50", 1250),
            ("0.05", 5),
            ("-3.20", -320),
        ] {
            assert_eq!(typed.parse::<Pence>().unwrap(), Pence(pence), "{typed}");
        }
        for bad in ["", "12.505", "twelve", "1,200", "£", ".5", "12.-5"] {
            assert!(bad.parse::<Pence>().is_err(), "{bad}");
        }
        assert_eq!(Pence(1250).to_string(), "£12.50");
        assert_eq!(Pence(-5).to_string(), "-£0.05");
    }

    #[test]
    fn uprn_is_one_to_twelve_digits() {
        assert_eq!("000133033601".parse::<Uprn>().unwrap().as_str(), "000133033601");
        for bad in ["", "1234567890123", "13303360A", "-1"] {
            assert!(bad.parse::<Uprn>().is_err(), "{bad}");
        }
        assert!(serde_json::from_str::<Uprn>("\"12x\"").is_err());
    }

    #[test]
    fn account_refs_ignore_spaces_and_case() {
        assert_eq!("ct 1234 567".parse::<AccountRef>().unwrap().as_str(), "CT1234567");
        for bad in ["ab1", "CT-1234", "123456789012345678901"] {
            assert!(bad.parse::<AccountRef>().is_err(), "{bad}");
        }
    }

    #[test]
    fn openings_parse_order_and_step() {
        let am: Opening = "2026-12-01 am".parse().unwrap();
        let pm = am.next();
        assert_eq!(pm.to_string(), "2026-12-01 PM");
        assert_eq!(pm.next().to_string(), "2026-12-02 AM");
        assert!(am < pm && pm < pm.next());
        assert!("2026-12-01".parse::<Opening>().is_err());
        assert!("2026-13-01 AM".parse::<Opening>().is_err());
        assert_eq!(
            serde_json::to_string(&am).unwrap(),
            r#"{"date":"2026-12-01","half":"AM"}"#
        );
    }
}
