//! `decide` over facts held in memory: what each command puts, counts and audits, and
//! what it refuses. The server and the desk interpret these same effects.

use std::convert::Infallible;

use chrono::{NaiveDate, TimeZone, Utc};

use super::*;
use crate::{Channel, Command as Any, Effect};

#[derive(Default)]
pub(in crate::leisure) struct Mem {
    pub sessions: Vec<Session>,
    pub bookings: Vec<Booking>,
    pub customers: Vec<Customer>,
    pub settings: Vec<LeisureSettings>,
    pub entitlements: Vec<Entitlement>,
    pub vouchers: Vec<IssuedVoucher>,
    pub money: Vec<MoneyRecord>,
    /// Staff ids of the supervisors at every centre.
    pub supervisors: Vec<i64>,
    pub cash_counts: Vec<crate::leisure::cash_count::CashCount>,
    pub details: Vec<super::super::customer_cmd::CustomerDetails>,
    pub charges: Vec<Charge>,
    pub spaces: Vec<SpaceRecord>,
    pub space_bookings: Vec<SpaceBookingRecord>,
    /// Buckets the caller may write; empty means all.
    pub scope: Vec<Bucket>,
}

impl Source for Mem {
    type Error = Infallible;
    fn may_write(&self, bucket: &Bucket) -> bool {
        self.scope.is_empty() || self.scope.contains(bucket)
    }
}

/// A leisure world holds no school records: every school read finds nothing.
impl crate::school::Facts for Mem {
    fn pupil(&mut self, _: i64) -> Result<Option<crate::Pupil>, Infallible> {
        Ok(None)
    }
    fn contact(&mut self, _: i64) -> Result<Option<crate::Contact>, Infallible> {
        Ok(None)
    }
    fn attendance_code(&mut self, _: i64, _: &str) -> Result<Option<crate::school::AttendanceCode>, Infallible> {
        Ok(None)
    }
    fn school_year(&mut self, _: i64, _: NaiveDate) -> Result<Option<crate::school::SchoolYear>, Infallible> {
        Ok(None)
    }
    fn school_days(&mut self, _: i64, _: NaiveDate, _: NaiveDate) -> Result<Vec<crate::school::SchoolDay>, Infallible> {
        Ok(Vec::new())
    }
    fn absence(&mut self, _: Uuid) -> Result<Option<crate::school::Absence>, Infallible> {
        Ok(None)
    }
    fn absences_of(&mut self, _: i64) -> Result<Vec<crate::school::Absence>, Infallible> {
        Ok(Vec::new())
    }
    fn attempts_on(&mut self, _: i64, _: NaiveDate) -> Result<Vec<crate::school::ContactAttempt>, Infallible> {
        Ok(Vec::new())
    }
    fn id_taken(&mut self, _: Uuid) -> Result<bool, Infallible> {
        Ok(false)
    }
    fn rules(&mut self, _: i64) -> Result<crate::school::SchoolRules, Infallible> {
        Ok(crate::school::SchoolRules::default())
    }
    fn may_supervise(&self, _: &Bucket) -> bool {
        false
    }
}

/// Nor council-tax records: every council-tax read finds nothing.
impl crate::council_tax::Facts for Mem {
    fn ct_account(&mut self, _: i64) -> Result<Option<crate::council_tax::AccountFacts>, Infallible> {
        Ok(None)
    }
    fn ct_request_exists(&mut self, _: Uuid) -> Result<bool, Infallible> {
        Ok(false)
    }
    fn ct_requests(&mut self, _: i64) -> Result<Vec<crate::council_tax::records::ChangeRequest>, Infallible> {
        Ok(Vec::new())
    }
    fn ct_check(&mut self, _: Uuid) -> Result<Option<crate::council_tax::records::IdentityCheck>, Infallible> {
        Ok(None)
    }
    fn ct_failed_checks(&mut self, _: i64) -> Result<Vec<crate::council_tax::records::IdentityCheck>, Infallible> {
        Ok(Vec::new())
    }
    fn ct_clearances(&mut self, _: i64) -> Result<Vec<crate::council_tax::records::LockClearance>, Infallible> {
        Ok(Vec::new())
    }
    fn is_supervisor(&mut self, _: i64) -> Result<bool, Infallible> {
        Ok(false)
    }
}

