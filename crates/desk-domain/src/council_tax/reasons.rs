//! The closed lists an agent picks from: why a person is disregarded (DOMAIN-DETAIL §2.2,
//! Shelter Scotland's list) and which exemption is claimed — Scottish exemptions are numbered
//! paragraphs of Schedule 1 to the Council Tax (Exempt Dwellings) (Scotland) Order 1997
//! (S.I. 1997/728), not the English lettered classes (§2.3).

use chrono::{Months, NaiveDate};
use serde::{Deserialize, Serialize};

/// Why a resident is not counted for discount (Shelter Scotland, "Council tax discount").
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "snake_case")]
pub enum DisregardReason {
    /// 18 or under with child benefit still payable.
    ChildBenefitStillPayable,
    /// A school or college leaver under 20.
    SchoolOrCollegeLeaver,
    /// Up to age 20, studying up to HNC or equivalent.
    StudentUnder20,
    /// 18 to 25, looked after on or after their 16th birthday (2018 Amendment Regulations).
    CareLeaver,
    ForeignLanguageAssistant,
    FullTimeStudent,
    DiplomaticPrivilege,
    ForeignStudentsSpouseOrDependant,
    Apprentice,
    YouthTrainee,
    PrisonOrDetention,
    SevereMentalImpairment,
    Carer,
    HospitalPatient,
    /// In a care home, private hospital or high-care hostel.
    CareHome,
    InternationalHeadquartersOrDefence,
    VisitingForces,
    ReligiousCommunity,
    /// A Homes for Ukraine guest with an approved sponsor.
    HomesForUkraineGuest,
}

impl DisregardReason {
    pub const ALL: [DisregardReason; 19] = [
        DisregardReason::ChildBenefitStillPayable,
        DisregardReason::SchoolOrCollegeLeaver,
        DisregardReason::StudentUnder20,
        DisregardReason::CareLeaver,
        DisregardReason::ForeignLanguageAssistant,
        DisregardReason::FullTimeStudent,
        DisregardReason::DiplomaticPrivilege,
        DisregardReason::ForeignStudentsSpouseOrDependant,
        DisregardReason::Apprentice,
        DisregardReason::YouthTrainee,
        DisregardReason::PrisonOrDetention,
        DisregardReason::SevereMentalImpairment,
        DisregardReason::Carer,
        DisregardReason::HospitalPatient,
        DisregardReason::CareHome,
        DisregardReason::InternationalHeadquartersOrDefence,
        DisregardReason::VisitingForces,
        DisregardReason::ReligiousCommunity,
        DisregardReason::HomesForUkraineGuest,
    ];

    /// Evidence to follow: the reasons whose definition rests on a document the council must
    /// see — a doctor's certificate and a qualifying benefit (severe mental impairment), a
    /// course (students: hours and weeks, §2.2), an accredited course and pay (apprentice), a
    /// training plan (youth trainee), a local authority's record (care leaver), the cared-for
    /// person's benefit (carer).
    pub fn needs_evidence(self) -> bool {
        use DisregardReason::*;
        matches!(
            self,
            SevereMentalImpairment | FullTimeStudent | StudentUnder20 | Apprentice | YouthTrainee | CareLeaver | Carer
        )
    }

    /// The reasons that take a person's age: the person's age on the effective date must be
    /// within these years (inclusive lower, exclusive upper).
    pub fn ages(self) -> Option<(u32, u32)> {
        use DisregardReason::*;
        match self {
            // "18 or under with child benefit still payable".
            ChildBenefitStillPayable => Some((18, 19)),
            SchoolOrCollegeLeaver | StudentUnder20 => Some((18, 20)),
            CareLeaver => Some((18, 26)),
            // Youth trainee: under 25 (North Lanarkshire, §2.2).
            YouthTrainee => Some((18, 25)),
            _ => None,
        }
    }
}

/// An exemption an agent can take a claim for. The first six are verified paragraphs; the
/// deceased person's estate is listed by Scottish councils but its paragraph number is not
/// verified (§2.3 "?"), so it carries none.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "snake_case")]
pub enum Exemption {
    /// Para 1: a new dwelling, unoccupied and unfurnished.
    NewDwelling,
    /// Para 2: unoccupied, undergoing or after major repair or structural alteration.
    MajorRepair,
    /// Para 3: unoccupied, last occupied by a charity, which is liable.
    CharityOwned,
    /// Para 4: unoccupied and unfurnished.
    UnoccupiedUnfurnished,
    /// Para 5: unoccupied; the last resident is in hospital, a care home or the like, and liable.
    ResidentInCare,
    /// Para 10: occupied only by students (and those disregarded with them) or people under 18.
    StudentsOnly,
    /// A deceased person's estate (the executor applies).
    DeceasedEstate,
}

impl Exemption {
    /// The paragraph of Sch. 1 to S.I. 1997/728, where verified.
    pub fn paragraph(self) -> Option<u8> {
        match self {
            Exemption::NewDwelling => Some(1),
            Exemption::MajorRepair => Some(2),
            Exemption::CharityOwned => Some(3),
            Exemption::UnoccupiedUnfurnished => Some(4),
            Exemption::ResidentInCare => Some(5),
            Exemption::StudentsOnly => Some(10),
            Exemption::DeceasedEstate => None,
        }
    }

    /// What the claim's `since` date is, for the words on the question page.
    pub fn runs_from(self) -> Option<&'static str> {
        match self {
            Exemption::NewDwelling => Some("first entered in the valuation list"),
            Exemption::MajorRepair | Exemption::CharityOwned => Some("last occupied"),
            Exemption::UnoccupiedUnfurnished => Some("last occupied or furnished (for 6 weeks or more)"),
            Exemption::DeceasedEstate => Some("confirmation granted (none yet: leave empty)"),
            Exemption::ResidentInCare | Exemption::StudentsOnly => None,
        }
    }

    /// How long the exemption lasts from `since`, in months, where it has a limit. Para 2 also
    /// ends 6 months after the work is substantially completed (SSI 1999/140), which the
    /// revenue team checks on the evidence; the 12 months from last occupation are checked here.
    pub fn limit_months(self) -> Option<u32> {
        match self {
            Exemption::NewDwelling | Exemption::CharityOwned | Exemption::UnoccupiedUnfurnished => Some(6),
            Exemption::MajorRepair => Some(12),
            // At most 6 months from the grant of confirmation (North Lanarkshire; Stirling).
            Exemption::DeceasedEstate => Some(6),
            Exemption::ResidentInCare | Exemption::StudentsOnly => None,
        }
    }

    /// The dwelling must be unoccupied for the exemption.
    pub fn needs_unoccupied(self) -> bool {
        !matches!(self, Exemption::StudentsOnly)
    }

    /// The last day of the exemption, if it has a limit and the date it runs from is given.
    pub fn last_day(self, since: Option<NaiveDate>) -> Option<NaiveDate> {
        let months = self.limit_months()?;
        since?
            .checked_add_months(Months::new(months))
            .and_then(|d| d.pred_opt())
    }
}
