//! The demo's bookable spaces and some bookings of them (issue 11 §4): at every centre a 3G
//! pitch as full, two halves and four quarters, a sports hall of four badminton courts, and a
//! studio; a junior football club's block on half 1 every Tuesday evening and a few one-offs.
//! Drawn from the centres and customers alone (no random stream), so they never shift the
//! other demo data. Opening hours are EXAMPLES.

use chrono::{Datelike, Days, NaiveDate, NaiveTime, Weekday};
use desk_domain::leisure::space_records::{SpaceBookingRecord, SpaceBookingStatus, SpaceRecord};
use desk_domain::leisure::spaces::Opening;
use desk_domain::values::Pence;
use desk_domain::{Centre, Customer};
use uuid::Uuid;

/// A centre's space ids are `centre × 100 + n`: 1 full pitch, 2–3 halves, 4–7 quarters,
/// 10 the hall, 11–14 its courts, 20 the studio.
pub fn space_id(centre_id: i64, n: i64) -> i64 {
    centre_id * 100 + n
}

fn time(h: u32) -> NaiveTime {
    NaiveTime::from_hms_opt(h, 0, 0).expect("a real time")
}

/// Weekdays 07:00–22:00, weekends 08:00–18:00 (EXAMPLE hours).
fn opening() -> Vec<Opening> {
    vec![
        Opening {
            days: vec![Weekday::Mon, Weekday::Tue, Weekday::Wed, Weekday::Thu, Weekday::Fri],
            opens: time(7),
            closes: time(22),
        },
        Opening {
            days: vec![Weekday::Sat, Weekday::Sun],
            opens: time(8),
            closes: time(18),
        },
    ]
}

pub fn spaces(centres: &[Centre]) -> Vec<SpaceRecord> {
    let mut out = Vec::new();
    for c in centres {
        let s = |n: i64, kind: &str, name: &str, part_of: Option<i64>| SpaceRecord {
            id: space_id(c.id, n),
            centre_id: c.id,
            kind: kind.into(),
            name: name.into(),
            part_of: part_of.map(|p| space_id(c.id, p)),
            // Pitches, courts and the hall are hired by the hour (Branston Astro, DOMAIN-DETAIL
            // §3.3); the studio too, as an EXAMPLE.
            slot_minutes: 60,
            opening: opening(),
            closures: Vec::new(),
        };
        out.push(s(1, "3G pitch", "3G pitch", None));
        out.push(s(2, "3G pitch half", "3G pitch, half 1", Some(1)));
        out.push(s(3, "3G pitch half", "3G pitch, half 2", Some(1)));
        for (n, half, q) in [(4, 2, 1), (5, 2, 2), (6, 3, 3), (7, 3, 4)] {
            out.push(s(n, "3G pitch quarter", &format!("3G pitch, quarter {q}"), Some(half)));
        }
        out.push(s(10, "hall", "Sports hall", None));
        for n in 1..=4 {
            out.push(s(10 + n, "court", &format!("Badminton court {n}"), Some(10)));
        }
        out.push(s(20, "studio", "Studio", None));
    }
    out
}

/// From the demo week's Tuesday, eight weeks of a junior club on half 1, 18:00–19:00, at each
/// centre (one block); and on the demo week's Wednesday a one-off on court 1, 19:00–20:00, and
/// on its Thursday the full pitch 20:00–21:00. Prices are the example list's off-peak/peak
/// figures as the price rule gives them for an adult (the demo loads them, never a desk).
pub fn bookings(centres: &[Centre], customers: &[Customer], first_day: NaiveDate) -> Vec<SpaceBookingRecord> {
    let monday = first_day - Days::new(u64::from(first_day.weekday().num_days_from_monday()));
    let at = |d: NaiveDate, h: u32| d.and_time(time(h));
    // Taken the week before the demo week (fixed, so the same day gives the same data).
    let created = (monday - Days::new(7)).and_time(time(9)).and_utc();
    let mut out = Vec::new();
    for c in centres {
        let Some(contact) = customers.iter().find(|x| x.home_centre_id == c.id) else {
            continue;
        };
        let row = |n: u128,
                   space: i64,
                   day: NaiveDate,
                   from: u32,
                   to: u32,
                   club: Option<&str>,
                   block: Option<Uuid>,
                   pence: i64| {
            SpaceBookingRecord {
                id: Uuid::from_u128(((c.id as u128) << 64) | n),
                space_id: space_id(c.id, space),
                centre_id: c.id,
                day,
                starts: at(day, from),
                ends: at(day, to),
                customer_id: contact.id,
                club: club.map(str::to_owned),
                block_id: block,
                status: SpaceBookingStatus::Booked,
                price: Pence(pence),
                price_reason: "Adult (peak), demo booking".into(),
                created_at: created,
                staff_id: 1,
            }
        };
        let block = Uuid::from_u128(((c.id as u128) << 64) | 0xB10C);
        for week in 0..8u64 {
            let tuesday = monday + Days::new(1 + 7 * week);
            // Half pitch peak, £50 + 20% an hour (example list).
            out.push(row(
                u128::from(week) + 1,
                2,
                tuesday,
                18,
                19,
                Some("Forres Thistle juniors"),
                Some(block),
                6_000,
            ));
        }
        out.push(row(100, 11, monday + Days::new(2), 19, 20, None, None, 1_440));
        out.push(row(
            101,
            1,
            monday + Days::new(3),
            20,
            21,
            Some("Elgin City walking football"),
            None,
            9_600,
        ));
    }
    out
}
