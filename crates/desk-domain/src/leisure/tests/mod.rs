//! Table-driven tests of the leisure desk's pure rules, one file per part.

mod payment;
mod price;
mod refund;