impl Facts for Mem {
    fn supervises(&mut self, staff_id: i64, _: i64) -> Result<Option<bool>, Infallible> {
        Ok(Some(self.supervisors.contains(&staff_id)))
    }
    fn money_on(&mut self, centre_id: i64, day: chrono::NaiveDate) -> Result<Vec<MoneyRecord>, Infallible> {
        Ok(self
            .money
            .iter()
            .filter(|m| m.centre_id == centre_id && m.at.date() == day)
            .cloned()
            .collect())
    }
    fn cash_count(&mut self, id: Uuid) -> Result<Option<crate::leisure::cash_count::CashCount>, Infallible> {
        Ok(self.cash_counts.iter().find(|c| c.id == id).cloned())
    }
    fn place(&mut self, s: i64, c: i64, b: Uuid) -> Result<Option<(Session, PlaceFacts)>, Infallible> {
        let Some(session) = self.sessions.iter().find(|x| x.id == s).cloned() else {
            return Ok(None);
        };
        let live = self
            .bookings
            .iter()
            .find(|x| x.session_id == s && x.customer_id == c && x.status != BookingStatus::Cancelled)
            .map(|x| x.status);
        let facts = PlaceFacts {
            customer_exists: self.customers.iter().any(|x| x.id == c),
            booking_id_taken: self.bookings.iter().any(|x| x.id == b),
            live,
        };
        Ok(Some((session, facts)))
    }
    fn session(&mut self, id: i64) -> Result<Option<Session>, Infallible> {
        Ok(self.sessions.iter().find(|x| x.id == id).cloned())
    }
    fn booking(&mut self, id: Uuid) -> Result<Option<Booking>, Infallible> {
        Ok(self.bookings.iter().find(|x| x.id == id).cloned())
    }
    fn customer(&mut self, id: i64) -> Result<Option<Customer>, Infallible> {
        Ok(self.customers.iter().find(|x| x.id == id).cloned())
    }
    fn first_waiting(&mut self, s: i64) -> Result<Option<Booking>, Infallible> {
        Ok(self
            .bookings
            .iter()
            .filter(|x| x.session_id == s && x.status == BookingStatus::Waiting)
            .min_by_key(|x| x.waiting_position)
            .cloned())
    }
    fn max_waiting_position(&mut self, s: i64) -> Result<u32, Infallible> {
        Ok(self
            .bookings
            .iter()
            .filter(|x| x.session_id == s && x.status == BookingStatus::Waiting)
            .map(|x| x.waiting_position)
            .max()
            .unwrap_or(0))
    }
    fn sessions_between(
        &mut self,
        c: i64,
        a: i64,
        f: NaiveDateTime,
        u: NaiveDateTime,
    ) -> Result<Vec<Session>, Infallible> {
        Ok(self
            .sessions
            .iter()
            .filter(|x| x.centre_id == c && x.activity_id == a && x.starts_at >= f && x.starts_at <= u)
            .cloned()
            .collect())
    }
    fn settings(&mut self, c: i64) -> Result<Option<LeisureSettings>, Infallible> {
        Ok(self.settings.iter().find(|x| x.centre_id == c).cloned())
    }
    fn entitlement(&mut self, c: i64) -> Result<Option<Entitlement>, Infallible> {
        Ok(self.entitlements.iter().find(|x| x.customer_id == c).cloned())
    }
    fn voucher(&mut self, code: &str) -> Result<Option<IssuedVoucher>, Infallible> {
        Ok(self.vouchers.iter().find(|x| x.code == code).cloned())
    }
    fn money(&mut self, id: Uuid) -> Result<Option<MoneyRecord>, Infallible> {
        Ok(self.money.iter().find(|x| x.id == id).cloned())
    }
    fn money_of_booking(&mut self, b: Uuid) -> Result<Vec<MoneyRecord>, Infallible> {
        Ok(self.money.iter().filter(|x| x.booking_id == b).cloned().collect())
    }
    fn customers_like(
        &mut self,
        dob: NaiveDate,
        email: Option<&str>,
        postcode: &str,
    ) -> Result<Vec<Customer>, Infallible> {
        Ok(self
            .customers
            .iter()
            .filter(|c| {
                c.date_of_birth == dob || c.postcode == postcode || (email.is_some() && c.email.as_deref() == email)
            })
            .cloned()
            .collect())
    }
    fn customer_details(&mut self, id: i64) -> Result<Option<super::super::customer_cmd::CustomerDetails>, Infallible> {
        Ok(self.details.iter().find(|x| x.customer_id == id).cloned())
    }
    fn session_bookings(&mut self, s: i64) -> Result<Vec<Booking>, Infallible> {
        Ok(self.bookings.iter().filter(|x| x.session_id == s).cloned().collect())
    }
    fn bookings_of_customer(&mut self, c: i64) -> Result<Vec<Booking>, Infallible> {
        Ok(self.bookings.iter().filter(|x| x.customer_id == c).cloned().collect())
    }
    fn charge(&mut self, id: Uuid) -> Result<Option<Charge>, Infallible> {
        Ok(self.charges.iter().find(|x| x.id == id).cloned())
    }
    fn space(&mut self, id: i64) -> Result<Option<SpaceRecord>, Infallible> {
        Ok(self.spaces.iter().find(|s| s.id == id).cloned())
    }
    fn spaces_of_centre(&mut self, centre_id: i64) -> Result<Vec<SpaceRecord>, Infallible> {
        Ok(self
            .spaces
            .iter()
            .filter(|s| s.centre_id == centre_id)
            .cloned()
            .collect())
    }
    fn space_booking(&mut self, id: Uuid) -> Result<Option<SpaceBookingRecord>, Infallible> {
        Ok(self.space_bookings.iter().find(|b| b.id == id).cloned())
    }
    fn space_bookings_on(&mut self, centre_id: i64, day: NaiveDate) -> Result<Vec<SpaceBookingRecord>, Infallible> {
        Ok(self
            .space_bookings
            .iter()
            .filter(|b| b.centre_id == centre_id && b.day == day)
            .cloned()
            .collect())
    }
}

