//! The spaces figure for the `bench` command (issue 11 §4): a club's 15-week block checked for
//! clashes on each of a hall's 4 courts, offline, from a replica holding a busy half-year of
//! court, hall and pitch bookings. Measured through the facade the block form calls; nothing
//! is printed.

use std::path::Path;
use std::time::{Duration, Instant};

use chrono::{Days, NaiveDate, NaiveTime, Utc, Weekday};
use desk_domain::leisure::policy::PolicyBook;
use desk_domain::leisure::records::LeisureSettings;
use desk_domain::leisure::space_records::{SpaceBookingRecord, SpaceBookingStatus, SpaceRecord};
use desk_domain::leisure::spaces::Opening;
use desk_domain::values::Pence;
use desk_domain::{Change, ChangeOp, entities::table};
use rusqlite::TransactionBehavior;
use serde::Serialize;
use uuid::Uuid;

use crate::leisure::BlockInput;
use crate::{Desk, DeskConfig, replica};

fn p95(mut samples: Vec<Duration>) -> Duration {
    samples.sort();
    samples[((samples.len() * 95).div_ceil(100))
        .saturating_sub(1)
        .min(samples.len() - 1)]
}

const CENTRE: i64 = 1;
const HALL: i64 = 110;
const COURTS: [i64; 4] = [111, 112, 113, 114];

pub struct SpaceFigures {
    /// Bookings in the replica the check reads.
    pub bookings: usize,
    /// Dates the 4 checks reported as clashing (each block meets some).
    pub clashing_dates: u32,
    /// One sample: a 15-week weekly block checked on each of the 4 courts.
    pub block_clash_check_p95: Duration,
}

fn change<T: Serialize>(tbl: &str, id: String, record: &T) -> Change {
    Change {
        table: tbl.into(),
        id,
        bucket: format!("leisure:site:{CENTRE}"),
        version: 1,
        op: ChangeOp::Upsert,
        data: Some(serde_json::to_value(record).expect("records serialise")),
    }
}

fn time(h: u32) -> NaiveTime {
    NaiveTime::from_hms_opt(h, 0, 0).expect("a real time")
}

/// The hall, its courts and a pitch; every court booked most evenings and some days for 26
/// weeks from `first` (hourly, 07:00–22:00 weekdays), so each block date meets a full day.
fn world(first: NaiveDate) -> Vec<Change> {
    let opening = vec![Opening {
        days: vec![
            Weekday::Mon,
            Weekday::Tue,
            Weekday::Wed,
            Weekday::Thu,
            Weekday::Fri,
            Weekday::Sat,
            Weekday::Sun,
        ],
        opens: time(7),
        closes: time(22),
    }];
    let space = |id, kind: &str, name: String, part_of| SpaceRecord {
        id,
        centre_id: CENTRE,
        kind: kind.into(),
        name,
        part_of,
        slot_minutes: 60,
        opening: opening.clone(),
        closures: Vec::new(),
    };
    let mut spaces = vec![space(HALL, "hall", "Sports hall".into(), None)];
    for (i, c) in COURTS.iter().enumerate() {
        spaces.push(space(*c, "court", format!("Badminton court {}", i + 1), Some(HALL)));
    }
    spaces.push(space(100, "3G pitch", "3G pitch".into(), None));
    let mut out: Vec<Change> = spaces
        .iter()
        .map(|s| change(table::SPACES, s.id.to_string(), s))
        .collect();
    let settings = LeisureSettings {
        id: CENTRE,
        centre_id: CENTRE,
        prices: Vec::new(),
        policies: PolicyBook::moray_example().policies,
    };
    out.push(change(table::LEISURE_SETTINGS, CENTRE.to_string(), &settings));
    let mut n: u128 = 0;
    for day in 0..26 * 7 {
        let date = first + Days::new(day);
        for (k, space_id) in COURTS.iter().chain([&100]).enumerate() {
            for h in 7..22u32 {
                // Most slots taken, in a pattern that differs by space and day.
                if (u64::from(h) + day + k as u64).is_multiple_of(4) {
                    continue;
                }
                n += 1;
                let b = SpaceBookingRecord {
                    id: Uuid::from_u128(n),
                    space_id: *space_id,
                    centre_id: CENTRE,
                    day: date,
                    starts: date.and_time(time(h)),
                    ends: date.and_time(time(h + 1)),
                    customer_id: (n % 500) as i64 + 1,
                    club: n.is_multiple_of(3).then(|| format!("Club {}", n % 40)),
                    block_id: None,
                    status: SpaceBookingStatus::Booked,
                    price: Pence(1_200),
                    price_reason: "Adult".into(),
                    created_at: Utc::now(),
                    staff_id: 1,
                };
                out.push(change(table::SPACE_BOOKINGS, b.id.to_string(), &b));
            }
        }
    }
    out
}

pub async fn space_figures(dir: &Path, n: usize) -> SpaceFigures {
    let _ = std::fs::remove_dir_all(dir);
    let desk = Desk::open(DeskConfig {
        data_dir: dir.to_path_buf(),
        server_url: "http://127.0.0.1:9".into(),
    })
    .await
    .expect("bench desk opens");
    let first = crate::desk::local_now().date() + Days::new(1);
    let rows = world(first);
    let bookings = rows.iter().filter(|c| c.table == table::SPACE_BOOKINGS).count();
    desk.db(move |conn| {
        let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        for c in &rows {
            replica::apply_change(&tx, c).map_err(|e| crate::DeskError::Store(e.to_string()))?;
        }
        tx.commit()?;
        Ok(())
    })
    .await
    .expect("bench spaces load");
    let block = |court: i64| BlockInput {
        space_id: court,
        first,
        last: first + Days::new(14 * 7),
        every: "week".into(),
        starts: time(19),
        ends: time(21),
        customer_id: 1,
        club: "Forres Badminton Club".into(),
    };
    let mut samples = Vec::with_capacity(n);
    let mut clashing_dates = 0;
    for _ in 0..n {
        let t = Instant::now();
        let mut clashing = 0;
        for court in COURTS {
            let checked = desk
                .leisure()
                .check_block(block(court))
                .await
                .expect("the block checks");
            assert_eq!(checked.dates.len(), 15, "15 weekly dates");
            clashing += checked.refused;
        }
        samples.push(t.elapsed());
        clashing_dates = clashing;
    }
    assert!(clashing_dates > 0, "the busy replica makes some dates clash");
    SpaceFigures {
        bookings,
        clashing_dates,
        block_clash_check_p95: p95(samples),
    }
}
