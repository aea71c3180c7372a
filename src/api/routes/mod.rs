//! The handlers, one file per group of endpoints.

pub mod env;
pub mod health;
pub mod sessions;
