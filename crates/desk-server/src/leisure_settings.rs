//! A council's own leisure prices and booking policies (`desk-server leisure-settings`): read
//! from JSON or CSV (`desk_domain::leisure::price_list` and `policy` name the columns), merged
//! into each centre's dated settings, checked whole, and stored as synced records so every desk
//! of the centre prices and decides as the server does.
//!
//! Lists and policies are dated: a file adds the ones it holds and replaces any of the same
//! centre starting on the same day, and leaves the rest, so a council loads April's new prices
//! without restating last year's (bookings made then are still refunded by their day's policy).
//! An earlier open-ended list or policy ends the day before a later one starts — "from April,
//! these prices" — while one with an end date that runs past the new start is an overlap.
//! The whole file is refused when any line is wrong or the merged result overlaps; nothing is
//! stored half done.

use std::collections::{BTreeMap, BTreeSet};

use desk_domain::leisure::ConfigError;
use desk_domain::leisure::policy::PolicyBook;
use desk_domain::leisure::price_list::PriceBook;
use desk_domain::leisure::records::LeisureSettings;
use desk_domain::{Centre, table};

use crate::StoreError;
use crate::store::{EntityBatch, Store};

#[derive(Debug, thiserror::Error)]
pub enum LeisureSettingsError {
    #[error("the price file: {0}")]
    Prices(ConfigError),
    #[error("the policy file: {0}")]
    Policies(ConfigError),
    #[error("there is no centre {0}")]
    UnknownCentre(i64),
    #[error("centre {centre}: {error}")]
    Merged { centre: i64, error: ConfigError },
    #[error("give a price file, a policy file, or both")]
    Nothing,
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// Whether `text` is a JSON document rather than CSV: its first non-blank character opens one.
fn is_json(text: &str) -> bool {
    text.trim_start_matches('\u{feff}').trim_start().starts_with('{')
}

fn prices(text: &str) -> Result<PriceBook, ConfigError> {
    if is_json(text) {
        PriceBook::from_json(text)
    } else {
        PriceBook::from_csv(text)
    }
}

fn policies(text: &str) -> Result<PolicyBook, ConfigError> {
    if is_json(text) {
        PolicyBook::from_json(text)
    } else {
        PolicyBook::from_csv(text)
    }
}

/// Merges the files' lists and policies into each named centre's settings and stores them in
/// one load; returns the centres' settings as stored, by centre.
pub fn load_leisure_settings(
    store: &dyn Store,
    price_text: Option<&str>,
    policy_text: Option<&str>,
) -> Result<Vec<LeisureSettings>, LeisureSettingsError> {
    if price_text.is_none() && policy_text.is_none() {
        return Err(LeisureSettingsError::Nothing);
    }
    let book = price_text
        .map(prices)
        .transpose()
        .map_err(LeisureSettingsError::Prices)?;
    let rules = policy_text
        .map(policies)
        .transpose()
        .map_err(LeisureSettingsError::Policies)?;

    let named: BTreeSet<i64> = book
        .iter()
        .flat_map(|b| b.lists.iter().map(|l| l.centre_id))
        .chain(rules.iter().flat_map(|r| r.policies.iter().map(|p| p.centre_id)))
        .collect();
    let centres: BTreeSet<i64> = store
        .records(table::CENTRES, &[])?
        .into_iter()
        .filter_map(|v| serde_json::from_value::<Centre>(v).ok())
        .map(|c| c.id)
        .collect();
    if let Some(unknown) = named.iter().find(|id| !centres.contains(id)) {
        return Err(LeisureSettingsError::UnknownCentre(*unknown));
    }

    let mut held: BTreeMap<i64, LeisureSettings> = store
        .records(table::LEISURE_SETTINGS, &[])?
        .into_iter()
        .map(|v| {
            serde_json::from_value::<LeisureSettings>(v)
                .map(|s| (s.centre_id, s))
                .map_err(|e| StoreError::Corrupt(format!("a leisure_settings row that is not a record: {e}")))
        })
        .collect::<Result<_, _>>()?;
    let mut changed = Vec::new();
    for centre in named {
        let mut s = held.remove(&centre).unwrap_or(LeisureSettings {
            id: centre,
            centre_id: centre,
            prices: Vec::new(),
            policies: Vec::new(),
        });
        for list in book.iter().flat_map(|b| &b.lists).filter(|l| l.centre_id == centre) {
            s.prices.retain(|l| l.from != list.from);
            for earlier in s.prices.iter_mut().filter(|l| l.from < list.from && l.until.is_none()) {
                earlier.until = list.from.pred_opt();
            }
            s.prices.push(list.clone());
        }
        for policy in rules.iter().flat_map(|r| &r.policies).filter(|p| p.centre_id == centre) {
            s.policies.retain(|p| p.from != policy.from);
            for earlier in s
                .policies
                .iter_mut()
                .filter(|p| p.from < policy.from && p.until.is_none())
            {
                earlier.until = policy.from.pred_opt();
            }
            s.policies.push(policy.clone());
        }
        s.prices.sort_by_key(|l| l.from);
        s.policies.sort_by_key(|p| p.from);
        check(&s).map_err(|error| LeisureSettingsError::Merged { centre, error })?;
        changed.push(s);
    }
    store.load(&EntityBatch {
        leisure_settings: changed.clone(),
        ..EntityBatch::default()
    })?;
    Ok(changed)
}

/// The merged settings obey the same rules as one file: no two lists or policies of the
/// centre overlap in time, and each is valid on its own.
fn check(s: &LeisureSettings) -> Result<(), ConfigError> {
    PriceBook {
        council: String::new(),
        lists: s.prices.clone(),
        memberships: Vec::new(),
    }
    .checked()?;
    PolicyBook {
        council: String::new(),
        policies: s.policies.clone(),
    }
    .checked()?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::is_json;

    #[test]
    fn a_document_is_json_by_its_first_character() {
        assert!(is_json("{\"council\": \"Moray\"}"));
        assert!(is_json("\u{feff}  \n{}"));
        assert!(!is_json("council,centre_id\nMoray,1\n"));
        assert!(!is_json(""));
    }
}
