//! The charge estimate against Moray's published figures, part years, leap years, discounts
//! from a date, instalments, and the whole-year property.

use chrono::NaiveDate;

use crate::CouncilTaxBand::{self, *};
use crate::council_tax::*;
use crate::values::Pence;

fn d(y: i32, m: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, day).unwrap()
}

fn moray(starts: i32) -> YearCharges {
    ChargeTable::moray().year_of(d(starts, 4, 1)).unwrap().clone()
}

fn p(pounds: &str) -> Pence {
    pounds.parse().unwrap()
}

fn whole_year(c: Circumstances, y: &YearCharges) -> Liability {
    Liability {
        from: y.starts,
        until: None,
        circumstances: vec![(y.starts, c)],
    }
}

/// Moray, "Council Tax Charge" 2025/26 (page_95175, DOMAIN-DETAIL §2.1): every figure of the
/// published bill, from Band D and the ratios.
#[test]
fn every_2025_26_moray_band_to_the_penny() {
    let y = moray(2025);
    let table = [
        (A, "1049.17", "185.28", "214.98", "1449.43"),
        (B, "1224.04", "216.16", "250.81", "1691.01"),
        (C, "1398.90", "247.04", "286.64", "1932.58"),
        (D, "1573.76", "277.92", "322.47", "2174.15"),
        (E, "2067.75", "339.68", "394.13", "2801.56"),
        (F, "2557.36", "401.44", "465.79", "3424.59"),
        (G, "3081.95", "463.20", "537.45", "4082.60"),
        (H, "3855.71", "555.84", "644.94", "5056.49"),
    ];
    for (band, ct, water, waste, total) in table {
        let a = annual(&y, &Circumstances::occupied(band)).unwrap();
        assert_eq!(
            (a.council_tax, a.water, a.waste_water),
            (p(ct), p(water), p(waste)),
            "{band:?}"
        );
        assert_eq!(a.total(), p(total), "{band:?}");
        // A whole year's estimate is the annual charge.
        let e = estimate(&y, &whole_year(Circumstances::occupied(band), &y)).unwrap();
        assert_eq!(e.total.total(), p(total), "{band:?}");
    }
}

/// Moray 2017/18 (DOMAIN.md: older copy of page_95175; BBC, 15 Feb 2017).
#[test]
fn every_2017_18_moray_band() {
    let y = moray(2017);
    for (band, ct) in [
        (A, "779.37"),
        (B, "909.26"),
        (C, "1039.16"),
        (D, "1169.05"),
        (E, "1536.00"),
        (F, "1899.71"),
        (G, "2289.39"),
        (H, "2864.17"),
    ] {
        assert_eq!(
            annual(&y, &Circumstances::occupied(band)).unwrap().council_tax,
            p(ct),
            "{band:?}"
        );
    }
    let dd = annual(&y, &Circumstances::occupied(D)).unwrap();
    assert_eq!((dd.water, dd.waste_water), (p("199.26"), p("231.30")));
}

#[test]
fn days_in_the_year_are_366_when_it_holds_29_february() {
    for (starts, days) in [
        (2023, 366),
        (2024, 365),
        (2025, 365),
        (2026, 365),
        (2027, 366),
        (2031, 366),
    ] {
        let y = YearCharges {
            starts: d(starts, 4, 1),
            ..moray(2025)
        };
        assert_eq!(y.days(), days, "{starts}");
        assert_eq!(y.ends(), d(starts + 1, 3, 31));
    }
}

/// DOMAIN-DETAIL §2.6's worked example: Band D 2025/26 liable from 16 May 2025, 320 days,
/// £1,573.76 × 320 / 365 = £1,379.73 — by either rounding.
#[test]
fn liable_from_16_may_2025() {
    for rounding in [Rounding::PerPeriod, Rounding::FromYearStart] {
        let y = YearCharges {
            rounding,
            ..moray(2025)
        };
        let e = estimate(
            &y,
            &Liability {
                from: d(2025, 5, 16),
                until: None,
                circumstances: vec![(d(2025, 5, 16), Circumstances::occupied(D))],
            },
        )
        .unwrap();
        assert_eq!(e.parts[0].days, 320);
        assert_eq!(e.total.council_tax, p("1379.73"), "{rounding:?}");
    }
}

