//! The Direct Debit bank details the server alone keeps (`ct_bank_details`, never synced), for
//! the revenue export only.

use desk_domain::council_tax::records::ChangeRequest;
use desk_store::Tx;
use desk_store::rows::Cell;
use desk_store::tables::CT_BANK_DETAILS;
use serde_json::json;

use crate::StoreError;

/// The full bank details of a Direct Debit request; `None` for any other change. A Direct
/// Debit request without them is corrupt: exporting it would set up nothing.
pub(crate) fn details(tx: &mut dyn Tx, request: &ChangeRequest) -> Result<Option<serde_json::Value>, StoreError> {
    // Only a Direct Debit leaves bank details: no other request costs a read.
    if request.kind != "council_tax.direct_debit" {
        return Ok(None);
    }
    let Some(r) = tx.get(&CT_BANK_DETAILS, &[Cell::Uuid(request.id)])? else {
        return Err(StoreError::Corrupt(format!(
            "Direct Debit request {} has no bank details on the server",
            request.reference
        )));
    };
    Ok(Some(json!({
        "account_holder": r.text("account_holder")?,
        "sort_code": r.text("sort_code")?,
        "account_number": r.text("account_number")?,
    })))
}
