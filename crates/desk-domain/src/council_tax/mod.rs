//! Council tax by phone: the charge estimate over configured charges ([`charges`],
//! [`estimate`]), the caller's identity check ([`identity`]), the change types as commands
//! with one pure `decide` ([`command`], [`decide`]), and the reference given to the caller
//! ([`reference`]).
//!
//! Declared but not yet registered in `services!`: registering adds [`Facts`] to the facts the
//! server and the desk read, which is the next step (with the change-request and identity-check
//! tables on both sides).

pub mod charges;
mod code;
pub mod estimate;

pub use charges::{ChargeTable, ChargesError, Rounding, YearCharges};
pub use code::Code;
pub use estimate::{
    ChangeEstimate, Charges, Circumstances, Discount, Estimate, EstimateError, Instalments, Liability, Occupancy, Part,
    Plan, annual, estimate, estimate_change, for_days, instalments,
};

#[cfg(test)]
mod tests;
