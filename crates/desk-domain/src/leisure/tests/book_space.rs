//! `leisure.book_space` and `leisure.cancel_space` through `decide`: linked spaces refused both
//! ways with alternatives, hours and slots, the booking window (members earlier, a block's dates
//! by the longest block), the peak price, and cancelling before and after the cut-off.

use chrono::{NaiveDate, NaiveDateTime};
use uuid::Uuid;

use crate::leisure::decide::tests::{Mem, ctx, world};
use crate::leisure::membership::{Billing, Membership, Plan};
use crate::leisure::records::{Entitlement, LeisureSettings};
use crate::leisure::space_records::{SpaceBookingRecord, SpaceBookingStatus, SpaceRecord};
use crate::leisure::spaces::Layout;
use crate::leisure::{BookSpace, CancelSpace, Command as Leisure, policy::PolicyBook, price_moray, taking};
use crate::values::Pence;
use crate::wire::Alternative;
use crate::{Command, Effect, Refusal};

pub(super) const FULL: i64 = 100;
pub(super) const H1: i64 = 110;
pub(super) const H2: i64 = 120;
pub(super) const Q1: i64 = 111;
pub(super) const Q2: i64 = 112;
pub(super) const Q3: i64 = 121;
pub(super) const Q4: i64 = 122;

/// 2026-12-`day` at `h`:00 (ctx's now is Tue 1 Dec 12:00).
pub(super) fn at(day: u32, h: u32) -> NaiveDateTime {
    NaiveDate::from_ymd_opt(2026, 12, day)
        .unwrap()
        .and_hms_opt(h, 0, 0)
        .unwrap()
}

/// The example layout's pitch (full, halves, quarters) and hall at centre 1, with Moray's
/// example prices and policy (members 14 days ahead, others 7, from 07:00; blocks 52 weeks;
/// spaces' cut-off 24 hours, nothing back after it).
pub(super) fn pitch_world() -> Mem {
    let layout = Layout::example();
    let mut w = world();
    w.spaces = layout
        .spaces
        .iter()
        .map(|s| SpaceRecord {
            id: s.id,
            centre_id: 1,
            kind: s.kind.clone(),
            name: s.name.clone(),
            part_of: s.part_of,
            slot_minutes: s.slot_minutes,
            opening: layout.opening.clone(),
            closures: layout.closures.clone(),
        })
        .collect();
    w.settings = vec![LeisureSettings {
        id: 1,
        centre_id: 1,
        prices: price_moray::moray().lists,
        policies: PolicyBook::moray_example().policies,
    }];
    w
}

pub(super) fn held(w: &mut Mem, id: u128, space_id: i64, starts: NaiveDateTime, ends: NaiveDateTime) {
    w.space_bookings.push(SpaceBookingRecord {
        id: Uuid::from_u128(id),
        space_id,
        centre_id: 1,
        day: starts.date(),
        starts,
        ends,
        customer_id: 2,
        club: Some("Forres Thistle juniors".into()),
        block_id: None,
        status: SpaceBookingStatus::Booked,
        price: Pence(5_000),
        price_reason: "test".into(),
        created_at: ctx().at,
        staff_id: 1,
    });
}

pub(super) fn ask(space_id: i64, starts: NaiveDateTime, ends: NaiveDateTime) -> BookSpace {
    BookSpace {
        booking_id: Uuid::from_u128(900),
        space_id,
        starts,
        ends,
        customer_id: 1,
        club: None,
        block_id: None,
        payment: None,
    }
}

pub(super) fn decide(w: &mut Mem, cmd: impl Into<Command>) -> Result<Vec<Effect>, Refusal> {
    let Ok(d) = cmd.into().decide(w, &ctx());
    d
}

pub(super) fn code(r: Result<Vec<Effect>, Refusal>) -> &'static str {
    r.unwrap_err().code.as_str()
}

pub(super) fn put_row(effects: &[Effect]) -> SpaceBookingRecord {
    effects
        .iter()
        .find_map(|e| match e {
            Effect::Put(r) if r.table == "space_bookings" => Some(serde_json::from_value(r.row.clone()).unwrap()),
            _ => None,
        })
        .expect("a space booking is put")
}

