//! Council Desk shell.
