//! desk-client
