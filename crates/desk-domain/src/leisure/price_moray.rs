//! Moray's prices as far as public sources give them (DOMAIN-DETAIL §3.1), and example figures,
//! marked so, where they do not: current FitLife prices and Moray's casual and pitch prices
//! were not found (DOMAIN-DETAIL §6, "Current FitLife prices and concessions"). A council
//! replaces all of this with its own file ([`PriceBook::from_json`] or `from_csv`).

use chrono::{NaiveDate, NaiveTime, Weekday};

use super::membership::{Billing, Plan};
use super::price_list::{Hours, Item, MemberPrice, MembershipPrice, Price, PriceBook, PriceList};
use crate::values::Pence;

/// The example site's ids: a pool activity, a class, and a 3G pitch as full, halves and
/// quarters (ids as in [`super::spaces`](mod@super::spaces)' example layout).
pub const EXAMPLE_CENTRE: i64 = 1;
pub const SWIM: Item = Item::Activity(1);
pub const CLASS: Item = Item::Activity(2);
pub const PITCH_FULL: Item = Item::Space(100);
pub const PITCH_HALF: [Item; 2] = [Item::Space(110), Item::Space(120)];
pub const PITCH_QUARTER: [Item; 4] = [Item::Space(111), Item::Space(112), Item::Space(121), Item::Space(122)];

fn date(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).expect("a real date")
}

fn time(h: u32) -> NaiveTime {
    NaiveTime::from_hms_opt(h, 0, 0).expect("a real time")
}

/// Moray's FitLife launch prices and an example site list.
pub fn moray() -> PriceBook {
    // FitLife at launch (January 2015): individual £19/month or £228/year, family £27/month or
    // £324/year; free for a registered disabled person plus a carer (committee, Dec 2014).
    // insidemoray 2014-11 and 2014-12 (DOMAIN-DETAIL §3.1, ✔ 2015 prices). 2025/26: not found.
    let launch = date(2015, 1, 1);
    let fitlife = "insidemoray.com 2014-11 and 2014-12 (FitLife launch prices, 2015)";
    let m = |plan, billing, pence| MembershipPrice {
        plan,
        billing,
        from: launch,
        price: Pence(pence),
        source: fitlife.into(),
    };
    let memberships = vec![
        m(Plan::Individual, Billing::Monthly, 1_900),
        m(Plan::Individual, Billing::Annual, 22_800),
        m(Plan::Family, Billing::Monthly, 2_700),
        m(Plan::Family, Billing::Annual, 32_400),
        m(Plan::DisabledWithCarer, Billing::Free, 0),
    ];

    let casual = |item, name: &str, adult, junior, member| Price {
        item,
        name: name.into(),
        hours: None,
        adult: Pence(adult),
        junior: Pence(junior),
        // Moray's "Budget" concession: 50p per activity (insidemoray 2014-11, ✔ 2015).
        concession: Pence(50),
        member,
    };
    // Swimming and classes are included in FitLife (insidemoray 2014-12, ✔). The casual adult
    // and junior figures are EXAMPLES: Moray's current casual prices were not found.
    let mut prices = vec![
        casual(SWIM, "Swim", 450, 270, MemberPrice::Included),
        casual(CLASS, "Exercise class", 600, 360, MemberPrice::Included),
    ];
    // 3G pitch per hour, adult / junior: quarter £30/£25, half £50/£40, full £80/£55 — Darlington
    // BC, Eastbourne Sports Complex (DOMAIN-DETAIL §3.3, ✔ but NOT Moray: an example). Peak
    // hours and their 20% uplift are EXAMPLES (Richard Challoner has peak and off-peak, no
    // figures); concession = junior price is an EXAMPLE.
    let peak = || Hours {
        label: "peak".into(),
        days: vec![Weekday::Mon, Weekday::Tue, Weekday::Wed, Weekday::Thu, Weekday::Fri],
        from: time(17),
        to: time(22),
    };
    let pitch = |item, name: &str, adult: i64, junior: i64| {
        [
            Price {
                item,
                name: name.into(),
                hours: None,
                adult: Pence(adult),
                junior: Pence(junior),
                concession: Pence(junior),
                member: MemberPrice::Casual,
            },
            Price {
                item,
                name: name.into(),
                hours: Some(peak()),
                adult: Pence(adult * 6 / 5),
                junior: Pence(junior * 6 / 5),
                concession: Pence(junior * 6 / 5),
                member: MemberPrice::Casual,
            },
        ]
    };
    prices.extend(pitch(PITCH_FULL, "3G pitch, full", 8_000, 5_500));
    for (i, half) in PITCH_HALF.into_iter().enumerate() {
        prices.extend(pitch(half, &format!("3G pitch, half {}", i + 1), 5_000, 4_000));
    }
    for (i, quarter) in PITCH_QUARTER.into_iter().enumerate() {
        prices.extend(pitch(quarter, &format!("3G pitch, quarter {}", i + 1), 3_000, 2_500));
    }
    PriceBook {
        council: "Moray".into(),
        lists: vec![PriceList {
            centre_id: EXAMPLE_CENTRE,
            from: date(2026, 4, 1),
            until: Some(date(2027, 3, 31)),
            scheme: "FitLife".into(),
            // Juniors are under 18: FitLife's family plan counts adults as "over 18" (MLC
            // FitLife FAQ, ✔); the casual junior age limit itself is an EXAMPLE.
            junior_below_age: 18,
            // Moray's over-60s pay the individual membership rate, not a concession
            // (insidemoray 2014-11, ✔): no concession by age alone.
            concession_from_age: None,
            source: "EXAMPLE site list: Budget 50p and FitLife inclusions from insidemoray 2014; \
                     pitch figures Darlington BC; other casual figures and peak hours are examples"
                .into(),
            prices,
        }],
        memberships,
    }
}

