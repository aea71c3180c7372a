//! The handlers, one file per group of endpoints.

pub mod health;
pub mod sessions;
