//! browserd: real headless-browser sessions for programs and LLM agents, over HTTP (the
//! Notte v1.2 wire format), MCP and the command line. `ARCHITECTURE.md` is the map; the
//! rooms, from the top down:
//!
//! - [`startup`]: putting the server (and `browserd mcp`) together, and stopping it.
//! - Front ends: [`api`] (HTTP), [`mcp`] (MCP), [`oneshot`] (the one-page commands).
//! - [`cluster`]: with a shared PostgreSQL, this node's place among the others: the
//!   node registry, placement, which node holds a session.
//! - [`ops`]: the operations on a session that every front end calls.
//! - [`session`]: the life of a session, from start to its one ending.
//! - [`act`]: carrying out one action on a page, as a person would.
//! - [`browser`] (CDP) and [`store`] (SQL): the only rooms that speak those.
//! - [`egress`]: what pages may reach; the proxy every browser's traffic goes through.
//! - [`perception`] and [`scrape`]: pure functions from what a page holds to what an
//!   agent reads.
//! - Ground floor: [`injected`] (every script run in pages), [`domain`] (the values rooms
//!   share), [`config`], [`shutdown`].

pub mod act;
pub mod api;
pub mod browser;
pub mod cluster;
pub mod config;
pub mod domain;
pub mod egress;
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
