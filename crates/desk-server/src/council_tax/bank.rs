//! The Direct Debit bank details the server alone keeps for the export.

use desk_domain::council_tax::records::ChangeRequest;
use desk_store::Tx;

use crate::StoreError;

/// The full bank details of a Direct Debit request, for the revenue export only.
pub(crate) fn details(_tx: &mut dyn Tx, request: &ChangeRequest) -> Result<Option<serde_json::Value>, StoreError> {
    if request.kind != "council_tax.direct_debit" {
        return Ok(None);
    }
    // Filled in when the server-only table of bank details lands (ct-core).
    Ok(None)
}
