//! The handlers, one file per group of endpoints.

pub mod cdp;
pub mod env;
pub mod files;
pub mod health;
pub mod live;
pub mod profiles;
pub mod replay;
pub mod sessions;
pub mod ui;