#[test]
fn a_quarter_at_peak_is_booked_and_priced_by_the_hour() {
    let mut w = pitch_world();
    let effects = decide(&mut w, ask(Q1, at(8, 19), at(8, 21))).unwrap();
    let row = put_row(&effects);
    assert_eq!(
        (row.space_id, row.status, row.day),
        (Q1, SpaceBookingStatus::Booked, at(8, 0).date())
    );
    // Quarter £30 an hour adult, peak +20% (Moray example list): £36 × 2 h.
    assert_eq!(row.price, Pence(7_200));
    assert!(row.price_reason.contains("peak"), "{}", row.price_reason);
    assert!(matches!(effects[0], Effect::Audit(_)));
    // Off-peak on Saturday morning: £30 an hour.
    let row = put_row(&decide(&mut w, ask(Q1, at(5, 10), at(5, 11))).unwrap());
    assert_eq!(row.price, Pence(3_000));
}

/// Held: half 1 19:00–21:00 on Tue 8 Dec. What each space asked for 19:00–20:00 meets.
#[test]
fn linked_spaces_are_refused_both_ways() {
    let table = [
        (FULL, Some("space_taken")),
        (H1, Some("space_taken")),
        (Q1, Some("space_taken")),
        (Q2, Some("space_taken")),
        (H2, None),
        (Q3, None),
        (Q4, None),
    ];
    for (space, want) in table {
        let mut w = pitch_world();
        held(&mut w, 1, H1, at(8, 19), at(8, 21));
        let got = decide(&mut w, ask(space, at(8, 19), at(8, 20)))
            .err()
            .map(|r| r.code.as_str());
        assert_eq!(got, want, "space {space} against half 1");
    }
    // The other way: a quarter held blocks its half and the full pitch, not the other half.
    for (space, want) in [
        (H1, Some("space_taken")),
        (FULL, Some("space_taken")),
        (H2, None),
        (Q1, None),
    ] {
        let mut w = pitch_world();
        held(&mut w, 1, Q2, at(8, 19), at(8, 20));
        let got = decide(&mut w, ask(space, at(8, 19), at(8, 20)))
            .err()
            .map(|r| r.code.as_str());
        assert_eq!(got, want, "space {space} against quarter 2");
    }
    // Back to back is no clash; a cancelled booking holds nothing.
    let mut w = pitch_world();
    held(&mut w, 1, H1, at(8, 19), at(8, 21));
    assert!(decide(&mut w, ask(Q1, at(8, 21), at(8, 22))).is_ok());
    w.space_bookings[0].status = SpaceBookingStatus::Cancelled;
    assert!(decide(&mut w, ask(FULL, at(8, 19), at(8, 21))).is_ok());
}

#[test]
fn a_taken_space_offers_the_same_kind_and_the_next_free_slot() {
    let mut w = pitch_world();
    held(&mut w, 1, H1, at(8, 19), at(8, 21));
    let r = decide(&mut w, ask(Q1, at(8, 19), at(8, 20))).unwrap_err();
    assert!(r.message.contains("Forres Thistle juniors"), "{}", r.message);
    let offered: Vec<(i64, NaiveDateTime)> = r
        .alternatives
        .iter()
        .map(|a| match a {
            Alternative::BookSpace { space_id, starts, .. } => (*space_id, *starts),
            other => panic!("unexpected {other:?}"),
        })
        .collect();
    assert_eq!(offered, [(Q3, at(8, 19)), (Q4, at(8, 19)), (Q1, at(8, 21))]);
    // Taking one books it for the same hirer, club and block.
    let mut asked = ask(Q1, at(8, 19), at(8, 20));
    asked.club = Some("Lossie Ladies".into());
    asked.block_id = Some(Uuid::from_u128(77));
    let (cmd, words) = taking(&Leisure::BookSpace(asked), &r.alternatives[0], Uuid::from_u128(901)).unwrap();
    let Leisure::BookSpace(b) = cmd else {
        panic!("a space booking")
    };
    assert_eq!(
        (b.space_id, b.club.as_deref(), b.block_id),
        (Q3, Some("Lossie Ladies"), Some(Uuid::from_u128(77)))
    );
    assert!(words.contains("3G pitch, quarter 3"), "{words}");
}

