//! Who may see and change what. A staff member's roles and sites decide both what is pulled to
//! their desk and which commands the server accepts from it; the server enforces both.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "kebab-case")]
pub enum Role {
    LeisureDesk,
    SchoolOffice,
    ContactCentre,
    Supervisor,
    Trainer,
    Administrator,
}

impl Role {
    pub const ALL: [Role; 6] = [
        Role::LeisureDesk,
        Role::SchoolOffice,
        Role::ContactCentre,
        Role::Supervisor,
        Role::Trainer,
        Role::Administrator,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Role::LeisureDesk => "leisure-desk",
            Role::SchoolOffice => "school-office",
            Role::ContactCentre => "contact-centre",
            Role::Supervisor => "supervisor",
            Role::Trainer => "trainer",
            Role::Administrator => "administrator",
        }
    }

    /// Which kind of site this role works with, if it works with live personal data at all.
    /// A supervisor supervises whichever services their sites belong to. A trainer works in
    /// training mode and an administrator manages accounts: neither pulls live records.
    fn reaches(self, kind: SiteKind) -> bool {
        match self {
            Role::LeisureDesk => kind == SiteKind::Leisure,
            Role::SchoolOffice => kind == SiteKind::School,
            Role::ContactCentre => kind == SiteKind::Office,
            Role::Supervisor => true,
            Role::Trainer | Role::Administrator => false,
        }
    }
}

impl fmt::Display for Role {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Something the desk lets a staff member do, as the interface offers it: its navigation and
/// route guards follow these and never read roles themselves, so the role rules stay here.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub enum Capability {
    /// The leisure timetable, a session's bookings, booking and cancelling places.
    #[serde(rename = "leisure.book")]
    LeisureBook,
    /// The Needs attention list: the staff member's own offline changes the server refused.
    #[serde(rename = "attention")]
    Attention,
    /// The school office: Today, absence calls, the unexplained-absence worklist, pupil pages.
    #[serde(rename = "school.office")]
    SchoolOffice,
    /// The council-tax contact centre: account search, the caller's identity check, changes
    /// taken by phone and their requests' statuses.
    #[serde(rename = "council_tax.desk")]
    CouncilTaxDesk,
}

/// The capabilities these roles give, sorted and without repeats. The one place the desk's
/// interface learns what a role opens; the server still enforces scope on every command.
pub fn capabilities(roles: &[Role]) -> Vec<Capability> {
    let mut out = Vec::new();
    if roles.iter().any(|r| r.reaches(SiteKind::Leisure)) {
        out.push(Capability::LeisureBook);
    }
    if roles.iter().any(|r| r.reaches(SiteKind::School)) {
        out.push(Capability::SchoolOffice);
    }
    if roles.iter().any(|r| r.reaches(SiteKind::Office)) {
        out.push(Capability::CouncilTaxDesk);
    }
    // Anyone signed in may have made changes the server later refused: they always see them.
    out.push(Capability::Attention);
    out.sort();
    out.dedup();
    out
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown {what} `{value}`")]
pub struct ParseScopeError {
    pub what: &'static str,
    pub value: String,
}

impl FromStr for Role {
    type Err = ParseScopeError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Role::ALL
            .into_iter()
            .find(|r| r.as_str() == s)
            .ok_or_else(|| ParseScopeError {
                what: "role",
                value: s.to_owned(),
            })
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "kebab-case")]
pub enum SiteKind {
    /// A leisure centre.
    Leisure,
    /// A school.
    School,
    /// A council-tax office (contact-centre team).
    Office,
}

/// A place a staff member works: `leisure:3`, `school:12`, `office:1`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Site {
    pub kind: SiteKind,
    pub id: i64,
}

impl Site {
    pub fn leisure(id: i64) -> Self {
        Site {
            kind: SiteKind::Leisure,
            id,
        }
    }
    pub fn school(id: i64) -> Self {
        Site {
            kind: SiteKind::School,
            id,
        }
    }
    pub fn office(id: i64) -> Self {
        Site {
            kind: SiteKind::Office,
            id,
        }
    }
}

impl fmt::Display for Site {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let kind = match self.kind {
            SiteKind::Leisure => "leisure",
            SiteKind::School => "school",
            SiteKind::Office => "office",
        };
        write!(f, "{kind}:{}", self.id)
    }
}

impl FromStr for Site {
    type Err = ParseScopeError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let bad = || ParseScopeError {
            what: "site",
            value: s.to_owned(),
        };
        let (kind, id) = s.split_once(':').ok_or_else(bad)?;
        let kind = match kind {
            "leisure" => SiteKind::Leisure,
            "school" => SiteKind::School,
            "office" => SiteKind::Office,
            _ => return Err(bad()),
        };
        let id = id.parse::<i64>().map_err(|_| bad())?;
        if id <= 0 {
            return Err(bad());
        }
        Ok(Site { kind, id })
    }
}

impl Serialize for Site {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Site {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        s.parse().map_err(serde::de::Error::custom)
    }
}

#[cfg(feature = "openapi")]
impl utoipa::PartialSchema for Site {
    fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
        utoipa::openapi::ObjectBuilder::new()
            .schema_type(utoipa::openapi::schema::Type::String)
            .pattern(Some("^(leisure|school|office):[1-9][0-9]*$"))
            .description(Some("A site: leisure centre, school or council-tax office"))
            .into()
    }
}
#[cfg(feature = "openapi")]
impl utoipa::ToSchema for Site {}

