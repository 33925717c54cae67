//! The charge table the desk's estimate uses: `assets/config/council-tax-charges.csv` (Moray's
//! published 2017/18 and 2025/26 figures, and its indicative 2026/27, each line with its
//! source), unless `COUNCIL_DESK_CT_CHARGES` names a council's own file (JSON or CSV).

use std::sync::{Arc, OnceLock};

use desk_domain::council_tax::ChargeTable;

use crate::DeskError;

/// The default table, embedded so a desk needs no file beside it.
pub const DEFAULT_CSV: &str = include_str!("../../../../assets/config/council-tax-charges.csv");
/// The environment variable naming a council's own charge table.
pub const CHARGES_ENV: &str = "COUNCIL_DESK_CT_CHARGES";

/// Reads a table from `text`: JSON when it starts with `{`, CSV otherwise.
pub fn parse(text: &str) -> Result<ChargeTable, DeskError> {
    let table = if text.trim_start().starts_with('{') {
        ChargeTable::from_json(text)
    } else {
        ChargeTable::from_csv(text)
    };
    table.map_err(|e| DeskError::Store(format!("the council-tax charge table cannot be used: {e}")))
}

/// The table for this process: the file `COUNCIL_DESK_CT_CHARGES` names, else the default. Read
/// once; a file that cannot be read or parsed is an error every time it is asked for (the
/// estimate is then missing, never made from figures nobody configured).
pub fn configured() -> Result<Arc<ChargeTable>, DeskError> {
    static TABLE: OnceLock<Result<Arc<ChargeTable>, String>> = OnceLock::new();
    TABLE
        .get_or_init(|| {
            let text = match std::env::var_os(CHARGES_ENV) {
                Some(path) => std::fs::read_to_string(&path)
                    .map_err(|e| format!("cannot read {}: {e}", std::path::Path::new(&path).display()))?,
                None => DEFAULT_CSV.to_owned(),
            };
            parse(&text).map(Arc::new).map_err(|e| e.to_string())
        })
        .clone()
        .map_err(DeskError::Store)
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::NaiveDate;

    #[test]
    fn the_default_table_holds_morays_published_years_as_verified() {
        let table = parse(DEFAULT_CSV).unwrap();
        let moray = ChargeTable::moray();
        assert_eq!(table.council, moray.council);
        for y in &moray.years {
            let ours = table.year_of(y.starts).expect("every verified year is in the default");
            assert_eq!(ours, y, "the default's {} must be ChargeTable::moray()'s", y.starts);
        }
        let next = table
            .year_of(NaiveDate::from_ymd_opt(2026, 11, 30).unwrap())
            .expect("2026/27 is configured");
        assert_eq!(next.band_d.0, 173_114, "indicative +10% on £1,573.76");
        assert!(next.source.starts_with("NOT PUBLISHED"), "{}", next.source);
    }
}