/// One taxpayer moves out on 31 August 2025 (their last day), the next moves in on 1 September:
/// 153 and 212 days, and between them the year's charge exactly.
#[test]
fn mid_year_move_out_and_in() {
    let y = moray(2025);
    let out = Liability {
        from: d(2020, 6, 1),
        until: Some(d(2025, 8, 31)),
        circumstances: vec![(d(2020, 6, 1), Circumstances::occupied(D))],
    };
    let into = Liability {
        from: d(2025, 9, 1),
        until: None,
        circumstances: vec![(d(2025, 9, 1), Circumstances::occupied(D))],
    };
    let a = estimate(&y, &out).unwrap();
    let b = estimate(&y, &into).unwrap();
    assert_eq!((a.parts[0].from, a.parts[0].days), (d(2025, 4, 1), 153));
    assert_eq!(b.parts[0].days, 212);
    // 1,573.76 × 153/365 = 659.69; 277.92 × 153/365 = 116.50; 322.47 × 153/365 = 135.17.
    assert_eq!(
        (a.total.council_tax, a.total.water, a.total.waste_water),
        (p("659.69"), p("116.50"), p("135.17"))
    );
    assert_eq!(
        (b.total.council_tax, b.total.water, b.total.waste_water),
        (p("914.07"), p("161.42"), p("187.30"))
    );
    assert_eq!(a.total.total().0 + b.total.total().0, p("2174.15").0);
}

/// A leap year divides by 366: a March 2028 move-in pays 31/366 of the year.
#[test]
fn a_leap_year_divides_by_366() {
    let y = YearCharges {
        starts: d(2027, 4, 1),
        // Not a published figure: the 2025/26 charges moved to a leap year for the arithmetic.
        ..moray(2025)
    };
    let e = estimate(
        &y,
        &Liability {
            from: d(2028, 3, 1),
            until: None,
            circumstances: vec![(d(2028, 3, 1), Circumstances::occupied(D))],
        },
    )
    .unwrap();
    assert_eq!((e.days_in_year, e.parts[0].days), (366, 31));
    // 1,573.76 × 31/366 = 133.297… (over 365 it would be 133.66).
    assert_eq!(e.total.council_tax, p("133.30"));
    // 29 February is a day like another.
    assert_eq!(for_days(&y, Pence(36_600), d(2028, 2, 29), d(2028, 2, 29)), Pence(100));
}

/// Band C, a partner leaves and a single person discount runs from 1 October 2025.
#[test]
fn single_person_discount_from_a_date() {
    let y = moray(2025);
    let spd = Circumstances {
        discount: Discount::SinglePerson,
        ..Circumstances::occupied(C)
    };
    let e = estimate(
        &y,
        &Liability {
            from: d(2019, 1, 1),
            until: None,
            circumstances: vec![(d(2019, 1, 1), Circumstances::occupied(C)), (d(2025, 10, 1), spd)],
        },
    )
    .unwrap();
    assert_eq!(e.parts.len(), 2);
    assert_eq!((e.parts[0].days, e.parts[1].days), (183, 182));
    // 75% of £1,398.90 = £1,049.175 → £1,049.18 a year with the discount.
    assert_eq!(e.parts[1].annual.council_tax, p("1049.18"));
    assert_eq!(
        (e.total.council_tax, e.total.water, e.total.waste_water),
        (p("1224.52"), p("216.25"), p("250.91"))
    );
}

#[test]
fn reduction_then_discount_then_premium() {
    let y = moray(2025);
    let c = |band, disabled_reduction, discount, occupancy| Circumstances {
        band,
        disabled_reduction,
        discount,
        occupancy,
    };
    use Discount::*;
    use Occupancy::*;
    let cases = [
        // A disabled band reduction charges the band below: D pays C.
        ("D reduced", c(D, true, None, Occupied), "1398.90", "247.04", "286.64"),
        // … and Band A pays 5/9 of Band D (200/360): 874.31, water 5/9.
        ("A reduced", c(A, true, None, Occupied), "874.31", "154.40", "179.15"),
        // The reduction first, then the discount: 75% of Band C.
        (
            "D reduced, SPD",
            c(D, true, SinglePerson, Occupied),
            "1049.18",
            "185.28",
            "214.98",
        ),
        (
            "all disregarded",
            c(D, false, AllDisregarded, Occupied),
            "786.88",
            "138.96",
            "161.24",
        ),
        ("exempt", c(H, false, Exempt, EmptyUnfurnished), "0", "0", "0"),
        // Premiums and levies are on the council tax only.
        (
            "second home",
            c(D, false, None, SecondHome),
            "3147.52",
            "277.92",
            "322.47",
        ),
        (
            "long-term empty",
            c(B, false, None, LongTermEmpty),
            "2448.08",
            "216.16",
            "250.81",
        ),
        (
            "empty unfurnished",
            c(D, false, None, EmptyUnfurnished),
            "786.88",
            "277.92",
            "322.47",
        ),
        (
            "empty furnished",
            c(D, false, None, EmptyFurnished),
            "1416.38",
            "277.92",
            "322.47",
        ),
    ];
    for (name, circ, ct, water, waste) in cases {
        let a = annual(&y, &circ).unwrap();
        assert_eq!(
            (a.council_tax, a.water, a.waste_water),
            (p(ct), p(water), p(waste)),
            "{name}"
        );
    }
    // 2017/18's second homes had a discount, not a premium (configuration).
    let older = annual(&moray(2017), &c(D, false, None, SecondHome)).unwrap();
    assert_eq!(older.council_tax, p("1052.15"));
    // Nobody lives in a second home, so nobody can have a single person discount there.
    assert_eq!(
        annual(&y, &c(D, false, SinglePerson, SecondHome)),
        Err(EstimateError::DiscountOnEmptyHome)
    );
}

