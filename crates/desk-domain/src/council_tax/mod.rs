//! Council tax by phone: the charge estimate over configured charges ([`charges`],
//! [`estimate`]), the caller's identity check ([`identity`]), the change types as commands
//! ([`command`]) with one pure [`decide`], the records they leave ([`records`]), and the
//! reference given to the caller ([`reference`]).
//!
//! Registered in `services!` as `CouncilTax`; its records sync in the account's council-tax
//! office bucket.

pub mod account;
pub mod account_estimate;
pub mod charges;
mod code;
pub mod command;
mod decide;
pub mod estimate;
pub mod identity;
pub mod reasons;
pub mod records;
pub mod reference;
pub mod rules;

pub use account_estimate::{account_liability, estimate_request};
pub use charges::{ChargeTable, ChargesError, Rounding, YearCharges};
pub use code::Code;
pub use command::Command;
pub use decide::{AccountFacts, Facts, MAX_DAYS_AHEAD, REVIEW_AFTER_MONTHS, decide, summary, taking};
pub use estimate::{
    ChangeEstimate, Charges, Circumstances, Discount, Estimate, EstimateError, Instalments, Liability, Occupancy, Part,
    Plan, annual, estimate, estimate_change, for_days, instalments,
};
pub use reference::{parse_reference, reference_for};

#[cfg(test)]
mod tests;