pub(in crate::leisure) fn at(d: u32, h: u32) -> NaiveDateTime {
    NaiveDate::from_ymd_opt(2026, 12, d)
        .unwrap()
        .and_hms_opt(h, 0, 0)
        .unwrap()
}

pub(in crate::leisure) fn ctx() -> Ctx {
    Ctx {
        now: at(1, 12),
        at: Utc.with_ymd_and_hms(2026, 12, 1, 12, 0, 0).unwrap(),
        staff_id: 7,
        channel: Channel::Telephone,
    }
}

pub(in crate::leisure) fn session(id: i64, day: u32, capacity: u32, booked: u32, waiting: u32) -> Session {
    Session {
        id,
        centre_id: 1,
        activity_id: 10,
        activity_name: "Aqua fit".into(),
        starts_at: at(day, 9),
        duration_minutes: 45,
        capacity,
        booked,
        waiting,
        location: "Pool".into(),
        instructor: "Seònaid".into(),
        cancelled: false,
    }
}

pub(in crate::leisure) fn customer(id: i64, centre: i64) -> Customer {
    Customer {
        id,
        home_centre_id: centre,
        first_name: "Mòrag".into(),
        last_name: "O'Neill".into(),
        date_of_birth: NaiveDate::from_ymd_opt(1980, 2, 1).unwrap(),
        membership_no: format!("M{id}"),
        email: None,
        phone: None,
        postcode: "IV30 1AA".into(),
        concession: false,
    }
}

pub(in crate::leisure) fn booking(
    id: u128,
    session_id: i64,
    customer_id: i64,
    status: BookingStatus,
    position: u32,
) -> Booking {
    Booking {
        id: Uuid::from_u128(id),
        session_id,
        customer_id,
        centre_id: 1,
        status,
        waiting_position: position,
        created_at: ctx().at,
        staff_id: 1,
        channel: Channel::FaceToFace,
        attended_at: None,
        no_show_at: None,
        no_show_waived: None,
        offer_until: None,
        offer_outcome: None,
    }
}