#[test]
fn hours_slots_and_bad_times_are_refused() {
    let mut w = pitch_world();
    let cases = [
        (ask(Q1, at(8, 21), at(8, 23)), "not_bookable"), // past closing (22:00)
        (ask(Q1, at(8, 7), at(8, 8)), "not_bookable"),   // before opening (08:00)
        (ask(Q1, at(8, 20), at(8, 19)), "not_bookable"), // ends before it starts
        (ask(Q1, at(1, 10), at(1, 11)), "not_bookable"), // already started (now 12:00)
        (ask(999, at(8, 19), at(8, 20)), "unknown_space"),
    ];
    for (cmd, want) in cases {
        assert_eq!(code(decide(&mut w, cmd.clone())), want, "{cmd:?}");
    }
    let mut off_slot = ask(Q1, at(8, 19), at(8, 20));
    off_slot.starts += chrono::Duration::minutes(30);
    assert_eq!(code(decide(&mut w, off_slot)), "not_bookable");
    let mut club = ask(Q1, at(8, 19), at(8, 20));
    club.club = Some("  ".into());
    assert_eq!(code(decide(&mut w, club)), "invalid_club");
    let mut nobody = ask(Q1, at(8, 19), at(8, 20));
    nobody.customer_id = 404;
    assert_eq!(code(decide(&mut w, nobody)), "unknown_customer");
    held(&mut w, 900, H2, at(9, 19), at(9, 20));
    assert_eq!(code(decide(&mut w, ask(Q1, at(8, 19), at(8, 20)))), "duplicate_booking");
}

/// Now is Tue 1 Dec 12:00; others book 7 days ahead, members 14, each day released at 07:00;
/// a block's dates up to 52 weeks ahead.
#[test]
fn the_booking_window_is_enforced() {
    let mut w = pitch_world();
    assert!(decide(&mut w, ask(Q1, at(8, 19), at(8, 20))).is_ok());
    let r = decide(&mut w, ask(Q2, at(9, 19), at(9, 20))).unwrap_err();
    assert_eq!(r.code.as_str(), "not_yet_open");
    assert!(r.message.contains("07:00 on Wed 2 Dec"), "{}", r.message);
    // A member may book 14 days ahead.
    w.entitlements = vec![Entitlement {
        id: 1,
        customer_id: 1,
        centre_id: 1,
        membership: Some(Membership {
            plan: Plan::Individual,
            billing: Billing::Monthly,
            starts: NaiveDate::from_ymd_opt(2026, 1, 1).unwrap(),
            paid_until: NaiveDate::from_ymd_opt(2027, 1, 31).unwrap(),
            frozen: false,
        }),
        concession: None,
    }];
    assert!(decide(&mut w, ask(Q2, at(9, 19), at(9, 20))).is_ok());
    assert_eq!(code(decide(&mut w, ask(Q2, at(16, 19), at(16, 20)))), "not_yet_open");
    // A block's date three months ahead stands; two years ahead does not.
    w.entitlements.clear();
    let mut block = ask(Q3, at(8, 19), at(8, 20));
    block.block_id = Some(Uuid::from_u128(5));
    block.starts = NaiveDate::from_ymd_opt(2027, 3, 2)
        .unwrap()
        .and_hms_opt(19, 0, 0)
        .unwrap();
    block.ends = block.starts + chrono::Duration::hours(1);
    assert!(decide(&mut w, block.clone()).is_ok());
    block.starts = NaiveDate::from_ymd_opt(2028, 3, 7)
        .unwrap()
        .and_hms_opt(19, 0, 0)
        .unwrap();
    block.ends = block.starts + chrono::Duration::hours(1);
    assert_eq!(code(decide(&mut w, block)), "not_yet_open");
}

#[test]
fn cancelling_charges_nothing_in_time_and_the_policy_s_share_after_the_cut_off() {
    let mut w = pitch_world();
    held(&mut w, 1, H1, at(8, 19), at(8, 21));
    held(&mut w, 2, H2, at(2, 10), at(2, 11)); // 22 hours away: inside the 24-hour cut-off
    let cancel = |id| CancelSpace {
        booking_id: Uuid::from_u128(id),
        refund_id: None,
        desk: None,
        waiver: None,
    };
    let row = put_row(&decide(&mut w, cancel(1)).unwrap());
    assert_eq!((row.status, row.price), (SpaceBookingStatus::Cancelled, Pence(0)));
    let row = put_row(&decide(&mut w, cancel(2)).unwrap());
    assert_eq!((row.status, row.price), (SpaceBookingStatus::Cancelled, Pence(5_000)));
    assert!(row.price_reason.contains("still charged"), "{}", row.price_reason);
    w.space_bookings[0].status = SpaceBookingStatus::Cancelled;
    assert_eq!(code(decide(&mut w, cancel(1))), "already_cancelled");
    assert_eq!(code(decide(&mut w, cancel(3))), "unknown_booking");
}

#[test]
fn out_of_scope_centres_are_refused() {
    let mut w = pitch_world();
    w.scope = vec![crate::Bucket::LeisureSite(2)];
    assert_eq!(code(decide(&mut w, ask(Q1, at(8, 19), at(8, 20)))), "out_of_scope");
}
