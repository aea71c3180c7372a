//! The Notte SDK 1.10 dialect: `/sessions/…` and `/sessions/{id}/page/…`, beside the v1.2
//! routes (no path collides), so that the current `notte-sdk` works against browserd with
//! `NotteClient(api_key=…, server_url=…)`.
//!
//! A thin wire layer: each handler parses the SDK's request into the operations room's
//! values (`actions.rs` turns a typed action into a step) and its answer into the SDK's
//! models (`wire.rs`). No behaviour lives here that the v1.2 routes do not share: what a
//! step, an observation or a scrape does is `ops`'s. What browserd does not have (proxies,
//! captcha solving, e-mail, LLM extraction…) is refused with `422` and a reason, never
//! silently ignored.

pub mod actions;
pub mod files;
pub mod page;
pub mod sessions;
pub mod wire;