/// Centre 1 under Moray's example policy (DOMAIN-DETAIL §3.2): check-in from 30 minutes before,
/// offers held 120 minutes, £3 and a 30-day block from the second no-show in 30 days, booking
/// 7 days ahead (members 14) from 07:00.
pub(in crate::leisure) fn with_policy(mut w: Mem) -> Mem {
    let mut policies = crate::leisure::policy::PolicyBook::moray_example().policies;
    policies[0].centre_id = 1;
    w.settings = vec![LeisureSettings {
        id: 1,
        centre_id: 1,
        prices: Vec::new(),
        policies,
    }];
    w
}

/// A FitLife individual monthly membership at centre 1 from 1 January 2026, paid to `paid_until`.
pub(in crate::leisure) fn member(customer_id: i64, paid_until: NaiveDate) -> Entitlement {
    use crate::leisure::membership::{Billing, Membership, Plan};
    Entitlement {
        id: customer_id,
        customer_id,
        centre_id: 1,
        membership: Some(Membership {
            plan: Plan::Individual,
            billing: Billing::Monthly,
            starts: NaiveDate::from_ymd_opt(2026, 1, 1).unwrap(),
            paid_until,
            frozen: false,
        }),
        concession: None,
    }
}

/// A voucher issued at centre 1, worth `value` pence until the date given.
pub(in crate::leisure) fn voucher(code: &str, value: i64, (y, m, d): (i32, u32, u32), redeemed: bool) -> IssuedVoucher {
    IssuedVoucher {
        code: code.into(),
        centre_id: 1,
        value: crate::values::Pence(value),
        expires: NaiveDate::from_ymd_opt(y, m, d).unwrap(),
        redeemed,
    }
}

pub(in crate::leisure) fn world() -> Mem {
    Mem {
        sessions: vec![session(1, 2, 2, 1, 0), session(2, 2, 1, 1, 2), session(3, 4, 5, 0, 0)],
        bookings: vec![
            booking(1, 1, 1, BookingStatus::Booked, 0),
            booking(2, 2, 2, BookingStatus::Booked, 0),
            booking(3, 2, 3, BookingStatus::Waiting, 1),
            booking(4, 2, 4, BookingStatus::Waiting, 2),
        ],
        customers: (1..=5).map(|i| customer(i, 1)).chain([customer(9, 2)]).collect(),
        ..Mem::default()
    }
}

/// The effects as short words: `audit booking`, `put bookings <id> <status>`,
/// `count sessions <id> booked+1`.
pub(in crate::leisure) fn words(effects: &[Effect]) -> Vec<String> {
    effects
        .iter()
        .map(|e| match e {
            Effect::Audit(n) => format!("audit {}", n.kind.as_str()),
            Effect::Put(r) => format!("put {} {} {}", r.table, r.id, r.row["status"].as_str().unwrap_or("-")),
            Effect::Count { record, deltas } => {
                let d: Vec<String> = deltas.iter().map(|(f, n)| format!("{f}{n:+}")).collect();
                format!("count {} {} {}", record.table, record.id, d.join(","))
            }
            Effect::ServerOnly(r) => format!("server-only {} {}", r.table, r.id),
        })
        .collect()
}

fn run(w: &mut Mem, cmd: impl Into<Any>) -> Result<Vec<String>, &'static str> {
    let Ok(decision) = cmd.into().decide(w, &ctx());
    decision.map(|e| words(&e)).map_err(|r| r.code.as_str())
}

fn book(session_id: i64, customer_id: i64) -> BookPlace {
    BookPlace {
        booking_id: Uuid::from_u128(99),
        session_id,
        customer_id,
    }
}

#[test]
fn booking_puts_the_place_then_counts_the_session() {
    let id = Uuid::from_u128(99);
    assert_eq!(
        run(&mut world(), book(1, 2)).unwrap(),
        [
            "audit booking".to_owned(),
            format!("put bookings {id} booked"),
            "count sessions 1 booked+1".to_owned()
        ]
    );
    let join = JoinWaitingList {
        booking_id: id,
        session_id: 2,
        customer_id: 5,
    };
    let mut w = world();
    let Ok(decision) = Any::from(join).decide(&mut w, &ctx());
    let effects = decision.unwrap();
    let Effect::Put(put) = &effects[1] else {
        panic!("{effects:?}")
    };
    let b: Booking = put.parse().unwrap();
    assert_eq!(
        (b.status, b.waiting_position, b.staff_id),
        (BookingStatus::Waiting, 3, 7)
    );
    assert_eq!(b.channel, Channel::Telephone);
}

