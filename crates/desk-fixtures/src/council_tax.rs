//! Council-tax accounts.

use chrono::NaiveDate;
use desk_domain::{CouncilTaxBand, CtAccount, LiablePerson};
use rand::Rng;
use rand_chacha::ChaCha8Rng;

use crate::CT_REFERENCE_FORMAT;
use crate::draw::*;
use crate::names::*;

const CT_ACCOUNT_COUNT: i64 = 45_000;

/// Office share of accounts (percent), and the towns each office covers with their outward
/// postcodes and relative sizes. Office ids are 1 Elgin, 2 Forres, 3 Buckie.
/// A town an office covers: its name, outward postcode and relative number of homes.
type OfficeTown = (&'static str, &'static str, u32);

const OFFICES: [(u32, &[OfficeTown]); 3] = [
    (
        45,
        &[
            ("Elgin", "IV30", 50),
            ("Lossiemouth", "IV31", 18),
            ("Fochabers", "IV32", 8),
            ("Lhanbryde", "IV30", 6),
            ("Burghead", "IV30", 6),
            ("Hopeman", "IV30", 5),
            ("Rothes", "AB38", 7),
        ],
    ),
    (
        22,
        &[
            ("Forres", "IV36", 70),
            ("Kinloss", "IV36", 15),
            ("Findhorn", "IV36", 8),
            ("Dallas", "IV36", 7),
        ],
    ),
    (
        33,
        &[
            ("Buckie", "AB56", 40),
            ("Keith", "AB55", 20),
            ("Cullen", "AB56", 8),
            ("Portknockie", "AB56", 5),
            ("Findochty", "AB56", 4),
            ("Dufftown", "AB55", 9),
            ("Aberlour", "AB38", 9),
            ("Tomintoul", "AB37", 5),
        ],
    ),
];

/// Share of dwellings per band in tenths of a percent: most homes in A–D, very few in H.
const BANDS: [(CouncilTaxBand, u32); 8] = [
    (CouncilTaxBand::A, 200),
    (CouncilTaxBand::B, 240),
    (CouncilTaxBand::C, 180),
    (CouncilTaxBand::D, 150),
    (CouncilTaxBand::E, 120),
    (CouncilTaxBand::F, 70),
    (CouncilTaxBand::G, 35),
    (CouncilTaxBand::H, 5),
];

pub(crate) fn ct_accounts(rng: &mut ChaCha8Rng, first_day: NaiveDate) -> Vec<CtAccount> {
    let office_shares: Vec<u32> = OFFICES.iter().map(|o| o.0).collect();
    let band_shares: Vec<u32> = BANDS.iter().map(|b| b.1).collect();
    // Liable people are adults: at least 18 on the first day, and at most 95.
    let oldest = years_before(first_day, 95);
    let youngest = years_before(first_day, 18)
        .pred_opt()
        .expect("not the first day of time");
    (1..=CT_ACCOUNT_COUNT)
        .map(|id| {
            let office = weighted(rng, &office_shares);
            let towns = OFFICES[office].1;
            let town_shares: Vec<u32> = towns.iter().map(|t| t.2).collect();
            let (town, outward, _) = towns[weighted(rng, &town_shares)];
            let band = BANDS[weighted(rng, &band_shares)].0;
            let number = rng.gen_range(1..=120u32);
            let address = if chance(rng, 10) {
                format!("Flat {}, {number} {}, {town}", rng.gen_range(1..=8u32), street(rng))
            } else {
                format!("{number} {}, {town}", street(rng))
            };
            let surname_1 = surname(rng);
            let mut liable = vec![liable_person(rng, surname_1, oldest, youngest)];
            if chance(rng, 45) {
                let surname_2 = if chance(rng, 70) { surname_1 } else { surname(rng) };
                liable.push(liable_person(rng, surname_2, oldest, youngest));
            }
            // About 35% of all accounts: most single-occupier households claim the discount.
            let single_person_discount = liable.len() == 1 && chance(rng, 64);
            let phone = match rng.gen_range(0..100u32) {
                0..=44 => Some(mobile(rng)),
                45..=69 => Some(landline(rng)),
                _ => None,
            };
            let email = chance(rng, 55).then(|| {
                let (first, last) = liable[0].name.split_once(' ').expect("first and last name");
                email(rng, first, last)
            });
            // Paperless billing needs an email address: 45% of the 55% with one is about 25%.
            let paperless = email.is_some() && chance(rng, 45);
            let serial = 100_000 + (id as u64 - 1) * 13 + rng.gen_range(0..13u64);
            let uprn = 990_000_000_000 + (id as u64 - 1) * 19 + rng.gen_range(0..19u64);
            CtAccount {
                id,
                reference: CT_REFERENCE_FORMAT
                    .format(serial)
                    .parse()
                    .expect("the demo format makes references"),
                office_id: office as i64 + 1,
                band,
                address,
                postcode: postcode(rng, outward),
                uprn: uprn.to_string().parse().expect("a 12-digit UPRN"),
                liable,
                phone,
                email,
                single_person_discount,
                direct_debit: chance(rng, 60),
                paperless,
                liability_start: None,
                last_instalment_pence: None,
                bank_last_four: None,
            }
        })
        .collect()
}

