//! A site's booking rules as dated configuration: cancellation cut-offs, the refund after them,
//! the no-show rule, how long a waiting-list offer is held, the longest block booking and the
//! booking window. DOMAIN-DETAIL §3.2 shows ten UK operators each choosing differently, so
//! none of these is a constant. Read from JSON or CSV and checked on load.

use chrono::{NaiveDate, NaiveTime};
use serde::{Deserialize, Serialize};

use super::table::{self, ConfigError};
use crate::values::Pence;

/// After `strikes` no-shows within `period_days`, the customer pays `fee` (if any) for the one
/// that reached it, and cannot book ahead for `block_days` (if not zero). Staff may waive.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NoShowRule {
    pub fee: Option<Pence>,
    pub strikes: u32,
    pub period_days: u32,
    pub block_days: u32,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SitePolicy {
    pub centre_id: i64,
    pub from: NaiveDate,
    #[serde(default)]
    pub until: Option<NaiveDate>,
    /// A class or activity cancelled at least this long before it starts is refunded in full.
    pub activity_cutoff_minutes: u32,
    /// The same for a space (pitch, hall, court).
    pub space_cutoff_minutes: u32,
    /// The share refunded after the cut-off (0: none).
    pub late_refund_percent: u32,
    pub no_show: NoShowRule,
    /// How long a freed place is held for the person offered it.
    pub offer_hold_minutes: u32,
    /// The longest block booking, first date to last.
    pub max_block_weeks: u32,
    /// How many days ahead members, and everyone else, may book.
    pub member_days_ahead: u32,
    pub days_ahead: u32,
    /// Bookings for the last day of the window open at this time of day (Gladstone's
    /// "Booking Release Time"); `None`: at midnight.
    #[serde(default)]
    pub release_time: Option<NaiveTime>,
    /// Check-in finds a booking from this long before its start until it ends.
    pub check_in_opens_minutes: u32,
    /// Check-in warns of a concession review due within this many days.
    pub concession_warn_days: u32,
    pub source: String,
}

impl SitePolicy {
    pub fn covers(&self, d: NaiveDate) -> bool {
        self.from <= d && self.until.is_none_or(|u| d <= u)
    }

