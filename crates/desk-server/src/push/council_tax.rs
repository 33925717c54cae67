//! The council-tax rules' reads in the push transaction, by the tables' descriptions.

use desk_domain::council_tax::records::{ChangeRequest, IdentityCheck, LockClearance};
use desk_domain::council_tax::{self, AccountFacts};
use desk_domain::{CtAccount, Role, table};
use desk_store::Cond;
use desk_store::rows::Cell;
use uuid::Uuid;

use super::Facts;
use crate::error::StoreError;
use crate::records;

impl council_tax::Facts for Facts<'_> {
    fn ct_account(&mut self, id: i64) -> Result<Option<AccountFacts>, StoreError> {
        let account: Option<CtAccount> = records::get(self.tx, table::CT_ACCOUNTS, &id.to_string())?;
        Ok(account.map(AccountFacts::of))
    }
    fn ct_request_exists(&mut self, id: Uuid) -> Result<bool, StoreError> {
        Ok(self
            .tx
            .get_record(table::CT_CHANGE_REQUESTS, &id.to_string())?
            .is_some())
    }
    fn ct_requests(&mut self, account_id: i64) -> Result<Vec<ChangeRequest>, StoreError> {
        records::select(
            self.tx,
            table::CT_CHANGE_REQUESTS,
            &[Cond::Eq("account_id", Cell::Int(account_id))],
        )
    }
    fn ct_check(&mut self, id: Uuid) -> Result<Option<IdentityCheck>, StoreError> {
        records::get(self.tx, table::CT_IDENTITY_CHECKS, &id.to_string())
    }
    fn ct_failed_checks(&mut self, account_id: i64) -> Result<Vec<IdentityCheck>, StoreError> {
        records::select(
            self.tx,
            table::CT_IDENTITY_CHECKS,
            &[
                Cond::Eq("account_id", Cell::Int(account_id)),
                Cond::Eq("passed", Cell::Bool(false)),
            ],
        )
    }
    fn ct_clearances(&mut self, account_id: i64) -> Result<Vec<LockClearance>, StoreError> {
        records::select(
            self.tx,
            table::CT_LOCK_CLEARANCES,
            &[Cond::Eq("account_id", Cell::Int(account_id))],
        )
    }
    /// From the staff record's roles as stored now (not the token's), so a role taken away
    /// stops clearing locks at once; the office is checked by scope in `decide`.
    fn is_supervisor(&mut self, staff_id: i64) -> Result<bool, StoreError> {
        Ok(self
            .tx
            .staff(staff_id)?
            .is_some_and(|s| !s.disabled && s.roles.contains(&Role::Supervisor)))
    }
}
