//! Leisure bookings: places in a session, its waiting list, and notes on a customer. The rules
//! are in [`rules`]; the commands, their facts and the one `decide` are here and in [`decide`].
//!
//! The rest of the leisure desk (issue 11), as pure functions over per-site, dated
//! configuration — not yet behind commands:
//! - prices: [`price_list`] (configuration, JSON or CSV), [`price_moray`] (Moray's figures with
//!   sources, examples marked), [`price`] (the one price rule, with its reason), [`membership`];
//! - money: [`payment`] (taking it), [`refund`] (cancel and transfer), [`cash_up`];
//! - the site's rules: [`policy`] (cut-offs, no-shows, offer hold, block length, windows),
//!   [`window`] (booking windows), [`no_show`], [`check_in`];
//! - spaces: [`spaces`](mod@spaces) (linked halves and quarters, slots, alternatives), [`block`];
//! - [`offers`] (waiting-list offers) and [`registration`] (new customers, duplicates).

mod attendance;
pub mod block;
pub mod cash_count;
pub mod cash_up;
pub mod check_in;
mod code;
mod command;
pub mod customer_cmd;
pub mod customer_update;
mod decide;
pub mod membership;
mod money;
pub mod no_show;
mod offer_cmd;
pub mod offers;
pub mod payment;
pub mod policy;
pub mod price;
pub mod price_list;
pub mod price_moray;
pub mod records;
pub mod refund;
pub mod registration;
pub mod rules;
pub mod space_cmd;
pub mod space_pay;
pub mod space_records;
pub mod spaces;
mod table;
mod till;
mod transfer;
pub mod window;

pub use attendance::{MAX_REASON, blocked_until, no_show_history};
pub use code::Code;
pub use command::{
    AcceptOffer, AddNote, BookAndPay, BookPlace, CancelPlace, CancelWithRefund, CheckIn, Command, DeclineOffer,
    JoinWaitingList, MAX_NOTE, MarkNoShows, RecordCashCount, RegisterCustomer, SellMembership, Transfer, WaiveNoShow,
};
pub use decide::{Facts, PlaceFacts, decide, summary, taking};
pub use money::{quote, refund_due};
pub use offer_cmd::expire_offers;
pub use rules::*;
pub use space_cmd::{BookSpace, CancelSpace};
pub use table::ConfigError;
pub use transfer::{Moving, held, moving};

#[cfg(test)]
mod tests;
