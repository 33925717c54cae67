//! The leisure desk's money figures for the `bench` command (issue 11 §8): the price for a
//! customer and session, a paid booking's durable local commit, and the cash-up of a busy day
//! (2,000 payments). Each seeds a fresh store through the apply path a pull uses and measures
//! through the facade a screen calls; nothing is printed.

use std::path::Path;
use std::time::{Duration, Instant};

use chrono::{Duration as Span, NaiveDateTime, Utc};
use desk_domain::leisure::membership::{Billing, Membership, Plan};
use desk_domain::leisure::payment::Method;
use desk_domain::leisure::price_moray::example_settings;
use desk_domain::leisure::records::{Entitlement, MoneyKind, MoneyRecord};
use desk_domain::values::Pence;
use desk_domain::{Activity, ActivityKind, Centre, Channel, Session, entities::table};
use rusqlite::TransactionBehavior;
use uuid::Uuid;

use crate::bench::{change, fake_customer};
use crate::leisure::TenderInput;
use crate::{Desk, DeskConfig, replica};

const CENTRE: i64 = 1;
const ACTIVITY: i64 = 10;
const SESSIONS: i64 = 400;
const CUSTOMERS: u64 = 20_000;
/// Payments on the busy day the cash-up adds up.
pub const BUSY_DAY_PAYMENTS: usize = 2_000;

fn p95(mut samples: Vec<Duration>) -> Duration {
    samples.sort();
    samples[((samples.len() * 95).div_ceil(100))
        .saturating_sub(1)
        .min(samples.len() - 1)]
}

fn seed(conn: &mut rusqlite::Connection, tomorrow: NaiveDateTime, busy: NaiveDateTime) {
    let tx = conn
        .transaction_with_behavior(TransactionBehavior::Immediate)
        .expect("bench store writable");
    let apply = |c| replica::apply_change(&tx, &c).expect("bench rows apply");
    let centre = Centre {
        id: CENTRE,
        name: "Elgin Leisure Centre".into(),
        town: "Elgin".into(),
    };
    apply(change(table::CENTRES, CENTRE, 1, &centre));
    let activity = Activity {
        id: ACTIVITY,
        centre_id: CENTRE,
        name: "Aqua fit".into(),
        kind: ActivityKind::Class,
    };
    apply(change(table::ACTIVITIES, ACTIVITY, 1, &activity));
    let settings = example_settings(CENTRE, std::slice::from_ref(&activity));
    apply(change(table::LEISURE_SETTINGS, CENTRE, 1, &settings));
    for i in 0..SESSIONS {
        let s = Session {
            id: 1_000 + i,
            centre_id: CENTRE,
            activity_id: ACTIVITY,
            activity_name: "Aqua fit".into(),
            starts_at: tomorrow + Span::minutes(i * 15),
            duration_minutes: 45,
            capacity: 30,
            booked: 0,
            waiting: 0,
            location: "Pool".into(),
            instructor: "Iain".into(),
            cancelled: false,
        };
        apply(change(table::SESSIONS, s.id, 1, &s));
    }
    for i in 1..=CUSTOMERS {
        let c = fake_customer(i);
        apply(change(table::CUSTOMERS, c.id, 1, &c));
        // One in five a FitLife member, as a busy centre's regulars are.
        if i % 5 == 0 {
            let e = Entitlement {
                id: c.id,
                customer_id: c.id,
                centre_id: CENTRE,
                membership: Some(Membership {
                    plan: Plan::Individual,
                    billing: Billing::Monthly,
                    starts: busy.date() - Span::days(100),
                    paid_until: busy.date() + Span::days(20),
                    frozen: false,
                }),
                concession: None,
            };
            apply(change(table::ENTITLEMENTS, e.id, 1, &e));
        }
    }
    for i in 0..BUSY_DAY_PAYMENTS {
        let method = match i % 4 {
            0 | 1 => Method::Cash,
            2 => Method::Card {
                terminal: format!("T{}", i % 3 + 1),
                reference: format!("{i:06}"),
            },
            _ => Method::Voucher {
                code: format!("GIFT{i}"),
            },
        };
        let m = MoneyRecord {
            id: Uuid::now_v7(),
            booking_id: Uuid::now_v7(),
            customer_id: i64::try_from(i).unwrap_or(1) + 1,
            centre_id: CENTRE,
            desk: format!("Desk {}", i % 3),
            kind: if i % 25 == 0 {
                MoneyKind::Refund
            } else {
                MoneyKind::Payment
            },
            method,
            amount: Pence(600),
            tendered: Pence(0),
            change: Pence(0),
            reason: "Adult".into(),
            at: busy + Span::seconds(i64::try_from(i).unwrap_or(0) * 20),
            created_at: Utc::now(),
            staff_id: 1,
        };
        apply(change(table::PAYMENTS, m.id, 1, &m));
    }
    tx.commit().expect("bench seed commits");
}

