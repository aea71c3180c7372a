//! Integration tests: the real server on a free port with a real Chromium.

mod cdp;
mod cli;
mod cluster;
mod diff;
mod docs;
mod env;
mod files;
mod frames;
mod helpers;
mod hostile;
mod late;
mod lifecycle;
mod mcp;
mod notte;
mod openapi;
mod private_network;
mod process;
mod profiles;
mod schemathesis;
mod sdk;
mod sessions;
mod site;
mod step;
mod telemetry;
mod viewer;
mod widgets;
