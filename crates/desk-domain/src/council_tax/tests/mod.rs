//! Table-driven tests of the council-tax domain, one file per part.

mod account_estimate;
mod decide;
mod estimate;
mod identity;
mod world;
