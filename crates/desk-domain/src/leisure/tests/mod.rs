//! Table-driven tests of the leisure desk's pure rules, one file per part.

mod cash_up;
mod check_in;
mod payment;
mod price;
mod refund;
mod spaces;
