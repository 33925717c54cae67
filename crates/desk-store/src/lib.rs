//! The council server's storage surface, shared by the server and its backends and linking no
//! database driver of its own: the records, the table descriptions, the schema described once
//! (and rendered for SQLite and PostgreSQL), the migration runner, and the traits a backend
//! implements. Each backend is a crate of its own (`desk-server-sqlite`,
//! `desk-server-postgres`), so a build links only the drivers it asks for.

mod error;
pub mod json;
pub mod migrate;
pub mod records;
pub mod rows;
pub mod schema;
pub mod tables;
mod tx;

pub use error::StoreError;
pub use records::*;
pub use schema::{ColType, Column, Dialect, TableSpec};
pub use tx::{Cond, Database, Place, PlaceRead, PullQuery, Row, Select, StoreTx, Tables, Transaction, Tx, write};
pub mod ops;
pub mod sql;