/// The leisure money figures: price p95, book-and-pay commit p95, the busy day's cash-up (the
/// slowest of five).
pub struct LeisureFigures {
    pub price_p95: Duration,
    pub book_and_pay_p95: Duration,
    pub cash_up_busy_day: Duration,
    pub cash_up_payments: u32,
}

pub async fn leisure_figures(dir: &Path, n: usize) -> LeisureFigures {
    let dir = dir.join("leisure");
    let _ = std::fs::remove_dir_all(&dir);
    let desk = Desk::open(DeskConfig {
        data_dir: dir,
        server_url: "http://127.0.0.1:9".into(),
    })
    .await
    .expect("bench desk opens");
    let now = crate::desk::local_now();
    let tomorrow = (now.date() + Span::days(1)).and_hms_opt(7, 0, 0).expect("a time");
    // The busy day is yesterday, so the bench's own paid bookings (today) are not in it.
    let busy = (now.date() - Span::days(1)).and_hms_opt(6, 0, 0).expect("a time");
    desk.db(move |conn| {
        seed(conn, tomorrow, busy);
        Ok(())
    })
    .await
    .expect("bench seed");
    let leisure = desk.leisure();

    let mut samples = Vec::with_capacity(n);
    for i in 0..n {
        let (session, customer) = (1_000 + (i as i64 % SESSIONS), 1 + (i as i64 * 7_919) % CUSTOMERS as i64);
        let t = Instant::now();
        leisure.price_for(session, customer).await.expect("a price");
        samples.push(t.elapsed());
    }
    let price_p95 = p95(samples);

    // Each a customer who pays (not a member), in cash, into a session with room.
    let mut samples = Vec::with_capacity(n);
    for i in 0..n {
        let customer = 1 + (i as i64 * 5 + 1) % CUSTOMERS as i64;
        let session = 1_000 + (i as i64 % SESSIONS);
        let price = leisure.price_for(session, customer).await.expect("a price").price_pence;
        let cash = TenderInput {
            method: "cash".into(),
            tendered_pence: Some(price + 400),
            ..TenderInput::default()
        };
        let t = Instant::now();
        leisure
            .book_and_pay(session, customer, price, &cash, Channel::FaceToFace)
            .await
            .expect("bench booking is paid");
        samples.push(t.elapsed());
    }
    let book_and_pay_p95 = p95(samples);

    let mut slowest = Duration::ZERO;
    let mut counted = 0;
    for _ in 0..5 {
        let t = Instant::now();
        let view = leisure
            .cash_up(CENTRE, busy.date(), false, 0, None)
            .await
            .expect("cash-up");
        slowest = slowest.max(t.elapsed());
        counted = view.cash.count + view.cards.iter().map(|c| c.count).sum::<u32>() + view.vouchers.count;
    }
    LeisureFigures {
        price_p95,
        book_and_pay_p95,
        cash_up_busy_day: slowest,
        cash_up_payments: counted,
    }
}