#[test]
fn liability_that_ends_before_it_starts_or_lacks_circumstances_is_refused() {
    let y = moray(2025);
    let bad = Liability {
        from: d(2025, 6, 1),
        until: Some(d(2025, 5, 31)),
        circumstances: vec![(d(2025, 6, 1), Circumstances::occupied(D))],
    };
    assert!(matches!(estimate(&y, &bad), Err(EstimateError::EndsBeforeStart { .. })));
    let late = Liability {
        from: d(2025, 6, 1),
        until: None,
        circumstances: vec![(d(2025, 7, 1), Circumstances::occupied(D))],
    };
    assert_eq!(estimate(&y, &late), Err(EstimateError::NoCircumstances(d(2025, 6, 1))));
    // Liability wholly in another year costs nothing in this one.
    let gone = Liability {
        from: d(2020, 1, 1),
        until: Some(d(2024, 12, 31)),
        circumstances: vec![(d(2020, 1, 1), Circumstances::occupied(D))],
    };
    assert_eq!(estimate(&y, &gone).unwrap().total.total(), Pence(0));
}

#[test]
fn plans_and_their_dates() {
    let y = moray(2025);
    let ten = Plan {
        instalments: 10,
        day: 15,
    }
    .dates(&y);
    assert_eq!((ten[0], ten[9]), (d(2025, 4, 15), d(2026, 1, 15)));
    let twelve = Plan {
        instalments: 12,
        day: 5,
    }
    .dates(&y);
    assert_eq!((twelve.len(), twelve[11]), (12, d(2026, 3, 5)));
    for (n, day) in [(11, 5), (10, 1), (12, 28)] {
        assert!(Plan { instalments: n, day }.check().is_err(), "{n} on {day}");
    }
}

/// Band C, a single person discount from 1 October, agreed on a call on 20 October with
/// £1,159.56 paid so far (six of ten instalments on the 15th).
#[test]
fn before_and_after_a_change_with_the_instalments_left() {
    let y = moray(2025);
    let before = whole_year(Circumstances::occupied(C), &y);
    let after = Liability {
        circumstances: vec![
            (y.starts, Circumstances::occupied(C)),
            (
                d(2025, 10, 1),
                Circumstances {
                    discount: Discount::SinglePerson,
                    ..Circumstances::occupied(C)
                },
            ),
        ],
        ..before.clone()
    };
    let paid = p("1159.56");
    let plan = Plan {
        instalments: 10,
        day: 15,
    };
    let est = estimate_change(&y, &before, &after, paid, plan, d(2025, 10, 20)).unwrap();
    assert_eq!(est.before.total.total(), p("1932.58"));
    assert_eq!(est.after.total.total(), p("1691.68"));
    assert_eq!(est.difference, p("-240.90"));
    // November, December, January are left.
    let left = &est.instalments_after;
    assert_eq!(left.dates, vec![d(2025, 11, 15), d(2025, 12, 15), d(2026, 1, 15)]);
    // £532.12 left: £177.38, then £177.37 twice; the first carries the odd penny.
    assert_eq!(left.amounts, vec![p("177.38"), p("177.37"), p("177.37")]);
    assert_eq!(left.amounts.iter().map(|a| a.0).sum::<i64>(), p("532.12").0);
    assert_eq!(est.instalments_before.amounts[1], p("257.67"));
    // After January's instalment nothing is left to spread over: the balance is due at once.
    let late = estimate_change(&y, &before, &after, paid, plan, d(2026, 2, 1)).unwrap();
    assert_eq!(
        (late.instalments_after.dates.len(), late.instalments_after.at_once),
        (0, p("532.12"))
    );
    // Paid more than the new charge: a credit, no instalments.
    let over = estimate_change(&y, &before, &after, p("1800"), plan, d(2025, 10, 20)).unwrap();
    assert_eq!(over.instalments_after.at_once, p("-108.32"));
}

/// A small generator, seeded, so the property runs the same every time without a dependency.
struct Lcg(u64);
impl Lcg {
    fn next(&mut self, below: u64) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        (self.0 >> 33) % below
    }
}

