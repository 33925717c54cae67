//! Table-driven tests of the council-tax domain, one file per part.

mod decide;
mod estimate;
mod identity;
