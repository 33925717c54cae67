//! Leisure bookings: places in a session, its waiting list, and notes on a customer. The rules
//! are in [`rules`]; the commands, their facts and the one `decide` are here and in [`decide`].

pub mod block;
pub mod cash_up;
pub mod check_in;
mod code;
mod command;
mod decide;
pub mod membership;
pub mod no_show;
pub mod offers;
pub mod payment;
pub mod policy;
pub mod price;
pub mod price_list;
pub mod price_moray;
pub mod refund;
pub mod registration;
pub mod rules;
pub mod spaces;
pub mod table;
pub mod window;

pub use code::Code;
pub use command::{AddNote, BookPlace, CancelPlace, Command, JoinWaitingList, MAX_NOTE};
pub use decide::{Facts, PlaceFacts, decide, summary, taking};
pub use rules::*;

#[cfg(test)]
mod tests;