/// A centre's settings priced from Moray's example list: each class at the example class
/// price, each other activity at the example swim price, each pitch or room at the example
/// half-pitch price (all marked EXAMPLE in [`moray`]), and the example policy
/// ([`super::policy::PolicyBook::moray_example`]). For demo data and tests; a council loads
/// its own with `desk-server leisure-settings`.
pub fn example_settings(centre_id: i64, activities: &[crate::Activity]) -> super::records::LeisureSettings {
    use crate::ActivityKind;
    let book = moray();
    let mut list = book.lists.into_iter().next().expect("the example has one list");
    let template = |item: Item| -> Vec<Price> { list.prices.iter().filter(|p| p.item == item).cloned().collect() };
    let (class, swim, pitch) = (template(CLASS), template(SWIM), template(PITCH_HALF[0]));
    let mut prices = Vec::new();
    for a in activities.iter().filter(|a| a.centre_id == centre_id) {
        let from = match a.kind {
            ActivityKind::Class => &class,
            ActivityKind::Activity => &swim,
            ActivityKind::Pitch | ActivityKind::Room => &pitch,
        };
        prices.extend(from.iter().cloned().map(|p| Price {
            item: Item::Activity(a.id),
            name: a.name.clone(),
            ..p
        }));
    }
    list.centre_id = centre_id;
    list.prices = prices;
    // Open-ended, so the demo keeps its prices after the example's financial year ends.
    list.until = None;
    let mut policies = super::policy::PolicyBook::moray_example().policies;
    for p in &mut policies {
        p.centre_id = centre_id;
    }
    super::records::LeisureSettings {
        id: centre_id,
        centre_id,
        prices: vec![list],
        policies,
    }
}

/// Hire prices for a centre's spaces by kind, per hour, off-peak and peak (weekdays 17:00–22:00,
/// +20%): 3G pitch full, half and quarter at the Darlington BC figures of [`moray`]; the sports
/// hall £40/£30, a badminton court £12/£8 and a studio £25/£20 (adult/junior) are EXAMPLES —
/// no council source was found. A kind without a figure here gets no price (so is refused).
pub fn example_space_prices(spaces: &[super::space_records::SpaceRecord]) -> Vec<Price> {
    let peak = || Hours {
        label: "peak".into(),
        days: vec![Weekday::Mon, Weekday::Tue, Weekday::Wed, Weekday::Thu, Weekday::Fri],
        from: time(17),
        to: time(22),
    };
    let mut out = Vec::new();
    for s in spaces {
        let (adult, junior): (i64, i64) = match s.kind.as_str() {
            "3G pitch" => (8_000, 5_500),
            "3G pitch half" => (5_000, 4_000),
            "3G pitch quarter" => (3_000, 2_500),
            "hall" => (4_000, 3_000),
            "court" => (1_200, 800),
            "studio" => (2_500, 2_000),
            _ => continue,
        };
        for hours in [None, Some(peak())] {
            let peak_hours = hours.is_some();
            let up = |p: i64| if peak_hours { p * 6 / 5 } else { p };
            out.push(Price {
                item: Item::Space(s.id),
                name: s.name.clone(),
                hours,
                adult: Pence(up(adult)),
                junior: Pence(up(junior)),
                concession: Pence(up(junior)),
                member: MemberPrice::Casual,
            });
        }
    }
    out
}
