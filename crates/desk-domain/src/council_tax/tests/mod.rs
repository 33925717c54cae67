//! Table-driven tests of the council-tax domain, one file per part.

mod estimate;