/// Roughly a tenth of each band's 2025/26 Moray charge with water and waste water, in pence:
/// demo figures for the identity check's "last instalment", not the bill (the estimate uses the
/// configured charges in `desk_domain::council_tax::charges`).
const INSTALMENT_BY_BAND: [(CouncilTaxBand, i64); 8] = [
    (CouncilTaxBand::A, 12_240),
    (CouncilTaxBand::B, 14_280),
    (CouncilTaxBand::C, 16_320),
    (CouncilTaxBand::D, 18_360),
    (CouncilTaxBand::E, 23_410),
    (CouncilTaxBand::F, 28_630),
    (CouncilTaxBand::G, 34_320),
    (CouncilTaxBand::H, 41_750),
];

/// What the rules and the identity check read of each account, from their own stream so the
/// accounts above draw as before: when the current taxpayers became liable (after the youngest
/// turned 18, from council tax's start in April 1993, at least a month before `first_day`), the
/// last instalment (a quarter off with the single person discount; a few pay in one sum and
/// have none), and the last four digits of the bank account for those paying by Direct Debit.
pub(crate) fn fill_held(rng: &mut ChaCha8Rng, accounts: &mut [CtAccount], first_day: NaiveDate) {
    let council_tax_began = date(1993, 4, 1);
    let latest = first_day - chrono::Days::new(30);
    for a in accounts {
        let adult = a
            .liable
            .iter()
            .map(|p| p.date_of_birth)
            .max()
            .map_or(council_tax_began, |born| {
                born.checked_add_months(chrono::Months::new(18 * 12))
                    .expect("within chrono's range")
            });
        let from = adult.max(council_tax_began).min(latest);
        a.liability_start = Some(day_between(rng, from, latest));
        let monthly = INSTALMENT_BY_BAND
            .iter()
            .find(|(b, _)| *b == a.band)
            .map_or(18_360, |(_, p)| *p);
        let monthly = if a.single_person_discount {
            monthly * 3 / 4
        } else {
            monthly
        };
        a.last_instalment_pence = (!chance(rng, 4)).then_some(monthly);
        a.bank_last_four = a.direct_debit.then(|| format!("{:04}", rng.gen_range(0..10_000u32)));
    }
}

fn liable_person(rng: &mut ChaCha8Rng, last: &str, oldest: NaiveDate, youngest: NaiveDate) -> LiablePerson {
    let g = gender(rng);
    LiablePerson {
        name: format!("{} {last}", first_name(rng, g)),
        date_of_birth: day_between(rng, oldest, youngest),
    }
}