    fn check(&self) -> Result<(), ConfigError> {
        let bad = |reason: &str| {
            Err(ConfigError::invalid(
                format!("the policy of centre {} from {}", self.centre_id, self.from),
                reason,
            ))
        };
        if self.until.is_some_and(|u| u < self.from) {
            return bad("`until` is before `from`");
        }
        if self.late_refund_percent > 100 {
            return bad("a refund cannot be more than 100%");
        }
        if self.no_show.fee.is_some_and(|f| f.0 < 0) {
            return bad("a no-show fee cannot be negative");
        }
        if self.no_show.strikes == 0 || self.no_show.period_days == 0 {
            return bad("the no-show rule needs at least one strike in a period of at least a day");
        }
        if self.no_show.fee.is_none() && self.no_show.block_days == 0 {
            return bad("the no-show rule needs a fee, a block, or both");
        }
        if self.check_in_opens_minutes > 24 * 60 {
            return bad("check-in cannot open more than a day before a session");
        }
        if self.offer_hold_minutes == 0 {
            return bad("an offer must be held for some time");
        }
        if !(1..=104).contains(&self.max_block_weeks) {
            return bad("the longest block booking must be 1 to 104 weeks");
        }
        if self.member_days_ahead < self.days_ahead {
            return bad("members cannot have a shorter booking window than everyone else");
        }
        Ok(())
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PolicyBook {
    pub council: String,
    pub policies: Vec<SitePolicy>,
}

impl PolicyBook {
    pub fn policy_for(&self, centre_id: i64, d: NaiveDate) -> Option<&SitePolicy> {
        self.policies.iter().find(|p| p.centre_id == centre_id && p.covers(d))
    }

    pub fn checked(self) -> Result<Self, ConfigError> {
        for (i, p) in self.policies.iter().enumerate() {
            p.check()?;
            for q in &self.policies[i + 1..] {
                let apart = p.until.is_some_and(|u| u < q.from) || q.until.is_some_and(|u| u < p.from);
                if p.centre_id == q.centre_id && !apart {
                    return Err(ConfigError::invalid(
                        format!("the policies of centre {}", p.centre_id),
                        format!("the policies from {} and from {} overlap", p.from, q.from),
                    ));
                }
            }
        }
        Ok(self)
    }

    pub fn from_json(text: &str) -> Result<Self, ConfigError> {
        table::from_json::<PolicyBook>(text)?.checked()
    }

    /// One policy a line under a header naming [`CSV_COLUMNS`]; a blank fee means none, a
    /// blank release time midnight.
    pub fn from_csv(text: &str) -> Result<Self, ConfigError> {
        let mut council = String::new();
        let policies = table::each_row(text, |r| {
            council = r.get("council")?.to_owned();
            Ok(SitePolicy {
                centre_id: r.parse("centre_id")?,
                from: r.date("from")?,
                until: r.opt_date("until")?,
                activity_cutoff_minutes: r.parse("activity_cutoff_minutes")?,
                space_cutoff_minutes: r.parse("space_cutoff_minutes")?,
                late_refund_percent: r.parse("late_refund_percent")?,
                no_show: NoShowRule {
                    fee: r.opt("no_show_fee")?.map(|_| r.money("no_show_fee")).transpose()?,
                    strikes: r.parse("no_show_strikes")?,
                    period_days: r.parse("no_show_period_days")?,
                    block_days: r.parse("no_show_block_days")?,
                },
                offer_hold_minutes: r.parse("offer_hold_minutes")?,
                max_block_weeks: r.parse("max_block_weeks")?,
                member_days_ahead: r.parse("member_days_ahead")?,
                days_ahead: r.parse("days_ahead")?,
                release_time: r.opt("release_time")?.map(|_| r.time("release_time")).transpose()?,
                check_in_opens_minutes: r.parse("check_in_opens_minutes")?,
                concession_warn_days: r.parse("concession_warn_days")?,
                source: r.get("source")?.to_owned(),
            })
        })?;
        PolicyBook { council, policies }.checked()
    }

    /// Moray's rules where a source gives them, and marked examples where none does.
    pub fn moray_example() -> Self {
        PolicyBook {
            council: "Moray".into(),
            policies: vec![SitePolicy {
                centre_id: super::price_moray::EXAMPLE_CENTRE,
                from: NaiveDate::from_ymd_opt(2026, 4, 1).expect("a real date"),
                until: None,
                // Classes: 3 h, the cut-off of both Scottish operators in DOMAIN-DETAIL §3.2
                // (Edinburgh Leisure, Live Active) — an EXAMPLE for Moray (≈).
                activity_cutoff_minutes: 180,
                // Pitches: 24 hours' notice or the full charge applies (Moray, "Bookings for
                // Grass Football Pitches and Pavilions", ✔).
                space_cutoff_minutes: 24 * 60,
                late_refund_percent: 0,
                // £3, unpaid fee … (Edinburgh Leisure, ✔ for Edinburgh); a 30-day block after a
                // second no-show in 30 days (goactive, ✔ for goactive): EXAMPLE for Moray.
                no_show: NoShowRule {
                    fee: Some(Pence(300)),
                    strikes: 2,
                    period_days: 30,
                    block_days: 30,
                },
                // No operator states a hold time (Stevenage: the person notified must book
                // themselves): EXAMPLE.
                offer_hold_minutes: 120,
                // Book up to one year in advance (Moray pitches, ✔).
                max_block_weeks: 52,
                // Members 14 days, others 7 (Live Active, ✔ for Perth & Kinross); release at
                // 07:00: both EXAMPLES for Moray.
                member_days_ahead: 14,
                days_ahead: 7,
                release_time: NaiveTime::from_hms_opt(7, 0, 0),
                // Gladstone's bookings-based entry has a grace period ("Entry Duration"); Live
                // Active asks for a swipe ≥ 5 minutes before: 30 minutes here is an EXAMPLE.
                check_in_opens_minutes: 30,
                // High Life Highland: budget cardholders re-prove every 6 months (✔); a
                // fortnight's warning before the review is an EXAMPLE.
                concession_warn_days: 14,
                source: "Moray pitch booking page (24 h, one year); other figures are EXAMPLES from \
                         Edinburgh Leisure, Live Active and goactive (DOMAIN-DETAIL §3.2)"
                    .into(),
            }],
        }
    }
}

/// The columns [`PolicyBook::from_csv`] reads.
pub const CSV_COLUMNS: [&str; 19] = [
    "council",
    "centre_id",
    "from",
    "until",
    "activity_cutoff_minutes",
    "space_cutoff_minutes",
    "late_refund_percent",
    "no_show_fee",
    "no_show_strikes",
    "no_show_period_days",
    "no_show_block_days",
    "offer_hold_minutes",
    "max_block_weeks",
    "member_days_ahead",
    "days_ahead",
    "release_time",
    "check_in_opens_minutes",
    "concession_warn_days",
    "source",
];
