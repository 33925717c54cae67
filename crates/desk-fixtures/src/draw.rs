//! Drawing helpers. Lengths go through u32 so that the draws are the same on 32- and 64-bit.

use chrono::{Days, Months, NaiveDate};
use rand::Rng;
use rand_chacha::ChaCha8Rng;

pub(crate) fn pick<'a, T>(rng: &mut ChaCha8Rng, items: &'a [T]) -> &'a T {
    &items[index(rng, items.len())]
}

pub(crate) fn index(rng: &mut ChaCha8Rng, len: usize) -> usize {
    let len = u32::try_from(len).expect("demo lists are short");
    rng.gen_range(0..len) as usize
}

/// An index into `weights`, each chosen in proportion to its weight (at least one must be > 0).
pub(crate) fn weighted(rng: &mut ChaCha8Rng, weights: &[u32]) -> usize {
    let total: u32 = weights.iter().sum();
    let mut r = rng.gen_range(0..total);
    for (i, w) in weights.iter().enumerate() {
        if r < *w {
            return i;
        }
        r -= w;
    }
    unreachable!("r < total")
}

/// Percent chance, drawn as an integer so it is exact everywhere.
pub(crate) fn chance(rng: &mut ChaCha8Rng, percent: u32) -> bool {
    rng.gen_range(0..100u32) < percent
}

pub(crate) fn date(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).expect("valid calendar date")
}

/// A day drawn uniformly from `from..=to`.
pub(crate) fn day_between(rng: &mut ChaCha8Rng, from: NaiveDate, to: NaiveDate) -> NaiveDate {
    let span = u64::try_from((to - from).num_days()).expect("from <= to");
    from + Days::new(rng.gen_range(0..=span))
}

pub(crate) fn years_before(day: NaiveDate, years: u32) -> NaiveDate {
    day.checked_sub_months(Months::new(years * 12))
        .expect("within chrono's range")
}