/// On the wire a site is its display string (`leisure:3`), so the generated TypeScript type is a
/// string alias rather than the struct's fields.
#[cfg(feature = "ts")]
impl ts_rs::TS for Site {
    type WithoutGenerics = Self;
    type OptionInnerType = Self;
    fn docs() -> Option<String> {
        Some("/**\n * A place a staff member works: `leisure:3`, `school:12`, `office:1`.\n */\n".to_owned())
    }
    fn name(_: &ts_rs::Config) -> String {
        "Site".to_owned()
    }
    fn decl(_: &ts_rs::Config) -> String {
        "type Site = string;".to_owned()
    }
    fn decl_concrete(cfg: &ts_rs::Config) -> String {
        Self::decl(cfg)
    }
    fn inline(_: &ts_rs::Config) -> String {
        "string".to_owned()
    }
    fn output_path() -> Option<std::path::PathBuf> {
        Some(std::path::PathBuf::from("Site.ts"))
    }
}

/// A slice of server data that one desk may hold. Pull draws only from the caller's buckets.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Bucket {
    LeisureSite(i64),
    School(i64),
    CouncilTaxOffice(i64),
}

impl Bucket {
    pub fn for_site(site: Site) -> Bucket {
        match site.kind {
            SiteKind::Leisure => Bucket::LeisureSite(site.id),
            SiteKind::School => Bucket::School(site.id),
            SiteKind::Office => Bucket::CouncilTaxOffice(site.id),
        }
    }

    /// The buckets that these roles at these sites may see, sorted and without repeats.
    pub fn scope(roles: &[Role], sites: &[Site]) -> Vec<Bucket> {
        let mut out: Vec<Bucket> = sites
            .iter()
            .filter(|s| roles.iter().any(|r| r.reaches(s.kind)))
            .map(|s| Bucket::for_site(*s))
            .collect();
        out.sort();
        out.dedup();
        out
    }
}

impl fmt::Display for Bucket {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Bucket::LeisureSite(id) => write!(f, "leisure:site:{id}"),
            Bucket::School(id) => write!(f, "school:{id}"),
            Bucket::CouncilTaxOffice(id) => write!(f, "counciltax:office:{id}"),
        }
    }
}

impl FromStr for Bucket {
    type Err = ParseScopeError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let bad = || ParseScopeError {
            what: "bucket",
            value: s.to_owned(),
        };
        let (prefix, id) = s.rsplit_once(':').ok_or_else(bad)?;
        let id: i64 = id.parse().map_err(|_| bad())?;
        match prefix {
            "leisure:site" => Ok(Bucket::LeisureSite(id)),
            "school" => Ok(Bucket::School(id)),
            "counciltax:office" => Ok(Bucket::CouncilTaxOffice(id)),
            _ => Err(bad()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn leisure_desk_sees_only_its_centres() {
        let sites = [Site::leisure(1), Site::school(4), Site::leisure(2)];
        assert_eq!(
            Bucket::scope(&[Role::LeisureDesk], &sites),
            vec![Bucket::LeisureSite(1), Bucket::LeisureSite(2)]
        );
    }

    #[test]
    fn trainer_and_administrator_pull_no_live_records() {
        let sites = [Site::leisure(1), Site::school(4), Site::office(1)];
        assert!(Bucket::scope(&[Role::Trainer, Role::Administrator], &sites).is_empty());
    }

    #[test]
    fn supervisor_sees_every_service_at_their_sites() {
        let sites = [Site::leisure(1), Site::school(4), Site::office(1)];
        assert_eq!(Bucket::scope(&[Role::Supervisor], &sites).len(), 3);
    }

    #[test]
    fn capabilities_follow_the_roles() {
        use Capability::*;
        assert_eq!(capabilities(&[Role::LeisureDesk]), vec![LeisureBook, Attention]);
        assert_eq!(
            capabilities(&[Role::Supervisor]),
            vec![LeisureBook, Attention, SchoolOffice, CouncilTaxDesk]
        );
        assert_eq!(capabilities(&[Role::SchoolOffice]), vec![Attention, SchoolOffice]);
        assert_eq!(capabilities(&[Role::ContactCentre]), vec![Attention, CouncilTaxDesk]);
        for other in [Role::Trainer, Role::Administrator] {
            assert_eq!(capabilities(&[other]), vec![Attention], "{other}");
        }
        assert_eq!(
            capabilities(&[Role::LeisureDesk, Role::Supervisor]),
            vec![LeisureBook, Attention, SchoolOffice, CouncilTaxDesk]
        );
        assert_eq!(
            capabilities(&[Role::ContactCentre, Role::LeisureDesk]),
            vec![LeisureBook, Attention, CouncilTaxDesk]
        );
        assert_eq!(capabilities(&[]), vec![Attention]);
        assert_eq!(serde_json::to_string(&LeisureBook).unwrap(), "\"leisure.book\"");
        assert_eq!(serde_json::to_string(&SchoolOffice).unwrap(), "\"school.office\"");
        assert_eq!(serde_json::to_string(&CouncilTaxDesk).unwrap(), "\"council_tax.desk\"");
    }

    #[test]
    fn sites_and_buckets_round_trip_and_reject_junk() {
        for s in ["leisure:3", "school:12", "office:1"] {
            assert_eq!(s.parse::<Site>().unwrap().to_string(), s);
        }
        for s in ["leisure", "leisure:x", "pool:1", "leisure:0", "leisure:-2", ""] {
            assert!(s.parse::<Site>().is_err(), "{s} should not parse");
        }
        for b in [Bucket::LeisureSite(3), Bucket::School(9), Bucket::CouncilTaxOffice(1)] {
            assert_eq!(b.to_string().parse::<Bucket>().unwrap(), b);
        }
        assert!("leisure:3".parse::<Bucket>().is_err());
    }
}
