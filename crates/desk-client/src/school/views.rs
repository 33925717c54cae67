//! What the school office's screens are given: plain data, serialisable as it is over IPC.

use chrono::{DateTime, NaiveDate, Utc};
use desk_domain::{Contact, Pupil};
use serde::{Deserialize, Serialize};

/// A pupil as a search lists them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct PupilView {
    pub id: i64,
    pub school_id: i64,
    pub first_name: String,
    pub last_name: String,
    pub date_of_birth: NaiveDate,
    /// P1–P7, S1–S6.
    pub stage: String,
    /// Registration class, e.g. `P4B`.
    pub class: String,
    /// Found because the name sounds like the words typed, not because it starts with them.
    pub sounds_like: bool,
}

impl PupilView {
    pub fn of(p: Pupil, sounds_like: bool) -> PupilView {
        PupilView {
            id: p.id,
            school_id: p.school_id,
            first_name: p.first_name,
            last_name: p.last_name,
            date_of_birth: p.date_of_birth,
            stage: p.stage,
            class: p.class,
            sounds_like,
        }
    }
}

/// Someone the school calls about a pupil, in the order they are to be called.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct ContactView {
    pub id: i64,
    pub name: String,
    pub relationship: String,
    pub phone: String,
    pub email: Option<String>,
    /// 1 is called first.
    pub priority: u32,
}

impl From<Contact> for ContactView {
    fn from(c: Contact) -> ContactView {
        ContactView {
            id: c.id,
            name: c.name,
            relationship: c.relationship,
            phone: c.phone,
            email: c.email,
            priority: c.priority,
        }
    }
}

/// One time the pupil's record was opened at this desk, from the audit log.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct RecordViewing {
    pub at: DateTime<Utc>,
    pub staff_id: Option<i64>,
    /// The staff member's name where this desk knows it (the one signed in), else `None`.
    pub staff_name: Option<String>,
    /// Where it was shown: "pupil page", "pupil search result", …
    pub detail: String,
}

/// The pupil page: the pupil, their school, their contacts in calling order and who viewed it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct PupilPage {
    pub pupil: PupilView,
    pub school_name: Option<String>,
    pub contacts: Vec<ContactView>,
    /// Newest first, this view included; at most [`super::VIEWINGS_SHOWN`].
    pub viewed: Vec<RecordViewing>,
}