/// The daily amounts over a whole year sum to the annual charge: exactly when the rounding runs
/// from the start of the year, within a penny for any two-part split either way.
#[test]
fn daily_amounts_over_a_whole_year_sum_to_the_annual_charge() {
    let bands: [CouncilTaxBand; 8] = [A, B, C, D, E, F, G, H];
    let discounts = [Discount::None, Discount::SinglePerson, Discount::AllDisregarded];
    let mut rng = Lcg(20251001);
    let mut years = Vec::new();
    for starts in [2017, 2023, 2025, 2027] {
        let base = if starts == 2017 { moray(2017) } else { moray(2025) };
        years.push(YearCharges {
            starts: d(starts, 4, 1),
            ..base
        });
    }
    // Band D charges drawn at random too, so the property is not about two figures.
    for _ in 0..6 {
        let mut y = moray(2025);
        y.band_d = Pence(50_000 + rng.next(400_000) as i64);
        y.water_band_d = Pence(10_000 + rng.next(60_000) as i64);
        y.waste_water_band_d = Pence(10_000 + rng.next(60_000) as i64);
        years.push(y);
    }
    let mut checked = 0;
    for y in &years {
        let days: Vec<NaiveDate> = y.starts.iter_days().take(y.days() as usize).collect();
        for band in bands {
            for disabled_reduction in [false, true] {
                for discount in discounts {
                    let c = Circumstances {
                        band,
                        disabled_reduction,
                        discount,
                        occupancy: Occupancy::Occupied,
                    };
                    let a = annual(y, &c).unwrap();
                    for amount in [a.council_tax, a.water, a.waste_water] {
                        let exact = YearCharges {
                            rounding: Rounding::FromYearStart,
                            ..y.clone()
                        };
                        let daily: i64 = days.iter().map(|day| for_days(&exact, amount, *day, *day).0).sum();
                        assert_eq!(daily, amount.0, "{band:?} {} {amount}", y.starts);
                        // Every day costs the annual ÷ days within a penny.
                        for day in &days {
                            let one = for_days(&exact, amount, *day, *day).0 as f64;
                            assert!((one - amount.0 as f64 / y.days() as f64).abs() < 1.0);
                        }
                        let per_period = YearCharges {
                            rounding: Rounding::PerPeriod,
                            ..y.clone()
                        };
                        let cut = days[rng.next(days.len() as u64 - 1) as usize + 1];
                        for r in [&exact, &per_period] {
                            let first = for_days(r, amount, y.starts, cut.pred_opt().unwrap()).0;
                            let rest = for_days(r, amount, cut, y.ends()).0;
                            assert!((first + rest - amount.0).abs() <= 1, "{:?} cut {cut}", r.rounding);
                        }
                        checked += 1;
                    }
                }
            }
        }
    }
    assert_eq!(checked, years.len() * 8 * 2 * 3 * 3);
}

#[test]
fn the_charge_table_loads_from_json_and_csv() {
    let moray = ChargeTable::moray();
    let json = serde_json::to_string(&moray).unwrap();
    assert_eq!(ChargeTable::from_json(&json).unwrap(), moray);

    let header = charges::CSV_COLUMNS.join(",");
    let line = "Moray,2025-04-01,1573.76,277.92,322.47,240/280/320/360/473/585/705/882,\
                6/7/8/9/11/13/15/18,200,5,100,-50,-10,100,yes,from_year_start,\
                \"Moray page_95175 (2025/26); page_153524; page_95176; page_95178\"";
    let csv = ChargeTable::from_csv(&format!("{header}\n{line}\n")).unwrap();
    assert_eq!(csv.council, "Moray");
    assert_eq!(csv.years, vec![moray.year_of(d(2025, 6, 1)).unwrap().clone()]);

    let broken = [
        (line.replace("2025-04-01", "2025-04-02"), "starts on 1 April"),
        (line.replace("/360/", "/361/"), "Band D"),
        (line.replace("1573.76", "£15x"), "band_d"),
        (line.replace("6/7/8/9/11/13/15/18", "6/7/8/9"), "eight ratios"),
        (line.replace("yes", "maybe"), "discounts_reduce_water"),
        (line.replace(",from_year_start,", ",daily,"), "rounding"),
    ];
    for (bad, says) in broken {
        let err = ChargeTable::from_csv(&format!("{header}\n{bad}"))
            .unwrap_err()
            .to_string();
        assert!(err.contains(says), "{err}");
    }
    assert!(ChargeTable::from_json("{\"council\":\"Moray\"}").is_err());
    assert!(ChargeTable::from_csv("").is_err());
}
