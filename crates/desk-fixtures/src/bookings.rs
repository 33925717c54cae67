//! The booking rows behind the demo sessions' counts (issue 11 §5): for each session, `booked`
//! places and `waiting` waiting-list entries, each a customer of the session's centre, and on
//! a few of next week's full sessions a freed place offered to the first person waiting (with
//! the cancellation that freed it), so the desk's offers to phone have something to show.
//!
//! Fast and deterministic: one ChaCha8 draw per session picks where in the centre's customer
//! list its people start; they are then taken at a fixed stride, so no customer is in one
//! session twice and no set or shuffle is needed.

use chrono::{Duration, TimeZone, Utc};
use desk_domain::{Booking, BookingStatus, Channel, Customer, Session};
use rand::Rng;
use rand_chacha::ChaCha8Rng;
use uuid::Uuid;

/// How many of next week's full sessions per centre hold an open offer.
pub const OFFERS_PER_CENTRE: usize = 2;

/// The demo's staff member who took every generated booking (the first demo account).
const DEMO_STAFF_ID: i64 = 1;

fn booking_id(n: u64) -> Uuid {
    // Version 7 and the RFC variant, as a desk's ids are; the serial keeps them unique.
    Uuid::from_u128((0x0190_0000_0000_7000_8000_0000_0000_0000u128) | u128::from(n))
}

/// The bookings behind `sessions`' counts, adjusting the few sessions given an open offer
/// (one waiting entry becomes the offered place, so `waiting` drops by one). Cancelled
/// sessions have none.
pub fn bookings(rng: &mut ChaCha8Rng, sessions: &mut [Session], customers: &[Customer]) -> Vec<Booking> {
    let mut by_centre: std::collections::BTreeMap<i64, Vec<i64>> = std::collections::BTreeMap::new();
    for c in customers {
        by_centre.entry(c.home_centre_id).or_default().push(c.id);
    }
    let Some(first_day) = sessions.iter().map(|s| s.starts_at.date()).min() else {
        return Vec::new();
    };
    let next_week = first_day + Duration::days(7);
    let mut offers_made: std::collections::BTreeMap<i64, usize> = std::collections::BTreeMap::new();
    let mut out = Vec::new();
    let mut serial = 0u64;
    for s in sessions.iter_mut() {
        let Some(people) = by_centre.get(&s.centre_id) else {
            continue;
        };
        let wanted = (s.booked + s.waiting) as usize;
        if s.cancelled || wanted == 0 || people.is_empty() {
            continue;
        }
        let wanted = wanted.min(people.len());
        let start = rng.gen_range(0..people.len() as u32) as usize;
        // Consecutive customers from a drawn start: distinct while the session has fewer
        // people than the centre has customers (hundreds against thousands).
        let pick = |i: usize| people[(start + i) % people.len()];
        let offer_here = s.starts_at.date() >= next_week
            && s.waiting >= 2
            && s.booked == s.capacity
            && offers_made.get(&s.centre_id).copied().unwrap_or(0) < OFFERS_PER_CENTRE;
        let created = Utc.from_utc_datetime(&(s.starts_at - Duration::days(3)));
        let push = |customer_id: i64, status: BookingStatus, position: u32, serial: &mut u64| -> Booking {
            *serial += 1;
            Booking {
                id: booking_id(*serial),
                session_id: s.id,
                customer_id,
                centre_id: s.centre_id,
                status,
                waiting_position: position,
                created_at: created + Duration::seconds(*serial as i64 % 86_400),
                staff_id: DEMO_STAFF_ID,
                channel: match *serial % 3 {
                    0 => Channel::FaceToFace,
                    1 => Channel::Telephone,
                    _ => Channel::AssistedDigital,
                },
                attended_at: None,
                no_show_at: None,
                no_show_waived: None,
                offer_until: None,
                offer_outcome: None,
            }
        };
        let booked = s.booked as usize;
        for i in 0..wanted {
            let (status, position) = if i < booked {
                (BookingStatus::Booked, 0)
            } else {
                (BookingStatus::Waiting, (i - booked + 1) as u32)
            };
            out.push(push(pick(i), status, position, &mut serial));
        }
        if offer_here && wanted > booked + 1 {
            // The last booked place was cancelled and offered to the first person waiting,
            // held until the day before the session (the demo has no clock to hold it from).
            let last_booked = out.len() - (wanted - booked) - 1;
            out[last_booked].status = BookingStatus::Cancelled;
            let first_waiting = last_booked + 1;
            out[first_waiting].status = BookingStatus::Offered;
            out[first_waiting].offer_until = Some(s.starts_at - Duration::days(1));
            s.waiting -= 1;
            *offers_made.entry(s.centre_id).or_default() += 1;
        }
    }
    out
}
