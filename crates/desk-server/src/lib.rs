//! desk-server
