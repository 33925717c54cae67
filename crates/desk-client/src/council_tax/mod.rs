//! The contact centre's facade over the shared core: account search, the account page (held
//! data only after a passed identity check), the check itself, and each change taken by phone
//! with its reference and charge estimate. Every search result and every account shown is
//! written to the audit log in the transaction that reads it, as the school and leisure
//! facades do.

mod changes;
pub mod charges;
pub(crate) mod estimate;
mod page;
pub(crate) mod reads;
pub mod search;
pub mod views;

use rusqlite::TransactionBehavior;

use crate::desk::{MAX_TEXT, check_limit, check_text};
use crate::{Desk, DeskError, audit};
use views::{AccountSearch, AccountSummary};

/// How many of the latest views of an account the account page lists.
pub const VIEWINGS_SHOWN: u32 = 20;
/// Most accounts one search lists; the rest are counted ("N more").
pub const MAX_RESULTS: u32 = 50;

/// The council-tax service of a [`Desk`]: `desk.council_tax().search_accounts(…)`.
#[derive(Clone, Copy)]
pub struct CouncilTax<'d> {
    desk: &'d Desk,
}

impl Desk {
    pub fn council_tax(&self) -> CouncilTax<'_> {
        CouncilTax { desk: self }
    }
}

/// An account's view in the audit log.
fn viewed(conn: &rusqlite::Connection, account_id: i64, detail: &str) -> rusqlite::Result<()> {
    audit::append(
        conn,
        "view",
        desk_domain::RecordKind::CtAccount,
        &account_id.to_string(),
        None,
        detail,
    )
}

impl CouncilTax<'_> {
    /// Accounts by reference, name, address or postcode, or UPRN (accents, apostrophes and
    /// spaces ignored), by postcode and street; at most `limit` (1 to [`MAX_RESULTS`]) and how
    /// many more match. Each account listed is audited as viewed; what is listed is only what
    /// picks the right account.
    pub async fn search_accounts(&self, text: &str, limit: u32) -> Result<AccountSearch, DeskError> {
        check_text("The search text", text, MAX_TEXT, false)?;
        check_limit(limit, MAX_RESULTS)?;
        let text = text.to_owned();
        self.desk
            .db(move |conn| {
                let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
                let (found, more) = search::search(&tx, &text, limit)?;
                for a in &found {
                    viewed(&tx, a.id, "council-tax account search result")?;
                }
                tx.commit()?;
                Ok(AccountSearch {
                    accounts: found.iter().map(AccountSummary::from).collect(),
                    more,
                })
            })
            .await
    }
}
