//! Booking windows: members earlier, the release time, and the edges of both.

use chrono::{NaiveDate, NaiveDateTime, NaiveTime};

use crate::leisure::policy::{PolicyBook, SitePolicy};
use crate::leisure::window::{NotYetOpen, check_window, opens_at};

fn at(m: u32, d: u32, h: u32, min: u32) -> NaiveDateTime {
    NaiveDate::from_ymd_opt(2026, m, d)
        .unwrap()
        .and_hms_opt(h, min, 0)
        .unwrap()
}

fn policy() -> SitePolicy {
    // Members 14 days ahead, others 7, released at 07:00.
    PolicyBook::moray_example().policies[0].clone()
}

#[test]
fn booking_windows_table() {
    let session = at(12, 22, 18, 0);
    // (now, member, may book)
    let cases = [
        (at(12, 8, 6, 59), true, false),
        (at(12, 8, 7, 0), true, true),
        (at(12, 8, 7, 0), false, false),
        (at(12, 15, 6, 59), false, false),
        (at(12, 15, 7, 0), false, true),
        (at(12, 22, 17, 59), false, true),
        (at(11, 30, 12, 0), true, false),
    ];
    for (now, member, want) in cases {
        assert_eq!(
            check_window(&policy(), session, now, member).is_ok(),
            want,
            "{now} member={member}"
        );
    }
    assert_eq!(
        check_window(&policy(), session, at(12, 10, 9, 0), false),
        Err(NotYetOpen {
            opens: at(12, 15, 7, 0)
        })
    );
}

#[test]
fn without_a_release_time_a_day_opens_at_midnight() {
    let p = SitePolicy {
        release_time: None,
        ..policy()
    };
    assert_eq!(opens_at(&p, at(12, 22, 18, 0), false), at(12, 15, 0, 0));
    let p = SitePolicy {
        release_time: NaiveTime::from_hms_opt(22, 0, 0),
        days_ahead: 0,
        ..policy()
    };
    // A same-day window released at 22:00 opens after an 18:00 session: never bookable ahead.
    assert_eq!(opens_at(&p, at(12, 22, 18, 0), false), at(12, 22, 22, 0));
}

/// Class places through `decide`: the same window as spaces, members earlier, for a booking, a
/// waiting-list place and a transfer's new session alike; a centre with no policy has none.
mod through_decide {
    use chrono::{NaiveDate, NaiveDateTime, TimeZone, Utc};
    use uuid::Uuid;

    use crate::Command;
    use crate::leisure::decide::tests::{Mem, ctx, member, session, with_policy, world};
    use crate::leisure::{BookPlace, JoinWaitingList};
    use crate::service::Ctx;

    fn at(d: u32, h: u32, m: u32) -> NaiveDateTime {
        NaiveDate::from_ymd_opt(2026, 12, d)
            .unwrap()
            .and_hms_opt(h, m, 0)
            .unwrap()
    }

    /// Sessions 20 (room) and 21 (full) start 09:00 on 22 December; customer 3 is a member,
    /// customer 4 is not.
    fn windowed(policy: bool) -> Mem {
        let mut w = world();
        w.sessions.push(session(20, 22, 10, 0, 0));
        w.sessions.push(session(21, 22, 1, 1, 0));
        if policy {
            w = with_policy(w);
        }
        w.entitlements = vec![member(3, NaiveDate::from_ymd_opt(2027, 1, 31).unwrap())];
        w
    }

    fn decide(w: &mut Mem, cmd: Command, now: NaiveDateTime) -> Result<(), (String, String)> {
        let c = Ctx {
            now,
            at: Utc.from_utc_datetime(&now),
            ..ctx()
        };
        let Ok(d) = cmd.decide(w, &c);
        d.map(|_| ()).map_err(|r| (r.code.as_str().to_owned(), r.message))
    }

    fn book(customer_id: i64) -> Command {
        BookPlace {
            booking_id: Uuid::from_u128(900 + customer_id as u128),
            session_id: 20,
            customer_id,
        }
        .into()
    }

    fn wait(customer_id: i64) -> Command {
        JoinWaitingList {
            booking_id: Uuid::from_u128(950 + customer_id as u128),
            session_id: 21,
            customer_id,
        }
        .into()
    }

    #[test]
    fn class_windows_table() {
        // (now, customer, may book): members from 07:00 on 8 Dec, everyone from 07:00 on 15 Dec.
        let cases = [
            (at(8, 6, 59), 3, false),
            (at(8, 7, 0), 3, true),
            (at(8, 7, 0), 4, false),
            (at(15, 6, 59), 4, false),
            (at(15, 7, 0), 4, true),
        ];
        for (now, customer, want) in cases {
            let mut w = windowed(true);
            assert_eq!(
                decide(&mut w, book(customer), now).is_ok(),
                want,
                "book {now} {customer}"
            );
            let mut w = windowed(true);
            assert_eq!(
                decide(&mut w, wait(customer), now).is_ok(),
                want,
                "wait {now} {customer}"
            );
        }
    }

    #[test]
    fn the_refusal_says_when_it_opens_and_a_centre_without_a_policy_has_no_window() {
        let (code, message) = decide(&mut windowed(true), book(4), at(10, 9, 0)).unwrap_err();
        assert_eq!(code, "not_yet_open");
        assert_eq!(
            message,
            "Bookings for Tue 22 Dec open at 07:00 on Tue 15 Dec (14 days ahead for members, 7 for everyone else)."
        );
        assert_eq!(decide(&mut windowed(false), book(4), at(1, 12, 0)), Ok(()));
    }

    #[test]
    fn a_lapsed_membership_books_as_everyone_else() {
        let mut w = windowed(true);
        w.entitlements[0].membership.as_mut().unwrap().paid_until = NaiveDate::from_ymd_opt(2026, 12, 20).unwrap();
        assert_eq!(decide(&mut w, book(3), at(8, 7, 0)).unwrap_err().0, "not_yet_open");
    }
}
