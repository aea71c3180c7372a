//! The handlers, one file per group of endpoints.

pub mod cdp;
pub mod env;
pub mod health;
pub mod sessions;
