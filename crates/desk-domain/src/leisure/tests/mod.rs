//! Table-driven tests of the leisure desk's pure rules, one file per part.

mod book_and_pay;
mod book_space;
mod cash_count;
mod cash_up;
mod check_in;
mod customer_update;
mod customers;
mod offers;
mod payment;
mod price;
mod refund;
mod registration;
mod session_life;
mod space_pay;
mod spaces;
mod transfer;
mod window;
