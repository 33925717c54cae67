//! Council-tax change requests as the revenue export reads them: each request still
//! `received`, with the full bank details a Direct Debit request keeps on the server alone
//! (`ct_bank_details`, never synced). Written once over the generic row surface, for both
//! backends.

use desk_domain::council_tax::records::{BankDetails, ChangeRequest};
use desk_store::Tables;
use desk_store::tables::{CT_BANK_DETAILS, CT_CHANGE_REQUESTS};
use desk_store::{Cond, rows::Cell};

use crate::error::StoreError;

/// One request for the revenue system, and its bank details if it is a Direct Debit.
#[derive(Debug, Clone, PartialEq)]
pub struct ExportRequest {
    pub request: ChangeRequest,
    pub bank: Option<BankDetails>,
}

fn parse<T: serde::de::DeserializeOwned>(table: &str, row: &desk_store::Row) -> Result<T, StoreError> {
    serde_json::from_value(desk_store::json::record_of(row)?)
        .map_err(|e| StoreError::Corrupt(format!("a {table} row that is not a record: {e}")))
}

/// Every request with status `received`, oldest first (then by id), each with its bank details.
pub(super) fn to_export(t: &mut dyn Tables) -> Result<Vec<ExportRequest>, StoreError> {
    let rows = t.select_by(
        &CT_CHANGE_REQUESTS,
        &[Cond::Eq("status", Cell::Text("received".into()))],
        &["received_at", "id"],
    )?;
    let mut out = Vec::with_capacity(rows.len());
    for row in &rows {
        let request: ChangeRequest = parse(CT_CHANGE_REQUESTS.name, row)?;
        let bank = t
            .get(&CT_BANK_DETAILS, &[Cell::Uuid(request.id)])?
            .map(|r| parse(CT_BANK_DETAILS.name, &r))
            .transpose()?;
        out.push(ExportRequest { request, bank });
    }
    Ok(out)
}
