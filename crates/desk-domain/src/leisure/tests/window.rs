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