#[test]
fn refusals_table() {
    let mut out_of_scope = world();
    out_of_scope.scope = vec![Bucket::LeisureSite(2)];
    let taken = BookPlace {
        booking_id: Uuid::from_u128(1),
        ..book(1, 2)
    };
    let cases: Vec<(&str, Mem, Any, &str)> = vec![
        ("no session", world(), book(8, 2).into(), "unknown_session"),
        ("no customer", world(), book(1, 77).into(), "unknown_customer"),
        ("id taken", world(), taken.into(), "duplicate_booking"),
        ("twice", world(), book(1, 1).into(), "already_booked"),
        ("full", world(), book(2, 5).into(), "session_full"),
        ("other centre", out_of_scope, book(1, 2).into(), "out_of_scope"),
        (
            "cancel unknown",
            world(),
            CancelPlace {
                booking_id: Uuid::from_u128(50),
            }
            .into(),
            "unknown_booking",
        ),
    ];
    for (name, mut w, cmd, want) in cases {
        assert_eq!(run(&mut w, cmd), Err(want), "case {name}");
    }
}

#[test]
fn a_full_session_offers_its_waiting_list_and_the_next_with_space() {
    let Ok(decision) = Any::from(book(2, 5)).decide(&mut world(), &ctx());
    let refusal = decision.unwrap_err();
    assert_eq!(
        refusal.alternatives,
        vec![
            Alternative::JoinWaitingList { session_id: 2 },
            Alternative::BookSession {
                session_id: 1,
                starts_at: at(2, 9),
                activity_name: "Aqua fit".into(),
                spaces: 1
            },
            Alternative::BookSession {
                session_id: 3,
                starts_at: at(4, 9),
                activity_name: "Aqua fit".into(),
                spaces: 5
            },
        ]
    );
}

#[test]
fn cancelling_a_place_offers_it_to_the_first_waiting() {
    let cancel = CancelPlace {
        booking_id: Uuid::from_u128(2),
    };
    assert_eq!(
        run(&mut world(), cancel).unwrap(),
        [
            "audit booking".to_owned(),
            format!("put bookings {} cancelled", Uuid::from_u128(2)),
            "audit booking".to_owned(),
            format!("put bookings {} offered", Uuid::from_u128(3)),
            "count sessions 2 waiting-1".to_owned(),
        ],
        "the place is held for the one offered: booked -1 +1 nets to nothing; the waiting list shrinks by one"
    );
    let leave = CancelPlace {
        booking_id: Uuid::from_u128(4),
    };
    assert_eq!(
        run(&mut world(), leave).unwrap().last().unwrap(),
        "count sessions 2 waiting-1"
    );
}

#[test]
fn a_note_is_put_in_the_customers_centre_and_audited() {
    let note = |text: &str, customer_id| AddNote {
        note_id: Uuid::from_u128(5),
        customer_id,
        text: text.into(),
    };
    let mut w = world();
    let Ok(decision) = Any::from(note("  Prefers the 07:00 swim. ", 9)).decide(&mut w, &ctx());
    let effects = decision.unwrap();
    let Effect::Put(r) = &effects[1] else {
        panic!("{effects:?}")
    };
    assert_eq!(
        (r.table.as_str(), r.bucket.as_str()),
        ("customer_notes", "leisure:site:2")
    );
    let n: CustomerNote = r.parse().unwrap();
    assert_eq!(
        (n.text.as_str(), n.customer_id, n.staff_id),
        ("Prefers the 07:00 swim.", 9, 7)
    );
    assert!(matches!(&effects[0], Effect::Audit(a) if a.person_id == Some(9)));

    for (text, customer, want) in [
        ("   ", 9, "invalid_note"),
        (&"x".repeat(MAX_NOTE + 1)[..], 9, "invalid_note"),
        ("bell\u{7}", 9, "invalid_note"),
        ("fine", 404, "unknown_customer"),
    ] {
        assert_eq!(run(&mut world(), note(text, customer)), Err(want), "{text:?}");
    }
    let mut elsewhere = world();
    elsewhere.scope = vec![Bucket::LeisureSite(1)];
    assert_eq!(run(&mut elsewhere, note("fine", 9)), Err("out_of_scope"));
}
