//! browserd: real headless-browser sessions for programs and LLM agents, over HTTP, in
//! the wire format of the Notte v1.2 API. See `DESIGN.md` for the rooms and the flow.

pub mod act;
pub mod api;
pub mod browser;
pub mod config;
pub mod domain;
pub mod injected;
pub mod mcp;
pub mod oneshot;
pub mod ops;
pub mod perception;
pub mod scrape;
pub mod session;
pub mod shutdown;
pub mod startup;
pub mod store;
